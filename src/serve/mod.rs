//! `kbforge serve`: the review app for content editors, the retrieval API for the bot
//! (`POST /api/search`, [`api`]), the bot's ratings and the help center's votes
//! (`POST /api/feedback`, `POST /api/vote`, [`feedback`]) and the health endpoint.
//!
//! axum serves pages rendered with minijinja (templates in `templates/`, Russian and English strings
//! in [`i18n`]). Every page but the login page needs a session ([`auth`]): argon2-hashed passwords,
//! an `HttpOnly`, `SameSite=Strict` session cookie, a CSRF token in every form and fetch, and two
//! roles (editors review; admins also manage users and archive). The knowledge base folder stays
//! the one source of truth: every action goes through [`crate::review`], the same code as the
//! `kbforge review` commands, and is recorded in the article's history.

// Handlers answer early with a ready `Response` as their error; its size is axum's, not ours.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod auth;
pub mod feedback;
pub mod i18n;
mod pages;
pub mod throttle;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use minijinja::Environment;

pub use crate::workspace::ServeConfig;
use crate::store::Store;
use crate::workspace::Workspace;

/// Renders a page with the strings of `lang` and, for a logged-in editor, their name, role and the
/// session's CSRF token.
pub fn render(app: &App, name: &str, lang: &str, editor: Option<&auth::Editor>, page: minijinja::Value) -> axum::response::Html<String> {
    let user = editor.map(|e| minijinja::context! { name => e.name(), admin => e.is_admin() });
    let csrf = editor.map(|e| e.session.csrf.clone());
    let result = app.templates.get_template(name).and_then(|t| {
        t.render(minijinja::context! { t => minijinja::value::Serde(i18n::strings(lang)), user => user, csrf => csrf, site_title => app.ws.config.site.title(), ..page })
    });
    match result {
        Ok(html) => axum::response::Html(html),
        Err(e) => axum::response::Html(format!("<!doctype html><p>template error: {}</p>", ammonia::clean_text(&e.to_string()))),
    }
}

/// What every request handler shares.
pub struct App {
    pub store: Store,
    pub kb_dir: PathBuf,
    pub ws: Workspace,
    pub templates: Environment<'static>,
    embedder: tokio::sync::OnceCell<Arc<crate::embed::Embedder>>,
    /// Queries embedded in micro-batches, with a cache (see [`api`]).
    queries: tokio::sync::OnceCell<Arc<crate::embed::batch::QueryBatcher>>,
    /// The index shards, kept open.
    pub searcher: crate::publish::index::search::Searcher,
    /// The clusters routing compares queries with, the store's stamp they were loaded at, and when
    /// the stamp was last looked at.
    clusters: std::sync::Mutex<(String, Arc<crate::routing::Clusters>, Option<std::time::Instant>)>,
    /// Failed logins per account and per address.
    pub throttle: throttle::Throttle,
    /// Password checks (argon2, ~20 MB and tens of milliseconds each) at once: one per core, so a
    /// burst of logins queues instead of exhausting memory and the runtime.
    pub password_checks: tokio::sync::Semaphore,
    /// Searches, ratings and votes, committed in groups ([`crate::feedback::Writer`]).
    pub writer: crate::feedback::Writer,
    /// Redacts queries before they are stored.
    pub redactor: crate::clean::Redactor,
    /// `[routing]` as `kbforge.toml` says now: `kbforge routing apply` rewrites it while the
    /// server runs (with the file's modification time it was read at).
    routing: std::sync::Mutex<(Option<std::time::SystemTime>, Arc<crate::routing::RoutingConfig>)>,
    /// Help-center votes per client address ([`feedback`]).
    pub votes: feedback::VoteLimit,
}

