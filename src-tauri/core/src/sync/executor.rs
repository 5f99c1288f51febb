//! The executor: makes Salesforce look like the plan, writing the delivery log (the outbox)
//! before each call and the result after it.
//!
//! - Every contact's delivery is logged `pending` before anything is sent. Contacts with
//!   nothing to send (skipped, unchanged, a value that cannot be sent) are finished at once.
//! - Writes go in phases (see [`super::batch`]), as sObject Collections of up to 200 records
//!   (`allOrNone: false`: one bad record fails only its contact) inside Composite requests of
//!   up to 5 collections, one API call each, at most `concurrency` in flight.
//! - Each record's attempt is logged (outcome unknown) in one transaction right before its
//!   Composite call, and its answer in one transaction right after. A crash in between leaves
//!   the attempt unknown, and the next push re-checks it ([`super::resume`]).
//! - `Sforce-Auto-Assign: FALSE` rides on every Lead collection subrequest, except Lead
//!   creates under `assignment: salesforceRulesForNewLeads` (no header: the rules run).
//! - Per-record failures fail only that contact. Transient failures (HTTP 5xx, 429,
//!   `UNABLE_TO_LOCK_ROW`, `SERVER_UNAVAILABLE`, timeouts, connection errors) are retried after
//!   the policy's delays (or `Retry-After`), still batched; anything else fails at once. An
//!   expired session is renewed by the client, which resends once.
//! - Cancellation stops before the next Composite call: calls in flight finish and are
//!   logged, unsent deliveries stay pending (reported), and the next push resumes them.

use std::collections::HashMap;
use std::time::Duration;

use chrono::Utc;
use futures_util::stream::{self, StreamExt};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use super::batch::{pack, Collection, Lane, StepKind};
use super::bulk::{BulkOptions, BulkProgress};
use super::lock::SyncLock;
use super::model::ApiPath;
use super::model::{PlanAction, PlanItem, SyncObject};
use super::outcome::{
    PendingDelivery, ProgressFn, ResultError, ResultStatus, SyncProgress, SyncReport, SyncResult,
    SyncStage,
};
use super::retry::{self, RetryPolicy};
use super::Plan;
use crate::contacts::store::{set_delivery_facts, DeliveryFacts};
use crate::deliveries::{
    self, AttemptError, AttemptId, AttemptOutcome, AttemptRequest, AttemptResult, BatchId,
    DeliveryError, DeliveryId, DeliveryObject, DeliveryOutcome, DeliveryTrigger, FinishedStatus,
    NewDelivery, PlannedAction,
};
use crate::salesforce::api_error::is_transient_error_code;
use crate::salesforce::composite::CompositeSubrequest;
use crate::salesforce::query::Record;
use crate::salesforce::records::{collection_record, SaveResult, WriteOptions};
use crate::salesforce::SalesforceClient;
use crate::store::Store;
use crate::{Error, ErrorCode, Result};

/// Composite calls in flight at once by default.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// How to execute a plan.
#[derive(Clone)]
pub struct ExecuteOptions {
    pub retry: RetryPolicy,
    /// Composite calls in flight at once (at least 1).
    pub concurrency: usize,
    pub cancel: CancellationToken,
    pub progress: Option<ProgressFn>,
    /// What started the push: `Manual` (a person), or `Webhook` (the `serve` worker's
    /// automated delivery). Retries of failed deliveries are always logged as `Retry`.
    pub trigger: DeliveryTrigger,
    /// Tuning of the bulk path (used when the plan chose Bulk API 2.0).
    pub bulk: BulkOptions,
}

impl Default for ExecuteOptions {
    fn default() -> Self {
        ExecuteOptions {
            retry: RetryPolicy::default(),
            concurrency: DEFAULT_CONCURRENCY,
            cancel: CancellationToken::new(),
            progress: None,
            trigger: DeliveryTrigger::Manual,
            bulk: BulkOptions::default(),
        }
    }
}

