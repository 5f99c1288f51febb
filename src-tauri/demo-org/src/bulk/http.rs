//! The HTTP side of `/jobs/ingest`, called by the REST entry after the session check and API
//! accounting (every Bulk API 2.0 call counts against the daily API limit, as in Salesforce).

use std::sync::Arc;

use axum::http::{HeaderMap, Method};
use serde_json::{json, Value};

use super::csv_data::{self, ResultKind};
use super::{create_job, process, JobState, MAX_UPLOAD_BYTES};
use crate::api::ApiResponse;
use crate::state::{lock, Shared};

/// A JSON answer, or a CSV body (the result endpoints).
pub enum Reply {
    Api(ApiResponse),
    Csv(String),
}

fn invalid_state(message: impl Into<String>) -> Reply {
    Reply::Api(ApiResponse::error(400, "INVALIDJOBSTATE", message))
}

/// Routes `segs` (the path after `jobs/ingest`).
pub fn handle(
    shared: &Arc<Shared>,
    user_id: &str,
    version: &str,
    method: &Method,
    segs: &[&str],
    headers: &HeaderMap,
    body: &[u8],
) -> Reply {
    let m = method.as_str();
    match (m, segs) {
        ("POST", []) => create(shared, user_id, version, body),
        ("GET", []) => list(shared),
        (_, []) => Reply::Api(ApiResponse::method_not_allowed(m, "GET, POST")),
        ("GET", [id]) => with_job(shared, id, |j| Reply::Api(ApiResponse::json(200, j.info()))),
        ("PATCH", [id]) => set_state(shared, id, body),
        ("DELETE", [id]) => delete(shared, id),
        (_, [_]) => Reply::Api(ApiResponse::method_not_allowed(m, "GET, PATCH, DELETE")),
        ("PUT", [id, "batches"]) => upload(shared, id, headers, body),
        (_, [_, "batches"]) => Reply::Api(ApiResponse::method_not_allowed(m, "PUT")),
        ("GET", [id, which]) => {
            let kind = match *which {
                "successfulResults" => ResultKind::Successful,
                "failedResults" => ResultKind::Failed,
                "unprocessedrecords" => ResultKind::Unprocessed,
                _ => return Reply::Api(ApiResponse::not_found()),
            };
            with_job(shared, id, |j| {
                let empty = csv_data::Table {
                    header: Vec::new(),
                    rows: Vec::new(),
                };
                let table = j.data.as_ref().unwrap_or(&empty);
                Reply::Csv(csv_data::results(table, &j.results, kind, &j.line_ending))
            })
        }
        _ => Reply::Api(ApiResponse::not_found()),
    }
}

fn with_job(shared: &Shared, id: &str, f: impl FnOnce(&super::IngestJob) -> Reply) -> Reply {
    let engine = lock(&shared.engine);
    match engine.bulk.jobs.get(id) {
        Some(job) => f(job),
        None => Reply::Api(ApiResponse::not_found()),
    }
}

fn json_body(body: &[u8]) -> Result<serde_json::Map<String, Value>, Reply> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Reply::Api(ApiResponse::error(
            400,
            "JSON_PARSER_ERROR",
            "the request body must be a JSON object",
        ))),
        Err(e) => Err(Reply::Api(ApiResponse::error(
            400,
            "JSON_PARSER_ERROR",
            format!("Unexpected character in JSON: {e}"),
        ))),
    }
}

fn create(shared: &Shared, user_id: &str, version: &str, body: &[u8]) -> Reply {
    let req = match json_body(body) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let mut engine = lock(&shared.engine);
    match create_job(&mut engine.bulk, user_id, version, &req) {
        Ok(job) => {
            let info = job.info();
            engine.bulk.jobs.insert(job.id.clone(), job);
            Reply::Api(ApiResponse::json(200, info))
        }
        Err((code, message)) => Reply::Api(ApiResponse::error(400, code, message)),
    }
}

