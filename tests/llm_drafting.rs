//! Drafting through a language model behind an OpenAI-compatible endpoint (a local wiremock server
//! standing in for it), on SQLite without the queue: every new draft asks once, concurrently; a
//! failing endpoint leaves the extractive drafts and the next run asks again for those; answers are
//! cached in the store, so a run that lost its drafts (as a killed one would) does not pay twice.

use crate::common;

use std::path::Path;

use common::{copy_dir, fixture, kb_files, kbforge, llm_prompts, ok, LlmWriter};
use kbforge::store::Store;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PIPELINE: &str = r#"
[pipeline]
name = "drafts"
stages = ["ingest", "clean", "extract", "classify", "embed", "cluster", "draft"]

[ingest]
sources = [{ format = "omnidesk-export", path = "desk/omnidesk" }]
regulations = ["desk/regulations"]
"#;

fn workspace(dir: &Path, llm_url: &str) {
    copy_dir(&fixture("demo-small"), &dir.join("desk"));
    std::fs::write(
        dir.join("kbforge.toml"),
        format!(
            "[embed]\nthreads = 1\n[draft.llm]\nenabled = true\nurl = \"{llm_url}/v1\"\nmodel = \"test-model\"\nretries = 0\nconcurrency = 4\n"
        ),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("pipelines")).unwrap();
    std::fs::write(dir.join("pipelines/drafts.toml"), PIPELINE).unwrap();
}

fn drafted_by_model(files: &std::collections::BTreeMap<String, String>) -> usize {
    files.values().filter(|t| t.contains("drafted_by: test-model") && t.contains("Ответ модели на вопрос")).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_through_the_model_once_and_retries_failures() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/v1/chat/completions")).respond_with(ResponseTemplate::new(500).set_body_string("overloaded")).mount(&server).await;
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path();
    workspace(ws, &server.uri());

    // The endpoint fails: every draft is written all the same, from the staff's answers.
    let out = ok(kbforge(ws, &["run", "pipelines/drafts.toml"]));
    let failed = llm_prompts(&server).await.len();
    let files = kb_files(&ws.join("kb"));
    assert!(files.len() >= 4, "too few drafts: {}\n{out}", files.len());
    assert_eq!(failed, files.len(), "one request per new draft");
    assert_eq!(drafted_by_model(&files), 0);
    assert!(out.contains(&format!("{failed} failed: extractive draft kept")), "{out}");

    // The endpoint works again: the next run asks for exactly the drafts it failed on.
    server.reset().await;
    Mock::given(method("POST")).and(path("/v1/chat/completions")).respond_with(LlmWriter::default()).mount(&server).await;
    let out = ok(kbforge(ws, &["stage", "draft"]));
    let prompts = llm_prompts(&server).await;
    assert_eq!(prompts.len(), files.len(), "{out}");
    let distinct: std::collections::HashSet<&String> = prompts.iter().collect();
    assert_eq!(distinct.len(), prompts.len(), "a request was sent twice");
    let drafted = kb_files(&ws.join("kb"));
    assert_eq!(drafted.keys().collect::<Vec<_>>(), files.keys().collect::<Vec<_>>(), "the same articles");
    assert_eq!(drafted_by_model(&drafted), drafted.len(), "{out}");
    // The model's title in the house style replaces the extractive one, which stays as the fallback.
    let titled: Vec<&String> = drafted.values().filter(|t| t.contains("title_by: test-model")).collect();
    assert!(titled.len() * 2 >= drafted.len(), "{} of {} titles from the model", titled.len(), drafted.len());
    for t in &titled {
        let title = t.lines().find(|l| l.starts_with("title:")).unwrap();
        assert!(title.contains(": что делать?"), "{title}");
        assert!(!t.contains("\n# "), "the title line stayed in the body: {t}");
    }
    // What left the machine was redacted: no e-mail address, no phone number.
    let email = regex::Regex::new(r"[\w.+-]+@[\w-]+\.[\w.]+").unwrap();
    let phone = regex::Regex::new(r"\+?\d[\d\s()-]{9,}\d").unwrap();
    for p in &prompts {
        assert!(p.starts_with("Question: ") && p.contains("Staff answers:"), "{p}");
        let personal = email.find_iter(p).any(|m| !kbforge::guard::role_mailbox(m.as_str()));
        assert!(!personal && !phone.is_match(p), "personal data sent to the model: {p}");
    }

    // Nothing changed: nothing is asked.
    server.reset().await;
    Mock::given(method("POST")).and(path("/v1/chat/completions")).respond_with(LlmWriter::default()).mount(&server).await;
    ok(kbforge(ws, &["stage", "draft"]));
    assert_eq!(llm_prompts(&server).await.len(), 0);

    // The drafts are lost (kb folder and the store's record of them, as after a crash between the
    // answers and the files): the answers come from the store's cache, not from the model.
    std::fs::remove_dir_all(ws.join("kb")).unwrap();
    let store = Store::open(&format!("sqlite://{}", ws.join(".kbforge/kbforge.sqlite").display())).await.unwrap();
    let cached: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM llm_drafts").fetch_one(store.pool()).await.unwrap();
    assert_eq!(cached.0 as usize, files.len());
    sqlx::query("DELETE FROM drafts").execute(store.pool()).await.unwrap();
    store.close().await;
    let out = ok(kbforge(ws, &["stage", "draft"]));
    assert_eq!(llm_prompts(&server).await.len(), 0, "{out}");
    assert_eq!(kb_files(&ws.join("kb")), drafted, "the same drafts, from the cache");
}
