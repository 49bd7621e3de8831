//! Routing: with every search result, what the bot should do with the question. The source
//! deck's main lesson: a bot that answers what it should not hurts customers.
//!
//! Entry point: [`decide`]. Signals, in order:
//! 1. **the query's own class**, by the classify stage's signal that needs no reply: an empty
//!    request ("Здравствуйте", "помогите", "у меня вопрос") → `clarify`; so does a message that
//!    does not name what it is about ([`crate::lexical::names_nothing`]: «Как это сделать?», "Can
//!    you help?"), a follow-up whose subject was in a message the bot never saw;
//! 2. **the nearest cluster's class** ([`Clusters::nearest`]: the cluster of the desk's past
//!    ticket nearest the query): when the query is as close to that ticket as
//!    `[routing] cluster-similarity`, the cluster's class speaks for the
//!    query: a needs-action cluster (staff had to do something by hand) → `handoff`, an empty one
//!    → `clarify`;
//! 3. **the top hit's closeness**: `answer` when its `similarity` (the cosine to the article's
//!    closest question or passage) reaches `[routing] answer-similarity`, else `handoff`: nothing
//!    confident, so a person answers;
//! 4. **the topic's learned route** (`[routing.topics]`, written by `kbforge routing apply` from
//!    operators' ratings, [`learned`]): an `answer` in a topic the bot is not yet trusted with
//!    becomes `suggest` (a reply for an operator to check) or `handoff`. A learned route only ever
//!    holds the bot back; it never makes it answer what steps 1–3 would not.

pub mod learned;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::kind::Kind;
use crate::publish::index::Hit;
use crate::store::Store;

/// `[routing]`
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RoutingConfig {
    /// Least cosine between the query and the top article's closest question or passage for the
    /// bot to answer. Default: 0.88.
    pub answer_similarity: f32,
    /// Least cosine between the query and a cluster's nearest question for the cluster's class to
    /// decide. Default: 0.9.
    pub cluster_similarity: f32,
    /// Least share of correct answers among a topic's rated answers for `kbforge routing suggest`
    /// to let the bot answer it alone. Default: 0.8.
    pub min_accuracy: f64,
    /// Least rated answers in a topic before its accuracy decides anything; below, the topic stays
    /// with the copilot (`suggest`). Default: 30.
    pub min_ratings: usize,
    /// Learned routes per topic, written by `kbforge routing apply` (or by hand). A topic not
    /// listed is routed by steps 1–3 alone. Default: none.
    pub topics: BTreeMap<String, Route>,
}

impl Default for RoutingConfig {
    fn default() -> Self {
        RoutingConfig { answer_similarity: 0.88, cluster_similarity: 0.9, min_accuracy: 0.8, min_ratings: 30, topics: BTreeMap::new() }
    }
}

/// What the bot should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Route {
    /// A flat question with a confident hit: the bot answers from it.
    Answer,
    /// The bot drafts a reply for an operator to check and send (copilot only): its topic has not
    /// earned `answer` yet.
    Suggest,
    /// No question yet: ask what the customer needs.
    Clarify,
    /// Needs a person: an action in the admin panel or CRM, or nothing confident to answer from.
    Handoff,
}

impl Route {
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Answer => "answer",
            Route::Suggest => "suggest",
            Route::Clarify => "clarify",
            Route::Handoff => "handoff",
        }
    }
}

/// The cluster nearest a query.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearestCluster {
    pub id: String,
    pub class: String,
    pub topic: String,
    pub similarity: f32,
}

/// The routing hint of one search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// The query's own class: `empty`, or `question`.
    pub class: &'static str,
    pub cluster: Option<NearestCluster>,
    /// The top hit's topic, else the cluster's.
    pub topic: String,
    pub route: Route,
    /// The signal that decided, for logs and the report.
    pub reason: String,
    /// A question with no confident article: a gap from the bot's side.
    #[serde(skip)]
    pub miss: bool,
}

