//! The delivery log's types. Everything that crosses to the UI is camelCase and exported to
//! TypeScript; times are `DateTime<Utc>` in Rust and RFC 3339 strings with milliseconds on the
//! wire (stored as unix milliseconds).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Error, Result};

/// A closed set of values stored as text: serde, SQLite and argument parsing all use the same
/// spelling, and an unknown value names itself and the allowed ones.
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident as $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        #[ts(export)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }

            /// The allowed spellings, for error messages and help text.
            pub fn allowed() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl FromStr for $name {
            type Err = Error;

            /// Exact spellings, and any ASCII case of them (`FAILED`, `lead`) for people typing.
            fn from_str(text: &str) -> Result<Self> {
                match text {
                    $( $text => Ok($name::$variant), )+
                    other => Self::ALL
                        .iter()
                        .copied()
                        .find(|v| v.as_str().eq_ignore_ascii_case(other.trim()))
                        .ok_or_else(|| {
                            Error::invalid_input(format!(
                                "unknown {} '{}'; expected one of: {}",
                                $what,
                                other,
                                Self::allowed()
                            ))
                            .field($what)
                        }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                text.parse().map_err(|e: Error| FromSqlError::Other(Box::new(e)))
            }
        }
    };
}

text_enum! {
    /// What started a delivery.
    pub enum DeliveryTrigger as "trigger" {
        /// Someone pushed contacts by hand (app or `sync`).
        Manual = "manual",
        /// An automated delivery of a contact received through the webhook.
        Webhook = "webhook",
        /// A retry of a failed delivery (`retry_of` names it).
        Retry = "retry",
    }
}

text_enum! {
    /// The Salesforce object a delivery writes.
    pub enum DeliveryObject as "object" {
        Lead = "Lead",
        Contact = "Contact",
        Account = "Account",
        Opportunity = "Opportunity",
        CampaignMember = "CampaignMember",
        Task = "Task",
    }
}

text_enum! {
    /// What the plan said to do with the record.
    pub enum PlannedAction as "action" {
        Create = "create",
        Update = "update",
        /// The record already holds these values; nothing to send.
        Unchanged = "unchanged",
        /// Deliberately not written (e.g. a Contact with that email exists).
        Skipped = "skipped",
    }
}

text_enum! {
    /// Where a delivery stands.
    pub enum DeliveryStatus as "status" {
        /// Logged, no call out right now (not started yet, or waiting to retry).
        Pending = "pending",
        /// An attempt was written and its outcome is not yet known.
        InFlight = "in_flight",
        Succeeded = "succeeded",
        Failed = "failed",
        Skipped = "skipped",
        /// A failure that needs no more attention: a person marked it, or a retry took it over.
        Resolved = "resolved",
    }
}

impl DeliveryStatus {
    /// Pending and in-flight deliveries are not finished; a resume must look at them.
    pub fn is_open(self) -> bool {
        matches!(self, DeliveryStatus::Pending | DeliveryStatus::InFlight)
    }
}

text_enum! {
    /// How one attempt (one HTTP call for a delivery) ended.
    pub enum AttemptOutcome as "outcome" {
        /// Written before the call and never completed (the process stopped mid-call):
        /// the record may or may not exist, so a resume re-checks Salesforce before re-sending.
        Unknown = "unknown",
        /// Salesforce accepted the request but the record's result comes later (a Bulk API 2.0
        /// job): a resume polls for the result instead of re-sending.
        Sent = "sent",
        Succeeded = "succeeded",
        /// Worth another attempt: 5xx, 429, UNABLE_TO_LOCK_ROW, timeouts, connection errors.
        FailedTransient = "failed_transient",
        /// Trying again will not help: validation errors and the like.
        FailedPermanent = "failed_permanent",
    }
}

impl AttemptOutcome {
    /// The attempt still waits for its result.
    pub fn is_open(self) -> bool {
        matches!(self, AttemptOutcome::Unknown | AttemptOutcome::Sent)
    }
}

text_enum! {
    /// The final status a delivery can be finished with.
    pub enum FinishedStatus as "finished status" {
        Succeeded = "succeeded",
        Failed = "failed",
        Skipped = "skipped",
    }
}

