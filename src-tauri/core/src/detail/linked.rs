//! The Salesforce records a contact is linked to, in one Composite call of up to five
//! independent-of-each-other queries (the Composite limit on queries):
//!
//! | ref | query |
//! |---|---|
//! | `lead` | the unconverted Lead with the email (the one sync updates) |
//! | `contact` | the Contact with the email, with its Account's fields through `Account.` |
//! | `contactOpps` | Opportunities of that Account: `AccountId = '@{contact.records[0].AccountId}'` |
//! | `account` | the Account matched by the company's domain or name (for a Lead) |
//! | `accountOpps` | Opportunities of Accounts matched the same way (`Account.Website IN ...`) |
//!
//! `contactOpps` refers to `contact`'s answer, so when there is no Contact (or it has no
//! Account) Salesforce refuses that subrequest alone ("Invalid reference specified"), which
//! here means "no Opportunities through a Contact". The last two are sent only when the
//! inbox contact names a company or domain. Objects the user may not query are left out and
//! said so in `notes`; the describes the checks need come from the profile's cache.

use chrono::Utc;
use serde_json::Value;

use super::model::{
    LinkedAccount, LinkedAccountMatch, LinkedContact, LinkedLead, LinkedOpportunity, LinkedRecords,
};
use crate::contacts::Contact;
use crate::mapping::MappingStore;
use crate::routing::facts::{domain_field, website_variants, LookupKeys};
use crate::salesforce::composite::{CompositeSubrequest, CompositeSubresponse};
use crate::salesforce::describe::SObjectDescribe;
use crate::salesforce::permissions::{self, Access, OrgPermissions};
use crate::salesforce::query::{QueryPage, Record};
use crate::salesforce::records::WriteOptions;
use crate::salesforce::SalesforceClient;
use crate::soql::{Condition, Direction, Select};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};

const LEAD_FIELDS: &[&str] = &[
    "Id",
    "Name",
    "Company",
    "Status",
    "LeadSource",
    "OwnerId",
    "Owner.Name",
    "CreatedDate",
];
const CONTACT_FIELDS: &[&str] = &[
    "Id",
    "Name",
    "Title",
    "Phone",
    "AccountId",
    "OwnerId",
    "Owner.Name",
    "Account.Name",
    "Account.Industry",
    "Account.NumberOfEmployees",
    "Account.Website",
    "Account.BillingCountry",
    "Account.OwnerId",
    "Account.Owner.Name",
];
const ACCOUNT_FIELDS: &[&str] = &[
    "Id",
    "Name",
    "Industry",
    "NumberOfEmployees",
    "Website",
    "BillingCountry",
    "OwnerId",
    "Owner.Name",
];
pub(crate) const OPPORTUNITY_FIELDS: &[&str] = &[
    "Id",
    "Name",
    "StageName",
    "Amount",
    "CloseDate",
    "IsClosed",
    "IsWon",
    "Probability",
    "AccountId",
    "Owner.Name",
    "LastModifiedDate",
];
/// The amount's currency: a field only multi-currency orgs have (selecting it elsewhere fails).
const CURRENCY_FIELD: &str = "CurrencyIsoCode";

/// [`OPPORTUNITY_FIELDS`], with the currency where the org's Opportunity has one.
pub(crate) fn opportunity_fields(describe: Option<&SObjectDescribe>) -> Vec<&'static str> {
    let mut fields = OPPORTUNITY_FIELDS.to_vec();
    if describe.is_some_and(|d| d.field(CURRENCY_FIELD).is_some()) {
        fields.push(CURRENCY_FIELD);
    }
    fields
}

/// The reference `contactOpps` makes to the `contact` query's answer.
const CONTACT_ACCOUNT_REF: &str = "@{contact.records[0].AccountId}";
const MAX_OPPORTUNITIES: u32 = 50;

