//! End to end: the real binary runs the demo pipeline on the small fixture desk with the real model,
//! SQLite and the embedded Qdrant shard, then the outputs are checked as a customer and the bot would
//! meet them.

use crate::common;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use common::{copy_dir, fixture, kbforge, ok};
use kbforge::kb::{self, Status};

const CONFIG: &str = r#"
[site]
title = "Центр помощи"
language = "ru"
contact-url = "https://podarokplus.example/contact"
"#;

const PIPELINE: &str = r#"
[pipeline]
name = "demo"
stages = ["ingest", "clean", "extract", "classify", "embed", "cluster", "draft", "report", "publish-site", "publish-index"]

[ingest]
sources = [{ format = "omnidesk-export", path = "desk/omnidesk" }]
regulations = ["desk/regulations"]
"#;

struct Label {
    topic: String,
    kind: String,
}

fn labels(path: &Path) -> HashMap<String, Label> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let id = format!("omnidesk:{}", v["case_id"]);
            (id, Label { topic: v["topic"].as_str().unwrap().to_string(), kind: v["kind"].as_str().unwrap().to_string() })
        })
        .collect()
}

/// E-mails, phone numbers, certificate codes and full names written anywhere in the desk's messages.
/// A pattern with a group contributes the group (the name after "С уважением,", "Меня зовут" or in
/// a quote header), else the whole match.
fn personal_values(dir: &Path) -> HashSet<String> {
    let patterns = [
        r"[\w.+-]+@[\w-]+\.[\w.-]+",
        r"(\+7|\b8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}",
        r"\b[A-Z0-9]{4}(-[A-Z0-9]{4}){2,4}\b",
        r"(?:С уважением,?\s+|Меня зовут\s+|Best regards,?\s+|Regards,?\s+|\x22)([А-ЯЁA-Z][а-яёa-z]+ [А-ЯЁA-Z][а-яёa-z]+)\b",
    ]
    .map(|p| regex::Regex::new(p).unwrap());
    let mut out = HashSet::new();
    for entry in walkdir::WalkDir::new(dir.join("messages")).into_iter().filter_map(Result::ok).filter(|e| e.file_type().is_file()) {
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(entry.path()).unwrap()).unwrap();
        for (_, m) in v.as_object().unwrap().iter().filter(|(k, _)| *k != "total_count") {
            let text = m["message"]["content"].as_str().unwrap_or_default();
            for re in &patterns {
                let named = re.captures_len() > 1 && re.as_str().contains("уважением");
                for caps in re.captures_iter(text) {
                    let m = if named { caps.get(1) } else { caps.get(0) };
                    // A role mailbox (`b2b@…`, `noreply@…`) is the organisation's, not a person's.
                    out.extend(m.map(|x| x.as_str().to_string()).filter(|v| !kbforge::guard::role_mailbox(v)));
                }
            }
        }
    }
    out
}

/// Every file of the site as text: pages as they are, Pagefind's search data decompressed (its
/// fragments hold the indexed text). Pagefind's own script and style files are vendored library
/// code, not content, and are left out.
fn site_text(dir: &Path) -> String {
    use std::io::Read as _;
    let mut all = String::new();
    let mut search_files = 0;
    for entry in walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok) {
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let bytes = std::fs::read(path).unwrap();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if path.components().any(|c| c.as_os_str() == "pagefind") {
            if matches!(ext, "js" | "css") {
                continue;
            }
            if ext.starts_with("pf_") {
                let mut text = Vec::new();
                flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut text).unwrap();
                all.push_str(&String::from_utf8_lossy(&text));
                search_files += 1;
                continue;
            }
        }
        all.push_str(&String::from_utf8_lossy(&bytes));
    }
    assert!(search_files > 0 || !dir.join("pagefind").exists(), "no Pagefind data found to check");
    all
}

