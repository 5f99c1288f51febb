//! The REST client every feature uses. One per connected profile; cheap to clone (clones
//! share the connection pool and the API-call counter).
//!
//! - Authentication: the access token comes from the keyring; on a 401 (Salesforce says
//!   `INVALID_SESSION_ID` when a session expires) the client renews it once and retries.
//!   Renewal is a refresh-token grant (storing the rotated refresh token at once) or, for
//!   client-credentials profiles, a new client-credentials grant. Only one renewal per
//!   profile runs at a time; the others wait and use its result.
//! - Accounting: `Sforce-Limit-Info` is tracked per profile, and every call Salesforce counts
//!   against the daily API quota increments [`SalesforceClient::api_calls`].
//! - Logging: method, resource path (no query string), status and duration. Never headers,
//!   bodies or tokens.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use reqwest::header::{HeaderMap, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::api_error;
use super::composite::{self, CompositeResponse, CompositeSubrequest, CompositeSubresponse};
use super::describe::SObjectDescribe;
use super::http::{build_client, HttpOptions};
use super::limits::{parse_limit_info, ApiUsage, OrgLimits};
use super::login_host::ServiceUrl;
use super::oauth::token::TokenEndpoint;
use super::query::{
    QueryOptions, QueryPage, QueryResult, Record, HEADER_ALLOWANCE_BYTES, MAX_URI_AND_HEADERS_BYTES,
};
use super::records::{
    check_collection_size, collection_record, validate_record_id, validate_sobject_name,
    DescribeGlobal, NewRecord, RecordUpdate, SaveResult, WriteOptions,
};
use super::secret::Secret;
use super::session::{self, lock, Session};
use super::token_vault::{TokenKind, TokenVault};
use crate::profiles::{self, FlowKind, OrgProfile};
use crate::store::Store;
use crate::{Error, ErrorCode, Result};

/// A Salesforce client bound to one org profile.
#[derive(Clone)]
pub struct SalesforceClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    profile: OrgProfile,
    instance: ServiceUrl,
    login: ServiceUrl,
    /// `<instance>/services/data/vXX.X`
    data_base: String,
    vault: TokenVault,
    session: Arc<Session>,
    api_calls: AtomicU64,
}

/// A successful answer.
struct Answer {
    status: u16,
    body: Vec<u8>,
}

/// Takes a streamed answer's chunks as they arrive.
pub type ChunkSink<'a> = &'a mut (dyn FnMut(&[u8]) -> Result<()> + Send);

/// How a call's answer is taken: its media type, and whole (`sink: None`) or chunk by chunk.
struct Receive<'a> {
    accept: &'a str,
    sink: Option<ChunkSink<'a>>,
}

impl<'a> Receive<'a> {
    fn whole(accept: &'a str) -> Receive<'a> {
        Receive { accept, sink: None }
    }
}

/// A request body that is not JSON: its media type and where its bytes come from.
#[derive(Debug, Clone)]
pub struct Payload {
    pub content_type: &'static str,
    pub body: Body,
}

#[derive(Debug, Clone)]
pub enum Body {
    Bytes(bytes::Bytes),
    /// A file streamed as it is sent, never read whole (a Bulk API upload of up to 150 MB);
    /// opened again for a resend after the session was renewed.
    File(PathBuf),
}

impl Body {
    /// Sets the request's body. A file goes with its length, so the upload is not chunked.
    async fn attach(&self, request: reqwest::RequestBuilder) -> Result<reqwest::RequestBuilder> {
        Ok(match self {
            // Bytes clone by reference count: a resend after renewal copies nothing.
            Body::Bytes(bytes) => request.body(bytes.clone()),
            Body::File(path) => {
                let cannot = |e: std::io::Error| {
                    Error::new(
                        ErrorCode::Io,
                        format!("cannot read the upload file {}: {e}", path.display()),
                    )
                };
                let file = tokio::fs::File::open(path).await.map_err(cannot)?;
                let len = file.metadata().await.map_err(cannot)?.len();
                request
                    .header(CONTENT_LENGTH, len)
                    .body(reqwest::Body::wrap_stream(
                        tokio_util::io::ReaderStream::with_capacity(file, 256 * 1024),
                    ))
            }
        })
    }
}

/// A JSON answer of [`SalesforceClient::send_json`]: `body` is `None` for 204 No Content.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonAnswer {
    pub status: u16,
    pub body: Option<Value>,
}

