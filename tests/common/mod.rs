//! Helpers shared by the integration tests: the real model, the real databases, the real binary.
#![allow(dead_code)]

pub mod webdriver;

use std::path::{Path, PathBuf};
use std::process::Output;

/// The embedding model folder: `KBFORGE_MODEL_DIR`, else the shared copy beside the repository.
pub fn model_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("KBFORGE_MODEL_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/models/multilingual-e5-small-q4");
    assert!(
        shared.join("model.onnx").is_file(),
        "no embedding model: set KBFORGE_MODEL_DIR to a folder with model.onnx and tokenizer.json"
    );
    shared
}

/// Postgres for the store suite: `KBFORGE_TEST_DATABASE_URL`, else the local test database.
pub fn postgres_url() -> Option<String> {
    if std::env::var("KBFORGE_TEST_SKIP_POSTGRES").is_ok_and(|v| v == "1") {
        return None;
    }
    Some(std::env::var("KBFORGE_TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into()))
}

pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path)
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Runs the real `kbforge` binary in `dir` with the test model.
pub fn kbforge(dir: &Path, args: &[&str]) -> Output {
    kbforge_logging(dir, args, "kbforge=warn")
}

/// [`kbforge`] with the log filter `KBFORGE_LOG`: what the run logs is on stderr.
pub fn kbforge_logging(dir: &Path, args: &[&str], filter: &str) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kbforge"))
        .args(args)
        .current_dir(dir)
        .env("KBFORGE_MODEL_DIR", model_dir())
        .env_remove("DATABASE_URL")
        .env("KBFORGE_LOG", filter)
        .output()
        .expect("run kbforge")
}

/// Whether a run (from [`kbforge_logging`] at `info`) loaded the embedding model.
pub fn loaded_model(out: &Output) -> bool {
    String::from_utf8_lossy(&out.stderr).contains("embedding model loaded")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asserts success and returns stdout.
pub fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "kbforge failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
}

/// The XSS payloads of `tests/fixtures/xss/payloads.txt`, one per line.
pub fn xss_payloads() -> Vec<String> {
    std::fs::read_to_string(fixture("xss/payloads.txt")).unwrap().lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect()
}

/// Panics if `html` could run script that is not one of `allowed_scripts` (exact opening tags):
/// a `<script>` element, an `on…=` handler attribute, or a `javascript:`/`data:` URL in an attribute.
pub fn assert_no_executable_script(html: &str, allowed_scripts: &[&str], what: &str) {
    let tag = regex::Regex::new(r"(?is)<[a-z][^>]*>").unwrap();
    let attribute = regex::Regex::new(r#"(?s)([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>"']+))"#).unwrap();
    for m in tag.find_iter(html) {
        let t = m.as_str();
        let lower = t.to_lowercase();
        if lower.starts_with("<script") {
            assert!(allowed_scripts.contains(&t), "{what}: a script element got through: {t}");
        }
        // Attribute by attribute: text inside a quoted value is only text.
        for a in attribute.captures_iter(t) {
            let name = a[1].to_lowercase();
            let value = a.get(3).or(a.get(4)).or(a.get(5)).map_or("", |v| v.as_str()).trim().to_lowercase().replace("&#x3a;", ":").replace("&#58;", ":");
            assert!(!name.starts_with("on"), "{what}: an event handler got through: {t}");
            if ["href", "src", "action", "data", "formaction", "xlink:href"].contains(&name.as_str()) {
                for scheme in ["javascript:", "data:", "vbscript:"] {
                    assert!(!value.starts_with(scheme), "{what}: a script URL got through: {t}");
                }
            }
        }
        if lower.starts_with("<link") {
            let own = ["<link rel=\"stylesheet\"", "<link rel=\"canonical\"", "<link rel=\"alternate\" hreflang=\""];
            assert!(own.iter().any(|o| lower.starts_with(o)), "{what}: a foreign link: {t}");
        }
        for bad in ["<iframe", "<object", "<embed", "<base", "<meta http-equiv", "<form", "<style", "<svg", "<math"] {
            // A Content-Security-Policy can only restrict (policies intersect): the site's own is
            // the one `http-equiv` allowed.
            let own_csp = lower.starts_with("<meta http-equiv=\"content-security-policy\"");
            // The header's search box: a GET to the site's own home page (`form-action 'self'`).
            let own_find = lower.starts_with("<form class=\"find\" action=\"") && lower.contains("index.html\" method=\"get\" role=\"search\">");
            assert!(!lower.starts_with(bad) || own_csp || own_find, "{what}: `{bad}` got through: {t}");
        }
    }
    // JSON-LD can never be closed early.
    let lower = html.to_lowercase();
    for (i, _) in lower.match_indices("<script type=\"application/ld+json\">") {
        let rest = &lower[i + 35..];
        let end = rest.find("</script>").expect("closed JSON-LD");
        assert!(!rest[..end].contains('<'), "{what}: `<` inside JSON-LD");
    }
}

/// Stores a resolved ticket and its question/answer pair as the pipeline would (flat, topic баланс).
pub async fn seed_qa(store: &kbforge::store::Store, id: &str, question: &str, answer: &str) {
    sqlx::query(
        "INSERT INTO tickets (id, source, external_id, subject, status, channel, language, labels, rating, created_at, updated_at, content_hash)
         VALUES ($1, 'test', $1, '', 'closed', 'email', 'ru', '[]', 'high', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '')",
    )
    .bind(id)
    .execute(store.pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO qa_pairs (ticket_id, question, answer, topic, language, rating, has_note, kind, kind_reason, updated_at)
         VALUES ($1, $2, $3, 'баланс', 'ru', 'high', 0, 'flat', '', '2026-01-01T00:00:00Z')",
    )
    .bind(id)
    .bind(question)
    .bind(answer)
    .execute(store.pool())
    .await
    .unwrap();
}

/// A fresh schema `<tag>_<pid>` in the test Postgres: its store URL, the admin pool and the schema
/// name (drop it with [`drop_postgres_schema`]). `None` when Postgres tests are switched off.
pub async fn postgres_schema(tag: &str) -> Option<(String, sqlx::AnyPool, String)> {
    let base = postgres_url()?;
    let schema = format!("{tag}_{}", std::process::id());
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&base).await.unwrap_or_else(|e| {
        panic!("cannot reach Postgres at {base} ({e}); start it or set KBFORGE_TEST_SKIP_POSTGRES=1")
    });
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).execute(&admin).await.unwrap();
    sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    Some((format!("{base}{sep}options=-c%20search_path%3D{schema}"), admin, schema))
}

