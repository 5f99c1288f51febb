//! Routing facts against the demo org over real HTTP: Users in one query, the Accounts of a
//! batch of contacts in a fixed handful of API calls (counted by the client and by the org),
//! Website spellings, duplicates, escaping, paging, and owner decisions on the seeded data.

mod common;
mod routing_support;

use std::collections::BTreeMap;

use common::Env;
use leadbridge_core::contacts::Contact;
use leadbridge_core::mapping::MappingDocument;
use leadbridge_core::routing::composite_query::query_all_in_composite;
use leadbridge_core::routing::model::{MatchMode, OwnerStrategy, OwnershipRule};
use leadbridge_core::routing::{
    fetch_facts, fetch_users, resolve_owner, suggest_user_mapping, AccountMatchKind, StepOutcome,
    SuggestionBasis,
};
use leadbridge_core::salesforce::query::{QueryOptions, Record};
use leadbridge_core::salesforce::records::{NewRecord, WriteOptions};
use leadbridge_core::salesforce::SalesforceClient;
use leadbridge_demo_org::PathKind;
use routing_support::{contact, only, segment};
use serde_json::json;

async fn connected(profile: &str) -> (Env, SalesforceClient) {
    let env = Env::new(true).await;
    env.connect_web(profile).await;
    let client = SalesforceClient::open(&env.store, &env.vault, None).expect("client");
    (env, client)
}

/// API calls made since `before`, as the client counts them and as the org counts them
/// (they must agree), with the org's count per kind.
struct Calls {
    client: u64,
    org: u64,
}

impl Calls {
    fn start(env: &Env, client: &SalesforceClient) -> Calls {
        Calls {
            client: client.api_calls(),
            org: env.org.api_calls().total,
        }
    }

    fn since(&self, env: &Env, client: &SalesforceClient) -> u64 {
        let by_client = client.api_calls() - self.client;
        let by_org = env.org.api_calls().total - self.org;
        assert_eq!(
            by_client, by_org,
            "the client and the org count the same calls"
        );
        by_client
    }
}

/// The seeded Accounts: (Id, Name, Domain__c, OwnerId, SDR__c).
#[derive(Debug, Clone)]
struct Seeded {
    id: String,
    name: String,
    domain: String,
    owner: String,
    sdr: Option<String>,
}

async fn seeded_accounts(client: &SalesforceClient) -> Vec<Seeded> {
    let all = client
        .query_all_pages::<Record>(
            "SELECT Id, Name, Domain__c, OwnerId, SDR__c FROM Account ORDER BY Name",
            QueryOptions::default(),
        )
        .await
        .unwrap();
    all.records
        .iter()
        .map(|r| Seeded {
            id: r["Id"].as_str().unwrap().to_string(),
            name: r["Name"].as_str().unwrap().to_string(),
            domain: r["Domain__c"].as_str().unwrap().to_string(),
            owner: r["OwnerId"].as_str().unwrap().to_string(),
            sdr: r["SDR__c"].as_str().map(str::to_string),
        })
        .collect()
}

fn with(fields: serde_json::Value) -> Contact {
    contact(fields)
}

#[tokio::test]
async fn users_come_in_one_query_with_the_inactive_ones() {
    let (env, client) = connected("routing-users").await;
    let calls = Calls::start(&env, &client);
    let users = fetch_users(&client).await.unwrap();
    assert_eq!(calls.since(&env, &client), 1);
    assert_eq!(users.len(), 14);
    assert_eq!(users.iter().filter(|u| u.is_active).count(), 12);
    let rita = users.iter().find(|u| u.name == "Rita Moreno").unwrap();
    assert!(!rita.is_active);
    assert_eq!(rita.email, "rita.moreno@demo-org.example");
    assert_eq!(rita.id.len(), 18);
    let names: Vec<&str> = users.iter().map(|u| u.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted, "sorted by name");

    // Chat users with the Users' emails map automatically; an inactive User's email does not.
    let chat: Vec<String> = vec![
        "PRIYA.NAIR@demo-org.example".into(),
        "rita.moreno@demo-org.example".into(),
        "tobias.werner@chat.example".into(),
    ];
    let suggestions = suggest_user_mapping(&chat, &users, &[]);
    assert_eq!(suggestions[0].basis, SuggestionBasis::EmailMatch);
    assert_eq!(suggestions[1].basis, SuggestionBasis::None);
    assert_eq!(suggestions[2].basis, SuggestionBasis::NameSimilarity);
    assert_eq!(
        suggestions[2].salesforce_user_name.as_deref(),
        Some("Tobias Werner")
    );
    env.cleanup("routing-users").await;
}

