//! Shared set-up for tests against the demo org: a temporary data dir with its own store and
//! keyring namespace, a running demo org, and a "browser" that plays the person.
//!
//! These tests use the real OS keyring: run them under a session bus with an unlocked
//! keyring (scripts/test.sh does), e.g.
//! `dbus-run-session -- bash -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; cargo test -p leadbridge-core'`.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use leadbridge_core::profiles::{FlowKind, OrgProfile};
use leadbridge_core::salesforce::connect::{self, ConnectRequest};
use leadbridge_core::salesforce::oauth::{BrowserOpener, WebLogin};
use leadbridge_core::salesforce::token_vault::{TokenKind, TokenVault};
use leadbridge_core::salesforce::Secret;
use leadbridge_core::store::Store;
use leadbridge_demo_org::{DemoOrg, DemoOrgConfig, CLIENT_ID, CLIENT_SECRET};
use tokio::task::JoinHandle;

pub struct Env {
    pub dir: tempfile::TempDir,
    pub store: Store,
    pub vault: TokenVault,
    pub org: DemoOrg,
}

impl Env {
    pub async fn new(auto_approve: bool) -> Env {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("store");
        let vault = TokenVault::for_data_dir(dir.path()).expect("vault");
        let org = leadbridge_demo_org::start(DemoOrgConfig {
            auto_approve,
            ..DemoOrgConfig::default()
        })
        .await
        .expect("demo org starts");
        Env {
            dir,
            store,
            vault,
            org,
        }
    }

    /// A web-server-flow request against the demo org, on a port the OS picks.
    pub fn web_request(&self, profile: &str) -> ConnectRequest {
        let mut r = ConnectRequest::web_server(&self.org.base_url(), CLIENT_ID).expect("request");
        r.profile = profile.into();
        r.callback_port = 0;
        r
    }

    pub fn cc_request(&self, profile: &str) -> ConnectRequest {
        let mut r =
            ConnectRequest::client_credentials(&self.org.base_url(), CLIENT_ID).expect("request");
        r.profile = profile.into();
        r
    }

    /// Signs in through the web-server flow with the browser approving at once.
    pub async fn connect_web(&self, profile: &str) -> OrgProfile {
        let browser = TestBrowser::default();
        let login = WebLogin {
            timeout: Duration::from_secs(30),
            ..WebLogin::new(&browser)
        };
        let p = connect::connect(
            &self.store,
            &self.vault,
            &self.web_request(profile),
            None,
            &login,
        )
        .await
        .expect("web-server login succeeds");
        let (status, page) = browser.last_page().await;
        assert_eq!(status, 200, "{page}");
        assert!(page.contains("Leadbridge is connected"), "{page}");
        p
    }

    pub async fn connect_cc(&self, profile: &str) -> OrgProfile {
        let login = WebLogin::new(&NoBrowser);
        connect::connect(
            &self.store,
            &self.vault,
            &self.cc_request(profile),
            Some(Secret::new(CLIENT_SECRET)),
            &login,
        )
        .await
        .expect("client-credentials login succeeds")
    }

    pub async fn token(&self, profile: &str, kind: TokenKind) -> Option<Secret> {
        self.vault
            .get(profile, kind)
            .await
            .expect("keyring readable")
    }

    /// Nothing of `profile` in SQLite or the keyring.
    pub async fn assert_nothing_stored(&self, profile: &str) {
        assert!(
            leadbridge_core::profiles::get(&self.store, profile)
                .unwrap()
                .is_none(),
            "no profile row"
        );
        for kind in TokenKind::ALL {
            assert!(
                self.token(profile, kind).await.is_none(),
                "no {kind:?} in the keyring"
            );
        }
    }

    /// Removes whatever a test left in the keyring.
    pub async fn cleanup(&self, profile: &str) {
        self.vault
            .delete_all(profile)
            .await
            .expect("keyring cleanup");
    }
}

/// A page load in progress: status and body of the page the browser ends on.
type Visit = JoinHandle<(u16, String)>;

/// Plays the person's browser: GETs the authorize URL and follows the redirects (the demo
/// org approves at once and redirects to our loopback listener).
#[derive(Clone, Default)]
pub struct TestBrowser {
    visits: Arc<Mutex<Vec<Visit>>>,
}

impl TestBrowser {
    pub async fn last_page(&self) -> (u16, String) {
        let handle = self
            .visits
            .lock()
            .unwrap()
            .pop()
            .expect("the browser was opened");
        handle.await.expect("browser task")
    }
}

impl BrowserOpener for TestBrowser {
    fn open(&self, url: &str) -> leadbridge_core::Result<()> {
        let url = url.to_string();
        let visit = tokio::spawn(async move {
            let res = reqwest::get(&url)
                .await
                .expect("the browser reaches the login page");
            let status = res.status().as_u16();
            (status, res.text().await.unwrap_or_default())
        });
        self.visits.lock().unwrap().push(visit);
        Ok(())
    }
}

/// A browser that is never looked at (timeouts, cancellation, client credentials).
pub struct NoBrowser;

impl BrowserOpener for NoBrowser {
    fn open(&self, _url: &str) -> leadbridge_core::Result<()> {
        Ok(())
    }
}

/// A browser that must never be opened (the flow should fail before).
pub struct ForbiddenBrowser;

impl BrowserOpener for ForbiddenBrowser {
    fn open(&self, url: &str) -> leadbridge_core::Result<()> {
        panic!("the browser must not be opened: {url}");
    }
}

pub fn is_web(p: &OrgProfile) -> bool {
    p.flow == FlowKind::WebServer
}
