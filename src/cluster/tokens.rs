//! Token matching: how well each word of one question finds a counterpart among the words of
//! another, by the model's contextual token vectors (BERTScore, Zhang et al. 2020), weighted by the
//! tokens' inverse document frequency. Mean pooling blurs the one word that tells two sibling
//! intents apart ("get a virtual card" against "get a *disposable* virtual card"); matching token
//! by token keeps it.
//!
//! The embedding stage keeps each question's content-token states ([`TokenStates`], from the same
//! inference as its pooled vector); [`Tokens::build`] turns a set of them into unit vectors
//! centred on the set's mean token and projected onto its strongest directions, each weighted by
//! ln(N / df) of its token id. docs/BENCHMARKS.md has what it measured.

use std::collections::HashMap;
use std::io::{Error, ErrorKind};
use std::path::Path;

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

use half::f16;
use half::slice::HalfFloatSliceExt as _;

use crate::vector::TokenStates;

/// The content tokens of each question as unit vectors, each with a weight.
#[derive(Debug, Clone, Default)]
pub struct Tokens {
    /// Dimension of a token vector.
    pub d: usize,
    /// Question `i`'s tokens are `start[i]..start[i + 1]` (their weights).
    pub start: Vec<usize>,
    /// Each question's token vectors, row-major, in half precision (100k questions hold about
    /// 1.6M tokens: 1.2 GB so, 2.4 GB as f32); converted back per question for the products.
    pub rows: Vec<Vec<f16>>,
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

    /// Token vectors of a set of questions: centred on the set's mean token, projected onto the
    /// `dims` strongest principal directions of the centred tokens (all of them when `dims` is 0 or
    /// at least the model's dimension), L2-normalised; weighted by ln(N / df), df being the number
    /// of questions holding the token id. A question whose states do not fit its ids has no
    /// tokens. The states are consumed, and without a projection rewritten in place, so the
    /// largest sets need no second copy.
    pub fn build(mut states: Vec<TokenStates>, dims: usize) -> Tokens {
        let n = states.len();
        let dim_of = |t: &TokenStates| if t.ids.is_empty() { 0 } else { t.states.len() / t.ids.len() };
        let big_d = states.iter().map(dim_of).max().unwrap_or(0);
        let fits = |t: &TokenStates| big_d > 0 && !t.ids.is_empty() && t.states.len() == t.ids.len() * big_d;
        let mut df: HashMap<u32, usize> = HashMap::new();
        let mut mean = vec![0f64; big_d];
        let mut total = 0usize;
        for t in states.iter().filter(|t| fits(t)) {
            let mut ids = t.ids.clone();
            ids.sort_unstable();
            ids.dedup();
            ids.into_iter().for_each(|id| *df.entry(id).or_default() += 1);
            for row in t.states.chunks_exact(big_d) {
                mean.iter_mut().zip(row).for_each(|(m, x)| *m += x.to_f64());
            }
            total += t.ids.len();
        }
        mean.iter_mut().for_each(|m| *m /= total.max(1) as f64);
        let mean: Vec<f32> = mean.into_iter().map(|m| m as f32).collect();
        let centred = |t: &TokenStates, out: &mut Vec<f32>| {
            for row in t.states.chunks_exact(big_d) {
                out.extend(row.iter().zip(&mean).map(|(x, m)| x.to_f32() - m));
            }
        };
        let basis = if dims > 0 && dims < big_d {
            let refs: Vec<&TokenStates> = states.iter().collect();
            Some(principal_directions(&refs, big_d, dims, &centred, &fits))
        } else {
            None
        };
        let d = basis.as_ref().map_or(big_d, |b| b.ncols());
        let mut start = Vec::with_capacity(n + 1);
        let mut weights = Vec::with_capacity(total);
        start.push(0);
        for t in &mut states {
            if fits(t) {
                weights.extend(t.ids.iter().map(|id| (n as f32 / df[id] as f32).ln()));
            } else {
                *t = TokenStates::default();
            }
            start.push(weights.len());
        }
        let unit = |v: &mut [f32]| {
            for row in v.chunks_exact_mut(d) {
                let norm = row.iter().map(|x| x * x).sum::<f32>().sqrt();
                if norm > 0.0 {
                    row.iter_mut().for_each(|x| *x /= norm);
                }
            }
        };
        let rows = states
            .into_par_iter()
            .map(|mut t| {
                let mut raw = Vec::with_capacity(t.states.len());
                centred(&t, &mut raw);
                match &basis {
                    Some(b) => {
                        let x = ArrayView2::from_shape((raw.len() / big_d, big_d), &raw).expect("whole rows");
                        let mut v = matmul(&x, &b.view());
                        unit(&mut v);
                        let mut half = vec![f16::ZERO; v.len()];
                        half.convert_from_f32_slice(&v);
                        half
                    }
                    None => {
                        unit(&mut raw);
                        t.states.convert_from_f32_slice(&raw);
                        std::mem::take(&mut t.states)
                    }
                }
            })
            .collect();
        Tokens { d, start, rows, weights }
    }

