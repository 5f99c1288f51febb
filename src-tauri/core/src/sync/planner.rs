//! The planner: contacts + mapping document + org snapshot (+ routing decisions, + what
//! earlier attempts did) → [`Plan`]. Pure: no I/O, no clock (today's date is an input), so
//! the preview, `sync --dry-run` and the executor see the same plan, and tests pin it down.
//!
//! Per contact (PRODUCT.md steps 4, 5, 7, 8):
//! - A Salesforce **Contact** has the email: `contactPolicy: skip` (the default) skips it
//!   (`CONTACT_EXISTS`, nothing written, no Lead created); `updateExisting` applies the
//!   Contact tab's overwrite rows whose value differs. Several Contacts: the most recently
//!   modified one, and a note says so.
//! - Else an unconverted **Lead** has the email: the Lead tab's overwrite rows whose value
//!   differs are updated, else `unchanged`. Several Leads: the most recently modified one is
//!   updated, and a note says so.
//! - Else a new Lead from every Lead row, values converted to describe's types (never
//!   truncated: a value too long for its field fails the contact, naming the field);
//!   `requiredDefaults` fill `LastName` and `Company`; `Email` is always set (it is the dedupe
//!   key); `OwnerId` is the routing decision unless Salesforce's assignment rules decide.
//! - A chat field with no value never clears a Salesforce value.
//! - Campaign membership: new Leads only, when `campaignId` is set.
//! - Opportunity: when enabled and the score reaches `opportunity.minimumScore`, for a
//!   contact whose email matches a Salesforce Contact that this push updates
//!   (`updateExisting`): the Opportunity goes on the Contact's Account with the Contact as
//!   primary contact role. A new or existing Lead has no Contact yet, and a skipped Contact is
//!   left alone: the item says why no Opportunity is planned. One Opportunity per contact: a
//!   contact that already has one from an earlier push gets no second.
//! - Account tab overwrite rows apply to the Account routing matched, once per push (the
//!   first contact of the push that matches it decides).
//! - Manual pushes ignore criteria and create no Tasks (seed 002), so neither appears here.

use std::borrow::Borrow;
use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use serde_json::Value;

use super::batch;
use super::convert::{same_value, to_field};
use super::model::{
    AccountStep, ApiPath, AssignmentHeader, CampaignStep, Continuation, FieldChange,
    OpportunityStep, Plan, PlanAction, PlanIssue, PlanItem, PlanTotals, SyncObject,
};
use super::snapshot::{text, Carry, Routed, Snapshot};
use crate::contacts::Contact;
use crate::mapping::document::{AssignmentPolicy, ContactPolicy, MappingDocument, MappingRow};
use crate::salesforce::describe::SObjectDescribe;
use crate::salesforce::query::Record;

/// How every write travels (shown per item in the preview).
pub const API_ROUTE: &str =
    "REST: sObject Collections (/composite/sobjects, 200 records) inside Composite (/composite)";

/// What the planner reads besides the contacts.
pub struct PlanInput<'a> {
    pub doc: &'a MappingDocument,
    /// Describes by object name: Lead always; Contact, Account and Opportunity when used.
    pub describes: &'a HashMap<String, SObjectDescribe>,
    pub snapshot: &'a Snapshot,
    /// The day Opportunity close dates count from.
    pub today: NaiveDate,
    pub mapping_version: Option<u32>,
}

/// Plans every contact, in the order given.
pub fn plan(input: &PlanInput<'_>, contacts: &[Contact]) -> Plan {
    finish(plan_items(input, contacts), input.mapping_version, 0)
}

/// The plan's items for `contacts`, in the order given. Given owned contacts, each is dropped
/// as soon as its item is made, so a large push never holds all its contacts and its whole
/// plan side by side.
pub fn plan_items<C: Borrow<Contact>>(
    input: &PlanInput<'_>,
    contacts: impl IntoIterator<Item = C>,
) -> Vec<PlanItem> {
    let mut accounts_claimed: HashMap<String, String> = HashMap::new();
    contacts
        .into_iter()
        .map(|c| plan_contact(input, c.borrow(), &mut accounts_claimed))
        .collect()
}

