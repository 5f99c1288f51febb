//! After a login, a refresh (with rotation), API calls and failures, and a sync (a push across
//! a session expiry, and a push Salesforce refuses, whose request and response go into the
//! delivery log), with every log level on, no token or secret appears in any file of the data
//! directory: the SQLite database (and its WAL), the delivery log in it, the logs, anything else.
//! Its own test binary, because it installs the global logger.

mod common;
mod sync_support;

use std::path::Path;

use common::{Env, TestBrowser};
use leadbridge_core::salesforce::connect;
use leadbridge_core::salesforce::oauth::WebLogin;
use leadbridge_core::salesforce::query::Record;
use leadbridge_core::salesforce::token_vault::TokenKind;
use leadbridge_core::salesforce::{SalesforceClient, Secret};
use leadbridge_core::sync::{
    execute, plan_push, push, PlanOptions, ResultStatus, Selection, SyncLock,
};
use leadbridge_demo_org::{FailNext, CLIENT_SECRET};
use serde_json::json;
use sync_support::{event, fast, import};

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[tokio::test]
async fn no_token_or_secret_is_written_to_the_data_dir() {
    let env = Env::new(true).await;
    let guard = leadbridge_core::logging::init(env.dir.path(), "trace").unwrap();

    let browser = TestBrowser::default();
    let login = WebLogin::new(&browser);
    let request = env.web_request("scan");
    connect::connect(
        &env.store,
        &env.vault,
        &request,
        Some(Secret::new(CLIENT_SECRET)),
        &login,
    )
    .await
    .unwrap();
    let mut secrets = vec![
        env.token("scan", TokenKind::Access).await.unwrap(),
        env.token("scan", TokenKind::Refresh).await.unwrap(),
        Secret::new(CLIENT_SECRET),
    ];

    let client = SalesforceClient::open(&env.store, &env.vault, None).unwrap();
    client.describe("Lead").await.unwrap();
    env.org.faults().expire_sessions();
    client
        .query::<Record>("SELECT Id, Email FROM Lead LIMIT 5")
        .await
        .unwrap();
    assert_eq!(client.session_renewals(), 1);
    secrets.push(env.token("scan", TokenKind::Access).await.unwrap());
    secrets.push(env.token("scan", TokenKind::Refresh).await.unwrap());
    client
        .query::<Record>("SELECT Nope FROM Lead")
        .await
        .unwrap_err();

    // A sync: the first push renews the session again on the way.
    import(&env, &[event("scan.ok@prospect.example", 70, json!({}))]);
    env.org.faults().expire_sessions();
    let report = push(&client, &env.store, &Selection::All, &fast())
        .await
        .unwrap();
    assert_eq!(
        report.results[0].status,
        ResultStatus::Succeeded,
        "{report:#?}"
    );
    assert_eq!(client.session_renewals(), 2);
    secrets.push(env.token("scan", TokenKind::Access).await.unwrap());
    secrets.push(env.token("scan", TokenKind::Refresh).await.unwrap());

    // A push Salesforce refuses: its request and response bodies land in the delivery log.
    import(
        &env,
        &[event("scan.refused@prospect.example", 70, json!({}))],
    );
    let lock = SyncLock::acquire(&env.store).unwrap();
    let plan = plan_push(
        &client,
        &env.store,
        &Selection::Emails(vec!["scan.refused@prospect.example".into()]),
        &PlanOptions::default(),
    )
    .await
    .unwrap();
    env.org.faults().fail_next(FailNext {
        path_contains: "/composite".into(),
        count: 1,
        status: 400,
        error_code: "FIELD_CUSTOM_VALIDATION_EXCEPTION".into(),
        message: "refused for the scan".into(),
        retry_after: None,
    });
    let report = execute(&client, &env.store, &plan, &lock, &fast())
        .await
        .unwrap();
    assert_eq!(
        report.results[0].status,
        ResultStatus::Failed,
        "{report:#?}"
    );
    drop(lock);
    drop(guard);

    let mut files = Vec::new();
    files_under(env.dir.path(), &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("leadbridge.db")),
        "{files:?}"
    );
    let logs: Vec<_> = files
        .iter()
        .filter(|f| f.to_string_lossy().contains("logs"))
        .collect();
    assert!(!logs.is_empty(), "the log file was written: {files:?}");
    let log_text: String = logs
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    assert!(
        log_text.contains("salesforce call"),
        "the client did log its calls"
    );
    let logged_bodies: i64 = env
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM delivery_attempts WHERE request_body IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        logged_bodies >= 2,
        "the delivery log holds the requests sent"
    );
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        for secret in &secrets {
            let needle = secret.expose().as_bytes();
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{} contains a token or secret",
                file.display()
            );
        }
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("Bearer "),
            "{} contains an Authorization header",
            file.display()
        );
    }
    env.cleanup("scan").await;
}