impl SalesforceClient {
    /// A client for a saved profile: the named one, or the active one.
    pub fn open(
        store: &Store,
        vault: &TokenVault,
        profile: Option<&str>,
    ) -> Result<SalesforceClient> {
        let profile = profiles::resolve(store, profile)?;
        SalesforceClient::for_profile(profile, vault.clone(), HttpOptions::default())
    }

    pub fn for_profile(
        profile: OrgProfile,
        vault: TokenVault,
        options: HttpOptions,
    ) -> Result<SalesforceClient> {
        let instance = ServiceUrl::parse(&profile.instance_url, "instance URL")?;
        let login = ServiceUrl::parse(&profile.login_url, "login URL")?;
        let data_base = instance.join(&format!("/services/data/v{}", profile.api_version));
        let session = session::shared(&session_key(&vault, &profile.name));
        Ok(SalesforceClient {
            inner: Arc::new(Inner {
                http: build_client(options)?,
                profile,
                instance,
                login,
                data_base,
                vault,
                session,
                api_calls: AtomicU64::new(0),
            }),
        })
    }

    pub fn profile(&self) -> &OrgProfile {
        &self.inner.profile
    }

    pub fn api_version(&self) -> &str {
        &self.inner.profile.api_version
    }

    /// Calls made through this client (and its clones) that count against the org's daily
    /// API quota: every REST call Salesforce answered, except rejected sessions.
    pub fn api_calls(&self) -> u64 {
        self.inner.api_calls.load(Ordering::Relaxed)
    }

    /// The org's API usage from the latest `Sforce-Limit-Info` header seen for this profile.
    pub fn api_usage(&self) -> Option<ApiUsage> {
        lock(&self.inner.session.usage).clone()
    }

    /// How many times a new access token was fetched for this profile in this process.
    pub fn session_renewals(&self) -> u64 {
        self.inner.session.renewals.load(Ordering::Relaxed)
    }

    // ---- typed requests -------------------------------------------------------------------

