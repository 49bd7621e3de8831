use std::path::Path;

use crate::pipeline::{Context, Stage};

use super::Outcome;

pub async fn run(workspace: Option<&Path>, stage: Stage) -> anyhow::Result<Outcome> {
    let ws = super::workspace(workspace)?;
    let mut ctx = Context::open(ws).await?;
    let report = ctx.run_stage(stage).await?;
    println!("{}", report.line());
    Ok(if report.rejected > 0 { Outcome::CompletedWithRejects } else { Outcome::Success })
}
