//! The `publish index` stage: plan the points of the live articles, keep those whose content hash is
//! unchanged, embed and upsert the rest, delete the points of articles that are gone; on embedded
//! shards in a new generation that goes live when done.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use qdrant_edge::{EdgeShard, PointId, PointInsertOperations, PointOperations, PointStruct, UpdateOperation, Vector, Vectors};

use super::generation;
use super::points::{plan, sparse_document, PlannedPoint};
use super::{for_each_point, open_shard, server, IndexConfig, DENSE, SPARSE};
use crate::embed::{embed_cached, Embedder};
use crate::guard::{Guard, Held};
use crate::kb::{Article, Audience};
use crate::publish::site::SiteConfig;
use crate::stage::{count, StageReport};
use crate::store::Store;

/// The `publish index` stage: the public shard holds exactly the live public articles, the internal
/// shard the live internal articles and the regulations.
pub async fn sync(
    store: &Store,
    embedder: &Embedder,
    articles: &[Article],
    config: &IndexConfig,
    guard: &Guard,
    root: &Path,
    site: &SiteConfig,
) -> anyhow::Result<(StageReport, Held)> {
    let started = Instant::now();
    // The links the bot gives are the pages `publish site` writes for the same articles.
    let site = &site.for_articles(articles);
    let public: Vec<&Article> = articles.iter().filter(|a| a.is_public_live()).collect();
    let regulations = regulation_articles(store).await?;
    let internal: Vec<&Article> = articles
        .iter()
        .filter(|a| a.front.audience == Audience::Internal && a.front.status.is_live())
        .chain(regulations.iter())
        .collect();
    let mut lines = Vec::new();
    let mut report = StageReport::new("publish index", started);
    let mut held = Held::new();
    for (audience, live) in [(Audience::Public, public), (Audience::Internal, internal)] {
        // The public shard is what the bot answers customers from: the guard reads every point of
        // it first. The internal shard (the operators' copilot, regulations included) is not published.
        let guard = (audience == Audience::Public).then_some(guard);
        let n = sync_shard(store, embedder, &live, config, guard, &mut held, root, audience, site).await?;
        report.processed += n.planned;
        report.written += n.upserted + n.deleted;
        report.unchanged += n.planned - n.upserted;
        lines.push(format!(
            "{}: {} articles, {} points: {} upserted ({} embedded), {} unchanged, {} deleted",
            match audience {
                Audience::Public => "public",
                Audience::Internal => "internal",
            },
            count(live.len()),
            count(n.planned),
            count(n.upserted),
            count(n.embedded),
            count(n.planned - n.upserted),
            count(n.deleted),
        ));
    }
    let target = if config.on_server() { config.url.trim().to_string() } else { root.join(&config.dir).display().to_string() };
    report.summary = format!("{} -> {target}", lines.join("; "));
    crate::guard::report_held(&mut report, &held);
    Ok((report.finish(started), held))
}

/// The articles whose planned points carry something the guard flags: every string of every
/// payload (title, topic, heading path, text, also-asked phrasings, link) and the text embedded.
pub(super) fn held_points(guard: &Guard, planned: &[PlannedPoint]) -> Held {
    let mut held: Held = Vec::new();
    for p in planned {
        let mut findings = Vec::new();
        guard.scan_json("payload", &p.payload, &mut findings);
        findings.extend(guard.scan("embedded text", &p.embed_text));
        if findings.is_empty() {
            continue;
        }
        let id = p.payload.get("article_id").and_then(|v| v.as_str()).unwrap_or_default().to_string();
        match held.iter_mut().find(|(h, _)| *h == id) {
            Some((_, all)) => {
                for f in findings {
                    if !all.contains(&f) {
                        all.push(f);
                    }
                }
            }
            None => held.push((id, findings)),
        }
    }
    held
}

/// The internal regulations as internal articles (one per file), for the copilot's shard.
pub(super) async fn regulation_articles(store: &Store) -> anyhow::Result<Vec<Article>> {
    let rows: Vec<(String, String, String, String)> =
        sqlx::query_as("SELECT id, title, body, updated_at FROM regulations ORDER BY id").fetch_all(store.pool()).await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, body, updated_at)| {
            let mut extra = BTreeMap::new();
            extra.insert("url".to_string(), serde_yaml::Value::from(format!("regulations/{id}")));
            extra.insert("updated_at".to_string(), serde_yaml::Value::from(updated_at));
            Article {
                path: PathBuf::from(&id),
                front: crate::kb::FrontMatter {
                    id: format!("regulation:{id}"),
                    title,
                    status: crate::kb::Status::Published,
                    topic: "regulations".into(),
                    audience: Audience::Internal,
                    cluster: None,
                    sources: Vec::new(),
                    tickets: None,
                    also_asked: Vec::new(),
                    extra,
                },
                body,
            }
        })
        .collect())
}

pub(super) struct SyncCounts {
    planned: usize,
    upserted: usize,
    embedded: usize,
    deleted: usize,
}

