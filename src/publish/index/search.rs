//! The bot's search: `/api/search`, `kbforge search` and `kbforge eval retrieve` all go through
//! [`Searcher::search`].
//!
//! Steps:
//! 1. **The query is cleaned as tickets are** ([`clean_query`]): quoted replies, signatures,
//!    greetings and thanks go, personal data is redacted, placeholders dropped; then it is embedded
//!    with the query prefix and weighed as BM25 terms.
//! 2. **Three signals** rank articles: the best of its question points (title and `also_asked`,
//!    embedded as queries: question to question), the best of its passage points (the whole
//!    article and its chunks, embedded as passages: question to answer), and the best BM25 score of
//!    its points. Each finds its best articles in the index ([`CANDIDATES`] of each).
//! 3. **Each candidate's signals exactly**: its own points, all three scores.
//! 4. **Fusion**: each signal is standardised over the candidates (z-score) and the three are
//!    added with equal weights. The signals live on different scales (question-to-question cosines
//!    run higher than question-to-passage ones, BM25 is unbounded), so ranks fused by position
//!    (RRF) or raw scores added both let one signal drown the others; standardised, none does, and
//!    no weight is tuned. Measured on four labelled sets, left out in turn (docs/BENCHMARKS.md).
//!
//! A hit carries the fused `score` (for ordering) and `similarity`, the raw cosine of its best
//! dense signal: how close the article is in absolute terms, which routing uses.
//!
//! Embedded shards are opened once and kept ([`Searcher`]); a new generation (`publish index`,
//! [`super::generation`]) is picked up on the next query.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use qdrant_edge::{
    Condition, FieldCondition, Filter, JsonPath, Match, NamedQuery, PointId, QueryEnum, QueryRequest, ScoringQuery, SparseVector,
    ValueVariants, VectorInternal, WithPayloadInterface, WithVector,
};

use super::generation::{self, Reading};
use super::{server, Hit, IndexConfig, SearchFilters, DENSE, SPARSE};
use crate::embed::{embed_cached, Embedder};
use crate::kb::Audience;
use crate::store::Store;

/// Articles each signal contributes as candidates.
pub const CANDIDATES: usize = 30;
/// Points asked of each signal's first pass (an article has several).
const FIRST_PASS: usize = 4 * CANDIDATES;

/// A query as the index sees it.
#[derive(Debug, Clone)]
pub struct PreparedQuery {
    /// The query cleaned as tickets are (what BM25 weighs; its embedding is `dense`).
    pub cleaned: String,
    pub dense: Vec<f32>,
}

/// A customer's turn sent in parts (a chat's messages, "Добрый день!", "Купила сертификат…", "Как
/// его активировать?") as one query: each part cleaned as a ticket's message is, and the parts
/// that ask something joined, as the extract stage reads a ticket's question
/// ([`crate::extract::asked`]). When no part does, every part, so the turn routes as the empty
/// request it is.
pub fn turn_query(messages: &[String]) -> String {
    let cleaned: Vec<String> = messages.iter().map(|m| crate::clean::clean_message(m).text).collect();
    crate::extract::asked(cleaned.iter().map(String::as_str)).unwrap_or_else(|| messages.iter().map(|m| m.trim()).collect::<Vec<_>>().join("\n"))
}

/// The query cleaned as tickets are cleaned, as the model should see it (see the module's step 1).
/// A query that cleans to nothing keeps its own words.
pub fn clean_query(raw: &str) -> String {
    let cleaned = crate::clean::for_embedding(&crate::clean::clean_message(raw).text);
    if cleaned.trim().is_empty() {
        raw.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        cleaned
    }
}

/// What to ask a collection for: a dense or a sparse nearest query, within point kinds and
/// articles.
enum Probe<'a> {
    Dense(&'a [f32]),
    Sparse(&'a (Vec<u32>, Vec<f32>)),
}

struct Scope<'a> {
    kinds: &'a [&'a str],
    articles: Option<&'a [String]>,
    filters: &'a SearchFilters,
}

/// A collection to search: an open embedded shard, or a server collection.
pub enum Collection {
    Edge(Arc<Reading>),
    Server(server::ServerCollection),
}

/// Points as a query returns them: score, id, and the two payload fields ranking needs.
type Scored = Vec<(f32, u64, serde_json::Map<String, serde_json::Value>)>;

/// The payload fields ranking reads; the rest is fetched for the hits only.
const RANKING_FIELDS: [&str; 2] = ["article_id", "kind"];

