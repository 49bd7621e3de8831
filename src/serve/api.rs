//! The retrieval API for the bot: `POST /api/search`.
//!
//! Request: `{"query": "...", "limit": 5, "audience": "public" | "internal", "filters": {"topic": "...",
//! "language": "ru"}}`. Response: `{"query", "audience", "took_ms", "hits": [{article_id, title, url,
//! score, similarity, snippet, heading_path, topic, audience, language}], "class", "cluster",
//! "topic", "route", "reason", "search_id"}`: the hits ranked as [`crate::publish::index::search`]
//! ranks, the routing hint ([`crate::routing`]: `answer`, `suggest`, `clarify` or `handoff`), and the
//! id `POST /api/feedback` takes to tie a rating to this search. Every search is stored with its
//! query redacted ([`crate::feedback`]). The public collection is
//! open to anyone (it holds what the help center shows); the internal one needs a logged-in editor
//! or `Authorization: Bearer <token>` with the token from the environment variable `[serve]
//! api-token-env` names.
//!
//! Speed: the model loads on the first query; concurrent queries are embedded in micro-batches and
//! recent ones come from a cache ([`crate::embed::batch`]); the index shards stay open, and a new
//! generation from `publish index` is picked up on the next query ([`crate::publish::index::search`]);
//! the clusters routing compares with are reloaded when the store's clusters change.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::auth::{cookie, SESSION_COOKIE};
use super::App;
use crate::embed::batch::QueryBatcher;
use crate::embed::Embedder;
use crate::kb::Audience;
use crate::publish::index::search::{clean_query, PreparedQuery};
use crate::publish::index::SearchFilters;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    /// The customer's question.
    #[serde(default)]
    pub query: String,
    /// Or the customer's turn as a chat sent it, one message each: read as one question (see
    /// [`crate::publish::index::search::turn_query`]).
    #[serde(default)]
    pub messages: Vec<String>,
    #[serde(default = "default_limit")]
    pub limit: usize,
    #[serde(default)]
    pub audience: Audience,
    #[serde(default)]
    pub filters: SearchFilters,
}