/// Wraps items into a plan with its totals.
pub fn finish(items: Vec<PlanItem>, mapping_version: Option<u32>, lookup_calls: u64) -> Plan {
    let mut totals = PlanTotals {
        contacts: items.len() as u32,
        ..PlanTotals::default()
    };
    for item in &items {
        if item.problem.is_some() {
            totals.invalid += 1;
            continue;
        }
        match item.action {
            PlanAction::Create if item.record_id.is_none() => totals.create += 1,
            PlanAction::Create => {}
            PlanAction::Update => totals.update += 1,
            PlanAction::Unchanged => totals.unchanged += 1,
            PlanAction::Skipped => totals.skipped += 1,
        }
        if item
            .campaign
            .as_ref()
            .is_some_and(|c| c.existing_member_id.is_none())
        {
            totals.campaign_members += 1;
        }
        if item
            .opportunity
            .as_ref()
            .is_some_and(|o| o.existing_opportunity_id.is_none())
        {
            totals.opportunities += 1;
        }
        if item.account.is_some() {
            totals.account_updates += 1;
        }
    }
    totals.write_calls = batch::estimate_calls(&items);
    Plan {
        items,
        totals,
        api: ApiPath::Rest,
        mapping_version,
        lookup_calls,
        bulk: None,
    }
}

/// An item for a delivery being continued whose contact is no longer in the inbox: it cannot
/// be planned, so it fails without a call.
pub fn orphan_item(address: &str, carry: &Carry) -> PlanItem {
    let mut item = blank_item(None, address);
    item.problem = Some(carry.refused.clone().unwrap_or_else(|| PlanIssue::new(
        "CONTACT_NOT_IN_INBOX",
        format!(
            "delivery {} is for {address}, who is no longer in the contact inbox; import the contact again to retry it",
            carry.delivery_id
        ),
    )));
    item.continues = Some(continuation(carry));
    item
}

fn blank_item(contact: Option<&Contact>, address: &str) -> PlanItem {
    PlanItem {
        contact_id: contact.map(|c| c.id),
        email: address.to_string(),
        contact_name: contact.and_then(Contact::full_name),
        company: contact.and_then(|c| c.company.clone()),
        object: SyncObject::Lead,
        action: PlanAction::Create,
        record_id: None,
        changes: Vec::new(),
        owner_id: None,
        owner_name: None,
        owner_reason: None,
        owner_strategy: None,
        assignment: None,
        campaign: None,
        campaign_note: None,
        opportunity: None,
        opportunity_note: None,
        account: None,
        account_note: None,
        skip_reason: None,
        problem: None,
        notes: Vec::new(),
        api: API_ROUTE.to_string(),
        continues: None,
    }
}

fn continuation(carry: &Carry) -> Continuation {
    Continuation {
        delivery_id: carry.delivery_id,
        retry: carry.retry,
        interrupted: carry.interrupted.clone(),
        findings: carry.findings.clone(),
        supersedes: carry.supersedes.clone(),
    }
}

fn plan_contact(
    input: &PlanInput<'_>,
    contact: &Contact,
    accounts_claimed: &mut HashMap<String, String>,
) -> PlanItem {
    let doc = input.doc;
    let key = contact.email_key.as_str();
    let routed = input.snapshot.routing.get(key).cloned().unwrap_or_default();
    let carry = input.snapshot.carry.get(key);
    let mut item = blank_item(Some(contact), &contact.email);
    item.continues = carry.map(continuation);
    if let Some((carry, refused)) = carry.and_then(|c| c.refused.clone().map(|r| (c, r))) {
        // Salesforce already refused this delivery (see `resume::refused`): it fails as it
        // stands, without a look at the org, and keeps the Lead an earlier attempt created.
        item.action = carry.planned;
        item.record_id = carry.created_lead_id.clone();
        item.problem = Some(refused);
        return item;
    }

    let matched_contacts = input.snapshot.contacts.get(key).map(Vec::as_slice);
    let matched_leads = input.snapshot.leads.get(key).map(Vec::as_slice);
    let result = if let Some(found) = matched_contacts.filter(|l| !l.is_empty()) {
        plan_existing_contact(input, contact, found, &mut item)
    } else if let Some(found) = matched_leads.filter(|l| !l.is_empty()) {
        plan_existing_lead(input, contact, found, carry, &mut item)
    } else {
        plan_new_lead(input, contact, &routed, &mut item)
    };
    if let Err(problem) = result {
        item.problem = Some(problem);
        return item;
    }
    if doc.campaign_id.is_some() && item.campaign.is_none() && item.campaign_note.is_none() {
        item.campaign_note = Some(match item.action {
            PlanAction::Skipped => "skipped contacts join no campaign".into(),
            _ => "only new Leads join the campaign; this record already existed".into(),
        });
    }
    if item.action != PlanAction::Skipped {
        if let Err(problem) = plan_account(input, contact, &routed, accounts_claimed, &mut item) {
            item.problem = Some(problem);
        }
    }
    item
}

