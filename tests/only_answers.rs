//! Only answers go live: an article drawn from a cluster that is not flat (a greeting, a request
//! staff had to act on) is refused at approval with a warning, kept off the help center and the bot
//! index while unconfirmed, listed by `kbforge check`, and published once an editor approves it
//! knowing what it is. On SQLite and Postgres.

use crate::common;

use common::{kbforge, ok};

fn article(id: &str, title: &str, cluster: &str, status: &str, body: &str) -> String {
    format!("---\nid: {id}\ntitle: \"{title}\"\nstatus: {status}\naudience: public\ntopic: сертификаты\ncluster: {cluster}\n---\n\n{body}\n")
}

async fn scenario(store_url: Option<&str>) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    let config = store_url.map(|u| format!("[store]\nurl = \"{u}\"\n")).unwrap_or_default();
    std::fs::write(ws.join("kbforge.toml"), config).unwrap();
    let kb = ws.join("kb");
    std::fs::create_dir_all(&kb).unwrap();
    std::fs::write(kb.join("balans.md"), article("balans", "Как проверить баланс сертификата?", "c-flat", "approved", "Баланс виден на странице сертификата.")).unwrap();
    // A greeting that slipped through to `approved` (the demo kb once had one).
    std::fs::write(kb.join("devushka.md"), article("devushka", "Девушка, здравствуйте", "c-empty", "approved", "Здравствуйте! Чем помочь?")).unwrap();
    std::fs::write(kb.join("vozvrat.md"), article("vozvrat", "Верните деньги за заказ", "c-action", "draft", "Оформили возврат, деньги придут за 3 дня.")).unwrap();
    let url = kbforge::workspace::Workspace::discover(ws).unwrap().store_url();
    let store = kbforge::store::Store::open(&url).await.unwrap();
    for (id, kind) in [("c-flat", "flat"), ("c-empty", "empty"), ("c-action", "needs-action")] {
        sqlx::query("INSERT INTO clusters (id, size, kind, topic, medoid, updated_at) VALUES ($1, 5, $2, 'сертификаты', '', '')")
            .bind(id)
            .bind(kind)
            .execute(store.pool())
            .await
            .unwrap();
    }

    // The live greeting is kept off the site, with exit code 3 and a reason.
    let out = kbforge(ws, &["publish", "site"]);
    assert_eq!(out.status.code(), Some(3), "{}", common::stdout(&out));
    let text = common::stdout(&out);
    assert!(text.contains("not published, their cluster is not flat: devushka (empty)"), "{text}");
    assert!(ws.join("site/articles/balans.html").exists());
    assert!(!ws.join("site/articles/devushka.html").exists(), "a greeting went live");

    // `check` lists it.
    let check = common::stdout(&kbforge(ws, &["check"]));
    assert!(check.contains("devushka: cluster is empty") && check.contains("held back"), "{check}");

    // Approving a needs-action draft is refused with the warning; confirmed, it goes through.
    let refused = kbforge(ws, &["review", "approve", "vozvrat"]);
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr).to_string();
    assert!(err.contains("needs-action cluster") && err.contains("--confirm-not-flat"), "{err}");
    let (articles, _) = kbforge::kb::load_all(&kb);
    assert_eq!(articles.iter().find(|a| a.front.id == "vozvrat").unwrap().front.status, kbforge::kb::Status::Draft);
    ok(kbforge(ws, &["review", "approve", "vozvrat", "devushka", "--confirm-not-flat", "--by", "maria"]));
    let text = std::fs::read_to_string(kb.join("vozvrat.md")).unwrap();
    assert!(text.contains("approved_not_flat: needs-action"), "{text}");
    let out = ok(kbforge(ws, &["publish", "site"]));
    assert!(!out.contains("not published"), "{out}");
    assert!(ws.join("site/articles/vozvrat.html").exists() && ws.join("site/articles/devushka.html").exists());
    let check = common::stdout(&kbforge(ws, &["check"]));
    assert!(check.contains("vozvrat: cluster is needs-action") && check.contains("approved anyway by an editor"), "{check}");

    // If the cluster later turns out to be another kind, the confirmation no longer holds.
    sqlx::query("UPDATE clusters SET kind = 'other' WHERE id = 'c-action'").execute(store.pool()).await.unwrap();
    let out = kbforge(ws, &["publish", "site"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(!ws.join("site/articles/vozvrat.html").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_answers_go_live_on_sqlite() {
    scenario(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_answers_go_live_on_postgres() {
    let Some((url, admin, schema)) = common::postgres_schema("only_answers").await else { return };
    scenario(Some(&url)).await;
    common::drop_postgres_schema(&admin, &schema).await;
}
