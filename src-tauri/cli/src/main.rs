//! `leadbridge`: the command line over the same core as the desktop app (same database, same
//! keyring, same sync engine). Each subcommand parses its arguments, calls one core function
//! and prints the result; errors print as `error[CODE]: message` and pick the exit status.

mod commands;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use leadbridge_core::contacts::{ContactQuery, ConversationStatus};

#[derive(Parser)]
#[command(
    name = "leadbridge",
    version,
    about = "Move leads captured in website chat into Salesforce"
)]
struct Cli {
    /// Data directory (default: the OS app-data dir).
    #[arg(long, global = true, env = leadbridge_core::paths::DATA_DIR_ENV, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show the version, data directory and database of this installation.
    Info {
        #[arg(long)]
        json: bool,
    },
    /// The contact inbox: import chat events, list contacts.
    Contacts {
        #[command(subcommand)]
        command: ContactsCommand,
    },
}

#[derive(Subcommand)]
enum ContactsCommand {
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
}

#[derive(Clone, Copy, ValueEnum)]
enum StatusArg {
    Open,
    Closed,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Info { json } => commands::info::run(cli.data_dir.as_deref(), json),
        Command::Contacts { command } => match command {
            ContactsCommand::Import { file, json } => {
                commands::contacts::import(cli.data_dir.as_deref(), &file, json)
            }
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
                commands::contacts::list(cli.data_dir.as_deref(), &query, json)
            }
        },
    };
    match result {
        Ok(code) => code,
        Err(e) => output::fail(&e),
    }
}
