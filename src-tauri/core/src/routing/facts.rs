//! What routing needs to know from Salesforce, fetched once for a batch of contacts:
//! every User, and the Accounts matching the contacts' companies.
//!
//! API calls are the customer's daily quota, so a batch costs a fixed handful of calls
//! however many contacts it has: the Account describe (cached per profile), one Users query
//! (a call per 2,000 Users), and one Composite call per five Account statements
//! ([`super::composite_query`]).
//!
//! # How Accounts are found
//!
//! Exact matches only, so every filter can use an index and none needs a leading-wildcard
//! `LIKE '%acme.com%'` scan:
//!
//! - `Website IN (...)` with the spellings people type into Website for each domain:
//!   `acme.com`, `www.acme.com`, each with `http://` or `https://` or neither, with or without
//!   a trailing `/` (twelve values per domain).
//! - `<Domain field> IN (...)` when the Account describe has a custom domain field
//!   (`Domain__c`, `Company_Domain__c`, `ns__Domain__c`...), preferring an indexed one.
//! - `Name IN (...)` with the contacts' company names (`=` on text ignores case in SOQL).
//!
//! The query builders escape every literal and split long `IN` lists to fit SOQL's statement
//! limit. A contact's Account is the one matching its domain, else its company name
//! ([`RoutingFacts::account_for`]); when several match, the most recently modified wins and
//! the match says so.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::composite_query::query_all_in_composite;
use super::users::{fetch_users, id_key, SalesforceUser, UserDirectory};
use crate::contacts::email::website_domain;
use crate::contacts::Contact;
use crate::mapping::document::NOT_PROVIDED;
use crate::mapping::MappingDocument;
use crate::salesforce::describe::{FieldDescribe, SObjectDescribe};
use crate::salesforce::query::Record;
use crate::salesforce::SalesforceClient;
use crate::soql::{Budget, Select, MAX_STATEMENT_CHARS};
use crate::Result;

/// A user-lookup field's value on an Account (`OwnerId`, `SDR__c`...), with the User's name
/// and status as the Account query returned them through the relationship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OwnerFieldValue {
    /// The field's API name as the describe spells it.
    pub field: String,
    pub user_id: Option<String>,
    pub user_name: Option<String>,
    /// Known when the relationship allows reading `IsActive` (a lookup to User only).
    pub user_is_active: Option<bool>,
}

/// The facts of one Salesforce Account that routing reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AccountFacts {
    pub id: String,
    pub name: Option<String>,
    pub website: Option<String>,
    /// The org's custom domain field (`Domain__c`...) and its value, when it has one.
    pub domain_field: Option<String>,
    pub domain_value: Option<String>,
    pub industry: Option<String>,
    pub number_of_employees: Option<f64>,
    pub billing_country: Option<String>,
    pub last_modified: Option<DateTime<Utc>>,
    /// `OwnerId` and every field the ownership rules name that could be read.
    pub owner_fields: Vec<OwnerFieldValue>,
}

impl AccountFacts {
    /// The value of a user-lookup field (name compared ignoring case); None when the field
    /// was not read.
    pub fn owner_field(&self, field: &str) -> Option<&OwnerFieldValue> {
        self.owner_fields
            .iter()
            .find(|f| f.field.eq_ignore_ascii_case(field))
    }

    /// The Account's domain and where it came from: the custom domain field, else the
    /// Website's host.
    pub fn domain_fact(&self) -> Option<(String, String)> {
        if let (Some(field), Some(domain)) = (
            &self.domain_field,
            self.domain_value.as_deref().and_then(website_domain),
        ) {
            return Some((domain, field.clone()));
        }
        let domain = self.website.as_deref().and_then(website_domain)?;
        Some((domain, "Website".to_string()))
    }

    /// Every domain the Account can be found by (domain field and Website host).
    pub fn domains(&self) -> BTreeSet<String> {
        [self.domain_value.as_deref(), self.website.as_deref()]
            .into_iter()
            .flatten()
            .filter_map(website_domain)
            .collect()
    }
}

/// How a contact found its Account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum AccountMatchKind {
    Domain,
    Name,
}

