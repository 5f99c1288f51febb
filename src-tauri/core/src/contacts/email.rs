//! Email addresses as Leadbridge uses them: a practical syntax check (the chat platform already
//! confirmed the visitor typed something address-shaped; we refuse what Salesforce's Email
//! field or a SOQL lookup would choke on), the case-insensitive dedupe key, and the company
//! domain an address implies.

/// Longest address accepted (RFC 5321's path limit minus the angle brackets).
pub const MAX_EMAIL_LEN: usize = 254;
/// Longest local part (RFC 5321 section 4.5.3.1.1).
const MAX_LOCAL_LEN: usize = 64;

/// Mail providers anyone can sign up to: their domain says nothing about the visitor's company,
/// so it never becomes a contact's `domain`. Deliberately small: the common providers only.
pub const FREE_MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "yahoo.com",
    "yahoo.co.uk",
    "yahoo.fr",
    "ymail.com",
    "hotmail.com",
    "hotmail.co.uk",
    "hotmail.fr",
    "outlook.com",
    "live.com",
    "msn.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "t-online.de",
    "mail.com",
    "yandex.com",
    "yandex.ru",
    "mail.ru",
    "zoho.com",
    "fastmail.com",
    "hey.com",
    "tutanota.com",
    "qq.com",
    "163.com",
    "126.com",
    "orange.fr",
    "free.fr",
    "libero.it",
];

/// Characters never valid in an unquoted local part or a domain. Quoted local parts
/// (`"a b"@x.com`) are legal in RFC 5322 but no chat widget produces them, and Salesforce's
/// Email field rejects them, so they are refused here too.
const FORBIDDEN: &[char] = &['<', '>', '(', ')', '[', ']', '\\', ',', ';', ':', '"'];

