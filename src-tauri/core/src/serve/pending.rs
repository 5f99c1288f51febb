//! Why a contact has not been delivered automatically yet, and when it will go (seed 002's
//! troubleshooting list, PRODUCT.md step 3). The worker ([`super::worker`]) delivers exactly
//! the queued contacts whose reason is [`PendingReason::Queued`].

use chrono::{DateTime, Duration, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use ts_rs::TS;

use crate::contacts::{self, Contact, ConversationStatus};
use crate::mapping::document::Criteria;
use crate::mapping::MappingStore;
use crate::store::Store;
use crate::Result;

/// The reason, most blocking first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PendingReason {
    /// The last automated delivery failed: see the delivery log (a newer event re-queues it).
    Failed,
    /// "Integration On" is off in the mapping's criteria.
    IntegrationOff,
    /// The score is below the criteria's minimum (or the contact has none).
    BelowMinimumScore,
    /// The criteria wait for `conversation.completed`.
    ConversationOpen,
    /// The sync delay after the conversation closed has not passed (`dueAt` says when).
    WaitingForDelay,
    /// Due: the worker sends it on its next pass.
    Queued,
    /// Delivered, and no newer event is waiting.
    Delivered,
    /// Not received through the webhook (a file import): only a manual push sends it.
    NotQueued,
}

/// A contact's automated-delivery status.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PendingStatus {
    pub reason: PendingReason,
    /// One sentence for people.
    pub message: String,
    /// When it will go (for `waitingForDelay`, and `queued`: now).
    pub due_at: Option<DateTime<Utc>>,
    /// The failed automated delivery (for `failed`).
    #[ts(type = "number | null")]
    pub delivery_id: Option<i64>,
}

/// The contact's queue row, if it is in the automated-delivery queue.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueEntry {
    pub queued_at: DateTime<Utc>,
    pub failed_delivery_id: Option<i64>,
    pub failed_at: Option<DateTime<Utc>>,
}

impl QueueEntry {
    /// Failed since it was last queued: the worker leaves it to a person.
    pub fn is_failed(&self) -> bool {
        self.failed_at.is_some_and(|f| f >= self.queued_at)
    }
}

pub(crate) fn parse_ts(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The queue row of `email_key`.
pub fn queue_entry(conn: &rusqlite::Connection, email_key: &str) -> Result<Option<QueueEntry>> {
    let row: Option<(String, Option<i64>, Option<String>)> = conn
        .query_row(
            "SELECT queued_at, failed_delivery_id, failed_at FROM webhook_queue WHERE email_key = ?1",
            [email_key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(row.map(|(queued, id, failed)| QueueEntry {
        queued_at: parse_ts(&queued).unwrap_or_else(Utc::now),
        failed_delivery_id: id,
        failed_at: failed.as_deref().and_then(parse_ts),
    }))
}

/// Why `contact` is not delivered yet and when it will go, under `criteria` at `now`.
pub fn evaluate(
    contact: &Contact,
    queue: Option<&QueueEntry>,
    criteria: &Criteria,
    now: DateTime<Utc>,
) -> PendingStatus {
    let status = |reason, message: String, due_at| PendingStatus {
        reason,
        message,
        due_at,
        delivery_id: None,
    };
    let Some(queue) = queue else {
        return if contact.is_delivered() {
            status(
                PendingReason::Delivered,
                "Delivered to Salesforce; nothing is waiting.".into(),
                None,
            )
        } else {
            status(
                PendingReason::NotQueued,
                "Not received through the webhook: push it by hand to deliver it.".into(),
                None,
            )
        };
    };
    if queue.is_failed() {
        return PendingStatus {
            reason: PendingReason::Failed,
            message: format!(
                "The automated delivery failed: see delivery {} in the delivery log (retry it there; a newer event re-queues it).",
                queue.failed_delivery_id.unwrap_or_default()
            ),
            due_at: None,
            delivery_id: queue.failed_delivery_id,
        };
    }
    if !criteria.integration_on {
        return status(
            PendingReason::IntegrationOff,
            "Integration is off: turn it on in the mapping's delivery criteria.".into(),
            None,
        );
    }
    if !criteria
        .minimum_score
        .admits(contact.qualification_score, &criteria.star_bands)
    {
        let min = criteria
            .minimum_score
            .threshold(&criteria.star_bands)
            .unwrap_or_default();
        let score = contact
            .qualification_score
            .map_or_else(|| "no score".to_string(), |s| format!("score {s}"));
        return status(
            PendingReason::BelowMinimumScore,
            format!("Below the minimum score: {score}, the minimum is {min}."),
            None,
        );
    }
    let since = if criteria.require_conversation_closed {
        if contact.conversation_status == ConversationStatus::Open {
            return status(
                PendingReason::ConversationOpen,
                "The conversation is still open: it goes once conversation.completed arrives (plus the sync delay).".into(),
                None,
            );
        }
        contact.closed_at.unwrap_or(queue.queued_at)
    } else {
        contact.qualified_at.unwrap_or(contact.received_at)
    };
    let due = since + Duration::minutes(i64::from(criteria.sync_delay_minutes));
    if due > now {
        return status(
            PendingReason::WaitingForDelay,
            format!(
                "Waiting for the {}-minute sync delay: it goes at {}.",
                criteria.sync_delay_minutes,
                due.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ),
            Some(due),
        );
    }
    status(
        PendingReason::Queued,
        "Queued: the receiver's worker sends it on its next pass.".into(),
        Some(now.max(due)),
    )
}

/// [`evaluate`] for the contact with `email`, with the stored criteria and queue.
pub fn pending_reason(store: &Store, email: &str) -> Result<PendingStatus> {
    let contact = contacts::store::get_by_email(store, email)?.ok_or_else(|| {
        crate::Error::new(
            crate::ErrorCode::NotFound,
            format!("no contact with email {email}"),
        )
        .field("email")
    })?;
    let criteria = MappingStore::new(store).current()?.document.criteria;
    let queue = queue_entry(&store.conn(), &contact.email_key)?;
    Ok(evaluate(&contact, queue.as_ref(), &criteria, Utc::now()))
}