pub async fn drop_postgres_schema(admin: &sqlx::AnyPool, schema: &str) {
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE")).execute(admin).await.unwrap();
}

/// A stand-in for an OpenAI-compatible chat endpoint: it answers every request with a body made
/// from the request's own question, so the same request always gets the same answer and a test can
/// tell which draft came from which request. `delay` holds each answer back, as a real model would.
#[derive(Default)]
pub struct LlmWriter {
    pub delay: std::time::Duration,
}

impl wiremock::Respond for LlmWriter {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&request.body).expect("a JSON request");
        let prompt = body["messages"][1]["content"].as_str().unwrap_or_default();
        let question = prompt.lines().next().unwrap_or_default().trim_start_matches("Question: ");
        let answers = prompt.matches("\n---\n").count();
        // A title in the house style first, as the prompt asks.
        let title = format!("{}: что делать?", question.trim_end_matches(['?', '.', '!']));
        let content = format!(
            "```markdown\n# {title}\n\nОтвет модели на вопрос «{question}» по {answers} ответам сотрудников.\n\n1. Откройте личный кабинет.\n2. Следуйте подсказкам на экране.\n```"
        );
        wiremock::ResponseTemplate::new(200)
            .set_delay(self.delay)
            .set_body_json(serde_json::json!({"choices": [{"message": {"role": "assistant", "content": content}}]}))
    }
}

/// The user messages of the chat requests a mock endpoint received, in order.
pub async fn llm_prompts(server: &wiremock::MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            body["messages"][1]["content"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

/// The knowledge base's Markdown files: path relative to `kb` → text.
pub fn kb_files(kb: &Path) -> std::collections::BTreeMap<String, String> {
    walkdir::WalkDir::new(kb)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| (e.path().strip_prefix(kb).unwrap().display().to_string(), std::fs::read_to_string(e.path()).unwrap()))
        .collect()
}

/// The review app on a free loopback port, in this process; returns its base URL.
pub async fn start_app(dir: &Path, store: kbforge::store::Store) -> String {
    let ws = kbforge::workspace::Workspace::discover(dir).unwrap();
    let app = kbforge::serve::App::new(ws, store);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, kbforge::serve::service(app)).await.unwrap() });
    format!("http://{addr}")
}

/// Logs `name` into the review app at `base`: the client (no redirects followed) and the session's
/// cookie header.
pub async fn login(base: &str, name: &str, password: &str) -> (reqwest::Client, String) {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = http.get(format!("{base}/login")).send().await.unwrap();
    let pre: Vec<String> = page.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string()).collect();
    let text = page.text().await.unwrap();
    let marker = "name=\"csrf\" value=\"";
    let csrf = text[text.find(marker).unwrap() + marker.len()..].split('"').next().unwrap().to_string();
    let r = http
        .post(format!("{base}/login"))
        .header("cookie", pre.join("; "))
        .form(&[("name", name), ("password", password), ("csrf", csrf.as_str()), ("next", "/articles")])
        .send()
        .await
        .unwrap();
    let session: Vec<String> = r.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string()).collect();
    assert!(!session.is_empty(), "login failed: {}", r.status());
    (http, session.join("; "))
}
