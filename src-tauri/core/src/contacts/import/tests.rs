//! Import tests: every format and payload shape, every validation rule, and the
//! all-or-nothing transaction, against a real SQLite file in a temp dir.

use std::path::PathBuf;

use serde_json::json;

use super::*;
use crate::contacts::model::ConversationStatus;
use crate::contacts::store::{get_by_email, list, ContactQuery};
use crate::ErrorCode;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (dir, store)
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/events")
        .join(name)
}

fn count(store: &Store) -> u32 {
    crate::contacts::store::count(store).unwrap()
}

fn lead_line(email: &str, extra: &str) -> String {
    format!(
        r#"{{"event":"lead.qualified","timestamp":"2026-04-05T14:30:00Z","lead":{{"email":"{email}"{extra}}}}}"#
    )
}

/// (line, field) of every error, for compact assertions.
fn where_(report: &ImportReport) -> Vec<(u32, Option<&str>)> {
    report
        .errors
        .iter()
        .map(|e| (e.line, e.field.as_deref()))
        .collect()
}

#[test]
fn seed000_json_array_fixture() {
    let (_d, store) = store();
    let r = import_file(&store, &fixture("seed000-leads.json")).unwrap();
    assert_eq!(r.format, ImportFormat::JsonArray);
    assert_eq!(
        (r.rows, r.created, r.updated, r.rejected),
        (10, 9, 0, 0),
        "{r:#?}"
    );
    assert!(
        r.errors.is_empty() && r.warnings.is_empty() && r.duplicates.is_empty(),
        "{r:#?}"
    );

    // The last element repeats the first contact with different case: merged, later fields win.
    let alex = get_by_email(&store, "PROSPECT@company.COM")
        .unwrap()
        .unwrap();
    assert_eq!(alex.email, "Prospect@Company.com");
    assert_eq!(alex.email_key, "prospect@company.com");
    assert_eq!(alex.qualification_score, Some(91.0));
    assert_eq!(
        alex.phone.as_deref(),
        Some("+1-555-0142"),
        "kept: the later event had no phone"
    );
    assert_eq!(alex.company.as_deref(), Some("Company Inc."));
    let keys: Vec<_> = alex.metadata.keys().map(String::as_str).collect();
    assert_eq!(keys, ["companySize", "industry", "budget", "timeline"]);
    assert_eq!(alex.metadata["budget"], json!("100k+"));
    assert_eq!(
        alex.conversations.len(),
        2,
        "a returning visitor keeps both conversations"
    );
    assert_eq!(
        alex.conversation_url.as_deref(),
        Some("https://app.hoverbot.ai/conversations/sf-abc140")
    );
    assert_eq!(
        alex.qualified_at.unwrap().to_rfc3339(),
        "2026-04-06T14:45:10+00:00"
    );

    let obrien = get_by_email(&store, "o'brien@initech.example")
        .unwrap()
        .unwrap();
    assert_eq!(obrien.last_name.as_deref(), Some("O'Brien"));
    assert_eq!(obrien.domain.as_deref(), Some("initech.example"));
    let marco = get_by_email(&store, "marco.rossi@gmail.com")
        .unwrap()
        .unwrap();
    assert_eq!(
        marco.domain.as_deref(),
        Some("rossi-ceramiche.example"),
        "website, not gmail.com"
    );
    let priya = get_by_email(&store, "priya.nair@globex.example")
        .unwrap()
        .unwrap();
    assert_eq!(
        priya.agents.meeting_scheduled_with.as_deref(),
        Some("jordan.lee@leadbridge-demo.example")
    );
    let kenji = get_by_email(&store, "kenji.watanabe@hooli.example")
        .unwrap()
        .unwrap();
    assert_eq!(
        kenji.metadata["seats"],
        json!(450),
        "metadata keeps JSON types"
    );
}

