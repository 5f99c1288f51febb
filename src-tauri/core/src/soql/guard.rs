//! The console's guard: accepts exactly one SOQL SELECT statement and refuses everything else
//! before any call is made, with the column and the reason.
//!
//! It parses the documented SELECT grammar (SOQL and SOSL Reference, "SOQL SELECT Syntax")
//! rather than matching words, so `Name = 'delete me'` and `Deleted__c` are harmless, while
//! DML, several statements, FOR UPDATE and SOSL are refused. Where Salesforce's grammar is
//! wider than the guard needs to know (function names, scopes, field names), the guard is
//! lenient and leaves the final word to Salesforce's own MALFORMED_QUERY.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::lexer::{tokenize, Kind, Token};
use super::literal::MAX_LITERAL_CHARS;
use super::refusal::{Reason, Refusal};

/// A statement the guard accepted, with the facts the console needs to run and show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckedQuery {
    /// The statement to send: the input without surrounding whitespace or a trailing `;`.
    pub soql: String,
    /// The object after FROM, as written (e.g. `Opportunity`).
    pub object: String,
    /// The top-level select-list items as written: `Owner.Name`, `COUNT(Id) total`,
    /// `(SELECT Id FROM Contacts)`, `TYPEOF What WHEN ... END`.
    pub fields: Vec<String>,
    /// Whether the statement has its own top-level LIMIT.
    pub has_limit: bool,
    /// That LIMIT's value.
    pub limit: Option<u32>,
    /// `SELECT COUNT() ...`: Salesforce answers with `totalSize` and no records.
    pub is_count: bool,
}

/// Checks one statement. Accepts a single SELECT (a trailing `;` and whitespace are allowed)
/// and refuses anything else with the 1-based byte column of the problem.
pub fn check(input: &str) -> Result<CheckedQuery, Refusal> {
    let tokens = tokenize(input);
    let end = check_statement_shape(&tokens)?;
    let mut parser = Parser {
        tokens: &tokens[..=end],
        pos: 0,
        depth: 0,
    };
    let shape = parser.query()?;
    // The statement must end exactly at its final token, which may also be a lexing error.
    if parser.pos != end || matches!(tokens[end].kind, Kind::Error(_)) {
        return parser.fail_at_end();
    }
    let first = &tokens[0];
    let last = &tokens[end - 1];
    let fields: Vec<String> = shape
        .items
        .iter()
        .map(|item| input[item.start..item.end].to_string())
        .collect();
    Ok(CheckedQuery {
        soql: input[first.start..last.end].to_string(),
        object: shape.object,
        fields,
        has_limit: shape.limit.is_some(),
        limit: shape.limit,
        is_count: shape.items.iter().any(|item| item.is_count),
    })
}

