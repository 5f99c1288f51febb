//! Listing the log: filters, order, windows, counts.
//!
//! The UI's virtual table asks for ~100-row windows at any offset. Without a search, a window is
//! a walk of the index of its sort order (every index ends in created_at, id and carries the
//! filter columns, so filters are checked inside the index) plus one row lookup per row shown.
//!
//! A search goes through the full-text index, and how depends on its size:
//! - search alone, newest/oldest first: the full-text index streams matches in id order, which
//!   is creation order (`begin_delivery` keeps `created_at` from running backwards);
//! - a narrow search (fewer than [`NARROW_SEARCH`] matches): read every match, filter, sort;
//! - a broad search with a filter matching many rows: stream matches in id order, checking the
//!   filter on each row, until the window is full;
//! - a broad search with a filter matching fewer rows: collect the ids the filter matches (from
//!   an index alone) and stream matches in id order, keeping those in the set;
//! - other sorts, and counts: read the matches into a bitmap ([`MatchSet`]), then walk the
//!   filter's or sort's index and keep the rows in it.

use rusqlite::types::Value;
use rusqlite::{params_from_iter, Connection};

use super::match_set::MatchSet;
use super::model::{
    Delivery, DeliveryId, DeliveryListing, DeliveryPage, DeliveryQuery, ErrorCodeCount, SortField,
};
use super::read::{delivery_from_row, DELIVERY_COLUMNS};
use super::time::to_ms;
use crate::{Error, Result};

/// Rows `list` returns when the query does not say.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// The most rows one `list` call returns; stream with `for_each` or `export_csv` for more.
pub const MAX_PAGE_SIZE: u32 = 1000;
/// Longest free-text search accepted, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;
/// A search with fewer matches than this is read whole (each match costs one row lookup).
/// Tests use small thresholds so a few thousand rows exercise every plan.
const NARROW_SEARCH: i64 = if cfg!(test) { 50 } else { 5_000 };
/// Filters matching at least this many rows are dense enough to check while streaming a broad
/// search's matches: a window fills after a few thousand matches at most.
const DENSE_FILTER: i64 = if cfg!(test) { 500 } else { 50_000 };

/// Filters whose column leads an index; when several are present the most selective one drives
/// the query (see [`choose_driver`]).
const DRIVER_COLUMNS: [&str; 4] = ["status", "object", "error_code", "batch_id"];
/// How far [`choose_driver`] counts each candidate: enough to tell a narrow filter from a broad
/// one, cheap because each count reads one index range.
const DRIVER_PROBE: i64 = 20_000;

/// One condition of a WHERE clause.
#[derive(Clone)]
struct Clause {
    column: &'static str,
    /// What follows the column: ` IN (?, ?)`, ` = ?`, ` >= ?`.
    test: String,
    params: Vec<Value>,
    /// False writes the column as `+column`: SQLite then checks it (inside whatever index it
    /// walks) but does not pick its index to drive the query.
    indexed: bool,
}

impl Clause {
    fn new(column: &'static str, test: impl Into<String>, params: Vec<Value>) -> Clause {
        Clause {
            column,
            test: test.into(),
            params,
            indexed: true,
        }
    }

    fn sql(&self) -> String {
        let plus = if self.indexed { "" } else { "+" };
        format!("{plus}{}{}", self.column, self.test)
    }
}

/// A WHERE clause (without the search).
#[derive(Clone)]
struct Filter {
    clauses: Vec<Clause>,
}

impl Filter {
    fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }

    /// The conditions joined by AND.
    fn conditions(&self) -> String {
        self.clauses
            .iter()
            .map(Clause::sql)
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// The conditions after `keyword` (`WHERE` or `AND`); empty without clauses.
    fn sql(&self, keyword: &str) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" {keyword} {}", self.conditions())
        }
    }

    fn params(&self) -> Vec<Value> {
        self.clauses
            .iter()
            .flat_map(|c| c.params.iter().cloned())
            .collect()
    }

    fn push_in(&mut self, column: &'static str, values: Vec<Value>) {
        if values.is_empty() {
            return;
        }
        let marks = vec!["?"; values.len()].join(", ");
        self.clauses
            .push(Clause::new(column, format!(" IN ({marks})"), values));
    }
}

