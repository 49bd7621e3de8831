//! `kbforge eval retrieve <labelled.jsonl>`: the bot index judged on questions labelled with the
//! article that answers them.
//!
//! Entry point: [`eval_retrieve`]. Every question goes through the same search `/api/search`
//! serves (the workspace's published index, its audience, its ranking, the query embedded by the
//! loaded model), asking for the top 10; the rank of the labelled article gives hit@1, @3, @5 and
//! MRR@10, and the time of each search its median.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;

use crate::embed::Embedder;
use crate::kb::Audience;
use crate::store::Store;
use crate::workspace::Workspace;

/// One labelled question.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Labelled {
    pub question: String,
    pub article: String,
}

/// The result of `kbforge eval retrieve`.
#[derive(Debug, Clone, Serialize)]
pub struct RetrieveEval {
    pub hit_at_1: f64,
    pub hit_at_3: f64,
    pub hit_at_5: f64,
    pub mrr_at_10: f64,
    pub questions: usize,
    /// Median time of one search (embedding included), milliseconds.
    pub p50_ms: f64,
    /// Labelled articles the index does not hold (their questions count as misses).
    pub unknown_articles: usize,
    /// Questions whose article was not first: question, labelled article, first hit.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub misses: Vec<(String, String, String)>,
}

/// Reads `{"question", "article"}` lines, naming the file and line of a bad one.
pub fn read_labelled(path: &Path) -> anyhow::Result<Vec<Labelled>> {
    let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read `{}`: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let item: Labelled = serde_json::from_str(line).map_err(|e| anyhow::anyhow!("`{}` line {}: {e}", path.display(), i + 1))?;
        out.push(item);
    }
    Ok(out)
}

/// Searches every labelled question as the API does and scores the ranks.
pub async fn eval_retrieve(ws: &Workspace, store: &Store, embedder: &Embedder, items: &[Labelled], audience: Audience) -> anyhow::Result<RetrieveEval> {
    let known: std::collections::HashSet<String> = crate::kb::load_all(&ws.kb_dir()).0.into_iter().map(|a| a.front.id).collect();
    let mut ranks = Vec::with_capacity(items.len());
    let mut times = Vec::with_capacity(items.len());
    let mut misses = Vec::new();
    let filters = crate::publish::index::SearchFilters::default();
    let searcher = crate::publish::index::search::Searcher::new(ws.config.index.clone(), &ws.root);
    for item in items {
        let started = Instant::now();
        let prepared = crate::publish::index::prepare(store, embedder, &item.question).await?;
        let hits = searcher.search(&prepared, 10, audience, &filters).await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        let rank = hits.iter().position(|h| h.article_id == item.article);
        if rank != Some(0) {
            misses.push((item.question.clone(), item.article.clone(), hits.first().map(|h| h.article_id.clone()).unwrap_or_default()));
        }
        ranks.push(rank);
    }
    times.sort_by(f64::total_cmp);
    let n = items.len().max(1) as f64;
    let hit = |k: usize| ranks.iter().filter(|r| r.is_some_and(|r| r < k)).count() as f64 / n;
    Ok(RetrieveEval {
        hit_at_1: hit(1),
        hit_at_3: hit(3),
        hit_at_5: hit(5),
        mrr_at_10: ranks.iter().map(|r| r.map_or(0.0, |r| 1.0 / (r as f64 + 1.0))).sum::<f64>() / n,
        questions: items.len(),
        p50_ms: times.get(times.len() / 2).copied().unwrap_or(0.0),
        unknown_articles: items.iter().filter(|i| !known.contains(&i.article)).map(|i| &i.article).collect::<std::collections::HashSet<_>>().len(),
        misses,
    })
}
