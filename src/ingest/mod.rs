//! The ingest stage: tickets and regulations from files into the store.
//!
//! Entry point: [`run`]. Steps: read each source ([`omnidesk::read_export`], [`jsonl::read_file`]) into
//! [`Record`]s → store new or changed tickets, count unchanged ones and duplicates, quarantine rejected
//! records → read the regulations folders. Counts reconcile:
//! `read = stored + unchanged + duplicates + skipped + quarantined`.

pub mod jsonl;
pub mod omnidesk;
pub mod csv;
pub mod encoding;
pub mod omnidesk_api;
pub mod regulations;
pub mod ticket;
pub mod zendesk;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use serde::Deserialize;

use crate::stage::count;
use crate::stage::StageReport;
use crate::store::{now, placeholders, values_rows, Rejected, Store};
pub use ticket::{Author, Message, Ticket};

/// `[ingest]`: where tickets and regulations come from. Paths are relative to the workspace.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct IngestConfig {
    /// Ticket sources, read in order. Default: none.
    pub sources: Vec<SourceConfig>,
    /// Folders of internal regulations (Markdown or text). Default: none.
    pub regulations: Vec<PathBuf>,
    /// The Omnidesk API, for sources of format `omnidesk-api`.
    pub omnidesk: omnidesk_api::OmnideskConfig,
    /// The Zendesk API, for sources of format `zendesk-api`.
    pub zendesk: zendesk::ZendeskConfig,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SourceConfig {
    pub format: SourceFormat,
    /// The file or folder; none for an API.
    #[serde(default)]
    pub path: PathBuf,
    /// `auto` (default: BOM, then UTF-16, UTF-8, else Windows-1251), `utf-8`, `utf-16` or
    /// `windows-1251`.
    #[serde(default)]
    pub encoding: encoding::Encoding,
    /// For `csv`: which column holds what.
    #[serde(default)]
    pub columns: Option<csv::CsvColumns>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum SourceFormat {
    /// A folder of recorded Omnidesk API responses (`cases*.json`, `messages/<id>.json`).
    OmnideskExport,
    /// One ticket per line.
    Jsonl,
    /// One message per row, columns named in `columns`.
    Csv,
    /// The live Omnidesk API, incremental from the watermark (`[ingest.omnidesk]`).
    OmnideskApi,
    /// The Zendesk incremental ticket export, from the stored cursor (`[ingest.zendesk]`).
    ZendeskApi,
}

impl SourceFormat {
    /// Guesses the format from a path: a folder is an Omnidesk export, `.csv` is CSV, else JSONL.
    pub fn detect(path: &Path) -> SourceFormat {
        if path.is_dir() {
            SourceFormat::OmnideskExport
        } else if path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
            SourceFormat::Csv
        } else {
            SourceFormat::Jsonl
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot parse `{path}` line {line}: {detail}")]
    Parse { path: PathBuf, line: usize, detail: String },
    #[error("`{0}` holds no `cases*.json` page: is it an Omnidesk export?")]
    NoCases(PathBuf),
}

/// What a reader makes of one input record.
#[derive(Debug)]
pub enum Record {
    Ticket(Ticket),
    /// Left out on purpose (deleted, spam, not closed); counted, not quarantined.
    Skipped { reason: &'static str },
    Rejected(Rejected),
}

/// Counts of one ingest; they reconcile.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct IngestCounts {
    pub read: usize,
    pub stored: usize,
    pub unchanged: usize,
    pub duplicates: usize,
    pub skipped: usize,
    pub quarantined: usize,
    pub regulations: usize,
}

impl IngestCounts {
    pub fn add(&mut self, o: &IngestCounts) {
        self.read += o.read;
        self.stored += o.stored;
        self.unchanged += o.unchanged;
        self.duplicates += o.duplicates;
        self.skipped += o.skipped;
        self.quarantined += o.quarantined;
        self.regulations += o.regulations;
    }
}

/// The API key for Omnidesk, from the environment only.
pub fn omnidesk_api_key() -> String {
    std::env::var("OMNIDESK_API_KEY").unwrap_or_default()
}

/// The Zendesk API token, from the environment only.
pub fn zendesk_api_token() -> String {
    std::env::var("ZENDESK_API_TOKEN").unwrap_or_default()
}

/// How many tickets one transaction writes.
const BATCH: usize = 500;

/// Reads the given file sources and regulation folders into the store.
///
/// Each source is read on a blocking thread and handed over in batches through a bounded channel,
/// so parsing overlaps with writing and memory stays flat: at most a few batches are in flight.
/// Duplicates within a run are found by a set of 64-bit id hashes (8 bytes a ticket).
pub async fn ingest(
    store: &Store,
    sources: &[SourceConfig],
    regulation_dirs: &[PathBuf],
) -> anyhow::Result<IngestCounts> {
    let mut counts = IngestCounts::default();
    let mut seen = HashSet::new();
    for source in sources {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Record>>(4);
        let src = source.clone();
        let reader = tokio::task::spawn_blocking(move || read_source(&src, tx));
        let mut pending: Vec<Ticket> = Vec::with_capacity(BATCH);
        while let Some(records) = rx.recv().await {
            for record in records {
                counts.read += 1;
                match record {
                    Record::Skipped { .. } => counts.skipped += 1,
                    Record::Rejected(r) => set_aside(store, &r, &mut counts).await?,
                    Record::Ticket(t) => {
                        if !seen.insert(id_hash(&t.id)) {
                            counts.duplicates += 1;
                        } else {
                            pending.push(t);
                        }
                    }
                }
            }
            if pending.len() >= BATCH {
                let stored = store_tickets(store, &pending).await?;
                counts.stored += stored;
                counts.unchanged += pending.len() - stored;
                pending.clear();
            }
        }
        if !pending.is_empty() {
            let stored = store_tickets(store, &pending).await?;
            counts.stored += stored;
            counts.unchanged += pending.len() - stored;
        }
        reader.await.context("the reader thread failed")??;
    }
    for dir in regulation_dirs {
        for r in regulations::read_folder(dir)? {
            store_regulation(store, &r).await?;
            counts.regulations += 1;
        }
    }
    Ok(counts)
}

/// Quarantines a rejected record: logged with its source, location and field, stored, counted.
pub(crate) async fn set_aside(store: &Store, r: &Rejected, counts: &mut IngestCounts) -> anyhow::Result<()> {
    tracing::warn!(source = %r.source, location = %r.location, field = %r.field, reason = %r.reason, "record quarantined");
    store.quarantine(r).await?;
    counts.quarantined += 1;
    Ok(())
}

/// Reads one file source, sending its records in chunks; stops quietly when the receiver is gone.
fn read_source(source: &SourceConfig, tx: tokio::sync::mpsc::Sender<Vec<Record>>) -> Result<(), IngestError> {
    const CHUNK: usize = 256;
    let send_all = |records: Vec<Record>| {
        let mut records = records.into_iter().peekable();
        while records.peek().is_some() {
            if tx.blocking_send(records.by_ref().take(CHUNK).collect()).is_err() {
                break;
            }
        }
    };
    match source.format {
        SourceFormat::OmnideskExport => send_all(omnidesk::read_export(&source.path, source.encoding)?),
        SourceFormat::Csv => {
            send_all(csv::read_file(&source.path, source.encoding, &source.columns.clone().unwrap_or_default())?)
        }
        SourceFormat::Jsonl => {
            let mut chunk = Vec::with_capacity(CHUNK);
            let mut open = true;
            jsonl::stream_file(&source.path, source.encoding, |r| {
                chunk.push(r);
                if chunk.len() == CHUNK {
                    open = tx.blocking_send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))).is_ok();
                }
                open
            })?;
            if open && !chunk.is_empty() {
                let _ = tx.blocking_send(chunk);
            }
        }
        SourceFormat::OmnideskApi | SourceFormat::ZendeskApi => {}
    }
    Ok(())
}

