//! The planner on its own: hand-built snapshots, the recorded describe fixtures.

// Each test starts from the default document or an empty snapshot and changes what it is about.
#![allow(clippy::field_reassign_with_default)]

use std::collections::HashMap;

use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::{json, Map, Value};

use super::model::*;
use super::planner::{plan, render_template, PlanInput};
use super::snapshot::{Carry, MatchedAccount, OwnerChoice, Routed, Snapshot};
use crate::contacts::{Contact, ContactAgents, ConversationStatus};
use crate::mapping::document::{
    AssignmentPolicy, ContactPolicy, MappingDocument, MappingRow, MinimumScore,
};
use crate::salesforce::describe::SObjectDescribe;
use crate::salesforce::query::Record;

fn describes() -> HashMap<String, SObjectDescribe> {
    let mut out = HashMap::new();
    for object in ["Lead", "Contact", "Account", "Opportunity"] {
        let path = format!(
            "{}/../../tests/fixtures/describe/{object}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        out.insert(object.to_string(), serde_json::from_str(&text).unwrap());
    }
    out
}

fn contact(email: &str) -> Contact {
    let at = Utc.with_ymd_and_hms(2026, 4, 5, 14, 30, 0).unwrap();
    let mut metadata = Map::new();
    metadata.insert("industry".into(), json!("Technology"));
    Contact {
        id: 7,
        email: email.to_string(),
        email_key: email.to_lowercase(),
        first_name: Some("Alex".into()),
        last_name: Some("Chen".into()),
        phone: Some("+1-555-0142".into()),
        company: Some("Acme".into()),
        website: None,
        domain: Some("acme.example".into()),
        country: None,
        qualification_score: Some(87.0),
        intent: Some("enterprise_demo".into()),
        source: Some("Website Chat".into()),
        conversation_url: Some("https://app.hoverbot.ai/conversations/sf-abc123".into()),
        workspace_id: None,
        conversation_id: Some("conv-1".into()),
        metadata,
        agents: ContactAgents::default(),
        conversation_status: ConversationStatus::Closed,
        closed_at: Some(at),
        received_at: at,
        updated_at: at,
        qualified_at: Some(at),
        conversations: vec![],
        events: vec![],
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

fn rec(v: Value) -> Record {
    v.as_object().expect("object").clone()
}

const OWNER: &str = "005000000000001AAA";
const LEAD: &str = "00Q000000000001AAA";
const CONTACT: &str = "003000000000001AAA";
const ACCOUNT: &str = "001000000000001AAA";

fn routed_to_owner() -> Routed {
    Routed {
        owner: Some(OwnerChoice {
            owner_id: OWNER.into(),
            owner_name: Some("Sally Rep".into()),
            strategy: "meeting_scheduler".into(),
            reason: "the visitor booked a meeting with sally@chat.example".into(),
        }),
        note: None,
        account: None,
    }
}

fn run(contacts: &[Contact], doc: &MappingDocument, snapshot: &Snapshot) -> Plan {
    let describes = describes();
    plan(
        &PlanInput {
            doc,
            describes: &describes,
            snapshot,
            today: NaiveDate::from_ymd_opt(2026, 4, 5).unwrap(),
            mapping_version: Some(3),
        },
        contacts,
    )
}

fn change<'p>(item: &'p PlanItem, field: &str) -> Option<&'p FieldChange> {
    item.changes.iter().find(|c| c.field == field)
}

#[test]
fn a_new_lead_gets_every_row_converted_and_the_routed_owner() {
    let c = contact("Alex.Chen@Acme.example");
    let mut doc = MappingDocument::default();
    doc.campaign_id = Some("701000000000001AAA".into());
    let mut snapshot = Snapshot::default();
    snapshot
        .routing
        .insert(c.email_key.clone(), routed_to_owner());
    let plan = run(std::slice::from_ref(&c), &doc, &snapshot);
    let item = &plan.items[0];
    assert_eq!(item.action, PlanAction::Create);
    assert_eq!(item.object, SyncObject::Lead);
    assert!(item.problem.is_none(), "{:?}", item.problem);
    assert_eq!(change(item, "Lead_Score__c").unwrap().after, json!(87));
    assert_eq!(
        change(item, "Email").unwrap().after,
        json!("Alex.Chen@Acme.example")
    );
    assert_eq!(change(item, "Industry").unwrap().after, json!("Technology"));
    assert_eq!(change(item, "OwnerId").unwrap().after, json!(OWNER));
    assert!(item.changes.iter().all(|c| c.before.is_none()));
    assert_eq!(item.owner_strategy.as_deref(), Some("meeting_scheduler"));
    assert!(item
        .owner_reason
        .as_deref()
        .unwrap()
        .contains("booked a meeting"));
    assert_eq!(item.assignment, Some(AssignmentHeader::Off));
    assert_eq!(
        item.campaign,
        Some(CampaignStep {
            campaign_id: "701000000000001AAA".into(),
            lead_id: None,
            existing_member_id: None
        })
    );
    assert_eq!(plan.totals.create, 1);
    assert_eq!(plan.totals.campaign_members, 1);
    assert_eq!(
        plan.totals.write_calls, 2,
        "one call for Leads, one for members"
    );
    assert_eq!(plan.api, ApiPath::Rest);
    assert_eq!(plan.mapping_version, Some(3));
    // The plan crosses to the UI and the CLI as JSON.
    let wire = serde_json::to_value(&plan).unwrap();
    assert_eq!(wire["api"], "REST");
    assert_eq!(wire["items"][0]["action"], "create");
}

#[test]
fn required_defaults_fill_last_name_and_company() {
    let mut c = contact("o'brien@example.com");
    c.last_name = None;
    c.company = None;
    let plan = run(&[c], &MappingDocument::default(), &Snapshot::default());
    let item = &plan.items[0];
    assert!(item.problem.is_none(), "{:?}", item.problem);
    assert_eq!(change(item, "LastName").unwrap().after, json!("o'brien"));
    assert_eq!(
        change(item, "LastName").unwrap().source,
        "requiredDefaults.lastNameFromEmail"
    );
    assert_eq!(
        change(item, "Company").unwrap().after,
        json!("[not provided]")
    );
    assert_eq!(item.owner_strategy.as_deref(), Some("none"));

    let mut doc = MappingDocument::default();
    doc.required_defaults.company = None;
    let mut c = contact("x@example.com");
    c.company = None;
    let plan = run(&[c], &doc, &Snapshot::default());
    let problem = plan.items[0].problem.as_ref().expect("Company is required");
    assert_eq!(problem.code, "REQUIRED_FIELD_MISSING");
    assert_eq!(problem.field.as_deref(), Some("Lead.Company"));
    assert_eq!(plan.totals.invalid, 1);
    assert_eq!(plan.totals.write_calls, 0);
}

#[test]
fn a_value_too_long_fails_the_contact_naming_the_field() {
    let mut c = contact("long@example.com");
    c.first_name = Some("x".repeat(41));
    let plan = run(&[c], &MappingDocument::default(), &Snapshot::default());
    let item = &plan.items[0];
    let problem = item.problem.as_ref().expect("too long");
    assert_eq!(problem.code, "STRING_TOO_LONG");
    assert_eq!(problem.field.as_deref(), Some("Lead.FirstName"));
    assert!(!item.has_writes());
}

#[test]
fn an_existing_lead_gets_only_changed_overwrite_fields() {
    let c = contact("alex.chen@acme.example");
    let mut snapshot = Snapshot::default();
    snapshot.leads = Snapshot::index_by_email(vec![rec(json!({
        "Id": LEAD, "Email": "ALEX.CHEN@acme.example", "OwnerId": OWNER,
        "LastModifiedDate": "2026-03-01T10:00:00.000+0000",
        "FirstName": "Alexander", "Lead_Score__c": 72, "Intent__c": "enterprise_demo",
        "Description": null, "Phone": "+1-555-0000"
    }))]);
    snapshot
        .routing
        .insert(c.email_key.clone(), routed_to_owner());
    let mut doc = MappingDocument::default();
    doc.campaign_id = Some("701000000000001AAA".into());
    let plan = run(std::slice::from_ref(&c), &doc, &snapshot);
    let item = &plan.items[0];
    assert_eq!(item.action, PlanAction::Update);
    assert_eq!(item.record_id.as_deref(), Some(LEAD));
    let fields: Vec<&str> = item.changes.iter().map(|c| c.field.as_str()).collect();
    // Score changed, Description was empty; intent is the same; FirstName/Phone are not
    // overwrite rows.
    assert_eq!(fields, ["Lead_Score__c", "Description"]);
    let score = change(item, "Lead_Score__c").unwrap();
    assert_eq!(
        (score.before.clone(), score.after.clone()),
        (Some(json!(72)), json!(87))
    );
    assert_eq!(change(item, "Description").unwrap().before, None);
    assert_eq!(item.owner_id.as_deref(), Some(OWNER));
    assert_eq!(item.owner_strategy.as_deref(), Some("existing_owner"));
    assert_eq!(item.assignment, Some(AssignmentHeader::Off));
    assert!(item.campaign.is_none(), "campaigns take new Leads only");
    assert!(item.campaign_note.is_some());

    // The same Lead already holding every value: unchanged, nothing to send.
    let mut same = snapshot.clone();
    same.leads = Snapshot::index_by_email(vec![rec(json!({
        "Id": LEAD, "Email": "alex.chen@acme.example", "OwnerId": OWNER,
        "LastModifiedDate": "2026-03-01T10:00:00.000+0000",
        "Lead_Score__c": 87.0, "Intent__c": "enterprise_demo",
        "Description": "https://app.hoverbot.ai/conversations/sf-abc123"
    }))]);
    let plan = run(std::slice::from_ref(&c), &doc, &same);
    assert_eq!(plan.items[0].action, PlanAction::Unchanged);
    assert!(!plan.items[0].has_writes());
    assert_eq!(plan.totals.write_calls, 0);

    // A chat field without a value never clears Salesforce's.
    let mut blank = c.clone();
    blank.intent = None;
    blank.qualification_score = None;
    blank.conversation_url = None;
    let plan = run(&[blank], &doc, &snapshot);
    assert_eq!(plan.items[0].action, PlanAction::Unchanged);
}

#[test]
fn several_leads_the_most_recently_modified_is_updated_and_said() {
    let c = contact("sam.twin@twinpeaks.example");
    let mut snapshot = Snapshot::default();
    snapshot.leads = Snapshot::index_by_email(vec![
        rec(
            json!({"Id": "00Q000000000002AAA", "Email": "SAM.TWIN@twinpeaks.example",
                   "LastModifiedDate": "2026-01-01T00:00:00.000+0000", "Lead_Score__c": 1}),
        ),
        rec(
            json!({"Id": "00Q000000000003AAA", "Email": "sam.twin@twinpeaks.example",
                   "LastModifiedDate": "2026-02-01T00:00:00.000+0000", "Lead_Score__c": 1}),
        ),
    ]);
    let plan = run(&[c], &MappingDocument::default(), &snapshot);
    let item = &plan.items[0];
    assert_eq!(item.record_id.as_deref(), Some("00Q000000000003AAA"));
    assert_eq!(item.notes.len(), 1);
    assert!(
        item.notes[0].contains("2 Leads") && item.notes[0].contains("most recently modified"),
        "{}",
        item.notes[0]
    );
}

#[test]
fn a_contact_with_the_email_is_skipped_or_updated_by_policy() {
    let c = contact("siobhan@harborlight.example");
    let mut snapshot = Snapshot::default();
    snapshot.contacts = Snapshot::index_by_email(vec![rec(json!({
        "Id": CONTACT, "Email": "Siobhan@harborlight.example", "AccountId": ACCOUNT,
        "OwnerId": OWNER, "LastModifiedDate": "2026-03-01T10:00:00.000+0000",
        "Phone": "+1-555-9999"
    }))]);
    // A Lead with the same email does not matter: the Contact wins.
    snapshot.leads = Snapshot::index_by_email(vec![rec(json!({
        "Id": LEAD, "Email": "siobhan@harborlight.example",
        "LastModifiedDate": "2026-03-01T10:00:00.000+0000"
    }))]);
    let mut doc = MappingDocument::default();
    doc.opportunity.enabled = true;
    let plan = run(std::slice::from_ref(&c), &doc, &snapshot);
    let item = &plan.items[0];
    assert_eq!(item.action, PlanAction::Skipped);
    assert_eq!(item.object, SyncObject::Contact);
    assert_eq!(item.skip_reason.as_ref().unwrap().code, "CONTACT_EXISTS");
    assert!(!item.has_writes());
    assert!(item.opportunity.is_none());
    assert!(item.opportunity_note.is_some());

    doc.contact_policy = ContactPolicy::UpdateExisting;
    let plan = run(std::slice::from_ref(&c), &doc, &snapshot);
    let item = &plan.items[0];
    assert_eq!(item.action, PlanAction::Update);
    assert_eq!(item.record_id.as_deref(), Some(CONTACT));
    let phone = change(item, "Phone").expect("phone is an overwrite row");
    assert_eq!(phone.before, Some(json!("+1-555-9999")));
    assert_eq!(item.changes.len(), 1, "names are not overwrite rows");
    assert_eq!(item.assignment, None, "assignment rules are a Lead matter");
    let opp = item.opportunity.as_ref().expect("score 87 reaches 3 stars");
    assert_eq!(opp.contact_id, CONTACT);
    assert_eq!(opp.account_id.as_deref(), Some(ACCOUNT));
    assert_eq!(opp.stage_name, "Qualification");
    assert_eq!(opp.close_date, "2026-05-05");
    assert_eq!(opp.name, "Acme - Chat opportunity");
    assert_eq!(
        opp.description.as_deref(),
        Some("https://app.hoverbot.ai/conversations/sf-abc123")
    );
    assert_eq!(
        plan.totals.write_calls, 3,
        "contact, opportunity, contact role"
    );

    // Below the threshold: no Opportunity, and the item says why.
    doc.opportunity.minimum_score = MinimumScore::Score(90);
    let plan = run(std::slice::from_ref(&c), &doc, &snapshot);
    assert!(plan.items[0].opportunity.is_none());
    assert!(plan.items[0]
        .opportunity_note
        .as_deref()
        .unwrap()
        .contains("below the Opportunity minimum 90"));

    // One Opportunity per contact: an earlier push's Opportunity is not repeated.
    doc.opportunity.minimum_score = MinimumScore::Stars(3);
    let mut again = c.clone();
    again.salesforce_opportunity_id = Some("006000000000001AAA".into());
    let plan = run(&[again], &doc, &snapshot);
    assert!(plan.items[0].opportunity.is_none());
}

#[test]
fn a_new_lead_says_why_it_gets_no_opportunity() {
    let mut doc = MappingDocument::default();
    doc.opportunity.enabled = true;
    let plan = run(&[contact("new@acme.example")], &doc, &Snapshot::default());
    let note = plan.items[0].opportunity_note.as_deref().unwrap();
    assert!(note.contains("new Lead has no Contact"), "{note}");
}

#[test]
fn salesforce_rules_decide_new_leads_only() {
    let c = contact("rules@acme.example");
    let mut doc = MappingDocument::default();
    doc.assignment = AssignmentPolicy::SalesforceRulesForNewLeads;
    let mut snapshot = Snapshot::default();
    snapshot
        .routing
        .insert(c.email_key.clone(), routed_to_owner());
    let plan = run(std::slice::from_ref(&c), &doc, &snapshot);
    let item = &plan.items[0];
    assert_eq!(item.assignment, Some(AssignmentHeader::SalesforceRules));
    assert!(change(item, "OwnerId").is_none());
    assert_eq!(
        item.owner_strategy.as_deref(),
        Some("salesforce_assignment_rules")
    );

    snapshot.leads = Snapshot::index_by_email(vec![rec(json!({
        "Id": LEAD, "Email": "rules@acme.example", "Lead_Score__c": 1,
        "LastModifiedDate": "2026-03-01T10:00:00.000+0000"
    }))]);
    let plan = run(&[c], &doc, &snapshot);
    assert_eq!(plan.items[0].action, PlanAction::Update);
    assert_eq!(plan.items[0].assignment, Some(AssignmentHeader::Off));
}

#[test]
fn account_overwrite_rows_apply_once_per_account() {
    let a = contact("a@acme.example");
    let mut b = contact("b@acme.example");
    b.metadata.insert("industry".into(), json!("Finance"));
    let mut doc = MappingDocument::default();
    doc.objects.account = vec![MappingRow::new("metadata.industry", "Industry", true)];
    let mut snapshot = Snapshot::default();
    for c in [&a, &b] {
        snapshot.routing.insert(
            c.email_key.clone(),
            Routed {
                account: Some(MatchedAccount {
                    id: ACCOUNT.into(),
                    name: Some("Acme".into()),
                }),
                ..Routed::default()
            },
        );
    }
    snapshot.accounts.insert(
        ACCOUNT.into(),
        rec(json!({"Id": ACCOUNT, "Name": "Acme", "Industry": "Retail"})),
    );
    let plan = run(&[a, b], &doc, &snapshot);
    let first = plan.items[0]
        .account
        .as_ref()
        .expect("first contact updates it");
    assert_eq!(first.changes[0].before, Some(json!("Retail")));
    assert_eq!(first.changes[0].after, json!("Technology"));
    assert!(plan.items[1].account.is_none());
    assert!(plan.items[1]
        .account_note
        .as_deref()
        .unwrap()
        .contains("a@acme.example"));
    assert_eq!(plan.totals.account_updates, 1);

    // Without overwrite the Account is never touched.
    doc.objects.account[0].overwrite = false;
    let plan = run(&[contact("a@acme.example")], &doc, &snapshot);
    assert!(plan.items[0].account.is_none());
    assert!(plan.items[0].account_note.is_none());
}

#[test]
fn a_create_found_after_an_interruption_is_not_created_again() {
    let c = contact("resumed@acme.example");
    let mut doc = MappingDocument::default();
    doc.campaign_id = Some("701000000000001AAA".into());
    let mut snapshot = Snapshot::default();
    snapshot.leads = Snapshot::index_by_email(vec![rec(json!({
        "Id": LEAD, "Email": "resumed@acme.example", "OwnerId": OWNER,
        "LastModifiedDate": "2026-03-01T10:00:00.000+0000"
    }))]);
    snapshot.carry.insert(
        c.email_key.clone(),
        Carry {
            delivery_id: 41,
            retry: false,
            planned: PlanAction::Create,
            created_lead_id: None,
            campaign_member_id: None,
            opportunity_id: None,
            contact_role_id: None,
            interrupted: vec![InterruptedAttempt {
                attempt_id: 99,
                object: "Lead".into(),
                create: true,
                found_id: Some(LEAD.into()),
            }],
            findings: vec!["found".into()],
            supersedes: vec![],
            refused: None,
        },
    );
    let plan = run(&[c], &doc, &snapshot);
    let item = &plan.items[0];
    assert_eq!(item.action, PlanAction::Create);
    assert_eq!(item.record_id.as_deref(), Some(LEAD));
    assert!(item.changes.is_empty());
    assert_eq!(
        item.campaign.as_ref().unwrap().lead_id.as_deref(),
        Some(LEAD)
    );
    assert_eq!(
        item.continues.as_ref().unwrap().interrupted[0].attempt_id,
        99
    );
    assert_eq!(plan.totals.create, 0, "nothing is created");
    assert_eq!(plan.totals.write_calls, 1, "only the campaign membership");
}

#[test]
fn templates_render_chat_fields() {
    let c = contact("t@acme.example");
    assert_eq!(
        render_template("{company} / {intent} / {metadata.industry} / {missing}", &c),
        "Acme / enterprise_demo / Technology / "
    );
    assert_eq!(render_template("{qualificationScore} pts", &c), "87 pts");
}

#[test]
fn a_manual_push_ignores_criteria_and_plans_no_task() {
    use crate::mapping::document::TaskEventKind;
    // Criteria that would hold this contact back from an automated delivery, and Tasks on
    // for every event kind.
    let mut c = contact("low.score@acme.example");
    c.qualification_score = Some(5.0);
    c.conversation_status = ConversationStatus::Open;
    c.closed_at = None;
    let mut doc = MappingDocument::default();
    doc.criteria.minimum_score = MinimumScore::Stars(3);
    doc.criteria.integration_on = false;
    doc.criteria.require_conversation_closed = true;
    doc.criteria.sync_delay_minutes = 600;
    doc.tasks.event_kinds = vec![
        TaskEventKind::LeadQualified,
        TaskEventKind::ConversationEscalated,
        TaskEventKind::ConversationCompleted,
    ];
    let mut snapshot = Snapshot::default();
    snapshot
        .routing
        .insert(c.email_key.clone(), routed_to_owner());
    let plan = run(std::slice::from_ref(&c), &doc, &snapshot);
    let item = &plan.items[0];
    assert_eq!(item.action, PlanAction::Create);
    assert!(item.problem.is_none() && item.skip_reason.is_none());
    assert_eq!(plan.totals.create, 1);
    let text = serde_json::to_string(&plan).unwrap();
    assert!(!text.contains("\"Task\""), "no Task is planned: {text}");
}
