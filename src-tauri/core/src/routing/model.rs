//! The routing configuration, as the admin edits it and as the mapping document stores it
//! (PRODUCT.md pipeline steps 5 and 6; seed 002 "Lead Owner", "User Mapping" and "Account
//! Ownership Rules"). Types only: the resolution is in `super::resolve`.
//!
//! Every struct refuses unknown keys when read from JSON, so a misspelt setting in an imported
//! document is an error instead of a silently dropped value.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One way of choosing a new Lead's owner. The admin ranks them; the highest-ranked enabled
/// strategy that resolves to a Salesforce user wins (seed 002: "the higher-ranking selection
/// taking priority").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OwnerStrategy {
    /// The chat user whose calendar the visitor booked (`lead.agents.meetingScheduledWith`).
    MeetingScheduler,
    /// The chat user last routed into the conversation (`lead.agents.lastRouted`).
    LastRouted,
    /// The chat user who closed the conversation (`lead.agents.closedBy`).
    ClosedBy,
    /// The owner found by the ownership segment rules on the company's Account.
    AccountOwner,
    /// The fixed `defaultOwnerId`.
    DefaultOwner,
}

impl OwnerStrategy {
    /// Every strategy, in the default rank.
    pub const ALL: [OwnerStrategy; 5] = [
        OwnerStrategy::MeetingScheduler,
        OwnerStrategy::LastRouted,
        OwnerStrategy::ClosedBy,
        OwnerStrategy::AccountOwner,
        OwnerStrategy::DefaultOwner,
    ];

    /// The name used in the document and in `sync --json`'s `ownerReason`.
    pub fn as_str(self) -> &'static str {
        match self {
            OwnerStrategy::MeetingScheduler => "meeting_scheduler",
            OwnerStrategy::LastRouted => "last_routed",
            OwnerStrategy::ClosedBy => "closed_by",
            OwnerStrategy::AccountOwner => "account_owner",
            OwnerStrategy::DefaultOwner => "default_owner",
        }
    }
}

/// One entry of the ranked strategy list. A strategy absent from the list is not used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct OwnerStrategySetting {
    pub strategy: OwnerStrategy,
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
}

fn enabled_by_default() -> bool {
    true
}

/// The default rank: the person the visitor dealt with most directly first, then the account's
/// owner, then the fixed default. All enabled: each one only applies when it resolves.
pub fn default_owner_strategies() -> Vec<OwnerStrategySetting> {
    OwnerStrategy::ALL
        .iter()
        .map(|&strategy| OwnerStrategySetting {
            strategy,
            enabled: true,
        })
        .collect()
}

/// How a chat user came to be mapped to a Salesforce user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum UserMappingSource {
    /// The chat user's email equals an active Salesforce User's email.
    Auto,
    /// The admin picked the Salesforce user; an automatic match never replaces it.
    Manual,
}

/// A chat-platform user (identified by email, as in `lead.agents`) and the Salesforce User
/// that stands for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct UserMapping {
    /// The chat user's email; matched case-insensitively.
    pub chat_user: String,
    /// A Salesforce User Id (15 or 18 characters, prefix `005`).
    pub salesforce_user_id: String,
    pub source: UserMappingSource,
}

/// Whether a segment needs all of its conditions or any one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum MatchMode {
    #[default]
    All,
    Any,
}

/// A named set of conditions on company fields (seed 002's "company segment").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct Segment {
    /// Unique among segments (case-insensitively); ownership rules refer to it by name.
    pub name: String,
    #[serde(rename = "match", default)]
    #[ts(rename = "match")]
    pub match_mode: MatchMode,
    #[serde(default)]
    pub conditions: Vec<Condition>,
}

/// One test on one company field. The comparison is chosen by `op`, which also decides the
/// shape of the value:
///
/// ```json
/// {"op": "equals",    "field": "industry",  "value": "Technology"}
/// {"op": "notEquals", "field": "country",   "value": "US"}
/// {"op": "contains",  "field": "domain",    "value": ".edu"}
/// {"op": "in",        "field": "country",   "values": ["US", "CA"]}
/// {"op": "between",   "field": "employees", "min": 50, "max": 500}
/// {"op": "gte",       "field": "employees", "value": 1000}
/// {"op": "lte",       "field": "metadata.budgetK", "value": 100}
/// ```
///
/// Text comparisons ignore case. `field` is one of [`CompanyField`]'s names; numeric tests
/// (`between`, `gte`, `lte`) apply to `employees` and `metadata.<key>` only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "op", rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub enum Condition {
    Equals {
        field: String,
        value: String,
    },
    NotEquals {
        field: String,
        value: String,
    },
    Contains {
        field: String,
        value: String,
    },
    In {
        field: String,
        values: Vec<String>,
    },
    Between {
        field: String,
        #[ts(type = "number")]
        min: serde_json::Number,
        #[ts(type = "number")]
        max: serde_json::Number,
    },
    Gte {
        field: String,
        #[ts(type = "number")]
        value: serde_json::Number,
    },
    Lte {
        field: String,
        #[ts(type = "number")]
        value: serde_json::Number,
    },
}