/// The most recent of several matches, with a note when there were several.
fn pick<'r>(found: &'r [Record], object: &str, item: &mut PlanItem) -> &'r Record {
    let chosen = &found[0];
    if found.len() > 1 {
        let ids: Vec<&str> = found.iter().filter_map(|r| text(r, "Id")).collect();
        item.notes.push(format!(
            "{} {object}s have this email ({}); the most recently modified one ({}) is used",
            found.len(),
            ids.join(", "),
            text(chosen, "Id").unwrap_or("?")
        ));
    }
    chosen
}

fn set_existing_owner(record: &Record, object: &str, item: &mut PlanItem) {
    item.owner_id = text(record, "OwnerId").map(str::to_string);
    item.owner_strategy = Some("existing_owner".into());
    item.owner_reason = Some(format!("existing {object}: its owner is kept"));
}

fn plan_existing_contact(
    input: &PlanInput<'_>,
    contact: &Contact,
    found: &[Record],
    item: &mut PlanItem,
) -> Result<(), PlanIssue> {
    let doc = input.doc;
    item.object = SyncObject::Contact;
    let record = pick(found, "Contact", item);
    let id = text(record, "Id").map(str::to_string);
    item.record_id = id.clone();
    set_existing_owner(record, "Contact", item);
    match doc.contact_policy {
        ContactPolicy::Skip => {
            item.action = PlanAction::Skipped;
            item.skip_reason = Some(PlanIssue::new(
                "CONTACT_EXISTS",
                format!(
                    "Salesforce Contact {} has this email; contactPolicy \"skip\" leaves it untouched and creates no Lead",
                    id.as_deref().unwrap_or("?")
                ),
            ));
            if doc.opportunity.enabled {
                item.opportunity_note = Some(
                    "no Opportunity: the matching Contact is skipped (contactPolicy \"skip\")"
                        .into(),
                );
            }
            Ok(())
        }
        ContactPolicy::UpdateExisting => {
            let describe = describe_of(input, "Contact")?;
            item.changes = overwrite_changes(contact, &doc.objects.contact, describe, record)?;
            item.action = if item.changes.is_empty() {
                PlanAction::Unchanged
            } else {
                PlanAction::Update
            };
            plan_opportunity(input, contact, record, item)
        }
    }
}

fn plan_existing_lead(
    input: &PlanInput<'_>,
    contact: &Contact,
    found: &[Record],
    carry: Option<&Carry>,
    item: &mut PlanItem,
) -> Result<(), PlanIssue> {
    let doc = input.doc;
    item.object = SyncObject::Lead;
    // An earlier attempt of this very delivery created the Lead: keep reporting a create and
    // still owe its campaign membership; never create it again.
    let ours = carry
        .filter(|c| c.planned == PlanAction::Create)
        .and_then(|c| {
            let id = c.created_lead_id.as_deref();
            found
                .iter()
                .find(|r| id.is_none_or(|id| same_id(text(r, "Id"), id)))
        });
    if let (Some(record), Some(carry)) = (ours, carry) {
        let lead_id = text(record, "Id").map(str::to_string);
        item.action = PlanAction::Create;
        item.record_id = lead_id.clone();
        item.owner_id = text(record, "OwnerId").map(str::to_string);
        item.owner_strategy = Some("existing_owner".into());
        item.owner_reason =
            Some("the Lead was created by an earlier attempt of this delivery".into());
        if let Some(campaign_id) = &doc.campaign_id {
            item.campaign = Some(CampaignStep {
                campaign_id: campaign_id.clone(),
                lead_id,
                existing_member_id: carry.campaign_member_id.clone(),
            });
        }
        note_no_opportunity_for_lead(input, contact, item, true);
        return Ok(());
    }
    let record = pick(found, "Lead", item);
    item.record_id = text(record, "Id").map(str::to_string);
    set_existing_owner(record, "Lead", item);
    let describe = describe_of(input, "Lead")?;
    item.changes = overwrite_changes(contact, &doc.objects.lead, describe, record)?;
    item.action = if item.changes.is_empty() {
        PlanAction::Unchanged
    } else {
        item.assignment = Some(AssignmentHeader::Off);
        PlanAction::Update
    };
    note_no_opportunity_for_lead(input, contact, item, false);
    Ok(())
}

