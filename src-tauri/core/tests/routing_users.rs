//! User mapping suggestions: email matches, manual overrides, name similarity, warnings.

mod routing_support;

use leadbridge_core::routing::model::UserMappingSource;
use leadbridge_core::routing::users::{MappingWarningCode, SUGGEST_SCORE};
use leadbridge_core::routing::{
    suggest_user_mapping, SalesforceUser, SuggestionBasis, UserMappingSuggestion,
};
use routing_support::{auto, manual, uid, user};

fn org() -> Vec<SalesforceUser> {
    vec![
        user(1, "Sally Park", "sally.park@corp.example", true),
        user(2, "Bob Li", "bob.li@corp.example", true),
        user(3, "Jill Moreau", "jill@corp.example", false),
        user(4, "Sam Ortiz", "shared@corp.example", true),
        user(5, "Samantha Ortiz", "shared@corp.example", true),
        user(6, "Jordan Lee", "jordan.lee@corp.example", true),
        user(7, "Jordan Lee", "jlee@corp.example", true),
    ]
}

fn codes(s: &UserMappingSuggestion) -> Vec<MappingWarningCode> {
    s.warnings.iter().map(|w| w.code).collect()
}

fn chat(users: &[&str]) -> Vec<String> {
    users.iter().map(|u| u.to_string()).collect()
}

#[test]
fn an_active_users_email_maps_automatically_ignoring_case() {
    let out = suggest_user_mapping(&chat(&["Sally.Park@CORP.example"]), &org(), &[]);
    let [s] = out.as_slice() else {
        panic!("{out:?}")
    };
    assert_eq!(s.basis, SuggestionBasis::EmailMatch);
    assert_eq!(s.salesforce_user_id.as_deref(), Some(uid(1).as_str()));
    assert_eq!(s.salesforce_user_name.as_deref(), Some("Sally Park"));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    let mapping = s.mapping().unwrap();
    assert_eq!(mapping.source, UserMappingSource::Auto);
    assert_eq!(mapping.chat_user, "Sally.Park@CORP.example");
}

#[test]
fn a_manual_mapping_wins_over_the_email_match() {
    let users = org();
    let existing = [manual("sally.park@corp.example", &users[1])];
    let out = suggest_user_mapping(&chat(&["sally.park@corp.example"]), &users, &existing);
    assert_eq!(out[0].basis, SuggestionBasis::Manual);
    assert_eq!(out[0].salesforce_user_id.as_deref(), Some(uid(2).as_str()));
    assert_eq!(out[0].mapping().unwrap().source, UserMappingSource::Manual);
}

#[test]
fn mappings_to_inactive_or_unknown_users_are_flagged() {
    let users = org();
    let mut ghost = manual("ghost@chat.example", &users[0]);
    ghost.salesforce_user_id = uid(99);
    let existing = [manual("jill@chat.example", &users[2]), ghost];
    let out = suggest_user_mapping(&[], &users, &existing);
    assert_eq!(
        out.len(),
        2,
        "chat users only the mapping mentions are covered"
    );
    assert_eq!(codes(&out[0]), [MappingWarningCode::InactiveUser]);
    assert!(out[0].warnings[0].message.contains("Jill Moreau"));
    assert_eq!(codes(&out[1]), [MappingWarningCode::UserNotFound]);
    assert!(out[1].warnings[0].message.contains(&uid(99)));
}

#[test]
fn an_inactive_users_email_is_no_match() {
    let out = suggest_user_mapping(&chat(&["jill@corp.example"]), &org(), &[]);
    assert_eq!(out[0].basis, SuggestionBasis::None);
    assert_eq!(out[0].salesforce_user_id, None);
    assert_eq!(codes(&out[0]), [MappingWarningCode::Unmapped]);
}

#[test]
fn a_similar_name_is_proposed_for_confirmation() {
    let out = suggest_user_mapping(&chat(&["sally.park@chatvendor.example"]), &org(), &[]);
    let s = &out[0];
    assert_eq!(s.basis, SuggestionBasis::NameSimilarity);
    assert_eq!(s.salesforce_user_id.as_deref(), Some(uid(1).as_str()));
    assert_eq!(codes(s), [MappingWarningCode::Unmapped]);
    assert!(s.warnings[0]
        .message
        .contains("Sally Park looks like the same person"));
    assert_eq!(
        s.mapping(),
        None,
        "a name match needs the admin's confirmation"
    );

    let out = suggest_user_mapping(&chat(&["bli@chat.example"]), &org(), &[]);
    assert_eq!(out[0].basis, SuggestionBasis::NameSimilarity);
    assert_eq!(out[0].salesforce_user_name.as_deref(), Some("Bob Li"));
}

#[test]
fn a_tie_proposes_nobody_but_lists_the_candidates() {
    let out = suggest_user_mapping(&chat(&["jordan.lee@chat.example"]), &org(), &[]);
    let s = &out[0];
    assert_eq!(s.basis, SuggestionBasis::None);
    assert_eq!(s.salesforce_user_id, None);
    let ids: Vec<&str> = s.candidates.iter().map(|c| c.user_id.as_str()).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&uid(6).as_str()) && ids.contains(&uid(7).as_str()));
    assert!(s.candidates.iter().all(|c| c.score >= SUGGEST_SCORE));
}

#[test]
fn a_shared_email_is_ambiguous() {
    let out = suggest_user_mapping(&chat(&["shared@corp.example"]), &org(), &[]);
    let s = &out[0];
    assert_eq!(s.basis, SuggestionBasis::None);
    assert_eq!(
        codes(s),
        [
            MappingWarningCode::AmbiguousEmail,
            MappingWarningCode::Unmapped
        ]
    );
    assert_eq!(s.candidates.len(), 2);
    // A saved automatic mapping settles it.
    let users = org();
    let out = suggest_user_mapping(
        &chat(&["shared@corp.example"]),
        &users,
        &[auto("shared@corp.example", &users[4])],
    );
    assert_eq!(out[0].basis, SuggestionBasis::SavedAuto);
    assert_eq!(out[0].salesforce_user_id.as_deref(), Some(uid(5).as_str()));
}

#[test]
fn a_stale_automatic_mapping_follows_todays_email_match() {
    let users = org();
    let out = suggest_user_mapping(
        &chat(&["bob.li@corp.example"]),
        &users,
        &[auto("bob.li@corp.example", &users[0])],
    );
    assert_eq!(out[0].basis, SuggestionBasis::EmailMatch);
    assert_eq!(out[0].salesforce_user_id.as_deref(), Some(uid(2).as_str()));
    assert_eq!(codes(&out[0]), [MappingWarningCode::AutoMappingChanged]);
}

#[test]
fn chat_users_are_listed_once_in_order() {
    let out = suggest_user_mapping(
        &chat(&["b@x.example", "A@x.example", "B@X.example", " "]),
        &org(),
        &[],
    );
    let listed: Vec<&str> = out.iter().map(|s| s.chat_user.as_str()).collect();
    assert_eq!(listed, ["b@x.example", "A@x.example"]);
    assert!(out
        .iter()
        .all(|s| codes(s) == [MappingWarningCode::Unmapped]));
}
