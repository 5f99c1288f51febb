//! Fault injection and inspection: latency, failing the next calls to a path, expiring every
//! session, row-lock errors, a daily API limit, the call log and API-call counters. Driven by
//! the Rust handle ([`crate::Faults`]) and the control endpoint (`/__demo/...`).

use std::collections::BTreeMap;
use std::sync::atomic::AtomicU32;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Default `DailyApiRequests.Max`: a Developer Edition org's allowance.
pub const DEFAULT_DAILY_API_LIMIT: u64 = 15_000;

/// Added latency: every call waits `fixed + random(0..=jitter)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Latency {
    pub fixed_ms: u64,
    pub jitter_ms: u64,
}

/// "Fail the next `count` calls whose path (with query string) contains `path_contains`."
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailNext {
    pub path_contains: String,
    pub count: u32,
    /// HTTP status, e.g. 503, 500, 429.
    pub status: u16,
    /// The `errorCode` of the REST error body, e.g. `SERVER_UNAVAILABLE`.
    pub error_code: String,
    pub message: String,
    /// Seconds for a `Retry-After` header, if any.
    #[serde(default)]
    pub retry_after: Option<u64>,
}

/// What a logged call was, by path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathKind {
    /// `/services/oauth2/*`.
    Oauth,
    /// The identity URL `/id/<org>/<user>`.
    Identity,
    /// `GET /services/data` (the versions list).
    Versions,
    /// `GET /services/data/vXX.X` (the resources list).
    Resources,
    /// `GET /sobjects`.
    DescribeGlobal,
    /// `/sobjects/X/describe`.
    Describe,
    /// Single-record sObject calls (`/sobjects/X`, `/sobjects/X/id`, upsert).
    Sobject,
    /// `/query` or `/queryAll` with `q=`.
    Query,
    /// `/query/<locator>` (the next page).
    QueryMore,
    /// `/composite/sobjects`.
    Collections,
    /// `/composite`.
    Composite,
    /// `/limits`.
    Limits,
    /// `/jobs/ingest...` (Bulk API 2.0 ingest).
    BulkIngest,
    /// Anything else.
    Other,
}

impl PathKind {
    /// Classifies a request path.
    pub fn classify(path: &str) -> PathKind {
        if path.starts_with("/services/oauth2") {
            return PathKind::Oauth;
        }
        if path.starts_with("/id/") {
            return PathKind::Identity;
        }
        let Some(rest) = path.strip_prefix("/services/data") else {
            return PathKind::Other;
        };
        let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        match segs.as_slice() {
            [] => PathKind::Versions,
            [_] => PathKind::Resources,
            [_, "sobjects"] => PathKind::DescribeGlobal,
            [_, "sobjects", _, "describe", ..] => PathKind::Describe,
            [_, "sobjects", ..] => PathKind::Sobject,
            [_, "query" | "queryAll"] => PathKind::Query,
            [_, "query" | "queryAll", _] => PathKind::QueryMore,
            [_, "composite", "sobjects", ..] => PathKind::Collections,
            [_, "composite"] => PathKind::Composite,
            [_, "limits"] => PathKind::Limits,
            [_, "jobs", "ingest", ..] => PathKind::BulkIngest,
            _ => PathKind::Other,
        }
    }
}

/// One call in the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallRecord {
    pub seq: u64,
    pub method: String,
    /// The path without the query string (which may carry codes or tokens).
    pub path: String,
    pub status: u16,
    /// Whether the call counted against the daily API limit.
    pub api_call: bool,
    pub kind: PathKind,
    /// Whether an injected fault answered it.
    pub injected: bool,
}

/// API calls counted since start (or the last reset).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiCallCounts {
    pub total: u64,
    pub by_kind: BTreeMap<PathKind, u64>,
}

/// The mutable fault state behind the handle and the control endpoint.
#[derive(Debug, Default)]
pub struct FaultState {
    pub latency: Latency,
    pub failures: Vec<FailNext>,
    pub daily_api_limit: u64,
    /// API requests used today (`DailyApiRequests.Max - Remaining`).
    pub api_used: u64,
    pub log: Vec<CallRecord>,
    pub counts: ApiCallCounts,
}

impl FaultState {
    pub fn new() -> Self {
        FaultState {
            daily_api_limit: DEFAULT_DAILY_API_LIMIT,
            ..FaultState::default()
        }
    }

    /// Takes the first failure rule matching `target`, consuming one of its calls.
    pub fn take_failure(&mut self, target: &str) -> Option<FailNext> {
        let i = self
            .failures
            .iter()
            .position(|f| f.count > 0 && target.contains(&f.path_contains))?;
        let rule = &mut self.failures[i];
        rule.count -= 1;
        let hit = rule.clone();
        if rule.count == 0 {
            self.failures.remove(i);
        }
        Some(hit)
    }

    /// The delay for the next call.
    pub fn delay(&self) -> Duration {
        let Latency {
            fixed_ms,
            jitter_ms,
        } = self.latency;
        let jitter = if jitter_ms > 0 {
            use rand::Rng;
            rand::rng().random_range(0..=jitter_ms)
        } else {
            0
        };
        Duration::from_millis(fixed_ms + jitter)
    }

    pub fn record(&mut self, mut call: CallRecord) {
        call.seq = self.log.len() as u64 + 1;
        if call.api_call {
            self.counts.total += 1;
            *self.counts.by_kind.entry(call.kind).or_insert(0) += 1;
        }
        self.log.push(call);
    }
}

/// Fault state shared by the server and the handle.
#[derive(Debug)]
pub struct SharedFaults {
    pub state: Mutex<FaultState>,
    /// Records still to fail with UNABLE_TO_LOCK_ROW.
    pub lock_rows: AtomicU32,
}

impl SharedFaults {
    pub fn new() -> Self {
        SharedFaults {
            state: Mutex::new(FaultState::new()),
            lock_rows: AtomicU32::new(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_classify_by_resource() {
        assert_eq!(PathKind::classify("/services/data"), PathKind::Versions);
        assert_eq!(
            PathKind::classify("/services/data/v66.0/query"),
            PathKind::Query
        );
        assert_eq!(
            PathKind::classify("/services/data/v66.0/query/01gDm-2000"),
            PathKind::QueryMore
        );
        assert_eq!(
            PathKind::classify("/services/data/v66.0/sobjects/Lead/describe"),
            PathKind::Describe
        );
        assert_eq!(
            PathKind::classify("/services/data/v66.0/composite/sobjects"),
            PathKind::Collections
        );
        assert_eq!(
            PathKind::classify("/services/oauth2/token"),
            PathKind::Oauth
        );
    }

    #[test]
    fn failure_rules_are_consumed_in_order() {
        let mut s = FaultState::new();
        s.failures.push(FailNext {
            path_contains: "/query".into(),
            count: 2,
            status: 503,
            error_code: "SERVER_UNAVAILABLE".into(),
            message: "busy".into(),
            retry_after: Some(1),
        });
        assert!(s
            .take_failure("/services/data/v66.0/sobjects/Lead")
            .is_none());
        assert!(s.take_failure("/services/data/v66.0/query?q=x").is_some());
        assert!(s.take_failure("/services/data/v66.0/query?q=x").is_some());
        assert!(s.take_failure("/services/data/v66.0/query?q=x").is_none());
    }
}
