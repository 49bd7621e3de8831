//! `kbforge eval desk <tickets> --labels <labels.jsonl>`: the pipeline's drafts judged against a
//! desk whose tickets are labelled with the article (intent) each belongs to.
//!
//! Entry point: [`eval_desk`]. Steps: a throw-away workspace (SQLite store and `kb/` in a temporary
//! folder, the current workspace's settings) → ingest → clean → extract → classify → embed →
//! cluster → draft, each timed → every draft's tickets (its cluster's members) against the labels:
//! - **purity**, ticket-weighted: the share of a draft's tickets that carry its majority intent;
//! - **coverage**: the share of labelled flat intents with at least `min-cluster-size` tickets that
//!   got a draft whose majority they are (a draft split evenly between intents is no intent's: it
//!   covers none and duplicates none);
//! - **duplicates**: drafts whose majority intent already has a draft;
//! - **unassigned**: labelled flat tickets in no draft;
//! - **bad titles**: drafts titled with a greeting or filler;
//! - **titles**: where the labels give an intent's reference title (`"title"`, as a help center
//!   would word it), the mean cosine between each draft's title and its majority intent's reference
//!   (the model's query vectors), and the drafts whose title keeps a politeness or urgency filler,
//!   a greeting or one ticket's values ([`title_defects`]);
//! - **off-topic titles**: drafts whose title was made of questions of another intent than the
//!   draft's majority only (traced through [`crate::draft::title::candidates`]).
//!
//! The vectors are kept for the next evaluation in the same workspace ([`super::cache`]).
//!
//! With `KBFORGE_EVAL_DUMP` set, every pair is written there as a JSON line (labels, class,
//! cleaned texts, question and answer vectors, cluster), for trying clusterings elsewhere.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use anyhow::Context as _;

use crate::ingest::{SourceConfig, SourceFormat};
use crate::pipeline::{Context, Stage};
use crate::store::Store;
use crate::workspace::Workspace;

pub use super::labels::{read_labels, Label};
use super::labels::{leaders, local_id, majority};

/// The result of `kbforge eval desk`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeskEval {
    pub drafts: usize,
    /// Ticket-weighted purity of the drafts against the labelled intent.
    pub purity: f64,
    /// 95% interval of the purity, resampling the drafts ([`purity_interval`]).
    pub purity_interval: [f64; 2],
    /// Share of labelled flat intents with `min-cluster-size`+ tickets that got a draft of their own.
    pub coverage: f64,
    /// 95% Wilson interval of the coverage ([`wilson`]).
    pub coverage_interval: [f64; 2],
    /// Drafts whose majority intent already had a draft.
    pub duplicates: usize,
    /// Drafts split evenly between intents: no intent's draft, so they cover none and duplicate none.
    pub ties: usize,
    /// Labelled flat tickets in no draft.
    pub unassigned: usize,
    /// Drafts titled with a greeting or filler.
    pub bad_titles: usize,
    /// Mean cosine between a draft's title and its majority intent's reference title, over the
    /// drafts whose intent has one (none when the labels give no titles).
    pub title_similarity: Option<f64>,
    /// Drafts whose title keeps a filler, a greeting, a ticket's values or profanity ([`title_defects`]).
    pub title_defects: usize,
    /// Drafts whose title was asked only by tickets of another intent than the draft's majority: the
    /// article answers its tickets' question under a title of another one.
    pub off_topic_titles: usize,
    /// Wall time per stage.
    pub seconds: BTreeMap<String, f64>,
    pub tickets: usize,
    /// Labelled flat intents with `min-cluster-size`+ tickets (coverage's denominator), and how many
    /// of them got a draft.
    pub flat_intents: usize,
    pub covered: usize,
    pub flat_tickets: usize,
    /// Share of tickets whose class (flat / needs-action / empty / other) matches the label.
    pub kind_accuracy: f64,
    /// What the review's near-duplicate flag ([`crate::review::context::duplicates`]) makes of the
    /// drafts: how many of the duplicate drafts it flags, and how many drafts it flags into a draft
    /// of another intent.
    pub duplicate_flags: DuplicateFlags,
    /// The drafts: title, tickets, majority intent and its share.
    pub details: Vec<DraftDetail>,
    /// The intents coverage counts that got no draft, and where their tickets went.
    pub missed: Vec<MissedIntent>,
    /// The scores after an editor's corrections (`--edits N`), if asked for.
    pub edited: Option<super::edits::Edited>,
}

