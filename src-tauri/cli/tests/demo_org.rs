//! `leadbridge demo-org`: the base URL is the first stdout line, the server answers, and
//! SIGTERM stops it cleanly.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A minimal HTTP/1.1 GET over a raw socket (the CLI crate has no HTTP client dependency).
fn http_get(base: &str, path: &str) -> String {
    let addr = base.strip_prefix("http://").expect("http base URL");
    let mut s = TcpStream::connect(addr).expect("connects to the demo org");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("response");
    out
}

#[test]
fn prints_base_url_first_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leadbridge"))
        .args(["demo-org", "--listen", "127.0.0.1:0", "--seed", "7"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("first line");
    let base = first.trim().to_string();
    assert!(
        base.starts_with("http://127.0.0.1:") && !base.ends_with(":0"),
        "first line is the base URL: {base:?}"
    );

    let resp = http_get(&base, "/services/data");
    assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
    assert!(resp.contains("\"version\":\"66.0\""), "{resp}");

    #[cfg(unix)]
    {
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let exit = child.wait().expect("exits");
        assert!(exit.success(), "graceful stop exits 0: {exit:?}");
    }
    #[cfg(not(unix))]
    {
        let _ = child.kill();
        let _ = child.wait();
    }
}

#[test]
fn a_busy_port_is_a_clear_error() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = holder.local_addr().expect("addr").to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_leadbridge"))
        .args(["demo-org", "--listen", &addr])
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot listen on") && err.contains("--listen 127.0.0.1:0"),
        "{err}"
    );
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout when it did not start"
    );
}
