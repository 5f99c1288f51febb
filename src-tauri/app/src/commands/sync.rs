//! The Contacts screen's manual push: the plan preview, the push itself (in the background,
//! reporting [`SYNC_PROGRESS`] events), its cancel, and where a running push stands (for a
//! screen opened while one runs).

use std::sync::{Arc, Mutex, MutexGuard};

use leadbridge_core::sync::Selection;
use leadbridge_core::sync::{
    ExecuteOptions, ManualPush, Plan, PlanOptions, PreviewCache, SyncProgress,
};
use leadbridge_core::Error;
use tauri::{AppHandle, Emitter, Manager, State};
use tokio_util::sync::CancellationToken;

use crate::state::AppState;

/// The event a push reports its progress with (payload: `SyncProgress`; the last one has
/// stage `finished` with the summary, or `failed` with the error).
pub const SYNC_PROGRESS: &str = "sync-progress";

/// The running push: its cancel handle and its latest report. One at a time (the push lock
/// refuses a second, in this app or from the CLI).
struct Running {
    cancel: Option<CancellationToken>,
    last: Option<SyncProgress>,
}

static RUNNING: Mutex<Running> = Mutex::new(Running {
    cancel: None,
    last: None,
});

fn running() -> MutexGuard<'static, Running> {
    RUNNING.lock().unwrap_or_else(|p| p.into_inner())
}

/// The last preview's plan: a push confirmed right after it executes it instead of looking
/// everything up again (the core re-plans when anything it depends on changed).
static PREVIEWS: PreviewCache = PreviewCache::new();

/// What a push of `selection` will do (with the unfinished deliveries it would resume).
/// Read-only: looks up, sends nothing.
#[tauri::command]
pub async fn sync_preview(state: State<'_, AppState>, selection: Selection) -> Result<Plan, Error> {
    let core = state.core()?;
    let client = core.client()?;
    PREVIEWS
        .preview(&client, &core.store, &selection, &PlanOptions::default())
        .await
}

/// Starts a push of `selection` in the background and returns at once with the number of
/// contacts selected. Refused at once (nothing sent) when no org is connected, another push
/// runs, or the selection names a contact not in the inbox.
#[tauri::command]
pub async fn sync_push(
    app: AppHandle,
    state: State<'_, AppState>,
    selection: Selection,
) -> Result<u32, Error> {
    let core = state.core()?;
    let client = core.client()?;
    let push = ManualPush::prepare_reusing(&client, &core.store, selection, &PREVIEWS)?;
    let selected = push.selected();
    let cancel = CancellationToken::new();
    {
        let mut r = running();
        r.cancel = Some(cancel.clone());
        r.last = Some(SyncProgress::default());
    }
    let emitter = app.clone();
    let options = ExecuteOptions {
        cancel,
        progress: Some(Arc::new(move |p: &SyncProgress| {
            running().last = Some(p.clone());
            if let Err(e) = emitter.emit(SYNC_PROGRESS, p) {
                tracing::warn!("cannot report push progress: {e}");
            }
        })),
        ..ExecuteOptions::default()
    };
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        // `core()` succeeded above and the state never changes afterwards.
        let Ok(core) = state.core() else { return };
        match push.run(&client, &core.store, &options).await {
            Ok(report) => tracing::info!(
                batch = ?report.batch_id,
                delivered = report.results.len(),
                pending = report.pending.len(),
                cancelled = report.cancelled,
                "manual push finished"
            ),
            Err(e) => tracing::warn!(code = %e.code.as_str(), "manual push failed: {}", e.message),
        }
        running().cancel = None;
    });
    Ok(selected)
}

/// True when a push is running and is now asked to stop: calls in flight finish and are
/// logged, the rest stays pending and resumes with the next push.
#[tauri::command]
pub fn sync_cancel() -> bool {
    match &running().cancel {
        Some(token) => {
            token.cancel();
            true
        }
        None => false,
    }
}

/// The latest report of the push running now, or of the last one this session (null when
/// none ran). A screen opened mid-push picks up from it.
#[tauri::command]
pub fn sync_status() -> Option<SyncProgress> {
    running().last.clone()
}