    /// `GET` a resource: a path relative to `/services/data/vXX.X/` (`sobjects/Lead/describe`)
    /// or an absolute `/services/data/...` path as Salesforce returns in URLs.
    pub async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        let url = self.resource_url(path)?;
        let answer = self
            .execute(Method::GET, url, None, Vec::new(), &format!("GET {path}"))
            .await?;
        decode(&answer.body, path)
    }

    /// Any REST call with an optional JSON body, for resources without a typed method.
    pub async fn send_json(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        options: &WriteOptions,
    ) -> Result<JsonAnswer> {
        let url = self.resource_url(path)?;
        let what = format!("{method} {path}");
        let body = body.map(serde_json::to_vec).transpose()?;
        let answer = self
            .execute(method, url, body, write_headers(options)?, &what)
            .await?;
        let body = if answer.body.is_empty() {
            None
        } else {
            Some(decode(&answer.body, &what)?)
        };
        Ok(JsonAnswer {
            status: answer.status,
            body,
        })
    }

    /// One page of a SOQL query. The SOQL is sent as-is: build literals with the SOQL
    /// module's escaping function.
    pub async fn query<T: DeserializeOwned>(&self, soql: &str) -> Result<QueryPage<T>> {
        self.query_page(soql, None).await
    }

    /// The page at a `nextRecordsUrl`.
    pub async fn query_more<T: DeserializeOwned>(
        &self,
        next_records_url: &str,
    ) -> Result<QueryPage<T>> {
        self.query_more_page(next_records_url, None).await
    }

    /// Every page of a query, following `nextRecordsUrl`, stopping at `max_rows`.
    pub async fn query_all_pages<T: DeserializeOwned>(
        &self,
        soql: &str,
        options: QueryOptions,
    ) -> Result<QueryResult<T>> {
        options.validate()?;
        let mut page: QueryPage<T> = self.query_page(soql, options.batch_size).await?;
        let total_size = page.total_size;
        let mut records = Vec::new();
        loop {
            records.append(&mut page.records);
            if let Some(max) = options.max_rows {
                if records.len() >= max {
                    let truncated = records.len() > max || !page.done;
                    records.truncate(max);
                    return Ok(QueryResult {
                        total_size,
                        records,
                        truncated,
                    });
                }
            }
            if page.done {
                return Ok(QueryResult {
                    total_size,
                    records,
                    truncated: false,
                });
            }
            let Some(next) = page.next_records_url.take() else {
                return Err(Error::new(
                    ErrorCode::Salesforce,
                    "Salesforce said the query is not done but gave no nextRecordsUrl",
                ));
            };
            page = self.query_more_page(&next, options.batch_size).await?;
        }
    }

    /// The describe of an object, from this profile's cache when present.
    pub async fn describe(&self, sobject: &str) -> Result<Arc<SObjectDescribe>> {
        validate_sobject_name(sobject)?;
        if let Some(hit) = lock(&self.inner.session.describes).get(&sobject.to_ascii_lowercase()) {
            return Ok(hit.clone());
        }
        self.refresh_describe(sobject).await
    }

    /// Fetches an object's describe anew and replaces the cached one.
    pub async fn refresh_describe(&self, sobject: &str) -> Result<Arc<SObjectDescribe>> {
        validate_sobject_name(sobject)?;
        let described: SObjectDescribe = self
            .get_json(&format!("sobjects/{sobject}/describe/"))
            .await?;
        let described = Arc::new(described);
        lock(&self.inner.session.describes).insert(sobject.to_ascii_lowercase(), described.clone());
        Ok(described)
    }

    /// The describes of several objects, in the order asked. Those not cached yet are fetched
    /// together in one Composite call (describe subrequests are plain sObject resources, so
    /// up to 25 fit) and cached like [`SalesforceClient::describe`]'s. An object the user
    /// cannot see is `None` (Salesforce answers 404 `NOT_FOUND`).
    pub async fn describe_many(
        &self,
        sobjects: &[&str],
    ) -> Result<Vec<Option<Arc<SObjectDescribe>>>> {
        let mut missing: Vec<&str> = Vec::new();
        for name in sobjects {
            validate_sobject_name(name)?;
            let cached =
                lock(&self.inner.session.describes).contains_key(&name.to_ascii_lowercase());
            if !cached && !missing.iter().any(|m| m.eq_ignore_ascii_case(name)) {
                missing.push(name);
            }
        }
        let mut absent: Vec<String> = Vec::new();
        for chunk in missing.chunks(composite::MAX_SUBREQUESTS) {
            let base = format!("/services/data/v{}", self.api_version());
            let subrequests: Vec<CompositeSubrequest> = chunk
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    CompositeSubrequest::new(
                        "GET",
                        format!("{base}/sobjects/{name}/describe/"),
                        format!("describe{i}"),
                    )
                })
                .collect();
            let answers = self
                .composite(&subrequests, false, &WriteOptions::default())
                .await?;
            for (name, answer) in chunk.iter().zip(answers) {
                if answer.http_status_code == 404 {
                    absent.push(name.to_ascii_lowercase());
                    continue;
                }
                if let Some(e) = answer.error() {
                    return Err(e);
                }
                let described: SObjectDescribe =
                    serde_json::from_value(answer.body).map_err(|e| {
                        Error::new(
                            ErrorCode::Salesforce,
                            format!("describe {name}: Salesforce's answer is not in the documented shape ({e})"),
                        )
                    })?;
                lock(&self.inner.session.describes)
                    .insert(name.to_ascii_lowercase(), Arc::new(described));
            }
        }
        let cache = lock(&self.inner.session.describes);
        Ok(sobjects
            .iter()
            .map(|name| {
                let key = name.to_ascii_lowercase();
                if absent.contains(&key) {
                    None
                } else {
                    cache.get(&key).cloned()
                }
            })
            .collect())
    }

    /// Forgets every cached describe of this profile (after the admin changed the org).
    pub fn clear_describe_cache(&self) {
        lock(&self.inner.session.describes).clear();
    }

    /// `GET /sobjects/`: the objects the connected user can see.
    pub async fn describe_global(&self) -> Result<DescribeGlobal> {
        self.get_json("sobjects/").await
    }

    /// `GET /limits/`.
    pub async fn limits(&self) -> Result<OrgLimits> {
        self.get_json("limits/").await
    }

    /// One record's fields (`GET /sobjects/X/id?fields=a,b`).
    pub async fn get_record(&self, sobject: &str, id: &str, fields: &[&str]) -> Result<Record> {
        validate_sobject_name(sobject)?;
        validate_record_id(id)?;
        if let Some(f) = fields
            .iter()
            .find(|f| f.is_empty() || !f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        {
            return Err(Error::invalid_input(format!("{f:?} is not a field name")).field("fields"));
        }
        let query = if fields.is_empty() {
            String::new()
        } else {
            format!("?fields={}", fields.join(","))
        };
        self.get_json(&format!("sobjects/{sobject}/{id}{query}"))
            .await
    }

    /// Creates one record; returns its Id.
    pub async fn create(
        &self,
        sobject: &str,
        fields: &Record,
        options: &WriteOptions,
    ) -> Result<String> {
        validate_sobject_name(sobject)?;
        let what = format!("create {sobject}");
        let url = self.resource_url(&format!("sobjects/{sobject}/"))?;
        let answer = self
            .execute(
                Method::POST,
                url,
                Some(serde_json::to_vec(fields)?),
                write_headers(options)?,
                &what,
            )
            .await?;
        let result: SaveResult = decode(&answer.body, &what)?;
        match result.id {
            Some(id) if result.success => Ok(id),
            _ => Err(save_error(&result, &what)),
        }
    }

    /// Updates one record's fields.
    pub async fn update(
        &self,
        sobject: &str,
        id: &str,
        fields: &Record,
        options: &WriteOptions,
    ) -> Result<()> {
        validate_sobject_name(sobject)?;
        validate_record_id(id)?;
        let url = self.resource_url(&format!("sobjects/{sobject}/{id}"))?;
        let what = format!("update {sobject} {id}");
        self.execute(
            Method::PATCH,
            url,
            Some(serde_json::to_vec(fields)?),
            write_headers(options)?,
            &what,
        )
        .await?;
        Ok(())
    }

    /// Creates up to 200 records in one call; results come back in order.
    pub async fn collections_create(
        &self,
        records: &[NewRecord],
        all_or_none: bool,
        options: &WriteOptions,
    ) -> Result<Vec<SaveResult>> {
        let body = records
            .iter()
            .map(|r| collection_record(&r.sobject, None, &r.fields))
            .collect::<Result<Vec<_>>>()?;
        self.collections(Method::POST, body, all_or_none, options)
            .await
    }

    /// Updates up to 200 records in one call; results come back in order.
    pub async fn collections_update(
        &self,
        records: &[RecordUpdate],
        all_or_none: bool,
        options: &WriteOptions,
    ) -> Result<Vec<SaveResult>> {
        let body = records
            .iter()
            .map(|r| collection_record(&r.sobject, Some(&r.id), &r.fields))
            .collect::<Result<Vec<_>>>()?;
        self.collections(Method::PATCH, body, all_or_none, options)
            .await
    }

    /// Up to 25 subrequests (at most 5 queries or collections) in one API call.
    pub async fn composite(
        &self,
        subrequests: &[CompositeSubrequest],
        all_or_none: bool,
        options: &WriteOptions,
    ) -> Result<Vec<CompositeSubresponse>> {
        composite::validate(subrequests)?;
        let body = json!({ "allOrNone": all_or_none, "compositeRequest": subrequests });
        let url = self.resource_url("composite/")?;
        let answer = self
            .execute(
                Method::POST,
                url,
                Some(serde_json::to_vec(&body)?),
                write_headers(options)?,
                "composite",
            )
            .await?;
        let parsed: CompositeResponse = decode(&answer.body, "composite")?;
        if parsed.composite_response.len() != subrequests.len() {
            return Err(Error::new(
                ErrorCode::Salesforce,
                format!(
                    "composite: {} subrequests sent but {} answers came back",
                    subrequests.len(),
                    parsed.composite_response.len()
                ),
            ));
        }
        Ok(parsed.composite_response)
    }

    // ---- internals ------------------------------------------------------------------------

    async fn collections(
        &self,
        method: Method,
        records: Vec<Value>,
        all_or_none: bool,
        options: &WriteOptions,
    ) -> Result<Vec<SaveResult>> {
        check_collection_size(records.len())?;
        if records.is_empty() {
            return Ok(Vec::new());
        }
        let count = records.len();
        let what = format!("sObject Collections {method}");
        let body = json!({ "allOrNone": all_or_none, "records": records });
        let url = self.resource_url("composite/sobjects")?;
        let answer = self
            .execute(
                method,
                url,
                Some(serde_json::to_vec(&body)?),
                write_headers(options)?,
                &what,
            )
            .await?;
        let results: Vec<SaveResult> = decode(&answer.body, &what)?;
        if results.len() != count {
            return Err(Error::new(
                ErrorCode::Salesforce,
                format!(
                    "{what}: {count} records sent but {} results came back",
                    results.len()
                ),
            ));
        }
        Ok(results)
    }

    async fn query_page<T: DeserializeOwned>(
        &self,
        soql: &str,
        batch_size: Option<u32>,
    ) -> Result<QueryPage<T>> {
        QueryOptions {
            batch_size,
            max_rows: None,
        }
        .validate()?;
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", soql)
            .finish();
        let url = format!("{}/query/?{encoded}", self.inner.data_base);
        // The request line carries the path and query, not the scheme and host.
        let uri_len = url::Url::parse(&url)
            .map(|u| u.path().len() + u.query().map_or(0, |q| q.len() + 1))
            .map_err(|e| Error::internal(format!("query URL: {e}")))?;
        if uri_len + HEADER_ALLOWANCE_BYTES > MAX_URI_AND_HEADERS_BYTES {
            return Err(Error::invalid_input(format!(
                "the query is too long to send: {uri_len} bytes once URL-encoded, and Salesforce accepts at most {MAX_URI_AND_HEADERS_BYTES} bytes of URI and headers; split it into smaller queries"
            ))
            .field("soql"));
        }
        let answer = self
            .execute(Method::GET, url, None, query_headers(batch_size), "query")
            .await?;
        decode(&answer.body, "query")
    }

    async fn query_more_page<T: DeserializeOwned>(
        &self,
        next: &str,
        batch_size: Option<u32>,
    ) -> Result<QueryPage<T>> {
        let path = next.split('?').next().unwrap_or_default();
        if !path.starts_with("/services/data/") || !path.contains("/query") {
            return Err(Error::invalid_input(format!(
                "{next:?} is not a query's nextRecordsUrl"
            )));
        }
        let url = self.resource_url(next)?;
        let answer = self
            .execute(
                Method::GET,
                url,
                None,
                query_headers(batch_size),
                "query (next page)",
            )
            .await?;
        decode(&answer.body, "query (next page)")
    }

    /// `sobjects/Lead` → `<instance>/services/data/vXX.X/sobjects/Lead`;
    /// `/services/data/...` → `<instance>/services/data/...`. Nothing else: a client never
    /// sends its token to a URL built from elsewhere.
    fn resource_url(&self, path: &str) -> Result<String> {
        let bad =
            || Error::invalid_input(format!("{path:?} is not a Salesforce REST resource path"));
        let path_part = path.split('?').next().unwrap_or_default();
        if path.contains("://") || path.contains('#') || path_part.split('/').any(|s| s == "..") {
            return Err(bad());
        }
        if path.starts_with("/services/data/") {
            Ok(self.inner.instance.join(path))
        } else if path.starts_with('/') || path.is_empty() {
            Err(bad())
        } else {
            Ok(format!("{}/{path}", self.inner.data_base))
        }
    }

    /// Sends one JSON call (see [`Self::execute_as`]).
    async fn execute(
        &self,
        method: Method,
        url: String,
        body: Option<Vec<u8>>,
        headers: Vec<(&'static str, String)>,
        what: &str,
    ) -> Result<Answer> {
        let body = body.map(|b| Payload {
            content_type: "application/json",
            body: Body::Bytes(b.into()),
        });
        self.execute_as(
            method,
            url,
            body,
            Receive::whole("application/json"),
            headers,
            what,
        )
        .await
    }

    /// A call whose body or answer is not JSON (Bulk API 2.0's CSV upload and results), with
    /// the same session renewal, error mapping and API-call accounting as every other call.
    /// `path` as for [`Self::get_json`]. Returns the status and the raw answer.
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        body: Option<Payload>,
        accept: &str,
    ) -> Result<(u16, bytes::Bytes)> {
        let url = self.resource_url(path)?;
        let what = format!("{method} {path}");
        let answer = self
            .execute_as(method, url, body, Receive::whole(accept), Vec::new(), &what)
            .await?;
        Ok((answer.status, answer.body.into()))
    }

    /// A GET whose successful answer is handed to `sink` chunk by chunk as it arrives, never
    /// held whole (Bulk API 2.0's result files). Errors are read and mapped as for any call.
    pub async fn download(&self, path: &str, accept: &str, sink: ChunkSink<'_>) -> Result<u16> {
        let url = self.resource_url(path)?;
        let what = format!("GET {path}");
        let answer = self
            .execute_as(
                Method::GET,
                url,
                None,
                Receive {
                    accept,
                    sink: Some(sink),
                },
                Vec::new(),
                &what,
            )
            .await?;
        Ok(answer.status)
    }

    /// Sends one call with the session's token; on a 401 renews the token once and resends.
    async fn execute_as(
        &self,
        method: Method,
        url: String,
        body: Option<Payload>,
        receive: Receive<'_>,
        headers: Vec<(&'static str, String)>,
        what: &str,
    ) -> Result<Answer> {
        let Receive { accept, mut sink } = receive;
        let inner = &self.inner;
        let mut token = self.access_token().await?;
        let mut renewed = false;
        loop {
            let started = Instant::now();
            let mut request = inner
                .http
                .request(method.clone(), &url)
                .bearer_auth(token.expose())
                .header(ACCEPT, accept);
            for (name, value) in &headers {
                request = request.header(*name, value);
            }
            if let Some(payload) = &body {
                request = payload
                    .body
                    .attach(request.header(CONTENT_TYPE, payload.content_type))
                    .await?;
            }
            let response = request
                .send()
                .await
                .map_err(|e| api_error::network_error(&e, inner.instance.host()))?;
            let status = response.status().as_u16();
            self.observe_limits(response.headers());
            let retry_after = retry_after_secs(response.headers());
            if let (Some(sink), true) = (sink.as_deref_mut(), (200..300).contains(&status)) {
                let mut response = response;
                while let Some(chunk) = response
                    .chunk()
                    .await
                    .map_err(|e| api_error::network_error(&e, inner.instance.host()))?
                {
                    sink(&chunk)?;
                }
                inner.api_calls.fetch_add(1, Ordering::Relaxed);
                self.log_answer(&method, &url, status, started, true);
                return Ok(Answer {
                    status,
                    body: Vec::new(),
                });
            }
            let answer = response
                .bytes()
                .await
                .map_err(|e| api_error::network_error(&e, inner.instance.host()))?;
            self.log_answer(&method, &url, status, started, false);
            if status == 401 {
                if !renewed {
                    renewed = true;
                    token = self.renew(Some(&token)).await?;
                    continue;
                }
                let refused = api_error::from_rest_response(status, &answer, None, what);
                return Err(Error::new(
                    ErrorCode::NotConnected,
                    format!(
                        "Salesforce refused the session of profile {:?} even after renewing it ({}); run `org connect` again",
                        inner.profile.name, refused.message
                    ),
                )
                .detail(|d| {
                    d.salesforce_code = refused.details.as_ref().and_then(|r| r.salesforce_code.clone());
                    d.http_status = Some(401);
                }));
            }
            // Salesforce refuses a call over the daily allowance before counting it.
            let over_limit = status == 403
                && api_error::rest_error_code(&answer).as_deref() == Some("REQUEST_LIMIT_EXCEEDED");
            if !over_limit {
                inner.api_calls.fetch_add(1, Ordering::Relaxed);
            }
            if (200..300).contains(&status) {
                return Ok(Answer {
                    status,
                    body: answer.to_vec(),
                });
            }
            return Err(api_error::from_rest_response(
                status,
                &answer,
                retry_after,
                what,
            ));
        }
    }

    /// One debug line per answer. Only the profile name, the method, the resource without its
    /// query string (see [`resource_for_log`]), the status and the time are logged: never the
    /// token, the headers or a body, so no secret or personal data reaches the logs.
    fn log_answer(
        &self,
        method: &Method,
        url: &str,
        status: u16,
        started: Instant,
        streamed: bool,
    ) {
        tracing::debug!(
            profile = %self.inner.profile.name,
            %method,
            resource = %resource_for_log(url, &self.inner.instance),
            status,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "salesforce call{}",
            if streamed { " (streamed)" } else { "" }
        );
    }

    fn observe_limits(&self, headers: &HeaderMap) {
        let usage = headers
            .get("sforce-limit-info")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_limit_info(v, Utc::now()));
        if let Some(usage) = usage {
            *lock(&self.inner.session.usage) = Some(usage);
        }
    }

    /// The current access token: this process's copy, else the keyring's, else a new one.
    async fn access_token(&self) -> Result<Secret> {
        if let Some(token) = lock(&self.inner.session.access).clone() {
            return Ok(token);
        }
        if let Some(token) = self
            .inner
            .vault
            .get(&self.inner.profile.name, TokenKind::Access)
            .await?
        {
            *lock(&self.inner.session.access) = Some(token.clone());
            return Ok(token);
        }
        self.renew(None).await
    }

    /// Replaces a rejected token. One renewal per profile at a time: a caller that waited
    /// for the lock first checks whether someone else already renewed (in this process, or
    /// another process sharing the keyring).
    async fn renew(&self, stale: Option<&Secret>) -> Result<Secret> {
        let inner = &self.inner;
        let _renewing = inner.session.renew_lock.lock().await;
        let current = lock(&inner.session.access).clone();
        if let Some(current) = current.filter(|c| Some(c) != stale) {
            return Ok(current);
        }
        if let Some(stored) = inner
            .vault
            .get(&inner.profile.name, TokenKind::Access)
            .await?
        {
            if Some(&stored) != stale {
                *lock(&inner.session.access) = Some(stored.clone());
                return Ok(stored);
            }
        }
        let token = self.fetch_new_token().await?;
        *lock(&inner.session.access) = Some(token.clone());
        inner.session.renewals.fetch_add(1, Ordering::Relaxed);
        Ok(token)
    }

    async fn fetch_new_token(&self) -> Result<Secret> {
        let inner = &self.inner;
        let name = &inner.profile.name;
        let client_secret = if inner.profile.has_client_secret {
            Some(inner.vault.get(name, TokenKind::ClientSecret).await?.ok_or_else(|| {
                Error::new(
                    ErrorCode::NotConnected,
                    format!("the client secret of profile {name:?} is missing from the keyring; run `org connect` again"),
                )
            })?)
        } else {
            None
        };
        let endpoint = TokenEndpoint::new(
            inner.http.clone(),
            inner.login.clone(),
            inner.profile.client_id.clone(),
            client_secret,
        );
        let response = match inner.profile.flow {
            FlowKind::WebServer => {
                let refresh = inner.vault.get(name, TokenKind::Refresh).await?.ok_or_else(|| {
                    Error::new(
                        ErrorCode::NotConnected,
                        format!(
                            "the session of profile {name:?} expired and there is no refresh token (the app did not grant the refresh_token scope); run `org connect` again"
                        ),
                    )
                })?;
                let response = endpoint.refresh(&refresh).await?;
                // With rotation the old refresh token is already dead: keep the new one first.
                if let Some(rotated) = response
                    .refresh_token
                    .as_ref()
                    .filter(|r| !r.is_empty() && **r != refresh)
                {
                    inner.vault.set(name, TokenKind::Refresh, rotated).await?;
                }
                tracing::info!(profile = %name, rotated = response.refresh_token.is_some(), "session refreshed");
                response
            }
            FlowKind::ClientCredentials => {
                let response = endpoint.client_credentials().await?;
                tracing::info!(profile = %name, "new client-credentials session");
                response
            }
        };
        inner
            .vault
            .set(name, TokenKind::Access, &response.access_token)
            .await?;
        Ok(response.access_token)
    }
}

