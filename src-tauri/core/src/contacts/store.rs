//! The inbox repository: applies events to contacts, and lists, searches and fetches them.
//!
//! Merge rule for `lead.qualified`: an event at least as recent (by its timestamp, or its
//! receipt time when it has none) as the latest one applied replaces every field it carries a
//! non-empty value for; an older event only fills fields still empty. So a webhook retry or a
//! re-import of an old file never rolls a contact back, and arrival order does not matter.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::types::{ToSql, Value as SqlValue};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::email;
use super::event::{ConversationData, Event, EventBody, EventKind, FieldError, Lead};
use super::model::{
    score_value, ChatField, Contact, ContactAgents, ContactEvent, ContactEventKind, Conversation,
    ConversationStatus, METADATA_PREFIX, STANDARD_FIELD_PATHS,
};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};

/// What applying one event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ApplyOutcome {
    /// A `lead.qualified` event for an email not seen before.
    Created,
    /// A `lead.qualified` event that changed a contact.
    Updated,
    /// A `lead.qualified` event that changed nothing (a replay, or older data already known).
    Unchanged,
    /// `conversation.completed` closed the conversation.
    Closed,
    /// `conversation.completed` for a conversation already closed.
    AlreadyClosed,
    /// An escalated/feedback/guardrail event was kept on the contact.
    Recorded,
    /// The same event was already kept (a webhook retry or a re-import).
    AlreadyRecorded,
}

impl ApplyOutcome {
    pub fn changed(self) -> bool {
        matches!(
            self,
            ApplyOutcome::Created
                | ApplyOutcome::Updated
                | ApplyOutcome::Closed
                | ApplyOutcome::Recorded
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Applied {
    pub outcome: ApplyOutcome,
    /// The contacts concerned, by email key (one, except for a conversation shared by several).
    pub email_keys: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The event is about a conversation or contact the inbox does not have; nothing stored.
    #[error("{}: {}", .0.field, .0.message)]
    NoMatch(FieldError),
    #[error(transparent)]
    Store(#[from] Error),
}

impl From<rusqlite::Error> for ApplyError {
    fn from(e: rusqlite::Error) -> Self {
        ApplyError::Store(e.into())
    }
}

impl From<ApplyError> for Error {
    fn from(e: ApplyError) -> Self {
        match e {
            ApplyError::NoMatch(f) => Error::new(ErrorCode::NotFound, f.message).field(f.field),
            ApplyError::Store(e) => e,
        }
    }
}

/// Sort orders of the inbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ContactSort {
    #[default]
    ReceivedDesc,
    ReceivedAsc,
    UpdatedDesc,
    ScoreDesc,
    ScoreAsc,
    EmailAsc,
}

impl ContactSort {
    fn order_by(self) -> &'static str {
        match self {
            ContactSort::ReceivedDesc => "received_at DESC, id DESC",
            ContactSort::ReceivedAsc => "received_at ASC, id ASC",
            ContactSort::UpdatedDesc => "updated_at DESC, id DESC",
            ContactSort::ScoreDesc => "qualification_score DESC NULLS LAST, id DESC",
            ContactSort::ScoreAsc => "qualification_score ASC NULLS LAST, id ASC",
            ContactSort::EmailAsc => "email_key ASC",
        }
    }
}

/// A page request for the inbox. Every filter is optional; they combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct ContactQuery {
    /// Case-insensitive substring of the email, first or last name, full name or company.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub search: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub status: Option<ConversationStatus>,
    /// Contacts whose score is at least this (contacts without a score are left out).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub min_score: Option<f64>,
    /// true: linked to a Salesforce Lead or Contact; false: not yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub delivered: Option<bool>,
    /// Default: newest received first.
    #[ts(as = "Option<ContactSort>", optional)]
    pub sort: ContactSort,
    /// None: every matching contact.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub limit: Option<u32>,
    #[ts(as = "Option<u32>", optional)]
    pub offset: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ContactPage {
    pub contacts: Vec<Contact>,
    /// How many contacts match the filters, ignoring limit and offset.
    pub total: u32,
}

/// Delivery facts to record on a contact; None leaves a column as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeliveryFacts {
    pub salesforce_lead_id: Option<String>,
    pub salesforce_contact_id: Option<String>,
    pub salesforce_account_id: Option<String>,
    pub salesforce_opportunity_id: Option<String>,
    pub salesforce_opportunity_stage: Option<String>,
    pub salesforce_opportunity_amount: Option<f64>,
    pub salesforce_opportunity_close_date: Option<String>,
    pub salesforce_opportunity_modified_at: Option<DateTime<Utc>>,
    pub last_delivery_status: Option<String>,
    pub last_delivery_id: Option<i64>,
    pub last_delivered_at: Option<DateTime<Utc>>,
}

/// The stored form of a timestamp: UTC, milliseconds, `Z`, so text order is time order.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_ts(idx: usize, s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
        })
}

fn get_ts(row: &Row, name: &str) -> rusqlite::Result<DateTime<Utc>> {
    let s: String = row.get(name)?;
    parse_ts(row.as_ref().column_index(name)?, &s)
}

