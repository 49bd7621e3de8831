//! `kbforge report`: is a bot worth it, and where are the gaps? Printed in the terminal and written
//! as one self-contained HTML page with inline SVG charts (no script, no external file).
//!
//! From the store and the knowledge base:
//! - ticket volume per topic, and per month for the largest topics;
//! - the share of flat / needs-action / empty / other tickets, overall and per topic;
//! - the verdict: a RAG bot pays off when at least [`FLAT_THRESHOLD`] of requests are flat;
//! - gaps: the largest flat clusters with no approved or published article;
//! - coverage: the share of recent tickets (the last `days` before the newest ticket) whose
//!   question falls in a cluster that has a live (approved or published) article;
//! - the bot ([`crate::feedback::stats`], the last `days` before today): the source deck's seven
//!   numbers overall, per topic and per route, the articles ranked by wrong answers, and the
//!   questions it had no confident article for, clustered as the pipeline clusters tickets: gaps
//!   from the bot's side beside the gaps from tickets. Links point into the review app
//!   (`/articles/<id>`), where the report is also served.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::cluster::ClusterConfig;
use crate::kb::{self, Status};
use crate::guard::Guard;
use crate::lexical::one_line;
use crate::store::Store;

/// The share of flat requests from which a generative bot pays off.
pub const FLAT_THRESHOLD: f64 = 0.20;
/// Topics shown in the monthly trend.
const TREND_TOPICS: usize = 6;
/// Gaps listed.
const GAPS: usize = 10;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Shares {
    pub tickets: usize,
    pub flat: usize,
    pub needs_action: usize,
    pub empty: usize,
    pub other: usize,
}

impl Shares {
    fn add(&mut self, kind: &str) {
        self.tickets += 1;
        match kind {
            "flat" => self.flat += 1,
            "needs-action" => self.needs_action += 1,
            "empty" => self.empty += 1,
            _ => self.other += 1,
        }
    }

    pub fn flat_share(&self) -> f64 {
        self.flat as f64 / self.tickets.max(1) as f64
    }