    /// Reads token states written by `kbforge eval cluster` beside its vector dump
    /// (`KBFORGE_EVAL_DUMP`), little-endian: `n: u32`, then per question `m: u32`, `m` ids (u32),
    /// `bytes: u32` and that many bytes of f16 states.
    /// At most `limit` questions are read.
    pub fn read_states(path: &Path, limit: usize) -> std::io::Result<Vec<TokenStates>> {
        use std::io::Read as _;
        let bad = |what: String| Error::new(ErrorKind::InvalidData, format!("`{}`: {what}", path.display()));
        // Streamed: at 100k questions the file is about 1 GB.
        let mut file = std::io::BufReader::new(std::fs::File::open(path)?);
        let mut at = 0usize;
        let mut take = |len: usize| -> std::io::Result<Vec<u8>> {
            let mut b = vec![0u8; len];
            file.read_exact(&mut b).map_err(|_| bad(format!("ends early, at byte {at}")))?;
            at += len;
            Ok(b)
        };
        let word = |b: Vec<u8>| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
        let n = word(take(4)?);
        let mut out = Vec::with_capacity(n.min(limit));
        for q in 0..n.min(limit) {
            let m = word(take(4)?);
            let ids = take(4 * m)?;
            let len = word(take(4)?);
            let states = take(len)?;
            out.push(TokenStates::from_bytes(&ids, &states).ok_or_else(|| bad(format!("question {q}: states do not fit its {m} ids")))?);
        }
        if limit >= n && take(1).is_ok() {
            return Err(bad(format!("bytes after the last of {n} questions")));
        }
        Ok(out)
    }

    /// Writes what [`Tokens::read_states`] reads.
    pub fn write_states(path: &Path, states: &[TokenStates]) -> std::io::Result<()> {
        let mut out: Vec<u8> = Vec::new();
        out.extend((states.len() as u32).to_le_bytes());
        for t in states {
            let (ids, bytes) = t.to_bytes();
            out.extend((t.ids.len() as u32).to_le_bytes());
            out.extend(ids);
            out.extend((bytes.len() as u32).to_le_bytes());
            out.extend(bytes);
        }
        std::fs::write(path, out)
    }

    /// Symmetric BERTScore of question `i` with each of `others`: for each side, the weighted mean
    /// over its tokens of the best cosine with any token of the other; the mean of both sides. 0
    /// when either has no tokens. One matrix product for all of `others`.
    pub fn scores(&self, i: usize, others: &[usize]) -> Vec<f32> {
        let d = self.d;
        let a = self.start[i]..self.start[i + 1];
        if a.is_empty() || others.is_empty() {
            return vec![0.0; others.len()];
        }
        let mut b: Vec<f32> = Vec::new();
        let mut spans = Vec::with_capacity(others.len());
        for &j in others {
            let (from, to) = (self.start[j], self.start[j + 1]);
            spans.push((b.len() / d, to - from, from));
            let at = b.len();
            b.resize(at + (to - from) * d, 0.0);
            self.rows[j].convert_to_f32_slice(&mut b[at..]);
        }
        let cols = b.len() / d;
        if cols == 0 {
            return vec![0.0; others.len()];
        }
        let mut own = vec![0f32; a.len() * d];
        self.rows[i].convert_to_f32_slice(&mut own);
        let av = ArrayView2::from_shape((a.len(), d), &own).expect("whole rows");
        let bv = ArrayView2::from_shape((cols, d), &b).expect("whole rows");
        let sims = matmul(&av, &bv.t());
        let wa = &self.weights[a.clone()];
        let weight_a: f32 = wa.iter().sum::<f32>().max(1e-9);
        spans
            .iter()
            .map(|&(col, m, from)| {
                if m == 0 {
                    return 0.0;
                }
                // Row x of the block is sims[x][col..col + m].
                let row = |x: usize| &sims[x * cols + col..x * cols + col + m];
                let side_a: f32 = wa.iter().enumerate().map(|(x, w)| w * row(x).iter().fold(f32::MIN, |p, q| p.max(*q))).sum();
                let mut best_b = vec![f32::MIN; m];
                for x in 0..wa.len() {
                    best_b.iter_mut().zip(row(x)).for_each(|(b, s)| *b = b.max(*s));
                }
                let wb = &self.weights[from..from + m];
                let side_b: f32 = wb.iter().zip(&best_b).map(|(w, b)| w * b).sum();
                0.5 * (side_a / weight_a + side_b / wb.iter().sum::<f32>().max(1e-9))
            })
            .collect()
    }

    /// [`Tokens::scores`] of one pair.
    pub fn score(&self, i: usize, j: usize) -> f32 {
        self.scores(i, &[j])[0]
    }
}

/// `a · b`, row-major.
fn matmul(a: &ArrayView2<f32>, b: &ArrayView2<f32>) -> Vec<f32> {
    let mut c = Array2::<f32>::zeros((a.nrows(), b.ncols()));
    ndarray::linalg::general_mat_mul(1.0, a, b, 0.0, &mut c);
    c.into_raw_vec_and_offset().0
}

