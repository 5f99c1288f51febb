//! The contact as the inbox, the mapping screen and the sync planner see it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

/// Whether the contact's current chat conversation has ended (`conversation.completed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ConversationStatus {
    Open,
    Closed,
}

impl ConversationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationStatus::Open => "open",
            ConversationStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<ConversationStatus> {
        match s {
            "open" => Some(ConversationStatus::Open),
            "closed" => Some(ConversationStatus::Closed),
            _ => None,
        }
    }
}

/// Chat-platform users (their emails) involved with the contact; the owner strategies
/// `meeting_scheduler`, `last_routed` and `closed_by` resolve them to Salesforce Users.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ContactAgents {
    pub meeting_scheduled_with: Option<String>,
    pub last_routed: Option<String>,
    pub closed_by: Option<String>,
}

/// Conversation events kept on the contact so they can later be logged as Salesforce Tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum ContactEventKind {
    #[serde(rename = "conversation.escalated")]
    ConversationEscalated,
    #[serde(rename = "conversation.feedback")]
    ConversationFeedback,
    #[serde(rename = "guardrail.triggered")]
    GuardrailTriggered,
}

impl ContactEventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactEventKind::ConversationEscalated => "conversation.escalated",
            ContactEventKind::ConversationFeedback => "conversation.feedback",
            ContactEventKind::GuardrailTriggered => "guardrail.triggered",
        }
    }

    pub fn parse(s: &str) -> Option<ContactEventKind> {
        match s {
            "conversation.escalated" => Some(ContactEventKind::ConversationEscalated),
            "conversation.feedback" => Some(ContactEventKind::ConversationFeedback),
            "guardrail.triggered" => Some(ContactEventKind::GuardrailTriggered),
            _ => None,
        }
    }
}

/// One kept conversation event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ContactEvent {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: ContactEventKind,
    /// The event's own timestamp (when it happened in chat); the receipt time when it had none.
    pub timestamp: DateTime<Utc>,
    pub conversation_id: Option<String>,
    /// The event's `data` (seed 003) or `lead` (seed 000) object, as received.
    pub payload: Map<String, Value>,
    pub received_at: DateTime<Utc>,
    /// Set once the event has been logged as a Salesforce Task.
    pub salesforce_task_id: Option<String>,
}

/// One chat conversation the contact qualified in; a returning visitor has several.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Conversation {
    pub conversation_id: Option<String>,
    pub conversation_url: Option<String>,
    pub workspace_id: Option<String>,
    pub status: ConversationStatus,
    pub closed_at: Option<DateTime<Utc>>,
    /// Latest `lead.qualified` timestamp seen for this conversation.
    pub qualified_at: Option<DateTime<Utc>>,
    pub first_seen_at: DateTime<Utc>,
}

/// A person captured in chat, keyed by email compared case-insensitively.
///
/// Field values come from `lead.qualified` events: a later event's non-empty fields replace
/// earlier ones, an older event (by its timestamp) only fills fields still empty. The
/// `conversation*` fields, `conversationStatus` and `closedAt` describe the current (most
/// recently qualified) conversation; `conversations` holds all of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Contact {
    #[ts(type = "number")]
    pub id: i64,
    /// As last given by the chat platform.
    pub email: String,
    /// `email` lowercased: the dedupe key.
    pub email_key: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub website: Option<String>,
    /// The company's domain: given explicitly, else the website's host, else the email's
    /// domain unless it is a free-mail provider.
    pub domain: Option<String>,
    pub country: Option<String>,
    /// 0 to 100.
    pub qualification_score: Option<f64>,
    pub intent: Option<String>,
    pub source: Option<String>,
    pub conversation_url: Option<String>,
    pub workspace_id: Option<String>,
    pub conversation_id: Option<String>,
    /// Extra qualification data in the order the chat platform sent it (companySize, budget…).
    pub metadata: Map<String, Value>,
    pub agents: ContactAgents,
    pub conversation_status: ConversationStatus,
    pub closed_at: Option<DateTime<Utc>>,
    /// When Leadbridge first received this contact.
    pub received_at: DateTime<Utc>,
    /// When any event last changed it.
    pub updated_at: DateTime<Utc>,
    /// Timestamp of the latest `lead.qualified` event (absent for CSV rows without one).
    pub qualified_at: Option<DateTime<Utc>>,
    pub conversations: Vec<Conversation>,
    pub events: Vec<ContactEvent>,

    // Delivery facts, written by the sync engine and the back-flow; empty until then.
    pub salesforce_lead_id: Option<String>,
    pub salesforce_contact_id: Option<String>,
    pub salesforce_account_id: Option<String>,
    pub salesforce_opportunity_id: Option<String>,
    pub salesforce_opportunity_stage: Option<String>,
    pub salesforce_opportunity_amount: Option<f64>,
    /// `YYYY-MM-DD`, as Salesforce's CloseDate.
    pub salesforce_opportunity_close_date: Option<String>,
    /// The Opportunity's `LastModifiedDate` last pulled back (seed 004's incremental back-flow).
    pub salesforce_opportunity_modified_at: Option<DateTime<Utc>>,
    /// Outcome of the latest delivery: `succeeded`, `failed` or `skipped` (as `sync --json`).
    pub last_delivery_status: Option<String>,
    #[ts(type = "number | null")]
    pub last_delivery_id: Option<i64>,
    pub last_delivered_at: Option<DateTime<Utc>>,
}

