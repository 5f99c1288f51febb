//! Arbitrary strings through the escaping: quote -> unquote is the identity, and a built
//! equality or LIKE query with the value passes the guard, or is refused by the builder for
//! Salesforce's 4,000-character literal limit and nothing else.
#![no_main]

use leadbridge_core::soql::{self, Condition, LikePattern, Select};
use leadbridge_core::ErrorCode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
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
                assert!(soql::check(&built).is_ok());
            }
            Err(error) => {
                assert!(body_chars > soql::MAX_LITERAL_CHARS);
                assert_eq!(error.code, ErrorCode::InvalidInput);
            }
        }
    }
});
