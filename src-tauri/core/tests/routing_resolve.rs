//! The owner resolver, strategy by strategy and rule step by rule step.

mod routing_support;

use chrono::{TimeZone, Utc};
use leadbridge_core::mapping::MappingDocument;
use leadbridge_core::routing::model::{MatchMode, OwnerStrategy, OwnershipRule};
use leadbridge_core::routing::{
    resolve_owner, AccountFacts, AccountMatchKind, OwnerDecision, RoutingFacts, SalesforceUser,
    StepOutcome, NO_OWNER_REASON,
};
use routing_support::*;
use serde_json::json;

use OwnerStrategy::{AccountOwner, ClosedBy, DefaultOwner, LastRouted, MeetingScheduler};

struct Org {
    sally: SalesforceUser,
    bob: SalesforceUser,
    jill: SalesforceUser,
    dana: SalesforceUser,
    rita: SalesforceUser,
    otto: SalesforceUser,
}

fn org() -> Org {
    Org {
        sally: user(1, "Sally Park", "sally@corp.example", true),
        bob: user(2, "Bob Li", "bob@corp.example", true),
        jill: user(3, "Jill Moreau", "jill@corp.example", true),
        dana: user(4, "Dana Whitfield", "dana@corp.example", true),
        rita: user(5, "Rita Moreno", "rita@corp.example", false),
        otto: user(6, "Otto Unmapped", "otto@corp.example", true),
    }
}

impl Org {
    fn users(&self) -> Vec<SalesforceUser> {
        vec![
            self.sally.clone(),
            self.bob.clone(),
            self.jill.clone(),
            self.dana.clone(),
            self.rita.clone(),
            self.otto.clone(),
        ]
    }

    fn facts(&self, accounts: Vec<AccountFacts>) -> RoutingFacts {
        RoutingFacts::new(self.users(), accounts)
    }
}

fn outcomes(d: &OwnerDecision) -> Vec<(OwnerStrategy, StepOutcome)> {
    d.steps.iter().map(|s| (s.strategy, s.outcome)).collect()
}

/// Chat users of seed 002's example: Sally booked the meeting, Bob was routed last, Jill
/// closed the conversation.
fn seed_002_visitor() -> leadbridge_core::contacts::Contact {
    contact(json!({"agents": {
        "meetingScheduledWith": "sally@corp.example",
        "lastRouted": "BOB@corp.example",
        "closedBy": "jill@corp.example"
    }}))
}

#[test]
fn seed_002s_example_the_higher_ranked_selection_wins() {
    let o = org();
    let facts = o.facts(vec![]);
    let mut d = doc();
    d.owner_strategies = strategies(&[
        (MeetingScheduler, true),
        (LastRouted, true),
        (ClosedBy, true),
    ]);
    let decision = resolve_owner(&seed_002_visitor(), &d, &facts);
    assert_eq!(decision.owner_id.as_deref(), Some(uid(1).as_str()));
    assert_eq!(decision.owner_name.as_deref(), Some("Sally Park"));
    assert_eq!(decision.strategy, Some(MeetingScheduler));
    assert_eq!(decision.reason, "Sally Park — meeting_scheduler");
    assert_eq!(
        outcomes(&decision),
        [(MeetingScheduler, StepOutcome::Resolved)]
    );
    assert!(decision.steps[0].detail.contains("same email"));

    d.owner_strategies[0].enabled = false;
    let decision = resolve_owner(&seed_002_visitor(), &d, &facts);
    assert_eq!(decision.reason, "Bob Li — last_routed");
    assert_eq!(
        outcomes(&decision),
        [
            (MeetingScheduler, StepOutcome::Disabled),
            (LastRouted, StepOutcome::Resolved)
        ]
    );

    d.owner_strategies = strategies(&[(ClosedBy, true), (MeetingScheduler, true)]);
    assert_eq!(
        resolve_owner(&seed_002_visitor(), &d, &facts).reason,
        "Jill Moreau — closed_by"
    );
}

