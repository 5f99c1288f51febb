//! Continuing an earlier delivery: resuming one a crash or a quit left unfinished, or retrying
//! a failed one (`log retry`). Its attempts say what already happened: a succeeded attempt's
//! recorded answer holds the Id it wrote; an attempt without a recorded outcome may or may not
//! have reached Salesforce, so it is re-checked by query before anything is sent again:
//!
//! - a Lead create: the look-up by email (the snapshot) finds the Lead if it was created;
//! - a CampaignMember: `CampaignMember WHERE CampaignId = .. AND LeadId IN (..)`;
//! - an Opportunity: `Opportunity WHERE CreatedDate >= <attempt start> AND Name IN (..)`,
//!   matched on Name and AccountId;
//! - an OpportunityContactRole: `OpportunityContactRole WHERE OpportunityId IN (..)`;
//! - updates are not re-checked: they are sent again, which is harmless.
//!
//! So retrying never creates duplicates: what exists is found and reused.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::batch::StepKind;
use super::lookup::{query_flat, statements_in};
use super::model::{InterruptedAttempt, PlanAction, PlanIssue};
use super::retry::RetryPolicy;
use super::snapshot::{text, Carry, Snapshot};
use crate::deliveries::{AttemptOutcome, DeliveryDetail, PlannedAction};
use crate::salesforce::SalesforceClient;
use crate::soql::{Condition, Literal, Op};
use crate::Result;

/// Salesforce's clock and ours may differ a little; re-check queries look back this far
/// before an interrupted attempt started.
const CLOCK_SKEW_MINUTES: i64 = 10;

/// What one attempt wrote, read back from its logged request.
struct Written {
    object: String,
    create: bool,
    fields: serde_json::Map<String, Value>,
}

fn written(method: &str, body: Option<&str>) -> Option<Written> {
    let value: Value = serde_json::from_str(body?).ok()?;
    let attributes = value.get("attributes")?;
    let object = attributes.get("type")?.as_str()?.to_string();
    // A Bulk API record names its job's operation (its attempt's method is the upload's PUT).
    let bulk_insert = attributes.get("operation").and_then(Value::as_str) == Some("insert");
    Some(Written {
        object,
        create: method.eq_ignore_ascii_case("POST") || bulk_insert,
        fields: value.as_object()?.clone(),
    })
}

fn answered_id(body: Option<&str>) -> Option<String> {
    let value: Value = serde_json::from_str(body?).ok()?;
    value.get("id")?.as_str().map(str::to_string)
}

/// An interrupted attempt, with what is needed to re-check it.
#[derive(Debug, Clone)]
pub struct PendingCheck {
    pub email_key: String,
    pub attempt: InterruptedAttempt,
    pub started_at: DateTime<Utc>,
    pub fields: serde_json::Map<String, Value>,
}

/// What `detail`'s attempts established, and the attempts to re-check.
pub fn carry_from(detail: &DeliveryDetail, retry: bool) -> (Carry, Vec<PendingCheck>) {
    let d = &detail.delivery;
    let mut carry = Carry {
        delivery_id: d.id.0,
        retry,
        planned: match d.action {
            PlannedAction::Create => PlanAction::Create,
            PlannedAction::Update => PlanAction::Update,
            PlannedAction::Unchanged => PlanAction::Unchanged,
            PlannedAction::Skipped => PlanAction::Skipped,
        },
        created_lead_id: None,
        campaign_member_id: d.campaign_member_id.clone(),
        opportunity_id: d.opportunity_id.clone(),
        contact_role_id: None,
        interrupted: Vec::new(),
        findings: Vec::new(),
        supersedes: Vec::new(),
        refused: None,
    };
    if !retry {
        carry.refused = refused(detail);
    }
    let mut checks = Vec::new();
    let key = crate::contacts::email::key(d.email.trim());
    for attempt in &detail.attempts {
        let Some(w) = written(&attempt.method, attempt.request_body.as_deref()) else {
            continue;
        };
        let Some(step) = StepKind::of(&w.object, w.create) else {
            continue;
        };
        match attempt.outcome {
            AttemptOutcome::Succeeded => {
                let id = answered_id(attempt.response_body.as_deref());
                match step {
                    StepKind::Primary if w.create && w.object == "Lead" => {
                        carry.created_lead_id = id.clone();
                    }
                    StepKind::CampaignMember => carry.campaign_member_id = id.clone(),
                    StepKind::Opportunity => carry.opportunity_id = id.clone(),
                    StepKind::ContactRole => carry.contact_role_id = id.clone(),
                    _ => {}
                }
                if let Some(id) = id {
                    carry.findings.push(format!(
                        "attempt {} already wrote {} {id}",
                        attempt.attempt, w.object
                    ));
                }
            }
            AttemptOutcome::Unknown | AttemptOutcome::Sent => {
                let interrupted = InterruptedAttempt {
                    attempt_id: attempt.id.0,
                    object: w.object.clone(),
                    create: w.create,
                    found_id: None,
                };
                carry.interrupted.push(interrupted.clone());
                checks.push(PendingCheck {
                    email_key: key.clone(),
                    attempt: interrupted,
                    started_at: attempt.started_at,
                    fields: w.fields,
                });
            }
            AttemptOutcome::FailedTransient | AttemptOutcome::FailedPermanent => {}
        }
    }
    (carry, checks)
}

