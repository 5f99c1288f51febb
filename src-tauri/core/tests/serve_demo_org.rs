//! Automated delivery and the back-flow against the demo org: the criteria and the delay
//! decide who goes, deliveries are logged with trigger "webhook", selected events become
//! Tasks on the Lead (one batched call), and Opportunity changes come back incrementally by
//! LastModifiedDate, matched by stored Opportunity Id or by email (with an apostrophe).
//!
//! These tests use the real OS keyring (see `common`).

#![allow(clippy::field_reassign_with_default)]

mod common;
mod sync_support;

use leadbridge_core::contacts;
use leadbridge_core::deliveries::{self, DeliveryObject, DeliveryQuery, DeliveryTrigger};
use leadbridge_core::mapping::document::{MinimumScore, TaskEventKind};
use leadbridge_core::mapping::MappingDocument;
use leadbridge_core::salesforce::query::{QueryOptions, Record};
use leadbridge_core::salesforce::records::WriteOptions;
use leadbridge_core::serve::{backflow, drain, pending_reason, receive, PendingReason};
use leadbridge_core::sync::{push, Selection};
use leadbridge_core::webhook::signature_header;
use leadbridge_demo_org::KNOWN_CONTACT_EMAIL;
use serde_json::{json, Value};
use sync_support::*;
use tokio_util::sync::CancellationToken;

const SECRET: &[u8] = b"whsec_demo_org";

fn send(env: &common::Env, event: Value) {
    let body = serde_json::to_vec(&event).unwrap();
    receive(
        &env.store,
        SECRET,
        &body,
        Some(&signature_header(SECRET, &body)),
    )
    .expect("accepted");
}

fn lead(email: &str, score: u32, conv: &str) -> Value {
    json!({"event": "lead.qualified", "timestamp": "2026-04-05T14:30:00Z", "workspaceId": "ws_1",
        "conversationId": conv, "data": {"email": email, "firstName": "Chat", "lastName": "Visitor",
        "company": "Prospect Co", "qualificationScore": score,
        "conversationUrl": format!("https://app.hoverbot.ai/conversations/{conv}")}})
}

fn conversation(kind: &str, conv: &str, at: &str) -> Value {
    json!({"event": kind, "timestamp": at, "workspaceId": "ws_1", "conversationId": conv,
        "data": {"note": format!("{kind} for {conv}")}})
}

