//! Bulk API 2.0 ingest (salesforce-facts.md B4): typed calls over [`SalesforceClient`], so
//! they share its session renewal, error mapping and API-call accounting.
//!
//! A job: `POST jobs/ingest` (Open) → `PUT jobs/ingest/{id}/batches` with the CSV (one upload
//! per job, at most 150 MB) → `PATCH {state: UploadComplete}` (Salesforce starts only then) →
//! poll `GET jobs/ingest/{id}` until `JobComplete`, `Failed` or `Aborted` → read
//! `successfulResults` (`sf__Id`, `sf__Created`, the uploaded columns), `failedResults`
//! (`sf__Id`, `sf__Error`, columns) and `unprocessedrecords` (columns).

use std::path::Path;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::client::{Body, Payload};
use super::records::validate_sobject_name;
use super::SalesforceClient;
use crate::{Error, ErrorCode, Result};

/// Salesforce's cap on one job's upload. Salesforce measures the base64-encoded size, so
/// the raw CSV must stay near 100 MB; see [`MAX_UPLOAD_RAW_BYTES`].
pub const MAX_UPLOAD_BYTES: u64 = 150 * 1024 * 1024;
/// The raw CSV bytes per upload that stay under 150 MB once base64-encoded (4/3 growth), with
/// room for the encoding's padding and line breaks.
pub const MAX_UPLOAD_RAW_BYTES: u64 = 100_000_000;
/// Longest field value Bulk API 2.0 takes, in characters.
pub const MAX_FIELD_CHARS: usize = 32_000;
/// Most fields in one record.
pub const MAX_RECORD_FIELDS: usize = 5_000;
/// Longest record, in characters.
pub const MAX_RECORD_CHARS: usize = 400_000;
/// Salesforce counts a job against the daily batch allowance per 10,000 records.
pub const RECORDS_PER_BATCH: u64 = 10_000;
/// The `/limits` entry holding the daily Bulk API batch allowance (Bulk API 2.0 ingest jobs
/// share it with Bulk API).
pub const DAILY_BATCHES_LIMIT: &str = "DailyBulkApiBatches";

/// A job's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JobState {
    Open,
    UploadComplete,
    InProgress,
    JobComplete,
    Failed,
    Aborted,
}

impl JobState {
    /// Salesforce does nothing more with the job.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobState::JobComplete | JobState::Failed | JobState::Aborted
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Open => "Open",
            JobState::UploadComplete => "UploadComplete",
            JobState::InProgress => "InProgress",
            JobState::JobComplete => "JobComplete",
            JobState::Failed => "Failed",
            JobState::Aborted => "Aborted",
        }
    }
}

/// The operations Leadbridge runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Operation {
    Insert,
    Update,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Insert => "insert",
            Operation::Update => "update",
        }
    }

    pub fn parse(s: &str) -> Option<Operation> {
        match s {
            "insert" => Some(Operation::Insert),
            "update" => Some(Operation::Update),
            _ => None,
        }
    }
}

/// `GET jobs/ingest/{id}` (and the answers of create and state changes).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobInfo {
    pub id: String,
    pub state: JobState,
    pub object: String,
    pub operation: String,
    #[serde(default)]
    pub number_records_processed: u64,
    #[serde(default)]
    pub number_records_failed: u64,
    #[serde(default)]
    pub error_message: Option<String>,
}

/// Which result set to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultSet {
    Successful,
    Failed,
    Unprocessed,
}

impl ResultSet {
    pub fn resource(self) -> &'static str {
        match self {
            ResultSet::Successful => "successfulResults",
            ResultSet::Failed => "failedResults",
            ResultSet::Unprocessed => "unprocessedrecords",
        }
    }
}

fn job_path(id: &str) -> Result<String> {
    // Job ids are 15 or 18 alphanumeric characters; nothing else goes into the path.
    if id.is_empty() || id.len() > 18 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(
            Error::invalid_input(format!("{id:?} is not a Bulk API job id")).field("jobId"),
        );
    }
    Ok(format!("jobs/ingest/{id}"))
}

fn info(body: Option<serde_json::Value>, what: &str) -> Result<JobInfo> {
    let body = body.ok_or_else(|| {
        Error::new(
            ErrorCode::Salesforce,
            format!("{what}: Salesforce answered without the job's description"),
        )
    })?;
    serde_json::from_value(body).map_err(|e| {
        Error::new(
            ErrorCode::Salesforce,
            format!("{what}: the job's description is not in the documented shape ({e})"),
        )
    })
}

impl SalesforceClient {
    /// Creates an ingest job for CSV (comma, LF). Lead assignment rules do not run on a Bulk
    /// job unless it names one, which Leadbridge never does (it chose the owner).
    pub async fn bulk_create_job(&self, object: &str, operation: Operation) -> Result<JobInfo> {
        validate_sobject_name(object)?;
        let body = json!({
            "object": object,
            "operation": operation.as_str(),
            "contentType": "CSV",
            "columnDelimiter": "COMMA",
            "lineEnding": "LF",
        });
        let answer = self
            .send_json(
                Method::POST,
                "jobs/ingest",
                Some(&body),
                &Default::default(),
            )
            .await?;
        info(answer.body, "create a Bulk API job")
    }

