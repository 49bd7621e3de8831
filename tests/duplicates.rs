//! Near-duplicates before publish: a draft whose source cluster asks what a live article (or a
//! bigger draft) already answers is flagged in `kbforge review list` and in the review app, with
//! "merge into" as its first action; merging it there moves its phrasings and tickets over.

use crate::common;

use common::{kbforge, ok};

fn article(id: &str, title: &str, cluster: &str, status: &str, tickets: u64) -> String {
    format!("---\nid: {id}\ntitle: \"{title}\"\nstatus: {status}\naudience: public\ntopic: сертификаты\ncluster: {cluster}\ntickets: {tickets}\nsources: [\"t:{id}\"]\nalso_asked: [\"{title} (иначе)\"]\n---\n\nОтвет.\n")
}

/// A unit vector with `x` on axis `i` and `y` on axis `j`.
fn unit(d: usize, i: usize, x: f32, j: usize, y: f32) -> Vec<f32> {
    let mut v = vec![0f32; d];
    v[i] += x;
    v[j] += y;
    let n = v.iter().map(|a| a * a).sum::<f32>().sqrt();
    v.iter().map(|a| a / n).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_duplicates_are_flagged_with_merge_first() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path();
    std::fs::write(ws.join("kbforge.toml"), "").unwrap();
    let kb = ws.join("kb");
    std::fs::create_dir_all(&kb).unwrap();
    // The demo's pairs: two "which stores" articles, two "pay the difference" drafts.
    for (id, title, cluster, status, tickets) in [
        ("kakie-magaziny", "Какие магазины принимают ваши сертификаты?", "c-stores", "published", 15),
        ("gde-adresa", "Где найти адреса магазинов, которые принимают сертификат?", "c-stores-2", "draft", 4),
        ("doplata", "Если покупка дороже сертификата, можно доплатить картой?", "c-pay", "draft", 12),
        ("doplata-2", "Если товар дороже то сертификат не сгорит?", "c-pay-2", "draft", 3),
        ("balans", "Как проверить баланс сертификата?", "c-balance", "draft", 16),
    ] {
        std::fs::write(kb.join(format!("{id}.md")), article(id, title, cluster, status, tickets)).unwrap();
    }
    let store = kbforge::store::Store::open(&format!("sqlite://{}", ws.join(".kbforge/kbforge.sqlite").display())).await.unwrap();
    let d = 8;
    for (id, centroid) in [
        ("c-stores", unit(d, 0, 1.0, 1, 0.0)),
        ("c-stores-2", unit(d, 0, 0.95, 1, 0.3)),
        ("c-pay", unit(d, 2, 1.0, 3, 0.0)),
        ("c-pay-2", unit(d, 2, 0.9, 3, 0.4)),
        ("c-balance", unit(d, 4, 1.0, 5, 0.0)),
        ("c-resend", unit(d, 6, 1.0, 7, 0.0)),
    ] {
        sqlx::query("INSERT INTO clusters (id, size, kind, topic, medoid, updated_at, centroid) VALUES ($1, 5, 'flat', '', '', '', $2)")
            .bind(id)
            .bind(kbforge::store::vector_to_bytes(&centroid))
            .execute(store.pool())
            .await
            .unwrap();
    }

    let list = ok(kbforge(ws, &["review", "list"]));
    let flagged: Vec<&str> = list.lines().filter(|l| l.contains("near-duplicate of")).collect();
    assert_eq!(flagged.len(), 2, "{list}");
    assert!(list.contains("near-duplicate of published `kakie-magaziny`") && list.contains("kbforge review merge kakie-magaziny gde-adresa"), "{list}");
    assert!(list.contains("near-duplicate of draft `doplata`") && list.contains("kbforge review merge doplata doplata-2"), "{list}");
    assert!(!list.contains("merge balans") && !list.contains("merge doplata-2 doplata"), "{list}");

    // The review app: the list flags them, the draft's page puts the merge first.
    kbforge::review::users::add(&store, "maria", "maria-password", kbforge::review::users::Role::Editor, false).await.unwrap();
    let base = common::start_app(ws, store.clone()).await;
    let (http, cookie) = common::login(&base, "maria", "maria-password").await;
    let page = http.get(format!("{base}/articles?state=draft")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Почти повтор статьи") && page.contains("Объединить со статьёй «Какие магазины принимают ваши сертификаты?»"), "{page}");
    let page = http.get(format!("{base}/articles/doplata-2")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    let merge_first = page.find("id=\"merge-first\"").expect("the merge notice");
    let actions = page.find("class=\"actions\"").expect("the actions");
    assert!(merge_first < actions, "merge comes before approve");
    assert!(page.contains("action=\"/articles/doplata/merge\""), "{page}");

    // Merged as the flag says: the duplicate is gone from the list, its phrasing joined the kept one.
    ok(kbforge(ws, &["review", "merge", "doplata", "doplata-2"]));
    let list = ok(kbforge(ws, &["review", "list"]));
    assert!(!list.contains("kbforge review merge doplata doplata-2"), "{list}");
    let kept = std::fs::read_to_string(kb.join("doplata.md")).unwrap();
    assert!(kept.contains("Если товар дороже то сертификат не сгорит?"), "{kept}");
}

/// The demo desk clustered by questions alone (`[cluster] method = "graph"`, the method that drafted
/// the pairs: «Почему не дали доплатить?» beside «Если товар дороже то сертификат не
/// сгорит?», «В каких магазинах принимают…» beside «Где можно потратить сертификат?») with the real
/// model: every second draft of an intent is flagged into the first, and no draft into another
/// intent's. `eval desk` scores the flag against the labels.
#[test]
fn the_demos_duplicate_drafts_are_flagged() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("kbforge.toml"), "[cluster]\nmethod = \"graph\"\n").unwrap();
    let (tickets, labels) = (root.join("examples/omnidesk"), root.join("examples/labels.jsonl"));
    let out = ok(kbforge(tmp.path(), &["eval", "desk", tickets.to_str().unwrap(), "--labels", labels.to_str().unwrap(), "--json", "--drafts"]));
    let r: serde_json::Value = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"));
    let duplicates = r["duplicates"].as_u64().unwrap();
    assert!(duplicates >= 5, "the question method no longer drafts the demo's duplicates: {out}");
    assert_eq!(r["duplicate_flags"]["caught"].as_u64(), Some(duplicates), "{out}");
    assert_eq!(r["duplicate_flags"]["wrong"].as_u64(), Some(0), "{out}");
    for intent in ["surcharge/pay-the-difference", "where_to_use/which-stores"] {
        let drafts: Vec<&serde_json::Value> = r["details"].as_array().unwrap().iter().filter(|d| d["intent"] == intent).collect();
        assert_eq!(drafts.len(), 2, "{intent}: {out}");
        let flagged: Vec<&&serde_json::Value> = drafts.iter().filter(|d| d["flagged_into"].is_string()).collect();
        assert_eq!(flagged.len(), 1, "{intent}: one of the pair is flagged: {out}");
        let other = drafts.iter().find(|d| d["flagged_into"].is_null()).unwrap();
        assert_eq!(flagged[0]["flagged_into"], other["id"], "{intent}: merged into its twin");
    }
}