impl Collection {
    async fn nearest(&self, probe: Probe<'_>, scope: &Scope<'_>, limit: usize) -> anyhow::Result<Scored> {
        match self {
            Collection::Edge(reading) => {
                let reading = reading.clone();
                let filter = edge_filter(scope)?;
                let query = match probe {
                    Probe::Dense(v) => QueryEnum::Nearest(NamedQuery::new(VectorInternal::Dense(v.to_vec()), DENSE)),
                    Probe::Sparse((i, w)) => {
                        let sparse = SparseVector::new(i.clone(), w.clone()).map_err(|e| anyhow::anyhow!("sparse query: {e}"))?;
                        QueryEnum::Nearest(NamedQuery::new(VectorInternal::Sparse(sparse), SPARSE))
                    }
                };
                // The shard is in memory (mmap): a query is CPU work of a millisecond or so.
                let fields = RANKING_FIELDS.iter().map(|f| f.parse().map_err(|_| anyhow::anyhow!("bad field `{f}`"))).collect::<anyhow::Result<Vec<JsonPath>>>()?;
                let points = reading.shard.query(QueryRequest {
                    prefetches: vec![],
                    query: Some(ScoringQuery::Vector(query)),
                    filter,
                    score_threshold: None,
                    limit,
                    offset: 0,
                    params: None,
                    with_vector: WithVector::Bool(false),
                    with_payload: WithPayloadInterface::Fields(fields),
                })?;
                Ok(points
                    .into_iter()
                    .filter_map(|p| {
                        let PointId::NumId(id) = p.id else { return None };
                        p.payload.map(|payload| (p.score, id, payload.0.into_iter().collect()))
                    })
                    .collect())
            }
            Collection::Server(c) => {
                let (dense, sparse) = match probe {
                    Probe::Dense(v) => (Some(v.to_vec()), None),
                    Probe::Sparse(s) => (None, Some(s.clone())),
                };
                c.nearest(dense, sparse, scope.kinds, scope.articles, scope.filters, limit).await
            }
        }
    }

    /// The whole payloads of some points.
    async fn payloads(&self, ids: &[u64]) -> anyhow::Result<HashMap<u64, serde_json::Map<String, serde_json::Value>>> {
        match self {
            Collection::Edge(reading) => {
                let ids: Vec<PointId> = ids.iter().map(|&i| PointId::NumId(i)).collect();
                let records = reading.shard.retrieve(&ids, Some(WithPayloadInterface::Bool(true)), None)?;
                Ok(records
                    .into_iter()
                    .filter_map(|r| {
                        let PointId::NumId(id) = r.id else { return None };
                        r.payload.map(|p| (id, p.0.into_iter().collect()))
                    })
                    .collect())
            }
            Collection::Server(c) => c.payloads(ids).await,
        }
    }
}

fn keyword(key: &str, values: &[&str]) -> anyhow::Result<Condition> {
    let key: JsonPath = key.parse().map_err(|_| anyhow::anyhow!("bad field `{key}`"))?;
    let m = if values.len() == 1 {
        Match::new_value(ValueVariants::String(values[0].to_string()))
    } else {
        Match::new_any(serde_json::from_value(serde_json::json!(values))?)
    };
    Ok(Condition::Field(FieldCondition::new_match(key, m)))
}

fn edge_filter(scope: &Scope<'_>) -> anyhow::Result<Option<Filter>> {
    let mut must = Vec::new();
    if !scope.kinds.is_empty() {
        must.push(keyword("kind", scope.kinds)?);
    }
    if let Some(articles) = scope.articles {
        let ids: Vec<&str> = articles.iter().map(String::as_str).collect();
        must.push(keyword("article_id", &ids)?);
    }
    for (key, value) in [("topic", &scope.filters.topic), ("language", &scope.filters.language)] {
        if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
            must.push(keyword(key, &[v.as_str()])?);
        }
    }
    Ok((!must.is_empty()).then(|| Filter { must: Some(must), ..Default::default() }))
}

/// Point kinds: questions (title, `also_asked`), passages (the article, its chunks).
const QUESTION: &[&str] = &["question"];
const PASSAGE: &[&str] = &["article", "chunk"];

/// One candidate article's evidence.
#[derive(Default)]
struct Evidence {
    question: Option<f32>,
    passage: Option<f32>,
    bm25: f32,
    /// The best passage point (for the snippet), else any point of the article.
    best: Option<(f32, u64, bool)>,
    any: Option<u64>,
}

fn article_of(payload: &serde_json::Map<String, serde_json::Value>) -> String {
    payload.get("article_id").and_then(|v| v.as_str()).unwrap_or_default().to_string()
}

fn kind_of(payload: &serde_json::Map<String, serde_json::Value>) -> &str {
    payload.get("kind").and_then(|v| v.as_str()).unwrap_or_default()
}

