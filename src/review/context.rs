//! What an editor sees beside a draft: the source tickets (cleaned and redacted), the most relevant
//! excerpts of the internal regulations, and existing articles that ask something similar.
//!
//! All of it is for the editor only. It is computed when asked (`kbforge review show`, the review
//! app) and never written into the article, so it can never reach the help center or the public
//! index. Relevance is TF-IDF over Snowball stems (`cluster::lexical`), so "сертификата" matches
//! "сертификат" and no model has to be loaded.

use serde::Serialize;

use crate::lexical;
use crate::kb::{Article, Status};
use crate::store::Store;

/// A paragraph of a regulation.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Excerpt {
    pub regulation: String,
    pub title: String,
    /// The heading the paragraph sits under (empty above the first).
    pub heading: String,
    /// The paragraph's Markdown, cut at 700 characters.
    pub text: String,
    pub score: f32,
}

/// One source ticket as the pipeline saw it: redacted question and answer.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct SourceTicket {
    pub ticket_id: String,
    pub question: String,
    pub answer: String,
    pub kind: String,
    pub rating: String,
}

/// Another article and how alike the two are.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Similar {
    pub id: String,
    pub title: String,
    pub status: String,
    pub score: f32,
}

/// What an article is about, for matching: title, phrasings and the start of the body.
pub fn query_text(a: &Article) -> String {
    let body: String = a.body.chars().take(600).collect();
    format!("{} {} {} {}", a.front.title, a.front.title, a.front.also_asked.join(" "), body)
}

/// Splits a regulation into paragraphs (blank lines), each with the heading above it, long
/// paragraphs cut at 700 characters.
fn paragraphs(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut heading = String::new();
    for block in body.split("\n\n").map(str::trim).filter(|b| !b.is_empty()) {
        if block.starts_with('#') && !block.contains('\n') {
            heading = block.trim_start_matches('#').trim().to_string();
            continue;
        }
        let text: String = block.chars().take(700).collect();
        out.push((heading.clone(), text));
    }
    out
}

/// The `n` regulation paragraphs most relevant to `query`, best first (score > 0.08 only).
pub async fn regulation_excerpts(store: &Store, query: &str, n: usize) -> Result<Vec<Excerpt>, sqlx::Error> {
    let regulations: Vec<(String, String, String)> = sqlx::query_as("SELECT id, title, body FROM regulations ORDER BY id").fetch_all(store.pool()).await?;
    let mut owners = Vec::new();
    let mut texts = vec![query.to_string()];
    for (i, (_, _, body)) in regulations.iter().enumerate() {
        for (heading, text) in paragraphs(body) {
            // The heading's words count for the match.
            texts.push(format!("{heading}: {text}"));
            owners.push((i, heading, text));
        }
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let vectors = lexical::tfidf(&refs);
    let mut scored: Vec<Excerpt> = vectors[1..]
        .iter()
        .zip(&owners)
        .map(|(v, (i, heading, text))| Excerpt {
            regulation: regulations[*i].0.clone(),
            title: regulations[*i].1.clone(),
            heading: heading.clone(),
            text: text.clone(),
            score: lexical::dot(&vectors[0], v),
        })
        .filter(|e| e.score > 0.08)
        .collect();
    scored.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.regulation.cmp(&b.regulation)));
    scored.truncate(n);
    Ok(scored)
}

/// The source tickets of an article, as stored after cleaning and redaction (at most `limit`).
pub async fn source_tickets(store: &Store, article: &Article, limit: usize) -> Result<Vec<SourceTicket>, sqlx::Error> {
    let ids: Vec<&String> = article.front.sources.iter().take(limit).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT ticket_id, question, answer, kind, rating FROM qa_pairs WHERE ticket_id IN ({}) ORDER BY ticket_id",
        crate::store::placeholders(1, ids.len())
    );
    let mut q = sqlx::query_as(&sql);
    for id in ids {
        q = q.bind(id);
    }
    q.fetch_all(store.pool()).await
}

/// A draft that asks what another article already answers: the article to merge it into.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duplicate {
    /// The article to merge the draft into.
    pub into: String,
    pub title: String,
    pub status: String,
    /// How alike the two source clusters are ([`crate::cluster::inspect::Centroid::similarity`]).
    pub similarity: f32,
}

/// The drafts that are near-duplicates of a live article or of another draft, each with the
/// article to merge it into. Two articles are near-duplicates when their source clusters (questions
/// and staff answers, centred) are as alike as the draft stage's own test for "this new cluster asks what a live
/// article answers" (`[draft] update-threshold`, passed as `threshold`): the same measure and cut,
/// so a duplicate the draft stage would not have drafted today is flagged in review. A live article
/// is the one to keep; of two drafts, the one with more tickets (then the smaller id) is kept and
/// only the other is flagged.
pub async fn duplicates(store: &Store, articles: &[Article], threshold: f32) -> anyhow::Result<std::collections::HashMap<String, Duplicate>> {
    let centroids = crate::cluster::inspect::centred_centroids(store).await?;
    let apart = crate::cluster::edit::set_apart(store).await?;
    Ok(duplicates_among(&centroids, &apart, articles, threshold))
}

