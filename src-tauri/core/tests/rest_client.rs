//! The REST client against the demo org: paging, describe cache, writes, collections,
//! composite, limits, API-call accounting, error mapping, and session renewal (refresh with
//! rotation, one renewal for many concurrent 401s, client-credentials re-grant).

mod common;

use std::time::Duration;

use common::Env;
use leadbridge_core::salesforce::api_error::is_transient_error_code;
use leadbridge_core::salesforce::bulk::{JobState, Operation};
use leadbridge_core::salesforce::composite::CompositeSubrequest;
use leadbridge_core::salesforce::login_host::ServiceUrl;
use leadbridge_core::salesforce::oauth::token::TokenEndpoint;
use leadbridge_core::salesforce::query::{QueryOptions, QueryPage, Record};
use leadbridge_core::salesforce::records::{AutoAssign, NewRecord, RecordUpdate, WriteOptions};
use leadbridge_core::salesforce::token_vault::TokenKind;
use leadbridge_core::salesforce::SalesforceClient;
use leadbridge_core::ErrorCode;
use leadbridge_demo_org::{FailNext, CLIENT_ID, KNOWN_LEAD_EMAIL};
use serde_json::json;

fn record(pairs: serde_json::Value) -> Record {
    pairs.as_object().expect("object").clone()
}

fn no_assign() -> WriteOptions {
    WriteOptions {
        auto_assign: AutoAssign::Off,
    }
}

async fn connected(profile: &str) -> (Env, SalesforceClient) {
    let env = Env::new(true).await;
    env.connect_web(profile).await;
    let client = SalesforceClient::open(&env.store, &env.vault, None).expect("client");
    (env, client)
}

#[tokio::test]
async fn queries_follow_next_records_url_and_stop_at_max_rows() {
    let (env, client) = connected("q").await;
    let leads: Vec<NewRecord> = (0..250)
        .map(|i| NewRecord {
            sobject: "Lead".into(),
            fields: record(
                json!({"LastName": format!("Pager {i:03}"), "Company": "Paging Test Co"}),
            ),
        })
        .collect();
    for chunk in leads.chunks(200) {
        let results = client
            .collections_create(chunk, true, &no_assign())
            .await
            .unwrap();
        assert!(
            results.iter().all(|r| r.success && r.id.is_some()),
            "{results:?}"
        );
    }
    let soql = "SELECT Id, LastName FROM Lead WHERE Company = 'Paging Test Co' ORDER BY LastName";

    let before = client.api_calls();
    let all = client
        .query_all_pages::<Record>(
            soql,
            QueryOptions {
                batch_size: Some(200),
                max_rows: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(all.total_size, 250);
    assert_eq!(all.records.len(), 250);
    assert!(!all.truncated);
    assert_eq!(all.records[249]["LastName"], "Pager 249");
    assert_eq!(client.api_calls() - before, 2, "two pages of at most 200");

    let before = client.api_calls();
    let capped = client
        .query_all_pages::<Record>(
            soql,
            QueryOptions {
                batch_size: Some(200),
                max_rows: Some(150),
            },
        )
        .await
        .unwrap();
    assert_eq!((capped.records.len(), capped.truncated), (150, true));
    assert_eq!(
        client.api_calls() - before,
        1,
        "the cap stops before the next page"
    );

    let first: QueryPage = client.query(soql).await.unwrap();
    assert!(
        first.done,
        "without a batch size a page holds up to 2,000 rows"
    );
    let err = client
        .query_more::<Record>("https://elsewhere.example/services/data/v66.0/query/x")
        .await
        .unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::InvalidInput,
        "the token never goes to another host"
    );
    env.cleanup("q").await;
}

#[tokio::test]
async fn describe_is_cached_per_profile_until_refreshed() {
    let (env, client) = connected("d").await;
    let before = client.api_calls();
    let lead = client.describe("Lead").await.unwrap();
    assert_eq!(lead.name, "Lead");
    assert!(lead.field("email").is_some_and(|f| f.id_lookup));
    let again = client.describe("lead").await.unwrap();
    assert!(std::sync::Arc::ptr_eq(&lead, &again));
    // Another client of the same profile shares the cache.
    let other = SalesforceClient::open(&env.store, &env.vault, Some("d")).unwrap();
    other.describe("Lead").await.unwrap();
    assert_eq!(client.api_calls() - before, 1, "one describe call in all");
    client.refresh_describe("Lead").await.unwrap();
    assert_eq!(client.api_calls() - before, 2);
    client.clear_describe_cache();
    other.describe("Lead").await.unwrap();
    assert_eq!(other.api_calls(), 1);

    let global = client.describe_global().await.unwrap();
    assert!(global
        .sobjects
        .iter()
        .any(|o| o.name == "Lead" && o.createable));
    let err = client.describe("NoSuchThing__c").await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Salesforce);
    assert_eq!(err.details.unwrap().http_status, Some(404));
    assert_eq!(
        client.describe("Lead/../x").await.unwrap_err().code,
        ErrorCode::InvalidInput
    );
    env.cleanup("d").await;
}

