//! Properties of the owner resolver over generated orgs, documents and contacts:
//! the rank order is the only thing strategies compete on, an owner is always an active User
//! (or nobody), and the decision depends on nothing but its inputs.

mod routing_support;

use leadbridge_core::contacts::Contact;
use leadbridge_core::mapping::MappingDocument;
use leadbridge_core::routing::model::{
    MatchMode, OwnerStrategy, OwnerStrategySetting, OwnershipRule, UserMapping, UserMappingSource,
};
use leadbridge_core::routing::{
    resolve_owner, AccountFacts, OwnerDecision, OwnerFieldValue, RoutingFacts, SalesforceUser,
};
use proptest::prelude::*;
use routing_support::{account, contact, doc, segment, uid, user};
use serde_json::json;

const USERS: usize = 6;
const DOMAINS: [&str; 3] = ["alpha.example", "beta.example", "gamma.example"];
const COMPANIES: [&str; 3] = ["Alpha Inc", "Beta GmbH", "Gamma Ltd"];
const COUNTRIES: [&str; 4] = ["GB", "United States", "Germany", "FR"];

/// Chat users: the Users' own emails (so email matches happen) and two strangers.
fn chat_user(i: usize) -> String {
    if i < USERS {
        format!("u{i}@corp.example")
    } else {
        format!("c{i}@chat.example")
    }
}
const CHAT_USERS: usize = USERS + 2;

#[derive(Debug, Clone)]
struct Case {
    users: Vec<SalesforceUser>,
    accounts: Vec<AccountFacts>,
    doc: MappingDocument,
    contact: Contact,
}

impl Case {
    fn facts(&self) -> RoutingFacts {
        RoutingFacts::new(self.users.clone(), self.accounts.clone())
    }

    fn decide(&self, doc: &MappingDocument) -> OwnerDecision {
        resolve_owner(&self.contact, doc, &self.facts())
    }
}

fn users() -> impl Strategy<Value = Vec<SalesforceUser>> {
    proptest::collection::vec(proptest::bool::weighted(0.75), USERS).prop_map(|active| {
        active
            .into_iter()
            .enumerate()
            .map(|(i, a)| user(i as u32, &format!("User {i}"), &chat_user(i), a))
            .collect()
    })
}

fn owner_value(field: &str, user: Option<usize>) -> OwnerFieldValue {
    OwnerFieldValue {
        field: field.to_string(),
        user_id: user.map(|u| uid(u as u32)),
        user_name: user.map(|u| format!("User {u}")),
        user_is_active: None,
    }
}

fn accounts() -> impl Strategy<Value = Vec<AccountFacts>> {
    let one = (
        0..DOMAINS.len(),
        0..COMPANIES.len(),
        proptest::option::weighted(0.85, 0..USERS),
        proptest::option::weighted(0.85, 0..USERS),
        proptest::option::of(0u32..3000),
        proptest::option::of(0..COUNTRIES.len()),
        proptest::option::of(0i64..30),
    );
    proptest::collection::vec(one, 1..4).prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(
                |(n, (d, c, owner, sdr, employees, country, day))| AccountFacts {
                    number_of_employees: employees.map(f64::from),
                    billing_country: country.map(|c| COUNTRIES[c].to_string()),
                    last_modified: day.map(|d| {
                        chrono::DateTime::from_timestamp(1_700_000_000 + d * 86_400, 0).unwrap()
                    }),
                    ..account(
                        n as u32,
                        COMPANIES[c],
                        Some(DOMAINS[d]),
                        vec![owner_value("OwnerId", owner), owner_value("SDR__c", sdr)],
                    )
                },
            )
            .collect()
    })
}

fn rank() -> impl Strategy<Value = Vec<OwnerStrategySetting>> {
    (
        Just(OwnerStrategy::ALL.to_vec()).prop_shuffle(),
        proptest::collection::vec(proptest::bool::weighted(0.75), 5),
        2usize..=5,
    )
        .prop_map(|(order, enabled, keep)| {
            order
                .into_iter()
                .zip(enabled)
                .take(keep)
                .map(|(strategy, enabled)| OwnerStrategySetting { strategy, enabled })
                .collect()
        })
}

