//! When to try again (PRODUCT.md step 9): transient failures (HTTP 5xx, 429,
//! `UNABLE_TO_LOCK_ROW`, `SERVER_UNAVAILABLE`, timeouts, connection errors) are retried after
//! each delay of the schedule in turn (default 2 s, 8 s, 32 s: exponential), or after the
//! server's `Retry-After` when that is longer; validation errors fail at once. An expired
//! session is not a retry here: the client renews the token and resends once by itself.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::salesforce::api_error::is_transient_error_code;
use crate::{Error, ErrorCode, Result};

/// The default schedule, `--retry-delays-ms 2000,8000,32000`.
pub const DEFAULT_DELAYS_MS: [u64; 3] = [2_000, 8_000, 32_000];
/// The longest `Retry-After` honoured; a server asking for more fails the attempt instead of
/// holding the push for longer.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(600);
/// Bounds on a schedule given by hand.
const MAX_RETRIES: usize = 10;
const MAX_DELAY_MS: u64 = 600_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait before retry 1, 2, ...; as many retries as delays.
    pub delays: Vec<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            delays: DEFAULT_DELAYS_MS
                .iter()
                .map(|&ms| Duration::from_millis(ms))
                .collect(),
        }
    }
}

impl RetryPolicy {
    /// `2000,8000,32000`: milliseconds, comma-separated; an empty list means no retries.
    pub fn parse_ms(list: &str) -> Result<RetryPolicy> {
        let list = list.trim();
        if list.is_empty() {
            return Ok(RetryPolicy { delays: Vec::new() });
        }
        let mut delays = Vec::new();
        for (i, part) in list.split(',').enumerate() {
            let part = part.trim();
            let ms: u64 = part.parse().map_err(|_| {
                Error::invalid_input(format!(
                    "retry delay {} ({part:?}) is not a whole number of milliseconds; write them like 2000,8000,32000",
                    i + 1
                ))
                .field("retryDelaysMs")
            })?;
            if ms > MAX_DELAY_MS {
                return Err(Error::invalid_input(format!(
                    "retry delay {} is {ms} ms; at most {MAX_DELAY_MS} ms (10 minutes) is allowed",
                    i + 1
                ))
                .field("retryDelaysMs"));
            }
            delays.push(Duration::from_millis(ms));
        }
        if delays.len() > MAX_RETRIES {
            return Err(Error::invalid_input(format!(
                "{} retry delays given; at most {MAX_RETRIES} retries are allowed",
                delays.len()
            ))
            .field("retryDelaysMs"));
        }
        Ok(RetryPolicy { delays })
    }

    /// How many attempts a transient failure may take in all.
    pub fn max_attempts(&self) -> u32 {
        self.delays.len() as u32 + 1
    }

    /// The wait before the retry that follows failed attempt `attempt` (1-based), or why
    /// there is none.
    pub fn wait_after(
        &self,
        attempt: u32,
        retry_after_secs: Option<u32>,
    ) -> std::result::Result<Duration, String> {
        let Some(&scheduled) = self.delays.get(attempt.saturating_sub(1) as usize) else {
            return Err(format!("gave up after {attempt} attempts"));
        };
        let asked = retry_after_secs.map(|s| Duration::from_secs(u64::from(s)));
        match asked {
            Some(asked) if asked > MAX_RETRY_AFTER => Err(format!(
                "Salesforce asked to wait {} s before retrying (Retry-After), more than the {} s Leadbridge waits",
                asked.as_secs(),
                MAX_RETRY_AFTER.as_secs()
            )),
            Some(asked) => Ok(asked.max(scheduled)),
            None => Ok(scheduled),
        }
    }
}

/// Whether a failed call is worth another attempt.
pub fn is_transient(e: &Error) -> bool {
    e.details.as_ref().is_some_and(|d| d.retryable)
        || e.details
            .as_ref()
            .and_then(|d| d.salesforce_code.as_deref())
            .is_some_and(is_transient_error_code)
}

/// The server's `Retry-After`, when the error carries one.
pub fn retry_after(e: &Error) -> Option<u32> {
    e.details.as_ref().and_then(|d| d.retry_after_secs)
}

/// Waits `delay` unless the push is cancelled first.
pub async fn pause(delay: Duration, cancel: &CancellationToken) -> Result<()> {
    tokio::select! {
        _ = tokio::time::sleep(delay) => Ok(()),
        _ = cancel.cancelled() => Err(cancelled()),
    }
}

pub fn cancelled() -> Error {
    Error::new(ErrorCode::Cancelled, "the push was cancelled")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_schedules_and_names_the_bad_entry() {
        assert_eq!(
            RetryPolicy::parse_ms("10, 20,40").unwrap().delays,
            [10, 20, 40].map(Duration::from_millis)
        );
        assert_eq!(
            RetryPolicy::parse_ms("2000,8000,32000").unwrap(),
            RetryPolicy::default()
        );
        assert!(RetryPolicy::parse_ms("").unwrap().delays.is_empty());
        let e = RetryPolicy::parse_ms("10,x,40").unwrap_err();
        assert!(e.is_usage());
        assert!(e.message.contains("retry delay 2"), "{}", e.message);
        assert!(RetryPolicy::parse_ms("-5").is_err());
        assert!(RetryPolicy::parse_ms("700000").is_err());
        assert!(RetryPolicy::parse_ms(&["1"; 11].join(",")).is_err());
    }

    #[test]
    fn waits_follow_the_schedule_and_retry_after() {
        let p = RetryPolicy::parse_ms("10,20,40").unwrap();
        assert_eq!(p.max_attempts(), 4);
        assert_eq!(p.wait_after(1, None), Ok(Duration::from_millis(10)));
        assert_eq!(p.wait_after(3, None), Ok(Duration::from_millis(40)));
        assert!(p.wait_after(4, None).is_err());
        assert_eq!(p.wait_after(1, Some(2)), Ok(Duration::from_secs(2)));
        assert!(p.wait_after(1, Some(3600)).is_err());
    }

    #[test]
    fn transient_errors() {
        let e = crate::salesforce::api_error::from_rest_response(
            503,
            br#"[{"errorCode":"SERVER_UNAVAILABLE","message":"busy"}]"#,
            Some(3),
            "x",
        );
        assert!(is_transient(&e));
        assert_eq!(retry_after(&e), Some(3));
        let e = crate::salesforce::api_error::from_rest_response(
            400,
            br#"[{"errorCode":"STRING_TOO_LONG","message":"too long"}]"#,
            None,
            "x",
        );
        assert!(!is_transient(&e));
    }
}
