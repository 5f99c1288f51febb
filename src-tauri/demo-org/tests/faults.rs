//! Fault injection and inspection, through the Rust handle and the control endpoint.

mod common;

use std::time::{Duration, Instant};

use common::{error_code, harness};
use leadbridge_demo_org::{FailNext, PathKind};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn latency_delays_calls() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    h.org
        .faults()
        .set_latency(Duration::from_millis(150), Duration::from_millis(50));
    let t = Instant::now();
    let (s, _, _) = h.get(&token, "/limits").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        t.elapsed() >= Duration::from_millis(150),
        "{:?}",
        t.elapsed()
    );
    h.org.faults().clear();
    let t = Instant::now();
    h.get(&token, "/limits").await;
    assert!(t.elapsed() < Duration::from_millis(150));
}

#[tokio::test]
async fn fail_next_answers_with_the_given_status_and_retry_after() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    h.org.faults().fail_next(FailNext {
        path_contains: "/sobjects/Lead".into(),
        count: 2,
        status: 503,
        error_code: "SERVER_UNAVAILABLE".into(),
        message: "Server unavailable, try again".into(),
        retry_after: Some(3),
    });
    let (s, _, _) = h.get(&token, "/limits").await;
    assert_eq!(s, StatusCode::OK, "other paths are untouched");
    for _ in 0..2 {
        let (s, headers, e) = h.get(&token, "/sobjects/Lead/describe").await;
        assert_eq!(
            (s, error_code(&e)),
            (StatusCode::SERVICE_UNAVAILABLE, "SERVER_UNAVAILABLE")
        );
        assert_eq!(headers["retry-after"], "3");
    }
    let (s, _, _) = h.get(&token, "/sobjects/Lead/describe").await;
    assert_eq!(s, StatusCode::OK, "only the next two failed");

    // The same through the control endpoint, with a 429.
    let r = h
        .http
        .post(h.url("/__demo/fail-next"))
        .json(&json!({"pathContains": "/query", "count": 1, "status": 429, "errorCode": "REQUEST_LIMIT_EXCEEDED", "message": "slow down"}))
        .send()
        .await
        .expect("control");
    assert_eq!(r.status(), StatusCode::OK);
    let (s, _) = h.query(&token, "SELECT Id FROM User").await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    let calls = h.org.calls();
    let last = calls.last().expect("logged");
    assert!(last.injected && !last.api_call && last.status == 429);
}

#[tokio::test]
async fn lock_rows_fails_the_next_records_written() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    h.org.faults().lock_next_records(2);
    let records: Vec<Value> =
        (0..3).map(|i| json!({"attributes": {"type": "Lead"}, "LastName": format!("Lock{i}"), "Company": "L"})).collect();
    let (_, r) = h
        .send(
            &token,
            Method::POST,
            "/composite/sobjects",
            Some(json!({"records": records})),
        )
        .await;
    assert_eq!(r[0]["errors"][0]["statusCode"], "UNABLE_TO_LOCK_ROW");
    assert_eq!(r[1]["errors"][0]["statusCode"], "UNABLE_TO_LOCK_ROW");
    assert_eq!(r[2]["success"], true);
    h.http
        .post(h.url("/__demo/lock-rows"))
        .json(&json!({"count": 1}))
        .send()
        .await
        .expect("control");
    let (s, e) = h
        .send(
            &token,
            Method::POST,
            "/sobjects/Lead",
            Some(json!({"LastName": "L", "Company": "L"})),
        )
        .await;
    assert_eq!(
        (s, error_code(&e)),
        (StatusCode::BAD_REQUEST, "UNABLE_TO_LOCK_ROW")
    );
}

