//! Salesforce Users and the user mapping (seed 002 "User Mapping"; PRODUCT.md step 5).
//!
//! - [`fetch_users`]: every User, active and inactive, in one query (paged).
//! - [`UserDirectory`]: Users by Id (15 or 18 characters) and by email.
//! - [`lookup_chat_user`]: the Salesforce User a chat user stands for, as the resolver uses it:
//!   the admin's manual mapping, else an active User with the same email, else a saved
//!   automatic mapping.
//! - [`suggest_user_mapping`]: what the Routing screen shows: the above for each chat user,
//!   name-similarity suggestions where email gives nothing, and warnings (a mapping to an
//!   inactive or unknown User, a chat user left unmapped).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::model::{UserMapping, UserMappingSource};
use crate::salesforce::query::QueryOptions;
use crate::salesforce::SalesforceClient;
use crate::soql::Select;
use crate::Result;

/// A Salesforce User, as routing needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SalesforceUser {
    /// 18 characters, as Salesforce returns it.
    pub id: String,
    pub name: String,
    pub email: String,
    pub username: String,
    pub is_active: bool,
}

/// A row of the Users query, as Salesforce sends it.
#[derive(Deserialize)]
struct UserRow {
    #[serde(rename = "Id")]
    id: String,
    #[serde(rename = "Name", default)]
    name: Option<String>,
    #[serde(rename = "Email", default)]
    email: Option<String>,
    #[serde(rename = "Username", default)]
    username: Option<String>,
    #[serde(rename = "IsActive", default)]
    is_active: bool,
}

/// The query [`fetch_users`] runs (for the SOQL preview). Every User, inactive ones included:
/// a mapping or an Account may point at a deactivated User, and routing must say so rather
/// than call them unknown. No `UserType` filter: partner users can own Leads, and portal users
/// simply never match a chat user.
pub fn users_soql() -> Result<String> {
    Select::new("User", &["Id", "Name", "Email", "Username", "IsActive"]).build()
}

/// Every User of the org, sorted by name (then Id), in one query paged through
/// `nextRecordsUrl` (one API call per 2,000 Users).
pub async fn fetch_users(client: &SalesforceClient) -> Result<Vec<SalesforceUser>> {
    let result = client
        .query_all_pages::<UserRow>(&users_soql()?, QueryOptions::default())
        .await?;
    let mut users: Vec<SalesforceUser> = result
        .records
        .into_iter()
        .map(|row| SalesforceUser {
            name: row
                .name
                .filter(|n| !n.trim().is_empty())
                .or_else(|| row.username.clone())
                .unwrap_or_else(|| row.id.clone()),
            email: row.email.unwrap_or_default(),
            username: row.username.unwrap_or_default(),
            is_active: row.is_active,
            id: row.id,
        })
        .collect();
    sort_users(&mut users);
    tracing::debug!(users = users.len(), "fetched Salesforce users");
    Ok(users)
}

fn sort_users(users: &mut [SalesforceUser]) {
    users.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// The part of a record Id that identifies it: an 18-character Id is the 15-character one
/// plus a case-insensitivity checksum, so both forms of one Id share this key.
pub fn id_key(id: &str) -> &str {
    let id = id.trim();
    if id.len() == 18 && id.is_ascii() {
        &id[..15]
    } else {
        id
    }
}

/// Whether two record Ids name the same record (15- or 18-character forms).
pub fn same_id(a: &str, b: &str) -> bool {
    id_key(a) == id_key(b)
}

/// Users by Id and by email.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserDirectory {
    by_id: BTreeMap<String, SalesforceUser>,
    /// Lowercased email → Id keys, in Id order.
    by_email: BTreeMap<String, BTreeSet<String>>,
}

impl UserDirectory {
    pub fn new(users: impl IntoIterator<Item = SalesforceUser>) -> UserDirectory {
        let mut directory = UserDirectory::default();
        for user in users {
            let key = id_key(&user.id).to_string();
            if !user.email.trim().is_empty() {
                directory
                    .by_email
                    .entry(user.email.trim().to_lowercase())
                    .or_default()
                    .insert(key.clone());
            }
            directory.by_id.insert(key, user);
        }
        directory
    }

    /// The User with this Id (15 or 18 characters).
    pub fn get(&self, id: &str) -> Option<&SalesforceUser> {
        self.by_id.get(id_key(id))
    }

