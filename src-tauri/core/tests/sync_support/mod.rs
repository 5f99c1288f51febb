//! What the sync tests share on top of `common::Env` (the demo org, store and keyring):
//! contacts imported through the real importer, a client on a client-credentials profile,
//! short retry delays, and queries of what the org now holds.

#![allow(dead_code)]

use std::time::Duration;

use leadbridge_core::contacts;
use leadbridge_core::mapping::{MappingDocument, MappingStore};
use leadbridge_core::salesforce::query::{QueryOptions, Record};
use leadbridge_core::salesforce::SalesforceClient;
use leadbridge_core::soql::{quote, Condition, Select};
use leadbridge_core::sync::{ExecuteOptions, RetryPolicy};
use serde_json::{json, Value};

use crate::common::Env;

/// The demo org, connected by client credentials, and a client on it.
pub async fn connected() -> (Env, SalesforceClient) {
    let env = Env::new(true).await;
    env.connect_cc("sync").await;
    let client = SalesforceClient::open(&env.store, &env.vault, None).expect("client");
    (env, client)
}

/// A seed-000 `lead.qualified` event; `extra` fields go into `lead`.
pub fn event(email: &str, score: u32, extra: Value) -> Value {
    let local = email.split('@').next().unwrap_or("x");
    let mut lead = json!({
        "email": email,
        "firstName": "Visitor",
        "lastName": local.replace(['.', '\''], " "),
        "company": "Prospect Co",
        "qualificationScore": score,
        "intent": "pricing",
        "source": "Website Chat",
        "conversationUrl": format!("https://app.hoverbot.ai/conversations/{}", local.replace('\'', "")),
    });
    for (k, v) in extra.as_object().expect("object") {
        lead[k] = v.clone();
    }
    json!({"event": "lead.qualified", "timestamp": "2026-04-05T14:30:00Z", "lead": lead})
}

/// Imports events into the inbox; every one must be accepted.
pub fn import(env: &Env, events: &[Value]) {
    let bytes = serde_json::to_vec(events).expect("json");
    let report = contacts::import_bytes(&env.store, &bytes).expect("import");
    assert_eq!(report.rejected, 0, "{:?}", report.errors);
}

/// `n` distinct new contacts `visitor{i}@{domain}`.
pub fn many(n: usize, domain: &str) -> Vec<Value> {
    (0..n)
        .map(|i| event(&format!("visitor{i:05}@{domain}"), 50, json!({})))
        .collect()
}

pub fn save_doc(env: &Env, doc: &MappingDocument) {
    MappingStore::new(&env.store)
        .save(doc, Some("test"))
        .expect("mapping saves");
}

/// Retries after 10, 20 and 40 ms.
pub fn fast() -> ExecuteOptions {
    ExecuteOptions {
        retry: RetryPolicy::parse_ms("10,20,40").expect("policy"),
        ..ExecuteOptions::default()
    }
}

/// Records of `object` whose Email is `email` (case-insensitively, as SOQL compares).
pub async fn with_email(client: &SalesforceClient, object: &str, email: &str) -> Vec<Record> {
    let fields: &[&str] = match object {
        "Lead" => &[
            "Id",
            "Email",
            "OwnerId",
            "Lead_Score__c",
            "Description",
            "FirstName",
            "LastName",
            "Company",
            "IsConverted",
        ],
        _ => &[
            "Id",
            "Email",
            "OwnerId",
            "Phone",
            "FirstName",
            "LastName",
            "AccountId",
        ],
    };
    let soql = Select::new(object, fields)
        .filter(Condition::eq("Email", email))
        .build()
        .expect("soql");
    query(client, &soql).await
}

/// Any SOQL (built by the test with `quote` for literals).
pub async fn query(client: &SalesforceClient, soql: &str) -> Vec<Record> {
    client
        .query_all_pages::<Record>(soql, QueryOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{soql}: {e}"))
        .records
}

/// The Id of the seeded Campaign.
pub async fn campaign_id(client: &SalesforceClient) -> String {
    let rows = query(
        client,
        &format!(
            "SELECT Id FROM Campaign WHERE Name = {}",
            quote(leadbridge_demo_org::CAMPAIGN_NAME)
        ),
    )
    .await;
    rows[0]["Id"].as_str().expect("campaign id").to_string()
}

pub fn s<'r>(record: &'r Record, field: &str) -> Option<&'r str> {
    record.get(field).and_then(Value::as_str)
}

/// Long enough for the demo org to finish a call the client gave up on.
pub async fn settle() {
    tokio::time::sleep(Duration::from_millis(50)).await;
}
