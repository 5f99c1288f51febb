//! Storage failures from the bad-input catalogue (tests/bad-input/README.md) that a process
//! cannot cause from outside: a database that runs out of space mid-import. SQLite's
//! `max_page_count` caps the file on this connection, which fails the write exactly as a full
//! disk does (SQLITE_FULL), without needing root to mount a tiny filesystem.

use std::path::PathBuf;

use leadbridge_core::contacts::import_file;
use leadbridge_core::store::Store;
use leadbridge_core::ErrorCode;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/events")
        .join(name)
}

fn contacts(store: &Store) -> Vec<(String, String)> {
    let conn = store.conn();
    let mut stmt = conn
        .prepare("SELECT email_key, updated_at FROM contacts ORDER BY email_key")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_full_disk_mid_import_says_so_and_keeps_every_contact() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    import_file(&store, &fixture("seed000-leads.json")).unwrap();
    let before = contacts(&store);
    assert_eq!(before.len(), 9);

    // 5,000 new leads need far more pages than the two left.
    let rows: String = (0..5000)
        .map(|i| {
            format!(
                "{{\"event\":\"lead.qualified\",\"timestamp\":\"2026-04-08T09:00:00Z\",\"lead\":{{\"email\":\"bulk{i}@example.com\",\"firstName\":\"Bulk {i}\",\"company\":\"Company {i}\"}}}}\n"
            )
        })
        .collect();
    let file = dir.path().join("bulk.ndjson");
    std::fs::write(&file, rows).unwrap();
    let pages: i64 = store
        .conn()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    store
        .conn()
        .query_row(
            &format!("PRAGMA max_page_count = {}", pages + 2),
            [],
            |_| Ok(()),
        )
        .unwrap();

    let err = import_file(&store, &file).unwrap_err();
    assert_eq!(err.code, ErrorCode::Database);
    assert_eq!(
        err.message,
        format!(
            "{}: the disk holding the Leadbridge database is full. Nothing was changed; free some space and try again",
            file.display()
        )
    );
    assert_eq!(contacts(&store), before, "no contact lost or half-written");
    let integrity: String = store
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");

    // Space again: the same file imports whole.
    store
        .conn()
        .query_row("PRAGMA max_page_count = 1073741823", [], |_| Ok(()))
        .unwrap();
    let report = import_file(&store, &file).unwrap();
    assert_eq!(report.created, 5000);
    assert_eq!(contacts(&store).len(), 9 + 5000);
}
