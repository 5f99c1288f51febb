//! The bad-input catalogue (tests/bad-input/README.md), proven: each case runs the real
//! `leadbridge` binary on a data directory holding contacts already, checks the exact error the
//! user sees (temporary paths shown as `<DIR>`) and the exit status, and then checks that
//! nothing was lost: the contacts (and, where it matters, the mapping) are exactly as before.
//! Cases needing an org run against an in-process demo org with an unlocked keyring (see
//! scripts/test.sh).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use leadbridge_core::salesforce::token_vault::{TokenKind, TokenVault};

/// A data directory with the seed contacts imported: what must survive every bad input.
struct Data {
    dir: tempfile::TempDir,
}

impl Data {
    fn new() -> Data {
        let dir = tempfile::tempdir().unwrap();
        let data = Data { dir };
        let out = data.run(&["contacts", "import", &fixture("seed000-leads.json")]);
        assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
        data
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.path().join(name);
        fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_string()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = common::leadbridge(self.path());
        cmd.args(args);
        cmd
    }

    fn run(&self, args: &[&str]) -> Run {
        self.finish(self.command(args).output().expect("the binary runs"))
    }

    fn finish(&self, out: Output) -> Run {
        let dir = self.path().to_str().unwrap();
        let shown = |b: &[u8]| String::from_utf8_lossy(b).replace(dir, "<DIR>");
        Run {
            code: out.status.code().expect("exited normally"),
            stdout: shown(&out.stdout),
            stderr: shown(&out.stderr),
        }
    }

