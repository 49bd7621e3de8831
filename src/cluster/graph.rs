//! The default clustering: a nearest-neighbour graph cut into communities, then incoherent
//! communities split by the vectors themselves. No n×n matrix anywhere; the defaults are the same
//! on every data set and the number of intents is never given.
//!
//! 1. **Centre** the vectors (subtract their mean, re-normalise). Sentence embeddings share a large
//!    common direction; without it, cosine similarity tells intents apart much better. Then remove
//!    the strongest remaining direction ([`GraphConfig::drop_directions`], "all but the top",
//!    Mu & Viswanath 2018): it is a broad axis between groups of intents (6–10% of the variance
//!    on the labelled sets, mostly explained by intent), and left in, it makes every two intents
//!    on the same side of it look alike, so the finer differences that tell them apart count less.
//! 2. **kNN graph** ([`super::knn`], k = [`GraphConfig::k`]): each question linked to its nearest
//!    neighbours, weight max(similarity, 0), made symmetric. The similarity mixes the cosine of the
//!    vectors with the questions' words ([`GraphConfig::lexical`]) and, given the model's token
//!    states, token matching ([`GraphConfig::token_match`], [`super::tokens`]) over the
//!    [`GraphConfig::candidates`] nearest by cosine.
//! 3. **Louvain** on modularity with resolution γ = [`GraphConfig::resolution`]: greedy local moves in
//!    a seeded random order, then aggregation, until nothing moves. Five visiting orders; the most
//!    modular partition is kept.
//! 4. **Coherence split**: a community whose mean pairwise cosine is below
//!    [`GraphConfig::coherence`] mixes intents. It is re-partitioned by vector-CPM Louvain, which
//!    maximises Σ over clusters of Σ over pairs (cos − [`GraphConfig::cpm_gamma`]), moving questions
//!    only towards the clusters of their graph neighbours; cluster sums make a move O(d).
//! 5. **Attach singletons**: a question left alone joins the neighbouring cluster (among its kNN's)
//!    with the highest mean cosine, when that mean is at least [`GraphConfig::attach`]; two still
//!    alone that are each other's most similar lone neighbour, at least as alike, pair up.
//! 6. **Merge**: clusters linked in the kNN graph merge, best pair first (average linkage), while
//!    their mean cross similarity (embeddings and words, [`GraphConfig::merge_lexical`]) is at
//!    least [`GraphConfig::merge`]: one intent worded two ways ends up in one cluster.
//!
//! Labels come out numbered by first appearance.

pub use crate::vector::centre;
use crate::vector::dot;
use std::collections::{BTreeMap, BTreeSet};

use super::knn::{knn, Knn};
use super::moving::{louvain, vector_cpm, Graph};
use super::tokens::Tokens;

/// The settings of the graph method; the defaults were chosen by coordinate ascent over seven
/// labelled question sets and are the same on all of them. Each set's score with the settings the
/// same search picks without it is in docs/BENCHMARKS.md (`benches/loso.rs`).
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct GraphConfig {
    /// Neighbours per question. Default: 15.
    pub k: usize,
    /// Modularity resolution: higher makes smaller communities. Default: 3.0.
    pub resolution: f64,
    /// Communities less coherent than this mean pairwise cosine (of centred vectors) are split.
    /// Default: 0.26.
    pub coherence: f64,
    /// The cosine a pair must beat to be worth keeping together when splitting. Default: 0.36.
    pub cpm_gamma: f64,
    /// Least mean cosine for a lone question to join a neighbouring cluster. Default: 0.32.
    pub attach: f64,
    /// Seed of Louvain's visiting orders. Default: 0.
    pub seed: u64,
    /// Weight of the questions' words (TF-IDF over stems) against their embeddings when choosing
    /// and weighting neighbours; 0 uses the embeddings alone. Default: 0.3.
    pub lexical: f64,
    /// Nearest neighbours by embedding that the words and token matching re-rank. Default: 50.
    pub candidates: usize,
    /// Least mean cross similarity for two neighbouring clusters to merge; 0 turns merging off.
    /// Default: 0.29.
    pub merge: f64,
    /// Weight of the words (TF-IDF) against the embeddings in that similarity. Default: 0.8.
    pub merge_lexical: f64,
    /// Strongest principal directions removed from the centred vectors before anything else;
    /// 0 keeps them. Default: 1.
    pub drop_directions: usize,
    /// Weight of token matching ([`super::tokens`]: each word of a question against the words of
    /// the other, by the model's token states) when choosing and weighting neighbours, taken from
    /// the embeddings' share; 0 turns it off (and the token states are then neither kept nor
    /// read). Default: 0.5.
    pub token_match: f64,
    /// Dimensions the token states are projected onto (their strongest principal directions) for
    /// matching; 0 keeps all. Default: 0.
    pub token_dims: usize,
}

