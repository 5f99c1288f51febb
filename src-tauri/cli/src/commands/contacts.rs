//! `leadbridge contacts import FILE` and `leadbridge contacts list`: adapters over
//! `leadbridge_core::contacts`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use leadbridge_core::contacts::import::{ImportIssue, ImportReport};
use leadbridge_core::contacts::store::{self, ContactQuery};
use leadbridge_core::contacts::Contact;
use leadbridge_core::{ErrorCode, Result};

use clap::{Subcommand, ValueEnum};
use leadbridge_core::contacts::ConversationStatus;

use super::context::Context;
use crate::output::{self, EXIT_USAGE};

#[derive(Subcommand)]
pub enum ContactsCommand {
    /// Import lead.qualified and conversation events from a JSON array, NDJSON or CSV file
    /// (told apart by content). Valid rows are imported together; rejected rows are listed.
    /// Exit status 2 when any row was rejected or the file could not be read.
    Import {
        /// The file to import.
        file: PathBuf,
        /// Print the import report as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// List contacts, newest first.
    List {
        /// One JSON object per contact per line.
        #[arg(long)]
        json: bool,
        /// Only contacts whose email, name or company contains this (any case).
        #[arg(long)]
        search: Option<String>,
        /// Only contacts whose conversation is open or closed.
        #[arg(long, value_enum)]
        status: Option<StatusArg>,
        /// Only contacts with at least this qualification score (0-100).
        #[arg(long, value_name = "SCORE")]
        min_score: Option<f64>,
        /// At most this many contacts.
        #[arg(long, value_name = "N")]
        limit: Option<u32>,
        /// Skip this many contacts first.
        #[arg(long, value_name = "N", default_value_t = 0)]
        offset: u32,
    },
    /// One contact: what was captured, its deliveries, and the Salesforce records it is
    /// linked to (Lead or Contact, Account, Opportunities; one API call). Exit status 1 when
    /// the linked records could not be fetched (the rest is still shown).
    Show {
        /// The contact's email (any case).
        email: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// Do not contact Salesforce: the captured data and delivery history only.
        #[arg(long)]
        offline: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum StatusArg {
    Open,
    Closed,
}

/// Runs one `contacts` subcommand.
pub fn run(data_dir: Option<&Path>, command: ContactsCommand) -> Result<ExitCode> {
    match command {
        ContactsCommand::Import { file, json } => import(data_dir, &file, json),
        ContactsCommand::List {
            json,
            search,
            status,
            min_score,
            limit,
            offset,
        } => {
            let query = ContactQuery {
                search,
                status: status.map(|s| match s {
                    StatusArg::Open => ConversationStatus::Open,
                    StatusArg::Closed => ConversationStatus::Closed,
                }),
                min_score,
                limit,
                offset,
                ..ContactQuery::default()
            };
            list(data_dir, &query, json)
        }
        ContactsCommand::Show {
            email,
            json,
            offline,
        } => super::contact_show::run(data_dir, &email, json, offline),
    }
}

/// Imports a file. Exit 0 when every row was imported; 2 when some rows were rejected (the
/// valid ones are kept), or when the file could not be read or parsed (nothing imported).
pub fn import(data_dir: Option<&Path>, file: &Path, json: bool) -> Result<ExitCode> {
    let ctx = Context::open(data_dir)?;
    let report = match leadbridge_core::contacts::import_file(&ctx.store, file) {
        Ok(report) => report,
        Err(e) => {
            output::fail(&e);
            eprintln!("nothing was imported");
            // An unreadable file is the user's input too: same status as a malformed one.
            return Ok(if e.code == ErrorCode::Io {
                ExitCode::from(EXIT_USAGE)
            } else {
                output::exit_code(&e)
            });
        }
    };
    if json {
        output::json_line(&report)?;
    } else {
        print_report(file, &report);
    }
    Ok(if report.is_complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_USAGE)
    })
}

fn plural(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `line 12` or, for a JSON array element, `element [3] (line 12)`.
fn location(line: u32, index: Option<u32>) -> String {
    match index {
        Some(i) => format!("element [{i}] (line {line})"),
        None => format!("line {line}"),
    }
}

fn issue_line(issue: &ImportIssue) -> String {
    let place = location(issue.line, issue.index);
    match &issue.field {
        Some(field) => format!("{place}, field {field}: {}", issue.message),
        None => format!("{place}: {}", issue.message),
    }
}

fn print_report(file: &Path, r: &ImportReport) {
    outln!(
        "Read {} from {} ({}).",
        plural(r.rows, "row", "rows"),
        file.display(),
        r.format.label()
    );
    let contacts = r.created + r.updated + r.unchanged;
    outln!(
        "{} imported: {} new, {} updated, {} unchanged.",
        plural(contacts, "contact", "contacts"),
        r.created,
        r.updated,
        r.unchanged
    );
    if r.events_applied + r.events_unchanged > 0 {
        outln!(
            "{} applied ({} already known).",
            plural(
                r.events_applied,
                "conversation event",
                "conversation events"
            ),
            r.events_unchanged
        );
    }
    if !r.duplicates.is_empty() {
        outln!(
            "{} skipped:",
            plural(r.duplicates.len() as u32, "duplicate row", "duplicate rows")
        );
        for d in &r.duplicates {
            outln!(
                "  {} repeats line {}",
                location(d.line, d.index),
                d.first_line
            );
        }
    }
    for w in &r.warnings {
        outln!("warning: {}", issue_line(w));
    }
    if r.rejected > 0 {
        outln!("{} rejected:", plural(r.rejected, "row", "rows"));
        for e in &r.errors {
            outln!("  {}", issue_line(e));
        }
        outln!(
            "The valid rows were imported and kept; the rejected rows were not. Fix them and import the \
             file again: rows already imported are not duplicated."
        );
    }
}

/// Lists the inbox: an aligned table, or one JSON object per contact per line.
pub fn list(data_dir: Option<&Path>, query: &ContactQuery, json: bool) -> Result<ExitCode> {
    let ctx = Context::open(data_dir)?;
    let page = store::list(&ctx.store, query)?;
    if json {
        for contact in &page.contacts {
            output::json_line(contact)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if page.contacts.is_empty() {
        outln!(
            "No contacts{}.",
            if page.total > 0 { " on this page" } else { "" }
        );
    } else {
        print_table(&page.contacts);
    }
    if page.contacts.len() as u32 != page.total {
        outln!(
            "{} of {} shown (from #{}).",
            page.contacts.len(),
            page.total,
            query.offset + 1
        );
    } else {
        outln!("{}.", plural(page.total, "contact", "contacts"));
    }
    Ok(ExitCode::SUCCESS)
}

/// Longest cell shown; longer values end with an ellipsis (the JSON output has them whole).
const MAX_CELL: usize = 40;

fn cell(s: &str) -> String {
    // Control characters (a newline in a quoted CSV cell) would break the table's rows.
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.chars().count() > MAX_CELL {
        format!("{}…", s.chars().take(MAX_CELL - 1).collect::<String>())
    } else {
        s
    }
}

fn print_table(contacts: &[Contact]) {
    let header = [
        "EMAIL",
        "NAME",
        "COMPANY",
        "SCORE",
        "STATUS",
        "RECEIVED",
        "SALESFORCE",
    ];
    let rows: Vec<[String; 7]> = contacts
        .iter()
        .map(|c| {
            [
                cell(&c.email),
                cell(&c.full_name().unwrap_or_default()),
                cell(c.company.as_deref().unwrap_or("")),
                c.qualification_score
                    .map(|s| format!("{s}"))
                    .unwrap_or_default(),
                c.conversation_status.as_str().to_string(),
                c.received_at.format("%Y-%m-%d %H:%M").to_string(),
                c.salesforce_lead_id
                    .clone()
                    .or_else(|| c.salesforce_contact_id.clone())
                    .unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, v) in widths.iter_mut().zip(row) {
            *w = (*w).max(v.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(v, w)| format!("{v}{}", " ".repeat(w - v.chars().count())))
            .collect();
        outln!("{}", padded.join("  ").trim_end());
    };
    line(&header.map(String::from));
    for row in &rows {
        line(row);
    }
}
