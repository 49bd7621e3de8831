//! Pipelines: the stages in order, each timed, each reporting one line.
//!
//! Entry point: [`run`]. A pipeline file (`pipelines/*.toml`) names its stages in `[pipeline]`; the
//! runner opens the store once, loads the embedding model only if a stage needs it, and runs:
//! ingest → clean → extract → classify → embed → cluster → draft → (auto-approve) → publish-site →
//! publish-index. Every stage reads from and writes to the store or the kb folder, so any stage can be
//! re-run alone, and running one twice changes nothing the second time.

pub mod history;
pub mod lock;
pub mod metrics;

use std::time::Instant;

use serde::Deserialize;

pub use crate::stage::StageReport;

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
    /// After each run, write the Prometheus metrics of this pipeline's last run here (relative to the
    /// workspace), e.g. into node_exporter's textfile folder. `--metrics-file` overrides it.
    pub metrics_file: Option<std::path::PathBuf>,
}

impl PipelineSection {
    /// The workspace a pipeline file belongs to, with the file's overrides merged in, and its
    /// `[pipeline]` section.
    pub fn load(pipeline_file: &std::path::Path) -> Result<(Workspace, PipelineSection), crate::workspace::ConfigError> {
        Workspace::with_overlay(pipeline_file, "pipeline")
    }
}

