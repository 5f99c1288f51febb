//! Everything that talks to Salesforce goes through this module.
//!
//! - [`connect`]: connect / status / disconnect org profiles (what the app and CLI call).
//! - [`client::SalesforceClient`]: the REST client every later feature uses.
//! - [`oauth`]: the web-server (PKCE, loopback) and client-credentials flows.
//! - [`token_vault`]: tokens and secrets in the OS keyring.

pub mod api_error;
pub mod api_version;
pub mod bulk;
pub mod client;
pub mod composite;
pub mod connect;
pub mod describe;
pub mod http;
pub mod limits;
pub mod local_demo;
pub mod login_host;
pub mod oauth;
pub mod permissions;
pub mod query;
pub mod records;
pub mod secret;
mod session;
pub mod token_vault;

pub use client::{JsonAnswer, Payload, SalesforceClient};
pub use secret::Secret;
