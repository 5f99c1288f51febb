//! The app's shared state: the data directory, store and keyring vault, opened once at
//! start-up, plus the in-process demo org and the pending login's cancel handle.

use std::path::PathBuf;
use std::sync::Mutex;

use leadbridge_core::logging::LogGuard;
use leadbridge_core::salesforce::token_vault::TokenVault;
use leadbridge_core::salesforce::SalesforceClient;
use leadbridge_core::store::Store;
use leadbridge_core::{Error, Result};
use leadbridge_demo_org::DemoOrg;
use tokio_util::sync::CancellationToken;

pub struct Core {
    pub data_dir: PathBuf,
    pub store: Store,
    pub vault: TokenVault,
    /// The demo org when this app started it ("Try the demo org" or `--demo-org`).
    pub demo: tokio::sync::Mutex<Option<DemoOrg>>,
    /// Cancels the login in progress (the Connect screen's Cancel button).
    pub login_cancel: Mutex<Option<CancellationToken>>,
    _log_guard: LogGuard,
}

impl Core {
    /// A client for the active profile. Cheap: sessions and describe caches are shared per
    /// profile inside the core.
    pub fn client(&self) -> Result<SalesforceClient> {
        SalesforceClient::open(&self.store, &self.vault, None)
    }
}

/// Start-up may fail (a read-only data dir, a database from a newer build). The window still
/// opens and every command returns that error, so the person sees why instead of a crash.
pub struct AppState(std::result::Result<Core, Error>);

/// What the command line asked of the app.
pub struct LaunchOptions {
    pub data_dir: Option<PathBuf>,
    /// With no active profile, start the demo org and connect to it (the README's run command
    /// passes this); a real org the person connected stays active.
    pub demo_org: bool,
}

impl LaunchOptions {
    pub fn from_args(mut args: impl Iterator<Item = String>) -> LaunchOptions {
        let mut options = LaunchOptions {
            data_dir: None,
            demo_org: false,
        };
        while let Some(arg) = args.next() {
            if arg == "--data-dir" {
                options.data_dir = args.next().map(PathBuf::from);
            } else if let Some(v) = arg.strip_prefix("--data-dir=") {
                options.data_dir = Some(PathBuf::from(v));
            } else if arg == "--demo-org" {
                options.demo_org = true;
            }
        }
        options
    }
}

impl AppState {
    /// Uses `--data-dir DIR`, else `LEADBRIDGE_DATA_DIR`, else the OS app-data dir: the same
    /// rules as the CLI.
    pub fn open(options: &LaunchOptions) -> AppState {
        AppState(Self::open_core(options))
    }

    fn open_core(options: &LaunchOptions) -> Result<Core> {
        let data_dir = leadbridge_core::paths::resolve_data_dir(options.data_dir.as_deref())?;
        let log_guard = leadbridge_core::logging::init(&data_dir, "info")?;
        let store = Store::open(&data_dir)?;
        let vault = TokenVault::for_data_dir(&data_dir)?;
        tracing::info!(data_dir = %data_dir.display(), "Leadbridge started");
        Ok(Core {
            data_dir,
            store,
            vault,
            demo: tokio::sync::Mutex::new(None),
            login_cancel: Mutex::new(None),
            _log_guard: log_guard,
        })
    }

    pub fn core(&self) -> Result<&Core> {
        self.0.as_ref().map_err(Clone::clone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_launch_options() {
        let args = |v: &[&str]| {
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .into_iter()
        };
        let o = LaunchOptions::from_args(args(&["--data-dir", "/x", "--demo-org"]));
        assert_eq!(o.data_dir, Some(PathBuf::from("/x")));
        assert!(o.demo_org);
        let o = LaunchOptions::from_args(args(&["--data-dir=/y"]));
        assert_eq!(o.data_dir, Some(PathBuf::from("/y")));
        assert!(!o.demo_org);
        assert_eq!(LaunchOptions::from_args(args(&["--other"])).data_dir, None);
    }
}
