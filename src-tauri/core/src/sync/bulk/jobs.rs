//! The bulk outbox (`bulk_jobs`, `bulk_job_rows`, migration 0007) and the part of a job's life
//! after its upload: close, poll with backoff, read the results into the delivery log.
//!
//! Order of writes, so a crash anywhere loses nothing and sends nothing twice:
//! 1. Salesforce creates the job; its row, the rows' deliveries and their attempts (outcome
//!    unknown) are written in one transaction (stage `created`). A crash before this leaves
//!    an empty Open job in Salesforce, which it deletes after a week, and the deliveries
//!    untouched.
//! 2. The CSV is uploaded, then the stage is `uploaded`. A crash in between: the job is
//!    still Open, Salesforce has processed nothing; a restart aborts it and the records go
//!    again in a new job.
//! 3. `UploadComplete`, then the stage is `closed` and the attempts `sent`. A crash in
//!    between: a restart finds the job Open and closes it, or already past Open.
//! 4. Polling until a final state, then the results, finished attempts and stage `done` in
//!    one transaction. A restart before that polls the same job again; the upload is never
//!    repeated.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::parts::row_key;
use crate::deliveries::{
    self, AttemptError, AttemptId, AttemptOutcome, AttemptResult, DeliveryError, DeliveryId,
};
use crate::salesforce::api_error::is_transient_error_code;
use crate::salesforce::bulk::{parse_sf_error, JobInfo, JobState, Operation, ResultSet};
use crate::salesforce::SalesforceClient;
use crate::store::Store;
use crate::{Error, ErrorCode, Result};

/// Where a job stands in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Created,
    Uploaded,
    Closed,
    Done,
}

impl Stage {
    fn as_str(self) -> &'static str {
        match self {
            Stage::Created => "created",
            Stage::Uploaded => "uploaded",
            Stage::Closed => "closed",
            Stage::Done => "done",
        }
    }

    fn parse(s: &str) -> Stage {
        match s {
            "created" => Stage::Created,
            "uploaded" => Stage::Uploaded,
            "closed" => Stage::Closed,
            _ => Stage::Done,
        }
    }
}

/// A job in the outbox.
#[derive(Debug, Clone)]
pub struct OutboxJob {
    pub pk: i64,
    pub job_id: String,
    pub object: String,
    pub operation: Operation,
    pub file: PathBuf,
    pub records: u32,
    pub stage: Stage,
    /// Last state Salesforce reported, with its counts.
    pub state: Option<JobState>,
    pub processed: u64,
    pub failed: u64,
    pub error_message: Option<String>,
}

/// How one record of a job ended.
#[derive(Debug, Clone)]
pub enum RowOutcome {
    Written(String),
    Failed {
        error: DeliveryError,
        transient: bool,
    },
    /// Salesforce did not process it (the job was aborted, or failed as a whole).
    NotProcessed {
        error: DeliveryError,
        aborted: bool,
    },
}

/// One record's outcome, with its delivery.
#[derive(Debug, Clone)]
pub struct RowResult {
    pub delivery: DeliveryId,
    pub attempt: AttemptId,
    pub outcome: RowOutcome,
}

/// Step 1: records a job Salesforce just created, with its rows (key, delivery, attempt).
pub fn record(
    conn: &Connection,
    info: &JobInfo,
    operation: Operation,
    file: &std::path::Path,
    bytes: u64,
    rows: &[(String, DeliveryId, AttemptId)],
) -> Result<OutboxJob> {
    let now = Utc::now().timestamp_millis();
    conn.execute(
        "INSERT INTO bulk_jobs (job_id, object, operation, file, records, bytes, stage, state, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'created', ?7, ?8, ?8)",
        params![
            info.id,
            info.object,
            operation.as_str(),
            file.to_string_lossy(),
            rows.len() as i64,
            bytes as i64,
            info.state.as_str(),
            now
        ],
    )?;
    let pk = conn.last_insert_rowid();
    let mut insert = conn.prepare_cached(
        "INSERT INTO bulk_job_rows (bulk_job, row_key, delivery_id, attempt_id) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (key, delivery, attempt) in rows {
        insert.execute(params![pk, key, delivery.0, attempt.0])?;
    }
    Ok(OutboxJob {
        pk,
        job_id: info.id.clone(),
        object: info.object.clone(),
        operation,
        file: file.to_path_buf(),
        records: rows.len() as u32,
        stage: Stage::Created,
        state: Some(info.state),
        processed: 0,
        failed: 0,
        error_message: None,
    })
}