/// A labelled flat intent with `min-cluster-size`+ tickets and no draft of its own: whether its
/// tickets fell apart (in no draft: clusters too small, or alone) or were merged into drafts whose
/// majority is another intent, and which.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MissedIntent {
    pub intent: String,
    /// Its flat tickets.
    pub tickets: usize,
    /// Of them, in no draft.
    pub unassigned: usize,
    /// The drafts holding the rest: (draft title, its majority intent, how many of this intent's
    /// tickets), most first.
    pub in_drafts: Vec<(String, String, usize)>,
}

/// The near-duplicate flag scored against the labels.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct DuplicateFlags {
    /// Duplicate drafts (a second draft for the same majority intent) the flag catches.
    pub caught: usize,
    /// Drafts flagged as a near-duplicate of a draft whose majority intent is another.
    pub wrong: usize,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DraftDetail {
    pub id: String,
    pub title: String,
    /// The majority intent's reference title, if the labels give one.
    pub reference: Option<String>,
    /// What [`title_defects`] finds in the title.
    pub defects: Vec<&'static str>,
    pub tickets: usize,
    /// The majority intent; on a tie, every intent of the tie joined by ` = `.
    pub intent: String,
    pub purity: f64,
    /// The article the review's near-duplicate flag would merge this draft into.
    pub flagged_into: Option<String>,
    /// The intent of the tickets whose question the title was made of, where none of them is of the
    /// majority intent.
    pub title_intent: Option<String>,
}

