//! The retrieval API for the bot: `POST /api/search`.
//!
//! Request: `{"query": "...", "limit": 5, "audience": "public" | "internal", "filters": {"topic": "...",
//! "language": "ru"}}`. Response: `{"query", "audience", "took_ms", "hits": [{article_id, title, url,
//! score, snippet, heading_path, topic, audience, language}]}`. The public collection is open to
//! anyone (it holds what the help center shows); the internal one needs a logged-in editor or
//! `Authorization: Bearer <token>` with the token from the environment variable `[serve]
//! api-token-env` names. The model loads on the first query; queries are not cached in the store.

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
use crate::embed::Embedder;
use crate::kb::Audience;
use crate::publish::index::{search_shard, SearchFilters};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    pub query: String,
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
    /// The embedding model, loaded once, on first use.
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

    async fn may_read_internal(&self, headers: &HeaderMap) -> bool {
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

pub async fn search(State(app): State<Arc<App>>, headers: HeaderMap, body: Result<Json<SearchRequest>, axum::extract::rejection::JsonRejection>) -> Response {
    let started = Instant::now();
    let Json(req) = match body {
        Ok(b) => b,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.body_text()),
    };
    let query = req.query.trim().to_string();
    if query.is_empty() || query.chars().count() > 1000 {
        return error(StatusCode::BAD_REQUEST, "`query` must be 1 to 1000 characters");
    }
    if !(1..=50).contains(&req.limit) {
        return error(StatusCode::BAD_REQUEST, "`limit` must be 1 to 50");
    }
    if req.audience == Audience::Internal && !app.may_read_internal(&headers).await {
        return error(StatusCode::UNAUTHORIZED, "the internal collection needs an editor's session or the API token");
    }
    let embedder = match app.embedder().await {
        Ok(e) => e,
        Err(e) => return error(StatusCode::SERVICE_UNAVAILABLE, &format!("embedding model: {e:#}")),
    };
    let audience = req.audience;
    let index = app.ws.config.index.clone();
    let path = index.shard_path(&app.ws.root, audience);
    if !index.on_server() && !path.join("edge_config.json").exists() {
        return error(StatusCode::SERVICE_UNAVAILABLE, "no index yet: run `kbforge publish index`");
    }
    let text = embedder.query_text(&query);
    let dense = match tokio::task::spawn_blocking(move || embedder.embed(&[text])).await {
        Ok(Ok(v)) => v.into_iter().next().unwrap_or_default(),
        Ok(Err(e)) => return error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        Err(e) => return error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    let result = if index.on_server() {
        crate::publish::index::search_server(&index, audience, dense, &query, req.limit, &req.filters).await.map(|hits| (query, hits))
    } else {
        let shard_lock = app.shard_lock.clone();
        let (limit, filters) = (req.limit, req.filters);
        tokio::task::spawn_blocking(move || {
            // A shard is opened for each query and closed right after, so `kbforge publish index`
            // can update it meanwhile; within this process one query at a time holds it.
            let _held = shard_lock.lock().unwrap_or_else(|e| e.into_inner());
            let hits = search_shard(&path, dense, &query, limit, &filters)?;
            Ok::<_, anyhow::Error>((query, hits))
        })
        .await
        .unwrap_or_else(|e| Err(anyhow::anyhow!("{e}")))
    };
    match result {
        Ok((query, hits)) => {
            let mut body = json!({
                "query": query,
                "audience": audience,
                "took_ms": started.elapsed().as_secs_f64() * 1000.0,
                "hits": hits,
            });
            // The index was guarded when published; what a response carries is guarded again.
            let masked = crate::publish::guard::Guard::new(&app.ws.config.guard).mask_json(&mut body);
            if masked > 0 {
                tracing::warn!("/api/search: the publish guard masked {masked} values in a response");
            }
            Json(body).into_response()
        }
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e:#}")),
    }
}