fn plan_new_lead(
    input: &PlanInput<'_>,
    contact: &Contact,
    routed: &Routed,
    item: &mut PlanItem,
) -> Result<(), PlanIssue> {
    let doc = input.doc;
    let describe = describe_of(input, "Lead")?;
    item.object = SyncObject::Lead;
    item.action = PlanAction::Create;
    let mut changes = Vec::new();
    for row in &doc.objects.lead {
        let Some(value) = contact.value_at(&row.source) else {
            continue;
        };
        let field = field_of(describe, "Lead", &row.target, true)?;
        if let Some(after) = to_field("Lead", field, &row.source, &value)? {
            changes.push(FieldChange {
                field: field.name.clone(),
                source: row.source.clone(),
                before: None,
                after,
            });
        }
    }
    let has = |changes: &[FieldChange], name: &str| {
        changes.iter().any(|c| c.field.eq_ignore_ascii_case(name))
    };
    // Email is the dedupe key: without it the next push could not find this Lead.
    if !has(&changes, "Email") {
        let field = field_of(describe, "Lead", "Email", true)?;
        if let Some(after) = to_field(
            "Lead",
            field,
            "email",
            &Value::String(contact.email.clone()),
        )? {
            changes.push(FieldChange {
                field: field.name.clone(),
                source: "email".into(),
                before: None,
                after,
            });
        }
    }
    let defaults = &doc.required_defaults;
    if !has(&changes, "LastName") && defaults.last_name_from_email {
        let local = contact.email.rsplit_once('@').map_or("", |(l, _)| l);
        let field = field_of(describe, "Lead", "LastName", true)?;
        if let Some(after) = to_field(
            "Lead",
            field,
            "requiredDefaults.lastNameFromEmail",
            &Value::String(local.to_string()),
        )? {
            changes.push(FieldChange {
                field: field.name.clone(),
                source: "requiredDefaults.lastNameFromEmail".into(),
                before: None,
                after,
            });
        }
    }
    if let (false, Some(company)) = (has(&changes, "Company"), &defaults.company) {
        let field = field_of(describe, "Lead", "Company", true)?;
        if let Some(after) = to_field(
            "Lead",
            field,
            "requiredDefaults.company",
            &Value::String(company.clone()),
        )? {
            changes.push(FieldChange {
                field: field.name.clone(),
                source: "requiredDefaults.company".into(),
                before: None,
                after,
            });
        }
    }
    match doc.assignment {
        AssignmentPolicy::SalesforceRulesForNewLeads => {
            item.assignment = Some(AssignmentHeader::SalesforceRules);
            item.owner_strategy = Some("salesforce_assignment_rules".into());
            item.owner_reason =
                Some("Salesforce's active Lead assignment rule chooses the owner".into());
        }
        AssignmentPolicy::Leadbridge => {
            item.assignment = Some(AssignmentHeader::Off);
            match &routed.owner {
                Some(owner) if !has(&changes, "OwnerId") => {
                    let field = field_of(describe, "Lead", "OwnerId", true)?;
                    changes.push(FieldChange {
                        field: field.name.clone(),
                        source: "owner".into(),
                        before: None,
                        after: Value::String(owner.owner_id.clone()),
                    });
                    item.owner_id = Some(owner.owner_id.clone());
                    item.owner_name = owner.owner_name.clone();
                    item.owner_strategy = Some(owner.strategy.clone());
                    item.owner_reason = Some(owner.reason.clone());
                }
                Some(_) => {
                    item.owner_strategy = Some("mapping".into());
                    item.owner_reason = Some("a Lead row maps OwnerId itself".into());
                }
                None => {
                    item.owner_strategy = Some("none".into());
                    item.owner_reason = Some(routed.note.clone().unwrap_or_else(|| {
                        "no owner strategy resolved; Salesforce makes the connected user the owner".into()
                    }));
                }
            }
        }
    }
    // Salesforce's own required fields, checked before sending so the reason names the
    // setting that fixes it.
    for field in describe.fields.iter().filter(|f| f.required_on_create()) {
        if !has(&changes, &field.name) {
            return Err(PlanIssue::new(
                "REQUIRED_FIELD_MISSING",
                format!(
                    "Lead.{} is required and the contact has no value for it (map a chat field to it or set a requiredDefaults value)",
                    field.name
                ),
            )
            .on_field(format!("Lead.{}", field.name)));
        }
    }
    item.changes = changes;
    if let Some(campaign_id) = &input.doc.campaign_id {
        item.campaign = Some(CampaignStep {
            campaign_id: campaign_id.clone(),
            lead_id: None,
            existing_member_id: None,
        });
    }
    note_no_opportunity_for_lead(input, contact, item, true);
    Ok(())
}