/// Without statistics SQLite cannot tell `status = 'failed'` (a few percent of the log) from
/// `object = 'Lead'` (most of it) and may walk the wrong index. When several indexed filters are
/// present, count each one's rows (with the date range, up to [`DRIVER_PROBE`]) and let only
/// the smallest drive; the others are still checked, inside that index.
fn choose_driver(conn: &Connection, f: &mut Filter) -> Result<()> {
    let candidates: Vec<usize> = (0..f.clauses.len())
        .filter(|&i| DRIVER_COLUMNS.contains(&f.clauses[i].column))
        .collect();
    if candidates.len() < 2 {
        return Ok(());
    }
    let range: Vec<Clause> = f
        .clauses
        .iter()
        .filter(|c| c.column == "created_at")
        .cloned()
        .collect();
    let mut best: Option<(i64, usize)> = None;
    for &i in &candidates {
        let mut alone = Filter {
            clauses: vec![f.clauses[i].clone()],
        };
        alone.clauses.extend(range.iter().cloned());
        let n = capped_count(
            conn,
            &format!("SELECT 1 FROM deliveries{}", alone.sql("WHERE")),
            alone.params(),
            DRIVER_PROBE,
        )?;
        if best.is_none_or(|(least, _)| n < least) {
            best = Some((n, i));
        }
    }
    if let Some((_, driver)) = best {
        for &i in &candidates {
            f.clauses[i].indexed = i == driver;
        }
    }
    Ok(())
}

/// A query's filters and its full-text expression.
pub(super) struct Parsed {
    filter: Filter,
    search: Option<String>,
}

pub(super) fn parse(q: &DeliveryQuery) -> Result<Parsed> {
    let mut f = Filter {
        clauses: Vec::new(),
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
        f.clauses.push(Clause::new(
            "error_code",
            " = ?",
            vec![Value::Text(code.into())],
        ));
    }
    if let Some(trigger) = q.trigger {
        f.clauses.push(Clause::new(
            "trigger",
            " = ?",
            vec![Value::Text(trigger.as_str().into())],
        ));
    }
    if let Some(batch) = q.batch_id {
        f.clauses.push(Clause::new(
            "batch_id",
            " = ?",
            vec![Value::Integer(batch.0)],
        ));
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
        f.clauses.push(Clause::new(
            "created_at",
            " >= ?",
            vec![Value::Integer(to_ms(from))],
        ));
    }
    if let Some(to) = q.created_to {
        f.clauses.push(Clause::new(
            "created_at",
            " < ?",
            vec![Value::Integer(to_ms(to))],
        ));
    }
    let search = match &q.search {
        Some(text) => match_expression(text)?,
        None => None,
    };
    Ok(Parsed { filter: f, search })
}

/// Turns what a person typed into an FTS5 query: every word must start a word of the email,
/// contact name or company. `Jane.Doe@acm` → `"jane"* AND "doe"* AND "acm"*`. Words are split
/// where the index splits them (anything not a letter or digit), so the quotes never need
/// escaping. A one-character word must match a whole word (a one-letter prefix matches nearly
/// everything and helps nobody). Text with no letters or digits filters nothing.
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
        .map(|w| {
            let w = w.to_lowercase();
            if w.chars().count() == 1 {
                format!("\"{w}\"")
            } else {
                format!("\"{w}\"*")
            }
        })
        .collect();
    Ok((!words.is_empty()).then(|| words.join(" AND ")))
}

fn descending(q: &DeliveryQuery) -> bool {
    q.descending.unwrap_or(true)
}

