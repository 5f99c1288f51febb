//! `RetryTarget::Deliveries`: the app's "retry selected" retries exactly the failed deliveries
//! it names (each resolved by its retry), leaves other failures alone, and refuses an empty or
//! non-failed selection before sending anything.
//!
//! Uses the real OS keyring (see `common`).

mod common;
mod sync_support;

use leadbridge_core::deliveries::{self, DeliveryId, DeliveryStatus};
use leadbridge_core::sync::{
    execute, plan_push, retry, PlanOptions, ResultStatus, RetryTarget, Selection, SyncLock,
};
use leadbridge_core::ErrorCode;
use leadbridge_demo_org::FailNext;
use serde_json::json;
use sync_support::*;

fn status(env: &common::Env, id: i64) -> DeliveryStatus {
    deliveries::get(&env.store.conn(), DeliveryId(id))
        .unwrap()
        .delivery
        .status
}

#[tokio::test]
async fn retrying_selected_deliveries_takes_only_those() {
    let (env, client) = connected().await;
    import(
        &env,
        &[
            event("first.refused@prospect.example", 50, json!({})),
            event("second.refused@prospect.example", 50, json!({})),
        ],
    );
    // Both records travel in one Composite call, which is refused as a whole: both fail at once.
    let lock = SyncLock::acquire(&env.store).unwrap();
    let plan = plan_push(
        &client,
        &env.store,
        &Selection::All,
        &PlanOptions::default(),
    )
    .await
    .unwrap();
    env.org.faults().fail_next(FailNext {
        path_contains: "/composite".into(),
        count: 1,
        status: 400,
        error_code: "FIELD_CUSTOM_VALIDATION_EXCEPTION".into(),
        message: "injected validation failure".into(),
        retry_after: None,
    });
    let report = execute(&client, &env.store, &plan, &lock, &fast())
        .await
        .unwrap();
    drop(lock);
    assert_eq!(report.count(ResultStatus::Failed), 2, "{report:#?}");
    let id_of = |email: &str| {
        report
            .results
            .iter()
            .find(|r| r.email == email)
            .and_then(|r| r.delivery_id)
            .unwrap()
    };
    let first = id_of("first.refused@prospect.example");
    let second = id_of("second.refused@prospect.example");

    let e = retry(
        &client,
        &env.store,
        RetryTarget::Deliveries(vec![]),
        &fast(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);

    // Named twice: retried once.
    let retried = retry(
        &client,
        &env.store,
        RetryTarget::Deliveries(vec![first, first]),
        &fast(),
    )
    .await
    .unwrap();
    assert_eq!(retried.results.len(), 1, "{retried:#?}");
    assert_eq!(retried.results[0].email, "first.refused@prospect.example");
    assert_eq!(retried.results[0].status, ResultStatus::Succeeded);
    assert_eq!(status(&env, first), DeliveryStatus::Resolved);
    assert_eq!(status(&env, second), DeliveryStatus::Failed, "not selected");
    assert_eq!(
        with_email(&client, "Lead", "first.refused@prospect.example")
            .await
            .len(),
        1
    );
    assert!(
        with_email(&client, "Lead", "second.refused@prospect.example")
            .await
            .is_empty()
    );

    // A selection holding a delivery that is no longer failed is refused as a whole.
    let e = retry(
        &client,
        &env.store,
        RetryTarget::Deliveries(vec![second, first]),
        &fast(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(
        e.message.contains(&format!("delivery {first} is resolved")),
        "{}",
        e.message
    );
    assert_eq!(
        status(&env, second),
        DeliveryStatus::Failed,
        "nothing was sent"
    );
    env.cleanup("sync").await;
}
