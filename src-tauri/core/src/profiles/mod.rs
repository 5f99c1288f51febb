//! Saved Salesforce org profiles: which org, which user, which app, how we signed in.
//! Several may be saved; at most one is active, and commands that take an optional profile
//! name use the active one. No token or secret is ever stored here (see
//! [`crate::salesforce::token_vault`]).

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::salesforce::login_host::{LoginHostKind, ServiceUrl};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};

/// The profile name used when none is given.
pub const DEFAULT_PROFILE: &str = "default";
const MAX_NAME_LEN: usize = 64;

/// How a profile signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum FlowKind {
    /// OAuth 2.0 web-server flow with PKCE through the browser and a loopback redirect.
    WebServer,
    /// OAuth 2.0 client-credentials flow (a run-as user set on the External Client App).
    ClientCredentials,
}

impl FlowKind {
    fn as_db(self) -> &'static str {
        match self {
            FlowKind::WebServer => "web_server",
            FlowKind::ClientCredentials => "client_credentials",
        }
    }

    fn from_db(text: &str) -> Option<FlowKind> {
        match text {
            "web_server" => Some(FlowKind::WebServer),
            "client_credentials" => Some(FlowKind::ClientCredentials),
            _ => None,
        }
    }
}

/// A connected org, as shown on the Connect screen. Holds no secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrgProfile {
    pub name: String,
    pub login_url: String,
    pub login_host: LoginHostKind,
    pub instance_url: String,
    pub username: String,
    pub user_id: String,
    pub org_id: String,
    /// The REST API version negotiated at connect time, e.g. `66.0`.
    pub api_version: String,
    pub client_id: String,
    pub callback_port: Option<u16>,
    pub callback_path: Option<String>,
    pub flow: FlowKind,
    /// A client secret was given and is kept in the keyring.
    pub has_client_secret: bool,
    pub connected_at: DateTime<Utc>,
    pub active: bool,
}

/// Profile names become part of keyring account names (`<hash>/<profile>/<kind>`), so they
/// are kept to a safe, readable alphabet.
pub fn validate_name(name: &str) -> Result<()> {
    let bad =
        |why: &str| Error::invalid_input(format!("profile name {name:?} {why}")).field("name");
    if name.is_empty() {
        return Err(bad("is empty"));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(bad(&format!("is longer than {MAX_NAME_LEN} characters")));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(bad(&format!(
            "contains {c:?}; use letters, digits, '-', '_' or '.'"
        )));
    }
    Ok(())
}

const COLUMNS: &str = "name, login_url, instance_url, username, user_id, org_id, api_version, client_id, \
                       callback_port, callback_path, flow, has_client_secret, connected_at, is_active";

fn from_row(row: &Row<'_>) -> rusqlite::Result<OrgProfile> {
    let flow: String = row.get(10)?;
    let login_url: String = row.get(1)?;
    let connected_at: String = row.get(12)?;
    let bad = |col: usize, what: String| {
        rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, what.into())
    };
    Ok(OrgProfile {
        name: row.get(0)?,
        login_host: ServiceUrl::parse(&login_url, "login URL")
            .map(|u| u.kind())
            .unwrap_or(LoginHostKind::Custom),
        login_url,
        instance_url: row.get(2)?,
        username: row.get(3)?,
        user_id: row.get(4)?,
        org_id: row.get(5)?,
        api_version: row.get(6)?,
        client_id: row.get(7)?,
        callback_port: row.get(8)?,
        callback_path: row.get(9)?,
        flow: FlowKind::from_db(&flow).ok_or_else(|| bad(10, format!("unknown flow {flow:?}")))?,
        has_client_secret: row.get(11)?,
        connected_at: DateTime::parse_from_rfc3339(&connected_at)
            .map_err(|e| bad(12, format!("bad connected_at {connected_at:?}: {e}")))?
            .with_timezone(&Utc),
        active: row.get(13)?,
    })
}

