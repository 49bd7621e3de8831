//! `kill -9` inside every stage of a full pipeline run, one after another, then a run to the end:
//! the result equals an uninterrupted run's. No duplicate tickets, drafts, pages or points, nothing
//! lost: the store's tables, the knowledge base, the help center and both index collections are
//! compared (timestamps aside), and the killed runs are recorded as interrupted. Drafts go through a
//! language model (a local stand-in that takes its time), so kills also land between its answers.
//!
//! Kill points are random within each stage; the seed is printed, and `KBFORGE_CRASH_SEED=<n>`
//! replays a failure.

use crate::common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{copy_dir, fixture, kbforge, model_dir, ok, LlmWriter};
use kbforge::store::Store;

const CONFIG: &str = "[site]\ntitle = \"Центр помощи\"\nlanguage = \"ru\"\n";
const PIPELINE: &str = r#"
[pipeline]
name = "full"
stages = ["ingest", "clean", "extract", "classify", "embed", "cluster", "draft", "publish-site", "publish-index", "report"]

[ingest]
sources = [{ format = "omnidesk-export", path = "desk/omnidesk" }]
regulations = ["desk/regulations"]
"#;

/// How long each stage takes on this fixture at most, roughly: kill points are drawn within it.
/// (The report comes last so that it reads the same articles in every run: the killed runs approve
/// drafts before the last one starts.)
const STAGES: [(&str, u64); 11] = [
    ("ingest", 40),
    ("clean", 40),
    ("extract", 20),
    ("classify", 20),
    ("embed", 2500),
    ("cluster", 60),
    ("draft", 400),
    ("auto-approve", 10),
    ("publish-site", 40),
    ("publish-index", 400),
    ("report", 10),
];

fn workspace(dir: &Path, llm: &str) {
    copy_dir(&fixture("demo-small"), &dir.join("desk"));
    let llm = format!("[draft.llm]\nenabled = true\nurl = \"{llm}/v1\"\nmodel = \"test-model\"\nconcurrency = 2\n");
    std::fs::write(dir.join("kbforge.toml"), format!("{CONFIG}{llm}")).unwrap();
    std::fs::create_dir_all(dir.join("pipelines")).unwrap();
    std::fs::write(dir.join("pipelines/full.toml"), PIPELINE).unwrap();
}

/// A small deterministic generator (SplitMix64): the test needs no `rand`, and a seed replays it.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n.max(1)
    }
}

/// Starts the pipeline, waits until `stage` starts (the run's own debug event), waits `delay`, and
/// kills the process with SIGKILL. Returns whether it was still running when killed.
fn kill_inside(ws: &Path, stage: &str, delay: Duration) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kbforge"))
        .args(["--log-json", "run", "pipelines/full.toml", "--auto-approve"])
        .current_dir(ws)
        .env("KBFORGE_MODEL_DIR", model_dir())
        .env_remove("DATABASE_URL")
        .env("KBFORGE_LOG", "kbforge::run=debug,kbforge=warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let marker = format!("\"stage\":\"{stage}\"");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut started = false;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.contains("stage started") && line.contains(&marker) {
            started = true;
            break;
        }
    }
    if !started {
        // The run ended (or failed) before reaching the stage.
        let status = child.wait().unwrap();
        panic!("the run never started stage `{stage}` ({status})");
    }
    // Keep reading stderr, so the run never blocks on a full pipe and its errors can be shown.
    let rest = std::thread::spawn(move || lines.map(|l| l.unwrap()).collect::<Vec<_>>().join("\n"));
    let until = Instant::now() + delay;
    while Instant::now() < until {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "the run failed by itself in stage `{stage}`: {status}\n{}", rest.join().unwrap());
            return false;
        }
        std::thread::sleep(Duration::from_millis(1).min(delay));
    }
    let running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    running
}