impl Default for GraphConfig {
    fn default() -> Self {
        GraphConfig {
            k: 15,
            resolution: 3.0,
            coherence: 0.26,
            cpm_gamma: 0.36,
            attach: 0.32,
            seed: 0,
            lexical: 0.3,
            candidates: 50,
            merge: 0.29,
            merge_lexical: 0.8,
            drop_directions: 1,
            token_match: 0.5,
            token_dims: 0,
        }
    }
}

/// Clusters unit vectors; one label per vector, numbered by first appearance. `texts` (the cleaned
/// questions, or none) add the lexical opinion on who is whose neighbour.
pub fn cluster(vectors: &[Vec<f32>], texts: &[&str], config: &GraphConfig) -> Vec<usize> {
    cluster_with(vectors, texts, None, config)
}

/// [`cluster`], with the questions' token vectors for token matching (weighted by
/// [`GraphConfig::token_match`]; ignored unless there is one entry per vector).
pub fn cluster_with(vectors: &[Vec<f32>], texts: &[&str], tokens: Option<&Tokens>, config: &GraphConfig) -> Vec<usize> {
    let n = vectors.len();
    if n < 3 {
        return (0..n).map(|i| if n == 2 && dot(&vectors[0], &vectors[1]) > 0.9 { 0 } else { i }).collect();
    }
    let d = vectors[0].len();
    let mut z = centre(vectors);
    drop_top_directions(&mut z, n, d, config.drop_directions);
    let k = config.k.min(n - 1);
    // The questions' words, for choosing neighbours and for merging.
    let lex = if texts.len() == n && (config.lexical > 0.0 || config.merge > 0.0) { crate::lexical::tfidf(texts) } else { Vec::new() };
    let tokens = tokens.filter(|t| config.token_match > 0.0 && t.len() == n);
    let nn = if (!lex.is_empty() && config.lexical > 0.0) || tokens.is_some() {
        hybrid_knn(&z, d, &lex, tokens, k, config)
    } else {
        knn(&z, d, k)
    };
    let graph = Graph::from_knn(&nn, n);
    // Louvain's result depends on its visiting order: of five orders, the most modular partition
    // (label-free, and steadier across seeds than any one order).
    use rayon::prelude::*;
    let tries: Vec<(Vec<usize>, f64)> = (0..LOUVAIN_TRIES)
        .into_par_iter()
        .map(|s| louvain(&graph, config.resolution, config.seed.wrapping_add(s * 1_000_003)))
        .map(|c| {
            let q = modularity(&graph, &c, config.resolution);
            (c, q)
        })
        .collect();
    let communities = first_best(tries.into_iter()).map(|(c, _)| c).unwrap_or_default();
    let split = coherence_split(&z, d, &communities, &graph, config);
    let attached = attach_singletons(&z, d, &split, &nn, config.attach);
    if config.merge <= 0.0 {
        return super::renumber(attached);
    }
    let a = if lex.is_empty() { 0.0 } else { config.merge_lexical };
    super::renumber(merge_clusters(&z, d, &lex, &attached, &nn, a, config.merge))
}

