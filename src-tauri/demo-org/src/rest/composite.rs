//! Composite (`POST /composite`): up to 25 subrequests (at most 5 of them queries or sObject
//! Collections) run in order through the same dispatcher as plain calls, with `@{ref.path}`
//! references to earlier results, `allOrNone` rollback, and one API call for the whole request.
//! `collateSubrequests` only changes scheduling in Salesforce, so it is accepted and ignored.

use std::collections::HashMap;

use axum::http::Method;
use serde_json::{json, Map, Value};

use super::{dispatch, parse_version, Call};
use crate::api::{ApiResponse, CallOptions};
use crate::state::Engine;

pub const MAX_SUBREQUESTS: usize = 25;
pub const MAX_QUERY_OR_COLLECTION_SUBREQUESTS: usize = 5;

fn halted(message: impl Into<String>) -> Value {
    json!([{ "errorCode": "PROCESSING_HALTED", "message": message.into() }])
}

const ROLLED_BACK: &str =
    "The transaction was rolled back since another operation in the same transaction failed.";

struct Sub<'a> {
    method: Method,
    url: &'a str,
    reference_id: &'a str,
    body: Option<&'a Value>,
    headers: Option<&'a Map<String, Value>>,
}

fn parse_subrequests(list: &[Value]) -> Result<Vec<Sub<'_>>, ApiResponse> {
    let bad = |m: String| ApiResponse::error(400, "INVALID_INPUT", m);
    let mut seen = Vec::new();
    let mut out = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        let o = v
            .as_object()
            .ok_or_else(|| bad(format!("compositeRequest[{i}] must be an object")))?;
        let method = o
            .get("method")
            .and_then(Value::as_str)
            .and_then(|m| Method::from_bytes(m.to_ascii_uppercase().as_bytes()).ok())
            .ok_or_else(|| bad(format!("compositeRequest[{i}].method is required")))?;
        let url = o
            .get("url")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(format!("compositeRequest[{i}].url is required")))?;
        let reference_id = o
            .get("referenceId")
            .and_then(Value::as_str)
            .filter(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .ok_or_else(|| bad(format!("compositeRequest[{i}].referenceId is required: letters, digits and underscores")))?;
        if seen.contains(&reference_id) {
            return Err(bad(format!(
                "Duplicate referenceId provided in the request: {reference_id}"
            )));
        }
        seen.push(reference_id);
        out.push(Sub {
            method,
            url,
            reference_id,
            body: o.get("body"),
            headers: o.get("httpHeaders").and_then(Value::as_object),
        });
    }
    Ok(out)
}

fn is_query_or_collection(url: &str) -> bool {
    let path = url.split('?').next().unwrap_or("");
    let rest = path
        .trim_start_matches("/services/data/")
        .split_once('/')
        .map_or("", |(_, r)| r);
    rest.starts_with("query") || rest.starts_with("composite/sobjects")
}

/// Follows `id`, `records[0].Id`, `records[0].Owner.Name` into a result body.
fn select<'a>(body: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = body;
    for part in path.split('.') {
        let (name, indexes) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            cur = cur.get(name)?;
        }
        for idx in indexes.split('[').filter(|s| !s.is_empty()) {
            let n: usize = idx.strip_suffix(']')?.parse().ok()?;
            cur = cur.get(n)?;
        }
    }
    Some(cur)
}

/// Why a reference could not be resolved (the message Salesforce gives the dependent request).
struct Unresolved(String);