impl Decision {
    /// The search response `/api/search` sends and `kbforge search --json` prints: the query, its
    /// hits, and this routing hint.
    pub fn response(&self, query: &str, audience: crate::kb::Audience, hits: &[Hit]) -> serde_json::Value {
        serde_json::json!({
            "query": query,
            "audience": audience,
            "hits": hits,
            "class": self.class,
            "cluster": self.cluster,
            "topic": self.topic,
            "route": self.route,
            "reason": self.reason,
        })
    }
}

/// The most members of one cluster [`Clusters`] keeps: a bound on the server's memory and each
/// query's scan. A generated desk of 100,000 tickets has 99,917 members in 789 clusters: 2.7 s to
/// load, 600 MB, 16 ms a query; kept to 32 a cluster, 12,861: 1.0 s, 190 MB, 2 ms. A cluster's
/// tickets beyond a few dozen repeat one another's phrasings; the bound is a cost, not a tuned
/// setting.
pub const MEMBERS_KEPT: usize = 32;

/// The desk's clusters with their classes and their members' question vectors, for
/// [`Clusters::nearest`].
#[derive(Debug, Default, Clone)]
pub struct Clusters {
    ids: Vec<String>,
    kinds: Vec<String>,
    topics: Vec<String>,
    /// Every member's question vector, `dim` floats each, its ticket and the index of its cluster.
    members: Vec<f32>,
    tickets: Vec<String>,
    cluster_of: Vec<usize>,
    dim: usize,
}

