//! The versioned mapping store (table `mapping_versions`, migration 0004). Every save that
//! changes the document is a new numbered version holding the canonical text; the newest is
//! the one in force. Nothing is ever updated or deleted, so any earlier version can be
//! inspected, compared and restored. Before the first save the default document is in force,
//! as version 0.

use rusqlite::{OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::store::Store;
use crate::{Error, ErrorCode, Result};

use super::checks::check_document;
use super::codec::{export, parse, problems_error};
use super::diff::{diff, Change};
use super::document::MappingDocument;
use super::problem::Problem;

/// A document and the version it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VersionedDocument {
    /// 0 for the built-in default (nothing saved yet).
    pub version: u32,
    /// RFC 3339 UTC; null for version 0.
    pub saved_at: Option<String>,
    pub note: Option<String>,
    pub document: MappingDocument,
}

/// One line of the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct VersionSummary {
    pub version: u32,
    pub saved_at: String,
    pub note: Option<String>,
    /// Set when the version was made by reverting to an earlier one.
    pub reverted_from: Option<u32>,
}

/// The outcome of a save or revert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Saved {
    /// The version now in force.
    pub version: u32,
    /// False when the document equalled the one in force, so no version was added.
    pub created: bool,
}

/// The mapping versions of one store.
pub struct MappingStore<'s> {
    store: &'s Store,
}

