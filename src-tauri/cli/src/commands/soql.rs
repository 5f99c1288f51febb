//! `leadbridge soql QUERY [--json] [--max-rows N]`: the read-only console on the command line.
//! The guard runs before anything else, so a refused statement exits 2 having opened nothing
//! and sent nothing. Rows go to stdout (an aligned table, or one JSON object per record per
//! line); how many of how many goes to stderr, so stdout stays clean for pipes.

use std::path::Path;
use std::process::ExitCode;

use leadbridge_core::soql::{self, QueryResult};
use leadbridge_core::{Error, Result};

use super::context::Context;
use super::org::runtime;

/// Longest cell of the table, in characters; `--json` has the full values.
const MAX_CELL: usize = 60;

pub fn run(data_dir: Option<&Path>, query: &str, json: bool, max_rows: usize) -> Result<ExitCode> {
    let checked = soql::check(query).map_err(Error::from)?;
    if soql::validate_max_rows(max_rows).is_err() {
        return Err(Error::invalid_input(format!(
            "--max-rows must be between 1 and {}, not {max_rows}",
            soql::MAX_ROWS_LIMIT
        ))
        .field("--max-rows"));
    }
    let ctx = Context::open(data_dir)?;
    let client = ctx.client()?;
    let result = runtime()?.block_on(soql::run_checked(&client, &checked, max_rows))?;

    // Pages come back whole; the person asked for at most `max_rows`.
    let shown = result.rows.len().min(max_rows);
    let text = if json {
        json_lines(&result, shown)?
    } else {
        table(&result, shown)
    };
    out!("{text}");
    if !result.is_count {
        let total = result.total_size;
        let more = if (shown as u64) < total {
            format!("; raise --max-rows (now {max_rows}) to see more")
        } else {
            String::new()
        };
        if !json || !more.is_empty() {
            eprintln!(
                "{shown} of {total} row{}{more}",
                if total == 1 { "" } else { "s" }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One record per line, as Salesforce sent it minus `attributes` (parents stay nested).
/// `SELECT COUNT()` has no records: its one line is `{"totalSize": N}`.
fn json_lines(result: &QueryResult, shown: usize) -> Result<String> {
    let mut out = String::new();
    if result.is_count {
        out.push_str(&serde_json::json!({ "totalSize": result.total_size }).to_string());
        out.push('\n');
        return Ok(out);
    }
    for row in &result.rows[..shown] {
        out.push_str(&serde_json::to_string(row)?);
        out.push('\n');
    }
    Ok(out)
}

/// An aligned table; parent fields are columns of their own (`Owner.Name`).
fn table(result: &QueryResult, shown: usize) -> String {
    let (header, rows): (Vec<String>, Vec<Vec<String>>) = if result.is_count {
        (
            vec!["COUNT()".into()],
            vec![vec![result.total_size.to_string()]],
        )
    } else {
        let rows = result.rows[..shown]
            .iter()
            .map(|row| {
                result
                    .columns
                    .iter()
                    .map(|column| fit(&soql::cell_text(soql::cell(row, column))))
                    .collect()
            })
            .collect();
        (result.columns.clone(), rows)
    };
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, v) in widths.iter_mut().zip(row) {
            *w = (*w).max(v.chars().count());
        }
    }
    let mut out = String::new();
    for cells in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v}{}", " ".repeat(w - v.chars().count())))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// One table line per record: line breaks and tabs become spaces, long values are cut.
fn fit(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() > MAX_CELL {
        format!("{}…", flat.chars().take(MAX_CELL - 1).collect::<String>())
    } else {
        flat
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    fn result(rows: Value, columns: &[&str]) -> QueryResult {
        QueryResult {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: rows
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_object().unwrap().clone())
                .collect(),
            total_size: 3,
            done: true,
            next_records_url: None,
            is_count: false,
            pages: 1,
        }
    }

    #[test]
    fn tables_align_and_flatten() {
        let r = result(
            serde_json::json!([
                {"Id": "00Q1", "Owner": {"Name": "Dana Whitfield"}, "Description": "two\nlines"},
                {"Id": "00Q22", "Owner": null, "Description": null},
            ]),
            &["Id", "Owner.Name", "Description"],
        );
        assert_eq!(
            table(&r, 2),
            "Id     Owner.Name      Description\n\
             00Q1   Dana Whitfield  two lines\n\
             00Q22\n"
        );
        assert_eq!(table(&r, 1).lines().count(), 2, "header and the rows shown");
        let long = "x".repeat(100);
        assert_eq!(fit(&long).chars().count(), MAX_CELL);
        assert!(fit(&long).ends_with('…'));
    }

    #[test]
    fn json_lines_keep_records_nested_and_count_gives_total_size() {
        let r = result(
            serde_json::json!([{"Id": "00Q1", "Owner": {"Name": "Dana"}}]),
            &["Id", "Owner.Name"],
        );
        assert_eq!(
            json_lines(&r, 1).unwrap(),
            "{\"Id\":\"00Q1\",\"Owner\":{\"Name\":\"Dana\"}}\n"
        );
        let count = QueryResult {
            is_count: true,
            ..result(serde_json::json!([]), &[])
        };
        assert_eq!(json_lines(&count, 0).unwrap(), "{\"totalSize\":3}\n");
        assert_eq!(table(&count, 0), "COUNT()\n3\n");
    }
}
