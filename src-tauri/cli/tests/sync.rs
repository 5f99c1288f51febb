//! `leadbridge sync` and `leadbridge log retry`, run as the built binary against the demo org
//! (started in this test process): the JSON lines and exit statuses of PRODUCT.md, dry runs,
//! refused input, not being connected, and `kill -9` mid-push followed by a resume that loses
//! nothing and duplicates nothing.
//!
//! These tests use the real OS keyring: run them under a session bus with an unlocked keyring
//! (scripts/test.sh does).

use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use leadbridge_core::deliveries::{self, DeliveryQuery, DeliveryStatus, PlannedAction};
use leadbridge_core::mapping::MappingDocument;
use leadbridge_core::store::Store;
use leadbridge_demo_org::KNOWN_CONTACT_EMAIL;
use serde_json::{json, Value};

mod common;

use common::{lines, Setup};

fn event(email: &str, score: u32) -> Value {
    json!({"event": "lead.qualified", "timestamp": "2026-04-05T14:30:00Z", "lead": {
        "email": email, "firstName": "Visitor", "lastName": "Test", "company": "Prospect Co",
        "qualificationScore": score, "conversationUrl": "https://app.hoverbot.ai/conversations/x"
    }})
}

fn by_email(lines: &[Value]) -> HashMap<String, Value> {
    lines
        .iter()
        .map(|l| (l["email"].as_str().unwrap().to_lowercase(), l.clone()))
        .collect()
}

fn deliveries_count(dir: &Path) -> u64 {
    let store = Store::open(dir).unwrap();
    let conn = store.conn();
    deliveries::count(&conn, &DeliveryQuery::default()).unwrap()
}

