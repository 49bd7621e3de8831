//! Evaluation commands: quality measured on labelled data, never judged by eye.
//!
//! `kbforge eval cluster <labelled.jsonl>` reads `text` and `intent` (or other fields), cleans, embeds
//! and clusters with the workspace's own settings, and prints NMI, ARI, BCubed P/R/F1, the number of
//! clusters, the unclustered share and the time. Entry point: [`eval_cluster`].
//!
//! `kbforge eval redact <labelled.jsonl>` runs the redaction over labelled snippets and prints precision
//! and recall by kind of personal data (`redact`). Entry point: [`redact::eval_redact`].

pub mod cache;
pub mod classify;
pub mod desk;
pub mod edits;
pub mod labels;
pub mod metrics;
pub mod redact;
pub mod retrieve;
pub mod route;

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use anyhow::Context as _;

use crate::cluster::ClusterConfig;
use crate::embed::{embed_cached, Embedder};
use crate::store::Store;

/// The result of `kbforge eval cluster`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClusterEval {
    pub nmi: f64,
    pub ari: f64,
    pub bcubed_precision: f64,
    pub bcubed_recall: f64,
    pub bcubed_f1: f64,
    pub clusters: usize,
    /// Share of questions left in a cluster of their own.
    pub unclustered: f64,
    /// The whole evaluation: cleaning, embedding (through the cache) and clustering.
    pub seconds: f64,
    /// Clustering alone.
    pub cluster_seconds: f64,
    pub items: usize,
    pub intents: usize,
}

/// One labelled item of `kbforge eval cluster`: a question, its label and, where the set has one,
/// the staff's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labelled {
    pub text: String,
    pub label: String,
    pub answer: Option<String>,
}

/// Reads labelled items from JSONL: `text_field`, `label_field` and, when a line has it,
/// `answer_field`; with an optional `field=value` filter.
pub fn read_labelled(path: &Path, text_field: &str, label_field: &str, answer_field: &str, filter: Option<(&str, &str)>) -> anyhow::Result<Vec<Labelled>> {
    let content = std::fs::read_to_string(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line).with_context(|| format!("`{}` line {}: not JSON", path.display(), i + 1))?;
        if let Some((k, want)) = filter {
            if v.get(k).and_then(|x| x.as_str()) != Some(want) {
                continue;
            }
        }
        let text = v.get(text_field).and_then(|x| x.as_str()).with_context(|| format!("`{}` line {}: no string field `{text_field}`", path.display(), i + 1))?;
        let label = match v.get(label_field) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) if !other.is_null() => other.to_string(),
            _ => anyhow::bail!("`{}` line {}: no field `{label_field}`", path.display(), i + 1),
        };
        let answer = match v.get(answer_field) {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(a)) => Some(a.clone()),
            Some(_) => anyhow::bail!("`{}` line {}: field `{answer_field}` is not a string", path.display(), i + 1),
        };
        out.push(Labelled { text: text.to_string(), label, answer });
    }
    Ok(out)
}

/// A vector dump written by `kbforge eval cluster` with `KBFORGE_EVAL_DUMP` set: the cleaned texts,
/// their gold labels numbered by first appearance, and their vectors.
#[derive(Debug, Default)]
pub struct Dump {
    pub texts: Vec<String>,
    pub gold: Vec<usize>,
    pub vectors: Vec<Vec<f32>>,
    /// The answer vectors, where the dump has them (`kbforge eval desk`, or `eval cluster` on a set
    /// with answers); empty otherwise.
    pub answers: Vec<Option<Vec<f32>>>,
    /// For a desk's dump: each ticket's class as classified and as labelled (empty otherwise).
    pub kinds: Vec<(String, String)>,
}

/// Reads the first `limit` lines of a vector dump (for the clustering benchmarks): `kbforge eval
/// cluster`'s (`text`, `intent`, `vector`, `answer_vector`?) or `kbforge eval desk`'s (`question`,
/// `intent`, `kind`, `vector`, `answer_vector`), whose empty requests are left out as the cluster
/// stage leaves them out.
pub fn read_dump(path: &Path, limit: usize) -> anyhow::Result<Dump> {
    use std::io::BufRead as _;
    // Line by line: a 100k dump is 800 MB of JSON, which would otherwise count in the benchmarks'
    // peak memory.
    let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut dump = Dump::default();
    let mut intents: HashMap<String, usize> = HashMap::new();
    for (i, line) in std::io::BufReader::new(file).lines().take(limit).enumerate() {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        let line = line.as_str();
        let v: serde_json::Value = serde_json::from_str(line).with_context(|| format!("`{}` line {}", path.display(), i + 1))?;
        if v["kind"].as_str() == Some("empty") {
            continue;
        }
        let floats = |a: &Vec<serde_json::Value>| a.iter().map(|x| x.as_f64().unwrap_or(0.0) as f32).collect::<Vec<f32>>();
        let vector = v["vector"].as_array().with_context(|| format!("`{}` line {}: no field `vector`", path.display(), i + 1))?;
        dump.vectors.push(floats(vector));
        dump.answers.push(v["answer_vector"].as_array().map(floats));
        let kind = |k: &str| v[k].as_str().unwrap_or_default().to_string();
        dump.kinds.push((kind("kind"), kind("gold_kind")));
        dump.texts.push(v["text"].as_str().or(v["question"].as_str()).unwrap_or_default().to_string());
        let next = intents.len();
        dump.gold.push(*intents.entry(v["intent"].as_str().unwrap_or_default().to_string()).or_insert(next));
    }
    if dump.answers.iter().all(Option::is_none) {
        dump.answers.clear();
    }
    Ok(dump)
}

