//! `leadbridge log ...`: the delivery log from the command line (list, show, export). Arguments
//! become a `DeliveryQuery`; the core does the rest.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};
use leadbridge_core::deliveries::{
    self, Attempt, Delivery, DeliveryDetail, DeliveryId, DeliveryObject, DeliveryQuery,
    DeliveryStatus, DeliveryTrigger,
};
use leadbridge_core::{Error, ErrorCode, Result};

use super::context::Context;
use crate::output;

#[derive(Subcommand)]
pub enum LogCommand {
    /// List deliveries, newest first.
    List {
        #[command(flatten)]
        filter: FilterArgs,
        /// Show at most N deliveries (0: all).
        #[arg(long, value_name = "N", default_value_t = 100)]
        limit: u32,
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one delivery: its fields, payload and attempt timeline with request and response bodies.
    Show {
        /// The delivery id.
        id: i64,
        #[arg(long)]
        json: bool,
    },
    /// Export deliveries as CSV to FILE (stdout when absent).
    Export {
        /// CSV is the export format (required).
        #[arg(long, required = true)]
        csv: bool,
        #[command(flatten)]
        filter: FilterArgs,
        /// Export at most N deliveries (default: all that match).
        #[arg(long, value_name = "N")]
        limit: Option<u32>,
        /// Where to write; written whole or not at all.
        file: Option<PathBuf>,
    },
}

/// The log's filters, shared by `list` and `export`.
#[derive(Args)]
pub struct FilterArgs {
    /// Only these statuses (comma-separated or repeated): pending, in_flight, succeeded,
    /// failed, skipped, resolved.
    #[arg(long, value_name = "STATUS", value_delimiter = ',')]
    status: Vec<String>,
    /// Only these objects: Lead, Contact, Account, Opportunity, CampaignMember, Task.
    #[arg(long, value_name = "OBJECT", value_delimiter = ',')]
    object: Vec<String>,
    /// Words that must each start a word of the email, contact name or company.
    #[arg(long, value_name = "TEXT")]
    search: Option<String>,
    /// Only deliveries with this error code (e.g. REQUIRED_FIELD_MISSING).
    #[arg(long, value_name = "CODE")]
    error_code: Option<String>,
    /// Only deliveries started by: manual, webhook, retry.
    #[arg(long, value_name = "TRIGGER")]
    trigger: Option<String>,
    /// Created at or after (RFC 3339 or YYYY-MM-DD, UTC).
    #[arg(long, value_name = "TIME")]
    from: Option<String>,
    /// Created before (RFC 3339 or YYYY-MM-DD, UTC).
    #[arg(long, value_name = "TIME")]
    to: Option<String>,
}

impl FilterArgs {
    /// Parses every value before anything is opened, so bad input exits 2 with nothing done.
    fn to_query(&self) -> Result<DeliveryQuery> {
        Ok(DeliveryQuery {
            status: self
                .status
                .iter()
                .map(|s| s.parse::<DeliveryStatus>())
                .collect::<Result<_>>()?,
            object: self
                .object
                .iter()
                .map(|s| s.parse::<DeliveryObject>())
                .collect::<Result<_>>()?,
            error_code: self.error_code.clone(),
            trigger: self
                .trigger
                .as_deref()
                .map(str::parse::<DeliveryTrigger>)
                .transpose()?,
            created_from: self
                .from
                .as_deref()
                .map(|t| deliveries::parse_time(t).map_err(|e| e.field("--from")))
                .transpose()?,
            created_to: self
                .to
                .as_deref()
                .map(|t| deliveries::parse_time(t).map_err(|e| e.field("--to")))
                .transpose()?,
            search: self.search.clone(),
            ..DeliveryQuery::default()
        })
    }
}

pub fn run(data_dir: Option<&Path>, command: LogCommand) -> Result<ExitCode> {
    match command {
        LogCommand::List {
            filter,
            limit,
            json,
        } => {
            let query = DeliveryQuery {
                limit: (limit > 0).then_some(limit),
                ..filter.to_query()?
            };
            list(data_dir, &query, json)
        }
        LogCommand::Show { id, json } => show(data_dir, DeliveryId(id), json),
        LogCommand::Export {
            csv: _,
            filter,
            limit,
            file,
        } => {
            let query = DeliveryQuery {
                limit,
                ..filter.to_query()?
            };
            export(data_dir, &query, file.as_deref())
        }
    }
}

/// A write that failed for another reason than a reader that went away (`| head`): that one
/// ends the process quietly in [`output::Stdout`].
fn io_error(e: std::io::Error) -> Error {
    Error::new(ErrorCode::Io, format!("cannot write to stdout: {e}"))
}

fn list(data_dir: Option<&Path>, query: &DeliveryQuery, json: bool) -> Result<ExitCode> {
    let ctx = Context::open(data_dir)?;
    let conn = ctx.store.conn();
    // Buffered: a long listing is a few large writes rather than one per row.
    let mut out = BufWriter::new(output::stdout());
    if !json {
        writeln!(
            out,
            "{:>8}  {:<24}  {:<9}  {:<14}  {:<9}  {:>3}  {:<32}  ERROR",
            "ID", "CREATED", "STATUS", "OBJECT", "ACTION", "TRY", "EMAIL"
        )
        .map_err(io_error)?;
    }
    let shown = deliveries::for_each(&conn, query, |d| {
        if json {
            writeln!(out, "{}", serde_json::to_string(&d)?)
        } else {
            writeln!(out, "{}", table_row(&d))
        }
        .map_err(io_error)
    })?;
    out.flush().map_err(io_error)?;
    if let Some(limit) = query.limit {
        if shown == u64::from(limit) {
            let total = deliveries::count(&conn, query)?;
            if total > shown {
                eprintln!("showing {shown} of {total} deliveries; use --limit N (0 for all)");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One line: messages lose their line breaks and are cut so the table stays a table.
fn table_row(d: &Delivery) -> String {
    let error = d
        .error
        .as_ref()
        .map(|e| {
            let message: String = e.message.split_whitespace().collect::<Vec<_>>().join(" ");
            let message = if message.chars().count() > 80 {
                format!("{}…", message.chars().take(79).collect::<String>())
            } else {
                message
            };
            format!("{}: {message}", e.code)
        })
        .unwrap_or_default();
    format!(
        "{:>8}  {:<24}  {:<9}  {:<14}  {:<9}  {:>3}  {:<32}  {}",
        d.id.0,
        deliveries::format_time(d.created_at),
        d.status.as_str(),
        d.object.as_str(),
        d.action.as_str(),
        d.attempts,
        d.email,
        error
    )
    .trim_end()
    .to_string()
}

fn show(data_dir: Option<&Path>, id: DeliveryId, json: bool) -> Result<ExitCode> {
    let ctx = Context::open(data_dir)?;
    let detail = deliveries::get(&ctx.store.conn(), id)?;
    if json {
        output::json_line(&detail)?;
    } else {
        out!("{}", describe(&detail));
    }
    Ok(ExitCode::SUCCESS)
}

/// JSON bodies pretty-printed and indented; anything else as stored.
fn body(text: &str, indent: &str) -> String {
    let pretty = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_string());
    pretty.lines().map(|l| format!("{indent}{l}\n")).collect()
}

fn describe(detail: &DeliveryDetail) -> String {
    use std::fmt::Write as _;
    let d = &detail.delivery;
    let mut s = String::new();
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    let _ = writeln!(
        s,
        "delivery {}: {} {} {} ({}, batch {})",
        d.id, d.status, d.object, d.action, d.trigger, d.batch_id
    );
    let who = match (&d.contact_name, &d.company) {
        (Some(n), Some(c)) => format!("{n} <{}>, {c}", d.email),
        (Some(n), None) => format!("{n} <{}>", d.email),
        (None, Some(c)) => format!("{}, {c}", d.email),
        (None, None) => d.email.clone(),
    };
    let _ = writeln!(s, "  contact:          {who}");
    let _ = writeln!(
        s,
        "  created:          {}",
        deliveries::format_time(d.created_at)
    );
    let _ = writeln!(
        s,
        "  finished:         {}",
        d.finished_at
            .map(deliveries::format_time)
            .unwrap_or_else(|| "not yet".into())
    );
    let _ = writeln!(s, "  salesforce id:    {}", opt(&d.salesforce_id));
    let _ = writeln!(
        s,
        "  owner:            {}{}",
        opt(&d.owner_id),
        d.owner_reason
            .as_ref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default()
    );
    let _ = writeln!(s, "  opportunity:      {}", opt(&d.opportunity_id));
    let _ = writeln!(s, "  campaign member:  {}", opt(&d.campaign_member_id));
    if let Some(original) = d.retry_of {
        let _ = writeln!(s, "  retry of:         {original}");
    }
    if !detail.retried_by.is_empty() {
        let ids: Vec<String> = detail.retried_by.iter().map(|i| i.to_string()).collect();
        let _ = writeln!(s, "  retried by:       {}", ids.join(", "));
    }
    if let Some(e) = &d.error {
        let mut context = Vec::new();
        if let Some(status) = e.http_status {
            context.push(format!("HTTP {status}"));
        }
        if let Some(code) = &e.salesforce_code {
            context.push(format!("Salesforce {code}"));
        }
        if !e.fields.is_empty() {
            context.push(format!("fields {}", e.fields.join(", ")));
        }
        let context = if context.is_empty() {
            String::new()
        } else {
            format!(" ({})", context.join("; "))
        };
        let _ = writeln!(s, "  error:            {}{context}", e.code);
        s.push_str(&body(&e.message, "    "));
    }
    let _ = writeln!(s, "  payload:");
    s.push_str(&body(&detail.payload, "    "));
    let _ = writeln!(s, "  attempts: {}", detail.attempts.len());
    for a in &detail.attempts {
        s.push_str(&describe_attempt(a));
    }
    s
}

fn describe_attempt(a: &Attempt) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let status = a
        .response_status
        .map(|c| format!(" -> {c}"))
        .unwrap_or_default();
    let took = a
        .duration_ms
        .map(|ms| format!(", {ms} ms"))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "  attempt {} at {}: {} {}{status}: {}{took}",
        a.attempt,
        deliveries::format_time(a.started_at),
        a.method,
        a.path,
        a.outcome
    );
    if let Some(usage) = &a.api_usage {
        let _ = writeln!(s, "    api usage: {usage}");
    }
    if let Some(e) = &a.error {
        let fields = if e.fields.is_empty() {
            String::new()
        } else {
            format!(" [{}]", e.fields.join(", "))
        };
        let _ = writeln!(
            s,
            "    error: {}{fields}: {}",
            e.code.as_deref().unwrap_or("-"),
            e.message
        );
    }
    if let Some(b) = &a.request_body {
        let _ = writeln!(s, "    request:");
        s.push_str(&body(b, "      "));
    }
    if let Some(b) = &a.response_body {
        let _ = writeln!(s, "    response:");
        s.push_str(&body(b, "      "));
    }
    s
}

fn export(data_dir: Option<&Path>, query: &DeliveryQuery, file: Option<&Path>) -> Result<ExitCode> {
    let ctx = Context::open(data_dir)?;
    let conn = ctx.store.conn();
    let Some(file) = file else {
        deliveries::export_csv(&conn, query, BufWriter::new(output::stdout()))?;
        return Ok(ExitCode::SUCCESS);
    };
    // Written beside FILE and renamed, so FILE is the whole export or untouched.
    let n = deliveries::export_csv_file(&conn, query, file)?;
    eprintln!("exported {n} deliveries to {}", file.display());
    Ok(ExitCode::SUCCESS)
}