/// The Account a company matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AccountMatch {
    pub account: AccountFacts,
    pub matched_by: AccountMatchKind,
    /// The domain or company name (as the Account spells it) that matched.
    pub key: String,
    /// Every Account matching the same key, the chosen one first, then by recency.
    pub candidate_ids: Vec<String>,
}

impl AccountMatch {
    /// A sentence for the decision trace.
    pub fn describe(&self) -> String {
        let name = self.account.name.as_deref().unwrap_or("(no name)");
        let by = match self.matched_by {
            AccountMatchKind::Domain => "domain",
            AccountMatchKind::Name => "company name",
        };
        let mut text = format!(
            "Account {name} ({}) matches the {by} {}",
            self.account.id, self.key
        );
        if self.candidate_ids.len() > 1 {
            text.push_str(&format!(
                "; {} Accounts match it, using the most recently modified",
                self.candidate_ids.len()
            ));
        }
        text
    }
}

/// Company names that name no company: never matched against Account names.
const NON_NAMES: &[&str] = &["n/a", "na", "none", "unknown", "-", "--", "?", "null"];

/// Users and Accounts for routing a batch of contacts. Built by [`fetch_facts`], or from
/// parts with [`RoutingFacts::new`] (tests, previews).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoutingFacts {
    users: UserDirectory,
    accounts: Vec<AccountFacts>,
    by_domain: BTreeMap<String, AccountMatch>,
    /// Keyed by the folded name.
    by_name: BTreeMap<String, AccountMatch>,
    /// Folded company names that are placeholders (the document's `requiredDefaults.company`).
    placeholder_names: BTreeSet<String>,
    /// Lowercased field name → why the field could not be read from Accounts.
    unread_fields: BTreeMap<String, String>,
    notes: Vec<String>,
}

impl RoutingFacts {
    /// Facts from Users and Accounts already known. Accounts repeated by Id count once.
    pub fn new(users: Vec<SalesforceUser>, accounts: Vec<AccountFacts>) -> RoutingFacts {
        let mut unique: BTreeMap<String, AccountFacts> = BTreeMap::new();
        for account in accounts {
            unique
                .entry(id_key(&account.id).to_string())
                .or_insert(account);
        }
        let accounts: Vec<AccountFacts> = unique.into_values().collect();
        let mut domain_lists: BTreeMap<String, Vec<&AccountFacts>> = BTreeMap::new();
        let mut name_lists: BTreeMap<String, Vec<&AccountFacts>> = BTreeMap::new();
        for account in &accounts {
            for domain in account.domains() {
                domain_lists.entry(domain).or_default().push(account);
            }
            if let Some(name) = account.name.as_deref().map(fold).filter(|n| !n.is_empty()) {
                name_lists.entry(name).or_default().push(account);
            }
        }
        let choose = |kind, lists: BTreeMap<String, Vec<&AccountFacts>>| {
            lists
                .into_iter()
                .map(|(key, mut list)| {
                    // Most recently modified first; unknown dates last; then by Id, so the
                    // choice never depends on the order Salesforce returned rows in.
                    list.sort_by(|a, b| {
                        b.last_modified
                            .cmp(&a.last_modified)
                            .then_with(|| a.id.cmp(&b.id))
                    });
                    let shown_key = match kind {
                        AccountMatchKind::Domain => key.clone(),
                        AccountMatchKind::Name => list[0].name.clone().unwrap_or_default(),
                    };
                    let matched = AccountMatch {
                        account: list[0].clone(),
                        matched_by: kind,
                        key: shown_key,
                        candidate_ids: list.iter().map(|a| a.id.clone()).collect(),
                    };
                    (key, matched)
                })
                .collect::<BTreeMap<_, _>>()
        };
        let by_domain = choose(AccountMatchKind::Domain, domain_lists);
        let by_name = choose(AccountMatchKind::Name, name_lists);
        RoutingFacts {
            users: UserDirectory::new(users),
            by_domain,
            by_name,
            accounts,
            placeholder_names: [fold(NOT_PROVIDED)].into_iter().collect(),
            unread_fields: BTreeMap::new(),
            notes: Vec::new(),
        }
    }

    /// Company names that stand for "no company" and must not match an Account's name.
    pub fn with_placeholder_name(mut self, name: &str) -> RoutingFacts {
        self.placeholder_names.insert(fold(name));
        self
    }

