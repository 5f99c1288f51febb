//! The demo org: a local server that speaks the subset of Salesforce's REST and OAuth APIs that
//! Leadbridge uses, with Salesforce's JSON shapes, status codes and error bodies. It depends on
//! nothing in `leadbridge-core` (its own SOQL evaluation, records and describe data), so a
//! misunderstanding of Salesforce in one is caught by the other.
//!
//! # Running it
//!
//! In process (the app, tests, benchmarks), inside an existing tokio runtime:
//!
//! ```no_run
//! # async fn demo() -> Result<(), leadbridge_demo_org::DemoOrgError> {
//! use leadbridge_demo_org::{start, DemoOrgConfig};
//! let org = start(DemoOrgConfig { auto_approve: true, ..DemoOrgConfig::default() }).await?;
//! let login_url = org.base_url(); // http://127.0.0.1:PORT (also the instance URL)
//! // ... talk to it over HTTP ...
//! org.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! From the command line: `leadbridge demo-org [--listen 127.0.0.1:PORT] [--seed N]
//! [--auto-approve]` prints the base URL on its first line (flushed) and serves until Ctrl-C /
//! SIGTERM. The default address is the fixed `127.0.0.1:8710`, so a login URL saved against
//! the demo org keeps working across runs; `--listen 127.0.0.1:0` picks a free port.
//!
//! # Rust API
//!
//! - [`DemoOrgConfig`] `{ listen, seed, auto_approve, daily_api_limit, code_ttl }`; the
//!   default listens on `127.0.0.1:0`, seed 42, no auto-approve, 15,000 API calls a day.
//! - [`start`]`(config) -> Result<DemoOrg, DemoOrgError>`.
//! - [`DemoOrg`]: [`base_url`](DemoOrg::base_url), [`local_addr`](DemoOrg::local_addr),
//!   [`org_id`](DemoOrg::org_id), [`faults`](DemoOrg::faults) (a cloneable [`Faults`]),
//!   [`calls`](DemoOrg::calls) (the call log), [`api_calls`](DemoOrg::api_calls) (counters),
//!   [`set_lead_duplicate_rule`](DemoOrg::set_lead_duplicate_rule),
//!   [`set_lead_assignment_rule`](DemoOrg::set_lead_assignment_rule),
//!   [`set_opportunity_edit`](DemoOrg::set_opportunity_edit), [`reset`](DemoOrg::reset),
//!   [`shutdown`](DemoOrg::shutdown). Dropping the handle also stops the server.
//! - [`Faults`]: `set_latency(fixed, jitter)`, `fail_next(FailNext {..})`, `expire_sessions()`,
//!   `lock_next_records(n)`, `set_daily_api_limit(max, used)`, `clear()`.
//!
//! # The client app and OAuth
//!
//! Client id [`CLIENT_ID`] (`leadbridge-demo`), secret [`CLIENT_SECRET`]
//! (`leadbridge-demo-secret`); any loopback `redirect_uri` (`http://localhost:<port>/...`,
//! `http://127.0.0.1:<port>/...`) is accepted, anything else shows a `redirect_uri_mismatch`
//! page.
//!
//! - `GET /services/oauth2/authorize` (`response_type=code`, `client_id`, `redirect_uri`,
//!   `state`, `code_challenge`, `code_challenge_method=S256` (assumed when absent), `scope`
//!   (default `api refresh_token`), `prompt`, `login_hint` (a Username; default the admin)):
//!   an "Allow Access?" page with Allow / Deny, or with `auto_approve` an immediate redirect
//!   with `code` and `state`. Deny redirects with
//!   `error=access_denied&error_description=end-user denied authorization&state=...`.
//! - `POST /services/oauth2/token`: `authorization_code` (PKCE: base64url(sha256(verifier))
//!   must equal the challenge; a missing verifier is `invalid_grant`; codes are single-use and
//!   live 15 minutes; without PKCE the secret is required), `refresh_token` (rotation: each
//!   refresh returns a new refresh token and kills the old one, which then gets 400
//!   `{"error":"invalid_grant","error_description":"expired access/refresh token"}`),
//!   `client_credentials` (needs the secret; runs as the integration user). Responses carry
//!   `access_token`, `refresh_token` (code flow with the `refresh_token` scope), `signature`
//!   (base64 HMAC-SHA256 of `id + issued_at` keyed with the secret), `scope`, `instance_url`,
//!   `id` (`<base>/id/<orgId>/<userId>`), `token_type: "Bearer"`, `issued_at` (epoch ms as a
//!   string); no `expires_in`. Errors are `{"error","error_description"}` with 400
//!   (`invalid_client` is 401 when the client authenticated with HTTP Basic).
//! - `POST /services/oauth2/revoke` (`token=`), `GET /services/oauth2/userinfo`,
//!   `GET /id/<orgId>/<userId>`.
//!
//! # REST (`/services/data`)
//!
//! `GET /services/data` lists v59.0 to v66.0; any version from 31.0 to 66.0 is served, 7.0-30.0
//! answer 410 `GONE`. Every response under a version carries `Sforce-Limit-Info:
//! api-usage=N/M`. Resources: `/sobjects` (describeGlobal), `/sobjects/X` (info; POST create),
//! `/sobjects/X/describe`, `/sobjects/X/<id>` (GET `?fields=`, PATCH, DELETE),
//! `/sobjects/X/<Field>/<value>` (upsert by an external-id or idLookup field such as
//! `Lead/Email`: 201 created, 200 updated, 300 with the matching URLs when several match,
//! `?updateOnly=true`), `/query?q=` and `/queryAll?q=` with paging through `nextRecordsUrl`
//! (`Sforce-Query-Options: batchSize=N`, 200..2000, default 2000), `/composite/sobjects`
//! (collections, at most 200 records), `/composite` (at most 25 subrequests, 5 of them queries
//! or collections, `@{ref.path}` references, `allOrNone`, one API call), `/limits`.
//! `Sforce-Auto-Assign: FALSE` keeps the seeded Lead assignment rule (every Lead created or
//! updated goes to the "Lead Intake" user) from running.
//!
//! Objects: Lead, Contact, Account, Opportunity, OpportunityContactRole, Campaign,
//! CampaignMember, User, Task, with custom fields `Lead.Lead_Score__c` (double 18,0),
//! `Lead.Intent__c` (text 255), `Account.SDR__c` (lookup to User, relationship `SDR__r`) and
//! `Account.Domain__c` (text 255, external id).
//!
//! SOQL: `SELECT` fields (with parent paths such as `Owner.Name`, `Account.Owner.Email`) or
//! `COUNT()`, `FROM`, `WHERE` with `= != <> < > <= >= IN NOT IN LIKE AND OR NOT` and
//! parentheses, `null`, booleans, numbers, strings with SOQL escapes, dates, datetimes and the
//! relative date literals (`TODAY`, `LAST_N_DAYS:n`, `THIS_QUARTER`, ...), `ORDER BY` (ASC/DESC,
//! NULLS FIRST/LAST), `LIMIT`, `OFFSET`. Text compares case-insensitively. Errors:
//! `MALFORMED_QUERY` ("unexpected token: 'X'" with `ERROR at Row:R:Column:C`), `INVALID_FIELD`,
//! `INVALID_TYPE`, `INVALID_QUERY_FILTER_OPERATOR`; statements over 100,000 characters are
//! `MALFORMED_QUERY`; a request URI over 16,384 bytes is 414 (431 with headers).
//!
//! Bulk API 2.0 ingest (`/jobs/ingest`): create a job (`insert`, `update` or `delete`; CSV,
//! COMMA, LF or CRLF), `PUT .../batches` one `text/csv` upload (at most 150 MB), `PATCH
//! {"state":"UploadComplete"}` starts it (or `Aborted`), `GET` the job (`state`: Open,
//! UploadComplete, InProgress, JobComplete, Failed, Aborted; `numberRecordsProcessed`,
//! `numberRecordsFailed`, `errorMessage`), `GET /jobs/ingest` lists jobs, `DELETE` removes a
//! closed one. A background task writes the rows in chunks of 200 through the same validation
//! as REST (an empty cell leaves a field alone, `#N/A` clears it); `successfulResults`
//! (`sf__Id,sf__Created,...`), `failedResults` (`sf__Id,sf__Error,...`, the error as
//! `CODE:message:fields --`) and `unprocessedrecords` echo the uploaded columns. An unknown
//! column fails the job (`InvalidBatch : Field name not found : X`). Jobs never run the Lead
//! assignment rule unless created with an `assignmentRuleId`. `DailyBulkApiBatches` in
//! `/limits` counts one batch per 10,000 records of a job. Faults: `POST /__demo/bulk`
//! `{"failNextJobs", "failMessage", "chunkDelayMs", "hold"}` (or [`DemoOrg::set_bulk_faults`]),
//! `GET /__demo/bulk` (or [`DemoOrg::bulk_summary`]) counts jobs, uploads and states.
//!
//! Writes are validated from describe: `REQUIRED_FIELD_MISSING`, `STRING_TOO_LONG`,
//! `INVALID_FIELD`, `INVALID_FIELD_FOR_INSERT_UPDATE`, `JSON_PARSER_ERROR` (wrong JSON types),
//! `MALFORMED_ID`, `INVALID_CROSS_REFERENCE_KEY`, `INACTIVE_OWNER_OR_USER`,
//! `INVALID_EMAIL_ADDRESS`, `NUMBER_OUTSIDE_VALID_RANGE`, `DUPLICATE_VALUE` (a second
//! CampaignMember for the same Lead/Contact), `DUPLICATES_DETECTED` (the optional Lead
//! duplicate rule on Email), `INSUFFICIENT_ACCESS_OR_READONLY` (403, Opportunity edit denied).
//! A dead session is 401 `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`.
//!
//! # Seed data
//!
//! Deterministic from the seed: 12 active and 2 inactive Users (`first.last@demo-org.example`;
//! the admin `dana.whitfield@demo-org.example`, the client-credentials user
//! `integration.user@demo-org.example`, the assignment target `lead.intake@demo-org.example`),
//! 40 Accounts (owners, `SDR__c`, Industry, NumberOfEmployees, BillingCountry, Website,
//! `Domain__c`; two still owned by inactive users), about 60 Contacts, 80 Leads, the Campaign
//! [`CAMPAIGN_NAME`], and six Opportunities with contact roles and tasks. Fixed records for
//! any seed:
//!
//! - [`KNOWN_CONTACT_EMAIL`] `o'brien@harborlight.example`: Contact Siobhan O'Brien at Account
//!   "Harborlight Analytics" (`Domain__c` `harborlight.example`).
//! - [`KNOWN_LEAD_EMAIL`] `maya.lindqvist@fernbrook.example`: Lead Maya Lindqvist, Company
//!   "Fernbrook Studios", LeadSource "Website Chat", `Lead_Score__c` 72, created two days ago.
//! - [`DUPLICATE_LEAD_EMAIL`] `sam.twin@twinpeaks.example`: two Leads with this Email (one
//!   upper-cased), so an upsert on `Lead/Email` answers 300.
//!
//! # Control endpoint (`/__demo/`, no session needed)
//!
//! `GET /__demo/state`, `GET /__demo/calls` (the log: `seq, method, path, status, apiCall,
//! kind, injected`), `GET /__demo/api-calls` (`{total, byKind}`), and POST with JSON bodies:
//! `/__demo/latency {"fixedMs","jitterMs"}`, `/__demo/fail-next {"pathContains","count",
//! "status","errorCode","message","retryAfter"}`, `/__demo/expire-sessions`,
//! `/__demo/lock-rows {"count"}` (the next N records written fail with `UNABLE_TO_LOCK_ROW`),
//! `/__demo/api-limit {"max","used"}` (beyond it: 403 `REQUEST_LIMIT_EXCEEDED`),
//! `/__demo/duplicate-rule {"enabled"}`, `/__demo/assignment-rule {"enabled"}`,
//! `/__demo/opportunity-edit {"user": Id or Username, "allowed"}`, `/__demo/reset {"data"}`.
//!
//! # Not served (answered 404 `NOT_FOUND`, or MALFORMED_QUERY for SOQL)
//!
//! Bulk API, SOSL, sObject Collections upsert, SOQL subqueries, aggregates and `GROUP BY`,
//! `TYPEOF`, the `openid` scope (no `id_token`). Wording the demo org had to choose, because
//! Salesforce documents only the status: 414 `URI_TOO_LONG` / 431, 410 `GONE`, Composite's
//! over-limit 400 `LIMIT_EXCEEDED`. REST calls need a token with the `api` (or `full`) scope.
//!
//! API calls: every call under `/services/data/vXX.X` that passes the session and limit
//! checks counts once (a Composite request once in all); `/services/data`, OAuth, identity
//! and injected failures do not.

