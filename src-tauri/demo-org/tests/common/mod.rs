//! Shared helpers: start a demo org on 127.0.0.1:0 and talk to it over real HTTP.
#![allow(dead_code)] // Each test binary uses a different subset.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use leadbridge_demo_org::{start, DemoOrg, DemoOrgConfig, CLIENT_ID, CLIENT_SECRET};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const V: &str = "v66.0";
pub const REDIRECT: &str = "http://localhost:1717/OauthRedirect";

pub struct Harness {
    pub org: DemoOrg,
    pub http: Client,
    pub base: String,
}

pub async fn harness(auto_approve: bool) -> Harness {
    let org = start(DemoOrgConfig {
        auto_approve,
        ..DemoOrgConfig::default()
    })
    .await
    .expect("demo org starts");
    let http = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client");
    let base = org.base_url();
    Harness { org, http, base }
}

pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

pub fn query_param(url: &str, name: &str) -> Option<String> {
    let u = url::Url::parse(url).expect("redirect is a URL");
    u.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

impl Harness {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn data(&self, path: &str) -> String {
        format!("{}/services/data/{V}{path}", self.base)
    }

    /// Runs the authorization-code flow with PKCE against an auto-approving org.
    pub async fn authorize_code(&self, verifier: &str, scope: &str) -> String {
        let resp = self
            .http
            .get(self.url("/services/oauth2/authorize"))
            .query(&[
                ("response_type", "code"),
                ("client_id", CLIENT_ID),
                ("redirect_uri", REDIRECT),
                ("state", "st-123"),
                ("code_challenge", &challenge(verifier)),
                ("code_challenge_method", "S256"),
                ("scope", scope),
            ])
            .send()
            .await
            .expect("authorize answers");
        assert_eq!(
            resp.status(),
            StatusCode::FOUND,
            "auto-approve redirects at once"
        );
        let location = resp.headers()["location"]
            .to_str()
            .expect("ascii location")
            .to_string();
        assert_eq!(query_param(&location, "state").as_deref(), Some("st-123"));
        query_param(&location, "code").expect("redirect carries a code")
    }

    pub async fn token(&self, form: &[(&str, &str)]) -> Response {
        self.http
            .post(self.url("/services/oauth2/token"))
            .form(form)
            .send()
            .await
            .expect("token endpoint answers")
    }

    /// A token for the admin user through the code flow with PKCE: (access, refresh).
    pub async fn login(&self) -> (String, String) {
        let verifier = "v".repeat(43) + "-demo-verifier-0123456789";
        let code = self.authorize_code(&verifier, "api refresh_token").await;
        let resp = self
            .token(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("client_id", CLIENT_ID),
                ("redirect_uri", REDIRECT),
                ("code_verifier", &verifier),
            ])
            .await;
        assert_eq!(resp.status(), StatusCode::OK);
        let body: Value = resp.json().await.expect("json");
        (
            body["access_token"].as_str().expect("access").to_string(),
            body["refresh_token"].as_str().expect("refresh").to_string(),
        )
    }

    /// A client-credentials token (the integration user).
    pub async fn cc_token(&self) -> String {
        let resp = self
            .token(&[
                ("grant_type", "client_credentials"),
                ("client_id", CLIENT_ID),
                ("client_secret", CLIENT_SECRET),
            ])
            .await;
        assert_eq!(resp.status(), StatusCode::OK);
        let body: Value = resp.json().await.expect("json");
        body["access_token"].as_str().expect("access").to_string()
    }

    pub async fn get(
        &self,
        token: &str,
        path: &str,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let r = self
            .http
            .get(self.data(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("answers");
        split(r).await
    }

    pub async fn send(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .http
            .request(method, self.data(path))
            .bearer_auth(token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let (s, _, v) = split(req.send().await.expect("answers")).await;
        (s, v)
    }

    pub async fn query(&self, token: &str, soql: &str) -> (StatusCode, Value) {
        let r = self
            .http
            .get(self.data("/query"))
            .query(&[("q", soql)])
            .bearer_auth(token)
            .send()
            .await
            .expect("answers");
        let (s, _, v) = split(r).await;
        (s, v)
    }
}

pub async fn split(r: Response) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let status = r.status();
    let headers = r.headers().clone();
    let text = r.text().await.expect("body");
    let v = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, headers, v)
}

/// The errorCode of a REST error body.
pub fn error_code(v: &Value) -> &str {
    v[0]["errorCode"].as_str().unwrap_or("<none>")
}