#[test]
fn chat_users_resolve_only_to_active_mapped_users() {
    let o = org();
    let facts = o.facts(vec![]);
    let mut d = doc();
    d.owner_strategies = strategies(&[
        (MeetingScheduler, true),
        (LastRouted, true),
        (ClosedBy, true),
    ]);
    // The meeting was with a chat user mapped by hand to an inactive User; the last routed
    // one is unknown to Salesforce; the closer is mapped by hand, overriding the email match.
    d.user_mapping = vec![
        manual("rita.chat@chat.example", &o.rita),
        manual("jill@corp.example", &o.dana),
    ];
    let c = contact(json!({"agents": {
        "meetingScheduledWith": "rita.chat@chat.example",
        "lastRouted": "stranger@chat.example",
        "closedBy": "jill@corp.example"
    }}));
    let decision = resolve_owner(&c, &d, &facts);
    assert_eq!(decision.reason, "Dana Whitfield — closed_by");
    assert_eq!(
        outcomes(&decision),
        [
            (MeetingScheduler, StepOutcome::NotResolved),
            (LastRouted, StepOutcome::NotResolved),
            (ClosedBy, StepOutcome::Resolved)
        ]
    );
    assert!(decision.steps[0].detail.contains("Rita Moreno"));
    assert!(decision.steps[0].detail.contains("inactive"));
    assert!(decision.steps[1].detail.contains("not mapped"));
    assert!(decision.steps[2].detail.contains("manual mapping"));

    // A manual mapping to an Id the org does not have.
    let mut ghost = manual("ghost@chat.example", &o.sally);
    ghost.salesforce_user_id = uid(77);
    d.user_mapping = vec![ghost];
    d.owner_strategies = only(MeetingScheduler);
    let c = contact(json!({"agents": {"meetingScheduledWith": "ghost@chat.example"}}));
    let decision = resolve_owner(&c, &d, &facts);
    assert_eq!(decision.owner_id, None);
    assert!(decision.steps[0].detail.contains("no User of the org"));

    // Nobody recorded.
    let decision = resolve_owner(&contact(json!({})), &d, &facts);
    assert_eq!(
        decision.steps[0].detail,
        "no meeting was booked with a chat user"
    );
}

#[test]
fn fifteen_character_ids_in_the_document_match_eighteen_character_users() {
    let o = org();
    let facts = o.facts(vec![]);
    let mut d = doc();
    let mut m = manual("someone@chat.example", &o.bob);
    m.salesforce_user_id.truncate(15);
    d.user_mapping = vec![m];
    d.owner_strategies = only(LastRouted);
    let c = contact(json!({"agents": {"lastRouted": "someone@chat.example"}}));
    let decision = resolve_owner(&c, &d, &facts);
    assert_eq!(
        decision.owner_id.as_deref(),
        Some(uid(2).as_str()),
        "the org's 18-character Id"
    );
}

/// A document with the account_owner strategy only and rules for two segments.
fn rules_doc(o: &Org) -> MappingDocument {
    let mut d = doc();
    d.owner_strategies = only(AccountOwner);
    d.user_mapping = vec![
        auto("sally@corp.example", &o.sally),
        auto("bob@corp.example", &o.bob),
        auto("rita@corp.example", &o.rita),
    ];
    d.segments = vec![
        segment(
            "Enterprise",
            MatchMode::All,
            json!([{"op": "gte", "field": "employees", "value": 1000}]),
        ),
        segment(
            "EMEA",
            MatchMode::Any,
            json!([{"op": "in", "field": "country", "values": ["GB", "DE", "FR"]}]),
        ),
    ];
    d.ownership_rules = vec![
        OwnershipRule {
            segment: "Enterprise".into(),
            owner_field: "SDR__c".into(),
            then_by: Some("OwnerId".into()),
            fallback_user_id: Some(o.jill.id.clone()),
        },
        OwnershipRule {
            segment: "EMEA".into(),
            owner_field: "OwnerId".into(),
            then_by: None,
            fallback_user_id: None,
        },
    ];
    d
}

fn big_account(sdr: Option<&SalesforceUser>, owner: Option<&SalesforceUser>) -> AccountFacts {
    AccountFacts {
        number_of_employees: Some(5000.0),
        ..account(
            1,
            "Globex Corporation",
            Some("globex.example"),
            vec![owner_field("OwnerId", owner), owner_field("SDR__c", sdr)],
        )
    }
}

fn globex_contact() -> leadbridge_core::contacts::Contact {
    contact(json!({"domain": "globex.example", "company": "Globex Corporation"}))
}

