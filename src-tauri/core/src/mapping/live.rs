//! The mapping against the connected org, for the Mapping screen: validation with the live
//! describes, and the org's Campaigns to pick from.
//!
//! [`DescribeSource`] is synchronous (the checks are pure functions), while the Salesforce
//! client is async: [`OrgDescribes::fetch`] gets the describes first, then the checks run
//! against them.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::contacts::store::chat_fields;
use crate::salesforce::describe::SObjectDescribe;
use crate::salesforce::query::QueryOptions;
use crate::salesforce::SalesforceClient;
use crate::soql::{Direction, Select};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};

use super::document::MappingDocument;
use super::org::DescribeSource;
use super::problem::Problem;
use super::sources::ChatFields;
use super::validate_with;

/// Describes fetched from the org ahead of a validation. An object the org does not have (or
/// hides from the connected user) is simply absent, so the checks report it as unknown.
#[derive(Debug, Clone, Default)]
pub struct OrgDescribes {
    describes: HashMap<String, SObjectDescribe>,
}

impl OrgDescribes {
    /// The describes of `objects`, from the client's per-profile cache when present. Any
    /// failure other than "no such object" (network, session, limits) is returned.
    pub async fn fetch(client: &SalesforceClient, objects: &[&str]) -> Result<OrgDescribes> {
        let mut describes = HashMap::new();
        for &object in objects {
            match client.describe(object).await {
                Ok(d) => {
                    describes.insert(object.to_string(), (*d).clone());
                }
                Err(e) if is_missing_object(&e) => {
                    tracing::info!(object, "the org has no {object} object for this user");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(OrgDescribes { describes })
    }
}

impl DescribeSource for OrgDescribes {
    fn describe(&self, object: &str) -> Result<SObjectDescribe> {
        self.describes.describe(object)
    }
}

/// Salesforce answers a describe of an object that does not exist, or that the user may not
/// see, with 404 `NOT_FOUND`.
fn is_missing_object(e: &Error) -> bool {
    e.code == ErrorCode::NotFound
        || (e.code == ErrorCode::Salesforce
            && e.details.as_ref().is_some_and(|d| {
                d.http_status == Some(404) || d.salesforce_code.as_deref() == Some("NOT_FOUND")
            }))
}

/// The objects a document's org checks read: Lead always (any delivery may create one), the
/// other tabs when they have rows, Account for ownership rules, Opportunity when enabled.
pub fn objects_to_describe(doc: &MappingDocument) -> Vec<&'static str> {
    let mut objects = vec!["Lead"];
    if !doc.objects.contact.is_empty() {
        objects.push("Contact");
    }
    if !doc.objects.account.is_empty() || !doc.ownership_rules.is_empty() {
        objects.push("Account");
    }
    if doc.opportunity.enabled {
        objects.push("Opportunity");
    }
    objects
}

/// What the Mapping screen shows about a document: its problems, and whether the org checks
/// (fields, types, lengths, required fields, stages) could run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Validation {
    pub problems: Vec<Problem>,
    /// True when the problems include the checks against the connected org's describe.
    pub org_checked: bool,
    /// Why the org checks did not run: `NOT_CONNECTED` when no org is connected, else the
    /// error reading the describes. The document checks ran regardless.
    pub org_error: Option<Error>,
}

/// Validates `doc` against the chat fields in `store` and, when `client` is an org, against
/// its describes. Without an org (or when the org cannot be reached) the document checks
/// still run and the reason is in `org_error`: the admin keeps editing offline.
pub async fn validate_live(
    doc: &MappingDocument,
    store: &Store,
    client: Result<SalesforceClient>,
) -> Result<Validation> {
    let discovered: Vec<String> = chat_fields(store)?.into_iter().map(|f| f.path).collect();
    let chat = ChatFields::new(&discovered);
    let describes = match client {
        Ok(client) => OrgDescribes::fetch(&client, &objects_to_describe(doc)).await,
        Err(e) => Err(e),
    };
    match describes {
        Ok(describes) => Ok(Validation {
            problems: validate_with(doc, Some(&describes), &chat)?,
            org_checked: true,
            org_error: None,
        }),
        Err(e) => Ok(Validation {
            problems: validate_with(doc, None, &chat)?,
            org_checked: false,
            org_error: Some(e),
        }),
    }
}

/// A Campaign new Leads can join (PRODUCT.md step 7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CampaignOption {
    pub id: String,
    pub name: String,
    /// The Campaign's `Status` picklist value (`Planned`, `In Progress`, ...).
    pub status: Option<String>,
    pub is_active: bool,
}

/// A Campaign row as the query returns it.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CampaignRecord {
    id: String,
    name: Option<String>,
    status: Option<String>,
    is_active: Option<bool>,
}

/// More Campaigns than anyone picks from a dropdown; the query stops there.
pub const MAX_CAMPAIGNS: usize = 2_000;

fn campaign_query() -> Result<String> {
    Select::new("Campaign", &["Id", "Name", "Status", "IsActive"])
        .order_by("Name", Direction::Asc)
        .build()
}

/// The org's Campaigns by name (`SELECT Id, Name, Status, IsActive FROM Campaign ORDER BY
/// Name`), at most [`MAX_CAMPAIGNS`].
pub async fn list_campaigns(client: &SalesforceClient) -> Result<Vec<CampaignOption>> {
    let soql = campaign_query()?;
    let result = client
        .query_all_pages::<CampaignRecord>(
            &soql,
            QueryOptions {
                batch_size: None,
                max_rows: Some(MAX_CAMPAIGNS),
            },
        )
        .await?;
    Ok(result
        .records
        .into_iter()
        .map(|r| CampaignOption {
            name: r.name.unwrap_or_else(|| r.id.clone()),
            id: r.id,
            status: r.status,
            is_active: r.is_active.unwrap_or(false),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::model::OwnershipRule;

    #[test]
    fn describes_only_what_the_document_uses() {
        let mut doc = MappingDocument::default();
        assert_eq!(
            objects_to_describe(&doc),
            ["Lead", "Contact", "Account"],
            "the default maps all three tabs"
        );
        doc.objects.contact.clear();
        doc.objects.account.clear();
        assert_eq!(objects_to_describe(&doc), ["Lead"]);
        doc.opportunity.enabled = true;
        assert_eq!(objects_to_describe(&doc), ["Lead", "Opportunity"]);
        doc.ownership_rules.push(
            serde_json::from_value::<OwnershipRule>(serde_json::json!({
                "segment": "EMEA", "ownerField": "OwnerId"
            }))
            .expect("a rule"),
        );
        assert_eq!(
            objects_to_describe(&doc),
            ["Lead", "Account", "Opportunity"]
        );
    }

    #[test]
    fn campaigns_query() {
        assert_eq!(
            campaign_query().unwrap(),
            "SELECT Id, Name, Status, IsActive FROM Campaign ORDER BY Name ASC"
        );
    }

    #[test]
    fn a_404_describe_means_the_object_is_absent() {
        let not_found = Error::new(
            ErrorCode::Salesforce,
            "The requested resource does not exist",
        )
        .detail(|d| {
            d.http_status = Some(404);
            d.salesforce_code = Some("NOT_FOUND".into());
        });
        assert!(is_missing_object(&not_found));
        let expired = Error::new(ErrorCode::Salesforce, "Session expired").detail(|d| {
            d.http_status = Some(401);
            d.salesforce_code = Some("INVALID_SESSION_ID".into());
        });
        assert!(!is_missing_object(&expired));
        assert!(!is_missing_object(&Error::new(ErrorCode::Network, "down")));
    }
}