fn id_hash(id: &str) -> u64 {
    use std::hash::{BuildHasher as _, BuildHasherDefault};
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(id)
}

/// The stage, over the sources of the config.
pub async fn run(store: &Store, config: &IngestConfig, root: &Path) -> anyhow::Result<StageReport> {
    let started = Instant::now();
    let mut total = IngestCounts::default();
    for source in &config.sources {
        let c = match source.format {
            SourceFormat::OmnideskApi => {
                let now = chrono::Utc::now().timestamp();
                omnidesk_api::ingest_api(store, &config.omnidesk, &omnidesk_api_key(), now).await?.counts
            }
            SourceFormat::ZendeskApi => zendesk::ingest_zendesk(store, &config.zendesk, &zendesk_api_token()).await?.counts,
            _ => ingest(store, &[SourceConfig { path: root.join(&source.path), ..source.clone() }], &[]).await?,
        };
        total.add(&c);
    }
    let dirs: Vec<PathBuf> = config.regulations.iter().map(|d| root.join(d)).collect();
    total.add(&ingest(store, &[], &dirs).await?);
    Ok(report(total, started))
}

pub fn report(c: IngestCounts, started: Instant) -> StageReport {
    let mut report = StageReport::new("ingest", started);
    report.processed = c.read;
    report.written = c.stored;
    report.unchanged = c.unchanged;
    report.rejected = c.quarantined;
    report.summary = format!(
        "{} records read: {} stored, {} unchanged, {} duplicates, {} skipped (open, deleted, spam), {} quarantined; {} regulations",
        count(c.read),
        count(c.stored),
        count(c.unchanged),
        count(c.duplicates),
        count(c.skipped),
        count(c.quarantined),
        count(c.regulations)
    );
    report.finish(started)
}

/// Writes a ticket and its messages unless the store already holds the same content.
/// Returns whether anything was written.
pub async fn store_ticket(store: &Store, t: &Ticket) -> anyhow::Result<bool> {
    Ok(store_tickets(store, std::slice::from_ref(t)).await? == 1)
}

