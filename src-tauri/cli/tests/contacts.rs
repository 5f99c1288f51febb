//! `leadbridge contacts import` and `contacts list`, run as the real binary against a data
//! directory in a tempdir, with the seed-shaped fixtures in tests/fixtures/events/.

mod common;

use std::path::{Path, PathBuf};

use common::{exec, head_one};
use serde_json::Value;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/events")
        .join(name);
    path.to_str().unwrap().to_string()
}

fn list_json(data_dir: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["contacts", "list", "--json"];
    args.extend_from_slice(extra);
    let run = exec(data_dir, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect()
}

#[test]
fn imports_the_seed_fixtures_and_lists_them() {
    let dir = tempfile::tempdir().unwrap();
    let run = exec(
        dir.path(),
        &["contacts", "import", &fixture("seed000-leads.json")],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("Read 10 rows"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("9 contacts imported: 9 new, 0 updated, 0 unchanged."),
        "{}",
        run.stdout
    );

    let run = exec(
        dir.path(),
        &["contacts", "import", &fixture("seed003-events.ndjson")],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("4 contacts imported: 4 new"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("6 conversation events applied"),
        "{}",
        run.stdout
    );

    let run = exec(dir.path(), &["contacts", "import", &fixture("leads.csv")]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("(CSV)") && run.stdout.contains("8 new"),
        "{}",
        run.stdout
    );

    let contacts = list_json(dir.path(), &[]);
    assert_eq!(contacts.len(), 21);
    let alex = contacts
        .iter()
        .find(|c| c["emailKey"] == "prospect@company.com")
        .unwrap();
    assert_eq!(alex["email"], "Prospect@Company.com");
    assert_eq!(alex["metadata"]["budget"], "100k+");
    assert_eq!(alex["conversations"].as_array().unwrap().len(), 2);
    let hana = contacts
        .iter()
        .find(|c| c["email"] == "hana.kim@acme.example")
        .unwrap();
    assert_eq!(hana["conversationStatus"], "closed");
    assert_eq!(hana["events"][0]["kind"], "conversation.feedback");

    // Importing again changes nothing and says so.
    let run = exec(
        dir.path(),
        &["contacts", "import", &fixture("seed000-leads.json")],
    );
    assert_eq!(run.code, 0);
    assert!(
        run.stdout
            .contains("9 contacts imported: 0 new, 0 updated, 9 unchanged."),
        "{}",
        run.stdout
    );
}

#[test]
fn rejected_rows_exit_2_and_the_valid_rows_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let run = exec(
        dir.path(),
        &["contacts", "import", &fixture("bad-rows.ndjson")],
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    let out = &run.stdout;
    assert!(out.contains("2 contacts imported: 2 new"), "{out}");
    assert!(out.contains("10 rows rejected:"), "{out}");
    assert!(
        out.contains("  line 2, field lead.email: is required\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "  line 4, field lead.qualificationScore: must be between 0 and 100, got 150\n"
        ),
        "{out}"
    );
    assert!(out.contains("  line 8: is not valid JSON"), "{out}");
    assert!(out.contains("line 10 repeats line 1"), "{out}");
    assert!(
        out.contains("The valid rows were imported and kept"),
        "{out}"
    );
    let emails: Vec<_> = list_json(dir.path(), &[])
        .iter()
        .map(|c| c["email"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        emails,
        ["good.three@globex.example", "good.one@acme.example"]
    );
}

#[test]
fn json_array_errors_name_element_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("leads.json");
    std::fs::write(
        &file,
        "[\n  {\"event\":\"lead.qualified\",\"timestamp\":\"2026-04-05T14:30:00Z\",\"lead\":{\"email\":\"ok@acme.example\"}},\n  {\"event\":\"lead.qualified\",\"timestamp\":\"2026-04-05T14:30:00Z\",\"lead\":{\"email\":\"ok@acme.example\",\"qualificationScore\":-5}}\n]\n",
    )
    .unwrap();
    let run = exec(dir.path(), &["contacts", "import", file.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("  element [1] (line 3), field lead.qualificationScore: must be between 0 and 100, got -5"),
        "{}",
        run.stdout
    );
}

#[test]
fn malformed_or_unreadable_files_exit_2_with_nothing_imported() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("broken.json");
    std::fs::write(
        &file,
        "[{\"event\":\"lead.qualified\",\"timestamp\":\"2026-04-05T14:30:00Z\",\"lead\":{\"email\":\"a@acme.example\"}}\n {\"event\":1}]",
    )
    .unwrap();
    let run = exec(dir.path(), &["contacts", "import", file.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with("error[INVALID_INPUT]: "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("malformed JSON array at line 2, column 2"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("nothing was imported"),
        "{}",
        run.stderr
    );

    let missing = dir.path().join("missing.csv");
    let run = exec(
        dir.path(),
        &["contacts", "import", missing.to_str().unwrap()],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("error[IO]") && run.stderr.contains("missing.csv"),
        "{}",
        run.stderr
    );

    let latin1 = dir.path().join("latin1.csv");
    std::fs::write(&latin1, b"email,firstName\nz@acme.example,Zo\xe9\n").unwrap();
    let run = exec(
        dir.path(),
        &["contacts", "import", latin1.to_str().unwrap()],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("byte offset 33 (line 2)"),
        "{}",
        run.stderr
    );
    assert!(list_json(dir.path(), &[]).is_empty());
}

#[test]
fn import_json_report_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let run = exec(
        dir.path(),
        &["contacts", "import", "--json", &fixture("bad-rows.ndjson")],
    );
    assert_eq!(run.code, 2);
    let report: Value = serde_json::from_str(run.stdout.trim()).unwrap();
    assert_eq!(report["format"], "ndjson");
    assert_eq!(
        (report["created"].as_u64(), report["rejected"].as_u64()),
        (Some(2), Some(10))
    );
    assert_eq!(
        report["errors"][0],
        serde_json::json!({"line": 2, "index": null, "field": "lead.email", "message": "is required"})
    );
}

#[test]
fn list_table_is_aligned_and_filters_work() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        exec(dir.path(), &["contacts", "import", &fixture("leads.csv")]).code,
        0
    );
    let run = exec(dir.path(), &["contacts", "list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("EMAIL"), "{}", run.stdout);
    assert_eq!(lines.len(), 1 + 8 + 1, "{}", run.stdout);
    assert_eq!(lines[9], "8 contacts.");
    // Every column starts at the same character position on every row: the character
    // before each header's position is a space on every row, and the cell is not blank
    // where the column always has a value.
    for header in [
        "NAME",
        "COMPANY",
        "SCORE",
        "STATUS",
        "RECEIVED",
        "SALESFORCE",
    ] {
        let at = lines[0][..lines[0].find(header).unwrap()].chars().count();
        for line in &lines[1..9] {
            let chars: Vec<char> = line.chars().collect();
            assert_eq!(
                chars.get(at - 1),
                Some(&' '),
                "{line:?} not aligned at {header}"
            );
            assert_ne!(
                chars.get(at),
                Some(&' '),
                "{line:?} has no {header} at column {at}"
            );
        }
    }
    assert!(run.stdout.contains("Inès Moreau"), "{}", run.stdout);
    assert!(run.stdout.contains("Tyrell, Inc."));

    let found = list_json(dir.path(), &["--search", "TYRELL"]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["email"], "bill.turner@tyrell.example");
    let high = list_json(dir.path(), &["--min-score", "80"]);
    let mut emails: Vec<_> = high.iter().map(|c| c["email"].as_str().unwrap()).collect();
    emails.sort();
    assert_eq!(
        emails,
        [
            "anne-marie.d'souza@massive.example",
            "bill.turner@tyrell.example"
        ]
    );
    let page = exec(
        dir.path(),
        &["contacts", "list", "--limit", "3", "--offset", "2"],
    );
    assert!(
        page.stdout.ends_with("3 of 8 shown (from #3).\n"),
        "{}",
        page.stdout
    );
    let closed = exec(dir.path(), &["contacts", "list", "--status", "closed"]);
    assert_eq!(closed.stdout, "No contacts.\n0 contacts.\n");
}

/// `leadbridge contacts list --json | head -1`: the reader closes the pipe after one line, and
/// the command ends quietly (status 0, nothing on stderr) instead of panicking on the write.
#[test]
fn a_reader_that_stops_early_ends_the_command_quietly() {
    let data = tempfile::tempdir().unwrap();
    // Enough contacts that the output overflows the pipe's buffer (64 KiB on Linux), so a
    // write happens after the reader has gone.
    let events: String = (0..2000)
        .map(|i| {
            format!(
                "{{\"event\":\"lead.qualified\",\"timestamp\":\"2026-04-05T14:30:00Z\",\"lead\":{{\"email\":\"reader{i}@pipe.example\",\"firstName\":\"Pipe\",\"lastName\":\"Reader {i}\",\"company\":\"Pipe Works\"}}}}\n"
            )
        })
        .collect();
    let file = data.path().join("events.ndjson");
    std::fs::write(&file, events).unwrap();
    let imported = exec(data.path(), &["contacts", "import", file.to_str().unwrap()]);
    assert_eq!(imported.code, 0, "{}", imported.stderr);

    let mut list = common::leadbridge(data.path());
    list.args(["contacts", "list", "--json", "--limit", "2000"]);
    let first: Value =
        serde_json::from_str(&head_one(list)).expect("the first line is a whole contact");
    assert!(first["email"].as_str().unwrap().ends_with("@pipe.example"));
}
