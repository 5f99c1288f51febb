//! Writing a job's CSV: streamed row by row to files in the data directory (never held whole
//! in memory), split so each upload stays under the limit, every value quoted (RFC 4180), so a
//! row's size is known exactly as it is written.
//!
//! Values: text as is; `true`/`false`; numbers as JSON writes them; null or an empty string
//! `#N/A` (Bulk API's "set to null": an empty cell would leave the field unchanged); a field a
//! record does not set is an empty cell.

use std::borrow::Borrow;
use std::collections::{BTreeSet, HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::salesforce::bulk::{MAX_FIELD_CHARS, MAX_RECORD_CHARS, MAX_RECORD_FIELDS};
use crate::salesforce::query::Record;
use crate::{Error, ErrorCode, Result};

/// One upload: its file, size, and (row key, caller's index) per row.
#[derive(Debug)]
pub struct Part {
    pub file: PathBuf,
    pub bytes: u64,
    pub rows: Vec<(String, usize)>,
}

/// What was written, and what Bulk API cannot carry (sent over REST instead), with why.
#[derive(Debug, Default)]
pub struct Written {
    pub parts: Vec<Part>,
    pub rejected: Vec<(usize, String)>,
}

/// The columns of a job: `Id` first for updates, then every field any record sets, sorted.
/// Takes the records one by one, as [`write`] does (they may be built on the fly and dropped
/// after); the first record that cannot be built stops it.
pub fn header<R: Borrow<Record>>(
    records: impl Iterator<Item = Result<R>>,
    update: bool,
) -> Result<Vec<String>> {
    let mut names: BTreeSet<String> = BTreeSet::new();
    for r in records {
        for k in r?.borrow().keys().filter(|k| *k != "Id") {
            if !names.contains(k) {
                names.insert(k.clone());
            }
        }
    }
    let mut out: Vec<String> = Vec::with_capacity(names.len() + 1);
    if update {
        out.push("Id".into());
    }
    out.extend(names);
    Ok(out)
}

/// The cell of a value (see the module docs).
pub fn cell(value: Option<&Value>) -> String {
    match value {
        None => String::new(),
        Some(Value::Null) => "#N/A".into(),
        Some(Value::String(s)) if s.is_empty() => "#N/A".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => other.to_string(),
    }
}

/// The key the result files echo back for a row: `Id` (update), `LeadId` (CampaignMember),
/// `Email` in lower case (a new Lead), else the whole row.
pub fn row_key<S: AsRef<str>>(header: &[String], cells: &[S]) -> String {
    for name in ["Id", "LeadId", "Email"] {
        if let Some(i) = header.iter().position(|h| h == name) {
            if let Some(v) = cells.get(i).map(AsRef::as_ref).filter(|v| !v.is_empty()) {
                return if name == "Email" {
                    v.to_lowercase()
                } else {
                    v.to_string()
                };
            }
        }
    }
    cells
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<&str>>()
        .join("\u{1f}")
}

/// Bytes a row takes with every value quoted.
fn row_bytes(cells: &[String]) -> u64 {
    let body: usize = cells
        .iter()
        .map(|c| c.len() + 2 + c.bytes().filter(|b| *b == b'"').count())
        .sum();
    (body + cells.len().max(1)) as u64
}

/// Why Bulk API cannot take a record, if it cannot.
fn over_limits(header: &[String], cells: &[String]) -> Option<String> {
    let set = cells.iter().filter(|c| !c.is_empty()).count();
    if set > MAX_RECORD_FIELDS {
        return Some(format!(
            "{set} fields; Bulk API 2.0 takes at most {MAX_RECORD_FIELDS} per record"
        ));
    }
    let mut total = 0;
    for (name, c) in header.iter().zip(cells) {
        let chars = c.chars().count();
        if chars > MAX_FIELD_CHARS {
            return Some(format!(
                "{name} holds {chars} characters; Bulk API 2.0 takes at most {MAX_FIELD_CHARS} per field"
            ));
        }
        total += chars;
    }
    (total > MAX_RECORD_CHARS).then(|| {
        format!("{total} characters; Bulk API 2.0 takes at most {MAX_RECORD_CHARS} per record")
    })
}

struct Open {
    writer: csv::Writer<BufWriter<File>>,
    part: Part,
    keys: HashSet<String>,
}

fn io_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("cannot write the Bulk API file {}: {e}", path.display()),
    )
}

fn open(dir: &Path, stem: &str, n: usize, header: &[String]) -> Result<Open> {
    let file = dir.join(format!("{stem}-{n}.csv"));
    let f = File::create(&file).map_err(|e| io_error(&file, e))?;
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(BufWriter::with_capacity(256 * 1024, f));
    writer
        .write_record(header)
        .map_err(|e| io_error(&file, e))?;
    Ok(Open {
        writer,
        part: Part {
            bytes: row_bytes(header),
            file,
            rows: Vec::new(),
        },
        keys: HashSet::new(),
    })
}

