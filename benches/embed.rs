//! Embedding throughput of kbforge (fastembed over ONNX Runtime), on the texts of a JSONL file.
//! Run through `benches/embed_vs_python.sh`, which runs Python onnxruntime on the same model and
//! texts in the same session and prints the ratio.
//!
//!     cargo bench --bench embed -- <texts.jsonl> [limit]
//!
//! Prints two JSON lines: the same texts embedded keeping their token states (the embed stage's
//! path with token matching on), then pooled vectors alone: texts, seconds, texts per second, the
//! first vector's first dimensions.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let file = args.next().expect("usage: embed <texts.jsonl> [limit]");
    let limit: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(usize::MAX);
    let texts: Vec<String> = std::fs::read_to_string(&file)
        .expect("the texts file")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(limit)
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
            format!("query: {}", v["text"].as_str().expect("a `text` field"))
        })
        .collect();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config = kbforge::embed::EmbedConfig::default();
    if std::env::var_os("KBFORGE_MODEL_DIR").is_none() {
        config.model_dir = Some(root.join("../shared/models/multilingual-e5-small-q4"));
    }
    let embedder = kbforge::embed::Embedder::load(&config, root).expect("the model loads");
    // Warm-up: the first call allocates ONNX Runtime's arenas.
    embedder.embed(&texts[..texts.len().min(64)]).expect("embedding works");
    let started = Instant::now();
    let vectors = embedder.embed(&texts).expect("embedding works");
    let seconds = started.elapsed().as_secs_f64();
    // The embed stage's path when the clustering matches tokens: the same inference, keeping each
    // text's content-token states besides its pooled vector.
    let started = Instant::now();
    let with_states = embedder.embed_tokens(&texts, &indicatif::ProgressBar::hidden()).expect("embedding works");
    let token_seconds = started.elapsed().as_secs_f64();
    let tokens: usize = with_states.iter().map(|(_, t)| t.ids.len()).sum();
    println!(
        "{}",
        serde_json::json!({
            "engine": "kbforge, keeping token states",
            "texts": texts.len(),
            "seconds": token_seconds,
            "per_second": texts.len() as f64 / token_seconds,
            "tokens_kept": tokens,
        })
    );
    println!(
        "{}",
        serde_json::json!({
            "engine": "kbforge (fastembed, ort)",
            "texts": texts.len(),
            "seconds": seconds,
            "per_second": texts.len() as f64 / seconds,
            "first": &vectors[0][..6],
        })
    );
}
