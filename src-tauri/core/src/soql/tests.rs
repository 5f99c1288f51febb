//! Table-driven tests of the guard, and tests of the builders against it.

use proptest::prelude::*;

use super::lexer::{tokenize, Kind};
use super::*;
use crate::ErrorCode;

/// (query, object, top-level fields, LIMIT, is COUNT())
type Accepted = (
    &'static str,
    &'static str,
    &'static [&'static str],
    Option<u32>,
    bool,
);

const ACCEPTED: &[Accepted] = &[
    // Seed 001's question, verbatim.
    (
        "SELECT COUNT() FROM Opportunity WHERE IsWon = true AND CloseDate = THIS_QUARTER",
        "Opportunity",
        &["COUNT()"],
        None,
        true,
    ),
    ("SELECT Id, Name, Owner.Name FROM Account", "Account", &["Id", "Name", "Owner.Name"], None, false),
    (
        "SELECT Id, Account.Owner.Email FROM Contact WHERE Account.Industry = 'Technology'",
        "Contact",
        &["Id", "Account.Owner.Email"],
        None,
        false,
    ),
    (
        "SELECT Name, (SELECT Id, LastName FROM Contacts ORDER BY LastName LIMIT 5) FROM Account LIMIT 10",
        "Account",
        &["Name", "(SELECT Id, LastName FROM Contacts ORDER BY LastName LIMIT 5)"],
        Some(10),
        false,
    ),
    (
        "SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact WHERE Email LIKE '%@example.com')",
        "Account",
        &["Id"],
        None,
        false,
    ),
    ("SELECT Id FROM Lead WHERE Id NOT IN (SELECT WhoId FROM Task)", "Lead", &["Id"], None, false),
    ("SELECT COUNT(Id) FROM Lead", "Lead", &["COUNT(Id)"], None, false),
    (
        "SELECT LeadSource, COUNT(Id) total FROM Lead GROUP BY LeadSource",
        "Lead",
        &["LeadSource", "COUNT(Id) total"],
        None,
        false,
    ),
    (
        "SELECT StageName, SUM(Amount) amount, AVG(Amount) average, MIN(CloseDate), MAX(CloseDate) FROM Opportunity \
         GROUP BY StageName HAVING SUM(Amount) > 10000",
        "Opportunity",
        &["StageName", "SUM(Amount) amount", "AVG(Amount) average", "MIN(CloseDate)", "MAX(CloseDate)"],
        None,
        false,
    ),
    ("SELECT COUNT_DISTINCT(Company) companies FROM Lead", "Lead", &["COUNT_DISTINCT(Company) companies"], None, false),
    ("SELECT Id FROM Opportunity WHERE CloseDate = LAST_N_DAYS:30", "Opportunity", &["Id"], None, false),
    (
        "SELECT Id FROM Task WHERE ActivityDate > TODAY AND CreatedDate >= LAST_N_WEEKS:2 AND ActivityDate < N_DAYS_AGO:-3",
        "Task",
        &["Id"],
        None,
        false,
    ),
    ("SELECT Id FROM Lead WHERE CreatedDate > 2024-01-15T10:00:00Z", "Lead", &["Id"], None, false),
    ("SELECT Id FROM Lead WHERE CreatedDate < 2024-01-15T10:00:00.000-08:00", "Lead", &["Id"], None, false),
    (
        "SELECT Id FROM Opportunity WHERE CloseDate >= 2024-01-01 AND CloseDate <= 2024-03-31",
        "Opportunity",
        &["Id"],
        None,
        false,
    ),
    (
        "SELECT Name FROM Account ORDER BY Name ASC NULLS LAST, CreatedDate DESC NULLS FIRST LIMIT 50 OFFSET 100",
        "Account",
        &["Name"],
        Some(50),
        false,
    ),
    (r"SELECT Id FROM Contact WHERE Email = 'o\'brien@example.com'", "Contact", &["Id"], None, false),
    // Words inside values and names are not statements.
    ("SELECT Id FROM Lead WHERE Name = 'delete me' OR Description = 'x; DELETE FROM Lead'", "Lead", &["Id"], None, false),
    (
        "SELECT Id, Deleted__c, Update_Count__c FROM Custom__c WHERE Deleted__c = false",
        "Custom__c",
        &["Id", "Deleted__c", "Update_Count__c"],
        None,
        false,
    ),
    ("SELECT Id, Name FROM Account WITH SECURITY_ENFORCED", "Account", &["Id", "Name"], None, false),
    ("SELECT Id FROM Account WHERE Name != null WITH USER_MODE LIMIT 3", "Account", &["Id"], Some(3), false),
    ("SELECT Id FROM Account FOR VIEW", "Account", &["Id"], None, false),
    ("SELECT Id FROM Account LIMIT 1 FOR REFERENCE", "Account", &["Id"], Some(1), false),
    (
        "SELECT TYPEOF What WHEN Account THEN Phone, NumberOfEmployees WHEN Opportunity THEN Amount, CloseDate \
         ELSE Name END, Subject FROM Event",
        "Event",
        &[
            "TYPEOF What WHEN Account THEN Phone, NumberOfEmployees WHEN Opportunity THEN Amount, CloseDate ELSE Name END",
            "Subject",
        ],
        None,
        false,
    ),
    (
        "SELECT Id FROM Account WHERE (Industry = 'Tech' OR Industry = 'Media') AND AnnualRevenue > 1000000",
        "Account",
        &["Id"],
        None,
        false,
    ),
    ("SELECT Name FROM Account WHERE AnnualRevenue > 0 AND (NOT Type = 'Prospect')", "Account", &["Name"], None, false),
    (r"SELECT Id FROM Account WHERE Name LIKE 'Ter\%%' AND Site LIKE 'a\_b'", "Account", &["Id"], None, false),
    (
        "SELECT Id FROM Contact WHERE MailingState IN ('CA', 'NY') AND LastName != null",
        "Contact",
        &["Id"],
        None,
        false,
    ),
    ("SELECT Id FROM Account WHERE Interests__c INCLUDES ('golf;tennis', 'chess')", "Account", &["Id"], None, false),
    (
        "SELECT CALENDAR_YEAR(CreatedDate) yr, COUNT(Id) n FROM Lead GROUP BY CALENDAR_YEAR(CreatedDate)",
        "Lead",
        &["CALENDAR_YEAR(CreatedDate) yr", "COUNT(Id) n"],
        None,
        false,
    ),
    (
        "SELECT LeadSource, Rating, COUNT(Id) FROM Lead GROUP BY ROLLUP(LeadSource, Rating)",
        "Lead",
        &["LeadSource", "Rating", "COUNT(Id)"],
        None,
        false,
    ),
    // Group and Order are objects as well as keywords.
    ("SELECT Name FROM Group WHERE Type = 'Queue' ORDER BY CreatedDate ASC", "Group", &["Name"], None, false),
    ("SELECT Id FROM Order ORDER BY EffectiveDate DESC", "Order", &["Id"], None, false),
    ("select id, name from account where name = 'Acme' limit 5", "account", &["id", "name"], Some(5), false),
    ("SELECT Id FROM Opportunity WHERE Amount > USD5000.50", "Opportunity", &["Id"], None, false),
    ("SELECT Id,\n  Name\nFROM Lead\nWHERE Email != null;\n  ", "Lead", &["Id", "Name"], None, false),
    ("SELECT Id FROM Account USING SCOPE mine", "Account", &["Id"], None, false),
    ("SELECT FIELDS(STANDARD) FROM Account LIMIT 200", "Account", &["FIELDS(STANDARD)"], Some(200), false),
    ("SELECT Id FROM Contact WHERE Amount__c > -5.5 AND Score__c = +3", "Contact", &["Id"], None, false),
    (
        "SELECT toLabel(Status), FORMAT(convertCurrency(Amount)) FROM Opportunity",
        "Opportunity",
        &["toLabel(Status)", "FORMAT(convertCurrency(Amount))"],
        None,
        false,
    ),
    (
        "SELECT Id FROM Account WHERE DISTANCE(Location__c, GEOLOCATION(37.775, -122.418), 'mi') < 20",
        "Account",
        &["Id"],
        None,
        false,
    ),
    (r"SELECT Id FROM Lead WHERE Email = 'caf\u00e9@example.com' OR LastName = 'Zoë Ünal'", "Lead", &["Id"], None, false),
    (
        "SELECT Title FROM KnowledgeArticleVersion WHERE PublishStatus = 'Online' WITH DATA CATEGORY \
         Geography__c ABOVE usa__c AND Product__c AT (mobile_phones__c, laptops__c)",
        "KnowledgeArticleVersion",
        &["Title"],
        None,
        false,
    ),
    ("SELECT count() FROM Contact c, c.Account a WHERE a.Name = 'MyriadPubs'", "Contact", &["count()"], None, true),
    ("SELECT Id FROM Shift__c WHERE Start__c = 10:30:00.000Z", "Shift__c", &["Id"], None, false),
];

