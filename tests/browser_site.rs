//! The help center in a real browser (headless Chromium): open the home page, search with an
//! inflected Russian query, click the result, read the article. The search is Pagefind's, built at
//! publish time with Russian stemming.

use crate::common;

use std::path::PathBuf;

use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::IntoResponse;
use common::webdriver::{chromedriver, Browser};
use kbforge::kb::Article;
use kbforge::publish::site::{self, SiteConfig};

/// A static file server for the built site.
async fn file(State(root): State<PathBuf>, uri: Uri) -> axum::response::Response {
    let rel = uri.path().trim_start_matches('/');
    let rel = if rel.is_empty() { "index.html" } else { rel };
    if rel.split('/').any(|part| part == "..") {
        return StatusCode::BAD_REQUEST.into_response();
    }
    let path = root.join(rel);
    let Ok(bytes) = std::fs::read(&path) else { return StatusCode::NOT_FOUND.into_response() };
    let kind = match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    };
    ([(header::CONTENT_TYPE, kind)], bytes).into_response()
}

/// The built site in `dir` on a free loopback port; its base URL.
async fn serve_site(dir: PathBuf) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(file).with_state(dir);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

fn article(id: &str, title: &str, topic: &str, body: &str) -> Article {
    let text = format!("---\nid: {id}\ntitle: \"{title}\"\nstatus: approved\ntopic: {topic}\ntickets: 5\n---\n\n{body}\n");
    Article::parse(std::path::Path::new(&format!("{id}.md")), &text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_finds_an_article_with_an_inflected_query() {
    let Some(driver) = chromedriver() else { return };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let articles = vec![
        // "сертификат" only in its base form: the query below is inflected.
        article("aktivatsiya", "Нужно ли активировать сертификат?", "активация", "Нет: сертификат готов к оплате сразу после покупки. Покажите его на кассе."),
        article("oplata", "Как оплатить заказ картой?", "оплата", "Оплата картой МИР или через СБП, комиссии нет."),
    ];
    let config = SiteConfig { title: "Центр помощи".into(), language: "ru".into(), ..SiteConfig::default() };
    let mut pages = site::build_pages(&articles, &config).unwrap();
    pages.extend(site::search_index(&pages, "ru").await.unwrap());
    site::write_site(&root.join("site"), &pages).unwrap();

    let base = serve_site(root.join("site")).await;

    let browser = Browser::start(driver).await;
    browser.goto(&format!("{base}/index.html")).await;
    browser.type_into(".pagefind-ui__search-input", "сертификата").await;
    browser.wait_text(".pagefind-ui__results", "Нужно ли активировать сертификат?").await;
    let results = browser.text(".pagefind-ui__results").await;
    assert!(!results.contains("Как оплатить заказ картой?"), "an unrelated article matched: {results}");
    browser.click(".pagefind-ui__result-link").await;
    browser.wait_text("h1", "Нужно ли активировать сертификат?").await;
    assert!(browser.url().await.ends_with("/articles/aktivatsiya.html"), "{}", browser.url().await);
    assert!(browser.text("article").await.contains("готов к оплате сразу после покупки"));
    // From the article, the header's box searches again: Enter takes the query to the home page.
    browser.type_into(".find input", "оплатить картой\u{E007}").await;
    browser.wait_text(".pagefind-ui__results", "Как оплатить заказ картой?").await;
    assert!(browser.url().await.contains("index.html?q="), "{}", browser.url().await);
    browser.close().await;
}

/// "Was this helpful?" in a real browser: the help center (one origin) posts the vote to `kbforge
/// serve` (another), the reader is thanked, the vote is stored without the reader's address, and
/// the page remembers it. A site without `feedback-url` asks nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_votes_on_an_article() {
    let articles = vec![
        article("aktivatsiya", "Нужно ли активировать сертификат?", "активация", "Нет: сертификат готов к оплате сразу после покупки."),
        article("oplata", "Как оплатить заказ картой?", "оплата", "Оплата картой МИР или через СБП, комиссии нет."),
    ];
    // Without a feedback URL the site stays static: no question, no script.
    let plain = site::build_pages(&articles, &SiteConfig::default()).unwrap();
    assert!(plain.iter().all(|p| !p.path.to_string_lossy().contains("vote") && !String::from_utf8_lossy(&p.content).contains("class=\"vote\"")));

    let Some(driver) = chromedriver() else { return };
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::write(ws.join("kbforge.toml"), "[site]\nlanguage = \"ru\"\n").unwrap();
    std::fs::create_dir_all(ws.join("kb")).unwrap();
    for a in &articles {
        std::fs::write(ws.join("kb").join(format!("{}.md", a.front.id)), format!("---\nid: {}\ntitle: \"{}\"\nstatus: approved\ntopic: {}\n---\n\n{}\n", a.front.id, a.front.title, a.front.topic, a.body)).unwrap();
    }
    let store = kbforge::store::Store::open(&format!("sqlite://{}", ws.join("store.sqlite").display())).await.unwrap();
    let service = common::start_app(ws, store.clone()).await;

    let config = SiteConfig { title: "Центр помощи".into(), language: "ru".into(), feedback_url: service.clone(), ..SiteConfig::default() };
    let pages = site::build_pages(&articles, &config).unwrap();
    site::write_site(&ws.join("site"), &pages).unwrap();
    let base = serve_site(ws.join("site")).await;

    let browser = Browser::start(driver).await;
    browser.goto(&format!("{base}/articles/aktivatsiya.html")).await;
    browser.wait_text(".vote h2", "Статья помогла?").await;
    browser.click(".vote button[value=no]").await;
    browser.wait_text(".vote-thanks", "Спасибо").await;
    let votes: Vec<(String, i64)> = sqlx::query_as("SELECT article_id, helpful FROM votes").fetch_all(store.pool()).await.unwrap();
    assert_eq!(votes, [("aktivatsiya".to_string(), 0)]);
    let columns: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info('votes')").fetch_all(store.pool()).await.unwrap();
    assert!(columns.iter().all(|(c,)| !c.contains("addr") && !c.contains("ip")), "{columns:?}");
    // The page remembers the vote; the buttons are gone.
    browser.goto(&format!("{base}/articles/aktivatsiya.html")).await;
    browser.wait_text(".vote-thanks", "Спасибо").await;
    assert_eq!(browser.eval("return document.querySelector('.vote-buttons').hidden").await, serde_json::json!(true));
    browser.close().await;

    // Not trusted: the same address on the same article counts once; an unknown article is refused.
    let http = reqwest::Client::new();
    let vote = |article: &'static str| http.post(format!("{service}/api/vote")).form(&[("article", article), ("helpful", "yes")]).send();
    let again: serde_json::Value = vote("aktivatsiya").await.unwrap().json().await.unwrap();
    assert_eq!(again["counted"], false);
    assert_eq!(vote("no-such-article").await.unwrap().status(), 404);
    let first = vote("oplata").await.unwrap();
    assert_eq!(first.headers()["access-control-allow-origin"], "*");
    assert_eq!(first.json::<serde_json::Value>().await.unwrap()["counted"], true);
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM votes").fetch_one(store.pool()).await.unwrap();
    assert_eq!(n, 2);
}

/// axe-core (vendored from npm, `tests/fixtures/axe/`) on every kind of page of the help center:
/// home, category, article and 404, each with no serious or critical violation; then the same
/// pages at a phone's width (375 px) scroll only down, never sideways, and a screenshot of each is
/// kept in `target/screenshots/` for a person to look at.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_page_passes_axe_and_fits_a_phone() {
    let Some(driver) = chromedriver() else { return };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let long = "Сертификат можно использовать в любом магазине сети, на кассе или на сайте. ".repeat(8);
    let articles = vec![
        article("aktivatsiya", "Нужно ли активировать сертификат?", "активация", &format!("Нет: сертификат готов к оплате сразу после покупки.\n\n## На кассе\n\n{long}\n\n| Способ | Срок |\n|---|---|\n| Почта | 5 минут |\n| Telegram | сразу |\n\n- Покажите код\n- Назовите ПИН")),
        article("oplata", "Как оплатить заказ картой?", "оплата", "Оплата картой МИР или через СБП, комиссии нет. Подробнее: https://example.com/pay/very/long/path/that/should/wrap/on/a/phone/screen/without/scrolling"),
        article("balans", "Как проверить баланс сертификата?", "активация", "Баланс виден на странице сертификата."),
    ];
    let config = SiteConfig { title: "Центр помощи ПодарокПлюс".into(), language: "ru".into(), contact_url: "https://example.com/support".into(), feedback_url: "http://127.0.0.1:9".into(), ..SiteConfig::default() };
    let mut pages = site::build_pages(&articles, &config).unwrap();
    pages.extend(site::search_index(&pages, "ru").await.unwrap());
    site::write_site(&root.join("site"), &pages).unwrap();
    let base = serve_site(root.join("site")).await;

    let axe = std::fs::read_to_string(common::fixture("axe/axe.min.js")).unwrap();
    let urls = [
        ("home", format!("{base}/index.html")),
        ("category", format!("{base}/categories/aktivatsiya.html")),
        ("article", format!("{base}/articles/aktivatsiya.html")),
        ("404", format!("{base}/404.html")),
    ];
    let browser = Browser::start(driver).await;
    let mut found = Vec::new();
    for (kind, url) in &urls {
        browser.goto(url).await;
        browser.find("main").await;
        let script = format!(
            "{axe}\nconst done = arguments[arguments.length - 1];\naxe.run(document, {{ resultTypes: ['violations'] }}).then(r => done(r.violations.map(v => ({{ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) }})))).catch(e => done([{{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }}]));"
        );
        let violations = browser.eval_async(&script).await;
        for v in violations.as_array().unwrap() {
            if matches!(v["impact"].as_str(), Some("serious" | "critical")) {
                found.push(format!("{kind}: {} ({}) at {}", v["id"], v["help"], v["nodes"]));
            }
        }
    }
    assert!(found.is_empty(), "axe found serious or critical violations:\n{}", found.join("\n"));

    // A phone: 375 CSS pixels wide.
    browser.resize(375, 812).await;
    let shots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    for (kind, url) in &urls {
        browser.goto(url).await;
        browser.find("main").await;
        let widths = browser.eval("return [document.documentElement.scrollWidth, window.innerWidth]").await;
        let (scroll, inner) = (widths[0].as_u64().unwrap(), widths[1].as_u64().unwrap());
        assert!(inner <= 400, "the window did not shrink: {inner}");
        assert!(scroll <= inner, "{kind} scrolls sideways on a phone: {scroll} px of content in {inner} px");
        let png = browser.screenshot().await;
        assert_eq!(&png[1..4], b"PNG");
        let width = u32::from_be_bytes([png[16], png[17], png[18], png[19]]);
        assert!(width <= 400 * 3, "{kind}: a {width} px wide screenshot");
        std::fs::write(shots.join(format!("help-center-{kind}-375.png")), &png).unwrap();
    }
    browser.close().await;
}

