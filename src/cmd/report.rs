use std::path::Path;

use crate::store::Store;

use super::Outcome;

pub async fn run(workspace: Option<&Path>, html: Option<&Path>, days: i64, json: bool) -> anyhow::Result<Outcome> {
    let ws = super::workspace(workspace)?;
    let store = Store::open(&ws.store_url()).await?;
    let report = crate::report::build(&store, &ws.kb_dir(), &crate::guard::Guard::new(&ws.config.guard), &crate::feedback::stats::gap_clustering(&ws.config.cluster, ws.config.routing.answer_similarity), days).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", crate::report::terminal(&report));
    }
    if let Some(path) = html {
        let page = crate::report::html(&report, &ws.config.site.language)?;
        std::fs::write(path, page).map_err(|e| anyhow::anyhow!("cannot write `{}`: {e}", path.display()))?;
        eprintln!("report written to {}", path.display());
    }
    Ok(Outcome::Success)
}