fn sorts_by_creation(q: &DeliveryQuery) -> bool {
    q.sort.unwrap_or(SortField::CreatedAt) == SortField::CreatedAt
}

/// ORDER BY for the query; ties go by creation time then id, in the same direction, which is
/// exactly the order of the matching index (walked forwards or backwards).
fn order_sql(q: &DeliveryQuery, table: &str) -> String {
    let dir = if descending(q) { "DESC" } else { "ASC" };
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

/// How a query with a search is answered (see the module comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// No search: walk the sort order's index.
    Plain,
    /// Search alone: the full-text index in id (= creation) order.
    SearchStream,
    /// Few matches: look each up, filter, sort.
    SearchNarrow,
    /// Many matches, filter matching many rows: matches in id order, filter checked per row.
    SearchDense,
    /// Many matches, filter matching fewer rows: matches in id order, kept if in the filter's id set.
    SearchFilterSet,
    /// Other sorts and counts: the sort or filter index, each row probed in the bitmap of matches.
    SearchProbe,
}

/// `count(*)` of a query that stops at `cap` rows: cheap, and enough to pick a plan.
fn capped_count(conn: &Connection, sql: &str, mut params: Vec<Value>, cap: i64) -> Result<i64> {
    params.push(Value::Integer(cap));
    Ok(conn
        .prepare_cached(&format!("SELECT count(*) FROM ({sql} LIMIT ?)"))?
        .query_row(params_from_iter(params), |r| r.get(0))?)
}

pub(super) fn shape(
    conn: &Connection,
    q: &DeliveryQuery,
    p: &Parsed,
    counting: bool,
) -> Result<Shape> {
    let Some(expr) = &p.search else {
        return Ok(Shape::Plain);
    };
    if p.filter.is_empty() && (counting || sorts_by_creation(q)) {
        return Ok(Shape::SearchStream);
    }
    let matches = capped_count(
        conn,
        "SELECT 1 FROM deliveries_fts WHERE deliveries_fts MATCH ?",
        vec![Value::Text(expr.clone())],
        NARROW_SEARCH,
    )?;
    if matches < NARROW_SEARCH {
        return Ok(Shape::SearchNarrow);
    }
    if !counting && sorts_by_creation(q) {
        let hits = capped_count(
            conn,
            &format!("SELECT 1 FROM deliveries{}", p.filter.sql("WHERE")),
            p.filter.params(),
            DENSE_FILTER,
        )?;
        return Ok(if hits >= DENSE_FILTER {
            Shape::SearchDense
        } else {
            Shape::SearchFilterSet
        });
    }
    Ok(Shape::SearchProbe)
}

/// The SQL selecting the matching ids (in order when `ordered`; without LIMIT/OFFSET) and its
/// parameters.
fn ids_sql(q: &DeliveryQuery, p: &Parsed, shape: Shape, ordered: bool) -> (String, Vec<Value>) {
    let f = &p.filter;
    let expr = || Value::Text(p.search.clone().unwrap_or_default());
    let dir = if descending(q) { "DESC" } else { "ASC" };
    let order = |table: &str| {
        if ordered {
            order_sql(q, table)
        } else {
            String::new()
        }
    };
    let rowid_order = |table: &str| {
        if ordered {
            format!(" ORDER BY {table}rowid {dir}")
        } else {
            String::new()
        }
    };
    match shape {
        Shape::Plain => (
            format!("SELECT id FROM deliveries{}{}", f.sql("WHERE"), order("")),
            f.params(),
        ),
        Shape::SearchStream => (
            format!(
                "SELECT rowid FROM deliveries_fts WHERE deliveries_fts MATCH ?{}",
                rowid_order("")
            ),
            vec![expr()],
        ),
        // CROSS JOIN keeps the full-text index as the outer loop.
        Shape::SearchNarrow | Shape::SearchDense => {
            let order = if shape == Shape::SearchNarrow {
                order("d.")
            } else {
                rowid_order("f.")
            };
            let mut params = vec![expr()];
            params.extend(f.params());
            (
                format!(
                    "SELECT d.id FROM deliveries_fts f CROSS JOIN deliveries d ON d.id = f.rowid \
                     WHERE f.deliveries_fts MATCH ?{}{order}",
                    f.sql("AND")
                ),
                params,
            )
        }
        // `+rowid` keeps FTS5 from seeking once per id of the set: the set is only probed.
        Shape::SearchFilterSet => {
            let mut params = vec![expr()];
            params.extend(f.params());
            (
                format!(
                    "SELECT rowid FROM deliveries_fts WHERE deliveries_fts MATCH ? \
                     AND +rowid IN (SELECT id FROM deliveries{}){}",
                    f.sql("WHERE"),
                    rowid_order("")
                ),
                params,
            )
        }
        // The sort's or filter's index alone; each_id and count probe every id it yields in the
        // search's MatchSet.
        Shape::SearchProbe => ids_sql(q, p, Shape::Plain, ordered),
    }
}

