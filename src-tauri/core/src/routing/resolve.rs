//! The owner resolver (pure): who owns a new Lead (seed 002 "Lead Owner" and "Account
//! Ownership Rules"; PRODUCT.md steps 5 and 6).
//!
//! The enabled strategies are tried in the admin's rank order; the first that gives a usable
//! Salesforce User wins. Each strategy on its own:
//!
//! - `meeting_scheduler`, `last_routed`, `closed_by`: the chat user recorded on the contact
//!   (`agents.meetingScheduledWith`, `agents.lastRouted`, `agents.closedBy`), mapped through
//!   the user mapping ([`lookup_chat_user`]: manual mapping, else an active User with the same
//!   email, else a saved automatic mapping) to an **active** User.
//! - `account_owner`: the ownership rules in order; the first rule whose segment matches the
//!   company decides: the User in the rule's owner field on the matched Account, else the
//!   User in its "then by" field, where a User counts only when it is active **and mapped**
//!   (some user-mapping entry points to it: seed 002 routes to the CRM owner only when they
//!   are "a Signals user"), else the rule's fallback User. A company matching no rule's
//!   segment goes to `unmatchedFallbackUserId`. A matching rule that finds nobody (and has no
//!   usable fallback) leaves the strategy unresolved: later rules are not consulted, since
//!   the company belongs to that rule's segment.
//! - `default_owner`: `defaultOwnerId`, an active User or a Queue (`00G…`; Queues have no
//!   active flag to check).
//!
//! Fallback Users are the admin's explicit choice, so they need only be active, not mapped.
//! Nothing resolving leaves the owner unset, and Salesforce makes the API user the owner.
//!
//! The decision carries a step per strategy tried (and per disabled strategy ranked above the
//! winner) with the reasons, for the "test a contact" panel and the delivery log.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::facts::{AccountMatch, OwnerFieldValue, RoutingFacts};
use super::model::{OwnerStrategy, OwnershipRule, Segment};
use super::segments::{evaluate_segment, CompanyProfile, ConditionCheck, SegmentCheck};
use super::users::{lookup_chat_user, same_id, ChatUserLookup};
use crate::contacts::Contact;
use crate::mapping::MappingDocument;

/// The `reason` when no strategy resolves.
pub const NO_OWNER_REASON: &str =
    "no strategy resolved; Salesforce's default owner (the API user) applies";

/// Who owns the Lead, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OwnerDecision {
    /// The User (or default Queue) to set as `OwnerId`; None leaves it to Salesforce.
    pub owner_id: Option<String>,
    pub owner_name: Option<String>,
    /// The strategy that decided.
    pub strategy: Option<OwnerStrategy>,
    /// `Sally Park — meeting_scheduler`, `Bob Li — account_owner, segment Enterprise, field
    /// SDR__c, then-by OwnerId`, or [`NO_OWNER_REASON`] (`sync --json`'s `ownerReason`).
    pub reason: String,
    /// Every strategy considered up to the deciding one, in rank order.
    pub steps: Vec<RoutingStep>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum StepOutcome {
    Resolved,
    NotResolved,
    /// Ranked above the winner but switched off.
    Disabled,
}

/// One strategy, as tried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RoutingStep {
    pub strategy: OwnerStrategy,
    pub outcome: StepOutcome,
    /// One sentence: who was found, or why nobody was.
    pub detail: String,
    /// The sub-steps in order (Account lookup, rule by rule, field by field).
    pub trace: Vec<String>,
    /// `account_owner`: the Account the company matched.
    pub account: Option<AccountMatch>,
    /// `account_owner`: the company facts the segments were tested on.
    pub company: Option<CompanyProfile>,
    /// `account_owner`: each rule's segment as tested, in rule order, up to the deciding one.
    pub segments: Vec<SegmentCheck>,
}

impl RoutingStep {
    fn new(strategy: OwnerStrategy) -> RoutingStep {
        RoutingStep {
            strategy,
            outcome: StepOutcome::NotResolved,
            detail: String::new(),
            trace: Vec::new(),
            account: None,
            company: None,
            segments: Vec::new(),
        }
    }

    fn fail(mut self, detail: impl Into<String>) -> (RoutingStep, Option<Winner>) {
        self.outcome = StepOutcome::NotResolved;
        self.detail = detail.into();
        (self, None)
    }

    fn win(
        mut self,
        owner: Owner,
        detail: impl Into<String>,
        reason: String,
    ) -> (RoutingStep, Option<Winner>) {
        self.outcome = StepOutcome::Resolved;
        self.detail = detail.into();
        (self, Some(Winner { owner, reason }))
    }
}

