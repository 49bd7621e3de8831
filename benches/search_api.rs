//! Throughput and latency of `POST /api/search` on loopback, under a load generator, against the
//! model-only ceiling.
//!
//!     kbforge run pipelines/demo.toml --auto-approve        # a workspace with a published index
//!     cargo bench --bench search_api -- [WORKSPACE] [SECONDS] [CONCURRENCY…]
//!
//! Starts the real app (`kbforge::serve::router`) on 127.0.0.1 in this process, warms the model
//! with one query, then for each concurrency (default 1, 8 and 32) sends short customer questions
//! from the workspace's store for SECONDS (default 60) and prints queries per second, p50 and p99
//! latency and errors. Each question is sent once per round (distinct texts, so the query cache does
//! not answer them), cycling if the round outlasts them; a second pass of the questions measures
//! the cache. Before the rounds it measures the ceiling: the same questions embedded by the model
//! alone in batches of 64 (`embed::batch::MAX_BATCH`), per second. With `QDRANT_URL` set, the index
//! of the workspace is read from that server (publish it there first: `[index] url`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let workspace = std::path::PathBuf::from(args.first().cloned().unwrap_or_else(|| ".".into()));
    let seconds: f64 = args.get(1).and_then(|c| c.parse().ok()).unwrap_or(60.0);
    let levels: Vec<usize> = if args.len() > 2 { args[2..].iter().filter_map(|c| c.parse().ok()).collect() } else { vec![1, 8, 32] };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let mut ws = kbforge::workspace::Workspace::discover(&workspace).expect("a workspace (run the demo first)");
        if let Ok(url) = std::env::var("QDRANT_URL") {
            ws.config.index.url = url;
        }
        let store = kbforge::store::Store::open(&ws.store_url()).await.unwrap();
        // Short questions: a customer's first line, as a chat widget sends it.
        let mut questions: Vec<String> = sqlx::query_as::<_, (String,)>("SELECT DISTINCT question FROM qa_pairs WHERE question <> '' ORDER BY question")
            .fetch_all(store.pool())
            .await
            .unwrap()
            .into_iter()
            .map(|(q,)| q.lines().next().unwrap_or_default().chars().take(120).collect::<String>())
            .filter(|q: &String| q.split_whitespace().count() >= 3)
            .collect();
        questions.dedup();
        assert!(!questions.is_empty(), "no questions in the store");
        let app = kbforge::serve::App::new(ws.clone(), store);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/api/search", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, kbforge::serve::router(app)).await.unwrap() });
        let http = reqwest::Client::builder().pool_max_idle_per_host(64).build().unwrap();
        let warm = Instant::now();
        let r = http.post(&url).json(&serde_json::json!({"query": "прогрев", "limit": 5})).send().await.unwrap();
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
        println!("model load + first query: {:.2} s; {} distinct questions", warm.elapsed().as_secs_f64(), questions.len());

        // The ceiling: the model alone, batches of 64.
        let embedder = kbforge::embed::Embedder::load(&ws.config.embed, &ws.root).unwrap();
        let texts: Vec<String> = questions.iter().take(512).map(|q| embedder.query_text(&kbforge::publish::index::search::clean_query(q))).collect();
        let t = Instant::now();
        for batch in texts.chunks(kbforge::embed::batch::MAX_BATCH) {
            embedder.embed_quiet(batch).unwrap();
        }
        let ceiling = texts.len() as f64 / t.elapsed().as_secs_f64();
        println!("model-only ceiling: {ceiling:.0} queries/s (embedded in batches of {})", kbforge::embed::batch::MAX_BATCH);
        drop(embedder);

        let questions = Arc::new(questions);
        let mut round = 0usize;
        for &concurrency in &levels {
            round += 1;
            let next = Arc::new(AtomicUsize::new(0));
            let errors = Arc::new(AtomicUsize::new(0));
            let started = Instant::now();
            let mut workers = Vec::new();
            for _ in 0..concurrency {
                let (http, url, next, errors, questions) = (http.clone(), url.clone(), next.clone(), errors.clone(), questions.clone());
                workers.push(tokio::spawn(async move {
                    let mut latencies = Vec::new();
                    while started.elapsed().as_secs_f64() < seconds {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        // A suffix per round keeps every text new to the cache.
                        let q = format!("{} {}", questions[i % questions.len()], "?".repeat(round + i / questions.len()));
                        let t = Instant::now();
                        match http.post(&url).json(&serde_json::json!({"query": q, "limit": 5})).send().await {
                            Ok(r) if r.status().is_success() => {
                                let _ = r.bytes().await;
                            }
                            _ => {
                                errors.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        latencies.push(t.elapsed());
                    }
                    latencies
                }));
            }
            let mut all: Vec<Duration> = Vec::new();
            for w in workers {
                all.extend(w.await.unwrap());
            }
            let wall = started.elapsed().as_secs_f64();
            all.sort();
            let pct = |p: f64| all[((all.len() as f64 * p).ceil() as usize).clamp(1, all.len()) - 1].as_secs_f64() * 1000.0;
            println!(
                "concurrency {concurrency:>2}: {:.0} queries/s, p50 {:.1} ms, p99 {:.1} ms, {} errors ({} queries in {wall:.0} s, {} cores)",
                all.len() as f64 / wall,
                pct(0.50),
                pct(0.99),
                errors.load(Ordering::Relaxed),
                all.len(),
                std::thread::available_parallelism().map(|p| p.get()).unwrap_or(1),
            );
        }
    });
}
