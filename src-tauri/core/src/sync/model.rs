//! The plan: what a push does, contact by contact. The UI's preview, `sync --dry-run` and the
//! executor all use this one value, so what is shown is exactly what is sent.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// The record a push writes (or finds) for a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum SyncObject {
    Lead,
    Contact,
}

impl SyncObject {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncObject::Lead => "Lead",
            SyncObject::Contact => "Contact",
        }
    }
}

/// What happens to the contact's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PlanAction {
    /// A new Lead.
    Create,
    /// The existing Lead (or Contact) gets the changed overwrite fields.
    Update,
    /// The existing record already holds every overwrite value: nothing to write.
    Unchanged,
    /// Deliberately left alone (`skipReason` says why, e.g. `CONTACT_EXISTS`).
    Skipped,
}

impl PlanAction {
    /// The past tense `sync --json` reports (`created`, `updated`, ...).
    pub fn done(self) -> &'static str {
        match self {
            PlanAction::Create => "created",
            PlanAction::Update => "updated",
            PlanAction::Unchanged => "unchanged",
            PlanAction::Skipped => "skipped",
        }
    }
}

/// One field a write sets: its value now in Salesforce (`before`, null on create) and the
/// value Leadbridge sends (`after`, already converted to the field's type).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldChange {
    /// The Salesforce field, spelt as describe spells it.
    pub field: String,
    /// The chat field path the value comes from; `requiredDefaults.*` for filled-in defaults,
    /// `owner` for the routing decision.
    pub source: String,
    #[ts(type = "unknown")]
    pub before: Option<Value>,
    #[ts(type = "unknown")]
    pub after: Value,
}

/// How Salesforce's Lead assignment rules are told to behave on a Lead write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum AssignmentHeader {
    /// `Sforce-Auto-Assign: FALSE`: the rules do not run; the owner Leadbridge sends (or the
    /// Lead's current owner) stays.
    Off,
    /// No header: Salesforce runs its active assignment rule (new Leads under the
    /// `salesforceRulesForNewLeads` policy).
    SalesforceRules,
}

/// Campaign membership for a new Lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CampaignStep {
    pub campaign_id: String,
    /// The Lead, when it already exists (an earlier, interrupted or failed attempt of this
    /// delivery created it); otherwise the Lead this push creates.
    pub lead_id: Option<String>,
    /// Set when an earlier attempt of this delivery already added the Lead: nothing is sent.
    pub existing_member_id: Option<String>,
}

/// The Opportunity for a high-scoring contact that matches a Salesforce Contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OpportunityStep {
    pub name: String,
    pub stage_name: String,
    /// `YYYY-MM-DD`.
    pub close_date: String,
    /// The conversation URL (the sales rep's hand-off).
    pub description: Option<String>,
    /// The Contact's Account.
    pub account_id: Option<String>,
    /// The Contact it is associated with (OpportunityContactRole, primary).
    pub contact_id: String,
    /// Set when an earlier attempt of this delivery already created the Opportunity: only the
    /// contact role is left to create (or nothing, when `contactRoleId` is set too).
    pub existing_opportunity_id: Option<String>,
    pub existing_contact_role_id: Option<String>,
}

/// Changes to the Account matched by the company's domain or name (the Account tab's
/// overwrite rows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AccountStep {
    pub account_id: String,
    pub account_name: Option<String>,
    pub changes: Vec<FieldChange>,
}

/// Why a contact is skipped, or why it cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlanIssue {
    /// `CONTACT_EXISTS`, `STRING_TOO_LONG`, `INVALID_VALUE`, `NUMBER_OUTSIDE_VALID_RANGE`,
    /// `FIELD_NOT_WRITABLE`, `CONTACT_NOT_IN_INBOX`.
    pub code: String,
    pub message: String,
    /// The Salesforce field at fault (`Lead.FirstName`), when there is one.
    pub field: Option<String>,
}

impl PlanIssue {
    pub fn new(code: &str, message: impl Into<String>) -> PlanIssue {
        PlanIssue {
            code: code.to_string(),
            message: message.into(),
            field: None,
        }
    }

    pub fn on_field(mut self, field: impl Into<String>) -> PlanIssue {
        self.field = Some(field.into());
        self
    }
}

/// An attempt whose answer was never recorded (the process stopped mid-call): the record
/// may or may not exist in Salesforce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InterruptedAttempt {
    #[ts(type = "number")]
    pub attempt_id: i64,
    /// The object it wrote: `Lead`, `CampaignMember`, `Opportunity`, ...
    pub object: String,
    /// A create (else an update).
    pub create: bool,
    /// The record the re-check found it wrote after all; None when it did not (or, for an
    /// update, cannot tell: updates are simply sent again).
    pub found_id: Option<String>,
}

