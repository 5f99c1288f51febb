//! The chat side of a mapping row: field paths into a `lead.qualified` event's lead object,
//! what kind of value each standard one holds, and what Leadbridge knows about the fields
//! actually seen (discovered by the contacts module, passed in as [`ChatFields`]).

use std::collections::{BTreeMap, BTreeSet};

/// What a chat field's values look like, for type checks against Salesforce fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// Free text.
    Text,
    Email,
    Phone,
    Url,
    /// A number (`qualificationScore`: 0–100).
    Score,
    /// An RFC 3339 timestamp.
    DateTime,
    /// A value whose type is not known in advance (`metadata.*`, discovered fields).
    Unknown,
}

/// The fields of seed 000's `lead` and seed 003's `data` objects, plus the optional extras
/// PRODUCT.md names, with their kinds. `metadata.<key>` is always accepted besides these.
pub const STANDARD_CHAT_FIELDS: &[(&str, SourceKind)] = &[
    ("email", SourceKind::Email),
    ("phone", SourceKind::Phone),
    ("firstName", SourceKind::Text),
    ("lastName", SourceKind::Text),
    ("company", SourceKind::Text),
    ("qualificationScore", SourceKind::Score),
    ("intent", SourceKind::Text),
    ("source", SourceKind::Text),
    ("conversationUrl", SourceKind::Url),
    ("website", SourceKind::Url),
    ("domain", SourceKind::Text),
    ("country", SourceKind::Text),
    ("timestamp", SourceKind::DateTime),
    ("conversationId", SourceKind::Text),
    ("workspaceId", SourceKind::Text),
    ("agents.meetingScheduledWith", SourceKind::Email),
    ("agents.lastRouted", SourceKind::Email),
    ("agents.closedBy", SourceKind::Email),
];

/// The standard field paths, for callers that have no discovered fields to add.
pub fn standard_chat_field_paths() -> Vec<String> {
    STANDARD_CHAT_FIELDS
        .iter()
        .map(|(path, _)| path.to_string())
        .collect()
}

/// The kind of a source path's values.
pub fn source_kind(path: &str) -> SourceKind {
    STANDARD_CHAT_FIELDS
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, kind)| *kind)
        .unwrap_or(SourceKind::Unknown)
}

/// Whether `path` is a well-formed field path: dot-separated names of letters, digits, `_`
/// and `-` (metadata keys come from customers' chat configuration and may use dashes).
pub fn is_field_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('.').all(|seg| {
            !seg.is_empty()
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
}

/// Whether `path` is a `metadata.<key>` path (always accepted: metadata is free-form).
pub fn is_metadata_path(path: &str) -> bool {
    path.strip_prefix("metadata.")
        .is_some_and(|key| !key.is_empty())
}

/// What is known about the chat fields: the paths seen in events (standard plus discovered)
/// and, where observed, the longest value seen for a path (for length warnings).
#[derive(Debug, Clone, Default)]
pub struct ChatFields {
    paths: BTreeSet<String>,
    longest: BTreeMap<String, u32>,
}

impl ChatFields {
    /// The standard fields plus `discovered` ones (paths seen in imported or received
    /// events); no length observations. The standard fields are always known: they are the
    /// event format, whether or not a contact has arrived yet.
    pub fn new(discovered: &[String]) -> ChatFields {
        let paths = STANDARD_CHAT_FIELDS
            .iter()
            .map(|(p, _)| p.to_string())
            .chain(discovered.iter().cloned())
            .collect();
        ChatFields {
            paths,
            longest: BTreeMap::new(),
        }
    }

    /// The standard fields only, for when nothing has been discovered yet.
    pub fn standard() -> ChatFields {
        ChatFields::new(&[])
    }

    /// Records the longest value seen for `path` (in characters).
    pub fn with_longest(mut self, path: &str, chars: u32) -> ChatFields {
        self.longest.insert(path.to_string(), chars);
        self
    }

    pub fn is_known(&self, path: &str) -> bool {
        is_metadata_path(path) || self.paths.contains(path)
    }

    pub fn longest(&self, path: &str) -> Option<u32> {
        self.longest.get(path).copied()
    }
}

/// The `{placeholder}` paths of a template, or a description of what is malformed in it.
pub fn template_placeholders(template: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = template;
    let mut offset = 0;
    while let Some(i) = rest.find(['{', '}']) {
        if rest.as_bytes()[i] == b'}' {
            return Err(format!(
                "'}}' at character {} has no opening '{{'",
                offset + i + 1
            ));
        }
        let after = &rest[i + 1..];
        let Some(close) = after
            .find(['{', '}'])
            .filter(|&c| after.as_bytes()[c] == b'}')
        else {
            return Err(format!(
                "'{{' at character {} is not closed",
                offset + i + 1
            ));
        };
        let name = after[..close].trim();
        if name.is_empty() {
            return Err(format!("empty placeholder at character {}", offset + i + 1));
        }
        out.push(name);
        let consumed = i + 1 + close + 1;
        offset += consumed;
        rest = &rest[consumed..];
    }
    Ok(out)
}

/// Renders a template, replacing each `{path}` with `value(path)` (empty when `None`).
/// A malformed template renders as written, so a bad name never blocks a delivery.
pub fn render_template(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    if template_placeholders(template).is_err() {
        return template.to_string();
    }
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').unwrap_or(after.len());
        out.push_str(&value(after[..close].trim()).unwrap_or_default());
        rest = after.get(close + 1..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_paths() {
        assert!(is_field_path("email"));
        assert!(is_field_path("metadata.company-size_2"));
        assert!(!is_field_path(""));
        assert!(!is_field_path("metadata."));
        assert!(!is_field_path("a..b"));
        assert!(!is_field_path("first name"));
        assert!(is_metadata_path("metadata.x"));
        assert!(!is_metadata_path("metadata"));
    }

    #[test]
    fn chat_fields_know_standard_and_metadata_paths() {
        let f = ChatFields::new(&["lead.custom".to_string()]).with_longest("email", 40);
        assert!(f.is_known("email"));
        assert!(f.is_known("lead.custom"));
        assert!(f.is_known("metadata.budget"));
        assert!(!f.is_known("phoneNumber"));
        assert_eq!(f.longest("email"), Some(40));
        assert!(ChatFields::standard().is_known("qualificationScore"));
        assert_eq!(source_kind("qualificationScore"), SourceKind::Score);
        assert_eq!(source_kind("metadata.x"), SourceKind::Unknown);
    }

    #[test]
    fn templates() {
        assert_eq!(
            template_placeholders("{company} - {intent}").unwrap(),
            ["company", "intent"]
        );
        assert_eq!(
            template_placeholders("no placeholders").unwrap(),
            Vec::<&str>::new()
        );
        assert!(template_placeholders("{company")
            .unwrap_err()
            .contains("not closed"));
        assert!(template_placeholders("company}")
            .unwrap_err()
            .contains("no opening"));
        assert!(template_placeholders("{ }").unwrap_err().contains("empty"));
        assert!(template_placeholders("{a{b}}").is_err());
        let rendered = render_template("{company} - {intent}", |p| {
            (p == "company").then(|| "Acme".to_string())
        });
        assert_eq!(rendered, "Acme - ");
        assert_eq!(render_template("{broken", |_| Some("x".into())), "{broken");
    }
}
