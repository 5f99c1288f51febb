//! The objects and fields of the demo org, modelled on a Developer Edition org with the custom
//! fields Leadbridge's mapping uses (Lead.Lead_Score__c, Lead.Intent__c, Account.SDR__c,
//! Account.Domain__c).

use super::{ChildRelationship, FieldDef, FieldType, ObjectDef, PicklistEntry};
use crate::ids::prefix;

fn field(name: &'static str, label: &'static str, ftype: FieldType) -> FieldDef {
    FieldDef {
        name,
        label,
        ftype,
        length: 0,
        precision: 0,
        scale: 0,
        digits: 0,
        createable: true,
        updateable: true,
        nillable: true,
        defaulted_on_create: false,
        external_id: false,
        id_lookup: false,
        unique: false,
        custom: false,
        name_field: false,
        filterable: true,
        sortable: true,
        picklist: Vec::new(),
        restricted_picklist: false,
        reference_to: Vec::new(),
        relationship_name: None,
    }
}

impl FieldDef {
    fn required(mut self) -> Self {
        self.nillable = false;
        self
    }
    fn readonly(mut self) -> Self {
        self.createable = false;
        self.updateable = false;
        self
    }
    fn create_only(mut self) -> Self {
        self.updateable = false;
        self
    }
    fn defaulted(mut self) -> Self {
        self.defaulted_on_create = true;
        self
    }
    fn id_lookup(mut self) -> Self {
        self.id_lookup = true;
        self
    }
    fn external_id(mut self) -> Self {
        self.external_id = true;
        self.id_lookup = true;
        self
    }
    fn unique(mut self) -> Self {
        self.unique = true;
        self
    }
    fn custom(mut self) -> Self {
        self.custom = true;
        self
    }
    fn name_field(mut self) -> Self {
        self.name_field = true;
        self
    }
    /// Marks `value` as the picklist default; Salesforce then fills it in on create.
    fn default_value(mut self, value: &'static str) -> Self {
        for p in &mut self.picklist {
            p.default = p.value == value;
        }
        self.defaulted_on_create = true;
        self
    }
}