    /// Active Users whose email equals `email`, ignoring case; in Id order.
    pub fn active_with_email(&self, email: &str) -> Vec<&SalesforceUser> {
        self.by_email
            .get(&email.trim().to_lowercase())
            .into_iter()
            .flatten()
            .filter_map(|key| self.by_id.get(key))
            .filter(|u| u.is_active)
            .collect()
    }

    /// Every User, in Id order.
    pub fn iter(&self) -> impl Iterator<Item = &SalesforceUser> {
        self.by_id.values()
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

/// How a chat user came to stand for a Salesforce User.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum MappedVia {
    /// The admin's manual mapping.
    Manual,
    /// An active User has the chat user's email.
    EmailMatch,
    /// A saved automatic mapping, with no active User of that email today.
    SavedAuto,
}

impl MappedVia {
    pub fn describe(self) -> &'static str {
        match self {
            MappedVia::Manual => "manual mapping",
            MappedVia::EmailMatch => "same email",
            MappedVia::SavedAuto => "saved automatic mapping",
        }
    }
}

/// The Salesforce User a chat user stands for, before checking that User is usable.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatUserLookup<'a> {
    /// Mapped to `user_id`; `user` is None when the org has no such User.
    Mapped {
        user_id: String,
        via: MappedVia,
        user: Option<&'a SalesforceUser>,
    },
    /// No mapping, and several active Users share the chat user's email.
    Ambiguous(Vec<&'a SalesforceUser>),
    Unmapped,
}

/// The mapping entry of `chat_user` with `source`, first one winning (the document checks
/// refuse duplicates; this stays deterministic anyway).
fn entry<'m>(
    mapping: &'m [UserMapping],
    chat_user: &str,
    source: UserMappingSource,
) -> Option<&'m UserMapping> {
    let key = chat_user.trim().to_lowercase();
    mapping
        .iter()
        .find(|m| m.source == source && m.chat_user.trim().to_lowercase() == key)
}

/// Which Salesforce User `chat_user` (an email) stands for: the admin's manual mapping, else
/// the one active User with that email, else a saved automatic mapping. An email shared by
/// several active Users maps to none of them (Salesforce does not keep User emails unique).
pub fn lookup_chat_user<'a>(
    chat_user: &str,
    mapping: &[UserMapping],
    users: &'a UserDirectory,
) -> ChatUserLookup<'a> {
    let mapped = |id: &str, via| ChatUserLookup::Mapped {
        user_id: id.to_string(),
        via,
        user: users.get(id),
    };
    if let Some(m) = entry(mapping, chat_user, UserMappingSource::Manual) {
        return mapped(&m.salesforce_user_id, MappedVia::Manual);
    }
    let same_email = users.active_with_email(chat_user);
    if let [only] = same_email.as_slice() {
        return mapped(&only.id, MappedVia::EmailMatch);
    }
    if let Some(m) = entry(mapping, chat_user, UserMappingSource::Auto) {
        return mapped(&m.salesforce_user_id, MappedVia::SavedAuto);
    }
    if same_email.len() > 1 {
        return ChatUserLookup::Ambiguous(same_email);
    }
    ChatUserLookup::Unmapped
}

// ---- suggestions ---------------------------------------------------------------------------

/// Why a suggestion proposes its User.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum SuggestionBasis {
    /// The admin's manual mapping, kept as it is.
    Manual,
    /// An active User has the chat user's email: mapped automatically.
    EmailMatch,
    /// A saved automatic mapping kept although no active User has that email today.
    SavedAuto,
    /// The User's name resembles the chat user's email: for the admin to confirm.
    NameSimilarity,
    /// Nothing to propose.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum MappingWarningCode {
    /// The mapping points to a deactivated User: Leads cannot be assigned to them.
    InactiveUser,
    /// The mapping points to an Id that is no User of the org.
    UserNotFound,
    /// The chat user has no mapping (a name suggestion still needs confirming).
    Unmapped,
    /// Several active Users have the chat user's email, so none is picked automatically.
    AmbiguousEmail,
    /// A saved automatic mapping points to another User than today's email match.
    AutoMappingChanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MappingWarning {
    pub code: MappingWarningCode,
    pub message: String,
}

/// A User the admin might pick, with how well the name matched (0 to 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UserCandidate {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub score: f64,
}

