//! Small text helpers for the sentences the core writes for people (plan reasons, messages).
//! Scripts read the plain numbers from the JSON fields beside them.

/// `n` with a comma between groups of three digits: "2,000", "100,000", "-1,234".
pub fn thousands(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        // A comma wherever a whole number of groups of three is left to write.
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn groups_digits_in_threes_from_the_right() {
        assert_eq!(thousands(0u32), "0");
        assert_eq!(thousands(999u32), "999");
        assert_eq!(thousands(1_000u32), "1,000");
        assert_eq!(thousands(2_000u32), "2,000");
        assert_eq!(thousands(15_000i64), "15,000");
        assert_eq!(thousands(100_000u64), "100,000");
        assert_eq!(thousands(1_234_567u32), "1,234,567");
        assert_eq!(thousands(-1_234i64), "-1,234");
        assert_eq!(thousands(-999i64), "-999");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(thousands(i64::MIN), "-9,223,372,036,854,775,808");
    }
}
