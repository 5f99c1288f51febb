//! Changing an Opportunity's stage, amount and close date from a contact's page (seed 001
//! "Update Opportunity"): a form from describe, a preview read fresh from Salesforce
//! (before → after), and the update itself — refused before any call when the user lacks
//! `Opportunity.updateable` (or the field's own updateable), and recorded in the delivery log
//! like every write: logged pending before the PATCH, its attempt and Salesforce's answer
//! after.

use chrono::{NaiveDate, Utc};
use reqwest::Method;
use serde_json::{json, Map, Value};

use super::linked::{opportunity_fields, read_opportunity};
use super::model::{
    FieldDiff, OpportunityChange, OpportunityForm, OpportunityPreview, OpportunityUpdateResult,
    StageOption,
};
use crate::deliveries::{
    self, AttemptError, AttemptOutcome, AttemptRequest, AttemptResult, DeliveryError,
    DeliveryObject, DeliveryOutcome, DeliveryTrigger, FinishedStatus, NewDelivery, PlannedAction,
};
use crate::salesforce::describe::{FieldDescribe, SObjectDescribe};
use crate::salesforce::permissions::{self, Access, Need};
use crate::salesforce::records::{validate_record_id, WriteOptions};
use crate::salesforce::SalesforceClient;
use crate::store::Store;
use crate::{Error, ErrorCode, Result};

/// The fields the editor changes, in the order shown.
const EDITABLE: [&str; 3] = ["StageName", "Amount", "CloseDate"];

/// The editor for one Opportunity: its current values (one call), the stage picklist and
/// limits (cached describe), and whether the user may edit it.
pub async fn form(client: &SalesforceClient, opportunity_id: &str) -> Result<OpportunityForm> {
    validate_record_id(opportunity_id)?;
    let perms = permissions::read(client).await?;
    if let Some(reason) = perms.reason("Opportunity", Access::Query) {
        return Err(Error::new(ErrorCode::PermissionDenied, reason).field("Opportunity.queryable"));
    }
    let describe = client.describe("Opportunity").await?;
    let record = client
        .get_record("Opportunity", opportunity_id, &plain_fields(&describe))
        .await?;
    let reason = perms
        .reason("Opportunity", Access::Update)
        .or_else(|| read_only_field(&describe).map(|f| field_reason(&f)));
    let amount = describe.field("Amount");
    Ok(OpportunityForm {
        opportunity: read_opportunity(&record),
        stages: stages(&describe),
        amount_integer_digits: amount.map_or(16, |f| f.precision.saturating_sub(f.scale)),
        amount_scale: amount.map_or(2, |f| f.scale),
        can_edit: reason.is_none(),
        reason,
    })
}

/// Before → after, with the current values read from Salesforce now (one call). Refused
/// before the call when the change is invalid or the user may not make it.
pub async fn preview(
    client: &SalesforceClient,
    change: &OpportunityChange,
) -> Result<OpportunityPreview> {
    let describe = guard(client, change).await?;
    let body = validate(&describe, change)?;
    let current = client
        .get_record(
            "Opportunity",
            &change.opportunity_id,
            &plain_fields(&describe),
        )
        .await?;
    Ok(diff(&describe, change, &current, body))
}

