//! `leadbridge`: the command line over the same core as the desktop app (same database, same
//! keyring, same sync engine). Each subcommand parses its arguments, calls one core function
//! and prints the result; errors print as `error[CODE]: message` and pick the exit status.

mod commands;
mod output;

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
    /// Connect, inspect and disconnect Salesforce orgs.
    Org {
        #[command(subcommand)]
        command: OrgCommand,
    },
}

#[derive(Subcommand)]
enum OrgCommand {
    /// Sign in to a Salesforce org (OAuth web-server flow with PKCE in the browser, or the
    /// client-credentials flow) and save it as a profile.
    Connect {
        /// Login host: https://login.salesforce.com, https://test.salesforce.com, your My
        /// Domain URL, or a loopback URL (the demo org).
        #[arg(long, value_name = "URL")]
        login_url: String,
        /// The External Client App's consumer key.
        #[arg(long, value_name = "ID")]
        client_id: String,
        /// Name of the environment variable that holds the client secret.
        #[arg(long, value_name = "VAR")]
        client_secret_env: Option<String>,
        /// Use the client-credentials flow (My Domain login URL and a secret required).
        #[arg(long, requires = "client_secret_env", conflicts_with_all = ["callback_port", "no_browser"])]
        client_credentials: bool,
        /// Loopback port of the callback URL registered on the app (default 1717).
        #[arg(long, value_name = "N")]
        callback_port: Option<u16>,
        /// Print the login URL on a line starting "Open: " instead of opening a browser.
        #[arg(long)]
        no_browser: bool,
        /// Profile name to save the connection as (default "default").
        #[arg(long, value_name = "PROFILE")]
        name: Option<String>,
    },
    /// Show the active org profile.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Revoke the token, delete it from the keyring and delete the profile.
    Disconnect {
        /// The profile (default: the active one).
        #[arg(long, value_name = "PROFILE")]
        name: Option<String>,
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
        Command::Org { command } => run_org(cli.data_dir.as_deref(), command),
    };
    match result {
        Ok(code) => code,
        Err(e) => output::fail(&e),
    }
}

fn run_org(
    data_dir: Option<&std::path::Path>,
    command: OrgCommand,
) -> leadbridge_core::Result<ExitCode> {
    match command {
        OrgCommand::Connect {
            login_url,
            client_id,
            client_secret_env,
            client_credentials,
            callback_port,
            no_browser,
            name,
        } => commands::org::connect(
            data_dir,
            commands::org::ConnectArgs {
                login_url,
                client_id,
                client_secret_env,
                client_credentials,
                callback_port,
                no_browser,
                name,
            },
        ),
        OrgCommand::Status { json } => commands::org::status(data_dir, json),
        OrgCommand::Disconnect { name } => commands::org::disconnect(data_dir, name.as_deref()),
    }
}