/// Neighbours by `(1 − lexical − t) · cos(embeddings) + lexical · cos(TF-IDF) + t · token match`
/// (`t` = [`GraphConfig::token_match`], 0 without tokens): the `candidates` nearest by embedding,
/// re-ranked, the best `k` kept (ties to the lower index).
fn hybrid_knn(z: &[f32], d: usize, lex: &[crate::lexical::Sparse], tokens: Option<&Tokens>, k: usize, config: &GraphConfig) -> Knn {
    use rayon::prelude::*;
    let n = z.len() / d;
    let wide = knn(z, d, config.candidates.max(k).min(n - 1));
    let a = if lex.is_empty() { 0.0 } else { config.lexical as f32 };
    let t = if tokens.is_some() { config.token_match as f32 } else { 0.0 };
    let lexical = |i: usize, j: usize| if a > 0.0 { crate::lexical::dot(&lex[i], &lex[j]) } else { 0.0 };
    let rows = (0..n)
        .into_par_iter()
        .map(|i| {
            let near: Vec<(usize, f32)> = wide.of(i).collect();
            let others: Vec<usize> = near.iter().map(|&(j, _)| j).collect();
            let matched = tokens.map_or_else(|| vec![0.0; others.len()], |tokens| tokens.scores(i, &others));
            let mut cands: Vec<(u32, f32)> = near
                .iter()
                .zip(matched)
                .map(|(&(j, s), m)| (j as u32, (1.0 - a - t) * s + a * lexical(i, j) + t * m))
                .collect();
            cands.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
            cands.truncate(k);
            cands
        })
        .collect();
    super::knn::into_knn(rows, k)
}

/// Removes the `m` strongest principal directions from the rows of `z` (centred unit vectors, n × d)
/// and re-normalises them. The directions come from the covariance of at most 10,000 evenly spaced
/// rows (plenty for the leading ones; it keeps the cost flat at 100k), by power iteration with
/// deflation from a fixed start, so runs repeat exactly.
pub fn drop_top_directions(z: &mut [f32], n: usize, d: usize, m: usize) {
    if m == 0 || n < 3 || d == 0 {
        return;
    }
    let stride = n.div_ceil(10_000);
    let mut cov = vec![0f64; d * d];
    for i in (0..n).step_by(stride) {
        let v = &z[i * d..(i + 1) * d];
        for a in 0..d {
            let va = v[a] as f64;
            let row = &mut cov[a * d..(a + 1) * d];
            row[a..].iter_mut().zip(&v[a..]).for_each(|(c, x)| *c += va * *x as f64);
        }
    }
    for a in 0..d {
        for b in 0..a {
            cov[a * d + b] = cov[b * d + a];
        }
    }
    let unit = |v: &mut Vec<f64>| {
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-300);
        v.iter_mut().for_each(|x| *x /= norm);
    };
    let mut dirs: Vec<Vec<f64>> = Vec::new();
    for j in 0..m.min(d) {
        let mut v: Vec<f64> = (0..d).map(|a| 1.0 + ((a * 31 + j * 17) % 7) as f64 / 7.0).collect();
        unit(&mut v);
        for _ in 0..300 {
            let mut w: Vec<f64> = cov.chunks_exact(d).map(|row| row.iter().zip(&v).map(|(c, x)| c * x).sum()).collect();
            dirs.iter().for_each(|u| project_out(&mut w, u));
            unit(&mut w);
            let change: f64 = w.iter().zip(&v).map(|(x, y)| (x - y).abs()).sum();
            v = w;
            if change < 1e-10 {
                break;
            }
        }
        dirs.push(v);
    }
    for row in z.chunks_exact_mut(d) {
        let mut r: Vec<f64> = row.iter().map(|x| *x as f64).collect();
        dirs.iter().for_each(|u| project_out(&mut r, u));
        let norm = r.iter().map(|x| x * x).sum::<f64>().sqrt().max(1e-12);
        row.iter_mut().zip(&r).for_each(|(x, y)| *x = (y / norm) as f32);
    }
}

/// `v` minus its component along the unit vector `u`.
fn project_out(v: &mut [f64], u: &[f64]) {
    let p: f64 = v.iter().zip(u).map(|(x, y)| x * y).sum();
    v.iter_mut().zip(u).for_each(|(x, y)| *x -= p * y);
}

 /// The item with the highest score, the first of equals.
fn first_best<T>(items: impl Iterator<Item = (T, f64)>) -> Option<(T, f64)> {
    items.fold(None, |best, x| match best {
        Some(b) if b.1 >= x.1 => Some(b),
        _ => Some(x),
    })
}

/// Louvain runs (visiting orders) per clustering; the most modular partition is kept.
const LOUVAIN_TRIES: u64 = 5;

