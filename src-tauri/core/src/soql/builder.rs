//! Query builders. Every SOQL statement the app writes itself (dedupe lookups, owner and
//! account lookups, the previews of those) comes from here: names are validated as SOQL
//! identifiers, every value goes through [`quote`], and each built statement is checked by the
//! console's own guard before it is handed out.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};

use super::guard::{check, is_reserved};
use super::literal::{quote, LikePattern, MAX_LITERAL_CHARS};
use crate::{Error, Result};

/// Salesforce's default limit on a SOQL statement, in characters.
pub const MAX_STATEMENT_CHARS: usize = 100_000;

/// Salesforce's limit on the request URI plus headers of a REST call, in bytes; longer
/// `GET /query?q=` calls fail with 414 or 431, so long statements go in a Composite body.
pub const MAX_GET_URI_BYTES: usize = 16_384;

/// A limit on a statement's length, and how to measure it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    /// At most this many characters: for statements sent in a request body (a Composite
    /// subrequest); pass [`MAX_STATEMENT_CHARS`] or less.
    Chars(usize),
    /// At most this many bytes once URL-encoded as the `q` parameter of `GET /query`, as
    /// counted by [`encoded_len`]. The caller takes the rest of the URI and its headers off
    /// [`MAX_GET_URI_BYTES`].
    EncodedBytes(usize),
}

impl Budget {
    pub fn limit(self) -> usize {
        match self {
            Budget::Chars(limit) | Budget::EncodedBytes(limit) => limit,
        }
    }

    pub fn measure(self, soql: &str) -> usize {
        match self {
            // A statement can't exceed 100,000 characters either way.
            Budget::Chars(_) => soql.chars().count(),
            Budget::EncodedBytes(_) => encoded_len(soql),
        }
    }
}

/// The length of `soql` once URL-encoded as a query parameter: an upper bound for both
/// `application/x-www-form-urlencoded` (what reqwest's `.query()` and `url`'s `query_pairs_mut`
/// write) and RFC 3986 percent-encoding. Only ASCII letters, digits, `-`, `.` and `_` stay one
/// byte in both; every other byte of the UTF-8 text may become `%XX`.
pub fn encoded_len(soql: &str) -> usize {
    soql.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_') {
                1
            } else {
                3
            }
        })
        .sum()
}

/// Checks a field name or relationship path (`Email`, `Owner.Name`, `ns__Score__c`): dot-
/// separated names of ASCII letters, digits and underscores, each starting with a letter,
/// none a SOQL reserved word.
pub fn validate_field(name: &str) -> Result<()> {
    let valid = !name.is_empty() && name.split('.').all(is_plain_name);
    if !valid {
        return Err(Error::invalid_input(format!(
            "{name:?} is not a valid SOQL field name: use letters, digits and underscores, starting with a letter, \
             with dots between relationship names"
        ))
        .field(name));
    }
    Ok(())
}

/// Checks an object name (`Lead`, `ns__Thing__c`): one name, no dots.
pub fn validate_object(name: &str) -> Result<()> {
    if !is_plain_name(name) {
        return Err(Error::invalid_input(format!(
            "{name:?} is not a valid SOQL object name: use letters, digits and underscores, starting with a letter"
        ))
        .field(name));
    }
    Ok(())
}

fn is_plain_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !is_reserved(name)
}

/// A value to compare a field with.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Str(String),
    Bool(bool),
    Null,
    Int(i64),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
}

impl From<&str> for Literal {
    fn from(value: &str) -> Literal {
        Literal::Str(value.to_string())
    }
}

impl From<String> for Literal {
    fn from(value: String) -> Literal {
        Literal::Str(value)
    }
}

impl From<bool> for Literal {
    fn from(value: bool) -> Literal {
        Literal::Bool(value)
    }
}

impl From<i64> for Literal {
    fn from(value: i64) -> Literal {
        Literal::Int(value)
    }
}

impl From<NaiveDate> for Literal {
    fn from(value: NaiveDate) -> Literal {
        Literal::Date(value)
    }
}

