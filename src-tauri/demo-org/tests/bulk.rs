//! Bulk API 2.0 ingest: job lifecycle, asynchronous processing, per-record results through the
//! same validation as REST, and the `/__demo/bulk` faults.

mod common;

use std::time::{Duration, Instant};

use common::{error_code, harness, Harness};
use leadbridge_demo_org::{BulkFaults, PathKind};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn create_job(h: &Harness, token: &str, object: &str, operation: &str) -> String {
    let (s, v) = h
        .send(
            token,
            Method::POST,
            "/jobs/ingest",
            Some(json!({"object": object, "operation": operation, "contentType": "CSV", "lineEnding": "LF"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["state"], "Open");
    assert_eq!(v["object"], object);
    v["id"].as_str().expect("job id").to_string()
}

async fn upload(h: &Harness, token: &str, id: &str, csv: &str) -> StatusCode {
    h.http
        .put(h.data(&format!("/jobs/ingest/{id}/batches")))
        .bearer_auth(token)
        .header("Content-Type", "text/csv")
        .body(csv.to_string())
        .send()
        .await
        .expect("answers")
        .status()
}

async fn close(h: &Harness, token: &str, id: &str, state: &str) -> (StatusCode, Value) {
    h.send(
        token,
        Method::PATCH,
        &format!("/jobs/ingest/{id}"),
        Some(json!({ "state": state })),
    )
    .await
}

async fn wait_final(h: &Harness, token: &str, id: &str) -> Value {
    let started = Instant::now();
    loop {
        let (s, _, v) = h.get(token, &format!("/jobs/ingest/{id}")).await;
        assert_eq!(s, StatusCode::OK);
        if matches!(
            v["state"].as_str(),
            Some("JobComplete" | "Failed" | "Aborted")
        ) {
            return v;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "job stuck: {v}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn results(h: &Harness, token: &str, id: &str, which: &str) -> (String, String) {
    let r = h
        .http
        .get(h.data(&format!("/jobs/ingest/{id}/{which}")))
        .bearer_auth(token)
        .send()
        .await
        .expect("answers");
    assert_eq!(r.status(), StatusCode::OK);
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (ct, r.text().await.expect("body"))
}

fn rows(csv: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    r.records()
        .map(|r| r.expect("csv").iter().map(str::to_string).collect())
        .collect()
}

#[tokio::test]
async fn insert_job_runs_through_its_states_and_reports_each_record() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let id = create_job(&h, &token, "Lead", "insert").await;
    let long = "x".repeat(81);
    let csv = format!(
        "LastName,Company,Email\nAda,\"Lovelace, Ltd\",ada@bulk.example\n{long},Acme,long@bulk.example\n,NoName,none@bulk.example\n"
    );
    assert_eq!(upload(&h, &token, &id, &csv).await, StatusCode::CREATED);
    // Still Open until the client says UploadComplete: nothing is written.
    let (_, _, info) = h.get(&token, &format!("/jobs/ingest/{id}")).await;
    assert_eq!(info["state"], "Open");
    let (s, v) = close(&h, &token, &id, "UploadComplete").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["state"], "UploadComplete");
    let info = wait_final(&h, &token, &id).await;
    assert_eq!(info["state"], "JobComplete", "{info}");
    assert_eq!(info["numberRecordsProcessed"], 3);
    assert_eq!(info["numberRecordsFailed"], 2);

    let (ct, ok) = results(&h, &token, &id, "successfulResults").await;
    assert!(ct.starts_with("text/csv"), "{ct}");
    let ok = rows(&ok);
    assert_eq!(
        ok[0],
        ["sf__Id", "sf__Created", "LastName", "Company", "Email"]
    );
    assert_eq!(ok.len(), 2);
    assert!(ok[1][0].starts_with("00Q"), "{:?}", ok[1]);
    assert_eq!(ok[1][1], "true");
    assert_eq!(ok[1][3], "Lovelace, Ltd");
    // The Lead is really there, through the REST API.
    let (_, q) = h
        .query(
            &token,
            "SELECT Id, Company FROM Lead WHERE Email = 'ada@bulk.example'",
        )
        .await;
    assert_eq!(q["totalSize"], 1);
    assert_eq!(q["records"][0]["Id"], ok[1][0].as_str());

    let (_, failed) = results(&h, &token, &id, "failedResults").await;
    let failed = rows(&failed);
    assert_eq!(failed[0][..2], ["sf__Id", "sf__Error"]);
    assert_eq!(failed.len(), 3);
    let errors: Vec<&str> = failed[1..].iter().map(|r| r[1].as_str()).collect();
    assert!(errors[0].starts_with("STRING_TOO_LONG:"), "{errors:?}");
    assert!(errors[0].ends_with(":LastName --"), "{errors:?}");
    assert!(
        errors[1].starts_with("REQUIRED_FIELD_MISSING:"),
        "{errors:?}"
    );
    let (_, unprocessed) = results(&h, &token, &id, "unprocessedrecords").await;
    assert_eq!(
        rows(&unprocessed),
        vec![vec!["LastName", "Company", "Email"]]
    );
}

#[tokio::test]
async fn update_job_changes_records_and_na_clears_a_field() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let (_, q) = h
        .query(
            &token,
            "SELECT Id FROM Lead WHERE Email = 'maya.lindqvist@fernbrook.example'",
        )
        .await;
    let lead = q["records"][0]["Id"]
        .as_str()
        .expect("seeded lead")
        .to_string();
    let id = create_job(&h, &token, "Lead", "update").await;
    let csv = format!("Id,Title,Intent__c\n{lead},Head of Design,#N/A\n00Q000000000000AAA,X,\n");
    assert_eq!(upload(&h, &token, &id, &csv).await, StatusCode::CREATED);
    close(&h, &token, &id, "UploadComplete").await;
    let info = wait_final(&h, &token, &id).await;
    assert_eq!(info["numberRecordsFailed"], 1, "{info}");
    let (_, ok) = results(&h, &token, &id, "successfulResults").await;
    let ok = rows(&ok);
    assert_eq!(ok[1][0], lead);
    assert_eq!(ok[1][1], "false");
    let (_, q) = h
        .query(
            &token,
            &format!("SELECT Title, Intent__c FROM Lead WHERE Id = '{lead}'"),
        )
        .await;
    assert_eq!(q["records"][0]["Title"], "Head of Design");
    assert_eq!(q["records"][0]["Intent__c"], Value::Null);
}

#[tokio::test]
async fn an_unknown_column_fails_the_job_and_a_fault_fails_the_next_one() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let id = create_job(&h, &token, "Lead", "insert").await;
    upload(&h, &token, &id, "LastName,Company,Nope__c\nA,B,C\n").await;
    close(&h, &token, &id, "UploadComplete").await;
    let info = wait_final(&h, &token, &id).await;
    assert_eq!(info["state"], "Failed");
    assert_eq!(
        info["errorMessage"],
        "InvalidBatch : Field name not found : Nope__c"
    );

    h.org.set_bulk_faults(BulkFaults {
        fail_next_jobs: 1,
        fail_message: Some("InternalServerError : try again".into()),
        ..BulkFaults::default()
    });
    let id = create_job(&h, &token, "Lead", "insert").await;
    upload(&h, &token, &id, "LastName,Company\nA,B\n").await;
    close(&h, &token, &id, "UploadComplete").await;
    let info = wait_final(&h, &token, &id).await;
    assert_eq!(info["state"], "Failed");
    assert_eq!(info["errorMessage"], "InternalServerError : try again");
    let (_, unprocessed) = results(&h, &token, &id, "unprocessedrecords").await;
    assert_eq!(rows(&unprocessed).len(), 2, "the row was not processed");
}

#[tokio::test]
async fn abort_stops_processing_and_leaves_the_rest_unprocessed() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    h.org.set_bulk_faults(BulkFaults {
        chunk_delay_ms: 200,
        ..BulkFaults::default()
    });
    let id = create_job(&h, &token, "Lead", "insert").await;
    let mut csv = String::from("LastName,Company\n");
    for i in 0..1000 {
        csv.push_str(&format!("L{i},Abort Co\n"));
    }
    upload(&h, &token, &id, &csv).await;
    close(&h, &token, &id, "UploadComplete").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (s, v) = close(&h, &token, &id, "Aborted").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["state"], "Aborted");
    let info = wait_final(&h, &token, &id).await;
    let processed = info["numberRecordsProcessed"].as_u64().expect("count");
    assert!(processed < 1000, "{info}");
    let (_, ok) = results(&h, &token, &id, "successfulResults").await;
    let (_, rest) = results(&h, &token, &id, "unprocessedrecords").await;
    assert_eq!(rows(&ok).len() - 1, processed as usize);
    assert_eq!(rows(&rest).len() - 1, 1000 - processed as usize);
    // A finished job cannot be aborted again.
    let (s, v) = close(&h, &token, &id, "Aborted").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "INVALIDJOBSTATE");
}

