//! `leadbridge sync (--all | --email EMAIL...) [--dry-run] [--json] [--retry-delays-ms LIST]
//! [--bulk | --no-bulk]` and `leadbridge log retry (ID | --failed) [--json] [--retry-delays-ms LIST]`: adapters over
//! `leadbridge_core::sync`.
//!
//! `--json` prints one object per contact per line (PRODUCT.md's contract); `--dry-run
//! --json` prints the plan, one item per line. Exit status: 0 when nothing failed, 1 when
//! some deliveries failed or were left pending (all of them are in the delivery log), 2 for
//! bad input or usage (then nothing was sent). Ctrl-C stops before the next batch; what was
//! not sent stays pending and the next `sync` resumes it.
//!
//! The path (REST, or Bulk API 2.0 above the `sync.bulkThreshold` setting) is the plan's:
//! `--dry-run` prints it, with the org's daily Bulk API batch allowance, on stderr.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};
use leadbridge_core::sync::{
    self, BulkMode, ExecuteOptions, Plan, PlanAction, PlanItem, PlanOptions, ResultStatus,
    RetryPolicy, RetryTarget, Selection, SyncProgress, SyncReport,
};
use leadbridge_core::Result;
use tokio_util::sync::CancellationToken;

use super::context::Context;
use super::log::LogCommand as LogViewCommand;
use super::org::runtime;
use crate::output::{self, EXIT_FAILED};

const DEFAULT_DELAYS: &str = "2000,8000,32000";

/// `sync` as parsed by clap.
#[derive(Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["all", "email"])))]
pub struct SyncArgs {
    /// Push every contact in the inbox.
    #[arg(long)]
    all: bool,
    /// Push these contacts (repeat, or list several after one --email).
    #[arg(long, value_name = "EMAIL", num_args = 1..)]
    email: Vec<String>,
    /// Show what would be sent, send nothing.
    #[arg(long)]
    dry_run: bool,
    /// One JSON object per contact per line.
    #[arg(long)]
    json: bool,
    /// Waits before each retry of a transient failure, in milliseconds.
    #[arg(long, value_name = "LIST", default_value = DEFAULT_DELAYS)]
    retry_delays_ms: String,
    /// Send through Bulk API 2.0 whatever the size (default: above the `sync.bulkThreshold`
    /// setting, 2,000 records).
    #[arg(long, conflicts_with = "no_bulk")]
    bulk: bool,
    /// Never use Bulk API 2.0.
    #[arg(long)]
    no_bulk: bool,
}

/// `log retry` as parsed by clap.
#[derive(Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["id", "failed"])))]
pub struct RetryArgs {
    /// The failed delivery to retry.
    id: Option<i64>,
    /// Retry every failed delivery (the newest per contact).
    #[arg(long)]
    failed: bool,
    /// One JSON object per contact per line.
    #[arg(long)]
    json: bool,
    /// Waits before each retry of a transient failure, in milliseconds.
    #[arg(long, value_name = "LIST", default_value = DEFAULT_DELAYS)]
    retry_delays_ms: String,
}

/// `log`: the delivery log's views, and `retry`, which pushes again.
#[derive(Subcommand)]
pub enum LogCommand {
    #[command(flatten)]
    View(LogViewCommand),
    /// Retry failed deliveries: re-plan their contacts from a fresh look-up and send what is
    /// still missing. Never creates duplicates.
    Retry(RetryArgs),
}

/// Runs one `log` subcommand.
pub fn run_log(data_dir: Option<&Path>, command: LogCommand) -> Result<ExitCode> {
    match command {
        LogCommand::View(view) => super::log::run(data_dir, view),
        LogCommand::Retry(args) => retry(data_dir, args),
    }
}

