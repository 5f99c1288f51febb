//! The org's records and the DML operations on them. One [`Org`] lives behind a mutex in the
//! server; Composite clones it to roll an all-or-none request back.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::api::RecordError;
use crate::ids;
use crate::schema::{FieldType, ObjectDef, Schema};
use crate::time;
use crate::validate::{self, Assignment, Op};

mod convert;
pub use convert::Converted;

/// A stored record: every field of its object, by API name, null when unset.
pub use crate::record::Record;

/// Org-wide switches the control API can change.
#[derive(Clone, Debug, Default)]
pub struct OrgSettings {
    /// The optional Lead duplicate rule (exact Email match), off by default.
    pub lead_duplicate_rule: bool,
    /// Users whose profile lacks Edit on Opportunity.
    pub opportunity_edit_denied: HashSet<String>,
    /// Whether the seeded Lead assignment rule is active.
    pub lead_assignment_rule: bool,
}

/// Users the org's behaviour refers to.
#[derive(Clone, Debug)]
pub struct WellKnownUsers {
    /// The administrator who approves the authorization-code flow.
    pub admin: String,
    /// The run-as user of the client-credentials flow.
    pub integration: String,
    /// The target of the Lead assignment rule.
    pub lead_intake: String,
}

/// Who writes and how, for one DML operation.
pub struct WriteCtx<'a> {
    pub user_id: &'a str,
    pub auto_assign: bool,
    /// The "lock the next N records" fault; each record written consumes one.
    pub lock_faults: &'a AtomicU32,
}

#[derive(Clone, Debug)]
pub struct Org {
    pub org_id: String,
    pub users: WellKnownUsers,
    pub settings: OrgSettings,
    tables: HashMap<&'static str, BTreeMap<String, Record>>,
    next_seq: u64,
}

/// Opportunity stage defaults, as a new org configures them: (probability, closed, won, forecast).
fn stage_defaults(stage: &str) -> (f64, bool, bool, &'static str) {
    match stage {
        "Prospecting" | "Qualification" => (10.0, false, false, "Pipeline"),
        "Needs Analysis" => (20.0, false, false, "Pipeline"),
        "Value Proposition" => (50.0, false, false, "Pipeline"),
        "Id. Decision Makers" => (60.0, false, false, "Pipeline"),
        "Perception Analysis" => (70.0, false, false, "Pipeline"),
        "Proposal/Price Quote" => (75.0, false, false, "Pipeline"),
        "Negotiation/Review" => (90.0, false, false, "Commit"),
        "Closed Won" => (100.0, true, true, "Closed"),
        "Closed Lost" => (0.0, true, false, "Omitted"),
        _ => (0.0, false, false, "Pipeline"),
    }
}

impl Org {
    /// An empty org; [`crate::seed`] fills it.
    pub fn empty(org_id: String) -> Self {
        Org {
            org_id,
            users: WellKnownUsers {
                admin: String::new(),
                integration: String::new(),
                lead_intake: String::new(),
            },
            settings: OrgSettings {
                lead_assignment_rule: true,
                ..OrgSettings::default()
            },
            tables: HashMap::new(),
            next_seq: 1,
        }
    }

    fn new_id(&mut self, object: &ObjectDef) -> String {
        // One sequence for all objects keeps ids unique and ordered by creation.
        let id = ids::make_id(object.key_prefix, self.next_seq);
        self.next_seq += 1;
        id
    }

    pub fn table(&self, object: &ObjectDef) -> impl Iterator<Item = &Record> {
        self.tables
            .get(object.name)
            .into_iter()
            .flat_map(|t| t.values())
    }

    #[cfg(test)]
    pub fn count(&self, object: &ObjectDef) -> usize {
        self.tables.get(object.name).map_or(0, |t| t.len())
    }

    pub fn get(&self, object: &ObjectDef, id: &str) -> Option<&Record> {
        self.tables.get(object.name)?.get(id)
    }

    /// Finds any record by id, using the key prefix to pick its object.
    pub fn find(&self, id: &str) -> Option<(&'static ObjectDef, &Record)> {
        let object = Schema::get().object_by_prefix(ids::key_prefix(id))?;
        Some((object, self.get(object, id)?))
    }