/// What the Routing screen shows for one chat user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UserMappingSuggestion {
    pub chat_user: String,
    /// The proposed (or kept) Salesforce User; None when nothing fits.
    pub salesforce_user_id: Option<String>,
    pub salesforce_user_name: Option<String>,
    pub basis: SuggestionBasis,
    /// Other active Users whose names resemble the chat user's, best first (at most 3).
    pub candidates: Vec<UserCandidate>,
    pub warnings: Vec<MappingWarning>,
}

impl UserMappingSuggestion {
    /// The mapping to save without asking: manual and automatic ones. A name similarity is a
    /// proposal; once the admin confirms it, it is saved as a manual mapping.
    pub fn mapping(&self) -> Option<UserMapping> {
        let source = match self.basis {
            SuggestionBasis::Manual => UserMappingSource::Manual,
            SuggestionBasis::EmailMatch | SuggestionBasis::SavedAuto => UserMappingSource::Auto,
            SuggestionBasis::NameSimilarity | SuggestionBasis::None => return None,
        };
        Some(UserMapping {
            chat_user: self.chat_user.clone(),
            salesforce_user_id: self.salesforce_user_id.clone()?,
            source,
        })
    }
}

/// Name scores at or above this are proposed (when one User is clearly best).
pub const SUGGEST_SCORE: f64 = 0.8;
/// Name scores at or above this are listed as candidates.
pub const CANDIDATE_SCORE: f64 = 0.5;
const MAX_CANDIDATES: usize = 3;

/// One suggestion per chat user: each of `chat_users` (in order, duplicates ignoring case
/// dropped), then each chat user that only `existing` mentions (stale mappings get their
/// warnings too).
///
/// Per chat user: a manual mapping is kept; else an active User with the same email
/// (case-insensitive) is mapped automatically; else a saved automatic mapping is kept; else
/// the active User whose name best resembles the email's local part (`sally.park`,
/// `spark`, `sallyp` all resemble "Sally Park") is proposed when its score reaches
/// [`SUGGEST_SCORE`] and no other User scores as well.
pub fn suggest_user_mapping(
    chat_users: &[String],
    sf_users: &[SalesforceUser],
    existing: &[UserMapping],
) -> Vec<UserMappingSuggestion> {
    let directory = UserDirectory::new(sf_users.iter().cloned());
    let mut seen = BTreeSet::new();
    let everyone = chat_users
        .iter()
        .map(String::as_str)
        .chain(existing.iter().map(|m| m.chat_user.as_str()));
    let mut out = Vec::new();
    for chat_user in everyone {
        let chat_user = chat_user.trim();
        if chat_user.is_empty() || !seen.insert(chat_user.to_lowercase()) {
            continue;
        }
        out.push(suggest_one(chat_user, &directory, existing));
    }
    out
}

