//! "The app's own queries" for one contact: the statements a sync of that contact sends
//! (PRODUCT.md, SOQL preview), built with the query builders so the preview is exactly what
//! goes out, escaping included (`o'brien@...` becomes `'o\'brien@...'`).
//!
//! The sync and routing modules are the real owners of these lookups; once they expose their
//! own builders, [`preview_queries`] should return theirs and this file shrinks to the
//! contact-loading wrapper.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::builder::{Budget, Condition, Direction, Select, MAX_STATEMENT_CHARS};
use super::literal::LikePattern;
use crate::contacts::{self, Contact};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};

/// One statement the app sends, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PreviewQuery {
    /// What the answer is used for, in words.
    pub purpose: String,
    pub soql: String,
}

/// A contact's email and the queries a sync of it sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ContactPreview {
    pub email: String,
    pub queries: Vec<PreviewQuery>,
}

const LEAD_FIELDS: &[&str] = &[
    "Id",
    "Email",
    "FirstName",
    "LastName",
    "Company",
    "Status",
    "OwnerId",
    "LastModifiedDate",
];
const CONTACT_FIELDS: &[&str] = &[
    "Id",
    "Email",
    "FirstName",
    "LastName",
    "AccountId",
    "OwnerId",
    "LastModifiedDate",
];
const USER_FIELDS: &[&str] = &["Id", "Name", "Email", "IsActive"];
const ACCOUNT_FIELDS: &[&str] = &[
    "Id",
    "Name",
    "Website",
    "Industry",
    "NumberOfEmployees",
    "BillingCountry",
    "OwnerId",
    "Owner.Name",
    "Owner.Email",
    "Owner.IsActive",
];
/// Accounts the ownership rules choose among; more matches than this means the company is
/// too vague to route by.
const ACCOUNT_MATCH_LIMIT: u32 = 10;

/// The queries a sync of the contact `email` sends: the dedupe lookups (unconverted Leads and
/// Contacts by Email, which Salesforce compares case-insensitively), the Salesforce Users of
/// the chat agents named on the contact (or, when none is, the active Users the user mapping
/// picks from), and the Account lookup by the company's domain or name when either is known.
pub fn preview_queries(
    email: &str,
    company: Option<&str>,
    domain: Option<&str>,
    agent_emails: &[String],
) -> Result<Vec<PreviewQuery>> {
    let email = email.trim();
    if email.is_empty() {
        return Err(Error::invalid_input("the contact's email is empty").field("email"));
    }
    let emails = [email.to_string()];
    let mut out = vec![
        PreviewQuery {
            purpose: "Dedupe: unconverted Leads with this email (an existing Lead is updated, not duplicated)"
                .into(),
            soql: one_statement(
                Select::new("Lead", LEAD_FIELDS).filter(Condition::eq("IsConverted", false)),
                "Email",
                &emails,
            )?,
        },
        PreviewQuery {
            purpose: "Dedupe: Contacts with this email (an existing Contact means no new Lead)"
                .into(),
            soql: one_statement(Select::new("Contact", CONTACT_FIELDS), "Email", &emails)?,
        },
    ];

    let mut agents: Vec<String> = Vec::new();
    for agent in agent_emails
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
    {
        if !agents.iter().any(|a| a.eq_ignore_ascii_case(agent)) {
            agents.push(agent.to_string());
        }
    }
    out.push(if agents.is_empty() {
        PreviewQuery {
            purpose: "Owner: the active Salesforce Users the user mapping picks from (this contact names no chat agents)"
                .into(),
            soql: Select::new("User", USER_FIELDS)
                .filter(Condition::eq("IsActive", true))
                .order_by("Name", Direction::Asc)
                .build()?,
        }
    } else {
        PreviewQuery {
            purpose: "Owner: the Salesforce Users of the chat agents (meeting scheduler, last routed, closed by)"
                .into(),
            soql: one_statement(
                Select::new("User", USER_FIELDS).filter(Condition::eq("IsActive", true)),
                "Email",
                &agents,
            )?,
        }
    });

    let domain = domain.map(str::trim).filter(|d| !d.is_empty());
    let company = company.map(str::trim).filter(|c| !c.is_empty());
    let mut matches = Vec::new();
    if let Some(domain) = domain {
        matches.push(Condition::like("Website", LikePattern::contains(domain)));
    }
    if let Some(company) = company {
        matches.push(Condition::eq("Name", company));
    }
    if !matches.is_empty() {
        let by = match (domain, company) {
            (Some(_), Some(_)) => "domain or name",
            (Some(_), None) => "domain",
            _ => "name",
        };
        out.push(PreviewQuery {
            purpose: format!(
                "Account: the company's Account by {by}, whose owner the ownership rules read"
            ),
            soql: Select::new("Account", ACCOUNT_FIELDS)
                .filter(Condition::any(matches))
                .limit(ACCOUNT_MATCH_LIMIT)
                .build()?,
        });
    }
    Ok(out)
}

