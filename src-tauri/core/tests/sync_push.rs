//! Pushes against the demo org: create, update with overwrite semantics, unchanged,
//! CONTACT_EXISTS, emails with apostrophes and in other case, several Leads with one email,
//! campaign membership for new Leads only, Opportunities, the Account tab, the API-call count
//! of a batch, dry runs and refused input.
//!
//! These tests use the real OS keyring (see `common`).

// Each test edits the default mapping document where it matters.
#![allow(clippy::field_reassign_with_default)]

mod common;
mod sync_support;

use leadbridge_core::deliveries::{self, DeliveryQuery};
use leadbridge_core::mapping::document::ContactPolicy;
use leadbridge_core::mapping::{MappingDocument, MappingRow};
use leadbridge_core::sync::{
    plan_push, push, PlanAction, PlanOptions, ResultStatus, Selection, SyncReport,
};
use leadbridge_core::ErrorCode;
use leadbridge_demo_org::{DUPLICATE_LEAD_EMAIL, KNOWN_CONTACT_EMAIL, KNOWN_LEAD_EMAIL};
use serde_json::json;
use sync_support::*;

fn result<'r>(report: &'r SyncReport, email: &str) -> &'r leadbridge_core::sync::SyncResult {
    report
        .results
        .iter()
        .find(|r| r.email.eq_ignore_ascii_case(email))
        .unwrap_or_else(|| panic!("no result for {email}: {:#?}", report.results))
}

async fn lead_intake_user(client: &leadbridge_core::salesforce::SalesforceClient) -> String {
    let rows = query(
        client,
        "SELECT Id FROM User WHERE Username LIKE 'lead.intake@%'",
    )
    .await;
    s(&rows[0], "Id").expect("user").to_string()
}

#[tokio::test]
async fn creates_updates_and_skips_by_email_then_changes_nothing() {
    let (env, client) = connected().await;
    env.org.set_lead_assignment_rule(true);
    let known_lead_upper = KNOWN_LEAD_EMAIL.to_uppercase();
    import(
        &env,
        &[
            event("ada.new@prospect.example", 50, json!({})),
            event(&known_lead_upper, 91, json!({"firstName": "Renamed"})),
            event(KNOWN_CONTACT_EMAIL, 95, json!({})),
        ],
    );
    let before = with_email(&client, "Lead", KNOWN_LEAD_EMAIL).await;
    assert_eq!(before.len(), 1);

    let report = push(&client, &env.store, &Selection::All, &fast())
        .await
        .expect("push");
    assert!(report.all_delivered(), "{report:#?}");

    let created = result(&report, "ada.new@prospect.example");
    assert_eq!(
        (created.status, created.action.as_str()),
        (ResultStatus::Succeeded, "created")
    );
    assert_eq!(created.object, "Lead");
    assert_eq!(created.attempts, 1);
    assert!(created.error.is_none() && created.delivery_id.is_some());
    let leads = with_email(&client, "Lead", "ada.new@prospect.example").await;
    assert_eq!(leads.len(), 1);
    let lead = &leads[0];
    assert_eq!(s(lead, "Id"), created.id.as_deref());
    assert_eq!(lead["Lead_Score__c"], json!(50.0));
    assert_eq!(s(lead, "Company"), Some("Prospect Co"));
    assert_eq!(
        s(lead, "Description"),
        Some("https://app.hoverbot.ai/conversations/ada.new")
    );
    // Sforce-Auto-Assign: FALSE kept the org's assignment rule from taking the Lead.
    assert_ne!(
        s(lead, "OwnerId"),
        Some(lead_intake_user(&client).await.as_str())
    );

    let updated = result(&report, KNOWN_LEAD_EMAIL);
    assert_eq!(
        (updated.status, updated.action.as_str()),
        (ResultStatus::Succeeded, "updated")
    );
    assert_eq!(updated.id.as_deref(), s(&before[0], "Id"));
    assert_eq!(updated.owner_id.as_deref(), s(&before[0], "OwnerId"));
    let after = &with_email(&client, "Lead", KNOWN_LEAD_EMAIL).await[0];
    assert_eq!(
        after["Lead_Score__c"],
        json!(91.0),
        "score is an overwrite row"
    );
    assert_eq!(
        s(after, "FirstName"),
        s(&before[0], "FirstName"),
        "names are not overwrite rows"
    );
    assert_eq!(
        s(after, "OwnerId"),
        s(&before[0], "OwnerId"),
        "the owner stays"
    );

    let skipped = result(&report, KNOWN_CONTACT_EMAIL);
    assert_eq!(
        (skipped.status, skipped.action.as_str()),
        (ResultStatus::Skipped, "skipped")
    );
    assert_eq!(skipped.object, "Contact");
    assert_eq!(skipped.error.as_ref().unwrap().code, "CONTACT_EXISTS");
    assert_eq!(skipped.attempts, 0);
    assert!(with_email(&client, "Lead", KNOWN_CONTACT_EMAIL)
        .await
        .is_empty());

    // The JSON line is the contract.
    let line = serde_json::to_value(created).unwrap();
    let keys: Vec<&str> = line
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "email",
            "status",
            "action",
            "object",
            "id",
            "ownerId",
            "ownerReason",
            "opportunityId",
            "campaignMemberId",
            "error",
            "deliveryId",
            "attempts"
        ]
    );

    // Every delivery is in the log, finished.
    let logged = deliveries::count(&env.store.conn(), &DeliveryQuery::default()).unwrap();
    assert_eq!(logged, 3);
    assert!(deliveries::unfinished(&env.store.conn())
        .unwrap()
        .is_empty());
    let contact =
        leadbridge_core::contacts::store::get_by_email(&env.store, "ada.new@prospect.example")
            .unwrap()
            .unwrap();
    assert_eq!(contact.salesforce_lead_id, created.id);
    assert_eq!(contact.last_delivery_status.as_deref(), Some("succeeded"));

    // Pushing again changes nothing and writes nothing.
    let again = push(&client, &env.store, &Selection::All, &fast())
        .await
        .unwrap();
    assert_eq!(
        result(&again, "ada.new@prospect.example").action,
        "unchanged"
    );
    assert_eq!(result(&again, KNOWN_LEAD_EMAIL).action, "unchanged");
    assert_eq!(result(&again, KNOWN_CONTACT_EMAIL).action, "skipped");
    assert_eq!(again.api_calls, 0, "no write calls");
    assert_eq!(
        with_email(&client, "Lead", "ada.new@prospect.example")
            .await
            .len(),
        1
    );
    env.cleanup("sync").await;
}

