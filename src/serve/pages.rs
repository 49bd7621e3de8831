//! The review app's pages and actions. Every action is a POST with the session's CSRF token and
//! goes through [`crate::review`], so the app and the `kbforge review` commands behave alike.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use minijinja::value::Serde;
use minijinja::{context, Environment};
use serde::{Deserialize, Serialize};

use super::auth::{redirect, urlencode, CsrfForm, Editor};
use super::{i18n, render, App};
use crate::cluster::edit::Edit;
use crate::kb::{self, Status};
use crate::publish::site::render_markdown;
use crate::review::{self, context as ctx, revisions, users};

pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    for (name, source) in [
        ("layout.html", include_str!("templates/layout.html")),
        ("login.html", include_str!("templates/login.html")),
        ("list.html", include_str!("templates/list.html")),
        ("article.html", include_str!("templates/article.html")),
        ("edit.html", include_str!("templates/edit.html")),
        ("users.html", include_str!("templates/users.html")),
        ("message.html", include_str!("templates/message.html")),
    ] {
        env.add_template(name, source).expect("review app template");
    }
    env
}

fn message(app: &App, editor: &Editor, status: StatusCode, text: &str, back: &str) -> Response {
    (status, render(app, "message.html", &editor.lang, Some(editor), context! { text => text, back => back })).into_response()
}

fn failure(app: &App, editor: &Editor, e: impl std::fmt::Display) -> Response {
    tracing::warn!("review app: {e}");
    message(app, editor, StatusCode::INTERNAL_SERVER_ERROR, &e.to_string(), "/articles")
}