fn resolve(expr: &str, results: &HashMap<&str, Value>) -> Result<Value, Unresolved> {
    let (ref_id, path) = expr.split_once('.').unwrap_or((expr, ""));
    let missing = || {
        Unresolved(format!(
            "Invalid reference specified. No value for {expr} found in {ref_id}."
        ))
    };
    let body = results.get(ref_id).ok_or_else(missing)?;
    select(body, path)
        .filter(|v| !v.is_null())
        .cloned()
        .ok_or_else(missing)
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Replaces every `@{...}` in a string.
fn substitute(s: &str, results: &HashMap<&str, Value>) -> Result<String, Unresolved> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("@{") {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(&as_text(&resolve(&rest[start + 2..start + len], results)?));
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Replaces references in a body; a string that is only a reference takes the value's type.
fn substitute_value(v: &Value, results: &HashMap<&str, Value>) -> Result<Value, Unresolved> {
    Ok(match v {
        Value::String(s) => match s.strip_prefix("@{").and_then(|r| r.strip_suffix('}')) {
            Some(expr) if !expr.contains('}') => resolve(expr, results)?,
            _ => Value::String(substitute(s, results)?),
        },
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| substitute_value(i, results))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(m) => {
            let mut out = Map::with_capacity(m.len());
            for (k, item) in m {
                out.insert(k.clone(), substitute_value(item, results)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

fn item(reference_id: &str, status: u16, body: Value, headers: Map<String, Value>) -> Value {
    json!({ "body": body, "httpHeaders": headers, "httpStatusCode": status, "referenceId": reference_id })
}

pub fn composite(engine: &mut Engine, call: &Call, body: Option<&Value>) -> ApiResponse {
    let Some(Value::Object(req)) = body else {
        return ApiResponse::error(
            400,
            "JSON_PARSER_ERROR",
            "The HTTP entity body is required, but this request has no entity body.",
        );
    };
    let Some(Value::Array(list)) = req.get("compositeRequest") else {
        return ApiResponse::error(
            400,
            "INVALID_INPUT",
            "compositeRequest is required and must be a list of subrequests",
        );
    };
    if list.len() > MAX_SUBREQUESTS {
        return ApiResponse::error(
            400,
            "LIMIT_EXCEEDED",
            format!("A Composite request cannot have more than {MAX_SUBREQUESTS} subrequests; this one has {}.", list.len()),
        );
    }
    let subs = match parse_subrequests(list) {
        Ok(s) => s,
        Err(r) => return r,
    };
    let heavy = subs
        .iter()
        .filter(|s| is_query_or_collection(s.url))
        .count();
    if heavy > MAX_QUERY_OR_COLLECTION_SUBREQUESTS {
        return ApiResponse::error(
            400,
            "LIMIT_EXCEEDED",
            format!("A Composite request can have at most {MAX_QUERY_OR_COLLECTION_SUBREQUESTS} query or sObject Collections subrequests; this one has {heavy}."),
        );
    }
    let all_or_none = req
        .get("allOrNone")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let snapshot = all_or_none.then(|| engine.org.clone());

    let mut results: HashMap<&str, Value> = HashMap::new();
    let mut items: Vec<Value> = Vec::with_capacity(subs.len());
    let mut failed_at: Option<usize> = None;
    for (i, sub) in subs.iter().enumerate() {
        if failed_at.is_some() && all_or_none {
            items.push(item(sub.reference_id, 400, halted(ROLLED_BACK), Map::new()));
            continue;
        }
        let response = run_one(engine, call, sub, &results);
        if response.status >= 400 {
            failed_at.get_or_insert(i);
        } else if let Some(b) = &response.body {
            results.insert(sub.reference_id, b.clone());
        }
        let mut headers = Map::new();
        for (k, v) in &response.headers {
            headers.insert((*k).to_string(), Value::from(v.clone()));
        }
        items.push(item(
            sub.reference_id,
            response.status,
            response.body.unwrap_or(Value::Null),
            headers,
        ));
    }
    if let (Some(failed), Some(before)) = (failed_at, snapshot) {
        engine.org = before;
        for (i, it) in items.iter_mut().enumerate() {
            if i < failed {
                let reference_id = it["referenceId"].clone();
                *it = json!({ "body": halted(ROLLED_BACK), "httpHeaders": {}, "httpStatusCode": 400, "referenceId": reference_id });
            }
        }
    }
    ApiResponse::json(200, json!({ "compositeResponse": items }))
}

fn run_one(
    engine: &mut Engine,
    call: &Call,
    sub: &Sub,
    results: &HashMap<&str, Value>,
) -> ApiResponse {
    let url = match substitute(sub.url, results) {
        Ok(u) => u,
        Err(Unresolved(m)) => return ApiResponse::json(400, halted(m)),
    };
    let body = match sub.body.map(|b| substitute_value(b, results)).transpose() {
        Ok(b) => b,
        Err(Unresolved(m)) => return ApiResponse::json(400, halted(m)),
    };
    let Some(rest) = url.strip_prefix("/services/data/") else {
        return ApiResponse::not_found();
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (vseg, sub_path) = path
        .split_once('/')
        .map_or((path, String::new()), |(v, p)| (v, format!("/{p}")));
    let (version, major) = match parse_version(vseg) {
        Ok(v) => v,
        Err(r) => return r,
    };
    if sub_path.trim_end_matches('/') == "/composite" {
        return ApiResponse::error(
            400,
            "INVALID_INPUT",
            "A Composite subrequest cannot be a Composite request",
        );
    }
    let mut options: CallOptions = call.options.clone();
    if let Some(h) = sub.headers {
        options.apply(|name| {
            h.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .and_then(|(_, v)| v.as_str())
        });
    }
    let sub_call = Call {
        version,
        version_major: major,
        user_id: call.user_id.clone(),
        options,
        lock_faults: call.lock_faults,
        api_usage: call.api_usage,
        today: call.today,
        base_url: call.base_url.clone(),
    };
    dispatch(
        engine,
        &sub_call,
        &sub.method,
        &sub_path,
        query,
        body.as_ref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_reach_into_query_results() {
        let mut results = HashMap::new();
        results.insert(
            "q",
            json!({"totalSize": 1, "records": [{"Id": "00Q1", "Owner": {"Name": "Ann"}}]}),
        );
        results.insert("acc", json!({"id": "001X", "success": true}));
        assert_eq!(
            substitute("/sobjects/Lead/@{q.records[0].Id}", &results)
                .ok()
                .as_deref(),
            Some("/sobjects/Lead/00Q1")
        );
        let body = substitute_value(&json!({"AccountId": "@{acc.id}", "Note": "by @{q.records[0].Owner.Name}", "N": "@{q.totalSize}"}), &results)
            .ok()
            .expect("resolves");
        assert_eq!(body, json!({"AccountId": "001X", "Note": "by Ann", "N": 1}));
        assert!(substitute("@{missing.id}", &results).is_err());
        assert!(substitute("@{q.records[3].Id}", &results).is_err());
    }
}
