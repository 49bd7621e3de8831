//! The help center: a static site of live, public articles.
//!
//! Entry points: [`render_markdown`] (Markdown → sanitized HTML), [`build_pages`] (pure: articles in,
//! pages out) and [`write_site`] (the one writer; it rewrites only files whose content changed, so an
//! unchanged publish keeps every mtime). Only approved or published articles with `audience: public`
//! are rendered; "also asked" phrasings, sources and internal notes never reach a page.

mod pages;
mod related;
mod strings;

pub use pages::build_pages;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use minijinja::value::Serde;
use minijinja::{Environment, Value};
use serde::{Deserialize, Serialize};

use crate::kb::Article;
use crate::stage::count;
use crate::guard::{Finding, Guard, Held};
use crate::stage::StageReport;

/// `[site]`
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SiteConfig {
    /// Output folder, relative to the workspace. Default: `site`.
    pub out_dir: PathBuf,
    /// The site's name. Default: empty, which is the language's own ([`SiteConfig::title`]):
    /// «Центр помощи» or "Help center".
    pub title: String,
    /// Default: empty.
    pub description: String,
    /// The site's name in another language's version, by language:
    /// `titles = { en = "PodarokPlus Help Center" }`. Default: none (`title` in every language).
    pub titles: BTreeMap<String, String>,
    /// The description in another language's version, by language. Default: none.
    pub descriptions: BTreeMap<String, String>,
    /// UI language, `ru` or `en`. Default: `ru`.
    pub language: String,
    /// Where "didn't help? contact support" points. Default: empty (no link).
    pub contact_url: String,
    /// The site's public address, e.g. `https://help.example.com/`: canonical URLs, OpenGraph,
    /// `sitemap.xml`. Default: empty (root-relative URLs, and no sitemap, whose URLs must be absolute).
    pub base_url: String,
    /// A folder whose `base.html`, `index.html`, `article.html`, `category.html`, `404.html` or
    /// `style.css` replace the default theme's, relative to the workspace. Default: `theme` (used
    /// only if it exists).
    pub theme_dir: Option<PathBuf>,
    /// Show an article's "also asked" phrasings on its page. They come from customers' own words
    /// (redacted), so by default they feed only search and the bot. Default: false.
    pub show_also_asked: bool,
    /// The address of `kbforge serve`, e.g. `https://support.example.com`: article pages then ask
    /// "Was this helpful? Yes / No" and post the answer to its `/api/vote`. Default: empty (no
    /// question; the site stays static and needs no server).
    pub feedback_url: String,
    /// Hosts images in article bodies may load from, besides the site itself (relative paths),
    /// e.g. `["cdn.example.com"]`; an image from anywhere else loses its source, on the help
    /// center and in the review app. Default: none.
    pub image_hosts: Vec<String>,
}

impl SiteConfig {
    /// The site as published for `articles`. Where `language` has no live public article and every
    /// one is in the UI's other language, that language is the site's: an English desk run with the
    /// default `ru` gets an English home page that lists its articles, not a Russian one that says
    /// there are none (and article links the bot gives that match).
    pub fn for_articles(&self, articles: &[Article]) -> SiteConfig {
        let languages: std::collections::BTreeSet<String> = articles
            .iter()
            .filter(|a| a.is_public_live())
            .map(Article::language)
            .filter(|l| pages::OTHER_LANGUAGES.contains(&l.as_str()))
            .collect();
        match languages.first() {
            Some(only) if languages.len() == 1 && *only != self.language => SiteConfig { language: only.clone(), ..self.clone() },
            _ => self.clone(),
        }
    }

