//! Average linkage over a graph of candidate links: greedy merging of linked clusters, best pair
//! first, under editors' pins ([`merge_linked`]), with clusters scored by a [`Linked`]
//! implementation: sum vectors ([`Sums`]) for the pairs method, the pairs method's token matching
//! beside them (`matching::Blended`), vectors and words for the graph method's merge step.

use std::collections::{BTreeSet, BinaryHeap};

/// Average linkage from single items, restricted to the clusters `edges` link, cut at `threshold`:
/// the linked pair of clusters with the highest mean pairwise dot product merges first. Returns
/// each item's cluster (the id of one of its members).
pub fn average_linkage(v: &[f32], d: usize, edges: &[(usize, usize)], threshold: f64) -> Vec<usize> {
    average_linkage_pinned(v, d, edges, &[], threshold)
}

/// [`average_linkage`] with editors' groups (`pins`: one per item, or none; see [`cluster_pinned`]).
pub(super) fn average_linkage_pinned(v: &[f32], d: usize, edges: &[(usize, usize)], pins: &[Option<usize>], threshold: f64) -> Vec<usize> {
    let n = v.len() / d.max(1);
    merge_linked(&mut Sums::of(v, d), adjacency(n, edges), pins, threshold)
}

/// Which of `n` items `edges` link, both ways.
pub(super) fn adjacency(n: usize, edges: &[(usize, usize)]) -> Vec<BTreeSet<usize>> {
    let mut adj: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for &(i, j) in edges {
        if i != j {
            adj[i].insert(j);
            adj[j].insert(i);
        }
    }
    adj
}

/// Clusters as sum vectors: the mean pairwise dot product of two is `Σa · Σb / (|a| |b|)`.
pub(super) struct Sums {
    sums: Vec<Vec<f32>>,
    pub(super) size: Vec<f64>,
}

impl Sums {
    /// Each item of `v` (rows of `d`) a cluster of its own.
    pub(super) fn of(v: &[f32], d: usize) -> Sums {
        let n = v.len() / d.max(1);
        Sums { sums: (0..n).map(|i| v[i * d..(i + 1) * d].to_vec()).collect(), size: vec![1.0; n] }
    }
}

impl Linked for Sums {
    fn score(&self, x: usize, y: usize) -> f64 {
        dot64(&self.sums[x], &self.sums[y]) / (self.size[x] * self.size[y])
    }

    fn absorb(&mut self, x: usize, y: usize) {
        self.size[x] += self.size[y];
        let sy = std::mem::take(&mut self.sums[y]);
        self.sums[x].iter_mut().zip(&sy).for_each(|(s, v)| *s += v);
    }
}

/// The dot product of two f32 vectors in f64, over eight running sums so that it vectorises (the
/// merge loop's hot spot at 100k tickets).
fn dot64(a: &[f32], b: &[f32]) -> f64 {
    let mut acc = [0f64; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f64 = ca.remainder().iter().zip(cb.remainder()).map(|(p, q)| f64::from(*p) * f64::from(*q)).sum();
    for (p, q) in ca.zip(cb) {
        for l in 0..8 {
            acc[l] += f64::from(p[l]) * f64::from(q[l]);
        }
    }
    acc.iter().sum::<f64>() + tail
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
                heap.push(m.entry(s, x, y));
            }
        }
    }
    while let Some((_, x, y, vx, vy)) = heap.pop() {
        let (x, y) = (x as usize, y as usize);
        if m.parent[x] != x || m.parent[y] != y || m.version[x] != vx || m.version[y] != vy {
            continue;
        }
        m.join(clusters, x, y);
        for &c in &m.adj[x] {
            let s = clusters.score(x, c);
            if s >= threshold && m.may_merge(x, c) {
                let (p, q) = if x < c { (x, c) } else { (c, x) };
                heap.push(m.entry(s, p, q));
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
    version: Vec<u32>,
    pin: Vec<Option<usize>>,
}

impl Merging {
    /// A candidate pair for the heap: its score, the two clusters and their versions, in 24
    /// bytes (the heap holds every candidate scored, and popping is the loop's other hot spot).
    fn entry(&self, s: f64, x: usize, y: usize) -> (Score, u32, u32, u32, u32) {
        let n = |v: usize| u32::try_from(v).expect("under 2^32 clusters");
        (Score(s), n(x), n(y), self.version[x], self.version[y])
    }

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
