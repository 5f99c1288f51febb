//! cargo-fuzz entry for `soql_guard`. The body and its invariants live in
//! `leadbridge_core::fuzz_targets::soql_guard`, which src-tauri/core/tests/fuzz_replay.rs also runs on
//! stable Rust (corpus replay plus bounded mutation), so the two can never drift.
#![no_main]

use leadbridge_core::fuzz_targets;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz_targets::soql_guard(data);
});