fn get_opt_ts(row: &Row, name: &str) -> rusqlite::Result<Option<DateTime<Utc>>> {
    let s: Option<String> = row.get(name)?;
    s.map(|s| parse_ts(row.as_ref().column_index(name)?, &s))
        .transpose()
}

fn get_json_map(row: &Row, name: &str) -> rusqlite::Result<Map<String, Value>> {
    let s: String = row.get(name)?;
    serde_json::from_str(&s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(
            row.as_ref().column_index(name).unwrap_or(0),
            rusqlite::types::Type::Text,
            Box::new(e),
        )
    })
}

const CONTACT_COLUMNS: &str = "id, email, email_key, first_name, last_name, phone, company, website, domain, \
    country, qualification_score, intent, source, conversation_url, workspace_id, conversation_id, \
    conversation_status, closed_at, metadata, agent_meeting_scheduled_with, agent_last_routed, agent_closed_by, \
    received_at, updated_at, qualified_at, last_event_at, salesforce_lead_id, salesforce_contact_id, \
    salesforce_account_id, salesforce_opportunity_id, salesforce_opportunity_stage, \
    salesforce_opportunity_amount, salesforce_opportunity_close_date, salesforce_opportunity_modified_at, \
    last_delivery_status, last_delivery_id, last_delivered_at";

/// A contact row as stored, with the merge-order timestamp the model does not expose.
#[derive(Debug, Clone, PartialEq)]
struct Stored {
    contact: Contact,
    last_event_at: DateTime<Utc>,
}

fn contact_from_row(row: &Row) -> rusqlite::Result<Stored> {
    let status: String = row.get("conversation_status")?;
    let contact = Contact {
        id: row.get("id")?,
        email: row.get("email")?,
        email_key: row.get("email_key")?,
        first_name: row.get("first_name")?,
        last_name: row.get("last_name")?,
        phone: row.get("phone")?,
        company: row.get("company")?,
        website: row.get("website")?,
        domain: row.get("domain")?,
        country: row.get("country")?,
        qualification_score: row.get("qualification_score")?,
        intent: row.get("intent")?,
        source: row.get("source")?,
        conversation_url: row.get("conversation_url")?,
        workspace_id: row.get("workspace_id")?,
        conversation_id: row.get("conversation_id")?,
        metadata: get_json_map(row, "metadata")?,
        agents: ContactAgents {
            meeting_scheduled_with: row.get("agent_meeting_scheduled_with")?,
            last_routed: row.get("agent_last_routed")?,
            closed_by: row.get("agent_closed_by")?,
        },
        // The CHECK constraint allows only these two.
        conversation_status: ConversationStatus::parse(&status).unwrap_or(ConversationStatus::Open),
        closed_at: get_opt_ts(row, "closed_at")?,
        received_at: get_ts(row, "received_at")?,
        updated_at: get_ts(row, "updated_at")?,
        qualified_at: get_opt_ts(row, "qualified_at")?,
        conversations: Vec::new(),
        events: Vec::new(),
        salesforce_lead_id: row.get("salesforce_lead_id")?,
        salesforce_contact_id: row.get("salesforce_contact_id")?,
        salesforce_account_id: row.get("salesforce_account_id")?,
        salesforce_opportunity_id: row.get("salesforce_opportunity_id")?,
        salesforce_opportunity_stage: row.get("salesforce_opportunity_stage")?,
        salesforce_opportunity_amount: row.get("salesforce_opportunity_amount")?,
        salesforce_opportunity_close_date: row.get("salesforce_opportunity_close_date")?,
        salesforce_opportunity_modified_at: get_opt_ts(row, "salesforce_opportunity_modified_at")?,
        last_delivery_status: row.get("last_delivery_status")?,
        last_delivery_id: row.get("last_delivery_id")?,
        last_delivered_at: get_opt_ts(row, "last_delivered_at")?,
    };
    Ok(Stored {
        contact,
        last_event_at: get_ts(row, "last_event_at")?,
    })
}

