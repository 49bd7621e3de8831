//! The loop the source deck ran by hand, end to end, on SQLite and on Postgres: a scripted bot
//! searches through `/api/search`, an operator's verdicts come back through `/api/feedback` (correct,
//! edited, wrong, or nothing), some questions find no article; `kbforge report` shows the seven
//! numbers per topic and route, the worst article and the gaps from the bot's side; `kbforge
//! routing suggest` proposes the routes the ratings call for, `routing apply` writes them, and the
//! running server routes by them on its next search. The review app shows an article's ratings.

use crate::common;

use std::collections::BTreeMap;

use common::{kbforge, ok};
use serde_json::{json, Value};

const TOKEN_ENV: &str = "KBFORGE_FEEDBACK_LOOP_TOKEN";
const TOKEN: &str = "bot-token-3f9a";

/// Four articles, one topic each.
const ARTICLES: &[(&str, &str, &str, &str)] = &[
    ("balans", "баланс", "Как проверить баланс сертификата?", "Баланс виден на странице сертификата по ссылке из письма: откройте письмо и нажмите «Проверить баланс»."),
    ("doplata", "доплата", "Можно ли доплатить, если покупка дороже сертификата?", "Да: разницу оплачивают на кассе картой или наличными, сертификат спишется на свою сумму."),
    ("vozvrat", "возврат", "Можно ли вернуть деньги за сертификат?", "Неиспользованный сертификат возвращают в течение 14 дней по заявлению через форму на сайте."),
    ("dostavka", "доставка", "Когда сертификат придёт на почту?", "Письмо с сертификатом приходит в течение пяти минут после оплаты; проверьте папку «Спам»."),
];

/// How the operator rates the answers of each topic: correct, edited, wrong (in that order, then
/// repeating), and how many answered searches the topic gets.
fn plan(topic: &str) -> (Vec<&'static str>, usize) {
    let cycle = |c: usize, e: usize, w: usize| [vec!["correct"; c], vec!["edited"; e], vec!["wrong"; w]].concat();
    match topic {
        "баланс" => (cycle(1, 0, 0), 32),                // 100% correct: answer
        "доплата" => (cycle(5, 1, 2), 32),               // 62.5%: suggest
        "возврат" => (cycle(1, 1, 6), 32),               // 12.5%: handoff
        "доставка" => (cycle(1, 0, 0), 6),                // too few ratings: suggest
        _ => unreachable!(),
    }
}

fn workspace(store_url: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    std::fs::create_dir_all(&kb).unwrap();
    for (id, topic, title, body) in ARTICLES {
        std::fs::write(
            kb.join(format!("{id}.md")),
            format!("---\nid: {id}\ntitle: \"{title}\"\nstatus: approved\naudience: public\ntopic: {topic}\n---\n\n{body}\n"),
        )
        .unwrap();
    }
    let store = store_url.map(|u| format!("[store]\nurl = \"{u}\"\n\n")).unwrap_or_default();
    std::fs::write(
        dir.path().join("kbforge.toml"),
        format!("{store}# The desk's own settings stay as they are when routes are applied.\n[serve]\napi-token-env = \"{TOKEN_ENV}\"\n\n[routing]\nanswer-similarity = 0.9\n"),
    )
    .unwrap();
    ok(kbforge(dir.path(), &["publish", "index"]));
    dir
}

async fn search(http: &reqwest::Client, base: &str, query: &str) -> Value {
    let r = http.post(format!("{base}/api/search")).json(&json!({ "query": query })).send().await.unwrap();
    let status = r.status();
    let body: Value = r.json().await.unwrap();
    assert_eq!(status, 200, "{query}: {body}");
    body
}

