//! `#[tauri::command]` adapters, one module per screen. Each returns
//! `Result<T, leadbridge_core::Error>`, which Tauri serialises as `{code, message, details}`.

pub mod connect;
pub mod contacts;
pub mod deliveries;
pub mod detail;
pub mod info;
pub mod mapping;
pub mod routing;
pub mod serve;
pub mod soql;
pub mod sync;
