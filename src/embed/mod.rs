//! The embed stage: questions become vectors, cached in the store by (model, text hash).
//!
//! Entry points: [`Embedder::load`] loads the model (a folder with `model.onnx` and `tokenizer.json`,
//! or fastembed's `MultilingualE5Small` from the model hub); [`embed_cached`] embeds texts through the
//! cache; [`run`] is the stage, which embeds every extracted question not embedded before.
//! Steps: look up each text's hash → at the first miss, find ONNX Runtime and load the model (never,
//! when every text is cached) → embed the misses in batches sorted by length → store them,
//! committing every [`CHECKPOINT`] texts. [`jobs`] shares the work
//! with `kbforge worker` processes through the Postgres job queue.

pub mod batch;
mod cache;
pub mod jobs;
pub mod runtime;
mod tokens;
pub mod vocabulary;

pub use crate::vector::{dot, normalize, TokenStates};
pub(crate) use cache::insert_token_states;
pub use cache::{embed_cached, insert_vectors, token_states_cached, CacheStats, CHECKPOINT};
use cache::{cached_hashes, embed_and_store, embed_tokens_and_store, missing_texts};
pub use tokens::{MAX_ANSWER_STATES, MAX_STATE_TOKENS};
pub use vocabulary::Vocabulary;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::Context as _;
use fastembed::{
    EmbeddingModel, InitOptionsUserDefined, Pooling, TextEmbedding, TextInitOptions, TokenizerFiles,
    UserDefinedEmbeddingModel,
};
use serde::Deserialize;

use crate::hash::text_hash;
use crate::kind::Kind;
use crate::stage::{count, StageReport};
use crate::store::Store;

/// `[embed]`: which model, and how texts are fed to it.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct EmbedConfig {
    /// Folder holding `model.onnx`, `tokenizer.json`, `config.json`, `special_tokens_map.json` and
    /// `tokenizer_config.json`. `KBFORGE_MODEL_DIR` overrides it. Unset: fastembed downloads
    /// `MultilingualE5Small` from the model hub. Default: unset.
    pub model_dir: Option<PathBuf>,
    /// Path to `libonnxruntime`. `ORT_DYLIB_PATH` overrides it. Unset: fetched from PyPI on first use.
    pub onnxruntime: Option<PathBuf>,
    /// Texts per inference call. Default: 64.
    pub batch_size: usize,
    /// Prefix for questions and search queries. Default: the model's own setting: the `query` prompt
    /// of its `config_sentence_transformers.json`, else `"query: "` for the e5 family, else none.
    pub query_prefix: Option<String>,
    /// Prefix for stored documents. Default: the model's own setting (`passage` or `document`
    /// prompt; `"passage: "` for e5), else none.
    pub passage_prefix: Option<String>,
    /// Longest input in tokens; longer texts are truncated (counted and logged). Default: 512.
    pub max_tokens: usize,
    /// ONNX Runtime threads. Default: all cores.
    pub threads: Option<usize>,
}

impl Default for EmbedConfig {
    fn default() -> Self {
        EmbedConfig {
            model_dir: None,
            onnxruntime: None,
            batch_size: 64,
            query_prefix: None,
            passage_prefix: None,
            max_tokens: 512,
            threads: None,
        }
    }
}

