//! Connecting, inspecting and disconnecting org profiles: what the Connect screen and the
//! `org` commands call.
//!
//! A connect either completes (tokens in the keyring, profile in SQLite, profile active) or
//! stores nothing: every network step (token, API versions, user) runs before anything is
//! written.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::api_error;
use super::api_version::{self, VersionEntry};
use super::client::session_key;
use super::http::{build_client, HttpOptions};
use super::login_host::{LoginHostKind, ServiceUrl};
use super::oauth::loopback::{CallbackListener, DEFAULT_CALLBACK_PATH, DEFAULT_CALLBACK_PORT};
use super::oauth::pages::Page;
use super::oauth::pkce::{new_state, Pkce};
use super::oauth::token::{parse_identity_url, TokenEndpoint, TokenResponse};
use super::oauth::{authorize_url, WebLogin};
use super::secret::Secret;
use super::session;
use super::token_vault::{TokenKind, TokenVault};
use crate::profiles::{self, FlowKind, OrgProfile, DEFAULT_PROFILE};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};

/// What the person filled in on the Connect screen (or the `org connect` flags). The client
/// secret, when there is one, travels separately and only ever to the keyring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConnectRequest {
    /// The profile name to save the connection under.
    pub profile: String,
    pub login_host: LoginHostKind,
    /// Required for `custom`: the My Domain URL (or a loopback URL for the demo org).
    pub login_url: Option<String>,
    /// The External Client App's consumer key.
    pub client_id: String,
    pub flow: FlowKind,
    /// Web-server flow: the loopback port registered in the app's callback URL.
    pub callback_port: u16,
    /// Web-server flow: the callback URL's path.
    pub callback_path: String,
    /// Ask Salesforce to show its login form even when a browser session exists.
    pub force_login: bool,
}

impl ConnectRequest {
    /// A web-server-flow request with the defaults (`default` profile, port 1717,
    /// `/OauthRedirect`). The login host kind is read from the URL.
    pub fn web_server(login_url: &str, client_id: &str) -> Result<ConnectRequest> {
        let login = ServiceUrl::parse(login_url, "login URL").map_err(|e| e.field("loginUrl"))?;
        Ok(ConnectRequest {
            profile: DEFAULT_PROFILE.into(),
            login_host: login.kind(),
            login_url: Some(login.as_str().to_string()),
            client_id: client_id.into(),
            flow: FlowKind::WebServer,
            callback_port: DEFAULT_CALLBACK_PORT,
            callback_path: DEFAULT_CALLBACK_PATH.into(),
            force_login: false,
        })
    }

    /// A client-credentials request (the login URL must be a My Domain).
    pub fn client_credentials(login_url: &str, client_id: &str) -> Result<ConnectRequest> {
        Ok(ConnectRequest {
            flow: FlowKind::ClientCredentials,
            ..ConnectRequest::web_server(login_url, client_id)?
        })
    }

    fn login_url(&self) -> Result<ServiceUrl> {
        ServiceUrl::for_kind(self.login_host, self.login_url.as_deref()).map_err(|e| {
            if e.details.as_ref().is_some_and(|d| !d.fields.is_empty()) {
                e
            } else {
                e.field("loginUrl")
            }
        })
    }

    fn validate(&self) -> Result<ServiceUrl> {
        profiles::validate_name(&self.profile)?;
        let client_id = self.client_id.trim();
        if client_id.is_empty() {
            return Err(Error::invalid_input(
                "the client id (the External Client App's consumer key) is empty",
            )
            .field("clientId"));
        }
        if client_id.chars().any(char::is_control) {
            return Err(
                Error::invalid_input("the client id contains control characters").field("clientId"),
            );
        }
        let login = self.login_url()?;
        if self.flow == FlowKind::ClientCredentials {
            login.check_allows_client_credentials()?;
        }
        Ok(login)
    }
}

/// `org status`: exactly the keys PRODUCT.md fixes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrgStatus {
    pub connected: bool,
    pub profile: Option<String>,
    pub login_url: Option<String>,
    pub instance_url: Option<String>,
    pub username: Option<String>,
    pub org_id: Option<String>,
    pub api_version: Option<String>,
}