#[tokio::test]
async fn criteria_delay_webhook_trigger_and_tasks() {
    let (env, client) = connected().await;
    let mut doc = MappingDocument::default();
    doc.criteria.integration_on = true;
    doc.criteria.minimum_score = MinimumScore::Stars(2);
    doc.tasks.event_kinds = vec![
        TaskEventKind::ConversationEscalated,
        TaskEventKind::ConversationCompleted,
    ];
    save_doc(&env, &doc);

    send(&env, lead("ada@auto.example", 82, "conv_a"));
    send(&env, lead("bob@auto.example", 30, "conv_b"));
    send(&env, lead("cy@auto.example", 90, "conv_c"));
    send(
        &env,
        conversation("conversation.escalated", "conv_a", "2026-04-05T14:35:00Z"),
    );
    send(
        &env,
        conversation("conversation.completed", "conv_a", "2026-04-05T14:40:00Z"),
    );
    send(
        &env,
        conversation("conversation.completed", "conv_b", "2026-04-05T14:40:00Z"),
    );

    let report = drain(&client, &env.store, &fast()).await.unwrap();
    assert_eq!(report.delivered, 1, "{report:?}");
    assert_eq!(report.tasks_created, 2, "{report:?}");
    assert_eq!(report.waiting, 2);
    let reason = |e: &str| pending_reason(&env.store, e).unwrap().reason;
    assert_eq!(reason("ada@auto.example"), PendingReason::Delivered);
    assert_eq!(reason("bob@auto.example"), PendingReason::BelowMinimumScore);
    assert_eq!(reason("cy@auto.example"), PendingReason::ConversationOpen);

    // Everything in the log is a webhook delivery: one Lead, two Tasks.
    let page = deliveries::list(&env.store.conn(), &DeliveryQuery::default()).unwrap();
    assert!(
        page.rows
            .iter()
            .all(|d| d.trigger == DeliveryTrigger::Webhook),
        "{:?}",
        page.rows
    );
    let tasks: Vec<_> = page
        .rows
        .iter()
        .filter(|d| d.object == DeliveryObject::Task)
        .collect();
    assert_eq!(tasks.len(), 2);
    let ada = contacts::store::get_by_email(&env.store, "ada@auto.example")
        .unwrap()
        .unwrap();
    let lead_id = ada.salesforce_lead_id.clone().expect("delivered as a Lead");
    let found = client
        .query_all_pages::<Record>(
            &format!("SELECT Id, Subject, WhoId FROM Task WHERE WhoId = '{lead_id}'"),
            QueryOptions::default(),
        )
        .await
        .unwrap()
        .records;
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        ada.events.iter().any(|e| e.salesforce_task_id.is_some()),
        "the kept escalation shows its Task"
    );

    // A second pass sends nothing new.
    let again = drain(&client, &env.store, &fast()).await.unwrap();
    assert_eq!((again.delivered, again.tasks_created), (0, 0));

    // The delay: cy closes now, with an hour to wait.
    let mut doc = doc.clone();
    doc.criteria.sync_delay_minutes = 60;
    save_doc(&env, &doc);
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    send(&env, conversation("conversation.completed", "conv_c", &now));
    let status = pending_reason(&env.store, "cy@auto.example").unwrap();
    assert_eq!(status.reason, PendingReason::WaitingForDelay);
    assert!(status.due_at.unwrap() > chrono::Utc::now() + chrono::Duration::minutes(59));
    assert_eq!(
        drain(&client, &env.store, &fast()).await.unwrap().delivered,
        0
    );
    doc.criteria.sync_delay_minutes = 0;
    save_doc(&env, &doc);
    assert_eq!(
        drain(&client, &env.store, &fast()).await.unwrap().delivered,
        1
    );
    // Integration off: nothing goes, and the contact says why.
    doc.criteria.integration_on = false;
    save_doc(&env, &doc);
    send(&env, lead("dee@auto.example", 95, "conv_d"));
    assert_eq!(reason("dee@auto.example"), PendingReason::IntegrationOff);
}

