use std::path::Path;

use crate::cli::ClustersAction;
use crate::cluster::edit::{self, Edit};
use crate::cluster::inspect;
use crate::lexical::one_line;
use crate::pipeline::Context;
use crate::store::Store;
use crate::workspace::Workspace;

use super::Outcome;

pub async fn run(workspace: Option<&Path>, action: &ClustersAction) -> anyhow::Result<Outcome> {
    let ws = super::workspace(workspace)?;
    let store = Store::open(&ws.store_url()).await?;
    match action {
        ClustersAction::List { kind, json, limit } => {
            let all = inspect::list(&store).await?;
            let shown: Vec<_> =
                all.iter().filter(|c| kind.as_deref().is_none_or(|k| c.kind == k)).take(limit.unwrap_or(usize::MAX)).collect();
            if *json {
                println!("{}", serde_json::to_string_pretty(&shown)?);
                return Ok(Outcome::Success);
            }
            for c in &shown {
                let article = c.article.as_deref().map(|a| format!("  → {a}")).unwrap_or_default();
                println!("{:<16} {:>5}  {:<12} {}{article}", c.id, c.size, c.kind, c.label);
                if let Some(q) = c.representatives.first() {
                    println!("{:<16} {:>5}  {:<12} “{}”", "", "", "", one_line(q, 90));
                }
            }
            println!("{} clusters", shown.len());
        }
        ClustersAction::Show { id, json } => {
            let Some((c, members)) = inspect::show(&store, id).await? else {
                anyhow::bail!("no cluster `{id}`: `kbforge clusters list` shows them");
            };
            let near = inspect::near(&store, id, 5, false).await?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&serde_json::json!({"cluster": c, "members": members, "near": near}))?);
                return Ok(Outcome::Success);
            }
            println!("id:       {}\nlabel:    {}\nsize:     {}\nclass:    {}\ntopic:    {}", c.id, c.label, c.size, c.kind, c.topic);
            println!("article:  {}", c.article.as_deref().unwrap_or("-"));
            println!("representatives:");
            for q in &c.representatives {
                println!("  - {}", one_line(q, 200));
            }
            println!("members:");
            for m in &members {
                println!("  {:.3}  {:<20} {}", m.similarity, m.ticket_id, one_line(&m.question, 100));
            }
            if !near.is_empty() {
                println!("nearest clusters (`kbforge clusters merge {id} <other>` if one asks the same):");
            }
            for n in &near {
                let article = n.article.as_deref().map(|a| format!("  → {a}")).unwrap_or_default();
                println!("  {:.3}  {:<16} {:>4}  {:<12} “{}”{article}", n.similarity, n.id, n.size, n.kind, one_line(&n.question, 80));
            }
        }
        ClustersAction::Split { id, tickets, by } => {
            apply(ws, Edit::Split { cluster: id.clone(), tickets: tickets.clone() }, by).await?;
        }
        ClustersAction::Move { tickets, to, by } => {
            apply(ws, Edit::Move { tickets: tickets.clone(), to: to.clone() }, by).await?;
        }
        ClustersAction::Merge { into, from, by } => {
            apply(ws, Edit::Merge { into: into.clone(), from: from.clone() }, by).await?;
        }
        ClustersAction::Pins { json } => {
            let pins = edit::pins(&store).await?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&pins)?);
                return Ok(Outcome::Success);
            }
            for p in &pins {
                println!("{:<16} {:<20} {}  {}", p.cluster_id, p.ticket_id, p.pinned_by, p.pinned_at);
            }
            println!("{} pinned tickets", pins.len());
        }
        ClustersAction::Unpin { tickets, all } => {
            if tickets.is_empty() && !*all {
                anyhow::bail!("name the tickets to unpin, or pass --all");
            }
            let removed = edit::unpin(&store, tickets).await?;
            println!("{removed} tickets unpinned; the next full re-clustering places them by similarity");
        }
    }
    Ok(Outcome::Success)
}

/// An editor's correction, then the cluster and draft stages, so the drafts show it at once.
async fn apply(ws: Workspace, change: Edit, by: &Option<String>) -> anyhow::Result<()> {
    let by = by.clone().unwrap_or_else(crate::review::current_editor);
    let mut ctx = Context::open(ws).await?;
    let (applied, merged) = crate::review::correct_clusters(&ctx.store, &ctx.ws.kb_dir(), &change, &by).await?;
    println!("{} tickets moved into {} ({} pinned where they now are)", applied.moved, applied.target, applied.pinned);
    for article in merged {
        println!("article {article} merged into the one of {}", applied.target);
    }
    let (store, embedder, ws) = ctx.with_model()?;
    for report in crate::pipeline::after_cluster_edit(store, embedder, ws, &applied).await? {
        println!("{}", report.line());
    }
    Ok(())
}
