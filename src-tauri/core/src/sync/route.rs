//! The routing decisions a plan needs, from [`crate::routing`]: the owner of each new Lead
//! and the Account each contact's company matches (for the Account tab's overwrite rows).

use std::collections::HashMap;

use super::snapshot::{MatchedAccount, OwnerChoice, Routed};
use crate::contacts::Contact;
use crate::mapping::MappingDocument;
use crate::routing::{fetch_facts, resolve_owner};
use crate::salesforce::SalesforceClient;
use crate::Result;

/// Routes `contacts` (one batch of look-ups for all of them), by email key.
pub async fn route(
    client: &SalesforceClient,
    doc: &MappingDocument,
    contacts: &[Contact],
) -> Result<HashMap<String, Routed>> {
    if contacts.is_empty() {
        return Ok(HashMap::new());
    }
    let facts = fetch_facts(client, doc, contacts).await?;
    Ok(contacts
        .iter()
        .map(|contact| {
            let decision = resolve_owner(contact, doc, &facts);
            let account = facts.account_for(contact).map(|m| MatchedAccount {
                id: m.account.id.clone(),
                name: m.account.name.clone(),
            });
            let owner = decision.owner_id.clone().map(|owner_id| OwnerChoice {
                owner_id,
                owner_name: decision.owner_name.clone(),
                strategy: decision
                    .strategy
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                reason: decision.reason.clone(),
            });
            (
                contact.email_key.clone(),
                Routed {
                    owner,
                    note: Some(decision.reason),
                    account,
                },
            )
        })
        .collect())
}
