//! The Omnidesk connector against a local HTTP server (wiremock) that answers like the real API:
//! it serves the recorded demo export (`examples/omnidesk`), filtered by status and updated time and
//! paged by `page`/`limit`, so windows, pagination and the watermark are exercised for real.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use kbforge::ingest::omnidesk_api::{ingest_api, watermark, OmnideskConfig};
use kbforge::store::Store;
use serde_json::{json, Map, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const KEY: &str = "test-api-key";
const EMAIL: &str = "api@podarokplus.ru";

fn ts(rfc2822: &str) -> i64 {
    chrono::DateTime::parse_from_rfc2822(rfc2822).unwrap().timestamp()
}

/// An Omnidesk account in memory: cases with their threads.
#[derive(Clone)]
struct FakeOmnidesk {
    cases: Arc<Mutex<Vec<Map<String, Value>>>>,
    messages: Arc<HashMap<i64, Value>>,
    /// Windows longer than this many seconds claim more cases than one query can page through.
    crowded_over: Option<i64>,
}

impl FakeOmnidesk {
    fn demo() -> FakeOmnidesk {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/omnidesk");
        let mut cases = Vec::new();
        let mut messages = HashMap::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            if name.starts_with("cases") {
                let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
                for (k, e) in v.as_object().unwrap() {
                    if k != "total_count" {
                        cases.push(e["case"].as_object().unwrap().clone());
                    }
                }
            }
        }
        for c in &cases {
            let id = c["case_id"].as_i64().unwrap();
            let text = std::fs::read_to_string(dir.join(format!("messages/{id}.json"))).unwrap();
            messages.insert(id, serde_json::from_str(&text).unwrap());
        }
        cases.sort_by_key(|c| c["case_id"].as_i64().unwrap());
        FakeOmnidesk { cases: Arc::new(Mutex::new(cases)), messages: Arc::new(messages), crowded_over: None }
    }

    /// `n` closed cases, all updated at the same time, each with the thread of the first demo case.
    fn synthetic(n: usize) -> FakeOmnidesk {
        let demo = FakeOmnidesk::demo();
        let template = demo.cases.lock().unwrap().iter().find(|c| c["status"] == "closed" && c["deleted"] == false && c["spam"] == false).unwrap().clone();
        let thread = demo.messages[&template["case_id"].as_i64().unwrap()].clone();
        let cases: Vec<_> = (0..n)
            .map(|i| {
                let mut c = template.clone();
                c.insert("case_id".into(), json!(50_000 + i as i64));
                c.insert("updated_at".into(), json!("Mon, 05 May 2025 10:00:00 +0300"));
                c
            })
            .collect();
        let messages = (0..n).map(|i| (50_000 + i as i64, thread.clone())).collect();
        FakeOmnidesk { cases: Arc::new(Mutex::new(cases)), messages: Arc::new(messages), crowded_over: None }
    }

    fn closed_kept(&self) -> usize {
        self.cases.lock().unwrap().iter().filter(|c| c["status"] == "closed" && c["deleted"] == false && c["spam"] == false).count()
    }
}

impl Respond for FakeOmnidesk {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let q: HashMap<String, String> = request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let auth = request.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        // Basic base64("api@podarokplus.ru:test-api-key")
        if auth != "Basic YXBpQHBvZGFyb2twbHVzLnJ1OnRlc3QtYXBpLWtleQ==" {
            return ResponseTemplate::new(401).set_body_json(json!({"error": "unauthorized"}));
        }
        let page: usize = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let limit: usize = q.get("limit").and_then(|p| p.parse().ok()).unwrap_or(100);
        assert!((1..=500).contains(&page) && (1..=100).contains(&limit), "out of the API's range: {q:?}");
        let path = request.url.path();
        if path == "/api/labels.json" {
            return ResponseTemplate::new(200).set_body_json(json!({"0": {"label": {"label_id": 1, "label_title": "активация"}}, "total_count": 1}));
        }
        if let Some(id) = path.strip_prefix("/api/cases/").and_then(|p| p.strip_suffix("/messages.json")) {
            let id: i64 = id.parse().unwrap();
            return match self.messages.get(&id) {
                Some(v) => ResponseTemplate::new(200).set_body_json(v.clone()),
                None => ResponseTemplate::new(404).set_body_json(json!({"error": "not found"})),
            };
        }
        let from: i64 = q["from_updated_time"].parse().unwrap();
        let to: i64 = q["to_updated_time"].parse().unwrap();
        let status = q.get("status").cloned().unwrap_or_default();
        if self.crowded_over.is_some_and(|limit| to - from > limit) {
            return ResponseTemplate::new(200).set_body_json(json!({"total_count": 60_000}));
        }
        let cases = self.cases.lock().unwrap();
        let matching: Vec<&Map<String, Value>> = cases
            .iter()
            .filter(|c| {
                let t = ts(c["updated_at"].as_str().unwrap());
                c["status"] == status.as_str() && t >= from && t < to
            })
            .collect();
        let mut body = Map::new();
        for (i, c) in matching.iter().skip((page - 1) * limit).take(limit).enumerate() {
            body.insert(i.to_string(), json!({"case": c}));
        }
        body.insert("total_count".into(), json!(matching.len()));
        ResponseTemplate::new(200).set_body_json(Value::Object(body))
    }
}

