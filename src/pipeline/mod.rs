//! Pipelines: the stages in order, each timed, each reporting one line.
//!
//! Entry point: [`run`]. A pipeline file (`pipelines/*.toml`) names its stages in `[pipeline]`; the
//! runner opens the store once, loads the embedding model only if a stage needs it, and runs:
//! ingest → clean → extract → classify → embed → cluster → draft → (auto-approve) → publish-site →
//! publish-index. Every stage reads from and writes to the store or the kb folder, so any stage can be
//! re-run alone, and running one twice changes nothing the second time.

pub mod report;

use std::time::Instant;

use serde::Deserialize;

pub use report::StageReport;

use crate::embed::Embedder;
use crate::kb::{self, Status};
use crate::store::Store;
use crate::workspace::Workspace;

/// One step of a pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    Ingest,
    Clean,
    Extract,
    Classify,
    Embed,
    Cluster,
    Draft,
    Report,
    PublishSite,
    PublishIndex,
}

impl Stage {
    pub const ALL: [Stage; 9] = [
        Stage::Ingest,
        Stage::Clean,
        Stage::Extract,
        Stage::Classify,
        Stage::Embed,
        Stage::Cluster,
        Stage::Draft,
        Stage::PublishSite,
        Stage::PublishIndex,
    ];

    /// What a stage reads and writes, for `kbforge run --dry-run`.
    pub fn plan(self) -> &'static str {
        match self {
            Stage::Ingest => "read the [ingest] sources and regulations into the store (new and changed tickets only)",
            Stage::Clean => "clean and redact messages whose raw text changed",
            Stage::Extract => "one question/answer pair per ticket",
            Stage::Classify => "flat / needs-action / empty / other per ticket",
            Stage::Embed => "embed questions not in the vector cache (loads the model)",
            Stage::Cluster => "cluster questions; ids stay stable (loads the model)",
            Stage::Draft => "write drafts to the kb folder, propose revisions, export scenarios",
            Stage::Report => "write reports/report.html and reports/report.json: flat share, gaps, coverage",
            Stage::PublishSite => "render the help center from approved public articles",
            Stage::PublishIndex => "sync the public and internal collections of the bot index (loads the model)",
        }
    }

    fn needs_model(self) -> bool {
        matches!(self, Stage::Embed | Stage::Cluster | Stage::PublishIndex)
    }
}

/// `[pipeline]` in a pipeline file.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct PipelineSection {
    /// Default: `main`.
    pub name: String,
    /// Stages in order. Default: all of them.
    pub stages: Vec<Stage>,
}

impl Default for PipelineSection {
    fn default() -> Self {
        PipelineSection { name: "main".into(), stages: Stage::ALL.to_vec() }
    }
}

/// Flags of one run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Approve every draft before publishing. For demos only: real articles need an editor.
    pub auto_approve: bool,
}

/// What a pipeline run needs: the workspace, the store, and the model once loaded.
pub struct Context {
    pub ws: Workspace,
    pub store: Store,
    embedder: Option<Embedder>,
}

impl Context {
    pub async fn open(ws: Workspace) -> anyhow::Result<Context> {
        let store = Store::open(&ws.store_url()).await?;
        Ok(Context { ws, store, embedder: None })
    }

    /// The embedding model, loaded on first use.
    pub fn embedder(&mut self) -> anyhow::Result<&Embedder> {
        if self.embedder.is_none() {
            let started = Instant::now();
            let e = Embedder::load(&self.ws.config.embed, &self.ws.root)?;
            tracing::info!(model = e.model_id(), elapsed_ms = started.elapsed().as_millis() as u64, "embedding model loaded");
            self.embedder = Some(e);
        }
        Ok(self.embedder.as_ref().expect("just loaded"))
    }

    /// The store, the loaded model and the workspace, borrowed together.
    pub fn with_model(&mut self) -> anyhow::Result<(&Store, &Embedder, &Workspace)> {
        self.embedder()?;
        Ok((&self.store, self.embedder.as_ref().expect("just loaded"), &self.ws))
    }

