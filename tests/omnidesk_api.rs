//! The Omnidesk connector against a local HTTP server (wiremock) that answers like the real API:
//! it serves the demo export (`examples/omnidesk`, synthetic data in the API's shapes) and the
//! recorded shapes of `tests/fixtures/omnidesk-api` (see its SOURCE.md), filtered by status and
//! updated time, sorted and paged by `sort`/`page`/`limit`, with per-minute rate-limit headers. It
//! can change a case while a window is being read, count window edges in or out, and lose a
//! thread, so windows, paging, the watermark and deletions are exercised for real.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

fn rfc2822(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).unwrap().with_timezone(&chrono::FixedOffset::east_opt(3 * 3600).unwrap()).to_rfc2822()
}

/// How the fake counts a window's edges: `from_updated_time` and `to_updated_time` in or out.
#[derive(Clone, Copy, Debug)]
struct Edges {
    from_in: bool,
    to_in: bool,
}

/// An Omnidesk account in memory: cases with their threads.
#[derive(Clone)]
struct FakeOmnidesk {
    cases: Arc<Mutex<Vec<Map<String, Value>>>>,
    messages: Arc<Mutex<HashMap<i64, Vec<Value>>>>,
    labels: Arc<Vec<(i64, String)>>,
    /// Windows longer than this many seconds claim more cases than one query can page through.
    crowded_over: Option<i64>,
    edges: Edges,
    /// Threads that answer 404 (deleted or merged since they were listed).
    gone: Arc<Mutex<HashSet<i64>>>,
    /// After page 1 of a window is served, this case is updated (moves out of the window).
    move_after_first_page: Arc<Mutex<Option<(i64, i64)>>>,
    /// The account's per-minute limit, announced in every answer's headers.
    limit: Option<u32>,
    /// Answers given so far.
    served: Arc<AtomicUsize>,
}

impl FakeOmnidesk {
    fn empty() -> FakeOmnidesk {
        FakeOmnidesk {
            cases: Arc::default(),
            messages: Arc::default(),
            labels: Arc::new(vec![(1, "активация".into())]),
            crowded_over: None,
            edges: Edges { from_in: true, to_in: false },
            gone: Arc::default(),
            move_after_first_page: Arc::default(),
            limit: None,
            served: Arc::default(),
        }
    }

    fn add_page(&self, dir: &std::path::Path, page: &Value) {
        for (k, e) in page.as_object().unwrap() {
            if k == "total_count" {
                continue;
            }
            let case = e["case"].as_object().unwrap().clone();
            let id = case["case_id"].as_i64().unwrap();
            if let Ok(text) = std::fs::read_to_string(dir.join(format!("messages/{id}.json"))) {
                self.messages.lock().unwrap().insert(id, entries(&serde_json::from_str(&text).unwrap(), "message"));
            }
            self.cases.lock().unwrap().push(case);
        }
    }

