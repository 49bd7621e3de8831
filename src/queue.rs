//! The job queue: work that several `kbforge worker` processes (on one machine or many) share,
//! in the `jobs` table of a Postgres store.
//!
//! A stage that has a lot of independent work (the embed stage: texts not in the cache; the draft
//! stage: requests to the language model) splits it into jobs of one batch and enqueues them;
//! workers claim one job at a time with `FOR UPDATE SKIP LOCKED`, so two workers never take the
//! same job, and a job's effect (vectors, or a drafted body, in their cache) is written in the same
//! transaction that marks it done, so it takes effect once. The stage works through its own batch
//! too (unless `work-in-runner = false`) and returns when the batch is done ([`drive`]). A job
//! whose worker died is handed out again after its lease (`lease-secs`).

use std::time::Duration;

use serde::Deserialize;

use crate::store::{Backend, Store};

/// `[queue]`
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct QueueConfig {
    /// Share the embedding and drafting work with `kbforge worker` processes through the store.
    /// Needs Postgres.
    /// Default: false (the stage does all the work itself).
    pub enabled: bool,
    /// Texts per job. Default: 256.
    pub job_size: usize,
    /// A job claimed longer ago than this is handed out again (its worker is presumed dead).
    /// Default: 600.
    pub lease_secs: u64,
    /// Whether the process running the stage also works on the queue. Default: true.
    pub work_in_runner: bool,
}

impl Default for QueueConfig {
    fn default() -> Self {
        QueueConfig { enabled: false, job_size: 256, lease_secs: 600, work_in_runner: true }
    }
}

/// A claimed job.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: i64,
    pub batch: String,
    pub kind: String,
    pub payload: String,
}

/// Jobs of one batch by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchState {
    pub pending: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
}

impl BatchState {
    pub fn finished(&self) -> bool {
        self.pending == 0 && self.running == 0
    }
}

/// Checks that the queue can run on this store.
pub fn check(store: &Store, config: &QueueConfig) -> anyhow::Result<()> {
    if config.enabled && store.backend() != Backend::Postgres {
        anyhow::bail!(
            "kbforge.toml [queue] enabled = true needs a Postgres store ([store] url = \"postgres://…\"): \
             workers on other machines cannot share a SQLite file"
        );
    }
    Ok(())
}

/// A name for this worker: host and pid.
pub fn worker_name() -> String {
    format!("{}:{}", hostname(), std::process::id())
}

/// Finished jobs are kept this long (who did what, what failed, for a look after a run), then deleted.
const KEEP_DONE: chrono::TimeDelta = chrono::TimeDelta::days(7);

/// Enqueues one job per payload under `batch`, and deletes the finished jobs older than a week.
pub async fn enqueue(store: &Store, batch: &str, kind: &str, payloads: &[String]) -> Result<(), sqlx::Error> {
    let now = crate::store::now();
    let cutoff = (chrono::Utc::now() - KEEP_DONE).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut tx = store.pool().begin().await?;
    sqlx::query("DELETE FROM jobs WHERE (state = 'done' AND done_at < $1) OR (state IN ('failed', 'cancelled') AND created_at < $1)")
        .bind(cutoff)
        .execute(&mut *tx)
        .await?;
    for chunk in payloads.chunks(crate::store::rows_per_statement(5)) {
        let sql = format!(
            "INSERT INTO jobs (batch, kind, payload, state, created_at) VALUES {}",
            crate::store::values_rows(chunk.len(), 5)
        );
        let mut q = sqlx::query(&sql);
        for p in chunk {
            q = q.bind(batch).bind(kind).bind(p).bind("pending").bind(&now);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await
}

/// Claims the oldest pending job, or none. Postgres skips rows other workers hold locked, so
/// concurrent claims never return the same job.
pub async fn claim(store: &Store, worker: &str) -> Result<Option<Job>, sqlx::Error> {
    claim_where(store, worker, None).await
}

/// Claims the oldest pending job of one batch: a stage working on the queue takes only its own
/// jobs (another pipeline's may be of a kind it cannot do).
pub async fn claim_in(store: &Store, worker: &str, batch: &str) -> Result<Option<Job>, sqlx::Error> {
    claim_where(store, worker, Some(batch)).await
}

async fn claim_where(store: &Store, worker: &str, batch: Option<&str>) -> Result<Option<Job>, sqlx::Error> {
    let lock = if store.backend() == Backend::Postgres { "FOR UPDATE SKIP LOCKED" } else { "" };
    let only = if batch.is_some() { "AND batch = $3" } else { "" };
    let sql = format!(
        "UPDATE jobs SET state = 'running', worker = $1, attempts = attempts + 1, claimed_at = $2
         WHERE id = (SELECT id FROM jobs WHERE state = 'pending' {only} ORDER BY id LIMIT 1 {lock})
         RETURNING id, batch, kind, payload"
    );
    let mut q = sqlx::query_as(&sql).bind(worker).bind(crate::store::now());
    if let Some(batch) = batch {
        q = q.bind(batch);
    }
    let row: Option<(i64, String, String, String)> = q.fetch_optional(store.pool()).await?;
    Ok(row.map(|(id, batch, kind, payload)| Job { id, batch, kind, payload }))
}

/// The pipeline run this process is doing (0: none), named in its batches so that the run after a
/// crash can withdraw what the dead run left pending ([`cancel_run`]).
static RUN: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

pub fn set_run(run: i64) {
    RUN.store(run, std::sync::atomic::Ordering::Relaxed);
}

/// A new batch name for a stage's jobs: kind, run, host, pid and time.
pub fn new_batch(kind: &str) -> String {
    let run = match RUN.load(std::sync::atomic::Ordering::Relaxed) {
        0 => String::new(),
        id => format!("run-{id}:"),
    };
    format!("{kind}:{run}{}:{}", worker_name(), chrono::Utc::now().timestamp_millis())
}

/// Withdraws the pending jobs of an interrupted run: its stage is gone and will not wait for them,
/// and the next run enqueues what is still missing itself. (Jobs a worker holds finish; their
/// effect is kept.)
pub async fn cancel_run(store: &Store, run: i64) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("UPDATE jobs SET state = 'cancelled', error = $2 WHERE state = 'pending' AND batch LIKE $1")
        .bind(format!("%:run-{run}:%"))
        .bind(format!("run #{run} was interrupted"))
        .execute(store.pool())
        .await?
        .rows_affected())
}