fn mapping() -> impl Strategy<Value = Vec<UserMapping>> {
    proptest::collection::vec(
        proptest::option::weighted(0.6, (0..USERS, any::<bool>())),
        CHAT_USERS,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .filter_map(|(chat, row)| {
                row.map(|(u, manual)| UserMapping {
                    chat_user: chat_user(chat),
                    salesforce_user_id: uid(u as u32),
                    source: if manual {
                        UserMappingSource::Manual
                    } else {
                        UserMappingSource::Auto
                    },
                })
            })
            .collect()
    })
}

fn rules() -> impl Strategy<Value = Vec<OwnershipRule>> {
    let field = prop_oneof![3 => Just("OwnerId"), 3 => Just("SDR__c"), 1 => Just("Nope__c")];
    let rule = (
        prop_oneof![
            Just("Big"),
            Just("Region"),
            Just("Everyone"),
            Just("Missing")
        ],
        field.clone(),
        proptest::option::of(field),
        proptest::option::of(0..USERS),
    )
        .prop_map(|(segment, owner, then_by, fallback)| OwnershipRule {
            segment: segment.to_string(),
            owner_field: owner.to_string(),
            then_by: then_by.map(str::to_string),
            fallback_user_id: fallback.map(|u| uid(u as u32)),
        });
    proptest::collection::vec(rule, 0..4)
}

fn documents() -> impl Strategy<Value = MappingDocument> {
    (
        rank(),
        mapping(),
        rules(),
        0u32..3000,
        proptest::collection::vec(0..COUNTRIES.len(), 1..3),
        proptest::option::of(0..USERS),
        proptest::option::of(0..USERS),
    )
        .prop_map(
            |(rank, mapping, rules, threshold, region, unmatched, default)| {
                let mut d = doc();
                d.owner_strategies = rank;
                d.user_mapping = mapping;
                let region: Vec<&str> = region.into_iter().map(|c| COUNTRIES[c]).collect();
                d.segments = vec![
                    segment(
                        "Big",
                        MatchMode::All,
                        json!([{"op": "gte", "field": "employees", "value": threshold}]),
                    ),
                    segment(
                        "Region",
                        MatchMode::Any,
                        json!([{"op": "in", "field": "country", "values": region}]),
                    ),
                    segment("Everyone", MatchMode::All, json!([])),
                ];
                d.ownership_rules = rules;
                d.unmatched_fallback_user_id = unmatched.map(|u| uid(u as u32));
                d.default_owner_id = default.map(|u| uid(u as u32));
                d
            },
        )
}

fn contacts() -> impl Strategy<Value = Contact> {
    (
        proptest::option::weighted(0.4, 0..CHAT_USERS),
        proptest::option::weighted(0.4, 0..CHAT_USERS),
        proptest::option::weighted(0.4, 0..CHAT_USERS),
        proptest::option::weighted(0.8, 0..DOMAINS.len()),
        proptest::option::of(0..COMPANIES.len()),
        proptest::option::of(0..COUNTRIES.len()),
        proptest::option::of(prop_oneof![Just("1-10"), Just("200-500"), Just("1000+")]),
    )
        .prop_map(
            |(meeting, routed, closed, domain, company, country, size)| {
                let mut metadata = serde_json::Map::new();
                if let Some(size) = size {
                    metadata.insert("companySize".into(), json!(size));
                }
                contact(json!({
                    "agents": {
                        "meetingScheduledWith": meeting.map(chat_user),
                        "lastRouted": routed.map(chat_user),
                        "closedBy": closed.map(chat_user),
                    },
                    "domain": domain.map(|d| DOMAINS[d]),
                    "company": company.map(|c| COMPANIES[c]),
                    "country": country.map(|c| COUNTRIES[c]),
                    "metadata": metadata,
                }))
            },
        )
}

fn cases() -> impl Strategy<Value = Case> {
    (users(), accounts(), documents(), contacts()).prop_map(|(users, accounts, doc, contact)| {
        Case {
            users,
            accounts,
            doc,
            contact,
        }
    })
}

