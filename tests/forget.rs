//! The right to erasure, end to end: a customer's tickets go through the whole pipeline (store,
//! drafts with their phrasings, the help center with its search index, the bot index), then
//! `kbforge forget --customer` removes them and nothing of them is left anywhere; a later run does
//! not bring them back. The store part is also checked on Postgres.

use crate::common;

use std::io::Read as _;
use std::path::Path;

use common::{kbforge, ok};

/// A made-up word only the customer's two tickets use.
const MARK: &str = "Квазибанк";
const EMAIL: &str = "erase.me@example.com";

const CONFIG: &str = "[site]\nlanguage = \"ru\"\nshow-also-asked = true\n\n[draft]\nmin-cluster-size = 3\n";
const PIPELINE: &str = r#"
[pipeline]
name = "forget"
stages = ["ingest", "clean", "extract", "classify", "embed", "cluster", "draft", "publish-site", "publish-index"]

[ingest]
sources = [{ format = "jsonl", path = "tickets.jsonl" }]
"#;

const BALANCE: &str = "Баланс сертификата виден на странице сертификата по ссылке из письма: там указан остаток и срок действия. Остаток можно потратить в следующих покупках, он не сгорает до конца срока.";
const ACTIVATION: &str = "Чтобы активировать сертификат, назовите кассиру код из письма или покажите QR-код. На сайте магазина введите код в поле «Подарочный сертификат» при оформлении заказа, без пробелов и дефисов.";

fn tickets() -> String {
    let balance = [
        ("b1", "Как узнать, сколько денег осталось на сертификате?", ""),
        ("b2", "Где посмотреть остаток по подарочному сертификату?", ""),
        ("b3", "Как проверить баланс сертификата после покупки?", ""),
        ("b4", format!("Как узнать, сколько осталось на сертификате {MARK}а после покупки?").leak(), EMAIL),
        ("b5", "Подскажите, где видно, сколько ещё можно потратить по сертификату?", "other@example.com"),
    ];
    let activation = [
        ("a1", "Как активировать подарочный сертификат в магазине?", ""),
        ("a2", "Не получается активировать сертификат на сайте, что делать?", ""),
        ("a3", "Как применить сертификат при оформлении заказа на сайте?", ""),
        ("a4", format!("Не активируется сертификат {MARK}а на кассе, что делать?").leak(), EMAIL),
        ("a5", "Кассир не может принять сертификат, как его активировать?", ""),
    ];
    let mut out = String::new();
    for (answer, list) in [(BALANCE, &balance), (ACTIVATION, &activation)] {
        for (i, (id, q, customer)) in list.iter().enumerate() {
            let line = serde_json::json!({
                "id": id, "subject": "", "status": "closed", "created_at": format!("2025-06-0{}T10:00:00+03:00", i + 1),
                "customer": customer,
                "messages": [
                    {"author": "customer", "body": q, "created_at": format!("2025-06-0{}T10:00:00+03:00", i + 1)},
                    {"author": "staff", "body": format!("Здравствуйте! {answer}"), "created_at": format!("2025-06-0{}T10:05:00+03:00", i + 1)}
                ]
            });
            out.push_str(&line.to_string());
            out.push('\n');
        }
    }
    out
}

/// Every file under `dir` as text; gzip files (Pagefind's fragments) unpacked.
fn texts(dir: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).unwrap();
            let mut unpacked = Vec::new();
            let bytes = if bytes.starts_with(&[0x1f, 0x8b]) && flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut unpacked).is_ok() { unpacked } else { bytes };
            (e.path().display().to_string(), String::from_utf8_lossy(&bytes).into_owned())
        })
        .collect()
}

