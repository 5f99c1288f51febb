//! The sync engine (PRODUCT.md pipeline steps 4, 5, 7, 8 and 9): plan, then execute.
//!
//! - [`plan_push`] / [`plan_retry`]: batched look-ups ([`lookup`]), routing ([`route`]), the
//!   pure [`planner`] → a [`Plan`] (the UI's preview and `sync --dry-run` show exactly it).
//! - [`execute`]: the [`executor`] makes Salesforce match the plan, with the delivery log as
//!   its outbox, batching ([`batch`]), retries ([`retry`]), progress and cancellation.
//! - [`push`] / [`retry`]: both under the push lock ([`SyncLock`]); [`ManualPush`] is the
//!   app's push: lock and selection checked up front, progress through to the outcome.
//! - Unfinished deliveries (a crash, a quit) are resumed by the next push ([`resume`]).

pub mod batch;
pub mod bulk;
pub mod convert;
pub mod executor;
pub mod guard;
pub mod lock;
pub mod lookup;
pub mod manual;
pub mod model;
pub mod outcome;
pub mod planner;
pub mod push;
pub mod resume;
pub mod retry;
pub mod reuse;
pub mod route;
pub mod snapshot;

#[cfg(test)]
mod tests;

pub use bulk::{abort_open_jobs, BulkChoice, BulkMode, BulkOptions, BulkProgress, BulkStage};
pub use executor::{execute, ExecuteOptions, DEFAULT_CONCURRENCY};
pub use lock::SyncLock;
pub use manual::ManualPush;
pub use model::*;
pub use outcome::{
    PendingDelivery, ProgressFn, ResultError, ResultStatus, SyncProgress, SyncReport, SyncResult,
    SyncStage, SyncSummary,
};
pub use planner::{plan, PlanInput};
pub use push::{plan_push, plan_retry, push, retry, select, PlanOptions, RetryTarget, Selection};
pub use retry::RetryPolicy;
pub use reuse::{PreviewCache, PREVIEW_MAX_AGE};
pub use snapshot::{Carry, MatchedAccount, OwnerChoice, Routed, Snapshot};
