use std::path::Path;

use crate::cli::PublishTarget;
use crate::pipeline::{Context, Stage};

use super::Outcome;

pub async fn run(workspace: Option<&Path>, target: Option<PublishTarget>) -> anyhow::Result<Outcome> {
    let ws = super::workspace(workspace)?;
    let mut ctx = Context::open(ws).await?;
    let stages: &[Stage] = match target {
        Some(PublishTarget::Site) => &[Stage::PublishSite],
        Some(PublishTarget::Index) => &[Stage::PublishIndex],
        None => &[Stage::PublishSite, Stage::PublishIndex],
    };
    let mut rejected = 0;
    for &stage in stages {
        let report = ctx.run_stage(stage).await?;
        println!("{}", report.line());
        rejected += report.rejected;
    }
    // Articles the publish guard held back: the rest went out, the run completed with rejects.
    Ok(if rejected > 0 { Outcome::CompletedWithRejects } else { Outcome::Success })
}