fn default_limit() -> usize {
    5
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

impl App {
    /// The embedding model, loaded once, on first use. Its inference session waits for the first
    /// text not in the cache: an editor's correction finds every vector cached and never needs it.
    pub async fn embedder(&self) -> anyhow::Result<Arc<Embedder>> {
        let config = self.ws.config.embed.clone();
        let root = self.ws.root.clone();
        self.embedder
            .get_or_try_init(|| async move {
                let e = tokio::task::spawn_blocking(move || Embedder::load(&config, &root)).await??;
                Ok::<_, anyhow::Error>(Arc::new(e))
            })
            .await
            .cloned()
    }

    /// The query batcher over the model, started with it, the model's session created first (off
    /// the async workers): queries are never in the cache.
    pub async fn queries(&self) -> anyhow::Result<Arc<QueryBatcher>> {
        let embedder = self.embedder().await?;
        self.queries
            .get_or_try_init(|| async move {
                let warming = embedder.clone();
                tokio::task::spawn_blocking(move || warming.warm()).await??;
                Ok::<_, anyhow::Error>(Arc::new(QueryBatcher::new(embedder)))
            })
            .await
            .cloned()
    }

    /// The desk's clusters, reloaded when the cluster stage has written them since (looked at
    /// every ten seconds at most, so queries do not wait on the store).
    pub async fn clusters(&self) -> Arc<crate::routing::Clusters> {
        {
            let held = self.clusters.lock().unwrap_or_else(|e| e.into_inner());
            if held.2.is_some_and(|at| at.elapsed() < std::time::Duration::from_secs(10)) {
                return held.1.clone();
            }
        }
        let stamp: Option<(Option<String>,)> = sqlx::query_as("SELECT MAX(updated_at) FROM clusters").fetch_optional(self.store.pool()).await.ok().flatten();
        let stamp = stamp.and_then(|(s,)| s).unwrap_or_default();
        {
            let mut held = self.clusters.lock().unwrap_or_else(|e| e.into_inner());
            if held.0 == stamp && held.2.is_some() {
                held.2 = Some(std::time::Instant::now());
                return held.1.clone();
            }
        }
        let loaded = match self.embedder().await {
            Ok(embedder) => crate::routing::Clusters::load(&self.store, &embedder).await.unwrap_or_default(),
            Err(_) => crate::routing::Clusters::default(),
        };
        let loaded = Arc::new(loaded);
        *self.clusters.lock().unwrap_or_else(|e| e.into_inner()) = (stamp, loaded.clone(), Some(std::time::Instant::now()));
        loaded
    }

    pub(crate) async fn may_read_internal(&self, headers: &HeaderMap) -> bool {
        let bearer = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        let token = std::env::var(&self.ws.config.serve.api_token_env).ok().filter(|t| !t.is_empty());
        if let (Some(given), Some(expected)) = (bearer, token) {
            return crate::review::users::same_secret(given, &expected);
        }
        match cookie(headers, SESSION_COOKIE) {
            Some(session) => crate::review::users::session(&self.store, &session).await.ok().flatten().is_some(),
            None => false,
        }
    }
}

/// Stores a search (its query redacted; a miss with the redacted query's vector) and returns its id.
async fn record(app: &App, prepared: &PreparedQuery, audience: Audience, hits: &[crate::publish::index::Hit], decision: &crate::routing::Decision) -> anyhow::Result<String> {
    let redacted = app.redactor.redact(&prepared.cleaned).text;
    let vector = match decision.miss {
        false => Vec::new(),
        true if redacted == prepared.cleaned => prepared.dense.clone(),
        true => {
            let prefix = app.embedder().await?.query_text("");
            app.queries().await?.embed(&format!("{prefix}{redacted}")).await?.to_vec()
        }
    };
    let top = hits.first();
    let row = crate::feedback::SearchRow {
        id: crate::feedback::new_id(),
        query: redacted,
        audience: if audience == Audience::Internal { "internal" } else { "public" }.to_string(),
        route: decision.route.as_str().to_string(),
        topic: decision.topic.clone(),
        article_id: top.map(|h| h.article_id.clone()).unwrap_or_default(),
        similarity: top.map_or(0.0, |h| f64::from(h.similarity)),
        hits: hits.iter().map(|h| h.article_id.clone()).collect(),
        miss: decision.miss,
        vector,
    };
    let id = row.id.clone();
    app.writer.write(crate::feedback::Row::Search(row)).await?;
    Ok(id)
}

pub async fn search(State(app): State<Arc<App>>, headers: HeaderMap, body: Result<Json<SearchRequest>, axum::extract::rejection::JsonRejection>) -> Response {
    let started = Instant::now();
    let Json(req) = match body {
        Ok(b) => b,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.body_text()),
    };
    let query = match (req.query.trim(), req.messages.len()) {
        (query, 0) => query.to_string(),
        ("", 1..=50) => crate::publish::index::search::turn_query(&req.messages),
        ("", _) => return error(StatusCode::BAD_REQUEST, "`messages` holds at most 50 messages"),
        _ => return error(StatusCode::BAD_REQUEST, "give `query` or `messages`, not both"),
    };
    if query.is_empty() || query.chars().count() > 1000 {
        return error(StatusCode::BAD_REQUEST, "`query` (or `messages`, joined) must be 1 to 1000 characters");
    }
    if !(1..=50).contains(&req.limit) {
        return error(StatusCode::BAD_REQUEST, "`limit` must be 1 to 50");
    }
    if req.audience == Audience::Internal && !app.may_read_internal(&headers).await {
        return error(StatusCode::UNAUTHORIZED, "the internal collection needs an editor's session or the API token");
    }
    let queries = match app.queries().await {
        Ok(q) => q,
        Err(e) => return error(StatusCode::SERVICE_UNAVAILABLE, &format!("embedding model: {e:#}")),
    };
    let audience = req.audience;
    let cleaned = clean_query(&query);
    let prefix = match app.embedder().await {
        Ok(e) => e.query_text(""),
        Err(e) => return error(StatusCode::SERVICE_UNAVAILABLE, &format!("embedding model: {e:#}")),
    };
    let dense = match queries.embed(&format!("{prefix}{cleaned}")).await {
        Ok(v) => v,
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e:#}")),
    };
    let prepared = PreparedQuery { cleaned, dense: dense.to_vec() };
    let result = match app.searcher.search(&prepared, req.limit, audience, &req.filters).await {
        Ok(hits) => {
            let clusters = app.clusters().await;
            let decision = crate::routing::decide(&app.routing(), &prepared.cleaned, hits.first(), clusters.nearest(&prepared.dense));
            Ok((query, hits, decision))
        }
        Err(e) if e.to_string().contains("no index") => return error(StatusCode::SERVICE_UNAVAILABLE, "no index yet: run `kbforge publish index`"),
        Err(e) => Err(e),
    };
    match result {
        Ok((query, hits, decision)) => {
            let mut body = decision.response(&query, audience, &hits);
            body["search_id"] = match record(&app, &prepared, audience, &hits, &decision).await {
                Ok(id) => json!(id),
                Err(e) => {
                    tracing::warn!("/api/search: cannot store the search: {e:#}");
                    serde_json::Value::Null
                }
            };
            body["took_ms"] = json!(started.elapsed().as_secs_f64() * 1000.0);
            // The index was guarded when published; what a response carries is guarded again.
            let masked = crate::guard::Guard::new(&app.ws.config.guard).mask_json(&mut body);
            if masked > 0 {
                tracing::warn!("/api/search: the publish guard masked {masked} values in a response");
            }
            Json(body).into_response()
        }
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e:#}")),
    }
}
