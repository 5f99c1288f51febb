//! Chat events in both seed payload shapes, validated into one typed [`Event`]. The file
//! importer and the webhook receiver both go through [`Event::from_value`], so a row in a file
//! and a POSTed body are held to exactly the same rules.
//!
//! Shapes: seed 000's `{"event","timestamp","lead":{...}}` and seed 003's
//! `{"event","timestamp","workspaceId","conversationId","data":{...},"signature"}` (the body's
//! `signature` is ignored: the webhook checks the `X-Signature-256` header instead).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use super::email;
use super::model::{ContactAgents, ContactEventKind};

/// Longest value of a plain text field (names, phone, company, country, intent, source,
/// workspaceId, conversationId, domain, a metadata key).
pub const MAX_TEXT_LEN: usize = 255;
/// Longest `website` or `conversationUrl`.
pub const MAX_URL_LEN: usize = 2048;
/// Largest `metadata` object, serialized as JSON.
pub const MAX_METADATA_BYTES: usize = 64 * 1024;
/// Largest `data` object of a conversation event, serialized as JSON.
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;

/// The event kinds seed 003 documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum EventKind {
    #[serde(rename = "lead.qualified")]
    LeadQualified,
    #[serde(rename = "conversation.escalated")]
    ConversationEscalated,
    #[serde(rename = "conversation.completed")]
    ConversationCompleted,
    #[serde(rename = "conversation.feedback")]
    ConversationFeedback,
    #[serde(rename = "guardrail.triggered")]
    GuardrailTriggered,
}

