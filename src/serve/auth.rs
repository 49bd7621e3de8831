//! Logging in and out, the session extractor, CSRF checks and roles.
//!
//! The session cookie `kbf_session` holds a random token (only its hash is stored); it is
//! `HttpOnly` and `SameSite=Strict`, `Secure` when `[serve] secure-cookies` says so. Each session has
//! its own CSRF token, which every form carries in a hidden `csrf` field and the live preview in an
//! `X-CSRF-Token` header. The login form, made before any session exists, is protected by a
//! double-submit token: the same random value in a cookie and in the form.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::header::{COOKIE, LOCATION, REFERER, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use super::{i18n, App};
use crate::review::users::{self, Role, Session};

pub const SESSION_COOKIE: &str = "kbf_session";
const LOGIN_COOKIE: &str = "kbf_login";
const LANG_COOKIE: &str = "kbf_lang";

/// The value of a cookie in the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn set_cookie(app: &App, name: &str, value: &str, path: &str, max_age: i64) -> HeaderValue {
    let secure = if app.ws.config.serve.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"))
        .expect("cookie values are hex or fixed words")
}

/// The UI language of a request: the `kbf_lang` cookie, else `[site] language`.
pub fn lang(app: &App, headers: &HeaderMap) -> String {
    cookie(headers, LANG_COOKIE).filter(|l| i18n::supported(l)).unwrap_or_else(|| app.default_lang().to_string())
}

/// A 303 redirect.
pub fn redirect(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, to.to_string())]).into_response()
}

/// A logged-in editor. Handlers that take one answer a visitor without a session with a redirect to
/// the login page.
pub struct Editor {
    pub session: Session,
    pub lang: String,
}

impl Editor {
    pub fn name(&self) -> &str {
        &self.session.user.name
    }

    pub fn is_admin(&self) -> bool {
        self.session.user.role == Role::Admin
    }

    /// 403 unless `token` is this session's CSRF token.
    pub fn check_csrf(&self, token: &str) -> Result<(), Response> {
        if users::same_secret(token, &self.session.csrf) {
            Ok(())
        } else {
            Err((StatusCode::FORBIDDEN, i18n::strings(&self.lang).csrf_failed).into_response())
        }
    }

    /// 403 unless the editor is an admin.
    pub fn require_admin(&self) -> Result<(), Response> {
        if self.is_admin() {
            Ok(())
        } else {
            Err((StatusCode::FORBIDDEN, i18n::strings(&self.lang).admins_only).into_response())
        }
    }
}

impl FromRequestParts<Arc<App>> for Editor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Self::Rejection> {
        let lang = lang(app, &parts.headers);
        let to_login = || {
            let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
            redirect(&format!("/login?next={}", urlencode(next)))
        };
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else { return Err(to_login()) };
        match users::session(&app.store, &token).await {
            Ok(Some(session)) => Ok(Editor { session, lang }),
            Ok(None) => Err(to_login()),
            Err(e) => Err((StatusCode::INTERNAL_SERVER_ERROR, format!("store error: {e}")).into_response()),
        }
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Only a path of this app is a safe place to go after logging in or switching the language: it
/// starts with one `/`, and holds no whitespace or control character (browsers drop a tab or a
/// newline, so `/\t/evil.example` would become `//evil.example`) and no backslash (which they
/// read as `/`).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control()) => {
            n.to_string()
        }
        _ => "/articles".to_string(),
    }
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

pub async fn login_page(State(app): State<Arc<App>>, headers: HeaderMap, Query(q): Query<LoginQuery>) -> Response {
    login_form(&app, &lang(&app, &headers), q.next.as_deref(), None, StatusCode::OK)
}

fn login_form(app: &App, lang: &str, next: Option<&str>, error: Option<&str>, status: StatusCode) -> Response {
    let token = users::random_token();
    let html = super::render(
        app,
        "login.html",
        lang,
        None,
        minijinja::context! { login_token => token.clone(), next => safe_next(next), error => error },
    );
    let mut response = (status, html).into_response();
    response.headers_mut().append(SET_COOKIE, set_cookie(app, LOGIN_COOKIE, &token, "/login", 3600));
    response
}

#[derive(Deserialize)]
pub struct LoginForm {
    name: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

/// The client's address, when the server was started with it (`kbforge serve` is).
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip())))
    }
}

/// A user name as it may go into a log line: at most 64 characters, printed with `?` so that a
/// newline cannot forge a line of its own.
fn loggable(name: &str) -> String {
    name.chars().take(64).collect()
}

