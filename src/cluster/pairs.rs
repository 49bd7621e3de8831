//! Clustering question–answer pairs: the default wherever tickets carry staff answers.
//!
//! A ticket is two texts, the customer's question and the staff's answer, and on a real desk the
//! answer is the stronger sign of which article a ticket belongs to: agents answer one intent with
//! one template, or paraphrase one (docs/BENCHMARKS.md: the nearest ticket by question shares the
//! intent 35% of the time on the «ВольтМаркет» desk, by question and answer 91%). So:
//!
//! 1. **The similarity of two tickets** is the mean of a question half and an answer half.
//!    - The question half is the questions' cosine, centred: questions are centred on their mean
//!      and re-normalised (sentence embeddings share a large common direction, which hides the
//!      differences between intents).
//!    - The answer half blends the answers' centred cosine with their **token matching**
//!      ([`super::tokens`], the graph method's BERTScore, at the same weight,
//!      [`PairsConfig::token_match`]). Agents paraphrase one policy: the replies of one intent
//!      share its words («обменять», «модель», «упаковка») inside different sentences, which one
//!      pooled vector blurs and word-by-word matching keeps. The match is centred on its mean over
//!      two different tickets' answers ([`super::matching`]), so unrelated answers sit at 0, as centred
//!      cosines do; two tickets with one answer text match perfectly.
//!    - A ticket whose answer says nothing ([`crate::embed::answer_input`]: none, under 8 words, a
//!      needs-action reply carrying one customer's details, an empty request) has no answer half:
//!      against another such ticket the question alone decides, against an answered one it counts
//!      for 1/√2 of the question cosine (half the evidence is missing).
//!
//!    The cosines live in **pair vectors** ([`pair_vectors`]): the two halves side by side, scaled
//!    so that the dot product of two pairs is their part of the similarity. The token part is
//!    computed on the neighbour links only (below), each two distinct answer texts once.
//! 2. **Average linkage** over a k-nearest-neighbour graph of the pair vectors ([`super::knn`]):
//!    start from single tickets, merge the two linked clusters whose mean pairwise similarity is
//!    highest, until no linked pair reaches [`PairsConfig::threshold`]. Cluster sum vectors make
//!    the cosines' mean exact (`Σa · Σb / (|a| |b|)`); the token part is summed over the links
//!    between two clusters and, for tickets sharing an answer text, counted from each cluster's
//!    texts (`matching::Blended`); two tickets of different texts that no link joins count its mean, 0.
//!
//! The halves weigh the same because their noise does: over pairs of different intents each half
//! spreads by about 0.1 on both labelled desks with answer variety (within 15%), so the mean adds
//! them on one scale; an answer weighted by its larger separation clusters no better
//! (docs/BENCHMARKS.md, `benches/pairs_offline.py halves`).
//!
//! Two settings. The threshold is the mean similarity two tickets of one article reach: the best
//! on the labelled desks together; left out in turn, «ВольтМаркет» and the demo get this value
//! from the others and Twitter 0.25 (docs/BENCHMARKS.md). The
//! token match's weight is not chosen here: it is the graph method's, chosen on the question-only
//! sets.

use rayon::prelude::*;

use super::linkage::{adjacency, average_linkage_pinned, merge_linked};
use super::matching::{AnswerStates, Blended, Matching};
pub use super::linkage::average_linkage;

/// `[cluster.pairs]`
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PairsConfig {
    /// Least mean similarity (the mean of the question and answer halves) at which two clusters
    /// merge. Default: 0.275.
    pub threshold: f64,
    /// Neighbours per ticket: which clusters are compared. Default: 15.
    pub k: usize,
    /// Weight of the answers' token matching in the answer half, beside their cosine (0 turns it
    /// off): the graph method's own `token-match`. Default: 0.5.
    pub token_match: f64,
}

impl Default for PairsConfig {
    fn default() -> Self {
        PairsConfig { threshold: 0.275, k: 15, token_match: 0.5 }
    }
}

/// The pair vectors of `questions` (unit vectors) and their `answers` (unit vectors, or none),
/// flattened row-major, `2 × d` wide: see the module's step 1.
pub fn pair_vectors(questions: &[Vec<f32>], answers: &[Option<Vec<f32>>]) -> Vec<f32> {
    pair_vectors_weighted(questions, answers, 1.0)
}

/// [`pair_vectors`] whose answer cosine counts for `cosine` of the answer half (the rest is the
/// token matching, added on the links).
fn pair_vectors_weighted(questions: &[Vec<f32>], answers: &[Option<Vec<f32>>], cosine: f32) -> Vec<f32> {
    let n = questions.len();
    let d = questions.first().map_or(0, Vec::len);
    let q = crate::vector::centre(questions);
    let answered: Vec<Vec<f32>> = answers.iter().flatten().cloned().collect();
    let a = crate::vector::centre(&answered);
    let mut out = vec![0f32; n * 2 * d];
    let mut next = 0;
    let half = std::f32::consts::FRAC_1_SQRT_2;
    let answer_scale = (cosine / 2.0).sqrt();
    for i in 0..n {
        let row = &mut out[i * 2 * d..(i + 1) * 2 * d];
        let qi = &q[i * d..(i + 1) * d];
        if answers.get(i).is_some_and(Option::is_some) && a.len() >= (next + 1) * d {
            row[..d].iter_mut().zip(qi).for_each(|(o, x)| *o = x * half);
            row[d..].iter_mut().zip(&a[next * d..(next + 1) * d]).for_each(|(o, x)| *o = x * answer_scale);
            next += 1;
        } else {
            row[..d].copy_from_slice(qi);
        }
    }
    out
}

