//! The local store: one SQLite database in the data directory, in WAL mode, with versioned
//! migrations applied on open. Secrets never go here (they live in the OS keyring).

mod migrations;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::{Error, ErrorCode, Result};

pub use migrations::SCHEMA_VERSION;

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "leadbridge.db";

/// The database handle shared by the app's commands and the CLI.
///
/// One connection behind a mutex: SQLite serialises writers anyway, and every query here is
/// short. Long scans (the delivery log) run on a blocking thread in the adapters.
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) `leadbridge.db` in `data_dir` and migrates it.
    pub fn open(data_dir: &Path) -> Result<Store> {
        crate::paths::check_dir(data_dir)?;
        Store::open_file(&data_dir.join(DB_FILE))
    }

    pub fn open_file(path: &Path) -> Result<Store> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| {
            Error::new(
                ErrorCode::Database,
                format!("cannot open database {}: {e}", path.display()),
            )
        })?;
        // A second process (CLI beside the app) may hold the write lock briefly.
        conn.busy_timeout(Duration::from_secs(5))?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "SQLite refused WAL mode");
        }
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
        // 32 MiB of page cache (SQLite's default is 2 MiB): the delivery log's table windows at
        // deep offsets walk tens of megabytes of index, and scrolling walks the same pages again
        // for every window. The cache only grows as pages are read.
        conn.execute_batch("PRAGMA cache_size = -32768;")?;
        // Savepoints inside a push's transactions (one per delivery-log write) journal the
        // pages they change; in memory that is a copy, on disk a temporary file write each.
        conn.execute_batch("PRAGMA temp_store = MEMORY;")?;
        migrations::apply(&conn)
            .map_err(|e| Error::new(e.code, format!("{} ({})", e.message, path.display())))?;
        Ok(Store {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for repositories in this crate. A poisoned lock only means another
    /// thread panicked mid-call; SQLite's own transactions keep the data consistent.
    pub fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` inside one transaction: all of it lands, or none of it.
    pub fn transaction<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut conn = self.conn();
        // IMMEDIATE takes the write lock up front, so a writer in another process makes this
        // wait (busy timeout) instead of failing mid-transaction when a read turns into a write.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    pub fn get_setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_in_wal_mode_and_migrates() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let mode: String = store
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert!(tmp.path().join(DB_FILE).exists());
    }

    #[test]
    fn reopening_keeps_data_and_does_not_remigrate() {
        let tmp = tempfile::tempdir().unwrap();
        Store::open(tmp.path())
            .unwrap()
            .set_setting("k", "v1")
            .unwrap();
        let store = Store::open(tmp.path()).unwrap();
        assert_eq!(store.get_setting("k").unwrap().as_deref(), Some("v1"));
        store.set_setting("k", "v2").unwrap();
        assert_eq!(store.get_setting("k").unwrap().as_deref(), Some("v2"));
    }

    #[test]
    fn refuses_a_database_from_a_newer_build() {
        let tmp = tempfile::tempdir().unwrap();
        drop(Store::open(tmp.path()).unwrap());
        let conn = Connection::open(tmp.path().join(DB_FILE)).unwrap();
        conn.execute_batch(&format!("PRAGMA user_version = {}", SCHEMA_VERSION + 1))
            .unwrap();
        drop(conn);
        let err = Store::open(tmp.path()).err().unwrap();
        assert_eq!(err.code, ErrorCode::Database);
        assert!(err.message.contains("newer"), "{}", err.message);
    }

    #[test]
    fn transaction_rolls_back_on_error() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        let res: Result<()> = store.transaction(|tx| {
            tx.execute("INSERT INTO settings (key, value) VALUES ('a', 'b')", [])?;
            Err(Error::invalid_input("boom"))
        });
        assert!(res.is_err());
        assert_eq!(store.get_setting("a").unwrap(), None);
    }
}
