//! One module per command group. Each opens what it needs through [`context`].

pub mod context;
pub mod info;
pub mod log;
