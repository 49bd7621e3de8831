//! The cluster stage: tickets that ask the same thing end up together.
//!
//! Entry points: [`cluster_pairs`] (pure: vectors in, labels out) and [`run`] (the stage, `stage.rs`).
//!
//! Three methods ([`Method`]); the default, `auto`, takes the first that applies:
//! - [`pairs`]: question and staff answer together, average linkage over a kNN graph, one
//!   threshold. Wherever tickets carry staff answers (every helpdesk), the answer is the strongest
//!   sign of the article a ticket belongs to.
//! - [`graph`]: questions alone (a bare list of questions, as in the public intent sets): kNN graph
//!   over embeddings, words and token matching, Louvain, a coherence split, merging.
//! - `average-linkage` on question vectors cut at `threshold`: the old default, kept for comparison.
//!   Up to `exact-limit` questions it runs the nearest-neighbour chain in O(n²) time and n²/2
//!   floats of memory; above, density-seeded leader clustering with centroid refinement:
//! 1. each question's density is its number of neighbours above the similarity threshold;
//! 2. in order of falling density, an unassigned question seeds a cluster and takes its unassigned
//!    neighbours;
//! 3. a few rounds move every question to its most similar centroid (when above the threshold).
//!
//! Cluster ids are derived from the medoid's ticket id, so an unchanged cluster keeps its id.

pub mod answers;
pub mod label;
pub mod stable;
pub mod inspect;
pub mod knn;
mod moving;
pub mod graph;
pub mod tokens;
pub mod pairs;
pub mod matching;
mod linkage;
pub mod edit;
mod assign;
mod stage;

pub(crate) use moving::Rng;
pub use assign::{assign, Plan, Questions};
use assign::split_fresh;
pub use stage::{kinds_of, refresh, run};

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use crate::kind::Kind;
use crate::vector::{dot, normalize, TokenStates};

/// `[cluster]`
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ClusterConfig {
    /// `auto` (default: `pairs` when tickets carry staff answers, else `graph`), `pairs`, `graph`
    /// or `average-linkage`.
    pub method: Method,
    /// Settings of the pairs method.
    pub pairs: pairs::PairsConfig,
    /// Settings of the graph method.
    pub graph: graph::GraphConfig,
    /// For `average-linkage`: the cosine similarity above which two questions count as the same
    /// intent. Default: 0.88.
    pub threshold: f32,
    /// Refinement rounds of the leader algorithm used above `exact-limit`. Default: 5.
    pub refine_rounds: usize,
    /// Most questions clustered exactly (average linkage, n²/2 floats of memory). Default: 20000.
    pub exact_limit: usize,
    /// For the question methods (`graph`, `average-linkage`): flat tickets whose staff answers share
    /// at least this share of words (Jaccard) are one intent, whichever way the customers worded it
    /// (see `cluster::answers`). The pairs method has the answers in its similarity and does not
    /// regroup. 0 turns it off. Default: 0.4.
    pub answer_merge: f64,
    /// Assign new questions to the existing clusters instead of re-clustering everything, while
    /// they are at most `full-recluster-share` of the clustered ones. Default: true.
    pub incremental: bool,
    /// Above this share of new questions, re-cluster everything (old ids carry over by overlap).
    /// Default: 0.2.
    pub full_recluster_share: f64,
    /// A new question joins an existing cluster only when it is at least this similar to the
    /// centroid, and as similar as the cluster's 10% least typical members. Default: 0.85.
    pub join_floor: f32,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            method: Method::Auto,
            pairs: pairs::PairsConfig::default(),
            graph: graph::GraphConfig::default(),
            threshold: 0.88,
            refine_rounds: 5,
            exact_limit: 20_000,
            answer_merge: 0.4,
            incremental: true,
            full_recluster_share: 0.2,
            join_floor: 0.85,
        }
    }
}

/// Which clustering algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// `pairs` when any ticket has a staff answer that says what it answers, `graph` otherwise.
    #[default]
    Auto,
    /// Question and answer together, average linkage over a kNN graph ([`pairs`]). Scales to 100k+.
    Pairs,
    /// Questions alone: centred kNN graph, Louvain, coherence split ([`graph`]). Scales to 100k+.
    Graph,
    /// Average linkage cut at `threshold` (n² memory up to `exact-limit`, leader clustering above).
    AverageLinkage,
}

