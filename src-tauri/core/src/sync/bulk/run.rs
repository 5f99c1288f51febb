//! The executor's bulk step: one phase's bulk records → CSV parts → jobs → results → answers
//! the executor absorbs exactly like Composite answers (so retries, failures and finishing
//! deliveries work the same on both paths).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use chrono::Utc;
use serde_json::{json, Value};

use super::jobs::{self, OutboxJob, RowOutcome, Stage};
use super::parts;
use super::{BulkProgress, BulkStage};
use crate::deliveries::{
    self, AttemptError, AttemptOutcome, AttemptRequest, AttemptResult, DeliveryError,
};
use crate::salesforce::bulk::{JobState, Operation};
use crate::salesforce::query::Record;
use crate::salesforce::records::collection_record;
use crate::store::Store;
use crate::sync::executor::{answer_for, delivery_error, Answer, Job, Run, Unit};
use crate::sync::retry;
use crate::{Error, Result};

/// Where a push's CSV parts are written: `<data dir>/bulk`.
pub fn bulk_dir(store: &Store) -> PathBuf {
    store
        .path()
        .parent()
        .map(|p| p.join("bulk"))
        .unwrap_or_else(|| PathBuf::from("bulk"))
}

impl Run<'_> {
    /// A bulk unit's fields: the unit's own when it carries them, else built from the plan.
    fn bulk_fields<'u>(&self, jobs: &[Job], u: &'u Unit) -> Result<Cow<'u, Record>> {
        if !u.fields.is_empty() {
            return Ok(Cow::Borrowed(&u.fields));
        }
        Ok(Cow::Owned(self.unit(u.job, &jobs[u.job], u.step)?.fields))
    }

    fn set_bulk(&self, progress: BulkProgress) {
        *self.bulk_progress.lock().unwrap_or_else(|p| p.into_inner()) = Some(progress);
    }

    /// Sends `units` (all eligible for bulk) as Bulk API 2.0 jobs and waits for their results.
    /// Returns the answers and the units Bulk API cannot carry (over its size limits), which
    /// go over REST.
    pub(in crate::sync) async fn send_bulk(
        &self,
        jobs_now: &[Job],
        phase: u8,
        units: Vec<Unit>,
    ) -> Result<(Vec<(Unit, Answer)>, Vec<Unit>)> {
        let mut answers: Vec<(Unit, Answer)> = Vec::new();
        let mut fallback: Vec<Unit> = Vec::new();
        if self.options.cancel.is_cancelled() {
            return Ok((
                units.into_iter().map(|u| (u, Answer::NotSent)).collect(),
                fallback,
            ));
        }
        let total = units.len() as u32;
        let mut progress = BulkProgress {
            stage: BulkStage::Writing,
            jobs: 0,
            jobs_done: 0,
            records: total,
            processed: 0,
            failed: 0,
        };
        self.set_bulk(progress.clone());
        self.report_progress(jobs_now, phase);

        let mut groups: BTreeMap<(&'static str, Operation), Vec<usize>> = BTreeMap::new();
        for (i, u) in units.iter().enumerate() {
            let op = if u.lane.create {
                Operation::Insert
            } else {
                Operation::Update
            };
            groups.entry((u.lane.sobject, op)).or_default().push(i);
        }
        let dir = bulk_dir(self.store);
        let mut taken: Vec<bool> = vec![false; units.len()];
        let mut open: Vec<OutboxJob> = Vec::new();
        progress.stage = BulkStage::Uploading;
        for ((object, op), indices) in groups {
            // A bulk unit carries no fields (see `Run::phase`): each record is built from the
            // plan when it is needed and dropped after, here twice (columns, then rows).
            let header = parts::header(
                indices
                    .iter()
                    .map(|&i| self.bulk_fields(jobs_now, &units[i])),
                op == Operation::Update,
            )?;
            let stem = format!(
                "{}-{}-{}",
                object,
                op.as_str(),
                Utc::now().format("%Y%m%dT%H%M%S%.3f")
            );
            let written = parts::write(
                &dir,
                &stem,
                &header,
                indices.iter().map(|&i| {
                    let u = &units[i];
                    Ok((i, self.bulk_fields(jobs_now, u)?, u.record_id.as_deref()))
                }),
                self.options.bulk.max_part_bytes,
            )?;
            for (i, why) in written.rejected {
                tracing::info!(object, reason = %why, "record sent over REST instead of Bulk API");
                taken[i] = true;
                let mut unit = units[i].clone();
                unit.fields = self.bulk_fields(jobs_now, &unit)?.into_owned();
                fallback.push(unit);
            }
            for part in written.parts {
                for (_, i) in &part.rows {
                    taken[*i] = true;
                }
                if self.options.cancel.is_cancelled() {
                    let _ = std::fs::remove_file(&part.file);
                    for (_, i) in &part.rows {
                        answers.push((units[*i].clone(), Answer::NotSent));
                    }
                    continue;
                }
                progress.jobs += 1;
                self.set_bulk(progress.clone());
                self.report_progress(jobs_now, phase);
                match self.start_job(jobs_now, object, op, &part, &units).await {
                    Ok(job) => open.push(job),
                    Err((error, transient, retry_after)) => {
                        let _ = std::fs::remove_file(&part.file);
                        for (_, i) in &part.rows {
                            answers.push((
                                units[*i].clone(),
                                answer_for(&error, transient, retry_after),
                            ));
                        }
                    }
                }
            }
        }
        debug_assert!(taken.iter().all(|t| *t));

        progress.stage = BulkStage::Processing;
        self.set_bulk(progress.clone());
        self.report_progress(jobs_now, phase);
        let cancel = self.options.cancel.clone();
        jobs::wait(
            self.client,
            self.store,
            &mut open,
            self.options.bulk.poll_initial,
            self.options.bulk.poll_max,
            &cancel,
            |js, aborting| {
                progress.stage = if aborting {
                    BulkStage::Aborting
                } else {
                    BulkStage::Processing
                };
                progress.jobs_done = js
                    .iter()
                    .filter(|j| j.state.is_some_and(JobState::is_final))
                    .count() as u32;
                progress.processed = js.iter().map(|j| j.processed as u32).sum();
                progress.failed = js.iter().map(|j| j.failed as u32).sum();
                self.set_bulk(progress.clone());
                self.report_progress(jobs_now, phase);
            },
        )
        .await?;

        progress.stage = BulkStage::Results;
        self.set_bulk(progress.clone());
        self.report_progress(jobs_now, phase);
        let by_delivery: HashMap<i64, usize> = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.delivery.0, i))
            .collect();
        for job in open.iter_mut() {
            for row in jobs::read_results(self.client, self.store, job).await? {
                let Some(&i) = by_delivery.get(&row.delivery.0) else {
                    continue;
                };
                let answer = match row.outcome {
                    RowOutcome::Written(id) => Answer::Written(Some(id)),
                    RowOutcome::Failed { error, transient } => answer_for(&error, transient, None),
                    // Aborted (cancelled): left pending, the next push sends it again.
                    RowOutcome::NotProcessed { aborted: true, .. } => Answer::NotSent,
                    RowOutcome::NotProcessed { error, .. } => Answer::Permanent(error),
                };
                answers.push((units[i].clone(), answer));
            }
        }
        progress.stage = BulkStage::Done;
        self.set_bulk(progress);
        Ok((answers, fallback))
    }

    /// Creates a job, records it with its rows' attempts, uploads the part and closes the job.
    /// On failure the attempts are closed with the error (the job aborted if it was created),
    /// so the executor may retry the records in a new job.
    async fn start_job(
        &self,
        jobs_now: &[Job],
        object: &'static str,
        op: Operation,
        part: &parts::Part,
        units: &[Unit],
    ) -> std::result::Result<OutboxJob, (DeliveryError, bool, Option<u32>)> {
        let failed = |e: &Error| {
            (
                delivery_error(e),
                retry::is_transient(e),
                retry::retry_after(e),
            )
        };
        let info = self
            .client
            .bulk_create_job(object, op)
            .await
            .map_err(|e| failed(&e))?;
        let path = format!(
            "/services/data/v{}/jobs/ingest/{}/batches",
            self.client.api_version(),
            info.id
        );
        let recorded = self.store.transaction(|tx| {
            let now = Utc::now();
            let mut rows = Vec::with_capacity(part.rows.len());
            for (key, i) in &part.rows {
                let u = &units[*i];
                let fields: Cow<'_, Record> = self.bulk_fields(jobs_now, u)?;
                let attempt = deliveries::begin_attempt(
                    tx,
                    u.delivery,
                    &AttemptRequest {
                        method: "PUT".into(),
                        path: path.clone(),
                        body: Some(attempt_body(u, &fields, op, &info.id)?),
                    },
                    now,
                )?;
                rows.push((key.clone(), u.delivery, attempt));
            }
            jobs::record(tx, &info, op, &part.file, part.bytes, &rows)
        });
        let mut job = match recorded {
            Ok(job) => job,
            Err(e) => {
                // Nothing was uploaded: the empty job is aborted, the push stops on the
                // database error.
                let _ = self
                    .client
                    .bulk_set_state(&info.id, JobState::Aborted)
                    .await;
                return Err(failed(&e));
            }
        };
        let uploaded = async {
            self.client.bulk_upload(&job.job_id, &part.file).await?;
            jobs::set_stage(&self.store.conn(), &mut job, Stage::Uploaded)?;
            self.client
                .bulk_set_state(&job.job_id, JobState::UploadComplete)
                .await?;
            jobs::mark_closed(self.store, &mut job)
        }
        .await;
        if let Err(e) = uploaded {
            let (error, transient, after) = failed(&e);
            let _ = self
                .client
                .bulk_set_state(&job.job_id, JobState::Aborted)
                .await;
            close_attempts(self.store, &mut job, &error, transient).map_err(|db| failed(&db))?;
            return Err((error, transient, after));
        }
        Ok(job)
    }
}