/// Writes the tickets of a batch whose content the store does not hold yet, in one transaction, with
/// multi-row statements. Returns how many were written; the others were unchanged.
pub async fn store_tickets(store: &Store, batch: &[Ticket]) -> anyhow::Result<usize> {
    if batch.is_empty() {
        return Ok(0);
    }
    let hashes: Vec<String> = batch.iter().map(Ticket::content_hash).collect();
    let mut known = std::collections::HashMap::new();
    for ids in batch.chunks(crate::store::rows_per_statement(1)) {
        let sql = format!("SELECT id, content_hash FROM tickets WHERE id IN ({})", placeholders(1, ids.len()));
        let mut q = sqlx::query_as::<_, (String, String)>(&sql);
        for t in ids {
            q = q.bind(&t.id);
        }
        known.extend(q.fetch_all(store.pool()).await?);
    }
    // Tickets forgotten at their customer's request are never stored again.
    let mut erased = std::collections::HashSet::new();
    for ids in batch.chunks(crate::store::rows_per_statement(1)) {
        let sql = format!("SELECT ticket_id FROM forgotten WHERE reason = $1 AND ticket_id IN ({})", placeholders(2, ids.len()));
        let mut q = sqlx::query_as::<_, (String,)>(&sql).bind(crate::store::forget::ERASURE);
        for t in ids {
            q = q.bind(&t.id);
        }
        erased.extend(q.fetch_all(store.pool()).await?.into_iter().map(|(id,)| id));
    }
    let changed: Vec<(&Ticket, &String)> =
        batch.iter().zip(&hashes).filter(|(t, h)| known.get(&t.id) != Some(*h) && !erased.contains(&t.id)).collect();
    if changed.is_empty() {
        return Ok(0);
    }
    let mut tx = store.pool().begin().await?;
    for rows in changed.chunks(crate::store::rows_per_statement(13)) {
        let sql = format!(
            "INSERT INTO tickets (id, source, external_id, subject, status, channel, language, labels, rating, created_at, updated_at, content_hash, customer)
             VALUES {}
             ON CONFLICT (id) DO UPDATE SET subject = excluded.subject, status = excluded.status,
               channel = excluded.channel, language = excluded.language, labels = excluded.labels,
               rating = excluded.rating, created_at = excluded.created_at, updated_at = excluded.updated_at,
               content_hash = excluded.content_hash, customer = excluded.customer",
            values_rows(rows.len(), 13)
        );
        let mut q = sqlx::query(&sql);
        for (t, hash) in rows {
            q = q
                .bind(&t.id)
                .bind(&t.source)
                .bind(&t.external_id)
                .bind(&t.subject)
                .bind(&t.status)
                .bind(&t.channel)
                .bind(&t.language)
                .bind(serde_json::to_string(&t.labels)?)
                .bind(&t.rating)
                .bind(&t.created_at)
                .bind(&t.updated_at)
                .bind(*hash)
                .bind(&t.customer);
        }
        q.execute(&mut *tx).await?;
        let replaced: Vec<&&Ticket> = rows.iter().map(|(t, _)| t).filter(|t| known.contains_key(&t.id)).collect();
        if !replaced.is_empty() {
            let sql = format!("DELETE FROM messages WHERE ticket_id IN ({})", placeholders(1, replaced.len()));
            let mut q = sqlx::query(&sql);
            for t in replaced {
                q = q.bind(&t.id);
            }
            q.execute(&mut *tx).await?;
        }
    }
    let messages: Vec<(&Ticket, usize, &Message)> =
        changed.iter().flat_map(|(t, _)| t.messages.iter().enumerate().map(move |(i, m)| (*t, i, m))).collect();
    for rows in messages.chunks(crate::store::rows_per_statement(7)) {
        let sql = format!(
            "INSERT INTO messages (id, ticket_id, position, author, internal, body, created_at) VALUES {}",
            values_rows(rows.len(), 7)
        );
        let mut q = sqlx::query(&sql);
        for (t, i, m) in rows {
            q = q
                .bind(format!("{}:{}", t.id, i))
                .bind(&t.id)
                .bind(*i as i64)
                .bind(m.author.as_str())
                .bind(m.internal as i64)
                .bind(&m.body)
                .bind(&m.created_at);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(changed.len())
}

async fn store_regulation(store: &Store, r: &regulations::Regulation) -> anyhow::Result<()> {
    let hash = crate::hash::text_hash(&format!("{}\n{}", r.title, r.body));
    sqlx::query(
        "INSERT INTO regulations (id, title, body, content_hash, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET title = excluded.title, body = excluded.body,
           content_hash = excluded.content_hash, updated_at = excluded.updated_at
         WHERE regulations.content_hash <> excluded.content_hash",
    )
    .bind(&r.id)
    .bind(&r.title)
    .bind(&r.body)
    .bind(hash)
    .bind(now())
    .execute(store.pool())
    .await?;
    Ok(())
}
