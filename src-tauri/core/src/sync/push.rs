//! A push from end to end: choose the contacts, look up what Salesforce holds (batched),
//! route, plan, and (unless it is a preview) execute under the push lock.
//!
//! Every push first picks up what an earlier push left unfinished (a crash, a quit, a
//! cancellation): those deliveries are re-planned from a fresh look-up, their interrupted
//! attempts re-checked, and finished in this push, so nothing is lost and nothing is sent
//! twice.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::executor::{execute, ExecuteOptions};
use super::lock::SyncLock;
use super::lookup::{
    by_id, dedupe_statements, lookup_fields, query_statements, statements_in, DedupeStatements,
};
use super::model::Plan;
use super::outcome::SyncReport;
use super::planner::{self, PlanInput};
use super::resume::{carry_from, recheck, PendingCheck};
use super::retry::RetryPolicy;
use super::route::route;
use super::snapshot::{Carry, Snapshot};
use crate::contacts::{self, email, Contact, ContactQuery, ContactSort};
use crate::deliveries::{self, DeliveryId, DeliveryQuery, DeliveryStatus};
use crate::mapping::document::{AssignmentPolicy, ContactPolicy, MappingDocument};
use crate::mapping::{self, ChatFields, MappingStore, Severity};
use crate::salesforce::describe::SObjectDescribe;
use crate::salesforce::SalesforceClient;
use crate::store::Store;
use crate::{Error, Result};

/// Which contacts a push takes (the CLI's `--all` / `--email`, the Contacts screen's
/// selection). JSON: `"all"`, `{"emails": [..]}`, `{"matching": {"query": .., "except": [..]}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Selection {
    /// Every contact in the inbox.
    All,
    /// These emails (compared case-insensitively); each must be in the inbox.
    Emails(Vec<String>),
    /// Every contact matching the inbox filters of `query` (its paging is ignored), in its
    /// sort order, except these emails: the screen's "select all matching" minus the rows
    /// unticked afterwards.
    Matching {
        query: ContactQuery,
        except: Vec<String>,
    },
}

/// Which failed deliveries `log retry` takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetryTarget {
    Delivery(i64),
    /// These deliveries (the app's "retry selected"); each must be failed, and at least one
    /// must be named.
    Deliveries(Vec<i64>),
    /// Every failed delivery (the newest per contact; older ones of the same contact are
    /// resolved by it).
    AllFailed,
}

/// Options for planning (the look-ups retry transient failures too).
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    pub retry: RetryPolicy,
    pub cancel: CancellationToken,
    /// REST or Bulk API 2.0 (the plan records the choice).
    pub bulk: super::bulk::BulkMode,
}

/// What to plan: contacts, continued deliveries, and continued deliveries whose contact is gone.
struct Targets {
    contacts: Vec<Contact>,
    carries: HashMap<String, Carry>,
    checks: Vec<PendingCheck>,
    orphans: Vec<(String, Carry)>,
}

/// Plans a push of `selection`, together with the deliveries an earlier push left
/// unfinished. Read-only: this is the preview and `sync --dry-run`.
pub async fn plan_push(
    client: &SalesforceClient,
    store: &Store,
    selection: &Selection,
    options: &PlanOptions,
) -> Result<Plan> {
    let mut contacts = select(store, selection)?;
    let unfinished = deliveries::unfinished(&store.conn())?;
    let mut targets = Targets {
        contacts: Vec::new(),
        carries: HashMap::new(),
        checks: Vec::new(),
        orphans: Vec::new(),
    };
    continue_deliveries(store, &mut targets, unfinished, false)?;
    let seen: HashSet<String> = targets
        .contacts
        .iter()
        .map(|c| c.email_key.clone())
        .collect();
    contacts.retain(|c| !seen.contains(&c.email_key));
    targets.contacts.extend(contacts);
    let mut plan = plan_targets(client, store, targets, options).await?;
    super::bulk::choose(client, store, &mut plan, options.bulk).await?;
    Ok(plan)
}

