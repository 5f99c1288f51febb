//! What the connected Salesforce user may do on the objects Leadbridge touches, read from
//! describe (`createable` / `updateable` / `queryable` are the calling user's rights, not the
//! object's in general). The describes come from the profile's describe cache, so reading the
//! permissions costs one Composite call the first time and nothing afterwards; a refresh
//! drops the cache and reads them anew.
//!
//! [`OrgPermissions::check`] is the guard every write path calls with what it is about to do,
//! before any call: a missing right is a `PERMISSION_DENIED` error naming it
//! (`Opportunity.updateable`), never a failed call.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::describe::SObjectDescribe;
use super::SalesforceClient;
use crate::{Error, ErrorCode, Result};

/// The objects whose rights the Connect screen shows and the guard checks.
pub const OBJECTS: [&str; 6] = [
    "Lead",
    "Contact",
    "Account",
    "Opportunity",
    "CampaignMember",
    "Task",
];

/// One kind of right on an object, as describe names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Access {
    Create,
    Update,
    Query,
}

impl Access {
    /// describe's flag for this right.
    pub fn flag(self) -> &'static str {
        match self {
            Access::Create => "createable",
            Access::Update => "updateable",
            Access::Query => "queryable",
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Access::Create => "create",
            Access::Update => "edit",
            Access::Query => "read",
        }
    }
}

/// A right an action needs: `Opportunity` + `Update`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Need {
    pub object: String,
    pub access: Access,
}

impl Need {
    pub fn new(object: &str, access: Access) -> Need {
        Need {
            object: object.to_string(),
            access,
        }
    }
}

/// The connected user's rights on one object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ObjectPermissions {
    pub object: String,
    /// False when the user cannot see the object at all (describe answers 404): then every
    /// right below is false too.
    pub visible: bool,
    pub createable: bool,
    pub updateable: bool,
    pub queryable: bool,
}

impl ObjectPermissions {
    fn from_describe(object: &str, d: Option<&SObjectDescribe>) -> ObjectPermissions {
        ObjectPermissions {
            object: object.to_string(),
            visible: d.is_some(),
            createable: d.is_some_and(|d| d.createable),
            updateable: d.is_some_and(|d| d.updateable),
            queryable: d.is_some_and(|d| d.queryable),
        }
    }

    pub fn allows(&self, access: Access) -> bool {
        match access {
            Access::Create => self.createable,
            Access::Update => self.updateable,
            Access::Query => self.queryable,
        }
    }
}

/// The rights of the connected user of one profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrgPermissions {
    pub profile: String,
    /// In [`OBJECTS`] order.
    pub objects: Vec<ObjectPermissions>,
    #[ts(type = "string")]
    pub read_at: DateTime<Utc>,
}

impl OrgPermissions {
    /// From the describes of [`OBJECTS`] (None: the user cannot see the object).
    pub fn from_describes(
        profile: &str,
        describes: &[Option<&SObjectDescribe>],
        read_at: DateTime<Utc>,
    ) -> OrgPermissions {
        OrgPermissions {
            profile: profile.to_string(),
            objects: OBJECTS
                .iter()
                .zip(describes.iter().chain(std::iter::repeat(&None)))
                .map(|(name, d)| ObjectPermissions::from_describe(name, *d))
                .collect(),
            read_at,
        }
    }

    pub fn object(&self, name: &str) -> Option<&ObjectPermissions> {
        self.objects
            .iter()
            .find(|o| o.object.eq_ignore_ascii_case(name))
    }

    /// Whether the user has the right. Objects outside [`OBJECTS`] are not judged here.
    pub fn allows(&self, object: &str, access: Access) -> bool {
        self.object(object).is_none_or(|o| o.allows(access))
    }

    /// Why the right is missing, in words for a disabled button; None when it is granted.
    pub fn reason(&self, object: &str, access: Access) -> Option<String> {
        let o = self.object(object)?;
        if o.allows(access) {
            return None;
        }
        Some(if o.visible {
            format!(
                "The connected Salesforce user may not {} {object} records ({object}.{} is false for {:?}).",
                access.verb(),
                access.flag(),
                self.profile
            )
        } else {
            format!(
                "The connected Salesforce user cannot see the {object} object (profile {:?}).",
                self.profile
            )
        })
    }