impl EmbedConfig {
    /// The model folder in effect: `KBFORGE_MODEL_DIR`, else the config, resolved against `root`.
    pub fn resolved_model_dir(&self, root: &Path) -> Option<PathBuf> {
        std::env::var_os("KBFORGE_MODEL_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| self.model_dir.as_ref().map(|d| root.join(d)))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error(transparent)]
    Runtime(#[from] runtime::RuntimeError),
    #[error("cannot read model file `{path}`")]
    ModelFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot load the embedding model from `{dir}`: {detail}")]
    Load { dir: String, detail: String },
    #[error("embedding failed: {0}")]
    Infer(String),
}

/// An embedding model: its cache id and prefixes, and its inference session once a text needs it.
pub struct Embedder {
    /// The inference session, created on the first text that needs it ([`Embedder::session`]): a
    /// run whose texts are all in the cache never pays for it.
    model: Mutex<Option<TextEmbedding>>,
    root: PathBuf,
    id: String,
    tokenizer: std::sync::OnceLock<Option<tokenizers::Tokenizer>>,
    prefixes: Prefixes,
    truncated: std::sync::atomic::AtomicUsize,
    pub config: EmbedConfig,
}

/// The prefixes a model expects before queries and before documents.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Prefixes {
    pub query: String,
    pub passage: String,
}

impl Prefixes {
    /// The model's own settings: the prompts of a sentence-transformers model folder
    /// (`config_sentence_transformers.json`: `{"prompts": {"query": …, "passage": …}}`), else the
    /// convention of its family, known from its name (`e5`: `query: ` / `passage: `), else none.
    pub fn of_model(dir: Option<&Path>, name: &str) -> Prefixes {
        if let Some(dir) = dir {
            let path = dir.join("config_sentence_transformers.json");
            if let Ok(text) = std::fs::read_to_string(&path) {
                let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                let prompt = |keys: &[&str]| {
                    keys.iter().find_map(|k| value["prompts"][*k].as_str()).map(str::to_string)
                };
                if let Some(query) = prompt(&["query"]) {
                    return Prefixes { query, passage: prompt(&["passage", "document"]).unwrap_or_default() };
                }
            }
        }
        let lower = name.to_lowercase();
        if lower.contains("e5") && !lower.contains("instruct") {
            Prefixes { query: "query: ".into(), passage: "passage: ".into() }
        } else {
            Prefixes::default()
        }
    }

    /// The model's prefixes, where the config does not set its own.
    fn resolve(config: &EmbedConfig, dir: Option<&Path>, name: &str) -> Prefixes {
        let model = Prefixes::of_model(dir, name);
        Prefixes {
            query: config.query_prefix.clone().unwrap_or(model.query),
            passage: config.passage_prefix.clone().unwrap_or(model.passage),
        }
    }
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder").field("id", &self.id).finish()
    }
}

impl Embedder {
    /// The model named by the config: its files checked, its cache id and prefixes known. ONNX
    /// Runtime and the inference session come on the first text to embed (a correction, or a
    /// nightly run with nothing new, finds every vector in the cache and never loads them: about
    /// two seconds).
    pub fn load(config: &EmbedConfig, root: &Path) -> Result<Embedder, EmbedError> {
        let dir = config.resolved_model_dir(root);
        let id = match &dir {
            Some(dir) => {
                // Every file there, in the order the session reads them; the id from the model's size.
                let mut sizes = MODEL_FILES.iter().map(|name| {
                    let path = dir.join(name);
                    std::fs::metadata(&path).map(|m| m.len()).map_err(|source| EmbedError::ModelFile { path, source })
                });
                let onnx = sizes.next().expect("model.onnx is listed")?;
                sizes.try_for_each(|size| size.map(|_| ()))?;
                model_id_for_dir(dir, onnx as usize)
            }
            None => HUB_MODEL_ID.to_string(),
        };
        let prefixes = Prefixes::resolve(config, dir.as_deref(), &id);
        tracing::debug!(query = %prefixes.query, passage = %prefixes.passage, "prefixes");
        Ok(Embedder {
            model: Mutex::new(None),
            root: root.to_path_buf(),
            id,
            tokenizer: std::sync::OnceLock::new(),
            prefixes,
            truncated: std::sync::atomic::AtomicUsize::new(0),
            config: config.clone(),
        })
    }

