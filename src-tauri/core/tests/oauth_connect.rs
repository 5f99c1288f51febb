//! Connecting to the demo org the way Salesforce documents it: the web-server flow with PKCE
//! through the loopback listener, the client-credentials flow, status and disconnect, and
//! every failure the Connect screen must explain (nothing stored after any of them).

mod common;

use std::time::Duration;

use common::{Env, ForbiddenBrowser, NoBrowser, TestBrowser};
use leadbridge_core::profiles::{self, FlowKind};
use leadbridge_core::salesforce::connect;
use leadbridge_core::salesforce::login_host::{LoginHostKind, ServiceUrl};
use leadbridge_core::salesforce::oauth::token::TokenEndpoint;
use leadbridge_core::salesforce::oauth::{BrowserOpener, WebLogin};
use leadbridge_core::salesforce::token_vault::{TokenKind, KEYRING_SERVICE};
use leadbridge_core::salesforce::Secret;
use leadbridge_core::ErrorCode;
use leadbridge_demo_org::{CLIENT_ID, CLIENT_SECRET};

#[tokio::test]
async fn web_server_login_saves_profile_and_tokens_then_disconnect_revokes() {
    let env = Env::new(true).await;
    let p = env.connect_web("demo").await;
    assert_eq!(p.name, "demo");
    assert_eq!(p.username, "dana.whitfield@demo-org.example");
    assert_eq!(p.org_id, env.org.org_id());
    assert!(p.user_id.starts_with("005"), "{}", p.user_id);
    assert_eq!(p.api_version, "66.0", "the highest version both support");
    assert_eq!(p.instance_url, env.org.base_url());
    assert_eq!(p.login_host, LoginHostKind::Custom);
    assert_eq!(p.flow, FlowKind::WebServer);
    assert_eq!(p.callback_path.as_deref(), Some("/OauthRedirect"));
    assert!(p.callback_port.is_some_and(|port| port > 0));
    assert!(!p.has_client_secret);
    assert!(p.active);
    assert_eq!(profiles::active(&env.store).unwrap().unwrap().name, "demo");

    // The tokens are in the OS keyring under the documented service/account names.
    let access = env
        .token("demo", TokenKind::Access)
        .await
        .expect("access token stored");
    let refresh = env
        .token("demo", TokenKind::Refresh)
        .await
        .expect("refresh token stored");
    let account = format!("{}/demo/access", env.vault.namespace());
    let raw = keyring::Entry::new(KEYRING_SERVICE, &account)
        .unwrap()
        .get_password()
        .unwrap();
    assert_eq!(raw, access.expose());
    assert!(env.token("demo", TokenKind::ClientSecret).await.is_none());

    let status = connect::status(&env.store, &env.vault, None).await.unwrap();
    assert!(status.connected);
    assert_eq!(status.profile.as_deref(), Some("demo"));
    assert_eq!(
        status.username.as_deref(),
        Some("dana.whitfield@demo-org.example")
    );
    assert_eq!(status.api_version.as_deref(), Some("66.0"));

    let outcome = connect::disconnect(&env.store, &env.vault, None)
        .await
        .unwrap();
    assert!(outcome.revoked, "{:?}", outcome.revoke_error);
    env.assert_nothing_stored("demo").await;
    assert!(
        !connect::status(&env.store, &env.vault, None)
            .await
            .unwrap()
            .connected
    );
    // Revoked at Salesforce: the refresh token no longer works.
    let login = ServiceUrl::parse(&env.org.base_url(), "login URL").unwrap();
    let endpoint = TokenEndpoint::new(reqwest::Client::new(), login, CLIENT_ID.into(), None);
    let err = endpoint.refresh(&refresh).await.unwrap_err();
    assert_eq!(
        err.details.unwrap().salesforce_code.as_deref(),
        Some("invalid_grant")
    );
    // And disconnecting again says there is nothing connected.
    let err = connect::disconnect(&env.store, &env.vault, None)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotConnected);
}

