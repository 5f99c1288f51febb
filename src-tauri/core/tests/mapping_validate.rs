//! Org checks against realistic describe responses (tests/fixtures/describe/*.json, shaped
//! like Salesforce's `GET /sobjects/{name}/describe`).

use std::collections::HashMap;

use leadbridge_core::mapping::{
    self, import, validate, validate_with, ChatFields, DescribeDir, DescribeSource,
    MappingDocument, MappingRow, Problem, ProblemCode, Severity,
};
use leadbridge_core::salesforce::describe::SObjectDescribe;
use leadbridge_core::{Error, ErrorCode};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/describe");
const EXAMPLE: &str = include_str!("../../../tests/fixtures/mapping/example.json");

fn org() -> HashMap<String, SObjectDescribe> {
    ["Lead", "Contact", "Account", "Opportunity"]
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(format!("{FIXTURES}/{name}.json")).unwrap();
            (name.to_string(), serde_json::from_str(&text).unwrap())
        })
        .collect()
}

/// The default document with a default owner (so it has no warning at all).
fn owned() -> MappingDocument {
    MappingDocument {
        default_owner_id: Some("0055g00000AbCdEAAV".into()),
        ..MappingDocument::default()
    }
}

fn problems(doc: &MappingDocument, describes: &dyn DescribeSource) -> Vec<Problem> {
    validate(doc, describes, &[]).unwrap()
}

fn with_lead_row(source: &str, target: &str, overwrite: bool) -> MappingDocument {
    let mut doc = owned();
    doc.objects
        .lead
        .push(MappingRow::new(source, target, overwrite));
    doc
}

/// The problems of the row added by [`with_lead_row`] (index 12).
fn row_problems(source: &str, target: &str, overwrite: bool) -> Vec<(ProblemCode, Severity)> {
    let doc = with_lead_row(source, target, overwrite);
    let found = problems(&doc, &org());
    for p in &found {
        assert_eq!(
            p.row_index,
            Some(12),
            "only the added row has problems: {p:#?}"
        );
        assert_eq!(p.object.as_deref(), Some("Lead"));
        assert_eq!(p.path, "objects.Lead[12].target");
        assert_eq!(p.field.as_deref(), Some(target));
    }
    found.into_iter().map(|p| (p.code, p.severity)).collect()
}

#[test]
fn the_default_and_example_documents_are_clean_against_a_seed_configured_org() {
    let doc = owned();
    assert_eq!(problems(&doc, &org()), vec![]);
    assert_eq!(problems(&import(EXAMPLE).unwrap(), &org()), vec![]);
}

#[test]
fn describe_dir_reads_saved_describe_responses() {
    let dir = DescribeDir::new(FIXTURES);
    let lead = dir.describe("Lead").unwrap();
    assert_eq!(lead.name, "Lead");
    assert!(
        lead.field("lead_score__c").is_some(),
        "field lookup is case-insensitive"
    );
    assert_eq!(dir.describe("Case").unwrap_err().code, ErrorCode::NotFound);
    assert_eq!(problems(&import(EXAMPLE).unwrap(), &dir), vec![]);
}

#[test]
fn unknown_field() {
    assert_eq!(
        row_problems("intent", "Intent_Text__c", false),
        [(ProblemCode::UnknownField, Severity::Error)]
    );
    // Field names are case-insensitive.
    assert_eq!(row_problems("metadata.title", "TITLE", true), []);
}

#[test]
fn not_createable() {
    assert_eq!(
        row_problems("metadata.days", "Days_Open__c", false),
        [
            (ProblemCode::NotCreateable, Severity::Error),
            (ProblemCode::TypeMismatch, Severity::Warning)
        ]
    );
    assert_eq!(
        row_problems("firstName", "Name", true),
        [
            (ProblemCode::NotCreateable, Severity::Error),
            (ProblemCode::NotUpdateable, Severity::Error)
        ]
    );
}

#[test]
fn not_updateable_only_matters_with_overwrite() {
    // IsConverted: createable, not updateable.
    assert_eq!(
        row_problems("metadata.converted", "IsConverted", true),
        [
            (ProblemCode::NotUpdateable, Severity::Error),
            (ProblemCode::TypeMismatch, Severity::Warning)
        ]
    );
    assert_eq!(
        row_problems("metadata.converted", "IsConverted", false),
        [(ProblemCode::TypeMismatch, Severity::Warning)]
    );
}

