//! `leadbridge contacts show EMAIL` against an in-process demo org: the captured contact, its
//! linked Salesforce records in one API call (text and `--json`), `--offline`, and the exit
//! statuses for an unknown email and a missing connection.

mod common;

use std::path::Path;
use std::process::Output;

use common::{connect_no_browser, demo_org, leadbridge, run, text};
use leadbridge_demo_org::KNOWN_CONTACT_EMAIL;
use serde_json::{json, Value};

async fn show(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = leadbridge(dir);
    cmd.args(["contacts", "show"]).args(args);
    run(cmd).await
}

fn import_known(dir: &Path) {
    let file = dir.join("events.json");
    let events = json!([{
        "event": "lead.qualified",
        "timestamp": "2026-04-05T14:30:00Z",
        "lead": {
            "email": KNOWN_CONTACT_EMAIL,
            "firstName": "Siobhan",
            "lastName": "O'Brien",
            "company": "Harborlight Analytics",
            "qualificationScore": 85,
            "conversationUrl": "https://app.hoverbot.ai/conversations/c-1",
            "agents": {"meetingScheduledWith": "sally@ours.example"}
        }
    }]);
    std::fs::write(&file, serde_json::to_vec(&events).unwrap()).unwrap();
    let out = leadbridge(dir)
        .args(["contacts", "import"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[tokio::test(flavor = "multi_thread")]
async fn shows_the_contact_and_its_linked_records() {
    let org = demo_org().await;
    let dir = tempfile::tempdir().unwrap();
    import_known(dir.path());

    // Not connected: the local part is shown, exit 1 says the linked records are missing.
    let out = show(dir.path(), &[KNOWN_CONTACT_EMAIL]).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Siobhan O'Brien"));
    assert!(
        text(&out.stderr).contains("NOT_CONNECTED"),
        "{}",
        text(&out.stderr)
    );
    let out = show(dir.path(), &[KNOWN_CONTACT_EMAIL, "--offline"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));

    let (connected, _) = connect_no_browser(dir.path(), &org, &[]).await;
    assert!(connected.status.success(), "{}", text(&connected.stderr));

    let before = org.api_calls().total;
    // Any case finds the contact.
    let out = show(dir.path(), &["O'BRIEN@harborlight.example", "--json"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(v["contact"]["email"], KNOWN_CONTACT_EMAIL);
    assert_eq!(
        v["contact"]["agents"]["meetingScheduledWith"],
        "sally@ours.example"
    );
    assert_eq!(v["deliveriesTotal"], 0);
    assert_eq!(v["linked"]["contact"]["name"], "Siobhan O'Brien");
    assert_eq!(v["linked"]["account"]["name"], "Harborlight Analytics");
    assert_eq!(v["linked"]["account"]["matchedBy"], "contact");
    assert!(!v["linked"]["opportunities"].as_array().unwrap().is_empty());
    assert!(v["linkedError"].is_null());
    // Describes for the permission check (one Composite) plus the linked records (one).
    assert_eq!(org.api_calls().total - before, 2);
    assert_eq!(v["linked"]["apiCalls"], 1);

    let out = show(dir.path(), &[KNOWN_CONTACT_EMAIL]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Account  "), "{stdout}");
    assert!(stdout.contains("Harborlight Analytics"), "{stdout}");
    assert!(stdout.contains("Opportunity "), "{stdout}");

    // Unknown email: NOT_FOUND, exit 1, nothing sent.
    let before = org.api_calls().total;
    let out = show(dir.path(), &["ghost@example.com"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("NOT_FOUND"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(org.api_calls().total, before);
    // No email at all: usage, exit 2.
    let out = show(dir.path(), &[]).await;
    assert_eq!(out.status.code(), Some(2));

    let mut cmd = leadbridge(dir.path());
    cmd.args(["org", "disconnect"]);
    assert!(run(cmd).await.status.success());
}
