//! Salesforce's token endpoints: `POST /services/oauth2/token` (authorization code, refresh
//! token, client credentials) and `POST /services/oauth2/revoke`.
//!
//! Nothing here logs a request or response body: they carry tokens and secrets.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

use crate::salesforce::api_error::{self, OauthStep};
use crate::salesforce::login_host::ServiceUrl;
use crate::salesforce::secret::Secret;
use crate::{Error, ErrorCode, Result};

/// Scopes Leadbridge asks for: the REST API, and a refresh token so a session outlives the
/// org's session timeout.
pub const SCOPES: &str = "api refresh_token";

/// A token endpoint answer. There is no `expires_in`: a session lives until the org's session
/// timeout, and the client learns of it from a 401.
#[derive(Debug, Clone, Deserialize)]
pub struct TokenResponse {
    pub access_token: Secret,
    /// Only with the `refresh_token` scope; with rotation, a new one on every refresh.
    #[serde(default)]
    pub refresh_token: Option<Secret>,
    pub instance_url: String,
    /// The identity URL `https://<host>/id/<orgId>/<userId>`.
    #[serde(default)]
    pub id: Option<String>,
    /// Epoch milliseconds, as a string.
    #[serde(default)]
    pub issued_at: Option<String>,
    /// Base64 HMAC-SHA256 of `id + issued_at`, keyed with the client secret.
    #[serde(default)]
    pub signature: Option<String>,
    #[serde(default)]
    pub token_type: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
}

/// The org and user a session belongs to, from the identity URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub org_id: String,
    pub user_id: String,
}

/// Splits `https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P`.
pub fn parse_identity_url(id: &str) -> Result<Identity> {
    let bad = || {
        Error::new(
            ErrorCode::Oauth,
            format!("Salesforce returned an identity URL Leadbridge cannot read: {id:?}"),
        )
    };
    let url = url::Url::parse(id).map_err(|_| bad())?;
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    match segments.as_slice() {
        [.., "id", org, user] if is_record_id(org) && is_record_id(user) => Ok(Identity {
            org_id: (*org).to_string(),
            user_id: (*user).to_string(),
        }),
        _ => Err(bad()),
    }
}

