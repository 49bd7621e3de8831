//! `kbforge eval desk --edits N`: what the review's corrections to the clustering buy on a labelled
//! desk. An editor who knows the labels makes them through the same edits as `kbforge clusters`.

use std::collections::{BTreeMap, HashMap};

use super::labels::{local_id, majority, Label};
use crate::pipeline::Context;

/// The drafts scored again after an editor who knows the labels corrected the clustering
/// ([`simulate_editor`]).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Edited {
    /// Corrections made: tickets split off into a cluster of their own, moved to the draft of their
    /// intent, or duplicate drafts merged.
    pub splits: usize,
    pub moves: usize,
    pub merges: usize,
    pub drafts: usize,
    pub purity: f64,
    pub coverage: f64,
    pub covered: usize,
    pub duplicates: usize,
    pub unassigned: usize,
}

/// An editor who knows the labels reads the drafts and corrects up to `budget` things, the one
/// touching the most tickets first, through the same edits as `kbforge clusters` (each followed by
/// the cluster and draft stages):
/// - tickets of another intent in a draft go to the draft of their intent (a move) or, when it
///   has none, into a cluster of their own (a split);
/// - a second draft of one intent is merged into the first;
/// - an intent with no draft whose `min-cluster-size`+ tickets sit in small clusters outside every
///   draft is gathered into one of them (a move), as an editor does from `kbforge clusters list`.
///
/// Returns how many splits, moves and merges it made; it stops early when nothing is left to fix.
pub async fn simulate_editor(ctx: &mut Context, labels: &HashMap<String, Label>, min_size: usize, budget: usize) -> anyhow::Result<(usize, usize, usize)> {
    use crate::cluster::edit::{self, Edit};
    let (mut splits, mut moves, mut merges) = (0, 0, 0);
    for _ in 0..budget {
        let (store, embedder, ws) = ctx.with_model()?;
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT d.cluster_id, m.ticket_id FROM drafts d JOIN cluster_members m ON m.cluster_id = d.cluster_id ORDER BY d.cluster_id, m.ticket_id",
        )
        .fetch_all(store.pool())
        .await?;
        let mut drafts: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
        for (cluster, ticket) in &rows {
            let intent = labels.get(local_id(ticket)).map_or("", |l| l.intent.as_str());
            drafts.entry(cluster.as_str()).or_default().push((ticket.as_str(), intent));
        }
        // Each draft's intent; an intent's home is its largest draft.
        let majority_of: BTreeMap<&str, (&str, usize)> =
            drafts.iter().map(|(c, ms)| (*c, majority(&ms.iter().map(|(_, i)| *i).collect::<Vec<_>>()))).collect();
        let mut home: HashMap<&str, (&str, usize)> = HashMap::new();
        for (c, ms) in &drafts {
            let (intent, _) = majority_of[c];
            let best = home.entry(intent).or_insert((c, ms.len()));
            if ms.len() > best.1 {
                *best = (c, ms.len());
            }
        }
        // (tickets touched, the edit), the largest first; ties by cluster and intent.
        let mut fixes: Vec<(usize, Edit)> = Vec::new();
        for (c, ms) in &drafts {
            let (intent, _) = majority_of[c];
            if !intent.is_empty() && home[intent].0 != *c {
                fixes.push((ms.len(), Edit::Merge { into: home[intent].0.to_string(), from: vec![c.to_string()] }));
                continue;
            }
            let mut others: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for (t, i) in ms.iter().filter(|(_, i)| !i.is_empty() && *i != intent) {
                others.entry(i).or_default().push(t.to_string());
            }
            for (i, tickets) in others {
                let edit = match home.get(i) {
                    Some((to, _)) => Edit::Move { tickets: tickets.clone(), to: to.to_string() },
                    None => Edit::Split { cluster: c.to_string(), tickets: tickets.clone() },
                };
                fixes.push((tickets.len(), edit));
            }
        }
        // An intent with no draft whose tickets sit in small clusters outside every draft (as
        // `kbforge clusters list` shows them): gathered into the first one's cluster.
        let all: Vec<(String, String)> = sqlx::query_as("SELECT ticket_id, cluster_id FROM cluster_members ORDER BY ticket_id").fetch_all(store.pool()).await?;
        let mut loose: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
        for (ticket, cluster) in &all {
            let Some(label) = labels.get(local_id(ticket)).filter(|l| l.kind == "flat") else { continue };
            if !drafts.contains_key(cluster.as_str()) && !home.contains_key(label.intent.as_str()) {
                loose.entry(label.intent.as_str()).or_default().push((ticket.as_str(), cluster.as_str()));
            }
        }
        for tickets in loose.values().filter(|t| t.len() >= min_size) {
            let to = tickets[0].1;
            let strays: Vec<String> = tickets.iter().filter(|(_, c)| *c != to).map(|(t, _)| t.to_string()).collect();
            if !strays.is_empty() {
                fixes.push((tickets.len(), Edit::Move { tickets: strays, to: to.to_string() }));
            }
        }
        let Some((_, fix)) = fixes.into_iter().enumerate().max_by(|(ia, a), (ib, b)| a.0.cmp(&b.0).then(ib.cmp(ia))).map(|(_, f)| f) else {
            break;
        };
        match fix {
            Edit::Split { .. } => splits += 1,
            Edit::Move { .. } => moves += 1,
            Edit::Merge { .. } => merges += 1,
        }
        let applied = edit::apply(store, &fix, "eval").await?;
        crate::pipeline::after_cluster_edit(store, embedder, ws, &applied).await?;
    }
    Ok((splits, moves, merges))
}

