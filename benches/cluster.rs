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
//!
//!     cargo bench --bench cluster -- distinct-answers [10000 20000 40000]
//!
//! The cost of the pairs method's token matching where every staff answer is a text of its own
//! (no templates): n synthetic tickets, three an intent, each with a question and an answer
//! vector and 64 token states of 384 dimensions (the model's; about 49 KB a text), drawn by a
//! fixed generator. Only time and memory mean anything here.

use std::time::Instant;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The resident memory now, in MB.
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()))
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let file = args.next().expect("usage: cluster <vectors.jsonl> [n …] | distinct-answers [n …]");
    let sizes: Vec<usize> = args.filter_map(|a| a.parse().ok()).collect();
    if file == "distinct-answers" {
        return distinct_answers(if sizes.is_empty() { vec![10_000, 20_000, 40_000] } else { sizes });
    }
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

/// Synthetic tickets whose answers are all different texts: see the module's second command.
fn distinct_answers(sizes: Vec<usize>) {
    const D: usize = 384;
    const TOKENS: usize = 64;
    const VOCAB: usize = 30_000;
    let mut draw = kbforge::hash::Sequence::new(7);
    let unit = |v: Vec<f32>| {
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-9);
        v.into_iter().map(|x| x / norm).collect::<Vec<f32>>()
    };
    let words: Vec<Vec<f32>> = (0..VOCAB).map(|_| unit((0..D).map(|_| draw.centred()).collect())).collect();
    println!("{:>8} {:>12} {:>7} {:>9} {:>12} {:>10} {:>9}", "n", "states MB", "tokens", "seconds", "MB at start", "peak MB", "clusters");
    for n in sizes {
        let intents = n / 3;
        let centres: Vec<(Vec<f32>, Vec<f32>)> =
            (0..intents).map(|_| (unit((0..D).map(|_| draw.centred()).collect()), unit((0..D).map(|_| draw.centred()).collect()))).collect();
        // An intent's answers share half their words, paraphrased around them.
        let lexicon: Vec<Vec<u32>> = (0..intents).map(|_| (0..TOKENS / 2).map(|_| draw.below(VOCAB) as u32).collect()).collect();
        let mut questions = Vec::with_capacity(n);
        let mut answers = Vec::with_capacity(n);
        let mut states = Vec::with_capacity(n);
        for i in 0..n {
            let (q, a) = &centres[i % intents];
            questions.push(unit(q.iter().map(|x| x + 0.08 * draw.centred()).collect()));
            answers.push(Some(unit(a.iter().map(|x| x + 0.08 * draw.centred()).collect())));
            let ids: Vec<u32> = (0..TOKENS)
                .map(|t| if t % 2 == 0 { lexicon[i % intents][t / 2] } else { draw.below(VOCAB) as u32 })
                .collect();
            let mut token_states = Vec::with_capacity(TOKENS * D);
            for &id in &ids {
                token_states.extend(words[id as usize].iter().map(|x| half::f16::from_f32(x + 0.02 * draw.centred())));
            }
            states.push(kbforge::vector::TokenStates { ids, states: token_states });
        }
        let megabytes = (n * TOKENS * (D * 2 + 4)) as f64 / 1e6;
        let at_start = rss_mb();
        let started = Instant::now();
        let states = kbforge::cluster::matching::AnswerStates::per_ticket(states);
        // Past the limit the clustering leaves the token part out (`embed::MAX_ANSWER_STATES`).
        let matched = if states.states.len() <= kbforge::embed::MAX_ANSWER_STATES { "yes" } else { "no" };
        let config = kbforge::cluster::ClusterConfig::default();
        let labels = kbforge::cluster::pairs::cluster_pinned(&questions, &answers, Some(states), &[], &config.pairs);
        let seconds = started.elapsed().as_secs_f64();
        let clusters = labels.iter().collect::<std::collections::HashSet<_>>().len();
        println!("{n:>8} {megabytes:>12.0} {matched:>7} {seconds:>9.2} {at_start:>12.0} {:>10.0} {clusters:>9}", peak_rss_mb());
    }
}