#[test]
fn accepts_realistic_queries_with_their_facts() {
    assert!(ACCEPTED.len() >= 25);
    for (query, object, fields, limit, is_count) in ACCEPTED {
        let checked = match check(query) {
            Ok(checked) => checked,
            Err(refusal) => panic!("refused {query:?}: {refusal}"),
        };
        assert_eq!(checked.object, *object, "{query}");
        assert_eq!(checked.fields, *fields, "{query}");
        assert_eq!(checked.limit, *limit, "{query}");
        assert_eq!(checked.has_limit, limit.is_some(), "{query}");
        assert_eq!(checked.is_count, *is_count, "{query}");
        // What is sent is the statement itself, trimmed, without the trailing ';'.
        assert_eq!(
            checked.soql,
            query.trim().trim_end_matches(';').trim_end(),
            "{query}"
        );
        // The sendable form passes the guard again, unchanged.
        assert_eq!(check(&checked.soql).as_ref(), Ok(&checked), "{query}");
    }
}

/// (query, 1-based column, text the reason contains)
const REFUSED: &[(&str, usize, &str)] = &[
    (
        "DELETE FROM Lead WHERE Name = 'x'",
        1,
        "DELETE is a data-changing statement",
    ),
    (
        "SELECT Name FROM Account; DELETE FROM Account",
        27,
        "DELETE is a data-changing statement",
    ),
    (
        "  update Lead set Name = 'x'",
        3,
        "UPDATE is a data-changing statement",
    ),
    (
        "INSERT INTO Lead (Name) VALUES ('x')",
        1,
        "INSERT is a data-changing statement",
    ),
    (
        "UPSERT Lead Email__c",
        1,
        "UPSERT is a data-changing statement",
    ),
    ("merge Account", 1, "MERGE is a data-changing statement"),
    ("UNDELETE Lead", 1, "UNDELETE is a data-changing statement"),
    (
        "SELECT Id FROM Lead WHERE Id IN (DELETE FROM Lead)",
        34,
        "DELETE is a data-changing statement",
    ),
    (
        "SELECT Id FROM Lead; SELECT Id FROM Contact",
        20,
        "only one statement is allowed",
    ),
    ("SELECT Id FROM Lead;;", 20, "only one statement is allowed"),
    (
        "SELECT Id FROM Account FOR UPDATE",
        24,
        "FOR UPDATE locks the rows",
    ),
    (
        "SELECT Id FROM Article__kav UPDATE VIEWSTAT",
        29,
        "UPDATE VIEWSTAT changes article statistics",
    ),
    (
        "FIND {Acme} IN ALL FIELDS RETURNING Account(Name)",
        1,
        "FIND starts a SOSL search",
    ),
    ("", 1, "the query is empty"),
    ("   \n\t", 1, "the query is empty"),
    (";", 1, "the query is empty"),
    (
        "EXPLAIN SELECT Id FROM Lead",
        1,
        "a query starts with SELECT, found 'EXPLAIN'",
    ),
    (
        "SELECT Id FROM Lead WHERE (Name = 'a'",
        27,
        "this '(' is never closed",
    ),
    (
        "SELECT Id, COUNT(Id FROM Lead",
        17,
        "this '(' is never closed",
    ),
    (
        "SELECT Id FROM Lead WHERE Name = 'a')",
        37,
        "this ')' has no matching '('",
    ),
    (
        "SELECT Id FROM Lead WHERE Name = 'abc",
        34,
        "unterminated string literal",
    ),
    (
        "SELECT Id FROM Contact WHERE Email = 'o'brien@example.com'",
        40,
        "a quote inside a string is written \\'",
    ),
    (
        r"SELECT Id FROM Lead WHERE Name = 'a\qb'",
        36,
        r"\q is not a valid escape",
    ),
    (
        r"SELECT Id FROM Lead WHERE Name = '50\%'",
        37,
        r"\% is only allowed in a LIKE pattern",
    ),
    (
        "SELECT Id FROM Lead WHERE Name = 'a' OR Name = 'b' AND IsConverted = false",
        52,
        "AND and OR are mixed",
    ),
    (
        "SELECT Id FROM Lead WHERE Email = :email",
        35,
        "bind variables (:name) only work in Apex",
    ),
    ("SELECT * FROM Lead", 8, "SOQL has no SELECT *"),
    (
        "SELECT Id FROM Lead WHERE Name = \"Acme\"",
        34,
        "SOQL strings use single quotes",
    ),
    ("[SELECT Id FROM Lead]", 1, "remove the Apex brackets"),
    (
        "SELECT Id FROM Lead WHERE CreatedDate > 2024-02-30",
        41,
        "2024-02-30 is not a valid date",
    ),
    (
        "SELECT Id FROM Lead WHERE CreatedDate > 2024-01-01T10:00:00",
        41,
        "datetimes end in Z or an offset",
    ),
    (
        "SELECT Id FROM Lead WHERE Name = Acme",
        34,
        "expected a value (a quoted string",
    ),
    ("SELECT FROM Lead", 8, "found 'FROM'"),
    (
        "SELECT Id Name",
        15,
        "expected ',' or FROM after the select list, found the end of the query",
    ),
    (
        "SELECT Id FROM Lead LIMIT 10 WHERE Name = 'x'",
        30,
        "clauses go in the order",
    ),
    (
        "SELECT Id FROM Lead WHERE CreatedDate = LAST_N_DAYS",
        52,
        "':' and a number after LAST_N_DAYS",
    ),
    (
        "SELECT Id FROM Lead LIMIT 99999999999",
        27,
        "99999999999 is out of range for LIMIT",
    ),
    (
        "SELECT Id FROM Lead WHERE Name LIKE 'a' AND Owner. = 'x'",
        52,
        "a field name after '.'",
    ),
    (
        "SELECT Id FROM Lead WHERE Email IN ('a@example.com' 'b@example.com')",
        53,
        "',' or ')' in the value list",
    ),
    (
        "SELECT Id FROM Lead ORDER BY Name NULLS",
        40,
        "FIRST or LAST after NULLS",
    ),
    (
        "SELECT Id FROM Lead WITH",
        25,
        "SECURITY_ENFORCED, USER_MODE, SYSTEM_MODE or DATA CATEGORY after WITH",
    ),
];

