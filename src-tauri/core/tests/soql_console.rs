//! The SOQL console against the demo org: the guard before any call, flattened relationship
//! columns, escaping, paging through nextRecordsUrl with a row cap, the history, and the
//! app's own queries for a contact run as they would be sent.

mod common;

use common::Env;
use leadbridge_core::salesforce::query::{QueryOptions, Record};
use leadbridge_core::salesforce::records::{AutoAssign, NewRecord, WriteOptions};
use leadbridge_core::salesforce::SalesforceClient;
use leadbridge_core::soql::{self, cell, history, run_query};
use leadbridge_core::ErrorCode;
use leadbridge_demo_org::KNOWN_CONTACT_EMAIL;
use serde_json::{json, Value};

async fn connected(profile: &str) -> (Env, SalesforceClient) {
    let env = Env::new(true).await;
    env.connect_web(profile).await;
    let client = SalesforceClient::open(&env.store, &env.vault, None).expect("client");
    (env, client)
}

#[tokio::test]
async fn a_refused_statement_makes_no_call() {
    let (env, client) = connected("guard").await;
    let (client_calls, org_calls, org_log) = (
        client.api_calls(),
        env.org.api_calls().total,
        env.org.calls().len(),
    );
    for text in [
        "DELETE FROM Lead",
        "SELECT Id FROM Lead; DELETE FROM Lead",
        "UPDATE Lead SET Status = 'x'",
        "SELECT Id FROM Lead FOR UPDATE",
        "",
    ] {
        let e = run_query(&client, text, 10).await.unwrap_err();
        assert_eq!(e.code, ErrorCode::SoqlRefused, "{text}: {e:?}");
        assert!(e.message.starts_with("refused at column "), "{}", e.message);
        let e = history::run_and_record(&env.store, &client, text, 10)
            .await
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::SoqlRefused);
    }
    assert_eq!(client.api_calls(), client_calls);
    assert_eq!(env.org.api_calls().total, org_calls);
    assert_eq!(
        env.org.calls().len(),
        org_log,
        "not one request reached the org"
    );
    assert!(
        history::list(&env.store).unwrap().is_empty(),
        "refused statements are not history"
    );
    env.cleanup("guard").await;
}

#[tokio::test]
async fn relationship_columns_and_an_apostrophe_in_a_literal() {
    let (env, client) = connected("rel").await;
    let text = format!(
        "SELECT Id, Email, Account.Name, Account.Owner.Email, ReportsTo.Name FROM Contact WHERE Email = {}",
        soql::quote(KNOWN_CONTACT_EMAIL)
    );
    assert!(text.contains(r"'o\'brien@harborlight.example'"), "{text}");
    let result = run_query(&client, &text, 100).await.unwrap();
    assert_eq!(
        result.columns,
        [
            "Id",
            "Email",
            "Account.Name",
            "Account.Owner.Email",
            "ReportsTo.Name"
        ],
        "parents flattened; the empty ReportsTo lookup still gives its column"
    );
    assert_eq!((result.total_size, result.rows.len()), (1, 1));
    assert!(result.done && result.next_records_url.is_none());
    let row = &result.rows[0];
    assert!(!row.contains_key("attributes"));
    assert!(!row["Account"]
        .as_object()
        .unwrap()
        .contains_key("attributes"));
    assert_eq!(cell(row, "Email"), Some(&json!(KNOWN_CONTACT_EMAIL)));
    assert_eq!(
        cell(row, "Account.Name"),
        Some(&json!("Harborlight Analytics"))
    );
    let owner = cell(row, "Account.Owner.Email")
        .and_then(Value::as_str)
        .unwrap();
    assert!(owner.ends_with("@demo-org.example"), "{owner}");
    assert_eq!(cell(row, "ReportsTo.Name"), Some(&Value::Null));

    // No rows: the select list still names the columns.
    let none = run_query(
        &client,
        "SELECT Id, Owner.Name FROM Lead WHERE Email = 'nobody@nowhere.example'",
        100,
    )
    .await
    .unwrap();
    assert_eq!(none.columns, ["Id", "Owner.Name"]);
    assert_eq!((none.total_size, none.rows.len(), none.done), (0, 0, true));

    // COUNT(): the answer is totalSize, no rows, no columns.
    let count = run_query(&client, "SELECT COUNT() FROM Contact", 100)
        .await
        .unwrap();
    assert!(count.is_count && count.rows.is_empty() && count.columns.is_empty());
    let all = client
        .query_all_pages::<Record>("SELECT Id FROM Contact", QueryOptions::default())
        .await
        .unwrap();
    assert_eq!(count.total_size, all.records.len() as u64);

    // Salesforce's own refusal of a query the guard lets through comes back as its error.
    let e = run_query(&client, "SELECT NoSuchField__c FROM Lead", 10)
        .await
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::Salesforce);
    assert_eq!(
        e.details.unwrap().salesforce_code.as_deref(),
        Some("INVALID_FIELD")
    );
    env.cleanup("rel").await;
}