fn close(open: Open) -> Result<Part> {
    let file = open.part.file.clone();
    let mut inner = open
        .writer
        .into_inner()
        .map_err(|e| io_error(&file, e.error()))?;
    inner.flush().map_err(|e| io_error(&file, e))?;
    inner
        .into_inner()
        .map_err(|e| io_error(&file, e.error()))?
        .sync_all()
        .map_err(|e| io_error(&file, e))?;
    Ok(open.part)
}

/// Writes `records` (caller's index, fields, Id for updates) to `dir/<stem>-N.csv` files of at
/// most `max_bytes` each. The records are taken one at a time, so the caller may build each
/// on the fly: only the row being written is in memory.
pub fn write<'a, R: Borrow<Record>>(
    dir: &Path,
    stem: &str,
    header: &[String],
    records: impl Iterator<Item = Result<(usize, R, Option<&'a str>)>>,
    max_bytes: u64,
) -> Result<Written> {
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    let mut out = Written::default();
    let mut current: Option<Open> = None;
    let mut cells: Vec<String> = Vec::with_capacity(header.len());
    for record in records {
        let (index, fields, id) = record?;
        let fields: &Record = fields.borrow();
        cells.clear();
        cells.extend(header.iter().map(|h| {
            if h == "Id" {
                id.unwrap_or_default().to_string()
            } else {
                cell(fields.get(h))
            }
        }));
        if let Some(why) = over_limits(header, &cells) {
            out.rejected.push((index, why));
            continue;
        }
        let size = row_bytes(&cells);
        let key = row_key(header, &cells);
        let full = current
            .as_ref()
            .is_some_and(|o| o.part.bytes + size > max_bytes || o.keys.contains(&key));
        if full {
            if let Some(o) = current.take() {
                out.parts.push(close(o)?);
            }
        }
        if current.is_none() {
            let o = open(dir, stem, out.parts.len() + 1, header)?;
            if o.part.bytes + size > max_bytes {
                out.rejected.push((
                    index,
                    format!(
                        "the record takes {size} bytes, over the {max_bytes} bytes of an upload"
                    ),
                ));
                let _ = std::fs::remove_file(&o.part.file);
                continue;
            }
            current = Some(o);
        }
        let o = current.as_mut().expect("opened above");
        o.writer
            .write_record(&cells)
            .map_err(|e| io_error(&o.part.file, e))?;
        o.part.bytes += size;
        o.keys.insert(key.clone());
        o.part.rows.push((key, index));
    }
    if let Some(o) = current.take() {
        out.parts.push(close(o)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(v: Value) -> Record {
        v.as_object().expect("object").clone().into_iter().collect()
    }

    #[test]
    fn rows_split_under_the_limit_and_sizes_are_exact() {
        let dir = tempfile::tempdir().expect("tmp");
        let records: Vec<Record> = (0..50)
            .map(|i| {
                record(json!({"LastName": format!("Name \"{i}\""), "Email": format!("p{i}@x.example"), "Company": null}))
            })
            .collect();
        let h = header(records.iter().map(Ok), false).expect("header");
        assert_eq!(h, ["Company", "Email", "LastName"]);
        let written = write(
            dir.path(),
            "lead-insert",
            &h,
            records.iter().enumerate().map(|(i, r)| Ok((i, r, None))),
            600,
        )
        .expect("written");
        assert!(written.parts.len() > 1, "{}", written.parts.len());
        let mut seen = 0;
        for p in &written.parts {
            let len = std::fs::metadata(&p.file).expect("file").len();
            assert_eq!(len, p.bytes, "{}", p.file.display());
            assert!(len <= 600);
            let mut r = csv::Reader::from_path(&p.file).expect("csv");
            let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("row")).collect();
            assert_eq!(rows.len(), p.rows.len());
            for (row, (key, index)) in rows.iter().zip(&p.rows) {
                assert_eq!(&row[0], "#N/A");
                assert_eq!(key, &format!("p{index}@x.example"));
                assert_eq!(&row[2], format!("Name \"{index}\""));
            }
            seen += rows.len();
        }
        assert_eq!(seen, 50);
    }

    #[test]
    fn oversize_records_and_repeated_keys_are_handled() {
        let dir = tempfile::tempdir().expect("tmp");
        let big = "y".repeat(MAX_FIELD_CHARS + 1);
        let records = [
            record(json!({"Description": big, "Email": "a@x.example"})),
            record(json!({"Description": "ok", "Email": "b@x.example"})),
            record(json!({"Description": "again", "Email": "B@x.example"})),
        ];
        let h = header(records.iter().map(Ok), false).expect("header");
        let w = write(
            dir.path(),
            "t",
            &h,
            records.iter().enumerate().map(|(i, r)| Ok((i, r, None))),
            u64::MAX,
        )
        .expect("written");
        assert_eq!(w.rejected.len(), 1);
        assert!(w.rejected[0]
            .1
            .contains("Description holds 32001 characters"));
        // The same key twice goes to a second job, so results map back unambiguously.
        assert_eq!(w.parts.len(), 2);
    }
}
