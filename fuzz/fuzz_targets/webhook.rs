//! cargo-fuzz entry for `webhook`. The body and its invariants live in
//! `leadbridge_core::fuzz_targets::webhook`, which src-tauri/core/tests/fuzz_replay.rs also runs on
//! stable Rust (corpus replay plus bounded mutation), so the two can never drift.
#![no_main]

use leadbridge_core::fuzz_targets;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz_targets::webhook(data);
});