    /// Whether `user_id`'s profile may edit records of `object`.
    pub fn can_edit(&self, object: &ObjectDef, user_id: &str) -> bool {
        !(object.name == "Opportunity" && self.settings.opportunity_edit_denied.contains(user_id))
    }

    /// Stores a record without validation (seed data), filling system fields.
    pub fn put_seed(
        &mut self,
        object: &'static ObjectDef,
        values: Vec<(&str, Value)>,
        created: DateTime<Utc>,
        by: &str,
    ) -> String {
        let id = self.new_id(object);
        let mut record = blank_record(object);
        for (k, v) in values {
            if let Some(f) = object.field(k) {
                record.insert(f.name, v);
            }
        }
        stamp_created(&mut record, &id, created, by);
        if object.has_owner() && record.get("OwnerId").is_none_or(Value::is_null) {
            record.insert("OwnerId", Value::from(by));
        }
        derive_fields(object, &mut record);
        self.tables
            .entry(object.name)
            .or_default()
            .insert(id.clone(), record);
        id
    }

    /// Sets CreatedById/LastModifiedById of a seed record (the first user creates itself).
    pub fn fix_created_by(&mut self, object: &ObjectDef, id: &str, by: &str) {
        if let Some(r) = self.tables.get_mut(object.name).and_then(|t| t.get_mut(id)) {
            r.insert("CreatedById", Value::from(by));
            r.insert("LastModifiedById", Value::from(by));
        }
    }

    /// Creates a record the way `POST /sobjects/X` does.
    pub fn create(
        &mut self,
        object: &'static ObjectDef,
        mut values: Vec<Assignment>,
        ctx: &WriteCtx,
    ) -> Result<String, RecordError> {
        validate::check_values(self, &mut values, Op::Create)?;
        let missing: Vec<String> = object
            .fields
            .iter()
            .filter(|f| f.required_on_create())
            .filter(|f| !values.iter().any(|(a, v)| a.name == f.name && !v.is_null()))
            .map(|f| f.name.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(validate::required_missing(missing));
        }
        let mut record = blank_record(object);
        for (f, v) in values {
            record.insert(f.name, v);
        }
        self.check_object_rules(object, &record, None)?;
        consume_lock(ctx, None)?;
        let id = self.new_id(object);
        stamp_created(&mut record, &id, Utc::now(), ctx.user_id);
        if object.has_owner() && record.get("OwnerId").is_none_or(Value::is_null) {
            record.insert("OwnerId", Value::from(ctx.user_id));
        }
        self.run_assignment_rules(object, &mut record, ctx);
        derive_fields(object, &mut record);
        self.tables
            .entry(object.name)
            .or_default()
            .insert(id.clone(), record);
        Ok(id)
    }

    /// Updates a record the way `PATCH /sobjects/X/id` does.
    pub fn update(
        &mut self,
        object: &'static ObjectDef,
        id: &str,
        mut values: Vec<Assignment>,
        ctx: &WriteCtx,
    ) -> Result<(), RecordError> {
        let existing = self.live_record(object, id)?;
        if !self.can_edit(object, ctx.user_id) {
            return Err(insufficient_access());
        }
        validate::check_values(self, &mut values, Op::Update)?;
        let mut record = existing.clone();
        for (f, v) in values {
            record.insert(f.name, v);
        }
        self.check_object_rules(object, &record, Some(id))?;
        consume_lock(ctx, Some(id))?;
        let now = time::format_datetime(Utc::now());
        record.insert("LastModifiedDate", Value::from(now.clone()));
        record.insert("SystemModstamp", Value::from(now));
        record.insert("LastModifiedById", Value::from(ctx.user_id));
        self.run_assignment_rules(object, &mut record, ctx);
        derive_fields(object, &mut record);
        self.tables
            .entry(object.name)
            .or_default()
            .insert(id.to_string(), record);
        Ok(())
    }

    /// Deletes a record (to the recycle bin: `queryAll` still sees it) and its cascade children.
    pub fn delete(
        &mut self,
        object: &'static ObjectDef,
        id: &str,
        ctx: &WriteCtx,
    ) -> Result<(), RecordError> {
        self.live_record(object, id)?;
        if !object.deletable || !self.can_edit(object, ctx.user_id) {
            return Err(insufficient_access());
        }
        consume_lock(ctx, Some(id))?;
        self.mark_deleted(object, id);
        Ok(())
    }

