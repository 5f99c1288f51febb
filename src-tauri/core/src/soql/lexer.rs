//! Turns a statement into tokens. The guard works on these, never on substrings, so a value
//! like `'delete me'` or a field like `Deleted__c` is just a string and an identifier.
//!
//! Lexing stops at the first character that cannot start a token; the error becomes the last
//! token, so the parser reports problems in source order.

use chrono::{FixedOffset, NaiveDate, NaiveTime};

use super::literal::scan_string;
use super::refusal::{Reason, Refusal};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// A name or keyword: `[A-Za-z_][A-Za-z0-9_]*`. Keywords are recognised by the parser,
    /// case-insensitively, because most SOQL keywords are also legal names (`Group`, `Order`).
    /// A currency value such as `USD5000.50` is one identifier token.
    Ident,
    /// A string literal; the escapes are already checked.
    Str {
        /// Where the first LIKE-only escape (`\_`, `\%`) is, and which, if any.
        like_escape: Option<(usize, &'static str)>,
        body_chars: usize,
    },
    /// An unsigned integer or decimal number.
    Number,
    /// `YYYY-MM-DD`.
    Date,
    /// `YYYY-MM-DDThh:mm:ss[.fff](Z|±hh:mm)`.
    DateTime,
    /// `hh:mm:ss[.fff]Z`, for time fields.
    Time,
    LParen,
    RParen,
    Comma,
    Dot,
    Colon,
    Semicolon,
    Plus,
    Minus,
    /// `=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`.
    Compare,
    /// A character no token starts with, an unterminated string, a bad escape...
    Error(Refusal),
    Eof,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token<'a> {
    pub kind: Kind,
    /// Byte offsets into the statement.
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
}

impl Token<'_> {
    /// Whether this is the (case-insensitive) keyword `word`.
    pub fn is(&self, word: &str) -> bool {
        self.kind == Kind::Ident && self.text.eq_ignore_ascii_case(word)
    }

    /// How to name this token in a message.
    pub fn describe(&self) -> String {
        match &self.kind {
            Kind::Eof => "the end of the query".into(),
            Kind::Str { .. } => "a string".into(),
            Kind::Error(_) => "an invalid character".into(),
            _ => {
                let shown: String = self.text.chars().take(40).collect();
                format!("'{shown}'")
            }
        }
    }
}

