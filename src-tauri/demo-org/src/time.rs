//! Date and datetime values as Salesforce writes them in JSON: dates `2024-05-01`, datetimes
//! `2024-05-01T09:30:00.000+0000` (always UTC in the demo org, whose time zone is GMT).

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};

pub fn format_datetime(t: DateTime<Utc>) -> String {
    // RFC 3339 with millis, then Salesforce's `+0000` instead of `Z`.
    let s = t.to_rfc3339_opts(SecondsFormat::Millis, true);
    match s.strip_suffix('Z') {
        Some(head) => format!("{head}+0000"),
        None => s,
    }
}

pub fn format_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Parses the datetime forms Salesforce accepts in JSON: RFC 3339 (`Z` or `+01:00`), an offset
/// without a colon (`+0100`, as Salesforce itself writes), with or without fractional seconds.
pub fn parse_datetime(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z") {
        return Some(t.with_timezone(&Utc));
    }
    // No offset at all: Salesforce reads it as GMT.
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|n| n.and_utc())
}

pub fn parse_date(s: &str) -> Option<NaiveDate> {
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_round_trip_in_salesforce_form() {
        let t = parse_datetime("2024-05-01T09:30:00.000+0000").expect("salesforce form parses");
        assert_eq!(format_datetime(t), "2024-05-01T09:30:00.000+0000");
        let t = parse_datetime("2024-05-01T11:30:00+02:00").expect("rfc3339 parses");
        assert_eq!(format_datetime(t), "2024-05-01T09:30:00.000+0000");
        assert!(parse_datetime("2024-05-01").is_none());
        assert!(parse_date("2024-02-30").is_none());
        assert_eq!(
            parse_date("2024-02-29").map(format_date).as_deref(),
            Some("2024-02-29")
        );
    }
}