    fn mark_deleted(&mut self, object: &ObjectDef, id: &str) {
        let now = time::format_datetime(Utc::now());
        if let Some(r) = self.tables.get_mut(object.name).and_then(|t| t.get_mut(id)) {
            r.insert("IsDeleted", Value::Bool(true));
            r.insert("SystemModstamp", Value::from(now));
        }
        for rel in object
            .child_relationships
            .iter()
            .filter(|c| c.cascade_delete)
        {
            let Some(child) = Schema::get().object(rel.child_sobject) else {
                continue;
            };
            let children: Vec<String> = self
                .table(child)
                .filter(|r| r.get(rel.field).and_then(Value::as_str) == Some(id))
                .filter(|r| !r.is_deleted())
                .filter_map(|r| r.get("Id").and_then(Value::as_str).map(str::to_string))
                .collect();
            for c in children {
                self.mark_deleted(child, &c);
            }
        }
    }

    fn live_record(&self, object: &ObjectDef, id: &str) -> Result<&Record, RecordError> {
        let record = self.get(object, id).ok_or_else(|| {
            RecordError::new("NOT_FOUND", "The requested resource does not exist").status(404)
        })?;
        if record.is_deleted() {
            return Err(RecordError::new("ENTITY_IS_DELETED", "entity is deleted").status(404));
        }
        Ok(record)
    }

