//! The delivery log's read paths over a big log: the UI's virtual table windows, filters,
//! search, counts and the chart. Budget: every one under 50 ms.
//!
//! Seeds 1,000,000 deliveries (override with `LEADBRIDGE_BENCH_DELIVERIES=N`) into a database
//! in a temporary directory once, then measures each query against it:
//!
//! ```text
//! cargo bench -p leadbridge-core --bench deliveries
//! LEADBRIDGE_BENCH_DELIVERIES=20000 cargo bench -p leadbridge-core --bench deliveries -- --test
//! LEADBRIDGE_BENCH_DB_DIR=/tmp/lb-bench cargo bench ...   # keep the seeded log between runs
//! ```
//!
//! Seeding writes rows in their final state with one prepared INSERT in one transaction (the
//! API's begin/finish path would be four statements a row); the migration's triggers still keep
//! the search index and the chart counts, exactly as in the app.

use std::hint::black_box;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use leadbridge_core::deliveries::{
    self, DeliveryObject, DeliveryQuery, DeliveryStatus, SortField, StatsBucket,
};
use leadbridge_core::store::Store;
use rusqlite::params;

const DEFAULT_ROWS: u64 = 1_000_000;
const DAY_MS: i64 = 86_400_000;
/// The log spans the default retention: 90 days.
const SPAN_DAYS: i64 = 90;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2025-06-01T00:00:00Z")
        .expect("fixed time")
        .with_timezone(&Utc)
}

/// splitmix64: a fast deterministic generator, so every run seeds the same log.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// Picks from `(weight, value)` pairs.
    fn weighted<T: Copy>(&mut self, table: &[(u64, T)]) -> T {
        let total: u64 = table.iter().map(|(w, _)| w).sum();
        let mut roll = self.below(total);
        for (w, v) in table {
            if roll < *w {
                return *v;
            }
            roll -= w;
        }
        table[table.len() - 1].1
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ra", "ven", "tor", "sa", "el", "dri", "no", "ber", "qua", "fi", "zan",
    "mor", "li", "ta", "gre", "son", "vi", "ax", "ul", "pe", "cor",
];

/// A pronounceable word of 2-3 syllables from a number: thousands of distinct names.
fn word(mut n: u64) -> String {
    let mut w = String::new();
    for _ in 0..(2 + n % 2) {
        w.push_str(SYLLABLES[(n % SYLLABLES.len() as u64) as usize]);
        n /= SYLLABLES.len() as u64;
    }
    w
}

struct Person {
    first: String,
    last: String,
    company: String,
    domain: String,
}

fn person(rng: &mut Rng) -> Person {
    let first = word(rng.below(300));
    let last = word(1_000 + rng.below(2_000));
    let c = rng.below(5_000);
    let company = word(5_000 + c);
    let suffix = ["Labs", "Inc", "GmbH", "Health", "Systems"][(c % 5) as usize];
    let tld = ["com", "io", "de", "co.uk", "net"][(c % 5) as usize];
    Person {
        domain: format!("{company}.{tld}"),
        company: format!("{}{} {suffix}", company[..1].to_uppercase(), &company[1..]),
        first,
        last,
    }
}

