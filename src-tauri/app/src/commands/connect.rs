//! The Connect screen: org profiles, OAuth login (with cancel), the demo org, API usage.

use leadbridge_core::profiles::{self, OrgProfile};
use leadbridge_core::salesforce::connect::{self, ConnectRequest, DisconnectOutcome, OrgStatus};
use leadbridge_core::salesforce::limits::ApiUsage;
use leadbridge_core::salesforce::local_demo::{self, DEMO_LISTEN};
use leadbridge_core::salesforce::oauth::WebLogin;
use leadbridge_core::salesforce::Secret;
use leadbridge_core::{Error, ErrorCode};
use leadbridge_demo_org::DemoOrgConfig;
use tauri::State;
use tokio_util::sync::CancellationToken;

use crate::state::{AppState, Core};

#[tauri::command]
pub fn org_profiles(state: State<'_, AppState>) -> Result<Vec<OrgProfile>, Error> {
    profiles::list(&state.core()?.store)
}

#[tauri::command]
pub async fn org_status(state: State<'_, AppState>) -> Result<OrgStatus, Error> {
    let core = state.core()?;
    connect::status(&core.store, &core.vault, None).await
}

#[tauri::command]
pub fn org_activate(state: State<'_, AppState>, name: String) -> Result<(), Error> {
    profiles::set_active(&state.core()?.store, &name)
}

/// Runs the login the person filled in; the browser opens on Salesforce's login page. The
/// client secret, when given, goes to the keyring only.
#[tauri::command]
pub async fn org_connect(
    state: State<'_, AppState>,
    request: ConnectRequest,
    client_secret: Option<String>,
) -> Result<OrgProfile, Error> {
    let core = state.core()?;
    let cancel = begin_login(core);
    let opener = |url: &str| {
        open::that_detached(url).map_err(|e| {
            Error::new(
                ErrorCode::Io,
                format!("cannot open the system browser: {e}. Open this URL yourself: {url}"),
            )
        })
    };
    let mut login = WebLogin::new(&opener);
    login.cancel = cancel;
    let secret = client_secret
        .filter(|s| !s.trim().is_empty())
        .map(Secret::new);
    let result = connect::connect(&core.store, &core.vault, &request, secret, &login).await;
    *core.login_cancel.lock().unwrap_or_else(|p| p.into_inner()) = None;
    result
}

/// The Cancel button of a login in progress.
#[tauri::command]
pub fn org_cancel_login(state: State<'_, AppState>) -> Result<bool, Error> {
    let core = state.core()?;
    let token = core
        .login_cancel
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    Ok(token.map(|t| t.cancel()).is_some())
}

#[tauri::command]
pub async fn org_disconnect(
    state: State<'_, AppState>,
    name: Option<String>,
) -> Result<DisconnectOutcome, Error> {
    let core = state.core()?;
    connect::disconnect(&core.store, &core.vault, name.as_deref()).await
}

/// The org's 24-hour API usage as Salesforce last reported it (one `/limits` call).
#[tauri::command]
pub async fn org_api_usage(state: State<'_, AppState>) -> Result<Option<ApiUsage>, Error> {
    let client = state.core()?.client()?;
    client.limits().await?;
    Ok(client.api_usage())
}

/// "Try the demo org": starts the local demo org (once per app run) and connects the `demo`
/// profile to it through the normal OAuth flow.
#[tauri::command]
pub async fn demo_org_connect(state: State<'_, AppState>) -> Result<OrgProfile, Error> {
    connect_demo(state.core()?).await
}

pub async fn connect_demo(core: &Core) -> Result<OrgProfile, Error> {
    let base_url = {
        let mut demo = core.demo.lock().await;
        if demo.is_none() {
            let listen = DEMO_LISTEN
                .parse()
                .expect("DEMO_LISTEN is a socket address");
            let config = DemoOrgConfig {
                listen,
                auto_approve: true,
                ..DemoOrgConfig::default()
            };
            match leadbridge_demo_org::start(config).await {
                Ok(org) => *demo = Some(org),
                // Someone (e.g. `leadbridge demo-org --auto-approve`) already serves there.
                Err(e) => tracing::warn!("demo org not started here ({e}); using {DEMO_LISTEN}"),
            }
        }
        demo.as_ref()
            .map(|d| d.base_url())
            .unwrap_or_else(|| format!("http://{DEMO_LISTEN}"))
    };
    local_demo::connect_local_demo(&core.store, &core.vault, &base_url).await
}

fn begin_login(core: &Core) -> CancellationToken {
    let token = CancellationToken::new();
    let previous = core
        .login_cancel
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .replace(token.clone());
    // Starting a new login abandons the old one: its listener frees the callback port.
    if let Some(old) = previous {
        old.cancel();
    }
    token
}