/// One contact's delivery while the push runs.
pub(super) struct Job {
    delivery: DeliveryId,
    attempts: u32,
    record_id: Option<String>,
    campaign_member_id: Option<String>,
    opportunity_id: Option<String>,
    contact_role_id: Option<String>,
    /// Steps still to send, by phase.
    todo: Vec<StepKind>,
    /// Failed attempts per step, for the retry schedule.
    tries: HashMap<StepKind, u32>,
    error: Option<DeliveryError>,
    finished: Option<ResultStatus>,
    /// A record of it went to Salesforce in this push (for progress).
    sent: bool,
}

/// One record to write for one job.
#[derive(Debug, Clone)]
pub(super) struct Unit {
    pub(super) job: usize,
    pub(super) delivery: DeliveryId,
    pub(super) step: StepKind,
    pub(super) lane: Lane,
    pub(super) record_id: Option<String>,
    pub(super) fields: Record,
}

/// How one record's attempt ended.
pub(super) enum Answer {
    Written(Option<String>),
    Transient(DeliveryError, Option<u32>),
    Permanent(DeliveryError),
    /// Not sent: the push was cancelled first.
    NotSent,
}

pub(super) struct Run<'a> {
    pub(super) client: &'a SalesforceClient,
    pub(super) store: &'a Store,
    pub(super) plan: &'a Plan,
    pub(super) options: &'a ExecuteOptions,
    collections_path: String,
    calls_before: u64,
    /// The bulk path's stage and counts, carried by progress reports.
    pub(super) bulk_progress: std::sync::Mutex<Option<BulkProgress>>,
}

/// Executes `plan`. The caller holds the push lock (taken before planning, so no other push
/// plans from the same org state in between).
pub async fn execute(
    client: &SalesforceClient,
    store: &Store,
    plan: &Plan,
    _lock: &SyncLock,
    options: &ExecuteOptions,
) -> Result<SyncReport> {
    let run = Run {
        client,
        store,
        plan,
        options,
        collections_path: format!(
            "/services/data/v{}/composite/sobjects",
            client.api_version()
        ),
        calls_before: client.api_calls(),
        bulk_progress: std::sync::Mutex::new(None),
    };
    if plan.items.is_empty() {
        return Ok(SyncReport {
            batch_id: None,
            results: Vec::new(),
            pending: Vec::new(),
            cancelled: false,
            api_calls: 0,
            lookup_calls: plan.lookup_calls,
        });
    }
    let (batch, mut jobs) = run.begin()?;
    run.report_progress(&jobs, 0);
    for phase in 1..=3 {
        if options.cancel.is_cancelled() {
            break;
        }
        run.phase(phase, &mut jobs).await?;
    }
    Ok(run.report(batch, &jobs))
}