#[test]
fn seed003_ndjson_fixture_mixes_event_kinds() {
    let (_d, store) = store();
    let r = import_file(&store, &fixture("seed003-events.ndjson")).unwrap();
    assert_eq!(r.format, ImportFormat::Ndjson);
    assert_eq!(
        (r.rows, r.created, r.events_applied, r.rejected),
        (11, 4, 6, 0),
        "{r:#?}"
    );

    let visitor = get_by_email(&store, "visitor@example.com")
        .unwrap()
        .unwrap();
    assert_eq!(visitor.email, "Visitor@Example.com");
    assert_eq!(visitor.conversation_id.as_deref(), Some("conv_1004"));
    assert_eq!(visitor.workspace_id.as_deref(), Some("ws_abc123"));
    assert_eq!(visitor.conversation_status, ConversationStatus::Open);
    assert_eq!(
        visitor.first_name.as_deref(),
        Some("Jamie"),
        "kept from the first conversation"
    );
    assert_eq!(visitor.qualification_score, Some(88.0));
    assert_eq!(visitor.events.len(), 1);
    assert_eq!(visitor.events[0].kind.as_str(), "conversation.escalated");
    assert_eq!(
        visitor.events[0].payload["reason"],
        json!("asked for a human")
    );

    let hana = get_by_email(&store, "hana.kim@acme.example")
        .unwrap()
        .unwrap();
    assert_eq!(hana.conversation_status, ConversationStatus::Closed);
    assert_eq!(
        hana.closed_at.unwrap().to_rfc3339(),
        "2026-04-07T09:32:00+00:00"
    );
    assert_eq!(hana.conversations[0].status, ConversationStatus::Closed);
    assert_eq!(hana.events[0].payload["rating"], json!(4));

    let luis = get_by_email(&store, "luis.fernandez@hotmail.com")
        .unwrap()
        .unwrap();
    assert_eq!(luis.last_name.as_deref(), Some("Fernández"));
    assert_eq!(luis.domain, None, "hotmail.com is free mail");
    assert_eq!(luis.events[0].kind.as_str(), "guardrail.triggered");
    assert_eq!(luis.conversation_status, ConversationStatus::Closed);
}

#[test]
fn csv_fixture_with_metadata_and_agents_columns() {
    let (_d, store) = store();
    let r = import_file(&store, &fixture("leads.csv")).unwrap();
    assert_eq!(r.format, ImportFormat::Csv);
    assert_eq!((r.rows, r.created, r.rejected), (8, 8, 0), "{r:#?}");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);

    let bill = get_by_email(&store, "bill.turner@tyrell.example")
        .unwrap()
        .unwrap();
    assert_eq!(bill.company.as_deref(), Some("Tyrell, Inc."));
    assert_eq!(
        bill.agents.last_routed.as_deref(),
        Some("sam.ortiz@leadbridge-demo.example")
    );
    assert_eq!(bill.qualification_score, Some(90.0));
    let keys: Vec<_> = bill.metadata.keys().map(String::as_str).collect();
    assert_eq!(keys, ["companySize", "industry", "budget"]);
    let grace = get_by_email(&store, "grace.h@oscorp.example")
        .unwrap()
        .unwrap();
    assert_eq!(grace.qualification_score, Some(55.5));
    assert_eq!(grace.phone, None, "an empty cell is no value");
    let anne = get_by_email(&store, "anne-marie.d'souza@massive.example")
        .unwrap()
        .unwrap();
    assert_eq!(anne.metadata["industry"], json!("Biotech, Pharma"));
    let yusuf = get_by_email(&store, "yusuf.demir@yahoo.com")
        .unwrap()
        .unwrap();
    assert_eq!(yusuf.domain.as_deref(), Some("demirtekstil.example"));
    let wei = get_by_email(&store, "li.wei@gringotts.example")
        .unwrap()
        .unwrap();
    assert_eq!(
        wei.domain.as_deref(),
        Some("gringotts.example"),
        "from the email when no website"
    );
    assert!(!wei.metadata.contains_key("budget"));
}