#[tokio::test]
async fn a_hundred_contacts_cost_three_api_calls() {
    let (env, client) = connected("routing-batch").await;
    let seeded = seeded_accounts(&client).await;
    assert_eq!(seeded.len(), 40);

    // 40 contacts by seeded domain, 30 by seeded company name only, 30 unknown.
    let mut contacts: Vec<Contact> = Vec::new();
    for (i, a) in seeded.iter().enumerate() {
        contacts.push(with(json!({"id": i, "domain": a.domain})));
    }
    for (i, a) in seeded.iter().take(30).enumerate() {
        contacts.push(with(
            json!({"id": 100 + i, "company": a.name.to_uppercase(),
                                  "domain": format!("other-{i}.example")}),
        ));
    }
    for i in 0..30 {
        contacts.push(with(
            json!({"id": 200 + i, "company": format!("Nobody {i} Ltd"),
                                  "domain": format!("nobody-{i}.example")}),
        ));
    }
    assert_eq!(contacts.len(), 100);

    let doc = MappingDocument {
        ownership_rules: vec![OwnershipRule {
            segment: "Everyone".into(),
            owner_field: "SDR__c".into(),
            then_by: Some("OwnerId".into()),
            fallback_user_id: None,
        }],
        segments: vec![segment("Everyone", MatchMode::All, json!([]))],
        ..MappingDocument::default()
    };

    let before = env.org.api_calls().by_kind;
    let calls = Calls::start(&env, &client);
    let facts = fetch_facts(&client, &doc, &contacts).await.unwrap();
    assert_eq!(
        calls.since(&env, &client),
        3,
        "the Account describe, one Users query, one Composite call for every Account lookup"
    );
    let after = env.org.api_calls().by_kind;
    let delta =
        |k: PathKind| after.get(&k).copied().unwrap_or(0) - before.get(&k).copied().unwrap_or(0);
    assert_eq!(delta(PathKind::Describe), 1);
    assert_eq!(delta(PathKind::Query), 1);
    assert_eq!(delta(PathKind::Composite), 1);

    let by_id: BTreeMap<&str, &Seeded> = seeded.iter().map(|a| (a.id.as_str(), a)).collect();
    for (i, c) in contacts.iter().enumerate() {
        let found = facts.account_for(c);
        match i {
            0..40 => {
                let m = found.unwrap_or_else(|| panic!("contact {i} finds its Account"));
                assert_eq!(m.matched_by, AccountMatchKind::Domain);
                assert_eq!(m.account.id, seeded[i].id);
                // The owner fields came with the Account, names included.
                let owner = m.account.owner_field("OwnerId").unwrap();
                assert_eq!(
                    owner.user_id.as_deref(),
                    Some(by_id[m.account.id.as_str()].owner.as_str())
                );
                assert!(owner.user_name.is_some());
                let sdr = m.account.owner_field("sdr__c").unwrap();
                assert_eq!(sdr.user_id, seeded[i].sdr);
                assert_eq!(
                    sdr.user_is_active.is_some(),
                    sdr.user_id.is_some(),
                    "SDR__r.IsActive is read"
                );
                assert!(m.account.industry.is_some() && m.account.number_of_employees.is_some());
                assert!(m.account.last_modified.is_some());
            }
            40..70 => {
                let m = found.unwrap_or_else(|| panic!("contact {i} finds its Account by name"));
                assert_eq!(m.matched_by, AccountMatchKind::Name);
                assert_eq!(m.account.id, seeded[i - 40].id);
            }
            _ => assert!(found.is_none(), "contact {i}"),
        }
    }
    // Two seeded Accounts still belong to deactivated Users; the Users query says so.
    let inactive_owned = seeded
        .iter()
        .filter(|a| facts.user(&a.owner).is_some_and(|u| !u.is_active))
        .count();
    assert_eq!(inactive_owned, 2);

    // The describe is cached: the next batch costs two calls.
    let calls = Calls::start(&env, &client);
    fetch_facts(&client, &doc, &contacts[..10]).await.unwrap();
    assert_eq!(calls.since(&env, &client), 2);
    // Contacts naming no company cost the Users query alone.
    let calls = Calls::start(&env, &client);
    let nameless = [with(json!({"company": "[not provided]"})), with(json!({}))];
    fetch_facts(&client, &doc, &nameless).await.unwrap();
    assert_eq!(calls.since(&env, &client), 1);
    env.cleanup("routing-batch").await;
}

