//! Ingest on bad input: every malformed record is quarantined with its file, line or record id and
//! field; the run goes on; counts reconcile; re-ingesting changes nothing.

mod common;

use kbforge::ingest::{ingest, SourceConfig, SourceFormat};
use kbforge::store::Store;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_records_are_quarantined_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("s.sqlite").display())).await.unwrap();
    let root = common::fixture("ingest/bad-records");
    let sources = vec![
        SourceConfig { format: SourceFormat::Jsonl, path: root.join("tickets.jsonl") },
        SourceConfig { format: SourceFormat::OmnideskExport, path: root.join("omnidesk") },
    ];
    let c = ingest(&store, &sources, &[]).await.unwrap();
    // JSONL: 7 lines = 2 stored + 1 duplicate + 1 open (skipped) + 3 quarantined.
    // Omnidesk: 6 cases = 1 stored + 2 skipped (spam, deleted) + 3 quarantined.
    assert_eq!(c.read, 13, "{c:?}");
    assert_eq!(c.stored, 3, "{c:?}");
    assert_eq!(c.duplicates, 1, "{c:?}");
    assert_eq!(c.skipped, 3, "{c:?}");
    assert_eq!(c.quarantined, 6, "{c:?}");
    assert_eq!(c.read, c.stored + c.unchanged + c.duplicates + c.skipped + c.quarantined);

    let q = store.quarantine_list().await.unwrap();
    let find = |needle: &str| q.iter().find(|e| e.location == needle).unwrap_or_else(|| panic!("no {needle} in {q:#?}"));
    assert!(find("line 3").source.ends_with("tickets.jsonl"));
    assert_eq!(find("line 4").field, "messages");
    assert_eq!(find("line 6").field, "created_at");
    assert_eq!(find("case 502").field, "created_at");
    assert_eq!(find("case 503").field, "messages");
    assert_eq!(find("entry \"5\"").field, "case_id");

    // HTML bodies become text; the quoted <blockquote> is gone.
    let (body,): (String,) = sqlx::query_as("SELECT body FROM messages WHERE ticket_id = 'omnidesk:501' AND position = 0")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(body.contains("Как активировать сертификат?"), "{body}");
    assert!(!body.contains("старое письмо"), "{body}");
    let (internal,): (i64,) = sqlx::query_as("SELECT internal FROM messages WHERE ticket_id = 'omnidesk:501' AND position = 2")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(internal, 1);

    // Again: nothing new.
    let again = ingest(&store, &sources, &[]).await.unwrap();
    assert_eq!(again.stored, 0);
    assert_eq!(again.unchanged, 3);
    assert_eq!(store.quarantine_list().await.unwrap().len(), 6);
    assert_eq!(store.count("tickets").await.unwrap(), 3);
}
