//! A push of 100,000 new contacts through Bulk API 2.0 against the demo org: the API calls
//! it uses, its wall time (plan, then execute) and the push's peak memory (the process's RSS
//! high-water mark, `VmHWM`, reset right before the push). The demo org runs in a child
//! process (this binary with `--serve-demo-org`), so its records do not count as the push's
//! memory. Prints the median of several runs, each on a fresh demo org and data directory.
//!
//! ```text
//! cargo bench -p leadbridge-core --bench bulk
//! LEADBRIDGE_BENCH_BULK_CONTACTS=20000 LEADBRIDGE_BENCH_BULK_RUNS=3 cargo bench -p leadbridge-core --bench bulk
//! LEADBRIDGE_BENCH_BULK_MODE=rest ...     # the same push forced onto REST, for comparison
//! ```
//!
//! The client keeps its tokens in the OS keyring, so run it where the tests run.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use leadbridge_core::sync::{
    execute, plan_push, ApiPath, BulkMode, ExecuteOptions, PlanOptions, ProgressFn, ResultStatus,
    Selection, SyncLock, SyncProgress,
};
use leadbridge_demo_org::DemoOrgConfig;
use support::{events, inbox, median, setting, PROFILE};

mod support;

/// `VmHWM` / `VmRSS` of this process, in KiB.
fn status_kib(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Resets the RSS high-water mark to the current RSS (Linux 4.0+).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

struct DemoProcess {
    child: Child,
    url: String,
}

impl DemoProcess {
    fn spawn() -> DemoProcess {
        let exe = std::env::current_exe().expect("bench binary");
        let mut child = Command::new(exe)
            .arg("--serve-demo-org")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("demo org process");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().expect("stdout"))
            .read_line(&mut line)
            .expect("demo org URL");
        DemoProcess {
            child,
            url: line.trim().to_string(),
        }
    }

    async fn api_calls(&self) -> u64 {
        let v: serde_json::Value = reqwest::get(format!("{}/__demo/api-calls", self.url))
            .await
            .expect("api calls")
            .json()
            .await
            .expect("json");
        v["total"].as_u64().unwrap_or(0)
    }
}

impl Drop for DemoProcess {
    fn drop(&mut self) {
        // Closing its stdin ends it.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// The child: serves a demo org until its stdin closes.
fn serve_demo_org() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let org = leadbridge_demo_org::start(DemoOrgConfig {
            daily_api_limit: 1_000_000,
            ..DemoOrgConfig::default()
        })
        .await
        .expect("demo org");
        println!("{}", org.base_url());
        tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await
        .expect("stdin");
        org.shutdown().await;
    });
}

/// When each (phase, bulk stage) of the execution began, to show where its time goes.
#[derive(Clone, Default)]
struct Timeline(Arc<Mutex<Vec<(Instant, String)>>>);

impl Timeline {
    fn progress_fn(&self) -> ProgressFn {
        let marks = self.0.clone();
        Arc::new(move |p: &SyncProgress| {
            let label = format!("phase {} {:?}", p.phase, p.bulk.as_ref().map(|b| b.stage));
            let mut marks = marks.lock().expect("timeline");
            if marks.last().is_none_or(|(_, l)| *l != label) {
                marks.push((Instant::now(), label));
            }
        })
    }

    fn print(&self) {
        let marks = self.0.lock().expect("timeline");
        let ends = marks
            .iter()
            .skip(1)
            .map(|(t, _)| *t)
            .chain([Instant::now()]);
        for ((start, label), end) in marks.iter().zip(ends) {
            eprintln!("  {:>8.2?}  {label}", end - *start);
        }
    }
}

struct Run {
    calls: u64,
    plan: Duration,
    execute: Duration,
    peak_kib: u64,
    base_kib: u64,
    path: ApiPath,
}

async fn one_run(contacts: usize, mode: BulkMode) -> Run {
    let demo = DemoProcess::spawn();
    let dir = tempfile::tempdir().expect("tempdir");
    let events = events(contacts, "bulk", "Bulk Co");
    let (store, vault, client) = inbox(&demo.url, dir.path(), &events).await;
    // The events are not the push's memory.
    drop(events);

    let calls_before = demo.api_calls().await;
    let lock = SyncLock::acquire(&store).expect("lock");
    let base_kib = status_kib("VmRSS:");
    reset_peak();
    let started = Instant::now();
    let timeline = Timeline::default();
    let options = ExecuteOptions {
        progress: Some(timeline.progress_fn()),
        ..ExecuteOptions::default()
    };
    let plan = plan_push(
        &client,
        &store,
        &Selection::All,
        &PlanOptions {
            bulk: mode,
            ..PlanOptions::default()
        },
    )
    .await
    .expect("plan");
    let planned = started.elapsed();
    let started = Instant::now();
    let report = execute(&client, &store, &plan, &lock, &options)
        .await
        .expect("execute");
    let executed = started.elapsed();
    if std::env::var_os("LEADBRIDGE_BENCH_BULK_TIMELINE").is_some() {
        timeline.print();
    }
    let peak_kib = status_kib("VmHWM:");
    if let Some(first) = report
        .results
        .iter()
        .find(|r| r.status != ResultStatus::Succeeded)
    {
        eprintln!("not delivered: {first:?}");
    }
    assert_eq!(
        report.count(ResultStatus::Succeeded),
        contacts,
        "every contact delivered"
    );
    let run = Run {
        calls: demo.api_calls().await - calls_before,
        plan: planned,
        execute: executed,
        peak_kib,
        base_kib,
        path: plan.api,
    };
    vault.delete_all(PROFILE).await.expect("keyring cleanup");
    run
}

fn main() {
    if std::env::args().any(|a| a == "--serve-demo-org") {
        serve_demo_org();
        return;
    }
    // `cargo test --benches` runs benches with `--test`: one small run proves it works.
    let smoke = std::env::args().any(|a| a == "--test");
    let contacts = if smoke {
        500
    } else {
        setting("LEADBRIDGE_BENCH_BULK_CONTACTS", 100_000)
    };
    let runs = if smoke {
        1
    } else {
        setting("LEADBRIDGE_BENCH_BULK_RUNS", 3).max(1)
    };
    let mode = match std::env::var("LEADBRIDGE_BENCH_BULK_MODE").as_deref() {
        Ok("rest") => BulkMode::Never,
        _ => BulkMode::Always,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let results: Vec<Run> = (0..runs)
        .map(|_| rt.block_on(one_run(contacts, mode)))
        .collect();
    let calls = median(results.iter().map(|r| r.calls).collect());
    let plan = median(results.iter().map(|r| r.plan).collect());
    let exec = median(results.iter().map(|r| r.execute).collect());
    let total = median(results.iter().map(|r| r.plan + r.execute).collect());
    let peak = median(results.iter().map(|r| r.peak_kib).collect());
    let base = median(results.iter().map(|r| r.base_kib).collect());
    println!(
        "bulk bench: {contacts} new contacts, path {:?}, median of {runs} runs",
        results[0].path
    );
    println!("  API calls:         {calls}");
    println!("  plan (look-ups):   {plan:?}");
    println!("  execute (writes):  {exec:?}");
    println!("  total wall time:   {total:?}");
    println!(
        "  peak RSS (VmHWM):  {} MiB (RSS before the push {} MiB)",
        peak / 1024,
        base / 1024
    );
    for (i, r) in results.iter().enumerate() {
        println!(
            "  run {}: {} calls, plan {:?}, execute {:?}, peak {} MiB",
            i + 1,
            r.calls,
            r.plan,
            r.execute,
            r.peak_kib / 1024
        );
    }
}
