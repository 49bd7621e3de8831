//! Ingest on bad input: every malformed record is quarantined with its file, line or record id and
//! field; the run goes on; counts reconcile; re-ingesting changes nothing.

use crate::common;

use kbforge::ingest::{ingest, SourceConfig, SourceFormat};
use kbforge::store::Store;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_records_are_quarantined_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("s.sqlite").display())).await.unwrap();
    let root = common::fixture("ingest/bad-records");
    let sources = vec![
        SourceConfig { format: SourceFormat::Jsonl, path: root.join("tickets.jsonl"), encoding: Default::default(), columns: None },
        SourceConfig { format: SourceFormat::OmnideskExport, path: root.join("omnidesk"), encoding: Default::default(), columns: None },
    ];
    let c = ingest(&store, &sources, &[]).await.unwrap();
    // JSONL: 7 lines = 2 stored + 1 duplicate + 1 open (skipped) + 3 quarantined.
    // Omnidesk: 6 cases = 1 stored + 2 skipped (spam, deleted) + 3 quarantined.
    assert_eq!(c.read, 13, "{c:?}");
    assert_eq!(c.stored, 3, "{c:?}");
    assert_eq!(c.duplicates, 1, "{c:?}");
    assert_eq!(c.skipped, 3, "{c:?}");
    assert_eq!(c.quarantined, 6, "{c:?}");
    assert_eq!(c.read, c.stored + c.unchanged + c.duplicates + c.skipped + c.quarantined);

    let q = store.quarantine_list().await.unwrap();
    let find = |needle: &str| q.iter().find(|e| e.location == needle).unwrap_or_else(|| panic!("no {needle} in {q:#?}"));
    assert!(find("line 3").source.ends_with("tickets.jsonl"));
    assert_eq!(find("line 4").field, "messages");
    assert_eq!(find("line 6").field, "created_at");
    assert_eq!(find("case 502").field, "created_at");
    assert_eq!(find("case 503").field, "messages");
    assert_eq!(find("entry \"5\"").field, "case_id");

    // HTML bodies become text; the quoted <blockquote> is gone.
    let (body,): (String,) = sqlx::query_as("SELECT body FROM messages WHERE ticket_id = 'omnidesk:501' AND position = 0")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert!(body.contains("Как активировать сертификат?"), "{body}");
    assert!(!body.contains("старое письмо"), "{body}");
    let (internal,): (i64,) = sqlx::query_as("SELECT internal FROM messages WHERE ticket_id = 'omnidesk:501' AND position = 2")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(internal, 1);

    // Again: nothing new.
    let again = ingest(&store, &sources, &[]).await.unwrap();
    assert_eq!(again.stored, 0);
    assert_eq!(again.unchanged, 3);
    assert_eq!(store.quarantine_list().await.unwrap().len(), 6);
    assert_eq!(store.count("tickets").await.unwrap(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_in_windows_1251_and_jsonl_in_utf16() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("s.sqlite").display())).await.unwrap();
    let root = common::fixture("ingest/encodings");
    let columns: kbforge::ingest::csv::CsvColumns = toml::from_str(
        r#"ticket-id = "Номер"
           subject = "Тема"
           status = "Статус"
           author = "Автор"
           created-at = "Дата"
           body = "Текст"
           internal = "Заметка"
           tags = "Метки"
           customer-values = ["клиент"]"#,
    )
    .unwrap();
    let sources = vec![
        SourceConfig { format: SourceFormat::Csv, path: root.join("export-1251.csv"), encoding: Default::default(), columns: Some(columns) },
        SourceConfig { format: SourceFormat::Jsonl, path: root.join("tickets-utf16.jsonl"), encoding: Default::default(), columns: None },
    ];
    let c = ingest(&store, &sources, &[]).await.unwrap();
    // CSV: tickets 701 and 702 stored, 703 open, the row with a bad date quarantined; JSONL: 801.
    assert_eq!((c.stored, c.skipped, c.quarantined), (3, 1, 1), "{c:?}");
    let q = store.quarantine_list().await.unwrap();
    assert_eq!((q[0].location.as_str(), q[0].field.as_str()), ("line 6", "Дата"), "{q:#?}");
    let rows: Vec<(String, String, i64, String)> = sqlx::query_as(
        "SELECT m.ticket_id, m.author, m.internal, m.body FROM messages m ORDER BY m.ticket_id, m.position",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(rows[0], ("csv:701".into(), "customer".into(), 0, "Как узнать остаток на сертификате?".into()));
    assert_eq!(rows[2].2, 1, "the note column marks an internal note");
    assert!(rows.iter().any(|r| r.0 == "csv:702" && r.3.contains("«Л'Этуаль»")));
    assert!(rows.iter().any(|r| r.0 == "jsonl:801" && r.3 == "Где проверить баланс сертификата?"));
    let (labels,): (String,) = sqlx::query_as("SELECT labels FROM tickets WHERE id = 'csv:701'").fetch_one(store.pool()).await.unwrap();
    assert_eq!(labels, r#"["баланс"]"#);
}

/// A chat exported from Omnidesk as it happens (`tests/fixtures/ingest/omnidesk-chat`): the customer
/// greets, tells the story and asks in three messages; the helpdesk's rule acknowledges; the agent
/// greets, holds, answers in two parts and says goodbye; a rule asks for a rating. One question and
/// one answer come out, each whole, and nothing of the greetings, the holding message or the rules.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_sent_in_parts_is_one_question_and_one_answer() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("s.sqlite").display())).await.unwrap();
    let path = common::fixture("ingest/omnidesk-chat");
    let sources = vec![SourceConfig { format: SourceFormat::OmnideskExport, path, encoding: Default::default(), columns: None }];
    let c = ingest(&store, &sources, &[]).await.unwrap();
    assert_eq!((c.read, c.stored, c.quarantined), (1, 1, 0), "{c:?}");
    kbforge::clean::run(&store, &Default::default()).await.unwrap();
    kbforge::extract::run(&store).await.unwrap();
    let (question, answer): (String, String) = sqlx::query_as("SELECT question, answer FROM qa_pairs WHERE ticket_id = 'omnidesk:95001'").fetch_one(store.pool()).await.unwrap();
    assert_eq!(question, "Купила сертификат Л'Этуаль на 3000 в подарок маме\nКак его активировать?");
    assert_eq!(
        answer,
        "Активировать сертификат не нужно: он действует сразу после оплаты.\n\nНа кассе Л'Этуаль назовите код из письма или покажите его с экрана, а на сайте введите код в корзине."
    );
}
