//! A push right after its preview ([`PreviewCache`]) executes the preview's plan instead of
//! looking Salesforce up again, counted in the client's API calls against the demo org; and
//! plans again when what the plan was made from changed since (a contact, the mapping).
//!
//! These tests use the real OS keyring (see `common`).

mod common;
mod sync_support;

use leadbridge_core::mapping::MappingStore;
use leadbridge_core::salesforce::SalesforceClient;
use leadbridge_core::sync::{ManualPush, Plan, PlanOptions, PreviewCache, Selection, SyncReport};
use leadbridge_demo_org::KNOWN_LEAD_EMAIL;
use serde_json::{json, Value};
use sync_support::*;

use crate::common::Env;

fn contacts() -> Vec<Value> {
    vec![
        event("ann@reuse.example", 50, json!({"company": "Reuse"})),
        event("bob@reuse.example", 70, json!({"company": "Reuse"})),
        event(KNOWN_LEAD_EMAIL, 91, json!({"company": "Reuse"})),
    ]
}

/// The preview of `selection`, kept in `previews`.
async fn preview(
    previews: &PreviewCache,
    client: &SalesforceClient,
    env: &Env,
    selection: &Selection,
) -> Plan {
    previews
        .preview(client, &env.store, selection, &PlanOptions::default())
        .await
        .unwrap()
}

/// Previews `selection`, then pushes it: the push's report and the API calls both used.
async fn preview_then_push(
    env: &Env,
    client: &SalesforceClient,
    selection: &Selection,
    reuse: bool,
) -> (SyncReport, u64) {
    let previews = PreviewCache::new();
    let before = client.api_calls();
    let plan = preview(&previews, client, env, selection).await;
    assert!(plan.lookup_calls > 0, "the preview looks up");
    let push = if reuse {
        ManualPush::prepare_reusing(client, &env.store, selection.clone(), &previews).unwrap()
    } else {
        ManualPush::prepare(&env.store, selection.clone()).unwrap()
    };
    assert_eq!(push.reuses_preview(), reuse);
    let report = push.run(client, &env.store, &fast()).await.unwrap();
    (report, client.api_calls() - before)
}

#[tokio::test]
async fn a_push_after_its_preview_spends_no_lookups_again() {
    // The same inbox in two orgs: preview + push as before (planning twice), and reusing.
    let (old_env, old_client) = connected().await;
    import(&old_env, &contacts());
    let (old, old_calls) = preview_then_push(&old_env, &old_client, &Selection::All, false).await;
    let (env, client) = connected().await;
    import(&env, &contacts());
    let (new, new_calls) = preview_then_push(&env, &client, &Selection::All, true).await;

    assert!(old.all_delivered() && new.all_delivered(), "{new:#?}");
    let summary = |r: &SyncReport| {
        let s = r.summary();
        (s.created, s.updated, s.skipped, s.failed)
    };
    assert_eq!(summary(&new), summary(&old), "the same outcome");
    assert_eq!(summary(&new), (2, 1, 0, 0));
    assert!(
        old.lookup_calls > 0,
        "without reuse the push looked up again"
    );
    assert_eq!(new.lookup_calls, 0, "reusing, the push looked nothing up");
    assert_eq!(new.api_calls, old.api_calls, "the same writes");
    assert_eq!(
        new_calls,
        old_calls - old.lookup_calls,
        "preview + push: {new_calls} calls reusing, {old_calls} planning twice"
    );
    assert!(new_calls < old_calls);
    println!("preview + push of 3 contacts: {old_calls} API calls planning twice, {new_calls} reusing the preview's plan");
    old_env.cleanup("sync").await;
    env.cleanup("sync").await;
}

#[tokio::test]
async fn a_push_plans_again_when_a_contact_or_the_mapping_changed_since_the_preview() {
    let (env, client) = connected().await;
    import(&env, &contacts());
    let previews = PreviewCache::new();

    // A contact re-imported with a new score after the preview: its plan is stale.
    preview(&previews, &client, &env, &Selection::All).await;
    import(
        &env,
        &[event("ann@reuse.example", 95, json!({"company": "Reuse"}))],
    );
    let push = ManualPush::prepare_reusing(&client, &env.store, Selection::All, &previews).unwrap();
    assert!(!push.reuses_preview(), "a contact changed: plan again");
    let report = push.run(&client, &env.store, &fast()).await.unwrap();
    assert!(report.lookup_calls > 0);
    assert!(report.all_delivered(), "{report:#?}");
    let ann = with_email(&client, "Lead", "ann@reuse.example").await;
    assert_eq!(ann.len(), 1);

    // The mapping saved again after the preview (a new version).
    import(
        &env,
        &[event("cy@reuse.example", 60, json!({"company": "Reuse"}))],
    );
    let selection = Selection::Emails(vec!["cy@reuse.example".into()]);
    preview(&previews, &client, &env, &selection).await;
    let doc = MappingStore::new(&env.store).current().unwrap().document;
    save_doc(&env, &doc);
    let push =
        ManualPush::prepare_reusing(&client, &env.store, selection.clone(), &previews).unwrap();
    assert!(!push.reuses_preview(), "the mapping changed: plan again");
    push.run(&client, &env.store, &fast()).await.unwrap();

    // Another selection than the preview's is planned for itself; and a kept plan is used
    // once only.
    import(
        &env,
        &[event("dee@reuse.example", 60, json!({"company": "Reuse"}))],
    );
    let dee = Selection::Emails(vec!["dee@reuse.example".into()]);
    preview(&previews, &client, &env, &selection).await;
    let push = ManualPush::prepare_reusing(&client, &env.store, dee.clone(), &previews).unwrap();
    assert!(!push.reuses_preview(), "another selection: plan again");
    drop(push);
    preview(&previews, &client, &env, &dee).await;
    let push = ManualPush::prepare_reusing(&client, &env.store, dee.clone(), &previews).unwrap();
    assert!(push.reuses_preview(), "nothing changed: the preview's plan");
    let report = push.run(&client, &env.store, &fast()).await.unwrap();
    assert!(report.all_delivered(), "{report:#?}");
    let again = ManualPush::prepare_reusing(&client, &env.store, dee, &previews).unwrap();
    assert!(!again.reuses_preview(), "used once");
    env.cleanup("sync").await;
}