/// Modularity of a partition at `resolution`: Σ over communities of (inner weight / total weight −
/// resolution · (degree sum / total weight)²).
fn modularity(graph: &Graph, labels: &[usize], resolution: f64) -> f64 {
    let count = labels.iter().copied().max().map_or(0, |m| m + 1);
    let (mut inner, mut degree) = (vec![0f64; count], vec![0f64; count]);
    for i in 0..graph.len() {
        for (j, w) in graph.edges(i) {
            degree[labels[i]] += w;
            if labels[i] == labels[j] {
                inner[labels[i]] += w;
            }
        }
    }
    let m2: f64 = degree.iter().sum();
    if m2 <= 0.0 {
        return 0.0;
    }
    inner.iter().zip(&degree).map(|(l, d)| l / m2 - resolution * (d / m2).powi(2)).sum()
}

/// Re-partitions each community whose mean pairwise cosine is below `coherence` by vector-CPM on the
/// graph restricted to it.
fn coherence_split(z: &[f32], d: usize, communities: &[usize], graph: &Graph, config: &GraphConfig) -> Vec<usize> {
    let count = communities.iter().copied().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (i, &c) in communities.iter().enumerate() {
        members[c].push(i);
    }
    let mut out = vec![0usize; communities.len()];
    let mut next = 0;
    for idx in members.iter().filter(|m| !m.is_empty()) {
        let n = idx.len();
        let mut sum = vec![0f64; d];
        for &i in idx {
            sum.iter_mut().zip(&z[i * d..(i + 1) * d]).for_each(|(s, x)| *s += *x as f64);
        }
        let coherent = n < 3 || {
            let ss: f64 = sum.iter().map(|x| x * x).sum();
            (ss - n as f64) / (n as f64 * (n as f64 - 1.0)) >= config.coherence
        };
        if coherent {
            idx.iter().for_each(|&i| out[i] = next);
            next += 1;
            continue;
        }
        let local: std::collections::HashMap<usize, usize> = idx.iter().enumerate().map(|(l, &i)| (i, l)).collect();
        let mut edges = Vec::new();
        for (l, &i) in idx.iter().enumerate() {
            for (j, w) in graph.edges(i) {
                if let Some(&lj) = local.get(&j) {
                    edges.push((l as u32, lj as u32, w));
                }
            }
        }
        let sub = Graph::from_edges(n, edges);
        let sub_z: Vec<f32> = idx.iter().flat_map(|&i| z[i * d..(i + 1) * d].iter().copied()).collect();
        let parts = vector_cpm(&sub_z, d, &sub, config.cpm_gamma, config.seed);
        let k = parts.iter().copied().max().map_or(0, |m| m + 1);
        for (l, &i) in idx.iter().enumerate() {
            out[i] = next + parts[l];
        }
        next += k;
    }
    out
}

/// Each question alone in its cluster joins the neighbouring cluster with the highest mean cosine,
/// if at least `min_mean`. Decided on the partition before any attachment, so the order is moot.
fn attach_singletons(z: &[f32], d: usize, labels: &[usize], nn: &Knn, min_mean: f64) -> Vec<usize> {
    let count = labels.iter().copied().max().map_or(0, |m| m + 1);
    let mut size = vec![0usize; count];
    let mut sums = vec![vec![0f64; d]; count];
    for (i, &c) in labels.iter().enumerate() {
        size[c] += 1;
        sums[c].iter_mut().zip(&z[i * d..(i + 1) * d]).for_each(|(s, x)| *s += *x as f64);
    }
    let mut out = labels.to_vec();
    for (i, &c) in labels.iter().enumerate() {
        if size[c] != 1 {
            continue;
        }
        let mut cands: Vec<usize> = nn.of(i).map(|(j, _)| labels[j]).filter(|&c| size[c] > 1).collect();
        cands.sort_unstable();
        cands.dedup();
        let v = &z[i * d..(i + 1) * d];
        let best = cands
            .iter()
            .map(|&c| (c, sums[c].iter().zip(v).map(|(s, x)| s * *x as f64).sum::<f64>() / size[c] as f64));
        let best = first_best(best);
        if let Some((c, mean)) = best {
            if mean >= min_mean {
                out[i] = c;
            }
        }
    }
    pair_singletons(z, d, &mut out, nn, min_mean);
    out
}

