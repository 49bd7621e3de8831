//! The review app over real HTTP: login, sessions, CSRF, roles, the draft page (sources redacted and
//! escaped, regulation excerpts, similar articles), actions that edit the knowledge base, proposals
//! with diffs, merge, live preview, both languages. Runs on SQLite and on the local Postgres.

use crate::common;

use std::path::Path;

use kbforge::kb::{self, Status};
use kbforge::review::{revisions, users};
use kbforge::store::Store;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;

const CONFIG: &str = "[store]\nurl = \"sqlite://store.sqlite\"\n[site]\ntitle = \"Центр помощи\"\nlanguage = \"ru\"\n";

fn write_kb(dir: &Path) {
    let kb = dir.join("kb");
    std::fs::create_dir_all(&kb).unwrap();
    std::fs::write(
        kb.join("balans.md"),
        "---\nid: balans\ntitle: Как проверить баланс сертификата?\nstatus: draft\ntopic: баланс\ncluster: c-1\nsources:\n- t:1\n- t:2\ntickets: 12\nalso_asked:\n- где посмотреть остаток\n---\n\nБаланс виден на странице сертификата.\n",
    )
    .unwrap();
    std::fs::write(
        kb.join("balans-2.md"),
        "---\nid: balans-2\ntitle: Сколько денег осталось на сертификате?\nstatus: draft\ntopic: баланс\ncluster: c-2\nsources:\n- t:3\ntickets: 4\n---\n\nОстаток показан на странице сертификата.\n",
    )
    .unwrap();
    std::fs::write(
        kb.join("srok.md"),
        "---\nid: srok\ntitle: Какой срок действия у сертификата?\nstatus: published\ntopic: срок\n---\n\nГод с покупки.\n",
    )
    .unwrap();
}

async fn seed(store: &Store) {
    for (id, q, a) in [
        ("t:1", "Как проверить баланс? <script>alert('xss')</script> мой номер [PHONE]", "Баланс виден на странице сертификата."),
        ("t:2", "где посмотреть остаток на карте", "Остаток виден на странице сертификата."),
        ("t:3", "сколько денег осталось", "Остаток показан на странице."),
    ] {
        common::seed_qa(store, id, q, a).await;
    }
    sqlx::query("INSERT INTO regulations (id, title, body, content_hash, updated_at) VALUES ($1, $2, $3, '', '')")
        .bind("balance.md")
        .bind("Регламент: баланс")
        .bind("# Баланс\n\nОператор проверяет баланс сертификата в админке, раздел «Сертификаты». Клиенту баланс **не диктуем** по телефону.\n\n# Возвраты\n\nВозврат оформляется в CRM.")
        .execute(store.pool())
        .await
        .unwrap();
    users::add(store, "maria", "maria-password", users::Role::Admin, false).await.unwrap();
    users::add(store, "ivan", "ivan-password", users::Role::Editor, false).await.unwrap();
}

struct Client {
    base: String,
    http: reqwest::Client,
    cookies: Vec<(String, String)>,
}

