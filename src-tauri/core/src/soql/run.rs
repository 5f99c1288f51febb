//! Running a console query: the guard first (a refused statement makes no call at all), then
//! `GET /query` and its `nextRecordsUrl` pages up to a row cap, as a table of flattened
//! columns (see [`super::columns`]).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::columns::{field_paths, strip_attributes, Columns};
use super::guard::{check, CheckedQuery};
use super::refusal::Refusal;
use crate::salesforce::query::{QueryPage, Record};
use crate::salesforce::SalesforceClient;
use crate::{Error, ErrorCode, Result};

/// The row cap when none is given: one full page of Salesforce's.
pub const DEFAULT_MAX_ROWS: usize = 2_000;
/// The highest row cap: the console is for looking at data, not for exporting an org.
pub const MAX_ROWS_LIMIT: usize = 50_000;

/// Query results as a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct QueryResult {
    /// Column paths in order: fields, and parent fields flattened as `Owner.Name`.
    pub columns: Vec<String>,
    /// The records without `attributes`; parents stay nested (`{"Owner": {"Name": ...}}`):
    /// a column's value is found by walking its path.
    pub rows: Vec<Record>,
    /// Rows matching the whole query, as Salesforce counts them (`totalSize`).
    #[ts(type = "number")]
    pub total_size: u64,
    /// Every row was loaded.
    pub done: bool,
    /// Where the next page is, while `done` is false.
    pub next_records_url: Option<String>,
    /// `SELECT COUNT() ...`: the answer is `totalSize`, there are no rows.
    pub is_count: bool,
    /// Pages fetched, each one API call.
    pub pages: u32,
}

/// What the guard says about the console's text, for feedback while typing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "status", rename_all = "camelCase")]
#[ts(export)]
pub enum ConsoleCheck {
    Accepted { query: CheckedQuery },
    Refused { refusal: RefusalSpot },
}

/// A refusal placed in the text the person typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RefusalSpot {
    /// `refused at column N: reason`, as the CLI prints it.
    pub message: String,
    /// The reason alone.
    pub reason: String,
    /// 1-based byte column in the whole statement (the guard's own measure).
    pub column: u32,
    /// 1-based line and character column within that line, for people.
    pub line: u32,
    pub line_column: u32,
    /// 0-based offset in UTF-16 code units, where a text editor puts the cursor.
    pub utf16_offset: u32,
}

