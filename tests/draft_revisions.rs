//! The draft stage never overwrites an editor's article: a changed cluster proposes a revision, a new
//! cluster asking what a live article answers proposes an update to it instead of a duplicate
//! draft, and an accepted proposal is not proposed again.

use crate::common;

use std::path::Path;

use kbforge::draft::{self, DraftConfig};
use kbforge::kb::{self, Status};
use kbforge::review::revisions;
use kbforge::store::{vector_to_bytes, Store};

async fn add_cluster(store: &Store, id: &str, centroid: &[f32], members: &[(&str, &str, &str)]) {
    sqlx::query("INSERT INTO clusters (id, size, kind, topic, medoid, updated_at, label, representatives, consistency, centroid) VALUES ($1, $2, 'flat', 'баланс', $3, '', '', '[]', 0.9, $4)")
        .bind(id)
        .bind(members.len() as i64)
        .bind(members[0].0)
        .bind(vector_to_bytes(centroid))
        .execute(store.pool())
        .await
        .unwrap();
    for (ticket, question, answer) in members {
        common::seed_qa(store, ticket, question, answer).await;
        sqlx::query("INSERT INTO cluster_members (ticket_id, cluster_id, similarity) VALUES ($1, $2, 0.9)")
            .bind(ticket)
            .bind(id)
            .execute(store.pool())
            .await
            .unwrap();
    }
}

async fn draft_stage(store: &Store, root: &Path) -> String {
    let (classify, guard) = (Default::default(), Default::default());
    let exports = draft::Exports { classify: &classify, guard: &guard, dir: root.join("exports") };
    let report = draft::run(store, &DraftConfig::default(), &Default::default(), &root.join("kb"), Some(exports), None).await.unwrap();
    report.summary
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edited_articles_get_proposals_not_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let kb_dir = root.join("kb");
    let store = Store::open(&format!("sqlite://{}", root.join("store.sqlite").display())).await.unwrap();
    let template = "Баланс виден на странице сертификата: введите код на podarokplus.ru/balance.";
    add_cluster(
        &store,
        "c-balance",
        &[1.0, 0.0, 0.0, 0.0],
        &[
            ("t:1", "Как проверить баланс сертификата?", template),
            ("t:2", "где посмотреть остаток на сертификате", template),
            ("t:3", "сколько денег осталось на подарочной карте?", template),
        ],
    )
    .await;
    add_cluster(&store, "c-pay", &[0.0, 0.0, 1.0, 0.0], &[("t:20", "Как оплатить картой?", "Картой МИР или через СБП.")]).await;
    add_cluster(&store, "c-gift", &[0.0, 0.0, 0.0, 1.0], &[("t:30", "Как подарить сертификат?", "Укажите почту получателя.")]).await;

    let summary = draft_stage(&store, root).await;
    assert!(summary.contains("1 drafts created"), "{summary}");
    let article = kb::load_all(&kb_dir).0.into_iter().next().expect("a draft");
    let id = article.front.id.clone();
    let path = kb_dir.join(&article.path);

    // The editor rewrites the text and approves it.
    let edited = std::fs::read_to_string(&path).unwrap().replace(template, "Баланс — на podarokplus.ru/balance, по коду сертификата.").replace("status: draft", "status: approved");
    std::fs::write(&path, &edited).unwrap();
    let summary = draft_stage(&store, root).await;
    assert!(summary.contains("1 reviewed") && summary.contains("0 revisions proposed"), "{summary}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);

    // The staff start answering with a new template: kbforge proposes it, the file stays.
    let new_template = "Баланс показан в личном кабинете и на странице podarokplus.ru/balance после ввода кода.";
    sqlx::query("UPDATE qa_pairs SET answer = $1 WHERE ticket_id IN ('t:1', 't:2', 't:3')").bind(new_template).execute(store.pool()).await.unwrap();
    let summary = draft_stage(&store, root).await;
    assert!(summary.contains("1 revisions proposed"), "{summary}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), edited, "the editor's text was overwritten");
    let open = revisions::open(&store, Some(&id)).await.unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].reason, revisions::REGENERATED);
    let diff = revisions::unified(&edited, &open[0].proposed, "current", "proposed");
    assert!(diff.contains(&format!("+{new_template}")) && diff.contains("-Баланс — на podarokplus.ru/balance"), "{diff}");
    assert!(open[0].proposed.contains("status: approved"), "the proposal dropped the editor's state");
    // Proposed once, not again on every run.
    let summary = draft_stage(&store, root).await;
    assert!(summary.contains("0 revisions proposed"), "{summary}");
    revisions::dismiss(&store, &kb_dir, open[0].id, "maria").await.unwrap();

    // A new cluster asks the same question: an update of the live article, not a second draft.
    add_cluster(
        &store,
        "c-balance-2",
        &[0.99, 0.14, 0.0, 0.0],
        &[
            ("t:4", "Подскажите остаток по карте", new_template),
            ("t:5", "Как узнать, сколько осталось денег на сертификате?", new_template),
            ("t:6", "баланс подарочной карты где смотреть?", new_template),
        ],
    )
    .await;
    let before = kb::load_all(&kb_dir).0.len();
    let summary = draft_stage(&store, root).await;
    assert_eq!(kb::load_all(&kb_dir).0.len(), before, "a duplicate draft was written: {summary}");
    let open = revisions::open(&store, Some(&id)).await.unwrap();
    assert_eq!(open.len(), 1, "{summary}");
    assert_eq!(open[0].reason, revisions::DUPLICATE);
    revisions::accept(&store, &kb_dir, open[0].id, "maria").await.unwrap();
    let updated = kb::find(&kb_dir, &id).unwrap();
    assert_eq!(updated.front.sources, vec!["t:1", "t:2", "t:3", "t:4", "t:5", "t:6"]);
    assert_eq!(updated.front.tickets, Some(6));
    assert_eq!(updated.front.status, Status::Approved);
    assert!(updated.body.contains("Баланс — на podarokplus.ru/balance"), "accepting phrasings changed the text");
    assert!(updated.front.also_asked.iter().any(|q| q.contains("сколько осталось денег")), "{:?}", updated.front.also_asked);
    // Nothing new to propose after that.
    let summary = draft_stage(&store, root).await;
    assert!(summary.contains("0 revisions proposed"), "{summary}");
    assert!(revisions::open(&store, None).await.unwrap().is_empty());
}
