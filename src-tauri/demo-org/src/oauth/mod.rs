//! The OAuth 2.0 endpoints under `/services/oauth2`: authorize (an approval page, or an
//! immediate redirect when auto-approve is on), token (authorization_code with PKCE,
//! refresh_token with rotation, client_credentials), revoke, userinfo, and the identity URL.

mod page;
mod sessions;
mod token;

pub use sessions::AuthState;
pub(crate) use sessions::Session;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

use crate::ids;
use crate::schema::Schema;
use crate::state::{lock, Shared};
use sessions::{AuthCode, PendingAuthorization};

/// The demo org's one client app (an External Client App in Salesforce terms).
pub const CLIENT_ID: &str = "leadbridge-demo";
pub const CLIENT_SECRET: &str = "leadbridge-demo-secret";
pub const APP_NAME: &str = "Leadbridge Demo";

/// Scopes the app may be granted; without `scope`, Salesforce grants the app's configured set.
const ALLOWED_SCOPES: &[&str] = &[
    "api",
    "refresh_token",
    "offline_access",
    "web",
    "id",
    "profile",
    "email",
    "full",
];
const DEFAULT_SCOPES: &[&str] = &["api", "refresh_token"];

pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/services/oauth2/authorize",
            get(authorize).post(authorize_decision),
        )
        .route("/services/oauth2/token", axum::routing::post(token::token))
        .route("/services/oauth2/revoke", get(revoke).post(revoke))
        .route("/services/oauth2/userinfo", get(userinfo).post(userinfo))
        .route("/id/{org}/{user}", get(identity))
}

/// Parses `a=b&c=d` (form bodies and query strings).
pub(crate) fn parse_form(raw: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(raw).into_owned().collect()
}

/// Salesforce accepts loopback callbacks for the demo app; anything else mismatches.
fn is_loopback_redirect(uri: &str) -> bool {
    let Ok(u) = url::Url::parse(uri) else {
        return false;
    };
    matches!(u.scheme(), "http" | "https")
        && matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))
        && u.fragment().is_none()
}

fn redirect(location: &str) -> Response {
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, location.to_string()),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
    )
        .into_response()
}

/// `redirect_uri` with query parameters appended, in order.
fn with_params(redirect_uri: &str, params: &[(&str, Option<&str>)]) -> String {
    match url::Url::parse(redirect_uri) {
        Ok(mut u) => {
            {
                let mut q = u.query_pairs_mut();
                for (k, v) in params {
                    if let Some(v) = v {
                        q.append_pair(k, v);
                    }
                }
            }
            u.to_string()
        }
        Err(_) => redirect_uri.to_string(),
    }
}

fn redirect_error(
    redirect_uri: &str,
    error: &str,
    description: &str,
    state: Option<&str>,
) -> Response {
    redirect(&with_params(
        redirect_uri,
        &[
            ("error", Some(error)),
            ("error_description", Some(description)),
            ("state", state),
        ],
    ))
}