    /// The inference session in `slot`, created there first if need be: ONNX Runtime found (or
    /// fetched once), the model read and prepared.
    fn session<'a>(&self, slot: &'a mut Option<TextEmbedding>) -> Result<&'a mut TextEmbedding, EmbedError> {
        if slot.is_none() {
            let started = Instant::now();
            *slot = Some(self.create_session()?);
            tracing::info!(model = %self.id, elapsed_ms = started.elapsed().as_millis() as u64, "embedding model loaded");
        }
        Ok(slot.as_mut().expect("just created"))
    }

    /// Creates the inference session now, not at the first text (a server, before its first query).
    pub fn warm(&self) -> Result<(), EmbedError> {
        let mut slot = self.model.lock().unwrap_or_else(|e| e.into_inner());
        self.session(&mut slot).map(|_| ())
    }

    fn create_session(&self) -> Result<TextEmbedding, EmbedError> {
        let config = &self.config;
        runtime::ensure(config.onnxruntime.as_ref().map(|p| self.root.join(p)).as_deref())?;
        let threads = config.threads.unwrap_or_else(|| {
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
        });
        match config.resolved_model_dir(&self.root) {
            Some(dir) => {
                let read = |name: &str| {
                    let path = dir.join(name);
                    std::fs::read(&path).map_err(|source| EmbedError::ModelFile { path, source })
                };
                let onnx = read("model.onnx")?;
                let files = TokenizerFiles {
                    tokenizer_file: read("tokenizer.json")?,
                    config_file: read("config.json")?,
                    special_tokens_map_file: read("special_tokens_map.json")?,
                    tokenizer_config_file: read("tokenizer_config.json")?,
                };
                let user = UserDefinedEmbeddingModel::new(onnx, files).with_pooling(Pooling::Mean);
                let options = InitOptionsUserDefined::new()
                    .with_max_length(config.max_tokens)
                    .with_intra_threads(threads);
                TextEmbedding::try_new_from_user_defined(user, options)
                    .map_err(|e| EmbedError::Load { dir: dir.display().to_string(), detail: format!("{e:#}") })
            }
            None => {
                let options = TextInitOptions::new(EmbeddingModel::MultilingualE5Small)
                    .with_max_length(config.max_tokens)
                    .with_cache_dir(runtime::cache_dir().join("models"))
                    .with_show_download_progress(false);
                TextEmbedding::try_new(options).map_err(|e| EmbedError::Load {
                    dir: "model hub (MultilingualE5Small)".to_string(),
                    detail: format!("{e:#}; set KBFORGE_MODEL_DIR or [embed] model-dir to a local copy"),
                })
            }
        }
    }

    /// Identifies the model in the embedding cache: vectors from another model are never reused.
    pub fn model_id(&self) -> &str {
        &self.id
    }

    /// The prefixes in effect (config, else the model's settings).
    pub fn prefixes(&self) -> &Prefixes {
        &self.prefixes
    }

    /// A question or search query as the model sees it: the query prefix, no redaction placeholders.
    pub fn question_text(&self, question: &str) -> String {
        format!("{}{}", self.prefixes.query, crate::clean::for_embedding(question))
    }

    /// A query as typed, with the query prefix.
    pub fn query_text(&self, query: &str) -> String {
        format!("{}{}", self.prefixes.query, query.trim())
    }

    /// A pair's staff answer as clustering embeds it ([`answer_input`]), with the query prefix;
    /// `None` when the answer does not take part. Clustering compares answers with answers, a
    /// symmetric task, for which e5's model card prescribes `query: ` on both sides (`passage: `
    /// is for the documents a query retrieves). Measured on the three labelled desks, every
    /// threshold: purity and coverage up on «ВольтМаркет» and Twitter, the demo unchanged
    /// (docs/BENCHMARKS.md).
    pub fn answer_text(&self, kind: Option<Kind>, answer: &str) -> Option<String> {
        answer_input(kind, answer).map(|a| format!("{}{a}", self.prefixes.query))
    }

    /// A document passage, with the passage prefix.
    pub fn passage_text(&self, passage: &str) -> String {
        format!("{}{}", self.prefixes.passage, passage)
    }

    /// How many texts were longer than `max-tokens` and cut, since the model was loaded.
    pub fn truncated(&self) -> usize {
        self.truncated.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The model's tokenizer, from its folder or the hub's downloaded copy
    /// ([`vocabulary::tokenizer_file`]); used to size chunks in tokens.
    pub fn tokenizer(&self) -> Option<&tokenizers::Tokenizer> {
        self.tokenizer
            .get_or_init(|| tokenizers::Tokenizer::from_file(vocabulary::tokenizer_file(&self.config, &self.root)?).ok())
            .as_ref()
    }

    /// The model's vocabulary ([`Vocabulary`]): its tokenizer, read without an inference session.
    pub fn vocabulary(&self) -> Option<Vocabulary<'_>> {
        self.tokenizer().map(Vocabulary)
    }

    /// `text` cut at a token boundary to what the model reads (`max-tokens`, its two special tokens
    /// and one token of slack for the cut word counted), for a text meant to be read only so far, as
    /// a whole article's point is: it is then not reported as truncated. Unchanged when it fits or
    /// without a tokenizer.
    pub fn clip<'a>(&self, text: &'a str) -> &'a str {
        let Some(tokenizer) = self.tokenizer() else { return text };
        let keep = self.config.max_tokens.saturating_sub(3).max(1);
        if text.chars().count() <= keep * 2 {
            return text;
        }
        let Ok(encoding) = tokenizer.encode(text, false) else { return text };
        match encoding.get_offsets().get(keep - 1) {
            Some(&(_, end)) if encoding.get_ids().len() > keep => text.get(..end).unwrap_or(text),
            _ => text,
        }
    }

    /// Embeds texts as given (prefixes already applied), in batches sorted by length.
    pub fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let progress = progress_bar(texts.len() as u64, "embedding");
        let out = self.embed_with_progress(texts, &progress);
        progress.finish_and_clear();
        out
    }

    /// [`Embedder::embed`] without a progress bar (a server's queries).
    pub fn embed_quiet(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        self.embed_with_progress(texts, &indicatif::ProgressBar::hidden())
    }

    /// [`Embedder::embed`], advancing a progress bar the caller owns (one bar over many calls).
    pub fn embed_with_progress(&self, texts: &[String], progress: &indicatif::ProgressBar) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let (order, sorted) = by_length(texts);
        self.count_truncated(&sorted);
        let mut slot = self.model.lock().unwrap_or_else(|e| e.into_inner());
        let model = self.session(&mut slot)?;
        let batch = self.config.batch_size.max(1);
        let mut vectors = Vec::with_capacity(texts.len());
        // Several batches per call keep the progress bar moving without losing fastembed's batching.
        for part in sorted.chunks(batch * 4) {
            vectors.extend(model.embed(part, Some(batch)).map_err(|e| EmbedError::Infer(format!("{e:#}")))?);
            progress.inc(part.len() as u64);
        }
        Ok(in_order(vectors.into_iter().map(normalize).collect(), &order))
    }
}

