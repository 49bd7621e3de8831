//! Ranking variants for the bot's retrieval, side by side, on the labelled sets of
//! `tests/fixtures/retrieve/` (`make_sets.py` there):
//!
//!     cargo bench --bench retrieval -- tests/fixtures/retrieve/demo tests/fixtures/retrieve/voltmarket …
//!
//! For each set: the kb's points as `publish index` plans them (the title and each `also_asked`
//! with the query prefix, body chunks with the passage prefix) and one "title + body" passage per
//! article, all embedded with the real model (cached in `/tmp/kbforge-retrieval-cache.sqlite`),
//! then every query ranked by each variant in memory (brute force; the index's own search gives
//! the same dense and BM25 orders). Prints hit@1/3/5 and MRR@10 per variant and set; with
//! `KBFORGE_RETRIEVAL_JSON=1`, one JSON line per set and variant.
//!
//! The "late interaction" variants re-rank the product's candidates by matching the cleaned query
//! token by token (BERTScore, `cluster::tokens`) with each article's question points, the best
//! point an article; their token states are cached beside the vectors. After the variants, one
//! line per set gives what the re-rank costs: the time per query of matching the candidates'
//! points (their states as publish would keep them, the query's from its own inference) and the
//! bytes of states a question point holds.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use kbforge::cluster::tokens::Tokens;
use kbforge::embed::TokenStates;
use kbforge::kb::{self, Article};
use kbforge::publish::index::{chunk, sparse_document, sparse_query};

struct Point {
    article: usize,
    question: bool,
    vector: Vec<f32>,
    sparse: HashMap<u32, f32>,
}

struct Set {
    name: String,
    articles: Vec<Article>,
    points: Vec<Point>,
    passages: Vec<Vec<f32>>,
    /// Raw text, target article, raw and cleaned query vectors, raw and cleaned sparse queries.
    queries: Vec<(String, usize, Vec<f32>, Vec<f32>, HashMap<u32, f32>, HashMap<u32, f32>)>,
    late: Late,
}

/// The token states for late interaction of the cleaned queries with the articles.
struct Late {
    /// The cleaned queries (item `q` is query `q`), then every question point (title and each
    /// `also_asked`); centring and IDF from these, as the brief of the variants has it.
    questions: Tokens,
    /// Per article, its question points' items in `questions`.
    question_items: Vec<Vec<usize>>,
    /// The cleaned queries, then every body chunk (its first `MAX_STATE_TOKENS` tokens only: the
    /// embed stage keeps no more), centring and IDF from these.
    chunks: Tokens,
    /// Per article, its chunks' items in `chunks`.
    chunk_items: Vec<Vec<usize>>,
    /// Per query and article, the late interaction with its best question point when centring and
    /// IDF come from the knowledge base's question points alone (and the one query), as publish
    /// would have them before any query is seen.
    questions_kb_only: Vec<Vec<f32>>,
    /// The same with its best chunk, from the chunks alone.
    chunks_kb_only: Vec<Vec<f32>>,
}

