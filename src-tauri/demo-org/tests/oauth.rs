//! OAuth: every grant, its errors, PKCE, refresh-token rotation, revoke, userinfo.

mod common;

use common::{challenge, harness, query_param, REDIRECT, V};
use leadbridge_demo_org::{CLIENT_ID, CLIENT_SECRET};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn code_flow_with_pkce_returns_salesforce_token_fields() {
    let h = harness(true).await;
    let verifier = "a".repeat(50);
    let code = h.authorize_code(&verifier, "api refresh_token").await;
    let resp = h
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
    let obj = body.as_object().expect("object");
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "access_token",
            "id",
            "instance_url",
            "issued_at",
            "refresh_token",
            "scope",
            "signature",
            "token_type"
        ],
        "exactly Salesforce's fields, no expires_in"
    );
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["instance_url"], h.base);
    assert_eq!(body["scope"], "api refresh_token");
    let id = body["id"].as_str().expect("id");
    assert!(
        id.starts_with(&format!("{}/id/00D", h.base)) && id.contains("/005"),
        "{id}"
    );
    assert!(body["issued_at"]
        .as_str()
        .expect("string")
        .parse::<u64>()
        .is_ok());

    // The signature is base64(HMAC-SHA256(id + issued_at)) keyed with the client secret.
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(CLIENT_SECRET.as_bytes()).expect("key");
    mac.update(format!("{id}{}", body["issued_at"].as_str().unwrap_or_default()).as_bytes());
    use base64::Engine as _;
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(body["signature"], expected);

    // The code was single-use.
    let again = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("client_id", CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &verifier),
        ])
        .await;
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    let e: Value = again.json().await.expect("json");
    assert_eq!(e["error"], "invalid_grant");
}

#[tokio::test]
async fn pkce_failures_are_invalid_grant() {
    let h = harness(true).await;
    let verifier = "b".repeat(60);
    for bad in [Some("c".repeat(60)), None] {
        let code = h.authorize_code(&verifier, "api").await;
        let mut form = vec![
            ("grant_type", "authorization_code".to_string()),
            ("code", code),
            ("client_id", CLIENT_ID.to_string()),
            ("redirect_uri", REDIRECT.to_string()),
        ];
        if let Some(v) = bad {
            form.push(("code_verifier", v));
        }
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let resp = h.token(&form).await;
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
        let e: Value = resp.json().await.expect("json");
        assert_eq!(e["error"], "invalid_grant");
        assert_eq!(e["error_description"], "invalid code verifier");
    }
}

#[tokio::test]
async fn authorize_validates_client_redirect_and_method() {
    let h = harness(true).await;
    let get = |params: Vec<(&'static str, String)>| {
        let http = h.http.clone();
        let url = h.url("/services/oauth2/authorize");
        async move { http.get(url).query(&params).send().await.expect("answers") }
    };
    let ok_params = || {
        vec![
            ("response_type", "code".to_string()),
            ("client_id", CLIENT_ID.to_string()),
            ("redirect_uri", REDIRECT.to_string()),
            ("state", "s1".to_string()),
        ]
    };
    let mut p = ok_params();
    p[2].1 = "https://evil.example/cb".into();
    let resp = get(p).await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp
        .text()
        .await
        .expect("html")
        .contains("redirect_uri_mismatch"));

    let mut p = ok_params();
    p[1].1 = "someone-else".into();
    let resp = get(p).await;
    assert!(resp
        .text()
        .await
        .expect("html")
        .contains("invalid_client_id"));

    let mut p = ok_params();
    p.push(("code_challenge", challenge("x")));
    p.push(("code_challenge_method", "plain".into()));
    let resp = get(p).await;
    assert_eq!(resp.status(), StatusCode::FOUND);
    let loc = resp.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert_eq!(
        query_param(&loc, "error").as_deref(),
        Some("invalid_request")
    );
    assert_eq!(query_param(&loc, "state").as_deref(), Some("s1"));

    let mut p = ok_params();
    p.push(("scope", "api chatter_api".into()));
    let loc = get(p).await.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert_eq!(query_param(&loc, "error").as_deref(), Some("invalid_scope"));

    // A 127.0.0.1 callback with another port is a loopback callback too.
    let mut p = ok_params();
    p[2].1 = "http://127.0.0.1:53682/callback".into();
    let loc = get(p).await.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(
        loc.starts_with("http://127.0.0.1:53682/callback?code="),
        "{loc}"
    );
}