/// Runs the pipeline up to the drafts on `tickets` (a JSONL or CSV file, or an Omnidesk export
/// folder) in a throw-away workspace with `ws`'s settings, and scores the drafts against `labels`.
pub async fn eval_desk(ws: &Workspace, tickets: &Path, labels: &HashMap<String, Label>, edits: usize) -> anyhow::Result<DeskEval> {
    let tmp = tempfile::tempdir().context("cannot create a temporary folder")?;
    let tickets = std::path::absolute(tickets)?;
    let mut config = ws.config.clone();
    config.ingest.sources = vec![SourceConfig { format: SourceFormat::detect(&tickets), path: tickets, encoding: Default::default(), columns: None }];
    config.ingest.regulations.clear();
    config.embed.model_dir = config.embed.resolved_model_dir(&ws.root);
    config.embed.onnxruntime = config.embed.onnxruntime.as_ref().map(|p| ws.root.join(p));
    config.draft.llm.enabled = false;
    config.queue.enabled = false;
    config.kb.dir = "kb".into();
    let min_size = config.draft.min_cluster_size;
    let scratch = Workspace { root: tmp.path().to_path_buf(), config };
    // Never the workspace's own store (nor DATABASE_URL's): a store of its own, thrown away after.
    let store = Store::open(&format!("sqlite://{}", tmp.path().join("desk.sqlite").display())).await?;
    // Vectors of earlier evaluations in this workspace: a second run embeds only what is new.
    let kept = super::cache::path(&ws.root);
    let reused = super::cache::seed(&store, &kept).await.with_context(|| format!("cannot read {}", kept.display()))?;
    if reused > 0 {
        tracing::info!("{reused} vectors from earlier evaluations ({})", kept.display());
    }
    let mut ctx = Context::with_store(scratch, store);
    let mut seconds = BTreeMap::new();
    for stage in [Stage::Ingest, Stage::Clean, Stage::Extract, Stage::Classify, Stage::Embed, Stage::Cluster, Stage::Draft] {
        let report = ctx.run_stage(stage).await?;
        tracing::info!("{}", report.line());
        seconds.insert(report.stage.to_string(), report.elapsed.as_secs_f64());
        if stage == Stage::Ingest {
            labels_fit(&ctx.store, labels).await?;
        }
    }
    if let Some(path) = std::env::var_os("KBFORGE_EVAL_DUMP") {
        dump(&mut ctx, labels, Path::new(&path)).await?;
    }
    let (articles, _) = crate::kb::load_all(&ctx.ws.kb_dir());
    let mut eval = score(&ctx.store, &articles, labels, min_size, seconds).await?;
    eval.duplicate_flags = score_flags(&ctx.store, &articles, &mut eval.details, ctx.ws.config.draft.update_threshold).await?;
    let pairs: Vec<(String, String)> = eval.details.iter().filter_map(|d| d.reference.clone().map(|r| (d.title.clone(), r))).collect();
    if !pairs.is_empty() {
        let (store, embedder, _) = ctx.with_model()?;
        let texts: Vec<String> = pairs.iter().flat_map(|(t, r)| [embedder.query_text(t), embedder.query_text(r)]).collect();
        let (vectors, _) = crate::embed::embed_cached(store, embedder, &texts).await?;
        let sims: Vec<f64> = vectors.chunks(2).map(|p| f64::from(crate::vector::dot(&p[0], &p[1]))).collect();
        eval.title_similarity = Some(sims.iter().sum::<f64>() / sims.len() as f64);
    }
    // A workspace that cannot keep them only loses the time they would save next run.
    if let Err(e) = super::cache::save(&ctx.store, &kept).await {
        tracing::warn!("the vectors of this evaluation are not kept in {}: {e:#}", kept.display());
    }
    if edits > 0 {
        let (splits, moves, merges) = super::edits::simulate_editor(&mut ctx, labels, min_size, edits).await?;
        let (articles, _) = crate::kb::load_all(&ctx.ws.kb_dir());
        let after = score(&ctx.store, &articles, labels, min_size, BTreeMap::new()).await?;
        eval.edited = Some(super::edits::Edited {
            splits,
            moves,
            merges,
            drafts: after.drafts,
            purity: after.purity,
            coverage: after.coverage,
            covered: after.covered,
            duplicates: after.duplicates,
            unassigned: after.unassigned,
        });
    }
    Ok(eval)
}

