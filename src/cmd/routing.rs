use std::path::Path;

use crate::cli::{FeedbackAction, RoutingAction};
use crate::routing::learned;
use crate::store::Store;

use super::Outcome;

pub async fn run(workspace: Option<&Path>, action: &RoutingAction) -> anyhow::Result<Outcome> {
    let ws = super::workspace(workspace)?;
    let store = Store::open(&ws.store_url()).await?;
    let days = match action {
        RoutingAction::Suggest { days, .. } | RoutingAction::Apply { days } => *days,
    };
    let (articles, _) = crate::kb::load_all(&ws.kb_dir());
    let topics = crate::feedback::stats::by_topic(&store, &articles, days).await?;
    let proposals = learned::propose(&topics, &ws.config.routing);
    match action {
        RoutingAction::Suggest { json: true, .. } => println!("{}", serde_json::to_string_pretty(&proposals)?),
        RoutingAction::Suggest { .. } => print!("{}", table(&proposals)),
        RoutingAction::Apply { .. } => {
            let path = ws.root.join(crate::workspace::CONFIG_FILE);
            learned::apply(&path, &proposals)?;
            print!("{}", table(&proposals));
            let changed = proposals.iter().filter(|p| p.current != Some(p.route)).count();
            println!("{} routes written to [routing.topics] in {} ({changed} changed)", proposals.len(), path.display());
        }
    }
    Ok(Outcome::Success)
}

fn table(proposals: &[learned::Proposal]) -> String {
    if proposals.is_empty() {
        return "no answered searches in that period: nothing to learn from yet\n".into();
    }
    let mut out = format!("{:<30} {:<8} {:<8} {:>8} {:>6} {:>9}  why\n", "topic", "route", "now", "answered", "rated", "accuracy");
    for p in proposals {
        out.push_str(&format!(
            "{:<30} {:<8} {:<8} {:>8} {:>6} {:>9}  {}\n",
            p.topic,
            p.route.as_str(),
            p.current.map_or("-", |r| r.as_str()),
            p.answered,
            p.rated,
            p.accuracy.map_or("-".to_string(), |a| format!("{:.0}%", 100.0 * a)),
            p.reason
        ));
    }
    out
}

pub async fn feedback(workspace: Option<&Path>, action: &FeedbackAction) -> anyhow::Result<Outcome> {
    let ws = super::workspace(workspace)?;
    let store = Store::open(&ws.store_url()).await?;
    match action {
        FeedbackAction::Prune => {
            let p = crate::feedback::prune(&store, ws.config.feedback.retention_days).await?;
            println!("deleted {} searches, {} ratings and {} votes older than {} days", p.searches, p.feedback, p.votes, ws.config.feedback.retention_days);
        }
    }
    Ok(Outcome::Success)
}
