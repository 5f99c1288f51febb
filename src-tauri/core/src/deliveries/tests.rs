//! Behaviour of the delivery log on a real SQLite file: the before/after invariant, resume after
//! a crash, retries, filters and paging against an independent model, retention, stats, CSV.

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::*;
use crate::store::Store;
use crate::ErrorCode;

fn t0() -> DateTime<Utc> {
    parse_time("2025-03-01T00:00:00Z").unwrap()
}

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (dir, store)
}

fn lead(batch: BatchId, email: &str) -> NewDelivery {
    NewDelivery {
        batch_id: batch,
        trigger: DeliveryTrigger::Manual,
        retry_of: None,
        email: email.into(),
        contact_name: Some("Jane Doe".into()),
        company: Some("Acme Corp".into()),
        object: DeliveryObject::Lead,
        action: PlannedAction::Create,
        salesforce_id: None,
        owner_id: Some("005000000000001AAA".into()),
        owner_reason: Some("meeting_scheduler".into()),
        payload: json!({"Email": email, "LastName": "Doe", "Company": "Acme Corp"}),
    }
}

fn request() -> AttemptRequest {
    AttemptRequest {
        method: "POST".into(),
        path: "/services/data/v66.0/composite/sobjects".into(),
        body: Some(
            r#"{"allOrNone":false,"records":[{"attributes":{"type":"Lead"},"Email":"a@b.com"}]}"#
                .into(),
        ),
    }
}

