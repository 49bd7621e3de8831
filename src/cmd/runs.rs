use std::path::Path;

use crate::cli::RunsAction;
use crate::pipeline::history;
use crate::stage::format_duration;
use crate::store::Store;

use super::Outcome;

pub async fn run(workspace: Option<&Path>, action: &RunsAction) -> anyhow::Result<Outcome> {
    let ws = super::workspace(workspace)?;
    let store = Store::open(&ws.store_url()).await?;
    match action {
        RunsAction::List { pipeline, limit, json } => {
            let runs = history::list(&store, pipeline.as_deref(), *limit).await?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&runs)?);
                return Ok(Outcome::Success);
            }
            if runs.is_empty() {
                println!("no runs recorded yet: `kbforge run pipelines/<name>.toml` records one");
                return Ok(Outcome::Success);
            }
            println!("{:>5}  {:<12} {:<23} {:<21} {:>9}", "run", "pipeline", "status", "started", "took");
            for r in &runs {
                let took = r.seconds.map(|s| format_duration(std::time::Duration::from_secs_f64(s.max(0.0)))).unwrap_or_else(|| "-".into());
                println!("{:>5}  {:<12} {:<23} {:<21} {:>9}", r.id, r.pipeline, r.status, r.started_at, took);
            }
        }
        RunsAction::Show { id, json } => {
            let id = match id {
                Some(id) => *id,
                None => history::list(&store, None, 1).await?.first().map(|r| r.id).ok_or_else(|| anyhow::anyhow!("no runs recorded yet"))?,
            };
            let run = history::show(&store, id).await?.ok_or_else(|| anyhow::anyhow!("no run #{id}: `kbforge runs list` shows the recorded ones"))?;
            if *json {
                println!("{}", serde_json::to_string_pretty(&run)?);
                return Ok(Outcome::Success);
            }
            println!("run #{} of `{}`: {}", run.id, run.pipeline, run.status);
            println!("started  {} on {} (pid {})", run.started_at, run.host, run.pid);
            if !run.finished_at.is_empty() {
                let took = run.seconds.map(|s| format!(" ({})", format_duration(std::time::Duration::from_secs_f64(s.max(0.0))))).unwrap_or_default();
                println!("finished {}{took}", run.finished_at);
            }
            if !run.error.is_empty() {
                println!("error    {}", run.error);
            }
            println!();
            println!(
                "{:<14} {:<11} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
                "stage", "status", "seconds", "looked at", "written", "unchanged", "rejected", "peak MB"
            );
            for s in &run.stages {
                println!(
                    "{:<14} {:<11} {:>9.2} {:>9} {:>9} {:>9} {:>9} {:>9.0}",
                    s.stage, s.status, s.seconds, s.processed, s.written, s.unchanged, s.rejected, s.peak_rss_mb
                );
            }
            for s in run.stages.iter().filter(|s| !s.summary.is_empty() || !s.error.is_empty()) {
                let text = if s.error.is_empty() { &s.summary } else { &s.error };
                println!("  {}: {text}", s.stage);
            }
        }
        RunsAction::Metrics => {
            let latest = history::latest(&store).await?;
            print!("{}", crate::pipeline::metrics::render(&latest, None));
        }
    }
    Ok(Outcome::Success)
}
