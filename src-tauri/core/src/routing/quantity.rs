//! Numbers and bands as people write them in chat metadata: `350`, `1,200`, `200-500`,
//! `200 – 500 employees`, `1000+`, `<50`, `50k-100k`, `$1.5M`. Segment conditions compare them
//! with `between`, `gte` and `lte` (see [`Quantity`] for what a band satisfies).

use std::fmt;

/// A closed band `[min, max]`; an exact number has `min == max`. Open ends are infinite:
/// `1000+` is `[1000, ∞]`, `<50` is `[-∞, 50]`.
///
/// A band satisfies a numeric test only when **every** value in it does: `200-500` is
/// `gte 200`, `lte 500` and `between 100 and 999`, but not `gte 300` nor `between 300 and
/// 999`. A company whose band straddles a segment's bounds is not known to be in the segment,
/// so it falls to the next rule instead of being routed on a guess; and two segments with
/// adjacent bounds (`between 200 and 499`, `between 500 and 999`) never both claim it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity {
    pub min: f64,
    pub max: f64,
}

impl Quantity {
    pub fn exact(value: f64) -> Quantity {
        Quantity {
            min: value,
            max: value,
        }
    }

    pub fn at_least(&self, bound: f64) -> bool {
        self.min >= bound
    }

    pub fn at_most(&self, bound: f64) -> bool {
        self.max <= bound
    }

    pub fn within(&self, low: f64, high: f64) -> bool {
        self.at_least(low) && self.at_most(high)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.min.is_finite(), self.max.is_finite()) {
            _ if self.min == self.max => write!(f, "{}", self.min),
            (true, true) => write!(f, "{}–{}", self.min, self.max),
            (true, false) => write!(f, "{} or more", self.min),
            (false, true) => write!(f, "up to {}", self.max),
            (false, false) => write!(f, "any amount"),
        }
    }
}

/// Reads a number or a band; `None` when the text is neither.
///
/// - Thousands separators (`1,200`, `1 200` is not accepted: a space separates words) and a
///   leading currency sign (`$ € £ ¥`) are ignored.
/// - `k`, `m`, `b` (also `mm`, `bn`, and the words `thousand`, `million`, `billion`) multiply by a thousand, million, billion. In a band,
///   a suffix written only on the upper end applies to the lower end too when that keeps the
///   band rising (`50-100k` is 50,000–100,000; `500-1k` is 500–1,000).
/// - Bands: `A-B`, `A–B`, `A—B`, `A to B`; `A+`, `A or more`, `A and above`, `over A`,
///   `more than A`, `>A`, `>=A`, `≥A`; `<A`, `<=A`, `≤A`, `under A`, `less than A`, `up to A`.
///   Strict and non-strict bounds read the same: the band is about head counts and budgets,
///   where "under 50" and "up to 50" mean the same bracket.
/// - One trailing word (`employees`, `people`, `staff`...) is ignored.
/// - A band whose lower end is above its upper end is refused.
pub fn parse_quantity(text: &str) -> Option<Quantity> {
    let text = text.trim().to_lowercase();
    if text.is_empty() {
        return None;
    }
    let mut words: Vec<&str> = text.split_whitespace().collect();
    // One trailing unit word, unless the text is nothing but that word.
    if words.len() > 1
        && words
            .last()
            .is_some_and(|w| w.chars().all(|c| c.is_alphabetic()) && !is_phrase_word(w))
    {
        words.pop();
    }
    let text = words.join(" ");

    for prefix in ["more than ", "over ", "above ", ">=", "≥", ">"] {
        if let Some(rest) = text.strip_prefix(prefix) {
            let n = parse_number(rest.trim())?;
            return Some(Quantity {
                min: n.value,
                max: f64::INFINITY,
            });
        }
    }
    for prefix in ["less than ", "under ", "below ", "up to ", "<=", "≤", "<"] {
        if let Some(rest) = text.strip_prefix(prefix) {
            let n = parse_number(rest.trim())?;
            return Some(Quantity {
                min: f64::NEG_INFINITY,
                max: n.value,
            });
        }
    }
    for suffix in ["+", " or more", " and above", " and up", " plus"] {
        if let Some(rest) = text.strip_suffix(suffix) {
            let n = parse_number(rest.trim())?;
            return Some(Quantity {
                min: n.value,
                max: f64::INFINITY,
            });
        }
    }
    if let Some((low, high)) = split_band(&text) {
        let low = parse_number(low.trim())?;
        let high = parse_number(high.trim())?;
        let mut min = low.value;
        if low.multiplier == 1.0 && high.multiplier != 1.0 {
            let scaled = low.raw * high.multiplier;
            if scaled <= high.value {
                min = scaled;
            }
        }
        if min > high.value {
            return None;
        }
        return Some(Quantity {
            min,
            max: high.value,
        });
    }
    parse_number(&text).map(|n| Quantity::exact(n.value))
}

