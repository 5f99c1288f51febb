//! What Salesforce checks when a record is written, driven by the describe metadata in
//! [`crate::schema`]: JSON value types, writable fields, lengths, ids, required fields.

use serde_json::{Number, Value};

use crate::api::RecordError;
use crate::ids;
use crate::schema::{FieldDef, FieldType, ObjectDef, Schema};
use crate::store::Org;
use crate::time;

/// Whether a write creates or updates a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Create,
    Update,
}

/// A field with the value a request assigns to it, already in stored form.
pub type Assignment = (&'static FieldDef, Value);

/// The per-record error for a create body that names an Id.
pub fn insert_id_error(body: &serde_json::Map<String, Value>) -> Option<RecordError> {
    body.keys().any(|k| k.eq_ignore_ascii_case("Id")).then(|| {
        RecordError::new(
            "INVALID_FIELD",
            "Record ID: cannot specify Id in an insert call",
        )
        .field("Id")
    })
}

/// Reads a record body: every key must be a field of `object`, every value of the field's JSON
/// type. These are request-level errors in Salesforce (the body does not deserialize).
pub fn decode(
    object: &'static ObjectDef,
    body: &serde_json::Map<String, Value>,
) -> Result<Vec<Assignment>, RecordError> {
    let mut out = Vec::with_capacity(body.len());
    for (key, value) in body {
        if key == "attributes" {
            continue;
        }
        let Some(field) = object.field(key) else {
            return Err(RecordError::new(
                "INVALID_FIELD",
                format!("No such column '{key}' on sobject of type {}", object.name),
            ));
        };
        if field.name == "Id" {
            // The Id names the record: refused on create (per record, see `insert_id_error`),
            // already read by the caller on update.
            continue;
        }
        out.push((field, coerce(field, value)?));
    }
    Ok(out)
}

fn token_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "VALUE_NULL",
        Value::Bool(true) => "VALUE_TRUE",
        Value::Bool(false) => "VALUE_FALSE",
        Value::Number(n) if n.is_f64() => "VALUE_NUMBER_FLOAT",
        Value::Number(_) => "VALUE_NUMBER_INT",
        Value::String(_) => "VALUE_STRING",
        Value::Array(_) => "START_ARRAY",
        Value::Object(_) => "START_OBJECT",
    }
}

fn parser_error(java_type: &str, v: &Value) -> RecordError {
    let shown = match v {
        Value::String(s) => s.clone(),
        Value::Array(_) => "[".into(),
        Value::Object(_) => "{".into(),
        other => other.to_string(),
    };
    RecordError::new(
        "JSON_PARSER_ERROR",
        format!(
            "Cannot deserialize instance of {java_type} from {} value {shown} or request may be missing a required field",
            token_name(v)
        ),
    )
}

/// Converts a JSON value to the stored form of `field`, as Salesforce's deserializer does
/// (scalars coerce to text; numeric strings coerce to numbers).
fn coerce(field: &FieldDef, v: &Value) -> Result<Value, RecordError> {
    if v.is_null() {
        return Ok(Value::Null);
    }
    let t = field.ftype;
    match t {
        _ if t.is_text() => match v {
            Value::String(_) => Ok(v.clone()),
            Value::Number(n) => Ok(Value::String(n.to_string())),
            Value::Bool(b) => Ok(Value::String(b.to_string())),
            _ => Err(parser_error("string", v)),
        },
        FieldType::Id | FieldType::Reference => match v {
            Value::String(_) => Ok(v.clone()),
            _ => Err(parser_error("id", v)),
        },
        FieldType::Boolean => match v {
            Value::Bool(_) => Ok(v.clone()),
            Value::String(s)
                if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") =>
            {
                Ok(Value::Bool(s.eq_ignore_ascii_case("true")))
            }
            _ => Err(parser_error("boolean", v)),
        },
        FieldType::Int => {
            let n = match v {
                Value::Number(n) => n
                    .as_i64()
                    .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64)),
                Value::String(s) => s.trim().parse::<i64>().ok(),
                _ => None,
            };
            n.map(Value::from).ok_or_else(|| parser_error("int", v))
        }
        FieldType::Double | FieldType::Currency | FieldType::Percent => {
            let n = match v {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
                _ => None,
            };
            n.and_then(Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| parser_error("double", v))
        }
        FieldType::Date => match v {
            Value::String(s) => time::parse_date(s)
                .map(|d| Value::String(time::format_date(d)))
                .ok_or_else(|| parser_error("date", v)),
            _ => Err(parser_error("date", v)),
        },
        FieldType::DateTime => match v {
            Value::String(s) => time::parse_datetime(s)
                .map(|d| Value::String(time::format_datetime(d)))
                .ok_or_else(|| parser_error("datetime", v)),
            _ => Err(parser_error("datetime", v)),
        },
        _ => Err(parser_error("string", v)),
    }
}

/// A light version of the address check Salesforce applies to email fields.
fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == ';' || c == '<' || c == '>')
}

