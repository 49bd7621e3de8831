//! `kbforge report` on the demo desk: the terminal report and the self-contained HTML page.

mod common;

use common::{copy_dir, fixture, kbforge, ok};

#[test]
fn report_gives_the_verdict_the_gaps_and_a_self_contained_page() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path();
    copy_dir(&fixture("demo-small"), &ws.join("desk"));
    std::fs::write(ws.join("kbforge.toml"), "[site]\ntitle = \"Центр помощи\"\nlanguage = \"ru\"\n").unwrap();
    std::fs::create_dir_all(ws.join("pipelines")).unwrap();
    std::fs::write(
        ws.join("pipelines/demo.toml"),
        "[pipeline]\nname = \"demo\"\nstages = [\"ingest\", \"clean\", \"extract\", \"classify\", \"embed\", \"cluster\", \"draft\"]\n\n[ingest]\nsources = [{ format = \"omnidesk-export\", path = \"desk/omnidesk\" }]\n",
    )
    .unwrap();
    ok(kbforge(ws, &["run", "pipelines/demo.toml"]));

    let out = ok(kbforge(ws, &["report", "--html", "report.html"]));
    assert!(out.contains("verdict:") && out.contains("threshold 20%"), "{out}");
    assert!(out.contains("a RAG bot on the help center will pay off"), "the demo desk is mostly flat: {out}");
    assert!(out.contains("gaps:"), "{out}");
    // Nothing is approved yet: every flat cluster is a gap with a draft awaiting review.
    assert!(out.contains("awaits review"), "{out}");
    assert!(out.contains("coverage: 0 of"), "{out}");

    let page = std::fs::read_to_string(ws.join("report.html")).unwrap();
    assert!(page.starts_with("<!doctype html>"));
    assert!(page.contains("<svg") && page.contains("<polyline"), "no trend chart");
    assert!(page.contains("Доля «плоских» вопросов") && page.contains("окупится"), "not in Russian");
    // Self-contained: no script, no external resource.
    for forbidden in ["<script", "src=\"http", "href=\"http", "<link"] {
        assert!(!page.contains(forbidden), "the page holds `{forbidden}`");
    }

    let json = ok(kbforge(ws, &["report", "--json"]));
    let r: serde_json::Value = serde_json::from_str(&json).unwrap();
    let total = r["overall"]["tickets"].as_u64().unwrap();
    let parts: u64 = ["flat", "needs_action", "empty", "other"].iter().map(|k| r["overall"][k].as_u64().unwrap()).sum();
    assert_eq!(total, parts);
    assert!(r["gaps"].as_array().unwrap().len() >= 3, "{json}");
}
