//! Everything that talks to Salesforce goes through this module.

pub mod describe;