impl Run<'_> {
    /// Logs every delivery (pending) and finishes those with nothing to send.
    fn begin(&self) -> Result<(BatchId, Vec<Job>)> {
        let now = Utc::now();
        let retrying = self
            .plan
            .items
            .iter()
            .any(|i| i.continues.as_ref().is_some_and(|c| c.retry));
        let trigger = if retrying {
            DeliveryTrigger::Retry
        } else {
            self.options.trigger
        };
        let mut jobs = self.store.transaction(|tx| {
            let batch = deliveries::begin_batch(tx, trigger, now)?;
            let mut jobs = Vec::with_capacity(self.plan.items.len());
            for item in &self.plan.items {
                jobs.push(self.begin_job(tx, batch, item)?);
            }
            Ok((batch, jobs))
        })?;
        self.finish_ready(&mut jobs.1)?;
        Ok(jobs)
    }

    fn begin_job(&self, tx: &rusqlite::Connection, batch: BatchId, item: &PlanItem) -> Result<Job> {
        let now = Utc::now();
        let mut attempts = 0;
        let delivery = match &item.continues {
            Some(c) if !c.retry => {
                // Resume the unfinished delivery itself; first close what was interrupted.
                let delivery = DeliveryId(c.delivery_id);
                for i in &c.interrupted {
                    let result = match &i.found_id {
                        Some(id) => AttemptResult {
                            outcome: AttemptOutcome::Succeeded,
                            response_status: None,
                            response_body: Some(
                                json!({"id": id, "success": true, "recheck": format!("found by query after the interruption")})
                                    .to_string(),
                            ),
                            error: None,
                            api_usage: None,
                        },
                        None => AttemptResult {
                            outcome: AttemptOutcome::FailedTransient,
                            response_status: None,
                            response_body: None,
                            error: Some(AttemptError {
                                code: Some("INTERRUPTED".into()),
                                message: format!(
                                    "the push stopped before Salesforce's answer was recorded; {}",
                                    if i.create {
                                        "the re-check found no record from it, so it is sent again"
                                    } else {
                                        "updates are sent again"
                                    }
                                ),
                                fields: vec![],
                            }),
                            api_usage: None,
                        },
                    };
                    deliveries::finish_attempt(tx, AttemptId(i.attempt_id), &result, now)?;
                }
                attempts = deliveries::get(tx, delivery)?.delivery.attempts;
                delivery
            }
            continues => deliveries::begin_delivery(
                tx,
                &NewDelivery {
                    batch_id: batch,
                    trigger: if continues.is_some() {
                        DeliveryTrigger::Retry
                    } else {
                        self.options.trigger
                    },
                    retry_of: continues.as_ref().map(|c| DeliveryId(c.delivery_id)),
                    email: item.email.clone(),
                    contact_name: item.contact_name.clone(),
                    company: item.company.clone(),
                    object: match item.object {
                        SyncObject::Lead => DeliveryObject::Lead,
                        SyncObject::Contact => DeliveryObject::Contact,
                    },
                    action: planned_action(item.action),
                    salesforce_id: item.record_id.clone(),
                    owner_id: item.owner_id.clone(),
                    owner_reason: item.owner_reason.clone(),
                    payload: serde_json::to_value(item)?,
                },
                now,
            )?,
        };
        let mut todo: Vec<StepKind> = super::batch::planned_lanes(item)
            .into_iter()
            .map(|(step, _)| step)
            .collect();
        todo.sort();
        let opportunity = item.opportunity.as_ref();
        Ok(Job {
            delivery,
            attempts,
            record_id: item.record_id.clone(),
            campaign_member_id: item
                .campaign
                .as_ref()
                .and_then(|c| c.existing_member_id.clone()),
            opportunity_id: opportunity.and_then(|o| o.existing_opportunity_id.clone()),
            contact_role_id: opportunity.and_then(|o| o.existing_contact_role_id.clone()),
            todo,
            tries: HashMap::new(),
            error: item.problem.as_ref().map(|p| DeliveryError {
                code: p.code.clone(),
                message: p.message.clone(),
                fields: p.field.iter().cloned().collect(),
                http_status: None,
                salesforce_code: None,
            }),
            finished: None,
            sent: false,
        })
    }

    /// Runs one phase: its records, then their retries, until none is left (or the push is
    /// cancelled).
    async fn phase(&self, phase: u8, jobs: &mut [Job]) -> Result<()> {
        let mut ready: Vec<Unit> = Vec::new();
        for (index, job) in jobs.iter().enumerate() {
            if job.finished.is_some() || job.error.is_some() {
                continue;
            }
            for step in job.todo.iter().filter(|s| s.phase() == phase) {
                let mut unit = self.unit(index, job, *step)?;
                if self.plan.api == ApiPath::Bulk && super::bulk::eligible(&unit.lane) {
                    // The bulk path builds each record again when it writes it, so a push of
                    // any size holds no more than one record's fields at a time.
                    unit.fields = Record::new();
                }
                ready.push(unit);
            }
        }
        while !ready.is_empty() {
            // The bulk path: its records go as Bulk API 2.0 jobs, the rest as below.
            let mut again: Vec<Unit> = Vec::new();
            let mut bulk_wait = Duration::ZERO;
            if self.plan.api == ApiPath::Bulk {
                let (bulk, rest): (Vec<Unit>, Vec<Unit>) = ready
                    .drain(..)
                    .partition(|u| super::bulk::eligible(&u.lane));
                ready = rest;
                if !bulk.is_empty() {
                    let (answers, fallback) = self.send_bulk(jobs, phase, bulk).await?;
                    ready.extend(fallback);
                    for (unit, answer) in answers {
                        if let Some(delay) = self.absorb(jobs, &unit, answer) {
                            bulk_wait = bulk_wait.max(delay);
                            again.push(unit);
                        }
                    }
                    self.finish_ready(jobs)?;
                    self.report_progress(jobs, phase);
                }
            }
            let composites = pack(ready.drain(..).map(|u| (u.lane.clone(), u)).collect());
            let mut calls = stream::iter(composites.into_iter().map(|c| self.send(c)))
                .buffer_unordered(self.options.concurrency.max(1));
            let mut wait = Duration::ZERO;
            while let Some(answers) = calls.next().await {
                for (unit, answer) in answers? {
                    if let Some(delay) = self.absorb(jobs, &unit, answer) {
                        wait = wait.max(delay);
                        ready.push(unit);
                    }
                }
                self.finish_ready(jobs)?;
                self.report_progress(jobs, phase);
            }
            ready.extend(again);
            wait = wait.max(bulk_wait);
            if !ready.is_empty() {
                if retry::pause(wait, &self.options.cancel).await.is_err() {
                    // Cancelled while waiting to retry: the rest stays pending.
                    break;
                }
                // Units whose job failed meanwhile (another of its records failed) are dropped.
                ready.retain(|u| jobs[u.job].error.is_none());
            }
        }
        Ok(())
    }

    /// The record for `step` of a job, with the Ids earlier phases produced.
    pub(in crate::sync) fn unit(&self, index: usize, job: &Job, step: StepKind) -> Result<Unit> {
        let item = &self.plan.items[index];
        let missing = |what: &str| {
            Error::internal(format!(
                "{}: the {what} is not known when its dependant is due",
                item.email
            ))
        };
        let mut fields = Record::new();
        let (lane, record_id) = match step {
            StepKind::Primary => {
                for change in &item.changes {
                    fields.insert(change.field.clone(), change.after.clone());
                }
                let create = item.action == PlanAction::Create;
                let lane = Lane::new(item.object.as_str(), create, item.assignment);
                (lane, if create { None } else { item.record_id.clone() })
            }
            StepKind::Account => {
                let account = item.account.as_ref().ok_or_else(|| missing("Account"))?;
                for change in &account.changes {
                    fields.insert(change.field.clone(), change.after.clone());
                }
                (
                    Lane::new("Account", false, None),
                    Some(account.account_id.clone()),
                )
            }
            StepKind::CampaignMember => {
                let campaign = item.campaign.as_ref().ok_or_else(|| missing("campaign"))?;
                let lead = job.record_id.clone().ok_or_else(|| missing("Lead Id"))?;
                fields.insert(
                    "CampaignId".into(),
                    Value::String(campaign.campaign_id.clone()),
                );
                fields.insert("LeadId".into(), Value::String(lead));
                (Lane::new("CampaignMember", true, None), None)
            }
            StepKind::Opportunity => {
                let o = item
                    .opportunity
                    .as_ref()
                    .ok_or_else(|| missing("Opportunity"))?;
                fields.insert("Name".into(), Value::String(o.name.clone()));
                fields.insert("StageName".into(), Value::String(o.stage_name.clone()));
                fields.insert("CloseDate".into(), Value::String(o.close_date.clone()));
                if let Some(d) = &o.description {
                    fields.insert("Description".into(), Value::String(d.clone()));
                }
                if let Some(a) = &o.account_id {
                    fields.insert("AccountId".into(), Value::String(a.clone()));
                }
                (Lane::new("Opportunity", true, None), None)
            }
            StepKind::ContactRole => {
                let o = item
                    .opportunity
                    .as_ref()
                    .ok_or_else(|| missing("Opportunity"))?;
                let opportunity = job
                    .opportunity_id
                    .clone()
                    .ok_or_else(|| missing("Opportunity Id"))?;
                fields.insert("OpportunityId".into(), Value::String(opportunity));
                fields.insert("ContactId".into(), Value::String(o.contact_id.clone()));
                fields.insert("IsPrimary".into(), Value::Bool(true));
                (Lane::new("OpportunityContactRole", true, None), None)
            }
        };
        Ok(Unit {
            job: index,
            delivery: job.delivery,
            step,
            lane,
            record_id,
            fields,
        })
    }

    /// One Composite call: logs the attempts, sends, logs the answers.
    async fn send(&self, collections: Vec<Collection<Unit>>) -> Result<Vec<(Unit, Answer)>> {
        if self.options.cancel.is_cancelled() {
            return Ok(collections
                .into_iter()
                .flat_map(|c| c.records)
                .map(|u| (u, Answer::NotSent))
                .collect());
        }
        let mut subrequests = Vec::with_capacity(collections.len());
        let mut bodies: Vec<Vec<String>> = Vec::with_capacity(collections.len());
        for (i, collection) in collections.iter().enumerate() {
            let records = collection
                .records
                .iter()
                .map(|u| collection_record(u.lane.sobject, u.record_id.as_deref(), &u.fields))
                .collect::<Result<Vec<Value>>>()?;
            bodies.push(records.iter().map(Value::to_string).collect());
            let method = if collection.lane.create {
                "POST"
            } else {
                "PATCH"
            };
            let mut sub =
                CompositeSubrequest::new(method, self.collections_path.clone(), format!("c{i}"))
                    .with_body(json!({ "allOrNone": false, "records": records }));
            if collection.lane.assign_off {
                sub = sub.with_header("Sforce-Auto-Assign", "FALSE");
            }
            subrequests.push(sub);
        }
        // The outbox: every record's attempt is on disk before the call.
        let attempts: Vec<Vec<AttemptId>> = self.store.transaction(|tx| {
            let now = Utc::now();
            collections
                .iter()
                .zip(&bodies)
                .map(|(collection, bodies)| {
                    collection
                        .records
                        .iter()
                        .zip(bodies)
                        .map(|(unit, body)| {
                            deliveries::begin_attempt(
                                tx,
                                unit.delivery,
                                &AttemptRequest {
                                    method: if collection.lane.create {
                                        "POST"
                                    } else {
                                        "PATCH"
                                    }
                                    .into(),
                                    path: self.collections_path.clone(),
                                    body: Some(body.clone()),
                                },
                                now,
                            )
                        })
                        .collect()
                })
                .collect()
        })?;
        let answer = self
            .client
            .composite(&subrequests, false, &WriteOptions::default())
            .await;
        let usage = self
            .client
            .api_usage()
            .map(|u| format!("api-usage={}/{}", u.used, u.max));
        let mut out = Vec::new();
        let mut results: Vec<(AttemptId, AttemptResult)> = Vec::new();
        match answer {
            Err(e) => {
                let error = delivery_error(&e);
                let transient = retry::is_transient(&e);
                for (collection, ids) in collections.into_iter().zip(attempts) {
                    for (unit, id) in collection.records.into_iter().zip(ids) {
                        results.push((id, failed_attempt(&error, transient, &usage)));
                        out.push((unit, answer_for(&error, transient, retry::retry_after(&e))));
                    }
                }
            }
            Ok(subresponses) => {
                for ((collection, ids), sub) in
                    collections.into_iter().zip(attempts).zip(subresponses)
                {
                    if let Some(e) = sub.error() {
                        let error = delivery_error(&e);
                        let transient = retry::is_transient(&e);
                        for (unit, id) in collection.records.into_iter().zip(ids) {
                            results.push((id, failed_attempt(&error, transient, &usage)));
                            out.push((unit, answer_for(&error, transient, retry::retry_after(&e))));
                        }
                        continue;
                    }
                    let saved: Vec<SaveResult> = match serde_json::from_value(sub.body.clone()) {
                        Ok(s) => s,
                        Err(e) => {
                            let error = DeliveryError {
                                code: "SALESFORCE".into(),
                                message: format!(
                                    "the collection's answer is not in the documented shape ({e})"
                                ),
                                fields: vec![],
                                http_status: Some(sub.http_status_code),
                                salesforce_code: None,
                            };
                            for (unit, id) in collection.records.into_iter().zip(ids) {
                                results.push((id, failed_attempt(&error, false, &usage)));
                                out.push((unit, Answer::Permanent(error.clone())));
                            }
                            continue;
                        }
                    };
                    if saved.len() != collection.records.len() {
                        return Err(Error::new(
                            ErrorCode::Salesforce,
                            format!(
                                "{} records sent in a collection but {} results came back",
                                collection.records.len(),
                                saved.len()
                            ),
                        ));
                    }
                    for ((unit, id), result) in collection.records.into_iter().zip(ids).zip(saved) {
                        let body = serde_json::to_string(&result).ok();
                        if result.success {
                            results.push((
                                id,
                                AttemptResult {
                                    outcome: AttemptOutcome::Succeeded,
                                    response_status: Some(sub.http_status_code),
                                    response_body: body,
                                    error: None,
                                    api_usage: usage.clone(),
                                },
                            ));
                            out.push((unit, Answer::Written(result.id)));
                            continue;
                        }
                        let first = result.errors.first();
                        let code = first
                            .map(|e| e.error_code.clone())
                            .unwrap_or_else(|| "UNKNOWN".into());
                        let transient = result
                            .errors
                            .iter()
                            .any(|e| is_transient_error_code(&e.error_code));
                        let error = DeliveryError {
                            code: code.clone(),
                            message: result
                                .errors
                                .iter()
                                .map(|e| e.message.as_str())
                                .collect::<Vec<_>>()
                                .join("; "),
                            fields: result
                                .errors
                                .iter()
                                .flat_map(|e| e.fields.clone())
                                .collect(),
                            http_status: Some(sub.http_status_code),
                            salesforce_code: Some(code),
                        };
                        results.push((
                            id,
                            AttemptResult {
                                outcome: if transient {
                                    AttemptOutcome::FailedTransient
                                } else {
                                    AttemptOutcome::FailedPermanent
                                },
                                response_status: Some(sub.http_status_code),
                                response_body: body,
                                error: Some(attempt_error(&error)),
                                api_usage: usage.clone(),
                            },
                        ));
                        out.push((unit, answer_for(&error, transient, None)));
                    }
                }
            }
        }
        self.store.transaction(|tx| {
            let now = Utc::now();
            for (id, result) in &results {
                deliveries::finish_attempt(tx, *id, result, now)?;
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Applies one answer to its job; `Some(delay)` when the record is to be sent again.
    fn absorb(&self, jobs: &mut [Job], unit: &Unit, answer: Answer) -> Option<Duration> {
        let job = &mut jobs[unit.job];
        job.sent |= !matches!(answer, Answer::NotSent);
        match answer {
            Answer::NotSent => None,
            Answer::Written(id) => {
                job.attempts += 1;
                match unit.step {
                    StepKind::Primary if unit.lane.create => job.record_id = id,
                    StepKind::CampaignMember => job.campaign_member_id = id,
                    StepKind::Opportunity => job.opportunity_id = id,
                    StepKind::ContactRole => job.contact_role_id = id,
                    StepKind::Primary | StepKind::Account => {}
                }
                job.todo.retain(|s| *s != unit.step);
                None
            }
            Answer::Permanent(error) => {
                job.attempts += 1;
                job.error.get_or_insert(error);
                None
            }
            Answer::Transient(mut error, retry_after) => {
                job.attempts += 1;
                let tries = job.tries.entry(unit.step).or_insert(0);
                *tries += 1;
                match self.options.retry.wait_after(*tries, retry_after) {
                    Ok(delay) if job.error.is_none() => Some(delay),
                    Ok(_) => None,
                    Err(why) => {
                        error.message = format!("{} ({why})", error.message);
                        job.error.get_or_insert(error);
                        None
                    }
                }
            }
        }
    }

    /// Finishes the deliveries that have nothing left to do, in one transaction.
    fn finish_ready(&self, jobs: &mut [Job]) -> Result<()> {
        let ready: Vec<usize> = jobs
            .iter()
            .enumerate()
            .filter(|(_, j)| j.finished.is_none() && (j.error.is_some() || j.todo.is_empty()))
            .map(|(i, _)| i)
            .collect();
        if ready.is_empty() {
            return Ok(());
        }
        self.store.transaction(|tx| {
            let now = Utc::now();
            for &i in &ready {
                let item = &self.plan.items[i];
                let job = &mut jobs[i];
                let (status, error) = match (&job.error, &item.skip_reason) {
                    (Some(e), _) => (FinishedStatus::Failed, Some(e.clone())),
                    (None, Some(skip)) if item.action == PlanAction::Skipped => (
                        FinishedStatus::Skipped,
                        Some(DeliveryError {
                            code: skip.code.clone(),
                            message: skip.message.clone(),
                            fields: vec![],
                            http_status: None,
                            salesforce_code: None,
                        }),
                    ),
                    _ => (FinishedStatus::Succeeded, None),
                };
                deliveries::finish_delivery(
                    tx,
                    job.delivery,
                    &DeliveryOutcome {
                        status,
                        action: Some(planned_action(item.action)),
                        salesforce_id: job.record_id.clone(),
                        owner_id: item.owner_id.clone(),
                        owner_reason: item.owner_reason.clone(),
                        opportunity_id: job.opportunity_id.clone(),
                        campaign_member_id: job.campaign_member_id.clone(),
                        error,
                    },
                    now,
                )?;
                if let Some(c) = item.continues.as_ref().filter(|c| !c.supersedes.is_empty()) {
                    let older: Vec<DeliveryId> =
                        c.supersedes.iter().map(|&id| DeliveryId(id)).collect();
                    deliveries::mark_resolved(tx, &older, now)?;
                }
                job.finished = Some(match status {
                    FinishedStatus::Succeeded => ResultStatus::Succeeded,
                    FinishedStatus::Failed => ResultStatus::Failed,
                    FinishedStatus::Skipped => ResultStatus::Skipped,
                });
                if item.contact_id.is_some() {
                    let facts = DeliveryFacts {
                        salesforce_lead_id: job
                            .record_id
                            .clone()
                            .filter(|_| item.object == SyncObject::Lead),
                        salesforce_contact_id: job
                            .record_id
                            .clone()
                            .filter(|_| item.object == SyncObject::Contact),
                        salesforce_account_id: item
                            .opportunity
                            .as_ref()
                            .and_then(|o| o.account_id.clone())
                            .or_else(|| item.account.as_ref().map(|a| a.account_id.clone())),
                        salesforce_opportunity_id: job.opportunity_id.clone(),
                        salesforce_opportunity_stage: job
                            .opportunity_id
                            .as_ref()
                            .and(item.opportunity.as_ref())
                            .map(|o| o.stage_name.clone()),
                        salesforce_opportunity_close_date: job
                            .opportunity_id
                            .as_ref()
                            .and(item.opportunity.as_ref())
                            .map(|o| o.close_date.clone()),
                        last_delivery_status: Some(status.as_str().to_string()),
                        last_delivery_id: Some(job.delivery.0),
                        last_delivered_at: Some(now),
                        ..DeliveryFacts::default()
                    };
                    match set_delivery_facts(tx, &item.email, &facts) {
                        // The contact was deleted from the inbox meanwhile: the log keeps it all.
                        Err(e) if e.code == ErrorCode::NotFound => {}
                        other => other?,
                    }
                }
            }
            Ok(())
        })
    }

    pub(super) fn report_progress(&self, jobs: &[Job], phase: u8) {
        let Some(progress) = &self.options.progress else {
            return;
        };
        let count = |s: ResultStatus| jobs.iter().filter(|j| j.finished == Some(s)).count() as u32;
        progress(&SyncProgress {
            stage: SyncStage::Writing,
            total: jobs.len() as u32,
            sent: jobs.iter().filter(|j| j.sent).count() as u32,
            done: jobs.iter().filter(|j| j.finished.is_some()).count() as u32,
            succeeded: count(ResultStatus::Succeeded),
            failed: count(ResultStatus::Failed),
            skipped: count(ResultStatus::Skipped),
            phase,
            api_calls: self.client.api_calls() - self.calls_before,
            summary: None,
            error: None,
            bulk: self
                .bulk_progress
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone(),
        });
    }

    fn report(&self, batch: BatchId, jobs: &[Job]) -> SyncReport {
        let mut results = Vec::new();
        let mut pending = Vec::new();
        for (item, job) in self.plan.items.iter().zip(jobs) {
            let Some(status) = job.finished else {
                pending.push(PendingDelivery {
                    email: item.email.clone(),
                    delivery_id: job.delivery.0,
                });
                continue;
            };
            let error = match (&job.error, &item.skip_reason, status) {
                (Some(e), _, _) => Some(ResultError {
                    code: e.code.clone(),
                    message: e.message.clone(),
                }),
                (None, Some(skip), ResultStatus::Skipped) => Some(ResultError {
                    code: skip.code.clone(),
                    message: skip.message.clone(),
                }),
                _ => None,
            };
            results.push(SyncResult {
                email: item.email.clone(),
                status,
                action: item.action.done().to_string(),
                object: item.object.as_str().to_string(),
                id: job.record_id.clone(),
                owner_id: item.owner_id.clone(),
                owner_reason: item.owner_reason.clone(),
                opportunity_id: job.opportunity_id.clone(),
                campaign_member_id: job.campaign_member_id.clone(),
                error,
                delivery_id: Some(job.delivery.0),
                attempts: job.attempts,
            });
        }
        self.report_progress(jobs, 3);
        SyncReport {
            batch_id: Some(batch.0),
            results,
            cancelled: !pending.is_empty() && self.options.cancel.is_cancelled(),
            pending,
            api_calls: self.client.api_calls() - self.calls_before,
            lookup_calls: self.plan.lookup_calls,
        }
    }
}

fn planned_action(action: PlanAction) -> PlannedAction {
    match action {
        PlanAction::Create => PlannedAction::Create,
        PlanAction::Update => PlannedAction::Update,
        PlanAction::Unchanged => PlannedAction::Unchanged,
        PlanAction::Skipped => PlannedAction::Skipped,
    }
}

pub(super) fn delivery_error(e: &Error) -> DeliveryError {
    let details = e.details.as_deref();
    let salesforce_code = details.and_then(|d| d.salesforce_code.clone());
    DeliveryError {
        code: salesforce_code
            .clone()
            .unwrap_or_else(|| e.code.as_str().to_string()),
        message: e.message.clone(),
        fields: details.map(|d| d.fields.clone()).unwrap_or_default(),
        http_status: details.and_then(|d| d.http_status),
        salesforce_code,
    }
}

fn attempt_error(e: &DeliveryError) -> AttemptError {
    AttemptError {
        code: Some(e.code.clone()),
        message: e.message.clone(),
        fields: e.fields.clone(),
    }
}

fn failed_attempt(error: &DeliveryError, transient: bool, usage: &Option<String>) -> AttemptResult {
    AttemptResult {
        outcome: if transient {
            AttemptOutcome::FailedTransient
        } else {
            AttemptOutcome::FailedPermanent
        },
        response_status: error.http_status,
        response_body: None,
        error: Some(attempt_error(error)),
        api_usage: usage.clone(),
    }
}

pub(super) fn answer_for(
    error: &DeliveryError,
    transient: bool,
    retry_after: Option<u32>,
) -> Answer {
    if transient {
        Answer::Transient(error.clone(), retry_after)
    } else {
        Answer::Permanent(error.clone())
    }
}
