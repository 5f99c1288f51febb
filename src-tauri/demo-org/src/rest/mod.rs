//! The REST API under `/services/data`: the HTTP entry (version check, session, daily limit,
//! `Sforce-Limit-Info`) and the transport-neutral dispatcher that Composite reuses.

mod collections;
mod composite;
pub mod cursors;
mod limits;
mod query;
mod sobjects;

use std::sync::atomic::AtomicU32;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use chrono::NaiveDate;
use serde_json::{json, Value};

use crate::api::{ApiResponse, CallOptions};
use crate::oauth;
use crate::state::{lock, Engine, Shared};

/// The newest API version the demo org offers.
pub const LATEST_VERSION: &str = "66.0";
/// Versions listed by `GET /services/data` (any supported version is accepted in paths).
const LISTED_VERSIONS: &[(&str, &str)] = &[
    ("59.0", "Winter '24"),
    ("60.0", "Spring '24"),
    ("61.0", "Summer '24"),
    ("62.0", "Winter '25"),
    ("63.0", "Spring '25"),
    ("64.0", "Summer '25"),
    ("65.0", "Winter '26"),
    ("66.0", "Spring '26"),
];
/// The oldest version still served; 7.0 to 30.0 are retired (410 GONE).
const OLDEST_SUPPORTED: u32 = 31;
const NEWEST_SUPPORTED: u32 = 66;

/// Marks a response that counted as an API call (read by the call log).
#[derive(Clone, Copy, Debug)]
pub struct ApiCounted;

/// Everything a REST operation needs to know about the call it serves.
pub struct Call<'a> {
    /// `66.0`, as written in the path.
    pub version: String,
    pub version_major: u32,
    pub user_id: String,
    pub options: CallOptions,
    pub lock_faults: &'a AtomicU32,
    /// (used, max) of DailyApiRequests after this call.
    pub api_usage: (u64, u64),
    pub today: NaiveDate,
    /// `http://127.0.0.1:PORT`, for absolute URLs (the identity URL).
    pub base_url: String,
}

pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/services/data", get(versions))
        .route("/services/data/", get(versions))
        .route("/services/data/{*rest}", any(entry))
}

fn versions_body() -> Value {
    Value::Array(
        LISTED_VERSIONS
            .iter()
            .map(|(v, label)| json!({ "label": label, "url": format!("/services/data/v{v}"), "version": v }))
            .collect(),
    )
}

/// `GET /services/data`: no session needed, no `Sforce-Limit-Info`.
async fn versions() -> Response {
    to_http(ApiResponse::json(200, versions_body()))
}

pub fn to_http(r: ApiResponse) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = match r.body {
        Some(body) => (
            status,
            [(header::CONTENT_TYPE, "application/json;charset=UTF-8")],
            body.to_string(),
        )
            .into_response(),
        None => status.into_response(),
    };
    for (k, v) in r.headers {
        if let Ok(v) = HeaderValue::from_str(&v) {
            resp.headers_mut().insert(k, v);
        }
    }
    resp
}

/// Parses `v66.0`: `Ok((text, major))`, or the error response for a bad or retired version.
pub(crate) fn parse_version(seg: &str) -> Result<(String, u32), ApiResponse> {
    let text = seg.strip_prefix('v').ok_or_else(ApiResponse::not_found)?;
    let (major, minor) = text.split_once('.').ok_or_else(ApiResponse::not_found)?;
    let major: u32 = major.parse().map_err(|_| ApiResponse::not_found())?;
    if minor != "0" {
        return Err(ApiResponse::not_found());
    }
    if major < OLDEST_SUPPORTED {
        return Err(ApiResponse::error(
            410,
            "GONE",
            format!("API version {text} is retired and unavailable."),
        ));
    }
    if major > NEWEST_SUPPORTED {
        return Err(ApiResponse::not_found());
    }
    Ok((text.to_string(), major))
}

fn limit_info(used: u64, max: u64) -> String {
    format!("api-usage={used}/{max}")
}