#[test]
fn demo_pipeline_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path();
    copy_dir(&fixture("demo-small"), &ws.join("desk"));
    std::fs::write(ws.join("kbforge.toml"), CONFIG).unwrap();
    std::fs::create_dir_all(ws.join("pipelines")).unwrap();
    std::fs::write(ws.join("pipelines/demo.toml"), PIPELINE).unwrap();
    let labels = labels(&ws.join("desk/labels.jsonl"));

    // 1. A run without approval: drafts, and a site with no article yet.
    let out = ok(kbforge(ws, &["run", "pipelines/demo.toml"]));
    for stage in ["ingest:", "clean:", "extract:", "classify:", "embed:", "cluster:", "draft:", "publish site:", "publish index:"] {
        assert!(out.contains(&format!("-> {stage}")), "no summary line for {stage} in:\n{out}");
    }
    let kb_dir = ws.join("kb");
    let (drafts, errors) = kb::load_all(&kb_dir);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(!drafts.is_empty(), "no drafts:\n{out}");
    assert!(drafts.iter().all(|a| a.front.status == Status::Draft));
    assert!(!ws.join("site/articles").exists() || std::fs::read_dir(ws.join("site/articles")).unwrap().count() == 0);

    // Paraphrases of the balance question land in one draft.
    let balance: HashSet<&String> =
        labels.iter().filter(|(_, l)| l.topic.contains("balance") && l.kind == "flat").map(|(id, _)| id).collect();
    assert!(balance.len() >= 10, "fixture has {} balance questions", balance.len());
    let best = drafts
        .iter()
        .max_by_key(|a| a.front.sources.iter().filter(|s| balance.contains(s)).count())
        .unwrap();
    let together = best.front.sources.iter().filter(|s| balance.contains(s)).count();
    assert!(
        together * 10 >= balance.len() * 8,
        "only {together} of {} balance paraphrases share a draft ({}); drafts:\n{}",
        balance.len(),
        best.front.title,
        drafts.iter().map(|a| format!("{} {:?}", a.front.title, a.front.sources)).collect::<Vec<_>>().join("\n")
    );
    let balance_id = best.front.id.clone();

    // Empty and manual-action tickets never make an article of their own.
    for a in &drafts {
        let kinds: Vec<&str> = a.front.sources.iter().filter_map(|s| labels.get(s)).map(|l| l.kind.as_str()).collect();
        let flat = kinds.iter().filter(|k| **k == "flat").count();
        assert!(flat * 2 > kinds.len(), "draft `{}` is mostly non-flat tickets: {kinds:?}", a.front.title);
        assert!(!kinds.contains(&"empty"), "draft `{}` holds an empty request", a.front.title);
    }

    // 2. An editor edits a draft; a later run keeps the edit.
    let edited_path = kb_dir.join(&best.path);
    let edited = std::fs::read_to_string(&edited_path).unwrap().replace("\n---\n\n", "\n---\n\nПроверено редактором. ");
    std::fs::write(&edited_path, &edited).unwrap();
    let run = common::kbforge_logging(ws, &["run", "pipelines/demo.toml"], "kbforge=info");
    // Nothing new to embed: the model is not even loaded.
    assert!(!common::loaded_model(&run), "a run with nothing new loaded the model:\n{}", String::from_utf8_lossy(&run.stderr));
    let out = ok(run);
    assert_eq!(std::fs::read_to_string(&edited_path).unwrap(), edited, "the editor's edit was overwritten");
    assert!(out.contains("0 drafts created, 0 updated"), "second run changed drafts:\n{out}");
    assert!(out.contains("0 embedded"), "second run embedded again:\n{out}");

    // 3. Review through the CLI, then the demo's auto-approve for the rest.
    let list = ok(kbforge(ws, &["review", "list", "--status", "draft"]));
    assert!(list.contains(&balance_id), "{list}");
    ok(kbforge(ws, &["review", "approve", &balance_id, "--by", "maria"]));
    let approved = kb::find(&kb_dir, &balance_id).unwrap();
    assert_eq!(approved.front.status, Status::Approved);
    assert_eq!(approved.front.extra.get("reviewed_by").and_then(|v| v.as_str()), Some("maria"));
    let other = drafts.iter().find(|a| a.front.id != balance_id).map(|a| a.front.id.clone());
    if let Some(other) = &other {
        ok(kbforge(ws, &["review", "reject", other, "--reason", "дубликат"]));
    }
    let out = ok(kbforge(ws, &["run", "pipelines/demo.toml", "--auto-approve"]));
    assert!(out.contains("-> auto-approve:"), "{out}");
    if let Some(other) = &other {
        let rejected_page = ws.join(format!("site/articles/{other}.html"));
        assert!(!rejected_page.exists(), "a rejected article was published");
    }

    // The site holds the approved article's text, and no personal data or internal text.
    let page = std::fs::read_to_string(ws.join(format!("site/articles/{balance_id}.html"))).unwrap();
    assert!(page.contains("Проверено редактором."), "the article page lacks the approved text");
    assert!(ws.join("site/index.html").is_file());
    let site = site_text(&ws.join("site"));
    for secret in [
        "anna.smirnova1987@yandex.ru",
        "123-45-67",
        "916) 123",
        "ВНУТРЕННЯЯ ЗАМЕТКА",
        "комиссия партнёра 7%",
        "РЕГЛАМЕНТ ДЛЯ СОТРУДНИКОВ",
        "доб. 214",
    ] {
        assert!(!site.contains(secret), "the site contains `{secret}`");
    }
    let email = regex::Regex::new(r"[\w.+-]+@[\w-]+\.[\w.]+").unwrap();
    let personal = email.find_iter(&site).map(|m| m.as_str()).find(|m| !kbforge::guard::role_mailbox(m));
    assert!(personal.is_none(), "the site contains an e-mail: {personal:?}");
    let phone = regex::Regex::new(r"(\+7|\b8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}").unwrap();
    assert!(phone.find(&site).is_none(), "the site contains a phone: {:?}", phone.find(&site));

    // No personal value of the desk reaches the site or the bot index's payloads.
    let index_text: String = kbforge::publish::index::payloads(&ws.join(".kbforge/index/public"))
        .unwrap()
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert!(index_text.contains(&balance_id), "the index has no payload of the approved article");
    let values = personal_values(&ws.join("desk/omnidesk"));
    assert!(values.len() >= 20, "the fixture should hold personal data to test with: {values:?}");
    let names = values.iter().filter(|v| v.contains(' ') && !v.contains(['@', '+', '-'])).count();
    assert!(names >= 5, "the fixture should hold full names to test with: {values:?}");
    for v in &values {
        assert!(!site.contains(v.as_str()), "the site contains `{v}`");
        assert!(!index_text.contains(v.as_str()), "the index payloads contain `{v}`");
    }

    // 4. The bot index answers a reworded question with that article, and the README's own
    // example (on the full demo desk a refunds cluster is near it: `routing::Clusters::nearest`).
    for query in ["сколько денег ещё осталось на моём подарочном сертификате", "сколько денег осталось на сертификате"] {
        let hits = ok(kbforge(ws, &["search", query, "--json"]));
        let hits: serde_json::Value = serde_json::from_str(&hits).unwrap();
        assert_eq!(hits["hits"][0]["article_id"].as_str(), Some(balance_id.as_str()), "search returned {hits:#}");
        assert_eq!(hits["route"], "answer", "a flat question with a confident hit: {hits:#}");
    }

    // The report stage wrote the verdict for the nightly job.
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(ws.join("reports/report.json")).unwrap()).unwrap();
    assert!(report.is_object(), "{report}");
    assert!(std::fs::read_to_string(ws.join("reports/report.html")).unwrap().contains("<svg"));
    assert!(out.contains("-> report:"), "{out}");

    // The regulations feed the copilot's internal collection, never the public one.
    let internal: String = kbforge::publish::index::payloads(&ws.join(".kbforge/index/internal"))
        .unwrap()
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert!(internal.contains("Проверить у партнёра"), "the internal collection lacks the regulations");
    assert!(!index_text.contains("Проверить у партнёра") && !index_text.contains("\"internal\""), "internal text in the public collection");
    let query = "как оператору проверить баланс у партнёра в админке";
    let public_hits = ok(kbforge(ws, &["search", query, "--json", "-n", "20"]));
    let public_hits: serde_json::Value = serde_json::from_str(&public_hits).unwrap();
    let public_hits = public_hits["hits"].as_array().unwrap().clone();
    assert!(!public_hits.is_empty());
    for h in &public_hits {
        assert_eq!(h["audience"], "public", "a public query returned {h}");
        assert!(!h["snippet"].as_str().unwrap().contains("Проверить у партнёра"), "a public query returned internal text: {h}");
    }
    let internal_hits = ok(kbforge(ws, &["search", query, "--audience", "internal", "--json"]));
    let internal_hits: serde_json::Value = serde_json::from_str(&internal_hits).unwrap();
    let internal_hits = internal_hits["hits"].as_array().unwrap().clone();
    assert!(internal_hits[0]["article_id"].as_str().unwrap().starts_with("regulation:"), "{internal_hits:#?}");
    assert_eq!(internal_hits[0]["audience"], "internal");

    // The retrieval API of `kbforge serve` answers the same, and guards the internal collection.
    api_search(ws, query);

    // 5. Nothing changes on a run with nothing new.
    let out = ok(kbforge(ws, &["run", "pipelines/demo.toml", "--auto-approve"]));
    assert!(out.contains(" 0 pages written"), "{out}");
    assert!(out.contains("public: ") && out.contains(" 0 upserted") && !out.contains(" 1 upserted"), "{out}");
    assert!(out.contains(" 0 stored"), "{out}");
}

