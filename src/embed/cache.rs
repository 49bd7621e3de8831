//! The embedding cache: vectors and token states in the store, keyed by (model, text hash). A
//! text seen before, by any stage or command, is never embedded again.

use std::collections::{HashMap, HashSet};

use super::{progress_bar, Embedder};
use crate::hash::text_hash;
use crate::store::{vector_from_bytes, vector_to_bytes, Store};
use crate::vector::TokenStates;

/// How the texts of one call were served.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    /// Distinct texts whose vector was already in the store.
    pub cached: usize,
    /// Distinct texts embedded now.
    pub computed: usize,
    /// Texts that repeat another text of the same call.
    pub repeated: usize,
}

/// Texts embedded between two commits to the cache: a run killed midway keeps all but the last
/// checkpoint's work.
pub const CHECKPOINT: usize = 1024;

/// Embeds `texts` (prefixes already applied) through the store's cache; returns vectors in order.
pub async fn embed_cached(
    store: &Store,
    embedder: &Embedder,
    texts: &[String],
) -> anyhow::Result<(Vec<Vec<f32>>, CacheStats)> {
    let hashes: Vec<String> = texts.iter().map(|t| text_hash(t)).collect();
    let mut known = load_cached(store, embedder.model_id(), &hashes).await?;
    let (missing, missing_hashes) = missing_texts(texts, &hashes, |h| known.contains_key(h));
    let distinct = hashes.iter().collect::<std::collections::HashSet<_>>().len();
    let stats = CacheStats { cached: distinct - missing.len(), computed: missing.len(), repeated: texts.len() - distinct };
    let vectors = embed_and_store(store, embedder, &missing, &missing_hashes).await?;
    known.extend(missing_hashes.into_iter().zip(vectors));
    let out = hashes.iter().map(|h| known[h].clone()).collect();
    Ok((out, stats))
}

/// The distinct texts whose hash `known` does not hold, with their hashes, longest last.
pub(super) fn missing_texts(texts: &[String], hashes: &[String], known: impl Fn(&str) -> bool) -> (Vec<String>, Vec<String>) {
    let mut queued = std::collections::HashSet::new();
    let mut missing: Vec<(String, String)> = texts
        .iter()
        .zip(hashes)
        .filter(|(_, h)| !known(h) && queued.insert(h.as_str()))
        .map(|(t, h)| (t.clone(), h.clone()))
        .collect();
    // Sorted by length across checkpoints too, so each batch pads little.
    missing.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then_with(|| a.1.cmp(&b.1)));
    missing.into_iter().unzip()
}

/// Embeds `texts` and writes their vectors to the cache, committing every [`CHECKPOINT`] texts.
pub(super) async fn embed_and_store(
    store: &Store,
    embedder: &Embedder,
    texts: &[String],
    hashes: &[String],
) -> anyhow::Result<Vec<Vec<f32>>> {
    let progress = progress_bar(texts.len() as u64, "embedding");
    let mut out = Vec::with_capacity(texts.len());
    for (part, part_hashes) in texts.chunks(CHECKPOINT).zip(hashes.chunks(CHECKPOINT)) {
        let vectors = tokio::task::block_in_place(|| embedder.embed_with_progress(part, &progress))?;
        let mut tx = store.pool().begin().await?;
        insert_vectors(&mut tx, embedder.model_id(), part_hashes, &vectors).await?;
        tx.commit().await?;
        out.extend(vectors);
    }
    progress.finish_and_clear();
    Ok(out)
}

