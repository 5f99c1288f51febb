//! The deliveries-over-time chart. Triggers keep per-hour counts of finished deliveries
//! (migration 0005), so a chart over any range reads a few hundred rows, never the log itself.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

use super::model::{StatsBucket, StatsPoint};
use super::time::{from_ms, to_ms};
use crate::{Error, Result};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// Most bars one chart may ask for (a year and a bit of hours).
pub const MAX_BUCKETS: i64 = 10_000;

/// Finished deliveries per UTC hour or day, by outcome, for every bucket that overlaps
/// `[from, to)` (empty buckets included, oldest first). A bucket counts the deliveries created
/// in the whole hour or day, and a resolved delivery counts as the failure it was.
pub fn stats(
    conn: &Connection,
    bucket: StatsBucket,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<StatsPoint>> {
    if from >= to {
        return Err(Error::invalid_input(format!(
            "the chart range ends ({}) before it starts ({})",
            super::time::format(to),
            super::time::format(from)
        ))
        .field("to"));
    }
    let width = match bucket {
        StatsBucket::Hour => HOUR_MS,
        StatsBucket::Day => DAY_MS,
    };
    let start = to_ms(from).div_euclid(width) * width;
    let end = to_ms(to);
    let buckets = (end - start + width - 1) / width;
    if buckets > MAX_BUCKETS {
        return Err(Error::invalid_input(format!(
            "the chart range has {buckets} {bucket} buckets; at most {MAX_BUCKETS} (use day buckets or a shorter range)"
        ))
        .field("bucket"));
    }
    let mut points = (0..buckets)
        .map(|i| {
            Ok(StatsPoint {
                bucket_start: from_ms(start + i * width)?,
                succeeded: 0,
                failed: 0,
                skipped: 0,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT hour_start, outcome, count FROM delivery_hourly_counts
         WHERE hour_start >= ?1 AND hour_start < ?2 AND count > 0",
    )?;
    let mut rows = stmt.query(params![start, end])?;
    while let Some(row) = rows.next()? {
        let hour: i64 = row.get(0)?;
        let outcome: String = row.get(1)?;
        let count = row.get::<_, i64>(2)?.max(0) as u64;
        let Some(point) = points.get_mut(((hour - start) / width) as usize) else {
            continue;
        };
        match outcome.as_str() {
            "succeeded" => point.succeeded += count,
            "failed" => point.failed += count,
            "skipped" => point.skipped += count,
            other => tracing::warn!(outcome = other, "unknown outcome in delivery_hourly_counts"),
        }
    }
    Ok(points)
}
