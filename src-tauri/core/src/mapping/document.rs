//! The mapping document: everything the admin configures about how chat contacts become
//! Salesforce records, in one JSON document (`mapping export` / `mapping import`, and what
//! the Mapping and Routing screens edit). The shape is a contract (PRODUCT.md): keep names.
//!
//! ```json
//! {
//!   "version": 1,
//!   "objects": {
//!     "Lead":    [{"source": "email", "target": "Email", "overwrite": false}, ...],
//!     "Contact": [...],
//!     "Account": [...]
//!   },
//!   "campaignId": null,
//!   "criteria": {"minimumScore": "all", "starBands": [40, 60, 80], "syncDelayMinutes": 0,
//!                "integrationOn": false, "requireConversationClosed": true},
//!   "requiredDefaults": {"company": "[not provided]", "lastNameFromEmail": true},
//!   "contactPolicy": "skip",
//!   "assignment": "leadbridge",
//!   "opportunity": {"enabled": false, "minimumScore": {"stars": 3}, "stageName": "Qualification",
//!                   "nameTemplate": "{company} - Chat opportunity", "closeDateDays": 30},
//!   "tasks": {"eventKinds": []},
//!   "ownerStrategies": [{"strategy": "meeting_scheduler", "enabled": true}, ...],
//!   "defaultOwnerId": null,
//!   "userMapping": [],
//!   "segments": [],
//!   "ownershipRules": [],
//!   "unmatchedFallbackUserId": null
//! }
//! ```
//!
//! `version` and `objects` (with its three tabs) are required; any other top-level key may be
//! left out and then takes its default. Unknown keys are refused at every level.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::routing::model::{
    default_owner_strategies, OwnerStrategySetting, OwnershipRule, Segment, UserMapping,
};

/// The document format this build reads and writes.
pub const DOCUMENT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct MappingDocument {
    /// Always 1 for this format.
    pub version: u32,
    /// Field mapping rows per Salesforce object (the Lead, Contact and Account tabs).
    pub objects: ObjectMappings,
    /// The Campaign new Leads join (only new Leads, seed 002); null for none.
    #[serde(default)]
    pub campaign_id: Option<String>,
    #[serde(default)]
    pub criteria: Criteria,
    #[serde(default)]
    pub required_defaults: RequiredDefaults,
    #[serde(default)]
    pub contact_policy: ContactPolicy,
    #[serde(default)]
    pub assignment: AssignmentPolicy,
    #[serde(default)]
    pub opportunity: OpportunitySettings,
    #[serde(default)]
    pub tasks: TaskSettings,
    /// Lead-owner strategies, highest rank first.
    #[serde(default = "default_owner_strategies")]
    pub owner_strategies: Vec<OwnerStrategySetting>,
    /// The owner the `default_owner` strategy assigns: a User (`005…`) or a Queue (`00G…`).
    #[serde(default)]
    pub default_owner_id: Option<String>,
    #[serde(default)]
    pub user_mapping: Vec<UserMapping>,
    #[serde(default)]
    pub segments: Vec<Segment>,
    /// Account ownership rules, tried in order.
    #[serde(default)]
    pub ownership_rules: Vec<OwnershipRule>,
    /// The owner for companies that match no segment (seed 002's "fallback criteria").
    #[serde(default)]
    pub unmatched_fallback_user_id: Option<String>,
}

/// The three mapping tabs. Rows keep the admin's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct ObjectMappings {
    #[serde(rename = "Lead")]
    #[ts(rename = "Lead")]
    pub lead: Vec<MappingRow>,
    #[serde(rename = "Contact")]
    #[ts(rename = "Contact")]
    pub contact: Vec<MappingRow>,
    #[serde(rename = "Account")]
    #[ts(rename = "Account")]
    pub account: Vec<MappingRow>,
}

impl ObjectMappings {
    pub fn rows(&self, object: MappedObject) -> &[MappingRow] {
        match object {
            MappedObject::Lead => &self.lead,
            MappedObject::Contact => &self.contact,
            MappedObject::Account => &self.account,
        }
    }

