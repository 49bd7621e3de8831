//! The loop's two doors in: `POST /api/feedback`, where the bot or the operator's copilot says what
//! became of an answer, and `POST /api/vote`, the help center's "Was this helpful?".
//!
//! `/api/feedback` takes `{"search_id"?, "query"?, "ticket_id"?, "article_id"?, "route"?, "rating":
//! "correct" | "edited" | "wrong" | "unrated", "operator"?}` with the API token (or an editor's
//! session). With a `search_id` (from `/api/search`) the rating ties to that search's query, hits,
//! topic and route; without one, `query` is required. The query is redacted before it is stored.
//! The answer is `201` once the row is committed ([`crate::feedback::Writer`]).
//!
//! `/api/vote` takes `article` and `helpful` (`yes` / `no`) as a form or JSON, from anyone: no
//! cookie, no token, any origin (the help center is static and may live elsewhere). So it is not
//! trusted: an unknown article is refused, each address counts once per article an hour and at
//! most [`VOTES_PER_HOUR`] times an hour, and the address is never stored. Votes are shown as
//! hints beside the ratings, never mixed into them.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::auth::ClientAddr;
use super::App;
use crate::feedback::{FeedbackRow, Rating, Row};

/// Votes one address may cast in an hour.
pub const VOTES_PER_HOUR: usize = 20;
const HOUR: Duration = Duration::from_secs(3600);
/// Addresses remembered at most; past it, those idle for an hour are forgotten.
const MAX_CLIENTS: usize = 100_000;
/// Longest query, id or operator name taken.
const MAX_TEXT: usize = 1000;
const MAX_ID: usize = 200;

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    #[serde(default)]
    pub search_id: Option<String>,
    #[serde(default)]
    pub query: Option<String>,
    #[serde(default)]
    pub ticket_id: Option<String>,
    #[serde(default)]
    pub article_id: Option<String>,
    #[serde(default)]
    pub route: Option<String>,
    pub rating: Rating,
    #[serde(default)]
    pub operator: Option<String>,
}

/// `POST /api/feedback`.
pub async fn rate(State(app): State<Arc<App>>, headers: HeaderMap, body: Result<Json<FeedbackRequest>, axum::extract::rejection::JsonRejection>) -> Response {
    if !app.may_read_internal(&headers).await {
        return error(StatusCode::UNAUTHORIZED, "feedback needs the API token (`Authorization: Bearer …`) or an editor's session");
    }
    let Json(req) = match body {
        Ok(b) => b,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.body_text()),
    };
    let field = |v: &Option<String>, name: &str, max: usize| -> Result<String, Response> {
        let v = v.as_deref().unwrap_or("").trim();
        if v.chars().count() > max {
            return Err(error(StatusCode::BAD_REQUEST, &format!("`{name}` is longer than {max} characters")));
        }
        Ok(v.to_string())
    };
    let fields = (|| {
        Ok::<_, Response>((
            field(&req.search_id, "search_id", MAX_ID)?,
            field(&req.query, "query", MAX_TEXT)?,
            field(&req.ticket_id, "ticket_id", MAX_ID)?,
            field(&req.article_id, "article_id", MAX_ID)?,
            field(&req.route, "route", MAX_ID)?,
            field(&req.operator, "operator", MAX_ID)?,
        ))
    })();
    let (search_id, query, ticket_id, article_id, route, operator) = match fields {
        Ok(f) => f,
        Err(r) => return r,
    };
    if !route.is_empty() && !["answer", "suggest", "clarify", "handoff"].contains(&route.as_str()) {
        return error(StatusCode::BAD_REQUEST, "`route` must be answer, suggest, clarify or handoff");
    }
    let mut row = FeedbackRow { search_id, query: String::new(), ticket_id, article_id, route, topic: String::new(), rating: req.rating, operator };
    if row.search_id.is_empty() {
        if query.is_empty() {
            return error(StatusCode::BAD_REQUEST, "give `search_id` (from /api/search) or `query`");
        }
    } else {
        match crate::feedback::search_row(&app.store, &row.search_id).await {
            Ok(Some(search)) => row.topic = search.topic,
            Ok(None) => return error(StatusCode::NOT_FOUND, "no search with this `search_id` (pruned, or never made)"),
            Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e:#}")),
        }
    }
    // The search's query is stored redacted already; a query given here is redacted now.
    row.query = if query.is_empty() { String::new() } else { app.redactor.redact(&crate::publish::index::search::clean_query(&query)).text };
    match app.writer.write(Row::Feedback(row)).await {
        Ok(()) => (StatusCode::CREATED, Json(json!({ "stored": true }))).into_response(),
        Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, &format!("{e:#}")),
    }
}

/// Votes per client address, and the articles a vote may name.
#[derive(Debug, Default)]
pub struct VoteLimit {
    clients: Mutex<HashMap<IpAddr, VecDeque<(Instant, String)>>>,
    /// Live public articles' ids, and when they were read.
    known: Mutex<Option<(Instant, Arc<HashSet<String>>)>>,
}

/// What the limit says about one vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Count,
    /// The address voted on this article within the hour: accepted, not counted again.
    Repeat,
    TooMany,
}

