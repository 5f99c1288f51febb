//! Document checks: everything that can be said about a mapping document without the org.
//! Errors here block an import or a save, so the store only ever holds documents without
//! them; warnings are reported by `mapping validate` and the Mapping screen.

use std::collections::HashMap;

use crate::routing::model::{CompanyField, Condition, OwnerStrategy};

use super::document::{MappedObject, MappingDocument, MinimumScore, DOCUMENT_VERSION};
use super::problem::{row_path, Problem, ProblemCode};
use super::sources::{is_field_path, template_placeholders, ChatFields};

/// Key prefixes of the records Ids point at.
const USER_PREFIX: &str = "005";
const QUEUE_PREFIX: &str = "00G";
const CAMPAIGN_PREFIX: &str = "701";

/// All document-level problems, in document order.
pub fn check_document(doc: &MappingDocument) -> Vec<Problem> {
    let mut out = Vec::new();
    if doc.version != DOCUMENT_VERSION {
        out.push(Problem::error(
            ProblemCode::UnsupportedVersion,
            "version",
            format!(
                "version {} is not supported; this Leadbridge reads version {DOCUMENT_VERSION}",
                doc.version
            ),
        ));
    }
    check_rows(doc, &mut out);
    check_id(
        &mut out,
        "campaignId",
        doc.campaign_id.as_deref(),
        &[CAMPAIGN_PREFIX],
        "a Campaign",
    );
    check_criteria(doc, &mut out);
    if let Some(company) = &doc.required_defaults.company {
        if company.trim().is_empty() {
            out.push(Problem::error(
                ProblemCode::EmptyValue,
                "requiredDefaults.company",
                "the default Company is empty; use null to send no default",
            ));
        }
    }
    check_opportunity(doc, &mut out);
    check_tasks(doc, &mut out);
    check_owner_strategies(doc, &mut out);
    check_user_mapping(doc, &mut out);
    check_segments(doc, &mut out);
    check_ownership_rules(doc, &mut out);
    check_id(
        &mut out,
        "unmatchedFallbackUserId",
        doc.unmatched_fallback_user_id.as_deref(),
        &[USER_PREFIX],
        "a User",
    );
    out
}

/// Sources (and Opportunity name placeholders) that are neither known chat fields nor
/// `metadata.*`: probably a typo, or a field no event has carried yet.
pub fn check_sources(doc: &MappingDocument, chat: &ChatFields) -> Vec<Problem> {
    let mut out = Vec::new();
    for object in MappedObject::ALL {
        for (i, row) in doc.objects.rows(object).iter().enumerate() {
            if is_field_path(&row.source) && !chat.is_known(&row.source) {
                out.push(
                    Problem::warning(
                        ProblemCode::UnknownSource,
                        format!("{}.source", row_path(object.as_str(), i)),
                        format!(
                            "\"{}\" is not a chat field Leadbridge has seen; the row writes nothing until events carry it",
                            row.source
                        ),
                    )
                    .on_row(object.as_str(), i)
                    .on_field(&row.target),
                );
            }
        }
    }
    if let Ok(names) = template_placeholders(&doc.opportunity.name_template) {
        for name in names
            .into_iter()
            .filter(|n| is_field_path(n) && !chat.is_known(n))
        {
            out.push(Problem::warning(
                ProblemCode::UnknownSource,
                "opportunity.nameTemplate",
                format!("placeholder {{{name}}} is not a chat field Leadbridge has seen; it renders empty"),
            ));
        }
    }
    out
}

