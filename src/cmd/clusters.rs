use std::path::Path;

use crate::cli::ClustersAction;
use crate::cluster::inspect;
use crate::store::Store;

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
            if *json {
                println!("{}", serde_json::to_string_pretty(&serde_json::json!({"cluster": c, "members": members}))?);
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
        }
    }
    Ok(Outcome::Success)
}

fn one_line(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        format!("{}…", flat.chars().take(max).collect::<String>())
    } else {
        flat
    }
}