/// What a late-interaction variant matches the cleaned query with.
#[derive(Clone, Copy)]
enum Against {
    Questions,
    Chunks,
    QuestionsKbOnly,
    ChunksKbOnly,
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn sparse_map(v: (Vec<u32>, Vec<f32>)) -> HashMap<u32, f32> {
    v.0.into_iter().zip(v.1).collect()
}

fn sparse_dot(q: &HashMap<u32, f32>, d: &HashMap<u32, f32>) -> f32 {
    q.iter().filter_map(|(k, w)| d.get(k).map(|x| x * w)).sum()
}

/// Ranks articles by score, best first.
fn rank(scores: &[f32]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    idx
}

/// Reciprocal-rank fusion of point rankings, then each article its best point's fused score
/// (what the index does today).
fn rrf_points(set: &Set, dense: &[f32], bm25: &[f32], k: f32, w_bm25: f32) -> Vec<f32> {
    let dr = rank(dense);
    let br = rank(bm25);
    let mut fused = vec![0f32; set.points.len()];
    for (r, &p) in dr.iter().enumerate() {
        fused[p] += 1.0 / (k + r as f32 + 1.0);
    }
    for (r, &p) in br.iter().enumerate() {
        if bm25[p] > 0.0 {
            fused[p] += w_bm25 / (k + r as f32 + 1.0);
        }
    }
    per_article(set, &fused, |_| true)
}

fn per_article(set: &Set, point_scores: &[f32], keep: impl Fn(&Point) -> bool) -> Vec<f32> {
    let mut out = vec![f32::MIN; set.articles.len()];
    for (p, s) in set.points.iter().zip(point_scores) {
        if keep(p) && *s > out[p.article] {
            out[p.article] = *s;
        }
    }
    out
}

/// Scores standardised over the articles (mean 0, deviation 1): signals on different scales add up.
fn z(scores: &[f32]) -> Vec<f32> {
    let n = scores.len().max(1) as f32;
    let mean = scores.iter().sum::<f32>() / n;
    let sd = (scores.iter().map(|s| (s - mean).powi(2)).sum::<f32>() / n).sqrt().max(1e-6);
    scores.iter().map(|s| (s - mean) / sd).collect()
}

fn zsum(parts: &[(&Vec<f32>, f32)]) -> Vec<f32> {
    let mut out = vec![0f32; parts[0].0.len()];
    for (scores, w) in parts {
        for (o, x) in out.iter_mut().zip(z(scores)) {
            *o += w * x;
        }
    }
    out
}

/// The union of each signal's top `k` articles: the candidates an index that returns top hits sees.
fn candidates(signals: &[&Vec<f32>], k: usize) -> Vec<usize> {
    let mut cand: Vec<usize> = signals.iter().flat_map(|s| rank(s).into_iter().take(k)).collect();
    cand.sort_unstable();
    cand.dedup();
    cand
}

/// As [`zsum`], with each signal standardised over the candidates only (the union of every
/// signal's top `k` articles) and the rest left out: what an index that returns top hits sees.
fn zsum_candidates(parts: &[(&Vec<f32>, f32)], k: usize) -> Vec<f32> {
    let signals: Vec<&Vec<f32>> = parts.iter().map(|(s, _)| *s).collect();
    zsum_over(parts, &candidates(&signals, k))
}

/// As [`zsum`] over the articles `cand` only; the others score `f32::MIN`.
fn zsum_over(parts: &[(&Vec<f32>, f32)], cand: &[usize]) -> Vec<f32> {
    let mut out = vec![f32::MIN; parts[0].0.len()];
    let mut acc = vec![0f32; cand.len()];
    for (scores, w) in parts {
        let sub: Vec<f32> = cand.iter().map(|&a| scores[a].max(0.0)).collect();
        for (o, x) in acc.iter_mut().zip(z(&sub)) {
            *o += w * x;
        }
    }
    for (i, &a) in cand.iter().enumerate() {
        out[a] = acc[i];
    }
    out
}

/// The product's ranking: z3 (best question point, passage, BM25) over the top-30 candidates of
/// each signal; and those candidates.
fn product(s: &[Vec<f32>; 4]) -> (Vec<f32>, Vec<usize>) {
    let cand = candidates(&[&s[0], &s[2], &s[3]], 30);
    (zsum_over(&[(&s[0], 1.0), (&s[2], 1.0), (&s[3], 1.0)], &cand), cand)
}

/// `scores` with its top `k` articles put in the order of `by` (late interaction, in [-1, 1]),
/// still above the rest, which keep their order.
fn reorder_top(scores: &[f32], by: &[f32], k: usize) -> Vec<f32> {
    let mut out = vec![0f32; scores.len()];
    for (r, &a) in rank(scores).iter().enumerate() {
        out[a] = if r < k { 2.0 + by[a] } else { -(r as f32) };
    }
    out
}

/// Late interaction of the cleaned query `q` with each of the articles `cand`, the best of its
/// items (question points or chunks) an article; 0 for the other articles and those without items.
fn late_scores(tokens: &Tokens, items: &[Vec<usize>], q: usize, cand: &[usize]) -> Vec<f32> {
    let others: Vec<usize> = cand.iter().flat_map(|&a| items[a].iter().copied()).collect();
    let scores = tokens.scores(q, &others);
    let mut out = vec![0f32; items.len()];
    let mut at = 0;
    for &a in cand {
        let n = items[a].len();
        out[a] = scores[at..at + n].iter().copied().fold(f32::MIN, f32::max).max(0.0);
        at += n;
    }
    out
}

/// Article-level fusion: RRF of article rankings.
fn rrf_articles(lists: &[(&[f32], f32)], k: f32) -> Vec<f32> {
    let n = lists[0].0.len();
    let mut out = vec![0f32; n];
    for (scores, w) in lists {
        for (r, &a) in rank(scores).iter().enumerate() {
            out[a] += w / (k + r as f32 + 1.0);
        }
    }
    out
}

fn metrics(ranks: &[Option<usize>]) -> [f64; 4] {
    let n = ranks.len().max(1) as f64;
    let hit = |k: usize| ranks.iter().filter(|r| r.is_some_and(|r| r < k)).count() as f64 / n;
    let mrr = ranks.iter().map(|r| r.filter(|&r| r < 10).map_or(0.0, |r| 1.0 / (r as f64 + 1.0))).sum::<f64>() / n;
    [hit(1), hit(3), hit(5), mrr]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let root = std::env::current_dir().unwrap();
        let mut config = kbforge::embed::EmbedConfig::default();
        config.model_dir = std::env::var_os("KBFORGE_MODEL_DIR").map(Into::into);
        let embedder = kbforge::embed::Embedder::load(&config, &root).expect("the model (KBFORGE_MODEL_DIR)");
        let store = kbforge::store::Store::open("sqlite:///tmp/kbforge-retrieval-cache.sqlite").await.unwrap();
        let json = std::env::var("KBFORGE_RETRIEVAL_JSON").is_ok_and(|v| v == "1");
        for dir in &args {
            let set = load(&store, &embedder, Path::new(dir)).await;
            // Article-level signals per query, for the raw query and the query cleaned as tickets
            // are cleaned: best question point, best chunk, the article passage (dense), BM25.
            let signals = |q: usize, cleaned: bool| -> [Vec<f32>; 4] {
                let (v, sp) = if cleaned { (&set.queries[q].3, &set.queries[q].5) } else { (&set.queries[q].2, &set.queries[q].4) };
                let dense: Vec<f32> = set.points.iter().map(|p| dot(v, &p.vector)).collect();
                let bm: Vec<f32> = set.points.iter().map(|p| sparse_dot(sp, &p.sparse)).collect();
                [
                    per_article(&set, &dense, |p| p.question),
                    per_article(&set, &dense, |p| !p.question),
                    set.passages.iter().map(|p| dot(v, p)).collect(),
                    per_article(&set, &bm, |_| true),
                ]
            };
            // A variant sees the signals, the old ranking (`today`) and the late interaction of the
            // cleaned query with the given candidate articles.
            type LateFn<'a> = &'a dyn Fn(Against, &[usize]) -> Vec<f32>;
            type Variant = Box<dyn Fn(&[Vec<f32>; 4], &dyn Fn() -> Vec<f32>, LateFn) -> Vec<f32>>;
            let variants: Vec<(&str, bool, Variant)> = vec![
                ("dense passage (baseline)", false, Box::new(|s, _, _| s[2].clone())),
                ("BM25 best point", false, Box::new(|s, _, _| s[3].clone())),
                ("hybrid RRF over points (today)", false, Box::new(|_, today, _| today())),
                ("dense best point", false, Box::new(|s, _, _| s[0].iter().zip(&s[1]).map(|(a, b)| a.max(*b)).collect())),
                ("cleaned: dense passage", true, Box::new(|s, _, _| s[2].clone())),
                ("cleaned: hybrid RRF over points", true, Box::new(|_, today, _| today())),
                ("cleaned: RRF articles q, passage, bm25 .5", true, Box::new(|s, _, _| rrf_articles(&[(&s[0], 1.0), (&s[2], 1.0), (&s[3], 0.5)], 60.0))),
                ("cleaned: RRF articles q, chunk, passage, bm25 .5", true, Box::new(|s, _, _| rrf_articles(&[(&s[0], 1.0), (&s[1], 1.0), (&s[2], 1.0), (&s[3], 0.5)], 60.0))),
                ("cleaned: z q + z passage", true, Box::new(|s, _, _| zsum(&[(&s[0], 1.0), (&s[2], 1.0)]))),
                ("cleaned: z q + z passage + .5 z bm25", true, Box::new(|s, _, _| zsum(&[(&s[0], 1.0), (&s[2], 1.0), (&s[3], 0.5)]))),
                ("cleaned: z q + z passage + z bm25", true, Box::new(|s, _, _| zsum(&[(&s[0], 1.0), (&s[2], 1.0), (&s[3], 1.0)]))),
                ("cleaned: z q + z chunk + z passage + .5 z bm25", true, Box::new(|s, _, _| zsum(&[(&s[0], 1.0), (&s[1], 1.0), (&s[2], 1.0), (&s[3], 0.5)]))),
                ("cleaned: z q + z max(chunk, passage) + z bm25", true, Box::new(|s, _, _| {
                    let m: Vec<f32> = s[1].iter().zip(&s[2]).map(|(a, b)| a.max(*b)).collect();
                    zsum(&[(&s[0], 1.0), (&m, 1.0), (&s[3], 1.0)])
                })),
                ("cleaned: z3 over the top-30 candidates of each signal", true, Box::new(|s, _, _| product(s).0)),
                ("cleaned: z3 over the top-100 candidates of each signal", true, Box::new(|s, _, _| zsum_candidates(&[(&s[0], 1.0), (&s[2], 1.0), (&s[3], 1.0)], 100))),
                ("cleaned: z max(q,passage) + .5 z bm25", true, Box::new(|s, _, _| {
                    let m: Vec<f32> = z(&s[0]).iter().zip(z(&s[2])).map(|(a, b)| a.max(b)).collect();
                    zsum(&[(&m, 1.0), (&s[3], 0.5)])
                })),
                // Late interaction over the product's candidates, no weight tuned: the top 30 put in
                // its order, or its z over the candidates added as a fourth (fifth) equal signal.
                ("cleaned: product, top 30 re-ordered by late interaction", true, Box::new(|s, _, late| {
                    let (scores, _) = product(s);
                    let top: Vec<usize> = rank(&scores).into_iter().take(30).collect();
                    reorder_top(&scores, &late(Against::Questions, &top), 30)
                })),
                ("cleaned: product + z late interaction (z4)", true, Box::new(|s, _, late| {
                    let (_, cand) = product(s);
                    let li = late(Against::Questions, &cand);
                    zsum_over(&[(&s[0], 1.0), (&s[2], 1.0), (&s[3], 1.0), (&li, 1.0)], &cand)
                })),
                ("cleaned: z4 + z late interaction with chunks (z5)", true, Box::new(|s, _, late| {
                    let (_, cand) = product(s);
                    let (li, lc) = (late(Against::Questions, &cand), late(Against::Chunks, &cand));
                    zsum_over(&[(&s[0], 1.0), (&s[2], 1.0), (&s[3], 1.0), (&li, 1.0), (&lc, 1.0)], &cand)
                })),
                ("cleaned: product + z late interaction with chunks", true, Box::new(|s, _, late| {
                    let (_, cand) = product(s);
                    let lc = late(Against::Chunks, &cand);
                    zsum_over(&[(&s[0], 1.0), (&s[2], 1.0), (&s[3], 1.0), (&lc, 1.0)], &cand)
                })),
                ("cleaned: z4, centring and IDF from the kb only", true, Box::new(|s, _, late| {
                    let (_, cand) = product(s);
                    let li = late(Against::QuestionsKbOnly, &cand);
                    zsum_over(&[(&s[0], 1.0), (&s[2], 1.0), (&s[3], 1.0), (&li, 1.0)], &cand)
                })),
                ("cleaned: z5, centring and IDF from the kb only", true, Box::new(|s, _, late| {
                    let (_, cand) = product(s);
                    let (li, lc) = (late(Against::QuestionsKbOnly, &cand), late(Against::ChunksKbOnly, &cand));
                    zsum_over(&[(&s[0], 1.0), (&s[2], 1.0), (&s[3], 1.0), (&li, 1.0), (&lc, 1.0)], &cand)
                })),
            ];
            for (name, cleaned, f) in &variants {
                let ranks: Vec<Option<usize>> = (0..set.queries.len())
                    .map(|q| {
                        let sig = signals(q, *cleaned);
                        let today = || {
                            let (v, sp) = if *cleaned { (&set.queries[q].3, &set.queries[q].5) } else { (&set.queries[q].2, &set.queries[q].4) };
                            let dense: Vec<f32> = set.points.iter().map(|p| dot(v, &p.vector)).collect();
                            let bm: Vec<f32> = set.points.iter().map(|p| sparse_dot(sp, &p.sparse)).collect();
                            rrf_points(&set, &dense, &bm, 60.0, 1.0)
                        };
                        let late = |against: Against, cand: &[usize]| match against {
                            Against::Questions => late_scores(&set.late.questions, &set.late.question_items, q, cand),
                            Against::Chunks => late_scores(&set.late.chunks, &set.late.chunk_items, q, cand),
                            Against::QuestionsKbOnly | Against::ChunksKbOnly => {
                                let all = if matches!(against, Against::QuestionsKbOnly) { &set.late.questions_kb_only } else { &set.late.chunks_kb_only };
                                let mut out = vec![0f32; set.articles.len()];
                                cand.iter().for_each(|&a| out[a] = all[q][a]);
                                out
                            }
                        };
                        let scores = f(&sig, &today, &late);
                        rank(&scores).iter().position(|&a| a == set.queries[q].1)
                    })
                    .collect();
                let [h1, h3, h5, mrr] = metrics(&ranks);
                if json {
                    println!("{}", serde_json::json!({"set": set.name, "variant": name, "hit_at_1": h1, "hit_at_3": h3, "hit_at_5": h5, "mrr_at_10": mrr}));
                } else {
                    println!("{:<14} {:<62} {:.3} {:.3} {:.3} {:.3}", set.name, name, h1, h3, h5, mrr);
                }
            }
            // The re-rank's cost a query: matching the candidates' question points and the fourth
            // z (z4), then matching their chunks too and the fifth z (z5); the signals and the
            // product's candidates are there already.
            let (mut spent, mut spent_chunks) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
            let (mut cands, mut points, mut chunks) = (0usize, 0usize, 0usize);
            for q in 0..set.queries.len() {
                let s = signals(q, true);
                let (_, cand) = product(&s);
                let started = Instant::now();
                let li = late_scores(&set.late.questions, &set.late.question_items, q, &cand);
                std::hint::black_box(zsum_over(&[(&s[0], 1.0), (&s[2], 1.0), (&s[3], 1.0), (&li, 1.0)], &cand));
                spent += started.elapsed();
                let started = Instant::now();
                let lc = late_scores(&set.late.chunks, &set.late.chunk_items, q, &cand);
                std::hint::black_box(zsum_over(&[(&s[0], 1.0), (&s[2], 1.0), (&s[3], 1.0), (&li, 1.0), (&lc, 1.0)], &cand));
                spent_chunks += started.elapsed();
                cands += cand.len();
                points += cand.iter().map(|&a| set.late.question_items[a].len()).sum::<usize>();
                chunks += cand.iter().map(|&a| set.late.chunk_items[a].len()).sum::<usize>();
            }
            let nq = set.queries.len().max(1) as f64;
            // Mean tokens of the items, and the bytes they hold: a token keeps its state in half
            // precision and its id (for the IDF weight).
            let size = |t: &Tokens, items: &[Vec<usize>]| {
                let items: Vec<usize> = items.iter().flatten().copied().collect();
                let tokens = items.iter().map(|&i| t.start[i + 1] - t.start[i]).sum::<usize>() as f64 / items.len().max(1) as f64;
                (tokens, tokens * (t.d * 2 + 4) as f64)
            };
            let (point_tokens, point_bytes) = size(&set.late.questions, &set.late.question_items);
            let (chunk_tokens, chunk_bytes) = size(&set.late.chunks, &set.late.chunk_items);
            let query_tokens = set.late.questions.start[set.queries.len()] as f64 / nq;
            let (us, us_chunks) = (spent.as_secs_f64() * 1e6 / nq, spent_chunks.as_secs_f64() * 1e6 / nq);
            let (cands, points, chunks) = (cands as f64 / nq, points as f64 / nq, chunks as f64 / nq);
            if json {
                println!(
                    "{}",
                    serde_json::json!({"set": set.name, "z4_us_a_query": us, "z5_extra_us_a_query": us_chunks, "candidates": cands,
                        "candidate_points": points, "candidate_chunks": chunks, "query_tokens": query_tokens, "tokens_a_point": point_tokens,
                        "bytes_a_point": point_bytes, "tokens_a_chunk": chunk_tokens, "bytes_a_chunk": chunk_bytes})
                );
            } else {
                println!(
                    "{:<14} late interaction a query: z4 {us:.0} µs ({cands:.1} candidates, {points:.1} question points, {query_tokens:.1} query tokens), z5 {us_chunks:.0} µs more ({chunks:.1} chunks); a question point {point_tokens:.1} tokens, {point_bytes:.0} bytes; a chunk {chunk_tokens:.1} tokens, {chunk_bytes:.0} bytes",
                    set.name
                );
            }
        }
    });
}

