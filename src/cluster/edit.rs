//! Editors' corrections to the clustering: `kbforge clusters split|move|merge|unpin` and the
//! review app's "split off".
//!
//! No similarity threshold is right for every pair of intents (docs/BENCHMARKS.md: the merges that
//! fuse two intents and those that join two halves of one overlap on every measure tried), so an
//! editor who sees a draft that answers two questions, or two drafts that answer one, says so. An
//! edit **pins** every ticket of the clusters it touches to the cluster it leaves them in (table
//! `cluster_pins`): tickets pinned to one id always cluster together and tickets pinned to
//! different ids never do, in incremental runs and full re-clusterings alike ([`super::assign`]);
//! tickets that come later cluster freely around them. The store's membership changes at once; the
//! caller then runs the cluster stage (which recomputes labels, medoids and classes) and the draft
//! stage (which writes the new draft and rewrites the old one, unless an editor has touched it).

use std::collections::{BTreeMap, BTreeSet};

use crate::store::{now, Store};

/// One correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// These tickets of `cluster` are a cluster of their own.
    Split { cluster: String, tickets: Vec<String> },
    /// These tickets belong in cluster `to`.
    Move { tickets: Vec<String>, to: String },
    /// The other clusters' tickets belong in `into`.
    Merge { into: String, from: Vec<String> },
}

/// What an edit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// Tickets that changed cluster.
    pub moved: usize,
    /// Tickets pinned (moved or not).
    pub pinned: usize,
    /// The cluster the tickets went to: the new one for a split.
    pub target: String,
    /// Every cluster the edit changed, emptied ones included: the ones whose rows are rebuilt.
    pub touched: Vec<String>,
    /// The clusters tickets left, with how many left each.
    pub left: BTreeMap<String, usize>,
}

/// Why an edit was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EditError {
    #[error("no cluster `{0}`: `kbforge clusters list` shows them")]
    NoCluster(String),
    #[error("ticket `{0}` is in no cluster: `kbforge clusters show <id>` lists a cluster's tickets")]
    NoTicket(String),
    #[error("ticket `{ticket}` is in cluster `{actual}`, not `{expected}`")]
    WrongCluster { ticket: String, expected: String, actual: String },
    #[error("name at least one ticket")]
    NoTickets,
    #[error("a split must leave at least one ticket in `{0}`")]
    SplitsEverything(String),
    #[error("name at least one cluster other than `{0}` to merge into it")]
    NothingToMerge(String),
}

