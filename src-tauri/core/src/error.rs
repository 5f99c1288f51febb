//! The one error type that crosses every boundary: Tauri IPC, the CLI, logs.
//! It carries a stable machine-readable `code` (the UI and scripts branch on it, never on
//! the message), a human `message`, and optional structured details.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Stable error codes. Add one only when a consumer needs to tell it apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum ErrorCode {
    /// The data directory is missing, not a directory, or not writable.
    DataDir,
    /// SQLite failed, or the database is newer than this build.
    Database,
    /// A local file could not be read or written.
    Io,
    /// Bad input from the user: a file, an argument, a form field.
    InvalidInput,
    /// The thing asked for does not exist.
    NotFound,
    /// No Salesforce org is connected (or the profile named does not exist).
    NotConnected,
    /// The OAuth flow failed (state mismatch, access denied, timeout, bad grant).
    Oauth,
    /// The OS keyring is unavailable or refused the operation.
    Keyring,
    /// Salesforce answered with an error; `details.salesforceCode` says which.
    Salesforce,
    /// Salesforce (or the login host) could not be reached.
    Network,
    /// The SOQL console refused a statement before sending it.
    SoqlRefused,
    /// The connected Salesforce user lacks a permission the action needs.
    PermissionDenied,
    /// The user cancelled a long operation.
    Cancelled,
    /// A bug: something that should not happen.
    Internal,
}

impl ErrorCode {
    /// The code as it appears on the wire and in CLI output.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::DataDir => "DATA_DIR",
            ErrorCode::Database => "DATABASE",
            ErrorCode::Io => "IO",
            ErrorCode::InvalidInput => "INVALID_INPUT",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::NotConnected => "NOT_CONNECTED",
            ErrorCode::Oauth => "OAUTH",
            ErrorCode::Keyring => "KEYRING",
            ErrorCode::Salesforce => "SALESFORCE",
            ErrorCode::Network => "NETWORK",
            ErrorCode::SoqlRefused => "SOQL_REFUSED",
            ErrorCode::PermissionDenied => "PERMISSION_DENIED",
            ErrorCode::Cancelled => "CANCELLED",
            ErrorCode::Internal => "INTERNAL",
        }
    }
}

/// Structured context for an error: where in the input, or what Salesforce said.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ErrorDetails {
    /// Salesforce's `errorCode` (e.g. `REQUIRED_FIELD_MISSING`) or OAuth `error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub salesforce_code: Option<String>,
    /// The fields involved (Salesforce's `fields`, or the input field at fault).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub fields: Vec<String>,
    /// 1-based line of the input at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub line: Option<u64>,
    /// 1-based column or byte offset within the line or statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub column: Option<u64>,
    /// HTTP status of the failed call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub http_status: Option<u16>,
    /// Whether trying again later can succeed (transient failure).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    #[ts(as = "Option<bool>", optional)]
    pub retryable: bool,
    /// Seconds the server asked us to wait before retrying (its `Retry-After` header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub retry_after_secs: Option<u32>,
}

impl ErrorDetails {
    fn is_empty(&self) -> bool {
        self == &ErrorDetails::default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // Boxed so `Result<T, Error>` stays small on the happy path.
    #[ts(optional)]
    pub details: Option<Box<ErrorDetails>>,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            details: None,
        }
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::InvalidInput, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Internal, message)
    }

    /// Attaches details; empty details are dropped so the wire form stays small.
    pub fn with_details(mut self, details: ErrorDetails) -> Self {
        self.details = (!details.is_empty()).then(|| Box::new(details));
        self
    }

    /// Edits the details in place, creating them when absent.
    pub fn detail(mut self, edit: impl FnOnce(&mut ErrorDetails)) -> Self {
        let mut details = self.details.take().map(|d| *d).unwrap_or_default();
        edit(&mut details);
        self.with_details(details)
    }

    pub fn at_line(self, line: u64) -> Self {
        self.detail(|d| d.line = Some(line))
    }

    pub fn field(self, field: impl Into<String>) -> Self {
        let field = field.into();
        self.detail(|d| d.fields.push(field))
    }

    /// Errors caused by the user's input; the CLI exits 2 for these.
    pub fn is_usage(&self) -> bool {
        matches!(self.code, ErrorCode::InvalidInput | ErrorCode::SoqlRefused)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as Sqlite;
        // The failures a user can act on get a message saying what to do; SQLite's own words
        // ("database is locked", "database or disk is full") do not say that nothing was
        // written, and every write here runs in a transaction that was rolled back.
        let plain = match &e {
            rusqlite::Error::SqliteFailure(f, _) => match f.code {
                Sqlite::DatabaseBusy | Sqlite::DatabaseLocked => Some((
                    "the database is busy: another Leadbridge process (the app or a `leadbridge` \
                     command) kept it locked for more than 5 seconds. Nothing was changed; try \
                     again when it has finished",
                    true,
                )),
                Sqlite::DiskFull => Some((
                    "the disk holding the Leadbridge database is full. Nothing was changed; free \
                     some space and try again",
                    false,
                )),
                Sqlite::ReadOnly => Some((
                    "the Leadbridge database is read-only (check the permissions of the data \
                     directory and leadbridge.db). Nothing was changed",
                    false,
                )),
                _ => None,
            },
            _ => None,
        };
        match plain {
            Some((message, retryable)) => {
                Error::new(ErrorCode::Database, message).detail(|d| d.retryable = retryable)
            }
            None => Error::new(ErrorCode::Database, format!("database error: {e}")),
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::internal(format!("JSON encoding failed: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_with_stable_code_and_without_empty_details() {
        let e = Error::invalid_input("bad email").with_details(ErrorDetails::default());
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "INVALID_INPUT", "message": "bad email"})
        );
    }

    #[test]
    fn details_carry_line_and_field() {
        let e = Error::invalid_input("not an email")
            .at_line(3)
            .field("email");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json["details"],
            serde_json::json!({"fields": ["email"], "line": 3})
        );
        assert!(e.is_usage());
    }

    #[test]
    fn as_str_matches_serde() {
        for code in [
            ErrorCode::DataDir,
            ErrorCode::Oauth,
            ErrorCode::SoqlRefused,
            ErrorCode::PermissionDenied,
        ] {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::json!(code.as_str())
            );
        }
    }
}