pub async fn css() -> Response {
    ([(CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("templates/app.css")).into_response()
}

pub async fn js() -> Response {
    ([(CONTENT_TYPE, "text/javascript; charset=utf-8")], include_str!("templates/app.js")).into_response()
}

pub async fn home(_editor: Editor) -> Response {
    redirect("/articles")
}

fn status_word(t: &i18n::Strings, s: Status) -> &'static str {
    match s {
        Status::Draft => t.status_draft,
        Status::Approved => t.status_approved,
        Status::Rejected => t.status_rejected,
        Status::Published => t.status_published,
        Status::Archived => t.status_archived,
    }
}

#[derive(Serialize)]
struct Row {
    id: String,
    title: String,
    status: &'static str,
    status_word: &'static str,
    topic: String,
    tickets: u64,
    proposals: usize,
    /// The article this draft nearly repeats: merging into it comes first.
    duplicate: Option<review::context::Duplicate>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    state: Option<String>,
    topic: Option<String>,
}

/// Articles by ticket volume, filtered by state (drafts by default) and topic.
pub async fn list(State(app): State<Arc<App>>, editor: Editor, Query(q): Query<ListQuery>) -> Response {
    let t = i18n::strings(&editor.lang);
    let (articles, _) = kb::load_all(&app.kb_dir);
    let open = match revisions::open(&app.store, None).await {
        Ok(o) => o,
        Err(e) => return failure(&app, &editor, e),
    };
    let state = q.state.unwrap_or_else(|| "draft".into());
    let topic = q.topic.unwrap_or_default();
    let topics: BTreeSet<&str> = articles.iter().map(|a| a.front.topic.as_str()).filter(|t| !t.is_empty()).collect();
    let mut counts: Vec<(&'static str, &'static str, usize)> = Vec::new();
    for s in [Status::Draft, Status::Approved, Status::Rejected, Status::Published, Status::Archived] {
        counts.push((s.as_str(), status_word(t, s), articles.iter().filter(|a| a.front.status == s).count()));
    }
    let duplicates = review::context::duplicates(&app.store, &articles, app.ws.config.draft.update_threshold).await.unwrap_or_else(|e| {
        tracing::warn!("cannot compare the drafts: {e:#}");
        Default::default()
    });
    let mut rows: Vec<Row> = articles
        .iter()
        .filter(|a| state == "all" || a.front.status.as_str() == state)
        .filter(|a| topic.is_empty() || a.front.topic == topic)
        .map(|a| Row {
            id: a.front.id.clone(),
            title: a.front.title.clone(),
            status: a.front.status.as_str(),
            status_word: status_word(t, a.front.status),
            topic: a.front.topic.clone(),
            tickets: a.front.tickets.unwrap_or(0),
            proposals: open.iter().filter(|r| r.article_id == a.front.id).count(),
            duplicate: duplicates.get(&a.front.id).cloned(),
        })
        .collect();
    rows.sort_by(|a, b| b.tickets.cmp(&a.tickets).then_with(|| a.id.cmp(&b.id)));
    let page = render(
        &app,
        "list.html",
        &editor.lang,
        Some(&editor),
        context! { rows => Serde(&rows), state => state, topic => topic, topics => Serde(&topics), counts => Serde(&counts) },
    );
    page.into_response()
}

#[derive(Serialize)]
struct Proposal {
    id: i64,
    reason: String,
    created_at: String,
    diff: Vec<revisions::DiffLine>,
}

/// One article: preview, phrasings, source tickets, regulation excerpts, similar articles, open
/// proposals with their diffs, history, and the actions its state allows.
pub async fn article(State(app): State<Arc<App>>, editor: Editor, Path(id): Path<String>) -> Response {
    let t = i18n::strings(&editor.lang);
    let (articles, _) = kb::load_all(&app.kb_dir);
    let Some(a) = articles.iter().find(|a| a.front.id == id) else {
        return message(&app, &editor, StatusCode::NOT_FOUND, t.not_found, "/articles");
    };
    let current = std::fs::read_to_string(app.kb_dir.join(&a.path)).unwrap_or_default();
    let loaded = async {
        let proposals: Vec<Proposal> = revisions::open(&app.store, Some(&id))
            .await?
            .into_iter()
            .map(|r| Proposal { id: r.id, reason: r.reason, created_at: r.created_at, diff: revisions::diff_lines(&current, &r.proposed) })
            .collect();
        let sources = ctx::source_tickets(&app.store, a, 30).await?;
        let excerpts = ctx::regulation_excerpts(&app.store, &ctx::query_text(a), 3).await?;
        let history = review::history(&app.store, &id).await?;
        Ok::<_, sqlx::Error>((proposals, sources, excerpts, history))
    };
    // Every cluster's centroids, read once: for the near-duplicate flag and the nearest clusters.
    let centroids = crate::cluster::inspect::centred_centroids(&app.store).await.unwrap_or_else(|e| {
        tracing::warn!("cannot read the clusters' centroids: {e:#}");
        Default::default()
    });
    let apart = crate::cluster::edit::set_apart(&app.store).await.unwrap_or_default();
    let duplicate = review::context::duplicates_among(&centroids, &apart, &articles, app.ws.config.draft.update_threshold).remove(&id);
    let not_flat = review::not_flat(&app.store, std::slice::from_ref(a)).await.ok().and_then(|mut m| m.remove(&id));
    let not_flat = not_flat.map(|kind| context! { reason => review::not_flat_reason(&kind), confirmed => review::confirmed_not_flat(a, &kind), kind => kind });
    let ratings = crate::feedback::stats::article(&app.store, &id).await.unwrap_or_else(|e| {
        tracing::warn!("cannot read the bot's ratings of {id}: {e:#}");
        Default::default()
    });
    let (proposals, sources, excerpts, history) = match loaded.await {
        Ok(v) => v,
        Err(e) => return failure(&app, &editor, e),
    };
    let holds = app.store.holds(Some(&id)).await.unwrap_or_else(|e| {
        tracing::warn!("cannot read the publish guard's holds of {id}: {e:#}");
        Vec::new()
    });
    let holds: Vec<_> = holds.iter().map(|h| context! { target => &h.target, held_at => &h.held_at, findings => Serde(&h.findings) }).collect();
    let similar = ctx::similar_articles(a, &articles, 5, 0.15);
    // Clusters without an article nearest this one's: tickets the clustering left out that may
    // ask the same. Only those as alike as two tickets of one article are on average (the pairs
    // threshold, on the same scale): below it, the list would be noise.
    let floor = app.ws.config.cluster.pairs.threshold as f32;
    let near = match review::cluster_of(&app.store, &app.kb_dir, &id).await {
        Ok(Some(cluster)) => crate::cluster::inspect::near_among(&app.store, &centroids, &cluster, 5, true).await.unwrap_or_else(|e| {
            tracing::warn!("cannot rank the clusters near {cluster}: {e:#}");
            Vec::new()
        }),
        _ => Vec::new(),
    };
    let near: Vec<_> = near.into_iter().filter(|n| n.similarity >= floor).collect();
    // Other articles, the most similar first: those that can be merged in, and those drafted from
    // a cluster that checked tickets can move to.
    let others = |keep: &dyn Fn(&kb::Article) -> bool| {
        let mut seen = BTreeSet::new();
        similar
            .iter()
            .filter_map(|s| articles.iter().find(|o| o.front.id == s.id))
            .chain(articles.iter())
            .filter(|o| o.front.id != id && keep(o) && seen.insert(o.front.id.as_str()))
            .map(|o| (o.front.id.as_str(), o.front.title.as_str()))
            .collect::<Vec<_>>()
    };
    let merge_candidates = others(&|o| review::allowed(o.front.status, Status::Rejected) && o.front.status != Status::Rejected);
    let move_targets = others(&|o| o.front.cluster.is_some() && !matches!(o.front.status, Status::Rejected | Status::Archived));
    let actions: Vec<(&str, &str)> = [
        (Status::Approved, t.approve),
        (Status::Rejected, t.reject),
        (Status::Draft, t.back_to_draft),
        (Status::Archived, t.archive),
    ]
    .into_iter()
    .filter(|(s, _)| *s != a.front.status && review::allowed(a.front.status, *s))
    .filter(|(s, _)| *s != Status::Archived || editor.is_admin())
    .map(|(s, label)| (s.as_str(), label))
    .collect();
    let extra = |key: &str| a.front.extra.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let page = render(
        &app,
        "article.html",
        &editor.lang,
        Some(&editor),
        context! {
            a => context! {
                id => &a.front.id, title => &a.front.title, status => a.front.status.as_str(),
                status_word => status_word(t, a.front.status), topic => &a.front.topic,
                tickets => a.front.tickets.unwrap_or(0), also_asked => &a.front.also_asked,
                cluster => &a.front.cluster, cluster_label => extra("cluster_label"),
                reviewed_by => extra("reviewed_by"), reviewed_at => extra("reviewed_at"),
                merged_into => extra("merged_into"), path => a.path.display().to_string(),
            },
            preview => render_markdown(&a.body, &app.ws.config.site.image_hosts),
            holds => holds,
            proposals => Serde(&proposals),
            sources => Serde(&sources),
            // Regulations are Markdown: lists and emphasis read as the author wrote them (sanitized).
            excerpts => excerpts.iter().map(|e| context! {
                regulation => &e.regulation, title => &e.title, heading => &e.heading,
                html => render_markdown(&e.text, &app.ws.config.site.image_hosts),
            }).collect::<Vec<_>>(),
            similar => Serde(&similar),
            history => Serde(&history),
            ratings => Serde(&ratings),
            not_flat => not_flat,
            duplicate => Serde(&duplicate),
            actions => Serde(&actions),
            merge_candidates => Serde(&merge_candidates),
            move_targets => Serde(&move_targets),
            near => Serde(&near),
        },
    );
    page.into_response()
}

pub async fn edit_page(State(app): State<Arc<App>>, editor: Editor, Path(id): Path<String>) -> Response {
    let t = i18n::strings(&editor.lang);
    let Ok(a) = kb::find(&app.kb_dir, &id) else {
        return message(&app, &editor, StatusCode::NOT_FOUND, t.not_found, "/articles");
    };
    render(
        &app,
        "edit.html",
        &editor.lang,
        Some(&editor),
        context! { id => &a.front.id, title => &a.front.title, body => &a.body, live => a.front.status.is_live(), preview => render_markdown(&a.body, &app.ws.config.site.image_hosts) },
    )
    .into_response()
}

#[derive(Deserialize)]
pub struct EditForm {
    csrf: String,
    title: String,
    body: String,
}

pub async fn save(State(app): State<Arc<App>>, editor: Editor, Path(id): Path<String>, Form(form): Form<EditForm>) -> Response {
    if let Err(r) = editor.check_csrf(&form.csrf) {
        return r;
    }
    match review::save_edit(&app.store, &app.kb_dir, &id, &form.title, &form.body, editor.name()).await {
        Ok(_) => redirect(&format!("/articles/{}", urlencode(&id))),
        Err(e) => message(&app, &editor, StatusCode::UNPROCESSABLE_ENTITY, &e.to_string(), &format!("/articles/{}/edit", urlencode(&id))),
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    csrf: String,
    to: String,
    #[serde(default)]
    note: String,
    /// The editor ticked "publish anyway" under the warning that the cluster is not flat.
    #[serde(default)]
    confirm_not_flat: Option<String>,
}

pub async fn set_status(State(app): State<Arc<App>>, editor: Editor, Path(id): Path<String>, Form(form): Form<StatusForm>) -> Response {
    if let Err(r) = editor.check_csrf(&form.csrf) {
        return r;
    }
    let back = format!("/articles/{}", urlencode(&id));
    let to = match form.to.parse::<Status>() {
        Ok(Status::Published) | Err(_) => return message(&app, &editor, StatusCode::BAD_REQUEST, &format!("unknown state `{}`", form.to), &back),
        Ok(to) => to,
    };
    if to == Status::Archived {
        if let Err(r) = editor.require_admin() {
            return r;
        }
    }
    let note = form.note.trim();
    let done = if to == Status::Approved {
        review::approve(&app.store, &app.kb_dir, &id, editor.name(), form.confirm_not_flat.is_some()).await
    } else {
        review::transition(&app.store, &app.kb_dir, &id, to, editor.name(), (!note.is_empty()).then_some(note)).await
    };
    match done {
        Ok(_) => redirect(&back),
        Err(e) => message(&app, &editor, StatusCode::CONFLICT, &e.to_string(), &back),
    }
}

#[derive(Deserialize)]
pub struct MergeForm {
    csrf: String,
    from: String,
}

/// `POST /articles/{id}/merge`: article `from` asks what this one asks. When both were drafted
/// from clusters, their clusters merge too, for good, as `kbforge clusters merge` does (which
/// merges the articles); otherwise the articles alone merge.
pub async fn merge(State(app): State<Arc<App>>, editor: Editor, Path(id): Path<String>, Form(form): Form<MergeForm>) -> Response {
    if let Err(r) = editor.check_csrf(&form.csrf) {
        return r;
    }
    let back = format!("/articles/{}", urlencode(&id));
    let mergeable = kb::find(&app.kb_dir, &form.from).is_ok_and(|a| review::allowed(a.front.status, Status::Rejected));
    let (into, from) = (review::cluster_of(&app.store, &app.kb_dir, &id).await, review::cluster_of(&app.store, &app.kb_dir, &form.from).await);
    if let (true, Ok(Some(into)), Ok(Some(from))) = (mergeable && id != form.from, into, from) {
        // Only when the cluster's draft is `from`: the cluster merge merges that draft.
        let drafted = review::article_of_cluster(&app.store, &from).await.ok().flatten();
        if into != from && drafted.as_deref() == Some(form.from.as_str()) {
            return correct(&app, &editor, &id, |_| Edit::Merge { into, from: vec![from] }).await;
        }
    }
    match review::merge(&app.store, &app.kb_dir, &id, &form.from, editor.name()).await {
        Ok(_) => redirect(&back),
        Err(e) => message(&app, &editor, StatusCode::CONFLICT, &e.to_string(), &back),
    }
}

/// `POST /articles/{id}/split`: the source tickets an editor checked ask something else. They
/// become a cluster of their own (with its own draft) and stay apart from the article's in every
/// later clustering ([`crate::cluster::edit`]). Form fields: `csrf`, `tickets` (repeated).
pub async fn split(State(app): State<Arc<App>>, editor: Editor, Path(id): Path<String>, body: String) -> Response {
    match checked_tickets(&app, &editor, &id, &body) {
        Ok((tickets, _)) => correct(&app, &editor, &id, |cluster| Edit::Split { cluster, tickets }).await,
        Err(r) => r,
    }
}

/// The split and move forms, read: the CSRF token checked, the checked `tickets` (one at least)
/// and the other fields; or the page to answer with.
fn checked_tickets(app: &App, editor: &Editor, id: &str, body: &str) -> Result<(Vec<String>, Vec<(String, String)>), Response> {
    let fields: Vec<(String, String)> = serde_urlencoded::from_str(body).unwrap_or_default();
    let csrf = fields.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or_default();
    editor.check_csrf(csrf)?;
    let (tickets, rest): (Vec<_>, Vec<_>) = fields.into_iter().partition(|(k, _)| k == "tickets");
    if tickets.is_empty() {
        let t = i18n::strings(&editor.lang);
        return Err(message(app, editor, StatusCode::BAD_REQUEST, t.split_none, &format!("/articles/{}", urlencode(id))));
    }
    Ok((tickets.into_iter().map(|(_, v)| v).collect(), rest))
}

#[derive(Deserialize)]
pub struct GatherForm {
    csrf: String,
    cluster: String,
}

/// `POST /articles/{id}/move`: the source tickets an editor checked belong to another article,
/// `to`. They join the cluster that article was drafted from, for good
/// ([`crate::cluster::edit`]). Form fields: `csrf`, `to`, `tickets` (repeated).
pub async fn move_tickets(State(app): State<Arc<App>>, editor: Editor, Path(id): Path<String>, body: String) -> Response {
    let (tickets, fields) = match checked_tickets(&app, &editor, &id, &body) {
        Ok(read) => read,
        Err(r) => return r,
    };
    let back = format!("/articles/{}", urlencode(&id));
    let to = fields.into_iter().find(|(k, _)| k == "to").map(|(_, v)| v).unwrap_or_default();
    let target = match review::cluster_of(&app.store, &app.kb_dir, &to).await {
        Ok(Some(cluster)) => cluster,
        Ok(None) => return message(&app, &editor, StatusCode::CONFLICT, &format!("`{to}` was not drafted from a cluster"), &back),
        // No such article (a stale page, a forged form): said on the page the editor came from.
        Err(e) => return message(&app, &editor, StatusCode::NOT_FOUND, &format!("{e:#}"), &back),
    };
    // Back to the article the tickets left: the editor goes on reading its sources.
    correct(&app, &editor, &id, move |_| Edit::Move { tickets, to: target }).await
}

/// `POST /articles/{id}/gather`: a cluster without an article that the page lists as near asks the
/// same; its tickets join the article's cluster, for good ([`crate::cluster::edit`]).
pub async fn gather(State(app): State<Arc<App>>, editor: Editor, Path(id): Path<String>, Form(form): Form<GatherForm>) -> Response {
    if let Err(r) = editor.check_csrf(&form.csrf) {
        return r;
    }
    correct(&app, &editor, &id, |into| Edit::Merge { into, from: vec![form.cluster] }).await
}

/// An editor's correction to the cluster article `id` was drafted from (`edit` makes it from that
/// cluster's id), then the cluster and draft stages; back to the article.
async fn correct(app: &App, editor: &Editor, id: &str, edit: impl FnOnce(String) -> Edit) -> Response {
    let back = format!("/articles/{}", urlencode(id));
    let done = async {
        let cluster = review::cluster_of(&app.store, &app.kb_dir, id).await?.ok_or_else(|| anyhow::anyhow!("`{id}` was not drafted from a cluster"))?;
        let (applied, _) = review::correct_clusters(&app.store, &app.kb_dir, &edit(cluster), editor.name()).await?;
        let embedder = app.embedder().await?;
        crate::pipeline::after_cluster_edit(&app.store, &embedder, &app.ws, &applied).await
    };
    match done.await {
        Ok(_) => redirect(&back),
        Err(e) => message(app, editor, StatusCode::CONFLICT, &format!("{e:#}"), &back),
    }
}

pub async fn decide(State(app): State<Arc<App>>, editor: Editor, Path((rev, decision)): Path<(i64, String)>, Form(form): Form<CsrfForm>) -> Response {
    if let Err(r) = editor.check_csrf(&form.csrf) {
        return r;
    }
    let article = match revisions::get(&app.store, rev).await {
        Ok(r) => r.article_id,
        Err(e) => return message(&app, &editor, StatusCode::NOT_FOUND, &e.to_string(), "/articles"),
    };
    let back = format!("/articles/{}", urlencode(&article));
    let result = match decision.as_str() {
        "accept" => revisions::accept(&app.store, &app.kb_dir, rev, editor.name()).await,
        "dismiss" => revisions::dismiss(&app.store, &app.kb_dir, rev, editor.name()).await,
        _ => return message(&app, &editor, StatusCode::NOT_FOUND, "unknown decision", &back),
    };
    match result {
        Ok(()) => redirect(&back),
        Err(e) => message(&app, &editor, StatusCode::CONFLICT, &e.to_string(), &back),
    }
}

/// `POST /preview`: Markdown in, the sanitized HTML the help center would show out. The CSRF token
/// comes in the `X-CSRF-Token` header.
pub async fn preview(State(app): State<Arc<App>>, editor: Editor, headers: HeaderMap, body: String) -> Response {
    let token = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or_default();
    if let Err(r) = editor.check_csrf(token) {
        return r;
    }
    Html(render_markdown(&body, &app.ws.config.site.image_hosts)).into_response()
}

pub async fn report(State(app): State<Arc<App>>, editor: Editor) -> Response {
    let built = crate::report::build(&app.store, &app.kb_dir, &crate::publish::guard::Guard::new(&app.ws.config.guard), &crate::feedback::stats::gap_clustering(&app.ws.config.cluster, app.ws.config.routing.answer_similarity), 30).await;
    match built.map_err(|e| e.to_string()).and_then(|r| crate::report::html(&r, &editor.lang).map_err(|e| e.to_string())) {
        Ok(html) => Html(html).into_response(),
        Err(e) => failure(&app, &editor, e),
    }
}

pub async fn users(State(app): State<Arc<App>>, editor: Editor) -> Response {
    if let Err(r) = editor.require_admin() {
        return r;
    }
    match users::list(&app.store).await {
        Ok(list) => render(&app, "users.html", &editor.lang, Some(&editor), context! { users => Serde(&list), me => editor.name() }).into_response(),
        Err(e) => failure(&app, &editor, e),
    }
}

#[derive(Deserialize)]
pub struct UserForm {
    csrf: String,
    name: String,
    password: String,
    role: String,
}

pub async fn add_user(State(app): State<Arc<App>>, editor: Editor, Form(form): Form<UserForm>) -> Response {
    if let Err(r) = editor.check_csrf(&form.csrf).and_then(|_| editor.require_admin()) {
        return r;
    }
    let role = users::Role::parse(&form.role).unwrap_or(users::Role::Editor);
    match users::add(&app.store, form.name.trim(), &form.password, role, false).await {
        Ok(()) => redirect("/users"),
        Err(e) => message(&app, &editor, StatusCode::UNPROCESSABLE_ENTITY, &e.to_string(), "/users"),
    }
}

pub async fn remove_user(State(app): State<Arc<App>>, editor: Editor, Path(name): Path<String>, Form(form): Form<CsrfForm>) -> Response {
    if let Err(r) = editor.check_csrf(&form.csrf).and_then(|_| editor.require_admin()) {
        return r;
    }
    if name == editor.name() {
        return message(&app, &editor, StatusCode::CONFLICT, "you cannot remove yourself", "/users");
    }
    match users::remove(&app.store, &name).await {
        Ok(()) => redirect("/users"),
        Err(e) => message(&app, &editor, StatusCode::NOT_FOUND, &e.to_string(), "/users"),
    }
}
