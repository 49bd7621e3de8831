use std::path::Path;
use std::time::Instant;

use anyhow::Context as _;

use super::Outcome;
use crate::cli::{IngestApi, IngestArgs};
use crate::ingest::{SourceConfig, SourceFormat};
use crate::store::Store;

pub async fn run(workspace: Option<&Path>, args: &IngestArgs) -> anyhow::Result<Outcome> {
    let ws = super::workspace(workspace)?;
    let store = Store::open(&ws.store_url()).await.context("cannot open the store")?;
    let started = Instant::now();
    if let Some(IngestApi::Omnidesk { full }) = &args.api {
        if *full {
            store.state_set("omnidesk:watermark", "").await?;
        }
        let now = chrono::Utc::now().timestamp();
        let api = crate::ingest::omnidesk_api::ingest_api(&store, &ws.config.ingest.omnidesk, &crate::ingest::omnidesk_api_key(), now).await?;
        let mut report = crate::ingest::report(api.counts, started);
        report.summary.push_str(&format!("; {} requests over {} windows", api.requests, api.windows));
        println!("{}", report.line());
        return Ok(if api.counts.quarantined > 0 { Outcome::CompletedWithRejects } else { Outcome::Success });
    }
    if let Some(IngestApi::Zendesk { full }) = &args.api {
        if *full {
            store.state_set("zendesk:cursor", "").await?;
        }
        let api = crate::ingest::zendesk::ingest_zendesk(&store, &ws.config.ingest.zendesk, &crate::ingest::zendesk_api_token()).await?;
        let mut report = crate::ingest::report(api.counts, started);
        report.summary.push_str(&format!("; {} requests, {} export pages", api.requests, api.pages));
        println!("{}", report.line());
        return Ok(if api.counts.quarantined > 0 { Outcome::CompletedWithRejects } else { Outcome::Success });
    }
    let counts = if args.paths.is_empty() && args.regulations.is_empty() {
        let report = crate::ingest::run(&store, &ws.config.ingest, &ws.root).await?;
        println!("{}", report.line());
        return Ok(if report.rejected > 0 { Outcome::CompletedWithRejects } else { Outcome::Success });
    } else {
        let sources: Vec<SourceConfig> = args
            .paths
            .iter()
            .map(|p| SourceConfig {
                format: args.format.map(Into::into).unwrap_or_else(|| SourceFormat::detect(p)),
                path: p.clone(),
                encoding: Default::default(),
                columns: None,
            })
            .collect();
        crate::ingest::ingest(&store, &sources, &args.regulations).await?
    };
    let report = crate::ingest::report(counts, started);
    println!("{}", report.line());
    Ok(if counts.quarantined > 0 { Outcome::CompletedWithRejects } else { Outcome::Success })
}