/// Inserts or replaces a profile; with `make_active` it becomes the one active profile.
pub fn save(store: &Store, profile: &OrgProfile, make_active: bool) -> Result<()> {
    validate_name(&profile.name)?;
    store.transaction(|tx| {
        let was_active: bool = tx
            .query_row("SELECT is_active FROM org_profiles WHERE name = ?1", [&profile.name], |r| r.get(0))
            .optional()?
            .unwrap_or(false);
        let active = make_active || was_active;
        if make_active {
            tx.execute("UPDATE org_profiles SET is_active = 0 WHERE is_active = 1", [])?;
        }
        tx.execute(
            &format!(
                "INSERT INTO org_profiles ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                 ON CONFLICT(name) DO UPDATE SET
                   login_url = excluded.login_url, instance_url = excluded.instance_url,
                   username = excluded.username, user_id = excluded.user_id, org_id = excluded.org_id,
                   api_version = excluded.api_version, client_id = excluded.client_id,
                   callback_port = excluded.callback_port, callback_path = excluded.callback_path,
                   flow = excluded.flow, has_client_secret = excluded.has_client_secret,
                   connected_at = excluded.connected_at, is_active = excluded.is_active"
            ),
            params![
                profile.name,
                profile.login_url,
                profile.instance_url,
                profile.username,
                profile.user_id,
                profile.org_id,
                profile.api_version,
                profile.client_id,
                profile.callback_port,
                profile.callback_path,
                profile.flow.as_db(),
                profile.has_client_secret,
                profile.connected_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                active,
            ],
        )?;
        Ok(())
    })
}

pub fn get(store: &Store, name: &str) -> Result<Option<OrgProfile>> {
    Ok(store
        .conn()
        .query_row(
            &format!("SELECT {COLUMNS} FROM org_profiles WHERE name = ?1"),
            [name],
            from_row,
        )
        .optional()?)
}

pub fn active(store: &Store) -> Result<Option<OrgProfile>> {
    Ok(store
        .conn()
        .query_row(
            &format!("SELECT {COLUMNS} FROM org_profiles WHERE is_active = 1"),
            [],
            from_row,
        )
        .optional()?)
}