/// Writes vectors to the cache inside a transaction; a vector already there is kept.
pub async fn insert_vectors(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    model: &str,
    hashes: &[String],
    vectors: &[Vec<f32>],
) -> Result<(), sqlx::Error> {
    let rows: Vec<(&String, &Vec<f32>)> = hashes.iter().zip(vectors).collect();
    for chunk in rows.chunks(crate::store::rows_per_statement(3)) {
        let sql = format!(
            "INSERT INTO embeddings (model, text_hash, vector) VALUES {} ON CONFLICT (model, text_hash) DO NOTHING",
            crate::store::values_rows(chunk.len(), 3)
        );
        let mut q = sqlx::query(&sql);
        for (h, v) in chunk {
            q = q.bind(model).bind(*h).bind(vector_to_bytes(v));
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

async fn load_cached(store: &Store, model: &str, hashes: &[String]) -> anyhow::Result<HashMap<String, Vec<f32>>> {
    let mut found = HashMap::new();
    // Each distinct hash asked once: a desk's answers are mostly a few templates.
    let mut seen = HashSet::new();
    let hashes: Vec<&String> = hashes.iter().filter(|h| seen.insert(h.as_str())).collect();
    for chunk in hashes.chunks(crate::store::rows_per_statement(1)) {
        let sql = format!(
            "SELECT text_hash, vector FROM embeddings WHERE model = $1 AND text_hash IN ({})",
            crate::store::placeholders(2, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (String, Vec<u8>)>(&sql).bind(model);
        for h in chunk {
            q = q.bind(h);
        }
        for (h, bytes) in q.fetch_all(store.pool()).await? {
            found.insert(h, vector_from_bytes(&bytes));
        }
    }
    Ok(found)
}

/// The hashes of `hashes` that `table` (`embeddings` or `token_states`) holds for `model`, without
/// reading the vectors.
pub(super) async fn cached_hashes(store: &Store, table: &'static str, model: &str, hashes: &[String]) -> anyhow::Result<HashSet<String>> {
    let mut found = HashSet::new();
    for chunk in hashes.chunks(crate::store::rows_per_statement(1)) {
        let sql = format!(
            "SELECT text_hash FROM {table} WHERE model = $1 AND text_hash IN ({})",
            crate::store::placeholders(2, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (String,)>(&sql).bind(model);
        for h in chunk {
            q = q.bind(h);
        }
        found.extend(q.fetch_all(store.pool()).await?.into_iter().map(|(h,)| h));
    }
    Ok(found)
}

/// The token states of `texts` (prefixes applied) through the cache: the missing ones are
/// computed with their pooled vectors in one inference, and both are stored, committing every
/// [`CHECKPOINT`] texts. Returns the states in order and how many texts were embedded now.
pub async fn token_states_cached(store: &Store, embedder: &Embedder, texts: &[String]) -> anyhow::Result<(Vec<TokenStates>, usize)> {
    let hashes: Vec<String> = texts.iter().map(|t| text_hash(t)).collect();
    let mut known = load_token_states(store, embedder.model_id(), &hashes).await?;
    let (missing, missing_hashes) = missing_texts(texts, &hashes, |h| known.contains_key(h));
    let states = embed_tokens_and_store(store, embedder, &missing, &missing_hashes, true).await?;
    known.extend(missing_hashes.into_iter().zip(states));
    // Moved out at a text's last occurrence, cloned before: one copy of the states, not two
    // (about 1 GB at 100k questions).
    let mut left: HashMap<&str, usize> = HashMap::new();
    hashes.iter().for_each(|h| *left.entry(h.as_str()).or_default() += 1);
    let out = hashes
        .iter()
        .map(|h| {
            let n = left.get_mut(h.as_str()).expect("counted");
            *n -= 1;
            if *n == 0 { known.remove(h).unwrap_or_default() } else { known[h].clone() }
        })
        .collect();
    Ok((out, missing.len()))
}

/// Embeds `texts` keeping their token states, and writes both to the cache, committing every
/// [`CHECKPOINT`] texts. The states are returned when `keep` is set; else none are held beyond a
/// checkpoint's (100k distinct answers' states are about 4.9 GB).
pub(super) async fn embed_tokens_and_store(store: &Store, embedder: &Embedder, texts: &[String], hashes: &[String], keep: bool) -> anyhow::Result<Vec<TokenStates>> {
    let progress = progress_bar(texts.len() as u64, "embedding");
    let mut out = Vec::with_capacity(texts.len());
    for (part, part_hashes) in texts.chunks(CHECKPOINT).zip(hashes.chunks(CHECKPOINT)) {
        let got = tokio::task::block_in_place(|| embedder.embed_tokens(part, &progress))?;
        let (vectors, states): (Vec<Vec<f32>>, Vec<TokenStates>) = got.into_iter().unzip();
        let mut tx = store.pool().begin().await?;
        insert_vectors(&mut tx, embedder.model_id(), part_hashes, &vectors).await?;
        insert_token_states(&mut tx, embedder.model_id(), part_hashes, &states).await?;
        tx.commit().await?;
        if keep {
            out.extend(states);
        }
    }
    progress.finish_and_clear();
    Ok(out)
}

pub(crate) async fn insert_token_states(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    model: &str,
    hashes: &[String],
    states: &[TokenStates],
) -> Result<(), sqlx::Error> {
    let rows: Vec<(&String, &TokenStates)> = hashes.iter().zip(states).collect();
    for chunk in rows.chunks(crate::store::rows_per_statement(4)) {
        let sql = format!(
            "INSERT INTO token_states (model, text_hash, ids, states) VALUES {} ON CONFLICT (model, text_hash) DO NOTHING",
            crate::store::values_rows(chunk.len(), 4)
        );
        let mut q = sqlx::query(&sql);
        for (h, t) in chunk {
            let (ids, states) = t.to_bytes();
            q = q.bind(model).bind(*h).bind(ids).bind(states);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Cached token states of `hashes` for `model`; a row that does not decode is left out (and so
/// computed again).
async fn load_token_states(store: &Store, model: &str, hashes: &[String]) -> anyhow::Result<HashMap<String, TokenStates>> {
    let mut found = HashMap::new();
    for chunk in hashes.chunks(crate::store::rows_per_statement(1)) {
        let sql = format!(
            "SELECT text_hash, ids, states FROM token_states WHERE model = $1 AND text_hash IN ({})",
            crate::store::placeholders(2, chunk.len())
        );
        let mut q = sqlx::query_as::<_, (String, Vec<u8>, Vec<u8>)>(&sql).bind(model);
        for h in chunk {
            q = q.bind(h);
        }
        for (h, ids, states) in q.fetch_all(store.pool()).await? {
            if let Some(t) = TokenStates::from_bytes(&ids, &states) {
                found.insert(h, t);
            }
        }
    }
    Ok(found)
}
