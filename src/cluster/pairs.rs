//! Clustering question–answer pairs: the default wherever tickets carry staff answers.
//!
//! A ticket is two texts, the customer's question and the staff's answer, and on a real desk the
//! answer is the stronger sign of which article a ticket belongs to: agents answer one intent with
//! one template, or paraphrase one (docs/BENCHMARKS.md: the nearest ticket by question shares the
//! intent 35% of the time on the «ВольтМаркет» desk, by question and answer 91%). So:
//!
//! 1. **Pair vectors** ([`pair_vectors`]). Questions are centred on their mean and re-normalised;
//!    answers on theirs (sentence embeddings share a large common direction, which hides the
//!    differences between intents). A pair's vector is the two halves side by side, scaled so that
//!    the dot product of two pairs is the **mean of their question and answer cosines**. A pair whose
//!    answer says nothing ([`crate::embed::answer_input`]: none, under 8 words, a needs-action reply
//!    carrying one customer's details, an empty request) has a zero answer half at full question
//!    weight: against another such pair the question alone decides, against an answered pair it
//!    counts for 1/√2 of the question cosine (half the evidence is missing).
//! 2. **Average linkage** over a k-nearest-neighbour graph of the pair vectors ([`super::knn`]):
//!    start from single tickets, merge the two linked clusters whose mean pairwise similarity is
//!    highest, until no linked pair reaches [`PairsConfig::threshold`]. Cluster sum vectors make
//!    every mean exact (`Σa · Σb / (|a| |b|)`); only which clusters are compared is restricted to
//!    neighbours, which on the labelled desks gives the same clusters as the full n × n method.
//!
//! One setting, the threshold: the mean similarity two tickets of one article reach. It is the best
//! on the labelled desks together; left out in turn, «ВольтМаркет» would get 0.275 from the others
//! and the demo and Twitter this value (docs/BENCHMARKS.md).

use std::collections::{BTreeSet, BinaryHeap};

/// `[cluster.pairs]`
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PairsConfig {
    /// Least mean similarity (the mean of the centred question and answer cosines) at which two
    /// clusters merge. Default: 0.325.
    pub threshold: f64,
    /// Neighbours per ticket: which clusters are compared. Default: 15.
    pub k: usize,
}

impl Default for PairsConfig {
    fn default() -> Self {
        PairsConfig { threshold: 0.325, k: 15 }
    }
}

/// The pair vectors of `questions` (unit vectors) and their `answers` (unit vectors, or none),
/// flattened row-major, `2 × d` wide: see the module's step 1.
pub fn pair_vectors(questions: &[Vec<f32>], answers: &[Option<Vec<f32>>]) -> Vec<f32> {
    let n = questions.len();
    let d = questions.first().map_or(0, Vec::len);
    let q = crate::vector::centre(questions);
    let answered: Vec<Vec<f32>> = answers.iter().flatten().cloned().collect();
    let a = crate::vector::centre(&answered);
    let mut out = vec![0f32; n * 2 * d];
    let mut next = 0;
    let half = std::f32::consts::FRAC_1_SQRT_2;
    for i in 0..n {
        let row = &mut out[i * 2 * d..(i + 1) * 2 * d];
        let qi = &q[i * d..(i + 1) * d];
        if answers.get(i).is_some_and(Option::is_some) && a.len() >= (next + 1) * d {
            row[..d].iter_mut().zip(qi).for_each(|(o, x)| *o = x * half);
            row[d..].iter_mut().zip(&a[next * d..(next + 1) * d]).for_each(|(o, x)| *o = x * half);
            next += 1;
        } else {
            row[..d].copy_from_slice(qi);
        }
    }
    out
}

/// Clusters pairs; one label per pair, numbered by first appearance.
pub fn cluster(questions: &[Vec<f32>], answers: &[Option<Vec<f32>>], config: &PairsConfig) -> Vec<usize> {
    cluster_pinned(questions, answers, &[], config)
}

/// [`cluster`] under editors' decisions: `pins` holds one entry per pair (or none at all), the
/// group an editor put it in. Pairs of one group start as one cluster, whatever their similarity;
/// clusters holding different groups never merge; unpinned pairs join either by the usual rule.
pub fn cluster_pinned(questions: &[Vec<f32>], answers: &[Option<Vec<f32>>], pins: &[Option<usize>], config: &PairsConfig) -> Vec<usize> {
    let n = questions.len();
    if n < 2 {
        return (0..n).collect();
    }
    let d = 2 * questions[0].len();
    let v = pair_vectors(questions, answers);
    let nn = super::knn::knn(&v, d, config.k.min(n - 1));
    let edges: Vec<(usize, usize)> = (0..n).flat_map(|i| nn.of(i).map(move |(j, _)| (i, j))).collect();
    super::renumber(average_linkage_pinned(&v, d, &edges, pins, config.threshold))
}

