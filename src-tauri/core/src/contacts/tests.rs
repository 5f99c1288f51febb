//! Inbox tests: search, filters, sort, paging, lookups, chat field discovery, webhook-path
//! ingestion and delivery facts, on a real SQLite file.

use chrono::Utc;
use serde_json::json;

use super::event::{Event, ParseOptions};
use super::import::import_bytes;
use super::store::*;
use super::*;
use crate::store::Store;
use crate::ErrorCode;

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    (dir, store)
}

/// Eight contacts received in CSV order (one import, so received times tie and the id breaks it).
const INBOX: &str = "\
email,firstName,lastName,company,qualificationScore,conversationId,metadata.budget,metadata.seats
ada@analytical.example,Ada,Lovelace,Analytical Engines,95,c-ada,100k+,
alan@bletchley.example,Alan,Turing,Bletchley Park,82,c-alan,,
grace@cobol.example,Grace,Hopper,Navy Labs,61,c-grace,10k-50k,
inès@ümlaut.example,Inès,Moreau,Ümlaut GmbH,40,c-ines,,
linus@kernel.example,Linus,T,Kernel Org,,c-linus,,
margaret@apollo.example,Margaret,Hamilton,Apollo Guidance,77,c-margaret,50k-100k,
barbara@liskov.example,Barbara,Liskov,Substitution Inc,58,c-barbara,,
ken@unix.example,Ken,Thompson,Bell Labs,88,c-ken,,12
";

fn seeded() -> (tempfile::TempDir, Store) {
    let (d, s) = store();
    let r = import_bytes(&s, INBOX.as_bytes()).unwrap();
    assert_eq!(r.created, 8, "{r:#?}");
    (d, s)
}

fn emails(page: &ContactPage) -> Vec<&str> {
    page.contacts.iter().map(|c| c.email.as_str()).collect()
}

fn query() -> ContactQuery {
    ContactQuery::default()
}

fn event(v: serde_json::Value) -> Event {
    Event::from_value(&v, ParseOptions::JSON).unwrap()
}

#[test]
fn default_order_is_newest_first_with_a_total() {
    let (_d, s) = seeded();
    let page = list(&s, &query()).unwrap();
    assert_eq!(page.total, 8);
    assert_eq!(page.contacts.first().unwrap().email, "ken@unix.example");
    assert_eq!(
        page.contacts.last().unwrap().email,
        "ada@analytical.example"
    );
}

#[test]
fn search_matches_email_names_full_name_and_company_case_insensitively() {
    let (_d, s) = seeded();
    let search = |q: &str| {
        let page = list(
            &s,
            &ContactQuery {
                search: Some(q.into()),
                sort: ContactSort::EmailAsc,
                ..query()
            },
        )
        .unwrap();
        assert_eq!(page.total as usize, page.contacts.len());
        emails(&page)
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        search("BLETCHLEY"),
        ["alan@bletchley.example"],
        "company and email"
    );
    assert_eq!(search("grace hopper"), ["grace@cobol.example"], "full name");
    assert_eq!(search("LABS"), ["grace@cobol.example", "ken@unix.example"]);
    assert_eq!(
        search("INÈS"),
        ["inès@ümlaut.example"],
        "Unicode case folding"
    );
    assert_eq!(search("ümlaut gmbh"), ["inès@ümlaut.example"]);
    assert_eq!(search("%"), Vec::<String>::new(), "no LIKE wildcards");
    assert_eq!(search("  ").len(), 8, "a blank search is no filter");
}