/// How a batch ended: its jobs by state and who did them.
#[derive(Debug, Clone, Default)]
pub struct BatchOutcome {
    pub state: BatchState,
    /// (worker, jobs done).
    pub workers: Vec<(String, i64)>,
}

impl BatchOutcome {
    /// "w1: 3, w2: 4", for a stage's summary.
    pub fn workers_summary(&self) -> String {
        self.workers.iter().map(|(w, n)| format!("{w}: {n}")).collect::<Vec<_>>().join(", ")
    }
}

/// Enqueues `payloads` as one batch of `kind` jobs and returns when every job of it is done or
/// has failed three times. Unless `work-in-runner = false`, this process works on the batch
/// itself with `work`, up to `in_flight` jobs at once (1 for work that keeps the cores busy, more
/// for work that waits on a remote model); stale leases are handed out again while it waits.
pub async fn drive<F, Fut>(store: &Store, kind: &str, payloads: &[String], config: &QueueConfig, in_flight: usize, work: F) -> anyhow::Result<BatchOutcome>
where
    F: Fn(Job) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    use futures_util::stream::{FuturesUnordered, StreamExt};

    let batch = new_batch(kind);
    enqueue(store, &batch, kind, payloads).await?;
    tracing::info!(batch = batch.as_str(), jobs = payloads.len(), "{kind} jobs enqueued");
    let me = worker_name();
    let lease = Duration::from_secs(config.lease_secs.max(1));
    let mut last_requeue = std::time::Instant::now();
    let mut last_progress = std::time::Instant::now();
    let mut running = FuturesUnordered::new();
    let state = loop {
        if config.work_in_runner && running.len() < in_flight.max(1) {
            if let Some(job) = claim_in(store, &me, &batch).await? {
                running.push(work(job));
                continue;
            }
        }
        if let Some(done) = running.next().await {
            done?;
            continue;
        }
        let state = batch_state(store, &batch).await?;
        if state.finished() {
            break state;
        }
        if last_progress.elapsed() > Duration::from_secs(30) {
            // Nothing moves without workers when the stage does not work itself: say so.
            tracing::info!(
                batch = batch.as_str(),
                "{kind} jobs: {} done, {} running, {} pending; waiting for `kbforge worker` processes",
                state.done,
                state.running,
                state.pending
            );
            last_progress = std::time::Instant::now();
        }
        if last_requeue.elapsed() > lease / 4 {
            requeue_stale(store, lease).await?;
            last_requeue = std::time::Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    Ok(BatchOutcome { state, workers: batch_workers(store, &batch).await? })
}

/// Marks a job done inside the caller's transaction (which also wrote its effect). Returns false if
/// the job was no longer this worker's (its lease ran out and another worker took it): the caller
/// must then roll back.
pub async fn complete(tx: &mut sqlx::Transaction<'_, sqlx::Any>, job: i64, worker: &str, result: &str) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "UPDATE jobs SET state = 'done', result = $3, done_at = $4 WHERE id = $1 AND worker = $2 AND state = 'running'",
    )
    .bind(job)
    .bind(worker)
    .bind(result)
    .bind(crate::store::now())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Records a failed attempt: the job goes back to pending, or to failed after three attempts.
pub async fn fail(store: &Store, job: i64, worker: &str, error: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE jobs SET state = CASE WHEN attempts >= 3 THEN 'failed' ELSE 'pending' END, error = $3
         WHERE id = $1 AND worker = $2 AND state = 'running'",
    )
    .bind(job)
    .bind(worker)
    .bind(error)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Hands out again the jobs claimed more than `lease` ago.
pub async fn requeue_stale(store: &Store, lease: Duration) -> Result<u64, sqlx::Error> {
    let cutoff = chrono::Utc::now() - chrono::Duration::from_std(lease).unwrap_or_default();
    let cutoff = cutoff.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let n = sqlx::query("UPDATE jobs SET state = 'pending' WHERE state = 'running' AND claimed_at < $1")
        .bind(cutoff)
        .execute(store.pool())
        .await?
        .rows_affected();
    if n > 0 {
        tracing::warn!(jobs = n, "handed out again jobs whose worker stopped answering");
    }
    Ok(n)
}

pub async fn batch_state(store: &Store, batch: &str) -> Result<BatchState, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as("SELECT state, COUNT(*) FROM jobs WHERE batch = $1 GROUP BY state")
        .bind(batch)
        .fetch_all(store.pool())
        .await?;
    let mut s = BatchState::default();
    for (state, n) in rows {
        match state.as_str() {
            "pending" => s.pending = n,
            "running" => s.running = n,
            "done" => s.done = n,
            _ => s.failed += n,
        }
    }
    Ok(s)
}

/// Who did the jobs of a batch: (worker, jobs done), for the stage's summary and the tests.
pub async fn batch_workers(store: &Store, batch: &str) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT worker, COUNT(*) FROM jobs WHERE batch = $1 AND state = 'done' GROUP BY worker ORDER BY worker")
        .bind(batch)
        .fetch_all(store.pool())
        .await
}

/// This machine's name, as the queue and the pipeline lock record who holds a job or a lock.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