/// The linked records of the inbox contact with this email.
pub async fn fetch(client: &SalesforceClient, store: &Store, email: &str) -> Result<LinkedRecords> {
    let contact = super::find_contact(store, email)?;
    let doc = MappingStore::new(store).current()?.document;
    let keys = LookupKeys::of(std::slice::from_ref(&contact), &doc);
    let perms = permissions::read(client).await?;
    // Both describes in one call (none when cached); a failure only loses the domain match
    // and the currency.
    let describes = client
        .describe_many(&["Account", "Opportunity"])
        .await
        .unwrap_or_default();
    let describe = |i: usize| describes.get(i).and_then(Option::as_deref);
    let domain = describe(0).and_then(domain_field).map(|f| f.name.clone());
    let opportunity_fields = opportunity_fields(describe(1));
    let calls_before = client.api_calls();
    let base = format!("/services/data/v{}", client.api_version());
    let plan = Plan::new(
        &base,
        &contact,
        &perms,
        &keys,
        domain.as_deref(),
        &opportunity_fields,
    )?;
    let mut out = LinkedRecords {
        email: contact.email.clone(),
        lead: None,
        contact: None,
        account: None,
        opportunities: Vec::new(),
        notes: plan.notes.clone(),
        fetched_at: Utc::now(),
        api_calls: 0,
    };
    if plan.subrequests.is_empty() {
        return Ok(out);
    }
    let answers = client
        .composite(&plan.subrequests, false, &WriteOptions::default())
        .await?;
    out.fetched_at = Utc::now();
    out.api_calls = client.api_calls() - calls_before;
    read_answers(&mut out, &answers, &keys)?;
    Ok(out)
}

struct Plan {
    subrequests: Vec<CompositeSubrequest>,
    notes: Vec<String>,
}

impl Plan {
    fn new(
        base: &str,
        contact: &Contact,
        perms: &OrgPermissions,
        keys: &LookupKeys,
        domain_field: Option<&str>,
        opportunity_fields: &[&str],
    ) -> Result<Plan> {
        let mut notes = Vec::new();
        let mut queries: Vec<(&str, String)> = Vec::new();
        let can = |object: &str, notes: &mut Vec<String>| {
            let reason = perms.reason(object, Access::Query);
            if let Some(r) = &reason {
                notes.push(format!("{object} not read: {r}"));
            }
            reason.is_none()
        };
        let email = contact.email.trim();
        if can("Lead", &mut notes) {
            queries.push((
                "lead",
                Select::new("Lead", LEAD_FIELDS)
                    .filter(Condition::eq("Email", email))
                    .filter(Condition::eq("IsConverted", false))
                    .order_by("CreatedDate", Direction::Asc)
                    .limit(1)
                    .build()?,
            ));
        }
        let opportunities = can("Opportunity", &mut notes);
        let accounts = can("Account", &mut notes);
        if can("Contact", &mut notes) {
            queries.push((
                "contact",
                Select::new("Contact", CONTACT_FIELDS)
                    .filter(Condition::eq("Email", email))
                    .order_by("CreatedDate", Direction::Asc)
                    .limit(1)
                    .build()?,
            ));
            if opportunities {
                queries.push((
                    "contactOpps",
                    opportunity_select(opportunity_fields)
                        .filter(Condition::eq("AccountId", CONTACT_ACCOUNT_REF))
                        .build()?,
                ));
            }
        }
        if accounts {
            if let Some(condition) = account_condition(keys, domain_field, "") {
                queries.push((
                    "account",
                    Select::new("Account", ACCOUNT_FIELDS)
                        .filter(condition)
                        .order_by("CreatedDate", Direction::Asc)
                        .limit(5)
                        .build()?,
                ));
                if opportunities {
                    if let Some(condition) = account_condition(keys, domain_field, "Account.") {
                        queries.push((
                            "accountOpps",
                            opportunity_select(opportunity_fields)
                                .filter(condition)
                                .build()?,
                        ));
                    }
                }
            }
        }
        Ok(Plan {
            subrequests: queries
                .into_iter()
                .map(|(reference, soql)| query_subrequest(base, reference, &soql))
                .collect(),
            notes,
        })
    }
}

