//! `leadbridge serve` as the built binary against the demo org (started in this test
//! process): signed events accepted and delivered with trigger "webhook", refused ones with a
//! JSON reason, a Task for a selected event kind, and `kill -9` with work queued and in flight
//! followed by a restart that loses nothing and duplicates nothing. Also `backflow pull`.
//!
//! These tests use the real OS keyring: run them under a session bus with an unlocked keyring
//! (scripts/test.sh does).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use leadbridge_core::deliveries::{
    self, DeliveryQuery, DeliveryStatus, DeliveryTrigger, PlannedAction,
};
use leadbridge_core::mapping::document::TaskEventKind;
use leadbridge_core::mapping::MappingDocument;
use leadbridge_core::store::Store;
use leadbridge_core::webhook::signature_header;
use serde_json::{json, Value};

mod common;

use common::Setup;

const SECRET: &str = "whsec_cli_serve_test";
const SECRET_ENV: &str = "LEADBRIDGE_TEST_WEBHOOK_SECRET";

/// What only the serve tests do with the shared set-up.
impl Setup {
    /// Automated delivery on, no wait for the close, no delay; escalations become Tasks.
    fn deliver_at_once(&self) {
        let mut doc = MappingDocument::default();
        doc.criteria.integration_on = true;
        doc.criteria.require_conversation_closed = false;
        doc.tasks.event_kinds = vec![TaskEventKind::ConversationEscalated];
        self.save_doc(&doc);
    }

    /// Starts `serve` on a free port; returns the process and the webhook URL.
    fn serve(&self) -> (Child, String) {
        let mut child = self
            .command(&[
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--secret-env",
                SECRET_ENV,
                "--poll-interval-ms",
                "200",
                "--retry-delays-ms",
                "10,20,40",
            ])
            .env(SECRET_ENV, SECRET)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let url = first.trim().to_string();
        assert!(url.ends_with("/webhooks/lead-events"), "{first:?}");
        (child, url)
    }

    fn post(&self, url: &str, body: &[u8], signature: Option<String>) -> (u16, Value) {
        self.rt.block_on(async {
            let mut req = reqwest::Client::new().post(url).body(body.to_vec());
            if let Some(s) = signature {
                req = req.header("X-Signature-256", s);
            }
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            (status, resp.json().await.unwrap_or(Value::Null))
        })
    }

    fn post_signed(&self, url: &str, event: &Value) -> (u16, Value) {
        let body = serde_json::to_vec(event).unwrap();
        self.post(url, &body, Some(signature_header(SECRET.as_bytes(), &body)))
    }
}

