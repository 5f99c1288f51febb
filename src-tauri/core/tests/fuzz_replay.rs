//! The fuzz targets on stable Rust. cargo-fuzz needs nightly, which CI machines do not have, so
//! this driver runs the same target functions (`leadbridge_core::fuzz_targets`, which the
//! cargo-fuzz binaries in fuzz/ call too): first every committed corpus file, then inputs
//! mutated from the corpus by a small deterministic mutator, for a bounded time per target.
//!
//! `LEADBRIDGE_FUZZ_SECONDS` sets the time per target (default 20; 0 replays the corpus only).
//! `LEADBRIDGE_FUZZ_SEED` changes the mutation sequence (default fixed, so a failure repeats).
//! A failing input is written to target/fuzz-replay-failures/<target>/ and named in the panic,
//! so it can be added to the corpus once fixed.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use leadbridge_core::fuzz_targets::{self, MAX_MUTATED_LEN, TARGETS};

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target)
}

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = corpus_dir(target);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let bytes =
                fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            (name, bytes)
        })
        .collect()
}

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name} must be a whole number, got {v:?}")),
        Err(_) => default,
    }
}

/// xorshift64*: tiny, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Fragments that matter to the parsers under test: JSON and CSV structure, quoting, SOQL
/// keywords, awkward numbers, bytes that are not UTF-8, and field names the importer knows.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"'",
    b"\\",
    b",",
    b";",
    b"\n",
    b"\r\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b"null",
    b"true",
    b"1e999",
    b"-0",
    b"18446744073709551616",
    b"\0",
    b"\xff",
    b"\xc3",
    b"\xe2\x82",
    b"\xef\xbb\xbf",
    b"\xf0\x9f\x98\x80",
    b"\"email\":",
    b"\"event\":\"lead.qualified\"",
    b"\"timestamp\":\"2026-04-05T14:30:00Z\"",
    b"\"lead\":{",
    b"\"data\":{",
    b"@",
    b"%",
    b"_",
    b" WHERE ",
    b" LIMIT ",
    b" FROM ",
    b"SELECT ",
    b"(",
    b")",
    b"sha256=",
    b"conversation.closed",
    b"lead.qualificationScore",
    b"metadata.budget",
];

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, corpus: &[(String, Vec<u8>)]) {
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let len = input.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(len + 1);
                input.insert(i, rng.next() as u8);
            }
            2 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(16)).min(len);
                input.drain(start..end);
            }
            3 if len > 0 => {
                // Repeat a slice: long fields, repeated rows.
                let start = rng.below(len);
                let end = (start + 1 + rng.below(64)).min(len);
                let piece = input[start..end].to_vec();
                let most = if rng.below(8) == 0 { 500 } else { 4 };
                let times = 1 + rng.below(most);
                let at = rng.below(input.len() + 1);
                let mut repeated = Vec::with_capacity(piece.len() * times);
                for _ in 0..times {
                    repeated.extend_from_slice(&piece);
                }
                input.splice(at..at, repeated);
            }
            4 | 5 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                let at = rng.below(len + 1);
                input.splice(at..at, token.iter().copied());
            }
            6 if len > 0 => {
                input.truncate(rng.below(len));
            }
            7 => {
                // Splice in part of another corpus file.
                let (_, other) = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let start = rng.below(other.len());
                    let end = (start + 1 + rng.below(128)).min(other.len());
                    let at = rng.below(len + 1);
                    input.splice(at..at, other[start..end].iter().copied());
                }
            }
            _ if len > 1 => {
                let (a, b) = (rng.below(len), rng.below(len));
                input.swap(a, b);
            }
            _ => input.push(rng.next() as u8),
        }
    }
    input.truncate(MAX_MUTATED_LEN);
}

fn run(target: &str, input: &[u8], what: &str) {
    let function = TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .map(|(_, f)| *f)
        .unwrap_or_else(|| panic!("no fuzz target {target}"));
    if let Err(panic) = catch_unwind(AssertUnwindSafe(|| function(input))) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/fuzz-replay-failures")
            .join(target);
        let _ = fs::create_dir_all(&dir);
        let file = dir.join(format!("{:016x}", fnv(input)));
        let _ = fs::write(&file, input);
        let reason = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        panic!(
            "{target}: {what} broke an invariant: {reason}\n  input saved to {}",
            file.display()
        );
    }
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn replay_and_mutate(target: &str) {
    let corpus = corpus(target);
    assert!(
        corpus.len() >= 5,
        "{target}: the corpus has only {} files",
        corpus.len()
    );
    for (name, bytes) in &corpus {
        run(target, bytes, &format!("corpus file {name}"));
    }
    let budget = Duration::from_secs(env_u64("LEADBRIDGE_FUZZ_SECONDS", 20));
    let seed = env_u64("LEADBRIDGE_FUZZ_SEED", 0x1EAD_B41D) | 1;
    let mut rng = Rng(seed ^ fnv(target.as_bytes()));
    let started = Instant::now();
    let mut runs = 0u64;
    while started.elapsed() < budget {
        let (name, base) = &corpus[rng.below(corpus.len())];
        let mut input = base.clone();
        mutate(&mut rng, &mut input, &corpus);
        run(target, &input, &format!("mutation #{runs} of {name}"));
        runs += 1;
    }
    eprintln!(
        "{target}: {} corpus files and {runs} mutated inputs in {:.1}s, no invariant broken",
        corpus.len(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn every_target_has_a_replay_test_and_a_cargo_fuzz_binary() {
    let manifest =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/Cargo.toml"))
            .expect("fuzz/Cargo.toml");
    for (name, _) in TARGETS {
        assert!(
            manifest.contains(&format!("name = \"{name}\"")),
            "fuzz/Cargo.toml has no [[bin]] for {name}"
        );
        let body = fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("../../fuzz/fuzz_targets/{name}.rs")),
        )
        .unwrap_or_else(|e| panic!("fuzz/fuzz_targets/{name}.rs: {e}"));
        assert!(
            body.contains(&format!("fuzz_targets::{name}(")),
            "fuzz/fuzz_targets/{name}.rs must call leadbridge_core::fuzz_targets::{name}"
        );
    }
}

#[test]
fn soql_guard() {
    replay_and_mutate("soql_guard");
}

#[test]
fn soql_quote_roundtrip() {
    replay_and_mutate("soql_quote_roundtrip");
}

#[test]
fn event_import() {
    replay_and_mutate("event_import");
}

#[test]
fn csv_import() {
    replay_and_mutate("csv_import");
}

#[test]
fn webhook() {
    replay_and_mutate("webhook");
}

/// The invariants themselves must be able to fail: an import that loses nothing passes, and a
/// report is returned for a file with one valid row.
#[test]
fn the_import_target_sees_what_was_imported() {
    let report = fuzz_targets::check_import(
        br#"{"event":"lead.qualified","timestamp":"2026-04-05T14:30:00Z","lead":{"email":"replay-probe@example.com"}}"#,
    )
    .expect("one valid row is a report, not a refusal");
    assert_eq!((report.rows, report.created, report.rejected), (1, 1, 0));
}