fn opportunity_select(fields: &[&str]) -> Select {
    Select::new("Opportunity", fields)
        .order_by("CloseDate", Direction::Asc)
        .limit(MAX_OPPORTUNITIES)
}

/// `Website IN (variants) OR <domain field> IN (d, www.d) OR Name IN (company)`, each field
/// prefixed (`Account.` from Opportunity). None when there is nothing to match by.
fn account_condition(
    keys: &LookupKeys,
    domain_field: Option<&str>,
    prefix: &str,
) -> Option<Condition> {
    let mut any = Vec::new();
    if !keys.domains.is_empty() {
        let variants: Vec<String> = keys
            .domains
            .iter()
            .flat_map(|d| website_variants(d))
            .collect();
        any.push(Condition::is_in(&format!("{prefix}Website"), variants));
        if let Some(field) = domain_field {
            let values: Vec<String> = keys
                .domains
                .iter()
                .flat_map(|d| [d.clone(), format!("www.{d}")])
                .collect();
            any.push(Condition::is_in(&format!("{prefix}{field}"), values));
        }
    }
    if !keys.names.is_empty() {
        any.push(Condition::is_in(
            &format!("{prefix}Name"),
            keys.names.clone(),
        ));
    }
    (!any.is_empty()).then(|| Condition::any(any))
}

/// A `GET query/?q=` subrequest. The reference to `contact` must reach Salesforce as written
/// (`@{...}`), so it is put back after URL-encoding the statement.
fn query_subrequest(base: &str, reference: &str, soql: &str) -> CompositeSubrequest {
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("q", soql)
        .finish();
    let encoded_ref =
        url::form_urlencoded::byte_serialize(CONTACT_ACCOUNT_REF.as_bytes()).collect::<String>();
    let encoded = encoded.replace(&encoded_ref, CONTACT_ACCOUNT_REF);
    CompositeSubrequest::new("GET", format!("{base}/query/?{encoded}"), reference)
}

fn read_answers(
    out: &mut LinkedRecords,
    answers: &[CompositeSubresponse],
    keys: &LookupKeys,
) -> Result<()> {
    let mut contact_account: Option<String> = None;
    let mut by_domain: Vec<Record> = Vec::new();
    let mut domain_opps: Vec<LinkedOpportunity> = Vec::new();
    // `contact` comes before `contactOpps`, so its Account is known when that is read.
    for answer in answers {
        let reference = answer.reference_id.as_str();
        if reference == "contactOpps" && !answer.is_success() {
            if contact_account.is_none() {
                continue; // no Contact, or one without an Account: nothing to refer to
            }
            return Err(answer.error().unwrap_or_else(|| bad_shape(reference)));
        }
        if let Some(e) = answer.error() {
            return Err(e);
        }
        let page: QueryPage<Record> =
            serde_json::from_value(answer.body.clone()).map_err(|_| bad_shape(reference))?;
        match reference {
            "lead" => out.lead = page.records.first().map(read_lead),
            "contact" => {
                if let Some(r) = page.records.first() {
                    let c = read_contact(r);
                    contact_account = c.account_id.clone();
                    out.account = contact_account
                        .as_ref()
                        .and_then(|_| r.get("Account"))
                        .and_then(Value::as_object)
                        .and_then(|a| read_account(a, LinkedAccountMatch::Contact));
                    if let (Some(a), Some(id)) = (&mut out.account, &contact_account) {
                        a.id = id.clone();
                    }
                    out.contact = Some(c);
                }
            }
            "contactOpps" => {
                out.opportunities = page.records.iter().map(read_opportunity).collect();
            }
            "account" => by_domain = page.records,
            "accountOpps" => domain_opps = page.records.iter().map(read_opportunity).collect(),
            _ => {}
        }
    }
    if out.account.is_none() {
        if let Some(best) = best_match(&by_domain, keys) {
            let account = read_account(best, LinkedAccountMatch::DomainOrName);
            if let Some(a) = &account {
                out.opportunities = domain_opps
                    .into_iter()
                    .filter(|o| o.account_id.as_deref() == Some(a.id.as_str()))
                    .collect();
            }
            out.account = account;
        }
    }
    // Open first, then by close date (the query's order).
    out.opportunities.sort_by_key(|o| o.is_closed);
    Ok(())
}

