//! Where a person signs in: production, sandbox, or a custom (My Domain / Experience site)
//! URL. Salesforce requires HTTPS for every OAuth endpoint; plain HTTP is accepted only for a
//! loopback host, which is how the local demo org runs.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use url::{Host, Url};

use crate::{Error, Result};

/// Salesforce's production login host (sfdx-core `SfdcUrl.PRODUCTION`).
pub const PRODUCTION_LOGIN_URL: &str = "https://login.salesforce.com";
/// Salesforce's sandbox login host (sfdx-core `SfdcUrl.SANDBOX`).
pub const SANDBOX_LOGIN_URL: &str = "https://test.salesforce.com";

/// Which kind of login host a profile uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum LoginHostKind {
    Production,
    Sandbox,
    /// A My Domain URL, an Experience Cloud site, or a loopback URL (the demo org).
    Custom,
}

/// A checked base URL of a Salesforce server (login host or instance), without a trailing
/// slash, so endpoint paths can be appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceUrl {
    base: String,
    /// Lower-cased host name or IP literal.
    host: String,
    loopback: bool,
}

impl ServiceUrl {
    /// Checks a URL typed by a person or returned by Salesforce. `what` names it in errors
    /// ("login URL", "instance URL").
    pub fn parse(text: &str, what: &str) -> Result<ServiceUrl> {
        let text = text.trim();
        let bad = |why: &str| Error::invalid_input(format!("{what} {text:?} {why}"));
        let url = Url::parse(text).map_err(|e| bad(&format!("is not a valid URL ({e})")))?;
        if !matches!(url.scheme(), "https" | "http") {
            return Err(bad("must start with https://"));
        }
        let Some(host) = url.host() else {
            return Err(bad("has no host"));
        };
        if url.scheme() == "http" && !is_loopback(&host) {
            return Err(bad(
                "must use https:// (plain http is only allowed for 127.0.0.1 or localhost)",
            ));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("must not contain a user name or password"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("must not contain a query string or fragment"));
        }
        // Experience Cloud sites keep a path prefix; everything else is just scheme://host.
        let mut base = url.as_str().to_string();
        while base.ends_with('/') {
            base.pop();
        }
        let loopback = is_loopback(&host);
        let host = host.to_string().to_ascii_lowercase();
        Ok(ServiceUrl {
            base,
            host,
            loopback,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// `self` followed by `path` (which starts with `/`).
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The host part, lower-cased, for comparisons and messages.
    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// The kind of login host this URL is.
    pub fn kind(&self) -> LoginHostKind {
        match self.base.to_ascii_lowercase().as_str() {
            PRODUCTION_LOGIN_URL => LoginHostKind::Production,
            SANDBOX_LOGIN_URL => LoginHostKind::Sandbox,
            _ => LoginHostKind::Custom,
        }
    }

    /// The login URL for a kind; `custom` is required (and only used) for `Custom`.
    pub fn for_kind(kind: LoginHostKind, custom: Option<&str>) -> Result<ServiceUrl> {
        match kind {
            LoginHostKind::Production => ServiceUrl::parse(PRODUCTION_LOGIN_URL, "login URL"),
            LoginHostKind::Sandbox => ServiceUrl::parse(SANDBOX_LOGIN_URL, "login URL"),
            LoginHostKind::Custom => match custom.map(str::trim).filter(|s| !s.is_empty()) {
                Some(url) => ServiceUrl::parse(url, "login URL"),
                None => Err(Error::invalid_input(
                    "a custom login host needs its URL (your My Domain URL)",
                )
                .field("loginUrl")),
            },
        }
    }

    /// Salesforce accepts the client-credentials flow only on a My Domain host, never on the
    /// generic login hosts (help.salesforce.com article 000886201).
    pub fn check_allows_client_credentials(&self) -> Result<()> {
        let host = self.host();
        if host == "login.salesforce.com" || host == "test.salesforce.com" {
            return Err(Error::invalid_input(format!(
                "the client-credentials flow needs your org's My Domain URL (like https://yourcompany.my.salesforce.com); Salesforce refuses it on {host}"
            ))
            .field("loginUrl"));
        }
        Ok(())
    }
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => ip.is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_salesforce_hosts_and_trims_the_trailing_slash() {
        let u = ServiceUrl::parse("https://login.salesforce.com/", "login URL").unwrap();
        assert_eq!(u.as_str(), "https://login.salesforce.com");
        assert_eq!(u.kind(), LoginHostKind::Production);
        assert_eq!(
            ServiceUrl::parse(" https://TEST.salesforce.com ", "x")
                .unwrap()
                .kind(),
            LoginHostKind::Sandbox
        );
        let my = ServiceUrl::parse("https://acme.my.salesforce.com", "x").unwrap();
        assert_eq!(my.kind(), LoginHostKind::Custom);
        assert_eq!(
            my.join("/services/oauth2/token"),
            "https://acme.my.salesforce.com/services/oauth2/token"
        );
        let site = ServiceUrl::parse("https://acme.my.site.com/partners/", "x").unwrap();
        assert_eq!(site.as_str(), "https://acme.my.site.com/partners");
    }

    #[test]
    fn plain_http_only_on_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:3000",
            "http://[::1]:9",
        ] {
            let u = ServiceUrl::parse(ok, "login URL").unwrap();
            assert!(u.is_loopback(), "{ok}");
        }
        let err = ServiceUrl::parse("http://acme.my.salesforce.com", "login URL").unwrap_err();
        assert!(err.message.contains("must use https://"), "{}", err.message);
        assert!(err.message.contains("login URL"), "{}", err.message);
    }

    #[test]
    fn refuses_junk() {
        for (bad, why) in [
            ("login.salesforce.com", "not a valid URL"),
            ("ftp://login.salesforce.com", "must start with https://"),
            (
                "https://u:p@acme.my.salesforce.com",
                "user name or password",
            ),
            ("https://acme.my.salesforce.com/?x=1", "query string"),
            ("https://acme.my.salesforce.com/#x", "fragment"),
        ] {
            let err = ServiceUrl::parse(bad, "login URL").unwrap_err();
            assert!(err.message.contains(why), "{bad}: {}", err.message);
            assert!(err.is_usage());
        }
    }

    #[test]
    fn client_credentials_needs_my_domain() {
        for generic in [
            PRODUCTION_LOGIN_URL,
            SANDBOX_LOGIN_URL,
            "https://LOGIN.salesforce.com/",
        ] {
            let err = ServiceUrl::parse(generic, "x")
                .unwrap()
                .check_allows_client_credentials()
                .unwrap_err();
            assert!(err.message.contains("My Domain"), "{}", err.message);
        }
        ServiceUrl::parse("https://acme.my.salesforce.com", "x")
            .unwrap()
            .check_allows_client_credentials()
            .unwrap();
        ServiceUrl::parse("http://127.0.0.1:1", "x")
            .unwrap()
            .check_allows_client_credentials()
            .unwrap();
    }

    #[test]
    fn custom_kind_needs_a_url() {
        let err = ServiceUrl::for_kind(LoginHostKind::Custom, Some("  ")).unwrap_err();
        assert_eq!(err.details.unwrap().fields, vec!["loginUrl"]);
        assert_eq!(
            ServiceUrl::for_kind(LoginHostKind::Sandbox, Some("ignored"))
                .unwrap()
                .as_str(),
            SANDBOX_LOGIN_URL
        );
    }
}
