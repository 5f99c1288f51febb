//! sObject Collections (`/composite/sobjects`): create (POST), update (PATCH), delete (DELETE
//! `?ids=`) and retrieve (GET `/{type}?ids=&fields=`), at most 200 records, per-record results
//! in request order, `allOrNone` rolling everything back on any failure.

use axum::http::Method;
use serde_json::{json, Value};

use super::sobjects::{self, record_json};
use super::Call;
use crate::api::{ApiResponse, RecordError};
use crate::ids;
use crate::schema::{ObjectDef, Schema};
use crate::state::Engine;
use crate::validate::{self, Assignment};

/// The most records one collections call takes.
pub const MAX_RECORDS: usize = 200;

pub fn route(
    engine: &mut Engine,
    call: &Call,
    method: &Method,
    segs: &[&str],
    query: &str,
    body: Option<&Value>,
) -> ApiResponse {
    match (method.as_str(), segs) {
        ("POST", []) => write(engine, call, body, Mode::Create),
        ("PATCH", []) => write(engine, call, body, Mode::Update),
        ("DELETE", []) => delete(engine, call, query),
        ("GET", [object]) => retrieve(engine, call, object, query),
        (m, []) => ApiResponse::method_not_allowed(m, "DELETE, PATCH, POST"),
        _ => ApiResponse::not_found(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Create,
    Update,
}

fn too_many() -> ApiResponse {
    ApiResponse::error(
        400,
        "EXCEEDED_ID_LIMIT",
        format!(
            "record limit reached. cannot submit more than {MAX_RECORDS} records into this call"
        ),
    )
}

fn rolled_back() -> Value {
    json!({
        "success": false,
        "errors": [{
            "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
            "message": "Record rolled back because not all records were valid and the request was using AllOrNone header",
            "fields": []
        }]
    })
}

fn failure(id: Option<&str>, e: &RecordError) -> Value {
    let mut v = json!({ "success": false, "errors": [e.save_result_json()] });
    if let (Some(id), Value::Object(m)) = (id, &mut v) {
        m.insert("id".into(), json!(id));
    }
    v
}

/// One record of the request, read as far as it can be before writing.
enum Planned {
    Ready {
        object: &'static ObjectDef,
        id: Option<String>,
        values: Vec<Assignment>,
    },
    Failed {
        id: Option<String>,
        error: RecordError,
    },
}

fn plan(record: &Value, mode: Mode) -> Result<Planned, ApiResponse> {
    let Some(body) = record.as_object() else {
        return Err(ApiResponse::error(
            400,
            "JSON_PARSER_ERROR",
            "Cannot deserialize instance of SObject from a non-object value",
        ));
    };
    let type_name = body
        .get("attributes")
        .and_then(|a| a.get("type"))
        .and_then(Value::as_str);
    let Some(type_name) = type_name else {
        return Ok(Planned::Failed {
            id: None,
            error: RecordError::new("INVALID_TYPE", "Must send a concrete entity type."),
        });
    };
    let Some(object) = Schema::get().object(type_name) else {
        return Ok(Planned::Failed {
            id: None,
            error: RecordError::new(
                "INVALID_TYPE",
                format!("sObject type '{type_name}' is not supported."),
            ),
        });
    };
    // Unknown fields and wrong JSON types fail the whole request, as deserialization does.
    let values =
        validate::decode(object, body).map_err(|e| crate::api::record_errors_response(&[e]))?;
    let id = match mode {
        Mode::Create => {
            if let Some(e) = validate::insert_id_error(body) {
                return Ok(Planned::Failed { id: None, error: e });
            }
            None
        }
        Mode::Update => {
            let raw = body
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("Id"))
                .and_then(|(_, v)| v.as_str());
            let Some(raw) = raw else {
                return Ok(Planned::Failed {
                    id: None,
                    error: RecordError::new(
                        "MISSING_ARGUMENT",
                        "Id not specified in an update call",
                    ),
                });
            };
            match ids::to_18(raw).filter(|id| ids::key_prefix(id) == object.key_prefix) {
                Some(id) => Some(id),
                None => {
                    return Ok(Planned::Failed {
                        id: None,
                        error: RecordError::new("MALFORMED_ID", format!("malformed id {raw}"))
                            .field("Id"),
                    })
                }
            }
        }
    };
    Ok(Planned::Ready { object, id, values })
}

fn write(engine: &mut Engine, call: &Call, body: Option<&Value>, mode: Mode) -> ApiResponse {
    let Some(Value::Object(req)) = body else {
        return ApiResponse::error(
            400,
            "JSON_PARSER_ERROR",
            "The HTTP entity body is required, but this request has no entity body.",
        );
    };
    let all_or_none = req
        .get("allOrNone")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let records = match req.get("records") {
        Some(Value::Array(r)) => r,
        _ => {
            return ApiResponse::error(
                400,
                "INVALID_FIELD",
                "The records field is required and must be a list of sObjects",
            )
        }
    };
    if records.len() > MAX_RECORDS {
        return too_many();
    }
    let mut planned = Vec::with_capacity(records.len());
    for r in records {
        match plan(r, mode) {
            Ok(p) => planned.push(p),
            Err(resp) => return resp,
        }
    }
    let snapshot = all_or_none.then(|| engine.org.clone());
    let ctx = sobjects::write_ctx(call);
    let mut outcomes: Vec<Result<String, (Option<String>, RecordError)>> =
        Vec::with_capacity(planned.len());
    for p in planned {
        let outcome = match p {
            Planned::Failed { id, error } => Err((id, error)),
            Planned::Ready { object, id, values } => match (mode, id) {
                (Mode::Create, _) => engine
                    .org
                    .create(object, values, &ctx)
                    .map_err(|e| (None, e)),
                (Mode::Update, Some(id)) => engine
                    .org
                    .update(object, &id, values, &ctx)
                    .map(|()| id.clone())
                    .map_err(|e| (Some(id), e)),
                (Mode::Update, None) => Err((
                    None,
                    RecordError::new("MISSING_ARGUMENT", "Id not specified in an update call"),
                )),
            },
        };
        outcomes.push(outcome);
    }
    let any_failed = outcomes.iter().any(Result::is_err);
    if let (true, Some(before)) = (any_failed, snapshot) {
        engine.org = before;
        let results: Vec<Value> = outcomes
            .iter()
            .map(|o| match o {
                Ok(_) => rolled_back(),
                Err((id, e)) => failure(id.as_deref(), e),
            })
            .collect();
        return ApiResponse::json(200, Value::Array(results));
    }
    let results: Vec<Value> = outcomes
        .iter()
        .map(|o| match o {
            Ok(id) => json!({ "id": id, "success": true, "errors": [] }),
            Err((id, e)) => failure(id.as_deref(), e),
        })
        .collect();
    ApiResponse::json(200, Value::Array(results))
}

fn param(query: &str, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn id_list(query: &str) -> Result<Vec<String>, ApiResponse> {
    let ids: Vec<String> = param(query, "ids")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if ids.is_empty() {
        return Err(ApiResponse::error(
            400,
            "MISSING_ARGUMENT",
            "ids parameter is required",
        ));
    }
    if ids.len() > MAX_RECORDS {
        return Err(too_many());
    }
    Ok(ids)
}

/// `DELETE /composite/sobjects?ids=...&allOrNone=`.
fn delete(engine: &mut Engine, call: &Call, query: &str) -> ApiResponse {
    let ids = match id_list(query) {
        Ok(ids) => ids,
        Err(r) => return r,
    };
    let all_or_none = param(query, "allOrNone").is_some_and(|v| v == "true");
    let snapshot = all_or_none.then(|| engine.org.clone());
    let ctx = sobjects::write_ctx(call);
    let outcomes: Vec<(String, Result<(), RecordError>)> = ids
        .iter()
        .map(|raw| {
            let result = match ids::to_18(raw).and_then(|id| {
                Schema::get()
                    .object_by_prefix(ids::key_prefix(&id))
                    .map(|o| (id, o))
            }) {
                Some((id, object)) => engine.org.delete(object, &id, &ctx),
                None => {
                    Err(RecordError::new("MALFORMED_ID", format!("malformed id {raw}")).field("Id"))
                }
            };
            (raw.clone(), result)
        })
        .collect();
    let failed = outcomes.iter().any(|(_, r)| r.is_err());
    if let (true, Some(before)) = (failed, snapshot) {
        engine.org = before;
        let results = outcomes.iter().map(|(id, r)| match r {
            Ok(()) => rolled_back(),
            Err(e) => failure(Some(id), e),
        });
        return ApiResponse::json(200, Value::Array(results.collect()));
    }
    let results = outcomes.iter().map(|(id, r)| match r {
        Ok(()) => json!({ "id": id, "success": true, "errors": [] }),
        Err(e) => failure(Some(id), e),
    });
    ApiResponse::json(200, Value::Array(results.collect()))
}

/// `GET /composite/sobjects/{type}?ids=&fields=`: the records in order, null for missing ones.
fn retrieve(engine: &Engine, call: &Call, type_name: &str, query: &str) -> ApiResponse {
    let Some(object) = Schema::get().object(type_name) else {
        return ApiResponse::not_found();
    };
    let ids = match id_list(query) {
        Ok(ids) => ids,
        Err(r) => return r,
    };
    let Some(fields) = param(query, "fields") else {
        return ApiResponse::error(400, "MISSING_ARGUMENT", "fields parameter is required");
    };
    let mut only = Vec::new();
    for name in fields.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match object.field(name) {
            Some(f) => only.push(f.name),
            None => {
                return ApiResponse::error(
                    400,
                    "INVALID_FIELD",
                    format!("No such column '{name}' on entity '{}'", object.name),
                )
            }
        }
    }
    let rows: Vec<Value> = ids
        .iter()
        .map(|raw| {
            ids::to_18(raw)
                .and_then(|id| engine.org.get(object, &id))
                .filter(|r| !r.is_deleted())
                .map_or(Value::Null, |r| {
                    record_json(object, r, &call.version, Some(&only))
                })
        })
        .collect();
    ApiResponse::json(200, Value::Array(rows))
}
