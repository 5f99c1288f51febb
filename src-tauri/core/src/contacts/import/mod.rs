//! File import: JSON array, NDJSON (or one or more JSON objects), or CSV with a header row,
//! told apart by content. Every row goes through the same [`Event::from_value`] as a webhook
//! body; valid rows land in ONE transaction (a crash leaves the inbox as it was), invalid rows
//! are reported with their line and field and never stored.

mod csv_file;
mod json_file;

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::event::{Event, EventKind, FieldError, ParseOptions};
use super::store::{apply_event, ApplyError, ApplyOutcome};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};

/// Largest file accepted: 50 MiB.
pub const MAX_IMPORT_BYTES: u64 = 50 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ImportFormat {
    /// `[ {...}, {...} ]`
    JsonArray,
    /// One JSON event per line.
    Ndjson,
    /// One or more JSON objects, pretty-printed (not one per line).
    JsonObjects,
    /// A header row naming chat field paths, then one lead per row.
    Csv,
}

impl ImportFormat {
    pub fn label(self) -> &'static str {
        match self {
            ImportFormat::JsonArray => "JSON array",
            ImportFormat::Ndjson => "NDJSON",
            ImportFormat::JsonObjects => "JSON",
            ImportFormat::Csv => "CSV",
        }
    }
}

/// A problem with one row (or a warning about it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportIssue {
    /// 1-based line where the row (JSON array element, NDJSON line, CSV record) starts.
    pub line: u32,
    /// 0-based element index, for JSON arrays.
    pub index: Option<u32>,
    /// The field at fault (`email`, `lead.qualificationScore`, `metadata.budget`), if one.
    pub field: Option<String>,
    pub message: String,
}

/// A row skipped because an earlier row of the same file was exactly the same event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportDuplicate {
    pub line: u32,
    pub index: Option<u32>,
    /// The line of the first occurrence.
    pub first_line: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportReport {
    pub format: ImportFormat,
    /// Rows read (JSON elements, non-blank NDJSON lines, CSV records after the header).
    pub rows: u32,
    /// Contacts that did not exist before this import.
    pub created: u32,
    /// Existing contacts this import changed.
    pub updated: u32,
    /// Existing contacts this import mentioned without changing anything.
    pub unchanged: u32,
    /// Conversation events applied (conversations closed, events kept).
    pub events_applied: u32,
    /// Conversation events already applied before (a re-import).
    pub events_unchanged: u32,
    /// Rows not imported because of errors (a row may have several errors).
    pub rejected: u32,
    pub duplicates: Vec<ImportDuplicate>,
    /// Sorted by line.
    pub errors: Vec<ImportIssue>,
    /// Fields present in the file that Leadbridge does not use, once per field.
    pub warnings: Vec<ImportIssue>,
}

