//! The one HTTP client configuration for Salesforce and its login hosts: rustls, connection
//! reuse (one `reqwest::Client` per Salesforce client, cloned cheaply), connect and request
//! timeouts, and no automatic redirects (Salesforce's API never redirects a valid call; a 3xx
//! is reported, and the bearer token is never carried to another URL).

use std::time::Duration;

use crate::{Error, Result};

/// Timeouts for calls to Salesforce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpOptions {
    /// TCP + TLS connection set-up.
    pub connect_timeout: Duration,
    /// The whole request, from sending to the last byte of the answer.
    pub request_timeout: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(120),
        }
    }
}

pub fn build_client(options: HttpOptions) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(concat!("Leadbridge/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(options.connect_timeout)
        .timeout(options.request_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(Duration::from_secs(90))
        .build()
        .map_err(|e| Error::internal(format!("cannot set up the HTTP client: {e}")))
}