/// A usable owner.
#[derive(Debug, Clone, PartialEq)]
struct Owner {
    id: String,
    name: Option<String>,
}

impl Owner {
    fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

struct Winner {
    owner: Owner,
    reason: String,
}

/// Decides the owner of `contact`'s Lead (see the module docs).
pub fn resolve_owner(
    contact: &Contact,
    doc: &MappingDocument,
    facts: &RoutingFacts,
) -> OwnerDecision {
    let mut steps = Vec::new();
    let mut tried = HashSet::new();
    for setting in &doc.owner_strategies {
        // A strategy listed twice (the document checks refuse it) counts at its first rank.
        if !tried.insert(setting.strategy) {
            continue;
        }
        if !setting.enabled {
            let mut step = RoutingStep::new(setting.strategy);
            step.outcome = StepOutcome::Disabled;
            step.detail = "switched off".to_string();
            steps.push(step);
            continue;
        }
        let (step, winner) = try_strategy(setting.strategy, contact, doc, facts);
        steps.push(step);
        if let Some(Winner { owner, reason }) = winner {
            return OwnerDecision {
                owner_id: Some(owner.id),
                owner_name: owner.name,
                strategy: Some(setting.strategy),
                reason,
                steps,
            };
        }
    }
    OwnerDecision {
        owner_id: None,
        owner_name: None,
        strategy: None,
        reason: NO_OWNER_REASON.to_string(),
        steps,
    }
}

fn try_strategy(
    strategy: OwnerStrategy,
    contact: &Contact,
    doc: &MappingDocument,
    facts: &RoutingFacts,
) -> (RoutingStep, Option<Winner>) {
    match strategy {
        OwnerStrategy::MeetingScheduler => agent(
            strategy,
            contact.agents.meeting_scheduled_with.as_deref(),
            "no meeting was booked with a chat user",
            doc,
            facts,
        ),
        OwnerStrategy::LastRouted => agent(
            strategy,
            contact.agents.last_routed.as_deref(),
            "no chat user was routed into the conversation",
            doc,
            facts,
        ),
        OwnerStrategy::ClosedBy => agent(
            strategy,
            contact.agents.closed_by.as_deref(),
            "no chat user is recorded as having closed the conversation",
            doc,
            facts,
        ),
        OwnerStrategy::AccountOwner => account_owner(contact, doc, facts),
        OwnerStrategy::DefaultOwner => default_owner(doc, facts),
    }
}

// ---- chat users ----------------------------------------------------------------------------

fn agent(
    strategy: OwnerStrategy,
    chat_user: Option<&str>,
    nobody: &str,
    doc: &MappingDocument,
    facts: &RoutingFacts,
) -> (RoutingStep, Option<Winner>) {
    let step = RoutingStep::new(strategy);
    let Some(chat_user) = chat_user.map(str::trim).filter(|c| !c.is_empty()) else {
        return step.fail(nobody);
    };
    match lookup_chat_user(chat_user, &doc.user_mapping, facts.users()) {
        ChatUserLookup::Mapped {
            user: Some(user),
            via,
            ..
        } if user.is_active => {
            let owner = Owner {
                id: user.id.clone(),
                name: Some(user.name.clone()),
            };
            let reason = format!("{} — {}", owner.label(), strategy.as_str());
            step.win(
                owner,
                format!("{chat_user} is {} ({})", user.name, via.describe()),
                reason,
            )
        }
        ChatUserLookup::Mapped {
            user: Some(user),
            via,
            ..
        } => step.fail(format!(
            "{chat_user} maps to {} ({}, {}), who is inactive",
            user.name,
            user.id,
            via.describe()
        )),
        ChatUserLookup::Mapped {
            user: None,
            user_id,
            via,
        } => step.fail(format!(
            "{chat_user} maps to {user_id} ({}), which is no User of the org",
            via.describe()
        )),
        ChatUserLookup::Ambiguous(users) => step.fail(format!(
            "{chat_user} is not mapped and {} active Users have that email; map it by hand",
            users.len()
        )),
        ChatUserLookup::Unmapped => step.fail(format!(
            "{chat_user} is not mapped to a Salesforce User and no active User has that email"
        )),
    }
}

// ---- users by Id ---------------------------------------------------------------------------

/// An active User with this Id. `seen` is what an Account query said about a User the Users
/// query did not return (Salesforce hides some Users from some connected users).
fn active_user(
    facts: &RoutingFacts,
    id: &str,
    seen: Option<&OwnerFieldValue>,
) -> Result<Owner, String> {
    match facts.user(id) {
        Some(u) if u.is_active => Ok(Owner {
            id: u.id.clone(),
            name: Some(u.name.clone()),
        }),
        Some(u) => Err(format!("{} ({}) is inactive", u.name, u.id)),
        None => match seen.and_then(|s| s.user_is_active.map(|a| (a, s))) {
            Some((true, s)) => Ok(Owner {
                id: id.to_string(),
                name: s.user_name.clone(),
            }),
            Some((false, s)) => Err(format!(
                "{} ({id}) is inactive",
                s.user_name.as_deref().unwrap_or("the User")
            )),
            None => Err(format!("{id} is no User of the org")),
        },
    }
}

/// An active User that some chat user is mapped to: who an Account's owner field may route to.
fn mapped_active_user(
    facts: &RoutingFacts,
    doc: &MappingDocument,
    id: &str,
    seen: Option<&OwnerFieldValue>,
) -> Result<Owner, String> {
    let owner = active_user(facts, id, seen)?;
    if doc
        .user_mapping
        .iter()
        .any(|m| same_id(&m.salesforce_user_id, &owner.id))
    {
        Ok(owner)
    } else {
        Err(format!(
            "{} ({}) is active but no chat user is mapped to them",
            owner.label(),
            owner.id
        ))
    }
}

// ---- account_owner -------------------------------------------------------------------------

fn find_segment<'d>(doc: &'d MappingDocument, name: &str) -> Option<&'d Segment> {
    let key = name.trim().to_lowercase();
    doc.segments
        .iter()
        .find(|s| s.name.trim().to_lowercase() == key)
}

