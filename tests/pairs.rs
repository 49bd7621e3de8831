//! Question–answer pairs through the store, on SQLite and Postgres, with the real model: the embed
//! stage embeds the staff answers that take part (a template once), the cluster stage clusters
//! tickets by question and answer together, and a later run assigns new tickets by the same rule;
//! editors' splits, moves and merges hold through later runs.

use crate::common;

use kbforge::cluster::ClusterConfig;
use kbforge::embed::{EmbedConfig, Embedder};
use kbforge::queue::QueueConfig;
use kbforge::store::Store;

fn embedder() -> Embedder {
    let config = EmbedConfig { model_dir: Some(common::model_dir()), ..EmbedConfig::default() };
    Embedder::load(&config, std::path::Path::new(".")).expect("the test model loads")
}

const TEMPLATE: &str = "Доставка небольших товаров стоит 299 ₽, при заказе от 3 000 ₽ бесплатно. Крупную технику привезём за 990 ₽, от 30 000 ₽ бесплатно.";

/// Two intents worded apart by the customers and answered alike by the staff (one of them with a
/// template two tickets share), one needs-action request and its reply.
const PAIRS: &[(&str, &str, &str, &str)] = &[
    ("t1", "cost", "сколько стоит доставка холодильника?", TEMPLATE),
    ("t2", "cost", "Хочу заказать пылесос, курьер платный? На сайте не нашла цену", TEMPLATE),
    ("t3", "cost", "доставка у вас платная или нет", "Небольшие товары доставляем за 299 ₽, а от 3 000 ₽ — бесплатно. Для крупной техники доставка 990 ₽, бесплатно от 30 000 ₽."),
    ("t4", "return", "Купил чайник на сайте, не подошёл по цвету. Можно сдать?", "Вернуть товар надлежащего качества можно в течение 14 дней, если сохранены упаковка и ярлыки. Оформите заявку в разделе «Мои заказы» → «Вернуть» или принесите товар в любой магазин."),
    ("t5", "return", "как оформить возврат заказа с сайта", "Заявку на возврат оформите в личном кабинете: «Мои заказы» → «Вернуть». Срок — 14 дней, товар должен быть без следов использования, с упаковкой и ярлыками. Можно также сдать его в любом магазине."),
    ("t6", "return", "Не понравилась кофеварка, хочу вернуть деньги, что делать?", "Товар можно вернуть в течение 14 дней при сохранённой упаковке и ярлыках. Заявка оформляется в «Мои заказы» → «Вернуть», либо приходите в любой наш магазин."),
    ("t9", "bonus", "где посмотреть сколько у меня бонусов", "Баланс бонусов показан в приложении в разделе «Профиль» → «Бонусы», а на сайте — в личном кабинете. Там же история начислений и списаний."),
    ("t10", "bonus", "Как узнать баланс бонусного счёта? Приложения нет", "Бонусы видны в личном кабинете на сайте, в разделе «Бонусы», вместе с историей начислений. В приложении это «Профиль» → «Бонусы»."),
    ("t11", "bonus", "сколько баллов накопилось, где проверить?", "Проверить баланс бонусов можно в личном кабинете на сайте или в приложении: «Профиль» → «Бонусы». Там же видно, когда они начислены и списаны."),
    // A desk has many intents, most with one ticket: similarities are centred on the desk's mean.
    ("t12", "warranty", "Сломался телефон через месяц, это по гарантии?", "Гарантийный ремонт делает сервисный центр производителя, адреса есть на сайте бренда. Возьмите с собой чек и гарантийный талон."),
    ("t13", "hours", "До скольки работает магазин на Ленина?", "Магазины работают ежедневно с 10:00 до 22:00, часы работы каждого указаны на странице «Магазины» на нашем сайте."),
    ("t14", "payment", "Можно ли оплатить заказ картой при получении?", "При получении принимаем оплату картой и наличными, курьер привезёт терминал. На сайте заказ можно оплатить картой или через СБП."),
    ("t15", "login", "Не приходит смс с кодом для входа", "Проверьте, что номер указан верно и телефон не блокирует сообщения с коротких номеров. Запросить код повторно можно через минуту."),
];

async fn seed(store: &Store) {
    for (id, _, question, answer) in PAIRS {
        common::seed_qa(store, id, question, answer).await;
    }
    common::seed_qa(store, "t7", "Перенесите доставку на субботу, заказ 12-3456", "Перенесли доставку на субботу.").await;
    sqlx::query("UPDATE qa_pairs SET kind = 'needs-action' WHERE ticket_id = 't7'").execute(store.pool()).await.unwrap();
}

async fn memberships(store: &Store) -> std::collections::HashMap<String, String> {
    sqlx::query_as::<_, (String, String)>("SELECT ticket_id, cluster_id FROM cluster_members").fetch_all(store.pool()).await.unwrap().into_iter().collect()
}

