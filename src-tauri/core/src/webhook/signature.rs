//! Webhook signatures: `X-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` (seed 003,
//! PRODUCT.md), checked in constant time.
//!
//! The hex digest must be lowercase, as the contract and seed 003's reference verifier (which
//! compares the header string to its own lowercase digest) require; an uppercase digest is
//! reported as malformed rather than silently accepted, so a sender's bug shows up at once.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Signature-256";
/// What the header value starts with.
pub const SIGNATURE_PREFIX: &str = "sha256=";

type HmacSha256 = Hmac<Sha256>;

/// Why a body was refused. Messages never include the secret or the expected digest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the request has no {SIGNATURE_HEADER} header")]
    Missing,
    #[error("the {SIGNATURE_HEADER} header is malformed: {0}")]
    Malformed(String),
    #[error("the {SIGNATURE_HEADER} signature does not match the body")]
    Mismatch,
    /// A receiver without a secret would accept anyone's events; refuse instead.
    #[error("no webhook secret is configured")]
    EmptySecret,
}

/// Checks `header` (the `X-Signature-256` value, None when absent) against the HMAC-SHA256 of
/// `raw_body` under `secret`. The comparison is constant-time (hmac's `verify_slice`).
pub fn verify_signature(
    secret: &[u8],
    raw_body: &[u8],
    header: Option<&str>,
) -> Result<(), SignatureError> {
    if secret.is_empty() {
        return Err(SignatureError::EmptySecret);
    }
    let value = header.ok_or(SignatureError::Missing)?.trim();
    if value.is_empty() {
        return Err(SignatureError::Malformed("the value is empty".into()));
    }
    let hex = value.strip_prefix(SIGNATURE_PREFIX).ok_or_else(|| {
        SignatureError::Malformed(format!("the value must start with `{SIGNATURE_PREFIX}`"))
    })?;
    let digest = decode_lower_hex(hex)?;
    let mut mac = mac(secret);
    mac.update(raw_body);
    mac.verify_slice(&digest)
        .map_err(|_| SignatureError::Mismatch)
}

/// The header value a sender would put on `body`: `sha256=<lowercase hex>`. For tests, the
/// demo and scripts that post events.
pub fn signature_header(secret: &[u8], body: &[u8]) -> String {
    let mut mac = mac(secret);
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{SIGNATURE_PREFIX}{hex}")
}

fn mac(secret: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length (long ones are hashed), so this cannot fail.
    <HmacSha256 as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
}

fn decode_lower_hex(hex: &str) -> Result<[u8; 32], SignatureError> {
    if hex.len() != 64 {
        return Err(SignatureError::Malformed(format!(
            "expected 64 hex digits after `{SIGNATURE_PREFIX}`, got {}",
            hex.chars().count()
        )));
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Err(SignatureError::Malformed(
            "hex digits must be lowercase".into(),
        )),
        _ => Err(SignatureError::Malformed(
            "the digest contains a character that is not a hex digit".into(),
        )),
    };
    let mut out = [0u8; 32];
    for (i, pair) in hex.as_bytes().chunks_exact(2).enumerate() {
        out[i] = nibble(pair[0])? << 4 | nibble(pair[1])?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test_5f2b";
    const BODY: &[u8] = br#"{"event":"lead.qualified","timestamp":"2026-04-05T14:30:00Z","data":{"email":"a@b.co"}}"#;

    #[test]
    fn accepts_a_valid_signature() {
        let header = signature_header(SECRET, BODY);
        assert!(header.starts_with("sha256=") && header.len() == 7 + 64);
        assert_eq!(verify_signature(SECRET, BODY, Some(&header)), Ok(()));
        // Surrounding whitespace is not part of an HTTP header value.
        assert_eq!(
            verify_signature(SECRET, BODY, Some(&format!(" {header} "))),
            Ok(())
        );
    }

    #[test]
    fn matches_an_independent_hmac_vector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let header = signature_header(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            header,
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn missing_header() {
        assert_eq!(
            verify_signature(SECRET, BODY, None),
            Err(SignatureError::Missing)
        );
    }

    #[test]
    fn malformed_headers_say_why() {
        let good = signature_header(SECRET, BODY);
        let hex = &good[7..];
        let cases = [
            (String::new(), "empty"),
            (hex.to_string(), "must start with `sha256=`"),
            (format!("sha1={hex}"), "must start with `sha256=`"),
            (format!("sha256={}", &hex[..63]), "got 63"),
            (format!("sha256={hex}00"), "got 66"),
            (format!("sha256={}", hex.to_uppercase()), "lowercase"),
            (format!("sha256={}g", &hex[..63]), "not a hex digit"),
        ];
        for (header, why) in cases {
            match verify_signature(SECRET, BODY, Some(&header)) {
                Err(SignatureError::Malformed(m)) => {
                    assert!(m.contains(why), "{header:?}: {m:?} lacks {why:?}")
                }
                other => panic!("{header:?}: expected Malformed, got {other:?}"),
            }
        }
    }

    #[test]
    fn wrong_secret_is_a_mismatch() {
        let header = signature_header(b"another-secret", BODY);
        assert_eq!(
            verify_signature(SECRET, BODY, Some(&header)),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn body_altered_by_one_byte_is_a_mismatch() {
        let header = signature_header(SECRET, BODY);
        let mut altered = BODY.to_vec();
        let last = altered.len() - 3;
        altered[last] ^= 0x01;
        assert_eq!(
            verify_signature(SECRET, &altered, Some(&header)),
            Err(SignatureError::Mismatch)
        );
        let mut longer = BODY.to_vec();
        longer.push(b' ');
        assert_eq!(
            verify_signature(SECRET, &longer, Some(&header)),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn empty_secret_is_refused_and_messages_hide_the_secret() {
        let header = signature_header(b"", BODY);
        assert_eq!(
            verify_signature(b"", BODY, Some(&header)),
            Err(SignatureError::EmptySecret)
        );
        let err = verify_signature(SECRET, BODY, Some("sha256=00"))
            .unwrap_err()
            .to_string();
        assert!(!err.contains("whsec"), "{err}");
    }
}
