//! "Test a contact" (the Routing screen's panel) against the demo org over real HTTP: an inbox
//! contact whose chat agents are the org's own Users is routed under an unsaved document, and
//! reordering the strategies changes who decides; a typed-in contact is routed the same way.

mod common;

use common::Env;
use leadbridge_core::contacts::import_bytes;
use leadbridge_core::mapping::MappingStore;
use leadbridge_core::routing::model::{OwnerStrategy, OwnerStrategySetting};
use leadbridge_core::routing::{chat_users, test_contact, TrialContact};
use leadbridge_core::salesforce::SalesforceClient;
use leadbridge_core::ErrorCode;
use serde_json::json;

// Seeded Users of the demo org (leadbridge-demo-org's seed: first.last@demo-org.example).
const PRIYA: &str = "priya.nair@demo-org.example";
const MARCO: &str = "marco.bellini@demo-org.example";

fn ranked(order: &[OwnerStrategy]) -> Vec<OwnerStrategySetting> {
    order
        .iter()
        .map(|&strategy| OwnerStrategySetting {
            strategy,
            enabled: true,
        })
        .collect()
}

#[tokio::test]
async fn the_tested_owner_follows_the_strategy_order() {
    let env = Env::new(true).await;
    env.connect_web("demo").await;
    let client = SalesforceClient::open(&env.store, &env.vault, None).expect("client");
    let events = json!([{
        "event": "lead.qualified",
        "timestamp": "2026-04-05T14:30:00Z",
        "lead": {"email": "olga@harborlight.example", "company": "Harborlight Analytics",
                 "agents": {"meetingScheduledWith": PRIYA, "closedBy": MARCO}}
    }]);
    import_bytes(&env.store, events.to_string().as_bytes()).expect("import");
    assert_eq!(chat_users(&env.store).unwrap(), vec![MARCO, PRIYA]);

    // The routing being edited is never saved: the store keeps the default document.
    let mut doc = MappingStore::new(&env.store).current().unwrap().document;
    let inbox = TrialContact::Inbox {
        email: "OLGA@harborlight.example".into(),
    };
    let trial = test_contact(&client, &env.store, &doc, &inbox)
        .await
        .unwrap();
    assert_eq!(trial.contact.email, "olga@harborlight.example");
    assert_eq!(trial.decision.reason, "Priya Nair — meeting_scheduler");
    assert_eq!(
        trial.decision.strategy,
        Some(OwnerStrategy::MeetingScheduler)
    );

    use OwnerStrategy::*;
    doc.owner_strategies = ranked(&[ClosedBy, MeetingScheduler, AccountOwner]);
    let trial = test_contact(&client, &env.store, &doc, &inbox)
        .await
        .unwrap();
    assert_eq!(trial.decision.reason, "Marco Bellini — closed_by");
    assert_eq!(trial.decision.steps.len(), 1);
    assert_eq!(MappingStore::new(&env.store).current().unwrap().version, 0);

    // Nobody on the contact resolves, so account_owner reads the Account the company
    // matches; whatever it finds, the trace names that Account.
    doc.owner_strategies = ranked(&[LastRouted, AccountOwner]);
    let trial = test_contact(&client, &env.store, &doc, &inbox)
        .await
        .unwrap();
    let account_step = &trial.decision.steps[1];
    assert_eq!(account_step.strategy, AccountOwner);
    assert!(
        account_step
            .trace
            .iter()
            .any(|t| t.contains("Account Harborlight Analytics")),
        "{:?}",
        account_step.trace
    );

    let typed = TrialContact::AdHoc {
        lead: json!({"email": "new@initech.example", "agents": {"lastRouted": MARCO}}),
    };
    let trial = test_contact(&client, &env.store, &doc, &typed)
        .await
        .unwrap();
    assert_eq!(trial.decision.reason, "Marco Bellini — last_routed");

    let missing = TrialContact::Inbox {
        email: "nobody@initech.example".into(),
    };
    let err = test_contact(&client, &env.store, &doc, &missing)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
}