impl OrgStatus {
    fn none() -> OrgStatus {
        OrgStatus {
            connected: false,
            profile: None,
            login_url: None,
            instance_url: None,
            username: None,
            org_id: None,
            api_version: None,
        }
    }
}

/// What `disconnect` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DisconnectOutcome {
    pub profile: String,
    /// Salesforce confirmed the token is revoked.
    pub revoked: bool,
    /// Why revocation failed; the local tokens and profile are deleted all the same.
    pub revoke_error: Option<String>,
}

/// Connects with the flow the request names.
pub async fn connect(
    store: &Store,
    vault: &TokenVault,
    request: &ConnectRequest,
    client_secret: Option<Secret>,
    login: &WebLogin<'_>,
) -> Result<OrgProfile> {
    match request.flow {
        FlowKind::WebServer => {
            connect_web_server(store, vault, request, client_secret, login).await
        }
        FlowKind::ClientCredentials => {
            let secret = client_secret.ok_or_else(|| {
                Error::invalid_input(
                    "the client-credentials flow needs the External Client App's client secret",
                )
                .field("clientSecret")
            })?;
            tokio::select! {
                res = connect_client_credentials(store, vault, request, secret) => res,
                _ = login.cancel.cancelled() => Err(Error::new(ErrorCode::Cancelled, "the login was cancelled")),
            }
        }
    }
}

/// The web-server flow: bind the loopback port, open the browser on the authorize URL, wait
/// for the one callback with our `state`, exchange the code with the PKCE verifier.
pub async fn connect_web_server(
    store: &Store,
    vault: &TokenVault,
    request: &ConnectRequest,
    client_secret: Option<Secret>,
    login: &WebLogin<'_>,
) -> Result<OrgProfile> {
    let login_url = request.validate()?;
    let client_secret = client_secret.filter(|s| !s.is_empty());
    let http = build_client(HttpOptions::default())?;
    let listener = CallbackListener::bind(request.callback_port, &request.callback_path).await?;
    probe_login_host(&http, &login_url).await?;

    let pkce = Pkce::generate();
    let state = new_state();
    let redirect_uri = listener.redirect_uri();
    let url = authorize_url(
        &login_url,
        request.client_id.trim(),
        &redirect_uri,
        &pkce.challenge,
        &state,
        request.force_login,
    )?;
    tracing::info!(
        login = login_url.host(),
        port = listener.port(),
        "opening the Salesforce login page"
    );
    login.opener.open(&url)?;
    let pending = listener.wait(&state, login.timeout, &login.cancel).await?;

    let endpoint = TokenEndpoint::new(
        http.clone(),
        login_url.clone(),
        request.client_id.trim().to_string(),
        client_secret.clone(),
    );
    let finishing = async {
        let tokens = endpoint
            .exchange_code(pending.code.expose(), &redirect_uri, &pkce.verifier)
            .await?;
        let callback = Some((listener_port(&redirect_uri), request.callback_path.clone()));
        save_connection(
            store,
            vault,
            &http,
            request,
            &login_url,
            tokens,
            client_secret,
            callback,
        )
        .await
    };
    let result = tokio::select! {
        res = finishing => res,
        _ = login.cancel.cancelled() => Err(Error::new(ErrorCode::Cancelled, "the login was cancelled")),
    };
    let page = match &result {
        Ok(p) => Page::success(format!(
            "Signed in to {} as {}. Leadbridge saved this org as profile \"{}\".",
            p.instance_url, p.username, p.name
        )),
        Err(e) => Page::failure(e.message.clone()),
    };
    pending.finish(page).await;
    result
}

/// The client-credentials flow: one token request to the My Domain host.
pub async fn connect_client_credentials(
    store: &Store,
    vault: &TokenVault,
    request: &ConnectRequest,
    client_secret: Secret,
) -> Result<OrgProfile> {
    let login_url = request.validate()?;
    if client_secret.is_empty() {
        return Err(Error::invalid_input("the client secret is empty").field("clientSecret"));
    }
    let http = build_client(HttpOptions::default())?;
    let endpoint = TokenEndpoint::new(
        http.clone(),
        login_url.clone(),
        request.client_id.trim().to_string(),
        Some(client_secret.clone()),
    );
    let tokens = endpoint.client_credentials().await?;
    save_connection(
        store,
        vault,
        &http,
        request,
        &login_url,
        tokens,
        Some(client_secret),
        None,
    )
    .await
}