/// [`preview_queries`] for a contact of the inbox, found by email (case-insensitively).
pub fn preview_for_contact(store: &Store, email: &str) -> Result<ContactPreview> {
    let contact = contacts::store::get_by_email(store, email.trim())?.ok_or_else(|| {
        Error::new(
            ErrorCode::NotFound,
            format!("no contact with the email {email:?} in the inbox"),
        )
        .field("email")
    })?;
    Ok(ContactPreview {
        email: contact.email.clone(),
        queries: preview_queries(
            &contact.email,
            contact.company.as_deref(),
            contact.domain.as_deref(),
            &agent_emails(&contact),
        )?,
    })
}

fn agent_emails(contact: &Contact) -> Vec<String> {
    let agents = &contact.agents;
    [
        &agents.meeting_scheduled_with,
        &agents.last_routed,
        &agents.closed_by,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect()
}

/// `query AND field IN (values)` as one statement: the sync sends the same shape for a batch
/// of contacts, split by length; one contact always fits one statement.
fn one_statement(select: Select, field: &str, values: &[String]) -> Result<String> {
    let mut statements =
        select.build_in_chunks(field, values, Budget::Chars(MAX_STATEMENT_CHARS))?;
    match (statements.pop(), statements.is_empty()) {
        (Some(statement), true) => Ok(statement),
        _ => Err(Error::internal(format!(
            "the {field} lookup for one contact did not build as one statement"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soql::check;

    #[test]
    fn lookups_escape_the_email_and_pass_the_guard() {
        let queries = preview_queries(
            "o'brien@harborlight.example",
            Some("Harborlight Analytics"),
            Some("harborlight.example"),
            &[],
        )
        .unwrap();
        let soql: Vec<&str> = queries.iter().map(|q| q.soql.as_str()).collect();
        assert_eq!(
            soql,
            [
                r"SELECT Id, Email, FirstName, LastName, Company, Status, OwnerId, LastModifiedDate FROM Lead WHERE IsConverted = FALSE AND Email IN ('o\'brien@harborlight.example')",
                r"SELECT Id, Email, FirstName, LastName, AccountId, OwnerId, LastModifiedDate FROM Contact WHERE Email IN ('o\'brien@harborlight.example')",
                "SELECT Id, Name, Email, IsActive FROM User WHERE IsActive = TRUE ORDER BY Name ASC",
                "SELECT Id, Name, Website, Industry, NumberOfEmployees, BillingCountry, OwnerId, Owner.Name, Owner.Email, Owner.IsActive FROM Account WHERE Website LIKE '%harborlight.example%' OR Name = 'Harborlight Analytics' LIMIT 10",
            ]
        );
        for q in &queries {
            check(&q.soql).unwrap();
        }
        assert!(queries[3].purpose.contains("domain or name"));
    }

    #[test]
    fn agents_are_looked_up_once_each() {
        let agents = vec![
            "Ana@Demo-Org.example".to_string(),
            "ana@demo-org.example".to_string(),
            " ".to_string(),
            "ben@demo-org.example".to_string(),
        ];
        let queries = preview_queries("x@y.example", None, None, &agents).unwrap();
        assert_eq!(queries.len(), 3, "no company, no domain: no Account lookup");
        assert_eq!(
            queries[2].soql,
            "SELECT Id, Name, Email, IsActive FROM User WHERE IsActive = TRUE AND Email IN ('Ana@Demo-Org.example','ben@demo-org.example')"
        );
    }

    #[test]
    fn like_wildcards_in_a_domain_match_literally() {
        let queries =
            preview_queries("a@b.example", Some("100% Co"), Some("x_y.example"), &[]).unwrap();
        assert!(
            queries[3]
                .soql
                .contains(r"Website LIKE '%x\_y.example%' OR Name = '100% Co'"),
            "{}",
            queries[3].soql
        );
    }

    #[test]
    fn an_empty_email_is_refused() {
        let e = preview_queries("  ", None, None, &[]).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
    }
}