#[tokio::test]
async fn apostrophes_case_and_several_leads_with_one_email() {
    let (env, client) = connected().await;
    let apostrophe = "d'arcy.o'neil@prospect.example";
    // A Lead whose email differs from the contact's only in case.
    let existing = leadbridge_core::salesforce::query::Record::from_iter([
        ("LastName".to_string(), json!("Case")),
        ("Company".to_string(), json!("Case Co")),
        ("Email".to_string(), json!("Mixed.Case@Prospect.example")),
    ]);
    let existing_id = client
        .create("Lead", &existing, &Default::default())
        .await
        .unwrap();
    import(
        &env,
        &[
            event(apostrophe, 60, json!({})),
            event("mixed.case@prospect.example", 77, json!({})),
            event(DUPLICATE_LEAD_EMAIL, 66, json!({})),
        ],
    );

    let plan = plan_push(
        &client,
        &env.store,
        &Selection::All,
        &PlanOptions::default(),
    )
    .await
    .unwrap();
    let twin = plan
        .items
        .iter()
        .find(|i| i.email == DUPLICATE_LEAD_EMAIL)
        .unwrap();
    assert_eq!(twin.action, PlanAction::Update);
    assert!(
        twin.notes
            .iter()
            .any(|n| n.starts_with("2 Leads have this email")),
        "{:?}",
        twin.notes
    );
    let twins = with_email(&client, "Lead", DUPLICATE_LEAD_EMAIL).await;
    assert_eq!(twins.len(), 2);

    let report = push(&client, &env.store, &Selection::All, &fast())
        .await
        .unwrap();
    assert!(report.all_delivered(), "{report:#?}");
    assert_eq!(result(&report, apostrophe).action, "created");
    let mixed = result(&report, "mixed.case@prospect.example");
    assert_eq!(mixed.action, "updated");
    assert_eq!(mixed.id.as_deref(), Some(existing_id.as_str()));
    assert_eq!(
        with_email(&client, "Lead", "mixed.case@prospect.example")
            .await
            .len(),
        1,
        "no second Lead for the other case"
    );
    let twin = result(&report, DUPLICATE_LEAD_EMAIL);
    assert_eq!(
        twin.id.as_deref(),
        twins_most_recent(&plan, DUPLICATE_LEAD_EMAIL)
    );
    let updated: Vec<_> = with_email(&client, "Lead", DUPLICATE_LEAD_EMAIL)
        .await
        .into_iter()
        .filter(|l| l["Lead_Score__c"] == json!(66.0))
        .collect();
    assert_eq!(updated.len(), 1, "only the most recent twin is updated");

    // The apostrophe survives the escaped look-up: the second push finds the Lead.
    let again = push(
        &client,
        &env.store,
        &Selection::Emails(vec![apostrophe.into()]),
        &fast(),
    )
    .await
    .unwrap();
    assert_eq!(again.results.len(), 1);
    assert_eq!(again.results[0].action, "unchanged");
    assert_eq!(with_email(&client, "Lead", apostrophe).await.len(), 1);
    env.cleanup("sync").await;
}