fn list(shared: &Shared) -> Reply {
    let engine = lock(&shared.engine);
    let records: Vec<Value> = engine.bulk.jobs.values().map(|j| j.info()).collect();
    Reply::Api(ApiResponse::json(
        200,
        json!({ "done": true, "records": records, "nextRecordsUrl": Value::Null }),
    ))
}

fn upload(shared: &Shared, id: &str, headers: &HeaderMap, body: &[u8]) -> Reply {
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type
        .trim()
        .to_ascii_lowercase()
        .starts_with("text/csv")
    {
        return Reply::Api(ApiResponse::error(
            415,
            "UNSUPPORTEDCONTENTTYPE",
            format!("Unsupported content type {content_type:?}: send text/csv"),
        ));
    }
    if body.len() > MAX_UPLOAD_BYTES {
        return Reply::Api(ApiResponse::error(
            400,
            "INVALIDBATCH",
            format!(
                "the upload is {} bytes; at most {MAX_UPLOAD_BYTES} bytes are accepted per job",
                body.len()
            ),
        ));
    }
    // Parsed outside the org lock: a big upload does not stall other calls.
    let parsed = csv_data::parse(body);
    let mut engine = lock(&shared.engine);
    let bulk = &mut engine.bulk;
    let Some(job) = bulk.jobs.get_mut(id) else {
        return Reply::Api(ApiResponse::not_found());
    };
    if job.state != JobState::Open {
        return invalid_state(format!(
            "data can be uploaded only to an Open job; job {id} is {:?}",
            job.state
        ));
    }
    if job.data.is_some() || job.error_message.is_some() {
        return invalid_state(format!(
            "data was already uploaded for job {id}; create another job for more records"
        ));
    }
    match parsed {
        Ok(table) => job.data = Some(table),
        // Salesforce takes the upload and fails the job when it processes it.
        Err(message) => job.error_message = Some(message),
    }
    bulk.uploads += 1;
    Reply::Api(ApiResponse {
        status: 201,
        body: None,
        headers: Vec::new(),
    })
}

fn set_state(shared: &Arc<Shared>, id: &str, body: &[u8]) -> Reply {
    let req = match json_body(body) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let wanted = req.get("state").and_then(Value::as_str).unwrap_or("");
    let mut engine = lock(&shared.engine);
    let Some(job) = engine.bulk.jobs.get_mut(id) else {
        return Reply::Api(ApiResponse::not_found());
    };
    match wanted {
        "UploadComplete" => {
            if job.state != JobState::Open {
                return invalid_state(format!(
                    "Job {id} is {:?}: only an Open job can be closed",
                    job.state
                ));
            }
            if job.data.is_none() && job.error_message.is_none() {
                job.error_message = Some("InvalidBatch : no data was uploaded for the job".into());
            }
            job.state = JobState::UploadComplete;
            job.modstamp = chrono::Utc::now();
            tokio::spawn(process(shared.clone(), id.to_string()));
        }
        "Aborted" => {
            if job.state.is_final() {
                return invalid_state(format!("Aborting already {:?} Job not allowed", job.state));
            }
            job.state = JobState::Aborted;
            job.modstamp = chrono::Utc::now();
        }
        other => {
            return invalid_state(format!(
                "the state can be set to UploadComplete or Aborted, not {other:?}"
            ))
        }
    }
    Reply::Api(ApiResponse::json(200, job.info()))
}

fn delete(shared: &Shared, id: &str) -> Reply {
    let mut engine = lock(&shared.engine);
    let Some(job) = engine.bulk.jobs.get(id) else {
        return Reply::Api(ApiResponse::not_found());
    };
    if job.state == JobState::Open || job.state == JobState::InProgress {
        return invalid_state(format!(
            "Job {id} is {:?}: only a closed, aborted, failed or completed job can be deleted",
            job.state
        ));
    }
    engine.bulk.jobs.remove(id);
    Reply::Api(ApiResponse::no_content())
}