#[tokio::test]
async fn a_thousand_distinct_companies_still_cost_a_handful_of_calls() {
    let (env, client) = connected("routing-thousand").await;
    let contacts: Vec<Contact> = (0..1000)
        .map(|i| {
            with(
                json!({"id": i, "domain": format!("prospect-number-{i:04}.example"),
                        "company": format!("Prospect Number {i:04} Incorporated")}),
            )
        })
        .collect();
    let calls = Calls::start(&env, &client);
    let facts = fetch_facts(&client, &MappingDocument::default(), &contacts)
        .await
        .unwrap();
    let used = calls.since(&env, &client);
    // describe + users + 2 Composite calls for the 12,000 Website spellings, 2,000 domains
    // and 1,000 names split into statements under 100,000 characters.
    assert!(used <= 4, "{used} calls for 1,000 contacts");
    assert!(facts.accounts().is_empty());
    env.cleanup("routing-thousand").await;
}

#[tokio::test]
async fn website_spellings_duplicates_and_apostrophes() {
    let (env, client) = connected("routing-spellings").await;
    let opts = WriteOptions::default();
    let create = |fields: serde_json::Value| {
        let client = client.clone();
        let opts = opts.clone();
        async move {
            client
                .create("Account", fields.as_object().unwrap(), &opts)
                .await
                .unwrap()
        }
    };
    let bare = create(json!({"Name": "Bare Host", "Website": "bare-host.example"})).await;
    let www = create(json!({"Name": "Www Host", "Website": "http://www.www-host.example/"})).await;
    let dup_old = create(json!({"Name": "Dup One", "Website": "https://dup.example"})).await;
    let dup_new = create(json!({"Name": "Dup Two", "Domain__c": "dup.example"})).await;
    let quoted =
        create(json!({"Name": "O'Reilly & Sons", "Website": "https://oreilly-sons.example/about"}))
            .await;
    // Touch the first duplicate last, so it is the most recently modified.
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    client
        .update(
            "Account",
            &dup_old,
            json!({"Description": "touched"}).as_object().unwrap(),
            &opts,
        )
        .await
        .unwrap();

    let contacts = vec![
        with(
            json!({"id": 1, "website": "https://bare-host.example/pricing", "domain": "bare-host.example"}),
        ),
        with(json!({"id": 2, "domain": "www-host.example"})),
        with(json!({"id": 3, "domain": "dup.example"})),
        with(json!({"id": 4, "company": "o'reilly & sons"})),
    ];
    let facts = fetch_facts(&client, &MappingDocument::default(), &contacts)
        .await
        .unwrap();
    assert_eq!(facts.account_for(&contacts[0]).unwrap().account.id, bare);
    assert_eq!(facts.account_for(&contacts[1]).unwrap().account.id, www);
    let dup = facts.account_for(&contacts[2]).unwrap();
    assert_eq!(dup.account.id, dup_old);
    assert_eq!(dup.candidate_ids, [dup_old.clone(), dup_new.clone()]);
    assert!(dup.describe().contains("2 Accounts match it"));
    let q = facts.account_for(&contacts[3]).unwrap();
    assert_eq!(
        (q.matched_by, q.account.id.as_str()),
        (AccountMatchKind::Name, quoted.as_str())
    );
    // The `/about` Website was not among the exact spellings; the name found it.
    env.cleanup("routing-spellings").await;
}