#[tokio::test]
async fn a_client_secret_is_sent_kept_in_the_keyring_and_checks_the_signature() {
    let env = Env::new(true).await;
    let browser = TestBrowser::default();
    let login = WebLogin::new(&browser);
    let p = connect::connect(
        &env.store,
        &env.vault,
        &env.web_request("s"),
        Some(Secret::new(CLIENT_SECRET)),
        &login,
    )
    .await
    .unwrap();
    assert!(p.has_client_secret);
    assert_eq!(
        env.token("s", TokenKind::ClientSecret)
            .await
            .unwrap()
            .expose(),
        CLIENT_SECRET
    );
    env.cleanup("s").await;

    // A wrong secret: Salesforce refuses the code exchange; the page and the error say so.
    let browser = TestBrowser::default();
    let login = WebLogin::new(&browser);
    let err = connect::connect(
        &env.store,
        &env.vault,
        &env.web_request("bad"),
        Some(Secret::new("wrong")),
        &login,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Oauth, "{err:?}");
    let (_, page) = browser.last_page().await;
    assert!(page.contains("could not connect"), "{page}");
    env.assert_nothing_stored("bad").await;
}

#[tokio::test]
async fn a_wrong_state_is_refused_and_the_real_callback_still_completes() {
    let env = Env::new(true).await;
    // This browser first replays the redirect with a forged state, then follows it honestly.
    let forged = std::sync::Arc::new(std::sync::Mutex::new(None));
    let forged_seen = forged.clone();
    let browser = move |url: &str| -> leadbridge_core::Result<()> {
        let url = url.to_string();
        let forged = forged.clone();
        tokio::spawn(async move {
            let no_redirects = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let res = no_redirects.get(&url).send().await.unwrap();
            let location = res.headers()["location"].to_str().unwrap().to_string();
            let mut bad = url::Url::parse(&location).unwrap();
            let pairs: Vec<(String, String)> = bad
                .query_pairs()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        if k == "state" {
                            "forged".to_string()
                        } else {
                            v.to_string()
                        },
                    )
                })
                .collect();
            bad.query_pairs_mut().clear().extend_pairs(pairs);
            let refused = reqwest::get(bad.as_str()).await.unwrap();
            *forged.lock().unwrap() =
                Some((refused.status().as_u16(), refused.text().await.unwrap()));
            reqwest::get(&location).await.unwrap().text().await.unwrap()
        });
        Ok(())
    };
    let login = WebLogin::new(&browser);
    let p = connect::connect(&env.store, &env.vault, &env.web_request("st"), None, &login)
        .await
        .unwrap();
    assert_eq!(p.username, "dana.whitfield@demo-org.example");
    let (status, page) = forged_seen
        .lock()
        .unwrap()
        .clone()
        .expect("the forged callback was sent first");
    assert_eq!(status, 400);
    assert!(page.contains("does not match"), "{page}");
    env.cleanup("st").await;
}

#[tokio::test]
async fn denying_access_is_a_clear_oauth_error_and_stores_nothing() {
    let env = Env::new(false).await;
    // The person clicks Deny on Salesforce's "Allow Access?" page.
    let browser = |url: &str| -> leadbridge_core::Result<()> {
        let url = url.to_string();
        tokio::spawn(async move {
            let page = reqwest::get(&url).await.unwrap().text().await.unwrap();
            let rid = page
                .split("name=\"request_id\" value=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_string();
            let action = url::Url::parse(&url)
                .unwrap()
                .join("/services/oauth2/authorize")
                .unwrap();
            reqwest::Client::new()
                .post(action)
                .form(&[("request_id", rid.as_str()), ("decision", "deny")])
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        });
        Ok(())
    };
    let login = WebLogin::new(&browser);
    let err = connect::connect(
        &env.store,
        &env.vault,
        &env.web_request("deny"),
        None,
        &login,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Oauth);
    assert!(err.message.contains("access_denied"), "{}", err.message);
    assert!(
        err.message.contains("end-user denied authorization"),
        "{}",
        err.message
    );
    env.assert_nothing_stored("deny").await;
}

#[tokio::test]
async fn timeout_and_cancel_store_nothing() {
    let env = Env::new(true).await;
    let login = WebLogin {
        timeout: Duration::from_millis(300),
        ..WebLogin::new(&NoBrowser)
    };
    let err = connect::connect(
        &env.store,
        &env.vault,
        &env.web_request("slow"),
        None,
        &login,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Oauth);
    assert!(err.message.contains("timed out"), "{}", err.message);
    env.assert_nothing_stored("slow").await;

    let login = WebLogin::new(&NoBrowser);
    let cancel = login.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        cancel.cancel();
    });
    let err = connect::connect(
        &env.store,
        &env.vault,
        &env.web_request("gave-up"),
        None,
        &login,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Cancelled);
    env.assert_nothing_stored("gave-up").await;
}