/// Plans `log retry`: the failed deliveries' contacts, re-planned from a fresh look-up
/// (plus whatever an earlier push left unfinished).
pub async fn plan_retry(
    client: &SalesforceClient,
    store: &Store,
    target: RetryTarget,
    options: &PlanOptions,
) -> Result<Plan> {
    let failed = {
        let conn = store.conn();
        match target {
            RetryTarget::Delivery(id) => vec![failed_delivery(&conn, id)?],
            RetryTarget::Deliveries(ids) => {
                if ids.is_empty() {
                    return Err(
                        Error::invalid_input("name at least one delivery to retry").field("ids")
                    );
                }
                // Newest first, as for all failed: the newest failure of a contact is retried
                // and supersedes its older ones.
                let mut ids = ids;
                ids.sort_unstable_by(|a, b| b.cmp(a));
                ids.dedup();
                ids.into_iter()
                    .map(|id| failed_delivery(&conn, id))
                    .collect::<Result<Vec<_>>>()?
            }
            RetryTarget::AllFailed => {
                let ids = deliveries::ids(
                    &conn,
                    &DeliveryQuery {
                        status: vec![DeliveryStatus::Failed],
                        ..DeliveryQuery::default()
                    },
                )?;
                ids.into_iter()
                    .map(|id| deliveries::get(&conn, id))
                    .collect::<Result<Vec<_>>>()?
            }
        }
    };
    let unfinished = deliveries::unfinished(&store.conn())?;
    let mut targets = Targets {
        contacts: Vec::new(),
        carries: HashMap::new(),
        checks: Vec::new(),
        orphans: Vec::new(),
    };
    continue_deliveries(store, &mut targets, unfinished, false)?;
    continue_deliveries(store, &mut targets, failed, true)?;
    let mut plan = plan_targets(client, store, targets, options).await?;
    super::bulk::choose(client, store, &mut plan, options.bulk).await?;
    Ok(plan)
}

/// A delivery `retry` may take: it must exist and be failed (checked before anything is sent).
fn failed_delivery(
    conn: &rusqlite::Connection,
    id: i64,
) -> Result<crate::deliveries::DeliveryDetail> {
    let detail = deliveries::get(conn, DeliveryId(id))?;
    if detail.delivery.status != DeliveryStatus::Failed {
        return Err(Error::invalid_input(format!(
            "delivery {id} is {}; only failed deliveries can be retried",
            detail.delivery.status
        ))
        .field("id"));
    }
    Ok(detail)
}

/// Plans and executes a push under the push lock.
pub async fn push(
    client: &SalesforceClient,
    store: &Store,
    selection: &Selection,
    options: &ExecuteOptions,
) -> Result<SyncReport> {
    let lock = SyncLock::acquire(store)?;
    // Bulk API jobs an earlier run left open first: their results decide what is left to send.
    super::bulk::recover(client, store, &options.bulk, &options.cancel).await?;
    let plan = plan_push(client, store, selection, &plan_options(options)).await?;
    super::guard::check(client, &plan).await?;
    execute(client, store, &plan, &lock, options).await
}

/// Plans and executes `log retry` under the push lock.
pub async fn retry(
    client: &SalesforceClient,
    store: &Store,
    target: RetryTarget,
    options: &ExecuteOptions,
) -> Result<SyncReport> {
    let lock = SyncLock::acquire(store)?;
    super::bulk::recover(client, store, &options.bulk, &options.cancel).await?;
    let plan = plan_retry(client, store, target, &plan_options(options)).await?;
    super::guard::check(client, &plan).await?;
    execute(client, store, &plan, &lock, options).await
}

fn plan_options(options: &ExecuteOptions) -> PlanOptions {
    PlanOptions {
        retry: options.retry.clone(),
        cancel: options.cancel.clone(),
        bulk: options.bulk.mode,
    }
}

