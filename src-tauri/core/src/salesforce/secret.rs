//! A string that must never be printed: access and refresh tokens, client secrets.
//! It has no `Serialize` and no `Display`, and `Debug` prints a placeholder, so a token can
//! reach a log line, an error message or SQLite only by an explicit `expose()`.

use std::fmt;

use serde::{Deserialize, Deserializer};

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret text, for the one place that has to send it (a header, a form, the keyring).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Secret, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("00Dx!AR8AQ.token");
        let printed = format!("{s:?} {:?}", Some(&s));
        assert!(!printed.contains("AR8AQ"), "{printed}");
        assert_eq!(s.expose(), "00Dx!AR8AQ.token");
    }
}