fn assert_absent(what: &str, files: &[(String, String)], needles: &[&str]) {
    for (path, text) in files {
        for n in needles {
            assert!(!text.contains(n), "{what}: `{path}` still holds `{n}`");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_is_forgotten_everywhere_and_stays_forgotten() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::create_dir_all(ws.join("kb")).unwrap();
    std::fs::create_dir_all(ws.join("pipelines")).unwrap();
    std::fs::write(ws.join("kbforge.toml"), CONFIG).unwrap();
    std::fs::write(ws.join("pipelines/forget.toml"), PIPELINE).unwrap();
    std::fs::write(ws.join("tickets.jsonl"), tickets()).unwrap();
    ok(kbforge(ws, &["run", "pipelines/forget.toml", "--auto-approve"]));

    // Before: the customer's words are in the drafts' phrasings, the site and the index.
    let kb_before = texts(&ws.join("kb"));
    assert!(kb_before.iter().any(|(_, t)| t.contains("jsonl:b4") || t.contains("jsonl:a4")), "the tickets are some article's sources");
    assert!(kb_before.iter().chain(&texts(&ws.join("site"))).any(|(_, t)| t.contains(MARK)), "the customer's words reached the outputs");

    let out = ok(kbforge(ws, &["forget", "--customer", "Erase.Me@Example.com"]));
    assert!(out.contains("2 tickets forgotten"), "{out}");

    // Nothing of them in the knowledge base, the help center or the bot index.
    let needles = [MARK, "jsonl:b4", "jsonl:a4"];
    assert_absent("kb", &texts(&ws.join("kb")), &needles);
    assert_absent("site", &texts(&ws.join("site")), &needles);
    let config = kbforge::workspace::Workspace::discover(ws).unwrap().config;
    for audience in [kbforge::kb::Audience::Public, kbforge::kb::Audience::Internal] {
        let path = config.index.shard_path(ws, audience);
        if path.exists() {
            let payloads = kbforge::publish::index::payloads(&path).unwrap();
            assert_absent("index", &[(path.display().to_string(), serde_json::to_string(&payloads).unwrap())], &needles);
        }
    }
    // Nor in the store, row or byte: deleted pages are overwritten, the log checkpointed.
    let store = kbforge::store::Store::open(&format!("sqlite://{}", ws.join(".kbforge/kbforge.sqlite").display())).await.unwrap();
    assert_store_forgot(&store, &["jsonl:b4", "jsonl:a4"]).await;
    store.close().await;
    assert_absent("store files", &texts(&ws.join(".kbforge")).into_iter().filter(|(p, _)| p.contains("sqlite")).collect::<Vec<_>>(), &[MARK]);

    // The other customer's ticket and everyone else's stay.
    let kb_after = texts(&ws.join("kb"));
    assert!(kb_after.iter().any(|(_, t)| t.contains("jsonl:b5")), "other tickets stay");

    // A later run reads the same export: the forgotten tickets are not stored again.
    ok(kbforge(ws, &["run", "pipelines/forget.toml"]));
    assert_absent("kb after a rerun", &texts(&ws.join("kb")), &needles);
    let store = kbforge::store::Store::open(&format!("sqlite://{}", ws.join(".kbforge/kbforge.sqlite").display())).await.unwrap();
    assert_store_forgot(&store, &["jsonl:b4", "jsonl:a4"]).await;
}

/// No row of any table names the tickets or holds the mark; the ids stay in `forgotten` only.
async fn assert_store_forgot(store: &kbforge::store::Store, ids: &[&str]) {
    let tables: Vec<(String,)> = match store.backend() {
        kbforge::store::Backend::Sqlite => sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'").fetch_all(store.pool()).await.unwrap(),
        kbforge::store::Backend::Postgres => sqlx::query_as("SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'").fetch_all(store.pool()).await.unwrap(),
    };
    for (table,) in tables.iter().filter(|(t,)| t != "forgotten") {
        let columns = column_names(store, table).await;
        for column in columns {
            for needle in ids.iter().copied().chain([MARK]) {
                let sql = format!("SELECT COUNT(*) FROM {table} WHERE CAST({column} AS TEXT) LIKE $1");
                let (n,): (i64,) = sqlx::query_as(&sql).bind(format!("%{needle}%")).fetch_one(store.pool()).await.unwrap();
                assert_eq!(n, 0, "{table}.{column} still holds `{needle}`");
            }
        }
    }
}

async fn column_names(store: &kbforge::store::Store, table: &str) -> Vec<String> {
    match store.backend() {
        kbforge::store::Backend::Sqlite => {
            let rows: Vec<(String, String)> = sqlx::query_as(&format!("SELECT name, type FROM pragma_table_info('{table}')")).fetch_all(store.pool()).await.unwrap();
            rows.into_iter().filter(|(_, t)| !t.eq_ignore_ascii_case("BLOB")).map(|(n, _)| n).collect()
        }
        kbforge::store::Backend::Postgres => {
            let rows: Vec<(String, String)> = sqlx::query_as("SELECT column_name::text, data_type::text FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1")
                .bind(table)
                .fetch_all(store.pool())
                .await
                .unwrap();
            rows.into_iter().filter(|(_, t)| t != "bytea").map(|(n, _)| n).collect()
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_forgets_on_postgres_too() {
    let Some((url, admin, schema)) = common::postgres_schema("forget").await else { return };
    let store = kbforge::store::Store::open(&url).await.unwrap();
    for (id, q) in [("jsonl:x1", format!("Где баланс сертификата {MARK}а?")), ("jsonl:x2", "Где баланс сертификата?".to_string())] {
        common::seed_qa(&store, id, &q, "На странице сертификата.").await;
    }
    kbforge::store::forget::mark(&store, &["jsonl:x1".to_string()], kbforge::store::forget::ERASURE).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let report = kbforge::forget::apply(&store, &kbforge::embed::EmbedConfig::default(), dir.path()).await.unwrap();
    assert_eq!(report.tickets, 1);
    assert_store_forgot(&store, &["jsonl:x1"]).await;
    assert_eq!(store.count("tickets").await.unwrap(), 1);
    store.close().await;
    common::drop_postgres_schema(&admin, &schema).await;
}
