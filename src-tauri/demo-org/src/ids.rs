//! Salesforce record ids: 15 case-sensitive characters (a 3-character key prefix naming the
//! object, then a per-record part), plus the 3-character case-safe suffix that makes the
//! 18-character form every REST response uses.

/// Characters of the per-record part, in ASCII order so that fixed-width ids sort by creation.
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// Alphabet of the case-safe suffix (Salesforce's documented algorithm).
const SUFFIX: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

/// Key prefixes of the objects the demo org serves.
pub mod prefix {
    pub const ACCOUNT: &str = "001";
    pub const CONTACT: &str = "003";
    pub const USER: &str = "005";
    pub const OPPORTUNITY: &str = "006";
    pub const ORGANIZATION: &str = "00D";
    pub const OPPORTUNITY_CONTACT_ROLE: &str = "00K";
    pub const LEAD: &str = "00Q";
    pub const TASK: &str = "00T";
    pub const CAMPAIGN_MEMBER: &str = "00v";
    pub const QUERY_LOCATOR: &str = "01g";
    pub const CAMPAIGN: &str = "701";
}

/// The "pod" characters after the key prefix; real ids carry an instance marker here.
const POD: &str = "Dm";

/// Builds the 18-character id for `prefix` and a sequence number.
pub fn make_id(prefix: &str, seq: u64) -> String {
    let mut body = String::with_capacity(18);
    body.push_str(prefix);
    body.push_str(POD);
    let mut digits = [b'0'; 10];
    let mut n = seq;
    for d in digits.iter_mut().rev() {
        *d = BASE62[(n % 62) as usize];
        n /= 62;
    }
    body.push_str(std::str::from_utf8(&digits).unwrap_or("0000000000"));
    to_18(&body).unwrap_or(body)
}

/// Computes the case-safe suffix of a 15-character id.
fn suffix(id15: &str) -> String {
    id15.as_bytes()
        .chunks(5)
        .map(|chunk| {
            let bits = chunk.iter().enumerate().fold(0usize, |acc, (i, c)| {
                if c.is_ascii_uppercase() {
                    acc | (1 << i)
                } else {
                    acc
                }
            });
            SUFFIX[bits] as char
        })
        .collect()
}

/// Converts a 15- or 18-character id to the 18-character form, or `None` if it is malformed
/// (wrong length, a character outside `[0-9A-Za-z]`, or a suffix that does not match).
pub fn to_18(id: &str) -> Option<String> {
    if !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    match id.len() {
        15 => Some(format!("{id}{}", suffix(id))),
        18 => {
            let (head, tail) = id.split_at(15);
            // The suffix is case-insensitive: it exists for case-insensitive systems.
            if suffix(head).eq_ignore_ascii_case(tail) {
                Some(format!("{head}{}", suffix(head)))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The key prefix of a well-formed id.
pub fn key_prefix(id: &str) -> &str {
    id.get(..3).unwrap_or("")
}

/// A random token of `len` characters from the base62 alphabet (secrets, codes, locators).
pub fn random_token(len: usize) -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..len)
        .map(|_| BASE62[rng.random_range(0..62)] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffix_matches_a_known_salesforce_id() {
        // A documented pair: 001A0000006Vm9r -> 001A0000006Vm9rIAC.
        assert_eq!(
            to_18("001A0000006Vm9r").as_deref(),
            Some("001A0000006Vm9rIAC")
        );
        assert_eq!(
            to_18("001A0000006Vm9rIAC").as_deref(),
            Some("001A0000006Vm9rIAC")
        );
        assert_eq!(to_18("001A0000006Vm9rIAD"), None);
        assert_eq!(to_18("001A0000006Vm9"), None);
        assert_eq!(to_18("001A0000006Vm9r!AC"), None);
    }

    #[test]
    fn generated_ids_are_valid_and_sort_by_sequence() {
        let a = make_id(prefix::LEAD, 61);
        let b = make_id(prefix::LEAD, 62);
        assert_eq!(a.len(), 18);
        assert!(a.starts_with("00Q"));
        assert_eq!(to_18(&a[..15]).as_deref(), Some(a.as_str()));
        assert!(a < b);
    }
}