/// [`duplicates`] over centroids and told-apart pairs already loaded (a page that also ranks
/// clusters by them reads them once).
pub fn duplicates_among(
    centroids: &std::collections::HashMap<String, crate::cluster::inspect::Centroid>,
    apart: &std::collections::BTreeSet<(String, String)>,
    articles: &[Article],
    threshold: f32,
) -> std::collections::HashMap<String, Duplicate> {
    let keeps = |a: &Article| matches!(a.front.status, Status::Draft | Status::Approved | Status::Published);
    let with_centroid: Vec<(&Article, &crate::cluster::inspect::Centroid)> = articles
        .iter()
        .filter(|a| keeps(a))
        .filter_map(|a| Some((a, centroids.get(a.front.cluster.as_deref()?)?)))
        .collect();
    let rank = |a: &Article| (a.front.status.is_live(), a.front.tickets.unwrap_or(0), std::cmp::Reverse(a.front.id.clone()));
    let mut out = std::collections::HashMap::new();
    for (d, dc) in with_centroid.iter().filter(|(a, _)| a.front.status == Status::Draft) {
        let best = with_centroid
            .iter()
            .filter(|(o, _)| o.front.id != d.front.id && o.front.cluster != d.front.cluster)
            // Not two clusters an editor split apart.
            .filter(|(o, _)| match (&o.front.cluster, &d.front.cluster) {
                (Some(a), Some(b)) => !apart.contains(&crate::cluster::edit::apart_key(a, b)),
                _ => true,
            })
            .map(|(o, oc)| (o, dc.similarity(oc)))
            .filter(|(o, sim)| *sim >= threshold && rank(o) > rank(d))
            .max_by(|x, y| (x.0.front.status.is_live(), x.1).partial_cmp(&(y.0.front.status.is_live(), y.1)).unwrap_or(std::cmp::Ordering::Equal));
        if let Some((o, sim)) = best {
            out.insert(
                d.front.id.clone(),
                Duplicate { into: o.front.id.clone(), title: o.front.title.clone(), status: o.front.status.as_str().to_string(), similarity: sim },
            );
        }
    }
    out
}

/// Other articles most like `article` (score ≥ `min`), best first.
pub fn similar_articles(article: &Article, all: &[Article], n: usize, min: f32) -> Vec<Similar> {
    let others: Vec<&Article> = all.iter().filter(|a| a.front.id != article.front.id).collect();
    let texts: Vec<String> = std::iter::once(article).chain(others.iter().copied()).map(query_text).collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let vectors = lexical::tfidf(&refs);
    let mut scored: Vec<Similar> = others
        .iter()
        .zip(&vectors[1..])
        .map(|(a, v)| Similar {
            id: a.front.id.clone(),
            title: a.front.title.clone(),
            status: a.front.status.as_str().to_string(),
            score: lexical::dot(&vectors[0], v),
        })
        .filter(|s| s.score >= min)
        .collect();
    scored.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    scored.truncate(n);
    scored
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn article(id: &str, title: &str, body: &str) -> Article {
        Article::parse(Path::new("x.md"), &format!("---\nid: {id}\ntitle: \"{title}\"\n---\n{body}\n")).unwrap()
    }

    #[test]
    fn similar_articles_match_inflected_words() {
        let a = article("a", "Как продлить срок действия сертификата?", "Срок продлевается один раз.");
        let all = vec![
            a.clone(),
            article("b", "Можно ли продлить сертификат?", "Да, срок действия сертификатов продлевается."),
            article("c", "Как оплатить заказ картой?", "Оплата картой МИР."),
        ];
        let similar = similar_articles(&a, &all, 5, 0.1);
        assert_eq!(similar.first().map(|s| s.id.as_str()), Some("b"));
        assert!(!similar.iter().any(|s| s.id == "a"));
        assert!(!similar.iter().any(|s| s.id == "c"), "{similar:?}");
    }

    #[test]
    fn paragraphs_carry_their_heading() {
        let p = paragraphs("# Возвраты\n\nВозврат оформляется в CRM.\n\nСрок — 10 дней.");
        let pair = |h: &str, t: &str| (h.to_string(), t.to_string());
        assert_eq!(p, vec![pair("Возвраты", "Возврат оформляется в CRM."), pair("Возвраты", "Срок — 10 дней.")]);
        // A list stays a list, for the review app to render.
        let p = paragraphs("## Кража кода\n\n1. Заблокировать.\n2. **Не** перевыпускать.");
        assert_eq!(p, vec![pair("Кража кода", "1. Заблокировать.\n2. **Не** перевыпускать.")]);
    }
}
