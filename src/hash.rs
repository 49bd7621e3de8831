//! Text hashing: the key of the embedding cache, of clean and draft fingerprints and of cluster
//! ids. SHA-256 in hex, so a key is the same on every machine and in every store. Beside it, the
//! fixed pseudo-random sequence that samples and tests draw from, so they repeat exactly too.

use sha2::{Digest, Sha256};

/// Hash of a text as the cache sees it (prefix included).
pub fn text_hash(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A fixed pseudo-random sequence: a 64-bit linear congruential generator (Knuth's MMIX
/// constants). Not for anything secret; what is drawn from one seed is the same on every machine
/// and in every run.
#[derive(Debug, Clone)]
pub struct Sequence(u64);

impl Sequence {
    pub fn new(seed: u64) -> Sequence {
        Sequence(seed)
    }

    /// The generator's next state, all 64 bits (the high ones are the most random).
    pub fn next_state(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_state() >> 33) % n as u64) as usize
    }

    /// A number in [-0.5, 0.5).
    pub fn centred(&mut self) -> f32 {
        (self.next_state() >> 33) as f32 / (1u64 << 31) as f32 - 0.5
    }
}
