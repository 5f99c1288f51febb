//! What the planner knows about the org: the records the push's emails match, the routing
//! decision and matched Account of each contact, and, for deliveries being continued, what
//! their earlier attempts left behind. Built by [`super::lookup`]; plain data, so the
//! planner stays a pure function and tests build snapshots by hand.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::convert::parse_datetime;
use super::model::{InterruptedAttempt, PlanAction, PlanIssue};
use crate::contacts::email;
use crate::salesforce::query::Record;

/// The owner a new Lead gets, as routing decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OwnerChoice {
    pub owner_id: String,
    pub owner_name: Option<String>,
    /// The strategy that resolved (`meeting_scheduler`, ..., `default_owner`).
    pub strategy: String,
    /// Why, in words.
    pub reason: String,
}

/// The Account the ownership rules look up for a contact (by company domain or name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MatchedAccount {
    pub id: String,
    pub name: Option<String>,
}

/// Routing's answer for one contact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Routed {
    pub owner: Option<OwnerChoice>,
    /// Why no owner resolved (or how it did), in words.
    pub note: Option<String>,
    pub account: Option<MatchedAccount>,
}

/// What an earlier delivery of a contact already did, for the delivery being resumed or
/// retried (read from its attempts by [`super::resume`], completed by re-check queries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carry {
    pub delivery_id: i64,
    /// `log retry` (a new delivery) rather than resuming the unfinished one.
    pub retry: bool,
    /// What the earlier delivery planned for the main record.
    pub planned: PlanAction,
    /// The Lead an earlier attempt created (from its recorded answer).
    pub created_lead_id: Option<String>,
    pub campaign_member_id: Option<String>,
    pub opportunity_id: Option<String>,
    pub contact_role_id: Option<String>,
    /// Attempts without a recorded outcome, to close before sending anything.
    pub interrupted: Vec<InterruptedAttempt>,
    pub findings: Vec<String>,
    /// Older failed deliveries of the contact that a retry makes moot.
    pub supersedes: Vec<i64>,
    /// Salesforce already refused the delivery being resumed (its last attempt failed for
    /// good, e.g. a Bulk API job's failed result read back after a restart): it fails without
    /// a call. Only the reviewer's retry sends it again.
    pub refused: Option<PlanIssue>,
}

/// The org state a plan is made from.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// Unconverted Leads by email key, most recently modified first.
    pub leads: HashMap<String, Vec<Record>>,
    /// Contacts by email key, most recently modified first.
    pub contacts: HashMap<String, Vec<Record>>,
    /// Matched Accounts by Id, with the Account tab's fields.
    pub accounts: HashMap<String, Record>,
    /// Routing per email key.
    pub routing: HashMap<String, Routed>,
    /// Deliveries being continued, per email key.
    pub carry: HashMap<String, Carry>,
}

impl Snapshot {
    /// Indexes query results by their `Email` (case-insensitively), newest first.
    pub fn index_by_email(records: Vec<Record>) -> HashMap<String, Vec<Record>> {
        let mut out: HashMap<String, Vec<Record>> = HashMap::new();
        let mut seen: HashSet<String> = HashSet::new();
        for record in records {
            let Some(address) = text(&record, "Email") else {
                continue;
            };
            // A record can come back twice when two statements overlap (paging, retries).
            if let Some(id) = text(&record, "Id") {
                if !seen.insert(id.to_string()) {
                    continue;
                }
            }
            out.entry(email::key(address.trim()))
                .or_default()
                .push(record);
        }
        for list in out.values_mut() {
            list.sort_by_key(|r| std::cmp::Reverse(modified(r)));
        }
        out
    }
}

/// A record's field, looked up case-insensitively (field names are case-insensitive in
/// Salesforce; query results use describe's spelling).
pub fn field<'r>(record: &'r Record, name: &str) -> Option<&'r Value> {
    record.get(name).or_else(|| {
        record
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

pub fn text<'r>(record: &'r Record, name: &str) -> Option<&'r str> {
    field(record, name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn modified(record: &Record) -> Option<DateTime<Utc>> {
    text(record, "LastModifiedDate").and_then(parse_datetime)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rec(v: Value) -> Record {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn indexes_case_insensitively_newest_first() {
        let index = Snapshot::index_by_email(vec![
            rec(
                json!({"Id": "00Q1", "Email": "Sam.Twin@x.example", "LastModifiedDate": "2026-01-01T00:00:00.000+0000"}),
            ),
            rec(
                json!({"Id": "00Q2", "Email": "sam.twin@x.example", "LastModifiedDate": "2026-03-01T00:00:00.000+0000"}),
            ),
            rec(
                json!({"Id": "00Q2", "Email": "sam.twin@x.example", "LastModifiedDate": "2026-03-01T00:00:00.000+0000"}),
            ),
            rec(json!({"Id": "00Q3", "Email": null})),
        ]);
        let list = &index["sam.twin@x.example"];
        assert_eq!(list.len(), 2, "the repeated record is kept once");
        assert_eq!(text(&list[0], "Id"), Some("00Q2"));
        assert_eq!(index.len(), 1);
    }
}
