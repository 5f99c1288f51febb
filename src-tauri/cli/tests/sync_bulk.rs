//! `leadbridge sync` on the bulk path, as the built binary against the demo org: the dry run
//! names the path and the daily batch allowance, `sync --all` takes Bulk API 2.0 above the
//! threshold with the same JSON lines, `--bulk` forces it, `--no-bulk` turns it off, and both
//! together are a usage error.
//!
//! These tests use the real OS keyring (see scripts/test.sh).

use std::process::{Command, Output};

use leadbridge_core::store::Store;
use leadbridge_core::sync::bulk;
use leadbridge_demo_org::DemoOrg;
use serde_json::{json, Value};

mod common;

struct Setup {
    rt: tokio::runtime::Runtime,
    org: DemoOrg,
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let org = rt.block_on(common::demo_org());
        let dir = tempfile::tempdir().unwrap();
        let (out, _) = rt.block_on(common::connect_no_browser(dir.path(), &org, &[]));
        assert!(out.status.success(), "{}", common::text(&out.stderr));
        Setup { rt, org, dir }
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut c: Command = common::leadbridge(self.dir.path());
        c.args(args);
        self.rt.block_on(common::run(c))
    }

    fn import(&self, emails: &[String]) {
        let path = self.dir.path().join("events.ndjson");
        let text: String = emails
            .iter()
            .map(|e| {
                format!(
                    "{}\n",
                    json!({"event": "lead.qualified", "timestamp": "2026-04-05T14:30:00Z", "lead": {
                        "email": e, "firstName": "Visitor", "lastName": "Bulk", "company": "Bulk Co",
                        "qualificationScore": 40, "conversationUrl": "https://app.hoverbot.ai/conversations/x"
                    }})
                )
            })
            .collect();
        std::fs::write(&path, text).unwrap();
        let out = self.run(&["contacts", "import", path.to_str().unwrap()]);
        assert!(out.status.success(), "{}", common::text(&out.stderr));
    }

    fn jobs(&self) -> u64 {
        self.org.bulk_summary()["jobs"].as_u64().unwrap()
    }

    fn cleanup(self) {
        let vault =
            leadbridge_core::salesforce::token_vault::TokenVault::for_data_dir(self.dir.path())
                .unwrap();
        let _ = self.rt.block_on(vault.delete_all("default"));
    }
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect()
}

#[test]
fn sync_picks_bulk_by_size_and_the_flags_force_it() {
    let s = Setup::new();
    let emails: Vec<String> = (0..25)
        .map(|i| format!("bulk{i:02}@cli-bulk.example"))
        .collect();
    s.import(&emails);
    bulk::set_threshold(&Store::open(s.dir.path()).unwrap(), 20).unwrap();

    let out = s.run(&["sync", "--all", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    let err = common::text(&out.stderr);
    assert!(
        err.contains("Path: Bulk API 2.0: 25 records, above the threshold of 20; 1 of the 15000 batches left today"),
        "{err}"
    );
    assert!(common::text(&out.stdout).contains("Bulk API 2.0: CSV ingest jobs"));
    let out = s.run(&["sync", "--all", "--dry-run", "--no-bulk", "--json"]);
    assert!(common::text(&out.stderr).contains("Path: REST: Bulk API 2.0 turned off"));
    assert_eq!(lines(&out).len(), 25, "one plan item per line");
    assert_eq!(s.jobs(), 0, "dry runs send nothing");

    let out = s.run(&["sync", "--all", "--bulk", "--no-bulk"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::text(&out.stderr));

    let out = s.run(&["sync", "--all", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    let results = lines(&out);
    assert_eq!(results.len(), 25);
    for r in &results {
        assert_eq!(r["status"], "succeeded", "{r}");
        assert_eq!(r["action"], "created");
        assert!(r["id"].as_str().is_some_and(|id| id.starts_with("00Q")));
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 12, "{keys:?}");
    }
    assert_eq!(s.jobs(), 1);

    // Below the threshold, --bulk forces it; --no-bulk keeps REST.
    let few: Vec<String> = (0..3).map(|i| format!("few{i}@cli-bulk.example")).collect();
    s.import(&few);
    let mut args = vec!["sync", "--json", "--bulk", "--email"];
    args.extend(few.iter().map(String::as_str));
    let out = s.run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    assert_eq!(lines(&out).len(), 3);
    assert_eq!(s.jobs(), 2);
    let more = ["more0@cli-bulk.example".to_string()];
    s.import(&more);
    let out = s.run(&["sync", "--json", "--no-bulk", "--email", &more[0]]);
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out.stderr));
    assert_eq!(s.jobs(), 2, "REST: no new job");
    s.cleanup();
}