fn ok_result() -> AttemptResult {
    AttemptResult {
        outcome: AttemptOutcome::Succeeded,
        response_status: Some(200),
        response_body: Some(r#"[{"id":"00Q000000000001AAA","success":true,"errors":[]}]"#.into()),
        error: None,
        api_usage: Some("api-usage=18/15000".into()),
    }
}

fn failure(code: &str, message: &str) -> DeliveryOutcome {
    DeliveryOutcome {
        error: Some(DeliveryError {
            code: code.into(),
            message: message.into(),
            fields: vec!["LastName".into()],
            http_status: Some(400),
            salesforce_code: Some(code.into()),
        }),
        ..DeliveryOutcome::new(FinishedStatus::Failed)
    }
}

/// What another process (the app beside the CLI) sees: a separate connection to the same file.
fn seen_from_outside(store: &Store, id: DeliveryId) -> DeliveryDetail {
    let other = Store::open_file(store.path()).unwrap();
    let detail = get(&other.conn(), id).unwrap();
    detail
}

#[test]
fn every_step_is_on_disk_before_the_next_one_starts() {
    let (_dir, store) = open();
    let batch = begin_batch(&store.conn(), DeliveryTrigger::Manual, t0()).unwrap();
    let id = begin_delivery(&store.conn(), &lead(batch, "Jane.Doe@Acme.com"), t0()).unwrap();

    // Before any call: the delivery is committed as pending, with its payload.
    let before = seen_from_outside(&store, id);
    assert_eq!(before.delivery.status, DeliveryStatus::Pending);
    assert_eq!(before.delivery.attempts, 0);
    assert!(before.payload.contains("Jane.Doe@Acme.com"));

    let attempt =
        begin_attempt(&store.conn(), id, &request(), t0() + Duration::seconds(1)).unwrap();
    // The "HTTP call" happens here; whoever looks now finds the attempt, outcome unknown.
    let during = seen_from_outside(&store, id);
    assert_eq!(during.delivery.status, DeliveryStatus::InFlight);
    assert_eq!(during.attempts.len(), 1);
    assert_eq!(during.attempts[0].outcome, AttemptOutcome::Unknown);
    assert_eq!(during.attempts[0].finished_at, None);
    assert_eq!(during.attempts[0].attempt, 1);

    finish_attempt(
        &store.conn(),
        attempt,
        &ok_result(),
        t0() + Duration::milliseconds(1_250),
    )
    .unwrap();
    let after_call = seen_from_outside(&store, id);
    assert_eq!(after_call.attempts[0].outcome, AttemptOutcome::Succeeded);
    assert_eq!(after_call.attempts[0].duration_ms, Some(250));
    assert_eq!(after_call.attempts[0].response_status, Some(200));
    assert_eq!(
        after_call.attempts[0].api_usage.as_deref(),
        Some("api-usage=18/15000")
    );
    assert_eq!(after_call.delivery.status, DeliveryStatus::Pending);

    finish_delivery(
        &store.conn(),
        id,
        &DeliveryOutcome {
            salesforce_id: Some("00Q000000000001AAA".into()),
            campaign_member_id: Some("00v000000000001AAA".into()),
            ..DeliveryOutcome::new(FinishedStatus::Succeeded)
        },
        t0() + Duration::seconds(2),
    )
    .unwrap();
    let done = seen_from_outside(&store, id).delivery;
    assert_eq!(done.status, DeliveryStatus::Succeeded);
    assert_eq!(done.salesforce_id.as_deref(), Some("00Q000000000001AAA"));
    assert_eq!(
        done.owner_id.as_deref(),
        Some("005000000000001AAA"),
        "kept from the plan"
    );
    assert_eq!(done.finished_at, Some(t0() + Duration::seconds(2)));
    assert_eq!(done.email, "Jane.Doe@Acme.com", "email kept as given");
    assert!(unfinished(&store.conn()).unwrap().is_empty());
}

#[test]
fn a_crash_mid_call_leaves_an_unknown_attempt_that_resume_finds() {
    let dir = tempfile::tempdir().unwrap();
    let (id, other) = {
        let store = Store::open(dir.path()).unwrap();
        let conn = store.conn();
        let batch = begin_batch(&conn, DeliveryTrigger::Webhook, t0()).unwrap();
        let id = begin_delivery(&conn, &lead(batch, "a@b.com"), t0()).unwrap();
        let first = begin_attempt(&conn, id, &request(), t0()).unwrap();
        finish_attempt(
            &conn,
            first,
            &AttemptResult {
                outcome: AttemptOutcome::FailedTransient,
                response_status: Some(503),
                response_body: Some(
                    r#"[{"errorCode":"SERVER_UNAVAILABLE","message":"try later"}]"#.into(),
                ),
                error: Some(AttemptError {
                    code: Some("SERVER_UNAVAILABLE".into()),
                    message: "try later".into(),
                    fields: vec![],
                }),
                api_usage: None,
            },
            t0() + Duration::seconds(1),
        )
        .unwrap();
        begin_attempt(&conn, id, &request(), t0() + Duration::seconds(3)).unwrap();
        // A finished delivery beside it must not show up in the resume list.
        let other = begin_delivery(&conn, &lead(batch, "c@d.com"), t0()).unwrap();
        finish_delivery(
            &conn,
            other,
            &DeliveryOutcome::new(FinishedStatus::Skipped),
            t0(),
        )
        .unwrap();
        // The process dies here: no finish_attempt, no finish_delivery.
        (id, other)
    };

    let store = Store::open(dir.path()).unwrap();
    let open = unfinished(&store.conn()).unwrap();
    assert_eq!(open.len(), 1);
    let resume = &open[0];
    assert_eq!(resume.delivery.id, id);
    assert_ne!(resume.delivery.id, other);
    assert_eq!(resume.delivery.status, DeliveryStatus::InFlight);
    assert_eq!(resume.delivery.attempts, 2);
    assert!(
        resume.payload.contains("a@b.com"),
        "the payload to re-send is there"
    );
    let open_attempts: Vec<_> = resume.open_attempts().collect();
    assert_eq!(open_attempts.len(), 1);
    assert_eq!(open_attempts[0].attempt, 2);
    assert_eq!(open_attempts[0].outcome, AttemptOutcome::Unknown);
    assert_eq!(resume.attempts[0].outcome, AttemptOutcome::FailedTransient);

    // The delivery cannot be closed while attempt 2 might have created the record.
    let e = finish_delivery(
        &store.conn(),
        id,
        &DeliveryOutcome::new(FinishedStatus::Succeeded),
        t0(),
    )
    .unwrap_err();
    assert!(e.message.contains("attempt 2"), "{}", e.message);

    // Resume re-checks Salesforce, finds the Lead, and closes both.
    finish_attempt(
        &store.conn(),
        open_attempts[0].id,
        &ok_result(),
        t0() + Duration::seconds(60),
    )
    .unwrap();
    finish_delivery(
        &store.conn(),
        id,
        &DeliveryOutcome::new(FinishedStatus::Succeeded),
        t0() + Duration::seconds(60),
    )
    .unwrap();
    assert!(unfinished(&store.conn()).unwrap().is_empty());
}

#[test]
fn sent_attempts_stay_open_until_their_result_arrives() {
    let (_dir, store) = open();
    let conn = store.conn();
    let batch = begin_batch(&conn, DeliveryTrigger::Manual, t0()).unwrap();
    let id = begin_delivery(&conn, &lead(batch, "bulk@b.com"), t0()).unwrap();
    let a = begin_attempt(&conn, id, &request(), t0()).unwrap();
    let sent = AttemptResult {
        outcome: AttemptOutcome::Sent,
        response_status: Some(201),
        response_body: Some(r#"{"id":"7505e000000AAAA","state":"UploadComplete"}"#.into()),
        error: None,
        api_usage: None,
    };
    finish_attempt(&conn, a, &sent, t0()).unwrap();
    assert_eq!(
        get(&conn, id).unwrap().delivery.status,
        DeliveryStatus::InFlight
    );
    assert_eq!(unfinished(&conn).unwrap().len(), 1);
    finish_attempt(&conn, a, &ok_result(), t0() + Duration::seconds(5)).unwrap();
    let e = finish_attempt(&conn, a, &ok_result(), t0()).unwrap_err();
    assert!(e.message.contains("already finished"), "{}", e.message);
    assert_eq!(
        get(&conn, id).unwrap().delivery.status,
        DeliveryStatus::Pending
    );
}

#[test]
fn state_rules_are_enforced_with_clear_errors() {
    let (_dir, store) = open();
    let conn = store.conn();
    let batch = begin_batch(&conn, DeliveryTrigger::Manual, t0()).unwrap();
    let id = begin_delivery(&conn, &lead(batch, "x@y.com"), t0()).unwrap();

    let e = finish_delivery(
        &conn,
        id,
        &DeliveryOutcome::new(FinishedStatus::Failed),
        t0(),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("without an error"));

    let mut ok_with_error = failure("X", "y");
    ok_with_error.status = FinishedStatus::Succeeded;
    assert!(finish_delivery(&conn, id, &ok_with_error, t0()).is_err());

    let a = begin_attempt(&conn, id, &request(), t0()).unwrap();
    let mut unknown = ok_result();
    unknown.outcome = AttemptOutcome::Unknown;
    assert!(finish_attempt(&conn, a, &unknown, t0()).is_err());
    finish_attempt(&conn, a, &ok_result(), t0()).unwrap();
    finish_delivery(
        &conn,
        id,
        &DeliveryOutcome::new(FinishedStatus::Succeeded),
        t0(),
    )
    .unwrap();

    let e = begin_attempt(&conn, id, &request(), t0()).unwrap_err();
    assert!(e.message.contains("already succeeded"), "{}", e.message);
    let e = finish_delivery(
        &conn,
        id,
        &DeliveryOutcome::new(FinishedStatus::Skipped),
        t0(),
    )
    .unwrap_err();
    assert!(e.message.contains("already succeeded"), "{}", e.message);

    let e = get(&conn, DeliveryId(999)).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = begin_delivery(&conn, &lead(BatchId(999), "x@y.com"), t0()).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    let e = begin_delivery(&conn, &lead(batch, "  "), t0()).unwrap_err();
    assert_eq!(e.details.unwrap().fields, vec!["email".to_string()]);
    let bad_method = AttemptRequest {
        method: "PO ST".into(),
        ..request()
    };
    let id2 = begin_delivery(&conn, &lead(batch, "z@y.com"), t0()).unwrap();
    assert!(begin_attempt(&conn, id2, &bad_method, t0()).is_err());
    // A rejected write leaves nothing behind.
    assert_eq!(get(&conn, id2).unwrap().attempts.len(), 0);
}

#[test]
fn every_write_path_redacts_and_caps() {
    let (_dir, store) = open();
    let conn = store.conn();
    let batch = begin_batch(&conn, DeliveryTrigger::Manual, t0()).unwrap();
    let mut new = lead(batch, "r@s.com");
    new.payload = json!({"Email": "r@s.com", "nested": {"client_secret": "cs-123"}});
    let id = begin_delivery(&conn, &new, t0()).unwrap();
    let a = begin_attempt(
        &conn,
        id,
        &AttemptRequest {
            method: "post".into(),
            path: "https://acme.my.salesforce.com/services/oauth2/token?refresh_token=rt-1".into(),
            body: Some("grant_type=refresh_token&refresh_token=rt-2&client_secret=cs-456".into()),
        },
        t0(),
    )
    .unwrap();
    finish_attempt(
        &conn,
        a,
        &AttemptResult {
            outcome: AttemptOutcome::FailedPermanent,
            response_status: Some(400),
            response_body: Some(format!(
                r#"{{"access_token":"at-789","signature":"sig-000","pad":"{}"}}"#,
                "p".repeat(BODY_CAP)
            )),
            error: Some(AttemptError {
                code: Some("invalid_grant".into()),
                message: "refused Bearer 00D5g000004ABCDEAA!AR8AQJXg5oqsdfghjklqwertyu".into(),
                fields: vec![],
            }),
            api_usage: None,
        },
        t0(),
    )
    .unwrap();
    finish_delivery(
        &conn,
        id,
        &failure("invalid_grant", "password=hunter2 was refused"),
        t0(),
    )
    .unwrap();

    // Look at the raw rows, not just the API's view of them.
    let dump: String = conn
        .query_row(
            "SELECT group_concat(x, '|') FROM (
               SELECT payload || error_message AS x FROM deliveries
               UNION ALL
               SELECT path || request_body || response_body || error_message FROM delivery_attempts)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    for secret in [
        "cs-123", "rt-1", "rt-2", "cs-456", "at-789", "sig-000", "AR8AQ", "hunter2", "acme.my",
    ] {
        assert!(!dump.contains(secret), "{secret} reached SQLite");
    }
    let detail = get(&conn, id).unwrap();
    let attempt = &detail.attempts[0];
    assert_eq!(attempt.method, "POST");
    assert_eq!(
        attempt.path,
        "/services/oauth2/token?refresh_token=[REDACTED]"
    );
    let body = attempt.response_body.as_deref().unwrap();
    assert!(body.len() <= BODY_CAP + 40);
    assert!(body.contains("…truncated"), "capped with a marker");
}

#[test]
fn a_retry_resolves_its_original_and_only_one_can_be_open() {
    let (_dir, store) = open();
    let conn = store.conn();
    let batch = begin_batch(&conn, DeliveryTrigger::Manual, t0()).unwrap();
    let failed = begin_delivery(&conn, &lead(batch, "f@g.com"), t0()).unwrap();
    finish_delivery(
        &conn,
        failed,
        &failure("UNABLE_TO_LOCK_ROW", "locked"),
        t0(),
    )
    .unwrap();
    let ok = begin_delivery(&conn, &lead(batch, "ok@g.com"), t0()).unwrap();
    finish_delivery(
        &conn,
        ok,
        &DeliveryOutcome::new(FinishedStatus::Succeeded),
        t0(),
    )
    .unwrap();

    let retry_batch = begin_batch(&conn, DeliveryTrigger::Retry, t0()).unwrap();
    let original = get(&conn, failed).unwrap();
    let retry = NewDelivery::retry_of(&original, retry_batch).unwrap();
    assert_eq!(retry.payload, lead(batch, "f@g.com").payload);
    let first = begin_delivery(&conn, &retry, t0()).unwrap();

    let e = begin_delivery(&conn, &retry, t0()).unwrap_err();
    assert!(
        e.message
            .contains(&format!("already being retried by delivery {first}")),
        "{}",
        e.message
    );
    // The database refuses a second open retry even when the check is bypassed.
    let raw = conn.execute(
        "INSERT INTO deliveries (batch_id, trigger, retry_of, email, email_key, object, action, status, payload, created_at, updated_at)
         VALUES (?1, 'retry', ?2, 'f@g.com', 'f@g.com', 'Lead', 'create', 'pending', '{}', 0, 0)",
        rusqlite::params![retry_batch.0, failed.0],
    );
    assert!(raw.is_err(), "unique open-retry index");

    let e = begin_delivery(
        &conn,
        &NewDelivery::retry_of(&get(&conn, ok).unwrap(), retry_batch).unwrap(),
        t0(),
    )
    .unwrap_err();
    assert!(
        e.message.contains("is succeeded; only failed"),
        "{}",
        e.message
    );

    assert_eq!(
        get(&conn, failed).unwrap().delivery.status,
        DeliveryStatus::Failed
    );
    finish_delivery(
        &conn,
        first,
        &DeliveryOutcome::new(FinishedStatus::Succeeded),
        t0(),
    )
    .unwrap();
    let original = get(&conn, failed).unwrap();
    assert_eq!(original.delivery.status, DeliveryStatus::Resolved);
    assert_eq!(original.retried_by, vec![first]);
    assert_eq!(get(&conn, first).unwrap().delivery.retry_of, Some(failed));
    assert_eq!(
        get(&conn, first).unwrap().delivery.trigger,
        DeliveryTrigger::Retry
    );
}

#[test]
fn mark_resolved_touches_failures_only_and_rejects_unknown_ids() {
    let (_dir, store) = open();
    let conn = store.conn();
    let batch = begin_batch(&conn, DeliveryTrigger::Manual, t0()).unwrap();
    let f1 = begin_delivery(&conn, &lead(batch, "1@x.com"), t0()).unwrap();
    finish_delivery(&conn, f1, &failure("E", "m"), t0()).unwrap();
    let s = begin_delivery(&conn, &lead(batch, "2@x.com"), t0()).unwrap();
    finish_delivery(
        &conn,
        s,
        &DeliveryOutcome::new(FinishedStatus::Succeeded),
        t0(),
    )
    .unwrap();
    assert_eq!(mark_resolved(&conn, &[f1, s], t0()).unwrap(), 1);
    assert_eq!(
        get(&conn, f1).unwrap().delivery.status,
        DeliveryStatus::Resolved
    );
    assert_eq!(
        get(&conn, s).unwrap().delivery.status,
        DeliveryStatus::Succeeded
    );
    let f2 = begin_delivery(&conn, &lead(batch, "3@x.com"), t0()).unwrap();
    finish_delivery(&conn, f2, &failure("E", "m"), t0()).unwrap();
    let e = mark_resolved(&conn, &[f2, DeliveryId(12345)], t0()).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotFound);
    assert_eq!(
        get(&conn, f2).unwrap().delivery.status,
        DeliveryStatus::Failed,
        "all or nothing"
    );
}

/// A deterministic generator so the model and the database see the same rows.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

const FIRST: &[&str] = &["jane", "john", "maria", "li", "olga", "sean", "amir", "zoe"];
const LAST: &[&str] = &["doe", "smith", "garcia", "wong", "obrien", "kowalski"];
const COMPANIES: &[(&str, &str)] = &[
    ("Acme Corp", "acme.com"),
    ("Globex", "globex.io"),
    ("Initech", "initech.net"),
    ("Umbrella Health", "umbrella-health.org"),
];
const CODES: &[&str] = &[
    "REQUIRED_FIELD_MISSING",
    "UNABLE_TO_LOCK_ROW",
    "CONTACT_EXISTS",
];

/// Seeds `n` deliveries through the API and returns them as the API reports them.
fn seed(store: &Store, n: usize) -> Vec<Delivery> {
    let mut rng = Lcg(7);
    store
        .transaction(|tx| {
            let mut batch = begin_batch(tx, DeliveryTrigger::Manual, t0())?;
            let mut ids = Vec::new();
            for i in 0..n {
                if i % 250 == 0 {
                    batch = begin_batch(tx, DeliveryTrigger::Manual, t0())?;
                }
                let first = FIRST[rng.next(FIRST.len())];
                let last = LAST[rng.next(LAST.len())];
                let (company, domain) = COMPANIES[rng.next(COMPANIES.len())];
                let email = if i % 7 == 0 {
                    format!("{}.{last}{i}@{domain}", first.to_uppercase())
                } else {
                    format!("{first}.{last}{i}@{domain}")
                };
                // Time moves forward (as begin_delivery keeps it); groups of three deliveries share
                // a millisecond so the id tie-break matters.
                let created = t0() + Duration::minutes((i / 3) as i64 * 40);
                let object = [
                    DeliveryObject::Lead,
                    DeliveryObject::Lead,
                    DeliveryObject::Contact,
                    DeliveryObject::Opportunity,
                    DeliveryObject::Task,
                ][rng.next(5)];
                let trigger = [DeliveryTrigger::Manual, DeliveryTrigger::Webhook][rng.next(2)];
                let mut new = lead(batch, &email);
                new.contact_name = Some(format!("{first} {last}"));
                new.company = Some(company.into());
                new.object = object;
                new.trigger = trigger;
                let id = begin_delivery(tx, &new, created)?;
                let roll = rng.next(100);
                let done = created + Duration::seconds(2);
                if roll < 5 {
                    // stays pending
                } else if roll < 10 {
                    begin_attempt(tx, id, &request(), created)?;
                } else if roll < 70 {
                    let a = begin_attempt(tx, id, &request(), created)?;
                    finish_attempt(tx, a, &ok_result(), done)?;
                    finish_delivery(
                        tx,
                        id,
                        &DeliveryOutcome::new(FinishedStatus::Succeeded),
                        done,
                    )?;
                } else if roll < 90 {
                    let code = CODES[rng.next(CODES.len())];
                    finish_delivery(tx, id, &failure(code, "it failed"), done)?;
                    if roll >= 85 {
                        mark_resolved(tx, &[id], done)?;
                    }
                } else {
                    finish_delivery(
                        tx,
                        id,
                        &DeliveryOutcome {
                            error: Some(DeliveryError {
                                code: "CONTACT_EXISTS".into(),
                                message: "a Contact has this email".into(),
                                fields: vec![],
                                http_status: None,
                                salesforce_code: None,
                            }),
                            ..DeliveryOutcome::new(FinishedStatus::Skipped)
                        },
                        done,
                    )?;
                }
                ids.push(id);
            }
            Ok(ids)
        })
        .unwrap();
    let all = DeliveryQuery {
        descending: Some(false),
        ..Default::default()
    };
    let mut rows = Vec::new();
    for_each(&store.conn(), &all, |d| {
        rows.push(d);
        Ok(())
    })
    .unwrap();
    assert_eq!(rows.len(), n);
    rows
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The model: what a query must return, computed without SQL.
fn expected(rows: &[Delivery], q: &DeliveryQuery) -> Vec<DeliveryId> {
    let search: Vec<String> = q.search.as_deref().map(words).unwrap_or_default();
    let mut hits: Vec<&Delivery> = rows
        .iter()
        .filter(|d| q.status.is_empty() || q.status.contains(&d.status))
        .filter(|d| q.object.is_empty() || q.object.contains(&d.object))
        .filter(|d| {
            q.error_code
                .as_ref()
                .is_none_or(|c| d.error.as_ref().is_some_and(|e| &e.code == c))
        })
        .filter(|d| q.trigger.is_none_or(|t| d.trigger == t))
        .filter(|d| q.batch_id.is_none_or(|b| d.batch_id == b))
        .filter(|d| q.created_from.is_none_or(|f| d.created_at >= f))
        .filter(|d| q.created_to.is_none_or(|t| d.created_at < t))
        .filter(|d| {
            let mut have = words(&d.email);
            have.extend(words(d.contact_name.as_deref().unwrap_or("")));
            have.extend(words(d.company.as_deref().unwrap_or("")));
            // A one-letter word matches whole words only.
            search.iter().all(|w| {
                have.iter().any(|h| {
                    if w.chars().count() == 1 {
                        h == w
                    } else {
                        h.starts_with(w.as_str())
                    }
                })
            })
        })
        .collect();
    let key = |d: &Delivery| -> String {
        match q.sort.unwrap_or(SortField::CreatedAt) {
            SortField::CreatedAt => String::new(),
            SortField::Status => d.status.as_str().into(),
            SortField::Email => d.email.to_lowercase(),
            SortField::Object => d.object.as_str().into(),
        }
    };
    hits.sort_by_key(|d| (key(d), d.created_at, d.id));
    if q.descending.unwrap_or(true) {
        hits.reverse();
    }
    hits.into_iter().map(|d| d.id).collect()
}

fn page_ids(store: &Store, q: &DeliveryQuery) -> Vec<DeliveryId> {
    list(&store.conn(), q)
        .unwrap()
        .rows
        .into_iter()
        .map(|d| d.id)
        .collect()
}

#[test]
fn filters_sorts_and_pages_match_the_model() {
    let (_dir, store) = open();
    let rows = seed(&store, 3_000);
    let mid = t0() + Duration::days(10);
    let queries = vec![
        DeliveryQuery::default(),
        DeliveryQuery {
            status: vec![DeliveryStatus::Failed],
            ..Default::default()
        },
        DeliveryQuery {
            status: vec![
                DeliveryStatus::Pending,
                DeliveryStatus::InFlight,
                DeliveryStatus::Pending,
            ],
            ..Default::default()
        },
        DeliveryQuery {
            object: vec![DeliveryObject::Contact, DeliveryObject::Task],
            ..Default::default()
        },
        DeliveryQuery {
            error_code: Some("UNABLE_TO_LOCK_ROW".into()),
            ..Default::default()
        },
        DeliveryQuery {
            error_code: Some("REQUIRED_FIELD_MISSING".into()),
            created_from: Some(mid),
            created_to: Some(mid + Duration::days(5)),
            ..Default::default()
        },
        DeliveryQuery {
            trigger: Some(DeliveryTrigger::Webhook),
            ..Default::default()
        },
        DeliveryQuery {
            batch_id: Some(rows[400].batch_id),
            ..Default::default()
        },
        DeliveryQuery {
            search: Some("acme".into()),
            ..Default::default()
        },
        DeliveryQuery {
            search: Some("JANE globex".into()),
            ..Default::default()
        },
        DeliveryQuery {
            search: Some("maria.garcia1".into()),
            ..Default::default()
        },
        DeliveryQuery {
            search: Some("Umbrella He".into()),
            status: vec![DeliveryStatus::Succeeded],
            ..Default::default()
        },
        DeliveryQuery {
            search: Some("nobody-matches-this".into()),
            ..Default::default()
        },
        DeliveryQuery {
            sort: Some(SortField::Status),
            descending: Some(false),
            ..Default::default()
        },
        DeliveryQuery {
            sort: Some(SortField::Email),
            ..Default::default()
        },
        DeliveryQuery {
            sort: Some(SortField::Email),
            descending: Some(false),
            search: Some("li".into()),
            ..Default::default()
        },
        DeliveryQuery {
            sort: Some(SortField::Object),
            status: vec![DeliveryStatus::Skipped],
            ..Default::default()
        },
        DeliveryQuery {
            sort: Some(SortField::CreatedAt),
            descending: Some(false),
            created_from: Some(mid),
            ..Default::default()
        },
    ];
    // Searches combined with filters and sorts, one per plan (thresholds are small in tests).
    use super::query::{parse, shape, Shape};
    let planned = [
        (
            DeliveryQuery {
                search: Some("acme".into()),
                ..Default::default()
            },
            Shape::SearchStream,
        ),
        (
            DeliveryQuery {
                search: Some("acme".into()),
                object: vec![DeliveryObject::Lead],
                ..Default::default()
            },
            Shape::SearchDense,
        ),
        (
            DeliveryQuery {
                search: Some("acme".into()),
                error_code: Some("UNABLE_TO_LOCK_ROW".into()),
                ..Default::default()
            },
            Shape::SearchFilterSet,
        ),
        (
            DeliveryQuery {
                search: Some("acme".into()),
                status: vec![DeliveryStatus::Skipped],
                created_from: Some(t0() + Duration::days(3)),
                descending: Some(false),
                ..Default::default()
            },
            Shape::SearchFilterSet,
        ),
        (
            DeliveryQuery {
                search: Some("acme".into()),
                sort: Some(SortField::Email),
                descending: Some(false),
                ..Default::default()
            },
            Shape::SearchProbe,
        ),
        (
            DeliveryQuery {
                search: Some("maria garcia1".into()),
                status: vec![DeliveryStatus::Succeeded],
                ..Default::default()
            },
            Shape::SearchNarrow,
        ),
        (
            DeliveryQuery {
                search: Some("maria garcia1".into()),
                sort: Some(SortField::Status),
                ..Default::default()
            },
            Shape::SearchNarrow,
        ),
    ];
    for (q, want) in &planned {
        let p = parse(q).unwrap();
        assert_eq!(shape(&store.conn(), q, &p, false).unwrap(), *want, "{q:?}");
    }
    let queries: Vec<DeliveryQuery> = queries
        .into_iter()
        .chain(planned.into_iter().map(|(q, _)| q))
        .collect();
    for q in queries {
        let want = expected(&rows, &q);
        assert_eq!(
            count(&store.conn(), &q).unwrap(),
            want.len() as u64,
            "count {q:?}"
        );
        assert_eq!(ids(&store.conn(), &q).unwrap(), want, "ids {q:?}");
        // Windows of 100 at several offsets, including the last partial one and past the end.
        for offset in [
            0usize,
            100,
            1_234,
            want.len().saturating_sub(37),
            want.len() + 5,
        ] {
            let q = DeliveryQuery {
                offset: Some(offset as u64),
                limit: Some(100),
                ..q.clone()
            };
            let page = list(&store.conn(), &q).unwrap();
            let window: Vec<_> = want.iter().skip(offset).take(100).copied().collect();
            assert_eq!(page_ids(&store, &q), window, "page at {offset} of {q:?}");
            assert_eq!(
                page.has_more,
                offset + 100 < want.len(),
                "has_more at {offset}"
            );
            assert_eq!(page.offset, offset as u64);
        }
    }
    // Hits are real: the checks above are not comparing empty lists.
    assert!(
        count(
            &store.conn(),
            &DeliveryQuery {
                search: Some("acme".into()),
                ..Default::default()
            }
        )
        .unwrap()
            > 300
    );
}

#[test]
fn bad_queries_are_refused() {
    let (_dir, store) = open();
    let conn = store.conn();
    for q in [
        DeliveryQuery {
            limit: Some(0),
            ..Default::default()
        },
        DeliveryQuery {
            limit: Some(MAX_PAGE_SIZE + 1),
            ..Default::default()
        },
        DeliveryQuery {
            created_from: Some(t0()),
            created_to: Some(t0() - Duration::days(1)),
            ..Default::default()
        },
    ] {
        let e = list(&conn, &q).unwrap_err();
        assert!(e.is_usage(), "{q:?}: {e:?}");
    }
    let e: crate::Error = "bogus".parse::<DeliveryStatus>().unwrap_err();
    assert_eq!(
        e.message,
        "unknown status 'bogus'; expected one of: pending, in_flight, succeeded, failed, skipped, resolved"
    );
    // The query also arrives from the UI as JSON.
    let q: DeliveryQuery = serde_json::from_value(json!({
        "status": ["failed"], "createdFrom": "2025-03-01T00:00:00Z", "sort": "email", "limit": 50
    }))
    .unwrap();
    assert_eq!(q.status, vec![DeliveryStatus::Failed]);
    assert_eq!(q.created_from, Some(t0()));
    assert_eq!(q.sort, Some(SortField::Email));
}

#[test]
fn error_codes_count_the_filtered_log() {
    let (_dir, store) = open();
    let rows = seed(&store, 600);
    let codes = error_codes(&store.conn(), &DeliveryQuery::default()).unwrap();
    for c in &codes {
        let n = rows
            .iter()
            .filter(|d| d.error.as_ref().is_some_and(|e| e.code == c.code))
            .count();
        assert_eq!(c.count, n as u64, "{}", c.code);
    }
    assert!(codes.windows(2).all(|w| w[0].count >= w[1].count));
    assert_eq!(codes.len(), CODES.len());
}

#[test]
fn stats_count_outcomes_per_bucket() {
    let (_dir, store) = open();
    let rows = seed(&store, 1_500);
    let from = t0() + Duration::days(3) + Duration::hours(5);
    let to = t0() + Duration::days(9);
    let days = stats(&store.conn(), StatsBucket::Day, from, to).unwrap();
    assert_eq!(days.len(), 6, "day 3 (partially covered) through day 8");
    assert_eq!(days[0].bucket_start, t0() + Duration::days(3));
    for point in &days {
        let in_bucket = |d: &&Delivery| {
            d.created_at >= point.bucket_start
                && d.created_at < point.bucket_start + Duration::days(1)
        };
        let of = |statuses: &[DeliveryStatus]| {
            rows.iter()
                .filter(in_bucket)
                .filter(|d| statuses.contains(&d.status))
                .count() as u64
        };
        assert_eq!(point.succeeded, of(&[DeliveryStatus::Succeeded]));
        assert_eq!(
            point.failed,
            of(&[DeliveryStatus::Failed, DeliveryStatus::Resolved])
        );
        assert_eq!(point.skipped, of(&[DeliveryStatus::Skipped]));
    }
    assert!(days.iter().map(|p| p.succeeded + p.failed).sum::<u64>() > 100);

    let hours = stats(
        &store.conn(),
        StatsBucket::Hour,
        t0(),
        t0() + Duration::days(30),
    )
    .unwrap();
    assert_eq!(hours.len(), 30 * 24);
    let finished = rows.iter().filter(|d| !d.status.is_open()).count() as u64;
    assert_eq!(
        hours
            .iter()
            .map(|p| p.succeeded + p.failed + p.skipped)
            .sum::<u64>(),
        finished
    );

    assert!(stats(&store.conn(), StatsBucket::Hour, to, from).is_err());
    assert!(stats(
        &store.conn(),
        StatsBucket::Hour,
        t0(),
        t0() + Duration::days(3650)
    )
    .is_err());
}

#[test]
fn retention_prunes_old_finished_deliveries_but_keeps_failures() {
    let (_dir, store) = open();
    assert_eq!(
        settings(&store).unwrap().retention_days,
        DEFAULT_RETENTION_DAYS
    );
    let old = t0();
    let recent = t0() + Duration::days(100);
    let now = t0() + Duration::days(120);
    let mut keep = Vec::new();
    let mut drop = Vec::new();
    {
        let conn = store.conn();
        let batch = begin_batch(&conn, DeliveryTrigger::Manual, old).unwrap();
        // A failure resolved recently is kept until the retention passes from its resolution.
        let late = begin_delivery(&conn, &lead(batch, "late@x.com"), old).unwrap();
        finish_delivery(&conn, late, &failure("E", "m"), old).unwrap();
        keep.push(late);
        // The log's clock only moves forward: everything old first, then everything recent.
        for (when, label) in [(old, "old"), (recent, "recent")] {
            for status in [
                "succeeded",
                "skipped",
                "resolved",
                "failed",
                "pending",
                "in_flight",
            ] {
                let id = begin_delivery(
                    &conn,
                    &lead(batch, &format!("{status}-{label}@x.com")),
                    when,
                )
                .unwrap();
                match status {
                    "succeeded" => {
                        let a = begin_attempt(&conn, id, &request(), when).unwrap();
                        finish_attempt(&conn, a, &ok_result(), when).unwrap();
                        finish_delivery(
                            &conn,
                            id,
                            &DeliveryOutcome::new(FinishedStatus::Succeeded),
                            when,
                        )
                        .unwrap();
                    }
                    "skipped" => finish_delivery(
                        &conn,
                        id,
                        &DeliveryOutcome::new(FinishedStatus::Skipped),
                        when,
                    )
                    .unwrap(),
                    "failed" | "resolved" => {
                        finish_delivery(&conn, id, &failure("E", "m"), when).unwrap();
                        if status == "resolved" {
                            mark_resolved(&conn, &[id], when).unwrap();
                        }
                    }
                    "in_flight" => {
                        begin_attempt(&conn, id, &request(), when).unwrap();
                    }
                    _ => {}
                }
                let prunable =
                    label == "old" && ["succeeded", "skipped", "resolved"].contains(&status);
                if prunable {
                    drop.push(id)
                } else {
                    keep.push(id)
                }
            }
        }
        mark_resolved(&conn, &[late], recent).unwrap();
    }
    let chart_before = stats(
        &store.conn(),
        StatsBucket::Day,
        old,
        old + Duration::days(1),
    )
    .unwrap();
    assert_eq!(chart_before[0].succeeded, 1);

    set_settings(&store, &DeliverySettings { retention_days: 0 }).unwrap();
    assert_eq!(
        prune(&store, now).unwrap(),
        PruneReport::default(),
        "0 keeps everything"
    );

    set_settings(&store, &DeliverySettings { retention_days: 90 }).unwrap();
    let report = prune(&store, now).unwrap();
    assert_eq!(report.deliveries, drop.len() as u64);
    assert_eq!(report.attempts, 1, "the old succeeded delivery's attempt");
    for id in &drop {
        assert_eq!(
            get(&store.conn(), *id).unwrap_err().code,
            ErrorCode::NotFound
        );
    }
    for id in &keep {
        get(&store.conn(), *id).unwrap();
    }
    let orphans: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM delivery_attempts WHERE delivery_id NOT IN (SELECT id FROM deliveries)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
    let chart_after = stats(
        &store.conn(),
        StatsBucket::Day,
        old,
        old + Duration::days(1),
    )
    .unwrap();
    assert_eq!(chart_after[0].succeeded, 0, "the chart follows the log");
    assert_eq!(
        chart_after[0].failed, 2,
        "the kept failure and the late-resolved one"
    );
    assert_eq!(prune(&store, now).unwrap().deliveries, 0, "idempotent");

    let e = set_settings(
        &store,
        &DeliverySettings {
            retention_days: MAX_RETENTION_DAYS + 1,
        },
    )
    .unwrap_err();
    assert!(e.is_usage());
    store.set_setting(RETENTION_SETTING, "ninety").unwrap();
    let e = settings(&store).unwrap_err();
    assert!(e.message.contains("'ninety'"), "{}", e.message);
}

#[test]
fn csv_export_quotes_commas_quotes_and_newlines() {
    let (_dir, store) = open();
    let conn = store.conn();
    let batch = begin_batch(&conn, DeliveryTrigger::Manual, t0()).unwrap();
    let nasty = "Required fields are missing: [LastName, Company]\nsee \"Lead\" layout, line 2";
    let a = begin_delivery(&conn, &lead(batch, "a,b\"c@x.com"), t0()).unwrap();
    finish_delivery(&conn, a, &failure("REQUIRED_FIELD_MISSING", nasty), t0()).unwrap();
    let b = begin_delivery(
        &conn,
        &lead(batch, "=cmd@x.com"),
        t0() + Duration::seconds(1),
    )
    .unwrap();
    finish_delivery(
        &conn,
        b,
        &DeliveryOutcome {
            salesforce_id: Some("00Q000000000002AAA".into()),
            ..DeliveryOutcome::new(FinishedStatus::Succeeded)
        },
        t0() + Duration::seconds(1),
    )
    .unwrap();

    let mut out = Vec::new();
    let n = export_csv(
        &conn,
        &DeliveryQuery {
            descending: Some(false),
            ..Default::default()
        },
        &mut out,
    )
    .unwrap();
    assert_eq!(n, 2);
    let mut reader = csv::Reader::from_reader(out.as_slice());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        CSV_COLUMNS
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2);
    assert_eq!(&records[0][0], a.to_string());
    assert_eq!(&records[0][1], "2025-03-01T00:00:00.000Z");
    assert_eq!(&records[0][2], "a,b\"c@x.com");
    assert_eq!(&records[0][5], "failed");
    assert_eq!(&records[0][7], "REQUIRED_FIELD_MISSING");
    assert_eq!(&records[0][8], nasty, "the message survives the round trip");
    assert_eq!(&records[0][10], "manual");
    assert_eq!(&records[1][2], "'=cmd@x.com", "a formula is shown, not run");
    assert_eq!(&records[1][6], "00Q000000000002AAA");
    assert_eq!(&records[1][9], "0");
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("\"a,b\"\"c@x.com\""), "{text}");

    let mut failed_only = Vec::new();
    let n = export_csv(
        &conn,
        &DeliveryQuery {
            status: vec![DeliveryStatus::Failed],
            ..Default::default()
        },
        &mut failed_only,
    )
    .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn types_serialize_camel_case_with_rfc3339_times() {
    let (_dir, store) = open();
    let conn = store.conn();
    let batch = begin_batch(&conn, DeliveryTrigger::Manual, t0()).unwrap();
    let id = begin_delivery(&conn, &lead(batch, "j@x.com"), t0()).unwrap();
    finish_delivery(&conn, id, &failure("E", "m"), t0()).unwrap();
    let v = serde_json::to_value(get(&conn, id).unwrap()).unwrap();
    assert_eq!(v["delivery"]["createdAt"], "2025-03-01T00:00:00.000Z");
    assert_eq!(v["delivery"]["status"], "failed");
    assert_eq!(v["delivery"]["error"]["httpStatus"], 400);
    assert_eq!(v["delivery"]["error"]["salesforceCode"], "E");
    assert_eq!(v["delivery"]["id"], id.0);
    assert_eq!(v["retriedBy"], json!([]));
}

#[test]
fn the_log_clock_never_runs_backwards() {
    let (_dir, store) = open();
    let conn = store.conn();
    let batch = begin_batch(&conn, DeliveryTrigger::Manual, t0()).unwrap();
    let first =
        begin_delivery(&conn, &lead(batch, "a@x.com"), t0() + Duration::minutes(10)).unwrap();
    // The wall clock stepped back five minutes.
    let second =
        begin_delivery(&conn, &lead(batch, "b@x.com"), t0() + Duration::minutes(5)).unwrap();
    let third =
        begin_delivery(&conn, &lead(batch, "c@x.com"), t0() + Duration::minutes(11)).unwrap();
    let at = |id| get(&conn, id).unwrap().delivery.created_at;
    assert_eq!(at(first), t0() + Duration::minutes(10));
    assert_eq!(
        at(second),
        t0() + Duration::minutes(10),
        "held at the last time logged"
    );
    assert_eq!(at(third), t0() + Duration::minutes(11));
    // So newest-first by time is newest-first by id, with or without a search.
    let newest = ids(&conn, &DeliveryQuery::default()).unwrap();
    assert_eq!(newest, vec![third, second, first]);
    let searched = ids(
        &conn,
        &DeliveryQuery {
            search: Some("x.com".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(searched, newest);
}

#[test]
fn the_most_selective_filter_drives_without_statistics() {
    let (_dir, store) = open();
    seed(&store, 2_000);
    let conn = store.conn();
    let plan = |q: &DeliveryQuery| -> String {
        let (sql, params) = super::query::count_sql(&conn, q).unwrap();
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params), |r| {
                r.get::<_, String>(3)
            })
            .unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
    };
    // Failures are ~15% of the seeded log, Leads ~40%: the status index must drive.
    let failed_leads = DeliveryQuery {
        status: vec![DeliveryStatus::Failed],
        object: vec![DeliveryObject::Lead],
        created_from: Some(t0() + Duration::days(2)),
        ..Default::default()
    };
    let p = plan(&failed_leads);
    assert!(p.contains("deliveries_by_status"), "{p}");
    // Tasks (~20%) against succeeded (~60%): the object index drives.
    let succeeded_tasks = DeliveryQuery {
        status: vec![DeliveryStatus::Succeeded],
        object: vec![DeliveryObject::Task],
        ..Default::default()
    };
    let p = plan(&succeeded_tasks);
    assert!(p.contains("deliveries_by_object"), "{p}");
    // Whatever drives, the other filters are checked inside the index: no table reads.
    assert!(p.contains("COVERING INDEX"), "{p}");
}

#[test]
fn a_listing_counts_its_first_window_only() {
    let (_dir, store) = open();
    let conn = store.conn();
    let batch = begin_batch(&conn, DeliveryTrigger::Manual, t0()).unwrap();
    for i in 0..5 {
        begin_delivery(&conn, &lead(batch, &format!("p{i}@x.com")), t0()).unwrap();
    }
    let q = DeliveryQuery {
        limit: Some(2),
        ..Default::default()
    };
    let first = list_counted(&conn, &q).unwrap();
    assert_eq!(
        (first.rows.len(), first.has_more, first.total),
        (2, true, Some(5))
    );
    let last = list_counted(
        &conn,
        &DeliveryQuery {
            offset: Some(4),
            ..q
        },
    )
    .unwrap();
    assert_eq!(
        (last.rows.len(), last.has_more, last.total),
        (1, false, None)
    );
}

#[test]
fn a_csv_file_export_is_whole_or_absent() {
    let (dir, store) = open();
    let conn = store.conn();
    let batch = begin_batch(&conn, DeliveryTrigger::Manual, t0()).unwrap();
    let id = begin_delivery(&conn, &lead(batch, "=cmd@x.com"), t0()).unwrap();
    finish_delivery(
        &conn,
        id,
        &failure("REQUIRED_FIELD_MISSING", "LastName"),
        t0(),
    )
    .unwrap();
    let file = dir.path().join("log.csv");
    let n = export_csv_file(&conn, &DeliveryQuery::default(), &file).unwrap();
    assert_eq!(n, 1);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("id,created_at,email,"), "{text}");
    assert!(text.contains("'=cmd@x.com"), "formulas stay inert: {text}");
    assert!(text.contains("REQUIRED_FIELD_MISSING"), "{text}");
    assert!(!dir.path().join("log.csv.partial").exists());

    // A folder that does not exist: an Io error naming the path, and nothing left behind.
    let missing = dir.path().join("no-such-folder").join("log.csv");
    let e = export_csv_file(&conn, &DeliveryQuery::default(), &missing).unwrap_err();
    assert_eq!(e.code, ErrorCode::Io);
    assert!(e.message.contains("no-such-folder"), "{}", e.message);
    assert!(!missing.exists());

    // Into a folder: a fresh name each time, never overwriting.
    let a = export_csv_into(&conn, &DeliveryQuery::default(), dir.path(), t0()).unwrap();
    let b = export_csv_into(&conn, &DeliveryQuery::default(), dir.path(), t0()).unwrap();
    assert!(
        a.path
            .ends_with("leadbridge-deliveries-20250301-000000.csv"),
        "{}",
        a.path
    );
    assert!(
        b.path
            .ends_with("leadbridge-deliveries-20250301-000000-2.csv"),
        "{}",
        b.path
    );
    assert_eq!((a.rows, b.rows), (1, 1));
}
