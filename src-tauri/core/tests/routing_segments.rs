//! Segment evaluation: where company facts come from, and each condition operator.

mod routing_support;

use leadbridge_core::routing::model::{Condition, MatchMode};
use leadbridge_core::routing::segments::{evaluate_condition, evaluate_segment};
use leadbridge_core::routing::{AccountFacts, CompanyProfile, FactSource};
use routing_support::{account, contact, segment};
use serde_json::json;

fn cond(value: serde_json::Value) -> Condition {
    serde_json::from_value(value).expect("a valid condition")
}

fn acme_account() -> AccountFacts {
    AccountFacts {
        industry: Some("Manufacturing".into()),
        number_of_employees: Some(1200.0),
        billing_country: Some("United Kingdom".into()),
        domain_field: Some("Domain__c".into()),
        domain_value: Some("acme.example".into()),
        ..account(1, "Acme", Some("acme-old.example"), vec![])
    }
}

fn met(condition: serde_json::Value, company: &CompanyProfile) -> bool {
    evaluate_condition(&cond(condition), company).met
}

#[test]
fn the_chat_speaks_first_and_the_account_fills_gaps() {
    let acme = acme_account();
    let bare = contact(json!({}));
    let from_account = CompanyProfile::build(&bare, Some(&acme));
    let industry = from_account.industry.clone().unwrap();
    assert_eq!(
        (industry.value, industry.source, industry.origin.as_str()),
        (
            json!("Manufacturing"),
            FactSource::Account,
            "Account.Industry"
        )
    );
    assert_eq!(from_account.employees.clone().unwrap().value, json!(1200.0));
    assert_eq!(
        from_account.company_size.clone().unwrap().origin,
        "Account.NumberOfEmployees"
    );
    assert_eq!(
        from_account.country.clone().unwrap().value,
        json!("United Kingdom")
    );
    // The custom domain field wins over the Website host.
    let domain = from_account.domain.clone().unwrap();
    assert_eq!(
        (domain.value, domain.origin.as_str()),
        (json!("acme.example"), "Account.Domain__c")
    );

    let chatty = contact(json!({
        "domain": "acme.example",
        "country": "GB",
        "metadata": {"industry": "Technology", "companySize": "200-500", "budget": "50k-100k"}
    }));
    let profile = CompanyProfile::build(&chatty, Some(&acme));
    assert_eq!(
        profile.industry.as_ref().unwrap().value,
        json!("Technology")
    );
    assert_eq!(profile.industry.as_ref().unwrap().source, FactSource::Chat);
    assert_eq!(
        profile.company_size.as_ref().unwrap().origin,
        "metadata.companySize"
    );
    // A head count beats a band: the Account's exact count is used for `employees`.
    assert_eq!(
        profile.employees.as_ref().unwrap().origin,
        "Account.NumberOfEmployees"
    );
    assert_eq!(profile.country.as_ref().unwrap().value, json!("GB"));
    assert_eq!(profile.domain.as_ref().unwrap().origin, "domain");

    // Without an Account, the chat's band stands in for the head count.
    let alone = CompanyProfile::build(&chatty, None);
    assert_eq!(
        alone.employees.as_ref().unwrap().origin,
        "metadata.companySize"
    );
    assert!(CompanyProfile::build(&bare, None).industry.is_none());
    // Empty text is no fact.
    let blank = contact(json!({"country": "  ", "metadata": {"industry": ""}}));
    let profile = CompanyProfile::build(&blank, Some(&acme));
    assert_eq!(profile.country.unwrap().source, FactSource::Account);
    assert_eq!(profile.industry.unwrap().source, FactSource::Account);
}

#[test]
fn text_conditions_ignore_case_and_spacing() {
    let c = contact(json!({
        "domain": "acme.example",
        "country": "Deutschland",
        "metadata": {"industry": "Financial  Services", "tier": "Gold"}
    }));
    let company = CompanyProfile::build(&c, None);
    assert!(met(
        json!({"op": "equals", "field": "industry", "value": "financial services"}),
        &company
    ));
    assert!(!met(
        json!({"op": "equals", "field": "industry", "value": "Financial"}),
        &company
    ));
    assert!(met(
        json!({"op": "contains", "field": "industry", "value": "FINANCIAL"}),
        &company
    ));
    assert!(met(
        json!({"op": "notEquals", "field": "metadata.tier", "value": "silver"}),
        &company
    ));
    assert!(!met(
        json!({"op": "notEquals", "field": "metadata.tier", "value": "GOLD"}),
        &company
    ));
    assert!(met(
        json!({"op": "in", "field": "metadata.tier", "values": ["bronze", "gold"]}),
        &company
    ));
    // Countries compare as countries.
    assert!(met(
        json!({"op": "equals", "field": "country", "value": "DE"}),
        &company
    ));
    assert!(met(
        json!({"op": "in", "field": "country", "values": ["FR", "DEU"]}),
        &company
    ));
    assert!(!met(
        json!({"op": "notEquals", "field": "country", "value": "Germany"}),
        &company
    ));
    // Domains compare as domains.
    assert!(met(
        json!({"op": "equals", "field": "domain", "value": "https://www.ACME.example/"}),
        &company
    ));
    assert!(met(
        json!({"op": "contains", "field": "domain", "value": ".example"}),
        &company
    ));
}