    /// Rules that belong to particular objects: campaign membership, the Lead duplicate rule,
    /// unique fields.
    fn check_object_rules(
        &self,
        object: &ObjectDef,
        record: &Record,
        self_id: Option<&str>,
    ) -> Result<(), RecordError> {
        let others = || {
            self.table(object)
                .filter(move |r| !r.is_deleted())
                .filter(move |r| r.get("Id").and_then(Value::as_str) != self_id)
        };
        for f in object.fields.iter().filter(|f| f.unique) {
            let Some(v) = record.get(f.name).and_then(Value::as_str) else {
                continue;
            };
            if let Some(dup) = others().find(|r| {
                r.get(f.name)
                    .and_then(Value::as_str)
                    .is_some_and(|o| o.eq_ignore_ascii_case(v))
            }) {
                let dup_id = dup.get("Id").and_then(Value::as_str).unwrap_or_default();
                return Err(RecordError::new(
                    "DUPLICATE_VALUE",
                    format!(
                        "duplicate value found: {} duplicates value on record with id: {dup_id}",
                        f.name
                    ),
                )
                .field(f.name));
            }
        }
        match object.name {
            "CampaignMember" => {
                let lead = record.get("LeadId").and_then(Value::as_str);
                let contact = record.get("ContactId").and_then(Value::as_str);
                if lead.is_none() && contact.is_none() {
                    return Err(validate::required_missing(vec![
                        "ContactId".into(),
                        "LeadId".into(),
                    ]));
                }
                let campaign = record.get("CampaignId").and_then(Value::as_str);
                let same = |r: &Record, k: &str, v: Option<&str>| {
                    v.is_some() && r.get(k).and_then(Value::as_str) == v
                };
                if others().any(|r| {
                    r.get("CampaignId").and_then(Value::as_str) == campaign
                        && (same(r, "LeadId", lead) || same(r, "ContactId", contact))
                }) {
                    return Err(RecordError::new(
                        "DUPLICATE_VALUE",
                        "Already a campaign member.",
                    ));
                }
            }
            "Lead" if self.settings.lead_duplicate_rule => {
                if let Some(email) = record.get("Email").and_then(Value::as_str) {
                    let matches: Vec<&Record> = others()
                        .filter(|r| {
                            r.get("Email")
                                .and_then(Value::as_str)
                                .is_some_and(|e| e.eq_ignore_ascii_case(email))
                        })
                        .collect();
                    if !matches.is_empty() {
                        return Err(duplicates_detected(&matches));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The seeded Lead assignment rule: every Lead goes to the intake user, unless the call
    /// sent `Sforce-Auto-Assign: FALSE` (Salesforce runs rules on create and update).
    fn run_assignment_rules(&self, object: &ObjectDef, record: &mut Record, ctx: &WriteCtx) {
        if object.name == "Lead"
            && ctx.auto_assign
            && self.settings.lead_assignment_rule
            && !self.users.lead_intake.is_empty()
        {
            record.insert("OwnerId", Value::from(self.users.lead_intake.clone()));
        }
    }
}

fn insufficient_access() -> RecordError {
    RecordError::new(
        "INSUFFICIENT_ACCESS_OR_READONLY",
        "insufficient access rights on object id",
    )
    .status(403)
}

fn consume_lock(ctx: &WriteCtx, id: Option<&str>) -> Result<(), RecordError> {
    let fired = ctx
        .lock_faults
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    if fired {
        let message = match id {
            Some(id) => {
                format!("unable to obtain exclusive access to this record or 1 records: {id}")
            }
            None => "unable to obtain exclusive access to this record".to_string(),
        };
        return Err(RecordError::new("UNABLE_TO_LOCK_ROW", message));
    }
    Ok(())
}

fn duplicates_detected(matches: &[&Record]) -> RecordError {
    const MESSAGE: &str =
        "You're creating a duplicate record. We recommend you use an existing record instead.";
    let match_records: Vec<Value> = matches
        .iter()
        .map(|r| {
            let id = r.get("Id").cloned().unwrap_or(Value::Null);
            json!({
                "additionalInformation": [],
                "fieldDiffs": [],
                "matchConfidence": 100.0,
                "record": { "attributes": { "type": "Lead", "url": format!("/services/data/v{}/sobjects/Lead/{}", crate::rest::LATEST_VERSION, id.as_str().unwrap_or_default()) }, "Id": id }
            })
        })
        .collect();
    let result = json!({
        "allowSave": false,
        "duplicateRule": "Standard_Lead_Duplicate_Rule",
        "duplicateRuleEntityType": "Lead",
        "errorMessage": MESSAGE,
        "matchResults": [{
            "entityType": "Lead",
            "errors": [],
            "matchEngine": "ExactMatchEngine",
            "matchRecords": match_records,
            "rule": "Standard_Lead_Match_Rule_v1_0",
            "size": matches.len(),
            "success": true
        }]
    });
    let mut e = RecordError::new("DUPLICATES_DETECTED", MESSAGE);
    e.extra = Some(Box::new(("duplicateResult", result)));
    e
}

/// A record with every field present: null, false for checkboxes, picklist defaults.
fn blank_record(object: &'static ObjectDef) -> Record {
    let mut r = Record::new(object);
    for f in &object.fields {
        let v = if f.ftype == FieldType::Boolean {
            Value::Bool(false)
        } else if let Some(d) = f.default_picklist_value() {
            Value::from(d)
        } else {
            Value::Null
        };
        r.insert(f.name, v);
    }
    r
}

fn stamp_created(record: &mut Record, id: &str, at: DateTime<Utc>, by: &str) {
    let t = time::format_datetime(at);
    record.insert("Id", Value::from(id));
    record.insert("IsDeleted", Value::Bool(false));
    for k in ["CreatedDate", "LastModifiedDate", "SystemModstamp"] {
        record.insert(k, Value::from(t.clone()));
    }
    record.insert("CreatedById", Value::from(by));
    record.insert("LastModifiedById", Value::from(by));
}

/// Fields Salesforce computes: full names, Opportunity stage flags, campaign responses.
fn derive_fields(object: &ObjectDef, record: &mut Record) {
    if object.field("FirstName").is_some() && object.field("Name").is_some() {
        let first = record
            .get("FirstName")
            .and_then(Value::as_str)
            .unwrap_or("");
        let last = record.get("LastName").and_then(Value::as_str).unwrap_or("");
        let name = format!("{first} {last}").trim().to_string();
        record.insert("Name", Value::from(name));
    }
    match object.name {
        "Opportunity" => {
            let stage = record
                .get("StageName")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let (probability, closed, won, forecast) = stage_defaults(&stage);
            if record.get("Probability").is_none_or(Value::is_null) {
                record.insert("Probability", json!(probability));
            }
            record.insert("IsClosed", Value::Bool(closed));
            record.insert("IsWon", Value::Bool(won));
            record.insert("ForecastCategoryName", Value::from(forecast));
        }
        "CampaignMember" => {
            let responded = record.get("Status").and_then(Value::as_str) == Some("Responded");
            record.insert("HasResponded", Value::Bool(responded));
        }
        "Task" => {
            let closed = record.get("Status").and_then(Value::as_str) == Some("Completed");
            record.insert("IsClosed", Value::Bool(closed));
        }
        _ => {}
    }
}
