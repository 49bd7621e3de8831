//! Publishing the help center again rewrites nothing unless something changed, and a changed
//! article rewrites only its own page, its category page, the home page and the search files (and
//! the pages whose related links its words change: none here).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use kbforge::kb::Article;
use kbforge::publish::site::{build_pages, search_index, write_site, SiteConfig};

fn article(id: &str, topic: &str, body: &str) -> Article {
    let text = format!("---\nid: {id}\ntitle: Вопрос про {id}\nstatus: approved\ntopic: {topic}\ntickets: 3\n---\n\n{body}\n");
    Article::parse(Path::new(&format!("{id}.md")), &text).unwrap()
}

fn mtimes(dir: &Path) -> BTreeMap<PathBuf, SystemTime> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), e.metadata().unwrap().modified().unwrap()))
        .collect()
}

async fn publish(articles: &[Article], out: &Path) -> kbforge::publish::site::WriteCounts {
    let config = SiteConfig { base_url: "https://help.example.com/".into(), ..SiteConfig::default() };
    let mut pages = build_pages(articles, &config).unwrap();
    pages.extend(search_index(&pages, "ru").await.unwrap());
    write_site(out, &pages).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_what_changed_is_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    let mut articles = vec![
        article("balans", "баланс", "Баланс виден на странице сертификата."),
        article("ostatok", "баланс", "Остаток можно потратить в любом магазине."),
        article("oplata", "оплата", "Оплата картой или через СБП."),
        article("srok", "срок", "Сертификат действует год."),
    ];
    let first = publish(&articles, &out).await;
    assert!(first.written > 10 && first.unchanged == 0, "{first:?}");
    let before = mtimes(&out);
    // File systems keep mtimes to the nanosecond or to the second: wait so a rewrite shows.
    std::thread::sleep(std::time::Duration::from_millis(1100));

    let again = publish(&articles, &out).await;
    assert_eq!(again.written, 0, "an unchanged publish rewrote files: {again:?}");
    assert_eq!(mtimes(&out), before, "an unchanged publish touched a file");

    articles[2] = article("oplata", "оплата", "Оплата картой МИР, через СБП или долями.");
    let changed = publish(&articles, &out).await;
    let after = mtimes(&out);
    let rewritten: Vec<&PathBuf> = after.iter().filter(|(p, t)| before.get(*p) != Some(t)).map(|(p, _)| p).collect();
    assert!(rewritten.iter().any(|p| p.ends_with("articles/oplata.html")), "the changed page was not written: {rewritten:?}");
    for p in &rewritten {
        let ok = p.ends_with("articles/oplata.html") || p.ends_with("categories/oplata.html") || p.ends_with("index.html") || p.starts_with("pagefind");
        assert!(ok, "`{}` was rewritten though it did not change", p.display());
    }
    for untouched in ["articles/balans.html", "articles/ostatok.html", "articles/srok.html", "categories/balans.html", "style.css", "sitemap.xml"] {
        assert_eq!(after[Path::new(untouched)], before[Path::new(untouched)], "`{untouched}` was rewritten");
    }
    assert!(changed.written >= 2 && changed.written < first.written / 2, "{changed:?}");

    // An article no longer live leaves the site, its search data with it.
    articles.pop();
    let removed = publish(&articles, &out).await;
    assert!(removed.removed >= 2, "{removed:?}");
    assert!(!out.join("articles/srok.html").exists() && !out.join("categories/srok.html").exists());
}

/// The stage itself: with no article page changed, the search files are kept, not rebuilt; a
/// changed article rebuilds them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stage_reindexes_only_when_articles_change() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let kb_dir = root.join("kb");
    std::fs::create_dir_all(&kb_dir).unwrap();
    let write = |body: &str| {
        std::fs::write(kb_dir.join("oplata.md"), format!("---\nid: oplata\ntitle: Как оплатить?\nstatus: published\ntopic: оплата\n---\n\n{body}\n")).unwrap();
    };
    write("Картой или через СБП.");
    let config = SiteConfig { base_url: "https://help.example.com/".into(), ..SiteConfig::default() };
    let publish = || async {
        let (articles, _) = kbforge::kb::load_all(&kb_dir);
        kbforge::publish::site::publish(&articles, &config, &kbforge::publish::guard::Guard::default(), root, &kb_dir).await.unwrap().0
    };
    publish().await;
    let before = mtimes(&root.join("site"));
    assert!(before.keys().any(|p| p.starts_with("pagefind") && p.extension().is_some_and(|e| e == "pf_fragment")));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let report = publish().await;
    assert_eq!(report.written, 0, "{}", report.summary);
    assert_eq!(mtimes(&root.join("site")), before);
    write("Картой МИР, через СБП или долями.");
    let report = publish().await;
    let after = mtimes(&root.join("site"));
    let fragments = |m: &BTreeMap<PathBuf, SystemTime>| m.keys().filter(|p| p.extension().is_some_and(|e| e == "pf_fragment")).cloned().collect::<Vec<_>>();
    assert_ne!(fragments(&after), fragments(&before), "the search data was not rebuilt: {}", report.summary);
}
