//! OAuth 2.0 with Salesforce: the web-server flow with PKCE through a loopback redirect, and
//! the client-credentials flow (salesforce-facts.md B1).

pub mod loopback;
pub mod pages;
pub mod pkce;
pub mod token;

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::login_host::ServiceUrl;
use crate::Result;

/// Opens the authorize URL for the person: the system browser in the app, a printed
/// `Open: <url>` line for the CLI's `--no-browser`, an HTTP client in tests.
pub trait BrowserOpener: Send + Sync {
    fn open(&self, url: &str) -> Result<()>;
}

impl<F> BrowserOpener for F
where
    F: Fn(&str) -> Result<()> + Send + Sync,
{
    fn open(&self, url: &str) -> Result<()> {
        self(url)
    }
}

/// How the browser part of the web-server flow runs.
pub struct WebLogin<'a> {
    pub opener: &'a dyn BrowserOpener,
    /// How long to wait for the person (default 2 minutes, like sf CLI).
    pub timeout: Duration,
    /// Fires when the person gives up (the app's Cancel button).
    pub cancel: CancellationToken,
}

impl<'a> WebLogin<'a> {
    pub fn new(opener: &'a dyn BrowserOpener) -> WebLogin<'a> {
        WebLogin {
            opener,
            timeout: loopback::DEFAULT_LOGIN_TIMEOUT,
            cancel: CancellationToken::new(),
        }
    }
}

/// The URL that starts the web-server flow in the browser.
pub fn authorize_url(
    login: &ServiceUrl,
    client_id: &str,
    redirect_uri: &str,
    code_challenge: &str,
    state: &str,
    force_login: bool,
) -> Result<String> {
    let mut url = url::Url::parse(&login.join("/services/oauth2/authorize"))
        .map_err(|e| crate::Error::internal(format!("authorize URL: {e}")))?;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", token::SCOPES)
            .append_pair("state", state)
            .append_pair("code_challenge", code_challenge)
            .append_pair("code_challenge_method", "S256");
        if force_login {
            q.append_pair("prompt", "login");
        }
    }
    Ok(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorize_url_carries_pkce_state_and_the_exact_redirect() {
        let login = ServiceUrl::parse("https://acme.my.salesforce.com", "x").unwrap();
        let url = authorize_url(
            &login,
            "3MVG9 id",
            "http://localhost:1717/OauthRedirect",
            "chal",
            "st",
            false,
        )
        .unwrap();
        let parsed = url::Url::parse(&url).unwrap();
        assert_eq!(parsed.path(), "/services/oauth2/authorize");
        let q: std::collections::HashMap<_, _> = parsed.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "3MVG9 id");
        assert_eq!(q["redirect_uri"], "http://localhost:1717/OauthRedirect");
        assert_eq!(q["code_challenge"], "chal");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["state"], "st");
        assert_eq!(q["scope"], "api refresh_token");
        assert!(!q.contains_key("prompt"));
        let forced = authorize_url(&login, "c", "http://localhost:1/x", "c", "s", true).unwrap();
        assert!(forced.contains("prompt=login"));
    }
}