/// The Account a domain match prefers over a name match (as routing does).
fn best_match<'a>(accounts: &'a [Record], keys: &LookupKeys) -> Option<&'a Record> {
    let by_domain = accounts.iter().find(|a| {
        let website = text(a.get("Website")).unwrap_or_default().to_lowercase();
        keys.domains
            .iter()
            .any(|d| website_variants(d).contains(&website))
    });
    by_domain.or_else(|| accounts.first())
}

fn bad_shape(reference: &str) -> Error {
    Error::new(
        ErrorCode::Salesforce,
        format!(
            "linked records: Salesforce's answer to {reference} is not in the documented shape"
        ),
    )
}

fn text(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// `Owner.Name` arrives as `{"Owner": {"attributes": ..., "Name": "..."}}`.
fn parent_text(r: &Record, relationship: &str, field: &str) -> Option<String> {
    text(r.get(relationship).and_then(|p| p.get(field)))
}

fn read_lead(r: &Record) -> LinkedLead {
    LinkedLead {
        id: text(r.get("Id")).unwrap_or_default(),
        name: text(r.get("Name")),
        company: text(r.get("Company")),
        status: text(r.get("Status")),
        lead_source: text(r.get("LeadSource")),
        owner_id: text(r.get("OwnerId")),
        owner_name: parent_text(r, "Owner", "Name"),
        created_date: text(r.get("CreatedDate")),
    }
}

fn read_contact(r: &Record) -> LinkedContact {
    LinkedContact {
        id: text(r.get("Id")).unwrap_or_default(),
        name: text(r.get("Name")),
        title: text(r.get("Title")),
        phone: text(r.get("Phone")),
        account_id: text(r.get("AccountId")),
        owner_id: text(r.get("OwnerId")),
        owner_name: parent_text(r, "Owner", "Name"),
    }
}

fn read_account(r: &Record, matched_by: LinkedAccountMatch) -> Option<LinkedAccount> {
    Some(LinkedAccount {
        // Through `Contact.Account` the Id is not selected; the caller fills it in.
        id: text(r.get("Id")).unwrap_or_default(),
        name: text(r.get("Name")),
        industry: text(r.get("Industry")),
        number_of_employees: r.get("NumberOfEmployees").and_then(Value::as_f64),
        website: text(r.get("Website")),
        billing_country: text(r.get("BillingCountry")),
        owner_id: text(r.get("OwnerId")),
        owner_name: parent_text(r, "Owner", "Name"),
        matched_by,
    })
}

pub(crate) fn read_opportunity(r: &Record) -> LinkedOpportunity {
    LinkedOpportunity {
        id: text(r.get("Id")).unwrap_or_default(),
        name: text(r.get("Name")),
        stage_name: text(r.get("StageName")),
        amount: r.get("Amount").and_then(Value::as_f64),
        currency_iso_code: text(r.get(CURRENCY_FIELD)),
        close_date: text(r.get("CloseDate")),
        is_closed: r.get("IsClosed").and_then(Value::as_bool).unwrap_or(false),
        is_won: r.get("IsWon").and_then(Value::as_bool).unwrap_or(false),
        probability: r.get("Probability").and_then(Value::as_f64),
        account_id: text(r.get("AccountId")),
        owner_name: parent_text(r, "Owner", "Name"),
        last_modified_date: text(r.get("LastModifiedDate")),
    }
}
