//! `leadbridge log ...` against a real data directory: rows are written through the core's
//! delivery-log API (as the sync engine writes them), then the built binary reads them back.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use leadbridge_core::deliveries::{
    self, AttemptError, AttemptOutcome, AttemptRequest, AttemptResult, DeliveryError, DeliveryId,
    DeliveryObject, DeliveryOutcome, DeliveryTrigger, FinishedStatus, NewDelivery, PlannedAction,
};
use leadbridge_core::store::Store;
use serde_json::{json, Value};

const NASTY: &str = "Required fields are missing: [LastName, Company]\nsee \"Lead\" layout, line 2";

struct Seeded {
    failed: DeliveryId,
    succeeded: DeliveryId,
    skipped: DeliveryId,
    pending: DeliveryId,
}

fn new(batch: deliveries::BatchId, email: &str, object: DeliveryObject) -> NewDelivery {
    NewDelivery {
        batch_id: batch,
        trigger: DeliveryTrigger::Manual,
        retry_of: None,
        email: email.into(),
        contact_name: Some("Jane Doe".into()),
        // The company follows the email's domain: "acme.com" -> "Acme".
        company: email
            .split('@')
            .nth(1)
            .and_then(|d| d.split('.').next())
            .map(|c| {
                let mut c = c.to_string();
                c[..1].make_ascii_uppercase();
                c
            }),
        object,
        action: PlannedAction::Create,
        salesforce_id: None,
        owner_id: None,
        owner_reason: None,
        payload: json!({"Email": email, "LastName": "Doe"}),
    }
}

