//! The shapes a contact's page shows (they cross to the UI and `contacts show --json`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::contacts::Contact;
use crate::deliveries::{Delivery, DeliveryId};

/// The contact as captured and its delivery history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ContactDetail {
    pub contact: Contact,
    /// Newest first, at most [`super::HISTORY_LIMIT`].
    pub deliveries: Vec<Delivery>,
    /// All of the contact's deliveries in the log.
    #[ts(type = "number")]
    pub deliveries_total: u64,
}

/// The Salesforce Lead with the contact's email (unconverted, the oldest: the one sync updates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LinkedLead {
    pub id: String,
    pub name: Option<String>,
    pub company: Option<String>,
    pub status: Option<String>,
    pub lead_source: Option<String>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub created_date: Option<String>,
}

/// The Salesforce Contact with the contact's email.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LinkedContact {
    pub id: String,
    pub name: Option<String>,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub account_id: Option<String>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
}

/// How the Account was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LinkedAccountMatch {
    /// The Salesforce Contact's Account.
    Contact,
    /// The company's domain or name, as the ownership rules look it up.
    DomainOrName,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LinkedAccount {
    pub id: String,
    pub name: Option<String>,
    pub industry: Option<String>,
    #[ts(type = "number | null")]
    pub number_of_employees: Option<f64>,
    pub website: Option<String>,
    pub billing_country: Option<String>,
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    pub matched_by: LinkedAccountMatch,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LinkedOpportunity {
    pub id: String,
    pub name: Option<String>,
    pub stage_name: Option<String>,
    pub amount: Option<f64>,
    /// The amount's currency (`CurrencyIsoCode`) in a multi-currency org. None in a
    /// single-currency org: its records carry no currency field (all are in the org's one).
    pub currency_iso_code: Option<String>,
    /// `YYYY-MM-DD`.
    pub close_date: Option<String>,
    pub is_closed: bool,
    pub is_won: bool,
    pub probability: Option<f64>,
    pub account_id: Option<String>,
    pub owner_name: Option<String>,
    pub last_modified_date: Option<String>,
}

/// What Salesforce holds for the contact, as of `fetched_at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LinkedRecords {
    pub email: String,
    pub lead: Option<LinkedLead>,
    pub contact: Option<LinkedContact>,
    pub account: Option<LinkedAccount>,
    /// The Account's Opportunities, open ones first, then by close date.
    pub opportunities: Vec<LinkedOpportunity>,
    /// Parts that could not be read and why (an object the user may not query, ...).
    pub notes: Vec<String>,
    #[ts(type = "string")]
    pub fetched_at: DateTime<Utc>,
    /// Salesforce API calls this fetch used (0 when the user may query none of the objects).
    #[ts(type = "number")]
    pub api_calls: u64,
}

/// One choice of the stage picklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StageOption {
    pub value: String,
    pub label: String,
}

/// What the Opportunity editor needs: current values, the stage picklist and the limits from
/// describe, and whether the user may edit at all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpportunityForm {
    pub opportunity: LinkedOpportunity,
    /// Active values of `StageName`, in the org's order.
    pub stages: Vec<StageOption>,
    /// Digits allowed before the decimal point of `Amount` (precision − scale).
    pub amount_integer_digits: u32,
    pub amount_scale: u32,
    /// The user may update this Opportunity's stage, amount and close date.
    pub can_edit: bool,
    /// Why not, when `can_edit` is false (shown beside the disabled editor).
    pub reason: Option<String>,
}

/// The change asked for; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpportunityChange {
    pub opportunity_id: String,
    #[serde(default)]
    #[ts(optional)]
    pub stage_name: Option<String>,
    #[serde(default)]
    #[ts(optional)]
    pub amount: Option<f64>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    #[ts(optional)]
    pub close_date: Option<String>,
}

/// One field of the preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldDiff {
    pub field: String,
    pub label: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

/// Before → after, read from Salesforce just now; `body` is exactly what the update sends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpportunityPreview {
    pub opportunity_id: String,
    pub name: Option<String>,
    /// Only the fields that change.
    pub diffs: Vec<FieldDiff>,
    pub body: serde_json::Value,
}

/// The update as done: what changed, Salesforce's answer and where the log holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpportunityUpdateResult {
    pub preview: OpportunityPreview,
    pub delivery_id: DeliveryId,
    /// Salesforce's HTTP status (204 No Content on success).
    pub http_status: u16,
}