impl<'s> MappingStore<'s> {
    pub fn new(store: &'s Store) -> MappingStore<'s> {
        MappingStore { store }
    }

    /// The document in force: the newest version, or the default as version 0.
    pub fn current(&self) -> Result<VersionedDocument> {
        let newest: Option<u32> =
            self.store
                .conn()
                .query_row("SELECT MAX(version) FROM mapping_versions", [], |r| {
                    r.get(0)
                })?;
        self.get(newest.unwrap_or(0))
    }

    /// One version; 0 is the default document.
    pub fn get(&self, version: u32) -> Result<VersionedDocument> {
        if version == 0 {
            return Ok(VersionedDocument {
                version: 0,
                saved_at: None,
                note: None,
                document: MappingDocument::default(),
            });
        }
        let row: Option<(String, String, Option<String>)> = self
            .store
            .conn()
            .query_row(
                "SELECT saved_at, document, note FROM mapping_versions WHERE version = ?1",
                [version],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((saved_at, text, note)) = row else {
            return Err(Error::new(
                ErrorCode::NotFound,
                format!("there is no mapping version {version}"),
            ));
        };
        // Parse only: a document saved under looser checks of an older build must stay
        // readable (and revertible) even if a newer build would refuse to import it.
        let document = parse(&text).map(|p| p.document).map_err(|e| {
            Error::new(
                ErrorCode::Database,
                format!(
                    "stored mapping version {version} cannot be read: {}",
                    e.message
                ),
            )
        })?;
        Ok(VersionedDocument {
            version,
            saved_at: Some(saved_at),
            note,
            document,
        })
    }

    /// Saves `doc` as a new version unless it equals the newest saved one. Refuses a document
    /// with errors (the same checks as import), saving nothing.
    pub fn save(&self, doc: &MappingDocument, note: Option<&str>) -> Result<Saved> {
        self.insert(doc, note, None)
    }

    /// Makes `version`'s document the one in force again, as a new version.
    pub fn revert(&self, version: u32) -> Result<Saved> {
        let old = self.get(version)?;
        self.insert(
            &old.document,
            Some(&format!("revert to version {version}")),
            Some(version),
        )
    }

    /// Every saved version, newest first.
    pub fn history(&self) -> Result<Vec<VersionSummary>> {
        let conn = self.store.conn();
        let mut stmt =
            conn.prepare("SELECT version, saved_at, note, reverted_from FROM mapping_versions ORDER BY version DESC")?;
        let rows = stmt.query_map([], |r| {
            Ok(VersionSummary {
                version: r.get(0)?,
                saved_at: r.get(1)?,
                note: r.get(2)?,
                reverted_from: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The changes from version `a` to version `b` (0 is the default document).
    pub fn diff(&self, a: u32, b: u32) -> Result<Vec<Change>> {
        diff(&self.get(a)?.document, &self.get(b)?.document)
    }

    fn insert(
        &self,
        doc: &MappingDocument,
        note: Option<&str>,
        reverted_from: Option<u32>,
    ) -> Result<Saved> {
        let errors: Vec<Problem> = check_document(doc)
            .into_iter()
            .filter(Problem::is_error)
            .collect();
        if let Some(first) = errors.first() {
            return Err(problems_error(first, &errors[1..]));
        }
        let text = export(doc)?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        let saved_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut conn = self.store.conn();
        // IMMEDIATE: the app and the CLI may save at once; the compare and the insert must see
        // the same newest version.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let newest: Option<(u32, String)> = tx
            .query_row(
                "SELECT version, document FROM mapping_versions ORDER BY version DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((version, stored)) = &newest {
            if *stored == text {
                return Ok(Saved {
                    version: *version,
                    created: false,
                });
            }
        }
        let version = newest.map(|(v, _)| v).unwrap_or(0) + 1;
        tx.execute(
            "INSERT INTO mapping_versions (version, saved_at, document, note, reverted_from) VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![version, saved_at, text, note, reverted_from],
        )?;
        tx.commit()?;
        tracing::info!(version, reverted_from, "mapping saved");
        Ok(Saved {
            version,
            created: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::document::{MappingRow, MinimumScore};

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        (dir, store)
    }

    #[test]
    fn a_fresh_store_holds_the_default_as_version_zero() {
        let (_dir, store) = store();
        let current = MappingStore::new(&store).current().unwrap();
        assert_eq!(current.version, 0);
        assert_eq!(current.saved_at, None);
        assert_eq!(current.document, MappingDocument::default());
        assert!(MappingStore::new(&store).history().unwrap().is_empty());
    }

    #[test]
    fn saves_number_versions_and_skip_identical_documents() {
        let (_dir, store) = store();
        let versions = MappingStore::new(&store);
        let mut doc = MappingDocument::default();
        assert_eq!(
            versions.save(&doc, Some("initial")).unwrap(),
            Saved {
                version: 1,
                created: true
            }
        );
        assert_eq!(
            versions.save(&doc, Some("again")).unwrap(),
            Saved {
                version: 1,
                created: false
            }
        );
        doc.criteria.minimum_score = MinimumScore::Stars(2);
        assert_eq!(
            versions.save(&doc, None).unwrap(),
            Saved {
                version: 2,
                created: true
            }
        );
        let current = versions.current().unwrap();
        assert_eq!(current.version, 2);
        assert_eq!(current.document, doc);
        assert!(current.saved_at.unwrap().ends_with('Z'));
        let history = versions.history().unwrap();
        assert_eq!(
            history.iter().map(|h| h.version).collect::<Vec<_>>(),
            [2, 1]
        );
        assert_eq!(history[1].note.as_deref(), Some("initial"));
        assert_eq!(history[0].note, None);
    }

    #[test]
    fn refuses_a_document_with_errors_and_keeps_the_current_one() {
        let (_dir, store) = store();
        let versions = MappingStore::new(&store);
        versions.save(&MappingDocument::default(), None).unwrap();
        let mut bad = MappingDocument::default();
        bad.objects
            .lead
            .push(MappingRow::new("metadata.email2", "email", false));
        let err = versions.save(&bad, None).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(
            err.message.contains("objects.Lead[12].target"),
            "{}",
            err.message
        );
        assert!(err.message.contains("DUPLICATE_TARGET"), "{}", err.message);
        assert_eq!(versions.current().unwrap().version, 1);
        assert_eq!(versions.history().unwrap().len(), 1);
    }

    #[test]
    fn diff_and_revert() {
        let (_dir, store) = store();
        let versions = MappingStore::new(&store);
        let v1 = MappingDocument::default();
        versions.save(&v1, None).unwrap();
        let mut v2 = v1.clone();
        v2.objects
            .lead
            .push(MappingRow::new("metadata.budget", "Budget__c", true));
        v2.campaign_id = Some("7015g000000ABCDAA2".into());
        versions.save(&v2, Some("budget")).unwrap();

        let changes = versions.diff(1, 2).unwrap();
        assert_eq!(changes.len(), 2, "{changes:?}");
        assert!(matches!(&changes[0], Change::RowAdded { row, .. } if row.target == "Budget__c"));
        assert!(matches!(&changes[1], Change::SettingChanged { path, .. } if path == "campaignId"));
        assert!(
            versions.diff(0, 1).unwrap().is_empty(),
            "version 1 is the default document"
        );

        let reverted = versions.revert(1).unwrap();
        assert_eq!(
            reverted,
            Saved {
                version: 3,
                created: true
            }
        );
        assert_eq!(versions.current().unwrap().document, v1);
        let newest = &versions.history().unwrap()[0];
        assert_eq!((newest.version, newest.reverted_from), (3, Some(1)));
        assert_eq!(newest.note.as_deref(), Some("revert to version 1"));
        // Reverting to what is already in force adds nothing.
        assert_eq!(
            versions.revert(1).unwrap(),
            Saved {
                version: 3,
                created: false
            }
        );
        assert_eq!(versions.diff(2, 3).unwrap().len(), 2);
        assert_eq!(versions.get(9).unwrap_err().code, ErrorCode::NotFound);
        assert_eq!(versions.revert(9).unwrap_err().code, ErrorCode::NotFound);
    }

    #[test]
    fn a_stored_version_that_newer_checks_refuse_still_loads() {
        let (_dir, store) = store();
        let mut doc = MappingDocument::default();
        doc.objects
            .lead
            .push(MappingRow::new("phone", "PHONE", true));
        let text = export(&doc).unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO mapping_versions (version, saved_at, document) VALUES (1, '2026-01-01T00:00:00Z', ?1)",
                [&text],
            )
            .unwrap();
        let versions = MappingStore::new(&store);
        assert_eq!(versions.current().unwrap().document, doc);
        // Saving a fixed document works from there.
        assert_eq!(
            versions
                .save(&MappingDocument::default(), None)
                .unwrap()
                .version,
            2
        );
    }

    #[test]
    fn a_corrupt_stored_version_is_a_database_error() {
        let (_dir, store) = store();
        store
            .conn()
            .execute(
                "INSERT INTO mapping_versions (version, saved_at, document) VALUES (1, 'x', '{')",
                [],
            )
            .unwrap();
        let err = MappingStore::new(&store).current().unwrap_err();
        assert_eq!(err.code, ErrorCode::Database);
        assert!(err.message.contains("version 1"), "{}", err.message);
    }

    #[test]
    fn versions_survive_reopening_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let doc = MappingDocument {
            contact_policy: crate::mapping::document::ContactPolicy::UpdateExisting,
            ..MappingDocument::default()
        };
        MappingStore::new(&Store::open(dir.path()).unwrap())
            .save(&doc, None)
            .unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(MappingStore::new(&store).current().unwrap().document, doc);
    }
}
