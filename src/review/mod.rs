//! Review: editors move articles through their states. The state lives in the article's front
//! matter, so the knowledge base folder stays the single source of truth (and can live in git).
//!
//! Entry points: [`list`], [`set_status`]. Only the `status`, `reviewed_by`, `reviewed_at` (and for a
//! rejection `review_note`) lines change; everything else in the file stays as the editor wrote it.

use std::path::Path;

use crate::kb::{self, Article, KbError, Status};

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
    let mut fields = vec![("status", status.as_str()), ("reviewed_by", by), ("reviewed_at", at.as_str())];
    if let Some(note) = note {
        fields.push(("review_note", note));
    }
    kb::set_front_matter_fields(&kb_dir.join(&article.path), &fields)?;
    Ok(kb::find(kb_dir, id)?)
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
