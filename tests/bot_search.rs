//! The bot's retrieval, as the bot meets it: `kbforge eval retrieve` floors on the labelled sets
//! (`tests/fixtures/retrieve/`), `/api/search` and `kbforge search --json` agreeing on hits and
//! route, each route for its kind of question (and for a chat customer's turn sent in parts), and a
//! `publish index` in another process while queries run: none fails, and the new generation is
//! served without a restart.

use crate::common;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{copy_dir, fixture, kbforge, ok};
use serde_json::{json, Value};

/// A workspace over one labelled set's kb, its index published.
fn published_set(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let set = fixture(&format!("retrieve/{name}"));
    copy_dir(&set.join("kb"), &dir.path().join("kb"));
    std::fs::copy(set.join("kbforge.toml"), dir.path().join("kbforge.toml")).unwrap();
    ok(kbforge(dir.path(), &["publish", "index"]));
    dir
}

fn eval(ws: &Path, name: &str) -> Value {
    let queries = fixture(&format!("retrieve/{name}/queries.jsonl"));
    serde_json::from_str(&ok(kbforge(ws, &["eval", "retrieve", queries.to_str().unwrap(), "--json"]))).unwrap()
}

#[test]
fn retrieval_meets_its_floors_on_the_desks() {
    // Floors under today's scores (docs/BENCHMARKS.md); the goal of the retrieval issue was
    // hit@1 0.58, hit@3 0.75, hit@5 0.82, MRR@10 0.68.
    for (name, floors) in [("demo", [0.66, 0.85, 0.88, 0.76]), ("voltmarket", [0.66, 0.83, 0.88, 0.75])] {
        let ws = published_set(name);
        let r = eval(ws.path(), name);
        let got = [r["hit_at_1"].as_f64().unwrap(), r["hit_at_3"].as_f64().unwrap(), r["hit_at_5"].as_f64().unwrap(), r["mrr_at_10"].as_f64().unwrap()];
        for (metric, (g, f)) in ["hit@1", "hit@3", "hit@5", "MRR@10"].iter().zip(got.iter().zip(floors)) {
            assert!(*g >= f, "{name}: {metric} {g:.3} below {f}: {r}");
        }
        assert!(r["questions"].as_u64().unwrap() > 150, "{r}");
    }
}

const PIPELINE: &str = r#"
[pipeline]
name = "demo"
stages = ["ingest", "clean", "extract", "classify", "embed", "cluster", "draft", "publish-site", "publish-index"]

[ingest]
sources = [{ format = "omnidesk-export", path = "desk/omnidesk" }]
regulations = ["desk/regulations"]
"#;