    /// The help center's Content-Security-Policy: scripts and everything else from the site itself
    /// (Pagefind's search needs WebAssembly), images also from `image-hosts`, no plugins, no
    /// `<base>`, forms only to the site.
    pub fn content_security_policy(&self) -> String {
        let connect = self.feedback_origin().map(|o| format!("; connect-src 'self' {o}")).unwrap_or_default();
        format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:{}; object-src 'none'; base-uri 'none'; form-action 'self'{connect}",
            image_sources(&self.image_hosts)
        )
    }

    /// The site's name: `title`, or where it is not set, the help center's own name in its
    /// language, so a Russian help center is not called "Help center".
    pub fn title(&self) -> &str {
        self.title_in(&self.language)
    }

    /// The name of the site's `language` version: `title`, or the help center's own name in that
    /// language.
    pub fn title_in(&self, language: &str) -> &str {
        match (self.titles.get(language).map(|t| t.trim()).filter(|t| !t.is_empty()), self.title.trim()) {
            (Some(title), _) => title,
            (None, "") => strings::strings(language).home,
            (None, title) => title,
        }
    }

    /// The description of the site's `language` version: `descriptions`' own, else `description`.
    pub fn description_in(&self, language: &str) -> &str {
        self.descriptions.get(language).map(|d| d.trim()).filter(|d| !d.is_empty()).unwrap_or(&self.description)
    }

    /// `feedback-url`'s scheme, host and port, when it is an http(s) address.
    pub fn feedback_origin(&self) -> Option<String> {
        let url = self.feedback_url.trim();
        let (scheme, rest) = url.split_once("://")?;
        let host = rest.split('/').next().filter(|h| !h.is_empty() && !h.contains(['"', '\'', ' ', ';', ',']))?;
        matches!(scheme, "http" | "https").then(|| format!("{scheme}://{host}"))
    }

    /// Where the help center posts votes, when `feedback-url` is set.
    pub fn vote_endpoint(&self) -> Option<String> {
        self.feedback_origin()?;
        Some(format!("{}/api/vote", self.feedback_url.trim().trim_end_matches('/')))
    }
}

/// `image-hosts` as CSP sources (` https://host` each).
pub fn image_sources(hosts: &[String]) -> String {
    hosts.iter().map(|h| format!(" https://{}", h.trim_start_matches("https://").trim_end_matches('/'))).collect()
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            out_dir: PathBuf::from("site"),
            title: String::new(),
            description: String::new(),
            titles: BTreeMap::new(),
            descriptions: BTreeMap::new(),
            language: "ru".into(),
            contact_url: String::new(),
            show_also_asked: false,
            feedback_url: String::new(),
            image_hosts: Vec::new(),
            base_url: String::new(),
            theme_dir: Some(PathBuf::from("theme")),
        }
    }
}

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Path relative to the output folder.
    pub path: PathBuf,
    pub content: Vec<u8>,
}

impl Page {
    pub fn new(path: impl Into<PathBuf>, content: impl Into<Vec<u8>>) -> Page {
        Page { path: path.into(), content: content.into() }
    }

    /// The content as text (empty for binary search files).
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.content).unwrap_or_default()
    }
}


/// Markdown to HTML, then sanitized: no script, no event handlers, no `javascript:` links survive,
/// and an image keeps its source only when it is the site's own (a relative path) or on one of
/// `image_hosts`, so a page cannot make its readers' browsers call a stranger's server.
pub fn render_markdown(markdown: &str, image_hosts: &[String]) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    let hosts: Vec<String> = image_hosts.iter().map(|h| h.trim_start_matches("https://").trim_end_matches('/').to_lowercase()).collect();
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .attribute_filter(move |element, attribute, value| {
            if element == "img" && attribute == "src" && !image_allowed(value, &hosts) {
                None
            } else {
                Some(value.into())
            }
        })
        .clean(&out)
        .to_string()
}

/// A relative image path, or an `https` one on an allowed host.
fn image_allowed(src: &str, hosts: &[String]) -> bool {
    let src = src.trim();
    if !src.contains(':') && !src.starts_with("//") && !src.starts_with("\\\\") {
        return true;
    }
    let Some(rest) = src.strip_prefix("https://") else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("").to_lowercase();
    hosts.iter().any(|h| *h == host)
}

/// Starts Pagefind's search box on the home page.
/// "Was this helpful?": posts `article` and `helpful` as a form (a simple cross-origin request: no
/// preflight, no cookie), then thanks the reader; a reader who voted on this article sees the thanks.
const VOTE_JS: &str = include_str!("templates/vote.js");

const SEARCH_JS: &str = "window.addEventListener(\"DOMContentLoaded\", () => {\n  const ui = new PagefindUI({ element: \"#search\", showSubResults: false, showImages: false, resetStyles: false });\n  // Every other page's header box sends its query here as `?q=`.\n  const asked = new URLSearchParams(location.search).get(\"q\");\n  if (asked) ui.triggerSearch(asked);\n  // The search box is labelled by the page's visible question, not by its placeholder alone.\n  const label = () => document.querySelectorAll(\"#search input\").forEach((i) => i.setAttribute(\"aria-labelledby\", \"search-label\"));\n  label();\n  new MutationObserver(label).observe(document.getElementById(\"search\"), { childList: true, subtree: true });\n});\n";

