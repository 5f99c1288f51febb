//! The way back (seed 004, PRODUCT.md step 10): Opportunity stage and amount changes pulled
//! from Salesforce onto local contacts, incrementally by `LastModifiedDate`.
//!
//! One pull: the Opportunities modified since the stored cursor (`>=`, so records modified in
//! the cursor's own second are not missed; unchanged values are not counted twice), then in
//! the same Composite calls their contact roles (with the Contact's Email) and the Leads
//! converted into them. Each Opportunity attaches to the local contacts that hold its Id, the
//! Id of one of its Contacts, or the Id of the Lead converted into it; else to the contact
//! whose email is one of its Contacts' emails. Literals go through the SOQL builder (escaped).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::Value;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::pending::parse_ts;
use crate::contacts::email;
use crate::contacts::store::ts;
use crate::salesforce::query::Record;
use crate::salesforce::SalesforceClient;
use crate::soql::{Condition, Direction, Op, Select};
use crate::store::Store;
use crate::sync::convert::parse_datetime;
use crate::sync::lookup::{query_statements, statements_in};
use crate::sync::retry::RetryPolicy;
use crate::Result;

/// The stored cursor and what the last pull did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackflowState {
    /// The largest Opportunity `LastModifiedDate` pulled so far (None: never pulled).
    pub cursor: Option<DateTime<Utc>>,
    pub last_pulled_at: Option<DateTime<Utc>>,
    /// Contacts whose Opportunity stage, amount or close date changed in the last pull.
    pub last_changed: u32,
    /// Opportunities the last pull read.
    pub last_seen: u32,
}

/// What one pull did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackflowReport {
    pub cursor_before: Option<DateTime<Utc>>,
    pub cursor: Option<DateTime<Utc>>,
    /// Opportunities modified since the cursor.
    pub opportunities: u32,
    /// Contacts that got a new stage, amount or close date.
    pub contacts_updated: u32,
    /// Opportunities no local contact matched.
    pub unmatched: u32,
    #[ts(type = "number")]
    pub api_calls: u64,
}

pub fn state(store: &Store) -> Result<BackflowState> {
    let row: Option<(Option<String>, Option<String>, u32, u32)> = store
        .conn()
        .query_row(
            "SELECT cursor, last_pulled_at, last_changed, last_seen FROM backflow_state WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    Ok(row
        .map(|(cursor, at, changed, seen)| BackflowState {
            cursor: cursor.as_deref().and_then(parse_ts),
            last_pulled_at: at.as_deref().and_then(parse_ts),
            last_changed: changed,
            last_seen: seen,
        })
        .unwrap_or_default())
}

/// Salesforce Ids compare on their case-sensitive 15-character form.
fn id15(id: &str) -> String {
    id.chars().take(15).collect()
}

fn text(r: &Record, field: &str) -> Option<String> {
    r.get(field).and_then(Value::as_str).map(str::to_string)
}

struct Opportunity {
    id: String,
    stage: Option<String>,
    amount: Option<f64>,
    close_date: Option<String>,
    modified: DateTime<Utc>,
}

/// A local contact's Salesforce links.
struct Local {
    email_key: String,
    opportunity_id: Option<String>,
    stage: Option<String>,
    amount: Option<f64>,
    close_date: Option<String>,
}