fn search_text(c: &Contact) -> String {
    let full_name = c.full_name();
    let parts = [
        Some(c.email.as_str()),
        c.first_name.as_deref(),
        c.last_name.as_deref(),
        full_name.as_deref(),
        c.company.as_deref(),
    ];
    parts
        .iter()
        .flatten()
        .map(|s| s.to_lowercase())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes the event-derived columns of a contact (never the delivery facts).
fn write_contact(conn: &Connection, s: &Stored, insert: bool) -> Result<i64> {
    let c = &s.contact;
    let sql = if insert {
        "INSERT INTO contacts (email_key, email, first_name, last_name, phone, company, website, domain, country, \
           qualification_score, intent, source, conversation_url, workspace_id, conversation_id, conversation_status, \
           closed_at, metadata, agent_meeting_scheduled_with, agent_last_routed, agent_closed_by, received_at, \
           updated_at, qualified_at, last_event_at, search_text) \
         VALUES (:email_key, :email, :first_name, :last_name, :phone, :company, :website, :domain, :country, \
           :score, :intent, :source, :conversation_url, :workspace_id, :conversation_id, :status, :closed_at, \
           :metadata, :meeting, :routed, :closed_by, :received_at, :updated_at, :qualified_at, :last_event_at, \
           :search_text)"
    } else {
        "UPDATE contacts SET email = :email, first_name = :first_name, last_name = :last_name, phone = :phone, \
           company = :company, website = :website, domain = :domain, country = :country, \
           qualification_score = :score, intent = :intent, source = :source, conversation_url = :conversation_url, \
           workspace_id = :workspace_id, conversation_id = :conversation_id, conversation_status = :status, \
           closed_at = :closed_at, metadata = :metadata, agent_meeting_scheduled_with = :meeting, \
           agent_last_routed = :routed, agent_closed_by = :closed_by, received_at = :received_at, \
           updated_at = :updated_at, qualified_at = :qualified_at, last_event_at = :last_event_at, \
           search_text = :search_text \
         WHERE email_key = :email_key"
    };
    let metadata = Value::Object(c.metadata.clone()).to_string();
    let params: &[(&str, &dyn ToSql)] = &[
        (":email_key", &c.email_key),
        (":email", &c.email),
        (":first_name", &c.first_name),
        (":last_name", &c.last_name),
        (":phone", &c.phone),
        (":company", &c.company),
        (":website", &c.website),
        (":domain", &c.domain),
        (":country", &c.country),
        (":score", &c.qualification_score),
        (":intent", &c.intent),
        (":source", &c.source),
        (":conversation_url", &c.conversation_url),
        (":workspace_id", &c.workspace_id),
        (":conversation_id", &c.conversation_id),
        (":status", &c.conversation_status.as_str()),
        (":closed_at", &c.closed_at.map(ts)),
        (":metadata", &metadata),
        (":meeting", &c.agents.meeting_scheduled_with),
        (":routed", &c.agents.last_routed),
        (":closed_by", &c.agents.closed_by),
        (":received_at", &ts(c.received_at)),
        (":updated_at", &ts(c.updated_at)),
        (":qualified_at", &c.qualified_at.map(ts)),
        (":last_event_at", &ts(s.last_event_at)),
        (":search_text", &search_text(c)),
    ];
    conn.prepare_cached(sql)?.execute(params)?;
    Ok(if insert {
        conn.last_insert_rowid()
    } else {
        c.id
    })
}

fn load_by_key(conn: &Connection, key: &str) -> Result<Option<Stored>> {
    let sql = format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE email_key = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([key], contact_from_row)
        .optional()?)
}

#[derive(Debug, Clone, PartialEq)]
struct ConversationRow {
    id: Option<i64>,
    key: String,
    conversation: Conversation,
}

/// The contact's conversation stored under `key`. Failing that, when the event also gives the
/// conversation's URL, the row first stored under that URL alone (a seed-000 lead, then a
/// seed-003 event of the same conversation with its id), so one conversation is never two.
fn load_conversation(
    conn: &Connection,
    contact_id: i64,
    key: &str,
    url: Option<&str>,
) -> Result<Option<ConversationRow>> {
    const SQL: &str =
        "SELECT id, conversation_key, conversation_id, conversation_url, workspace_id, status, \
           closed_at, qualified_at, first_seen_at \
         FROM contact_conversations \
         WHERE contact_id = ?1 \
           AND (conversation_key = ?2 OR (conversation_id IS NULL AND conversation_url = ?3)) \
         ORDER BY conversation_key = ?2 DESC \
         LIMIT 1";
    let mut stmt = conn.prepare_cached(SQL)?;
    let row = stmt
        .query_row(params![contact_id, key, url], |row| {
            Ok(ConversationRow {
                id: row.get("id")?,
                key: row.get("conversation_key")?,
                conversation: conversation_from_row(row)?,
            })
        })
        .optional()?;
    Ok(row)
}

fn conversation_from_row(row: &Row) -> rusqlite::Result<Conversation> {
    let status: String = row.get("status")?;
    Ok(Conversation {
        conversation_id: row.get("conversation_id")?,
        conversation_url: row.get("conversation_url")?,
        workspace_id: row.get("workspace_id")?,
        status: ConversationStatus::parse(&status).unwrap_or(ConversationStatus::Open),
        closed_at: get_opt_ts(row, "closed_at")?,
        qualified_at: get_opt_ts(row, "qualified_at")?,
        first_seen_at: get_ts(row, "first_seen_at")?,
    })
}

fn write_conversation(conn: &Connection, contact_id: i64, row: &ConversationRow) -> Result<()> {
    const INSERT: &str =
        "INSERT INTO contact_conversations (contact_id, conversation_key, conversation_id, \
           conversation_url, workspace_id, status, closed_at, qualified_at, first_seen_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
    const UPDATE: &str = "UPDATE contact_conversations SET conversation_key = ?2, conversation_id = ?3, \
           conversation_url = ?4, workspace_id = ?5, status = ?6, closed_at = ?7, qualified_at = ?8 \
         WHERE id = ?1";
    let c = &row.conversation;
    let (closed_at, qualified_at) = (c.closed_at.map(ts), c.qualified_at.map(ts));
    match row.id {
        Some(id) => conn.prepare_cached(UPDATE)?.execute(params![
            id,
            row.key,
            c.conversation_id,
            c.conversation_url,
            c.workspace_id,
            c.status.as_str(),
            closed_at,
            qualified_at,
        ])?,
        None => conn.prepare_cached(INSERT)?.execute(params![
            contact_id,
            row.key,
            c.conversation_id,
            c.conversation_url,
            c.workspace_id,
            c.status.as_str(),
            closed_at,
            qualified_at,
            ts(c.first_seen_at),
        ])?,
    };
    Ok(())
}

