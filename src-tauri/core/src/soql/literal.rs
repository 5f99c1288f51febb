//! SOQL string literals: the one escaping function the app uses, its exact inverse, and LIKE
//! patterns.
//!
//! Salesforce reserves only `'` and `\` inside a literal; the escapes are `\n \r \t \b \f \" \'
//! \\` (the letter escapes also in upper case), `\uXXXX`, and `\_` `\%` inside LIKE only; any
//! other backslash is an error (SOQL reference, "Quoted String Escape Sequences" and "Reserved
//! Characters"). jsforce's `escapeSOQLString` escapes only the quote and lets a trailing
//! backslash swallow it; here the backslash is escaped first.

use super::refusal::{Reason, Refusal};

/// Salesforce's limit on one string in a WHERE clause. It is counted here on the escaped text
/// between the quotes, the stricter reading of "a string can't exceed 4,000 characters".
pub const MAX_LITERAL_CHARS: usize = 4_000;

/// A complete SOQL string literal, quotes included, for any value: `o'brien@example.com`
/// becomes `'o\'brien@example.com'`. Use [`super::builder`] to also enforce the 4,000-character
/// limit.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    escape_into(value, false, &mut out);
    out.push('\'');
    out
}

/// The inside of a LIKE pattern matching `value` literally: escaped as by [`quote`], and `_`
/// and `%` escaped too so they are not wildcards. No quotes; [`LikePattern`] adds wildcards
/// and quotes.
pub fn escape_like(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    escape_into(value, true, &mut out);
    out
}