/// Fails when no ticket was read or none read has a label, and warns when most have none: scores
/// over tickets the labels do not name would be empty (a purity of 1 over nothing), so say why
/// (the first quarantined record) or how the ids differ.
async fn labels_fit(store: &Store, labels: &HashMap<String, Label>) -> anyhow::Result<()> {
    let ids: Vec<(String,)> = sqlx::query_as("SELECT id FROM tickets ORDER BY id").fetch_all(store.pool()).await?;
    let labelled = ids.iter().filter(|(id,)| labels.contains_key(local_id(id))).count();
    if ids.is_empty() {
        let (quarantined,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM quarantine").fetch_one(store.pool()).await?;
        let first: Option<(String, String, String)> =
            sqlx::query_as("SELECT location, field, reason FROM quarantine ORDER BY id LIMIT 1").fetch_optional(store.pool()).await?;
        let why = first.map_or_else(String::new, |(at, field, reason)| format!(": the first, {at}, field `{field}`: {reason}"));
        anyhow::bail!("no ticket was read ({quarantined} records quarantined{why})");
    }
    let ticket = ids.first().map_or("", |(id,)| local_id(id));
    let label = labels.keys().min().map_or("", String::as_str);
    if labelled == 0 {
        anyhow::bail!(
            "none of the {} tickets read has a label: the tickets' ids look like `{ticket}`, the labels' like `{label}` (a label's `id` is the ticket's id in the export)",
            ids.len()
        );
    }
    if labelled * 2 < ids.len() {
        tracing::warn!("{labelled} of {} tickets have a label; the scores count those only (tickets' ids look like `{ticket}`, the labels' like `{label}`)", ids.len());
    }
    Ok(())
}

/// Scores the drafts in `store` and `articles` (the kb) against the labels.
async fn score(store: &Store, articles: &[crate::kb::Article], labels: &HashMap<String, Label>, min_size: usize, seconds: BTreeMap<String, f64>) -> anyhow::Result<DeskEval> {
    let pairs: Vec<(String, String)> = sqlx::query_as("SELECT ticket_id, kind FROM qa_pairs").fetch_all(store.pool()).await?;
    let tickets: Vec<(String,)> = sqlx::query_as("SELECT id FROM tickets").fetch_all(store.pool()).await?;
    let members: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT d.article_id, m.ticket_id, COALESCE(q.question, '') FROM drafts d JOIN cluster_members m ON m.cluster_id = d.cluster_id
         LEFT JOIN qa_pairs q ON q.ticket_id = m.ticket_id ORDER BY d.article_id, m.ticket_id",
    )
    .fetch_all(store.pool())
    .await?;
    let titles: HashMap<&str, &str> = articles.iter().map(|a| (a.front.id.as_str(), a.front.title.as_str())).collect();
    let intent_of = |ticket: &str| labels.get(local_id(ticket)).map_or("(unlabelled)", |l| l.intent.as_str());
    let mut drafts: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    // The intents of the tickets whose question the draft's title was made of.
    let mut asked_by: HashMap<&str, Vec<&str>> = HashMap::new();
    for (article, ticket, question) in &members {
        drafts.entry(article.as_str()).or_default().push(intent_of(ticket));
        let title = titles.get(article.as_str()).copied().unwrap_or_default();
        if crate::draft::title::candidates(&crate::clean::for_embedding(question)).iter().any(|c| c == title) {
            asked_by.entry(article.as_str()).or_default().push(intent_of(ticket));
        }
    }
    // Flat intents big enough to draft, counted over the tickets that were read.
    let mut flat_counts: HashMap<&str, usize> = HashMap::new();
    for (id,) in &tickets {
        if let Some(l) = labels.get(local_id(id)).filter(|l| l.kind == "flat") {
            *flat_counts.entry(l.intent.as_str()).or_default() += 1;
        }
    }
    let eligible: HashSet<&str> = flat_counts.iter().filter(|(_, &n)| n >= min_size).map(|(i, _)| *i).collect();
    let mut details = Vec::new();
    let (mut pure, mut total, mut duplicates, mut bad_titles, mut ties) = (0usize, 0usize, 0usize, 0usize, 0usize);
    let mut majorities: HashSet<&str> = HashSet::new();
    let mut draft_counts = Vec::with_capacity(drafts.len());
    for (article, intents) in &drafts {
        let (tops, n) = leaders(intents);
        let intent = tops[0];
        draft_counts.push((n, intents.len()));
        pure += n;
        total += intents.len();
        // A draft split evenly between intents is none of theirs: it covers none and duplicates none.
        if tops.len() > 1 {
            ties += 1;
        } else if !majorities.insert(intent) {
            duplicates += 1;
        }
        let title = titles.get(article).copied().unwrap_or_default();
        if is_filler_title(title) {
            bad_titles += 1;
        }
        let reference = labels.values().find(|l| l.intent == intent).and_then(|l| l.title.clone());
        let title_intent = asked_by.get(article).filter(|asked| !tops.iter().any(|t| asked.contains(t))).map(|asked| majority(asked).0.to_string());
        details.push(DraftDetail {
            id: article.to_string(),
            title: title.to_string(),
            reference,
            defects: title_defects(title),
            tickets: intents.len(),
            intent: tops.join(" = "),
            purity: n as f64 / intents.len() as f64,
            flagged_into: None,
            title_intent,
        });
    }
    details.sort_by(|a, b| b.tickets.cmp(&a.tickets).then_with(|| a.title.cmp(&b.title)));
    let covered = eligible.iter().filter(|i| majorities.contains(*i)).count();
    let mut missed: Vec<MissedIntent> = eligible
        .iter()
        .filter(|i| !majorities.contains(*i))
        .map(|&intent| {
            let mut in_drafts: Vec<(String, String, usize)> = drafts
                .iter()
                .filter_map(|(article, intents)| {
                    let n = intents.iter().filter(|i| **i == intent).count();
                    (n > 0).then(|| (titles.get(article).copied().unwrap_or_default().to_string(), leaders(intents).0.join(" = "), n))
                })
                .collect();
            in_drafts.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
            let drafted: usize = in_drafts.iter().map(|d| d.2).sum();
            MissedIntent { intent: intent.to_string(), tickets: flat_counts[intent], unassigned: flat_counts[intent].saturating_sub(drafted), in_drafts }
        })
        .collect();
    missed.sort_by(|a, b| b.tickets.cmp(&a.tickets).then_with(|| a.intent.cmp(&b.intent)));
    let drafted: HashSet<&str> = members.iter().map(|(_, t, _)| local_id(t)).collect();
    let flat_tickets: Vec<&str> =
        tickets.iter().map(|(id,)| local_id(id)).filter(|id| labels.get(*id).is_some_and(|l| l.kind == "flat")).collect();
    let unassigned = flat_tickets.iter().filter(|id| !drafted.contains(*id)).count();
    let labelled_pairs: Vec<(&str, &str)> = pairs.iter().filter_map(|(t, k)| labels.get(local_id(t)).map(|l| (l.kind.as_str(), k.as_str()))).collect();
    let kind_accuracy = labelled_pairs.iter().filter(|(gold, got)| gold == got).count() as f64 / labelled_pairs.len().max(1) as f64;
    Ok(DeskEval {
        drafts: drafts.len(),
        purity: pure as f64 / total.max(1) as f64,
        purity_interval: purity_interval(&draft_counts),
        coverage: covered as f64 / eligible.len().max(1) as f64,
        coverage_interval: wilson(covered, eligible.len()),
        duplicates,
        ties,
        unassigned,
        bad_titles,
        title_similarity: None,
        title_defects: details.iter().filter(|d| !d.defects.is_empty()).count(),
        off_topic_titles: details.iter().filter(|d| d.title_intent.is_some()).count(),
        seconds,
        tickets: tickets.len(),
        flat_intents: eligible.len(),
        covered,
        flat_tickets: flat_tickets.len(),
        kind_accuracy,
        duplicate_flags: DuplicateFlags::default(),
        details,
        missed,
        edited: None,
    })
}

