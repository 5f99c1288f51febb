//! The CSV of an upload and of the result endpoints (RFC 4180: quotes doubled, fields with a
//! comma, quote or line break quoted), with Salesforce's `sf__` result columns.

use super::RowOutcome;

/// An uploaded CSV: the header (field names) and the rows.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Reads an upload; an error names the line.
pub fn parse(bytes: &[u8]) -> Result<Table, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("InvalidBatch : cannot read the CSV header: {e}"))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if header.is_empty() || header.iter().any(String::is_empty) {
        return Err("InvalidBatch : the CSV header names an empty column".into());
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("InvalidBatch : row {}: {e}", i + 1))?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(Table { header, rows })
}

/// Which result endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultKind {
    Successful,
    Failed,
    Unprocessed,
}

/// The result CSV: `sf__Id,sf__Created,<columns>` (successful), `sf__Id,sf__Error,<columns>`
/// (failed), `<columns>` (unprocessed), rows echoing the uploaded values.
pub fn results(
    table: &Table,
    outcomes: &[Option<RowOutcome>],
    kind: ResultKind,
    line_ending: &str,
) -> String {
    let terminator = if line_ending == "CRLF" {
        csv::Terminator::CRLF
    } else {
        csv::Terminator::Any(b'\n')
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(terminator)
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(Vec::new());
    let mut head: Vec<&str> = match kind {
        ResultKind::Successful => vec!["sf__Id", "sf__Created"],
        ResultKind::Failed => vec!["sf__Id", "sf__Error"],
        ResultKind::Unprocessed => vec![],
    };
    head.extend(table.header.iter().map(String::as_str));
    let _ = w.write_record(&head);
    for (i, row) in table.rows.iter().enumerate() {
        let outcome = outcomes.get(i).and_then(Option::as_ref);
        let mut out: Vec<&str> = Vec::with_capacity(head.len());
        let created;
        match (kind, outcome) {
            (ResultKind::Successful, Some(RowOutcome::Saved { id, created: c })) => {
                created = c.to_string();
                out.push(id);
                out.push(&created);
            }
            (ResultKind::Failed, Some(RowOutcome::Failed { id, error })) => {
                out.push(id.as_deref().unwrap_or(""));
                out.push(error);
            }
            (ResultKind::Unprocessed, None) => {}
            _ => continue,
        }
        out.extend(row.iter().map(String::as_str));
        let _ = w.write_record(&out);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
