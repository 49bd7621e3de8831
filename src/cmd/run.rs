use std::time::Instant;

use crate::cli::RunArgs;
use crate::pipeline::report::format_duration;
use crate::pipeline::{Context, RunOptions};
use crate::workspace::Workspace;

use super::Outcome;

pub async fn run(args: &RunArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let (ws, pipeline) = Workspace::with_pipeline(&args.pipeline)?;
    println!("pipeline `{}` in {} ({} stages)", pipeline.name, ws.root.display(), pipeline.stages.len());
    if args.dry_run {
        println!("store: {}", crate::store::redact_url(&ws.store_url()));
        println!("knowledge base: {}", ws.kb_dir().display());
        for (i, stage) in pipeline.stages.iter().enumerate() {
            println!("{:>2}. {:<14} {}", i + 1, crate::pipeline::stage_name(*stage), stage.plan());
            if args.auto_approve && *stage == crate::pipeline::Stage::PublishSite {
                println!("    (--auto-approve: every draft is approved first)");
            }
        }
        println!("dry run: nothing was read or written");
        return Ok(Outcome::Success);
    }
    let mut ctx = Context::open(ws).await?;
    let options = RunOptions { auto_approve: args.auto_approve };
    let reports = crate::pipeline::run(&mut ctx, &pipeline, &options, |r| println!("{}", r.line())).await?;
    let rejected: usize = reports.iter().map(|r| r.rejected).sum();
    println!("done in {}", format_duration(started.elapsed()));
    if rejected > 0 {
        println!("{rejected} records quarantined: see `kbforge quarantine list`");
        return Ok(Outcome::CompletedWithRejects);
    }
    Ok(Outcome::Success)
}