impl EventKind {
    pub const ALL: [EventKind; 5] = [
        EventKind::LeadQualified,
        EventKind::ConversationEscalated,
        EventKind::ConversationCompleted,
        EventKind::ConversationFeedback,
        EventKind::GuardrailTriggered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::LeadQualified => "lead.qualified",
            EventKind::ConversationEscalated => "conversation.escalated",
            EventKind::ConversationCompleted => "conversation.completed",
            EventKind::ConversationFeedback => "conversation.feedback",
            EventKind::GuardrailTriggered => "guardrail.triggered",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind as kept on the contact, for the events that are kept.
    pub fn kept(self) -> Option<ContactEventKind> {
        ContactEventKind::parse(self.as_str())
    }

    fn expected_list() -> String {
        EventKind::ALL
            .iter()
            .map(|k| k.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A validated chat event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    pub kind: EventKind,
    /// When it happened. Required in JSON; a CSV row may leave it out.
    pub timestamp: Option<DateTime<Utc>>,
    pub workspace_id: Option<String>,
    pub conversation_id: Option<String>,
    pub body: EventBody,
    /// Fields present in the input that Leadbridge does not use (reported as warnings).
    #[serde(skip)]
    pub ignored_fields: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum EventBody {
    /// `lead.qualified` (boxed: it is several times larger than the other variant).
    Lead(Box<Lead>),
    /// Every other kind: who it is about, and the body kept as received.
    Conversation(ConversationData),
}

/// The contact fields of a `lead.qualified` event, trimmed; empty strings are absent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lead {
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub website: Option<String>,
    /// The effective domain: `domain` as given, else the website's, else the email's unless
    /// free-mail.
    pub domain: Option<String>,
    pub country: Option<String>,
    pub qualification_score: Option<f64>,
    pub intent: Option<String>,
    pub source: Option<String>,
    pub conversation_url: Option<String>,
    /// Null and empty-string values are dropped: they never overwrite.
    pub metadata: Map<String, Value>,
    pub agents: ContactAgents,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConversationData {
    pub email: Option<String>,
    pub conversation_url: Option<String>,
    /// The `data` (or `lead`) object as received; empty when the event had none.
    pub payload: Map<String, Value>,
}

impl Event {
    /// The email the event is about, when it names one.
    pub fn email(&self) -> Option<&str> {
        match &self.body {
            EventBody::Lead(lead) => Some(&lead.email),
            EventBody::Conversation(c) => c.email.as_deref(),
        }
    }
}

/// A problem with one field of an event. `field` is the path in the input (`lead.email`,
/// `data.qualificationScore`, `timestamp`); empty for the event as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct ParseOptions {
    /// JSON events must carry a timestamp; CSV exports often have none.
    pub require_timestamp: bool,
}

impl ParseOptions {
    pub const JSON: ParseOptions = ParseOptions {
        require_timestamp: true,
    };
}

impl Event {
    /// Validates one event. Every field problem is reported, not just the first.
    pub fn from_value(value: &Value, options: ParseOptions) -> Result<Event, Vec<FieldError>> {
        let Value::Object(top) = value else {
            return Err(vec![FieldError::new(
                "",
                format!("expected an event object, got {}", type_name(value)),
            )]);
        };
        let mut p = Parser::default();

        let kind = match top.get("event") {
            None | Some(Value::Null) => {
                p.error(
                    "event",
                    format!("is required (one of {})", EventKind::expected_list()),
                );
                None
            }
            Some(Value::String(s)) => match EventKind::parse(s.trim()) {
                Some(k) => Some(k),
                None => {
                    p.error("event", unknown_kind_message(s));
                    None
                }
            },
            Some(other) => {
                p.error(
                    "event",
                    format!("expected a string, got {}", type_name(other)),
                );
                None
            }
        };

        let timestamp = match top.get("timestamp") {
            None | Some(Value::Null) => {
                if options.require_timestamp {
                    p.error(
                        "timestamp",
                        "is required (an RFC 3339 timestamp like 2026-04-05T14:30:00Z)",
                    );
                }
                None
            }
            Some(Value::String(s)) if options.require_timestamp || !s.trim().is_empty() => {
                match parse_timestamp(s) {
                    Ok(t) => Some(t),
                    Err(m) => {
                        p.error("timestamp", m);
                        None
                    }
                }
            }
            Some(Value::String(_)) => None,
            Some(other) => {
                p.error(
                    "timestamp",
                    format!(
                        "expected an RFC 3339 timestamp string, got {}",
                        type_name(other)
                    ),
                );
                None
            }
        };

        let (body_key, body) = match (top.get("lead"), top.get("data")) {
            (Some(_), Some(_)) => {
                p.error("data", "an event has either a `lead` (seed 000) or a `data` (seed 003) object, not both");
                ("data", None)
            }
            (Some(v), None) => ("lead", Some(v)),
            (None, Some(v)) => ("data", Some(v)),
            (None, None) => ("lead", None),
        };
        let errors_before_body = p.errors.len();
        let body = match body {
            None | Some(Value::Null) => None,
            Some(Value::Object(o)) => Some(o),
            Some(other) => {
                p.error(
                    body_key,
                    format!("expected an object, got {}", type_name(other)),
                );
                None
            }
        };
        let body_reported = p.errors.len() > errors_before_body;

        for key in top.keys() {
            let known = [
                "event",
                "timestamp",
                "workspaceId",
                "conversationId",
                "lead",
                "data",
                "signature",
            ];
            if !known.contains(&key.as_str()) {
                p.ignored.push(key.clone());
            }
        }

        let workspace_id = p.id_field(top, body, body_key, "workspaceId");
        let conversation_id = p.id_field(top, body, body_key, "conversationId");

        let body = match kind {
            Some(EventKind::LeadQualified) => match body {
                Some(obj) => p
                    .lead(obj, body_key)
                    .map(|lead| EventBody::Lead(Box::new(lead))),
                None if body_reported => None,
                None => {
                    p.error(body_key, "is required for lead.qualified: an object with the lead's fields (at least email)");
                    None
                }
            },
            Some(_) => Some(EventBody::Conversation(p.conversation(body, body_key))),
            None => None,
        };

        match (kind, body) {
            (Some(kind), Some(body)) if p.errors.is_empty() => Ok(Event {
                kind,
                timestamp,
                workspace_id,
                conversation_id,
                body,
                ignored_fields: p.ignored,
            }),
            _ => Err(p.errors),
        }
    }
}

/// The message for an `event` value that is not one of seed 003's kinds.
pub fn unknown_kind_message(kind: &str) -> String {
    format!(
        "unknown event kind `{kind}`; expected one of {}",
        EventKind::expected_list()
    )
}

pub fn parse_timestamp(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("`{s}` is not an RFC 3339 timestamp like 2026-04-05T14:30:00Z ({e})"))
}

#[derive(Default)]
struct Parser {
    errors: Vec<FieldError>,
    ignored: Vec<String>,
}

impl Parser {
    fn error(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// A workspace or conversation id: at the top level (seed 003) or inside the body.
    fn id_field(
        &mut self,
        top: &Map<String, Value>,
        body: Option<&Map<String, Value>>,
        body_key: &str,
        name: &str,
    ) -> Option<String> {
        let outer = self.text(top.get(name), name, MAX_TEXT_LEN);
        let inner_path = format!("{body_key}.{name}");
        let inner = body.and_then(|b| self.text(b.get(name), &inner_path, MAX_TEXT_LEN));
        match (outer, inner) {
            (Some(a), Some(b)) if a != b => {
                self.error(
                    inner_path,
                    format!("is `{b}` but the event's {name} is `{a}`"),
                );
                None
            }
            (a, b) => a.or(b),
        }
    }

    /// A trimmed string field; null and "" are absent.
    fn text(&mut self, value: Option<&Value>, field: &str, max: usize) -> Option<String> {
        match value {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => {
                let s = s.trim();
                let len = s.chars().count();
                if len > max {
                    self.error(
                        field,
                        format!("is {len} characters long; the maximum is {max}"),
                    );
                    None
                } else {
                    (!s.is_empty()).then(|| s.to_string())
                }
            }
            Some(other) => {
                self.error(
                    field,
                    format!("expected a string, got {}", type_name(other)),
                );
                None
            }
        }
    }

    fn email(&mut self, value: Option<&Value>, field: &str) -> Option<String> {
        // The length limit is part of the email check, whose message is more precise.
        let s = self.text(value, field, usize::MAX)?;
        match email::validate(&s) {
            Ok(()) => Some(s),
            Err(why) => {
                self.error(
                    field,
                    format!("`{}` is not a valid email address: it {why}", clip(&s)),
                );
                None
            }
        }
    }

    fn url(&mut self, value: Option<&Value>, field: &str) -> Option<String> {
        let s = self.text(value, field, MAX_URL_LEN)?;
        match url::Url::parse(&s) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Some(s),
            _ => {
                self.error(
                    field,
                    format!("`{}` is not an absolute http(s) URL", clip(&s)),
                );
                None
            }
        }
    }

    fn score(&mut self, value: Option<&Value>, field: &str) -> Option<f64> {
        match value {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => match n.as_f64() {
                Some(x) if (0.0..=100.0).contains(&x) => Some(x),
                _ => {
                    self.error(field, format!("must be between 0 and 100, got {n}"));
                    None
                }
            },
            Some(other) => {
                self.error(
                    field,
                    format!("expected a number from 0 to 100, got {}", type_name(other)),
                );
                None
            }
        }
    }

    fn lead(&mut self, obj: &Map<String, Value>, prefix: &str) -> Option<Lead> {
        let path = |name: &str| format!("{prefix}.{name}");
        let errors_before = self.errors.len();
        let email = match obj.get("email") {
            None | Some(Value::Null) => {
                self.error(path("email"), "is required");
                None
            }
            Some(Value::String(s)) if s.trim().is_empty() => {
                self.error(path("email"), "is required (it is empty)");
                None
            }
            v => self.email(v, &path("email")),
        };
        let first_name = self.text(obj.get("firstName"), &path("firstName"), MAX_TEXT_LEN);
        let last_name = self.text(obj.get("lastName"), &path("lastName"), MAX_TEXT_LEN);
        let phone = self.text(obj.get("phone"), &path("phone"), MAX_TEXT_LEN);
        let company = self.text(obj.get("company"), &path("company"), MAX_TEXT_LEN);
        let website = self.text(obj.get("website"), &path("website"), MAX_URL_LEN);
        let given_domain = self.text(obj.get("domain"), &path("domain"), MAX_TEXT_LEN);
        let given_domain = given_domain.and_then(|d| match email::website_domain(&d) {
            Some(domain) => Some(domain),
            None => {
                self.error(
                    path("domain"),
                    format!("`{}` is not a domain name like acme.com", clip(&d)),
                );
                None
            }
        });
        let country = self.text(obj.get("country"), &path("country"), MAX_TEXT_LEN);
        let qualification_score =
            self.score(obj.get("qualificationScore"), &path("qualificationScore"));
        let intent = self.text(obj.get("intent"), &path("intent"), MAX_TEXT_LEN);
        let source = self.text(obj.get("source"), &path("source"), MAX_TEXT_LEN);
        let conversation_url = self.url(obj.get("conversationUrl"), &path("conversationUrl"));
        let metadata = self.metadata(obj.get("metadata"), &path("metadata"));
        let agents = self.agents(obj.get("agents"), &path("agents"));

        const KNOWN: &[&str] = &[
            "email",
            "firstName",
            "lastName",
            "phone",
            "company",
            "website",
            "domain",
            "country",
            "qualificationScore",
            "intent",
            "source",
            "conversationUrl",
            "metadata",
            "agents",
            "workspaceId",
            "conversationId",
        ];
        for key in obj.keys().filter(|k| !KNOWN.contains(&k.as_str())) {
            self.ignored.push(path(key));
        }

        if self.errors.len() > errors_before {
            return None;
        }
        let email = email?;
        let domain = given_domain
            .or_else(|| website.as_deref().and_then(email::website_domain))
            .or_else(|| email::company_domain(&email));
        Some(Lead {
            email,
            first_name,
            last_name,
            phone,
            company,
            website,
            domain,
            country,
            qualification_score,
            intent,
            source,
            conversation_url,
            metadata,
            agents,
        })
    }

    fn metadata(&mut self, value: Option<&Value>, field: &str) -> Map<String, Value> {
        let mut out = Map::new();
        let obj = match value {
            None | Some(Value::Null) => return out,
            Some(Value::Object(o)) => o,
            Some(other) => {
                self.error(
                    field,
                    format!("expected an object, got {}", type_name(other)),
                );
                return out;
            }
        };
        for (key, v) in obj {
            let key_len = key.chars().count();
            if key.trim().is_empty() {
                self.error(field, "has an empty key");
                continue;
            }
            if key_len > MAX_TEXT_LEN {
                self.error(
                    field,
                    format!("has a key {key_len} characters long; the maximum is {MAX_TEXT_LEN}"),
                );
                continue;
            }
            let v = match v {
                Value::String(s) => Value::String(s.trim().to_string()),
                other => other.clone(),
            };
            if !is_empty_value(&v) {
                out.insert(key.clone(), v);
            }
        }
        let size = Value::Object(out.clone()).to_string().len();
        if size > MAX_METADATA_BYTES {
            self.error(
                field,
                format!("is {size} bytes as JSON; the maximum is {MAX_METADATA_BYTES}"),
            );
        }
        out
    }

    fn agents(&mut self, value: Option<&Value>, field: &str) -> ContactAgents {
        let obj = match value {
            None | Some(Value::Null) => return ContactAgents::default(),
            Some(Value::Object(o)) => o,
            Some(other) => {
                self.error(
                    field,
                    format!("expected an object, got {}", type_name(other)),
                );
                return ContactAgents::default();
            }
        };
        for key in obj.keys() {
            if !["meetingScheduledWith", "lastRouted", "closedBy"].contains(&key.as_str()) {
                self.ignored.push(format!("{field}.{key}"));
            }
        }
        ContactAgents {
            meeting_scheduled_with: self.email(
                obj.get("meetingScheduledWith"),
                &format!("{field}.meetingScheduledWith"),
            ),
            last_routed: self.email(obj.get("lastRouted"), &format!("{field}.lastRouted")),
            closed_by: self.email(obj.get("closedBy"), &format!("{field}.closedBy")),
        }
    }

    fn conversation(
        &mut self,
        body: Option<&Map<String, Value>>,
        prefix: &str,
    ) -> ConversationData {
        let Some(obj) = body else {
            return ConversationData {
                email: None,
                conversation_url: None,
                payload: Map::new(),
            };
        };
        let size = Value::Object(obj.clone()).to_string().len();
        if size > MAX_PAYLOAD_BYTES {
            self.error(
                prefix,
                format!("is {size} bytes as JSON; the maximum is {MAX_PAYLOAD_BYTES}"),
            );
        }
        ConversationData {
            email: self.email(obj.get("email"), &format!("{prefix}.email")),
            conversation_url: self.url(
                obj.get("conversationUrl"),
                &format!("{prefix}.conversationUrl"),
            ),
            payload: obj.clone(),
        }
    }
}

/// Null, "" and whitespace-only strings carry no value: they never overwrite one.
pub fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

pub fn type_name(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(s) => format!("a string (\"{}\")", clip(s)),
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// Long input is cut in messages so one bad field cannot flood the report.
fn clip(s: &str) -> String {
    const MAX: usize = 80;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}

/// Field names of all errors, for tests and logs.
pub fn fields_of(errors: &[FieldError]) -> HashSet<&str> {
    errors.iter().map(|e| e.field.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(v: Value) -> Result<Event, Vec<FieldError>> {
        Event::from_value(&v, ParseOptions::JSON)
    }

    fn seed000() -> Value {
        json!({
            "event": "lead.qualified",
            "timestamp": "2026-04-05T14:30:00Z",
            "lead": {
                "email": "prospect@company.com",
                "phone": "+1-555-0142",
                "firstName": "Alex",
                "lastName": "Chen",
                "qualificationScore": 87,
                "intent": "enterprise_demo",
                "source": "website_widget",
                "conversationUrl": "https://app.hoverbot.ai/conversations/sf-abc123",
                "metadata": {"companySize": "200-500", "industry": "Technology", "budget": "50k-100k"}
            }
        })
    }

    #[test]
    fn parses_seed_000_example() {
        let e = parse(seed000()).unwrap();
        assert_eq!(e.kind, EventKind::LeadQualified);
        assert_eq!(
            e.timestamp.unwrap().to_rfc3339(),
            "2026-04-05T14:30:00+00:00"
        );
        let EventBody::Lead(lead) = e.body else {
            panic!("lead expected")
        };
        assert_eq!(lead.email, "prospect@company.com");
        assert_eq!(lead.qualification_score, Some(87.0));
        assert_eq!(
            lead.domain.as_deref(),
            Some("company.com"),
            "derived from a non-free-mail email"
        );
        let keys: Vec<_> = lead.metadata.keys().cloned().collect();
        assert_eq!(
            keys,
            ["companySize", "industry", "budget"],
            "metadata keeps the sender's order"
        );
        assert!(e.ignored_fields.is_empty());
    }

    #[test]
    fn parses_seed_003_shape_and_ignores_body_signature() {
        let e = parse(json!({
            "event": "lead.qualified",
            "timestamp": "2026-04-05T16:30:00+02:00",
            "workspaceId": "ws_abc123",
            "conversationId": "conv_xyz789",
            "data": {"email": "visitor@gmail.com", "qualificationScore": 82.5, "intent": "product_demo",
                     "website": "https://www.visitor-co.io/pricing",
                     "conversationUrl": "https://app.hoverbot.ai/conversations/conv_xyz789",
                     "agents": {"closedBy": "sam@hoverbot.example"}},
            "signature": "sha256=abc"
        }))
        .unwrap();
        assert_eq!(e.workspace_id.as_deref(), Some("ws_abc123"));
        assert_eq!(e.conversation_id.as_deref(), Some("conv_xyz789"));
        assert_eq!(
            e.timestamp.unwrap().to_rfc3339(),
            "2026-04-05T14:30:00+00:00",
            "normalised to UTC"
        );
        assert!(
            e.ignored_fields.is_empty(),
            "signature is silently ignored: {:?}",
            e.ignored_fields
        );
        let EventBody::Lead(lead) = e.body else {
            panic!()
        };
        assert_eq!(
            lead.domain.as_deref(),
            Some("visitor-co.io"),
            "website wins over a free-mail email"
        );
        assert_eq!(
            lead.agents.closed_by.as_deref(),
            Some("sam@hoverbot.example")
        );
    }

    #[test]
    fn explicit_domain_wins_and_free_mail_gives_none() {
        let mut v = seed000();
        v["lead"]["email"] = json!("alex@gmail.com");
        let EventBody::Lead(lead) = parse(v.clone()).unwrap().body else {
            panic!()
        };
        assert_eq!(lead.domain, None);
        v["lead"]["domain"] = json!("WWW.Acme.com");
        v["lead"]["website"] = json!("https://other.org");
        let EventBody::Lead(lead) = parse(v).unwrap().body else {
            panic!()
        };
        assert_eq!(lead.domain.as_deref(), Some("acme.com"));
    }

    #[test]
    fn conversation_events_keep_their_payload() {
        let e = parse(json!({
            "event": "conversation.feedback", "timestamp": "2026-04-05T15:00:00Z",
            "workspaceId": "ws_1", "conversationId": "conv_1",
            "data": {"rating": 5, "comment": "great"}
        }))
        .unwrap();
        assert_eq!(e.kind, EventKind::ConversationFeedback);
        let EventBody::Conversation(c) = e.body else {
            panic!()
        };
        assert_eq!(c.payload["rating"], json!(5));
        assert_eq!(c.email, None);
        let completed = parse(
            json!({"event": "conversation.completed", "timestamp": "2026-04-05T15:00:00Z",
                                      "conversationId": "conv_1"}),
        )
        .unwrap();
        assert_eq!(completed.kind, EventKind::ConversationCompleted);
    }

    #[test]
    fn reports_every_bad_field_with_its_path() {
        let errs = parse(json!({
            "event": "lead.qualified",
            "timestamp": "yesterday",
            "data": {"email": "not-an-email", "qualificationScore": 120, "firstName": 42,
                     "conversationUrl": "ftp://x", "metadata": [1], "agents": {"lastRouted": "bob"}}
        }))
        .unwrap_err();
        let fields = fields_of(&errs);
        for f in [
            "timestamp",
            "data.email",
            "data.qualificationScore",
            "data.firstName",
            "data.conversationUrl",
            "data.metadata",
            "data.agents.lastRouted",
        ] {
            assert!(fields.contains(f), "{f} missing from {errs:?}");
        }
        let score = errs
            .iter()
            .find(|e| e.field == "data.qualificationScore")
            .unwrap();
        assert!(
            score.message.contains("between 0 and 100, got 120"),
            "{}",
            score.message
        );
        let name = errs.iter().find(|e| e.field == "data.firstName").unwrap();
        assert_eq!(name.message, "expected a string, got a number (42)");
    }

    #[test]
    fn score_as_json_string_is_a_type_error() {
        let mut v = seed000();
        v["lead"]["qualificationScore"] = json!("87");
        let errs = parse(v).unwrap_err();
        assert_eq!(
            errs,
            vec![FieldError::new(
                "lead.qualificationScore",
                "expected a number from 0 to 100, got a string (\"87\")"
            )]
        );
    }

    #[test]
    fn missing_email_event_and_timestamp() {
        let errs = parse(json!({"lead": {"firstName": "A"}})).unwrap_err();
        let fields = fields_of(&errs);
        assert!(
            fields.contains("event") && fields.contains("timestamp"),
            "{errs:?}"
        );
        let errs = parse(
            json!({"event": "lead.qualified", "timestamp": "2026-04-05T14:30:00Z",
                                "lead": {"firstName": "A", "email": "  "}}),
        )
        .unwrap_err();
        assert_eq!(errs[0].field, "lead.email");
        assert!(errs[0].message.contains("required"));
        let errs = parse(json!({"event": "lead.qualified", "timestamp": "2026-04-05T14:30:00Z"}))
            .unwrap_err();
        assert_eq!(errs[0].field, "lead");
    }

    #[test]
    fn unknown_event_kind_names_the_known_ones() {
        let errs = parse(
            json!({"event": "lead.created", "timestamp": "2026-04-05T14:30:00Z", "lead": {}}),
        )
        .unwrap_err();
        assert_eq!(errs[0].field, "event");
        assert!(errs[0]
            .message
            .contains("unknown event kind `lead.created`"));
        assert!(errs[0].message.contains("guardrail.triggered"));
    }

    #[test]
    fn length_limits_name_the_limit() {
        let mut v = seed000();
        v["lead"]["company"] = json!("x".repeat(256));
        v["lead"]["conversationUrl"] = json!(format!("https://a.example/{}", "p".repeat(2048)));
        let errs = parse(v).unwrap_err();
        let company = errs.iter().find(|e| e.field == "lead.company").unwrap();
        assert_eq!(
            company.message,
            "is 256 characters long; the maximum is 255"
        );
        let url = errs
            .iter()
            .find(|e| e.field == "lead.conversationUrl")
            .unwrap();
        assert!(url.message.contains("maximum is 2048"), "{}", url.message);
    }

    #[test]
    fn conflicting_ids_and_two_bodies_are_errors() {
        let errs = parse(json!({"event": "lead.qualified", "timestamp": "2026-04-05T14:30:00Z",
                                "conversationId": "a", "data": {"email": "a@b.co", "conversationId": "b"}}))
        .unwrap_err();
        assert_eq!(errs[0].field, "data.conversationId");
        let errs = parse(
            json!({"event": "lead.qualified", "timestamp": "2026-04-05T14:30:00Z",
                                "lead": {"email": "a@b.co"}, "data": {"email": "a@b.co"}}),
        )
        .unwrap_err();
        assert_eq!(errs[0].field, "data");
    }

    #[test]
    fn unknown_fields_are_reported_as_ignored_and_empty_values_dropped() {
        let mut v = seed000();
        v["lead"]["jobTitle"] = json!("CTO");
        v["lead"]["metadata"]["empty"] = json!("  ");
        v["lead"]["metadata"]["nothing"] = json!(null);
        v["lead"]["phone"] = json!("");
        v["extra"] = json!(1);
        let e = parse(v).unwrap();
        assert_eq!(e.ignored_fields, ["extra", "lead.jobTitle"]);
        let EventBody::Lead(lead) = e.body else {
            panic!()
        };
        assert_eq!(lead.phone, None);
        assert!(!lead.metadata.contains_key("empty") && !lead.metadata.contains_key("nothing"));
    }
}
