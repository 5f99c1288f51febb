//! Why the guard refused a statement, and where.
//!
//! A refusal carries a 1-based byte column into the input, so the console can put the cursor
//! on the spot, and a reason the UI and tests can match on without parsing the message.

use crate::{Error, ErrorCode};

/// The guard's verdict on a statement it will not send.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("refused at column {column}: {reason}")]
pub struct Refusal {
    /// 1-based byte offset into the input (UTF-8), counting every line of a multi-line query.
    pub column: usize,
    pub reason: Reason,
}

impl Refusal {
    /// A refusal at the byte offset `offset` (0-based) of the input.
    pub(crate) fn at(offset: usize, reason: Reason) -> Refusal {
        Refusal {
            column: offset + 1,
            reason,
        }
    }
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Error {
        let column = refusal.column as u64;
        Error::new(ErrorCode::SoqlRefused, refusal.to_string()).detail(|d| d.column = Some(column))
    }
}

/// What is wrong. The text is written for the person at the console.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    #[error("the query is empty; write one SELECT query")]
    Empty,
    #[error("{word} is a data-changing statement; the console only runs SELECT queries")]
    DataChanging { word: String },
    #[error("FIND starts a SOSL search; the console only runs SOQL SELECT queries")]
    Sosl,
    #[error("a query starts with SELECT, found {found}; the console only runs SELECT queries")]
    NotSelect { found: String },
    #[error("only one statement is allowed, and this ';' is followed by more")]
    SeveralStatements,
    #[error("FOR UPDATE locks the rows it selects; the console only runs read-only queries")]
    ForUpdate,
    #[error("UPDATE {what} changes article statistics; the console only runs read-only queries")]
    UpdateStatistics { what: String },
    #[error("this '(' is never closed")]
    UnclosedParen,
    #[error("this ')' has no matching '('")]
    UnmatchedParen,
    #[error("unterminated string literal: the quote opened here is never closed")]
    UnterminatedString,
    #[error(
        "the string ends at this quote and more follows; a quote inside a string is written \\'"
    )]
    UnescapedQuote,
    #[error(
        "{escape} is not a valid escape in a SOQL string; the escapes are \\n \\r \\t \\b \\f \\\" \\' \\\\ and \\uXXXX"
    )]
    BadEscape { escape: String },
    #[error("{escape} is only allowed in a LIKE pattern")]
    LikeEscapeOutsideLike { escape: String },
    #[error("unexpected character {ch:?} (U+{:04X}){hint}", u32::from(*.ch))]
    UnexpectedChar { ch: char, hint: &'static str },
    #[error("{text} is not a valid {kind}: {why}")]
    InvalidTemporal {
        kind: &'static str,
        text: String,
        why: String,
    },
    #[error("expected {expected}, found {found}")]
    Syntax { expected: String, found: String },
    #[error(
        "AND and OR are mixed without parentheses; SOQL needs them to group, as in A AND (B OR C)"
    )]
    MixedAndOr,
    #[error("bind variables (:name) only work in Apex; write the value into the query")]
    BindVariable,
    #[error("this string is {chars} characters long; Salesforce allows at most 4,000 per string in a WHERE clause")]
    StringTooLong { chars: usize },
    #[error("{text} is out of range for {what}")]
    NumberOutOfRange { text: String, what: &'static str },
    #[error("the query nests deeper than {max} levels")]
    TooDeep { max: usize },
}
