//! Record writes (`POST /sobjects/X`, `PATCH /sobjects/X/id`, sObject Collections) and the
//! object list (`GET /sobjects`).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::api_error::ApiErrorEntry;
use super::oauth::token::is_record_id;
use super::query::Record;
use crate::{Error, Result};

/// sObject Collections take at most 200 records per call.
pub const MAX_COLLECTION_RECORDS: usize = 200;

/// Whether Salesforce runs the org's assignment rules on a Lead (or Case) write: the
/// `Sforce-Auto-Assign` header, which defaults to TRUE when absent (salesforce-facts.md §0.4).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AutoAssign {
    /// No header: Salesforce's default (run the active rule).
    #[default]
    Default,
    /// `Sforce-Auto-Assign: FALSE`: keep the `OwnerId` we send.
    Off,
    /// `Sforce-Auto-Assign: TRUE`.
    On,
    /// `Sforce-Auto-Assign: <AssignmentRule Id>`.
    Rule(String),
}

impl AutoAssign {
    pub(crate) fn header_value(&self) -> Result<Option<String>> {
        Ok(match self {
            AutoAssign::Default => None,
            AutoAssign::Off => Some("FALSE".into()),
            AutoAssign::On => Some("TRUE".into()),
            AutoAssign::Rule(id) => {
                if !is_record_id(id) {
                    return Err(Error::invalid_input(format!(
                        "{id:?} is not an assignment rule Id"
                    ))
                    .field("autoAssign"));
                }
                Some(id.clone())
            }
        })
    }
}

/// Options for writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteOptions {
    pub auto_assign: AutoAssign,
}

/// A record to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRecord {
    pub sobject: String,
    pub fields: Record,
}

/// Changes to an existing record.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordUpdate {
    pub sobject: String,
    pub id: String,
    pub fields: Record,
}

/// Salesforce's answer for one written record (single create, or one entry of a collection).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SaveResult {
    #[serde(default)]
    pub id: Option<String>,
    pub success: bool,
    #[serde(default)]
    pub errors: Vec<ApiErrorEntry>,
}

/// One object of `GET /sobjects` (describe global).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SObjectSummary {
    pub name: String,
    pub label: String,
    #[serde(default)]
    pub custom: bool,
    #[serde(default)]
    pub key_prefix: Option<String>,
    #[serde(default)]
    pub createable: bool,
    #[serde(default)]
    pub updateable: bool,
    #[serde(default)]
    pub queryable: bool,
    #[serde(default)]
    pub deletable: bool,
}

/// `GET /sobjects`: every object the connected user can see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DescribeGlobal {
    #[serde(default)]
    pub encoding: Option<String>,
    #[serde(default)]
    pub max_batch_size: Option<u32>,
    pub sobjects: Vec<SObjectSummary>,
}

/// An sObject API name (`Lead`, `Chat_Event__c`, `ns__Thing__c`): it becomes part of a URL
/// path, so nothing else gets through.
pub fn validate_sobject_name(name: &str) -> Result<()> {
    let ok = name.len() <= 80
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(
            Error::invalid_input(format!("{name:?} is not a Salesforce object name"))
                .field("sobject"),
        )
    }
}

/// A record Id that goes into a URL path.
pub fn validate_record_id(id: &str) -> Result<()> {
    if is_record_id(id) {
        Ok(())
    } else {
        Err(Error::invalid_input(format!(
            "{id:?} is not a Salesforce record Id (15 or 18 letters and digits)"
        ))
        .field("id"))
    }
}

/// Checks the size of a collection call before it is sent.
pub(crate) fn check_collection_size(len: usize) -> Result<()> {
    if len > MAX_COLLECTION_RECORDS {
        return Err(Error::invalid_input(format!(
            "{len} records in one sObject Collections call; Salesforce accepts at most {MAX_COLLECTION_RECORDS}"
        )));
    }
    Ok(())
}

/// `{"attributes":{"type":X}, ...fields}` as Collections expects.
pub(crate) fn collection_record(
    sobject: &str,
    id: Option<&str>,
    fields: &Record,
) -> Result<serde_json::Value> {
    validate_sobject_name(sobject)?;
    let mut out = Record::new();
    out.insert("attributes".into(), serde_json::json!({ "type": sobject }));
    if let Some(id) = id {
        validate_record_id(id)?;
        out.insert("id".into(), serde_json::Value::String(id.to_string()));
    }
    for (k, v) in fields {
        if k == "attributes" || (id.is_some() && k.eq_ignore_ascii_case("id")) {
            continue;
        }
        out.insert(k.clone(), v.clone());
    }
    Ok(serde_json::Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/../../tests/fixtures/restforce/sobject/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn parses_recorded_bodies() {
        let created: SaveResult =
            serde_json::from_str(&fixture("create_success_response.json")).unwrap();
        assert_eq!(
            created,
            SaveResult {
                id: Some("some_id".into()),
                success: true,
                errors: vec![]
            }
        );
        let global: DescribeGlobal =
            serde_json::from_str(&fixture("describe_sobjects_success_response.json")).unwrap();
        assert_eq!(global.max_batch_size, Some(200));
        let account = &global.sobjects[0];
        assert_eq!(
            (account.name.as_str(), account.key_prefix.as_deref()),
            ("Account", Some("001"))
        );
        assert!(account.createable && account.queryable);
    }

    #[test]
    fn collection_errors_use_status_code() {
        let body = r#"[{"id":"00Q000000000001AAA","success":true,"errors":[]},
                       {"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [LastName]","fields":["LastName"]}]}]"#;
        let results: Vec<SaveResult> = serde_json::from_str(body).unwrap();
        assert_eq!(results[1].errors[0].error_code, "REQUIRED_FIELD_MISSING");
        assert_eq!(results[1].errors[0].fields, vec!["LastName"]);
    }

    #[test]
    fn names_and_ids_are_checked_before_they_reach_a_url() {
        validate_sobject_name("Lead").unwrap();
        validate_sobject_name("ns__Chat_Event__c").unwrap();
        for bad in ["", "Lead/../x", "Lead?x", "1Lead", "Le ad"] {
            assert!(validate_sobject_name(bad).is_err(), "{bad}");
        }
        validate_record_id("00Q000000000001").unwrap();
        assert!(validate_record_id("00Q/../../x").is_err());
    }

    #[test]
    fn builds_collection_records() {
        let mut fields = Record::new();
        fields.insert("LastName".into(), "O'Brien".into());
        fields.insert("attributes".into(), serde_json::json!({"type": "Evil"}));
        fields.insert("Id".into(), "x".into());
        let v = collection_record("Lead", Some("00Q000000000001AAA"), &fields).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"attributes": {"type": "Lead"}, "id": "00Q000000000001AAA", "LastName": "O'Brien"})
        );
        assert!(check_collection_size(200).is_ok());
        assert!(check_collection_size(201)
            .unwrap_err()
            .message
            .contains("at most 200"));
        assert_eq!(
            AutoAssign::Off.header_value().unwrap().as_deref(),
            Some("FALSE")
        );
        assert!(AutoAssign::Rule("bad id".into()).header_value().is_err());
    }
}
