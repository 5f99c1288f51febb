//! The control endpoint under `/__demo/` and the operations behind it, shared with the Rust
//! handle. It needs no session: it is for the tests and benchmarks on this machine.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::ApiResponse;
use crate::faults::{FailNext, Latency};
use crate::rest::to_http;
use crate::schema::Schema;
use crate::seed;
use crate::state::{lock, Shared};

pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/__demo/state", get(state))
        .route("/__demo/calls", get(calls))
        .route("/__demo/api-calls", get(api_calls))
        .route("/__demo/latency", post(set_latency))
        .route("/__demo/fail-next", post(fail_next))
        .route("/__demo/expire-sessions", post(expire_sessions))
        .route("/__demo/lock-rows", post(lock_rows))
        .route("/__demo/api-limit", post(api_limit))
        .route("/__demo/duplicate-rule", post(duplicate_rule))
        .route("/__demo/assignment-rule", post(assignment_rule))
        .route("/__demo/opportunity-edit", post(opportunity_edit))
        .route("/__demo/reset", post(reset))
        .route("/__demo/convert-lead", post(convert_lead))
        .route("/__demo/bulk", get(bulk_state).post(bulk_faults))
}

/// The control operations, called by the endpoint and by [`crate::DemoOrg`].
impl Shared {
    pub fn set_latency(&self, latency: Latency) {
        lock(&self.faults.state).latency = latency;
    }

    pub fn fail_next(&self, rule: FailNext) {
        if rule.count > 0 {
            lock(&self.faults.state).failures.push(rule);
        }
    }

    pub fn expire_sessions(&self) {
        lock(&self.auth).expire_sessions();
    }

    pub fn lock_next_records(&self, count: u32) {
        self.faults.lock_rows.store(count, Ordering::SeqCst);
    }

    pub fn set_daily_api_limit(&self, max: u64, used: Option<u64>) {
        let mut f = lock(&self.faults.state);
        f.daily_api_limit = max;
        if let Some(u) = used {
            f.api_used = u;
        }
    }

    pub fn set_lead_duplicate_rule(&self, enabled: bool) {
        lock(&self.engine).org.settings.lead_duplicate_rule = enabled;
    }

    pub fn set_lead_assignment_rule(&self, enabled: bool) {
        lock(&self.engine).org.settings.lead_assignment_rule = enabled;
    }

    /// Grants or removes Edit on Opportunity for a user given by Id or Username.
    pub fn set_opportunity_edit(&self, user: &str, allowed: bool) -> Result<String, String> {
        let mut engine = lock(&self.engine);
        let users = Schema::get().object("User").ok_or("no User object")?;
        let id = engine
            .org
            .table(users)
            .find(|u| {
                u.get("Id")
                    .and_then(Value::as_str)
                    .is_some_and(|i| crate::ids::to_18(user).as_deref() == Some(i))
                    || u.get("Username")
                        .and_then(Value::as_str)
                        .is_some_and(|n| n.eq_ignore_ascii_case(user))
            })
            .and_then(|u| u.get("Id").and_then(Value::as_str))
            .map(str::to_string)
            .ok_or_else(|| format!("no user with Id or Username '{user}'"))?;
        if allowed {
            engine.org.settings.opportunity_edit_denied.remove(&id);
        } else {
            engine
                .org
                .settings
                .opportunity_edit_denied
                .insert(id.clone());
        }
        Ok(id)
    }

    /// Converts a Lead as a salesperson would in Salesforce (see `store::convert`), as the admin.
    pub fn convert_lead(&self, lead: &str) -> Result<crate::store::Converted, String> {
        let mut engine = lock(&self.engine);
        let admin = engine.org.users.admin.clone();
        engine.org.convert_lead(lead, &admin)
    }

    /// Clears faults, the call log and counters; with `data`, re-seeds the records too.
    /// Sessions stay valid.
    pub fn reset(&self, data: bool) {
        {
            let mut f = lock(&self.faults.state);
            let limit = self.config.daily_api_limit;
            *f = crate::faults::FaultState::new();
            f.daily_api_limit = limit;
        }
        self.faults.lock_rows.store(0, Ordering::SeqCst);
        lock(&self.engine).bulk.faults = crate::bulk::BulkFaults::default();
        if data {
            let mut engine = lock(&self.engine);
            engine.bulk = crate::bulk::BulkJobs::default();
            engine.org = seed::seed_org(self.config.seed, chrono::Utc::now());
            engine.cursors.clear();
        }
    }
}

fn body<T: DeserializeOwned>(raw: &Bytes) -> Result<T, ApiResponse> {
    let text = if raw.is_empty() { &b"{}"[..] } else { &raw[..] };
    serde_json::from_slice(text)
        .map_err(|e| ApiResponse::error(400, "JSON_PARSER_ERROR", e.to_string()))
}

fn ok() -> axum::response::Response {
    to_http(ApiResponse::json(200, json!({ "ok": true })))
}

async fn state(State(s): State<Arc<Shared>>) -> axum::response::Response {
    let f = lock(&s.faults.state);
    let settings = lock(&s.engine).org.settings.clone();
    to_http(ApiResponse::json(
        200,
        json!({
            "latency": f.latency,
            "failures": f.failures,
            "dailyApiLimit": f.daily_api_limit,
            "apiUsed": f.api_used,
            "lockRows": s.faults.lock_rows.load(Ordering::SeqCst),
            "leadDuplicateRule": settings.lead_duplicate_rule,
            "leadAssignmentRule": settings.lead_assignment_rule,
            "opportunityEditDenied": settings.opportunity_edit_denied.iter().collect::<Vec<_>>(),
        }),
    ))
}

