//! A manual push run in the background (the app's "Push N contacts"): the push lock is taken
//! and the selection checked up front, so a second push or an unknown email is refused at
//! once; then planning and writing report their progress through one callback, and the last
//! report carries the outcome (a summary, or the error that stopped it).
//!
//! Cancelling (the [`CancellationToken`] of the options) stops before the next Composite
//! call: calls in flight finish and are logged, unsent deliveries stay pending, and the next
//! push resumes them, so nothing is lost and nothing is sent twice. Cancelled while planning
//! (read-only), the push stops at once: nothing was logged or sent.
//!
//! Prepared with [`ManualPush::prepare_reusing`], a push right after its preview executes the
//! preview's plan instead of looking everything up again (see [`super::reuse`]).

use super::bulk::BulkMode;
use super::executor::{execute, ExecuteOptions};
use super::lock::SyncLock;
use super::model::Plan;
use super::outcome::{ResultStatus, SyncProgress, SyncReport, SyncStage, SyncSummary};
use super::push::{plan_push, select, PlanOptions, Selection};
use super::retry;
use super::reuse::PreviewCache;
use crate::salesforce::SalesforceClient;
use crate::store::Store;
use crate::{ErrorCode, Result};

/// A push whose lock is held and whose selection was checked; [`ManualPush::run`] runs it.
#[derive(Debug)]
pub struct ManualPush {
    lock: SyncLock,
    selection: Selection,
    selected: u32,
    /// The preview's plan, still good: executed without planning again.
    planned: Option<Plan>,
}

impl ManualPush {
    /// Takes the push lock (refused while another push runs) and checks the selection
    /// (refused when it names a contact not in the inbox, or matches none). Sends nothing.
    pub fn prepare(store: &Store, selection: Selection) -> Result<ManualPush> {
        let lock = SyncLock::acquire(store)?;
        let selected = select(store, &selection)?.len() as u32;
        Ok(ManualPush {
            lock,
            selection,
            selected,
            planned: None,
        })
    }

    /// As [`ManualPush::prepare`], and takes the plan `previews` kept when it is still good
    /// for `selection` (checked under the lock), so the push spends no look-ups of its own.
    pub fn prepare_reusing(
        client: &SalesforceClient,
        store: &Store,
        selection: Selection,
        previews: &PreviewCache,
    ) -> Result<ManualPush> {
        let mut push = ManualPush::prepare(store, selection)?;
        push.planned = previews.take(client, store, &push.selection)?;
        Ok(push)
    }

    /// True when the push executes its preview's plan rather than planning again.
    pub fn reuses_preview(&self) -> bool {
        self.planned.is_some()
    }

    /// How many contacts the selection holds (unfinished deliveries of earlier pushes join
    /// them when the push plans).
    pub fn selected(&self) -> u32 {
        self.selected
    }

    /// Plans and executes, reporting through `options.progress`: a `planning` report, one
    /// per Composite call while `writing`, and a last one, `finished` with the summary or
    /// `failed` with the error (also returned). The lock is released at the end.
    pub async fn run(
        self,
        client: &SalesforceClient,
        store: &Store,
        options: &ExecuteOptions,
    ) -> Result<SyncReport> {
        let report = |p: SyncProgress| {
            if let Some(progress) = &options.progress {
                progress(&p);
            }
        };
        report(SyncProgress::default());
        let plan_options = PlanOptions {
            retry: options.retry.clone(),
            cancel: options.cancel.clone(),
            // The app lets the size decide, as `sync --all` does.
            bulk: BulkMode::Auto,
        };
        // Planning is read-only, so a cancel drops it where it is.
        let planned = match self.planned {
            Some(plan) => Ok(plan),
            None => tokio::select! {
                biased;
                _ = options.cancel.cancelled() => Err(retry::cancelled()),
                plan = plan_push(client, store, &self.selection, &plan_options) => plan,
            },
        };
        let outcome = match planned {
            Ok(plan) if !options.cancel.is_cancelled() => {
                execute(client, store, &plan, &self.lock, options).await
            }
            // Cancelled before the first write: nothing was logged or sent.
            Ok(_) => Ok(nothing_sent()),
            Err(e) if e.code == ErrorCode::Cancelled => Ok(nothing_sent()),
            Err(e) => Err(e),
        };
        drop(self.lock);
        match &outcome {
            Ok(r) => report(finished(r)),
            Err(e) => report(SyncProgress {
                stage: SyncStage::Failed,
                error: Some(e.clone()),
                ..SyncProgress::default()
            }),
        }
        outcome
    }
}

fn nothing_sent() -> SyncReport {
    SyncReport {
        batch_id: None,
        results: Vec::new(),
        pending: Vec::new(),
        cancelled: true,
        api_calls: 0,
        lookup_calls: 0,
    }
}

/// The last report of a push that ran to its end (or was cancelled).
fn finished(r: &SyncReport) -> SyncProgress {
    let summary: SyncSummary = r.summary();
    let done = r.results.len() as u32;
    SyncProgress {
        stage: SyncStage::Finished,
        total: done + summary.pending,
        sent: r.results.iter().filter(|x| x.attempts > 0).count() as u32,
        done,
        succeeded: r.count(ResultStatus::Succeeded) as u32,
        failed: summary.failed,
        skipped: summary.skipped,
        phase: 3,
        api_calls: r.api_calls,
        summary: Some(summary),
        error: None,
        bulk: None,
    }
}
