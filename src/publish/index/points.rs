//! What a point is and how an article becomes points: one per title and "also asked" phrasing
//! (embedded as questions), one for the whole article and one per chunk (as passages), each with
//! a deterministic id, a content hash and the words its sparse BM25 vector weighs.

use std::collections::BTreeMap;

use serde_json::json;
use sha2::{Digest, Sha256};

use super::{chunk, IndexConfig};
use crate::embed::Embedder;
use crate::kb::{Article, Audience};
use crate::publish::site::SiteConfig;

/// Bumped when what a point holds changes, so every point is rewritten once.
pub(super) const POINT_VERSION: &str = "3";

/// A point as kbforge wants it in the index.
#[derive(Debug, Clone)]
pub(super) struct PlannedPoint {
    pub(super) id: u64,
    /// Text to embed, prefix included.
    pub(super) embed_text: String,
    pub(super) payload: serde_json::Value,
    pub(super) content_hash: String,
    /// The words the sparse vector weighs (title, heading path and text).
    pub(super) words: String,
}

/// Sparse term id of a stem: the first four bytes of its SHA-256.
pub(super) fn term_id(stem: &str) -> u32 {
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

/// The language of a text ([`crate::kb::detect_language`]).
pub fn language_of(text: &str) -> &'static str {
    crate::kb::detect_language(text)
}

/// Deterministic point id: the same article piece always lands on the same point.
pub(super) fn point_id(key: &str) -> u64 {
    let digest = Sha256::digest(key.as_bytes());
    u64::from_le_bytes(digest[..8].try_into().expect("8 bytes")) >> 1
}

pub(super) fn plan(articles: &[&Article], embedder: &Embedder, config: &IndexConfig, site: &SiteConfig) -> Vec<PlannedPoint> {
    let mut points = Vec::new();
    let passage = &embedder.prefixes().passage;
    let query = &embedder.prefixes().query;
    for article in articles {
        let audience = article.front.audience;
        let url = match (audience, article.front.extra.get("url").and_then(|u| u.as_str())) {
            (_, Some(url)) => url.to_string(),
            (Audience::Public, None) => crate::publish::site::article_url(site, article),
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
        let language = article.language();
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
        // The whole article as one passage: the answer a question is closest to when the article
        // is short, as most help-center articles are. Of a long one the model reads the beginning
        // (clipped here, so that is not reported as a truncation); its chunks cover the rest.
        let whole = format!("{}\n{}", article.front.title, article.body.trim());
        add(format!("{}#article", article.front.id), "article", embedder.clip(&format!("{passage}{whole}")).to_string(), &whole, &title_path);
        for c in chunk::split_into_chunks(article, embedder.tokenizer(), config.chunk_tokens) {
            let embed_text = format!("{passage}{}\n{}", c.heading_path.join(" > "), c.text);
            add(format!("{}#chunk#{}", article.front.id, c.index), "chunk", embed_text, &c.text, &c.heading_path);
        }
    }
    points
}