#[tokio::test]
async fn pages_follow_next_records_url_up_to_the_cap() {
    let (env, client) = connected("pages").await;
    let leads: Vec<NewRecord> = (0..2_300)
        .map(|i| NewRecord {
            sobject: "Lead".into(),
            fields: json!({"LastName": format!("Console {i:04}"), "Company": "Console Paging Co"})
                .as_object()
                .unwrap()
                .clone(),
        })
        .collect();
    let no_assign = WriteOptions {
        auto_assign: AutoAssign::Off,
    };
    for chunk in leads.chunks(200) {
        let saved = client
            .collections_create(chunk, true, &no_assign)
            .await
            .unwrap();
        assert!(saved.iter().all(|r| r.success));
    }
    let text = "SELECT Id, LastName, Owner.Name FROM Lead WHERE Company = 'Console Paging Co' ORDER BY LastName";

    // A cap of one page: one call, and the rest is one nextRecordsUrl away.
    let before = client.api_calls();
    let first = run_query(&client, text, 2_000).await.unwrap();
    assert_eq!(client.api_calls() - before, 1);
    assert_eq!(
        (first.total_size, first.rows.len(), first.pages),
        (2_300, 2_000, 1)
    );
    assert!(!first.done);
    let next = first.next_records_url.clone().expect("a next page");
    let second = soql::next_page(&client, &next, &first.columns)
        .await
        .unwrap();
    assert_eq!(second.columns, first.columns);
    assert_eq!(second.rows.len(), 300);
    assert!(second.done && second.next_records_url.is_none());
    assert_eq!(
        cell(&second.rows[299], "LastName"),
        Some(&json!("Console 2299"))
    );

    // Past 2,000: the second page is fetched, and the whole query is in.
    let before = client.api_calls();
    let both = run_query(&client, text, 2_100).await.unwrap();
    assert_eq!(client.api_calls() - before, 2);
    assert_eq!((both.rows.len(), both.pages, both.done), (2_300, 2, true));
    assert_eq!(
        cell(&both.rows[2_000], "LastName"),
        Some(&json!("Console 2000"))
    );

    // A small cap still keeps the page whole, so nothing fetched is thrown away.
    let small = run_query(&client, text, 10).await.unwrap();
    assert_eq!((small.rows.len(), small.pages), (2_000, 1));
    assert!(small.next_records_url.is_some());

    let e = run_query(&client, text, 0).await.unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    env.cleanup("pages").await;
}

#[tokio::test]
async fn runs_are_kept_in_the_history_with_their_outcome() {
    let (env, client) = connected("hist").await;
    let ok = history::run_and_record(&env.store, &client, "  SELECT Id FROM User ;  ", 10)
        .await
        .unwrap();
    let failed = history::run_and_record(&env.store, &client, "SELECT Nope__c FROM User", 10)
        .await
        .unwrap_err();
    assert_eq!(failed.code, ErrorCode::Salesforce);
    let entries = history::list(&env.store).unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].soql, "SELECT Nope__c FROM User");
    assert_eq!(entries[0].error_code.as_deref(), Some("SALESFORCE"));
    assert_eq!(entries[1].soql, "SELECT Id FROM User", "kept as sent");
    assert_eq!(entries[1].total_size, Some(ok.total_size));
    env.cleanup("hist").await;
}

#[tokio::test]
async fn the_app_s_own_queries_for_a_contact_run_as_previewed() {
    let (env, client) = connected("preview").await;
    leadbridge_core::contacts::import_bytes(
        &env.store,
        br#"{"event":"lead.qualified","timestamp":"2026-04-05T14:30:00Z","lead":{"email":"o'brien@harborlight.example","company":"Harborlight Analytics","website":"https://harborlight.example"}}"#,
    )
    .unwrap();
    let preview = soql::preview_for_contact(&env.store, Some(&client), KNOWN_CONTACT_EMAIL)
        .await
        .unwrap();
    assert!(preview.notes.is_empty(), "{:?}", preview.notes);
    let purposes: Vec<&str> = preview.queries.iter().map(|q| q.purpose.as_str()).collect();
    assert!(
        purposes[0].starts_with("Dedupe: unconverted Leads"),
        "{purposes:?}"
    );
    assert!(purposes[1].starts_with("Dedupe: Contacts"), "{purposes:?}");
    // The push's own builder: the mapped Lead fields the org has are read too.
    assert!(
        preview.queries[0].soql.starts_with(
            "SELECT Id, Email, OwnerId, LastModifiedDate, IsConverted, Phone, FirstName, LastName, Company, "
        ),
        "{}",
        preview.queries[0].soql
    );
    assert!(purposes[2].starts_with("Owner:"), "{purposes:?}");
    assert!(
        purposes[3..].iter().all(|p| p.starts_with("Account:")) && purposes.len() > 3,
        "{purposes:?}"
    );
    let mut found = Vec::new();
    for q in &preview.queries {
        let result = run_query(&client, &q.soql, 2_000)
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", q.soql));
        found.push(result);
    }
    assert_eq!(found[0].total_size, 0, "no Lead has the Contact's email");
    assert_eq!(
        cell(&found[1].rows[0], "Email"),
        Some(&json!(KNOWN_CONTACT_EMAIL)),
        "the Contact is found through the escaped literal"
    );
    assert!(found[2]
        .rows
        .iter()
        .any(|u| cell(u, "Email") == Some(&json!("dana.whitfield@demo-org.example"))));
    // Every Account lookup (website variants, the Domain__c field, the name) finds it.
    for (q, result) in preview.queries[3..].iter().zip(&found[3..]) {
        assert!(
            result
                .rows
                .iter()
                .any(|a| cell(a, "Name") == Some(&json!("Harborlight Analytics"))),
            "{}",
            q.soql
        );
    }
    env.cleanup("preview").await;
}
