//! SOQL query results (`GET /query?q=...`): pages of up to 2,000 rows linked by
//! `nextRecordsUrl` until `done` (salesforce-facts.md B4).

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// A record as Salesforce sends it: field name → value, plus `attributes`.
pub type Record = serde_json::Map<String, serde_json::Value>;

/// URI plus headers may not exceed 16,384 bytes (431/414 otherwise, help article 000386264).
pub const MAX_URI_AND_HEADERS_BYTES: usize = 16_384;
/// Room kept for our request headers (Authorization, User-Agent, Sforce-Query-Options...).
pub(crate) const HEADER_ALLOWANCE_BYTES: usize = 1_024;
/// `Sforce-Query-Options: batchSize=N` accepts 200..=2000.
pub const BATCH_SIZE_RANGE: std::ops::RangeInclusive<u32> = 200..=2000;

/// One page of a query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryPage<T = Record> {
    /// Rows matching the whole query (not just this page).
    pub total_size: u64,
    pub done: bool,
    /// `/services/data/vXX.X/query/01g...-2000` while `done` is false.
    #[serde(default)]
    pub next_records_url: Option<String>,
    pub records: Vec<T>,
}

/// Options for [`crate::salesforce::client::SalesforceClient::query_all_pages`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueryOptions {
    /// Rows per page (200..=2000), sent as `Sforce-Query-Options: batchSize=N`. Salesforce may
    /// still return fewer.
    pub batch_size: Option<u32>,
    /// Stop after this many rows; the result says it was truncated.
    pub max_rows: Option<usize>,
}

impl QueryOptions {
    pub fn validate(&self) -> Result<()> {
        if let Some(n) = self.batch_size.filter(|n| !BATCH_SIZE_RANGE.contains(n)) {
            return Err(Error::invalid_input(format!(
                "batch size {n} is outside Salesforce's range {}..={}",
                BATCH_SIZE_RANGE.start(),
                BATCH_SIZE_RANGE.end()
            ))
            .field("batchSize"));
        }
        Ok(())
    }
}

/// Every page of a query, gathered.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryResult<T = Record> {
    pub total_size: u64,
    pub records: Vec<T>,
    /// More rows matched than `max_rows` allowed.
    pub truncated: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/../../tests/fixtures/restforce/sobject/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn parses_recorded_pages() {
        let first: QueryPage =
            serde_json::from_str(&fixture("query_paginated_first_page_response.json")).unwrap();
        assert!(!first.done);
        assert_eq!(first.total_size, 2);
        assert_eq!(
            first.next_records_url.as_deref(),
            Some("/services/data/v26.0/query/01gD")
        );
        assert_eq!(first.records[0]["Text_Label"], "First Page");
        let last: QueryPage =
            serde_json::from_str(&fixture("query_paginated_last_page_response.json")).unwrap();
        assert!(last.done && last.next_records_url.is_none());
        let empty: QueryPage = serde_json::from_str(&fixture("query_empty_response.json")).unwrap();
        assert!(empty.records.is_empty());
        // Nested relationship objects and subquery results stay as JSON.
        let full: QueryPage =
            serde_json::from_str(&fixture("query_success_response.json")).unwrap();
        assert_eq!(
            full.records[0]["Whizbangs__r"]["records"][0]["Name"],
            "Child Whizbang"
        );
        let agg: QueryPage =
            serde_json::from_str(&fixture("query_aggregate_success_response.json")).unwrap();
        assert!(agg.done);
    }

    #[test]
    fn typed_records() {
        #[derive(Deserialize)]
        struct Org {
            #[serde(rename = "Id")]
            id: String,
        }
        let page: QueryPage<Org> =
            serde_json::from_str(&fixture("org_query_response.json")).unwrap();
        assert_eq!(page.records[0].id, "00Dx0000000BV7z");
    }

    #[test]
    fn batch_size_range() {
        QueryOptions {
            batch_size: Some(200),
            max_rows: None,
        }
        .validate()
        .unwrap();
        QueryOptions {
            batch_size: Some(2000),
            max_rows: None,
        }
        .validate()
        .unwrap();
        let err = QueryOptions {
            batch_size: Some(100),
            max_rows: None,
        }
        .validate()
        .unwrap_err();
        assert!(err.message.contains("200..=2000"), "{}", err.message);
    }
}
