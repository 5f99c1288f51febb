//! The HTTP side of `serve`: `POST /webhooks/lead-events` on a loopback (or any) address,
//! and the worker that delivers from the queue. The body is read up to the configured limit
//! and no further (a larger one is refused while it streams in), checked and stored
//! ([`super::receive`]) before the 2xx goes out; the worker is woken at once and also runs
//! every `poll_interval`, so a sync delay that runs out is noticed.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::receive::{receive, ReceiveError, Rejection};
use super::worker::{drain, queued_count};
use crate::salesforce::secret::Secret;
use crate::salesforce::token_vault::TokenVault;
use crate::salesforce::SalesforceClient;
use crate::store::Store;
use crate::sync::{ExecuteOptions, RetryPolicy};
use crate::webhook::{DEFAULT_MAX_BODY, SIGNATURE_HEADER, WEBHOOK_PATH};
use crate::{Error, ErrorCode, Result};

/// How the worker checks for due contacts when no event woke it.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    /// Largest body accepted, in bytes (default 1 MiB).
    pub max_body: usize,
    pub poll_interval: Duration,
    pub retry: RetryPolicy,
}

impl ServeOptions {
    pub fn new(listen: SocketAddr) -> ServeOptions {
        ServeOptions {
            listen,
            max_body: DEFAULT_MAX_BODY,
            poll_interval: DEFAULT_POLL_INTERVAL,
            retry: RetryPolicy::default(),
        }
    }
}

/// What the receiver has done since it started, plus the queue (for the app and the CLI).
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ServeStatus {
    pub running: bool,
    /// `http://ADDR/webhooks/lead-events` while running.
    pub url: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    #[ts(type = "number")]
    pub received: u64,
    #[ts(type = "number")]
    pub accepted: u64,
    #[ts(type = "number")]
    pub rejected: u64,
    /// Contacts the automated delivery still owes (waiting for criteria, the delay, or failed).
    pub queued: u32,
    #[ts(type = "number")]
    pub delivered: u64,
    #[ts(type = "number")]
    pub failed: u64,
    #[ts(type = "number")]
    pub tasks_created: u64,
    /// The last rejection's reason (`UNSIGNED: the request has no X-Signature-256 header`).
    pub last_rejection: Option<String>,
    /// The worker's last error (not connected, Salesforce unavailable, ...), cleared by a good pass.
    pub last_error: Option<String>,
}

#[derive(Default)]
struct Counters {
    received: AtomicU64,
    accepted: AtomicU64,
    rejected: AtomicU64,
    delivered: AtomicU64,
    failed: AtomicU64,
    tasks_created: AtomicU64,
    last_rejection: Mutex<Option<String>>,
    last_error: Mutex<Option<String>>,
}

struct Shared {
    store: Store,
    secret: Secret,
    max_body: usize,
    counters: Counters,
    wake: Notify,
}

/// A running receiver; [`Receiver::stop`] ends it (the worker finishes its calls in flight).
pub struct Receiver {
    addr: SocketAddr,
    started_at: DateTime<Utc>,
    shared: Arc<Shared>,
    cancel: CancellationToken,
    server: JoinHandle<()>,
    worker: JoinHandle<()>,
}