#[tokio::test]
async fn approval_page_allows_and_denies() {
    let h = harness(false).await;
    let params = [
        ("response_type", "code"),
        ("client_id", CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("state", "xyz"),
        ("scope", "api refresh_token"),
    ];
    for (decision, expect_code) in [("allow", true), ("deny", false)] {
        let resp = h
            .http
            .get(h.url("/services/oauth2/authorize"))
            .query(&params)
            .send()
            .await
            .expect("page");
        assert_eq!(resp.status(), StatusCode::OK);
        let html = resp.text().await.expect("html");
        assert!(
            html.contains("Leadbridge Demo") && html.contains("Allow") && html.contains("Deny")
        );
        assert!(html.contains("Access and manage your data (api)"));
        let marker = "name=\"request_id\" value=\"";
        let start = html.find(marker).expect("request id field") + marker.len();
        let request_id = &html[start..start + html[start..].find('"').expect("closing quote")];
        let resp = h
            .http
            .post(h.url("/services/oauth2/authorize"))
            .form(&[("request_id", request_id), ("decision", decision)])
            .send()
            .await
            .expect("decision");
        assert_eq!(resp.status(), StatusCode::FOUND);
        let loc = resp.headers()["location"]
            .to_str()
            .expect("ascii")
            .to_string();
        assert_eq!(query_param(&loc, "state").as_deref(), Some("xyz"));
        if expect_code {
            assert!(query_param(&loc, "code").is_some());
        } else {
            assert_eq!(query_param(&loc, "error").as_deref(), Some("access_denied"));
            assert_eq!(
                query_param(&loc, "error_description").as_deref(),
                Some("end-user denied authorization")
            );
        }
    }
}

#[tokio::test]
async fn refresh_rotates_and_the_old_token_dies() {
    let h = harness(true).await;
    let (_, refresh1) = h.login().await;
    let resp = h
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh1),
            ("client_id", CLIENT_ID),
        ])
        .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.expect("json");
    let refresh2 = body["refresh_token"]
        .as_str()
        .expect("rotated refresh token")
        .to_string();
    assert_ne!(refresh1, refresh2);
    let access2 = body["access_token"].as_str().expect("access").to_string();
    let (s, _, _) = h.get(&access2, "/limits").await;
    assert_eq!(s, StatusCode::OK);

    let dead = h
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh1),
            ("client_id", CLIENT_ID),
        ])
        .await;
    assert_eq!(dead.status(), StatusCode::BAD_REQUEST);
    let e: Value = dead.json().await.expect("json");
    assert_eq!(
        e,
        serde_json::json!({"error":"invalid_grant","error_description":"expired access/refresh token"})
    );

    // The new one works once more.
    let ok = h
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh2),
            ("client_id", CLIENT_ID),
        ])
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn client_credentials_needs_the_secret() {
    let h = harness(true).await;
    let token = h.cc_token().await;
    let (s, _, me) = h
        .get(
            &token,
            "/query?q=SELECT+Username+FROM+User+WHERE+Username+LIKE+'integration%25'",
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["totalSize"], 1);

    let resp = h
        .token(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
        ])
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        resp.json::<Value>().await.expect("json")["error"],
        "invalid_client"
    );

    let resp = h
        .token(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", "nope"),
        ])
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        resp.json::<Value>().await.expect("json")["error_description"],
        "invalid client credentials"
    );

    // With HTTP Basic client authentication, a wrong secret is 401.
    let resp = h
        .http
        .post(h.url("/services/oauth2/token"))
        .basic_auth(CLIENT_ID, Some("nope"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .expect("answers");
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);

    let resp = h
        .token(&[
            ("grant_type", "client_credentials"),
            ("client_id", "other"),
            ("client_secret", CLIENT_SECRET),
        ])
        .await;
    assert_eq!(
        resp.json::<Value>().await.expect("json")["error"],
        "invalid_client_id"
    );

    let resp = h
        .token(&[
            ("grant_type", "password"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
        ])
        .await;
    assert_eq!(
        resp.json::<Value>().await.expect("json")["error"],
        "unsupported_grant_type"
    );
}

#[tokio::test]
async fn revoking_a_refresh_token_ends_its_sessions() {
    let h = harness(true).await;
    let (access, refresh) = h.login().await;
    let resp = h
        .http
        .post(h.url("/services/oauth2/revoke"))
        .form(&[("token", refresh.as_str())])
        .send()
        .await
        .expect("revoke");
    assert_eq!(resp.status(), StatusCode::OK);
    let (s, _, body) = h.get(&access, "/limits").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        serde_json::json!([{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}])
    );
    let resp = h
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", CLIENT_ID),
        ])
        .await;
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let again = h
        .http
        .post(h.url("/services/oauth2/revoke"))
        .form(&[("token", refresh.as_str())])
        .send()
        .await
        .expect("revoke");
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn userinfo_and_identity_describe_the_user() {
    let h = harness(true).await;
    let (access, _) = h.login().await;
    let info: Value = h
        .http
        .get(h.url("/services/oauth2/userinfo"))
        .bearer_auth(&access)
        .send()
        .await
        .expect("userinfo")
        .json()
        .await
        .expect("json");
    assert_eq!(
        info["preferred_username"],
        "dana.whitfield@demo-org.example"
    );
    assert_eq!(info["organization_id"], h.org.org_id());
    assert_eq!(info["name"], "Dana Whitfield");
    let identity = format!(
        "{}/id/{}/{}",
        h.base,
        info["organization_id"].as_str().unwrap_or(""),
        info["user_id"].as_str().unwrap_or("")
    );
    let id: Value = h
        .http
        .get(identity)
        .bearer_auth(&access)
        .send()
        .await
        .expect("identity")
        .json()
        .await
        .expect("json");
    assert_eq!(id["username"], "dana.whitfield@demo-org.example");
    assert!(id["urls"]["rest"]
        .as_str()
        .is_some_and(|u| u.contains("/services/data/v{version}/")));

    let bad = h
        .http
        .get(h.url("/services/oauth2/userinfo"))
        .bearer_auth("nope")
        .send()
        .await
        .expect("answers");
    assert_eq!(bad.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn expired_sessions_get_401_and_refresh_recovers() {
    let h = harness(true).await;
    let (access, refresh) = h.login().await;
    h.org.faults().expire_sessions();
    let (s, headers, body) = h.get(&access, "/sobjects").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body[0]["errorCode"], "INVALID_SESSION_ID");
    assert!(headers.contains_key("sforce-limit-info"));
    let resp = h
        .token(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("client_id", CLIENT_ID),
        ])
        .await;
    let fresh: Value = resp.json().await.expect("json");
    let (s, _, _) = h
        .get(fresh["access_token"].as_str().expect("access"), "/sobjects")
        .await;
    assert_eq!(s, StatusCode::OK);
    let _ = V;
}
