//! Document checks: one test per problem code, each on an otherwise valid document, so a
//! check that stops firing (or fires on good input) fails here.

use leadbridge_core::mapping::checks::{
    check_document, check_sources, is_api_name, is_email, is_salesforce_id,
};
use leadbridge_core::mapping::document::TaskEventKind;
use leadbridge_core::mapping::{
    ChatFields, MappingDocument, MappingRow, MinimumScore, Problem, ProblemCode, Severity,
};
use leadbridge_core::routing::model::{
    Condition, MatchMode, OwnerStrategy, OwnerStrategySetting, OwnershipRule, Segment, UserMapping,
    UserMappingSource,
};

const USER: &str = "0055g00000AbCdEAAV";

/// A valid document with routing filled in, so every check has something to look at.
fn base() -> MappingDocument {
    MappingDocument {
        default_owner_id: Some(USER.into()),
        user_mapping: vec![UserMapping {
            chat_user: "sally@example.com".into(),
            salesforce_user_id: USER.into(),
            source: UserMappingSource::Auto,
        }],
        segments: vec![Segment {
            name: "Tech".into(),
            match_mode: MatchMode::All,
            conditions: vec![Condition::Equals {
                field: "industry".into(),
                value: "Technology".into(),
            }],
        }],
        ownership_rules: vec![OwnershipRule {
            segment: "Tech".into(),
            owner_field: "OwnerId".into(),
            then_by: Some("SDR__c".into()),
            fallback_user_id: Some(USER.into()),
        }],
        ..MappingDocument::default()
    }
}

/// The problems `edit` introduces into the base document.
fn problems_after(edit: impl FnOnce(&mut MappingDocument)) -> Vec<Problem> {
    let mut doc = base();
    edit(&mut doc);
    check_document(&doc)
}

/// Asserts exactly one problem, with this code, severity and path.
fn only(problems: Vec<Problem>, code: ProblemCode, severity: Severity, path: &str) -> Problem {
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let p = problems.into_iter().next().unwrap();
    assert_eq!(
        (p.code, p.severity, p.path.as_str()),
        (code, severity, path),
        "{p:#?}"
    );
    assert!(!p.message.is_empty());
    p
}

#[test]
fn the_base_and_default_documents_are_clean() {
    assert_eq!(check_document(&base()), vec![]);
    // The default enables default_owner without an owner: only that warning.
    let p = only(
        check_document(&MappingDocument::default()),
        ProblemCode::DefaultOwnerUnset,
        Severity::Warning,
        "defaultOwnerId",
    );
    assert!(p.message.contains("connected Salesforce user"));
}

#[test]
fn unsupported_version() {
    only(
        problems_after(|d| d.version = 3),
        ProblemCode::UnsupportedVersion,
        Severity::Error,
        "version",
    );
}

#[test]
fn invalid_source() {
    let p = only(
        problems_after(|d| d.objects.contact[2].source = "first name".into()),
        ProblemCode::InvalidSource,
        Severity::Error,
        "objects.Contact[2].source",
    );
    assert_eq!(
        (p.object.as_deref(), p.row_index),
        (Some("Contact"), Some(2))
    );
    only(
        problems_after(|d| d.objects.lead[0].source.clear()),
        ProblemCode::InvalidSource,
        Severity::Error,
        "objects.Lead[0].source",
    );
}

#[test]
fn invalid_target() {
    only(
        problems_after(|d| {
            d.objects
                .account
                .push(MappingRow::new("website", "Web site", false))
        }),
        ProblemCode::InvalidTarget,
        Severity::Error,
        "objects.Account[1].target",
    );
    assert!(is_api_name("Lead_Score__c") && is_api_name("ns__Field__c"));
    assert!(
        !is_api_name("_x")
            && !is_api_name("1x")
            && !is_api_name("x_")
            && !is_api_name("Lead.Email")
    );
}

#[test]
fn duplicate_target_is_case_insensitive_and_per_tab() {
    let p = only(
        problems_after(|d| {
            d.objects
                .lead
                .push(MappingRow::new("metadata.mail", "EMAIL", true))
        }),
        ProblemCode::DuplicateTarget,
        Severity::Error,
        "objects.Lead[12].target",
    );
    assert_eq!((p.row_index, p.field.as_deref()), (Some(12), Some("EMAIL")));
    assert!(p.message.contains("objects.Lead[0]"), "{}", p.message);
}

