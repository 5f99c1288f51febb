//! What the push benches share: their settings, medians, and an inbox of `n` new contacts on a
//! data directory connected to a demo org by client credentials (profile `bench`).

#![allow(dead_code)]

use std::path::Path;

use leadbridge_core::contacts;
use leadbridge_core::salesforce::connect::{self, ConnectRequest};
use leadbridge_core::salesforce::oauth::WebLogin;
use leadbridge_core::salesforce::token_vault::TokenVault;
use leadbridge_core::salesforce::{SalesforceClient, Secret};
use leadbridge_core::store::Store;
use leadbridge_demo_org::{CLIENT_ID, CLIENT_SECRET};

/// The profile the benches connect (and remove from the keyring afterwards).
pub const PROFILE: &str = "bench";

/// A whole-number setting from the environment, or `default`.
pub fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn median<T: Copy + Ord>(mut values: Vec<T>) -> T {
    values.sort();
    values[values.len() / 2]
}

/// `n` distinct `lead.qualified` events as NDJSON: `visitor{i}@{tag}{i % 50}.example` at 50
/// companies, scores spread over 0..100.
pub fn events(n: usize, tag: &str, company: &str) -> String {
    (0..n)
        .map(|i| {
            format!(
                "{{\"event\":\"lead.qualified\",\"timestamp\":\"2026-04-05T14:30:00Z\",\"lead\":{{\"email\":\"visitor{i:06}@{tag}{}.example\",\"firstName\":\"Visitor\",\"lastName\":\"Number {i}\",\"company\":\"{company} {}\",\"qualificationScore\":{},\"intent\":\"pricing\",\"conversationUrl\":\"https://app.hoverbot.ai/conversations/b{i}\"}}}}\n",
                i % 50,
                i % 50,
                i % 100
            )
        })
        .collect()
}

/// A data directory in `dir` connected to the demo org at `base_url`, with `events` imported,
/// and a client on it. Needs the OS keyring (the tokens go there).
pub async fn inbox(
    base_url: &str,
    dir: &Path,
    events: &str,
) -> (Store, TokenVault, SalesforceClient) {
    let store = Store::open(dir).expect("store");
    let vault = TokenVault::for_data_dir(dir).expect("vault");
    let mut request = ConnectRequest::client_credentials(base_url, CLIENT_ID).expect("request");
    request.profile = PROFILE.into();
    let no_browser = |_: &str| -> leadbridge_core::Result<()> { Ok(()) };
    connect::connect(
        &store,
        &vault,
        &request,
        Some(Secret::new(CLIENT_SECRET)),
        &WebLogin::new(&no_browser),
    )
    .await
    .expect("connected (is a keyring available?)");
    contacts::import_bytes(&store, events.as_bytes()).expect("import");
    let client = SalesforceClient::open(&store, &vault, None).expect("client");
    (store, vault, client)
}