/// Statement-level checks that need no grammar: an empty statement, a first word that is not
/// SELECT, more after a `;`, unbalanced parentheses. Returns the index of the token that ends
/// the statement (`;`, end of input, or a lexing error the parser will report in turn).
fn check_statement_shape(tokens: &[Token<'_>]) -> Result<usize, Refusal> {
    let first = &tokens[0];
    match &first.kind {
        Kind::Eof => return Err(Refusal::at(0, Reason::Empty)),
        Kind::Semicolon => return Err(Refusal::at(first.start, Reason::Empty)),
        Kind::Error(refusal) => return Err(refusal.clone()),
        Kind::Ident if first.is("SELECT") => {}
        _ => return Err(not_a_query(first)),
    }
    // tokenize always ends with Eof or Error, so `end` exists and is never the last+1.
    let end = tokens
        .iter()
        .position(|t| matches!(t.kind, Kind::Semicolon | Kind::Eof | Kind::Error(_)))
        .unwrap_or(tokens.len() - 1);
    if tokens[end].kind == Kind::Semicolon {
        let next = &tokens[end + 1];
        if next.kind != Kind::Eof {
            if next.kind == Kind::Ident && is_dml(next.text) {
                return Err(Refusal::at(next.start, dml(next.text)));
            }
            return Err(Refusal::at(tokens[end].start, Reason::SeveralStatements));
        }
    }
    let mut open = Vec::new();
    for token in &tokens[..end] {
        match token.kind {
            Kind::LParen => open.push(token.start),
            Kind::RParen if open.pop().is_none() => {
                return Err(Refusal::at(token.start, Reason::UnmatchedParen));
            }
            _ => {}
        }
    }
    // After a lexing error the rest of the input is unseen, so a missing ')' proves nothing.
    if let (Some(&unclosed), false) = (open.last(), matches!(tokens[end].kind, Kind::Error(_))) {
        return Err(Refusal::at(unclosed, Reason::UnclosedParen));
    }
    Ok(end)
}

/// The refusal for a statement (or subquery) that does not start with SELECT.
fn not_a_query(token: &Token<'_>) -> Refusal {
    let reason = match &token.kind {
        Kind::Error(refusal) => return refusal.clone(),
        Kind::Ident if is_dml(token.text) => dml(token.text),
        Kind::Ident if token.is("FIND") => Reason::Sosl,
        _ => Reason::NotSelect {
            found: token.describe(),
        },
    };
    Refusal::at(token.start, reason)
}

const DML_WORDS: &[&str] = &["INSERT", "UPDATE", "DELETE", "UPSERT", "MERGE", "UNDELETE"];

fn is_dml(word: &str) -> bool {
    DML_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word))
}

fn dml(word: &str) -> Reason {
    Reason::DataChanging {
        word: word.to_ascii_uppercase(),
    }
}

/// Words SOQL reserves (the reference lists them as unusable for aliases). `GROUP` is left out
/// because `Group` is also a standard object and field name.
const RESERVED: &[&str] = &[
    "AND", "ASC", "DESC", "EXCLUDES", "FIRST", "FROM", "HAVING", "IN", "INCLUDES", "LAST", "LIKE",
    "LIMIT", "NOT", "NULL", "NULLS", "OR", "SELECT", "USING", "WHERE", "WITH",
];

/// Words that can follow a select item or FROM object and so are never taken for an alias.
const NOT_ALIASES: &[&str] = &["GROUP", "ORDER", "OFFSET", "FOR", "UPDATE"];

pub(crate) fn is_reserved(word: &str) -> bool {
    RESERVED.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// Date literals without a number (SOQL reference, "Date Formats and Date Literals").
const DATE_LITERALS: &[&str] = &[
    "YESTERDAY",
    "TODAY",
    "TOMORROW",
    "LAST_WEEK",
    "THIS_WEEK",
    "NEXT_WEEK",
    "LAST_MONTH",
    "THIS_MONTH",
    "NEXT_MONTH",
    "LAST_90_DAYS",
    "NEXT_90_DAYS",
    "THIS_QUARTER",
    "LAST_QUARTER",
    "NEXT_QUARTER",
    "THIS_YEAR",
    "LAST_YEAR",
    "NEXT_YEAR",
    "THIS_FISCAL_QUARTER",
    "LAST_FISCAL_QUARTER",
    "NEXT_FISCAL_QUARTER",
    "THIS_FISCAL_YEAR",
    "LAST_FISCAL_YEAR",
    "NEXT_FISCAL_YEAR",
];

/// Date literals taking `:n`, as in `LAST_N_DAYS:30`.
const DATE_LITERALS_N: &[&str] = &[
    "LAST_N_DAYS",
    "NEXT_N_DAYS",
    "N_DAYS_AGO",
    "LAST_N_WEEKS",
    "NEXT_N_WEEKS",
    "N_WEEKS_AGO",
    "LAST_N_MONTHS",
    "NEXT_N_MONTHS",
    "N_MONTHS_AGO",
    "LAST_N_QUARTERS",
    "NEXT_N_QUARTERS",
    "N_QUARTERS_AGO",
    "LAST_N_YEARS",
    "NEXT_N_YEARS",
    "N_YEARS_AGO",
    "LAST_N_FISCAL_QUARTERS",
    "NEXT_N_FISCAL_QUARTERS",
    "N_FISCAL_QUARTERS_AGO",
    "LAST_N_FISCAL_YEARS",
    "NEXT_N_FISCAL_YEARS",
    "N_FISCAL_YEARS_AGO",
];

fn one_of(list: &[&str], word: &str) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// `USD5000` or `EUR12.50`: an ISO currency code glued to an amount (multi-currency orgs).
fn is_currency_literal(word: &str) -> bool {
    let (Some(code), Some(amount)) = (word.get(..3), word.get(3..)) else {
        return false;
    };
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, "0"));
    code.bytes().all(|b| b.is_ascii_alphabetic())
        && !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && !fraction.is_empty()
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// Parentheses, subqueries and NOTs nest; beyond this the statement is refused instead of
/// recursing without bound on hostile input.
const MAX_DEPTH: usize = 64;