#[test]
fn the_rules_owner_field_decides_when_it_holds_a_mapped_active_user() {
    let o = org();
    let d = rules_doc(&o);
    let facts = o.facts(vec![big_account(Some(&o.sally), Some(&o.bob))]);
    let decision = resolve_owner(&globex_contact(), &d, &facts);
    assert_eq!(decision.owner_id.as_deref(), Some(uid(1).as_str()));
    assert_eq!(
        decision.reason,
        "Sally Park — account_owner, segment Enterprise, field SDR__c"
    );
    let step = &decision.steps[0];
    assert_eq!(step.outcome, StepOutcome::Resolved);
    let account = step.account.as_ref().unwrap();
    assert_eq!(account.matched_by, AccountMatchKind::Domain);
    assert_eq!(step.segments.len(), 1);
    assert!(step.segments[0].matched);
    assert_eq!(
        step.company
            .as_ref()
            .unwrap()
            .employees
            .as_ref()
            .unwrap()
            .origin,
        "Account.NumberOfEmployees"
    );
}

#[test]
fn then_by_applies_when_the_first_field_is_empty_inactive_or_unmapped() {
    let o = org();
    let d = rules_doc(&o);
    for (sdr, why) in [
        (None, "SDR__c is empty"),
        (Some(&o.rita), "inactive"),
        (Some(&o.otto), "no chat user is mapped"),
    ] {
        let facts = o.facts(vec![big_account(sdr, Some(&o.bob))]);
        let decision = resolve_owner(&globex_contact(), &d, &facts);
        assert_eq!(
            decision.reason,
            "Bob Li — account_owner, segment Enterprise, field SDR__c, then-by OwnerId",
            "{why}"
        );
        let trace = decision.steps[0].trace.join("\n");
        assert!(trace.contains(why), "{why}: {trace}");
    }
}

#[test]
fn the_rules_fallback_applies_when_neither_field_gives_a_mapped_active_user() {
    let o = org();
    let mut d = rules_doc(&o);
    let facts = o.facts(vec![big_account(Some(&o.otto), Some(&o.rita))]);
    let decision = resolve_owner(&globex_contact(), &d, &facts);
    assert_eq!(
        decision.reason,
        "Jill Moreau — account_owner, segment Enterprise, rule fallback"
    );

    // A fallback User that is inactive resolves nothing; the next strategy takes over.
    d.ownership_rules[0].fallback_user_id = Some(o.rita.id.clone());
    d.owner_strategies = strategies(&[(AccountOwner, true), (DefaultOwner, true)]);
    d.default_owner_id = Some(o.dana.id.clone());
    let decision = resolve_owner(&globex_contact(), &d, &facts);
    assert_eq!(decision.reason, "Dana Whitfield — default_owner");
    assert_eq!(decision.steps[0].outcome, StepOutcome::NotResolved);
    assert!(decision.steps[0]
        .detail
        .contains("fallback User Rita Moreno"));

    // No fallback at all.
    d.ownership_rules[0].fallback_user_id = None;
    d.owner_strategies = only(AccountOwner);
    let decision = resolve_owner(&globex_contact(), &d, &facts);
    assert_eq!(decision.owner_id, None);
    assert_eq!(decision.reason, NO_OWNER_REASON);
    assert!(decision.steps[0].detail.contains("no fallback User"));
}

#[test]
fn a_matching_segment_without_an_account_goes_to_the_rules_fallback() {
    let o = org();
    let d = rules_doc(&o);
    let facts = o.facts(vec![]);
    let c = contact(json!({"domain": "newco.example", "metadata": {"companySize": "5000+"}}));
    let decision = resolve_owner(&c, &d, &facts);
    assert_eq!(
        decision.reason,
        "Jill Moreau — account_owner, segment Enterprise, rule fallback"
    );
    let trace = decision.steps[0].trace.join("\n");
    assert!(
        trace.contains("no Account matches the domain newco.example"),
        "{trace}"
    );
    assert!(
        trace.contains("there is no Account to read SDR__c or OwnerId from"),
        "{trace}"
    );
}