pub(crate) fn session_key(vault: &TokenVault, profile: &str) -> String {
    format!("{}/{profile}", vault.namespace())
}

fn decode<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| {
        Error::new(
            ErrorCode::Salesforce,
            format!("{what}: Salesforce's answer is not in the documented shape ({e})"),
        )
    })
}

fn save_error(result: &SaveResult, what: &str) -> Error {
    let body = serde_json::to_vec(&result.errors).unwrap_or_default();
    let mut e = api_error::from_rest_response(400, &body, None, what);
    e.details.get_or_insert_with(Default::default).http_status = None;
    e
}

fn write_headers(options: &WriteOptions) -> Result<Vec<(&'static str, String)>> {
    Ok(options
        .auto_assign
        .header_value()?
        .map(|v| ("Sforce-Auto-Assign", v))
        .into_iter()
        .collect())
}

fn query_headers(batch_size: Option<u32>) -> Vec<(&'static str, String)> {
    batch_size
        .map(|n| ("Sforce-Query-Options", format!("batchSize={n}")))
        .into_iter()
        .collect()
}

fn retry_after_secs(headers: &HeaderMap) -> Option<u32> {
    headers.get(RETRY_AFTER)?.to_str().ok()?.trim().parse().ok()
}

/// The resource path without the query string (it may hold a SOQL statement with personal
/// data) and without the host.
fn resource_for_log(url: &str, instance: &ServiceUrl) -> String {
    let without_host = url.strip_prefix(instance.as_str()).unwrap_or(url);
    without_host
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string()
}