/// Applies `edit` to the store's membership and pins, in one transaction; `by` is the editor.
pub async fn apply(store: &Store, edit: &Edit, by: &str) -> anyhow::Result<Applied> {
    let members: BTreeMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT ticket_id, cluster_id FROM cluster_members").fetch_all(store.pool()).await?.into_iter().collect();
    let mut of_cluster: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (t, c) in &members {
        of_cluster.entry(c.as_str()).or_default().insert(t.as_str());
    }
    let exists = |c: &str| if of_cluster.contains_key(c) { Ok(()) } else { Err(EditError::NoCluster(c.to_string())) };
    let cluster_of = |t: &str| members.get(t).map(String::as_str).ok_or_else(|| EditError::NoTicket(t.to_string()));
    // The resulting cluster of every ticket in a touched cluster: all of them are pinned.
    let mut placed: BTreeMap<String, String> = BTreeMap::new();
    let keep = |placed: &mut BTreeMap<String, String>, cluster: &str| {
        for t in &of_cluster[cluster] {
            placed.entry(t.to_string()).or_insert_with(|| cluster.to_string());
        }
    };
    let target = match edit {
        Edit::Split { cluster, tickets } => {
            exists(cluster)?;
            let chosen: BTreeSet<&str> = tickets.iter().map(String::as_str).collect();
            if chosen.is_empty() {
                return Err(EditError::NoTickets.into());
            }
            for t in &chosen {
                let actual = cluster_of(t)?;
                if actual != cluster {
                    return Err(EditError::WrongCluster { ticket: t.to_string(), expected: cluster.clone(), actual: actual.to_string() }.into());
                }
            }
            if chosen.len() == of_cluster[cluster.as_str()].len() {
                return Err(EditError::SplitsEverything(cluster.clone()).into());
            }
            let new = new_id(&chosen, &of_cluster);
            for t in &chosen {
                placed.insert(t.to_string(), new.clone());
            }
            keep(&mut placed, cluster);
            new
        }
        Edit::Move { tickets, to } => {
            exists(to)?;
            if tickets.is_empty() {
                return Err(EditError::NoTickets.into());
            }
            for t in tickets {
                cluster_of(t)?;
            }
            for t in tickets {
                placed.insert(t.clone(), to.clone());
            }
            keep(&mut placed, to);
            for t in tickets {
                keep(&mut placed, cluster_of(t)?);
            }
            to.clone()
        }
        Edit::Merge { into, from } => {
            exists(into)?;
            let from: Vec<&String> = from.iter().filter(|c| *c != into).collect();
            if from.is_empty() {
                return Err(EditError::NothingToMerge(into.clone()).into());
            }
            for c in &from {
                exists(c)?;
            }
            for c in from {
                for t in &of_cluster[c.as_str()] {
                    placed.insert(t.to_string(), into.clone());
                }
            }
            keep(&mut placed, into);
            into.clone()
        }
    };
    // Which clusters the edit tells apart, and which it joins.
    let (apart, joined): (Vec<(String, String)>, Vec<(String, String)>) = match edit {
        Edit::Split { cluster, .. } => (vec![apart_key(cluster, &target)], Vec::new()),
        Edit::Move { tickets, to } => {
            let from: BTreeSet<&str> = tickets.iter().filter_map(|t| members.get(t)).map(String::as_str).filter(|c| c != to).collect();
            (from.into_iter().map(|c| apart_key(c, to)).collect(), Vec::new())
        }
        Edit::Merge { into, from } => (Vec::new(), from.iter().map(|c| apart_key(c, into)).collect()),
    };
    let moved = placed.iter().filter(|(t, c)| members.get(*t) != Some(*c)).count();
    let stamp = now();
    let mut tx = store.pool().begin().await?;
    for (ticket, cluster) in &placed {
        if members.get(ticket) != Some(cluster) {
            sqlx::query("UPDATE cluster_members SET cluster_id = $1 WHERE ticket_id = $2").bind(cluster).bind(ticket).execute(&mut *tx).await?;
        }
        sqlx::query(
            "INSERT INTO cluster_pins (ticket_id, cluster_id, pinned_by, pinned_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (ticket_id) DO UPDATE SET cluster_id = excluded.cluster_id, pinned_by = excluded.pinned_by, pinned_at = excluded.pinned_at",
        )
        .bind(ticket)
        .bind(cluster)
        .bind(by)
        .bind(&stamp)
        .execute(&mut *tx)
        .await?;
    }
    for (a, b) in &apart {
        sqlx::query(
            "INSERT INTO cluster_apart (a, b, decided_by, decided_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (a, b) DO UPDATE SET decided_by = excluded.decided_by, decided_at = excluded.decided_at",
        )
        .bind(a)
        .bind(b)
        .bind(by)
        .bind(&stamp)
        .execute(&mut *tx)
        .await?;
    }
    for (a, b) in &joined {
        sqlx::query("DELETE FROM cluster_apart WHERE a = $1 AND b = $2").bind(a).bind(b).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    let touched: BTreeSet<String> = placed.iter().flat_map(|(t, c)| [members.get(t).cloned(), Some(c.clone())]).flatten().collect();
    let mut left: BTreeMap<String, usize> = BTreeMap::new();
    for (ticket, cluster) in &placed {
        if let Some(from) = members.get(ticket).filter(|from| *from != cluster) {
            *left.entry(from.clone()).or_default() += 1;
        }
    }
    Ok(Applied { moved, pinned: placed.len(), target, touched: touched.into_iter().collect(), left })
}

/// Lets the clustering decide again for these tickets (all pinned tickets when `tickets` is
/// empty); returns how many pins were removed. Their clusters stay as they are until the next full
/// re-clustering.
pub async fn unpin(store: &Store, tickets: &[String]) -> anyhow::Result<u64> {
    if tickets.is_empty() {
        return Ok(sqlx::query("DELETE FROM cluster_pins").execute(store.pool()).await?.rows_affected());
    }
    let mut removed = 0;
    for t in tickets {
        removed += sqlx::query("DELETE FROM cluster_pins WHERE ticket_id = $1").bind(t).execute(store.pool()).await?.rows_affected();
    }
    Ok(removed)
}

/// One pin: a ticket, the cluster an editor put it in, who and when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Pin {
    pub ticket_id: String,
    pub cluster_id: String,
    pub pinned_by: String,
    pub pinned_at: String,
}

/// Every pin, by cluster then ticket.
pub async fn pins(store: &Store) -> anyhow::Result<Vec<Pin>> {
    let rows: Vec<(String, String, String, String)> =
        sqlx::query_as("SELECT ticket_id, cluster_id, pinned_by, pinned_at FROM cluster_pins ORDER BY cluster_id, ticket_id").fetch_all(store.pool()).await?;
    Ok(rows.into_iter().map(|(ticket_id, cluster_id, pinned_by, pinned_at)| Pin { ticket_id, cluster_id, pinned_by, pinned_at }).collect())
}

/// Pairs of clusters an editor told apart (as `(smaller id, larger id)`, table `cluster_apart`):
/// a split, or tickets moved from one to the other. Their drafts are not near-duplicates of each
/// other, and one is not proposed as an update to the other, however alike their centroids: the
/// editor has read both.
pub async fn set_apart(store: &Store) -> anyhow::Result<BTreeSet<(String, String)>> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT a, b FROM cluster_apart").fetch_all(store.pool()).await?;
    Ok(rows.into_iter().collect())
}

/// The key of a pair in [`set_apart`].
pub fn apart_key(a: &str, b: &str) -> (String, String) {
    if a <= b { (a.to_string(), b.to_string()) } else { (b.to_string(), a.to_string()) }
}

/// The id of a cluster split off: derived from its tickets, as a clustering's ids are from their
/// medoid, and never one in use.
fn new_id(tickets: &BTreeSet<&str>, taken: &BTreeMap<&str, BTreeSet<&str>>) -> String {
    let joined = tickets.iter().copied().collect::<Vec<_>>().join("\n");
    let mut id = format!("c-{}", &crate::hash::text_hash(&joined)[..10]);
    while taken.contains_key(id.as_str()) {
        id.push_str("-s");
    }
    id
}