impl VoteLimit {
    /// Records a vote from `addr` on `article` at `now`.
    pub fn check(&self, addr: Option<IpAddr>, article: &str, now: Instant) -> Verdict {
        let Some(addr) = addr else { return Verdict::Count };
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if clients.len() > MAX_CLIENTS {
            clients.retain(|_, v| v.back().is_some_and(|(t, _)| now.duration_since(*t) < HOUR));
        }
        let recent = clients.entry(addr).or_default();
        while recent.front().is_some_and(|(t, _)| now.duration_since(*t) >= HOUR) {
            recent.pop_front();
        }
        if recent.iter().any(|(_, a)| a == article) {
            return Verdict::Repeat;
        }
        if recent.len() >= VOTES_PER_HOUR {
            return Verdict::TooMany;
        }
        recent.push_back((now, article.to_string()));
        Verdict::Count
    }

    /// Whether `id` is a live public article (the knowledge base is read again after a minute).
    fn known(&self, kb_dir: &std::path::Path, id: &str) -> bool {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        if known.as_ref().is_none_or(|(at, _)| at.elapsed() > Duration::from_secs(60)) {
            let (articles, _) = crate::kb::load_all(kb_dir);
            let ids = articles
                .into_iter()
                .filter(|a| a.front.status.is_live() && a.front.audience == crate::kb::Audience::Public)
                .map(|a| a.front.id)
                .collect();
            *known = Some((Instant::now(), Arc::new(ids)));
        }
        known.as_ref().is_some_and(|(_, ids)| ids.contains(id))
    }
}

#[derive(Debug, Deserialize)]
struct VoteForm {
    article: String,
    helpful: String,
}

fn cors(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("POST"));
    h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("content-type"));
    response
}

/// `OPTIONS /api/vote`: a browser's preflight for a cross-origin JSON vote.
pub async fn vote_preflight() -> Response {
    cors(StatusCode::NO_CONTENT.into_response())
}

/// `POST /api/vote`.
pub async fn vote(State(app): State<Arc<App>>, ClientAddr(addr): ClientAddr, headers: HeaderMap, body: Bytes) -> Response {
    cors(vote_inner(&app, addr, &headers, &body).await)
}

async fn vote_inner(app: &App, addr: Option<IpAddr>, headers: &HeaderMap, body: &[u8]) -> Response {
    if body.len() > 4096 {
        return error(StatusCode::PAYLOAD_TOO_LARGE, "a vote is a few bytes");
    }
    let json = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/json"));
    let form: Option<VoteForm> = if json { serde_json::from_slice(body).ok() } else { serde_urlencoded::from_bytes(body).ok() };
    let Some(form) = form else { return error(StatusCode::BAD_REQUEST, "expected `article` and `helpful` (yes or no)") };
    let helpful = match form.helpful.as_str() {
        "yes" | "true" | "1" => true,
        "no" | "false" | "0" => false,
        _ => return error(StatusCode::BAD_REQUEST, "`helpful` must be yes or no"),
    };
    let article = form.article.trim();
    if article.is_empty() || article.len() > MAX_ID || !app.votes.known(&app.kb_dir, article) {
        return error(StatusCode::NOT_FOUND, "no such article on the help center");
    }
    match app.votes.check(addr, article, Instant::now()) {
        Verdict::TooMany => {
            let mut r = error(StatusCode::TOO_MANY_REQUESTS, "too many votes from this address; try again in an hour");
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("3600"));
            r
        }
        Verdict::Repeat => (StatusCode::ACCEPTED, Json(json!({ "counted": false }))).into_response(),
        Verdict::Count => match app.writer.write(Row::Vote { article_id: article.to_string(), helpful }).await {
            Ok(()) => (StatusCode::ACCEPTED, Json(json!({ "counted": true }))).into_response(),
            Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, &format!("{e:#}")),
        },
    }
}

/// Deletes rows past `[feedback] retention-days` now and every hour while the server runs.
pub fn prune_hourly(app: Arc<App>) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(HOUR);
        loop {
            tick.tick().await;
            match crate::feedback::prune(&app.store, app.ws.config.feedback.retention_days).await {
                Ok(p) if p.searches + p.feedback + p.votes > 0 => {
                    tracing::info!("feedback: pruned {} searches, {} ratings, {} votes past the retention", p.searches, p.feedback, p.votes)
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("feedback: cannot prune: {e:#}"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_votes_once_an_article_and_twenty_an_hour() {
        let limit = VoteLimit::default();
        let a: IpAddr = "203.0.113.7".parse().unwrap();
        let b: IpAddr = "203.0.113.8".parse().unwrap();
        let t = Instant::now();
        assert_eq!(limit.check(Some(a), "balans", t), Verdict::Count);
        assert_eq!(limit.check(Some(a), "balans", t), Verdict::Repeat);
        assert_eq!(limit.check(Some(b), "balans", t), Verdict::Count);
        for i in 1..VOTES_PER_HOUR {
            assert_eq!(limit.check(Some(a), &format!("a{i}"), t), Verdict::Count);
        }
        assert_eq!(limit.check(Some(a), "one-more", t), Verdict::TooMany);
        assert_eq!(limit.check(Some(a), "one-more", t + HOUR), Verdict::Count, "an hour later the address votes again");
    }
}