impl From<DateTime<Utc>> for Literal {
    fn from(value: DateTime<Utc>) -> Literal {
        Literal::DateTime(value)
    }
}

/// The literal as SOQL, refusing strings over Salesforce's 4,000-character limit; `field`
/// names the comparison in the error.
fn render_literal(value: &Literal, field: &str) -> Result<String> {
    Ok(match value {
        Literal::Str(text) => {
            let literal = quote(text);
            check_literal_length(literal.chars().count() - 2, field)?;
            literal
        }
        Literal::Bool(true) => "TRUE".into(),
        Literal::Bool(false) => "FALSE".into(),
        Literal::Null => "NULL".into(),
        Literal::Int(n) => n.to_string(),
        Literal::Date(date) => {
            check_year(date.year(), field)?;
            date.format("%Y-%m-%d").to_string()
        }
        Literal::DateTime(at) => {
            check_year(at.year(), field)?;
            at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
        }
    })
}

fn check_literal_length(body_chars: usize, field: &str) -> Result<()> {
    if body_chars > MAX_LITERAL_CHARS {
        return Err(Error::invalid_input(format!(
            "the value compared with {field} is {body_chars} characters once escaped; Salesforce allows at most \
             {MAX_LITERAL_CHARS} per string in a WHERE clause"
        ))
        .field(field));
    }
    Ok(())
}