#![recursion_limit = "256"]

mod api;
mod bulk;
pub use bulk::BulkFaults;
mod control;
mod faults;
mod ids;
mod oauth;
mod record;
mod rest;
mod schema;
mod seed;
mod server;
mod soql;
mod state;
mod store;
mod time;
mod validate;

pub use store::Converted;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{ApiCallCounts, CallRecord, FailNext, Latency, PathKind, DEFAULT_DAILY_API_LIMIT};
pub use oauth::{CLIENT_ID, CLIENT_SECRET};
pub use rest::LATEST_VERSION;

use state::{lock, Engine, Shared};

/// A seeded Contact whose email has an apostrophe (a SOQL escaping case).
pub const KNOWN_CONTACT_EMAIL: &str = "o'brien@harborlight.example";
/// A seeded Lead tests can rely on.
pub const KNOWN_LEAD_EMAIL: &str = "maya.lindqvist@fernbrook.example";
/// The Email of two seeded Leads (so upsert by Email is ambiguous).
pub const DUPLICATE_LEAD_EMAIL: &str = "sam.twin@twinpeaks.example";
/// The seeded Campaign.
pub const CAMPAIGN_NAME: &str = "Website Chat Leads";

/// How to run a demo org.
#[derive(Clone, Debug)]
pub struct DemoOrgConfig {
    /// Where to listen; port 0 picks a free port. Default `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// Seed of the generated data. Default 42.
    pub seed: u64,
    /// Approve authorization requests at once, without the approval page. Default false.
    pub auto_approve: bool,
    /// `DailyApiRequests.Max`. Default 15,000.
    pub daily_api_limit: u64,
    /// Lifetime of authorization codes and pending approvals. Default 15 minutes.
    pub code_ttl: Duration,
}

