//! The clean stage over the store: every message body not cleaned yet (or changed since) gets its
//! cleaned, redacted text. The raw body stays in the store; only `clean_body` ever leaves it.

use std::time::Instant;

use crate::stage::count;
use crate::stage::StageReport;
use crate::store::Store;

use super::{strip_noise, CleanConfig, RedactionCounts, Redactor};

/// Bumped when the cleaner changes, so every message is cleaned again once.
const CLEANER_VERSION: &str = "clean-14";

/// Messages read, cleaned and written per round.
const PAGE: usize = 2000;

/// Cleans every message whose cleaned text is missing or stale.
///
/// Streams the table in pages by id (memory stays flat), cleans each page on all cores (rayon) while
/// the next page is read, and writes the page back in one transaction with multi-row updates.
pub async fn run(store: &Store, config: &CleanConfig) -> anyhow::Result<StageReport> {
    let started = Instant::now();
    let redactor = std::sync::Arc::new(Redactor::new(config)?);
    // The desk's own code patterns are part of what a cleaned text was made with.
    let version = std::sync::Arc::new(format!("{CLEANER_VERSION}:{}", config.code_patterns.join("\u{1}")));
    let mut redactions = RedactionCounts::default();
    let (mut written, mut total) = (0usize, 0usize);
    let mut after = String::new();
    let mut cleaning: Option<tokio::task::JoinHandle<Page>> = None;
    loop {
        let rows: Vec<(String, String, Option<String>)> =
            sqlx::query_as("SELECT id, body, clean_hash FROM messages WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(&after)
                .bind(PAGE as i64)
                .fetch_all(store.pool())
                .await?;
        if let Some(last) = rows.last() {
            after = last.0.clone();
        }
        total += rows.len();
        let done = rows.len() < PAGE;
        // Clean this page on the rayon pool while the previous one is written.
        let (redactor, version) = (redactor.clone(), version.clone());
        let next = tokio::task::spawn_blocking(move || clean_page(rows, &redactor, &version));
        if let Some(previous) = cleaning.replace(next) {
            let page = previous.await?;
            redactions.add(&page.redactions);
            written += write_page(store, &page.rows).await?;
        }
        if done {
            break;
        }
    }
    if let Some(last) = cleaning {
        let page = last.await?;
        redactions.add(&page.redactions);
        written += write_page(store, &page.rows).await?;
    }
    let mut report = StageReport::new("clean", started);
    report.processed = total;
    report.written = written;
    report.unchanged = total - written;
    report.summary = format!(
        "{} messages, {} cleaned, {} unchanged; redacted {}",
        count(total),
        count(written),
        count(total - written),
        redactions.summary()
    );
    Ok(report.finish(started))
}

/// A cleaned page: (id, cleaned text, hash) of every message that changed.
struct Page {
    rows: Vec<(String, String, String)>,
    redactions: RedactionCounts,
}

fn clean_page(rows: Vec<(String, String, Option<String>)>, redactor: &Redactor, version: &str) -> Page {
    use rayon::prelude::*;
    let cleaned: Vec<(String, String, String, RedactionCounts)> = rows
        .into_par_iter()
        .filter_map(|(id, body, clean_hash)| {
            let hash = crate::hash::text_hash(&format!("{version}\n{body}"));
            if clean_hash.as_deref() == Some(hash.as_str()) {
                return None;
            }
            let cleaned = redactor.redact(&strip_noise(&body));
            Some((id, cleaned.text, hash, cleaned.redactions))
        })
        .collect();
    let mut redactions = RedactionCounts::default();
    let rows = cleaned
        .into_iter()
        .map(|(id, text, hash, r)| {
            redactions.add(&r);
            (id, text, hash)
        })
        .collect();
    Page { rows, redactions }
}

/// Writes cleaned texts back, a few rows a statement ([`crate::store::rows_per_statement`]), one
/// transaction a page.
async fn write_page(store: &Store, rows: &[(String, String, String)]) -> anyhow::Result<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    let mut tx = store.pool().begin().await?;
    for chunk in rows.chunks(crate::store::rows_per_statement(3)) {
        let sql = format!(
            "WITH v(id, body, hash) AS (VALUES {})
             UPDATE messages SET clean_body = v.body, clean_hash = v.hash, extracted = 0 FROM v WHERE messages.id = v.id",
            crate::store::values_rows(chunk.len(), 3)
        );
        let mut q = sqlx::query(&sql);
        for (id, text, hash) in chunk {
            q = q.bind(id).bind(text).bind(hash);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every string of 20+ characters in the JSON of `examples/` and `tests/fixtures/`: real
    /// messages (the demo desk, «ВольтМаркет», the helpdesk API recordings, the fixtures) in the
    /// shapes the readers take them.
    fn corpus() -> Vec<String> {
        fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::String(s) if s.chars().count() >= 20 => out.push(s.clone()),
                serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
                serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
                _ => {}
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<std::path::PathBuf> = ["examples", "tests/fixtures"]
            .iter()
            .flat_map(|d| walkdir::WalkDir::new(root.join(d)).into_iter().filter_map(Result::ok))
            .map(|e| e.into_path())
            .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "jsonl"))
            .collect();
        files.sort();
        let mut out = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap_or_default();
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(v) => strings(&v, &mut out),
                Err(_) => text.lines().filter_map(|l| serde_json::from_str(l).ok()).for_each(|v| strings(&v, &mut out)),
            }
        }
        out
    }

    /// A workspace cleans a message again only when `CLEANER_VERSION` changes, so a change to what
    /// the cleaner makes of real messages must bump it, or upgraded workspaces keep the old text.
    /// When this fails after a change that meant to change the cleaning: bump `CLEANER_VERSION` and
    /// record the new digest here; when it did not mean to, the change has a side effect.
    #[test]
    fn the_cleaner_version_moves_with_what_it_makes_of_real_messages() {
        let corpus = corpus();
        assert!(corpus.len() > 3000, "the corpus shrank to {} strings", corpus.len());
        let redactor = Redactor::new(&CleanConfig::default()).unwrap();
        let cleaned: Vec<String> = corpus.iter().map(|s| redactor.redact(&strip_noise(s)).text).collect();
        let digest = &crate::hash::text_hash(&cleaned.join("\u{1}"))[..16];
        assert_eq!((CLEANER_VERSION, digest), ("clean-14", "9ff0ca3fbecefe46"), "the cleaner's output changed");
    }
}