    /// Records that an Account field the rules name could not be read, and why.
    pub fn with_unread_field(mut self, field: &str, why: impl Into<String>) -> RoutingFacts {
        self.unread_fields
            .insert(field.to_ascii_lowercase(), why.into());
        self
    }

    /// Adds a remark about how the facts were gathered (shown in the decision trace).
    pub fn with_note(mut self, note: impl Into<String>) -> RoutingFacts {
        self.notes.push(note.into());
        self
    }

    /// The User with this Id (15 or 18 characters).
    pub fn user(&self, id: &str) -> Option<&SalesforceUser> {
        self.users.get(id)
    }

    /// The Users, by Id.
    pub fn users(&self) -> &UserDirectory {
        &self.users
    }

    /// Every Account fetched, in Id order.
    pub fn accounts(&self) -> &[AccountFacts] {
        &self.accounts
    }

    /// Why an Account field could not be read; None when it was read (or never asked for).
    pub fn unread_field(&self, field: &str) -> Option<&str> {
        self.unread_fields
            .get(&field.to_ascii_lowercase())
            .map(String::as_str)
    }

    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The contact's Account: an exact domain match first, else an exact company-name match
    /// (ignoring case and spacing); among several, the most recently modified.
    pub fn account_for(&self, contact: &Contact) -> Option<&AccountMatch> {
        if let Some(found) = contact_domain(contact).and_then(|d| self.by_domain.get(&d)) {
            return Some(found);
        }
        let name = self.company_key(contact)?;
        self.by_name.get(&name)
    }

    fn company_key(&self, contact: &Contact) -> Option<String> {
        let name = fold(contact.company.as_deref()?);
        (!name.is_empty()
            && !NON_NAMES.contains(&name.as_str())
            && !self.placeholder_names.contains(&name))
        .then_some(name)
    }
}

/// Lowercase, with runs of white space as one space.
fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn contact_domain(contact: &Contact) -> Option<String> {
    contact
        .domain
        .as_deref()
        .or(contact.website.as_deref())
        .and_then(website_domain)
}

/// The spellings of a domain people type into an Account's Website.
pub fn website_variants(domain: &str) -> Vec<String> {
    let mut out = Vec::with_capacity(12);
    for host in [domain.to_string(), format!("www.{domain}")] {
        for scheme in ["", "http://", "https://"] {
            for slash in ["", "/"] {
                out.push(format!("{scheme}{host}{slash}"));
            }
        }
    }
    out
}

/// The org's custom domain field on Account, if it has one: a custom text or URL field named
/// `Domain__c`, `Domain_Name__c`, `Company_Domain__c`, `Website_Domain__c` (with or without a
/// namespace). An indexed one (external id, unique, idLookup) is preferred.
pub fn domain_field(account: &SObjectDescribe) -> Option<&FieldDescribe> {
    account
        .fields
        .iter()
        .filter(|f| f.custom && matches!(f.field_type.as_str(), "string" | "url"))
        .filter(|f| is_domain_field_name(&f.name))
        .min_by_key(|f| {
            (
                !(f.external_id || f.unique || f.id_lookup),
                f.name.to_ascii_lowercase(),
            )
        })
}

fn is_domain_field_name(api_name: &str) -> bool {
    let lower = api_name.to_ascii_lowercase();
    let Some(base) = lower.strip_suffix("__c") else {
        return false;
    };
    // A namespace prefix is `ns__`; what follows the last `__` is the field's own name.
    let base = base.rsplit("__").next().unwrap_or(base);
    matches!(
        base,
        "domain" | "domain_name" | "company_domain" | "website_domain" | "account_domain"
    )
}

/// How one user-lookup field is read from Account.
#[derive(Debug, Clone, PartialEq, Eq)]
struct LookupField {
    field: String,
    relationship: Option<String>,
    /// `IsActive` can be read through the relationship (it points to User only).
    active_readable: bool,
}

/// The Account query's plan: fields, lookup fields, and what could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountQueryPlan {
    pub fields: Vec<String>,
    lookups: Vec<LookupField>,
    domain_field: Option<String>,
    has_website: bool,
    /// (field as the rule names it, why it cannot be read)
    pub unread: Vec<(String, String)>,
}

