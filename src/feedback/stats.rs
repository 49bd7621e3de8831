//! The source deck's seven numbers, from the stored searches and ratings: tickets **sent** to the
//! bot, **answered**, **not answered**, % **correct**, % **wrong**, % **unrated** (the control: shown
//! and not rated) and % **correct of those sent**; with % **edited** (sent after changes) beside
//! them, so the four shares of the answered add up to 100.
//!
//! The unit is one item: a search with its latest rating, or a rating that came without a search.
//! An item is answered when its route was `answer` or `suggest` (the bot gave a reply, to the
//! customer or to the operator); `clarify` and `handoff` are not answered. A rating without a
//! search counts as answered (something was rated) under the route it names, `answer` if none.
//! **Accuracy**, which learned routing uses, is correct ÷ rated (correct + edited + wrong): an
//! edited answer was not good enough to send as is.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::Rating;
use crate::kb::Article;
use crate::store::Store;

/// Articles listed by wrong answers.
const WORST: usize = 10;
/// Bot-side gaps listed.
const GAPS: usize = 10;
/// Example queries kept per article or gap.
const EXAMPLES: usize = 5;
/// Topic of an item with none.
pub const NO_TOPIC: &str = "(без темы)";

/// The seven numbers (and edited) of a set of items.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Seven {
    pub sent: usize,
    pub answered: usize,
    pub not_answered: usize,
    pub correct: usize,
    pub edited: usize,
    pub wrong: usize,
    /// Answered and not rated (or rated `unrated`).
    pub unrated: usize,
}

impl Seven {
    fn add(&mut self, answered: bool, rating: Option<Rating>) {
        self.sent += 1;
        if !answered {
            self.not_answered += 1;
            return;
        }
        self.answered += 1;
        match rating {
            Some(Rating::Correct) => self.correct += 1,
            Some(Rating::Edited) => self.edited += 1,
            Some(Rating::Wrong) => self.wrong += 1,
            Some(Rating::Unrated) | None => self.unrated += 1,
        }
    }

    /// `n` as a percentage of the answered.
    pub fn pct(&self, n: usize) -> f64 {
        100.0 * n as f64 / self.answered.max(1) as f64
    }

    /// % correct of those sent.
    pub fn correct_of_sent(&self) -> f64 {
        100.0 * self.correct as f64 / self.sent.max(1) as f64
    }

    /// Answers an operator rated correct, edited or wrong.
    pub fn rated(&self) -> usize {
        self.correct + self.edited + self.wrong
    }

    /// Correct ÷ rated, when anything was rated.
    pub fn accuracy(&self) -> Option<f64> {
        (self.rated() > 0).then(|| self.correct as f64 / self.rated() as f64)
    }
}

/// The seven numbers of one topic or route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    pub numbers: Seven,
}

/// An article the bot answered wrongly from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorstArticle {
    pub article_id: String,
    /// Its title, `""` when it is no longer in the knowledge base.
    pub title: String,
    pub status: String,
    pub wrong: usize,
    pub rated: usize,
    pub accuracy: f64,
    /// The latest queries it was a wrong answer to (redacted).
    pub queries: Vec<String>,
}

/// Questions the bot had no confident article for, grouped by the pipeline's clustering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BotGap {
    pub searches: usize,
    pub label: String,
    pub example: String,
    pub queries: Vec<String>,
    /// The article most of them came closest to, if any: where an editor would start.
    pub nearest: Option<String>,
    pub nearest_title: String,
}

/// The help center's votes on one article: hints, not ratings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Votes {
    pub yes: usize,
    pub no: usize,
}

impl Votes {
    /// The votes whose row matches `filter` (one `$1` condition bound to `value`).
    async fn count(store: &Store, filter: &str, value: &str) -> Result<Votes, sqlx::Error> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(&format!("SELECT helpful, COUNT(*) FROM votes WHERE {filter} GROUP BY helpful"))
            .bind(value)
            .fetch_all(store.pool())
            .await?;
        let of = |yes: bool| rows.iter().filter(|(h, _)| (*h != 0) == yes).map(|(_, n)| *n as usize).sum();
        Ok(Votes { yes: of(true), no: of(false) })
    }
}