#[test]
fn bad_rows_fixture_keeps_the_valid_rows_and_names_every_error() {
    let (_d, store) = store();
    let r = import_file(&store, &fixture("bad-rows.ndjson")).unwrap();
    assert_eq!((r.rows, r.created, r.rejected), (13, 2, 10), "{r:#?}");
    assert_eq!(
        r.duplicates,
        vec![ImportDuplicate {
            line: 10,
            index: None,
            first_line: 1
        }]
    );
    assert_eq!(
        where_(&r),
        vec![
            (2, Some("lead.email")),
            (3, Some("lead.email")),
            (4, Some("lead.qualificationScore")),
            (5, Some("lead.qualificationScore")),
            (6, Some("timestamp")),
            (7, Some("event")),
            (8, None),
            (9, Some("lead.company")),
            (11, Some("conversationId")),
            (12, Some("lead.phone")),
        ]
    );
    let msg = |line: u32| {
        r.errors
            .iter()
            .find(|e| e.line == line)
            .unwrap()
            .message
            .as_str()
    };
    assert_eq!(msg(2), "is required");
    assert!(msg(3).contains("not a valid email address"), "{}", msg(3));
    assert!(msg(4).contains("between 0 and 100, got 150"));
    assert!(msg(7).contains("unknown event kind `lead.deleted`"));
    assert!(msg(8).starts_with("is not valid JSON"), "{}", msg(8));
    assert_eq!(msg(9), "is 300 characters long; the maximum is 255");
    assert!(msg(11).contains("conv_never_seen"));
    assert_eq!(count(&store), 2);
    assert!(get_by_email(&store, "good.three@globex.example")
        .unwrap()
        .is_some());
    assert!(get_by_email(&store, "too.high@acme.example")
        .unwrap()
        .is_none());
}

#[test]
fn json_array_errors_name_the_element_index_and_its_line() {
    let (_d, store) = store();
    let text = "[\n  {\"event\":\"lead.qualified\",\"timestamp\":\"2026-04-05T14:30:00Z\",\"lead\":{\"email\":\"a@acme.example\"}},\n\n  {\"event\":\"lead.qualified\",\n   \"timestamp\":\"2026-04-05T14:30:00Z\",\n   \"lead\":{\"email\":\"b@\"}},\n  42\n]";
    let r = import_bytes(&store, text.as_bytes()).unwrap();
    assert_eq!(r.created, 1);
    assert_eq!(r.errors.len(), 2, "{r:#?}");
    assert_eq!(
        (
            r.errors[0].line,
            r.errors[0].index,
            r.errors[0].field.as_deref()
        ),
        (4, Some(1), Some("lead.email"))
    );
    assert_eq!((r.errors[1].line, r.errors[1].index), (7, Some(2)));
    assert_eq!(
        r.errors[1].message,
        "expected an event object, got a number (42)"
    );
}

#[test]
fn malformed_json_array_is_one_error_with_line_and_column_and_nothing_imported() {
    let (_d, store) = store();
    let text = format!(
        "[\n{},\n{}\n  {}\n]",
        lead_line("a@acme.example", ""),
        lead_line("b@acme.example", ""),
        lead_line("c@acme.example", "")
    );
    let err = import_bytes(&store, text.as_bytes()).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    let d = err.details.clone().unwrap();
    assert_eq!((d.line, d.column), (Some(4), Some(3)), "{err:?}");
    assert!(err.message.contains("line 4, column 3"), "{}", err.message);
    assert_eq!(count(&store), 0);
}

#[test]
fn ndjson_bad_line_rejects_only_itself() {
    let (_d, store) = store();
    let text = format!(
        "{}\n\n{{not json}}\n{}\n",
        lead_line("a@acme.example", ""),
        lead_line("b@acme.example", "")
    );
    let r = import_bytes(&store, text.as_bytes()).unwrap();
    assert_eq!(
        (r.format, r.rows, r.created, r.rejected),
        (ImportFormat::Ndjson, 3, 2, 1)
    );
    assert_eq!(r.errors[0].line, 3);
    assert!(
        r.errors[0].message.contains("column 2"),
        "{}",
        r.errors[0].message
    );
}

