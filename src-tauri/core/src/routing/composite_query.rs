//! Several SOQL statements in as few API calls as Salesforce allows: Composite requests of up
//! to five query subrequests each (the Composite limit on queries), following each query's
//! `nextRecordsUrl` pages in later Composite calls. One Composite call counts once against
//! the daily API quota however many queries it carries (salesforce-facts.md B4).
//!
//! Statements travel in the Composite body, so they are bounded by SOQL's 100,000-character
//! limit rather than the 16 KB URI limit of `GET /query` (help article 000386264): build them
//! with [`crate::soql::Budget::Chars`].

use std::collections::VecDeque;

use crate::salesforce::composite::{CompositeSubrequest, MAX_QUERY_OR_COLLECTION_SUBREQUESTS};
use crate::salesforce::query::{QueryPage, Record};
use crate::salesforce::records::WriteOptions;
use crate::salesforce::SalesforceClient;
use crate::{Error, ErrorCode, Result};

/// Every record of every statement, all pages (first pages in statement order, later pages
/// after them).
pub async fn query_all_in_composite(
    client: &SalesforceClient,
    statements: &[String],
) -> Result<Vec<Record>> {
    let base = format!("/services/data/v{}", client.api_version());
    let mut pending: VecDeque<String> = statements
        .iter()
        .map(|soql| {
            let q = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("q", soql)
                .finish();
            format!("{base}/query/?{q}")
        })
        .collect();
    let mut records = Vec::new();
    while !pending.is_empty() {
        let take = pending.len().min(MAX_QUERY_OR_COLLECTION_SUBREQUESTS);
        let subrequests: Vec<CompositeSubrequest> = pending
            .drain(..take)
            .enumerate()
            .map(|(i, url)| CompositeSubrequest::new("GET", url, format!("query{i}")))
            .collect();
        let answers = client
            .composite(&subrequests, false, &WriteOptions::default())
            .await?;
        for answer in answers {
            if let Some(error) = answer.error() {
                return Err(error);
            }
            let page: QueryPage<Record> = serde_json::from_value(answer.body).map_err(|e| {
                Error::new(
                    ErrorCode::Salesforce,
                    format!(
                        "composite subrequest {}: the query answer is not in the documented shape ({e})",
                        answer.reference_id
                    ),
                )
            })?;
            records.extend(page.records);
            if !page.done {
                let next = page.next_records_url.ok_or_else(|| {
                    Error::new(
                        ErrorCode::Salesforce,
                        "Salesforce said a query is not done but gave no nextRecordsUrl",
                    )
                })?;
                pending.push_back(next);
            }
        }
    }
    Ok(records)
}
