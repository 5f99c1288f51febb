//! CSV imports: a header row whose column names are chat field paths (`email`, `firstName`,
//! `qualificationScore`, `metadata.budget`, `agents.closedBy`, …), then one lead per record.
//! Optional columns `event`, `timestamp`, `workspaceId`, `conversationId` give the event's
//! envelope; without an `event` column every row is a `lead.qualified`. Cells are separated
//! by commas, or by semicolons or tabs when the header has no comma.
//!
//! Each record becomes the same JSON a seed-003 webhook body would be, so it is validated by
//! the same code. Cells are text: an empty cell is an absent value, `qualificationScore` is
//! parsed as a number, every other cell stays a string (metadata values included, so
//! `50000` and `007` keep their exact spelling).

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{FieldError, ImportFormat, ImportIssue, Lines, Parsed, Record};
use crate::{Error, Result};

/// Where a column's cells go in the event.
enum Column {
    /// `event`, `timestamp`, `workspaceId`, `conversationId`: the event envelope.
    Envelope(String),
    /// A field of the lead (`email`, `qualificationScore`, …, or an unknown one, which the
    /// event parser reports as ignored).
    Field(String),
    /// `metadata.<key>` or `agents.<key>`.
    Nested(&'static str, String),
    /// Not imported: `signature`, unnamed columns, dotted paths the event has no room for.
    Skip,
}

/// The header's delimiter: a comma, unless the header has none and uses semicolons (Excel's
/// export in many European locales) or tabs instead.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let count = |c: char| header.chars().filter(|&h| h == c).count();
    match (count(','), count(';'), count('\t')) {
        (0, semi, tab) if semi > 0 && semi >= tab => b';',
        (0, _, tab) if tab > 0 => b'\t',
        _ => b',',
    }
}

pub(super) fn rows(text: &str) -> Result<Parsed> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| {
            Error::invalid_input(format!("cannot read the CSV header row: {e}")).at_line(1)
        })?
        .clone();

    let mut warnings = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut columns = Vec::with_capacity(header.len());
    for (i, name) in header.iter().enumerate() {
        if let Some(first) = seen.insert(name, i) {
            if !name.is_empty() {
                return Err(Error::invalid_input(format!(
                    "the CSV header names column `{name}` twice (columns {} and {})",
                    first + 1,
                    i + 1
                ))
                .at_line(1)
                .field(name));
            }
        }
        let column = match name {
            "event" | "timestamp" | "workspaceId" | "conversationId" => {
                Column::Envelope(name.to_string())
            }
            "signature" => Column::Skip,
            "" => {
                warnings.push(warning(
                    format!("column {} has no name; its cells are ignored", i + 1),
                    None,
                ));
                Column::Skip
            }
            _ => match name.split_once('.') {
                None => Column::Field(name.to_string()),
                Some(("metadata", key)) if !key.is_empty() => {
                    Column::Nested("metadata", key.to_string())
                }
                Some(("agents", key)) if !key.is_empty() => {
                    Column::Nested("agents", key.to_string())
                }
                Some(_) => {
                    warnings.push(warning(
                        format!("column `{name}` is not a chat field path (only metadata.<key> and agents.<key> nest); ignored"),
                        Some(name),
                    ));
                    Column::Skip
                }
            },
        };
        columns.push(column);
    }
    if !header.iter().any(|h| h == "email") && !header.iter().any(|h| h == "event") {
        return Err(Error::invalid_input(format!(
            "the CSV header has no `email` column (it has: {})",
            header.iter().collect::<Vec<_>>().join(", ")
        ))
        .at_line(1));
    }

    let mut records = Vec::new();
    let mut lines = Lines::new(text);
    // The csv crate's own line numbers are off by one after a CRLF header, so lines are
    // counted from the byte offset where each record starts (past any line terminator).
    let mut line_of = |pos: Option<&csv::Position>| {
        let byte = pos.map_or(0, |p| p.byte() as usize).min(text.len());
        let start = byte + text[byte..].len() - text[byte..].trim_start_matches(['\r', '\n']).len();
        lines.line_at(start)
    };
    for result in reader.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let line = line_of(e.position());
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => {
                        format!("has {len} fields but the header has {expected_len}")
                    }
                    _ => format!("cannot be read: {e}"),
                };
                records.push(Record {
                    line,
                    index: None,
                    value: Err(vec![FieldError::new("", message)]),
                });
                continue;
            }
        };
        // Spreadsheets leave rows of empty cells at the end; they are not leads.
        if record.iter().all(str::is_empty) {
            continue;
        }
        let line = line_of(record.position());
        records.push(Record {
            line,
            index: None,
            value: to_event(&columns, &record),
        });
    }
    Ok(Parsed {
        format: ImportFormat::Csv,
        records,
        warnings,
    })
}

fn warning(message: String, field: Option<&str>) -> ImportIssue {
    ImportIssue {
        line: 1,
        index: None,
        field: field.map(str::to_string),
        message,
    }
}

/// One record as a seed-003 shaped event.
fn to_event(columns: &[Column], record: &csv::StringRecord) -> Result<Value, Vec<FieldError>> {
    let mut top = Map::new();
    let mut data = Map::new();
    let mut errors = Vec::new();
    for (column, cell) in columns.iter().zip(record.iter()) {
        if cell.is_empty() {
            continue;
        }
        match column {
            Column::Envelope(name) => {
                top.insert(name.clone(), Value::String(cell.to_string()));
            }
            Column::Field(name) if name == "qualificationScore" => match parse_number(cell) {
                Some(n) => {
                    data.insert(name.clone(), n);
                }
                None => errors.push(FieldError::new(name, format!("`{cell}` is not a number"))),
            },
            Column::Field(name) => {
                data.insert(name.clone(), Value::String(cell.to_string()));
            }
            Column::Nested(parent, key) => {
                let slot = data
                    .entry(*parent)
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(obj) = slot {
                    obj.insert(key.clone(), Value::String(cell.to_string()));
                }
            }
            Column::Skip => {}
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    top.entry("event")
        .or_insert_with(|| Value::String("lead.qualified".into()));
    top.insert("data".into(), Value::Object(data));
    Ok(Value::Object(top))
}

/// A finite decimal number (`87`, `87.5`, `-3` — the range is checked later); not `NaN` or `inf`.
fn parse_number(cell: &str) -> Option<Value> {
    if let Ok(i) = cell.parse::<i64>() {
        return Some(Value::from(i));
    }
    if !cell
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
    {
        return None;
    }
    cell.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
}
