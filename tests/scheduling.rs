//! Scheduled runs: the run lock (exit code 4, on SQLite and Postgres), a dead holder's lock taken
//! over (and its queued jobs withdrawn), the run history (`kbforge runs`), `--report-json`, and the Prometheus metrics in a file and
//! at `/metrics`, for a run that fails and one that succeeds.

use crate::common;

use std::path::{Path, PathBuf};

use common::{copy_dir, fixture, kbforge, ok, stdout};
use kbforge::pipeline::{history, lock::RunLock};
use kbforge::store::Store;
use kbforge::workspace::Workspace;
use serde_json::Value;

/// Stages that need no model: the lock and the history are what is tested here.
const PIPELINE: &str = r#"
[pipeline]
name = "prep"
stages = ["ingest", "clean", "extract", "classify", "report"]

[ingest]
sources = [{ format = "omnidesk-export", path = "desk/omnidesk" }]
regulations = ["desk/regulations"]
"#;

fn workspace(store_url: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    copy_dir(&fixture("demo-small"), &ws.join("desk"));
    let store = store_url.map(|u| format!("[store]\nurl = \"{u}\"\n")).unwrap_or_default();
    std::fs::write(ws.join("kbforge.toml"), format!("{store}[site]\nlanguage = \"ru\"\n")).unwrap();
    std::fs::create_dir_all(ws.join("pipelines")).unwrap();
    std::fs::write(ws.join("pipelines/prep.toml"), PIPELINE).unwrap();
    (tmp, ws)
}

async fn open_store(ws: &Path) -> (Workspace, Store) {
    let w = Workspace::discover(ws).unwrap();
    let store = Store::open(&w.store_url()).await.unwrap();
    (w, store)
}

fn runs_json(ws: &Path) -> Vec<Value> {
    serde_json::from_str::<Value>(&ok(kbforge(ws, &["runs", "list", "--json"]))).unwrap().as_array().unwrap().clone()
}