impl Embedder {
    /// Counts and logs the texts the model will cut at `max-tokens`. Only texts long enough to
    /// possibly exceed it (more than two characters a token) are tokenized.
    fn count_truncated(&self, texts: &[&str]) {
        let Some(tokenizer) = self.tokenizer() else { return };
        let max = self.config.max_tokens;
        let mut cut = 0;
        for text in texts.iter().filter(|t| t.chars().count() > max * 2) {
            let tokens = tokenizer.encode(*text, true).map(|e| e.get_ids().len()).unwrap_or(0);
            if tokens > max {
                cut += 1;
                let preview: String = text.chars().take(60).map(|c| if c.is_whitespace() { ' ' } else { c }).collect();
                tracing::info!(tokens, max_tokens = max, text = %preview, "text truncated to the model's limit");
            }
        }
        if cut > 0 {
            self.truncated.fetch_add(cut, std::sync::atomic::Ordering::Relaxed);
            tracing::warn!(count = cut, max_tokens = max, "texts longer than max-tokens were truncated");
        }
    }
}

/// The texts' indices sorted by length, and the texts in that order: sorting keeps padding, and so
/// wasted work, small within a batch.
pub(crate) fn by_length(texts: &[String]) -> (Vec<usize>, Vec<&str>) {
    let mut order: Vec<usize> = (0..texts.len()).collect();
    order.sort_by_key(|&i| texts[i].len());
    let sorted = order.iter().map(|&i| texts[i].as_str()).collect();
    (order, sorted)
}

/// Results computed for the texts in `order` ([`by_length`]), put back in the texts' order.
pub(crate) fn in_order<T: Default>(items: Vec<T>, order: &[usize]) -> Vec<T> {
    let mut out: Vec<T> = order.iter().map(|_| T::default()).collect();
    for (item, &i) in items.into_iter().zip(order) {
        out[i] = item;
    }
    out
}

