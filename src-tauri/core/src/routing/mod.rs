//! Lead-owner routing: which Salesforce user owns a new Lead (PRODUCT.md steps 5 and 6).
//!
//! - [`model`]: the configuration the admin edits (strategy order, user mapping, ownership
//!   segments and rules); saved as part of the mapping document (`crate::mapping`).
//! - [`users`]: Salesforce Users ([`fetch_users`]), the chat-user → User lookup and the
//!   Routing screen's mapping suggestions ([`suggest_user_mapping`]).
//! - [`facts`]: Users and matched Accounts for a batch of contacts in a few API calls
//!   ([`fetch_facts`], [`RoutingFacts`]).
//! - [`segments`]: company facts and segment evaluation (pure).
//! - [`resolve`]: the owner decision for one contact (pure, [`resolve_owner`]).
//! - [`trial`]: the Routing screen's inputs: chat users seen on contacts, and "test a
//!   contact" under an unsaved configuration ([`test_contact`]).

pub mod composite_query;
pub mod country;
pub mod facts;
pub mod model;
pub mod quantity;
pub mod resolve;
pub mod segments;
pub mod trial;
pub mod users;

pub use facts::{
    fetch_facts, AccountFacts, AccountMatch, AccountMatchKind, OwnerFieldValue, RoutingFacts,
};
pub use resolve::{resolve_owner, OwnerDecision, RoutingStep, StepOutcome, NO_OWNER_REASON};
pub use segments::{evaluate_segment, CompanyFact, CompanyProfile, FactSource, SegmentCheck};
pub use trial::{chat_users, test_contact, trial_contact, RoutingTrial, TrialContact};
pub use users::{
    fetch_users, suggest_user_mapping, SalesforceUser, SuggestionBasis, UserMappingSuggestion,
};