/// While the lock is held (by a run record of this test process), `kbforge run` exits with 4, says
/// who holds it and is recorded as skipped; once released, the next run succeeds and marks the
/// holder's unfinished record interrupted.
async fn overlapping_run_is_refused(ws: &Path) {
    let (w, store) = open_store(ws).await;
    let holder = history::begin(&store, "prep").await.unwrap();
    let lock = RunLock::acquire(&store, &w.store_url(), "prep", holder).await.unwrap();

    let out = kbforge(ws, &["run", "pipelines/prep.toml"]);
    assert_eq!(out.status.code(), Some(4), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another run of pipeline `prep` is in progress") && err.contains(&format!("run #{holder}")), "{err}");
    assert!(!stdout(&out).contains("-> ingest"), "a refused run must not start a stage");
    assert_eq!(store.count("tickets").await.unwrap(), 0);

    lock.release().await.unwrap();
    let out = ok(kbforge(ws, &["run", "pipelines/prep.toml"]));
    assert!(out.contains(&format!("resumed after interrupted run #{holder}")), "{out}");
    let statuses: Vec<String> = runs_json(ws).iter().map(|r| r["status"].as_str().unwrap().to_string()).collect();
    assert_eq!(statuses, ["succeeded", "skipped", "interrupted"]);
    assert!(store.count("tickets").await.unwrap() > 0);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn overlapping_runs_are_refused_on_sqlite() {
    let (_tmp, ws) = workspace(None);
    overlapping_run_is_refused(&ws).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn overlapping_runs_are_refused_on_postgres() {
    let Some((url, admin, schema)) = common::postgres_schema("kbf_lock").await else { return };
    let (_tmp, ws) = workspace(Some(&url));
    overlapping_run_is_refused(&ws).await;
    common::drop_postgres_schema(&admin, &schema).await;
}

/// A lock row left by a process that no longer exists (kill -9) does not block the next run.
#[tokio::test(flavor = "multi_thread")]
async fn a_dead_runs_lock_is_taken_over() {
    let (_tmp, ws) = workspace(None);
    let (_, store) = open_store(&ws).await;
    let dead = history::begin(&store, "prep").await.unwrap();
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id() as i64;
    child.wait().unwrap();
    sqlx::query("INSERT INTO run_locks (pipeline, run_id, host, pid, proc_start, heartbeat_at) VALUES ('prep', $1, $2, $3, '1', $4)")
        .bind(dead)
        .bind(kbforge::pipeline::lock::hostname())
        .bind(pid)
        .bind(kbforge::store::now())
        .execute(store.pool())
        .await
        .unwrap();
    // The dead run had queued jobs: two pending, one a worker holds; another stage's batch waits too.
    let dead_batch = format!("draft:run-{dead}:somehost:{pid}:1");
    let jobs = ["{}".to_string(), "{}".to_string(), "{}".to_string()];
    kbforge::queue::enqueue(&store, &dead_batch, "draft", &jobs).await.unwrap();
    kbforge::queue::enqueue(&store, "embed:otherhost:7:1", "embed", &jobs[..1]).await.unwrap();
    let held = kbforge::queue::claim_in(&store, "w1", &dead_batch).await.unwrap().unwrap();

    let out = ok(kbforge(&ws, &["run", "pipelines/prep.toml"]));
    assert!(out.contains(&format!("resumed after interrupted run #{dead}")), "{out}");
    let (locks,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM run_locks").fetch_one(store.pool()).await.unwrap();
    assert_eq!(locks, 0, "a finished run releases its lock");
    // Its pending jobs are withdrawn; the held one and the other batch's are left alone.
    let states: Vec<(i64, String, String)> = sqlx::query_as("SELECT id, batch, state FROM jobs ORDER BY id").fetch_all(store.pool()).await.unwrap();
    let of = |batch: &str, state: &str| states.iter().filter(|(_, b, s)| b == batch && s == state).count();
    assert_eq!(of(&dead_batch, "cancelled"), 2, "{states:?}");
    assert_eq!(states.iter().find(|(id, _, _)| *id == held.id).unwrap().2, "running");
    assert_eq!(of("embed:otherhost:7:1", "pending"), 1, "{states:?}");

    // A live holder on another host with a fresh heartbeat is respected…
    let other = history::begin(&store, "prep").await.unwrap();
    sqlx::query("INSERT INTO run_locks (pipeline, run_id, host, pid, proc_start, heartbeat_at) VALUES ('prep', $1, 'elsewhere', 1, '1', $2)")
        .bind(other)
        .bind(kbforge::store::now())
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(kbforge(&ws, &["run", "pipelines/prep.toml"]).status.code(), Some(4));
    // …until its heartbeat is older than five minutes.
    sqlx::query("UPDATE run_locks SET heartbeat_at = '2026-01-01T00:00:00Z'").execute(store.pool()).await.unwrap();
    ok(kbforge(&ws, &["run", "pipelines/prep.toml"]));
    store.close().await;
}

fn metric(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("no `{series}` in:\n{text}"))
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn history_report_json_and_metrics_follow_failure_and_success() {
    let (_tmp, ws) = workspace(None);
    // The source folder is missing: ingest fails, the run exits 1, and everything says so.
    std::fs::rename(ws.join("desk/omnidesk"), ws.join("desk/omnidesk-away")).unwrap();
    let out = kbforge(&ws, &["run", "pipelines/prep.toml", "--report-json", "out/run.json", "--metrics-file", "out/prep.prom"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("run #1 failed"), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(ws.join("out/run.json")).unwrap()).unwrap();
    assert_eq!(report["status"], "failed");
    assert_eq!(report["stages"][0]["stage"], "ingest");
    assert_eq!(report["stages"][0]["status"], "failed");
    assert!(report["stages"][0]["error"].as_str().unwrap().contains("omnidesk"), "{report}");
    assert_eq!(report["stages"].as_array().unwrap().len(), 1, "no stage runs after a failed one");
    let prom = std::fs::read_to_string(ws.join("out/prep.prom")).unwrap();
    assert_eq!(metric(&prom, "kbforge_last_run_success{pipeline=\"prep\"}"), 0.0);
    assert!(!prom.contains("kbforge_last_success_timestamp_seconds{"), "no success yet:\n{prom}");

    std::fs::rename(ws.join("desk/omnidesk-away"), ws.join("desk/omnidesk")).unwrap();
    ok(kbforge(&ws, &["run", "pipelines/prep.toml", "--report-json", "out/run.json", "--metrics-file", "out/prep.prom"]));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(ws.join("out/run.json")).unwrap()).unwrap();
    assert_eq!(report["id"], 2);
    assert_eq!(report["status"], "succeeded");
    let stages: Vec<&str> = report["stages"].as_array().unwrap().iter().map(|s| s["stage"].as_str().unwrap()).collect();
    assert_eq!(stages, ["ingest", "clean", "extract", "classify", "report"]);
    let ingest = &report["stages"][0];
    assert!(ingest["written"].as_i64().unwrap() > 20 && ingest["status"] == "done", "{ingest}");
    let prom = std::fs::read_to_string(ws.join("out/prep.prom")).unwrap();
    assert_eq!(metric(&prom, "kbforge_last_run_success{pipeline=\"prep\"}"), 1.0);
    assert_eq!(
        metric(&prom, "kbforge_last_run_stage_records{pipeline=\"prep\",stage=\"ingest\",outcome=\"written\"}"),
        ingest["written"].as_f64().unwrap()
    );
    assert!(metric(&prom, "kbforge_last_success_timestamp_seconds{pipeline=\"prep\"}") > 1.7e9);
    assert_eq!(metric(&prom, "kbforge_runs_total{pipeline=\"prep\",status=\"failed\"}"), 1.0);

    // `runs show` in both forms, and the same metrics from the review app.
    let shown = ok(kbforge(&ws, &["runs", "show", "1"]));
    assert!(shown.contains("run #1 of `prep`: failed") && shown.contains("ingest") && shown.contains("failed"), "{shown}");
    let latest: Value = serde_json::from_str(&ok(kbforge(&ws, &["runs", "show", "--json"]))).unwrap();
    assert_eq!(latest["id"], 2);
    assert_eq!(ok(kbforge(&ws, &["runs", "list"])).lines().count(), 3, "a header and two runs");
    assert_eq!(kbforge(&ws, &["runs", "show", "9"]).status.code(), Some(1));

    let (w, store) = open_store(&ws).await;
    let app = kbforge::serve::App::new(w, store);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, kbforge::serve::router(app)).await.unwrap() });
    let resp = reqwest::get(format!("http://{addr}/metrics")).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let served = resp.text().await.unwrap();
    assert_eq!(metric(&served, "kbforge_last_run_success{pipeline=\"prep\"}"), 1.0);
    assert_eq!(served, ok(kbforge(&ws, &["runs", "metrics"])));
}