const VALUE: &str = "a value (a quoted string, a number, a date, TRUE, FALSE, NULL or a date literal such as TODAY)";
const OPERATORS: &str =
    "a comparison operator (=, !=, <>, <, <=, >, >=, LIKE, IN, NOT IN, INCLUDES, EXCLUDES)";

struct QueryShape {
    object: String,
    items: Vec<SelectItem>,
    limit: Option<u32>,
}

struct SelectItem {
    start: usize,
    end: usize,
    is_count: bool,
}

struct Parser<'t, 'a> {
    /// The statement's tokens, the last being the one that ends it (never consumed).
    tokens: &'t [Token<'a>],
    pos: usize,
    depth: usize,
}

impl<'t, 'a> Parser<'t, 'a> {
    fn peek(&self) -> &'t Token<'a> {
        self.peek_at(0)
    }

    fn peek_at(&self, ahead: usize) -> &'t Token<'a> {
        let last = self.tokens.len() - 1;
        &self.tokens[(self.pos + ahead).min(last)]
    }

    /// Consumes the current token; the statement's final token is never consumed.
    fn bump(&mut self) -> &'t Token<'a> {
        let token = self.peek();
        if self.pos < self.tokens.len() - 1 {
            self.pos += 1;
        }
        token
    }

    fn previous_end(&self) -> usize {
        self.tokens[self.pos.saturating_sub(1)].end
    }

    fn eat(&mut self, kind: Kind) -> bool {
        let matched = self.peek().kind == kind;
        if matched {
            self.bump();
        }
        matched
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let matched = self.peek().is(word);
        if matched {
            self.bump();
        }
        matched
    }

    fn expect_word(&mut self, word: &str, expected: &str) -> Result<(), Refusal> {
        if self.eat_word(word) {
            Ok(())
        } else {
            self.fail(expected)
        }
    }

    /// Refuses at the current token: its lexing error if it is one, else "expected X, found Y".
    fn fail<T>(&self, expected: &str) -> Result<T, Refusal> {
        let token = self.peek();
        // `'o'brien'`: text glued to the end of a string means the string ended too early.
        if let Some(previous) = self.pos.checked_sub(1).map(|i| &self.tokens[i]) {
            if matches!(previous.kind, Kind::Str { .. })
                && previous.end == token.start
                && token.kind != Kind::Eof
            {
                return Err(Refusal::at(previous.end - 1, Reason::UnescapedQuote));
            }
        }
        if let Kind::Error(refusal) = &token.kind {
            return Err(refusal.clone());
        }
        Err(Refusal::at(
            token.start,
            Reason::Syntax {
                expected: expected.into(),
                found: token.describe(),
            },
        ))
    }

    fn fail_at_end<T>(&self) -> Result<T, Refusal> {
        let token = self.peek();
        let clause_words = [
            "WHERE", "WITH", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "FOR", "USING",
        ];
        if clause_words.iter().any(|w| token.is(w)) {
            self.fail(
                "the end of the query (clauses go in the order FROM, USING SCOPE, WHERE, WITH, GROUP BY, HAVING, \
                 ORDER BY, LIMIT, OFFSET, FOR)",
            )
        } else {
            self.fail("the end of the query")
        }
    }

