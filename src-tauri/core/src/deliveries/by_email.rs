//! One contact's deliveries, for its page: by the lowercased email (indexed), newest first.

use rusqlite::Connection;

use super::model::Delivery;
use super::read::{delivery_from_row, DELIVERY_COLUMNS};
use crate::Result;

/// The newest `limit` deliveries of `email` (compared case-insensitively) and how many there
/// are in all.
pub fn for_email(conn: &Connection, email: &str, limit: u32) -> Result<(Vec<Delivery>, u64)> {
    let key = email.trim().to_lowercase();
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries d WHERE d.email_key = ?1 \
             ORDER BY d.created_at DESC, d.id DESC LIMIT ?2"
        ))?
        .query_map(rusqlite::params![key, limit], delivery_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM deliveries WHERE email_key = ?1")?
        .query_row([&key], |r| r.get(0))?;
    Ok((rows, total.max(0) as u64))
}