/// Words that belong to a band phrase and must not be dropped as a unit.
fn is_phrase_word(word: &str) -> bool {
    matches!(
        word,
        "more"
            | "above"
            | "up"
            | "plus"
            | "k"
            | "m"
            | "b"
            | "mm"
            | "bn"
            | "thousand"
            | "million"
            | "billion"
    )
}

/// `A-B`, `A–B`, `A—B` or `A to B`. A leading minus is a sign, not a band.
fn split_band(text: &str) -> Option<(&str, &str)> {
    if let Some(split) = text.split_once(" to ") {
        return Some(split);
    }
    for dash in ['–', '—', '-'] {
        // Skip a dash at the very start (a negative number).
        if let Some(at) = text
            .char_indices()
            .skip(1)
            .find(|&(_, c)| c == dash)
            .map(|(i, _)| i)
        {
            return Some((&text[..at], &text[at + dash.len_utf8()..]));
        }
    }
    None
}

struct Number {
    /// The digits' value before the suffix.
    raw: f64,
    multiplier: f64,
    value: f64,
}

fn parse_number(text: &str) -> Option<Number> {
    let text = text.trim();
    let text = text
        .strip_prefix(['$', '€', '£', '¥'])
        .map(str::trim_start)
        .unwrap_or(text);
    let (digits, multiplier) = split_multiplier(text);
    let digits = digits.trim_end();
    if digits.is_empty() {
        return None;
    }
    // Commas only as thousands separators: between digits, followed by exactly three digits.
    let bytes = digits.as_bytes();
    let mut cleaned = String::with_capacity(digits.len());
    for (i, &b) in bytes.iter().enumerate() {
        if b == b',' {
            let before = i > 0 && bytes[i - 1].is_ascii_digit();
            let after = bytes.len() >= i + 4
                && bytes[i + 1..i + 4].iter().all(u8::is_ascii_digit)
                && bytes.get(i + 4).is_none_or(|c| !c.is_ascii_digit());
            if !(before && after) {
                return None;
            }
            continue;
        }
        if !(b.is_ascii_digit() || b == b'.' || (b == b'-' && i == 0)) {
            return None;
        }
        cleaned.push(b as char);
    }
    let raw: f64 = cleaned.parse().ok()?;
    if !raw.is_finite() {
        return None;
    }
    let value = raw * multiplier;
    value.is_finite().then_some(Number {
        raw,
        multiplier,
        value,
    })
}