/// The contacts of a selection, in inbox order (oldest first) or in the order given; an email
/// not in the inbox is refused (`InvalidInput`, naming it).
pub fn select(store: &Store, selection: &Selection) -> Result<Vec<Contact>> {
    match selection {
        Selection::All => Ok(contacts::store::list_with(
            store,
            &ContactQuery {
                sort: ContactSort::ReceivedAsc,
                ..ContactQuery::default()
            },
            false,
        )?
        .contacts),
        Selection::Emails(emails) => {
            if emails.is_empty() {
                return Err(Error::invalid_input("name at least one email").field("email"));
            }
            let found = contacts::store::get_by_emails_with(store, emails, false)?;
            let known: HashSet<&str> = found.iter().map(|c| c.email_key.as_str()).collect();
            let mut missing: Vec<&str> = Vec::new();
            for e in emails {
                if !known.contains(email::key(e.trim()).as_str()) && !missing.contains(&e.as_str())
                {
                    missing.push(e);
                }
            }
            if !missing.is_empty() {
                return Err(Error::invalid_input(format!(
                    "not in the contact inbox: {} (import the contact first; nothing was sent)",
                    missing.join(", ")
                ))
                .field("email"));
            }
            Ok(found)
        }
        Selection::Matching { query, except } => {
            let except: HashSet<String> = except.iter().map(|e| email::key(e.trim())).collect();
            let everything = ContactQuery {
                limit: None,
                offset: 0,
                ..query.clone()
            };
            let mut found = contacts::store::list_with(store, &everything, false)?.contacts;
            found.retain(|c| !except.contains(&c.email_key));
            if found.is_empty() {
                return Err(Error::invalid_input(
                    "no contact matches the selection (nothing was sent)",
                )
                .field("selection"));
            }
            Ok(found)
        }
    }
}

/// Adds earlier deliveries to continue (resume, or `retry`), one per contact: the first seen
/// wins (unfinished deliveries before failed ones, newest failed first); later failed ones
/// of the same contact are superseded by it.
fn continue_deliveries(
    store: &Store,
    targets: &mut Targets,
    details: Vec<crate::deliveries::DeliveryDetail>,
    retry: bool,
) -> Result<()> {
    for detail in details {
        let key = email::key(detail.delivery.email.trim());
        if let Some(first) = targets.carries.get_mut(&key) {
            if retry && first.retry {
                first.supersedes.push(detail.delivery.id.0);
            }
            continue;
        }
        if let Some((_, first)) = targets
            .orphans
            .iter_mut()
            .find(|(e, _)| email::key(e) == key)
        {
            if retry && first.retry {
                first.supersedes.push(detail.delivery.id.0);
            }
            continue;
        }
        let (carry, checks) = carry_from(&detail, retry);
        match contacts::store::get_by_email(store, &detail.delivery.email)? {
            Some(contact) => {
                targets.contacts.push(contact);
                targets.checks.extend(checks);
                targets.carries.insert(key, carry);
            }
            None => targets.orphans.push((detail.delivery.email.clone(), carry)),
        }
    }
    Ok(())
}

async fn plan_targets(
    client: &SalesforceClient,
    store: &Store,
    mut targets: Targets,
    options: &PlanOptions,
) -> Result<Plan> {
    let calls_before = client.api_calls();
    let versioned = MappingStore::new(store).current()?;
    let doc = versioned.document;
    let mut items = Vec::new();
    if !targets.contacts.is_empty() {
        let describes = describe(client, &doc).await?;
        check_mapping(&doc, &describes)?;
        let snapshot = look_up(client, &doc, &describes, &targets, options).await?;
        let input = PlanInput {
            doc: &doc,
            describes: &describes,
            snapshot: &snapshot,
            today: Utc::now().date_naive(),
            mapping_version: Some(versioned.version),
        };
        // The contacts are handed over: each is freed once planned (a large push's peak
        // memory is its contacts, look-ups and plan side by side otherwise).
        items = planner::plan_items(&input, std::mem::take(&mut targets.contacts));
    }
    items.extend(
        targets
            .orphans
            .iter()
            .map(|(address, carry)| planner::orphan_item(address, carry)),
    );
    Ok(planner::finish(
        items,
        Some(versioned.version),
        client.api_calls() - calls_before,
    ))
}

