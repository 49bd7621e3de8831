//! Token matching of the staff answers, the pairs method's answer half beside their cosine
//! ([`super::pairs`], step 1): the distinct answers' token states, the centred match of two
//! answers, and average linkage's clusters carrying it ([`Blended`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;

use super::linkage::{Linked, Sums};
use super::tokens::Tokens;
use crate::vector::TokenStates;

/// The staff answers' token states, for token matching in the answer half: each distinct answer
/// text's once (a template's states are kept once, not once per ticket), and which text each
/// ticket's answer is.
#[derive(Debug, Clone, Default)]
pub struct AnswerStates {
    /// One entry per distinct answer text.
    pub states: Vec<TokenStates>,
    /// Per ticket: its answer's index into `states`, or none.
    pub text_of: Vec<Option<usize>>,
}

impl AnswerStates {
    /// From one state per ticket (empty where the ticket's answer does not take part): answers
    /// with the same token ids are one text.
    pub fn per_ticket(states: Vec<TokenStates>) -> AnswerStates {
        let mut index: HashMap<Vec<u32>, usize> = HashMap::new();
        let mut out = AnswerStates::default();
        for s in states {
            if s.ids.is_empty() {
                out.text_of.push(None);
                continue;
            }
            let next = out.states.len();
            let t = *index.entry(s.ids.clone()).or_insert(next);
            if t == next {
                out.states.push(s);
            }
            out.text_of.push(Some(t));
        }
        out
    }

    /// The distinct texts among the tickets' answers (`None` where a ticket's answer does not
    /// take part), in order of first appearance, and which of them each ticket's is: the texts
    /// whose states to read, each once.
    pub fn distinct_texts(answers: &[Option<String>]) -> (Vec<String>, Vec<Option<usize>>) {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut distinct: Vec<String> = Vec::new();
        let text_of = answers
            .iter()
            .map(|a| {
                a.as_deref().map(|a| {
                    *index.entry(a).or_insert_with(|| {
                        distinct.push(a.to_string());
                        distinct.len() - 1
                    })
                })
            })
            .collect();
        (distinct, text_of)
    }

    /// The states of some tickets only (`idx`, in order): just their distinct texts, each once.
    pub fn restrict(&self, idx: &[usize]) -> AnswerStates {
        let mut renumbered: HashMap<usize, usize> = HashMap::new();
        let mut out = AnswerStates::default();
        for &i in idx {
            let t = self.text_of.get(i).copied().flatten().map(|t| {
                *renumbered.entry(t).or_insert_with(|| {
                    out.states.push(self.states[t].clone());
                    out.states.len() - 1
                })
            });
            out.text_of.push(t);
        }
        out
    }
}

/// Token matching of the answers ([`super::pairs`], step 1): the distinct answers' token vectors, each
/// answered ticket's text, the mean score of two tickets' answers that centres it, and its weight.
pub(super) struct Matching {
    pub(super) tokens: Tokens,
    pub(super) text_of: Vec<Option<usize>>,
    pub(super) mean: f64,
    pub(super) weight: f64,
}

impl Matching {
    /// `None` when token matching is off or there are no states for these tickets.
    pub(super) fn new(states: Option<AnswerStates>, answers: &[Option<Vec<f32>>], weight: f64) -> Option<Matching> {
        // Past `embed::MAX_ANSWER_STATES` distinct texts the cost is over budget: the cosine alone.
        let states = states.filter(|s| {
            weight > 0.0 && s.text_of.len() == answers.len() && !s.states.is_empty() && s.states.len() <= crate::embed::MAX_ANSWER_STATES
        })?;
        // Only answers that take part: the others have no answer half at all.
        let text_of: Vec<Option<usize>> = states.text_of.iter().zip(answers).map(|(t, a)| a.as_ref().and(*t)).collect();
        let tokens = Tokens::build(states.states, 0);
        let mean = mean_match(&tokens, &text_of);
        Some(Matching { tokens, text_of, mean, weight: weight.min(1.0) })
    }

    /// What the token part adds to the similarity of two tickets with the same answer text: its
    /// half of the answer half, at a perfect match, centred.
    pub(super) fn same(&self) -> f64 {
        0.5 * self.weight * (1.0 - self.mean)
    }

