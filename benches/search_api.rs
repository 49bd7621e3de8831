//! Latency and throughput of `POST /api/search` on loopback, under a load generator.
//!
//!     kbforge run pipelines/demo.toml --auto-approve        # a workspace with a published index
//!     cargo bench --bench search_api -- [WORKSPACE] [CONCURRENCY]
//!
//! Starts the real app (`kbforge::serve::router`) on 127.0.0.1, loads the model with one warm-up
//! query, then sends every distinct customer question of the workspace's store once (no query is
//! repeated, so nothing is served from a cache), CONCURRENCY at a time (default 4), and prints
//! p50/p90/p99 latency and queries per second.

use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let workspace = std::path::PathBuf::from(args.first().cloned().unwrap_or_else(|| ".".into()));
    let concurrency: usize = args.get(1).and_then(|c| c.parse().ok()).unwrap_or(4);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let ws = kbforge::workspace::Workspace::discover(&workspace).expect("a workspace (run the demo first)");
        let store = kbforge::store::Store::open(&ws.store_url()).await.unwrap();
        let questions: Vec<String> = sqlx::query_as::<_, (String,)>("SELECT DISTINCT question FROM qa_pairs WHERE question <> '' ORDER BY question")
            .fetch_all(store.pool())
            .await
            .unwrap()
            .into_iter()
            .map(|(q,)| q.chars().take(300).collect())
            .collect();
        assert!(!questions.is_empty(), "no questions in the store");
        let app = kbforge::serve::App::new(ws, store);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/api/search", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, kbforge::serve::router(app)).await.unwrap() });
        let http = reqwest::Client::new();
        let warm = Instant::now();
        let r = http.post(&url).json(&serde_json::json!({"query": "прогрев", "limit": 5})).send().await.unwrap();
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
        println!("model load + first query: {:.2} s", warm.elapsed().as_secs_f64());

        let queue = std::sync::Arc::new(tokio::sync::Mutex::new(questions.clone()));
        let started = Instant::now();
        let mut workers = Vec::new();
        for _ in 0..concurrency {
            let (queue, http, url) = (queue.clone(), http.clone(), url.clone());
            workers.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let Some(q) = queue.lock().await.pop() else { break };
                    let t = Instant::now();
                    let r = http.post(&url).json(&serde_json::json!({"query": q, "limit": 5})).send().await.unwrap();
                    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
                    let _ = r.bytes().await.unwrap();
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
            "{} distinct queries, concurrency {concurrency}, {} cores: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, {:.1} queries/s",
            all.len(),
            std::thread::available_parallelism().map(|p| p.get()).unwrap_or(1),
            pct(0.50),
            pct(0.90),
            pct(0.99),
            all.len() as f64 / wall
        );
    });
}
