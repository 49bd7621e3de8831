//! The draft stage over the store and the kb folder: one draft per flat cluster, written only where
//! no editor has touched the article (their edits get proposed revisions instead), merged and
//! archived articles followed, and the cluster ↔ article links kept.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::*;
use crate::kb::{self, Article, Status};
use crate::kind::Kind;
use crate::review;
use crate::stage::{count, StageReport};
use crate::store::{now, Store};

/// Where the stage writes the scenario candidates and clarifying questions
/// ([`scenarios::export`]): the export of needs-action and empty clusters.
pub struct Exports<'a> {
    pub classify: &'a crate::classify::ClassifyConfig,
    pub guard: &'a crate::guard::Guard,
    pub dir: PathBuf,
}

/// The stage, and with `exports` the scenario export. An editor's correction that touched flat
/// clusters only leaves the export as it was and passes `None`. The model's `vocabulary`, when
/// there is one, keeps the title speller from "correcting" a word people write.
pub async fn run(
    store: &Store,
    config: &DraftConfig,
    queue: &crate::queue::QueueConfig,
    kb_dir: &Path,
    exports: Option<Exports<'_>>,
    vocabulary: Option<crate::embed::Vocabulary<'_>>,
) -> anyhow::Result<StageReport> {
    let started = Instant::now();
    let swept = crate::atomic::sweep(kb_dir).unwrap_or(0);
    if swept > 0 {
        tracing::warn!(files = swept, "removed temporary files an interrupted run left in the knowledge base");
    }
    let clusters: Vec<(String, i64, String, String, String, String)> =
        sqlx::query_as("SELECT id, size, kind, topic, label, representatives FROM clusters WHERE kind = 'flat' AND size >= $1 ORDER BY size DESC, id")
            .bind(config.min_cluster_size as i64)
            .fetch_all(store.pool())
            .await?;
    // The members of those clusters only: the texts of the rest are most of a large desk.
    let rows: Vec<(String, String, String, String, String, String, f64)> = sqlx::query_as(
        "SELECT m.cluster_id, q.ticket_id, q.question, q.answer, q.rating, q.kind, m.similarity
         FROM cluster_members m JOIN qa_pairs q ON q.ticket_id = m.ticket_id
         JOIN clusters c ON c.id = m.cluster_id AND c.kind = 'flat' AND c.size >= $1 ORDER BY q.ticket_id",
    )
    .bind(config.min_cluster_size as i64)
    .fetch_all(store.pool())
    .await?;
    let mut members: HashMap<String, Vec<Member>> = HashMap::new();
    for (cluster_id, ticket_id, question, answer, rating, kind, similarity) in rows {
        members.entry(cluster_id).or_default().push(Member {
            ticket_id,
            question,
            answer,
            rating,
            kind: Kind::parse(&kind).unwrap_or(Kind::Other),
            similarity,
        });
    }
    let spelling = super::spelling::Spelling::of(members.values().flatten()).knowing(vocabulary);
    let centroids = crate::cluster::inspect::centred_centroids(store).await?;
    let drafts: Vec<DraftRecord> =
        sqlx::query_as("SELECT article_id, cluster_id, path, generated_hash, body_hash FROM drafts").fetch_all(store.pool()).await?;
    let duplicate_links: HashMap<String, String> = review::revisions::linked_clusters(store).await?.into_iter().collect();
    let (articles, _) = kb::load_all(kb_dir);
    let mut taken_ids: HashSet<String> = articles.iter().map(|a| a.front.id.clone()).collect();
    taken_ids.extend(drafts.iter().map(|d| d.article_id.clone()));
    // Live articles and the centroid of the cluster each came from: a new cluster this close asks
    // the same question.
    let live: Vec<(&Article, &str, &crate::cluster::inspect::Centroid)> = articles
        .iter()
        .filter(|a| a.front.status.is_live())
        .filter_map(|a| {
            let cluster = drafts.iter().find(|d| d.article_id == a.front.id).map(|d| &d.cluster_id).or(a.front.cluster.as_ref())?;
            Some((a, cluster.as_str(), centroids.get(cluster)?))
        })
        .collect();
    let llm = llm::Client::from_config(&config.llm)?;
    let apart = crate::cluster::edit::set_apart(store).await?;

    let mut n = Counts::default();
    let mut claimed: HashSet<String> = HashSet::new();
    // An article stays with the cluster of its id: one that gave some of its tickets to a new
    // cluster (an editor's split) keeps it even when the new cluster is larger and overlaps it.
    let flat_ids: HashSet<&str> = clusters.iter().map(|c| c.0.as_str()).collect();
    let reserved: HashSet<&str> = drafts.iter().filter(|d| flat_ids.contains(d.cluster_id.as_str())).map(|d| d.article_id.as_str()).collect();
    let mut pending: Vec<Pending> = Vec::new();
    for (cluster_id, _size, _kind, topic, label, representatives) in &clusters {
        let Some(ms) = members.get(cluster_id) else { continue };
        // Which article does this cluster already have?
        let existing = drafts.iter().find(|d| d.cluster_id == *cluster_id && !claimed.contains(&d.article_id)).map(|d| d.article_id.clone()).or_else(|| {
            let ids: HashSet<&str> = ms.iter().map(|m| m.ticket_id.as_str()).collect();
            articles
                .iter()
                .filter(|a| a.front.cluster.is_some() && !claimed.contains(&a.front.id) && !reserved.contains(a.front.id.as_str()))
                .map(|a| (a, a.front.sources.iter().filter(|s| ids.contains(s.as_str())).count()))
                .filter(|(a, overlap)| *overlap * 2 > a.front.sources.len().min(ids.len()).max(1))
                .max_by_key(|(_, overlap)| *overlap)
                .map(|(a, _)| a.front.id.clone())
        });
        // A cluster merged into another article, or one that repeats a live article, feeds that
        // article through proposals.
        let merged_target = existing.as_deref().and_then(|id| merged_into(&articles, id));
        let repeats = match (&existing, &merged_target) {
            (Some(_), Some(target)) => Some(target.clone()),
            (Some(_), None) => None,
            (None, _) => duplicate_links.get(cluster_id).cloned().or_else(|| {
                let c = centroids.get(cluster_id)?;
                // Not one an editor split this cluster from.
                live.iter()
                    .filter(|(_, other, _)| !apart.contains(&crate::cluster::edit::apart_key(cluster_id, other)))
                    .map(|(a, _, ac)| (a, c.similarity(ac)))
                    .filter(|(_, sim)| *sim >= config.update_threshold)
                    .max_by(|x, y| x.1.total_cmp(&y.1))
                    .map(|(a, _)| a.front.id.clone())
            }),
        };
        // Drafted with the title spelled as the staff spell its words.
        let build = |id: &str| {
            build_draft(id, cluster_id, topic, ms, config).map(|mut a| {
                a.front.title = spelling.correct(&a.front.title);
                a
            })
        };
        if let Some(target) = repeats {
            let Some(candidate) = build("probe") else { continue };
            if let Some(a) = articles.iter().find(|a| a.front.id == target) {
                if propose_lists(store, kb_dir, a, cluster_id, &candidate, config).await? {
                    n.proposed += 1;
                } else {
                    n.unchanged += 1;
                }
            }
            continue;
        }
        let id = match existing {
            Some(id) => id,
            None => {
                let Some(probe) = build("probe") else { continue };
                unique_id(&slugify(&probe.front.title), &mut taken_ids)
            }
        };
        claimed.insert(id.clone());
        let Some(mut article) = build(&id) else { continue };
        // For the editor: what the cluster is about and its most typical questions.
        if !label.is_empty() {
            article.front.extra.insert("cluster_label".into(), serde_yaml::Value::from(label.as_str()));
        }
        let reps: Vec<String> = serde_json::from_str(representatives).unwrap_or_default();
        let reps: Vec<serde_yaml::Value> = reps
            .iter()
            .filter_map(|t| ms.iter().find(|m| &m.ticket_id == t))
            .map(|m| serde_yaml::Value::from(crate::clean::for_embedding(&m.question)))
            .collect();
        if !reps.is_empty() {
            article.front.extra.insert("representatives".into(), serde_yaml::Value::Sequence(reps));
        }
        let record = drafts.iter().find(|d| d.article_id == id);
        let on_disk = articles.iter().find(|a| a.front.id == id);
        let generated_body = body_hash(&article);
        pending.push(Pending { id, cluster_id, article, members: ms, record, on_disk, generated_body });
    }

    // Bodies from the language model: all requests first (at once, or shared with the workers),
    // then every draft takes its body from the cache.
    let mut llm_summary = String::new();
    if let Some(llm) = &llm {
        let mut wanted = Vec::new();
        for (i, p) in pending.iter_mut().enumerate() {
            // Only a new or changed suggestion is worth a request, and a draft the model failed on.
            let changed = p.record.is_none_or(|r| r.body_hash != p.generated_body);
            let failed_before = p.on_disk.is_some_and(|a| a.front.status == Status::Draft && !a.front.extra.contains_key("drafted_by"));
            if changed || failed_before {
                wanted.push((i, llm.request(&p.article, p.members)));
            } else if let Some(current) = p.on_disk {
                // The same suggestion as last time: keep the model's body (and its title), not
                // ask again. A run killed after the model answered writes what an uninterrupted
                // run would.
                p.article.body = current.body.clone();
                if let Some(by) = current.front.extra.get("drafted_by") {
                    p.article.front.extra.insert("drafted_by".into(), by.clone());
                }
                if let Some(by) = current.front.extra.get("title_by") {
                    p.article.front.extra.insert("title_by".into(), by.clone());
                    p.article.front.title = current.front.title.clone();
                }
            }
        }
        let requests: Vec<llm::Request> = wanted.iter().map(|(_, r)| r.clone()).collect();
        let fetched = llm::fetch(store, llm, &requests, queue).await?;
        let mut kept = 0;
        for (i, request) in wanted {
            let p = &mut pending[i];
            match fetched.bodies.get(&request.hash) {
                Some(reply) => {
                    // The model's title in the house style, where it is one; else the extractive one stays.
                    let (title, body) = llm::split_title(reply);
                    if let Some(title) = title.filter(|t| llm::acceptable_title(t)) {
                        p.article.front.title = title;
                        p.article.front.extra.insert("title_by".into(), serde_yaml::Value::from(request.model()));
                    }
                    p.article.body = body;
                    p.article.front.extra.insert("drafted_by".into(), serde_yaml::Value::from(request.model()));
                    n.llm += 1;
                }
                None => {
                    tracing::warn!("no body from the LLM for `{}`: the extractive draft stays", p.id);
                    kept += 1;
                }
            }
        }
        llm_summary = format!(
            "; LLM: {} bodies ({} asked now{}{})",
            count(n.llm),
            count(fetched.asked),
            if fetched.workers.is_empty() { String::new() } else { format!(", jobs done by {}", fetched.workers) },
            if kept > 0 { format!(", {kept} failed: extractive draft kept") } else { String::new() },
        );
    }

    for Pending { id, cluster_id, article, members: _, record, on_disk, generated_body } in pending {
        let path = on_disk.map(|a| a.path.clone()).or_else(|| record.map(|r| PathBuf::from(&r.path))).unwrap_or_else(|| article.path.clone());
        let full = kb_dir.join(&path);
        let text = article.render();
        let new_hash = crate::hash::text_hash(&text);
        match (std::fs::read_to_string(&full).ok(), record) {
            (None, Some(_)) => {
                n.removed += 1;
                continue;
            }
            (None, None) => {
                kb::write_atomic(&full, &text)?;
                n.created += 1;
            }
            (Some(current), _) => {
                let current_hash = crate::hash::text_hash(&current);
                let untouched = record.is_some_and(|r| r.generated_hash == current_hash)
                    && on_disk.is_some_and(|a| a.front.status == Status::Draft);
                if current == text {
                    n.unchanged += 1;
                } else if untouched {
                    kb::write_atomic(&full, &text)?;
                    n.updated += 1;
                } else {
                    // Reviewed or edited: the file is the editors' now.
                    if on_disk.is_some_and(|a| a.front.status != Status::Draft) {
                        n.reviewed += 1;
                    } else {
                        n.edited += 1;
                    }
                    // What kbforge would write now differs from what it last wrote: propose it.
                    let last_body = record.map(|r| r.body_hash.clone()).unwrap_or_default();
                    if let Some(current_article) = on_disk {
                        if !last_body.is_empty() && last_body != generated_body && body_hash(current_article) != generated_body {
                            let proposed = regenerated(&current, current_article, &article)
                                .ok_or_else(|| anyhow::anyhow!("`{}`: no front matter", path.display()))?;
                            if review::revisions::propose(store, &id, cluster_id, review::revisions::REGENERATED, &proposed, &current).await? {
                                n.proposed += 1;
                            }
                        }
                    }
                    // Still linked to this cluster; the file hash stays that of kbforge's last write
                    // (none if it never wrote this file), so the editors' text is never replaced.
                    let last_written = record.map(|r| r.generated_hash.clone()).unwrap_or_default();
                    link(store, &id, cluster_id, &path, &last_written, &generated_body).await?;
                    continue;
                }
            }
        }
        link(store, &id, cluster_id, &path, &new_hash, &generated_body).await?;
    }
    let exported = match &exports {
        Some(e) => Some(scenarios::export(store, e.classify, e.guard, &e.dir).await?),
        None => None,
    };
    let mut report = StageReport::new("draft", started);
    report.processed = clusters.len();
    report.written = n.created + n.updated;
    report.unchanged = n.unchanged + n.reviewed + n.edited;
    report.summary = format!(
        "{} flat clusters of {}+ questions: {} drafts created, {} updated, {} unchanged; left to the editors: {} reviewed, {} edited{}; {} revisions proposed{}",
        count(clusters.len()),
        config.min_cluster_size,
        count(n.created),
        count(n.updated),
        count(n.unchanged),
        count(n.reviewed),
        count(n.edited),
        if n.removed > 0 { format!(", {} deleted by an editor (not recreated)", n.removed) } else { String::new() },
        count(n.proposed),
        llm_summary,
    ) + &match exported {
        Some(exported) => format!(
            "; {} scenario candidates and {} clarifying questions in {}/",
            exported.scenarios,
            exported.clarifying,
            config.exports_dir.display()
        ),
        None => "; scenario exports unchanged (no needs-action or empty cluster touched)".to_string(),
    };
    Ok(report.finish(started))
}

