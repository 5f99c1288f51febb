//! SOQL tokens. String literals follow Salesforce's escape rules: `\n \r \t \b \f \" \' \\`
//! (either case), `\uXXXX`, and `\%` `\_` (meaningful in LIKE); any other backslash is an error.

use chrono::{DateTime, NaiveDate, Utc};

use super::SoqlError;
use crate::time;

/// A string literal. `escaped_wildcards` holds the char indices of `%`/`_` that were escaped,
/// so LIKE can tell them from wildcards.
#[derive(Clone, Debug, PartialEq)]
pub struct SoqlString {
    pub value: String,
    pub escaped_wildcards: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    /// A name, possibly dotted (`Account.Owner.Email`); keywords are names too.
    Ident(String),
    Str(SoqlString),
    Num(String),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
    Comma,
    LParen,
    RParen,
    Colon,
    Op(&'static str),
    Eof,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    /// Byte offset in the statement.
    pub pos: usize,
    /// The source text, for "unexpected token" messages.
    pub text: String,
}

impl Token {
    pub fn is_keyword(&self, kw: &str) -> bool {
        matches!(&self.tok, Tok::Ident(s) if s.eq_ignore_ascii_case(kw))
    }
}

pub fn lex(src: &str) -> Result<Vec<Token>, SoqlError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let simple = match c {
            b',' => Some(Tok::Comma),
            b'(' => Some(Tok::LParen),
            b')' => Some(Tok::RParen),
            b':' => Some(Tok::Colon),
            b'=' => Some(Tok::Op("=")),
            _ => None,
        };
        if let Some(tok) = simple {
            i += 1;
            out.push(Token {
                tok,
                pos: start,
                text: src[start..i].to_string(),
            });
            continue;
        }
        let tok = match c {
            b'!' if bytes.get(i + 1) == Some(&b'=') => {
                i += 2;
                Tok::Op("!=")
            }
            b'<' => {
                i += 1;
                match bytes.get(i) {
                    Some(b'=') => {
                        i += 1;
                        Tok::Op("<=")
                    }
                    Some(b'>') => {
                        i += 1;
                        Tok::Op("!=")
                    }
                    _ => Tok::Op("<"),
                }
            }
            b'>' => {
                i += 1;
                if bytes.get(i) == Some(&b'=') {
                    i += 1;
                    Tok::Op(">=")
                } else {
                    Tok::Op(">")
                }
            }
            b'\'' => {
                let (s, end) = lex_string(src, i)?;
                i = end;
                Tok::Str(s)
            }
            b'0'..=b'9' | b'-' | b'+' | b'.' => {
                let (tok, end) = lex_number_or_date(src, i)?;
                i = end;
                tok
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.')
                {
                    i += 1;
                }
                Tok::Ident(src[start..i].to_string())
            }
            _ => {
                let ch = src[start..].chars().next().unwrap_or('?');
                return Err(SoqlError::malformed(
                    format!("unexpected token: '{ch}'"),
                    start,
                ));
            }
        };
        out.push(Token {
            tok,
            pos: start,
            text: src[start..i].to_string(),
        });
    }
    out.push(Token {
        tok: Tok::Eof,
        pos: src.len(),
        text: "<EOF>".into(),
    });
    Ok(out)
}

fn lex_string(src: &str, start: usize) -> Result<(SoqlString, usize), SoqlError> {
    let mut value = String::new();
    let mut escaped_wildcards = Vec::new();
    let mut chars = src[start + 1..].char_indices().peekable();
    while let Some((off, c)) = chars.next() {
        let at = start + 1 + off;
        match c {
            '\'' => {
                return Ok((
                    SoqlString {
                        value,
                        escaped_wildcards,
                    },
                    at + 1,
                ))
            }
            '\\' => {
                let Some((_, e)) = chars.next() else { break };
                let resolved = match e {
                    'n' | 'N' => '\n',
                    'r' | 'R' => '\r',
                    't' | 'T' => '\t',
                    'b' | 'B' => '\u{8}',
                    'f' | 'F' => '\u{c}',
                    '"' => '"',
                    '\'' => '\'',
                    '\\' => '\\',
                    '%' | '_' => {
                        escaped_wildcards.push(value.chars().count());
                        e
                    }
                    'u' => {
                        let hex: String = (0..4)
                            .filter_map(|_| chars.next().map(|(_, h)| h))
                            .collect();
                        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                            Some(ch) if hex.len() == 4 => ch,
                            _ => return Err(illegal_escape(src, start, at, &format!("\\u{hex}"))),
                        }
                    }
                    other => return Err(illegal_escape(src, start, at, &format!("\\{other}"))),
                };
                value.push(resolved);
            }
            c => value.push(c),
        }
    }
    Err(SoqlError::malformed(
        "unexpected token: '<EOF>'. Unterminated string literal",
        src.len(),
    ))
}

