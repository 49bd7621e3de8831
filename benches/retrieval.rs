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

use std::collections::HashMap;
use std::path::Path;

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

/// As [`zsum`], with each signal standardised over the candidates only (the union of every
/// signal's top `k` articles) and the rest left out: what an index that returns top hits sees.
fn zsum_candidates(parts: &[(&Vec<f32>, f32)], k: usize) -> Vec<f32> {
    let n = parts[0].0.len();
    let mut cand: Vec<usize> = parts.iter().flat_map(|(s, _)| rank(s).into_iter().take(k)).collect();
    cand.sort_unstable();
    cand.dedup();
    let mut out = vec![f32::MIN; n];
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
            type Variant = Box<dyn Fn(&[Vec<f32>; 4], &dyn Fn() -> Vec<f32>) -> Vec<f32>>;
            let variants: Vec<(&str, bool, Variant)> = vec![
                ("dense passage (baseline)", false, Box::new(|s, _| s[2].clone())),
                ("BM25 best point", false, Box::new(|s, _| s[3].clone())),
                ("hybrid RRF over points (today)", false, Box::new(|_, today| today())),
                ("dense best point", false, Box::new(|s, _| s[0].iter().zip(&s[1]).map(|(a, b)| a.max(*b)).collect())),
                ("cleaned: dense passage", true, Box::new(|s, _| s[2].clone())),
                ("cleaned: hybrid RRF over points", true, Box::new(|_, today| today())),
                ("cleaned: RRF articles q, passage, bm25 .5", true, Box::new(|s, _| rrf_articles(&[(&s[0], 1.0), (&s[2], 1.0), (&s[3], 0.5)], 60.0))),
                ("cleaned: RRF articles q, chunk, passage, bm25 .5", true, Box::new(|s, _| rrf_articles(&[(&s[0], 1.0), (&s[1], 1.0), (&s[2], 1.0), (&s[3], 0.5)], 60.0))),
                ("cleaned: z q + z passage", true, Box::new(|s, _| zsum(&[(&s[0], 1.0), (&s[2], 1.0)]))),
                ("cleaned: z q + z passage + .5 z bm25", true, Box::new(|s, _| zsum(&[(&s[0], 1.0), (&s[2], 1.0), (&s[3], 0.5)]))),
                ("cleaned: z q + z passage + z bm25", true, Box::new(|s, _| zsum(&[(&s[0], 1.0), (&s[2], 1.0), (&s[3], 1.0)]))),
                ("cleaned: z q + z chunk + z passage + .5 z bm25", true, Box::new(|s, _| zsum(&[(&s[0], 1.0), (&s[1], 1.0), (&s[2], 1.0), (&s[3], 0.5)]))),
                ("cleaned: z q + z max(chunk, passage) + z bm25", true, Box::new(|s, _| {
                    let m: Vec<f32> = s[1].iter().zip(&s[2]).map(|(a, b)| a.max(*b)).collect();
                    zsum(&[(&s[0], 1.0), (&m, 1.0), (&s[3], 1.0)])
                })),
                ("cleaned: z3 over the top-30 candidates of each signal", true, Box::new(|s, _| zsum_candidates(&[(&s[0], 1.0), (&s[2], 1.0), (&s[3], 1.0)], 30))),
                ("cleaned: z3 over the top-100 candidates of each signal", true, Box::new(|s, _| zsum_candidates(&[(&s[0], 1.0), (&s[2], 1.0), (&s[3], 1.0)], 100))),
                ("cleaned: z max(q,passage) + .5 z bm25", true, Box::new(|s, _| {
                    let m: Vec<f32> = z(&s[0]).iter().zip(z(&s[2])).map(|(a, b)| a.max(b)).collect();
                    zsum(&[(&m, 1.0), (&s[3], 0.5)])
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
                        let scores = f(&sig, &today);
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
    let points = meta.into_iter().zip(vectors).map(|((article, question, words), vector)| Point { article, question, vector, sparse: sparse_map(sparse_document(&words)) }).collect();
    let passage_texts: Vec<String> = articles.iter().map(|a| format!("{passage}{}\n{}", a.front.title, a.body.trim())).collect();
    let (passages, _) = kbforge::embed::embed_cached(store, embedder, &passage_texts).await.unwrap();
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(dir.join("queries.jsonl")).unwrap().lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect();
    let raw: Vec<String> = lines.iter().map(|l| l["question"].as_str().unwrap().to_string()).collect();
    let query_texts: Vec<String> = raw.iter().map(|q| embedder.query_text(q)).collect();
    let (qv, _) = kbforge::embed::embed_cached(store, embedder, &query_texts).await.unwrap();
    let cleaned: Vec<String> = raw.iter().map(|q| kbforge::clean::for_embedding(&kbforge::clean::clean_message(q).text)).collect();
    let (cv, _) = kbforge::embed::embed_cached(store, embedder, &cleaned.iter().map(|q| embedder.query_text(q)).collect::<Vec<_>>()).await.unwrap();
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
    Set { name: dir.file_name().unwrap().to_string_lossy().into_owned(), articles, points, passages, queries }
}