impl Receiver {
    /// Binds `options.listen` and starts serving and delivering for the installation in
    /// `data_dir` (its own database connection; the active org profile's client per pass).
    pub async fn start(data_dir: &Path, secret: Secret, options: ServeOptions) -> Result<Receiver> {
        if secret.is_empty() {
            return Err(Error::invalid_input(
                "the webhook secret is empty; set one so only signed events are accepted",
            )
            .field("secret"));
        }
        if options.max_body == 0 {
            return Err(
                Error::invalid_input("the body limit must be at least 1 byte").field("maxBody"),
            );
        }
        let store = Store::open(data_dir)?;
        let listener = tokio::net::TcpListener::bind(options.listen)
            .await
            .map_err(|e| {
                Error::invalid_input(format!("cannot listen on {}: {e}", options.listen))
                    .field("listen")
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::internal(format!("the listening socket has no address: {e}")))?;
        let shared = Arc::new(Shared {
            store,
            secret,
            max_body: options.max_body,
            counters: Counters::default(),
            wake: Notify::new(),
        });
        let cancel = CancellationToken::new();
        let app = Router::new()
            .route(WEBHOOK_PATH, post(handle))
            .with_state(shared.clone());
        let stop = cancel.clone();
        let server = tokio::spawn(async move {
            let served = axum::serve(listener, app)
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await;
            if let Err(e) = served {
                tracing::error!(error = %e, "the webhook receiver stopped");
            }
        });
        let worker = tokio::spawn(work(
            data_dir.to_path_buf(),
            shared.clone(),
            options,
            cancel.clone(),
        ));
        tracing::info!(%addr, "webhook receiver listening");
        Ok(Receiver {
            addr,
            started_at: Utc::now(),
            shared,
            cancel,
            server,
            worker,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}{WEBHOOK_PATH}", self.addr)
    }

    pub fn status(&self) -> ServeStatus {
        let c = &self.shared.counters;
        ServeStatus {
            running: !self.worker.is_finished(),
            url: Some(self.url()),
            started_at: Some(self.started_at),
            received: c.received.load(Ordering::Relaxed),
            accepted: c.accepted.load(Ordering::Relaxed),
            rejected: c.rejected.load(Ordering::Relaxed),
            queued: queued_count(&self.shared.store).unwrap_or_default(),
            delivered: c.delivered.load(Ordering::Relaxed),
            failed: c.failed.load(Ordering::Relaxed),
            tasks_created: c.tasks_created.load(Ordering::Relaxed),
            last_rejection: lock(&c.last_rejection).clone(),
            last_error: lock(&c.last_error).clone(),
        }
    }

    /// Stops accepting, lets the worker finish its calls in flight (what was not sent stays
    /// queued or pending, and the next start resumes it), and waits for both.
    pub async fn stop(self) {
        self.cancel.cancel();
        let _ = self.server.await;
        let _ = self.worker.await;
    }
}

/// A status for when nothing runs: the queue is still worth showing.
pub fn stopped_status(store: &Store) -> ServeStatus {
    ServeStatus {
        queued: queued_count(store).unwrap_or_default(),
        ..ServeStatus::default()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

async fn handle(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Body) -> Response {
    let c = &shared.counters;
    c.received.fetch_add(1, Ordering::Relaxed);
    let result = accept(&shared, &headers, body).await;
    match result {
        Ok(receipt) => {
            c.accepted.fetch_add(1, Ordering::Relaxed);
            shared.wake.notify_one();
            (
                StatusCode::ACCEPTED,
                Json(
                    json!({"accepted": true, "eventId": receipt.event_id, "state": receipt.state}),
                ),
            )
                .into_response()
        }
        Err(ReceiveError::Rejected(r)) => {
            c.rejected.fetch_add(1, Ordering::Relaxed);
            *lock(&c.last_rejection) = Some(format!("{}: {}", r.code, r.reason));
            tracing::info!(status = r.status, code = %r.code, "webhook request refused");
            let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
            (
                status,
                Json(json!({"accepted": false, "error": r.code, "reason": r.reason})),
            )
                .into_response()
        }
        Err(ReceiveError::Store(e)) => {
            // Not the sender's fault: a 5xx makes the chat platform retry.
            tracing::error!(error = %e.message, "cannot store a webhook event");
            *lock(&c.last_error) = Some(e.message.clone());
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"accepted": false, "error": "STORE", "reason": "the event could not be stored; retry later"}))).into_response()
        }
    }
}

