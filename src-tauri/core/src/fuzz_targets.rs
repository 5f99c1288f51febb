//! The bodies of the fuzz targets, shared by the cargo-fuzz binaries (fuzz/fuzz_targets/*.rs,
//! nightly only) and the stable replay driver (tests/fuzz_replay.rs), so both check exactly
//! the same invariants. Each function takes arbitrary bytes and panics when an invariant
//! breaks; it must never panic otherwise.
//!
//! Targets and the name of their corpus directory under fuzz/corpus/: [`TARGETS`].

use std::cell::RefCell;

use crate::contacts::import::{import_bytes, ImportFormat, ImportReport, MAX_IMPORT_BYTES};
use crate::soql::{self, Condition, LikePattern, Select};
use crate::store::Store;
use crate::webhook::{self, EventError, SignatureError};
use crate::{Error, ErrorCode};

/// A target: arbitrary bytes in, a panic when an invariant breaks.
pub type Target = fn(&[u8]);

/// Every target, by the name of its cargo-fuzz binary and corpus directory.
pub const TARGETS: &[(&str, Target)] = &[
    ("soql_guard", soql_guard),
    ("soql_quote_roundtrip", soql_quote_roundtrip),
    ("event_import", event_import),
    ("csv_import", csv_import),
    ("webhook", webhook),
];

/// The console's guard: never panics, every refusal points inside the input, and an accepted
/// statement's sendable form is accepted again with the same facts.
pub fn soql_guard(data: &[u8]) {
    // Valid UTF-8 goes in as it is; anything else as its lossy form, which is what a UI or
    // CLI holding a String would pass.
    let text = String::from_utf8_lossy(data);
    let _verdict = check_guard(&text);
}

fn check_guard(text: &str) -> Result<soql::CheckedQuery, soql::Refusal> {
    let result = soql::check(text);
    match &result {
        Ok(checked) => {
            assert!(!checked.soql.is_empty() && text.contains(&checked.soql));
            assert!(!checked.object.is_empty() && !checked.fields.is_empty());
            assert_eq!(soql::check(&checked.soql).as_ref(), Ok(checked));
        }
        Err(refusal) => {
            assert!(
                (1..=text.len() + 1).contains(&refusal.column),
                "column {} out of range",
                refusal.column
            );
            assert!(text.is_char_boundary(refusal.column - 1));
            let error = Error::from(refusal.clone());
            assert_eq!(error.code, ErrorCode::SoqlRefused);
            assert_eq!(
                error.details.and_then(|d| d.column),
                Some(refusal.column as u64)
            );
        }
    }
    result
}

/// Quoting: quote -> unquote is the identity, and an equality or LIKE query built with the
/// value passes the guard, or is refused by the builder for Salesforce's 4,000-character
/// literal limit and nothing else.
pub fn soql_quote_roundtrip(data: &[u8]) {
    let value = String::from_utf8_lossy(data);
    let literal = soql::quote(&value);
    assert_eq!(soql::unquote(&literal).as_deref(), Ok(value.as_ref()));

    let like = LikePattern::contains(&value);
    let cases = [
        (
            Condition::eq("Email", value.as_ref()),
            literal.chars().count() - 2,
        ),
        (Condition::like("Name", like.clone()), like.body_chars()),
    ];
    for (condition, body_chars) in cases {
        match Select::new("Lead", &["Id"]).filter(condition).build() {
            Ok(built) => {
                assert!(body_chars <= soql::MAX_LITERAL_CHARS);
                if let Err(refusal) = check_guard(&built) {
                    panic!("the builder's own query was refused: {refusal} in {built}");
                }
            }
            Err(error) => {
                assert!(body_chars > soql::MAX_LITERAL_CHARS);
                assert_eq!(error.code, ErrorCode::InvalidInput);
            }
        }
    }
}

thread_local! {
    /// One in-memory database per thread: opening and migrating one per input would make the
    /// import targets a hundred times slower. Inputs accumulate contacts, as real imports do.
    static STORE: RefCell<Option<Store>> = const { RefCell::new(None) };
}

fn with_store<T>(f: impl FnOnce(&Store) -> T) -> T {
    STORE.with(|cell| {
        let mut slot = cell.borrow_mut();
        let store = slot.get_or_insert_with(|| {
            Store::open_file(std::path::Path::new(":memory:"))
                .unwrap_or_else(|e| panic!("in-memory store: {e}"))
        });
        f(store)
    })
}

/// Contacts plus kept conversation events: what an import may add and must never remove.
fn stored_rows(store: &Store) -> (i64, i64) {
    let conn = store.conn();
    let count = |sql: &str| -> i64 {
        conn.query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    };
    (
        count("SELECT COUNT(*) FROM contacts"),
        count("SELECT COUNT(*) FROM contact_events"),
    )
}

/// File import of JSON arrays, NDJSON and JSON objects (the format follows the first
/// character). See [`check_import`] for the invariants.
pub fn event_import(data: &[u8]) {
    check_import(data);
}