/// The attempt's request body: the record as REST would send it, plus the job and operation
/// (a resume reads `attributes.operation` to know an insert from an update).
fn attempt_body(u: &Unit, fields: &Record, op: Operation, job_id: &str) -> Result<String> {
    let mut v = collection_record(u.lane.sobject, u.record_id.as_deref(), fields)?;
    if let Some(Value::Object(attrs)) = v.get_mut("attributes") {
        attrs.insert("operation".into(), json!(op.as_str()));
        attrs.insert("bulkJob".into(), json!(job_id));
    }
    Ok(v.to_string())
}

/// Closes a job's attempts with one error and marks the job done (its upload failed).
fn close_attempts(
    store: &Store,
    job: &mut OutboxJob,
    error: &DeliveryError,
    transient: bool,
) -> Result<()> {
    let attempts: Vec<_> = {
        let conn = store.conn();
        let mut stmt =
            conn.prepare_cached("SELECT attempt_id FROM bulk_job_rows WHERE bulk_job = ?1")?;
        let ids = stmt
            .query_map([job.pk], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids
    };
    store.transaction(|tx| {
        let now = Utc::now();
        for a in &attempts {
            deliveries::finish_attempt(
                tx,
                deliveries::AttemptId(*a),
                &AttemptResult {
                    outcome: if transient {
                        AttemptOutcome::FailedTransient
                    } else {
                        AttemptOutcome::FailedPermanent
                    },
                    response_status: error.http_status,
                    response_body: None,
                    error: Some(AttemptError {
                        code: Some(error.code.clone()),
                        message: error.message.clone(),
                        fields: error.fields.clone(),
                    }),
                    api_usage: None,
                },
                now,
            )?;
        }
        jobs::set_stage(tx, job, Stage::Done)
    })?;
    let _ = std::fs::remove_file(&job.file);
    Ok(())
}