#[tokio::test]
async fn create_update_and_read_back_with_auto_assign_off() {
    let (env, client) = connected("w").await;
    let me = client.profile().user_id.clone();
    let fields = record(
        json!({"LastName": "O'Brien", "Company": "Quote Co", "Email": "o'brien@quote.example", "OwnerId": me}),
    );
    let kept = client.create("Lead", &fields, &no_assign()).await.unwrap();
    let assigned = client
        .create("Lead", &fields, &WriteOptions::default())
        .await
        .unwrap();
    let kept_rec = client
        .get_record("Lead", &kept, &["OwnerId", "LastName"])
        .await
        .unwrap();
    assert_eq!(
        kept_rec["OwnerId"],
        json!(me),
        "Sforce-Auto-Assign: FALSE keeps our owner"
    );
    assert_eq!(kept_rec["LastName"], "O'Brien");
    let assigned_rec = client
        .get_record("Lead", &assigned, &["OwnerId"])
        .await
        .unwrap();
    assert_ne!(
        assigned_rec["OwnerId"],
        json!(me),
        "without the header the assignment rule runs"
    );

    client
        .update(
            "Lead",
            &kept,
            &record(json!({"Company": "Renamed Co"})),
            &no_assign(),
        )
        .await
        .unwrap();
    assert_eq!(
        client
            .get_record("Lead", &kept, &["Company"])
            .await
            .unwrap()["Company"],
        "Renamed Co"
    );

    let err = client
        .create("Lead", &record(json!({"Company": "No Name"})), &no_assign())
        .await
        .unwrap_err();
    let d = err.details.clone().unwrap();
    assert_eq!(
        d.salesforce_code.as_deref(),
        Some("REQUIRED_FIELD_MISSING"),
        "{err:?}"
    );
    assert_eq!(d.fields, vec!["LastName"]);
    assert!(!d.retryable, "a validation error is not retried");
    env.cleanup("w").await;
}