/// Two questions still alone that are each other's most similar lone neighbour, at least
/// `min_cos` alike, become a cluster of two: with few questions per intent (five, in
/// ru_banking77), two of one intent are often both left out of every cluster.
fn pair_singletons(z: &[f32], d: usize, labels: &mut [usize], nn: &Knn, min_cos: f64) {
    let count = labels.iter().copied().max().map_or(0, |m| m + 1);
    let mut size = vec![0usize; count];
    labels.iter().for_each(|&c| size[c] += 1);
    let alone = |i: usize| size[labels[i]] == 1;
    let row = |i: usize| &z[i * d..(i + 1) * d];
    let best: Vec<Option<usize>> = (0..labels.len())
        .map(|i| {
            if !alone(i) {
                return None;
            }
            let lone = nn.of(i).filter(|&(j, _)| j != i && alone(j)).map(|(j, _)| (j, dot(row(i), row(j)) as f64));
            first_best(lone.filter(|&(_, cos)| cos >= min_cos)).map(|(j, _)| j)
        })
        .collect();
    for i in 0..labels.len() {
        if let Some(j) = best[i] {
            if j > i && best[j] == Some(i) {
                labels[j] = labels[i];
            }
        }
    }
}

/// Greedy average linkage over clusters of 2+ questions linked by a kNN edge: the pair with the
/// highest mean cross similarity `(1 − a)·cos(z) + a·cos(TF-IDF)` merges while it is at least
/// `threshold` (> 0). Cluster sums make a pair's score O(d + words).
fn merge_clusters(z: &[f32], d: usize, lex: &[crate::lexical::Sparse], labels: &[usize], nn: &Knn, a: f64, threshold: f64) -> Vec<usize> {
    let k = labels.iter().copied().max().map_or(0, |m| m + 1);
    let mut size = vec![0f64; k];
    let mut zs = vec![vec![0f64; d]; k];
    let mut ls: Vec<BTreeMap<u32, f64>> = vec![BTreeMap::new(); k];
    for (i, &c) in labels.iter().enumerate() {
        size[c] += 1.0;
        zs[c].iter_mut().zip(&z[i * d..(i + 1) * d]).for_each(|(s, x)| *s += *x as f64);
        for &(t, w) in lex.get(i).map_or(&[][..], Vec::as_slice) {
            *ls[c].entry(t).or_default() += w as f64;
        }
    }
    let mut adj: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); k];
    for (i, &x) in labels.iter().enumerate() {
        for (j, _) in nn.of(i) {
            let y = labels[j];
            if x != y && size[x] >= 2.0 && size[y] >= 2.0 {
                adj[x].insert(y);
                adj[y].insert(x);
            }
        }
    }
    let roots = super::linkage::merge_linked(&mut Mixed { zs, ls, size, a }, adj, &[], threshold);
    labels.iter().map(|&c| roots[c]).collect()
}

/// Clusters as sums of centred vectors and of TF-IDF vectors, scored by the mean cross similarity
/// `(1 − a)·cos + a·TF-IDF`.
struct Mixed {
    zs: Vec<Vec<f64>>,
    ls: Vec<BTreeMap<u32, f64>>,
    size: Vec<f64>,
    a: f64,
}

impl super::linkage::Linked for Mixed {
    fn score(&self, x: usize, y: usize) -> f64 {
        let e: f64 = self.zs[x].iter().zip(&self.zs[y]).map(|(p, q)| p * q).sum();
        let (small, big) = if self.ls[x].len() <= self.ls[y].len() { (&self.ls[x], &self.ls[y]) } else { (&self.ls[y], &self.ls[x]) };
        let l: f64 = small.iter().map(|(t, w)| w * big.get(t).unwrap_or(&0.0)).sum();
        ((1.0 - self.a) * e + self.a * l) / (self.size[x] * self.size[y])
    }

