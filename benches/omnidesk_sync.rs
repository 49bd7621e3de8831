//! How many requests a full and a nightly Omnidesk sync of a large desk need, and how long they
//! take at the documented per-minute limits.
//!
//!     cargo bench --bench omnidesk_sync -- [CASES] [CHANGED_SHARE]
//!
//! Serves CASES closed cases (default 100,000) updated evenly over two years from a local server in
//! the API's shapes (every answer announces a limit far above this machine's speed, so only the
//! request count matters), runs the connector once over the whole history (the full sync), then
//! updates CHANGED_SHARE of them (default 0.01) within the last day and runs it again (the nightly
//! sync). Prints the requests of each by kind, this machine's wall time, and the wall time the same
//! requests take at Omnidesk's documented limits: 20 a minute (the smallest account), 5 a minute
//! per agent for 10 and 50 agents (Standard), 750 and 1,500 a minute (the Standard and Pro caps).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::{json, Map, Value};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[derive(Clone)]
struct Desk {
    /// (case id, updated_at unix seconds), created in id order.
    cases: Arc<Mutex<Vec<(i64, i64)>>>,
    thread: Arc<Value>,
    lists: Arc<AtomicU64>,
    threads: Arc<AtomicU64>,
}

fn rfc2822(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).unwrap().with_timezone(&chrono::FixedOffset::east_opt(3 * 3600).unwrap()).to_rfc2822()
}

impl Respond for Desk {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let q: HashMap<String, String> = request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let path = request.url.path();
        let ok = |body: Value| ResponseTemplate::new(200).insert_header("rate_limit_per_minute", "100000000").set_body_json(body);
        if path == "/api/labels.json" {
            return ok(json!({"total_count": 0}));
        }
        if path.ends_with("/messages.json") {
            self.threads.fetch_add(1, Ordering::Relaxed);
            return ok((*self.thread).clone());
        }
        self.lists.fetch_add(1, Ordering::Relaxed);
        let page: usize = q["page"].parse().unwrap();
        let from: i64 = q["from_updated_time"].parse().unwrap();
        let to: i64 = q["to_updated_time"].parse().unwrap();
        let cases = self.cases.lock().unwrap();
        let matching: Vec<&(i64, i64)> = cases.iter().filter(|(_, t)| *t >= from && *t < to).collect();
        let mut body = Map::new();
        for (i, (id, t)) in matching.iter().skip((page - 1) * 100).take(100).enumerate() {
            body.insert(
                i.to_string(),
                json!({"case": {"case_id": id, "subject": "Сертификат", "user_id": 1000 + id, "status": "closed", "deleted": false, "spam": false,
                    "channel": "email", "created_at": rfc2822(1_600_000_000 + id), "updated_at": rfc2822(*t), "labels": [], "rating": ""}}),
            );
        }
        body.insert("total_count".into(), json!(matching.len()));
        ok(Value::Object(body))
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let n: i64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let share: f64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(0.01);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async move {
        let now: i64 = 1_767_225_600; // 2026-01-01
        let span = 2 * 365 * 86_400;
        let cases: Vec<(i64, i64)> = (0..n).map(|i| (100_000 + i, now - span + i * span / n)).collect();
        let thread = json!({
            "0": {"message": {"message_id": 1, "user_id": 1, "staff_id": 0, "content": "Как проверить баланс сертификата?", "note": false, "created_at": rfc2822(now - span)}},
            "1": {"message": {"message_id": 2, "user_id": 0, "staff_id": 5, "content": "Баланс виден на странице сертификата.", "note": false, "created_at": rfc2822(now - span)}},
            "total_count": 2
        });
        let desk = Desk { cases: Arc::new(Mutex::new(cases)), thread: Arc::new(thread), lists: Arc::default(), threads: Arc::default() };
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::method("GET")).respond_with(desk.clone()).mount(&server).await;
        let dir = tempfile::tempdir().unwrap();
        let store = kbforge::store::Store::open(&format!("sqlite://{}", dir.path().join("s.sqlite").display())).await.unwrap();
        let config = kbforge::ingest::omnidesk_api::OmnideskConfig {
            base_url: server.uri(),
            staff_email: "api@example.com".into(),
            requests_per_minute: 100_000_000,
            ..Default::default()
        };
        let report = |what: &str, requests: u64, lists: u64, threads: u64, secs: f64| {
            println!("{what}: {requests} requests ({lists} case-list pages, {threads} threads, {} other) in {secs:.1} s here", requests - lists - threads);
            for (label, per_minute) in [("20/min (smallest account)", 20.0), ("50/min (10 agents)", 50.0), ("250/min (50 agents)", 250.0), ("750/min (Standard cap)", 750.0), ("1,500/min (Pro cap)", 1500.0)] {
                let minutes = requests as f64 / per_minute;
                println!("    at {label}: {:.1} h", minutes / 60.0);
            }
        };
        let started = Instant::now();
        let full = kbforge::ingest::omnidesk_api::ingest_api(&store, &config, "key", now).await.unwrap();
        let (lists, threads) = (desk.lists.swap(0, Ordering::Relaxed), desk.threads.swap(0, Ordering::Relaxed));
        assert_eq!(full.counts.stored as i64, n, "{full:?}");
        report(&format!("full sync of {n} cases ({} windows)", full.windows), full.requests, lists, threads, started.elapsed().as_secs_f64());

        let changed = (n as f64 * share) as i64;
        {
            let mut cases = desk.cases.lock().unwrap();
            for (k, c) in cases.iter_mut().step_by((n / changed.max(1)).max(1) as usize).take(changed as usize).enumerate() {
                c.1 = now + 60 + k as i64;
            }
        }
        let started = Instant::now();
        let nightly = kbforge::ingest::omnidesk_api::ingest_api(&store, &config, "key", now + 86_400).await.unwrap();
        let (lists, threads) = (desk.lists.load(Ordering::Relaxed), desk.threads.load(Ordering::Relaxed));
        report(&format!("nightly sync, {changed} changed ({} windows)", nightly.windows), nightly.requests, lists, threads, started.elapsed().as_secs_f64());
    });
}
