//! The bot index: chunks of live articles, embedded and kept in embedded Qdrant shards
//! (`qdrant-edge`), plus hybrid search over them.
//!
//! Two collections, one per audience: `public` holds live public articles, for the customer-facing
//! bot; `internal` holds live internal articles and the internal regulations, for the operator
//! copilot. They are separate shards, so a public query cannot reach internal text.
//!
//! Entry points: [`sync`] (the `publish index` stage) and [`search::Searcher`] (the bot's search,
//! see its module). Steps of a sync: one point per title and "also asked" phrasing (embedded as
//! questions), one for the whole article and one per chunk ([`chunk::split_into_chunks`]; embedded
//! as passages) → a deterministic id each → skip points whose content hash is unchanged → embed
//! (dense) and weigh words (sparse BM25 over Snowball stems) for the rest and upsert them → delete
//! points of articles that are gone. An embedded shard is synced in a new generation that goes
//! live at once when done ([`generation`]), so the server never reads a half-synced shard.

pub mod chunk;
pub mod generation;
pub mod search;
pub mod server;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use qdrant_edge::{
    CreateIndex, Distance, EdgeConfigBuilder, EdgeShard, EdgeSparseVectorParamsBuilder, EdgeVectorParamsBuilder, FieldIndexOperations,
    JsonPath, Modifier, PayloadFieldSchema, PayloadSchemaType, PointId, PointInsertOperations, PointOperations, PointStruct,
    ScrollRequest, UpdateOperation, Vector, Vectors, WithPayloadInterface, WithVector,
};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::embed::{embed_cached, Embedder};
use crate::kb::{Article, Audience};
use crate::stage::count;
use crate::guard::{Guard, Held};
use crate::stage::StageReport;
use crate::store::Store;

pub(crate) const DENSE: &str = "dense";
pub(crate) const SPARSE: &str = "bm25";
/// Bumped when what a point holds changes, so every point is rewritten once.
const POINT_VERSION: &str = "3";

/// `[index]`
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct IndexConfig {
    /// Folder of the embedded Qdrant shards, relative to the workspace. Default: `.kbforge/index`.
    pub dir: PathBuf,
    /// Collection (shard) for public articles. Default: `public`.
    pub collection: String,
    /// Collection for internal articles and regulations (the operator copilot). Default: `internal`.
    pub internal_collection: String,
    /// Largest chunk in model tokens. Default: 256.
    pub chunk_tokens: usize,
    /// A Qdrant server or cluster (`http://host:6334`, gRPC) instead of the embedded shards.
    /// Default: empty (embedded).
    pub url: String,
    /// Environment variable holding the server's API key. Default: `QDRANT_API_KEY`.
    pub api_key_env: String,
    /// Prefix of the collection names on a server, so several desks can share a cluster.
    /// Default: `kbforge_`.
    pub collection_prefix: String,
}

impl Default for IndexConfig {
    fn default() -> Self {
        IndexConfig {
            dir: PathBuf::from(".kbforge/index"),
            collection: "public".into(),
            internal_collection: "internal".into(),
            chunk_tokens: 256,
            url: String::new(),
            api_key_env: "QDRANT_API_KEY".into(),
            collection_prefix: "kbforge_".into(),
        }
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
    /// The words the sparse vector weighs (title, heading path and text).
    words: String,
}

impl IndexConfig {
    /// Whether the index lives on a Qdrant server rather than in embedded shards.
    pub fn on_server(&self) -> bool {
        !self.url.trim().is_empty()
    }

    /// The collection name of an audience.
    pub fn collection_name(&self, audience: Audience) -> &str {
        match audience {
            Audience::Public => &self.collection,
            Audience::Internal => &self.internal_collection,
        }
    }

    /// Connects to the server collection of an audience (`[index] url`).
    pub async fn server_collection(&self, audience: Audience, dim: usize) -> anyhow::Result<server::ServerCollection> {
        let key = std::env::var(&self.api_key_env).ok().filter(|k| !k.is_empty());
        let name = format!("{}{}", self.collection_prefix, self.collection_name(audience));
        server::ServerCollection::open(self.url.trim(), key, &name, dim).await
    }