#[test]
fn filters_combine_and_paging_keeps_the_total() {
    let (_d, s) = seeded();
    let min80 = ContactQuery {
        min_score: Some(80.0),
        sort: ContactSort::ScoreDesc,
        ..query()
    };
    let page = list(&s, &min80).unwrap();
    assert_eq!(
        emails(&page),
        [
            "ada@analytical.example",
            "ken@unix.example",
            "alan@bletchley.example"
        ]
    );

    let p2 = list(
        &s,
        &ContactQuery {
            limit: Some(3),
            offset: 3,
            sort: ContactSort::EmailAsc,
            ..query()
        },
    )
    .unwrap();
    assert_eq!(p2.total, 8);
    assert_eq!(
        emails(&p2),
        [
            "grace@cobol.example",
            "inès@ümlaut.example",
            "ken@unix.example"
        ]
    );
    let past_end = list(
        &s,
        &ContactQuery {
            limit: Some(3),
            offset: 30,
            ..query()
        },
    )
    .unwrap();
    assert_eq!((past_end.total, past_end.contacts.len()), (8, 0));

    let scores = list(
        &s,
        &ContactQuery {
            sort: ContactSort::ScoreAsc,
            ..query()
        },
    )
    .unwrap();
    assert_eq!(scores.contacts[0].email, "inès@ümlaut.example");
    assert_eq!(
        scores.contacts[7].email, "linus@kernel.example",
        "no score sorts last"
    );

    // Close two conversations, deliver one contact.
    for conv in ["c-ada", "c-grace"] {
        let e = event(
            json!({"event": "conversation.completed", "timestamp": "2026-04-05T15:00:00Z",
                              "conversationId": conv, "data": {}}),
        );
        assert_eq!(ingest(&s, &e).unwrap().outcome, ApplyOutcome::Closed);
    }
    let facts = DeliveryFacts {
        salesforce_lead_id: Some("00Q000000000001AAA".into()),
        last_delivery_status: Some("succeeded".into()),
        ..DeliveryFacts::default()
    };
    set_delivery_facts(&s.conn(), "ADA@analytical.example", &facts).unwrap();

    let closed = list(
        &s,
        &ContactQuery {
            status: Some(ConversationStatus::Closed),
            ..query()
        },
    )
    .unwrap();
    assert_eq!(closed.total, 2);
    let open_hi = ContactQuery {
        status: Some(ConversationStatus::Open),
        min_score: Some(80.0),
        ..query()
    };
    assert_eq!(
        emails(&list(&s, &open_hi).unwrap()),
        ["ken@unix.example", "alan@bletchley.example"]
    );
    let delivered = list(
        &s,
        &ContactQuery {
            delivered: Some(true),
            ..query()
        },
    )
    .unwrap();
    assert_eq!(emails(&delivered), ["ada@analytical.example"]);
    assert!(delivered.contacts[0].is_delivered());
    assert_eq!(
        delivered.contacts[0].last_delivery_status.as_deref(),
        Some("succeeded")
    );
    let undelivered_closed = ContactQuery {
        delivered: Some(false),
        status: Some(ConversationStatus::Closed),
        ..query()
    };
    assert_eq!(
        emails(&list(&s, &undelivered_closed).unwrap()),
        ["grace@cobol.example"]
    );
}

#[test]
fn query_deserializes_from_the_ui_with_defaults() {
    let q: ContactQuery =
        serde_json::from_value(json!({"search": "ada", "minScore": 50, "sort": "scoreDesc"}))
            .unwrap();
    assert_eq!(
        q,
        ContactQuery {
            search: Some("ada".into()),
            min_score: Some(50.0),
            sort: ContactSort::ScoreDesc,
            ..query()
        }
    );
}

