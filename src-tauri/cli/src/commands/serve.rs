//! `leadbridge serve --listen ADDR --secret-env VAR`: the webhook receiver and automated
//! delivery in the foreground, and `leadbridge backflow pull`: Opportunity changes pulled back
//! onto contacts. Adapters over `leadbridge_core::serve`.
//!
//! `serve` prints the webhook URL as the first line on stdout (flushed, for scripts), then
//! runs until Ctrl-C or SIGTERM; it stops after the calls in flight, and what was not sent
//! stays queued for the next start. The secret is read from the named environment variable,
//! never from the command line (where `ps` would show it).

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use leadbridge_core::salesforce::Secret;
use leadbridge_core::serve::{self, backflow, Receiver, ServeOptions};
use leadbridge_core::sync::RetryPolicy;
use leadbridge_core::webhook::DEFAULT_MAX_BODY;
use leadbridge_core::{Error, ErrorCode, Result};
use tokio_util::sync::CancellationToken;

use super::context::Context;
use super::demo_org::wait_for_stop_signal;
use super::org::runtime;

/// `serve` as parsed by clap.
#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on (e.g. 127.0.0.1:8787; port 0 picks a free one).
    #[arg(long, value_name = "ADDR")]
    listen: SocketAddr,
    /// Environment variable holding the webhook secret (the HMAC-SHA256 key).
    #[arg(long, value_name = "VAR")]
    secret_env: String,
    /// Largest request body accepted, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_BODY)]
    max_body: usize,
    /// How often queued contacts are checked against the criteria and the sync delay.
    #[arg(long, value_name = "MS", default_value_t = 5000)]
    poll_interval_ms: u64,
    /// Waits before each retry of a transient failure, in milliseconds.
    #[arg(long, value_name = "LIST", default_value = "2000,8000,32000")]
    retry_delays_ms: String,
}

pub fn run(data_dir: Option<&Path>, args: ServeArgs) -> Result<ExitCode> {
    let secret = std::env::var(&args.secret_env).map_err(|_| {
        Error::invalid_input(format!(
            "the environment variable {} is not set; put the webhook secret in it",
            args.secret_env
        ))
        .field("secret-env")
    })?;
    if secret.is_empty() {
        return Err(Error::invalid_input(format!(
            "the environment variable {} is empty; put the webhook secret in it",
            args.secret_env
        ))
        .field("secret-env"));
    }
    if args.poll_interval_ms == 0 {
        return Err(
            Error::invalid_input("the poll interval must be at least 1 ms")
                .field("poll-interval-ms"),
        );
    }
    let options = ServeOptions {
        max_body: args.max_body,
        poll_interval: Duration::from_millis(args.poll_interval_ms),
        retry: RetryPolicy::parse_ms(&args.retry_delays_ms)?,
        ..ServeOptions::new(args.listen)
    };
    let ctx = Context::open(data_dir)?;
    runtime()?.block_on(async {
        let receiver = Receiver::start(&ctx.data_dir, Secret::new(secret), options).await?;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{}", receiver.url())
            .and_then(|()| stdout.flush())
            .map_err(|e| Error::new(ErrorCode::Io, format!("cannot write to stdout: {e}")))?;
        drop(stdout);
        let status = receiver.status();
        eprintln!(
            "receiving signed events (up to {} bytes); {} contacts queued; Ctrl-C to stop",
            args.max_body, status.queued
        );
        wait_for_stop_signal().await;
        eprintln!("stopping after the calls in flight; what was not sent stays queued");
        let status = receiver.status();
        receiver.stop().await;
        eprintln!(
            "received {}, accepted {}, rejected {}; delivered {}, failed {}, Tasks {}; {} still queued",
            status.received,
            status.accepted,
            status.rejected,
            status.delivered,
            status.failed,
            status.tasks_created,
            status.queued
        );
        Ok(ExitCode::SUCCESS)
    })
}

/// `backflow`: Salesforce → Leadbridge.
#[derive(Subcommand)]
pub enum BackflowCommand {
    /// Pull Opportunity stage, amount and close-date changes since the last pull onto contacts.
    Pull {
        /// Print the result as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Show the stored cursor and what the last pull did.
    Status {
        #[arg(long)]
        json: bool,
    },
}

pub fn run_backflow(data_dir: Option<&Path>, command: BackflowCommand) -> Result<ExitCode> {
    let ctx = Context::open(data_dir)?;
    match command {
        BackflowCommand::Pull { json } => {
            let client = ctx.client()?;
            let report = runtime()?.block_on(backflow::pull(
                &client,
                &ctx.store,
                &RetryPolicy::default(),
                &CancellationToken::new(),
            ))?;
            if json {
                crate::output::json_line(&report)?;
            } else {
                outln!(
                    "{} Opportunities changed since {}; {} contacts updated, {} matched no contact ({} API calls); cursor now {}",
                    report.opportunities,
                    report.cursor_before.map_or("the start".into(), |c| c.to_rfc3339()),
                    report.contacts_updated,
                    report.unmatched,
                    report.api_calls,
                    report.cursor.map_or("unset".into(), |c| c.to_rfc3339()),
                );
            }
        }
        BackflowCommand::Status { json } => {
            let state = serve::backflow::state(&ctx.store)?;
            if json {
                crate::output::json_line(&state)?;
            } else {
                outln!(
                    "cursor: {}; last pull: {} ({} Opportunities, {} contacts updated)",
                    state
                        .cursor
                        .map_or("never pulled".into(), |c| c.to_rfc3339()),
                    state
                        .last_pulled_at
                        .map_or("never".into(), |c| c.to_rfc3339()),
                    state.last_seen,
                    state.last_changed
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
