//! Composite requests (`POST /composite`): up to 25 subrequests in one API call, of which at
//! most 5 may be queries or sObject Collections calls; subrequests may refer to each other
//! with `@{referenceId.field}` (salesforce-facts.md B4). Everything is checked before sending.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::api_error;
use crate::{Error, Result};

pub const MAX_SUBREQUESTS: usize = 25;
/// Query and sObject Collections subrequests allowed in one composite call.
pub const MAX_QUERY_OR_COLLECTION_SUBREQUESTS: usize = 5;
/// Headers Salesforce sets itself on subrequests; a subrequest must not carry them.
const FORBIDDEN_SUBREQUEST_HEADERS: &[&str] = &["accept", "authorization", "content-type"];

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompositeSubrequest {
    /// `GET`, `POST`, `PATCH`, `PUT` or `DELETE`.
    pub method: String,
    /// A path starting `/services/data/vXX.X/`.
    pub url: String,
    pub reference_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub http_headers: BTreeMap<String, String>,
}

impl CompositeSubrequest {
    pub fn new(method: &str, url: impl Into<String>, reference_id: impl Into<String>) -> Self {
        CompositeSubrequest {
            method: method.to_string(),
            url: url.into(),
            reference_id: reference_id.into(),
            body: None,
            http_headers: BTreeMap::new(),
        }
    }

