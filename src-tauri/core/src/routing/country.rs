//! Countries written different ways count as one country in segment conditions.
//!
//! The chat captures what the visitor typed or what the chat platform enriched (`GB`,
//! `United Kingdom`, `UK`), Salesforce Accounts hold whatever the org's users typed into
//! `BillingCountry` (seeded demo data says `United Kingdom`), and the admin writes segment
//! conditions in either form (`{"op": "in", "field": "country", "values": ["DE", "FR", "GB"]}`).
//! Comparing the raw text would leave a company out of its segment for no reason the admin
//! could see, so `equals`, `notEquals` and `in` on `country` compare [`country_key`]s: the
//! ISO 3166-1 alpha-2 code for the countries listed below (by alpha-2, alpha-3 or an English
//! name), the lowercased text for anything else.

/// (alpha-2, alpha-3, other names). Names are written lowercased without dots; see [`fold`].
const COUNTRIES: &[(&str, &str, &[&str])] = &[
    (
        "US",
        "USA",
        &["united states", "united states of america", "america"],
    ),
    (
        "GB",
        "GBR",
        &[
            "uk",
            "united kingdom",
            "great britain",
            "britain",
            "england",
            "scotland",
            "wales",
            "northern ireland",
        ],
    ),
    ("DE", "DEU", &["germany", "deutschland"]),
    ("FR", "FRA", &["france"]),
    ("CA", "CAN", &["canada"]),
    ("NL", "NLD", &["netherlands", "the netherlands", "holland"]),
    ("SE", "SWE", &["sweden", "sverige"]),
    ("IE", "IRL", &["ireland", "republic of ireland", "eire"]),
    ("ES", "ESP", &["spain", "espana", "españa"]),
    ("IT", "ITA", &["italy", "italia"]),
    ("PT", "PRT", &["portugal"]),
    ("BE", "BEL", &["belgium", "belgie", "belgique"]),
    ("CH", "CHE", &["switzerland", "schweiz", "suisse"]),
    ("AT", "AUT", &["austria", "österreich", "osterreich"]),
    ("DK", "DNK", &["denmark", "danmark"]),
    ("NO", "NOR", &["norway", "norge"]),
    ("FI", "FIN", &["finland", "suomi"]),
    ("IS", "ISL", &["iceland"]),
    ("PL", "POL", &["poland", "polska"]),
    ("CZ", "CZE", &["czechia", "czech republic"]),
    ("SK", "SVK", &["slovakia"]),
    ("HU", "HUN", &["hungary"]),
    ("RO", "ROU", &["romania"]),
    ("BG", "BGR", &["bulgaria"]),
    ("GR", "GRC", &["greece"]),
    ("LU", "LUX", &["luxembourg"]),
    ("EE", "EST", &["estonia"]),
    ("LV", "LVA", &["latvia"]),
    ("LT", "LTU", &["lithuania"]),
    ("UA", "UKR", &["ukraine"]),
    ("TR", "TUR", &["turkey", "türkiye", "turkiye"]),
    ("IL", "ISR", &["israel"]),
    ("AE", "ARE", &["united arab emirates", "uae"]),
    ("SA", "SAU", &["saudi arabia"]),
    ("EG", "EGY", &["egypt"]),
    ("ZA", "ZAF", &["south africa"]),
    ("NG", "NGA", &["nigeria"]),
    ("KE", "KEN", &["kenya"]),
    ("IN", "IND", &["india"]),
    ("CN", "CHN", &["china", "people's republic of china"]),
    ("HK", "HKG", &["hong kong"]),
    ("TW", "TWN", &["taiwan"]),
    ("JP", "JPN", &["japan"]),
    ("KR", "KOR", &["south korea", "korea", "republic of korea"]),
    ("SG", "SGP", &["singapore"]),
    ("MY", "MYS", &["malaysia"]),
    ("TH", "THA", &["thailand"]),
    ("VN", "VNM", &["vietnam", "viet nam"]),
    ("PH", "PHL", &["philippines"]),
    ("ID", "IDN", &["indonesia"]),
    ("AU", "AUS", &["australia"]),
    ("NZ", "NZL", &["new zealand"]),
    ("BR", "BRA", &["brazil", "brasil"]),
    ("MX", "MEX", &["mexico", "méxico"]),
    ("AR", "ARG", &["argentina"]),
    ("CL", "CHL", &["chile"]),
    ("CO", "COL", &["colombia"]),
    ("PE", "PER", &["peru"]),
];

/// Lowercase, without dots (`U.S.A.` is `usa`), surrounding space and repeated spaces.
fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('.', "")
}

/// The value two country spellings share when they name the same country: the alpha-2 code
/// (upper case) for a listed country, else the folded text.
pub fn country_key(text: &str) -> String {
    let folded = fold(text);
    for (alpha2, alpha3, names) in COUNTRIES {
        if folded.eq_ignore_ascii_case(alpha2)
            || folded.eq_ignore_ascii_case(alpha3)
            || names.contains(&folded.as_str())
        {
            return (*alpha2).to_string();
        }
    }
    folded
}

/// Whether two spellings name the same country.
pub fn same_country(a: &str, b: &str) -> bool {
    country_key(a) == country_key(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_meet() {
        assert!(same_country("GB", "United Kingdom"));
        assert!(same_country("uk", "GBR"));
        assert!(same_country("U.S.A.", "united  states"));
        assert!(same_country("Deutschland", "de"));
        assert!(same_country("The Netherlands", "NL"));
        assert!(!same_country("Germany", "Austria"));
        // An unlisted country still compares case-insensitively as text.
        assert!(same_country("Atlantis", " ATLANTIS "));
        assert_eq!(country_key("Atlantis"), "atlantis");
    }

    #[test]
    fn every_code_is_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for (a2, a3, names) in COUNTRIES {
            assert_eq!(a2.len(), 2);
            assert_eq!(a3.len(), 3);
            assert!(seen.insert(a2.to_lowercase()), "{a2}");
            assert!(seen.insert(a3.to_lowercase()), "{a3}");
            for n in *names {
                assert_eq!(*n, fold(n), "names are stored folded");
                assert!(seen.insert(n.to_string()), "{n}");
            }
        }
    }
}
