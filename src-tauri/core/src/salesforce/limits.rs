//! API quota: the `Sforce-Limit-Info` header Salesforce returns on every REST answer
//! (`api-usage=10018/100000`, salesforce-facts.md B3) and the `/limits` resource.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The org's daily API usage as last reported by Salesforce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApiUsage {
    /// API requests made in the last 24 hours, by the whole org.
    #[ts(type = "number")]
    pub used: u64,
    /// The org's 24-hour allowance.
    #[ts(type = "number")]
    pub max: u64,
    /// When this value was reported.
    pub observed_at: DateTime<Utc>,
}

/// Reads `api-usage=N/M` out of a `Sforce-Limit-Info` header value. Other entries
/// (`per-app-api-usage=...`, `api-bursts=...`) are skipped.
pub fn parse_limit_info(header: &str, observed_at: DateTime<Utc>) -> Option<ApiUsage> {
    header.split(',').find_map(|part| {
        let (key, value) = part.trim().split_once('=')?;
        if key.trim() != "api-usage" {
            return None;
        }
        let (used, max) = value.trim().split_once('/')?;
        Some(ApiUsage {
            used: used.trim().parse().ok()?,
            max: max.trim().parse().ok()?,
            observed_at,
        })
    })
}

/// One entry of `GET /limits`: Salesforce spells the keys `Max` and `Remaining`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OrgLimit {
    #[serde(rename(deserialize = "Max"))]
    #[ts(type = "number")]
    pub max: i64,
    #[serde(rename(deserialize = "Remaining"))]
    #[ts(type = "number")]
    pub remaining: i64,
}

/// `GET /limits`, by limit name (`DailyApiRequests`, `DailyBulkV2QueryJobs`, ...). The
/// per-connected-app breakdown nested under some limits is left out.
pub type OrgLimits = BTreeMap<String, OrgLimit>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_api_usage_among_other_entries() {
        let now = Utc::now();
        let u = parse_limit_info("api-usage=10018/100000", now).unwrap();
        assert_eq!((u.used, u.max), (10018, 100000));
        let u = parse_limit_info(
            "per-app-api-usage=17/250(appName=sample), api-usage=25/5000",
            now,
        )
        .unwrap();
        assert_eq!((u.used, u.max), (25, 5000));
        assert_eq!(parse_limit_info("api-bursts=1/2", now), None);
        assert_eq!(parse_limit_info("api-usage=lots", now), None);
    }

    #[test]
    fn limits_body_parses_with_salesforce_spelling() {
        let body = r#"{"DailyApiRequests":{"Max":15000,"Remaining":14998,"Ant Migration Tool":{"Max":0,"Remaining":0}},
                       "DataStorageMB":{"Max":5,"Remaining":5}}"#;
        let limits: OrgLimits = serde_json::from_str(body).unwrap();
        assert_eq!(
            limits["DailyApiRequests"],
            OrgLimit {
                max: 15000,
                remaining: 14998
            }
        );
        let out = serde_json::to_value(&limits["DataStorageMB"]).unwrap();
        assert_eq!(out, serde_json::json!({"max": 5, "remaining": 5}));
    }
}
