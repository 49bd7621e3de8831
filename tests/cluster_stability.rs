//! Cluster ids are stable: a run with 10% new tickets keeps the old tickets' clusters and every
//! article's cluster, both incrementally (the default) and through a full re-clustering.

use crate::common;

use std::collections::HashMap;

use common::{copy_dir, kbforge, ok};
use kbforge::store::Store;

const CONFIG: &str = "[site]\ntitle = \"Центр помощи\"\n";

fn pipeline(stages: &str) -> String {
    format!(
        "[pipeline]\nname = \"stability\"\nstages = [{stages}]\n\n[ingest]\nsources = [{{ format = \"omnidesk-export\", path = \"desk/omnidesk\" }}]\n"
    )
}

async fn memberships(store: &Store) -> HashMap<String, String> {
    sqlx::query_as::<_, (String, String)>("SELECT ticket_id, cluster_id FROM cluster_members")
        .fetch_all(store.pool())
        .await
        .unwrap()
        .into_iter()
        .collect()
}

async fn links(store: &Store) -> HashMap<String, String> {
    sqlx::query_as::<_, (String, String)>("SELECT article_id, cluster_id FROM drafts")
        .fetch_all(store.pool())
        .await
        .unwrap()
        .into_iter()
        .collect()
}

/// Share of `before`'s tickets that kept their cluster id in `after`.
fn kept(before: &HashMap<String, String>, after: &HashMap<String, String>) -> f64 {
    let same = before.iter().filter(|(t, c)| after.get(*t) == Some(c)).count();
    same as f64 / before.len() as f64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_percent_new_tickets_keep_old_clusters_and_articles() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path();
    copy_dir(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/omnidesk"), &ws.join("desk/omnidesk"));
    std::fs::write(ws.join("kbforge.toml"), CONFIG).unwrap();
    std::fs::create_dir_all(ws.join("pipelines")).unwrap();
    let rest = r#""clean", "extract", "classify", "embed", "cluster", "draft""#;
    std::fs::write(ws.join("pipelines/ingest.toml"), pipeline(r#""ingest""#)).unwrap();
    std::fs::write(ws.join("pipelines/rest.toml"), pipeline(rest)).unwrap();
    std::fs::write(ws.join("pipelines/all.toml"), pipeline(&format!(r#""ingest", {rest}"#))).unwrap();

    // The desk without every tenth ticket, clustered and drafted.
    ok(kbforge(ws, &["run", "pipelines/ingest.toml"]));
    let url = format!("sqlite://{}", ws.join(".kbforge/kbforge.sqlite").display());
    let store = Store::open(&url).await.unwrap();
    let held_back = sqlx::query("DELETE FROM tickets WHERE CAST(external_id AS INTEGER) % 10 = 3")
        .execute(store.pool())
        .await
        .unwrap()
        .rows_affected();
    assert!(held_back >= 40, "only {held_back} tickets held back");
    ok(kbforge(ws, &["run", "pipelines/rest.toml"]));
    let before = memberships(&store).await;
    let articles = links(&store).await;
    assert!(articles.len() >= 10, "only {} drafts", articles.len());

    // The held-back tenth arrives: assigned incrementally.
    let out = ok(kbforge(ws, &["run", "pipelines/all.toml"]));
    assert!(out.contains("incremental:"), "{out}");
    let after = memberships(&store).await;
    assert!(after.len() > before.len(), "no new questions were clustered:\n{out}");
    let share = kept(&before, &after);
    assert!(share >= 0.95, "only {:.1}% of old tickets kept their cluster:\n{out}", share * 100.0);
    eprintln!("incremental assignment: {:.1}% of the old tickets kept their cluster id", share * 100.0);
    let clusters: std::collections::HashSet<&String> = after.values().collect();
    let now_linked = links(&store).await;
    for (article, cluster) in &articles {
        assert!(clusters.contains(cluster), "article {article}'s cluster {cluster} is gone");
        assert_eq!(now_linked.get(article), Some(cluster), "article {article} moved to another cluster");
    }
    let joined: usize = out.split("new, ").nth(1).and_then(|s| s.split(' ').next()).and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(joined > 0, "no new question joined an existing cluster:\n{out}");

    // A full re-clustering maps the new clusters onto the old ids.
    std::fs::write(ws.join("kbforge.toml"), format!("{CONFIG}\n[cluster]\nincremental = false\n")).unwrap();
    let out = ok(kbforge(ws, &["run", "pipelines/all.toml"]));
    assert!(out.contains("full:"), "{out}");

    // Scenario exports name each staff action once, its dates, amounts and ids masked: the demo's
    // "продлён до 27.05.2025" and "продлён до 12.06.2025" are one action, not "продлён до 2" and
    // "продлён до 1".
    let jsonl = std::fs::read_to_string(ws.join("exports/scenarios.jsonl")).unwrap();
    let actions: Vec<(String, u64)> = jsonl
        .lines()
        .flat_map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["actions"].as_array().unwrap().clone())
        .map(|a| (a["action"].as_str().unwrap().to_string(), a["count"].as_u64().unwrap()))
        .collect();
    assert!(actions.iter().all(|(a, _)| !a.chars().any(|c| c.is_ascii_digit())), "an action keeps a value: {actions:?}");
    let extended: Vec<&(String, u64)> = actions.iter().filter(|(a, _)| a.starts_with("продлён до")).collect();
    assert!(!extended.is_empty() && extended.iter().all(|(a, _)| a == "продлён до <дата>"), "{actions:?}");
    assert!(extended.iter().map(|(_, n)| n).sum::<u64>() >= 5, "{actions:?}");

    // The demo's drafts, one per intent, are not flagged as near-duplicates of each other.
    let list = ok(kbforge(ws, &["review", "list"]));
    assert!(list.lines().count() > 10 && !list.contains("near-duplicate"), "{list}");
    let full = memberships(&store).await;
    let share = kept(&before, &full);
    eprintln!(
        "full re-clustering: {:.1}% of the first run's tickets, {:.1}% of the incremental run's kept their cluster id",
        share * 100.0,
        kept(&after, &full) * 100.0
    );
    // A full re-clustering may regroup some questions (that is what it is for); those whose group
    // survives keep its id.
    assert!(share >= 0.8, "only {:.1}% of tickets kept their cluster after a full re-clustering:\n{out}", share * 100.0);
    let clusters: std::collections::HashSet<&String> = full.values().collect();
    let now_linked = links(&store).await;
    for (article, cluster) in &articles {
        assert!(clusters.contains(cluster), "after a full re-clustering, article {article}'s cluster {cluster} is gone");
        assert_eq!(now_linked.get(article), Some(cluster), "article {article} moved to another cluster");
    }
}
