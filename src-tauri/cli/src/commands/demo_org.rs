//! `leadbridge demo-org`: runs the demo org (a local Salesforce-compatible server) in the
//! foreground. The base URL is the first line on stdout, flushed at once, so scripts can read
//! it; everything else goes to stderr. Ctrl-C or SIGTERM stops it gracefully.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use leadbridge_core::{Error, ErrorCode, Result};
use leadbridge_demo_org::{start, DemoOrgConfig, CLIENT_ID, CLIENT_SECRET};

/// The default address: a fixed port, so a login URL saved against the demo org keeps working
/// across runs. `--listen 127.0.0.1:0` picks a free port instead.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8710";

pub fn run(listen: SocketAddr, seed: u64, auto_approve: bool) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Error::new(
                ErrorCode::Internal,
                format!("cannot start the async runtime: {e}"),
            )
        })?;
    runtime.block_on(serve(listen, seed, auto_approve))
}

async fn serve(listen: SocketAddr, seed: u64, auto_approve: bool) -> Result<ExitCode> {
    let config = DemoOrgConfig {
        listen,
        seed,
        auto_approve,
        ..DemoOrgConfig::default()
    };
    let org = start(config).await.map_err(|e| {
        Error::new(
            ErrorCode::Io,
            format!("{e} (pass --listen 127.0.0.1:0 to pick a free port)"),
        )
    })?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{}", org.base_url())
        .and_then(|()| stdout.flush())
        .map_err(|e| Error::new(ErrorCode::Io, format!("cannot write to stdout: {e}")))?;
    drop(stdout);
    eprintln!(
        "demo org {} (seed {seed}); OAuth client id {CLIENT_ID}, secret {CLIENT_SECRET}",
        org.org_id()
    );
    eprintln!(
        "login URL and instance URL: {}; Ctrl-C to stop",
        org.base_url()
    );
    wait_for_stop_signal().await;
    eprintln!("stopping the demo org");
    org.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

/// Resolves on Ctrl-C, or on SIGTERM where there is one.
pub(crate) async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
