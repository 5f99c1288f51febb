//! `/sobjects`: describeGlobal, basic info, describe, and single-record create, read, update,
//! delete and upsert by an external-id or idLookup field.

use axum::http::Method;
use serde_json::{json, Map, Value};

use super::Call;
use crate::api::{record_errors_response, ApiResponse, RecordError};
use crate::ids;
use crate::schema::{self, FieldType, ObjectAccess, ObjectDef, Schema};
use crate::state::Engine;
use crate::store::{Org, Record, WriteCtx};
use crate::validate;

pub fn route(
    engine: &mut Engine,
    call: &Call,
    method: &Method,
    segs: &[&str],
    query: &str,
    body: Option<&Value>,
) -> ApiResponse {
    let m = method.as_str();
    let Some((name, rest)) = segs.split_first() else {
        return match m {
            "GET" => ApiResponse::json(
                200,
                schema::describe_global(&call.version, |o| access(&engine.org, o, call)),
            ),
            _ => ApiResponse::method_not_allowed(m, "GET, HEAD"),
        };
    };
    let Some(object) = Schema::get().object(name) else {
        return ApiResponse::not_found();
    };
    match (m, rest) {
        ("GET", []) => ApiResponse::json(
            200,
            schema::sobject_basic_info(object, access(&engine.org, object, call), &call.version),
        ),
        ("POST", []) => create(&mut engine.org, call, object, body),
        (_, []) => ApiResponse::method_not_allowed(m, "GET, HEAD, POST"),
        ("GET", ["describe"]) => ApiResponse::json(
            200,
            schema::describe_sobject(object, access(&engine.org, object, call), &call.version),
        ),
        (_, ["describe"]) => ApiResponse::method_not_allowed(m, "GET, HEAD"),
        ("GET", [id]) => read(&engine.org, call, object, id, query),
        ("PATCH", [id]) => update(&mut engine.org, call, object, id, body),
        ("DELETE", [id]) => delete(&mut engine.org, call, object, id),
        (_, [_]) => ApiResponse::method_not_allowed(m, "GET, HEAD, PATCH, DELETE"),
        ("PATCH", [field, value]) => {
            upsert(&mut engine.org, call, object, field, value, query, body)
        }
        ("GET", [field, value]) => read_by_key(&engine.org, call, object, field, value, query),
        (_, [_, _]) => ApiResponse::method_not_allowed(m, "GET, HEAD, PATCH"),
        _ => ApiResponse::not_found(),
    }
}

/// Object rights of the calling user: a profile without Opportunity edit sees it read-only.
pub fn access(org: &Org, object: &ObjectDef, call: &Call) -> ObjectAccess {
    let mut a = ObjectAccess::of(object);
    if !org.can_edit(object, &call.user_id) {
        a.updateable = false;
        a.deletable = false;
    }
    a
}

pub fn write_ctx<'a>(call: &'a Call) -> WriteCtx<'a> {
    WriteCtx {
        user_id: &call.user_id,
        auto_assign: call.options.auto_assign,
        lock_faults: call.lock_faults,
    }
}

fn body_object<'a>(
    object: &ObjectDef,
    body: Option<&'a Value>,
) -> Result<&'a Map<String, Value>, ApiResponse> {
    match body {
        None => Err(ApiResponse::error(
            400,
            "JSON_PARSER_ERROR",
            "The HTTP entity body is required, but this request has no entity body.",
        )),
        Some(Value::Object(m)) => Ok(m),
        Some(other) => Err(ApiResponse::error(
            400,
            "JSON_PARSER_ERROR",
            format!(
                "Cannot deserialize instance of {} from {} value or request may be missing a required field",
                object.name,
                if other.is_array() { "START_ARRAY" } else { "VALUE_STRING" }
            ),
        )),
    }
}

/// Creates one record from a JSON body (also used by collections and Composite).
pub fn create_record(
    org: &mut Org,
    call: &Call,
    object: &'static ObjectDef,
    body: &Map<String, Value>,
) -> Result<String, RecordError> {
    let values = validate::decode(object, body)?;
    if let Some(e) = validate::insert_id_error(body) {
        return Err(e);
    }
    org.create(object, values, &write_ctx(call))
}

