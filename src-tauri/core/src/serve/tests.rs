//! The receiver's checks and durable write, the criteria, and the HTTP body limit; no
//! Salesforce here (tests/serve_demo_org.rs delivers against the demo org).

use chrono::{Duration, TimeZone, Utc};
use serde_json::json;

use super::pending::{evaluate, queue_entry, PendingReason, QueueEntry};
use super::receive::{receive, ReceiveError};
use super::server::{Receiver, ServeOptions};
use crate::contacts;
use crate::mapping::document::{Criteria, MinimumScore};
use crate::salesforce::secret::Secret;
use crate::store::Store;
use crate::webhook::signature_header;

const SECRET: &[u8] = b"whsec_serve_test";

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (dir, store)
}

fn lead(email: &str, score: u32, conversation: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "event": "lead.qualified",
        "timestamp": "2026-04-05T14:30:00Z",
        "workspaceId": "ws_abc123",
        "conversationId": conversation,
        "data": {"email": email, "qualificationScore": score, "intent": "product_demo",
                 "conversationUrl": format!("https://app.hoverbot.ai/conversations/{conversation}")},
        "signature": "sha256=..."
    }))
    .unwrap()
}

fn completed(conversation: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "event": "conversation.completed", "timestamp": "2026-04-05T14:40:00Z",
        "workspaceId": "ws_abc123", "conversationId": conversation, "data": {"resolution": "resolved"}
    }))
    .unwrap()
}