fn twins_most_recent<'p>(plan: &'p leadbridge_core::sync::Plan, email: &str) -> Option<&'p str> {
    plan.items
        .iter()
        .find(|i| i.email == email)
        .and_then(|i| i.record_id.as_deref())
}

#[tokio::test]
async fn campaign_membership_only_for_new_leads() {
    let (env, client) = connected().await;
    let campaign = campaign_id(&client).await;
    let mut doc = MappingDocument::default();
    doc.campaign_id = Some(campaign.clone());
    save_doc(&env, &doc);
    import(
        &env,
        &[
            event("brand.new@prospect.example", 40, json!({})),
            event(KNOWN_LEAD_EMAIL, 93, json!({})),
        ],
    );
    let report = push(&client, &env.store, &Selection::All, &fast())
        .await
        .unwrap();
    assert!(report.all_delivered(), "{report:#?}");
    let new = result(&report, "brand.new@prospect.example");
    assert_eq!(new.action, "created");
    assert_eq!(new.attempts, 2, "the Lead, then its campaign membership");
    let member = new.campaign_member_id.as_deref().expect("a member");
    let rows = query(
        &client,
        &format!("SELECT Id, LeadId, CampaignId FROM CampaignMember WHERE Id = '{member}'"),
    )
    .await;
    assert_eq!(s(&rows[0], "LeadId"), new.id.as_deref());
    assert_eq!(s(&rows[0], "CampaignId"), Some(campaign.as_str()));
    let existing = result(&report, KNOWN_LEAD_EMAIL);
    assert_eq!(existing.action, "updated");
    assert!(existing.campaign_member_id.is_none());
    let lead_id = existing.id.clone().unwrap();
    let memberships = query(
        &client,
        &format!("SELECT Id FROM CampaignMember WHERE LeadId = '{lead_id}' AND CampaignId = '{campaign}'"),
    )
    .await;
    assert!(memberships.is_empty(), "an updated Lead joins no campaign");
    env.cleanup("sync").await;
}

#[tokio::test]
async fn an_existing_contact_gets_overwrites_and_an_opportunity_under_update_existing() {
    let (env, client) = connected().await;
    let mut doc = MappingDocument::default();
    doc.contact_policy = ContactPolicy::UpdateExisting;
    doc.opportunity.enabled = true;
    save_doc(&env, &doc);
    import(
        &env,
        &[event(
            KNOWN_CONTACT_EMAIL,
            88,
            json!({"phone": "+1-555-0199"}),
        )],
    );
    let before = with_email(&client, "Contact", KNOWN_CONTACT_EMAIL).await;
    let report = push(&client, &env.store, &Selection::All, &fast())
        .await
        .unwrap();
    let r = &report.results[0];
    assert_eq!(
        (r.status, r.action.as_str(), r.object.as_str()),
        (ResultStatus::Succeeded, "updated", "Contact"),
        "{r:#?}"
    );
    assert_eq!(r.attempts, 3, "Contact, Opportunity, contact role");
    let after = &with_email(&client, "Contact", KNOWN_CONTACT_EMAIL).await[0];
    assert_eq!(s(after, "Phone"), Some("+1-555-0199"));
    assert_eq!(s(after, "LastName"), s(&before[0], "LastName"));
    let opportunity = r.opportunity_id.as_deref().expect("an Opportunity");
    let opp = &query(
        &client,
        &format!("SELECT Id, Name, StageName, AccountId, Description FROM Opportunity WHERE Id = '{opportunity}'"),
    )
    .await[0];
    assert_eq!(s(opp, "StageName"), Some("Qualification"));
    assert_eq!(s(opp, "AccountId"), s(after, "AccountId"));
    assert_eq!(s(opp, "Name"), Some("Prospect Co - Chat opportunity"));
    assert!(s(opp, "Description")
        .unwrap()
        .starts_with("https://app.hoverbot.ai/"));
    let roles = query(
        &client,
        &format!("SELECT ContactId, IsPrimary FROM OpportunityContactRole WHERE OpportunityId = '{opportunity}'"),
    )
    .await;
    assert_eq!(s(&roles[0], "ContactId"), s(after, "Id"));
    assert_eq!(roles[0]["IsPrimary"], json!(true));

    // A second push does not create a second Opportunity for the contact.
    let again = push(&client, &env.store, &Selection::All, &fast())
        .await
        .unwrap();
    assert!(again.results[0].opportunity_id.is_none());
    assert_eq!(again.results[0].action, "unchanged");
    env.cleanup("sync").await;
}

