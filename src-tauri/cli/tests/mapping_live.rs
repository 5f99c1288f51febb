//! `leadbridge mapping validate` against the connected org: the same describe checks the
//! Mapping screen runs, with no `--describe-dir`. Runs under a session bus with an unlocked
//! keyring (see scripts/test.sh).

use leadbridge_core::mapping::{MappingDocument, MappingStore};
use leadbridge_core::store::Store;

mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_checks_the_connected_org_s_fields() {
    let org = common::demo_org().await;
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = common::connect_no_browser(dir.path(), &org, &[]).await;
    assert!(out.status.success(), "{}", common::text(&out.stderr));

    // The default mapping fits the demo org: the org checks ran and found no error.
    let mut validate = common::leadbridge(dir.path());
    validate.args(["mapping", "validate"]);
    let out = common::run(validate).await;
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stdout));
    assert!(
        !common::text(&out.stderr).contains("org checks skipped"),
        "{}",
        common::text(&out.stderr)
    );

    // A row writing a field the org does not have is an error found only through the org.
    let mut doc = MappingDocument::default();
    doc.objects.lead[0].target = "Nope__c".into();
    MappingStore::new(&Store::open(dir.path()).unwrap())
        .save(&doc, None)
        .unwrap();
    let mut validate = common::leadbridge(dir.path());
    validate.args(["mapping", "validate", "--json"]);
    let out = common::run(validate).await;
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out.stderr));
    let problems: Vec<serde_json::Value> = common::text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let unknown: Vec<_> = problems
        .iter()
        .filter(|p| p["code"] == "UNKNOWN_FIELD")
        .collect();
    assert_eq!(unknown.len(), 1, "{problems:#?}");
    assert_eq!(unknown[0]["object"], "Lead");
    assert_eq!(unknown[0]["field"], "Nope__c");

    // Not connected: the document checks still run, and the note says why the org's did not.
    let offline = tempfile::tempdir().unwrap();
    let mut validate = common::leadbridge(offline.path());
    validate.args(["mapping", "validate"]);
    let out = common::run(validate).await;
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    assert!(
        common::text(&out.stderr).contains("org checks skipped")
            && common::text(&out.stderr).contains("NOT_CONNECTED"),
        "{}",
        common::text(&out.stderr)
    );
}
