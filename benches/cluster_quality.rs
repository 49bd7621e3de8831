//! Clustering quality on several labelled sets at once, from vector dumps, without embedding again:
//!
//!     KBFORGE_EVAL_DUMP=/tmp/banking.jsonl kbforge eval cluster ../shared/data/dstc11_intent_clustering_en/data.jsonl --only domain=banking
//!     cargo bench --bench cluster_quality -- /tmp/banking.jsonl /tmp/finance.jsonl …
//!
//! Each dump is clustered with the default settings, or with `[cluster.graph]` keys given as TOML
//! in `KBFORGE_GRAPH` (e.g. `KBFORGE_GRAPH='merge = 0.3'`), and scored: B³ P/R/F1, clusters of
//! two or more and the unclustered share (counted as `kbforge eval cluster` counts them). The last
//! line is the mean B³-F1. This is how the defaults were chosen (docs/BENCHMARKS.md).
//! `KBFORGE_CLUSTER_LABELS=<dir>` also writes each set's questions with their gold and predicted
//! labels there, to look at what was split or mixed. `KBFORGE_CLUSTER_HEADROOM=1` adds, under each
//! set, where it loses: the B³-F1 if merging alone were perfect (every cluster of 2+ renamed to its
//! majority intent), if splitting alone were perfect (every cluster cut along its intents), and the
//! kNN@15 purity of the vectors as the graph method sees them (centred, `drop-directions`
//! removed; embeddings only): the share of each question's 15 nearest that have its intent.
//! Token matching (`cluster::tokens`, on unless `token-match = 0`) reads the token states that
//! `kbforge eval cluster` writes beside each dump (`<dump>.tokens`).

use std::collections::HashMap;

fn main() {
    let files: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let graph: kbforge::cluster::graph::GraphConfig = match std::env::var("KBFORGE_GRAPH") {
        Ok(toml_text) => toml::from_str(&toml_text).expect("KBFORGE_GRAPH: [cluster.graph] keys as TOML"),
        Err(_) => Default::default(),
    };
    let config = kbforge::cluster::ClusterConfig { graph, ..Default::default() };
    println!("{:<28} {:>6} {:>6} {:>6} {:>9} {:>11}", "set", "P", "R", "F1", "clusters", "unclustered");
    let mut total = 0.0;
    for file in &files {
        let kbforge::eval::Dump { vectors, texts, gold, answers, .. } = kbforge::eval::read_dump(std::path::Path::new(file), usize::MAX).expect("a vector dump");
        let words: Vec<&str> = texts.iter().map(String::as_str).collect();
        let states = if answers.is_empty() { token_states(file, &config) } else { Vec::new() };
        let labels = kbforge::cluster::cluster_pairs(&vectors, &answers, &words, states, &config);
        if let Ok(dir) = std::env::var("KBFORGE_CLUSTER_LABELS") {
            let name = std::path::Path::new(file).file_stem().unwrap().to_string_lossy().into_owned();
            let lines: Vec<String> = labels.iter().zip(&texts).zip(&gold).map(|((l, t), g)| serde_json::json!({"label": l, "gold": g, "text": t}).to_string()).collect();
            std::fs::write(format!("{dir}/{name}.labels.jsonl"), lines.join("\n")).unwrap();
        }
        let (clusters, alone) = kbforge::eval::cluster_counts(&labels);
        let s = kbforge::eval::metrics::score(&gold, &labels);
        total += s.bcubed_f1;
        let name = std::path::Path::new(file).file_stem().map_or(file.clone(), |s| s.to_string_lossy().into_owned());
        println!("{name:<28} {:>6.3} {:>6.3} {:>6.3} {:>9} {:>10.1}%", s.bcubed_precision, s.bcubed_recall, s.bcubed_f1, clusters, alone * 100.0);
        if std::env::var_os("KBFORGE_CLUSTER_HEADROOM").is_some() {
            let (merged, split, purity) = headroom(&vectors, &gold, &labels, config.graph.drop_directions);
            println!("  oracle merge F1 {merged:.3}, oracle split F1 {split:.3}, kNN@15 purity {purity:.3}");
        }
    }
    println!("{:<28} {:>20.4}", "mean B³-F1", total / files.len().max(1) as f64);
}

/// B³-F1 with perfect merging, B³-F1 with perfect splitting, and the kNN@15 purity of the vectors
/// after the graph method's centring and `drop_directions`.
fn headroom(vectors: &[Vec<f32>], gold: &[usize], labels: &[usize], drop_directions: usize) -> (f64, f64, f64) {
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for (&l, &g) in labels.iter().zip(gold) {
        members.entry(l).or_default().push(g);
    }
    // A cluster of 2+ takes its majority intent; a question alone keeps a label past every intent.
    let majority: HashMap<usize, usize> = members
        .iter()
        .filter(|(_, gs)| gs.len() > 1)
        .filter_map(|(&l, gs)| kbforge::cluster::majority(gs.iter().copied()).map(|g| (l, g)))
        .collect();
    let past = gold.iter().copied().max().map_or(0, |m| m + 1);
    let merged: Vec<usize> = labels.iter().enumerate().map(|(i, l)| majority.get(l).copied().unwrap_or(past + i)).collect();
    let split = kbforge::cluster::renumber(labels.iter().zip(gold));
    let score = |predicted: &[usize]| kbforge::eval::metrics::score(gold, predicted).bcubed_f1;

    let (n, d, k) = (vectors.len(), vectors.first().map_or(0, Vec::len), 15);
    let mut z = kbforge::cluster::graph::centre(vectors);
    kbforge::cluster::graph::drop_top_directions(&mut z, n, d, drop_directions);
    let nn = kbforge::cluster::knn::knn(&z, d, k.min(n.saturating_sub(1)));
    let same: usize = (0..n).map(|i| nn.of(i).filter(|&(j, _)| gold[j] == gold[i]).count()).sum();
    let listed: usize = (0..n).map(|i| nn.of(i).count()).sum();
    (score(&merged), score(&split), same as f64 / listed.max(1) as f64)
}

/// The token states `kbforge eval cluster` wrote beside the dump (`<dump>.tokens`), when the
/// settings use token matching; none otherwise.
pub fn token_states(dump: &str, config: &kbforge::cluster::ClusterConfig) -> Vec<kbforge::embed::TokenStates> {
    if kbforge::cluster::wants_tokens(config) == kbforge::embed::Tokens::NONE {
        return Vec::new();
    }
    let sidecar = std::path::Path::new(dump).with_extension("tokens");
    kbforge::cluster::tokens::Tokens::read_states(&sidecar, usize::MAX)
        .unwrap_or_else(|e| panic!("{e}: dump the vectors again with `kbforge eval cluster` (KBFORGE_EVAL_DUMP), which writes the token states beside them, or set token-match = 0"))
}