#[tokio::test]
async fn collections_report_each_record_and_refuse_more_than_200() {
    let (env, client) = connected("c").await;
    let records = vec![
        NewRecord {
            sobject: "Lead".into(),
            fields: record(json!({"LastName": "Ok", "Company": "C"})),
        },
        NewRecord {
            sobject: "Lead".into(),
            fields: record(json!({"Company": "Missing name"})),
        },
    ];
    let results = client
        .collections_create(&records, false, &no_assign())
        .await
        .unwrap();
    assert!(results[0].success);
    assert!(!results[1].success);
    assert_eq!(results[1].errors[0].error_code, "REQUIRED_FIELD_MISSING");
    let id = results[0].id.clone().unwrap();

    env.org.faults().lock_next_records(1);
    let update = vec![RecordUpdate {
        sobject: "Lead".into(),
        id: id.clone(),
        fields: record(json!({"Company": "D"})),
    }];
    let results = client
        .collections_update(&update, false, &no_assign())
        .await
        .unwrap();
    assert!(!results[0].success);
    assert!(
        is_transient_error_code(&results[0].errors[0].error_code),
        "{results:?}"
    );
    let results = client
        .collections_update(&update, false, &no_assign())
        .await
        .unwrap();
    assert!(results[0].success, "{results:?}");

    let before = client.api_calls();
    let too_many: Vec<NewRecord> = (0..201)
        .map(|_| NewRecord {
            sobject: "Lead".into(),
            fields: record(json!({"LastName": "X"})),
        })
        .collect();
    let err = client
        .collections_create(&too_many, false, &no_assign())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(client
        .collections_create(&[], false, &no_assign())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(client.api_calls(), before, "refused before sending");
    env.cleanup("c").await;
}

#[tokio::test]
async fn composite_runs_referencing_subrequests_as_one_call() {
    let (env, client) = connected("k").await;
    let v = client.api_version().to_string();
    let subs = vec![
        CompositeSubrequest::new(
            "POST",
            format!("/services/data/v{v}/sobjects/Lead"),
            "newLead",
        )
        .with_body(json!({"LastName": "Composite", "Company": "Ref Co"}))
        .with_header("Sforce-Auto-Assign", "FALSE"),
        CompositeSubrequest::new(
            "GET",
            format!("/services/data/v{v}/sobjects/Lead/@{{newLead.id}}?fields=Company"),
            "readBack",
        ),
    ];
    let demo_before = env.org.api_calls().total;
    let before = client.api_calls();
    let answers = client
        .composite(&subs, true, &WriteOptions::default())
        .await
        .unwrap();
    assert_eq!(answers.len(), 2);
    assert!(answers.iter().all(|a| a.error().is_none()), "{answers:?}");
    assert_eq!(answers[1].body["Company"], "Ref Co");
    assert_eq!(client.api_calls() - before, 1);
    assert_eq!(
        env.org.api_calls().total - demo_before,
        1,
        "our count matches Salesforce's"
    );

    let too_many: Vec<_> = (0..26)
        .map(|i| {
            CompositeSubrequest::new(
                "GET",
                format!("/services/data/v{v}/limits"),
                format!("r{i}"),
            )
        })
        .collect();
    assert_eq!(
        client
            .composite(&too_many, false, &WriteOptions::default())
            .await
            .unwrap_err()
            .code,
        ErrorCode::InvalidInput
    );
    assert_eq!(client.api_calls() - before, 1);
    env.cleanup("k").await;
}

#[tokio::test]
async fn limits_and_api_usage_are_tracked() {
    let (env, client) = connected("l").await;
    assert!(client.api_usage().is_none(), "nothing seen yet");
    let limits = client.limits().await.unwrap();
    let daily = &limits["DailyApiRequests"];
    assert_eq!(daily.max, 15_000);
    let usage = client.api_usage().expect("Sforce-Limit-Info was read");
    assert_eq!(usage.max, 15_000);
    assert_eq!(usage.used, env.org.api_calls().total);
    assert_eq!(client.api_calls(), 1);

    // The daily allowance is spent: 403 REQUEST_LIMIT_EXCEEDED, not retryable.
    env.org.faults().set_daily_api_limit(10, Some(10));
    let err = client.limits().await.unwrap_err();
    let d = err.details.unwrap();
    assert_eq!(
        (d.salesforce_code.as_deref(), d.http_status, d.retryable),
        (Some("REQUEST_LIMIT_EXCEEDED"), Some(403), false)
    );
    assert_eq!(client.api_calls(), 1, "a refused call is not counted");
    env.cleanup("l").await;
}

#[tokio::test]
async fn salesforce_and_network_errors_are_mapped() {
    let (env, client) = connected("e").await;
    let err = client
        .query::<Record>("SELEC Id FROM Lead")
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Salesforce);
    let d = err.details.unwrap();
    assert_eq!(d.salesforce_code.as_deref(), Some("MALFORMED_QUERY"));
    assert_eq!((d.http_status, d.retryable), (Some(400), false));

    env.org.faults().fail_next(FailNext {
        path_contains: "/query".into(),
        count: 1,
        status: 503,
        error_code: "SERVER_UNAVAILABLE".into(),
        message: "Server unavailable".into(),
        retry_after: Some(3),
    });
    let soql = format!("SELECT Id FROM Lead WHERE Email = '{KNOWN_LEAD_EMAIL}'");
    let err = client.query::<Record>(&soql).await.unwrap_err();
    let d = err.details.unwrap();
    assert_eq!(
        (d.http_status, d.retryable, d.retry_after_secs),
        (Some(503), true, Some(3))
    );
    assert_eq!(
        client.query::<Record>(&soql).await.unwrap().records.len(),
        1,
        "the fault was one-off"
    );

    let huge = format!(
        "SELECT Id FROM Lead WHERE LastName IN ({})",
        vec!["'x'"; 5000].join(",")
    );
    assert_eq!(
        client.query::<Record>(&huge).await.unwrap_err().code,
        ErrorCode::InvalidInput,
        "refused before sending"
    );

    env.cleanup("e").await;
    env.org.shutdown().await;
    let err = client.query::<Record>(&soql).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Network, "{err:?}");
    assert!(err.details.unwrap().retryable);
}

