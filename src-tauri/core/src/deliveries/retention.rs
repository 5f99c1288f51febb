//! How long the log keeps finished deliveries. Pruning deletes in small transactions so the
//! app keeps writing between them; a failure nobody resolved is never pruned.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::model::{DeliverySettings, PruneReport};
use super::time::to_ms;
use crate::store::Store;
use crate::{Error, ErrorCode, Result};

/// The settings key (in the `settings` table) holding the retention in days.
pub const RETENTION_SETTING: &str = "deliveries.retentionDays";
pub const DEFAULT_RETENTION_DAYS: u32 = 90;
/// A hundred years: longer is "forever", which is 0.
pub const MAX_RETENTION_DAYS: u32 = 36_500;
/// Deliveries deleted per transaction.
const PRUNE_BATCH: usize = 2_000;
const DAY_MS: i64 = 86_400_000;

pub fn settings(store: &Store) -> Result<DeliverySettings> {
    let retention_days = match store.get_setting(RETENTION_SETTING)? {
        None => DEFAULT_RETENTION_DAYS,
        Some(text) => text
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|d| *d <= MAX_RETENTION_DAYS)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::Database,
                    format!(
                        "the setting {RETENTION_SETTING} holds '{text}', not a number of days from 0 to {MAX_RETENTION_DAYS}; set it again"
                    ),
                )
            })?,
    };
    Ok(DeliverySettings { retention_days })
}

pub fn set_settings(store: &Store, settings: &DeliverySettings) -> Result<()> {
    if settings.retention_days > MAX_RETENTION_DAYS {
        return Err(Error::invalid_input(format!(
            "keep deliveries for 0 (forever) to {MAX_RETENTION_DAYS} days, not {}",
            settings.retention_days
        ))
        .field("retentionDays"));
    }
    store.set_setting(RETENTION_SETTING, &settings.retention_days.to_string())
}

/// Deletes finished deliveries (succeeded, skipped, resolved) last changed more than the
/// retention ago, with their attempts, and batches left empty. Failed deliveries that nobody
/// resolved, and unfinished ones, are kept however old. Retention 0 keeps everything.
pub fn prune(store: &Store, now: DateTime<Utc>) -> Result<PruneReport> {
    let days = settings(store)?.retention_days;
    if days == 0 {
        return Ok(PruneReport::default());
    }
    prune_before(store, to_ms(now) - i64::from(days) * DAY_MS)
}

fn prune_before(store: &Store, cutoff_ms: i64) -> Result<PruneReport> {
    let mut report = PruneReport::default();
    loop {
        let done = store.transaction(|tx| {
            // created_at <= updated_at, so the created_at bound only lets the index skip ahead.
            let ids = tx
                .prepare_cached(
                    "SELECT id FROM deliveries
                     WHERE status IN ('succeeded', 'skipped', 'resolved')
                       AND created_at < ?1 AND updated_at < ?1
                     LIMIT ?2",
                )?
                .query_map(params![cutoff_ms, PRUNE_BATCH as i64], |r| {
                    r.get::<_, i64>(0)
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for id in &ids {
                report.attempts += tx
                    .prepare_cached("DELETE FROM delivery_attempts WHERE delivery_id = ?1")?
                    .execute([id])? as u64;
                report.deliveries += tx
                    .prepare_cached("DELETE FROM deliveries WHERE id = ?1")?
                    .execute([id])? as u64;
            }
            Ok(ids.len() < PRUNE_BATCH)
        })?;
        if done {
            break;
        }
    }
    store.transaction(|tx| {
        // Only batches older than the cutoff: a batch just begun has no deliveries yet.
        report.batches = tx.execute(
            "DELETE FROM delivery_batches WHERE started_at < ?1
               AND NOT EXISTS (SELECT 1 FROM deliveries WHERE batch_id = delivery_batches.id)",
            [cutoff_ms],
        )? as u64;
        tx.execute("DELETE FROM delivery_hourly_counts WHERE count <= 0", [])?;
        Ok(())
    })?;
    if report.deliveries > 0 {
        tracing::info!(
            deliveries = report.deliveries,
            attempts = report.attempts,
            batches = report.batches,
            "pruned the delivery log"
        );
    }
    Ok(report)
}