fn offset(q: &DeliveryQuery) -> Result<i64> {
    i64::try_from(q.offset.unwrap_or(0))
        .map_err(|_| Error::invalid_input("the offset is too large").field("offset"))
}

/// Parses the query, picks the driving filter (for creation order and counts, where any
/// filter's index serves) and the search plan.
fn plan(conn: &Connection, q: &DeliveryQuery, counting: bool) -> Result<(Parsed, Shape)> {
    let mut p = parse(q)?;
    if counting || sorts_by_creation(q) {
        choose_driver(conn, &mut p.filter)?;
    }
    let shape = shape(conn, q, &p, counting)?;
    Ok((p, shape))
}

/// The SQL `count` runs when it needs no probe, and its parameters (tests read its plan).
#[cfg(test)]
pub(super) fn count_sql(conn: &Connection, q: &DeliveryQuery) -> Result<(String, Vec<Value>)> {
    let (p, shape) = plan(conn, q, true)?;
    let (sql, params) = ids_sql(q, &p, shape, false);
    Ok((format!("SELECT count(*) FROM ({sql})"), params))
}

/// The search's matches, when the plan probes them.
fn probe_set(conn: &Connection, p: &Parsed, shape: Shape) -> Result<Option<MatchSet>> {
    match (&p.search, shape) {
        (Some(expr), Shape::SearchProbe) => Ok(Some(MatchSet::read(conn, expr)?)),
        _ => Ok(None),
    }
}

/// Visits the ids of the query's window (`limit` None: every match) in order.
fn each_id(
    conn: &Connection,
    q: &DeliveryQuery,
    limit: Option<i64>,
    mut visit: impl FnMut(DeliveryId) -> Result<()>,
) -> Result<u64> {
    let offset = offset(q)?;
    let (p, shape) = plan(conn, q, false)?;
    let (sql, mut params) = ids_sql(q, &p, shape, true);
    let Some(matches) = probe_set(conn, &p, shape)? else {
        params.push(Value::Integer(limit.unwrap_or(-1)));
        params.push(Value::Integer(offset));
        let mut stmt = conn.prepare_cached(&format!("{sql} LIMIT ? OFFSET ?"))?;
        let mut rows = stmt.query(params_from_iter(params))?;
        let mut n = 0;
        while let Some(row) = rows.next()? {
            visit(DeliveryId(row.get(0)?))?;
            n += 1;
        }
        return Ok(n);
    };
    // Walk the index in order, keeping the matches: the offset counts matches only.
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(params))?;
    let (mut skip, mut n) = (offset, 0u64);
    while let Some(row) = rows.next()? {
        let id = row.get::<_, i64>(0)?;
        if !matches.contains(id) {
            continue;
        }
        if skip > 0 {
            skip -= 1;
            continue;
        }
        if limit.is_some_and(|l| n as i64 >= l) {
            break;
        }
        visit(DeliveryId(id))?;
        n += 1;
    }
    Ok(n)
}