/// For an incremental run: the old cluster (index into `groups`, lists of ticket indices) each new
/// ticket of `fresh` joins, by the clustering's own rule: the one it is on average most alike,
/// when that mean reaches the threshold. Pair vectors are centred over all tickets, old and new.
pub fn assign_new(
    questions: &[Vec<f32>],
    answers: &[Option<Vec<f32>>],
    groups: &[Vec<usize>],
    fresh: &[usize],
    config: &PairsConfig,
) -> Vec<Option<usize>> {
    let d = 2 * questions.first().map_or(0, Vec::len);
    if fresh.is_empty() || groups.is_empty() || d == 0 {
        return vec![None; fresh.len()];
    }
    let v = pair_vectors(questions, if answers.len() == questions.len() { answers } else { &[] });
    // Cluster means (sum / size): a new ticket's dot product with one is its mean similarity.
    let mut means = vec![0f32; groups.len() * d];
    for (c, g) in groups.iter().enumerate() {
        let row = &mut means[c * d..(c + 1) * d];
        for &i in g {
            row.iter_mut().zip(&v[i * d..(i + 1) * d]).for_each(|(m, x)| *m += x);
        }
        let size = g.len().max(1) as f32;
        row.iter_mut().for_each(|m| *m /= size);
    }
    let new: Vec<f32> = fresh.iter().flat_map(|&i| v[i * d..(i + 1) * d].iter().copied()).collect();
    let mut out = Vec::with_capacity(fresh.len());
    // In blocks, so the product stays small at any size.
    let block = 256;
    let mut sims = vec![0f32; block * groups.len()];
    for start in (0..fresh.len()).step_by(block) {
        let rows = block.min(fresh.len() - start);
        super::knn::gemm_nt(&new[start * d..(start + rows) * d], rows, &means, groups.len(), d, &mut sims);
        for r in 0..rows {
            let row = &sims[r * groups.len()..(r + 1) * groups.len()];
            let best = row.iter().enumerate().fold((0, f32::MIN), |b, (c, &s)| if s > b.1 { (c, s) } else { b });
            out.push((best.1 as f64 >= config.threshold).then_some(best.0));
        }
    }
    out
}

/// Average linkage from single items, restricted to the clusters `edges` link, cut at `threshold`:
/// the linked pair of clusters with the highest mean pairwise dot product merges first. Returns
/// each item's cluster (the id of one of its members).
pub fn average_linkage(v: &[f32], d: usize, edges: &[(usize, usize)], threshold: f64) -> Vec<usize> {
    average_linkage_pinned(v, d, edges, &[], threshold)
}

/// [`average_linkage`] with editors' groups (`pins`: one per item, or none; see [`cluster_pinned`]).
pub fn average_linkage_pinned(v: &[f32], d: usize, edges: &[(usize, usize)], pins: &[Option<usize>], threshold: f64) -> Vec<usize> {
    let n = v.len() / d.max(1);
    let mut adj: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for &(i, j) in edges {
        if i != j {
            adj[i].insert(j);
            adj[j].insert(i);
        }
    }
    let mut sums = Sums { sums: (0..n).map(|i| v[i * d..(i + 1) * d].to_vec()).collect(), size: vec![1.0; n] };
    merge_linked(&mut sums, adj, pins, threshold)
}

/// Clusters as sum vectors: the mean pairwise dot product of two is `Σa · Σb / (|a| |b|)`.
struct Sums {
    sums: Vec<Vec<f32>>,
    size: Vec<f64>,
}

impl Linked for Sums {
    fn score(&self, x: usize, y: usize) -> f64 {
        self.sums[x].iter().zip(&self.sums[y]).map(|(p, q)| (*p as f64) * (*q as f64)).sum::<f64>() / (self.size[x] * self.size[y])
    }

    fn absorb(&mut self, x: usize, y: usize) {
        self.size[x] += self.size[y];
        let sy = std::mem::take(&mut self.sums[y]);
        self.sums[x].iter_mut().zip(&sy).for_each(|(s, v)| *s += v);
    }
}

/// Clusters that greedy linked merging can work on: a score for two of them, and one absorbing
/// another.
pub(super) trait Linked {
    fn score(&self, x: usize, y: usize) -> f64;
    fn absorb(&mut self, x: usize, y: usize);
}