#[test]
fn invalid_id_and_unexpected_prefix() {
    only(
        problems_after(|d| d.campaign_id = Some("701abc".into())),
        ProblemCode::InvalidId,
        Severity::Error,
        "campaignId",
    );
    only(
        problems_after(|d| d.campaign_id = Some("00Q5g00000AbCdEAAV".into())),
        ProblemCode::UnexpectedIdPrefix,
        Severity::Warning,
        "campaignId",
    );
    // A Queue may own Leads.
    assert_eq!(
        problems_after(|d| d.default_owner_id = Some("00G5g00000AbCdE".into())),
        vec![]
    );
    only(
        problems_after(|d| d.user_mapping[0].salesforce_user_id = "00G5g00000AbCdE".into()),
        ProblemCode::UnexpectedIdPrefix,
        Severity::Warning,
        "userMapping[0].salesforceUserId",
    );
    only(
        problems_after(|d| d.ownership_rules[0].fallback_user_id = Some("005 5g00000AbCd".into())),
        ProblemCode::InvalidId,
        Severity::Error,
        "ownershipRules[0].fallbackUserId",
    );
    only(
        problems_after(|d| d.unmatched_fallback_user_id = Some(String::new())),
        ProblemCode::InvalidId,
        Severity::Error,
        "unmatchedFallbackUserId",
    );
    assert!(is_salesforce_id("0055g00000AbCdE") && is_salesforce_id(USER));
    assert!(!is_salesforce_id("0055g00000AbCdEAA") && !is_salesforce_id("0055g00000AbCdÉAA"));
}

#[test]
fn invalid_scores() {
    only(
        problems_after(|d| d.criteria.minimum_score = MinimumScore::Stars(4)),
        ProblemCode::InvalidScore,
        Severity::Error,
        "criteria.minimumScore.stars",
    );
    only(
        problems_after(|d| d.opportunity.minimum_score = MinimumScore::Score(101)),
        ProblemCode::InvalidScore,
        Severity::Error,
        "opportunity.minimumScore.score",
    );
    for bands in [[60, 60, 80], [0, 60, 80], [40, 60, 101], [80, 60, 40]] {
        only(
            problems_after(|d| d.criteria.star_bands = bands),
            ProblemCode::InvalidScore,
            Severity::Error,
            "criteria.starBands",
        );
    }
    assert_eq!(
        problems_after(|d| d.criteria.star_bands = [1, 2, 100]),
        vec![]
    );
}

#[test]
fn duplicate_strategy() {
    only(
        problems_after(|d| {
            d.owner_strategies.push(OwnerStrategySetting {
                strategy: OwnerStrategy::ClosedBy,
                enabled: false,
            })
        }),
        ProblemCode::DuplicateStrategy,
        Severity::Error,
        "ownerStrategies[5].strategy",
    );
    // Leaving strategies out is allowed: they are simply not used.
    assert_eq!(problems_after(|d| d.owner_strategies.truncate(2)), vec![]);
}

#[test]
fn default_owner_unset_only_when_the_strategy_is_on() {
    only(
        problems_after(|d| d.default_owner_id = None),
        ProblemCode::DefaultOwnerUnset,
        Severity::Warning,
        "defaultOwnerId",
    );
    let off = problems_after(|d| {
        d.default_owner_id = None;
        d.owner_strategies[4].enabled = false;
    });
    assert_eq!(off, vec![]);
}

#[test]
fn chat_users() {
    only(
        problems_after(|d| d.user_mapping[0].chat_user = "sally".into()),
        ProblemCode::InvalidEmail,
        Severity::Error,
        "userMapping[0].chatUser",
    );
    only(
        problems_after(|d| {
            let mut again = d.user_mapping[0].clone();
            again.chat_user = "Sally@Example.com".into();
            d.user_mapping.push(again);
        }),
        ProblemCode::DuplicateChatUser,
        Severity::Error,
        "userMapping[1].chatUser",
    );
    assert!(is_email("o'brien@example.co.uk"));
    for bad in [
        "a@b",
        "@b.com",
        "a b@c.com",
        "a@b@c.com",
        "a@.com",
        "a@com.",
    ] {
        assert!(!is_email(bad), "{bad}");
    }
}

#[test]
fn segments() {
    only(
        problems_after(|d| {
            let mut again = d.segments[0].clone();
            again.name = " tech ".into();
            d.segments.push(again);
        }),
        ProblemCode::DuplicateSegment,
        Severity::Error,
        "segments[1].name",
    );
    only(
        problems_after(|d| {
            d.segments.push(Segment {
                name: "   ".into(),
                match_mode: MatchMode::Any,
                conditions: vec![d.segments[0].conditions[0].clone()],
            })
        }),
        ProblemCode::EmptyValue,
        Severity::Error,
        "segments[1].name",
    );
    only(
        problems_after(|d| d.segments[0].conditions.clear()),
        ProblemCode::EmptySegment,
        Severity::Warning,
        "segments[0].conditions",
    );
}