fn fetch(conn: &Connection, id: DeliveryId) -> Result<Delivery> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries d WHERE d.id = ?1"
        ))?
        .query_row([id.0], delivery_from_row)?)
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
    // The window's ids come from an index alone; only those rows are read. One extra id says
    // whether there is more.
    let mut ids = Vec::with_capacity(limit as usize + 1);
    each_id(conn, q, Some(i64::from(limit) + 1), |id| {
        ids.push(id);
        Ok(())
    })?;
    let has_more = ids.len() > limit as usize;
    ids.truncate(limit as usize);
    let rows = ids
        .into_iter()
        .map(|id| fetch(conn, id))
        .collect::<Result<Vec<_>>>()?;
    Ok(DeliveryPage {
        offset: offset(q)? as u64,
        rows,
        has_more,
    })
}

/// [`list`], with the number of matches when the window is the first (offset 0).
pub fn list_counted(conn: &Connection, q: &DeliveryQuery) -> Result<DeliveryListing> {
    let page = list(conn, q)?;
    let total = if page.offset == 0 {
        Some(count(conn, q)?)
    } else {
        None
    };
    Ok(DeliveryListing {
        offset: page.offset,
        rows: page.rows,
        has_more: page.has_more,
        total,
    })
}

/// How many deliveries match the filters (sort, offset and limit are ignored).
pub fn count(conn: &Connection, q: &DeliveryQuery) -> Result<u64> {
    let (p, shape) = plan(conn, q, true)?;
    let (sql, params) = ids_sql(q, &p, shape, false);
    let Some(matches) = probe_set(conn, &p, shape)? else {
        let n: i64 = conn
            .prepare_cached(&format!("SELECT count(*) FROM ({sql})"))?
            .query_row(params_from_iter(params), |r| r.get(0))?;
        return Ok(n as u64);
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(params))?;
    let mut n = 0;
    while let Some(row) = rows.next()? {
        n += u64::from(matches.contains(row.get::<_, i64>(0)?));
    }
    Ok(n)
}

/// Streams every matching delivery in order (honouring offset, and limit when given) without
/// holding them all in memory. Returns how many were visited.
pub fn for_each(
    conn: &Connection,
    q: &DeliveryQuery,
    mut visit: impl FnMut(Delivery) -> Result<()>,
) -> Result<u64> {
    each_id(conn, q, q.limit.map(i64::from), |id| {
        visit(fetch(conn, id)?)
    })
}

/// The ids of every matching delivery, in order (for "retry all failed", "resolve all shown").
pub fn ids(conn: &Connection, q: &DeliveryQuery) -> Result<Vec<DeliveryId>> {
    let mut ids = Vec::new();
    each_id(conn, q, q.limit.map(i64::from), |id| {
        ids.push(id);
        Ok(())
    })?;
    Ok(ids)
}

/// The error codes among the matching deliveries, most frequent first (for the filter menu).
pub fn error_codes(conn: &Connection, q: &DeliveryQuery) -> Result<Vec<ErrorCodeCount>> {
    let mut p = parse(q)?;
    p.filter
        .clauses
        .push(Clause::new("error_code", " IS NOT NULL", Vec::new()));
    if let Some(expr) = p.search.take() {
        let mut probe = Clause::new(
            "id",
            " IN (SELECT rowid FROM deliveries_fts WHERE deliveries_fts MATCH ?)",
            vec![Value::Text(expr)],
        );
        probe.indexed = false;
        p.filter.clauses.push(probe);
    }
    let sql = format!(
        "SELECT error_code, count(*) AS n FROM deliveries{} GROUP BY error_code ORDER BY n DESC, error_code",
        p.filter.sql("WHERE")
    );
    let codes = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(p.filter.params()), |r| {
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
            Some("\"o\" AND \"brien\"*"),
            "a one-letter word matches whole words only"
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
