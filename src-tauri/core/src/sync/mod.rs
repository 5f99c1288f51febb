//! The sync engine (PRODUCT.md pipeline steps 4, 5, 7, 8 and 9): plan, then execute.

pub mod batch;
pub mod convert;
pub mod model;
pub mod planner;
pub mod snapshot;

#[cfg(test)]
mod tests;

pub use model::*;
pub use planner::{plan, PlanInput};
pub use snapshot::{Carry, MatchedAccount, OwnerChoice, Routed, Snapshot};