/// Replaces `slot` with `v` when the event is the newer one, else only fills an empty slot.
fn merge_field<T: Clone>(slot: &mut Option<T>, v: &Option<T>, newer: bool) {
    if let Some(v) = v {
        if newer || slot.is_none() {
            *slot = Some(v.clone());
        }
    }
}

fn merge_lead(c: &mut Contact, lead: &Lead, newer: bool) {
    if newer {
        c.email = lead.email.clone();
    }
    merge_field(&mut c.first_name, &lead.first_name, newer);
    merge_field(&mut c.last_name, &lead.last_name, newer);
    merge_field(&mut c.phone, &lead.phone, newer);
    merge_field(&mut c.company, &lead.company, newer);
    merge_field(&mut c.website, &lead.website, newer);
    merge_field(&mut c.domain, &lead.domain, newer);
    merge_field(&mut c.country, &lead.country, newer);
    merge_field(&mut c.qualification_score, &lead.qualification_score, newer);
    merge_field(&mut c.intent, &lead.intent, newer);
    merge_field(&mut c.source, &lead.source, newer);
    merge_field(
        &mut c.agents.meeting_scheduled_with,
        &lead.agents.meeting_scheduled_with,
        newer,
    );
    merge_field(&mut c.agents.last_routed, &lead.agents.last_routed, newer);
    merge_field(&mut c.agents.closed_by, &lead.agents.closed_by, newer);
    for (key, value) in &lead.metadata {
        // An existing key keeps its position (serde_json's preserve_order map updates in place).
        if newer || !c.metadata.contains_key(key) {
            c.metadata.insert(key.clone(), value.clone());
        }
    }
}