fn suggest_one(
    chat_user: &str,
    directory: &UserDirectory,
    existing: &[UserMapping],
) -> UserMappingSuggestion {
    let mut suggestion = UserMappingSuggestion {
        chat_user: chat_user.to_string(),
        salesforce_user_id: None,
        salesforce_user_name: None,
        basis: SuggestionBasis::None,
        candidates: Vec::new(),
        warnings: Vec::new(),
    };
    let warn = |s: &mut UserMappingSuggestion, code, message: String| {
        s.warnings.push(MappingWarning { code, message })
    };
    let scored = name_candidates(chat_user, directory);

    match lookup_chat_user(chat_user, existing, directory) {
        ChatUserLookup::Mapped { user_id, via, user } => {
            suggestion.basis = match via {
                MappedVia::Manual => SuggestionBasis::Manual,
                MappedVia::EmailMatch => SuggestionBasis::EmailMatch,
                MappedVia::SavedAuto => SuggestionBasis::SavedAuto,
            };
            suggestion.salesforce_user_name = user.map(|u| u.name.clone());
            match user {
                None => warn(
                    &mut suggestion,
                    MappingWarningCode::UserNotFound,
                    format!("{chat_user} is mapped to {user_id}, which is no User of this org"),
                ),
                Some(u) if !u.is_active => warn(
                    &mut suggestion,
                    MappingWarningCode::InactiveUser,
                    format!(
                        "{chat_user} is mapped to {} ({}), who is inactive: Leads cannot be assigned to them",
                        u.name, u.id
                    ),
                ),
                Some(_) => {}
            }
            if via == MappedVia::EmailMatch {
                if let Some(saved) = entry(existing, chat_user, UserMappingSource::Auto)
                    .filter(|m| !same_id(&m.salesforce_user_id, &user_id))
                {
                    warn(
                        &mut suggestion,
                        MappingWarningCode::AutoMappingChanged,
                        format!(
                            "{chat_user} was mapped automatically to {}; today {} has that email",
                            saved.salesforce_user_id,
                            user.map_or(user_id.as_str(), |u| u.name.as_str())
                        ),
                    );
                }
            }
            suggestion.salesforce_user_id = Some(user_id);
        }
        ChatUserLookup::Ambiguous(users) => {
            let names: Vec<String> = users
                .iter()
                .map(|u| format!("{} ({})", u.name, u.id))
                .collect();
            warn(
                &mut suggestion,
                MappingWarningCode::AmbiguousEmail,
                format!(
                    "{} active Users have the email {chat_user}: {}; pick one",
                    users.len(),
                    names.join(", ")
                ),
            );
            warn(
                &mut suggestion,
                MappingWarningCode::Unmapped,
                format!("{chat_user} is not mapped to a Salesforce User"),
            );
            // Those Users are the obvious candidates, ahead of any name match.
            suggestion.candidates = users
                .iter()
                .map(|u| UserCandidate {
                    user_id: u.id.clone(),
                    name: u.name.clone(),
                    email: u.email.clone(),
                    score: 1.0,
                })
                .collect();
        }
        ChatUserLookup::Unmapped => {
            let best = scored.first().filter(|c| c.score >= SUGGEST_SCORE);
            let tied = best.is_some_and(|b| scored.get(1).is_some_and(|c| c.score >= b.score));
            match best {
                Some(b) if !tied => {
                    suggestion.basis = SuggestionBasis::NameSimilarity;
                    suggestion.salesforce_user_id = Some(b.user_id.clone());
                    suggestion.salesforce_user_name = Some(b.name.clone());
                    warn(
                        &mut suggestion,
                        MappingWarningCode::Unmapped,
                        format!(
                            "{chat_user} is not mapped; {} looks like the same person (confirm to map)",
                            b.name
                        ),
                    );
                }
                _ => warn(
                    &mut suggestion,
                    MappingWarningCode::Unmapped,
                    format!("{chat_user} is not mapped to a Salesforce User"),
                ),
            }
        }
    }
    if suggestion.candidates.is_empty() {
        suggestion.candidates = scored
            .into_iter()
            .filter(|c| {
                suggestion
                    .salesforce_user_id
                    .as_deref()
                    .is_none_or(|id| !same_id(id, &c.user_id))
            })
            .take(MAX_CANDIDATES)
            .collect();
    }
    suggestion
}

/// Active Users whose names resemble the chat user's, best first (ties by name, then Id).
fn name_candidates(chat_user: &str, directory: &UserDirectory) -> Vec<UserCandidate> {
    let mut scored: Vec<UserCandidate> = directory
        .iter()
        .filter(|u| u.is_active)
        .filter_map(|u| {
            let score = name_score(chat_user, u);
            (score >= CANDIDATE_SCORE).then(|| UserCandidate {
                user_id: u.id.clone(),
                name: u.name.clone(),
                email: u.email.clone(),
                score,
            })
        })
        .collect();
    scored.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.user_id.cmp(&b.user_id))
    });
    scored
}

/// How much a User looks like the person behind a chat email, from 0 to 1:
///
/// | local part vs "Sally Park"         | score |
/// |------------------------------------|-------|
/// | `sally.park`, `park_sally`         | 1.0   |
/// | `sallypark`, `parksally`           | 0.95  |
/// | same local part as the User's email or Username (another domain) | 0.9 |
/// | `spark`, `s.park`                  | 0.85  |
/// | `sallyp`, `sally.p`                | 0.8   |
/// | `park` (last name only)            | 0.6   |
/// | `sally` (first name only)          | 0.5   |
///
/// Case, accents, digits and a `+tag` are ignored.
pub fn name_score(chat_user: &str, user: &SalesforceUser) -> f64 {
    let local = local_part(chat_user);
    let tokens = local_tokens(&local);
    let name = tokens_of_name(&user.name);
    if tokens.is_empty() || name.is_empty() {
        return 0.0;
    }
    let joined: String = tokens.concat();
    let (first, last) = (&name[0], &name[name.len() - 1]);
    let mut score: f64 = 0.0;
    if name.len() >= 2 {
        let mut a = tokens.clone();
        let mut b = name.clone();
        a.sort();
        b.sort();
        if a == b {
            score = score.max(1.0);
        }
        if joined == format!("{first}{last}") || joined == format!("{last}{first}") {
            score = score.max(0.95);
        }
        let initial = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
        if joined == format!("{}{last}", initial(first)) {
            score = score.max(0.85);
        }
        if joined == format!("{first}{}", initial(last)) {
            score = score.max(0.8);
        }
        if joined == *last {
            score = score.max(0.6);
        }
    }
    if joined == *first {
        score = score.max(0.5);
    }
    for other in [&user.email, &user.username] {
        let theirs = local_tokens(&local_part(other)).concat();
        if !theirs.is_empty() && theirs == joined {
            score = score.max(0.9);
        }
    }
    score
}

