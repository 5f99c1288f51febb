//! Batching (salesforce-facts.md B4): records of one kind travel in sObject Collections of up
//! to 200, and up to 5 collections travel in one Composite request, which Salesforce counts
//! as one API call. 10,000 new Leads are 50 collections in 10 calls.
//!
//! Writes happen in phases, because later records need the Ids of earlier ones:
//! 1. the contact's Lead (create or update) or Contact (update), and the matched Account;
//! 2. the CampaignMember of a new Lead, and the Opportunity of an updated Contact;
//! 3. the OpportunityContactRole tying that Opportunity to the Contact.

use std::collections::BTreeMap;

use super::model::{AssignmentHeader, PlanAction, PlanItem};
use crate::salesforce::composite::MAX_QUERY_OR_COLLECTION_SUBREQUESTS;
use crate::salesforce::records::MAX_COLLECTION_RECORDS;

/// One step of a contact's delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StepKind {
    /// The Lead or Contact.
    Primary,
    Account,
    CampaignMember,
    Opportunity,
    ContactRole,
}

impl StepKind {
    pub const ALL: [StepKind; 5] = [
        StepKind::Primary,
        StepKind::Account,
        StepKind::CampaignMember,
        StepKind::Opportunity,
        StepKind::ContactRole,
    ];

    /// 1, 2 or 3 (see the module docs).
    pub fn phase(self) -> u8 {
        match self {
            StepKind::Primary | StepKind::Account => 1,
            StepKind::CampaignMember | StepKind::Opportunity => 2,
            StepKind::ContactRole => 3,
        }
    }

    /// The step an attempt was for, from the object it wrote and whether it created it.
    pub fn of(sobject: &str, create: bool) -> Option<StepKind> {
        Some(match (sobject, create) {
            ("Lead" | "Contact", _) => StepKind::Primary,
            ("Account", false) => StepKind::Account,
            ("CampaignMember", true) => StepKind::CampaignMember,
            ("Opportunity", true) => StepKind::Opportunity,
            ("OpportunityContactRole", true) => StepKind::ContactRole,
            _ => return None,
        })
    }
}

/// Records that can share one collection: same object, same operation, same
/// `Sforce-Auto-Assign` header.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lane {
    pub sobject: &'static str,
    pub create: bool,
    /// `Sforce-Auto-Assign: FALSE` on the subrequest.
    pub assign_off: bool,
}

impl Lane {
    pub fn new(sobject: &'static str, create: bool, assignment: Option<AssignmentHeader>) -> Lane {
        Lane {
            sobject,
            create,
            assign_off: assignment == Some(AssignmentHeader::Off),
        }
    }
}

/// A collection: one lane, up to 200 records.
#[derive(Debug, Clone, PartialEq)]
pub struct Collection<T> {
    pub lane: Lane,
    pub records: Vec<T>,
}

/// Splits writes into collections of at most 200 per lane (keeping the order within a lane)
/// and those into Composite requests of at most 5 collections.
pub fn pack<T>(writes: Vec<(Lane, T)>) -> Vec<Vec<Collection<T>>> {
    let mut lanes: BTreeMap<Lane, Vec<T>> = BTreeMap::new();
    for (lane, write) in writes {
        lanes.entry(lane).or_default().push(write);
    }
    let mut collections = Vec::new();
    for (lane, records) in lanes {
        let mut records = records.into_iter().peekable();
        while records.peek().is_some() {
            let chunk: Vec<T> = records.by_ref().take(MAX_COLLECTION_RECORDS).collect();
            collections.push(Collection {
                lane: lane.clone(),
                records: chunk,
            });
        }
    }
    let mut composites = Vec::new();
    let mut collections = collections.into_iter().peekable();
    while collections.peek().is_some() {
        composites.push(
            collections
                .by_ref()
                .take(MAX_QUERY_OR_COLLECTION_SUBREQUESTS)
                .collect(),
        );
    }
    composites
}