fn check_year(year: i32, field: &str) -> Result<()> {
    if !(0..=9999).contains(&year) {
        return Err(Error::invalid_input(format!(
            "the date compared with {field} is in year {year}; SOQL dates are written with four-digit years"
        ))
        .field(field));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    fn as_soql(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

/// A WHERE condition. Groups are always parenthesised when nested, so AND and OR never mix
/// at one level (which SOQL refuses).
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Compare {
        field: String,
        op: Op,
        value: Literal,
    },
    In {
        field: String,
        values: Vec<Literal>,
        negated: bool,
    },
    Like {
        field: String,
        pattern: LikePattern,
    },
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

impl Condition {
    pub fn eq(field: &str, value: impl Into<Literal>) -> Condition {
        Condition::compare(field, Op::Eq, value)
    }

    pub fn compare(field: &str, op: Op, value: impl Into<Literal>) -> Condition {
        Condition::Compare {
            field: field.to_string(),
            op,
            value: value.into(),
        }
    }

    pub fn is_in<V: Into<Literal>>(field: &str, values: impl IntoIterator<Item = V>) -> Condition {
        Condition::In {
            field: field.to_string(),
            values: values.into_iter().map(Into::into).collect(),
            negated: false,
        }
    }

    pub fn not_in<V: Into<Literal>>(field: &str, values: impl IntoIterator<Item = V>) -> Condition {
        Condition::In {
            field: field.to_string(),
            values: values.into_iter().map(Into::into).collect(),
            negated: true,
        }
    }

    pub fn like(field: &str, pattern: LikePattern) -> Condition {
        Condition::Like {
            field: field.to_string(),
            pattern,
        }
    }

    pub fn all(conditions: Vec<Condition>) -> Condition {
        Condition::All(conditions)
    }

    pub fn any(conditions: Vec<Condition>) -> Condition {
        Condition::Any(conditions)
    }

    #[allow(clippy::should_implement_trait)] // a constructor, not negation of a value
    pub fn not(condition: Condition) -> Condition {
        Condition::Not(Box::new(condition))
    }

    /// Appends the condition; `operand` says it sits inside an AND/OR list, so a group needs
    /// parentheses.
    fn render(&self, out: &mut String, operand: bool) -> Result<()> {
        match self {
            Condition::Compare { field, op, value } => {
                validate_field(field)?;
                out.push_str(field);
                out.push(' ');
                out.push_str(op.as_soql());
                out.push(' ');
                out.push_str(&render_literal(value, field)?);
            }
            Condition::In {
                field,
                values,
                negated,
            } => {
                validate_field(field)?;
                if values.is_empty() {
                    return Err(Error::invalid_input(format!(
                        "IN on {field} needs at least one value"
                    ))
                    .field(field));
                }
                out.push_str(field);
                out.push_str(if *negated { " NOT IN (" } else { " IN (" });
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&render_literal(value, field)?);
                }
                out.push(')');
            }
            Condition::Like { field, pattern } => {
                validate_field(field)?;
                check_literal_length(pattern.body_chars(), field)?;
                out.push_str(field);
                out.push_str(" LIKE ");
                out.push_str(&pattern.to_soql());
            }
            Condition::All(group) | Condition::Any(group) => {
                let joiner = if matches!(self, Condition::All(_)) {
                    " AND "
                } else {
                    " OR "
                };
                match group.as_slice() {
                    [] => {
                        return Err(Error::invalid_input(
                            "a condition group needs at least one condition",
                        ))
                    }
                    [only] => only.render(out, operand)?,
                    conditions => {
                        if operand {
                            out.push('(');
                        }
                        for (i, condition) in conditions.iter().enumerate() {
                            if i > 0 {
                                out.push_str(joiner);
                            }
                            condition.render(out, true)?;
                        }
                        if operand {
                            out.push(')');
                        }
                    }
                }
            }
            Condition::Not(inner) => {
                // Parenthesised as in the SOQL reference's own example: A AND (NOT B = 'x').
                out.push_str("(NOT ");
                inner.render(out, true)?;
                out.push(')');
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

/// `SELECT fields FROM object [WHERE ...] [ORDER BY ...] [LIMIT n]`.
///
/// ```
/// use leadbridge_core::soql::{Condition, Select};
/// let soql = Select::new("Contact", &["Id", "Email"])
///     .filter(Condition::eq("Email", "o'brien@example.com"))
///     .limit(1)
///     .build()
///     .unwrap();
/// assert_eq!(soql, r"SELECT Id, Email FROM Contact WHERE Email = 'o\'brien@example.com' LIMIT 1");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    object: String,
    fields: Vec<String>,
    filters: Vec<Condition>,
    order_by: Vec<(String, Direction)>,
    limit: Option<u32>,
}

impl Select {
    /// Names are validated by [`Select::build`], which reports the first bad one.
    pub fn new(object: &str, fields: &[&str]) -> Select {
        Select {
            object: object.to_string(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
            filters: Vec::new(),
            order_by: Vec::new(),
            limit: None,
        }
    }

    /// Adds a condition; several are ANDed.
    pub fn filter(mut self, condition: Condition) -> Select {
        self.filters.push(condition);
        self
    }

    pub fn order_by(mut self, field: &str, direction: Direction) -> Select {
        self.order_by.push((field.to_string(), direction));
        self
    }

    pub fn limit(mut self, rows: u32) -> Select {
        self.limit = Some(rows);
        self
    }

    /// The statement, checked by the guard and within [`MAX_STATEMENT_CHARS`].
    pub fn build(&self) -> Result<String> {
        let mut soql = self.head(false)?;
        soql.push_str(&self.tail()?);
        let chars = soql.chars().count();
        if chars > MAX_STATEMENT_CHARS {
            return Err(Error::invalid_input(format!(
                "the query on {} would be {chars} characters; Salesforce allows at most {MAX_STATEMENT_CHARS}",
                self.object
            )));
        }
        self_check(&soql)?;
        Ok(soql)
    }

    /// This query with `AND field IN (...)` over `values`, split into as few statements as fit
    /// the budget. Values keep their order; duplicates are sent once; every distinct value is
    /// in exactly one statement. No values, no statements.
    pub fn build_in_chunks(
        &self,
        field: &str,
        values: &[String],
        budget: Budget,
    ) -> Result<Vec<String>> {
        validate_field(field)?;
        let mut head = self.head(true)?;
        head.push_str(field);
        head.push_str(" IN (");
        let mut tail = String::from(")");
        tail.push_str(&self.tail()?);
        let limit = budget.limit();
        // Both measures add up over concatenation, so a statement's size is the fixed part
        // plus its literals and separators.
        let fixed = budget.measure(&head) + budget.measure(&tail);
        let separator = budget.measure(",");

        let mut statements = Vec::new();
        let mut literals: Vec<String> = Vec::new();
        let mut size = fixed;
        let mut seen = HashSet::new();
        for (index, value) in values.iter().enumerate() {
            if !seen.insert(value.as_str()) {
                continue;
            }
            let literal = render_literal(&Literal::Str(value.clone()), field)?;
            let cost = budget.measure(&literal);
            if fixed + cost > limit {
                return Err(Error::invalid_input(format!(
                    "value {} for {field} is too long: a query with it alone needs {} of the {limit} allowed",
                    index + 1,
                    fixed + cost
                ))
                .field(field));
            }
            if !literals.is_empty() && size + separator + cost > limit {
                statements.push(assemble(&head, &literals, &tail));
                literals.clear();
                size = fixed;
            }
            if !literals.is_empty() {
                size += separator;
            }
            size += cost;
            literals.push(literal);
        }
        if !literals.is_empty() {
            statements.push(assemble(&head, &literals, &tail));
        }
        for statement in &statements {
            self_check(statement)?;
        }
        Ok(statements)
    }

    /// `SELECT ... FROM ...` and the WHERE clause; with `open_and`, ready for one more
    /// condition to be appended.
    fn head(&self, open_and: bool) -> Result<String> {
        validate_object(&self.object)?;
        if self.fields.is_empty() {
            return Err(Error::invalid_input(format!(
                "the query on {} selects no fields",
                self.object
            )));
        }
        let mut soql = String::from("SELECT ");
        // Salesforce refuses a field selected twice; names are case-insensitive.
        let mut seen = HashSet::new();
        let mut first = true;
        for field in &self.fields {
            validate_field(field)?;
            if !seen.insert(field.to_ascii_lowercase()) {
                continue;
            }
            if !first {
                soql.push_str(", ");
            }
            first = false;
            soql.push_str(field);
        }
        soql.push_str(" FROM ");
        soql.push_str(&self.object);
        if self.filters.is_empty() && !open_and {
            return Ok(soql);
        }
        soql.push_str(" WHERE ");
        let operand = open_and || self.filters.len() > 1;
        for (i, condition) in self.filters.iter().enumerate() {
            if i > 0 {
                soql.push_str(" AND ");
            }
            condition.render(&mut soql, operand)?;
        }
        if open_and && !self.filters.is_empty() {
            soql.push_str(" AND ");
        }
        Ok(soql)
    }

    /// ORDER BY and LIMIT.
    fn tail(&self) -> Result<String> {
        let mut tail = String::new();
        for (i, (field, direction)) in self.order_by.iter().enumerate() {
            validate_field(field)?;
            tail.push_str(if i == 0 { " ORDER BY " } else { ", " });
            tail.push_str(field);
            tail.push_str(match direction {
                Direction::Asc => " ASC",
                Direction::Desc => " DESC",
            });
        }
        if let Some(rows) = self.limit {
            tail.push_str(" LIMIT ");
            tail.push_str(&rows.to_string());
        }
        Ok(tail)
    }
}

fn assemble(head: &str, literals: &[String], tail: &str) -> String {
    let mut soql = String::with_capacity(
        head.len() + tail.len() + literals.iter().map(|l| l.len() + 1).sum::<usize>(),
    );
    soql.push_str(head);
    soql.push_str(&literals.join(","));
    soql.push_str(tail);
    soql
}

/// Built statements pass the same guard as the console's, or it is a bug here.
fn self_check(soql: &str) -> Result<()> {
    check(soql).map(drop).map_err(|refusal| {
        Error::internal(format!(
            "the query builder wrote a statement the SOQL guard refuses ({refusal})"
        ))
    })
}

/// `SELECT fields FROM object WHERE field IN (...)` over `values`, split into as few
/// statements as fit the budget (see [`Select::build_in_chunks`]).
pub fn select_where_in(
    object: &str,
    fields: &[&str],
    field: &str,
    values: &[String],
    budget: Budget,
) -> Result<Vec<String>> {
    Select::new(object, fields).build_in_chunks(field, values, budget)
}
