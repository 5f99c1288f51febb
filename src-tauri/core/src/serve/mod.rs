//! `serve`: the unattended side of Leadbridge (PRODUCT.md pipeline steps 1, 3, 9, 10).
//!
//! - [`server`]: the HTTP receiver for `POST /webhooks/lead-events` and its worker.
//! - [`receive`]: signature, event, and the durable write (event row, inbox, queue) before the 2xx.
//! - [`pending`]: why a contact is not delivered yet and when it will go (the criteria).
//! - [`worker`]: one delivery pass through the sync engine with trigger `webhook`.
//! - [`tasks`]: selected chat events as Salesforce Tasks, batched.
//! - [`backflow`]: Opportunity stage and amount changes pulled back onto contacts.
//! - [`settings`]: the app panel's listen address, switch and (keyring) secret.

pub mod backflow;
pub mod pending;
pub mod receive;
pub mod server;
pub mod settings;
pub mod tasks;
pub mod worker;

#[cfg(test)]
mod tests;

pub use backflow::{BackflowReport, BackflowState};
pub use pending::{pending_reason, PendingReason, PendingStatus};
pub use receive::{receive, Receipt, Rejection};
pub use server::{stopped_status, Receiver, ServeOptions, ServeStatus};
pub use settings::{ServePanel, ServeSettings};
pub use worker::{drain, DrainReport};