/// The 95% Wilson score interval of `k` successes in `n` trials: how far a desk's coverage could be
/// from what it shows by chance alone (87 of 104 intents is 0.837, anywhere from 0.75 to 0.90).
pub fn wilson(k: usize, n: usize) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let (z, n, p) = (1.96f64, n as f64, k as f64 / n as f64);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
    [(centre - half).max(0.0), (centre + half).min(1.0)]
}

/// The 95% interval of the ticket-weighted purity of `drafts` (tickets of the majority intent, all
/// tickets): a percentile bootstrap that resamples whole drafts, since a draft's tickets are not
/// independent of one another. 2,000 resamples from a fixed seed, so the same drafts always give
/// the same interval.
pub fn purity_interval(drafts: &[(usize, usize)]) -> [f64; 2] {
    if drafts.is_empty() {
        return [0.0, 1.0];
    }
    // In a fixed order, so the drafts' order (a hash map's) does not move the interval.
    let mut drafts = drafts.to_vec();
    drafts.sort_unstable();
    let mut rng = crate::cluster::Rng(1);
    let mut shares: Vec<f64> = (0..2000)
        .map(|_| {
            let (mut pure, mut total) = (0usize, 0usize);
            for _ in 0..drafts.len() {
                let (p, t) = drafts[(rng.next() % drafts.len() as u64) as usize];
                pure += p;
                total += t;
            }
            pure as f64 / total.max(1) as f64
        })
        .collect();
    shares.sort_by(f64::total_cmp);
    [shares[49], shares[1949]]
}