/// `POST /api/search` on a real `kbforge serve` in the workspace.
fn api_search(ws: &Path, query: &str) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    /// Stops the server however the test ends.
    struct Server(std::process::Child);
    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _server = Server(std::process::Command::new(env!("CARGO_BIN_EXE_kbforge"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .current_dir(ws)
        .env("KBFORGE_MODEL_DIR", common::model_dir())
        .env("KBFORGE_API_TOKEN", "copilot-secret")
        .env_remove("DATABASE_URL")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap());
    let base = format!("http://127.0.0.1:{port}");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::new();
        let started = std::time::Instant::now();
        while http.get(format!("{base}/healthz")).send().await.is_err() {
            assert!(started.elapsed().as_secs() < 20, "kbforge serve did not start");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let post = |body: serde_json::Value, token: Option<&str>| {
            let mut r = http.post(format!("{base}/api/search")).json(&body);
            if let Some(t) = token {
                r = r.bearer_auth(t);
            }
            r.send()
        };
        let r = post(serde_json::json!({"query": "сколько денег ещё осталось на моём подарочном сертификате", "limit": 3}), None).await.unwrap();
        assert_eq!(r.status(), 200);
        let body: serde_json::Value = r.json().await.unwrap();
        let hits = body["hits"].as_array().unwrap();
        assert!(!hits.is_empty() && hits.len() <= 3, "{body}");
        assert!(hits.iter().all(|h| h["audience"] == "public" && h["url"].as_str().unwrap().starts_with("/articles/")), "{body}");
        // The link the bot gives is a page the site wrote, in either language (an article in the
        // site's other language lives under its `en/`).
        let r = post(serde_json::json!({"query": "how do I redeem my gift card in a store", "limit": 3}), None).await.unwrap();
        let english: serde_json::Value = r.json().await.unwrap();
        for hit in hits.iter().chain(english["hits"].as_array().unwrap()) {
            let url = hit["url"].as_str().unwrap();
            assert!(ws.join("site").join(url.trim_start_matches('/')).is_file(), "no page for {url}: {hit}");
        }
        assert!(body["took_ms"].as_f64().unwrap() > 0.0);
        let r = post(serde_json::json!({"query": query, "audience": "internal"}), None).await.unwrap();
        assert_eq!(r.status(), 401, "the internal collection answered without credentials");
        let r = post(serde_json::json!({"query": query, "audience": "internal"}), Some("wrong")).await.unwrap();
        assert_eq!(r.status(), 401);
        let r = post(serde_json::json!({"query": query, "audience": "internal"}), Some("copilot-secret")).await.unwrap();
        assert_eq!(r.status(), 200);
        let body: serde_json::Value = r.json().await.unwrap();
        assert!(body["hits"][0]["article_id"].as_str().unwrap().starts_with("regulation:"), "{body}");
        let r = post(serde_json::json!({"query": "", "limit": 3}), None).await.unwrap();
        assert_eq!(r.status(), 400);
        let r = post(serde_json::json!({"query": "баланс", "limit": 3, "filters": {"language": "en"}}), None).await.unwrap();
        let body: serde_json::Value = r.json().await.unwrap();
        assert!(body["hits"].as_array().unwrap().iter().all(|h| h["language"] == "en"), "{body}");
    });
}
