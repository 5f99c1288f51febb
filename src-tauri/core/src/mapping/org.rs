//! Org checks: a mapping document against the connected org's describe metadata. Fields must
//! exist, be createable (Lead rows: Leadbridge creates Leads) and updateable (overwrite rows),
//! take the source's kind of value, hold its length, and every field Salesforce requires on
//! Lead create must be mapped or defaulted.
//!
//! The describe comes through [`DescribeSource`]: the live Salesforce client in the app, a
//! directory of saved describe responses (`DescribeDir`) for offline checks and tests.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::salesforce::describe::{FieldDescribe, SObjectDescribe};
use crate::{Error, ErrorCode, Result};

use super::checks::is_api_name;
use super::document::{MappedObject, MappingDocument, MappingRow};
use super::problem::{row_path, Problem, ProblemCode};
use super::sources::{source_kind, ChatFields, SourceKind};

/// Where describe metadata comes from.
pub trait DescribeSource {
    /// The describe of `object` (`GET /sobjects/{object}/describe`). An object the org does
    /// not have, or the connected user cannot see, is `ErrorCode::NotFound`; any other error
    /// (network, session) aborts the validation.
    fn describe(&self, object: &str) -> Result<SObjectDescribe>;
}

impl DescribeSource for HashMap<String, SObjectDescribe> {
    fn describe(&self, object: &str) -> Result<SObjectDescribe> {
        self.get(object)
            .cloned()
            .ok_or_else(|| Error::new(ErrorCode::NotFound, format!("no describe for {object}")))
    }
}

/// Saved describe responses, one `<Object>.json` per object (for example the body of
/// `GET /services/data/vXX.X/sobjects/Lead/describe` saved as `Lead.json`).
#[derive(Debug, Clone)]
pub struct DescribeDir {
    dir: PathBuf,
}

impl DescribeDir {
    pub fn new(dir: impl Into<PathBuf>) -> DescribeDir {
        DescribeDir { dir: dir.into() }
    }
}

impl DescribeSource for DescribeDir {
    fn describe(&self, object: &str) -> Result<SObjectDescribe> {
        let path = self.dir.join(format!("{object}.json"));
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::new(
                    ErrorCode::NotFound,
                    format!("no describe file {}", path.display()),
                ))
            }
            Err(e) => {
                return Err(Error::new(
                    ErrorCode::Io,
                    format!("cannot read {}: {e}", path.display()),
                ))
            }
        };
        serde_json::from_str(&text).map_err(|e| {
            Error::invalid_input(format!(
                "{} is not a describe response: {e}",
                path.display()
            ))
            .at_line(e.line() as u64)
        })
    }
}