#[test]
fn contact_and_account_rows_are_never_created_so_only_updateability_counts() {
    let mut doc = owned();
    doc.objects
        .contact
        .push(MappingRow::new("firstName", "Name", false));
    assert_eq!(
        problems(&doc, &org()),
        vec![],
        "a non-overwrite row of a non-created object"
    );
    doc.objects.contact[4].overwrite = true;
    let found = problems(&doc, &org());
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].code, found[0].path.as_str()),
        (ProblemCode::NotUpdateable, "objects.Contact[4].target")
    );
    assert_eq!(
        (found[0].object.as_deref(), found[0].row_index),
        (Some("Contact"), Some(4))
    );
}

#[test]
fn type_mismatch() {
    let e = [(ProblemCode::TypeMismatch, Severity::Error)];
    let w = [(ProblemCode::TypeMismatch, Severity::Warning)];
    // qualificationScore: numbers and text take it, booleans and dates do not.
    assert_eq!(
        row_problems("qualificationScore", "AnnualRevenue", false),
        []
    );
    assert_eq!(row_problems("qualificationScore", "Title", true), []);
    assert_eq!(
        row_problems("qualificationScore", "HasOptedOutOfEmail", true),
        e
    );
    assert_eq!(
        row_problems("qualificationScore", "First_Chat_Date__c", true),
        e
    );
    // Emails into email or text fields; names are not emails.
    assert_eq!(row_problems("agents.closedBy", "Title", false), []);
    let mut doc = with_lead_row("metadata.x", "Title", false);
    doc.objects.lead[0].source = "firstName".into();
    let found = problems(&doc, &org());
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].code, found[0].severity, found[0].path.as_str()),
        (
            ProblemCode::TypeMismatch,
            Severity::Error,
            "objects.Lead[0].target"
        )
    );
    // The conversation URL into url, textarea or string fields.
    assert_eq!(row_problems("conversationUrl", "Street", false), []);
    assert_eq!(
        row_problems("conversationUrl", "NumberOfEmployees", false),
        e
    );
    // Metadata values have no known type: numeric targets are a warning.
    assert_eq!(
        row_problems("metadata.employees", "NumberOfEmployees", false),
        w
    );
    // Nothing writes an owner or a record Id through the mapping.
    assert_eq!(row_problems("company", "OwnerId", false), e);
    assert_eq!(row_problems("timestamp", "First_Chat_Date__c", false), []);
}

#[test]
fn may_be_too_long_uses_observed_lengths_and_score_digits() {
    let doc = with_lead_row("metadata.region", "Region__c", false);
    let seen = |len| ChatFields::new(&[]).with_longest("metadata.region", len);
    let found = validate_with(&doc, Some(&org()), &seen(34)).unwrap();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].code, found[0].severity),
        (ProblemCode::MayBeTooLong, Severity::Warning)
    );
    assert!(
        found[0].message.contains("holds 20 characters") && found[0].message.contains("34"),
        "{}",
        found[0].message
    );
    assert_eq!(
        validate_with(&doc, Some(&org()), &seen(20)).unwrap(),
        vec![]
    );

    let mut narrow = org();
    let lead = narrow.get_mut("Lead").unwrap();
    let score = lead
        .fields
        .iter_mut()
        .find(|f| f.name == "Lead_Score__c")
        .unwrap();
    score.precision = 4;
    score.scale = 2;
    let found = problems(&owned(), &narrow);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].code, found[0].path.as_str()),
        (ProblemCode::MayBeTooLong, "objects.Lead[5].target")
    );
}

#[test]
fn required_fields_must_be_mapped_or_defaulted() {
    let mut doc = owned();
    doc.objects
        .lead
        .retain(|r| r.target != "Company" && r.target != "LastName");
    assert_eq!(
        problems(&doc, &org()),
        vec![],
        "requiredDefaults fill Company and LastName"
    );

    doc.required_defaults.company = None;
    doc.required_defaults.last_name_from_email = false;
    let found = problems(&doc, &org());
    let fields: Vec<_> = found
        .iter()
        .map(|p| (p.code, p.field.as_deref().unwrap_or(""), p.row_index))
        .collect();
    assert_eq!(
        fields,
        [
            (ProblemCode::RequiredUnmapped, "LastName", None),
            (ProblemCode::RequiredUnmapped, "Company", None)
        ]
    );
    assert!(found[1].message.contains("requiredDefaults.company"));

    // A required custom field in the org.
    let mut strict = org();
    let lead = strict.get_mut("Lead").unwrap();
    let mut region = lead.field("Region__c").unwrap().clone();
    region.name = "Lead_Region__c".into();
    region.nillable = false;
    lead.fields.push(region);
    let found = problems(&owned(), &strict);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].code, found[0].field.as_deref()),
        (ProblemCode::RequiredUnmapped, Some("Lead_Region__c"))
    );
}