    /// The guard: `PERMISSION_DENIED` naming every missing right (`details.fields` lists them
    /// as `Object.flag`), or Ok.
    pub fn check(&self, needs: &[Need]) -> Result<()> {
        let mut missing: Vec<String> = Vec::new();
        let mut first_reason = None;
        for need in needs {
            if let Some(reason) = self.reason(&need.object, need.access) {
                let name = format!("{}.{}", need.object, need.access.flag());
                if !missing.contains(&name) {
                    missing.push(name);
                    first_reason.get_or_insert(reason);
                }
            }
        }
        let Some(reason) = first_reason else {
            return Ok(());
        };
        let message = if missing.len() == 1 {
            format!("{reason} Nothing was sent.")
        } else {
            format!(
                "The connected Salesforce user lacks {}; nothing was sent. {reason}",
                missing.join(", ")
            )
        };
        let mut e = Error::new(ErrorCode::PermissionDenied, message);
        for m in missing {
            e = e.field(m);
        }
        Err(e)
    }
}

/// The rights of the client's user, from the describe cache (one Composite call for what is
/// not cached yet).
pub async fn read(client: &SalesforceClient) -> Result<OrgPermissions> {
    let describes = client.describe_many(&OBJECTS).await?;
    let refs: Vec<Option<&SObjectDescribe>> = describes.iter().map(|d| d.as_deref()).collect();
    Ok(OrgPermissions::from_describes(
        &client.profile().name,
        &refs,
        Utc::now(),
    ))
}

/// Reads the rights anew (after an admin changed the user's profile in Salesforce): the
/// profile's cached describes are dropped first, so later describes are fresh too.
pub async fn refresh(client: &SalesforceClient) -> Result<OrgPermissions> {
    client.clear_describe_cache();
    read(client).await
}

/// Checks `needs` against the client's user's rights (cached), before any write.
pub async fn require(client: &SalesforceClient, needs: &[Need]) -> Result<OrgPermissions> {
    let permissions = read(client).await?;
    permissions.check(needs)?;
    Ok(permissions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn describe(name: &str, c: bool, u: bool, q: bool) -> SObjectDescribe {
        SObjectDescribe {
            name: name.into(),
            label: name.into(),
            createable: c,
            updateable: u,
            queryable: q,
            deletable: false,
            custom: false,
            fields: vec![],
        }
    }

    fn perms() -> OrgPermissions {
        let ds: Vec<SObjectDescribe> = OBJECTS
            .iter()
            .map(|n| describe(n, true, *n != "Opportunity", true))
            .collect();
        let mut refs: Vec<Option<&SObjectDescribe>> = ds.iter().map(Some).collect();
        refs[5] = None; // Task not visible
        OrgPermissions::from_describes("demo", &refs, Utc::now())
    }

    #[test]
    fn reads_flags_and_invisible_objects() {
        let p = perms();
        assert!(p.allows("lead", Access::Create));
        assert!(!p.allows("Opportunity", Access::Update));
        assert!(p.allows("Opportunity", Access::Query));
        let task = p.object("Task").unwrap();
        assert!(!task.visible && !task.createable && !task.queryable);
        assert!(p
            .reason("Task", Access::Create)
            .unwrap()
            .contains("cannot see"));
        assert!(p.reason("Lead", Access::Create).is_none());
    }

    #[test]
    fn guard_names_each_missing_permission() {
        let p = perms();
        p.check(&[Need::new("Lead", Access::Create)]).unwrap();
        let e = p
            .check(&[
                Need::new("Lead", Access::Create),
                Need::new("Opportunity", Access::Update),
            ])
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::PermissionDenied);
        assert!(
            e.message.contains("Opportunity.updateable"),
            "{}",
            e.message
        );
        assert_eq!(e.details.unwrap().fields, vec!["Opportunity.updateable"]);
        let e = p
            .check(&[
                Need::new("Opportunity", Access::Update),
                Need::new("Task", Access::Create),
                Need::new("Opportunity", Access::Update),
            ])
            .unwrap_err();
        assert_eq!(
            e.details.unwrap().fields,
            vec!["Opportunity.updateable", "Task.createable"]
        );
    }
}