/// `sync`.
pub fn run(data_dir: Option<&Path>, args: SyncArgs) -> Result<ExitCode> {
    let policy = RetryPolicy::parse_ms(&args.retry_delays_ms)?;
    let selection = if args.all {
        Selection::All
    } else {
        Selection::Emails(args.email)
    };
    let mode = if args.bulk {
        BulkMode::Always
    } else if args.no_bulk {
        BulkMode::Never
    } else {
        BulkMode::Auto
    };
    let ctx = Context::open(data_dir)?;
    // Unknown emails are refused before anything else (nothing is sent).
    sync::select(&ctx.store, &selection)?;
    let client = ctx.client()?;
    runtime()?.block_on(async {
        if args.dry_run {
            let options = PlanOptions {
                retry: policy,
                cancel: CancellationToken::new(),
                bulk: mode,
            };
            let plan = sync::plan_push(&client, &ctx.store, &selection, &options).await?;
            print_plan(&plan, args.json)?;
            return Ok(ExitCode::SUCCESS);
        }
        let mut options = execute_options(policy, args.json);
        options.bulk.mode = mode;
        let report = sync::push(&client, &ctx.store, &selection, &options).await?;
        finish(&report, args.json)
    })
}

/// `log retry`.
pub fn retry(data_dir: Option<&Path>, args: RetryArgs) -> Result<ExitCode> {
    let policy = RetryPolicy::parse_ms(&args.retry_delays_ms)?;
    let target = match args.id {
        Some(id) => RetryTarget::Delivery(id),
        None => RetryTarget::AllFailed,
    };
    let ctx = Context::open(data_dir)?;
    let client = ctx.client()?;
    runtime()?.block_on(async {
        let options = execute_options(policy, args.json);
        let report = sync::retry(&client, &ctx.store, target, &options).await?;
        finish(&report, args.json)
    })
}

/// Ctrl-C cancels before the next batch; progress goes to a terminal's stderr.
fn execute_options(policy: RetryPolicy, json: bool) -> ExecuteOptions {
    let cancel = CancellationToken::new();
    let on_signal = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("Stopping after the calls in flight; what was not sent stays pending.");
            on_signal.cancel();
        }
    });
    let progress: Option<sync::ProgressFn> =
        (!json && std::io::stderr().is_terminal()).then(|| {
            Arc::new(|p: &SyncProgress| {
                eprint!(
                    "\r{}/{} done: {} succeeded, {} failed, {} skipped ({} API calls){}",
                    p.done,
                    p.total,
                    p.succeeded,
                    p.failed,
                    p.skipped,
                    p.api_calls,
                    p.bulk.as_ref().map_or_else(String::new, |b| format!(
                        "; Bulk API: {:?}, {}/{} jobs done, {}/{} records processed, {} failed",
                        b.stage, b.jobs_done, b.jobs, b.processed, b.records, b.failed
                    ))
                );
                if p.done == p.total {
                    eprintln!();
                }
            }) as sync::ProgressFn
        });
    ExecuteOptions {
        retry: policy,
        cancel,
        progress,
        ..ExecuteOptions::default()
    }
}

/// Prints the results and picks the exit status.
fn finish(report: &SyncReport, json: bool) -> Result<ExitCode> {
    let status = if report.all_delivered() {
        0
    } else {
        EXIT_FAILED
    };
    output::set_status_if_closed(status);
    if json {
        for result in &report.results {
            output::json_line(result)?;
        }
    } else {
        print_report(report);
    }
    if !report.pending.is_empty() {
        eprintln!(
            "{} deliveries were left pending (the push was cancelled); run `leadbridge sync` again to resume them",
            report.pending.len()
        );
    }
    let failed = report.count(ResultStatus::Failed);
    if failed > 0 {
        eprintln!(
            "{failed} deliveries failed; see `leadbridge log list --status failed`, retry with `leadbridge log retry --failed`"
        );
    }
    Ok(ExitCode::from(status))
}

fn print_report(report: &SyncReport) {
    for r in &report.results {
        let status = match r.status {
            ResultStatus::Succeeded => "ok",
            ResultStatus::Failed => "FAILED",
            ResultStatus::Skipped => "skipped",
        };
        let id = r.id.as_ref().map(|id| format!(" {id}")).unwrap_or_default();
        let error = r
            .error
            .as_ref()
            .map(|e| format!(" [{}] {}", e.code, e.message))
            .unwrap_or_default();
        outln!(
            "{status:<8} {:<10} {:<8} {}{id}{error}",
            r.action,
            r.object,
            r.email
        );
    }
    let count = |s| report.count(s);
    outln!(
        "{} contacts: {} succeeded, {} failed, {} skipped{}; {} API calls for writes, {} for look-ups",
        report.results.len() + report.pending.len(),
        count(ResultStatus::Succeeded),
        count(ResultStatus::Failed),
        count(ResultStatus::Skipped),
        if report.pending.is_empty() {
            String::new()
        } else {
            format!(", {} pending", report.pending.len())
        },
        report.api_calls,
        report.lookup_calls
    );
}