fn condition_summary(c: &ConditionCheck) -> String {
    let actual = match &c.actual {
        Some(fact) => format!("{} from {}", fact.text(), fact.origin),
        None => "no value".to_string(),
    };
    let verdict = if c.met { "met" } else { "not met" };
    let mut text = format!("{} {} ({actual}): {verdict}", c.field, c.expected);
    if let Some(note) = &c.note {
        text.push_str(&format!(", {note}"));
    }
    text
}

fn no_account_text(contact: &Contact) -> String {
    let mut keys = Vec::new();
    if let Some(d) = contact.domain.as_deref().filter(|d| !d.trim().is_empty()) {
        keys.push(format!("domain {d}"));
    }
    if let Some(c) = contact.company.as_deref().filter(|c| !c.trim().is_empty()) {
        keys.push(format!("company {c}"));
    }
    if keys.is_empty() {
        "no Account found: the contact names no company domain or company".to_string()
    } else {
        format!("no Account matches the {}", keys.join(" or the "))
    }
}

fn account_owner(
    contact: &Contact,
    doc: &MappingDocument,
    facts: &RoutingFacts,
) -> (RoutingStep, Option<Winner>) {
    let mut step = RoutingStep::new(OwnerStrategy::AccountOwner);
    step.trace.extend(facts.notes().iter().cloned());
    let matched = facts.account_for(contact);
    step.trace.push(match matched {
        Some(m) => m.describe(),
        None => no_account_text(contact),
    });
    let company = CompanyProfile::build(contact, matched.map(|m| &m.account));
    step.account = matched.cloned();

    if doc.ownership_rules.is_empty() {
        step.trace.push("there are no ownership rules".to_string());
    }
    let mut decided = None;
    for (i, rule) in doc.ownership_rules.iter().enumerate() {
        let n = i + 1;
        let Some(segment) = find_segment(doc, &rule.segment) else {
            step.trace.push(format!(
                "rule {n}: no segment is named \"{}\"; rule skipped",
                rule.segment
            ));
            continue;
        };
        let check = evaluate_segment(segment, &company);
        let summary: Vec<String> = check.conditions.iter().map(condition_summary).collect();
        step.trace.push(format!(
            "rule {n}: segment {} {}{}",
            segment.name,
            if check.matched {
                "matches"
            } else {
                "does not match"
            },
            if summary.is_empty() {
                " (no conditions)".to_string()
            } else {
                format!(": {}", summary.join("; "))
            }
        ));
        let hit = check.matched;
        step.segments.push(check);
        if hit {
            decided = Some((rule, segment));
            break;
        }
    }
    step.company = Some(company);
    match decided {
        Some((rule, segment)) => apply_rule(step, rule, segment, matched, doc, facts),
        None => unmatched_fallback(step, doc, facts),
    }
}

