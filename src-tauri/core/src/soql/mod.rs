//! SOQL for the console and for every query the app writes itself.
//!
//! - [`check`]: the console's guard. One SELECT statement is accepted, with facts about it
//!   ([`CheckedQuery`]); DML, several statements, FOR UPDATE, SOSL and anything else that is
//!   not one query are refused before any call, with a [`Refusal`] (column and [`Reason`]),
//!   which converts into [`crate::Error`] with `ErrorCode::SoqlRefused`.
//! - [`quote`], [`escape_like`], [`unquote`]: the one escaping function for string literals
//!   and its inverse.
//! - [`Select`], [`Condition`], [`select_where_in`]: builders; nothing else in the app writes
//!   SOQL by hand.
//! - [`run_query`], [`next_page`], [`console_check`]: the console (guard first, then the query
//!   and its pages as a table of flattened columns); [`history`]: its last statements;
//!   [`preview_for_contact`]: the statements a sync of one contact sends.

mod builder;
mod columns;
mod guard;
pub mod history;
mod lexer;
mod literal;
pub mod preview;
mod refusal;
mod run;

#[cfg(test)]
mod tests;

pub use builder::{
    encoded_len, select_where_in, validate_field, validate_object, Budget, Condition, Direction,
    Literal, Op, Select, MAX_GET_URI_BYTES, MAX_STATEMENT_CHARS,
};
pub use columns::{cell, cell_text, strip_attributes};
pub use guard::{check, CheckedQuery};
pub use literal::{escape_like, quote, unquote, LikePattern, MAX_LITERAL_CHARS};
pub use preview::{dedupe_queries, preview_for_contact, ContactPreview, PreviewQuery};
pub use refusal::{Reason, Refusal};
pub use run::{
    console_check, next_page, run_checked, run_query, validate_max_rows, ConsoleCheck, QueryResult,
    RefusalSpot, DEFAULT_MAX_ROWS, MAX_ROWS_LIMIT,
};
