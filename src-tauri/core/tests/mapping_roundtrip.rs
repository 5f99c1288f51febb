//! Property tests: any valid mapping document survives export → import → export byte for
//! byte, whatever its text (quotes, backslashes, control characters, non-ASCII), numbers and
//! list orders; and `diff` reports nothing exactly when two documents are equal.

use std::collections::HashSet;

use leadbridge_core::mapping::checks::check_document;
use leadbridge_core::mapping::document::{
    AssignmentPolicy, ContactPolicy, Criteria, ObjectMappings, OpportunitySettings,
    RequiredDefaults, TaskEventKind, TaskSettings,
};
use leadbridge_core::mapping::{diff, export, import, MappingDocument, MappingRow, MinimumScore};
use leadbridge_core::routing::model::{
    Condition, MatchMode, OwnerStrategy, OwnerStrategySetting, OwnershipRule, Segment, UserMapping,
    UserMappingSource,
};
use proptest::prelude::*;
use proptest::sample::subsequence;

/// Any text, control characters and all.
fn text() -> impl Strategy<Value = String> {
    "(?s).{0,12}"
}

/// Text that is not blank.
fn label() -> impl Strategy<Value = String> {
    text().prop_map(|t| format!("x{t}"))
}

fn api_name() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9_]{0,10}[A-Za-z0-9]"
}

fn field_path() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,8}(\\.[A-Za-z0-9_-]{1,8}){0,2}"
}

fn id() -> impl Strategy<Value = String> {
    "(005|00G|701|00Q)[A-Za-z0-9]{12}([A-Za-z0-9]{3})?"
}

fn number() -> impl Strategy<Value = serde_json::Number> {
    prop_oneof![
        any::<i64>().prop_map(serde_json::Number::from),
        any::<u64>().prop_map(serde_json::Number::from),
        (-1e12f64..1e12).prop_filter_map("finite", serde_json::Number::from_f64),
    ]
}

fn minimum_score() -> impl Strategy<Value = MinimumScore> {
    prop_oneof![
        Just(MinimumScore::All),
        (1u8..=3).prop_map(MinimumScore::Stars),
        (0u32..=100).prop_map(MinimumScore::Score)
    ]
}

/// Rows with distinct targets (case-insensitively), as a tab must have.
fn rows() -> impl Strategy<Value = Vec<MappingRow>> {
    prop::collection::vec((field_path(), api_name(), any::<bool>()), 0..8).prop_map(|rows| {
        let mut seen = HashSet::new();
        rows.into_iter()
            .filter(|(_, target, _)| seen.insert(target.to_ascii_lowercase()))
            .map(|(source, target, overwrite)| MappingRow {
                source,
                target,
                overwrite,
            })
            .collect()
    })
}

fn condition() -> impl Strategy<Value = Condition> {
    let text_field = prop_oneof![
        Just("industry".to_string()),
        Just("companySize".to_string()),
        Just("country".to_string()),
        Just("domain".to_string()),
        Just("employees".to_string()),
        field_path().prop_map(|k| format!("metadata.{k}")),
    ];
    let numeric_field = prop_oneof![
        Just("employees".to_string()),
        field_path().prop_map(|k| format!("metadata.{k}"))
    ];
    prop_oneof![
        (text_field.clone(), text()).prop_map(|(field, value)| Condition::Equals { field, value }),
        (text_field.clone(), text())
            .prop_map(|(field, value)| Condition::NotEquals { field, value }),
        (text_field.clone(), label())
            .prop_map(|(field, value)| Condition::Contains { field, value }),
        (text_field, prop::collection::vec(text(), 1..4))
            .prop_map(|(field, values)| Condition::In { field, values }),
        (numeric_field.clone(), number(), number()).prop_map(|(field, a, b)| {
            let (min, max) = if a.as_f64() <= b.as_f64() {
                (a, b)
            } else {
                (b, a)
            };
            Condition::Between { field, min, max }
        }),
        (numeric_field.clone(), number())
            .prop_map(|(field, value)| Condition::Gte { field, value }),
        (numeric_field, number()).prop_map(|(field, value)| Condition::Lte { field, value }),
    ]
}