pub fn set_stage(conn: &Connection, job: &mut OutboxJob, stage: Stage) -> Result<()> {
    conn.execute(
        "UPDATE bulk_jobs SET stage = ?2, updated_at = ?3 WHERE id = ?1",
        params![job.pk, stage.as_str(), Utc::now().timestamp_millis()],
    )?;
    job.stage = stage;
    Ok(())
}

fn save_state(conn: &Connection, job: &mut OutboxJob, info: &JobInfo) -> Result<()> {
    job.state = Some(info.state);
    job.processed = info.number_records_processed;
    job.failed = info.number_records_failed;
    job.error_message = info.error_message.clone();
    conn.execute(
        "UPDATE bulk_jobs SET state = ?2, processed = ?3, failed = ?4, error_message = ?5, updated_at = ?6 WHERE id = ?1",
        params![
            job.pk,
            info.state.as_str(),
            info.number_records_processed as i64,
            info.number_records_failed as i64,
            info.error_message,
            Utc::now().timestamp_millis()
        ],
    )?;
    Ok(())
}

/// Jobs whose results are not read yet, oldest first.
pub fn open_jobs(conn: &Connection) -> Result<Vec<OutboxJob>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, job_id, object, operation, file, records, stage, state, processed, failed, error_message
         FROM bulk_jobs WHERE stage <> 'done' ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, i64>(8)?,
            r.get::<_, i64>(9)?,
            r.get::<_, Option<String>>(10)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (pk, job_id, object, op, file, records, stage, state, processed, failed, msg) = row?;
        out.push(OutboxJob {
            pk,
            job_id,
            object,
            operation: Operation::parse(&op).unwrap_or(Operation::Insert),
            file: PathBuf::from(file),
            records: records as u32,
            stage: Stage::parse(&stage),
            state: state.and_then(|s| serde_json::from_value(json!(s)).ok()),
            processed: processed as u64,
            failed: failed as u64,
            error_message: msg,
        });
    }
    Ok(out)
}

/// The rows of a job: key → (delivery, attempt).
fn rows(conn: &Connection, job: &OutboxJob) -> Result<HashMap<String, (DeliveryId, AttemptId)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT row_key, delivery_id, attempt_id FROM bulk_job_rows WHERE bulk_job = ?1",
    )?;
    let map = stmt
        .query_map([job.pk], |r| {
            Ok((
                r.get::<_, String>(0)?,
                (DeliveryId(r.get(1)?), AttemptId(r.get(2)?)),
            ))
        })?
        .collect::<rusqlite::Result<HashMap<_, _>>>()?;
    Ok(map)
}

/// Step 3's bookkeeping: the stage and every attempt `sent` (Salesforce has the records).
pub fn mark_closed(store: &Store, job: &mut OutboxJob) -> Result<()> {
    let attempts: Vec<AttemptId> = rows(&store.conn(), job)?
        .into_values()
        .map(|(_, a)| a)
        .collect();
    let job_id = job.job_id.clone();
    store.transaction(|tx| {
        set_stage(tx, job, Stage::Closed)?;
        let now = Utc::now();
        for a in &attempts {
            deliveries::finish_attempt(
                tx,
                *a,
                &AttemptResult {
                    outcome: AttemptOutcome::Sent,
                    response_status: None,
                    response_body: Some(
                        json!({"bulkJob": job_id, "state": "UploadComplete"}).to_string(),
                    ),
                    error: None,
                    api_usage: None,
                },
                now,
            )?;
        }
        Ok(())
    })
}

/// Closes a job whose upload is recorded, unless Salesforce already has it closed.
pub async fn close(client: &SalesforceClient, store: &Store, job: &mut OutboxJob) -> Result<()> {
    let info = client.bulk_job(&job.job_id).await?;
    if info.state == JobState::Open {
        client
            .bulk_set_state(&job.job_id, JobState::UploadComplete)
            .await?;
    }
    mark_closed(store, job)
}