/// Whether Salesforce already refused the unfinished delivery for good: its last attempt
/// failed permanently. A push finishes such a delivery the moment its answer is read, so an
/// unfinished one means the run stopped in between: most often a Bulk API job whose results a
/// restart read back ([`super::bulk::recover`]), or a crash right after a REST answer was
/// logged. Sending it again would repeat what Salesforce refused (and could create what the
/// refusal prevented, e.g. a duplicate Lead); the reviewer decides with a retry.
fn refused(detail: &DeliveryDetail) -> Option<PlanIssue> {
    let last = detail.attempts.iter().max_by_key(|a| a.attempt)?;
    if last.outcome != AttemptOutcome::FailedPermanent {
        return None;
    }
    let error = last.error.as_ref();
    let object = written(&last.method, last.request_body.as_deref()).map(|w| w.object);
    let message = error.map_or("Salesforce gave no reason", |e| e.message.as_str());
    Some(PlanIssue {
        code: error
            .and_then(|e| e.code.clone())
            .unwrap_or_else(|| "UNKNOWN".into()),
        message: format!(
            "Salesforce refused {} in attempt {} ({message}); the delivery is not sent again until it is retried",
            object.as_deref().unwrap_or("the record"),
            last.attempt
        ),
        field: error
            .and_then(|e| e.fields.first())
            .map(|f| match &object {
                Some(o) => format!("{o}.{f}"),
                None => f.clone(),
            }),
    })
}