fn segments() -> impl Strategy<Value = Vec<Segment>> {
    prop::collection::vec(
        (
            label(),
            prop_oneof![Just(MatchMode::All), Just(MatchMode::Any)],
            prop::collection::vec(condition(), 0..4),
        ),
        0..4,
    )
    .prop_map(|segments| {
        let mut seen = HashSet::new();
        segments
            .into_iter()
            .filter(|(name, _, _)| seen.insert(name.trim().to_lowercase()))
            .map(|(name, match_mode, conditions)| Segment {
                name,
                match_mode,
                conditions,
            })
            .collect()
    })
}

fn rules(segment_names: Vec<String>) -> BoxedStrategy<Vec<OwnershipRule>> {
    if segment_names.is_empty() {
        return Just(Vec::new()).boxed();
    }
    prop::collection::vec(
        (
            prop::sample::select(segment_names),
            api_name(),
            prop::option::of(api_name()),
            prop::option::of(id()),
        ),
        0..4,
    )
    .prop_map(|rules| {
        rules
            .into_iter()
            .map(
                |(segment, owner_field, then_by, fallback_user_id)| OwnershipRule {
                    segment,
                    owner_field,
                    then_by,
                    fallback_user_id,
                },
            )
            .collect()
    })
    .boxed()
}

fn user_mapping() -> impl Strategy<Value = Vec<UserMapping>> {
    prop::collection::vec(
        (
            "[a-z0-9.+'_-]{1,10}@[a-z0-9-]{1,8}\\.[a-z]{2,4}",
            id(),
            any::<bool>(),
        ),
        0..4,
    )
    .prop_map(|users| {
        let mut seen = HashSet::new();
        users
            .into_iter()
            .filter(|(email, _, _)| seen.insert(email.to_lowercase()))
            .map(|(chat_user, salesforce_user_id, manual)| UserMapping {
                chat_user,
                salesforce_user_id,
                source: if manual {
                    UserMappingSource::Manual
                } else {
                    UserMappingSource::Auto
                },
            })
            .collect()
    })
}

fn template() -> impl Strategy<Value = String> {
    prop::collection::vec(("[^{}]{0,6}", prop::option::of(field_path())), 1..4).prop_map(|parts| {
        let mut out = String::from("x");
        for (literal, placeholder) in parts {
            out.push_str(&literal);
            if let Some(p) = placeholder {
                out.push_str(&format!("{{{p}}}"));
            }
        }
        out
    })
}

fn settings() -> impl Strategy<
    Value = (
        Criteria,
        RequiredDefaults,
        OpportunitySettings,
        TaskSettings,
    ),
> {
    let criteria = (
        minimum_score(),
        prop::collection::btree_set(1u32..=100, 3),
        any::<u32>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(
                minimum_score,
                bands,
                sync_delay_minutes,
                integration_on,
                require_conversation_closed,
            )| {
                let bands: Vec<u32> = bands.into_iter().collect();
                Criteria {
                    minimum_score,
                    star_bands: [bands[0], bands[1], bands[2]],
                    sync_delay_minutes,
                    integration_on,
                    require_conversation_closed,
                }
            },
        );
    let defaults =
        (prop::option::of(label()), any::<bool>()).prop_map(|(company, last_name_from_email)| {
            RequiredDefaults {
                company,
                last_name_from_email,
            }
        });
    let opportunity = (
        any::<bool>(),
        minimum_score(),
        label(),
        template(),
        any::<u32>(),
    )
        .prop_map(
            |(enabled, minimum_score, stage_name, name_template, close_date_days)| {
                OpportunitySettings {
                    enabled,
                    minimum_score,
                    stage_name,
                    name_template,
                    close_date_days,
                }
            },
        );
    let kinds = [
        TaskEventKind::LeadQualified,
        TaskEventKind::ConversationEscalated,
        TaskEventKind::ConversationCompleted,
        TaskEventKind::ConversationFeedback,
        TaskEventKind::GuardrailTriggered,
    ];
    let tasks = subsequence(kinds.to_vec(), 0..=5)
        .prop_shuffle()
        .prop_map(|event_kinds| TaskSettings { event_kinds });
    (criteria, defaults, opportunity, tasks)
}