#[test]
fn document_problems_come_with_org_problems() {
    let mut doc = with_lead_row("metadata.mail", "email", false);
    doc.objects
        .lead
        .push(MappingRow::new("emial", "Title", false));
    let found = problems(&doc, &org());
    let codes: Vec<_> = found.iter().map(|p| (p.code, p.path.as_str())).collect();
    assert_eq!(
        codes,
        [
            (ProblemCode::DuplicateTarget, "objects.Lead[12].target"),
            (ProblemCode::UnknownSource, "objects.Lead[13].source"),
            (ProblemCode::TypeMismatch, "objects.Lead[12].target"),
        ]
    );
    // A discovered field is not unknown.
    let found = validate(&doc, &org(), &["emial".to_string()]).unwrap();
    assert!(found.iter().all(|p| p.code != ProblemCode::UnknownSource));
}

#[test]
fn objects_the_org_does_not_offer() {
    let mut partial = org();
    partial.remove("Contact");
    let mut doc = import(EXAMPLE).unwrap();
    let found = problems(&doc, &partial);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].code, found[0].path.as_str()),
        (ProblemCode::UnknownObject, "objects.Contact")
    );
    // Without Contact rows the Contact object is not needed.
    doc.objects.contact.clear();
    assert_eq!(problems(&doc, &partial), vec![]);

    let mut no_create = org();
    no_create.get_mut("Lead").unwrap().createable = false;
    let found = problems(&doc, &no_create);
    assert_eq!(
        (found[0].code, found[0].path.as_str(), found[0].row_index),
        (ProblemCode::NotCreateable, "objects.Lead", None)
    );
}

#[test]
fn ownership_rule_fields_must_be_user_lookups_on_account() {
    let mut doc = import(EXAMPLE).unwrap();
    doc.ownership_rules[0].owner_field = "Partner_Account__c".into();
    doc.ownership_rules[0].then_by = Some("Region__c".into());
    doc.ownership_rules[1].owner_field = "Territory_Owner__c".into();
    let found = problems(&doc, &org());
    let codes: Vec<_> = found.iter().map(|p| (p.code, p.path.as_str())).collect();
    assert_eq!(
        codes,
        [
            (ProblemCode::TypeMismatch, "ownershipRules[0].ownerField"),
            (ProblemCode::TypeMismatch, "ownershipRules[0].thenBy"),
            (ProblemCode::UnknownField, "ownershipRules[1].ownerField"),
        ]
    );
    assert!(found[0].message.contains("not a lookup to User"));
}

#[test]
fn opportunity_stage_must_be_an_active_picklist_value() {
    let mut doc = import(EXAMPLE).unwrap();
    doc.opportunity.stage_name = "qualification".into();
    let found = problems(&doc, &org());
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].code, found[0].path.as_str()),
        (ProblemCode::UnknownPicklistValue, "opportunity.stageName")
    );
    assert!(
        found[0].message.contains("did you mean \"Qualification\""),
        "{}",
        found[0].message
    );
    doc.opportunity.enabled = false;
    assert_eq!(
        problems(&doc, &org()),
        vec![],
        "a disabled Opportunity setting is not checked"
    );
}

#[test]
fn describe_failures_other_than_not_found_abort() {
    struct Offline;
    impl DescribeSource for Offline {
        fn describe(&self, _object: &str) -> leadbridge_core::Result<SObjectDescribe> {
            Err(Error::new(ErrorCode::Network, "cannot reach the org"))
        }
    }
    let err = validate(&MappingDocument::default(), &Offline, &[]).unwrap_err();
    assert_eq!(err.code, ErrorCode::Network);
    // Without an org, only the document and source checks run.
    let found = validate_with(&MappingDocument::default(), None, &ChatFields::standard()).unwrap();
    assert_eq!(
        found.iter().map(|p| p.code).collect::<Vec<_>>(),
        [mapping::ProblemCode::DefaultOwnerUnset]
    );
}