impl AccountQueryPlan {
    /// Reads the Account describe: which of the standard fields are visible, the custom
    /// domain field, and each user-lookup field the ownership rules name (`OwnerId` always).
    pub fn new(account: &SObjectDescribe, doc: &MappingDocument) -> AccountQueryPlan {
        let mut fields = vec!["Id".to_string()];
        for standard in [
            "Name",
            "Website",
            "Industry",
            "NumberOfEmployees",
            "BillingCountry",
            "LastModifiedDate",
        ] {
            if let Some(f) = account.field(standard) {
                fields.push(f.name.clone());
            }
        }
        let domain = domain_field(account).map(|f| f.name.clone());
        if let Some(d) = &domain {
            fields.push(d.clone());
        }
        let mut wanted: Vec<&str> = vec!["OwnerId"];
        for rule in &doc.ownership_rules {
            wanted.push(&rule.owner_field);
            if let Some(then_by) = &rule.then_by {
                wanted.push(then_by);
            }
        }
        let mut lookups: Vec<LookupField> = Vec::new();
        let mut unread = Vec::new();
        let mut seen = BTreeSet::new();
        for name in wanted {
            let name = name.trim();
            if !seen.insert(name.to_ascii_lowercase()) {
                continue;
            }
            match account.field(name) {
                None => unread.push((
                    name.to_string(),
                    format!("Account has no field {name} the connected user can see"),
                )),
                Some(f)
                    if !(f.field_type == "reference"
                        && f.reference_to.iter().any(|r| r == "User")) =>
                {
                    unread.push((
                        name.to_string(),
                        format!(
                            "Account.{} is a {} field, not a lookup to User",
                            f.name, f.field_type
                        ),
                    ))
                }
                Some(f) => {
                    fields.push(f.name.clone());
                    let relationship = f.relationship_name.clone();
                    // Through a polymorphic relationship (User or Queue) only name fields
                    // can be read; IsActive then comes from the Users query alone.
                    let active_readable = f.reference_to.len() == 1;
                    if let Some(r) = &relationship {
                        fields.push(format!("{r}.Name"));
                        if active_readable {
                            fields.push(format!("{r}.IsActive"));
                        }
                    }
                    lookups.push(LookupField {
                        field: f.name.clone(),
                        relationship,
                        active_readable,
                    });
                }
            }
        }
        AccountQueryPlan {
            fields,
            lookups,
            domain_field: domain,
            has_website: account.field("Website").is_some(),
            unread,
        }
    }

    /// The statements finding the Accounts of `contacts` (none when they name no company).
    pub fn statements(&self, contacts: &[Contact], doc: &MappingDocument) -> Result<Vec<String>> {
        let mut domains: Vec<String> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        let mut seen_domains = BTreeSet::new();
        let mut seen_names = BTreeSet::new();
        let placeholders: BTreeSet<String> =
            [Some(NOT_PROVIDED), doc.required_defaults.company.as_deref()]
                .into_iter()
                .flatten()
                .map(fold)
                .collect();
        for contact in contacts {
            if let Some(d) = contact_domain(contact) {
                if seen_domains.insert(d.clone()) {
                    domains.push(d);
                }
            }
            if let Some(company) = contact.company.as_deref() {
                let key = fold(company);
                if !key.is_empty()
                    && !NON_NAMES.contains(&key.as_str())
                    && !placeholders.contains(&key)
                    && seen_names.insert(key)
                {
                    names.push(company.trim().to_string());
                }
            }
        }
        let fields: Vec<&str> = self.fields.iter().map(String::as_str).collect();
        let select = Select::new("Account", &fields);
        let budget = Budget::Chars(MAX_STATEMENT_CHARS);
        let mut statements = Vec::new();
        if self.has_website && !domains.is_empty() {
            let variants: Vec<String> = domains.iter().flat_map(|d| website_variants(d)).collect();
            statements.extend(select.build_in_chunks("Website", &variants, budget)?);
        }
        if let Some(field) = &self.domain_field {
            let values: Vec<String> = domains
                .iter()
                .flat_map(|d| [d.clone(), format!("www.{d}")])
                .collect();
            if !values.is_empty() {
                statements.extend(select.build_in_chunks(field, &values, budget)?);
            }
        }
        if !names.is_empty() {
            statements.extend(select.build_in_chunks("Name", &names, budget)?);
        }
        Ok(statements)
    }