/// Updates one record from a JSON body (also used by collections and Composite).
pub fn update_record(
    org: &mut Org,
    call: &Call,
    object: &'static ObjectDef,
    id: &str,
    body: &Map<String, Value>,
) -> Result<(), RecordError> {
    let values = validate::decode(object, body)?;
    org.update(object, id, values, &write_ctx(call))
}

fn create(
    org: &mut Org,
    call: &Call,
    object: &'static ObjectDef,
    body: Option<&Value>,
) -> ApiResponse {
    let body = match body_object(object, body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    match create_record(org, call, object, body) {
        Ok(id) => ApiResponse::json(201, json!({ "id": id, "success": true, "errors": [] }))
            .with_header(
                "Location",
                format!(
                    "/services/data/v{}/sobjects/{}/{id}",
                    call.version, object.name
                ),
            ),
        Err(e) => record_errors_response(&[e]),
    }
}

/// The id in a record URL, or the 404 Salesforce gives for anything else in that position.
fn path_id(object: &ObjectDef, raw: &str) -> Result<String, ApiResponse> {
    match ids::to_18(raw) {
        Some(id) if ids::key_prefix(&id) == object.key_prefix => Ok(id),
        _ => Err(ApiResponse::error(
            404,
            "NOT_FOUND",
            format!("Provided external ID field does not exist or is not accessible: {raw}"),
        )),
    }
}

/// A record as `GET /sobjects/X/id` returns it: `attributes`, then fields.
pub fn record_json(
    object: &ObjectDef,
    record: &Record,
    version: &str,
    only: Option<&[&'static str]>,
) -> Value {
    let id = record.get("Id").and_then(Value::as_str).unwrap_or_default();
    let mut out = Map::new();
    out.insert(
        "attributes".into(),
        json!({ "type": object.name, "url": format!("/services/data/v{version}/sobjects/{}/{id}", object.name) }),
    );
    for f in &object.fields {
        if only.is_none_or(|o| o.contains(&f.name) || f.name == "Id") {
            out.insert(
                f.name.to_string(),
                record.get(f.name).cloned().unwrap_or(Value::Null),
            );
        }
    }
    Value::Object(out)
}

/// Reads `fields=A,B` from a query string, checking each name.
fn requested_fields(
    object: &ObjectDef,
    query: &str,
) -> Result<Option<Vec<&'static str>>, ApiResponse> {
    let Some((_, list)) =
        url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "fields")
    else {
        return Ok(None);
    };
    let schema_obj = Schema::get()
        .object(object.name)
        .ok_or_else(ApiResponse::not_found)?;
    let mut out = Vec::new();
    for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match schema_obj.field(name) {
            Some(f) => out.push(f.name),
            None => {
                return Err(ApiResponse::error(
                    400,
                    "INVALID_FIELD",
                    format!("No such column '{name}' on entity '{}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.", object.name),
                ))
            }
        }
    }
    Ok(Some(out))
}

fn live<'a>(org: &'a Org, object: &ObjectDef, id: &str) -> Result<&'a Record, ApiResponse> {
    let r = org.get(object, id).ok_or_else(ApiResponse::not_found)?;
    if r.is_deleted() {
        return Err(ApiResponse::error(
            404,
            "ENTITY_IS_DELETED",
            "entity is deleted",
        ));
    }
    Ok(r)
}

fn read(org: &Org, call: &Call, object: &ObjectDef, raw_id: &str, query: &str) -> ApiResponse {
    let result = (|| {
        let id = path_id(object, raw_id)?;
        let only = requested_fields(object, query)?;
        let record = live(org, object, &id)?;
        Ok(ApiResponse::json(
            200,
            record_json(object, record, &call.version, only.as_deref()),
        ))
    })();
    result.unwrap_or_else(|e| e)
}

