//! The publish guard: personal data planted past the clean stage (an editor's pasted e-mail, an LLM
//! draft's phrasing, raw pairs an older clean stage let through) never reaches the help center, the
//! bot's public index, the report, the exports or `/api/search`; the article is held back, the rest
//! goes on, the run says so with exit code 3, and `kbforge review show` and the app say why.

use crate::common;

use std::path::Path;

use common::{kbforge, ok};
use kbforge::store::Store;

/// Values an editor or a model could put into an article, in the forms the guard must catch.
const PLANTED: &[&str] = &["anna.petrova@mail.ru", "+7 912 345-67-89", "@anna_k85", "vk.com/id58120934", "MP1234567"];

fn article(ws: &Path, id: &str, title: &str, body: &str, also_asked: &[&str]) {
    let also = serde_json::to_string(also_asked).unwrap();
    let text = format!("---\nid: {id}\ntitle: \"{title}\"\nstatus: approved\naudience: public\ntopic: баланс\nalso_asked: {also}\n---\n\n{body}\n");
    std::fs::write(ws.join("kb").join(format!("{id}.md")), text).unwrap();
}

/// Every file under `dir`, as text (lossy), with its path.
fn files(dir: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().display().to_string(), String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned()))
        .collect()
}

fn assert_nothing_planted(what: &str, text: &str) {
    for v in PLANTED {
        assert!(!text.contains(v), "{what} carries the planted `{v}`");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn planted_values_never_reach_the_site_or_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::create_dir_all(ws.join("kb")).unwrap();
    std::fs::write(ws.join("kbforge.toml"), "[site]\nlanguage = \"ru\"\nshow-also-asked = true\n\n[guard]\nallow = [\"8 (495) 123-45-67\"]\n").unwrap();
    article(ws, "balans", "Как проверить баланс?", "Баланс виден на странице сертификата. Горячая линия: 8 (495) 123-45-67.", &["где остаток"]);
    // An editor pasted a customer's contacts into the body.
    article(ws, "vozvrat", "Как вернуть сертификат?", "Напишите заявление. Пример: anna.petrova@mail.ru, +7 912 345-67-89.", &[]);
    // A model's draft: clean body, personal data in the phrasings and a link.
    article(ws, "dostavka", "Сколько идёт доставка?", "До 15 минут. [Профиль](https://vk.com/id58120934)", &["пишите в тг @anna_k85", "паспорт РБ MP1234567"]);

    let out = kbforge(ws, &["publish"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(3), "held articles complete the run with rejects: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("2 held back by the publish guard"), "{stdout}");

    // The rest went on: the clean article is on the site and in the index, the company's allowed
    // hotline with it; the held ones are in neither.
    let site = ws.join("site");
    assert!(site.join("articles/balans.html").is_file());
    assert!(!site.join("articles/vozvrat.html").exists() && !site.join("articles/dostavka.html").exists());
    for (path, text) in files(&site) {
        assert_nothing_planted(&path, &text);
    }
    assert!(std::fs::read_to_string(site.join("articles/balans.html")).unwrap().contains("8 (495) 123-45-67"));
    let config = kbforge::workspace::Workspace::discover(ws).unwrap().config;
    let payloads = kbforge::publish::index::payloads(&config.index.shard_path(ws, kbforge::kb::Audience::Public)).unwrap();
    assert!(!payloads.is_empty());
    assert!(payloads.iter().all(|p| p["article_id"] == "balans"), "{payloads:#?}");
    assert_nothing_planted("the public index", &serde_json::to_string(&payloads).unwrap());
    // Held articles stay approved, not published.
    assert!(std::fs::read_to_string(ws.join("kb/vozvrat.md")).unwrap().contains("status: approved"));
    assert!(std::fs::read_to_string(ws.join("kb/balans.md")).unwrap().contains("status: published"));

    // The editor sees why, with the values masked.
    let show = ok(kbforge(ws, &["review", "show", "vozvrat"]));
    let why = &show[show.find("held back by the publish guard").expect("review show names the hold")..];
    assert!(why.contains("email") && why.contains("number") && why.contains("[site") && why.contains("[index"), "{why}");
    assert_nothing_planted("review show's reasons", why);
    let list = ok(kbforge(ws, &["review", "list"]));
    assert!(list.lines().any(|l| l.starts_with("held") && l.contains("dostavka")), "{list}");

    // The app shows it too.
    let store = Store::open(&format!("sqlite://{}", ws.join(".kbforge/kbforge.sqlite").display())).await.unwrap();
    kbforge::review::users::add(&store, "olga", "olga-password", kbforge::review::users::Role::Editor, false).await.unwrap();
    let base = common::start_app(ws, store.clone()).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let cookie = login(&http, &base, "olga", "olga-password").await;
    let page = http.get(format!("{base}/articles/dostavka")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    let held = &page[page.find("id=\"held\"").expect("the article page shows the hold")..];
    let held = &held[..held.find("</section>").unwrap()];
    assert!(held.contains("profile") && held.contains("document") && held.contains("also_asked"), "{held}");
    assert_nothing_planted("the app's hold notice", held);

    // Fixed by the editor: the next publish lets it through and forgets the hold.
    article(ws, "vozvrat", "Как вернуть сертификат?", "Напишите заявление с почты, указанной при покупке.", &[]);
    let out = kbforge(ws, &["publish"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(3), "dostavka is still held: {stdout}");
    assert!(stdout.contains("1 held back") && site.join("articles/vozvrat.html").is_file(), "{stdout}");
    assert_eq!(store.holds(Some("vozvrat")).await.unwrap(), vec![]);
    assert_eq!(store.holds(Some("dostavka")).await.unwrap().len(), 2);
}

/// Logs in through the form; returns the `Cookie` header of the session.
async fn login(http: &reqwest::Client, base: &str, name: &str, password: &str) -> String {
    let cookies = |r: &reqwest::Response| {
        r.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_string)).collect::<Vec<_>>()
    };
    let r = http.get(format!("{base}/login")).send().await.unwrap();
    let mut jar = cookies(&r);
    let page = r.text().await.unwrap();
    let marker = "name=\"csrf\" value=\"";
    let start = page.find(marker).unwrap() + marker.len();
    let csrf = page[start..].split('"').next().unwrap().to_string();
    let r = http
        .post(format!("{base}/login"))
        .header("cookie", jar.join("; "))
        .form(&[("name", name), ("password", password), ("csrf", &csrf), ("next", "/articles")])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "login failed: {}", r.status());
    jar.extend(cookies(&r));
    jar.join("; ")
}

/// Pairs an older clean stage let through (seeded straight into the store): the report, the
/// scenario and clarifying exports carry none of their values (the prompts to a drafting model:
/// `draft::llm`'s tests).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_exports_and_prompts_are_guarded() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::create_dir_all(ws.join("kb")).unwrap();
    std::fs::write(
        ws.join("kbforge.toml"),
        "[site]\nlanguage = \"ru\"\n",
    )
    .unwrap();
    let store = Store::open(&format!("sqlite://{}", ws.join(".kbforge/kbforge.sqlite").display())).await.unwrap();
    let balance = "Баланс виден на странице сертификата: откройте ссылку из письма. Если вопросы, пишите на anna.petrova@mail.ru";
    let refund = "Оформили возврат, деньги вернутся на карту в течение 10 дней. Профиль клиента vk.com/id58120934";
    let clarify = "Здравствуйте! Уточните, пожалуйста, ваш вопрос. Оператор Анна, +7 912 345-67-89";
    let seeded: &[(&str, &str, &str, &str)] = &[
        ("t:1", "flat", "как проверить баланс сертификата, пишу с anna.petrova@mail.ru", balance),
        ("t:2", "flat", "где посмотреть баланс сертификата? мой тг @anna_k85", balance),
        ("t:3", "flat", "как узнать баланс сертификата", balance),
        ("t:4", "flat", "сколько денег осталось на сертификате", balance),
        ("t:5", "flat", "проверить остаток на подарочном сертификате", balance),
        ("t:6", "needs-action", "верните деньги за сертификат, паспорт РБ MP1234567", refund),
        ("t:7", "needs-action", "прошу вернуть деньги за сертификат", refund),
        ("t:8", "needs-action", "хочу вернуть деньги за сертификат", refund),
        ("t:9", "empty", "здравствуйте", clarify),
        ("t:10", "empty", "помогите", clarify),
    ];
    for (id, kind, q, a) in seeded {
        common::seed_qa(&store, id, q, a).await;
        sqlx::query("UPDATE qa_pairs SET kind = $1 WHERE ticket_id = $2").bind(kind).bind(id).execute(store.pool()).await.unwrap();
    }
    store.close().await;
    for stage in ["embed", "cluster", "draft", "report"] {
        let out = kbforge(ws, &["stage", stage]);
        assert!(out.status.success(), "stage {stage}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let json = ok(kbforge(ws, &["report", "--json"]));
    assert_nothing_planted("report --json", &json);
    assert!(json.contains("баланс"), "the report is not empty: {json}");
    for (path, text) in files(&ws.join("reports")).into_iter().chain(files(&ws.join("exports"))) {
        assert_nothing_planted(&path, &text);
    }
    let exports = files(&ws.join("exports"));
    let clarifying = exports.iter().find(|(p, _)| p.ends_with("clarifying.yaml")).expect("clarifying export");
    assert!(clarifying.1.contains("Уточните") && clarifying.1.contains("[NUMBER]"), "{}", clarifying.1);
    let scenarios = exports.iter().find(|(p, _)| p.ends_with("scenarios.yaml")).expect("scenario export");
    assert!(scenarios.1.contains("[PROFILE]"), "{}", scenarios.1);
}

/// `/api/search` masks what the guard finds in a response, even from an index published before the
/// guard (here: published while the value was on the allow list).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_search_responses_are_guarded() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::create_dir_all(ws.join("kb")).unwrap();
    std::fs::write(ws.join("kbforge.toml"), "[site]\nlanguage = \"ru\"\n\n[guard]\nallow = [\"anna.petrova@mail.ru\"]\n").unwrap();
    article(ws, "balans", "Как проверить баланс сертификата?", "Баланс виден на странице сертификата, вопросы на anna.petrova@mail.ru.", &[]);
    ok(kbforge(ws, &["publish", "index"]));
    // The guard's allow list goes; the app finds the model in the settings.
    std::fs::write(ws.join("kbforge.toml"), format!("[site]\nlanguage = \"ru\"\n\n[embed]\nmodel-dir = {:?}\n", common::model_dir().display().to_string())).unwrap();
    let store = Store::open(&format!("sqlite://{}", ws.join(".kbforge/kbforge.sqlite").display())).await.unwrap();
    let base = common::start_app(ws, store).await;
    let r = reqwest::Client::new().post(format!("{base}/api/search")).json(&serde_json::json!({"query": "куда писать вопросы про баланс anna.petrova@mail.ru"})).send().await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    let body = r.text().await.unwrap();
    assert!(body.contains("balans") && body.contains("[EMAIL]"), "{body}");
    assert_nothing_planted("/api/search", &body);
}