/// Whether `id` has the form of a Salesforce record Id: 15 (case-sensitive) or 18
/// (case-safe) letters and digits.
pub fn is_salesforce_id(id: &str) -> bool {
    matches!(id.len(), 15 | 18) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether `name` has the form of a Salesforce field API name (`Email`, `Lead_Score__c`,
/// `ns__Field__c`): a letter, then letters, digits and underscores, not ending in `_`.
pub fn is_api_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && !name.ends_with('_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A deliberately loose email check: one `@`, something before it, a dotted domain after
/// it, no spaces. Salesforce and the chat platform decide the rest.
pub fn is_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn check_rows(doc: &MappingDocument, out: &mut Vec<Problem>) {
    for object in MappedObject::ALL {
        let name = object.as_str();
        let mut first_by_target: HashMap<String, usize> = HashMap::new();
        for (i, row) in doc.objects.rows(object).iter().enumerate() {
            let path = row_path(name, i);
            if !is_field_path(&row.source) {
                out.push(
                    Problem::error(
                        ProblemCode::InvalidSource,
                        format!("{path}.source"),
                        if row.source.is_empty() {
                            "the source is empty; name a chat field such as email or metadata.industry".to_string()
                        } else {
                            format!(
                                "\"{}\" is not a chat field path (names of letters, digits, _ and - joined by dots)",
                                row.source
                            )
                        },
                    )
                    .on_row(name, i),
                );
            }
            if !is_api_name(&row.target) {
                out.push(
                    Problem::error(
                        ProblemCode::InvalidTarget,
                        format!("{path}.target"),
                        if row.target.is_empty() {
                            format!("the target is empty; name a {name} field")
                        } else {
                            format!("\"{}\" is not a Salesforce field API name", row.target)
                        },
                    )
                    .on_row(name, i),
                );
                continue;
            }
            // Salesforce field names are case-insensitive: `email` and `Email` are one field.
            match first_by_target.get(&row.target.to_ascii_lowercase()) {
                Some(&first) => out.push(
                    Problem::error(
                        ProblemCode::DuplicateTarget,
                        format!("{path}.target"),
                        format!(
                            "{name}.{} is already written by {}; one row per Salesforce field in a tab",
                            row.target,
                            row_path(name, first)
                        ),
                    )
                    .on_row(name, i)
                    .on_field(&row.target),
                ),
                None => {
                    first_by_target.insert(row.target.to_ascii_lowercase(), i);
                }
            }
        }
    }
}

fn check_id(out: &mut Vec<Problem>, path: &str, id: Option<&str>, prefixes: &[&str], what: &str) {
    let Some(id) = id else { return };
    if !is_salesforce_id(id) {
        out.push(Problem::error(
            ProblemCode::InvalidId,
            path,
            format!("\"{id}\" is not a Salesforce Id (15 or 18 letters and digits)"),
        ));
    } else if !prefixes.iter().any(|p| id.starts_with(p)) {
        out.push(Problem::warning(
            ProblemCode::UnexpectedIdPrefix,
            path,
            format!(
                "\"{id}\" does not look like {what} Id (those start with {})",
                prefixes.join(" or ")
            ),
        ));
    }
}

fn check_minimum_score(out: &mut Vec<Problem>, path: &str, score: MinimumScore) {
    match score {
        MinimumScore::All => {}
        MinimumScore::Stars(n) if !(1..=3).contains(&n) => out.push(Problem::error(
            ProblemCode::InvalidScore,
            format!("{path}.stars"),
            format!("{n} stars: choose 1, 2 or 3"),
        )),
        MinimumScore::Score(s) if s > 100 => out.push(Problem::error(
            ProblemCode::InvalidScore,
            format!("{path}.score"),
            format!("{s} is above 100, the highest qualificationScore"),
        )),
        MinimumScore::Stars(_) | MinimumScore::Score(_) => {}
    }
}

fn check_criteria(doc: &MappingDocument, out: &mut Vec<Problem>) {
    check_minimum_score(out, "criteria.minimumScore", doc.criteria.minimum_score);
    let [one, two, three] = doc.criteria.star_bands;
    if !(1 <= one && one < two && two < three && three <= 100) {
        out.push(Problem::error(
            ProblemCode::InvalidScore,
            "criteria.starBands",
            format!(
                "star bands [{one}, {two}, {three}] must rise strictly within 1–100 (1★ < 2★ < 3★)"
            ),
        ));
    }
}

fn check_opportunity(doc: &MappingDocument, out: &mut Vec<Problem>) {
    let o = &doc.opportunity;
    check_minimum_score(out, "opportunity.minimumScore", o.minimum_score);
    if o.stage_name.trim().is_empty() {
        out.push(Problem::error(
            ProblemCode::EmptyValue,
            "opportunity.stageName",
            "the Opportunity stage is empty (Salesforce requires StageName)",
        ));
    }
    if o.name_template.trim().is_empty() {
        out.push(Problem::error(
            ProblemCode::EmptyValue,
            "opportunity.nameTemplate",
            "the Opportunity name template is empty (Salesforce requires Name)",
        ));
    }
    match template_placeholders(&o.name_template) {
        Err(why) => out.push(Problem::error(
            ProblemCode::InvalidTemplate,
            "opportunity.nameTemplate",
            why,
        )),
        Ok(names) => {
            for name in names.into_iter().filter(|n| !is_field_path(n)) {
                out.push(Problem::error(
                    ProblemCode::InvalidTemplate,
                    "opportunity.nameTemplate",
                    format!("{{{name}}} is not a chat field path"),
                ));
            }
        }
    }
}

fn check_tasks(doc: &MappingDocument, out: &mut Vec<Problem>) {
    for (i, kind) in doc.tasks.event_kinds.iter().enumerate() {
        if doc.tasks.event_kinds[..i].contains(kind) {
            out.push(Problem::error(
                ProblemCode::DuplicateEventKind,
                format!("tasks.eventKinds[{i}]"),
                format!("{} is listed twice", kind.as_str()),
            ));
        }
    }
}

fn check_owner_strategies(doc: &MappingDocument, out: &mut Vec<Problem>) {
    for (i, s) in doc.owner_strategies.iter().enumerate() {
        if doc.owner_strategies[..i]
            .iter()
            .any(|earlier| earlier.strategy == s.strategy)
        {
            out.push(Problem::error(
                ProblemCode::DuplicateStrategy,
                format!("ownerStrategies[{i}].strategy"),
                format!(
                    "{} is listed twice; each strategy has one rank",
                    s.strategy.as_str()
                ),
            ));
        }
    }
    let default_enabled = doc
        .owner_strategies
        .iter()
        .any(|s| s.strategy == OwnerStrategy::DefaultOwner && s.enabled);
    if default_enabled && doc.default_owner_id.is_none() {
        out.push(Problem::warning(
            ProblemCode::DefaultOwnerUnset,
            "defaultOwnerId",
            "default_owner is enabled but no default owner is set; Leads no strategy resolves are owned by the connected Salesforce user",
        ));
    }
    check_id(
        out,
        "defaultOwnerId",
        doc.default_owner_id.as_deref(),
        &[USER_PREFIX, QUEUE_PREFIX],
        "a User or Queue",
    );
}

fn check_user_mapping(doc: &MappingDocument, out: &mut Vec<Problem>) {
    let mut first_by_user: HashMap<String, usize> = HashMap::new();
    for (i, m) in doc.user_mapping.iter().enumerate() {
        let path = format!("userMapping[{i}]");
        if !is_email(&m.chat_user) {
            out.push(Problem::error(
                ProblemCode::InvalidEmail,
                format!("{path}.chatUser"),
                format!(
                    "\"{}\" is not an email address (chat users are identified by email)",
                    m.chat_user
                ),
            ));
        } else if let Some(first) = first_by_user.get(&m.chat_user.to_lowercase()) {
            out.push(Problem::error(
                ProblemCode::DuplicateChatUser,
                format!("{path}.chatUser"),
                format!("{} is already mapped by userMapping[{first}]", m.chat_user),
            ));
        } else {
            first_by_user.insert(m.chat_user.to_lowercase(), i);
        }
        check_id(
            out,
            &format!("{path}.salesforceUserId"),
            Some(&m.salesforce_user_id),
            &[USER_PREFIX],
            "a User",
        );
    }
}

fn check_segments(doc: &MappingDocument, out: &mut Vec<Problem>) {
    let mut first_by_name: HashMap<String, usize> = HashMap::new();
    for (i, segment) in doc.segments.iter().enumerate() {
        let path = format!("segments[{i}]");
        let key = segment.name.trim().to_lowercase();
        if key.is_empty() {
            out.push(Problem::error(
                ProblemCode::EmptyValue,
                format!("{path}.name"),
                "the segment has no name",
            ));
        } else if let Some(first) = first_by_name.get(&key) {
            out.push(Problem::error(
                ProblemCode::DuplicateSegment,
                format!("{path}.name"),
                format!(
                    "segments[{first}] is already named \"{}\"; rules refer to segments by name",
                    segment.name
                ),
            ));
        } else {
            first_by_name.insert(key, i);
        }
        if segment.conditions.is_empty() {
            out.push(Problem::warning(
                ProblemCode::EmptySegment,
                format!("{path}.conditions"),
                format!(
                    "segment \"{}\" has no conditions and matches every company",
                    segment.name
                ),
            ));
        }
        for (j, condition) in segment.conditions.iter().enumerate() {
            check_condition(out, &format!("{path}.conditions[{j}]"), condition);
        }
    }
}

fn check_condition(out: &mut Vec<Problem>, path: &str, condition: &Condition) {
    let Some(field) = CompanyField::parse(condition.field()) else {
        out.push(Problem::error(
            ProblemCode::InvalidCondition,
            format!("{path}.field"),
            format!(
                "\"{}\" is not a company field: use industry, companySize, employees, country, domain or metadata.<key>",
                condition.field()
            ),
        ));
        return;
    };
    if condition.is_numeric() && !field.allows_numeric() {
        out.push(Problem::error(
            ProblemCode::InvalidCondition,
            format!("{path}.op"),
            format!(
                "{} compares numbers, but {} is text",
                condition.op(),
                condition.field()
            ),
        ));
    }
    match condition {
        Condition::In { values, .. } if values.is_empty() => out.push(Problem::error(
            ProblemCode::InvalidCondition,
            format!("{path}.values"),
            "\"in\" needs at least one value",
        )),
        Condition::Between { min, max, .. } if min.as_f64() > max.as_f64() => {
            out.push(Problem::error(
                ProblemCode::InvalidCondition,
                format!("{path}.min"),
                format!("between {min} and {max}: the minimum is above the maximum"),
            ))
        }
        Condition::Contains { value, .. } if value.is_empty() => out.push(Problem::error(
            ProblemCode::EmptyValue,
            format!("{path}.value"),
            "\"contains\" an empty text matches every company",
        )),
        _ => {}
    }
}

fn check_ownership_rules(doc: &MappingDocument, out: &mut Vec<Problem>) {
    let segment_names: Vec<String> = doc
        .segments
        .iter()
        .map(|s| s.name.trim().to_lowercase())
        .collect();
    for (i, rule) in doc.ownership_rules.iter().enumerate() {
        let path = format!("ownershipRules[{i}]");
        let key = rule.segment.trim().to_lowercase();
        if !segment_names.contains(&key) {
            out.push(Problem::error(
                ProblemCode::UnknownSegment,
                format!("{path}.segment"),
                format!("no segment is named \"{}\"", rule.segment),
            ));
        } else if let Some(first) = doc.ownership_rules[..i]
            .iter()
            .position(|r| r.segment.trim().to_lowercase() == key)
        {
            out.push(Problem::warning(
                ProblemCode::UnreachableRule,
                format!("{path}.segment"),
                format!("ownershipRules[{first}] already decides segment \"{}\"; this rule never applies", rule.segment),
            ));
        }
        for (key, field) in [
            ("ownerField", Some(&rule.owner_field)),
            ("thenBy", rule.then_by.as_ref()),
        ] {
            let Some(field) = field else { continue };
            if !is_api_name(field) {
                out.push(
                    Problem::error(
                        ProblemCode::InvalidTarget,
                        format!("{path}.{key}"),
                        format!("\"{field}\" is not a Salesforce field API name (e.g. OwnerId or SDR__c)"),
                    )
                    .on_object("Account"),
                );
            }
        }
        check_id(
            out,
            &format!("{path}.fallbackUserId"),
            rule.fallback_user_id.as_deref(),
            &[USER_PREFIX],
            "a User",
        );
    }
}