#[test]
fn the_first_matching_rule_decides_even_when_it_finds_nobody() {
    let o = org();
    let mut d = rules_doc(&o);
    d.ownership_rules[0].fallback_user_id = None;
    // Enterprise and EMEA both match; Enterprise is first and finds nobody usable.
    let mut globex = big_account(Some(&o.otto), Some(&o.otto));
    globex.billing_country = Some("United Kingdom".into());
    let facts = o.facts(vec![globex]);
    let decision = resolve_owner(&globex_contact(), &d, &facts);
    assert_eq!(decision.owner_id, None);
    assert_eq!(
        decision.steps[0].segments.len(),
        1,
        "EMEA was not consulted"
    );
}

#[test]
fn rules_are_tried_in_order_and_unmatched_companies_use_the_unmatched_fallback() {
    let o = org();
    let mut d = rules_doc(&o);
    let small_uk = AccountFacts {
        number_of_employees: Some(40.0),
        billing_country: Some("United Kingdom".into()),
        ..account(
            2,
            "Tiny Ltd",
            Some("tiny.example"),
            vec![owner_field("OwnerId", Some(&o.bob))],
        )
    };
    let facts = o.facts(vec![small_uk]);
    let c = contact(json!({"domain": "tiny.example"}));
    let decision = resolve_owner(&c, &d, &facts);
    assert_eq!(
        decision.reason,
        "Bob Li — account_owner, segment EMEA, field OwnerId"
    );
    let segments: Vec<(&str, bool)> = decision.steps[0]
        .segments
        .iter()
        .map(|s| (s.segment.as_str(), s.matched))
        .collect();
    assert_eq!(segments, [("Enterprise", false), ("EMEA", true)]);

    let us = contact(json!({"domain": "elsewhere.example", "country": "US"}));
    let decision = resolve_owner(&us, &d, &facts);
    assert_eq!(decision.owner_id, None);
    assert!(decision.steps[0].detail.contains("matches no segment"));
    d.unmatched_fallback_user_id = Some(o.dana.id.clone());
    let decision = resolve_owner(&us, &d, &facts);
    assert_eq!(
        decision.reason,
        "Dana Whitfield — account_owner, no segment matched, unmatched fallback"
    );
    d.unmatched_fallback_user_id = Some(o.rita.id.clone());
    let decision = resolve_owner(&us, &d, &facts);
    assert_eq!(decision.owner_id, None);
    assert!(decision.steps[0].detail.contains("inactive"));
}

#[test]
fn a_rule_naming_a_missing_segment_or_an_unread_field_says_so() {
    let o = org();
    let mut d = rules_doc(&o);
    d.ownership_rules.insert(
        0,
        OwnershipRule {
            segment: "Nonexistent".into(),
            owner_field: "OwnerId".into(),
            then_by: None,
            fallback_user_id: None,
        },
    );
    d.ownership_rules[1].owner_field = "Territory_Rep__c".into();
    let facts = o
        .facts(vec![big_account(Some(&o.sally), Some(&o.bob))])
        .with_unread_field("Territory_Rep__c", "Account has no field Territory_Rep__c");
    let decision = resolve_owner(&globex_contact(), &d, &facts);
    assert_eq!(
        decision.reason,
        "Bob Li — account_owner, segment Enterprise, field Territory_Rep__c, then-by OwnerId"
    );
    let trace = decision.steps[0].trace.join("\n");
    assert!(
        trace.contains("rule 1: no segment is named \"Nonexistent\""),
        "{trace}"
    );
    assert!(
        trace.contains("Territory_Rep__c was not read: Account has no field Territory_Rep__c"),
        "{trace}"
    );
}

#[test]
fn the_brief_example_reason() {
    let o = org();
    let d = rules_doc(&o);
    // Bob owns the Account; its SDR is inactive.
    let facts = o.facts(vec![big_account(Some(&o.rita), Some(&o.bob))]);
    assert_eq!(
        resolve_owner(&globex_contact(), &d, &facts).reason,
        "Bob Li — account_owner, segment Enterprise, field SDR__c, then-by OwnerId"
    );
}

