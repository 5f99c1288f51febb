//! REST resources: versions, describe, sObject CRUD and upsert, validation errors, headers.

mod common;

use common::{error_code, harness, V};
use leadbridge_demo_org::{DUPLICATE_LEAD_EMAIL, KNOWN_CONTACT_EMAIL, KNOWN_LEAD_EMAIL};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn versions_are_public_and_retired_ones_are_gone() {
    let h = harness(true).await;
    let resp = h
        .http
        .get(h.url("/services/data"))
        .send()
        .await
        .expect("versions");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        !resp.headers().contains_key("sforce-limit-info"),
        "not on /services/data"
    );
    let list: Value = resp.json().await.expect("json");
    let versions: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|v| v["version"].as_str())
        .collect();
    assert_eq!(versions.first(), Some(&"59.0"));
    assert_eq!(versions.last(), Some(&"66.0"));
    assert_eq!(list[0]["url"], "/services/data/v59.0");

    let token = h.cc_token().await;
    let r = h
        .http
        .get(h.url("/services/data/v29.0/sobjects"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), StatusCode::GONE);
    let r = h
        .http
        .get(h.url("/services/data/v31.0/sobjects"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), StatusCode::OK);
    let (s, headers, _) = h.get(&token, "/limits").await;
    assert_eq!(s, StatusCode::OK);
    let info = headers["sforce-limit-info"].to_str().expect("ascii");
    assert!(
        info.starts_with("api-usage=") && info.ends_with("/15000"),
        "{info}"
    );
}

#[tokio::test]
async fn describe_reports_field_metadata() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let (s, _, d) = h.get(&token, "/sobjects/Lead/describe").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d["name"], "Lead");
    assert_eq!(d["keyPrefix"], "00Q");
    assert_eq!(d["createable"], true);
    let field = |n: &str| {
        d["fields"]
            .as_array()
            .and_then(|f| f.iter().find(|x| x["name"] == n))
            .cloned()
            .expect(n)
    };
    let email = field("Email");
    assert_eq!(email["idLookup"], true);
    assert_eq!(email["type"], "email");
    assert_eq!(email["externalId"], false);
    let score = field("Lead_Score__c");
    assert_eq!(
        (
            score["type"].clone(),
            score["precision"].clone(),
            score["scale"].clone(),
            score["custom"].clone()
        ),
        (json!("double"), json!(18), json!(0), json!(true))
    );
    assert_eq!(field("Intent__c")["length"], 255);
    let last = field("LastName");
    assert_eq!(
        (last["nillable"].clone(), last["createable"].clone()),
        (json!(false), json!(true))
    );
    let status = field("Status");
    assert_eq!(status["defaultedOnCreate"], true);
    assert!(status["picklistValues"].as_array().is_some_and(|p| p
        .iter()
        .any(|v| v["value"] == "Open - Not Contacted" && v["defaultValue"] == true)));
    assert_eq!(field("OwnerId")["referenceTo"], json!(["Group", "User"]));
    assert_eq!(field("CreatedDate")["createable"], false);

    let (_, _, acc) = h.get(&token, "/sobjects/Account/describe").await;
    let sdr = acc["fields"]
        .as_array()
        .and_then(|f| f.iter().find(|x| x["name"] == "SDR__c"))
        .cloned()
        .expect("SDR__c");
    assert_eq!(
        (sdr["referenceTo"].clone(), sdr["relationshipName"].clone()),
        (json!(["User"]), json!("SDR__r"))
    );
    let (_, _, opp) = h.get(&token, "/sobjects/Opportunity/describe").await;
    let stage = opp["fields"]
        .as_array()
        .and_then(|f| f.iter().find(|x| x["name"] == "StageName"))
        .cloned()
        .expect("stage");
    assert!(stage["picklistValues"]
        .as_array()
        .is_some_and(|p| p.iter().any(|v| v["value"] == "Qualification")));

    let (s, _, global) = h.get(&token, "/sobjects").await;
    assert_eq!(s, StatusCode::OK);
    let names: Vec<&str> = global["sobjects"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|o| o["name"].as_str())
        .collect();
    for n in [
        "Account",
        "Campaign",
        "CampaignMember",
        "Contact",
        "Lead",
        "Opportunity",
        "OpportunityContactRole",
        "Task",
        "User",
    ] {
        assert!(names.contains(&n), "{n} in describeGlobal");
    }
    let (s, _, e) = h.get(&token, "/sobjects/Nope__c/describe").await;
    assert_eq!((s, error_code(&e)), (StatusCode::NOT_FOUND, "NOT_FOUND"));
}