/// The describes the plan needs, in one Composite call (or none, when cached).
async fn describe(
    client: &SalesforceClient,
    doc: &MappingDocument,
) -> Result<HashMap<String, SObjectDescribe>> {
    let mut objects = vec!["Lead", "Contact", "Account"];
    if doc.opportunity.enabled {
        objects.push("Opportunity");
    }
    // The permission guard's objects travel in the same Composite call, so checking the
    // user's rights before the writes costs nothing more.
    let mut wanted = objects.clone();
    wanted.extend(
        crate::salesforce::permissions::OBJECTS
            .iter()
            .filter(|o| !objects.contains(o)),
    );
    let found = client.describe_many(&wanted).await?;
    Ok(objects
        .into_iter()
        .zip(found)
        .filter_map(|(name, d)| d.map(|d| (name.to_string(), (*d).clone())))
        .collect())
}

/// Refuses to push with a mapping the org rejects (unknown fields, required fields unmapped,
/// ...): nothing is sent, and the message says how to see every problem.
fn check_mapping(
    doc: &MappingDocument,
    describes: &HashMap<String, SObjectDescribe>,
) -> Result<()> {
    let problems = mapping::validate_with(
        doc,
        Some(describes as &dyn mapping::DescribeSource),
        &ChatFields::standard(),
    )?;
    let errors: Vec<_> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    if let Some(first) = errors.first() {
        return Err(Error::invalid_input(format!(
            "the mapping has {} error{} against the org, so nothing was sent; the first: {}: {} (run `leadbridge mapping validate` for all)",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            first.path,
            first.message
        ))
        .field(first.path.clone()));
    }
    Ok(())
}

