//! Demo org performance: paging 10,000 records through `nextRecordsUrl` (target: under a
//! second), and 200 concurrent requests served without an error. Run with
//! `cargo bench -p leadbridge-demo-org`; besides criterion's report it prints the median of its
//! own timed runs.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use leadbridge_demo_org::{start, DemoOrg, DemoOrgConfig, CLIENT_ID, CLIENT_SECRET};
use serde_json::{json, Value};
use tokio::runtime::Runtime;

const RECORDS: usize = 10_000;
const CONCURRENT: usize = 200;

struct Setup {
    _org: DemoOrg,
    http: reqwest::Client,
    base: String,
    token: String,
}

async fn setup() -> Setup {
    let org = start(DemoOrgConfig::default())
        .await
        .expect("demo org starts");
    let base = org.base_url();
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENT)
        .build()
        .expect("client");
    let token: Value = http
        .post(format!("{base}/services/oauth2/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
        ])
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    let token = token["access_token"]
        .as_str()
        .expect("access token")
        .to_string();
    // Load the records the way a client would: sObject Collections, 200 at a time.
    for chunk in 0..RECORDS / 200 {
        let records: Vec<Value> = (0..200)
            .map(|i| {
                json!({"attributes": {"type": "Lead"}, "LastName": format!("Bench{chunk}-{i}"), "Company": "Bench",
                       "Email": format!("bench{chunk}.{i}@bench.example")})
            })
            .collect();
        let r = http
            .post(format!("{base}/services/data/v66.0/composite/sobjects"))
            .bearer_auth(&token)
            .json(&json!({"allOrNone": true, "records": records}))
            .send()
            .await
            .expect("collections");
        assert!(r.status().is_success());
    }
    Setup {
        _org: org,
        http,
        base,
        token,
    }
}

/// Pages every Bench lead; returns the number of rows read.
async fn page_all(s: &Setup) -> usize {
    let mut url = format!(
        "{}/services/data/v66.0/query?q=SELECT+Id,Name,Email,Company,Owner.Name+FROM+Lead+WHERE+Company='Bench'",
        s.base
    );
    let mut rows = 0;
    loop {
        let page: Value = s
            .http
            .get(&url)
            .bearer_auth(&s.token)
            .header("Sforce-Query-Options", "batchSize=2000")
            .send()
            .await
            .expect("page")
            .json()
            .await
            .expect("json");
        rows += page["records"].as_array().map_or(0, Vec::len);
        match page["nextRecordsUrl"].as_str() {
            Some(next) => url = format!("{}{next}", s.base),
            None => return rows,
        }
    }
}

/// Sends 200 requests at once; panics on any error.
async fn concurrent(s: &Setup) {
    let mut tasks = Vec::with_capacity(CONCURRENT);
    for i in 0..CONCURRENT {
        let http = s.http.clone();
        let token = s.token.clone();
        let url = if i % 2 == 0 {
            format!("{}/services/data/v66.0/query?q=SELECT+Id,Name+FROM+Lead+WHERE+Email+LIKE+'bench1.%25'", s.base)
        } else {
            format!("{}/services/data/v66.0/sobjects/Lead/describe", s.base)
        };
        tasks.push(tokio::spawn(async move {
            http.get(url)
                .bearer_auth(token)
                .send()
                .await
                .map(|r| r.status())
        }));
    }
    for t in tasks {
        let status = t.await.expect("task").expect("request answered");
        assert!(status.is_success(), "status {status}");
    }
}

fn median(mut d: Vec<Duration>) -> Duration {
    d.sort();
    d[d.len() / 2]
}

fn benches(c: &mut Criterion) {
    let rt = Runtime::new().expect("runtime");
    let s = rt.block_on(setup());
    assert_eq!(rt.block_on(page_all(&s)), RECORDS);

    let runs = 11;
    let paging: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            rt.block_on(page_all(&s));
            t.elapsed()
        })
        .collect();
    let burst: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            rt.block_on(concurrent(&s));
            t.elapsed()
        })
        .collect();
    println!("median over {runs} runs: paging {RECORDS} records {:?}; {CONCURRENT} concurrent requests {:?}", median(paging), median(burst));

    let mut g = c.benchmark_group("demo_org");
    g.sample_size(10);
    g.bench_function("page_10000_records", |b| {
        b.iter(|| rt.block_on(page_all(&s)))
    });
    g.bench_function("200_concurrent_requests", |b| {
        b.iter(|| rt.block_on(concurrent(&s)))
    });
    g.finish();
}

criterion_group!(demo_org, benches);
criterion_main!(demo_org);