fn update(
    org: &mut Org,
    call: &Call,
    object: &'static ObjectDef,
    raw_id: &str,
    body: Option<&Value>,
) -> ApiResponse {
    let id = match path_id(object, raw_id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let body = match body_object(object, body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    match update_record(org, call, object, &id, body) {
        Ok(()) => ApiResponse::no_content(),
        Err(e) => record_errors_response(&[e]),
    }
}

fn delete(org: &mut Org, call: &Call, object: &'static ObjectDef, raw_id: &str) -> ApiResponse {
    let id = match path_id(object, raw_id) {
        Ok(id) => id,
        Err(r) => return r,
    };
    match org.delete(object, &id, &write_ctx(call)) {
        Ok(()) => ApiResponse::no_content(),
        Err(e) => record_errors_response(&[e]),
    }
}

/// Ids of live records whose `field` equals `value` (text compares case-insensitively).
fn matching_ids(
    org: &Org,
    object: &ObjectDef,
    field: &str,
    ftype: FieldType,
    value: &str,
) -> Vec<String> {
    org.table(object)
        .filter(|r| !r.is_deleted())
        .filter(|r| match r.get(field) {
            Some(Value::String(s)) if ftype.is_text() => s.eq_ignore_ascii_case(value),
            Some(Value::String(s)) => s == value,
            Some(Value::Number(n)) => n.to_string() == value,
            _ => false,
        })
        .filter_map(|r| r.get("Id").and_then(Value::as_str).map(str::to_string))
        .collect()
}

fn key_field(object: &ObjectDef, field: &str) -> Result<&'static schema::FieldDef, ApiResponse> {
    Schema::get()
        .object(object.name)
        .and_then(|o| o.field(field))
        .filter(|f| f.external_id || f.id_lookup)
        .ok_or_else(|| {
            ApiResponse::error(
                404,
                "NOT_FOUND",
                format!("Provided external ID field does not exist or is not accessible: {field}"),
            )
        })
}

fn multiple_choices(call: &Call, object: &ObjectDef, ids: &[String]) -> ApiResponse {
    let urls: Vec<Value> = ids
        .iter()
        .map(|id| {
            json!(format!(
                "/services/data/v{}/sobjects/{}/{id}",
                call.version, object.name
            ))
        })
        .collect();
    ApiResponse::json(300, Value::Array(urls))
}

/// `PATCH /sobjects/X/Field/value`: update the one match, create when none, 300 when several.
fn upsert(
    org: &mut Org,
    call: &Call,
    object: &'static ObjectDef,
    field: &str,
    value: &str,
    query: &str,
    body: Option<&Value>,
) -> ApiResponse {
    let key = match key_field(object, field) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let body = match body_object(object, body) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let update_only = url::form_urlencoded::parse(query.as_bytes())
        .any(|(k, v)| k == "updateOnly" && v == "true");
    let matches = if key.name == "Id" {
        ids::to_18(value)
            .filter(|id| org.get(object, id).is_some())
            .into_iter()
            .collect()
    } else {
        matching_ids(org, object, key.name, key.ftype, value)
    };
    // Since v46 an upsert answers with a body; earlier versions return 204 on update.
    let with_body = call.version_major >= 46;
    match matches.as_slice() {
        [] if update_only || key.name == "Id" => ApiResponse::not_found(),
        [] => {
            let mut body = body.clone();
            body.insert(key.name.to_string(), Value::from(value));
            match create_record(org, call, object, &body) {
                Ok(id) => ApiResponse::json(
                    201,
                    json!({ "id": id, "success": true, "errors": [], "created": true }),
                )
                .with_header(
                    "Location",
                    format!(
                        "/services/data/v{}/sobjects/{}/{id}",
                        call.version, object.name
                    ),
                ),
                Err(e) => record_errors_response(&[e]),
            }
        }
        [id] => match update_record(org, call, object, id, body) {
            Ok(()) if with_body => ApiResponse::json(
                200,
                json!({ "id": id, "success": true, "errors": [], "created": false }),
            ),
            Ok(()) => ApiResponse::no_content(),
            Err(e) => record_errors_response(&[e]),
        },
        several => multiple_choices(call, object, several),
    }
}

/// `GET /sobjects/X/Field/value`.
fn read_by_key(
    org: &Org,
    call: &Call,
    object: &ObjectDef,
    field: &str,
    value: &str,
    query: &str,
) -> ApiResponse {
    let key = match key_field(object, field) {
        Ok(k) => k,
        Err(r) => return r,
    };
    let only = match requested_fields(object, query) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let ids = matching_ids(org, object, key.name, key.ftype, value);
    match ids.as_slice() {
        [] => ApiResponse::not_found(),
        [id] => match org.get(object, id) {
            Some(r) => {
                ApiResponse::json(200, record_json(object, r, &call.version, only.as_deref()))
            }
            None => ApiResponse::not_found(),
        },
        several => multiple_choices(call, object, several),
    }
}