#[tokio::test]
async fn an_expired_session_is_refreshed_once_and_the_rotated_token_kept() {
    let (env, client) = connected("r").await;
    let old_refresh = env.token("r", TokenKind::Refresh).await.unwrap();
    let old_access = env.token("r", TokenKind::Access).await.unwrap();
    env.org.faults().expire_sessions();
    let page: QueryPage = client
        .query("SELECT Id FROM User WHERE IsActive = true")
        .await
        .unwrap();
    assert!(!page.records.is_empty());
    assert_eq!(client.session_renewals(), 1);
    let new_refresh = env.token("r", TokenKind::Refresh).await.unwrap();
    assert_ne!(
        new_refresh, old_refresh,
        "the rotated refresh token replaced the old one"
    );
    assert_ne!(env.token("r", TokenKind::Access).await.unwrap(), old_access);
    let login = ServiceUrl::parse(&env.org.base_url(), "login URL").unwrap();
    let endpoint = TokenEndpoint::new(reqwest::Client::new(), login, CLIENT_ID.into(), None);
    assert!(
        endpoint.refresh(&old_refresh).await.is_err(),
        "rotation killed the old refresh token"
    );

    // A client opened later (another command) uses the stored, refreshed session.
    let later = SalesforceClient::open(&env.store, &env.vault, None).unwrap();
    later.limits().await.unwrap();
    assert_eq!(later.session_renewals(), 1);

    // Once the refresh token is dead too, the person has to connect again.
    endpoint.revoke(&new_refresh).await.unwrap();
    env.org.faults().expire_sessions();
    let err = client.limits().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotConnected, "{err:?}");
    assert!(err.message.contains("org connect"), "{}", err.message);
    env.cleanup("r").await;
}

#[tokio::test]
async fn a_bulk_upload_streams_its_file_and_is_sent_again_after_a_renewal() {
    let (env, client) = connected("u").await;
    let job = client
        .bulk_create_job("Lead", Operation::Insert)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("leads.csv");
    std::fs::write(
        &csv,
        "LastName,Company,Email\nStream,Upload Co,one@stream.example\nStream,Upload Co,two@stream.example\n",
    )
    .unwrap();
    // The first PUT meets an expired session: the file is opened and streamed again.
    env.org.faults().expire_sessions();
    client.bulk_upload(&job.id, &csv).await.unwrap();
    assert_eq!(client.session_renewals(), 1);
    client
        .bulk_set_state(&job.id, JobState::UploadComplete)
        .await
        .unwrap();
    let mut info = client.bulk_job(&job.id).await.unwrap();
    for _ in 0..200 {
        if info.state.is_final() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        info = client.bulk_job(&job.id).await.unwrap();
    }
    assert_eq!(info.state, JobState::JobComplete, "{info:?}");
    assert_eq!(info.number_records_processed, 2, "both rows arrived whole");
    assert_eq!(info.number_records_failed, 0);

    let missing = client
        .bulk_upload(&job.id, &dir.path().join("gone.csv"))
        .await
        .unwrap_err();
    assert_eq!(missing.code, ErrorCode::Io);
    assert!(missing.message.contains("gone.csv"), "{}", missing.message);
    env.cleanup("u").await;
}

#[tokio::test]
async fn concurrent_401s_share_one_refresh() {
    let (env, client) = connected("p").await;
    client.limits().await.unwrap();
    env.org.faults().expire_sessions();
    env.org
        .faults()
        .set_latency(Duration::from_millis(20), Duration::from_millis(20));
    let other = SalesforceClient::open(&env.store, &env.vault, Some("p")).unwrap();
    let mut tasks = Vec::new();
    for i in 0..12 {
        let c = if i % 2 == 0 {
            client.clone()
        } else {
            other.clone()
        };
        tasks.push(tokio::spawn(async move { c.limits().await.map(|_| ()) }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(
        client.session_renewals(),
        1,
        "one refresh for every waiting call"
    );
    let refreshes = env
        .org
        .calls()
        .iter()
        .filter(|c| c.path == "/services/oauth2/token")
        .count();
    assert_eq!(refreshes, 2, "the login's code exchange and one refresh");
    env.cleanup("p").await;
}

#[tokio::test]
async fn a_client_credentials_session_is_renewed_with_the_stored_secret() {
    let env = Env::new(false).await;
    env.connect_cc("cc").await;
    let client = SalesforceClient::open(&env.store, &env.vault, None).unwrap();
    env.org.faults().expire_sessions();
    let me: QueryPage = client
        .query("SELECT Username FROM User WHERE IsActive = true LIMIT 1")
        .await
        .unwrap();
    assert_eq!(me.records.len(), 1);
    assert_eq!(client.session_renewals(), 1);
    assert!(env.token("cc", TokenKind::Refresh).await.is_none());
    env.cleanup("cc").await;
}

#[tokio::test]
async fn an_apostrophe_email_round_trips_through_the_one_escaping_function() {
    let (env, client) = connected("o").await;
    let soql = format!(
        "SELECT Id, Email FROM Contact WHERE Email = {}",
        leadbridge_core::soql::quote(leadbridge_demo_org::KNOWN_CONTACT_EMAIL)
    );
    let page: QueryPage = client.query(&soql).await.unwrap();
    assert_eq!(page.records.len(), 1, "{soql}");
    assert_eq!(
        page.records[0]["Email"],
        leadbridge_demo_org::KNOWN_CONTACT_EMAIL
    );
    env.cleanup("o").await;
}
