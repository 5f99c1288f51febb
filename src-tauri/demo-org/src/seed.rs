//! Seed data: Users, Accounts, Contacts, Leads, a Campaign, Opportunities, all generated
//! deterministically from a seed number, plus fixed records tests can rely on
//! (see the crate docs: [`crate::KNOWN_CONTACT_EMAIL`], [`crate::KNOWN_LEAD_EMAIL`]).

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::ids;
use crate::schema::{Schema, STAGES};
use crate::store::{Org, WellKnownUsers};
use crate::time;

/// Domain of the org's own users.
pub const USER_DOMAIN: &str = "demo-org.example";

const FIRST_NAMES: &[&str] = &[
    "Amelia", "Noah", "Olivia", "Liam", "Sofia", "Mateo", "Hannah", "Lucas", "Chloe", "Ethan",
    "Zara", "Oscar", "Mila", "Jonas", "Aisha", "Felix", "Leila", "Hugo", "Nora", "Ravi", "Elena",
    "Tomas", "Ingrid", "Kenji", "Fatima", "Diego", "Greta", "Samuel", "Yara", "Arjun", "Clara",
    "Marcus", "Anya", "Pablo", "Freya", "Idris", "Lena", "Victor", "Maya", "Caleb",
];
const LAST_NAMES: &[&str] = &[
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Haddad",
    "Kowalski",
    "Brennan",
    "Castillo",
    "Novak",
    "Schmidt",
    "Adeyemi",
    "Fischer",
    "Rossi",
    "Nakamura",
    "Petrov",
    "Ward",
    "Delgado",
    "Sato",
    "Bianchi",
    "Murphy",
    "Jansen",
    "Kaur",
    "Silva",
    "Larsen",
    "Dubois",
    "Chen",
    "Hughes",
    "Varga",
    "Ortega",
    "Mensah",
    "Keller",
    "Ibrahim",
    "Quinn",
    "Ferreira",
    "Holm",
    "Abbott",
    "Reyes",
    "Nilsen",
    "Park",
    "Grant",
];
const COMPANY_HEADS: &[&str] = &[
    "Bright", "North", "Silver", "Cedar", "Blue", "Iron", "Maple", "Summit", "Harbor", "Clear",
    "Golden", "Red", "Stone", "River", "Pine", "Lumen", "Quartz", "Fern", "Atlas", "Nimbus",
];
const COMPANY_TAILS: &[&str] = &[
    "wave", "field", "gate", "works", "point", "forge", "line", "brook", "stack", "path", "ridge",
    "light", "loop", "craft",
];
const COMPANY_KINDS: &[&str] = &[
    "Logistics",
    "Analytics",
    "Health",
    "Systems",
    "Foods",
    "Energy",
    "Labs",
    "Partners",
    "Robotics",
    "Media",
    "Finance",
    "Software",
];
const INDUSTRIES: &[&str] = &[
    "Technology",
    "Healthcare",
    "Manufacturing",
    "Finance",
    "Retail",
    "Energy",
    "Transportation",
    "Education",
    "Media",
    "Consulting",
];
const COUNTRIES: &[&str] = &[
    "United States",
    "United Kingdom",
    "Germany",
    "France",
    "Canada",
    "Netherlands",
    "Sweden",
    "Ireland",
];
const LEAD_SOURCES: &[&str] = &[
    "Web",
    "Website Chat",
    "Phone Inquiry",
    "Partner Referral",
    "Purchased List",
    "Other",
];
const LEAD_STATUSES: &[&str] = &[
    "Open - Not Contacted",
    "Working - Contacted",
    "Closed - Not Converted",
];
const INTENTS: &[&str] = &[
    "Pricing question",
    "Book a demo",
    "Integration question",
    "Support request",
    "Partnership",
];
const TITLES: &[&str] = &[
    "VP Sales",
    "Head of Operations",
    "CTO",
    "Marketing Manager",
    "Procurement Lead",
    "Data Engineer",
    "CFO",
    "Office Manager",
];

