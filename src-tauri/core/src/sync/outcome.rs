//! What a push reports: one [`SyncResult`] per contact (the `sync --json` line, a contract:
//! keep the keys), progress while it runs, and the whole [`SyncReport`].

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How a contact's delivery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ResultStatus {
    Succeeded,
    Failed,
    Skipped,
}

/// `error` of a result: why it failed, or why it was skipped (`CONTACT_EXISTS`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ResultError {
    /// Salesforce's `errorCode` when Salesforce refused (`STRING_TOO_LONG`,
    /// `UNABLE_TO_LOCK_ROW`, ...), else Leadbridge's (`CONTACT_EXISTS`, `NETWORK`, ...).
    pub code: String,
    pub message: String,
}

/// One contact's outcome: the `sync --json` line
/// `{"email","status","action","object","id","ownerId","ownerReason","opportunityId",
/// "campaignMemberId","error","deliveryId","attempts"}`. `action` is what the plan did or
/// tried to do (`created`, `updated`, `unchanged`, `skipped`); with `status: failed` it did
/// not happen (or only partly: `id` then names the record that was written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncResult {
    pub email: String,
    pub status: ResultStatus,
    pub action: String,
    /// `Lead` or `Contact`.
    pub object: String,
    /// The Lead or Contact written or found.
    pub id: Option<String>,
    pub owner_id: Option<String>,
    pub owner_reason: Option<String>,
    pub opportunity_id: Option<String>,
    pub campaign_member_id: Option<String>,
    pub error: Option<ResultError>,
    #[ts(type = "number | null")]
    pub delivery_id: Option<i64>,
    /// HTTP attempts made for the delivery (retries and follow-up records included).
    pub attempts: u32,
}

/// A delivery left pending because the push was cancelled: it resumes with the next push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PendingDelivery {
    pub email: String,
    #[ts(type = "number")]
    pub delivery_id: i64,
}

/// Where a push stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncProgress {
    /// Contacts in the push.
    pub total: u32,
    /// Contacts whose delivery is finished.
    pub done: u32,
    pub succeeded: u32,
    pub failed: u32,
    pub skipped: u32,
    /// The write phase running (1: Leads/Contacts/Accounts, 2: campaign members and
    /// Opportunities, 3: contact roles); 0 before the first.
    pub phase: u8,
    /// API calls the push has made so far.
    #[ts(type = "number")]
    pub api_calls: u64,
    /// The Bulk API 2.0 jobs of a bulk push: stage and counts (None on the REST path).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub bulk: Option<super::bulk::BulkProgress>,
}

/// Called after every Composite call and when the push ends.
pub type ProgressFn = Arc<dyn Fn(&SyncProgress) + Send + Sync>;

/// A finished (or cancelled) push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncReport {
    /// The delivery-log batch of this push (None when there was nothing to deliver).
    #[ts(type = "number | null")]
    pub batch_id: Option<i64>,
    /// Finished contacts, in plan order.
    pub results: Vec<SyncResult>,
    /// Deliveries left pending by a cancellation.
    pub pending: Vec<PendingDelivery>,
    pub cancelled: bool,
    /// API calls the writes used.
    #[ts(type = "number")]
    pub api_calls: u64,
    /// API calls the look-ups before planning used.
    #[ts(type = "number")]
    pub lookup_calls: u64,
}

impl SyncReport {
    pub fn count(&self, status: ResultStatus) -> usize {
        self.results.iter().filter(|r| r.status == status).count()
    }

    /// Whether everything was delivered (nothing failed, nothing left pending).
    pub fn all_delivered(&self) -> bool {
        self.count(ResultStatus::Failed) == 0 && self.pending.is_empty()
    }
}
