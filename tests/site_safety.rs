//! The help center never yields executable script, whatever ticket text or article body holds: a
//! set of XSS payloads (`tests/fixtures/xss/payloads.txt`) in titles, bodies, topics and phrasings.
//! Only approved public articles are published, and SEO files name every live page.

use crate::common;

use kbforge::kb::Article;
use kbforge::publish::site::{build_pages, SiteConfig};

const ALLOWED: &[&str] = &[
    "<script type=\"application/ld+json\">",
    "<script src=\"pagefind/pagefind-ui.js\">",
    "<script src=\"search.js\">",
    // The home of a second language, under `en/`.
    "<script src=\"..&#x2f;search.js\">",
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
        common::assert_no_executable_script(html, ALLOWED, &page.path.display().to_string());
        // No inline script anywhere (the search box starts from search.js), under the site's CSP.
        assert_eq!(html.matches("<script>").count(), 0, "{}", page.path.display());
        assert!(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src &#x27;self&#x27;; script-src &#x27;self&#x27;"), "{}: no CSP", page.path.display());
    }
    let search = pages.iter().find(|p| p.path.to_str() == Some("search.js")).unwrap().text();
    assert!(search.contains("new PagefindUI"));
}

#[test]
fn images_load_only_from_the_site_or_its_image_hosts() {
    let text = "---\nid: img\ntitle: Картинки\nstatus: approved\n---\n\n![a](https://tracker.example/pixel.png) ![b](images/shot.png) ![c](https://cdn.example.com/ok.png) <img src=\"//tracker.example/x.png\">\n";
    let articles = vec![Article::parse(std::path::Path::new("img.md"), text).unwrap()];
    let config = SiteConfig { image_hosts: vec!["cdn.example.com".into()], ..SiteConfig::default() };
    let pages = build_pages(&articles, &config).unwrap();
    let page = pages.iter().find(|p| p.path.to_str() == Some("articles/img.html")).unwrap().text().replace("&#x2f;", "/");
    assert!(!page.contains("tracker.example/"), "{page}");
    assert!(page.contains("src=\"images/shot.png\"") && page.contains("src=\"https://cdn.example.com/ok.png\""), "{page}");
    assert!(page.contains("img-src &#x27;self&#x27; data: https://cdn.example.com"), "{page}");
}

#[test]
fn an_id_that_is_a_path_never_writes_outside_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    std::fs::create_dir_all(ws.join("kb")).unwrap();
    std::fs::write(ws.join("kbforge.toml"), "[site]\nlanguage = \"ru\"\n").unwrap();
    std::fs::write(ws.join("kb/evil.md"), "---\nid: ../../x\ntitle: Злая\nstatus: approved\n---\n\nТекст.\n").unwrap();
    std::fs::write(ws.join("kb/good.md"), "---\nid: good\ntitle: Хорошая\nstatus: approved\n---\n\nТекст.\n").unwrap();
    let out = common::kbforge(&ws, &["publish", "site"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("evil.md") && stderr.contains("line 2") && stderr.contains("id `../../x`"), "{stderr}");
    assert!(ws.join("site/articles/good.html").is_file(), "the good article was not published: {stderr}");
    assert!(!tmp.path().join("x.html").exists() && !ws.join("x.html").exists(), "a page was written outside site/");
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
