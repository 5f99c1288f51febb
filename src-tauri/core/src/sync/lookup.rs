//! The batched look-ups a plan is made from: existing Leads and Contacts by Email, matched
//! Accounts by Id, and the re-checks of resumed deliveries.
//!
//! Long `Email IN (...)` lists: a `GET /query?q=` URI plus headers may not exceed 16,384
//! bytes, and a statement may not exceed 100,000 characters (salesforce-facts.md B4). The
//! documented way past the URI cap is to send the query inside a Composite request (help
//! article 000386264): the subrequest's `url` travels in the POST body, not in the request
//! line. So statements are built with [`Budget::Chars`] at the 100,000-character statement
//! limit and sent five at a time (Composite's limit on query subrequests), each Composite
//! counting as one API call; further pages (`nextRecordsUrl`) go the same way. Emails
//! compare case-insensitively in SOQL, and every literal goes through the SOQL module's
//! escaping (an email like `o'brien@example.com` is legal).

use std::collections::HashMap;

use futures_util::stream::{self, StreamExt};
use tokio_util::sync::CancellationToken;

use super::retry::{self, RetryPolicy};
use crate::mapping::document::{ContactPolicy, MappingDocument};
use crate::salesforce::composite::{CompositeSubrequest, MAX_QUERY_OR_COLLECTION_SUBREQUESTS};
use crate::salesforce::describe::SObjectDescribe;
use crate::salesforce::query::{QueryPage, Record};
use crate::salesforce::records::WriteOptions;
use crate::salesforce::SalesforceClient;
use crate::soql::{Budget, Condition, Select, MAX_STATEMENT_CHARS};
use crate::{Error, ErrorCode, Result};

/// Composite calls in flight at once.
pub const LOOKUP_CONCURRENCY: usize = 4;

/// `SELECT fields FROM object WHERE <filters> AND field IN (...)` over `values`, in as few
/// statements as fit the statement limit.
pub fn statements_in(
    object: &str,
    fields: &[String],
    filters: Vec<Condition>,
    field: &str,
    values: &[String],
) -> Result<Vec<String>> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<&str> = fields.iter().map(String::as_str).collect();
    let mut select = Select::new(object, &names);
    for f in filters {
        select = select.filter(f);
    }
    select.build_in_chunks(field, values, Budget::Chars(MAX_STATEMENT_CHARS))
}

/// The dedupe look-ups for `emails`: unconverted Leads, and Contacts, by Email.
pub struct DedupeStatements {
    pub leads: Vec<String>,
    pub contacts: Vec<String>,
}

/// Builds the dedupe look-ups a push sends (and the SOQL preview shows): the fields the
/// planner needs plus every mapped target the org's describe knows (a field the org lacks
/// would fail the whole query; the mapping check reports it instead). Converted Leads became
/// Contacts and are read-only, so they are not matched. Contacts are read for their fields
/// only when the mapping updates existing Contacts.
pub fn dedupe_statements(
    doc: &MappingDocument,
    describes: &HashMap<String, SObjectDescribe>,
    emails: &[String],
) -> Result<DedupeStatements> {
    let lead_fields = lookup_fields(
        &["Id", "Email", "OwnerId", "LastModifiedDate", "IsConverted"],
        doc.objects.lead.iter().map(|r| r.target.as_str()).collect(),
        describes.get("Lead"),
    );
    let contact_targets = match doc.contact_policy {
        ContactPolicy::UpdateExisting => doc
            .objects
            .contact
            .iter()
            .map(|r| r.target.as_str())
            .collect(),
        ContactPolicy::Skip => Vec::new(),
    };
    let contact_fields = lookup_fields(
        &["Id", "Email", "OwnerId", "AccountId", "LastModifiedDate"],
        contact_targets,
        describes.get("Contact"),
    );
    Ok(DedupeStatements {
        leads: statements_in(
            "Lead",
            &lead_fields,
            vec![Condition::eq("IsConverted", false)],
            "Email",
            emails,
        )?,
        contacts: statements_in("Contact", &contact_fields, vec![], "Email", emails)?,
    })
}

/// Field names for a look-up: the fixed ones, then the mapped targets that exist.
pub fn lookup_fields(
    fixed: &[&str],
    targets: Vec<&str>,
    describe: Option<&SObjectDescribe>,
) -> Vec<String> {
    let mut out: Vec<String> = fixed.iter().map(|f| f.to_string()).collect();
    for target in targets {
        let Some(field) = describe.and_then(|d| d.field(target)) else {
            continue;
        };
        if !out.iter().any(|f| f.eq_ignore_ascii_case(&field.name)) {
            out.push(field.name.clone());
        }
    }
    out
}