/// Runs the review's near-duplicate flag over the drafts and scores it by their majority intents: a
/// flagged draft is caught when it duplicates an intent drafted before (the same count as
/// `duplicates`), wrong when the draft it points to has another majority intent.
async fn score_flags(store: &Store, articles: &[crate::kb::Article], details: &mut [DraftDetail], threshold: f32) -> anyhow::Result<DuplicateFlags> {
    let flags = crate::review::context::duplicates(store, articles, threshold).await?;
    let intent: HashMap<String, String> = details.iter().map(|d| (d.id.clone(), d.intent.clone())).collect();
    let mut out = DuplicateFlags::default();
    for (id, flag) in &flags {
        match (intent.get(id), intent.get(&flag.into)) {
            (Some(a), Some(b)) if a == b => out.caught += 1,
            _ => out.wrong += 1,
        }
    }
    for d in details.iter_mut() {
        d.flagged_into = flags.get(&d.id).map(|f| f.into.clone());
    }
    Ok(out)
}

/// The human summary of `kbforge eval desk`; with `drafts`, one line per draft too.
pub fn format_table(r: &DeskEval, drafts: bool) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let share = |n: usize, of: usize| 100.0 * n as f64 / of.max(1) as f64;
    let _ = writeln!(out, "{} tickets -> {} drafts", r.tickets, r.drafts);
    let [plo, phi] = r.purity_interval;
    let [clo, chi] = r.coverage_interval;
    let _ = writeln!(out, "purity      {:.3}  (ticket-weighted, against the labelled intent; 95% interval {plo:.3}–{phi:.3})", r.purity);
    let _ = writeln!(
        out,
        "coverage    {:.3}  ({} of {} flat intents with min-cluster-size+ tickets got a draft; 95% interval {clo:.3}–{chi:.3})",
        r.coverage, r.covered, r.flat_intents
    );
    let _ = writeln!(out, "duplicates  {}  ({:.1}% of drafts)", r.duplicates, share(r.duplicates, r.drafts));
    let _ = writeln!(out, "ties        {}  (drafts split evenly between intents: they cover none)", r.ties);
    let _ = writeln!(
        out,
        "flagged     {} of {} duplicates caught by review's near-duplicate flag, {} flagged wrongly",
        r.duplicate_flags.caught, r.duplicates, r.duplicate_flags.wrong
    );
    let _ = writeln!(out, "unassigned  {}  ({:.1}% of {} flat tickets in no draft)", r.unassigned, share(r.unassigned, r.flat_tickets), r.flat_tickets);
    let _ = writeln!(out, "bad titles  {}", r.bad_titles);
    let _ = writeln!(out, "title flaws {}  (fillers, greetings, one ticket's values or profanity)", r.title_defects);
    let _ = writeln!(out, "off-topic   {}  (titles asked only by tickets of another intent than the draft's majority)", r.off_topic_titles);
    if let Some(s) = r.title_similarity {
        let _ = writeln!(out, "titles      {s:.3}  (mean cosine to the reference titles)");
    }
    let _ = writeln!(out, "classes     {:.3} of tickets classified as labelled", r.kind_accuracy);
    let times: Vec<String> = r.seconds.iter().map(|(s, t)| format!("{s} {t:.2} s")).collect();
    let _ = writeln!(out, "time        {}", times.join(", "));
    if let Some(e) = &r.edited {
        let _ = writeln!(
            out,
            "edited      after {} splits, {} moves, {} merges: {} drafts, purity {:.3}, coverage {:.3} ({} of {}), {} duplicates, {} unassigned",
            e.splits, e.moves, e.merges, e.drafts, e.purity, e.coverage, e.covered, r.flat_intents, e.duplicates, e.unassigned
        );
    }
    if drafts {
        for d in &r.details {
            let flaws = if d.defects.is_empty() { String::new() } else { format!("  [{}]", d.defects.join(", ")) };
            let reference = d.reference.as_deref().map(|r| format!("  (reference: {r})")).unwrap_or_default();
            let flag = d.flagged_into.as_deref().map(|into| format!("  [near-duplicate of `{into}`]")).unwrap_or_default();
            let asked = d.title_intent.as_deref().map(|i| format!("  [title asked by {i}]")).unwrap_or_default();
            let _ = writeln!(out, "{:>4}  {:.2}  {:<40}  {}{flaws}{asked}{reference}{flag}", d.tickets, d.purity, d.intent, d.title);
        }
        if !r.missed.is_empty() {
            let _ = writeln!(out, "\nno draft of their own ({}):", r.missed.len());
        }
        for m in &r.missed {
            let fate = if m.in_drafts.is_empty() {
                "fell apart".to_string()
            } else {
                let into: Vec<String> = m.in_drafts.iter().map(|(title, intent, n)| format!("{n} in «{title}» ({intent})")).collect();
                into.join(", ")
            };
            let _ = writeln!(out, "{:>4}  {:<40}  {} in no draft; {fate}", m.tickets, m.intent, m.unassigned);
        }
    }
    out
}