/// The score test for an Opportunity; `Err(note)` when it does not pass.
fn qualifies_for_opportunity(input: &PlanInput<'_>, contact: &Contact) -> Result<(), String> {
    let settings = &input.doc.opportunity;
    let bands = &input.doc.criteria.star_bands;
    if settings
        .minimum_score
        .admits(contact.qualification_score, bands)
    {
        return Ok(());
    }
    let min = settings.minimum_score.threshold(bands).unwrap_or(0);
    Err(match contact.qualification_score {
        Some(score) => format!(
            "no Opportunity: the score {} is below the Opportunity minimum {min}",
            crate::contacts::model::score_value(score)
        ),
        None => format!("no Opportunity: the contact has no score (the minimum is {min})"),
    })
}

fn note_no_opportunity_for_lead(
    input: &PlanInput<'_>,
    contact: &Contact,
    item: &mut PlanItem,
    new_lead: bool,
) {
    if !input.doc.opportunity.enabled {
        return;
    }
    item.opportunity_note = Some(match qualifies_for_opportunity(input, contact) {
        Err(note) => note,
        Ok(()) if new_lead => "no Opportunity: a new Lead has no Contact to associate it with (Salesforce creates one when the Lead is converted)".into(),
        Ok(()) => "no Opportunity: the email matches a Lead, not a Contact; an Opportunity needs a Contact (convert the Lead first)".into(),
    });
}

fn plan_opportunity(
    input: &PlanInput<'_>,
    contact: &Contact,
    record: &Record,
    item: &mut PlanItem,
) -> Result<(), PlanIssue> {
    let settings = &input.doc.opportunity;
    if !settings.enabled {
        return Ok(());
    }
    if let Err(note) = qualifies_for_opportunity(input, contact) {
        item.opportunity_note = Some(note);
        return Ok(());
    }
    let carry = input.snapshot.carry.get(contact.email_key.as_str());
    let existing_opportunity_id = carry.and_then(|c| c.opportunity_id.clone());
    if existing_opportunity_id.is_none() {
        if let Some(earlier) = &contact.salesforce_opportunity_id {
            item.opportunity_note = Some(format!(
                "no Opportunity: Opportunity {earlier} was already created for this contact by an earlier push"
            ));
            return Ok(());
        }
    }
    let Some(contact_id) = item.record_id.clone() else {
        return Ok(());
    };
    let name = render_template(&settings.name_template, contact);
    if name.trim().is_empty() {
        return Err(PlanIssue::new(
            "INVALID_VALUE",
            format!(
                "the Opportunity name template {:?} gives an empty name for this contact",
                settings.name_template
            ),
        )
        .on_field("Opportunity.Name"));
    }
    let mut step = OpportunityStep {
        name: name.trim().to_string(),
        stage_name: settings.stage_name.clone(),
        close_date: (input.today + Duration::days(i64::from(settings.close_date_days)))
            .format("%Y-%m-%d")
            .to_string(),
        description: contact.conversation_url.clone(),
        account_id: text(record, "AccountId").map(str::to_string),
        contact_id,
        existing_opportunity_id,
        existing_contact_role_id: carry.and_then(|c| c.contact_role_id.clone()),
    };
    // Checked against describe like every other value: nothing is cut to fit.
    if let Some(describe) = input.describes.get("Opportunity") {
        for (name, value) in [
            ("Name", Some(step.name.clone())),
            ("Description", step.description.clone()),
        ] {
            if let (Some(field), Some(value)) = (describe.field(name), value) {
                let converted =
                    to_field("Opportunity", field, "opportunity", &Value::String(value))?;
                if name == "Name" {
                    if let Some(Value::String(s)) = converted {
                        step.name = s;
                    }
                }
            }
        }
    }
    item.opportunity = Some(step);
    Ok(())
}

