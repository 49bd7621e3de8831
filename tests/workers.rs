//! Two `kbforge worker` processes share the embed and draft stages' work through the job queue in
//! the real Postgres: every job is done once, by one worker, both workers take part, and the
//! vectors, the clusters built on them and the drafts the language model (a local stand-in) wrote
//! equal those of a single worker.

use crate::common;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::{copy_dir, fixture, kb_files, kbforge, llm_prompts, model_dir, ok, LlmWriter};
use kbforge::store::Store;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

const PIPELINE: &str = r#"
[pipeline]
name = "prep"
stages = ["ingest", "clean", "extract", "classify"]

[ingest]
sources = [{ format = "omnidesk-export", path = "desk/omnidesk" }]
regulations = ["desk/regulations"]
"#;

/// A workspace on `url` with the queue on and drafting through the model at `llm`; the stages
/// themselves only enqueue and wait, so the workers do all of the work.
/// One draft job in flight per worker, so that with the demo's few drafts both workers take part.
fn workspace(dir: &Path, url: &str, llm: &str) {
    copy_dir(&fixture("demo-small"), &dir.join("desk"));
    std::fs::write(
        dir.join("kbforge.toml"),
        format!(
            "[store]\nurl = \"{url}\"\n[embed]\nthreads = 1\n[queue]\nenabled = true\njob-size = 4\nwork-in-runner = false\n\
             [draft.llm]\nenabled = true\nurl = \"{llm}/v1\"\nmodel = \"test-model\"\nconcurrency = 1\n"
        ),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("pipelines")).unwrap();
    std::fs::write(dir.join("pipelines/prep.toml"), PIPELINE).unwrap();
}