    /// The token part of each linked pair of tickets whose answers differ, as links between them
    /// (each pair once, however many of the two named the other a neighbour). Every two distinct
    /// texts are matched once, all of one text's partners in one product.
    pub(super) fn links(&self, edges: &[(usize, usize)]) -> Vec<HashMap<usize, f64>> {
        let mut pairs: BTreeSet<(usize, usize)> = BTreeSet::new();
        let mut wanted: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
        for &(i, j) in edges {
            let (i, j) = (i.min(j), i.max(j));
            if let (Some(s), Some(t)) = (self.text_of[i], self.text_of[j]) {
                if s != t && pairs.insert((i, j)) {
                    wanted.entry(s.min(t)).or_default().insert(s.max(t));
                }
            }
        }
        let wanted: Vec<(usize, Vec<usize>)> = wanted.into_iter().map(|(s, ts)| (s, ts.into_iter().collect())).collect();
        let scored: HashMap<(usize, usize), f32> = wanted
            .par_iter()
            .flat_map_iter(|(s, ts)| {
                let got = self.tokens.scores(*s, ts);
                ts.iter().zip(got).map(move |(t, x)| ((*s, *t), x))
            })
            .collect();
        let mut links: Vec<HashMap<usize, f64>> = vec![HashMap::new(); self.text_of.len()];
        for (i, j) in pairs {
            let (s, t) = (self.text_of[i].expect("answered"), self.text_of[j].expect("answered"));
            let x = 0.5 * self.weight * (f64::from(scored[&(s.min(t), s.max(t))]) - self.mean);
            links[i].insert(j, x);
            links[j].insert(i, x);
        }
        links
    }

    /// The token part of ticket `i`'s mean similarity to the tickets `members`: every member's
    /// match, centred, each distinct text matched once.
    pub(super) fn mean_with(&self, i: usize, members: &[usize]) -> f64 {
        let Some(s) = self.text_of[i] else { return 0.0 };
        let mut counts: BTreeMap<usize, f64> = BTreeMap::new();
        members.iter().filter_map(|&m| self.text_of[m]).for_each(|t| *counts.entry(t).or_default() += 1.0);
        let others: Vec<usize> = counts.keys().copied().filter(|&t| t != s).collect();
        let scores = self.tokens.scores(s, &others);
        let mut sum = counts.get(&s).map_or(0.0, |c| c * (1.0 - self.mean));
        sum += others.iter().zip(scores).map(|(t, x)| counts[t] * (f64::from(x) - self.mean)).sum::<f64>();
        0.5 * self.weight * sum / members.len().max(1) as f64
    }
}

/// Pairs sampled to centre the token match: its mean is then known to about ±0.001.
const MEAN_SAMPLE: usize = 4000;

/// The mean token match of two different tickets' answers (`text_of`: each ticket's answer text),
/// over every pair when there are at most [`MEAN_SAMPLE`], else over that many drawn by a fixed
/// generator, so runs repeat exactly.
fn mean_match(tokens: &Tokens, text_of: &[Option<usize>]) -> f64 {
    let texts: Vec<usize> = text_of.iter().flatten().copied().collect();
    let m = texts.len();
    if m < 2 {
        return 0.0;
    }
    let pairs: Vec<(usize, usize)> = if m * (m - 1) / 2 <= MEAN_SAMPLE {
        (0..m).flat_map(|i| (i + 1..m).map(move |j| (i, j))).collect()
    } else {
        let mut draw = crate::hash::Sequence::new(0x9e37_79b9_7f4a_7c15);
        (0..MEAN_SAMPLE)
            .map(|_| {
                let i = draw.below(m);
                (i, (i + 1 + draw.below(m - 1)) % m)
            })
            .collect()
    };
    // One text against itself is a perfect match, as [`Matching::same`] counts it.
    let scores: Vec<f32> = pairs.par_iter().map(|&(i, j)| if texts[i] == texts[j] { 1.0 } else { tokens.score(texts[i], texts[j]) }).collect();
    scores.iter().map(|&x| f64::from(x)).sum::<f64>() / pairs.len() as f64
}

/// Clusters of pairs whose similarity is the pair vectors' dot product plus the answers' token
/// part: kept as sums between linked clusters (the tickets' links whose answers differ) and, for
/// tickets with the same answer text, as each cluster's count of every text (their part is
/// [`Matching::same`] a pair). Pairs of different texts that no link joins count their mean, 0.
pub(super) struct Blended {
    sums: Sums,
    links: Vec<HashMap<usize, f64>>,
    texts: Vec<HashMap<usize, f64>>,
    same: f64,
}

