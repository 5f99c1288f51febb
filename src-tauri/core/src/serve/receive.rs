//! One webhook request, from raw bytes to a durable row: signature, event, and (in one
//! transaction) the `webhook_events` row, the contact inbox change and the delivery queue.
//! Any refusal stores nothing and says why; the HTTP layer ([`super::server`]) only maps the
//! result to a status.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::contacts::event::{Event, EventKind};
use crate::contacts::store::{apply_event, ts, ApplyError, ApplyOutcome};
use crate::mapping::document::{MappingDocument, TaskEventKind};
use crate::mapping::MappingStore;
use crate::store::Store;
use crate::webhook::{parse_event, verify_signature, EventError, SignatureError};
use crate::{Error, Result};

/// Why a request was refused: the HTTP status and a reason safe to send back (it never
/// contains the secret or the expected digest).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Rejection {
    pub status: u16,
    /// `UNSIGNED`, `BAD_SIGNATURE`, `TOO_LARGE`, `MALFORMED`, `UNKNOWN_EVENT`, `INVALID_EVENT`.
    pub code: String,
    pub reason: String,
}

impl Rejection {
    pub fn new(status: u16, code: &str, reason: impl Into<String>) -> Rejection {
        Rejection {
            status,
            code: code.to_string(),
            reason: reason.into(),
        }
    }

    pub fn too_large(limit: usize) -> Rejection {
        Rejection::new(
            413,
            "TOO_LARGE",
            format!("the body is larger than the receiver's limit of {limit} bytes"),
        )
    }
}

impl From<SignatureError> for Rejection {
    fn from(e: SignatureError) -> Self {
        let code = match e {
            SignatureError::Missing => "UNSIGNED",
            _ => "BAD_SIGNATURE",
        };
        Rejection::new(401, code, e.to_string())
    }
}

impl From<EventError> for Rejection {
    fn from(e: EventError) -> Self {
        let (status, code) = match e {
            EventError::UnknownKind { .. } => (422, "UNKNOWN_EVENT"),
            EventError::Invalid { .. } => (422, "INVALID_EVENT"),
            _ => (400, "MALFORMED"),
        };
        Rejection::new(status, code, e.to_string())
    }
}

/// What happened to an accepted event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Receipt {
    #[ts(type = "number")]
    pub event_id: i64,
    /// `applied`, `parked` (its conversation's lead.qualified has not arrived yet) or
    /// `duplicate` (the same body was accepted before; stored once).
    pub state: String,
    /// Whether the event put a contact in the automated-delivery queue.
    pub queued: bool,
}

/// Checks and stores one request body. `signature` is the `X-Signature-256` value.
pub fn receive(
    store: &Store,
    secret: &[u8],
    raw_body: &[u8],
    signature: Option<&str>,
) -> std::result::Result<Receipt, ReceiveError> {
    verify_signature(secret, raw_body, signature).map_err(Rejection::from)?;
    let event = parse_event(raw_body).map_err(Rejection::from)?;
    // The body is valid UTF-8 JSON once parsed.
    let body = std::str::from_utf8(raw_body).map_err(|_| Error::internal("checked UTF-8"))?;
    Ok(store_event(store, &event, body, Utc::now())?)
}

/// Either the sender's mistake (4xx) or ours (5xx: the sender should retry).
#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    #[error("{}", .0.reason)]
    Rejected(Rejection),
    #[error(transparent)]
    Store(#[from] Error),
}

impl From<Rejection> for ReceiveError {
    fn from(r: Rejection) -> Self {
        ReceiveError::Rejected(r)
    }
}

/// Stores an accepted event in one transaction: the event row, its effect on the inbox, the
/// delivery queue, and any parked events it unblocks.
pub fn store_event(
    store: &Store,
    event: &Event,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Receipt> {
    let digest: String = Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let doc = MappingStore::new(store).current()?.document;
    store.transaction(|tx| {
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM webhook_events WHERE body_sha256 = ?1",
                [&digest],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = existing {
            return Ok(Receipt {
                event_id: id,
                state: "duplicate".into(),
                queued: false,
            });
        }
        let (state, email_key, queued) = apply(tx, event, now)?;
        tx.execute(
            "INSERT INTO webhook_events (received_at, kind, occurred_at, conversation_id, body_sha256, body, \
               state, email_key, task_state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                ts(now),
                event.kind.as_str(),
                event.timestamp.map(ts),
                event.conversation_id,
                digest,
                body,
                state,
                email_key,
                task_state(&doc, event.kind, state),
            ],
        )?;
        let event_id = tx.last_insert_rowid();
        if state == "applied" && event.kind == EventKind::LeadQualified {
            replay_parked(tx, &doc, now)?;
        }
        Ok(Receipt {
            event_id,
            state: state.into(),
            queued,
        })
    })
}

fn task_state(doc: &MappingDocument, kind: EventKind, state: &str) -> &'static str {
    let wanted = doc
        .tasks
        .event_kinds
        .iter()
        .any(|k: &TaskEventKind| k.as_str() == kind.as_str());
    if wanted && state == "applied" {
        "pending"
    } else {
        "none"
    }
}

/// Applies the event to the inbox; queues the contacts whose delivery it concerns.
fn apply(
    tx: &rusqlite::Connection,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<(&'static str, Option<String>, bool)> {
    match apply_event(tx, event, now) {
        Ok(applied) => {
            // A qualified lead (new or changed) or a closed conversation may make a delivery due;
            // a kept event only needs its Task (task_state), which the worker logs once the
            // contact has a Salesforce record.
            let queue = matches!(
                applied.outcome,
                ApplyOutcome::Created | ApplyOutcome::Updated | ApplyOutcome::Closed
            );
            if queue {
                for key in &applied.email_keys {
                    enqueue(tx, key, now)?;
                }
            }
            Ok(("applied", applied.email_keys.first().cloned(), queue))
        }
        Err(ApplyError::NoMatch(why)) => {
            tracing::info!(kind = event.kind.as_str(), field = %why.field, "webhook event parked until its conversation is known");
            Ok(("parked", None, false))
        }
        Err(ApplyError::Store(e)) => Err(e),
    }
}

/// Puts a contact in the automated-delivery queue (again): a newer event re-queues it.
pub(crate) fn enqueue(
    tx: &rusqlite::Connection,
    email_key: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO webhook_queue (email_key, queued_at) VALUES (?1, ?2) \
         ON CONFLICT (email_key) DO UPDATE SET queued_at = excluded.queued_at",
        params![email_key, ts(now)],
    )?;
    Ok(())
}

/// Re-applies parked events now that another lead.qualified arrived; those that match are
/// applied (and queued), the rest stay parked.
fn replay_parked(
    tx: &rusqlite::Connection,
    doc: &MappingDocument,
    now: DateTime<Utc>,
) -> Result<()> {
    let parked: Vec<(i64, String)> = {
        let mut stmt =
            tx.prepare("SELECT id, body FROM webhook_events WHERE state = 'parked' ORDER BY id")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (id, body) in parked {
        let Ok(event) = parse_event(body.as_bytes()) else {
            continue;
        };
        let (state, email_key, _) = apply(tx, &event, now)?;
        if state == "applied" {
            tx.execute(
                "UPDATE webhook_events SET state = 'applied', email_key = ?2, task_state = ?3 WHERE id = ?1",
                params![id, email_key, task_state(doc, event.kind, state)],
            )?;
        }
    }
    Ok(())
}