/// An earlier delivery this item continues: an interrupted one (the process stopped
/// mid-push) or, for `log retry`, the failed one it retries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Continuation {
    #[ts(type = "number")]
    pub delivery_id: i64,
    /// true: `log retry` of a failed delivery (a new delivery is logged with `retryOf`);
    /// false: the unfinished delivery itself is resumed.
    pub retry: bool,
    /// Attempts whose outcome was never recorded. Before anything is sent they are closed
    /// with what the re-check (query by email, by campaign, by name) found.
    pub interrupted: Vec<InterruptedAttempt>,
    /// What the re-check and the earlier attempts established, in words.
    pub findings: Vec<String>,
    /// Older failed deliveries of the same contact that this retry makes moot: they are
    /// marked resolved when it finishes.
    #[ts(type = "Array<number>")]
    pub supersedes: Vec<i64>,
}

/// The plan for one contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlanItem {
    #[ts(type = "number | null")]
    pub contact_id: Option<i64>,
    pub email: String,
    pub contact_name: Option<String>,
    pub company: Option<String>,
    pub object: SyncObject,
    pub action: PlanAction,
    /// The existing record this item updates or found. With `action: create` it is the Lead
    /// an earlier attempt of this same delivery created (found again by email after an
    /// interruption, or recorded by a failed delivery's attempt): it is not created again.
    pub record_id: Option<String>,
    /// Field-level changes (every field of a new Lead; changed overwrite fields otherwise).
    pub changes: Vec<FieldChange>,
    /// The record's owner: the routing decision for a new Lead, the current owner otherwise.
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    /// Why this owner, in words (routing's reason for a new Lead, e.g. `Sally Park —
    /// meeting_scheduler`): `sync --json`'s `ownerReason`.
    pub owner_reason: Option<String>,
    /// Machine-readable: the owner strategy that decided (`meeting_scheduler`, ...,
    /// `default_owner`), `existing_owner`, `salesforce_assignment_rules` or `none`.
    pub owner_strategy: Option<String>,
    /// Set on Lead writes.
    pub assignment: Option<AssignmentHeader>,
    pub campaign: Option<CampaignStep>,
    /// Why no campaign membership is planned, when a campaign is configured.
    pub campaign_note: Option<String>,
    pub opportunity: Option<OpportunityStep>,
    /// Why no Opportunity is planned, when Opportunities are enabled.
    pub opportunity_note: Option<String>,
    pub account: Option<AccountStep>,
    pub account_note: Option<String>,
    /// Set when `action` is `skipped`.
    pub skip_reason: Option<PlanIssue>,
    /// A value that cannot be sent (too long for its field, wrong type): the contact fails
    /// without any call.
    pub problem: Option<PlanIssue>,
    /// Other facts worth showing (several Leads share the email, ...).
    pub notes: Vec<String>,
    /// How the writes travel.
    pub api: String,
    pub continues: Option<Continuation>,
}

impl PlanItem {
    /// Whether the item sends anything to Salesforce.
    pub fn has_writes(&self) -> bool {
        self.problem.is_none()
            && (matches!(self.action, PlanAction::Create | PlanAction::Update)
                || self.campaign.is_some()
                || self.opportunity.is_some()
                || self.account.is_some())
    }
}

/// Which API carries the writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum ApiPath {
    /// REST: sObject Collections (200 records) inside Composite requests (up to 5
    /// collections, one API call each).
    #[serde(rename = "REST")]
    Rest,
    /// Bulk API 2.0: new Leads, updated Leads and campaign members travel as CSV ingest jobs;
    /// the rest (Contacts, Accounts, Opportunities) as REST.
    #[serde(rename = "BULK")]
    Bulk,
}

/// Counts over the plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlanTotals {
    pub contacts: u32,
    pub create: u32,
    pub update: u32,
    pub unchanged: u32,
    pub skipped: u32,
    /// Contacts with a `problem` (they fail without a call).
    pub invalid: u32,
    pub campaign_members: u32,
    pub opportunities: u32,
    pub account_updates: u32,
    /// Composite calls the writes need when nothing fails (retries add more).
    pub write_calls: u32,
}

/// What a push will do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Plan {
    pub items: Vec<PlanItem>,
    pub totals: PlanTotals,
    pub api: ApiPath,
    /// The mapping document version planned with.
    pub mapping_version: Option<u32>,
    /// API calls the look-ups before planning used (describes, queries, routing).
    #[ts(type = "number")]
    pub lookup_calls: u64,
    /// How the push chose between REST and Bulk API 2.0, and what a bulk push uses of the
    /// org's daily allowance (None for a plan made before the choice, e.g. a unit test's).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub bulk: Option<super::bulk::BulkChoice>,
}