pub async fn login(State(app): State<Arc<App>>, headers: HeaderMap, ClientAddr(addr): ClientAddr, Form(form): Form<LoginForm>) -> Response {
    let lang = lang(&app, &headers);
    let t = i18n::strings(&lang);
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !users::same_secret(&form.csrf, &expected) {
        return login_form(&app, &lang, form.next.as_deref(), Some(t.csrf_failed), StatusCode::FORBIDDEN);
    }
    let name = form.name.trim();
    let mut keys = vec![format!("user:{}", name.to_lowercase())];
    keys.extend(addr.map(|a| format!("addr:{a}")));
    if let Some(wait) = app.throttle.locked(&keys, std::time::Instant::now()) {
        tracing::warn!(user = ?loggable(name), addr = ?addr, "login refused: too many failed logins");
        let mut response = login_form(&app, &lang, form.next.as_deref(), Some(t.too_many_logins), StatusCode::TOO_MANY_REQUESTS);
        let seconds = HeaderValue::from_str(&wait.as_secs().max(1).to_string()).expect("digits");
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds);
        return response;
    }
    let checked = {
        let _permit = app.password_checks.acquire().await;
        users::authenticate(&app.store, name, &form.password).await
    };
    match checked {
        Ok(Some(user)) => match users::start_session(&app.store, &user.name).await {
            Ok(token) => {
                app.throttle.clear(&keys[0]);
                tracing::info!(user = ?loggable(&user.name), "editor logged in");
                let mut response = redirect(&safe_next(form.next.as_deref()));
                let headers = response.headers_mut();
                headers.append(SET_COOKIE, set_cookie(&app, SESSION_COOKIE, &token, "/", users::SESSION_HOURS * 3600));
                headers.append(SET_COOKIE, set_cookie(&app, LOGIN_COOKIE, "", "/login", 0));
                response
            }
            Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("store error: {e}")).into_response(),
        },
        Ok(None) => {
            app.throttle.fail(&keys, std::time::Instant::now());
            tracing::warn!(user = ?loggable(name), addr = ?addr, "failed login");
            login_form(&app, &lang, form.next.as_deref(), Some(t.bad_login), StatusCode::UNAUTHORIZED)
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("store error: {e}")).into_response(),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    pub csrf: String,
}

pub async fn logout(State(app): State<Arc<App>>, headers: HeaderMap, editor: Editor, Form(form): Form<CsrfForm>) -> Response {
    if let Err(r) = editor.check_csrf(&form.csrf) {
        return r;
    }
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let _ = users::end_session(&app.store, &token).await;
    }
    let mut response = redirect("/login");
    response.headers_mut().append(SET_COOKIE, set_cookie(&app, SESSION_COOKIE, "", "/", 0));
    response
}

/// `GET /lang/ru|en`: remembers the UI language and goes back to the page the link was on.
pub async fn set_lang(State(app): State<Arc<App>>, headers: HeaderMap, Path(code): Path<String>) -> Response {
    if !i18n::supported(&code) {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    }
    let back = headers
        .get(REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| r.find("://").map(|i| &r[i + 3..]))
        .and_then(|r| r.find('/').map(|i| r[i..].to_string()));
    let mut response = redirect(&safe_next(back.as_deref()));
    response.headers_mut().append(SET_COOKIE, set_cookie(&app, LANG_COOKIE, &code, "/", 365 * 24 * 3600));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cookies_and_keeps_redirects_local() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; kbf_session=abc; b=2"));
        assert_eq!(cookie(&headers, "kbf_session").as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "c"), None);
        assert_eq!(safe_next(Some("/articles/x")), "/articles/x");
        assert_eq!(safe_next(Some("//evil.example")), "/articles");
        assert_eq!(safe_next(Some("https://evil.example")), "/articles");
        // Browsers drop tabs and newlines from a URL and read a backslash as a slash.
        for evil in ["/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\\evil.example", "\\/evil.example", "/ /evil.example", "/\u{0}/evil.example"] {
            assert_eq!(safe_next(Some(evil)), "/articles", "{evil:?}");
        }
        assert_eq!(safe_next(Some("/articles?state=draft&topic=%D0%B1")), "/articles?state=draft&topic=%D0%B1");
    }

    #[test]
    fn a_user_name_cannot_forge_a_log_line() {
        let forged = "maria\n2026-12-03T10:00:00Z  INFO editor logged in user=admin";
        let logged = format!("{:?}", loggable(forged));
        assert!(!logged.contains('\n') && logged.contains("\\n"), "{logged}");
        assert_eq!(loggable(&"я".repeat(100)).chars().count(), 64);
        assert_eq!(urlencode("/articles?state=draft&topic=баланс"), "/articles%3Fstate%3Ddraft%26topic%3D%D0%B1%D0%B0%D0%BB%D0%B0%D0%BD%D1%81");
    }
}