impl From<FinishedStatus> for DeliveryStatus {
    fn from(s: FinishedStatus) -> Self {
        match s {
            FinishedStatus::Succeeded => DeliveryStatus::Succeeded,
            FinishedStatus::Failed => DeliveryStatus::Failed,
            FinishedStatus::Skipped => DeliveryStatus::Skipped,
        }
    }
}

text_enum! {
    /// The column the log is ordered by. Ties are broken by creation time, then id, in the
    /// same direction, so every order is total and stable across pages.
    pub enum SortField as "sort" {
        CreatedAt = "createdAt",
        Status = "status",
        Email = "email",
        Object = "object",
    }
}

text_enum! {
    /// Width of one bar in the deliveries-over-time chart (UTC hours or days).
    pub enum StatsBucket as "bucket" {
        Hour = "hour",
        Day = "day",
    }
}

/// Identifies a delivery; shown to people as the delivery id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export, type = "number")]
pub struct DeliveryId(pub i64);

/// Identifies one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export, type = "number")]
pub struct AttemptId(pub i64);

/// Identifies one push (all the deliveries one sync run, webhook drain or retry run made).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export, type = "number")]
pub struct BatchId(pub i64);

macro_rules! id_display {
    ($($t:ty),+) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )+};
}
id_display!(DeliveryId, AttemptId, BatchId);

/// A delivery about to be sent; [`super::begin_delivery`] logs it as pending.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewDelivery {
    pub batch_id: BatchId,
    pub trigger: DeliveryTrigger,
    /// The failed delivery this one retries; required exactly when `trigger` is `retry`.
    #[serde(default)]
    pub retry_of: Option<DeliveryId>,
    /// The contact's email as given (the lowercase form is derived for search and sorting).
    pub email: String,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
    pub object: DeliveryObject,
    pub action: PlannedAction,
    /// The existing record an update targets, when known at plan time.
    #[serde(default)]
    pub salesforce_id: Option<String>,
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Which owner strategy chose `owner_id` (e.g. `meeting_scheduler`).
    #[serde(default)]
    pub owner_reason: Option<String>,
    /// The planned field values Leadbridge wants to write.
    pub payload: serde_json::Value,
}

impl NewDelivery {
    /// A retry of `original`: the same contact, object, plan and payload, in `batch_id`.
    /// The caller may re-plan the payload before logging it. Fails when the stored payload is
    /// not JSON any more (it was cut at the size cap): such a contact must be re-planned.
    pub fn retry_of(original: &DeliveryDetail, batch_id: BatchId) -> Result<NewDelivery> {
        let d = &original.delivery;
        let payload = serde_json::from_str(&original.payload).map_err(|e| {
            Error::new(
                crate::ErrorCode::InvalidInput,
                format!(
                    "the stored payload of delivery {} cannot be re-sent as it is ({e}); plan the contact again",
                    d.id
                ),
            )
        })?;
        Ok(NewDelivery {
            batch_id,
            trigger: DeliveryTrigger::Retry,
            retry_of: Some(d.id),
            email: d.email.clone(),
            contact_name: d.contact_name.clone(),
            company: d.company.clone(),
            object: d.object,
            action: d.action,
            salesforce_id: d.salesforce_id.clone(),
            owner_id: d.owner_id.clone(),
            owner_reason: d.owner_reason.clone(),
            payload,
        })
    }
}

/// The HTTP call an attempt is about to make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AttemptRequest {
    /// `GET`, `POST`, `PATCH`, ...
    pub method: String,
    /// The path (a full URL is accepted: its scheme and host are dropped, and secrets in the
    /// query string are redacted).
    pub path: String,
    /// This delivery's part of the request body (for a batched call: its record).
    #[serde(default)]
    pub body: Option<String>,
}

/// What Salesforce (or the network) said about one attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AttemptError {
    /// Salesforce's `errorCode`, when it sent one.
    #[serde(default)]
    pub code: Option<String>,
    pub message: String,
    #[serde(default)]
    pub fields: Vec<String>,
}