/// Every saved profile, by name.
pub fn list(store: &Store) -> Result<Vec<OrgProfile>> {
    let conn = store.conn();
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM org_profiles ORDER BY name"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The named profile, or the active one when `name` is `None`.
pub fn resolve(store: &Store, name: Option<&str>) -> Result<OrgProfile> {
    match name {
        Some(name) => {
            validate_name(name)?;
            get(store, name)?.ok_or_else(|| {
                Error::new(ErrorCode::NotConnected, format!("no org profile named {name:?}; connect it with `org connect --name {name}`"))
            })
        }
        None => active(store)?.ok_or_else(|| {
            Error::new(
                ErrorCode::NotConnected,
                "no Salesforce org is connected; run `org connect`",
            )
        }),
    }
}

/// Makes `name` the active profile.
pub fn set_active(store: &Store, name: &str) -> Result<()> {
    store.transaction(|tx| {
        let exists: bool = tx.query_row(
            "SELECT count(*) FROM org_profiles WHERE name = ?1",
            [name],
            |r| r.get::<_, i64>(0),
        )? > 0;
        if !exists {
            return Err(Error::new(
                ErrorCode::NotFound,
                format!("no org profile named {name:?}"),
            ));
        }
        tx.execute(
            "UPDATE org_profiles SET is_active = 0 WHERE is_active = 1",
            [],
        )?;
        tx.execute(
            "UPDATE org_profiles SET is_active = 1 WHERE name = ?1",
            [name],
        )?;
        Ok(())
    })
}

/// Deletes a profile; returns whether it existed. Deleting the active profile leaves none
/// active: the person picks the next one, nothing is switched behind their back.
pub fn delete(store: &Store, name: &str) -> Result<bool> {
    Ok(store
        .conn()
        .execute("DELETE FROM org_profiles WHERE name = ?1", [name])?
        > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample(name: &str) -> OrgProfile {
        OrgProfile {
            name: name.into(),
            login_url: "https://login.salesforce.com".into(),
            login_host: LoginHostKind::Production,
            instance_url: "https://acme.my.salesforce.com".into(),
            username: "admin@acme.example".into(),
            user_id: "005000000000001AAA".into(),
            org_id: "00D000000000001AAA".into(),
            api_version: "66.0".into(),
            client_id: "client".into(),
            callback_port: Some(1717),
            callback_path: Some("/OauthRedirect".into()),
            flow: FlowKind::WebServer,
            has_client_secret: false,
            connected_at: DateTime::parse_from_rfc3339("2026-05-01T10:00:00.123Z")
                .unwrap()
                .with_timezone(&Utc),
            active: false,
        }
    }

    fn store() -> (tempfile::TempDir, Store) {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        (tmp, store)
    }

    #[test]
    fn saves_reads_back_and_keeps_one_active() {
        let (_tmp, store) = store();
        save(&store, &sample("prod"), true).unwrap();
        let mut sb = sample("sandbox");
        sb.login_url = "https://test.salesforce.com".into();
        sb.flow = FlowKind::ClientCredentials;
        sb.callback_port = None;
        sb.callback_path = None;
        save(&store, &sb, false).unwrap();

        let prod = get(&store, "prod").unwrap().unwrap();
        assert_eq!(
            prod,
            OrgProfile {
                active: true,
                ..sample("prod")
            }
        );
        let got_sb = get(&store, "sandbox").unwrap().unwrap();
        assert_eq!(got_sb.login_host, LoginHostKind::Sandbox);
        assert_eq!(got_sb.flow, FlowKind::ClientCredentials);
        assert!(!got_sb.active);
        assert_eq!(active(&store).unwrap().unwrap().name, "prod");

        set_active(&store, "sandbox").unwrap();
        assert_eq!(active(&store).unwrap().unwrap().name, "sandbox");
        assert_eq!(list(&store).unwrap().iter().filter(|p| p.active).count(), 1);
        // Re-saving a profile without make_active keeps it active.
        save(&store, &sb, false).unwrap();
        assert_eq!(active(&store).unwrap().unwrap().name, "sandbox");
    }

    #[test]
    fn resolve_defaults_to_active_and_explains_absence() {
        let (_tmp, store) = store();
        let err = resolve(&store, None).unwrap_err();
        assert_eq!(err.code, ErrorCode::NotConnected);
        save(&store, &sample("prod"), true).unwrap();
        assert_eq!(resolve(&store, None).unwrap().name, "prod");
        let err = resolve(&store, Some("other")).unwrap_err();
        assert_eq!(err.code, ErrorCode::NotConnected);
        assert!(err.message.contains("\"other\""), "{}", err.message);
        assert!(delete(&store, "prod").unwrap());
        assert!(!delete(&store, "prod").unwrap());
        assert!(active(&store).unwrap().is_none());
        assert_eq!(
            set_active(&store, "prod").unwrap_err().code,
            ErrorCode::NotFound
        );
    }

    #[test]
    fn names_are_checked() {
        validate_name("prod-2.eu_west").unwrap();
        for (bad, why) in [
            ("", "is empty"),
            ("a/b", "'/'"),
            ("sp ace", "' '"),
            (&"x".repeat(65), "longer"),
        ] {
            let err = validate_name(bad).unwrap_err();
            assert!(err.message.contains(why), "{bad}: {}", err.message);
            assert!(err.is_usage());
        }
    }

    #[test]
    fn the_table_has_no_column_for_a_secret() {
        let (_tmp, store) = store();
        let conn = store.conn();
        let mut stmt = conn
            .prepare("SELECT name FROM pragma_table_info('org_profiles')")
            .unwrap();
        let cols: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|c| c.unwrap())
            .collect();
        assert!(
            cols.iter()
                .all(|c| !c.contains("token") && !c.contains("secret") || c == "has_client_secret"),
            "{cols:?}"
        );
    }
}
