//! Tickets to forget: marked by a connector (a case deleted, marked spam or gone from the helpdesk)
//! or by `kbforge forget` (an erasure request), removed from every table by [`purge`]. What the
//! tickets left in the knowledge base and the published outputs is cleaned above the store
//! (`crate::forget`).

use std::collections::HashMap;

use super::{now, placeholders, Store};

/// Why a ticket is forgotten.
pub const DELETED: &str = "deleted";
pub const SPAM: &str = "spam";
pub const GONE: &str = "gone";
pub const ERASURE: &str = "erasure request";

/// Marks tickets to forget; the ones already marked keep their first reason. Returns how many
/// of `ids` the store holds.
pub async fn mark(store: &Store, ids: &[String], reason: &str) -> Result<usize, sqlx::Error> {
    let mut held = 0;
    for id in ids {
        let exists: Option<(String,)> = sqlx::query_as("SELECT id FROM tickets WHERE id = $1").bind(id).fetch_optional(store.pool()).await?;
        held += usize::from(exists.is_some());
        sqlx::query(
            "INSERT INTO forgotten (ticket_id, reason, pending, marked_at) VALUES ($1, $2, 1, $3)
             ON CONFLICT (ticket_id) DO UPDATE SET pending = 1",
        )
        .bind(id)
        .bind(reason)
        .bind(now())
        .execute(store.pool())
        .await?;
    }
    Ok(held)
}

/// Whether a ticket was forgotten at its customer's request: it is never stored again.
pub async fn erased(store: &Store, id: &str) -> Result<bool, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT reason FROM forgotten WHERE ticket_id = $1").bind(id).fetch_optional(store.pool()).await?;
    Ok(row.is_some_and(|(r,)| r == ERASURE))
}

/// Whether another pair than `except`'s has this exact question or answer text.
pub async fn text_in_use(store: &Store, text: &str, except: &[String]) -> Result<bool, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT ticket_id FROM qa_pairs WHERE question = $1 OR answer = $1").bind(text).fetch_all(store.pool()).await?;
    Ok(rows.iter().any(|(id,)| !except.contains(id)))
}

/// The tickets marked and not purged yet.
pub async fn pending(store: &Store) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT ticket_id FROM forgotten WHERE pending = 1 ORDER BY ticket_id").fetch_all(store.pool()).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Every ticket ever forgotten (pending or not).
pub async fn all(store: &Store) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT ticket_id FROM forgotten ORDER BY ticket_id").fetch_all(store.pool()).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The tickets of a customer ([`crate::ingest::ticket::customer_key`]s).
pub async fn tickets_of(store: &Store, customer_keys: &[String]) -> Result<Vec<String>, sqlx::Error> {
    let mut out = Vec::new();
    for key in customer_keys.iter().filter(|k| !k.is_empty()) {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM tickets WHERE customer = $1 ORDER BY id").bind(key).fetch_all(store.pool()).await?;
        out.extend(rows.into_iter().map(|(id,)| id));
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The `updated_at` the store holds for each of `ids` it has.
pub async fn stored_updated_at(store: &Store, ids: &[String]) -> Result<HashMap<String, String>, sqlx::Error> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(crate::store::rows_per_statement(1)) {
        let sql = format!("SELECT id, updated_at FROM tickets WHERE id IN ({})", placeholders(1, chunk.len()));
        let mut q = sqlx::query_as::<_, (String, String)>(&sql);
        for id in chunk {
            q = q.bind(id);
        }
        out.extend(q.fetch_all(store.pool()).await?);
    }
    Ok(out)
}

/// What a ticket leaves behind that only its text finds: the cleaned question and answer as the
/// pair has them, read before [`purge`] removes them.
#[derive(Debug, Clone, Default)]
pub struct Remains {
    pub ticket_id: String,
    pub question: String,
    pub answer: String,
}

/// The pairs of the tickets, for what has to be found by text (phrasings, caches).
pub async fn remains(store: &Store, ids: &[String]) -> Result<Vec<Remains>, sqlx::Error> {
    let mut out = Vec::new();
    for id in ids {
        let row: Option<(String, String)> = sqlx::query_as("SELECT question, answer FROM qa_pairs WHERE ticket_id = $1").bind(id).fetch_optional(store.pool()).await?;
        let (question, answer) = row.unwrap_or_default();
        out.push(Remains { ticket_id: id.clone(), question, answer });
    }
    Ok(out)
}

/// What [`purge`] removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Purged {
    pub tickets: usize,
    /// Clusters that lost members.
    pub clusters: Vec<String>,
    /// Cached vectors and token states no other pair uses.
    pub cached: usize,
}