#[tokio::test]
async fn a_busy_port_and_an_unreachable_host_fail_before_the_browser_opens() {
    let env = Env::new(true).await;
    let squatter = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = squatter.local_addr().unwrap().port();
    let mut request = env.web_request("busy");
    request.callback_port = port;
    let login = WebLogin::new(&ForbiddenBrowser);
    let err = connect::connect(&env.store, &env.vault, &request, None, &login)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Oauth);
    assert!(
        err.message.contains(&format!("port {port} is in use")),
        "{}",
        err.message
    );
    env.assert_nothing_stored("busy").await;

    // A login host nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut request = env.web_request("gone");
    request.login_url = Some(format!("http://127.0.0.1:{closed}"));
    let err = connect::connect(&env.store, &env.vault, &request, None, &login)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Network);
    assert!(
        err.message.contains(&format!("127.0.0.1:{closed}")),
        "{}",
        err.message
    );
    env.assert_nothing_stored("gone").await;
}

#[tokio::test]
async fn an_unknown_client_id_never_comes_back_and_times_out() {
    // Salesforce shows its own error page for an unknown client id; no redirect arrives.
    let env = Env::new(true).await;
    let browser = TestBrowser::default();
    let mut request = env.web_request("who");
    request.client_id = "not-registered".into();
    let login = WebLogin {
        timeout: Duration::from_secs(2),
        ..WebLogin::new(&browser)
    };
    let err = connect::connect(&env.store, &env.vault, &request, None, &login)
        .await
        .unwrap_err();
    assert!(err.message.contains("timed out"), "{}", err.message);
    let (status, page) = browser.last_page().await;
    assert_eq!(status, 400);
    assert!(page.contains("invalid_client_id"), "{page}");
    env.assert_nothing_stored("who").await;
}

#[tokio::test]
async fn client_credentials_connects_as_the_run_as_user() {
    let env = Env::new(false).await;
    let p = env.connect_cc("cc").await;
    assert_eq!(p.flow, FlowKind::ClientCredentials);
    assert_eq!(p.username, "integration.user@demo-org.example");
    assert_eq!(p.callback_port, None);
    assert!(p.has_client_secret);
    assert!(
        env.token("cc", TokenKind::Refresh).await.is_none(),
        "client credentials has no refresh token"
    );
    assert_eq!(
        env.token("cc", TokenKind::ClientSecret)
            .await
            .unwrap()
            .expose(),
        CLIENT_SECRET
    );
    let outcome = connect::disconnect(&env.store, &env.vault, Some("cc"))
        .await
        .unwrap();
    assert!(outcome.revoked, "{:?}", outcome.revoke_error);
    env.assert_nothing_stored("cc").await;
}

#[tokio::test]
async fn client_credentials_failures_are_specific() {
    let env = Env::new(false).await;
    let login = WebLogin::new(&ForbiddenBrowser);
    let err = connect::connect(
        &env.store,
        &env.vault,
        &env.cc_request("x"),
        Some(Secret::new("wrong")),
        &login,
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Oauth, "{err:?}");
    assert!(err.details.unwrap().salesforce_code.is_some());
    env.assert_nothing_stored("x").await;

    let err = connect::connect(&env.store, &env.vault, &env.cc_request("x"), None, &login)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);

    for generic in [
        "https://login.salesforce.com",
        "https://test.salesforce.com",
    ] {
        let request = connect::ConnectRequest::client_credentials(generic, CLIENT_ID).unwrap();
        let err = connect::connect(
            &env.store,
            &env.vault,
            &request,
            Some(Secret::new(CLIENT_SECRET)),
            &login,
        )
        .await
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(err.message.contains("My Domain"), "{}", err.message);
    }
    env.assert_nothing_stored("x").await;
}

