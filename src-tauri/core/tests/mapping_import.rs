//! Import of mapping documents: the canonical example round-trips, and every kind of bad file
//! is refused with the line and the JSON path of the fault.

use leadbridge_core::mapping::{self, export, import, MappingDocument};
use leadbridge_core::{Error, ErrorCode};

const EXAMPLE: &str = include_str!("../../../tests/fixtures/mapping/example.json");

/// 1-based line of the `nth` (0-based) occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str, nth: usize) -> u64 {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle:?} not in text"))
        .0;
    text[..offset].matches('\n').count() as u64 + 1
}

/// Replaces exactly one occurrence, so a test cannot silently edit nothing.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must occur once");
    text.replacen(from, to, 1)
}

/// Replaces the first occurrence (the Lead tab's, for texts that recur in the Contact tab).
fn edit_first(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} must occur");
    text.replacen(from, to, 1)
}

fn refused(text: &str) -> Error {
    let err = import(text).expect_err("the document must be refused");
    assert_eq!(err.code, ErrorCode::InvalidInput, "{err:?}");
    err
}

fn assert_at(err: &Error, line: u64, path: &str) {
    let details = err.details.as_ref().expect("details with line and field");
    assert_eq!(details.line, Some(line), "line of: {}", err.message);
    assert_eq!(
        details.fields,
        vec![path.to_string()],
        "field of: {}",
        err.message
    );
    assert!(
        err.message.starts_with(&format!("line {line}, {path}: ")),
        "message: {}",
        err.message
    );
}

#[test]
fn the_example_is_canonical_and_round_trips() {
    let doc = import(EXAMPLE).unwrap();
    assert_eq!(
        export(&doc).unwrap(),
        EXAMPLE,
        "the fixture is written in canonical form"
    );
    assert_eq!(doc.objects.account.len(), 2);
    assert_eq!(doc.segments[2].conditions.len(), 1);
}

#[test]
fn the_default_document_round_trips() {
    let text = export(&MappingDocument::default()).unwrap();
    assert!(text.ends_with("}\n"));
    assert!(
        text.starts_with("{\n  \"version\": 1,\n  \"objects\": {\n    \"Lead\": [\n"),
        "{text}"
    );
    let doc = import(&text).unwrap();
    assert_eq!(doc, MappingDocument::default());
    assert_eq!(export(&doc).unwrap(), text);
}

#[test]
fn compact_or_reordered_input_exports_canonically() {
    let doc = import(EXAMPLE).unwrap();
    let compact = serde_json::to_string(&doc).unwrap();
    assert_eq!(export(&import(&compact).unwrap()).unwrap(), EXAMPLE);
    // Keys in another order are the same document.
    let mut value: serde_json::Value = serde_json::from_str(EXAMPLE).unwrap();
    let map = value.as_object_mut().unwrap();
    let reversed: serde_json::Map<String, serde_json::Value> = map
        .iter()
        .rev()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let text = serde_json::to_string_pretty(&serde_json::Value::Object(reversed)).unwrap();
    assert_eq!(export(&import(&text).unwrap()).unwrap(), EXAMPLE);
}

#[test]
fn omitted_settings_take_their_defaults() {
    let text = r#"{"version": 1, "objects": {"Lead": [{"source": "email", "target": "Email"}], "Contact": [], "Account": []},
                  "criteria": {"minimumScore": {"stars": 1}}}"#;
    let doc = import(text).unwrap();
    let default = MappingDocument::default();
    assert!(!doc.objects.lead[0].overwrite);
    assert_eq!(doc.criteria.minimum_score, mapping::MinimumScore::Stars(1));
    assert_eq!(doc.criteria.star_bands, default.criteria.star_bands);
    assert_eq!(doc.owner_strategies, default.owner_strategies);
    assert_eq!(doc.required_defaults, default.required_defaults);
}

#[test]
fn malformed_json_names_line_and_field() {
    let text = edit_first(
        EXAMPLE,
        "\"target\": \"Phone\",\n",
        "\"target\": \"Phone\"\n",
    );
    let err = refused(&text);
    let line = line_of(&text, "\"overwrite\"", 1);
    assert_at(&err, line, "objects.Lead[1].target");
    assert!(err.message.contains("malformed JSON"), "{}", err.message);
}

