//! The help center's pages, one site per language: the site language (`[site] language`) at the
//! root, every other language its articles are written in under `/<language>/`, each with its own
//! home, categories, UI words and search index. An article's language is `language` in its front
//! matter, else detected ([`crate::kb::Article::language`]); articles sharing a `translation_of`
//! key are translations of each other, linked by `hreflang` and the language switch.

use std::collections::BTreeMap;

use minijinja::value::Serde;
use minijinja::context;

use super::strings::strings;
use super::{absolute, capitalize, environment, json_ld, plain, render_markdown, theme, to_value, Link, Page, SiteConfig, SEARCH_JS, VOTE_JS};
use crate::kb::Article;

/// The languages a site can have (the UI speaks them).
pub const OTHER_LANGUAGES: [&str; 2] = ["ru", "en"];

/// Each language's folder: `""` for the site language, `"<language>/"` for the others.
pub fn prefixes(config: &SiteConfig) -> Vec<String> {
    std::iter::once(String::new()).chain(OTHER_LANGUAGES.iter().filter(|l| **l != config.language).map(|l| format!("{l}/"))).collect()
}

fn prefix(config: &SiteConfig, language: &str) -> String {
    if language == config.language {
        String::new()
    } else {
        format!("{language}/")
    }
}

/// The language of the site part an article is shown in: its own, or the site language for one the
/// UI does not speak.
fn site_language(config: &SiteConfig, article: &Article) -> String {
    let language = article.language();
    if OTHER_LANGUAGES.contains(&language.as_str()) {
        language
    } else {
        config.language.clone()
    }
}

/// An article page's path in the site: `articles/<id>.html`, under `en/` (or `ru/`) where the
/// article's language is not the site's.
pub fn article_path(config: &SiteConfig, article: &Article) -> String {
    format!("{}articles/{}.html", prefix(config, &site_language(config, article)), article.front.id)
}

fn language_name(language: &str) -> &'static str {
    match language {
        "en" => "English",
        _ => "Русский",
    }
}

/// A page's other-language versions, for `hreflang` links and the language switch.
#[derive(serde::Serialize)]
struct Alternate {
    lang: String,
    name: &'static str,
    href: String,
    /// The page itself.
    current: bool,
}

