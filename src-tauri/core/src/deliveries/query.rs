//! Listing the log: filters, order, windows, counts. The UI's virtual table asks for ~100-row
//! windows at any offset; each filter column has an index ending in (created_at, id), so a
//! window is an index walk to the offset plus one row lookup per row shown.

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use super::model::{Delivery, DeliveryId, DeliveryPage, DeliveryQuery, ErrorCodeCount, SortField};
use super::read::{delivery_from_row, DELIVERY_COLUMNS};
use super::time::to_ms;
use crate::{Error, Result};

/// Rows `list` returns when the query does not say.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// The most rows one `list` call returns; stream with `for_each` or `export_csv` for more.
pub const MAX_PAGE_SIZE: u32 = 1000;
/// Longest free-text search accepted, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;

/// A WHERE clause and its parameters.
struct Filter {
    clauses: Vec<String>,
    params: Vec<Value>,
}

impl Filter {
    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }

    fn push_in(&mut self, column: &str, values: Vec<Value>) {
        if values.is_empty() {
            return;
        }
        let marks = vec!["?"; values.len()].join(", ");
        self.clauses.push(format!("{column} IN ({marks})"));
        self.params.extend(values);
    }
}

fn filter(q: &DeliveryQuery) -> Result<Filter> {
    let mut f = Filter {
        clauses: Vec::new(),
        params: Vec::new(),
    };
    let mut statuses: Vec<_> = q.status.iter().map(|s| s.as_str()).collect();
    statuses.sort_unstable();
    statuses.dedup();
    f.push_in(
        "status",
        statuses
            .into_iter()
            .map(|s| Value::Text(s.into()))
            .collect(),
    );
    let mut objects: Vec<_> = q.object.iter().map(|o| o.as_str()).collect();
    objects.sort_unstable();
    objects.dedup();
    f.push_in(
        "object",
        objects.into_iter().map(|s| Value::Text(s.into())).collect(),
    );
    if let Some(code) = q
        .error_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        f.clauses.push("error_code = ?".into());
        f.params.push(Value::Text(code.into()));
    }
    if let Some(trigger) = q.trigger {
        f.clauses.push("trigger = ?".into());
        f.params.push(Value::Text(trigger.as_str().into()));
    }
    if let Some(batch) = q.batch_id {
        f.clauses.push("batch_id = ?".into());
        f.params.push(Value::Integer(batch.0));
    }
    if let (Some(from), Some(to)) = (q.created_from, q.created_to) {
        if from > to {
            return Err(Error::invalid_input(format!(
                "the date range ends ({}) before it starts ({})",
                super::time::format(to),
                super::time::format(from)
            ))
            .field("createdTo"));
        }
    }
    if let Some(from) = q.created_from {
        f.clauses.push("created_at >= ?".into());
        f.params.push(Value::Integer(to_ms(from)));
    }
    if let Some(to) = q.created_to {
        f.clauses.push("created_at < ?".into());
        f.params.push(Value::Integer(to_ms(to)));
    }
    if let Some(search) = &q.search {
        if let Some(expr) = match_expression(search)? {
            f.clauses.push(
                "id IN (SELECT rowid FROM deliveries_fts WHERE deliveries_fts MATCH ?)".into(),
            );
            f.params.push(Value::Text(expr));
        }
    }
    Ok(f)
}

/// Turns what a person typed into an FTS5 query: every word must start a word of the email,
/// contact name or company. `Jane.Doe@acm` → `"jane"* AND "doe"* AND "acm"*`. Words are split
/// where the index splits them (anything not a letter or digit), so the quotes never need
/// escaping. Text with no letters or digits filters nothing.
pub(crate) fn match_expression(search: &str) -> Result<Option<String>> {
    if search.chars().count() > MAX_SEARCH_CHARS {
        return Err(Error::invalid_input(format!(
            "the search is longer than {MAX_SEARCH_CHARS} characters"
        ))
        .field("search"));
    }
    let words: Vec<String> = search
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"*", w.to_lowercase()))
        .collect();
    Ok((!words.is_empty()).then(|| words.join(" AND ")))
}

/// ORDER BY for the query; ties go by creation time then id, in the same direction, which is
/// exactly the order of the matching index (walked forwards or backwards).
fn order_sql(q: &DeliveryQuery, table: &str) -> String {
    let dir = if q.descending.unwrap_or(true) {
        "DESC"
    } else {
        "ASC"
    };
    let lead = match q.sort.unwrap_or(SortField::CreatedAt) {
        SortField::CreatedAt => None,
        SortField::Status => Some("status"),
        SortField::Email => Some("email_key"),
        SortField::Object => Some("object"),
    };
    let mut keys: Vec<String> = lead
        .into_iter()
        .map(|c| format!("{table}{c} {dir}"))
        .collect();
    keys.push(format!("{table}created_at {dir}"));
    keys.push(format!("{table}id {dir}"));
    format!(" ORDER BY {}", keys.join(", "))
}