/// Where a sync writes: an embedded shard or a server collection.
pub(super) enum Target {
    Edge(Box<EdgeShard>),
    Server(server::ServerCollection),
}

impl Target {
    async fn existing(&self) -> anyhow::Result<HashMap<u64, String>> {
        match self {
            Target::Edge(shard) => Ok(existing_points(shard)?),
            Target::Server(c) => c.existing().await,
        }
    }

    async fn upsert(&self, points: Vec<server::NewPoint>) -> anyhow::Result<()> {
        match self {
            Target::Edge(shard) => {
                let points = points
                    .into_iter()
                    .map(|(id, dense, (indices, values), payload)| {
                        let vectors = Vectors::new_named([(DENSE, Vector::new_dense(dense)), (SPARSE, Vector::new_sparse(indices, values)?)]);
                        Ok(PointStruct::new(PointId::NumId(id), vectors, payload).into())
                    })
                    .collect::<Result<_, qdrant_edge::OperationError>>()?;
                shard.update(UpdateOperation::PointOperation(PointOperations::UpsertPoints(PointInsertOperations::PointsList(points))))?;
                Ok(())
            }
            Target::Server(c) => c.upsert(points).await,
        }
    }

    async fn delete(&self, ids: Vec<u64>) -> anyhow::Result<()> {
        match self {
            Target::Edge(shard) => {
                let ids = ids.into_iter().map(PointId::NumId).collect();
                shard.update(UpdateOperation::PointOperation(PointOperations::DeletePoints { ids }))?;
                Ok(())
            }
            Target::Server(c) => c.delete(ids).await,
        }
    }
}

/// Makes one collection hold exactly the points of `live`.
pub(super) async fn sync_shard(
    store: &Store,
    embedder: &Embedder,
    live: &[&Article],
    config: &IndexConfig,
    guard: Option<&Guard>,
    held: &mut Held,
    root: &Path,
    audience: Audience,
    site: &SiteConfig,
) -> anyhow::Result<SyncCounts> {
    let mut planned = plan(live, embedder, config, site);
    if let Some(guard) = guard {
        let found = held_points(guard, &planned);
        // A held article has no point in the shard: the ones it had are deleted as stale below.
        planned.retain(|p| !found.iter().any(|(id, _)| p.payload.get("article_id").and_then(|v| v.as_str()) == Some(id.as_str())));
        held.extend(found);
    }
    // The model's dimension, from a probe the cache keeps: a run with nothing new to embed does
    // not load the model for it.
    let (probe, _) = embed_cached(store, embedder, &["query: probe".to_string()]).await?;
    let dim = probe.first().map_or(0, Vec::len);
    let dir = config.shard_path(root, audience);
    // An embedded shard is synced in the next generation, a copy of the live one.
    let generation = (!config.on_server()).then(|| generation::next(&dir)).transpose()?;
    let target = match &generation {
        None => Target::Server(config.server_collection(audience, dim).await?),
        Some(path) => Target::Edge(Box::new(open_shard(path, dim)?)),
    };
    let existing = target.existing().await?;
    let changed: Vec<&PlannedPoint> =
        planned.iter().filter(|p| existing.get(&p.id).map(String::as_str) != Some(p.content_hash.as_str())).collect();
    let texts: Vec<String> = changed.iter().map(|p| p.embed_text.clone()).collect();
    let (vectors, stats) = embed_cached(store, embedder, &texts).await?;
    let points: Vec<server::NewPoint> =
        changed.iter().zip(vectors).map(|(p, v)| (p.id, v, sparse_document(&p.words), p.payload.clone())).collect();
    let upserted = points.len();
    if !points.is_empty() {
        target.upsert(points).await?;
    }
    let wanted: std::collections::HashSet<u64> = planned.iter().map(|p| p.id).collect();
    let stale: Vec<u64> = existing.keys().filter(|id| !wanted.contains(id)).copied().collect();
    let deleted = stale.len();
    if !stale.is_empty() {
        target.delete(stale).await?;
    }
    if let Target::Edge(shard) = target {
        shard.flush();
        drop(shard);
        let path = generation.expect("an embedded target has a generation");
        if upserted + deleted == 0 && generation::live(&dir).is_some() {
            generation::discard(&path);
        } else {
            generation::switch(&dir, &path)?;
        }
    }
    Ok(SyncCounts { planned: planned.len(), upserted, embedded: stats.computed, deleted })
}

/// Ids and content hashes of every point in the shard.
pub(super) fn existing_points(shard: &EdgeShard) -> Result<HashMap<u64, String>, qdrant_edge::OperationError> {
    let mut out = HashMap::new();
    for_each_point(shard, |r| {
        if let PointId::NumId(id) = r.id {
            let hash = r.payload.as_ref().and_then(|p| p.0.get("content_hash")).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            out.insert(id, hash);
        }
    })?;
    Ok(out)
}
