//! The clean stage over the store: every message body not cleaned yet (or changed since) gets its
//! cleaned, redacted text. The raw body stays in the store; only `clean_body` ever leaves it.

use std::time::Instant;

use crate::pipeline::report::count;
use crate::pipeline::StageReport;
use crate::store::Store;

use super::{strip_noise, CleanConfig, RedactionCounts, Redactor};

/// Bumped when the cleaner changes, so every message is cleaned again once.
const CLEANER_VERSION: &str = "clean-3";

pub async fn run(store: &Store, config: &CleanConfig) -> anyhow::Result<StageReport> {
    let started = Instant::now();
    let redactor = Redactor::new(config)?;
    // The desk's own code patterns are part of what a cleaned text was made with.
    let version = format!("{CLEANER_VERSION}:{}", config.code_patterns.join("\u{1}"));
    let rows: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT id, body, clean_hash FROM messages ORDER BY id").fetch_all(store.pool()).await?;
    let mut redactions = RedactionCounts::default();
    let mut written = 0usize;
    let total = rows.len();
    let mut tx = store.pool().begin().await?;
    for (id, body, clean_hash) in rows {
        let hash = crate::embed::text_hash(&format!("{version}\n{body}"));
        if clean_hash.as_deref() == Some(hash.as_str()) {
            continue;
        }
        let cleaned = redactor.redact(&strip_noise(&body));
        redactions.add(&cleaned.redactions);
        sqlx::query("UPDATE messages SET clean_body = $1, clean_hash = $2 WHERE id = $3")
            .bind(&cleaned.text)
            .bind(&hash)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        written += 1;
    }
    tx.commit().await?;
    let mut report = StageReport::new("clean", started);
    report.processed = total;
    report.written = written;
    report.unchanged = total - written;
    report.summary = format!(
        "{} messages, {} cleaned, {} unchanged; redacted {} e-mails, {} phones, {} card numbers, {} certificate codes, {} names, {} other values",
        count(total),
        count(written),
        count(total - written),
        redactions.emails,
        redactions.phones,
        redactions.cards,
        redactions.codes,
        redactions.names,
        redactions.total() - redactions.emails - redactions.phones - redactions.cards - redactions.codes - redactions.names
    );
    Ok(report.finish(started))
}
