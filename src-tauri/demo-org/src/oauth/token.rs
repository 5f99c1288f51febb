//! `POST /services/oauth2/token`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::sessions::{RefreshGrant, Session};
use super::{json_response, oauth_error, parse_form, CLIENT_ID, CLIENT_SECRET};
use crate::state::{lock, Shared};

/// How the client authenticated: with form fields or an HTTP Basic header.
struct ClientAuth {
    client_id: Option<String>,
    secret: Option<String>,
    basic: bool,
}

fn client_auth(
    headers: &HeaderMap,
    form: &std::collections::HashMap<String, String>,
) -> ClientAuth {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Basic ")
                .or_else(|| v.strip_prefix("basic "))
        })
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.split_once(':')
                .map(|(a, b)| (a.to_string(), b.to_string()))
        });
    match basic {
        Some((id, secret)) => ClientAuth {
            client_id: Some(id),
            secret: Some(secret),
            basic: true,
        },
        None => ClientAuth {
            client_id: form.get("client_id").cloned(),
            secret: form.get("client_secret").cloned(),
            basic: false,
        },
    }
}

/// A wrong client secret is `invalid_client`: 401 when sent as HTTP Basic (RFC 6749 §5.2),
/// 400 in the form, as Salesforce answers.
fn invalid_client(auth: &ClientAuth) -> Response {
    let status = if auth.basic {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::BAD_REQUEST
    };
    oauth_error(status, "invalid_client", "invalid client credentials")
}

fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let digest = Sha256::digest(verifier.as_bytes());
    URL_SAFE_NO_PAD.encode(digest) == challenge.trim_end_matches('=')
}

/// The token response, with Salesforce's fields (no `expires_in`).
fn token_response(
    shared: &Shared,
    access_token: &str,
    refresh_token: Option<&str>,
    user_id: &str,
    scopes: &[String],
) -> Response {
    let org_id = lock(&shared.engine).org.org_id.clone();
    let id = format!("{}/id/{org_id}/{user_id}", shared.base_url);
    let issued_at = chrono::Utc::now().timestamp_millis().to_string();
    let signature = match Hmac::<Sha256>::new_from_slice(CLIENT_SECRET.as_bytes()) {
        Ok(mut mac) => {
            mac.update(id.as_bytes());
            mac.update(issued_at.as_bytes());
            STANDARD.encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    };
    let mut body = serde_json::Map::new();
    body.insert("access_token".into(), json!(access_token));
    if let Some(r) = refresh_token {
        body.insert("refresh_token".into(), json!(r));
    }
    body.insert("signature".into(), json!(signature));
    body.insert("scope".into(), json!(scopes.join(" ")));
    body.insert("instance_url".into(), json!(shared.base_url));
    body.insert("id".into(), json!(id));
    body.insert("token_type".into(), json!("Bearer"));
    body.insert("issued_at".into(), json!(issued_at));
    json_response(StatusCode::OK, Value::Object(body))
}

fn grants_refresh(scopes: &[String]) -> bool {
    scopes
        .iter()
        .any(|s| s == "refresh_token" || s == "offline_access")
}

pub async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let mut form = parse_form(&body);
    // Some clients put the parameters in the query string; the body wins.
    for (k, v) in parse_form(query.unwrap_or_default().as_bytes()) {
        form.entry(k).or_insert(v);
    }
    let auth = client_auth(&headers, &form);
    if auth.client_id.as_deref() != Some(CLIENT_ID) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_client_id",
            "client identifier invalid",
        );
    }
    let secret_ok = auth.secret.as_deref().map(|s| s == CLIENT_SECRET);
    if secret_ok == Some(false) {
        return invalid_client(&auth);
    }
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            authorization_code(&shared, &form, &auth, secret_ok == Some(true))
        }
        Some("refresh_token") => refresh(&shared, &form),
        Some("client_credentials") => {
            if secret_ok != Some(true) {
                return invalid_client(&auth);
            }
            let (org_id, user_id) = {
                let e = lock(&shared.engine);
                (e.org.org_id.clone(), e.org.users.integration.clone())
            };
            let scopes = vec!["api".to_string()];
            let access = lock(&shared.auth).new_session(
                &org_id,
                Session {
                    user_id: user_id.clone(),
                    scopes: scopes.clone(),
                    refresh_token: None,
                },
            );
            token_response(&shared, &access, None, &user_id, &scopes)
        }
        _ => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "grant type not supported",
        ),
    }
}

fn authorization_code(
    shared: &Shared,
    form: &std::collections::HashMap<String, String>,
    auth: &ClientAuth,
    secret_ok: bool,
) -> Response {
    let Some(code) = form.get("code") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "invalid authorization code",
        );
    };
    // Codes are single-use: the first presentation consumes it, whatever happens next.
    let Some(grant) = lock(&shared.auth).codes.remove(code) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "invalid authorization code",
        );
    };
    if grant.issued.elapsed() > shared.config.code_ttl {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "expired authorization code",
        );
    }
    if form.get("redirect_uri") != Some(&grant.redirect_uri) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "redirect_uri_mismatch",
            "redirect_uri must match configuration",
        );
    }
    match (&grant.code_challenge, form.get("code_verifier")) {
        (Some(_), None) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "invalid code verifier",
            )
        }
        (Some(challenge), Some(verifier)) if !pkce_matches(verifier, challenge) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "invalid code verifier",
            )
        }
        // Without PKCE the web-server flow needs the client secret.
        (None, _) if !secret_ok => return invalid_client(auth),
        _ => {}
    }
    let org_id = lock(&shared.engine).org.org_id.clone();
    let mut a = lock(&shared.auth);
    let refresh = grants_refresh(&grant.scopes).then(|| {
        a.new_refresh_token(RefreshGrant {
            client_id: grant.client_id.clone(),
            user_id: grant.user_id.clone(),
            scopes: grant.scopes.clone(),
        })
    });
    let access = a.new_session(
        &org_id,
        Session {
            user_id: grant.user_id.clone(),
            scopes: grant.scopes.clone(),
            refresh_token: refresh.clone(),
        },
    );
    drop(a);
    token_response(
        shared,
        &access,
        refresh.as_deref(),
        &grant.user_id,
        &grant.scopes,
    )
}

/// Refresh with rotation: the old refresh token dies, a new one comes back with the response.
fn refresh(shared: &Shared, form: &std::collections::HashMap<String, String>) -> Response {
    let dead = || {
        oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "expired access/refresh token",
        )
    };
    let Some(old) = form.get("refresh_token") else {
        return dead();
    };
    let org_id = lock(&shared.engine).org.org_id.clone();
    let mut a = lock(&shared.auth);
    let Some(grant) = a.refresh.remove(old) else {
        return dead();
    };
    if grant.client_id != CLIENT_ID {
        return dead();
    }
    let new_refresh = a.new_refresh_token(grant.clone());
    // Sessions issued from the old token belong to the new one now, so revoking it ends them.
    for s in a.access.values_mut() {
        if s.refresh_token.as_deref() == Some(old.as_str()) {
            s.refresh_token = Some(new_refresh.clone());
        }
    }
    let access = a.new_session(
        &org_id,
        Session {
            user_id: grant.user_id.clone(),
            scopes: grant.scopes.clone(),
            refresh_token: Some(new_refresh.clone()),
        },
    );
    drop(a);
    token_response(
        shared,
        &access,
        Some(&new_refresh),
        &grant.user_id,
        &grant.scopes,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_uses_base64url_sha256_of_the_verifier() {
        // RFC 7636 appendix B.
        assert!(pkce_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!pkce_matches(
            "wrong",
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
    }
}
