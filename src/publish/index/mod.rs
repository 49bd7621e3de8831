//! The bot index: chunks of live articles, embedded and kept in embedded Qdrant shards
//! (`qdrant-edge`), plus hybrid search over them.
//!
//! Two collections, one per audience: `public` holds live public articles, for the customer-facing
//! bot; `internal` holds live internal articles and the internal regulations, for the operator
//! copilot. They are separate shards, so a public query cannot reach internal text.
//!
//! Entry points: [`sync`] (the `publish index` stage, `sync.rs`) and [`search::Searcher`] (the bot's
//! search, the one path the server keeps open). What a point is: `points.rs`. Steps of a sync: one point per title and "also asked" phrasing (embedded as
//! questions), one for the whole article and one per chunk ([`chunk::split_into_chunks`]; embedded
//! as passages) → a deterministic id each → skip points whose content hash is unchanged → embed
//! (dense) and weigh words (sparse BM25 over Snowball stems) for the rest and upsert them → delete
//! points of articles that are gone. An embedded shard is synced in a new generation that goes
//! live at once when done ([`generation`]), so the server never reads a half-synced shard.

pub mod chunk;
pub mod generation;
mod points;
pub mod search;
pub mod server;
mod sync;

pub use points::{language_of, sparse_document, sparse_query};
pub use search::{prepare, search};
pub use sync::sync;

use std::path::{Path, PathBuf};
use std::time::Instant;

use qdrant_edge::{
    CreateIndex, Distance, EdgeConfigBuilder, EdgeShard, EdgeSparseVectorParamsBuilder, EdgeVectorParamsBuilder, FieldIndexOperations,
    JsonPath, Modifier, PayloadFieldSchema, PayloadSchemaType,
    ScrollRequest, UpdateOperation, WithPayloadInterface, WithVector,
};
use serde::Deserialize;

use crate::kb::Audience;

pub(crate) const DENSE: &str = "dense";
pub(crate) const SPARSE: &str = "bm25";
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

/// Every point of a shard without its vectors, handed to `each` a thousand at a time (only one page
/// in memory): the sync's inventory and the audit of [`payloads`] read the shard this way.
pub(super) fn for_each_point(shard: &EdgeShard, mut each: impl FnMut(qdrant_edge::Record)) -> Result<(), qdrant_edge::OperationError> {
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
        records.into_iter().for_each(&mut each);
        match next {
            Some(n) => offset = Some(n),
            None => return Ok(()),
        }
    }
}

/// Every payload in the shard at `path`: for audits and tests that check what the bot can see.
pub fn payloads(path: &Path) -> Result<Vec<serde_json::Value>, IndexError> {
    let shard_err = |e: qdrant_edge::OperationError| IndexError::Shard { path: path.to_path_buf(), detail: e.to_string() };
    let live = generation::live(path).ok_or_else(|| IndexError::Shard { path: path.to_path_buf(), detail: "no index yet".into() })?;
    let reading = generation::open_for_reading(&live)?;
    let mut out = Vec::new();
    for_each_point(&reading.shard, |r| out.extend(r.payload.map(|p| serde_json::Value::Object(p.0.into_iter().collect())))).map_err(shard_err)?;
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::points::point_id;
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