#[test]
fn pretty_printed_objects_and_their_syntax_errors() {
    let (_d, store) = store();
    let one = serde_json::to_string_pretty(
        &json!({"event": "lead.qualified", "timestamp": "2026-04-05T14:30:00Z",
        "lead": {"email": "pretty@acme.example"}}),
    )
    .unwrap();
    let two = one.replace("pretty@", "second@");
    let r = import_bytes(&store, format!("{one}\n{two}\n").as_bytes()).unwrap();
    assert_eq!((r.format, r.created), (ImportFormat::JsonObjects, 2));
    let second_line = one.lines().count() as u32 + 1;
    assert_eq!(r.rows, 2);

    let bad = format!("{one}\n{}", two.replace("\"lead\"", "lead"));
    let err = import_bytes(&store, bad.as_bytes()).unwrap_err();
    assert_eq!(
        err.details.unwrap().line,
        Some(u64::from(second_line) + 3),
        "{}",
        err.message
    );
    assert_eq!(count(&store), 2, "the malformed file imported nothing");
}

#[test]
fn invalid_utf8_names_the_byte_offset() {
    let (_d, store) = store();
    let mut bytes = b"email,firstName\nok@acme.example,Zo".to_vec();
    bytes.push(0xE9); // Latin-1 é
    bytes.extend_from_slice(b"\n");
    let err = import_bytes(&store, &bytes).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(
        err.message.contains("byte offset 34") && err.message.contains("0xE9"),
        "{}",
        err.message
    );
    assert_eq!(err.details.unwrap().line, Some(2));
    assert_eq!(count(&store), 0);
}

#[test]
fn utf16_is_refused_with_a_hint() {
    let (_d, store) = store();
    let err = import_bytes(&store, b"\xFF\xFEe\0m\0").unwrap_err();
    assert!(err.message.contains("UTF-16"), "{}", err.message);
}

#[test]
fn bom_at_file_start_is_skipped_in_every_format() {
    let (_d, store) = store();
    let csv = "\u{FEFF}email,firstName\nbom.csv@acme.example,Bo\n";
    assert_eq!(import_bytes(&store, csv.as_bytes()).unwrap().created, 1);
    let ndjson = format!("\u{FEFF}{}\n", lead_line("bom.ndjson@acme.example", ""));
    assert_eq!(
        import_bytes(&store, ndjson.as_bytes()).unwrap().format,
        ImportFormat::Ndjson
    );
    let array = format!("\u{FEFF}[{}]", lead_line("bom.array@acme.example", ""));
    assert_eq!(import_bytes(&store, array.as_bytes()).unwrap().created, 1);
    assert_eq!(count(&store), 3);
}

#[test]
fn crlf_line_endings() {
    let (_d, store) = store();
    let csv = "email,qualificationScore,company\r\ncrlf1@acme.example,70,Acme\r\ncrlf2@acme.example,bad,Acme\r\n";
    let r = import_bytes(&store, csv.as_bytes()).unwrap();
    assert_eq!((r.created, r.rejected), (1, 1));
    assert_eq!(where_(&r), vec![(3, Some("qualificationScore"))]);
    let c = get_by_email(&store, "crlf1@acme.example").unwrap().unwrap();
    assert_eq!(
        c.company.as_deref(),
        Some("Acme"),
        "no stray \\r in the last column"
    );

    let ndjson = format!(
        "{}\r\n{}\r\n",
        lead_line("crlf3@acme.example", ""),
        lead_line("bad", "")
    );
    let r = import_bytes(&store, ndjson.as_bytes()).unwrap();
    assert_eq!((r.created, where_(&r)), (1, vec![(2, Some("lead.email"))]));
}

#[test]
fn empty_files() {
    let (_d, store) = store();
    for empty in ["", "  \n\t\r\n", "\u{FEFF}"] {
        let err = import_bytes(&store, empty.as_bytes()).unwrap_err();
        assert!(err.message.contains("empty"), "{empty:?}: {}", err.message);
    }
    let r = import_bytes(&store, b"[]").unwrap();
    assert_eq!((r.rows, r.imported()), (0, 0));
    let r = import_bytes(&store, b"email,firstName\n").unwrap();
    assert_eq!((r.format, r.rows), (ImportFormat::Csv, 0));
}

#[test]
fn size_cap_is_enforced_before_reading() {
    let (dir, store) = store();
    let big = dir.path().join("big.ndjson");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(MAX_IMPORT_BYTES + 1).unwrap(); // sparse: no 50 MiB written
    let err = import_file(&store, &big).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(
        err.message.contains("import limit is 50 MiB"),
        "{}",
        err.message
    );
    let err = import_bytes(&store, &vec![b' '; MAX_IMPORT_BYTES as usize + 1]).unwrap_err();
    assert!(err.message.contains("limit"), "{}", err.message);
}

