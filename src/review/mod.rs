//! Review: editors move articles through their states. The state lives in the article's front
//! matter, so the knowledge base folder stays the single source of truth (and can live in git).
//!
//! Entry points: [`list`], [`transition`] (a state change, recorded in the store's history),
//! [`save_edit`], [`merge`]; proposed revisions are in [`revisions`], what an editor sees beside a
//! draft in [`context`], editors' accounts in [`users`]. A state change edits only the `status`,
//! `<state>_by`, `<state>_at` (and for a rejection `review_note`) lines; everything else in the file
//! stays as the editor wrote it.

pub mod context;
pub mod revisions;
pub mod users;

use std::path::Path;

use crate::kb::{self, Article, KbError, Status};
use crate::store::Store;

/// Articles, optionally only those in one state, sorted by state then id.
pub fn list(kb_dir: &Path, status: Option<Status>) -> (Vec<Article>, Vec<KbError>) {
    let (mut articles, errors) = kb::load_all(kb_dir);
    articles.retain(|a| status.is_none_or(|s| a.front.status == s));
    articles.sort_by(|a, b| a.front.status.cmp(&b.front.status).then_with(|| a.front.id.cmp(&b.front.id)));
    (articles, errors)
}

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error(transparent)]
    Kb(#[from] KbError),
    #[error("article `{id}` is {from}; it cannot become {to}")]
    Transition { id: String, from: &'static str, to: &'static str },
    #[error("cannot merge `{0}` into itself")]
    MergeSelf(String),
    #[error("article `{id}` answers a {kind} cluster ({why}): not a help-center answer. Approve it anyway only if it should go live: `kbforge review approve {id} --confirm-not-flat`, or tick the box in the app")]
    NotFlat { id: String, kind: String, why: &'static str },
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// Whether an editor may move an article from one state to another.
pub fn allowed(from: Status, to: Status) -> bool {
    use Status::*;
    matches!(
        (from, to),
        (Draft, Approved) | (Draft, Rejected) | (Rejected, Approved) | (Approved, Rejected) | (Rejected, Draft)
            | (Approved, Draft) | (Approved, Published) | (Published, Archived) | (Archived, Draft) | (Published, Draft)
    ) || from == to
}

/// Moves the article `id` to `status`, recording who and when.
pub fn set_status(kb_dir: &Path, id: &str, status: Status, by: &str, note: Option<&str>) -> Result<Article, ReviewError> {
    let article = kb::find(kb_dir, id)?;
    if !allowed(article.front.status, status) {
        return Err(ReviewError::Transition { id: id.to_string(), from: article.front.status.as_str(), to: status.as_str() });
    }
    let at = crate::store::now();
    // Who approved or rejected is `reviewed_*`; publishing and archiving keep their own record.
    let (by_key, at_key) = match status {
        Status::Published => ("published_by", "published_at"),
        Status::Archived => ("archived_by", "archived_at"),
        _ => ("reviewed_by", "reviewed_at"),
    };
    let mut fields = vec![("status", status.as_str()), (by_key, by), (at_key, at.as_str())];
    if let Some(note) = note {
        fields.push(("review_note", note));
    }
    kb::set_front_matter_fields(&kb_dir.join(&article.path), &fields)?;
    Ok(kb::find(kb_dir, id)?)
}

/// One entry of an article's history.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow)]
pub struct Event {
    pub article_id: String,
    pub action: String,
    pub from_status: String,
    pub to_status: String,
    pub by_user: String,
    pub at: String,
    pub note: String,
}

/// Records one entry of an article's history.
pub async fn record(store: &Store, article: &str, action: &str, from: Status, to: Status, by: &str, note: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO article_events (article_id, action, from_status, to_status, by_user, at, note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(article)
    .bind(action)
    .bind(from.as_str())
    .bind(to.as_str())
    .bind(by)
    .bind(crate::store::now())
    .bind(note)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// An article's history, oldest first.
pub async fn history(store: &Store, article: &str) -> Result<Vec<Event>, sqlx::Error> {
    sqlx::query_as("SELECT article_id, action, from_status, to_status, by_user, at, note FROM article_events WHERE article_id = $1 ORDER BY id")
        .bind(article)
        .fetch_all(store.pool())
        .await
}

/// What a cluster of each kind that is not flat needs instead of an article.
pub fn not_flat_reason(kind: &str) -> &'static str {
    match kind {
        "needs-action" => "staff had to act in the admin panel or CRM: a scenario, not an article",
        "empty" => "requests without a question: a clarifying reply, not an article",
        _ => "thanks, spam or noise: nothing to answer",
    }
}

/// The live-or-draft articles drawn from a cluster that is not flat, with the cluster's kind: what
/// such an article says is not a help-center answer, so it goes live only when an editor approved
/// it after the warning (`approved_not_flat` in its front matter names the kind they saw).
pub async fn not_flat(store: &Store, articles: &[Article]) -> Result<std::collections::HashMap<String, String>, sqlx::Error> {
    let kinds: std::collections::HashMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT id, kind FROM clusters").fetch_all(store.pool()).await?.into_iter().collect();
    Ok(articles
        .iter()
        .filter_map(|a| {
            let kind = kinds.get(a.front.cluster.as_deref()?)?;
            (kind != "flat").then(|| (a.front.id.clone(), kind.clone()))
        })
        .collect())
}

/// Whether an editor approved `article` knowing its cluster is `kind`.
pub fn confirmed_not_flat(article: &Article, kind: &str) -> bool {
    article.front.extra.get("approved_not_flat").and_then(|v| v.as_str()) == Some(kind)
}

/// Approves `id`. An article from a cluster that is not flat is refused ([`ReviewError::NotFlat`])
/// unless `confirm_not_flat`; then the kind the editor saw is written to its front matter, and
/// publishing lets it through.
pub async fn approve(store: &Store, kb_dir: &Path, id: &str, by: &str, confirm_not_flat: bool) -> Result<Article, ReviewError> {
    let article = kb::find(kb_dir, id)?;
    if let Some(kind) = not_flat(store, std::slice::from_ref(&article)).await?.remove(id) {
        if !confirm_not_flat && !confirmed_not_flat(&article, &kind) {
            return Err(ReviewError::NotFlat { id: id.to_string(), why: not_flat_reason(&kind), kind });
        }
        kb::set_front_matter_fields(&kb_dir.join(&article.path), &[("approved_not_flat", kind.as_str())])?;
    }
    transition(store, kb_dir, id, Status::Approved, by, None).await
}

/// Moves the article `id` to `status` ([`set_status`]) and records who and when in its history.
pub async fn transition(store: &Store, kb_dir: &Path, id: &str, status: Status, by: &str, note: Option<&str>) -> Result<Article, ReviewError> {
    let from = kb::find(kb_dir, id)?.front.status;
    let article = set_status(kb_dir, id, status, by, note)?;
    if from != status {
        record(store, id, "status", from, status, by, note.unwrap_or_default()).await?;
    }
    Ok(article)
}

/// Saves an editor's new title and body. The front matter stays as it was, but for the title line;
/// an article that was live goes back to `draft`, so a changed text is approved again.
pub async fn save_edit(store: &Store, kb_dir: &Path, id: &str, title: &str, body: &str, by: &str) -> Result<Article, ReviewError> {
    let article = kb::find(kb_dir, id)?;
    let path = kb_dir.join(&article.path);
    let text = std::fs::read_to_string(&path).map_err(|source| KbError::Read { path: path.clone(), source })?;
    let (front, _) = kb::split_front_matter(&text);
    let front = front.ok_or_else(|| KbError::NoFrontMatter { path: path.clone() })?;
    let body = body.replace("\r\n", "\n");
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut fields = vec![("title", title.as_str())];
    let from = article.front.status;
    let to = if from.is_live() { Status::Draft } else { from };
    let at = crate::store::now();
    if to != from {
        fields.extend([("status", to.as_str()), ("reviewed_by", by), ("reviewed_at", at.as_str())]);
    }
    let updated = kb::set_fields_in_text(&format!("---\n{front}---\n\n{}\n", body.trim_end()), &fields)
        .ok_or_else(|| KbError::NoFrontMatter { path: path.clone() })?;
    // Reject what would not parse back, before it reaches the file.
    Article::parse(&article.path, &updated)?;
    if updated != text {
        kb::write_atomic(&path, &updated)?;
        record(store, id, "edit", from, to, by, "").await?;
    }
    Ok(kb::find(kb_dir, id)?)
}

/// Merges the article `from` into `into`: its sources, ticket count and phrasings (its title among
/// them) join `into`, and `from` is rejected with `merged_into`, so the pipeline never drafts it again.
pub async fn merge(store: &Store, kb_dir: &Path, into: &str, from: &str, by: &str) -> Result<Article, ReviewError> {
    if into == from {
        return Err(ReviewError::MergeSelf(into.to_string()));
    }
    let target = kb::find(kb_dir, into)?;
    let source = kb::find(kb_dir, from)?;
    if !allowed(source.front.status, Status::Rejected) {
        return Err(ReviewError::Transition { id: from.to_string(), from: source.front.status.as_str(), to: "merged" });
    }
    let mut merged = target.clone();
    let f = &mut merged.front;
    for s in &source.front.sources {
        if !f.sources.contains(s) {
            f.sources.push(s.clone());
        }
    }
    f.sources.sort();
    f.tickets = Some(f.tickets.unwrap_or(0) + source.front.tickets.unwrap_or(0));
    let known = |f: &kb::FrontMatter, q: &str| f.title.eq_ignore_ascii_case(q) || f.also_asked.iter().any(|a| a.eq_ignore_ascii_case(q));
    for q in std::iter::once(&source.front.title).chain(&source.front.also_asked) {
        if !known(f, q) {
            f.also_asked.push(q.clone());
        }
    }
    let path = kb_dir.join(&target.path);
    let text = std::fs::read_to_string(&path).map_err(|source| KbError::Read { path: path.clone(), source })?;
    let updated = replace_front_lists(&text, &merged.front).ok_or_else(|| KbError::NoFrontMatter { path: path.clone() })?;
    kb::write_atomic(&path, &updated)?;
    let note = format!("merged into {into}");
    set_status(kb_dir, from, Status::Rejected, by, Some(&note))?;
    kb::set_front_matter_fields(&kb_dir.join(&source.path), &[("merged_into", into)])?;
    record(store, from, "merge", source.front.status, Status::Rejected, by, &note).await?;
    record(store, into, "merge", target.front.status, target.front.status, by, &format!("merged {from} in")).await?;
    // `from` keeps its link to its cluster; the draft stage follows `merged_into` and proposes that
    // cluster's changes to `into`.
    Ok(kb::find(kb_dir, into)?)
}

/// Replaces the `sources`, `tickets` and `also_asked` keys of a file's front matter with those of
/// `front`, keeping every other line as it is.
pub fn replace_front_lists(text: &str, front: &kb::FrontMatter) -> Option<String> {
    let (yaml, body) = kb::split_front_matter(text);
    let yaml = yaml?;
    let managed = ["sources", "tickets", "also_asked"];
    let mut kept: Vec<&str> = Vec::new();
    // The new lists go where the first of them was, so a diff shows only what changed.
    let mut at: Option<usize> = None;
    let mut skipping = false;
    for line in yaml.lines() {
        let top_key = !line.starts_with([' ', '-', '\t', '#']) && line.contains(':');
        if top_key {
            skipping = managed.iter().any(|k| line.starts_with(&format!("{k}:")));
            if skipping && at.is_none() {
                at = Some(kept.len());
            }
        }
        if !skipping {
            kept.push(line);
        }
    }
    #[derive(serde::Serialize)]
    struct Lists<'a> {
        #[serde(skip_serializing_if = "is_empty")]
        sources: &'a [String],
        #[serde(skip_serializing_if = "Option::is_none")]
        tickets: Option<u64>,
        #[serde(skip_serializing_if = "is_empty")]
        also_asked: &'a [String],
    }
    fn is_empty(s: &&[String]) -> bool {
        s.is_empty()
    }
    let lists = serde_yaml::to_string(&Lists { sources: &front.sources, tickets: front.tickets, also_asked: &front.also_asked }).ok()?;
    let lists = if lists.trim() == "{}" { String::new() } else { lists };
    let at = at.unwrap_or(kept.len());
    let mut lines: Vec<&str> = kept[..at].to_vec();
    lines.extend(lists.lines());
    lines.extend(&kept[at..]);
    Some(format!("---\n{}\n---\n{}", lines.join("\n"), body))
}

/// The cluster an article was drafted from: the draft stage's record, else its front matter.
pub async fn cluster_of(store: &Store, kb_dir: &Path, article: &str) -> anyhow::Result<Option<String>> {
    let drafted: Option<(String,)> = sqlx::query_as("SELECT cluster_id FROM drafts WHERE article_id = $1").bind(article).fetch_optional(store.pool()).await?;
    Ok(match drafted {
        Some((cluster,)) => Some(cluster),
        None => crate::kb::find(kb_dir, article)?.front.cluster,
    })
}

/// An editor's correction to the clustering ([`crate::cluster::edit`]), as the review records it:
/// the store's membership and pins change, the article it changed says so in its history, and
/// after a merge each merged cluster's article is merged into the one of the cluster it joined
/// ([`merge`]), so its draft does not linger beside the one that now holds its tickets (one that
/// cannot be, a published article say, is left for the editor with a warning). Returns what the
/// edit did and the articles merged. The caller runs the cluster and draft stages after.
pub async fn correct_clusters(store: &Store, kb_dir: &Path, edit: &crate::cluster::edit::Edit, by: &str) -> anyhow::Result<(crate::cluster::edit::Applied, Vec<String>)> {
    use crate::cluster::edit::Edit;
    let applied = crate::cluster::edit::apply(store, edit, by).await?;
    // Moved tickets' former articles say so in their histories too.
    let left = if matches!(edit, Edit::Move { .. }) { &applied.left } else { &Default::default() };
    for (cluster, n) in left {
        if let Some(article) = article_of_cluster(store, cluster).await? {
            if let Ok(a) = kb::find(kb_dir, &article) {
                record(store, &article, "cluster", a.front.status, a.front.status, by, &format!("{n} tickets moved out to cluster {}", applied.target)).await?;
            }
        }
    }
    let (cluster, note) = match edit {
        Edit::Split { cluster, tickets } => (cluster, format!("{} tickets split off into cluster {}", tickets.len(), applied.target)),
        Edit::Move { tickets, to } => (to, format!("{} tickets moved in", tickets.len())),
        Edit::Merge { into, from } => (into, format!("clusters merged in: {}", from.join(", "))),
    };
    let target = article_of_cluster(store, cluster).await?;
    if let Some(article) = &target {
        if let Ok(a) = kb::find(kb_dir, article) {
            record(store, article, "cluster", a.front.status, a.front.status, by, &note).await?;
        }
    }
    let mut merged = Vec::new();
    if let (Edit::Merge { into, from }, Some(target)) = (edit, &target) {
        for cluster in from {
            let Some(source) = article_of_cluster(store, cluster).await? else { continue };
            if source == *target {
                continue;
            }
            match merge(store, kb_dir, target, &source, by).await {
                Ok(_) => merged.push(source),
                Err(e) => tracing::warn!("cluster {cluster} joined {into}, but its article {source} stays: {e}"),
            }
        }
    }
    Ok((applied, merged))
}

/// The article drafted from a cluster, if any.
pub async fn article_of_cluster(store: &Store, cluster: &str) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT article_id FROM drafts WHERE cluster_id = $1").bind(cluster).fetch_optional(store.pool()).await?;
    Ok(row.map(|(a,)| a))
}

/// Who is reviewing: `KBFORGE_EDITOR`, else the login name.
pub fn current_editor() -> String {
    std::env::var("KBFORGE_EDITOR")
        .or_else(|_| std::env::var("USER"))
        .unwrap_or_else(|_| "editor".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_replaced_in_place() {
        let text = "---\nid: a\ntitle: A\nsources:\n- t:1\ntickets: 1\nalso_asked:\n- old\nreviewed_by: maria # kept\n---\n\nBody\n";
        let mut front = crate::kb::Article::parse(Path::new("a.md"), text).unwrap().front;
        front.sources.push("t:2".into());
        front.tickets = Some(2);
        let out = replace_front_lists(text, &front).unwrap();
        assert_eq!(out, "---\nid: a\ntitle: A\nsources:\n- t:1\n- t:2\ntickets: 2\nalso_asked:\n- old\nreviewed_by: maria # kept\n---\n\nBody\n");
    }

    #[test]
    fn approve_and_reject() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "---\nid: a\ntitle: A\nstatus: draft\n---\nBody\n").unwrap();
        let a = set_status(dir.path(), "a", Status::Approved, "maria", None).unwrap();
        assert_eq!(a.front.status, Status::Approved);
        let text = std::fs::read_to_string(dir.path().join("a.md")).unwrap();
        assert!(text.contains("reviewed_by: maria"));
        assert!(text.ends_with("---\nBody\n"), "{text}");
        let err = set_status(dir.path(), "a", Status::Archived, "maria", None).unwrap_err();
        assert!(err.to_string().contains("cannot become archived"));
        assert!(matches!(set_status(dir.path(), "nope", Status::Approved, "m", None), Err(ReviewError::Kb(KbError::NotFound(_)))));
    }
}