impl Client {
    fn new(base: &str) -> Client {
        Client { base: base.to_string(), http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(), cookies: Vec::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    fn keep_cookies(&mut self, r: &reqwest::Response) {
        for v in r.headers().get_all(SET_COOKIE) {
            let v = v.to_str().unwrap();
            assert!(v.contains("HttpOnly") && v.contains("SameSite=Strict"), "cookie without protection: {v}");
            let (pair, _) = v.split_once(';').unwrap();
            let (k, val) = pair.split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            if !val.is_empty() {
                self.cookies.push((k.to_string(), val.to_string()));
            }
        }
    }

    async fn get(&mut self, path: &str) -> (StatusCode, String, Option<String>) {
        let r = self.http.get(format!("{}{path}", self.base)).header(COOKIE, self.cookie_header()).send().await.unwrap();
        self.keep_cookies(&r);
        let location = r.headers().get(LOCATION).map(|l| l.to_str().unwrap().to_string());
        (r.status(), r.text().await.unwrap(), location)
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String, Option<String>) {
        let r = self.http.post(format!("{}{path}", self.base)).header(COOKIE, self.cookie_header()).form(form).send().await.unwrap();
        self.keep_cookies(&r);
        let location = r.headers().get(LOCATION).map(|l| l.to_str().unwrap().to_string());
        (r.status(), r.text().await.unwrap(), location)
    }

    async fn login(&mut self, name: &str, password: &str) -> StatusCode {
        let (_, page, _) = self.get("/login").await;
        let token = hidden(&page, "csrf");
        self.post("/login", &[("name", name), ("password", password), ("csrf", &token), ("next", "/articles")]).await.0
    }

    async fn csrf(&mut self) -> String {
        let (_, page, _) = self.get("/articles").await;
        let start = page.find("name=\"csrf-token\" content=\"").expect("csrf meta") + 27;
        page[start..start + 64].to_string()
    }
}

fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no hidden `{name}` in {page}")) + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

async fn scenario(store: Store) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kbforge.toml"), CONFIG).unwrap();
    write_kb(dir.path());
    seed(&store).await;
    let kb_dir = dir.path().join("kb");
    let base = common::start_app(dir.path(), store.clone()).await;
    let mut c = Client::new(&base);

    // Health, and no page without logging in.
    assert_eq!(c.get("/healthz").await.0, StatusCode::OK);
    let (status, _, location) = c.get("/articles?state=draft").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/login?next=/articles%3Fstate%3Ddraft"));

    // Wrong password, missing login token, then the right one.
    assert_eq!(c.login("maria", "wrong-password").await, StatusCode::UNAUTHORIZED);
    let (status, _, _) = c.post("/login", &[("name", "maria"), ("password", "maria-password"), ("csrf", "forged")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(c.login("maria", "maria-password").await, StatusCode::SEE_OTHER);
    assert!(c.cookies.iter().any(|(k, _)| k == "kbf_session"));

    // Drafts by ticket volume.
    let (status, list, _) = c.get("/articles").await;
    assert_eq!(status, StatusCode::OK);
    let first = list.find("Как проверить баланс сертификата?").expect("draft listed");
    let second = list.find("Сколько денег осталось на сертификате?").expect("second draft listed");
    assert!(first < second, "drafts are not ordered by tickets");
    assert!(!list.contains("Какой срок действия"), "a published article is listed among drafts");
    let (_, by_topic, _) = c.get("/articles?state=all&topic=%D1%81%D1%80%D0%BE%D0%BA").await;
    assert!(by_topic.contains("Какой срок действия") && !by_topic.contains("Как проверить баланс"));

    // The draft page: preview, redacted and escaped sources, regulation excerpt, similar article.
    let (status, page, _) = c.get("/articles/balans").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<p>Баланс виден на странице сертификата.</p>"), "no rendered preview");
    assert!(page.contains("t:1") && page.contains("[PHONE]"));
    assert!(!page.contains("<script>alert"), "ticket text reached the page unescaped");
    assert!(page.contains("&lt;script&gt;"), "ticket text not shown escaped");
    assert!(page.contains("Оператор проверяет баланс сертификата в админке"), "no regulation excerpt");
    // Regulations are Markdown, and read so: emphasis and the heading the paragraph is under.
    assert!(page.contains("<strong>не диктуем</strong>") && page.contains("<p class=\"excerpt-heading\">Баланс</p>"), "the excerpt is not rendered: {page}");
    assert!(!page.contains("Возврат оформляется в CRM"), "an irrelevant excerpt was attached");
    assert!(page.contains("/articles/balans-2"), "the similar draft is not shown");

    // Actions need the session's CSRF token.
    let csrf = c.csrf().await;
    let (status, _, _) = c.post("/articles/balans/status", &[("to", "approved"), ("csrf", "forged")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(kb::find(&kb_dir, "balans").unwrap().front.status, Status::Draft);
    let (status, _, _) = c.post("/articles/balans/status", &[("to", "approved"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let a = kb::find(&kb_dir, "balans").unwrap();
    assert_eq!(a.front.status, Status::Approved);
    assert_eq!(a.front.extra.get("reviewed_by").and_then(|v| v.as_str()), Some("maria"));
    // Draft → published is not an editor's move.
    let (status, _, _) = c.post("/articles/balans-2/status", &[("to", "published"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Live preview: the help center's own sanitized rendering.
    let preview = |token: &str| {
        c.http.post(format!("{base}/preview")).header(COOKIE, c.cookie_header()).header("X-CSRF-Token", token.to_string()).body("**Важно** <script>alert(1)</script>").send()
    };
    let r = preview(&csrf).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    assert!(html.contains("<strong>Важно</strong>") && !html.contains("<script"), "{html}");
    assert_eq!(preview("forged").await.unwrap().status(), StatusCode::FORBIDDEN);

    // Editing an approved article sends it back to drafts, and the history records it all.
    let (status, _, _) = c.post("/articles/balans/edit", &[("csrf", &csrf), ("title", "Как узнать баланс сертификата?"), ("body", "Баланс виден на странице сертификата.\r\n\r\n- Введите код.")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let a = kb::find(&kb_dir, "balans").unwrap();
    assert_eq!(a.front.title, "Как узнать баланс сертификата?");
    assert_eq!(a.front.status, Status::Draft);
    assert!(a.body.contains("- Введите код.") && !a.body.contains('\r'));
    assert_eq!(a.front.also_asked, vec!["где посмотреть остаток"], "the edit lost front matter");
    let history = kbforge::review::history(&store, "balans").await.unwrap();
    let actions: Vec<(&str, &str, &str)> = history.iter().map(|e| (e.action.as_str(), e.to_status.as_str(), e.by_user.as_str())).collect();
    assert_eq!(actions, vec![("status", "approved", "maria"), ("edit", "draft", "maria")]);

    // A proposal shows as a diff and is applied on accept.
    let path = kb_dir.join("balans.md");
    let current = std::fs::read_to_string(&path).unwrap();
    let proposed = current.replace("- Введите код.", "- Введите код сертификата на странице проверки.");
    assert!(revisions::propose(&store, "balans", "c-9", revisions::DUPLICATE, &proposed, &current).await.unwrap());
    assert!(!revisions::propose(&store, "balans", "c-9", revisions::DUPLICATE, &proposed, &current).await.unwrap(), "the same proposal twice");
    let (_, page, _) = c.get("/articles/balans").await;
    assert!(page.contains("+ - Введите код сертификата на странице проверки."), "no diff on the page");
    let rev = revisions::open(&store, Some("balans")).await.unwrap()[0].id;
    let (status, _, _) = c.post(&format!("/revisions/{rev}/accept"), &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), proposed);
    assert!(revisions::open(&store, None).await.unwrap().is_empty());

    // Merge the second draft into the first.
    let (status, _, _) = c.post("/articles/balans/merge", &[("csrf", &csrf), ("from", "balans-2")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let merged = kb::find(&kb_dir, "balans").unwrap();
    assert_eq!(merged.front.sources, vec!["t:1", "t:2", "t:3"]);
    assert_eq!(merged.front.tickets, Some(16));
    assert!(merged.front.also_asked.contains(&"Сколько денег осталось на сертификате?".to_string()));
    let gone = kb::find(&kb_dir, "balans-2").unwrap();
    assert_eq!(gone.front.status, Status::Rejected);
    assert_eq!(gone.front.extra.get("merged_into").and_then(|v| v.as_str()), Some("balans"));

    // English UI.
    let (status, _, _) = c.get("/lang/en").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page, _) = c.get("/articles/srok").await;
    assert!(page.contains("Regulation excerpts") && page.contains("Back to drafts"), "no English strings");
    assert!(page.contains("lang=\"en\""));

    // Admins manage users; editors cannot, nor archive.
    let (status, page, _) = c.get("/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("ivan"));
    let (status, _, _) = c.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(c.get("/articles").await.0, StatusCode::SEE_OTHER, "the session outlived logout");
    assert_eq!(c.login("ivan", "ivan-password").await, StatusCode::SEE_OTHER);
    let csrf = c.csrf().await;
    assert_eq!(c.get("/users").await.0, StatusCode::FORBIDDEN);
    let (status, _, _) = c.post("/articles/srok/status", &[("to", "archived"), ("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(kb::find(&kb_dir, "srok").unwrap().front.status, Status::Published);
    let (status, page, _) = c.get("/report").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<svg"), "the report page has no chart");
    store.close().await;
}

/// Found by a review with live requests: redirects that leave the app, password guessing, headers,
/// images from other hosts, unknown search filters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hardening() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kbforge.toml"), format!("{CONFIG}image-hosts = [\"img.example.com\"]\n")).unwrap();
    write_kb(dir.path());
    let store = Store::open(&format!("sqlite://{}", dir.path().join("store.sqlite").display())).await.unwrap();
    seed(&store).await;
    users::add(&store, "olga", "olga-password", users::Role::Editor, false).await.unwrap();
    let base = common::start_app(dir.path(), store.clone()).await;
    let mut c = Client::new(&base);

    // Every response carries the security headers; the login page too.
    let r = reqwest::get(format!("{base}/login")).await.unwrap();
    let header = |name: &str| r.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let csp = header("content-security-policy");
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && csp.contains("https://img.example.com"), "{csp}");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("referrer-policy"), "same-origin");
    assert_eq!(header("cache-control"), "no-store");

    // After logging in, only a path of the app: a tab or a backslash does not make `//evil.example`.
    for evil in ["/\t/evil.example", "/\\evil.example", "//evil.example", "https://evil.example"] {
        let (_, page, _) = c.get("/login").await;
        let token = hidden(&page, "csrf");
        let (status, _, location) = c.post("/login", &[("name", "maria"), ("password", "maria-password"), ("csrf", &token), ("next", evil)]).await;
        assert_eq!((status, location.as_deref()), (StatusCode::SEE_OTHER, Some("/articles")), "{evil:?}");
    }
    let r = c.http.get(format!("{base}/lang/en")).header("referer", "http://127.0.0.1/\t/evil.example").header(COOKIE, c.cookie_header()).send().await.unwrap();
    assert_eq!(r.headers().get(LOCATION).unwrap(), "/articles");

    // The live preview drops images from hosts not in `image-hosts`; the site's own and allowed ones stay.
    let csrf = c.csrf().await;
    let r = c
        .http
        .post(format!("{base}/preview"))
        .header(COOKIE, c.cookie_header())
        .header("x-csrf-token", &csrf)
        .body("![a](https://evil.example/t.png) ![b](images/own.png) ![c](https://img.example.com/ok.png)")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(!html.contains("evil.example") && html.contains("src=\"images/own.png\"") && html.contains("src=\"https://img.example.com/ok.png\""), "{html}");

    // The bot's API refuses a filter it does not know instead of ignoring it.
    let r = c.http.post(format!("{base}/api/search")).json(&serde_json::json!({"query": "баланс", "filters": {"lang": "ru"}})).send().await.unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    assert!(r.text().await.unwrap().contains("lang"));

    // Ten wrong passwords lock the account and the address for a quarter of an hour: the right
    // password then gets 429, and so does another account from the same address.
    let mut guesser = Client::new(&base);
    for _ in 0..10 {
        assert_eq!(guesser.login("olga", "guess").await, StatusCode::UNAUTHORIZED);
    }
    let (_, page, _) = guesser.get("/login").await;
    let token = hidden(&page, "csrf");
    let r = guesser
        .http
        .post(format!("{base}/login"))
        .header(COOKIE, guesser.cookie_header())
        .form(&[("name", "olga"), ("password", "olga-password"), ("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers().get("retry-after").unwrap().to_str().unwrap().parse().unwrap();
    assert!((800..=900).contains(&wait), "{wait}");
    assert!(!r.headers().get_all(SET_COOKIE).iter().any(|v| v.to_str().unwrap().starts_with("kbf_session=")), "a session despite the lock");
    assert_eq!(guesser.login("ivan", "ivan-password").await, StatusCode::TOO_MANY_REQUESTS);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_app_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("store.sqlite").display())).await.unwrap();
    scenario(store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_app_on_postgres() {
    let Some((url, admin, schema)) = common::postgres_schema("kbforge_review").await else {
        eprintln!("KBFORGE_TEST_SKIP_POSTGRES=1: Postgres half not run");
        return;
    };
    let store = Store::open(&url).await.unwrap();
    scenario(store).await;
    common::drop_postgres_schema(&admin, &schema).await;
}