#[test]
fn inbox_queries_use_indexes() {
    let (_d, s) = seeded();
    let plan = |sql: &str| -> String {
        let conn = s.conn();
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(3)).unwrap();
        rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
    };
    let p = plan("SELECT id FROM contacts ORDER BY received_at DESC, id DESC LIMIT 50");
    assert!(
        p.contains("contacts_by_received") && !p.contains("TEMP B-TREE"),
        "{p}"
    );
    let p = plan("SELECT id FROM contacts WHERE conversation_status = 'open' ORDER BY received_at DESC, id DESC LIMIT 50");
    assert!(
        p.contains("INDEX contacts_by_status") && !p.contains("TEMP B-TREE"),
        "{p}"
    );
    let p = plan(
        "SELECT id FROM contacts WHERE delivered = 0 ORDER BY received_at DESC, id DESC LIMIT 50",
    );
    assert!(
        p.contains("INDEX contacts_by_delivered") && !p.contains("TEMP B-TREE"),
        "{p}"
    );
    let p = plan("SELECT id FROM contacts WHERE qualification_score >= 80");
    assert!(p.contains("INDEX contacts_by_score"), "{p}");
    let p = plan("SELECT id FROM contacts WHERE email_key = 'ada@analytical.example'");
    assert!(p.contains("INDEX sqlite_autoindex_contacts"), "{p}");
    let p = plan("SELECT contact_id FROM contact_conversations WHERE conversation_id = 'c-ada'");
    assert!(p.contains("contact_conversations_by_id"), "{p}");
}

#[test]
fn tens_of_thousands_of_contacts() {
    let (_d, s) = store();
    let mut csv = String::from("email,firstName,company,qualificationScore\n");
    for i in 0..20_000 {
        csv.push_str(&format!(
            "person{i}@company{}.example,Person{i},Company {},{}\n",
            i % 500,
            i % 500,
            i % 101
        ));
    }
    let r = import_bytes(&s, csv.as_bytes()).unwrap();
    assert_eq!(r.created, 20_000);
    let started = std::time::Instant::now();
    let page = list(
        &s,
        &ContactQuery {
            search: Some("company 42".into()),
            min_score: Some(50.0),
            limit: Some(50),
            ..query()
        },
    )
    .unwrap();
    // Company 42, 420..429 with score >= 50: generous bound, it is ~10 ms in a debug build.
    assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
    assert!(page.total > 0 && page.contacts.len() == 50);
    assert!(page
        .contacts
        .iter()
        .all(|c| c.company.as_deref().unwrap().starts_with("Company 42")));
}

#[test]
fn get_by_email_and_by_emails() {
    let (_d, s) = seeded();
    assert_eq!(
        get_by_email(&s, " GRACE@Cobol.example ")
            .unwrap()
            .unwrap()
            .last_name
            .as_deref(),
        Some("Hopper")
    );
    assert!(get_by_email(&s, "nobody@cobol.example").unwrap().is_none());
    let many = get_by_emails(
        &s,
        &[
            "KEN@unix.example".into(),
            "missing@x.example".into(),
            "ada@analytical.example".into(),
            "ken@UNIX.example".into(),
        ],
    )
    .unwrap();
    let got: Vec<_> = many.iter().map(|c| c.email.as_str()).collect();
    assert_eq!(got, ["ken@unix.example", "ada@analytical.example"]);
    assert_eq!(many[0].conversations.len(), 1, "children are loaded");
}

