//! `leadbridge`: the command line over the same core as the desktop app (same database, same
//! keyring, same sync engine). Each subcommand parses its arguments, calls one core function
//! and prints the result; errors print as `error[CODE]: message` and pick the exit status.

#[macro_use]
mod output;
mod commands;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    /// Run the demo org (a local Salesforce-compatible server); prints its base URL first.
    DemoOrg {
        /// Address to listen on; port 0 picks a free port.
        #[arg(long, default_value = commands::demo_org::DEFAULT_LISTEN)]
        listen: SocketAddr,
        /// Seed of the generated data.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Approve OAuth authorization requests without showing the approval page.
        #[arg(long)]
        auto_approve: bool,
    },
    /// The contact inbox: import chat events, list contacts.
    Contacts {
        #[command(subcommand)]
        command: commands::contacts::ContactsCommand,
    },
    /// Connect, inspect and disconnect Salesforce orgs.
    Org {
        #[command(subcommand)]
        command: commands::org::OrgCommand,
    },
    /// The mapping document: field mapping, criteria, routing (export, import, validate, ...).
    Mapping {
        #[command(subcommand)]
        command: commands::mapping::MappingCommand,
    },
    /// The delivery log: every delivery to Salesforce, its attempts, and why it failed.
    Log {
        #[command(subcommand)]
        command: Box<commands::sync::LogCommand>,
    },
    /// Run one read-only SOQL SELECT against the connected org (anything else is refused
    /// before sending).
    Soql {
        /// The SELECT statement.
        query: String,
        /// One JSON object per record per line instead of a table.
        #[arg(long)]
        json: bool,
        /// Stop paging through nextRecordsUrl after this many rows.
        #[arg(long, value_name = "N", default_value_t = leadbridge_core::soql::DEFAULT_MAX_ROWS)]
        max_rows: usize,
    },
    /// Push contacts to Salesforce: create or update Leads (PRODUCT.md pipeline steps 4-9).
    Sync(commands::sync::SyncArgs),
    /// Receive signed chat events over HTTP (POST /webhooks/lead-events) and deliver them by
    /// the mapping's criteria, with trigger "webhook".
    Serve(commands::serve::ServeArgs),
    /// Pull Opportunity stage and amount changes from Salesforce back onto contacts.
    Backflow {
        #[command(subcommand)]
        command: commands::serve::BackflowCommand,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Info { json } => commands::info::run(cli.data_dir.as_deref(), json),
        Command::DemoOrg {
            listen,
            seed,
            auto_approve,
        } => commands::demo_org::run(listen, seed, auto_approve),
        Command::Contacts { command } => commands::contacts::run(cli.data_dir.as_deref(), command),
        Command::Org { command } => commands::org::run(cli.data_dir.as_deref(), command),
        Command::Mapping { command } => commands::mapping::run(cli.data_dir.as_deref(), command),
        Command::Soql {
            query,
            json,
            max_rows,
        } => commands::soql::run(cli.data_dir.as_deref(), &query, json, max_rows),
        Command::Log { command } => commands::sync::run_log(cli.data_dir.as_deref(), *command),
        Command::Sync(args) => commands::sync::run(cli.data_dir.as_deref(), args),
        Command::Serve(args) => commands::serve::run(cli.data_dir.as_deref(), args),
        Command::Backflow { command } => {
            commands::serve::run_backflow(cli.data_dir.as_deref(), command)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => output::fail(&e),
    }
}
