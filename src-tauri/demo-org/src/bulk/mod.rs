//! Bulk API 2.0 ingest (`/services/data/vXX.X/jobs/ingest`): jobs, their states and
//! asynchronous processing, following Salesforce's documentation (create_job, upload_job_data,
//! close_job, get_job_info, get_job_successful_results / failed / unprocessed).
//!
//! A job is created `Open`, takes one CSV upload (`PUT .../batches`), and starts when the
//! client sets `UploadComplete`: a background task then moves it to `InProgress` and writes
//! the rows in chunks through the same validation and records as the REST API (so a row fails
//! exactly as a REST write of it would), ending `JobComplete`, or `Failed` when the CSV cannot
//! be read (an unknown column). `Aborted` stops it; rows not reached are "unprocessed".
//!
//! Faults (`/__demo/bulk`): fail the next N jobs with a message, slow processing down per
//! chunk, hold jobs in `InProgress` until released. Per-record lock errors come from the
//! shared `/__demo/lock-rows` fault.

pub mod csv_data;
pub mod http;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::api::RecordError;
use crate::ids;
use crate::schema::{ObjectDef, Schema};
use crate::state::{lock, Shared};
use crate::store::WriteCtx;
use crate::time;
use crate::validate;

/// Rows written per hold of the org lock, so REST calls interleave with a big job.
const CHUNK: usize = 200;
/// Salesforce counts one batch against `DailyBulkApiBatches` per 10,000 records of a job.
pub const RECORDS_PER_BATCH: usize = 10_000;
/// The org's 24-hour allowance of Bulk API batches (shared by Bulk API and Bulk API 2.0).
pub const DAILY_BULK_BATCHES: u64 = 15_000;
/// The largest upload Salesforce takes (150 MB).
pub const MAX_UPLOAD_BYTES: usize = 150 * 1024 * 1024;
/// Bulk job key prefix.
const JOB_PREFIX: &str = "750";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum JobState {
    Open,
    UploadComplete,
    InProgress,
    JobComplete,
    Failed,
    Aborted,
}

impl JobState {
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobState::JobComplete | JobState::Failed | JobState::Aborted
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Insert,
    Update,
    Delete,
}

impl Operation {
    pub fn parse(s: &str) -> Option<Operation> {
        Some(match s {
            "insert" => Operation::Insert,
            "update" => Operation::Update,
            "delete" => Operation::Delete,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Insert => "insert",
            Operation::Update => "update",
            Operation::Delete => "delete",
        }
    }
}

/// How one row ended.
#[derive(Clone, Debug)]
pub enum RowOutcome {
    Saved { id: String, created: bool },
    Failed { id: Option<String>, error: String },
}

#[derive(Clone, Debug)]
pub struct IngestJob {
    pub id: String,
    pub object: &'static ObjectDef,
    pub operation: Operation,
    pub state: JobState,
    pub created_by: String,
    pub created: DateTime<Utc>,
    pub modstamp: DateTime<Utc>,
    pub api_version: String,
    pub line_ending: String,
    pub assignment_rule: bool,
    /// The uploaded CSV, parsed: header and rows.
    pub data: Option<csv_data::Table>,
    /// Per row (by index into `data.rows`), once processed.
    pub results: Vec<Option<RowOutcome>>,
    pub processed: u64,
    pub failed: u64,
    pub error_message: Option<String>,
    pub processing_ms: u64,
}

impl IngestJob {
    pub fn info(&self) -> Value {
        let mut v = json!({
            "id": self.id,
            "operation": self.operation.as_str(),
            "object": self.object.name,
            "createdById": self.created_by,
            "createdDate": time::format_datetime(self.created),
            "systemModstamp": time::format_datetime(self.modstamp),
            "state": self.state,
            "externalIdFieldName": Value::Null,
            "concurrencyMode": "Parallel",
            "contentType": "CSV",
            "apiVersion": self.api_version.parse::<f64>().unwrap_or(0.0),
            "contentUrl": format!("services/data/v{}/jobs/ingest/{}/batches", self.api_version, self.id),
            "lineEnding": self.line_ending,
            "columnDelimiter": "COMMA",
            "jobType": "V2Ingest",
            "numberRecordsProcessed": self.processed,
            "numberRecordsFailed": self.failed,
            "retries": 0,
            "totalProcessingTime": self.processing_ms,
            "apiActiveProcessingTime": self.processing_ms,
            "apexProcessingTime": 0,
        });
        if let (Some(msg), Value::Object(m)) = (&self.error_message, &mut v) {
            m.insert("errorMessage".into(), json!(msg));
        }
        v
    }
}

/// Fault injection for bulk jobs.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkFaults {
    /// The next N jobs to start processing fail with `failMessage`.
    #[serde(default)]
    pub fail_next_jobs: u32,
    #[serde(default)]
    pub fail_message: Option<String>,
    /// Pause after each chunk of 200 rows.
    #[serde(default)]
    pub chunk_delay_ms: u64,
    /// Jobs stay `UploadComplete` (not processed) while set; clearing it releases them.
    #[serde(default)]
    pub hold: bool,
}

