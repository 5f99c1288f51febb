//! Lead-owner routing: which Salesforce user owns a new Lead. `model` holds the configuration
//! the admin edits (strategy order, user mapping, ownership segments and rules); it is saved
//! as part of the mapping document (`crate::mapping`).

pub mod model;
