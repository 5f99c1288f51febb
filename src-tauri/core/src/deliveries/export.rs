//! CSV export of the log: a stable column set, streamed row by row, quoted by the csv crate.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::model::{Delivery, DeliveryQuery};
use super::query::for_each;
use crate::{Error, ErrorCode, Result};

/// The export's columns, in order. Scripts read these names: keep them.
pub const CSV_COLUMNS: [&str; 11] = [
    "id",
    "created_at",
    "email",
    "object",
    "action",
    "status",
    "salesforce_id",
    "error_code",
    "error_message",
    "attempts",
    "trigger",
];

fn csv_error(e: csv::Error) -> Error {
    Error::new(ErrorCode::Io, format!("cannot write the CSV export: {e}"))
}

/// A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, tab or CR as a formula.
/// Text that came from outside (emails, Salesforce messages) gets a leading `'` so it is shown,
/// not run (OWASP "CSV injection").
fn inert(text: &str) -> std::borrow::Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

fn record(d: &Delivery) -> [String; 11] {
    let (code, message) = match &d.error {
        Some(e) => (inert(&e.code).into_owned(), inert(&e.message).into_owned()),
        None => (String::new(), String::new()),
    };
    [
        d.id.to_string(),
        super::time::format(d.created_at),
        inert(&d.email).into_owned(),
        d.object.to_string(),
        d.action.to_string(),
        d.status.to_string(),
        d.salesforce_id
            .as_deref()
            .map(inert)
            .unwrap_or_default()
            .into_owned(),
        code,
        message,
        d.attempts.to_string(),
        d.trigger.to_string(),
    ]
}

/// Writes the matching deliveries as CSV (header first), in the query's order, honouring its
/// offset and (when given) limit. Returns the number of rows written.
pub fn export_csv<W: Write>(conn: &Connection, q: &DeliveryQuery, writer: W) -> Result<u64> {
    let mut out = csv::Writer::from_writer(writer);
    out.write_record(CSV_COLUMNS).map_err(csv_error)?;
    let n = for_each(conn, q, |d| out.write_record(record(&d)).map_err(csv_error))?;
    out.flush()
        .map_err(|e| Error::new(ErrorCode::Io, format!("cannot write the CSV export: {e}")))?;
    Ok(n)
}

/// [`export_csv`] into `file`, written beside it (`FILE.partial`) and renamed into place, so
/// `file` ends up the whole export or untouched; the partial file is removed on failure.
pub fn export_csv_file(conn: &Connection, q: &DeliveryQuery, file: &Path) -> Result<u64> {
    let mut partial = file.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let cannot = |e: std::io::Error, path: &Path| {
        Error::new(
            ErrorCode::Io,
            format!("cannot write {}: {e}", path.display()),
        )
        .field("file")
    };
    let written = File::create(&partial)
        .map_err(|e| cannot(e, &partial))
        .and_then(|f| {
            let mut out = BufWriter::new(f);
            let n = export_csv(conn, q, &mut out)?;
            let f = out
                .into_inner()
                .map_err(|e| cannot(e.into_error(), &partial))?;
            f.sync_all().map_err(|e| cannot(e, &partial))?;
            Ok(n)
        })
        .and_then(|n| {
            std::fs::rename(&partial, file)
                .map(|_| n)
                .map_err(|e| cannot(e, file))
        });
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// A CSV export written to a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CsvExport {
    /// Where the file is.
    pub path: String,
    #[ts(type = "number")]
    pub rows: u64,
}

/// [`export_csv_file`] into `dir` under a new name, `leadbridge-deliveries-YYYYMMDD-HHMMSS.csv`
/// (with `-2`, `-3`, ... when that exists): an export never overwrites an earlier one.
pub fn export_csv_into(
    conn: &Connection,
    q: &DeliveryQuery,
    dir: &Path,
    now: DateTime<Utc>,
) -> Result<CsvExport> {
    let stem = format!("leadbridge-deliveries-{}", now.format("%Y%m%d-%H%M%S"));
    let file = (1..1000)
        .map(|n| match n {
            1 => dir.join(format!("{stem}.csv")),
            n => dir.join(format!("{stem}-{n}.csv")),
        })
        .find(|p| !p.exists())
        .ok_or_else(|| {
            Error::new(
                ErrorCode::Io,
                format!("too many exports named {stem} in {}", dir.display()),
            )
        })?;
    let rows = export_csv_file(conn, q, &file)?;
    Ok(CsvExport {
        path: file.display().to_string(),
        rows,
    })
}
