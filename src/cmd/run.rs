use std::time::Instant;

use crate::cli::RunArgs;
use crate::pipeline::history::{self, RunStatus};
use crate::pipeline::lock::LockError;
use crate::stage::format_duration;
use crate::pipeline::{Context, RunOptions};

use super::Outcome;

pub async fn run(args: &RunArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let (ws, pipeline) = crate::pipeline::PipelineSection::load(&args.pipeline)?;
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
    let metrics_file = args.metrics_file.clone().or_else(|| pipeline.metrics_file.as_ref().map(|p| ws.root.join(p)));
    let mut ctx = Context::open(ws).await?;
    let options = RunOptions { auto_approve: args.auto_approve };
    let finished = match crate::pipeline::execute(&mut ctx, &pipeline, &options, |r| println!("{}", r.line())).await {
        Ok(f) => f,
        Err(e) => {
            if let Some(LockError::Busy { .. }) = e.downcast_ref::<LockError>() {
                eprintln!("{e}");
                write_outputs(&ctx, &pipeline.name, None, args.report_json.as_deref(), metrics_file.as_deref()).await?;
                return Ok(Outcome::Busy);
            }
            return Err(e);
        }
    };
    if !finished.resumed_after.is_empty() {
        let ids: Vec<String> = finished.resumed_after.iter().map(|id| format!("#{id}")).collect();
        println!("resumed after interrupted run {}: each stage picked up what was already stored", ids.join(", "));
    }
    write_outputs(&ctx, &pipeline.name, Some(finished.run), args.report_json.as_deref(), metrics_file.as_deref()).await?;
    if let Some(e) = finished.error {
        return Err(e.context(format!("run #{} failed (see `kbforge runs show {}`)", finished.run, finished.run)));
    }
    println!("run #{} done in {}", finished.run, format_duration(started.elapsed()));
    if finished.status == RunStatus::CompletedWithRejects {
        let rejected: usize = finished.reports.iter().map(|r| r.rejected).sum();
        println!("{rejected} records quarantined: see `kbforge quarantine list`");
        return Ok(Outcome::CompletedWithRejects);
    }
    Ok(Outcome::Success)
}

/// The run's JSON record and the pipeline's metrics file, when asked for. A skipped run (lock held)
/// writes the metrics as they are, which still describe the last finished run.
async fn write_outputs(
    ctx: &Context,
    pipeline: &str,
    run: Option<i64>,
    report_json: Option<&std::path::Path>,
    metrics_file: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    if let (Some(path), Some(id)) = (report_json, run) {
        let record = history::show(&ctx.store, id).await?;
        let text = serde_json::to_string_pretty(&record)? + "\n";
        crate::atomic::write(path, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot write the run report `{}`: {e}", path.display()))?;
    }
    if let Some(path) = metrics_file {
        let latest = history::latest(&ctx.store).await?;
        let text = crate::pipeline::metrics::render(&latest, Some(pipeline));
        crate::atomic::write(path, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("cannot write the metrics file `{}`: {e}", path.display()))?;
    }
    Ok(())
}
