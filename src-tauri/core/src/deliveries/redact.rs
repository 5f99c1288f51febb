//! Secrets never reach the delivery log. Every body, message, payload and path written to it
//! goes through [`redact`] (or [`redact_path`]) and then [`cap`].
//!
//! JSON is redacted structurally: the value of any key that names a secret is replaced, at any
//! depth. Anything else (form bodies, header dumps, truncated JSON, error messages) is scanned as
//! text for `key=value` / `key: value` pairs with a secret-naming key, for `Bearer`/`OAuth`
//! credentials and for bare Salesforce session ids. Over-redacting an innocent value is
//! acceptable; leaking a token is not.

use std::borrow::Cow;

use serde_json::Value;

/// What a redacted value becomes.
pub const REDACTED: &str = "[REDACTED]";

/// Largest body (request, response, payload, message) stored, in bytes.
pub const BODY_CAP: usize = 64 * 1024;

/// Largest request path stored (SOQL in a query string can be long; Salesforce allows 16 KiB).
pub const PATH_CAP: usize = 16 * 1024;

/// Keys whose whole (normalised: ASCII letters and digits, lowercased) name is a secret.
const SECRET_KEYS: &[&str] = &[
    "authorization",
    "proxyauthorization",
    "cookie",
    "setcookie",
    "apikey",
    "xapikey",
    "sessionid",
    "sid",
    "codeverifier",
    "assertion",
    "privatekey",
];

/// Keys that name a secret wherever these appear in them (`access_token`, `client_secret`,
/// `X-Signature-256`, `userPassword`, ...).
const SECRET_KEY_PARTS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "passphrase",
    "signature",
    "credential",
    "bearer",
];

/// Whether a key (JSON key, form field, header name) names a secret; case-insensitive, and
/// separators are ignored (`Client-Secret` = `client_secret` = `clientSecret`).
pub fn is_secret_key(key: &str) -> bool {
    // Normalised on the stack: this runs for every key and word of every logged body.
    let mut buf = [0u8; 64];
    let mut len = 0;
    for b in key.bytes().filter(u8::is_ascii_alphanumeric) {
        if len == buf.len() {
            return is_secret_norm(&key_norm_owned(key));
        }
        buf[len] = b.to_ascii_lowercase();
        len += 1;
    }
    // Only ASCII alphanumerics were kept, so this is valid UTF-8.
    std::str::from_utf8(&buf[..len]).is_ok_and(is_secret_norm)
}

