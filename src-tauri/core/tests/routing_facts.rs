//! The Account lookup plan from a recorded describe: which fields are selected, which rule
//! fields cannot be read, the statements a batch sends (exact matches, escaped), and how a
//! row is read back.

mod routing_support;

use leadbridge_core::mapping::MappingDocument;
use leadbridge_core::routing::facts::{website_variants, AccountQueryPlan, LookupKeys};
use leadbridge_core::routing::model::OwnershipRule;
use leadbridge_core::salesforce::describe::SObjectDescribe;
use leadbridge_core::soql;
use routing_support::contact;
use serde_json::json;

fn account_describe() -> SObjectDescribe {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/describe/Account.json"
    ))
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

fn rules_doc() -> MappingDocument {
    let rule = |owner: &str, then_by: Option<&str>| OwnershipRule {
        segment: "Any".into(),
        owner_field: owner.into(),
        then_by: then_by.map(str::to_string),
        fallback_user_id: None,
    };
    MappingDocument {
        ownership_rules: vec![
            rule("SDR__c", Some("OwnerId")),
            rule("Partner_Account__c", Some("Territory__c")),
            rule("sdr__c", None),
        ],
        ..MappingDocument::default()
    }
}

#[test]
fn the_plan_selects_visible_fields_and_user_lookups_only() {
    let plan = AccountQueryPlan::new(&account_describe(), &rules_doc());
    for expected in [
        "Id",
        "Name",
        "Website",
        "Industry",
        "OwnerId",
        "Owner.Name",
        "Owner.IsActive",
        "SDR__c",
        "SDR__r.Name",
        "SDR__r.IsActive",
    ] {
        assert!(
            plan.fields.iter().any(|f| f == expected),
            "{expected}: {:?}",
            plan.fields
        );
    }
    assert!(!plan.fields.iter().any(|f| f.starts_with("Partner_Account")));
    assert_eq!(
        plan.fields
            .iter()
            .filter(|f| f.eq_ignore_ascii_case("SDR__c"))
            .count(),
        1,
        "a field two rules name is selected once"
    );
    let unread: Vec<(&str, &str)> = plan
        .unread
        .iter()
        .map(|(f, why)| (f.as_str(), why.as_str()))
        .collect();
    assert_eq!(
        unread,
        [
            (
                "Partner_Account__c",
                "Account.Partner_Account__c is a reference field, not a lookup to User"
            ),
            (
                "Territory__c",
                "Account has no field Territory__c the connected user can see"
            ),
        ]
    );
}

#[test]
fn statements_use_exact_matches_and_escape_every_value() {
    let describe = account_describe();
    let doc = rules_doc();
    let plan = AccountQueryPlan::new(&describe, &doc);
    let contacts = vec![
        contact(json!({"domain": "acme.example", "company": "Acme"})),
        contact(json!({"website": "https://www.o-brien.example/x", "company": "O'Brien & Sons"})),
        contact(json!({"domain": "ACME.example", "company": "acme"})),
        contact(json!({"company": "[not provided]"})),
        contact(json!({"company": "N/A"})),
    ];
    let keys = LookupKeys::of(&contacts, &doc);
    assert_eq!(keys.domains, ["acme.example", "o-brien.example"]);
    assert_eq!(keys.names, ["Acme", "O'Brien & Sons"]);

    let statements = plan.statements(&contacts, &doc).unwrap();
    // No custom domain field in this describe: Website and Name.
    assert_eq!(statements.len(), 2, "{statements:#?}");
    assert!(statements[0]
        .contains("WHERE Website IN ('acme.example','acme.example/','http://acme.example'"));
    assert!(statements[0].contains("'https://www.o-brien.example/'"));
    assert!(!statements.iter().any(|s| s.contains("LIKE")));
    assert!(statements[1].ends_with(r"WHERE Name IN ('Acme','O\'Brien & Sons')"));
    for s in &statements {
        soql::check(s).expect("the console's guard accepts every statement");
    }
    assert!(plan.statements(&contacts[3..], &doc).unwrap().is_empty());
    assert_eq!(website_variants("a.example").len(), 12);
}

#[test]
fn a_custom_domain_field_is_used_when_the_describe_has_one() {
    let mut describe = account_describe();
    let mut domain = describe.field("Website").unwrap().clone();
    domain.name = "ns__Company_Domain__c".into();
    domain.field_type = "string".into();
    domain.custom = true;
    domain.external_id = true;
    describe.fields.push(domain);
    let doc = MappingDocument::default();
    let plan = AccountQueryPlan::new(&describe, &doc);
    assert!(plan.fields.iter().any(|f| f == "ns__Company_Domain__c"));
    let statements = plan
        .statements(&[contact(json!({"domain": "acme.example"}))], &doc)
        .unwrap();
    assert_eq!(statements.len(), 2);
    assert!(statements[1]
        .ends_with("WHERE ns__Company_Domain__c IN ('acme.example','www.acme.example')"));

    let row = json!({
        "attributes": {"type": "Account"},
        "Id": "001000000000001AAA",
        "Name": "Acme",
        "Website": null,
        "ns__Company_Domain__c": "ACME.example",
        "NumberOfEmployees": 250,
        "LastModifiedDate": "2026-03-01T10:00:00.000+0000",
        "OwnerId": "005000000000001AAA",
        "Owner": {"attributes": {"type": "User"}, "Name": "Sally Park", "IsActive": true}
    });
    let account = plan.read(row.as_object().unwrap()).unwrap();
    assert_eq!(account.domain_value.as_deref(), Some("ACME.example"));
    assert_eq!(
        account.domain_fact(),
        Some((
            "acme.example".to_string(),
            "ns__Company_Domain__c".to_string()
        ))
    );
    assert_eq!(account.number_of_employees, Some(250.0));
    assert_eq!(
        account.last_modified.unwrap().to_rfc3339(),
        "2026-03-01T10:00:00+00:00"
    );
    let owner = account.owner_field("ownerid").unwrap();
    assert_eq!(owner.user_name.as_deref(), Some("Sally Park"));
    assert_eq!(owner.user_is_active, Some(true));
}