#[test]
fn refuses_with_the_column_and_the_reason() {
    assert!(REFUSED.len() >= 20);
    for (query, column, reason) in REFUSED {
        let refusal = match check(query) {
            Ok(checked) => panic!("accepted {query:?}: {checked:?}"),
            Err(refusal) => refusal,
        };
        assert_eq!(refusal.column, *column, "{query:?}: {refusal}");
        let text = refusal.reason.to_string();
        assert!(
            text.contains(reason),
            "{query:?}: {text:?} does not contain {reason:?}"
        );
    }
}

#[test]
fn refusal_becomes_a_soql_refused_error_with_the_column() {
    let error: crate::Error = check("SELECT Name FROM Account; DELETE FROM Account")
        .unwrap_err()
        .into();
    assert_eq!(error.code, ErrorCode::SoqlRefused);
    assert_eq!(
        error.message,
        "refused at column 27: DELETE is a data-changing statement; the console only runs SELECT queries"
    );
    assert_eq!(error.details.and_then(|d| d.column), Some(27));
    assert!(crate::Error::from(check("").unwrap_err()).is_usage());
}

#[test]
fn refuses_deep_nesting_and_overlong_strings_instead_of_failing_later() {
    let deep = format!(
        "SELECT Id FROM Lead WHERE {}Name = 'a'{}",
        "(".repeat(100),
        ")".repeat(100)
    );
    assert!(matches!(
        check(&deep).unwrap_err().reason,
        Reason::TooDeep { .. }
    ));
    let not_not = format!(
        "SELECT Id FROM Lead WHERE {}Name = 'a'",
        "NOT ".repeat(5000)
    );
    assert!(matches!(
        check(&not_not).unwrap_err().reason,
        Reason::TooDeep { .. }
    ));

    let at_limit = format!(
        "SELECT Id FROM Lead WHERE Name = '{}'",
        "x".repeat(MAX_LITERAL_CHARS)
    );
    assert!(check(&at_limit).is_ok());
    let over = format!(
        "SELECT Id FROM Lead WHERE Name = '{}'",
        "x".repeat(MAX_LITERAL_CHARS + 1)
    );
    let refusal = check(&over).unwrap_err();
    assert_eq!(
        (refusal.column, refusal.reason),
        (
            34,
            Reason::StringTooLong {
                chars: MAX_LITERAL_CHARS + 1
            }
        )
    );
}