/// Clusters unit vectors; returns one label per vector (labels are 0..k in order of first appearance).
pub fn cluster(vectors: &[Vec<f32>], config: &ClusterConfig) -> Vec<usize> {
    cluster_texts(vectors, &[], config)
}

/// [`cluster`], with the cleaned question texts (one per vector) for the graph method's lexical
/// signal.
pub fn cluster_texts(vectors: &[Vec<f32>], texts: &[&str], config: &ClusterConfig) -> Vec<usize> {
    cluster_questions(vectors, texts, Vec::new(), config)
}

/// [`cluster_texts`], with the questions' token states (one per vector, or none) for the graph
/// method's token matching ([`tokens`]); they are consumed.
pub fn cluster_questions(vectors: &[Vec<f32>], texts: &[&str], states: Vec<TokenStates>, config: &ClusterConfig) -> Vec<usize> {
    cluster_pairs(vectors, &[], texts, states, config)
}

/// Clusters tickets: their question vectors, their answer vectors (one per question, `None` where
/// the answer does not take part, or none at all), the cleaned question texts and token states for
/// the graph method.
pub fn cluster_pairs(
    vectors: &[Vec<f32>],
    answers: &[Option<Vec<f32>>],
    texts: &[&str],
    states: Vec<TokenStates>,
    config: &ClusterConfig,
) -> Vec<usize> {
    let answered = answers.len() == vectors.len() && answers.iter().any(Option::is_some);
    match resolve(config.method, answered) {
        Method::Pairs => {
            // Here states are the answers', one per ticket (`wants_tokens`).
            let states = (states.len() == vectors.len()).then(|| matching::AnswerStates::per_ticket(states));
            pairs::cluster_pinned(vectors, if answered { answers } else { &[] }, states, &[], &config.pairs)
        }
        Method::Graph if config.graph.token_match > 0.0 && states.len() == vectors.len() => {
            let tokens = tokens::Tokens::build(states, config.graph.token_dims);
            graph::cluster_with(vectors, texts, Some(&tokens), &config.graph)
        }
        Method::Graph => graph::cluster(vectors, texts, &config.graph),
        Method::AverageLinkage if vectors.len() <= config.exact_limit => average_linkage(vectors, config.threshold),
        Method::AverageLinkage | Method::Auto => leader(vectors, config),
    }
}

/// The method `auto` stands for: `pairs` when some ticket has an answer that takes part, else
/// `graph`.
pub fn resolve(method: Method, answered: bool) -> Method {
    match method {
        Method::Auto if answered => Method::Pairs,
        Method::Auto => Method::Graph,
        other => other,
    }
}

/// Which token states clustering with `config` uses (so the embed stage keeps them): the
/// questions' for the graph method with token matching, the answers' for the pairs method with
/// it; `auto` is the pairs method when some ticket has an answer that takes part, else the graph
/// method.
pub fn wants_tokens(config: &ClusterConfig) -> crate::embed::Tokens {
    use crate::embed::Keep;
    let keep = |method: Method| match method {
        Method::Graph if config.graph.token_match > 0.0 => Keep::Questions,
        Method::Pairs if config.pairs.token_match > 0.0 => Keep::Answers,
        _ => Keep::Nothing,
    };
    crate::embed::Tokens { answered: keep(resolve(config.method, true)), unanswered: keep(resolve(config.method, false)) }
}

/// Index of pair (i, j), i < j, in a condensed upper-triangle matrix of n items.
fn pair_index(n: usize, i: usize, j: usize) -> usize {
    debug_assert!(i < j && j < n);
    i * (2 * n - i - 1) / 2 + (j - i - 1)
}