    pub fn with_body(mut self, body: serde_json::Value) -> Self {
        self.body = Some(body);
        self
    }

    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.http_headers.insert(name.into(), value.into());
        self
    }

    /// Queries (`/query`, `/queryAll`, and their `nextRecordsUrl` pages) and sObject
    /// Collections (`/composite/sobjects`) count against the limit of 5.
    fn is_query_or_collection(&self) -> bool {
        let path = self.url.split('?').next().unwrap_or_default();
        let mut segments = path.split('/').filter(|s| !s.is_empty());
        // services / data / vXX.X / <resource> ...
        let resource: Vec<&str> = segments.by_ref().skip(3).take(2).collect();
        matches!(
            resource.as_slice(),
            ["query" | "queryAll", ..] | ["composite", "sobjects"]
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompositeSubresponse {
    #[serde(default)]
    pub body: serde_json::Value,
    #[serde(default)]
    pub http_headers: BTreeMap<String, String>,
    pub http_status_code: u16,
    pub reference_id: String,
}

impl CompositeSubresponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.http_status_code)
    }

    /// The subrequest's failure as an error (same mapping as a top-level REST answer).
    pub fn error(&self) -> Option<Error> {
        if self.is_success() {
            return None;
        }
        let body = serde_json::to_vec(&self.body).unwrap_or_default();
        Some(api_error::from_rest_response(
            self.http_status_code,
            &body,
            None,
            &format!("composite subrequest {}", self.reference_id),
        ))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CompositeResponse {
    pub composite_response: Vec<CompositeSubresponse>,
}

/// Refuses a composite call Salesforce would refuse, naming the subrequest at fault.
pub fn validate(subrequests: &[CompositeSubrequest]) -> Result<()> {
    if subrequests.is_empty() {
        return Err(Error::invalid_input(
            "a composite request needs at least one subrequest",
        ));
    }
    if subrequests.len() > MAX_SUBREQUESTS {
        return Err(Error::invalid_input(format!(
            "{} subrequests in one composite request; Salesforce accepts at most {MAX_SUBREQUESTS}",
            subrequests.len()
        )));
    }
    let mut seen = HashSet::new();
    let mut heavy = 0;
    for (i, s) in subrequests.iter().enumerate() {
        let at = |why: String| {
            Error::invalid_input(format!(
                "composite subrequest {} ({:?}): {why}",
                i + 1,
                s.reference_id
            ))
        };
        if s.reference_id.is_empty()
            || !s
                .reference_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(at("the referenceId must be letters, digits and '_'".into()));
        }
        if !seen.insert(s.reference_id.as_str()) {
            return Err(at("the referenceId is used twice".into()));
        }
        if !matches!(
            s.method.as_str(),
            "GET" | "POST" | "PATCH" | "PUT" | "DELETE"
        ) {
            return Err(at(format!(
                "method {:?} is not GET, POST, PATCH, PUT or DELETE",
                s.method
            )));
        }
        if !s.url.starts_with("/services/data/v") {
            return Err(at(format!(
                "the url {:?} must start with /services/data/vXX.X/",
                s.url
            )));
        }
        if let Some(h) = s
            .http_headers
            .keys()
            .find(|h| FORBIDDEN_SUBREQUEST_HEADERS.contains(&h.to_ascii_lowercase().as_str()))
        {
            return Err(at(format!(
                "the {h} header is set by Salesforce; a subrequest must not carry it"
            )));
        }
        if s.is_query_or_collection() {
            heavy += 1;
        }
    }
    if heavy > MAX_QUERY_OR_COLLECTION_SUBREQUESTS {
        return Err(Error::invalid_input(format!(
            "{heavy} query or sObject Collections subrequests in one composite request; Salesforce accepts at most {MAX_QUERY_OR_COLLECTION_SUBREQUESTS}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(url: &str, r: &str) -> CompositeSubrequest {
        CompositeSubrequest::new("GET", url, r)
    }

    #[test]
    fn accepts_25_with_5_queries() {
        let mut subs: Vec<_> = (0..5)
            .map(|i| {
                get(
                    "/services/data/v66.0/query/?q=SELECT+Id+FROM+Lead",
                    &format!("q{i}"),
                )
            })
            .collect();
        subs.extend((0..20).map(|i| {
            CompositeSubrequest::new(
                "POST",
                "/services/data/v66.0/sobjects/Lead",
                format!("lead_{i}"),
            )
            .with_body(serde_json::json!({"LastName": "X"}))
            .with_header("Sforce-Auto-Assign", "FALSE")
        }));
        validate(&subs).unwrap();
        let json = serde_json::to_value(&subs[5]).unwrap();
        assert_eq!(json["referenceId"], "lead_0");
        assert_eq!(json["httpHeaders"]["Sforce-Auto-Assign"], "FALSE");
        assert!(serde_json::to_value(&subs[0])
            .unwrap()
            .get("body")
            .is_none());
    }

    #[test]
    fn refuses_what_salesforce_refuses() {
        let many: Vec<_> = (0..26)
            .map(|i| {
                get(
                    "/services/data/v66.0/sobjects/Lead/00Q000000000001",
                    &format!("r{i}"),
                )
            })
            .collect();
        assert!(validate(&many).unwrap_err().message.contains("at most 25"));

        let mut six: Vec<_> = (0..3)
            .map(|i| get("/services/data/v66.0/query?q=x", &format!("q{i}")))
            .collect();
        six.push(get("/services/data/v66.0/queryAll/?q=x", "qa"));
        six.push(CompositeSubrequest::new(
            "POST",
            "/services/data/v66.0/composite/sobjects",
            "c1",
        ));
        validate(&six).unwrap();
        six.push(get(
            "/services/data/v66.0/query/01gD000000000001-2000",
            "next",
        ));
        assert!(validate(&six).unwrap_err().message.contains("at most 5"));

        let dup = vec![
            get("/services/data/v66.0/limits", "a"),
            get("/services/data/v66.0/limits", "a"),
        ];
        assert!(validate(&dup).unwrap_err().message.contains("used twice"));
        let bad_ref = vec![get("/services/data/v66.0/limits", "a-b")];
        assert!(validate(&bad_ref).is_err());
        let bad_url = vec![get("https://evil.example/services/data/v66.0/limits", "a")];
        assert!(validate(&bad_url)
            .unwrap_err()
            .message
            .contains("/services/data/"));
        let auth =
            vec![get("/services/data/v66.0/limits", "a").with_header("Authorization", "Bearer x")];
        assert!(validate(&auth)
            .unwrap_err()
            .message
            .contains("Authorization"));
        let method = vec![CompositeSubrequest::new(
            "HEAD",
            "/services/data/v66.0/limits",
            "a",
        )];
        assert!(validate(&method).is_err());
        assert!(validate(&[]).is_err());
    }

    #[test]
    fn subresponse_errors_map_like_rest_errors() {
        let body = r#"{"compositeResponse":[
            {"body":{"id":"00Q000000000001AAA","success":true,"errors":[]},"httpHeaders":{"Location":"/x"},"httpStatusCode":201,"referenceId":"lead"},
            {"body":[{"errorCode":"PROCESSING_HALTED","message":"The transaction was rolled back since another operation in the same transaction failed."}],"httpHeaders":{},"httpStatusCode":400,"referenceId":"member"}]}"#;
        let parsed: CompositeResponse = serde_json::from_str(body).unwrap();
        let [ok, failed] = parsed.composite_response.as_slice() else {
            panic!()
        };
        assert!(ok.error().is_none());
        let e = failed.error().unwrap();
        assert_eq!(
            e.details.unwrap().salesforce_code.as_deref(),
            Some("PROCESSING_HALTED")
        );
    }
}