/// Every ingest job of the org, plus the batch allowance used.
#[derive(Debug, Default)]
pub struct BulkJobs {
    pub jobs: BTreeMap<String, IngestJob>,
    seq: u64,
    pub batches_used: u64,
    pub faults: BulkFaults,
    /// Total CSV uploads accepted (tests assert nothing is uploaded twice).
    pub uploads: u64,
}

impl BulkJobs {
    fn next_id(&mut self) -> String {
        self.seq += 1;
        ids::make_id(JOB_PREFIX, self.seq)
    }

    /// What `/__demo/bulk` shows.
    pub fn summary(&self) -> Value {
        let by_state = self.jobs.values().fold(BTreeMap::new(), |mut m, j| {
            *m.entry(format!("{:?}", j.state)).or_insert(0u64) += 1;
            m
        });
        json!({
            "jobs": self.jobs.len(),
            "uploads": self.uploads,
            "byState": by_state,
            "batchesUsed": self.batches_used,
            "faults": self.faults,
        })
    }
}

/// Parses `{object, operation, contentType, lineEnding, columnDelimiter, assignmentRuleId}`.
pub fn create_job(
    bulk: &mut BulkJobs,
    user: &str,
    version: &str,
    body: &Map<String, Value>,
) -> Result<IngestJob, (&'static str, String)> {
    let text = |k: &str| body.get(k).and_then(Value::as_str);
    let object_name = text("object").ok_or(("INVALIDJOB", "object is required".to_string()))?;
    let object = Schema::get().object(object_name).ok_or((
        "INVALIDJOB",
        format!("InvalidJob : Invalid object: {object_name}"),
    ))?;
    let op_name = text("operation").ok_or(("INVALIDJOB", "operation is required".to_string()))?;
    let operation = Operation::parse(op_name).ok_or((
        "INVALIDJOB",
        format!("InvalidJob : the demo org does not support the operation {op_name} (insert, update, delete)"),
    ))?;
    if let Some(ct) = text("contentType").filter(|c| *c != "CSV") {
        return Err((
            "INVALIDJOB",
            format!("InvalidJob : Invalid content type: {ct}"),
        ));
    }
    if let Some(d) = text("columnDelimiter").filter(|d| *d != "COMMA") {
        return Err((
            "INVALIDJOB",
            format!("InvalidJob : the demo org reads only COMMA delimiters, not {d}"),
        ));
    }
    let line_ending = match text("lineEnding").unwrap_or("LF") {
        le @ ("LF" | "CRLF") => le.to_string(),
        other => {
            return Err((
                "INVALIDJOB",
                format!("InvalidJob : Invalid line ending: {other}"),
            ))
        }
    };
    let now = Utc::now();
    Ok(IngestJob {
        id: bulk.next_id(),
        object,
        operation,
        state: JobState::Open,
        created_by: user.to_string(),
        created: now,
        modstamp: now,
        api_version: version.to_string(),
        line_ending,
        assignment_rule: text("assignmentRuleId").is_some(),
        data: None,
        results: Vec::new(),
        processed: 0,
        failed: 0,
        error_message: None,
        processing_ms: 0,
    })
}

