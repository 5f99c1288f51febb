//! Chat values converted to the type describe gives the Salesforce field, checked the way
//! Salesforce checks them. A value that does not fit (too long, not a number, ...) is a
//! per-contact failure naming the field: nothing is ever truncated or dropped silently.
//! Numbers are rounded to the field's scale, as Salesforce does on save, so comparing the
//! result with the stored value tells whether an overwrite would change anything.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{Number, Value};

use super::model::PlanIssue;
use crate::salesforce::describe::FieldDescribe;
use crate::salesforce::oauth::token::is_record_id;

/// `value` as `object.field` takes it; `None` when there is nothing to write (no value, or
/// an empty text, which Salesforce stores as null anyway).
pub fn to_field(
    object: &str,
    field: &FieldDescribe,
    source: &str,
    value: &Value,
) -> Result<Option<Value>, PlanIssue> {
    let at = format!("{object}.{}", field.name);
    let invalid = |why: String| {
        PlanIssue::new(
            "INVALID_VALUE",
            format!(
                "{at} ({} field) cannot take {source}'s value: {why}",
                field.field_type
            ),
        )
        .on_field(at.clone())
    };
    if value.is_null() {
        return Ok(None);
    }
    let kind = field.field_type.as_str();
    if field.is_text() {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Array(items) => {
                let joiner = if kind == "multipicklist" { ";" } else { ", " };
                items
                    .iter()
                    .map(|i| match i {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(joiner)
            }
            Value::Object(_) => value.to_string(),
            Value::Null => return Ok(None),
        };
        if text.is_empty() {
            return Ok(None);
        }
        let chars = text.chars().count();
        if field.length > 0 && chars > field.length as usize {
            return Err(PlanIssue::new(
                "STRING_TOO_LONG",
                format!(
                    "{at} holds at most {} characters; {source}'s value has {chars}",
                    field.length
                ),
            )
            .on_field(at));
        }
        return Ok(Some(Value::String(text)));
    }
    match kind {
        "double" | "currency" | "percent" | "int" | "long" => {
            let number = match value {
                Value::Number(n) => n.as_f64(),
                Value::String(s) if s.trim().is_empty() => return Ok(None),
                Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
                _ => None,
            }
            .ok_or_else(|| invalid(format!("{value} is not a number")))?;
            let integral = matches!(kind, "int" | "long");
            if integral && number.fract() != 0.0 {
                return Err(invalid(format!("{value} is not a whole number")));
            }
            let scale = if integral { 0 } else { field.scale };
            let int_digits = field.precision.saturating_sub(scale);
            if field.precision > 0 && number.abs() >= 10f64.powi(int_digits as i32) {
                return Err(PlanIssue::new(
                    "NUMBER_OUTSIDE_VALID_RANGE",
                    format!(
                        "{at} takes at most {int_digits} digits before the decimal point; {source}'s value is {value}"
                    ),
                )
                .on_field(at));
            }
            let factor = 10f64.powi(scale.min(15) as i32);
            let rounded = (number * factor).round() / factor;
            Ok(Some(number_value(rounded)))
        }
        "boolean" => match value {
            Value::Bool(b) => Ok(Some(Value::Bool(*b))),
            Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(Some(Value::Bool(true))),
            Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(Some(Value::Bool(false))),
            Value::Number(n) if n.as_f64() == Some(1.0) => Ok(Some(Value::Bool(true))),
            Value::Number(n) if n.as_f64() == Some(0.0) => Ok(Some(Value::Bool(false))),
            _ => Err(invalid(format!("{value} is not true or false"))),
        },
        "date" => match value {
            Value::String(s) => parse_date(s)
                .map(|d| Some(Value::String(d.format("%Y-%m-%d").to_string())))
                .ok_or_else(|| invalid(format!("{s:?} is not a date (YYYY-MM-DD)"))),
            _ => Err(invalid(format!("{value} is not a date (YYYY-MM-DD)"))),
        },
        "datetime" => match value {
            Value::String(s) => parse_datetime(s)
                .map(|t| {
                    Some(Value::String(
                        t.to_rfc3339_opts(SecondsFormat::Millis, true),
                    ))
                })
                .ok_or_else(|| invalid(format!("{s:?} is not a date and time (RFC 3339)"))),
            _ => Err(invalid(format!(
                "{value} is not a date and time (RFC 3339)"
            ))),
        },
        "reference" | "id" => match value {
            Value::String(s) if is_record_id(s.trim()) => Ok(Some(Value::String(s.trim().into()))),
            _ => Err(invalid(format!("{value} is not a Salesforce record Id"))),
        },
        other => Err(invalid(format!("Leadbridge does not write {other} fields"))),
    }
}

/// A number as JSON: an integer when it is one (87, not 87.0).
fn number_value(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        Value::from(n as i64)
    } else {
        Number::from_f64(n)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .or_else(|| parse_datetime(s).map(|t| t.date_naive()))
}

/// RFC 3339, and Salesforce's own `2026-04-05T14:30:00.000+0000` form.
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .map(|t| t.with_timezone(&Utc))
        .ok()
}

