use std::path::Path;
use std::time::{Duration, Instant};

use crate::cli::WorkerArgs;
use crate::draft::llm;
use crate::embed::Embedder;
use crate::queue::Job;
use crate::store::Store;
use crate::workspace::Workspace;

use super::Outcome;

/// `kbforge worker`: claims jobs from the queue until stopped (or, with --exit-when-empty, until
/// none is left). Embed jobs keep the cores busy and run one at a time; draft jobs wait on the
/// language model, and up to `[draft.llm] concurrency` of them are in flight at once. The
/// embedding model is loaded at the first embed job, the model's endpoint set up at the first
/// draft job, so a worker needs only what its jobs do.
pub async fn run(workspace: Option<&Path>, args: &WorkerArgs) -> anyhow::Result<Outcome> {
    use futures_util::stream::{FuturesUnordered, StreamExt};

    let ws = super::workspace(workspace)?;
    let store = Store::open(&ws.store_url()).await?;
    let mut config = ws.config.queue.clone();
    config.enabled = true;
    crate::queue::check(&store, &config)?;
    let name = args.name.clone().unwrap_or_else(crate::queue::worker_name);
    tracing::info!(worker = name.as_str(), "worker ready");
    let lease = Duration::from_secs(config.lease_secs.max(1));
    let in_flight = ws.config.draft.llm.concurrency.max(1);
    let mut tools = Tools { ws: &ws, embedder: None, llm: None };
    let mut drafting = FuturesUnordered::new();
    let mut done = 0usize;
    let mut idle_since = Instant::now();
    loop {
        if drafting.len() >= in_flight {
            drafting.next().await.expect("a draft job in flight")?;
            done += 1;
            continue;
        }
        match crate::queue::claim(&store, &name).await? {
            Some(job) if job.kind == "draft" => {
                idle_since = Instant::now();
                match tools.llm() {
                    Ok(client) => {
                        let (store, name) = (&store, name.as_str());
                        drafting.push(async move { llm::work(store, &client, &job, name).await });
                    }
                    Err(e) => crate::queue::fail(&store, job.id, &name, &e).await?,
                }
            }
            Some(job) => {
                tools.work(&store, &job, &name).await?;
                done += 1;
                idle_since = Instant::now();
            }
            None if !drafting.is_empty() => {
                drafting.next().await.expect("a draft job in flight")?;
                done += 1;
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

/// What the jobs need, set up at the first job that needs it.
struct Tools<'a> {
    ws: &'a Workspace,
    embedder: Option<Embedder>,
    llm: Option<Result<llm::Client, String>>,
}

impl Tools<'_> {
    /// The language model's client, or why this worker has none.
    fn llm(&mut self) -> Result<llm::Client, String> {
        self.llm.get_or_insert_with(|| llm::Client::endpoint(&self.ws.config.draft.llm).map_err(|e| format!("{e:#}"))).clone()
    }

    /// Does an embed job, or fails a job of a kind this worker does not know.
    async fn work(&mut self, store: &Store, job: &Job, me: &str) -> anyhow::Result<()> {
        match job.kind.as_str() {
            "embed" => {
                if self.embedder.is_none() {
                    self.embedder = Some(Embedder::load(&self.ws.config.embed, &self.ws.root)?);
                }
                crate::embed::jobs::work(store, self.embedder.as_ref().expect("loaded"), job, me).await
            }
            other => Ok(crate::queue::fail(store, job.id, me, &format!("this worker does not know jobs of kind `{other}`")).await?),
        }
    }
}