impl Default for DemoOrgConfig {
    fn default() -> Self {
        DemoOrgConfig {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            seed: 42,
            auto_approve: false,
            daily_api_limit: DEFAULT_DAILY_API_LIMIT,
            code_ttl: Duration::from_secs(15 * 60),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DemoOrgError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// A running demo org. Dropping it stops the server; [`DemoOrg::shutdown`] also waits for it.
#[derive(Debug)]
pub struct DemoOrg {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Mutex<Option<oneshot::Sender<()>>>,
    task: Option<JoinHandle<()>>,
}

/// Starts a demo org on the current tokio runtime.
pub async fn start(config: DemoOrgConfig) -> Result<DemoOrg, DemoOrgError> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| DemoOrgError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| DemoOrgError::Bind {
        addr: config.listen,
        source,
    })?;
    // A wildcard listen address is reached through loopback.
    let host = if addr.ip().is_unspecified() {
        SocketAddr::from((Ipv4Addr::LOCALHOST, addr.port()))
    } else {
        addr
    };
    let base_url = format!("http://{host}");
    let mut faults = faults::SharedFaults::new();
    if let Ok(state) = faults.state.get_mut() {
        state.daily_api_limit = config.daily_api_limit;
    }
    let org = seed::seed_org(config.seed, chrono::Utc::now());
    let shared = Arc::new(Shared {
        config,
        base_url,
        engine: Mutex::new(Engine {
            org,
            cursors: rest::cursors::Cursors::default(),
            bulk: bulk::BulkJobs::default(),
        }),
        auth: Mutex::new(oauth::AuthState::default()),
        faults,
    });
    let app = server::router(shared.clone());
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
        if let Err(e) = served {
            tracing::error!(error = %e, "demo org server stopped with an error");
        }
    });
    tracing::info!(url = %shared.base_url, "demo org listening");
    Ok(DemoOrg {
        shared,
        addr,
        stop: Mutex::new(Some(tx)),
        task: Some(task),
    })
}