/// Renders every page of the site (pure): per language a home, categories and articles; one 404,
/// stylesheet, scripts, `sitemap.xml` (every language) and `robots.txt`. The search files come
/// from [`super::search_indexes`].
pub fn build_pages(articles: &[Article], config: &SiteConfig) -> Result<Vec<Page>, minijinja::Error> {
    let theme = theme(config)?;
    let env = environment(&theme)?;
    let mut live: Vec<&Article> = articles.iter().filter(|a| a.is_public_live()).collect();
    live.sort_by(|a, b| b.front.tickets.unwrap_or(0).cmp(&a.front.tickets.unwrap_or(0)).then(a.front.id.cmp(&b.front.id)));
    let language_of = |a: &Article| site_language(config, a);
    let mut by_language: BTreeMap<String, Vec<&Article>> = BTreeMap::from([(config.language.clone(), Vec::new())]);
    for a in &live {
        by_language.entry(language_of(a)).or_default().push(a);
    }
    // Translations: the articles sharing a key, by language.
    let mut translations: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for a in &live {
        let path = article_path(config, a);
        translations.entry(a.translation_key()).or_default().entry(language_of(a)).or_insert(path);
    }
    let homes: Vec<(String, String)> = by_language.keys().map(|l| (l.clone(), format!("{}index.html", prefix(config, l)))).collect();
    let alternates = |own: &str, versions: &BTreeMap<String, String>| -> Vec<Alternate> {
        if homes.len() < 2 {
            return Vec::new();
        }
        homes
            .iter()
            .map(|(lang, home)| Alternate {
                lang: lang.clone(),
                name: language_name(lang),
                href: absolute(config, versions.get(lang).unwrap_or(home)),
                current: lang == own,
            })
            .collect()
    };

    let mut pages = Vec::new();
    let mut sitemap = Vec::new();
    for (language, live) in &by_language {
        let pre = prefix(config, language);
        let depth = pre.matches('/').count();
        let up = |levels: usize| "../".repeat(levels);
        let strings = strings(language);
        let site_title = config.title_in(language);
        let t = to_value(&strings);
        let site = context! {
            csp => config.content_security_policy(),
            title => site_title,
            description => config.description_in(language),
            language => language,
            contact_url => &config.contact_url,
            vote_url => config.vote_endpoint(),
            locale => if language == "en" { "en_US" } else { "ru_RU" },
        };
        let category = |a: &Article| if a.front.topic.is_empty() { strings.other.to_string() } else { capitalize(&a.front.topic) };
        let mut categories: BTreeMap<String, Vec<Link>> = BTreeMap::new();
        for a in live {
            categories.entry(category(a)).or_default().push(Link { id: a.front.id.clone(), title: a.front.title.clone() });
        }
        let slugs: BTreeMap<&String, String> = categories.keys().map(|c| (c, crate::kb::slug::slugify(c))).collect();
        let category_list: Vec<_> = categories
            .iter()
            .map(|(title, articles)| context! { title => title, slug => &slugs[title], articles => to_value(&articles[..articles.len().min(5)]), more => articles.len() > 5 })
            .collect();
        let popular: Vec<Link> = live.iter().take(6).map(|a| Link { id: a.front.id.clone(), title: a.front.title.clone() }).collect();
        let home = format!("{pre}index.html");
        sitemap.push(absolute(config, &home));
        let home_ld = serde_json::json!({
            "@context": "https://schema.org", "@type": "WebSite", "name": site_title, "url": absolute(config, &home), "inLanguage": language,
        });
        let meta = context! { title => site_title, description => config.description_in(language), canonical => absolute(config, &home), og_type => "website", json_ld => json_ld(&home_ld) };
        pages.push(Page::new(
            home.as_str(),
            env.get_template("index.html")?.render(context! {
                site => &site, t => &t, root => "", assets => up(depth), meta => meta, categories => category_list, popular => to_value(&popular),
                alternates => to_value(alternates(language, &BTreeMap::new())),
            })?,
        ));
        for (title, links) in &categories {
            let rel = format!("{pre}categories/{}.html", slugs[title]);
            sitemap.push(absolute(config, &rel));
            let meta = context! { title => format!("{title} — {site_title}"), description => config.description_in(language), canonical => absolute(config, &rel), og_type => "website" };
            pages.push(Page::new(
                rel.as_str(),
                env.get_template("category.html")?.render(context! {
                    site => &site, t => &t, root => "../", assets => up(depth + 1), meta => meta, category => title, articles => to_value(links),
                    alternates => to_value(alternates(language, &BTreeMap::new())),
                })?,
            ));
        }
        let article_categories: Vec<String> = live.iter().map(|a| category(a)).collect();
        let related_of = super::related::related(live, &article_categories, 5);
        for (i, (a, cat)) in live.iter().zip(article_categories).enumerate() {
            let related: Vec<Link> = related_of[i].iter().map(|&j| Link { id: live[j].front.id.clone(), title: live[j].front.title.clone() }).collect();
            let html = render_markdown(&a.body, &config.image_hosts);
            let text = plain(&html);
            // A search result's snippet: cut at a word, not in one («…товар », «…сго»).
            let summary = crate::lexical::shorten(text.trim(), 160);
            let rel = format!("{pre}articles/{}.html", a.front.id);
            sitemap.push(absolute(config, &rel));
            let url = absolute(config, &rel);
            let updated = a.front.extra.get("reviewed_at").and_then(|v| v.as_str()).unwrap_or_default();
            let ld = serde_json::json!({
                "@context": "https://schema.org",
                "@graph": [
                    {"@type": "Article", "headline": a.front.title, "description": summary, "inLanguage": language,
                     "url": url, "mainEntityOfPage": url, "dateModified": updated,
                     "publisher": {"@type": "Organization", "name": site_title}},
                    {"@type": "FAQPage", "mainEntity": [{"@type": "Question", "name": a.front.title,
                     "acceptedAnswer": {"@type": "Answer", "text": text}}]},
                ],
            });
            let also_asked: &[String] = if config.show_also_asked { &a.front.also_asked } else { &[] };
            let article = context! { id => &a.front.id, title => &a.front.title, html => html, category => &cat, category_slug => &slugs[&cat], also_asked => Serde(also_asked) };
            let meta = context! { title => format!("{} — {site_title}", a.front.title), description => summary, canonical => url, og_type => "article", json_ld => json_ld(&ld) };
            let versions = translations.get(&a.translation_key()).cloned().unwrap_or_default();
            pages.push(Page::new(
                rel.as_str(),
                env.get_template("article.html")?.render(context! {
                    site => &site, t => &t, root => "../", assets => up(depth + 1), meta => meta, article => article, related => to_value(&related),
                    alternates => to_value(alternates(language, &versions)),
                })?,
            ));
        }
    }
    let strings = strings(&config.language);
    let site = context! {
        csp => config.content_security_policy(), title => config.title(), description => config.description_in(&config.language), language => &config.language,
        contact_url => &config.contact_url, locale => if config.language == "en" { "en_US" } else { "ru_RU" },
    };
    let meta = context! { title => format!("{} — {}", strings.not_found, config.title()), description => config.description_in(&config.language) };
    pages.push(Page::new("404.html", env.get_template("404.html")?.render(context! { site => &site, t => to_value(&strings), root => "/", assets => "/", meta => meta })?));
    let css = theme.iter().find(|(n, _)| *n == "style.css").map(|(_, t)| t.clone()).unwrap_or_default();
    pages.push(Page::new("style.css", css));
    // The search box starts from a file, not an inline script, so the CSP needs no 'unsafe-inline'.
    pages.push(Page::new("search.js", SEARCH_JS.to_string()));
    if config.vote_endpoint().is_some() {
        pages.push(Page::new("vote.js", VOTE_JS.to_string()));
    }
    // A sitemap lists absolute URLs (sitemaps.org), so a site without `base-url` has none: search
    // engines reject `<loc>/index.html</loc>`.
    if config.base_url.is_empty() {
        pages.push(Page::new("robots.txt", "User-agent: *\nAllow: /\n".to_string()));
        return Ok(pages);
    }
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for url in &sitemap {
        let escaped = url.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
        xml.push_str(&format!("  <url><loc>{escaped}</loc></url>\n"));
    }
    xml.push_str("</urlset>\n");
    pages.push(Page::new("sitemap.xml", xml));
    pages.push(Page::new("robots.txt", format!("User-agent: *\nAllow: /\nSitemap: {}\n", absolute(config, "sitemap.xml"))));
    Ok(pages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn article(id: &str, title: &str, extra: &str, body: &str) -> Article {
        let text = format!("---\nid: {id}\ntitle: \"{title}\"\nstatus: approved\ntopic: {}\n{extra}---\n\n{body}\n", if title.is_ascii() { "balance" } else { "баланс" });
        Article::parse(Path::new(&format!("{id}.md")), &text).unwrap()
    }

    /// A page's HTML, with the `/` that autoescaping writes as `&#x2f;` read back.
    fn page(pages: &[Page], path: &str) -> String {
        pages.iter().find(|p| p.path == Path::new(path)).unwrap_or_else(|| panic!("no page {path}")).text().replace("&#x2f;", "/")
    }

    #[tokio::test]
    async fn each_language_gets_its_own_site_linked_by_hreflang() {
        let articles = vec![
            article("balans", "Как проверить баланс сертификата?", "", "Баланс виден на странице сертификата."),
            article("balance", "How do I check the balance?", "language: en\ntranslation_of: balans\n", "The balance is on the certificate's page."),
            article("redeem", "How do I use it in a store?", "", "Show the code at the checkout."),
            article("oplata", "Как оплатить заказ картой?", "", "Картой МИР или через СБП."),
        ];
        let config = SiteConfig { language: "ru".into(), ..SiteConfig::default() };
        let pages = build_pages(&articles, &config).unwrap();
        let home = page(&pages, "index.html");
        assert!(home.contains("Как проверить баланс") && !home.contains("How do I"), "the Russian home shows Russian articles only");
        let en_home = page(&pages, "en/index.html");
        assert!(en_home.contains("<html lang=\"en\">") && en_home.contains("How can we help?") && en_home.contains("How do I use it in a store?"));
        assert!(!en_home.contains("Как оплатить"));
        // No title set: each site is called by its own language's name.
        assert!(home.contains("<title>Центр помощи</title>"), "{home}");
        assert!(en_home.contains("<title>Help center</title>"), "{en_home}");
        assert!(en_home.contains("href=\"../style.css\"") && en_home.contains("src=\"../search.js\""), "{en_home}");
        // Translations point at each other; an article without one points at the other home.
        let ru = page(&pages, "articles/balans.html");
        assert!(ru.contains("<link rel=\"alternate\" hreflang=\"en\" href=\"/en/articles/balance.html\">"), "{ru}");
        assert!(ru.contains("<link rel=\"alternate\" hreflang=\"ru\" href=\"/articles/balans.html\">"));
        let en = page(&pages, "en/articles/balance.html");
        assert!(en.contains("hreflang=\"ru\" href=\"/articles/balans.html\"") && en.contains("href=\"../../style.css\""));
        assert!(en.contains("<nav class=\"langs\""), "a language switch");
        let redeem = page(&pages, "en/articles/redeem.html");
        assert!(redeem.contains("hreflang=\"ru\" href=\"/index.html\""), "{redeem}");
        assert!(pages.iter().any(|p| p.path.starts_with("en/categories")));
        // Without `base-url` no sitemap, whose URLs must be absolute; with it, every language's pages.
        assert!(!pages.iter().any(|p| p.path == Path::new("sitemap.xml")) && !page(&pages, "robots.txt").contains("Sitemap"));
        let based = build_pages(&articles, &SiteConfig { base_url: "https://help.example.com/".into(), ..config.clone() }).unwrap();
        let sitemap = page(&based, "sitemap.xml");
        for url in ["/index.html", "/en/index.html", "/articles/balans.html", "/en/articles/redeem.html"] {
            assert!(sitemap.contains(&format!("<loc>https://help.example.com{url}</loc>")), "{url} not in {sitemap}");
        }
        // Each language's search index covers its own articles.
        let search = super::super::search_indexes(&pages, &config).await.unwrap();
        assert!(search.iter().any(|p| p.path.starts_with("pagefind")) && search.iter().any(|p| p.path.starts_with("en/pagefind")));

        // A named site: the name and description in each language, where the config gives one.
        let named = SiteConfig {
            title: "Центр помощи ПодарокПлюс".into(),
            description: "Ответы о сертификатах".into(),
            titles: [("en".to_string(), "PodarokPlus Help Center".to_string())].into(),
            descriptions: [("en".to_string(), "Answers about gift certificates".to_string())].into(),
            ..config.clone()
        };
        let pages = build_pages(&articles, &named).unwrap();
        let (home, en_home) = (page(&pages, "index.html"), page(&pages, "en/index.html"));
        assert!(home.contains("<title>Центр помощи ПодарокПлюс</title>") && home.contains("Ответы о сертификатах"), "{home}");
        assert!(en_home.contains("<title>PodarokPlus Help Center</title>") && en_home.contains("Answers about gift certificates"), "{en_home}");
        assert!(!en_home.contains("ПодарокПлюс") && !en_home.contains("Ответы о сертификатах"), "Russian in the English site: {en_home}");
        assert!(page(&pages, "en/articles/balance.html").contains("How do I check the balance? — PodarokPlus Help Center"));

        // One language: no switch, no alternates, nothing under /en/.
        let ru_only = build_pages(&articles[..1], &config).unwrap();
        assert!(ru_only.iter().all(|p| !p.path.starts_with("en") && !p.text().contains("hreflang")));
    }
}
