//! The bot's side of the loop: what it was asked (`searches`), how operators rated what it answered
//! (`feedback`), and the help center's "Was this helpful?" votes (`votes`). [`stats`] turns them
//! into the source deck's seven numbers, the worst articles and the gaps the bot met.
//!
//! Entry points: [`Writer`] (one task that commits rows in groups: a row is acknowledged only once
//! its transaction is committed, so a killed server loses nothing it acknowledged, and concurrent
//! callers share one commit instead of queueing for the store one by one), [`search_row`] (what a
//! search left behind), [`prune`] (`[feedback] retention-days`).
//!
//! Privacy: a query is stored cleaned and redacted, with no client address; a miss keeps the
//! vector of that redacted text (for clustering the bot's gaps), nothing else does.

pub mod stats;

use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

use crate::store::Store;

/// `[feedback]`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct FeedbackConfig {
    /// Searches, ratings and votes older than this many days are deleted (by `kbforge serve`, at
    /// start and hourly, and by `kbforge feedback prune`). 0 keeps them forever. Default: 365.
    pub retention_days: u32,
}

impl Default for FeedbackConfig {
    fn default() -> Self {
        FeedbackConfig { retention_days: 365 }
    }
}

/// An operator's verdict on what the bot answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rating {
    /// Sent as is.
    Correct,
    /// Sent after the operator changed it.
    Edited,
    /// Thrown away.
    Wrong,
    /// Shown, not rated (the deck's control group).
    Unrated,
}

impl Rating {
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Correct => "correct",
            Rating::Edited => "edited",
            Rating::Wrong => "wrong",
            Rating::Unrated => "unrated",
        }
    }

    pub fn parse(s: &str) -> Option<Rating> {
        Some(match s {
            "correct" => Rating::Correct,
            "edited" => Rating::Edited,
            "wrong" => Rating::Wrong,
            "unrated" => Rating::Unrated,
            _ => return None,
        })
    }
}

/// One search as stored: the redacted query and what the bot did with it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchRow {
    pub id: String,
    pub query: String,
    pub audience: String,
    pub route: String,
    pub topic: String,
    /// The top hit, `""` when there was none.
    pub article_id: String,
    pub similarity: f64,
    /// The hits' article ids, best first.
    pub hits: Vec<String>,
    /// A question with no confident article.
    pub miss: bool,
    /// The redacted query's vector, for a miss only.
    pub vector: Vec<f32>,
}

/// One rating as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedbackRow {
    /// `""` when the caller rated without a search.
    pub search_id: String,
    pub query: String,
    pub ticket_id: String,
    pub article_id: String,
    pub route: String,
    pub topic: String,
    pub rating: Rating,
    pub operator: String,
}

/// A row for the [`Writer`].
#[derive(Debug, Clone)]
pub enum Row {
    Search(SearchRow),
    Feedback(FeedbackRow),
    Vote { article_id: String, helpful: bool },
}

/// Rows committed in one transaction at most.
const GROUP: usize = 512;

type Ack = oneshot::Sender<Result<(), String>>;

/// The one task that writes searches, ratings and votes: each [`Writer::write`] returns once its
/// row's transaction has committed.
#[derive(Debug, Clone)]
pub struct Writer {
    tx: mpsc::Sender<(Row, Ack)>,
}

impl Writer {
    /// Starts the writing task on the current runtime.
    pub fn start(store: Store) -> Writer {
        let (tx, mut rx) = mpsc::channel::<(Row, Ack)>(4 * GROUP);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(GROUP);
            while rx.recv_many(&mut batch, GROUP).await > 0 {
                let rows: Vec<&Row> = batch.iter().map(|(r, _)| r).collect();
                let result = insert(&store, &rows).await.map_err(|e| format!("{e:#}"));
                if let Err(e) = &result {
                    tracing::error!("feedback: cannot store {} rows: {e}", rows.len());
                }
                for (_, ack) in batch.drain(..) {
                    let _ = ack.send(result.clone());
                }
            }
        });
        Writer { tx }
    }

    /// Stores `row`; `Ok` means committed.
    pub async fn write(&self, row: Row) -> anyhow::Result<()> {
        let (ack, done) = oneshot::channel();
        self.tx.send((row, ack)).await.map_err(|_| anyhow::anyhow!("the feedback writer has stopped"))?;
        done.await.map_err(|_| anyhow::anyhow!("the feedback writer has stopped"))?.map_err(|e| anyhow::anyhow!(e))
    }
}