fn escape_into(value: &str, like: bool, out: &mut String) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{c}' => out.push_str("\\f"),
            '_' if like => out.push_str("\\_"),
            '%' if like => out.push_str("\\%"),
            // Other control characters go out as \uXXXX: a raw NUL or DEL in a URL or log line
            // helps nobody, and the reference names \b "bell" while Java reads it as backspace,
            // so U+0007 and U+0008 are never written as \b.
            c if c.is_control() => {
                out.push_str("\\u");
                out.push_str(&format!("{:04X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
}

/// The value of a complete literal such as `'o\'brien@example.com'`: the inverse of [`quote`].
/// LIKE-only escapes (`\_`, `\%`) are refused, as Salesforce refuses them outside LIKE. The
/// refusal's column counts from the literal's opening quote.
pub fn unquote(literal: &str) -> Result<String, Refusal> {
    if !literal.starts_with('\'') {
        return Err(Refusal::at(
            0,
            Reason::Syntax {
                expected: "a string literal in single quotes".into(),
                found: describe_start(literal),
            },
        ));
    }
    let scanned = scan_string(literal, 0)?;
    if scanned.end != literal.len() {
        return Err(Refusal::at(
            scanned.end,
            Reason::Syntax {
                expected: "the end of the literal".into(),
                found: "more text after the closing quote".into(),
            },
        ));
    }
    if let Some((at, escape)) = scanned.like_escape {
        return Err(Refusal::at(
            at,
            Reason::LikeEscapeOutsideLike {
                escape: escape.to_string(),
            },
        ));
    }
    Ok(scanned.value)
}

fn describe_start(text: &str) -> String {
    match text.chars().next() {
        None => "nothing".into(),
        Some(c) => format!("{c:?}"),
    }
}

/// A string literal found in a statement.
#[derive(Debug)]
pub(crate) struct ScannedString {
    /// Byte offset just past the closing quote.
    pub end: usize,
    /// The decoded value; `\_` and `\%` are kept as written (they mean something to LIKE).
    pub value: String,
    /// Where the first `\_` or `\%` is (byte offset of its backslash), and which it is.
    pub like_escape: Option<(usize, &'static str)>,
    /// Characters between the quotes, as written (escaped).
    pub body_chars: usize,
}

/// Reads the literal whose opening quote is at byte `start` of `src`, checking every escape.
pub(crate) fn scan_string(src: &str, start: usize) -> Result<ScannedString, Refusal> {
    debug_assert!(src[start..].starts_with('\''));
    let body_start = start + 1;
    let mut chars = src[body_start..]
        .char_indices()
        .map(|(i, c)| (body_start + i, c));
    let mut value = String::new();
    let mut like_escape = None;
    while let Some((at, c)) = chars.next() {
        match c {
            '\'' => {
                let body_chars = src[body_start..at].chars().count();
                return Ok(ScannedString {
                    end: at + 1,
                    value,
                    like_escape,
                    body_chars,
                });
            }
            '\\' => {
                let Some((_, e)) = chars.next() else { break };
                match e {
                    'n' | 'N' => value.push('\n'),
                    'r' | 'R' => value.push('\r'),
                    't' | 'T' => value.push('\t'),
                    // Java, which parses SOQL, reads \b as backspace.
                    'b' | 'B' => value.push('\u{8}'),
                    'f' | 'F' => value.push('\u{c}'),
                    '"' | '\'' | '\\' => value.push(e),
                    '_' | '%' => {
                        let escape = if e == '_' { "\\_" } else { "\\%" };
                        like_escape.get_or_insert((at, escape));
                        value.push('\\');
                        value.push(e);
                    }
                    'u' => value.push(read_unicode_escape(src, at, &mut chars)?),
                    other => {
                        let mut escape = String::from('\\');
                        escape.push(other);
                        return Err(Refusal::at(at, Reason::BadEscape { escape }));
                    }
                }
            }
            c => value.push(c),
        }
    }
    Err(Refusal::at(start, Reason::UnterminatedString))
}

/// Reads the `XXXX` of `\uXXXX` (the `\u` at byte `at` is already consumed), joining a UTF-16
/// surrogate pair written as two escapes. A lone surrogate is no character, so it is refused.
fn read_unicode_escape(
    src: &str,
    at: usize,
    chars: &mut impl Iterator<Item = (usize, char)>,
) -> Result<char, Refusal> {
    let first = read_hex4(src, at, chars)?;
    let code = match first {
        0xD800..=0xDBFF => {
            // The low half must follow immediately as another \u escape.
            let low_at = at + 6;
            let low = match (chars.next(), chars.next()) {
                (Some((_, '\\')), Some((_, 'u'))) => read_hex4(src, low_at, chars)?,
                _ => return Err(bad_unicode(src, at)),
            };
            if !(0xDC00..=0xDFFF).contains(&low) {
                return Err(bad_unicode(src, at));
            }
            0x10000 + ((first - 0xD800) << 10) + (low - 0xDC00)
        }
        0xDC00..=0xDFFF => return Err(bad_unicode(src, at)),
        code => code,
    };
    char::from_u32(code).ok_or_else(|| bad_unicode(src, at))
}

fn read_hex4(
    src: &str,
    at: usize,
    chars: &mut impl Iterator<Item = (usize, char)>,
) -> Result<u32, Refusal> {
    let mut code = 0u32;
    for _ in 0..4 {
        match chars.next().and_then(|(_, c)| c.to_digit(16)) {
            Some(digit) => code = code * 16 + digit,
            None => return Err(bad_unicode(src, at)),
        }
    }
    Ok(code)
}

/// A refusal naming the escape as written (up to `\uXXXX`) at the backslash.
fn bad_unicode(src: &str, at: usize) -> Refusal {
    let escape: String = src[at..].chars().take(6).collect();
    Refusal::at(at, Reason::BadEscape { escape })
}

/// A LIKE pattern: literal text escaped by [`escape_like`], `%` wildcards placed by the
/// constructor, so a user's `_` or `%` never becomes a wildcard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LikePattern {
    body: String,
}

impl LikePattern {
    /// Matches `text` exactly (LIKE is case-insensitive in Salesforce, unlike `=` on some types).
    pub fn exact(text: &str) -> LikePattern {
        LikePattern {
            body: escape_like(text),
        }
    }

    pub fn starts_with(prefix: &str) -> LikePattern {
        let mut body = escape_like(prefix);
        body.push('%');
        LikePattern { body }
    }

    pub fn ends_with(suffix: &str) -> LikePattern {
        let mut body = String::from('%');
        body.push_str(&escape_like(suffix));
        LikePattern { body }
    }

    pub fn contains(text: &str) -> LikePattern {
        let mut body = String::from('%');
        body.push_str(&escape_like(text));
        body.push('%');
        LikePattern { body }
    }

    /// The complete literal, quotes included.
    pub fn to_soql(&self) -> String {
        let mut out = String::with_capacity(self.body.len() + 2);
        out.push('\'');
        out.push_str(&self.body);
        out.push('\'');
        out
    }

    /// Characters between the quotes, for the 4,000-character limit.
    pub fn body_chars(&self) -> usize {
        self.body.chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quote_escapes_the_apostrophe_in_an_email() {
        assert_eq!(quote("o'brien@example.com"), r"'o\'brien@example.com'");
        assert_eq!(
            unquote(r"'o\'brien@example.com'").unwrap(),
            "o'brien@example.com"
        );
    }

    #[test]
    fn quote_escapes_backslash_before_quote_so_a_trailing_backslash_cannot_end_the_literal() {
        assert_eq!(quote(r"C:\"), r"'C:\\'");
        assert_eq!(quote(r"\'"), r"'\\\''");
        assert_eq!(quote("a\nb\r\tc\u{c}"), r"'a\nb\r\tc\f'");
        assert_eq!(
            quote("bell\u{7}back\u{8}nul\u{0}"),
            r"'bell\u0007back\u0008nul\u0000'"
        );
        // Only ' and \ are reserved; a double quote goes through as it is.
        assert_eq!(quote("say \"hi\""), "'say \"hi\"'");
    }

    #[test]
    fn escape_like_also_escapes_wildcards() {
        assert_eq!(escape_like("50%_off'"), r"50\%\_off\'");
        assert_eq!(LikePattern::contains("a_b").to_soql(), r"'%a\_b%'");
        assert_eq!(LikePattern::starts_with("x%").to_soql(), r"'x\%%'");
        assert_eq!(
            LikePattern::ends_with("@example.com").to_soql(),
            "'%@example.com'"
        );
        assert_eq!(LikePattern::exact("Ter%").to_soql(), r"'Ter\%'");
    }

    #[test]
    fn unquote_reads_every_documented_escape() {
        let decoded = unquote(r#"'\n\N\r\R\t\T\b\B\f\F\"\'\\\u00e9\uD83D\uDE00'"#).unwrap();
        assert_eq!(decoded, "\n\n\r\r\t\t\u{8}\u{8}\u{c}\u{c}\"'\\é😀");
    }

    #[test]
    fn unquote_refuses_bad_escapes_at_the_backslash() {
        let cases: &[(&str, usize, &str)] = &[
            (r"'ab\q'", 4, r"\q"),
            (r"'\u12G4'", 2, r"\u12G4"),
            (r"'x\u12'", 3, r"\u12'"),
            (r"'\uD800'", 2, r"\uD800"),
            (r"'\uDC00'", 2, r"\uDC00"),
            (r"'\uD83D\u0041'", 2, r"\uD83D"),
        ];
        for (literal, column, escape) in cases {
            let refusal = unquote(literal).unwrap_err();
            assert_eq!(refusal.column, *column, "{literal}");
            assert_eq!(
                refusal.reason,
                Reason::BadEscape {
                    escape: escape.to_string()
                },
                "{literal}"
            );
        }
    }

    #[test]
    fn unquote_refuses_like_escapes_unterminated_and_trailing_text() {
        let refusal = unquote(r"'50\%'").unwrap_err();
        assert_eq!(
            (refusal.column, refusal.reason),
            (
                4,
                Reason::LikeEscapeOutsideLike {
                    escape: r"\%".into()
                }
            )
        );
        assert_eq!(
            unquote(r"'abc\'").unwrap_err().reason,
            Reason::UnterminatedString
        );
        assert_eq!(unquote("'abc").unwrap_err().column, 1);
        assert_eq!(unquote("'a'b").unwrap_err().column, 4);
        assert!(unquote("abc").is_err());
        assert!(unquote("").is_err());
    }

    #[test]
    fn scan_counts_escaped_body_characters() {
        let scanned = scan_string(r"x = 'it\'s' AND", 4).unwrap();
        assert_eq!(scanned.end, 11);
        assert_eq!(scanned.body_chars, 5);
        assert_eq!(scanned.value, "it's");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn quote_then_unquote_is_the_identity(value in any::<String>()) {
            prop_assert_eq!(unquote(&quote(&value)).unwrap(), value);
        }

        #[test]
        fn quote_round_trips_quotes_backslashes_and_newlines(
            value in proptest::string::string_regex(r"[a-z'\\\n\r\t\u{0}-\u{1f}\u{7f}é😀\u{2028}]{0,40}").unwrap()
        ) {
            let literal = quote(&value);
            prop_assert_eq!(unquote(&literal).unwrap(), value);
        }

        #[test]
        fn a_like_body_matches_only_escaped_wildcards(value in any::<String>()) {
            let body = escape_like(&value);
            // Every % or _ in the body is preceded by a backslash that is not itself escaped.
            let mut chars = body.chars();
            while let Some(c) = chars.next() {
                prop_assert!(c != '%' && c != '_', "bare wildcard in {:?}", body);
                if c == '\\' {
                    prop_assert!(chars.next().is_some());
                }
            }
        }
    }
}
