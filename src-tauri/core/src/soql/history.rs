//! The console's query history: the last [`HISTORY_LEN`] statements sent, newest first, kept
//! in the store's settings as one JSON document (one key, replaced in a transaction).
//! Statements the guard refused were never sent and are not kept.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::guard::check;
use super::run::{run_checked, QueryResult};
use crate::salesforce::SalesforceClient;
use crate::store::Store;
use crate::{Error, Result};

/// How many statements the history keeps.
pub const HISTORY_LEN: usize = 50;
const SETTING_KEY: &str = "soql.history";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HistoryEntry {
    /// The statement as sent.
    pub soql: String,
    pub ran_at: DateTime<Utc>,
    /// `totalSize` of the answer, when the query succeeded.
    #[ts(type = "number | null")]
    pub total_size: Option<u64>,
    /// The error code, when it failed (`SALESFORCE`, `NETWORK`, ...).
    pub error_code: Option<String>,
}

/// The history, newest first. A value that no longer parses (written by hand, or by a build
/// with another shape) reads as an empty history rather than blocking the console; the next
/// run replaces it.
pub fn list(store: &Store) -> Result<Vec<HistoryEntry>> {
    Ok(read(&store.get_setting(SETTING_KEY)?))
}

/// Forgets every entry.
pub fn clear(store: &Store) -> Result<()> {
    store.set_setting(SETTING_KEY, "[]")
}

/// Puts `entry` on top: an earlier run of the same statement moves up instead of repeating,
/// and the oldest entries beyond [`HISTORY_LEN`] go. Returns the new history.
pub fn record(store: &Store, entry: HistoryEntry) -> Result<Vec<HistoryEntry>> {
    store.transaction(|tx| {
        let stored: Option<String> = tx
            .query_row(
                "SELECT value FROM settings WHERE key = ?1",
                [SETTING_KEY],
                |r| r.get(0),
            )
            .optional()?;
        let mut entries = read(&stored);
        entries.retain(|e| e.soql != entry.soql);
        entries.insert(0, entry);
        entries.truncate(HISTORY_LEN);
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [SETTING_KEY, &serde_json::to_string(&entries)?],
        )?;
        Ok(entries)
    })
}

/// The console's Run: the guard first (a refused statement is neither sent nor kept), then
/// [`run_checked`], and the outcome goes on top of the history either way.
pub async fn run_and_record(
    store: &Store,
    client: &SalesforceClient,
    text: &str,
    max_rows: usize,
) -> Result<QueryResult> {
    let checked = check(text).map_err(Error::from)?;
    let outcome = run_checked(client, &checked, max_rows).await;
    let entry = HistoryEntry {
        soql: checked.soql.clone(),
        ran_at: Utc::now(),
        total_size: outcome.as_ref().ok().map(|r| r.total_size),
        error_code: outcome.as_ref().err().map(|e| e.code.as_str().to_string()),
    };
    record(store, entry)?;
    outcome
}

fn read(stored: &Option<String>) -> Vec<HistoryEntry> {
    let Some(text) = stored else {
        return Vec::new();
    };
    serde_json::from_str(text).unwrap_or_else(|e| {
        tracing::warn!("the SOQL history setting is unreadable ({e}); starting a new one");
        Vec::new()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(soql: &str) -> HistoryEntry {
        HistoryEntry {
            soql: soql.into(),
            ran_at: Utc::now(),
            total_size: Some(1),
            error_code: None,
        }
    }

    #[test]
    fn newest_first_without_repeats_and_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(list(&store).unwrap().is_empty());
        for i in 0..HISTORY_LEN + 5 {
            record(&store, entry(&format!("SELECT Id FROM Lead LIMIT {i}"))).unwrap();
        }
        let again = record(&store, entry("SELECT Id FROM Lead LIMIT 20")).unwrap();
        assert_eq!(again.len(), HISTORY_LEN);
        assert_eq!(again[0].soql, "SELECT Id FROM Lead LIMIT 20");
        assert_eq!(
            again
                .iter()
                .filter(|e| e.soql == "SELECT Id FROM Lead LIMIT 20")
                .count(),
            1
        );
        assert_eq!(
            again[1].soql,
            format!("SELECT Id FROM Lead LIMIT {}", HISTORY_LEN + 4)
        );
        // The oldest went: 0..=5 fell off the end once 55 were recorded.
        assert!(!again
            .iter()
            .any(|e| e.soql == "SELECT Id FROM Lead LIMIT 0"));
        // It is on disk: a second store on the same file sees it.
        let reopened = Store::open(dir.path()).unwrap();
        assert_eq!(list(&reopened).unwrap(), again);
        clear(&store).unwrap();
        assert!(list(&store).unwrap().is_empty());
    }

    #[test]
    fn an_unreadable_history_starts_over() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.set_setting(SETTING_KEY, "{not json").unwrap();
        assert!(list(&store).unwrap().is_empty());
        let after = record(&store, entry("SELECT Id FROM Lead")).unwrap();
        assert_eq!(after.len(), 1);
    }
}
