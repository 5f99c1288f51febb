//! The demo org's own SOQL: a lexer, a parser and an evaluator for the subset Leadbridge and
//! common clients use (see the crate docs for the grammar). Errors carry Salesforce's codes
//! and its "ERROR at Row:R:Column:C" message form.

mod dates;
mod eval;
mod lexer;
mod parser;

pub use eval::run;

/// The longest statement Salesforce accepts (characters).
pub const MAX_STATEMENT_CHARS: usize = 100_000;

/// A SOQL error: an errorCode, a message and, when known, the byte offset it refers to.
#[derive(Clone, Debug, PartialEq)]
pub struct SoqlError {
    pub code: &'static str,
    pub message: String,
    pub pos: Option<usize>,
}

impl SoqlError {
    pub fn malformed(message: impl Into<String>, pos: usize) -> Self {
        SoqlError {
            code: "MALFORMED_QUERY",
            message: message.into(),
            pos: Some(pos),
        }
    }

    pub fn at(code: &'static str, message: impl Into<String>, pos: usize) -> Self {
        SoqlError {
            code,
            message: message.into(),
            pos: Some(pos),
        }
    }

    /// The message as Salesforce writes it: the offending line, a caret under the column, then
    /// `ERROR at Row:R:Column:C` and the reason.
    pub fn render(&self, query: &str) -> String {
        let Some(pos) = self.pos else {
            return self.message.clone();
        };
        let pos = pos.min(query.len());
        let before = &query[..pos];
        let row = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = query[line_start..pos].chars().count() + 1;
        let line_end = query[line_start..]
            .find('\n')
            .map_or(query.len(), |i| line_start + i);
        let line = &query[line_start..line_end];
        format!(
            "\n{line}\n{}^\nERROR at Row:{row}:Column:{col}\n{}",
            " ".repeat(col - 1),
            self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_render_with_row_and_column() {
        let e = SoqlError::malformed("unexpected token: 'FRM'", 10);
        assert_eq!(
            e.render("SELECT Id FRM Lead"),
            "\nSELECT Id FRM Lead\n          ^\nERROR at Row:1:Column:11\nunexpected token: 'FRM'"
        );
        let e = SoqlError::malformed("unexpected token: 'x'", 20);
        assert!(e
            .render("SELECT Id\nFROM Lead x")
            .contains("ERROR at Row:2:Column:11"));
    }
}
