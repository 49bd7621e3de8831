//! `kbforge eval route <labelled.jsonl>`: the routing hint judged on tickets labelled with their
//! class. Each ticket's first customer turn (the opening message, or the messages a chat customer
//! sent before staff replied, read as `/api/search` reads `messages`) is asked as the bot would ask
//! it (the workspace's index and clusters, [`crate::routing::decide`]), and its route is compared
//! with the label: a flat ticket should be answered, an empty one clarified, the rest handed off.
//! The number that matters most is the precision of `answer` (a wrong answer is the costly error).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::kind::Kind;
use crate::embed::Embedder;
use crate::ingest::Ticket;
use crate::kb::Audience;
use crate::routing::Route;
use crate::store::Store;
use crate::workspace::Workspace;

/// The result of `kbforge eval route`.
#[derive(Debug, Clone, Serialize)]
pub struct RouteEval {
    pub tickets: usize,
    /// Of the tickets routed `answer`, the share labelled flat (`null` when none was answered).
    pub answer_precision: Option<f64>,
    /// Of the flat tickets, the share routed `answer` (`null` when none is labelled flat).
    pub answer_recall: Option<f64>,
    /// Of the tickets routed `clarify`, the share labelled empty (`null` when none was clarified).
    pub clarify_precision: Option<f64>,
    /// Of the tickets labelled needs-action, the share not answered (`null` when none is).
    pub needs_action_kept_from_bot: Option<f64>,
    /// `routes[label][route]`: how many.
    pub routes: BTreeMap<String, BTreeMap<String, usize>>,
}

fn route_name(r: Route) -> &'static str {
    r.as_str()
}

/// Asks every labelled ticket's first customer turn and scores the routes.
pub async fn eval_route(ws: &Workspace, store: &Store, embedder: &Embedder, items: &[(Ticket, Kind)]) -> anyhow::Result<RouteEval> {
    let searcher = crate::publish::index::search::Searcher::new(ws.config.index.clone(), &ws.root);
    let clusters = crate::routing::Clusters::load(store, embedder).await?;
    let filters = crate::publish::index::SearchFilters::default();
    let mut routes: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (ticket, kind) in items {
        let public = ticket.messages.iter().filter(|m| !m.internal);
        let turn: Vec<String> = public
            .skip_while(|m| m.author != crate::ingest::Author::Customer)
            .take_while(|m| m.author != crate::ingest::Author::Staff)
            .filter(|m| m.author == crate::ingest::Author::Customer)
            .map(|m| m.body.clone())
            .collect();
        let query = match turn.as_slice() {
            [] => continue,
            [one] => one.clone(),
            parts => crate::publish::index::search::turn_query(parts),
        };
        let prepared = crate::publish::index::prepare(store, embedder, &query).await?;
        let hits = searcher.search(&prepared, 5, Audience::Public, &filters).await?;
        let decision = crate::routing::decide(&ws.config.routing, &prepared.cleaned, hits.first(), clusters.nearest_skipping(&prepared.dense, Some(&ticket.id)));
        *routes.entry(kind.as_str().to_string()).or_default().entry(route_name(decision.route).to_string()).or_default() += 1;
    }
    let count = |label: Option<&str>, route: Option<&str>| -> usize {
        routes
            .iter()
            .filter(|(l, _)| label.is_none_or(|x| x == l.as_str()))
            .flat_map(|(_, r)| r.iter())
            .filter(|(r, _)| route.is_none_or(|x| x == r.as_str()))
            .map(|(_, n)| n)
            .sum()
    };
    // A share of nothing is no number: a desk labelled all flat keeps no needs-action ticket.
    let ratio = |a: usize, b: usize| (b > 0).then(|| a as f64 / b as f64);
    let (flat, needs) = (Kind::Flat.as_str(), Kind::NeedsAction.as_str());
    Ok(RouteEval {
        tickets: count(None, None),
        answer_precision: ratio(count(Some(flat), Some("answer")), count(None, Some("answer"))),
        answer_recall: ratio(count(Some(flat), Some("answer")), count(Some(flat), None)),
        clarify_precision: ratio(count(Some(Kind::Empty.as_str()), Some("clarify")), count(None, Some("clarify"))),
        needs_action_kept_from_bot: ratio(count(Some(needs), None) - count(Some(needs), Some("answer")), count(Some(needs), None)),
        routes,
    })
}