/// All tokens of `src`, ending with `Eof`, or with `Error` at the first lexing problem.
pub(crate) fn tokenize(src: &str) -> Vec<Token<'_>> {
    let mut lexer = Lexer {
        src,
        bytes: src.as_bytes(),
        pos: 0,
    };
    let mut tokens = Vec::new();
    loop {
        lexer.skip_whitespace();
        let start = lexer.pos;
        let kind = match lexer.next_kind() {
            Ok(kind) => kind,
            Err(refusal) => Kind::Error(refusal),
        };
        let stop = matches!(kind, Kind::Eof | Kind::Error(_));
        let end = if stop { start } else { lexer.pos };
        tokens.push(Token {
            kind,
            start,
            end,
            text: &src[start..end],
        });
        if stop {
            return tokens;
        }
    }
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0c') = self.peek(0) {
            self.pos += 1;
        }
    }

    fn next_kind(&mut self) -> Result<Kind, Refusal> {
        let Some(b) = self.peek(0) else {
            return Ok(Kind::Eof);
        };
        let single = |lexer: &mut Self, kind| {
            lexer.pos += 1;
            Ok(kind)
        };
        match b {
            b'(' => single(self, Kind::LParen),
            b')' => single(self, Kind::RParen),
            b',' => single(self, Kind::Comma),
            b'.' => single(self, Kind::Dot),
            b':' => single(self, Kind::Colon),
            b';' => single(self, Kind::Semicolon),
            b'+' => single(self, Kind::Plus),
            b'-' => single(self, Kind::Minus),
            b'=' => single(self, Kind::Compare),
            b'!' if self.peek(1) == Some(b'=') => {
                self.pos += 2;
                Ok(Kind::Compare)
            }
            b'<' | b'>' => {
                self.pos += 1;
                if self.peek(0) == Some(b'=') || (b == b'<' && self.peek(0) == Some(b'>')) {
                    self.pos += 1;
                }
                Ok(Kind::Compare)
            }
            b'\'' => {
                let scanned = scan_string(self.src, self.pos)?;
                self.pos = scanned.end;
                Ok(Kind::Str {
                    like_escape: scanned.like_escape,
                    body_chars: scanned.body_chars,
                })
            }
            b'0'..=b'9' => self.number_or_temporal(),
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                self.identifier();
                Ok(Kind::Ident)
            }
            _ => Err(self.unexpected_char()),
        }
    }

    fn unexpected_char(&self) -> Refusal {
        let ch = self.src[self.pos..].chars().next().unwrap_or('\u{fffd}');
        let hint = match ch {
            '"' => ": SOQL strings use single quotes",
            '*' => ": SOQL has no SELECT *; name the fields, or use FIELDS(ALL) with a LIMIT",
            '[' | ']' => ": remove the Apex brackets around the query",
            '{' | '}' => ": braces belong to SOSL, which the console does not run",
            '\u{2018}' | '\u{2019}' => ": use a straight single quote (') around strings",
            _ => "",
        };
        Refusal::at(self.pos, Reason::UnexpectedChar { ch, hint })
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek(0) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn identifier(&mut self) {
        let start = self.pos;
        while let Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_') = self.peek(0) {
            self.pos += 1;
        }
        // A currency value (ISO code then amount, e.g. USD5000.50) keeps its decimals.
        let word = &self.bytes[start..self.pos];
        let is_currency = word.len() > 3
            && word[..3].iter().all(u8::is_ascii_alphabetic)
            && word[3..].iter().all(u8::is_ascii_digit);
        if is_currency && self.peek(0) == Some(b'.') && matches!(self.peek(1), Some(b'0'..=b'9')) {
            self.pos += 1;
            self.digits();
        }
    }

    fn number_or_temporal(&mut self) -> Result<Kind, Refusal> {
        let start = self.pos;
        let int_digits = self.digits();
        if int_digits == 4 && self.peek(0) == Some(b'-') {
            return self.date_or_datetime(start);
        }
        if int_digits == 2
            && self.peek(0) == Some(b':')
            && matches!(self.peek(1), Some(b'0'..=b'9'))
        {
            self.pos = start;
            self.time(start, "time")?;
            return self.expect_zone(start, "time", true).map(|_| Kind::Time);
        }
        if self.peek(0) == Some(b'.') && matches!(self.peek(1), Some(b'0'..=b'9')) {
            self.pos += 1;
            self.digits();
        }
        // `10abc` is no token: refuse at the letter rather than split it in two.
        if let Some(b'a'..=b'z' | b'A'..=b'Z' | b'_') = self.peek(0) {
            return Err(self.unexpected_char());
        }
        Ok(Kind::Number)
    }

    fn date_or_datetime(&mut self, start: usize) -> Result<Kind, Refusal> {
        // YYYY was read; expect -MM-DD.
        let ok = self.take(b'-') && self.digits() == 2 && self.take(b'-') && self.digits() == 2;
        if !ok {
            return Err(self.invalid(start, "date", "dates are written YYYY-MM-DD"));
        }
        let text = &self.src[start..self.pos];
        if NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() {
            return Err(self.invalid(start, "date", "no such day in the calendar"));
        }
        if self.peek(0) != Some(b'T') {
            if let Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b':') = self.peek(0) {
                return Err(self.invalid(start, "date", "dates are written YYYY-MM-DD"));
            }
            return Ok(Kind::Date);
        }
        self.pos += 1;
        self.time(start, "datetime")?;
        self.expect_zone(start, "datetime", false)?;
        Ok(Kind::DateTime)
    }

    /// hh:mm:ss[.f+], checked against the clock.
    fn time(&mut self, start: usize, kind: &'static str) -> Result<(), Refusal> {
        let time_start = self.pos;
        let ok = self.digits() == 2
            && self.take(b':')
            && self.digits() == 2
            && self.take(b':')
            && self.digits() == 2;
        if !ok {
            return Err(self.invalid(start, kind, "times are written hh:mm:ss"));
        }
        if NaiveTime::parse_from_str(&self.src[time_start..self.pos], "%H:%M:%S").is_err() {
            return Err(self.invalid(start, kind, "no such time of day"));
        }
        if self.peek(0) == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.invalid(start, kind, "fractional seconds need digits"));
            }
        }
        Ok(())
    }

    /// `Z`, or (for datetimes) `+hh:mm` / `-hh:mm`: Salesforce needs the zone.
    fn expect_zone(
        &mut self,
        start: usize,
        kind: &'static str,
        z_only: bool,
    ) -> Result<(), Refusal> {
        let why = if z_only {
            "times end in Z"
        } else {
            "datetimes end in Z or an offset such as +01:00"
        };
        match self.peek(0) {
            Some(b'Z') => self.pos += 1,
            Some(sign @ (b'+' | b'-')) if !z_only => {
                self.pos += 1;
                let hours_at = self.pos;
                let ok = self.digits() == 2 && self.take(b':') && self.digits() == 2;
                if !ok {
                    return Err(self.invalid(start, kind, why));
                }
                let hours: i32 = self.src[hours_at..hours_at + 2].parse().unwrap_or(99);
                let minutes: i32 = self.src[hours_at + 3..hours_at + 5].parse().unwrap_or(99);
                let seconds = (hours * 60 + minutes) * 60 * if sign == b'-' { -1 } else { 1 };
                if minutes > 59 || FixedOffset::east_opt(seconds).is_none() {
                    return Err(self.invalid(start, kind, "the offset is out of range"));
                }
            }
            _ => return Err(self.invalid(start, kind, why)),
        }
        if let Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b':') = self.peek(0) {
            return Err(self.invalid(start, kind, why));
        }
        Ok(())
    }

    fn take(&mut self, b: u8) -> bool {
        let matched = self.peek(0) == Some(b);
        if matched {
            self.pos += 1;
        }
        matched
    }

    /// A refusal for the date or time starting at `start`, quoting it up to the next break.
    fn invalid(&self, start: usize, kind: &'static str, why: &str) -> Refusal {
        let end = self.src[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, ',' | ')' | '(' | ';'))
            .map_or(self.src.len(), |n| start + n);
        let text: String = self.src[start..end].chars().take(40).collect();
        Refusal::at(
            start,
            Reason::InvalidTemporal {
                kind,
                text,
                why: why.into(),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<Kind> {
        tokenize(src).into_iter().map(|t| t.kind).collect()
    }

    fn texts(src: &str) -> Vec<&str> {
        tokenize(src).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn splits_operators_paths_and_literals() {
        assert_eq!(
            texts("SELECT Owner.Name FROM Lead WHERE Amount>=-5.5 AND X<>'a' AND d!=2024-01-31"),
            [
                "SELECT",
                "Owner",
                ".",
                "Name",
                "FROM",
                "Lead",
                "WHERE",
                "Amount",
                ">=",
                "-",
                "5.5",
                "AND",
                "X",
                "<>",
                "'a'",
                "AND",
                "d",
                "!=",
                "2024-01-31",
                ""
            ]
        );
    }

    #[test]
    fn reads_dates_datetimes_times_and_n_literals() {
        assert_eq!(kinds("2024-02-29")[0], Kind::Date);
        assert_eq!(kinds("2024-02-29T10:00:00Z")[0], Kind::DateTime);
        assert_eq!(kinds("2024-02-29T10:00:00.123-08:00")[0], Kind::DateTime);
        assert_eq!(kinds("10:30:00.000Z")[0], Kind::Time);
        assert_eq!(texts("LAST_N_DAYS:30"), ["LAST_N_DAYS", ":", "30", ""]);
        assert_eq!(texts("USD5000.50"), ["USD5000.50", ""]);
    }

    #[test]
    fn refuses_impossible_dates_and_missing_zones() {
        for (src, why) in [
            ("2023-02-29", "no such day in the calendar"),
            ("2024-13-01", "no such day in the calendar"),
            ("2024-1-01", "dates are written YYYY-MM-DD"),
            (
                "2024-01-01T10:00:00",
                "datetimes end in Z or an offset such as +01:00",
            ),
            ("2024-01-01T25:00:00Z", "no such time of day"),
            ("2024-01-01T10:00:00+24:00", "the offset is out of range"),
        ] {
            match &kinds(src)[0] {
                Kind::Error(Refusal {
                    column: 1,
                    reason: Reason::InvalidTemporal { why: got, .. },
                }) => {
                    assert_eq!(got, why, "{src}")
                }
                other => panic!("{src}: {other:?}"),
            }
        }
    }

    #[test]
    fn stops_at_the_first_bad_character() {
        let tokens = tokenize("SELECT * FROM Lead");
        assert_eq!(tokens.len(), 2);
        match &tokens[1].kind {
            Kind::Error(refusal) => {
                assert_eq!(refusal.column, 8);
                assert!(refusal.to_string().contains("FIELDS(ALL)"), "{refusal}");
            }
            other => panic!("{other:?}"),
        }
        // Non-ASCII outside a string is refused at its first byte, with its code point.
        let tokens = tokenize("SELECT Név");
        let Kind::Error(refusal) = &tokens[2].kind else {
            panic!("{tokens:?}")
        };
        assert_eq!(refusal.column, 9);
        assert!(refusal.to_string().contains("U+00E9"), "{refusal}");
    }

    #[test]
    fn words_inside_strings_stay_inside_strings() {
        let tokens = tokenize("Name = 'x; DELETE FROM Lead'");
        assert_eq!(tokens.len(), 4);
        assert!(matches!(tokens[2].kind, Kind::Str { .. }));
    }
}
