//! Proposed revisions: what the pipeline would change in an article an editor already owns.
//!
//! kbforge never rewrites an edited or reviewed article. When its cluster changes (a new best answer,
//! a better title), or when a new cluster asks what a live article already answers, the draft stage
//! records a proposal here: the whole file as kbforge would write it, against the file as it was. The
//! editor sees the diff and accepts or dismisses it (`kbforge review diff|accept|dismiss`, or the
//! review app).

use std::path::Path;

use serde::Serialize;

use super::{record, ReviewError};
use crate::hash::text_hash;
use crate::kb::{self, KbError};
use crate::store::{now, Store};

/// Why a revision was proposed.
pub const REGENERATED: &str = "regenerated";
pub const DUPLICATE: &str = "duplicate";

/// One proposal.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Revision {
    pub id: i64,
    pub article_id: String,
    pub cluster_id: String,
    pub reason: String,
    pub proposed: String,
    pub base_hash: String,
    pub state: String,
    pub created_at: String,
    pub decided_by: String,
    pub decided_at: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RevisionError {
    #[error("no revision {0}")]
    NotFound(i64),
    #[error("revision {id} is {state}, not open")]
    Closed { id: i64, state: String },
    #[error("article `{0}` changed since revision {1} was proposed: the next pipeline run proposes it again against the new text")]
    Stale(String, i64),
    #[error(transparent)]
    Review(#[from] ReviewError),
}

impl From<KbError> for RevisionError {
    fn from(e: KbError) -> Self {
        RevisionError::Review(ReviewError::Kb(e))
    }
}

impl From<sqlx::Error> for RevisionError {
    fn from(e: sqlx::Error) -> Self {
        RevisionError::Review(ReviewError::Store(e))
    }
}

const COLUMNS: &str = "id, article_id, cluster_id, reason, proposed, base_hash, state, created_at, decided_by, decided_at";

/// Records a proposal for `article` unless the same text is already open or was already decided.
/// An older open proposal of the same cluster is replaced by the new one. Returns whether anything
/// was recorded.
pub async fn propose(store: &Store, article: &str, cluster: &str, reason: &str, proposed: &str, base: &str) -> Result<bool, sqlx::Error> {
    let existing: Vec<Revision> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM revisions WHERE article_id = $1 AND cluster_id = $2 ORDER BY id"))
            .bind(article)
            .bind(cluster)
            .fetch_all(store.pool())
            .await?;
    if existing.iter().any(|r| r.proposed == proposed) {
        return Ok(false);
    }
    let mut tx = store.pool().begin().await?;
    sqlx::query("UPDATE revisions SET state = 'superseded', decided_by = 'kbforge', decided_at = $1 WHERE article_id = $2 AND cluster_id = $3 AND state = 'open'")
        .bind(now())
        .bind(article)
        .bind(cluster)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO revisions (article_id, cluster_id, reason, proposed, base_hash, state, created_at) VALUES ($1, $2, $3, $4, $5, 'open', $6)",
    )
    .bind(article)
    .bind(cluster)
    .bind(reason)
    .bind(proposed)
    .bind(text_hash(base))
    .bind(now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// Open proposals, of one article or of all, oldest first.
pub async fn open(store: &Store, article: Option<&str>) -> Result<Vec<Revision>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM revisions WHERE state = 'open' AND ($1 = '' OR article_id = $1) ORDER BY id"
    );
    sqlx::query_as(&sql).bind(article.unwrap_or_default()).fetch_all(store.pool()).await
}

/// The clusters that already feed an article through a proposal (open or decided): the draft stage
/// sends their changes there instead of drafting them anew.
pub async fn linked_clusters(store: &Store) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT DISTINCT cluster_id, article_id FROM revisions WHERE reason = $1 AND state <> 'dismissed'")
        .bind(DUPLICATE)
        .fetch_all(store.pool())
        .await
}

pub async fn get(store: &Store, id: i64) -> Result<Revision, RevisionError> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM revisions WHERE id = $1"))
        .bind(id)
        .fetch_optional(store.pool())
        .await?
        .ok_or(RevisionError::NotFound(id))
}

/// Applies an open proposal to its article, if the article is still the text it was made against.
pub async fn accept(store: &Store, kb_dir: &Path, id: i64, by: &str) -> Result<(), RevisionError> {
    let rev = get(store, id).await?;
    if rev.state != "open" {
        return Err(RevisionError::Closed { id, state: rev.state });
    }
    let article = kb::find(kb_dir, &rev.article_id)?;
    let path = kb_dir.join(&article.path);
    let current = std::fs::read_to_string(&path).map_err(|source| KbError::Read { path: path.clone(), source })?;
    if text_hash(&current) != rev.base_hash {
        return Err(RevisionError::Stale(rev.article_id, id));
    }
    let proposed = kb::Article::parse(&article.path, &rev.proposed)?;
    kb::write_atomic(&path, &rev.proposed)?;
    decide(store, id, "accepted", by).await?;
    record(store, &rev.article_id, "accept", article.front.status, proposed.front.status, by, &format!("revision {id} ({})", rev.reason)).await?;
    Ok(())
}

/// Closes an open proposal without applying it. The same text is never proposed again.
pub async fn dismiss(store: &Store, kb_dir: &Path, id: i64, by: &str) -> Result<(), RevisionError> {
    let rev = get(store, id).await?;
    if rev.state != "open" {
        return Err(RevisionError::Closed { id, state: rev.state });
    }
    decide(store, id, "dismissed", by).await?;
    let status = kb::find(kb_dir, &rev.article_id).map(|a| a.front.status).unwrap_or_default();
    record(store, &rev.article_id, "dismiss", status, status, by, &format!("revision {id} ({})", rev.reason)).await?;
    Ok(())
}

async fn decide(store: &Store, id: i64, state: &str, by: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE revisions SET state = $1, decided_by = $2, decided_at = $3 WHERE id = $4")
        .bind(state)
        .bind(by)
        .bind(now())
        .bind(id)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// One line of a diff, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffLine {
    /// "+", "-" or " ".
    pub tag: &'static str,
    pub text: String,
}

/// The changed lines between two texts with three lines of context, hunks separated by a "…" line.
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = Vec::new();
    for (i, group) in diff.grouped_ops(3).iter().enumerate() {
        if i > 0 {
            out.push(DiffLine { tag: " ", text: "…".into() });
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let tag = match change.tag() {
                    similar::ChangeTag::Delete => "-",
                    similar::ChangeTag::Insert => "+",
                    similar::ChangeTag::Equal => " ",
                };
                out.push(DiffLine { tag, text: change.value().trim_end_matches('\n').to_string() });
            }
        }
    }
    out
}

/// A unified diff for the terminal.
pub fn unified(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    similar::TextDiff::from_lines(old, new).unified_diff().context_radius(3).header(old_name, new_name).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_shows_changed_lines_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\ni\n";
        let lines = diff_lines(old, new);
        assert!(lines.contains(&DiffLine { tag: "-", text: "e".into() }));
        assert!(lines.contains(&DiffLine { tag: "+", text: "E".into() }));
        assert!(!lines.iter().any(|l| l.text == "a"), "only three lines of context: {lines:?}");
        assert!(unified(old, new, "current", "proposed").contains("-e\n+E\n"));
    }
}