/// The lanes an item's steps use, when nothing fails.
pub fn planned_lanes(item: &PlanItem) -> Vec<(StepKind, Lane)> {
    let mut out = Vec::new();
    if item.problem.is_some() {
        return out;
    }
    let object: &'static str = item.object.as_str();
    match item.action {
        PlanAction::Create if item.record_id.is_none() => {
            out.push((StepKind::Primary, Lane::new(object, true, item.assignment)));
        }
        PlanAction::Update => {
            out.push((StepKind::Primary, Lane::new(object, false, item.assignment)));
        }
        _ => {}
    }
    if item.account.is_some() {
        out.push((StepKind::Account, Lane::new("Account", false, None)));
    }
    if item
        .campaign
        .as_ref()
        .is_some_and(|c| c.existing_member_id.is_none())
    {
        out.push((
            StepKind::CampaignMember,
            Lane::new("CampaignMember", true, None),
        ));
    }
    if let Some(o) = &item.opportunity {
        if o.existing_opportunity_id.is_none() {
            out.push((StepKind::Opportunity, Lane::new("Opportunity", true, None)));
        }
        if o.existing_contact_role_id.is_none() {
            out.push((
                StepKind::ContactRole,
                Lane::new("OpportunityContactRole", true, None),
            ));
        }
    }
    out
}

/// Composite calls the plan's writes take when nothing fails.
pub fn estimate_calls(items: &[PlanItem]) -> u32 {
    let mut calls = 0;
    for phase in 1..=3 {
        let writes: Vec<(Lane, ())> = items
            .iter()
            .flat_map(planned_lanes)
            .filter(|(kind, _)| kind.phase() == phase)
            .map(|(_, lane)| (lane, ()))
            .collect();
        calls += pack(writes).len() as u32;
    }
    calls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_thousand_leads_are_ten_calls() {
        let lane = Lane::new("Lead", true, Some(AssignmentHeader::Off));
        let composites = pack((0..10_000).map(|i| (lane.clone(), i)).collect());
        assert_eq!(composites.len(), 10);
        assert!(composites.iter().all(|c| c.len() == 5));
        assert!(composites
            .iter()
            .flatten()
            .all(|col| col.records.len() == 200));
        // Order is kept, every record once.
        let all: Vec<i32> = composites
            .into_iter()
            .flatten()
            .flat_map(|c| c.records)
            .collect();
        assert_eq!(all, (0..10_000).collect::<Vec<_>>());
    }

    #[test]
    fn lanes_never_mix() {
        let create = Lane::new("Lead", true, Some(AssignmentHeader::Off));
        let rules = Lane::new("Lead", true, Some(AssignmentHeader::SalesforceRules));
        let update = Lane::new("Lead", false, Some(AssignmentHeader::Off));
        let mut writes = vec![];
        for i in 0..201 {
            writes.push((create.clone(), i));
        }
        writes.push((rules.clone(), 1000));
        writes.push((update.clone(), 2000));
        let composites = pack(writes);
        let collections: Vec<&Collection<i32>> = composites.iter().flatten().collect();
        assert_eq!(
            collections.len(),
            4,
            "200 + 1 creates, 1 rules-create, 1 update"
        );
        assert_eq!(composites.len(), 1);
        for c in collections {
            assert!(c.records.len() <= 200);
            let lanes = [&create, &rules, &update];
            assert!(lanes.contains(&&c.lane));
        }
    }

    #[test]
    fn steps_of_attempts() {
        assert_eq!(StepKind::of("Lead", true), Some(StepKind::Primary));
        assert_eq!(StepKind::of("Contact", false), Some(StepKind::Primary));
        assert_eq!(StepKind::of("Account", false), Some(StepKind::Account));
        assert_eq!(
            StepKind::of("OpportunityContactRole", true),
            Some(StepKind::ContactRole)
        );
        assert_eq!(StepKind::of("Task", true), None);
    }
}