fn string(name: &'static str, label: &'static str, length: u32) -> FieldDef {
    FieldDef {
        length,
        ..field(name, label, FieldType::String)
    }
}
fn textarea(name: &'static str, label: &'static str, length: u32) -> FieldDef {
    // Long text areas can be neither filtered nor sorted in SOQL.
    let long = length > 255;
    FieldDef {
        length,
        filterable: !long,
        sortable: !long,
        ..field(name, label, FieldType::TextArea)
    }
}
fn email(name: &'static str, label: &'static str) -> FieldDef {
    FieldDef {
        length: 80,
        ..field(name, label, FieldType::Email)
    }
}
fn phone(name: &'static str, label: &'static str) -> FieldDef {
    FieldDef {
        length: 40,
        ..field(name, label, FieldType::Phone)
    }
}
fn url(name: &'static str, label: &'static str) -> FieldDef {
    FieldDef {
        length: 255,
        ..field(name, label, FieldType::Url)
    }
}
fn picklist(name: &'static str, label: &'static str, values: &[&'static str]) -> FieldDef {
    FieldDef {
        length: 255,
        picklist: values
            .iter()
            .map(|v| PicklistEntry {
                value: v,
                default: false,
            })
            .collect(),
        ..field(name, label, FieldType::Picklist)
    }
}
fn boolean(name: &'static str, label: &'static str) -> FieldDef {
    // Checkboxes are never null: not nillable, defaulted to false on create.
    FieldDef {
        nillable: false,
        defaulted_on_create: true,
        ..field(name, label, FieldType::Boolean)
    }
}
fn int(name: &'static str, label: &'static str, digits: u32) -> FieldDef {
    FieldDef {
        digits,
        ..field(name, label, FieldType::Int)
    }
}
fn number(
    name: &'static str,
    label: &'static str,
    ftype: FieldType,
    precision: u32,
    scale: u32,
) -> FieldDef {
    FieldDef {
        precision,
        scale,
        ..field(name, label, ftype)
    }
}
fn date(name: &'static str, label: &'static str) -> FieldDef {
    field(name, label, FieldType::Date)
}
fn datetime(name: &'static str, label: &'static str) -> FieldDef {
    field(name, label, FieldType::DateTime)
}
fn reference(
    name: &'static str,
    label: &'static str,
    to: &[&'static str],
    relationship: &'static str,
) -> FieldDef {
    FieldDef {
        length: 18,
        reference_to: to.to_vec(),
        relationship_name: Some(relationship),
        ..field(name, label, FieldType::Reference)
    }
}

/// Id, audit fields and (when `owned`) OwnerId, as every standard object has them.
fn system_fields(id_label: &'static str, owned: bool) -> Vec<FieldDef> {
    let mut fields = vec![
        FieldDef {
            length: 18,
            ..field("Id", id_label, FieldType::Id)
        }
        .readonly()
        .required()
        .defaulted()
        .id_lookup(),
        boolean("IsDeleted", "Deleted").readonly(),
        datetime("CreatedDate", "Created Date")
            .readonly()
            .required()
            .defaulted(),
        reference("CreatedById", "Created By ID", &["User"], "CreatedBy")
            .readonly()
            .required()
            .defaulted(),
        datetime("LastModifiedDate", "Last Modified Date")
            .readonly()
            .required()
            .defaulted(),
        reference(
            "LastModifiedById",
            "Last Modified By ID",
            &["User"],
            "LastModifiedBy",
        )
        .readonly()
        .required()
        .defaulted(),
        datetime("SystemModstamp", "System Modstamp")
            .readonly()
            .required()
            .defaulted(),
    ];
    if owned {
        fields.push(
            reference("OwnerId", "Owner ID", &["Group", "User"], "Owner")
                .required()
                .defaulted(),
        );
    }
    fields
}

const INDUSTRIES: &[&str] = &[
    "Agriculture",
    "Apparel",
    "Banking",
    "Biotechnology",
    "Chemicals",
    "Communications",
    "Construction",
    "Consulting",
    "Education",
    "Electronics",
    "Energy",
    "Engineering",
    "Entertainment",
    "Environmental",
    "Finance",
    "Food & Beverage",
    "Government",
    "Healthcare",
    "Hospitality",
    "Insurance",
    "Machinery",
    "Manufacturing",
    "Media",
    "Not For Profit",
    "Recreation",
    "Retail",
    "Shipping",
    "Technology",
    "Telecommunications",
    "Transportation",
    "Utilities",
    "Other",
];
const LEAD_SOURCES: &[&str] = &[
    "Web",
    "Website Chat",
    "Phone Inquiry",
    "Partner Referral",
    "Purchased List",
    "Other",
];
const SALUTATIONS: &[&str] = &["Mr.", "Ms.", "Mrs.", "Dr.", "Prof.", "Mx."];
const RATINGS: &[&str] = &["Hot", "Warm", "Cold"];
/// Opportunity stages of a new org, in pipeline order.
pub const STAGES: &[&str] = &[
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Value Proposition",
    "Id. Decision Makers",
    "Perception Analysis",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
];

fn lead() -> ObjectDef {
    let mut fields = system_fields("Lead ID", true);
    fields.extend([
        picklist("Salutation", "Salutation", SALUTATIONS),
        string("FirstName", "First Name", 40),
        string("LastName", "Last Name", 80).required(),
        string("Name", "Full Name", 121).readonly().name_field(),
        string("Title", "Title", 128),
        string("Company", "Company", 255).required(),
        textarea("Street", "Street", 255),
        string("City", "City", 40),
        string("State", "State/Province", 80),
        string("PostalCode", "Zip/Postal Code", 20),
        string("Country", "Country", 80),
        phone("Phone", "Phone"),
        phone("MobilePhone", "Mobile Phone"),
        email("Email", "Email").id_lookup(),
        url("Website", "Website"),
        textarea("Description", "Description", 32000),
        picklist("LeadSource", "Lead Source", LEAD_SOURCES),
        picklist(
            "Status",
            "Status",
            &[
                "Open - Not Contacted",
                "Working - Contacted",
                "Closed - Converted",
                "Closed - Not Converted",
            ],
        )
        .default_value("Open - Not Contacted")
        .required(),
        picklist("Industry", "Industry", INDUSTRIES),
        picklist("Rating", "Rating", RATINGS),
        number(
            "AnnualRevenue",
            "Annual Revenue",
            FieldType::Currency,
            18,
            0,
        ),
        int("NumberOfEmployees", "Employees", 8),
        boolean("HasOptedOutOfEmail", "Email Opt Out"),
        boolean("IsConverted", "Converted").readonly(),
        date("ConvertedDate", "Converted Date").readonly(),
        reference(
            "ConvertedAccountId",
            "Converted Account ID",
            &["Account"],
            "ConvertedAccount",
        )
        .readonly(),
        reference(
            "ConvertedContactId",
            "Converted Contact ID",
            &["Contact"],
            "ConvertedContact",
        )
        .readonly(),
        reference(
            "ConvertedOpportunityId",
            "Converted Opportunity ID",
            &["Opportunity"],
            "ConvertedOpportunity",
        )
        .readonly(),
        boolean("IsUnreadByOwner", "Unread By Owner"),
        date("LastActivityDate", "Last Activity").readonly(),
        number("Lead_Score__c", "Lead Score", FieldType::Double, 18, 0).custom(),
        string("Intent__c", "Intent", 255).custom(),
    ]);
    ObjectDef {
        name: "Lead",
        label: "Lead",
        label_plural: "Leads",
        key_prefix: prefix::LEAD,
        createable: true,
        updateable: true,
        deletable: true,
        queryable: true,
        fields,
        child_relationships: vec![
            child("CampaignMember", "LeadId", Some("CampaignMembers"), true),
            child("Task", "WhoId", Some("Tasks"), true),
        ],
    }
}

fn contact() -> ObjectDef {
    let mut fields = system_fields("Contact ID", true);
    fields.extend([
        reference("AccountId", "Account ID", &["Account"], "Account"),
        picklist("Salutation", "Salutation", SALUTATIONS),
        string("FirstName", "First Name", 40),
        string("LastName", "Last Name", 80).required(),
        string("Name", "Full Name", 121).readonly().name_field(),
        string("Title", "Title", 128),
        string("Department", "Department", 80),
        email("Email", "Email").id_lookup(),
        phone("Phone", "Business Phone"),
        phone("MobilePhone", "Mobile Phone"),
        textarea("MailingStreet", "Mailing Street", 255),
        string("MailingCity", "Mailing City", 40),
        string("MailingState", "Mailing State/Province", 80),
        string("MailingPostalCode", "Mailing Zip/Postal Code", 20),
        string("MailingCountry", "Mailing Country", 80),
        picklist("LeadSource", "Lead Source", LEAD_SOURCES),
        reference("ReportsToId", "Reports To ID", &["Contact"], "ReportsTo"),
        date("Birthdate", "Birthdate"),
        boolean("HasOptedOutOfEmail", "Email Opt Out"),
        textarea("Description", "Contact Description", 32000),
        date("LastActivityDate", "Last Activity").readonly(),
    ]);
    ObjectDef {
        name: "Contact",
        label: "Contact",
        label_plural: "Contacts",
        key_prefix: prefix::CONTACT,
        createable: true,
        updateable: true,
        deletable: true,
        queryable: true,
        fields,
        child_relationships: vec![
            child("CampaignMember", "ContactId", Some("CampaignMembers"), true),
            child(
                "OpportunityContactRole",
                "ContactId",
                Some("OpportunityContactRoles"),
                true,
            ),
            child("Task", "WhoId", Some("Tasks"), true),
            child("Contact", "ReportsToId", None, false),
        ],
    }
}

fn account() -> ObjectDef {
    let mut fields = system_fields("Account ID", true);
    fields.extend([
        string("Name", "Account Name", 255).required().name_field(),
        picklist(
            "Type",
            "Account Type",
            &[
                "Prospect",
                "Customer - Direct",
                "Customer - Channel",
                "Channel Partner / Reseller",
                "Installation Partner",
                "Technology Partner",
                "Other",
            ],
        ),
        reference("ParentId", "Parent Account ID", &["Account"], "Parent"),
        textarea("BillingStreet", "Billing Street", 255),
        string("BillingCity", "Billing City", 40),
        string("BillingState", "Billing State/Province", 80),
        string("BillingPostalCode", "Billing Zip/Postal Code", 20),
        string("BillingCountry", "Billing Country", 80),
        string("ShippingCity", "Shipping City", 40),
        string("ShippingCountry", "Shipping Country", 80),
        phone("Phone", "Account Phone"),
        url("Website", "Website"),
        picklist("Industry", "Industry", INDUSTRIES),
        number(
            "AnnualRevenue",
            "Annual Revenue",
            FieldType::Currency,
            18,
            0,
        ),
        int("NumberOfEmployees", "Employees", 8),
        picklist("Rating", "Account Rating", RATINGS),
        picklist("AccountSource", "Account Source", LEAD_SOURCES),
        textarea("Description", "Account Description", 32000),
        reference("SDR__c", "SDR", &["User"], "SDR__r").custom(),
        string("Domain__c", "Domain", 255).custom().external_id(),
        date("LastActivityDate", "Last Activity").readonly(),
    ]);
    ObjectDef {
        name: "Account",
        label: "Account",
        label_plural: "Accounts",
        key_prefix: prefix::ACCOUNT,
        createable: true,
        updateable: true,
        deletable: true,
        queryable: true,
        fields,
        child_relationships: vec![
            child("Contact", "AccountId", Some("Contacts"), false),
            child("Opportunity", "AccountId", Some("Opportunities"), false),
            child("Account", "ParentId", Some("ChildAccounts"), false),
            child("Task", "WhatId", Some("Tasks"), true),
        ],
    }
}

fn opportunity() -> ObjectDef {
    let mut fields = system_fields("Opportunity ID", true);
    fields.extend([
        reference("AccountId", "Account ID", &["Account"], "Account"),
        string("Name", "Name", 120).required().name_field(),
        textarea("Description", "Description", 32000),
        picklist("StageName", "Stage", STAGES).required(),
        number("Amount", "Amount", FieldType::Currency, 18, 2),
        number("Probability", "Probability (%)", FieldType::Percent, 3, 0),
        date("CloseDate", "Close Date").required(),
        picklist(
            "Type",
            "Opportunity Type",
            &[
                "Existing Customer - Upgrade",
                "Existing Customer - Replacement",
                "New Customer",
            ],
        ),
        string("NextStep", "Next Step", 255),
        picklist("LeadSource", "Lead Source", LEAD_SOURCES),
        boolean("IsClosed", "Closed").readonly(),
        boolean("IsWon", "Won").readonly(),
        picklist(
            "ForecastCategoryName",
            "Forecast Category",
            &["Omitted", "Pipeline", "Best Case", "Commit", "Closed"],
        )
        .default_value("Pipeline"),
        reference("CampaignId", "Campaign ID", &["Campaign"], "Campaign"),
    ]);
    ObjectDef {
        name: "Opportunity",
        label: "Opportunity",
        label_plural: "Opportunities",
        key_prefix: prefix::OPPORTUNITY,
        createable: true,
        updateable: true,
        deletable: true,
        queryable: true,
        fields,
        child_relationships: vec![
            child(
                "OpportunityContactRole",
                "OpportunityId",
                Some("OpportunityContactRoles"),
                true,
            ),
            child("Task", "WhatId", Some("Tasks"), true),
        ],
    }
}

fn opportunity_contact_role() -> ObjectDef {
    let mut fields = system_fields("Opportunity Contact Role ID", false);
    fields.extend([
        reference(
            "OpportunityId",
            "Opportunity ID",
            &["Opportunity"],
            "Opportunity",
        )
        .required()
        .create_only(),
        reference("ContactId", "Contact ID", &["Contact"], "Contact").required(),
        picklist(
            "Role",
            "Role",
            &[
                "Business User",
                "Decision Maker",
                "Economic Buyer",
                "Economic Decision Maker",
                "Evaluator",
                "Executive Sponsor",
                "Influencer",
                "Technical Buyer",
                "Other",
            ],
        ),
        boolean("IsPrimary", "Primary"),
    ]);
    ObjectDef {
        name: "OpportunityContactRole",
        label: "Opportunity Contact Role",
        label_plural: "Opportunity Contact Role",
        key_prefix: prefix::OPPORTUNITY_CONTACT_ROLE,
        createable: true,
        updateable: true,
        deletable: true,
        queryable: true,
        fields,
        child_relationships: Vec::new(),
    }
}

fn campaign() -> ObjectDef {
    let mut fields = system_fields("Campaign ID", true);
    fields.extend([
        string("Name", "Name", 80).required().name_field(),
        picklist(
            "Type",
            "Type",
            &[
                "Conference",
                "Webinar",
                "Trade Show",
                "Public Relations",
                "Partners",
                "Referral Program",
                "Advertisement",
                "Email",
                "Other",
            ],
        ),
        picklist(
            "Status",
            "Status",
            &["Planned", "In Progress", "Completed", "Aborted"],
        ),
        date("StartDate", "Start Date"),
        date("EndDate", "End Date"),
        boolean("IsActive", "Active"),
        textarea("Description", "Description", 32000),
        int("NumberOfLeads", "Leads in Campaign", 9).readonly(),
        int("NumberOfContacts", "Contacts in Campaign", 9).readonly(),
    ]);
    ObjectDef {
        name: "Campaign",
        label: "Campaign",
        label_plural: "Campaigns",
        key_prefix: prefix::CAMPAIGN,
        createable: true,
        updateable: true,
        deletable: true,
        queryable: true,
        fields,
        child_relationships: vec![child(
            "CampaignMember",
            "CampaignId",
            Some("CampaignMembers"),
            true,
        )],
    }
}

fn campaign_member() -> ObjectDef {
    let mut fields = system_fields("Campaign Member ID", false);
    fields.extend([
        reference("CampaignId", "Campaign ID", &["Campaign"], "Campaign")
            .required()
            .create_only(),
        reference("LeadId", "Lead ID", &["Lead"], "Lead").create_only(),
        reference("ContactId", "Contact ID", &["Contact"], "Contact").create_only(),
        picklist(
            "Status",
            "Status",
            &["Planned", "Received", "Responded", "Sent"],
        )
        .default_value("Sent"),
        boolean("HasResponded", "Responded").readonly(),
        date("FirstRespondedDate", "First Responded Date").readonly(),
    ]);
    ObjectDef {
        name: "CampaignMember",
        label: "Campaign Member",
        label_plural: "Campaign Members",
        key_prefix: prefix::CAMPAIGN_MEMBER,
        createable: true,
        updateable: true,
        deletable: true,
        queryable: true,
        fields,
        child_relationships: Vec::new(),
    }
}

fn user() -> ObjectDef {
    let mut fields = system_fields("User ID", false);
    fields.extend([
        FieldDef {
            length: 80,
            ..field("Username", "Username", FieldType::String)
        }
        .required()
        .unique()
        .id_lookup(),
        string("FirstName", "First Name", 40),
        string("LastName", "Last Name", 80).required(),
        string("Name", "Full Name", 121).readonly().name_field(),
        string("Alias", "Alias", 8).required(),
        FieldDef {
            length: 128,
            ..email("Email", "Email")
        }
        .required(),
        boolean("IsActive", "Active"),
        string("Title", "Title", 80),
        string("Department", "Department", 80),
        string("CompanyName", "Company Name", 80),
        phone("Phone", "Phone"),
        reference("ManagerId", "Manager ID", &["User"], "Manager"),
        picklist("UserType", "User Type", &["Standard", "AutomatedProcess"]).readonly(),
        picklist(
            "TimeZoneSidKey",
            "Time Zone",
            &[
                "America/Los_Angeles",
                "America/New_York",
                "Europe/London",
                "Europe/Berlin",
                "GMT",
            ],
        )
        .required(),
        picklist("LocaleSidKey", "Locale", &["en_US", "en_GB", "de_DE"]).required(),
        picklist(
            "EmailEncodingKey",
            "Email Encoding",
            &["UTF-8", "ISO-8859-1"],
        )
        .required(),
        picklist("LanguageLocaleKey", "Language", &["en_US", "de"]).required(),
    ]);
    ObjectDef {
        name: "User",
        label: "User",
        label_plural: "Users",
        key_prefix: prefix::USER,
        createable: true,
        updateable: true,
        // Users are deactivated, never deleted.
        deletable: false,
        queryable: true,
        fields,
        child_relationships: vec![child("User", "ManagerId", Some("ManagedUsers"), false)],
    }
}

fn task() -> ObjectDef {
    let mut fields = system_fields("Activity ID", true);
    fields.extend([
        reference("WhoId", "Name ID", &["Contact", "Lead"], "Who"),
        reference(
            "WhatId",
            "Related To ID",
            &["Account", "Opportunity", "Campaign"],
            "What",
        ),
        FieldDef {
            length: 255,
            ..field("Subject", "Subject", FieldType::Combobox)
        },
        date("ActivityDate", "Due Date Only"),
        picklist(
            "Status",
            "Status",
            &[
                "Not Started",
                "In Progress",
                "Completed",
                "Waiting on someone else",
                "Deferred",
            ],
        )
        .default_value("Not Started")
        .required(),
        picklist("Priority", "Priority", &["High", "Normal", "Low"])
            .default_value("Normal")
            .required(),
        picklist("TaskSubtype", "Task Subtype", &["Task", "Email", "Call"]).create_only(),
        picklist("Type", "Type", &["Call", "Email", "Meeting", "Other"]),
        textarea("Description", "Description", 32000),
        boolean("IsClosed", "Closed").readonly(),
    ]);
    ObjectDef {
        name: "Task",
        label: "Task",
        label_plural: "Tasks",
        key_prefix: prefix::TASK,
        createable: true,
        updateable: true,
        deletable: true,
        queryable: true,
        fields,
        child_relationships: Vec::new(),
    }
}

fn child(
    child_sobject: &'static str,
    field: &'static str,
    relationship_name: Option<&'static str>,
    cascade_delete: bool,
) -> ChildRelationship {
    ChildRelationship {
        child_sobject,
        field,
        relationship_name,
        cascade_delete,
    }
}

/// Every object, in describeGlobal order (alphabetical, as Salesforce lists them).
pub fn all() -> Vec<ObjectDef> {
    let mut objects = vec![
        account(),
        campaign(),
        campaign_member(),
        contact(),
        lead(),
        opportunity(),
        opportunity_contact_role(),
        task(),
        user(),
    ];
    objects.sort_by_key(|o| o.name);
    objects
}