async fn fake_server(fake: &FakeOmnidesk) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(fake.clone()).with_priority(10).mount(&server).await;
    server
}

fn config(server: &MockServer) -> OmnideskConfig {
    OmnideskConfig {
        base_url: server.uri(),
        staff_email: EMAIL.into(),
        requests_per_hour: 36_000_000,
        window_days: 30,
        start: "2025-01-01T00:00:00+03:00".into(),
        max_retries: 3,
        backoff_ms: 5,
        ..OmnideskConfig::default()
    }
}

async fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("s.sqlite").display())).await.unwrap();
    (dir, store)
}

const NOW: &str = "Sat, 01 Nov 2025 00:00:00 +0300";

fn case_requests(requests: &[Request]) -> Vec<HashMap<String, String>> {
    requests
        .iter()
        .filter(|r| r.url.path() == "/api/cases.json")
        .map(|r| r.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_then_incremental_sync() {
    let fake = FakeOmnidesk::demo();
    let server = fake_server(&fake).await;
    let (_dir, store) = store().await;
    let cfg = config(&server);

    let first = ingest_api(&store, &cfg, KEY, ts(NOW)).await.unwrap();
    let c = first.counts;
    assert_eq!(c.stored, fake.closed_kept(), "{c:?}");
    assert_eq!(c.read, c.stored + c.skipped + c.quarantined + c.unchanged, "{c:?}");
    assert_eq!(c.skipped, 4, "the deleted and spam cases: {c:?}");
    assert_eq!(store.count("tickets").await.unwrap() as usize, fake.closed_kept());
    assert_eq!(watermark(&store).await.unwrap(), Some(ts(NOW)));
    let (labels,): (String,) = sqlx::query_as("SELECT labels FROM tickets WHERE labels LIKE '%активация%' LIMIT 1").fetch_one(store.pool()).await.unwrap();
    assert!(labels.contains("активация"));

    // A nightly run a day later: one query for the one new window, nothing to store.
    let requests_before = server.received_requests().await.unwrap().len();
    let day_later = ts(NOW) + 86_400;
    let second = ingest_api(&store, &cfg, KEY, day_later).await.unwrap();
    assert_eq!(second.counts.read, 0);
    let new_requests = &server.received_requests().await.unwrap()[requests_before..];
    let cases = case_requests(new_requests);
    assert_eq!(cases.len(), 1, "{cases:?}");
    assert_eq!(cases[0]["from_updated_time"], ts(NOW).to_string());

    // A case updated since: only it is fetched and stored again.
    {
        let mut all = fake.cases.lock().unwrap();
        let c = all.iter_mut().find(|c| c["status"] == "closed" && c["deleted"] == false && c["spam"] == false).unwrap();
        c.insert("updated_at".into(), json!("Sun, 02 Nov 2025 01:00:00 +0300"));
        c.insert("rating".into(), json!("low"));
    }
    let third = ingest_api(&store, &cfg, KEY, day_later + 86_400).await.unwrap();
    assert_eq!((third.counts.read, third.counts.stored), (1, 1), "{:?}", third.counts);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagination_edges() {
    for (n, pages) in [(0usize, 1usize), (100, 1), (101, 2), (250, 3)] {
        let fake = FakeOmnidesk::synthetic(n);
        let server = fake_server(&fake).await;
        let (_dir, store) = store().await;
        let cfg = OmnideskConfig { window_days: 365, ..config(&server) };
        let got = ingest_api(&store, &cfg, KEY, ts(NOW)).await.unwrap();
        assert_eq!(got.counts.stored, n, "{n} cases");
        let cases = case_requests(&server.received_requests().await.unwrap());
        assert_eq!(cases.len(), pages, "{n} cases should take {pages} pages: {cases:?}");
        assert!(cases.iter().all(|q| q["limit"] == "100"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn honours_retry_after_on_429() {
    let fake = FakeOmnidesk::synthetic(5);
    let server = fake_server(&fake).await;
    Mock::given(method("GET"))
        .and(path("/api/cases.json"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1").set_body_json(json!({"error": "rate limit"})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let (_dir, store) = store().await;
    let started = Instant::now();
    let got = ingest_api(&store, &OmnideskConfig { window_days: 365, ..config(&server) }, KEY, ts(NOW)).await.unwrap();
    assert!(started.elapsed().as_millis() >= 1000, "did not wait for Retry-After");
    assert_eq!(got.counts.stored, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_500_mid_run_is_retried_and_a_lasting_one_resumes_later() {
    let fake = FakeOmnidesk::demo();
    let (_dir, store) = store().await;

    // Two 500s on one thread: retried, the run completes.
    let server = fake_server(&fake).await;
    let flaky = 10_100;
    Mock::given(method("GET"))
        .and(path(format!("/api/cases/{flaky}/messages.json")))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    let got = ingest_api(&store, &config(&server), KEY, ts("Sat, 01 Mar 2025 00:00:00 +0300")).await.unwrap();
    assert!(got.counts.stored > 0);
    assert_eq!(got.counts.quarantined, 0);

    // A thread that keeps failing stops the run; the watermark stays before its window.
    let broken = fake
        .cases
        .lock()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "closed" && c["deleted"] == false && c["spam"] == false)
        .map(|c| (c["case_id"].as_i64().unwrap(), ts(c["updated_at"].as_str().unwrap())))
        .find(|(_, t)| *t > ts("Mon, 05 May 2025 00:00:00 +0300"))
        .unwrap();
    let server = fake_server(&fake).await;
    Mock::given(method("GET"))
        .and(path(format!("/api/cases/{}/messages.json", broken.0)))
        .respond_with(ResponseTemplate::new(503))
        .with_priority(1)
        .mount(&server)
        .await;
    let err = ingest_api(&store, &config(&server), KEY, ts(NOW)).await.unwrap_err().to_string();
    assert!(err.contains("503") && err.contains(&format!("/api/cases/{}/messages.json", broken.0)), "{err}");
    let mark = watermark(&store).await.unwrap().unwrap();
    assert!(mark <= broken.1, "watermark {mark} moved past the failed case at {}", broken.1);

    // The next run, with the API healthy, resumes there and completes.
    let server = fake_server(&fake).await;
    let resumed = ingest_api(&store, &config(&server), KEY, ts(NOW)).await.unwrap();
    assert!(resumed.counts.stored > 0);
    assert_eq!(store.count("tickets").await.unwrap() as usize, fake.closed_kept());
    assert_eq!(watermark(&store).await.unwrap(), Some(ts(NOW)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_quarantined_and_the_run_goes_on() {
    let fake = FakeOmnidesk::synthetic(120);
    let server = fake_server(&fake).await;
    Mock::given(method("GET"))
        .and(path("/api/cases/50007/messages.json"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"0\": {\"message\": {\"message_id\": 1, \"content\": \"обрыв"))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/cases.json"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>502 Bad Gateway</html>"))
        .with_priority(1)
        .mount(&server)
        .await;
    let (_dir, store) = store().await;
    let got = ingest_api(&store, &OmnideskConfig { window_days: 365, ..config(&server) }, KEY, ts(NOW)).await.unwrap();
    // Page 1: 100 cases, one with a broken thread; page 2 (20 cases) is not JSON.
    assert_eq!(got.counts.stored, 99, "{:?}", got.counts);
    assert_eq!(got.counts.quarantined, 2, "{:?}", got.counts);
    let q = store.quarantine_list().await.unwrap();
    assert!(q.iter().any(|e| e.location == "case 50007" && e.source.contains("/api/cases/50007/messages.json")), "{q:#?}");
    assert!(q.iter().any(|e| e.location == "page 2" && e.raw.contains("502 Bad Gateway")), "{q:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_key_is_a_clear_error() {
    let (_dir, store) = store().await;
    let cfg = OmnideskConfig { subdomain: "podarokplus".into(), ..OmnideskConfig::default() };
    let err = ingest_api(&store, &cfg, "", ts(NOW)).await.unwrap_err().to_string();
    assert!(err.contains("OMNIDESK_API_KEY"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_over_50000_cases_is_split() {
    let fake = FakeOmnidesk { crowded_over: Some(20 * 86_400), ..FakeOmnidesk::demo() };
    let server = fake_server(&fake).await;
    let (_dir, store) = store().await;
    let got = ingest_api(&store, &config(&server), KEY, ts(NOW)).await.unwrap();
    assert_eq!(got.counts.stored, fake.closed_kept());
    let cases = case_requests(&server.received_requests().await.unwrap());
    let longest = cases.iter().map(|q| q["to_updated_time"].parse::<i64>().unwrap() - q["from_updated_time"].parse::<i64>().unwrap());
    assert!(cases.iter().any(|q| q["to_updated_time"].parse::<i64>().unwrap() - q["from_updated_time"].parse::<i64>().unwrap() <= 20 * 86_400));
    assert!(longest.max().unwrap() > 20 * 86_400, "the crowded window was asked for first");
}