    /// Where an audience's points live, for messages.
    pub fn location(&self, root: &Path, audience: Audience) -> String {
        if self.on_server() {
            format!("{}/{}{}", self.url.trim_end_matches('/'), self.collection_prefix, self.collection_name(audience))
        } else {
            self.shard_path(root, audience).display().to_string()
        }
    }

    /// The shard of an audience.
    pub fn shard_path(&self, root: &Path, audience: Audience) -> PathBuf {
        root.join(&self.dir).join(match audience {
            Audience::Public => &self.collection,
            Audience::Internal => &self.internal_collection,
        })
    }
}

/// Sparse term id of a stem: the first four bytes of its SHA-256.
fn term_id(stem: &str) -> u32 {
    let digest = Sha256::digest(stem.as_bytes());
    u32::from_le_bytes(digest[..4].try_into().expect("4 bytes"))
}

/// BM25's term-frequency part for a document: Snowball stems as term ids, tf saturated with k1 = 1.2,
/// length-normalised with b = 0.75 against 40 stems. Qdrant multiplies by the IDF it keeps itself
/// (`Modifier::Idf`), which makes the product BM25.
pub fn sparse_document(text: &str) -> (Vec<u32>, Vec<f32>) {
    let stems = crate::lexical::stems(text);
    let len = stems.len() as f32;
    let mut tf: BTreeMap<u32, f32> = BTreeMap::new();
    for s in &stems {
        *tf.entry(term_id(s)).or_default() += 1.0;
    }
    let (k1, b, avg) = (1.2f32, 0.75f32, 40.0f32);
    tf.into_iter().map(|(t, f)| (t, f * (k1 + 1.0) / (f + k1 * (1.0 - b + b * len / avg)))).unzip()
}

/// A query's sparse vector: each distinct stem once, weight 1.
pub fn sparse_query(text: &str) -> (Vec<u32>, Vec<f32>) {
    let ids: std::collections::BTreeSet<u32> = crate::lexical::stems(text).iter().map(|s| term_id(s)).collect();
    ids.into_iter().map(|t| (t, 1.0)).unzip()
}

/// The language of a text: Russian when most letters are Cyrillic, else English.
pub fn language_of(text: &str) -> &'static str {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let cyrillic = text.chars().filter(|c| ('\u{400}'..='\u{4ff}').contains(c)).count();
    if cyrillic * 2 >= letters.max(1) {
        "ru"
    } else {
        "en"
    }
}

/// Payload fields with an index, for filtering.
pub(crate) const INDEXED: [&str; 5] = ["article_id", "topic", "audience", "language", "kind"];

/// Opens the shard at `path`, creating it when it does not exist. A shard made before the sparse
/// vectors existed is rebuilt (its points come back at the next sync, from the embedding cache).
pub fn open_shard(path: &Path, dim: usize) -> Result<EdgeShard, IndexError> {
    open_shard_with(path, dim, true)
}