/// The status of a profile (the active one by default). `connected` means its profile is
/// saved and the keyring holds what it needs to call Salesforce.
pub async fn status(store: &Store, vault: &TokenVault, profile: Option<&str>) -> Result<OrgStatus> {
    let found = match profile {
        Some(name) => {
            profiles::validate_name(name)?;
            profiles::get(store, name)?
        }
        None => profiles::active(store)?,
    };
    let Some(p) = found else {
        return Ok(OrgStatus {
            profile: profile.map(str::to_string),
            ..OrgStatus::none()
        });
    };
    // Either token lets the client call Salesforce (a missing access token is renewed).
    let renewer = match p.flow {
        FlowKind::WebServer => TokenKind::Refresh,
        FlowKind::ClientCredentials => TokenKind::ClientSecret,
    };
    let connected = vault.get(&p.name, TokenKind::Access).await?.is_some()
        || vault.get(&p.name, renewer).await?.is_some();
    Ok(OrgStatus {
        connected,
        profile: Some(p.name.clone()),
        login_url: Some(p.login_url.clone()),
        instance_url: Some(p.instance_url.clone()),
        username: Some(p.username.clone()),
        org_id: Some(p.org_id.clone()),
        api_version: Some(p.api_version.clone()),
    })
}

/// Revokes the profile's token at Salesforce, then deletes its keyring entries and the
/// profile. A failed revocation (offline, already revoked) is reported, not fatal: the
/// person asked to forget the org, and the tokens are gone from this machine either way.
pub async fn disconnect(
    store: &Store,
    vault: &TokenVault,
    profile: Option<&str>,
) -> Result<DisconnectOutcome> {
    let p = profiles::resolve(store, profile)?;
    let token = match vault.get(&p.name, TokenKind::Refresh).await? {
        Some(t) => Some(t),
        None => vault.get(&p.name, TokenKind::Access).await?,
    };
    let (revoked, revoke_error) = match token {
        None => (
            false,
            Some("no token was stored, so there was nothing to revoke".to_string()),
        ),
        Some(token) => match revoke(&p.login_url, &p.client_id, &token).await {
            Ok(()) => (true, None),
            Err(e) => {
                tracing::warn!(profile = %p.name, "token revocation failed: {}", e.message);
                (false, Some(e.message))
            }
        },
    };
    vault.delete_all(&p.name).await?;
    profiles::delete(store, &p.name)?;
    session::forget(&session_key(vault, &p.name));
    tracing::info!(profile = %p.name, revoked, "org disconnected");
    Ok(DisconnectOutcome {
        profile: p.name,
        revoked,
        revoke_error,
    })
}

async fn revoke(login_url: &str, client_id: &str, token: &Secret) -> Result<()> {
    let login = ServiceUrl::parse(login_url, "login URL")?;
    let http = build_client(HttpOptions::default())?;
    TokenEndpoint::new(http, login, client_id.to_string(), None)
        .revoke(token)
        .await
}

/// Any HTTP answer from the login host proves it is reachable; only a network failure
/// stops the login, before the browser opens on a page that cannot load.
async fn probe_login_host(http: &reqwest::Client, login: &ServiceUrl) -> Result<()> {
    match http.get(login.join("/")).send().await {
        Ok(_) => Ok(()),
        Err(e) => {
            let mut err = api_error::network_error(&e, login.host());
            err.message = format!(
                "cannot reach the login host {}: {}",
                login.as_str(),
                err.message
            );
            Err(err)
        }
    }
}

fn listener_port(redirect_uri: &str) -> u16 {
    url::Url::parse(redirect_uri)
        .ok()
        .and_then(|u| u.port())
        .unwrap_or(DEFAULT_CALLBACK_PORT)
}