#[test]
fn chat_fields_lists_standard_paths_and_discovered_metadata() {
    let (_d, s) = seeded();
    let fields = chat_fields(&s).unwrap();
    let paths: Vec<_> = fields.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        &paths[..model::STANDARD_FIELD_PATHS.len()],
        model::STANDARD_FIELD_PATHS
    );
    assert_eq!(
        &paths[model::STANDARD_FIELD_PATHS.len()..],
        ["metadata.budget", "metadata.seats"]
    );
    let get = |p: &str| fields.iter().find(|f| f.path == p).unwrap();
    assert_eq!(
        (get("email").count, get("email").example.clone()),
        (8, Some(json!("ken@unix.example")))
    );
    assert_eq!(get("qualificationScore").count, 7);
    assert_eq!(
        get("qualificationScore").example,
        Some(json!(88)),
        "an integer, not 88.0"
    );
    assert_eq!(
        (get("phone").count, get("phone").example.clone()),
        (0, None)
    );
    let budget = get("metadata.budget");
    assert_eq!((budget.count, budget.is_metadata), (3, true));
    assert_eq!(
        budget.example,
        Some(json!("50k-100k")),
        "from the most recently received contact"
    );
    assert_eq!(
        get("metadata.seats").example,
        Some(json!("12")),
        "CSV cells stay text"
    );

    let (_d2, s2) = store();
    let e = event(
        json!({"event": "lead.qualified", "timestamp": "2026-04-05T14:30:00Z",
        "lead": {"email": "typed@acme.example", "metadata": {"seats": 450, "vip": true, "tags": ["a"], "dims": {"w": 1}}}}),
    );
    ingest(&s2, &e).unwrap();
    let f2 = chat_fields(&s2).unwrap();
    let ex = |p: &str| {
        f2.iter()
            .find(|f| f.path == p)
            .unwrap()
            .example
            .clone()
            .unwrap()
    };
    assert_eq!(
        (
            ex("metadata.seats"),
            ex("metadata.vip"),
            ex("metadata.tags"),
            ex("metadata.dims")
        ),
        (json!(450), json!(true), json!(["a"]), json!({"w": 1}))
    );
}

#[test]
fn value_at_resolves_chat_field_paths() {
    let (_d, s) = store();
    let e = event(
        json!({"event": "lead.qualified", "timestamp": "2026-04-05T14:30:00Z",
        "workspaceId": "ws_1", "conversationId": "conv_1",
        "data": {"email": "Alex@Acme.example", "qualificationScore": 87, "firstName": "Alex",
                 "metadata": {"budget": "50k-100k", "company.size": "200-500"},
                 "agents": {"closedBy": "sam@hoverbot.example"}}}),
    );
    ingest(&s, &e).unwrap();
    let c = get_by_email(&s, "alex@acme.example").unwrap().unwrap();
    assert_eq!(c.value_at("email"), Some(json!("Alex@Acme.example")));
    assert_eq!(c.value_at("qualificationScore"), Some(json!(87)));
    assert_eq!(c.value_at("metadata.budget"), Some(json!("50k-100k")));
    assert_eq!(
        c.value_at("metadata.company.size"),
        Some(json!("200-500")),
        "keys may contain dots"
    );
    assert_eq!(
        c.value_at("agents.closedBy"),
        Some(json!("sam@hoverbot.example"))
    );
    assert_eq!(c.value_at("conversationId"), Some(json!("conv_1")));
    assert_eq!(c.value_at("domain"), Some(json!("acme.example")));
    assert_eq!(c.value_at("lastName"), None);
    assert_eq!(c.value_at("metadata.nope"), None);
    assert_eq!(c.value_at("nonsense"), None);
    for path in model::STANDARD_FIELD_PATHS {
        // Every listed path resolves (or is simply empty): none is silently unknown.
        let _ = c.value_at(path);
    }
}

