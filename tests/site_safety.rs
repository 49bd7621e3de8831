//! The help center never yields executable script, whatever ticket text or article body holds: a
//! set of XSS payloads (`tests/fixtures/xss/payloads.txt`) in titles, bodies, topics and phrasings.
//! Only approved public articles are published, and SEO files name every live page.

mod common;

use kbforge::kb::Article;
use kbforge::publish::site::{build_pages, SiteConfig};

const ALLOWED: &[&str] = &[
    "<script type=\"application/ld+json\">",
    "<script src=\"pagefind/pagefind-ui.js\">",
    "<script>",
    "<link rel=\"stylesheet\" href=\"style.css\">",
    "<link rel=\"stylesheet\" href=\"../style.css\">",
    "<link rel=\"stylesheet\" href=\"/style.css\">",
    "<link rel=\"stylesheet\" href=\"pagefind/pagefind-ui.css\">",
];

#[test]
fn xss_payloads_never_become_script() {
    let payloads = common::xss_payloads();
    assert!(payloads.len() >= 30);
    let articles: Vec<Article> = payloads
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let front = serde_yaml::to_string(&serde_json::json!({
                "id": format!("a{i}"), "title": format!("Вопрос {p}"), "status": "approved", "topic": format!("тема {p}"),
                "also_asked": [p], "tickets": i,
            }))
            .unwrap();
            let text = format!("---\n{front}---\n\nОтвет оператора: {p}\n\nЕщё строка {p} и [ссылка](https://podarokplus.ru).\n");
            Article::parse(std::path::Path::new("x.md"), &text).unwrap_or_else(|e| panic!("{p}: {e}"))
        })
        .collect();
    let config = SiteConfig { base_url: "https://help.example.com/".into(), show_also_asked: true, ..SiteConfig::default() };
    let pages = build_pages(&articles, &config).unwrap();
    assert!(pages.len() > payloads.len(), "every article gets a page");
    for page in pages.iter().filter(|p| p.path.extension().is_some_and(|e| e == "html")) {
        let html = page.text();
        let home = page.path.to_str() == Some("index.html");
        let allowed: Vec<&str> = ALLOWED.iter().copied().filter(|t| home || *t != "<script>").collect();
        common::assert_no_executable_script(html, &allowed, &page.path.display().to_string());
    }
    // The one inline script is the search box's, on the home page only.
    let home = pages.iter().find(|p| p.path.to_str() == Some("index.html")).unwrap().text();
    assert_eq!(home.matches("<script>").count(), 1);
    assert!(home.contains("new PagefindUI"));
}

#[test]
fn seo_files_and_tags() {
    let live = "---\nid: balans\ntitle: Как проверить баланс?\nstatus: published\ntopic: баланс\n---\n\nБаланс виден на **странице** сертификата.\n";
    let draft = "---\nid: chernovik\ntitle: Черновик\nstatus: draft\n---\n\nНе готово.\n";
    let internal = "---\nid: vnutr\ntitle: Внутреннее\nstatus: approved\naudience: internal\n---\n\nТолько для сотрудников.\n";
    let articles: Vec<Article> = [live, draft, internal].iter().map(|t| Article::parse(std::path::Path::new("x.md"), t).unwrap()).collect();
    let config = SiteConfig { base_url: "https://help.example.com".into(), title: "Центр помощи".into(), ..SiteConfig::default() };
    let pages = build_pages(&articles, &config).unwrap();
    // minijinja escapes `/` in attributes as `&#x2f;`, which browsers read back as `/`.
    let get = |p: &str| pages.iter().find(|x| x.path.to_str() == Some(p)).unwrap_or_else(|| panic!("no {p}")).text().replace("&#x2f;", "/");
    assert!(!pages.iter().any(|p| p.text().contains("Не готово.") || p.text().contains("Только для сотрудников.")), "a draft or an internal article was published");
    let sitemap = get("sitemap.xml");
    assert!(sitemap.contains("<loc>https://help.example.com/articles/balans.html</loc>"), "{sitemap}");
    assert!(sitemap.contains("<loc>https://help.example.com/categories/balans.html</loc>"), "{sitemap}");
    assert!(!sitemap.contains("chernovik") && !sitemap.contains("vnutr"));
    assert_eq!(get("robots.txt"), "User-agent: *\nAllow: /\nSitemap: https://help.example.com/sitemap.xml\n");
    let page = get("articles/balans.html");
    assert!(page.contains("<link rel=\"canonical\" href=\"https://help.example.com/articles/balans.html\">"));
    assert!(page.contains("<meta property=\"og:type\" content=\"article\">"));
    assert!(page.contains("<meta property=\"og:title\" content=\"Как проверить баланс? — Центр помощи\">"));
    assert!(page.contains("<meta name=\"description\" content=\"Баланс виден на странице сертификата.\">"), "{page}");
    let start = page.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let end = start + page[start..].find("</script>").unwrap();
    let ld: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
    let graph = ld["@graph"].as_array().unwrap();
    assert_eq!(graph[0]["@type"], "Article");
    assert_eq!(graph[1]["@type"], "FAQPage");
    assert_eq!(graph[1]["mainEntity"][0]["name"], "Как проверить баланс?");
    assert_eq!(graph[1]["mainEntity"][0]["acceptedAnswer"]["text"], "Баланс виден на странице сертификата.");
    // Breadcrumbs lead to the category page, which lists the article.
    assert!(page.contains("href=\"../categories/balans.html\""));
    assert!(get("categories/balans.html").contains("href=\"../articles/balans.html\""));
    assert!(get("404.html").contains("href=\"/style.css\""));
}

#[test]
fn the_checker_catches_script() {
    for bad in ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>", "<a href=\"JavaScript:alert(1)\">x</a>", "<iframe src=x>", "<svg onload=alert(1)>"] {
        let caught = std::panic::catch_unwind(|| common::assert_no_executable_script(bad, &[], "probe")).is_err();
        assert!(caught, "the checker let `{bad}` through");
    }
    common::assert_no_executable_script("<p title=\"x onerror=alert(1)\">&lt;script&gt;</p>", &[], "escaped text");
}
