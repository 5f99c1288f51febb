//! The bulk path of a push (Bulk API 2.0, salesforce-facts.md B4): above a threshold
//! (setting `sync.bulkThreshold`, default 2,000 records) the records Bulk API 2.0 carries well
//! travel as CSV ingest jobs instead of sObject Collections:
//!
//! - new Leads (`insert`), changed Leads (`update`) and the CampaignMembers of new Leads
//!   (`insert`, after the Leads have Ids: the executor's phases still apply);
//! - Contacts, Accounts, Opportunities and contact roles stay on REST (a few per push), and so
//!   do Leads created under "let Salesforce assignment rules decide" (a Bulk job runs an
//!   assignment rule only when given its Id, which Leadbridge does not know) and records over
//!   Bulk API's field or record size limits.
//!
//! The same planner decides what is written; only the transport differs. [`choose`] records
//! the decision in the plan (the preview and `sync --dry-run` show it, with the org's daily
//! batch allowance). [`parts`] streams the CSVs to files in the data directory, split under
//! the upload limit; [`jobs`] is the outbox (migration 0007) and the job lifecycle; [`run`]
//! plugs it into the executor; [`recover`] resumes jobs a crash left behind.

pub mod jobs;
pub mod parts;
pub mod recover;
pub mod run;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::batch::{planned_lanes, Lane};
use super::model::{ApiPath, Plan};
use crate::salesforce::bulk::{DAILY_BATCHES_LIMIT, MAX_UPLOAD_RAW_BYTES, RECORDS_PER_BATCH};
use crate::salesforce::limits::OrgLimit;
use crate::salesforce::SalesforceClient;
use crate::store::Store;
use crate::text::thousands;
use crate::{Error, ErrorCode, Result};

pub use recover::{abort_open_jobs, recover};

/// The settings key holding the threshold.
pub const BULK_THRESHOLD_SETTING: &str = "sync.bulkThreshold";
/// Salesforce recommends Bulk API 2.0 above 2,000 records.
pub const DEFAULT_BULK_THRESHOLD: u32 = 2_000;

/// How an item's bulk writes travel (its `api` in the preview).
pub const BULK_ROUTE: &str = "Bulk API 2.0: CSV ingest jobs (/jobs/ingest) for Leads and campaign members; REST for other records";

/// How a push picks its path.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum BulkMode {
    /// Bulk API 2.0 when more records than the threshold would travel in bulk.
    #[default]
    Auto,
    /// Always Bulk API 2.0 (`sync --bulk`).
    Always,
    /// Never (`sync --no-bulk`).
    Never,
}

/// The choice between REST and Bulk API 2.0, as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BulkChoice {
    pub mode: BulkMode,
    pub threshold: u32,
    /// Records Bulk API 2.0 would carry (new Leads, changed Leads, campaign members).
    pub records: u32,
    /// Whether the push takes the bulk path.
    pub bulk: bool,
    /// Ingest jobs it creates at least (one per object and operation; more when a CSV is
    /// split under the upload limit).
    pub jobs: u32,
    /// Batches Salesforce counts against the daily allowance (one per 10,000 records a job).
    pub batches: u32,
    /// `DailyBulkApiBatches` from `/limits` before the push (read only for the bulk path).
    pub allowance: Option<OrgLimit>,
    /// Why, in words.
    pub reason: String,
}

/// What the bulk path is doing, for progress reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum BulkStage {
    /// Writing the CSV files.
    Writing,
    /// Creating jobs and uploading.
    Uploading,
    /// Salesforce is processing; Leadbridge polls.
    Processing,
    /// Reading the results into the delivery log.
    Results,
    /// Cancelled: aborting the open jobs.
    Aborting,
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BulkProgress {
    pub stage: BulkStage,
    /// Jobs of this phase, and how many Salesforce finished.
    pub jobs: u32,
    pub jobs_done: u32,
    /// Records in those jobs, processed so far, failed so far.
    pub records: u32,
    pub processed: u32,
    pub failed: u32,
}

/// Tuning of the bulk path (tests shrink it).
#[derive(Debug, Clone)]
pub struct BulkOptions {
    /// REST or Bulk API 2.0 (`sync --bulk` / `--no-bulk`).
    pub mode: BulkMode,
    /// Raw CSV bytes per upload (one job each); at most [`MAX_UPLOAD_RAW_BYTES`].
    pub max_part_bytes: u64,
    /// First wait between polls of a job's state; it grows by half each round.
    pub poll_initial: Duration,
    pub poll_max: Duration,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions {
            mode: BulkMode::Auto,
            max_part_bytes: MAX_UPLOAD_RAW_BYTES,
            poll_initial: Duration::from_millis(500),
            poll_max: Duration::from_secs(10),
        }
    }
}