    /// Reads one Account row of the plan's query.
    pub fn read(&self, record: &Record) -> Option<AccountFacts> {
        let id = text(record.get("Id"))?;
        let owner_fields = self
            .lookups
            .iter()
            .map(|l| {
                let related = l
                    .relationship
                    .as_deref()
                    .and_then(|r| record.get(r))
                    .and_then(Value::as_object);
                OwnerFieldValue {
                    field: l.field.clone(),
                    user_id: text(record.get(&l.field)),
                    user_name: related.and_then(|r| text(r.get("Name"))),
                    user_is_active: if l.active_readable {
                        related
                            .and_then(|r| r.get("IsActive"))
                            .and_then(Value::as_bool)
                    } else {
                        None
                    },
                }
            })
            .collect();
        Some(AccountFacts {
            id,
            name: text(record.get("Name")),
            website: text(record.get("Website")),
            domain_value: self
                .domain_field
                .as_deref()
                .and_then(|f| text(record.get(f))),
            domain_field: self.domain_field.clone(),
            industry: text(record.get("Industry")),
            number_of_employees: record.get("NumberOfEmployees").and_then(Value::as_f64),
            billing_country: text(record.get("BillingCountry")),
            last_modified: record
                .get("LastModifiedDate")
                .and_then(Value::as_str)
                .and_then(parse_datetime),
            owner_fields,
        })
    }
}

fn text(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Salesforce writes datetimes as `2024-05-01T12:00:00.000+0000`; RFC 3339 is accepted too.
fn parse_datetime(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z")
        .or_else(|_| DateTime::parse_from_rfc3339(text))
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// Users and the Accounts of `contacts`, for routing them (see the module docs for the
/// queries and their cost). Fields the ownership rules name that the org does not have (or
/// that are no lookups to User) are left out of the query and reported by the resolver,
/// instead of failing the whole batch with `INVALID_FIELD`.
pub async fn fetch_facts(
    client: &SalesforceClient,
    doc: &MappingDocument,
    contacts: &[Contact],
) -> Result<RoutingFacts> {
    let users = fetch_users(client).await?;
    let (accounts, plan, note) = fetch_accounts(client, doc, contacts).await?;
    let mut facts = RoutingFacts::new(users, accounts);
    if let Some(company) = &doc.required_defaults.company {
        facts = facts.with_placeholder_name(company);
    }
    if let Some(plan) = plan {
        for (field, why) in plan.unread {
            facts = facts.with_unread_field(&field, why);
        }
    }
    if let Some(note) = note {
        facts = facts.with_note(note);
    }
    Ok(facts)
}

type FetchedAccounts = (Vec<AccountFacts>, Option<AccountQueryPlan>, Option<String>);

async fn fetch_accounts(
    client: &SalesforceClient,
    doc: &MappingDocument,
    contacts: &[Contact],
) -> Result<FetchedAccounts> {
    let describe = match client.describe("Account").await {
        Ok(d) => d,
        // Salesforce answers 404 for an object the connected user cannot see.
        Err(e) if e.details.as_ref().and_then(|d| d.http_status) == Some(404) => {
            return Ok((
                Vec::new(),
                None,
                Some("Accounts were not looked up: the connected user cannot see Account".into()),
            ))
        }
        Err(e) => return Err(e),
    };
    if !describe.queryable {
        return Ok((
            Vec::new(),
            None,
            Some("Accounts were not looked up: the connected user cannot query Account".into()),
        ));
    }
    let plan = AccountQueryPlan::new(&describe, doc);
    let statements = plan.statements(contacts, doc)?;
    let records = if statements.is_empty() {
        Vec::new()
    } else {
        query_all_in_composite(client, &statements).await?
    };
    let accounts: Vec<AccountFacts> = records.iter().filter_map(|r| plan.read(r)).collect();
    tracing::debug!(
        contacts = contacts.len(),
        statements = statements.len(),
        accounts = accounts.len(),
        "looked up Accounts for routing"
    );
    Ok((accounts, Some(plan), None))
}