fn count(store: &Store, table: &str) -> i64 {
    store
        .conn()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn nothing_stored(store: &Store) {
    assert_eq!(count(store, "webhook_events"), 0);
    assert_eq!(count(store, "contacts"), 0);
    assert_eq!(count(store, "webhook_queue"), 0);
}

/// Receives `body` signed with the receiver's secret, as the chat platform sends it.
fn receive_signed(store: &Store, body: &[u8]) -> Result<super::Receipt, ReceiveError> {
    receive(store, SECRET, body, Some(&signature_header(SECRET, body)))
}

/// The inbox contact with this email, which must be there.
fn stored_contact(store: &Store, email: &str) -> contacts::Contact {
    contacts::store::get_by_email(store, email)
        .unwrap()
        .expect("the contact is in the inbox")
}

fn rejected(result: Result<super::Receipt, ReceiveError>) -> super::Rejection {
    match result {
        Err(ReceiveError::Rejected(r)) => r,
        other => panic!("expected a rejection, got {other:?}"),
    }
}

#[test]
fn a_signed_event_is_stored_applied_and_queued() {
    let (_d, store) = store();
    let body = lead("ada@example.com", 82, "conv_1");
    let receipt = receive_signed(&store, &body).unwrap();
    assert_eq!(receipt.state, "applied");
    assert!(receipt.queued);
    assert_eq!(count(&store, "webhook_events"), 1);
    let contact = stored_contact(&store, "ADA@example.com");
    assert_eq!(contact.qualification_score, Some(82.0));
    assert!(queue_entry(&store.conn(), "ada@example.com")
        .unwrap()
        .is_some());
    // The sender's retry of the same body is acknowledged and stored once.
    let again = receive_signed(&store, &body).unwrap();
    assert_eq!(
        (again.state.as_str(), again.event_id),
        ("duplicate", receipt.event_id)
    );
    assert_eq!(count(&store, "webhook_events"), 1);
}

#[test]
fn every_signature_case_is_refused_and_stores_nothing() {
    let (_d, store) = store();
    let body = lead("ada@example.com", 82, "conv_1");
    let good = signature_header(SECRET, &body);
    let r = rejected(receive(&store, SECRET, &body, None));
    assert_eq!((r.status, r.code.as_str()), (401, "UNSIGNED"));
    let wrong_secret = signature_header(b"someone-else", &body);
    let r = rejected(receive(&store, SECRET, &body, Some(&wrong_secret)));
    assert_eq!((r.status, r.code.as_str()), (401, "BAD_SIGNATURE"));
    assert!(r.reason.contains("does not match"), "{}", r.reason);
    let mut altered = body.clone();
    altered[10] ^= 1;
    let r = rejected(receive(&store, SECRET, &altered, Some(&good)));
    assert_eq!(r.code, "BAD_SIGNATURE");
    for header in [
        good.trim_start_matches("sha256=").to_string(),
        good.to_uppercase().replace("SHA256=", "sha256="),
        format!("{}0", good),
        String::new(),
    ] {
        let r = rejected(receive(&store, SECRET, &body, Some(&header)));
        assert_eq!(
            (r.status, r.code.as_str()),
            (401, "BAD_SIGNATURE"),
            "{header}"
        );
        assert!(r.reason.contains("malformed"), "{}", r.reason);
    }
    // Reasons never carry the secret or the expected digest.
    let r = rejected(receive(&store, SECRET, &body, Some(&wrong_secret)));
    assert!(!r.reason.contains("whsec") && !r.reason.contains(&good[7..]));
    nothing_stored(&store);
}

#[test]
fn malformed_unknown_and_invalid_events_are_refused() {
    let (_d, store) = store();
    let cases: [(&[u8], u16, &str, &str); 5] = [
        (b"{\"event\": ", 400, "MALFORMED", "not valid JSON at line 1"),
        (b"", 400, "MALFORMED", "empty"),
        (b"{\"event\":\"\xff\"}", 400, "MALFORMED", "UTF-8"),
        (
            br#"{"event":"lead.deleted","timestamp":"2026-04-05T14:30:00Z","data":{}}"#,
            422,
            "UNKNOWN_EVENT",
            "lead.deleted",
        ),
        (
            br#"{"event":"lead.qualified","timestamp":"2026-04-05T14:30:00Z","data":{"email":"not-an-email"}}"#,
            422,
            "INVALID_EVENT",
            "data.email",
        ),
    ];
    for (body, status, code, why) in cases {
        let r = rejected(receive_signed(&store, body));
        assert_eq!((r.status, r.code.as_str()), (status, code), "{}", r.reason);
        assert!(r.reason.contains(why), "{:?} lacks {why:?}", r.reason);
    }
    nothing_stored(&store);
}

#[test]
fn an_event_ahead_of_its_lead_is_parked_then_applied() {
    let (_d, store) = store();
    let done = completed("conv_9");
    let receipt = receive_signed(&store, &done).unwrap();
    assert_eq!(receipt.state, "parked");
    assert_eq!(count(&store, "contacts"), 0);
    let body = lead("grace@example.com", 90, "conv_9");
    receive_signed(&store, &body).unwrap();
    let contact = stored_contact(&store, "grace@example.com");
    assert_eq!(
        contact.conversation_status,
        contacts::ConversationStatus::Closed
    );
    let state: String = store
        .conn()
        .query_row(
            "SELECT state FROM webhook_events WHERE id = ?1",
            [receipt.event_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(state, "applied");
}

#[test]
fn criteria_and_delay_say_why_and_when() {
    let (_d, store) = store();
    let body = lead("ada@example.com", 65, "conv_1");
    receive_signed(&store, &body).unwrap();
    let contact = stored_contact(&store, "ada@example.com");
    let queued_at = Utc.with_ymd_and_hms(2026, 4, 5, 14, 35, 0).unwrap();
    let queue = QueueEntry {
        queued_at,
        failed_delivery_id: None,
        failed_at: None,
    };
    let now = Utc.with_ymd_and_hms(2026, 4, 5, 15, 0, 0).unwrap();
    let mut criteria = Criteria::default();
    let reason = |c: &Criteria, contact: &contacts::Contact, q: Option<&QueueEntry>| {
        evaluate(contact, q, c, now)
    };

    assert_eq!(
        reason(&criteria, &contact, Some(&queue)).reason,
        PendingReason::IntegrationOff
    );
    criteria.integration_on = true;
    criteria.minimum_score = MinimumScore::Stars(3);
    let s = reason(&criteria, &contact, Some(&queue));
    assert_eq!(s.reason, PendingReason::BelowMinimumScore);
    assert!(
        s.message.contains("score 65") && s.message.contains("80"),
        "{}",
        s.message
    );
    criteria.minimum_score = MinimumScore::Stars(2);
    assert_eq!(
        reason(&criteria, &contact, Some(&queue)).reason,
        PendingReason::ConversationOpen
    );

    let done = completed("conv_1");
    receive_signed(&store, &done).unwrap();
    let closed = stored_contact(&store, "ada@example.com");
    // Closed at 14:40 (the event's timestamp); a 30-minute delay runs to 15:10.
    criteria.sync_delay_minutes = 30;
    let s = reason(&criteria, &closed, Some(&queue));
    assert_eq!(s.reason, PendingReason::WaitingForDelay);
    assert_eq!(
        s.due_at,
        Some(Utc.with_ymd_and_hms(2026, 4, 5, 15, 10, 0).unwrap())
    );
    assert!(s.message.contains("2026-04-05T15:10:00Z"), "{}", s.message);
    criteria.sync_delay_minutes = 20;
    assert_eq!(
        reason(&criteria, &closed, Some(&queue)).reason,
        PendingReason::Queued
    );
    // Not waiting for the close: the delay counts from the qualification (14:30).
    criteria.require_conversation_closed = false;
    criteria.sync_delay_minutes = 31;
    assert_eq!(
        reason(&criteria, &contact, Some(&queue)).due_at,
        Some(Utc.with_ymd_and_hms(2026, 4, 5, 15, 1, 0).unwrap())
    );

    let failed = QueueEntry {
        failed_delivery_id: Some(7),
        failed_at: Some(queued_at + Duration::minutes(1)),
        ..queue.clone()
    };
    let s = reason(&criteria, &closed, Some(&failed));
    assert_eq!((s.reason, s.delivery_id), (PendingReason::Failed, Some(7)));
    // A newer event re-queued it after the failure: it goes again.
    let requeued = QueueEntry {
        queued_at: queued_at + Duration::minutes(2),
        ..failed
    };
    assert_ne!(
        reason(&criteria, &closed, Some(&requeued)).reason,
        PendingReason::Failed
    );
    assert_eq!(
        reason(&criteria, &closed, None).reason,
        PendingReason::NotQueued
    );
}

/// Sends raw HTTP (so a chunked body without Content-Length can be tested) and returns the
/// status and body.
async fn raw_post(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(head.as_bytes()).await.unwrap();
    // The server may answer and close before the whole body is written.
    let _ = s.write_all(body).await;
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

#[tokio::test]
async fn the_body_limit_is_enforced_while_reading() {
    let dir = tempfile::tempdir().unwrap();
    let options = ServeOptions {
        max_body: 1024,
        ..ServeOptions::new("127.0.0.1:0".parse().unwrap())
    };
    let receiver = Receiver::start(dir.path(), Secret::new("whsec_serve_test"), options)
        .await
        .unwrap();
    let addr = receiver.local_addr();
    let client = reqwest::Client::new();
    let url = receiver.url();

    // Declared too large.
    let big = vec![b' '; 2048];
    let resp = client
        .post(&url)
        .header("X-Signature-256", signature_header(SECRET, &big))
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    let json: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(json["error"], "TOO_LARGE");
    assert!(json["reason"].as_str().unwrap().contains("1024 bytes"));

    // Chunked, no Content-Length: refused once the limit is passed while streaming.
    let mut chunked = Vec::new();
    for _ in 0..4 {
        chunked.extend_from_slice(format!("{:x}\r\n", 600).as_bytes());
        chunked.extend_from_slice(&[b' '; 600]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let head = format!(
        "POST /webhooks/lead-events HTTP/1.1\r\nHost: {addr}\r\nX-Signature-256: sha256={}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        "0".repeat(64)
    );
    let (status, text) = raw_post(addr, &head, &chunked).await;
    assert_eq!(status, 413, "{text}");

    // Unsigned over HTTP: 401 with the reason as JSON.
    let body = lead("ada@example.com", 82, "conv_1");
    let resp = client.post(&url).body(body.clone()).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    let json: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(json["error"], "UNSIGNED");

    // A signed one within the limit: 202 at once.
    let resp = client
        .post(&url)
        .header("X-Signature-256", signature_header(SECRET, &body))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 202);
    let status = receiver.status();
    assert_eq!(
        (status.received, status.accepted, status.rejected),
        (4, 1, 3)
    );
    assert_eq!(status.queued, 1);
    assert!(status.last_rejection.unwrap().starts_with("UNSIGNED"));
    // Other paths and methods are not the receiver's.
    let resp = client.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 405);
    receiver.stop().await;

    let store = Store::open(dir.path()).unwrap();
    assert_eq!(count(&store, "webhook_events"), 1);
}