/// Completes the carries with the re-check queries (see the module docs). `snapshot` must
/// already hold the Leads looked up by email.
pub async fn recheck(
    client: &SalesforceClient,
    snapshot: &mut Snapshot,
    checks: &[PendingCheck],
    campaign_id: Option<&str>,
    policy: &RetryPolicy,
    cancel: &CancellationToken,
) -> Result<()> {
    // Interrupted Lead creates: the Lead the email look-up found.
    for check in checks {
        if check.attempt.object == "Lead" && check.attempt.create {
            let found = snapshot
                .leads
                .get(&check.email_key)
                .and_then(|l| l.first())
                .and_then(|r| text(r, "Id"))
                .map(str::to_string);
            set_found(snapshot, check, found);
        }
    }

    // Campaign membership of Leads this delivery created (known or found again).
    if let Some(campaign_id) = campaign_id {
        let mut lead_of: HashMap<String, String> = HashMap::new();
        for (key, carry) in &snapshot.carry {
            if carry.planned != PlanAction::Create || carry.campaign_member_id.is_some() {
                continue;
            }
            let lead = carry.created_lead_id.clone().or_else(|| {
                snapshot
                    .leads
                    .get(key)
                    .and_then(|l| l.first())
                    .and_then(|r| text(r, "Id"))
                    .map(str::to_string)
            });
            if let Some(lead) = lead {
                lead_of.insert(key.clone(), lead);
            }
        }
        if !lead_of.is_empty() {
            let mut ids: Vec<String> = lead_of.values().cloned().collect();
            ids.sort();
            ids.dedup();
            let statements = statements_in(
                "CampaignMember",
                &["Id".into(), "LeadId".into()],
                vec![Condition::eq("CampaignId", campaign_id)],
                "LeadId",
                &ids,
            )?;
            let members = query_flat(client, &statements, policy, cancel).await?;
            for (key, lead) in lead_of {
                let member = members
                    .iter()
                    .find(|m| same_id(text(m, "LeadId"), &lead))
                    .and_then(|m| text(m, "Id"))
                    .map(str::to_string);
                if let (Some(member), Some(carry)) = (member, snapshot.carry.get_mut(&key)) {
                    carry
                        .findings
                        .push(format!("Lead {lead} is already in the campaign ({member})"));
                    carry.campaign_member_id = Some(member.clone());
                    for i in carry.interrupted.iter_mut() {
                        if i.object == "CampaignMember" {
                            i.found_id = Some(member.clone());
                        }
                    }
                }
            }
        }
    }

    // Interrupted Opportunity creates: by name and Account, created since the attempt.
    let opportunity_checks: Vec<&PendingCheck> = checks
        .iter()
        .filter(|c| c.attempt.object == "Opportunity" && c.attempt.create)
        .collect();
    if let Some(earliest) = opportunity_checks.iter().map(|c| c.started_at).min() {
        let names: Vec<String> = opportunity_checks
            .iter()
            .filter_map(|c| {
                c.fields
                    .get("Name")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .collect();
        if !names.is_empty() {
            let since = earliest - Duration::minutes(CLOCK_SKEW_MINUTES);
            let statements = statements_in(
                "Opportunity",
                &["Id".into(), "Name".into(), "AccountId".into()],
                vec![Condition::compare(
                    "CreatedDate",
                    Op::Ge,
                    Literal::DateTime(since),
                )],
                "Name",
                &names,
            )?;
            let found = query_flat(client, &statements, policy, cancel).await?;
            for check in opportunity_checks {
                let name = check.fields.get("Name").and_then(Value::as_str);
                let account = check.fields.get("AccountId").and_then(Value::as_str);
                let id = found
                    .iter()
                    .find(|o| {
                        text(o, "Name") == name
                            && match account {
                                Some(a) => same_id(text(o, "AccountId"), a),
                                None => text(o, "AccountId").is_none(),
                            }
                    })
                    .and_then(|o| text(o, "Id"))
                    .map(str::to_string);
                if let (Some(id), Some(carry)) = (&id, snapshot.carry.get_mut(&check.email_key)) {
                    carry.opportunity_id = Some(id.clone());
                }
                set_found(snapshot, check, id);
            }
        }
    }

    // Contact roles of Opportunities already created.
    let mut role_of: HashMap<String, String> = HashMap::new();
    for (key, carry) in &snapshot.carry {
        if let (Some(opp), None) = (&carry.opportunity_id, &carry.contact_role_id) {
            role_of.insert(key.clone(), opp.clone());
        }
    }
    if !role_of.is_empty() {
        let ids: Vec<String> = role_of.values().cloned().collect();
        let statements = statements_in(
            "OpportunityContactRole",
            &["Id".into(), "OpportunityId".into(), "ContactId".into()],
            vec![],
            "OpportunityId",
            &ids,
        )?;
        let roles = query_flat(client, &statements, policy, cancel).await?;
        for (key, opp) in role_of {
            let role = roles
                .iter()
                .find(|r| same_id(text(r, "OpportunityId"), &opp))
                .and_then(|r| text(r, "Id"))
                .map(str::to_string);
            if let (Some(role), Some(carry)) = (role, snapshot.carry.get_mut(&key)) {
                carry.contact_role_id = Some(role.clone());
                for i in carry.interrupted.iter_mut() {
                    if i.object == "OpportunityContactRole" {
                        i.found_id = Some(role.clone());
                    }
                }
            }
        }
    }
    Ok(())
}

fn set_found(snapshot: &mut Snapshot, check: &PendingCheck, found: Option<String>) {
    let Some(carry) = snapshot.carry.get_mut(&check.email_key) else {
        return;
    };
    carry.findings.push(match &found {
        Some(id) => format!(
            "attempt {} was interrupted, and the re-check found the {} it wrote ({id}): it is not sent again",
            check.attempt.attempt_id, check.attempt.object
        ),
        None => format!(
            "attempt {} was interrupted, and the re-check found no {} from it: it is sent again",
            check.attempt.attempt_id, check.attempt.object
        ),
    });
    for i in carry.interrupted.iter_mut() {
        if i.attempt_id == check.attempt.attempt_id {
            i.found_id = found.clone();
        }
    }
}

fn same_id(a: Option<&str>, b: &str) -> bool {
    match a {
        Some(a) if a.len() >= 15 && b.len() >= 15 => a[..15] == b[..15],
        Some(a) => a == b,
        None => false,
    }
}