impl Clusters {
    /// Every cluster of two or more tickets, with its members' question vectors (the cluster
    /// stage cached them; one it did not is embedded now). A cluster of more than
    /// [`MEMBERS_KEPT`] keeps that many, evenly spaced along their similarity to its centroid, so
    /// its core and its edge both speak.
    pub async fn load(store: &Store, embedder: &crate::embed::Embedder) -> anyhow::Result<Clusters> {
        let sql = format!(
            "SELECT id, kind, topic, question, ticket_id FROM (\
               SELECT c.id, c.kind, c.topic, q.question, m.ticket_id, \
                      ROW_NUMBER() OVER (PARTITION BY c.id ORDER BY m.similarity, m.ticket_id) AS r, \
                      COUNT(*) OVER (PARTITION BY c.id) AS n \
               FROM clusters c JOIN cluster_members m ON m.cluster_id = c.id JOIN qa_pairs q ON q.ticket_id = m.ticket_id \
               WHERE c.size >= 2 AND q.question <> '') ranked \
             WHERE n <= {MEMBERS_KEPT} OR (r - 1) % ((n + {MEMBERS_KEPT} - 1) / {MEMBERS_KEPT}) = 0 \
             ORDER BY id, ticket_id"
        );
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(&sql).fetch_all(store.pool()).await?;
        let texts: Vec<String> = rows.iter().map(|r| embedder.question_text(&r.3)).collect();
        let (vectors, _) = crate::embed::embed_cached(store, embedder, &texts).await?;
        let mut c = Clusters::default();
        for ((id, kind, topic, _, ticket), v) in rows.into_iter().zip(vectors) {
            if v.is_empty() || (c.dim != 0 && v.len() != c.dim) {
                continue;
            }
            c.dim = v.len();
            if c.ids.last() != Some(&id) {
                c.ids.push(id);
                c.kinds.push(kind);
                c.topics.push(topic);
            }
            c.cluster_of.push(c.ids.len() - 1);
            c.tickets.push(ticket);
            c.members.extend(v);
        }
        Ok(c)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The cluster of the member question most similar to `query` (a unit vector), with that
    /// cosine: a cluster is as close as its closest ticket, as an article is as close as its
    /// closest question (the hit's `similarity`), so the two compare like with like. A broad
    /// cluster's centroid sits far from the phrasings at its edge, and a tight one of four tickets
    /// would win a query that one of the broad cluster's tickets asks word for word.
    pub fn nearest(&self, query: &[f32]) -> Option<NearestCluster> {
        self.nearest_skipping(query, None)
    }

    /// [`Clusters::nearest`], not counting the ticket `asked` (its id as the source gave it, under
    /// any source's prefix): `kbforge eval route` may ask the desk's own tickets, and each would
    /// find itself.
    pub fn nearest_skipping(&self, query: &[f32], asked: Option<&str>) -> Option<NearestCluster> {
        if self.dim == 0 || query.len() != self.dim {
            return None;
        }
        let itself = |t: &str| asked.is_some_and(|a| t == a || t.strip_suffix(a).is_some_and(|p| p.ends_with(':')));
        let (i, similarity) = self
            .members
            .chunks(self.dim)
            .enumerate()
            .filter(|(i, _)| !itself(&self.tickets[*i]))
            .map(|(i, m)| (i, crate::vector::dot_wide(m, query)))
            .fold((usize::MAX, f32::MIN), |best, (i, s)| if s > best.1 { (i, s) } else { best });
        if i == usize::MAX {
            return None;
        }
        let k = self.cluster_of[i];
        Some(NearestCluster { id: self.ids[k].clone(), class: self.kinds[k].clone(), topic: self.topics[k].clone(), similarity })
    }
}

/// Decides the route of a cleaned query (see the module's steps).
pub fn decide(config: &RoutingConfig, cleaned: &str, top: Option<&Hit>, cluster: Option<NearestCluster>) -> Decision {
    let class = if crate::clean::is_empty_request(cleaned) { "empty" } else { "question" };
    let topic = top.map(|h| h.topic.clone()).filter(|t| !t.is_empty()).or_else(|| cluster.as_ref().map(|c| c.topic.clone())).unwrap_or_default();
    let decided = |route: Route, reason: String| (route, reason);
    let close = cluster.as_ref().filter(|c| c.similarity >= config.cluster_similarity);
    let mut miss = false;
    let (route, reason) = if class == "empty" {
        decided(Route::Clarify, "no question in the message".into())
    } else if crate::lexical::names_nothing(cleaned) {
        // «Как это сделать?», "Can you help?": a follow-up whose subject was in another message.
        decided(Route::Clarify, "the message does not name what it is about".into())
    } else if let Some(c) = close.filter(|c| c.class == Kind::NeedsAction.as_str()) {
        decided(Route::Handoff, format!("like cluster {} ({:.2}), which needs an action by staff", c.id, c.similarity))
    } else if let Some(c) = close.filter(|c| c.class == Kind::Empty.as_str()) {
        decided(Route::Clarify, format!("like cluster {} ({:.2}) of requests without a question", c.id, c.similarity))
    } else {
        match top {
            Some(h) if h.similarity >= config.answer_similarity => decided(Route::Answer, format!("{} answers it ({:.2})", h.article_id, h.similarity)),
            Some(h) => {
                miss = true;
                decided(Route::Handoff, format!("no confident article (best {}, {:.2})", h.article_id, h.similarity))
            }
            None => {
                miss = true;
                decided(Route::Handoff, "no article found".into())
            }
        }
    };
    let (route, reason) = match (route, config.topics.get(&topic)) {
        (Route::Answer, Some(&learned @ (Route::Suggest | Route::Handoff))) => {
            (learned, format!("{reason}; topic «{topic}» is routed to {} by its ratings", learned.as_str()))
        }
        other => (other.0, reason),
    };
    Decision { class, cluster, topic, route, reason, miss }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(similarity: f32) -> Hit {
        Hit {
            article_id: "balans".into(),
            title: "Как проверить баланс?".into(),
            url: String::new(),
            score: 1.0,
            similarity,
            snippet: String::new(),
            heading_path: vec![],
            topic: "баланс".into(),
            audience: "public".into(),
            language: "ru".into(),
        }
    }

    fn cluster(class: &str, similarity: f32) -> Option<NearestCluster> {
        Some(NearestCluster { id: "c-1".into(), class: class.into(), topic: "возврат".into(), similarity })
    }

    #[test]
    fn each_class_gets_its_route() {
        let c = RoutingConfig::default();
        assert_eq!(decide(&c, "Здравствуйте", Some(&hit(0.95)), None).route, Route::Clarify);
        assert_eq!(decide(&c, "Как проверить баланс?", Some(&hit(0.93)), cluster("flat", 0.95)).route, Route::Answer);
        assert_eq!(decide(&c, "Верните деньги за заказ", Some(&hit(0.93)), cluster("needs-action", 0.95)).route, Route::Handoff);
        assert_eq!(decide(&c, "Как проверить баланс?", Some(&hit(0.7)), None).route, Route::Handoff);
        assert_eq!(decide(&c, "Как проверить баланс?", None, None).route, Route::Handoff);
        // A needs-action cluster far away does not decide.
        let d = decide(&c, "Как проверить баланс?", Some(&hit(0.93)), cluster("needs-action", 0.5));
        assert_eq!((d.route, d.topic.as_str()), (Route::Answer, "баланс"));
        assert!(decide(&c, "Как проверить баланс?", Some(&hit(0.7)), None).miss);
        assert!(!d.miss);
    }

    #[test]
    fn a_cluster_is_as_near_as_its_nearest_ticket() {
        let unit = |v: [f32; 3]| {
            let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            v.map(|x| x / n)
        };
        // A broad flat cluster (two phrasings far apart) and a tight needs-action one. The query
        // is one of the flat cluster's tickets nearly word for word; the tight cluster's centroid
        // is nearer it than the broad one's (0.94 against 0.70), its ticket is not.
        let members = [("flat", "jsonl:1", [1.0, 0.0, 0.0]), ("flat", "jsonl:2", [0.0, 1.0, 0.0]), ("needs", "jsonl:3", [0.0, 0.9, 0.44]), ("needs", "jsonl:4", [0.0, 0.9, 0.45])];
        let mut c = Clusters { dim: 3, ..Clusters::default() };
        for (id, ticket, v) in members {
            if c.ids.last().map(String::as_str) != Some(id) {
                c.ids.push(id.into());
                c.kinds.push(if id == "flat" { "flat" } else { "needs-action" }.into());
                c.topics.push(String::new());
            }
            c.cluster_of.push(c.ids.len() - 1);
            c.tickets.push(ticket.into());
            c.members.extend(unit(v));
        }
        let q = unit([0.0, 1.0, 0.1]);
        let near = c.nearest(&q).unwrap();
        assert!(near.class == "flat" && near.similarity > 0.99, "{near:?}");
        // Asked by the ticket itself (`eval route`), the ticket is not counted.
        assert_eq!(c.nearest_skipping(&q, Some("2")).unwrap().class, "needs-action");
        assert_eq!(c.nearest_skipping(&q, Some("12")).unwrap().class, "flat");
        assert!(Clusters::default().nearest(&q).is_none());
    }

    #[test]
    fn a_follow_up_that_names_nothing_gets_a_clarifying_question() {
        let c = RoutingConfig::default();
        // However close an article's phrasing: «Как это сделать?» matches any such follow-up.
        for q in ["Как это сделать?", "Это нормально?", "Где его найти?", "Can you help, please?", "Is it a bug?", "What can I do?"] {
            let d = decide(&c, q, Some(&hit(1.0)), None);
            assert_eq!(d.route, Route::Clarify, "{q}: {}", d.reason);
        }
        // One word that names the thing is a question still, and so is one with a pronoun beside
        // what it names.
        for q in ["Рассрочка есть?", "Как сбросить пароль, если я его забыл?", "How do I reset it if I forgot my password?"] {
            assert_eq!(decide(&c, q, Some(&hit(0.93)), None).route, Route::Answer, "{q}");
        }
    }

    #[test]
    fn a_learned_route_only_holds_the_bot_back() {
        let mut c = RoutingConfig::default();
        c.topics.insert("баланс".into(), Route::Suggest);
        let d = decide(&c, "Как проверить баланс?", Some(&hit(0.93)), None);
        assert_eq!(d.route, Route::Suggest, "{}", d.reason);
        assert!(d.reason.contains("баланс"), "{}", d.reason);
        c.topics.insert("баланс".into(), Route::Handoff);
        assert_eq!(decide(&c, "Как проверить баланс?", Some(&hit(0.93)), None).route, Route::Handoff);
        // Not confident stays a handoff, a greeting stays a clarifying question, whatever the topic learned.
        c.topics.insert("баланс".into(), Route::Answer);
        assert_eq!(decide(&c, "Как проверить баланс?", Some(&hit(0.7)), None).route, Route::Handoff);
        assert_eq!(decide(&c, "Здравствуйте", Some(&hit(0.95)), None).route, Route::Clarify);
    }
}