#[test]
fn exact_reasons_for_the_statement_level_refusals() {
    let reason = |q: &str| check(q).unwrap_err().reason;
    assert_eq!(
        reason("delete from Lead"),
        Reason::DataChanging {
            word: "DELETE".into()
        }
    );
    assert_eq!(reason("SELECT Id FROM Lead; x"), Reason::SeveralStatements);
    assert_eq!(
        reason("SELECT Id FROM Lead FOR VIEW FOR UPDATE"),
        Reason::ForUpdate
    );
    assert_eq!(reason("FIND {x}"), Reason::Sosl);
    assert_eq!(
        reason("SELECT Id FROM Lead WHERE Name = 'x' UPDATE TRACKING"),
        Reason::UpdateStatistics {
            what: "TRACKING".into()
        }
    );
}

// ---- builders ----

#[test]
fn builds_the_dedupe_lookup_for_an_apostrophe_email() {
    let soql = Select::new("Contact", &["Id", "Email", "AccountId"])
        .filter(Condition::eq("Email", "o'brien@example.com"))
        .limit(1)
        .build()
        .unwrap();
    assert_eq!(
        soql,
        r"SELECT Id, Email, AccountId FROM Contact WHERE Email = 'o\'brien@example.com' LIMIT 1"
    );
    assert_eq!(check(&soql).unwrap().object, "Contact");
}

