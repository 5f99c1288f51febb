//! The permission check of a push: every write lane the plan uses (new Leads, Lead updates,
//! Account updates, campaign members, Opportunities) needs its object's right, checked
//! against the connected user's describes before any write is sent.

use super::batch::planned_lanes;
use super::model::Plan;
use crate::salesforce::permissions::{self, Access, Need};
use crate::salesforce::SalesforceClient;
use crate::Result;

/// The rights the plan's writes need, each once, in plan order.
pub fn needs(plan: &Plan) -> Vec<Need> {
    let mut out: Vec<Need> = Vec::new();
    for item in &plan.items {
        for (_, lane) in planned_lanes(item) {
            let access = if lane.create {
                Access::Create
            } else {
                Access::Update
            };
            let need = Need::new(lane.sobject, access);
            if !out.contains(&need) {
                out.push(need);
            }
        }
    }
    out
}

/// Refuses the push (`PERMISSION_DENIED`, naming the rights) when the user lacks one.
/// Nothing to write, nothing to check. The describes are cached by the plan's look-up, so
/// this costs no call.
pub async fn check(client: &SalesforceClient, plan: &Plan) -> Result<()> {
    let needs = needs(plan);
    if needs.is_empty() {
        return Ok(());
    }
    permissions::require(client, &needs).await.map(|_| ())
}
