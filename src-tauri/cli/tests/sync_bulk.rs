//! `leadbridge sync` on the bulk path, as the built binary against the demo org: the dry run
//! names the path and the daily batch allowance, `sync --all` takes Bulk API 2.0 above the
//! threshold with the same JSON lines, `--bulk` forces it, `--no-bulk` turns it off, and both
//! together are a usage error.
//!
//! These tests use the real OS keyring (see scripts/test.sh).

use leadbridge_core::store::Store;
use leadbridge_core::sync::bulk;
use serde_json::{json, Value};

mod common;

use common::{lines, Setup};

/// A `lead.qualified` event for each email.
fn events(emails: &[String]) -> Vec<Value> {
    emails
        .iter()
        .map(|e| {
            json!({"event": "lead.qualified", "timestamp": "2026-04-05T14:30:00Z", "lead": {
                "email": e, "firstName": "Visitor", "lastName": "Bulk", "company": "Bulk Co",
                "qualificationScore": 40, "conversationUrl": "https://app.hoverbot.ai/conversations/x"
            }})
        })
        .collect()
}

/// The demo org's count of Bulk API jobs.
fn jobs(s: &Setup) -> u64 {
    s.org.bulk_summary()["jobs"].as_u64().unwrap()
}

#[test]
fn sync_picks_bulk_by_size_and_the_flags_force_it() {
    let s = Setup::new();
    let emails: Vec<String> = (0..25)
        .map(|i| format!("bulk{i:02}@cli-bulk.example"))
        .collect();
    s.import(&events(&emails));
    bulk::set_threshold(&Store::open(s.dir.path()).unwrap(), 20).unwrap();

    let out = s.run(&["sync", "--all", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    let err = common::text(&out.stderr);
    assert!(
        err.contains("Path: Bulk API 2.0: 25 records, above the threshold of 20; 1 of the 15,000 batches left today"),
        "{err}"
    );
    assert!(common::text(&out.stdout).contains("Bulk API 2.0: CSV ingest jobs"));
    let out = s.run(&["sync", "--all", "--dry-run", "--no-bulk", "--json"]);
    assert!(common::text(&out.stderr).contains("Path: REST: Bulk API 2.0 turned off"));
    assert_eq!(lines(&out).len(), 25, "one plan item per line");
    assert_eq!(jobs(&s), 0, "dry runs send nothing");

    let out = s.run(&["sync", "--all", "--bulk", "--no-bulk"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::text(&out.stderr));

    let out = s.run(&["sync", "--all", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    let results = lines(&out);
    assert_eq!(results.len(), 25);
    for r in &results {
        assert_eq!(r["status"], "succeeded", "{r}");
        assert_eq!(r["action"], "created");
        assert!(r["id"].as_str().is_some_and(|id| id.starts_with("00Q")));
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 12, "{keys:?}");
    }
    assert_eq!(jobs(&s), 1);

    // Below the threshold, --bulk forces it; --no-bulk keeps REST.
    let few: Vec<String> = (0..3).map(|i| format!("few{i}@cli-bulk.example")).collect();
    s.import(&events(&few));
    let mut args = vec!["sync", "--json", "--bulk", "--email"];
    args.extend(few.iter().map(String::as_str));
    let out = s.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    assert_eq!(lines(&out).len(), 3);
    assert_eq!(jobs(&s), 2);
    let more = ["more0@cli-bulk.example".to_string()];
    s.import(&events(&more));
    let out = s.run(&["sync", "--json", "--no-bulk", "--email", &more[0]]);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    assert_eq!(jobs(&s), 2, "REST: no new job");
    s.cleanup();
}