/// Polls the jobs until Salesforce is done with each, waiting `initial` and growing by half up
/// to `max` between rounds. On cancellation it aborts the jobs still running (once) and keeps
/// polling until they report `Aborted`. `on_round` sees the jobs after each round.
pub async fn wait(
    client: &SalesforceClient,
    store: &Store,
    jobs: &mut [OutboxJob],
    initial: Duration,
    max: Duration,
    cancel: &CancellationToken,
    mut on_round: impl FnMut(&[OutboxJob], bool),
) -> Result<()> {
    let mut delay = initial;
    let mut aborted = false;
    loop {
        for job in jobs.iter_mut() {
            if job.state.is_some_and(JobState::is_final) {
                continue;
            }
            let info = client.bulk_job(&job.job_id).await?;
            save_state(&store.conn(), job, &info)?;
        }
        let open: Vec<usize> = (0..jobs.len())
            .filter(|i| !jobs[*i].state.is_some_and(JobState::is_final))
            .collect();
        on_round(jobs, aborted);
        if open.is_empty() {
            return Ok(());
        }
        if cancel.is_cancelled() && !aborted {
            aborted = true;
            for i in open {
                abort(client, store, &mut jobs[i]).await?;
            }
            continue;
        }
        // A cancellation wakes the wait early, so the jobs are aborted at once.
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = cancel.cancelled(), if !aborted => {}
        }
        delay = (delay + delay / 2).min(max);
    }
}

/// Aborts a job (it may have finished meanwhile: then its final state stands).
pub async fn abort(client: &SalesforceClient, store: &Store, job: &mut OutboxJob) -> Result<()> {
    let info = match client.bulk_set_state(&job.job_id, JobState::Aborted).await {
        Ok(info) => info,
        Err(e) if e.details.as_ref().and_then(|d| d.http_status) == Some(400) => {
            client.bulk_job(&job.job_id).await?
        }
        Err(e) => return Err(e),
    };
    save_state(&store.conn(), job, &info)
}

/// Downloads one result set of a job to a file beside its CSV and reads it row by row
/// (never whole): for each row, its key (the job's own columns, as [`row_key`] reads them)
/// and the row's `sf__` column named `column`.
async fn each_result(
    client: &SalesforceClient,
    job: &OutboxJob,
    set: ResultSet,
    column: &str,
    f: impl FnMut(String, &str),
) -> Result<()> {
    let what = match set {
        ResultSet::Successful => "successful results",
        ResultSet::Failed => "failed results",
        ResultSet::Unprocessed => "unprocessed records",
    };
    let file = job.file.with_extension(format!("{}.csv", set.resource()));
    let read = async {
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        client.bulk_results_to_file(&job.job_id, set, &file).await?;
        let f_in = std::fs::File::open(&file).map_err(|e| {
            Error::new(
                ErrorCode::Io,
                format!(
                    "cannot read the Bulk API results file {}: {e}",
                    file.display()
                ),
            )
        })?;
        each_row(
            std::io::BufReader::with_capacity(256 * 1024, f_in),
            what,
            column,
            f,
        )
    }
    .await;
    let _ = std::fs::remove_file(&file);
    read
}

