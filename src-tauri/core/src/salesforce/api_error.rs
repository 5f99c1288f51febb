//! Salesforce's error answers, mapped into the one [`Error`] type.
//!
//! Shapes seen on the wire (salesforce-facts.md B1/B2):
//! - REST: a JSON array `[{"message","errorCode","fields"}]`;
//! - sometimes a bare object `{"message","errorCode"}` (composite/collections);
//! - OAuth: `{"error","error_description"}`;
//! - 300 Multiple Choices: an array of record URLs;
//! - anything else (an HTML error page from a proxy): only the status is trusted.

use serde::{Deserialize, Serialize};

use crate::{Error, ErrorCode};

/// Salesforce error codes that mean "try again later", besides HTTP 5xx and 429.
const TRANSIENT_CODES: &[&str] = &["UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE"];

/// Whether a Salesforce `errorCode` / `statusCode` is transient. The sync engine applies the
/// same rule to per-record errors inside a 200 collections answer.
pub fn is_transient_error_code(code: &str) -> bool {
    TRANSIENT_CODES.contains(&code)
}

/// Whether an HTTP status is transient on its own.
pub fn is_transient_status(status: u16) -> bool {
    status == 429 || status >= 500
}

/// One entry of Salesforce's REST error array. Collections results call the code
/// `statusCode`; the top-level REST errors call it `errorCode`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiErrorEntry {
    #[serde(default)]
    pub message: String,
    #[serde(alias = "statusCode")]
    pub error_code: String,
    #[serde(default)]
    pub fields: Vec<String>,
}

/// Salesforce's OAuth error body.
#[derive(Debug, Clone, Deserialize)]
pub struct OauthErrorBody {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
}

/// Tried in order. `RecordUrls` comes before the struct shapes because serde also reads a
/// struct from a JSON array (`["a","b"]` would become `{message:"a", errorCode:"b"}`).
#[derive(Deserialize)]
#[serde(untagged)]
enum ErrorBody {
    Many(Vec<ApiErrorEntry>),
    RecordUrls(Vec<String>),
    One(ApiErrorEntry),
    Oauth(OauthErrorBody),
}

/// The error for a non-2xx REST answer. `what` says what was attempted ("query", "describe
/// Lead") for answers whose body says nothing useful.
pub fn from_rest_response(
    status: u16,
    body: &[u8],
    retry_after_secs: Option<u32>,
    what: &str,
) -> Error {
    let parsed = serde_json::from_slice::<ErrorBody>(body).ok();
    let (message, code, fields) = match parsed {
        Some(ErrorBody::Many(entries)) if !entries.is_empty() => {
            let mut messages: Vec<&str> = Vec::new();
            let mut fields: Vec<String> = Vec::new();
            for e in &entries {
                if !messages.contains(&e.message.as_str()) {
                    messages.push(&e.message);
                }
                for f in &e.fields {
                    if !fields.contains(f) {
                        fields.push(f.clone());
                    }
                }
            }
            (
                messages.join("; "),
                Some(entries[0].error_code.clone()),
                fields,
            )
        }
        Some(ErrorBody::One(e)) => (e.message, Some(e.error_code), e.fields),
        Some(ErrorBody::Oauth(o)) => (
            o.error_description.unwrap_or_else(|| o.error.clone()),
            Some(o.error),
            vec![],
        ),
        Some(ErrorBody::RecordUrls(urls)) if status == 300 => (
            format!(
                "{what}: {} records match, so Salesforce cannot tell which one to use: {}",
                urls.len(),
                urls.join(", ")
            ),
            Some("MULTIPLE_CHOICES".to_string()),
            vec![],
        ),
        _ => (
            format!(
                "{what} failed: Salesforce answered HTTP {status}{}",
                body_hint(body)
            ),
            None,
            vec![],
        ),
    };
    let retryable =
        is_transient_status(status) || code.as_deref().is_some_and(is_transient_error_code);
    let message = if message.trim().is_empty() {
        format!("{what} failed with HTTP {status}")
    } else {
        message
    };
    Error::new(ErrorCode::Salesforce, message).detail(|d| {
        d.salesforce_code = code;
        d.fields = fields;
        d.http_status = Some(status);
        d.retryable = retryable;
        d.retry_after_secs = retry_after_secs;
    })
}