/// A base64url SHA-256 challenge is 43 characters of the URL-safe alphabet.
fn valid_challenge(c: &str) -> bool {
    (43..=128).contains(&c.len())
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The user a person logs in as: `login_hint` naming an active user, else the administrator.
fn login_user(shared: &Shared, hint: Option<&String>) -> (String, String, String) {
    let engine = lock(&shared.engine);
    let org = &engine.org;
    let users = Schema::get()
        .object("User")
        .map(|u| org.table(u).cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    let pick = hint
        .and_then(|h| {
            users.iter().find(|u| {
                u.get("Username")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.eq_ignore_ascii_case(h))
                    && u.get("IsActive") == Some(&Value::Bool(true))
            })
        })
        .or_else(|| {
            users
                .iter()
                .find(|u| u.get("Id").and_then(Value::as_str) == Some(org.users.admin.as_str()))
        });
    let s = |k: &str| {
        pick.and_then(|u| u.get(k))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    (s("Id"), s("Name"), s("Username"))
}

/// `GET /services/oauth2/authorize`.
async fn authorize(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let p = parse_form(query.unwrap_or_default().as_bytes());
    let get = |k: &str| p.get(k).map(String::as_str);
    // Errors before the redirect URI is trusted are shown on a page, never redirected.
    if get("client_id") != Some(CLIENT_ID) {
        return page::error_page("invalid_client_id", "client identifier invalid");
    }
    let Some(redirect_uri) = get("redirect_uri").filter(|u| is_loopback_redirect(u)) else {
        return page::error_page(
            "redirect_uri_mismatch",
            "redirect_uri must match configuration",
        );
    };
    let state = get("state");
    if get("response_type") != Some("code") {
        return redirect_error(
            redirect_uri,
            "unsupported_response_type",
            "response type not supported",
            state,
        );
    }
    // jsforce sends no method; Salesforce then assumes S256, the only method it supports.
    if get("code_challenge_method").is_some_and(|m| m != "S256") {
        return redirect_error(
            redirect_uri,
            "invalid_request",
            "invalid code_challenge_method",
            state,
        );
    }
    let challenge = get("code_challenge").map(str::to_string);
    if challenge.as_deref().is_some_and(|c| !valid_challenge(c)) {
        return redirect_error(
            redirect_uri,
            "invalid_request",
            "invalid code_challenge",
            state,
        );
    }
    let scopes: Vec<String> = match get("scope") {
        Some(s) if !s.trim().is_empty() => s.split_whitespace().map(str::to_string).collect(),
        _ => DEFAULT_SCOPES.iter().map(|s| s.to_string()).collect(),
    };
    if scopes.iter().any(|s| !ALLOWED_SCOPES.contains(&s.as_str())) {
        return redirect_error(
            redirect_uri,
            "invalid_scope",
            "the requested scope is not allowed",
            state,
        );
    }
    let (user_id, user_name, username) = login_user(&shared, p.get("login_hint"));
    let pending = PendingAuthorization {
        redirect_uri: redirect_uri.to_string(),
        state: state.map(str::to_string),
        code_challenge: challenge,
        scopes,
        user_id,
        created: Instant::now(),
    };
    if shared.config.auto_approve {
        return approve(&shared, pending);
    }
    if get("prompt").is_some_and(|p| p.split_whitespace().any(|x| x == "none")) {
        // prompt=none cannot show the approval page.
        return redirect_error(
            redirect_uri,
            "immediate_unsuccessful",
            "user approval required",
            state,
        );
    }
    let request_id = ids::random_token(32);
    let body = page::approval_page(&request_id, &pending.scopes, &user_name, &username);
    let mut auth = lock(&shared.auth);
    auth.pending
        .retain(|_, p| p.created.elapsed() < shared.config.code_ttl);
    auth.pending.insert(request_id, pending);
    body
}

/// Issues a code for an approved request and redirects back to the client.
fn approve(shared: &Shared, p: PendingAuthorization) -> Response {
    let code = format!("aPrx{}", ids::random_token(60));
    let location = with_params(
        &p.redirect_uri,
        &[("code", Some(&code)), ("state", p.state.as_deref())],
    );
    let mut auth = lock(&shared.auth);
    auth.codes
        .retain(|_, c| c.issued.elapsed() < shared.config.code_ttl);
    auth.codes.insert(
        code,
        AuthCode {
            client_id: CLIENT_ID.to_string(),
            redirect_uri: p.redirect_uri,
            code_challenge: p.code_challenge,
            scopes: p.scopes,
            user_id: p.user_id,
            issued: Instant::now(),
        },
    );
    redirect(&location)
}

/// `POST /services/oauth2/authorize`: the Allow / Deny form of the approval page.
async fn authorize_decision(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form = parse_form(&body);
    let pending = form
        .get("request_id")
        .and_then(|id| lock(&shared.auth).pending.remove(id));
    let Some(pending) = pending.filter(|p| p.created.elapsed() < shared.config.code_ttl) else {
        return page::error_page(
            "invalid_request",
            "this authorization request has expired; start again from the app",
        );
    };
    match form.get("decision").map(String::as_str) {
        Some("allow") => approve(&shared, pending),
        _ => redirect_error(
            &pending.redirect_uri,
            "access_denied",
            "end-user denied authorization",
            pending.state.as_deref(),
        ),
    }
}

/// The bearer token of a request, if any.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("Bearer") || scheme.eq_ignore_ascii_case("OAuth"))
        .then_some(token.trim())
}

/// The session of a bearer token, if it is alive.
pub(crate) fn session(shared: &Shared, headers: &HeaderMap) -> Option<Session> {
    let token = bearer(headers)?;
    lock(&shared.auth).access.get(token).cloned()
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
        body.to_string(),
    )
        .into_response()
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(
        status,
        json!({ "error": error, "error_description": description }),
    )
}

/// `POST /services/oauth2/revoke` (`token=`): an access token ends its session; a refresh
/// token ends itself and every session it issued.
async fn revoke(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let mut form = parse_form(&body);
    if !form.contains_key("token") {
        form = parse_form(query.unwrap_or_default().as_bytes());
    }
    let Some(token) = form.get("token") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_token_type",
            "this token type is not supported",
        );
    };
    let mut auth = lock(&shared.auth);
    let revoked = auth.revoke_refresh(token) || auth.access.remove(token).is_some();
    if revoked {
        StatusCode::OK.into_response()
    } else {
        oauth_error(StatusCode::BAD_REQUEST, "invalid_token", "invalid token")
    }
}

/// The user record of a session, as JSON.
fn user_record(shared: &Shared, user_id: &str) -> Option<crate::store::Record> {
    let engine = lock(&shared.engine);
    let user = Schema::get().object("User")?;
    engine.org.get(user, user_id).cloned()
}

