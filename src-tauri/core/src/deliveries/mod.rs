//! The delivery log (PRODUCT.md, pipeline step 9): every delivery and every attempt is written
//! before and after it is sent, so a crash or quit mid-push loses nothing and resumes, and a
//! retry never duplicates a record.
//!
//! - A **delivery** is one record Leadbridge means to write for one contact (a Lead, a Contact,
//!   an Opportunity, ...). It is logged `pending` before any call ([`begin_delivery`]) and
//!   finished `succeeded`, `failed` or `skipped` ([`finish_delivery`]); a person or a later retry
//!   moves a failure to `resolved`.
//! - An **attempt** is one HTTP call made for a delivery. It is logged with outcome `unknown`
//!   before the call ([`begin_attempt`]) and given its outcome after ([`finish_attempt`]). For a
//!   batched call (sObject Collections), each delivery gets its own attempt row holding its part
//!   of the request and response; write them in one transaction.
//! - **Resume**: [`unfinished`] lists what a crash left open. An `unknown` attempt may have
//!   reached Salesforce, so the executor re-checks there before sending again, then finishes the
//!   attempt with what it found.
//! - **Retry** (`log retry`): [`NewDelivery::retry_of`] + [`begin_delivery`] log a new delivery
//!   pointing at the failed one; finishing it resolves the original. The database allows one
//!   open retry per delivery.
//!
//! Everything written goes through [`redact`] and is capped at [`BODY_CAP`] bytes.
//! Functions take a `&Connection` (`&store.conn()`, or a transaction) so callers can group
//! writes; times are passed in, never read from the clock here.

mod by_email;
mod export;
mod match_set;
mod model;
mod query;
mod read;
mod record;
pub mod redact;
mod retention;
mod stats;
mod time;

#[cfg(test)]
mod tests;

pub use by_email::for_email;
pub use export::{export_csv, export_csv_file, export_csv_into, CsvExport, CSV_COLUMNS};
pub use model::{
    Attempt, AttemptError, AttemptId, AttemptOutcome, AttemptRequest, AttemptResult, BatchId,
    Delivery, DeliveryDetail, DeliveryError, DeliveryId, DeliveryListing, DeliveryObject,
    DeliveryOutcome, DeliveryPage, DeliveryQuery, DeliverySettings, DeliveryStatus,
    DeliveryTrigger, ErrorCodeCount, FinishedStatus, NewDelivery, PlannedAction, PruneReport,
    SortField, StatsBucket, StatsPoint,
};
pub use query::{
    count, error_codes, for_each, ids, list, list_counted, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE,
    MAX_SEARCH_CHARS,
};
pub use read::{get, unfinished};
pub use record::{
    begin_attempt, begin_batch, begin_delivery, finish_attempt, finish_delivery, mark_resolved,
};
pub use redact::{redact, BODY_CAP};
pub use retention::{
    prune, set_settings, settings, DEFAULT_RETENTION_DAYS, MAX_RETENTION_DAYS, RETENTION_SETTING,
};
pub use stats::{stats, MAX_BUCKETS};
pub use time::{format as format_time, parse_time};