    fn demo() -> FakeOmnidesk {
        let fake = FakeOmnidesk::empty();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/omnidesk");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.file_name().unwrap().to_str().unwrap().starts_with("cases") {
                fake.add_page(&dir, &serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap());
            }
        }
        fake.cases.lock().unwrap().sort_by_key(|c| c["case_id"].as_i64().unwrap());
        fake
    }

    /// `n` closed cases updated a minute apart from `first`, each with the thread of the first demo case.
    fn synthetic(n: usize, first: i64) -> FakeOmnidesk {
        let demo = FakeOmnidesk::demo();
        let template = demo.cases.lock().unwrap().iter().find(|c| kept(c)).unwrap().clone();
        let thread = demo.messages.lock().unwrap()[&template["case_id"].as_i64().unwrap()].clone();
        let fake = FakeOmnidesk::empty();
        for i in 0..n {
            let mut c = template.clone();
            let id = 50_000 + i as i64;
            c.insert("case_id".into(), json!(id));
            c.insert("created_at".into(), json!(rfc2822(first - 86_400 + i as i64)));
            c.insert("updated_at".into(), json!(rfc2822(first + 60 * i as i64)));
            fake.cases.lock().unwrap().push(c);
            fake.messages.lock().unwrap().insert(id, thread.clone());
        }
        fake
    }

    fn kept_count(&self) -> usize {
        self.cases.lock().unwrap().iter().filter(|c| kept(c)).count()
    }

    fn set(&self, id: i64, key: &str, value: Value) {
        let mut cases = self.cases.lock().unwrap();
        let c = cases.iter_mut().find(|c| c["case_id"] == id).unwrap();
        c.insert(key.into(), value);
    }

    fn page_of<'a>(&self, list: &'a [Value], q: &HashMap<String, String>, key: &str) -> ResponseTemplate {
        let page: usize = q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        let limit: usize = q.get("limit").and_then(|p| p.parse().ok()).unwrap_or(100);
        let mut body = Map::new();
        for (i, v) in list.iter().skip((page - 1) * limit).take(limit).enumerate() {
            body.insert(i.to_string(), json!({ key: v }));
        }
        body.insert("total_count".into(), json!(list.len()));
        ResponseTemplate::new(200).set_body_json(Value::Object(body))
    }
}

fn kept(c: &Map<String, Value>) -> bool {
    c["status"] == "closed" && c["deleted"] == false && c["spam"] == false
}

/// The entries of a list response under `key`, in order.
fn entries(v: &Value, key: &str) -> Vec<Value> {
    let mut list: Vec<(usize, Value)> =
        v.as_object().unwrap().iter().filter(|(k, _)| *k != "total_count").map(|(k, e)| (k.parse().unwrap(), e[key].clone())).collect();
    list.sort_by_key(|(k, _)| *k);
    list.into_iter().map(|(_, e)| e).collect()
}

impl Respond for FakeOmnidesk {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.served.fetch_add(1, Ordering::SeqCst);
        let mut answer = self.answer(request);
        if let Some(limit) = self.limit {
            answer = answer.insert_header("rate_limit_per_minute", limit.to_string().as_str()).insert_header("api_calls_left", "42");
        }
        answer
    }
}