fn offset(q: &DeliveryQuery) -> Result<i64> {
    i64::try_from(q.offset.unwrap_or(0))
        .map_err(|_| Error::invalid_input("the offset is too large").field("offset"))
}

/// One window of the log, for the UI's table. `limit` defaults to 100, at most 1000.
pub fn list(conn: &Connection, q: &DeliveryQuery) -> Result<DeliveryPage> {
    let limit = q.limit.unwrap_or(DEFAULT_PAGE_SIZE);
    if limit == 0 || limit > MAX_PAGE_SIZE {
        return Err(Error::invalid_input(format!(
            "a page holds 1 to {MAX_PAGE_SIZE} rows, not {limit}"
        ))
        .field("limit"));
    }
    let f = filter(q)?;
    let offset = offset(q)?;
    // The inner query finds the window's ids from an index alone; only those rows are read.
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM (SELECT id FROM deliveries{}{} LIMIT ? OFFSET ?) AS page \
         JOIN deliveries d ON d.id = page.id{}",
        f.sql(),
        order_sql(q, ""),
        order_sql(q, "d."),
    );
    let mut params = f.params;
    // One extra row says whether there is more.
    params.push(Value::Integer(i64::from(limit) + 1));
    params.push(Value::Integer(offset));
    let mut rows = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(params), delivery_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    Ok(DeliveryPage {
        offset: offset as u64,
        rows,
        has_more,
    })
}

/// How many deliveries match the filters (sort, offset and limit are ignored).
pub fn count(conn: &Connection, q: &DeliveryQuery) -> Result<u64> {
    let f = filter(q)?;
    let n: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM deliveries{}", f.sql()))?
        .query_row(params_from_iter(f.params), |r| r.get(0))?;
    Ok(n as u64)
}

/// Streams every matching delivery in order (honouring offset, and limit when given) without
/// holding them all in memory. Returns how many were visited.
pub fn for_each(
    conn: &Connection,
    q: &DeliveryQuery,
    mut visit: impl FnMut(Delivery) -> Result<()>,
) -> Result<u64> {
    let f = filter(q)?;
    let sql = format!(
        "SELECT {DELIVERY_COLUMNS} FROM deliveries d{}{} LIMIT ? OFFSET ?",
        f.sql(),
        order_sql(q, "d."),
    );
    let mut params = f.params;
    params.push(Value::Integer(q.limit.map(i64::from).unwrap_or(-1)));
    params.push(Value::Integer(offset(q)?));
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(params))?;
    let mut n = 0;
    while let Some(row) = rows.next()? {
        visit(delivery_from_row(row)?)?;
        n += 1;
    }
    Ok(n)
}

/// The ids of every matching delivery, in order (for "retry all failed", "resolve all shown").
pub fn ids(conn: &Connection, q: &DeliveryQuery) -> Result<Vec<DeliveryId>> {
    let f = filter(q)?;
    let sql = format!(
        "SELECT id FROM deliveries{}{} LIMIT ? OFFSET ?",
        f.sql(),
        order_sql(q, ""),
    );
    let mut params = f.params;
    params.push(Value::Integer(q.limit.map(i64::from).unwrap_or(-1)));
    params.push(Value::Integer(offset(q)?));
    let ids = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(params), |r| r.get(0).map(DeliveryId))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ids)
}

/// The error codes among the matching deliveries, most frequent first (for the filter menu).
pub fn error_codes(conn: &Connection, q: &DeliveryQuery) -> Result<Vec<ErrorCodeCount>> {
    let mut f = filter(q)?;
    f.clauses.push("error_code IS NOT NULL".into());
    let sql = format!(
        "SELECT error_code, count(*) AS n FROM deliveries{} GROUP BY error_code ORDER BY n DESC, error_code",
        f.sql()
    );
    let codes = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(f.params), |r| {
            Ok(ErrorCodeCount {
                code: r.get(0)?,
                count: r.get::<_, i64>(1)? as u64,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_become_prefix_terms() {
        assert_eq!(
            match_expression("Jane.Doe@acm").unwrap().as_deref(),
            Some("\"jane\"* AND \"doe\"* AND \"acm\"*")
        );
        assert_eq!(
            match_expression("o'brien").unwrap().as_deref(),
            Some("\"o\"* AND \"brien\"*")
        );
        assert_eq!(match_expression(" @@ \"* ").unwrap(), None);
        let e = match_expression(&"x".repeat(MAX_SEARCH_CHARS + 1)).unwrap_err();
        assert!(e.is_usage());
    }

    #[test]
    fn order_follows_one_direction() {
        let q = DeliveryQuery {
            sort: Some(SortField::Email),
            descending: Some(false),
            ..Default::default()
        };
        assert_eq!(
            order_sql(&q, "d."),
            " ORDER BY d.email_key ASC, d.created_at ASC, d.id ASC"
        );
        assert_eq!(
            order_sql(&DeliveryQuery::default(), ""),
            " ORDER BY created_at DESC, id DESC"
        );
    }
}