/// Greedy merging of linked clusters (`adj`: which are linked), best scoring pair first, while the
/// best reaches `threshold`; a merged cluster is linked to both sides' links. A max-heap of
/// candidate pairs, each with the clusters' versions at scoring time, so pairs a merge made stale
/// are skipped; ties go to the higher ids. Returns each cluster's final cluster.
///
/// `pins` (one per cluster, or none) are editors' groups: clusters of one group are joined before
/// anything else, and clusters of two different groups never merge.
pub(super) fn merge_linked(clusters: &mut impl Linked, adj: Vec<BTreeSet<usize>>, pins: &[Option<usize>], threshold: f64) -> Vec<usize> {
    let k = adj.len();
    let mut m = Merging {
        adj,
        parent: (0..k).collect(),
        version: vec![0; k],
        pin: if pins.len() == k { pins.to_vec() } else { vec![None; k] },
    };
    let mut head_of: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for x in 0..k {
        if let Some(g) = m.pin[x] {
            match head_of.get(&g) {
                Some(&head) => m.join(clusters, head, x),
                None => {
                    head_of.insert(g, x);
                }
            }
        }
    }
    let mut heap = BinaryHeap::new();
    for x in (0..k).filter(|&x| m.parent[x] == x) {
        for &y in m.adj[x].range(x + 1..) {
            let s = clusters.score(x, y);
            if s >= threshold && m.may_merge(x, y) {
                heap.push((Score(s), x, y, m.version[x], m.version[y]));
            }
        }
    }
    while let Some((_, x, y, vx, vy)) = heap.pop() {
        if m.parent[x] != x || m.parent[y] != y || m.version[x] != vx || m.version[y] != vy {
            continue;
        }
        m.join(clusters, x, y);
        for &c in &m.adj[x] {
            let s = clusters.score(x, c);
            if s >= threshold && m.may_merge(x, c) {
                let (p, q) = if x < c { (x, c) } else { (c, x) };
                heap.push((Score(s), p, q, m.version[p], m.version[q]));
            }
        }
    }
    let parent = m.parent;
    (0..k)
        .map(|mut c| {
            while parent[c] != c {
                c = parent[c];
            }
            c
        })
        .collect()
}

/// The state of [`merge_linked`]: links between clusters, which cluster each was merged into,
/// each cluster's version (bumped when it grows) and its editors' group.
struct Merging {
    adj: Vec<BTreeSet<usize>>,
    parent: Vec<usize>,
    version: Vec<usize>,
    pin: Vec<Option<usize>>,
}

impl Merging {
    /// Whether `x` and `y` may merge: not both in editors' groups, or in the same one.
    fn may_merge(&self, x: usize, y: usize) -> bool {
        match (self.pin[x], self.pin[y]) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }

    /// `y` joins `x`: `x` takes its members, links and group.
    fn join(&mut self, clusters: &mut impl Linked, x: usize, y: usize) {
        self.parent[y] = x;
        clusters.absorb(x, y);
        for c in std::mem::take(&mut self.adj[y]) {
            self.adj[c].remove(&y);
            if c != x {
                self.adj[c].insert(x);
                self.adj[x].insert(c);
            }
        }
        self.adj[x].remove(&y);
        self.version[x] += 1;
        self.pin[x] = self.pin[x].or(self.pin[y]);
    }
}

/// A similarity ordered as a float (never NaN here: sums of products of finite numbers).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Score(f64);

impl Eq for Score {}

impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Score {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        crate::vector::normalize(v.to_vec())
    }

    #[test]
    fn the_dot_product_of_pair_vectors_is_the_mean_of_both_cosines() {
        let q = vec![unit(&[1.0, 0.2, 0.0]), unit(&[0.0, 1.0, 0.3]), unit(&[0.5, 0.5, 1.0]), unit(&[0.2, 0.1, 0.9])];
        let a = vec![Some(unit(&[0.0, 1.0, 0.0])), Some(unit(&[1.0, 0.0, 0.4])), Some(unit(&[0.3, 0.3, 0.3])), None];
        let v = pair_vectors(&q, &a);
        let d = 3;
        let qc = crate::vector::centre(&q);
        let answered: Vec<Vec<f32>> = a.iter().flatten().cloned().collect();
        let ac = crate::vector::centre(&answered);
        let dot = |x: &[f32], y: &[f32]| x.iter().zip(y).map(|(a, b)| a * b).sum::<f32>();
        let row = |i: usize| &v[i * 2 * d..(i + 1) * 2 * d];
        let (cq, ca) = (dot(&qc[0..3], &qc[3..6]), dot(&ac[0..3], &ac[3..6]));
        assert!((dot(row(0), row(1)) - (cq + ca) / 2.0).abs() < 1e-5);
        // Without an answer: unit length, and 1/√2 of the question cosine against an answered pair.
        assert!((dot(row(3), row(3)) - 1.0).abs() < 1e-5);
        let cq03 = dot(&qc[0..3], &qc[9..12]);
        assert!((dot(row(0), row(3)) - cq03 * std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-5);
    }

    #[test]
    fn answers_bring_together_what_the_questions_worded_apart() {
        // Three intents of four tickets, in 8 dimensions. Intent 0 is asked two ways: two
        // questions near axis 0, two near axis 1, where intent 1's questions are too; its answers
        // are one paraphrased text (axis 4), intent 1's another (axis 5), intent 2's a third.
        let e = |i: usize, noise: f32, seed: usize| {
            let mut v = vec![0f32; 8];
            v[i] = 1.0;
            v[(i + 1 + seed) % 8] += noise;
            v[(i + 3 + seed) % 8] -= noise / 2.0;
            unit(&v)
        };
        let mut q = Vec::new();
        let mut a = Vec::new();
        for t in 0..4 {
            // The second wording shares a little with the first.
            let mut v = e(if t < 2 { 0 } else { 1 }, 0.1, t);
            if t >= 2 {
                v[0] += 0.5;
            }
            q.push(unit(&v));
            a.push(Some(e(4, 0.1, t)));
        }
        for t in 0..4 {
            q.push(e(1, 0.12, t + 1));
            a.push(Some(e(5, 0.1, t)));
        }
        for t in 0..4 {
            q.push(e(2, 0.1, t));
            a.push(Some(e(6, 0.1, t)));
        }
        let config = PairsConfig { threshold: 0.3, k: 6 };
        let labels = cluster(&q, &a, &config);
        assert!(labels[..4].iter().all(|&l| l == labels[0]), "{labels:?}");
        assert!(labels[4..8].iter().all(|&l| l == labels[4] && l != labels[0]), "{labels:?}");
        let questions_only = cluster(&q, &vec![None; 12], &config);
        assert_ne!(questions_only[0], questions_only[2], "{questions_only:?}");
        assert_eq!(questions_only[2], questions_only[4], "{questions_only:?}");
    }

    #[test]
    fn editors_groups_hold_whatever_the_similarity() {
        // Four tickets on one axis, two of them leaning to a second axis (0, 2), two to a third
        // (1, 3); two more (4, 5) far off on a fourth.
        let q: Vec<Vec<f32>> = vec![
            unit(&[1.0, 0.05, 0.0, 0.0]),
            unit(&[1.0, 0.0, 0.05, 0.0]),
            unit(&[1.0, 0.1, 0.0, 0.0]),
            unit(&[1.0, 0.0, 0.1, 0.0]),
            unit(&[0.0, 0.0, 0.0, 1.0]),
            unit(&[0.0, 0.05, 0.0, 1.0]),
        ];
        let config = PairsConfig { threshold: 0.3, k: 5 };
        let free = cluster(&q, &[], &config);
        assert!(free[..4].iter().all(|&l| l == free[0]) && free[4] != free[0], "{free:?}");
        // An editor put 0 and 1 apart: they never merge, and the tickets beside them go with the
        // one they are more alike (2 with 0, 3 with 1).
        let apart = [Some(0), Some(1), None, None, None, None];
        let labels = cluster_pinned(&q, &[], &apart, &config);
        assert_ne!(labels[0], labels[1], "{labels:?}");
        assert_eq!(labels[0], labels[2], "{labels:?}");
        assert_eq!(labels[1], labels[3], "{labels:?}");
        // An editor put 0 and 4 together: one cluster, though they share nothing; 5 stays out, as
        // its mean similarity to the two is far below the threshold.
        let together = [Some(7), None, None, None, Some(7), None];
        let labels = cluster_pinned(&q, &[], &together, &config);
        assert_eq!(labels[0], labels[4], "{labels:?}");
        assert_ne!(labels[5], labels[4], "{labels:?}");
        // Without pins the same function is the plain clustering.
        assert_eq!(cluster_pinned(&q, &[], &[None; 6], &config), free);
    }

    #[test]
    fn sparse_average_linkage_matches_the_full_method() {
        let mut state = 11u64;
        let mut rnd = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) as f32 / (1u64 << 31) as f32) - 0.5
        };
        let centres: Vec<Vec<f32>> = (0..6).map(|_| (0..8).map(|_| rnd()).collect()).collect();
        let vectors: Vec<Vec<f32>> = (0..60).map(|i| unit(&centres[i % 6].iter().map(|c| c + 0.25 * rnd()).collect::<Vec<_>>())).collect();
        let flat: Vec<f32> = vectors.concat();
        let all: Vec<(usize, usize)> = (0..60).flat_map(|i| (0..60).map(move |j| (i, j))).collect();
        let nn = crate::cluster::knn::knn(&flat, 8, 10);
        let near: Vec<(usize, usize)> = (0..60).flat_map(|i| nn.of(i).map(move |(j, _)| (i, j))).collect();
        let full = crate::cluster::renumber(average_linkage(&flat, 8, &all, 0.5));
        let sparse = crate::cluster::renumber(average_linkage(&flat, 8, &near, 0.5));
        assert_eq!(full, sparse);
        // The full method agrees with the n² nearest-neighbour-chain implementation.
        assert_eq!(full, crate::cluster::average_linkage(&vectors, 0.5));
    }
}
