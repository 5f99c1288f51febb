//! `leadbridge org connect | status | disconnect` against an in-process demo org. The test
//! plays the browser: with `--no-browser` the CLI prints `Open: <url>` and the test GETs it.
//! Runs under a session bus with an unlocked keyring (see scripts/test.sh).

mod common;

use std::path::Path;

use common::{connect_no_browser, demo_org, leadbridge, run, text};
use leadbridge_demo_org::{CLIENT_ID, CLIENT_SECRET};

async fn status_json(dir: &Path) -> serde_json::Value {
    let mut cmd = leadbridge(dir);
    cmd.args(["org", "status", "--json"]);
    let out = run(cmd).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "one JSON line: {stdout}");
    serde_json::from_str(&stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn connect_with_no_browser_then_status_then_disconnect() {
    let org = demo_org().await;
    let dir = tempfile::tempdir().unwrap();

    let before = status_json(dir.path()).await;
    assert_eq!(before["connected"], false);
    assert_eq!(before["profile"], serde_json::Value::Null);

    let (out, page) = connect_no_browser(dir.path(), &org, &["--name", "demo"]).await;
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(page.contains("Leadbridge is connected"), "{page}");
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("Connected profile \"demo\": dana.whitfield@demo-org.example"),
        "{stdout}"
    );

    let status = status_json(dir.path()).await;
    let keys: Vec<&str> = status
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "connected",
            "profile",
            "loginUrl",
            "instanceUrl",
            "username",
            "orgId",
            "apiVersion"
        ]
    );
    assert_eq!(status["connected"], true);
    assert_eq!(status["profile"], "demo");
    assert_eq!(status["loginUrl"], org.base_url());
    assert_eq!(status["instanceUrl"], org.base_url());
    assert_eq!(status["username"], "dana.whitfield@demo-org.example");
    assert_eq!(status["orgId"], org.org_id());
    assert_eq!(status["apiVersion"], "66.0");

    let mut human = leadbridge(dir.path());
    human.args(["org", "status"]);
    let out = run(human).await;
    assert!(
        text(&out.stdout).contains("profile:      demo (connected)"),
        "{}",
        text(&out.stdout)
    );

    let mut disconnect = leadbridge(dir.path());
    disconnect.args(["org", "disconnect"]);
    let out = run(disconnect).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("token revoked"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(status_json(dir.path()).await["connected"], false);

    let mut again = leadbridge(dir.path());
    again.args(["org", "disconnect", "--name", "demo"]);
    let out = run(again).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("error[NOT_CONNECTED]"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn client_credentials_reads_the_secret_from_the_named_variable() {
    let org = demo_org().await;
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = leadbridge(dir.path());
    cmd.args([
        "org",
        "connect",
        "--client-credentials",
        "--login-url",
        &org.base_url(),
        "--client-id",
        CLIENT_ID,
    ])
    .args(["--client-secret-env", "LB_TEST_SECRET", "--name", "cc"])
    .env("LB_TEST_SECRET", CLIENT_SECRET);
    let out = run(cmd).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("integration.user@demo-org.example"),
        "{}",
        text(&out.stdout)
    );
    let status = status_json(dir.path()).await;
    assert_eq!(
        (status["profile"].as_str(), status["connected"].as_bool()),
        (Some("cc"), Some(true))
    );
    // The secret reached neither the output nor any file of the data directory.
    assert!(
        !text(&out.stdout).contains(CLIENT_SECRET) && !text(&out.stderr).contains(CLIENT_SECRET)
    );
    let mut pending = vec![dir.path().to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                assert!(
                    !text(&bytes).contains(CLIENT_SECRET),
                    "{} holds the secret",
                    path.display()
                );
            }
        }
    }
    let mut disconnect = leadbridge(dir.path());
    disconnect.args(["org", "disconnect", "--name", "cc"]);
    assert!(run(disconnect).await.status.success());
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_exits_2_with_a_specific_message() {
    let org = demo_org().await;
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "--login-url".into(),
                org.base_url(),
                "--client-secret-env".into(),
                "LB_SURELY_UNSET_VAR".into(),
            ],
            "LB_SURELY_UNSET_VAR is not set",
        ),
        (
            vec![
                "--client-credentials".into(),
                "--login-url".into(),
                "https://login.salesforce.com".into(),
                "--client-secret-env".into(),
                "LB_TEST_SECRET".into(),
            ],
            "My Domain",
        ),
        (
            vec!["--login-url".into(), "http://acme.example".into()],
            "must use https://",
        ),
        (
            vec![
                "--login-url".into(),
                org.base_url(),
                "--name".into(),
                "a/b".into(),
            ],
            "profile name",
        ),
        // clap's own usage error: --client-credentials needs --client-secret-env.
        (
            vec![
                "--client-credentials".into(),
                "--login-url".into(),
                org.base_url(),
            ],
            "--client-secret-env",
        ),
    ];
    for (args, expected) in cases {
        let mut cmd = leadbridge(dir.path());
        cmd.args(["org", "connect", "--client-id", CLIENT_ID])
            .args(&args)
            .env("LB_TEST_SECRET", CLIENT_SECRET);
        let out = run(cmd).await;
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains(expected),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    assert_eq!(
        status_json(dir.path()).await["connected"],
        false,
        "nothing was stored"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_busy_callback_port_is_named() {
    let org = demo_org().await;
    let dir = tempfile::tempdir().unwrap();
    let squatter = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = squatter.local_addr().unwrap().port().to_string();
    let mut cmd = leadbridge(dir.path());
    cmd.args([
        "org",
        "connect",
        "--login-url",
        &org.base_url(),
        "--client-id",
        CLIENT_ID,
    ])
    .args(["--callback-port", &port, "--no-browser"]);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(&format!("error[OAUTH]: port {port} is in use")),
        "{stderr}"
    );
    assert!(
        !text(&out.stdout).contains("Open: "),
        "the browser step never started"
    );
}
