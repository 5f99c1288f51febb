//! Versioned schema migrations, embedded at compile time and applied in order on open.
//! `PRAGMA user_version` records how far a database has come. To change the schema, add a
//! new file and a new line below; never edit a migration that has shipped.

use rusqlite::Connection;

use crate::{Error, ErrorCode, Result};

const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_init", include_str!("migrations/0001_init.sql")),
    (
        "0002_org_profiles",
        include_str!("migrations/0002_org_profiles.sql"),
    ),
    (
        "0003_contacts",
        include_str!("migrations/0003_contacts.sql"),
    ),
    (
        "0004_mapping_versions",
        include_str!("migrations/0004_mapping_versions.sql"),
    ),
    (
        "0005_deliveries",
        include_str!("migrations/0005_deliveries.sql"),
    ),
    ("0006_serve", include_str!("migrations/0006_serve.sql")),
    (
        "0007_bulk_jobs",
        include_str!("migrations/0007_bulk_jobs.sql"),
    ),
    (
        "0008_deliveries_email_order",
        include_str!("migrations/0008_deliveries_email_order.sql"),
    ),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

pub(super) fn apply(conn: &Connection) -> Result<()> {
    let current: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(Error::new(
            ErrorCode::Database,
            format!(
                "the database was written by a newer Leadbridge (schema {current}, this build knows {SCHEMA_VERSION}); upgrade Leadbridge"
            ),
        ));
    }
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = index as u32 + 1;
        tracing::info!(migration = name, version, "applying migration");
        // Each migration and its version bump commit together, so a crash never half-applies one.
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql).map_err(|e| {
            Error::new(ErrorCode::Database, format!("migration {name} failed: {e}"))
        })?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}
