//! Replays the fuzz corpus through the SOQL guard on stable Rust, so the seeds (and any input
//! a fuzz run found and someone committed) run in the normal test suite without nightly.
//!
//! Seed names carry their expectation: `ok-*` must be accepted, `refuse-<column>-*` refused
//! at that 1-based column. Any other file only has to keep the invariants the fuzz target
//! checks.

use std::fs;
use std::path::{Path, PathBuf};

use leadbridge_core::fuzz_targets;
use leadbridge_core::soql::{self, Condition, LikePattern, Select};

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

/// The fuzz target's invariants (leadbridge_core::fuzz_targets::soql_guard, the function the
/// cargo-fuzz binary runs), then the verdict for the name-based expectations below.
fn guard_invariants(_name: &str, text: &str) -> Result<soql::CheckedQuery, soql::Refusal> {
    fuzz_targets::soql_guard(text.as_bytes());
    soql::check(text)
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
        // The fuzz target's invariants, plus: seeds stay under the literal limit, so both
        // built queries must be accepted.
        fuzz_targets::soql_quote_roundtrip(&bytes);
        let value = String::from_utf8_lossy(&bytes);
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