/// The `k` strongest principal directions (as the columns of a `d × k` matrix) of the centred
/// tokens of at most 3,000 evenly spaced questions, by subspace iteration from a fixed start, so
/// runs repeat exactly.
fn principal_directions(
    states: &[&TokenStates],
    d: usize,
    k: usize,
    centred: &dyn Fn(&TokenStates, &mut Vec<f32>),
    fits: &dyn Fn(&TokenStates) -> bool,
) -> Array2<f32> {
    let stride = states.len().div_ceil(3_000).max(1);
    let mut raw = Vec::new();
    states.iter().step_by(stride).filter(|t| fits(t)).for_each(|t| centred(t, &mut raw));
    let x = ArrayView2::from_shape((raw.len() / d, d), &raw).expect("whole rows");
    let cov = x.t().dot(&x).mapv(f64::from);
    let mut q = Array2::from_shape_fn((d, k), |(a, j)| if a == j { 1.0 } else { ((a * 31 + j * 17) % 13) as f64 / 130.0 });
    for _ in 0..12 {
        q = cov.dot(&q);
        // Modified Gram-Schmidt keeps the columns orthonormal.
        for j in 0..k {
            for p in 0..j {
                let (done, mut col) = (q.column(p).to_owned(), q.column_mut(j));
                let proj = done.dot(&col);
                col.scaled_add(-proj, &done);
            }
            let norm = q.column(j).dot(&q.column(j)).sqrt().max(1e-300);
            q.column_mut(j).mapv_inplace(|x| x / norm);
        }
    }
    q.mapv(|x| x as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Questions as lists of token axes in 4 dimensions, weight 1 each.
    fn tokens(questions: &[&[usize]]) -> Tokens {
        let mut t = Tokens { d: 4, start: vec![0], ..Default::default() };
        for q in questions {
            let mut row = Vec::new();
            for &axis in *q {
                row.extend((0..4).map(|a| f16::from_f32(if a == axis { 1.0 } else { 0.0 })));
                t.weights.push(1.0);
            }
            t.rows.push(row);
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
    fn writes_and_reads_states_and_names_a_short_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("set.tokens");
        let f = |x: f32| half::f16::from_f32(x);
        let states = vec![
            TokenStates { ids: vec![7, 8], states: vec![f(1.0), f(0.0), f(0.5), f(-2.0)] },
            TokenStates::default(),
        ];
        Tokens::write_states(&path, &states).unwrap();
        assert_eq!(Tokens::read_states(&path, usize::MAX).unwrap(), states);
        assert_eq!(Tokens::read_states(&path, 1).unwrap(), states[..1]);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 6]).unwrap();
        let err = Tokens::read_states(&path, usize::MAX).unwrap_err().to_string();
        assert!(err.contains("set.tokens") && err.contains("ends early"), "{err}");
    }

    #[test]
    fn build_centres_weights_by_rarity_and_projects() {
        let f = |x: f32| half::f16::from_f32(x);
        // Three questions in 3 dimensions; token 1 is in all of them, token 2 in one.
        let q = |ids: Vec<u32>, rows: &[[f32; 3]]| TokenStates { ids, states: rows.iter().flatten().map(|x| f(*x)).collect() };
        let states = [
            q(vec![1, 2], &[[1.0, 1.0, 0.0], [1.0, 0.0, 2.0]]),
            q(vec![1], &[[1.0, -1.0, 0.0]]),
            q(vec![1], &[[1.0, 1.0, -2.0]]),
            TokenStates::default(),
        ];
        let t = Tokens::build(states.to_vec(), 0);
        assert_eq!((t.d, t.start.clone()), (3, vec![0, 2, 3, 4, 4]));
        let n = 4f32;
        assert!((t.weights[0] - (n / 3.0).ln()).abs() < 1e-6 && (t.weights[1] - (n / 1.0).ln()).abs() < 1e-6);
        // The mean token (1, 0.25, 0) is gone: axis 0 no longer counts.
        let v: Vec<f32> = t.rows.concat().iter().map(|x| x.to_f32()).collect();
        assert!(v.chunks(3).all(|v| v[0].abs() < 1e-3 && (v.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-3), "{v:?}");
        // Projected onto the strongest direction (axis 2, where the centred tokens vary most).
        let p = Tokens::build(states.to_vec(), 1);
        assert_eq!(p.d, 1);
        // Axis 2 dominates that direction, with some of axis 1: the 1-d tokens are ±1, in the signs
        // of their projections (-0.24, 1.98, 0.4, -2.14 up to a common sign).
        let v: Vec<f32> = p.rows.concat().iter().map(|x| x.to_f32()).collect();
        assert!(v.iter().all(|x| (x.abs() - 1.0).abs() < 1e-3), "{v:?}");
        assert!(v[0] == -v[1] && v[1] == v[2] && v[2] == -v[3], "{v:?}");
        assert!((p.score(0, 0) - 1.0).abs() < 1e-3);
    }
}