impl Condition {
    /// The company field the condition tests, as written.
    pub fn field(&self) -> &str {
        match self {
            Condition::Equals { field, .. }
            | Condition::NotEquals { field, .. }
            | Condition::Contains { field, .. }
            | Condition::In { field, .. }
            | Condition::Between { field, .. }
            | Condition::Gte { field, .. }
            | Condition::Lte { field, .. } => field,
        }
    }

    /// The operator's name as written in the document.
    pub fn op(&self) -> &'static str {
        match self {
            Condition::Equals { .. } => "equals",
            Condition::NotEquals { .. } => "notEquals",
            Condition::Contains { .. } => "contains",
            Condition::In { .. } => "in",
            Condition::Between { .. } => "between",
            Condition::Gte { .. } => "gte",
            Condition::Lte { .. } => "lte",
        }
    }

    /// Whether the test compares numbers.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Condition::Between { .. } | Condition::Gte { .. } | Condition::Lte { .. }
        )
    }
}

/// The company fields a segment condition can test. The company is known from the chat
/// (`lead.company`, `lead.website`/`domain`, `lead.country`, `lead.metadata.*`), completed by
/// the Salesforce Account Leadbridge matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CompanyField {
    Industry,
    /// A size band as text, e.g. `200-500` (seed 000's `metadata.companySize`).
    CompanySize,
    /// A head count (Account `NumberOfEmployees`).
    Employees,
    Country,
    Domain,
    /// Any `metadata.<key>` value from the chat.
    Metadata(String),
}

impl CompanyField {
    /// Parses a condition's `field`; `None` for anything else.
    pub fn parse(field: &str) -> Option<CompanyField> {
        Some(match field {
            "industry" => CompanyField::Industry,
            "companySize" => CompanyField::CompanySize,
            "employees" => CompanyField::Employees,
            "country" => CompanyField::Country,
            "domain" => CompanyField::Domain,
            other => {
                let key = other.strip_prefix("metadata.")?;
                if key.is_empty() {
                    return None;
                }
                CompanyField::Metadata(key.to_string())
            }
        })
    }

    /// Whether numeric tests make sense on the field.
    pub fn allows_numeric(&self) -> bool {
        matches!(self, CompanyField::Employees | CompanyField::Metadata(_))
    }
}

/// An account ownership rule (seed 002): companies in `segment` are owned by the user in
/// `ownerField` of their Salesforce Account, else by the user in `thenBy`, else (when
/// neither holds a mapped user) by `fallbackUserId`. Rules are tried in order; the first
/// whose segment matches decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[ts(export)]
pub struct OwnershipRule {
    /// A segment's `name`.
    pub segment: String,
    /// A user-lookup field on Account: `OwnerId` or a custom one such as `SDR__c`.
    pub owner_field: String,
    /// A second user-lookup field, used when the first is empty or not a mapped user.
    #[serde(default)]
    pub then_by: Option<String>,
    /// The Salesforce User Id used when neither field gives a mapped user.
    #[serde(default)]
    pub fallback_user_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strategies_use_the_product_names() {
        for s in OwnerStrategy::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), json!(s.as_str()));
        }
        let parsed: OwnerStrategySetting =
            serde_json::from_value(json!({"strategy": "closed_by"})).unwrap();
        assert_eq!(
            parsed,
            OwnerStrategySetting {
                strategy: OwnerStrategy::ClosedBy,
                enabled: true
            }
        );
    }

    #[test]
    fn conditions_are_tagged_by_op_and_refuse_stray_keys() {
        let c: Condition = serde_json::from_value(
            json!({"op": "between", "field": "employees", "min": 50, "max": 500}),
        )
        .unwrap();
        assert_eq!(c.field(), "employees");
        assert!(c.is_numeric());
        assert_eq!(
            serde_json::to_value(&c).unwrap(),
            json!({"op": "between", "field": "employees", "min": 50, "max": 500})
        );
        let err = serde_json::from_value::<Condition>(
            json!({"op": "equals", "field": "industry", "values": ["x"]}),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("values"), "{err}");
        let err = serde_json::from_value::<Condition>(
            json!({"op": "like", "field": "industry", "value": "x"}),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("like"), "{err}");
    }

    #[test]
    fn company_fields_parse() {
        assert_eq!(
            CompanyField::parse("employees"),
            Some(CompanyField::Employees)
        );
        assert_eq!(
            CompanyField::parse("metadata.budget"),
            Some(CompanyField::Metadata("budget".into()))
        );
        assert_eq!(CompanyField::parse("metadata."), None);
        assert_eq!(CompanyField::parse("Industry"), None);
        assert!(!CompanyField::Country.allows_numeric());
    }

    #[test]
    fn segment_match_is_spelled_match() {
        let s = Segment {
            name: "EMEA".into(),
            match_mode: MatchMode::Any,
            conditions: vec![],
        };
        assert_eq!(
            serde_json::to_value(&s).unwrap(),
            json!({"name": "EMEA", "match": "any", "conditions": []})
        );
    }
}
