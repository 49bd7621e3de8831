//! Run history: every pipeline run and each of its stages, in the store (`runs`, `run_stages`).
//!
//! `kbforge runs list|show` read it, `--report-json` writes one run of it, and the Prometheus
//! metrics ([`super::metrics`]) are computed from it.

use serde::Serialize;

use crate::stage::StageReport;
use crate::store::Store;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    Running,
    Succeeded,
    /// Done, but some records went to the quarantine.
    CompletedWithRejects,
    Failed,
    /// Another run of the pipeline held the lock; this one did nothing.
    Skipped,
    /// The process stopped mid-run (killed, crashed); found and marked by the next run.
    Interrupted,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::CompletedWithRejects => "completed-with-rejects",
            RunStatus::Failed => "failed",
            RunStatus::Skipped => "skipped",
            RunStatus::Interrupted => "interrupted",
        }
    }
}

/// One run, as stored.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Run {
    pub id: i64,
    pub pipeline: String,
    pub status: String,
    pub started_at: String,
    pub finished_at: String,
    pub seconds: Option<f64>,
    pub host: String,
    pub pid: i64,
    pub error: String,
    pub stages: Vec<StageRecord>,
}

/// One stage of a run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StageRecord {
    pub stage: String,
    pub status: String,
    pub started_at: String,
    pub seconds: f64,
    pub processed: i64,
    pub written: i64,
    pub unchanged: i64,
    pub rejected: i64,
    /// The process's peak resident memory (high-water mark) when the stage ended, in MB.
    pub peak_rss_mb: f64,
    pub summary: String,
    pub error: String,
}

/// Run times keep milliseconds: a run that fails at once still shows how long it took.
fn now_ms() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Starts a run record; returns its id.
pub async fn begin(store: &Store, pipeline: &str) -> Result<i64, sqlx::Error> {
    let me = super::lock::Me::current();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO runs (pipeline, status, started_at, host, pid) VALUES ($1, 'running', $2, $3, $4) RETURNING id",
    )
    .bind(pipeline)
    .bind(now_ms())
    .bind(&me.host)
    .bind(me.pid)
    .fetch_one(store.pool())
    .await?;
    Ok(id)
}

/// Marks the other runs of `pipeline` still recorded as running as interrupted: the caller holds
/// the lock, so they cannot be running. Returns their ids.
pub async fn mark_interrupted(store: &Store, pipeline: &str, current: i64) -> Result<Vec<i64>, sqlx::Error> {
    let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM runs WHERE pipeline = $1 AND status = 'running' AND id <> $2")
        .bind(pipeline)
        .bind(current)
        .fetch_all(store.pool())
        .await?;
    for (id,) in &ids {
        sqlx::query("UPDATE runs SET status = 'interrupted', error = $2 WHERE id = $1")
            .bind(id)
            .bind("the process stopped before the run ended; the next run resumed its work")
            .execute(store.pool())
            .await?;
        sqlx::query("UPDATE run_stages SET status = 'interrupted' WHERE run_id = $1 AND status = 'running'")
            .bind(id)
            .execute(store.pool())
            .await?;
        let withdrawn = crate::queue::cancel_run(store, *id).await?;
        if withdrawn > 0 {
            tracing::warn!(run = id, jobs = withdrawn, "withdrew the queue jobs an interrupted run left pending");
        }
    }
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

pub async fn stage_started(store: &Store, run: i64, position: usize, stage: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO run_stages (run_id, position, stage, status, started_at) VALUES ($1, $2, $3, 'running', $4)",
    )
    .bind(run)
    .bind(position as i64)
    .bind(stage)
    .bind(now_ms())
    .execute(store.pool())
    .await?;
    Ok(())
}

pub async fn stage_done(store: &Store, run: i64, position: usize, r: &StageReport) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE run_stages SET status = 'done', elapsed_ms = $3, processed = $4, written = $5, unchanged = $6,
         rejected = $7, summary = $8, peak_rss_kb = $9 WHERE run_id = $1 AND position = $2",
    )
    .bind(run)
    .bind(position as i64)
    .bind(r.elapsed.as_millis() as i64)
    .bind(r.processed as i64)
    .bind(r.written as i64)
    .bind(r.unchanged as i64)
    .bind(r.rejected as i64)
    .bind(&r.summary)
    .bind(peak_rss_kb())
    .execute(store.pool())
    .await?;
    Ok(())
}

pub async fn stage_failed(store: &Store, run: i64, position: usize, elapsed_ms: u128, error: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE run_stages SET status = 'failed', elapsed_ms = $3, error = $4 WHERE run_id = $1 AND position = $2")
        .bind(run)
        .bind(position as i64)
        .bind(elapsed_ms as i64)
        .bind(error)
        .execute(store.pool())
        .await?;
    Ok(())
}

pub async fn finish(store: &Store, run: i64, status: RunStatus, error: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE runs SET status = $2, finished_at = $3, error = $4 WHERE id = $1")
        .bind(run)
        .bind(status.as_str())
        .bind(now_ms())
        .bind(error)
        .execute(store.pool())
        .await?;
    Ok(())
}

