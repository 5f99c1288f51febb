//! The demo org: a local server that speaks the subset of Salesforce's REST and OAuth APIs that
//! Leadbridge uses. It depends on nothing in `leadbridge-core`, so a misunderstanding of
//! Salesforce in one is caught by the other.