/// Any call under `/services/data/vXX.X`.
async fn entry(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let rest = uri.path().strip_prefix("/services/data/").unwrap_or("");
    let (vseg, sub) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let usage = || {
        let f = lock(&shared.faults.state);
        (f.api_used, f.daily_api_limit)
    };
    let finish = |r: ApiResponse, (used, max): (u64, u64)| {
        r.with_header("Sforce-Limit-Info", limit_info(used, max))
    };
    let (version, major) = match parse_version(vseg) {
        Ok(v) => v,
        Err(r) => return to_http(finish(r, usage())),
    };
    let Some(session) = oauth::session(&shared, &headers) else {
        return to_http(finish(
            ApiResponse::error(401, "INVALID_SESSION_ID", "Session expired or invalid"),
            usage(),
        ));
    };
    // A token granted without the `api` (or `full`) scope cannot call REST.
    if !session.scopes.iter().any(|s| s == "api" || s == "full") {
        let r = ApiResponse::error(
            401,
            "INVALID_SESSION_ID",
            "This session is not valid for use with the REST API",
        );
        return to_http(finish(r, usage()));
    }
    let api_usage = {
        let mut f = lock(&shared.faults.state);
        if f.api_used >= f.daily_api_limit {
            let (used, max) = (f.api_used, f.daily_api_limit);
            drop(f);
            return to_http(finish(
                ApiResponse::error(
                    403,
                    "REQUEST_LIMIT_EXCEEDED",
                    "TotalRequests Limit exceeded.",
                ),
                (used, max),
            ));
        }
        f.api_used += 1;
        (f.api_used, f.daily_api_limit)
    };
    // Bulk API 2.0 takes CSV bodies and answers CSV results: handled before JSON parsing.
    if let Some(jobs) = sub.strip_prefix("/jobs/ingest") {
        let segs: Vec<&str> = jobs.split('/').filter(|s| !s.is_empty()).collect();
        let reply = crate::bulk::http::handle(
            &shared,
            &session.user_id,
            &version,
            &method,
            &segs,
            &headers,
            &body,
        );
        let (used, max) = api_usage;
        return counted(match reply {
            crate::bulk::http::Reply::Api(r) => to_http(finish(r, api_usage)),
            crate::bulk::http::Reply::Csv(text) => (
                StatusCode::OK,
                [
                    (header::CONTENT_TYPE, "text/csv".to_string()),
                    (
                        header::HeaderName::from_static("sforce-limit-info"),
                        limit_info(used, max),
                    ),
                ],
                text,
            )
                .into_response(),
        });
    }
    let parsed = if body.is_empty() {
        None
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(v) => Some(v),
            Err(e) => {
                let r = ApiResponse::error(
                    400,
                    "JSON_PARSER_ERROR",
                    format!(
                        "Unexpected character in JSON: {} at [line:{}, column:{}]",
                        e,
                        e.line(),
                        e.column()
                    ),
                );
                return counted(to_http(finish(r, api_usage)));
            }
        }
    };
    let call = Call {
        version,
        version_major: major,
        user_id: session.user_id,
        options: CallOptions::from_headers(|n| headers.get(n).and_then(|v| v.to_str().ok())),
        lock_faults: &shared.faults.lock_rows,
        api_usage,
        today: chrono::Utc::now().date_naive(),
        base_url: shared.base_url.clone(),
    };
    let response = {
        let mut engine = lock(&shared.engine);
        dispatch(
            &mut engine,
            &call,
            &method,
            sub,
            uri.query().unwrap_or(""),
            parsed.as_ref(),
        )
    };
    counted(to_http(finish(response, api_usage)))
}

fn counted(mut r: Response) -> Response {
    r.extensions_mut().insert(ApiCounted);
    r
}

/// Decodes `%XX` escapes of a path segment (upsert keys such as `o%27brien%40x.example`).
pub fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("v={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}

/// Routes one REST call (HTTP or a Composite subrequest) to its operation.
pub fn dispatch(
    engine: &mut Engine,
    call: &Call,
    method: &Method,
    path: &str,
    query: &str,
    body: Option<&Value>,
) -> ApiResponse {
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
    let m = method.as_str();
    match (m, segs.as_slice()) {
        ("GET", []) => resources(call, &engine.org.org_id),
        (_, []) => ApiResponse::method_not_allowed(m, "GET, HEAD"),
        (_, ["sobjects", rest @ ..]) => sobjects::route(engine, call, method, rest, query, body),
        ("GET", ["query" | "queryAll"]) => query::query(engine, call, query, segs[0] == "queryAll"),
        ("GET", ["query" | "queryAll", locator]) => query::query_more(engine, call, locator),
        (_, ["query" | "queryAll", ..]) => ApiResponse::method_not_allowed(m, "GET, HEAD"),
        ("POST", ["composite"]) => composite::composite(engine, call, body),
        (_, ["composite"]) => ApiResponse::method_not_allowed(m, "POST"),
        (_, ["composite", "sobjects", rest @ ..]) => {
            collections::route(engine, call, method, rest, query, body)
        }
        ("GET", ["limits"]) => limits::limits(call, engine.bulk.batches_used),
        (_, ["limits"]) => ApiResponse::method_not_allowed(m, "GET, HEAD"),
        _ => ApiResponse::not_found(),
    }
}

/// `GET /services/data/vXX.X`: the resources this version offers.
fn resources(call: &Call, org_id: &str) -> ApiResponse {
    let v = &call.version;
    let base = format!("/services/data/v{v}");
    ApiResponse::json(
        200,
        json!({
            "limits": format!("{base}/limits"),
            "sobjects": format!("{base}/sobjects"),
            "query": format!("{base}/query"),
            "queryAll": format!("{base}/queryAll"),
            "composite": format!("{base}/composite"),
            "jobs": format!("{base}/jobs"),
            // The identity URL of the calling user, absolute as Salesforce gives it.
            "identity": format!("{}/id/{org_id}/{}", call.base_url, call.user_id),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_the_end_of_life_policy() {
        assert_eq!(parse_version("v66.0").ok(), Some(("66.0".to_string(), 66)));
        assert_eq!(parse_version("v31.0").ok().map(|v| v.1), Some(31));
        assert_eq!(parse_version("v30.0").expect_err("retired").status, 410);
        assert_eq!(parse_version("v21.0").expect_err("retired").status, 410);
        assert_eq!(parse_version("v67.0").expect_err("future").status, 404);
        assert_eq!(parse_version("66.0").expect_err("no v").status, 404);
    }

    #[test]
    fn path_segments_are_percent_decoded() {
        assert_eq!(percent_decode("o%27brien%40x.example"), "o'brien@x.example");
        assert_eq!(percent_decode("a+b"), "a+b");
    }
}
