//! Segment evaluation (pure): what Leadbridge knows about a contact's company, and whether it
//! meets a segment's conditions (seed 002's "company segment"; PRODUCT.md step 6).
//!
//! # Where company facts come from
//!
//! The chat speaks first; the matched Salesforce Account fills what the chat did not capture.
//! The visitor's own answers (and the chat platform's enrichment) are the freshest view of a
//! prospect, while many prospects have no Account yet; the Account completes the picture for
//! known companies. Each fact records its origin, so the "test a contact" panel can show it.
//!
//! | field         | from the chat (first)                      | from the Account (else)    |
//! |---------------|--------------------------------------------|----------------------------|
//! | `industry`    | `metadata.industry`                        | `Industry`                 |
//! | `companySize` | `metadata.companySize`                     | `NumberOfEmployees`        |
//! | `employees`   | `metadata.employees`                       | `NumberOfEmployees`, then the chat's `metadata.companySize` band |
//! | `country`     | `country`, then `metadata.country`         | `BillingCountry`           |
//! | `domain`      | `domain` (given, website's or email's)     | `Domain__c`-like field, else `Website`'s host |
//! | `metadata.k`  | `metadata.k`                               | (none)                     |
//!
//! `employees` is a head count: an Account's `NumberOfEmployees` is exact, a chat band such as
//! `200-500` is not, so the band is used only when there is no count at all (a prospect with
//! no Account).
//!
//! # How conditions compare
//!
//! - Text ignores case and repeated spaces. `country` compares countries, not spellings
//!   (`GB` equals `United Kingdom`, see [`super::country`]); `domain` compares domains
//!   (`www.acme.com` equals `acme.com`).
//! - `between`, `gte`, `lte` read the value as a number or a band ([`parse_quantity`]); a band
//!   passes only when all of it does (`200-500` is `gte 200` but not `gte 300`).
//! - A fact the company lacks meets no condition, `notEquals` included: a segment only takes
//!   companies it knows to belong.
//! - `all` needs every condition, `any` one of them; a segment without conditions matches
//!   every company (the document checks warn about it).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::country::same_country;
use super::facts::AccountFacts;
use super::model::{CompanyField, Condition, MatchMode, Segment};
use super::quantity::{parse_quantity, Quantity};
use crate::contacts::email::website_domain;
use crate::contacts::Contact;

/// Where a company fact was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum FactSource {
    /// The contact, as the chat captured it.
    Chat,
    /// The Salesforce Account the company matched.
    Account,
}

/// One known fact about the company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CompanyFact {
    /// As found: text, or a number for counts.
    #[ts(type = "string | number | boolean")]
    pub value: Value,
    pub source: FactSource,
    /// The field it was read from: `metadata.companySize`, `country`, `Account.Industry`...
    pub origin: String,
}

impl CompanyFact {
    fn chat(value: Value, origin: &str) -> Option<CompanyFact> {
        usable(&value).then(|| CompanyFact {
            value,
            source: FactSource::Chat,
            origin: origin.to_string(),
        })
    }

    fn account(value: Value, field: &str) -> Option<CompanyFact> {
        usable(&value).then(|| CompanyFact {
            value,
            source: FactSource::Account,
            origin: format!("Account.{field}"),
        })
    }

    /// The fact as text for comparisons and messages.
    pub fn text(&self) -> String {
        match &self.value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    /// The fact as a number or band, when it reads as one.
    pub fn quantity(&self) -> Option<Quantity> {
        match &self.value {
            Value::Number(n) => n.as_f64().map(Quantity::exact),
            Value::String(s) => parse_quantity(s),
            _ => None,
        }
    }
}

fn text(value: &Option<String>) -> Option<Value> {
    value.clone().map(Value::String)
}

/// Null, empty text and empty containers are no fact.
fn usable(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        Value::Bool(_) | Value::Number(_) => true,
    }
}

/// What is known about a contact's company, field by field (see the module docs for the
/// sources and their order).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CompanyProfile {
    pub industry: Option<CompanyFact>,
    pub company_size: Option<CompanyFact>,
    pub employees: Option<CompanyFact>,
    pub country: Option<CompanyFact>,
    pub domain: Option<CompanyFact>,
    /// The chat's metadata, for `metadata.<key>` conditions.
    pub metadata: Map<String, Value>,
}

impl CompanyProfile {
    /// The company of `contact`, completed from its matched Account when there is one.
    pub fn build(contact: &Contact, account: Option<&AccountFacts>) -> CompanyProfile {
        let meta = |key: &str| {
            contact
                .metadata
                .get(key)
                .cloned()
                .and_then(|v| CompanyFact::chat(v, &format!("metadata.{key}")))
        };
        let on_account =
            |field: &str, value: Option<Value>| value.and_then(|v| CompanyFact::account(v, field));
        let account_employees = || {
            on_account(
                "NumberOfEmployees",
                account
                    .and_then(|a| a.number_of_employees)
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number),
            )
        };
        CompanyProfile {
            industry: meta("industry")
                .or_else(|| on_account("Industry", account.and_then(|a| text(&a.industry)))),
            company_size: meta("companySize").or_else(account_employees),
            employees: meta("employees")
                .or_else(account_employees)
                .or_else(|| meta("companySize")),
            country: text(&contact.country)
                .and_then(|v| CompanyFact::chat(v, "country"))
                .or_else(|| meta("country"))
                .or_else(|| {
                    on_account(
                        "BillingCountry",
                        account.and_then(|a| text(&a.billing_country)),
                    )
                }),
            domain: text(&contact.domain)
                .and_then(|v| CompanyFact::chat(v, "domain"))
                .or_else(|| {
                    let (domain, field) = account?.domain_fact()?;
                    CompanyFact::account(Value::String(domain), &field)
                }),
            metadata: contact.metadata.clone(),
        }
    }

    /// The fact a condition field names; `None` when the company lacks it.
    pub fn fact(&self, field: &CompanyField) -> Option<CompanyFact> {
        match field {
            CompanyField::Industry => self.industry.clone(),
            CompanyField::CompanySize => self.company_size.clone(),
            CompanyField::Employees => self.employees.clone(),
            CompanyField::Country => self.country.clone(),
            CompanyField::Domain => self.domain.clone(),
            CompanyField::Metadata(key) => self
                .metadata
                .get(key)
                .cloned()
                .and_then(|v| CompanyFact::chat(v, &format!("metadata.{key}"))),
        }
    }
}