    fn pct(&self, n: usize) -> f64 {
        100.0 * n as f64 / self.tickets.max(1) as f64
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TopicRow {
    pub topic: String,
    pub shares: Shares,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Gap {
    pub cluster: String,
    pub label: String,
    pub topic: String,
    pub tickets: usize,
    /// The most typical question.
    pub example: String,
    /// A draft waiting for review, if any.
    pub draft: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Coverage {
    pub days: i64,
    pub since: String,
    pub recent: usize,
    pub covered: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub overall: Shares,
    pub pays_off: bool,
    pub topics: Vec<TopicRow>,
    pub months: Vec<String>,
    /// Tickets per month of the largest topics (and `всё остальное` / everything else).
    pub trend: Vec<(String, Vec<usize>)>,
    pub gaps: Vec<Gap>,
    pub coverage: Coverage,
    pub live_articles: usize,
    /// What the bot was asked and how its answers were rated.
    #[serde(default)]
    pub bot: crate::feedback::stats::Bot,
}

/// The `report` stage: the report of the last 30 days as `reports/report.html` and
/// `reports/report.json` in the workspace, and the verdict in its summary line.
pub async fn stage(store: &Store, kb_dir: &Path, root: &Path, lang: &str, guard: &Guard, cluster: &ClusterConfig) -> anyhow::Result<crate::stage::StageReport> {
    let started = std::time::Instant::now();
    let report = build(store, kb_dir, guard, cluster, 30).await?;
    let dir = root.join("reports");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("report.html"), html(&report, lang)?)?;
    std::fs::write(dir.join("report.json"), serde_json::to_string_pretty(&report)?)?;
    let mut out = crate::stage::StageReport::new("report", started);
    out.written = 2;
    out.summary = format!("{} -> {}", verdict(&report), dir.join("report.html").display());
    Ok(out.finish(started))
}

/// The report from the store and the knowledge base; `cluster` groups the bot's misses
/// ([`crate::feedback::stats::gap_clustering`]).
pub async fn build(store: &Store, kb_dir: &Path, guard: &Guard, cluster: &ClusterConfig, days: i64) -> anyhow::Result<Report> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT q.ticket_id, q.topic, q.kind, t.created_at FROM qa_pairs q JOIN tickets t ON t.id = q.ticket_id ORDER BY t.created_at",
    )
    .fetch_all(store.pool())
    .await?;
    let mut overall = Shares::default();
    let mut by_topic: BTreeMap<String, Shares> = BTreeMap::new();
    let topic_name = |t: &str| if t.is_empty() { "(без темы)".to_string() } else { t.to_string() };
    for (_, topic, kind, _) in &rows {
        overall.add(kind);
        by_topic.entry(topic_name(topic)).or_default().add(kind);
    }
    let mut topics: Vec<TopicRow> = by_topic.into_iter().map(|(topic, shares)| TopicRow { topic, shares }).collect();
    topics.sort_by(|a, b| b.shares.tickets.cmp(&a.shares.tickets).then(a.topic.cmp(&b.topic)));

    // Monthly trend of the largest topics.
    let month = |d: &str| d.get(..7).unwrap_or("").to_string();
    // An undated ticket (a question–answer export without dates) counts in the shares, not in a month.
    let months: Vec<String> =
        rows.iter().map(|r| month(&r.3)).filter(|m| !m.is_empty()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let month_index: HashMap<&str, usize> = months.iter().enumerate().map(|(i, m)| (m.as_str(), i)).collect();
    let shown: Vec<String> = topics.iter().take(TREND_TOPICS).map(|t| t.topic.clone()).collect();
    let mut trend: Vec<(String, Vec<usize>)> = shown.iter().map(|t| (t.clone(), vec![0; months.len()])).collect();
    let mut rest = vec![0; months.len()];
    for (_, topic, _, created) in &rows {
        let Some(&m) = month_index.get(month(created).as_str()) else {
            continue;
        };
        match shown.iter().position(|t| *t == topic_name(topic)) {
            Some(i) => trend[i].1[m] += 1,
            None => rest[m] += 1,
        }
    }
    if rest.iter().any(|&n| n > 0) {
        trend.push(("всё остальное".to_string(), rest));
    }

    // Which clusters have a live article, which only a draft.
    let (articles, _) = kb::load_all(kb_dir);
    let status: HashMap<&str, Status> = articles.iter().map(|a| (a.front.id.as_str(), a.front.status)).collect();
    let links: Vec<(String, String)> = sqlx::query_as("SELECT article_id, cluster_id FROM drafts").fetch_all(store.pool()).await?;
    let mut live: HashSet<String> = HashSet::new();
    let mut drafted: HashMap<String, String> = HashMap::new();
    let cluster_of_article = links.iter().map(|(a, c)| (a.as_str(), c.as_str()));
    let from_front = articles.iter().filter_map(|a| a.front.cluster.as_deref().map(|c| (a.front.id.as_str(), c)));
    for (article, cluster) in cluster_of_article.chain(from_front) {
        match status.get(article) {
            Some(Status::Approved | Status::Published) => {
                live.insert(cluster.to_string());
            }
            Some(Status::Draft) => {
                drafted.insert(cluster.to_string(), article.to_string());
            }
            _ => {}
        }
    }
    let live_articles = articles.iter().filter(|a| matches!(a.front.status, Status::Approved | Status::Published)).count();

    let clusters: Vec<(String, i64, String, String, String)> = sqlx::query_as(
        "SELECT id, size, label, topic, representatives FROM clusters WHERE kind = 'flat' ORDER BY size DESC, id",
    )
    .fetch_all(store.pool())
    .await?;
    let questions: HashMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT ticket_id, question FROM qa_pairs").fetch_all(store.pool()).await?.into_iter().collect();
    let gaps: Vec<Gap> = clusters
        .iter()
        .filter(|(id, size, ..)| !live.contains(id) && *size >= 2)
        .take(GAPS)
        .map(|(id, size, label, topic, reps)| {
            let reps: Vec<String> = serde_json::from_str(reps).unwrap_or_default();
            let example = reps.first().and_then(|t| questions.get(t)).map(|q| crate::clean::for_embedding(q)).unwrap_or_default();
            Gap {
                cluster: id.clone(),
                label: label.clone(),
                topic: topic_name(topic),
                tickets: *size as usize,
                example,
                draft: drafted.get(id).cloned(),
            }
        })
        .collect();

    // Coverage of recent tickets.
    let members: HashMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT ticket_id, cluster_id FROM cluster_members").fetch_all(store.pool()).await?.into_iter().collect();
    let newest = rows.last().map(|r| r.3.clone()).unwrap_or_default();
    let since = chrono::DateTime::parse_from_rfc3339(&newest)
        .map(|d| (d - chrono::Duration::days(days)).to_rfc3339())
        .unwrap_or_default();
    let recent: Vec<&(String, String, String, String)> = rows.iter().filter(|r| r.3 >= since).collect();
    let covered = recent.iter().filter(|r| members.get(&r.0).is_some_and(|c| live.contains(c))).count();
    let bot = crate::feedback::stats::build(store, &articles, cluster, days).await?;
    let report = Report {
        bot,
        pays_off: overall.flat_share() >= FLAT_THRESHOLD,
        overall,
        topics,
        months,
        trend,
        gaps,
        coverage: Coverage { days, since: since.get(..10).unwrap_or("").to_string(), recent: recent.len(), covered },
        live_articles,
    };
    guarded(report, guard)
}

/// The report with every string the publish guard flags masked (its examples are customers' own
/// words): the HTML, the JSON and the terminal all render from it.
fn guarded(report: Report, guard: &Guard) -> anyhow::Result<Report> {
    let (report, n) = guard.mask_value(report)?;
    if n > 0 {
        tracing::warn!("report: the publish guard masked {n} values");
    }
    Ok(report)
}

/// The verdict in one sentence.
pub fn verdict(r: &Report) -> String {
    let share = 100.0 * r.overall.flat_share();
    if r.pays_off {
        format!("{share:.0}% of requests are flat (threshold {:.0}%): a RAG bot on the help center will pay off", FLAT_THRESHOLD * 100.0)
    } else {
        format!(
            "only {share:.0}% of requests are flat (threshold {:.0}%): a generative bot will not pay off yet; invest in scenarios for the needs-action topics",
            FLAT_THRESHOLD * 100.0
        )
    }
}

/// The terminal report.
pub fn terminal(r: &Report) -> String {
    let o = &r.overall;
    let mut out = String::new();
    out.push_str(&format!(
        "{} tickets: {:.0}% flat, {:.0}% needs-action, {:.0}% empty, {:.0}% other\n",
        o.tickets,
        o.pct(o.flat),
        o.pct(o.needs_action),
        o.pct(o.empty),
        o.pct(o.other)
    ));
    out.push_str(&format!("verdict: {}\n", verdict(r)));
    let span = match r.coverage.since.as_str() {
        "" => format!("all {} tickets (undated)", r.coverage.recent),
        since => format!("{} tickets since {since}", r.coverage.recent),
    };
    out.push_str(&format!(
        "coverage: {} of {span} ({:.0}%) ask a question a live article answers ({} live articles)\n\n",
        r.coverage.covered,
        100.0 * r.coverage.covered as f64 / r.coverage.recent.max(1) as f64,
        r.live_articles
    ));
    out.push_str(&format!("{:<40} {:>7} {:>6} {:>7} {:>6} {:>6}\n", "topic", "tickets", "flat", "action", "empty", "other"));
    for t in &r.topics {
        let s = &t.shares;
        out.push_str(&format!(
            "{:<40} {:>7} {:>5.0}% {:>6.0}% {:>5.0}% {:>5.0}%\n",
            one_line(&t.topic, 40),
            s.tickets,
            s.pct(s.flat),
            s.pct(s.needs_action),
            s.pct(s.empty),
            s.pct(s.other)
        ));
    }
    out.push_str("\ngaps: the largest flat clusters without a live article\n");
    for g in &r.gaps {
        let draft = g.draft.as_deref().map(|d| format!(" (draft `{d}` awaits review)")).unwrap_or_default();
        out.push_str(&format!("{:>5}  {} — “{}”{draft}\n", g.tickets, g.label, one_line(&g.example, 80)));
    }
    out.push_str(&bot_terminal(&r.bot));
    out
}

/// The "Bot" section in the terminal.
fn bot_terminal(b: &crate::feedback::stats::Bot) -> String {
    use crate::feedback::stats::Seven;
    let mut out = format!("\nbot: the last {} days (since {})\n", b.days, b.since);
    if b.overall.sent == 0 {
        out.push_str("no searches yet: the bot calls POST /api/search, and POST /api/feedback with its ratings\n");
        return out;
    }
    let header = format!("{:<32} {:>6} {:>8} {:>8} {:>8} {:>7} {:>6} {:>8} {:>8}\n", "", "sent", "answered", "not ans.", "correct", "edited", "wrong", "unrated", "ok/sent");
    let line = |name: &str, n: &Seven| {
        format!(
            "{:<32} {:>6} {:>8} {:>8} {:>7.0}% {:>6.0}% {:>5.0}% {:>7.0}% {:>7.0}%\n",
            one_line(name, 32),
            n.sent,
            n.answered,
            n.not_answered,
            n.pct(n.correct),
            n.pct(n.edited),
            n.pct(n.wrong),
            n.pct(n.unrated),
            n.correct_of_sent()
        )
    };
    out.push_str(&header);
    out.push_str(&line("all", &b.overall));
    out.push_str("by route\n");
    for g in &b.routes {
        out.push_str(&line(&g.name, &g.numbers));
    }
    out.push_str("by topic\n");
    for g in &b.topics {
        out.push_str(&line(&g.name, &g.numbers));
    }
    out.push_str("\narticles the bot answered wrongly from (wrong of rated)\n");
    for w in &b.worst {
        let query = w.queries.first().map(|q| format!(" — “{}”", one_line(q, 60))).unwrap_or_default();
        out.push_str(&format!("{:>3} of {:<3} /articles/{} {}{query}\n", w.wrong, w.rated, w.article_id, one_line(&w.title, 50)));
    }
    out.push_str(&format!("\ngaps from the bot's side: {} questions with no confident article\n", b.misses));
    for g in &b.gaps {
        let nearest = g.nearest.as_deref().map(|n| format!(" (closest: /articles/{n})")).unwrap_or_default();
        out.push_str(&format!("{:>5}  {} — “{}”{nearest}\n", g.searches, g.label, one_line(&g.example, 70)));
    }
    out.push_str(&format!("help-center votes (hints, not ratings): {} helpful, {} not\n", b.votes.yes, b.votes.no));
    out
}

const TEMPLATE: &str = include_str!("report.html");

/// The page's words in Russian or English (`[site] language`).
fn strings(r: &Report, lang: &str) -> serde_json::Value {
    let mut words = sentences(r, lang);
    // The four kinds of request, apart: one `json!` of everything is past the macro's recursion limit.
    let kinds = if lang == "en" {
        serde_json::json!({
            "k_flat": "flat", "k_action": "needs-action", "k_empty": "empty", "k_other": "other", "of_flat": "flat",
            "k_header": "flat / action / empty / other",
        })
    } else {
        serde_json::json!({
            "k_flat": "плоские", "k_action": "требуют действия", "k_empty": "пустые", "k_other": "прочие", "of_flat": "плоских",
            "k_header": "плоские / действие / пустые / прочие",
        })
    };
    if let (Some(all), serde_json::Value::Object(kinds)) = (words.as_object_mut(), kinds) {
        all.extend(kinds);
    }
    words
}

/// [`strings`] but the kinds of request.
fn sentences(r: &Report, lang: &str) -> serde_json::Value {
    let c = &r.coverage;
    let share = 100.0 * c.covered as f64 / c.recent.max(1) as f64;
    if lang == "en" {
        serde_json::json!({
            "title": "Support requests report", "tickets_with_pairs": "tickets with a question and an answer.",
            "h_share": "Share of flat questions", "threshold": "— bot threshold:", "h_coverage": "Coverage",
            "h_topics": "Tickets by topic", "h_trend": "Tickets per month, largest topics",
            "h_gaps": "Gaps: large flat questions without an article", "no_gaps": "No gaps: every large question has an article.",
            "topic": "topic", "tickets": "tickets", "about": "about", "example": "example question", "draft": "draft",
            "coverage": match c.since.as_str() {
                "" => format!("{} of all {} tickets (the export has no dates), {share:.0}%, ask a question a live article already answers ({} articles).", c.covered, c.recent, r.live_articles),
                since => format!("{} of {} tickets in the last {} days (since {since}), {share:.0}%, ask a question a live article already answers ({} articles).", c.covered, c.recent, c.days, r.live_articles),
            },
            "h_bot": "Bot", "bot_since": format!("Searches and operators' ratings of the last {} days (since {}).", r.bot.days, r.bot.since),
            "no_searches": "No searches yet: the bot calls POST /api/search, then POST /api/feedback with the operator's verdict.",
            "all": "all", "by_route": "by route", "by_topic": "by topic",
            "sent": "sent", "answered": "answered", "not_answered": "not answered", "correct": "correct", "edited": "edited", "wrong": "wrong", "unrated": "unrated", "correct_of_sent": "correct of sent",
            "h_worst": "Articles the bot answered wrongly from", "no_worst": "No answer was rated wrong.", "article": "article", "wrong_of_rated": "wrong of rated", "query": "latest wrong query",
            "h_bot_gaps": format!("Gaps from the bot's side: {} questions with no confident article", r.bot.misses), "no_bot_gaps": "None: every question had a confident article.",
            "searches": "searches", "closest": "closest article",
            "votes": format!("Help-center votes (a hint, not a rating): {} helpful, {} not.", r.bot.votes.yes, r.bot.votes.no),
        })
    } else {
        serde_json::json!({
            "title": "Отчёт по обращениям", "tickets_with_pairs": "обращений с вопросом и ответом.",
            "h_share": "Доля «плоских» вопросов", "threshold": "— порог для бота:", "h_coverage": "Покрытие",
            "h_topics": "Обращения по темам", "h_trend": "Динамика по месяцам, крупнейшие темы",
            "h_gaps": "Пробелы: крупные «плоские» вопросы без статьи", "no_gaps": "Пробелов нет: у каждого крупного вопроса есть статья.",
            "topic": "тема", "tickets": "обращений", "about": "о чём", "example": "пример вопроса", "draft": "черновик",
            "coverage": match c.since.as_str() {
                "" => format!("{} из всех {} обращений (в выгрузке нет дат), {share:.0}%, задают вопрос, на который уже отвечает опубликованная статья (статей: {}).", c.covered, c.recent, r.live_articles),
                since => format!("{} из {} обращений за {} дней (с {since}), {share:.0}%, задают вопрос, на который уже отвечает опубликованная статья (статей: {}).", c.covered, c.recent, c.days, r.live_articles),
            },
            "h_bot": "Бот", "bot_since": format!("Запросы к боту и оценки операторов за {} дней (с {}).", r.bot.days, r.bot.since),
            "no_searches": "Запросов пока нет: бот вызывает POST /api/search, затем POST /api/feedback с оценкой оператора.",
            "all": "всего", "by_route": "по маршрутам", "by_topic": "по темам",
            "sent": "отправлено боту", "answered": "ответил", "not_answered": "не ответил", "correct": "верно", "edited": "с правками", "wrong": "неверно", "unrated": "без оценки", "correct_of_sent": "верно от отправленных",
            "h_worst": "Статьи, по которым бот ошибался", "no_worst": "Ни один ответ не оценён как неверный.", "article": "статья", "wrong_of_rated": "неверно из оценённых", "query": "последний запрос с неверным ответом",
            "h_bot_gaps": format!("Пробелы со стороны бота: {} вопросов без уверенного ответа", r.bot.misses), "no_bot_gaps": "Нет: на каждый вопрос нашлась статья.",
            "searches": "запросов", "closest": "ближайшая статья",
            "votes": format!("Голоса в справочном центре (подсказка, не оценка): «помогло» {}, «не помогло» {}.", r.bot.votes.yes, r.bot.votes.no),
        })
    }
}

/// The verdict in the page's language.
fn verdict_in(r: &Report, lang: &str) -> String {
    if lang == "en" {
        return verdict(r);
    }
    let share = 100.0 * r.overall.flat_share();
    if r.pays_off {
        format!("{share:.0}% обращений — «плоские» вопросы (порог {:.0}%): RAG-бот на базе справочного центра окупится", FLAT_THRESHOLD * 100.0)
    } else {
        format!("«Плоских» вопросов только {share:.0}% (порог {:.0}%): генеративный бот пока не окупится, вкладывайтесь в сценарии для тем с ручными действиями", FLAT_THRESHOLD * 100.0)
    }
}

/// The "Bot" section's numbers as the page shows them.
fn bot_context(b: &crate::feedback::stats::Bot) -> serde_json::Value {
    let row = |name: &str, n: &crate::feedback::stats::Seven| {
        serde_json::json!({
            "name": name, "sent": n.sent, "answered": n.answered, "not_answered": n.not_answered,
            "correct": n.pct(n.correct), "edited": n.pct(n.edited), "wrong": n.pct(n.wrong), "unrated": n.pct(n.unrated),
            "correct_of_sent": n.correct_of_sent(),
        })
    };
    serde_json::json!({
        "sent": b.overall.sent,
        "overall": row("", &b.overall),
        "routes": b.routes.iter().map(|g| row(&g.name, &g.numbers)).collect::<Vec<_>>(),
        "topics": b.topics.iter().map(|g| row(&g.name, &g.numbers)).collect::<Vec<_>>(),
        "worst": b.worst,
        "gaps": b.gaps,
    })
}

/// The self-contained HTML page (autoescaped; charts are inline SVG), in `lang` (`ru` or `en`).
pub fn html(r: &Report, lang: &str) -> anyhow::Result<String> {
    let mut env = minijinja::Environment::new();
    env.add_template("report.html", TEMPLATE)?;
    let max_topic = r.topics.iter().map(|t| t.shares.tickets).max().unwrap_or(1).max(1);
    let topics: Vec<serde_json::Value> = r
        .topics
        .iter()
        .map(|t| {
            let s = &t.shares;
            serde_json::json!({
                "topic": t.topic, "tickets": s.tickets,
                "width": 100.0 * s.tickets as f64 / max_topic as f64,
                "flat": s.pct(s.flat), "action": s.pct(s.needs_action), "empty": s.pct(s.empty), "other": s.pct(s.other),
            })
        })
        .collect();
    // The trend as SVG polylines in a 600×200 box.
    let peak = r.trend.iter().flat_map(|(_, v)| v.iter().copied()).max().unwrap_or(1).max(1);
    let step = if r.months.len() > 1 { 560.0 / (r.months.len() - 1) as f64 } else { 0.0 };
    let palette = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#6b7280"];
    let lines: Vec<serde_json::Value> = r
        .trend
        .iter()
        .enumerate()
        .map(|(i, (topic, counts))| {
            let points: Vec<String> = counts
                .iter()
                .enumerate()
                .map(|(m, n)| format!("{:.1},{:.1}", 30.0 + m as f64 * step, 185.0 - 170.0 * *n as f64 / peak as f64))
                .collect();
            serde_json::json!({"topic": topic, "points": points.join(" "), "color": palette[i % palette.len()], "total": counts.iter().sum::<usize>()})
        })
        .collect();
    let months: Vec<serde_json::Value> = r
        .months
        .iter()
        .enumerate()
        .map(|(m, name)| serde_json::json!({"x": 30.0 + m as f64 * step, "name": name}))
        .collect();
    let o = &r.overall;
    let ctx = serde_json::json!({
        "overall": {"tickets": o.tickets, "flat": o.pct(o.flat), "action": o.pct(o.needs_action), "empty": o.pct(o.empty), "other": o.pct(o.other)},
        "threshold": FLAT_THRESHOLD * 100.0,
        "pays_off": r.pays_off,
        "verdict": verdict_in(r, lang),
        "lang": if lang == "en" { "en" } else { "ru" },
        "t": strings(r, lang),
        "topics": topics,
        "lines": lines,
        "months": months,
        "peak": peak,
        "gaps": r.gaps,
        "coverage": {
            "recent": r.coverage.recent, "covered": r.coverage.covered, "since": r.coverage.since, "days": r.coverage.days,
            "share": 100.0 * r.coverage.covered as f64 / r.coverage.recent.max(1) as f64,
        },
        "live_articles": r.live_articles,
        "bot": bot_context(&r.bot),
    });
    Ok(env.get_template("report.html")?.render(minijinja::Value::from(minijinja::value::Serde(&ctx)))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_escapes_ticket_text() {
        let evil = "<script>alert(1)</script>";
        let shares = Shares { tickets: 10, flat: 1, needs_action: 9, empty: 0, other: 0 };
        let r = Report {
            overall: shares.clone(),
            pays_off: false,
            topics: vec![TopicRow { topic: evil.into(), shares }],
            months: vec!["2025-05".into()],
            trend: vec![(evil.into(), vec![10])],
            gaps: vec![Gap { cluster: "c".into(), label: evil.into(), topic: evil.into(), tickets: 3, example: evil.into(), draft: None }],
            coverage: Coverage { days: 30, since: "2025-04-01".into(), recent: 10, covered: 0 },
            live_articles: 0,
            bot: Default::default(),
        };
        for lang in ["ru", "en"] {
            let page = html(&r, lang).unwrap();
            assert!(!page.contains("<script"), "{page}");
            assert!(page.contains("&lt;script&gt;"));
        }
        assert!(verdict(&r).contains("will not pay off"));
        assert!(html(&r, "en").unwrap().contains("Share of flat questions"));
        // The kinds of request in the page's language, in the legend and in each topic's row.
        let ru = html(&r, "ru").unwrap();
        assert!(ru.contains("требуют действия 90%") && ru.contains("10% плоских") && ru.contains("действие"), "{ru}");
        assert!(!ru.contains("needs-action") && !ru.contains("% flat"), "{ru}");
        let en = html(&r, "en").unwrap();
        assert!(en.contains("needs-action 90%") && en.contains("10% flat"), "{en}");
    }
}