/// Chat field paths every event can carry, in the order the mapping screen lists them.
/// `metadata.<key>` paths come on top of these, from what stored contacts hold.
pub const STANDARD_FIELD_PATHS: &[&str] = &[
    "email",
    "firstName",
    "lastName",
    "phone",
    "company",
    "website",
    "domain",
    "country",
    "qualificationScore",
    "intent",
    "source",
    "conversationUrl",
    "workspaceId",
    "conversationId",
    "agents.meetingScheduledWith",
    "agents.lastRouted",
    "agents.closedBy",
];

/// Prefix of the paths into [`Contact::metadata`]; the rest of the path is the key verbatim
/// (a key may itself contain dots).
pub const METADATA_PREFIX: &str = "metadata.";

impl Contact {
    /// The value at a chat field path (`email`, `qualificationScore`, `agents.closedBy`,
    /// `metadata.budget`, …), or None when the contact has none or the path is unknown.
    pub fn value_at(&self, path: &str) -> Option<Value> {
        if let Some(key) = path.strip_prefix(METADATA_PREFIX) {
            return self.metadata.get(key).cloned();
        }
        let text = |v: &Option<String>| v.as_ref().map(|s| Value::String(s.clone()));
        match path {
            "email" => Some(Value::String(self.email.clone())),
            "firstName" => text(&self.first_name),
            "lastName" => text(&self.last_name),
            "phone" => text(&self.phone),
            "company" => text(&self.company),
            "website" => text(&self.website),
            "domain" => text(&self.domain),
            "country" => text(&self.country),
            "qualificationScore" => self.qualification_score.map(score_value),
            "intent" => text(&self.intent),
            "source" => text(&self.source),
            "conversationUrl" => text(&self.conversation_url),
            "workspaceId" => text(&self.workspace_id),
            "conversationId" => text(&self.conversation_id),
            "agents.meetingScheduledWith" => text(&self.agents.meeting_scheduled_with),
            "agents.lastRouted" => text(&self.agents.last_routed),
            "agents.closedBy" => text(&self.agents.closed_by),
            _ => None,
        }
    }

    /// Whether Salesforce holds a record for this contact (a Lead or a Contact was linked).
    pub fn is_delivered(&self) -> bool {
        self.salesforce_lead_id.is_some() || self.salesforce_contact_id.is_some()
    }

    /// `First Last`, or whichever part is known.
    pub fn full_name(&self) -> Option<String> {
        match (&self.first_name, &self.last_name) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            (Some(n), None) | (None, Some(n)) => Some(n.clone()),
            (None, None) => None,
        }
    }
}

/// A score as JSON: an integer when it is one (87, not 87.0), so it maps cleanly onto
/// Salesforce number fields and reads naturally.
pub fn score_value(score: f64) -> Value {
    if score.fract() == 0.0 && score.abs() < 1e15 {
        Value::from(score as i64)
    } else {
        serde_json::Number::from_f64(score)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

/// A chat field the mapping screen can offer, with an example and how common it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ChatField {
    /// `email`, `agents.closedBy`, `metadata.budget`, …
    pub path: String,
    /// A value from the most recently received contact that has one.
    pub example: Option<Value>,
    /// How many stored contacts have a value for it.
    pub count: u32,
    /// True for `metadata.<key>` fields discovered on stored contacts.
    pub is_metadata: bool,
}
