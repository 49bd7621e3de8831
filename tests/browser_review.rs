//! The review app in a real browser (headless Chromium through chromedriver): an editor logs in,
//! opens the biggest draft, edits it and watches the live preview follow, saves, approves, and the
//! article's file says so.

use crate::common;

use common::webdriver::{chromedriver, Browser};
use kbforge::kb::{self, Status};
use kbforge::review::users;
use kbforge::store::Store;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editor_reviews_a_draft_in_chromium() {
    let Some(driver) = chromedriver() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kbforge.toml"), "[store]\nurl = \"sqlite://store.sqlite\"\n[site]\nlanguage = \"ru\"\n").unwrap();
    let kb_dir = dir.path().join("kb");
    std::fs::create_dir_all(&kb_dir).unwrap();
    std::fs::write(
        kb_dir.join("balans.md"),
        "---\nid: balans\ntitle: Как проверить баланс сертификата?\nstatus: draft\ntopic: баланс\ntickets: 12\n---\n\nБаланс виден на странице сертификата.\n",
    )
    .unwrap();
    std::fs::write(
        kb_dir.join("oplata.md"),
        "---\nid: oplata\ntitle: Как оплатить сертификат?\nstatus: draft\ntopic: оплата\ntickets: 3\n---\n\nКартой или через СБП.\n",
    )
    .unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("store.sqlite").display())).await.unwrap();
    users::add(&store, "maria", "maria-password", users::Role::Editor, false).await.unwrap();
    let ws = kbforge::workspace::Workspace::discover(dir.path()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = kbforge::serve::App::new(ws, store.clone());
    tokio::spawn(async move { axum::serve(listener, kbforge::serve::router(app)).await.unwrap() });

    let browser = Browser::start(driver).await;
    // Any page asks for a login first, then comes back.
    browser.goto(&format!("{base}/articles")).await;
    browser.type_into("#name", "maria").await;
    browser.type_into("#password", "maria-password").await;
    browser.click("#login").await;
    browser.wait_text("main", "Как проверить баланс сертификата?").await;
    assert!(browser.url().await.ends_with("/articles"), "{}", browser.url().await);

    // The biggest draft first; open it.
    let list = browser.text("table.list").await;
    assert!(list.find("Как проверить баланс").unwrap() < list.find("Как оплатить").unwrap(), "{list}");
    browser.click("table.list a[href='/articles/balans']").await;
    browser.wait_text("#preview", "Баланс виден на странице сертификата.").await;

    // Edit: the preview follows the typing, rendered and sanitized.
    browser.click("#edit").await;
    browser.clear("#body").await;
    browser.type_into("#body", "**Баланс** виден в личном кабинете.\n\n- Введите код <script>window.pwned=1</script>").await;
    browser.wait_text("#live-preview", "Введите код").await;
    let strong = browser.eval("return document.querySelector('#live-preview strong')?.textContent").await;
    assert_eq!(strong, "Баланс");
    assert_eq!(browser.eval("return window.pwned === undefined && !document.querySelector('#live-preview script')").await, true);
    browser.click("#save").await;
    browser.wait_text("#preview", "виден в личном кабинете").await;

    // Approve.
    browser.click("#to-approved").await;
    browser.wait_text("#status", "одобрена").await;
    browser.close().await;

    let article = kb::find(&kb_dir, "balans").unwrap();
    assert_eq!(article.front.status, Status::Approved);
    assert!(article.body.starts_with("**Баланс** виден в личном кабинете."), "{}", article.body);
    assert_eq!(article.front.extra.get("reviewed_by").and_then(|v| v.as_str()), Some("maria"));
    let history = kbforge::review::history(&store, "balans").await.unwrap();
    assert_eq!(history.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), vec!["edit", "status"]);
}
