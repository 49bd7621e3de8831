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
    for &stage in stages {
        println!("{}", ctx.run_stage(stage).await?.line());
    }
    Ok(Outcome::Success)
}