    /// Uploads the job's CSV (one upload per job), streamed from `csv` as it is sent.
    pub async fn bulk_upload(&self, job_id: &str, csv: &Path) -> Result<()> {
        let bytes = std::fs::metadata(csv)
            .map_err(|e| {
                Error::new(
                    ErrorCode::Io,
                    format!("cannot read the Bulk API file {}: {e}", csv.display()),
                )
            })?
            .len();
        if bytes > MAX_UPLOAD_BYTES {
            return Err(Error::invalid_input(format!(
                "a Bulk API upload holds at most {MAX_UPLOAD_BYTES} bytes, {} holds {bytes}",
                csv.display()
            )));
        }
        let path = format!("{}/batches", job_path(job_id)?);
        self.send_raw(
            Method::PUT,
            &path,
            Some(Payload {
                content_type: "text/csv",
                body: Body::File(csv.to_path_buf()),
            }),
            "application/json",
        )
        .await?;
        Ok(())
    }

    /// `UploadComplete` (start processing) or `Aborted`.
    pub async fn bulk_set_state(&self, job_id: &str, state: JobState) -> Result<JobInfo> {
        if !matches!(state, JobState::UploadComplete | JobState::Aborted) {
            return Err(Error::invalid_input(format!(
                "a client sets a job to UploadComplete or Aborted, not {}",
                state.as_str()
            )));
        }
        let answer = self
            .send_json(
                Method::PATCH,
                &job_path(job_id)?,
                Some(&json!({ "state": state.as_str() })),
                &Default::default(),
            )
            .await?;
        info(answer.body, "change a Bulk API job's state")
    }

    pub async fn bulk_job(&self, job_id: &str) -> Result<JobInfo> {
        self.get_json(&job_path(job_id)?).await
    }

    /// One result set, written to `file` as it arrives (a job's results may be as large as
    /// its upload); returns the bytes written.
    pub async fn bulk_results_to_file(
        &self,
        job_id: &str,
        set: ResultSet,
        file: &std::path::Path,
    ) -> Result<u64> {
        use std::io::Write;
        let io = |e: std::io::Error| {
            Error::new(
                crate::ErrorCode::Io,
                format!(
                    "cannot write the Bulk API results file {}: {e}",
                    file.display()
                ),
            )
        };
        let path = format!("{}/{}", job_path(job_id)?, set.resource());
        let mut out = std::io::BufWriter::new(std::fs::File::create(file).map_err(io)?);
        let mut written = 0u64;
        self.download(&path, "text/csv", &mut |chunk: &[u8]| {
            written += chunk.len() as u64;
            out.write_all(chunk).map_err(io)
        })
        .await?;
        out.flush().map_err(io)?;
        Ok(written)
    }
}

/// Reads `sf__Error` (`CODE:message:Field1,Field2 --`) into (code, message, fields).
pub fn parse_sf_error(text: &str) -> (String, String, Vec<String>) {
    let text = text.trim().trim_end_matches("--").trim_end();
    let Some((code, rest)) = text.split_once(':') else {
        return ("UNKNOWN".into(), text.to_string(), Vec::new());
    };
    let looks_like_code = !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if !looks_like_code {
        return ("UNKNOWN".into(), text.to_string(), Vec::new());
    }
    let (message, fields) = match rest.rsplit_once(':') {
        Some((m, f))
            if f.split(',').all(|x| {
                x.trim()
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            }) =>
        {
            (
                m.to_string(),
                f.split(',')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .map(str::to_string)
                    .collect(),
            )
        }
        _ => (rest.to_string(), Vec::new()),
    };
    (code.to_string(), message.trim().to_string(), fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sf_error_splits_code_message_and_fields() {
        assert_eq!(
            parse_sf_error("STRING_TOO_LONG:Last Name: data value too large: xxx:LastName --"),
            (
                "STRING_TOO_LONG".into(),
                "Last Name: data value too large: xxx".into(),
                vec!["LastName".into()]
            )
        );
        assert_eq!(
            parse_sf_error(
                "UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record: --"
            ),
            (
                "UNABLE_TO_LOCK_ROW".into(),
                "unable to obtain exclusive access to this record".into(),
                vec![]
            )
        );
        assert_eq!(parse_sf_error("something odd").0, "UNKNOWN");
    }

    #[test]
    fn job_ids_are_checked_before_they_reach_a_path() {
        assert!(job_path("7505g00000AbCdEAAV").is_ok());
        assert!(job_path("../limits").is_err());
        assert!(job_path("").is_err());
    }
}
