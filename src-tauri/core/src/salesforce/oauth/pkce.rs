//! PKCE (RFC 7636) and the `state` value for the web-server flow.
//!
//! Salesforce: `code_challenge` = base64url(SHA-256(code_verifier)), sent with
//! `code_challenge_method=S256`; the verifier is 43-128 characters. Both values come from
//! `rand`'s thread RNG, a CSPRNG seeded from the operating system.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;
use sha2::{Digest, Sha256};

use crate::salesforce::secret::Secret;

/// 64 random bytes encode to an 86-character verifier, inside RFC 7636's 43..=128.
const VERIFIER_BYTES: usize = 64;
/// 32 random bytes: a `state` nobody can guess.
const STATE_BYTES: usize = 32;

/// One login attempt's PKCE pair.
#[derive(Debug, Clone)]
pub struct Pkce {
    /// Sent only to the token endpoint, never to the browser.
    pub verifier: Secret,
    pub challenge: String,
}

impl Pkce {
    pub fn generate() -> Pkce {
        let verifier = random_token(VERIFIER_BYTES);
        let challenge = challenge_for(&verifier);
        Pkce {
            verifier: Secret::new(verifier),
            challenge,
        }
    }
}

/// The S256 challenge for a verifier.
pub fn challenge_for(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A fresh random `state` for one authorization request.
pub fn new_state() -> String {
    random_token(STATE_BYTES)
}

/// `bytes` random bytes as unpadded base64url: only RFC 3986 unreserved characters.
fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 appendix B's worked example.
    #[test]
    fn challenge_matches_the_rfc_example() {
        assert_eq!(
            challenge_for("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifier_is_long_enough_unreserved_and_fresh() {
        let a = Pkce::generate();
        let b = Pkce::generate();
        let v = a.verifier.expose();
        assert!((43..=128).contains(&v.len()), "{}", v.len());
        assert!(v
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_ne!(a.verifier, b.verifier);
        assert_eq!(a.challenge, challenge_for(v));
        assert_ne!(new_state(), new_state());
        assert!(new_state().len() >= 43);
    }
}
