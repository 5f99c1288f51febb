//! Query results as a table: the columns of a page of records (parent relationships flattened
//! to `Owner.Name`, `Account.Owner.Email`) and the records without Salesforce's `attributes`.
//!
//! Salesforce nests a parent record under its relationship name, as an object with its own
//! `attributes` (`{"Owner": {"attributes": {...}, "Name": "Dana"}}`), and writes `null` there
//! when the lookup is empty. Columns come from the records themselves, so they carry the
//! spelling Salesforce uses (describe's, not the query's); an empty lookup contributes the
//! columns the query or the earlier pages named below it, never a column of its own.
//! Values without `attributes` (a subquery's `{totalSize, done, records}`, a compound address)
//! stay one cell.

use std::collections::HashMap;

use serde_json::Value;

use crate::salesforce::query::Record;

/// The ordered columns of a result, compared case-insensitively (SOQL names are).
#[derive(Debug, Default)]
pub(crate) struct Columns {
    names: Vec<String>,
    seen: HashMap<String, usize>,
    /// Columns named by a hint only so far: the first record that shows one respells it.
    guessed: Vec<bool>,
    /// Paths below which an empty lookup stands for known columns (see [`Columns::add_null`]).
    hints: Vec<String>,
}

impl Columns {
    /// Starts with `known` columns (an earlier page's) and `hints`: field paths the query
    /// names that an empty lookup expands to.
    pub(crate) fn new(known: &[String], hints: &[String]) -> Columns {
        let mut columns = Columns {
            hints: known.iter().chain(hints).cloned().collect(),
            ..Columns::default()
        };
        for name in known {
            columns.push(name.clone(), false);
        }
        columns
    }

    pub(crate) fn add_record(&mut self, record: &Record) {
        self.add_object(record, "");
    }

    /// Adds the hints themselves: the columns of a result without records.
    pub(crate) fn add_hints(&mut self) {
        for hint in self.hints.clone() {
            self.push(hint, true);
        }
    }

    pub(crate) fn into_names(self) -> Vec<String> {
        self.names
    }

    fn add_object(&mut self, object: &Record, prefix: &str) {
        for (key, value) in object {
            if key == "attributes" {
                continue;
            }
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                Value::Object(parent) if parent.contains_key("attributes") => {
                    self.add_object(parent, &path);
                }
                Value::Null => self.add_null(&path),
                _ => self.push(path, false),
            }
        }
    }

    /// A null at `path` is an empty lookup when a hint continues below it (`Owner` for
    /// `Owner.Name`): it stands for those columns, spelled as the record spells `path`.
    fn add_null(&mut self, path: &str) {
        let below = format!("{}.", path.to_ascii_lowercase());
        let expanded: Vec<String> = self
            .hints
            .iter()
            .filter(|hint| hint.to_ascii_lowercase().starts_with(&below))
            .map(|hint| format!("{path}{}", &hint[path.len()..]))
            .collect();
        if expanded.is_empty() {
            self.push(path.to_string(), false);
        }
        for column in expanded {
            self.push(column, true);
        }
    }

    fn push(&mut self, name: String, guessed: bool) {
        let key = name.to_ascii_lowercase();
        match self.seen.get(&key) {
            Some(&at) if self.guessed[at] && !guessed => {
                self.names[at] = name;
                self.guessed[at] = false;
            }
            Some(_) => {}
            None => {
                self.seen.insert(key, self.names.len());
                self.names.push(name);
                self.guessed.push(guessed);
            }
        }
    }
}

/// The select-list items that are plain field paths (`Id`, `Owner.Name`), the ones an empty
/// lookup may stand for. Aggregates, subqueries, TYPEOF and FIELDS() are left out.
pub(crate) fn field_paths(items: &[String]) -> Vec<String> {
    items
        .iter()
        .filter(|item| {
            !item.is_empty()
                && item.split('.').all(|part| {
                    part.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                        && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                })
        })
        .cloned()
        .collect()
}

/// The record without `attributes`, at every level (parents and subquery rows included).
pub fn strip_attributes(record: Record) -> Record {
    record
        .into_iter()
        .filter(|(key, _)| key != "attributes")
        .map(|(key, value)| (key, strip_value(value)))
        .collect()
}

fn strip_value(value: Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(strip_attributes(object)),
        Value::Array(items) => Value::Array(items.into_iter().map(strip_value).collect()),
        other => other,
    }
}

/// The value in `record` at a column path such as `Owner.Name`: `None` when the path is not
/// there, `Some(Null)` for an empty field or lookup. Names match exactly, else ignoring case.
pub fn cell<'r>(record: &'r Record, column: &str) -> Option<&'r Value> {
    let mut current = record;
    let mut parts = column.split('.').peekable();
    while let Some(part) = parts.next() {
        let value = current.get(part).or_else(|| {
            current
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(part))
                .map(|(_, value)| value)
        })?;
        if parts.peek().is_none() {
            return Some(value);
        }
        match value {
            Value::Object(parent) => current = parent,
            Value::Null => return Some(value),
            _ => return None,
        }
    }
    None
}

