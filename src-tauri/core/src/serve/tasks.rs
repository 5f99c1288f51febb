//! Logging the chat events the mapping selects (`tasks.eventKinds`) as Salesforce Tasks on the
//! contact's Lead or Contact: automated deliveries only (seed 002), batched as sObject
//! Collections of up to 200, each Task in the delivery log (object `Task`, trigger `webhook`).
//!
//! No duplicates across a crash: `task_sent_at` is written before the create is sent, and a
//! Task whose answer was never recorded is looked up by the `[LB-<event id>]` marker in its
//! Subject before anything is sent again.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::params;
use serde_json::{json, Map, Value};
use tokio_util::sync::CancellationToken;

use super::pending::parse_ts;
use crate::contacts::store::ts;
use crate::deliveries::{
    self, AttemptError, AttemptOutcome, AttemptRequest, AttemptResult, DeliveryError,
    DeliveryObject, DeliveryOutcome, DeliveryTrigger, FinishedStatus, NewDelivery, PlannedAction,
};
use crate::salesforce::query::Record;
use crate::salesforce::records::{NewRecord, SaveResult, WriteOptions};
use crate::salesforce::SalesforceClient;
use crate::soql::{select_where_in, Budget, MAX_STATEMENT_CHARS};
use crate::store::Store;
use crate::sync::lookup::query_flat;
use crate::sync::retry::{self, RetryPolicy};
use crate::Result;

/// Records per sObject Collections call.
const COLLECTION_SIZE: usize = 200;
/// Task.Description holds 32,000 characters.
const MAX_DESCRIPTION: usize = 32_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TaskReport {
    pub created: u32,
    pub failed: u32,
}

/// One event waiting for its Task.
struct PendingTask {
    event_id: i64,
    kind: String,
    occurred_at: Option<DateTime<Utc>>,
    body: String,
    sent_before: bool,
    email: String,
    contact_name: Option<String>,
    company: Option<String>,
    who_id: String,
}

impl PendingTask {
    fn marker(&self) -> String {
        format!("[LB-{}]", self.event_id)
    }

    fn subject(&self) -> String {
        format!("Chat: {} {}", self.kind, self.marker())
    }

    fn record(&self) -> Record {
        let parsed: Value = serde_json::from_str(&self.body).unwrap_or(Value::Null);
        let mut data = parsed
            .get("data")
            .or_else(|| parsed.get("lead"))
            .cloned()
            .unwrap_or(Value::Null);
        crate::deliveries::redact::redact_value(&mut data);
        let data = data.as_object().cloned().unwrap_or_default();
        let mut description = format!(
            "{} in chat conversation {}",
            self.kind,
            parsed
                .get("conversationId")
                .and_then(Value::as_str)
                .unwrap_or("(unknown)")
        );
        if let Some(at) = self.occurred_at {
            description.push_str(&format!(" at {}", ts(at)));
        }
        if !data.is_empty() {
            description.push_str("\n\n");
            description
                .push_str(&serde_json::to_string_pretty(&Value::Object(data)).unwrap_or_default());
        }
        let description: String = description.chars().take(MAX_DESCRIPTION).collect();
        let mut r = Map::new();
        r.insert("WhoId".into(), json!(self.who_id));
        r.insert("Subject".into(), json!(self.subject()));
        r.insert("Status".into(), json!("Completed"));
        r.insert("Priority".into(), json!("Normal"));
        r.insert(
            "ActivityDate".into(),
            json!(self
                .occurred_at
                .unwrap_or_else(Utc::now)
                .date_naive()
                .format("%Y-%m-%d")
                .to_string()),
        );
        r.insert("Description".into(), json!(description));
        r
    }
}