fn split_multiplier(text: &str) -> (&str, f64) {
    for (suffix, multiplier) in [
        (" thousand", 1e3),
        (" million", 1e6),
        (" billion", 1e9),
        ("bn", 1e9),
        ("mm", 1e6),
        ("k", 1e3),
        ("m", 1e6),
        ("b", 1e9),
    ] {
        if let Some(rest) = text.strip_suffix(suffix) {
            if rest.ends_with(|c: char| c.is_ascii_digit() || c == ' ') {
                return (rest, multiplier);
            }
        }
    }
    (text, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn q(text: &str) -> Option<(f64, f64)> {
        parse_quantity(text).map(|q| (q.min, q.max))
    }

    const INF: f64 = f64::INFINITY;

    #[test]
    fn reads_numbers_and_bands() {
        assert_eq!(q("350"), Some((350.0, 350.0)));
        assert_eq!(q(" 1,200 "), Some((1200.0, 1200.0)));
        assert_eq!(q("12.5"), Some((12.5, 12.5)));
        assert_eq!(q("200-500"), Some((200.0, 500.0)));
        assert_eq!(q("200 - 500"), Some((200.0, 500.0)));
        assert_eq!(q("200–500 employees"), Some((200.0, 500.0)));
        assert_eq!(q("200 to 500"), Some((200.0, 500.0)));
        assert_eq!(q("1,000-5,000"), Some((1000.0, 5000.0)));
        assert_eq!(q("1000+"), Some((1000.0, INF)));
        assert_eq!(q("1000 or more"), Some((1000.0, INF)));
        assert_eq!(q("over 10k"), Some((10_000.0, INF)));
        assert_eq!(q(">= 50"), Some((50.0, INF)));
        assert_eq!(q("<50"), Some((-INF, 50.0)));
        assert_eq!(q("under 50 employees"), Some((-INF, 50.0)));
        assert_eq!(q("50k-100k"), Some((50_000.0, 100_000.0)));
        assert_eq!(q("50-100k"), Some((50_000.0, 100_000.0)));
        assert_eq!(q("500-1k"), Some((500.0, 1000.0)));
        assert_eq!(q("100k+"), Some((100_000.0, INF)));
        assert_eq!(q("$1.5M"), Some((1_500_000.0, 1_500_000.0)));
        assert_eq!(q("€ 2bn"), Some((2e9, 2e9)));
        assert_eq!(q("-5"), Some((-5.0, -5.0)));
        assert_eq!(q("2.5 million"), Some((2_500_000.0, 2_500_000.0)));
        assert_eq!(q("100 k"), Some((100_000.0, 100_000.0)));
    }

    #[test]
    fn refuses_what_is_not_a_number() {
        for bad in [
            "",
            "many",
            "employees",
            "500-200",
            "1,20",
            "1,2000",
            "12abc",
            "a-b",
            "1.2.3",
            "+",
            "k",
            "NaN",
            "inf",
        ] {
            assert_eq!(q(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_band_satisfies_a_test_only_as_a_whole() {
        let band = parse_quantity("200-500").unwrap();
        assert!(band.at_least(200.0));
        assert!(!band.at_least(300.0));
        assert!(band.at_most(500.0));
        assert!(!band.at_most(499.0));
        assert!(band.within(100.0, 999.0));
        assert!(!band.within(300.0, 999.0));
        let open = parse_quantity("1000+").unwrap();
        assert!(open.at_least(1000.0));
        assert!(!open.at_most(1_000_000.0));
        assert!(!open.within(200.0, 999.0));
        assert_eq!(open.to_string(), "1000 or more");
        assert_eq!(band.to_string(), "200–500");
    }

    proptest! {
        #[test]
        fn integers_and_ranges_round_trip(a in 0u32..1_000_000, b in 0u32..1_000_000) {
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert_eq!(q(&lo.to_string()), Some((f64::from(lo), f64::from(lo))));
            prop_assert_eq!(q(&format!("{lo}-{hi}")), Some((f64::from(lo), f64::from(hi))));
            prop_assert_eq!(q(&format!("{hi}+")), Some((f64::from(hi), INF)));
        }

        #[test]
        fn never_panics(text in ".{0,24}") {
            if let Some(band) = parse_quantity(&text) {
                prop_assert!(band.min <= band.max);
                prop_assert!(!band.min.is_nan() && !band.max.is_nan());
            }
        }
    }
}