fn lead(i: usize) -> Value {
    json!({"event": "lead.qualified", "timestamp": "2026-04-05T14:30:00Z", "workspaceId": "ws_abc123",
        "conversationId": format!("conv_{i}"),
        "data": {"email": format!("visitor{i:04}@serve.example"), "firstName": "Visitor", "lastName": format!("No {i}"),
                 "company": "Prospect Co", "qualificationScore": 82, "intent": "product_demo",
                 "conversationUrl": format!("https://app.hoverbot.ai/conversations/conv_{i}")}})
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn wait_until(what: &str, secs: u64, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn refused_requests_and_a_missing_secret() {
    let s = Setup::new();
    let out = s.run(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--secret-env",
        "LEADBRIDGE_TEST_NO_SUCH_VAR",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", common::text(&out.stderr));
    assert!(common::text(&out.stderr).contains("LEADBRIDGE_TEST_NO_SUCH_VAR is not set"));

    let (mut child, url) = s.serve();
    let body = serde_json::to_vec(&lead(1)).unwrap();
    let (status, json) = s.post(&url, &body, None);
    assert_eq!(
        (status, json["error"].as_str()),
        (401, Some("UNSIGNED")),
        "{json}"
    );
    let (status, json) = s.post(
        &url,
        &body,
        Some(signature_header(b"not-the-secret", &body)),
    );
    assert_eq!(
        (status, json["error"].as_str()),
        (401, Some("BAD_SIGNATURE")),
        "{json}"
    );
    let unknown = json!({"event": "lead.deleted", "timestamp": "2026-04-05T14:30:00Z", "data": {}});
    let (status, json) = s.post_signed(&url, &unknown);
    assert_eq!(
        (status, json["error"].as_str()),
        (422, Some("UNKNOWN_EVENT")),
        "{json}"
    );
    let store = s.store();
    assert_eq!(count(&store, "SELECT count(*) FROM webhook_events"), 0);
    assert_eq!(count(&store, "SELECT count(*) FROM contacts"), 0);
    child.kill().unwrap();
    child.wait().unwrap();
    s.cleanup();
}

#[test]
fn kill_dash_nine_with_work_queued_then_restart_loses_nothing_and_duplicates_nothing() {
    let s = Setup::new();
    s.deliver_at_once();
    let total = 400;
    // Slow calls, so the kill lands with deliveries in flight and others not yet sent.
    s.org
        .faults()
        .set_latency(Duration::from_millis(1200), Duration::ZERO);
    let (mut child, url) = s.serve();
    for i in 0..total {
        let (status, json) = s.post_signed(&url, &lead(i));
        assert_eq!(status, 202, "{json}");
    }
    let store = s.store();
    wait_until("an automated delivery in flight", 60, || {
        let conn = store.conn();
        deliveries::count(
            &conn,
            &DeliveryQuery {
                status: vec![DeliveryStatus::InFlight],
                ..DeliveryQuery::default()
            },
        )
        .unwrap()
            > 0
    });
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(
        count(&store, "SELECT count(*) FROM webhook_events"),
        total as i64
    );
    assert!(
        count(&store, "SELECT count(*) FROM webhook_queue") > 0,
        "work was queued at the kill"
    );
    std::thread::sleep(Duration::from_millis(1300)); // the org finishes what it received
    s.org.faults().clear();

    let (mut child, url) = s.serve();
    wait_until("the queue to drain", 120, || {
        count(&store, "SELECT count(*) FROM webhook_queue") == 0
            && deliveries::unfinished(&store.conn()).unwrap().is_empty()
    });
    // An escalation after delivery becomes a Task on the Lead.
    let escalated = json!({"event": "conversation.escalated", "timestamp": "2026-04-05T14:45:00Z",
        "workspaceId": "ws_abc123", "conversationId": "conv_7", "data": {"reason": "asked for a human"}});
    let (status, json) = s.post_signed(&url, &escalated);
    assert_eq!(status, 202, "{json}");
    wait_until("the Task", 60, || {
        count(
            &store,
            "SELECT count(*) FROM webhook_events WHERE task_state = 'done'",
        ) == 1
    });
    child.kill().unwrap();
    child.wait().unwrap();

    // Exactly one Lead per contact in the org.
    let leads = s.query("SELECT Id, Email FROM Lead WHERE Email LIKE '%@serve.example'");
    let mut per_email: HashMap<String, u32> = HashMap::new();
    for l in &leads {
        *per_email
            .entry(l["Email"].as_str().unwrap().to_lowercase())
            .or_default() += 1;
    }
    assert_eq!(per_email.len(), total, "none missing");
    assert!(per_email.values().all(|&n| n == 1), "no duplicates");

    // The log: every delivery is a webhook one, each contact created once.
    let conn = store.conn();
    let mut creates: HashMap<String, u32> = HashMap::new();
    deliveries::for_each(&conn, &DeliveryQuery::default(), |d| {
        assert_eq!(d.trigger, DeliveryTrigger::Webhook, "{d:?}");
        if d.action == PlannedAction::Create
            && d.status == DeliveryStatus::Succeeded
            && d.object.as_str() == "Lead"
        {
            *creates.entry(d.email.to_lowercase()).or_default() += 1;
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(creates.len(), total);
    assert!(
        creates.values().all(|&n| n == 1),
        "each contact created once"
    );
    drop(conn);

    let lead7 = leads
        .iter()
        .find(|l| l["Email"].as_str() == Some("visitor0007@serve.example"))
        .unwrap();
    let tasks = s.query("SELECT Id, WhoId, Subject, Status FROM Task WHERE Subject LIKE 'Chat: conversation.escalated%'");
    assert_eq!(tasks.len(), 1, "{tasks:?}");
    assert_eq!(tasks[0]["WhoId"], lead7["Id"]);
    assert_eq!(tasks[0]["Status"], "Completed");
    s.cleanup();
}

#[test]
fn backflow_pull_over_the_cli() {
    let s = Setup::new();
    let out = s.run(&["backflow", "pull", "--json"]);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    let first: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(first["opportunities"].as_u64().unwrap() > 0, "{first}");
    assert!(first["cursor"].is_string());
    // Nothing changed since: the cursor holds and nothing new is counted.
    let out = s.run(&["backflow", "pull", "--json"]);
    let second: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(second["cursorBefore"], first["cursor"]);
    assert_eq!(second["contactsUpdated"], 0);
    let out = s.run(&["backflow", "status", "--json"]);
    let state: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(state["cursor"], first["cursor"]);
    s.cleanup();
}