impl Default for PipelineSection {
    fn default() -> Self {
        PipelineSection { name: "main".into(), stages: Stage::ALL.to_vec(), metrics_file: None }
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

    /// A context over a store opened elsewhere (a throw-away one, say), not the workspace's own.
    pub fn with_store(ws: Workspace, store: Store) -> Context {
        Context { ws, store, embedder: None }
    }

    /// The embedding model, on first use (its inference session waits for the first text the
    /// cache does not have: [`Embedder::load`]).
    pub fn embedder(&mut self) -> anyhow::Result<&Embedder> {
        if self.embedder.is_none() {
            self.embedder = Some(Embedder::load(&self.ws.config.embed, &self.ws.root)?);
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
        let guard = crate::guard::Guard::new(&cfg.guard);
        let report = match stage {
            Stage::Ingest => {
                let mut report = crate::ingest::run(store, &cfg.ingest, &root).await?;
                // Cases the helpdesk deleted since: gone from the store and the kb before any
                // later stage reads them.
                let forgotten = crate::forget::apply(store, &cfg.embed, &kb_dir).await?;
                if forgotten.tickets > 0 {
                    report.summary.push_str(&format!("; {}", forgotten.line()));
                }
                report
            }
            Stage::Clean => crate::clean::run(store, &cfg.clean).await?,
            Stage::Extract => crate::extract::run(store).await?,
            Stage::Classify => crate::classify::run(store, &cfg.classify).await?,
            Stage::Embed => crate::embed::run(store, embedder.expect("loaded"), &cfg.queue, crate::cluster::wants_tokens(&cfg.cluster)).await?,
            Stage::Cluster => crate::cluster::run(store, embedder.expect("loaded"), &cfg.cluster).await?,
            Stage::Draft => {
                // The title speller reads the model's vocabulary: the loaded model's tokenizer, else
                // the model's files read for this stage alone (no inference session; none if the
                // model is missing).
                let unloaded = if embedder.is_none() { Embedder::load(&cfg.embed, &root).ok() } else { None };
                let vocabulary = embedder.or(unloaded.as_ref()).and_then(Embedder::vocabulary);
                crate::draft::run(store, &cfg.draft, &cfg.queue, &kb_dir, Some(exports(&cfg, &guard, &root)), vocabulary).await?
            }
            Stage::Report => crate::report::stage(store, &kb_dir, &root, &cfg.site.language, &guard, &crate::feedback::stats::gap_clustering(&cfg.cluster, cfg.routing.answer_similarity)).await?,
            Stage::PublishSite => {
                let (articles, errors) = kb::load_all(&kb_dir);
                warn_kb_errors(&errors);
                let (articles, blocked) = only_answers(store, articles).await?;
                let (mut report, held) = crate::publish::site::publish(&articles, &cfg.site, &guard, &root, &kb_dir).await?;
                note_blocked(&mut report, blocked);
                store.replace_holds("site", &held).await?;
                // Approved articles the site now shows are published: the history says when.
                let shown = |a: &&kb::Article| !held.iter().any(|(id, _)| *id == a.front.id);
                for a in articles.iter().filter(|a| a.is_public_live() && a.front.status == Status::Approved).filter(shown) {
                    crate::review::record(store, &a.front.id, "status", Status::Approved, Status::Published, "kbforge publish", "").await?;
                }
                report
            }
            Stage::PublishIndex => {
                let (articles, errors) = kb::load_all(&kb_dir);
                warn_kb_errors(&errors);
                let (articles, blocked) = only_answers(store, articles).await?;
                let (mut report, held) = crate::publish::index::sync(store, embedder.expect("loaded"), &articles, &cfg.index, &guard, &root, &cfg.site).await?;
                store.replace_holds("index", &held).await?;
                note_blocked(&mut report, blocked);
                report
            }
        };
        Ok(report)
    }
}

/// After an editor's correction to the clustering ([`crate::cluster::edit`]): the rows of the
/// clusters it changed (labels, medoids, classes, centroids: [`crate::cluster::refresh`]) and the
/// draft stage (the new cluster's draft; the old one rewritten unless an editor has touched it),
/// so the drafts show the correction at once instead of at the next scheduled run.
pub async fn after_cluster_edit(store: &Store, embedder: &Embedder, ws: &Workspace, applied: &crate::cluster::edit::Applied) -> anyhow::Result<Vec<StageReport>> {
    let cfg = &ws.config;
    let guard = crate::guard::Guard::new(&cfg.guard);
    // The scenario export reads needs-action and empty clusters only: written again when the
    // correction touched one, before or after it.
    let mut kinds = crate::cluster::kinds_of(store, &applied.touched).await?;
    let clustered = crate::cluster::refresh(store, embedder, &applied.touched).await?;
    kinds.extend(crate::cluster::kinds_of(store, &applied.touched).await?);
    let exports = kinds
        .iter()
        .any(|k| k != crate::kind::Kind::Flat.as_str())
        .then(|| exports(cfg, &guard, &ws.root));
    let drafted = crate::draft::run(store, &cfg.draft, &cfg.queue, &ws.kb_dir(), exports, embedder.vocabulary()).await?;
    Ok(vec![clustered, drafted])
}

/// The workspace's scenario export: its classify settings, its publish guard, `[draft]
/// exports-dir` under `root`.
fn exports<'a>(cfg: &'a crate::workspace::Config, guard: &'a crate::guard::Guard, root: &std::path::Path) -> crate::draft::Exports<'a> {
    crate::draft::Exports { classify: &cfg.classify, guard, dir: root.join(&cfg.draft.exports_dir) }
}

/// The articles that may go live: a live article from a cluster that is not flat (needs-action,
/// empty, other) stays out unless an editor approved it after the warning
/// ([`crate::review::approve`]); returns the rest and the ids kept out with their clusters' kinds.
async fn only_answers(store: &Store, mut articles: Vec<kb::Article>) -> anyhow::Result<(Vec<kb::Article>, Vec<(String, String)>)> {
    let not_flat = crate::review::not_flat(store, &articles).await?;
    let mut blocked = Vec::new();
    articles.retain(|a| match not_flat.get(&a.front.id) {
        Some(kind) if a.front.status.is_live() && !crate::review::confirmed_not_flat(a, kind) => {
            blocked.push((a.front.id.clone(), kind.clone()));
            false
        }
        _ => true,
    });
    Ok((articles, blocked))
}

/// Counts the articles [`only_answers`] kept out as rejected (the run exits with code 3) and names
/// them in the summary.
fn note_blocked(report: &mut crate::stage::StageReport, blocked: Vec<(String, String)>) {
    if blocked.is_empty() {
        return;
    }
    for (id, kind) in &blocked {
        tracing::warn!("`{id}` is not published: its cluster is {kind} ({})", crate::review::not_flat_reason(kind));
    }
    report.rejected += blocked.len();
    let ids: Vec<String> = blocked.iter().map(|(id, kind)| format!("{id} ({kind})")).collect();
    report.summary.push_str(&format!("; not published, their cluster is not flat: {} (approve with --confirm-not-flat to publish)", ids.join(", ")));
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
        // An article from a cluster that is not flat waits for an editor, who sees the warning.
        match crate::review::approve(store, kb_dir, &a.front.id, "kbforge --auto-approve", false).await {
            Ok(_) => n += 1,
            Err(crate::review::ReviewError::NotFlat { id, kind, .. }) => tracing::warn!("--auto-approve: `{id}` left as a draft: its cluster is {kind}"),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(n)
}

/// Runs the pipeline's stages in order; `on_report` sees each report as soon as its stage ends.
/// With `run` set, each stage is recorded in the run history as it starts and ends.
pub async fn run(
    ctx: &mut Context,
    pipeline: &PipelineSection,
    options: &RunOptions,
    run: Option<i64>,
    mut on_report: impl FnMut(&StageReport),
) -> anyhow::Result<Vec<StageReport>> {
    let mut reports = Vec::new();
    let mut position = 0;
    for &stage in &pipeline.stages {
        if options.auto_approve && stage == Stage::PublishSite {
            let started = Instant::now();
            if let Some(id) = run {
                history::stage_started(&ctx.store, id, position, "auto-approve").await?;
            }
            tracing::debug!(target: "kbforge::run", stage = "auto-approve", "stage started");
            let n = auto_approve(&ctx.store, &ctx.ws.kb_dir()).await?;
            let mut report = StageReport::new("auto-approve", started);
            report.written = n;
            report.summary = format!("{n} drafts approved (demo only: real articles need an editor)");
            let report = report.finish(started);
            if let Some(id) = run {
                history::stage_done(&ctx.store, id, position, &report).await?;
            }
            position += 1;
            on_report(&report);
            reports.push(report);
        }
        let name = stage_name(stage);
        let started = Instant::now();
        if let Some(id) = run {
            history::stage_started(&ctx.store, id, position, name).await?;
        }
        tracing::debug!(target: "kbforge::run", stage = name, "stage started");
        match ctx.run_stage(stage).await {
            Ok(report) => {
                if let Some(id) = run {
                    history::stage_done(&ctx.store, id, position, &report).await?;
                }
                tracing::info!(
                    target: "kbforge::run",
                    stage = name,
                    elapsed_ms = report.elapsed.as_millis() as u64,
                    processed = report.processed,
                    written = report.written,
                    unchanged = report.unchanged,
                    rejected = report.rejected,
                    "stage done"
                );
                on_report(&report);
                reports.push(report);
            }
            Err(e) => {
                let e = e.context(format!("stage `{name}` failed"));
                if let Some(id) = run {
                    let _ = history::stage_failed(&ctx.store, id, position, started.elapsed().as_millis(), &format!("{e:#}")).await;
                }
                return Err(e);
            }
        }
        position += 1;
    }
    Ok(reports)
}

/// How a recorded run ended.
#[derive(Debug)]
pub struct Finished {
    pub run: i64,
    pub status: history::RunStatus,
    pub reports: Vec<StageReport>,
    pub error: Option<anyhow::Error>,
    /// Runs of this pipeline found still marked running: a crash stopped them.
    pub resumed_after: Vec<i64>,
}

/// A scheduled run: records it in the history, takes the pipeline's lock (a second run exits with
/// [`lock::LockError::Busy`] and is recorded as skipped), marks runs a crash left behind as
/// interrupted, runs the stages, and records how it ended. Stage errors come back in
/// [`Finished::error`], after the history has them.
pub async fn execute(
    ctx: &mut Context,
    pipeline: &PipelineSection,
    options: &RunOptions,
    on_report: impl FnMut(&StageReport),
) -> anyhow::Result<Finished> {
    let id = history::begin(&ctx.store, &pipeline.name).await?;
    let lock = match lock::RunLock::acquire(&ctx.store, &ctx.ws.store_url(), &pipeline.name, id).await {
        Ok(lock) => lock,
        Err(e) => {
            let _ = history::finish(&ctx.store, id, history::RunStatus::Skipped, &e.to_string()).await;
            return Err(e.into());
        }
    };
    let resumed_after = history::mark_interrupted(&ctx.store, &pipeline.name, id).await?;
    crate::queue::set_run(id);
    if !resumed_after.is_empty() {
        tracing::warn!(runs = ?resumed_after, "earlier runs stopped midway; every stage resumes from what they stored");
    }
    tracing::info!(target: "kbforge::run", run = id, pipeline = pipeline.name.as_str(), stages = pipeline.stages.len(), "run started");
    let result = run(ctx, pipeline, options, Some(id), on_report).await;
    let (status, reports, error) = match result {
        Ok(reports) if reports.iter().any(|r| r.rejected > 0) => (history::RunStatus::CompletedWithRejects, reports, None),
        Ok(reports) => (history::RunStatus::Succeeded, reports, None),
        Err(e) => (history::RunStatus::Failed, Vec::new(), Some(e)),
    };
    let message = error.as_ref().map(|e| format!("{e:#}")).unwrap_or_default();
    history::finish(&ctx.store, id, status, &message).await?;
    lock.release().await?;
    tracing::info!(target: "kbforge::run", run = id, status = status.as_str(), "run finished");
    Ok(Finished { run: id, status, reports, error, resumed_after })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipeline_overrides_merge_over_the_workspace() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(crate::workspace::CONFIG_FILE), "[cluster]\nthreshold = 0.8\nrefine-rounds = 2\n[site]\ntitle = \"Help\"\n").unwrap();
        std::fs::create_dir(dir.path().join("pipelines")).unwrap();
        let p = dir.path().join("pipelines/x.toml");
        std::fs::write(&p, "[pipeline]\nstages = [\"ingest\"]\n[cluster]\nthreshold = 0.85\n").unwrap();
        let (ws, pipeline) = PipelineSection::load(&p).unwrap();
        assert_eq!(ws.config.cluster.threshold, 0.85);
        assert_eq!(ws.config.cluster.refine_rounds, 2);
        assert_eq!(ws.config.site.title, "Help");
        assert_eq!(pipeline.stages.len(), 1);
    }
}