/// `{company} - {intent}` with each placeholder replaced by the contact's value (empty when
/// it has none).
pub fn render_template(template: &str, contact: &Contact) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        let path = rest[start + 1..start + len].trim();
        match contact.value_at(path) {
            Some(Value::String(s)) => out.push_str(&s),
            Some(Value::Null) | None => {}
            Some(other) => out.push_str(&other.to_string()),
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

fn plan_account(
    input: &PlanInput<'_>,
    contact: &Contact,
    routed: &Routed,
    claimed: &mut HashMap<String, String>,
    item: &mut PlanItem,
) -> Result<(), PlanIssue> {
    let rows: Vec<&MappingRow> = input
        .doc
        .objects
        .account
        .iter()
        .filter(|r| r.overwrite)
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    let Some(matched) = &routed.account else {
        item.account_note = Some("no Account matched the company's domain or name".into());
        return Ok(());
    };
    let Some(record) = input.snapshot.accounts.get(&matched.id) else {
        item.account_note = Some(format!(
            "Account {} was matched but could not be read",
            matched.id
        ));
        return Ok(());
    };
    let describe = describe_of(input, "Account")?;
    let owned: Vec<MappingRow> = rows.into_iter().cloned().collect();
    let changes = overwrite_changes(contact, &owned, describe, record)?;
    if changes.is_empty() {
        item.account_note = Some(format!(
            "Account {} already holds the mapped values",
            matched.id
        ));
        return Ok(());
    }
    if let Some(first) = claimed.get(&matched.id) {
        item.account_note = Some(format!(
            "Account {} is updated from {first} in this push",
            matched.id
        ));
        return Ok(());
    }
    claimed.insert(matched.id.clone(), contact.email.clone());
    item.account = Some(AccountStep {
        account_id: matched.id.clone(),
        account_name: matched.name.clone(),
        changes,
    });
    Ok(())
}

/// The overwrite rows whose converted value differs from the record's.
fn overwrite_changes(
    contact: &Contact,
    rows: &[MappingRow],
    describe: &SObjectDescribe,
    record: &Record,
) -> Result<Vec<FieldChange>, PlanIssue> {
    let mut changes = Vec::new();
    let mut seen = HashSet::new();
    for row in rows.iter().filter(|r| r.overwrite) {
        let Some(value) = contact.value_at(&row.source) else {
            continue;
        };
        let field = field_of(describe, &describe.name, &row.target, false)?;
        if !seen.insert(field.name.to_ascii_lowercase()) {
            continue;
        }
        let Some(after) = to_field(&describe.name, field, &row.source, &value)? else {
            continue;
        };
        let before = super::snapshot::field(record, &field.name);
        if same_value(field, before, &after) {
            continue;
        }
        changes.push(FieldChange {
            field: field.name.clone(),
            source: row.source.clone(),
            before: before.cloned().filter(|v| !v.is_null()),
            after,
        });
    }
    Ok(changes)
}

fn describe_of<'a>(
    input: &'a PlanInput<'_>,
    object: &str,
) -> Result<&'a SObjectDescribe, PlanIssue> {
    input.describes.get(object).ok_or_else(|| {
        PlanIssue::new(
            "FIELD_NOT_WRITABLE",
            format!("the org's {object} object is not available to the connected user"),
        )
    })
}

/// The describe of `name`, which must be writable for the write at hand.
fn field_of<'d>(
    describe: &'d SObjectDescribe,
    object: &str,
    name: &str,
    create: bool,
) -> Result<&'d crate::salesforce::describe::FieldDescribe, PlanIssue> {
    let at = format!("{object}.{name}");
    let field = describe.field(name).ok_or_else(|| {
        PlanIssue::new(
            "FIELD_NOT_WRITABLE",
            format!("{at} does not exist in the org (run `mapping validate`)"),
        )
        .on_field(at.clone())
    })?;
    let writable = if create {
        field.createable
    } else {
        field.updateable
    };
    if !writable {
        return Err(PlanIssue::new(
            "FIELD_NOT_WRITABLE",
            format!(
                "{at} cannot be {} by the connected user",
                if create { "set on create" } else { "updated" }
            ),
        )
        .on_field(at));
    }
    Ok(field)
}

fn same_id(a: Option<&str>, b: &str) -> bool {
    match a {
        Some(a) if a.len() >= 15 && b.len() >= 15 => a[..15] == b[..15],
        Some(a) => a == b,
        None => false,
    }
}