async fn calls(State(s): State<Arc<Shared>>) -> axum::response::Response {
    let log = lock(&s.faults.state).log.clone();
    to_http(ApiResponse::json(200, json!(log)))
}

async fn api_calls(State(s): State<Arc<Shared>>) -> axum::response::Response {
    let counts = lock(&s.faults.state).counts.clone();
    to_http(ApiResponse::json(200, json!(counts)))
}

async fn set_latency(State(s): State<Arc<Shared>>, raw: Bytes) -> axum::response::Response {
    match body::<Latency>(&raw) {
        Ok(l) => {
            s.set_latency(l);
            ok()
        }
        Err(r) => to_http(r),
    }
}

async fn fail_next(State(s): State<Arc<Shared>>, raw: Bytes) -> axum::response::Response {
    match body::<FailNext>(&raw) {
        Ok(rule) => {
            s.fail_next(rule);
            ok()
        }
        Err(r) => to_http(r),
    }
}

async fn expire_sessions(State(s): State<Arc<Shared>>) -> axum::response::Response {
    s.expire_sessions();
    ok()
}

#[derive(Deserialize)]
struct Count {
    count: u32,
}

async fn lock_rows(State(s): State<Arc<Shared>>, raw: Bytes) -> axum::response::Response {
    match body::<Count>(&raw) {
        Ok(c) => {
            s.lock_next_records(c.count);
            ok()
        }
        Err(r) => to_http(r),
    }
}

#[derive(Deserialize)]
struct ApiLimit {
    max: u64,
    #[serde(default)]
    used: Option<u64>,
}

async fn api_limit(State(s): State<Arc<Shared>>, raw: Bytes) -> axum::response::Response {
    match body::<ApiLimit>(&raw) {
        Ok(l) => {
            s.set_daily_api_limit(l.max, l.used);
            ok()
        }
        Err(r) => to_http(r),
    }
}

#[derive(Deserialize)]
struct Enabled {
    enabled: bool,
}

async fn duplicate_rule(State(s): State<Arc<Shared>>, raw: Bytes) -> axum::response::Response {
    match body::<Enabled>(&raw) {
        Ok(e) => {
            s.set_lead_duplicate_rule(e.enabled);
            ok()
        }
        Err(r) => to_http(r),
    }
}

async fn assignment_rule(State(s): State<Arc<Shared>>, raw: Bytes) -> axum::response::Response {
    match body::<Enabled>(&raw) {
        Ok(e) => {
            s.set_lead_assignment_rule(e.enabled);
            ok()
        }
        Err(r) => to_http(r),
    }
}

#[derive(Deserialize)]
struct OpportunityEdit {
    user: String,
    allowed: bool,
}

async fn opportunity_edit(State(s): State<Arc<Shared>>, raw: Bytes) -> axum::response::Response {
    match body::<OpportunityEdit>(&raw) {
        Ok(o) => match s.set_opportunity_edit(&o.user, o.allowed) {
            Ok(id) => to_http(ApiResponse::json(200, json!({ "ok": true, "userId": id }))),
            Err(msg) => to_http(ApiResponse::error(404, "NOT_FOUND", msg)),
        },
        Err(r) => to_http(r),
    }
}

#[derive(Deserialize, Default)]
struct Reset {
    #[serde(default)]
    data: bool,
}

async fn reset(State(s): State<Arc<Shared>>, raw: Bytes) -> axum::response::Response {
    match body::<Reset>(&raw) {
        Ok(r) => {
            s.reset(r.data);
            ok()
        }
        Err(r) => to_http(r),
    }
}

/// Sets the Bulk API 2.0 faults (replacing the earlier ones).
impl Shared {
    pub fn set_bulk_faults(&self, faults: crate::bulk::BulkFaults) {
        lock(&self.engine).bulk.faults = faults;
    }

    pub fn bulk_summary(&self) -> Value {
        lock(&self.engine).bulk.summary()
    }
}

async fn bulk_state(State(s): State<Arc<Shared>>) -> axum::response::Response {
    to_http(ApiResponse::json(200, s.bulk_summary()))
}

async fn bulk_faults(State(s): State<Arc<Shared>>, raw: Bytes) -> axum::response::Response {
    match body::<crate::bulk::BulkFaults>(&raw) {
        Ok(f) => {
            s.set_bulk_faults(f);
            ok()
        }
        Err(r) => to_http(r),
    }
}

/// Latency from durations (the Rust API takes `Duration`s).
pub fn latency(fixed: Duration, jitter: Duration) -> Latency {
    Latency {
        fixed_ms: fixed.as_millis() as u64,
        jitter_ms: jitter.as_millis() as u64,
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConvertLead {
    lead_id: String,
}

async fn convert_lead(State(s): State<Arc<Shared>>, raw: Bytes) -> axum::response::Response {
    match body::<ConvertLead>(&raw) {
        Ok(c) => match s.convert_lead(&c.lead_id) {
            Ok(done) => to_http(ApiResponse::json(200, json!(done))),
            Err(msg) => to_http(ApiResponse::error(400, "INVALID_STATUS", msg)),
        },
        Err(r) => to_http(r),
    }
}
