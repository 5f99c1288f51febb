//! What every command needs: the resolved data directory, the store, and logging to a file.

use std::path::{Path, PathBuf};

use leadbridge_core::logging::LogGuard;
use leadbridge_core::store::Store;
use leadbridge_core::Result;

pub struct Context {
    pub data_dir: PathBuf,
    pub store: Store,
    /// Keeps the file logger flushing until the command ends.
    _log_guard: LogGuard,
}

impl Context {
    pub fn open(data_dir: Option<&Path>) -> Result<Context> {
        let data_dir = leadbridge_core::paths::resolve_data_dir(data_dir)?;
        let guard = leadbridge_core::logging::init(&data_dir, "info")?;
        let store = Store::open(&data_dir)?;
        Ok(Context {
            data_dir,
            store,
            _log_guard: guard,
        })
    }
}