fn key_norm_owned(key: &str) -> String {
    key.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn is_secret_norm(norm: &str) -> bool {
    !norm.is_empty()
        && (SECRET_KEYS.contains(&norm) || SECRET_KEY_PARTS.iter().any(|part| norm.contains(part)))
}

/// Removes secrets from a JSON document or from free text. JSON comes back compact (key order
/// kept); text comes back with each secret value replaced by `[REDACTED]`.
pub fn redact(json_or_text: &str) -> String {
    match serde_json::from_str::<Value>(json_or_text) {
        Ok(mut value) if value.is_object() || value.is_array() => {
            redact_value(&mut value);
            serde_json::to_string(&value).unwrap_or_else(|_| redact_text(json_or_text))
        }
        _ => redact_text(json_or_text),
    }
}

/// Redacts a JSON value in place.
pub fn redact_value(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if is_secret_key(key) && !v.is_null() {
                    *v = Value::String(REDACTED.to_string());
                } else {
                    redact_value(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        // A string may itself carry a credential: "Bearer …", a URL with ?access_token=, ….
        Value::String(s) => {
            if let Cow::Owned(clean) = redact_text_cow(s) {
                *s = clean;
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Redacts a request path: drops scheme, host and any user:password, drops the fragment, and
/// redacts secret-named query parameters. The rest (SOQL in `q=`) is kept: it explains the call.
pub fn redact_path(path_or_url: &str) -> String {
    let mut path = path_or_url.trim();
    let lower = path.get(..8).unwrap_or(path).to_ascii_lowercase();
    if let Some(scheme_len) = ["https://", "http://"]
        .iter()
        .find(|s| lower.starts_with(*s))
        .map(|s| s.len())
    {
        let rest = &path[scheme_len..];
        path = rest.find('/').map(|i| &rest[i..]).unwrap_or("/");
    }
    let path = path.split('#').next().unwrap_or_default();
    let out = match path.split_once('?') {
        None => path.to_string(),
        Some((base, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if is_secret_key(&percent_decode_ascii(key)) => {
                        format!("{key}={REDACTED}")
                    }
                    _ => pair.to_string(),
                })
                .collect();
            format!("{base}?{}", params.join("&"))
        }
    };
    cap(out, PATH_CAP)
}

/// Cuts `text` to at most `max` bytes (on a character boundary) and says how much was dropped.
pub fn cap(text: String, max: usize) -> String {
    if text.len() <= max {
        return text;
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let dropped = text.len() - cut;
    format!("{}…truncated {dropped} bytes", &text[..cut])
}

/// What every write path stores: redacted, then capped.
pub(crate) fn clean_body(text: &str) -> String {
    cap(redact(text), BODY_CAP)
}

fn redact_text(text: &str) -> String {
    redact_text_cow(text).into_owned()
}

/// [`redact_text`] without copying a text that holds nothing to redact (most do: a push logs
/// tens of thousands of record bodies).
fn redact_text_cow(text: &str) -> Cow<'_, str> {
    fn then<'a>(text: Cow<'a, str>, f: fn(&str) -> Cow<'_, str>) -> Cow<'a, str> {
        match text {
            Cow::Borrowed(t) => f(t),
            Cow::Owned(t) => Cow::Owned(f(&t).into_owned()),
        }
    }
    let text = redact_pairs(text);
    let text = then(text, redact_auth_schemes);
    then(text, redact_session_ids)
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// `key=value`, `key: value`, `"key": "value"`, `key='value'` with a secret-naming key.
fn redact_pairs(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    // Allocated only when something is redacted.
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if !is_key_byte(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_key_byte(b[i]) {
            i += 1;
        }
        if !is_secret_key(&text[start..i]) {
            continue;
        }
        let mut j = i;
        // The closing quote of a quoted key.
        if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
            j += 1;
        }
        while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
            j += 1;
        }
        if j >= b.len() || (b[j] != b':' && b[j] != b'=') {
            continue;
        }
        j += 1;
        while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
            j += 1;
        }
        let (value_start, value_end, resume) = if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
            let quote = b[j];
            let mut k = j + 1;
            while k < b.len() && b[k] != quote {
                k += if b[k] == b'\\' { 2 } else { 1 };
            }
            let k = k.min(b.len());
            (j + 1, k, (k + 1).min(b.len()))
        } else {
            // Unquoted: up to the end of the line or of the pair. Spaces belong to the value so
            // `Authorization: Bearer abc` loses both words.
            let mut k = j;
            while k < b.len()
                && !matches!(
                    b[k],
                    b'&' | b';' | b',' | b'\n' | b'\r' | b'"' | b'\'' | b'}' | b']' | b'<'
                )
            {
                k += 1;
            }
            (j, k, k)
        };
        if value_end > value_start && &text[value_start..value_end] != REDACTED {
            out.push_str(&text[copied..value_start]);
            out.push_str(REDACTED);
            copied = value_end;
        }
        i = resume.max(i);
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'!' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=' | b'-')
}

/// `Bearer <token>` and Salesforce's `OAuth <token>` where the word after looks like a
/// credential (16+ token characters), so prose such as "OAuth flow failed" stays readable.
fn redact_auth_schemes(text: &str) -> Cow<'_, str> {
    const SCHEMES: &[&str] = &["bearer", "oauth"];
    let b = text.as_bytes();
    // Allocated only when something is redacted.
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphabetic() || (i > 0 && is_key_byte(b[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        let word = &text[start..i];
        if !SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(word)) {
            continue;
        }
        let mut j = i;
        while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
            j += 1;
        }
        if j == i {
            continue;
        }
        let mut k = j;
        while k < b.len() && is_token_byte(b[k]) {
            k += 1;
        }
        if k - j >= 16 && &text[j..k] != REDACTED {
            out.push_str(&text[copied..j]);
            out.push_str(REDACTED);
            copied = k;
        }
        i = k.max(i);
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// A Salesforce session id (an access token) is the 15- or 18-character org id, `!`, and a long
/// opaque string: `00D5g000004ABCD!AQ4AQ...`. Redact it wherever it appears, even without a key.
fn redact_session_ids(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    // Allocated only when something is redacted.
    let mut out = String::new();
    let mut copied = 0;
    let mut search_from = 0;
    while let Some(offset) = text[search_from..].find('!') {
        let bang = search_from + offset;
        search_from = bang + 1;
        let mut start = bang;
        while start > 0 && b[start - 1].is_ascii_alphanumeric() {
            start -= 1;
        }
        let org_id = &text[start..bang];
        if start < copied
            || !(org_id.len() == 15 || org_id.len() == 18)
            || !org_id.starts_with("00D")
        {
            continue;
        }
        let mut end = bang + 1;
        while end < b.len() && is_token_byte(b[end]) {
            end += 1;
        }
        if end - (bang + 1) < 20 {
            continue;
        }
        out.push_str(&text[copied..start]);
        out.push_str(REDACTED);
        copied = end;
        search_from = end;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Decodes `%XX` escapes of ASCII characters so `client%5Fsecret` is recognised; anything else
/// is left as it is.
fn percent_decode_ascii(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                if v.is_ascii() {
                    out.push(v as char);
                    i += 3;
                    continue;
                }
            }
        }
        let ch_len = s[i..].chars().next().map(char::len_utf8).unwrap_or(1);
        out.push_str(&s[i..i + ch_len]);
        i += ch_len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn redacted_json(v: Value) -> Value {
        serde_json::from_str(&redact(&v.to_string())).unwrap()
    }

    #[test]
    fn json_tokens_are_redacted_at_every_depth_and_case() {
        let body = json!({
            "access_token": "00D5g000004ABCD!AQ4AQFakeAccessTokenValue1234567890",
            "instance_url": "https://acme.my.salesforce.com",
            "Refresh_Token": "5Aep861TSESvWeug_xvFHRBTTbf",
            "signature": "lnZ3jfjXfZWmbFVmKkDxv0xbnVz0KrrTsPyx0LMEbPg=",
            "nested": {
                "CLIENT_SECRET": "s3cr3t",
                "list": [
                    {"password": "hunter2", "name": "Jane"},
                    {"headers": {"Authorization": "Bearer abc", "Accept": "application/json"}},
                    {"deeper": [{"userPassword": {"any": "shape"}}]}
                ]
            },
            "id_token": null,
            "score": 87
        });
        let out = redacted_json(body);
        assert_eq!(out["access_token"], REDACTED);
        assert_eq!(out["instance_url"], "https://acme.my.salesforce.com");
        assert_eq!(out["Refresh_Token"], REDACTED);
        assert_eq!(out["signature"], REDACTED);
        assert_eq!(out["nested"]["CLIENT_SECRET"], REDACTED);
        assert_eq!(out["nested"]["list"][0]["password"], REDACTED);
        assert_eq!(out["nested"]["list"][0]["name"], "Jane");
        assert_eq!(
            out["nested"]["list"][1]["headers"]["Authorization"],
            REDACTED
        );
        assert_eq!(
            out["nested"]["list"][1]["headers"]["Accept"],
            "application/json"
        );
        assert_eq!(
            out["nested"]["list"][2]["deeper"][0]["userPassword"],
            REDACTED
        );
        assert_eq!(out["id_token"], Value::Null, "null stays null");
        assert_eq!(out["score"], 87);
        let text = out.to_string();
        for secret in [
            "AQ4AQ", "5Aep861", "lnZ3jf", "s3cr3t", "hunter2", "abc\"", "shape",
        ] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
    }

    #[test]
    fn credentials_inside_json_strings_are_redacted() {
        let out = redacted_json(json!({
            "message": "call failed with Bearer 00D5g000004ABCD!AQ4AQxxxxxxxxxxxxxxxxxxxxxx",
            "url": "https://x.my.salesforce.com/services/data?access_token=abc123&q=1"
        }));
        let text = out.to_string();
        assert!(!text.contains("AQ4AQ"), "{text}");
        assert!(!text.contains("abc123"), "{text}");
        assert!(text.contains("q=1"), "{text}");
    }

    #[test]
    fn form_bodies_and_header_dumps_are_redacted() {
        let form = "grant_type=refresh_token&client_id=leadbridge-demo&client_secret=leadbridge-demo-secret&refresh_token=5Aep861TSESvWeug";
        let out = redact(form);
        assert_eq!(
            out,
            "grant_type=refresh_token&client_id=leadbridge-demo&client_secret=[REDACTED]&refresh_token=[REDACTED]"
        );

        let headers = "POST /services/data/v66.0/composite\nAuthorization: Bearer 00Dxx!secretsecret\nX-Signature-256: sha256=deadbeef\nContent-Type: application/json";
        let out = redact(headers);
        assert!(!out.contains("secretsecret"), "{out}");
        assert!(!out.contains("deadbeef"), "{out}");
        assert!(out.contains("Content-Type: application/json"), "{out}");
        assert!(out.contains("Authorization: [REDACTED]\n"), "{out}");
    }

    #[test]
    fn truncated_json_is_still_redacted_as_text() {
        let cut =
            r#"{"records":[{"Email":"a@b.com"}],"access_token" : "tok\"en-value", "Password":"p"#;
        let out = redact(cut);
        assert!(!out.contains("en-value"), "{out}");
        assert!(!out.contains(":\"p"), "{out}");
        assert!(out.contains("a@b.com"), "{out}");
    }

    #[test]
    fn bare_bearer_and_session_ids_are_redacted_but_prose_is_kept() {
        let out = redact("retrying with Bearer eyJhbGciOiJSUzI1NiJ9.payload.sig now");
        assert_eq!(out, "retrying with Bearer [REDACTED] now");
        let out = redact("OAuth flow failed: state mismatch");
        assert_eq!(out, "OAuth flow failed: state mismatch");
        let out = redact("session 00D5g000004ABCDEAA!AR8AQJXg5oqsdfghjklqwertyu expired");
        assert_eq!(out, "session [REDACTED] expired");
        let plain = "The password field is required on Lead";
        assert_eq!(redact(plain), plain);
    }

    #[test]
    fn secret_keys_match_case_and_separator_insensitively() {
        for key in [
            "access_token",
            "AccessToken",
            "x-signature-256",
            "CLIENT-SECRET",
            "Password",
            "db_passwd",
            "Set-Cookie",
            "sid",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in [
            "email",
            "Company",
            "instance_url",
            "errorCode",
            "sidebar",
            "id",
        ] {
            assert!(!is_secret_key(key), "{key}");
        }
        // Keys longer than the stack buffer are normalised the same way.
        let long = format!("{}_Refresh-Token", "x".repeat(80));
        assert!(is_secret_key(&long));
        assert!(!is_secret_key(&"x".repeat(80)));
    }

    #[test]
    fn clean_text_is_not_copied_and_dirty_text_is_redacted_in_every_pass() {
        let clean = "Lead created for ada@example.com (OAuth flow ok)";
        assert!(matches!(redact_text_cow(clean), Cow::Borrowed(_)));
        let dirty = "password=hunter2 then Bearer abcdefghijklmnopqrstuvwx and 00D000000000001!AQ4AQabcdefghijklmnopqrstuv";
        let out = redact_text_cow(dirty);
        assert!(matches!(out, Cow::Owned(_)));
        assert!(!out.contains("hunter2"), "{out}");
        assert!(!out.contains("abcdefghijklmnopqrstuvwx"), "{out}");
        assert!(!out.contains("AQ4AQ"), "{out}");
        let mut v = serde_json::json!({"note": clean, "memo": dirty});
        redact_value(&mut v);
        assert_eq!(v["note"], clean);
        assert!(!v["memo"].as_str().unwrap().contains("hunter2"));
    }

    #[test]
    fn paths_lose_host_userinfo_fragment_and_secret_query_values() {
        assert_eq!(
            redact_path("https://user:pw@acme.my.salesforce.com/services/data/v66.0/query?q=SELECT+Id+FROM+Lead&access_token=abc#frag"),
            "/services/data/v66.0/query?q=SELECT+Id+FROM+Lead&access_token=[REDACTED]"
        );
        assert_eq!(
            redact_path("/services/oauth2/token?client%5Fsecret=x"),
            "/services/oauth2/token?client%5Fsecret=[REDACTED]"
        );
        assert_eq!(redact_path("HTTP://host"), "/");
        assert_eq!(
            redact_path("/services/data/v66.0/sobjects/Lead"),
            "/services/data/v66.0/sobjects/Lead"
        );
    }

    #[test]
    fn cap_cuts_on_a_character_boundary_and_says_how_much() {
        assert_eq!(cap("short".into(), 10), "short");
        let text = "ééééé".to_string(); // 10 bytes
        let out = cap(text, 5);
        assert_eq!(out, "éé…truncated 6 bytes");
        let big = "x".repeat(BODY_CAP + 100);
        let out = clean_body(&big);
        assert!(
            out.ends_with("…truncated 100 bytes"),
            "{}",
            &out[out.len() - 30..]
        );
        assert!(out.len() < BODY_CAP + 30);
    }
}
