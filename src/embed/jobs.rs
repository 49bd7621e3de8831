//! Embedding through the job queue ([`crate::queue`]): the stage enqueues the texts missing from
//! the cache in jobs of `job-size`, works on the queue itself unless told not to, and returns when
//! every job of its batch is done. [`work`] is what any worker does with an embed job: embed the
//! texts, then write the vectors and mark the job done in one transaction.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{insert_vectors, text_hash, Embedder};
use crate::queue::{self, Job, QueueConfig};
use crate::store::Store;

#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    model: String,
    texts: Vec<String>,
}

/// Runs `missing` through the queue; returns who did the jobs (worker, jobs).
pub async fn embed_through_queue(
    store: &Store,
    embedder: &Embedder,
    missing: &[String],
    config: &QueueConfig,
) -> anyhow::Result<Vec<(String, i64)>> {
    let batch = format!("embed:{}:{}", queue::worker_name(), chrono::Utc::now().timestamp_millis());
    let payloads: Vec<String> = missing
        .chunks(config.job_size.max(1))
        .map(|texts| serde_json::to_string(&Payload { model: embedder.model_id().to_string(), texts: texts.to_vec() }))
        .collect::<Result<_, _>>()?;
    queue::enqueue(store, &batch, "embed", &payloads).await?;
    tracing::info!(batch = batch.as_str(), jobs = payloads.len(), texts = missing.len(), "embedding jobs enqueued");
    let me = queue::worker_name();
    let lease = Duration::from_secs(config.lease_secs.max(1));
    let mut last_requeue = Instant::now();
    loop {
        if config.work_in_runner {
            if let Some(job) = queue::claim(store, &me).await? {
                work(store, embedder, &job, &me).await?;
                continue;
            }
        }
        let state = queue::batch_state(store, &batch).await?;
        if state.finished() {
            if state.failed > 0 {
                anyhow::bail!("{} of the batch's embedding jobs failed three times: see the `jobs` table, batch `{batch}`", state.failed);
            }
            break;
        }
        if last_requeue.elapsed() > lease / 4 {
            queue::requeue_stale(store, lease).await?;
            last_requeue = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(queue::batch_workers(store, &batch).await?)
}

/// Does one claimed job. A job for another model, or one the model fails on, is recorded as a
/// failed attempt.
pub async fn work(store: &Store, embedder: &Embedder, job: &Job, worker: &str) -> anyhow::Result<()> {
    let result = async {
        let payload: Payload = serde_json::from_str(&job.payload)?;
        if payload.model != embedder.model_id() {
            anyhow::bail!("job #{} is for model `{}`, this worker has `{}`", job.id, payload.model, embedder.model_id());
        }
        let vectors = tokio::task::block_in_place(|| embedder.embed(&payload.texts))?;
        let hashes: Vec<String> = payload.texts.iter().map(|t| text_hash(t)).collect();
        let mut tx = store.pool().begin().await?;
        insert_vectors(&mut tx, embedder.model_id(), &hashes, &vectors).await?;
        if queue::complete(&mut tx, job.id, worker, &payload.texts.len().to_string()).await? {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
            tracing::warn!(job = job.id, "the job's lease ran out and another worker took it; this result is dropped");
        }
        Ok(())
    }
    .await;
    if let Err(e) = &result {
        tracing::warn!(job = job.id, "embedding job failed: {e:#}");
        queue::fail(store, job.id, worker, &format!("{e:#}")).await?;
    }
    Ok(())
}