/// How an attempt ended; [`super::finish_attempt`] records it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AttemptResult {
    /// Anything but `unknown`.
    pub outcome: AttemptOutcome,
    #[serde(default)]
    pub response_status: Option<u16>,
    /// This delivery's part of the response body.
    #[serde(default)]
    pub response_body: Option<String>,
    #[serde(default)]
    pub error: Option<AttemptError>,
    /// The `Sforce-Limit-Info` header value, e.g. `api-usage=18/15000`.
    #[serde(default)]
    pub api_usage: Option<String>,
}

/// Why a delivery failed or was skipped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeliveryError {
    /// The code the log filters on: Salesforce's `errorCode` when it sent one, else
    /// Leadbridge's (`NETWORK`, `CONTACT_EXISTS`, ...).
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub http_status: Option<u16>,
    /// Salesforce's own `errorCode`, when the failure came from Salesforce.
    #[serde(default)]
    pub salesforce_code: Option<String>,
}

/// How a delivery ended; [`super::finish_delivery`] records it. `None` fields keep what was
/// logged when the delivery began.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeliveryOutcome {
    pub status: FinishedStatus,
    /// What was actually done, when it differs from the plan (e.g. a resume found the record
    /// already created).
    #[serde(default)]
    pub action: Option<PlannedAction>,
    #[serde(default)]
    pub salesforce_id: Option<String>,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub owner_reason: Option<String>,
    #[serde(default)]
    pub opportunity_id: Option<String>,
    #[serde(default)]
    pub campaign_member_id: Option<String>,
    /// Required for `failed`, optional for `skipped` (the reason), absent for `succeeded`.
    #[serde(default)]
    pub error: Option<DeliveryError>,
}

impl DeliveryOutcome {
    /// A bare outcome with nothing else to record.
    pub fn new(status: FinishedStatus) -> DeliveryOutcome {
        DeliveryOutcome {
            status,
            action: None,
            salesforce_id: None,
            owner_id: None,
            owner_reason: None,
            opportunity_id: None,
            campaign_member_id: None,
            error: None,
        }
    }
}

/// One row of the delivery log (without its payload and attempts: see [`DeliveryDetail`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Delivery {
    pub id: DeliveryId,
    pub batch_id: BatchId,
    pub trigger: DeliveryTrigger,
    pub retry_of: Option<DeliveryId>,
    pub email: String,
    pub contact_name: Option<String>,
    pub company: Option<String>,
    pub object: DeliveryObject,
    pub action: PlannedAction,
    pub status: DeliveryStatus,
    pub salesforce_id: Option<String>,
    pub owner_id: Option<String>,
    pub owner_reason: Option<String>,
    pub opportunity_id: Option<String>,
    pub campaign_member_id: Option<String>,
    pub error: Option<DeliveryError>,
    /// How many attempts (HTTP calls) were made for it.
    pub attempts: u32,
    #[serde(with = "super::time::rfc3339")]
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    #[serde(with = "super::time::rfc3339")]
    #[ts(type = "string")]
    pub updated_at: DateTime<Utc>,
    #[serde(with = "super::time::rfc3339_opt")]
    #[ts(type = "string | null")]
    pub finished_at: Option<DateTime<Utc>>,
}

/// One attempt in a delivery's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Attempt {
    pub id: AttemptId,
    pub delivery_id: DeliveryId,
    /// 1 for the first attempt.
    pub attempt: u32,
    #[serde(with = "super::time::rfc3339")]
    #[ts(type = "string")]
    pub started_at: DateTime<Utc>,
    #[serde(with = "super::time::rfc3339_opt")]
    #[ts(type = "string | null")]
    pub finished_at: Option<DateTime<Utc>>,
    #[ts(type = "number | null")]
    pub duration_ms: Option<u64>,
    pub method: String,
    pub path: String,
    pub request_body: Option<String>,
    pub response_status: Option<u16>,
    pub response_body: Option<String>,
    pub error: Option<AttemptError>,
    pub outcome: AttemptOutcome,
    pub api_usage: Option<String>,
}