#[test]
fn a_truncated_file_is_refused() {
    let text = &EXAMPLE[..EXAMPLE.find("\"criteria\"").unwrap()];
    let err = refused(text);
    assert!(err.message.contains("ends too early"), "{}", err.message);
    assert_eq!(
        err.details.as_ref().unwrap().line,
        Some(text.matches('\n').count() as u64 + 1)
    );
}

#[test]
fn version_must_be_1() {
    let text = edit(EXAMPLE, "\"version\": 1,", "\"version\": 2,");
    let err = refused(&text);
    assert_at(&err, 2, "version");
    assert!(
        err.message.contains("version 2 is not supported"),
        "{}",
        err.message
    );
    // Checked before the keys: a newer format's new keys do not hide the real reason.
    let newer = edit(
        &text,
        "\"campaignId\"",
        "\"futureSetting\": true,\n  \"campaignId\"",
    );
    assert!(refused(&newer)
        .message
        .contains("version 2 is not supported"));
    let missing = edit(EXAMPLE, "\"version\": 1,", "");
    assert!(refused(&missing).message.contains("missing \"version\""));
}

#[test]
fn unknown_top_level_keys_are_refused() {
    let text = edit(EXAMPLE, "\"campaignId\"", "\"campainId\"");
    let err = refused(&text);
    assert_at(&err, line_of(&text, "\"campainId\"", 0), "campainId");
    assert!(
        err.message.contains("unknown field `campainId`"),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("campaignId"),
        "the message lists the valid keys: {}",
        err.message
    );
}

#[test]
fn unknown_row_keys_are_refused() {
    let text = edit(
        EXAMPLE,
        "\"target\": \"Phone\",\n        \"overwrite\": false",
        "\"target\": \"Phone\",\n        \"overwite\": false",
    );
    let err = refused(&text);
    assert_at(
        &err,
        line_of(&text, "\"overwite\"", 0),
        "objects.Lead[1].overwite",
    );
}

#[test]
fn a_row_missing_source_names_the_row() {
    let text = edit(EXAMPLE, "\"source\": \"lastName\",\n        \"target\": \"LastName\",\n        \"overwrite\": false\n      },\n      {\n        \"source\": \"company\",", "\"target\": \"LastName\",\n        \"overwrite\": false\n      },\n      {\n        \"source\": \"company\",");
    let err = refused(&text);
    // The row's opening brace.
    let line = line_of(&text, "\"target\": \"LastName\"", 0) - 1;
    assert_at(&err, line, "objects.Lead[3].source");
    assert!(
        err.message.contains("missing field `source`"),
        "{}",
        err.message
    );
}

#[test]
fn a_missing_tab_is_refused() {
    let text = r#"{"version": 1, "objects": {"Lead": [], "Contact": []}}"#;
    let err = refused(text);
    assert_at(&err, 1, "objects.Account");
}

#[test]
fn wrong_types_name_the_field() {
    let text = edit(
        EXAMPLE,
        "\"target\": \"Lead_Score__c\",\n        \"overwrite\": true",
        "\"target\": \"Lead_Score__c\",\n        \"overwrite\": \"yes\"",
    );
    let err = refused(&text);
    assert_at(
        &err,
        line_of(&text, "\"yes\"", 0),
        "objects.Lead[5].overwrite",
    );
    assert!(
        err.message.contains("expected a boolean"),
        "{}",
        err.message
    );
}

#[test]
fn unknown_strategies_are_refused() {
    let text = edit(
        EXAMPLE,
        "\"strategy\": \"last_routed\"",
        "\"strategy\": \"round_robin\"",
    );
    let err = refused(&text);
    assert_at(
        &err,
        line_of(&text, "round_robin", 0),
        "ownerStrategies[1].strategy",
    );
    assert!(
        err.message.contains("unknown variant `round_robin`"),
        "{}",
        err.message
    );
    assert!(err.message.contains("meeting_scheduler"), "{}", err.message);
}

