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

mod builder;
mod guard;
mod lexer;
mod literal;
mod refusal;

#[cfg(test)]
mod tests;

pub use builder::{
    encoded_len, select_where_in, validate_field, validate_object, Budget, Condition, Direction,
    Literal, Op, Select, MAX_GET_URI_BYTES, MAX_STATEMENT_CHARS,
};
pub use guard::{check, CheckedQuery};
pub use literal::{escape_like, quote, unquote, LikePattern, MAX_LITERAL_CHARS};
pub use refusal::{Reason, Refusal};
