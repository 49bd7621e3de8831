//! Forgetting tickets: a case the helpdesk deleted, marked spam or no longer has, and a customer's
//! erasure request (`kbforge forget`).
//!
//! Entry point: [`apply`], run by the pipeline right after ingest and by `kbforge forget`. Steps,
//! for the tickets marked in the store ([`crate::store::forget::mark`]):
//! 1. read what only their text finds: the cleaned question and answer;
//! 2. purge the store ([`crate::store::forget::purge`]): messages, pairs, cluster membership, the
//!    cached vectors of texts no other pair has, jobs, quarantined records, open revisions;
//! 3. scrub the knowledge base ([`scrub_kb`]): the ids leave every article's `sources` (and its
//!    ticket count), their phrasings leave `also_asked` and the title, whoever edited the article
//!    (an erasure request outranks an edit; the history records it); an article drafted from
//!    forgotten tickets alone is archived;
//! 4. the publish stages then write the site and the index without them (`kbforge forget` runs
//!    them itself; a pipeline run does it in its own publish stages).
//!
//! A ticket forgotten at its customer's request is a tombstone: ingest never stores it again.

use std::collections::HashSet;
use std::path::Path;

use crate::kb;
use crate::store::forget::{self, Remains};
use crate::store::Store;

/// What [`apply`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub tickets: usize,
    /// Articles whose sources or phrasings changed.
    pub articles: Vec<String>,
    /// Articles titled with a forgotten ticket's question, now titled with their next phrasing:
    /// an editor may want to retitle them.
    pub titles: Vec<String>,
    /// Cached vectors removed.
    pub cached: usize,
}

impl Report {
    pub fn line(&self) -> String {
        format!(
            "{} tickets forgotten: {} articles scrubbed, {} cached vectors removed{}",
            self.tickets,
            self.articles.len(),
            self.cached,
            if self.titles.is_empty() { String::new() } else { format!("; retitled {} (was a forgotten question)", self.titles.join(", ")) }
        )
    }
}

/// Forgets the tickets marked in the store (see the module's steps 1–3).
pub async fn apply(store: &Store, embed: &crate::embed::EmbedConfig, kb_dir: &Path) -> anyhow::Result<Report> {
    let ids = forget::pending(store).await?;
    if ids.is_empty() {
        return Ok(Report::default());
    }
    let remains = forget::remains(store, &ids).await?;
    let mut hashes = Vec::new();
    for r in &remains {
        for text in [&r.question, &r.answer] {
            if !text.trim().is_empty() && !forget::text_in_use(store, text, &ids).await? {
                hashes.extend(model_inputs(embed, text).iter().map(|t| crate::hash::text_hash(t)));
            }
        }
    }
    let purged = forget::purge(store, &ids, &hashes).await?;
    let (articles, titles) = scrub_kb(store, kb_dir, &ids, &remains).await?;
    let report = Report { tickets: purged.tickets, articles, titles, cached: purged.cached };
    tracing::info!("{}", report.line());
    Ok(report)
}

/// The texts a model may have embedded for a question or an answer: with either configured
/// prefix, with the multilingual e5 family's own, and bare. Both prefixes for both: answers are
/// embedded with the query prefix now and were with the passage prefix before, and the cache may
/// hold either.
fn model_inputs(embed: &crate::embed::EmbedConfig, text: &str) -> Vec<String> {
    let body = crate::clean::for_embedding(text);
    let prefixes = [embed.query_prefix.as_deref().unwrap_or("query: "), "query: ", embed.passage_prefix.as_deref().unwrap_or("passage: "), "passage: ", ""];
    let mut out: Vec<String> = prefixes.iter().map(|p| format!("{p}{body}")).collect();
    out.sort();
    out.dedup();
    out
}