/// The background task of one job: waits while jobs are held, then writes its rows.
pub async fn process(shared: Arc<Shared>, job_id: String) {
    let started = std::time::Instant::now();
    loop {
        let held = lock(&shared.engine).bulk.faults.hold;
        if !held {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Start: InProgress, or Failed by a fault or an unreadable header.
    let (object, operation, user, assign, header, rows_len) =
        {
            let mut engine = lock(&shared.engine);
            let bulk = &mut engine.bulk;
            let fail =
                if bulk.faults.fail_next_jobs > 0 {
                    bulk.faults.fail_next_jobs -= 1;
                    Some(bulk.faults.fail_message.clone().unwrap_or_else(|| {
                        "InternalServerError : the demo org failed this job".into()
                    }))
                } else {
                    None
                };
            let Some(job) = bulk.jobs.get_mut(&job_id) else {
                return;
            };
            if job.state != JobState::UploadComplete {
                return;
            }
            let data = job.data.as_ref();
            let header: Vec<String> = data.map(|d| d.header.clone()).unwrap_or_default();
            let bad_column = header
                .iter()
                .find(|h| job.object.field(h).is_none())
                .map(|h| format!("InvalidBatch : Field name not found : {h}"));
            let missing_id = (job.operation != Operation::Insert
                && !header.iter().any(|h| h.eq_ignore_ascii_case("Id")))
            .then(|| "InvalidBatch : Field name not found : Id".to_string());
            let preset = job.error_message.clone();
            if let Some(msg) = fail.or(preset).or(bad_column).or(missing_id) {
                job.state = JobState::Failed;
                job.error_message = Some(msg);
                job.modstamp = Utc::now();
                return;
            }
            job.state = JobState::InProgress;
            job.modstamp = Utc::now();
            let rows = data.map(|d| d.rows.len()).unwrap_or(0);
            job.results = vec![None; rows];
            let batches = rows.div_ceil(RECORDS_PER_BATCH).max(1) as u64;
            bulk.batches_used += batches;
            (
                job.object,
                job.operation,
                job.created_by.clone(),
                job.assignment_rule,
                header,
                rows,
            )
        };
    let mut next = 0;
    while next < rows_len {
        let delay = {
            let mut engine = lock(&shared.engine);
            let engine = &mut *engine;
            let Some(job) = engine.bulk.jobs.get_mut(&job_id) else {
                return;
            };
            if job.state == JobState::Aborted {
                return;
            }
            let ctx = WriteCtx {
                user_id: &user,
                auto_assign: assign,
                lock_faults: &shared.faults.lock_rows,
            };
            let end = (next + CHUNK).min(rows_len);
            let rows = job.data.as_ref().map(|d| &d.rows[next..end]).unwrap_or(&[]);
            let mut outcomes = Vec::with_capacity(rows.len());
            for row in rows {
                outcomes.push(write_row(
                    &mut engine.org,
                    object,
                    operation,
                    &header,
                    row,
                    &ctx,
                ));
            }
            for (i, outcome) in outcomes.into_iter().enumerate() {
                if matches!(outcome, RowOutcome::Failed { .. }) {
                    job.failed += 1;
                }
                job.processed += 1;
                job.results[next + i] = Some(outcome);
            }
            job.modstamp = Utc::now();
            next = end;
            engine.bulk.faults.chunk_delay_ms
        };
        if delay > 0 {
            tokio::time::sleep(Duration::from_millis(delay)).await;
        } else {
            tokio::task::yield_now().await;
        }
    }
    let mut engine = lock(&shared.engine);
    if let Some(job) = engine.bulk.jobs.get_mut(&job_id) {
        if job.state == JobState::InProgress {
            job.state = JobState::JobComplete;
            job.modstamp = Utc::now();
            job.processing_ms = started.elapsed().as_millis() as u64;
        }
    }
}

/// `ERROR_CODE:message:Field1,Field2 --`, as Salesforce writes `sf__Error`.
fn sf_error(e: &RecordError) -> String {
    format!("{}:{}:{} --", e.code, e.message, e.fields.join(","))
}

/// Writes one CSV row: an empty cell leaves the field alone, `#N/A` sets it to null, any other
/// text is read as the field's type (as the REST deserializer reads a string).
fn write_row(
    org: &mut crate::store::Org,
    object: &'static ObjectDef,
    operation: Operation,
    header: &[String],
    row: &[String],
    ctx: &WriteCtx,
) -> RowOutcome {
    let mut body = Map::new();
    let mut id: Option<String> = None;
    for (name, cell) in header.iter().zip(row) {
        if name.eq_ignore_ascii_case("Id") {
            id = Some(cell.clone()).filter(|c| !c.is_empty());
            continue;
        }
        match cell.as_str() {
            "" => {}
            "#N/A" => {
                body.insert(name.clone(), Value::Null);
            }
            text => {
                body.insert(name.clone(), Value::String(text.to_string()));
            }
        }
    }
    let failed = |id: Option<String>, e: RecordError| RowOutcome::Failed {
        id,
        error: sf_error(&e),
    };
    let values = match validate::decode(object, &body) {
        Ok(v) => v,
        Err(e) => return failed(id, e),
    };
    let known_id = |raw: &Option<String>| {
        raw.as_deref()
            .and_then(ids::to_18)
            .filter(|i| ids::key_prefix(i) == object.key_prefix)
    };
    match operation {
        Operation::Insert => {
            if id.is_some() {
                return failed(
                    None,
                    RecordError::new(
                        "INVALID_FIELD",
                        "Record ID: cannot specify Id in an insert call",
                    )
                    .field("Id"),
                );
            }
            match org.create(object, values, ctx) {
                Ok(id) => RowOutcome::Saved { id, created: true },
                Err(e) => failed(None, e),
            }
        }
        Operation::Update | Operation::Delete => {
            let Some(rid) = known_id(&id) else {
                return failed(
                    id.clone(),
                    RecordError::new(
                        "MALFORMED_ID",
                        format!("malformed id {}", id.unwrap_or_default()),
                    )
                    .field("Id"),
                );
            };
            let result = if operation == Operation::Update {
                org.update(object, &rid, values, ctx)
            } else {
                org.delete(object, &rid, ctx)
            };
            match result {
                Ok(()) => RowOutcome::Saved {
                    id: rid,
                    created: false,
                },
                Err(e) => failed(Some(rid), e),
            }
        }
    }
}
