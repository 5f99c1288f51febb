//! JSON imports: an array of events, one event per line (NDJSON), or pretty-printed objects.

use serde_json::value::RawValue;
use serde_json::Value;

use super::{FieldError, ImportFormat, Lines, Parsed, Record};
use crate::{Error, Result};

/// serde_json's message without its " at line L column C" suffix (we say where ourselves).
fn bare_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_string()
}

fn malformed(what: &str, e: &serde_json::Error) -> Error {
    Error::invalid_input(format!(
        "malformed {what} at line {}, column {}: {}",
        e.line(),
        e.column(),
        bare_message(e)
    ))
    .at_line(e.line() as u64)
    .detail(|d| d.column = Some(e.column() as u64))
}

/// A JSON array of events. A syntax error anywhere rejects the whole file.
pub(super) fn array(text: &str) -> Result<Parsed> {
    let elements: Vec<&RawValue> =
        serde_json::from_str(text).map_err(|e| malformed("JSON array", &e))?;
    let mut lines = Lines::new(text);
    let base = text.as_ptr() as usize;
    let records = elements
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            // `raw` borrows from `text`: its address gives the element's offset in the file.
            let offset = (raw.get().as_ptr() as usize).saturating_sub(base);
            Record {
                line: lines.line_at(offset),
                index: Some(u32::try_from(i).unwrap_or(u32::MAX)),
                value: serde_json::from_str::<Value>(raw.get()).map_err(|e| {
                    vec![FieldError::new(
                        "",
                        format!("is not valid JSON: {}", bare_message(&e)),
                    )]
                }),
            }
        })
        .collect();
    Ok(Parsed {
        format: ImportFormat::JsonArray,
        records,
        warnings: Vec::new(),
    })
}

/// Content starting with `{`: NDJSON when the first line is a complete JSON value (each line
/// then stands alone, and a bad line rejects only itself), otherwise one or more
/// pretty-printed objects (a syntax error then rejects the whole file).
pub(super) fn objects(text: &str) -> Result<Parsed> {
    let first_line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if serde_json::from_str::<&RawValue>(first_line).is_ok() {
        return Ok(ndjson(text));
    }
    let mut records = Vec::new();
    let mut lines = Lines::new(text);
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let mut end = 0;
    while let Some(next) = stream.next() {
        let value = next.map_err(|e| malformed("JSON", &e))?;
        let start = end + text[end..].len() - text[end..].trim_start().len();
        records.push(Record {
            line: lines.line_at(start),
            index: None,
            value: Ok(value),
        });
        end = stream.byte_offset();
    }
    Ok(Parsed {
        format: ImportFormat::JsonObjects,
        records,
        warnings: Vec::new(),
    })
}

fn ndjson(text: &str) -> Parsed {
    let records = text
        .split('\n')
        .enumerate()
        .filter_map(|(i, raw_line)| {
            // trim_end also drops the \r of CRLF line endings.
            let line = raw_line.trim_end();
            if line.trim_start().is_empty() {
                return None;
            }
            let value = serde_json::from_str::<Value>(line).map_err(|e| {
                vec![FieldError::new(
                    "",
                    format!(
                        "is not valid JSON (column {}): {}",
                        e.column(),
                        bare_message(&e)
                    ),
                )]
            });
            Some(Record {
                line: u32::try_from(i + 1).unwrap_or(u32::MAX),
                index: None,
                value,
            })
        })
        .collect();
    Parsed {
        format: ImportFormat::Ndjson,
        records,
        warnings: Vec::new(),
    }
}