    pub fn rows_mut(&mut self, object: MappedObject) -> &mut Vec<MappingRow> {
        match object {
            MappedObject::Lead => &mut self.lead,
            MappedObject::Contact => &mut self.contact,
            MappedObject::Account => &mut self.account,
        }
    }
}

/// The Salesforce objects that have a mapping tab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum MappedObject {
    Lead,
    Contact,
    Account,
}

impl MappedObject {
    pub const ALL: [MappedObject; 3] = [
        MappedObject::Lead,
        MappedObject::Contact,
        MappedObject::Account,
    ];

    /// The sObject API name, which is also the tab's key in `objects`.
    pub fn as_str(self) -> &'static str {
        match self {
            MappedObject::Lead => "Lead",
            MappedObject::Contact => "Contact",
            MappedObject::Account => "Account",
        }
    }
}

/// One mapping row: a chat field path to a Salesforce field.
///
/// `overwrite` says whether an existing record's value is replaced. A new Lead gets every
/// Lead row; an existing Lead, a Contact (under `contactPolicy: updateExisting`) and the
/// matched Account get only their overwrite rows (PRODUCT.md step 4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct MappingRow {
    /// A chat field path: `email`, `qualificationScore`, `metadata.industry`, ...
    pub source: String,
    /// A Salesforce field API name on the tab's object, e.g. `Email` or `Lead_Score__c`.
    pub target: String,
    #[serde(default)]
    pub overwrite: bool,
}

impl MappingRow {
    pub fn new(source: &str, target: &str, overwrite: bool) -> MappingRow {
        MappingRow {
            source: source.to_string(),
            target: target.to_string(),
            overwrite,
        }
    }
}

/// When an automated delivery may go (manual pushes ignore these, seed 002).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[ts(export)]
pub struct Criteria {
    pub minimum_score: MinimumScore,
    /// Lower bounds of 1, 2 and 3 stars on the 0–100 `qualificationScore`; strictly rising.
    pub star_bands: [u32; 3],
    /// Minutes to wait after the conversation closed (or, when closing is not required,
    /// after the lead qualified) before delivering.
    pub sync_delay_minutes: u32,
    /// The "Integration On" switch: automated deliveries happen only when true.
    pub integration_on: bool,
    /// Deliver only once `conversation.completed` arrived for the contact's conversation.
    pub require_conversation_closed: bool,
}

impl Default for Criteria {
    fn default() -> Self {
        Criteria {
            minimum_score: MinimumScore::All,
            star_bands: DEFAULT_STAR_BANDS,
            sync_delay_minutes: 0,
            // Off until the admin turns it on, as in seed 002: nothing is sent by surprise.
            integration_on: false,
            require_conversation_closed: true,
        }
    }
}

/// 1★ ≥ 40, 2★ ≥ 60, 3★ ≥ 80 (PRODUCT.md step 3).
pub const DEFAULT_STAR_BANDS: [u32; 3] = [40, 60, 80];

/// A score threshold, written as `"all"`, `{"stars": 1|2|3}` or `{"score": 0..=100}`.
/// Stars follow the `starBands` of the criteria, so editing the bands moves the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum MinimumScore {
    /// Every contact qualifies, with or without a score.
    All,
    Stars(u8),
    Score(u32),
}

impl MinimumScore {
    /// The lowest `qualificationScore` that passes; `None` when every contact passes.
    /// Out-of-range stars (refused by validation) clamp to the nearest band.
    pub fn threshold(self, star_bands: &[u32; 3]) -> Option<u32> {
        match self {
            MinimumScore::All => None,
            MinimumScore::Stars(n) => Some(star_bands[usize::from(n.clamp(1, 3)) - 1]),
            MinimumScore::Score(s) => Some(s),
        }
    }

    /// Whether a contact with `score` passes. A contact without a score passes only `All`.
    pub fn admits(self, score: Option<f64>, star_bands: &[u32; 3]) -> bool {
        match (self.threshold(star_bands), score) {
            (None, _) => true,
            (Some(min), Some(score)) => score >= f64::from(min),
            (Some(_), None) => false,
        }
    }
}

/// How many stars a score earns under `star_bands` (0 to 3).
pub fn stars_for(score: f64, star_bands: &[u32; 3]) -> u8 {
    star_bands
        .iter()
        .filter(|&&band| score >= f64::from(band))
        .count() as u8
}