/// A progress bar on stderr when it is a terminal, hidden otherwise (logs and CI stay clean).
pub fn progress_bar(len: u64, what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal as _;
    if !std::io::stderr().is_terminal() || len < 256 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:>10} [{bar:30}] {pos}/{len} ({per_sec}, {eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

/// The files a model folder holds, `model.onnx` first.
const MODEL_FILES: [&str; 5] = ["model.onnx", "tokenizer.json", "config.json", "special_tokens_map.json", "tokenizer_config.json"];

/// The cache id of fastembed's hub model.
const HUB_MODEL_ID: &str = "intfloat/multilingual-e5-small";
/// Where the model hub's copy of [`HUB_MODEL_ID`] lands under fastembed's cache folder.
const HUB_REPO_DIR: &str = "models--intfloat--multilingual-e5-small";

fn model_id_for_dir(dir: &Path, onnx_len: usize) -> String {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("model");
    format!("{name}:{onnx_len}")
}


/// The stage: embeds every extracted question (with the query prefix) and every staff answer that
/// clustering reads ([`answer_input`], with the passage prefix) that is not cached yet. Only the
/// hashes of cached texts are read, so a run with few new tickets costs little, and an answer text
/// many tickets share (a template) is embedded once. With `[queue] enabled`, the work goes through
/// the job queue and `kbforge worker` processes share it. With `tokens` (the clustering uses token
/// matching), the questions' or the answers' token states are kept too, from the same inference,
/// here or by the workers ([`Tokens`]).
pub async fn run(store: &Store, embedder: &Embedder, queue: &crate::queue::QueueConfig, tokens: Tokens) -> anyhow::Result<StageReport> {
    let started = Instant::now();
    crate::queue::check(store, queue)?;
    let rows: Vec<(String, String, String)> = sqlx::query_as("SELECT question, answer, kind FROM qa_pairs WHERE question <> '' ORDER BY ticket_id")
        .fetch_all(store.pool())
        .await
        .context("cannot read questions from the store")?;
    let questions: Vec<String> = rows.iter().map(|(q, _, _)| embedder.question_text(q)).collect();
    let answers: Vec<String> = rows.iter().filter_map(|(_, a, kind)| embedder.answer_text(Kind::parse(kind), a)).collect();
    let keep = tokens.keep(!answers.is_empty());
    // Past MAX_ANSWER_STATES distinct answers the cluster stage matches none by tokens: keeping
    // their states would only fill the store.
    let distinct_answers = if keep == Keep::Answers { answers.iter().collect::<HashSet<_>>().len() } else { 0 };
    let answer_states = keep == Keep::Answers && distinct_answers <= MAX_ANSWER_STATES;
    let truncated_before = embedder.truncated();
    let asked = embed_missing(store, embedder, queue, &questions, keep == Keep::Questions).await?;
    let answered = embed_missing(store, embedder, queue, &answers, answer_states).await?;
    let truncated = embedder.truncated() - truncated_before;
    let workers: Vec<&str> = [&asked.1, &answered.1].into_iter().filter(|w| !w.is_empty()).map(String::as_str).collect();
    let by_workers = if workers.is_empty() { String::new() } else { format!(", jobs done by {}", workers.join("; ")) };
    let (q, a) = (asked.0, answered.0);
    let mut report = StageReport::new("embed", started);
    report.processed = questions.len() + answers.len();
    report.written = q.computed + a.computed;
    report.unchanged = q.cached + a.cached;
    report.summary = format!(
        "{} questions ({} repeated word for word): {} embedded, {} from cache; {} answers ({} repeated): {} embedded, {} from cache; {} truncated to {} tokens (model {}){by_workers}",
        count(questions.len()),
        count(q.repeated),
        count(q.computed),
        count(q.cached),
        count(answers.len()),
        count(a.repeated),
        count(a.computed),
        count(a.cached),
        count(truncated),
        embedder.config.max_tokens,
        embedder.model_id()
    );
    if keep == Keep::Answers && !answer_states {
        report.summary += &format!(
            "; no token states kept for the answers: {} distinct, over {} (the answer half is their cosine)",
            count(distinct_answers),
            count(MAX_ANSWER_STATES)
        );
    }
    Ok(report.finish(started))
}

/// Embeds the texts the cache does not hold yet (with their token states, when `tokens`; a text
/// is missing then until it has them), here or through the queue. Returns how the texts were
/// served and, through the queue, who did the jobs.
async fn embed_missing(
    store: &Store,
    embedder: &Embedder,
    queue: &crate::queue::QueueConfig,
    texts: &[String],
    tokens: bool,
) -> anyhow::Result<(CacheStats, String)> {
    let hashes: Vec<String> = texts.iter().map(|t| text_hash(t)).collect();
    let table = if tokens { "token_states" } else { "embeddings" };
    let known = cached_hashes(store, table, embedder.model_id(), &hashes).await?;
    let (missing, missing_hashes) = missing_texts(texts, &hashes, |h| known.contains(h));
    let distinct = hashes.iter().collect::<HashSet<_>>().len();
    let stats = CacheStats { cached: distinct - missing.len(), computed: missing.len(), repeated: texts.len() - distinct };
    let mut workers = String::new();
    if queue.enabled && !missing.is_empty() {
        workers = jobs::embed_through_queue(store, embedder, &missing, queue, tokens).await?.workers_summary();
    } else if tokens {
        embed_tokens_and_store(store, embedder, &missing, &missing_hashes, false).await?;
    } else {
        embed_and_store(store, embedder, &missing, &missing_hashes).await?;
    }
    Ok((stats, workers))
}

/// Which texts' token states the embed stage keeps (for the clustering's token matching), by
/// whether some ticket has an answer that takes part ([`crate::cluster::wants_tokens`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tokens {
    /// When some ticket has an answer that takes part.
    pub answered: Keep,
    /// When none has.
    pub unanswered: Keep,
}

impl Tokens {
    /// No token states at all.
    pub const NONE: Tokens = Tokens { answered: Keep::Nothing, unanswered: Keep::Nothing };

    /// What to keep, given whether some ticket has an answer that takes part.
    pub fn keep(self, answered: bool) -> Keep {
        if answered { self.answered } else { self.unanswered }
    }
}

/// Whose token states to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Keep {
    #[default]
    Nothing,
    /// The questions' (the graph method's token matching).
    Questions,
    /// The staff answers' (the pairs method's).
    Answers,
}

