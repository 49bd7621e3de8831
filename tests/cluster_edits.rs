//! An editor corrects the clustering on the demo desk, with the real model: `kbforge clusters
//! split` makes a draft of the tickets split off and takes them out of the old one, the split holds
//! through a full re-clustering, and the review app's "split into a new article" does the same from
//! the article page, over HTTP and in Chromium. (Both store backends: tests/pairs.rs.)

use crate::common;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use common::{copy_dir, kbforge, ok};
use kbforge::kb;
use kbforge::store::Store;

const CONFIG: &str = "[site]\ntitle = \"Центр помощи\"\n";
const PIPELINE: &str = "[pipeline]\nname = \"edits\"\nstages = [\"ingest\", \"clean\", \"extract\", \"classify\", \"embed\", \"cluster\", \"draft\"]\n\n[ingest]\nsources = [{ format = \"omnidesk-export\", path = \"desk/omnidesk\" }]\n";

async fn memberships(store: &Store) -> HashMap<String, String> {
    sqlx::query_as::<_, (String, String)>("SELECT ticket_id, cluster_id FROM cluster_members").fetch_all(store.pool()).await.unwrap().into_iter().collect()
}

async fn article_of(store: &Store, cluster: &str) -> Option<String> {
    sqlx::query_as::<_, (String,)>("SELECT article_id FROM drafts WHERE cluster_id = $1").bind(cluster).fetch_optional(store.pool()).await.unwrap().map(|(a,)| a)
}