#[tokio::test]
async fn backflow_pulls_opportunity_changes_incrementally() {
    let (env, client) = connected().await;
    let policy = fast().retry;
    let cancel = CancellationToken::new();
    // A seeded Opportunity's contact, known locally by email only (an apostrophe in it).
    let roles = client
        .query_all_pages::<Record>(
            "SELECT OpportunityId, ContactId, Contact.Email FROM OpportunityContactRole",
            QueryOptions::default(),
        )
        .await
        .unwrap()
        .records;
    let role = roles
        .iter()
        .find(|r| r["Contact"]["Email"].as_str() == Some(KNOWN_CONTACT_EMAIL))
        .or_else(|| roles.first())
        .expect("seeded contact roles")
        .clone();
    let email = role["Contact"]["Email"].as_str().unwrap().to_string();
    let opp_id = role["OpportunityId"].as_str().unwrap().to_string();
    import(&env, &[event(&email, 70, json!({}))]);

    let first = backflow::pull(&client, &env.store, &policy, &cancel)
        .await
        .unwrap();
    assert!(first.opportunities >= 6, "{first:?}");
    assert_eq!(first.contacts_updated, 1, "{first:?}");
    assert!(first.api_calls <= 2, "batched: {first:?}");
    let contact = contacts::store::get_by_email(&env.store, &email)
        .unwrap()
        .unwrap();
    assert_eq!(
        contact.salesforce_opportunity_id.as_deref(),
        Some(opp_id.as_str())
    );
    assert!(contact.salesforce_opportunity_stage.is_some());

    // Changed in Salesforce: the next pull reads only what changed since the cursor.
    let mut fields = Record::new();
    fields.insert("StageName".into(), json!("Negotiation/Review"));
    fields.insert("Amount".into(), json!(123456.0));
    client
        .update("Opportunity", &opp_id, &fields, &WriteOptions::default())
        .await
        .unwrap();
    let second = backflow::pull(&client, &env.store, &policy, &cancel)
        .await
        .unwrap();
    assert_eq!(second.cursor_before, first.cursor);
    assert!(
        second.opportunities < first.opportunities,
        "incremental: {second:?}"
    );
    assert_eq!(second.contacts_updated, 1);
    let contact = contacts::store::get_by_email(&env.store, &email)
        .unwrap()
        .unwrap();
    assert_eq!(
        contact.salesforce_opportunity_stage.as_deref(),
        Some("Negotiation/Review")
    );
    assert_eq!(contact.salesforce_opportunity_amount, Some(123456.0));
    let third = backflow::pull(&client, &env.store, &policy, &cancel)
        .await
        .unwrap();
    assert_eq!(third.contacts_updated, 0);
    assert_eq!(backflow::state(&env.store).unwrap().cursor, third.cursor);

    // By stored Opportunity Id (as a push that created the Opportunity leaves it): another
    // seeded Opportunity, whose contact's email Leadbridge does not know.
    let other = roles
        .iter()
        .find(|r| r["OpportunityId"].as_str() != Some(opp_id.as_str()))
        .expect("a second seeded Opportunity");
    let other_opp = other["OpportunityId"].as_str().unwrap().to_string();
    import(&env, &[event("new.buyer@fresh.example", 90, json!({}))]);
    contacts::store::set_delivery_facts(
        &env.store.conn(),
        "new.buyer@fresh.example",
        &contacts::store::DeliveryFacts {
            salesforce_opportunity_id: Some(other_opp.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    let mut fields = Record::new();
    fields.insert("Amount".into(), json!(777.0));
    client
        .update("Opportunity", &other_opp, &fields, &WriteOptions::default())
        .await
        .unwrap();
    let fourth = backflow::pull(&client, &env.store, &policy, &cancel)
        .await
        .unwrap();
    assert_eq!(fourth.contacts_updated, 1, "{fourth:?}");
    let buyer = contacts::store::get_by_email(&env.store, "new.buyer@fresh.example")
        .unwrap()
        .unwrap();
    assert_eq!(buyer.salesforce_opportunity_amount, Some(777.0));
    // The email-matched contact kept its own Opportunity.
    let contact = contacts::store::get_by_email(&env.store, &email)
        .unwrap()
        .unwrap();
    assert_eq!(
        contact.salesforce_opportunity_id.as_deref(),
        Some(opp_id.as_str())
    );

    // By stored Lead Id: a pushed contact whose Lead a salesperson then converted.
    import(
        &env,
        &[event(
            "convert.me@fresh.example",
            60,
            json!({"company": "Converted Co"}),
        )],
    );
    push(
        &client,
        &env.store,
        &Selection::Emails(vec!["convert.me@fresh.example".into()]),
        &fast(),
    )
    .await
    .unwrap();
    let pushed = contacts::store::get_by_email(&env.store, "convert.me@fresh.example")
        .unwrap()
        .unwrap();
    let lead_id = pushed
        .salesforce_lead_id
        .clone()
        .expect("a Lead was created");
    let converted = env.org.convert_lead(&lead_id).unwrap();
    let fifth = backflow::pull(&client, &env.store, &policy, &cancel)
        .await
        .unwrap();
    assert_eq!(fifth.contacts_updated, 1, "{fifth:?}");
    let after = contacts::store::get_by_email(&env.store, "convert.me@fresh.example")
        .unwrap()
        .unwrap();
    assert_eq!(
        after.salesforce_opportunity_id.as_deref(),
        Some(converted.opportunity_id.as_str())
    );
    assert_eq!(
        after.salesforce_contact_id.as_deref(),
        Some(converted.contact_id.as_str())
    );
    assert_eq!(
        after.salesforce_opportunity_stage.as_deref(),
        Some("Prospecting")
    );
}
