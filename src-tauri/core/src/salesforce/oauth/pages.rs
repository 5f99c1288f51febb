//! The small pages the person sees in the browser after Salesforce redirects back.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// A finished page: status and HTML.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: StatusCode,
    pub title: String,
    pub message: String,
}

impl Page {
    pub fn success(message: impl Into<String>) -> Page {
        Page {
            status: StatusCode::OK,
            title: "Leadbridge is connected".into(),
            message: message.into(),
        }
    }

    pub fn failure(message: impl Into<String>) -> Page {
        Page {
            status: StatusCode::OK,
            title: "Leadbridge could not connect".into(),
            message: message.into(),
        }
    }

    /// A request that is not the answer to our login (wrong or missing `state`, a repeat).
    pub fn refused(status: StatusCode, message: impl Into<String>) -> Page {
        Page {
            status,
            title: "Not accepted".into(),
            message: message.into(),
        }
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let body = format!(
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
             <meta name=\"viewport\" content=\"width=device-width\"></head>\
             <body style=\"font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; line-height: 1.5\">\
             <h1>{title}</h1><p>{message}</p><p>You can close this tab and return to Leadbridge.</p></body></html>\n",
            title = escape_html(&self.title),
            message = escape_html(&self.message),
        );
        let mut res = (self.status, Html(body)).into_response();
        // The page may echo what Salesforce said; never let a browser cache it.
        res.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
        res
    }
}

/// Text from the query string (e.g. `error_description`) is attacker-controlled.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape_html("<script>alert('x')</script>&"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"
        );
    }
}