/// Values Leadbridge fills in on Lead create when the chat did not capture them, so that
/// Salesforce's required Lead fields (`LastName`, `Company`) never fail a delivery. Many
/// connectors do the same. Validation counts these as mapping the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[ts(export)]
pub struct RequiredDefaults {
    /// `Company` when none was captured; null to send nothing (and let Salesforce refuse).
    pub company: Option<String>,
    /// `LastName` from the email's local part (`alex.chen@x.com` → `alex.chen`) when no last
    /// name was captured.
    pub last_name_from_email: bool,
}

impl Default for RequiredDefaults {
    fn default() -> Self {
        RequiredDefaults {
            company: Some(NOT_PROVIDED.to_string()),
            last_name_from_email: true,
        }
    }
}

/// The default `Company` placeholder.
pub const NOT_PROVIDED: &str = "[not provided]";

/// What happens when the contact's email belongs to an existing Salesforce Contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ContactPolicy {
    /// Leave the Contact alone and create no Lead; reported as skipped, `CONTACT_EXISTS`.
    #[default]
    Skip,
    /// Apply the Contact tab's overwrite rows to it.
    UpdateExisting,
}

/// Who assigns the owner of Leads Leadbridge writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum AssignmentPolicy {
    /// Leadbridge's owner strategies decide; `Sforce-Auto-Assign: FALSE` on every create and
    /// update so Salesforce's assignment rules do not override or re-route.
    #[default]
    Leadbridge,
    /// New Leads go through Salesforce's active assignment rules; updates still send FALSE.
    SalesforceRulesForNewLeads,
}

/// Opportunity creation for high-scoring contacts (seed 000, PRODUCT.md step 8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[ts(export)]
pub struct OpportunitySettings {
    pub enabled: bool,
    /// Contacts at or above this create an Opportunity.
    pub minimum_score: MinimumScore,
    /// A `StageName` picklist value of the org.
    pub stage_name: String,
    /// The Opportunity `Name`: text with `{chat field path}` placeholders, e.g.
    /// `{company} - {intent}`. A placeholder with no value renders empty.
    pub name_template: String,
    /// `CloseDate` = the day of creation plus this many days (Salesforce requires one).
    pub close_date_days: u32,
}

impl Default for OpportunitySettings {
    fn default() -> Self {
        OpportunitySettings {
            enabled: false,
            minimum_score: MinimumScore::Stars(3),
            stage_name: "Qualification".to_string(),
            name_template: "{company} - Chat opportunity".to_string(),
            close_date_days: 30,
        }
    }
}

/// Which chat events are logged as Salesforce Tasks on the record (automated deliveries only).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[ts(export)]
pub struct TaskSettings {
    pub event_kinds: Vec<TaskEventKind>,
}

/// Seed 003's webhook events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum TaskEventKind {
    #[serde(rename = "lead.qualified")]
    #[ts(rename = "lead.qualified")]
    LeadQualified,
    #[serde(rename = "conversation.escalated")]
    #[ts(rename = "conversation.escalated")]
    ConversationEscalated,
    #[serde(rename = "conversation.completed")]
    #[ts(rename = "conversation.completed")]
    ConversationCompleted,
    #[serde(rename = "conversation.feedback")]
    #[ts(rename = "conversation.feedback")]
    ConversationFeedback,
    #[serde(rename = "guardrail.triggered")]
    #[ts(rename = "guardrail.triggered")]
    GuardrailTriggered,
}

impl TaskEventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskEventKind::LeadQualified => "lead.qualified",
            TaskEventKind::ConversationEscalated => "conversation.escalated",
            TaskEventKind::ConversationCompleted => "conversation.completed",
            TaskEventKind::ConversationFeedback => "conversation.feedback",
            TaskEventKind::GuardrailTriggered => "guardrail.triggered",
        }
    }
}

