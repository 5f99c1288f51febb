//! `leadbridge mapping ...` through the real binary, on a temporary data directory.

use std::path::Path;
use std::process::{Command, Output};

use leadbridge_core::mapping::{export, MappingDocument};

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/mapping/example.json"
);
const DESCRIBE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/describe");

fn leadbridge(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_leadbridge"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("LEADBRIDGE_DATA_DIR")
        .output()
        .expect("the leadbridge binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

fn example() -> String {
    std::fs::read_to_string(EXAMPLE).unwrap()
}

/// Writes `text` into the temp dir and returns its path as a string argument.
fn file(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_fresh_install_exports_the_default_mapping() {
    let tmp = tempfile::tempdir().unwrap();
    let out = leadbridge(tmp.path(), &["mapping", "export"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), export(&MappingDocument::default()).unwrap());

    let target = tmp.path().join("mapping.json");
    let out = leadbridge(tmp.path(), &["mapping", "export", target.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("wrote mapping version 0"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        export(&MappingDocument::default()).unwrap()
    );

    let out = leadbridge(tmp.path(), &["mapping", "history"]);
    assert!(stdout(&out).contains("default mapping is in force (version 0)"));
}

#[test]
fn import_then_export_is_byte_identical_and_reimport_is_a_no_op() {
    let tmp = tempfile::tempdir().unwrap();
    let out = leadbridge(
        tmp.path(),
        &["mapping", "import", EXAMPLE, "--note", "from the example"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("saved mapping version 1\n"), "{text}");
    assert!(
        text.contains("  Account: + website -> Website (overwrite)"),
        "{text}"
    );
    assert!(
        text.contains("  campaignId: null -> \"7015g000000XyZ1AAK\""),
        "{text}"
    );

    let out = leadbridge(tmp.path(), &["mapping", "export"]);
    assert_eq!(stdout(&out), example());

    let out = leadbridge(tmp.path(), &["mapping", "import", EXAMPLE, "--json"]);
    assert_eq!(code(&out), 0);
    let outcome: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(
        outcome,
        serde_json::json!({"version": 1, "created": false, "changes": []})
    );
}

#[test]
fn a_bad_file_is_refused_with_line_and_field_and_nothing_is_saved() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(
        code(&leadbridge(tmp.path(), &["mapping", "import", EXAMPLE])),
        0
    );

    // A duplicate target in the Lead tab: row 3 (LastName) now writes Phone.
    let bad = file(
        tmp.path(),
        "bad.json",
        &example().replacen("\"target\": \"LastName\"", "\"target\": \"Phone\"", 1),
    );
    let out = leadbridge(tmp.path(), &["mapping", "import", &bad]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("error[INVALID_INPUT]: line 22, objects.Lead[3].target: "),
        "{err}"
    );
    assert!(err.contains("DUPLICATE_TARGET"), "{err}");
    assert!(err.contains("field: objects.Lead[3].target"), "{err}");

    // A misspelt key.
    let typo = file(
        tmp.path(),
        "typo.json",
        &example().replacen("\"syncDelayMinutes\"", "\"syncDelayMinute\"", 1),
    );
    let out = leadbridge(tmp.path(), &["mapping", "import", &typo]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(
        err.contains("criteria.syncDelayMinute: unknown field `syncDelayMinute`"),
        "{err}"
    );
    assert!(err.contains("at line"), "{err}");

    // Malformed JSON, and a file that does not exist.
    let broken = file(
        tmp.path(),
        "broken.json",
        "{\"version\": 1,\n \"objects\": {\"Lead\": [}\n",
    );
    let out = leadbridge(tmp.path(), &["mapping", "import", &broken]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("line 2, objects.Lead[0]: malformed JSON"),
        "{}",
        stderr(&out)
    );
    let out = leadbridge(
        tmp.path(),
        &["mapping", "import", "/nonexistent/mapping.json"],
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("cannot read /nonexistent/mapping.json"),
        "{}",
        stderr(&out)
    );

    // Still version 1, unchanged.
    let out = leadbridge(tmp.path(), &["mapping", "history", "--json"]);
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
    assert_eq!(
        stdout(&leadbridge(tmp.path(), &["mapping", "export"])),
        example()
    );
}

#[test]
fn validate_reports_problems_per_row_and_exits_1_on_errors() {
    let tmp = tempfile::tempdir().unwrap();
    // The default mapping in force: one warning, no errors.
    let out = leadbridge(tmp.path(), &["mapping", "validate"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("warning[DEFAULT_OWNER_UNSET] defaultOwnerId"),
        "{}",
        stdout(&out)
    );
    assert!(
        stderr(&out).contains("org checks skipped"),
        "{}",
        stderr(&out)
    );

    let out = leadbridge(
        tmp.path(),
        &[
            "mapping",
            "validate",
            EXAMPLE,
            "--describe-dir",
            DESCRIBE_DIR,
        ],
    );
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert_eq!(stdout(&out), "no problems\n");

    let text = example()
        .replacen(
            "\"target\": \"Intent__c\"",
            "\"target\": \"Intent_X__c\"",
            1,
        )
        .replacen("\"target\": \"LastName\"", "\"target\": \"Phone\"", 1)
        .replacen("\"source\": \"country\"", "\"source\": \"countryCode\"", 1);
    let bad = file(tmp.path(), "bad.json", &text);
    let out = leadbridge(
        tmp.path(),
        &["mapping", "validate", &bad, "--describe-dir", DESCRIBE_DIR],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let lines: Vec<String> = stdout(&out).lines().map(String::from).collect();
    assert_eq!(
        lines,
        [
            "error[DUPLICATE_TARGET] objects.Lead[3].target (line 22): Lead.Phone is already written by objects.Lead[1]; one row per Salesforce field in a tab",
            "warning[UNKNOWN_SOURCE] objects.Lead[11].source (line 61): \"countryCode\" is not a chat field Leadbridge has seen; the row writes nothing until events carry it",
            "error[UNKNOWN_FIELD] objects.Lead[6].target (line 37): Lead has no field \"Intent_X__c\" (or the connected user cannot see it)",
            "2 error(s), 1 warning(s)",
        ]
    );

    let out = leadbridge(
        tmp.path(),
        &[
            "mapping",
            "validate",
            &bad,
            "--describe-dir",
            DESCRIBE_DIR,
            "--json",
        ],
    );
    assert_eq!(code(&out), 1);
    let problems: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(problems[2]["code"], "UNKNOWN_FIELD");
    assert_eq!(problems[2]["object"], "Lead");
    assert_eq!(problems[2]["rowIndex"], 6);
    assert_eq!(problems[2]["field"], "Intent_X__c");
    assert_eq!(problems[2]["line"], 37);

    // A file that is not a mapping document at all is bad input.
    let junk = file(tmp.path(), "junk.json", "[1, 2, 3]");
    assert_eq!(
        code(&leadbridge(tmp.path(), &["mapping", "validate", &junk])),
        2
    );
}

#[test]
fn history_diff_and_revert() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(
        code(&leadbridge(
            tmp.path(),
            &["mapping", "import", EXAMPLE, "--note", "example"]
        )),
        0
    );
    let changed = file(
        tmp.path(),
        "v2.json",
        &example().replacen("\"syncDelayMinutes\": 15", "\"syncDelayMinutes\": 60", 1),
    );
    let out = leadbridge(tmp.path(), &["mapping", "import", &changed]);
    assert_eq!(
        stdout(&out),
        "saved mapping version 2\n  criteria.syncDelayMinutes: 15 -> 60\n"
    );

    let out = leadbridge(tmp.path(), &["mapping", "diff", "1", "2", "--json"]);
    let change: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(
        change,
        serde_json::json!({"kind": "settingChanged", "path": "criteria.syncDelayMinutes", "before": 15, "after": 60})
    );

    let out = leadbridge(tmp.path(), &["mapping", "revert", "1"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "saved mapping version 3 (restores version 1)\n  criteria.syncDelayMinutes: 60 -> 15\n"
    );
    assert_eq!(
        stdout(&leadbridge(tmp.path(), &["mapping", "export"])),
        example()
    );

    let out = leadbridge(tmp.path(), &["mapping", "history", "--json"]);
    let history: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let summary: Vec<_> = history
        .iter()
        .map(|h| {
            (
                h["version"].clone(),
                h["note"].clone(),
                h["revertedFrom"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (3.into(), "revert to version 1".into(), 1.into()),
            (2.into(), serde_json::Value::Null, serde_json::Value::Null),
            (1.into(), "example".into(), serde_json::Value::Null),
        ]
    );

    let out = leadbridge(tmp.path(), &["mapping", "revert", "9"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("there is no mapping version 9"),
        "{}",
        stderr(&out)
    );
    let out = leadbridge(tmp.path(), &["mapping", "revert", "two"]);
    assert_eq!(code(&out), 2, "clap refuses a non-number");
}