/// Pulls Opportunity changes since the stored cursor and records them on contacts.
pub async fn pull(
    client: &SalesforceClient,
    store: &Store,
    policy: &RetryPolicy,
    cancel: &CancellationToken,
) -> Result<BackflowReport> {
    let calls_before = client.api_calls();
    let before = state(store)?;
    let mut select = Select::new(
        "Opportunity",
        &["Id", "StageName", "Amount", "CloseDate", "LastModifiedDate"],
    );
    if let Some(cursor) = before.cursor {
        select = select.filter(Condition::compare("LastModifiedDate", Op::Ge, cursor));
    }
    let soql = select
        .order_by("LastModifiedDate", Direction::Asc)
        .order_by("Id", Direction::Asc)
        .build()?;
    let found = query_statements(client, &[soql], policy, cancel).await?;
    let opportunities: Vec<Opportunity> = found
        .into_iter()
        .flatten()
        .filter_map(|r| {
            Some(Opportunity {
                id: text(&r, "Id")?,
                stage: text(&r, "StageName"),
                amount: r.get("Amount").and_then(Value::as_f64),
                close_date: text(&r, "CloseDate"),
                modified: parse_datetime(&text(&r, "LastModifiedDate")?)?,
            })
        })
        .collect();
    let mut report = BackflowReport {
        cursor_before: before.cursor,
        cursor: before.cursor,
        opportunities: opportunities.len() as u32,
        ..BackflowReport::default()
    };

    // Who each Opportunity belongs to: its contact roles and the Leads converted into it.
    let ids: Vec<String> = opportunities.iter().map(|o| o.id.clone()).collect();
    let roles_statements = statements_in(
        "OpportunityContactRole",
        &[
            "OpportunityId".into(),
            "ContactId".into(),
            "Contact.Email".into(),
        ],
        vec![],
        "OpportunityId",
        &ids,
    )?;
    let lead_statements = statements_in(
        "Lead",
        &[
            "Id".into(),
            "ConvertedContactId".into(),
            "ConvertedOpportunityId".into(),
        ],
        vec![],
        "ConvertedOpportunityId",
        &ids,
    )?;
    let split = roles_statements.len();
    let all: Vec<String> = roles_statements
        .into_iter()
        .chain(lead_statements)
        .collect();
    let mut results = query_statements(client, &all, policy, cancel).await?;
    let leads: Vec<Record> = results.split_off(split).into_iter().flatten().collect();
    let roles: Vec<Record> = results.into_iter().flatten().collect();

    // opportunity (15) -> (contact ids, emails, converted lead ids, converted contact id)
    let mut contact_ids: HashMap<String, Vec<String>> = HashMap::new();
    let mut emails: HashMap<String, Vec<String>> = HashMap::new();
    for r in &roles {
        let Some(opp) = text(r, "OpportunityId") else {
            continue;
        };
        if let Some(c) = text(r, "ContactId") {
            contact_ids.entry(id15(&opp)).or_default().push(id15(&c));
        }
        if let Some(e) = r
            .get("Contact")
            .and_then(|c| c.get("Email"))
            .and_then(Value::as_str)
        {
            emails.entry(id15(&opp)).or_default().push(email::key(e));
        }
    }
    let mut converted: HashMap<String, Vec<(String, Option<String>)>> = HashMap::new();
    for r in &leads {
        if let (Some(opp), Some(lead)) = (text(r, "ConvertedOpportunityId"), text(r, "Id")) {
            converted
                .entry(id15(&opp))
                .or_default()
                .push((id15(&lead), text(r, "ConvertedContactId")));
        }
    }

    let now = Utc::now();
    store.transaction(|tx| {
        let locals = load_locals(tx)?;
        let mut by_opp: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_contact: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_lead: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_email: HashMap<String, usize> = HashMap::new();
        for (i, (local, lead, contact)) in locals.iter().enumerate() {
            if let Some(o) = &local.opportunity_id {
                by_opp.entry(id15(o)).or_default().push(i);
            }
            if let Some(c) = contact {
                by_contact.entry(id15(c)).or_default().push(i);
            }
            if let Some(l) = lead {
                by_lead.entry(id15(l)).or_default().push(i);
            }
            by_email.insert(local.email_key.clone(), i);
        }
        let mut changed = std::collections::HashSet::new();
        for opp in &opportunities {
            let key = id15(&opp.id);
            // (contact index, Contact Id a converted Lead became)
            let mut targets: Vec<(usize, Option<String>)> = Vec::new();
            targets.extend(by_opp.get(&key).into_iter().flatten().map(|&i| (i, None)));
            for c in contact_ids.get(&key).into_iter().flatten() {
                targets.extend(by_contact.get(c).into_iter().flatten().map(|&i| (i, None)));
            }
            for (lead, contact) in converted.get(&key).into_iter().flatten() {
                targets.extend(
                    by_lead
                        .get(lead)
                        .into_iter()
                        .flatten()
                        .map(|&i| (i, contact.clone())),
                );
            }
            if targets.is_empty() {
                for e in emails.get(&key).into_iter().flatten() {
                    if let Some(&i) = by_email.get(e) {
                        targets.push((i, None));
                    }
                }
            }
            if targets.is_empty() {
                report.unmatched += 1;
            }
            targets.sort_by_key(|(i, c)| (*i, c.is_none()));
            targets.dedup_by_key(|(i, _)| *i);
            for (i, converted_contact) in targets {
                let local = &locals[i].0;
                let differs = local.opportunity_id.as_deref().map(id15) != Some(key.clone())
                    || local.stage != opp.stage
                    || local.amount != opp.amount
                    || local.close_date != opp.close_date;
                tx.execute(
                    "UPDATE contacts SET salesforce_opportunity_id = ?2, salesforce_opportunity_stage = ?3, \
                       salesforce_opportunity_amount = ?4, salesforce_opportunity_close_date = ?5, \
                       salesforce_opportunity_modified_at = ?6, \
                       salesforce_contact_id = coalesce(?7, salesforce_contact_id) \
                     WHERE email_key = ?1",
                    params![
                        local.email_key,
                        opp.id,
                        opp.stage,
                        opp.amount,
                        opp.close_date,
                        ts(opp.modified),
                        converted_contact,
                    ],
                )?;
                if differs {
                    changed.insert(i);
                }
            }
            report.cursor = Some(report.cursor.map_or(opp.modified, |c| c.max(opp.modified)));
        }
        report.contacts_updated = changed.len() as u32;
        tx.execute(
            "INSERT INTO backflow_state (id, cursor, last_pulled_at, last_changed, last_seen) \
             VALUES (1, ?1, ?2, ?3, ?4) \
             ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor, last_pulled_at = excluded.last_pulled_at, \
               last_changed = excluded.last_changed, last_seen = excluded.last_seen",
            params![
                report.cursor.map(ts),
                ts(now),
                report.contacts_updated,
                report.opportunities
            ],
        )?;
        Ok(())
    })?;
    report.api_calls = client.api_calls() - calls_before;
    Ok(report)
}

/// A local contact with its Lead Id and Contact Id.
type LocalRow = (Local, Option<String>, Option<String>);

/// Every contact with a Salesforce link or an email, with its Lead and Contact Ids.
fn load_locals(tx: &rusqlite::Connection) -> Result<Vec<LocalRow>> {
    let mut stmt = tx.prepare(
        "SELECT email_key, salesforce_opportunity_id, salesforce_opportunity_stage, \
           salesforce_opportunity_amount, salesforce_opportunity_close_date, salesforce_lead_id, \
           salesforce_contact_id FROM contacts",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            Local {
                email_key: r.get(0)?,
                opportunity_id: r.get(1)?,
                stage: r.get(2)?,
                amount: r.get(3)?,
                close_date: r.get(4)?,
            },
            r.get(5)?,
            r.get(6)?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