/// A fixed user: (first, last, title, active).
const USERS: &[(&str, &str, &str, bool)] = &[
    ("Dana", "Whitfield", "Salesforce Administrator", true),
    ("Integration", "User", "Integration", true),
    ("Lead", "Intake", "Lead Queue", true),
    ("Priya", "Nair", "Account Executive", true),
    ("Marco", "Bellini", "Account Executive", true),
    ("Chen", "Wei", "Account Executive", true),
    ("Sarah", "Lindholm", "Account Executive", true),
    ("Tobias", "Werner", "Sales Development Rep", true),
    ("Grace", "Adeyemi", "Sales Development Rep", true),
    ("Luis", "Navarro", "Sales Development Rep", true),
    ("Hana", "Kobayashi", "Sales Manager", true),
    ("Owen", "Fitzgerald", "Sales Development Rep", true),
    ("Rita", "Moreno", "Account Executive", false),
    ("Jakob", "Steiner", "Sales Development Rep", false),
];

fn email_of(first: &str, last: &str, domain: &str) -> String {
    format!("{}.{}@{domain}", first.to_lowercase(), last.to_lowercase()).replace(' ', "")
}

/// Builds the seeded org. `now` anchors creation dates (records are spread over the last
/// months, so relative date literals such as LAST_N_DAYS:30 find some).
pub fn seed_org(seed: u64, now: DateTime<Utc>) -> Org {
    let schema = Schema::get();
    let obj = |n: &str| schema.object(n).expect("seeded objects are in the schema");
    let (user_o, account_o, contact_o, lead_o) =
        (obj("User"), obj("Account"), obj("Contact"), obj("Lead"));
    let (campaign_o, member_o, opp_o, ocr_o, task_o) = (
        obj("Campaign"),
        obj("CampaignMember"),
        obj("Opportunity"),
        obj("OpportunityContactRole"),
        obj("Task"),
    );
    let mut rng = StdRng::seed_from_u64(seed);
    let org_id = ids::make_id(ids::prefix::ORGANIZATION, seed % 1_000_000 + 1);
    let mut org = Org::empty(org_id);
    let days_ago =
        |rng: &mut StdRng, max: i64| now - Duration::minutes(rng.random_range(60..max * 24 * 60));

    // Users: the first is created by nobody; it then creates everyone else.
    let system_start = now - Duration::days(400);
    let mut user_ids: Vec<String> = Vec::new();
    for (i, (first, last, title, active)) in USERS.iter().enumerate() {
        let email = email_of(first, last, USER_DOMAIN);
        let alias: String = format!("{}{}", &first[..1], last)
            .to_lowercase()
            .chars()
            .take(8)
            .collect();
        let by: String = user_ids.first().cloned().unwrap_or_default();
        let id = org.put_seed(
            user_o,
            vec![
                ("Username", json!(email)),
                ("Email", json!(email)),
                ("FirstName", json!(first)),
                ("LastName", json!(last)),
                ("Alias", json!(alias)),
                ("Title", json!(title)),
                (
                    "Department",
                    json!(if i < 3 { "Operations" } else { "Sales" }),
                ),
                ("CompanyName", json!("Leadbridge Demo")),
                ("IsActive", json!(active)),
                ("UserType", json!("Standard")),
                ("TimeZoneSidKey", json!("Europe/London")),
                ("LocaleSidKey", json!("en_GB")),
                ("EmailEncodingKey", json!("UTF-8")),
                ("LanguageLocaleKey", json!("en_US")),
            ],
            system_start + Duration::days(i as i64),
            &by,
        );
        if by.is_empty() {
            org.fix_created_by(user_o, &id, &id);
        }
        user_ids.push(id);
    }
    let admin = user_ids[0].clone();
    org.users = WellKnownUsers {
        admin: admin.clone(),
        integration: user_ids[1].clone(),
        lead_intake: user_ids[2].clone(),
    };
    let reps: Vec<&String> = user_ids[3..12].iter().collect();
    let aes: Vec<&String> = USERS
        .iter()
        .zip(&user_ids)
        .filter(|(u, _)| u.2 == "Account Executive" && u.3)
        .map(|(_, id)| id)
        .collect();
    let sdrs: Vec<&String> = USERS
        .iter()
        .zip(&user_ids)
        .filter(|(u, _)| u.2 == "Sales Development Rep" && u.3)
        .map(|(_, id)| id)
        .collect();
    let inactive: Vec<&String> = USERS
        .iter()
        .zip(&user_ids)
        .filter(|(u, _)| !u.3)
        .map(|(_, id)| id)
        .collect();

    // Accounts, with unique generated names; the first is fixed for the known Contact.
    let mut accounts: Vec<(String, String, String)> = Vec::new(); // (id, name, domain)
    let mut names = vec![(
        "Harborlight Analytics".to_string(),
        "harborlight.example".to_string(),
    )];
    while names.len() < 40 {
        let head = COMPANY_HEADS.choose(&mut rng).copied().unwrap_or("Bright");
        let tail = COMPANY_TAILS.choose(&mut rng).copied().unwrap_or("wave");
        let kind = COMPANY_KINDS.choose(&mut rng).copied().unwrap_or("Labs");
        let name = format!("{head}{tail} {kind}");
        let domain = format!("{}{}.example", head.to_lowercase(), tail);
        if !names.iter().any(|(n, d)| *n == name || *d == domain) {
            names.push((name, domain));
        }
    }
    for (i, (name, domain)) in names.into_iter().enumerate() {
        // Two accounts still belong to deactivated users, as real orgs do.
        let owner = if i == 5 || i == 17 {
            inactive[i % inactive.len()]
        } else {
            *aes.choose(&mut rng).unwrap_or(&&admin)
        };
        let sdr = if i % 4 == 3 {
            Value::Null
        } else {
            json!(sdrs.choose(&mut rng).map(|s| s.as_str()).unwrap_or(&admin))
        };
        let created = days_ago(&mut rng, 365);
        let id = org.put_seed(
            account_o,
            vec![
                ("Name", json!(name)),
                (
                    "Type",
                    json!(if i % 3 == 0 {
                        "Customer - Direct"
                    } else {
                        "Prospect"
                    }),
                ),
                ("Industry", json!(INDUSTRIES.choose(&mut rng))),
                ("NumberOfEmployees", json!(rng.random_range(5..5000))),
                (
                    "AnnualRevenue",
                    json!(f64::from(rng.random_range(1..500u32)) * 100_000.0),
                ),
                ("BillingCountry", json!(COUNTRIES.choose(&mut rng))),
                (
                    "BillingCity",
                    json!(["London", "Berlin", "Austin", "Toronto", "Dublin", "Lyon"]
                        .choose(&mut rng)),
                ),
                ("Website", json!(format!("https://www.{domain}"))),
                ("Domain__c", json!(domain)),
                ("Phone", json!(format!("+1 555 01{:02}", i))),
                ("OwnerId", json!(owner)),
                ("SDR__c", sdr),
            ],
            created,
            &admin,
        );
        accounts.push((id, name, domain));
    }

    // Contacts on those accounts; the first is the documented apostrophe case.
    let mut contacts: Vec<(String, String)> = Vec::new(); // (id, account id)
    let mut used_emails = std::collections::HashSet::new();
    let (known_first, known_last) = ("Siobhan", "O'Brien");
    let mut plan: Vec<(String, String, usize)> = vec![(known_first.into(), known_last.into(), 0)];
    while plan.len() < 60 {
        let first = FIRST_NAMES
            .choose(&mut rng)
            .copied()
            .unwrap_or("Alex")
            .to_string();
        let last = LAST_NAMES
            .choose(&mut rng)
            .copied()
            .unwrap_or("Smith")
            .to_string();
        plan.push((first, last, rng.random_range(0..accounts.len())));
    }
    for (i, (first, last, acc)) in plan.into_iter().enumerate() {
        let (account_id, _, domain) = &accounts[acc];
        let email = if i == 0 {
            crate::KNOWN_CONTACT_EMAIL.to_string()
        } else {
            email_of(&first, &last, domain)
        };
        if !used_emails.insert(email.to_lowercase()) {
            continue;
        }
        let owner = org
            .get(account_o, account_id)
            .and_then(|a| a.get("OwnerId"))
            .cloned()
            .unwrap_or(Value::Null);
        let id = org.put_seed(
            contact_o,
            vec![
                ("AccountId", json!(account_id)),
                ("FirstName", json!(first)),
                ("LastName", json!(last)),
                ("Email", json!(email)),
                ("Title", json!(TITLES.choose(&mut rng))),
                ("Phone", json!(format!("+1 555 02{:02}", i % 100))),
                ("MailingCountry", json!(COUNTRIES.choose(&mut rng))),
                ("LeadSource", json!(LEAD_SOURCES.choose(&mut rng))),
                ("OwnerId", owner),
            ],
            days_ago(&mut rng, 300),
            &admin,
        );
        contacts.push((id, account_id.clone()));
    }

    // Leads: a fixed known one, a same-email pair (case differs) for ambiguity tests, the rest
    // generated, some at companies that are already Accounts.
    let mut leads = Vec::new();
    let mut lead_plan: Vec<(String, String, String, String)> = vec![
        (
            "Maya".into(),
            "Lindqvist".into(),
            "Fernbrook Studios".into(),
            crate::KNOWN_LEAD_EMAIL.into(),
        ),
        (
            "Sam".into(),
            "Twin".into(),
            "Twinpeaks Outfitters".into(),
            crate::DUPLICATE_LEAD_EMAIL.into(),
        ),
        (
            "Samantha".into(),
            "Twin".into(),
            "Twinpeaks Outfitters".into(),
            crate::DUPLICATE_LEAD_EMAIL.to_uppercase(),
        ),
    ];
    let free_mail = ["mailbox.example", "inbox.example", "post.example"];
    while lead_plan.len() < 80 {
        let first = FIRST_NAMES
            .choose(&mut rng)
            .copied()
            .unwrap_or("Alex")
            .to_string();
        let last = LAST_NAMES
            .choose(&mut rng)
            .copied()
            .unwrap_or("Smith")
            .to_string();
        let (company, domain) = if rng.random_bool(0.3) {
            let (_, name, domain) = &accounts[rng.random_range(0..accounts.len())];
            (name.clone(), domain.clone())
        } else {
            let head = COMPANY_HEADS.choose(&mut rng).copied().unwrap_or("Nova");
            let kind = COMPANY_KINDS.choose(&mut rng).copied().unwrap_or("Labs");
            let domain = if rng.random_bool(0.25) {
                free_mail
                    .choose(&mut rng)
                    .copied()
                    .unwrap_or("mailbox.example")
                    .to_string()
            } else {
                format!("{}{}.example", head.to_lowercase(), kind.to_lowercase())
            };
            (format!("{head} {kind}"), domain)
        };
        let email = email_of(&first, &last, &domain);
        if used_emails.insert(email.clone()) {
            lead_plan.push((first, last, company, email));
        }
    }
    for (i, (first, last, company, email)) in lead_plan.into_iter().enumerate() {
        let owner = if i % 5 == 0 {
            org.users.lead_intake.clone()
        } else {
            (*reps.choose(&mut rng).unwrap_or(&&admin)).clone()
        };
        let score = if i == 0 {
            72.0
        } else {
            f64::from(rng.random_range(0..100u32))
        };
        let id = org.put_seed(
            lead_o,
            vec![
                ("FirstName", json!(first)),
                ("LastName", json!(last)),
                ("Company", json!(company)),
                ("Email", json!(email)),
                ("Title", json!(TITLES.choose(&mut rng))),
                (
                    "LeadSource",
                    json!(if i == 0 {
                        "Website Chat"
                    } else {
                        LEAD_SOURCES.choose(&mut rng).copied().unwrap_or("Web")
                    }),
                ),
                (
                    "Status",
                    json!(if i < 3 {
                        "Open - Not Contacted"
                    } else {
                        LEAD_STATUSES
                            .choose(&mut rng)
                            .copied()
                            .unwrap_or("Open - Not Contacted")
                    }),
                ),
                ("Industry", json!(INDUSTRIES.choose(&mut rng))),
                ("Country", json!(COUNTRIES.choose(&mut rng))),
                ("NumberOfEmployees", json!(rng.random_range(1..2000))),
                ("Lead_Score__c", json!(score)),
                ("Intent__c", json!(INTENTS.choose(&mut rng))),
                ("OwnerId", json!(owner)),
            ],
            if i == 0 {
                now - Duration::days(2)
            } else {
                days_ago(&mut rng, 180)
            },
            &admin,
        );
        leads.push(id);
    }

    // The campaign chat leads are added to, with a few members already.
    let campaign = org.put_seed(
        campaign_o,
        vec![
            ("Name", json!(crate::CAMPAIGN_NAME)),
            ("Type", json!("Other")),
            ("Status", json!("In Progress")),
            ("IsActive", json!(true)),
            (
                "StartDate",
                json!(time::format_date((now - Duration::days(90)).date_naive())),
            ),
            (
                "Description",
                json!("Leads captured by the website chat and sent by Leadbridge."),
            ),
            ("OwnerId", json!(admin)),
        ],
        now - Duration::days(90),
        &admin,
    );
    for lead in leads.iter().skip(3).step_by(9) {
        org.put_seed(
            member_o,
            vec![
                ("CampaignId", json!(campaign)),
                ("LeadId", json!(lead)),
                ("Status", json!("Responded")),
            ],
            days_ago(&mut rng, 60),
            &admin,
        );
    }

    // A few Opportunities with contact roles.
    let stages = STAGES;
    for (n, (contact_id, account_id)) in contacts.iter().step_by(7).take(6).enumerate() {
        let account_name = org
            .get(account_o, account_id)
            .and_then(|a| a.get("Name"))
            .and_then(Value::as_str)
            .unwrap_or("Account")
            .to_string();
        let owner = org
            .get(account_o, account_id)
            .and_then(|a| a.get("OwnerId"))
            .cloned()
            .unwrap_or(Value::Null);
        let owner = if owner
            .as_str()
            .is_some_and(|o| inactive.iter().any(|i| i.as_str() == o))
        {
            json!(aes[0])
        } else {
            owner
        };
        let close = (now + Duration::days(rng.random_range(-30..120))).date_naive();
        let opp = org.put_seed(
            opp_o,
            vec![
                (
                    "Name",
                    json!(format!("{account_name} - Expansion {}", n + 1)),
                ),
                ("AccountId", json!(account_id)),
                ("StageName", json!(stages[(n * 2) % stages.len()])),
                (
                    "Amount",
                    json!(f64::from(rng.random_range(5..200u32)) * 1000.0),
                ),
                ("CloseDate", json!(time::format_date(close))),
                ("LeadSource", json!("Website Chat")),
                ("OwnerId", owner),
            ],
            days_ago(&mut rng, 120),
            &admin,
        );
        org.put_seed(
            ocr_o,
            vec![
                ("OpportunityId", json!(opp)),
                ("ContactId", json!(contact_id)),
                ("Role", json!("Decision Maker")),
                ("IsPrimary", json!(true)),
            ],
            days_ago(&mut rng, 100),
            &admin,
        );
        org.put_seed(
            task_o,
            vec![
                ("Subject", json!("Follow up after chat")),
                ("WhoId", json!(contact_id)),
                ("WhatId", json!(opp)),
                ("ActivityDate", json!(time::format_date(close))),
                ("Status", json!("Not Started")),
                ("Priority", json!("Normal")),
                ("OwnerId", owner_or(&org, opp_o, &opp)),
            ],
            days_ago(&mut rng, 30),
            &admin,
        );
    }
    org
}