/// After a token grant: learn the org, user and API version, then store the secrets and the
/// profile, in that order, undoing the secrets if the profile cannot be saved.
#[allow(clippy::too_many_arguments)]
async fn save_connection(
    store: &Store,
    vault: &TokenVault,
    http: &reqwest::Client,
    request: &ConnectRequest,
    login_url: &ServiceUrl,
    tokens: TokenResponse,
    client_secret: Option<Secret>,
    callback: Option<(u16, String)>,
) -> Result<OrgProfile> {
    let saved = save_connection_steps(
        store,
        vault,
        http,
        request,
        login_url,
        &tokens,
        client_secret,
        callback,
    )
    .await;
    if saved.is_err() {
        // Nothing was kept, so nobody will ever use (or revoke) this session: end it now.
        let token = tokens
            .refresh_token
            .as_ref()
            .unwrap_or(&tokens.access_token);
        if let Err(e) = revoke(login_url.as_str(), &request.client_id, token).await {
            tracing::warn!("could not revoke the abandoned session: {}", e.message);
        }
    }
    saved
}

#[allow(clippy::too_many_arguments)]
async fn save_connection_steps(
    store: &Store,
    vault: &TokenVault,
    http: &reqwest::Client,
    request: &ConnectRequest,
    login_url: &ServiceUrl,
    tokens: &TokenResponse,
    client_secret: Option<Secret>,
    callback: Option<(u16, String)>,
) -> Result<OrgProfile> {
    let instance = ServiceUrl::parse(&tokens.instance_url, "instance URL").map_err(|e| Error {
        code: ErrorCode::Oauth,
        message: format!("Salesforce returned an unusable {}", e.message),
        details: None,
    })?;
    let id_url = tokens.id.as_deref().ok_or_else(|| {
        Error::new(
            ErrorCode::Oauth,
            "the token response has no identity URL (`id`)",
        )
    })?;
    let identity = parse_identity_url(id_url)?;
    let version = negotiate_version(http, &instance, &tokens.access_token).await?;
    let username = fetch_username(
        http,
        &instance,
        &version,
        &tokens.access_token,
        &identity.user_id,
    )
    .await?;

    let profile = OrgProfile {
        name: request.profile.clone(),
        login_url: login_url.as_str().to_string(),
        login_host: login_url.kind(),
        instance_url: instance.as_str().to_string(),
        username,
        user_id: identity.user_id,
        org_id: identity.org_id,
        api_version: version,
        client_id: request.client_id.trim().to_string(),
        callback_port: callback.as_ref().map(|c| c.0),
        callback_path: callback.map(|c| c.1),
        flow: request.flow,
        has_client_secret: client_secret.is_some(),
        connected_at: chrono::Utc::now(),
        active: true,
    };

    let name = &profile.name;
    // A reconnect replaces the profile's tokens; the old refresh token is revoked afterwards.
    let previous = match profiles::get(store, name)? {
        Some(old) => vault.get(name, TokenKind::Refresh).await?.map(|t| (old, t)),
        None => None,
    };
    let stored = store_secrets(vault, name, tokens, client_secret.as_ref()).await;
    if let Err(e) = stored {
        let _ = vault.delete_all(name).await;
        return Err(e);
    }
    if let Err(e) = profiles::save(store, &profile, true) {
        let _ = vault.delete_all(name).await;
        return Err(e);
    }
    session::forget(&session_key(vault, name));
    if let Some((old, old_refresh)) = previous {
        if tokens.refresh_token.as_ref() != Some(&old_refresh) {
            if let Err(e) = revoke(&old.login_url, &old.client_id, &old_refresh).await {
                tracing::warn!(profile = %name, "could not revoke the replaced refresh token: {}", e.message);
            }
        }
    }
    tracing::info!(profile = %name, org = %profile.org_id, api_version = %profile.api_version, "org connected");
    Ok(profile)
}

async fn store_secrets(
    vault: &TokenVault,
    name: &str,
    tokens: &TokenResponse,
    client_secret: Option<&Secret>,
) -> Result<()> {
    vault
        .set(name, TokenKind::Access, &tokens.access_token)
        .await?;
    match tokens.refresh_token.as_ref().filter(|t| !t.is_empty()) {
        Some(refresh) => vault.set(name, TokenKind::Refresh, refresh).await?,
        None => vault.delete(name, TokenKind::Refresh).await?,
    }
    match client_secret {
        Some(secret) => vault.set(name, TokenKind::ClientSecret, secret).await?,
        None => vault.delete(name, TokenKind::ClientSecret).await?,
    }
    Ok(())
}

