//! The preview's plan, kept for the push that follows it.
//!
//! The app's preview looks Salesforce up (dedupe queries, routing, describes) to show what a
//! push will do; a push right after it would spend those look-ups again on the same contacts
//! (the customer's API quota). [`PreviewCache`] keeps the last preview's plan with what it was
//! planned from, and hands it to the push only while nothing it depends on has changed here:
//! the same selection and org, the same contacts (ids, last change, last delivery), the same
//! unfinished deliveries (they join every plan) and the same mapping version (which carries
//! the routing rules). Anything else, or a preview older than [`PREVIEW_MAX_AGE`] (Salesforce
//! itself may have changed meanwhile), and the push plans afresh, as it did before.
//!
//! A kept plan is handed out once: a second push of the same selection plans again.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::model::Plan;
use super::push::{plan_push, select, PlanOptions, Selection};
use crate::deliveries;
use crate::mapping::MappingStore;
use crate::salesforce::SalesforceClient;
use crate::store::Store;
use crate::Result;

/// How long a previewed plan stays good for the push: long enough to read the preview and
/// confirm, short enough that Salesforce's side (a Lead someone else created) is still as seen.
pub const PREVIEW_MAX_AGE: Duration = Duration::from_secs(5 * 60);

/// What a plan of a selection depends on in this app's data; equal inputs plan the same.
#[derive(Debug, Clone, PartialEq)]
struct Inputs {
    org_id: String,
    username: String,
    selection: Selection,
    /// Each selected contact: id, last change, last delivery (an automated delivery since).
    contacts: Vec<(i64, String, Option<i64>)>,
    /// The unfinished deliveries a push continues: id and status.
    unfinished: Vec<(i64, String)>,
    mapping_version: u32,
}

impl Inputs {
    fn read(client: &SalesforceClient, store: &Store, selection: &Selection) -> Result<Inputs> {
        let profile = client.profile();
        let contacts = select(store, selection)?
            .into_iter()
            .map(|c| (c.id, c.updated_at.to_rfc3339(), c.last_delivery_id))
            .collect();
        let unfinished = deliveries::unfinished(&store.conn())?
            .into_iter()
            .map(|d| (d.delivery.id.0, d.delivery.status.to_string()))
            .collect();
        Ok(Inputs {
            org_id: profile.org_id.clone(),
            username: profile.username.clone(),
            selection: selection.clone(),
            contacts,
            unfinished,
            mapping_version: MappingStore::new(store).current()?.version,
        })
    }
}

struct Kept {
    inputs: Inputs,
    plan: Plan,
    at: Instant,
}

/// The last preview's plan and what it was planned from (one per app; see the module docs).
#[derive(Default)]
pub struct PreviewCache {
    kept: Mutex<Option<Kept>>,
}

impl PreviewCache {
    pub const fn new() -> PreviewCache {
        PreviewCache {
            kept: Mutex::new(None),
        }
    }

    fn kept(&self) -> MutexGuard<'_, Option<Kept>> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Plans a push of `selection` (read-only, as [`plan_push`]) and keeps the plan for the
    /// push that may follow.
    pub async fn preview(
        &self,
        client: &SalesforceClient,
        store: &Store,
        selection: &Selection,
        options: &PlanOptions,
    ) -> Result<Plan> {
        // Read before planning: a change made while the look-ups run makes the kept inputs
        // differ from the push's, so the push plans again.
        let inputs = Inputs::read(client, store, selection)?;
        let plan = plan_push(client, store, selection, options).await?;
        *self.kept() = Some(Kept {
            inputs,
            plan: plan.clone(),
            at: Instant::now(),
        });
        Ok(plan)
    }

    /// The kept plan when it is still what planning `selection` now would give (see the
    /// module docs), with no look-up calls of its own; None otherwise. Either way the kept
    /// plan is dropped. Call it holding the push lock, so no other push changes the inputs.
    pub fn take(
        &self,
        client: &SalesforceClient,
        store: &Store,
        selection: &Selection,
    ) -> Result<Option<Plan>> {
        let Some(kept) = self.kept().take() else {
            return Ok(None);
        };
        if kept.at.elapsed() > PREVIEW_MAX_AGE {
            return Ok(None);
        }
        if kept.inputs != Inputs::read(client, store, selection)? {
            tracing::debug!("the previewed plan is stale: planning the push again");
            return Ok(None);
        }
        let mut plan = kept.plan;
        // The look-ups were the preview's: this push made none.
        plan.lookup_calls = 0;
        Ok(Some(plan))
    }
}