/// Clusters pairs; one label per pair, numbered by first appearance.
pub fn cluster(questions: &[Vec<f32>], answers: &[Option<Vec<f32>>], config: &PairsConfig) -> Vec<usize> {
    cluster_pinned(questions, answers, None, &[], config)
}

/// [`cluster`] with the answers' token states (module step 1), under editors' decisions: `pins`
/// holds one entry per pair (or none at all), the group an editor put it in. Pairs of one group
/// start as one cluster, whatever their similarity; clusters holding different groups never merge;
/// unpinned pairs join either by the usual rule.
pub fn cluster_pinned(
    questions: &[Vec<f32>],
    answers: &[Option<Vec<f32>>],
    states: Option<AnswerStates>,
    pins: &[Option<usize>],
    config: &PairsConfig,
) -> Vec<usize> {
    let n = questions.len();
    if n < 2 {
        return (0..n).collect();
    }
    let d = 2 * questions[0].len();
    let matching = Matching::new(states, answers, config.token_match);
    let v = pair_vectors_weighted(questions, answers, matching.as_ref().map_or(1.0, |m| 1.0 - m.weight as f32));
    let nn = super::knn::knn(&v, d, config.k.min(n - 1));
    let edges: Vec<(usize, usize)> = (0..n).flat_map(|i| nn.of(i).map(move |(j, _)| (i, j))).collect();
    let Some(matching) = matching else {
        return super::renumber(average_linkage_pinned(&v, d, &edges, pins, config.threshold));
    };
    let mut blended = Blended::new(&matching, &v, d, &edges);
    super::renumber(merge_linked(&mut blended, adjacency(n, &edges), pins, config.threshold))
}

/// For an incremental run: the old cluster (index into `groups`, lists of ticket indices) each new
/// ticket of `fresh` joins, by the clustering's own rule: the one it is on average most alike,
/// when that mean reaches the threshold. Pair vectors are centred over all tickets, old and new;
/// with answer states, the token part is added for the three clusters nearest by the vectors.
pub fn assign_new(
    questions: &[Vec<f32>],
    answers: &[Option<Vec<f32>>],
    states: Option<AnswerStates>,
    groups: &[Vec<usize>],
    fresh: &[usize],
    config: &PairsConfig,
) -> Vec<Option<usize>> {
    let d = 2 * questions.first().map_or(0, Vec::len);
    if fresh.is_empty() || groups.is_empty() || d == 0 {
        return vec![None; fresh.len()];
    }
    let answers = if answers.len() == questions.len() { answers } else { &[] };
    let matching = if answers.is_empty() { None } else { Matching::new(states, answers, config.token_match) };
    let v = pair_vectors_weighted(questions, answers, matching.as_ref().map_or(1.0, |m| 1.0 - m.weight as f32));
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
        let chosen: Vec<Option<usize>> = (0..rows)
            .into_par_iter()
            .map(|r| {
                let row = &sims[r * groups.len()..(r + 1) * groups.len()];
                let best = match &matching {
                    None => row.iter().enumerate().fold((0, f64::MIN), |b, (c, &s)| if f64::from(s) > b.1 { (c, f64::from(s)) } else { b }),
                    Some(m) => {
                        let mut order: Vec<usize> = (0..groups.len()).collect();
                        order.sort_by(|&a, &b| row[b].total_cmp(&row[a]).then(a.cmp(&b)));
                        order
                            .into_iter()
                            .take(3)
                            .map(|c| (c, f64::from(row[c]) + m.mean_with(fresh[start + r], &groups[c])))
                            .fold((0, f64::MIN), |b, x| if x.1 > b.1 { x } else { b })
                    }
                };
                (best.1 >= config.threshold).then_some(best.0)
            })
            .collect();
        out.extend(chosen);
    }
    out
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
        let config = PairsConfig { threshold: 0.3, k: 6, token_match: 0.5 };
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
        let config = PairsConfig { threshold: 0.3, k: 5, token_match: 0.5 };
        let free = cluster(&q, &[], &config);
        assert!(free[..4].iter().all(|&l| l == free[0]) && free[4] != free[0], "{free:?}");
        // An editor put 0 and 1 apart: they never merge, and the tickets beside them go with the
        // one they are more alike (2 with 0, 3 with 1).
        let apart = [Some(0), Some(1), None, None, None, None];
        let labels = cluster_pinned(&q, &[], None, &apart, &config);
        assert_ne!(labels[0], labels[1], "{labels:?}");
        assert_eq!(labels[0], labels[2], "{labels:?}");
        assert_eq!(labels[1], labels[3], "{labels:?}");
        // An editor put 0 and 4 together: one cluster, though they share nothing; 5 stays out, as
        // its mean similarity to the two is far below the threshold.
        let together = [Some(7), None, None, None, Some(7), None];
        let labels = cluster_pinned(&q, &[], None, &together, &config);
        assert_eq!(labels[0], labels[4], "{labels:?}");
        assert_ne!(labels[5], labels[4], "{labels:?}");
        // Without pins the same function is the plain clustering.
        assert_eq!(cluster_pinned(&q, &[], None, &[None; 6], &config), free);
    }

    #[test]
    fn sparse_average_linkage_matches_the_full_method() {
        let mut seq = crate::hash::Sequence::new(11);
        let mut rnd = || seq.centred();
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