/// A delivery with everything: the planned payload, the attempt timeline, and the retries made
/// of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeliveryDetail {
    pub delivery: Delivery,
    /// The planned field values as stored: JSON text, redacted, and cut with a
    /// "…truncated N bytes" marker when larger than the cap.
    pub payload: String,
    /// Oldest first.
    pub attempts: Vec<Attempt>,
    /// Deliveries that retried this one, oldest first.
    pub retried_by: Vec<DeliveryId>,
}

impl DeliveryDetail {
    /// Attempts still waiting for their result (what a resume must re-check or poll).
    pub fn open_attempts(&self) -> impl Iterator<Item = &Attempt> {
        self.attempts.iter().filter(|a| a.outcome.is_open())
    }
}

/// Filters, order and window for the log. Every field is optional: `{}` is the newest 100.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct DeliveryQuery {
    /// Any of these statuses (empty: all).
    #[ts(as = "Option<Vec<DeliveryStatus>>", optional)]
    pub status: Vec<DeliveryStatus>,
    /// Any of these objects (empty: all).
    #[ts(as = "Option<Vec<DeliveryObject>>", optional)]
    pub object: Vec<DeliveryObject>,
    /// The delivery's error code, exactly.
    #[ts(optional)]
    pub error_code: Option<String>,
    #[ts(optional)]
    pub trigger: Option<DeliveryTrigger>,
    #[ts(optional)]
    pub batch_id: Option<BatchId>,
    /// Created at or after this instant.
    #[serde(with = "super::time::rfc3339_opt")]
    #[ts(type = "string", optional)]
    pub created_from: Option<DateTime<Utc>>,
    /// Created before this instant.
    #[serde(with = "super::time::rfc3339_opt")]
    #[ts(type = "string", optional)]
    pub created_to: Option<DateTime<Utc>>,
    /// Words that must each start a word of the email, contact name or company
    /// (`jane acme` finds jane.doe@acme.com).
    #[ts(optional)]
    pub search: Option<String>,
    /// Default `createdAt`.
    #[ts(optional)]
    pub sort: Option<SortField>,
    /// Default true (newest first).
    #[ts(optional)]
    pub descending: Option<bool>,
    #[ts(type = "number", optional)]
    pub offset: Option<u64>,
    /// Rows wanted. `list` defaults to 100 and allows at most 1000; streaming reads
    /// (`export_csv`, `for_each`) read every match when absent.
    #[ts(optional)]
    pub limit: Option<u32>,
}

/// One window of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeliveryPage {
    #[ts(type = "number")]
    pub offset: u64,
    pub rows: Vec<Delivery>,
    /// More rows match after this window.
    pub has_more: bool,
}

/// One window of the log with the number of matches, for the app's table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeliveryListing {
    #[ts(type = "number")]
    pub offset: u64,
    pub rows: Vec<Delivery>,
    pub has_more: bool,
    /// Deliveries matching the filters; counted for the first window only (offset 0), which
    /// is where a table starts over, so scrolling pays for the rows alone.
    #[ts(type = "number | null")]
    pub total: Option<u64>,
}

/// One bar of the deliveries-over-time chart: finished deliveries created in the bucket, by
/// outcome (a resolved failure still counts as a failure).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StatsPoint {
    #[serde(with = "super::time::rfc3339")]
    #[ts(type = "string")]
    pub bucket_start: DateTime<Utc>,
    #[ts(type = "number")]
    pub succeeded: u64,
    #[ts(type = "number")]
    pub failed: u64,
    #[ts(type = "number")]
    pub skipped: u64,
}

/// An error code present in the log and how many deliveries carry it (for the filter menu).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ErrorCodeCount {
    pub code: String,
    #[ts(type = "number")]
    pub count: u64,
}

/// The delivery log's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeliverySettings {
    /// Finished deliveries older than this many days are pruned; 0 keeps them forever.
    /// Unresolved failures are always kept.
    pub retention_days: u32,
}

/// What one prune removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PruneReport {
    #[ts(type = "number")]
    pub deliveries: u64,
    #[ts(type = "number")]
    pub attempts: u64,
    #[ts(type = "number")]
    pub batches: u64,
}
