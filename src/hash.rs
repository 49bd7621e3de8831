//! Text hashing: the key of the embedding cache, of clean and draft fingerprints and of cluster
//! ids. SHA-256 in hex, so a key is the same on every machine and in every store.

use sha2::{Digest, Sha256};

/// Hash of a text as the cache sees it (prefix included).
pub fn text_hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}