/// A title a customer would not read as a question: a greeting, thanks or a filler
/// ("Девушка, здравствуйте", "Добрый день!", "помогите").
pub fn is_filler_title(title: &str) -> bool {
    let stripped = crate::clean::strip_noise(title);
    crate::clean::is_empty_request(&stripped) || stripped.split_whitespace().count() < 2
}

/// What a help center would not put in a title, found in `title`: a politeness or urgency filler
/// ("подскажите", "пожалуйста", "срочно", "помогите"; "please", "urgent"), a greeting or an address
/// ("здравствуйте", "девушка"; "hello"), one ticket's values (digits, a redaction placeholder,
/// an amount), and profanity. The measure is kept apart from the drafter's own cleaning on purpose.
pub fn title_defects(title: &str) -> Vec<&'static str> {
    static FILLER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(подскажите|скажите|пожалуйста|пожайлуста|пожалуста|пж|пжл|пжлст|плиз|плз|срочно|помогите|help me|please|pls|plz|urgent\w*|asap)\b").expect("static regex")
    });
    static GREETING: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(здравствуйте|здрасте|привет|добрый\s+(день|вечер)|доброе\s+утро|девушка|hello|hi|hey|dear)\b").expect("static regex")
    });
    let mut out = Vec::new();
    if FILLER.is_match(title) {
        out.push("filler");
    }
    if GREETING.is_match(title) {
        out.push("greeting");
    }
    if title.chars().any(|c| c.is_ascii_digit()) || title.contains('[') || title.contains('₽') {
        out.push("values");
    }
    static PROFANITY: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(fuck\w*|shit\w*|damn\w*|wtf|бля\w*|хуй\w*|пизд\w*|ебан\w*|нахер|нахрен)\b").expect("static regex")
    });
    if PROFANITY.is_match(title) {
        out.push("profanity");
    }
    out
}