#[test]
fn webhook_ingest_is_idempotent_and_rejects_unknown_conversations() {
    let (_d, s) = store();
    let lead = event(
        json!({"event": "lead.qualified", "timestamp": "2026-04-05T14:30:00Z",
        "conversationId": "conv_9", "data": {"email": "w@acme.example"}}),
    );
    assert_eq!(ingest(&s, &lead).unwrap().outcome, ApplyOutcome::Created);
    assert_eq!(
        ingest(&s, &lead).unwrap().outcome,
        ApplyOutcome::Unchanged,
        "a retry changes nothing"
    );

    let feedback = event(
        json!({"event": "conversation.feedback", "timestamp": "2026-04-05T14:40:00Z",
        "conversationId": "conv_9", "data": {"rating": 2}}),
    );
    assert_eq!(
        ingest(&s, &feedback).unwrap().outcome,
        ApplyOutcome::Recorded
    );
    assert_eq!(
        ingest(&s, &feedback).unwrap().outcome,
        ApplyOutcome::AlreadyRecorded
    );
    let done = event(
        json!({"event": "conversation.completed", "timestamp": "2026-04-05T14:45:00Z",
        "conversationId": "conv_9", "data": {}}),
    );
    assert_eq!(ingest(&s, &done).unwrap().outcome, ApplyOutcome::Closed);
    let later = event(
        json!({"event": "conversation.completed", "timestamp": "2026-04-05T18:00:00Z",
        "conversationId": "conv_9", "data": {}}),
    );
    assert_eq!(
        ingest(&s, &later).unwrap().outcome,
        ApplyOutcome::AlreadyClosed
    );
    let c = get_by_email(&s, "w@acme.example").unwrap().unwrap();
    assert_eq!(
        c.closed_at.unwrap().to_rfc3339(),
        "2026-04-05T14:45:00+00:00",
        "the first close counts"
    );
    assert_eq!(c.events.len(), 1);

    let stray = event(
        json!({"event": "guardrail.triggered", "timestamp": "2026-04-05T14:40:00Z",
        "conversationId": "conv_unknown", "data": {}}),
    );
    let err = ingest(&s, &stray).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert_eq!(err.details.unwrap().fields, ["conversationId"]);
    let by_email = event(
        json!({"event": "conversation.escalated", "timestamp": "2026-04-05T14:41:00Z",
        "data": {"email": "nobody@acme.example"}}),
    );
    assert_eq!(
        ingest(&s, &by_email).unwrap_err().details.unwrap().fields,
        ["data.email"]
    );
}

#[test]
fn a_new_conversation_reopens_a_returning_visitor_and_keeps_history() {
    let (_d, s) = store();
    for e in [
        json!({"event": "lead.qualified", "timestamp": "2026-04-01T10:00:00Z", "conversationId": "old",
               "data": {"email": "back@acme.example", "qualificationScore": 50}}),
        json!({"event": "conversation.completed", "timestamp": "2026-04-01T10:30:00Z", "conversationId": "old", "data": {}}),
        json!({"event": "lead.qualified", "timestamp": "2026-04-09T10:00:00Z", "conversationId": "new",
               "data": {"email": "back@acme.example", "qualificationScore": 80}}),
    ] {
        ingest(&s, &event(e)).unwrap();
    }
    let c = get_by_email(&s, "back@acme.example").unwrap().unwrap();
    assert_eq!(
        (
            c.conversation_id.as_deref(),
            c.conversation_status,
            c.closed_at
        ),
        (Some("new"), ConversationStatus::Open, None)
    );
    let statuses: Vec<_> = c
        .conversations
        .iter()
        .map(|v| (v.conversation_id.as_deref().unwrap(), v.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("old", ConversationStatus::Closed),
            ("new", ConversationStatus::Open)
        ]
    );
    // Closing the old conversation again, or late, never closes the current one.
    ingest(
        &s,
        &event(
            json!({"event": "conversation.completed", "timestamp": "2026-04-09T11:00:00Z",
        "conversationId": "old", "data": {}}),
        ),
    )
    .unwrap();
    assert_eq!(
        get_by_email(&s, "back@acme.example")
            .unwrap()
            .unwrap()
            .conversation_status,
        ConversationStatus::Open
    );
}

#[test]
fn completed_by_email_closes_a_lead_without_conversation_id() {
    let (_d, s) = store();
    ingest(
        &s,
        &event(
            json!({"event": "lead.qualified", "timestamp": "2026-04-01T10:00:00Z",
        "lead": {"email": "plain@acme.example"}}),
        ),
    )
    .unwrap();
    let done = event(
        json!({"event": "conversation.completed", "timestamp": "2026-04-01T11:00:00Z",
        "data": {"email": "PLAIN@acme.example"}}),
    );
    let applied = ingest(&s, &done).unwrap();
    assert_eq!(
        (applied.outcome, applied.email_keys),
        (ApplyOutcome::Closed, vec!["plain@acme.example".to_string()])
    );
}

