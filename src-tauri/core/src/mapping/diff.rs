//! What changed between two mapping documents, in terms an admin reads: rows added, removed
//! or changed per tab (rows are identified by their Salesforce field, unique within a tab),
//! and settings changed by key path.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::Result;

use super::document::{MappedObject, MappingDocument, MappingRow};
use super::json_index::child_key;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum Change {
    /// A row for a field the older document did not map; `index` is its place in the newer.
    RowAdded {
        object: MappedObject,
        index: u32,
        row: MappingRow,
    },
    /// A row for a field the newer document no longer maps; `index` is its place in the older.
    RowRemoved {
        object: MappedObject,
        index: u32,
        row: MappingRow,
    },
    /// The same field with another source or overwrite flag.
    RowChanged {
        object: MappedObject,
        index: u32,
        before: MappingRow,
        after: MappingRow,
    },
    /// The same rows in another order (targets, in order).
    RowsReordered {
        object: MappedObject,
        before: Vec<String>,
        after: Vec<String>,
    },
    /// A setting outside the tabs, by its key path (`criteria.minimumScore`,
    /// `ownerStrategies`, `segments[0].conditions`); a list whose length changed is one change.
    SettingChanged {
        path: String,
        #[ts(type = "unknown")]
        before: Value,
        #[ts(type = "unknown")]
        after: Value,
    },
}

impl Change {
    /// One line for people (`mapping import` prints these).
    pub fn summary(&self) -> String {
        let row = |r: &MappingRow| {
            format!(
                "{} -> {}{}",
                r.source,
                r.target,
                if r.overwrite { " (overwrite)" } else { "" }
            )
        };
        match self {
            Change::RowAdded { object, row: r, .. } => format!("{}: + {}", object.as_str(), row(r)),
            Change::RowRemoved { object, row: r, .. } => {
                format!("{}: - {}", object.as_str(), row(r))
            }
            Change::RowChanged {
                object,
                before,
                after,
                ..
            } => {
                format!(
                    "{}: ~ {}  (was {})",
                    object.as_str(),
                    row(after),
                    row(before)
                )
            }
            Change::RowsReordered { object, .. } => format!("{}: rows reordered", object.as_str()),
            Change::SettingChanged {
                path,
                before,
                after,
            } => format!("{path}: {before} -> {after}"),
        }
    }
}

/// The changes that turn `before` into `after`: the tabs first (Lead, Contact, Account), then
/// settings in document order.
pub fn diff(before: &MappingDocument, after: &MappingDocument) -> Result<Vec<Change>> {
    let mut out = Vec::new();
    for object in MappedObject::ALL {
        diff_rows(
            object,
            before.objects.rows(object),
            after.objects.rows(object),
            &mut out,
        );
    }
    let mut a = serde_json::to_value(before)?;
    let mut b = serde_json::to_value(after)?;
    for doc in [&mut a, &mut b] {
        if let Value::Object(map) = doc {
            // shift_remove keeps the other keys in document order.
            map.shift_remove("objects");
        }
    }
    diff_values("", &a, &b, &mut out);
    Ok(out)
}

fn key(row: &MappingRow) -> String {
    row.target.to_ascii_lowercase()
}

fn index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn diff_rows(
    object: MappedObject,
    before: &[MappingRow],
    after: &[MappingRow],
    out: &mut Vec<Change>,
) {
    for (i, old) in before.iter().enumerate() {
        if !after.iter().any(|r| key(r) == key(old)) {
            out.push(Change::RowRemoved {
                object,
                index: index(i),
                row: old.clone(),
            });
        }
    }
    for (i, new) in after.iter().enumerate() {
        match before.iter().find(|r| key(r) == key(new)) {
            None => out.push(Change::RowAdded {
                object,
                index: index(i),
                row: new.clone(),
            }),
            Some(old) if old != new => out.push(Change::RowChanged {
                object,
                index: index(i),
                before: old.clone(),
                after: new.clone(),
            }),
            Some(_) => {}
        }
    }
    let kept_order = |rows: &[MappingRow], other: &[MappingRow]| -> Vec<String> {
        rows.iter()
            .filter(|r| other.iter().any(|o| key(o) == key(r)))
            .map(|r| r.target.clone())
            .collect()
    };
    let (old_order, new_order) = (kept_order(before, after), kept_order(after, before));
    let lower = |v: &[String]| v.iter().map(|s| s.to_ascii_lowercase()).collect::<Vec<_>>();
    if lower(&old_order) != lower(&new_order) {
        out.push(Change::RowsReordered {
            object,
            before: old_order,
            after: new_order,
        });
    }
}