impl FakeOmnidesk {
    fn answer(&self, request: &Request) -> ResponseTemplate {
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
            let labels: Vec<Value> = self.labels.iter().map(|(id, t)| json!({"label_id": id, "label_title": t, "label_color": "#9e9e9e", "label_active": true})).collect();
            return self.page_of(&labels, &q, "label");
        }
        if let Some(id) = path.strip_prefix("/api/cases/").and_then(|p| p.strip_suffix("/messages.json")) {
            let id: i64 = id.parse().unwrap();
            if self.gone.lock().unwrap().contains(&id) {
                return ResponseTemplate::new(404).set_body_json(json!({"error": "case not found"}));
            }
            let thread = self.messages.lock().unwrap().get(&id).cloned();
            return match thread {
                Some(list) => self.page_of(&list, &q, "message"),
                None => ResponseTemplate::new(404).set_body_json(json!({"error": "not found"})),
            };
        }
        assert_eq!(path, "/api/cases.json");
        assert_eq!(q.get("sort").map(String::as_str), Some("created_at_asc"), "a fixed order: {q:?}");
        let from: i64 = q["from_updated_time"].parse().expect("Unix seconds");
        let to: i64 = q["to_updated_time"].parse().expect("Unix seconds");
        let status = q.get("status").cloned().unwrap_or_default();
        if self.crowded_over.is_some_and(|limit| to - from > limit) {
            return ResponseTemplate::new(200).set_body_json(json!({"total_count": 60_000}));
        }
        let mut matching: Vec<Value> = {
            let cases = self.cases.lock().unwrap();
            let within = |t: i64| (if self.edges.from_in { t >= from } else { t > from }) && (if self.edges.to_in { t <= to } else { t < to });
            let mut m: Vec<&Map<String, Value>> = cases.iter().filter(|c| c["status"] == status.as_str() && within(ts(c["updated_at"].as_str().unwrap()))).collect();
            m.sort_by_key(|c| (ts(c["created_at"].as_str().unwrap()), c["case_id"].as_i64().unwrap()));
            m.into_iter().map(|c| Value::Object(c.clone())).collect()
        };
        let answer = self.page_of(&matching, &q, "case");
        let pending_move = if page == 1 { *self.move_after_first_page.lock().unwrap() } else { None };
        if let Some((id, to_time)) = pending_move.filter(|(id, _)| matching.iter().any(|c| c["case_id"] == *id)) {
            self.set(id, "updated_at", json!(rfc2822(to_time)));
            *self.move_after_first_page.lock().unwrap() = None;
        }
        matching.clear();
        answer
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
        requests_per_minute: 6_000_000,
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

async fn stored_ids(store: &Store) -> HashSet<String> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM tickets").fetch_all(store.pool()).await.unwrap();
    rows.into_iter().map(|(id,)| id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_then_incremental_sync() {
    let fake = FakeOmnidesk::demo();
    let server = fake_server(&fake).await;
    let (_dir, store) = store().await;
    let cfg = config(&server);

    let first = ingest_api(&store, &cfg, KEY, ts(NOW)).await.unwrap();
    let c = first.counts;
    assert_eq!(c.stored, fake.kept_count(), "{c:?}");
    assert_eq!(c.read, c.stored + c.skipped + c.quarantined + c.unchanged, "{c:?}");
    assert_eq!(c.skipped, 4, "the deleted and spam cases: {c:?}");
    assert_eq!(store.count("tickets").await.unwrap() as usize, fake.kept_count());
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
    assert_eq!(cases[0]["from_updated_time"], (ts(NOW) - 1).to_string(), "a second early: windows overlap on their edge");

    // A case updated since: only it is fetched and stored again.
    let changed = fake.cases.lock().unwrap().iter().find(|c| kept(c)).unwrap()["case_id"].as_i64().unwrap();
    fake.set(changed, "updated_at", json!("Sun, 02 Nov 2025 01:00:00 +0300"));
    fake.set(changed, "rating", json!("low"));
    let third = ingest_api(&store, &cfg, KEY, day_later + 86_400).await.unwrap();
    assert_eq!((third.counts.read, third.counts.stored), (1, 1), "{:?}", third.counts);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagination_edges() {
    for (n, pages) in [(0usize, 1usize), (100, 1), (101, 2), (250, 3)] {
        let fake = FakeOmnidesk::synthetic(n, ts("Mon, 05 May 2025 10:00:00 +0300"));
        let server = fake_server(&fake).await;
        let (_dir, store) = store().await;
        let got = ingest_api(&store, &config(&server), KEY, ts(NOW)).await.unwrap();
        assert_eq!(got.counts.stored, n, "{n} cases");
        let cases = case_requests(&server.received_requests().await.unwrap());
        assert_eq!(cases.len(), pages, "{n} cases should take {pages} pages: {cases:?}");
        assert_eq!(got.list_requests, pages as u64);
        assert!(cases.iter().all(|q| q["limit"] == "100"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_history_costs_one_request_not_a_week_each() {
    // The default start (2010) and cases only in 2025: the first window asks for all of it.
    let fake = FakeOmnidesk::synthetic(3, ts("Mon, 05 May 2025 10:00:00 +0300"));
    let server = fake_server(&fake).await;
    let (_dir, store) = store().await;
    let cfg = OmnideskConfig { start: OmnideskConfig::default().start, ..config(&server) };
    let got = ingest_api(&store, &cfg, KEY, ts(NOW)).await.unwrap();
    assert_eq!(got.counts.stored, 3);
    assert_eq!(case_requests(&server.received_requests().await.unwrap()).len(), 1);
    assert_eq!(got.windows, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_over_50000_cases_is_halved_and_the_next_ones_grow() {
    let fake = FakeOmnidesk { crowded_over: Some(20 * 86_400), ..FakeOmnidesk::demo() };
    let server = fake_server(&fake).await;
    let (_dir, store) = store().await;
    let got = ingest_api(&store, &config(&server), KEY, ts(NOW)).await.unwrap();
    assert_eq!(got.counts.stored, fake.kept_count());
    let spans: Vec<i64> = case_requests(&server.received_requests().await.unwrap())
        .iter()
        .map(|q| q["to_updated_time"].parse::<i64>().unwrap() - q["from_updated_time"].parse::<i64>().unwrap() - 1)
        .collect();
    assert!(spans[0] > 20 * 86_400, "the whole span was asked for first: {spans:?}");
    // Halved until a window fits, then a small window is followed by one twice as long (capped
    // at the end of the range), which is halved again when it does not fit.
    let fitting: Vec<i64> = spans.iter().copied().filter(|&s| s <= 20 * 86_400).collect();
    assert!(!fitting.is_empty());
    assert!(spans.windows(2).any(|w| w[0] <= 20 * 86_400 && w[1] == 2 * w[0]), "a window grew after a small one: {spans:?}");
    assert_eq!(watermark(&store).await.unwrap(), Some(ts(NOW)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_updated_during_the_read_loses_no_other_case() {
    // 250 cases in one window, read in three pages. After page 1 the first case is updated (it
    // leaves the window): every later case moves back one place, so the case that opened page 2
    // would have been on page 1 when page 2 was asked for.
    let first = ts("Mon, 05 May 2025 10:00:00 +0300");
    let fake = FakeOmnidesk::synthetic(250, first);
    let later = ts(NOW) + 3600;
    *fake.move_after_first_page.lock().unwrap() = Some((50_000, later));
    let server = fake_server(&fake).await;
    let (_dir, store) = store().await;
    let got = ingest_api(&store, &config(&server), KEY, ts(NOW)).await.unwrap();
    let ids = stored_ids(&store).await;
    let missing: Vec<i64> = (50_001..50_250).filter(|id| !ids.contains(&format!("omnidesk:{id}"))).collect();
    assert!(missing.is_empty(), "cases lost to the shift: {missing:?} ({:?})", got.counts);
    assert!(got.list_requests > 3, "the window was listed again: {} listing requests", got.list_requests);
    // The case that moved was updated after the run began: the next run reads it.
    let next = ingest_api(&store, &config(&server), KEY, later + 60).await.unwrap();
    assert!(stored_ids(&store).await.contains("omnidesk:50000"), "{:?}", next.counts);
    assert_eq!(store.count("tickets").await.unwrap(), 250);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_on_a_window_edge_is_read_whatever_the_api_does_with_edges() {
    let edge = ts(NOW);
    for (from_in, to_in) in [(true, true), (true, false), (false, true), (false, false)] {
        // One case updated exactly at the end of the first run's window.
        let fake = FakeOmnidesk { edges: Edges { from_in, to_in }, ..FakeOmnidesk::synthetic(1, edge) };
        let server = fake_server(&fake).await;
        let (_dir, store) = store().await;
        ingest_api(&store, &config(&server), KEY, edge).await.unwrap();
        ingest_api(&store, &config(&server), KEY, edge + 86_400).await.unwrap();
        assert_eq!(store.count("tickets").await.unwrap(), 1, "edges in: from {from_in}, to {to_in}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_accounts_rate_headers_set_the_pace() {
    // The account announces 600 a minute (one request per 100 ms) and the client was configured
    // for far more: the announced limit wins.
    let fake = FakeOmnidesk { limit: Some(600), ..FakeOmnidesk::synthetic(8, ts("Mon, 05 May 2025 10:00:00 +0300")) };
    let server = fake_server(&fake).await;
    let (_dir, store) = store().await;
    let started = Instant::now();
    let got = ingest_api(&store, &config(&server), KEY, ts(NOW)).await.unwrap();
    let requests = server.received_requests().await.unwrap().len() as u64;
    assert_eq!(got.counts.stored, 8);
    assert!(requests >= 10, "{requests}");
    // The first request goes at once, the second learns the limit; the rest are 100 ms apart.
    assert!(started.elapsed() >= Duration::from_millis(100 * (requests - 2)), "{:?} for {requests} requests", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_calls_left_and_429_wait_for_retry_after() {
    let fake = FakeOmnidesk::synthetic(5, ts("Mon, 05 May 2025 10:00:00 +0300"));
    let server = fake_server(&fake).await;
    // Labels: the budget is spent (api_calls_left 0, retry_after 1).
    Mock::given(method("GET"))
        .and(path("/api/labels.json"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("rate_limit_per_minute", "6000000")
                .insert_header("api_calls_left", "0")
                .insert_header("retry_after", "1")
                .set_body_json(json!({"total_count": 0})),
        )
        .with_priority(1)
        .mount(&server)
        .await;
    // Then the first page of cases is refused once with 429 and Omnidesk's `retry_after`.
    Mock::given(method("GET"))
        .and(path("/api/cases.json"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry_after", "1").set_body_json(json!({"error": "Too Many Requests"})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    // And a thread is refused once the old way: 403 "Rate limit exceeded".
    Mock::given(method("GET"))
        .and(path("/api/cases/50002/messages.json"))
        .respond_with(ResponseTemplate::new(403).insert_header("retry_after", "1").set_body_json(json!({"error": "Rate limit exceeded"})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let (_dir, store) = store().await;
    let started = Instant::now();
    let got = ingest_api(&store, &config(&server), KEY, ts(NOW)).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(2900), "waited {:?}", started.elapsed());
    assert_eq!(got.counts.stored, 5, "{:?}", got.counts);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_100_labels_and_long_threads_are_read_whole() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/omnidesk-api");
    let labels: Vec<(i64, String)> = (1..=150).map(|i| (i, format!("метка {i}"))).collect();
    let fake = FakeOmnidesk { labels: Arc::new(labels), ..FakeOmnidesk::empty() };
    fake.add_page(&dir, &serde_json::from_str(&std::fs::read_to_string(dir.join("cases.json")).unwrap()).unwrap());
    // Case 90002: a chat of 151 messages, the customer's question first.
    let mut thread = vec![json!({"message_id": 3_000_000, "user_id": 7002, "staff_id": 0, "content": "Сертификат так и не пришёл на почту, что делать?", "content_html": "", "note": false, "sent_via_rule": false, "created_at": "Mon, 03 Nov 2025 14:00:00 +0300"})];
    for i in 1..=150 {
        let staff = i % 2 == 0;
        thread.push(json!({"message_id": 3_000_000 + i, "user_id": if staff { 0 } else { 7002 }, "staff_id": if staff { 5 } else { 0 },
            "content": format!("сообщение {i}"), "content_html": "", "note": false, "sent_via_rule": false, "created_at": "Mon, 03 Nov 2025 14:05:00 +0300"}));
    }
    fake.messages.lock().unwrap().insert(90002, thread);
    let server = fake_server(&fake).await;
    let (_dir, store) = store().await;
    let cfg = OmnideskConfig { start: "2025-11-01T00:00:00+03:00".into(), ..config(&server) };
    let got = ingest_api(&store, &cfg, KEY, ts("Tue, 04 Nov 2025 00:00:00 +0300")).await.unwrap();
    assert_eq!(got.counts.stored, 2, "{:?}", got.counts);
    let (labels,): (String,) = sqlx::query_as("SELECT labels FROM tickets WHERE id = 'omnidesk:90001'").fetch_one(store.pool()).await.unwrap();
    assert_eq!(labels, r#"["метка 140"]"#, "label 140 is on page 2 of labels.json");
    assert_eq!(store.count("messages").await.unwrap(), 3 + 151);
    // `content` empty: the text comes from `content_html`. The rule's auto-reply is the system's.
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT author, body FROM messages WHERE ticket_id = 'omnidesk:90001' ORDER BY position").fetch_all(store.pool()).await.unwrap();
    assert_eq!(rows[0].0, "customer");
    assert!(rows[0].1.contains("код недействителен"), "{rows:?}");
    assert_eq!(rows[1].0, "system", "{rows:?}");
    assert_eq!(rows[2].0, "staff");
    assert!(rows[2].1.contains("без пробелов"), "{rows:?}");
    // The pair: the rule's auto-reply is neither the question nor the answer.
    let pair = kbforge::extract::extract_pair(
        &rows.iter().map(|(a, b)| kbforge::extract::ThreadMessage { author: a.clone(), internal: false, text: b.clone() }).collect::<Vec<_>>(),
    )
    .unwrap();
    assert!(pair.answer.contains("без пробелов") && !pair.answer.contains("зарегистрировано"), "{pair:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thread_gone_since_the_listing_is_counted_and_the_run_goes_on() {
    let fake = FakeOmnidesk::synthetic(5, ts("Mon, 05 May 2025 10:00:00 +0300"));
    fake.gone.lock().unwrap().insert(50_002);
    let server = fake_server(&fake).await;
    let (_dir, store) = store().await;
    let got = ingest_api(&store, &config(&server), KEY, ts(NOW)).await.unwrap();
    assert_eq!((got.counts.stored, got.counts.skipped), (4, 1), "{:?}", got.counts);
    assert_eq!(watermark(&store).await.unwrap(), Some(ts(NOW)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cases_deleted_or_spam_after_they_were_stored_are_forgotten() {
    let fake = FakeOmnidesk::synthetic(4, ts("Mon, 05 May 2025 10:00:00 +0300"));
    let server = fake_server(&fake).await;
    let (dir, store) = store().await;
    ingest_api(&store, &config(&server), KEY, ts(NOW)).await.unwrap();
    assert_eq!(store.count("tickets").await.unwrap(), 4);
    // One is moved to the trash, one marked spam, one deleted for good (its thread is gone).
    let later = ts(NOW) + 3600;
    fake.set(50_000, "deleted", json!(true));
    fake.set(50_000, "updated_at", json!(rfc2822(later)));
    fake.set(50_001, "spam", json!(true));
    fake.set(50_001, "updated_at", json!(rfc2822(later)));
    fake.set(50_002, "updated_at", json!(rfc2822(later)));
    fake.set(50_002, "rating", json!("low"));
    fake.gone.lock().unwrap().insert(50_002);
    let got = ingest_api(&store, &config(&server), KEY, later + 60).await.unwrap();
    assert_eq!(got.forgotten, 3, "{got:?}");
    let report = kbforge::forget::apply(&store, &kbforge::embed::EmbedConfig::default(), &dir.path().join("kb")).await.unwrap();
    assert_eq!(report.tickets, 3);
    assert_eq!(stored_ids(&store).await, HashSet::from(["omnidesk:50003".to_string()]));
    let (messages,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM messages WHERE ticket_id <> 'omnidesk:50003'").fetch_one(store.pool()).await.unwrap();
    assert_eq!(messages, 0);
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
        .filter(|c| kept(c))
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
    assert_eq!(store.count("tickets").await.unwrap() as usize, fake.kept_count());
    assert_eq!(watermark(&store).await.unwrap(), Some(ts(NOW)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_quarantined_and_the_run_goes_on() {
    let fake = FakeOmnidesk::synthetic(120, ts("Mon, 05 May 2025 10:00:00 +0300"));
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
    let got = ingest_api(&store, &config(&server), KEY, ts(NOW)).await.unwrap();
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
