//! API version negotiation: `GET /services/data/` lists the versions an org serves; we use
//! the highest one that Leadbridge also supports.

use serde::Deserialize;

use crate::{Error, ErrorCode, Result};

/// The newest REST API version Leadbridge is written and tested against (Spring '26).
pub const MAX_SUPPORTED: ApiVersion = ApiVersion {
    major: 66,
    minor: 0,
};
/// The oldest version with everything Leadbridge calls: sObject Collections (v42) with
/// upsert (v46) and Composite (v34).
pub const MIN_SUPPORTED: ApiVersion = ApiVersion {
    major: 46,
    minor: 0,
};

/// A REST API version such as `66.0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    pub major: u32,
    pub minor: u32,
}

impl ApiVersion {
    /// Parses `66.0`, `v66.0` or `66`.
    pub fn parse(text: &str) -> Option<ApiVersion> {
        let t = text.trim();
        let t = t.strip_prefix('v').unwrap_or(t);
        let (major, minor) = t.split_once('.').unwrap_or((t, "0"));
        Some(ApiVersion {
            major: major.parse().ok()?,
            minor: minor.parse().ok()?,
        })
    }

    /// Whether Leadbridge can use this version.
    pub fn is_supported(self) -> bool {
        (MIN_SUPPORTED..=MAX_SUPPORTED).contains(&self)
    }
}

impl std::fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// One entry of `GET /services/data/`.
#[derive(Debug, Clone, Deserialize)]
pub struct VersionEntry {
    pub version: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

/// The highest version both the org and Leadbridge support.
pub fn choose(offered: &[VersionEntry]) -> Result<ApiVersion> {
    let parsed: Vec<ApiVersion> = offered
        .iter()
        .filter_map(|v| ApiVersion::parse(&v.version))
        .collect();
    if let Some(best) = parsed.iter().copied().filter(|v| v.is_supported()).max() {
        return Ok(best);
    }
    let newest = parsed
        .iter()
        .max()
        .map(ToString::to_string)
        .unwrap_or_else(|| "none".into());
    Err(Error::new(
        ErrorCode::Salesforce,
        format!(
            "the org offers no REST API version Leadbridge supports ({MIN_SUPPORTED} to {MAX_SUPPORTED}); its newest is {newest}"
        ),
    )
    .detail(|d| d.salesforce_code = Some("UNSUPPORTED_API_VERSION".into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(versions: &[&str]) -> Vec<VersionEntry> {
        versions
            .iter()
            .map(|v| VersionEntry {
                version: v.to_string(),
                label: None,
                url: None,
            })
            .collect()
    }

    #[test]
    fn prefers_our_newest_when_the_org_is_ahead() {
        let v = choose(&entries(&["31.0", "65.0", "66.0", "67.0", "68.0"])).unwrap();
        assert_eq!(v.to_string(), "66.0");
    }

    #[test]
    fn uses_the_org_newest_when_it_is_behind() {
        assert_eq!(
            choose(&entries(&["58.0", "59.0", "60.0"]))
                .unwrap()
                .to_string(),
            "60.0"
        );
    }

    #[test]
    fn compares_numerically_not_as_text() {
        assert!(ApiVersion::parse("100").unwrap() > ApiVersion::parse("66.0").unwrap());
        assert!(ApiVersion::parse("v9.0").unwrap() < ApiVersion::parse("10.0").unwrap());
        assert_eq!(ApiVersion::parse("abc"), None);
    }

    /// restforce's recorded `/services/data` body offers 20.0 and 100: neither is usable.
    #[test]
    fn no_common_version_is_a_clear_error() {
        let text = include_str!(
            "../../../../tests/fixtures/restforce/services_data_success_response.json"
        );
        let offered: Vec<VersionEntry> = serde_json::from_str(text).unwrap();
        assert_eq!(offered[0].label.as_deref(), Some("Winter '11"));
        let e = choose(&offered).unwrap_err();
        assert!(e.message.contains("46.0 to 66.0"), "{}", e.message);
        assert!(e.message.contains("newest is 100.0"), "{}", e.message);
    }
}
