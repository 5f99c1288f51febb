use serde_json::json;

use super::model::OpportunityChange;
use super::opportunity::validate;
use crate::salesforce::describe::{FieldDescribe, PicklistValue, SObjectDescribe};
use crate::ErrorCode;

fn field(name: &str, t: &str, precision: u32, scale: u32) -> FieldDescribe {
    FieldDescribe {
        name: name.into(),
        label: name.into(),
        field_type: t.into(),
        length: 0,
        precision,
        scale,
        createable: true,
        updateable: true,
        nillable: true,
        defaulted_on_create: false,
        external_id: false,
        id_lookup: false,
        unique: false,
        custom: false,
        picklist_values: vec![],
        reference_to: vec![],
        relationship_name: None,
    }
}

fn opportunity() -> SObjectDescribe {
    let mut stage = field("StageName", "picklist", 0, 0);
    stage.picklist_values = ["Prospecting", "Closed Won", "Retired"]
        .iter()
        .map(|v| PicklistValue {
            value: v.to_string(),
            label: Some(v.to_string()),
            active: *v != "Retired",
            default_value: false,
        })
        .collect();
    SObjectDescribe {
        name: "Opportunity".into(),
        label: "Opportunity".into(),
        createable: true,
        updateable: true,
        queryable: true,
        deletable: true,
        custom: false,
        fields: vec![
            stage,
            field("Amount", "currency", 18, 2),
            field("CloseDate", "date", 0, 0),
        ],
    }
}

fn change() -> OpportunityChange {
    OpportunityChange {
        opportunity_id: "006000000000001AAA".into(),
        ..OpportunityChange::default()
    }
}

#[test]
fn a_valid_change_becomes_the_patch_body() {
    let body = validate(
        &opportunity(),
        &OpportunityChange {
            stage_name: Some("Closed Won".into()),
            amount: Some(12500.5),
            close_date: Some("2026-12-31".into()),
            ..change()
        },
    )
    .unwrap();
    assert_eq!(
        body,
        json!({"StageName": "Closed Won", "Amount": 12500.5, "CloseDate": "2026-12-31"})
    );
}

#[test]
fn refuses_what_describe_refuses_naming_the_field() {
    let d = opportunity();
    let cases = [
        (
            OpportunityChange {
                stage_name: Some("Retired".into()),
                ..change()
            },
            "StageName",
        ),
        (
            OpportunityChange {
                stage_name: Some("Won-ish".into()),
                ..change()
            },
            "StageName",
        ),
        (
            OpportunityChange {
                amount: Some(1.005),
                ..change()
            },
            "Amount",
        ),
        (
            OpportunityChange {
                amount: Some(1e17),
                ..change()
            },
            "Amount",
        ),
        (
            OpportunityChange {
                close_date: Some("31/12/2026".into()),
                ..change()
            },
            "CloseDate",
        ),
        (
            OpportunityChange {
                close_date: Some("2026-02-30".into()),
                ..change()
            },
            "CloseDate",
        ),
    ];
    for (c, f) in cases {
        let e = validate(&d, &c).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert_eq!(
            e.details.unwrap().fields,
            vec![f.to_string()],
            "{}",
            e.message
        );
    }
    assert!(validate(&d, &change()).is_err(), "an empty change");
}

#[test]
fn opportunities_read_their_currency_only_where_the_org_has_one() {
    use super::linked::{opportunity_fields, read_opportunity};
    let single = opportunity();
    assert!(!opportunity_fields(Some(&single)).contains(&"CurrencyIsoCode"));
    assert!(!opportunity_fields(None).contains(&"CurrencyIsoCode"));
    let mut multi = opportunity();
    multi
        .fields
        .push(field("CurrencyIsoCode", "picklist", 0, 0));
    assert!(opportunity_fields(Some(&multi)).contains(&"CurrencyIsoCode"));

    let record = |v: serde_json::Value| serde_json::from_value(v).unwrap();
    let eur = read_opportunity(&record(
        json!({"Id": "006000000000001AAA", "Amount": 12500.5, "CurrencyIsoCode": "EUR"}),
    ));
    assert_eq!(eur.amount, Some(12500.5));
    assert_eq!(eur.currency_iso_code.as_deref(), Some("EUR"));
    let none = read_opportunity(&record(json!({"Id": "006000000000001AAA", "Amount": 10.0})));
    assert_eq!(none.currency_iso_code, None);
}
