//! A contact's page against the demo org: linked records in one Composite call, the
//! connected user's permissions, the Opportunity update recorded in the delivery log, and a
//! user without Opportunity edit rights refused before any call.
//!
//! Uses the real OS keyring (see `common`).

mod common;
mod sync_support;

use leadbridge_core::deliveries::{self, DeliveryObject, DeliveryStatus, PlannedAction};
use leadbridge_core::detail::{self, LinkedAccountMatch, OpportunityChange};
use leadbridge_core::salesforce::permissions::{self, Access};
use leadbridge_core::salesforce::SalesforceClient;
use leadbridge_core::sync::{self, Selection};
use leadbridge_core::ErrorCode;
use leadbridge_demo_org::{KNOWN_CONTACT_EMAIL, KNOWN_LEAD_EMAIL};
use serde_json::json;
use sync_support::{event, fast, import};

const INTEGRATION_USER: &str = "integration.user@demo-org.example";

#[tokio::test]
async fn linked_records_come_in_one_composite_call() {
    let env = common::Env::new(true).await;
    env.connect_web("admin").await;
    let client = SalesforceClient::open(&env.store, &env.vault, Some("admin")).unwrap();
    import(
        &env,
        &[
            event(
                KNOWN_CONTACT_EMAIL,
                85,
                json!({"company": "Harborlight Analytics", "website": "harborlight.example"}),
            ),
            event(
                KNOWN_LEAD_EMAIL,
                72,
                json!({"company": "Fernbrook Studios", "website": "fernbrook.example"}),
            ),
            event("nobody@nowhere.example", 10, json!({"company": "N/A"})),
        ],
    );

    // The rights come first (one Composite of describes), then each page costs one call.
    let perms = permissions::read(&client).await.unwrap();
    assert!(perms.allows("Opportunity", Access::Update));
    assert_eq!(perms.objects.len(), 6);
    let before = env.org.api_calls().total;
    let linked = detail::linked_records(&client, &env.store, KNOWN_CONTACT_EMAIL)
        .await
        .unwrap();
    assert_eq!(env.org.api_calls().total - before, 1, "one Composite call");
    assert_eq!(linked.api_calls, 1);
    let contact = linked.contact.as_ref().expect("the Contact");
    assert_eq!(contact.name.as_deref(), Some("Siobhan O'Brien"));
    let account = linked.account.as_ref().expect("the Contact's Account");
    assert_eq!(account.name.as_deref(), Some("Harborlight Analytics"));
    assert_eq!(account.matched_by, LinkedAccountMatch::Contact);
    assert_eq!(Some(account.id.as_str()), contact.account_id.as_deref());
    assert!(account.owner_name.is_some() && account.industry.is_some());
    assert!(!linked.opportunities.is_empty(), "the seeded Opportunity");
    assert!(linked
        .opportunities
        .iter()
        .all(|o| o.account_id.as_deref() == Some(account.id.as_str())));

    // A Lead: no Contact, the Account matched by domain or name, still one call.
    let before = env.org.api_calls().total;
    let lead = detail::linked_records(&client, &env.store, KNOWN_LEAD_EMAIL)
        .await
        .unwrap();
    assert_eq!(env.org.api_calls().total - before, 1);
    assert_eq!(
        lead.lead.as_ref().and_then(|l| l.name.as_deref()),
        Some("Maya Lindqvist")
    );
    assert!(lead.contact.is_none());

    // Nothing in Salesforce: empty, not an error.
    let none = detail::linked_records(&client, &env.store, "nobody@nowhere.example")
        .await
        .unwrap();
    assert!(none.lead.is_none() && none.contact.is_none() && none.account.is_none());

    // Not in the inbox: NOT_FOUND before any call.
    let before = env.org.api_calls().total;
    let e = detail::linked_records(&client, &env.store, "ghost@example.com")
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(env.org.api_calls().total, before);
    env.cleanup("admin").await;
}