fn max_opt(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The contact one `lead.qualified` event would create in an empty inbox, without storing it
/// (the Routing screen tests routing on contacts typed in by hand).
pub fn contact_from_lead(lead: &Lead, now: DateTime<Utc>) -> Contact {
    let mut contact = new_contact(lead, now);
    merge_lead(&mut contact, lead, true);
    contact
}

fn new_contact(lead: &Lead, now: DateTime<Utc>) -> Contact {
    Contact {
        id: 0,
        email: lead.email.clone(),
        email_key: email::key(&lead.email),
        first_name: None,
        last_name: None,
        phone: None,
        company: None,
        website: None,
        domain: None,
        country: None,
        qualification_score: None,
        intent: None,
        source: None,
        conversation_url: None,
        workspace_id: None,
        conversation_id: None,
        metadata: Map::new(),
        agents: ContactAgents::default(),
        conversation_status: ConversationStatus::Open,
        closed_at: None,
        received_at: now,
        updated_at: now,
        qualified_at: None,
        conversations: Vec::new(),
        events: Vec::new(),
        salesforce_lead_id: None,
        salesforce_contact_id: None,
        salesforce_account_id: None,
        salesforce_opportunity_id: None,
        salesforce_opportunity_stage: None,
        salesforce_opportunity_amount: None,
        salesforce_opportunity_close_date: None,
        salesforce_opportunity_modified_at: None,
        last_delivery_status: None,
        last_delivery_id: None,
        last_delivered_at: None,
    }
}

/// Applies one validated event inside the caller's transaction. `now` is the receipt time.
/// An event about an unknown conversation or contact changes nothing and returns `NoMatch`.
pub fn apply_event(
    conn: &Connection,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<Applied, ApplyError> {
    match &event.body {
        EventBody::Lead(lead) => Ok(apply_lead(conn, event, lead, now)?),
        EventBody::Conversation(data) => apply_conversation_event(conn, event, data, now),
    }
}

fn apply_lead(
    conn: &Connection,
    event: &Event,
    lead: &Lead,
    now: DateTime<Utc>,
) -> Result<Applied> {
    let key = email::key(&lead.email);
    let event_at = event.timestamp.unwrap_or(now);
    let before = load_by_key(conn, &key)?;
    let (mut after, newer) = match &before {
        Some(old) => (old.clone(), event_at >= old.last_event_at),
        None => (
            Stored {
                contact: new_contact(lead, now),
                last_event_at: event_at,
            },
            true,
        ),
    };
    merge_lead(&mut after.contact, lead, newer);
    after.last_event_at = after.last_event_at.max(event_at);
    after.contact.qualified_at = max_opt(after.contact.qualified_at, event.timestamp);

    // The conversation this event qualified in, keyed by its id, else its URL.
    let conv_key = event
        .conversation_id
        .clone()
        .or_else(|| lead.conversation_url.clone());
    let mut conv_change = None;
    match conv_key {
        Some(conv_key) => {
            let url = lead.conversation_url.as_deref();
            let existing = match &before {
                Some(old) => load_conversation(conn, old.contact.id, &conv_key, url)?,
                None => None,
            };
            let mut row = existing.clone().unwrap_or_else(|| ConversationRow {
                id: None,
                key: conv_key.clone(),
                conversation: Conversation {
                    conversation_id: None,
                    conversation_url: None,
                    workspace_id: None,
                    status: ConversationStatus::Open,
                    closed_at: None,
                    qualified_at: None,
                    first_seen_at: now,
                },
            });
            // A row found by its URL is re-keyed by the id the event now gives.
            row.key = conv_key;
            let conv = &mut row.conversation;
            merge_field(&mut conv.conversation_id, &event.conversation_id, newer);
            merge_field(&mut conv.conversation_url, &lead.conversation_url, newer);
            merge_field(&mut conv.workspace_id, &event.workspace_id, newer);
            conv.qualified_at = max_opt(conv.qualified_at, event.timestamp);
            let c = &mut after.contact;
            let has_current = c.conversation_id.is_some() || c.conversation_url.is_some();
            if newer || !has_current {
                c.conversation_id = conv.conversation_id.clone();
                c.conversation_url = conv.conversation_url.clone();
                c.workspace_id = conv.workspace_id.clone();
                c.conversation_status = conv.status;
                c.closed_at = conv.closed_at;
            }
            if existing.as_ref() != Some(&row) {
                conv_change = Some(row);
            }
        }
        None => merge_field(&mut after.contact.workspace_id, &event.workspace_id, newer),
    }

    let outcome = match &before {
        None => ApplyOutcome::Created,
        Some(old) if *old == after && conv_change.is_none() => ApplyOutcome::Unchanged,
        Some(_) => ApplyOutcome::Updated,
    };
    if outcome != ApplyOutcome::Unchanged {
        after.contact.updated_at = now;
        let id = write_contact(conn, &after, before.is_none())?;
        if let Some(row) = conv_change {
            write_conversation(conn, id, &row)?;
        }
    }
    Ok(Applied {
        outcome,
        email_keys: vec![key],
    })
}

/// A contact an event is about.
struct Target {
    contact_id: i64,
    email_key: String,
    /// The conversation row the event names; None when it matched by email only (it is then
    /// about the contact's current conversation).
    conversation: Option<ConversationRef>,
}

struct ConversationRef {
    key: String,
    id: Option<String>,
    url: Option<String>,
}

fn find_targets(
    conn: &Connection,
    event: &Event,
    data: &ConversationData,
) -> Result<Vec<Target>, ApplyError> {
    let by_conversation = |column: &str, value: &str| -> Result<Vec<Target>> {
        let sql = format!(
            "SELECT c.id, c.email_key, cc.conversation_key, cc.conversation_id, cc.conversation_url \
             FROM contact_conversations cc JOIN contacts c ON c.id = cc.contact_id \
             WHERE cc.{column} = ?1 ORDER BY c.id"
        );
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map([value], |r| {
            Ok(Target {
                contact_id: r.get(0)?,
                email_key: r.get(1)?,
                conversation: Some(ConversationRef {
                    key: r.get(2)?,
                    id: r.get(3)?,
                    url: r.get(4)?,
                }),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    };
    let no_match =
        |field: &str, message: String| Err(ApplyError::NoMatch(FieldError::new(field, message)));
    let kind = event.kind.as_str();
    let first = "it needs that conversation's lead.qualified event first";
    if let Some(id) = &event.conversation_id {
        let targets = by_conversation("conversation_id", id)?;
        if targets.is_empty() {
            return no_match(
                "conversationId",
                format!("{kind} for conversation `{id}`, which no contact has; {first}"),
            );
        }
        return Ok(targets);
    }
    if let Some(url) = &data.conversation_url {
        let targets = by_conversation("conversation_url", url)?;
        if targets.is_empty() {
            return no_match(
                "data.conversationUrl",
                format!("{kind} for conversation {url}, which no contact has; {first}"),
            );
        }
        return Ok(targets);
    }
    if let Some(email) = &data.email {
        let key = email::key(email);
        let found = conn
            .query_row(
                "SELECT id FROM contacts WHERE email_key = ?1",
                [&key],
                |r| r.get::<_, i64>(0),
            )
            .optional()?;
        return match found {
            Some(contact_id) => Ok(vec![Target {
                contact_id,
                email_key: key,
                conversation: None,
            }]),
            None => no_match(
                "data.email",
                format!("{kind} for {email}, who is not in the inbox"),
            ),
        };
    }
    no_match(
        "conversationId",
        format!(
            "{kind} names no conversationId, conversationUrl or email, so it matches no contact"
        ),
    )
}

/// Closes the target's conversation, and the contact's status when that conversation is the
/// current one. An already-closed conversation keeps its first `closed_at` (the sync delay
/// counts from it). Returns whether anything changed.
fn close_conversation(conn: &Connection, t: &Target, closed_at: &str, now: &str) -> Result<bool> {
    let (current_id, current_url): (Option<String>, Option<String>) = conn.query_row(
        "SELECT conversation_id, conversation_url FROM contacts WHERE id = ?1",
        [t.contact_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
    let (rows, is_current) = match &t.conversation {
        Some(conv) => (
            conn.execute(
                "UPDATE contact_conversations SET status = 'closed', closed_at = ?1 \
                 WHERE contact_id = ?2 AND conversation_key = ?3 AND status = 'open'",
                params![closed_at, t.contact_id, conv.key],
            )?,
            same(&current_id, &conv.id) || same(&current_url, &conv.url),
        ),
        None => (
            conn.execute(
                "UPDATE contact_conversations SET status = 'closed', closed_at = ?1 \
                 WHERE contact_id = ?2 AND status = 'open' \
                   AND (conversation_id = ?3 OR conversation_url = ?4)",
                params![closed_at, t.contact_id, current_id, current_url],
            )?,
            true,
        ),
    };
    let contact = if is_current {
        conn.execute(
            "UPDATE contacts SET conversation_status = 'closed', closed_at = ?1, updated_at = ?2 \
             WHERE id = ?3 AND conversation_status = 'open'",
            params![closed_at, now, t.contact_id],
        )?
    } else {
        0
    };
    if rows > 0 && contact == 0 {
        conn.execute(
            "UPDATE contacts SET updated_at = ?1 WHERE id = ?2",
            params![now, t.contact_id],
        )?;
    }
    Ok(rows + contact > 0)
}

fn apply_conversation_event(
    conn: &Connection,
    event: &Event,
    data: &ConversationData,
    now: DateTime<Utc>,
) -> Result<Applied, ApplyError> {
    let targets = find_targets(conn, event, data)?;
    let email_keys = targets.iter().map(|t| t.email_key.clone()).collect();
    let mut changed = false;
    if event.kind == EventKind::ConversationCompleted {
        let closed_at = ts(event.timestamp.unwrap_or(now));
        for t in &targets {
            changed |= close_conversation(conn, t, &closed_at, &ts(now))?;
        }
        let outcome = if changed {
            ApplyOutcome::Closed
        } else {
            ApplyOutcome::AlreadyClosed
        };
        return Ok(Applied {
            outcome,
            email_keys,
        });
    }

    let kind = event.kind.kept().ok_or_else(|| {
        Error::internal(format!("no rule to keep a {} event", event.kind.as_str()))
    })?;
    let payload = Value::Object(data.payload.clone()).to_string();
    let dedupe_key = event_dedupe_key(kind, event, &payload);
    for t in &targets {
        let inserted = conn.execute(
            "INSERT INTO contact_events (contact_id, kind, occurred_at, conversation_id, payload, received_at, dedupe_key) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (contact_id, dedupe_key) DO NOTHING",
            params![
                t.contact_id,
                kind.as_str(),
                ts(event.timestamp.unwrap_or(now)),
                event.conversation_id,
                payload,
                ts(now),
                dedupe_key,
            ],
        )?;
        if inserted > 0 {
            changed = true;
            conn.execute(
                "UPDATE contacts SET updated_at = ?1 WHERE id = ?2",
                params![ts(now), t.contact_id],
            )?;
        }
    }
    let outcome = if changed {
        ApplyOutcome::Recorded
    } else {
        ApplyOutcome::AlreadyRecorded
    };
    Ok(Applied {
        outcome,
        email_keys,
    })
}

/// Identity of a kept event: the receipt time is left out so a retry of the same event matches.
fn event_dedupe_key(kind: ContactEventKind, event: &Event, payload: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        kind.as_str(),
        &event.timestamp.map(ts).unwrap_or_default(),
        event.conversation_id.as_deref().unwrap_or(""),
        payload,
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Applies one event in its own transaction (the webhook receiver's path).
pub fn ingest(store: &Store, event: &Event) -> Result<Applied> {
    let now = Utc::now();
    store.transaction(|tx| apply_event(tx, event, now).map_err(Error::from))
}

/// Loads the conversations and (with `with_events`) the kept events of `contacts` with one
/// query each.
fn attach_children(conn: &Connection, contacts: &mut [Contact], with_events: bool) -> Result<()> {
    if contacts.is_empty() {
        return Ok(());
    }
    let ids = Value::from(contacts.iter().map(|c| c.id).collect::<Vec<_>>()).to_string();
    let mut conversations: HashMap<i64, Vec<Conversation>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT contact_id, conversation_id, conversation_url, workspace_id, status, closed_at, qualified_at, \
           first_seen_at \
         FROM contact_conversations WHERE contact_id IN (SELECT value FROM json_each(?1)) \
         ORDER BY contact_id, first_seen_at, id",
    )?;
    let rows = stmt.query_map([&ids], |r| {
        Ok((r.get::<_, i64>("contact_id")?, conversation_from_row(r)?))
    })?;
    for row in rows {
        let (id, conv) = row?;
        conversations.entry(id).or_default().push(conv);
    }
    let mut events: HashMap<i64, Vec<ContactEvent>> = HashMap::new();
    if with_events {
        let mut stmt = conn.prepare(
            "SELECT id, contact_id, kind, occurred_at, conversation_id, payload, received_at, salesforce_task_id \
             FROM contact_events WHERE contact_id IN (SELECT value FROM json_each(?1)) \
             ORDER BY contact_id, occurred_at, id",
        )?;
        let rows = stmt.query_map([&ids], |r| {
            let kind: String = r.get("kind")?;
            let kind = ContactEventKind::parse(&kind).ok_or_else(|| {
                rusqlite::Error::FromSqlConversionFailure(
                    2,
                    rusqlite::types::Type::Text,
                    format!("unknown kind {kind}").into(),
                )
            })?;
            Ok((
                r.get::<_, i64>("contact_id")?,
                ContactEvent {
                    id: r.get("id")?,
                    kind,
                    timestamp: get_ts(r, "occurred_at")?,
                    conversation_id: r.get("conversation_id")?,
                    payload: get_json_map(r, "payload")?,
                    received_at: get_ts(r, "received_at")?,
                    salesforce_task_id: r.get("salesforce_task_id")?,
                },
            ))
        })?;
        for row in rows {
            let (id, event) = row?;
            events.entry(id).or_default().push(event);
        }
    }
    for c in contacts {
        c.conversations = conversations.remove(&c.id).unwrap_or_default();
        c.events = events.remove(&c.id).unwrap_or_default();
    }
    Ok(())
}

/// The contact with this email, compared case-insensitively.
pub fn get_by_email(store: &Store, email: &str) -> Result<Option<Contact>> {
    let conn = store.conn();
    let Some(stored) = load_by_key(&conn, &email::key(email.trim()))? else {
        return Ok(None);
    };
    let mut contacts = [stored.contact];
    attach_children(&conn, &mut contacts, true)?;
    let [contact] = contacts;
    Ok(Some(contact))
}

/// The contacts with these emails (case-insensitive), in the order asked; emails not in the
/// inbox are left out and repeated ones appear once.
pub fn get_by_emails(store: &Store, emails: &[String]) -> Result<Vec<Contact>> {
    get_by_emails_with(store, emails, true)
}

/// As [`get_by_emails`]; without `events`, the contacts' event histories are left empty (a
/// push plans from a contact's fields and conversations, never its events).
pub fn get_by_emails_with(store: &Store, emails: &[String], events: bool) -> Result<Vec<Contact>> {
    let mut keys: Vec<String> = Vec::with_capacity(emails.len());
    let mut seen: HashSet<String> = HashSet::with_capacity(emails.len());
    for e in emails {
        let k = email::key(e.trim());
        if seen.insert(k.clone()) {
            keys.push(k);
        }
    }
    let conn = store.conn();
    let sql = format!(
        "SELECT {CONTACT_COLUMNS} FROM contacts WHERE email_key IN (SELECT value FROM json_each(?1))"
    );
    let mut stmt = conn.prepare(&sql)?;
    let found = stmt
        .query_map([Value::from(keys.clone()).to_string()], contact_from_row)?
        .map(|r| r.map(|s| (s.contact.email_key.clone(), s.contact)))
        .collect::<rusqlite::Result<HashMap<_, _>>>()?;
    let mut found = found;
    let mut contacts: Vec<Contact> = keys.iter().filter_map(|k| found.remove(k)).collect();
    attach_children(&conn, &mut contacts, events)?;
    Ok(contacts)
}

/// One page of the inbox and the number of contacts matching the filters.
pub fn list(store: &Store, query: &ContactQuery) -> Result<ContactPage> {
    list_with(store, query, true)
}

/// As [`list`]; without `events`, the contacts' event histories are left empty: a push of
/// 100,000 contacts spent seconds and tens of MiB loading event payloads it never reads.
pub fn list_with(store: &Store, query: &ContactQuery, events: bool) -> Result<ContactPage> {
    let mut clauses: Vec<&str> = Vec::new();
    let mut args: Vec<SqlValue> = Vec::new();
    if let Some(search) = query
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        // instr, not LIKE: no wildcard escaping, and `search_text` is already lowercased.
        clauses.push("instr(search_text, ?) > 0");
        args.push(SqlValue::Text(search.to_lowercase()));
    }
    if let Some(status) = query.status {
        clauses.push("conversation_status = ?");
        args.push(SqlValue::Text(status.as_str().into()));
    }
    if let Some(min) = query.min_score {
        clauses.push("qualification_score >= ?");
        args.push(SqlValue::Real(min));
    }
    if let Some(delivered) = query.delivered {
        clauses.push("delivered = ?");
        args.push(SqlValue::Integer(delivered.into()));
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };

    let conn = store.conn();
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM contacts {filter}"),
        rusqlite::params_from_iter(args.iter()),
        |r| r.get(0),
    )?;
    let limit = query.limit.map(i64::from).unwrap_or(-1); // SQLite: a negative LIMIT means none
    let sql = format!(
        "SELECT {CONTACT_COLUMNS} FROM contacts {filter} ORDER BY {} LIMIT {limit} OFFSET {}",
        query.sort.order_by(),
        query.offset
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut contacts = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), contact_from_row)?
        .map(|r| r.map(|s| s.contact))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    attach_children(&conn, &mut contacts, events)?;
    Ok(ContactPage {
        contacts,
        total: u32::try_from(total).unwrap_or(u32::MAX),
    })
}

/// How many contacts the inbox holds.
pub fn count(store: &Store) -> Result<u32> {
    let n: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM contacts", [], |r| r.get(0))?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// The column holding each standard chat field.
fn column_of(path: &str) -> Option<&'static str> {
    Some(match path {
        "email" => "email",
        "firstName" => "first_name",
        "lastName" => "last_name",
        "phone" => "phone",
        "company" => "company",
        "website" => "website",
        "domain" => "domain",
        "country" => "country",
        "qualificationScore" => "qualification_score",
        "intent" => "intent",
        "source" => "source",
        "conversationUrl" => "conversation_url",
        "workspaceId" => "workspace_id",
        "conversationId" => "conversation_id",
        "agents.meetingScheduledWith" => "agent_meeting_scheduled_with",
        "agents.lastRouted" => "agent_last_routed",
        "agents.closedBy" => "agent_closed_by",
        _ => return None,
    })
}

/// The chat fields the mapping screen offers: every standard path (even when no contact has
/// it yet), then every `metadata.<key>` seen on stored contacts, by key. Each comes with how
/// many contacts have it and a value from the most recently received one.
pub fn chat_fields(store: &Store) -> Result<Vec<ChatField>> {
    let conn = store.conn();
    let mut fields = Vec::new();
    for path in STANDARD_FIELD_PATHS {
        let column = column_of(path)
            .ok_or_else(|| Error::internal(format!("no column for chat field {path}")))?;
        let (count, example): (i64, Option<SqlValue>) = conn.query_row(
            &format!(
                "SELECT (SELECT COUNT({column}) FROM contacts), \
                        (SELECT {column} FROM contacts WHERE {column} IS NOT NULL \
                         ORDER BY received_at DESC, id DESC LIMIT 1)"
            ),
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let example = example.and_then(|v| match v {
            SqlValue::Text(s) => Some(Value::String(s)),
            SqlValue::Real(x) => Some(score_value(x)),
            SqlValue::Integer(i) => Some(Value::from(i)),
            SqlValue::Null | SqlValue::Blob(_) => None,
        });
        fields.push(ChatField {
            path: (*path).to_string(),
            example,
            count: u32::try_from(count).unwrap_or(u32::MAX),
            is_metadata: false,
        });
    }
    // With one MAX() aggregate, SQLite takes the bare columns (type, value) from the row that
    // holds the maximum: the example comes from the most recently received contact (ids grow
    // with first receipt, and unlike received_at they never tie).
    let mut stmt = conn.prepare(
        "SELECT j.key, COUNT(*), MAX(c.id), j.type, j.value \
         FROM contacts c, json_each(c.metadata) j GROUP BY j.key ORDER BY j.key",
    )?;
    let rows = stmt.query_map([], |r| {
        let key: String = r.get(0)?;
        let count: i64 = r.get(1)?;
        let kind: String = r.get(3)?;
        let raw: SqlValue = r.get(4)?;
        Ok((key, count, json_each_value(&kind, raw)))
    })?;
    for row in rows {
        let (key, count, example) = row?;
        fields.push(ChatField {
            path: format!("{METADATA_PREFIX}{key}"),
            example,
            count: u32::try_from(count).unwrap_or(u32::MAX),
            is_metadata: true,
        });
    }
    Ok(fields)
}

/// Rebuilds a JSON value from json_each's (type, value) pair.
fn json_each_value(kind: &str, raw: SqlValue) -> Option<Value> {
    match (kind, raw) {
        ("null", _) => Some(Value::Null),
        ("true", _) => Some(Value::Bool(true)),
        ("false", _) => Some(Value::Bool(false)),
        ("integer", SqlValue::Integer(i)) => Some(Value::from(i)),
        ("real", SqlValue::Real(x)) => serde_json::Number::from_f64(x).map(Value::Number),
        ("text", SqlValue::Text(s)) => Some(Value::String(s)),
        ("array" | "object", SqlValue::Text(s)) => serde_json::from_str(&s).ok(),
        _ => None,
    }
}

/// Records what a delivery or the back-flow learnt about a contact, in the caller's
/// transaction. Columns given None keep their value.
pub fn set_delivery_facts(conn: &Connection, email: &str, facts: &DeliveryFacts) -> Result<()> {
    let n = conn.execute(
        "UPDATE contacts SET \
           salesforce_lead_id = coalesce(?2, salesforce_lead_id), \
           salesforce_contact_id = coalesce(?3, salesforce_contact_id), \
           salesforce_account_id = coalesce(?4, salesforce_account_id), \
           salesforce_opportunity_id = coalesce(?5, salesforce_opportunity_id), \
           salesforce_opportunity_stage = coalesce(?6, salesforce_opportunity_stage), \
           salesforce_opportunity_amount = coalesce(?7, salesforce_opportunity_amount), \
           salesforce_opportunity_close_date = coalesce(?8, salesforce_opportunity_close_date), \
           salesforce_opportunity_modified_at = coalesce(?9, salesforce_opportunity_modified_at), \
           last_delivery_status = coalesce(?10, last_delivery_status), \
           last_delivery_id = coalesce(?11, last_delivery_id), \
           last_delivered_at = coalesce(?12, last_delivered_at) \
         WHERE email_key = ?1",
        params![
            email::key(email.trim()),
            facts.salesforce_lead_id,
            facts.salesforce_contact_id,
            facts.salesforce_account_id,
            facts.salesforce_opportunity_id,
            facts.salesforce_opportunity_stage,
            facts.salesforce_opportunity_amount,
            facts.salesforce_opportunity_close_date,
            facts.salesforce_opportunity_modified_at.map(ts),
            facts.last_delivery_status,
            facts.last_delivery_id,
            facts.last_delivered_at.map(ts),
        ],
    )?;
    if n == 0 {
        return Err(Error::new(
            ErrorCode::NotFound,
            format!("no contact with email {email}"),
        )
        .field("email"));
    }
    Ok(())
}
