//! leadbridge-core: every behaviour of Leadbridge. The Tauri app and the CLI are thin
//! adapters over this crate; nothing here knows about windows or terminals.

pub mod app_info;
pub mod contacts;
pub mod deliveries;
pub mod detail;
pub mod error;
/// The fuzz targets' bodies, shared by cargo-fuzz and the stable replay test.
#[doc(hidden)]
pub mod fuzz_targets;
pub mod logging;
pub mod mapping;
pub mod paths;
pub mod profiles;
pub mod routing;
pub mod salesforce;
pub mod serve;
pub mod soql;
pub mod store;
pub mod sync;
/// Text helpers for what the core writes for people (numbers with thousands separators).
pub mod text;
pub mod webhook;

pub use error::{Error, ErrorCode, ErrorDetails, Result};

/// The application identifier; also the name of the data directory under the OS app-data dir,
/// so the desktop app and the CLI share one database.
pub const APP_IDENTIFIER: &str = "dev.leadbridge.app";
