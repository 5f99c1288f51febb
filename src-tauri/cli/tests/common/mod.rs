//! Helpers shared by the CLI tests that run against an in-process demo org: the binary on a
//! data dir of the test's own, run off the async runtime (which serves the demo org
//! meanwhile), and `org connect --no-browser` with the test playing the browser.
//! Runs under a session bus with an unlocked keyring (see scripts/test.sh).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Output, Stdio};

use leadbridge_demo_org::{DemoOrg, DemoOrgConfig, CLIENT_ID};

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