/// Average-linkage agglomerative clustering cut at `threshold`, by the nearest-neighbour chain.
/// A cluster whose best average similarity to any other is below the threshold is final: merging
/// other clusters can only average their similarities to it, never raise the best one.
pub fn average_linkage(vectors: &[Vec<f32>], threshold: f32) -> Vec<usize> {
    let n = vectors.len();
    if n < 2 {
        return vec![0; n];
    }
    let mut sim = vec![0f32; n * (n - 1) / 2];
    for i in 0..n {
        for j in (i + 1)..n {
            sim[pair_index(n, i, j)] = dot(&vectors[i], &vectors[j]);
        }
    }
    let get = |sim: &[f32], a: usize, b: usize| if a < b { sim[pair_index(n, a, b)] } else { sim[pair_index(n, b, a)] };
    let mut size = vec![1usize; n];
    let mut active: Vec<usize> = (0..n).collect();
    let mut is_active = vec![true; n];
    let mut parent: Vec<usize> = (0..n).collect();
    let mut chain: Vec<usize> = Vec::new();
    while active.len() > 1 {
        if chain.is_empty() {
            chain.push(active[0]);
        }
        let a = *chain.last().expect("non-empty");
        let prev = chain.len().checked_sub(2).map(|i| chain[i]);
        let mut best = usize::MAX;
        let mut best_sim = f32::MIN;
        for &k in &active {
            if k == a {
                continue;
            }
            let s = get(&sim, a, k);
            // Prefer the previous chain element on ties, so the chain always ends in a pair.
            if s > best_sim || (s == best_sim && Some(k) == prev) {
                best = k;
                best_sim = s;
            }
        }
        if best_sim < threshold {
            // `a` joins nothing more: take it out.
            is_active[a] = false;
            active.retain(|&k| k != a);
            chain.clear();
            continue;
        }
        if Some(best) == prev {
            chain.pop();
            chain.pop();
            let (keep, gone) = (a.min(best), a.max(best));
            let (sk, sg) = (size[keep] as f32, size[gone] as f32);
            for &k in &active {
                if k != keep && k != gone {
                    let merged = (sk * get(&sim, keep, k) + sg * get(&sim, gone, k)) / (sk + sg);
                    let idx = if keep < k { pair_index(n, keep, k) } else { pair_index(n, k, keep) };
                    sim[idx] = merged;
                }
            }
            size[keep] += size[gone];
            parent[gone] = keep;
            is_active[gone] = false;
            active.retain(|&k| k != gone);
        } else {
            chain.push(best);
        }
    }
    let _ = is_active;
    let root = |mut i: usize| {
        while parent[i] != i {
            i = parent[i];
        }
        i
    };
    renumber((0..n).map(root))
}

/// Dense labels 0..k in order of first appearance, from any keys.
pub fn renumber<K: std::hash::Hash + Eq>(keys: impl IntoIterator<Item = K>) -> Vec<usize> {
    let mut remap = HashMap::new();
    keys.into_iter()
        .map(|key| {
            let next = remap.len();
            *remap.entry(key).or_insert(next)
        })
        .collect()
}