fn worker(dir: &Path, name: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_kbforge"))
        .args(["worker", "--name", name])
        .current_dir(dir)
        .env("KBFORGE_MODEL_DIR", model_dir())
        .env_remove("DATABASE_URL")
        .env("KBFORGE_LOG", "kbforge=warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap()
}

struct Outcome {
    /// (worker, attempts, texts) of every embed job.
    jobs: Vec<(String, i64, Vec<String>)>,
    /// (worker, attempts, request hash) of every draft job.
    draft_jobs: Vec<(String, i64, String)>,
    /// The user messages the model received.
    prompts: Vec<String>,
    /// The knowledge base the draft stage wrote.
    kb: BTreeMap<String, String>,
    vectors: BTreeMap<String, Vec<f32>>,
    /// The clusters as sets of tickets (ids are compared separately).
    partition: Vec<Vec<String>>,
}

/// Runs the embed stage with `workers` worker processes, clusters, then drafts through the model
/// with the same workers; reads what came out.
async fn run_with(workers: &[&str], tag: &str) -> Option<Outcome> {
    let (url, admin, schema) = common::postgres_schema(tag).await?;
    // Each answer takes a while, as a model's would, so that both workers get some.
    let llm = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(LlmWriter { delay: std::time::Duration::from_millis(400) })
        .mount(&llm)
        .await;
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    workspace(&ws, &url, &llm.uri());
    ok(kbforge(&ws, &["run", "pipelines/prep.toml"]));
    let mut children: Vec<Child> = workers.iter().map(|w| worker(&ws, w)).collect();
    let embed = kbforge(&ws, &["stage", "embed"]);
    let cluster = kbforge(&ws, &["stage", "cluster"]);
    let draft = kbforge(&ws, &["stage", "draft"]);
    for c in &mut children {
        c.kill().unwrap();
        c.wait().unwrap();
    }
    let summary = ok(embed);
    assert!(summary.contains("jobs done by"), "{summary}");
    let clustered = ok(cluster);
    assert!(!clustered.contains("new embeddings"), "{clustered}");
    let summary = ok(draft);
    assert!(summary.contains("asked now, jobs done by"), "{summary}");

    // The queue shows in the metrics.
    let metrics = ok(kbforge(&ws, &["runs", "metrics"]));
    assert!(metrics.contains("kbforge_queue_jobs{kind=\"draft\",state=\"done\"}"), "{metrics}");

    let store = Store::open(&url).await.unwrap();
    let rows: Vec<(String, String, i64, String, String)> =
        sqlx::query_as("SELECT kind, worker, attempts, state, payload FROM jobs ORDER BY id").fetch_all(store.pool()).await.unwrap();
    let mut jobs = Vec::new();
    let mut draft_jobs = Vec::new();
    for (kind, w, attempts, state, payload) in rows {
        assert_eq!(state, "done");
        let p: serde_json::Value = serde_json::from_str(&payload).unwrap();
        match kind.as_str() {
            "embed" => jobs.push((w, attempts, p["texts"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect())),
            "draft" => draft_jobs.push((w, attempts, p["hash"].as_str().unwrap().to_string())),
            other => panic!("a job of kind {other}"),
        }
    }
    // The workers embedded the staff answers too (query prefix, as clustering compares answers
    // with answers) and kept their token states, so the cluster stage, which clusters question
    // and answer together on a desk with answers, embedded nothing again; no question's token
    // states were kept (only the question-only method matches questions' tokens).
    let pairs: Vec<(String, String)> = sqlx::query_as("SELECT answer, kind FROM qa_pairs").fetch_all(store.pool()).await.unwrap();
    let answer_texts: std::collections::HashSet<String> = pairs
        .iter()
        .filter_map(|(a, k)| kbforge::embed::answer_input(kbforge::kind::Kind::parse(k), a))
        .map(|a| format!("query: {a}"))
        .collect();
    let (states,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM token_states").fetch_one(store.pool()).await.unwrap();
    assert_eq!(states as usize, answer_texts.len(), "the distinct answers' token states, and no question's");
    let answers = jobs.iter().flat_map(|(_, _, texts): &(String, i64, Vec<String>)| texts.iter()).filter(|t| answer_texts.contains(*t)).count();
    assert!(answers > 0, "no answer went through the queue");
    let rows: Vec<(String, Vec<u8>)> = sqlx::query_as("SELECT text_hash, vector FROM embeddings").fetch_all(store.pool()).await.unwrap();
    let vectors = rows.into_iter().map(|(h, v)| (h, kbforge::store::vector_from_bytes(&v))).collect();
    let members: Vec<(String, String)> =
        sqlx::query_as("SELECT cluster_id, ticket_id FROM cluster_members ORDER BY cluster_id, ticket_id").fetch_all(store.pool()).await.unwrap();
    let mut by_cluster: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (c, t) in members {
        by_cluster.entry(c).or_default().push(t);
    }
    let mut partition: Vec<Vec<String>> = by_cluster.into_values().collect();
    partition.sort();
    store.close().await;
    common::drop_postgres_schema(&admin, &schema).await;
    let prompts = llm_prompts(&llm).await;
    let kb = kb_files(&ws.join("kb"));
    Some(Outcome { jobs, draft_jobs, prompts, kb, vectors, partition })
}

#[tokio::test(flavor = "multi_thread")]
async fn two_workers_share_the_queue_and_match_one() {
    let Some(two) = run_with(&["w1", "w2"], "kbf_workers2").await else { return };
    let Some(one) = run_with(&["solo"], "kbf_workers1").await else { return };

    // No job twice, no text in two jobs, every job done at the first attempt.
    let mut seen = HashSet::new();
    for (w, attempts, texts) in &two.jobs {
        assert_eq!(*attempts, 1, "a job was claimed twice (last by {w})");
        for t in texts {
            assert!(seen.insert(t.clone()), "`{t}` was embedded by two jobs");
        }
    }
    assert!(two.jobs.len() >= 10, "too few jobs to share: {}", two.jobs.len());
    let by: HashSet<&str> = two.jobs.iter().map(|(w, _, _)| w.as_str()).collect();
    assert_eq!(by, HashSet::from(["w1", "w2"]), "both workers must take jobs");
    assert_eq!(seen.len(), two.vectors.len(), "one vector per distinct question");

    // The same work as one worker's, with the same result.
    assert_eq!(two.jobs.len(), one.jobs.len());
    assert_eq!(two.vectors.keys().collect::<Vec<_>>(), one.vectors.keys().collect::<Vec<_>>());
    for (h, v) in &two.vectors {
        let cos: f32 = v.iter().zip(&one.vectors[h]).map(|(a, b)| a * b).sum();
        assert!(cos > 0.99999, "vector {h} differs: cosine {cos}");
    }
    assert_eq!(two.partition, one.partition, "clusters differ between one and two workers");
    assert!(two.partition.len() >= 5);

    // Drafting: one job per request, each claimed once, each request sent to the model once, both
    // workers taking part; the drafts equal one worker's, every one written by the model.
    let hashes: HashSet<&String> = two.draft_jobs.iter().map(|(_, _, h)| h).collect();
    assert_eq!(hashes.len(), two.draft_jobs.len(), "a request in two jobs");
    assert!(two.draft_jobs.iter().all(|(_, attempts, _)| *attempts == 1), "a draft job was claimed twice");
    assert_eq!(two.prompts.len(), two.draft_jobs.len(), "a request was sent to the model twice");
    assert_eq!(two.prompts.iter().collect::<HashSet<_>>().len(), two.prompts.len());
    let by: HashSet<&str> = two.draft_jobs.iter().map(|(w, _, _)| w.as_str()).collect();
    assert_eq!(by, HashSet::from(["w1", "w2"]), "both workers must draft");
    assert_eq!(two.draft_jobs.len(), two.kb.len(), "one request per draft");
    assert!(two.kb.len() >= 4, "too few drafts: {}", two.kb.len());
    assert!(two.kb.values().all(|t| t.contains("drafted_by: test-model") && t.contains("Ответ модели на вопрос")));
    assert_eq!(two.kb, one.kb, "drafts differ between one and two workers");
}
