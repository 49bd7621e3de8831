//! Token matching: how well each word of one question finds a counterpart among the words of
//! another, by the model's contextual token vectors (BERTScore, Zhang et al. 2020), weighted by the
//! tokens' inverse document frequency. Mean pooling blurs the one word that tells two sibling
//! intents apart ("get a virtual card" against "get a *disposable* virtual card"); matching token
//! by token keeps it.
//!
//! So far only `benches/cluster_quality.rs` supplies token vectors (from a sidecar file written by
//! `benches/token_vectors.py`); the embedding stage keeps pooled vectors alone. docs/BENCHMARKS.md
//! has what it measured.

use std::io::{Error, ErrorKind};
use std::path::Path;

/// The content tokens of each question (special and prefix tokens left out), as unit vectors
/// centred on the mean token of the set, each with a weight.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    /// Dimension of a token vector.
    pub d: usize,
    /// Question `i`'s tokens are `start[i]..start[i + 1]`.
    pub start: Vec<usize>,
    /// The token vectors, flattened row-major.
    pub vecs: Vec<f32>,
    /// One weight per token (its inverse document frequency).
    pub weights: Vec<f32>,
}

impl Tokens {
    /// Number of questions.
    pub fn len(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// Whether there are no questions.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads the sidecar format of `benches/token_vectors.py`, little-endian: `n: u32, d: u32`, then
    /// for each question `m: u32`, `m` weights (f32) and `m × d` vector components (f32).
    pub fn read(path: &Path) -> std::io::Result<Tokens> {
        let bytes = std::fs::read(path)?;
        let bad = |what: &str| Error::new(ErrorKind::InvalidData, format!("`{}`: {what}", path.display()));
        let mut at = 0usize;
        let word = |at: &mut usize| -> std::io::Result<u32> {
            let b = bytes.get(*at..*at + 4).ok_or_else(|| bad(&format!("ends early, at byte {}", *at)))?;
            *at += 4;
            Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        let n = word(&mut at)? as usize;
        let d = word(&mut at)? as usize;
        let mut t = Tokens { d, start: vec![0], ..Default::default() };
        for _ in 0..n {
            let m = word(&mut at)? as usize;
            for _ in 0..m {
                t.weights.push(f32::from_bits(word(&mut at)?));
            }
            for _ in 0..m * d {
                t.vecs.push(f32::from_bits(word(&mut at)?));
            }
            t.start.push(t.weights.len());
        }
        if at != bytes.len() {
            return Err(bad(&format!("{} bytes after the last of {n} questions", bytes.len() - at)));
        }
        Ok(t)
    }

    /// Symmetric BERTScore: for each side, the weighted mean over its tokens of the best cosine
    /// with any token of the other; the mean of both sides. 0 when either has no tokens.
    pub fn score(&self, i: usize, j: usize) -> f32 {
        let d = self.d;
        let (a, b) = (self.start[i]..self.start[i + 1], self.start[j]..self.start[j + 1]);
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        let mut best_b = vec![f32::MIN; b.len()];
        let (mut sum_a, mut weight_a) = (0f32, 0f32);
        for x in a {
            let vx = &self.vecs[x * d..(x + 1) * d];
            let mut best = f32::MIN;
            for (slot, y) in best_b.iter_mut().zip(b.clone()) {
                let s: f32 = vx.iter().zip(&self.vecs[y * d..(y + 1) * d]).map(|(p, q)| p * q).sum();
                best = best.max(s);
                *slot = slot.max(s);
            }
            sum_a += self.weights[x] * best;
            weight_a += self.weights[x];
        }
        let (sum_b, weight_b) = b.zip(&best_b).fold((0f32, 0f32), |(s, w), (y, best)| (s + self.weights[y] * best, w + self.weights[y]));
        0.5 * (sum_a / weight_a.max(1e-9) + sum_b / weight_b.max(1e-9))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Questions as lists of token axes in 4 dimensions, weight 1 each.
    fn tokens(questions: &[&[usize]]) -> Tokens {
        let mut t = Tokens { d: 4, start: vec![0], ..Default::default() };
        for q in questions {
            for &axis in *q {
                t.vecs.extend((0..4).map(|a| if a == axis { 1.0 } else { 0.0 }));
                t.weights.push(1.0);
            }
            t.start.push(t.weights.len());
        }
        t
    }

    #[test]
    fn one_extra_word_lowers_the_match() {
        // "get virtual card", "get virtual card" again, "get disposable virtual card", nothing.
        let t = tokens(&[&[0, 1, 2], &[0, 1, 2], &[0, 3, 1, 2], &[]]);
        assert!((t.score(0, 1) - 1.0).abs() < 1e-6);
        // Every token of the shorter finds its match; "disposable" finds none on the other side.
        assert!((t.score(0, 2) - 0.5 * (1.0 + 0.75)).abs() < 1e-6);
        assert_eq!(t.score(0, 2), t.score(2, 0));
        assert_eq!(t.score(0, 3), 0.0);
    }

    #[test]
    fn reads_what_the_script_writes_and_names_a_short_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("set.tokens");
        let mut bytes: Vec<u8> = Vec::new();
        let mut put = |v: u32| bytes.extend(v.to_le_bytes());
        put(2); // questions
        put(2); // dimension
        put(1);
        put(2.0f32.to_bits());
        [1.0f32, 0.0].iter().for_each(|x| put(x.to_bits()));
        put(0);
        std::fs::write(&path, &bytes).unwrap();
        let t = Tokens::read(&path).unwrap();
        assert_eq!((t.len(), t.d, t.weights.clone(), t.vecs.clone()), (2, 2, vec![2.0], vec![1.0, 0.0]));
        std::fs::write(&path, &bytes[..bytes.len() - 6]).unwrap();
        let err = Tokens::read(&path).unwrap_err().to_string();
        assert!(err.contains("set.tokens") && err.contains("ends early"), "{err}");
    }
}
