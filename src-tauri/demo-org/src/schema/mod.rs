//! The demo org's schema: the objects and fields it serves, with the metadata Salesforce's
//! describe calls report. Validation on writes and SOQL resolution both read it, so describe
//! and behaviour cannot drift apart.

mod describe;
mod objects;

pub use objects::STAGES;

pub use describe::{describe_global, describe_sobject, sobject_basic_info, ObjectAccess};

use std::sync::OnceLock;

/// Salesforce field types (describe `type`) the demo org uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Id,
    String,
    TextArea,
    Email,
    Phone,
    Url,
    Picklist,
    Combobox,
    Boolean,
    Int,
    Double,
    Currency,
    Percent,
    Date,
    DateTime,
    Reference,
}

impl FieldType {
    /// The describe `type` value.
    pub fn api_name(self) -> &'static str {
        match self {
            FieldType::Id => "id",
            FieldType::String => "string",
            FieldType::TextArea => "textarea",
            FieldType::Email => "email",
            FieldType::Phone => "phone",
            FieldType::Url => "url",
            FieldType::Picklist => "picklist",
            FieldType::Combobox => "combobox",
            FieldType::Boolean => "boolean",
            FieldType::Int => "int",
            FieldType::Double => "double",
            FieldType::Currency => "currency",
            FieldType::Percent => "percent",
            FieldType::Date => "date",
            FieldType::DateTime => "datetime",
            FieldType::Reference => "reference",
        }
    }

    /// The describe `soapType` value.
    pub fn soap_type(self) -> &'static str {
        match self {
            FieldType::Id | FieldType::Reference => "tns:ID",
            FieldType::Boolean => "xsd:boolean",
            FieldType::Int => "xsd:int",
            FieldType::Double | FieldType::Currency | FieldType::Percent => "xsd:double",
            FieldType::Date => "xsd:date",
            FieldType::DateTime => "xsd:dateTime",
            _ => "xsd:string",
        }
    }

    /// Text-valued types, compared case-insensitively and checked against `length`.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            FieldType::String
                | FieldType::TextArea
                | FieldType::Email
                | FieldType::Phone
                | FieldType::Url
                | FieldType::Picklist
                | FieldType::Combobox
        )
    }

    pub fn is_number(self) -> bool {
        matches!(
            self,
            FieldType::Int | FieldType::Double | FieldType::Currency | FieldType::Percent
        )
    }

    pub fn is_id(self) -> bool {
        matches!(self, FieldType::Id | FieldType::Reference)
    }
}

/// One picklist entry.
#[derive(Clone, Debug)]
pub struct PicklistEntry {
    pub value: &'static str,
    pub default: bool,
}

/// One field of an object, with the describe properties the demo org honours.
#[derive(Clone, Debug)]
pub struct FieldDef {
    pub name: &'static str,
    pub label: &'static str,
    pub ftype: FieldType,
    pub length: u32,
    pub precision: u32,
    pub scale: u32,
    pub digits: u32,
    pub createable: bool,
    pub updateable: bool,
    pub nillable: bool,
    pub defaulted_on_create: bool,
    pub external_id: bool,
    pub id_lookup: bool,
    pub unique: bool,
    pub custom: bool,
    pub name_field: bool,
    pub filterable: bool,
    pub sortable: bool,
    pub picklist: Vec<PicklistEntry>,
    pub restricted_picklist: bool,
    pub reference_to: Vec<&'static str>,
    pub relationship_name: Option<&'static str>,
}

impl FieldDef {
    /// Salesforce treats a field as required on create when it is createable, not nillable
    /// and has no default: exactly the fields REQUIRED_FIELD_MISSING names.
    pub fn required_on_create(&self) -> bool {
        self.createable && !self.nillable && !self.defaulted_on_create
    }

    /// The picklist's default value, if one is marked.
    pub fn default_picklist_value(&self) -> Option<&'static str> {
        self.picklist.iter().find(|p| p.default).map(|p| p.value)
    }
}

/// A child relationship listed in describe (`childRelationships`).
#[derive(Clone, Debug)]
pub struct ChildRelationship {
    pub child_sobject: &'static str,
    pub field: &'static str,
    pub relationship_name: Option<&'static str>,
    pub cascade_delete: bool,
}

/// One sObject type.
#[derive(Clone, Debug)]
pub struct ObjectDef {
    pub name: &'static str,
    pub label: &'static str,
    pub label_plural: &'static str,
    pub key_prefix: &'static str,
    pub createable: bool,
    pub updateable: bool,
    pub deletable: bool,
    pub queryable: bool,
    pub fields: Vec<FieldDef>,
    pub child_relationships: Vec<ChildRelationship>,
}

impl ObjectDef {
    /// Looks a field up by name, case-insensitively as Salesforce does.
    pub fn field(&self, name: &str) -> Option<&FieldDef> {
        self.position(name).map(|i| &self.fields[i])
    }

    /// The position of a field in `fields` (and in stored records): an exact match first,
    /// since internal lookups use canonical names, then case-insensitively.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name).or_else(|| {
            self.fields
                .iter()
                .position(|f| f.name.eq_ignore_ascii_case(name))
        })
    }

    /// Looks a reference field up by its relationship name (`Owner`, `SDR__r`).
    pub fn relationship(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| {
            f.relationship_name
                .is_some_and(|r| r.eq_ignore_ascii_case(name))
        })
    }

    pub fn has_owner(&self) -> bool {
        self.field("OwnerId").is_some()
    }
}

/// All objects the demo org serves.
#[derive(Debug)]
pub struct Schema {
    objects: Vec<ObjectDef>,
}

impl Schema {
    /// The schema, built once.
    pub fn get() -> &'static Schema {
        static SCHEMA: OnceLock<Schema> = OnceLock::new();
        SCHEMA.get_or_init(|| Schema {
            objects: objects::all(),
        })
    }

    /// Looks an object up by name, case-insensitively.
    pub fn object(&self, name: &str) -> Option<&ObjectDef> {
        self.objects
            .iter()
            .find(|o| o.name.eq_ignore_ascii_case(name))
    }

    /// The object whose ids carry `prefix`.
    pub fn object_by_prefix(&self, prefix: &str) -> Option<&ObjectDef> {
        self.objects.iter().find(|o| o.key_prefix == prefix)
    }

    pub fn objects(&self) -> &[ObjectDef] {
        &self.objects
    }
}