impl Blended {
    /// Each ticket of `v` (pair vectors, rows of `d`) a cluster of its own, linked by `edges`.
    pub(super) fn new(matching: &Matching, v: &[f32], d: usize, edges: &[(usize, usize)]) -> Blended {
        Blended {
            links: matching.links(edges),
            texts: matching.text_of.iter().map(|t| t.map(|t| HashMap::from([(t, 1.0)])).unwrap_or_default()).collect(),
            same: matching.same(),
            sums: Sums::of(v, d),
        }
    }
}

impl Linked for Blended {
    fn score(&self, x: usize, y: usize) -> f64 {
        let (small, big) = if self.texts[x].len() <= self.texts[y].len() { (x, y) } else { (y, x) };
        let shared: f64 = self.texts[small].iter().filter_map(|(t, c)| self.texts[big].get(t).map(|d| c * d)).sum();
        let linked = self.links[x].get(&y).copied().unwrap_or(0.0);
        self.sums.score(x, y) + (linked + self.same * shared) / (self.sums.size[x] * self.sums.size[y])
    }

    fn absorb(&mut self, x: usize, y: usize) {
        self.sums.absorb(x, y);
        for (c, w) in std::mem::take(&mut self.links[y]) {
            self.links[c].remove(&y);
            if c != x {
                *self.links[x].entry(c).or_default() += w;
                *self.links[c].entry(x).or_default() += w;
            }
        }
        let mut into = std::mem::take(&mut self.texts[x]);
        let mut from = std::mem::take(&mut self.texts[y]);
        if into.len() < from.len() {
            std::mem::swap(&mut into, &mut from);
        }
        from.into_iter().for_each(|(t, c)| *into.entry(t).or_default() += c);
        self.texts[x] = into;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::pairs::{cluster_pinned, PairsConfig};

    fn unit(v: &[f32]) -> Vec<f32> {
        crate::vector::normalize(v.to_vec())
    }

    /// Naive average linkage over a full similarity matrix: the best mean first, cut at `t`.
    fn full_average_linkage(s: &[Vec<f64>], t: f64) -> Vec<usize> {
        let n = s.len();
        let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
        loop {
            let mut best = (f64::MIN, 0, 0);
            for x in 0..n {
                for y in x + 1..n {
                    if members[x].is_empty() || members[y].is_empty() {
                        continue;
                    }
                    let sum: f64 = members[x].iter().flat_map(|&i| members[y].iter().map(move |&j| (i, j))).map(|(i, j)| s[i][j]).sum();
                    let mean = sum / (members[x].len() * members[y].len()) as f64;
                    if mean > best.0 {
                        best = (mean, x, y);
                    }
                }
            }
            if best.0 < t {
                break;
            }
            let moved = std::mem::take(&mut members[best.2]);
            members[best.1].extend(moved);
        }
        let mut label = vec![0; n];
        for (c, m) in members.iter().enumerate() {
            m.iter().for_each(|&i| label[i] = c);
        }
        crate::cluster::renumber(label)
    }

    #[test]
    fn token_matching_of_answers_is_exact_average_linkage_over_the_blended_similarity() {
        let mut seq = crate::hash::Sequence::new(5);
        let mut rnd = || seq.centred();
        // 18 tickets of 3 intents in 6 dimensions; answers are paraphrases of an intent's words
        // (token axes), two tickets share one text, and one ticket has no answer.
        let centres: Vec<Vec<f32>> = (0..3).map(|_| (0..6).map(|_| rnd()).collect()).collect();
        let questions: Vec<Vec<f32>> =
            (0..18).map(|i| unit(&centres[i % 3].iter().map(|c| c + 0.6 * rnd()).collect::<Vec<_>>())).collect();
        let answers: Vec<Option<Vec<f32>>> = (0..18)
            .map(|i| (i != 7).then(|| unit(&centres[(i + 1) % 3].iter().map(|c| c + 0.8 * rnd()).collect::<Vec<_>>())))
            .collect();
        let f = |x: f32| half::f16::from_f32(x);
        let states: Vec<TokenStates> = (0..18)
            .map(|i| {
                let text = if i == 4 { 1 } else { i };
                let words: Vec<u32> = (0..4).map(|w| (text % 3 * 3 + (w + text / 3) % 5) as u32).collect();
                let mut v = Vec::new();
                for &w in &words {
                    v.extend((0..6).map(|a| f(if a == w as usize % 6 { 1.0 } else { 0.1 * ((w as usize + a + text) % 3) as f32 })));
                }
                TokenStates { ids: words.iter().map(|w| w + 100 * (text as u32 % 2)).collect(), states: v }
            })
            .collect();
        let config = PairsConfig { threshold: 0.2, k: 17, token_match: 0.5 };
        let per_ticket = AnswerStates::per_ticket(states.clone());
        assert_eq!(per_ticket.text_of[4], per_ticket.text_of[1], "one text, kept once");
        assert_eq!(per_ticket.states.len(), 17);
        let got = cluster_pinned(&questions, &answers, Some(per_ticket.clone()), &[], &config);
        // The blended similarity written out in full: the mean of the centred question cosine and
        // the answer half, where the answer half is half the centred cosine and half the centred
        // token match (a ticket without an answer: as in `pair_vectors`).
        let m = Matching::new(Some(per_ticket), &answers, config.token_match).unwrap();
        let qc = crate::vector::centre(&questions);
        let answered: Vec<Vec<f32>> = answers.iter().flatten().cloned().collect();
        let ac = crate::vector::centre(&answered);
        let a_row: Vec<Option<usize>> = answers.iter().scan(0, |next, a| Some(a.as_ref().map(|_| { *next += 1; *next - 1 }))).collect();
        let dot = |x: &[f32], y: &[f32]| x.iter().zip(y).map(|(a, b)| f64::from(a * b)).sum::<f64>();
        let s: Vec<Vec<f64>> = (0..18)
            .map(|i| {
                (0..18)
                    .map(|j| {
                        let sq = dot(&qc[i * 6..i * 6 + 6], &qc[j * 6..j * 6 + 6]);
                        match (a_row[i], a_row[j]) {
                            (Some(x), Some(y)) => {
                                let ca = dot(&ac[x * 6..x * 6 + 6], &ac[y * 6..y * 6 + 6]);
                                let (ti, tj) = (m.text_of[i].unwrap(), m.text_of[j].unwrap());
                                let tm = if ti == tj { 1.0 } else { f64::from(m.tokens.score(ti, tj)) };
                                0.5 * sq + 0.5 * (0.5 * ca + 0.5 * (tm - m.mean))
                            }
                            (None, None) => sq,
                            _ => sq * std::f64::consts::FRAC_1_SQRT_2,
                        }
                    })
                    .collect()
            })
            .collect();
        let want = full_average_linkage(&s, 0.2);
        assert_eq!(got, want);
        assert!(want.iter().collect::<BTreeSet<_>>().len() > 1 && want.iter().collect::<BTreeSet<_>>().len() < 18, "{want:?}");
        // The mean over all 136 pairs of answered tickets, each pair once.
        let texts: Vec<usize> = m.text_of.iter().flatten().copied().collect();
        let all: Vec<f64> = (0..texts.len()).flat_map(|i| (i + 1..texts.len()).map(move |j| (i, j))).map(|(i, j)| if texts[i] == texts[j] { 1.0 } else { f64::from(m.tokens.score(texts[i], texts[j])) }).collect();
        assert!((m.mean - all.iter().sum::<f64>() / all.len() as f64).abs() < 1e-9);
    }

    #[test]
    fn restricting_keeps_each_text_once_and_too_many_texts_match_by_cosine_alone() {
        let one = |id: u32| TokenStates { ids: vec![id], states: vec![half::f16::ONE; 4] };
        let all = AnswerStates::per_ticket(vec![one(1), one(2), one(1), TokenStates::default(), one(3)]);
        assert_eq!(all.text_of, vec![Some(0), Some(1), Some(0), None, Some(2)]);
        let some = all.restrict(&[2, 3, 0]);
        assert_eq!(some.text_of, vec![Some(0), None, Some(0)], "ticket 2 and ticket 0 share one text");
        assert_eq!(some.states.len(), 1);
        let (distinct, text_of) = AnswerStates::distinct_texts(&[Some("b".into()), None, Some("a".into()), Some("b".into())]);
        assert_eq!((distinct, text_of), (vec!["b".to_string(), "a".to_string()], vec![Some(0), None, Some(1), Some(0)]));

        let answers = |n: usize| vec![Some(vec![1.0f32, 0.0]); n];
        let many = |n: u32| AnswerStates::per_ticket((0..n).map(one).collect());
        let at_limit = crate::embed::MAX_ANSWER_STATES;
        assert!(Matching::new(Some(many(at_limit as u32)), &answers(at_limit), 0.5).is_some());
        assert!(Matching::new(Some(many(at_limit as u32 + 1)), &answers(at_limit + 1), 0.5).is_none(), "over the limit: no token part");
    }
}
