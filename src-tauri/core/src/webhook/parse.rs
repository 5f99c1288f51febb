//! Parsing a webhook body into an [`Event`], with the same validation as a file import.

use crate::contacts::event::{unknown_kind_message, Event, EventKind, FieldError, ParseOptions};
use crate::Error;

/// Largest body the receiver should read (1 MiB); a seed-003 event is a few hundred bytes.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// Why a body is not an acceptable event. Nothing is stored for any of these.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EventError {
    #[error("the body is empty")]
    Empty,
    #[error("the body is not valid UTF-8 (invalid byte at offset {offset})")]
    NotUtf8 { offset: usize },
    #[error("the body is not valid JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}", unknown_kind_message(.kind))]
    UnknownKind { kind: String },
    #[error("invalid event: {}", summary(.errors))]
    Invalid { errors: Vec<FieldError> },
}

fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| {
            if e.field.is_empty() {
                e.message.clone()
            } else {
                format!("{}: {}", e.field, e.message)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl From<EventError> for Error {
    fn from(e: EventError) -> Self {
        let message = e.to_string();
        match e {
            EventError::Json { line, column, .. } => Error::invalid_input(message)
                .at_line(line as u64)
                .detail(|d| d.column = Some(column as u64)),
            EventError::UnknownKind { .. } => Error::invalid_input(message).field("event"),
            EventError::Invalid { errors } => errors
                .into_iter()
                .filter(|f| !f.field.is_empty())
                .fold(Error::invalid_input(message), |err, f| err.field(f.field)),
            EventError::Empty | EventError::NotUtf8 { .. } => Error::invalid_input(message),
        }
    }
}

/// Parses a raw webhook body (both seed shapes, all five seed-003 event kinds). The caller
/// has already checked the size and the signature.
pub fn parse_event(raw_body: &[u8]) -> Result<Event, EventError> {
    let text = std::str::from_utf8(raw_body).map_err(|e| EventError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    if text.trim().is_empty() {
        return Err(EventError::Empty);
    }
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        let message = full.strip_suffix(&suffix).unwrap_or(&full).to_string();
        EventError::Json {
            line: e.line(),
            column: e.column(),
            message,
        }
    })?;
    if let Some(kind) = value.get("event").and_then(|v| v.as_str()) {
        if EventKind::parse(kind.trim()).is_none() {
            return Err(EventError::UnknownKind {
                kind: kind.to_string(),
            });
        }
    }
    Event::from_value(&value, ParseOptions::JSON).map_err(|errors| EventError::Invalid { errors })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contacts::event::EventBody;

    #[test]
    fn parses_every_seed_003_kind_and_seed_000_lead() {
        for kind in EventKind::ALL {
            let data = if kind == EventKind::LeadQualified {
                r#"{"email":"v@example.com"}"#
            } else {
                r#"{"reason":"x"}"#
            };
            let body = format!(
                r#"{{"event":"{}","timestamp":"2026-04-05T14:30:00Z","workspaceId":"ws_abc123","conversationId":"conv_xyz789","data":{data},"signature":"sha256=..."}}"#,
                kind.as_str()
            );
            let event = parse_event(body.as_bytes()).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
            assert_eq!(event.kind, kind);
            assert_eq!(event.conversation_id.as_deref(), Some("conv_xyz789"));
        }
        let seed000 = br#"{"event":"lead.qualified","timestamp":"2026-04-05T14:30:00Z","lead":{"email":"prospect@company.com","qualificationScore":87}}"#;
        let event = parse_event(seed000).unwrap();
        assert!(matches!(event.body, EventBody::Lead(ref l) if l.email == "prospect@company.com"));
    }

    #[test]
    fn unknown_kind_is_its_own_error() {
        let err = parse_event(
            br#"{"event":"lead.deleted","timestamp":"2026-04-05T14:30:00Z","data":{}}"#,
        )
        .unwrap_err();
        assert_eq!(
            err,
            EventError::UnknownKind {
                kind: "lead.deleted".into()
            }
        );
        assert!(err.to_string().contains("expected one of lead.qualified"));
        assert_eq!(Error::from(err).details.unwrap().fields, ["event"]);
    }

    #[test]
    fn bad_bodies() {
        assert_eq!(parse_event(b"  ").unwrap_err(), EventError::Empty);
        assert_eq!(
            parse_event(b"{\"event\":\"\xff\"}").unwrap_err(),
            EventError::NotUtf8 { offset: 10 }
        );
        match parse_event(b"{\"event\":\n  \"lead.qualified\",}").unwrap_err() {
            EventError::Json { line, column, .. } => assert_eq!((line, column), (2, 20)),
            other => panic!("{other:?}"),
        }
        match parse_event(br#"{"event":"lead.qualified","timestamp":"2026-04-05T14:30:00Z","lead":{"email":"bad"}}"#)
            .unwrap_err()
        {
            EventError::Invalid { errors } => assert_eq!(errors[0].field, "lead.email"),
            other => panic!("{other:?}"),
        }
        let err: Error = parse_event(b"[1]").unwrap_err().into();
        assert!(
            err.message
                .contains("expected an event object, got an array"),
            "{}",
            err.message
        );
    }
}
