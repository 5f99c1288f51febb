//! "The app's own queries" for one contact: the statements a sync of that contact sends
//! (PRODUCT.md, SOQL preview), written by the same builders that send them, so the preview is
//! exactly what goes out, escaping included (`o'brien@...` becomes `'o\'brien@...'`).
//!
//! - Dedupe: unconverted Leads and Contacts by Email ([`dedupe_queries`], built by the sync's
//!   own [`dedupe_statements`], with the mapped fields the org's describe knows).
//! - Owner: every User of the org, as routing reads them ([`crate::routing::users::users_soql`]).
//! - Account: routing's Account lookups by the company's website, domain field and name
//!   ([`AccountQueryPlan`]), planned from the org's Account describe and the mapping in force.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use std::collections::HashMap;

use crate::contacts::{self, email, Contact};
use crate::mapping::document::MappingDocument;
use crate::mapping::versions::MappingStore;
use crate::routing::facts::AccountQueryPlan;
use crate::routing::users::users_soql;
use crate::salesforce::describe::SObjectDescribe;
use crate::salesforce::SalesforceClient;
use crate::store::Store;
use crate::sync::lookup::dedupe_statements;
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
    /// What could not be previewed, and why (no org connected, a rule's field the org lacks).
    pub notes: Vec<String>,
}

/// The dedupe lookups a push of `email` sends: unconverted Leads and Contacts with it, read
/// with the fields the mapping `doc` needs (those `describes` knows). Salesforce compares
/// Email case-insensitively. A push sends the same shape for a whole batch (`IN` over many
/// emails, split by length); for one contact it is one statement each.
pub fn dedupe_queries(
    doc: &MappingDocument,
    describes: &HashMap<String, SObjectDescribe>,
    email: &str,
) -> Result<Vec<PreviewQuery>> {
    let email = email.trim();
    if email.is_empty() {
        return Err(Error::invalid_input("the contact's email is empty").field("email"));
    }
    let statements = dedupe_statements(doc, describes, &[email::key(email)])?;
    let [lead, contact] = [statements.leads, statements.contacts].map(|mut s| {
        // One short email always fits one statement; anything else is a builder bug.
        match (s.pop(), s.is_empty()) {
            (Some(statement), true) => Ok(statement),
            _ => Err(Error::internal(
                "the dedupe lookup for one contact did not build as one statement",
            )),
        }
    });
    Ok(vec![
        PreviewQuery {
            purpose:
                "Dedupe: unconverted Leads with this email (an existing Lead is updated, not duplicated)"
                    .into(),
            soql: lead?,
        },
        PreviewQuery {
            purpose: "Dedupe: Contacts with this email (an existing Contact means no new Lead)"
                .into(),
            soql: contact?,
        },
    ])
}

/// The queries a sync of the inbox contact `email` sends. With a `client`, the Account
/// lookups are planned from the org's Account describe (one API call, cached per profile);
/// without one, or when the describe fails, they are left out and a note says why.
pub async fn preview_for_contact(
    store: &Store,
    client: Option<&SalesforceClient>,
    email: &str,
) -> Result<ContactPreview> {
    let contact = contacts::store::get_by_email(store, email.trim())?.ok_or_else(|| {
        Error::new(
            ErrorCode::NotFound,
            format!("no contact with the email {email:?} in the inbox"),
        )
        .field("email")
    })?;
    let doc = MappingStore::new(store).current()?.document;
    let mut notes = Vec::new();
    let describes = match client {
        None => HashMap::new(),
        Some(client) => match client.describe_many(&["Lead", "Contact"]).await {
            Ok(found) => found
                .into_iter()
                .flatten()
                .map(|d| (d.name.clone(), (*d).clone()))
                .collect(),
            Err(e) => {
                notes.push(format!(
                    "The dedupe lookups show only the fields every push reads: the org's Lead and Contact fields could not be read: {} ({})",
                    e.message,
                    e.code.as_str()
                ));
                HashMap::new()
            }
        },
    };
    let mut queries = dedupe_queries(&doc, &describes, &contact.email)?;
    queries.push(PreviewQuery {
        purpose: "Owner: every Salesforce User (the user mapping and the ownership rules resolve chat agents and Account owners among them)"
            .into(),
        soql: users_soql()?,
    });
    match client {
        None => notes.push(
            "The Account lookup is planned from the org's Account fields: connect an org to see it."
                .to_string(),
        ),
        Some(client) => match account_queries(&doc, client, &contact).await {
            Ok((account_queries, account_notes)) => {
                queries.extend(account_queries);
                notes.extend(account_notes);
            }
            // The other lookups are still worth seeing when the org cannot be read.
            Err(e) => notes.push(format!(
                "The Account lookup could not be planned: {} ({})",
                e.message,
                e.code.as_str()
            )),
        },
    }
    Ok(ContactPreview {
        email: contact.email,
        queries,
        notes,
    })
}