async fn load(store: &kbforge::store::Store, embedder: &kbforge::embed::Embedder, dir: &Path) -> Set {
    let (mut articles, errors) = kb::load_all(&dir.join("kb"));
    assert!(errors.is_empty(), "{errors:?}");
    articles.sort_by(|a, b| a.front.id.cmp(&b.front.id));
    let index: HashMap<String, usize> = articles.iter().enumerate().map(|(i, a)| (a.front.id.clone(), i)).collect();
    let (query, passage) = (embedder.prefixes().query.clone(), embedder.prefixes().passage.clone());
    let mut texts = Vec::new();
    let mut meta = Vec::new();
    for (i, a) in articles.iter().enumerate() {
        for q in std::iter::once(&a.front.title).chain(&a.front.also_asked) {
            texts.push(format!("{query}{q}"));
            meta.push((i, true, format!("{} {q}", a.front.title)));
        }
        for c in chunk::split_into_chunks(a, embedder.tokenizer(), 256) {
            texts.push(format!("{passage}{}\n{}", c.heading_path.join(" > "), c.text));
            meta.push((i, false, format!("{} {} {}", a.front.title, c.heading_path.join(" "), c.text)));
        }
    }
    let (vectors, _) = kbforge::embed::embed_cached(store, embedder, &texts).await.unwrap();
    let points: Vec<Point> = meta.into_iter().zip(vectors).map(|((article, question, words), vector)| Point { article, question, vector, sparse: sparse_map(sparse_document(&words)) }).collect();
    let passage_texts: Vec<String> = articles.iter().map(|a| format!("{passage}{}\n{}", a.front.title, a.body.trim())).collect();
    let (passages, _) = kbforge::embed::embed_cached(store, embedder, &passage_texts).await.unwrap();
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(dir.join("queries.jsonl")).unwrap().lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect();
    let raw: Vec<String> = lines.iter().map(|l| l["question"].as_str().unwrap().to_string()).collect();
    let query_texts: Vec<String> = raw.iter().map(|q| embedder.query_text(q)).collect();
    let (qv, _) = kbforge::embed::embed_cached(store, embedder, &query_texts).await.unwrap();
    let cleaned: Vec<String> = raw.iter().map(|q| kbforge::clean::for_embedding(&kbforge::clean::clean_message(q).text)).collect();
    let (cv, _) = kbforge::embed::embed_cached(store, embedder, &cleaned.iter().map(|q| embedder.query_text(q)).collect::<Vec<_>>()).await.unwrap();
    let late = late_states(store, embedder, &texts, &points, &cleaned).await;
    let queries = lines
        .iter()
        .zip(raw)
        .zip(qv.into_iter().zip(cv))
        .zip(cleaned)
        .map(|(((l, q), (v, c)), cq)| {
            let target = index[l["article"].as_str().unwrap()];
            let sparse = sparse_map(sparse_query(&q));
            let csparse = sparse_map(sparse_query(&cq));
            (q, target, v, c, sparse, csparse)
        })
        .collect();
    Set { name: dir.file_name().unwrap().to_string_lossy().into_owned(), articles, points, passages, queries, late }
}