fn owner_or(org: &Org, object: &crate::schema::ObjectDef, id: &str) -> Value {
    org.get(object, id)
        .and_then(|r| r.get("OwnerId"))
        .cloned()
        .unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeding_is_deterministic_and_sized_as_documented() {
        let now = Utc::now();
        let a = seed_org(42, now);
        let b = seed_org(42, now);
        let s = Schema::get();
        let lead = s.object("Lead").expect("Lead");
        let names = |o: &Org| {
            o.table(lead)
                .map(|r| r["Email"].clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&a), names(&b));
        assert_ne!(names(&a), names(&seed_org(7, now)));
        assert_eq!(a.count(lead), 80);
        assert_eq!(a.count(s.object("Account").expect("Account")), 40);
        assert!(a.count(s.object("Contact").expect("Contact")) >= 55);
        let users = s.object("User").expect("User");
        assert_eq!(
            a.table(users)
                .filter(|u| u["IsActive"] == json!(true))
                .count(),
            12
        );
        assert_eq!(
            a.table(users)
                .filter(|u| u["IsActive"] == json!(false))
                .count(),
            2
        );
        let contact = s.object("Contact").expect("Contact");
        assert!(a
            .table(contact)
            .any(|c| c["Email"] == json!(crate::KNOWN_CONTACT_EMAIL)));
    }
}