/// `GET /services/oauth2/userinfo` (OpenID Connect shape).
async fn userinfo(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let Some(s) = session(&shared, &headers) else {
        // Salesforce answers a bad token here with a plain-text 403.
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain")],
            "Bad_OAuth_Token",
        )
            .into_response();
    };
    let Some(u) = user_record(&shared, &s.user_id) else {
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain")],
            "Bad_OAuth_Token",
        )
            .into_response();
    };
    let org_id = lock(&shared.engine).org.org_id.clone();
    let f = |k: &str| u.get(k).cloned().unwrap_or(Value::Null);
    let base = &shared.base_url;
    json_response(
        StatusCode::OK,
        json!({
            "sub": format!("{base}/id/{org_id}/{}", s.user_id),
            "user_id": s.user_id,
            "organization_id": org_id,
            "preferred_username": f("Username"),
            "nickname": f("Alias"),
            "name": f("Name"),
            "email": f("Email"),
            "email_verified": true,
            "given_name": f("FirstName"),
            "family_name": f("LastName"),
            "zoneinfo": f("TimeZoneSidKey"),
            "photos": { "picture": format!("{base}/profilephoto/005/F"), "thumbnail": format!("{base}/profilephoto/005/T") },
            "profile": format!("{base}/{}", s.user_id),
            "picture": format!("{base}/profilephoto/005/F"),
            "address": {},
            "is_salesforce_integration_user": false,
            "urls": identity_urls(base, &org_id, &s.user_id),
            "active": f("IsActive"),
            "user_type": "STANDARD",
            "language": f("LanguageLocaleKey"),
            "locale": f("LocaleSidKey"),
            "utcOffset": 0,
            "updated_at": f("LastModifiedDate"),
            "is_app_installed": true,
        }),
    )
}

fn identity_urls(base: &str, org_id: &str, user_id: &str) -> Value {
    let v = crate::rest::LATEST_VERSION;
    json!({
        "enterprise": format!("{base}/services/Soap/c/{{version}}/{org_id}"),
        "metadata": format!("{base}/services/Soap/m/{{version}}/{org_id}"),
        "partner": format!("{base}/services/Soap/u/{{version}}/{org_id}"),
        "rest": format!("{base}/services/data/v{{version}}/"),
        "sobjects": format!("{base}/services/data/v{{version}}/sobjects/"),
        "search": format!("{base}/services/data/v{{version}}/search/"),
        "query": format!("{base}/services/data/v{{version}}/query/"),
        "recent": format!("{base}/services/data/v{{version}}/recent/"),
        "profile": format!("{base}/{user_id}"),
        "limits": format!("{base}/services/data/v{v}/limits"),
        "custom_domain": base,
    })
}

/// `GET /id/<orgId>/<userId>`: the identity service.
async fn identity(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    Path((org, user)): Path<(String, String)>,
) -> Response {
    // The token may also come as `?oauth_token=` (jsforce sends both).
    let from_query = parse_form(query.unwrap_or_default().as_bytes()).remove("oauth_token");
    let alive = match from_query {
        Some(t) => lock(&shared.auth).access.get(&t).cloned(),
        None => session(&shared, &headers),
    };
    let Some(_session) = alive else {
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain")],
            "Bad_OAuth_Token",
        )
            .into_response();
    };
    let org_id = lock(&shared.engine).org.org_id.clone();
    let user = ids::to_18(&user).unwrap_or_default();
    let record = if ids::to_18(&org).as_deref() == Some(org_id.as_str()) {
        user_record(&shared, &user)
    } else {
        None
    };
    let Some(u) = record else {
        return json_response(
            StatusCode::NOT_FOUND,
            json!([{ "message": "Bad_Id", "errorCode": "NOT_FOUND" }]),
        );
    };
    let f = |k: &str| u.get(k).cloned().unwrap_or(Value::Null);
    let base = &shared.base_url;
    json_response(
        StatusCode::OK,
        json!({
            "id": format!("{base}/id/{org_id}/{user}"),
            "asserted_user": true,
            "user_id": user,
            "organization_id": org_id,
            "username": f("Username"),
            "nick_name": f("Alias"),
            "display_name": f("Name"),
            "email": f("Email"),
            "email_verified": true,
            "first_name": f("FirstName"),
            "last_name": f("LastName"),
            "timezone": f("TimeZoneSidKey"),
            "photos": { "picture": format!("{base}/profilephoto/005/F"), "thumbnail": format!("{base}/profilephoto/005/T") },
            "addr_street": null, "addr_city": null, "addr_state": null, "addr_country": null, "addr_zip": null,
            "mobile_phone": null,
            "mobile_phone_verified": false,
            "is_lightning_login_user": false,
            "status": { "created_date": null, "body": null },
            "urls": identity_urls(base, &org_id, &user),
            "active": f("IsActive"),
            "user_type": "STANDARD",
            "language": f("LanguageLocaleKey"),
            "locale": f("LocaleSidKey"),
            "utcOffset": 0,
            "last_modified_date": f("LastModifiedDate"),
            "is_app_installed": true,
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_redirects_are_accepted() {
        assert!(is_loopback_redirect("http://localhost:1717/OauthRedirect"));
        assert!(is_loopback_redirect("http://127.0.0.1:53682/callback"));
        assert!(!is_loopback_redirect("https://evil.example/callback"));
        assert!(!is_loopback_redirect("http://localhost.evil.example/cb"));
        assert!(!is_loopback_redirect("not a url"));
    }
}
