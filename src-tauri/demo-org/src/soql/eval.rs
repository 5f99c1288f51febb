//! Resolves a parsed query against the schema (the INVALID_TYPE / INVALID_FIELD / type checks
//! Salesforce makes before running it), then evaluates it over the org's records.

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};

use super::lexer::{lex, SoqlString};
use super::parser::{self, Cond, Literal, Path, Select};
use super::{dates, SoqlError, MAX_STATEMENT_CHARS};
use crate::ids;
use crate::schema::{FieldDef, FieldType, ObjectDef, Schema};
use crate::store::{Org, Record};
use crate::time;

/// The rows of a query, before paging.
#[derive(Debug)]
pub struct QueryResult {
    /// `totalSize`: the number of rows (for COUNT(), the count).
    pub total_size: usize,
    pub records: Vec<Value>,
}

/// A path resolved against the schema: the reference fields it walks, then the field.
#[derive(Clone, Debug)]
struct RPath {
    /// Reference fields walked, each with the object it leads to.
    steps: Vec<(&'static FieldDef, &'static ObjectDef)>,
    field: &'static FieldDef,
    /// For each step, (object owning the reference field, its position), then the same for
    /// the final field: positional reads on the filter and sort hot paths.
    positions: Vec<(&'static ObjectDef, usize)>,
}

/// A comparison value in the type of the field it is compared with.
#[derive(Clone, Debug)]
enum CVal {
    Null,
    Text(String),
    Id(String),
    Num(f64),
    Bool(bool),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
    Range(NaiveDate, NaiveDate),
}

#[derive(Clone, Debug)]
enum LikeTok {
    Char(char),
    One,
    Many,
}

#[derive(Clone, Debug)]
enum CCond {
    And(Vec<CCond>),
    Or(Vec<CCond>),
    Not(Box<CCond>),
    Cmp {
        path: RPath,
        op: &'static str,
        value: CVal,
    },
    In {
        path: RPath,
        negated: bool,
        values: Vec<CVal>,
    },
    Like {
        path: RPath,
        pattern: Vec<LikeTok>,
    },
}

const NO_COLUMN_HINT: &str = "If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.";
const NO_RELATIONSHIP_HINT: &str = "If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.";
const NO_TYPE_HINT: &str = "If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.";

/// Runs `soql` over `org`. `all_rows` includes deleted records (`queryAll`); `today` anchors
/// relative date literals.
pub fn run(
    org: &Org,
    soql: &str,
    all_rows: bool,
    version: &str,
    today: NaiveDate,
) -> Result<QueryResult, SoqlError> {
    if soql.chars().count() > MAX_STATEMENT_CHARS {
        return Err(SoqlError {
            code: "MALFORMED_QUERY",
            message: format!("SOQL statements cannot exceed {MAX_STATEMENT_CHARS} characters"),
            pos: None,
        });
    }
    let query = parser::parse(lex(soql)?)?;
    let schema = Schema::get();
    let object = schema
        .object(&query.object)
        .filter(|o| o.queryable)
        .ok_or_else(|| {
            SoqlError::at(
                "INVALID_TYPE",
                format!(
                    "sObject type '{}' is not supported. {NO_TYPE_HINT}",
                    query.object
                ),
                query.object_pos,
            )
        })?;
    let fields = match &query.select {
        Select::Count => None,
        Select::Fields(paths) => {
            let mut seen: Vec<String> = Vec::new();
            let mut out = Vec::new();
            for p in paths {
                let r = resolve(object, p)?;
                let key = canonical(&r).to_ascii_lowercase();
                if seen.contains(&key) {
                    return Err(SoqlError::malformed(
                        format!("duplicate field selected: {}", p.parts.join(".")),
                        p.pos,
                    ));
                }
                seen.push(key);
                out.push(r);
            }
            Some(out)
        }
    };
    let filter = query
        .filter
        .as_ref()
        .map(|c| compile(object, c, today))
        .transpose()?;
    let mut order = Vec::new();
    for o in &query.order {
        let r = resolve(object, &o.path)?;
        if !r.field.sortable {
            return Err(SoqlError::at(
                "INVALID_FIELD",
                format!("field '{}' can not be sorted in a query call", r.field.name),
                o.path.pos,
            ));
        }
        order.push((r, o.descending, o.nulls_last));
    }
    if let Some((offset, pos)) = query.offset {
        if offset > 2000 {
            return Err(SoqlError::at(
                "NUMBER_OUTSIDE_VALID_RANGE",
                "Maximum SOQL offset allowed is 2000",
                pos,
            ));
        }
    }

    let mut rows: Vec<&Record> = org
        .table(object)
        .filter(|r| all_rows || !r.is_deleted())
        .filter(|r| filter.as_ref().is_none_or(|c| matches(org, r, c)))
        .collect();
    if !order.is_empty() {
        rows.sort_by(|a, b| {
            for (path, descending, nulls_last) in &order {
                let (va, vb) = (lookup(org, a, path), lookup(org, b, path));
                let ord = match (va, vb) {
                    (None, None) => Ordering::Equal,
                    (None, Some(_)) => {
                        if *nulls_last {
                            Ordering::Greater
                        } else {
                            Ordering::Less
                        }
                    }
                    (Some(_), None) => {
                        if *nulls_last {
                            Ordering::Less
                        } else {
                            Ordering::Greater
                        }
                    }
                    (Some(x), Some(y)) => {
                        let o = sort_cmp(path.field.ftype, x, y);
                        if *descending {
                            o.reverse()
                        } else {
                            o
                        }
                    }
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            Ordering::Equal
        });
    }
    let offset = query.offset.map_or(0, |o| o.0 as usize);
    let limit = query.limit.map_or(usize::MAX, |l| l as usize);
    let rows = rows.into_iter().skip(offset).take(limit);
    match fields {
        None => Ok(QueryResult {
            total_size: rows.count(),
            records: Vec::new(),
        }),
        Some(fields) => {
            let records: Vec<Value> = rows
                .map(|r| project(org, object, r, &fields, version))
                .collect();
            Ok(QueryResult {
                total_size: records.len(),
                records,
            })
        }
    }
}

fn canonical(r: &RPath) -> String {
    let mut parts: Vec<&str> = r
        .steps
        .iter()
        .filter_map(|(f, _)| f.relationship_name)
        .collect();
    parts.push(r.field.name);
    parts.join(".")
}

fn resolve(base: &'static ObjectDef, path: &Path) -> Result<RPath, SoqlError> {
    let schema = Schema::get();
    let mut parts: &[String] = &path.parts;
    // `SELECT Lead.Email FROM Lead`: the object name may qualify a field.
    if parts.len() > 1
        && parts[0].eq_ignore_ascii_case(base.name)
        && base.relationship(&parts[0]).is_none()
    {
        parts = &parts[1..];
    }
    let Some((last, rels)) = parts.split_last() else {
        return Err(SoqlError::malformed("unexpected token: '.'", path.pos));
    };
    let mut obj = base;
    let mut steps = Vec::new();
    let mut positions = Vec::new();
    for rel in rels {
        let f = obj.relationship(rel).ok_or_else(|| {
            SoqlError::at(
                "INVALID_FIELD",
                format!(
                    "Didn't understand relationship '{rel}' in field path. {NO_RELATIONSHIP_HINT}"
                ),
                path.pos,
            )
        })?;
        // Polymorphic lookups (Owner: Group or User) resolve to the first object served.
        let target = f.reference_to.iter().find_map(|t| schema.object(t)).ok_or_else(|| {
            SoqlError::at("INVALID_FIELD", format!("Didn't understand relationship '{rel}' in field path. {NO_RELATIONSHIP_HINT}"), path.pos)
        })?;
        positions.push((obj, obj.position(f.name).unwrap_or(0)));
        steps.push((f, target));
        obj = target;
    }
    let field = obj.field(last).ok_or_else(|| {
        SoqlError::at(
            "INVALID_FIELD",
            format!(
                "No such column '{last}' on entity '{}'. {NO_COLUMN_HINT}",
                obj.name
            ),
            path.pos,
        )
    })?;
    positions.push((obj, obj.position(field.name).unwrap_or(0)));
    Ok(RPath {
        steps,
        field,
        positions,
    })
}

fn compile(object: &'static ObjectDef, c: &Cond, today: NaiveDate) -> Result<CCond, SoqlError> {
    Ok(match c {
        Cond::And(items) => CCond::And(
            items
                .iter()
                .map(|i| compile(object, i, today))
                .collect::<Result<_, _>>()?,
        ),
        Cond::Or(items) => CCond::Or(
            items
                .iter()
                .map(|i| compile(object, i, today))
                .collect::<Result<_, _>>()?,
        ),
        Cond::Not(inner) => CCond::Not(Box::new(compile(object, inner, today)?)),
        Cond::Cmp { path, op, value } => {
            let r = filterable(object, path)?;
            let v = typed_value(&r, value, today)?;
            if matches!(v, CVal::Bool(_)) && !matches!(*op, "=" | "!=") {
                return Err(SoqlError::at(
                    "INVALID_QUERY_FILTER_OPERATOR",
                    format!("invalid operator on boolean field: {}", r.field.name),
                    path.pos,
                ));
            }
            CCond::Cmp {
                path: r,
                op,
                value: v,
            }
        }
        Cond::In {
            path,
            negated,
            values,
        } => {
            let r = filterable(object, path)?;
            let vals = values
                .iter()
                .map(|v| typed_value(&r, v, today))
                .collect::<Result<_, _>>()?;
            CCond::In {
                path: r,
                negated: *negated,
                values: vals,
            }
        }
        Cond::Like { path, pattern } => {
            let r = filterable(object, path)?;
            if !r.field.ftype.is_text() {
                return Err(SoqlError::at(
                    "INVALID_QUERY_FILTER_OPERATOR",
                    format!(
                        "invalid operator on {} field: {}",
                        r.field.ftype.api_name(),
                        r.field.name
                    ),
                    path.pos,
                ));
            }
            match &pattern.lit {
                Literal::Str(s) => CCond::Like {
                    path: r,
                    pattern: like_pattern(s),
                },
                _ => return Err(type_error(r.field, pattern.pos)),
            }
        }
    })
}

fn filterable(object: &'static ObjectDef, path: &Path) -> Result<RPath, SoqlError> {
    let r = resolve(object, path)?;
    if !r.field.filterable {
        return Err(SoqlError::at(
            "INVALID_FIELD",
            format!(
                "field '{}' can not be filtered in a query call",
                r.field.name
            ),
            path.pos,
        ));
    }
    Ok(r)
}

fn type_error(field: &FieldDef, pos: usize) -> SoqlError {
    let (type_name, quoted) = match field.ftype {
        t if t.is_text() || t.is_id() => ("string", true),
        FieldType::Boolean => ("boolean", false),
        FieldType::Int => ("int", false),
        FieldType::Double => ("double", false),
        FieldType::Currency => ("currency", false),
        FieldType::Percent => ("percent", false),
        FieldType::Date => ("date", false),
        _ => ("dateTime", false),
    };
    let quotes = if quoted {
        "should be enclosed in quotes"
    } else {
        "should not be enclosed in quotes"
    };
    SoqlError::malformed(
        format!(
            "value of filter criterion for field '{}' must be of type {type_name} and {quotes}",
            field.name
        ),
        pos,
    )
}

fn typed_value(r: &RPath, v: &parser::Value, today: NaiveDate) -> Result<CVal, SoqlError> {
    let f = r.field;
    let t = f.ftype;
    Ok(match (&v.lit, t) {
        (Literal::Null, _) => CVal::Null,
        (Literal::Str(s), t) if t.is_id() => match ids::to_18(&s.value) {
            Some(id) => CVal::Id(id),
            None => {
                return Err(SoqlError::at(
                    "INVALID_QUERY_FILTER_OPERATOR",
                    format!("invalid ID field: {}", s.value),
                    v.pos,
                ))
            }
        },
        (Literal::Str(s), t) if t.is_text() => CVal::Text(s.value.to_lowercase()),
        (Literal::Num(n), t) if t.is_number() => CVal::Num(*n),
        (Literal::Bool(b), FieldType::Boolean) => CVal::Bool(*b),
        (Literal::Date(d), FieldType::Date) => CVal::Date(*d),
        (Literal::DateTime(d), FieldType::DateTime) => CVal::DateTime(*d),
        (Literal::Relative { name, n }, FieldType::Date | FieldType::DateTime) => {
            match dates::range(name, *n, today) {
                Some((a, b)) => CVal::Range(a, b),
                None => {
                    return Err(SoqlError::malformed(
                        format!("unexpected token: '{name}'"),
                        v.pos,
                    ))
                }
            }
        }
        _ => return Err(type_error(f, v.pos)),
    })
}

/// Compiles a LIKE pattern, lower-cased once here so matching never allocates for it.
fn like_pattern(s: &SoqlString) -> Vec<LikeTok> {
    let mut out = Vec::with_capacity(s.value.len());
    for (i, c) in s.value.chars().enumerate() {
        match c {
            '%' if !s.escaped_wildcards.contains(&i) => out.push(LikeTok::Many),
            '_' if !s.escaped_wildcards.contains(&i) => out.push(LikeTok::One),
            c => out.extend(c.to_lowercase().map(LikeTok::Char)),
        }
    }
    out
}

/// Case-insensitive LIKE matching with `%` and `_` (the pattern is already lower-cased).
fn like_matches(pat: &[LikeTok], text: &str) -> bool {
    let text: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    // Classic wildcard matching with backtracking to the last `%`.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pat.get(p) {
            Some(LikeTok::Many) => {
                star = Some((p, t));
                p += 1;
            }
            Some(LikeTok::One) => {
                p += 1;
                t += 1;
            }
            Some(LikeTok::Char(c)) if *c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pat[p..].iter().all(|t| matches!(t, LikeTok::Many))
}

/// The value a path reaches from `record`, following references; `None` for null.
fn lookup<'a>(org: &'a Org, record: &'a Record, path: &RPath) -> Option<&'a Value> {
    // A record of the expected object is read by position; a polymorphic lookup that reached
    // another object (Who: a Lead rather than a Contact) is read by name.
    let read = |r: &'a Record, (owner, pos): (&ObjectDef, usize), name: &str| {
        if std::ptr::eq(r.object(), owner) {
            Some(r.at(pos))
        } else {
            r.get(name)
        }
    };
    let mut current = record;
    for (i, (step, _)) in path.steps.iter().enumerate() {
        let id = read(current, path.positions[i], step.name)?.as_str()?;
        current = org.find(id)?.1;
    }
    let last = path.positions[path.steps.len()];
    read(current, last, path.field.name).filter(|v| !v.is_null())
}

fn matches(org: &Org, record: &Record, c: &CCond) -> bool {
    match c {
        CCond::And(items) => items.iter().all(|i| matches(org, record, i)),
        CCond::Or(items) => items.iter().any(|i| matches(org, record, i)),
        CCond::Not(inner) => !matches(org, record, inner),
        CCond::Cmp { path, op, value } => {
            compare(path.field.ftype, lookup(org, record, path), op, value)
        }
        CCond::In {
            path,
            negated,
            values,
        } => {
            let v = lookup(org, record, path);
            let found = values.iter().any(|c| compare(path.field.ftype, v, "=", c));
            found != *negated
        }
        CCond::Like { path, pattern } => lookup(org, record, path)
            .and_then(Value::as_str)
            .is_some_and(|s| like_matches(pattern, s)),
    }
}

fn apply(op: &str, ord: Option<Ordering>) -> bool {
    match (op, ord) {
        ("=", Some(o)) => o == Ordering::Equal,
        ("!=", Some(o)) => o != Ordering::Equal,
        ("<", Some(o)) => o == Ordering::Less,
        ("<=", Some(o)) => o != Ordering::Greater,
        (">", Some(o)) => o == Ordering::Greater,
        (">=", Some(o)) => o != Ordering::Less,
        ("!=", None) => true,
        _ => false,
    }
}

fn value_date(ftype: FieldType, v: &Value) -> Option<NaiveDate> {
    let s = v.as_str()?;
    match ftype {
        FieldType::Date => time::parse_date(s),
        _ => time::parse_datetime(s).map(|t| t.date_naive()),
    }
}

/// SOQL is two-valued: a null field equals only `null`, and `!=` a value is true for it.
fn compare(ftype: FieldType, v: Option<&Value>, op: &str, c: &CVal) -> bool {
    let Some(v) = v else {
        return match c {
            CVal::Null => op == "=",
            _ => op == "!=",
        };
    };
    let ord = match c {
        CVal::Null => return op == "!=",
        // Case-insensitive without allocating: the literal is already lower-cased.
        CVal::Text(t) => v
            .as_str()
            .map(|s| s.chars().flat_map(char::to_lowercase).cmp(t.chars())),
        CVal::Id(id) => v.as_str().map(|s| s.cmp(id.as_str())),
        CVal::Num(n) => v.as_f64().and_then(|x| x.partial_cmp(n)),
        CVal::Bool(b) => v.as_bool().map(|x| x.cmp(b)),
        CVal::Date(d) => value_date(ftype, v).map(|x| x.cmp(d)),
        CVal::DateTime(d) => v.as_str().and_then(time::parse_datetime).map(|x| x.cmp(d)),
        CVal::Range(start, end) => {
            let Some(d) = value_date(ftype, v) else {
                return op == "!=";
            };
            let inside = d >= *start && d < *end;
            return match op {
                "=" => inside,
                "!=" => !inside,
                "<" => d < *start,
                "<=" => d < *end,
                ">" => d >= *end,
                ">=" => d >= *start,
                _ => false,
            };
        }
    };
    apply(op, ord)
}

fn sort_cmp(ftype: FieldType, a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::String(x), Value::String(y)) if ftype.is_text() => {
            x.to_lowercase().cmp(&y.to_lowercase())
        }
        (Value::String(x), Value::String(y)) if ftype == FieldType::DateTime => {
            time::parse_datetime(x).cmp(&time::parse_datetime(y))
        }
        (Value::String(x), Value::String(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

fn attributes(object: &str, id: &str, version: &str) -> Value {
    serde_json::json!({ "type": object, "url": format!("/services/data/v{version}/sobjects/{object}/{id}") })
}

/// Builds one result row: `attributes`, then the selected fields, parents nested under their
/// relationship names (null when the lookup is empty).
fn project(
    org: &Org,
    object: &ObjectDef,
    record: &Record,
    fields: &[RPath],
    version: &str,
) -> Value {
    let mut out = Map::new();
    let id = record.get("Id").and_then(Value::as_str).unwrap_or_default();
    out.insert("attributes".into(), attributes(object.name, id, version));
    for path in fields {
        insert_path(org, &mut out, record, &path.steps, path.field, version);
    }
    Value::Object(out)
}

fn insert_path(
    org: &Org,
    out: &mut Map<String, Value>,
    record: &Record,
    steps: &[(&'static FieldDef, &'static ObjectDef)],
    field: &FieldDef,
    version: &str,
) {
    let Some(((step, _), rest)) = steps.split_first() else {
        out.insert(
            field.name.to_string(),
            record.get(field.name).cloned().unwrap_or(Value::Null),
        );
        return;
    };
    let rel = step.relationship_name.unwrap_or(step.name);
    let parent = record
        .get(step.name)
        .and_then(Value::as_str)
        .and_then(|id| org.find(id));
    let Some((parent_object, parent)) = parent else {
        out.entry(rel.to_string()).or_insert(Value::Null);
        return;
    };
    let entry = out.entry(rel.to_string()).or_insert_with(|| {
        let mut m = Map::new();
        let pid = parent.get("Id").and_then(Value::as_str).unwrap_or_default();
        m.insert(
            "attributes".into(),
            attributes(parent_object.name, pid, version),
        );
        Value::Object(m)
    });
    if let Value::Object(nested) = entry {
        insert_path(org, nested, parent, rest, field, version);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::seed_org;

    fn today() -> NaiveDate {
        Utc::now().date_naive()
    }

    fn q(org: &Org, s: &str) -> Result<QueryResult, SoqlError> {
        run(org, s, false, "66.0", today())
    }

    #[test]
    fn like_handles_wildcards_and_escapes() {
        let p = like_pattern(&SoqlString {
            value: "a%b_".into(),
            escaped_wildcards: vec![],
        });
        assert!(like_matches(&p, "AxxbY"));
        assert!(!like_matches(&p, "Axxb"));
        let p = like_pattern(&SoqlString {
            value: "100%".into(),
            escaped_wildcards: vec![3],
        });
        assert!(like_matches(&p, "100%"));
        assert!(!like_matches(&p, "1000"));
    }

    #[test]
    fn queries_filter_sort_and_nest_relationships() {
        let org = seed_org(42, Utc::now());
        let r = q(
            &org,
            &format!(
                "SELECT Id, Name, Account.Owner.Email, Owner.Name FROM Contact WHERE Email = '{}'",
                "O\\'BRIEN@harborlight.example"
            ),
        )
        .expect("runs");
        assert_eq!(r.total_size, 1, "email comparison is case-insensitive");
        let row = &r.records[0];
        assert_eq!(row["Name"], "Siobhan O'Brien");
        assert!(row["Account"]["Owner"]["Email"]
            .as_str()
            .is_some_and(|e| e.ends_with("@demo-org.example")));
        assert_eq!(row["Account"]["attributes"]["type"], "Account");
        let r = q(&org, "SELECT LastName FROM Lead WHERE Lead_Score__c >= 50 AND LeadSource != null ORDER BY LastName DESC LIMIT 5")
            .expect("runs");
        assert!(r.records.len() <= 5);
        let names: Vec<String> = r
            .records
            .iter()
            .map(|x| x["LastName"].as_str().unwrap_or("").to_lowercase())
            .collect();
        let mut sorted = names.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(names, sorted);
        let r = q(
            &org,
            "SELECT COUNT() FROM Lead WHERE CreatedDate = LAST_N_DAYS:3",
        )
        .expect("runs");
        assert!(r.total_size >= 1 && r.records.is_empty());
    }

    #[test]
    fn semantic_errors_carry_salesforce_codes() {
        let org = seed_org(42, Utc::now());
        assert_eq!(
            q(&org, "SELECT Id FROM Leadz").expect_err("type").code,
            "INVALID_TYPE"
        );
        let e = q(&org, "SELECT Idd FROM Lead").expect_err("field");
        assert_eq!(e.code, "INVALID_FIELD");
        assert!(e
            .message
            .starts_with("No such column 'Idd' on entity 'Lead'"));
        assert_eq!(
            q(&org, "SELECT Id FROM Lead WHERE Id = 'nope'")
                .expect_err("id")
                .code,
            "INVALID_QUERY_FILTER_OPERATOR"
        );
        let e = q(&org, "SELECT Id FROM Lead WHERE CreatedDate > 2024-01-01")
            .expect_err("date vs datetime");
        assert!(
            e.message.contains("must be of type dateTime"),
            "{}",
            e.message
        );
        let e = q(&org, "SELECT Id FROM Lead WHERE Company = 5").expect_err("number vs string");
        assert!(e
            .message
            .contains("must be of type string and should be enclosed in quotes"));
        assert_eq!(
            q(&org, "SELECT Id FROM Lead WHERE Ownr.Name = 'x'")
                .expect_err("rel")
                .code,
            "INVALID_FIELD"
        );
    }
}
