//! The bulk path (Bulk API 2.0) against the demo org: new Leads, updated Leads and campaign
//! members as ingest jobs; failures into the delivery log; the path choice in the preview;
//! a crash after the upload resumed without uploading again; cancel aborting the open jobs.
//!
//! These tests use the real OS keyring (see `common`).

#![allow(clippy::field_reassign_with_default)]

mod common;
mod sync_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use leadbridge_core::deliveries::{self, DeliveryQuery, DeliveryStatus};
use leadbridge_core::mapping::MappingDocument;
use leadbridge_core::sync::bulk::{self, BulkStage};
use leadbridge_core::sync::{
    plan_push, push, ApiPath, BulkMode, ExecuteOptions, PlanOptions, ResultStatus, Selection,
    SyncProgress,
};
use leadbridge_demo_org::{BulkFaults, PathKind, KNOWN_LEAD_EMAIL};
use serde_json::json;
use sync_support::*;

fn bulk_options() -> ExecuteOptions {
    let mut o = fast();
    o.bulk.mode = BulkMode::Always;
    o.bulk.poll_initial = Duration::from_millis(20);
    o.bulk.poll_max = Duration::from_millis(100);
    o
}

fn jobs(env: &common::Env) -> u64 {
    env.org.bulk_summary()["jobs"].as_u64().unwrap_or(0)
}

fn uploads(env: &common::Env) -> u64 {
    env.org.bulk_summary()["uploads"].as_u64().unwrap_or(0)
}

async fn count(client: &leadbridge_core::salesforce::SalesforceClient, soql: &str) -> usize {
    query(client, soql).await.len()
}

/// Salesforce holds the bulk job: the push uploads, closes and polls until it "crashes" (the
/// timeout drops it mid-poll), leaving one job with one upload for a restart to pick up.
async fn crash_while_held(
    env: &common::Env,
    client: &leadbridge_core::salesforce::SalesforceClient,
) {
    env.org.set_bulk_faults(BulkFaults {
        hold: true,
        ..BulkFaults::default()
    });
    let crashed = tokio::time::timeout(
        Duration::from_millis(1500),
        push(client, &env.store, &Selection::All, &bulk_options()),
    )
    .await;
    assert!(crashed.is_err(), "the push was still polling");
    assert_eq!((jobs(env), uploads(env)), (1, 1));
}