async fn ask(http: &reqwest::Client, base: &str, query: &str) -> (u16, Value) {
    let r = http.post(format!("{base}/api/search")).json(&json!({ "query": query })).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn ids(v: &Value) -> Vec<String> {
    v["hits"].as_array().unwrap().iter().map(|h| h["article_id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_api_routes_each_kind_of_question_and_serves_a_new_generation_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    copy_dir(&fixture("demo-small"), &ws.join("desk"));
    std::fs::write(ws.join("kbforge.toml"), "[site]\nlanguage = \"ru\"\n").unwrap();
    std::fs::create_dir_all(ws.join("pipelines")).unwrap();
    std::fs::write(ws.join("pipelines/demo.toml"), PIPELINE).unwrap();
    ok(kbforge(ws, &["run", "pipelines/demo.toml", "--auto-approve"]));

    let store = kbforge::store::Store::open(&format!("sqlite://{}", ws.join(".kbforge/kbforge.sqlite").display())).await.unwrap();
    // A question a live article answers (its own title), one the desk handled by hand (a member
    // of a needs-action cluster), a greeting, one nothing here answers, and a follow-up.
    let (articles, _) = kbforge::kb::load_all(&ws.join("kb"));
    let live = articles.iter().find(|a| a.is_public_live()).expect("a live article");
    let (action,): (String,) = sqlx::query_as(
        "SELECT q.question FROM qa_pairs q JOIN cluster_members m ON m.ticket_id = q.ticket_id JOIN clusters c ON c.id = m.cluster_id
         WHERE c.kind = 'needs-action' AND c.size >= 3 ORDER BY m.similarity DESC LIMIT 1",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    let base = common::start_app(ws, store).await;
    let http = reqwest::Client::new();
    let cases = [
        (live.front.title.as_str(), "answer"),
        (action.as_str(), "handoff"),
        ("Здравствуйте!", "clarify"),
        ("Какая завтра погода в Париже и нужен ли зонт?", "handoff"),
        // A follow-up whose subject was in a message the bot never saw.
        ("Как это сделать?", "clarify"),
    ];
    // No phrasing in the index that such a follow-up would match word for word.
    for a in &articles {
        for q in &a.front.also_asked {
            assert!(kbforge::lexical::stems(q).len() >= 2, "{}: «{q}» names too little to be a phrasing", a.front.id);
        }
    }
    for (query, route) in cases {
        let (status, api) = ask(&http, &base, query).await;
        assert_eq!(status, 200, "{api}");
        assert_eq!(api["route"], route, "{query:?}: {api:#}");
        // The command line ranks and routes the same.
        let cli: Value = serde_json::from_str(&ok(kbforge(ws, &["search", "--json", query]))).unwrap();
        assert_eq!(ids(&cli), ids(&api), "{query:?}");
        assert_eq!((&cli["route"], &cli["class"], &cli["topic"]), (&api["route"], &api["class"], &api["topic"]), "{query:?}");
    }
    // A chat customer's turn in parts: the follow-up alone names nothing, with the message before
    // it the turn asks what the live article answers; greetings alone are still no question.
    let turn = |messages: &[&str]| json!({ "messages": messages });
    for (messages, route) in [
        (vec!["Добрый день!", live.front.title.as_str(), "Как это сделать?"], "answer"),
        (vec!["Здравствуйте!", "у меня вопрос"], "clarify"),
    ] {
        let r = http.post(format!("{base}/api/search")).json(&turn(&messages)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let api: Value = r.json().await.unwrap();
        assert_eq!(api["route"], route, "{messages:?}: {api:#}");
        let mut args = vec!["search", "--json"];
        args.extend(messages.iter().copied());
        let cli: Value = serde_json::from_str(&ok(kbforge(ws, &args))).unwrap();
        assert_eq!((ids(&cli), &cli["route"]), (ids(&api), &api["route"]), "{messages:?}");
        if route == "answer" {
            assert_eq!(api["hits"][0]["article_id"], live.front.id.as_str(), "{api:#}");
        }
    }
    let both = http.post(format!("{base}/api/search")).json(&json!({ "query": "баланс", "messages": ["баланс"] })).send().await.unwrap();
    assert_eq!(both.status().as_u16(), 400);

    let (_, first) = ask(&http, &base, &live.front.title).await;
    assert_eq!(first["hits"][0]["article_id"], live.front.id.as_str());
    assert_eq!(first["class"], "question");
    assert!(first["cluster"]["class"].is_string(), "{first:#}");

    // Queries keep coming while another process publishes a new article.
    let new_title = "Можно ли подарить сертификат собаке на день рождения?";
    std::fs::write(
        ws.join("kb/sobake.md"),
        format!("---\nid: sobake\ntitle: \"{new_title}\"\nstatus: approved\naudience: public\ntopic: подарок\n---\n\nМожно: сертификат на имя хозяина, а порадовать им можно и питомца.\n"),
    )
    .unwrap();
    let failures = Arc::new(AtomicUsize::new(0));
    let asked = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut clients = Vec::new();
    for i in 0..4 {
        let (http, base, failures, asked, stop) = (http.clone(), base.clone(), failures.clone(), asked.clone(), stop.clone());
        clients.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let (status, _) = ask(&http, &base, &format!("Как проверить баланс сертификата? {i}")).await;
                asked.fetch_add(1, Ordering::Relaxed);
                if status != 200 {
                    failures.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    let ws_path = ws.to_path_buf();
    let published = tokio::task::spawn_blocking(move || ok(kbforge(&ws_path, &["publish", "index"]))).await.unwrap();
    assert!(published.contains("upserted"), "{published}");
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }
    assert!(asked.load(Ordering::Relaxed) > 10, "{} queries", asked.load(Ordering::Relaxed));
    assert_eq!(failures.load(Ordering::Relaxed), 0, "queries failed while the index was published");
    let (_, after) = ask(&http, &base, new_title).await;
    assert_eq!(after["hits"][0]["article_id"], "sobake", "{after:#}");
}
