//! Leave one set out: each labelled set is scored with the settings chosen on the *other* sets, so
//! no number it prints for a set was tuned on that set.
//!
//!     cargo bench --bench loso -- pairs /tmp/vm.jsonl /tmp/demo.jsonl /tmp/twitter.jsonl
//!     cargo bench --bench loso -- graph /tmp/banking.jsonl /tmp/finance.jsonl …
//!
//! The dumps come from `KBFORGE_EVAL_DUMP=… kbforge eval desk …` (tickets with question and answer
//! vectors) or `kbforge eval cluster …` (questions, with answers when the set has them; token
//! states beside them for the graph method). For each held-out set the settings are chosen by
//! coordinate ascent from the defaults over the method's keys, maximising the mean B³-F1 of the
//! other sets; then the held-out set is clustered once with them. Printed per set: the held-out
//! B³-F1 and the settings it got, the B³-F1 at the defaults, and the best B³-F1 any setting of the
//! search reaches on the set itself (a training score, the ceiling of tuning on it).
//!
//! `pairs` searches `threshold`; `graph` searches resolution, coherence, cpm-gamma, attach, merge,
//! lexical and token-match, two rounds. `KBFORGE_LOSO_ROUNDS` changes the rounds.
//! `KBFORGE_LOSO_SCORE=desk` scores desk dumps by what their drafts would be instead of B³-F1:
//! purity × coverage, with drafts taken as the draft stage takes them (clusters of 3+ tickets most
//! of them classified flat), purity ticket-weighted against the labelled intent and coverage the
//! share of labelled flat intents with 3+ tickets that are some draft's majority (a draft split
//! evenly between intents is none's, as in `eval desk`).

use std::collections::HashMap;

use kbforge::cluster::{ClusterConfig, Method};

/// A setting: the values of the searched keys, in order, as TOML-able numbers.
type Setting = Vec<f64>;

struct Search {
    keys: Vec<(&'static str, Vec<f64>)>,
    base: ClusterConfig,
}

impl Search {
    fn new(method: &str) -> Search {
        let base = ClusterConfig::default();
        match method {
            "pairs" => Search {
                keys: vec![("threshold", (6..=20).map(|i| i as f64 * 0.025).collect())],
                base: ClusterConfig { method: Method::Pairs, ..base },
            },
            "graph" => Search {
                keys: vec![
                    ("resolution", vec![3.0, 5.0, 7.0, 9.0, 12.0]),
                    ("coherence", vec![0.2, 0.23, 0.26, 0.29, 0.32]),
                    ("cpm-gamma", vec![0.27, 0.3, 0.33, 0.36, 0.39]),
                    ("attach", vec![0.26, 0.29, 0.32, 0.35, 0.38]),
                    ("merge", vec![0.23, 0.26, 0.29, 0.32, 0.35, 0.0]),
                    ("lexical", vec![0.1, 0.2, 0.3, 0.4]),
                    ("token-match", vec![0.0, 0.3, 0.5, 0.6]),
                ],
                base: ClusterConfig { method: Method::Graph, ..base },
            },
            other => panic!("method `{other}`: pairs or graph"),
        }
    }

    /// The defaults' values of the searched keys.
    fn defaults(&self) -> Setting {
        self.keys.iter().map(|(k, _)| self.get(&self.base, k)).collect()
    }

    fn get(&self, c: &ClusterConfig, key: &str) -> f64 {
        match key {
            "threshold" => c.pairs.threshold,
            "resolution" => c.graph.resolution,
            "coherence" => c.graph.coherence,
            "cpm-gamma" => c.graph.cpm_gamma,
            "attach" => c.graph.attach,
            "merge" => c.graph.merge,
            "lexical" => c.graph.lexical,
            "token-match" => c.graph.token_match,
            _ => unreachable!("{key}"),
        }
    }

    fn config(&self, s: &Setting) -> ClusterConfig {
        let mut c = self.base.clone();
        for ((key, _), &v) in self.keys.iter().zip(s) {
            match *key {
                "threshold" => c.pairs.threshold = v,
                "resolution" => c.graph.resolution = v,
                "coherence" => c.graph.coherence = v,
                "cpm-gamma" => c.graph.cpm_gamma = v,
                "attach" => c.graph.attach = v,
                "merge" => c.graph.merge = v,
                "lexical" => c.graph.lexical = v,
                "token-match" => c.graph.token_match = v,
                _ => unreachable!("{key}"),
            }
        }
        c
    }

    fn describe(&self, s: &Setting) -> String {
        self.keys.iter().zip(s).map(|((k, _), v)| format!("{k} {}", (v * 1000.0).round() / 1000.0)).collect::<Vec<_>>().join(", ")
    }
}

struct Set {
    name: String,
    dump: kbforge::eval::Dump,
    states: Vec<kbforge::embed::TokenStates>,
}

/// B³-F1 of every set under every setting tried, computed once.
struct Scores<'a> {
    sets: &'a [Set],
    search: &'a Search,
    cache: HashMap<(usize, String), f64>,
}