#[test]
fn groups_are_parenthesised_so_and_and_or_never_mix() {
    let soql = Select::new("User", &["Id", "Name"])
        .filter(Condition::any(vec![
            Condition::eq("Email", "a@example.com"),
            Condition::like("Name", LikePattern::starts_with("50%_")),
        ]))
        .filter(Condition::eq("IsActive", true))
        .filter(Condition::not(Condition::compare(
            "CreatedDate",
            Op::Lt,
            chrono::NaiveDate::from_ymd_opt(2020, 2, 29).unwrap(),
        )))
        .order_by("Name", Direction::Asc)
        .build()
        .unwrap();
    assert_eq!(
        soql,
        r"SELECT Id, Name FROM User WHERE (Email = 'a@example.com' OR Name LIKE '50\%\_%') AND IsActive = TRUE AND (NOT CreatedDate < 2020-02-29) ORDER BY Name ASC"
    );
    let single_any = Select::new("Lead", &["Id"])
        .filter(Condition::any(vec![
            Condition::eq("Email", "a"),
            Condition::eq("Email", "b"),
        ]))
        .build()
        .unwrap();
    assert_eq!(
        single_any,
        "SELECT Id FROM Lead WHERE Email = 'a' OR Email = 'b'"
    );
}

#[test]
fn renders_every_literal_kind_the_guard_accepts() {
    let at = chrono::DateTime::parse_from_rfc3339("2024-05-01T08:30:00.250Z")
        .unwrap()
        .to_utc();
    let soql = Select::new("Lead", &["Id"])
        .filter(Condition::compare("NumberOfEmployees", Op::Ge, -5_i64))
        .filter(Condition::compare("LastModifiedDate", Op::Gt, at))
        .filter(Condition::compare("OwnerId", Op::Ne, Literal::Null))
        .filter(Condition::not_in("Status", ["Closed", "Converted"]))
        .build()
        .unwrap();
    assert_eq!(
        soql,
        "SELECT Id FROM Lead WHERE NumberOfEmployees >= -5 AND LastModifiedDate > 2024-05-01T08:30:00.250Z AND \
         OwnerId != NULL AND Status NOT IN ('Closed','Converted')"
    );
}