#[tokio::test]
async fn daily_limit_ends_in_request_limit_exceeded() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    h.org.faults().set_daily_api_limit(3, Some(0));
    for i in 1..=3 {
        let (s, headers, _) = h.get(&token, "/limits").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(headers["sforce-limit-info"], format!("api-usage={i}/3"));
    }
    let (s, _, e) = h.get(&token, "/limits").await;
    assert_eq!(
        (s, error_code(&e)),
        (StatusCode::FORBIDDEN, "REQUEST_LIMIT_EXCEEDED")
    );
    let (_, _, limits) = {
        h.org.faults().set_daily_api_limit(10, None);
        h.get(&token, "/limits").await
    };
    assert_eq!(
        limits["DailyApiRequests"],
        json!({"Max": 10, "Remaining": 6})
    );
}

#[tokio::test]
async fn call_log_counters_and_reset() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    h.http
        .get(h.url("/services/data"))
        .send()
        .await
        .expect("versions");
    h.query(&token, "SELECT Id FROM Lead LIMIT 1").await;
    h.get(&token, "/sobjects/Lead/describe").await;
    h.get("dead-token", "/limits").await;
    let calls = h.org.calls();
    let kinds: Vec<(PathKind, bool)> = calls.iter().map(|c| (c.kind, c.api_call)).collect();
    assert_eq!(
        kinds,
        [
            (PathKind::Oauth, false),
            (PathKind::Versions, false),
            (PathKind::Query, true),
            (PathKind::Describe, true),
            (PathKind::Limits, false)
        ]
    );
    assert_eq!(calls[4].status, 401);
    let counts = h.org.api_calls();
    assert_eq!(counts.total, 2);
    let via_http: Value = h
        .http
        .get(h.url("/__demo/api-calls"))
        .send()
        .await
        .expect("control")
        .json()
        .await
        .expect("json");
    assert_eq!(via_http["total"], 2);
    assert_eq!(via_http["byKind"]["query"], 1);
    let log: Value = h
        .http
        .get(h.url("/__demo/calls"))
        .send()
        .await
        .expect("control")
        .json()
        .await
        .expect("json");
    assert_eq!(log.as_array().map(Vec::len), Some(5));

    // Reset with data: the created Lead disappears, the log empties, the token still works.
    h.send(
        &token,
        Method::POST,
        "/sobjects/Lead",
        Some(json!({"LastName": "Temp", "Company": "T"})),
    )
    .await;
    h.http
        .post(h.url("/__demo/reset"))
        .json(&json!({"data": true}))
        .send()
        .await
        .expect("control");
    assert!(h.org.calls().is_empty());
    assert_eq!(h.org.api_calls().total, 0);
    let (_, c) = h
        .query(&token, "SELECT COUNT() FROM Lead WHERE LastName = 'Temp'")
        .await;
    assert_eq!(c["totalSize"], 0);
}

#[tokio::test]
async fn expire_sessions_through_the_control_endpoint() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    h.http
        .post(h.url("/__demo/expire-sessions"))
        .send()
        .await
        .expect("control");
    let (s, _, e) = h.get(&token, "/limits").await;
    assert_eq!(
        (s, error_code(&e)),
        (StatusCode::UNAUTHORIZED, "INVALID_SESSION_ID")
    );
    let r = h
        .http
        .post(h.url("/__demo/opportunity-edit"))
        .json(&json!({"user": "nobody@x.example", "allowed": false}))
        .send()
        .await
        .expect("control");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn two_hundred_concurrent_requests_are_served() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let mut tasks = Vec::new();
    for i in 0..200 {
        let http = h.http.clone();
        let url = if i % 2 == 0 {
            h.data("/query?q=SELECT+Id,Name,Owner.Name+FROM+Lead+LIMIT+50")
        } else {
            h.data("/sobjects/Contact/describe")
        };
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            http.get(url)
                .bearer_auth(token)
                .send()
                .await
                .map(|r| r.status())
        }));
    }
    for t in tasks {
        let status = t.await.expect("task").expect("answered");
        assert_eq!(status, StatusCode::OK);
    }
}