/// Strategies, default owner, user mapping, segments, rules, unmatched fallback.
type Routing = (
    Vec<OwnerStrategySetting>,
    Option<String>,
    Vec<UserMapping>,
    Vec<Segment>,
    Vec<OwnershipRule>,
    Option<String>,
);

fn routing() -> impl Strategy<Value = Routing> {
    let strategies = (
        subsequence(OwnerStrategy::ALL.to_vec(), 0..=5).prop_shuffle(),
        prop::collection::vec(any::<bool>(), 5),
    )
        .prop_map(|(order, enabled)| {
            order
                .into_iter()
                .zip(enabled)
                .map(|(strategy, enabled)| OwnerStrategySetting { strategy, enabled })
                .collect()
        });
    (
        strategies,
        prop::option::of(id()),
        user_mapping(),
        segments(),
        prop::option::of(id()),
    )
        .prop_flat_map(|(strategies, default_owner, users, segments, unmatched)| {
            let names = segments.iter().map(|s| s.name.clone()).collect();
            (
                Just(strategies),
                Just(default_owner),
                Just(users),
                Just(segments),
                rules(names),
                Just(unmatched),
            )
        })
}

fn document() -> impl Strategy<Value = MappingDocument> {
    (
        (rows(), rows(), rows()),
        prop::option::of(id()),
        settings(),
        prop_oneof![
            Just(ContactPolicy::Skip),
            Just(ContactPolicy::UpdateExisting)
        ],
        prop_oneof![
            Just(AssignmentPolicy::Leadbridge),
            Just(AssignmentPolicy::SalesforceRulesForNewLeads)
        ],
        routing(),
    )
        .prop_map(
            |(
                (lead, contact, account),
                campaign_id,
                (criteria, required_defaults, opportunity, tasks),
                contact_policy,
                assignment,
                (
                    owner_strategies,
                    default_owner_id,
                    user_mapping,
                    segments,
                    ownership_rules,
                    unmatched_fallback_user_id,
                ),
            )| MappingDocument {
                version: 1,
                objects: ObjectMappings {
                    lead,
                    contact,
                    account,
                },
                campaign_id,
                criteria,
                required_defaults,
                contact_policy,
                assignment,
                opportunity,
                tasks,
                owner_strategies,
                default_owner_id,
                user_mapping,
                segments,
                ownership_rules,
                unmatched_fallback_user_id,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn export_import_export_is_byte_identical(doc in document()) {
        let errors: Vec<_> = check_document(&doc).into_iter().filter(|p| p.is_error()).collect();
        prop_assert!(errors.is_empty(), "the generator makes valid documents: {:?}", errors);
        let text = export(&doc).unwrap();
        let back = import(&text).unwrap();
        prop_assert_eq!(&back, &doc);
        prop_assert_eq!(export(&back).unwrap(), text.clone());
        // Any other layout of the same JSON exports to the same canonical text.
        let compact = serde_json::to_string(&doc).unwrap();
        prop_assert_eq!(export(&import(&compact).unwrap()).unwrap(), text);
    }

    #[test]
    fn diff_is_empty_exactly_for_equal_documents(a in document(), b in document(), same in any::<bool>()) {
        let b = if same { a.clone() } else { b };
        let changes = diff(&a, &b).unwrap();
        prop_assert_eq!(changes.is_empty(), a == b, "{:?}", changes);
    }
}