async fn rate(http: &reqwest::Client, base: &str, body: Value) -> (u16, Value) {
    let r = http.post(format!("{base}/api/feedback")).bearer_auth(TOKEN).json(&body).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// The seven numbers as the report's JSON holds them.
fn seven(v: &Value) -> [u64; 7] {
    ["sent", "answered", "not_answered", "correct", "edited", "wrong", "unrated"].map(|k| v[k].as_u64().unwrap_or_else(|| panic!("no {k} in {v}")))
}

#[derive(Default, Debug, Clone, Copy, PartialEq)]
struct Tally([u64; 7]);

impl Tally {
    fn add(&mut self, answered: bool, rating: Option<&str>) {
        self.0[0] += 1;
        if !answered {
            self.0[2] += 1;
            return;
        }
        self.0[1] += 1;
        match rating {
            Some("correct") => self.0[3] += 1,
            Some("edited") => self.0[4] += 1,
            Some("wrong") => self.0[5] += 1,
            _ => self.0[6] += 1,
        }
    }
}

async fn the_loop(store_url: Option<&str>) {
    std::env::set_var(TOKEN_ENV, TOKEN);
    let dir = workspace(store_url);
    let ws = dir.path();
    let url = kbforge::workspace::Workspace::discover(ws).unwrap().store_url();
    let store = kbforge::store::Store::open(&url).await.unwrap();
    let base = common::start_app(ws, store.clone()).await;
    let http = reqwest::Client::new();

    // Without the token, no rating is taken; a bad one is refused with a reason.
    let r = http.post(format!("{base}/api/feedback")).json(&json!({"query": "x", "rating": "correct"})).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(rate(&http, &base, json!({"query": "x", "rating": "great"})).await.0, 400);
    assert_eq!(rate(&http, &base, json!({"rating": "correct"})).await.0, 400);
    assert_eq!(rate(&http, &base, json!({"search_id": "no-such-search", "rating": "correct"})).await.0, 404);

    let mut overall = Tally::default();
    let mut topics: BTreeMap<String, Tally> = BTreeMap::new();
    let mut routes: BTreeMap<String, Tally> = BTreeMap::new();
    let mut record = |topic: &str, route: &str, rating: Option<&str>| {
        let answered = matches!(route, "answer" | "suggest");
        overall.add(answered, rating);
        topics.entry(topic.to_string()).or_default().add(answered, rating);
        routes.entry(route.to_string()).or_default().add(answered, rating);
    };

    // The bot asks each topic's question; the operator rates per the plan.
    for (id, topic, title, _) in ARTICLES {
        let (ratings, n) = plan(topic);
        for i in 0..n {
            let hit = search(&http, &base, title).await;
            assert_eq!(hit["route"], "answer", "{hit:#}");
            assert_eq!(hit["hits"][0]["article_id"], *id);
            assert_eq!(hit["topic"], *topic);
            let rating = ratings[i % ratings.len()];
            let (status, body) = rate(&http, &base, json!({"search_id": hit["search_id"], "rating": rating, "operator": "anna", "ticket_id": format!("omnidesk:{i}")})).await;
            assert_eq!(status, 201, "{body}");
            record(topic, "answer", Some(rating));
        }
    }
    // Answers shown and never rated: the control.
    for _ in 0..4 {
        let hit = search(&http, &base, "Как проверить баланс сертификата?").await;
        record("баланс", hit["route"].as_str().unwrap(), None);
    }
    // A greeting gets a clarifying question; questions nothing answers are misses.
    let hello = search(&http, &base, "Здравствуйте!").await;
    assert_eq!(hello["route"], "clarify");
    record(hello["topic"].as_str().filter(|t| !t.is_empty()).unwrap_or("(без темы)"), "clarify", None);
    let misses = [
        "Можно ли купить сто сертификатов сотрудникам компании по безналу со счётом для юрлица?",
        "Корпоративный заказ сертификатов для сотрудников: нужен счёт на организацию",
        "Хотим оформить сертификаты для персонала оптом, как выставить счёт юрлицу?",
        "Работаете ли вы с маркетплейсами, можно купить сертификат на Wildberries?",
        "Продаётся ли ваш сертификат на Озоне или Wildberries?",
    ];
    for q in misses {
        let hit = search(&http, &base, q).await;
        assert_eq!(hit["route"], "handoff", "{q}: {hit:#}");
        let topic = hit["topic"].as_str().filter(|t| !t.is_empty()).unwrap_or("(без темы)").to_string();
        record(&topic, "handoff", None);
    }
    // A search with personal data is stored redacted.
    let pii = search(&http, &base, "Как проверить баланс сертификата? Мой телефон +7 912 345-67-89, почта ivan.petrov@mail.ru").await;
    record(pii["topic"].as_str().unwrap(), pii["route"].as_str().unwrap(), None);
    let (stored,): (String,) = sqlx::query_as("SELECT query FROM searches WHERE id = $1").bind(pii["search_id"].as_str().unwrap()).fetch_one(store.pool()).await.unwrap();
    assert!(!stored.contains("345") && !stored.contains("ivan.petrov"), "{stored}");
    assert!(stored.contains("баланс"), "{stored}");
    // A rating without a search: the copilot names the article; its query is redacted too.
    let (status, _) = rate(&http, &base, json!({"query": "Верните деньги, мой email olga.s@example.org", "article_id": "vozvrat", "rating": "wrong"})).await;
    assert_eq!(status, 201);
    record("возврат", "answer", Some("wrong"));
    let (stored,): (String,) = sqlx::query_as("SELECT query FROM feedback WHERE search_id = '' ORDER BY id DESC LIMIT 1").fetch_one(store.pool()).await.unwrap();
    assert!(!stored.contains("olga.s@example.org") && stored.contains("Верните деньги"), "{stored}");

    // The report: the seven numbers overall, per topic and per route; the worst article; the gaps.
    let report: Value = serde_json::from_str(&ok(kbforge(ws, &["report", "--json"]))).unwrap();
    let bot = &report["bot"];
    assert_eq!(seven(&bot["overall"]), overall.0, "{:#}", bot["overall"]);
    for g in bot["topics"].as_array().unwrap() {
        let name = g["name"].as_str().unwrap();
        assert_eq!(seven(&g["numbers"]), topics.get(name).unwrap_or_else(|| panic!("unexpected topic {name}")).0, "topic {name}");
    }
    assert_eq!(bot["topics"].as_array().unwrap().len(), topics.len());
    for g in bot["routes"].as_array().unwrap() {
        let name = g["name"].as_str().unwrap();
        assert_eq!(seven(&g["numbers"]), routes[name].0, "route {name}");
    }
    assert_eq!(bot["worst"][0]["article_id"], "vozvrat", "{:#}", bot["worst"]);
    assert_eq!(bot["worst"][0]["wrong"], 25);
    let latest = bot["worst"][0]["queries"][0].as_str().unwrap();
    assert!(latest.starts_with("Верните деньги") && !latest.contains('@'), "{latest}");
    assert_eq!(bot["misses"], misses.len() as u64, "{bot:#}");
    let gaps = bot["gaps"].as_array().unwrap();
    let in_gaps: u64 = gaps.iter().map(|g| g["searches"].as_u64().unwrap()).sum();
    assert_eq!(in_gaps, misses.len() as u64, "every miss is in a gap: {gaps:#?}");
    // The three corporate questions are one gap, the largest.
    assert_eq!(gaps[0]["searches"], 3, "{gaps:#?}");
    assert!(gaps[0]["queries"].as_array().unwrap().iter().all(|q| q.as_str().unwrap().contains("сотрудник") || q.as_str().unwrap().contains("юрлиц")), "{gaps:#?}");
    let terminal = ok(kbforge(ws, &["report"]));
    assert!(terminal.contains("gaps from the bot's side: 5 questions") && terminal.contains("/articles/vozvrat"), "{terminal}");
    let html_path = ws.join("report.html");
    ok(kbforge(ws, &["report", "--html", html_path.to_str().unwrap()]));
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.contains("<a href=\"/articles/vozvrat\">Можно ли вернуть деньги за сертификат?</a>"), "the worst article links into the review app");
    assert!(html.contains("Пробелы со стороны бота: 5 вопросов"));

    // Learned routing: proposed, not applied, until `apply`.
    let proposed: Value = serde_json::from_str(&ok(kbforge(ws, &["routing", "suggest", "--json"]))).unwrap();
    let got: BTreeMap<&str, &str> = proposed.as_array().unwrap().iter().map(|p| (p["topic"].as_str().unwrap(), p["route"].as_str().unwrap())).collect();
    let expected = BTreeMap::from([("баланс", "answer"), ("доплата", "suggest"), ("возврат", "handoff"), ("доставка", "suggest")]);
    assert_eq!(got, expected, "{proposed:#}");
    assert_eq!(search(&http, &base, "Можно ли вернуть деньги за сертификат?").await["route"], "answer", "suggest changed nothing");
    let applied = ok(kbforge(ws, &["routing", "apply"]));
    assert!(applied.contains("4 routes written"), "{applied}");
    let config = std::fs::read_to_string(ws.join("kbforge.toml")).unwrap();
    assert!(config.contains("# The desk's own settings stay") && config.contains("answer-similarity = 0.9"), "{config}");
    // The running server routes by them on its next search.
    for (id, topic, title, _) in ARTICLES {
        let hit = search(&http, &base, title).await;
        assert_eq!(hit["route"], expected[topic], "{id}: {hit:#}");
        assert_eq!(hit["hits"][0]["article_id"], *id, "the hits stay; only the route changes");
    }

    // The review app: the article's ratings and the queries it answered wrongly.
    kbforge::review::users::add(&store, "maria", "maria-password", kbforge::review::users::Role::Editor, false).await.unwrap();
    let page = review_page(&base, "/articles/vozvrat").await;
    assert!(page.contains("неверно: 25"), "{page}");
    assert!(page.contains("Верните деньги, мой email") && !page.contains("olga.s@"), "{page}");

    // Retention: rows older than `[feedback] retention-days` go.
    sqlx::query("UPDATE searches SET created_at = '2020-01-01T00:00:00Z' WHERE id = $1").bind(hello["search_id"].as_str().unwrap()).execute(store.pool()).await.unwrap();
    let pruned = ok(kbforge(ws, &["feedback", "prune"]));
    assert!(pruned.contains("deleted 1 searches, 0 ratings and 0 votes older than 365 days"), "{pruned}");
}

