//! The bot index: chunks of live public articles, embedded and kept in an embedded Qdrant shard
//! (`qdrant-edge`), plus search over it.
//!
//! Entry points: [`sync`] (the `publish index` stage) and [`search`]. Steps of a sync: split each
//! article into chunks ([`chunk::split_into_chunks`]) and add one point per title and "also asked"
//! phrasing → give each point a deterministic id → skip points whose content hash is unchanged →
//! embed and upsert the rest → delete points of articles that are gone.

pub mod chunk;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use qdrant_edge::{
    Distance, EdgeConfigBuilder, EdgeShard, EdgeVectorParamsBuilder, NamedQuery, PointId, PointInsertOperations,
    PointOperations, PointStruct, QueryEnum, QueryRequest, ScoringQuery, ScrollRequest, UpdateOperation,
    VectorInternal, Vector, Vectors, WithPayloadInterface, WithVector,
};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::embed::{embed_cached, Embedder};
use crate::kb::Article;
use crate::pipeline::report::count;
use crate::pipeline::StageReport;
use crate::store::Store;

const DENSE: &str = "dense";

/// `[index]`
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct IndexConfig {
    /// Folder of the embedded Qdrant shards, relative to the workspace. Default: `.kbforge/index`.
    pub dir: PathBuf,
    /// Collection (shard) for public articles. Default: `public`.
    pub collection: String,
    /// Largest chunk in model tokens. Default: 256.
    pub chunk_tokens: usize,
}

impl Default for IndexConfig {
    fn default() -> Self {
        IndexConfig { dir: PathBuf::from(".kbforge/index"), collection: "public".into(), chunk_tokens: 256 }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("Qdrant shard `{path}`: {detail}")]
    Shard { path: PathBuf, detail: String },
}

/// A point as kbforge wants it in the index.
#[derive(Debug, Clone)]
struct PlannedPoint {
    id: u64,
    /// Text to embed, prefix included.
    embed_text: String,
    payload: serde_json::Value,
    content_hash: String,
}

/// Opens the shard at `path`, creating it when it does not exist.
pub fn open_shard(path: &Path, dim: usize) -> Result<EdgeShard, IndexError> {
    let shard_err = |e: qdrant_edge::OperationError| IndexError::Shard { path: path.to_path_buf(), detail: e.to_string() };
    if path.join("edge_config.json").exists() {
        EdgeShard::load(path, None).map_err(shard_err)
    } else {
        std::fs::create_dir_all(path).map_err(|e| IndexError::Shard { path: path.to_path_buf(), detail: e.to_string() })?;
        let config = EdgeConfigBuilder::new().vector(DENSE, EdgeVectorParamsBuilder::new(dim, Distance::Cosine).build()).build();
        EdgeShard::new(path, config).map_err(shard_err)
    }
}

/// Deterministic point id: the same article piece always lands on the same point.
fn point_id(key: &str) -> u64 {
    let digest = Sha256::digest(key.as_bytes());
    u64::from_le_bytes(digest[..8].try_into().expect("8 bytes")) >> 1
}

fn plan(articles: &[&Article], embedder: &Embedder, config: &IndexConfig, base_url: &str) -> Vec<PlannedPoint> {
    let mut points = Vec::new();
    let passage = &embedder.prefixes().passage;
    let query = &embedder.prefixes().query;
    for article in articles {
        let url = format!("{}articles/{}.html", base_url, article.front.id);
        let mut add = |key: String, kind: &str, embed_text: String, text: &str, heading_path: &[String]| {
            let content_hash = crate::embed::text_hash(&format!("{embed_text}\u{1}{url}\u{1}{}", article.front.title));
            points.push(PlannedPoint {
                id: point_id(&key),
                embed_text,
                payload: json!({
                    "article_id": article.front.id,
                    "title": article.front.title,
                    "url": url,
                    "topic": article.front.topic,
                    "audience": "public",
                    "kind": kind,
                    "heading_path": heading_path,
                    "text": text,
                    "content_hash": content_hash,
                }),
                content_hash,
            });
        };
        let title_path = vec![article.front.title.clone()];
        add(format!("{}#title", article.front.id), "question", format!("{query}{}", article.front.title), &article.front.title, &title_path);
        for (i, q) in article.front.also_asked.iter().enumerate() {
            add(format!("{}#asked#{i}", article.front.id), "question", format!("{query}{q}"), q, &title_path);
        }
        for c in chunk::split_into_chunks(article, embedder.tokenizer(), config.chunk_tokens) {
            let embed_text = format!("{passage}{}\n{}", c.heading_path.join(" > "), c.text);
            add(format!("{}#chunk#{}", article.front.id, c.index), "chunk", embed_text, &c.text, &c.heading_path);
        }
    }
    points
}

/// Ids and content hashes of every point in the shard.
fn existing_points(shard: &EdgeShard) -> Result<HashMap<u64, String>, qdrant_edge::OperationError> {
    let mut out = HashMap::new();
    let mut offset = None;
    loop {
        let (records, next) = shard.scroll(ScrollRequest {
            offset,
            limit: Some(1000),
            filter: None,
            with_payload: Some(WithPayloadInterface::Bool(true)),
            with_vector: WithVector::Bool(false),
            order_by: None,
        })?;
        for r in records {
            if let PointId::NumId(id) = r.id {
                let hash = r
                    .payload
                    .as_ref()
                    .and_then(|p| p.0.get("content_hash"))
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string();
                out.insert(id, hash);
            }
        }
        match next {
            Some(n) => offset = Some(n),
            None => break,
        }
    }
    Ok(out)
}