/// The clusters of two or more questions, and the share of questions left alone.
pub fn cluster_counts(labels: &[usize]) -> (usize, f64) {
    let mut sizes: HashMap<usize, usize> = HashMap::new();
    for &l in labels {
        *sizes.entry(l).or_default() += 1;
    }
    let singletons = labels.iter().filter(|l| sizes[l] == 1).count();
    (sizes.values().filter(|&&n| n > 1).count(), singletons as f64 / labels.len().max(1) as f64)
}

/// Cleans, embeds (through the cache) and clusters the items, then scores against the labels. Items
/// with answers are clustered as the cluster stage clusters tickets (`auto`: question and answer
/// together), their answers cleaned like a staff reply and read as a flat ticket's.
pub async fn eval_cluster(store: &Store, embedder: &Embedder, config: &ClusterConfig, items: &[Labelled]) -> anyhow::Result<ClusterEval> {
    let started = Instant::now();
    let texts: Vec<String> = items
        .iter()
        .map(|item| embedder.question_text(&crate::clean::clean_message(&item.text).text))
        .collect();
    let answer_texts: Vec<Option<String>> = items
        .iter()
        .map(|item| item.answer.as_ref().and_then(|a| embedder.answer_text(Some(crate::kind::Kind::Flat), &crate::clean::clean_message(a).text)))
        .collect();
    let present: Vec<String> = answer_texts.iter().flatten().cloned().collect();
    let answered = !present.is_empty();
    // Token states first: missing ones come with their vectors from the same inference. The
    // questions' for the graph method, the answers' (one per item) for the pairs method.
    let states = match crate::cluster::wants_tokens(config).keep(answered) {
        crate::embed::Keep::Questions => crate::embed::token_states_cached(store, embedder, &texts).await?.0,
        crate::embed::Keep::Answers => {
            let mut got = crate::embed::token_states_cached(store, embedder, &present).await?.0.into_iter();
            answer_texts.iter().map(|a| a.as_ref().and_then(|_| got.next()).unwrap_or_default()).collect()
        }
        crate::embed::Keep::Nothing => Vec::new(),
    };
    let (answer_vectors, _) = embed_cached(store, embedder, &present).await?;
    let mut answer_vectors = answer_vectors.into_iter();
    let answers: Vec<Option<Vec<f32>>> = answer_texts.iter().map(|a| a.as_ref().and_then(|_| answer_vectors.next())).collect();
    let (vectors, _) = embed_cached(store, embedder, &texts).await?;
    if let Some(path) = std::env::var_os("KBFORGE_EVAL_DUMP") {
        if !states.is_empty() {
            // Beside the dump, for the benches' token matching (`Tokens::read_states`).
            crate::cluster::tokens::Tokens::write_states(&std::path::Path::new(&path).with_extension("tokens"), &states)?;
        }
        // Research aid: the cleaned texts, labels and vectors, for trying algorithms elsewhere.
        let lines: Vec<String> = items
            .iter()
            .zip(&texts)
            .zip(&vectors)
            .zip(&answers)
            .map(|(((item, t), v), a)| serde_json::json!({"text": t, "intent": item.label, "vector": v, "answer_vector": a}).to_string())
            .collect();
        std::fs::write(path, lines.join("\n"))?;
    }
    let clustering = Instant::now();
    let words: Vec<&str> = texts.iter().map(String::as_str).collect();
    let labels = crate::cluster::cluster_pairs(&vectors, &answers, &words, states, config);
    let cluster_seconds = clustering.elapsed().as_secs_f64();
    let seconds = started.elapsed().as_secs_f64();
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let gold: Vec<usize> = items.iter().map(|item| {
        let next = ids.len();
        *ids.entry(item.label.as_str()).or_insert(next)
    }).collect();
    let (clusters, unclustered) = cluster_counts(&labels);
    let s = metrics::score(&gold, &labels);
    Ok(ClusterEval {
        nmi: s.nmi,
        ari: s.ari,
        bcubed_precision: s.bcubed_precision,
        bcubed_recall: s.bcubed_recall,
        bcubed_f1: s.bcubed_f1,
        clusters,
        unclustered,
        seconds,
        cluster_seconds,
        items: items.len(),
        intents: ids.len(),
    })
}
