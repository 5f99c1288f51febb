//! The automated delivery: one pass over the queue ([`drain`]). Due contacts go through the
//! same planner and executor as a manual push, with trigger `webhook` (so the delivery log is
//! the outbox, and an interrupted pass is resumed by the next one without duplicates); then
//! the kept events the mapping selects are logged as Salesforce Tasks ([`super::tasks`]).

use chrono::Utc;
use rusqlite::params;
use serde::Serialize;
use ts_rs::TS;

use super::pending::{evaluate, queue_entry, PendingReason};
use super::tasks;
use crate::contacts::store::ts;
use crate::contacts::{self, email};
use crate::deliveries::{self, DeliveryTrigger};
use crate::mapping::MappingStore;
use crate::salesforce::SalesforceClient;
use crate::store::Store;
use crate::sync::{self, ExecuteOptions, ResultStatus, Selection};
use crate::Result;

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DrainReport {
    pub delivered: u32,
    pub failed: u32,
    pub skipped: u32,
    pub tasks_created: u32,
    pub tasks_failed: u32,
    /// Contacts still queued (waiting for their criteria or delay).
    pub waiting: u32,
}

/// The emails of queued contacts, oldest first.
fn queued_keys(store: &Store) -> Result<Vec<String>> {
    let conn = store.conn();
    let mut stmt =
        conn.prepare("SELECT email_key FROM webhook_queue ORDER BY queued_at, email_key")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Contacts still queued (for the status).
pub fn queued_count(store: &Store) -> Result<u32> {
    Ok(store
        .conn()
        .query_row("SELECT count(*) FROM webhook_queue", [], |r| r.get(0))?)
}

/// One pass: delivers every due contact (and resumes any delivery a crash interrupted), then
/// logs pending Tasks. `options.trigger` is forced to `webhook`.
pub async fn drain(
    client: &SalesforceClient,
    store: &Store,
    options: &ExecuteOptions,
) -> Result<DrainReport> {
    let started = Utc::now();
    let criteria = MappingStore::new(store).current()?.document.criteria;
    let keys = queued_keys(store)?;
    let found = contacts::store::get_by_emails(store, &keys)?;
    let mut report = DrainReport::default();
    let mut due: Vec<String> = Vec::new();
    {
        let conn = store.conn();
        for contact in &found {
            let queue = queue_entry(&conn, &contact.email_key)?;
            let status = evaluate(contact, queue.as_ref(), &criteria, started);
            if status.reason == PendingReason::Queued {
                due.push(contact.email.clone());
            }
        }
    }
    // A delivery a crash or quit left unfinished is finished by the next push; a pass with
    // nothing due still runs one for them.
    if due.is_empty() {
        let unfinished = deliveries::unfinished(&store.conn())?;
        for d in unfinished {
            if d.delivery.trigger == DeliveryTrigger::Webhook
                && contacts::store::get_by_email(store, &d.delivery.email)?.is_some()
            {
                due.push(d.delivery.email.clone());
            }
        }
        due.dedup();
    }
    if !due.is_empty() {
        let options = ExecuteOptions {
            trigger: DeliveryTrigger::Webhook,
            ..options.clone()
        };
        let pushed = sync::push(client, store, &Selection::Emails(due), &options).await?;
        let now = Utc::now();
        store.transaction(|tx| {
            for result in &pushed.results {
                let key = email::key(result.email.trim());
                match result.status {
                    ResultStatus::Succeeded | ResultStatus::Skipped => {
                        if result.status == ResultStatus::Succeeded {
                            report.delivered += 1;
                        } else {
                            report.skipped += 1;
                        }
                        // Re-queued by an event that arrived during the push: keep it.
                        tx.execute(
                            "DELETE FROM webhook_queue WHERE email_key = ?1 AND queued_at <= ?2",
                            params![key, ts(started)],
                        )?;
                    }
                    ResultStatus::Failed => {
                        report.failed += 1;
                        tx.execute(
                            "UPDATE webhook_queue SET failed_delivery_id = ?2, failed_at = ?3 WHERE email_key = ?1",
                            params![key, result.delivery_id, ts(now)],
                        )?;
                    }
                }
            }
            Ok(())
        })?;
    }
    let logged = tasks::log_pending(client, store, &options.retry, &options.cancel).await?;
    report.tasks_created = logged.created;
    report.tasks_failed = logged.failed;
    report.waiting = queued_count(store)?;
    Ok(report)
}