fn apply_rule(
    mut step: RoutingStep,
    rule: &OwnershipRule,
    segment: &Segment,
    matched: Option<&AccountMatch>,
    doc: &MappingDocument,
    facts: &RoutingFacts,
) -> (RoutingStep, Option<Winner>) {
    let then_by = rule
        .then_by
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let fields: Vec<&str> = std::iter::once(rule.owner_field.trim())
        .chain(then_by)
        .collect();
    match matched {
        None => step.trace.push(format!(
            "there is no Account to read {} from",
            fields.join(" or ")
        )),
        Some(m) => {
            for (i, field) in fields.iter().enumerate() {
                let label = if i == 0 { "field" } else { "then-by field" };
                let Some(value) = m.account.owner_field(field) else {
                    step.trace.push(format!(
                        "{label} {field} was not read: {}",
                        facts
                            .unread_field(field)
                            .unwrap_or("it was not part of the Account query")
                    ));
                    continue;
                };
                let Some(id) = value.user_id.as_deref() else {
                    step.trace
                        .push(format!("{label} {field} is empty on the Account"));
                    continue;
                };
                match mapped_active_user(facts, doc, id, Some(value)) {
                    Ok(owner) => {
                        let mut reason = format!(
                            "{} — account_owner, segment {}, field {}",
                            owner.label(),
                            segment.name,
                            rule.owner_field.trim()
                        );
                        if i > 0 {
                            reason.push_str(&format!(", then-by {field}"));
                        }
                        let detail = format!(
                            "{} from {field} of Account {}",
                            owner.label(),
                            m.account.name.as_deref().unwrap_or(&m.account.id)
                        );
                        step.trace
                            .push(format!("{label} {field}: {}", owner.label()));
                        return step.win(owner, detail, reason);
                    }
                    Err(why) => step.trace.push(format!("{label} {field}: {why}")),
                }
            }
        }
    }
    match rule.fallback_user_id.as_deref() {
        Some(id) => match active_user(facts, id, None) {
            Ok(owner) => {
                let reason = format!(
                    "{} — account_owner, segment {}, rule fallback",
                    owner.label(),
                    segment.name
                );
                let detail = format!(
                    "{}: the rule's fallback User (no mapped active User in {})",
                    owner.label(),
                    fields.join(" or ")
                );
                step.win(owner, detail, reason)
            }
            Err(why) => step.fail(format!(
                "segment {} matched, no mapped active User in {}, and the rule's fallback User {why}",
                segment.name,
                fields.join(" or ")
            )),
        },
        None => step.fail(format!(
            "segment {} matched, but no mapped active User is in {} and the rule has no fallback User",
            segment.name,
            fields.join(" or ")
        )),
    }
}

fn unmatched_fallback(
    step: RoutingStep,
    doc: &MappingDocument,
    facts: &RoutingFacts,
) -> (RoutingStep, Option<Winner>) {
    match doc.unmatched_fallback_user_id.as_deref() {
        Some(id) => match active_user(facts, id, None) {
            Ok(owner) => {
                let reason = format!(
                    "{} — account_owner, no segment matched, unmatched fallback",
                    owner.label()
                );
                let detail = format!(
                    "{}: the fallback for companies matching no segment",
                    owner.label()
                );
                step.win(owner, detail, reason)
            }
            Err(why) => step.fail(format!(
                "the company matches no segment, and the fallback User for unmatched companies {why}"
            )),
        },
        None => step.fail(
            "the company matches no segment and no fallback User for unmatched companies is set",
        ),
    }
}

// ---- default_owner -------------------------------------------------------------------------

/// Key prefix of Queue (Group) Ids.
const QUEUE_PREFIX: &str = "00G";

fn default_owner(doc: &MappingDocument, facts: &RoutingFacts) -> (RoutingStep, Option<Winner>) {
    let step = RoutingStep::new(OwnerStrategy::DefaultOwner);
    let Some(id) = doc
        .default_owner_id
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty())
    else {
        return step.fail("no default owner is set");
    };
    if id.starts_with(QUEUE_PREFIX) {
        let owner = Owner {
            id: id.to_string(),
            name: None,
        };
        let reason = format!("queue {id} — default_owner");
        return step.win(owner, format!("the default owner, queue {id}"), reason);
    }
    match active_user(facts, id, None) {
        Ok(owner) => {
            let reason = format!("{} — default_owner", owner.label());
            let detail = format!("{}: the default owner", owner.label());
            step.win(owner, detail, reason)
        }
        Err(why) => step.fail(format!("the default owner {why}")),
    }
}
