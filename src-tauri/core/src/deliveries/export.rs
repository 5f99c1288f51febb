//! CSV export of the log: a stable column set, streamed row by row, quoted by the csv crate.

use std::io::Write;

use rusqlite::Connection;

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
