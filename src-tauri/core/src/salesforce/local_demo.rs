//! Connecting to the local demo org ("Try the demo org"): the same web-server flow with PKCE,
//! state and a loopback callback as for Salesforce, where Leadbridge itself plays the browser.
//! The demo org runs with auto-approve on this machine, so fetching the authorize URL follows
//! its redirect straight to our callback listener. Nothing here is a shortcut in the protocol:
//! only the person's click on "Allow" is skipped.

use super::connect::{self, ConnectRequest};
use super::oauth::WebLogin;
use super::token_vault::TokenVault;
use crate::profiles::OrgProfile;
use crate::store::Store;
use crate::{Error, ErrorCode, Result};

/// The demo org's client app (PRODUCT.md: a contract shared with the demo org).
pub const DEMO_CLIENT_ID: &str = "leadbridge-demo";
/// The profile name the demo org is saved under.
pub const DEMO_PROFILE: &str = "demo";
/// Where the app runs the demo org: a fixed port, so the saved profile stays valid.
pub const DEMO_LISTEN: &str = "127.0.0.1:8710";

/// Connects (or reconnects) the `demo` profile to the demo org at `base_url` and makes it the
/// active profile.
pub async fn connect_local_demo(
    store: &Store,
    vault: &TokenVault,
    base_url: &str,
) -> Result<OrgProfile> {
    let mut request = ConnectRequest::web_server(base_url, DEMO_CLIENT_ID)?;
    request.profile = DEMO_PROFILE.into();
    // The demo org accepts any loopback callback; let the OS pick a free port.
    request.callback_port = 0;
    let http = reqwest::Client::new();
    let opener = move |url: &str| -> Result<()> {
        let (http, url) = (http.clone(), url.to_string());
        tokio::spawn(async move {
            if let Err(e) = http.get(&url).send().await {
                tracing::warn!("the demo org's authorize page could not be fetched: {e}");
            }
        });
        Ok(())
    };
    let mut login = WebLogin::new(&opener);
    login.timeout = std::time::Duration::from_secs(20);
    connect::connect(store, vault, &request, None, &login)
        .await
        .map_err(|e| match e.code {
            ErrorCode::Network => Error::new(
                ErrorCode::Network,
                format!("the demo org at {base_url} is not answering: {}", e.message),
            ),
            _ => e,
        })
}
