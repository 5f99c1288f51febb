//! sObject Collections and Composite: limits, per-record results, references, allOrNone.

mod common;

use common::{error_code, harness, V};
use leadbridge_demo_org::{PathKind, KNOWN_LEAD_EMAIL};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn lead(name: &str) -> Value {
    json!({"attributes": {"type": "Lead"}, "LastName": name, "Company": "Coll"})
}

#[tokio::test]
async fn collections_return_per_record_results_in_order() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let records = vec![
        lead("A"),
        json!({"attributes": {"type": "Lead"}, "LastName": "NoCompany"}),
        lead("C"),
    ];
    let (s, r) = h
        .send(
            &token,
            Method::POST,
            "/composite/sobjects",
            Some(json!({"allOrNone": false, "records": records})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let r = r.as_array().expect("array of results").clone();
    assert_eq!(r.len(), 3);
    assert_eq!(r[0]["success"], true);
    assert!(r[0]["id"].as_str().is_some_and(|id| id.starts_with("00Q")));
    assert_eq!(r[1]["success"], false);
    assert_eq!(r[1]["errors"][0]["statusCode"], "REQUIRED_FIELD_MISSING");
    assert_eq!(r[1]["errors"][0]["fields"], json!(["Company"]));
    assert_eq!(r[2]["success"], true);

    // allOrNone: one failure rolls everything back.
    let (_, before) = h.query(&token, "SELECT COUNT() FROM Lead").await;
    let records = vec![
        lead("X"),
        json!({"attributes": {"type": "Lead"}, "LastName": "Bad"}),
        lead("Z"),
    ];
    let (_, r) = h
        .send(
            &token,
            Method::POST,
            "/composite/sobjects",
            Some(json!({"allOrNone": true, "records": records})),
        )
        .await;
    assert_eq!(
        r[0]["errors"][0]["statusCode"],
        "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    );
    assert_eq!(r[1]["errors"][0]["statusCode"], "REQUIRED_FIELD_MISSING");
    assert_eq!(
        r[2]["errors"][0]["statusCode"],
        "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    );
    let (_, after) = h.query(&token, "SELECT COUNT() FROM Lead").await;
    assert_eq!(before["totalSize"], after["totalSize"]);

    // Updates need Id; a bad Id is per record.
    let id = r[0]["id"].clone();
    let _ = id;
    let (_, l) = h
        .query(
            &token,
            &format!("SELECT Id FROM Lead WHERE Email = '{KNOWN_LEAD_EMAIL}'"),
        )
        .await;
    let known = l["records"][0]["Id"].as_str().expect("known").to_string();
    let updates = vec![
        json!({"attributes": {"type": "Lead"}, "Id": known, "Title": "Updated"}),
        json!({"attributes": {"type": "Lead"}, "Id": "00Qbogus", "Title": "x"}),
        json!({"attributes": {"type": "Lead"}, "Title": "x"}),
        json!({"Title": "no type"}),
    ];
    let (s, r) = h
        .send(
            &token,
            Method::PATCH,
            "/composite/sobjects",
            Some(json!({"records": updates})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r[0]["success"], true);
    assert_eq!(r[1]["errors"][0]["statusCode"], "MALFORMED_ID");
    assert_eq!(r[2]["errors"][0]["statusCode"], "MISSING_ARGUMENT");
    assert_eq!(r[3]["errors"][0]["statusCode"], "INVALID_TYPE");

    let (_, _, got) = h
        .get(
            &token,
            &format!("/composite/sobjects/Lead?ids={known}&fields=Title"),
        )
        .await;
    assert_eq!(got[0]["Title"], "Updated");
}

#[tokio::test]
async fn collections_refuse_more_than_200_records() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let records: Vec<Value> = (0..201).map(|i| lead(&format!("L{i}"))).collect();
    let (s, e) = h
        .send(
            &token,
            Method::POST,
            "/composite/sobjects",
            Some(json!({"records": records})),
        )
        .await;
    assert_eq!(
        (s, error_code(&e)),
        (StatusCode::BAD_REQUEST, "EXCEEDED_ID_LIMIT")
    );
    let records: Vec<Value> = (0..200).map(|i| lead(&format!("L{i}"))).collect();
    let (s, r) = h
        .send(
            &token,
            Method::POST,
            "/composite/sobjects",
            Some(json!({"records": records})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r.as_array().map(Vec::len), Some(200));
    // An unknown field fails the whole request, as deserialization does.
    let (s, e) = h
        .send(
            &token,
            Method::POST,
            "/composite/sobjects",
            Some(json!({"records": [{"attributes": {"type": "Lead"}, "Nope": 1}]})),
        )
        .await;
    assert_eq!(
        (s, error_code(&e)),
        (StatusCode::BAD_REQUEST, "INVALID_FIELD")
    );
}

#[tokio::test]
async fn composite_resolves_references_and_counts_one_api_call() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let before = h.org.api_calls().total;
    let req = json!({
        "allOrNone": false,
        "compositeRequest": [
            {"method": "GET", "url": format!("/services/data/{V}/query?q=SELECT+Id,Name+FROM+Campaign+WHERE+Name='Website+Chat+Leads'"), "referenceId": "camp"},
            {"method": "POST", "url": format!("/services/data/{V}/sobjects/Lead"), "referenceId": "newLead",
             "body": {"LastName": "Ref", "Company": "Comp", "Description": "for @{camp.records[0].Name}"},
             "httpHeaders": {"Sforce-Auto-Assign": "FALSE"}},
            {"method": "POST", "url": format!("/services/data/{V}/sobjects/CampaignMember"), "referenceId": "member",
             "body": {"CampaignId": "@{camp.records[0].Id}", "LeadId": "@{newLead.id}"}},
            {"method": "GET", "url": format!("/services/data/{V}/sobjects/Lead/@{{newLead.id}}?fields=Description,OwnerId"), "referenceId": "readBack"}
        ]
    });
    let (s, r) = h.send(&token, Method::POST, "/composite", Some(req)).await;
    assert_eq!(s, StatusCode::OK);
    let items = r["compositeResponse"]
        .as_array()
        .expect("compositeResponse")
        .clone();
    assert_eq!(items.len(), 4);
    assert_eq!(items[0]["httpStatusCode"], 200);
    assert_eq!(items[1]["httpStatusCode"], 201);
    assert!(items[1]["httpHeaders"]["Location"]
        .as_str()
        .is_some_and(|l| l.contains("/sobjects/Lead/00Q")));
    assert_eq!(items[2]["httpStatusCode"], 201, "{}", items[2]);
    assert_eq!(items[3]["body"]["Description"], "for Website Chat Leads");
    assert_eq!(items[3]["referenceId"], "readBack");
    assert_eq!(
        h.org.api_calls().total,
        before + 1,
        "one API call for the whole request"
    );
    assert_eq!(
        h.org.api_calls().by_kind.get(&PathKind::Composite),
        Some(&1)
    );
}

#[tokio::test]
async fn composite_all_or_none_and_dependent_failures() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let sub = |rid: &str, body: Value| json!({"method": "POST", "url": format!("/services/data/{V}/sobjects/Lead"), "referenceId": rid, "body": body});
    let req = json!({"allOrNone": true, "compositeRequest": [
        sub("ok1", json!({"LastName": "Fine", "Company": "AON-Probe"})),
        sub("bad", json!({"LastName": "NoCompany"})),
        sub("after", json!({"LastName": "Later", "Company": "AON-Probe"})),
    ]});
    let (_, r) = h.send(&token, Method::POST, "/composite", Some(req)).await;
    let items = r["compositeResponse"].as_array().expect("items").clone();
    assert_eq!(items[0]["httpStatusCode"], 400);
    assert_eq!(items[0]["body"][0]["errorCode"], "PROCESSING_HALTED");
    assert_eq!(items[1]["body"][0]["errorCode"], "REQUIRED_FIELD_MISSING");
    assert_eq!(items[2]["body"][0]["errorCode"], "PROCESSING_HALTED");
    let (_, c) = h
        .query(
            &token,
            "SELECT COUNT() FROM Lead WHERE Company = 'AON-Probe'",
        )
        .await;
    assert_eq!(c["totalSize"], 0, "rolled back");

    let req = json!({"allOrNone": false, "compositeRequest": [
        sub("bad", json!({"LastName": "NoCompany"})),
        {"method": "GET", "url": format!("/services/data/{V}/sobjects/Lead/@{{bad.id}}"), "referenceId": "dependent"},
        sub("independent", json!({"LastName": "Own", "Company": "AON-Probe"})),
    ]});
    let (_, r) = h.send(&token, Method::POST, "/composite", Some(req)).await;
    let items = r["compositeResponse"].as_array().expect("items").clone();
    assert_eq!(items[1]["httpStatusCode"], 400);
    assert_eq!(items[1]["body"][0]["errorCode"], "PROCESSING_HALTED");
    assert_eq!(items[2]["httpStatusCode"], 201);
}

#[tokio::test]
async fn composite_limits_and_long_soql_in_a_body() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let get = |i: usize| json!({"method": "GET", "url": format!("/services/data/{V}/limits"), "referenceId": format!("r{i}")});
    let (s, e) = h
        .send(
            &token,
            Method::POST,
            "/composite",
            Some(json!({"compositeRequest": (0..26).map(get).collect::<Vec<_>>()})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&e), "LIMIT_EXCEEDED");
    let (s, _) = h
        .send(
            &token,
            Method::POST,
            "/composite",
            Some(json!({"compositeRequest": (0..25).map(get).collect::<Vec<_>>()})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let q = |i: usize| json!({"method": "GET", "url": format!("/services/data/{V}/query?q=SELECT+Id+FROM+User"), "referenceId": format!("q{i}")});
    let (s, e) = h
        .send(
            &token,
            Method::POST,
            "/composite",
            Some(json!({"compositeRequest": (0..6).map(q).collect::<Vec<_>>()})),
        )
        .await;
    assert_eq!(
        (s, error_code(&e)),
        (StatusCode::BAD_REQUEST, "LIMIT_EXCEEDED")
    );

    // A SOQL statement longer than the URI limit goes in a subrequest; over 100,000 characters
    // it is MALFORMED_QUERY.
    let statement = |n: usize| format!("SELECT Id FROM Lead WHERE Company = '{}'", "y".repeat(n));
    let enc = |s: String| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let req = |soql: String| json!({"compositeRequest": [{"method": "GET", "url": format!("/services/data/{V}/query?q={}", enc(soql)), "referenceId": "long"}]});
    let (_, r) = h
        .send(
            &token,
            Method::POST,
            "/composite",
            Some(req(statement(20_000))),
        )
        .await;
    assert_eq!(r["compositeResponse"][0]["httpStatusCode"], 200);
    let (_, r) = h
        .send(
            &token,
            Method::POST,
            "/composite",
            Some(req(statement(100_001))),
        )
        .await;
    assert_eq!(r["compositeResponse"][0]["httpStatusCode"], 400);
    assert_eq!(
        r["compositeResponse"][0]["body"][0]["errorCode"],
        "MALFORMED_QUERY"
    );
}