async fn account_queries(
    doc: &MappingDocument,
    client: &SalesforceClient,
    contact: &Contact,
) -> Result<(Vec<PreviewQuery>, Vec<String>)> {
    let describe = client.describe("Account").await?;
    let plan = AccountQueryPlan::new(&describe, doc);
    let mut notes: Vec<String> = plan
        .unread
        .iter()
        .map(|(field, why)| format!("Ownership rule field {field}: {why}"))
        .collect();
    let statements = plan.statements(std::slice::from_ref(contact), doc)?;
    if statements.is_empty() {
        notes.push(
            "No Account lookup: the contact gives no company name, website or domain.".to_string(),
        );
    }
    let queries = statements
        .into_iter()
        .map(|soql| PreviewQuery {
            purpose: format!(
                "Account: the company's Account by {}, whose owner fields the ownership rules read",
                matched_by(&soql)
            ),
            soql,
        })
        .collect();
    Ok((queries, notes))
}

/// What an Account statement of the plan matches on, read from its `WHERE ... IN`.
fn matched_by(soql: &str) -> String {
    let field = soql
        .rsplit_once(" WHERE ")
        .and_then(|(_, condition)| condition.split_once(" IN ("))
        .map(|(field, _)| field.trim());
    match field {
        Some("Website") => "website".into(),
        Some("Name") => "name".into(),
        Some(other) => format!("domain ({other})"),
        None => "company".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soql::check;

    #[test]
    fn dedupe_lookups_escape_the_email_and_pass_the_guard() {
        let doc = MappingDocument::default();
        let queries =
            dedupe_queries(&doc, &HashMap::new(), " O'Brien@harborlight.example ").unwrap();
        let soql: Vec<&str> = queries.iter().map(|q| q.soql.as_str()).collect();
        assert_eq!(
            soql,
            [
                r"SELECT Id, Email, OwnerId, LastModifiedDate, IsConverted FROM Lead WHERE IsConverted = FALSE AND Email IN ('o\'brien@harborlight.example')",
                r"SELECT Id, Email, OwnerId, AccountId, LastModifiedDate FROM Contact WHERE Email IN ('o\'brien@harborlight.example')",
            ]
        );
        for q in &queries {
            check(&q.soql).unwrap();
        }
    }

    #[test]
    fn an_empty_email_is_refused() {
        let e = dedupe_queries(&MappingDocument::default(), &HashMap::new(), "  ").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
    }

    #[test]
    fn account_statements_say_what_they_match() {
        assert_eq!(
            matched_by("SELECT Id FROM Account WHERE Website IN ('a.example')"),
            "website"
        );
        assert_eq!(
            matched_by("SELECT Id FROM Account WHERE Name IN ('Acme')"),
            "name"
        );
        assert_eq!(
            matched_by("SELECT Id FROM Account WHERE Domain__c IN ('a.example')"),
            "domain (Domain__c)"
        );
    }

    #[test]
    fn without_an_org_the_account_lookup_is_a_note() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        contacts::import_bytes(
            &store,
            br#"{"event":"lead.qualified","timestamp":"2026-04-05T14:30:00Z","lead":{"email":"o'brien@harborlight.example","company":"Harborlight Analytics"}}"#,
        )
        .unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let preview = rt
            .block_on(preview_for_contact(
                &store,
                None,
                "O'Brien@harborlight.example",
            ))
            .unwrap();
        assert_eq!(preview.email, "o'brien@harborlight.example");
        assert_eq!(preview.queries.len(), 3);
        assert_eq!(preview.queries[2].soql, users_soql().unwrap());
        assert!(preview.notes[0].contains("connect an org"));
        let missing = rt
            .block_on(preview_for_contact(&store, None, "nobody@x.example"))
            .unwrap_err();
        assert_eq!(missing.code, ErrorCode::NotFound);
    }
}
