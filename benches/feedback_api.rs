//! `POST /api/feedback` under load, and a `kill -9` in the middle of it.
//!
//!     cargo bench --bench feedback_api -- [SECONDS] [CONCURRENCY…]
//!     DATABASE_URL=postgres://… cargo bench --bench feedback_api -- …   # the Postgres store
//!
//! 1. **Throughput.** The real app (`kbforge::serve::router`) in this process on 127.0.0.1, a fresh
//!    store; for each concurrency (default 1, 16, 64) clients post ratings without a search (each
//!    query distinct, with a phone number for the redactor to find) for SECONDS (default 10). It
//!    prints requests per second, p50 and p99 latency, errors, and the rows the store holds against
//!    the ratings acknowledged: lost rows must be 0.
//! 2. **kill -9.** `kbforge serve` as a child process on the same kind of store, 16 clients posting;
//!    after 3 s the server is killed with SIGKILL. Every acknowledged rating must be in the store.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOKEN_ENV: &str = "KBFORGE_BENCH_TOKEN";
const TOKEN: &str = "bench-token";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let seconds: f64 = args.first().and_then(|c| c.parse().ok()).unwrap_or(10.0);
    let levels: Vec<usize> = if args.len() > 1 { args[1..].iter().filter_map(|c| c.parse().ok()).collect() } else { vec![1, 16, 64] };
    std::env::set_var(TOKEN_ENV, TOKEN);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        println!("store: {}", if std::env::var("DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) { "Postgres" } else { "SQLite" });
        for &clients in &levels {
            let dir = tempfile::tempdir().unwrap();
            let ws = workspace(dir.path());
            let store = kbforge::store::Store::open(&ws.store_url()).await.unwrap();
            clear(&store).await;
            let app = kbforge::serve::App::new(ws, store.clone());
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let base = format!("http://{}", listener.local_addr().unwrap());
            tokio::spawn(async move { axum::serve(listener, kbforge::serve::router(app)).await.unwrap() });
            let run = load(&base, clients, Duration::from_secs_f64(seconds), None).await;
            let stored = stored(&store).await;
            let lost = run.acked.iter().filter(|q| !stored.contains(*q)).count();
            let mut lat = run.latencies.clone();
            lat.sort();
            let pct = |p: f64| lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1))).map_or(0.0, |d| d.as_secs_f64() * 1000.0);
            println!(
                "{clients:>3} clients: {:>6.0} req/s, p50 {:>6.2} ms, p99 {:>6.2} ms, {} errors; {} acknowledged, {} rows stored, {lost} lost",
                run.acked.len() as f64 / run.elapsed.as_secs_f64(),
                pct(0.5),
                pct(0.99),
                run.errors,
                run.acked.len(),
                stored.len()
            );
        }
        kill_nine().await;
    });
}

fn workspace(dir: &std::path::Path) -> kbforge::workspace::Workspace {
    std::fs::write(dir.join("kbforge.toml"), format!("[serve]\napi-token-env = \"{TOKEN_ENV}\"\n")).unwrap();
    kbforge::workspace::Workspace::discover(dir).unwrap()
}

/// A shared Postgres store starts each round empty.
async fn clear(store: &kbforge::store::Store) {
    sqlx::query("DELETE FROM feedback").execute(store.pool()).await.unwrap();
}

/// The ticket ids of the stored ratings (each once: a duplicate row would be a bug too), after
/// checking that no stored query kept the phone number.
async fn stored(store: &kbforge::store::Store) -> HashSet<String> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT ticket_id, query FROM feedback").fetch_all(store.pool()).await.unwrap();
    assert!(rows.iter().all(|(_, q)| !q.contains("345-67")), "a stored query kept the phone number");
    let ids: HashSet<String> = rows.iter().map(|(t, _)| t.clone()).collect();
    assert_eq!(ids.len(), rows.len(), "a rating stored twice");
    ids
}

struct Run {
    acked: Vec<String>,
    latencies: Vec<Duration>,
    errors: usize,
    elapsed: Duration,
}

/// `clients` clients post distinct ratings for `duration`, or until `stop` is set.
async fn load(base: &str, clients: usize, duration: Duration, stop: Option<Arc<AtomicBool>>) -> Run {
    let http = reqwest::Client::builder().pool_max_idle_per_host(256).timeout(Duration::from_secs(10)).build().unwrap();
    let acked = Arc::new(Mutex::new(Vec::new()));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (http, url, acked, latencies, errors, stop) = (http.clone(), format!("{base}/api/feedback"), acked.clone(), latencies.clone(), errors.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut i = 0;
            while started.elapsed() < duration && !stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed)) {
                // The phone is for the redactor to find; the ticket id tells the rows apart.
                let query = format!("Не пришёл сертификат по заказу, телефон +7 912 345-67-{:02}", i % 100);
                let ticket = format!("bench:{c}:{i}");
                let rating = ["correct", "edited", "wrong", "unrated"][i % 4];
                let t = Instant::now();
                let r = http
                    .post(&url)
                    .bearer_auth(TOKEN)
                    .json(&serde_json::json!({"query": query, "ticket_id": ticket, "rating": rating, "operator": "bench"}))
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status().as_u16() == 201 => {
                        latencies.lock().unwrap().push(t.elapsed());
                        acked.lock().unwrap().push(ticket);
                    }
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                i += 1;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = started.elapsed();
    let acked = std::mem::take(&mut *acked.lock().unwrap());
    let latencies = std::mem::take(&mut *latencies.lock().unwrap());
    Run { acked, latencies, errors: errors.load(Ordering::Relaxed), elapsed }
}

/// `kbforge serve` killed with SIGKILL under load: nothing acknowledged is lost.
async fn kill_nine() {
    let dir = tempfile::tempdir().unwrap();
    let ws = workspace(dir.path());
    let store = kbforge::store::Store::open(&ws.store_url()).await.unwrap();
    clear(&store).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kbforge"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .current_dir(dir.path())
        .env("KBFORGE_LOG", "kbforge=warn")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let up = Instant::now();
    while http.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(up.elapsed() < Duration::from_secs(20), "kbforge serve did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let load = tokio::spawn({
        let (base, stop) = (base.clone(), stop.clone());
        async move { load(&base, 16, Duration::from_secs(60), Some(stop)).await }
    });
    tokio::time::sleep(Duration::from_secs(3)).await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    let run = load.await.unwrap();
    let stored = stored(&store).await;
    let lost = run.acked.iter().filter(|q| !stored.contains(*q)).count();
    println!(
        "kill -9 after 3 s under 16 clients: {} acknowledged, {} rows stored, {lost} acknowledged rows lost, {} requests cut off",
        run.acked.len(),
        stored.len(),
        run.errors
    );
    assert_eq!(lost, 0, "acknowledged ratings lost in a kill -9");
}
