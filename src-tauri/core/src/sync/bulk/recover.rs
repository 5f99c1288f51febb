//! Jobs an earlier run left behind (a crash, a quit, a cancelled app): picked up by the next
//! push before it plans, so their records are neither lost nor uploaded twice (see
//! [`super::jobs`] for the stages). The results land in the delivery log; the deliveries stay
//! open and the push's planning continues them (a created Lead is known by the Id its result
//! carried, so its campaign membership is what remains).

use tokio_util::sync::CancellationToken;

use super::jobs::{self, OutboxJob, Stage};
use super::BulkOptions;
use crate::salesforce::bulk::JobState;
use crate::salesforce::SalesforceClient;
use crate::store::Store;
use crate::{Error, Result};

fn is_gone(e: &Error) -> bool {
    e.details.as_ref().and_then(|d| d.http_status) == Some(404)
}

/// Finishes every job in the outbox; returns how many there were.
pub async fn recover(
    client: &SalesforceClient,
    store: &Store,
    options: &BulkOptions,
    cancel: &CancellationToken,
) -> Result<u32> {
    let open = jobs::open_jobs(&store.conn())?;
    if open.is_empty() {
        return Ok(0);
    }
    let count = open.len() as u32;
    tracing::info!(
        jobs = count,
        "resuming Bulk API jobs an earlier push left open"
    );
    let mut polling: Vec<OutboxJob> = Vec::new();
    for mut job in open {
        let info = match client.bulk_job(&job.job_id).await {
            Ok(info) => info,
            Err(e) if is_gone(&e) => {
                jobs::abandon(
                    store,
                    &mut job,
                    "Salesforce no longer knows the Bulk API job (deleted); the records are sent again",
                )?;
                continue;
            }
            Err(e) => return Err(e),
        };
        match (job.stage, info.state) {
            (Stage::Done, _) => {}
            // Upload not recorded and the job still Open: Salesforce processed nothing.
            (Stage::Created, JobState::Open) => {
                client.bulk_set_state(&job.job_id, JobState::Aborted).await?;
                jobs::abandon(
                    store,
                    &mut job,
                    "the push stopped before its Bulk API upload was complete; Salesforce processed nothing of it, so the records are sent again",
                )?;
            }
            (Stage::Created, JobState::Aborted) => jobs::abandon(
                store,
                &mut job,
                "the Bulk API job was aborted before its upload was complete; the records are sent again",
            )?,
            (Stage::Created | Stage::Uploaded, _) => {
                jobs::close(client, store, &mut job).await?;
                polling.push(job);
            }
            (Stage::Closed, _) => polling.push(job),
        }
    }
    jobs::wait(
        client,
        store,
        &mut polling,
        options.poll_initial,
        options.poll_max,
        cancel,
        |_, _| {},
    )
    .await?;
    for job in polling.iter_mut() {
        jobs::read_results(client, store, job).await?;
    }
    Ok(count)
}

/// Aborts the Salesforce jobs of every unfinished bulk push (the app's cancel, when the push
/// that owned them is gone). Records Salesforce already processed keep their results; the
/// next push reads them into the delivery log and sends the rest again. Returns the jobs
/// aborted.
pub async fn abort_open_jobs(client: &SalesforceClient, store: &Store) -> Result<u32> {
    let open = jobs::open_jobs(&store.conn())?;
    let mut aborted = 0;
    for mut job in open {
        if job.state.is_some_and(JobState::is_final) {
            continue;
        }
        match jobs::abort(client, store, &mut job).await {
            Ok(()) => aborted += u32::from(job.state == Some(JobState::Aborted)),
            Err(e) if is_gone(&e) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(aborted)
}