/// Sends the change (a PATCH) and records it in the delivery log under `email`'s history.
/// A change that alters nothing is refused (there is nothing to confirm).
pub async fn update(
    client: &SalesforceClient,
    store: &Store,
    email: &str,
    change: &OpportunityChange,
) -> Result<OpportunityUpdateResult> {
    let contact = super::find_contact(store, email)?;
    let preview = preview(client, change).await?;
    if preview.diffs.is_empty() {
        return Err(Error::invalid_input(
            "the Opportunity already has these values; nothing to update",
        ));
    }
    let path = format!("sobjects/Opportunity/{}", change.opportunity_id);
    let body_text = serde_json::to_string(&preview.body)?;
    let (delivery, attempt) = {
        let conn = store.conn();
        let now = Utc::now();
        let batch = deliveries::begin_batch(&conn, DeliveryTrigger::Manual, now)?;
        let name = [contact.first_name.as_deref(), contact.last_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let delivery = deliveries::begin_delivery(
            &conn,
            &NewDelivery {
                batch_id: batch,
                trigger: DeliveryTrigger::Manual,
                retry_of: None,
                email: contact.email.clone(),
                contact_name: (!name.is_empty()).then_some(name),
                company: contact.company.clone(),
                object: DeliveryObject::Opportunity,
                action: PlannedAction::Update,
                salesforce_id: Some(change.opportunity_id.clone()),
                owner_id: None,
                owner_reason: None,
                payload: preview.body.clone(),
            },
            now,
        )?;
        let attempt = deliveries::begin_attempt(
            &conn,
            delivery,
            &AttemptRequest {
                method: "PATCH".into(),
                path: format!("/services/data/v{}/{path}", client.api_version()),
                body: Some(body_text),
            },
            now,
        )?;
        (delivery, attempt)
    };
    let sent = client
        .send_json(
            Method::PATCH,
            &path,
            Some(&preview.body),
            &WriteOptions::default(),
        )
        .await;
    let usage = client
        .api_usage()
        .map(|u| format!("api-usage={}/{}", u.used, u.max));
    let conn = store.conn();
    let now = Utc::now();
    match sent {
        Ok(answer) => {
            deliveries::finish_attempt(
                &conn,
                attempt,
                &AttemptResult {
                    outcome: AttemptOutcome::Succeeded,
                    response_status: Some(answer.status),
                    response_body: answer.body.as_ref().map(Value::to_string),
                    error: None,
                    api_usage: usage,
                },
                now,
            )?;
            let mut outcome = DeliveryOutcome::new(FinishedStatus::Succeeded);
            outcome.salesforce_id = Some(change.opportunity_id.clone());
            outcome.opportunity_id = Some(change.opportunity_id.clone());
            deliveries::finish_delivery(&conn, delivery, &outcome, now)?;
            tracing::info!(delivery = %delivery, "opportunity updated");
            Ok(OpportunityUpdateResult {
                preview,
                delivery_id: delivery,
                http_status: answer.status,
            })
        }
        Err(e) => {
            let details = e.details.as_deref().cloned().unwrap_or_default();
            let retryable = details.retryable;
            deliveries::finish_attempt(
                &conn,
                attempt,
                &AttemptResult {
                    outcome: if retryable {
                        AttemptOutcome::FailedTransient
                    } else {
                        AttemptOutcome::FailedPermanent
                    },
                    response_status: details.http_status,
                    response_body: None,
                    error: Some(AttemptError {
                        code: details.salesforce_code.clone(),
                        message: e.message.clone(),
                        fields: details.fields.clone(),
                    }),
                    api_usage: usage,
                },
                now,
            )?;
            let mut outcome = DeliveryOutcome::new(FinishedStatus::Failed);
            outcome.error = Some(DeliveryError {
                code: details
                    .salesforce_code
                    .clone()
                    .unwrap_or_else(|| e.code.as_str().to_string()),
                message: e.message.clone(),
                fields: details.fields.clone(),
                http_status: details.http_status,
                salesforce_code: details.salesforce_code.clone(),
            });
            deliveries::finish_delivery(&conn, delivery, &outcome, now)?;
            Err(e)
        }
    }
}

/// The user's right to update Opportunities and each field changed; the describe on success.
async fn guard(
    client: &SalesforceClient,
    change: &OpportunityChange,
) -> Result<std::sync::Arc<SObjectDescribe>> {
    validate_record_id(&change.opportunity_id).map_err(|e| e.field("opportunityId"))?;
    permissions::require(client, &[Need::new("Opportunity", Access::Update)]).await?;
    let describe = client.describe("Opportunity").await?;
    for (name, asked) in [
        ("StageName", change.stage_name.is_some()),
        ("Amount", change.amount.is_some()),
        ("CloseDate", change.close_date.is_some()),
    ] {
        if !asked {
            continue;
        }
        match describe.field(name) {
            Some(f) if f.updateable => {}
            Some(f) => return Err(field_denied(f)),
            None => return Err(field_invisible(name)),
        }
    }
    Ok(describe)
}

fn field_invisible(name: &str) -> Error {
    let message =
        format!("the connected Salesforce user cannot see Opportunity.{name}; nothing was sent");
    Error::new(ErrorCode::PermissionDenied, message).field(format!("Opportunity.{name}"))
}

fn field_reason(f: &FieldDescribe) -> String {
    format!(
        "The connected Salesforce user may not edit Opportunity.{} (updateable is false).",
        f.name
    )
}

fn field_denied(f: &FieldDescribe) -> Error {
    Error::new(
        ErrorCode::PermissionDenied,
        format!("{} Nothing was sent.", field_reason(f)),
    )
    .field(format!("Opportunity.{}", f.name))
}

fn read_only_field(describe: &SObjectDescribe) -> Option<FieldDescribe> {
    EDITABLE
        .iter()
        .filter_map(|n| describe.field(n))
        .find(|f| !f.updateable)
        .cloned()
}

/// The fields to read with `GET sobjects/Opportunity/{id}?fields=` (no relationship paths).
fn plain_fields(describe: &SObjectDescribe) -> Vec<&'static str> {
    opportunity_fields(Some(describe))
        .into_iter()
        .filter(|f| !f.contains('.'))
        .collect()
}