fn seed(dir: &Path) -> Seeded {
    let store = Store::open(dir).unwrap();
    let conn = store.conn();
    let t = |s: &str| deliveries::parse_time(s).unwrap();
    let batch = deliveries::begin_batch(&conn, DeliveryTrigger::Manual, t("2025-03-01")).unwrap();

    let failed = deliveries::begin_delivery(
        &conn,
        &new(batch, "jane.doe@acme.com", DeliveryObject::Lead),
        t("2025-03-01T10:00:00Z"),
    )
    .unwrap();
    let attempt = deliveries::begin_attempt(
        &conn,
        failed,
        &AttemptRequest {
            method: "POST".into(),
            path: "https://acme.my.salesforce.com/services/data/v66.0/composite/sobjects".into(),
            body: Some(r#"{"records":[{"attributes":{"type":"Lead"},"Email":"jane.doe@acme.com"}],"access_token":"tok-123"}"#.into()),
        },
        t("2025-03-01T10:00:01Z"),
    )
    .unwrap();
    deliveries::finish_attempt(
        &conn,
        attempt,
        &AttemptResult {
            outcome: AttemptOutcome::FailedPermanent,
            response_status: Some(400),
            response_body: Some(r#"[{"message":"Required fields are missing: [LastName]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName"]}]"#.into()),
            error: Some(AttemptError {
                code: Some("REQUIRED_FIELD_MISSING".into()),
                message: "Required fields are missing: [LastName]".into(),
                fields: vec!["LastName".into()],
            }),
            api_usage: Some("api-usage=25/15000".into()),
        },
        t("2025-03-01T10:00:02Z"),
    )
    .unwrap();
    deliveries::finish_delivery(
        &conn,
        failed,
        &DeliveryOutcome {
            error: Some(DeliveryError {
                code: "REQUIRED_FIELD_MISSING".into(),
                message: NASTY.into(),
                fields: vec!["LastName".into()],
                http_status: Some(400),
                salesforce_code: Some("REQUIRED_FIELD_MISSING".into()),
            }),
            ..DeliveryOutcome::new(FinishedStatus::Failed)
        },
        t("2025-03-01T10:00:02Z"),
    )
    .unwrap();

    let succeeded = deliveries::begin_delivery(
        &conn,
        &new(batch, "li.wong@globex.io", DeliveryObject::Lead),
        t("2025-03-02T10:00:00Z"),
    )
    .unwrap();
    deliveries::finish_delivery(
        &conn,
        succeeded,
        &DeliveryOutcome {
            salesforce_id: Some("00Q000000000001AAA".into()),
            ..DeliveryOutcome::new(FinishedStatus::Succeeded)
        },
        t("2025-03-02T10:00:01Z"),
    )
    .unwrap();

    let skipped = deliveries::begin_delivery(
        &conn,
        &new(batch, "o'brien@initech.net", DeliveryObject::Contact),
        t("2025-03-03T10:00:00Z"),
    )
    .unwrap();
    deliveries::finish_delivery(
        &conn,
        skipped,
        &DeliveryOutcome {
            error: Some(DeliveryError {
                code: "CONTACT_EXISTS".into(),
                message: "a Contact with this email exists".into(),
                fields: vec![],
                http_status: None,
                salesforce_code: None,
            }),
            ..DeliveryOutcome::new(FinishedStatus::Skipped)
        },
        t("2025-03-03T10:00:01Z"),
    )
    .unwrap();

    let pending = deliveries::begin_delivery(
        &conn,
        &new(batch, "zoe@acme.com", DeliveryObject::Opportunity),
        t("2025-03-04T10:00:00Z"),
    )
    .unwrap();
    Seeded {
        failed,
        succeeded,
        skipped,
        pending,
    }
}

fn leadbridge(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leadbridge"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("LEADBRIDGE_DATA_DIR")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json_lines(o: &Output) -> Vec<Value> {
    assert!(o.status.success(), "{}", stderr(o));
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn ids(lines: &[Value]) -> Vec<i64> {
    lines.iter().map(|l| l["id"].as_i64().unwrap()).collect()
}

#[test]
fn list_json_prints_one_object_per_line_newest_first_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let s = seed(dir.path());

    let all = json_lines(&leadbridge(dir.path(), &["log", "list", "--json"]));
    assert_eq!(
        ids(&all),
        vec![s.pending.0, s.skipped.0, s.succeeded.0, s.failed.0]
    );
    let failed = &all[3];
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["email"], "jane.doe@acme.com");
    assert_eq!(failed["error"]["code"], "REQUIRED_FIELD_MISSING");
    assert_eq!(failed["error"]["message"], NASTY);
    assert_eq!(failed["attempts"], 1);
    assert_eq!(failed["createdAt"], "2025-03-01T10:00:00.000Z");

    let only_failed = json_lines(&leadbridge(
        dir.path(),
        &["log", "list", "--status", "failed", "--json"],
    ));
    assert_eq!(ids(&only_failed), vec![s.failed.0]);

    let two = json_lines(&leadbridge(
        dir.path(),
        &["log", "list", "--status", "failed,SKIPPED", "--json"],
    ));
    assert_eq!(ids(&two), vec![s.skipped.0, s.failed.0]);

    let acme = json_lines(&leadbridge(
        dir.path(),
        &["log", "list", "--search", "acme", "--json"],
    ));
    assert_eq!(ids(&acme), vec![s.pending.0, s.failed.0]);

    let apostrophe = json_lines(&leadbridge(
        dir.path(),
        &["log", "list", "--search", "o'brien", "--json"],
    ));
    assert_eq!(ids(&apostrophe), vec![s.skipped.0]);

    let objects = json_lines(&leadbridge(
        dir.path(),
        &[
            "log",
            "list",
            "--object",
            "contact",
            "--object",
            "Opportunity",
            "--json",
        ],
    ));
    assert_eq!(ids(&objects), vec![s.pending.0, s.skipped.0]);

    let dated = json_lines(&leadbridge(
        dir.path(),
        &[
            "log",
            "list",
            "--from",
            "2025-03-02",
            "--to",
            "2025-03-03T12:00:00Z",
            "--json",
        ],
    ));
    assert_eq!(ids(&dated), vec![s.skipped.0, s.succeeded.0]);

    let limited = leadbridge(dir.path(), &["log", "list", "--limit", "1", "--json"]);
    assert_eq!(ids(&json_lines(&limited)), vec![s.pending.0]);
    assert!(
        stderr(&limited).contains("showing 1 of 4 deliveries"),
        "{}",
        stderr(&limited)
    );
}

#[test]
fn a_bad_status_exits_2_naming_it_and_the_allowed_values() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let out = leadbridge(dir.path(), &["log", "list", "--status", "failed,broken"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("error[INVALID_INPUT]"), "{err}");
    assert!(err.contains("'broken'"), "{err}");
    assert!(
        err.contains("pending, in_flight, succeeded, failed, skipped, resolved"),
        "{err}"
    );
    assert!(stdout(&out).is_empty());

    let out = leadbridge(dir.path(), &["log", "export", "--csv", "--status", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    let out = leadbridge(dir.path(), &["log", "list", "--from", "last week"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("'last week'"), "{}", stderr(&out));
}

#[test]
fn list_prints_a_table_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let s = seed(dir.path());
    let out = leadbridge(dir.path(), &["log", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "header and four rows:\n{text}");
    assert!(lines[0].contains("ID") && lines[0].contains("STATUS") && lines[0].contains("EMAIL"));
    let failed_row = lines[4];
    assert!(failed_row.trim_start().starts_with(&s.failed.0.to_string()));
    assert!(failed_row.contains("failed"));
    assert!(
        failed_row.contains(
            "REQUIRED_FIELD_MISSING: Required fields are missing: [LastName, Company] see"
        ),
        "the message stays on one line: {failed_row}"
    );
}

#[test]
fn show_prints_the_delivery_and_its_attempt_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let s = seed(dir.path());
    let id = s.failed.0.to_string();

    let detail = json_lines(&leadbridge(dir.path(), &["log", "show", &id, "--json"]));
    assert_eq!(detail.len(), 1);
    let d = &detail[0];
    assert_eq!(d["delivery"]["id"], s.failed.0);
    assert_eq!(d["attempts"][0]["attempt"], 1);
    assert_eq!(d["attempts"][0]["outcome"], "failed_permanent");
    assert_eq!(d["attempts"][0]["responseStatus"], 400);
    assert_eq!(
        d["attempts"][0]["path"],
        "/services/data/v66.0/composite/sobjects"
    );
    let request = d["attempts"][0]["requestBody"].as_str().unwrap();
    assert!(request.contains("jane.doe@acme.com"));
    assert!(!request.contains("tok-123"), "redacted: {request}");
    assert!(d["payload"].as_str().unwrap().contains("LastName"));

    let out = leadbridge(dir.path(), &["log", "show", &id]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for expected in [
        &format!("delivery {id}: failed Lead create (manual, batch"),
        "Jane Doe <jane.doe@acme.com>, Acme",
        "error:            REQUIRED_FIELD_MISSING (HTTP 400; Salesforce REQUIRED_FIELD_MISSING; fields LastName)",
        "attempt 1 at 2025-03-01T10:00:01.000Z: POST /services/data/v66.0/composite/sobjects -> 400: failed_permanent, 1000 ms",
        "api usage: api-usage=25/15000",
        "\"errorCode\": \"REQUIRED_FIELD_MISSING\"",
        "request:",
        "response:",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }

    let out = leadbridge(dir.path(), &["log", "show", "9999"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error[NOT_FOUND]: delivery 9999 does not exist"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn export_writes_quoted_csv_to_a_file_or_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let s = seed(dir.path());
    let file = dir.path().join("failed.csv");
    let out = leadbridge(
        dir.path(),
        &[
            "log",
            "export",
            "--csv",
            "--status",
            "failed,skipped",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("exported 2 deliveries"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.path().join("failed.csv.partial").exists());

    let mut reader = csv::Reader::from_path(&file).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        deliveries::CSV_COLUMNS
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][0], s.skipped.0.to_string());
    assert_eq!(&rows[0][2], "o'brien@initech.net");
    assert_eq!(&rows[0][7], "CONTACT_EXISTS");
    assert_eq!(&rows[1][0], s.failed.0.to_string());
    assert_eq!(&rows[1][8], NASTY, "commas, quotes and newlines survive");

    let out = leadbridge(dir.path(), &["log", "export", "--csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut reader = csv::Reader::from_reader(out.stdout.as_slice());
    assert_eq!(reader.records().count(), 4);

    let out = leadbridge(dir.path(), &["log", "export", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "--csv is required");
}

/// `leadbridge log list --json | head -1` (and the table, and the CSV export to stdout): the
/// reader closes the pipe after one line, and the command ends quietly (status 0, nothing on
/// stderr) instead of reporting a failed write.
#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        let conn = store.conn();
        let now = deliveries::parse_time("2025-03-01T10:00:00Z").unwrap();
        let batch = deliveries::begin_batch(&conn, DeliveryTrigger::Manual, now).unwrap();
        // Enough deliveries that every output overflows the pipe's buffer (64 KiB on Linux),
        // so a write happens after the reader has gone.
        for i in 0..1_000 {
            let email = format!("reader{i:04}@pipe.example");
            deliveries::begin_delivery(&conn, &new(batch, &email, DeliveryObject::Lead), now)
                .unwrap();
        }
    }
    let command = |args: &[&str]| {
        let mut c = common::leadbridge(dir.path());
        c.args(args).env("RUST_LOG", "warn");
        c
    };

    let first = common::head_one(command(&["log", "list", "--json", "--limit", "0"]));
    let first: Value = serde_json::from_str(&first).expect("the first line is a whole delivery");
    assert_eq!(first["email"], "reader0999@pipe.example", "newest first");

    let header = common::head_one(command(&["log", "list", "--limit", "0"]));
    assert!(
        header.contains("STATUS") && header.contains("EMAIL"),
        "{header}"
    );

    let header = common::head_one(command(&["log", "export", "--csv"]));
    assert!(header.starts_with(deliveries::CSV_COLUMNS[0]), "{header}");
}