/// The local part of an email without a `+tag`, folded.
fn local_part(email: &str) -> String {
    let local = email.rsplit_once('@').map_or(email, |(l, _)| l);
    let local = local.split('+').next().unwrap_or(local);
    fold_accents(&local.to_lowercase())
}

/// Letter runs of a local part: `sally.park2` gives `sally`, `park`.
fn local_tokens(local: &str) -> Vec<String> {
    local
        .split(|c: char| !c.is_alphabetic())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Name words without punctuation: `Siobhan O'Brien` gives `siobhan`, `obrien`.
fn tokens_of_name(name: &str) -> Vec<String> {
    fold_accents(&name.to_lowercase())
        .split(|c: char| c.is_whitespace() || c == '-')
        .map(|w| w.chars().filter(|c| c.is_alphabetic()).collect::<String>())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Accented Latin letters as their base letters (`José` and `jose` are one name).
fn fold_accents(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ą' => out.push('a'),
            'ç' | 'ć' | 'č' => out.push('c'),
            'ď' | 'đ' => out.push('d'),
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ī' => out.push('i'),
            'ł' => out.push('l'),
            'ñ' | 'ń' | 'ň' => out.push('n'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => out.push('o'),
            'ř' => out.push('r'),
            'ś' | 'š' => out.push('s'),
            'ť' => out.push('t'),
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => out.push('u'),
            'ý' | 'ÿ' => out.push('y'),
            'ź' | 'ż' | 'ž' => out.push('z'),
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, name: &str, email: &str, active: bool) -> SalesforceUser {
        SalesforceUser {
            id: id.into(),
            name: name.into(),
            email: email.into(),
            username: format!("{email}.org"),
            is_active: active,
        }
    }

    #[test]
    fn ids_compare_in_both_forms() {
        assert!(same_id("005000000000001AAA", "005000000000001"));
        assert!(!same_id("005000000000001", "005000000000002"));
        let d = UserDirectory::new([user("005000000000001AAA", "A", "a@x.example", true)]);
        assert!(d.get("005000000000001").is_some());
        assert!(d.get("005000000000001AAA").is_some());
    }

    #[test]
    fn name_scores() {
        let sally = user("005000000000001AAA", "Sally Park", "sp@corp.example", true);
        let score = |chat: &str| name_score(chat, &sally);
        assert_eq!(score("sally.park@chat.example"), 1.0);
        assert_eq!(score("Park_Sally@chat.example"), 1.0);
        assert_eq!(score("sallypark@chat.example"), 0.95);
        assert_eq!(score("sp+sales@elsewhere.example"), 0.9);
        assert_eq!(score("spark@chat.example"), 0.85);
        assert_eq!(score("s.park@chat.example"), 0.85);
        assert_eq!(score("sallyp@chat.example"), 0.8);
        assert_eq!(score("park@chat.example"), 0.6);
        assert_eq!(score("sally2@chat.example"), 0.5);
        assert_eq!(score("bob@chat.example"), 0.0);
        let jose = user("005000000000002AAA", "José Núñez", "jn@corp.example", true);
        assert_eq!(name_score("jose.nunez@chat.example", &jose), 1.0);
        let obrien = user(
            "005000000000003AAA",
            "Siobhan O'Brien",
            "so@x.example",
            true,
        );
        assert_eq!(name_score("siobhan.obrien@chat.example", &obrien), 1.0);
    }
}