#[test]
fn conditions() {
    let with = |c: Condition| problems_after(move |d| d.segments[0].conditions.push(c));
    let n = |v: i64| serde_json::Number::from(v);
    only(
        with(Condition::Equals {
            field: "revenue".into(),
            value: "x".into(),
        }),
        ProblemCode::InvalidCondition,
        Severity::Error,
        "segments[0].conditions[1].field",
    );
    only(
        with(Condition::Gte {
            field: "country".into(),
            value: n(3),
        }),
        ProblemCode::InvalidCondition,
        Severity::Error,
        "segments[0].conditions[1].op",
    );
    only(
        with(Condition::In {
            field: "country".into(),
            values: vec![],
        }),
        ProblemCode::InvalidCondition,
        Severity::Error,
        "segments[0].conditions[1].values",
    );
    only(
        with(Condition::Between {
            field: "employees".into(),
            min: n(500),
            max: n(50),
        }),
        ProblemCode::InvalidCondition,
        Severity::Error,
        "segments[0].conditions[1].min",
    );
    only(
        with(Condition::Contains {
            field: "domain".into(),
            value: String::new(),
        }),
        ProblemCode::EmptyValue,
        Severity::Error,
        "segments[0].conditions[1].value",
    );
    assert_eq!(
        with(Condition::Lte {
            field: "metadata.budgetK".into(),
            value: n(100)
        }),
        vec![]
    );
    assert_eq!(
        with(Condition::Between {
            field: "employees".into(),
            min: n(50),
            max: n(50)
        }),
        vec![]
    );
}

#[test]
fn ownership_rules() {
    only(
        problems_after(|d| d.ownership_rules[0].segment = "Retail".into()),
        ProblemCode::UnknownSegment,
        Severity::Error,
        "ownershipRules[0].segment",
    );
    only(
        problems_after(|d| {
            let mut again = d.ownership_rules[0].clone();
            again.segment = "TECH".into();
            d.ownership_rules.push(again);
        }),
        ProblemCode::UnreachableRule,
        Severity::Warning,
        "ownershipRules[1].segment",
    );
    only(
        problems_after(|d| d.ownership_rules[0].then_by = Some("SDR__r.Id".into())),
        ProblemCode::InvalidTarget,
        Severity::Error,
        "ownershipRules[0].thenBy",
    );
}

#[test]
fn empty_settings() {
    only(
        problems_after(|d| d.required_defaults.company = Some(" ".into())),
        ProblemCode::EmptyValue,
        Severity::Error,
        "requiredDefaults.company",
    );
    assert_eq!(
        problems_after(|d| d.required_defaults.company = None),
        vec![]
    );
    only(
        problems_after(|d| d.opportunity.stage_name.clear()),
        ProblemCode::EmptyValue,
        Severity::Error,
        "opportunity.stageName",
    );
}

#[test]
fn invalid_template() {
    for bad in [
        "{company - deal",
        "company} - deal",
        "{} deal",
        "{company name}",
    ] {
        only(
            problems_after(|d| d.opportunity.name_template = bad.into()),
            ProblemCode::InvalidTemplate,
            Severity::Error,
            "opportunity.nameTemplate",
        );
    }
    assert_eq!(
        problems_after(|d| d.opportunity.name_template = "{company} / {metadata.budget}".into()),
        vec![]
    );
}

#[test]
fn duplicate_event_kind() {
    only(
        problems_after(|d| {
            d.tasks.event_kinds = vec![
                TaskEventKind::GuardrailTriggered,
                TaskEventKind::ConversationFeedback,
                TaskEventKind::GuardrailTriggered,
            ]
        }),
        ProblemCode::DuplicateEventKind,
        Severity::Error,
        "tasks.eventKinds[2]",
    );
}

#[test]
fn unknown_sources_are_warnings() {
    let mut doc = base();
    doc.objects.lead[1].source = "phoneNumber".into();
    doc.objects
        .lead
        .push(MappingRow::new("metadata.anything", "Title", false));
    doc.opportunity.name_template = "{company} - {product}".into();
    let problems = check_sources(&doc, &ChatFields::standard());
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert_eq!(
        (problems[0].code, problems[0].severity),
        (ProblemCode::UnknownSource, Severity::Warning)
    );
    assert_eq!(problems[0].path, "objects.Lead[1].source");
    assert_eq!(problems[0].row_index, Some(1));
    assert_eq!(problems[1].path, "opportunity.nameTemplate");
    assert!(problems[1].message.contains("{product}"));
    // A discovered field is known.
    let discovered = ChatFields::new(&["phoneNumber".to_string(), "product".to_string()]);
    assert_eq!(check_sources(&doc, &discovered), vec![]);
}