/// A cell as text for a table or CSV: strings as they are, an empty field as nothing, a
/// subquery as its row count, anything else as compact JSON.
pub fn cell_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Object(object)) if object.contains_key("records") => {
            let rows = object
                .get("totalSize")
                .and_then(Value::as_u64)
                .or_else(|| {
                    object
                        .get("records")
                        .and_then(Value::as_array)
                        .map(|r| r.len() as u64)
                })
                .unwrap_or(0);
            format!("{rows} record{}", if rows == 1 { "" } else { "s" })
        }
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn record(value: Value) -> Record {
        value.as_object().cloned().unwrap()
    }

    fn columns(records: &[Value], hints: &[&str]) -> Vec<String> {
        let hints: Vec<String> = hints.iter().map(|h| h.to_string()).collect();
        let mut columns = Columns::new(&[], &hints);
        for r in records {
            columns.add_record(&record(r.clone()));
        }
        columns.into_names()
    }

    #[test]
    fn parents_flatten_in_record_order() {
        let rows = [json!({
            "attributes": {"type": "Account", "url": "/x"},
            "Id": "001A",
            "Owner": {"attributes": {"type": "User"}, "Name": "Dana", "Manager": {"attributes": {"type": "User"}, "Email": "m@x"}},
            "Name": "Acme"
        })];
        assert_eq!(
            columns(&rows, &[]),
            ["Id", "Owner.Name", "Owner.Manager.Email", "Name"]
        );
    }

    #[test]
    fn an_empty_lookup_stands_for_the_columns_below_it() {
        let rows = [
            json!({"attributes": {}, "Id": "00Q1", "Owner": null, "Email": null}),
            json!({"attributes": {}, "Id": "00Q2", "Owner": {"attributes": {}, "Name": "Dana"}, "Email": "a@b"}),
        ];
        // Typed in lower case: the records' spelling wins once one shows the parent.
        assert_eq!(
            columns(&rows, &["Id", "owner.name", "Email"]),
            ["Id", "Owner.Name", "Email"]
        );
        assert_eq!(
            columns(&rows[..1], &["Id", "owner.name"]),
            ["Id", "Owner.name", "Email"]
        );
        // Without a hint the null is a column of its own (a plain empty field).
        assert_eq!(columns(&rows[..1], &[]), ["Id", "Owner", "Email"]);
        // An earlier page's columns are hints for the next one.
        let mut next = Columns::new(&["Id".into(), "Owner.Name".into()], &[]);
        next.add_record(&record(rows[0].clone()));
        assert_eq!(next.into_names(), ["Id", "Owner.Name", "Email"]);
    }

    #[test]
    fn subqueries_and_compound_fields_are_one_cell() {
        let row = json!({
            "attributes": {"type": "Account"},
            "Name": "Acme",
            "Contacts": {"totalSize": 2, "done": true, "records": [
                {"attributes": {"type": "Contact"}, "LastName": "A"},
                {"attributes": {"type": "Contact"}, "LastName": "B"}
            ]},
            "BillingAddress": {"city": "Oslo", "country": "NO"}
        });
        assert_eq!(
            columns(std::slice::from_ref(&row), &[]),
            ["Name", "Contacts", "BillingAddress"]
        );
        let stripped = strip_attributes(record(row));
        assert!(!stripped.contains_key("attributes"));
        assert_eq!(
            stripped["Contacts"]["records"][1],
            json!({"LastName": "B"}),
            "subquery rows lose attributes too"
        );
        assert_eq!(cell_text(cell(&stripped, "Contacts")), "2 records");
        assert_eq!(
            cell_text(cell(&stripped, "BillingAddress")),
            r#"{"city":"Oslo","country":"NO"}"#
        );
    }

    #[test]
    fn cells_follow_paths() {
        let r = strip_attributes(record(json!({
            "attributes": {},
            "Id": "00Q1",
            "Owner": {"attributes": {}, "Name": "Dana", "IsActive": true},
            "ReportsTo": null,
            "Score": 72.5
        })));
        assert_eq!(cell(&r, "Owner.Name"), Some(&json!("Dana")));
        assert_eq!(
            cell(&r, "owner.name"),
            Some(&json!("Dana")),
            "names ignore case"
        );
        assert_eq!(cell(&r, "ReportsTo.Name"), Some(&Value::Null));
        assert_eq!(cell(&r, "Missing"), None);
        assert_eq!(cell(&r, "Id.Name"), None, "a scalar has no fields");
        assert_eq!(cell_text(cell(&r, "Owner.IsActive")), "true");
        assert_eq!(cell_text(cell(&r, "Score")), "72.5");
        assert_eq!(cell_text(cell(&r, "ReportsTo.Name")), "");
    }

    #[test]
    fn only_plain_paths_are_hints() {
        let items: Vec<String> = [
            "Id",
            "Owner.Name",
            "COUNT(Id) total",
            "(SELECT Id FROM Contacts)",
            "TYPEOF What WHEN Account THEN Name END",
            "FIELDS(STANDARD)",
            "toLabel(Status)",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(field_paths(&items), ["Id", "Owner.Name"]);
    }
}
