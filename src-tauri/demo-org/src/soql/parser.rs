//! SOQL grammar (the subset the demo org serves):
//!
//! ```text
//! query   := SELECT (COUNT '(' ')' | path (',' path)*) FROM name
//!            [WHERE cond] [ORDER BY order (',' order)*] [LIMIT int] [OFFSET int]
//! cond    := unit (AND unit)* | unit (OR unit)*        -- mixing needs parentheses, as in SOQL
//! unit    := NOT unit | '(' cond ')' | path op value | path [NOT] IN '(' value (',' value)* ')'
//!          | path LIKE string
//! order   := path [ASC|DESC] [NULLS (FIRST|LAST)]
//! value   := string | number | TRUE | FALSE | NULL | date | datetime | DATE_LITERAL[':' int]
//! ```

use chrono::{DateTime, NaiveDate, Utc};

use super::lexer::{SoqlString, Tok, Token};
use super::SoqlError;

/// A field path as written (`Owner.Name`), with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    pub parts: Vec<String>,
    pub pos: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Str(SoqlString),
    Num(f64),
    Bool(bool),
    Null,
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
    /// A relative date literal (`TODAY`, `LAST_N_DAYS:30`).
    Relative {
        name: String,
        n: Option<i64>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub lit: Literal,
    pub pos: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Not(Box<Cond>),
    Cmp {
        path: Path,
        op: &'static str,
        value: Value,
    },
    In {
        path: Path,
        negated: bool,
        values: Vec<Value>,
    },
    Like {
        path: Path,
        pattern: Value,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    pub path: Path,
    pub descending: bool,
    pub nulls_last: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Select {
    Count,
    Fields(Vec<Path>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub select: Select,
    pub object: String,
    pub object_pos: usize,
    pub filter: Option<Cond>,
    pub order: Vec<Order>,
    pub limit: Option<u64>,
    pub offset: Option<(u64, usize)>,
}

/// Words that cannot be field names where the grammar expects one.
const RESERVED: &[&str] = &[
    "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "ORDER", "BY", "LIMIT", "OFFSET",
    "NULL", "TRUE", "FALSE", "GROUP", "HAVING", "WITH", "FOR", "USING", "INCLUDES", "EXCLUDES",
    "ASC", "DESC", "NULLS", "TYPEOF",
];

/// Relative date literals that take no argument.
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
];
/// Relative date literals written `NAME:n`.
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
    "LAST_N_YEARS",
    "NEXT_N_YEARS",
    "N_YEARS_AGO",
];

struct Parser {
    toks: Vec<Token>,
    i: usize,
}

pub fn parse(tokens: Vec<Token>) -> Result<Query, SoqlError> {
    let mut p = Parser { toks: tokens, i: 0 };
    let q = p.query()?;
    p.expect_eof()?;
    Ok(q)
}

impl Parser {
    fn peek(&self) -> &Token {
        // The lexer always ends with Eof, so the last token is a safe fallback.
        self.toks
            .get(self.i)
            .unwrap_or_else(|| &self.toks[self.toks.len() - 1])
    }

    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        if self.i < self.toks.len() - 1 {
            self.i += 1;
        }
        t
    }

    fn unexpected(&self) -> SoqlError {
        let t = self.peek();
        SoqlError::malformed(format!("unexpected token: '{}'", t.text), t.pos)
    }

    fn keyword(&mut self, kw: &str) -> bool {
        if self.peek().is_keyword(kw) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect_keyword(&mut self, kw: &str) -> Result<(), SoqlError> {
        if self.keyword(kw) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn expect(&mut self, tok: Tok) -> Result<(), SoqlError> {
        if self.peek().tok == tok {
            self.i += 1;
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn expect_eof(&self) -> Result<(), SoqlError> {
        if self.peek().tok == Tok::Eof {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn path(&mut self) -> Result<Path, SoqlError> {
        let t = self.peek().clone();
        match &t.tok {
            Tok::Ident(name) if !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name)) => {
                if name.starts_with('.') || name.ends_with('.') || name.contains("..") {
                    return Err(self.unexpected());
                }
                self.i += 1;
                Ok(Path {
                    parts: name.split('.').map(str::to_string).collect(),
                    pos: t.pos,
                })
            }
            _ => Err(self.unexpected()),
        }
    }

    fn query(&mut self) -> Result<Query, SoqlError> {
        self.expect_keyword("SELECT")?;
        let select = if self.peek().is_keyword("COUNT")
            && self
                .toks
                .get(self.i + 1)
                .is_some_and(|t| t.tok == Tok::LParen)
        {
            self.i += 2;
            self.expect(Tok::RParen)?;
            Select::Count
        } else {
            let mut fields = vec![self.path()?];
            while self.peek().tok == Tok::Comma {
                self.i += 1;
                fields.push(self.path()?);
            }
            Select::Fields(fields)
        };
        self.expect_keyword("FROM")?;
        let from = self.peek().clone();
        let object = match &from.tok {
            Tok::Ident(n)
                if !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(n)) && !n.contains('.') =>
            {
                n.clone()
            }
            _ => return Err(self.unexpected()),
        };
        self.i += 1;
        let filter = if self.keyword("WHERE") {
            Some(self.condition()?)
        } else {
            None
        };
        let mut order = Vec::new();
        if self.keyword("ORDER") {
            self.expect_keyword("BY")?;
            loop {
                let path = self.path()?;
                let descending = if self.keyword("DESC") {
                    true
                } else {
                    self.keyword("ASC");
                    false
                };
                // Salesforce's default: nulls first ascending, last descending.
                let mut nulls_last = descending;
                if self.keyword("NULLS") {
                    if self.keyword("LAST") {
                        nulls_last = true;
                    } else {
                        self.expect_keyword("FIRST")?;
                        nulls_last = false;
                    }
                }
                order.push(Order {
                    path,
                    descending,
                    nulls_last,
                });
                if self.peek().tok != Tok::Comma {
                    break;
                }
                self.i += 1;
            }
        }
        let limit = if self.keyword("LIMIT") {
            Some(self.integer()?.0)
        } else {
            None
        };
        let offset = if self.keyword("OFFSET") {
            Some(self.integer()?)
        } else {
            None
        };
        Ok(Query {
            select,
            object,
            object_pos: from.pos,
            filter,
            order,
            limit,
            offset,
        })
    }

    fn integer(&mut self) -> Result<(u64, usize), SoqlError> {
        let t = self.peek().clone();
        match &t.tok {
            Tok::Num(n) => match n.parse::<u64>() {
                Ok(v) => {
                    self.i += 1;
                    Ok((v, t.pos))
                }
                Err(_) => Err(self.unexpected()),
            },
            _ => Err(self.unexpected()),
        }
    }

    fn condition(&mut self) -> Result<Cond, SoqlError> {
        let first = self.unit()?;
        let joiner = if self.peek().is_keyword("AND") {
            "AND"
        } else if self.peek().is_keyword("OR") {
            "OR"
        } else {
            return Ok(first);
        };
        let mut items = vec![first];
        while self.keyword(joiner) {
            items.push(self.unit()?);
        }
        // `a AND b OR c` is ambiguous, and SOQL refuses it.
        if self.peek().is_keyword("AND") || self.peek().is_keyword("OR") {
            return Err(self.unexpected());
        }
        Ok(if joiner == "AND" {
            Cond::And(items)
        } else {
            Cond::Or(items)
        })
    }

    fn unit(&mut self) -> Result<Cond, SoqlError> {
        if self.keyword("NOT") {
            return Ok(Cond::Not(Box::new(self.unit()?)));
        }
        if self.peek().tok == Tok::LParen {
            self.i += 1;
            let c = self.condition()?;
            self.expect(Tok::RParen)?;
            return Ok(c);
        }
        let path = self.path()?;
        if self.keyword("LIKE") {
            let pattern = self.value()?;
            return Ok(Cond::Like { path, pattern });
        }
        let negated = self.keyword("NOT");
        if self.keyword("IN") {
            self.expect(Tok::LParen)?;
            let mut values = vec![self.value()?];
            while self.peek().tok == Tok::Comma {
                self.i += 1;
                values.push(self.value()?);
            }
            self.expect(Tok::RParen)?;
            return Ok(Cond::In {
                path,
                negated,
                values,
            });
        }
        if negated {
            return Err(self.unexpected());
        }
        let op = match self.peek().tok {
            Tok::Op(op) => op,
            _ => return Err(self.unexpected()),
        };
        self.i += 1;
        let value = self.value()?;
        Ok(Cond::Cmp { path, op, value })
    }

    fn value(&mut self) -> Result<Value, SoqlError> {
        let t = self.next();
        let lit = match t.tok {
            Tok::Str(s) => Literal::Str(s),
            Tok::Num(ref n) => match n.parse::<f64>() {
                Ok(v) => Literal::Num(v),
                Err(_) => {
                    return Err(SoqlError::malformed(
                        format!("unexpected token: '{}'", t.text),
                        t.pos,
                    ))
                }
            },
            Tok::Date(d) => Literal::Date(d),
            Tok::DateTime(d) => Literal::DateTime(d),
            Tok::Ident(ref s) if s.eq_ignore_ascii_case("null") => Literal::Null,
            Tok::Ident(ref s) if s.eq_ignore_ascii_case("true") => Literal::Bool(true),
            Tok::Ident(ref s) if s.eq_ignore_ascii_case("false") => Literal::Bool(false),
            Tok::Ident(ref s) if DATE_LITERALS.iter().any(|d| d.eq_ignore_ascii_case(s)) => {
                Literal::Relative {
                    name: s.to_ascii_uppercase(),
                    n: None,
                }
            }
            Tok::Ident(ref s) if DATE_LITERALS_N.iter().any(|d| d.eq_ignore_ascii_case(s)) => {
                self.expect(Tok::Colon)?;
                let (n, _) = self.integer()?;
                let n = i64::try_from(n)
                    .map_err(|_| SoqlError::malformed(format!("unexpected token: '{n}'"), t.pos))?;
                Literal::Relative {
                    name: s.to_ascii_uppercase(),
                    n: Some(n),
                }
            }
            _ => {
                return Err(SoqlError::malformed(
                    format!("unexpected token: '{}'", t.text),
                    t.pos,
                ))
            }
        };
        Ok(Value { lit, pos: t.pos })
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::lex;
    use super::*;

    fn q(s: &str) -> Result<Query, SoqlError> {
        parse(lex(s)?)
    }

    #[test]
    fn parses_the_supported_shapes() {
        let query = q("SELECT Id, Owner.Name FROM Lead WHERE (Email = 'a@b.c' OR Email LIKE '%x%') AND NOT Status IN ('A','B') \
                       AND CreatedDate = LAST_N_DAYS:30 ORDER BY LastName DESC NULLS FIRST, Id LIMIT 10 OFFSET 5")
        .expect("parses");
        assert_eq!(query.object, "Lead");
        assert_eq!(query.limit, Some(10));
        assert_eq!(query.offset.map(|o| o.0), Some(5));
        assert!(matches!(&query.filter, Some(Cond::And(items)) if items.len() == 3));
        assert_eq!(query.order.len(), 2);
        assert!(query.order[0].descending && !query.order[0].nulls_last);
        assert_eq!(
            q("select count() from Lead").expect("parses").select,
            Select::Count
        );
    }

    #[test]
    fn reports_the_unexpected_token_and_its_position() {
        let e = q("SELECT Id FRM Lead").expect_err("typo");
        assert_eq!(e.message, "unexpected token: 'FRM'");
        assert_eq!(e.pos, Some(10));
        let e = q("SELECT Id FROM Lead WHERE A = 1 AND B = 2 OR C = 3").expect_err("mixed");
        assert_eq!(e.message, "unexpected token: 'OR'");
        let e = q("SELECT Id FROM Lead WHERE").expect_err("eof");
        assert_eq!(e.message, "unexpected token: '<EOF>'");
        let e = q("SELECT FROM Lead").expect_err("no fields");
        assert_eq!(e.message, "unexpected token: 'FROM'");
    }
}