#[tokio::test]
async fn an_opportunity_update_is_previewed_sent_and_logged() {
    let env = common::Env::new(true).await;
    env.connect_web("admin").await;
    let client = SalesforceClient::open(&env.store, &env.vault, Some("admin")).unwrap();
    import(&env, &[event(KNOWN_CONTACT_EMAIL, 85, json!({}))]);
    let linked = detail::linked_records(&client, &env.store, KNOWN_CONTACT_EMAIL)
        .await
        .unwrap();
    let opp = linked
        .opportunities
        .first()
        .expect("an Opportunity")
        .clone();

    let form = detail::opportunity::form(&client, &opp.id).await.unwrap();
    assert!(form.can_edit && form.reason.is_none());
    assert!(form.stages.iter().any(|s| s.value == "Closed Won"));
    let target = form
        .stages
        .iter()
        .find(|s| Some(&s.value) != opp.stage_name.as_ref())
        .unwrap()
        .value
        .clone();
    let change = OpportunityChange {
        opportunity_id: opp.id.clone(),
        stage_name: Some(target.clone()),
        amount: Some(43210.0),
        close_date: None,
    };
    let preview = detail::opportunity::preview(&client, &change)
        .await
        .unwrap();
    let stage = preview
        .diffs
        .iter()
        .find(|d| d.field == "StageName")
        .unwrap();
    assert_eq!(stage.before, json!(opp.stage_name));
    assert_eq!(stage.after, json!(target));

    // An invalid stage is refused before any call, naming the field.
    let before = env.org.api_calls().total;
    let e = detail::opportunity::update(
        &client,
        &env.store,
        KNOWN_CONTACT_EMAIL,
        &OpportunityChange {
            stage_name: Some("Nearly There".into()),
            ..change.clone()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert_eq!(e.details.unwrap().fields, vec!["StageName"]);
    assert_eq!(env.org.api_calls().total, before);

    let done = detail::opportunity::update(&client, &env.store, KNOWN_CONTACT_EMAIL, &change)
        .await
        .unwrap();
    assert_eq!(done.http_status, 204);
    let logged = deliveries::get(&env.store.conn(), done.delivery_id).unwrap();
    assert_eq!(logged.delivery.object, DeliveryObject::Opportunity);
    assert_eq!(logged.delivery.action, PlannedAction::Update);
    assert_eq!(logged.delivery.status, DeliveryStatus::Succeeded);
    assert_eq!(
        logged.delivery.salesforce_id.as_deref(),
        Some(opp.id.as_str())
    );
    assert!(logged.payload.contains(&target));
    assert_eq!(logged.attempts.len(), 1);
    assert_eq!(logged.attempts[0].method, "PATCH");
    assert_eq!(logged.attempts[0].response_status, Some(204));

    // The page's history shows it, and the refreshed linked records hold the new values.
    let page = detail::contact_detail(&env.store, KNOWN_CONTACT_EMAIL).unwrap();
    assert_eq!(page.deliveries[0].id, done.delivery_id);
    let after = detail::linked_records(&client, &env.store, KNOWN_CONTACT_EMAIL)
        .await
        .unwrap();
    let now = after.opportunities.iter().find(|o| o.id == opp.id).unwrap();
    assert_eq!(now.stage_name.as_deref(), Some(target.as_str()));
    assert_eq!(now.amount, Some(43210.0));
    env.cleanup("admin").await;
}

#[tokio::test]
async fn a_user_without_opportunity_edit_is_refused_before_any_call() {
    let env = common::Env::new(true).await;
    env.connect_web("admin").await;
    env.connect_cc("restricted").await;
    env.org
        .set_opportunity_edit(INTEGRATION_USER, false)
        .expect("the integration user exists");
    let admin = SalesforceClient::open(&env.store, &env.vault, Some("admin")).unwrap();
    let restricted = SalesforceClient::open(&env.store, &env.vault, Some("restricted")).unwrap();
    import(&env, &[event(KNOWN_CONTACT_EMAIL, 85, json!({}))]);

    let perms = permissions::read(&restricted).await.unwrap();
    let opp_rights = perms.object("Opportunity").unwrap();
    assert!(opp_rights.queryable && opp_rights.createable && !opp_rights.updateable);
    assert!(permissions::read(&admin)
        .await
        .unwrap()
        .allows("Opportunity", Access::Update));

    let linked = detail::linked_records(&restricted, &env.store, KNOWN_CONTACT_EMAIL)
        .await
        .unwrap();
    let opp = linked.opportunities.first().expect("readable").clone();
    let form = detail::opportunity::form(&restricted, &opp.id)
        .await
        .unwrap();
    assert!(!form.can_edit);
    assert!(form.reason.unwrap().contains("Opportunity.updateable"));

    let before = env.org.api_calls().total;
    let calls_before = env.org.calls().len();
    let e = detail::opportunity::update(
        &restricted,
        &env.store,
        KNOWN_CONTACT_EMAIL,
        &OpportunityChange {
            opportunity_id: opp.id.clone(),
            stage_name: Some("Closed Won".into()),
            ..OpportunityChange::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::PermissionDenied);
    assert!(
        e.message.contains("Opportunity.updateable"),
        "{}",
        e.message
    );
    assert_eq!(e.details.unwrap().fields, vec!["Opportunity.updateable"]);
    assert_eq!(env.org.api_calls().total, before, "no API call");
    assert_eq!(env.org.calls().len(), calls_before, "no request at all");
    assert_eq!(
        detail::contact_detail(&env.store, KNOWN_CONTACT_EMAIL)
            .unwrap()
            .deliveries_total,
        0,
        "nothing logged for a refused action"
    );

    // Salesforce itself refuses too (403 INSUFFICIENT_ACCESS_OR_READONLY), should the
    // rights change after they were read: the refusal is logged as a failed delivery.
    env.org
        .set_opportunity_edit(INTEGRATION_USER, true)
        .unwrap();
    let fresh = permissions::refresh(&restricted).await.unwrap();
    assert!(fresh.allows("Opportunity", Access::Update));
    env.org
        .set_opportunity_edit(INTEGRATION_USER, false)
        .unwrap();
    let e = detail::opportunity::update(
        &restricted,
        &env.store,
        KNOWN_CONTACT_EMAIL,
        &OpportunityChange {
            opportunity_id: opp.id.clone(),
            stage_name: Some("Closed Won".into()),
            ..OpportunityChange::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        e.details.unwrap().salesforce_code.as_deref(),
        Some("INSUFFICIENT_ACCESS_OR_READONLY")
    );
    let page = detail::contact_detail(&env.store, KNOWN_CONTACT_EMAIL).unwrap();
    assert_eq!(page.deliveries[0].status, DeliveryStatus::Failed);
    env.cleanup("admin").await;
    env.cleanup("restricted").await;
}

#[tokio::test]
async fn a_push_the_user_may_not_make_is_refused_before_any_write() {
    let env = common::Env::new(true).await;
    env.connect_cc("restricted").await;
    let client = SalesforceClient::open(&env.store, &env.vault, Some("restricted")).unwrap();
    import(&env, &[event("fresh.visitor@newco.example", 50, json!({}))]);
    // Lead create taken away through describe: the demo org's profile switch covers
    // Opportunity edit only, so the plan is checked against a doctored permission set too.
    let plan = sync::plan_push(
        &client,
        &env.store,
        &Selection::All,
        &sync::PlanOptions::default(),
    )
    .await
    .unwrap();
    let needs = sync::guard::needs(&plan);
    assert!(needs
        .iter()
        .any(|n| n.object == "Lead" && n.access == Access::Create));
    let mut perms = permissions::read(&client).await.unwrap();
    perms.check(&needs).unwrap();
    for o in &mut perms.objects {
        if o.object == "Lead" {
            o.createable = false;
        }
    }
    let e = perms.check(&needs).unwrap_err();
    assert_eq!(e.code, ErrorCode::PermissionDenied);
    assert_eq!(e.details.unwrap().fields, vec!["Lead.createable"]);

    // The real push passes the guard and writes.
    let report = sync::push(&client, &env.store, &Selection::All, &fast())
        .await
        .unwrap();
    assert!(report.all_delivered());
    env.cleanup("restricted").await;
}
