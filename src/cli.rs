//! The command line, declared with clap derive. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::ingest::SourceFormat;
use crate::kb::Status;
use crate::pipeline::Stage;

/// Turns a support desk's ticket history and regulations into a reviewed knowledge base:
/// a static help center for customers and a vector index for the support bot.
#[derive(Debug, Parser)]
#[command(name = "kbforge", version, about, max_term_width = 100)]
pub struct Cli {
    /// Workspace folder (the one holding kbforge.toml). Default: the nearest above the current folder.
    #[arg(short = 'C', long, global = true, env = "KBFORGE_WORKSPACE", value_name = "DIR")]
    pub workspace: Option<PathBuf>,

    /// Log as JSON lines on stderr (filter with KBFORGE_LOG, e.g. `kbforge=debug`).
    #[arg(long, global = true)]
    pub log_json: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a workspace: kbforge.toml, pipelines/, kb/.
    Init {
        /// Where to create it. Default: the current folder.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Read tickets (and regulations) into the store.
    Ingest(IngestArgs),
    /// Run a pipeline file: its stages in order, with a summary line and time per stage.
    Run(RunArgs),
    /// Run one stage on its own, with the workspace settings.
    Stage {
        #[arg(value_enum)]
        stage: Stage,
    },
    /// Review articles: everything the review app does, from the command line.
    Review {
        #[command(subcommand)]
        action: ReviewAction,
    },
    /// Publish the help center and the bot index from approved articles.
    Publish {
        /// What to publish. Default: both.
        #[arg(value_enum)]
        target: Option<PublishTarget>,
    },
    /// Search the bot index as the bot would (closest question, closest passage and BM25, each
    /// standardised over the candidates and added).
    Search(SearchArgs),
    /// Check the setup: config, store, index, ONNX Runtime, model.
    Check,
    /// Measure quality on labelled data.
    Eval {
        #[command(subcommand)]
        what: EvalWhat,
    },
    /// Inspect records that were set aside as malformed.
    Quarantine {
        #[command(subcommand)]
        action: QuarantineAction,
    },
    /// Is a bot worth it, and where are the gaps: volume and trend by topic, flat / needs-action /
    /// empty shares, the 20% verdict, the largest flat questions without an article, coverage.
    Report {
        /// Also write the report as a self-contained HTML page with charts.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
        /// Coverage counts the tickets of this many days before the newest.
        #[arg(long, default_value_t = 30)]
        days: i64,
        /// Print JSON instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Learned routing: which topics the bot answers alone, which it only suggests to an
    /// operator, which go to a person, from operators' ratings of its answers.
    Routing {
        #[command(subcommand)]
        action: RoutingAction,
    },
    /// The bot's stored searches, ratings and votes.
    Feedback {
        #[command(subcommand)]
        action: FeedbackAction,
    },
    /// The history of pipeline runs: when, how they ended, counts and errors per stage.
    Runs {
        #[command(subcommand)]
        action: RunsAction,
    },
    /// Work through the job queue in Postgres (embeddings, LLM drafts) beside other workers and the
    /// running pipeline: start one per machine or core to add throughput.
    Worker(WorkerArgs),
    /// Inspect the clusters of similar questions: size, class, label, representatives.
    Clusters {
        #[command(subcommand)]
        action: ClustersAction,
    },
    /// Run the review app for content editors (log in, review drafts, edit with a live preview,
    /// approve, reject, merge, read the report).
    Serve {
        /// Address to listen on. Default: [serve] listen, else 127.0.0.1:8080.
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
    },
    /// Manage the review app's users.
    Users {
        #[command(subcommand)]
        action: UsersAction,
    },
    /// Erase tickets (a customer's right to erasure): from the store, the knowledge base's sources
    /// and phrasings, then the help center and the bot index, which are published again. A ticket
    /// forgotten here is never ingested again.
    Forget(ForgetArgs),
}

#[derive(Debug, Args)]
pub struct ForgetArgs {
    /// Ticket ids as the store has them (`omnidesk:10001`, `jsonl:42`), or their helpdesk ids.
    pub tickets: Vec<String>,
    /// Every ticket of this customer: an e-mail address, or a helpdesk user (`omnidesk-user:123`,
    /// `zendesk-user:456`). With `[ingest.omnidesk]` and OMNIDESK_API_KEY set, the e-mail's Omnidesk
    /// users are looked up too. Repeatable.
    #[arg(long, value_name = "EMAIL|USER")]
    pub customer: Vec<String>,
    /// Leave the site and the index for the next `kbforge publish`.
    #[arg(long)]
    pub no_publish: bool,
}

#[derive(Debug, Subcommand)]
pub enum UsersAction {
    /// Add a user. The password is read from standard input (one line) or KBFORGE_PASSWORD.
    Add {
        name: String,
        #[arg(long, value_enum, default_value = "editor")]
        role: crate::review::users::Role,
        /// Replace the password and role of an existing user.
        #[arg(long)]
        replace: bool,
    },
    /// List users and their roles.
    List,
    /// Remove a user and end their sessions.
    Remove { name: String },
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The question, in any words. Several arguments are one customer turn sent in parts, as a
    /// chat's messages: read as `/api/search` reads `messages`.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// How many articles to show.
    #[arg(short = 'n', long, default_value_t = 5)]
    pub limit: usize,
    /// Which collection: the public one (customers' bot) or the internal one (operator copilot:
    /// internal articles and regulations).
    #[arg(long, value_enum, default_value = "public")]
    pub audience: crate::kb::Audience,
    /// Only articles of this topic.
    #[arg(long)]
    pub topic: Option<String>,
    /// Only articles in this language (`ru`, `en`).
    #[arg(long)]
    pub language: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct IngestArgs {
    #[command(subcommand)]
    pub api: Option<IngestApi>,
    /// Files or folders to read: an Omnidesk export folder or a JSONL file.
    /// Default: the sources in kbforge.toml `[ingest]`.
    pub paths: Vec<PathBuf>,
    /// Input format. Default: a folder is an Omnidesk export, a file is JSONL.
    #[arg(long, value_enum)]
    pub format: Option<SourceFormatArg>,
    /// A folder of internal regulations to read as well.
    #[arg(long, value_name = "DIR")]
    pub regulations: Vec<PathBuf>,
}

/// Helpdesk APIs to ingest from.
#[derive(Debug, Subcommand)]
pub enum IngestApi {
    /// Closed cases from the Omnidesk API ([ingest.omnidesk]; key in OMNIDESK_API_KEY), from the
    /// watermark of the last run on.
    Omnidesk {
        /// Ignore the watermark and fetch everything from [ingest.omnidesk] start.
        #[arg(long)]
        full: bool,
    },
    /// Solved and closed tickets with their comments from the Zendesk incremental export
    /// ([ingest.zendesk]; token in ZENDESK_API_TOKEN), from the cursor of the last run on.
    Zendesk {
        /// Forget the cursor and export everything from [ingest.zendesk] start.
        #[arg(long)]
        full: bool,
    },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SourceFormatArg {
    OmnideskExport,
    Jsonl,
    Csv,
}

impl From<SourceFormatArg> for SourceFormat {
    fn from(f: SourceFormatArg) -> Self {
        match f {
            SourceFormatArg::OmnideskExport => SourceFormat::OmnideskExport,
            SourceFormatArg::Jsonl => SourceFormat::Jsonl,
            SourceFormatArg::Csv => SourceFormat::Csv,
        }
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The pipeline file, e.g. pipelines/demo.toml.
    pub pipeline: PathBuf,
    /// Approve every draft before publishing. For demos only: real articles need an editor.
    #[arg(long)]
    pub auto_approve: bool,
    /// Check the pipeline file and the settings, print the plan, and run nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write the run's record (status, times, counts and errors per stage) as JSON to FILE, also
    /// when the run fails.
    #[arg(long, value_name = "FILE")]
    pub report_json: Option<PathBuf>,
    /// Write the Prometheus metrics of the pipeline's last run to FILE (atomically), also when the
    /// run fails. Default: `metrics-file` in the pipeline's `[pipeline]` section, if set.
    #[arg(long, value_name = "FILE")]
    pub metrics_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum RunsAction {
    /// The latest runs, newest first.
    List {
        /// Only this pipeline's runs.
        #[arg(long)]
        pipeline: Option<String>,
        /// How many. Default: 20.
        #[arg(long, default_value_t = 20)]
        limit: i64,
        #[arg(long)]
        json: bool,
    },
    /// One run: start, end, status, errors, and counts and time per stage. Default: the newest.
    Show {
        id: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// The last runs in the Prometheus text format (what `kbforge serve` shows at /metrics).
    Metrics,
}

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Stop when the queue is empty instead of waiting for more work.
    #[arg(long)]
    pub exit_when_empty: bool,
    /// This worker's name in the queue. Default: host and pid.
    #[arg(long)]
    pub name: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ReviewAction {
    /// List articles with their state, most asked first.
    List {
        /// Only articles in this state.
        #[arg(long)]
        status: Option<Status>,
        /// Only articles of this topic.
        #[arg(long)]
        topic: Option<String>,
    },
    /// Show one article, with what an editor needs beside it: source tickets (redacted), regulation
    /// excerpts, similar articles, open proposals and history.
    Show {
        id: String,
        /// The file only.
        #[arg(long)]
        raw: bool,
    },
    /// Approve articles for publishing.
    Approve {
        #[arg(required = true)]
        ids: Vec<String>,
        /// Who approves. Default: KBFORGE_EDITOR, else the login name.
        #[arg(long)]
        by: Option<String>,
        /// Approve an article whose cluster is not flat (needs-action, empty, other) after its
        /// warning: it goes live only so.
        #[arg(long)]
        confirm_not_flat: bool,
    },
    /// Reject articles.
    Reject {
        #[arg(required = true)]
        ids: Vec<String>,
        /// Why, for the record.
        #[arg(long)]
        reason: Option<String>,
        /// Who rejects. Default: KBFORGE_EDITOR, else the login name.
        #[arg(long)]
        by: Option<String>,
    },
    /// Send articles back to drafts.
    Reopen {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long)]
        by: Option<String>,
    },
    /// Archive published articles (they leave the site and the index at the next publish).
    Archive {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long)]
        by: Option<String>,
    },
    /// Replace an article's title or text (recorded in its history; a live article goes back to
    /// drafts).
    Edit {
        id: String,
        #[arg(long)]
        title: Option<String>,
        /// A file with the new Markdown text (`-` for standard input).
        #[arg(long, value_name = "FILE")]
        body_file: Option<PathBuf>,
        #[arg(long)]
        by: Option<String>,
    },
    /// Merge article FROM into article INTO: its tickets and phrasings move, FROM is rejected.
    Merge {
        into: String,
        from: String,
        #[arg(long)]
        by: Option<String>,
    },
    /// Show the open revisions the pipeline proposes, as diffs (all articles, or one).
    Diff { id: Option<String> },
    /// Apply a proposed revision.
    Accept {
        revision: i64,
        #[arg(long)]
        by: Option<String>,
    },
    /// Close a proposed revision without applying it.
    Dismiss {
        revision: i64,
        #[arg(long)]
        by: Option<String>,
    },
    /// An article's history: who changed its state or text, and when.
    History { id: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PublishTarget {
    Site,
    Index,
}

#[derive(Debug, Subcommand)]
pub enum ClustersAction {
    /// List clusters, largest first, with their label and most typical question.
    List {
        /// Only clusters of this class: flat, needs-action, other.
        #[arg(long)]
        kind: Option<String>,
        /// At most this many.
        #[arg(long)]
        limit: Option<usize>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one cluster: label, class, representatives and every member question.
    Show {
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Split tickets off a cluster into a cluster of their own (its draft follows), and keep them
    /// apart from the rest in every later clustering.
    Split {
        /// The cluster.
        id: String,
        /// The tickets that ask something else.
        #[arg(required = true)]
        tickets: Vec<String>,
        /// Who decides. Default: KBFORGE_EDITOR, else the login name.
        #[arg(long)]
        by: Option<String>,
    },
    /// Move tickets into another cluster, and keep them there in every later clustering.
    Move {
        #[arg(required = true)]
        tickets: Vec<String>,
        /// The cluster they belong in.
        #[arg(long)]
        to: String,
        /// Who decides. Default: KBFORGE_EDITOR, else the login name.
        #[arg(long)]
        by: Option<String>,
    },
    /// Merge clusters that ask one thing into the first, and keep them together.
    Merge {
        /// The cluster that stays (its draft is kept).
        into: String,
        /// The clusters whose tickets join it.
        #[arg(required = true)]
        from: Vec<String>,
        /// Who decides. Default: KBFORGE_EDITOR, else the login name.
        #[arg(long)]
        by: Option<String>,
    },
    /// List the tickets editors placed (split, moved, merged), by cluster.
    Pins {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Let the clustering decide again for these tickets (takes effect at the next full
    /// re-clustering).
    Unpin {
        tickets: Vec<String>,
        /// Every pinned ticket.
        #[arg(long, conflicts_with = "tickets")]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum RoutingAction {
    /// Propose a route per topic: answer at [routing] min-accuracy over min-ratings rated
    /// answers, suggest between, handoff below one correct answer in two. Changes nothing.
    Suggest {
        /// Count the ratings of this many days.
        #[arg(long, default_value_t = 90)]
        days: i64,
        /// Print JSON instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Write the proposed routes to [routing.topics] in kbforge.toml, where /api/search reads
    /// them (a running server picks them up on its next search).
    Apply {
        /// Count the ratings of this many days.
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum FeedbackAction {
    /// Delete searches, ratings and votes older than [feedback] retention-days (the server also
    /// does it hourly).
    Prune,
}

#[derive(Debug, Subcommand)]
pub enum QuarantineAction {
    /// List quarantined records.
    List,
    /// Show one quarantined record in full.
    Show { id: i64 },
}

#[derive(Debug, Subcommand)]
pub enum EvalWhat {
    /// Cluster labelled questions (and their answers, where the set has them) with the workspace
    /// settings; print NMI, ARI, BCubed P/R/F1.
    Cluster {
        /// JSONL with a text field and a label field, e.g. ../shared/data/dstc11_intent_clustering_en/data.jsonl.
        file: PathBuf,
        /// Text and label field names.
        #[arg(long, num_args = 2, value_names = ["TEXT", "LABEL"], default_values = ["text", "intent"])]
        field: Vec<String>,
        /// The staff answer's field, where a line has one: items with answers are clustered by
        /// question and answer together, as the cluster stage clusters tickets.
        #[arg(long, value_name = "FIELD", default_value = "answer")]
        answer: String,
        /// Keep only lines where FIELD equals VALUE, e.g. `domain=banking`.
        #[arg(long, value_name = "FIELD=VALUE")]
        only: Option<String>,
        /// Override [cluster] method for this run.
        #[arg(long, value_enum)]
        method: Option<crate::cluster::Method>,
        /// Override the threshold of the average-linkage and pairs methods for this run.
        #[arg(long)]
        threshold: Option<f32>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run ingest → clean → extract → classify → embed → cluster → draft on a labelled desk in a
    /// throw-away workspace with the current settings, and score the drafts: ticket-weighted purity
    /// against the labelled intent, coverage of the flat intents with min-cluster-size+ tickets,
    /// duplicate drafts, tickets left in no draft, greeting titles, time per stage.
    Desk {
        /// The tickets: a JSONL or CSV export, or an Omnidesk export folder, e.g. examples/voltmarket/tickets.jsonl.
        tickets: PathBuf,
        /// One line per ticket: `{"id": …, "intent": …, "kind": "flat"}` (`case_id` for Omnidesk cases).
        #[arg(long, value_name = "FILE")]
        labels: PathBuf,
        /// Also list every draft with its majority intent and purity, and every intent left
        /// without a draft with where its tickets went (no draft, or another intent's drafts).
        #[arg(long)]
        drafts: bool,
        /// Then let an editor who knows the labels make up to N corrections (`kbforge clusters
        /// split|move|merge`, the largest first) and score the drafts again: what the review's
        /// corrections buy on this desk.
        #[arg(long, value_name = "N", default_value_t = 0)]
        edits: usize,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Classify labelled tickets (flat / needs-action / empty / other) with the pipeline's own clean,
    /// extract and classify steps; print accuracy, precision and recall per class, and the confusion
    /// matrix.
    Classify {
        /// Generic JSONL tickets with a label field, e.g. tests/fixtures/classify/labelled.jsonl.
        file: PathBuf,
        /// The label field.
        #[arg(long, default_value = "kind")]
        field: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Also list every misclassified ticket with the signal that decided.
        #[arg(long)]
        errors: bool,
    },
    /// Search the published bot index with labelled questions as `/api/search` does; print hit@1,
    /// hit@3, hit@5, MRR@10 and the median search time.
    Retrieve {
        /// JSONL of `{"question": …, "article": "<article id>"}`, e.g.
        /// tests/fixtures/retrieve/demo/queries.jsonl.
        file: PathBuf,
        /// Which collection to search. Default: public.
        #[arg(long, value_enum, default_value = "public")]
        audience: crate::kb::Audience,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Also list every question whose article was not first.
        #[arg(long)]
        errors: bool,
    },
    /// Ask labelled tickets' first customer turns as the bot would and compare the routing hint with
    /// their class (flat should be answered, empty clarified, the rest handed off); print the
    /// precision of `answer` and the routes by class.
    Route {
        /// Generic JSONL tickets with a class field, e.g. tests/fixtures/classify/labelled.jsonl.
        file: PathBuf,
        /// The class field.
        #[arg(long, default_value = "kind")]
        field: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Redact labelled snippets; print precision and recall by kind of personal data and overall.
    Redact {
        /// JSONL of `{"text", "spans": [{"start", "end", "kind"}]}` (character offsets), e.g.
        /// tests/fixtures/redact/labelled.jsonl.
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Also list every missed value and false alarm.
        #[arg(long)]
        errors: bool,
    },
}
