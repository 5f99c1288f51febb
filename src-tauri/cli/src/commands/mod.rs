//! One module per command group. Each opens what it needs through [`context`].

pub mod contact_show;
pub mod contacts;
pub mod context;
pub mod demo_org;
pub mod info;
pub mod log;
pub mod mapping;
pub mod org;
pub mod serve;
pub mod soql;
pub mod sync;