/// The best articles for a query in one collection (see the module's steps 2–4).
pub async fn rank(collection: &Collection, query: &PreparedQuery, limit: usize, filters: &SearchFilters) -> anyhow::Result<Vec<Hit>> {
    let sparse = super::sparse_query(&query.cleaned);
    let all = Scope { kinds: &[], articles: None, filters };
    // Step 2: each signal's best articles.
    let mut candidates: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    let mut add_top = |points: Scored| {
        let mut best: Vec<String> = Vec::new();
        for (_, _, p) in points {
            let id = article_of(&p);
            if !best.contains(&id) {
                best.push(id);
            }
        }
        for id in best.into_iter().take(CANDIDATES) {
            if seen.insert(id.clone()) {
                candidates.push(id);
            }
        }
    };
    add_top(collection.nearest(Probe::Dense(&query.dense), &Scope { kinds: QUESTION, ..all }, FIRST_PASS).await?);
    add_top(collection.nearest(Probe::Dense(&query.dense), &Scope { kinds: PASSAGE, ..all }, FIRST_PASS).await?);
    if !sparse.0.is_empty() {
        add_top(collection.nearest(Probe::Sparse(&sparse), &all, FIRST_PASS).await?);
    }
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    // Step 3: every point of the candidates, dense and sparse.
    let within = Scope { kinds: &[], articles: Some(&candidates), filters };
    let every = candidates.len() * 64;
    let mut evidence: BTreeMap<String, Evidence> = candidates.iter().map(|c| (c.clone(), Evidence::default())).collect();
    for (score, id, p) in collection.nearest(Probe::Dense(&query.dense), &within, every).await? {
        let Some(e) = evidence.get_mut(&article_of(&p)) else { continue };
        let slot = if QUESTION.contains(&kind_of(&p)) { &mut e.question } else { &mut e.passage };
        *slot = Some(slot.map_or(score, |s| s.max(score)));
        // The snippet's point: the closest passage; on a tie (a one-chunk article's chunk is the
        // whole-article point, word for word) the chunk, whose text is the snippet, so the same
        // query shows the same snippet whatever order the engine returns equal points in.
        let article = kind_of(&p) == "article";
        if PASSAGE.contains(&kind_of(&p))
            && e.best.as_ref().is_none_or(|&(b, best_id, best_article)| {
                score > b || (score == b && (best_article, best_id) > (article, id))
            })
        {
            e.best = Some((score, id, article));
        }
        e.any.get_or_insert(id);
    }
    if !sparse.0.is_empty() {
        for (score, _, p) in collection.nearest(Probe::Sparse(&sparse), &within, every).await? {
            if let Some(e) = evidence.get_mut(&article_of(&p)) {
                e.bm25 = e.bm25.max(score);
            }
        }
    }
    // Step 4: standardise each signal over the candidates, add.
    let ids: Vec<&String> = evidence.keys().collect();
    let column = |f: &dyn Fn(&Evidence) -> f32| -> Vec<f32> { ids.iter().map(|id| f(&evidence[*id])).collect() };
    let floor = |v: Option<f32>, all: &[Option<f32>]| v.unwrap_or_else(|| all.iter().flatten().copied().fold(f32::MAX, f32::min).min(0.0));
    let questions: Vec<Option<f32>> = ids.iter().map(|id| evidence[*id].question).collect();
    let passages: Vec<Option<f32>> = ids.iter().map(|id| evidence[*id].passage).collect();
    let zq = z(&column(&|e| floor(e.question, &questions)));
    let zp = z(&column(&|e| floor(e.passage, &passages)));
    let zb = z(&column(&|e| e.bm25));
    let mut ranked: Vec<(f32, usize)> = (0..ids.len()).map(|i| (zq[i] + zp[i] + zb[i], i)).collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| ids[a.1].cmp(ids[b.1])));
    ranked.truncate(limit);
    // The whole payloads of the hits' points only.
    let point = |i: usize| evidence[ids[i]].best.map(|(_, id, _)| id).or(evidence[ids[i]].any);
    let wanted: Vec<u64> = ranked.iter().filter_map(|&(_, i)| point(i)).collect();
    let payloads = collection.payloads(&wanted).await?;
    let mut hits: Vec<Hit> = ranked
        .iter()
        .filter_map(|&(score, i)| {
            let e = &evidence[ids[i]];
            let payload = payloads.get(&point(i)?)?;
            let get = |k: &str| payload.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            let heading_path = payload
                .get("heading_path")
                .and_then(|v| v.as_array())
                .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
                .unwrap_or_default();
            Some(Hit {
                article_id: ids[i].clone(),
                title: get("title"),
                url: get("url"),
                score,
                similarity: e.question.unwrap_or(f32::MIN).max(e.passage.unwrap_or(f32::MIN)).max(0.0),
                snippet: if kind_of(payload) == "article" || kind_of(payload) == "question" { get("title") } else { get("text") },
                heading_path,
                topic: get("topic"),
                audience: get("audience"),
                language: get("language"),
            })
        })
        .collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.article_id.cmp(&b.article_id)));
    Ok(hits)
}

