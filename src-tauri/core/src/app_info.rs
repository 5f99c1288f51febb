//! Facts about this installation, shown in the app's About panel and by `leadbridge info`.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use crate::store::Store;
use crate::Result;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    pub data_dir: String,
    pub database_path: String,
    pub log_dir: String,
    pub schema_version: u32,
    /// `debug` or `release`.
    pub build_profile: String,
    /// e.g. `linux x86_64`.
    pub platform: String,
}

pub fn app_info(data_dir: &Path, store: &Store) -> Result<AppInfo> {
    Ok(AppInfo {
        name: "Leadbridge".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        data_dir: data_dir.display().to_string(),
        database_path: store.path().display().to_string(),
        log_dir: crate::logging::log_dir(data_dir).display().to_string(),
        schema_version: store.schema_version()?,
        build_profile: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
        .into(),
        platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
    })
}
