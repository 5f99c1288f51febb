//! The HTTP server: routes, and the layer every call passes through (request-size limit,
//! injected latency and failures, the call log).

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;

use crate::api::ApiResponse;
use crate::faults::{CallRecord, PathKind};
use crate::rest::{to_http, ApiCounted};
use crate::state::{lock, Shared};
use crate::{control, oauth, rest};

/// Salesforce's limit on the request URI plus headers.
pub const MAX_REQUEST_LINE_AND_HEADERS: usize = 16_384;

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .merge(oauth::router())
        .merge(rest::router())
        .merge(control::router())
        .fallback(|| async { to_http(ApiResponse::not_found()) })
        // axum's default 2 MB body cap would refuse Bulk API 2.0 uploads, which Salesforce
        // takes up to 150 MB; the ingest handler checks that limit itself.
        .layer(DefaultBodyLimit::max(
            crate::bulk::MAX_UPLOAD_BYTES + 1024 * 1024,
        ))
        .layer(middleware::from_fn_with_state(shared.clone(), observe))
        .with_state(shared)
}

/// Applies the size limit and the faults, then logs the call. The control endpoint is exempt.
async fn observe(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/__demo") {
        return next.run(req).await;
    }
    let method = req.method().to_string();
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| path.clone());
    let kind = PathKind::classify(&path);
    let log = |status: u16, api_call: bool, injected: bool| {
        lock(&shared.faults.state).record(CallRecord {
            seq: 0,
            method: method.clone(),
            path: path.clone(),
            status,
            api_call,
            kind,
            injected,
        });
    };

    let headers_len: usize = req
        .headers()
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len() + 4)
        .sum();
    if target.len() > MAX_REQUEST_LINE_AND_HEADERS
        || target.len() + headers_len > MAX_REQUEST_LINE_AND_HEADERS
    {
        let (status, what) = if target.len() > MAX_REQUEST_LINE_AND_HEADERS {
            (414, "URI")
        } else {
            (431, "URI and headers")
        };
        log(status, false, false);
        return to_http(ApiResponse::error(
            status,
            if status == 414 { "URI_TOO_LONG" } else { "REQUEST_HEADER_FIELDS_TOO_LARGE" },
            format!(
                "The request {what} exceed {MAX_REQUEST_LINE_AND_HEADERS} bytes. Send long SOQL in a Composite subrequest body instead."
            ),
        ));
    }

    let delay = lock(&shared.faults.state).delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }

    let injected = lock(&shared.faults.state).take_failure(&target);
    if let Some(rule) = injected {
        let mut r = ApiResponse::error(rule.status, &rule.error_code, rule.message.clone());
        if let Some(secs) = rule.retry_after {
            r = r.with_header("Retry-After", secs.to_string());
        }
        log(rule.status, false, true);
        return to_http(r);
    }

    let response = next.run(req).await;
    log(
        response.status().as_u16(),
        response.extensions().get::<ApiCounted>().is_some(),
        false,
    );
    response
}
