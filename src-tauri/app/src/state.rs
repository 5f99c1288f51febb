//! The app's shared state: the data directory and store, opened once at start-up.

use std::path::PathBuf;

use leadbridge_core::logging::LogGuard;
use leadbridge_core::store::Store;
use leadbridge_core::{Error, Result};

pub struct Core {
    pub data_dir: PathBuf,
    pub store: Store,
    _log_guard: LogGuard,
}

/// Start-up may fail (a read-only data dir, a database from a newer build). The window still
/// opens and every command returns that error, so the person sees why instead of a crash.
pub struct AppState(std::result::Result<Core, Error>);

impl AppState {
    /// Uses `--data-dir DIR` from the command line, else `LEADBRIDGE_DATA_DIR`, else the OS
    /// app-data dir: the same rules as the CLI.
    pub fn open_from_env() -> AppState {
        let explicit = data_dir_arg(std::env::args().skip(1));
        AppState(Self::open(explicit))
    }

    fn open(explicit: Option<PathBuf>) -> Result<Core> {
        let data_dir = leadbridge_core::paths::resolve_data_dir(explicit.as_deref())?;
        let log_guard = leadbridge_core::logging::init(&data_dir, "info")?;
        let store = Store::open(&data_dir)?;
        tracing::info!(data_dir = %data_dir.display(), "Leadbridge started");
        Ok(Core {
            data_dir,
            store,
            _log_guard: log_guard,
        })
    }

    pub fn core(&self) -> Result<&Core> {
        self.0.as_ref().map_err(Clone::clone)
    }
}

fn data_dir_arg(mut args: impl Iterator<Item = String>) -> Option<PathBuf> {
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(v) = arg.strip_prefix("--data-dir=") {
            return Some(PathBuf::from(v));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_data_dir_in_both_spellings() {
        let args = |v: &[&str]| {
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .into_iter()
        };
        assert_eq!(
            data_dir_arg(args(&["--data-dir", "/x"])),
            Some(PathBuf::from("/x"))
        );
        assert_eq!(
            data_dir_arg(args(&["--data-dir=/y"])),
            Some(PathBuf::from("/y"))
        );
        assert_eq!(data_dir_arg(args(&["--other"])), None);
    }
}
