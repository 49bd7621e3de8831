//! Clustering cost at growing sizes: 10k, 30k and 100k questions by default.
//!
//!     python3 benches/gen_cluster_set.py 100000 /tmp/questions-100k.jsonl
//!     KBFORGE_EVAL_DUMP=/tmp/vectors-100k.jsonl kbforge eval cluster /tmp/questions-100k.jsonl
//!     cargo bench --bench cluster -- /tmp/vectors-100k.jsonl [10000 30000 100000]
//!
//! The first command writes the labelled questions, the second embeds them with the pipeline's
//! cleaning and model and dumps the vectors, this one clusters the first n of them with the default
//! settings (with the token states the second command wrote beside the dump, read before the
//! clock starts, as the stage reads them from its cache) and prints the time, the peak memory so
//! far, the number of clusters and B³-F1.

use std::time::Instant;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let file = args.next().expect("usage: cluster <vectors.jsonl> [n …]");
    let sizes: Vec<usize> = args.filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![10_000, 30_000, 100_000] } else { sizes };
    let most = sizes.iter().copied().max().unwrap_or(0);
    let kbforge::eval::Dump { vectors, texts, gold, answers, .. } = kbforge::eval::read_dump(std::path::Path::new(&file), most).expect("a vector dump");
    println!("{:>8} {:>9} {:>10} {:>9} {:>7}", "n", "seconds", "peak MB", "clusters", "B³-F1");
    let config = kbforge::cluster::ClusterConfig::default();
    for n in sizes {
        let n = n.min(vectors.len());
        let words: Vec<&str> = texts[..n].iter().map(String::as_str).collect();
        // Token states `kbforge eval cluster` wrote beside the dump; clustering consumes them.
        let answered = !answers.is_empty();
        // The questions' states for the graph method, the answers' for the pairs method.
        let states = if kbforge::cluster::wants_tokens(&config).keep(answered) != kbforge::embed::Keep::Nothing {
            let sidecar = std::path::Path::new(&file).with_extension("tokens");
            kbforge::cluster::tokens::Tokens::read_states(&sidecar, n).unwrap_or_else(|e| panic!("{e}: dump the vectors again with `kbforge eval cluster`"))
        } else {
            Vec::new()
        };
        let started = Instant::now();
        let answers = if answered { &answers[..n] } else { &[][..] };
        let labels = kbforge::cluster::cluster_pairs(&vectors[..n], answers, &words, states, &config);
        let seconds = started.elapsed().as_secs_f64();
        let clusters = labels.iter().collect::<std::collections::HashSet<_>>().len();
        let score = kbforge::eval::metrics::score(&gold[..n], &labels);
        println!("{n:>8} {seconds:>9.2} {:>10.0} {clusters:>9} {:>7.3}", peak_rss_mb(), score.bcubed_f1);
    }
}