/// File import of CSV. Inputs that start with `[` or `{` would be read as JSON, so they get a
/// leading header-like line, keeping this target on the CSV reader.
pub fn csv_import(data: &[u8]) {
    let first = data.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'[') | Some(b'{')) {
        let mut csv = b"email,".to_vec();
        csv.extend_from_slice(data);
        check_import(&csv);
    } else {
        check_import(data);
    }
}

/// Import invariants: never a panic; a file-level refusal is an input error (never a database
/// or internal one) and stores nothing; a report accounts for every row, names lines that
/// exist, and the database only grows (no contact or event lost).
pub fn check_import(data: &[u8]) -> Option<ImportReport> {
    with_store(|store| {
        let before = stored_rows(store);
        let result = import_bytes(store, data);
        let after = stored_rows(store);
        match result {
            Err(error) => {
                assert_eq!(
                    error.code,
                    ErrorCode::InvalidInput,
                    "a file-level refusal must be the input's fault: {error:?}"
                );
                assert!(!error.message.is_empty());
                assert_eq!(before, after, "a refused file changed the database");
                None
            }
            Ok(report) => {
                let expected = match String::from_utf8_lossy(data)
                    .trim_start_matches('\u{feff}')
                    .trim_start()
                    .chars()
                    .next()
                {
                    Some('[') => vec![ImportFormat::JsonArray],
                    Some('{') => vec![ImportFormat::Ndjson, ImportFormat::JsonObjects],
                    _ => vec![ImportFormat::Csv],
                };
                assert!(expected.contains(&report.format), "{:?}", report.format);
                let lines = data.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
                assert!(report.rejected <= report.rows, "{report:?}");
                assert!(report.duplicates.len() as u32 <= report.rows);
                for issue in report.errors.iter().chain(&report.warnings) {
                    assert!(
                        (1..=lines).contains(&issue.line),
                        "line {} of {lines}: {issue:?}",
                        issue.line
                    );
                    assert!(!issue.message.is_empty(), "{issue:?}");
                }
                for dup in &report.duplicates {
                    assert!(dup.first_line <= dup.line, "{dup:?}");
                }
                assert!(
                    report.errors.windows(2).all(|w| w[0].line <= w[1].line),
                    "errors are sorted by line"
                );
                assert_eq!(
                    after.0 - before.0,
                    i64::from(report.created),
                    "contacts created: {report:?}"
                );
                assert!(after.1 >= before.1, "conversation events were lost");
                Some(report)
            }
        }
    })
}

const FUZZ_SECRET: &[u8] = b"fuzz-webhook-secret";

/// Webhook receiver checks. The input is `header \n body` when it holds a newline (header up
/// to the first newline), else a body alone. The signature a sender would compute is always
/// accepted; a changed body or a foreign header is refused, with a message that never holds
/// the secret or the expected digest; body parsing never panics and reports a UTF-8 fault
/// at the exact byte offset.
pub fn webhook(data: &[u8]) {
    let (header, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (
            Some(String::from_utf8_lossy(&data[..i]).into_owned()),
            &data[i + 1..],
        ),
        None => (None, data),
    };
    if body.len() > webhook::DEFAULT_MAX_BODY {
        return; // the receiver never reads more
    }
    let good = webhook::signature_header(FUZZ_SECRET, body);
    assert_eq!(
        webhook::verify_signature(FUZZ_SECRET, body, Some(&good)),
        Ok(())
    );
    assert_eq!(
        webhook::verify_signature(b"", body, Some(&good)),
        Err(SignatureError::EmptySecret)
    );
    let mut changed = body.to_vec();
    match changed.first_mut() {
        Some(b) => *b ^= 0x01,
        None => changed.push(b'x'),
    }
    assert_eq!(
        webhook::verify_signature(FUZZ_SECRET, &changed, Some(&good)),
        Err(SignatureError::Mismatch)
    );
    if let Some(header) = &header {
        match webhook::verify_signature(FUZZ_SECRET, body, Some(header)) {
            Ok(()) => assert_eq!(header.trim(), good, "a foreign signature was accepted"),
            Err(e) => {
                let shown = e.to_string();
                assert!(!shown.contains(&good[webhook::SIGNATURE_PREFIX.len()..]));
                assert!(!shown.contains("fuzz-webhook-secret"));
            }
        }
    }

    match webhook::parse_event(body) {
        Ok(event) => {
            assert_eq!(
                crate::contacts::event::EventKind::parse(event.kind.as_str()),
                Some(event.kind)
            );
        }
        Err(e) => {
            if let EventError::NotUtf8 { offset } = e {
                let valid = match std::str::from_utf8(body) {
                    Ok(_) => panic!("valid UTF-8 reported as invalid"),
                    Err(u) => u.valid_up_to(),
                };
                assert_eq!(offset, valid);
            }
            let error = Error::from(e);
            assert_eq!(error.code, ErrorCode::InvalidInput);
            assert!(!error.message.is_empty());
        }
    }
}

/// Largest input the replay's mutator builds: past the webhook body cap, well under the
/// import cap (which has its own refusal, tested elsewhere).
pub const MAX_MUTATED_LEN: usize = 2 * webhook::DEFAULT_MAX_BODY;

const _: () = assert!((MAX_MUTATED_LEN as u64) < MAX_IMPORT_BYTES);