/// Every payload in the shard at `path`: for audits and tests that check what the bot can see.
pub fn payloads(path: &Path) -> Result<Vec<serde_json::Value>, IndexError> {
    let shard_err = |e: qdrant_edge::OperationError| IndexError::Shard { path: path.to_path_buf(), detail: e.to_string() };
    let shard = EdgeShard::load(path, None).map_err(shard_err)?;
    let mut out = Vec::new();
    let mut offset = None;
    loop {
        let (records, next) = shard
            .scroll(ScrollRequest {
                offset,
                limit: Some(1000),
                filter: None,
                with_payload: Some(WithPayloadInterface::Bool(true)),
                with_vector: WithVector::Bool(false),
                order_by: None,
            })
            .map_err(shard_err)?;
        out.extend(records.into_iter().filter_map(|r| r.payload).map(|p| serde_json::Value::Object(p.0.into_iter().collect())));
        match next {
            Some(n) => offset = Some(n),
            None => return Ok(out),
        }
    }
}

/// The `publish index` stage: makes the public shard hold exactly the live public articles.
pub async fn sync(
    store: &Store,
    embedder: &Embedder,
    articles: &[Article],
    config: &IndexConfig,
    root: &Path,
    base_url: &str,
) -> anyhow::Result<StageReport> {
    let started = Instant::now();
    let live: Vec<&Article> = articles.iter().filter(|a| a.is_public_live()).collect();
    let planned = plan(&live, embedder, config, base_url);
    let path = root.join(&config.dir).join(&config.collection);
    let probe = tokio::task::block_in_place(|| embedder.embed(&["query: probe".to_string()]))?;
    let shard = open_shard(&path, probe[0].len())?;
    let existing = existing_points(&shard)?;
    let changed: Vec<&PlannedPoint> =
        planned.iter().filter(|p| existing.get(&p.id).map(String::as_str) != Some(p.content_hash.as_str())).collect();
    let texts: Vec<String> = changed.iter().map(|p| p.embed_text.clone()).collect();
    let (vectors, stats) = embed_cached(store, embedder, &texts).await?;
    let points: Vec<_> = changed
        .iter()
        .zip(vectors)
        .map(|(p, v)| {
            PointStruct::new(PointId::NumId(p.id), Vectors::new_named([(DENSE, Vector::new_dense(v))]), p.payload.clone()).into()
        })
        .collect();
    let upserted = points.len();
    if !points.is_empty() {
        shard.update(UpdateOperation::PointOperation(PointOperations::UpsertPoints(PointInsertOperations::PointsList(points))))?;
    }
    let wanted: std::collections::HashSet<u64> = planned.iter().map(|p| p.id).collect();
    let stale: Vec<PointId> = existing.keys().filter(|id| !wanted.contains(id)).map(|&id| PointId::NumId(id)).collect();
    let deleted = stale.len();
    if !stale.is_empty() {
        shard.update(UpdateOperation::PointOperation(PointOperations::DeletePoints { ids: stale }))?;
    }
    shard.flush();
    drop(shard);
    let mut report = StageReport::new("publish index", started);
    report.processed = planned.len();
    report.written = upserted + deleted;
    report.unchanged = planned.len() - upserted;
    report.summary = format!(
        "{} articles, {} points: {} upserted ({} embedded), {} unchanged, {} deleted -> {}",
        count(live.len()),
        count(planned.len()),
        count(upserted),
        count(stats.computed),
        count(planned.len() - upserted),
        count(deleted),
        path.display()
    );
    Ok(report.finish(started))
}

/// One article found by [`search`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    pub article_id: String,
    pub title: String,
    pub url: String,
    pub score: f32,
    /// The text of the best-matching point.
    pub snippet: String,
}

/// Searches the public shard; returns the best `limit` articles (several points of one article count
/// once, with their best score).
pub async fn search(
    store: &Store,
    embedder: &Embedder,
    config: &IndexConfig,
    root: &Path,
    query: &str,
    limit: usize,
) -> anyhow::Result<Vec<Hit>> {
    let path = root.join(&config.dir).join(&config.collection);
    if !path.join("edge_config.json").exists() {
        anyhow::bail!("no index at `{}`: run `kbforge publish index` first", path.display());
    }
    let text = embedder.query_text(query);
    let (vectors, _) = embed_cached(store, embedder, &[text]).await?;
    let shard = open_shard(&path, vectors[0].len())?;
    let points = shard.query(QueryRequest {
        prefetches: vec![],
        query: Some(ScoringQuery::Vector(QueryEnum::Nearest(NamedQuery::new(VectorInternal::Dense(vectors[0].clone()), DENSE)))),
        filter: None,
        score_threshold: None,
        limit: limit * 8,
        offset: 0,
        params: None,
        with_vector: WithVector::Bool(false),
        with_payload: WithPayloadInterface::Bool(true),
    })?;
    let mut best: BTreeMap<String, Hit> = BTreeMap::new();
    for p in points {
        let Some(payload) = p.payload else { continue };
        let get = |k: &str| payload.0.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        let id = get("article_id");
        if best.get(&id).is_some_and(|h| h.score >= p.score) {
            continue;
        }
        best.insert(id.clone(), Hit { article_id: id, title: get("title"), url: get("url"), score: p.score, snippet: get("text") });
    }
    let mut hits: Vec<Hit> = best.into_values().collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score));
    hits.truncate(limit);
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::point_id;

    #[test]
    fn point_ids_are_stable() {
        assert_eq!(point_id("a#chunk#0"), point_id("a#chunk#0"));
        assert_ne!(point_id("a#chunk#0"), point_id("a#chunk#1"));
        assert!(point_id("x") < u64::MAX / 2 + 1);
    }
}
