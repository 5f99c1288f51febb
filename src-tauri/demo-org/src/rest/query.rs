//! `GET /query?q=` and `/queryAll?q=`, and the next pages through `nextRecordsUrl`.

use std::sync::Arc;

use serde_json::{json, Value};

use super::cursors::Cursor;
use super::Call;
use crate::api::ApiResponse;
use crate::soql;
use crate::state::Engine;

/// Runs a statement and answers with its first page. Also used by Composite subrequests.
pub fn query(engine: &mut Engine, call: &Call, raw_query: &str, all_rows: bool) -> ApiResponse {
    let q = url::form_urlencoded::parse(raw_query.as_bytes())
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.into_owned());
    let Some(soql_text) = q.filter(|s| !s.trim().is_empty()) else {
        return ApiResponse::error(400, "MALFORMED_QUERY", "A query string has to be specified");
    };
    let result = match soql::run(&engine.org, &soql_text, all_rows, &call.version, call.today) {
        Ok(r) => r,
        Err(e) => return ApiResponse::error(400, e.code, e.render(&soql_text)),
    };
    let batch = call.options.batch_size;
    if result.records.len() <= batch {
        return ApiResponse::json(
            200,
            json!({ "totalSize": result.total_size, "done": true, "records": result.records }),
        );
    }
    let rows = Arc::new(result.records);
    let first: Vec<Value> = rows[..batch].to_vec();
    let id = engine.cursors.open(Cursor {
        rows,
        batch,
        total_size: result.total_size,
    });
    let resource = if all_rows { "queryAll" } else { "query" };
    ApiResponse::json(
        200,
        json!({
            "totalSize": result.total_size,
            "done": false,
            "nextRecordsUrl": format!("/services/data/v{}/{resource}/{id}-{batch}", call.version),
            "records": first,
        }),
    )
}

/// `GET /query/<cursorId>-<offset>`: the page starting at `offset`.
pub fn query_more(engine: &mut Engine, call: &Call, locator: &str) -> ApiResponse {
    let invalid = || ApiResponse::error(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
    let Some((id, offset)) = locator.split_once('-') else {
        return invalid();
    };
    let Ok(offset) = offset.parse::<usize>() else {
        return invalid();
    };
    let Some(cursor) = engine.cursors.get(id) else {
        return invalid();
    };
    if offset >= cursor.rows.len() {
        return invalid();
    }
    let end = (offset + cursor.batch).min(cursor.rows.len());
    let page: Vec<Value> = cursor.rows[offset..end].to_vec();
    let total = cursor.total_size;
    if end >= cursor.rows.len() {
        engine.cursors.close(id);
        return ApiResponse::json(
            200,
            json!({ "totalSize": total, "done": true, "records": page }),
        );
    }
    ApiResponse::json(
        200,
        json!({
            "totalSize": total,
            "done": false,
            "nextRecordsUrl": format!("/services/data/v{}/query/{id}-{end}", call.version),
            "records": page,
        }),
    )
}
