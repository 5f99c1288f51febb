//! The Deliveries screen: the log's windows, one delivery, the chart, retries (through the sync
//! executor, with progress events and a cancel), mark resolved, CSV export and retention.
//!
//! Everything runs off the main thread (`async`), so a retry or a big export never freezes the
//! window.

use std::sync::Mutex;

use chrono::Utc;
use leadbridge_core::deliveries::{
    self, CsvExport, DeliveryDetail, DeliveryId, DeliveryListing, DeliveryQuery, DeliverySettings,
    ErrorCodeCount, PruneReport, StatsBucket, StatsPoint,
};
use leadbridge_core::sync::{self, ExecuteOptions, RetryTarget, SyncProgress, SyncReport};
use leadbridge_core::{Error, ErrorCode};
use tauri::{AppHandle, Emitter, Manager, State};
use tokio_util::sync::CancellationToken;

use crate::state::AppState;

/// The event a retry reports its progress with (payload: `SyncProgress`).
pub const RETRY_PROGRESS: &str = "deliveries:retry-progress";

/// Cancels the retry in progress (the screen's Cancel button). One at a time: the push lock
/// refuses a second.
static RETRY_CANCEL: Mutex<Option<CancellationToken>> = Mutex::new(None);

fn retry_cancel() -> std::sync::MutexGuard<'static, Option<CancellationToken>> {
    RETRY_CANCEL.lock().unwrap_or_else(|p| p.into_inner())
}

#[tauri::command(async)]
pub fn deliveries_list(
    state: State<'_, AppState>,
    query: DeliveryQuery,
) -> Result<DeliveryListing, Error> {
    deliveries::list_counted(&state.core()?.store.conn(), &query)
}

#[tauri::command(async)]
pub fn deliveries_get(state: State<'_, AppState>, id: i64) -> Result<DeliveryDetail, Error> {
    deliveries::get(&state.core()?.store.conn(), DeliveryId(id))
}

/// The error codes present under the other filters, most frequent first (the filter menu).
#[tauri::command(async)]
pub fn deliveries_error_codes(
    state: State<'_, AppState>,
    query: DeliveryQuery,
) -> Result<Vec<ErrorCodeCount>, Error> {
    deliveries::error_codes(&state.core()?.store.conn(), &query)
}

/// Deliveries and failures per bucket over `[from, to)` (RFC 3339 or YYYY-MM-DD, UTC).
#[tauri::command(async)]
pub fn deliveries_stats(
    state: State<'_, AppState>,
    bucket: StatsBucket,
    from: String,
    to: String,
) -> Result<Vec<StatsPoint>, Error> {
    let from = deliveries::parse_time(&from).map_err(|e| e.field("from"))?;
    let to = deliveries::parse_time(&to).map_err(|e| e.field("to"))?;
    deliveries::stats(&state.core()?.store.conn(), bucket, from, to)
}

/// Retries these failed deliveries, or every failed one when `ids` is null, through the sync
/// executor (a fresh look-up first, so nothing is duplicated). Reports progress with
/// [`RETRY_PROGRESS`] events; `deliveries_cancel_retry` stops it between calls.
#[tauri::command]
pub async fn deliveries_retry(
    app: AppHandle,
    state: State<'_, AppState>,
    ids: Option<Vec<i64>>,
) -> Result<SyncReport, Error> {
    let core = state.core()?;
    let client = core.client()?;
    let target = match ids {
        None => RetryTarget::AllFailed,
        Some(ids) => RetryTarget::Deliveries(ids),
    };
    let cancel = CancellationToken::new();
    *retry_cancel() = Some(cancel.clone());
    let emitter = app.clone();
    let options = ExecuteOptions {
        cancel,
        progress: Some(std::sync::Arc::new(move |p: &SyncProgress| {
            if let Err(e) = emitter.emit(RETRY_PROGRESS, p) {
                tracing::warn!("cannot report retry progress: {e}");
            }
        })),
        ..ExecuteOptions::default()
    };
    let result = sync::retry(&client, &core.store, target, &options).await;
    *retry_cancel() = None;
    result
}

/// True when a retry was running and is now asked to stop (what was sent stays logged; the
/// rest stays failed or resumes with the next push).
#[tauri::command]
pub fn deliveries_cancel_retry() -> bool {
    match retry_cancel().take() {
        Some(token) => {
            token.cancel();
            true
        }
        None => false,
    }
}

/// Marks failed deliveries resolved; returns how many changed.
#[tauri::command(async)]
pub fn deliveries_mark_resolved(state: State<'_, AppState>, ids: Vec<i64>) -> Result<u64, Error> {
    let ids: Vec<DeliveryId> = ids.into_iter().map(DeliveryId).collect();
    deliveries::mark_resolved(&state.core()?.store.conn(), &ids, Utc::now())
}

/// Exports the deliveries matching `query` as CSV into the Downloads folder (the data
/// directory's `exports` folder when the system has none), under a new name.
#[tauri::command(async)]
pub fn deliveries_export_csv(
    app: AppHandle,
    state: State<'_, AppState>,
    query: DeliveryQuery,
) -> Result<CsvExport, Error> {
    let core = state.core()?;
    let dir = match app.path().download_dir() {
        Ok(dir) if dir.is_dir() => dir,
        _ => {
            let dir = core.data_dir.join("exports");
            std::fs::create_dir_all(&dir).map_err(|e| {
                Error::new(
                    ErrorCode::Io,
                    format!("cannot create {}: {e}", dir.display()),
                )
            })?;
            dir
        }
    };
    deliveries::export_csv_into(&core.store.conn(), &query, &dir, Utc::now())
}

#[tauri::command(async)]
pub fn deliveries_settings(state: State<'_, AppState>) -> Result<DeliverySettings, Error> {
    deliveries::settings(&state.core()?.store)
}

/// Saves the retention and applies it at once.
#[tauri::command(async)]
pub fn deliveries_set_settings(
    state: State<'_, AppState>,
    settings: DeliverySettings,
) -> Result<PruneReport, Error> {
    let store = &state.core()?.store;
    deliveries::set_settings(store, &settings)?;
    deliveries::prune(store, Utc::now())
}