/// The token states of the cleaned queries and of the points (`texts`, as [`load`] plans them),
/// cached, as [`Late`] holds them.
async fn late_states(
    store: &kbforge::store::Store,
    embedder: &kbforge::embed::Embedder,
    texts: &[String],
    points: &[Point],
    cleaned: &[String],
) -> Late {
    let states = |texts: Vec<String>| async move { kbforge::embed::token_states_cached(store, embedder, &texts).await.unwrap().0 };
    let query_states = states(cleaned.iter().map(|q| embedder.query_text(q)).collect()).await;
    let pick = |question: bool| -> (Vec<String>, Vec<usize>) {
        points.iter().zip(texts).filter(|(p, _)| p.question == question).map(|(p, t)| (t.clone(), p.article)).unzip()
    };
    let ((question_texts, question_articles), (chunk_texts, chunk_articles)) = (pick(true), pick(false));
    let question_states = states(question_texts).await;
    let chunk_states = states(chunk_texts).await;
    let articles = points.iter().map(|p| p.article + 1).max().unwrap_or(0);
    // Items are numbered after the queries.
    let items = |of: &[usize]| {
        let mut items = vec![Vec::new(); articles];
        of.iter().enumerate().for_each(|(i, &a)| items[a].push(cleaned.len() + i));
        items
    };
    let question_items = items(&question_articles);
    let chunk_items = items(&chunk_articles);
    let (questions_kb_only, chunks_kb_only) = (kb_only(&query_states, &question_states, &question_items), kb_only(&query_states, &chunk_states, &chunk_items));
    let with_queries = |points: Vec<TokenStates>| Tokens::build(query_states.iter().cloned().chain(points).collect(), 0);
    Late {
        questions: with_queries(question_states),
        question_items,
        chunks: with_queries(chunk_states),
        chunk_items,
        questions_kb_only,
        chunks_kb_only,
    }
}

/// Per query and article, the late interaction of the query with the best of the article's items
/// (`items`, numbered after the queries as in [`Late`]), centring and IDF taken from the items'
/// `states` and that one query only.
fn kb_only(queries: &[TokenStates], states: &[TokenStates], items: &[Vec<usize>]) -> Vec<Vec<f32>> {
    // With one query at a time, it is item 0 and the points follow.
    let alone: Vec<Vec<usize>> = items.iter().map(|i| i.iter().map(|x| x + 1 - queries.len()).collect()).collect();
    let every: Vec<usize> = (0..items.len()).collect();
    queries
        .iter()
        .map(|q| {
            let tokens = Tokens::build(std::iter::once(q.clone()).chain(states.iter().cloned()).collect(), 0);
            late_scores(&tokens, &alone, 0, &every)
        })
        .collect()
}