impl Scores<'_> {
    fn f1(&mut self, set: usize, s: &Setting) -> f64 {
        let key = (set, format!("{s:?}"));
        if let Some(&f) = self.cache.get(&key) {
            return f;
        }
        let config = self.search.config(s);
        let Set { dump, states, .. } = &self.sets[set];
        let words: Vec<&str> = dump.texts.iter().map(String::as_str).collect();
        let labels = kbforge::cluster::cluster_pairs(&dump.vectors, &dump.answers, &words, states.clone(), &config);
        let f = if desk_score() { desk(dump, &labels) } else { kbforge::eval::metrics::score(&dump.gold, &labels).bcubed_f1 };
        self.cache.insert(key, f);
        f
    }

    fn mean(&mut self, sets: &[usize], s: &Setting) -> f64 {
        sets.iter().map(|&i| self.f1(i, s)).sum::<f64>() / sets.len().max(1) as f64
    }

    /// Coordinate ascent from the defaults, maximising the mean over `sets` (ties keep the
    /// current value, then the earlier one).
    fn ascend(&mut self, sets: &[usize], rounds: usize) -> Setting {
        let mut best = self.search.defaults();
        let mut best_score = self.mean(sets, &best);
        for _ in 0..rounds {
            let mut moved = false;
            for k in 0..self.search.keys.len() {
                for &v in &self.search.keys[k].1.clone() {
                    let mut s = best.clone();
                    s[k] = v;
                    let score = self.mean(sets, &s);
                    if score > best_score + 1e-9 {
                        (best, best_score, moved) = (s, score, true);
                    }
                }
            }
            if !moved {
                break;
            }
        }
        best
    }
}

fn desk_score() -> bool {
    std::env::var("KBFORGE_LOSO_SCORE").is_ok_and(|s| s == "desk")
}

/// Purity × coverage of the drafts a desk's clusters would make (see the module header).
fn desk(dump: &kbforge::eval::Dump, labels: &[usize]) -> f64 {
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    labels.iter().enumerate().for_each(|(i, &l)| groups.entry(l).or_default().push(i));
    let mut flat_size: HashMap<usize, usize> = HashMap::new();
    for (i, (_, gold)) in dump.kinds.iter().enumerate() {
        if gold == "flat" {
            *flat_size.entry(dump.gold[i]).or_default() += 1;
        }
    }
    let (mut pure, mut total) = (0usize, 0usize);
    let mut covered = std::collections::HashSet::new();
    for members in groups.values().filter(|m| m.len() >= 3) {
        let flat = members.iter().filter(|&&i| dump.kinds[i].0 == "flat").count();
        if flat * 2 <= members.len() {
            continue;
        }
        let mut counts: HashMap<usize, usize> = HashMap::new();
        members.iter().for_each(|&i| *counts.entry(dump.gold[i]).or_default() += 1);
        let n = counts.values().copied().max().unwrap_or_default();
        pure += n;
        total += members.len();
        // As `eval desk` scores: a draft split evenly between intents covers none of them.
        let leaders: Vec<usize> = counts.iter().filter(|&(_, &c)| c == n).map(|(&g, _)| g).collect();
        if let [intent] = leaders[..] {
            covered.insert(intent);
        }
    }
    let eligible: Vec<usize> = flat_size.iter().filter(|(_, &n)| n >= 3).map(|(&g, _)| g).collect();
    let coverage = eligible.iter().filter(|g| covered.contains(g)).count() as f64 / eligible.len().max(1) as f64;
    pure as f64 / total.max(1) as f64 * coverage
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let method = args.next().expect("usage: loso pairs|graph <dump>…");
    let files: Vec<String> = args.collect();
    let search = Search::new(&method);
    let rounds: usize = std::env::var("KBFORGE_LOSO_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(if method == "graph" { 2 } else { 1 });
    let sets: Vec<Set> = files
        .iter()
        .map(|f| {
            let dump = kbforge::eval::read_dump(std::path::Path::new(f), usize::MAX).expect("a vector dump");
            // The questions' states for the graph method, the answers' for the pairs method.
            let uses_tokens = std::path::Path::new(f).with_extension("tokens").exists();
            let states = if uses_tokens {
                kbforge::cluster::tokens::Tokens::read_states(&std::path::Path::new(f).with_extension("tokens"), usize::MAX).expect("token states")
            } else {
                Vec::new()
            };
            let name = std::path::Path::new(f).file_stem().map_or(f.clone(), |s| s.to_string_lossy().into_owned());
            Set { name, dump, states }
        })
        .collect();
    let mut scores = Scores { sets: &sets, search: &search, cache: HashMap::new() };
    let all: Vec<usize> = (0..sets.len()).collect();
    let defaults = search.defaults();
    let what = if desk_score() { "purity × coverage" } else { "B³-F1" };
    println!("{what}: {:<16} {:>9} {:>9} {:>9}  settings chosen on the other sets", "set", "held-out", "defaults", "own best");
    let mut held_sum = 0.0;
    for h in 0..sets.len() {
        let others: Vec<usize> = all.iter().copied().filter(|&i| i != h).collect();
        let chosen = scores.ascend(&others, rounds);
        let held = scores.f1(h, &chosen);
        let at_defaults = scores.f1(h, &defaults);
        // The ceiling of tuning on the set itself: the best of everything tried on it so far.
        let own = scores.ascend(&[h], rounds);
        let own_best = scores.f1(h, &own);
        held_sum += held;
        println!("{:<16} {held:>9.3} {at_defaults:>9.3} {own_best:>9.3}  {}", sets[h].name, search.describe(&chosen));
    }
    let chosen_all = scores.ascend(&all, rounds);
    println!("mean held-out {what} {:.4}", held_sum / sets.len().max(1) as f64);
    println!("chosen on all sets (training scores): {}", search.describe(&chosen_all));
    for (i, set) in sets.iter().enumerate() {
        println!("  {:<14} {:.3}", set.name, scores.f1(i, &chosen_all));
    }
}
