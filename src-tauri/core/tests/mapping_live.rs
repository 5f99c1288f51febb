//! The Mapping screen's org calls against the demo org over real HTTP: validation with the
//! live describes (and without an org), and the Campaign list.

mod common;

use common::Env;
use leadbridge_core::mapping::{
    list_campaigns, validate_live, MappingDocument, MappingRow, ProblemCode, Severity,
};
use leadbridge_core::salesforce::SalesforceClient;
use leadbridge_core::ErrorCode;
use leadbridge_demo_org::CAMPAIGN_NAME;

fn owned() -> MappingDocument {
    MappingDocument {
        default_owner_id: Some("0055g00000AbCdEAAV".into()),
        ..MappingDocument::default()
    }
}

#[tokio::test]
async fn validates_against_the_live_describes() {
    let env = Env::new(true).await;
    env.connect_web("live").await;
    let client = || SalesforceClient::open(&env.store, &env.vault, None);

    let clean = validate_live(&owned(), &env.store, client()).await.unwrap();
    assert!(clean.org_checked, "{:?}", clean.org_error);
    assert_eq!(clean.org_error, None);
    let errors: Vec<_> = clean
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert!(
        errors.is_empty(),
        "the default mapping fits the demo org: {errors:#?}"
    );

    let mut doc = owned();
    doc.objects
        .contact
        .push(MappingRow::new("email", "No_Such_Field__c", false));
    doc.opportunity.enabled = true;
    doc.opportunity.stage_name = "qualification".into();
    let found = validate_live(&doc, &env.store, client()).await.unwrap();
    assert!(found.org_checked);
    let unknown = found
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::UnknownField)
        .expect("the unknown field is reported");
    assert_eq!(unknown.object.as_deref(), Some("Contact"));
    assert_eq!(unknown.row_index, Some(4), "on the added row");
    let stage = found
        .problems
        .iter()
        .find(|p| p.code == ProblemCode::UnknownPicklistValue)
        .expect("the stage is checked against the live picklist");
    assert!(
        stage.message.contains("did you mean \"Qualification\""),
        "{}",
        stage.message
    );
    env.cleanup("live").await;
}

#[tokio::test]
async fn without_an_org_the_document_checks_still_run() {
    let env = Env::new(true).await;
    let mut doc = owned();
    doc.objects
        .lead
        .push(MappingRow::new("phone", "Email", false));
    let v = validate_live(
        &doc,
        &env.store,
        SalesforceClient::open(&env.store, &env.vault, None),
    )
    .await
    .unwrap();
    assert!(!v.org_checked);
    assert_eq!(
        v.org_error.as_ref().map(|e| e.code),
        Some(ErrorCode::NotConnected)
    );
    assert!(
        v.problems
            .iter()
            .any(|p| p.code == ProblemCode::DuplicateTarget && p.row_index == Some(12)),
        "{:#?}",
        v.problems
    );
    assert!(
        !v.problems
            .iter()
            .any(|p| p.code == ProblemCode::UnknownField),
        "no org checks without an org"
    );
}

#[tokio::test]
async fn lists_the_orgs_campaigns() {
    let env = Env::new(true).await;
    env.connect_web("campaigns").await;
    let client = SalesforceClient::open(&env.store, &env.vault, None).unwrap();
    let campaigns = list_campaigns(&client).await.unwrap();
    let seeded = campaigns
        .iter()
        .find(|c| c.name == CAMPAIGN_NAME)
        .unwrap_or_else(|| panic!("the seeded campaign is listed: {campaigns:?}"));
    assert!(seeded.id.starts_with("701"), "{}", seeded.id);
    assert!(seeded.is_active);
    assert_eq!(seeded.status.as_deref(), Some("In Progress"));
    let names: Vec<&str> = campaigns.iter().map(|c| c.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "ordered by name");
    env.cleanup("campaigns").await;
}