/// The `errorCode` of a REST error body, if it has one (used to spot `INVALID_SESSION_ID`).
pub fn rest_error_code(body: &[u8]) -> Option<String> {
    match serde_json::from_slice::<ErrorBody>(body).ok()? {
        ErrorBody::Many(entries) => entries.into_iter().next().map(|e| e.error_code),
        ErrorBody::One(e) => Some(e.error_code),
        ErrorBody::Oauth(o) => Some(o.error),
        ErrorBody::RecordUrls(_) => None,
    }
}

/// Which OAuth step failed, to pick the words and the error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OauthStep {
    /// The browser came back with `error=...`.
    Authorize,
    /// Exchanging the authorization code.
    CodeExchange,
    /// Using the refresh token.
    Refresh,
    /// The client-credentials grant.
    ClientCredentials,
    Revoke,
}

impl OauthStep {
    fn doing(self) -> &'static str {
        match self {
            OauthStep::Authorize => "Salesforce login",
            OauthStep::CodeExchange => "exchanging the authorization code",
            OauthStep::Refresh => "refreshing the session",
            OauthStep::ClientCredentials => "the client-credentials login",
            OauthStep::Revoke => "revoking the token",
        }
    }
}

/// The error for an OAuth `{error, error_description}` pair (from a token-endpoint body or
/// the redirect's query string).
pub fn oauth_error(
    step: OauthStep,
    error: &str,
    description: Option<&str>,
    http_status: Option<u16>,
) -> Error {
    let description = description.map(str::trim).filter(|d| !d.is_empty());
    let said = description.unwrap_or(error);
    let hint = match error {
        "access_denied" => " (the sign-in was cancelled or access was not allowed)".to_string(),
        "redirect_uri_mismatch" => " (the External Client App's callback URL must match the redirect URI exactly, port and path included)".to_string(),
        "invalid_client_id" | "invalid_client" => " (check the client id: the External Client App's consumer key)".to_string(),
        "invalid_client_credentials" => " (check the client secret)".to_string(),
        "invalid_grant" if step == OauthStep::Refresh => " (run `org connect` again to sign in anew)".to_string(),
        _ => String::new(),
    };
    // A refresh token that no longer works means the org is disconnected, not a bug.
    let code = if step == OauthStep::Refresh && error == "invalid_grant" {
        ErrorCode::NotConnected
    } else {
        ErrorCode::Oauth
    };
    let retryable = http_status.is_some_and(is_transient_status);
    Error::new(
        code,
        format!("{} failed: {said} [{error}]{hint}", step.doing()),
    )
    .detail(|d| {
        d.salesforce_code = Some(error.to_string());
        d.http_status = http_status;
        d.retryable = retryable;
    })
}

/// The error for a non-2xx token-endpoint answer.
pub fn from_oauth_response(step: OauthStep, status: u16, body: &[u8]) -> Error {
    match serde_json::from_slice::<OauthErrorBody>(body) {
        Ok(o) => oauth_error(step, &o.error, o.error_description.as_deref(), Some(status)),
        Err(_) => Error::new(
            ErrorCode::Oauth,
            format!(
                "{} failed: the login host answered HTTP {status}{}",
                step.doing(),
                body_hint(body)
            ),
        )
        .detail(|d| {
            d.http_status = Some(status);
            d.retryable = is_transient_status(status);
        }),
    }
}

/// A network failure talking to `host`: unreachable, refused, timed out, cut off.
/// Always retryable; the message names the host and the root cause, never the full URL.
pub fn network_error(err: &reqwest::Error, host: &str) -> Error {
    let cause = root_cause(err);
    let message = if err.is_timeout() {
        format!("{host} did not answer in time ({cause})")
    } else if err.is_connect() {
        format!("cannot reach {host}: {cause}")
    } else {
        format!("the connection to {host} failed: {cause}")
    };
    Error::new(ErrorCode::Network, message).detail(|d| d.retryable = true)
}

fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// A short printable excerpt of an unexpected body, so an HTML proxy page is recognisable.
fn body_hint(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text: String = text.chars().filter(|c| !c.is_control()).take(160).collect();
    let text = text.trim();
    if text.is_empty() {
        String::new()
    } else {
        format!(" ({text})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/../../tests/fixtures/restforce/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn maps_the_recorded_rest_error_array() {
        let e = from_rest_response(
            400,
            &fixture("sobject/write_error_response.json"),
            None,
            "create Bar",
        );
        assert_eq!(e.code, ErrorCode::Salesforce);
        assert_eq!(e.message, "No such column 'foo' on sobject of type Bar");
        let d = e.details.unwrap();
        assert_eq!(d.salesforce_code.as_deref(), Some("INVALID_FIELD"));
        assert_eq!(d.http_status, Some(400));
        assert!(!d.retryable, "a validation error is not retryable");
    }

    #[test]
    fn expired_session_is_recognised() {
        let body = fixture("expired_session_response.json");
        assert_eq!(
            rest_error_code(&body).as_deref(),
            Some("INVALID_SESSION_ID")
        );
        let e = from_rest_response(401, &body, None, "query");
        assert_eq!(e.message, "Session expired or invalid");
    }

    #[test]
    fn joins_several_errors_and_their_fields() {
        let body = br#"[{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName"]},
                        {"message":"Company: bad","errorCode":"FIELD_CUSTOM_VALIDATION_EXCEPTION","fields":["Company","LastName"]}]"#;
        let e = from_rest_response(400, body, None, "create Lead");
        assert_eq!(
            e.message,
            "Required fields are missing: [LastName]; Company: bad"
        );
        let d = e.details.unwrap();
        assert_eq!(d.salesforce_code.as_deref(), Some("REQUIRED_FIELD_MISSING"));
        assert_eq!(d.fields, vec!["LastName", "Company"]);
    }

    #[test]
    fn bare_object_and_status_code_alias() {
        let e = from_rest_response(
            400,
            br#"{"message":"locked","statusCode":"UNABLE_TO_LOCK_ROW","fields":[]}"#,
            None,
            "x",
        );
        let d = e.details.unwrap();
        assert_eq!(d.salesforce_code.as_deref(), Some("UNABLE_TO_LOCK_ROW"));
        assert!(d.retryable, "a row lock is transient");
    }

    #[test]
    fn transient_statuses_are_retryable_and_keep_retry_after() {
        let e = from_rest_response(503, b"<html>Service Unavailable</html>", Some(7), "query");
        assert!(e.message.contains("HTTP 503"), "{}", e.message);
        assert!(e.message.contains("Service Unavailable"), "{}", e.message);
        let d = e.details.unwrap();
        assert!(d.retryable);
        assert_eq!(d.retry_after_secs, Some(7));
        assert!(
            from_rest_response(429, b"", None, "q")
                .details
                .unwrap()
                .retryable
        );
        let limit = br#"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#;
        assert!(
            !from_rest_response(403, limit, None, "q")
                .details
                .unwrap()
                .retryable
        );
    }

    #[test]
    fn multiple_choices_lists_the_records() {
        let e = from_rest_response(
            300,
            &fixture("sobject/upsert_multiple_error_response.json"),
            None,
            "upsert Whizbang",
        );
        assert!(e.message.contains("2 records match"), "{}", e.message);
        assert_eq!(
            e.details.unwrap().salesforce_code.as_deref(),
            Some("MULTIPLE_CHOICES")
        );
    }

    #[test]
    fn oauth_bodies_map_to_oauth_errors() {
        let e = from_oauth_response(
            OauthStep::CodeExchange,
            400,
            &fixture("auth_error_response.json"),
        );
        assert_eq!(e.code, ErrorCode::Oauth);
        assert!(
            e.message
                .contains("authentication failure - Invalid Password"),
            "{}",
            e.message
        );
        assert_eq!(
            e.details.unwrap().salesforce_code.as_deref(),
            Some("invalid_grant")
        );
        // A dead refresh token means "connect again", not an internal failure.
        let e = from_oauth_response(
            OauthStep::Refresh,
            400,
            &fixture("refresh_error_response.json"),
        );
        assert_eq!(e.code, ErrorCode::NotConnected);
        assert!(
            e.message.contains("expired access/refresh token"),
            "{}",
            e.message
        );
        let e = oauth_error(
            OauthStep::Authorize,
            "access_denied",
            Some("end-user denied authorization"),
            None,
        );
        assert!(
            e.message.contains("end-user denied authorization"),
            "{}",
            e.message
        );
        assert!(e.message.contains("access_denied"), "{}", e.message);
    }

    #[test]
    fn the_rest_parser_also_reads_an_oauth_body() {
        let e = from_rest_response(
            401,
            br#"{"error":"invalid_token","error_description":"bad"}"#,
            None,
            "x",
        );
        assert_eq!(
            e.details.unwrap().salesforce_code.as_deref(),
            Some("invalid_token")
        );
    }
}