fn stages(describe: &SObjectDescribe) -> Vec<StageOption> {
    describe
        .field("StageName")
        .map(|f| {
            f.picklist_values
                .iter()
                .filter(|v| v.active)
                .map(|v| StageOption {
                    value: v.value.clone(),
                    label: v.label.clone().unwrap_or_else(|| v.value.clone()),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Checks the change against describe and builds the PATCH body. Errors name the field.
pub fn validate(describe: &SObjectDescribe, change: &OpportunityChange) -> Result<Value> {
    let mut body = Map::new();
    if let Some(stage) = &change.stage_name {
        let stage = stage.trim();
        let options = stages(describe);
        if !options.iter().any(|o| o.value == stage) {
            return Err(Error::invalid_input(format!(
                "{stage:?} is not a stage of this org; choose one of: {}",
                options
                    .iter()
                    .map(|o| o.value.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .field("StageName"));
        }
        body.insert("StageName".into(), json!(stage));
    }
    if let Some(amount) = change.amount {
        let field = describe.field("Amount");
        let scale = field.map_or(2, |f| f.scale);
        let digits = field.map_or(16, |f| f.precision.saturating_sub(f.scale));
        if !amount.is_finite() {
            return Err(Error::invalid_input("the amount must be a number").field("Amount"));
        }
        let whole = amount.abs().trunc();
        if whole >= 10f64.powi(digits as i32) {
            return Err(Error::invalid_input(format!(
                "the amount {amount} has more than {digits} digits before the decimal point"
            ))
            .field("Amount"));
        }
        let factor = 10f64.powi(scale as i32);
        let rounded = (amount * factor).round() / factor;
        if (rounded - amount).abs() > 1e-9 * amount.abs().max(1.0) {
            return Err(Error::invalid_input(format!(
                "the amount {amount} has more than {scale} decimal places"
            ))
            .field("Amount"));
        }
        body.insert("Amount".into(), json!(amount));
    }
    if let Some(date) = &change.close_date {
        let date = date.trim();
        if NaiveDate::parse_from_str(date, "%Y-%m-%d").is_err() || date.len() != 10 {
            return Err(Error::invalid_input(format!(
                "{date:?} is not a date; write it as YYYY-MM-DD"
            ))
            .field("CloseDate"));
        }
        body.insert("CloseDate".into(), json!(date));
    }
    if body.is_empty() {
        return Err(Error::invalid_input(
            "choose a stage, an amount or a close date to change",
        ));
    }
    Ok(Value::Object(body))
}

fn diff(
    describe: &SObjectDescribe,
    change: &OpportunityChange,
    current: &Map<String, Value>,
    body: Value,
) -> OpportunityPreview {
    let mut diffs = Vec::new();
    let mut sent = Map::new();
    if let Value::Object(fields) = body {
        for name in EDITABLE {
            let Some(after) = fields.get(name) else {
                continue;
            };
            let before = current.get(name).cloned().unwrap_or(Value::Null);
            let same = match (before.as_f64(), after.as_f64()) {
                (Some(a), Some(b)) => (a - b).abs() < 1e-9,
                _ => before == *after,
            };
            if same {
                continue;
            }
            diffs.push(FieldDiff {
                field: name.to_string(),
                label: describe
                    .field(name)
                    .map_or_else(|| name.to_string(), |f| f.label.clone()),
                before,
                after: after.clone(),
            });
            sent.insert(name.to_string(), after.clone());
        }
    }
    OpportunityPreview {
        opportunity_id: change.opportunity_id.clone(),
        name: current
            .get("Name")
            .and_then(Value::as_str)
            .map(str::to_string),
        diffs,
        body: Value::Object(sent),
    }
}