async fn suite(store: &Store) {
    let embedder = embedder();
    seed(store).await;
    let report = kbforge::embed::run(store, &embedder, &QueueConfig::default(), kbforge::cluster::wants_tokens(&ClusterConfig::default())).await.unwrap();
    // 14 questions and 13 answers (the needs-action reply takes no part), of which 2 repeat the template.
    assert!(report.summary.contains("14 questions"), "{}", report.summary);
    assert!(report.summary.contains("13 answers (1 repeated): 12 embedded"), "{}", report.summary);
    assert_eq!(store.count("embeddings").await.unwrap(), 26);
    // The answers' token states, for token matching in the answer half, the template's once; none
    // of the questions'.
    assert_eq!(store.count("token_states").await.unwrap(), 12, "a desk with answers keeps its answers' token states");
    let again = kbforge::embed::run(store, &embedder, &QueueConfig::default(), kbforge::cluster::wants_tokens(&ClusterConfig::default())).await.unwrap();
    assert_eq!(again.written, 0, "{}", again.summary);

    let config = ClusterConfig::default();
    let report = kbforge::cluster::run(store, &embedder, &config).await.unwrap();
    assert!(report.summary.contains("by question and answer"), "{}", report.summary);
    assert!(!report.summary.contains("new embeddings"), "{}", report.summary);
    let clusters = memberships(store).await;
    for (id, intent, _, _) in PAIRS {
        for (other, other_intent, _, _) in PAIRS {
            assert_eq!(clusters[*id] == clusters[*other], intent == other_intent, "{id} and {other}: {clusters:?}");
        }
    }
    assert_ne!(clusters["t7"], clusters["t1"], "{clusters:?}");

    // A new ticket joins the cluster it is on average as alike as tickets of one article are.
    common::seed_qa(store, "t8", "Сколько будет стоить доставка телевизора домой?", "Небольшие товары доставляем за 299 ₽, бесплатно от 3 000 ₽. Крупную технику, например телевизор, привезём за 990 ₽, а от 30 000 ₽ бесплатно.").await;
    kbforge::embed::run(store, &embedder, &QueueConfig::default(), kbforge::cluster::wants_tokens(&ClusterConfig::default())).await.unwrap();
    let report = kbforge::cluster::run(store, &embedder, &config).await.unwrap();
    assert!(report.summary.contains("incremental: 1 new, 1 joined"), "{}", report.summary);
    let after = memberships(store).await;
    assert_eq!(after["t8"], clusters["t1"], "{after:?}");
    for (id, _, _, _) in PAIRS {
        assert_eq!(after[*id], clusters[*id], "{id} moved");
    }
    editors_decide(store, &embedder).await;
}

