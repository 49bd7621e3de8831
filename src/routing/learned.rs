//! Learned routing: which topics the bot may answer alone, from how operators rated its answers
//! (the source deck's "which topics the bot answers best", made a command).
//!
//! [`propose`] gives each topic with answered searches a route:
//! - `answer` when its accuracy (correct ÷ rated, [`crate::feedback::stats`]) reaches `[routing]
//!   min-accuracy` over at least `min-ratings` rated answers;
//! - `suggest` (the operator's copilot drafts, a person sends) when fewer answers were rated, or the
//!   accuracy is below `min-accuracy` but at least [`HANDOFF_BELOW`];
//! - `handoff` below that: a draft that is wrong more often than right costs the operator more
//!   than writing the answer.
//!
//! [`apply`] writes them to `[routing.topics]` in `kbforge.toml`, keeping the rest of the file as it
//! was; `kbforge serve` picks the change up on its next search. Nothing changes without it.

use std::path::Path;

use serde::Serialize;

use super::{Route, RoutingConfig};
use crate::feedback::stats::Group;

/// Below this accuracy, a topic is handed to a person: at less than one correct draft in two, the
/// copilot's draft costs more than it saves.
pub const HANDOFF_BELOW: f64 = 0.5;

/// The route proposed for one topic, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    pub topic: String,
    pub route: Route,
    /// The route in effect now, if the topic has one.
    pub current: Option<Route>,
    pub answered: usize,
    pub rated: usize,
    pub correct: usize,
    pub accuracy: Option<f64>,
    pub reason: String,
}

/// A route for every topic the bot answered in (see the module).
pub fn propose(topics: &[Group], config: &RoutingConfig) -> Vec<Proposal> {
    topics
        .iter()
        .filter(|g| g.numbers.answered > 0)
        .map(|g| {
            let n = &g.numbers;
            let accuracy = n.accuracy();
            let (route, reason) = match accuracy {
                _ if n.rated() < config.min_ratings => (
                    Route::Suggest,
                    format!("{} rated answers of the {} needed: the copilot collects ratings first", n.rated(), config.min_ratings),
                ),
                Some(a) if a >= config.min_accuracy => {
                    (Route::Answer, format!("{:.0}% correct of {} rated (at least {:.0}% needed)", 100.0 * a, n.rated(), 100.0 * config.min_accuracy))
                }
                Some(a) if a >= HANDOFF_BELOW => (
                    Route::Suggest,
                    format!("{:.0}% correct of {} rated: below {:.0}%, an operator checks each answer", 100.0 * a, n.rated(), 100.0 * config.min_accuracy),
                ),
                Some(a) => (
                    Route::Handoff,
                    format!("{:.0}% correct of {} rated: wrong more often than right, a person answers", 100.0 * a, n.rated()),
                ),
                None => (Route::Suggest, "no rated answers".to_string()),
            };
            Proposal {
                topic: g.name.clone(),
                route,
                current: config.topics.get(&g.name).copied(),
                answered: n.answered,
                rated: n.rated(),
                correct: n.correct,
                accuracy,
                reason,
            }
        })
        .collect()
}

/// Writes the proposals to `[routing.topics]` of the config file at `path`, replacing what the
/// table held; comments and every other setting stay as they were.
pub fn apply(path: &Path, proposals: &[Proposal]) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read `{}`: {e}", path.display()))?;
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| anyhow::anyhow!("`{}`: {e}", path.display()))?;
    let routing = doc.entry("routing").or_insert_with(|| toml_edit::Item::Table(toml_edit::Table::new()));
    let routing = routing.as_table_mut().ok_or_else(|| anyhow::anyhow!("`{}`: `routing` is not a table", path.display()))?;
    let mut topics = toml_edit::Table::new();
    topics.decor_mut().set_prefix(format!(
        "\n# Learned routes, written by `kbforge routing apply` on {} from operators' ratings\n# (`kbforge routing suggest` shows why). A topic not listed is routed by similarity alone.\n",
        chrono::Utc::now().format("%Y-%m-%d")
    ));
    for p in proposals {
        topics.insert(&p.topic, toml_edit::value(p.route.as_str()));
    }
    routing.insert("topics", toml_edit::Item::Table(topics));
    crate::atomic::write(path, doc.to_string().as_bytes()).map_err(|e| anyhow::anyhow!("cannot write `{}`: {e}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback::stats::Seven;

    fn topic(name: &str, correct: usize, edited: usize, wrong: usize) -> Group {
        let answered = correct + edited + wrong + 2;
        Group {
            name: name.into(),
            numbers: Seven { sent: answered + 1, answered, not_answered: 1, correct, edited, wrong, unrated: 2 },
        }
    }

    #[test]
    fn routes_follow_accuracy_and_evidence() {
        let c = RoutingConfig::default();
        let p = propose(&[topic("баланс", 36, 2, 2), topic("доплата", 20, 5, 5), topic("возврат", 10, 5, 20), topic("новое", 5, 0, 0)], &c);
        let routes: Vec<(&str, Route)> = p.iter().map(|p| (p.topic.as_str(), p.route)).collect();
        assert_eq!(
            routes,
            [("баланс", Route::Answer), ("доплата", Route::Suggest), ("возврат", Route::Handoff), ("новое", Route::Suggest)]
        );
        assert!(p[3].reason.contains("5 rated answers of the 30"), "{}", p[3].reason);
    }

    #[test]
    fn apply_keeps_the_rest_of_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kbforge.toml");
        std::fs::write(&path, "# the desk's settings\n[routing]\nanswer-similarity = 0.9 # tuned by hand\n\n[routing.topics]\n\"старое\" = \"handoff\"\n\n[site]\ntitle = \"Помощь\"\n").unwrap();
        let p = propose(&[topic("баланс", 36, 2, 2)], &RoutingConfig::default());
        apply(&path, &p).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("# the desk's settings") && text.contains("0.9 # tuned by hand") && text.contains("title = \"Помощь\""), "{text}");
        let parsed: toml::Table = text.parse().unwrap();
        let topics = parsed["routing"]["topics"].as_table().unwrap();
        assert_eq!(topics.len(), 1, "{text}");
        assert_eq!(topics["баланс"].as_str(), Some("answer"));
    }
}
