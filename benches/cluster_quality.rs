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
//! labels there, to look at what was split or mixed.

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
        let kbforge::eval::Dump { vectors, texts, gold } = kbforge::eval::read_dump(std::path::Path::new(file), usize::MAX).expect("a vector dump");
        let words: Vec<&str> = texts.iter().map(String::as_str).collect();
        let labels = kbforge::cluster::cluster_texts(&vectors, &words, &config);
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
    }
    println!("{:<28} {:>20.4}", "mean B³-F1", total / files.len().max(1) as f64);
}