/// Scores standardised (mean 0, deviation 1); all equal gives zeros.
fn z(scores: &[f32]) -> Vec<f32> {
    let n = scores.len().max(1) as f32;
    let mean = scores.iter().sum::<f32>() / n;
    let sd = (scores.iter().map(|s| (s - mean).powi(2)).sum::<f32>() / n).sqrt();
    if sd < 1e-6 {
        return vec![0.0; scores.len()];
    }
    scores.iter().map(|s| (s - mean) / sd).collect()
}

/// The shards a process searches, opened once and kept until `publish index` makes a new
/// generation live.
pub struct Searcher {
    config: IndexConfig,
    root: PathBuf,
    open: Mutex<HashMap<Audience, (String, Arc<Reading>)>>,
    /// Searches at once: one per core. More only take cores from the model's embedding, which
    /// every query waits on too.
    running: tokio::sync::Semaphore,
}

impl Searcher {
    pub fn new(config: IndexConfig, root: &Path) -> Searcher {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Searcher { config, root: root.to_path_buf(), open: Mutex::new(HashMap::new()), running: tokio::sync::Semaphore::new(cores) }
    }

    /// The collection of an audience: the live generation of its shard, opened now if it moved.
    pub async fn collection(&self, audience: Audience, dim: usize) -> anyhow::Result<Collection> {
        if self.config.on_server() {
            return Ok(Collection::Server(self.config.server_collection(audience, dim).await?));
        }
        let dir = self.config.shard_path(&self.root, audience);
        let marker = generation::marker(&dir).ok_or_else(|| anyhow::anyhow!("no index at `{}`: run `kbforge publish index` first", dir.display()))?;
        if let Some((held, reading)) = self.open.lock().unwrap_or_else(|e| e.into_inner()).get(&audience) {
            if *held == marker {
                return Ok(Collection::Edge(reading.clone()));
            }
        }
        let path = generation::live(&dir).ok_or_else(|| anyhow::anyhow!("no index at `{}`: run `kbforge publish index` first", dir.display()))?;
        let reading = Arc::new(tokio::task::block_in_place(|| generation::open_for_reading(&path))?);
        self.open.lock().unwrap_or_else(|e| e.into_inner()).insert(audience, (marker, reading.clone()));
        Ok(Collection::Edge(reading))
    }

    /// The best `limit` articles for a prepared query.
    pub async fn search(&self, query: &PreparedQuery, limit: usize, audience: Audience, filters: &SearchFilters) -> anyhow::Result<Vec<Hit>> {
        let collection = self.collection(audience, query.dense.len()).await?;
        let _turn = self.running.acquire().await?;
        rank(&collection, query, limit, filters).await
    }
}

/// The query cleaned, embedded through the store's cache (for `kbforge search` and `kbforge eval
/// retrieve`; the server batches its own).
pub async fn prepare(store: &Store, embedder: &Embedder, raw: &str) -> anyhow::Result<PreparedQuery> {
    let cleaned = clean_query(raw);
    let (vectors, _) = embed_cached(store, embedder, &[embedder.query_text(&cleaned)]).await?;
    Ok(PreparedQuery { cleaned, dense: vectors.into_iter().next().unwrap_or_default() })
}

/// One search, as `/api/search` ranks (a searcher opened for it; a process that searches often
/// keeps a [`search::Searcher`]).
#[allow(clippy::too_many_arguments)]
pub async fn search(
    store: &Store,
    embedder: &Embedder,
    config: &IndexConfig,
    root: &Path,
    query: &str,
    limit: usize,
    audience: Audience,
    filters: &SearchFilters,
) -> anyhow::Result<Vec<Hit>> {
    let prepared = prepare(store, embedder, query).await?;
    Searcher::new(config.clone(), root).search(&prepared, limit, audience, filters).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_cleaned_as_tickets_are() {
        let q = clean_query("Здравствуйте! Как проверить баланс сертификата?\n\nС уважением,\nАнна Петрова\n+7 912 345-67-89");
        assert_eq!(q, "Как проверить баланс сертификата?");
        assert_eq!(clean_query("Здравствуйте"), "Здравствуйте");
    }

    #[test]
    fn standardised_signals_weigh_alike() {
        assert_eq!(z(&[1.0, 1.0]), vec![0.0, 0.0]);
        let a = z(&[0.9, 0.8, 0.7]);
        let b = z(&[30.0, 20.0, 10.0]);
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-4);
        }
    }
}