#[test]
fn refuses_bad_names_naming_them() {
    for bad in [
        "Email; DELETE",
        "",
        "1Field",
        "Owner..Name",
        "Owner.",
        "Na me",
        "FROM",
        "Name__c)",
        "Émail",
    ] {
        let error = Select::new("Lead", &["Id"])
            .filter(Condition::eq(bad, "x"))
            .build()
            .unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput, "{bad:?}");
        assert!(
            error.message.contains(&format!("{bad:?}")),
            "{bad:?}: {}",
            error.message
        );
        assert_eq!(error.details.unwrap().fields, [bad.to_string()]);
    }
    for good in [
        "Email",
        "Owner.Name",
        "Account.Owner.Email",
        "ns__Score__c",
        "Group",
    ] {
        assert!(validate_field(good).is_ok(), "{good}");
    }
    assert!(Select::new("Lead; DELETE", &["Id"]).build().is_err());
    assert!(Select::new("Owner.Name", &["Id"]).build().is_err());
    assert!(Select::new("Lead", &[]).build().is_err());
    assert!(Select::new("Lead", &["Id"])
        .filter(Condition::is_in("Id", Vec::<String>::new()))
        .build()
        .is_err());
    assert!(Select::new("Lead", &["Id"])
        .filter(Condition::all(vec![]))
        .build()
        .is_err());
}

#[test]
fn enforces_the_four_thousand_character_limit_on_the_escaped_text() {
    let build = |value: String| {
        Select::new("Lead", &["Id"])
            .filter(Condition::eq("Description", value))
            .build()
    };
    assert!(build("x".repeat(MAX_LITERAL_CHARS)).is_ok());
    let error = build("x".repeat(MAX_LITERAL_CHARS + 1)).unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert!(error.message.contains("4000"), "{}", error.message);
    // 3,999 characters plus an apostrophe escape to 4,001.
    assert!(build(format!("{}'", "x".repeat(MAX_LITERAL_CHARS - 1))).is_err());
    let long_like = Condition::like(
        "Name",
        LikePattern::contains(&"y".repeat(MAX_LITERAL_CHARS - 1)),
    );
    assert!(Select::new("Lead", &["Id"])
        .filter(long_like)
        .build()
        .is_err());
}

#[test]
fn encoded_len_counts_percent_escapes() {
    assert_eq!(encoded_len("SELECT Id"), 11);
    assert_eq!(encoded_len("a-b.c_d"), 7);
    assert_eq!(encoded_len("é"), 6);
    assert_eq!(encoded_len("'*~"), 9);
    assert_eq!(Budget::EncodedBytes(10).measure("a b"), 5);
    assert_eq!(Budget::Chars(10).measure("a é"), 3);
}

/// The string values in the IN list of a built statement, decoded.
fn in_values(statement: &str) -> Vec<String> {
    let tokens = tokenize(statement);
    tokens
        .iter()
        .filter(|t| matches!(t.kind, Kind::Str { .. }))
        .map(|t| unquote(t.text).unwrap())
        .collect()
}

