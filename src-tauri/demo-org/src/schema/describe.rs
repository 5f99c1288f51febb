//! The JSON bodies of describeGlobal (`GET /sobjects`), the sObject basic information
//! (`GET /sobjects/X`) and describe (`GET /sobjects/X/describe`), in Salesforce's shapes.

use serde_json::{json, Map, Value};

use super::{FieldDef, FieldType, ObjectDef, Schema};

/// Object-level access for the calling user: a profile may lack rights the object allows.
#[derive(Clone, Copy, Debug)]
pub struct ObjectAccess {
    pub createable: bool,
    pub updateable: bool,
    pub deletable: bool,
}

impl ObjectAccess {
    pub fn of(object: &ObjectDef) -> Self {
        ObjectAccess {
            createable: object.createable,
            updateable: object.updateable,
            deletable: object.deletable,
        }
    }
}

fn urls(object: &ObjectDef, version: &str) -> Value {
    let base = format!("/services/data/v{version}/sobjects/{}", object.name);
    json!({
        "compactLayouts": format!("{base}/describe/compactLayouts"),
        "rowTemplate": format!("{base}/{{ID}}"),
        "approvalLayouts": format!("{base}/describe/approvalLayouts"),
        "defaultValues": format!("{base}/defaultValues?recordTypeId&fields"),
        "describe": format!("{base}/describe"),
        "quickActions": format!("{base}/quickActions"),
        "layouts": format!("{base}/describe/layouts"),
        "sobject": base,
    })
}