/// A page of the review app, logged in as maria.
async fn review_page(base: &str, path: &str) -> String {
    let (http, cookie) = common::login(base, "maria", "maria-password").await;
    let r = http.get(format!("{base}{path}")).header("cookie", cookie).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loop_on_sqlite() {
    the_loop(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loop_on_postgres() {
    let Some((url, admin, schema)) = common::postgres_schema("feedback_loop").await else { return };
    the_loop(Some(&url)).await;
    common::drop_postgres_schema(&admin, &schema).await;
}

/// Acknowledged means committed: ratings posted by many clients at once are all there, each once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_ratings_are_all_stored() {
    std::env::set_var(TOKEN_ENV, TOKEN);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kbforge.toml"), format!("[serve]\napi-token-env = \"{TOKEN_ENV}\"\n")).unwrap();
    let store = kbforge::store::Store::open(&format!("sqlite://{}", dir.path().join("s.sqlite").display())).await.unwrap();
    let base = common::start_app(dir.path(), store.clone()).await;
    let http = reqwest::Client::new();
    let mut tasks = Vec::new();
    for c in 0..16 {
        let (http, base) = (http.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..50 {
                let (status, _) = rate(&http, &base, json!({"query": format!("вопрос {c}-{i}"), "rating": "correct"})).await;
                assert_eq!(status, 201);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let (n, distinct): (i64, i64) = sqlx::query_as("SELECT COUNT(*), COUNT(DISTINCT query) FROM feedback").fetch_one(store.pool()).await.unwrap();
    assert_eq!((n, distinct), (800, 800));
}

/// `kill -9` of `kbforge serve` while operators' ratings pour in: every rating the server
/// acknowledged is in the store (the bench `feedback_api` does the same at full load).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_no_acknowledged_rating() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kbforge.toml"), format!("[serve]\napi-token-env = \"{TOKEN_ENV}\"\n")).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kbforge"))
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .current_dir(dir.path())
        .env(TOKEN_ENV, TOKEN)
        .env_remove("DATABASE_URL")
        .env("KBFORGE_LOG", "kbforge=warn")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build().unwrap();
    let up = std::time::Instant::now();
    while http.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(up.elapsed().as_secs() < 20, "kbforge serve did not start");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut clients = Vec::new();
    for c in 0..8 {
        let (http, base, stop) = (http.clone(), base.clone(), stop.clone());
        clients.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let ticket = format!("t:{c}:{i}");
                let r = http.post(format!("{base}/api/feedback")).bearer_auth(TOKEN).json(&json!({"query": "Где мой сертификат?", "ticket_id": ticket, "rating": "wrong"})).send().await;
                match r {
                    Ok(r) if r.status() == 201 => acked.push(ticket),
                    Ok(r) => panic!("{}", r.status()),
                    Err(_) => break, // the server is gone
                }
                i += 1;
            }
            acked
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut acked = Vec::new();
    for c in clients {
        acked.extend(c.await.unwrap());
    }
    assert!(acked.len() > 100, "only {} ratings acknowledged before the kill", acked.len());
    let store = kbforge::store::Store::open(&format!("sqlite://{}", dir.path().join(".kbforge/kbforge.sqlite").display())).await.unwrap();
    let stored: std::collections::HashSet<String> =
        sqlx::query_as::<_, (String,)>("SELECT ticket_id FROM feedback").fetch_all(store.pool()).await.unwrap().into_iter().map(|(t,)| t).collect();
    let lost: Vec<&String> = acked.iter().filter(|t| !stored.contains(*t)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged ratings lost: {:?}", lost.len(), acked.len(), &lost[..lost.len().min(5)]);
}