/// `GET /services/data/`: the highest version both sides support.
async fn negotiate_version(
    http: &reqwest::Client,
    instance: &ServiceUrl,
    token: &Secret,
) -> Result<String> {
    let body = authorized_get(
        http,
        instance,
        "/services/data/",
        token,
        "list API versions",
    )
    .await?;
    let offered: Vec<VersionEntry> = serde_json::from_slice(&body).map_err(|e| {
        Error::new(
            ErrorCode::Salesforce,
            format!("the list of API versions is not in Salesforce's shape: {e}"),
        )
    })?;
    Ok(api_version::choose(&offered)?.to_string())
}

/// The signed-in user's Username, read from their own User record.
async fn fetch_username(
    http: &reqwest::Client,
    instance: &ServiceUrl,
    version: &str,
    token: &Secret,
    user_id: &str,
) -> Result<String> {
    let path = format!("/services/data/v{version}/sobjects/User/{user_id}?fields=Username");
    let body = authorized_get(http, instance, &path, token, "read the signed-in user").await?;
    #[derive(Deserialize)]
    struct User {
        #[serde(rename = "Username")]
        username: String,
    }
    let user: User = serde_json::from_slice(&body).map_err(|e| {
        Error::new(
            ErrorCode::Salesforce,
            format!("the signed-in user's record has no Username: {e}"),
        )
    })?;
    Ok(user.username)
}

async fn authorized_get(
    http: &reqwest::Client,
    instance: &ServiceUrl,
    path: &str,
    token: &Secret,
    what: &str,
) -> Result<Vec<u8>> {
    let res = http
        .get(instance.join(path))
        .bearer_auth(token.expose())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| api_error::network_error(&e, instance.host()))?;
    let status = res.status().as_u16();
    let body = res
        .bytes()
        .await
        .map_err(|e| api_error::network_error(&e, instance.host()))?;
    if !(200..300).contains(&status) {
        return Err(api_error::from_rest_response(status, &body, None, what));
    }
    Ok(body.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked_before_any_network_call() {
        let ok = ConnectRequest::web_server("https://login.salesforce.com", "3MVG9").unwrap();
        assert_eq!(ok.login_host, LoginHostKind::Production);
        assert_eq!(
            (ok.callback_port, ok.callback_path.as_str()),
            (1717, "/OauthRedirect")
        );
        ok.validate().unwrap();

        let e = ConnectRequest {
            client_id: " ".into(),
            ..ok.clone()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.details.unwrap().fields, vec!["clientId"]);
        let e = ConnectRequest {
            profile: "a/b".into(),
            ..ok.clone()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.details.unwrap().fields, vec!["name"]);
        let e = ConnectRequest {
            login_host: LoginHostKind::Custom,
            login_url: None,
            ..ok.clone()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.details.unwrap().fields, vec!["loginUrl"]);

        let cc =
            ConnectRequest::client_credentials("https://test.salesforce.com", "3MVG9").unwrap();
        let e = cc.validate().unwrap_err();
        assert!(e.message.contains("My Domain"), "{}", e.message);
        ConnectRequest::client_credentials("https://acme.my.salesforce.com", "3MVG9")
            .unwrap()
            .validate()
            .unwrap();
        assert!(ConnectRequest::web_server("http://acme.example", "x").is_err());
    }

    /// The app runs connect from a Tauri async command, which needs a `Send` future.
    #[allow(dead_code)]
    fn connect_future_is_send(
        store: &Store,
        vault: &TokenVault,
        req: &ConnectRequest,
        login: &WebLogin<'_>,
    ) {
        fn assert_send<T: Send>(_: T) {}
        assert_send(connect(store, vault, req, None, login));
        assert_send(status(store, vault, None));
        assert_send(disconnect(store, vault, None));
    }

    #[test]
    fn status_json_has_exactly_the_product_keys() {
        let v = serde_json::to_value(OrgStatus::none()).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "connected",
                "profile",
                "loginUrl",
                "instanceUrl",
                "username",
                "orgId",
                "apiVersion"
            ]
        );
        assert_eq!(v["profile"], serde_json::Value::Null);
    }
}