#[test]
fn accounts_match_by_domain_before_name_and_prefer_the_latest() {
    let o = org();
    let at = |day| Some(Utc.with_ymd_and_hms(2026, 3, day, 12, 0, 0).unwrap());
    let by_name = AccountFacts {
        last_modified: at(20),
        ..account(
            10,
            "Globex Corporation",
            Some("globex-holdings.example"),
            vec![],
        )
    };
    let older = AccountFacts {
        last_modified: at(1),
        ..account(11, "Globex UK", Some("globex.example"), vec![])
    };
    let newer = AccountFacts {
        last_modified: at(9),
        ..account(12, "Globex EMEA", None, vec![])
    };
    let newer = AccountFacts {
        website: Some("globex.example/".into()),
        ..newer
    };
    let facts = o.facts(vec![by_name.clone(), older, newer]);
    let m = facts.account_for(&globex_contact()).unwrap();
    assert_eq!(m.matched_by, AccountMatchKind::Domain);
    assert_eq!(m.account.id, aid(12));
    assert_eq!(m.candidate_ids, [aid(12), aid(11)]);
    assert!(m
        .describe()
        .contains("2 Accounts match it, using the most recently modified"));

    let no_domain = contact(json!({"company": "  globex   CORPORATION "}));
    let m = facts.account_for(&no_domain).unwrap();
    assert_eq!(
        (m.matched_by, m.account.id.as_str()),
        (AccountMatchKind::Name, aid(10).as_str())
    );

    // Placeholders and non-names never match an Account's name.
    let placeholder = account(13, "[not provided]", None, vec![]);
    let unknown = account(14, "Unknown", None, vec![]);
    let facts = o
        .facts(vec![placeholder, unknown])
        .with_placeholder_name("No Company");
    for company in ["[not provided]", "unknown", "N/A"] {
        let c = contact(json!({"company": company}));
        assert!(facts.account_for(&c).is_none(), "{company}");
    }
}

#[test]
fn default_owner_user_queue_inactive_or_unset() {
    let o = org();
    let facts = o.facts(vec![]);
    let mut d = doc();
    d.owner_strategies = only(DefaultOwner);
    let nobody = contact(json!({}));
    let decision = resolve_owner(&nobody, &d, &facts);
    assert_eq!(decision.reason, NO_OWNER_REASON);
    assert_eq!(decision.steps[0].detail, "no default owner is set");

    d.default_owner_id = Some(o.dana.id[..15].to_string());
    let decision = resolve_owner(&nobody, &d, &facts);
    assert_eq!(decision.reason, "Dana Whitfield — default_owner");
    assert_eq!(decision.owner_id.as_deref(), Some(uid(4).as_str()));

    d.default_owner_id = Some(o.rita.id.clone());
    let decision = resolve_owner(&nobody, &d, &facts);
    assert_eq!(decision.owner_id, None);
    assert!(decision.steps[0].detail.contains("Rita Moreno"));

    d.default_owner_id = Some("00G000000000001AAA".into());
    let decision = resolve_owner(&nobody, &d, &facts);
    assert_eq!(decision.owner_id.as_deref(), Some("00G000000000001AAA"));
    assert_eq!(decision.reason, "queue 00G000000000001AAA — default_owner");
}

#[test]
fn nothing_resolves_and_every_tried_strategy_says_why() {
    let o = org();
    let facts = o.facts(vec![]);
    let d = doc(); // the default rank, everything enabled, nothing configured
    let decision = resolve_owner(&contact(json!({})), &d, &facts);
    assert_eq!(decision.owner_id, None);
    assert_eq!(decision.strategy, None);
    assert_eq!(decision.reason, NO_OWNER_REASON);
    assert_eq!(decision.steps.len(), 5);
    assert!(decision
        .steps
        .iter()
        .all(|s| s.outcome == StepOutcome::NotResolved && !s.detail.is_empty()));
    let json = serde_json::to_value(&decision).unwrap();
    assert_eq!(json["ownerId"], serde_json::Value::Null);
    assert_eq!(json["steps"][3]["strategy"], "account_owner");
    assert_eq!(json["steps"][3]["outcome"], "notResolved");
}

#[test]
fn a_strategy_listed_twice_counts_once_at_its_first_rank() {
    let o = org();
    let facts = o.facts(vec![]);
    let mut d = doc();
    d.default_owner_id = Some(o.dana.id.clone());
    d.owner_strategies = strategies(&[
        (DefaultOwner, false),
        (LastRouted, true),
        (DefaultOwner, true),
    ]);
    let decision = resolve_owner(&contact(json!({})), &d, &facts);
    assert_eq!(decision.owner_id, None);
    assert_eq!(
        outcomes(&decision),
        [
            (DefaultOwner, StepOutcome::Disabled),
            (LastRouted, StepOutcome::NotResolved)
        ]
    );
}
