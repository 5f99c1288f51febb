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

/// Which part of a push is running.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SyncStage {
    /// Looking up what Salesforce holds and planning (no write yet).
    #[default]
    Planning,
    /// Writing; `phase` says which write phase.
    Writing,
    /// Over: `summary` says how it ended (cancelled or not).
    Finished,
    /// Stopped by an error before or while writing: `error` says why. Deliveries already
    /// logged stay in the log, and unfinished ones resume with the next push.
    Failed,
}

/// Where a push stands. The last report of a push run by [`super::ManualPush`] has stage
/// `finished` (with `summary`) or `failed` (with `error`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncProgress {
    pub stage: SyncStage,
    /// Contacts in the push (the plan's items); 0 while planning.
    pub total: u32,
    /// Contacts whose records have gone to Salesforce in this push (answered, whatever the
    /// answer).
    pub sent: u32,
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
    /// Set on the last report when the push ended.
    pub summary: Option<SyncSummary>,
    /// Set on the last report when the push stopped on an error.
    pub error: Option<crate::Error>,
    /// The Bulk API 2.0 jobs of a bulk push: stage and counts (None on the REST path).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub bulk: Option<super::bulk::BulkProgress>,
}

/// How many failed contacts a [`SyncSummary`] lists (all of them are in the delivery log).
pub const SUMMARY_FAILURES: usize = 50;

/// A push's outcome in counts: the app's result summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SyncSummary {
    /// The delivery-log batch (None when nothing was logged).
    #[ts(type = "number | null")]
    pub batch_id: Option<i64>,
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub skipped: u32,
    pub failed: u32,
    /// Deliveries left pending by a cancellation (the next push resumes them).
    pub pending: u32,
    pub cancelled: bool,
    /// API calls: the writes, and the look-ups before planning.
    #[ts(type = "number")]
    pub api_calls: u64,
    #[ts(type = "number")]
    pub lookup_calls: u64,
    /// The first [`SUMMARY_FAILURES`] failed contacts.
    pub failures: Vec<SyncResult>,
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

    /// The counts of the result summary. A succeeded contact counts by what was done to it
    /// (`created`, `updated`, `unchanged`).
    pub fn summary(&self) -> SyncSummary {
        let mut s = SyncSummary {
            batch_id: self.batch_id,
            pending: self.pending.len() as u32,
            cancelled: self.cancelled,
            api_calls: self.api_calls,
            lookup_calls: self.lookup_calls,
            ..SyncSummary::default()
        };
        for r in &self.results {
            match (r.status, r.action.as_str()) {
                (ResultStatus::Failed, _) => {
                    s.failed += 1;
                    if s.failures.len() < SUMMARY_FAILURES {
                        s.failures.push(r.clone());
                    }
                }
                (ResultStatus::Skipped, _) => s.skipped += 1,
                (ResultStatus::Succeeded, "created") => s.created += 1,
                (ResultStatus::Succeeded, "updated") => s.updated += 1,
                (ResultStatus::Succeeded, "skipped") => s.skipped += 1,
                (ResultStatus::Succeeded, _) => s.unchanged += 1,
            }
        }
        s
    }

    /// Whether everything was delivered (nothing failed, nothing left pending).
    pub fn all_delivered(&self) -> bool {
        self.count(ResultStatus::Failed) == 0 && self.pending.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(email: &str, status: ResultStatus, action: &str) -> SyncResult {
        SyncResult {
            email: email.into(),
            status,
            action: action.into(),
            object: "Lead".into(),
            id: None,
            owner_id: None,
            owner_reason: None,
            opportunity_id: None,
            campaign_member_id: None,
            error: (status == ResultStatus::Failed).then(|| ResultError {
                code: "STRING_TOO_LONG".into(),
                message: "too long".into(),
            }),
            delivery_id: Some(1),
            attempts: 1,
        }
    }

    #[test]
    fn the_summary_counts_succeeded_contacts_by_what_was_done() {
        let mut results = vec![
            result("a@x", ResultStatus::Succeeded, "created"),
            result("b@x", ResultStatus::Succeeded, "created"),
            result("c@x", ResultStatus::Succeeded, "updated"),
            result("d@x", ResultStatus::Succeeded, "unchanged"),
            result("e@x", ResultStatus::Skipped, "skipped"),
            // A failed create did not happen: it counts as failed, not created.
            result("f@x", ResultStatus::Failed, "created"),
        ];
        for i in 0..SUMMARY_FAILURES {
            results.push(result(&format!("g{i}@x"), ResultStatus::Failed, "updated"));
        }
        let report = SyncReport {
            batch_id: Some(3),
            results,
            pending: vec![PendingDelivery {
                email: "h@x".into(),
                delivery_id: 9,
            }],
            cancelled: true,
            api_calls: 4,
            lookup_calls: 2,
        };
        let s = report.summary();
        assert_eq!(
            (
                s.created,
                s.updated,
                s.unchanged,
                s.skipped,
                s.failed,
                s.pending
            ),
            (2, 1, 1, 1, 1 + SUMMARY_FAILURES as u32, 1)
        );
        assert!(s.cancelled);
        assert_eq!((s.batch_id, s.api_calls, s.lookup_calls), (Some(3), 4, 2));
        assert_eq!(s.failures.len(), SUMMARY_FAILURES, "the list is capped");
        assert_eq!(s.failures[0].email, "f@x");
    }

    #[test]
    fn progress_starts_in_planning_and_travels_as_camel_case() {
        let p = SyncProgress::default();
        assert_eq!(p.stage, SyncStage::Planning);
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["stage"], "planning");
        assert_eq!(json["apiCalls"], 0);
        assert!(json["summary"].is_null() && json["error"].is_null());
    }
}