fn sources(kb_dir: &Path, article: &str) -> BTreeSet<String> {
    kb::find(kb_dir, article).unwrap().front.sources.into_iter().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editors_split_makes_a_draft_and_holds() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/omnidesk"), &ws.join("desk/omnidesk"));
    std::fs::write(ws.join("kbforge.toml"), CONFIG).unwrap();
    std::fs::create_dir_all(ws.join("pipelines")).unwrap();
    std::fs::write(ws.join("pipelines/all.toml"), PIPELINE).unwrap();
    ok(kbforge(ws, &["run", "pipelines/all.toml"]));
    let store = Store::open(&format!("sqlite://{}", ws.join(".kbforge/kbforge.sqlite").display())).await.unwrap();
    let kb_dir = ws.join("kb");

    // The largest drafted cluster; its three least typical tickets ask "something else".
    let (cluster, article): (String, String) = sqlx::query_as(
        "SELECT c.id, d.article_id FROM clusters c JOIN drafts d ON d.cluster_id = c.id WHERE c.kind = 'flat' ORDER BY c.size DESC, c.id LIMIT 1",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    let members: Vec<(String,)> =
        sqlx::query_as("SELECT ticket_id FROM cluster_members WHERE cluster_id = $1 ORDER BY similarity, ticket_id").bind(&cluster).fetch_all(store.pool()).await.unwrap();
    assert!(members.len() >= 10, "{cluster} has {} tickets", members.len());
    let chosen: Vec<String> = members.iter().take(3).map(|(t,)| t.clone()).collect();
    let before = sources(&kb_dir, &article);
    assert!(chosen.iter().all(|t| before.contains(t)), "{chosen:?} not among {article}'s sources");

    let mut args = vec!["clusters", "split", cluster.as_str()];
    args.extend(chosen.iter().map(String::as_str));
    args.extend(["--by", "Анна"]);
    let exports = std::fs::read_to_string(ws.join("exports/scenarios.jsonl")).unwrap();
    std::fs::write(ws.join("exports/scenarios.jsonl"), "").unwrap();
    let run = common::kbforge_logging(ws, &args, "kbforge=info");
    let loaded = common::loaded_model(&run);
    let out = ok(run);
    assert!(out.contains("3 tickets moved into c-"), "{out}");
    assert!(out.contains("1 drafts created"), "the split-off tickets get a draft of their own:\n{out}");
    // Every vector is in the cache: the model is never loaded. And a flat cluster's correction
    // leaves the scenario export alone.
    assert!(!loaded, "a correction loaded the model:\n{out}");
    assert!(out.contains("scenario exports unchanged"), "{out}");
    assert_eq!(std::fs::read_to_string(ws.join("exports/scenarios.jsonl")).unwrap(), "");
    std::fs::write(ws.join("exports/scenarios.jsonl"), &exports).unwrap();
    let m = memberships(&store).await;
    let split = m[&chosen[0]].clone();
    assert!(chosen.iter().all(|t| m[t] == split) && split != cluster, "{m:?}");
    // The old article keeps its id and cluster, and loses the tickets; the new draft has them.
    assert_eq!(article_of(&store, &cluster).await.as_deref(), Some(article.as_str()));
    let after = sources(&kb_dir, &article);
    assert!(chosen.iter().all(|t| !after.contains(t)), "{article} still lists {chosen:?}: {after:?}");
    let new_article = article_of(&store, &split).await.expect("a draft for the split-off cluster");
    let new_sources = sources(&kb_dir, &new_article);
    assert_eq!(new_sources, chosen.iter().cloned().collect::<BTreeSet<_>>());
    assert_eq!(kb::find(&kb_dir, &new_article).unwrap().front.status, kb::Status::Draft);
    // The article's history says who split what off.
    let history = kbforge::review::history(&store, &article).await.unwrap();
    assert!(history.iter().any(|e| e.action == "cluster" && e.by_user == "Анна" && e.note == format!("3 tickets split off into cluster {split}")), "{history:?}");
    let pins: serde_json::Value = serde_json::from_str(&ok(kbforge(ws, &["clusters", "pins", "--json"]))).unwrap();
    let pins = pins.as_array().unwrap();
    assert_eq!(pins.len(), members.len(), "every ticket of the split cluster is pinned: {pins:?}");
    assert!(pins.iter().all(|p| p["pinned_by"] == "Анна"));

    // The correction rebuilt only the clusters it touched (`cluster::refresh`): what the whole
    // stage then builds for them, and every membership, is the same.
    let rows_of = |ids: [&str; 2]| {
        let store = store.clone();
        let ids = ids.map(str::to_string);
        async move {
            let mut out = Vec::new();
            for id in ids {
                let row: (i64, String, String, String, String, String, f64, Vec<u8>, Vec<u8>) = sqlx::query_as(
                    "SELECT size, kind, topic, medoid, label, representatives, consistency, centroid, answer_centroid FROM clusters WHERE id = $1",
                )
                .bind(&id)
                .fetch_one(store.pool())
                .await
                .unwrap();
                out.push(row);
            }
            out
        }
    };
    let (refreshed, members_then) = (rows_of([cluster.as_str(), split.as_str()]).await, memberships(&store).await);
    let out = ok(kbforge(ws, &["stage", "cluster"]));
    assert!(out.contains("incremental: 0 new"), "{out}");
    assert_eq!(rows_of([cluster.as_str(), split.as_str()]).await, refreshed);
    assert_eq!(memberships(&store).await, members_then);

    // A full re-clustering keeps the split and both articles' clusters.
    std::fs::write(ws.join("kbforge.toml"), format!("{CONFIG}\n[cluster]\nincremental = false\n")).unwrap();
    let out = ok(kbforge(ws, &["run", "pipelines/all.toml"]));
    assert!(out.contains("full:"), "{out}");
    let m = memberships(&store).await;
    assert!(chosen.iter().all(|t| m[t] == split), "{m:?}");
    assert!(members.iter().skip(3).all(|(t,)| m[t] == cluster), "{m:?}");
    assert_eq!(article_of(&store, &cluster).await.as_deref(), Some(article.as_str()));
    assert_eq!(article_of(&store, &split).await.as_deref(), Some(new_article.as_str()));

    // What cannot be done is said, not done.
    let refused = kbforge(ws, &["clusters", "split", &cluster, &chosen[0]]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains(&format!("is in cluster `{split}`, not `{cluster}`")), "{refused:?}");

    // A needs-action cluster's correction writes the export again: the split-off tickets are a
    // scenario candidate of their own.
    let (action, size): (String, i64) =
        sqlx::query_as("SELECT id, size FROM clusters WHERE kind = 'needs-action' ORDER BY size DESC, id LIMIT 1").fetch_one(store.pool()).await.unwrap();
    assert!(size >= 6, "{action} has {size} tickets");
    let action_members: Vec<(String,)> =
        sqlx::query_as("SELECT ticket_id FROM cluster_members WHERE cluster_id = $1 ORDER BY similarity, ticket_id").bind(&action).fetch_all(store.pool()).await.unwrap();
    let exported_before = std::fs::read_to_string(ws.join("exports/scenarios.jsonl")).unwrap();
    let out = ok(kbforge(ws, &["clusters", "split", &action, &action_members[0].0, &action_members[1].0, &action_members[2].0]));
    assert!(out.contains("scenario candidates and"), "{out}");
    let exported_after = std::fs::read_to_string(ws.join("exports/scenarios.jsonl")).unwrap();
    let action_split = memberships(&store).await[&action_members[0].0].clone();
    assert!(!exported_before.contains(&action_split) && exported_after.contains(&action_split), "{exported_after}");

    // The review app: the article page lets an editor check tickets and split them off.
    kbforge::review::users::add(&store, "anna", "anna-password", kbforge::review::users::Role::Editor, false).await.unwrap();
    let base = common::start_app(ws, store.clone()).await;
    let (http, cookie) = common::login(&base, "anna", "anna-password").await;
    let page = http.get(format!("{base}/articles/{article}")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    let next = members[3].0.clone();
    assert!(page.contains("id=\"split-form\"") && page.contains(&format!("name=\"tickets\" value=\"{next}\"")), "{page}");
    let marker = "name=\"csrf\" value=\"";
    let csrf = page[page.find(marker).unwrap() + marker.len()..].split('"').next().unwrap().to_string();
    let r = post_form(&http, format!("{base}/articles/{article}/split"), &cookie, &[("csrf", csrf.as_str()), ("tickets", next.as_str()), ("tickets", members[4].0.as_str())]).await;
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let m = memberships(&store).await;
    assert_eq!(m[&next], m[&members[4].0]);
    assert!(m[&next] != cluster && m[&next] != split, "{m:?}");
    assert!(!sources(&kb_dir, &article).contains(&next));
    let web_article = article_of(&store, &m[&next]).await;
    assert!(web_article.is_none(), "two tickets are fewer than a draft needs: {web_article:?}");
    // Without the session's token nothing moves.
    let forged = post_form(&http, format!("{base}/articles/{article}/split"), &cookie, &[("csrf", "forged"), ("tickets", members[5].0.as_str())]).await;
    assert_eq!(forged.status(), reqwest::StatusCode::FORBIDDEN);
    assert_eq!(memberships(&store).await[&members[5].0], cluster);

    // Clusters without an article, nearest first, each with "add to this article": the two
    // tickets just split off are one of them, and adding them back returns them.
    let page = http.get(format!("{base}/articles/{article}")).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    let marker = "name=\"cluster\" value=\"";
    let offered: Vec<&str> = page.match_indices(marker).map(|(i, _)| page[i + marker.len()..].split('"').next().unwrap()).collect();
    let web_split = m[&next].clone();
    assert!(page.contains("id=\"h-near\"") && offered.contains(&web_split.as_str()), "{offered:?} lacks {web_split}");
    let r = post_form(&http, format!("{base}/articles/{article}/gather"), &cookie, &[("csrf", csrf.as_str()), ("cluster", web_split.as_str())]).await;
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let m = memberships(&store).await;
    assert_eq!((m[&next].as_str(), m[&members[4].0].as_str()), (cluster.as_str(), cluster.as_str()));
    assert!(sources(&kb_dir, &article).contains(&next));
    // Or the checked tickets belong to another article: "move" sends them to its cluster, and
    // both articles' histories say so.
    assert!(page.contains("id=\"move-to\"") && page.contains(&format!("<option value=\"{new_article}\">")), "{page}");
    let r = post_form(&http, format!("{base}/articles/{article}/move"), &cookie, &[("csrf", csrf.as_str()), ("tickets", next.as_str()), ("to", new_article.as_str())]).await;
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    assert_eq!(memberships(&store).await[&next], split);
    // To an article that is not there: said, and nothing moves.
    let r = post_form(&http, format!("{base}/articles/{article}/move"), &cookie, &[("csrf", csrf.as_str()), ("tickets", members[5].0.as_str()), ("to", "no-such-article")]).await;
    assert_eq!(r.status(), reqwest::StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("no-such-article"));
    assert_eq!(memberships(&store).await[&members[5].0], cluster);
    assert!(!sources(&kb_dir, &article).contains(&next) && sources(&kb_dir, &new_article).contains(&next));
    let history = kbforge::review::history(&store, &article).await.unwrap();
    assert!(history.iter().any(|e| e.action == "cluster" && e.by_user == "anna" && e.note == format!("1 tickets moved out to cluster {split}")), "{history:?}");
    let history = kbforge::review::history(&store, &new_article).await.unwrap();
    assert!(history.iter().any(|e| e.action == "cluster" && e.note == "1 tickets moved in"), "{history:?}");
    // The command line ranks the same way under `clusters show`.
    let shown = ok(kbforge(ws, &["clusters", "show", &cluster]));
    assert!(shown.contains("nearest clusters") && shown.contains(&split), "{shown}");

    // In a real browser: check a ticket under the article, press the button, land back on it.
    let Some(driver) = common::webdriver::chromedriver() else { return };
    let browser = common::webdriver::Browser::start(driver).await;
    browser.goto(&format!("{base}/articles/{article}")).await;
    browser.type_into("#name", "anna").await;
    browser.type_into("#password", "anna-password").await;
    browser.click("#login").await;
    let heading = browser.wait_text("#h-sources", "·").await;
    let shown: usize = heading.rsplit("· ").next().unwrap().trim().parse().unwrap_or_else(|e| panic!("{e}: {heading}"));
    let last = members[5].0.clone();
    browser.click(&format!("input[name='tickets'][value='{last}']")).await;
    browser.click("#split").await;
    browser.wait_text("#h-sources", &format!("· {}", shown - 1)).await;
    // And a move: check a ticket, pick the article it belongs to, press "move" (the form's
    // second button, which posts to its own address).
    let moved = members[9].0.clone();
    browser.click(&format!("input[name='tickets'][value='{moved}']")).await;
    browser.click(&format!("#move-to option[value='{new_article}']")).await;
    browser.click("#move").await;
    browser.wait_text("#h-sources", &format!("· {}", shown - 2)).await;
    let url = browser.url().await;
    browser.close().await;
    assert!(url.ends_with(&format!("/articles/{article}")), "{url}");
    let m = memberships(&store).await;
    assert!(m[&last] != cluster, "the browser's split did not move {last}: {m:?}");
    assert!(!sources(&kb_dir, &article).contains(&last));
    assert_eq!(m[&moved], split, "the browser's move");

    // Split off an approved article: the tickets get a draft of their own, not proposed back into
    // the article they were split from (their centroids are alike: they were one cluster), and
    // review does not flag the splits as near-duplicates of it (two splits may still be flagged as
    // each other's: nobody told those apart).
    ok(kbforge(ws, &["review", "approve", &article, "--by", "Анна"]));
    let more: Vec<&str> = members[6..9].iter().map(|(t,)| t.as_str()).collect();
    let mut args = vec!["clusters", "split", cluster.as_str()];
    args.extend(&more);
    let out = ok(kbforge(ws, &args));
    assert!(out.contains("1 drafts created"), "{out}");
    let list = ok(kbforge(ws, &["review", "list"]));
    assert!(!list.contains(&format!("near-duplicate of approved `{article}`")), "{list}");

    // The editor decides the two splits ask one thing after all: merging their clusters merges
    // the second's draft into the first's, so it does not linger beside it.
    let second = memberships(&store).await[more[0]].clone();
    let second_article = article_of(&store, &second).await.expect("the second split's draft");
    let out = ok(kbforge(ws, &["clusters", "merge", &split, &second]));
    assert!(out.contains(&format!("article {second_article} merged into the one of {split}")), "{out}");
    let retired = kb::find(&kb_dir, &second_article).unwrap();
    assert_eq!(retired.front.status, kb::Status::Rejected);
    let kept = sources(&kb_dir, &new_article);
    assert!(more.iter().all(|t| kept.contains(*t)) && chosen.iter().all(|t| kept.contains(t)), "{kept:?}");

    // The review app's "merge in" of two articles drafted from clusters merges the clusters too:
    // the editor said they ask one thing, and later clusterings keep that.
    let r = post_form(&http, format!("{base}/articles/{article}/merge"), &cookie, &[("csrf", csrf.as_str()), ("from", new_article.as_str())]).await;
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let m = memberships(&store).await;
    assert!(chosen.iter().chain(more.iter().map(|t| t.to_string()).collect::<Vec<_>>().iter()).all(|t| m[t] == cluster), "{m:?}");
    let retired = kb::find(&kb_dir, &new_article).unwrap();
    assert_eq!(retired.front.status, kb::Status::Rejected);
    assert_eq!(retired.front.extra.get("merged_into").and_then(|v| v.as_str()), Some(article.as_str()));
    let history = kbforge::review::history(&store, &article).await.unwrap();
    assert!(history.iter().any(|e| e.action == "cluster" && e.note == format!("clusters merged in: {split}")), "{history:?}");
}

/// Posts a form as the review app's pages do (a name may repeat: `tickets`).
async fn post_form(http: &reqwest::Client, url: String, cookie: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    http.post(url).header("cookie", cookie).form(fields).send().await.unwrap()
}
