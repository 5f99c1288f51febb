//! Query: paging with batchSize, relationship fields, COUNT(), errors, limits on size.

mod common;

use common::{error_code, harness, V};
use leadbridge_demo_org::KNOWN_CONTACT_EMAIL;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn pages_follow_next_records_url_with_batch_size() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    // 80 seeded Leads plus 450 more make 530 rows: 200 + 200 + 130.
    for chunk in 0..3 {
        let records: Vec<Value> = (0..150)
            .map(|i| json!({"attributes": {"type": "Lead"}, "LastName": format!("Page{chunk}-{i}"), "Company": "Paging"}))
            .collect();
        let (s, _) = h
            .send(
                &token,
                Method::POST,
                "/composite/sobjects",
                Some(json!({"allOrNone": true, "records": records})),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
    }
    let fetch = |url: String| {
        let h = &h;
        let token = token.clone();
        async move {
            let r = h
                .http
                .get(url)
                .bearer_auth(&token)
                .header("Sforce-Query-Options", "batchSize=200")
                .send()
                .await
                .expect("page");
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<Value>().await.expect("json")
        }
    };
    let first = fetch(format!(
        "{}?q=SELECT+Id,Name+FROM+Lead+ORDER+BY+Id",
        h.data("/query")
    ))
    .await;
    assert_eq!(first["totalSize"], 530);
    assert_eq!(first["done"], false);
    assert_eq!(first["records"].as_array().map(Vec::len), Some(200));
    let next = first["nextRecordsUrl"]
        .as_str()
        .expect("next url")
        .to_string();
    assert!(
        next.starts_with(&format!("/services/data/{V}/query/01g")) && next.ends_with("-200"),
        "{next}"
    );
    let second = fetch(h.url(&next)).await;
    assert_eq!(second["records"].as_array().map(Vec::len), Some(200));
    let third = fetch(h.url(second["nextRecordsUrl"].as_str().expect("next"))).await;
    assert_eq!(third["done"], true);
    assert_eq!(third["records"].as_array().map(Vec::len), Some(130));
    assert!(third.get("nextRecordsUrl").is_none());
    let ids: Vec<&str> = [&first, &second, &third]
        .iter()
        .flat_map(|p| p["records"].as_array().into_iter().flatten())
        .filter_map(|r| r["Id"].as_str())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), 530, "no row repeated or lost across pages");

    let (s, _, e) = h.get(&token, "/query/01gDm0000000zzzAAA-200").await;
    assert_eq!(
        (s, error_code(&e)),
        (StatusCode::BAD_REQUEST, "INVALID_QUERY_LOCATOR")
    );
}

#[tokio::test]
async fn relationship_fields_count_and_escapes() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let escaped = KNOWN_CONTACT_EMAIL.replace('\'', "\\'").to_uppercase();
    let (s, r) = h.query(&token, &format!("SELECT Id, Name, Owner.Name, Account.Name, Account.Owner.Email FROM Contact WHERE Email = '{escaped}'")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(r["totalSize"], 1);
    let rec = &r["records"][0];
    assert_eq!(rec["attributes"]["type"], "Contact");
    assert_eq!(rec["Account"]["Name"], "Harborlight Analytics");
    assert_eq!(rec["Account"]["attributes"]["type"], "Account");
    assert!(rec["Account"]["Owner"]["Email"]
        .as_str()
        .is_some_and(|e| e.ends_with("@demo-org.example")));
    assert!(rec["Owner"]["Name"].is_string());

    let (_, c) = h.query(&token, "SELECT COUNT() FROM Lead WHERE LeadSource IN ('Web', 'Website Chat') OR Lead_Score__c > 90").await;
    assert!(c["totalSize"].as_u64().is_some_and(|n| n > 0));
    assert_eq!(c["records"], json!([]));

    let (_, n) = h
        .query(
            &token,
            "SELECT Id, SDR__r.Name FROM Account WHERE SDR__c = null",
        )
        .await;
    assert!(n["records"]
        .as_array()
        .is_some_and(|r| !r.is_empty() && r.iter().all(|a| a["SDR__r"].is_null())));

    let (_, o) = h
        .query(
            &token,
            "SELECT Name FROM Account ORDER BY Name ASC LIMIT 3 OFFSET 1",
        )
        .await;
    assert_eq!(o["records"].as_array().map(Vec::len), Some(3));
    let (_, recent) = h
        .query(
            &token,
            "SELECT Id FROM Lead WHERE CreatedDate = LAST_N_DAYS:3 AND (NOT Email LIKE '%twin%')",
        )
        .await;
    assert!(recent["totalSize"].as_u64().is_some_and(|n| n >= 1));
}

#[tokio::test]
async fn query_errors_carry_position_and_code() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let (s, e) = h.query(&token, "SELECT Id FRM Lead").await;
    assert_eq!(
        (s, error_code(&e)),
        (StatusCode::BAD_REQUEST, "MALFORMED_QUERY")
    );
    assert!(
        e[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("ERROR at Row:1:Column:11\nunexpected token: 'FRM'")),
        "{e}"
    );
    let (_, e) = h.query(&token, "SELECT Emial FROM Lead").await;
    assert_eq!(error_code(&e), "INVALID_FIELD");
    assert!(e[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("No such column 'Emial' on entity 'Lead'")));
    let (_, e) = h.query(&token, "SELECT Id FROM Leed").await;
    assert_eq!(error_code(&e), "INVALID_TYPE");
    let (_, e) = h
        .query(&token, "SELECT Id FROM Lead WHERE Email = 'unterminated")
        .await;
    assert_eq!(error_code(&e), "MALFORMED_QUERY");
    let (_, _, e) = h.get(&token, "/query").await;
    assert_eq!(error_code(&e), "MALFORMED_QUERY");
}

#[tokio::test]
async fn request_uri_and_statement_length_limits() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let long = format!(
        "SELECT Id FROM Lead WHERE Company = '{}'",
        "x".repeat(17_000)
    );
    let r = h
        .http
        .get(h.data("/query"))
        .query(&[("q", &long)])
        .bearer_auth(&token)
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), StatusCode::URI_TOO_LONG);
    let ok = format!(
        "SELECT Id FROM Lead WHERE Company = '{}'",
        "x".repeat(15_000)
    );
    let r = h
        .http
        .get(h.data("/query"))
        .query(&[("q", &ok)])
        .bearer_auth(&token)
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), StatusCode::OK, "just under the limit is served");
}