#[tokio::test]
async fn crud_round_trip_with_system_fields() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let (s, created) = h
        .send(&token, Method::POST, "/sobjects/Lead", Some(json!({"LastName": "Okoro", "Company": "Acme", "Email": "ada@acme.example", "Lead_Score__c": 87.6})))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(
        (created["success"].clone(), created["errors"].clone()),
        (json!(true), json!([]))
    );
    let id = created["id"].as_str().expect("id").to_string();
    assert!(id.starts_with("00Q") && id.len() == 18);

    let (s, _, rec) = h.get(&token, &format!("/sobjects/Lead/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(rec["attributes"]["type"], "Lead");
    assert_eq!(
        rec["attributes"]["url"],
        format!("/services/data/{V}/sobjects/Lead/{id}")
    );
    assert_eq!(
        rec["Status"], "Open - Not Contacted",
        "picklist default applied"
    );
    assert_eq!(rec["Lead_Score__c"], 88.0, "rounded to scale 0");
    assert_eq!(rec["Name"], "Okoro");
    for f in [
        "CreatedDate",
        "LastModifiedDate",
        "SystemModstamp",
        "CreatedById",
        "OwnerId",
    ] {
        assert!(rec[f].is_string(), "{f} maintained");
    }
    let (_, _, some) = h
        .get(&token, &format!("/sobjects/Lead/{id}?fields=Email,Company"))
        .await;
    assert_eq!(
        some.as_object().map(|o| o.len()),
        Some(4),
        "attributes, Id and the two fields: {some}"
    );

    let (s, _) = h
        .send(
            &token,
            Method::PATCH,
            &format!("/sobjects/Lead/{id}"),
            Some(json!({"Title": "CTO"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, _, rec2) = h.get(&token, &format!("/sobjects/Lead/{id}")).await;
    assert_eq!(rec2["Title"], "CTO");

    let (s, _) = h
        .send(
            &token,
            Method::DELETE,
            &format!("/sobjects/Lead/{id}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _, gone) = h.get(&token, &format!("/sobjects/Lead/{id}")).await;
    assert_eq!(
        (s, error_code(&gone)),
        (StatusCode::NOT_FOUND, "ENTITY_IS_DELETED")
    );
    let (_, all) = h
        .query(&token, &format!("SELECT Id FROM Lead WHERE Id = '{id}'"))
        .await;
    assert_eq!(all["totalSize"], 0);
    let r = h
        .http
        .get(h.data("/queryAll"))
        .query(&[(
            "q",
            format!("SELECT Id, IsDeleted FROM Lead WHERE Id = '{id}'"),
        )])
        .bearer_auth(&token)
        .send()
        .await
        .expect("queryAll");
    let all: Value = r.json().await.expect("json");
    assert_eq!(all["records"][0]["IsDeleted"], true);
}

#[tokio::test]
async fn writes_are_validated_with_salesforce_error_codes() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let post = |body: Value| h.send(&token, Method::POST, "/sobjects/Lead", Some(body));

    let (s, e) = post(json!({"FirstName": "X"})).await;
    assert_eq!(
        (s, error_code(&e)),
        (StatusCode::BAD_REQUEST, "REQUIRED_FIELD_MISSING")
    );
    assert_eq!(
        e[0]["message"],
        "Required fields are missing: [LastName, Company]"
    );
    assert_eq!(e[0]["fields"], json!(["LastName", "Company"]));

    let (_, e) = post(json!({"LastName": "x".repeat(81), "Company": "A"})).await;
    assert_eq!(error_code(&e), "STRING_TOO_LONG");
    assert_eq!(e[0]["fields"], json!(["LastName"]));

    let (_, e) = post(json!({"LastName": "A", "Company": "A", "Bogus__c": 1})).await;
    assert_eq!(error_code(&e), "INVALID_FIELD");
    assert_eq!(
        e[0]["message"],
        "No such column 'Bogus__c' on sobject of type Lead"
    );

    let (_, e) =
        post(json!({"LastName": "A", "Company": "A", "CreatedDate": "2024-01-01T00:00:00Z"})).await;
    assert_eq!(error_code(&e), "INVALID_FIELD_FOR_INSERT_UPDATE");

    let (_, e) = post(json!({"LastName": "A", "Company": "A", "NumberOfEmployees": "lots"})).await;
    assert_eq!(error_code(&e), "JSON_PARSER_ERROR");

    let (_, e) = post(json!({"LastName": "A", "Company": "A", "OwnerId": "not-an-id"})).await;
    assert_eq!(error_code(&e), "MALFORMED_ID");
    assert_eq!(e[0]["fields"], json!(["OwnerId"]));

    let (_, e) = post(json!({"LastName": "A", "Company": "A", "Email": "nope"})).await;
    assert_eq!(error_code(&e), "INVALID_EMAIL_ADDRESS");

    let (s, e) = h
        .send(
            &token,
            Method::POST,
            "/sobjects/Opportunity",
            Some(json!({"Amount": 5})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(e[0]["fields"], json!(["Name", "StageName", "CloseDate"]));

    let r = h
        .http
        .post(h.data("/sobjects/Lead"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{bad")
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: Value = r.json().await.expect("json");
    assert_eq!(error_code(&e), "JSON_PARSER_ERROR");

    let (s, _, e) = h.get(&token, "/sobjects/Lead/00Qxx").await;
    assert_eq!((s, error_code(&e)), (StatusCode::NOT_FOUND, "NOT_FOUND"));

    let (s, _, e) = h.get("garbage-token", "/sobjects/Lead").await;
    assert_eq!(
        (s, error_code(&e)),
        (StatusCode::UNAUTHORIZED, "INVALID_SESSION_ID")
    );
}

#[tokio::test]
async fn inactive_owner_and_campaign_membership_rules() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let (_, users) = h
        .query(&token, "SELECT Id FROM User WHERE IsActive = false")
        .await;
    let inactive = users["records"][0]["Id"]
        .as_str()
        .expect("an inactive user")
        .to_string();
    let (_, e) = h
        .send(
            &token,
            Method::POST,
            "/sobjects/Contact",
            Some(json!({"LastName": "A", "OwnerId": inactive})),
        )
        .await;
    assert_eq!(error_code(&e), "INACTIVE_OWNER_OR_USER");

    let (_, c) = h
        .query(
            &token,
            "SELECT Id FROM Campaign WHERE Name = 'Website Chat Leads'",
        )
        .await;
    let campaign = c["records"][0]["Id"]
        .as_str()
        .expect("campaign")
        .to_string();
    let (_, l) = h
        .query(
            &token,
            &format!("SELECT Id FROM Lead WHERE Email = '{KNOWN_LEAD_EMAIL}'"),
        )
        .await;
    let lead = l["records"][0]["Id"]
        .as_str()
        .expect("known lead")
        .to_string();
    let member = json!({"CampaignId": campaign, "LeadId": lead, "Status": "Responded"});
    let (s, _) = h
        .send(
            &token,
            Method::POST,
            "/sobjects/CampaignMember",
            Some(member.clone()),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, e) = h
        .send(
            &token,
            Method::POST,
            "/sobjects/CampaignMember",
            Some(member),
        )
        .await;
    assert_eq!(
        (s, error_code(&e)),
        (StatusCode::BAD_REQUEST, "DUPLICATE_VALUE")
    );
}

#[tokio::test]
async fn upsert_by_email_creates_updates_or_reports_ambiguity() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let path = |email: &str| {
        format!(
            "/sobjects/Lead/Email/{}",
            url::form_urlencoded::byte_serialize(email.as_bytes()).collect::<String>()
        )
    };
    let (s, body) = h
        .send(
            &token,
            Method::PATCH,
            &path("new.person@upsert.example"),
            Some(json!({"LastName": "New", "Company": "U"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(body["created"], true);
    let (s, body) = h
        .send(
            &token,
            Method::PATCH,
            &path(KNOWN_LEAD_EMAIL),
            Some(json!({"Title": "Founder"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["created"], false);
    let (s, body) = h
        .send(
            &token,
            Method::PATCH,
            &path(DUPLICATE_LEAD_EMAIL),
            Some(json!({"Title": "x"})),
        )
        .await;
    assert_eq!(s, StatusCode::MULTIPLE_CHOICES);
    assert_eq!(body.as_array().map(Vec::len), Some(2));
    let (s, _) = h
        .send(
            &token,
            Method::PATCH,
            &(path("nobody@x.example") + "?updateOnly=true"),
            Some(json!({"Title": "x"})),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, e) = h
        .send(
            &token,
            Method::PATCH,
            "/sobjects/Lead/Company/Acme",
            Some(json!({"Title": "x"})),
        )
        .await;
    assert_eq!((s, error_code(&e)), (StatusCode::NOT_FOUND, "NOT_FOUND"));
    // The apostrophe email of the known Contact works as a key too.
    let (s, _, rec) = h
        .get(
            &token,
            &path(KNOWN_CONTACT_EMAIL).replace("/Lead/", "/Contact/"),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(rec["LastName"], "O'Brien");
}

#[tokio::test]
async fn auto_assign_header_controls_the_lead_assignment_rule() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let (_, intake) = h
        .query(
            &token,
            "SELECT Id FROM User WHERE Username = 'lead.intake@demo-org.example'",
        )
        .await;
    let intake = intake["records"][0]["Id"]
        .as_str()
        .expect("intake user")
        .to_string();
    let (_, rep) = h
        .query(
            &token,
            "SELECT Id FROM User WHERE Title = 'Account Executive' AND IsActive = true LIMIT 1",
        )
        .await;
    let rep = rep["records"][0]["Id"].as_str().expect("a rep").to_string();
    let owner_of = |id: String| {
        let h = &h;
        let token = token.clone();
        async move {
            h.get(&token, &format!("/sobjects/Lead/{id}?fields=OwnerId"))
                .await
                .2["OwnerId"]
                .as_str()
                .unwrap_or("")
                .to_string()
        }
    };

    let body = json!({"LastName": "R", "Company": "C", "OwnerId": rep});
    let (_, created) = h
        .send(&token, Method::POST, "/sobjects/Lead", Some(body.clone()))
        .await;
    let id = created["id"].as_str().expect("id").to_string();
    assert_eq!(
        owner_of(id.clone()).await,
        intake,
        "the rule overrides OwnerId by default"
    );

    let r = h
        .http
        .post(h.data("/sobjects/Lead"))
        .bearer_auth(&token)
        .header("Sforce-Auto-Assign", "FALSE")
        .json(&body)
        .send()
        .await
        .expect("create");
    let id2 = r.json::<Value>().await.expect("json")["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(owner_of(id2.clone()).await, rep, "FALSE keeps our owner");

    // Updates run the rule too unless the header says FALSE.
    let r = h
        .http
        .patch(h.data(&format!("/sobjects/Lead/{id2}")))
        .bearer_auth(&token)
        .header("Sforce-Auto-Assign", "FALSE")
        .json(&json!({"Title": "A"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(owner_of(id2.clone()).await, rep);
    let (s, _) = h
        .send(
            &token,
            Method::PATCH,
            &format!("/sobjects/Lead/{id2}"),
            Some(json!({"Title": "B"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(owner_of(id2).await, intake);
}

#[tokio::test]
async fn duplicate_rule_and_opportunity_permission_toggles() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let lead = json!({"LastName": "Dup", "Company": "D", "Email": KNOWN_LEAD_EMAIL.to_uppercase()});
    let (s, _) = h
        .send(&token, Method::POST, "/sobjects/Lead", Some(lead.clone()))
        .await;
    assert_eq!(
        s,
        StatusCode::CREATED,
        "the duplicate rule is off by default"
    );
    h.org.set_lead_duplicate_rule(true);
    let (s, e) = h
        .send(&token, Method::POST, "/sobjects/Lead", Some(lead))
        .await;
    assert_eq!(
        (s, error_code(&e)),
        (StatusCode::BAD_REQUEST, "DUPLICATES_DETECTED")
    );
    assert!(e[0]["duplicateResult"]["matchResults"][0]["matchRecords"]
        .as_array()
        .is_some_and(|m| m.len() == 2));

    let user = h
        .org
        .set_opportunity_edit("integration.user@demo-org.example", false)
        .expect("user exists");
    assert!(user.starts_with("005"));
    let (_, _, d) = h.get(&token, "/sobjects/Opportunity/describe").await;
    assert_eq!(d["updateable"], false);
    let (_, opp) = h.query(&token, "SELECT Id FROM Opportunity LIMIT 1").await;
    let id = opp["records"][0]["Id"]
        .as_str()
        .expect("opportunity")
        .to_string();
    let (s, e) = h
        .send(
            &token,
            Method::PATCH,
            &format!("/sobjects/Opportunity/{id}"),
            Some(json!({"StageName": "Closed Won"})),
        )
        .await;
    assert_eq!(
        (s, error_code(&e)),
        (StatusCode::FORBIDDEN, "INSUFFICIENT_ACCESS_OR_READONLY")
    );
    h.org
        .set_opportunity_edit(&user, true)
        .expect("user exists");
    let (s, _) = h
        .send(
            &token,
            Method::PATCH,
            &format!("/sobjects/Opportunity/{id}"),
            Some(json!({"StageName": "Closed Won"})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, _, rec) = h.get(&token, &format!("/sobjects/Opportunity/{id}")).await;
    assert_eq!(
        (rec["IsWon"].clone(), rec["IsClosed"].clone()),
        (json!(true), json!(true))
    );
}