impl App {
    pub fn new(ws: Workspace, store: Store) -> Arc<App> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let searcher = crate::publish::index::search::Searcher::new(ws.config.index.clone(), &ws.root);
        let redactor = crate::clean::Redactor::new(&ws.config.clean).unwrap_or_else(|e| {
            tracing::warn!("[clean] {e}: queries are redacted with the built-in patterns only");
            crate::clean::Redactor::new(&crate::clean::CleanConfig::default()).expect("the default patterns compile")
        });
        let routing = (config_mtime(&ws.root), Arc::new(ws.config.routing.clone()));
        Arc::new(App {
            writer: crate::feedback::Writer::start(store.clone()),
            redactor,
            routing: std::sync::Mutex::new(routing),
            votes: Default::default(),
            store,
            kb_dir: ws.kb_dir(),
            templates: pages::environment(),
            ws,
            embedder: Default::default(),
            queries: Default::default(),
            searcher,
            clusters: Default::default(),
            throttle: Default::default(),
            password_checks: tokio::sync::Semaphore::new(cores),
        })
    }

    /// The default UI language: `[site] language`.
    pub fn default_lang(&self) -> &str {
        &self.ws.config.site.language
    }

    /// `[routing]` as `kbforge.toml` holds it now: read again when the file changed (a `stat` per
    /// search). A file that no longer parses keeps the last good settings, with a warning.
    pub fn routing(&self) -> Arc<crate::routing::RoutingConfig> {
        let now = config_mtime(&self.ws.root);
        let mut held = self.routing.lock().unwrap_or_else(|e| e.into_inner());
        if now != held.0 {
            held.0 = now;
            match Workspace::discover(&self.ws.root) {
                Ok(ws) => held.1 = Arc::new(ws.config.routing),
                Err(e) => tracing::warn!("{e}: keeping the routing read before"),
            }
        }
        held.1.clone()
    }
}

fn config_mtime(root: &std::path::Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(root.join(crate::workspace::CONFIG_FILE)).and_then(|m| m.modified()).ok()
}

/// Every route of the app.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/metrics", get(metrics))
        .route("/api/search", post(api::search))
        .route("/api/feedback", post(feedback::rate))
        .route("/api/vote", post(feedback::vote).options(feedback::vote_preflight))
        .route("/static/app.css", get(pages::css))
        .route("/static/app.js", get(pages::js))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/lang/{code}", get(auth::set_lang))
        .route("/", get(pages::home))
        .route("/articles", get(pages::list))
        .route("/articles/{id}", get(pages::article))
        .route("/articles/{id}/edit", get(pages::edit_page).post(pages::save))
        .route("/articles/{id}/status", post(pages::set_status))
        .route("/articles/{id}/merge", post(pages::merge))
        .route("/articles/{id}/split", post(pages::split))
        .route("/articles/{id}/gather", post(pages::gather))
        .route("/articles/{id}/move", post(pages::move_tickets))
        .route("/revisions/{rev}/{decision}", post(pages::decide))
        .route("/preview", post(pages::preview))
        .route("/report", get(pages::report))
        .route("/users", get(pages::users).post(pages::add_user))
        .route("/users/{name}/remove", post(pages::remove_user))
        .layer(axum::middleware::map_response_with_state(app.clone(), security_headers))
        .with_state(app)
}

/// The app's security headers, on every response: scripts only from the app (its one script is
/// `/static/app.js`), images from itself or `[site] image-hosts`, never framed, no MIME sniffing,
/// the referrer only to itself (the language switch reads it), and nothing cached, since draft
/// pages show customers' tickets.
async fn security_headers(axum::extract::State(app): axum::extract::State<Arc<App>>, mut response: axum::response::Response) -> axum::response::Response {
    use axum::http::header::{self, HeaderValue};
    let csp = format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:{}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        crate::publish::site::image_sources(&app.ws.config.site.image_hosts)
    );
    let headers = response.headers_mut();
    if let Ok(csp) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The last pipeline runs in the Prometheus text format. Open like `/healthz`: counts and times, no
/// content.
async fn metrics(axum::extract::State(app): axum::extract::State<Arc<App>>) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    match crate::pipeline::history::latest(&app.store).await {
        Ok(latest) => (
            [(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
            crate::pipeline::metrics::render(&latest, None),
        )
            .into_response(),
        Err(e) => {
            tracing::error!("cannot read the run history: {e}");
            (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "cannot read the run history\n").into_response()
        }
    }
}

/// The app as a service that knows each client's address (the login throttle counts failures per
/// address too).
pub fn service(app: Arc<App>) -> axum::extract::connect_info::IntoMakeServiceWithConnectInfo<Router, SocketAddr> {
    router(app).into_make_service_with_connect_info::<SocketAddr>()
}

/// Listens on `addr` until the process is stopped.
pub async fn serve(app: Arc<App>, addr: SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr()?;
    eprintln!("kbforge review app on http://{local}/ (Ctrl-C stops it)");
    feedback::prune_hourly(app.clone());
    axum::serve(listener, service(app)).with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