/// Removes the tickets and everything the store derived from them, in one transaction: messages,
/// pairs, cluster membership and editors' pins (a cluster's medoid and representatives move to its other members,
/// an emptied cluster goes), the cache rows of `text_hashes` (their question and answer as a model
/// saw them, every model; the caller leaves out texts another pair still has),
/// queued jobs and quarantined records that carry the ticket, open revisions proposed from it.
/// The marks stay, no longer pending: the ids (and nothing else) record what was forgotten.
pub async fn purge(store: &Store, ids: &[String], text_hashes: &[String]) -> Result<Purged, sqlx::Error> {
    let mut purged = Purged::default();
    let sqlite = store.backend() == super::Backend::Sqlite;
    let mut tx = store.pool().begin().await?;
    for id in ids {
        let cluster: Option<(String,)> = sqlx::query_as("SELECT cluster_id FROM cluster_members WHERE ticket_id = $1").bind(id).fetch_optional(&mut *tx).await?;
        sqlx::query("DELETE FROM cluster_members WHERE ticket_id = $1").bind(id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM cluster_pins WHERE ticket_id = $1").bind(id).execute(&mut *tx).await?;
        if let Some((cluster,)) = cluster {
            let left: Vec<(String,)> = sqlx::query_as("SELECT ticket_id FROM cluster_members WHERE cluster_id = $1 ORDER BY similarity DESC, ticket_id").bind(&cluster).fetch_all(&mut *tx).await?;
            if left.is_empty() {
                sqlx::query("DELETE FROM clusters WHERE id = $1").bind(&cluster).execute(&mut *tx).await?;
            } else {
                let row: Option<(String, String)> = sqlx::query_as("SELECT medoid, representatives FROM clusters WHERE id = $1").bind(&cluster).fetch_optional(&mut *tx).await?;
                if let Some((medoid, reps)) = row {
                    let medoid = if &medoid == id { left[0].0.clone() } else { medoid };
                    let reps: Vec<String> = serde_json::from_str::<Vec<String>>(&reps).unwrap_or_default().into_iter().filter(|r| r != id).collect();
                    // The label's words may be the forgotten question's; the next cluster run labels it again.
                    sqlx::query("UPDATE clusters SET size = $1, medoid = $2, representatives = $3, label = '' WHERE id = $4")
                        .bind(left.len() as i64)
                        .bind(medoid)
                        .bind(serde_json::to_string(&reps).unwrap_or_else(|_| "[]".into()))
                        .bind(&cluster)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            if !purged.clusters.contains(&cluster) {
                purged.clusters.push(cluster);
            }
        }
        sqlx::query("DELETE FROM qa_pairs WHERE ticket_id = $1").bind(id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM messages WHERE ticket_id = $1").bind(id).execute(&mut *tx).await?;
        let gone = sqlx::query("DELETE FROM tickets WHERE id = $1").bind(id).execute(&mut *tx).await?;
        purged.tickets += gone.rows_affected() as usize;
        let pattern = format!("%{}%", like_escape(id));
        sqlx::query("DELETE FROM quarantine WHERE location LIKE $1 ESCAPE '\\' OR raw LIKE $1 ESCAPE '\\'").bind(&pattern).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM jobs WHERE payload LIKE $1 ESCAPE '\\'").bind(&pattern).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM revisions WHERE state = 'open' AND proposed LIKE $1 ESCAPE '\\'").bind(&pattern).execute(&mut *tx).await?;
        sqlx::query("UPDATE forgotten SET pending = 0 WHERE ticket_id = $1").bind(id).execute(&mut *tx).await?;
    }
    for hash in text_hashes {
        for table in ["embeddings", "token_states"] {
            let sql = format!("DELETE FROM {table} WHERE text_hash = $1");
            purged.cached += sqlx::query(&sql).bind(hash).execute(&mut *tx).await?.rows_affected() as usize;
        }
    }
    tx.commit().await?;
    if sqlite {
        // The store zeroes deleted content (`secure_delete`, set on connect); the write-ahead log,
        // which still holds the old pages, is emptied into the file.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(store.pool()).await?;
    }
    Ok(purged)
}

/// A LIKE pattern's special characters escaped with `\`.
fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}
