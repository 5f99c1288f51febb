//! The app's manual push ([`ManualPush`]) against the demo org: a selection of the inbox
//! ("all matching" minus unticked rows), progress from planning through writing to a last
//! report with the summary, a refused second push, cancelling while writing (the next push
//! finishes the rest without duplicates) and while planning (nothing logged, nothing sent).
//!
//! These tests use the real OS keyring (see `common`).

mod common;
mod sync_support;

use std::sync::{Arc, Mutex};

use leadbridge_core::contacts::ContactQuery;
use leadbridge_core::deliveries::{self, DeliveryQuery};
use leadbridge_core::sync::{
    plan_push, select, ExecuteOptions, ManualPush, PlanAction, PlanOptions, Selection,
    SyncProgress, SyncStage,
};
use leadbridge_core::ErrorCode;
use leadbridge_demo_org::{KNOWN_CONTACT_EMAIL, KNOWN_LEAD_EMAIL};
use serde_json::json;
use sync_support::*;

/// Options that record every progress report.
fn recording(options: ExecuteOptions) -> (ExecuteOptions, Arc<Mutex<Vec<SyncProgress>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let options = ExecuteOptions {
        progress: Some(Arc::new(move |p: &SyncProgress| {
            sink.lock().unwrap().push(p.clone())
        })),
        ..options
    };
    (options, seen)
}

async fn lead_count(client: &leadbridge_core::salesforce::SalesforceClient, like: &str) -> u64 {
    client
        .query::<serde_json::Value>(&format!(
            "SELECT COUNT() FROM Lead WHERE Email LIKE '{like}'"
        ))
        .await
        .unwrap()
        .total_size
}

#[tokio::test]
async fn a_selection_of_matching_contacts_reports_its_progress_to_a_summary() {
    let (env, client) = connected().await;
    import(
        &env,
        &[
            event("ann.new@picked.example", 50, json!({"company": "Picked"})),
            event("bob.new@picked.example", 70, json!({"company": "Picked"})),
            event("left.out@picked.example", 70, json!({"company": "Picked"})),
            event("other@elsewhere.example", 70, json!({"company": "Else"})),
            event(KNOWN_LEAD_EMAIL, 91, json!({"company": "Picked"})),
            event(KNOWN_CONTACT_EMAIL, 95, json!({"company": "Picked"})),
        ],
    );
    // "All matching `picked`" with one row unticked (in another case than stored).
    let selection = Selection::Matching {
        query: ContactQuery {
            search: Some("picked".into()),
            limit: Some(2),
            ..ContactQuery::default()
        },
        except: vec!["LEFT.OUT@picked.example".into()],
    };
    let chosen: Vec<String> = select(&env.store, &selection)
        .unwrap()
        .into_iter()
        .map(|c| c.email_key)
        .collect();
    assert_eq!(
        chosen.len(),
        4,
        "paging is ignored, the unticked row is out: {chosen:?}"
    );
    assert!(!chosen.contains(&"left.out@picked.example".to_string()));
    assert!(!chosen.contains(&"other@elsewhere.example".to_string()));

    let plan = plan_push(&client, &env.store, &selection, &PlanOptions::default())
        .await
        .unwrap();
    let actions: Vec<PlanAction> = plan.items.iter().map(|i| i.action).collect();
    assert_eq!(plan.totals.create, 2, "{actions:?}");
    assert_eq!(plan.totals.update, 1);
    assert_eq!(plan.totals.skipped, 1);

    let push = ManualPush::prepare(&env.store, selection.clone()).unwrap();
    assert_eq!(push.selected(), 4);
    // The lock is held from `prepare`: a second push is refused at once.
    let second = ManualPush::prepare(&env.store, Selection::All).unwrap_err();
    assert!(
        second.message.contains("another push"),
        "{}",
        second.message
    );

    let (options, seen) = recording(fast());
    let report = push.run(&client, &env.store, &options).await.unwrap();
    assert!(report.all_delivered(), "{report:#?}");
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.first().unwrap().stage, SyncStage::Planning);
    let writing: Vec<&SyncProgress> = seen
        .iter()
        .filter(|p| p.stage == SyncStage::Writing)
        .collect();
    assert!(!writing.is_empty());
    assert!(writing.iter().all(|p| p.total == 4));
    assert!(
        writing
            .windows(2)
            .all(|w| w[0].done <= w[1].done && w[0].sent <= w[1].sent),
        "counts only grow: {writing:?}"
    );
    let last = seen.last().unwrap();
    assert_eq!(last.stage, SyncStage::Finished);
    assert_eq!(
        (last.total, last.done, last.sent),
        (4, 4, 3),
        "the skipped one sends nothing"
    );
    let summary = last.summary.as_ref().expect("summary");
    assert_eq!(
        (
            summary.created,
            summary.updated,
            summary.unchanged,
            summary.skipped,
            summary.failed
        ),
        (2, 1, 0, 1, 0)
    );
    assert!(!summary.cancelled);
    assert_eq!(summary.pending, 0);
    assert_eq!(summary.api_calls, 1, "one Composite call for the writes");
    assert!(summary.batch_id.is_some());
    // The lock is released at the end.
    let again = ManualPush::prepare(&env.store, selection).unwrap();
    let (options, seen) = recording(fast());
    again.run(&client, &env.store, &options).await.unwrap();
    let summary = seen
        .lock()
        .unwrap()
        .last()
        .unwrap()
        .summary
        .clone()
        .unwrap();
    assert_eq!(
        (
            summary.created,
            summary.updated,
            summary.unchanged,
            summary.skipped
        ),
        (0, 0, 3, 1),
        "a second push changes nothing"
    );
    assert_eq!(lead_count(&client, "%@picked.example").await, 2);
    env.cleanup("sync").await;
}