/// Reads a result CSV row by row (see [`each_result`]).
fn each_row(
    bytes: impl std::io::Read,
    what: &str,
    column: &str,
    mut f: impl FnMut(String, &str),
) -> Result<()> {
    let bad = |e: csv::Error| {
        Error::new(
            ErrorCode::Salesforce,
            format!("the job's {what} are not CSV as documented ({e})"),
        )
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(bad)?
        .iter()
        .map(str::to_string)
        .collect();
    let col = header.iter().position(|h| h == column);
    let skip = header.iter().take_while(|h| h.starts_with("sf__")).count();
    let names = &header[skip..];
    let mut row = csv::StringRecord::new();
    while reader.read_record(&mut row).map_err(bad)? {
        let cells: Vec<&str> = row.iter().skip(skip).collect();
        let key = row_key(names, &cells);
        f(key, col.and_then(|i| row.get(i)).unwrap_or_default());
    }
    Ok(())
}

/// Step 4: reads a finished job's results, finishes every attempt, marks the job done and
/// removes its CSV. Returns each row's outcome. The result sets are parsed row by row and
/// matched against the job's rows at once, so nothing but the answers grows with the job.
pub async fn read_results(
    client: &SalesforceClient,
    store: &Store,
    job: &mut OutboxJob,
) -> Result<Vec<RowResult>> {
    let state = job.state.unwrap_or(JobState::Failed);
    let mut keys = rows(&store.conn(), job)?;
    let mut results: Vec<RowResult> = Vec::with_capacity(keys.len());
    let usage = client
        .api_usage()
        .map(|u| format!("api-usage={}/{}", u.used, u.max));

    each_result(client, job, ResultSet::Successful, "sf__Id", |key, id| {
        if let Some((delivery, attempt)) = keys.remove(&key) {
            results.push(RowResult {
                delivery,
                attempt,
                outcome: RowOutcome::Written(id.to_string()),
            });
        }
    })
    .await?;

    each_result(client, job, ResultSet::Failed, "sf__Error", |key, text| {
        let Some((delivery, attempt)) = keys.remove(&key) else {
            return;
        };
        let (code, message, fields) = parse_sf_error(text);
        let transient = is_transient_error_code(&code);
        results.push(RowResult {
            delivery,
            attempt,
            outcome: RowOutcome::Failed {
                error: DeliveryError {
                    code: code.clone(),
                    message,
                    fields,
                    http_status: None,
                    salesforce_code: Some(code),
                },
                transient,
            },
        });
    })
    .await?;

    let not_processed = |aborted: bool| RowOutcome::NotProcessed {
        aborted,
        error: if aborted {
            DeliveryError {
                code: "BULK_JOB_ABORTED".into(),
                message: format!(
                    "Bulk API job {} was aborted before Salesforce processed this record; it is sent again by the next push",
                    job.job_id
                ),
                fields: vec![],
                http_status: None,
                salesforce_code: None,
            }
        } else {
            DeliveryError {
                code: "BULK_JOB_FAILED".into(),
                message: format!(
                    "Bulk API job {} failed: {}",
                    job.job_id,
                    job.error_message
                        .as_deref()
                        .unwrap_or("Salesforce gave no reason")
                ),
                fields: vec![],
                http_status: None,
                salesforce_code: None,
            }
        },
    };
    // Rows in neither set: Salesforce did not process them.
    let aborted = state == JobState::Aborted;
    for (delivery, attempt) in keys.into_values() {
        results.push(RowResult {
            delivery,
            attempt,
            outcome: not_processed(aborted),
        });
    }
    let job_id = job.job_id.clone();
    store.transaction(|tx| {
        let now = Utc::now();
        for r in &results {
            deliveries::finish_attempt(
                tx,
                r.attempt,
                &attempt_result(&r.outcome, &job_id, &usage),
                now,
            )?;
        }
        set_stage(tx, job, Stage::Done)
    })?;
    let _ = std::fs::remove_file(&job.file);
    Ok(results)
}

fn attempt_result(outcome: &RowOutcome, job_id: &str, usage: &Option<String>) -> AttemptResult {
    let error = |e: &DeliveryError| AttemptError {
        code: Some(e.code.clone()),
        message: e.message.clone(),
        fields: e.fields.clone(),
    };
    match outcome {
        RowOutcome::Written(id) => AttemptResult {
            outcome: AttemptOutcome::Succeeded,
            response_status: None,
            response_body: Some(json!({"id": id, "success": true, "bulkJob": job_id}).to_string()),
            error: None,
            api_usage: usage.clone(),
        },
        RowOutcome::Failed {
            error: e,
            transient,
        } => AttemptResult {
            outcome: if *transient {
                AttemptOutcome::FailedTransient
            } else {
                AttemptOutcome::FailedPermanent
            },
            response_status: None,
            response_body: Some(json!({"success": false, "bulkJob": job_id}).to_string()),
            error: Some(error(e)),
            api_usage: usage.clone(),
        },
        RowOutcome::NotProcessed { error: e, aborted } => AttemptResult {
            outcome: if *aborted {
                AttemptOutcome::FailedTransient
            } else {
                AttemptOutcome::FailedPermanent
            },
            response_status: None,
            response_body: None,
            error: Some(error(e)),
            api_usage: usage.clone(),
        },
    }
}

/// Closes the attempts of a job Salesforce never processed (aborted before its upload was
/// complete) and marks it done: its records are sent again.
pub fn abandon(store: &Store, job: &mut OutboxJob, why: &str) -> Result<()> {
    let keys = rows(&store.conn(), job)?;
    store.transaction(|tx| {
        let now = Utc::now();
        for (_, attempt) in keys.values() {
            deliveries::finish_attempt(
                tx,
                *attempt,
                &AttemptResult {
                    outcome: AttemptOutcome::FailedTransient,
                    response_status: None,
                    response_body: None,
                    error: Some(AttemptError {
                        code: Some("INTERRUPTED".into()),
                        message: why.to_string(),
                        fields: vec![],
                    }),
                    api_usage: None,
                },
                now,
            )?;
        }
        set_stage(tx, job, Stage::Done)
    })?;
    let _ = std::fs::remove_file(&job.file);
    Ok(())
}

/// The outbox row of a Salesforce job id, if any (tests and the app's job view).
pub fn find(conn: &Connection, job_id: &str) -> Result<Option<(String, Option<String>)>> {
    Ok(conn
        .query_row(
            "SELECT stage, state FROM bulk_jobs WHERE job_id = ?1",
            [job_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}
