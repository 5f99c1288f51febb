//! Arbitrary input to the console's guard: it must never panic, every refusal must point
//! inside the input, and an accepted statement's sendable form must be accepted again with the
//! same facts. (src-tauri/core/tests/soql_corpus.rs replays the corpus with these invariants.)
#![no_main]

use leadbridge_core::soql;
use leadbridge_core::ErrorCode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Valid UTF-8 goes in as it is; anything else as its lossy form, which is what a UI or
    // CLI holding a String would pass.
    let text = String::from_utf8_lossy(data);
    match soql::check(&text) {
        Ok(checked) => {
            assert!(!checked.soql.is_empty() && text.contains(&checked.soql));
            assert!(!checked.object.is_empty() && !checked.fields.is_empty());
            assert_eq!(soql::check(&checked.soql).as_ref(), Ok(&checked));
        }
        Err(refusal) => {
            assert!((1..=text.len() + 1).contains(&refusal.column));
            assert!(text.is_char_boundary(refusal.column - 1));
            let error = leadbridge_core::Error::from(refusal.clone());
            assert_eq!(error.code, ErrorCode::SoqlRefused);
            assert_eq!(
                error.details.and_then(|d| d.column),
                Some(refusal.column as u64)
            );
        }
    }
});
