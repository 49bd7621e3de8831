//! Routing: with every search result, what the bot should do with the question. The source
//! deck's main lesson: a bot that answers what it should not hurts customers.
//!
//! Entry point: [`decide`]. Signals, in order:
//! 1. **the query's own class**, by the classify stage's signal that needs no reply: an empty
//!    request ("Здравствуйте", "помогите", "у меня вопрос") → `clarify`; so does a message that
//!    does not name what it is about ([`crate::lexical::names_nothing`]: «Как это сделать?», "Can
//!    you help?"), a follow-up whose subject was in a message the bot never saw;
//! 2. **the nearest cluster's class** ([`Clusters::nearest`], the desk's past tickets): when the
//!    query is as close to a cluster as `[routing] cluster-similarity`, its class speaks for the
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
    /// Least cosine between the query and a cluster's centroid for the cluster's class to decide.
    /// Default: 0.9.
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

/// The desk's clusters with their classes and centroids, for [`Clusters::nearest`].
#[derive(Debug, Default, Clone)]
pub struct Clusters {
    ids: Vec<String>,
    kinds: Vec<String>,
    topics: Vec<String>,
    centroids: Vec<f32>,
    dim: usize,
}

impl Clusters {
    /// Every cluster of the store that has a centroid.
    pub async fn load(store: &Store) -> anyhow::Result<Clusters> {
        let rows: Vec<(String, String, String, Vec<u8>)> =
            sqlx::query_as("SELECT id, kind, topic, centroid FROM clusters WHERE size >= 2 ORDER BY id").fetch_all(store.pool()).await?;
        let mut c = Clusters::default();
        for (id, kind, topic, blob) in rows {
            let v = crate::store::vector_from_bytes(&blob);
            if v.is_empty() || (c.dim != 0 && v.len() != c.dim) {
                continue;
            }
            c.dim = v.len();
            c.ids.push(id);
            c.kinds.push(kind);
            c.topics.push(topic);
            c.centroids.extend(v);
        }
        Ok(c)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The cluster whose centroid is most similar to `query` (a unit vector).
    pub fn nearest(&self, query: &[f32]) -> Option<NearestCluster> {
        if self.dim == 0 || query.len() != self.dim {
            return None;
        }
        let (i, sim) = self
            .centroids
            .chunks(self.dim)
            .map(|c| c.iter().zip(query).map(|(a, b)| a * b).sum::<f32>())
            .enumerate()
            .fold((0, f32::MIN), |best, (i, s)| if s > best.1 { (i, s) } else { best });
        Some(NearestCluster { id: self.ids[i].clone(), class: self.kinds[i].clone(), topic: self.topics[i].clone(), similarity: sim })
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
