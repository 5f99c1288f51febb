//! Authorization codes, refresh tokens and access tokens (sessions).

use std::collections::HashMap;
use std::time::Instant;

use crate::ids;

/// An authorization request waiting for the person to press Allow or Deny.
#[derive(Clone, Debug)]
pub struct PendingAuthorization {
    pub redirect_uri: String,
    pub state: Option<String>,
    pub code_challenge: Option<String>,
    pub scopes: Vec<String>,
    pub user_id: String,
    pub created: Instant,
}

#[derive(Clone, Debug)]
pub struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub scopes: Vec<String>,
    pub user_id: String,
    pub issued: Instant,
}

#[derive(Clone, Debug)]
pub struct RefreshGrant {
    pub client_id: String,
    pub user_id: String,
    pub scopes: Vec<String>,
}

/// An access token's session.
#[derive(Clone, Debug)]
pub struct Session {
    pub user_id: String,
    pub scopes: Vec<String>,
    /// The refresh token whose grant issued it; revoking that token ends this session.
    pub refresh_token: Option<String>,
}

#[derive(Debug, Default)]
pub struct AuthState {
    pub pending: HashMap<String, PendingAuthorization>,
    pub codes: HashMap<String, AuthCode>,
    pub refresh: HashMap<String, RefreshGrant>,
    pub access: HashMap<String, Session>,
}

impl AuthState {
    /// Issues an access token shaped like Salesforce's (`<orgId>!<opaque>`).
    pub fn new_session(&mut self, org_id: &str, session: Session) -> String {
        let token = format!(
            "{}!{}",
            &org_id[..15.min(org_id.len())],
            ids::random_token(96)
        );
        self.access.insert(token.clone(), session);
        token
    }

    pub fn new_refresh_token(&mut self, grant: RefreshGrant) -> String {
        let token = format!("5Aep861{}", ids::random_token(80));
        self.refresh.insert(token.clone(), grant);
        token
    }

    /// Ends every access token; refresh tokens stay valid (the "sessions expired" fault).
    pub fn expire_sessions(&mut self) {
        self.access.clear();
    }

    /// Revokes a refresh token and every session it issued.
    pub fn revoke_refresh(&mut self, token: &str) -> bool {
        if self.refresh.remove(token).is_none() {
            return false;
        }
        self.access
            .retain(|_, s| s.refresh_token.as_deref() != Some(token));
        true
    }
}
