//! Where Leadbridge keeps its data: the OS app-data dir by default, or the directory given by
//! `--data-dir` / `LEADBRIDGE_DATA_DIR`. The desktop app and the CLI resolve it the same way.

use std::path::{Path, PathBuf};

use crate::{Error, ErrorCode, Result, APP_IDENTIFIER};

/// Environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "LEADBRIDGE_DATA_DIR";

/// The default data directory: `<OS app-data dir>/dev.leadbridge.app`.
pub fn default_data_dir() -> Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join(APP_IDENTIFIER))
        .ok_or_else(|| {
            Error::new(
                ErrorCode::DataDir,
                "cannot find the OS app-data directory; pass --data-dir",
            )
        })
}

/// Resolves and checks the data directory, creating it on first use.
///
/// An explicit directory (flag or environment) is created like the default one, so
/// `--data-dir /tmp/new` works as it does for other tools; a new one is logged, so a typo that
/// started an empty Leadbridge can be told from a lost one. Its parent must exist.
pub fn resolve_data_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    let from_env = std::env::var_os(DATA_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    let (dir, create): (PathBuf, fn(&Path) -> std::io::Result<()>) =
        match explicit.map(Path::to_path_buf).or(from_env) {
            Some(dir) => (dir, |d| std::fs::create_dir(d)),
            None => (default_data_dir()?, |d| std::fs::create_dir_all(d)),
        };
    if !dir.exists() {
        create(&dir).map_err(|e| {
            Error::new(
                ErrorCode::DataDir,
                format!("cannot create the data directory {}: {e}", dir.display()),
            )
        })?;
        tracing::info!(dir = %dir.display(), "created a new data directory");
    }
    check_dir(&dir)?;
    Ok(dir)
}

/// A data directory must exist, be a directory, and be writable.
pub fn check_dir(dir: &Path) -> Result<()> {
    let meta = std::fs::metadata(dir).map_err(|e| {
        let why = if e.kind() == std::io::ErrorKind::NotFound {
            "does not exist".to_string()
        } else {
            e.to_string()
        };
        Error::new(
            ErrorCode::DataDir,
            format!("data directory {} {why}", dir.display()),
        )
    })?;
    if !meta.is_dir() {
        return Err(Error::new(
            ErrorCode::DataDir,
            format!("data directory {} is not a directory", dir.display()),
        ));
    }
    // Permission bits lie for root and on some filesystems; only a real write proves it.
    let probe = dir.join(".leadbridge-write-probe");
    std::fs::write(&probe, b"")
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|e| {
            Error::new(
                ErrorCode::DataDir,
                format!("data directory {} is not writable: {e}", dir.display()),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_missing_dir_is_created() {
        let tmp = tempfile::tempdir().unwrap();
        let fresh = tmp.path().join("fresh");
        assert_eq!(resolve_data_dir(Some(&fresh)).unwrap(), fresh);
        assert!(fresh.is_dir());
        // Again: an existing directory is used as it is.
        assert_eq!(resolve_data_dir(Some(&fresh)).unwrap(), fresh);
    }

    #[test]
    fn explicit_dir_under_a_missing_parent_is_a_clear_error() {
        let tmp = tempfile::tempdir().unwrap();
        let deep = tmp.path().join("no-such-parent").join("data");
        let err = resolve_data_dir(Some(&deep)).unwrap_err();
        assert_eq!(err.code, ErrorCode::DataDir);
        assert!(
            err.message.contains("cannot create the data directory"),
            "{}",
            err.message
        );
        assert!(!deep.parent().unwrap().exists(), "nothing half-created");
    }

    #[test]
    fn a_file_is_not_a_data_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("f");
        std::fs::write(&file, "x").unwrap();
        let err = check_dir(&file).unwrap_err();
        assert!(
            err.message.contains("is not a directory"),
            "{}",
            err.message
        );
    }

    #[test]
    fn explicit_existing_dir_is_used() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(resolve_data_dir(Some(tmp.path())).unwrap(), tmp.path());
    }

    #[cfg(unix)]
    #[test]
    fn read_only_dir_is_a_clear_error() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let ro = tmp.path().join("ro");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        // root ignores permission bits; /proc refuses new files even to root.
        let target = if std::fs::write(ro.join("x"), b"").is_ok() {
            PathBuf::from("/proc")
        } else {
            ro
        };
        let err = check_dir(&target).unwrap_err();
        assert!(err.message.contains("is not writable"), "{}", err.message);
    }
}