    /// Every contact as the CLI lists them: the proof that nothing was lost or changed.
    fn contacts(&self) -> String {
        let out = self.run(&["contacts", "list", "--json"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(out.stdout.lines().count(), 9, "the seed has 9 contacts");
        out.stdout
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/events")
        .join(name);
    let path = fs::canonicalize(path).unwrap();
    path.to_str().unwrap().to_string()
}

const LEAD: &str = r#"{"event":"lead.qualified","timestamp":"2026-04-08T09:00:00Z","lead":{"email":"EMAIL","firstName":"FIRST","qualificationScore":SCORE}}"#;

fn lead(email: &str, first: &str, score: &str) -> String {
    LEAD.replace("EMAIL", email)
        .replace("FIRST", first)
        .replace("SCORE", score)
}

#[test]
fn malformed_json_names_line_and_column_and_imports_nothing() {
    let data = Data::new();
    let before = data.contacts();
    let file = data.file(
        "broken.json",
        format!(
            "[\n  {},\n  {{\"event\": \"lead.qualified\",, }}\n]\n",
            lead("new@example.com", "New", "50")
        )
        .as_bytes(),
    );
    let out = data.run(&["contacts", "import", &file]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert_eq!(
        out.stderr,
        "error[INVALID_INPUT]: <DIR>/broken.json: malformed JSON array at line 3, column 30: key must be a string\n  at line 3, column 30\nnothing was imported\n"
    );
    assert_eq!(data.contacts(), before);
}

#[test]
fn wrong_types_and_invalid_emails_reject_their_rows_only() {
    let data = Data::new();
    let before = data.contacts();
    let rows = [
        lead("ok.row@example.com", "Ok", "60"),
        lead("score.text@example.com", "Text", "\"high\""),
        r#"{"event":"lead.qualified","timestamp":"2026-04-08T09:00:00Z","lead":{"email":42}}"#
            .to_string(),
        lead("not an email", "Bad", "10"),
        lead("two@@example.com", "Bad", "10"),
        lead("trailing.dot.@example.com", "Bad", "10"),
    ];
    let file = data.file("rows.ndjson", (rows.join("\n") + "\n").as_bytes());
    let out = data.run(&["contacts", "import", &file]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "Read 6 rows from <DIR>/rows.ndjson (NDJSON).
1 contact imported: 1 new, 0 updated, 0 unchanged.
5 rows rejected:
  line 2, field lead.qualificationScore: expected a number from 0 to 100, got a string (\"high\")
  line 3, field lead.email: expected a string, got a number (42)
  line 4, field lead.email: `not an email` is not a valid email address: it contains a space (no spaces or control characters allowed)
  line 5, field lead.email: `two@@example.com` is not a valid email address: it has more than one '@'
  line 6, field lead.email: `trailing.dot.@example.com` is not a valid email address: it has a misplaced dot before the '@'
The valid rows were imported and kept; the rejected rows were not. Fix them and import the file again: rows already imported are not duplicated.
"
    );
    // The one valid row was added; the nine contacts before are untouched.
    let after = data.run(&["contacts", "list", "--json"]).stdout;
    assert_eq!(after.lines().count(), 10);
    for line in before.lines() {
        assert!(after.contains(line), "lost or changed: {line}");
    }
}

#[test]
fn huge_fields_and_files_are_refused_with_their_limits() {
    let data = Data::new();
    let before = data.contacts();
    let long_name = "x".repeat(100_000);
    let file = data.file(
        "huge-field.ndjson",
        lead("huge@example.com", &long_name, "50").as_bytes(),
    );
    let out = data.run(&["contacts", "import", &file]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stdout,
        "Read 1 row from <DIR>/huge-field.ndjson (NDJSON).
0 contacts imported: 0 new, 0 updated, 0 unchanged.
1 row rejected:
  line 1, field lead.firstName: is 100000 characters long; the maximum is 255
The valid rows were imported and kept; the rejected rows were not. Fix them and import the file again: rows already imported are not duplicated.
"
    );

    // 51 MiB: over the 50 MiB import limit, refused before parsing.
    let big = data.path().join("huge.ndjson");
    let f = fs::File::create(&big).unwrap();
    f.set_len(51 * 1024 * 1024).unwrap();
    let out = data.run(&["contacts", "import", big.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error[INVALID_INPUT]: <DIR>/huge.ndjson: the file is 51.0 MiB; the import limit is 50 MiB (split it into smaller files)\nnothing was imported\n"
    );
    assert_eq!(data.contacts(), before);
}

#[test]
fn invalid_utf8_names_the_byte_offset() {
    let data = Data::new();
    let before = data.contacts();
    let mut bytes = format!("{}\n", lead("a@example.com", "A", "50")).into_bytes();
    let offset = bytes.len() + 60;
    let mut second = lead("b@example.com", "B", "50").into_bytes();
    second[60] = 0xFF;
    bytes.extend_from_slice(&second);
    let file = data.file("latin1.ndjson", &bytes);
    let out = data.run(&["contacts", "import", &file]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        format!("error[INVALID_INPUT]: <DIR>/latin1.ndjson: the file is not valid UTF-8: invalid byte 0xFF at byte offset {offset} (line 2); save it as UTF-8\n  at line 2, column 61\nnothing was imported\n")
    );
    assert_eq!(data.contacts(), before);
}

#[test]
fn duplicate_rows_are_imported_once() {
    let data = Data::new();
    let row = lead("dup@example.com", "Dup", "70");
    let file = data.file("dups.ndjson", format!("{row}\n{row}\n{row}\n").as_bytes());
    let out = data.run(&["contacts", "import", &file]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "Read 3 rows from <DIR>/dups.ndjson (NDJSON).
1 contact imported: 1 new, 0 updated, 0 unchanged.
2 duplicate rows skipped:
  line 2 repeats line 1
  line 3 repeats line 1
"
    );
    let after = data.run(&["contacts", "list", "--json"]).stdout;
    assert_eq!(
        after
            .lines()
            .filter(|l| l.contains("dup@example.com"))
            .count(),
        1
    );
    assert_eq!(after.lines().count(), 10);
}

#[test]
fn a_mapping_to_unknown_fields_is_reported_per_row() {
    let data = Data::new();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let example = fs::read_to_string(root.join("mapping/example.json")).unwrap();
    let good = data.file("mapping.json", example.as_bytes());
    assert_eq!(data.run(&["mapping", "import", &good]).code, 0);
    let saved = data.run(&["mapping", "export"]).stdout;

    // A chat field nobody sends and a Salesforce field the org does not have.
    let bad = example
        .replacen(
            "\"target\": \"Phone\"",
            "\"target\": \"Phone_Number__c\"",
            1,
        )
        .replacen("\"source\": \"phone\"", "\"source\": \"phnoe\"", 1);
    let file = data.file("bad-mapping.json", bad.as_bytes());
    let describes = root.join("describe");
    let out = data.run(&[
        "mapping",
        "validate",
        "--describe-dir",
        describes.to_str().unwrap(),
        &file,
    ]);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    let shown = format!("{}{}", out.stdout, out.stderr);
    for line in [
        "error[UNKNOWN_FIELD] objects.Lead[1].target (line 12): Lead has no field \"Phone_Number__c\" (or the connected user cannot see it)",
        "warning[UNKNOWN_SOURCE] objects.Lead[1].source (line 11): \"phnoe\" is not a chat field Leadbridge has seen; the row writes nothing until events carry it",
        "1 error(s), 1 warning(s)",
    ] {
        assert!(shown.contains(line), "missing {line:?} in\n{shown}");
    }
    // Validating saved nothing: the mapping in force is the one imported before.
    assert_eq!(data.run(&["mapping", "export"]).stdout, saved);
    assert_eq!(data.contacts().lines().count(), 9);
}

#[test]
fn a_read_only_data_dir_is_named_and_left_alone() {
    let data = Data::new();
    let before = data.contacts();
    let mut perms = fs::metadata(data.path()).unwrap().permissions();
    let writable = perms.clone();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o555);
    fs::set_permissions(data.path(), perms).unwrap();
    // Root ignores permission bits: run as nobody then (setpriv, util-linux).
    let as_root = euid_is_root();
    let mut cmd = if as_root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(env!("CARGO_BIN_EXE_leadbridge"))
            .arg("--data-dir")
            .arg(data.path());
        c
    } else {
        common::leadbridge(data.path())
    };
    let file = fixture("leads.csv");
    cmd.args(["contacts", "import", &file])
        .env_remove("LEADBRIDGE_DATA_DIR");
    let out = data.finish(cmd.output().unwrap());
    fs::set_permissions(data.path(), writable).unwrap();
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        out.stderr,
        "error[DATA_DIR]: data directory <DIR> is not writable: Permission denied (os error 13)\n"
    );
    assert_eq!(data.contacts(), before);
}

fn euid_is_root() -> bool {
    // No libc dependency: /proc/self/status has the effective uid on the Uid: line.
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

#[test]
fn a_locked_database_waits_then_says_so_and_nothing_is_corrupted() {
    let data = Data::new();
    let before = data.contacts();
    // Another process holding the write lock: a connection of our own in an open write
    // transaction, as the app mid-import would be.
    let holder = leadbridge_core::store::Store::open(data.path()).unwrap();
    holder.conn().execute_batch("BEGIN IMMEDIATE").unwrap();
    let file = fixture("leads.csv");
    let started = std::time::Instant::now();
    let out = data.run(&["contacts", "import", &file]);
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(4),
        "it waited for the lock first"
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        out.stderr,
        format!("error[DATABASE]: {file}: the database is busy: another Leadbridge process (the app or a `leadbridge` command) kept it locked for more than 5 seconds. Nothing was changed; try again when it has finished\nnothing was imported\n")
    );
    holder.conn().execute_batch("ROLLBACK").unwrap();
    drop(holder);
    assert_eq!(data.contacts(), before);
    let check = leadbridge_core::store::Store::open(data.path()).unwrap();
    let integrity: String = check
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    // And once the lock is gone the same import works.
    assert_eq!(data.run(&["contacts", "import", &file]).code, 0);
}

#[test]
fn a_full_disk_on_export_is_reported_and_the_log_kept() {
    let data = Data::new();
    let before = data.contacts();
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let mut cmd = data.command(&["log", "export", "--csv"]);
    cmd.stdout(Stdio::from(full));
    let out = data.finish(cmd.output().unwrap());
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error[IO]: cannot write the CSV export: No space left on device (os error 28)\n"
    );
    assert_eq!(data.contacts(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_token_asks_to_connect_again() {
    let org = common::demo_org().await;
    let data = tokio::task::spawn_blocking(Data::new).await.unwrap();
    let before = {
        let d = data.path().to_path_buf();
        tokio::task::spawn_blocking(move || {
            let out = common::leadbridge(&d)
                .args(["contacts", "list", "--json"])
                .output()
                .unwrap();
            String::from_utf8(out.stdout).unwrap()
        })
        .await
        .unwrap()
    };
    let (out, _) = common::connect_no_browser(data.path(), &org, &["--name", "revoked"]).await;
    assert!(out.status.success(), "{}", common::text(&out.stderr));

    // The admin revokes Leadbridge's access in Salesforce: the refresh token dies, and with
    // it the sessions it issued.
    let vault = TokenVault::for_data_dir(data.path()).unwrap();
    let refresh = vault
        .get("revoked", TokenKind::Refresh)
        .await
        .unwrap()
        .expect("a stored refresh token");
    let response = reqwest::Client::new()
        .post(format!("{}/services/oauth2/revoke", org.base_url()))
        .form(&[("token", refresh.expose())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    org.faults().expire_sessions();

    let mut cmd = data.command(&["soql", "SELECT Id FROM Lead LIMIT 1"]);
    cmd.stdin(Stdio::null());
    let out = data.finish(common::run(cmd).await);
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_eq!(
        out.stderr,
        "error[NOT_CONNECTED]: refreshing the session failed: expired access/refresh token [invalid_grant] (run `org connect` again to sign in anew)\n  salesforce: invalid_grant\n"
    );
    let d = data.path().to_path_buf();
    let after = tokio::task::spawn_blocking(move || {
        let out = common::leadbridge(&d)
            .args(["contacts", "list", "--json"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    })
    .await
    .unwrap();
    assert_eq!(after, before);
    vault.delete_all("revoked").await.unwrap();
}