async fn accept(
    shared: &Arc<Shared>,
    headers: &HeaderMap,
    body: Body,
) -> std::result::Result<super::receive::Receipt, ReceiveError> {
    let limit = shared.max_body;
    // A declared length over the limit is refused before reading anything.
    if let Some(len) = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
    {
        if len > limit as u64 {
            return Err(Rejection::too_large(limit).into());
        }
    }
    // Reading stops as soon as more than `limit` bytes arrived (chunked bodies included).
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|e| {
        // axum reports its length limit as "length limit exceeded".
        let too_large = e.to_string().contains("length limit")
            || std::error::Error::source(&e)
                .is_some_and(|s| s.to_string().contains("length limit"));
        if too_large {
            Rejection::too_large(limit)
        } else {
            Rejection::new(400, "MALFORMED", format!("the body could not be read: {e}"))
        }
    })?;
    let signature = match headers.get(SIGNATURE_HEADER) {
        None => None,
        Some(v) => Some(v.to_str().map_err(|_| {
            Rejection::new(
                401,
                "BAD_SIGNATURE",
                format!("the {SIGNATURE_HEADER} header is not ASCII text"),
            )
        })?),
    }
    .map(str::to_string);
    let shared = shared.clone();
    tokio::task::spawn_blocking(move || {
        receive(
            &shared.store,
            shared.secret.expose().as_bytes(),
            &bytes,
            signature.as_deref(),
        )
    })
    .await
    .map_err(|e| ReceiveError::Store(Error::internal(format!("the receiver task failed: {e}"))))?
}

/// The worker: a pass when woken or every `poll_interval`, until cancelled.
async fn work(
    data_dir: PathBuf,
    shared: Arc<Shared>,
    options: ServeOptions,
    cancel: CancellationToken,
) {
    let c = &shared.counters;
    loop {
        match pass(&data_dir, &shared, &options, &cancel).await {
            Ok(Some(report)) => {
                c.delivered
                    .fetch_add(u64::from(report.delivered), Ordering::Relaxed);
                c.failed.fetch_add(
                    u64::from(report.failed + report.tasks_failed),
                    Ordering::Relaxed,
                );
                c.tasks_created
                    .fetch_add(u64::from(report.tasks_created), Ordering::Relaxed);
                *lock(&c.last_error) = None;
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(code = e.code.as_str(), error = %e.message, "automated delivery pass failed");
                *lock(&c.last_error) = Some(e.message);
            }
        }
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = shared.wake.notified() => {}
            _ = tokio::time::sleep(options.poll_interval) => {}
        }
    }
}

async fn pass(
    data_dir: &Path,
    shared: &Shared,
    options: &ServeOptions,
    cancel: &CancellationToken,
) -> Result<Option<super::worker::DrainReport>> {
    // Nothing queued and nothing interrupted: no Salesforce client needed (not even connected).
    let idle = {
        let conn = shared.store.conn();
        let queued: i64 = conn.query_row("SELECT count(*) FROM webhook_queue", [], |r| r.get(0))?;
        let tasks: i64 = conn.query_row(
            "SELECT count(*) FROM webhook_events WHERE task_state = 'pending'",
            [],
            |r| r.get(0),
        )?;
        let open: i64 = conn.query_row(
            "SELECT count(*) FROM deliveries WHERE status IN ('pending', 'in_flight') AND trigger = 'webhook'",
            [],
            |r| r.get(0),
        )?;
        queued == 0 && tasks == 0 && open == 0
    };
    if idle {
        return Ok(None);
    }
    let vault = TokenVault::for_data_dir(data_dir)?;
    let client = SalesforceClient::open(&shared.store, &vault, None).map_err(|e| {
        Error::new(
            e.code,
            format!("events are queued but cannot be delivered: {}", e.message),
        )
    })?;
    let exec = ExecuteOptions {
        retry: options.retry.clone(),
        cancel: cancel.child_token(),
        ..ExecuteOptions::default()
    };
    match drain(&client, &shared.store, &exec).await {
        Ok(report) => Ok(Some(report)),
        Err(e) if e.code == ErrorCode::Cancelled => Ok(None),
        Err(e) => Err(e),
    }
}