/// The "Bot" section of the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Bot {
    pub days: i64,
    /// The first day counted.
    pub since: String,
    pub overall: Seven,
    pub topics: Vec<Group>,
    pub routes: Vec<Group>,
    pub worst: Vec<WorstArticle>,
    /// Searches that were questions with no confident article.
    pub misses: usize,
    pub gaps: Vec<BotGap>,
    pub votes: Votes,
}

/// One item: a search with its latest rating, or a rating without a search.
#[derive(Debug, Clone)]
struct Item {
    query: String,
    route: String,
    topic: String,
    article_id: String,
    rating: Option<Rating>,
}

impl Item {
    fn answered(&self) -> bool {
        matches!(self.route.as_str(), "answer" | "suggest")
    }
}

fn since(days: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Every item since `since` (an RFC 3339 time), topics filled from the articles where the bot's
/// record has none.
async fn items(store: &Store, since: &str, articles: &[Article]) -> anyhow::Result<Vec<Item>> {
    let searches: Vec<(String, String, String, String, String)> =
        sqlx::query_as("SELECT id, query, route, topic, article_id FROM searches WHERE created_at >= $1 ORDER BY created_at, id")
            .bind(since)
            .fetch_all(store.pool())
            .await?;
    let ratings: Vec<(String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT search_id, query, article_id, route, topic, rating FROM feedback WHERE created_at >= $1 ORDER BY id",
    )
    .bind(since)
    .fetch_all(store.pool())
    .await?;
    let topic_of: HashMap<&str, &str> = articles.iter().map(|a| (a.front.id.as_str(), a.front.topic.as_str())).collect();
    let mut out: Vec<Item> = Vec::with_capacity(searches.len());
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (id, query, route, topic, article_id) in searches {
        by_id.insert(id, out.len());
        out.push(Item { query, route, topic, article_id, rating: None });
    }
    for (search_id, query, article_id, route, topic, rating) in ratings {
        let rating = Rating::parse(&rating);
        match by_id.get(&search_id) {
            Some(&i) => {
                let item = &mut out[i];
                item.rating = rating;
                if !article_id.is_empty() {
                    item.article_id = article_id;
                }
                if !route.is_empty() {
                    item.route = route;
                }
                if !topic.is_empty() {
                    item.topic = topic;
                }
            }
            None => {
                let route = if route.is_empty() { "answer".to_string() } else { route };
                out.push(Item { query, route, topic, article_id, rating });
            }
        }
    }
    for item in &mut out {
        if item.topic.is_empty() {
            item.topic = topic_of.get(item.article_id.as_str()).filter(|t| !t.is_empty()).map_or(NO_TOPIC, |t| t).to_string();
        }
    }
    Ok(out)
}

/// The seven numbers of the last `days` days, per topic: what learned routing reads.
pub async fn by_topic(store: &Store, articles: &[Article], days: i64) -> anyhow::Result<Vec<Group>> {
    let items = items(store, &since(days), articles).await?;
    Ok(groups(&items, |i| i.topic.clone()))
}

fn groups(items: &[Item], key: impl Fn(&Item) -> String) -> Vec<Group> {
    let mut map: BTreeMap<String, Seven> = BTreeMap::new();
    for item in items {
        map.entry(key(item)).or_default().add(item.answered(), item.rating);
    }
    let mut out: Vec<Group> = map.into_iter().map(|(name, numbers)| Group { name, numbers }).collect();
    out.sort_by(|a, b| b.numbers.sent.cmp(&a.numbers.sent).then(a.name.cmp(&b.name)));
    out
}

/// How the bot's misses are grouped into gaps: the pipeline's average linkage, cut where the
/// router answers: two questions are one gap when they are, on average, as alike as a query must
/// be to an article for the bot to answer it from that article (`[routing] answer-similarity`).
/// No threshold of its own, and no centring: the graph and pairs methods centre the vectors on
/// their own mean, which a handful of misses does not estimate (five misses in two themes came out
/// mixed). Above `[cluster] exact-limit` misses, leader clustering at the same cut.
pub fn gap_clustering(cluster: &crate::cluster::ClusterConfig, answer_similarity: f32) -> crate::cluster::ClusterConfig {
    crate::cluster::ClusterConfig { method: crate::cluster::Method::AverageLinkage, threshold: answer_similarity, ..cluster.clone() }
}

/// The "Bot" section over the last `days` days; `cluster` groups the misses into gaps (see
/// [`gap_clustering`]).
pub async fn build(store: &Store, articles: &[Article], cluster: &crate::cluster::ClusterConfig, days: i64) -> anyhow::Result<Bot> {
    let since = since(days);
    let items = items(store, &since, articles).await?;
    let mut overall = Seven::default();
    for item in &items {
        overall.add(item.answered(), item.rating);
    }
    let topics = groups(&items, |i| i.topic.clone());
    let mut routes = groups(&items, |i| i.route.clone());
    let order = |r: &str| ["answer", "suggest", "clarify", "handoff"].iter().position(|x| *x == r).unwrap_or(4);
    routes.sort_by_key(|g| order(&g.name));

    let article = |id: &str| articles.iter().find(|a| a.front.id == id);
    let mut per_article: BTreeMap<&str, (Seven, Vec<&str>)> = BTreeMap::new();
    for item in items.iter().filter(|i| i.answered() && !i.article_id.is_empty()) {
        let entry = per_article.entry(item.article_id.as_str()).or_default();
        entry.0.add(true, item.rating);
        if item.rating == Some(Rating::Wrong) {
            entry.1.push(item.query.as_str());
        }
    }
    let mut worst: Vec<WorstArticle> = per_article
        .into_iter()
        .filter(|(_, (n, _))| n.wrong > 0)
        .map(|(id, (n, queries))| WorstArticle {
            article_id: id.to_string(),
            title: article(id).map(|a| a.front.title.clone()).unwrap_or_default(),
            status: article(id).map(|a| a.front.status.as_str().to_string()).unwrap_or_default(),
            wrong: n.wrong,
            rated: n.rated(),
            accuracy: n.accuracy().unwrap_or(0.0),
            queries: queries.iter().rev().take(EXAMPLES).map(|q| q.to_string()).collect(),
        })
        .collect();
    worst.sort_by(|a, b| b.wrong.cmp(&a.wrong).then(a.accuracy.total_cmp(&b.accuracy)).then(a.article_id.cmp(&b.article_id)));
    worst.truncate(WORST);

    let (misses, gaps) = gaps(store, &since, articles, cluster).await?;
    let votes = Votes::count(store, "created_at >= $1", &since).await?;
    Ok(Bot { days, since: since.get(..10).unwrap_or("").to_string(), overall, topics, routes, worst, misses, gaps, votes })
}

/// The misses since `since`, clustered: the questions customers asked that no article answers
/// confidently, largest group first.
async fn gaps(store: &Store, since: &str, articles: &[Article], cluster: &crate::cluster::ClusterConfig) -> anyhow::Result<(usize, Vec<BotGap>)> {
    let rows: Vec<(String, String, Vec<u8>)> =
        sqlx::query_as("SELECT query, article_id, vector FROM searches WHERE miss = 1 AND created_at >= $1 ORDER BY created_at, id")
            .bind(since)
            .fetch_all(store.pool())
            .await?;
    let misses = rows.len();
    let rows: Vec<(String, String, Vec<f32>)> = rows
        .into_iter()
        .map(|(q, a, v)| (q, a, crate::store::vector_from_bytes(&v)))
        .filter(|(_, _, v)| !v.is_empty())
        .collect();
    if rows.is_empty() {
        return Ok((misses, Vec::new()));
    }
    let dim = rows[0].2.len();
    let rows: Vec<_> = rows.into_iter().filter(|r| r.2.len() == dim).collect();
    let vectors: Vec<Vec<f32>> = rows.iter().map(|r| r.2.clone()).collect();
    let texts: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let labels = if rows.len() == 1 { vec![0] } else { crate::cluster::cluster_texts(&vectors, &texts, cluster) };
    let k = labels.iter().copied().max().map_or(0, |m| m + 1);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (i, &l) in labels.iter().enumerate() {
        members[l].push(i);
    }
    members.sort_by(|a, b| b.len().cmp(&a.len()).then(a.first().cmp(&b.first())));
    members.truncate(GAPS);
    let names = crate::cluster::label::labels(&members.iter().map(|m| m.iter().map(|&i| texts[i]).collect()).collect::<Vec<_>>());
    let gaps = members
        .iter()
        .zip(names)
        .map(|(m, label)| {
            let nearest = crate::cluster::majority(m.iter().map(|&i| rows[i].1.clone()).filter(|a| !a.is_empty()));
            let nearest_title = nearest
                .as_deref()
                .and_then(|id| articles.iter().find(|a| a.front.id == id))
                .map(|a| a.front.title.clone())
                .unwrap_or_default();
            // The member closest to the group's mean stands for it.
            let centre = crate::cluster::centroids(&m.iter().map(|&i| vectors[i].clone()).collect::<Vec<_>>(), &vec![0; m.len()], 1).remove(0);
            let example = m
                .iter()
                .max_by(|&&a, &&b| crate::vector::dot(&vectors[a], &centre).total_cmp(&crate::vector::dot(&vectors[b], &centre)))
                .map(|&i| texts[i].to_string())
                .unwrap_or_default();
            BotGap {
                searches: m.len(),
                label,
                example,
                queries: m.iter().rev().take(EXAMPLES).map(|&i| texts[i].to_string()).collect(),
                nearest,
                nearest_title,
            }
        })
        .collect();
    Ok((misses, gaps))
}

/// What the bot's record says about one article: for its page in the review app.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleRatings {
    pub correct: usize,
    pub edited: usize,
    pub wrong: usize,
    pub unrated: usize,
    /// The latest queries it was a wrong answer to.
    pub wrong_queries: Vec<String>,
    pub votes: Votes,
}