#[test]
fn a_missing_fact_meets_nothing_not_even_not_equals() {
    let company = CompanyProfile::build(&contact(json!({})), None);
    for condition in [
        json!({"op": "equals", "field": "industry", "value": "x"}),
        json!({"op": "notEquals", "field": "country", "value": "US"}),
        json!({"op": "in", "field": "country", "values": ["US"]}),
        json!({"op": "gte", "field": "employees", "value": 0}),
    ] {
        let check = evaluate_condition(&cond(condition.clone()), &company);
        assert!(!check.met, "{condition}");
        assert_eq!(check.actual, None);
        assert_eq!(
            check.note.as_deref(),
            Some("the company has no value for it")
        );
    }
    let check = evaluate_condition(
        &cond(json!({"op": "equals", "field": "revenue", "value": "1"})),
        &company,
    );
    assert!(!check.met);
    assert!(check.note.unwrap().contains("not a company field"));
}

#[test]
fn numeric_conditions_read_counts_and_bands() {
    let mut acme = acme_account();
    acme.number_of_employees = Some(350.0);
    let with_count = CompanyProfile::build(&contact(json!({})), Some(&acme));
    assert!(met(
        json!({"op": "between", "field": "employees", "min": 200, "max": 500}),
        &with_count
    ));
    assert!(met(
        json!({"op": "gte", "field": "employees", "value": 350}),
        &with_count
    ));
    assert!(!met(
        json!({"op": "gte", "field": "employees", "value": 351}),
        &with_count
    ));
    assert!(met(
        json!({"op": "lte", "field": "employees", "value": 350.5}),
        &with_count
    ));

    // Seed 000's `"companySize": "200-500"`.
    let banded = CompanyProfile::build(
        &contact(
            json!({"metadata": {"companySize": "200-500", "budget": "50k-100k", "seats": 12, "note": "lots"}}),
        ),
        None,
    );
    assert!(met(
        json!({"op": "between", "field": "metadata.companySize", "min": 200, "max": 999}),
        &banded
    ));
    assert!(met(
        json!({"op": "gte", "field": "metadata.companySize", "value": 200}),
        &banded
    ));
    assert!(!met(
        json!({"op": "gte", "field": "metadata.companySize", "value": 300}),
        &banded
    ));
    assert!(met(
        json!({"op": "lte", "field": "employees", "value": 500}),
        &banded
    ));
    assert!(!met(
        json!({"op": "between", "field": "employees", "min": 300, "max": 999}),
        &banded
    ));
    assert!(met(
        json!({"op": "between", "field": "metadata.budget", "min": 50000, "max": 100000}),
        &banded
    ));
    assert!(met(
        json!({"op": "gte", "field": "metadata.seats", "value": 10}),
        &banded
    ));
    // Text stays text for text operators.
    assert!(met(
        json!({"op": "equals", "field": "metadata.companySize", "value": "200-500"}),
        &banded
    ));

    let check = evaluate_condition(
        &cond(json!({"op": "gte", "field": "metadata.note", "value": 1})),
        &banded,
    );
    assert!(!check.met);
    assert!(check.note.unwrap().contains("\"lots\" is not a number"));

    let open = CompanyProfile::build(
        &contact(json!({"metadata": {"companySize": "1000+"}})),
        None,
    );
    assert!(met(
        json!({"op": "gte", "field": "employees", "value": 1000}),
        &open
    ));
    assert!(!met(
        json!({"op": "between", "field": "employees", "min": 200, "max": 999}),
        &open
    ));
}

#[test]
fn all_any_and_empty_segments() {
    let company = CompanyProfile::build(
        &contact(json!({"country": "US", "metadata": {"industry": "Retail"}})),
        None,
    );
    let conditions = json!([
        {"op": "equals", "field": "industry", "value": "Technology"},
        {"op": "equals", "field": "country", "value": "United States"}
    ]);
    let all = evaluate_segment(
        &segment("All", MatchMode::All, conditions.clone()),
        &company,
    );
    assert!(!all.matched);
    assert_eq!(
        all.conditions.iter().map(|c| c.met).collect::<Vec<_>>(),
        [false, true],
        "every condition is tested and reported"
    );
    let any = evaluate_segment(&segment("Any", MatchMode::Any, conditions), &company);
    assert!(any.matched);
    assert_eq!(any.segment, "Any");
    for mode in [MatchMode::All, MatchMode::Any] {
        assert!(evaluate_segment(&segment("Everyone", mode, json!([])), &company).matched);
    }
    let none = evaluate_segment(
        &segment(
            "None",
            MatchMode::Any,
            json!([{"op": "equals", "field": "industry", "value": "Energy"}]),
        ),
        &company,
    );
    assert!(!none.matched);
}

#[test]
fn the_example_documents_segments_on_seed_000s_contacts() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/mapping/example.json"
    ))
    .unwrap();
    let doc = leadbridge_core::mapping::parse(&text).unwrap().document;
    let seg = |name: &str| doc.segments.iter().find(|s| s.name == name).unwrap();
    // Alex Chen (seed 000): Technology, 200-500, no country.
    let alex = CompanyProfile::build(
        &contact(
            json!({"metadata": {"companySize": "200-500", "industry": "Technology", "budget": "50k-100k"}}),
        ),
        None,
    );
    assert!(evaluate_segment(seg("Mid-market"), &alex).matched);
    assert!(!evaluate_segment(seg("Enterprise tech"), &alex).matched);
    assert!(!evaluate_segment(seg("EMEA"), &alex).matched);
    // Priya Nair: Manufacturing, 1000+, GB.
    let priya = CompanyProfile::build(
        &contact(json!({"country": "GB", "domain": "globex.example",
                        "metadata": {"companySize": "1000+", "industry": "Manufacturing"}})),
        None,
    );
    assert!(evaluate_segment(seg("EMEA"), &priya).matched);
    assert!(!evaluate_segment(seg("Mid-market"), &priya).matched);
    assert!(!evaluate_segment(seg("Enterprise tech"), &priya).matched);
}