#[tokio::test]
async fn state_rules_listing_limits_and_accounting() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let (s, v) = h
        .send(
            &token,
            Method::POST,
            "/jobs/ingest",
            Some(json!({"object": "Nope", "operation": "insert"})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "INVALIDJOB");
    let id = create_job(&h, &token, "Lead", "insert").await;
    // Not CSV.
    let s = h
        .http
        .put(h.data(&format!("/jobs/ingest/{id}/batches")))
        .bearer_auth(&token)
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("answers")
        .status();
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        upload(&h, &token, &id, "LastName,Company\nA,B\n").await,
        StatusCode::CREATED
    );
    // One upload per job.
    assert_eq!(
        upload(&h, &token, &id, "LastName,Company\nA,B\n").await,
        StatusCode::BAD_REQUEST
    );
    let (s, v) = close(&h, &token, &id, "JobComplete").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "INVALIDJOBSTATE");
    close(&h, &token, &id, "UploadComplete").await;
    wait_final(&h, &token, &id).await;
    assert_eq!(
        upload(&h, &token, &id, "LastName,Company\nA,B\n").await,
        StatusCode::BAD_REQUEST
    );

    let (_, _, list) = h.get(&token, "/jobs/ingest").await;
    assert_eq!(list["done"], true);
    assert_eq!(list["records"].as_array().map(Vec::len), Some(1));
    let (_, _, limits) = h.get(&token, "/limits").await;
    assert_eq!(limits["DailyBulkApiBatches"]["Max"], 15_000);
    assert_eq!(limits["DailyBulkApiBatches"]["Remaining"], 14_999);
    let summary = h.org.bulk_summary();
    assert_eq!(summary["uploads"], 1);
    let counts = h.org.api_calls();
    assert!(
        counts
            .by_kind
            .get(&PathKind::BulkIngest)
            .copied()
            .unwrap_or(0)
            >= 8
    );
    // Without a session nothing is served.
    let s = h
        .http
        .get(h.data("/jobs/ingest"))
        .send()
        .await
        .expect("answers")
        .status();
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Delete a finished job.
    let (s, _) = h
        .send(&token, Method::DELETE, &format!("/jobs/ingest/{id}"), None)
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _, _) = h.get(&token, &format!("/jobs/ingest/{id}")).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn held_jobs_wait_and_lock_faults_fail_single_rows() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    h.org.set_bulk_faults(BulkFaults {
        hold: true,
        ..BulkFaults::default()
    });
    let id = create_job(&h, &token, "Lead", "insert").await;
    upload(&h, &token, &id, "LastName,Company\nA,B\nC,D\n").await;
    close(&h, &token, &id, "UploadComplete").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (_, _, info) = h.get(&token, &format!("/jobs/ingest/{id}")).await;
    assert_eq!(info["state"], "UploadComplete");
    h.org.faults().lock_next_records(1);
    h.org.set_bulk_faults(BulkFaults::default());
    let info = wait_final(&h, &token, &id).await;
    assert_eq!(info["numberRecordsFailed"], 1, "{info}");
    let (_, failed) = results(&h, &token, &id, "failedResults").await;
    assert!(rows(&failed)[1][1].starts_with("UNABLE_TO_LOCK_ROW:"));
}

#[tokio::test]
async fn an_upload_larger_than_a_rest_body_is_taken() {
    // Salesforce takes uploads up to 150 MB; an HTTP framework's default body cap (axum: 2 MB)
    // must not stand in the way.
    let h = harness(true).await;
    let token = h.cc_token().await;
    let id = create_job(&h, &token, "Lead", "insert").await;
    let mut csv = String::from("LastName,Company,Email\n");
    let mut n = 0;
    while csv.len() < 3 * 1024 * 1024 {
        csv.push_str(&format!(
            "Visitor {n},Big Upload Co,visitor{n:06}@big-upload.example\n"
        ));
        n += 1;
    }
    assert_eq!(upload(&h, &token, &id, &csv).await, StatusCode::CREATED);
    let (s, v) = close(&h, &token, &id, "UploadComplete").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let info = wait_final(&h, &token, &id).await;
    assert_eq!(info["state"], "JobComplete", "{info}");
    assert_eq!(info["numberRecordsProcessed"], n);
    assert_eq!(info["numberRecordsFailed"], 0);
}
