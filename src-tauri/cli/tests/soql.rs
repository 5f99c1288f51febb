//! `leadbridge soql` against an in-process demo org, connected through `org connect
//! --no-browser`: the table and JSON outputs with relationship fields, an apostrophe in a
//! WHERE literal, paging past 2,000 rows with --max-rows, and refusals that send nothing.

mod common;

use std::path::Path;
use std::process::Output;

use common::{connect_no_browser, demo_org, head_one, leadbridge, run, text};
use leadbridge_core::salesforce::records::{AutoAssign, NewRecord, WriteOptions};
use leadbridge_core::salesforce::token_vault::TokenVault;
use leadbridge_core::salesforce::SalesforceClient;
use leadbridge_core::store::Store;
use leadbridge_demo_org::{DemoOrg, KNOWN_CONTACT_EMAIL};
use serde_json::Value;

async fn connect(dir: &Path, org: &DemoOrg) {
    let (out, _page) = connect_no_browser(dir, org, &[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
}

async fn disconnect(dir: &Path) {
    let mut cmd = leadbridge(dir);
    cmd.args(["org", "disconnect"]);
    let out = run(cmd).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
}

async fn soql(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = leadbridge(dir);
    cmd.arg("soql").args(args);
    run(cmd).await
}

fn json_lines(out: &Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

/// Calls the demo org received on its query resource.
fn query_calls(org: &DemoOrg) -> usize {
    org.calls()
        .iter()
        .filter(|c| c.path.contains("/query"))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn relationship_fields_and_an_apostrophe_email() {
    let org = demo_org().await;
    let dir = tempfile::tempdir().unwrap();
    connect(dir.path(), &org).await;
    let query = r"SELECT Id, Email, Account.Name, Account.Owner.Email, ReportsTo.Name FROM Contact WHERE Email = 'o\'brien@harborlight.example'";

    let out = soql(dir.path(), &[query]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "header and one row: {stdout}");
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        [
            "Id",
            "Email",
            "Account.Name",
            "Account.Owner.Email",
            "ReportsTo.Name"
        ]
    );
    // Aligned: every value starts where its header does.
    let at = |name: &str| lines[0].find(name).unwrap();
    assert_eq!(lines[1].find(KNOWN_CONTACT_EMAIL), Some(at("Email")));
    assert_eq!(
        lines[1].find("Harborlight Analytics"),
        Some(at("Account.Name"))
    );
    assert_eq!(
        lines[1]
            .find("@demo-org.example")
            .map(|end| lines[1][..end].rfind(' ').unwrap() + 1),
        Some(at("Account.Owner.Email")),
        "the account owner's email, in its column"
    );
    assert_eq!(text(&out.stderr).trim(), "1 of 1 row");

    let out = soql(dir.path(), &[query, "--json"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let records = json_lines(&out);
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert_eq!(record["Email"], KNOWN_CONTACT_EMAIL);
    assert!(record.get("attributes").is_none());
    assert_eq!(record["Account"]["Name"], "Harborlight Analytics");
    assert!(record["Account"].get("attributes").is_none());
    assert!(record["Account"]["Owner"].get("attributes").is_none());
    assert_eq!(record["ReportsTo"], Value::Null);
    assert_eq!(
        text(&out.stderr),
        "",
        "nothing to say when every row is shown"
    );

    let out = soql(
        dir.path(),
        &[
            "SELECT COUNT() FROM Contact WHERE Email LIKE 'o\\'brien%'",
            "--json",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(json_lines(&out), [serde_json::json!({"totalSize": 1})]);
    disconnect(dir.path()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn pages_past_two_thousand_rows_up_to_max_rows() {
    let org = demo_org().await;
    let dir = tempfile::tempdir().unwrap();
    connect(dir.path(), &org).await;
    // 2,300 Leads of one company, written through the core's client on the CLI's profile.
    {
        let store = Store::open(dir.path()).unwrap();
        let vault = TokenVault::for_data_dir(dir.path()).unwrap();
        let client = SalesforceClient::open(&store, &vault, None).unwrap();
        let leads: Vec<NewRecord> = (0..2_300)
            .map(|i| NewRecord {
                sobject: "Lead".into(),
                fields: serde_json::json!({"LastName": format!("Pager {i:04}"), "Company": "CLI Paging Co"})
                    .as_object()
                    .unwrap()
                    .clone(),
            })
            .collect();
        let options = WriteOptions {
            auto_assign: AutoAssign::Off,
        };
        for chunk in leads.chunks(200) {
            let saved = client
                .collections_create(chunk, true, &options)
                .await
                .unwrap();
            assert!(saved.iter().all(|r| r.success));
        }
    }
    let query =
        "SELECT Id, LastName, Owner.Name FROM Lead WHERE Company = 'CLI Paging Co' ORDER BY LastName";

    let before = query_calls(&org);
    let out = soql(dir.path(), &[query, "--json", "--max-rows", "2500"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let records = json_lines(&out);
    assert_eq!(
        records.len(),
        2_300,
        "both pages: the cap is above the total"
    );
    assert_eq!(records[2_000]["LastName"], "Pager 2000");
    assert_eq!(records[2_299]["LastName"], "Pager 2299");
    assert_eq!(
        query_calls(&org) - before,
        2,
        "the first page and one nextRecordsUrl"
    );

    let before = query_calls(&org);
    let out = soql(dir.path(), &[query, "--json", "--max-rows", "2100"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let records = json_lines(&out);
    assert_eq!(records.len(), 2_100, "at most --max-rows");
    assert_eq!(records[2_099]["LastName"], "Pager 2099");
    assert_eq!(query_calls(&org) - before, 2);
    assert_eq!(
        text(&out.stderr).trim(),
        "2100 of 2300 rows; raise --max-rows (now 2100) to see more"
    );

    // The default cap is one page: no second call.
    let before = query_calls(&org);
    let out = soql(dir.path(), &[query]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).lines().count(),
        2_001,
        "header + 2,000 rows"
    );
    assert_eq!(query_calls(&org) - before, 1);
    assert!(text(&out.stderr).contains("2000 of 2300 rows"));

    let out = soql(dir.path(), &[query, "--max-rows", "0"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--max-rows must be between 1 and 50000, not 0"));

    // `soql QUERY | head -1`: the 2,000-row table overflows the pipe's buffer; the reader
    // closes the pipe after the header, and the command ends quietly (status 0, and no
    // "N of M rows" on stderr either).
    let mut cmd = leadbridge(dir.path());
    cmd.args(["soql", query]);
    let header = tokio::task::spawn_blocking(move || head_one(cmd))
        .await
        .unwrap();
    assert!(header.contains("LastName"), "{header}");
    disconnect(dir.path()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_statements_exit_2_and_send_nothing() {
    let org = demo_org().await;
    let dir = tempfile::tempdir().unwrap();
    connect(dir.path(), &org).await;
    let (calls, api_calls) = (org.calls().len(), org.api_calls().total);
    let cases = [
        (
            "DELETE FROM Lead WHERE Email = 'o\\'brien@harborlight.example'",
            "error[SOQL_REFUSED]: refused at column 1: DELETE is a data-changing statement",
        ),
        (
            "SELECT Id FROM Lead; DELETE FROM Lead",
            "error[SOQL_REFUSED]: refused at column 22: DELETE is a data-changing statement",
        ),
        (
            "SELECT Id FROM Lead FOR UPDATE",
            "error[SOQL_REFUSED]: refused at column 21: FOR UPDATE",
        ),
    ];
    for (query, expected) in cases {
        for extra in [&[][..], &["--json"][..]] {
            let out = soql(dir.path(), &[&[query][..], extra].concat()).await;
            assert_eq!(out.status.code(), Some(2), "{query}: {}", text(&out.stderr));
            assert!(
                text(&out.stderr).starts_with(expected),
                "{query}: {}",
                text(&out.stderr)
            );
            assert_eq!(text(&out.stdout), "");
        }
    }
    assert_eq!(org.calls().len(), calls, "not one request reached the org");
    assert_eq!(org.api_calls().total, api_calls);

    // Salesforce's own error for a query the guard lets through: exit 1 with its code.
    let out = soql(dir.path(), &["SELECT NoSuchField__c FROM Lead"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("error[SALESFORCE]: "), "{stderr}");
    assert!(stderr.contains("salesforce: INVALID_FIELD"), "{stderr}");
    disconnect(dir.path()).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn not_connected_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = soql(dir.path(), &["SELECT Id FROM Lead"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr).trim(),
        "error[NOT_CONNECTED]: no Salesforce org is connected; run `org connect`"
    );
    // The guard still answers first: a refusal is about the input, connected or not.
    let out = soql(dir.path(), &["DELETE FROM Lead"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("error[SOQL_REFUSED]: refused at column 1"));
}