/// A cluster's draft, built, on its way to the knowledge base.
struct Pending<'a> {
    id: String,
    cluster_id: &'a String,
    article: Article,
    members: &'a [Member],
    record: Option<&'a DraftRecord>,
    on_disk: Option<&'a Article>,
    /// The hash of the extractive body (what kbforge would suggest without the model).
    generated_body: String,
}

#[derive(Default)]
struct Counts {
    created: usize,
    updated: usize,
    unchanged: usize,
    reviewed: usize,
    edited: usize,
    removed: usize,
    proposed: usize,
    llm: usize,
}

#[derive(sqlx::FromRow)]
struct DraftRecord {
    article_id: String,
    cluster_id: String,
    path: String,
    generated_hash: String,
    body_hash: String,
}

/// Hash of what a generated article says: its title and body.
fn body_hash(a: &Article) -> String {
    crate::hash::text_hash(&format!("{}\n{}", a.front.title, a.body.trim()))
}

/// The article an article was merged into, following `merged_into` (at most 8 hops).
fn merged_into(articles: &[Article], id: &str) -> Option<String> {
    let mut current = id.to_string();
    let mut target = None;
    for _ in 0..8 {
        let a = articles.iter().find(|a| a.front.id == current)?;
        match a.front.extra.get("merged_into").and_then(|v| v.as_str()) {
            Some(next) if next != current => {
                target = Some(next.to_string());
                current = next.to_string();
            }
            _ => break,
        }
    }
    target
}