#[tokio::test]
async fn refused_selections_send_nothing() {
    let (env, _client) = connected().await;
    import(&env, &[event("only@one.example", 50, json!({}))]);
    let e = ManualPush::prepare(
        &env.store,
        Selection::Emails(vec!["nobody@x.example".into()]),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("nobody@x.example"), "{}", e.message);
    let e = ManualPush::prepare(
        &env.store,
        Selection::Matching {
            query: ContactQuery {
                search: Some("no such text".into()),
                ..ContactQuery::default()
            },
            except: vec![],
        },
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    // A refused push released its lock.
    ManualPush::prepare(&env.store, Selection::All).unwrap();
    env.cleanup("sync").await;
}

#[tokio::test]
async fn cancelling_while_writing_stops_and_the_next_push_finishes_the_rest() {
    let (env, client) = connected().await;
    import(&env, &many(2_100, "manual-cancel.example"));
    // Above the bulk threshold; this test is about the REST path's Composite calls.
    leadbridge_core::sync::bulk::set_threshold(&env.store, 10_000).unwrap();
    let push = ManualPush::prepare(&env.store, Selection::All).unwrap();
    let mut options = fast();
    options.concurrency = 1;
    let cancel = options.cancel.clone();
    let seen = Arc::new(Mutex::new(Vec::<SyncProgress>::new()));
    let sink = seen.clone();
    options.progress = Some(Arc::new(move |p: &SyncProgress| {
        // Cancel once the first Composite call has come back.
        if p.stage == SyncStage::Writing && p.sent > 0 {
            cancel.cancel();
        }
        sink.lock().unwrap().push(p.clone());
    }));
    let report = push.run(&client, &env.store, &options).await.unwrap();
    assert!(report.cancelled);
    let last = seen.lock().unwrap().last().unwrap().clone();
    assert_eq!(last.stage, SyncStage::Finished);
    let summary = last.summary.unwrap();
    assert!(summary.cancelled);
    assert_eq!((summary.created, summary.pending), (1_000, 1_100));
    assert_eq!(last.total, 2_100);
    assert_eq!(last.done, 1_000);

    let again = ManualPush::prepare(&env.store, Selection::All).unwrap();
    let (options, seen) = recording(fast());
    again.run(&client, &env.store, &options).await.unwrap();
    let summary = seen
        .lock()
        .unwrap()
        .last()
        .unwrap()
        .summary
        .clone()
        .unwrap();
    assert!(!summary.cancelled);
    assert_eq!(
        (
            summary.created,
            summary.unchanged,
            summary.pending,
            summary.failed
        ),
        (1_100, 1_000, 0, 0)
    );
    assert_eq!(lead_count(&client, "%@manual-cancel.example").await, 2_100);
    assert!(deliveries::unfinished(&env.store.conn())
        .unwrap()
        .is_empty());
    env.cleanup("sync").await;
}

#[tokio::test]
async fn cancelling_while_planning_logs_and_sends_nothing() {
    let (env, client) = connected().await;
    import(
        &env,
        &[event("early.cancel@prospect.example", 50, json!({}))],
    );
    let push = ManualPush::prepare(&env.store, Selection::All).unwrap();
    let (options, seen) = recording(fast());
    options.cancel.cancel();
    let calls = client.api_calls();
    let report = push.run(&client, &env.store, &options).await.unwrap();
    assert!(report.cancelled);
    assert_eq!(client.api_calls(), calls, "no call was made");
    let last = seen.lock().unwrap().last().unwrap().clone();
    assert_eq!(last.stage, SyncStage::Finished);
    assert!(last.summary.unwrap().cancelled);
    assert_eq!(
        deliveries::count(&env.store.conn(), &DeliveryQuery::default()).unwrap(),
        0
    );
    env.cleanup("sync").await;
}
