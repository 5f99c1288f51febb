//! The loopback listener that receives Salesforce's redirect after the person signs in.
//!
//! It binds 127.0.0.1 only (never another interface) on a fixed port, because Salesforce
//! matches the External Client App's callback URL exactly, port included; the redirect URI
//! says `http://localhost:<port><path>` as Salesforce and sf CLI spell it. It accepts exactly
//! one callback whose `state` matches: anything else gets a 400 page and is ignored, so a
//! stray or forged request can neither complete nor abort the login.

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::pages::Page;
use crate::salesforce::api_error::{self, OauthStep};
use crate::salesforce::secret::Secret;
use crate::{Error, ErrorCode, Result};

/// sf CLI's and Data Loader's callback port: `http://localhost:1717/OauthRedirect`.
pub const DEFAULT_CALLBACK_PORT: u16 = 1717;
pub const DEFAULT_CALLBACK_PATH: &str = "/OauthRedirect";
/// sf CLI's default wait for the person to finish signing in.
pub const DEFAULT_LOGIN_TIMEOUT: Duration = Duration::from_secs(120);
/// How long the browser's request is held open while Leadbridge finishes the login, so the
/// page can say whether it worked.
const RESULT_PAGE_WAIT: Duration = Duration::from_secs(90);
/// How long to let the last page reach the browser before closing the listener.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A callback path: `/` followed by URL path characters, no query or fragment.
pub fn validate_callback_path(path: &str) -> Result<()> {
    let bad = |why: &str| {
        Error::invalid_input(format!("callback path {path:?} {why}")).field("callbackPath")
    };
    if !path.starts_with('/') {
        return Err(bad("must start with '/'"));
    }
    if path.len() > 200 {
        return Err(bad("is longer than 200 characters"));
    }
    if let Some(c) = path
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.' | '~')))
    {
        return Err(bad(&format!(
            "contains {c:?}; use letters, digits, '/', '-', '_', '.' or '~'"
        )));
    }
    Ok(())
}

/// Messages from the HTTP handler to the waiting login.
enum Event {
    Code {
        code: Secret,
        reply: oneshot::Sender<Page>,
    },
    Denied {
        error: String,
        description: Option<String>,
    },
}

struct Shared {
    expected_state: String,
    /// Taken by the one accepted callback; `None` afterwards.
    events: Mutex<Option<oneshot::Sender<Event>>>,
}

/// A bound listener, before the browser is opened.
pub struct CallbackListener {
    listener: tokio::net::TcpListener,
    port: u16,
    path: String,
}