type RunRow = (i64, String, String, String, String, String, i64, String);
const RUN_COLUMNS: &str = "id, pipeline, status, started_at, finished_at, host, pid, error";

fn run_from_row(r: RunRow) -> Run {
    let (id, pipeline, status, started_at, finished_at, host, pid, error) = r;
    let seconds = match (
        chrono::DateTime::parse_from_rfc3339(&started_at),
        chrono::DateTime::parse_from_rfc3339(&finished_at),
    ) {
        (Ok(a), Ok(b)) => Some((b - a).num_milliseconds() as f64 / 1000.0),
        _ => None,
    };
    Run { id, pipeline, status, started_at, finished_at, seconds, host, pid, error, stages: Vec::new() }
}

/// The latest runs, newest first, without their stages; `pipeline` filters.
pub async fn list(store: &Store, pipeline: Option<&str>, limit: i64) -> Result<Vec<Run>, sqlx::Error> {
    let rows: Vec<RunRow> = match pipeline {
        Some(p) => {
            sqlx::query_as(&format!("SELECT {RUN_COLUMNS} FROM runs WHERE pipeline = $1 ORDER BY id DESC LIMIT $2"))
                .bind(p)
                .bind(limit)
                .fetch_all(store.pool())
                .await?
        }
        None => {
            sqlx::query_as(&format!("SELECT {RUN_COLUMNS} FROM runs ORDER BY id DESC LIMIT $1"))
                .bind(limit)
                .fetch_all(store.pool())
                .await?
        }
    };
    Ok(rows.into_iter().map(run_from_row).collect())
}

/// One run with its stages.
pub async fn show(store: &Store, id: i64) -> Result<Option<Run>, sqlx::Error> {
    let row: Option<RunRow> = sqlx::query_as(&format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = $1"))
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let mut run = run_from_row(row);
    run.stages = stages(store, id).await?;
    Ok(Some(run))
}

/// This process's peak resident memory so far (`VmHWM`), in KB; 0 where `/proc` has none.
pub fn peak_rss_kb() -> i64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("VmHWM:").and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())))
        .unwrap_or(0)
}

type StageRow = (String, String, String, i64, i64, i64, i64, i64, i64, String, String);

async fn stages(store: &Store, run: i64) -> Result<Vec<StageRecord>, sqlx::Error> {
    let rows: Vec<StageRow> = sqlx::query_as(
        "SELECT stage, status, started_at, elapsed_ms, processed, written, unchanged, rejected, peak_rss_kb, summary, error
         FROM run_stages WHERE run_id = $1 ORDER BY position",
    )
    .bind(run)
    .fetch_all(store.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(stage, status, started_at, ms, processed, written, unchanged, rejected, rss, summary, error)| StageRecord {
            stage,
            status,
            started_at,
            seconds: ms as f64 / 1000.0,
            processed,
            written,
            unchanged,
            rejected,
            peak_rss_mb: (rss as f64 / 1024.0 * 10.0).round() / 10.0,
            summary,
            error,
        })
        .collect())
}

/// The newest finished run of each pipeline (with stages), the newest success of each, and run
/// counts by pipeline and status: what the metrics report.
pub struct Latest {
    pub last: Vec<Run>,
    pub last_success: Vec<(String, String)>,
    pub running: Vec<String>,
    pub totals: Vec<(String, String, i64)>,
    /// The job queue: (kind, state, jobs); finished jobs are kept a week.
    pub queue: Vec<(String, String, i64)>,
}

pub async fn latest(store: &Store) -> Result<Latest, sqlx::Error> {
    let ids: Vec<(i64,)> = sqlx::query_as(
        "SELECT MAX(id) FROM runs WHERE status NOT IN ('running', 'skipped') GROUP BY pipeline ORDER BY 1",
    )
    .fetch_all(store.pool())
    .await?;
    let mut last = Vec::new();
    for (id,) in ids {
        if let Some(run) = show(store, id).await? {
            last.push(run);
        }
    }
    let last_success: Vec<(String, String)> = sqlx::query_as(
        "SELECT pipeline, MAX(finished_at) FROM runs WHERE status IN ('succeeded', 'completed-with-rejects')
         GROUP BY pipeline ORDER BY pipeline",
    )
    .fetch_all(store.pool())
    .await?;
    let running: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT pipeline FROM runs WHERE status = 'running' ORDER BY pipeline")
            .fetch_all(store.pool())
            .await?;
    let totals: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT pipeline, status, COUNT(*) FROM runs WHERE status <> 'running' GROUP BY pipeline, status
         ORDER BY pipeline, status",
    )
    .fetch_all(store.pool())
    .await?;
    let queue: Vec<(String, String, i64)> = sqlx::query_as("SELECT kind, state, COUNT(*) FROM jobs GROUP BY kind, state ORDER BY kind, state")
        .fetch_all(store.pool())
        .await?;
    Ok(Latest { last, last_success, running: running.into_iter().map(|(p,)| p).collect(), totals, queue })
}