/// A Salesforce record Id: 15 or 18 letters and digits.
pub fn is_record_id(s: &str) -> bool {
    matches!(s.len(), 15 | 18) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Checks `signature` = base64(HMAC-SHA256(client_secret, id + issued_at)), when Salesforce
/// sent one. It proves the identity URL came from the server that knows our secret.
pub fn verify_signature(token: &TokenResponse, client_secret: &Secret) -> Result<()> {
    let (Some(signature), Some(id), Some(issued_at)) =
        (&token.signature, &token.id, &token.issued_at)
    else {
        return Ok(());
    };
    let expected = STANDARD.decode(signature.trim()).map_err(|_| {
        Error::new(
            ErrorCode::Oauth,
            "the token response's signature is not valid base64",
        )
    })?;
    let mut mac = Hmac::<Sha256>::new_from_slice(client_secret.expose().as_bytes())
        .map_err(|e| Error::internal(format!("HMAC key: {e}")))?;
    mac.update(id.as_bytes());
    mac.update(issued_at.as_bytes());
    mac.verify_slice(&expected).map_err(|_| {
        Error::new(
            ErrorCode::Oauth,
            "the token response's signature does not match the client secret (wrong secret, or the answer was altered)",
        )
    })
}

/// Calls one login host's token endpoints for one client app.
#[derive(Clone)]
pub struct TokenEndpoint {
    http: reqwest::Client,
    login: ServiceUrl,
    client_id: String,
    client_secret: Option<Secret>,
}

impl TokenEndpoint {
    pub fn new(
        http: reqwest::Client,
        login: ServiceUrl,
        client_id: String,
        client_secret: Option<Secret>,
    ) -> Self {
        TokenEndpoint {
            http,
            login,
            client_id,
            client_secret,
        }
    }

    pub fn login_url(&self) -> &ServiceUrl {
        &self.login
    }

    /// Authorization code → tokens, proving possession of the PKCE verifier.
    pub async fn exchange_code(
        &self,
        code: &str,
        redirect_uri: &str,
        verifier: &Secret,
    ) -> Result<TokenResponse> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", &self.client_id),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier.expose()),
        ];
        // A public client must not send a secret; a confidential one sends both.
        if let Some(secret) = &self.client_secret {
            form.push(("client_secret", secret.expose()));
        }
        self.post_token(OauthStep::CodeExchange, &form).await
    }

    pub async fn refresh(&self, refresh_token: &Secret) -> Result<TokenResponse> {
        let mut form = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
            ("client_id", &self.client_id),
        ];
        if let Some(secret) = &self.client_secret {
            form.push(("client_secret", secret.expose()));
        }
        self.post_token(OauthStep::Refresh, &form).await
    }

    pub async fn client_credentials(&self) -> Result<TokenResponse> {
        let Some(secret) = &self.client_secret else {
            return Err(
                Error::invalid_input("the client-credentials flow needs a client secret")
                    .field("clientSecret"),
            );
        };
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", &self.client_id),
            ("client_secret", secret.expose()),
        ];
        self.post_token(OauthStep::ClientCredentials, &form).await
    }

    /// Revokes a token. Revoking a refresh token also ends the access tokens issued with it.
    pub async fn revoke(&self, token: &Secret) -> Result<()> {
        let url = self.login.join("/services/oauth2/revoke");
        let res = self
            .http
            .post(&url)
            .form(&[("token", token.expose())])
            .send()
            .await
            .map_err(|e| api_error::network_error(&e, self.login.host()))?;
        let status = res.status().as_u16();
        tracing::info!(host = self.login.host(), status, "oauth revoke");
        if (200..300).contains(&status) {
            return Ok(());
        }
        let body = res.bytes().await.unwrap_or_default();
        Err(api_error::from_oauth_response(
            OauthStep::Revoke,
            status,
            &body,
        ))
    }

    async fn post_token(&self, step: OauthStep, form: &[(&str, &str)]) -> Result<TokenResponse> {
        let url = self.login.join("/services/oauth2/token");
        let res = self
            .http
            .post(&url)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(form)
            .send()
            .await
            .map_err(|e| api_error::network_error(&e, self.login.host()))?;
        let status = res.status().as_u16();
        tracing::info!(host = self.login.host(), status, step = ?step, "oauth token request");
        let body = res
            .bytes()
            .await
            .map_err(|e| api_error::network_error(&e, self.login.host()))?;
        if !(200..300).contains(&status) {
            return Err(api_error::from_oauth_response(step, status, &body));
        }
        let token: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
            // The body holds the tokens: describe the problem, never quote it.
            Error::new(
                ErrorCode::Oauth,
                format!("the login host's token response is not what Salesforce sends: {e}"),
            )
        })?;
        if let Some(kind) = token
            .token_type
            .as_deref()
            .filter(|t| !t.eq_ignore_ascii_case("bearer"))
        {
            return Err(Error::new(
                ErrorCode::Oauth,
                format!("unexpected token type {kind:?} (expected Bearer)"),
            ));
        }
        if token.access_token.is_empty() {
            return Err(Error::new(
                ErrorCode::Oauth,
                "the login host returned an empty access token",
            ));
        }
        if let Some(secret) = &self.client_secret {
            verify_signature(&token, secret)?;
        }
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/../../tests/fixtures/restforce/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn parses_the_recorded_token_responses() {
        let t: TokenResponse =
            serde_json::from_str(&fixture("auth_success_response.json")).unwrap();
        assert!(t.access_token.expose().starts_with("00Dx0000000BV7z!"));
        assert!(t.refresh_token.is_none());
        assert_eq!(t.instance_url, "https://na1.salesforce.com");
        assert_eq!(t.issued_at.as_deref(), Some("1278448832702"));
        let id = parse_identity_url(t.id.as_deref().unwrap()).unwrap();
        assert_eq!(
            id,
            Identity {
                org_id: "00Dx0000000BV7z".into(),
                user_id: "005x00000012Q9P".into()
            }
        );
        assert!(
            !format!("{t:?}").contains("AR8AQ"),
            "Debug must not print the token"
        );

        let r: TokenResponse =
            serde_json::from_str(&fixture("refresh_success_response.json")).unwrap();
        assert_eq!(r.access_token.expose(), "refreshed_access_token");
    }

    #[test]
    fn identity_url_must_name_an_org_and_a_user() {
        // restforce's refresh fixture uses placeholder ids: not record Ids.
        assert!(parse_identity_url("https://login.salesforce.com/id/foo/bar").is_err());
        assert!(parse_identity_url("not a url").is_err());
        let id = parse_identity_url("http://127.0.0.1:5/id/00D000000000001AAA/005000000000001AAA/")
            .unwrap();
        assert_eq!(id.user_id, "005000000000001AAA");
    }

    #[test]
    fn signature_is_checked_against_the_secret() {
        let secret = Secret::new("s3cret");
        let id = "https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA";
        let issued_at = "1700000000000";
        let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
        mac.update(format!("{id}{issued_at}").as_bytes());
        let good = STANDARD.encode(mac.finalize().into_bytes());
        let mut token = TokenResponse {
            access_token: Secret::new("a"),
            refresh_token: None,
            instance_url: "https://x".into(),
            id: Some(id.into()),
            issued_at: Some(issued_at.into()),
            signature: Some(good),
            token_type: Some("Bearer".into()),
            scope: None,
        };
        verify_signature(&token, &secret).unwrap();
        let err = verify_signature(&token, &Secret::new("other")).unwrap_err();
        assert!(err.message.contains("does not match"), "{}", err.message);
        token.issued_at = Some("1700000000001".into());
        assert!(verify_signature(&token, &secret).is_err());
        token.signature = None;
        verify_signature(&token, &secret).unwrap();
    }
}