fn open_shard_with(path: &Path, dim: usize, rebuild_broken: bool) -> Result<EdgeShard, IndexError> {
    let shard_err = |e: qdrant_edge::OperationError| IndexError::Shard { path: path.to_path_buf(), detail: e.to_string() };
    let io_err = |e: std::io::Error| IndexError::Shard { path: path.to_path_buf(), detail: e.to_string() };
    let config_file = path.join("edge_config.json");
    if config_file.exists() {
        let config = std::fs::read_to_string(&config_file).map_err(io_err)?;
        if config.contains(&format!("\"{SPARSE}\"")) {
            // Another process (`kbforge serve` answering a query) may hold the shard's write-ahead
            // log for a few milliseconds: wait for it, up to 10 s.
            let started = Instant::now();
            loop {
                match EdgeShard::load(path, None) {
                    Ok(shard) => return Ok(shard),
                    Err(e) if e.to_string().contains("WouldBlock") => {
                        if started.elapsed().as_secs() >= 10 {
                            return Err(shard_err(e));
                        }
                        std::thread::sleep(std::time::Duration::from_millis(20));
                    }
                    Err(e) if !rebuild_broken => return Err(shard_err(e)),
                    // A shard a killed run left half made: the index is derived data, so it is
                    // rebuilt (the next sync fills it again from the embedding cache).
                    Err(e) => {
                        tracing::warn!(shard = %path.display(), "rebuilding an unreadable index shard: {e}");
                        break;
                    }
                }
            }
        } else if rebuild_broken {
            tracing::info!(shard = %path.display(), "rebuilding an index shard made without sparse vectors");
        } else {
            return Err(IndexError::Shard { path: path.to_path_buf(), detail: "made by an older kbforge: run `kbforge publish index`".into() });
        }
        std::fs::remove_dir_all(path).map_err(io_err)?;
    }
    std::fs::create_dir_all(path).map_err(io_err)?;
    let config = EdgeConfigBuilder::new()
        .vector(DENSE, EdgeVectorParamsBuilder::new(dim, Distance::Cosine).build())
        .sparse_vector(SPARSE, EdgeSparseVectorParamsBuilder::new().modifier(Modifier::Idf).build())
        .build();
    let shard = EdgeShard::new(path, config).map_err(shard_err)?;
    for field in INDEXED {
        let field_name: JsonPath = field.parse().map_err(|_| IndexError::Shard { path: path.to_path_buf(), detail: format!("bad field `{field}`") })?;
        let op = CreateIndex { field_name, field_schema: Some(PayloadFieldSchema::FieldType(PayloadSchemaType::Keyword)) };
        shard.update(UpdateOperation::FieldIndexOperation(FieldIndexOperations::CreateIndex(op))).map_err(shard_err)?;
    }
    Ok(shard)
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
        let audience = article.front.audience;
        let url = match (audience, article.front.extra.get("url").and_then(|u| u.as_str())) {
            (_, Some(url)) => url.to_string(),
            (Audience::Public, None) => format!("{}articles/{}.html", base_url, article.front.id),
            (Audience::Internal, None) => format!("kb/{}", article.path.display()),
        };
        let updated_at = ["published_at", "reviewed_at", "updated_at"]
            .iter()
            .find_map(|k| article.front.extra.get(*k).and_then(|v| v.as_str()))
            .unwrap_or_default()
            .to_string();
        let audience_name = match audience {
            Audience::Public => "public",
            Audience::Internal => "internal",
        };
        let language = language_of(&format!("{} {}", article.front.title, article.body));
        let mut add = |key: String, kind: &str, embed_text: String, text: &str, heading_path: &[String]| {
            let content_hash =
                crate::hash::text_hash(&format!("{POINT_VERSION}\u{1}{embed_text}\u{1}{url}\u{1}{}\u{1}{updated_at}", article.front.title));
            points.push(PlannedPoint {
                id: point_id(&key),
                words: format!("{} {} {text}", article.front.title, heading_path.join(" ")),
                embed_text,
                payload: json!({
                    "article_id": article.front.id,
                    "title": article.front.title,
                    "url": url,
                    "topic": article.front.topic,
                    "audience": audience_name,
                    "language": language,
                    "kind": kind,
                    "heading_path": heading_path,
                    "text": text,
                    "content_hash": content_hash,
                    "updated_at": updated_at,
                }),
                content_hash,
            });
        };
        let title_path = vec![article.front.title.clone()];
        add(format!("{}#title", article.front.id), "question", format!("{query}{}", article.front.title), &article.front.title, &title_path);
        for (i, q) in article.front.also_asked.iter().enumerate() {
            add(format!("{}#asked#{i}", article.front.id), "question", format!("{query}{q}"), q, &title_path);
        }
        // The whole article as one passage (the model reads its first 512 tokens): the answer a
        // question is closest to when the article is short, as most help-center articles are.
        let whole = format!("{}\n{}", article.front.title, article.body.trim());
        add(format!("{}#article", article.front.id), "article", format!("{passage}{whole}"), &whole, &title_path);
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
    let live = generation::live(path).ok_or_else(|| IndexError::Shard { path: path.to_path_buf(), detail: "no index yet".into() })?;
    let reading = generation::open_for_reading(&live)?;
    let shard = &reading.shard;
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

/// The `publish index` stage: the public shard holds exactly the live public articles, the internal
/// shard the live internal articles and the regulations.
pub async fn sync(
    store: &Store,
    embedder: &Embedder,
    articles: &[Article],
    config: &IndexConfig,
    guard: &Guard,
    root: &Path,
    base_url: &str,
) -> anyhow::Result<(StageReport, Held)> {
    let started = Instant::now();
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
        let n = sync_shard(store, embedder, &live, config, guard, &mut held, root, audience, base_url).await?;
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
fn held_points(guard: &Guard, planned: &[PlannedPoint]) -> Held {
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
async fn regulation_articles(store: &Store) -> anyhow::Result<Vec<Article>> {
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

struct SyncCounts {
    planned: usize,
    upserted: usize,
    embedded: usize,
    deleted: usize,
}

/// Where a sync writes: an embedded shard or a server collection.
enum Target {
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
async fn sync_shard(
    store: &Store,
    embedder: &Embedder,
    live: &[&Article],
    config: &IndexConfig,
    guard: Option<&Guard>,
    held: &mut Held,
    root: &Path,
    audience: Audience,
    base_url: &str,
) -> anyhow::Result<SyncCounts> {
    let mut planned = plan(live, embedder, config, base_url);
    if let Some(guard) = guard {
        let found = held_points(guard, &planned);
        // A held article has no point in the shard: the ones it had are deleted as stale below.
        planned.retain(|p| !found.iter().any(|(id, _)| p.payload.get("article_id").and_then(|v| v.as_str()) == Some(id.as_str())));
        held.extend(found);
    }
    let probe = tokio::task::block_in_place(|| embedder.embed(&["query: probe".to_string()]))?;
    let dim = probe[0].len();
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

/// One article found by [`search`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    pub article_id: String,
    pub title: String,
    pub url: String,
    /// The fused score: the article's question, passage and BM25 signals, each standardised over the
    /// candidates, added (higher is better; see [`search`]).
    pub score: f32,
    /// The cosine of the query and the article's closest question or passage point: how close the
    /// article is in absolute terms (routing decides on it).
    pub similarity: f32,
    /// The text of the best-matching point.
    pub snippet: String,
    pub heading_path: Vec<String>,
    pub topic: String,
    pub audience: String,
    pub language: String,
}

/// What a search may be narrowed to. An unknown key is an error, not a filter silently ignored.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct SearchFilters {
    pub topic: Option<String>,
    pub language: Option<String>,
}

/// The query cleaned, embedded through the store's cache (for `kbforge search` and `kbforge eval
/// retrieve`; the server batches its own).
pub async fn prepare(store: &Store, embedder: &Embedder, raw: &str) -> anyhow::Result<search::PreparedQuery> {
    let cleaned = search::clean_query(raw);
    let (vectors, _) = embed_cached(store, embedder, &[embedder.query_text(&cleaned)]).await?;
    Ok(search::PreparedQuery { cleaned, dense: vectors.into_iter().next().unwrap_or_default() })
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
    search::Searcher::new(config.clone(), root).search(&prepared, limit, audience, filters).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparse_vectors_share_stems_across_inflections() {
        let (doc, weights) = sparse_document("Баланс сертификата виден на странице сертификата");
        let (query, _) = sparse_query("сертификат");
        assert_eq!(query.len(), 1);
        let at = doc.iter().position(|t| *t == query[0]).expect("the stem is in the document");
        let other = doc.iter().position(|t| *t != query[0]).unwrap();
        assert!(weights[at] > weights[other], "a repeated stem weighs more: {weights:?}");
        assert_eq!(language_of("Как проверить баланс?"), "ru");
        assert_eq!(language_of("How do I check the balance?"), "en");
    }

    #[test]
    fn point_ids_are_stable() {
        assert_eq!(point_id("a#chunk#0"), point_id("a#chunk#0"));
        assert_ne!(point_id("a#chunk#0"), point_id("a#chunk#1"));
        assert!(point_id("x") < u64::MAX / 2 + 1);
    }
}
