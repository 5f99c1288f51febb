//! The HTML a person sees in the browser: the approval page and OAuth error pages.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::APP_NAME;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn scope_description(scope: &str) -> &'static str {
    match scope {
        "api" => "Access and manage your data (api)",
        "refresh_token" | "offline_access" => {
            "Perform requests at any time (refresh_token, offline_access)"
        }
        "web" => "Access the Salesforce web interface (web)",
        "id" | "profile" | "email" => "Access your basic information (id, profile, email)",
        "full" => "Full access (full)",
        _ => "Other access",
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f3f3f3;margin:0}\
main{max-width:28rem;margin:4rem auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 4px #0002}\
h1{font-size:1.3rem}ul{padding-left:1.2rem}button{font-size:1rem;padding:.5rem 1.5rem;margin-right:.5rem;border-radius:4px;border:1px solid #0176d3}\
.allow{background:#0176d3;color:#fff}.deny{background:#fff;color:#0176d3}.who{color:#555}";

/// The "Allow Access?" page for a pending request.
pub fn approval_page(
    request_id: &str,
    scopes: &[String],
    user_name: &str,
    username: &str,
) -> Response {
    let mut seen = Vec::new();
    let items: String = scopes
        .iter()
        .map(|s| scope_description(s))
        .filter(|d| {
            let new = !seen.contains(d);
            seen.push(*d);
            new
        })
        .map(|d| format!("<li>{}</li>", escape(d)))
        .collect();
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Allow Access?</title><style>{STYLE}</style></head>\
<body><main><h1>Allow Access?</h1>\
<p><strong>{app}</strong> is asking to:</p><ul>{items}</ul>\
<p class=\"who\">You are logged in to the Leadbridge demo org as {name} ({username}).</p>\
<form method=\"post\" action=\"/services/oauth2/authorize\">\
<input type=\"hidden\" name=\"request_id\" value=\"{rid}\">\
<button class=\"allow\" type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\
<button class=\"deny\" type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\
</form></main></body></html>",
        app = escape(APP_NAME),
        name = escape(user_name),
        username = escape(username),
        rid = escape(request_id),
    );
    Html(html).into_response()
}

/// An error Salesforce shows without redirecting (the redirect URI cannot be trusted).
pub fn error_page(error: &str, description: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error</title><style>{STYLE}</style></head>\
<body><main><h1>OAuth error</h1><p>error={}&amp;error_description={}</p></main></body></html>",
        escape(error),
        escape(&description.replace(' ', "%20")),
    );
    (StatusCode::BAD_REQUEST, Html(html)).into_response()
}