/// Events whose Task is due: wanted, and the contact has a Lead or Contact in Salesforce.
fn pending(store: &Store) -> Result<Vec<PendingTask>> {
    let conn = store.conn();
    let mut stmt = conn.prepare(
        "SELECT e.id, e.kind, e.occurred_at, e.body, e.task_sent_at, c.email, c.first_name, c.last_name, \
           c.company, coalesce(c.salesforce_contact_id, c.salesforce_lead_id) \
         FROM webhook_events e JOIN contacts c ON c.email_key = e.email_key \
         WHERE e.task_state = 'pending' \
           AND (c.salesforce_lead_id IS NOT NULL OR c.salesforce_contact_id IS NOT NULL) \
         ORDER BY e.id",
    )?;
    let rows = stmt.query_map([], |r| {
        let first: Option<String> = r.get(6)?;
        let last: Option<String> = r.get(7)?;
        let name = match (first, last) {
            (Some(f), Some(l)) => Some(format!("{f} {l}")),
            (f, l) => f.or(l),
        };
        Ok(PendingTask {
            event_id: r.get(0)?,
            kind: r.get(1)?,
            occurred_at: r.get::<_, Option<String>>(2)?.as_deref().and_then(parse_ts),
            body: r.get(3)?,
            sent_before: r.get::<_, Option<String>>(4)?.is_some(),
            email: r.get(5)?,
            contact_name: name,
            company: r.get(8)?,
            who_id: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Creates the Tasks that are due, in batches, and logs each one.
pub async fn log_pending(
    client: &SalesforceClient,
    store: &Store,
    policy: &RetryPolicy,
    cancel: &CancellationToken,
) -> Result<TaskReport> {
    let mut todo = pending(store)?;
    let mut report = TaskReport::default();
    if todo.is_empty() {
        return Ok(report);
    }
    let path = format!(
        "/services/data/v{}/composite/sobjects",
        client.api_version()
    );
    let batch = store
        .transaction(|tx| deliveries::begin_batch(tx, DeliveryTrigger::Webhook, Utc::now()))?;

    // Tasks sent before without a recorded answer: find them by their marker first.
    let unsure: Vec<String> = todo
        .iter()
        .filter(|t| t.sent_before)
        .map(PendingTask::subject)
        .collect();
    if !unsure.is_empty() {
        let statements = select_where_in(
            "Task",
            &["Id", "Subject"],
            "Subject",
            &unsure,
            Budget::Chars(MAX_STATEMENT_CHARS),
        )?;
        let found: HashMap<String, String> = query_flat(client, &statements, policy, cancel)
            .await?
            .into_iter()
            .filter_map(|r| {
                Some((
                    r.get("Subject")?.as_str()?.to_string(),
                    r.get("Id")?.as_str()?.to_string(),
                ))
            })
            .collect();
        let (done, rest): (Vec<_>, Vec<_>) = todo
            .into_iter()
            .partition(|t| found.contains_key(&t.subject()));
        for task in done {
            let id = found[&task.subject()].clone();
            let answer = SaveResult {
                id: Some(id),
                success: true,
                errors: vec![],
            };
            record(store, batch, &path, &task, &answer, true)?;
            report.created += 1;
        }
        todo = rest;
    }

    for chunk in todo.chunks(COLLECTION_SIZE) {
        if cancel.is_cancelled() {
            break;
        }
        let now = ts(Utc::now());
        store.transaction(|tx| {
            for t in chunk {
                tx.execute(
                    "UPDATE webhook_events SET task_sent_at = ?2 WHERE id = ?1",
                    params![t.event_id, now],
                )?;
            }
            Ok(())
        })?;
        let records: Vec<NewRecord> = chunk
            .iter()
            .map(|t| NewRecord {
                sobject: "Task".into(),
                fields: t.record(),
            })
            .collect();
        let answers = match client
            .collections_create(&records, false, &WriteOptions::default())
            .await
        {
            Ok(a) => a,
            // The next pass re-checks and sends them again.
            Err(e) if retry::is_transient(&e) => {
                tracing::warn!(error = %e.message, "creating Tasks failed transiently; the next pass retries");
                break;
            }
            Err(e) => return Err(e),
        };
        for (task, answer) in chunk.iter().zip(answers) {
            record(store, batch, &path, task, &answer, false)?;
            if answer.success {
                report.created += 1;
            } else {
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

/// Logs one Task's delivery (with its attempt) and marks its event, in one transaction.
fn record(
    store: &Store,
    batch: deliveries::BatchId,
    path: &str,
    task: &PendingTask,
    answer: &SaveResult,
    rechecked: bool,
) -> Result<()> {
    let now = Utc::now();
    let fields = Value::Object(task.record());
    store.transaction(|tx| {
        let delivery = deliveries::begin_delivery(
            tx,
            &NewDelivery {
                batch_id: batch,
                trigger: DeliveryTrigger::Webhook,
                retry_of: None,
                email: task.email.clone(),
                contact_name: task.contact_name.clone(),
                company: task.company.clone(),
                object: DeliveryObject::Task,
                action: PlannedAction::Create,
                salesforce_id: None,
                owner_id: None,
                owner_reason: None,
                payload: fields.clone(),
            },
            now,
        )?;
        let attempt = deliveries::begin_attempt(
            tx,
            delivery,
            &AttemptRequest {
                method: "POST".into(),
                path: path.to_string(),
                body: Some(fields.to_string()),
            },
            now,
        )?;
        let error = answer
            .errors
            .first()
            .map(|e| AttemptError {
                code: Some(e.error_code.clone()),
                message: e.message.clone(),
                fields: e.fields.clone(),
            })
            .or_else(|| {
                (!answer.success).then(|| AttemptError {
                    code: None,
                    message: "Salesforce did not create the Task and gave no reason".into(),
                    fields: vec![],
                })
            });
        let mut body = serde_json::to_value(answer)?;
        if rechecked {
            body["recheck"] = json!("found by its Subject marker after an interruption");
        }
        deliveries::finish_attempt(
            tx,
            attempt,
            &AttemptResult {
                outcome: if answer.success {
                    AttemptOutcome::Succeeded
                } else {
                    AttemptOutcome::FailedPermanent
                },
                response_status: Some(if answer.success { 200 } else { 400 }),
                response_body: Some(body.to_string()),
                error: error.clone(),
                api_usage: None,
            },
            now,
        )?;
        let outcome = DeliveryOutcome {
            salesforce_id: answer.id.clone(),
            error: error.map(|e| DeliveryError {
                code: e.code.clone().unwrap_or_else(|| "TASK_FAILED".into()),
                message: e.message,
                fields: e.fields,
                http_status: None,
                salesforce_code: e.code,
            }),
            ..DeliveryOutcome::new(if answer.success {
                FinishedStatus::Succeeded
            } else {
                FinishedStatus::Failed
            })
        };
        deliveries::finish_delivery(tx, delivery, &outcome, now)?;
        tx.execute(
            "UPDATE webhook_events SET task_state = ?2, task_id = ?3, task_delivery_id = ?4 WHERE id = ?1",
            params![
                task.event_id,
                if answer.success { "done" } else { "failed" },
                answer.id,
                delivery.0
            ],
        )?;
        // The kept event on the contact shows its Task too.
        if answer.success {
            tx.execute(
                "UPDATE contact_events SET salesforce_task_id = ?1 \
                 WHERE salesforce_task_id IS NULL AND kind = ?2 AND occurred_at = ?3 \
                   AND contact_id = (SELECT id FROM contacts WHERE email_key = lower(?4))",
                params![answer.id, task.kind, task.occurred_at.map(ts), task.email],
            )?;
        }
        Ok(())
    })
}
