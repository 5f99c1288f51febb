//! What every command needs: the resolved data directory, the store, and logging to a file;
//! and for those that talk to Salesforce, the active profile's client.

use std::path::{Path, PathBuf};

use leadbridge_core::logging::LogGuard;
use leadbridge_core::salesforce::token_vault::TokenVault;
use leadbridge_core::salesforce::SalesforceClient;
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

    /// The active org profile's client (`NOT_CONNECTED` when there is none).
    pub fn client(&self) -> Result<SalesforceClient> {
        let vault = TokenVault::for_data_dir(&self.data_dir)?;
        SalesforceClient::open(&self.store, &vault, None)
    }
}