impl CallbackListener {
    /// Binds 127.0.0.1:`port` (0 lets the OS choose: only for servers that accept any loopback
    /// callback, like the demo org). Binding first is the "is the port free" check.
    pub async fn bind(port: u16, path: &str) -> Result<CallbackListener> {
        validate_callback_path(path)?;
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await.map_err(|e| {
            let msg = if e.kind() == std::io::ErrorKind::AddrInUse {
                format!(
                    "port {port} is in use: another program (another login, or sf CLI) is listening on it; \
                     close it, or use another port that is registered as a callback URL on the External Client App"
                )
            } else {
                format!("cannot listen on 127.0.0.1:{port} for the login callback: {e}")
            };
            Error::new(ErrorCode::Oauth, msg).field("callbackPort")
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::internal(format!("listener address: {e}")))?
            .port();
        Ok(CallbackListener {
            listener,
            port,
            path: path.to_string(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The `redirect_uri` to send to Salesforce; it must equal a callback URL on the app.
    pub fn redirect_uri(&self) -> String {
        format!("http://localhost:{}{}", self.port, self.path)
    }

    /// Serves until one callback with `expected_state` arrives, the timeout passes, or
    /// `cancel` fires. A code comes back as a [`PendingCallback`] whose browser request stays
    /// open until [`PendingCallback::finish`] says how the login ended.
    pub async fn wait(
        self,
        expected_state: &str,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<PendingCallback> {
        let (tx, rx) = oneshot::channel();
        let shared = Arc::new(Shared {
            expected_state: expected_state.to_string(),
            events: Mutex::new(Some(tx)),
        });
        let router = Router::new()
            .route(&self.path, get(callback))
            .fallback(|| async { Page::refused(StatusCode::NOT_FOUND, "Nothing here.") })
            .with_state(shared);
        let stop = CancellationToken::new();
        let stopped = stop.clone();
        let port = self.port;
        let task = tokio::spawn(async move {
            let served = axum::serve(self.listener, router)
                .with_graceful_shutdown(stopped.cancelled_owned())
                .await;
            if let Err(e) = served {
                tracing::warn!(port, "the login callback listener failed: {e}");
            }
        });
        let server = ServerHandle { stop, task };
        tracing::info!(port, "waiting for the Salesforce login callback");

        let event = tokio::select! {
            ev = rx => ev,
            _ = tokio::time::sleep(timeout) => {
                server.close().await;
                return Err(Error::new(
                    ErrorCode::Oauth,
                    format!("the login timed out: no answer from the browser within {} seconds", timeout.as_secs()),
                ));
            }
            _ = cancel.cancelled() => {
                server.close().await;
                return Err(Error::new(ErrorCode::Cancelled, "the login was cancelled"));
            }
        };
        match event {
            Ok(Event::Code { code, reply }) => Ok(PendingCallback {
                code,
                reply,
                server,
            }),
            Ok(Event::Denied { error, description }) => {
                server.close().await;
                Err(api_error::oauth_error(
                    OauthStep::Authorize,
                    &error,
                    description.as_deref(),
                    None,
                ))
            }
            Err(_) => {
                server.close().await;
                Err(Error::internal(
                    "the login callback listener stopped unexpectedly",
                ))
            }
        }
    }
}

struct ServerHandle {
    stop: CancellationToken,
    task: JoinHandle<()>,
}

impl ServerHandle {
    /// Stops accepting, lets the in-flight page finish, then closes the port.
    async fn close(self) {
        self.stop.cancel();
        let abort = self.task.abort_handle();
        if tokio::time::timeout(SHUTDOWN_GRACE, self.task)
            .await
            .is_err()
        {
            abort.abort();
        }
    }
}

/// A callback with a matching state and an authorization code.
pub struct PendingCallback {
    pub code: Secret,
    reply: oneshot::Sender<Page>,
    server: ServerHandle,
}

impl PendingCallback {
    /// Shows the person how the login ended, then closes the listener.
    pub async fn finish(self, page: Page) {
        // The handler may have given up waiting; then there is nobody to tell.
        let _ = self.reply.send(page);
        self.server.close().await;
    }
}

async fn callback(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let mut params: HashMap<String, String> = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if params.insert(k.to_string(), v.to_string()).is_some() {
            return Page::refused(
                StatusCode::BAD_REQUEST,
                format!("The parameter {k:?} appears twice; ignored."),
            )
            .into_response();
        }
    }
    match params.get("state") {
        None => {
            tracing::warn!("login callback without state ignored");
            return Page::refused(StatusCode::BAD_REQUEST, "This request has no state parameter, so it does not answer the login Leadbridge started. It was ignored.").into_response();
        }
        Some(state) if !constant_time_eq(state.as_bytes(), shared.expected_state.as_bytes()) => {
            tracing::warn!("login callback with a wrong state ignored");
            return Page::refused(
                StatusCode::BAD_REQUEST,
                "This request's state does not match the login Leadbridge started. It was ignored.",
            )
            .into_response();
        }
        Some(_) => {}
    }
    let Some(tx) = shared
        .events
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
    else {
        return Page::refused(
            StatusCode::CONFLICT,
            "This login has already been answered.",
        )
        .into_response();
    };
    if let Some(error) = params.get("error") {
        let description = params.get("error_description").cloned();
        let shown = description.clone().unwrap_or_else(|| error.clone());
        let _ = tx.send(Event::Denied {
            error: error.clone(),
            description,
        });
        return Page::failure(format!(
            "Salesforce did not grant access: {shown} [{error}]"
        ))
        .into_response();
    }
    let Some(code) = params.get("code").filter(|c| !c.is_empty()) else {
        let _ = tx.send(Event::Denied {
            error: "invalid_request".into(),
            description: Some("the redirect carried neither a code nor an error".into()),
        });
        return Page::failure("Salesforce's answer carried no authorization code.").into_response();
    };
    let (reply_tx, reply_rx) = oneshot::channel();
    if tx
        .send(Event::Code {
            code: Secret::new(code.clone()),
            reply: reply_tx,
        })
        .is_err()
    {
        return Page::failure("Leadbridge stopped waiting for this login.").into_response();
    }
    match tokio::time::timeout(RESULT_PAGE_WAIT, reply_rx).await {
        Ok(Ok(page)) => page.into_response(),
        _ => Page::failure("Leadbridge did not finish the login; check the app for details.")
            .into_response(),
    }
}

/// `state` is compared without an early exit so its value cannot be probed by timing.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get_text(url: impl AsRef<str>) -> (u16, String) {
        let res = reqwest::get(url.as_ref()).await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    #[tokio::test]
    async fn wrong_state_is_refused_then_the_right_one_is_accepted_once() {
        let listener = CallbackListener::bind(0, "/cb").await.unwrap();
        let port = listener.port();
        assert_eq!(
            listener.redirect_uri(),
            format!("http://localhost:{port}/cb")
        );
        let cancel = CancellationToken::new();
        let waiter = tokio::spawn(async move {
            listener
                .wait("good-state", Duration::from_secs(20), &cancel)
                .await
        });
        let base = format!("http://127.0.0.1:{port}/cb");

        let (status, page) = get_text(&format!("{base}?code=stolen&state=bad-state")).await;
        assert_eq!(status, 400);
        assert!(page.contains("does not match"), "{page}");
        let (status, _) = get_text(&format!("{base}?code=stolen")).await;
        assert_eq!(status, 400);
        let (status, _) =
            get_text(&format!("{base}?code=x&state=good-state&state=good-state")).await;
        assert_eq!(status, 400);
        let (status, _) = get_text(&format!(
            "http://127.0.0.1:{port}/other?code=x&state=good-state"
        ))
        .await;
        assert_eq!(status, 404);

        let browser = tokio::spawn(get_text(format!("{base}?code=the%2Bcode&state=good-state")));
        let pending = waiter.await.unwrap().unwrap();
        assert_eq!(pending.code.expose(), "the+code");
        pending.finish(Page::success("Connected as <admin>")).await;
        let (status, page) = browser.await.unwrap();
        assert_eq!(status, 200);
        assert!(page.contains("Connected as &lt;admin&gt;"), "{page}");
        // The listener is closed after the one accepted callback.
        assert!(
            reqwest::get(&base).await.is_err(),
            "the port must be closed"
        );
    }

    #[tokio::test]
    async fn access_denied_ends_the_wait_with_a_clear_error() {
        let listener = CallbackListener::bind(0, DEFAULT_CALLBACK_PATH)
            .await
            .unwrap();
        let port = listener.port();
        let cancel = CancellationToken::new();
        let waiter =
            tokio::spawn(async move { listener.wait("s", Duration::from_secs(20), &cancel).await });
        let (status, page) = get_text(&format!(
            "http://127.0.0.1:{port}/OauthRedirect?error=access_denied&error_description=end-user+denied+authorization&state=s"
        ))
        .await;
        assert_eq!(status, 200);
        assert!(page.contains("end-user denied authorization"), "{page}");
        let err = waiter.await.unwrap().err().unwrap();
        assert_eq!(err.code, ErrorCode::Oauth);
        assert!(err.message.contains("access_denied"), "{}", err.message);
        assert!(
            err.message.contains("end-user denied authorization"),
            "{}",
            err.message
        );
    }

    #[tokio::test]
    async fn times_out_and_cancels() {
        let listener = CallbackListener::bind(0, "/cb").await.unwrap();
        let err = listener
            .wait("s", Duration::from_millis(50), &CancellationToken::new())
            .await
            .err()
            .unwrap();
        assert_eq!(err.code, ErrorCode::Oauth);
        assert!(err.message.contains("timed out"), "{}", err.message);

        let listener = CallbackListener::bind(0, "/cb").await.unwrap();
        let port = listener.port();
        let cancel = CancellationToken::new();
        let c2 = cancel.clone();
        let waiter =
            tokio::spawn(async move { listener.wait("s", Duration::from_secs(60), &c2).await });
        cancel.cancel();
        let err = waiter.await.unwrap().err().unwrap();
        assert_eq!(err.code, ErrorCode::Cancelled);
        // The port is free again.
        CallbackListener::bind(port, "/cb").await.unwrap();
    }

    #[tokio::test]
    async fn a_busy_port_is_named() {
        let squatter = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = squatter.local_addr().unwrap().port();
        let err = CallbackListener::bind(port, "/cb").await.err().unwrap();
        assert_eq!(err.code, ErrorCode::Oauth);
        assert!(
            err.message.contains(&format!("port {port} is in use")),
            "{}",
            err.message
        );
    }

    #[test]
    fn callback_paths_are_checked() {
        validate_callback_path("/OauthRedirect").unwrap();
        validate_callback_path("/a/b-c_d.e~").unwrap();
        assert!(validate_callback_path("OauthRedirect").is_err());
        assert!(validate_callback_path("/a?b").is_err());
        assert!(validate_callback_path("/a b").is_err());
    }
}