/// Editors' corrections (`kbforge clusters split|move|merge`) hold through incremental runs and
/// full re-clusterings, whatever the similarity says.
async fn editors_decide(store: &Store, embedder: &Embedder) {
    use kbforge::cluster::edit::{self, Edit, EditError};
    let full = ClusterConfig { incremental: false, ..ClusterConfig::default() };
    let before = memberships(store).await;
    let (returns, bonus, cost) = (before["t4"].clone(), before["t9"].clone(), before["t1"].clone());

    // Refunds are an article of their own: t6 leaves the returns cluster.
    let split = edit::apply(store, &Edit::Split { cluster: returns.clone(), tickets: vec!["t6".into()] }, "Анна").await.unwrap();
    assert_eq!(split.moved, 1);
    assert_eq!(split.pinned, 3, "the split-off ticket and the two left behind are pinned");
    let refunds = split.target.clone();
    assert!(refunds != returns && refunds.starts_with("c-"), "{refunds}");
    let m = memberships(store).await;
    assert_eq!(m["t6"], refunds);
    assert_eq!(m["t4"], returns);
    // The two are told apart: neither draft is the other's near-duplicate.
    assert!(edit::set_apart(store).await.unwrap().contains(&edit::apart_key(&returns, &refunds)));
    // The correction's own rebuild of the two clusters' rows (what the review runs), then the
    // stage keeps it, then a full re-clustering does.
    let mut touched = split.touched.clone();
    touched.sort();
    let mut expected = vec![returns.clone(), refunds.clone()];
    expected.sort();
    assert_eq!(touched, expected);
    // Before the rebuild only the returns cluster has a row; after it both do, each with its class
    // (what decides whether the correction writes the scenario export again).
    assert_eq!(kbforge::cluster::kinds_of(store, &split.touched).await.unwrap().len(), 1);
    let report = kbforge::cluster::refresh(store, embedder, &split.touched).await.unwrap();
    assert!(report.summary.contains("3 questions of 2 clusters"), "{}", report.summary);
    let kinds = kbforge::cluster::kinds_of(store, &split.touched).await.unwrap();
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    assert!(kinds.iter().all(|k| kbforge::kind::Kind::parse(k).is_some()), "{kinds:?}");
    let sizes: Vec<(String, i64)> = sqlx::query_as("SELECT id, size FROM clusters WHERE id IN ($1, $2) ORDER BY size").bind(&refunds).bind(&returns).fetch_all(store.pool()).await.unwrap();
    assert_eq!(sizes, vec![(refunds.clone(), 1), (returns.clone(), 2)]);
    for config in [ClusterConfig::default(), full.clone()] {
        kbforge::cluster::run(store, embedder, &config).await.unwrap();
        let m = memberships(store).await;
        assert_eq!(m["t6"], refunds, "{m:?}");
        assert_eq!((m["t4"].as_str(), m["t5"].as_str()), (returns.as_str(), returns.as_str()), "{m:?}");
        let sizes: Vec<(String, i64)> = sqlx::query_as("SELECT id, size FROM clusters WHERE id IN ($1, $2) ORDER BY size").bind(&refunds).bind(&returns).fetch_all(store.pool()).await.unwrap();
        assert_eq!(sizes, vec![(refunds.clone(), 1), (returns.clone(), 2)]);
    }

    // Bonus questions merged into the delivery cost cluster stay there through a full
    // re-clustering, though nothing in them is alike.
    let merged = edit::apply(store, &Edit::Merge { into: cost.clone(), from: vec![bonus.clone()] }, "Анна").await.unwrap();
    assert_eq!(merged.moved, 3);
    // The emptied cluster's row goes with the rebuild.
    let report = kbforge::cluster::refresh(store, embedder, &merged.touched).await.unwrap();
    assert!(report.summary.contains("(1 emptied)"), "{}", report.summary);
    let gone: Vec<(String,)> = sqlx::query_as("SELECT id FROM clusters WHERE id = $1").bind(&bonus).fetch_all(store.pool()).await.unwrap();
    assert!(gone.is_empty(), "{gone:?}");
    let (size,): (i64,) = sqlx::query_as("SELECT size FROM clusters WHERE id = $1").bind(&cost).fetch_one(store.pool()).await.unwrap();
    assert_eq!(size as usize, memberships(store).await.values().filter(|c| **c == cost).count());
    kbforge::cluster::run(store, embedder, &full).await.unwrap();
    let m = memberships(store).await;
    for t in ["t1", "t2", "t3", "t8", "t9", "t10", "t11"] {
        assert_eq!(m[t], cost, "{t}: {m:?}");
    }
    // Moved back: t6 rejoins the returns cluster, and the split-off cluster is gone.
    let moved = edit::apply(store, &Edit::Move { tickets: vec!["t6".into()], to: returns.clone() }, "Борис").await.unwrap();
    assert_eq!((moved.moved, moved.target.as_str()), (1, returns.as_str()));
    kbforge::cluster::run(store, embedder, &full).await.unwrap();
    let m = memberships(store).await;
    assert!(["t4", "t5", "t6"].iter().all(|t| m[*t] == returns), "{m:?}");
    assert!(!m.values().any(|c| *c == refunds), "{m:?}");
    let pins = edit::pins(store).await.unwrap();
    assert_eq!(pins.iter().find(|p| p.ticket_id == "t6").map(|p| (p.cluster_id.as_str(), p.pinned_by.as_str())), Some((returns.as_str(), "Борис")));

    // What an editor may not do, each named.
    let err = |e: anyhow::Error| e.downcast::<EditError>().unwrap();
    let whole = edit::apply(store, &Edit::Split { cluster: returns.clone(), tickets: vec!["t4".into(), "t5".into(), "t6".into()] }, "Анна").await;
    assert_eq!(err(whole.unwrap_err()), EditError::SplitsEverything(returns.clone()));
    let wrong = edit::apply(store, &Edit::Split { cluster: returns.clone(), tickets: vec!["t1".into()] }, "Анна").await;
    assert!(matches!(err(wrong.unwrap_err()), EditError::WrongCluster { ticket, .. } if ticket == "t1"));
    let unknown = edit::apply(store, &Edit::Move { tickets: vec!["t404".into()], to: returns.clone() }, "Анна").await;
    assert_eq!(err(unknown.unwrap_err()), EditError::NoTicket("t404".into()));
    let nowhere = edit::apply(store, &Edit::Move { tickets: vec!["t1".into()], to: "c-none".into() }, "Анна").await;
    assert_eq!(err(nowhere.unwrap_err()), EditError::NoCluster("c-none".into()));

    // Unpinned, the clustering decides again: bonus and cost part at the next full run.
    let removed = edit::unpin(store, &[]).await.unwrap();
    assert_eq!(removed as usize, pins.len());
    kbforge::cluster::run(store, embedder, &full).await.unwrap();
    let m = memberships(store).await;
    assert_ne!(m["t9"], m["t1"], "{m:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pairs_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("kb.sqlite").display())).await.unwrap();
    suite(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pairs_on_postgres() {
    let Some((url, admin, schema)) = common::postgres_schema("kbforge_pairs").await else {
        eprintln!("KBFORGE_TEST_SKIP_POSTGRES=1: Postgres suite not run");
        return;
    };
    let store = Store::open(&url).await.unwrap();
    suite(&store).await;
    store.close().await;
    common::drop_postgres_schema(&admin, &schema).await;
}