/// The default theme: every template and the stylesheet. A file of the same name in
/// `[site] theme-dir` replaces one.
const THEME: [(&str, &str); 6] = [
    ("base.html", include_str!("templates/base.html")),
    ("index.html", include_str!("templates/index.html")),
    ("article.html", include_str!("templates/article.html")),
    ("404.html", include_str!("templates/404.html")),
    ("category.html", include_str!("templates/category.html")),
    ("style.css", include_str!("templates/style.css")),
];

/// The theme's files: the default ones, replaced by those the theme folder holds.
fn theme(config: &SiteConfig) -> Result<Vec<(&'static str, String)>, minijinja::Error> {
    THEME
        .iter()
        .map(|(name, default)| {
            let custom = config.theme_dir.as_ref().map(|d| d.join(name)).filter(|p| p.is_file());
            match custom {
                Some(path) => std::fs::read_to_string(&path).map(|text| (*name, text)).map_err(|e| {
                    minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, format!("cannot read theme file `{}`: {e}", path.display()))
                }),
                None => Ok((*name, default.to_string())),
            }
        })
        .collect()
}

fn environment(theme: &[(&'static str, String)]) -> Result<Environment<'static>, minijinja::Error> {
    let mut env = Environment::new();
    for (name, source) in theme.iter().filter(|(n, _)| n.ends_with(".html")) {
        env.add_template_owned(*name, source.clone())?;
    }
    Ok(env)
}

#[derive(Serialize, Clone, Debug)]
struct Link {
    id: String,
    title: String,
}

/// The public address of an article's page, which the bot's index gives as its link.
pub fn article_url(config: &SiteConfig, article: &Article) -> String {
    absolute(config, &pages::article_path(config, article))
}

/// The public address of a page: `[site] base-url` + its path (root-relative without a base URL).
fn absolute(config: &SiteConfig, rel: &str) -> String {
    format!("{}/{}", config.base_url.trim_end_matches('/'), rel)
}

/// JSON for a `<script type="application/ld+json">`: `<` is escaped, so no text can close the tag.
fn json_ld(value: &serde_json::Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

/// Plain text of rendered HTML, for descriptions and structured data.
fn plain(html: &str) -> String {
    let text = ammonia::Builder::empty().clean(html).to_string();
    let text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The Pagefind search index of the site language's article pages (stemmed in `language`, so an
/// inflected query finds the article), as files under `pagefind/`: the index, its fragments, and
/// Pagefind's search UI. [`search_indexes`] gives every language its own.
pub async fn search_index(pages: &[Page], language: &str) -> anyhow::Result<Vec<Page>> {
    search_index_at(pages, "", language).await
}

/// One search index per language of the site: the site language's under `pagefind/`, another's
/// under `<language>/pagefind/`, each over its own article pages.
pub async fn search_indexes(pages: &[Page], config: &SiteConfig) -> anyhow::Result<Vec<Page>> {
    let mut out = search_index_at(pages, "", &config.language).await?;
    for language in pages::OTHER_LANGUAGES.iter().filter(|l| **l != config.language) {
        let prefix = format!("{language}/");
        if pages.iter().any(|p| p.path.starts_with(format!("{prefix}articles"))) {
            out.extend(search_index_at(pages, &prefix, language).await?);
        }
    }
    Ok(out)
}

async fn search_index_at(pages: &[Page], prefix: &str, language: &str) -> anyhow::Result<Vec<Page>> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;
    let options = PagefindServiceConfig::builder().keep_index_url(false).force_language(language.to_string()).build();
    let mut index = PagefindIndex::new(Some(options)).map_err(|e| anyhow::anyhow!("pagefind: {e}"))?;
    let articles = Path::new(prefix).join("articles");
    for page in pages.iter().filter(|p| p.path.starts_with(&articles)) {
        let rel = page.path.strip_prefix(prefix).unwrap_or(&page.path);
        index
            .add_html_file(Some(rel.to_string_lossy().into_owned()), None, page.text().to_string())
            .await
            .map_err(|e| anyhow::anyhow!("pagefind cannot index `{}`: {e}", page.path.display()))?;
    }
    let files = index.get_files().await.map_err(|e| anyhow::anyhow!("pagefind: {e}"))?;
    Ok(files.into_iter().map(|f| Page::new(Path::new(prefix).join("pagefind").join(&f.filename), f.contents)).collect())
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// What a write changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteCounts {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

/// Writes pages that differ from what is on disk and removes article pages no longer published.
pub fn write_site(out_dir: &Path, pages: &[Page]) -> std::io::Result<WriteCounts> {
    let (mut counts, _) = write_files(out_dir, pages)?;
    let prefixes: Vec<String> = std::iter::once(String::new()).chain(pages::OTHER_LANGUAGES.iter().map(|l| format!("{l}/"))).collect();
    counts.removed = prune(out_dir, pages.iter().map(|p| out_dir.join(&p.path)).collect(), &prefixes)?;
    Ok(counts)
}

/// Writes the pages whose content differs from the file on disk (each file is read once); returns
/// the counts and the paths written.
fn write_files(out_dir: &Path, pages: &[Page]) -> std::io::Result<(WriteCounts, Vec<PathBuf>)> {
    let mut counts = WriteCounts::default();
    let mut written = Vec::new();
    for page in pages {
        let path = crate::atomic::within(out_dir, &page.path)?;
        if std::fs::read(&path).is_ok_and(|old| old == page.content) {
            counts.unchanged += 1;
            continue;
        }
        crate::atomic::write(&path, &page.content)?;
        counts.written += 1;
        written.push(page.path.clone());
    }
    Ok((counts, written))
}

/// Removes the files of article and category pages no longer live, and outdated search files:
/// everything under those folders of each language (`prefixes`: `""`, `"en/"`) that is not
/// `wanted`, and the home of a language no article is in any more. Returns how many.
fn prune(out_dir: &Path, wanted: std::collections::HashSet<PathBuf>, prefixes: &[String]) -> std::io::Result<usize> {
    let mut removed = 0;
    for prefix in prefixes.iter().filter(|p| !p.is_empty()) {
        let home = out_dir.join(prefix).join("index.html");
        if home.is_file() && !wanted.contains(&home) {
            std::fs::remove_file(home)?;
            removed += 1;
        }
    }
    let dirs = prefixes.iter().flat_map(|p| ["articles", "categories", "pagefind"].map(|d| format!("{p}{d}")));
    for dir in dirs {
        for entry in walkdir::WalkDir::new(out_dir.join(dir)).into_iter().filter_map(Result::ok) {
            let path = entry.path();
            if entry.file_type().is_file() && !wanted.contains(path) {
                std::fs::remove_file(path)?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

/// The files under `out_dir/dir`, as paths under `out_dir`.
fn files_under(out_dir: &Path, dir: &str) -> Vec<PathBuf> {
    walkdir::WalkDir::new(out_dir.join(dir))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

/// What the publish guard finds in an article as the help center would show it: its title, its
/// topic, the text and the links of its rendered body, and its "also asked" phrasings when the site
/// shows them.
pub fn article_findings(guard: &Guard, a: &Article, config: &SiteConfig) -> Vec<Finding> {
    let html = render_markdown(&a.body, &config.image_hosts);
    let mut out = guard.scan("title", &a.front.title);
    out.extend(guard.scan("topic", &a.front.topic));
    out.extend(guard.scan("body", &plain(&html)));
    // Link targets and image sources are in the page too, though not in its text.
    for m in ATTRIBUTE_RE.captures_iter(&html) {
        for f in guard.scan("body (link)", &m[1]) {
            if !out.iter().any(|o| o.masked == f.masked) {
                out.push(f);
            }
        }
    }
    if config.show_also_asked {
        for (i, phrasing) in a.front.also_asked.iter().enumerate() {
            out.extend(guard.scan(&format!("also_asked[{i}]"), phrasing));
        }
    }
    out
}

static ATTRIBUTE_RE: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r#"(?:href|src|title|alt)="([^"]*)""#).expect("valid attribute regex"));

/// The `publish site` stage. Approved articles that made it onto the site become `published`. A live
/// article in which the publish guard finds personal data is held back: its page is not written (or
/// is removed), the rest of the site goes on, and it is returned with the findings.
pub async fn publish(articles: &[Article], config: &SiteConfig, guard: &Guard, root: &Path, kb_dir: &Path) -> anyhow::Result<(StageReport, Held)> {
    let started = Instant::now();
    let configured = &config.language;
    let config = &SiteConfig { theme_dir: config.theme_dir.as_ref().map(|d| root.join(d)), ..config.for_articles(articles) };
    let held: Held = articles
        .iter()
        .filter(|a| a.is_public_live())
        .filter_map(|a| {
            let findings = article_findings(guard, a, config);
            (!findings.is_empty()).then(|| (a.front.id.clone(), findings))
        })
        .collect();
    let shown: Vec<Article> = articles.iter().filter(|a| !held.iter().any(|(id, _)| *id == a.front.id)).cloned().collect();
    let articles = &shown[..];
    let pages = build_pages(articles, config)?;
    let out_dir = root.join(&config.out_dir);
    // A publish killed midway may have left temporary files, and article pages newer than the
    // search index: the marker, present from here to the end, says the next run must rebuild it.
    let marker = out_dir.join(".kbforge-publishing");
    let interrupted = marker.exists();
    crate::atomic::sweep(&out_dir)?;
    std::fs::create_dir_all(&out_dir)?;
    std::fs::write(&marker, b"")?;
    let prefixes = pages::prefixes(config);
    let is_article = |p: &Path| prefixes.iter().any(|pre| p.starts_with(Path::new(pre).join("articles")));
    let article_pages = pages.iter().filter(|p| is_article(&p.path)).count();
    let articles_on_disk: usize =
        prefixes.iter().map(|pre| std::fs::read_dir(out_dir.join(pre).join("articles")).map(|d| d.filter_map(Result::ok).count()).unwrap_or(0)).sum();
    let (mut counts, written) = write_files(&out_dir, &pages)?;
    let mut wanted: std::collections::HashSet<PathBuf> = pages.iter().map(|p| out_dir.join(&p.path)).collect();
    // Pagefind indexes the article pages: while none of them changed, its files stay as they are.
    let articles_changed = articles_on_disk != article_pages || written.iter().any(|p| is_article(p));
    let mut total = pages.len();
    if articles_changed || interrupted || !out_dir.join("pagefind/pagefind-entry.json").is_file() {
        let search = search_indexes(&pages, config).await?;
        let (search_counts, _) = write_files(&out_dir, &search)?;
        counts.written += search_counts.written;
        counts.unchanged += search_counts.unchanged;
        total += search.len();
        wanted.extend(search.iter().map(|p| out_dir.join(&p.path)));
    } else {
        let kept: Vec<PathBuf> = prefixes.iter().flat_map(|pre| files_under(&out_dir, &format!("{pre}pagefind"))).collect();
        counts.unchanged += kept.len();
        total += kept.len();
        wanted.extend(kept);
    }
    // Every language's folder: a site whose language changed has pages under the old prefix.
    let every: Vec<String> = std::iter::once(String::new()).chain(pages::OTHER_LANGUAGES.iter().map(|l| format!("{l}/"))).collect();
    counts.removed = prune(&out_dir, wanted, &every)?;
    std::fs::remove_file(&marker)?;
    let now = crate::store::now();
    for a in articles.iter().filter(|a| a.is_public_live() && a.front.status == crate::kb::Status::Approved) {
        crate::kb::set_front_matter_fields(&kb_dir.join(&a.path), &[("status", "published"), ("published_by", "kbforge publish"), ("published_at", &now)])?;
    }
    let live = articles.iter().filter(|a| a.is_public_live()).count();
    let mut report = StageReport::new("publish site", started);
    report.processed = total;
    report.written = counts.written;
    report.unchanged = counts.unchanged;
    report.summary = format!(
        "{} articles live of {} in the knowledge base: {} pages written, {} unchanged, {} removed -> {}",
        count(live),
        count(articles.len()),
        count(counts.written),
        count(counts.unchanged),
        count(counts.removed),
        out_dir.join("index.html").display()
    );
    if config.language != *configured {
        report.summary.push_str(&format!(
            "; the site is in {}, the language of every live article (none is in `[site] language = \"{configured}\"`)",
            config.language
        ));
    }
    crate::guard::report_held(&mut report, &held);
    Ok((report.finish(started), held))
}

/// A serde value as a template value.
fn to_value<T: Serialize>(v: T) -> Value {
    Value::from(Serde(v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::Article;

    fn article(id: &str, status: &str, audience: &str, body: &str) -> Article {
        let text = format!("---\nid: {id}\ntitle: Вопрос {id}\nstatus: {status}\naudience: {audience}\ntopic: баланс\nalso_asked: [\"секретная формулировка\"]\n---\n{body}\n");
        Article::parse(Path::new("x.md"), &text).unwrap()
    }

    #[test]
    fn a_site_whose_language_has_no_article_takes_its_articles_language() {
        let english = |id: &str| {
            let text = format!("---\nid: {id}\ntitle: How do I reset my password?\nstatus: approved\naudience: public\n---\nOpen the sign-in page and choose Forgot password.\n");
            Article::parse(Path::new("x.md"), &text).unwrap()
        };
        let articles = [english("reset"), english("reset-2")];
        let config = SiteConfig::default().for_articles(&articles);
        assert_eq!(config.language, "en");
        let pages = build_pages(&articles, &config).unwrap();
        let home = pages.iter().find(|p| p.path.to_str() == Some("index.html")).unwrap().text().to_string();
        assert!(home.contains("How do I reset my password?") && home.contains("lang=\"en\""), "{home}");
        assert_eq!(article_url(&config, &articles[0]), "/articles/reset.html");
        // With one Russian article the site stays Russian, and the English ones live under `en/`.
        let mixed = [english("reset"), article("balans", "approved", "public", "Баланс виден в личном кабинете на сайте.")];
        let config = SiteConfig::default().for_articles(&mixed);
        assert_eq!(config.language, "ru");
        assert_eq!(article_url(&config, &mixed[0]), "/en/articles/reset.html");
        assert_eq!(article_url(&config, &mixed[1]), "/articles/balans.html");
    }

    #[test]
    fn a_theme_folder_overrides_templates() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("article.html"), "{% extends \"base.html\" %}{% block main %}<h1 class=custom>{{ article.title }}</h1>{% endblock %}").unwrap();
        std::fs::write(dir.path().join("style.css"), "body { color: teal }").unwrap();
        let config = SiteConfig { theme_dir: Some(dir.path().to_path_buf()), ..SiteConfig::default() };
        let pages = build_pages(&[article("a", "approved", "public", "Текст")], &config).unwrap();
        let get = |p: &str| pages.iter().find(|x| x.path.to_str() == Some(p)).unwrap().text().to_string();
        assert!(get("articles/a.html").contains("<h1 class=custom>Вопрос a</h1>"));
        assert_eq!(get("style.css"), "body { color: teal }");
        assert!(get("index.html").contains("Вопрос a"), "the other templates stay the default ones");
        std::fs::write(dir.path().join("index.html"), "{% if %}").unwrap();
        let err = build_pages(&[], &config).unwrap_err().to_string();
        assert!(err.contains("index.html"), "{err}");
    }

    #[test]
    fn also_asked_is_shown_only_when_configured() {
        let articles = [article("a", "approved", "public", "Текст")];
        let page = |show: bool| {
            let config = SiteConfig { show_also_asked: show, ..SiteConfig::default() };
            build_pages(&articles, &config).unwrap().into_iter().find(|p| p.path.ends_with("a.html")).unwrap().text().to_string()
        };
        assert!(!page(false).contains("секретная формулировка"));
        assert!(page(true).contains("<li>секретная формулировка</li>"));
    }

    #[test]
    fn sanitizes_script() {
        let html = render_markdown("Hi <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))", &[]);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn only_live_public_articles_are_pages() {
        let articles = vec![
            article("a", "approved", "public", "Ответ A"),
            article("b", "draft", "public", "Ответ B"),
            article("c", "approved", "internal", "Ответ C"),
            article("d", "published", "public", "Ответ D"),
        ];
        let pages = build_pages(&articles, &SiteConfig::default()).unwrap();
        let names: Vec<String> = pages.iter().map(|p| p.path.display().to_string()).collect();
        assert!(names.contains(&"articles/a.html".to_string()));
        assert!(names.contains(&"articles/d.html".to_string()));
        assert!(!names.iter().any(|n| n.contains("/b.") || n.contains("/c.")));
        let all: String = pages.iter().map(|p| p.text()).collect();
        assert!(!all.contains("Ответ B") && !all.contains("Ответ C"));
        assert!(!all.contains("секретная формулировка"));
        assert!(all.contains("Ответ A"));
    }
}
