//! `kbforge eval classify` on the held-out labelled set of the demo desk's style
//! (tests/fixtures/classify/labelled.jsonl, 432 tickets written by examples/generate_demo.py
//! --classify): the floors pin the accuracy in docs/BENCHMARKS.md.

use crate::common;

use common::{fixture, kbforge, ok};

#[test]
fn classifier_stays_above_its_floors() {
    let tmp = tempfile::tempdir().unwrap();
    let file = fixture("classify/labelled.jsonl");
    let out = ok(kbforge(tmp.path(), &["eval", "classify", file.to_str().unwrap(), "--json"]));
    let r: serde_json::Value = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert!(r["tickets"].as_u64().unwrap() >= 300, "{out}");
    assert!(r["accuracy"].as_f64().unwrap() >= 0.97, "accuracy below the floor: {out}");
    for class in r["classes"].as_array().unwrap() {
        let (kind, recall) = (class["kind"].as_str().unwrap(), class["recall"].as_f64().unwrap());
        // A needs-action ticket taken for flat would send the bot where it must not answer.
        let floor = if kind == "needs-action" { 0.95 } else { 0.8 };
        assert!(recall >= floor, "{kind} recall {recall} below {floor}: {out}");
    }
    // The matrix is 4×4 and sums to the number of tickets.
    let total: u64 = r["confusion"].as_array().unwrap().iter().flat_map(|row| row.as_array().unwrap()).map(|n| n.as_u64().unwrap()).sum();
    assert_eq!(total, r["tickets"].as_u64().unwrap());

    // The terminal table names every class and the matrix.
    let table = ok(kbforge(tmp.path(), &["eval", "classify", file.to_str().unwrap()]));
    for word in ["accuracy", "flat", "needs-action", "empty", "other", "confusion"] {
        assert!(table.contains(word), "{table}");
    }
}

#[test]
fn a_line_without_a_label_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("bad.jsonl");
    std::fs::write(
        &file,
        "{\"id\": \"1\", \"created_at\": \"2025-05-05T10:00:00+03:00\", \"messages\": [{\"author\": \"customer\", \"body\": \"Как проверить баланс?\"}], \"kind\": \"flat\"}\n\
         {\"id\": \"2\", \"created_at\": \"2025-05-05T10:00:00+03:00\", \"messages\": [{\"author\": \"customer\", \"body\": \"Привет\"}], \"kind\": \"maybe\"}\n",
    )
    .unwrap();
    let out = kbforge(tmp.path(), &["eval", "classify", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2") && err.contains("`kind`"), "{err}");
}