impl Default for MappingDocument {
    /// The default mapping: seed 000's Field Mapping Reference, everything else at its default.
    fn default() -> Self {
        MappingDocument {
            version: DOCUMENT_VERSION,
            objects: default_objects(),
            campaign_id: None,
            criteria: Criteria::default(),
            required_defaults: RequiredDefaults::default(),
            contact_policy: ContactPolicy::default(),
            assignment: AssignmentPolicy::default(),
            opportunity: OpportunitySettings::default(),
            tasks: TaskSettings::default(),
            owner_strategies: default_owner_strategies(),
            default_owner_id: None,
            user_mapping: Vec::new(),
            segments: Vec::new(),
            ownership_rules: Vec::new(),
            unmatched_fallback_user_id: None,
        }
    }
}

/// Seed 000's Field Mapping Reference, with the optional extras PRODUCT.md names (company,
/// website, country).
///
/// Overwrite rule of thumb: a field the chat owns is refreshed by every conversation
/// (`qualificationScore`, `intent`, and `Description`, which carries the latest conversation's
/// URL as the sales rep's hand-off); a field people curate in Salesforce is written only on
/// create (names, company, phone, industry, website, country) and so is `LeadSource`, which is
/// first-touch attribution. `Email` is the dedupe key and is never rewritten.
pub fn default_objects() -> ObjectMappings {
    let r = MappingRow::new;
    ObjectMappings {
        lead: vec![
            r("email", "Email", false),
            r("phone", "Phone", false),
            r("firstName", "FirstName", false),
            r("lastName", "LastName", false),
            r("company", "Company", false),
            r("qualificationScore", "Lead_Score__c", true),
            r("intent", "Intent__c", true),
            r("source", "LeadSource", false),
            r("conversationUrl", "Description", true),
            r("metadata.industry", "Industry", false),
            r("website", "Website", false),
            r("country", "Country", false),
        ],
        // Used only under `contactPolicy: updateExisting`, and then only the overwrite rows:
        // a returning visitor's phone is the one worth refreshing; names stay as curated.
        contact: vec![
            r("email", "Email", false),
            r("phone", "Phone", true),
            r("firstName", "FirstName", false),
            r("lastName", "LastName", false),
        ],
        // The matched Account is the customer's record: nothing is overwritten by default.
        account: vec![r("metadata.industry", "Industry", false)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn minimum_score_shapes() {
        assert_eq!(
            serde_json::to_value(MinimumScore::All).unwrap(),
            json!("all")
        );
        assert_eq!(
            serde_json::to_value(MinimumScore::Stars(2)).unwrap(),
            json!({"stars": 2})
        );
        assert_eq!(
            serde_json::to_value(MinimumScore::Score(75)).unwrap(),
            json!({"score": 75})
        );
        let bands = DEFAULT_STAR_BANDS;
        assert_eq!(MinimumScore::Stars(2).threshold(&bands), Some(60));
        assert!(MinimumScore::Stars(3).admits(Some(80.0), &bands));
        assert!(!MinimumScore::Stars(3).admits(Some(79.9), &bands));
        assert!(!MinimumScore::Score(10).admits(None, &bands));
        assert!(MinimumScore::All.admits(None, &bands));
        assert_eq!(stars_for(59.0, &bands), 1);
        assert_eq!(stars_for(87.0, &bands), 3);
        assert_eq!(stars_for(12.0, &bands), 0);
    }

    #[test]
    fn default_lead_tab_is_seed_000s_reference() {
        let doc = MappingDocument::default();
        let pairs: Vec<(&str, &str)> = doc
            .objects
            .lead
            .iter()
            .map(|r| (r.source.as_str(), r.target.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("email", "Email"),
                ("phone", "Phone"),
                ("firstName", "FirstName"),
                ("lastName", "LastName"),
                ("company", "Company"),
                ("qualificationScore", "Lead_Score__c"),
                ("intent", "Intent__c"),
                ("source", "LeadSource"),
                ("conversationUrl", "Description"),
                ("metadata.industry", "Industry"),
                ("website", "Website"),
                ("country", "Country"),
            ]
        );
        let overwrites: Vec<&str> = doc
            .objects
            .lead
            .iter()
            .filter(|r| r.overwrite)
            .map(|r| r.source.as_str())
            .collect();
        assert_eq!(
            overwrites,
            ["qualificationScore", "intent", "conversationUrl"]
        );
    }
}
