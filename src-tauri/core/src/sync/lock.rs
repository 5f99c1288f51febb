//! One push at a time per data directory. Two pushes planning from the same org state would
//! both create the same new Leads, and two resumes would both finish the same interrupted
//! deliveries; so planning-to-execution runs under an exclusive lock.
//!
//! The lock is an exclusive SQLite transaction on a small file beside the database
//! (`sync.lock`): SQLite's own file locking works on every platform, and the operating system
//! releases it when the process ends, even by `kill -9`, so a crash never leaves a stale
//! lock behind.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags};

use crate::store::Store;
use crate::{Error, ErrorCode, Result};

/// The lock file's name, in the data directory.
pub const LOCK_FILE: &str = "sync.lock";

/// Held while a push plans and executes; released on drop.
pub struct SyncLock {
    /// Only touched on drop; the mutex makes the lock `Sync`, so a push future holding
    /// `&SyncLock` across its awaits is `Send` (the app runs pushes on its async runtime).
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl std::fmt::Debug for SyncLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncLock")
            .field("path", &self.path)
            .finish()
    }
}

impl SyncLock {
    /// Takes the lock of `store`'s data directory, or fails at once when another push holds
    /// it.
    pub fn acquire(store: &Store) -> Result<SyncLock> {
        let path = store
            .path()
            .parent()
            .map_or_else(|| PathBuf::from(LOCK_FILE), |dir| dir.join(LOCK_FILE));
        SyncLock::acquire_at(&path)
    }

    pub fn acquire_at(path: &Path) -> Result<SyncLock> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| {
            Error::new(
                ErrorCode::Database,
                format!("cannot open the push lock {}: {e}", path.display()),
            )
        })?;
        // The file stays in SQLite's default rollback-journal mode, where an exclusive
        // transaction holds the file's lock until it ends.
        conn.busy_timeout(std::time::Duration::ZERO)?;
        match conn.execute_batch("BEGIN EXCLUSIVE") {
            Ok(()) => Ok(SyncLock {
                conn: Mutex::new(conn),
                path: path.to_path_buf(),
            }),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    || e.code == rusqlite::ErrorCode::DatabaseLocked =>
            {
                Err(Error::new(
                    ErrorCode::InvalidInput,
                    "another push is running on this data directory (the app or another `leadbridge sync`); wait for it to finish",
                ))
            }
            Err(e) => Err(e.into()),
        }
    }
}

impl Drop for SyncLock {
    fn drop(&mut self) {
        let conn = self.conn.get_mut().unwrap_or_else(|p| p.into_inner());
        if let Err(e) = conn.execute_batch("ROLLBACK") {
            tracing::warn!(error = %e, path = %self.path.display(), "releasing the push lock");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(LOCK_FILE);
        let first = SyncLock::acquire_at(&path).unwrap();
        let refused = SyncLock::acquire_at(&path).unwrap_err();
        assert!(
            refused.message.contains("another push"),
            "{}",
            refused.message
        );
        drop(first);
        SyncLock::acquire_at(&path).unwrap();
    }

    #[test]
    fn the_lock_can_be_held_across_threads() {
        fn send_and_sync<T: Send + Sync>() {}
        send_and_sync::<SyncLock>();
    }
}