fn seed(store: &Store, rows: u64) {
    let started = Instant::now();
    // A big page cache while seeding only (random email-index inserts); the queries below run
    // with the store's defaults, as in the app.
    let default_cache: i64 = store
        .conn()
        .query_row("PRAGMA cache_size", [], |r| r.get(0))
        .expect("cache size");
    store
        .conn()
        .execute_batch("PRAGMA cache_size = -262144")
        .expect("cache size");
    let mut rng = Rng(42);
    let start_ms = (now() - Duration::days(SPAN_DAYS)).timestamp_millis();
    let step = (SPAN_DAYS * DAY_MS) as f64 / rows as f64;
    store
        .transaction(|tx| {
            let mut batch = tx.prepare(
                "INSERT INTO delivery_batches (id, trigger, started_at) VALUES (?1, ?2, ?3)",
            )?;
            let mut insert = tx.prepare(
                "INSERT INTO deliveries (id, batch_id, trigger, email, email_key, contact_name, company,
                    object, action, status, salesforce_id, owner_id, owner_reason, error_code,
                    error_message, error_http_status, error_salesforce_code, payload, attempts,
                    created_at, updated_at, finished_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                    ?18, ?19, ?20, ?21, ?22)",
            )?;
            let mut batch_id = 0i64;
            let mut trigger = "manual";
            for i in 0..rows as i64 {
                // Pushes of ~200 contacts; time only moves forward, as begin_delivery keeps it.
                let created = start_ms + (i as f64 * step) as i64;
                if i % 200 == 0 {
                    batch_id += 1;
                    trigger = rng.weighted(&[(40, "manual"), (58, "webhook"), (2, "retry")]);
                    batch.execute(params![batch_id, trigger, created])?;
                }
                let p = person(&mut rng);
                let n = rng.below(100);
                let email = if n < 10 {
                    format!("{}.{}@{}", capitalise(&p.first), capitalise(&p.last), p.domain)
                } else {
                    format!("{}.{}{n}@{}", p.first, p.last, p.domain)
                };
                let object = rng.weighted(&[
                    (60, DeliveryObject::Lead),
                    (15, DeliveryObject::Contact),
                    (10, DeliveryObject::Opportunity),
                    (8, DeliveryObject::CampaignMember),
                    (5, DeliveryObject::Task),
                    (2, DeliveryObject::Account),
                ]);
                // The newest minutes of the log still have pushes under way.
                let recent = created > now().timestamp_millis() - 600_000;
                let status = if recent {
                    rng.weighted(&[(50, "pending"), (50, "in_flight")])
                } else {
                    rng.weighted(&[(78, "succeeded"), (6, "failed"), (2, "resolved"), (14, "skipped")])
                };
                let (code, http, sf): (Option<&str>, Option<i64>, bool) = match status {
                    "failed" | "resolved" => rng.weighted(&[
                        (30, (Some("REQUIRED_FIELD_MISSING"), Some(400), true)),
                        (15, (Some("STRING_TOO_LONG"), Some(400), true)),
                        (15, (Some("UNABLE_TO_LOCK_ROW"), Some(400), true)),
                        (10, (Some("DUPLICATES_DETECTED"), Some(400), true)),
                        (10, (Some("FIELD_CUSTOM_VALIDATION_EXCEPTION"), Some(400), true)),
                        (10, (Some("SERVER_UNAVAILABLE"), Some(503), true)),
                        (10, (Some("NETWORK"), None, false)),
                    ]),
                    "skipped" => (Some("CONTACT_EXISTS"), None, false),
                    _ => (None, None, false),
                };
                let action = match (status, object) {
                    ("skipped", _) => "skipped",
                    (_, DeliveryObject::Lead) if n < 33 => "update",
                    _ => "create",
                };
                let finished = !matches!(status, "pending" | "in_flight");
                let attempts: i64 = match (status, code) {
                    ("pending", _) => 0,
                    (_, Some("UNABLE_TO_LOCK_ROW" | "SERVER_UNAVAILABLE" | "NETWORK")) => 4,
                    ("skipped", _) => 0,
                    _ => 1 + i64::from(n >= 90),
                };
                let sf_id = (status == "succeeded").then(|| format!("00Q5g00000{i:08}"));
                let payload = format!(
                    r#"{{"Email":"{email}","FirstName":"{}","LastName":"{}","Company":"{}","LeadSource":"Chat","Rating":"Warm","Description":"Qualified in chat, score {n}","Conversation_URL__c":"https://chat.example.com/c/{i}"}}"#,
                    p.first, p.last, p.company
                );
                let done = created + 1_500;
                insert.execute(params![
                    i + 1,
                    batch_id,
                    trigger,
                    email,
                    email.to_lowercase(),
                    format!("{} {}", capitalise(&p.first), capitalise(&p.last)),
                    p.company,
                    object.as_str(),
                    action,
                    status,
                    sf_id,
                    "0055g00000AbCdEAAV",
                    "meeting_scheduler",
                    code,
                    code.map(|c| format!("{c}: the record could not be saved ({})", p.last)),
                    http,
                    if sf { code } else { None },
                    payload,
                    attempts,
                    created,
                    if finished { done } else { created },
                    finished.then_some(done),
                ])?;
            }
            Ok(())
        })
        .expect("seeding the delivery log");
    store
        .conn()
        .execute_batch(&format!(
            "PRAGMA cache_size = {default_cache}; PRAGMA wal_checkpoint(TRUNCATE);"
        ))
        .expect("cache size");
    eprintln!(
        "seeded {rows} deliveries in {:.1} s ({} MB)",
        started.elapsed().as_secs_f64(),
        std::fs::metadata(store.path())
            .map(|m| m.len() / 1_000_000)
            .unwrap_or(0)
    );
}