fn diff_values(path: &str, a: &Value, b: &Value, out: &mut Vec<Change>) {
    if a == b {
        return;
    }
    match (a, b) {
        // Same keys: a settings group, compared key by key. Different keys: another variant
        // (`{"stars": 3}` against `{"score": 85}`, a condition with another op), one change.
        (Value::Object(x), Value::Object(y))
            if x.len() == y.len() && x.keys().all(|k| y.contains_key(k)) =>
        {
            for (k, va) in x {
                diff_values(&child_key(path, k), va, &y[k], out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                diff_values(&format!("{path}[{i}]"), va, vb, out);
            }
        }
        _ => out.push(Change::SettingChanged {
            path: path.to_string(),
            before: a.clone(),
            after: b.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::document::MinimumScore;
    use serde_json::json;

    #[test]
    fn identical_documents_have_no_changes() {
        let doc = MappingDocument::default();
        assert!(diff(&doc, &doc.clone()).unwrap().is_empty());
    }

    #[test]
    fn rows_are_matched_by_target() {
        let before = MappingDocument::default();
        let mut after = before.clone();
        after.objects.lead.retain(|r| r.target != "Website");
        after.objects.lead[0].overwrite = true; // Email
        after
            .objects
            .contact
            .push(MappingRow::new("metadata.title", "Title", false));
        after
            .objects
            .account
            .insert(0, MappingRow::new("website", "Website", true));
        let changes = diff(&before, &after).unwrap();
        assert_eq!(
            changes,
            vec![
                Change::RowRemoved {
                    object: MappedObject::Lead,
                    index: 10,
                    row: MappingRow::new("website", "Website", false)
                },
                Change::RowChanged {
                    object: MappedObject::Lead,
                    index: 0,
                    before: MappingRow::new("email", "Email", false),
                    after: MappingRow::new("email", "Email", true),
                },
                Change::RowAdded {
                    object: MappedObject::Contact,
                    index: 4,
                    row: MappingRow::new("metadata.title", "Title", false)
                },
                Change::RowAdded {
                    object: MappedObject::Account,
                    index: 0,
                    row: MappingRow::new("website", "Website", true)
                },
            ]
        );
    }

    #[test]
    fn reordering_and_settings_are_reported() {
        let before = MappingDocument::default();
        let mut after = before.clone();
        after.objects.contact.swap(0, 1);
        after.criteria.minimum_score = MinimumScore::Stars(2);
        after.criteria.star_bands = [30, 60, 90];
        after.owner_strategies.swap(0, 4);
        after.campaign_id = Some("701000000000001".into());
        after.opportunity.minimum_score = MinimumScore::Score(85);
        let changes = diff(&before, &after).unwrap();
        let summaries: Vec<String> = changes.iter().map(Change::summary).collect();
        assert_eq!(summaries[0], "Contact: rows reordered");
        assert!(
            summaries.contains(&"campaignId: null -> \"701000000000001\"".to_string()),
            "{summaries:?}"
        );
        assert!(
            summaries.contains(&"criteria.minimumScore: \"all\" -> {\"stars\":2}".to_string()),
            "{summaries:?}"
        );
        assert!(
            summaries.contains(&"criteria.starBands[0]: 40 -> 30".to_string()),
            "{summaries:?}"
        );
        assert!(summaries.contains(
            &"ownerStrategies[0].strategy: \"meeting_scheduler\" -> \"default_owner\"".to_string()
        ));
        assert_eq!(
            summaries[1], "campaignId: null -> \"701000000000001\"",
            "document order"
        );
        assert!(
            summaries
                .contains(&"opportunity.minimumScore: {\"stars\":3} -> {\"score\":85}".to_string()),
            "another variant is one change: {summaries:?}"
        );
        let json = serde_json::to_value(&changes[0]).unwrap();
        assert_eq!(json["kind"], json!("rowsReordered"));
        assert_eq!(
            json["before"],
            json!(["Email", "Phone", "FirstName", "LastName"])
        );
    }
}