/// The editor's file with kbforge's new body and lists: the editor's title, status and every other
/// key stay; phrasings the editor added stay too.
fn regenerated(current_text: &str, current: &Article, generated: &Article) -> Option<String> {
    let mut front = generated.front.clone();
    for q in &current.front.also_asked {
        if !front.also_asked.contains(q) {
            front.also_asked.push(q.clone());
        }
    }
    let (yaml, _) = kb::split_front_matter(current_text);
    let with_body = format!("---\n{}---\n\n{}\n", yaml?, generated.body.trim_end());
    review::replace_front_lists(&with_body, &front)
}

/// Proposes that a live article absorb another cluster's sources and phrasings (its title among
/// them). Nothing is proposed when the article already has them all.
async fn propose_lists(store: &Store, kb_dir: &Path, article: &Article, cluster: &str, candidate: &Article, config: &DraftConfig) -> anyhow::Result<bool> {
    let mut front = article.front.clone();
    let new_sources: Vec<&String> = candidate.front.sources.iter().filter(|s| !front.sources.contains(s)).collect();
    let mut changed = !new_sources.is_empty();
    front.tickets = Some(front.tickets.unwrap_or(0) + new_sources.len() as u64);
    front.sources.extend(new_sources.into_iter().cloned());
    front.sources.sort();
    let norm = |q: &str| normalize_question(q);
    for q in std::iter::once(&candidate.front.title).chain(&candidate.front.also_asked) {
        let known = norm(&front.title) == norm(q) || front.also_asked.iter().any(|a| norm(a) == norm(q));
        if !known && front.also_asked.len() < config.max_also_asked * 2 {
            front.also_asked.push(q.clone());
            changed = true;
        }
    }
    if !changed {
        return Ok(false);
    }
    let path = kb_dir.join(&article.path);
    let current = std::fs::read_to_string(&path)?;
    let proposed = review::replace_front_lists(&current, &front).ok_or_else(|| anyhow::anyhow!("`{}`: no front matter", path.display()))?;
    Ok(review::revisions::propose(store, &article.front.id, cluster, review::revisions::DUPLICATE, &proposed, &current).await?)
}

/// Records which cluster an article belongs to, where it lives and the hash kbforge last wrote.
async fn link(store: &Store, article: &str, cluster: &str, path: &Path, generated_hash: &str, body_hash: &str) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO drafts (article_id, cluster_id, path, generated_hash, updated_at, body_hash) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (article_id) DO UPDATE SET cluster_id = excluded.cluster_id, path = excluded.path,
           generated_hash = excluded.generated_hash, updated_at = excluded.updated_at, body_hash = excluded.body_hash",
    )
    .bind(article)
    .bind(cluster)
    .bind(path.to_string_lossy().as_ref())
    .bind(generated_hash)
    .bind(now())
    .bind(body_hash)
    .execute(store.pool())
    .await?;
    Ok(())
}