#[tokio::test]
async fn account_tab_overwrites_the_matched_account_only() {
    let (env, client) = connected().await;
    let mut doc = MappingDocument::default();
    doc.objects.account = vec![MappingRow::new("metadata.industry", "Industry", true)];
    save_doc(&env, &doc);
    import(
        &env,
        &[event(
            "newcomer@harborlight.example",
            70,
            json!({"metadata": {"industry": "Biotechnology"}}),
        )],
    );
    let report = push(&client, &env.store, &Selection::All, &fast())
        .await
        .unwrap();
    assert!(report.all_delivered(), "{report:#?}");
    assert_eq!(report.results[0].attempts, 2, "the Lead and the Account");
    let account = &query(
        &client,
        "SELECT Id, Industry FROM Account WHERE Domain__c = 'harborlight.example'",
    )
    .await[0];
    assert_eq!(s(account, "Industry"), Some("Biotechnology"));
    env.cleanup("sync").await;
}

#[tokio::test]
async fn a_thousand_new_contacts_take_a_handful_of_calls() {
    let (env, client) = connected().await;
    import(&env, &many(1000, "bulk.example"));
    let calls_before = env.org.api_calls().total;
    let report = push(&client, &env.store, &Selection::All, &fast())
        .await
        .unwrap();
    let calls = env.org.api_calls().total - calls_before;
    assert_eq!(report.results.len(), 1000);
    assert!(report
        .results
        .iter()
        .all(|r| r.status == ResultStatus::Succeeded && r.action == "created"));
    assert_eq!(
        report.api_calls, 1,
        "1,000 records = 5 collections = one Composite call"
    );
    assert!(
        calls <= 6,
        "{calls} calls in all (describes, look-ups, routing, writes)"
    );
    assert_eq!(
        calls,
        report.api_calls + report.lookup_calls,
        "the client counts what the org counts"
    );
    let count = client
        .query::<serde_json::Value>("SELECT COUNT() FROM Lead WHERE Email LIKE '%@bulk.example'")
        .await
        .unwrap();
    assert_eq!(count.total_size, 1000);
    env.cleanup("sync").await;
}

#[tokio::test]
async fn a_dry_run_and_refused_input_send_nothing() {
    let (env, client) = connected().await;
    import(&env, &[event("dry.run@prospect.example", 55, json!({}))]);
    let calls = env.org.api_calls().by_kind;
    let plan = plan_push(
        &client,
        &env.store,
        &Selection::All,
        &PlanOptions::default(),
    )
    .await
    .unwrap();
    assert_eq!(plan.items[0].action, PlanAction::Create);
    assert_eq!(plan.totals.write_calls, 1);
    assert!(with_email(&client, "Lead", "dry.run@prospect.example")
        .await
        .is_empty());
    assert_eq!(
        deliveries::count(&env.store.conn(), &DeliveryQuery::default()).unwrap(),
        0,
        "a preview logs nothing"
    );
    let written = env.org.api_calls().by_kind;
    assert_eq!(
        written.get(&leadbridge_demo_org::PathKind::Collections),
        calls.get(&leadbridge_demo_org::PathKind::Collections)
    );

    let before = env.org.api_calls().total;
    let e = push(
        &client,
        &env.store,
        &Selection::Emails(vec![
            "dry.run@prospect.example".into(),
            "Nobody@Nowhere.example".into(),
        ]),
        &fast(),
    )
    .await
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(
        e.message.contains("Nobody@Nowhere.example"),
        "{}",
        e.message
    );
    assert_eq!(env.org.api_calls().total, before, "refused before any call");
    assert_eq!(
        deliveries::count(&env.store.conn(), &DeliveryQuery::default()).unwrap(),
        0
    );
    env.cleanup("sync").await;
}