#[test]
fn splits_values_into_statements_within_the_limit() {
    let values: Vec<String> = (0..3000)
        .map(|i| format!("lead{i}+o'brien\\{i}@example.com"))
        .collect();
    let base = Select::new("Lead", &["Id", "Email", "OwnerId"])
        .filter(Condition::eq("IsConverted", false));
    for budget in [
        Budget::Chars(MAX_STATEMENT_CHARS),
        Budget::Chars(2_000),
        Budget::EncodedBytes(16_000),
    ] {
        let statements = base.build_in_chunks("Email", &values, budget).unwrap();
        assert!(statements.len() > 1, "{budget:?}");
        let mut seen = Vec::new();
        for statement in &statements {
            assert!(budget.measure(statement) <= budget.limit(), "{budget:?}");
            assert!(statement.starts_with(
                "SELECT Id, Email, OwnerId FROM Lead WHERE IsConverted = FALSE AND Email IN ("
            ));
            check(statement).unwrap();
            seen.extend(in_values(statement));
        }
        assert_eq!(seen, values, "{budget:?}: every value once, in order");
    }
    assert!(
        select_where_in("Lead", &["Id"], "Email", &[], Budget::Chars(1000))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn sends_duplicates_once_and_refuses_a_value_that_cannot_fit() {
    let values: Vec<String> = ["a@x.io", "b@x.io", "a@x.io"].map(String::from).to_vec();
    let statements = select_where_in(
        "Contact",
        &["Id", "id"],
        "Email",
        &values,
        Budget::Chars(1000),
    )
    .unwrap();
    assert_eq!(
        statements,
        ["SELECT Id FROM Contact WHERE Email IN ('a@x.io','b@x.io')"]
    );

    let error = select_where_in(
        "Contact",
        &["Id"],
        "Email",
        &["z".repeat(100)],
        Budget::Chars(100),
    )
    .unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert!(
        error.message.contains("value 1 for Email is too long"),
        "{}",
        error.message
    );
    let error =
        select_where_in("Contact", &["Id"], "Email;", &values, Budget::Chars(1000)).unwrap_err();
    assert!(error.message.contains("\"Email;\""), "{}", error.message);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn chunks_cover_each_value_once_within_the_limit_and_as_few_as_fit(
        values in proptest::collection::vec(any::<String>(), 0..60),
        limit in 250usize..2_000,
        encoded in any::<bool>(),
    ) {
        let budget = if encoded { Budget::EncodedBytes(limit * 3) } else { Budget::Chars(limit) };
        let values: Vec<String> = values.into_iter().map(|v| v.chars().take(30).collect()).collect();
        let statements = select_where_in("Lead", &["Id", "Email"], "Email", &values, budget).unwrap();
        let mut distinct: Vec<String> = Vec::new();
        for v in &values {
            if !distinct.contains(v) {
                distinct.push(v.clone());
            }
        }
        let chunks: Vec<Vec<String>> = statements.iter().map(|s| in_values(s)).collect();
        prop_assert_eq!(chunks.concat(), distinct);
        for (i, statement) in statements.iter().enumerate() {
            prop_assert!(budget.measure(statement) <= budget.limit());
            prop_assert!(check(statement).is_ok(), "{}", statement);
            // Greedy and order-preserving, hence minimal: the next value did not fit here.
            if let Some(next) = chunks.get(i + 1).and_then(|c| c.first()) {
                let mut grown = chunks[i].clone();
                grown.push(next.clone());
                let longer = select_where_in("Lead", &["Id", "Email"], "Email", &grown, Budget::Chars(usize::MAX)).unwrap();
                prop_assert!(budget.measure(&longer[0]) > budget.limit());
            }
        }
    }

    #[test]
    fn every_built_equality_round_trips_its_value(value in any::<String>()) {
        let value: String = value.chars().take(500).collect();
        let soql = Select::new("Lead", &["Id"]).filter(Condition::eq("Email", value.as_str())).build().unwrap();
        prop_assert_eq!(in_values(&soql), vec![value]);
    }
}
