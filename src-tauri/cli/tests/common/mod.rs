//! Helpers shared by the CLI tests that run against an in-process demo org: the binary on a
//! data dir of the test's own, run off the async runtime (which serves the demo org
//! meanwhile), and `org connect --no-browser` with the test playing the browser.
//! Runs under a session bus with an unlocked keyring (see scripts/test.sh).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use leadbridge_core::mapping::{MappingDocument, MappingStore};
use leadbridge_core::salesforce::query::{QueryOptions, Record};
use leadbridge_core::salesforce::token_vault::TokenVault;
use leadbridge_core::salesforce::SalesforceClient;
use leadbridge_core::store::Store;
use leadbridge_demo_org::{DemoOrg, DemoOrgConfig, CLIENT_ID};
use serde_json::Value;

pub fn leadbridge(data_dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_leadbridge"));
    cmd.arg("--data-dir")
        .arg(data_dir)
        .env_remove("LEADBRIDGE_DATA_DIR");
    cmd
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A finished run of the binary: its exit status and its output as text.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The binary on `data_dir` with `args`, run to its end on this thread (for the tests that
/// serve no demo org; those use [`run`]).
pub fn exec(data_dir: &Path, args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = leadbridge(data_dir)
        .args(args)
        .output()
        .expect("the leadbridge binary runs");
    Run {
        code: status.code().expect("exited normally"),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

/// `leadbridge ... | head -1`: reads the first line of the command's stdout, closes the pipe,
/// and checks that the command then ends quietly: status 0 and nothing on stderr (no panic, no
/// error line). Returns that first line. The command must print more than the pipe holds
/// (64 KiB on Linux) for a write to happen after the reader has gone.
pub fn head_one(cmd: Command) -> String {
    let (first, out) = head_one_output(cmd);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "nothing on stderr: {stderr}");
    first
}

/// [`head_one`] without its checks: the first line and how the command ended.
pub fn head_one_output(mut cmd: Command) -> (String, Output) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the leadbridge binary runs");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader, and with it the pipe's read end, is gone here.
    (first, child.wait_with_output().unwrap())
}

/// Runs the CLI off the async runtime (the demo org is served by it meanwhile).
pub async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("the binary runs"))
        .await
        .unwrap()
}

pub async fn demo_org() -> DemoOrg {
    leadbridge_demo_org::start(DemoOrgConfig {
        auto_approve: true,
        ..DemoOrgConfig::default()
    })
    .await
    .unwrap()
}

/// `org connect --no-browser`: reads the `Open: ` line, visits it like a browser, and returns
/// the finished process's output and the page the browser ended on.
pub async fn connect_no_browser(dir: &Path, org: &DemoOrg, extra: &[&str]) -> (Output, String) {
    let mut child = leadbridge(dir)
        .args([
            "org",
            "connect",
            "--login-url",
            &org.base_url(),
            "--client-id",
            CLIENT_ID,
        ])
        .args(["--callback-port", "0", "--no-browser"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (first, mut reader) = tokio::task::spawn_blocking(move || {
        let mut reader = BufReader::new(stdout);
        let mut first = String::new();
        reader.read_line(&mut first).unwrap();
        (first, reader)
    })
    .await
    .unwrap();
    let url = first
        .trim_end()
        .strip_prefix("Open: ")
        .unwrap_or_else(|| panic!("first line is Open: <url>, got {first:?}"));
    assert!(
        url.starts_with(&format!("{}/services/oauth2/authorize?", org.base_url())),
        "{url}"
    );
    let page = reqwest::get(url).await.unwrap().text().await.unwrap();
    let output = tokio::task::spawn_blocking(move || {
        let mut rest = String::new();
        reader.read_to_string(&mut rest).unwrap();
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        Output {
            status,
            stdout: format!("{first}{rest}").into_bytes(),
            stderr: stderr.into_bytes(),
        }
    })
    .await
    .unwrap();
    (output, page)
}

/// A demo org served by a runtime of the test's own, a data dir, and `org connect` through
/// the binary (the helper above plays the browser): what the sync and serve tests start from.
pub struct Setup {
    pub rt: tokio::runtime::Runtime,
    pub org: DemoOrg,
    pub dir: tempfile::TempDir,
}

impl Setup {
    pub fn new() -> Setup {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let org = rt.block_on(demo_org());
        let dir = tempfile::tempdir().unwrap();
        let (out, _) = rt.block_on(connect_no_browser(dir.path(), &org, &[]));
        assert!(out.status.success(), "{}", text(&out.stderr));
        Setup { rt, org, dir }
    }

    /// The binary on this data dir with `args`, not started.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = leadbridge(self.dir.path());
        c.args(args);
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.rt.block_on(run(self.command(args)))
    }

    /// Writes events as NDJSON and imports them through the binary.
    pub fn import(&self, events: &[Value]) {
        let path = self.dir.path().join("events.ndjson");
        let lines: String = events.iter().map(|e| format!("{e}\n")).collect();
        std::fs::write(&path, lines).unwrap();
        let out = self.run(&["contacts", "import", path.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }

    pub fn store(&self) -> Store {
        Store::open(self.dir.path()).unwrap()
    }

    pub fn save_doc(&self, doc: &MappingDocument) {
        MappingStore::new(&self.store()).save(doc, None).unwrap();
    }

    /// A SOQL query through the same profile (keyring) the binary uses.
    pub fn query(&self, soql: &str) -> Vec<Record> {
        let store = self.store();
        let vault = TokenVault::for_data_dir(self.dir.path()).unwrap();
        let client = SalesforceClient::open(&store, &vault, None).unwrap();
        self.rt
            .block_on(client.query_all_pages::<Record>(soql, QueryOptions::default()))
            .unwrap()
            .records
    }

    /// Removes the profile's tokens from the keyring.
    pub fn cleanup(self) {
        let vault = TokenVault::for_data_dir(self.dir.path()).unwrap();
        let _ = self.rt.block_on(vault.delete_all("default"));
    }
}

/// The JSON lines a command printed.
pub fn lines(out: &Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect()
}