/// Inserts rows in one transaction.
pub async fn insert(store: &Store, rows: &[&Row]) -> anyhow::Result<()> {
    let now = crate::store::now();
    let mut tx = store.pool().begin().await?;
    for row in rows {
        match row {
            Row::Search(s) => {
                sqlx::query(
                    "INSERT INTO searches (id, created_at, query, audience, route, topic, article_id, similarity, hits, miss, vector)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(&s.id)
                .bind(&now)
                .bind(&s.query)
                .bind(&s.audience)
                .bind(&s.route)
                .bind(&s.topic)
                .bind(&s.article_id)
                .bind(s.similarity)
                .bind(serde_json::to_string(&s.hits)?)
                .bind(i64::from(s.miss))
                .bind(crate::store::vector_to_bytes(&s.vector))
                .execute(&mut *tx)
                .await?;
            }
            Row::Feedback(f) => {
                sqlx::query(
                    "INSERT INTO feedback (created_at, search_id, query, ticket_id, article_id, route, topic, rating, operator)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(&now)
                .bind(&f.search_id)
                .bind(&f.query)
                .bind(&f.ticket_id)
                .bind(&f.article_id)
                .bind(&f.route)
                .bind(&f.topic)
                .bind(f.rating.as_str())
                .bind(&f.operator)
                .execute(&mut *tx)
                .await?;
            }
            Row::Vote { article_id, helpful } => {
                sqlx::query("INSERT INTO votes (created_at, article_id, helpful) VALUES ($1, $2, $3)")
                    .bind(&now)
                    .bind(article_id)
                    .bind(i64::from(*helpful))
                    .execute(&mut *tx)
                    .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

/// `searches` as read back: id, query, audience, route, topic, article, similarity, hits, miss.
type StoredSearch = (String, String, String, String, String, String, f64, String, i64);

/// The search `id`, if it is stored.
pub async fn search_row(store: &Store, id: &str) -> anyhow::Result<Option<SearchRow>> {
    let row: Option<StoredSearch> = sqlx::query_as(
        "SELECT id, query, audience, route, topic, article_id, similarity, hits, miss FROM searches WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(store.pool())
    .await?;
    Ok(row.map(|(id, query, audience, route, topic, article_id, similarity, hits, miss)| SearchRow {
        id,
        query,
        audience,
        route,
        topic,
        article_id,
        similarity,
        hits: serde_json::from_str(&hits).unwrap_or_default(),
        miss: miss != 0,
        vector: Vec::new(),
    }))
}

/// How many rows [`prune`] deleted, per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Pruned {
    pub searches: u64,
    pub feedback: u64,
    pub votes: u64,
}

/// Deletes searches, ratings and votes older than `days` days (none when `days` is 0).
pub async fn prune(store: &Store, days: u32) -> anyhow::Result<Pruned> {
    if days == 0 {
        return Ok(Pruned::default());
    }
    let before = (chrono::Utc::now() - chrono::Duration::days(i64::from(days))).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut out = Pruned::default();
    for (table, n) in [("searches", &mut out.searches), ("feedback", &mut out.feedback), ("votes", &mut out.votes)] {
        *n = sqlx::query(&format!("DELETE FROM {table} WHERE created_at < $1")).bind(&before).execute(store.pool()).await?.rows_affected();
    }
    Ok(out)
}

/// A fresh search id: 16 random bytes, hex.
pub fn new_id() -> String {
    let mut token = crate::review::users::random_token();
    token.truncate(32);
    token
}
