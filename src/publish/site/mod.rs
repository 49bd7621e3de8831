//! The help center: a static site of live, public articles.
//!
//! Entry points: [`render_markdown`] (Markdown → sanitized HTML), [`build_pages`] (pure: articles in,
//! pages out) and [`write_site`] (the one writer; it rewrites only files whose content changed, so an
//! unchanged publish keeps every mtime). Only approved or published articles with `audience: public`
//! are rendered; "also asked" phrasings, sources and internal notes never reach a page.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use minijinja::value::Serde;
use minijinja::{context, Environment, Value};
use serde::{Deserialize, Serialize};

use crate::kb::Article;
use crate::pipeline::report::count;
use crate::pipeline::StageReport;

/// `[site]`
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct SiteConfig {
    /// Output folder, relative to the workspace. Default: `site`.
    pub out_dir: PathBuf,
    /// Default: `Help center`.
    pub title: String,
    /// Default: empty.
    pub description: String,
    /// UI language, `ru` or `en`. Default: `ru`.
    pub language: String,
    /// Where "didn't help? contact support" points. Default: empty (no link).
    pub contact_url: String,
    /// Show an article's "also asked" phrasings on its page. They come from customers' own words
    /// (redacted), so by default they feed only search and the bot. Default: false.
    pub show_also_asked: bool,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            out_dir: PathBuf::from("site"),
            title: "Help center".into(),
            description: String::new(),
            language: "ru".into(),
            contact_url: String::new(),
            show_also_asked: false,
        }
    }
}

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Path relative to the output folder.
    pub path: PathBuf,
    pub content: String,
}

#[derive(Serialize)]
struct Strings {
    skip: &'static str,
    how_can_we_help: &'static str,
    no_articles: &'static str,
    home: &'static str,
    breadcrumbs: &'static str,
    related: &'static str,
    didnt_help: &'static str,
    contact: &'static str,
    not_found: &'static str,
    generated: &'static str,
    other: &'static str,
    also_asked: &'static str,
}

fn strings(language: &str) -> Strings {
    match language {
        "en" => Strings {
            skip: "Skip to content",
            how_can_we_help: "How can we help?",
            no_articles: "No articles yet.",
            home: "Help center",
            breadcrumbs: "Breadcrumbs",
            related: "Related articles",
            didnt_help: "Didn't find an answer?",
            contact: "Contact support",
            not_found: "Page not found",
            generated: "Built with kbforge",
            other: "Other questions",
            also_asked: "Also asked as",
        },
        _ => Strings {
            skip: "Перейти к содержимому",
            how_can_we_help: "Чем мы можем помочь?",
            no_articles: "Статей пока нет.",
            home: "Центр помощи",
            breadcrumbs: "Навигация",
            related: "Похожие статьи",
            didnt_help: "Не нашли ответ?",
            contact: "Напишите в поддержку",
            not_found: "Страница не найдена",
            generated: "Собрано kbforge",
            other: "Другие вопросы",
            also_asked: "Также спрашивают",
        },
    }
}

/// Markdown to HTML, then sanitized: no script, no event handlers, no `javascript:` links survive.
pub fn render_markdown(markdown: &str) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    ammonia::Builder::default().link_rel(Some("noopener noreferrer nofollow")).clean(&out).to_string()
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.add_template("base.html", include_str!("templates/base.html")).expect("base template");
    env.add_template("index.html", include_str!("templates/index.html")).expect("index template");
    env.add_template("article.html", include_str!("templates/article.html")).expect("article template");
    env.add_template("404.html", include_str!("templates/404.html")).expect("404 template");
    env
}

#[derive(Serialize, Clone, Debug)]
struct Link {
    id: String,
    title: String,
}