/// Whether Salesforce's stored `before` already equals the converted `after` for a field of
/// this type (so an overwrite would change nothing).
pub fn same_value(field: &FieldDescribe, before: Option<&Value>, after: &Value) -> bool {
    let before = match before {
        None | Some(Value::Null) => return after.is_null(),
        Some(Value::String(s)) if s.is_empty() => return after.is_null(),
        Some(v) => v,
    };
    match field.field_type.as_str() {
        "double" | "currency" | "percent" | "int" | "long" => {
            let as_f64 = |v: &Value| match v {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse::<f64>().ok(),
                _ => None,
            };
            match (as_f64(before), as_f64(after)) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            }
        }
        "datetime" => match (before.as_str(), after.as_str()) {
            (Some(a), Some(b)) => match (parse_datetime(a), parse_datetime(b)) {
                (Some(a), Some(b)) => a == b,
                _ => a == b,
            },
            _ => false,
        },
        // 15- and 18-character forms of one Id share the first 15 characters.
        "reference" | "id" => match (before.as_str(), after.as_str()) {
            (Some(a), Some(b)) if a.len() >= 15 && b.len() >= 15 => a[..15] == b[..15],
            _ => before == after,
        },
        _ => before == after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(name: &str, kind: &str, length: u32, precision: u32, scale: u32) -> FieldDescribe {
        serde_json::from_value(json!({
            "name": name, "label": name, "type": kind, "length": length,
            "precision": precision, "scale": scale, "createable": true, "updateable": true,
            "nillable": true
        }))
        .unwrap()
    }

    #[test]
    fn text_is_never_truncated() {
        let f = field("FirstName", "string", 5, 0, 0);
        assert_eq!(
            to_field("Lead", &f, "firstName", &json!("Renée")).unwrap(),
            Some(json!("Renée")),
            "five characters fit, however many bytes"
        );
        let e = to_field("Lead", &f, "firstName", &json!("Renées")).unwrap_err();
        assert_eq!(e.code, "STRING_TOO_LONG");
        assert_eq!(e.field.as_deref(), Some("Lead.FirstName"));
        assert!(
            e.message.contains("at most 5") && e.message.contains("has 6"),
            "{}",
            e.message
        );
        assert_eq!(to_field("Lead", &f, "firstName", &json!("")).unwrap(), None);
        assert_eq!(
            to_field(
                "Lead",
                &field("Intent__c", "string", 255, 0, 0),
                "x",
                &json!(87)
            )
            .unwrap(),
            Some(json!("87"))
        );
    }

    #[test]
    fn numbers_follow_precision_and_scale() {
        let score = field("Lead_Score__c", "double", 0, 18, 0);
        assert_eq!(
            to_field("Lead", &score, "s", &json!(87)).unwrap(),
            Some(json!(87))
        );
        assert_eq!(
            to_field("Lead", &score, "s", &json!("87")).unwrap(),
            Some(json!(87))
        );
        assert_eq!(
            to_field("Lead", &score, "s", &json!(86.6)).unwrap(),
            Some(json!(87))
        );
        let e = to_field("Lead", &score, "s", &json!("high")).unwrap_err();
        assert_eq!(e.code, "INVALID_VALUE");
        let small = field("Probability", "percent", 0, 3, 0);
        assert_eq!(
            to_field("Opportunity", &small, "p", &json!(1000))
                .unwrap_err()
                .code,
            "NUMBER_OUTSIDE_VALID_RANGE"
        );
        let amount = field("Amount", "currency", 0, 18, 2);
        assert_eq!(
            to_field("O", &amount, "a", &json!(12.345)).unwrap(),
            Some(json!(12.35))
        );
        let employees = field("NumberOfEmployees", "int", 0, 8, 0);
        assert_eq!(
            to_field("A", &employees, "e", &json!("250")).unwrap(),
            Some(json!(250))
        );
        assert!(to_field("A", &employees, "e", &json!(2.5)).is_err());
    }

    #[test]
    fn other_types() {
        let b = field("HasOptedOutOfEmail", "boolean", 0, 0, 0);
        assert_eq!(
            to_field("L", &b, "x", &json!("TRUE")).unwrap(),
            Some(json!(true))
        );
        assert!(to_field("L", &b, "x", &json!("maybe")).is_err());
        let d = field("CloseDate", "date", 0, 0, 0);
        assert_eq!(
            to_field("O", &d, "x", &json!("2026-04-05T14:30:00Z")).unwrap(),
            Some(json!("2026-04-05"))
        );
        let dt = field("When__c", "datetime", 0, 0, 0);
        assert_eq!(
            to_field("L", &dt, "x", &json!("2026-04-05T16:30:00+02:00")).unwrap(),
            Some(json!("2026-04-05T14:30:00.000Z"))
        );
        let r = field("OwnerId", "reference", 18, 0, 0);
        assert!(to_field("L", &r, "x", &json!("not an id")).is_err());
        let multi = field("Tags__c", "multipicklist", 100, 0, 0);
        assert_eq!(
            to_field("L", &multi, "x", &json!(["a", "b"])).unwrap(),
            Some(json!("a;b"))
        );
    }

    #[test]
    fn comparison_by_type() {
        let score = field("Lead_Score__c", "double", 0, 18, 0);
        assert!(same_value(&score, Some(&json!(87.0)), &json!(87)));
        assert!(!same_value(&score, Some(&json!(72)), &json!(87)));
        assert!(!same_value(&score, None, &json!(87)));
        let text = field("Intent__c", "string", 255, 0, 0);
        assert!(same_value(&text, Some(&json!("demo")), &json!("demo")));
        assert!(!same_value(&text, Some(&json!("Demo")), &json!("demo")));
        let dt = field("When__c", "datetime", 0, 0, 0);
        assert!(same_value(
            &dt,
            Some(&json!("2026-04-05T14:30:00.000+0000")),
            &json!("2026-04-05T14:30:00.000Z")
        ));
        let r = field("OwnerId", "reference", 18, 0, 0);
        assert!(same_value(
            &r,
            Some(&json!("005000000000001AAA")),
            &json!("005000000000001")
        ));
    }
}