    fn enter(&mut self) -> Result<(), Refusal> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Refusal::at(
                self.peek().start,
                Reason::TooDeep { max: MAX_DEPTH },
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// `SELECT ... FROM ...` and its clauses, up to (not including) what ends it.
    fn query(&mut self) -> Result<QueryShape, Refusal> {
        let select = self.peek();
        if !select.is("SELECT") {
            return Err(not_a_query(select));
        }
        self.bump();
        let items = self.select_list()?;
        self.expect_word("FROM", "',' or FROM after the select list")?;
        let object = self.object_list()?;
        if self.eat_word("USING") {
            self.expect_word("SCOPE", "SCOPE after USING")?;
            self.name("a scope such as mine or team after USING SCOPE")?;
        }
        if self.eat_word("WHERE") {
            self.condition()?;
        }
        if self.eat_word("WITH") {
            self.with_clause()?;
        }
        if self.peek().is("GROUP") && self.peek_at(1).is("BY") {
            self.bump();
            self.bump();
            self.expression_list(false)?;
            if self.eat_word("HAVING") {
                self.condition()?;
            }
        }
        if self.peek().is("ORDER") && self.peek_at(1).is("BY") {
            self.bump();
            self.bump();
            self.expression_list(true)?;
        }
        let limit = if self.eat_word("LIMIT") {
            Some(self.row_count("LIMIT")?)
        } else {
            None
        };
        if self.eat_word("OFFSET") {
            self.row_count("OFFSET")?;
        }
        while self.peek().is("FOR") {
            let for_token = self.bump();
            if self.peek().is("UPDATE") {
                return Err(Refusal::at(for_token.start, Reason::ForUpdate));
            }
            if !(self.eat_word("VIEW") || self.eat_word("REFERENCE")) {
                return self.fail("VIEW or REFERENCE after FOR");
            }
        }
        let update = self.peek();
        if update.is("UPDATE") {
            let next = self.peek_at(1);
            let reason = if next.is("TRACKING") || next.is("VIEWSTAT") {
                Reason::UpdateStatistics {
                    what: next.text.to_ascii_uppercase(),
                }
            } else {
                dml(update.text)
            };
            return Err(Refusal::at(update.start, reason));
        }
        Ok(QueryShape {
            object,
            items,
            limit,
        })
    }

    fn select_list(&mut self) -> Result<Vec<SelectItem>, Refusal> {
        let mut items = Vec::new();
        loop {
            let start = self.peek().start;
            let is_count = self.select_item()?;
            items.push(SelectItem {
                start,
                end: self.previous_end(),
                is_count,
            });
            if !self.eat(Kind::Comma) {
                return Ok(items);
            }
        }
    }

    /// One select item; returns whether it is `COUNT()`.
    fn select_item(&mut self) -> Result<bool, Refusal> {
        let token = self.peek();
        match token.kind {
            Kind::LParen => {
                self.subquery()?;
                self.optional_alias();
                Ok(false)
            }
            Kind::Ident if token.is("TYPEOF") && self.peek_at(1).kind == Kind::Ident => {
                self.type_of()?;
                Ok(false)
            }
            Kind::Ident if !is_reserved(token.text) => {
                let is_count = if self.peek_at(1).kind == Kind::LParen {
                    let arguments = self.call()?;
                    token.is("COUNT") && arguments == 0
                } else {
                    self.path("a field")?;
                    false
                };
                self.optional_alias();
                Ok(is_count)
            }
            _ => self.fail("a field, a function such as COUNT(), or a subquery"),
        }
    }

    /// `( SELECT ... )`, in the select list or after IN.
    fn subquery(&mut self) -> Result<(), Refusal> {
        self.bump(); // (
        self.enter()?;
        self.query()?;
        if !self.eat(Kind::RParen) {
            return self.fail("')' to end the subquery");
        }
        self.leave();
        Ok(())
    }

    /// `TYPEOF field WHEN Type THEN fields [WHEN ...] [ELSE fields] END`.
    fn type_of(&mut self) -> Result<(), Refusal> {
        self.bump(); // TYPEOF
        self.path("a polymorphic field after TYPEOF")?;
        if !self.peek().is("WHEN") {
            return self.fail("WHEN after the TYPEOF field");
        }
        while self.eat_word("WHEN") {
            self.name("an object type after WHEN")?;
            self.expect_word("THEN", "THEN after the WHEN type")?;
            self.field_list()?;
        }
        if self.eat_word("ELSE") {
            self.field_list()?;
        }
        self.expect_word("END", "WHEN, ELSE or END in TYPEOF")
    }

    fn field_list(&mut self) -> Result<(), Refusal> {
        loop {
            self.path("a field")?;
            if !self.eat(Kind::Comma) {
                return Ok(());
            }
        }
    }

    /// `FROM Object [alias] [, relationship.path [alias]]...`; returns the object as written.
    fn object_list(&mut self) -> Result<String, Refusal> {
        let first = self.pos;
        self.path("an object name after FROM")?;
        let object = self.tokens[first..self.pos]
            .iter()
            .map(|t| t.text)
            .collect();
        self.optional_alias();
        while self.eat(Kind::Comma) {
            self.path("a relationship path after ','")?;
            self.optional_alias();
        }
        Ok(object)
    }

    fn optional_alias(&mut self) {
        let token = self.peek();
        if token.kind == Kind::Ident && !is_reserved(token.text) && !one_of(NOT_ALIASES, token.text)
        {
            self.bump();
        }
    }

    /// One name that is not a reserved word.
    fn name(&mut self, expected: &str) -> Result<(), Refusal> {
        let token = self.peek();
        if token.kind == Kind::Ident && !is_reserved(token.text) {
            self.bump();
            Ok(())
        } else {
            self.fail(expected)
        }
    }

    /// `Name`, `Owner.Name`, `Account.Owner.Email`.
    fn path(&mut self, expected: &str) -> Result<(), Refusal> {
        self.name(expected)?;
        while self.peek().kind == Kind::Dot {
            self.bump();
            if self.peek().kind != Kind::Ident {
                return self.fail("a field name after '.'");
            }
            self.bump();
        }
        Ok(())
    }

    /// `NAME(arguments)`; the argument count. Function names are Salesforce's to check.
    fn call(&mut self) -> Result<usize, Refusal> {
        self.bump(); // name
        self.bump(); // (
        self.enter()?;
        let mut count = 0;
        if !self.eat(Kind::RParen) {
            loop {
                self.argument()?;
                count += 1;
                if self.eat(Kind::RParen) {
                    break;
                }
                if !self.eat(Kind::Comma) {
                    return self.fail("',' or ')' in the argument list");
                }
            }
        }
        self.leave();
        Ok(count)
    }

    /// A function argument: a field, a nested call (`FORMAT(MIN(Amount))`, `GEOLOCATION(...)`),
    /// or a value (`DISTANCE(Location__c, GEOLOCATION(37.7, -122.4), 'mi')`).
    fn argument(&mut self) -> Result<(), Refusal> {
        let token = self.peek();
        if token.kind == Kind::Ident && self.peek_at(1).kind == Kind::LParen {
            self.call().map(drop)
        } else if token.kind == Kind::Ident && !is_value_word(token.text) {
            self.path("a field or a value")
        } else {
            self.value(false)
        }
    }

    /// Comma-separated fields or calls, for GROUP BY (`ROLLUP(...)` is a call) and ORDER BY.
    fn expression_list(&mut self, order_by: bool) -> Result<(), Refusal> {
        loop {
            let token = self.peek();
            if token.kind == Kind::Ident
                && !is_reserved(token.text)
                && self.peek_at(1).kind == Kind::LParen
            {
                self.call()?;
            } else {
                self.path("a field")?;
            }
            if order_by {
                if !self.eat_word("ASC") {
                    self.eat_word("DESC");
                }
                if self.eat_word("NULLS") && !(self.eat_word("FIRST") || self.eat_word("LAST")) {
                    return self.fail("FIRST or LAST after NULLS");
                }
            }
            if !self.eat(Kind::Comma) {
                return Ok(());
            }
        }
    }

    fn row_count(&mut self, clause: &'static str) -> Result<u32, Refusal> {
        let token = self.peek();
        match token.kind {
            Kind::Colon => Err(Refusal::at(token.start, Reason::BindVariable)),
            Kind::Number if !token.text.contains('.') => {
                self.bump();
                token.text.parse().map_err(|_| {
                    Refusal::at(
                        token.start,
                        Reason::NumberOutOfRange {
                            text: token.text.into(),
                            what: clause,
                        },
                    )
                })
            }
            _ => self.fail(if clause == "LIMIT" {
                "a whole number after LIMIT"
            } else {
                "a whole number after OFFSET"
            }),
        }
    }

    /// WITH SECURITY_ENFORCED | USER_MODE | SYSTEM_MODE | DATA CATEGORY ... | a filter.
    fn with_clause(&mut self) -> Result<(), Refusal> {
        if self.eat_word("SECURITY_ENFORCED")
            || self.eat_word("USER_MODE")
            || self.eat_word("SYSTEM_MODE")
        {
            return Ok(());
        }
        if self.peek().is("DATA") && self.peek_at(1).is("CATEGORY") {
            self.bump();
            self.bump();
            loop {
                self.name("a data category group")?;
                if !["AT", "ABOVE", "BELOW", "ABOVE_OR_BELOW"]
                    .iter()
                    .any(|w| self.eat_word(w))
                {
                    return self.fail("AT, ABOVE, BELOW or ABOVE_OR_BELOW");
                }
                if self.eat(Kind::LParen) {
                    loop {
                        self.name("a data category")?;
                        if !self.eat(Kind::Comma) {
                            break;
                        }
                    }
                    if !self.eat(Kind::RParen) {
                        return self.fail("',' or ')' in the category list");
                    }
                } else {
                    self.name("a data category")?;
                }
                if !self.eat_word("AND") {
                    return Ok(());
                }
            }
        }
        // Any other WITH takes a filter (e.g. WITH UserId = '005...'), which starts with a name.
        let token = self.peek();
        if token.kind != Kind::Ident || is_reserved(token.text) {
            return self
                .fail("SECURITY_ENFORCED, USER_MODE, SYSTEM_MODE or DATA CATEGORY after WITH");
        }
        self.condition()
    }

    /// A WHERE or HAVING condition. AND and OR may not be mixed at one level (SOQL reference,
    /// "Logical Operators": parentheses are required whenever you mix the operators).
    fn condition(&mut self) -> Result<(), Refusal> {
        self.enter()?;
        self.condition_term()?;
        let mut joiner: Option<&str> = None;
        loop {
            let token = self.peek();
            let word = if token.is("AND") {
                "AND"
            } else if token.is("OR") {
                "OR"
            } else {
                break;
            };
            match joiner {
                Some(previous) if previous != word => {
                    return Err(Refusal::at(token.start, Reason::MixedAndOr))
                }
                _ => joiner = Some(word),
            }
            self.bump();
            self.condition_term()?;
        }
        self.leave();
        Ok(())
    }

    fn condition_term(&mut self) -> Result<(), Refusal> {
        if self.eat_word("NOT") {
            self.enter()?;
            self.condition_term()?;
            self.leave();
            return Ok(());
        }
        if self.peek().kind == Kind::LParen {
            let open = self.bump();
            self.condition()?;
            if !self.eat(Kind::RParen) {
                let expected = format!(
                    "AND, OR or ')' to close the '(' at column {}",
                    open.start + 1
                );
                return self.fail(&expected);
            }
            return Ok(());
        }
        self.field_expression()
    }

    /// `field op value`, where the field may be a call (`CALENDAR_YEAR(CreatedDate) = 2024`,
    /// `COUNT(Id) > 1` in HAVING).
    fn field_expression(&mut self) -> Result<(), Refusal> {
        let token = self.peek();
        if token.kind == Kind::Ident
            && !is_reserved(token.text)
            && self.peek_at(1).kind == Kind::LParen
        {
            self.call()?;
        } else {
            self.path("a field, NOT or '('")?;
        }
        let operator = self.peek();
        match operator.kind {
            Kind::Compare => {
                self.bump();
                self.value(false)
            }
            Kind::Ident if operator.is("LIKE") => {
                self.bump();
                self.value(true)
            }
            Kind::Ident if operator.is("IN") => {
                self.bump();
                self.in_list()
            }
            Kind::Ident if operator.is("NOT") => {
                self.bump();
                self.expect_word("IN", "IN after NOT")?;
                self.in_list()
            }
            Kind::Ident if operator.is("INCLUDES") || operator.is("EXCLUDES") => {
                self.bump();
                self.in_list()
            }
            _ => self.fail(OPERATORS),
        }
    }

    /// `(value, ...)` or a semi-join `(SELECT ...)`.
    fn in_list(&mut self) -> Result<(), Refusal> {
        let open = self.peek();
        match open.kind {
            Kind::Colon => return Err(Refusal::at(open.start, Reason::BindVariable)),
            Kind::LParen => {}
            _ => return self.fail("'(' and a list of values or a subquery"),
        }
        let first = self.peek_at(1);
        if first.kind == Kind::Ident
            && (first.is("SELECT") || is_dml(first.text) || first.is("FIND"))
        {
            return self.subquery();
        }
        self.bump();
        self.enter()?;
        loop {
            self.value(false)?;
            if !self.eat(Kind::Comma) {
                break;
            }
        }
        if !self.eat(Kind::RParen) {
            return self.fail("',' or ')' in the value list");
        }
        self.leave();
        Ok(())
    }

    /// A literal value. `like` allows the LIKE-only escapes `\_` and `\%` in a string.
    fn value(&mut self, like: bool) -> Result<(), Refusal> {
        let token = self.peek();
        match &token.kind {
            Kind::Str {
                like_escape,
                body_chars,
            } => {
                if let (Some((at, escape)), false) = (like_escape, like) {
                    return Err(Refusal::at(
                        *at,
                        Reason::LikeEscapeOutsideLike {
                            escape: escape.to_string(),
                        },
                    ));
                }
                if *body_chars > MAX_LITERAL_CHARS {
                    return Err(Refusal::at(
                        token.start,
                        Reason::StringTooLong { chars: *body_chars },
                    ));
                }
                self.bump();
                Ok(())
            }
            Kind::Number | Kind::Date | Kind::DateTime | Kind::Time => {
                self.bump();
                Ok(())
            }
            Kind::Plus | Kind::Minus => {
                self.bump();
                if !self.eat(Kind::Number) {
                    return self.fail("a number after the sign");
                }
                Ok(())
            }
            Kind::Colon => Err(Refusal::at(token.start, Reason::BindVariable)),
            Kind::Ident if one_of(DATE_LITERALS_N, token.text) => {
                self.bump();
                if !self.eat(Kind::Colon) {
                    let expected = format!(
                        "':' and a number after {}, as in {}:30",
                        token.text, token.text
                    );
                    return self.fail(&expected);
                }
                if !self.eat(Kind::Minus) {
                    self.eat(Kind::Plus);
                }
                let n = self.peek();
                if n.kind != Kind::Number || n.text.contains('.') {
                    return self.fail("a whole number");
                }
                self.bump();
                Ok(())
            }
            Kind::Ident if is_value_word(token.text) => {
                self.bump();
                Ok(())
            }
            _ => self.fail(VALUE),
        }
    }
}

/// TRUE, FALSE, NULL, a plain date literal or a currency value.
fn is_value_word(word: &str) -> bool {
    one_of(&["TRUE", "FALSE", "NULL"], word)
        || one_of(DATE_LITERALS, word)
        || is_currency_literal(word)
}