/// The object summary shared by describeGlobal entries, basic info and describe.
fn object_summary(object: &ObjectDef, access: ObjectAccess, version: &str) -> Map<String, Value> {
    let v = json!({
        "activateable": false,
        "associateEntityType": null,
        "associateParentEntity": null,
        "createable": access.createable,
        "custom": false,
        "customSetting": false,
        "deepCloneable": false,
        "deletable": access.deletable,
        "deprecatedAndHidden": false,
        "feedEnabled": object.has_owner(),
        "hasSubtypes": false,
        "isInterface": false,
        "isSubtype": false,
        "keyPrefix": object.key_prefix,
        "label": object.label,
        "labelPlural": object.label_plural,
        "layoutable": true,
        "mergeable": matches!(object.name, "Account" | "Contact" | "Lead"),
        "mruEnabled": true,
        "name": object.name,
        "queryable": object.queryable,
        "replicateable": true,
        "retrieveable": true,
        "searchable": object.name != "CampaignMember" && object.name != "OpportunityContactRole",
        "triggerable": true,
        "undeletable": access.deletable,
        "updateable": access.updateable,
        "urls": urls(object, version),
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// `GET /sobjects`: every object with its summary.
pub fn describe_global(version: &str, access: impl Fn(&ObjectDef) -> ObjectAccess) -> Value {
    let sobjects: Vec<Value> = Schema::get()
        .objects()
        .iter()
        .map(|o| Value::Object(object_summary(o, access(o), version)))
        .collect();
    json!({ "encoding": "UTF-8", "maxBatchSize": 200, "sobjects": sobjects })
}

/// `GET /sobjects/X`: the summary plus recently viewed items (none in the demo org).
pub fn sobject_basic_info(object: &ObjectDef, access: ObjectAccess, version: &str) -> Value {
    json!({ "objectDescribe": Value::Object(object_summary(object, access, version)), "recentItems": [] })
}

/// `GET /sobjects/X/describe`: the summary, fields and child relationships.
pub fn describe_sobject(object: &ObjectDef, access: ObjectAccess, version: &str) -> Value {
    let mut body = object_summary(object, access, version);
    let fields: Vec<Value> = object.fields.iter().map(describe_field).collect();
    let children: Vec<Value> = object
        .child_relationships
        .iter()
        .map(|c| {
            json!({
                "cascadeDelete": c.cascade_delete,
                "childSObject": c.child_sobject,
                "deprecatedAndHidden": false,
                "field": c.field,
                "junctionIdListNames": [],
                "junctionReferenceTo": [],
                "relationshipName": c.relationship_name,
                "restrictedDelete": false,
            })
        })
        .collect();
    body.insert("actionOverrides".into(), json!([]));
    body.insert("childRelationships".into(), Value::Array(children));
    body.insert("compactLayoutable".into(), json!(true));
    body.insert("defaultImplementation".into(), Value::Null);
    body.insert("extendedBy".into(), Value::Null);
    body.insert("extendsInterfaces".into(), Value::Null);
    body.insert("fields".into(), Value::Array(fields));
    body.insert("implementedBy".into(), Value::Null);
    body.insert("implementsInterfaces".into(), Value::Null);
    body.insert("listviewable".into(), Value::Null);
    body.insert("lookupLayoutable".into(), Value::Null);
    body.insert("namedLayoutInfos".into(), json!([]));
    body.insert("networkScopeFieldName".into(), Value::Null);
    body.insert(
        "recordTypeInfos".into(),
        json!([{
            "active": true,
            "available": true,
            "defaultRecordTypeMapping": true,
            "developerName": "Master",
            "master": true,
            "name": "Master",
            "recordTypeId": "012000000000000AAA",
            "urls": { "layout": format!("/services/data/v{version}/sobjects/{}/describe/layouts/012000000000000AAA", object.name) }
        }]),
    );
    body.insert("searchLayoutable".into(), json!(true));
    body.insert(
        "supportedScopes".into(),
        json!([{ "label": "All", "name": "everything" }]),
    );
    Value::Object(body)
}

fn describe_field(f: &FieldDef) -> Value {
    let text = f.ftype.is_text() || f.ftype.is_id();
    // Salesforce reports byteLength as 3 bytes per character for text fields.
    let byte_length = if text { f.length * 3 } else { 0 };
    let picklist: Vec<Value> = f
        .picklist
        .iter()
        .map(|p| json!({ "active": true, "defaultValue": p.default, "label": p.value, "validFor": null, "value": p.value }))
        .collect();
    let default_value = f
        .default_picklist_value()
        .map(Value::from)
        .unwrap_or_else(|| {
            if f.ftype == FieldType::Boolean && f.createable {
                Value::Bool(false)
            } else {
                Value::Null
            }
        });
    json!({
        "aggregatable": f.ftype != FieldType::TextArea || f.length <= 255,
        "aiPredictionField": false,
        "autoNumber": false,
        "byteLength": byte_length,
        "calculated": false,
        "calculatedFormula": null,
        "cascadeDelete": false,
        "caseSensitive": false,
        "compoundFieldName": null,
        "controllerName": null,
        "createable": f.createable,
        "custom": f.custom,
        "defaultValue": default_value,
        "defaultValueFormula": null,
        "defaultedOnCreate": f.defaulted_on_create,
        "dependentPicklist": false,
        "deprecatedAndHidden": false,
        "digits": f.digits,
        "displayLocationInDecimal": false,
        "encrypted": false,
        "externalId": f.external_id,
        "extraTypeInfo": null,
        "filterable": f.filterable,
        "filteredLookupInfo": null,
        "formulaTreatNullNumberAsZero": false,
        "groupable": f.ftype != FieldType::Double && f.filterable,
        "highScaleNumber": false,
        "htmlFormatted": false,
        "idLookup": f.id_lookup,
        "inlineHelpText": null,
        "label": f.label,
        "length": f.length,
        "mask": null,
        "maskType": null,
        "name": f.name,
        "nameField": f.name_field,
        "namePointing": f.reference_to.len() > 1,
        "nillable": f.nillable,
        "permissionable": f.nillable && f.createable,
        "picklistValues": picklist,
        "polymorphicForeignKey": f.reference_to.len() > 1,
        "precision": f.precision,
        "queryByDistance": false,
        "referenceTargetField": null,
        "referenceTo": f.reference_to,
        "relationshipName": f.relationship_name,
        "relationshipOrder": null,
        "restrictedDelete": false,
        "restrictedPicklist": f.restricted_picklist,
        "scale": f.scale,
        "searchPrefilterable": false,
        "soapType": f.ftype.soap_type(),
        "sortable": f.sortable,
        "type": f.ftype.api_name(),
        "unique": f.unique,
        "updateable": f.updateable,
        "writeRequiresMasterRead": false,
    })
}
