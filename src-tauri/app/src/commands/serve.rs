//! The "Automated delivery" panel (Connect screen): the webhook receiver's switch, address and
//! write-only secret, its status, the back-flow's "Pull now", and a contact's pending reason.
//! The receiver runs inside the app process on Tauri's async runtime; the switch is saved, and
//! a receiver that was on is started again at launch ([`resume_on_launch`]).

use leadbridge_core::salesforce::Secret;
use leadbridge_core::serve::settings::{self, ServePanel};
use leadbridge_core::serve::{
    self, backflow, BackflowReport, PendingStatus, Receiver, ServeOptions,
};
use leadbridge_core::sync::RetryPolicy;
use leadbridge_core::Error;
use tauri::State;
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

use crate::state::{AppState, Core};

/// The running receiver, if any (one per app).
static RECEIVER: Mutex<Option<Receiver>> = Mutex::const_new(None);

async fn panel(core: &Core) -> Result<ServePanel, Error> {
    let status = match RECEIVER.lock().await.as_ref() {
        Some(r) => r.status(),
        None => serve::stopped_status(&core.store),
    };
    Ok(ServePanel {
        settings: settings::load(&core.store, &core.vault).await?,
        status,
        backflow: backflow::state(&core.store)?,
    })
}

async fn start(core: &Core, listen: &str) -> Result<(), Error> {
    let addr = settings::parse_listen(listen)?;
    let secret = settings::secret(&core.vault).await?;
    let mut running = RECEIVER.lock().await;
    if let Some(old) = running.take() {
        old.stop().await;
    }
    // The receiver opens its own connection to the same database rather than sharing
    // `core.store` on purpose: the app's store is one connection behind a mutex, and a screen
    // may hold it for seconds (the delivery log's CSV export streams every row under it). A
    // webhook is acknowledged only after its durable write, so sharing would make the sender
    // wait behind the UI and time out. The database is in WAL mode: the receiver's connection
    // writes while the app's reads, SQLite serialises the writers (busy timeout 5 s), and the
    // CLI's `serve` runs exactly this way beside a running app.
    *running = Some(Receiver::start(&core.data_dir, secret, ServeOptions::new(addr)).await?);
    Ok(())
}

#[tauri::command]
pub async fn serve_status(state: State<'_, AppState>) -> Result<ServePanel, Error> {
    panel(state.core()?).await
}

/// Turns the receiver on at `listen`; a non-empty `secret` replaces the stored one first.
#[tauri::command]
pub async fn serve_start(
    state: State<'_, AppState>,
    listen: String,
    secret: Option<String>,
) -> Result<ServePanel, Error> {
    let core = state.core()?;
    settings::parse_listen(&listen)?;
    if let Some(secret) = secret.filter(|s| !s.is_empty()) {
        settings::set_secret(&core.vault, &Secret::new(secret)).await?;
    }
    start(core, &listen).await?;
    settings::save(&core.store, &listen, true)?;
    panel(core).await
}

/// Turns the receiver off (calls in flight finish; what was not sent stays queued).
#[tauri::command]
pub async fn serve_stop(state: State<'_, AppState>) -> Result<ServePanel, Error> {
    let core = state.core()?;
    if let Some(r) = RECEIVER.lock().await.take() {
        r.stop().await;
    }
    let current = settings::load(&core.store, &core.vault).await?;
    settings::save(&core.store, &current.listen, false)?;
    panel(core).await
}

/// Pulls Opportunity changes since the stored cursor onto contacts.
#[tauri::command]
pub async fn backflow_pull(state: State<'_, AppState>) -> Result<BackflowReport, Error> {
    let core = state.core()?;
    let client = core.client()?;
    backflow::pull(
        &client,
        &core.store,
        &RetryPolicy::default(),
        &CancellationToken::new(),
    )
    .await
}

/// Why a contact has not been delivered automatically yet, and when it will go.
#[tauri::command(async)]
pub fn serve_pending_reason(
    state: State<'_, AppState>,
    email: String,
) -> Result<PendingStatus, Error> {
    serve::pending_reason(&state.core()?.store, &email)
}

/// Starts the receiver at launch when the admin left it on (failures show in the panel).
pub async fn resume_on_launch(core: &Core) {
    let Ok(saved) = settings::load(&core.store, &core.vault).await else {
        return;
    };
    if saved.enabled {
        if let Err(e) = start(core, &saved.listen).await {
            tracing::warn!(
                "could not start the webhook receiver at launch: {}",
                e.message
            );
        }
    }
}