fn print_plan(plan: &Plan, json: bool) -> Result<()> {
    // The path (and the daily Bulk API allowance) on stderr, so JSON lines stay one per item.
    if let Some(choice) = &plan.bulk {
        eprintln!("Path: {}", choice.reason);
    }
    if json {
        for item in &plan.items {
            output::json_line(item)?;
        }
        return Ok(());
    }
    for item in &plan.items {
        outln!("{}", describe_item(item));
    }
    let t = &plan.totals;
    outln!(
        "{} contacts: {} to create, {} to update, {} unchanged, {} skipped, {} invalid; {} campaign members, {} Opportunities, {} Account updates; {} API calls for writes ({}), {} used for look-ups. Nothing was sent (dry run).",
        t.contacts, t.create, t.update, t.unchanged, t.skipped, t.invalid, t.campaign_members,
        t.opportunities, t.account_updates, t.write_calls,
        if plan.api == sync::ApiPath::Bulk { sync::bulk::BULK_ROUTE } else { sync::planner::API_ROUTE },
        plan.lookup_calls
    );
    Ok(())
}

fn describe_item(item: &PlanItem) -> String {
    let action = match item.action {
        PlanAction::Create if item.record_id.is_some() => "created (earlier attempt)",
        PlanAction::Create => "create",
        PlanAction::Update => "update",
        PlanAction::Unchanged => "unchanged",
        PlanAction::Skipped => "skip",
    };
    let mut text = format!("{action:<10} {:<8} {}", item.object.as_str(), item.email);
    if let Some(id) = &item.record_id {
        text.push_str(&format!(" {id}"));
    }
    let mut lines = Vec::new();
    if let Some(problem) = &item.problem {
        lines.push(format!(
            "cannot be sent: [{}] {}",
            problem.code, problem.message
        ));
    }
    if let Some(skip) = &item.skip_reason {
        lines.push(format!("[{}] {}", skip.code, skip.message));
    }
    for change in &item.changes {
        let before = change
            .before
            .as_ref()
            .map_or_else(|| "(none)".to_string(), |v| v.to_string());
        lines.push(format!(
            "{}: {before} -> {} (from {})",
            change.field, change.after, change.source
        ));
    }
    if let Some(reason) = &item.owner_reason {
        lines.push(format!(
            "owner: {} ({reason})",
            item.owner_id.as_deref().unwrap_or("not set")
        ));
    }
    if let Some(c) = &item.campaign {
        lines.push(format!("campaign: joins {}", c.campaign_id));
    }
    if let Some(note) = &item.campaign_note {
        lines.push(format!("campaign: {note}"));
    }
    if let Some(o) = &item.opportunity {
        lines.push(format!(
            "opportunity: {:?} at stage {} closing {} for Contact {}",
            o.name, o.stage_name, o.close_date, o.contact_id
        ));
    }
    if let Some(note) = &item.opportunity_note {
        lines.push(note.clone());
    }
    if let Some(a) = &item.account {
        for change in &a.changes {
            lines.push(format!(
                "Account {}: {}: {} -> {}",
                a.account_id,
                change.field,
                change
                    .before
                    .as_ref()
                    .map_or_else(|| "(none)".into(), |v| v.to_string()),
                change.after
            ));
        }
    }
    if let Some(note) = &item.account_note {
        lines.push(format!("account: {note}"));
    }
    lines.extend(item.notes.iter().cloned());
    if let Some(c) = &item.continues {
        lines.push(format!(
            "{} delivery {}",
            if c.retry { "retries" } else { "resumes" },
            c.delivery_id
        ));
        lines.extend(c.findings.iter().cloned());
    }
    for line in lines {
        text.push_str("\n    ");
        text.push_str(&line);
    }
    text
}