impl ImportReport {
    fn new(format: ImportFormat) -> ImportReport {
        ImportReport {
            format,
            rows: 0,
            created: 0,
            updated: 0,
            unchanged: 0,
            events_applied: 0,
            events_unchanged: 0,
            rejected: 0,
            duplicates: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Contacts created or updated plus conversation events applied.
    pub fn imported(&self) -> u32 {
        self.created + self.updated + self.unchanged + self.events_applied + self.events_unchanged
    }

    /// True when no row was rejected.
    pub fn is_complete(&self) -> bool {
        self.rejected == 0
    }
}

/// One row read from the file, before validation.
struct Record {
    line: u32,
    index: Option<u32>,
    /// The event as JSON, or why the row could not even be read.
    value: Result<Value, Vec<FieldError>>,
}

/// How field errors name fields: CSV rows use the column names, JSON the path in the event.
#[derive(Clone, Copy, PartialEq)]
enum FieldNames {
    JsonPaths,
    CsvColumns,
}

struct Parsed {
    format: ImportFormat,
    records: Vec<Record>,
    /// Problems with the file's layout that do not reject rows (e.g. unknown CSV columns).
    warnings: Vec<ImportIssue>,
}

/// Imports the file at `path`. File-level problems (unreadable, too large, not UTF-8, empty,
/// malformed JSON document, unusable CSV header) are an `Err` and nothing is imported; row
/// problems are in the report and the valid rows are imported.
pub fn import_file(store: &Store, path: &Path) -> Result<ImportReport> {
    let shown = path.display();
    let file = File::open(path)
        .map_err(|e| Error::new(ErrorCode::Io, format!("cannot read {shown}: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| Error::new(ErrorCode::Io, format!("cannot read {shown}: {e}")))?;
    if !meta.is_file() {
        return Err(Error::new(
            ErrorCode::Io,
            format!("cannot read {shown}: not a regular file"),
        ));
    }
    if meta.len() > MAX_IMPORT_BYTES {
        let e = too_large(meta.len());
        return Err(Error {
            message: format!("{shown}: {}", e.message),
            ..e
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // The file may grow between the size check and the read; never read past the cap.
    file.take(MAX_IMPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::new(ErrorCode::Io, format!("cannot read {shown}: {e}")))?;
    import_bytes(store, &bytes).map_err(|e| Error {
        message: format!("{shown}: {}", e.message),
        ..e
    })
}

fn too_large(len: u64) -> Error {
    Error::invalid_input(format!(
        "the file is {:.1} MiB; the import limit is {} MiB (split it into smaller files)",
        len as f64 / (1024.0 * 1024.0),
        MAX_IMPORT_BYTES / (1024 * 1024)
    ))
}

/// Imports a file's contents; see [`import_file`].
pub fn import_bytes(store: &Store, bytes: &[u8]) -> Result<ImportReport> {
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    let text = decode(bytes)?;
    let parsed = match text.trim_start().chars().next() {
        None => return Err(Error::invalid_input("the file is empty: nothing to import")),
        Some('[') => json_file::array(text)?,
        Some('{') => json_file::objects(text)?,
        Some(_) => csv_file::rows(text)?,
    };
    let names = if parsed.format == ImportFormat::Csv {
        FieldNames::CsvColumns
    } else {
        FieldNames::JsonPaths
    };
    let options = ParseOptions {
        require_timestamp: names == FieldNames::JsonPaths,
    };
    let mut report = ImportReport::new(parsed.format);
    report.warnings = parsed.warnings;

    // Validate every row first; nothing is written until all rows are read.
    let mut valid: Vec<(u32, Option<u32>, Event)> = Vec::new();
    let mut first_seen: HashMap<String, u32> = HashMap::new();
    let mut ignored: HashMap<String, (usize, u32)> = HashMap::new(); // field -> (warning slot, rows)
    for record in parsed.records {
        report.rows += 1;
        let event = record.value.and_then(|v| Event::from_value(&v, options));
        let event = match event {
            Ok(e) => e,
            Err(errors) => {
                report.rejected += 1;
                for e in errors {
                    report
                        .errors
                        .push(issue(record.line, record.index, e, names));
                }
                continue;
            }
        };
        for field in &event.ignored_fields {
            let field = shown_field(field, names);
            match ignored.get_mut(&field) {
                Some((_, rows)) => *rows += 1,
                None => {
                    ignored.insert(field.clone(), (report.warnings.len(), 1));
                    report.warnings.push(ImportIssue {
                        line: record.line,
                        index: record.index,
                        field: Some(field),
                        message: String::new(),
                    });
                }
            }
        }
        // Exact repeats are skipped; the same email with different data is merged instead.
        let fingerprint = serde_json::to_string(&event)?;
        if let Some(&first_line) = first_seen.get(&fingerprint) {
            report.duplicates.push(ImportDuplicate {
                line: record.line,
                index: record.index,
                first_line,
            });
            continue;
        }
        first_seen.insert(fingerprint, record.line);
        valid.push((record.line, record.index, event));
    }
    for (field, (slot, rows)) in &ignored {
        let rows = if *rows == 1 {
            "1 row".to_string()
        } else {
            format!("{rows} rows")
        };
        report.warnings[*slot].message = format!(
            "`{field}` is not a field Leadbridge uses; ignored ({rows}, first on this line)"
        );
    }

    // Leads first, so a file listing conversation events before (or apart from) the leads
    // they belong to still applies them; the sort is stable, so file order holds otherwise.
    valid.sort_by_key(|(_, _, e)| e.kind != EventKind::LeadQualified);
    let now = Utc::now();
    #[derive(Default)]
    struct Touch {
        created: bool,
        changed: bool,
    }
    let mut touched: HashMap<String, Touch> = HashMap::new();
    let mut no_match = Vec::new();
    store.transaction(|tx| {
        for (line, index, event) in &valid {
            match apply_event(tx, event, now) {
                Ok(applied) => match applied.outcome {
                    ApplyOutcome::Created | ApplyOutcome::Updated | ApplyOutcome::Unchanged => {
                        for key in applied.email_keys {
                            let t = touched.entry(key).or_default();
                            t.created |= applied.outcome == ApplyOutcome::Created;
                            t.changed |= applied.outcome == ApplyOutcome::Updated;
                        }
                    }
                    ApplyOutcome::Closed | ApplyOutcome::Recorded => report.events_applied += 1,
                    ApplyOutcome::AlreadyClosed | ApplyOutcome::AlreadyRecorded => {
                        report.events_unchanged += 1
                    }
                },
                Err(ApplyError::NoMatch(e)) => no_match.push(issue(*line, *index, e, names)),
                Err(ApplyError::Store(e)) => return Err(e),
            }
        }
        Ok(())
    })?;
    report.rejected += no_match.len() as u32;
    report.errors.extend(no_match);
    for t in touched.values() {
        match (t.created, t.changed) {
            (true, _) => report.created += 1,
            (false, true) => report.updated += 1,
            (false, false) => report.unchanged += 1,
        }
    }
    report.errors.sort_by_key(|e| (e.line, e.index));
    tracing::info!(
        format = report.format.label(),
        rows = report.rows,
        created = report.created,
        updated = report.updated,
        rejected = report.rejected,
        "contacts imported"
    );
    Ok(report)
}

fn shown_field(field: &str, names: FieldNames) -> String {
    match names {
        // The CSV importer nests columns under `data`; report the column as the user wrote it.
        FieldNames::CsvColumns => field.strip_prefix("data.").unwrap_or(field).to_string(),
        FieldNames::JsonPaths => field.to_string(),
    }
}

fn issue(line: u32, index: Option<u32>, e: FieldError, names: FieldNames) -> ImportIssue {
    let field = (!e.field.is_empty()).then(|| shown_field(&e.field, names));
    ImportIssue {
        line,
        index,
        field,
        message: e.message,
    }
}

/// The file as UTF-8 text, without a byte-order mark.
fn decode(bytes: &[u8]) -> Result<&str> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::invalid_input(
            "the file is UTF-16 encoded; save it as UTF-8 and import again",
        ));
    }
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let (skip, body) = match bytes.strip_prefix(BOM) {
        Some(rest) => (BOM.len(), rest),
        None => (0, bytes),
    };
    std::str::from_utf8(body).map_err(|e| {
        let offset = skip + e.valid_up_to();
        let before = &bytes[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = offset - before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        Error::invalid_input(format!(
            "the file is not valid UTF-8: invalid byte 0x{:02X} at byte offset {offset} (line {line}); save it as UTF-8",
            bytes[offset]
        ))
        .at_line(line as u64)
        .detail(|d| d.column = Some(column as u64))
    })
}

/// Turns byte offsets into 1-based line numbers. Offsets normally come in increasing order,
/// so a large file is scanned once (an earlier offset restarts the count).
struct Lines<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        Lines {
            text,
            pos: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, offset: usize) -> u32 {
        let offset = offset.min(self.text.len());
        if offset < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        let newlines = self.text.as_bytes()[self.pos..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line = self
            .line
            .saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        self.pos = offset;
        self.line
    }
}

#[cfg(test)]
mod tests;
