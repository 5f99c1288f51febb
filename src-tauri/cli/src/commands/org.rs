//! `leadbridge org connect | status | disconnect`: adapters over
//! `leadbridge_core::salesforce::connect`. A client secret is only ever read from the
//! environment variable the person names, never from an argument (arguments show up in `ps`
//! and shell history).

use clap::Subcommand;
use std::path::Path;
use std::process::ExitCode;

use leadbridge_core::profiles::{FlowKind, DEFAULT_PROFILE};
use leadbridge_core::salesforce::connect::{self, ConnectRequest};
use leadbridge_core::salesforce::oauth::WebLogin;
use leadbridge_core::salesforce::token_vault::TokenVault;
use leadbridge_core::salesforce::Secret;
use leadbridge_core::{Error, ErrorCode, Result};

use super::context::Context;
use crate::output;

/// `org connect` as parsed by clap.
pub struct ConnectArgs {
    pub login_url: String,
    pub client_id: String,
    pub client_secret_env: Option<String>,
    pub client_credentials: bool,
    pub callback_port: Option<u16>,
    pub no_browser: bool,
    pub name: Option<String>,
}

pub fn connect(data_dir: Option<&Path>, args: ConnectArgs) -> Result<ExitCode> {
    let mut request = if args.client_credentials {
        ConnectRequest::client_credentials(&args.login_url, &args.client_id)?
    } else {
        ConnectRequest::web_server(&args.login_url, &args.client_id)?
    };
    request.profile = args.name.unwrap_or_else(|| DEFAULT_PROFILE.to_string());
    if let Some(port) = args.callback_port {
        request.callback_port = port;
    }
    let secret = args
        .client_secret_env
        .as_deref()
        .map(read_secret)
        .transpose()?;
    if request.flow == FlowKind::ClientCredentials && secret.is_none() {
        return Err(Error::invalid_input(
            "--client-credentials needs --client-secret-env VAR (the variable holding the client secret)",
        ));
    }

    let ctx = Context::open(data_dir)?;
    let vault = TokenVault::for_data_dir(&ctx.data_dir)?;
    let no_browser = args.no_browser;
    let opener = move |url: &str| -> Result<()> {
        if no_browser {
            print_open_line(url)
        } else {
            eprintln!("Opening the Salesforce login page in your browser...");
            open::that_detached(url).or_else(|e| {
                eprintln!("Could not open a browser ({e}); open this URL yourself:");
                print_open_line(url)
            })
        }
    };
    let login = WebLogin::new(&opener);
    let cancel = login.cancel.clone();
    runtime()?.block_on(async {
        // Ctrl-C cancels the wait cleanly (the port is released, nothing is stored).
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                cancel.cancel();
            }
        });
        if request.flow == FlowKind::WebServer {
            eprintln!(
                "Waiting up to {} seconds for the login to finish (callback http://localhost:{}{})...",
                login.timeout.as_secs(),
                request.callback_port,
                request.callback_path
            );
        }
        let profile = connect::connect(&ctx.store, &vault, &request, secret, &login).await?;
        outln!(
            "Connected profile \"{}\": {} on {} (org {}, API v{})",
            profile.name, profile.username, profile.instance_url, profile.org_id, profile.api_version
        );
        Ok(ExitCode::SUCCESS)
    })
}

pub fn status(data_dir: Option<&Path>, json: bool) -> Result<ExitCode> {
    let ctx = Context::open(data_dir)?;
    let vault = TokenVault::for_data_dir(&ctx.data_dir)?;
    let status = runtime()?.block_on(connect::status(&ctx.store, &vault, None))?;
    if json {
        output::json_line(&status)?;
        return Ok(ExitCode::SUCCESS);
    }
    match &status.profile {
        None => outln!("Not connected: no active org profile. Run `leadbridge org connect`."),
        Some(name) => {
            let state = if status.connected {
                "connected"
            } else {
                "not connected (no token in the keyring)"
            };
            let show = |v: &Option<String>| v.clone().unwrap_or_default();
            outln!("profile:      {name} ({state})");
            outln!("username:     {}", show(&status.username));
            outln!("org id:       {}", show(&status.org_id));
            outln!("instance URL: {}", show(&status.instance_url));
            outln!("login URL:    {}", show(&status.login_url));
            outln!("API version:  {}", show(&status.api_version));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn disconnect(data_dir: Option<&Path>, name: Option<&str>) -> Result<ExitCode> {
    let ctx = Context::open(data_dir)?;
    let vault = TokenVault::for_data_dir(&ctx.data_dir)?;
    let outcome = runtime()?.block_on(connect::disconnect(&ctx.store, &vault, name))?;
    if let Some(why) = &outcome.revoke_error {
        eprintln!("warning: the token was not revoked at Salesforce: {why}");
    }
    let revoked = if outcome.revoked {
        "token revoked; "
    } else {
        ""
    };
    outln!(
        "Disconnected profile \"{}\" ({revoked}keyring entries and profile deleted)",
        outcome.profile
    );
    Ok(ExitCode::SUCCESS)
}

fn read_secret(var: &str) -> Result<Secret> {
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => Ok(Secret::new(value)),
        Ok(_) => Err(Error::invalid_input(format!(
            "the environment variable {var} is empty; it should hold the client secret"
        ))),
        Err(std::env::VarError::NotPresent) => Err(Error::invalid_input(format!(
            "the environment variable {var} is not set; it should hold the client secret"
        ))),
        Err(std::env::VarError::NotUnicode(_)) => Err(Error::invalid_input(format!(
            "the environment variable {var} is not valid UTF-8"
        ))),
    }
}

/// `Open: <url>` on its own stdout line. Stdout is line-buffered, so the line is flushed at
/// once and a script can act on it.
fn print_open_line(url: &str) -> Result<()> {
    outln!("Open: {url}");
    Ok(())
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Error::new(
                ErrorCode::Internal,
                format!("cannot start the async runtime: {e}"),
            )
        })
}

#[derive(Subcommand)]
pub enum OrgCommand {
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

/// Runs one `org` subcommand.
pub fn run(data_dir: Option<&Path>, command: OrgCommand) -> Result<ExitCode> {
    match command {
        OrgCommand::Connect {
            login_url,
            client_id,
            client_secret_env,
            client_credentials,
            callback_port,
            no_browser,
            name,
        } => connect(
            data_dir,
            ConnectArgs {
                login_url,
                client_id,
                client_secret_env,
                client_credentials,
                callback_port,
                no_browser,
                name,
            },
        ),
        OrgCommand::Status { json } => status(data_dir, json),
        OrgCommand::Disconnect { name } => disconnect(data_dir, name.as_deref()),
    }
}