/// Fewest words a staff answer needs to say which article it belongs to: "Да, можно." or
/// "Уточните номер заказа" do not, and such replies leave the decision to the question. The same
/// bar as an answer template's ([`crate::cluster::answers::templates`]).
pub const MIN_ANSWER_WORDS: usize = 8;

/// The staff answer as clustering reads it ([`Embedder::answer_text`] adds the query prefix):
/// for flat and other pairs only, since a needs-action reply reports what was done for one
/// customer (their order, date and sum) and an empty request has no answer to its question; the
/// redaction placeholders dropped; `None` below [`MIN_ANSWER_WORDS`] words.
pub fn answer_input(kind: Option<Kind>, answer: &str) -> Option<String> {
    if !matches!(kind, Some(Kind::Flat | Kind::Other)) {
        return None;
    }
    let text = crate::clean::for_embedding(answer);
    let words = text.split_whitespace().filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() > 1).count();
    (words >= MIN_ANSWER_WORDS).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_come_from_the_model_then_the_config() {
        let e5 = Prefixes::of_model(None, "multilingual-e5-small-q4:194015192");
        assert_eq!((e5.query.as_str(), e5.passage.as_str()), ("query: ", "passage: "));
        assert_eq!(Prefixes::of_model(None, "all-MiniLM-L6-v2:1"), Prefixes::default());

        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config_sentence_transformers.json"),
            r#"{"prompts": {"query": "search_query: ", "document": "search_document: "}}"#,
        )
        .unwrap();
        let st = Prefixes::of_model(Some(dir.path()), "nomic");
        assert_eq!((st.query.as_str(), st.passage.as_str()), ("search_query: ", "search_document: "));

        let config = EmbedConfig { query_prefix: Some(String::new()), ..EmbedConfig::default() };
        let resolved = Prefixes::resolve(&config, None, "multilingual-e5-small");
        assert_eq!((resolved.query.as_str(), resolved.passage.as_str()), ("", "passage: "));
    }
}