#[tokio::test]
async fn composite_queries_follow_next_records_url() {
    let (env, client) = connected("routing-paging").await;
    let records: Vec<NewRecord> = (0..250)
        .map(|i| NewRecord {
            sobject: "Account".into(),
            fields: json!({"Name": "Paging Routing Co", "Website": format!("https://paging-{i}.example")})
                .as_object()
                .unwrap()
                .clone(),
        })
        .collect();
    for chunk in records.chunks(200) {
        let saved = client
            .collections_create(chunk, true, &WriteOptions::default())
            .await
            .unwrap();
        assert!(saved.iter().all(|r| r.success));
    }
    let statements = vec![
        "SELECT Id FROM Account WHERE Name = 'Paging Routing Co'".to_string(),
        "SELECT Id FROM User".to_string(),
    ];
    let calls = Calls::start(&env, &client);
    let rows = query_all_in_composite(&client, &statements, Some(200))
        .await
        .unwrap();
    assert_eq!(rows.len(), 250 + 14);
    assert_eq!(
        calls.since(&env, &client),
        2,
        "first pages together, then the second page"
    );
    let err = query_all_in_composite(&client, &statements, Some(10))
        .await
        .unwrap_err();
    assert!(err.message.contains("200..=2000"), "{}", err.message);

    // 250 Accounts of one name: the most recently modified is chosen and all are listed.
    let c = with(json!({"company": "Paging Routing Co"}));
    let facts = fetch_facts(
        &client,
        &MappingDocument::default(),
        std::slice::from_ref(&c),
    )
    .await
    .unwrap();
    assert_eq!(facts.account_for(&c).unwrap().candidate_ids.len(), 250);
    env.cleanup("routing-paging").await;
}

#[tokio::test]
async fn owners_decided_on_the_seeded_org() {
    let (env, client) = connected("routing-owners").await;
    let seeded = seeded_accounts(&client).await;
    let users = fetch_users(&client).await.unwrap();
    // Every chat user has the same email as a User: the suggestions map them automatically.
    let chat: Vec<String> = users.iter().map(|u| u.email.clone()).collect();
    let mapping: Vec<_> = suggest_user_mapping(&chat, &users, &[])
        .iter()
        .filter_map(|s| s.mapping())
        .collect();
    assert_eq!(mapping.len(), 12, "the active Users");
    let dana = users.iter().find(|u| u.name == "Dana Whitfield").unwrap();

    let mut doc = MappingDocument {
        owner_strategies: only(OwnerStrategy::AccountOwner),
        user_mapping: mapping,
        segments: vec![segment("Everyone", MatchMode::All, json!([]))],
        ownership_rules: vec![OwnershipRule {
            segment: "Everyone".into(),
            owner_field: "SDR__c".into(),
            then_by: Some("OwnerId".into()),
            fallback_user_id: Some(dana.id.clone()),
        }],
        ..MappingDocument::default()
    };
    let contacts: Vec<Contact> = seeded
        .iter()
        .enumerate()
        .map(|(i, a)| with(json!({"id": i, "domain": a.domain})))
        .collect();
    let facts = fetch_facts(&client, &doc, &contacts).await.unwrap();
    let mut seen = BTreeMap::new();
    for (a, c) in seeded.iter().zip(&contacts) {
        let decision = resolve_owner(c, &doc, &facts);
        assert_eq!(
            decision.steps[0].outcome,
            StepOutcome::Resolved,
            "{decision:?}"
        );
        let owner_active = facts.user(&a.owner).is_some_and(|u| u.is_active);
        let expected = match (&a.sdr, owner_active) {
            (Some(sdr), _) => (sdr.clone(), "field SDR__c"),
            (None, true) => (a.owner.clone(), "then-by OwnerId"),
            (None, false) => (dana.id.clone(), "rule fallback"),
        };
        assert_eq!(
            decision.owner_id.as_deref(),
            Some(expected.0.as_str()),
            "{}",
            a.name
        );
        assert!(
            decision.reason.contains(expected.1),
            "{}: {}",
            a.name,
            decision.reason
        );
        *seen.entry(expected.1).or_insert(0) += 1;
    }
    assert!(
        seen.len() >= 2,
        "the seeded org exercises several rule steps: {seen:?}"
    );

    // A rule naming a field Account does not have is reported, not sent to Salesforce.
    doc.ownership_rules[0].owner_field = "Territory_Rep__c".into();
    let facts = fetch_facts(&client, &doc, &contacts[..3]).await.unwrap();
    let decision = resolve_owner(&contacts[0], &doc, &facts);
    let trace = decision.steps[0].trace.join("\n");
    assert!(
        trace.contains("Account has no field Territory_Rep__c"),
        "{trace}"
    );
    env.cleanup("routing-owners").await;
}
