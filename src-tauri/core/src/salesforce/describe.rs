//! Salesforce describe metadata (`GET /sobjects/{name}/describe`), as Salesforce sends it.
//! Only the parts Leadbridge uses are kept; unknown keys are ignored so newer API versions
//! still parse. The mapping screen, validation and permission checks all read these types.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SObjectDescribe {
    pub name: String,
    pub label: String,
    #[serde(default)]
    pub createable: bool,
    #[serde(default)]
    pub updateable: bool,
    #[serde(default)]
    pub queryable: bool,
    #[serde(default)]
    pub deletable: bool,
    #[serde(default)]
    pub custom: bool,
    #[serde(default)]
    pub fields: Vec<FieldDescribe>,
}

impl SObjectDescribe {
    pub fn field(&self, name: &str) -> Option<&FieldDescribe> {
        // Salesforce field names are case-insensitive.
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldDescribe {
    pub name: String,
    pub label: String,
    /// Salesforce's field type: `string`, `email`, `phone`, `url`, `textarea`, `double`,
    /// `int`, `currency`, `percent`, `boolean`, `date`, `datetime`, `picklist`, `reference`, `id`, ...
    #[serde(rename = "type")]
    #[ts(rename = "type")]
    pub field_type: String,
    /// Maximum length for text types (0 for others).
    #[serde(default)]
    pub length: u32,
    #[serde(default)]
    pub precision: u32,
    #[serde(default)]
    pub scale: u32,
    #[serde(default)]
    pub createable: bool,
    #[serde(default)]
    pub updateable: bool,
    #[serde(default)]
    pub nillable: bool,
    /// Salesforce fills the field itself on create when it is left empty.
    #[serde(default)]
    pub defaulted_on_create: bool,
    #[serde(default)]
    pub external_id: bool,
    #[serde(default)]
    pub id_lookup: bool,
    #[serde(default)]
    pub unique: bool,
    #[serde(default)]
    pub custom: bool,
    #[serde(default)]
    pub picklist_values: Vec<PicklistValue>,
    #[serde(default)]
    pub reference_to: Vec<String>,
    #[serde(default)]
    pub relationship_name: Option<String>,
}

impl FieldDescribe {
    /// Required on create: not nillable, createable, and not filled by Salesforce itself.
    /// (Booleans are never nillable but always default to false.)
    pub fn required_on_create(&self) -> bool {
        self.createable
            && !self.nillable
            && !self.defaulted_on_create
            && self.field_type != "boolean"
    }

    /// Types that hold free text, where `length` limits the value.
    pub fn is_text(&self) -> bool {
        matches!(
            self.field_type.as_str(),
            "string"
                | "textarea"
                | "email"
                | "phone"
                | "url"
                | "picklist"
                | "multipicklist"
                | "combobox"
        )
    }

    pub fn is_numeric(&self) -> bool {
        matches!(
            self.field_type.as_str(),
            "double" | "int" | "currency" | "percent" | "long"
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PicklistValue {
    pub value: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub active: bool,
    #[serde(default)]
    pub default_value: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// restforce's recorded describe body (a real Salesforce response) must parse.
    #[test]
    fn parses_a_recorded_salesforce_describe() {
        let text = include_str!(
            "../../../../tests/fixtures/restforce/sobject/sobject_describe_success_response.json"
        );
        let d: SObjectDescribe = serde_json::from_str(text).unwrap();
        assert!(!d.name.is_empty());
        assert!(!d.fields.is_empty());
        assert!(d.fields.iter().all(|f| !f.field_type.is_empty()));
    }

    #[test]
    fn required_on_create_ignores_defaulted_and_boolean_fields() {
        let f = |t: &str, nillable, defaulted| FieldDescribe {
            name: "X".into(),
            label: "X".into(),
            field_type: t.into(),
            length: 80,
            precision: 0,
            scale: 0,
            createable: true,
            updateable: true,
            nillable,
            defaulted_on_create: defaulted,
            external_id: false,
            id_lookup: false,
            unique: false,
            custom: false,
            picklist_values: vec![],
            reference_to: vec![],
            relationship_name: None,
        };
        assert!(f("string", false, false).required_on_create());
        assert!(!f("string", true, false).required_on_create());
        assert!(!f("reference", false, true).required_on_create());
        assert!(!f("boolean", false, false).required_on_create());
    }
}