/// One site per language: an English reader on `/en/` searches the English articles with English
/// stemming, never sees a Russian one, and the language switch leads to the Russian translation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_english_reader_gets_an_english_site() {
    let Some(driver) = chromedriver() else { return };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let mut en = article("redeem", "How do I redeem a gift certificate?", "redeeming", "Show the certificate's code at the checkout; the cashier scans it.");
    en.front.extra.insert("translation_of".into(), serde_yaml::Value::String("aktivatsiya".into()));
    let articles = vec![
        article("aktivatsiya", "Как воспользоваться сертификатом в магазине?", "активация", "Покажите код сертификата на кассе."),
        article("oplata", "Как оплатить заказ картой?", "оплата", "Оплата картой МИР или через СБП."),
        en,
    ];
    let config = SiteConfig { title: "Центр помощи".into(), language: "ru".into(), ..SiteConfig::default() };
    let mut pages = site::build_pages(&articles, &config).unwrap();
    pages.extend(site::search_indexes(&pages, &config).await.unwrap());
    site::write_site(&root.join("site"), &pages).unwrap();
    let base = serve_site(root.join("site")).await;

    let browser = Browser::start(driver).await;
    browser.goto(&format!("{base}/index.html")).await;
    let home = browser.text("main").await;
    assert!(home.contains("Как оплатить заказ картой?") && !home.contains("How do I redeem"), "{home}");
    browser.goto(&format!("{base}/en/index.html")).await;
    browser.wait_text("h1", "How can we help?").await;
    browser.type_into(".pagefind-ui__search-input", "redeeming").await;
    browser.wait_text(".pagefind-ui__results", "How do I redeem a gift certificate?").await;
    assert!(!browser.text(".pagefind-ui__results").await.contains("Как"), "a Russian article in the English search");
    browser.click(".pagefind-ui__result-link").await;
    browser.wait_text("h1", "How do I redeem a gift certificate?").await;
    assert!(browser.url().await.ends_with("/en/articles/redeem.html"));
    browser.click(".langs a[hreflang=ru]").await;
    browser.wait_text("h1", "Как воспользоваться сертификатом в магазине?").await;
    assert!(browser.url().await.ends_with("/articles/aktivatsiya.html"), "{}", browser.url().await);
    browser.close().await;
}