#[test]
fn unreadable_file_is_an_io_error_naming_the_path() {
    let (dir, store) = store();
    let missing = dir.path().join("nope.csv");
    let err = import_file(&store, &missing).unwrap_err();
    assert_eq!(err.code, ErrorCode::Io);
    assert!(err.message.contains("nope.csv"), "{}", err.message);
    let err = import_file(&store, dir.path()).unwrap_err();
    assert!(
        err.message.contains("not a regular file"),
        "{}",
        err.message
    );
}

#[test]
fn wrong_types_are_named() {
    let (_d, store) = store();
    let text = [
        lead_line("t1@acme.example", r#","firstName":["A"]"#),
        lead_line("t2@acme.example", r#","metadata":"big""#),
        lead_line("t3@acme.example", r#","agents":{"closedBy":7}"#),
        r#"{"event":"lead.qualified","timestamp":1712327400,"lead":{"email":"t4@acme.example"}}"#
            .into(),
        r#"{"event":"lead.qualified","timestamp":"2026-04-05T14:30:00Z","lead":{"email":42}}"#
            .into(),
        r#"{"event":"lead.qualified","timestamp":"2026-04-05T14:30:00Z","lead":"t6@acme.example"}"#
            .into(),
    ]
    .join("\n");
    let r = import_bytes(&store, text.as_bytes()).unwrap();
    assert_eq!(r.created, 0);
    assert_eq!(
        where_(&r),
        vec![
            (1, Some("lead.firstName")),
            (2, Some("lead.metadata")),
            (3, Some("lead.agents.closedBy")),
            (4, Some("timestamp")),
            (5, Some("lead.email")),
            (6, Some("lead")),
        ]
    );
    assert_eq!(r.errors[4].message, "expected a string, got a number (42)");
}

#[test]
fn score_rules_in_json_and_csv() {
    let (_d, store) = store();
    let csv = "email,qualificationScore\ns1@acme.example,87\ns2@acme.example, 42.5 \ns3@acme.example,NaN\ns4@acme.example,101\ns5@acme.example,-1\ns6@acme.example,\n";
    let r = import_bytes(&store, csv.as_bytes()).unwrap();
    assert_eq!(r.created, 3, "{r:#?}");
    assert_eq!(
        where_(&r),
        vec![
            (4, Some("qualificationScore")),
            (5, Some("qualificationScore")),
            (6, Some("qualificationScore"))
        ]
    );
    assert_eq!(r.errors[0].message, "`NaN` is not a number");
    assert_eq!(
        get_by_email(&store, "s2@acme.example")
            .unwrap()
            .unwrap()
            .qualification_score,
        Some(42.5)
    );
    assert_eq!(
        get_by_email(&store, "s6@acme.example")
            .unwrap()
            .unwrap()
            .qualification_score,
        None
    );

    let json = lead_line("s7@acme.example", r#","qualificationScore":"87""#);
    let r = import_bytes(&store, json.as_bytes()).unwrap();
    assert_eq!(
        r.errors[0].message,
        "expected a number from 0 to 100, got a string (\"87\")"
    );
}

#[test]
fn duplicate_rows_in_one_file_are_skipped_not_errors() {
    let (_d, store) = store();
    let row = lead_line("dup@acme.example", r#","qualificationScore":70"#);
    let text = format!("[{row},\n{row},\n{row}]");
    let r = import_bytes(&store, text.as_bytes()).unwrap();
    assert_eq!((r.created, r.rejected), (1, 0));
    assert_eq!(
        r.duplicates,
        vec![
            ImportDuplicate {
                line: 2,
                index: Some(1),
                first_line: 1
            },
            ImportDuplicate {
                line: 3,
                index: Some(2),
                first_line: 1
            },
        ]
    );
    let csv = "email,company\nd2@acme.example,Acme\nd2@acme.example,Acme\n";
    assert_eq!(
        import_bytes(&store, csv.as_bytes())
            .unwrap()
            .duplicates
            .len(),
        1
    );
}

#[test]
fn emails_differing_only_in_case_are_one_contact_in_a_file_and_across_imports() {
    let (_d, store) = store();
    let csv = "email,firstName,company\nAlex@X.com,Alex,\nalex@x.com,,X Corp\n";
    let r = import_bytes(&store, csv.as_bytes()).unwrap();
    assert_eq!(
        (r.created, r.updated),
        (1, 0),
        "one new contact, not one new and one updated"
    );
    let c = get_by_email(&store, "ALEX@X.COM").unwrap().unwrap();
    assert_eq!(c.email, "alex@x.com", "the later row's email form wins");
    assert_eq!(
        c.first_name.as_deref(),
        Some("Alex"),
        "an empty cell never erases"
    );
    assert_eq!(c.company.as_deref(), Some("X Corp"));

    let r = import_bytes(&store, b"email,firstName\nALEX@x.com,Alexander\n").unwrap();
    assert_eq!((r.created, r.updated), (0, 1));
    assert_eq!(count(&store), 1);
    assert_eq!(
        get_by_email(&store, "alex@x.com")
            .unwrap()
            .unwrap()
            .first_name
            .as_deref(),
        Some("Alexander")
    );
}

#[test]
fn apostrophe_email_is_valid() {
    let (_d, store) = store();
    let r = import_bytes(&store, lead_line("o'brien@example.com", "").as_bytes()).unwrap();
    assert_eq!((r.created, r.rejected), (1, 0));
    assert!(get_by_email(&store, "O'Brien@Example.com")
        .unwrap()
        .is_some());
}

#[test]
fn reimport_changes_nothing() {
    let (_d, store) = store();
    import_file(&store, &fixture("seed003-events.ndjson")).unwrap();
    let before = list(&store, &ContactQuery::default()).unwrap();
    let r = import_file(&store, &fixture("seed003-events.ndjson")).unwrap();
    assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 4), "{r:#?}");
    assert_eq!((r.events_applied, r.events_unchanged), (0, 6));
    assert_eq!(
        list(&store, &ContactQuery::default()).unwrap(),
        before,
        "not even updatedAt moved"
    );
}

#[test]
fn an_older_event_only_fills_empty_fields() {
    let (_d, store) = store();
    let newer = r#"{"event":"lead.qualified","timestamp":"2026-04-06T10:00:00Z","lead":{"email":"o@acme.example","firstName":"New","qualificationScore":90,"metadata":{"budget":"new"}}}"#;
    let older = r#"{"event":"lead.qualified","timestamp":"2026-04-05T10:00:00Z","lead":{"email":"O@acme.example","firstName":"Old","lastName":"Filled","qualificationScore":10,"metadata":{"budget":"old","size":"5"}}}"#;
    import_bytes(&store, newer.as_bytes()).unwrap();
    let r = import_bytes(&store, older.as_bytes()).unwrap();
    assert_eq!(r.updated, 1);
    let c = get_by_email(&store, "o@acme.example").unwrap().unwrap();
    assert_eq!(
        c.email, "o@acme.example",
        "the older event's email form does not win"
    );
    assert_eq!(c.first_name.as_deref(), Some("New"));
    assert_eq!(c.last_name.as_deref(), Some("Filled"));
    assert_eq!(c.qualification_score, Some(90.0));
    assert_eq!(
        c.metadata,
        json!({"budget": "new", "size": "5"})
            .as_object()
            .unwrap()
            .clone()
    );
    assert_eq!(
        c.qualified_at.unwrap().to_rfc3339(),
        "2026-04-06T10:00:00+00:00"
    );
}

#[test]
fn conversation_events_may_precede_their_lead_in_a_file() {
    let (_d, store) = store();
    let text = [
        r#"{"event":"conversation.completed","timestamp":"2026-04-05T15:00:00Z","conversationId":"c1","data":{}}"#,
        r#"{"event":"lead.qualified","timestamp":"2026-04-05T14:30:00Z","conversationId":"c1","data":{"email":"early@acme.example"}}"#,
    ]
    .join("\n");
    let r = import_bytes(&store, text.as_bytes()).unwrap();
    assert_eq!(
        (r.created, r.events_applied, r.rejected),
        (1, 1, 0),
        "{r:#?}"
    );
    let c = get_by_email(&store, "early@acme.example").unwrap().unwrap();
    assert_eq!(c.conversation_status, ConversationStatus::Closed);
}

#[test]
fn csv_header_problems_are_file_errors() {
    let (_d, store) = store();
    let err = import_bytes(&store, b"firstName,lastName\nA,B\n").unwrap_err();
    assert!(err.message.contains("no `email` column"), "{}", err.message);
    let err = import_bytes(
        &store,
        b"email,company,email\na@acme.example,A,b@acme.example\n",
    )
    .unwrap_err();
    assert!(
        err.message
            .contains("column `email` twice (columns 1 and 3)"),
        "{}",
        err.message
    );
    assert_eq!(count(&store), 0);
}

#[test]
fn csv_row_problems_name_the_line() {
    let (_d, store) = store();
    let csv = "email,company,notes,lead.x,metadata.note\nr1@acme.example,\"Multi\nLine Co\",n,x,hello\nr2@acme.example,Short\nr3@acme.example,C,n,x,\n";
    let r = import_bytes(&store, csv.as_bytes()).unwrap();
    assert_eq!((r.created, r.rejected), (2, 1), "{r:#?}");
    assert_eq!(
        r.errors[0].line, 4,
        "the multi-line quoted cell counts its lines"
    );
    assert_eq!(r.errors[0].message, "has 2 fields but the header has 5");
    let fields: Vec<_> = r.warnings.iter().map(|w| w.field.as_deref()).collect();
    assert_eq!(fields, [Some("lead.x"), Some("notes")]);
    assert!(
        r.warnings[1].message.contains("2 rows"),
        "{}",
        r.warnings[1].message
    );
    let c = get_by_email(&store, "r1@acme.example").unwrap().unwrap();
    assert_eq!(c.company.as_deref(), Some("Multi\nLine Co"));
    assert_eq!(c.metadata["note"], json!("hello"));
}

#[test]
fn all_valid_rows_land_in_one_transaction() {
    let (_d, store) = store();
    import_bytes(
        &store,
        lead_line("existing@acme.example", r#","firstName":"Before""#).as_bytes(),
    )
    .unwrap();
    // A database failure on the third row (as a crash or a full disk would cause) must leave
    // the inbox exactly as it was: no row of the file, no change to the existing contact.
    store
        .conn()
        .execute_batch(
            "CREATE TRIGGER fail_on_boom BEFORE INSERT ON contacts WHEN NEW.email_key = 'boom@acme.example' \
             BEGIN SELECT RAISE(ABORT, 'disk I/O error (simulated)'); END;",
        )
        .unwrap();
    let before = list(&store, &ContactQuery::default()).unwrap();
    let text = [
        lead_line("first@acme.example", ""),
        r#"{"event":"lead.qualified","timestamp":"2026-04-07T00:00:00Z","lead":{"email":"existing@acme.example","firstName":"After"}}"#.into(),
        lead_line("boom@acme.example", ""),
        lead_line("last@acme.example", ""),
    ]
    .join("\n");
    let err = import_bytes(&store, text.as_bytes()).unwrap_err();
    assert_eq!(err.code, ErrorCode::Database);
    assert_eq!(list(&store, &ContactQuery::default()).unwrap(), before);
}

#[test]
fn semicolon_and_tab_separated_exports() {
    let (_d, store) = store();
    let semi = "email;company;qualificationScore\nsemi@acme.example;Acme, Ltd;70\n";
    let r = import_bytes(&store, semi.as_bytes()).unwrap();
    assert_eq!((r.created, r.rejected), (1, 0), "{r:#?}");
    let c = get_by_email(&store, "semi@acme.example").unwrap().unwrap();
    assert_eq!(c.company.as_deref(), Some("Acme, Ltd"));
    let tsv = "email\tfirstName\ntab@acme.example\tTab\n";
    assert_eq!(import_bytes(&store, tsv.as_bytes()).unwrap().created, 1);
}