impl RefusalSpot {
    pub fn locate(input: &str, refusal: &Refusal) -> RefusalSpot {
        // The column is a byte position at a token start; clamp it onto a char boundary so
        // a bug there can never panic the console.
        let mut at = refusal.column.saturating_sub(1).min(input.len());
        while !input.is_char_boundary(at) {
            at -= 1;
        }
        let before = &input[..at];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        RefusalSpot {
            message: refusal.to_string(),
            reason: refusal.reason.to_string(),
            column: to_u32(refusal.column),
            line: to_u32(before.matches('\n').count() + 1),
            line_column: to_u32(before[line_start..].chars().count() + 1),
            utf16_offset: to_u32(before.encode_utf16().count()),
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The guard's verdict on the console's text. Makes no call.
pub fn console_check(input: &str) -> ConsoleCheck {
    match check(input) {
        Ok(query) => ConsoleCheck::Accepted { query },
        Err(refusal) => ConsoleCheck::Refused {
            refusal: RefusalSpot::locate(input, &refusal),
        },
    }
}

/// Checks `max_rows` (1 to [`MAX_ROWS_LIMIT`]).
pub fn validate_max_rows(max_rows: usize) -> Result<()> {
    if max_rows == 0 || max_rows > MAX_ROWS_LIMIT {
        return Err(Error::invalid_input(format!(
            "the row cap must be between 1 and {MAX_ROWS_LIMIT}, not {max_rows}"
        ))
        .field("maxRows"));
    }
    Ok(())
}

/// Runs the console's text: the guard first, so a refused statement sends nothing and fails
/// with `SOQL_REFUSED` (its column in the details); then the query and its next pages until
/// `max_rows` rows are loaded or the query is done.
///
/// Pages are kept whole, so `nextRecordsUrl` always continues right after the last row
/// returned: with Salesforce's 2,000-row pages and a cap of 2,500, 4,000 rows come back (two
/// API calls either way). A caller that must show at most `max_rows` takes that many.
pub async fn run_query(
    client: &SalesforceClient,
    text: &str,
    max_rows: usize,
) -> Result<QueryResult> {
    let checked = check(text).map_err(Error::from)?;
    run_checked(client, &checked, max_rows).await
}

/// [`run_query`] for a statement the guard already accepted.
pub async fn run_checked(
    client: &SalesforceClient,
    checked: &CheckedQuery,
    max_rows: usize,
) -> Result<QueryResult> {
    validate_max_rows(max_rows)?;
    let hints = field_paths(&checked.fields);
    let mut columns = Columns::new(&[], &hints);
    let mut page: QueryPage<Record> = client.query(&checked.soql).await?;
    let total_size = page.total_size;
    let mut pages = 1u32;
    let mut rows = Vec::new();
    loop {
        take_rows(&mut columns, &mut rows, std::mem::take(&mut page.records));
        if page.done || rows.len() >= max_rows {
            break;
        }
        let next = next_url(&page)?;
        page = client.query_more(&next).await?;
        pages += 1;
    }
    if rows.is_empty() && !checked.is_count {
        columns.add_hints();
    }
    tracing::debug!(object = %checked.object, rows = rows.len(), pages, "console query ran");
    Ok(QueryResult {
        columns: columns.into_names(),
        rows,
        total_size,
        done: page.done,
        next_records_url: if page.done {
            None
        } else {
            page.next_records_url
        },
        is_count: checked.is_count,
        pages,
    })
}

/// The page at a `nextRecordsUrl` of an earlier result, whose `columns` are passed back so
/// the page's columns line up with them (new ones are appended).
pub async fn next_page(
    client: &SalesforceClient,
    next_records_url: &str,
    columns: &[String],
) -> Result<QueryResult> {
    let mut page: QueryPage<Record> = client.query_more(next_records_url).await?;
    let mut table = Columns::new(columns, &[]);
    let mut rows = Vec::new();
    take_rows(&mut table, &mut rows, std::mem::take(&mut page.records));
    Ok(QueryResult {
        columns: table.into_names(),
        rows,
        total_size: page.total_size,
        done: page.done,
        next_records_url: if page.done {
            None
        } else {
            Some(next_url(&page)?)
        },
        is_count: false,
        pages: 1,
    })
}

fn take_rows(columns: &mut Columns, rows: &mut Vec<Record>, records: Vec<Record>) {
    rows.reserve(records.len());
    for record in records {
        columns.add_record(&record);
        rows.push(strip_attributes(record));
    }
}

fn next_url(page: &QueryPage<Record>) -> Result<String> {
    page.next_records_url.clone().ok_or_else(|| {
        Error::new(
            ErrorCode::Salesforce,
            "Salesforce said the query is not done but gave no nextRecordsUrl",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_placed_for_people_and_editors() {
        // "é" is two bytes and one UTF-16 unit; "😀" is four bytes and two units.
        let input = "SELECT Id\nFROM Lead WHERE Name = 'é😀' ; DELETE";
        let ConsoleCheck::Refused { refusal } = console_check(input) else {
            panic!("refused")
        };
        let at = input.find("DELETE").unwrap();
        assert_eq!(refusal.column as usize, at + 1);
        assert_eq!(refusal.line, 2);
        let line_start = input.find('\n').unwrap() + 1;
        assert_eq!(
            refusal.line_column as usize,
            input[line_start..at].chars().count() + 1
        );
        assert_eq!(
            refusal.utf16_offset as usize,
            input[..at].encode_utf16().count()
        );
        assert!(
            refusal
                .message
                .starts_with(&format!("refused at column {}: ", at + 1)),
            "{}",
            refusal.message
        );
        assert!(refusal.reason.contains("DELETE"), "{}", refusal.reason);
    }

    #[test]
    fn accepted_queries_carry_their_facts() {
        let ConsoleCheck::Accepted { query } = console_check("select Id, Owner.Name from Lead;")
        else {
            panic!("accepted")
        };
        assert_eq!(query.soql, "select Id, Owner.Name from Lead");
        assert_eq!(query.object, "Lead");
        let json = serde_json::to_value(console_check("DELETE FROM Lead")).unwrap();
        assert_eq!(json["status"], "refused");
        assert_eq!(json["refusal"]["column"], 1);
        assert_eq!(json["refusal"]["utf16Offset"], 0);
    }

    #[test]
    fn the_row_cap_is_bounded() {
        assert!(validate_max_rows(1).is_ok());
        assert!(validate_max_rows(MAX_ROWS_LIMIT).is_ok());
        for bad in [0, MAX_ROWS_LIMIT + 1] {
            let e = validate_max_rows(bad).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput);
            assert!(e.message.contains(&bad.to_string()), "{}", e.message);
        }
    }
}