#[test]
fn delivery_facts_keep_what_is_not_given() {
    let (_d, s) = seeded();
    let conn = s.conn();
    set_delivery_facts(
        &conn,
        "ken@unix.example",
        &DeliveryFacts {
            salesforce_lead_id: Some("00Q1".into()),
            last_delivery_status: Some("failed".into()),
            last_delivered_at: Some(Utc::now()),
            ..DeliveryFacts::default()
        },
    )
    .unwrap();
    set_delivery_facts(
        &conn,
        "ken@unix.example",
        &DeliveryFacts {
            last_delivery_status: Some("succeeded".into()),
            salesforce_opportunity_amount: Some(50000.0),
            ..DeliveryFacts::default()
        },
    )
    .unwrap();
    let err =
        set_delivery_facts(&conn, "nobody@unix.example", &DeliveryFacts::default()).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    drop(conn);
    let c = get_by_email(&s, "ken@unix.example").unwrap().unwrap();
    assert_eq!(c.salesforce_lead_id.as_deref(), Some("00Q1"));
    assert_eq!(c.last_delivery_status.as_deref(), Some("succeeded"));
    assert_eq!(c.salesforce_opportunity_amount, Some(50000.0));
    assert!(c.last_delivered_at.is_some());
}

#[test]
fn contact_serializes_in_camel_case_for_the_ui() {
    let (_d, s) = seeded();
    let c = get_by_email(&s, "ada@analytical.example").unwrap().unwrap();
    let v = serde_json::to_value(&c).unwrap();
    for key in [
        "emailKey",
        "firstName",
        "qualificationScore",
        "conversationStatus",
        "receivedAt",
        "salesforceLeadId",
        "lastDeliveryStatus",
    ] {
        assert!(v.get(key).is_some(), "{key} missing in {v}");
    }
    assert_eq!(v["conversationStatus"], json!("open"));
    assert_eq!(v["qualificationScore"].as_f64(), Some(95.0));
    let back: Contact = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(
        back, c,
        "what the UI receives deserializes to the same contact"
    );
    assert_eq!(
        v["agents"],
        json!({"meetingScheduledWith": null, "lastRouted": null, "closedBy": null})
    );
}

#[test]
fn one_conversation_seen_first_by_url_then_by_id_is_one_conversation() {
    let (_d, s) = store();
    let url = "https://app.hoverbot.ai/conversations/conv_77";
    ingest(
        &s,
        &event(
            json!({"event": "lead.qualified", "timestamp": "2026-04-05T14:30:00Z",
        "lead": {"email": "mixed@acme.example", "conversationUrl": url}}),
        ),
    )
    .unwrap();
    ingest(
        &s,
        &event(
            json!({"event": "lead.qualified", "timestamp": "2026-04-05T14:35:00Z",
        "workspaceId": "ws_1", "conversationId": "conv_77",
        "data": {"email": "mixed@acme.example", "conversationUrl": url, "qualificationScore": 70}}),
        ),
    )
    .unwrap();
    let c = get_by_email(&s, "mixed@acme.example").unwrap().unwrap();
    assert_eq!(c.conversations.len(), 1, "{:?}", c.conversations);
    assert_eq!(
        c.conversations[0].conversation_id.as_deref(),
        Some("conv_77")
    );
    assert_eq!(c.conversation_id.as_deref(), Some("conv_77"));

    let done = event(
        json!({"event": "conversation.completed", "timestamp": "2026-04-05T15:00:00Z",
        "conversationId": "conv_77", "data": {}}),
    );
    assert_eq!(ingest(&s, &done).unwrap().outcome, ApplyOutcome::Closed);
    let c = get_by_email(&s, "mixed@acme.example").unwrap().unwrap();
    assert_eq!(
        (c.conversation_status, c.conversations[0].status),
        (ConversationStatus::Closed, ConversationStatus::Closed)
    );
}