/// One condition of a segment, as tested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ConditionCheck {
    pub field: String,
    pub op: String,
    /// What the condition asks: `equals "Technology"`, `between 200 and 999`...
    pub expected: String,
    /// The company's fact it was tested on.
    pub actual: Option<CompanyFact>,
    pub met: bool,
    /// Why it is not met when the values alone do not say (no value, not a number...).
    pub note: Option<String>,
}

/// A segment tested on a company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SegmentCheck {
    pub segment: String,
    #[serde(rename = "match")]
    #[ts(rename = "match")]
    pub match_mode: MatchMode,
    pub matched: bool,
    /// Every condition, in the segment's order (all are tested, so the panel shows each).
    pub conditions: Vec<ConditionCheck>,
}

/// Tests every condition of `segment` on `company`.
pub fn evaluate_segment(segment: &Segment, company: &CompanyProfile) -> SegmentCheck {
    let conditions: Vec<ConditionCheck> = segment
        .conditions
        .iter()
        .map(|c| evaluate_condition(c, company))
        .collect();
    let matched = conditions.is_empty()
        || match segment.match_mode {
            MatchMode::All => conditions.iter().all(|c| c.met),
            MatchMode::Any => conditions.iter().any(|c| c.met),
        };
    SegmentCheck {
        segment: segment.name.clone(),
        match_mode: segment.match_mode,
        matched,
        conditions,
    }
}

/// Whether `segment` matches `company`.
pub fn segment_matches(segment: &Segment, company: &CompanyProfile) -> bool {
    evaluate_segment(segment, company).matched
}

/// Tests one condition on a company.
pub fn evaluate_condition(condition: &Condition, company: &CompanyProfile) -> ConditionCheck {
    let mut check = ConditionCheck {
        field: condition.field().to_string(),
        op: condition.op().to_string(),
        expected: describe_expectation(condition),
        actual: None,
        met: false,
        note: None,
    };
    let Some(field) = CompanyField::parse(condition.field()) else {
        check.note = Some(format!("\"{}\" is not a company field", condition.field()));
        return check;
    };
    let Some(actual) = company.fact(&field) else {
        check.note = Some("the company has no value for it".to_string());
        return check;
    };
    let text = actual.text();
    let outcome = match condition {
        Condition::Equals { value, .. } => Ok(same_text(&field, &text, value)),
        Condition::NotEquals { value, .. } => Ok(!same_text(&field, &text, value)),
        Condition::Contains { value, .. } => Ok(fold(&text).contains(&fold(value))),
        Condition::In { values, .. } => Ok(values.iter().any(|v| same_text(&field, &text, v))),
        Condition::Between { min, max, .. } => {
            numeric(&actual, |q| q.within(as_f64(min), as_f64(max)))
        }
        Condition::Gte { value, .. } => numeric(&actual, |q| q.at_least(as_f64(value))),
        Condition::Lte { value, .. } => numeric(&actual, |q| q.at_most(as_f64(value))),
    };
    match outcome {
        Ok(met) => check.met = met,
        Err(note) => check.note = Some(note),
    }
    check.actual = Some(actual);
    check
}

fn as_f64(n: &serde_json::Number) -> f64 {
    // Every JSON number converts; an integer beyond 2^53 rounds, which a head count never is.
    n.as_f64().unwrap_or(f64::NAN)
}

fn numeric(actual: &CompanyFact, test: impl Fn(&Quantity) -> bool) -> Result<bool, String> {
    match actual.quantity() {
        Some(q) => Ok(test(&q)),
        None => Err(format!(
            "\"{}\" is not a number or a range such as 200-500",
            actual.text()
        )),
    }
}

/// Case-insensitive, with runs of white space as one space.
fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn same_text(field: &CompanyField, actual: &str, expected: &str) -> bool {
    match field {
        CompanyField::Country => same_country(actual, expected),
        CompanyField::Domain => {
            let norm = |d: &str| website_domain(d).unwrap_or_else(|| fold(d));
            norm(actual) == norm(expected)
        }
        _ => fold(actual) == fold(expected),
    }
}

fn describe_expectation(condition: &Condition) -> String {
    match condition {
        Condition::Equals { value, .. } => format!("equals \"{value}\""),
        Condition::NotEquals { value, .. } => format!("is not \"{value}\""),
        Condition::Contains { value, .. } => format!("contains \"{value}\""),
        Condition::In { values, .. } => {
            let quoted: Vec<String> = values.iter().map(|v| format!("\"{v}\"")).collect();
            format!("one of {}", quoted.join(", "))
        }
        Condition::Between { min, max, .. } => format!("between {min} and {max}"),
        Condition::Gte { value, .. } => format!("at least {value}"),
        Condition::Lte { value, .. } => format!("at most {value}"),
    }
}