/// Checks the assigned values of one record and normalises ids to 18 characters.
pub fn check_values(org: &Org, values: &mut [Assignment], op: Op) -> Result<(), RecordError> {
    let not_writable: Vec<String> = values
        .iter()
        .filter(|(f, _)| {
            if op == Op::Create {
                !f.createable
            } else {
                !f.updateable
            }
        })
        .map(|(f, _)| f.name.to_string())
        .collect();
    if !not_writable.is_empty() {
        return Err(RecordError::new(
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            format!(
                "Unable to create/update fields: {}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                not_writable.join(", ")
            ),
        )
        .fields(not_writable));
    }
    let mut nulled_required = Vec::new();
    for (field, value) in values.iter_mut() {
        match value {
            Value::Null
                if op == Op::Update && !field.nillable && field.ftype != FieldType::Boolean =>
            {
                nulled_required.push(field.name.to_string());
            }
            Value::String(s) if field.ftype.is_text() => {
                let chars = s.chars().count();
                if chars > field.length as usize {
                    return Err(RecordError::new(
                        "STRING_TOO_LONG",
                        format!(
                            "{}: data value too large: {} (max length={})",
                            field.label, s, field.length
                        ),
                    )
                    .field(field.name));
                }
                if field.ftype == FieldType::Email && !s.is_empty() && !valid_email(s) {
                    return Err(RecordError::new(
                        "INVALID_EMAIL_ADDRESS",
                        format!("{}: invalid email address: {s}", field.label),
                    )
                    .field(field.name));
                }
                if field.restricted_picklist
                    && !field.picklist.iter().any(|p| p.value == s.as_str())
                {
                    return Err(RecordError::new(
                        "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                        format!(
                            "{}: bad value for restricted picklist field: {s}",
                            field.label
                        ),
                    )
                    .field(field.name));
                }
                if s.is_empty() {
                    // Salesforce stores an empty string as null.
                    *value = Value::Null;
                    if op == Op::Update && !field.nillable {
                        nulled_required.push(field.name.to_string());
                    }
                }
            }
            Value::Number(n) if field.ftype.is_number() => {
                let f = n.as_f64().unwrap_or(0.0);
                let int_digits = if field.ftype == FieldType::Int {
                    field.digits
                } else {
                    field.precision - field.scale
                };
                if f.abs() >= 10f64.powi(int_digits as i32) {
                    return Err(RecordError::new(
                        "NUMBER_OUTSIDE_VALID_RANGE",
                        format!(
                            "{}: value outside of valid range on numeric field: {n}",
                            field.label
                        ),
                    )
                    .field(field.name));
                }
                if field.ftype != FieldType::Int {
                    // Salesforce rounds to the field's scale on save.
                    let factor = 10f64.powi(field.scale as i32);
                    let rounded = (f * factor).round() / factor;
                    if let Some(r) = Number::from_f64(rounded) {
                        *n = r;
                    }
                }
            }
            Value::String(s) if field.ftype.is_id() => {
                *s = check_reference(org, field, s)?;
            }
            _ => {}
        }
    }
    if !nulled_required.is_empty() {
        return Err(required_missing(nulled_required));
    }
    Ok(())
}

pub fn required_missing(names: Vec<String>) -> RecordError {
    RecordError::new(
        "REQUIRED_FIELD_MISSING",
        format!("Required fields are missing: [{}]", names.join(", ")),
    )
    .fields(names)
}

/// A reference must be a well-formed id of one of the referenced objects, naming a live record.
fn check_reference(org: &Org, field: &FieldDef, raw: &str) -> Result<String, RecordError> {
    let malformed = || {
        RecordError::new(
            "MALFORMED_ID",
            format!("{}: id value of incorrect type: {raw}", field.label),
        )
        .field(field.name)
    };
    let id = ids::to_18(raw).ok_or_else(malformed)?;
    let target = Schema::get()
        .object_by_prefix(ids::key_prefix(&id))
        .ok_or_else(malformed)?;
    if !field.reference_to.contains(&target.name) {
        return Err(malformed());
    }
    let record = org
        .get(target, &id)
        .filter(|r| !r.is_deleted())
        .ok_or_else(|| {
            RecordError::new("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")
                .field(field.name)
        })?;
    if field.name == "OwnerId"
        && target.name == "User"
        && record.get("IsActive") != Some(&Value::Bool(true))
    {
        return Err(
            RecordError::new("INACTIVE_OWNER_OR_USER", "owner or user is inactive.")
                .field(field.name),
        );
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_coerce_like_salesforce_deserializer() {
        let lead = Schema::get().object("Lead").expect("Lead exists");
        let employees = lead.field("NumberOfEmployees").expect("field exists");
        assert_eq!(
            coerce(employees, &Value::from("250")).ok(),
            Some(Value::from(250))
        );
        let err = coerce(employees, &Value::from("many")).expect_err("not a number");
        assert_eq!(err.code, "JSON_PARSER_ERROR");
        assert!(
            err.message.contains("VALUE_STRING value many"),
            "{}",
            err.message
        );
        let company = lead.field("Company").expect("field exists");
        assert_eq!(
            coerce(company, &Value::from(12)).ok(),
            Some(Value::from("12"))
        );
    }

    #[test]
    fn email_check_accepts_apostrophes() {
        assert!(valid_email("o'brien@harborlight.example"));
        assert!(!valid_email("not-an-email"));
        assert!(!valid_email("a@b"));
    }
}
