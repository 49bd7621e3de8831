//! One integration suite for the bot index on both backends: the embedded Qdrant shards always,
//! a Qdrant server or cluster when `QDRANT_URL` is set (e.g. `http://localhost:6334`, gRPC; the
//! key, if any, in `QDRANT_API_KEY`). Sync counts, hybrid search, audiences, updates and deletes.

use crate::common;

use std::path::Path;

use common::{kbforge, ok};
use kbforge::kb::Audience;
use kbforge::store::Store;

fn article(dir: &Path, id: &str, title: &str, status: &str, audience: &str, body: &str) {
    let text = format!("---\nid: {id}\ntitle: \"{title}\"\nstatus: {status}\naudience: {audience}\ntopic: баланс\nalso_asked: [\"где посмотреть остаток\"]\n---\n\n{body}\n");
    std::fs::write(dir.join("kb").join(format!("{id}.md")), text).unwrap();
}

fn search(ws: &Path, query: &str, audience: &str) -> Vec<serde_json::Value> {
    let out = ok(kbforge(ws, &["search", query, "--audience", audience, "--json", "-n", "10"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["hits"].as_array().unwrap().clone()
}

async fn suite(index_section: &str) {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::create_dir_all(ws.join("kb")).unwrap();
    std::fs::write(ws.join("kbforge.toml"), format!("[site]\nlanguage = \"ru\"\n{index_section}")).unwrap();
    article(ws, "balans", "Как проверить баланс сертификата?", "approved", "public", "Баланс виден на странице podarokplus.ru/balance по коду сертификата.\n\n## Если баланс не показан\n\nПодождите сутки: партнёр обновляет списания раз в день.");
    article(ws, "oplata", "Как оплатить заказ?", "published", "public", "Картой МИР или через СБП, без комиссии.");
    article(ws, "chernovik", "Черновик про возврат", "draft", "public", "Возврат в течение 14 дней.");
    article(ws, "vnutr", "Как оператору проверить баланс", "approved", "internal", "Кнопка «Проверить у партнёра» в админке, раздел Сертификаты.");
    let store = Store::open(&format!("sqlite://{}", ws.join(".kbforge/kbforge.sqlite").display())).await.unwrap();
    sqlx::query("INSERT INTO regulations (id, title, body, content_hash, updated_at) VALUES ('r1.md', 'Регламент возвратов', 'Возврат оформляет старший смены в CRM после проверки платежа.', '', '')")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;

    let out = ok(kbforge(ws, &["publish", "index"]));
    assert!(out.contains("public: 2 articles") && out.contains("internal: 2 articles"), "{out}");
    assert!(out.contains(" 0 deleted"), "{out}");

    // Hybrid search finds an inflected word; audiences stay apart.
    let hits = search(ws, "баланса сертификата не видно", "public");
    assert_eq!(hits[0]["article_id"], "balans", "{hits:#?}");
    assert_eq!(hits[0]["audience"], "public");
    assert!(hits.iter().all(|h| h["audience"] == "public" && h["article_id"] != "vnutr" && h["article_id"] != "chernovik"), "{hits:#?}");
    let hits = search(ws, "кто оформляет возврат в CRM", "internal");
    assert_eq!(hits[0]["article_id"], "regulation:r1.md", "{hits:#?}");
    assert!(hits.iter().all(|h| h["audience"] == "internal"));
    let topic: serde_json::Value = serde_json::from_str(&ok(kbforge(ws, &["search", "баланс", "--topic", "нет-такой-темы", "--json"]))).unwrap();
    assert_eq!(topic["hits"], serde_json::json!([]), "a filter on an unknown topic still matched");

    // Nothing changed: nothing written. One article changed, one archived.
    let out = ok(kbforge(ws, &["publish", "index"]));
    assert_eq!(out.matches(" 0 upserted").count(), 2, "{out}");
    article(ws, "oplata", "Как оплатить заказ?", "published", "public", "Картой МИР, через СБП или долями.");
    article(ws, "balans", "Как проверить баланс сертификата?", "archived", "public", "—");
    let out = ok(kbforge(ws, &["publish", "index"]));
    assert!(out.contains("public: 1 articles") && !out.contains("public: 1 articles, 0 points"), "{out}");
    assert!(!out.contains(", 0 deleted;"), "the archived article's points stayed: {out}");
    let hits = search(ws, "баланс сертификата", "public");
    assert!(hits.iter().all(|h| h["article_id"] != "balans"), "an archived article is still found: {hits:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_backend() {
    suite("").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_backend() {
    let Ok(url) = std::env::var("QDRANT_URL") else {
        eprintln!("QDRANT_URL not set: the Qdrant server half of the index suite is not run");
        return;
    };
    let prefix = format!("kbforge_test_{}_", std::process::id());
    suite(&format!("[index]\nurl = \"{url}\"\ncollection-prefix = \"{prefix}\"\n")).await;
    let config = kbforge::publish::index::IndexConfig { url, collection_prefix: prefix, ..Default::default() };
    for audience in [Audience::Public, Audience::Internal] {
        config.server_collection(audience, 384).await.unwrap().drop_collection().await.unwrap();
    }
}