fn describe_if_present(
    source: &dyn DescribeSource,
    object: &str,
) -> Result<Option<SObjectDescribe>> {
    match source.describe(object) {
        Ok(d) => Ok(Some(d)),
        Err(e) if e.code == ErrorCode::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Every org problem of `doc`. Describes only the objects the document uses.
pub fn check_against_org(
    doc: &MappingDocument,
    source: &dyn DescribeSource,
    chat: &ChatFields,
) -> Result<Vec<Problem>> {
    let mut out = Vec::new();
    let mut account: Option<Option<SObjectDescribe>> = None;
    for object in MappedObject::ALL {
        let rows = doc.objects.rows(object);
        // Lead is always needed (every delivery may create one); the others only when mapped.
        if rows.is_empty() && object != MappedObject::Lead {
            continue;
        }
        let name = object.as_str();
        let Some(describe) = describe_if_present(source, name)? else {
            out.push(
                Problem::error(
                    ProblemCode::UnknownObject,
                    format!("objects.{name}"),
                    format!("the org has no {name} object the connected user can see"),
                )
                .on_object(name),
            );
            continue;
        };
        check_object(doc, object, &describe, chat, &mut out);
        if object == MappedObject::Account {
            account = Some(Some(describe));
        }
    }
    if !doc.ownership_rules.is_empty() {
        let account = match account {
            Some(a) => a,
            None => describe_if_present(source, "Account")?,
        };
        check_ownership_fields(doc, account.as_ref(), &mut out);
    }
    if doc.opportunity.enabled {
        check_opportunity(
            doc,
            describe_if_present(source, "Opportunity")?.as_ref(),
            &mut out,
        );
    }
    Ok(out)
}

fn check_object(
    doc: &MappingDocument,
    object: MappedObject,
    describe: &SObjectDescribe,
    chat: &ChatFields,
    out: &mut Vec<Problem>,
) {
    let name = object.as_str();
    let rows = doc.objects.rows(object);
    let creates = object == MappedObject::Lead;
    if creates && !describe.createable {
        out.push(
            Problem::error(
                ProblemCode::NotCreateable,
                format!("objects.{name}"),
                format!("the connected user cannot create {name} records"),
            )
            .on_object(name),
        );
    }
    if rows.iter().any(|r| r.overwrite) && !describe.updateable {
        out.push(
            Problem::error(
                ProblemCode::NotUpdateable,
                format!("objects.{name}"),
                format!("the connected user cannot update {name} records, but rows say overwrite"),
            )
            .on_object(name),
        );
    }
    for (i, row) in rows.iter().enumerate() {
        // Malformed targets are reported by the document checks.
        if !is_api_name(&row.target) {
            continue;
        }
        check_row(object, i, row, describe, chat, out);
    }
    if creates {
        check_required(doc, describe, out);
    }
}

fn check_row(
    object: MappedObject,
    index: usize,
    row: &MappingRow,
    describe: &SObjectDescribe,
    chat: &ChatFields,
    out: &mut Vec<Problem>,
) {
    let name = object.as_str();
    let path = format!("{}.target", row_path(name, index));
    let at = |p: Problem| p.on_row(name, index).on_field(&row.target);
    let Some(field) = describe.field(&row.target) else {
        out.push(at(Problem::error(
            ProblemCode::UnknownField,
            &path,
            format!(
                "{name} has no field \"{}\" (or the connected user cannot see it)",
                row.target
            ),
        )));
        return;
    };
    if object == MappedObject::Lead && !field.createable {
        out.push(at(Problem::error(
            ProblemCode::NotCreateable,
            &path,
            format!(
                "{name}.{} cannot be set when a {name} is created",
                field.name
            ),
        )));
    }
    if row.overwrite && !field.updateable {
        out.push(at(Problem::error(
            ProblemCode::NotUpdateable,
            &path,
            format!(
                "{name}.{} cannot be updated; turn overwrite off",
                field.name
            ),
        )));
    }
    let kind = source_kind(&row.source);
    match type_fit(kind, field) {
        Fit::Ok => {}
        Fit::Doubtful(why) => out.push(at(Problem::warning(ProblemCode::TypeMismatch, &path, why))),
        Fit::No(why) => out.push(at(Problem::error(ProblemCode::TypeMismatch, &path, why))),
    }
    if let Some(why) = length_risk(kind, &row.source, field, chat) {
        out.push(at(Problem::warning(ProblemCode::MayBeTooLong, &path, why)));
    }
}

/// How well a source's values fit a field's type.
#[derive(Debug, PartialEq)]
enum Fit {
    Ok,
    /// Works for some values only (e.g. metadata text into a number field).
    Doubtful(String),
    No(String),
}

fn type_fit(kind: SourceKind, field: &FieldDescribe) -> Fit {
    use SourceKind as K;
    let t = field.field_type.as_str();
    let what = match kind {
        K::Text => "text",
        K::Email => "an email address",
        K::Phone => "a phone number",
        K::Url => "a URL",
        K::Score => "a number",
        K::DateTime => "a timestamp",
        K::Unknown => "a value of unknown type",
    };
    let no = || {
        Fit::No(format!(
            "{} is a {t} field and cannot hold {what}",
            field.name
        ))
    };
    let doubtful = |rule: &str| Fit::Doubtful(format!("{} is a {t} field: {rule}", field.name));
    match t {
        // Free text takes anything; numbers and timestamps are written as text.
        "string" | "textarea" | "encryptedstring" | "combobox" => Fit::Ok,
        "picklist" | "multipicklist" => match kind {
            K::Text | K::Unknown => Fit::Ok,
            _ => doubtful(&format!("{what} is accepted only if it is one of the picklist's values")),
        },
        "email" => match kind {
            K::Email => Fit::Ok,
            K::Unknown => doubtful("Salesforce refuses values that are not email addresses"),
            _ => no(),
        },
        "phone" => match kind {
            K::Phone | K::Text | K::Unknown => Fit::Ok,
            _ => no(),
        },
        "url" => match kind {
            K::Url | K::Text | K::Unknown => Fit::Ok,
            _ => no(),
        },
        "double" | "int" | "long" | "percent" | "currency" => match kind {
            K::Score => Fit::Ok,
            K::Unknown => doubtful("only numeric values are accepted"),
            _ => no(),
        },
        "date" | "datetime" => match kind {
            K::DateTime => Fit::Ok,
            K::Unknown => doubtful("only dates are accepted"),
            _ => no(),
        },
        "boolean" => match kind {
            K::Unknown => doubtful("only true or false are accepted"),
            _ => no(),
        },
        "id" | "reference" => Fit::No(format!(
            "{} is a {t} field holding record Ids; chat values cannot go there (owners come from ownerStrategies)",
            field.name
        )),
        _ => Fit::No(format!("{} is a {t} field, which Leadbridge cannot write", field.name)),
    }
}

/// Why values of `source` may not fit `field`'s size, if they may not.
fn length_risk(
    kind: SourceKind,
    source: &str,
    field: &FieldDescribe,
    chat: &ChatFields,
) -> Option<String> {
    if field.is_text() && field.length > 0 {
        if let Some(longest) = chat.longest(source) {
            if longest > field.length {
                return Some(format!(
                    "{} holds {} characters; the longest {source} seen is {longest}, so longer values fail with STRING_TOO_LONG",
                    field.name, field.length
                ));
            }
        }
        // "100" is the longest score.
        if kind == SourceKind::Score && field.length < 3 {
            return Some(format!(
                "{} holds {} characters; a score of 100 needs 3",
                field.name, field.length
            ));
        }
    }
    if kind == SourceKind::Score && field.is_numeric() && field.precision > 0 {
        let integer_digits = field.precision.saturating_sub(field.scale);
        if integer_digits < 3 {
            return Some(format!(
                "{} holds {integer_digits} digit(s) before the decimal point; a score of 100 needs 3",
                field.name
            ));
        }
    }
    None
}

/// Fields Salesforce requires on Lead create that no row maps and no `requiredDefaults` fills.
fn check_required(doc: &MappingDocument, describe: &SObjectDescribe, out: &mut Vec<Problem>) {
    let rows = &doc.objects.lead;
    for field in describe.fields.iter().filter(|f| f.required_on_create()) {
        let mapped = rows
            .iter()
            .any(|r| r.target.eq_ignore_ascii_case(&field.name));
        let defaulted = (field.name.eq_ignore_ascii_case("Company")
            && doc.required_defaults.company.is_some())
            || (field.name.eq_ignore_ascii_case("LastName")
                && doc.required_defaults.last_name_from_email);
        if !mapped && !defaulted {
            out.push(
                Problem::error(
                    ProblemCode::RequiredUnmapped,
                    "objects.Lead",
                    format!(
                        "Lead.{} is required when a Lead is created; map a chat field to it{}",
                        field.name,
                        match field.name.as_str() {
                            "Company" => " or set requiredDefaults.company",
                            "LastName" => " or turn on requiredDefaults.lastNameFromEmail",
                            _ => "",
                        }
                    ),
                )
                .on_object("Lead")
                .on_field(&field.name),
            );
        }
    }
}

fn check_ownership_fields(
    doc: &MappingDocument,
    account: Option<&SObjectDescribe>,
    out: &mut Vec<Problem>,
) {
    let Some(account) = account else {
        out.push(
            Problem::error(
                ProblemCode::UnknownObject,
                "ownershipRules",
                "ownership rules read Accounts, but the connected user cannot see the Account object",
            )
            .on_object("Account"),
        );
        return;
    };
    for (i, rule) in doc.ownership_rules.iter().enumerate() {
        for (key, name) in [
            ("ownerField", Some(&rule.owner_field)),
            ("thenBy", rule.then_by.as_ref()),
        ] {
            let Some(name) = name.filter(|n| is_api_name(n)) else {
                continue;
            };
            let path = format!("ownershipRules[{i}].{key}");
            match account.field(name) {
                None => out.push(
                    Problem::error(
                        ProblemCode::UnknownField,
                        path,
                        format!("Account has no field \"{name}\""),
                    )
                    .on_object("Account")
                    .on_field(name),
                ),
                Some(f)
                    if !(f.field_type == "reference"
                        && f.reference_to.iter().any(|r| r == "User")) =>
                {
                    out.push(
                        Problem::error(
                            ProblemCode::TypeMismatch,
                            path,
                            format!(
                                "Account.{} is a {} field, not a lookup to User",
                                f.name, f.field_type
                            ),
                        )
                        .on_object("Account")
                        .on_field(name),
                    )
                }
                Some(_) => {}
            }
        }
    }
}

fn check_opportunity(
    doc: &MappingDocument,
    opportunity: Option<&SObjectDescribe>,
    out: &mut Vec<Problem>,
) {
    let Some(opportunity) = opportunity else {
        out.push(
            Problem::error(
                ProblemCode::UnknownObject,
                "opportunity",
                "Opportunity creation is on, but the connected user cannot see the Opportunity object",
            )
            .on_object("Opportunity"),
        );
        return;
    };
    if !opportunity.createable {
        out.push(
            Problem::error(
                ProblemCode::NotCreateable,
                "opportunity.enabled",
                "Opportunity creation is on, but the connected user cannot create Opportunities",
            )
            .on_object("Opportunity"),
        );
    }
    let stage = &doc.opportunity.stage_name;
    if let Some(field) = opportunity.field("StageName") {
        let active: Vec<&str> = field
            .picklist_values
            .iter()
            .filter(|v| v.active)
            .map(|v| v.value.as_str())
            .collect();
        if !active.is_empty() && !active.contains(&stage.as_str()) {
            let hint = active
                .iter()
                .find(|v| v.eq_ignore_ascii_case(stage))
                .map(|v| format!(" (did you mean \"{v}\"?)"))
                .unwrap_or_else(|| format!(" (active stages: {})", active.join(", ")));
            out.push(
                Problem::error(
                    ProblemCode::UnknownPicklistValue,
                    "opportunity.stageName",
                    format!("\"{stage}\" is not an active Opportunity stage{hint}"),
                )
                .on_object("Opportunity")
                .on_field("StageName"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(t: &str) -> FieldDescribe {
        serde_json::from_value(
            serde_json::json!({"name": "X", "label": "X", "type": t, "length": 255}),
        )
        .unwrap()
    }

    #[test]
    fn type_fit_follows_the_matrix() {
        use SourceKind as K;
        assert_eq!(type_fit(K::Score, &field("double")), Fit::Ok);
        assert_eq!(type_fit(K::Score, &field("percent")), Fit::Ok);
        assert_eq!(type_fit(K::Score, &field("string")), Fit::Ok);
        assert!(matches!(type_fit(K::Score, &field("boolean")), Fit::No(_)));
        assert!(matches!(type_fit(K::Score, &field("date")), Fit::No(_)));
        assert_eq!(type_fit(K::Email, &field("email")), Fit::Ok);
        assert!(matches!(type_fit(K::Text, &field("email")), Fit::No(_)));
        assert!(matches!(
            type_fit(K::Unknown, &field("email")),
            Fit::Doubtful(_)
        ));
        assert_eq!(type_fit(K::Url, &field("url")), Fit::Ok);
        assert_eq!(type_fit(K::Url, &field("textarea")), Fit::Ok);
        assert!(matches!(type_fit(K::Url, &field("double")), Fit::No(_)));
        assert!(matches!(
            type_fit(K::Unknown, &field("int")),
            Fit::Doubtful(_)
        ));
        assert!(matches!(type_fit(K::Text, &field("reference")), Fit::No(_)));
        assert!(matches!(
            type_fit(K::Email, &field("picklist")),
            Fit::Doubtful(_)
        ));
    }
}