#[tokio::test]
async fn inserts_updates_and_campaign_members_travel_as_ingest_jobs() {
    let (env, client) = connected().await;
    let campaign = campaign_id(&client).await;
    let mut doc = MappingDocument::default();
    doc.campaign_id = Some(campaign.clone());
    save_doc(&env, &doc);
    let mut events = many(40, "bulk-one.example");
    events.push(event(KNOWN_LEAD_EMAIL, 91, json!({})));
    import(&env, &events);

    let seen: Arc<Mutex<Vec<BulkStage>>> = Arc::default();
    let mut options = bulk_options();
    let log = seen.clone();
    options.progress = Some(Arc::new(move |p: &SyncProgress| {
        if let Some(b) = &p.bulk {
            log.lock().unwrap().push(b.stage);
        }
    }));
    let report = push(&client, &env.store, &Selection::All, &options)
        .await
        .expect("push");
    assert!(report.all_delivered(), "{report:#?}");
    assert_eq!(report.results.len(), 41);

    // Three jobs: Lead insert, Lead update, CampaignMember insert; one upload each.
    assert_eq!(jobs(&env), 3, "{}", env.org.bulk_summary());
    assert_eq!(uploads(&env), 3);
    let calls = env.org.api_calls().by_kind;
    // Every write call was a Bulk API call (create, upload, close, polls, three result sets).
    let bulk_calls = calls.get(&PathKind::BulkIngest).copied().unwrap_or(0);
    assert_eq!(report.api_calls, bulk_calls, "{calls:?}");
    assert!(bulk_calls >= 3 * 6, "{calls:?}");

    for r in report.results.iter().filter(|r| r.action == "created") {
        assert_eq!(r.status, ResultStatus::Succeeded);
        let lead = r.id.as_deref().expect("lead id");
        let member = r.campaign_member_id.as_deref().expect("campaign member");
        let rows = query(
            &client,
            &format!("SELECT Id, LeadId, CampaignId FROM CampaignMember WHERE Id = '{member}'"),
        )
        .await;
        assert_eq!(s(&rows[0], "LeadId"), Some(lead));
        assert_eq!(s(&rows[0], "CampaignId"), Some(campaign.as_str()));
        assert_eq!(r.attempts, 2, "the Lead's job, then the member's job");
    }
    assert_eq!(
        count(
            &client,
            "SELECT Id FROM Lead WHERE Email LIKE '%@bulk-one.example'"
        )
        .await,
        40
    );
    let updated = report
        .results
        .iter()
        .find(|r| r.email == KNOWN_LEAD_EMAIL)
        .expect("known lead");
    assert_eq!(updated.action, "updated");
    let after = &with_email(&client, "Lead", KNOWN_LEAD_EMAIL).await[0];
    assert_eq!(after["Lead_Score__c"], json!(91.0));

    // The delivery log names the job each record travelled in.
    let detail = deliveries::get(
        &env.store.conn(),
        deliveries::DeliveryId(report.results[0].delivery_id.expect("delivery")),
    )
    .expect("detail");
    let first = &detail.attempts[0];
    assert_eq!(first.method, "PUT");
    assert!(first.path.contains("/jobs/ingest/750"), "{}", first.path);
    assert!(first
        .response_body
        .as_deref()
        .is_some_and(|b| b.contains("bulkJob")));

    let stages = seen.lock().unwrap().clone();
    for stage in [
        BulkStage::Writing,
        BulkStage::Uploading,
        BulkStage::Processing,
        BulkStage::Results,
    ] {
        assert!(stages.contains(&stage), "{stages:?}");
    }
    // CSV parts are removed once their results are read.
    let left: Vec<_> = std::fs::read_dir(env.dir.path().join("bulk"))
        .map(|d| d.flatten().collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
    env.cleanup("sync").await;
}

#[tokio::test]
async fn failed_records_land_in_the_delivery_log_with_their_errors() {
    let (env, client) = connected().await;
    import(&env, &many(12, "bulk-fail.example"));
    // The job fails as a whole: every record fails with its reason, nothing is written.
    env.org.set_bulk_faults(BulkFaults {
        fail_next_jobs: 1,
        fail_message: Some("InvalidBatch : the demo org refused this job".into()),
        ..BulkFaults::default()
    });
    let report = push(&client, &env.store, &Selection::All, &bulk_options())
        .await
        .expect("push");
    assert_eq!(report.count(ResultStatus::Failed), 12, "{report:#?}");
    for r in &report.results {
        let e = r.error.as_ref().expect("error");
        assert_eq!(e.code, "BULK_JOB_FAILED");
        assert!(
            e.message.contains("the demo org refused this job"),
            "{}",
            e.message
        );
    }
    let failed = deliveries::ids(
        &env.store.conn(),
        &DeliveryQuery {
            status: vec![DeliveryStatus::Failed],
            ..DeliveryQuery::default()
        },
    )
    .expect("ids");
    assert_eq!(failed.len(), 12);
    assert_eq!(
        count(
            &client,
            "SELECT Id FROM Lead WHERE Email LIKE '%@bulk-fail.example'"
        )
        .await,
        0
    );

    // Row-level lock errors are transient: those records go again in a new job.
    import(&env, &many(5, "bulk-lock.example"));
    env.org.set_bulk_faults(BulkFaults::default());
    env.org.faults().lock_next_records(2);
    let report = push(
        &client,
        &env.store,
        &Selection::Emails(
            (0..5)
                .map(|i| format!("visitor{i:05}@bulk-lock.example"))
                .collect(),
        ),
        &bulk_options(),
    )
    .await
    .expect("push");
    assert!(report.all_delivered(), "{report:#?}");
    let retried: Vec<_> = report.results.iter().filter(|r| r.attempts == 2).collect();
    assert_eq!(retried.len(), 2, "{report:#?}");
    let detail = deliveries::get(
        &env.store.conn(),
        deliveries::DeliveryId(retried[0].delivery_id.expect("id")),
    )
    .expect("detail");
    let first = detail.attempts[0].error.as_ref().expect("first failed");
    assert_eq!(first.code.as_deref(), Some("UNABLE_TO_LOCK_ROW"));
    assert_eq!(
        count(
            &client,
            "SELECT Id FROM Lead WHERE Email LIKE '%@bulk-lock.example'"
        )
        .await,
        5
    );
    env.cleanup("sync").await;
}

#[tokio::test]
async fn the_preview_says_which_path_and_the_daily_allowance() {
    let (env, client) = connected().await;
    import(&env, &many(12, "bulk-plan.example"));
    let plan_with = |mode| PlanOptions {
        bulk: mode,
        ..PlanOptions::default()
    };
    // Default threshold (2,000): REST, and /limits is not read.
    let plan = plan_push(
        &client,
        &env.store,
        &Selection::All,
        &plan_with(BulkMode::Auto),
    )
    .await
    .expect("plan");
    assert_eq!(plan.api, ApiPath::Rest);
    let choice = plan.bulk.as_ref().expect("choice");
    assert_eq!(
        (choice.records, choice.threshold, choice.bulk),
        (12, 2000, false)
    );
    assert!(choice.allowance.is_none());
    assert_eq!(
        choice.reason,
        "REST: 12 records, not above the Bulk API 2.0 threshold of 2,000"
    );

    bulk::set_threshold(&env.store, 10).expect("setting");
    let plan = plan_push(
        &client,
        &env.store,
        &Selection::All,
        &plan_with(BulkMode::Auto),
    )
    .await
    .expect("plan");
    assert_eq!(plan.api, ApiPath::Bulk);
    let choice = plan.bulk.as_ref().expect("choice");
    assert_eq!((choice.jobs, choice.batches), (1, 1));
    let allowance = choice.allowance.as_ref().expect("allowance");
    assert_eq!((allowance.max, allowance.remaining), (15_000, 15_000));
    assert!(
        choice
            .reason
            .contains("15,000 batches left today (15,000 a day)"),
        "{}",
        choice.reason
    );
    assert!(plan.items.iter().all(|i| i.api.starts_with("Bulk API 2.0")));

    let plan = plan_push(
        &client,
        &env.store,
        &Selection::All,
        &plan_with(BulkMode::Never),
    )
    .await
    .expect("plan");
    assert_eq!(plan.api, ApiPath::Rest);
    // Planning sent nothing.
    assert_eq!(jobs(&env), 0);
    env.cleanup("sync").await;
}

#[tokio::test]
async fn a_crash_after_the_upload_resumes_polling_the_same_job() {
    let (env, client) = connected().await;
    import(&env, &many(30, "bulk-crash.example"));
    crash_while_held(&env, &client).await;
    let pending = deliveries::unfinished(&env.store.conn()).expect("unfinished");
    assert_eq!(pending.len(), 30);
    assert!(pending.iter().all(
        |d| d.attempts.len() == 1 && d.attempts[0].outcome == deliveries::AttemptOutcome::Sent
    ));

    // Restart: the same job is polled to the end; nothing is uploaded again.
    env.org.set_bulk_faults(BulkFaults::default());
    let report = push(&client, &env.store, &Selection::All, &bulk_options())
        .await
        .expect("resumed push");
    assert!(report.all_delivered(), "{report:#?}");
    assert_eq!(report.results.len(), 30);
    assert!(report
        .results
        .iter()
        .all(|r| r.action == "created" && r.id.is_some()));
    assert_eq!((jobs(&env), uploads(&env)), (1, 1), "no second upload");
    assert_eq!(
        count(
            &client,
            "SELECT Id FROM Lead WHERE Email LIKE '%@bulk-crash.example'"
        )
        .await,
        30,
        "each Lead exactly once"
    );
    assert!(deliveries::unfinished(&env.store.conn())
        .expect("unfinished")
        .is_empty());
    env.cleanup("sync").await;
}

#[tokio::test]
async fn cancel_aborts_the_open_jobs_and_the_next_push_sends_the_rest() {
    let (env, client) = connected().await;
    import(&env, &many(20, "bulk-cancel.example"));
    env.org.set_bulk_faults(BulkFaults {
        hold: true,
        ..BulkFaults::default()
    });
    let mut options = bulk_options();
    let cancel = options.cancel.clone();
    options.progress = Some(Arc::new(move |p: &SyncProgress| {
        if p.bulk
            .as_ref()
            .is_some_and(|b| b.stage == BulkStage::Processing)
        {
            cancel.cancel();
        }
    }));
    let report = push(&client, &env.store, &Selection::All, &options)
        .await
        .expect("cancelled push");
    assert!(report.cancelled);
    assert_eq!(report.pending.len(), 20);
    assert_eq!(env.org.bulk_summary()["byState"]["Aborted"], 1);
    assert_eq!(
        count(
            &client,
            "SELECT Id FROM Lead WHERE Email LIKE '%@bulk-cancel.example'"
        )
        .await,
        0
    );
    // Nothing left open for a restart to pick up; the next push sends the records again.
    assert_eq!(
        bulk::abort_open_jobs(&client, &env.store)
            .await
            .expect("abort"),
        0
    );
    env.org.set_bulk_faults(BulkFaults::default());
    let report = push(&client, &env.store, &Selection::All, &bulk_options())
        .await
        .expect("push");
    assert!(report.all_delivered(), "{report:#?}");
    assert_eq!(
        count(
            &client,
            "SELECT Id FROM Lead WHERE Email LIKE '%@bulk-cancel.example'"
        )
        .await,
        20
    );
    env.cleanup("sync").await;
}

#[tokio::test]
async fn records_a_job_refused_before_a_crash_are_read_back_and_not_sent_again() {
    let (env, client) = connected().await;
    import(&env, &many(10, "bulk-refused.example"));
    crash_while_held(&env, &client).await;

    // Meanwhile someone creates three of those Leads by hand, and the org's duplicate rule
    // is on: Salesforce refuses the job's three rows for good (DUPLICATES_DETECTED).
    let refused: Vec<String> = (0..3)
        .map(|i| format!("visitor{i:05}@bulk-refused.example"))
        .collect();
    for email in &refused {
        let mut lead = leadbridge_core::salesforce::query::Record::new();
        lead.insert("LastName".into(), json!("By Hand"));
        lead.insert("Company".into(), json!("Typed In"));
        lead.insert("Email".into(), json!(email));
        client
            .create("Lead", &lead, &Default::default())
            .await
            .expect("lead created by hand");
    }
    env.org.set_lead_duplicate_rule(true);
    env.org.set_bulk_faults(BulkFaults::default());

    // Restart: the job's results are read into the delivery log; the refused records fail
    // with Salesforce's error and nothing is sent again (no job, no upload, no REST write).
    let report = push(&client, &env.store, &Selection::All, &bulk_options())
        .await
        .expect("resumed push");
    assert_eq!((jobs(&env), uploads(&env)), (1, 1), "nothing sent again");
    // Writing sent nothing at all: the seven created Leads were known from the job's results.
    assert_eq!(report.api_calls, 0, "{report:#?}");
    assert_eq!(report.results.len(), 10, "{report:#?}");
    assert_eq!(report.count(ResultStatus::Succeeded), 7, "{report:#?}");
    let failed: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.status == ResultStatus::Failed)
        .collect();
    assert_eq!(failed.len(), 3, "{report:#?}");
    for r in &failed {
        assert!(refused.contains(&r.email), "{}", r.email);
        let e = r.error.as_ref().expect("error");
        assert_eq!(e.code, "DUPLICATES_DETECTED", "{e:?}");
        assert!(e.message.contains("not sent again"), "{}", e.message);
        let detail = deliveries::get(
            &env.store.conn(),
            deliveries::DeliveryId(r.delivery_id.expect("delivery")),
        )
        .expect("detail");
        assert_eq!(detail.delivery.status, DeliveryStatus::Failed);
        assert_eq!(detail.attempts.len(), 1, "one attempt: the bulk job's row");
        assert_eq!(
            detail.attempts[0].outcome,
            deliveries::AttemptOutcome::FailedPermanent
        );
    }
    for email in &refused {
        assert_eq!(
            with_email(&client, "Lead", email).await.len(),
            1,
            "only the Lead made by hand: {email}"
        );
    }
    assert!(deliveries::unfinished(&env.store.conn())
        .expect("unfinished")
        .is_empty());
    env.org.set_lead_duplicate_rule(false);
    env.cleanup("sync").await;
}