fn illegal_escape(src: &str, start: usize, at: usize, seq: &str) -> SoqlError {
    let end = src[at..].find('\'').map_or(src.len(), |i| at + i + 1);
    SoqlError::malformed(
        format!(
            "Invalid string literal '{}'. Illegal character sequence '{seq}' in string literal.",
            &src[start..end.min(src.len())]
        ),
        start,
    )
}

fn lex_number_or_date(src: &str, start: usize) -> Result<(Tok, usize), SoqlError> {
    let bytes = src.as_bytes();
    // A date (yyyy-mm-dd) or datetime (yyyy-mm-ddThh:mm:ss[.fff](Z|±hh:mm|±hhmm)).
    let is_digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
    if (0..4).all(|k| is_digit(start + k)) && bytes.get(start + 4) == Some(&b'-') {
        let mut end = start;
        while end < bytes.len()
            && (bytes[end].is_ascii_alphanumeric()
                || matches!(bytes[end], b'-' | b':' | b'.' | b'+'))
        {
            end += 1;
        }
        let text = &src[start..end];
        if text.len() == 10 {
            return time::parse_date(text)
                .map(|d| (Tok::Date(d), end))
                .ok_or_else(|| {
                    SoqlError::malformed(
                        format!("line 1:{start} no viable alternative at character '{text}'"),
                        start,
                    )
                });
        }
        let has_zone = text.ends_with('Z')
            || text.ends_with('z')
            || text[10..].contains('+')
            || text[11..].contains('-');
        return match time::parse_datetime(text) {
            Some(t) if has_zone && text.as_bytes().get(10).is_some_and(|b| *b == b'T') => {
                Ok((Tok::DateTime(t), end))
            }
            _ => Err(SoqlError::malformed(
                format!("unexpected token: '{text}'"),
                start,
            )),
        };
    }
    let mut i = start;
    if matches!(bytes[i], b'-' | b'+') {
        i += 1;
    }
    let digits_start = i;
    while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
        i += 1;
    }
    let text = &src[start..i];
    let body = &src[digits_start..i];
    if body.is_empty() || body.matches('.').count() > 1 || body == "." {
        let shown = src[start..].chars().next().unwrap_or('?');
        return Err(SoqlError::malformed(
            format!("unexpected token: '{shown}'"),
            start,
        ));
    }
    Ok((Tok::Num(text.to_string()), i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        lex(s).expect("lexes").into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn string_escapes_follow_salesforce() {
        let t = toks(r"'o\'brien\\x\n' 'a\%b'");
        match (&t[0], &t[1]) {
            (Tok::Str(a), Tok::Str(b)) => {
                assert_eq!(a.value, "o'brien\\x\n");
                assert_eq!(b.value, "a%b");
                assert_eq!(b.escaped_wildcards, vec![1]);
            }
            other => panic!("unexpected tokens {other:?}"),
        }
        let err = lex(r"'bad\q'").expect_err("\\q is not an escape");
        assert!(
            err.message.contains("Illegal character sequence '\\q'"),
            "{}",
            err.message
        );
        assert!(lex("'open").is_err());
    }

    #[test]
    fn dates_numbers_and_operators() {
        let t = toks("2024-01-15 2024-01-15T10:00:00Z -5 3.25 <> <= !=");
        assert!(matches!(t[0], Tok::Date(_)));
        assert!(matches!(t[1], Tok::DateTime(_)));
        assert_eq!(t[2], Tok::Num("-5".into()));
        assert_eq!(t[3], Tok::Num("3.25".into()));
        assert_eq!(&t[4..7], &[Tok::Op("!="), Tok::Op("<="), Tok::Op("!=")]);
        assert!(lex("2024-13-01").is_err());
    }
}
