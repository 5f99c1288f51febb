//! Replays the fuzz corpus through the SOQL guard on stable Rust, so the seeds (and any input
//! a fuzz run found and someone committed) run in the normal test suite without nightly.
//!
//! Seed names carry their expectation: `ok-*` must be accepted, `refuse-<column>-*` refused
//! at that 1-based column. Any other file only has to keep the invariants the fuzz target
//! checks.

use std::fs;
use std::path::{Path, PathBuf};

use leadbridge_core::soql::{self, Condition, LikePattern, Select};
use leadbridge_core::ErrorCode;

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("UTF-8 file name")
                .to_string();
            let bytes =
                fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            (name, bytes)
        })
        .collect()
}

/// The same invariants as fuzz/fuzz_targets/soql_guard.rs.
fn guard_invariants(name: &str, text: &str) -> Result<soql::CheckedQuery, soql::Refusal> {
    let result = soql::check(text);
    match &result {
        Ok(checked) => {
            assert!(
                !checked.soql.is_empty() && text.contains(&checked.soql),
                "{name}: soql is not part of the input"
            );
            assert!(
                !checked.object.is_empty() && !checked.fields.is_empty(),
                "{name}"
            );
            assert_eq!(
                soql::check(&checked.soql).as_ref(),
                Ok(checked),
                "{name}: checking the sendable form again"
            );
        }
        Err(refusal) => {
            assert!(
                (1..=text.len() + 1).contains(&refusal.column),
                "{name}: column {} out of range",
                refusal.column
            );
            assert!(
                text.is_char_boundary(refusal.column - 1),
                "{name}: column inside a character"
            );
            let error = leadbridge_core::Error::from(refusal.clone());
            assert_eq!(error.code, ErrorCode::SoqlRefused);
            assert_eq!(
                error.details.and_then(|d| d.column),
                Some(refusal.column as u64)
            );
        }
    }
    result
}

#[test]
fn replays_the_guard_corpus_with_the_expected_verdicts() {
    let mut seeds = 0;
    for (name, bytes) in corpus("soql_guard") {
        let text = String::from_utf8_lossy(&bytes);
        let result = guard_invariants(&name, &text);
        if name.starts_with("ok-") {
            seeds += 1;
            if let Err(refusal) = result {
                panic!("{name} was refused: {refusal}");
            }
        } else if let Some(rest) = name.strip_prefix("refuse-") {
            seeds += 1;
            let column: usize = rest
                .split('-')
                .next()
                .and_then(|c| c.parse().ok())
                .expect("refuse-<column>-name");
            match result {
                Ok(checked) => panic!("{name} was accepted: {checked:?}"),
                Err(refusal) => assert_eq!(refusal.column, column, "{name}: {refusal}"),
            }
        }
    }
    assert!(seeds >= 12, "only {seeds} named seeds");
}

#[test]
fn replays_the_quote_round_trip_corpus() {
    let files = corpus("soql_quote_roundtrip");
    assert!(!files.is_empty());
    for (name, bytes) in files {
        let value = String::from_utf8_lossy(&bytes);
        let literal = soql::quote(&value);
        assert_eq!(
            soql::unquote(&literal).as_deref(),
            Ok(value.as_ref()),
            "{name}"
        );
        for condition in [
            Condition::eq("Email", value.as_ref()),
            Condition::like("Name", LikePattern::contains(&value)),
        ] {
            let soql = Select::new("Lead", &["Id"])
                .filter(condition)
                .build()
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            guard_invariants(&name, &soql).unwrap_or_else(|r| panic!("{name}: {r}"));
        }
    }
}
