//! Would token states of the staff answers earn their cost? Token matching (`cluster::tokens`)
//! tells apart questions one word apart; this measures what it would add to the answers, and what
//! keeping their states would cost, on desk dumps (`KBFORGE_EVAL_DUMP=… kbforge eval desk …`):
//!
//!     KBFORGE_MODEL_DIR=../shared/models/multilingual-e5-small-q4 cargo bench --bench answer_tokens -- /tmp/vm.jsonl /tmp/twitter.jsonl
//!
//! For the answered tickets whose intent has two or more of them: how often the nearest ticket
//! belongs to the same intent, by the centred question vectors alone, by the pair vectors
//! (`cluster::pairs`: question and answer), by the centred answer vectors alone, and, among the 50
//! nearest answers, re-ranked by token matching over the answers' states and by half of each; the
//! embedding time of the answers with and without keeping the states; the states' size against the
//! vectors' (1.5 KB).

use std::collections::HashMap;
use std::time::Instant;

fn main() {
    let files: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let dir = std::env::var("KBFORGE_MODEL_DIR").expect("KBFORGE_MODEL_DIR");
    let config = kbforge::embed::EmbedConfig { model_dir: Some(dir.into()), ..Default::default() };
    let embedder = kbforge::embed::Embedder::load(&config, std::path::Path::new(".")).expect("the model loads");
    println!(
        "{:<10} {:>8} {:>9} {:>6} {:>7} {:>7} {:>7} {:>8} {:>9} {:>10}",
        "desk", "answers", "question", "pair", "answer", "tokens", "half", "s plain", "s tokens", "KB/answer"
    );
    for file in &files {
        let text = std::fs::read_to_string(file).expect("a desk dump");
        let mut answers: Vec<String> = Vec::new();
        let mut intents: Vec<String> = Vec::new();
        let mut questions: Vec<Vec<f32>> = Vec::new();
        let mut answer_vectors: Vec<Option<Vec<f32>>> = Vec::new();
        for line in text.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("JSON");
            let floats = |x: &serde_json::Value| x.as_array().map(|a| a.iter().map(|f| f.as_f64().unwrap_or(0.0) as f32).collect::<Vec<f32>>());
            if let (Some(a), Some(q), Some(av)) = (v["answer"].as_str(), floats(&v["vector"]), floats(&v["answer_vector"])) {
                answers.push(embedder.passage_text(a));
                intents.push(v["intent"].as_str().unwrap_or_default().to_string());
                questions.push(q);
                answer_vectors.push(Some(av));
            }
        }
        let started = Instant::now();
        let plain = embedder.embed(&answers).expect("embedding");
        let plain_s = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let got = embedder.embed_tokens(&answers, &indicatif::ProgressBar::hidden()).expect("embedding");
        let tokens_s = started.elapsed().as_secs_f64();
        let states: Vec<kbforge::embed::TokenStates> = got.into_iter().map(|(_, s)| s).collect();
        let bytes: usize = states.iter().map(|s| s.ids.len() * 4 + s.states.len() * 2).sum();
        let tokens = kbforge::cluster::tokens::Tokens::build(states, 0);
        let n = plain.len();
        let d = plain.first().map_or(0, Vec::len);
        let z = kbforge::cluster::graph::centre(&plain);
        let nn = kbforge::cluster::knn::knn(&z, d, 50.min(n.saturating_sub(1)));
        let mut count: HashMap<&str, usize> = HashMap::new();
        intents.iter().for_each(|i| *count.entry(i.as_str()).or_default() += 1);
        let nearest = |z: &[f32], d: usize| {
            let nn = kbforge::cluster::knn::knn(z, d, 1);
            (0..n).map(|i| nn.of(i).next().map(|(j, _)| j)).collect::<Vec<_>>()
        };
        let by_question = nearest(&kbforge::cluster::graph::centre(&questions), d);
        let by_pair = nearest(&kbforge::cluster::pairs::pair_vectors(&questions, &answer_vectors), 2 * d);
        let (mut judged, mut by_cos, mut by_tokens, mut by_half, mut by_q, mut by_p) = (0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
        for i in 0..n {
            if count[intents[i].as_str()] < 2 {
                continue;
            }
            let near: Vec<(usize, f32)> = nn.of(i).collect();
            let others: Vec<usize> = near.iter().map(|&(j, _)| j).collect();
            let matched = tokens.scores(i, &others);
            let best = |score: &dyn Fn(usize) -> f32| (0..near.len()).max_by(|&a, &b| score(a).total_cmp(&score(b)).then(b.cmp(&a))).map(|k| near[k].0);
            let hit = |j: Option<usize>| j.is_some_and(|j| intents[j] == intents[i]) as usize;
            judged += 1;
            by_q += hit(by_question[i]);
            by_p += hit(by_pair[i]);
            by_cos += hit(best(&|k| near[k].1));
            by_tokens += hit(best(&|k| matched[k]));
            by_half += hit(best(&|k| 0.5 * near[k].1 + 0.5 * matched[k]));
        }
        let share = |x: usize| x as f64 / judged.max(1) as f64;
        let name = std::path::Path::new(file).file_stem().map_or(file.clone(), |s| s.to_string_lossy().into_owned());
        println!(
            "{name:<10} {n:>8} {:>9.3} {:>6.3} {:>7.3} {:>7.3} {:>7.3} {plain_s:>8.1} {tokens_s:>9.1} {:>10.1}",
            share(by_q),
            share(by_p),
            share(by_cos),
            share(by_tokens),
            share(by_half),
            bytes as f64 / n.max(1) as f64 / 1024.0
        );
    }
}