impl ArticleRatings {
    pub fn is_empty(&self) -> bool {
        self.correct + self.edited + self.wrong + self.unrated + self.votes.yes + self.votes.no == 0
    }
}

/// The ratings of answers from `article_id` (a rating names the article, or its search's top hit
/// was the article) and the help center's votes on it, over the retention period.
pub async fn article(store: &Store, article_id: &str) -> anyhow::Result<ArticleRatings> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT f.search_id, f.rating, f.query FROM feedback f LEFT JOIN searches s ON s.id = f.search_id
         WHERE f.article_id = $1 OR (f.article_id = '' AND s.article_id = $1) ORDER BY f.id DESC LIMIT 5000",
    )
    .bind(article_id)
    .fetch_all(store.pool())
    .await?;
    let mut out = ArticleRatings::default();
    let mut seen = std::collections::HashSet::new();
    // Newest first: a search's latest rating counts, earlier ones for it do not.
    for (search_id, rating, query) in rows {
        if !search_id.is_empty() && !seen.insert(search_id) {
            continue;
        }
        match Rating::parse(&rating) {
            Some(Rating::Correct) => out.correct += 1,
            Some(Rating::Edited) => out.edited += 1,
            Some(Rating::Wrong) => {
                out.wrong += 1;
                if out.wrong_queries.len() < 2 * EXAMPLES {
                    out.wrong_queries.push(query);
                }
            }
            _ => out.unrated += 1,
        }
    }
    out.votes = Votes::count(store, "article_id = $1", article_id).await?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seven_numbers_add_up() {
        let mut s = Seven::default();
        for (answered, rating) in [
            (true, Some(Rating::Correct)),
            (true, Some(Rating::Correct)),
            (true, Some(Rating::Wrong)),
            (true, Some(Rating::Edited)),
            (true, None),
            (false, None),
            (false, Some(Rating::Wrong)),
        ] {
            s.add(answered, rating);
        }
        assert_eq!((s.sent, s.answered, s.not_answered), (7, 5, 2));
        assert_eq!((s.correct, s.edited, s.wrong, s.unrated), (2, 1, 1, 1));
        assert_eq!(s.pct(s.correct) + s.pct(s.edited) + s.pct(s.wrong) + s.pct(s.unrated), 100.0);
        assert!((s.correct_of_sent() - 200.0 / 7.0).abs() < 1e-9);
        assert_eq!(s.accuracy(), Some(0.5));
    }
}
