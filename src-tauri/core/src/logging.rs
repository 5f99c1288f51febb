//! Logs go through `tracing` to a daily-rotated file in `<data dir>/logs` and to stderr.
//! Secrets never reach a log line: the Salesforce client redacts tokens before logging.

use std::path::{Path, PathBuf};

use tracing_subscriber::{
    fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter, Layer as _,
};

use crate::{Error, ErrorCode, Result};

/// Flushes the file log when dropped; hold it for the life of the process.
pub use tracing_appender::non_blocking::WorkerGuard as LogGuard;

/// How many daily log files are kept.
const KEEP_LOG_FILES: usize = 14;

pub fn log_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// Installs the global subscriber. Keep the returned guard alive for the life of the process:
/// dropping it flushes the file writer. `RUST_LOG` overrides `default_filter`.
pub fn init(data_dir: &Path, default_filter: &str) -> Result<LogGuard> {
    let dir = log_dir(data_dir);
    // The appender prunes old files before it creates the directory; create it first.
    std::fs::create_dir_all(&dir).map_err(|e| {
        Error::new(
            ErrorCode::Io,
            format!("cannot create the log directory {}: {e}", dir.display()),
        )
    })?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("leadbridge")
        .filename_suffix("log")
        .max_log_files(KEEP_LOG_FILES)
        .build(&dir)
        .map_err(|e| Error::new(ErrorCode::Io, format!("cannot open the log directory: {e}")))?;
    let (file_writer, guard) = tracing_appender::non_blocking(appender);
    let filter =
        || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let registry = tracing_subscriber::registry()
        .with(
            fmt::layer()
                .with_writer(file_writer)
                .with_ansi(false)
                .with_filter(filter()),
        )
        .with(
            fmt::layer()
                .with_writer(std::io::stderr)
                .with_target(false)
                .with_filter(filter_stderr()),
        );
    // A second init (tests, an embedding host) keeps the first subscriber.
    let _ = registry.try_init();
    Ok(guard)
}

/// Stderr shows warnings and errors only unless RUST_LOG says otherwise: the CLI's stdout and
/// stderr are for people and scripts.
fn filter_stderr() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_to_a_file_in_the_data_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let guard = init(tmp.path(), "info").unwrap();
        tracing::info!("hello from the logging test");
        drop(guard);
        let files: Vec<_> = std::fs::read_dir(log_dir(tmp.path()))
            .unwrap()
            .flatten()
            .collect();
        assert_eq!(files.len(), 1, "one daily log file");
        let text = std::fs::read_to_string(files[0].path()).unwrap();
        assert!(text.contains("hello from the logging test"), "{text}");
    }
}
