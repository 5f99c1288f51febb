//! Builders shared by the routing tests: contacts, Users, Accounts and documents in a few
//! words each.

#![allow(dead_code)]

use leadbridge_core::contacts::Contact;
use leadbridge_core::mapping::MappingDocument;
use leadbridge_core::routing::model::{
    MatchMode, OwnerStrategy, OwnerStrategySetting, Segment, UserMapping, UserMappingSource,
};
use leadbridge_core::routing::{AccountFacts, OwnerFieldValue, SalesforceUser};
use serde_json::{json, Value};

/// A contact from the given camelCase fields on top of an empty one.
pub fn contact(fields: Value) -> Contact {
    let mut base = json!({
        "id": 1,
        "email": "visitor@prospect.example",
        "emailKey": "visitor@prospect.example",
        "metadata": {},
        "agents": {},
        "conversationStatus": "closed",
        "receivedAt": "2026-04-05T14:30:00Z",
        "updatedAt": "2026-04-05T14:30:00Z",
        "conversations": [],
        "events": []
    });
    for (k, v) in fields.as_object().expect("an object of fields") {
        base[k] = v.clone();
    }
    serde_json::from_value(base).expect("a valid contact")
}

/// An 18-character User Id from a number.
pub fn uid(n: u32) -> String {
    format!("005{n:012}AAA")
}

/// An 18-character Account Id from a number.
pub fn aid(n: u32) -> String {
    format!("001{n:012}AAA")
}

pub fn user(n: u32, name: &str, email: &str, active: bool) -> SalesforceUser {
    SalesforceUser {
        id: uid(n),
        name: name.to_string(),
        email: email.to_string(),
        username: format!("{email}.demo"),
        is_active: active,
    }
}

pub fn owner_field(field: &str, user: Option<&SalesforceUser>) -> OwnerFieldValue {
    OwnerFieldValue {
        field: field.to_string(),
        user_id: user.map(|u| u.id.clone()),
        user_name: user.map(|u| u.name.clone()),
        user_is_active: None,
    }
}

/// An Account with a website domain, a name, and owner fields.
pub fn account(n: u32, name: &str, domain: Option<&str>, owners: Vec<OwnerFieldValue>) -> AccountFacts {
    AccountFacts {
        id: aid(n),
        name: Some(name.to_string()),
        website: domain.map(|d| format!("https://www.{d}")),
        domain_field: None,
        domain_value: None,
        industry: None,
        number_of_employees: None,
        billing_country: None,
        last_modified: None,
        owner_fields: owners,
    }
}

pub fn strategies(order: &[(OwnerStrategy, bool)]) -> Vec<OwnerStrategySetting> {
    order
        .iter()
        .map(|&(strategy, enabled)| OwnerStrategySetting { strategy, enabled })
        .collect()
}

pub fn only(strategy: OwnerStrategy) -> Vec<OwnerStrategySetting> {
    strategies(&[(strategy, true)])
}

pub fn manual(chat_user: &str, user: &SalesforceUser) -> UserMapping {
    UserMapping {
        chat_user: chat_user.to_string(),
        salesforce_user_id: user.id.clone(),
        source: UserMappingSource::Manual,
    }
}

pub fn auto(chat_user: &str, user: &SalesforceUser) -> UserMapping {
    UserMapping {
        chat_user: chat_user.to_string(),
        salesforce_user_id: user.id.clone(),
        source: UserMappingSource::Auto,
    }
}

pub fn segment(name: &str, mode: MatchMode, conditions: Value) -> Segment {
    Segment {
        name: name.to_string(),
        match_mode: mode,
        conditions: serde_json::from_value(conditions).expect("valid conditions"),
    }
}

pub fn doc() -> MappingDocument {
    MappingDocument::default()
}