    /// Runs one stage.
    pub async fn run_stage(&mut self, stage: Stage) -> anyhow::Result<StageReport> {
        if stage.needs_model() {
            self.embedder()?;
        }
        let cfg = self.ws.config.clone();
        let root = self.ws.root.clone();
        let kb_dir = self.ws.kb_dir();
        let store = &self.store;
        let embedder = self.embedder.as_ref();
        let report = match stage {
            Stage::Ingest => crate::ingest::run(store, &cfg.ingest, &root).await?,
            Stage::Clean => crate::clean::run(store, &cfg.clean).await?,
            Stage::Extract => crate::extract::run(store).await?,
            Stage::Classify => crate::classify::run(store, &cfg.classify).await?,
            Stage::Embed => crate::embed::run(store, embedder.expect("loaded")).await?,
            Stage::Cluster => crate::cluster::run(store, embedder.expect("loaded"), &cfg.cluster).await?,
            Stage::Draft => crate::draft::run(store, &cfg.draft, &cfg.classify, &kb_dir, &root).await?,
            Stage::Report => crate::report::stage(store, &kb_dir, &root, &cfg.site.language).await?,
            Stage::PublishSite => {
                let (articles, errors) = kb::load_all(&kb_dir);
                warn_kb_errors(&errors);
                let report = crate::publish::site::publish(&articles, &cfg.site, &root, &kb_dir).await?;
                // Approved articles the site now shows are published: the history says when.
                for a in articles.iter().filter(|a| a.is_public_live() && a.front.status == Status::Approved) {
                    crate::review::record(store, &a.front.id, "status", Status::Approved, Status::Published, "kbforge publish", "").await?;
                }
                report
            }
            Stage::PublishIndex => {
                let (articles, errors) = kb::load_all(&kb_dir);
                warn_kb_errors(&errors);
                crate::publish::index::sync(store, embedder.expect("loaded"), &articles, &cfg.index, &root, "/").await?
            }
        };
        Ok(report)
    }
}

pub fn warn_kb_errors(errors: &[kb::KbError]) {
    for e in errors {
        tracing::warn!("skipped a knowledge base file: {e}");
    }
}

/// Approves every draft in the knowledge base; returns how many.
pub async fn auto_approve(store: &Store, kb_dir: &std::path::Path) -> anyhow::Result<usize> {
    let (articles, _) = kb::load_all(kb_dir);
    let mut n = 0;
    for a in articles.iter().filter(|a| a.front.status == Status::Draft) {
        crate::review::transition(store, kb_dir, &a.front.id, Status::Approved, "kbforge --auto-approve", None).await?;
        n += 1;
    }
    Ok(n)
}

/// Runs the pipeline's stages in order; `on_report` sees each report as soon as its stage ends.
pub async fn run(
    ctx: &mut Context,
    pipeline: &PipelineSection,
    options: &RunOptions,
    mut on_report: impl FnMut(&StageReport),
) -> anyhow::Result<Vec<StageReport>> {
    let mut reports = Vec::new();
    for &stage in &pipeline.stages {
        if options.auto_approve && stage == Stage::PublishSite {
            let started = Instant::now();
            let n = auto_approve(&ctx.store, &ctx.ws.kb_dir()).await?;
            let mut report = StageReport::new("auto-approve", started);
            report.written = n;
            report.summary = format!("{n} drafts approved (demo only: real articles need an editor)");
            let report = report.finish(started);
            on_report(&report);
            reports.push(report);
        }
        let report = ctx.run_stage(stage).await.map_err(|e| e.context(format!("stage `{}` failed", stage_name(stage))))?;
        on_report(&report);
        reports.push(report);
    }
    Ok(reports)
}

pub fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Ingest => "ingest",
        Stage::Clean => "clean",
        Stage::Extract => "extract",
        Stage::Classify => "classify",
        Stage::Embed => "embed",
        Stage::Cluster => "cluster",
        Stage::Draft => "draft",
        Stage::Report => "report",
        Stage::PublishSite => "publish-site",
        Stage::PublishIndex => "publish-index",
    }
}