#[test]
fn unknown_condition_ops_and_keys_are_refused() {
    let text = edit(EXAMPLE, "\"op\": \"contains\"", "\"op\": \"like\"");
    let err = refused(&text);
    assert!(err.message.contains("like"), "{}", err.message);
    assert_at(
        &err,
        line_of(&text, "\"like\"", 0),
        "segments[1].conditions[1].op",
    );

    let text = edit(EXAMPLE, "\"values\": [\n", "\"value\": [\n");
    assert!(refused(&text).details.unwrap().fields[0].starts_with("segments[1].conditions[0]"));
}

#[test]
fn a_duplicate_target_names_the_later_row() {
    let text = edit_first(EXAMPLE, "\"target\": \"LastName\"", "\"target\": \"phone\"");
    let err = refused(&text);
    assert_at(
        &err,
        line_of(&text, "\"phone\"", 1),
        "objects.Lead[3].target",
    );
    assert!(err.message.contains("DUPLICATE_TARGET"), "{}", err.message);
    assert!(
        err.message.contains("objects.Lead[1]"),
        "names the first row: {}",
        err.message
    );
}

#[test]
fn the_same_target_in_two_tabs_is_fine() {
    // Email is in the Lead and the Contact tab of the example.
    assert!(import(EXAMPLE).is_ok());
}

#[test]
fn malformed_ids_are_refused() {
    let text = edit(
        EXAMPLE,
        "\"campaignId\": \"7015g000000XyZ1AAK\"",
        "\"campaignId\": \"701-5g000000XyZ\"",
    );
    let err = refused(&text);
    assert_at(&err, line_of(&text, "\"campaignId\"", 0), "campaignId");
    assert!(err.message.contains("INVALID_ID"), "{}", err.message);

    let text = edit(
        EXAMPLE,
        "\"salesforceUserId\": \"0055g00000B0bbbAAA\"",
        "\"salesforceUserId\": \"0055g00000B0bbb\u{e9}\"",
    );
    assert_at(
        &refused(&text),
        line_of(&text, "B0bbb\u{e9}", 0),
        "userMapping[1].salesforceUserId",
    );
}

#[test]
fn rules_must_name_existing_segments() {
    let text = edit(EXAMPLE, "\"segment\": \"EMEA\"", "\"segment\": \"APAC\"");
    let err = refused(&text);
    assert_at(
        &err,
        line_of(&text, "\"APAC\"", 0),
        "ownershipRules[1].segment",
    );
    assert!(err.message.contains("UNKNOWN_SEGMENT"));
}

#[test]
fn every_error_is_listed() {
    let text = edit_first(EXAMPLE, "\"target\": \"LastName\"", "\"target\": \"Phone\"");
    let text = edit(
        &text,
        "\"starBands\": [\n      40,",
        "\"starBands\": [\n      70,",
    );
    let text = edit(
        &text,
        "\"chatUser\": \"bob@example.com\"",
        "\"chatUser\": \"bob\"",
    );
    let err = refused(&text);
    assert_at(
        &err,
        line_of(&text, "\"Phone\"", 1),
        "objects.Lead[3].target",
    );
    assert!(err.message.contains("\n  also line"), "{}", err.message);
    assert!(
        err.message.contains("criteria.starBands"),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("userMapping[1].chatUser"),
        "{}",
        err.message
    );
    assert!(err.message.contains("INVALID_EMAIL"), "{}", err.message);
}

#[test]
fn not_an_object_is_refused() {
    let err = refused("[1, 2]");
    assert_eq!(err.details.unwrap().line, Some(1));
    assert!(refused("").message.contains("ends too early"));
}

#[test]
fn warnings_do_not_block_an_import() {
    let text = edit(
        EXAMPLE,
        "\"defaultOwnerId\": \"0055g00000AbCdEAAV\"",
        "\"defaultOwnerId\": null",
    );
    let doc = import(&text).unwrap();
    let problems = mapping::checks::check_document(&doc);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].code, mapping::ProblemCode::DefaultOwnerUnset);
}

#[test]
fn decimal_values_round_trip_exactly() {
    // Found by the property test: serde_json needs `float_roundtrip` to parse this back exactly.
    let text = edit(EXAMPLE, "\"value\": 1000", "\"value\": 907987204316.6516");
    let doc = import(&text).unwrap();
    assert_eq!(export(&doc).unwrap(), text);
}