/// A text compared loosely: case and punctuation aside.
fn loose(q: &str) -> String {
    q.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The phrasing a draft made of a question, as `also_asked` and the title hold it.
fn phrasing_key(question: &str) -> String {
    loose(&crate::draft::canonical_question(&crate::clean::for_embedding(question)))
}

/// The forms of a question a draft's front matter may hold: its phrasing (`also_asked`, the title)
/// and the question as embedded (`representatives`).
fn question_keys(question: &str) -> [String; 2] {
    [phrasing_key(question), loose(&crate::clean::for_embedding(question))]
}

/// Removes the tickets from the articles' `sources` and their phrasings from `also_asked`. A title
/// that is a forgotten ticket's question gives way to the article's next phrasing (the history says
/// so, for the editors); an article drafted from tickets that all were forgotten is archived.
/// Returns the articles changed and those retitled.
pub async fn scrub_kb(store: &Store, kb_dir: &Path, ids: &[String], remains: &[Remains]) -> anyhow::Result<(Vec<String>, Vec<String>)> {
    let gone: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let asked: Vec<&str> = remains.iter().map(|r| r.question.as_str()).filter(|q| !q.trim().is_empty()).collect();
    let phrasings: HashSet<String> = asked.iter().flat_map(|q| question_keys(q)).filter(|k| !k.is_empty()).collect();
    let forgotten_words: HashSet<String> = asked.iter().flat_map(|q| words(q)).collect();
    let (articles, _) = kb::load_all(kb_dir);
    let (mut changed, mut retitled) = (Vec::new(), Vec::new());
    for article in articles {
        let mut front = article.front.clone();
        let before = front.sources.len();
        front.sources.retain(|s| !gone.contains(s.as_str()));
        let removed = before - front.sources.len();
        front.also_asked.retain(|q| !phrasings.contains(&loose(q)));
        let title_forgotten = phrasings.contains(&loose(&front.title));
        let reps: Vec<String> = article
            .front
            .extra
            .get("representatives")
            .and_then(|v| v.as_sequence())
            .map(|seq| seq.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        let kept_reps: Vec<String> = reps.iter().filter(|r| !phrasings.contains(&loose(r))).cloned().collect();
        if removed == 0 && !title_forgotten && front.also_asked.len() == article.front.also_asked.len() && kept_reps.len() == reps.len() {
            continue;
        }
        if removed > 0 {
            front.tickets = front.tickets.map(|t| t.saturating_sub(removed as u64));
        }
        let mut fields: Vec<(&str, String)> = Vec::new();
        if title_forgotten {
            let next = if front.also_asked.is_empty() { None } else { Some(front.also_asked.remove(0)) };
            fields.push(("title", next.unwrap_or_else(|| format!("{} (retitle)", article.front.id))));
            retitled.push(article.front.id.clone());
        }
        let emptied = removed > 0 && front.sources.is_empty() && article.front.cluster.is_some();
        let status = if emptied { kb::Status::Archived } else { article.front.status };
        if emptied {
            fields.push(("status", status.as_str().to_string()));
        }
        // The cluster's label words that only forgotten questions had.
        if let Some(label) = article.front.extra.get("cluster_label").and_then(|v| v.as_str()) {
            let still: HashSet<String> = std::iter::once(fields.first().map_or(front.title.as_str(), |(_, t)| t.as_str()))
                .chain(front.also_asked.iter().map(String::as_str))
                .chain(kept_reps.iter().map(String::as_str))
                .flat_map(words)
                .collect();
            let kept: Vec<&str> = label.split(" · ").filter(|w| !forgotten_words.contains(&w.to_lowercase()) || still.contains(&w.to_lowercase())).collect();
            if kept.len() != label.split(" · ").count() {
                fields.push(("cluster_label", kept.join(" · ")));
            }
        }
        let path = kb_dir.join(&article.path);
        let text = std::fs::read_to_string(&path)?;
        let listed = crate::review::replace_front_lists(&text, &front).ok_or_else(|| anyhow::anyhow!("{}: no front matter", path.display()))?;
        let listed = if kept_reps.len() == reps.len() { listed } else { replace_list(&listed, "representatives", &kept_reps) };
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let updated = kb::set_fields_in_text(&listed, &fields).unwrap_or(listed);
        kb::write_atomic(&path, &updated)?;
        let mut note = format!("{removed} forgotten tickets left its sources");
        if title_forgotten {
            note.push_str("; its title was a forgotten ticket's question and was replaced");
        }
        crate::review::record(store, &article.front.id, "forget", article.front.status, status, "kbforge forget", &note).await?;
        changed.push(article.front.id.clone());
    }
    Ok((changed, retitled))
}

/// The lower-case words of a text.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// A front matter's top-level list `key` replaced by `values` (dropped when empty), every other
/// line as it was.
fn replace_list(text: &str, key: &str, values: &[String]) -> String {
    let (Some(yaml), body) = kb::split_front_matter(text) else { return text.to_string() };
    let mut out: Vec<String> = Vec::new();
    let mut skipping = false;
    for line in yaml.lines() {
        let top = !line.starts_with([' ', '-', '\t', '#']) && line.contains(':');
        if top {
            skipping = line.starts_with(&format!("{key}:"));
            if skipping && !values.is_empty() {
                let list = serde_yaml::to_string(&std::collections::BTreeMap::from([(key, values)])).unwrap_or_default();
                out.extend(list.lines().map(str::to_string));
            }
        }
        if !skipping {
            out.push(line.to_string());
        }
    }
    format!("---\n{}\n---\n{}", out.join("\n"), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrasings_compare_as_drafts_wrote_them() {
        assert_eq!(phrasing_key("Добрый день. как активировать сертификат? Спасибо"), phrasing_key("Как активировать сертификат?"));
        assert_ne!(phrasing_key("Как активировать сертификат?"), phrasing_key("Как вернуть сертификат?"));
    }

    #[test]
    fn cache_keys_cover_the_prefixes_a_model_used() {
        let embed = crate::embed::EmbedConfig::default();
        let q = model_inputs(&embed, "Где баланс?");
        assert!(q.contains(&"query: Где баланс?".to_string()) && q.contains(&"Где баланс?".to_string()), "{q:?}");
        let a = model_inputs(&embed, "На сайте.");
        assert!(a.contains(&"passage: На сайте.".to_string()) && a.contains(&"query: На сайте.".to_string()), "{a:?}");
    }
}
