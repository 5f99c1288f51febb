//! The log stores unix milliseconds (UTC) and shows RFC 3339 with milliseconds, always the same
//! shape (`2025-03-01T09:30:00.000Z`) so the UI and scripts can sort the strings.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::{Error, Result};

pub(crate) fn to_ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn from_ms(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| {
        Error::new(
            crate::ErrorCode::Database,
            format!("stored time {ms} ms is out of range"),
        )
    })
}

/// The wire form of a time.
pub fn format(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses a time given by a person or a script: RFC 3339 (`2025-03-01T09:30:00Z`,
/// `2025-03-01T10:30:00+01:00`) or a bare date (`2025-03-01`, midnight UTC).
pub fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(t.and_utc());
        }
    }
    Err(Error::invalid_input(format!(
        "'{text}' is not a time; use RFC 3339 (2025-03-01T09:30:00Z) or a date (2025-03-01)"
    )))
}

/// `#[serde(with = ...)]` for `DateTime<Utc>`.
pub(crate) mod rfc3339 {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| serde::de::Error::custom(format!("'{text}' is not RFC 3339: {e}")))
    }
}

/// `#[serde(with = ...)]` for `Option<DateTime<Utc>>`.
pub(crate) mod rfc3339_opt {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&super::format(*t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => DateTime::parse_from_rfc3339(&text)
                .map(|t| Some(t.with_timezone(&Utc)))
                .map_err(|e| serde::de::Error::custom(format!("'{text}' is not RFC 3339: {e}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_milliseconds_and_z() {
        let t = from_ms(1_740_821_400_000).unwrap();
        assert_eq!(format(t), "2025-03-01T09:30:00.000Z");
        assert_eq!(to_ms(t), 1_740_821_400_000);
    }

    #[test]
    fn parses_rfc3339_offsets_and_bare_dates() {
        assert_eq!(
            parse_time("2025-03-01T10:30:00+01:00").unwrap(),
            parse_time("2025-03-01T09:30:00Z").unwrap()
        );
        assert_eq!(
            format(parse_time("2025-03-01").unwrap()),
            "2025-03-01T00:00:00.000Z"
        );
        let e = parse_time("yesterday").unwrap_err();
        assert!(e.message.contains("'yesterday'"), "{}", e.message);
        assert!(e.is_usage());
    }
}