/// The threshold setting.
pub fn threshold(store: &Store) -> Result<u32> {
    match store.get_setting(BULK_THRESHOLD_SETTING)? {
        None => Ok(DEFAULT_BULK_THRESHOLD),
        Some(text) => text.trim().parse::<u32>().map_err(|_| {
            Error::new(
                ErrorCode::Database,
                format!(
                    "the setting {BULK_THRESHOLD_SETTING} holds '{text}', not a number of records; set it again"
                ),
            )
        }),
    }
}

pub fn set_threshold(store: &Store, records: u32) -> Result<()> {
    store.set_setting(BULK_THRESHOLD_SETTING, &records.to_string())
}

/// Whether Bulk API 2.0 carries records of this lane (see the module docs).
pub fn eligible(lane: &Lane) -> bool {
    match lane.sobject {
        "Lead" => lane.assign_off,
        "CampaignMember" => lane.create,
        _ => false,
    }
}

/// (new Leads, changed Leads, campaign members) the plan would send in bulk.
fn counts(plan: &Plan) -> [u32; 3] {
    let mut n = [0u32; 3];
    for item in &plan.items {
        for (_, lane) in planned_lanes(item) {
            if !eligible(&lane) {
                continue;
            }
            match (lane.sobject, lane.create) {
                ("Lead", true) => n[0] += 1,
                ("Lead", false) => n[1] += 1,
                _ => n[2] += 1,
            }
        }
    }
    n
}

/// Decides the path for `plan` and records it (`plan.api`, `plan.bulk`). For the bulk path it
/// reads the daily batch allowance (one API call, counted in `lookup_calls`); in `Auto` mode a
/// push the allowance cannot take stays on REST.
pub async fn choose(
    client: &SalesforceClient,
    store: &Store,
    plan: &mut Plan,
    mode: BulkMode,
) -> Result<()> {
    let threshold = threshold(store)?;
    let n = counts(plan);
    let records: u32 = n.iter().sum();
    let jobs = n.iter().filter(|c| **c > 0).count() as u32;
    let batches: u32 = n
        .iter()
        .map(|c| (u64::from(*c)).div_ceil(RECORDS_PER_BATCH) as u32)
        .sum();
    // Counts for a person to read: "2,000", not "2000".
    let (n_records, n_batches) = (thousands(records), thousands(batches));
    let (mut bulk, mut reason) = match mode {
        BulkMode::Never => (
            false,
            "REST: Bulk API 2.0 turned off for this push".to_string(),
        ),
        BulkMode::Always if records == 0 => (
            false,
            "REST: nothing in this push travels in bulk (new or changed Leads, campaign members)"
                .to_string(),
        ),
        BulkMode::Always => (true, format!("Bulk API 2.0 (forced): {n_records} records")),
        BulkMode::Auto if records > threshold => (
            true,
            format!(
                "Bulk API 2.0: {n_records} records, above the threshold of {}",
                thousands(threshold)
            ),
        ),
        BulkMode::Auto => (
            false,
            format!(
                "REST: {n_records} records, not above the Bulk API 2.0 threshold of {}",
                thousands(threshold)
            ),
        ),
    };
    let mut allowance = None;
    if bulk {
        let before = client.api_calls();
        let limits = client.limits().await?;
        plan.lookup_calls += client.api_calls() - before;
        allowance = limits.get(DAILY_BATCHES_LIMIT).cloned();
        if let Some(a) = &allowance {
            reason.push_str(&format!(
                "; {n_batches} of the {} batches left today ({} a day)",
                thousands(a.remaining),
                thousands(a.max)
            ));
            if a.remaining < i64::from(batches) && mode == BulkMode::Auto {
                bulk = false;
                reason = format!(
                    "REST: {n_records} records would need {n_batches} Bulk API batches but only {} are left today",
                    thousands(a.remaining)
                );
            }
        }
    }
    if bulk {
        plan.api = ApiPath::Bulk;
        for item in plan.items.iter_mut() {
            if planned_lanes(item).iter().any(|(_, lane)| eligible(lane)) {
                item.api = BULK_ROUTE.to_string();
            }
        }
    }
    plan.bulk = Some(BulkChoice {
        mode,
        threshold,
        records,
        bulk,
        jobs: if bulk { jobs } else { 0 },
        batches: if bulk { batches } else { 0 },
        allowance,
        reason,
    });
    Ok(())
}