/// The owner, strategy and reason: what a decision decides.
fn verdict(d: &OwnerDecision) -> (Option<String>, Option<OwnerStrategy>, String) {
    (d.owner_id.clone(), d.strategy, d.reason.clone())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_owner_is_an_active_user_or_nobody(case in cases()) {
        let decision = case.decide(&case.doc);
        match &decision.owner_id {
            None => {
                prop_assert_eq!(decision.strategy, None);
                prop_assert_eq!(decision.owner_name, None);
                prop_assert!(decision.steps.iter().all(|s| s.outcome != leadbridge_core::routing::StepOutcome::Resolved));
            }
            Some(id) => {
                let user = case.users.iter().find(|u| &u.id == id);
                prop_assert!(user.is_some_and(|u| u.is_active), "{} is not an active User", id);
                let strategy = decision.strategy.expect("a deciding strategy");
                prop_assert!(decision.reason.contains(strategy.as_str()));
                prop_assert_eq!(decision.steps.last().map(|s| s.strategy), Some(strategy));
            }
        }
    }

    #[test]
    fn the_decision_is_deterministic_and_ignores_input_order(case in cases()) {
        let first = case.decide(&case.doc);
        prop_assert_eq!(&first, &case.decide(&case.doc));
        let mut users = case.users.clone();
        users.reverse();
        let mut accounts = case.accounts.clone();
        accounts.reverse();
        let reordered = resolve_owner(&case.contact, &case.doc, &RoutingFacts::new(users, accounts));
        prop_assert_eq!(first, reordered);
    }

    #[test]
    fn the_winner_is_the_first_enabled_strategy_that_resolves_on_its_own(case in cases()) {
        let decision = case.decide(&case.doc);
        let mut expected = None;
        for setting in case.doc.owner_strategies.iter().filter(|s| s.enabled) {
            let mut alone = case.doc.clone();
            alone.owner_strategies = vec![setting.clone()];
            let solo = case.decide(&alone);
            if solo.owner_id.is_some() {
                expected = Some(verdict(&solo));
                break;
            }
        }
        let expected = expected.unwrap_or((None, None, leadbridge_core::routing::NO_OWNER_REASON.to_string()));
        prop_assert_eq!(verdict(&decision), expected);
    }

    #[test]
    fn disabling_a_strategy_never_makes_it_win_and_disabling_a_loser_changes_nothing(
        case in cases(),
        pick in 0usize..5,
    ) {
        let decision = case.decide(&case.doc);
        let pick = pick % case.doc.owner_strategies.len();
        let mut off = case.doc.clone();
        off.owner_strategies[pick].enabled = false;
        let after = case.decide(&off);
        let disabled = off.owner_strategies[pick].strategy;
        prop_assert_ne!(after.strategy, Some(disabled));
        if decision.strategy != Some(disabled) {
            prop_assert_eq!(verdict(&after), verdict(&decision));
        }
    }

    #[test]
    fn moving_the_winner_down_only_hands_the_win_to_one_it_moved_below(
        case in cases(),
        by in 1usize..5,
    ) {
        let decision = case.decide(&case.doc);
        let Some(winner) = decision.strategy else { return Ok(()) };
        let from = case
            .doc
            .owner_strategies
            .iter()
            .position(|s| s.strategy == winner)
            .expect("the winner is listed");
        let to = (from + by).min(case.doc.owner_strategies.len() - 1);
        let mut moved = case.doc.clone();
        let setting = moved.owner_strategies.remove(from);
        moved.owner_strategies.insert(to, setting);
        let after = case.decide(&moved);
        let overtakers: Vec<OwnerStrategy> = case.doc.owner_strategies[from + 1..=to]
            .iter()
            .map(|s| s.strategy)
            .collect();
        let new_winner = after.strategy.expect("the moved winner still resolves");
        prop_assert!(
            new_winner == winner || overtakers.contains(&new_winner),
            "{:?} won after moving {:?} from {} to {}", new_winner, winner, from, to
        );
        if new_winner == winner {
            prop_assert_eq!(after.owner_id, decision.owner_id);
        }
    }
}