/// Renders every page of the site (pure).
pub fn build_pages(articles: &[Article], config: &SiteConfig) -> Result<Vec<Page>, minijinja::Error> {
    let env = environment();
    let t = to_value(strings(&config.language));
    let other = strings(&config.language).other;
    let site = context! {
        title => &config.title,
        description => &config.description,
        language => &config.language,
        contact_url => &config.contact_url,
    };
    let mut live: Vec<&Article> = articles.iter().filter(|a| a.is_public_live()).collect();
    live.sort_by(|a, b| b.front.tickets.unwrap_or(0).cmp(&a.front.tickets.unwrap_or(0)).then(a.front.id.cmp(&b.front.id)));
    let category = |a: &Article| if a.front.topic.is_empty() { other.to_string() } else { capitalize(&a.front.topic) };
    let mut categories: BTreeMap<String, Vec<Link>> = BTreeMap::new();
    for a in &live {
        categories.entry(category(a)).or_default().push(Link { id: a.front.id.clone(), title: a.front.title.clone() });
    }
    let category_list: Vec<_> =
        categories.iter().map(|(title, articles)| context! { title => title, articles => to_value(articles) }).collect();
    let mut pages = Vec::new();
    pages.push(Page {
        path: PathBuf::from("index.html"),
        content: env.get_template("index.html")?.render(context! { site => &site, t => &t, root => "", categories => category_list })?,
    });
    for a in &live {
        let cat = category(a);
        let related: Vec<&Link> = categories[&cat].iter().filter(|l| l.id != a.front.id).take(5).collect();
        let html = render_markdown(&a.body);
        let summary: String = a.body.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(160).collect();
        let also_asked: &[String] = if config.show_also_asked { &a.front.also_asked } else { &[] };
        let article = context! { title => &a.front.title, html => html, category => cat, summary => summary, also_asked => Serde(also_asked) };
        pages.push(Page {
            path: PathBuf::from("articles").join(format!("{}.html", a.front.id)),
            content: env.get_template("article.html")?.render(context! { site => &site, t => &t, root => "../", article => article, related => to_value(&related) })?,
        });
    }
    pages.push(Page {
        path: PathBuf::from("404.html"),
        content: env.get_template("404.html")?.render(context! { site => &site, t => &t, root => "" })?,
    });
    pages.push(Page { path: PathBuf::from("style.css"), content: include_str!("templates/style.css").to_string() });
    Ok(pages)
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
    let mut counts = WriteCounts::default();
    for page in pages {
        let path = out_dir.join(&page.path);
        if std::fs::read(&path).is_ok_and(|old| old == page.content.as_bytes()) {
            counts.unchanged += 1;
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = path.with_extension("tmp-kbforge");
        std::fs::write(&tmp, &page.content)?;
        std::fs::rename(&tmp, &path)?;
        counts.written += 1;
    }
    let wanted: std::collections::HashSet<PathBuf> = pages.iter().map(|p| out_dir.join(&p.path)).collect();
    if let Ok(entries) = std::fs::read_dir(out_dir.join("articles")) {
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.extension().and_then(|e| e.to_str()) == Some("html") && !wanted.contains(&path) {
                std::fs::remove_file(&path)?;
                counts.removed += 1;
            }
        }
    }
    Ok(counts)
}

/// The `publish site` stage. Approved articles that made it onto the site become `published`.
pub fn publish(articles: &[Article], config: &SiteConfig, root: &Path, kb_dir: &Path) -> anyhow::Result<StageReport> {
    let started = Instant::now();
    let pages = build_pages(articles, config)?;
    let out_dir = root.join(&config.out_dir);
    let counts = write_site(&out_dir, &pages)?;
    let now = crate::store::now();
    for a in articles.iter().filter(|a| a.is_public_live() && a.front.status == crate::kb::Status::Approved) {
        crate::kb::set_front_matter_fields(&kb_dir.join(&a.path), &[("status", "published"), ("published_by", "kbforge publish"), ("published_at", &now)])?;
    }
    let live = articles.iter().filter(|a| a.is_public_live()).count();
    let mut report = StageReport::new("publish site", started);
    report.processed = pages.len();
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
    Ok(report.finish(started))
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
    fn also_asked_is_shown_only_when_configured() {
        let articles = [article("a", "approved", "public", "Текст")];
        let page = |show: bool| {
            let config = SiteConfig { show_also_asked: show, ..SiteConfig::default() };
            build_pages(&articles, &config).unwrap().into_iter().find(|p| p.path.ends_with("a.html")).unwrap().content
        };
        assert!(!page(false).contains("секретная формулировка"));
        assert!(page(true).contains("<li>секретная формулировка</li>"));
    }

    #[test]
    fn sanitizes_script() {
        let html = render_markdown("Hi <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))");
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
        let all: String = pages.iter().map(|p| p.content.as_str()).collect();
        assert!(!all.contains("Ответ B") && !all.contains("Ответ C"));
        assert!(!all.contains("секретная формулировка"));
        assert!(all.contains("Ответ A"));
    }
}

/// A serde value as a template value.
fn to_value<T: Serialize>(v: T) -> Value {
    Value::from(Serde(v))
}