#[tokio::test]
async fn several_profiles_one_active_and_reconnect_replaces_tokens() {
    let env = Env::new(true).await;
    env.connect_web("first").await;
    let old_refresh = env.token("first", TokenKind::Refresh).await.unwrap();
    env.connect_cc("second").await;
    assert_eq!(
        profiles::active(&env.store).unwrap().unwrap().name,
        "second"
    );
    assert_eq!(profiles::list(&env.store).unwrap().len(), 2);
    let named = connect::status(&env.store, &env.vault, Some("first"))
        .await
        .unwrap();
    assert!(named.connected);
    assert_eq!(
        named.username.as_deref(),
        Some("dana.whitfield@demo-org.example")
    );

    // Signing in again under the same name replaces the tokens and revokes the old one.
    env.connect_web("first").await;
    let new_refresh = env.token("first", TokenKind::Refresh).await.unwrap();
    assert_ne!(new_refresh, old_refresh);
    let login = ServiceUrl::parse(&env.org.base_url(), "login URL").unwrap();
    let endpoint = TokenEndpoint::new(reqwest::Client::new(), login, CLIENT_ID.into(), None);
    assert!(
        endpoint.refresh(&old_refresh).await.is_err(),
        "the replaced refresh token was revoked"
    );
    assert_eq!(profiles::active(&env.store).unwrap().unwrap().name, "first");

    // Disconnecting one profile leaves the other alone.
    connect::disconnect(&env.store, &env.vault, Some("second"))
        .await
        .unwrap();
    assert!(env.token("first", TokenKind::Access).await.is_some());
    connect::disconnect(&env.store, &env.vault, Some("first"))
        .await
        .unwrap();
    assert!(profiles::list(&env.store).unwrap().is_empty());
}

#[tokio::test]
async fn two_data_dirs_never_share_keyring_entries() {
    let a = Env::new(true).await;
    let b = Env::new(true).await;
    a.connect_web("same").await;
    assert!(b.token("same", TokenKind::Access).await.is_none());
    b.connect_cc("same").await;
    assert_ne!(
        a.token("same", TokenKind::Access).await,
        b.token("same", TokenKind::Access).await
    );
    connect::disconnect(&b.store, &b.vault, None).await.unwrap();
    assert!(
        a.token("same", TokenKind::Access).await.is_some(),
        "b's disconnect left a alone"
    );
    connect::disconnect(&a.store, &a.vault, None).await.unwrap();
}

/// The opener trait is object-safe and closures implement it: what the app and CLI rely on.
#[test]
fn openers_can_be_closures() {
    let printed = std::sync::Mutex::new(Vec::new());
    let opener = |url: &str| -> leadbridge_core::Result<()> {
        printed.lock().unwrap().push(url.to_string());
        Ok(())
    };
    let dynamic: &dyn BrowserOpener = &opener;
    dynamic.open("http://x").unwrap();
    assert_eq!(printed.lock().unwrap().as_slice(), ["http://x"]);
}

#[tokio::test]
async fn a_failure_after_the_grant_stores_nothing_and_ends_the_session() {
    let env = Env::new(true).await;
    // The API-version list fails right after the token was granted.
    env.org.faults().fail_next(leadbridge_demo_org::FailNext {
        path_contains: "/services/data/".into(),
        count: 1,
        status: 500,
        error_code: "UNKNOWN_EXCEPTION".into(),
        message: "An unexpected error occurred".into(),
        retry_after: None,
    });
    let err = connect::connect(
        &env.store,
        &env.vault,
        &env.cc_request("half"),
        Some(Secret::new(CLIENT_SECRET)),
        &WebLogin::new(&ForbiddenBrowser),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Salesforce);
    assert!(err.details.unwrap().retryable, "a 500 may be retried");
    env.assert_nothing_stored("half").await;
    let calls = env.org.calls();
    let revoked = calls
        .iter()
        .any(|c| c.path == "/services/oauth2/revoke" && c.status == 200);
    assert!(revoked, "the unused session was revoked: {calls:?}");
}
