//! What the Routing screen needs beyond the configuration itself: the chat users seen on
//! contacts (for the user mapping table) and "test a contact" — the owner decision for one
//! contact under a routing configuration that may not be saved yet.

use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use super::facts::fetch_facts;
use super::resolve::{resolve_owner, OwnerDecision};
use crate::contacts::event::{Event, EventBody, ParseOptions};
use crate::contacts::store::{contact_from_lead, get_by_email};
use crate::contacts::Contact;
use crate::mapping::MappingDocument;
use crate::salesforce::SalesforceClient;
use crate::store::Store;
use crate::{Error, ErrorCode, Result};

/// The contact to route in a test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum TrialContact {
    /// A contact of the inbox, by email (case-insensitive).
    Inbox { email: String },
    /// A contact typed in: the `lead` object of a `lead.qualified` event (`email`, `company`,
    /// `website`, `country`, `metadata`, `agents`...), validated like an imported one.
    AdHoc {
        #[ts(type = "Record<string, unknown>")]
        lead: Value,
    },
}

/// A tested contact and who would own its Lead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RoutingTrial {
    pub contact: Contact,
    pub decision: OwnerDecision,
}

/// The chat users (agent emails) recorded on stored contacts as meeting scheduler, last
/// routed or closer, each once ignoring case (in its alphabetically first spelling), sorted
/// case-insensitively.
pub fn chat_users(store: &Store) -> Result<Vec<String>> {
    let conn = store.conn();
    let mut stmt = conn.prepare(
        "SELECT MIN(agent) FROM ( \
           SELECT TRIM(agent_meeting_scheduled_with) AS agent FROM contacts \
           UNION ALL SELECT TRIM(agent_last_routed) FROM contacts \
           UNION ALL SELECT TRIM(agent_closed_by) FROM contacts) \
         WHERE agent IS NOT NULL AND agent <> '' \
         GROUP BY LOWER(agent) ORDER BY LOWER(agent)",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
}

/// The contact a trial routes: looked up in the inbox, or built from the typed-in fields.
pub fn trial_contact(store: &Store, contact: &TrialContact) -> Result<Contact> {
    match contact {
        TrialContact::Inbox { email } => get_by_email(store, email)?.ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                format!("no contact with email {email:?} in the inbox"),
            )
            .field("email")
        }),
        TrialContact::AdHoc { lead } => {
            let event = json!({"event": "lead.qualified", "lead": lead});
            let parsed = Event::from_value(
                &event,
                ParseOptions {
                    require_timestamp: false,
                },
            )
            .map_err(|errors| {
                let text: Vec<String> = errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect();
                let first = errors.first().map(|e| e.field.clone()).unwrap_or_default();
                Error::invalid_input(format!("the test contact is invalid: {}", text.join("; ")))
                    .field(first)
            })?;
            match parsed.body {
                EventBody::Lead(lead) => Ok(contact_from_lead(&lead, Utc::now())),
                EventBody::Conversation(_) => Err(Error::internal(
                    "a lead.qualified event parsed as a conversation event",
                )),
            }
        }
    }
}

/// Routes one contact under `doc` (the configuration being edited, saved or not), with the
/// same look-ups a sync makes: the Users query and the contact's Account (batched SOQL).
pub async fn test_contact(
    client: &SalesforceClient,
    store: &Store,
    doc: &MappingDocument,
    contact: &TrialContact,
) -> Result<RoutingTrial> {
    let contact = trial_contact(store, contact)?;
    let facts = fetch_facts(client, doc, std::slice::from_ref(&contact)).await?;
    let decision = resolve_owner(&contact, doc, &facts);
    Ok(RoutingTrial { contact, decision })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contacts::import_bytes;

    fn store_with_agents() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let events = r#"[
          {"event": "lead.qualified", "timestamp": "2026-04-05T14:30:00Z",
           "lead": {"email": "a@acme.example", "agents": {"meetingScheduledWith": "Sally.Park@chat.example",
                    "closedBy": "bob@chat.example"}}},
          {"event": "lead.qualified", "timestamp": "2026-04-05T14:31:00Z",
           "lead": {"email": "b@acme.example", "agents": {"lastRouted": "sally.park@chat.example ",
                    "closedBy": "  "}}},
          {"event": "lead.qualified", "timestamp": "2026-04-05T14:32:00Z",
           "lead": {"email": "c@acme.example"}}
        ]"#;
        import_bytes(&store, events.as_bytes()).unwrap();
        (dir, store)
    }

    #[test]
    fn chat_users_are_the_agents_once_each_ignoring_case() {
        let (_dir, store) = store_with_agents();
        assert_eq!(
            chat_users(&store).unwrap(),
            vec![
                "bob@chat.example".to_string(),
                "Sally.Park@chat.example".to_string()
            ]
        );
    }

    #[test]
    fn trial_contacts_come_from_the_inbox_or_are_typed_in() {
        let (_dir, store) = store_with_agents();
        let inbox = trial_contact(
            &store,
            &TrialContact::Inbox {
                email: "A@ACME.example".into(),
            },
        )
        .unwrap();
        assert_eq!(inbox.email, "a@acme.example");
        assert_eq!(inbox.agents.closed_by.as_deref(), Some("bob@chat.example"));

        let missing = trial_contact(
            &store,
            &TrialContact::Inbox {
                email: "nobody@acme.example".into(),
            },
        )
        .unwrap_err();
        assert_eq!(missing.code, ErrorCode::NotFound);

        let typed = trial_contact(
            &store,
            &TrialContact::AdHoc {
                lead: json!({"email": "new@globex.example", "company": "Globex",
                             "website": "https://www.globex.example",
                             "agents": {"meetingScheduledWith": "sally.park@chat.example"}}),
            },
        )
        .unwrap();
        assert_eq!(typed.domain.as_deref(), Some("globex.example"));
        assert_eq!(typed.company.as_deref(), Some("Globex"));
        assert_eq!(
            typed.agents.meeting_scheduled_with.as_deref(),
            Some("sally.park@chat.example")
        );

        let bad = trial_contact(
            &store,
            &TrialContact::AdHoc {
                lead: json!({"email": "not an email"}),
            },
        )
        .unwrap_err();
        assert_eq!(bad.code, ErrorCode::InvalidInput);
        assert!(bad.message.contains("lead.email"), "{}", bad.message);
    }
}
