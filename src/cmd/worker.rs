use std::path::Path;
use std::time::{Duration, Instant};

use crate::cli::WorkerArgs;
use crate::embed::Embedder;
use crate::store::Store;

use super::Outcome;

/// `kbforge worker`: claims jobs from the queue until stopped (or, with --exit-when-empty, until
/// none is left), one at a time.
pub async fn run(workspace: Option<&Path>, args: &WorkerArgs) -> anyhow::Result<Outcome> {
    let ws = super::workspace(workspace)?;
    let store = Store::open(&ws.store_url()).await?;
    let mut config = ws.config.queue.clone();
    config.enabled = true;
    crate::queue::check(&store, &config)?;
    let name = args.name.clone().unwrap_or_else(crate::queue::worker_name);
    let embedder = Embedder::load(&ws.config.embed, &ws.root)?;
    tracing::info!(worker = name.as_str(), model = embedder.model_id(), "worker ready");
    let lease = Duration::from_secs(config.lease_secs.max(1));
    let mut done = 0usize;
    let mut idle_since = Instant::now();
    loop {
        match crate::queue::claim(&store, &name).await? {
            Some(job) if job.kind == "embed" => {
                crate::embed::jobs::work(&store, &embedder, &job, &name).await?;
                done += 1;
                idle_since = Instant::now();
            }
            Some(job) => {
                crate::queue::fail(&store, job.id, &name, &format!("this worker does not know jobs of kind `{}`", job.kind)).await?;
            }
            None => {
                if args.exit_when_empty {
                    break;
                }
                if idle_since.elapsed() > lease / 4 {
                    crate::queue::requeue_stale(&store, lease).await?;
                    idle_since = Instant::now();
                }
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(250)) => {}
                    _ = tokio::signal::ctrl_c() => break,
                }
            }
        }
    }
    println!("worker {name}: {done} jobs done");
    Ok(Outcome::Success)
}
