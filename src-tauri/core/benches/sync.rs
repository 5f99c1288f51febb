//! A push of 10,000 new contacts against the demo org with 50 ms of latency on every call:
//! the API calls it uses and its wall time, against the lower bound the batching allows
//! (calls × latency / concurrency). Prints the median of several runs, each on a fresh demo
//! org and data directory.
//!
//! ```text
//! cargo bench -p leadbridge-core --bench sync
//! LEADBRIDGE_BENCH_SYNC_CONTACTS=2000 LEADBRIDGE_BENCH_SYNC_RUNS=3 cargo bench -p leadbridge-core --bench sync
//! ```
//!
//! The client keeps its tokens in the OS keyring, so run it where the tests run (a session bus
//! with an unlocked keyring; scripts/test.sh shows how).

use std::time::{Duration, Instant};

use leadbridge_core::sync::{
    execute, plan_push, ExecuteOptions, PlanOptions, ResultStatus, Selection, SyncLock,
    DEFAULT_CONCURRENCY,
};
use leadbridge_demo_org::DemoOrgConfig;
use support::{events, inbox, median, setting, PROFILE};

mod support;

const LATENCY: Duration = Duration::from_millis(50);

struct Run {
    calls: u64,
    lookup_calls: u64,
    write_calls: u64,
    plan: Duration,
    execute: Duration,
}

async fn one_run(contacts: usize) -> Run {
    let org = leadbridge_demo_org::start(DemoOrgConfig::default())
        .await
        .expect("demo org");
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, vault, client) = inbox(
        &org.base_url(),
        dir.path(),
        &events(contacts, "bench", "Bench Co"),
    )
    .await;

    org.faults().set_latency(LATENCY, Duration::ZERO);
    let calls_before = org.api_calls().total;
    let lock = SyncLock::acquire(&store).expect("lock");
    let started = Instant::now();
    let plan = plan_push(&client, &store, &Selection::All, &PlanOptions::default())
        .await
        .expect("plan");
    let planned = started.elapsed();
    let started = Instant::now();
    let report = execute(&client, &store, &plan, &lock, &ExecuteOptions::default())
        .await
        .expect("execute");
    let executed = started.elapsed();
    assert_eq!(
        report.count(ResultStatus::Succeeded),
        contacts,
        "every contact delivered"
    );
    let run = Run {
        calls: org.api_calls().total - calls_before,
        lookup_calls: report.lookup_calls,
        write_calls: report.api_calls,
        plan: planned,
        execute: executed,
    };
    vault.delete_all(PROFILE).await.expect("keyring cleanup");
    org.shutdown().await;
    run
}

fn main() {
    // `cargo test --benches` runs benches with `--test`: one small run proves it works.
    let smoke = std::env::args().any(|a| a == "--test");
    let contacts = if smoke {
        200
    } else {
        setting("LEADBRIDGE_BENCH_SYNC_CONTACTS", 10_000)
    };
    let runs = if smoke {
        1
    } else {
        setting("LEADBRIDGE_BENCH_SYNC_RUNS", 5).max(1)
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let results: Vec<Run> = (0..runs).map(|_| rt.block_on(one_run(contacts))).collect();

    let calls = median(results.iter().map(|r| r.calls).collect());
    let lookups = median(results.iter().map(|r| r.lookup_calls).collect());
    let writes = median(results.iter().map(|r| r.write_calls).collect());
    let plan = median(results.iter().map(|r| r.plan).collect());
    let exec = median(results.iter().map(|r| r.execute).collect());
    let total = median(results.iter().map(|r| r.plan + r.execute).collect());
    let concurrency = DEFAULT_CONCURRENCY as u32;
    // Writes overlap up to `concurrency` at a time; look-ups are partly sequential (describes,
    // then queries, then routing), so their bound is the simple sum.
    let write_bound = LATENCY * (writes as u32).div_ceil(concurrency);
    let naive_bound = LATENCY * (calls as u32) / concurrency;
    println!("sync bench: {contacts} new contacts, {LATENCY:?} latency per call, {concurrency} calls in flight, median of {runs} runs");
    println!("  API calls:        {calls} ({lookups} for describes, look-ups and routing; {writes} for writes)");
    println!("  plan (look-ups):  {plan:?}");
    println!("  execute (writes): {exec:?}  (lower bound {write_bound:?} = ceil({writes} calls / {concurrency}) x {LATENCY:?})");
    println!("  total:            {total:?}  (calls x latency / concurrency = {naive_bound:?})");
    for (i, r) in results.iter().enumerate() {
        println!(
            "  run {}: {} calls, plan {:?}, execute {:?}",
            i + 1,
            r.calls,
            r.plan,
            r.execute
        );
    }
}