impl DemoOrg {
    /// `http://127.0.0.1:PORT`: the login URL and the instance URL.
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The 18-character organization id (`00D...`).
    pub fn org_id(&self) -> String {
        lock(&self.shared.engine).org.org_id.clone()
    }

    /// Fault injection.
    pub fn faults(&self) -> Faults {
        Faults {
            shared: self.shared.clone(),
        }
    }

    /// Every call so far (the control endpoint's calls excepted).
    pub fn calls(&self) -> Vec<CallRecord> {
        lock(&self.shared.faults.state).log.clone()
    }

    /// API calls counted so far.
    pub fn api_calls(&self) -> ApiCallCounts {
        lock(&self.shared.faults.state).counts.clone()
    }

    pub fn set_lead_duplicate_rule(&self, enabled: bool) {
        self.shared.set_lead_duplicate_rule(enabled);
    }

    pub fn set_lead_assignment_rule(&self, enabled: bool) {
        self.shared.set_lead_assignment_rule(enabled);
    }

    /// Grants or removes Edit on Opportunity for the user with this Id or Username; returns
    /// the user's Id.
    pub fn set_opportunity_edit(&self, user: &str, allowed: bool) -> Result<String, String> {
        self.shared.set_opportunity_edit(user, allowed)
    }

    /// Converts a Lead (Account, Contact, Opportunity, and the Lead's Converted* fields), as a
    /// salesperson would in Salesforce; returns the new records' Ids.
    pub fn convert_lead(&self, lead_id: &str) -> Result<Converted, String> {
        self.shared.convert_lead(lead_id)
    }