/// Everything a run produces, with times taken out.
fn fingerprint(ws: &Path) -> BTreeMap<String, String> {
    let stamp = regex::Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})").unwrap();
    let mut out = BTreeMap::new();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = Store::open(&format!("sqlite://{}", ws.join(".kbforge/kbforge.sqlite").display())).await.unwrap();
        let queries = [
            ("tickets", "SELECT id || ' ' || content_hash FROM tickets ORDER BY id"),
            ("messages", "SELECT id || ' ' || COALESCE(clean_body, '<not cleaned>') FROM messages ORDER BY id"),
            ("regulations", "SELECT id || ' ' || content_hash FROM regulations ORDER BY id"),
            ("qa_pairs", "SELECT ticket_id || ' ' || kind || ' ' || question || ' | ' || answer FROM qa_pairs ORDER BY ticket_id"),
            ("embeddings", "SELECT model || ' ' || text_hash FROM embeddings ORDER BY model, text_hash"),
            ("clusters", "SELECT id || ' ' || size || ' ' || kind || ' ' || label FROM clusters ORDER BY id"),
            ("members", "SELECT ticket_id || ' ' || cluster_id FROM cluster_members ORDER BY ticket_id"),
            ("drafts", "SELECT article_id || ' ' || cluster_id || ' ' || path || ' ' || generated_hash FROM drafts ORDER BY article_id"),
            ("llm_drafts", "SELECT request_hash || ' ' || replace(body, char(10), ' ') FROM llm_drafts ORDER BY request_hash"),
            ("revisions", "SELECT article_id || ' ' || reason || ' ' || state FROM revisions ORDER BY article_id, reason"),
            ("quarantine", "SELECT stage || ' ' || location || ' ' || field FROM quarantine ORDER BY stage, location, field"),
        ];
        for (name, sql) in queries {
            let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(store.pool()).await.unwrap();
            let text: Vec<String> = rows.into_iter().map(|(r,)| r).collect();
            out.insert(format!("store/{name}"), text.join("\n"));
        }
        store.close().await;
    });
    for dir in ["kb", "site", "exports", "reports"] {
        for entry in walkdir::WalkDir::new(ws.join(dir)).sort_by_file_name() {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(ws).unwrap().display().to_string();
            // Pagefind's files are named by the hash of their content, which holds the page dates.
            if !entry.file_type().is_file() || rel.starts_with("site/pagefind/") {
                continue;
            }
            let text = String::from_utf8_lossy(&std::fs::read(entry.path()).unwrap()).into_owned();
            out.insert(rel, stamp.replace_all(&text, "<time>").into_owned());
        }
    }
    // The search index covers every article page (its file names hash content that holds dates).
    let entry: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(ws.join("site/pagefind/pagefind-entry.json")).unwrap()).unwrap();
    let pages: Vec<String> = entry["languages"].as_object().unwrap().iter().map(|(l, v)| format!("{l}: {}", v["page_count"])).collect();
    out.insert("site/pagefind pages".into(), pages.join("\n"));
    for collection in ["public", "internal"] {
        let mut points: Vec<String> = kbforge::publish::index::payloads(&ws.join(".kbforge/index").join(collection))
            .unwrap()
            .into_iter()
            .map(|mut p| {
                // A regulation's hash covers the time it was read; everything else must match.
                let object = p.as_object_mut().unwrap();
                object.remove("content_hash");
                object.remove("updated_at");
                stamp.replace_all(&serde_json::to_string(&p).unwrap(), "<time>").into_owned()
            })
            .collect();
        points.sort();
        out.insert(format!("index/{collection}"), points.join("\n"));
    }
    out
}

#[test]
fn killed_in_every_stage_then_rerun_equals_an_uninterrupted_run() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let llm = rt.block_on(async {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::method("POST"))
            .respond_with(LlmWriter { delay: Duration::from_millis(120) })
            .mount(&server)
            .await;
        server
    });
    let tmp = tempfile::tempdir().unwrap();
    let reference = tmp.path().join("reference");
    workspace(&reference, &llm.uri());
    ok(kbforge(&reference, &["run", "pipelines/full.toml", "--auto-approve"]));
    let expected = fingerprint(&reference);
    assert!(expected["store/drafts"].lines().count() >= 3, "too little to compare: {}", expected["store/drafts"]);
    assert_eq!(expected["store/llm_drafts"].lines().count(), expected["store/drafts"].lines().count(), "every draft from the model");
    assert!(expected["index/public"].lines().count() >= 10);

    let seed = std::env::var("KBFORGE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64);
    eprintln!("crash seed: {seed} (KBFORGE_CRASH_SEED={seed} replays it)");
    let mut rng = Rng(seed);

    let ws = tmp.path().join("killed");
    workspace(&ws, &llm.uri());
    let mut killed = 0;
    for (stage, span) in STAGES {
        let delay = Duration::from_millis(rng.below(span));
        let was_running = kill_inside(&ws, stage, delay);
        eprintln!("stage {stage}: killed {} ms after it started{}", delay.as_millis(), if was_running { "" } else { " (the run had already ended)" });
        killed += usize::from(was_running);
    }
    assert!(killed >= 8, "only {killed} of {} runs were still running when killed", STAGES.len());
    ok(kbforge(&ws, &["run", "pipelines/full.toml", "--auto-approve"]));

    let got = fingerprint(&ws);
    for (key, want) in &expected {
        let have = got.get(key).unwrap_or_else(|| panic!("`{key}` is missing after the killed runs"));
        if have != want {
            let diff = similar::TextDiff::from_lines(want, have).unified_diff().context_radius(2).to_string();
            panic!("`{key}` differs from an uninterrupted run (seed {seed}):\n{diff}");
        }
    }
    let extra: Vec<&String> = got.keys().filter(|k| !expected.contains_key(*k)).collect();
    assert!(extra.is_empty(), "files an uninterrupted run does not make: {extra:?}");

    // The history: every killed run is marked interrupted, the last one succeeded.
    let runs: serde_json::Value = serde_json::from_str(&ok(kbforge(&ws, &["runs", "list", "--json", "--limit", "50"]))).unwrap();
    let statuses: Vec<&str> = runs.as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses[0], "succeeded");
    assert!(statuses.iter().all(|s| matches!(*s, "succeeded" | "interrupted")), "{statuses:?}");
    // A kill in the last milliseconds of a run may land after it recorded its success.
    let interrupted = statuses.iter().filter(|s| **s == "interrupted").count();
    assert!(interrupted + 1 >= killed && interrupted <= killed, "{killed} killed, history: {statuses:?}");
}