    fn absorb(&mut self, x: usize, y: usize) {
        self.size[x] += self.size[y];
        let zy = std::mem::take(&mut self.zs[y]);
        self.zs[x].iter_mut().zip(&zy).for_each(|(s, v)| *s += v);
        for (t, w) in std::mem::take(&mut self.ls[y]) {
            *self.ls[x].entry(t).or_default() += w;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blobs(centres: usize, per: usize, d: usize, spread: f32) -> (Vec<Vec<f32>>, Vec<usize>) {
        let mut seq = crate::hash::Sequence::new(5);
        let mut rnd = || seq.centred();
        let cs: Vec<Vec<f32>> = (0..centres).map(|_| (0..d).map(|_| rnd()).collect()).collect();
        let mut vectors = Vec::new();
        let mut truth = Vec::new();
        for i in 0..centres * per {
            let c = i % centres;
            let v: Vec<f32> = cs[c].iter().map(|x| x + spread * rnd()).collect();
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            vectors.push(v.iter().map(|x| x / norm).collect());
            truth.push(c);
        }
        (vectors, truth)
    }

    #[test]
    fn finds_well_separated_groups() {
        let (vectors, truth) = blobs(8, 25, 24, 0.3);
        let labels = cluster(&vectors, &[], &GraphConfig::default());
        // Every group is one cluster and no cluster spans two groups.
        for i in 0..vectors.len() {
            for j in 0..vectors.len() {
                assert_eq!(truth[i] == truth[j], labels[i] == labels[j], "{i} {j}");
            }
        }
    }

    #[test]
    fn louvain_splits_two_cliques_joined_by_one_edge() {
        let mut edges = Vec::new();
        for (a, b) in [(0, 4), (4, 8)] {
            for i in a..b {
                for j in a..b {
                    if i != j {
                        edges.push((i as u32, j as u32, 1.0));
                    }
                }
            }
        }
        edges.push((3, 4, 1.0));
        edges.push((4, 3, 1.0));
        let g = Graph::from_edges(8, edges);
        let labels = super::super::renumber(louvain(&g, 1.0, 0));
        assert_eq!(labels, vec![0, 0, 0, 0, 1, 1, 1, 1]);
    }

    #[test]
    fn the_strongest_direction_is_removed() {
        // Two groups along axes 1 and 2, and a strong direction (axis 0) that every vector has in a
        // varying amount: it dominates the cosines until removed.
        let (n, d) = (40, 6);
        let mut z: Vec<f32> = Vec::new();
        for i in 0..n {
            let mut v = vec![0f32; d];
            v[0] = if i % 4 < 2 { 3.0 } else { -3.0 };
            v[1 + i % 2] = 1.0;
            v[3 + i % 3] = 0.1;
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            z.extend(v.iter().map(|x| x / norm));
        }
        let cos = |z: &[f32], i: usize, j: usize| z[i * d..(i + 1) * d].iter().zip(&z[j * d..(j + 1) * d]).map(|(a, b)| a * b).sum::<f32>();
        // 0 and 1: different groups, same sign on axis 0; 0 and 2: same group, opposite signs.
        assert!(cos(&z, 0, 1) > cos(&z, 0, 2));
        drop_top_directions(&mut z, n, d, 1);
        assert!(cos(&z, 0, 2) > 0.9, "same group: {}", cos(&z, 0, 2));
        assert!(cos(&z, 0, 1) < 0.1, "different groups: {}", cos(&z, 0, 1));
        let norm: f32 = z[..d].iter().map(|x| x * x).sum();
        assert!((norm - 1.0).abs() < 1e-5);
        // Nothing removed when asked for nothing.
        let before = z.clone();
        drop_top_directions(&mut z, n, d, 0);
        assert_eq!(before, z);
    }

    #[test]
    fn lone_mutual_neighbours_pair_up() {
        // 0 and 1 alike and alone; 2 alone and unlike anyone; 3 and 4 a cluster already.
        let rows: [[f32; 3]; 5] = [[1.0, 0.0, 0.0], [0.95, 0.31, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.1, 0.99, 0.0]];
        let z: Vec<f32> = rows.iter().flatten().copied().collect();
        let nn = knn(&z, 3, 3);
        let mut labels = vec![0, 1, 2, 3, 3];
        pair_singletons(&z, 3, &mut labels, &nn, 0.5);
        assert_eq!(labels, vec![0, 0, 2, 3, 3]);
        // Not alike enough: nobody pairs.
        let mut labels = vec![0, 1, 2, 3, 3];
        pair_singletons(&z, 3, &mut labels, &nn, 0.99);
        assert_eq!(labels, vec![0, 1, 2, 3, 3]);
    }

    #[test]
    fn same_input_same_labels() {
        let (vectors, _) = blobs(6, 30, 16, 0.6);
        let a = cluster(&vectors, &[], &GraphConfig::default());
        let b = cluster(&vectors, &[], &GraphConfig::default());
        assert_eq!(a, b);
    }
}