    /// Bulk API 2.0 faults (fail the next jobs, slow or hold processing).
    pub fn set_bulk_faults(&self, faults: BulkFaults) {
        self.shared.set_bulk_faults(faults);
    }

    /// Bulk API 2.0 jobs: `{jobs, uploads, byState, batchesUsed, faults}`.
    pub fn bulk_summary(&self) -> serde_json::Value {
        self.shared.bulk_summary()
    }

    /// Clears faults, the call log and counters; with `data`, re-seeds the records.
    pub fn reset(&self, data: bool) {
        self.shared.reset(data);
    }

    /// Stops accepting calls, lets open ones finish, and waits for the server to end.
    pub async fn shutdown(mut self) {
        if let Some(tx) = lock(&self.stop).take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for DemoOrg {
    fn drop(&mut self) {
        if let Some(tx) = lock(&self.stop).take() {
            let _ = tx.send(());
        }
    }
}

/// Fault injection on a running demo org (cheap to clone).
#[derive(Clone, Debug)]
pub struct Faults {
    shared: Arc<Shared>,
}

impl Faults {
    /// Every call waits `fixed` plus a random part of `jitter`.
    pub fn set_latency(&self, fixed: Duration, jitter: Duration) {
        self.shared.set_latency(control::latency(fixed, jitter));
    }

    /// The next `rule.count` calls whose path contains `rule.path_contains` fail as described.
    pub fn fail_next(&self, rule: FailNext) {
        self.shared.fail_next(rule);
    }

    /// Every access token dies (401 INVALID_SESSION_ID); refresh tokens keep working.
    pub fn expire_sessions(&self) {
        self.shared.expire_sessions();
    }

    /// The next `count` records written fail with UNABLE_TO_LOCK_ROW.
    pub fn lock_next_records(&self, count: u32) {
        self.shared.lock_next_records(count);
    }

    /// Sets `DailyApiRequests.Max` (and optionally the calls already used today).
    pub fn set_daily_api_limit(&self, max: u64, used: Option<u64>) {
        self.shared.set_daily_api_limit(max, used);
    }

    /// Removes latency, pending failures and lock faults.
    pub fn clear(&self) {
        self.shared.set_latency(Latency::default());
        lock(&self.shared.faults.state).failures.clear();
        self.shared.lock_next_records(0);
    }
}