/// Every record of every statement (all pages), per statement, in statement order.
pub async fn query_statements(
    client: &SalesforceClient,
    statements: &[String],
    policy: &RetryPolicy,
    cancel: &CancellationToken,
) -> Result<Vec<Vec<Record>>> {
    let base = format!("/services/data/v{}", client.api_version());
    let mut results: Vec<Vec<Record>> = vec![Vec::new(); statements.len()];
    // (statement index, subrequest url, failed attempts so far)
    let mut pending: Vec<(usize, String, u32)> = statements
        .iter()
        .enumerate()
        .map(|(i, soql)| {
            let q = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("q", soql)
                .finish();
            (i, format!("{base}/query/?{q}"), 0)
        })
        .collect();
    while !pending.is_empty() {
        if cancel.is_cancelled() {
            return Err(retry::cancelled());
        }
        let groups: Vec<Vec<(usize, String, u32)>> = pending
            .chunks(MAX_QUERY_OR_COLLECTION_SUBREQUESTS)
            .map(<[_]>::to_vec)
            .collect();
        pending.clear();
        let answers: Vec<_> = stream::iter(groups.into_iter().map(|group| async move {
            let subrequests: Vec<CompositeSubrequest> = group
                .iter()
                .enumerate()
                .map(|(i, (_, url, _))| {
                    CompositeSubrequest::new("GET", url.clone(), format!("q{i}"))
                })
                .collect();
            let answer = client
                .composite(&subrequests, false, &WriteOptions::default())
                .await;
            (group, answer)
        }))
        .buffer_unordered(LOOKUP_CONCURRENCY)
        .collect()
        .await;
        let mut wait = std::time::Duration::ZERO;
        for (group, answer) in answers {
            let subresponses = match answer {
                Ok(s) => s,
                Err(e) if retry::is_transient(&e) => {
                    for (idx, url, tries) in group {
                        wait = wait.max(next_wait(policy, tries + 1, &e)?);
                        pending.push((idx, url, tries + 1));
                    }
                    continue;
                }
                Err(e) => return Err(e),
            };
            for ((idx, url, tries), sub) in group.into_iter().zip(subresponses) {
                if let Some(e) = sub.error() {
                    if retry::is_transient(&e) {
                        wait = wait.max(next_wait(policy, tries + 1, &e)?);
                        pending.push((idx, url, tries + 1));
                        continue;
                    }
                    return Err(e);
                }
                let page: QueryPage<Record> = serde_json::from_value(sub.body).map_err(|e| {
                    Error::new(
                        ErrorCode::Salesforce,
                        format!("a look-up query's answer is not in the documented shape ({e})"),
                    )
                })?;
                results[idx].extend(page.records);
                if !page.done {
                    let next = page.next_records_url.ok_or_else(|| {
                        Error::new(
                            ErrorCode::Salesforce,
                            "Salesforce said a query is not done but gave no nextRecordsUrl",
                        )
                    })?;
                    if !next.starts_with("/services/data/") {
                        return Err(Error::new(
                            ErrorCode::Salesforce,
                            format!("{next:?} is not a query's nextRecordsUrl"),
                        ));
                    }
                    pending.push((idx, next, 0));
                }
            }
        }
        if !wait.is_zero() {
            retry::pause(wait, cancel).await?;
        }
    }
    Ok(results)
}

/// The wait before retrying a look-up that failed for the `attempt`th time, or the error
/// when the schedule is used up.
fn next_wait(policy: &RetryPolicy, attempt: u32, e: &Error) -> Result<std::time::Duration> {
    policy
        .wait_after(attempt, retry::retry_after(e))
        .map_err(|why| {
            let mut e = e.clone();
            e.message = format!("{} ({why})", e.message);
            e
        })
}

/// All records of `statements`, flattened.
pub async fn query_flat(
    client: &SalesforceClient,
    statements: &[String],
    policy: &RetryPolicy,
    cancel: &CancellationToken,
) -> Result<Vec<Record>> {
    Ok(query_statements(client, statements, policy, cancel)
        .await?
        .into_iter()
        .flatten()
        .collect())
}

/// Records by their `Id`.
pub fn by_id(records: Vec<Record>) -> HashMap<String, Record> {
    records
        .into_iter()
        .filter_map(|r| {
            let id = super::snapshot::text(&r, "Id")?.to_string();
            Some((id, r))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_email_lists_split_at_the_statement_limit() {
        let emails: Vec<String> = (0..10_000)
            .map(|i| format!("visitor.number.{i:05}@some-company-{}.example", i % 97))
            .collect();
        let fields = vec!["Id".to_string(), "Email".to_string()];
        let statements = statements_in(
            "Lead",
            &fields,
            vec![Condition::eq("IsConverted", false)],
            "Email",
            &emails,
        )
        .unwrap();
        assert!(
            statements.len() > 1 && statements.len() <= 6,
            "{}",
            statements.len()
        );
        for s in &statements {
            assert!(s.chars().count() <= MAX_STATEMENT_CHARS);
            assert!(s.starts_with(
                "SELECT Id, Email FROM Lead WHERE IsConverted = FALSE AND Email IN ("
            ));
        }
        let quoted = statements
            .iter()
            .map(|s| s.matches("@some-company").count())
            .sum::<usize>();
        assert_eq!(quoted, 10_000, "every email exactly once");
        let escaped = statements_in(
            "Lead",
            &fields,
            vec![],
            "Email",
            &["o'brien@x.example".into()],
        )
        .unwrap();
        assert!(
            escaped[0].contains(r"'o\'brien@x.example'"),
            "{}",
            escaped[0]
        );
    }
}