/// Density-seeded leader clustering with centroid refinement, for sets too large for the exact method.
fn leader(vectors: &[Vec<f32>], config: &ClusterConfig) -> Vec<usize> {
    let n = vectors.len();
    let t = config.threshold;
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        for j in (i + 1)..n {
            if dot(&vectors[i], &vectors[j]) >= t {
                neighbours[i].push(j);
                neighbours[j].push(i);
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(neighbours[i].len()), i));
    let mut label = vec![usize::MAX; n];
    let mut k = 0;
    for &i in &order {
        if label[i] != usize::MAX {
            continue;
        }
        label[i] = k;
        for &j in &neighbours[i] {
            if label[j] == usize::MAX {
                label[j] = k;
            }
        }
        k += 1;
    }
    for _ in 0..config.refine_rounds {
        let centroids = centroids(vectors, &label, k);
        let mut changed = false;
        for i in 0..n {
            let (best, sim) = centroids
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.is_empty())
                .map(|(c, v)| (c, dot(&vectors[i], v)))
                .fold((label[i], f32::MIN), |acc, x| if x.1 > acc.1 { x } else { acc });
            if best != label[i] && sim >= t {
                label[i] = best;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    renumber(label)
}

/// Normalised mean vector of each cluster (empty for a cluster with no members).
pub fn centroids(vectors: &[Vec<f32>], label: &[usize], k: usize) -> Vec<Vec<f32>> {
    let dim = vectors.first().map_or(0, Vec::len);
    let mut sums = vec![vec![0f32; dim]; k];
    let mut sizes = vec![0usize; k];
    for (v, &l) in vectors.iter().zip(label) {
        sizes[l] += 1;
        sums[l].iter_mut().zip(v).for_each(|(s, x)| *s += x);
    }
    sums.into_iter().zip(sizes).map(|(s, n)| if n == 0 { Vec::new() } else { normalize(s) }).collect()
}

/// The mean of some vectors (not normalised).
fn mean<'a>(vectors: impl Iterator<Item = &'a [f32]>) -> Vec<f32> {
    let mut sum: Vec<f32> = Vec::new();
    for v in vectors {
        if sum.is_empty() {
            sum = vec![0.0; v.len()];
        }
        sum.iter_mut().zip(v).for_each(|(s, x)| *s += x);
    }
    sum
}

/// The most frequent value; ties go to the smallest.
/// A cluster's class: its members' majority, except that a cluster of "other" questions answered
/// with one template (answer consistency ≥ 0.5, three or more answers) is flat: staff gave everyone
/// the same generic text.
pub fn cluster_kind(kinds: impl Iterator<Item = Kind>, consistency: f64) -> Kind {
    let kinds: Vec<Kind> = kinds.collect();
    let kind = majority(kinds.iter().copied()).unwrap_or(Kind::Other);
    if kind == Kind::Other && kinds.len() >= 3 && consistency >= 0.5 {
        Kind::Flat
    } else {
        kind
    }
}

pub fn majority<T: Ord + Clone>(items: impl Iterator<Item = T>) -> Option<T> {
    let mut counts: BTreeMap<T, usize> = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_default() += 1;
    }
    counts.into_iter().fold(None, |best: Option<(T, usize)>, (v, n)| match best {
        Some((_, bn)) if bn >= n => best,
        _ => Some((v, n)),
    }).map(|(v, _)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        normalize(v.to_vec())
    }

    #[test]
    fn separates_two_groups_and_a_loner() {
        let vectors = vec![
            unit(&[1.0, 0.05, 0.0]),
            unit(&[1.0, 0.0, 0.05]),
            unit(&[0.98, 0.02, 0.0]),
            unit(&[0.0, 1.0, 0.02]),
            unit(&[0.03, 1.0, 0.0]),
            unit(&[0.0, 0.0, 1.0]),
        ];
        let labels = cluster(&vectors, &ClusterConfig { method: Method::AverageLinkage, ..ClusterConfig::default() });
        assert_eq!(labels[0], labels[1]);
        assert_eq!(labels[1], labels[2]);
        assert_eq!(labels[3], labels[4]);
        assert_ne!(labels[0], labels[3]);
        assert_ne!(labels[5], labels[0]);
        assert_ne!(labels[5], labels[3]);
    }

    #[test]
    fn average_linkage_matches_a_hand_worked_case() {
        // a,b very close; c close to both; d far. With threshold 0.9: {a,b,c} and {d}.
        let vectors = vec![unit(&[1.0, 0.0, 0.0]), unit(&[0.99, 0.1, 0.0]), unit(&[0.9, 0.3, 0.0]), unit(&[0.0, 0.0, 1.0])];
        let labels = average_linkage(&vectors, 0.9);
        assert_eq!(labels, vec![0, 0, 0, 1]);
        // A higher threshold keeps c apart: avg(sim(c,a), sim(c,b)) is below 0.97.
        let labels = average_linkage(&vectors, 0.97);
        assert_eq!(labels, vec![0, 0, 1, 2]);
    }

    #[test]
    fn both_methods_agree_on_clear_groups() {
        let vectors = vec![
            unit(&[1.0, 0.05, 0.0]),
            unit(&[1.0, 0.0, 0.05]),
            unit(&[0.0, 1.0, 0.02]),
            unit(&[0.03, 1.0, 0.0]),
        ];
        let linkage = ClusterConfig { method: Method::AverageLinkage, ..ClusterConfig::default() };
        let exact = cluster(&vectors, &linkage);
        let large = cluster(&vectors, &ClusterConfig { exact_limit: 0, ..linkage });
        assert_eq!(exact, vec![0, 0, 1, 1]);
        assert_eq!(large, vec![0, 0, 1, 1]);
    }

    #[test]
    fn templated_other_clusters_are_flat() {
        use Kind::*;
        assert_eq!(cluster_kind([Other, Other, Flat].into_iter(), 0.7), Flat);
        assert_eq!(cluster_kind([Other, Other, Flat].into_iter(), 0.2), Other);
        assert_eq!(cluster_kind([NeedsAction, NeedsAction, Flat].into_iter(), 0.9), NeedsAction);
    }

    #[test]
    fn majority_votes() {
        assert_eq!(majority(["a", "b", "a"].into_iter()), Some("a"));
        assert_eq!(majority(Vec::<&str>::new().into_iter()), None);
    }
}
