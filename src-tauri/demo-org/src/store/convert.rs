//! Lead conversion, as a salesperson does it in Salesforce (SOAP `convertLead`, "Convert" in
//! the UI): an Account from the Lead's Company, a Contact, an Opportunity with the Contact as
//! its primary contact role, and the Lead marked converted with `IsConverted`, `ConvertedDate`,
//! `ConvertedAccountId`, `ConvertedContactId`, `ConvertedOpportunityId` and the converted
//! status. The REST API has no convert endpoint, so the demo org offers it as a control
//! (`POST /__demo/convert-lead`), for tests of what happens after a Lead is converted.

use chrono::{Duration, Utc};
use serde_json::Value;

use super::Org;
use crate::schema::Schema;
use crate::time;

/// The records a conversion created.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Converted {
    pub lead_id: String,
    pub account_id: String,
    pub contact_id: String,
    pub opportunity_id: String,
}

impl Org {
    /// Converts an unconverted Lead (by 15- or 18-character Id), as user `by`.
    pub fn convert_lead(&mut self, lead: &str, by: &str) -> Result<Converted, String> {
        let schema = Schema::get();
        let object = |name: &str| {
            schema
                .object(name)
                .ok_or_else(|| format!("no {name} object"))
        };
        let (leads, accounts, contacts, opps, roles) = (
            object("Lead")?,
            object("Account")?,
            object("Contact")?,
            object("Opportunity")?,
            object("OpportunityContactRole")?,
        );
        let id = crate::ids::to_18(lead).ok_or_else(|| format!("'{lead}' is not a Lead Id"))?;
        let record = self
            .get(leads, &id)
            .filter(|r| !r.is_deleted())
            .ok_or_else(|| format!("no Lead with Id '{lead}'"))?
            .clone();
        if record.get("IsConverted") == Some(&Value::Bool(true)) {
            return Err(format!("Lead '{lead}' is already converted"));
        }
        let text = |f: &str| record.get(f).cloned().unwrap_or(Value::Null);
        let company = record
            .get("Company")
            .and_then(Value::as_str)
            .unwrap_or("[not provided]")
            .to_string();
        let owner = record
            .get("OwnerId")
            .and_then(Value::as_str)
            .unwrap_or(by)
            .to_string();
        let now = Utc::now();
        let account_id = self.put_seed(
            accounts,
            vec![
                ("Name", Value::from(company.clone())),
                ("OwnerId", Value::from(owner.clone())),
            ],
            now,
            by,
        );
        let contact_id = self.put_seed(
            contacts,
            vec![
                ("FirstName", text("FirstName")),
                ("LastName", text("LastName")),
                ("Email", text("Email")),
                ("Phone", text("Phone")),
                ("AccountId", Value::from(account_id.clone())),
                ("LeadSource", text("LeadSource")),
                ("OwnerId", Value::from(owner.clone())),
            ],
            now,
            by,
        );
        let close = time::format_date((now + Duration::days(30)).date_naive());
        let opportunity_id = self.put_seed(
            opps,
            vec![
                // Salesforce names it after the company, with a trailing hyphen.
                ("Name", Value::from(format!("{company}-"))),
                ("AccountId", Value::from(account_id.clone())),
                ("StageName", Value::from("Prospecting")),
                ("CloseDate", Value::from(close)),
                ("LeadSource", text("LeadSource")),
                ("OwnerId", Value::from(owner)),
            ],
            now,
            by,
        );
        self.put_seed(
            roles,
            vec![
                ("OpportunityId", Value::from(opportunity_id.clone())),
                ("ContactId", Value::from(contact_id.clone())),
                ("IsPrimary", Value::Bool(true)),
            ],
            now,
            by,
        );
        let stamp = time::format_datetime(now);
        if let Some(r) = self.tables.get_mut(leads.name).and_then(|t| t.get_mut(&id)) {
            r.insert("IsConverted", Value::Bool(true));
            r.insert(
                "ConvertedDate",
                Value::from(time::format_date(now.date_naive())),
            );
            r.insert("ConvertedAccountId", Value::from(account_id.clone()));
            r.insert("ConvertedContactId", Value::from(contact_id.clone()));
            r.insert(
                "ConvertedOpportunityId",
                Value::from(opportunity_id.clone()),
            );
            r.insert("Status", Value::from("Closed - Converted"));
            r.insert("LastModifiedDate", Value::from(stamp.clone()));
            r.insert("SystemModstamp", Value::from(stamp));
            r.insert("LastModifiedById", Value::from(by));
        }
        Ok(Converted {
            lead_id: id,
            account_id,
            contact_id,
            opportunity_id,
        })
    }
}