/// Checks that `email` is usable as an address; the message says what is wrong.
///
/// Accepts: one `@`; a non-empty local part of at most 64 characters without whitespace,
/// control characters or `<>()[]\,;:"`, not starting or ending with a dot and without `..`
/// (so `o'brien@example.com` and `first.last+tag@example.co.uk` pass); a domain with at least
/// one dot whose labels are non-empty, at most 63 characters, made of letters (any script),
/// digits and hyphens, not starting or ending with a hyphen; at most 254 characters in all.
pub fn validate(email: &str) -> Result<(), String> {
    if email.is_empty() {
        return Err("is empty".into());
    }
    let len = email.chars().count();
    if len > MAX_EMAIL_LEN {
        return Err(format!(
            "is {len} characters long; the maximum is {MAX_EMAIL_LEN}"
        ));
    }
    if let Some(c) = email.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "contains {} (no spaces or control characters allowed)",
            describe_char(c)
        ));
    }
    if let Some(c) = email.chars().find(|c| FORBIDDEN.contains(c)) {
        return Err(format!("contains the character '{c}'"));
    }
    let (local, domain) = match email.split_once('@') {
        None => return Err("has no '@'".into()),
        Some((_, d)) if d.contains('@') => return Err("has more than one '@'".into()),
        Some(parts) => parts,
    };
    if local.is_empty() {
        return Err("has nothing before the '@'".into());
    }
    if local.chars().count() > MAX_LOCAL_LEN {
        return Err(format!(
            "has a part before '@' longer than {MAX_LOCAL_LEN} characters"
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err("has a misplaced dot before the '@'".into());
    }
    if domain.is_empty() {
        return Err("has nothing after the '@'".into());
    }
    if !domain.contains('.') {
        return Err(format!("has no dot in its domain '{domain}'"));
    }
    for label in domain.split('.') {
        if label.is_empty() {
            return Err(format!("has an empty label in its domain '{domain}'"));
        }
        if label.chars().count() > 63 {
            return Err(format!(
                "has a domain label longer than 63 characters in '{domain}'"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!(
                "has a domain label starting or ending with '-' in '{domain}'"
            ));
        }
        if let Some(c) = label.chars().find(|c| !(c.is_alphanumeric() || *c == '-')) {
            return Err(format!("has the character '{c}' in its domain '{domain}'"));
        }
    }
    Ok(())
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".into(),
        '\t' => "a tab".into(),
        c => format!("the character U+{:04X}", c as u32),
    }
}

/// The dedupe key: the whole address lowercased. Salesforce compares Email case-insensitively,
/// and in practice mail providers treat the local part so too.
pub fn key(email: &str) -> String {
    email.to_lowercase()
}

pub fn is_free_mail(domain: &str) -> bool {
    let domain = domain.to_ascii_lowercase();
    FREE_MAIL_DOMAINS.contains(&domain.as_str())
}

/// The company domain an address implies: its domain, lowercased, unless it is a free-mail one.
pub fn company_domain(email: &str) -> Option<String> {
    let (_, domain) = email.rsplit_once('@')?;
    let domain = domain.trim_end_matches('.').to_lowercase();
    (!domain.is_empty() && !is_free_mail(&domain)).then_some(domain)
}

/// The domain of a website as people write it: `https://www.acme.com/about`, `acme.com`,
/// `www.acme.com` all give `acme.com`. None when it has no host name.
pub fn website_domain(website: &str) -> Option<String> {
    let website = website.trim();
    let with_scheme = if website.contains("://") {
        website.to_string()
    } else {
        format!("http://{website}")
    };
    let url = url::Url::parse(&with_scheme).ok()?;
    let host = match url.host()? {
        url::Host::Domain(d) => d.to_lowercase(),
        // An IP address is not a company domain.
        url::Host::Ipv4(_) | url::Host::Ipv6(_) => return None,
    };
    let host = host.trim_end_matches('.');
    let host = host.strip_prefix("www.").unwrap_or(host);
    host.contains('.').then(|| host.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_practical_addresses() {
        for ok in [
            "o'brien@example.com",
            "first.last+tag@example.co.uk",
            "Alex@X.com",
            "a@b.io",
            "user_name-1@sub.domain-x.org",
            "josé@exämple.de",
        ] {
            assert_eq!(validate(ok), Ok(()), "{ok} should be valid");
        }
    }

    #[test]
    fn refuses_what_is_not_an_address_with_a_reason() {
        let cases = [
            ("", "empty"),
            ("alex.example.com", "no '@'"),
            ("alex @example.com", "a space"),
            ("a@b@example.com", "more than one '@'"),
            ("@example.com", "nothing before"),
            ("alex@", "nothing after"),
            ("alex@localhost", "no dot"),
            ("alex@example..com", "empty label"),
            ("alex@.example.com", "empty label"),
            ("alex.@example.com", "misplaced dot"),
            ("al..ex@example.com", "misplaced dot"),
            ("alex@exa_mple.com", "'_'"),
            ("alex@-example.com", "'-'"),
            ("<alex@example.com>", "'<'"),
            ("alex\t@example.com", "a tab"),
        ];
        for (bad, why) in cases {
            let err = validate(bad).expect_err(bad);
            assert!(err.contains(why), "{bad:?}: {err:?} should mention {why:?}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(validate(&long).unwrap_err().contains("maximum is 254"));
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert!(validate(&long_local)
            .unwrap_err()
            .contains("longer than 64"));
    }

    #[test]
    fn key_folds_case() {
        assert_eq!(key("Alex@X.com"), key("alex@x.com"));
    }

    #[test]
    fn company_domain_skips_free_mail() {
        assert_eq!(company_domain("alex@Acme.com").as_deref(), Some("acme.com"));
        assert_eq!(company_domain("alex@GMAIL.com"), None);
        assert_eq!(company_domain("alex@yahoo.co.uk"), None);
    }

    #[test]
    fn website_domain_strips_scheme_www_and_path() {
        assert_eq!(
            website_domain("https://www.Acme.com/about?x=1").as_deref(),
            Some("acme.com")
        );
        assert_eq!(website_domain("acme.io").as_deref(), Some("acme.io"));
        assert_eq!(
            website_domain("www.acme.co.uk/").as_deref(),
            Some("acme.co.uk")
        );
        assert_eq!(website_domain("http://10.0.0.1/"), None);
        assert_eq!(website_domain("localhost"), None);
        assert_eq!(website_domain("not a url at all"), None);
    }
}
