//! What the app's "Automated delivery" panel keeps: the listen address and whether the
//! receiver runs (SQLite settings), and the webhook secret (the OS keyring only, never read
//! back to the window).

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::backflow::BackflowState;
use super::server::ServeStatus;
use crate::salesforce::token_vault::{TokenKind, TokenVault};
use crate::salesforce::Secret;
use crate::store::Store;
use crate::{Error, Result};

/// The keyring "profile" the webhook secret is kept under (no org profile can clash: `~` is
/// not allowed in profile names).
pub const SECRET_PROFILE: &str = "~serve";
/// Where the receiver listens unless the admin picks another address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";

const LISTEN_KEY: &str = "serve.listen";
const ENABLED_KEY: &str = "serve.enabled";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ServeSettings {
    pub listen: String,
    /// The switch: the app starts the receiver at launch when on.
    pub enabled: bool,
    /// Whether a secret is stored (its value is never sent to the window).
    pub secret_set: bool,
}

/// Everything the panel shows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ServePanel {
    pub settings: ServeSettings,
    pub status: ServeStatus,
    pub backflow: BackflowState,
}

pub async fn load(store: &Store, vault: &TokenVault) -> Result<ServeSettings> {
    Ok(ServeSettings {
        listen: store
            .get_setting(LISTEN_KEY)?
            .unwrap_or_else(|| DEFAULT_LISTEN.to_string()),
        enabled: store.get_setting(ENABLED_KEY)?.as_deref() == Some("true"),
        secret_set: vault
            .get(SECRET_PROFILE, TokenKind::WebhookSecret)
            .await?
            .is_some_and(|s| !s.is_empty()),
    })
}

/// Checks and parses a listen address typed by the admin.
pub fn parse_listen(text: &str) -> Result<SocketAddr> {
    text.trim().parse().map_err(|_| {
        Error::invalid_input(format!(
            "{:?} is not an address to listen on; write IP:PORT, e.g. {DEFAULT_LISTEN}",
            text.trim()
        ))
        .field("listen")
    })
}

pub fn save(store: &Store, listen: &str, enabled: bool) -> Result<()> {
    store.set_setting(LISTEN_KEY, listen.trim())?;
    store.set_setting(ENABLED_KEY, if enabled { "true" } else { "false" })
}

/// Stores a new webhook secret (write-only: nothing reads it back but the receiver).
pub async fn set_secret(vault: &TokenVault, secret: &Secret) -> Result<()> {
    if secret.expose().trim().is_empty() {
        return Err(Error::invalid_input("the webhook secret is empty").field("secret"));
    }
    vault
        .set(SECRET_PROFILE, TokenKind::WebhookSecret, secret)
        .await
}

pub async fn secret(vault: &TokenVault) -> Result<Secret> {
    vault
        .get(SECRET_PROFILE, TokenKind::WebhookSecret)
        .await?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            Error::invalid_input(
                "set the webhook secret first (the chat platform signs events with it)",
            )
            .field("secret")
        })
}