/// Writes every pair (labels, class, cleaned texts, vectors, cluster) as JSON lines.
async fn dump(ctx: &mut Context, labels: &HashMap<String, Label>, path: &Path) -> anyhow::Result<()> {
    let (store, embedder, ws) = ctx.with_model()?;
    let rows: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT q.ticket_id, q.question, q.answer, q.kind, m.cluster_id FROM qa_pairs q LEFT JOIN cluster_members m ON m.ticket_id = q.ticket_id
         WHERE q.question <> '' ORDER BY q.ticket_id",
    )
    .fetch_all(store.pool())
    .await?;
    let questions: Vec<String> = rows.iter().map(|r| embedder.question_text(&r.1)).collect();
    let (vectors, _) = crate::embed::embed_cached(store, embedder, &questions).await?;
    let answers: Vec<Option<String>> = rows.iter().map(|r| embedder.answer_text(crate::kind::Kind::parse(&r.3), &r.2)).collect();
    let present: Vec<String> = answers.iter().flatten().cloned().collect();
    let (answer_vectors, _) = crate::embed::embed_cached(store, embedder, &present).await?;
    let mut answer_vectors = answer_vectors.into_iter();
    if crate::cluster::wants_tokens(&ws.config.cluster).answered == crate::embed::Keep::Answers {
        // Beside the dump, for the benches' token matching (`Tokens::read_states`): the answers'
        // states of the tickets the cluster stage clusters (the non-empty ones), in order.
        let (states, _) = crate::embed::token_states_cached(store, embedder, &present).await?;
        let mut states = states.into_iter();
        let per_ticket: Vec<crate::vector::TokenStates> = rows
            .iter()
            .zip(&answers)
            .filter_map(|(row, a)| {
                let s = a.as_ref().and_then(|_| states.next()).unwrap_or_default();
                (row.3 != "empty").then_some(s)
            })
            .collect();
        crate::cluster::tokens::Tokens::write_states(&path.with_extension("tokens"), &per_ticket)?;
    }
    let mut out = String::new();
    for ((row, vector), answer) in rows.iter().zip(&vectors).zip(&answers) {
        let label = labels.get(local_id(&row.0));
        let line = serde_json::json!({
            "ticket": row.0,
            "intent": label.map_or("(unlabelled)", |l| l.intent.as_str()),
            "gold_kind": label.map_or("", |l| l.kind.as_str()),
            "kind": row.3,
            "question": crate::clean::for_embedding(&row.1),
            "answer": answer.as_ref().map(|_| crate::clean::for_embedding(&row.2)),
            "cluster": row.4,
            "vector": vector,
            "answer_vector": answer.as_ref().and_then(|_| answer_vectors.next()),
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_say_how_far_chance_alone_could_move_a_score() {
        // «ВольтМаркет»'s coverage: 87 of 104 intents (the textbook Wilson interval).
        let [lo, hi] = wilson(87, 104);
        assert!((lo - 0.7537).abs() < 1e-3 && (hi - 0.8954).abs() < 1e-3, "{lo} {hi}");
        assert_eq!(wilson(0, 0), [0.0, 1.0]);
        let [lo, hi] = wilson(20, 20);
        assert!(lo > 0.83 && lo < 0.84 && hi == 1.0, "{lo} {hi}");
        // Purity: drafts resampled whole; all pure drafts leave no doubt, mixed ones some.
        assert_eq!(purity_interval(&[(5, 5), (3, 3), (8, 8)]), [1.0, 1.0]);
        let drafts: Vec<(usize, usize)> = (0..60).map(|i| if i % 5 == 0 { (3, 6) } else { (4, 4) }).collect();
        let point = drafts.iter().map(|d| d.0).sum::<usize>() as f64 / drafts.iter().map(|d| d.1).sum::<usize>() as f64;
        let [lo, hi] = purity_interval(&drafts);
        assert!(lo < point && point < hi && hi - lo < 0.15, "{lo} {point} {hi}");
        assert_eq!(purity_interval(&drafts), [lo, hi], "a fixed seed: the same drafts, the same interval");
        let mut reversed = drafts.clone();
        reversed.reverse();
        assert_eq!(purity_interval(&reversed), [lo, hi], "in any order");
    }

    #[test]
    fn filler_titles() {
        assert!(is_filler_title("Девушка, здравствуйте"));
        assert!(is_filler_title("Добрый день!"));
        assert!(is_filler_title("Помогите"));
        assert!(!is_filler_title("Как проверить баланс сертификата?"));
    }

    #[test]
    fn title_flaws() {
        assert_eq!(title_defects("Подскажите пожалуйста где посмотреть остаток?"), ["filler"]);
        assert_eq!(title_defects("Стою на кассе, не проходит сертификат, помогите срочно"), ["filler"]);
        assert_eq!(title_defects("На сертификате осталась маленькая сумма, 47 рублей, что с ней делать?"), ["values"]);
        assert_eq!(title_defects("Девушка, здравствуйте"), ["greeting"]);
        assert!(title_defects("Как проверить баланс сертификата?").is_empty());
        assert!(title_defects("How do I use my gift certificate?").is_empty());
    }
}
