//! Queries embedded together: a server answering many clients at once embeds their queries in
//! micro-batches, and answers a query it has seen lately from a small cache.
//!
//! Entry point: [`QueryBatcher::embed`]. One thread owns the model's calls: it takes the first
//! waiting query, then every other query already waiting (up to [`MAX_BATCH`]), and embeds them in
//! one call. Nothing waits on purpose: an idle server embeds a lone query at once, a busy one gets
//! batches as large as its queue (ONNX Runtime spends far less per text in a batch than one by one).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use super::Embedder;

/// Most queries in one model call.
pub const MAX_BATCH: usize = 16;
/// Queries whose vectors are kept.
const CACHE: usize = 4096;

type Reply = tokio::sync::oneshot::Sender<Result<Vec<f32>, String>>;

/// Embeds queries (prefix applied by the caller) in micro-batches, with a cache.
pub struct QueryBatcher {
    tx: std::sync::mpsc::Sender<(String, Reply)>,
    cache: Mutex<Cache>,
}

#[derive(Default)]
struct Cache {
    vectors: HashMap<String, Arc<Vec<f32>>>,
    order: VecDeque<String>,
}

impl Cache {
    fn get(&self, text: &str) -> Option<Arc<Vec<f32>>> {
        self.vectors.get(text).cloned()
    }

    fn put(&mut self, text: String, vector: Arc<Vec<f32>>) {
        if self.vectors.insert(text.clone(), vector).is_none() {
            self.order.push_back(text);
            while self.order.len() > CACHE {
                if let Some(old) = self.order.pop_front() {
                    self.vectors.remove(&old);
                }
            }
        }
    }
}

impl QueryBatcher {
    /// Starts the thread that owns the model's calls.
    pub fn new(embedder: Arc<Embedder>) -> QueryBatcher {
        let (tx, rx) = std::sync::mpsc::channel::<(String, Reply)>();
        std::thread::Builder::new()
            .name("kbforge-query-embed".into())
            .spawn(move || {
                while let Ok(first) = rx.recv() {
                    let mut batch = vec![first];
                    while batch.len() < MAX_BATCH {
                        match rx.try_recv() {
                            Ok(next) => batch.push(next),
                            Err(_) => break,
                        }
                    }
                    let texts: Vec<String> = batch.iter().map(|(t, _)| t.clone()).collect();
                    match embedder.embed_quiet(&texts) {
                        Ok(vectors) => {
                            for ((_, reply), v) in batch.into_iter().zip(vectors) {
                                let _ = reply.send(Ok(v));
                            }
                        }
                        Err(e) => {
                            for (_, reply) in batch {
                                let _ = reply.send(Err(e.to_string()));
                            }
                        }
                    }
                }
            })
            .expect("spawn the query embedding thread");
        QueryBatcher { tx, cache: Mutex::new(Cache::default()) }
    }

    /// The vector of one query text (prefix included).
    pub async fn embed(&self, text: &str) -> anyhow::Result<Arc<Vec<f32>>> {
        if let Some(v) = self.cache.lock().unwrap_or_else(|e| e.into_inner()).get(text) {
            return Ok(v);
        }
        let (reply, wait) = tokio::sync::oneshot::channel();
        self.tx.send((text.to_string(), reply)).map_err(|_| anyhow::anyhow!("the query embedding thread stopped"))?;
        let vector = Arc::new(wait.await.map_err(|_| anyhow::anyhow!("the query embedding thread stopped"))?.map_err(|e| anyhow::anyhow!(e))?);
        self.cache.lock().unwrap_or_else(|e| e.into_inner()).put(text.to_string(), vector.clone());
        Ok(vector)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_keeps_the_latest() {
        let mut c = Cache::default();
        for i in 0..CACHE + 10 {
            c.put(i.to_string(), Arc::new(vec![i as f32]));
        }
        assert!(c.get("0").is_none());
        assert_eq!(c.get(&(CACHE + 9).to_string()).unwrap()[0], (CACHE + 9) as f32);
        assert_eq!(c.vectors.len(), CACHE);
    }
}