/// The snapshot: Leads and Contacts by email, routing, matched Accounts, re-checks.
async fn look_up(
    client: &SalesforceClient,
    doc: &MappingDocument,
    describes: &HashMap<String, SObjectDescribe>,
    targets: &Targets,
    options: &PlanOptions,
) -> Result<Snapshot> {
    let emails: Vec<String> = targets
        .contacts
        .iter()
        .map(|c| c.email_key.clone())
        .collect();
    let DedupeStatements {
        leads: lead_statements,
        contacts: contact_statements,
    } = dedupe_statements(doc, describes, &emails)?;
    let split = lead_statements.len();
    let all: Vec<String> = lead_statements
        .into_iter()
        .chain(contact_statements)
        .collect();
    let mut results = query_statements(client, &all, &options.retry, &options.cancel).await?;
    let contact_records: Vec<_> = results.split_off(split).into_iter().flatten().collect();
    let lead_records: Vec<_> = results.into_iter().flatten().collect();
    let mut snapshot = Snapshot {
        leads: Snapshot::index_by_email(lead_records),
        contacts: Snapshot::index_by_email(contact_records),
        carry: targets.carries.clone(),
        ..Snapshot::default()
    };

    // Routing: owners of new Leads, and Accounts for the Account tab's overwrite rows.
    let account_rows = doc.objects.account.iter().any(|r| r.overwrite);
    let routed = |c: &&Contact| {
        let key = c.email_key.as_str();
        let is_new = !snapshot.contacts.contains_key(key) && !snapshot.leads.contains_key(key);
        let skipped =
            snapshot.contacts.contains_key(key) && doc.contact_policy == ContactPolicy::Skip;
        (is_new && doc.assignment == AssignmentPolicy::Leadbridge) || (account_rows && !skipped)
    };
    // Usually every contact is routed (a push of new contacts): route them in place rather
    // than copying the whole list.
    let some: Vec<Contact>;
    let to_route: &[Contact] = if targets.contacts.iter().all(|c| routed(&c)) {
        &targets.contacts
    } else {
        some = targets.contacts.iter().filter(routed).cloned().collect();
        &some
    };
    snapshot.routing = route(client, doc, to_route).await?;

    if account_rows {
        let mut ids: Vec<String> = snapshot
            .routing
            .values()
            .filter_map(|r| r.account.as_ref().map(|a| a.id.clone()))
            .collect();
        ids.sort();
        ids.dedup();
        let account_fields = lookup_fields(
            &["Id", "Name"],
            doc.objects
                .account
                .iter()
                .filter(|r| r.overwrite)
                .map(|r| r.target.as_str())
                .collect(),
            describes.get("Account"),
        );
        let statements = statements_in("Account", &account_fields, vec![], "Id", &ids)?;
        let found = query_statements(client, &statements, &options.retry, &options.cancel).await?;
        snapshot.accounts = by_id(found.into_iter().flatten().collect());
        // Salesforce returns 18-character Ids; routing may hold either form.
        let short: Vec<(String, crate::salesforce::query::Record)> = snapshot
            .accounts
            .iter()
            .filter(|(id, _)| id.len() == 18)
            .map(|(id, r)| (id[..15].to_string(), r.clone()))
            .collect();
        snapshot.accounts.extend(short);
    }

    if !targets.carries.is_empty() {
        recheck(
            client,
            &mut snapshot,
            &targets.checks,
            doc.campaign_id.as_deref(),
            &options.retry,
            &options.cancel,
        )
        .await?;
    }
    Ok(snapshot)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selections_travel_as_the_ui_writes_them() {
        let all: Selection = serde_json::from_value(json!("all")).unwrap();
        assert_eq!(all, Selection::All);
        let emails: Selection = serde_json::from_value(json!({"emails": ["a@x.example"]})).unwrap();
        assert_eq!(emails, Selection::Emails(vec!["a@x.example".into()]));
        let matching: Selection = serde_json::from_value(
            json!({"matching": {"query": {"search": "acme", "minScore": 60}, "except": ["b@x.example"]}}),
        )
        .unwrap();
        assert_eq!(
            matching,
            Selection::Matching {
                query: ContactQuery {
                    search: Some("acme".into()),
                    min_score: Some(60.0),
                    ..ContactQuery::default()
                },
                except: vec!["b@x.example".into()],
            }
        );
        assert!(serde_json::from_value::<Selection>(json!({"ids": [1]})).is_err());
    }

    #[test]
    fn matching_takes_every_page_in_order_minus_the_unticked() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let events: Vec<serde_json::Value> = ["c@acme.example", "a@acme.example", "b@acme.example", "z@other.example"]
            .iter()
            .map(|e| json!({"event": "lead.qualified", "timestamp": "2026-04-05T14:30:00Z", "lead": {"email": e, "company": "Acme"}}))
            .collect();
        let report = contacts::import_bytes(&store, &serde_json::to_vec(&events).unwrap()).unwrap();
        assert_eq!(report.rejected, 0);
        let selection = Selection::Matching {
            query: ContactQuery {
                search: Some("acme.example".into()),
                sort: ContactSort::EmailAsc,
                limit: Some(1),
                offset: 2,
                ..ContactQuery::default()
            },
            except: vec!["B@Acme.example".into()],
        };
        let picked: Vec<String> = select(&store, &selection)
            .unwrap()
            .into_iter()
            .map(|c| c.email_key)
            .collect();
        assert_eq!(picked, ["a@acme.example", "c@acme.example"]);

        let none = Selection::Matching {
            query: ContactQuery {
                search: Some("acme.example".into()),
                ..ContactQuery::default()
            },
            except: vec![
                "a@acme.example".into(),
                "b@acme.example".into(),
                "c@acme.example".into(),
            ],
        };
        let e = select(&store, &none).unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::InvalidInput);
    }
}
