//! Transport-neutral requests and responses of the REST API. The HTTP layer and Composite
//! subrequests both go through the same dispatcher with these types, so a subrequest behaves
//! exactly like the call it stands for.

use serde_json::{json, Value};

/// A REST response before it becomes HTTP.
#[derive(Clone, Debug)]
pub struct ApiResponse {
    pub status: u16,
    pub body: Option<Value>,
    pub headers: Vec<(&'static str, String)>,
}

impl ApiResponse {
    pub fn json(status: u16, body: Value) -> Self {
        ApiResponse {
            status,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    pub fn no_content() -> Self {
        ApiResponse {
            status: 204,
            body: None,
            headers: Vec::new(),
        }
    }

    /// Salesforce's REST error body: a JSON array with one `{message, errorCode}` entry.
    pub fn error(status: u16, code: &str, message: impl Into<String>) -> Self {
        ApiResponse::json(
            status,
            json!([{ "message": message.into(), "errorCode": code }]),
        )
    }

    pub fn not_found() -> Self {
        ApiResponse::error(404, "NOT_FOUND", "The requested resource does not exist")
    }

    pub fn method_not_allowed(method: &str, allowed: &str) -> Self {
        ApiResponse::error(
            405,
            "METHOD_NOT_ALLOWED",
            format!("HTTP Method '{method}' not allowed. Allowed are {allowed}"),
        )
        .with_header("Allow", allowed.replace(' ', ""))
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// An error about one record, as DML reports it. Single-record calls render it as
/// `[{message, errorCode, fields}]`; collections as `{statusCode, message, fields}`.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordError {
    pub code: &'static str,
    pub message: String,
    pub fields: Vec<String>,
    /// Extra members some codes carry (DUPLICATES_DETECTED's `duplicateResult`).
    pub extra: Option<Box<(&'static str, Value)>>,
    /// The HTTP status a single-record call answers with.
    pub status: u16,
}

impl RecordError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        RecordError {
            code,
            message: message.into(),
            fields: Vec::new(),
            extra: None,
            status: 400,
        }
    }

    pub fn field(mut self, name: &str) -> Self {
        self.fields.push(name.to_string());
        self
    }

    pub fn fields(mut self, names: Vec<String>) -> Self {
        self.fields = names;
        self
    }

    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// The REST (single record) form.
    pub fn rest_json(&self) -> Value {
        let mut v =
            json!({ "message": self.message, "errorCode": self.code, "fields": self.fields });
        if let (Some(extra), Value::Object(m)) = (&self.extra, &mut v) {
            m.insert(extra.0.to_string(), extra.1.clone());
        }
        v
    }

    /// The sObject Collections / SaveResult form.
    pub fn save_result_json(&self) -> Value {
        let mut v =
            json!({ "statusCode": self.code, "message": self.message, "fields": self.fields });
        if let (Some(extra), Value::Object(m)) = (&self.extra, &mut v) {
            m.insert(extra.0.to_string(), extra.1.clone());
        }
        v
    }
}

/// The REST response for a list of record errors (all of one record).
pub fn record_errors_response(errors: &[RecordError]) -> ApiResponse {
    let status = errors.first().map(|e| e.status).unwrap_or(400);
    ApiResponse::json(
        status,
        Value::Array(errors.iter().map(RecordError::rest_json).collect()),
    )
}

/// Headers of the incoming call that change REST behaviour.
#[derive(Clone, Debug)]
pub struct CallOptions {
    /// `Sforce-Auto-Assign`: TRUE (default), FALSE, or an assignment rule id.
    pub auto_assign: bool,
    /// `Sforce-Query-Options: batchSize=N`, clamped to 200..=2000.
    pub batch_size: usize,
}

impl Default for CallOptions {
    fn default() -> Self {
        CallOptions {
            auto_assign: true,
            batch_size: 2000,
        }
    }
}

impl CallOptions {
    /// Reads the options from header values; `get` returns a header by (case-insensitive) name.
    pub fn from_headers<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Self {
        let mut opts = CallOptions::default();
        opts.apply(get);
        opts
    }

    /// Overrides options with the headers present (Composite subrequest `httpHeaders`).
    pub fn apply<'a>(&mut self, get: impl Fn(&str) -> Option<&'a str>) {
        if let Some(v) = get("Sforce-Auto-Assign") {
            // FALSE turns assignment rules off; TRUE or a rule id (01Q...) runs them.
            self.auto_assign = !v.trim().eq_ignore_ascii_case("false");
        }
        if let Some(v) = get("Sforce-Query-Options") {
            for part in v.split(',') {
                let mut kv = part.splitn(2, '=');
                let key = kv.next().unwrap_or("").trim();
                let value = kv.next().unwrap_or("").trim();
                if key.eq_ignore_ascii_case("batchSize") {
                    if let Ok(n) = value.parse::<usize>() {
                        // Documented range 200..2000; Salesforce treats the value as a hint.
                        self.batch_size = n.clamp(200, 2000);
                    }
                }
            }
        }
    }
}