#[test]
fn json_lines_exit_statuses_dry_run_and_log_retry() {
    let s = Setup::new();
    s.import(&[
        event("first.new@prospect.example", 50),
        event(KNOWN_CONTACT_EMAIL, 70),
    ]);

    // A dry run prints the plan and sends nothing.
    let out = s.run(&["sync", "--all", "--dry-run", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan = by_email(&lines(&out));
    assert_eq!(plan["first.new@prospect.example"]["action"], "create");
    assert_eq!(
        plan["first.new@prospect.example"]["api"]
            .as_str()
            .unwrap()
            .split(':')
            .next(),
        Some("REST")
    );
    assert_eq!(
        plan[KNOWN_CONTACT_EMAIL]["skipReason"]["code"],
        "CONTACT_EXISTS"
    );
    assert_eq!(deliveries_count(s.dir.path()), 0);
    let text = s.run(&["sync", "--all", "--dry-run"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Nothing was sent (dry run)"), "{text}");
    assert!(text.contains("Lead_Score__c: (none) -> 50"), "{text}");

    // The push: one line per contact, exit 0.
    let out = s.run(&["sync", "--all", "--json", "--retry-delays-ms", "10,20,40"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results = lines(&out);
    assert_eq!(results.len(), 2);
    let keys: Vec<&str> = results[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "email",
            "status",
            "action",
            "object",
            "id",
            "ownerId",
            "ownerReason",
            "opportunityId",
            "campaignMemberId",
            "error",
            "deliveryId",
            "attempts"
        ]
    );
    let results = by_email(&results);
    let created = &results["first.new@prospect.example"];
    assert_eq!(
        (created["status"].as_str(), created["action"].as_str()),
        (Some("succeeded"), Some("created"))
    );
    assert!(created["id"].as_str().unwrap().starts_with("00Q"));
    assert!(created["error"].is_null());
    assert_eq!(created["attempts"], 1);
    let skipped = &results[KNOWN_CONTACT_EMAIL];
    assert_eq!(skipped["status"], "skipped");
    assert_eq!(skipped["error"]["code"], "CONTACT_EXISTS");

    // Unknown email: exit 2, named, nothing sent.
    let before = deliveries_count(s.dir.path());
    let out = s.run(&[
        "sync",
        "--email",
        "first.new@prospect.example",
        "ghost@nowhere.example",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ghost@nowhere.example"));
    assert!(out.stdout.is_empty());
    assert_eq!(deliveries_count(s.dir.path()), before);
    // Bad retry delays: exit 2 as well.
    let out = s.run(&["sync", "--all", "--retry-delays-ms", "10,soon"]);
    assert_eq!(out.status.code(), Some(2));

    // A failure: exit 1, and it is in the log; `log retry --failed` finishes it.
    let mut doc = MappingDocument {
        campaign_id: Some("701000000000000AAA".into()),
        ..MappingDocument::default()
    };
    s.save_doc(&doc);
    s.import(&[event("second.new@prospect.example", 60)]);
    let out = s.run(&[
        "sync",
        "--email",
        "second.new@prospect.example",
        "--json",
        "--retry-delays-ms",
        "10",
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let failed = lines(&out).remove(0);
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["error"]["code"], "INVALID_CROSS_REFERENCE_KEY");
    let lead = failed["id"].as_str().unwrap().to_string();

    let campaign = s.query("SELECT Id FROM Campaign LIMIT 1");
    doc.campaign_id = Some(campaign[0]["Id"].as_str().unwrap().to_string());
    s.save_doc(&doc);
    let out = s.run(&[
        "log",
        "retry",
        "--failed",
        "--json",
        "--retry-delays-ms",
        "10",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let retried = lines(&out).remove(0);
    assert_eq!(retried["status"], "succeeded");
    assert_eq!(retried["id"], lead.as_str(), "the same Lead");
    assert!(retried["campaignMemberId"].is_string());
    assert_ne!(retried["deliveryId"], failed["deliveryId"]);
    let leads = s.query("SELECT Id FROM Lead WHERE Email = 'second.new@prospect.example'");
    assert_eq!(leads.len(), 1);
    let out = s.run(&["log", "retry", &failed["deliveryId"].to_string()]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a resolved delivery is not retried again"
    );
    s.cleanup();
}

#[test]
fn a_reader_that_stops_early_keeps_the_failed_status() {
    let s = Setup::new();
    // A campaign that does not exist: every Lead is created, every campaign member refused.
    s.save_doc(&MappingDocument {
        campaign_id: Some("701000000000000AAA".into()),
        ..MappingDocument::default()
    });
    // Enough JSON lines to fill the pipe (64 KiB), so a write meets the closed reader.
    let events: Vec<Value> = (0..400)
        .map(|i| event(&format!("visitor{i}@pipe.example"), 50))
        .collect();
    s.import(&events);
    let (first, out) =
        common::head_one_output(s.command(&["sync", "--all", "--json", "--retry-delays-ms", "10"]));
    let stderr = common::text(&out.stderr);
    let first: Value = serde_json::from_str(&first).expect("the first line is a whole result");
    assert_eq!(first["status"], "failed");
    assert_eq!(
        out.status.code(),
        Some(1),
        "some deliveries failed: {stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("error["),
        "{stderr}"
    );
    // Every result is in the delivery log, read or not.
    let failed = deliveries::count(
        &s.store().conn(),
        &DeliveryQuery {
            status: vec![DeliveryStatus::Failed],
            ..DeliveryQuery::default()
        },
    )
    .unwrap();
    assert_eq!(failed, 400);
    s.cleanup();
}

#[test]
fn not_connected_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.ndjson");
    std::fs::write(&path, format!("{}\n", event("lonely@prospect.example", 50))).unwrap();
    let run = |args: &[&str]| common::leadbridge(dir.path()).args(args).output().unwrap();
    assert!(run(&["contacts", "import", path.to_str().unwrap()])
        .status
        .success());
    let out = run(&["sync", "--all"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("NOT_CONNECTED") && err.contains("org connect"),
        "{err}"
    );
    assert_eq!(deliveries_count(dir.path()), 0);
}

#[test]
fn kill_dash_nine_mid_push_then_resume_loses_nothing_and_duplicates_nothing() {
    let s = Setup::new();
    let total = 5_000;
    let events: Vec<Value> = (0..total)
        .map(|i| event(&format!("visitor{i:05}@kill.example"), 50))
        .collect();
    s.import(&events);
    // Slow enough that calls are visibly in flight; four run at once, so the fifth batch
    // goes out only after the first four answered.
    s.org
        .faults()
        .set_latency(Duration::from_millis(1500), Duration::ZERO);
    let mut child = s
        // The REST path's outbox is what this test kills mid-flight (bulk has its own test).
        .command(&[
            "sync",
            "--all",
            "--no-bulk",
            "--json",
            "--retry-delays-ms",
            "10,20,40",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let store = s.store();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "no in-flight attempt showed up");
        let conn = store.conn();
        let count = |status| {
            deliveries::count(
                &conn,
                &DeliveryQuery {
                    status: vec![status],
                    ..DeliveryQuery::default()
                },
            )
            .unwrap()
        };
        // Some delivered, some with an attempt out and no answer recorded: kill now.
        if count(DeliveryStatus::Succeeded) > 0 && count(DeliveryStatus::InFlight) > 0 {
            break;
        }
        drop(conn);
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    drop(store);
    std::thread::sleep(Duration::from_millis(1600)); // the org finishes what it received
    s.org.faults().clear();

    let out = s.run(&["sync", "--all", "--json", "--retry-delays-ms", "10,20,40"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(lines(&out).len(), total, "every contact is reported");

    // The org holds exactly one Lead per contact.
    let leads = s.query("SELECT Email FROM Lead WHERE Email LIKE '%@kill.example'");
    let mut emails: Vec<String> = leads
        .iter()
        .map(|l| l["Email"].as_str().unwrap().to_lowercase())
        .collect();
    emails.sort();
    let distinct = {
        let mut d = emails.clone();
        d.dedup();
        d.len()
    };
    assert_eq!(
        (emails.len(), distinct),
        (total, total),
        "no duplicates, none missing"
    );

    // The log: nothing left open, and one succeeded create per contact.
    let store = s.store();
    let conn = store.conn();
    assert!(deliveries::unfinished(&conn).unwrap().is_empty());
    let mut creates: HashMap<String, u32> = HashMap::new();
    deliveries::for_each(
        &conn,
        &DeliveryQuery {
            status: vec![DeliveryStatus::Succeeded],
            ..DeliveryQuery::default()
        },
        |d| {
            if d.action == PlannedAction::Create {
                *creates.entry(d.email.to_lowercase()).or_default() += 1;
            }
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(creates.len(), total);
    assert!(
        creates.values().all(|&n| n == 1),
        "each contact created once"
    );
    drop(conn);
    drop(store);
    s.cleanup();
}
