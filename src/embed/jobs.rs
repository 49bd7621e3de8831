//! Embedding through the job queue ([`crate::queue`]): the stage enqueues the texts missing from
//! the cache in jobs of `job-size`, works on the queue itself unless told not to, and returns when
//! every job of its batch is done. [`work`] is what any worker does with an embed job: embed the
//! texts, then write the vectors (and their token states, when the job asks for them) and mark
//! the job done in one transaction.

use serde::{Deserialize, Serialize};

use super::{insert_token_states, insert_vectors, Embedder};
use crate::hash::text_hash;
use crate::queue::{self, Job, QueueConfig};
use crate::store::Store;

#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    model: String,
    texts: Vec<String>,
    /// Keep the texts' token states too (the clustering matches tokens). Absent in jobs queued
    /// before token matching: vectors only.
    #[serde(default)]
    tokens: bool,
}

/// Runs `missing` through the queue; returns who did the jobs (worker, jobs).
pub async fn embed_through_queue(
    store: &Store,
    embedder: &Embedder,
    missing: &[String],
    config: &QueueConfig,
    tokens: bool,
) -> anyhow::Result<queue::BatchOutcome> {
    let payloads: Vec<String> = missing
        .chunks(config.job_size.max(1))
        .map(|texts| serde_json::to_string(&Payload { model: embedder.model_id().to_string(), texts: texts.to_vec(), tokens }))
        .collect::<Result<_, _>>()?;
    let me = queue::worker_name();
    let me = me.as_str();
    let outcome = queue::drive(store, "embed", &payloads, config, 1, |job| async move { work(store, embedder, &job, me).await }).await?;
    if outcome.state.failed > 0 {
        anyhow::bail!("{} of the stage's embedding jobs failed three times: see the `jobs` table", outcome.state.failed);
    }
    Ok(outcome)
}

/// Does one claimed job. A job for another model, or one the model fails on, is recorded as a
/// failed attempt.
pub async fn work(store: &Store, embedder: &Embedder, job: &Job, worker: &str) -> anyhow::Result<()> {
    let result = async {
        let payload: Payload = serde_json::from_str(&job.payload)?;
        if payload.model != embedder.model_id() {
            anyhow::bail!("job #{} is for model `{}`, this worker has `{}`", job.id, payload.model, embedder.model_id());
        }
        let hashes: Vec<String> = payload.texts.iter().map(|t| text_hash(t)).collect();
        let (vectors, states) = if payload.tokens {
            let got = tokio::task::block_in_place(|| embedder.embed_tokens(&payload.texts, &indicatif::ProgressBar::hidden()))?;
            got.into_iter().unzip()
        } else {
            (tokio::task::block_in_place(|| embedder.embed(&payload.texts))?, Vec::new())
        };
        let mut tx = store.pool().begin().await?;
        insert_vectors(&mut tx, embedder.model_id(), &hashes, &vectors).await?;
        if payload.tokens {
            insert_token_states(&mut tx, embedder.model_id(), &hashes, &states).await?;
        }
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
