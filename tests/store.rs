//! The store suite, run on both backends: SQLite in a temp folder and the real Postgres
//! (`KBFORGE_TEST_DATABASE_URL`, default the local `test` database, each run in its own schema).

use crate::common;

use kbforge::ingest::{store_ticket, store_tickets, Author, Message, Ticket};
use kbforge::store::{Rejected, Store};

fn ticket(id: &str, body: &str) -> Ticket {
    Ticket {
        id: format!("omnidesk:{id}"),
        source: "omnidesk".into(),
        external_id: id.into(),
        subject: "Баланс".into(),
        status: "closed".into(),
        channel: "email".into(),
        language: "ru".into(),
        labels: vec!["проверка баланса".into()],
        rating: "high".into(),
        created_at: "2025-05-05T10:00:00+03:00".into(),
        updated_at: "2025-05-05T11:00:00+03:00".into(),
        customer: kbforge::ingest::ticket::customer_key("anna@example.com"),
        messages: vec![
            Message { external_id: "1".into(), author: Author::Customer, internal: false, body: body.into(), created_at: "2025-05-05T10:00:00+03:00".into() },
            Message { external_id: "2".into(), author: Author::Staff, internal: false, body: "Баланс виден на странице сертификата.".into(), created_at: "2025-05-05T10:30:00+03:00".into() },
            Message { external_id: "3".into(), author: Author::Staff, internal: true, body: "заметка".into(), created_at: "2025-05-05T10:31:00+03:00".into() },
        ],
    }
}

async fn suite(store: &Store) {
    // Tickets: stored once, unchanged on re-ingest, rewritten when changed.
    assert!(store_ticket(store, &ticket("1", "Как проверить баланс?")).await.unwrap());
    assert!(!store_ticket(store, &ticket("1", "Как проверить баланс?")).await.unwrap());
    assert!(store_ticket(store, &ticket("1", "Как проверить баланс сертификата?")).await.unwrap());
    assert_eq!(store.count("tickets").await.unwrap(), 1);
    assert_eq!(store.count("messages").await.unwrap(), 3);
    let (body,): (String,) = sqlx::query_as("SELECT body FROM messages WHERE ticket_id = $1 AND position = 0")
        .bind("omnidesk:1")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(body, "Как проверить баланс сертификата?");

    // Quarantine: one entry per record, however often it is rejected.
    let r = Rejected {
        stage: "ingest".into(),
        source: "tickets.jsonl".into(),
        location: "line 7".into(),
        field: "messages".into(),
        reason: "missing field `messages`".into(),
        raw: "{\"id\": 7}".into(),
    };
    store.quarantine(&r).await.unwrap();
    store.quarantine(&r).await.unwrap();
    let list = store.quarantine_list().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].location, "line 7");
    assert_eq!(store.quarantine_get(list[0].id).await.unwrap().unwrap().field, "messages");

    // State.
    assert_eq!(store.state_get("watermark").await.unwrap(), None);
    store.state_set("watermark", "a").await.unwrap();
    store.state_set("watermark", "b").await.unwrap();
    assert_eq!(store.state_get("watermark").await.unwrap().as_deref(), Some("b"));

    // Vectors round-trip through BLOB / BYTEA.
    let v = vec![0.25f32, -0.5, 1.0];
    sqlx::query("INSERT INTO embeddings (model, text_hash, vector) VALUES ($1, $2, $3)")
        .bind("m")
        .bind("h")
        .bind(kbforge::store::vector_to_bytes(&v))
        .execute(store.pool())
        .await
        .unwrap();
    let (bytes,): (Vec<u8>,) = sqlx::query_as("SELECT vector FROM embeddings WHERE model = 'm'").fetch_one(store.pool()).await.unwrap();
    assert_eq!(kbforge::store::vector_from_bytes(&bytes), v);

    // Deleting a ticket deletes its messages.
    sqlx::query("DELETE FROM tickets WHERE id = $1").bind("omnidesk:1").execute(store.pool()).await.unwrap();
    assert_eq!(store.count("messages").await.unwrap(), 0);

    batches_and_clean(store).await;
}

/// Batched writes and the paged, parallel clean stage, over more rows than one statement, one batch
/// and one page hold.
async fn batches_and_clean(store: &Store) {
    let body = |i: usize| format!("Здравствуйте! Не приходит сертификат №{i}, пишите на user{i}@mail.ru");
    let batch: Vec<Ticket> = (0..1200).map(|i| ticket(&format!("b{i}"), &body(i))).collect();
    assert_eq!(store_tickets(store, &batch).await.unwrap(), 1200);
    assert_eq!(store_tickets(store, &batch).await.unwrap(), 0, "a re-ingest writes nothing");
    let mut changed = batch.clone();
    changed[7].messages[0].body = "Как проверить баланс?".into();
    changed[7].messages.truncate(2);
    assert_eq!(store_tickets(store, &changed).await.unwrap(), 1, "only the changed ticket is written");
    assert_eq!(store.count("tickets").await.unwrap(), 1200);
    assert_eq!(store.count("messages").await.unwrap(), 3599);

    let config = kbforge::clean::CleanConfig::default();
    let first = kbforge::clean::run(store, &config).await.unwrap();
    assert_eq!((first.processed, first.written), (3599, 3599));
    let clean = |id: &'static str| async move {
        let (text,): (String,) =
            sqlx::query_as("SELECT clean_body FROM messages WHERE id = $1").bind(id).fetch_one(store.pool()).await.unwrap();
        text
    };
    assert_eq!(clean("omnidesk:b1042:0").await, "Не приходит сертификат №1042, пишите на [EMAIL]");
    assert_eq!(clean("omnidesk:b7:0").await, "Как проверить баланс?");
    let again = kbforge::clean::run(store, &config).await.unwrap();
    assert_eq!((again.processed, again.written), (3599, 0), "a second clean changes nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_backend() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("nested/kb.sqlite").display());
    let store = Store::open(&url).await.unwrap();
    suite(&store).await;
    store.close().await;
    // Reopening runs no migration twice.
    let store = Store::open(&url).await.unwrap();
    assert_eq!(store.count("tickets").await.unwrap(), 1200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backend() {
    let Some((url, admin, schema)) = common::postgres_schema("kbforge_test").await else {
        eprintln!("KBFORGE_TEST_SKIP_POSTGRES=1: Postgres suite not run");
        return;
    };
    let store = Store::open(&url).await.unwrap();
    assert_eq!(store.backend(), kbforge::store::Backend::Postgres);
    suite(&store).await;
    store.close().await;
    common::drop_postgres_schema(&admin, &schema).await;
}