/// Every table, index and trigger definition: a kept database is reused only when it matches.
fn schema(store: &Store) -> String {
    store
        .conn()
        .query_row(
            "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name)",
            [],
            |r| r.get(0),
        )
        .expect("schema")
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn bench_deliveries(c: &mut Criterion) {
    let rows = std::env::var("LEADBRIDGE_BENCH_DELIVERIES")
        .ok()
        .map(|v| {
            v.parse::<u64>()
                .expect("LEADBRIDGE_BENCH_DELIVERIES must be a number")
        })
        .unwrap_or(DEFAULT_ROWS);
    // A kept directory (LEADBRIDGE_BENCH_DB_DIR) skips re-seeding when it already holds the
    // same number of rows under the same schema; by default the log lives in a temporary directory.
    let temp = tempfile::tempdir().expect("temp dir");
    let fresh_schema = schema(&Store::open(temp.path()).expect("store"));
    let dir = match std::env::var_os("LEADBRIDGE_BENCH_DB_DIR") {
        Some(kept) => {
            let kept = std::path::PathBuf::from(kept);
            std::fs::create_dir_all(&kept).expect("bench database directory");
            let stale = Store::open(&kept)
                .map(|s| schema(&s) != fresh_schema)
                .unwrap_or(true);
            if stale {
                for file in ["leadbridge.db", "leadbridge.db-wal", "leadbridge.db-shm"] {
                    let _ = std::fs::remove_file(kept.join(file));
                }
            }
            kept
        }
        None => temp.path().join("log"),
    };
    std::fs::create_dir_all(&dir).expect("bench database directory");
    let store = Store::open(&dir).expect("store");
    let have: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM deliveries", [], |r| r.get(0))
        .expect("count");
    if have != rows as i64 {
        store
            .conn()
            .execute_batch(
                "DELETE FROM deliveries; DELETE FROM delivery_batches; DELETE FROM delivery_hourly_counts;",
            )
            .expect("clearing the bench database");
        seed(&store, rows);
    }
    // The person of a row a third of the way in, for the search benches.
    let email: String = store
        .conn()
        .query_row(
            "SELECT email_key FROM deliveries WHERE id = ?1",
            [(rows / 3).max(1) as i64],
            |r| r.get(0),
        )
        .expect("a seeded row");
    let (local, domain) = email.split_once('@').unwrap_or((&email, ""));
    let (first, last) = local.split_once('.').unwrap_or((local, ""));
    let last = last
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_string();
    let company = domain.split('.').next().unwrap_or_default().to_string();
    let first = first.to_string();

    let conn = store.conn();
    let last_30_days = (now() - Duration::days(30), now());
    let mut group = c.benchmark_group("deliveries");
    group
        .sample_size(30)
        .measurement_time(StdDuration::from_secs(4));

    let mut bench_list = |name: &str, q: DeliveryQuery| {
        let n = deliveries::count(&conn, &q).expect("count");
        eprintln!("{name}: {n} matching rows");
        group.bench_function(name, |b| {
            b.iter(|| black_box(deliveries::list(&conn, black_box(&q)).expect("list")))
        });
    };
    bench_list("first_page", DeliveryQuery::default());
    bench_list(
        "page_at_offset_half",
        DeliveryQuery {
            offset: Some(rows / 2),
            ..Default::default()
        },
    );
    bench_list(
        "status_failed",
        DeliveryQuery {
            status: vec![DeliveryStatus::Failed],
            ..Default::default()
        },
    );
    bench_list(
        "status_failed_offset_10000",
        DeliveryQuery {
            status: vec![DeliveryStatus::Failed],
            offset: Some(10_000.min(rows / 20)),
            ..Default::default()
        },
    );
    bench_list(
        "error_code_and_date_range",
        DeliveryQuery {
            error_code: Some("UNABLE_TO_LOCK_ROW".into()),
            created_from: Some(last_30_days.0),
            created_to: Some(last_30_days.1),
            ..Default::default()
        },
    );
    bench_list(
        "search_email_fragment",
        DeliveryQuery {
            search: Some(format!("{first}.{last}")),
            ..Default::default()
        },
    );
    bench_list(
        "search_last_name",
        DeliveryQuery {
            search: Some(last.clone()),
            ..Default::default()
        },
    );
    bench_list(
        "search_company_domain",
        DeliveryQuery {
            search: Some(format!("@{company}")),
            ..Default::default()
        },
    );
    bench_list(
        "search_two_letters",
        DeliveryQuery {
            search: Some(first[..2].to_string()),
            ..Default::default()
        },
    );
    bench_list(
        "search_broad_with_status_failed",
        DeliveryQuery {
            search: Some(first[..2].to_string()),
            status: vec![DeliveryStatus::Failed],
            ..Default::default()
        },
    );
    bench_list(
        "search_broad_with_error_code",
        DeliveryQuery {
            search: Some(first[..2].to_string()),
            error_code: Some("NETWORK".into()),
            ..Default::default()
        },
    );
    bench_list(
        "search_broad_sorted_by_email",
        DeliveryQuery {
            search: Some(first[..2].to_string()),
            sort: Some(SortField::Email),
            descending: Some(false),
            ..Default::default()
        },
    );
    bench_list(
        "sort_email_offset_half",
        DeliveryQuery {
            sort: Some(SortField::Email),
            descending: Some(false),
            offset: Some(rows / 2),
            ..Default::default()
        },
    );
    bench_list(
        "status_pending_or_failed",
        DeliveryQuery {
            status: vec![DeliveryStatus::Pending, DeliveryStatus::Failed],
            ..Default::default()
        },
    );

    let counted = DeliveryQuery {
        status: vec![DeliveryStatus::Failed],
        object: vec![DeliveryObject::Lead],
        created_from: Some(last_30_days.0),
        created_to: Some(last_30_days.1),
        ..Default::default()
    };
    group.bench_function("count_with_filters", |b| {
        b.iter(|| black_box(deliveries::count(&conn, black_box(&counted)).expect("count")))
    });
    let counted_search = DeliveryQuery {
        search: Some(first[..2].to_string()),
        status: vec![DeliveryStatus::Failed],
        ..Default::default()
    };
    group.bench_function("count_broad_search_with_status", |b| {
        b.iter(|| black_box(deliveries::count(&conn, black_box(&counted_search)).expect("count")))
    });
    let counted_search_only = DeliveryQuery {
        search: Some(first[..2].to_string()),
        ..Default::default()
    };
    group.bench_function("count_broad_search", |b| {
        b.iter(|| {
            black_box(deliveries::count(&conn, black_box(&counted_search_only)).expect("count"))
        })
    });
    group.bench_function("count_all", |b| {
        b.iter(|| black_box(deliveries::count(&conn, &DeliveryQuery::default()).expect("count")))
    });
    group.bench_function("stats_by_day_90_days", |b| {
        b.iter(|| {
            black_box(
                deliveries::stats(
                    &conn,
                    StatsBucket::Day,
                    now() - Duration::days(SPAN_DAYS),
                    now(),
                )
                .expect("stats"),
            )
        })
    });
    group.bench_function("stats_by_hour_7_days", |b| {
        b.iter(|| {
            black_box(
                deliveries::stats(&conn, StatsBucket::Hour, now() - Duration::days(7), now())
                    .expect("stats"),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, bench_deliveries);
criterion_main!(benches);
