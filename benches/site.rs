//! Publishing the help center at scale, side by side with mdBook on the same Markdown.
//!
//!     cargo install mdbook --locked     # once, for the comparison
//!     cargo bench --bench site [-- 10000]
//!
//! Generates N articles (default 10,000) from the bodies of the demo knowledge base (`kb/`), each
//! with its own title, topic (60 categories) and a paragraph of its own, then times:
//! kbforge's whole `publish site` (read the kb folder, render, sanitize, Pagefind index with
//! Russian stemming, write) into an empty folder, the same again with nothing changed, and
//! `mdbook build` (which also renders and builds its own search index) on a book of the same N
//! chapters. Both run here, one after the other, on the same machine.

use std::path::Path;
use std::time::Instant;

use kbforge::kb;
use kbforge::publish::site::SiteConfig;

fn generate(n: usize, kb_dir: &Path, book: &Path) {
    let (seeds, _) = kb::load_all(&Path::new(env!("CARGO_MANIFEST_DIR")).join("kb"));
    assert!(!seeds.is_empty(), "the demo knowledge base is empty");
    std::fs::create_dir_all(kb_dir).unwrap();
    std::fs::create_dir_all(book.join("src")).unwrap();
    std::fs::write(book.join("book.toml"), "[book]\ntitle = \"Центр помощи\"\nlanguage = \"ru\"\n").unwrap();
    let mut summary = String::from("# Summary\n\n");
    for i in 0..n {
        let seed = &seeds[i % seeds.len()];
        let title = format!("{} (вариант {i})", seed.front.title.trim_end_matches('?'));
        let topic = format!("{} {}", seed.front.topic, i % 60);
        let body = format!(
            "{}\n\n## Подробнее\n\nОбращение номер {i}: сертификат номинала {} рублей, магазин номер {}. Если остались вопросы, напишите в поддержку.\n",
            seed.body.trim(),
            500 + i % 7 * 500,
            i % 700
        );
        let front = serde_yaml::to_string(&serde_json::json!({
            "id": format!("article-{i}"), "title": title, "status": "published", "topic": topic, "tickets": n - i,
        }))
        .unwrap();
        std::fs::write(kb_dir.join(format!("article-{i}.md")), format!("---\n{front}---\n\n{body}")).unwrap();
        std::fs::write(book.join(format!("src/article-{i}.md")), format!("# {title}\n\n{body}")).unwrap();
        summary.push_str(&format!("- [{title}](article-{i}.md)\n"));
    }
    std::fs::write(book.join("src/SUMMARY.md"), summary).unwrap();
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok()).unwrap_or(0.0) / 1024.0
}

fn main() {
    let n: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(10_000);
    let tmp = tempfile::tempdir().unwrap();
    let kb_dir = tmp.path().join("kb");
    let book = tmp.path().join("book");
    generate(n, &kb_dir, &book);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let config = SiteConfig { title: "Центр помощи".into(), language: "ru".into(), ..SiteConfig::default() };
    let mut rows = Vec::new();
    for round in ["kbforge publish site (cold)", "kbforge publish site (no change)"] {
        let started = Instant::now();
        let report = runtime.block_on(async {
            let (articles, errors) = kb::load_all(&kb_dir);
            assert!(errors.is_empty());
            // The kb folder lives in the temp dir, so the published articles' status edits stay there.
            kbforge::publish::site::publish(&articles, &config, &kbforge::publish::guard::Guard::default(), tmp.path(), &kb_dir).await.unwrap().0
        });
        rows.push((round.to_string(), started.elapsed().as_secs_f64(), report.summary));
    }
    let mdbook = ["mdbook", &format!("{}/.cargo/bin/mdbook", std::env::var("HOME").unwrap_or_default())]
        .into_iter()
        .find(|m| std::process::Command::new(m).arg("--version").output().is_ok_and(|o| o.status.success()))
        .map(str::to_string);
    match mdbook {
        Some(mdbook) => {
            let started = Instant::now();
            let out = std::process::Command::new(&mdbook).arg("build").current_dir(&book).output().unwrap();
            assert!(out.status.success(), "mdbook build failed: {}", String::from_utf8_lossy(&out.stderr));
            let version = String::from_utf8_lossy(&std::process::Command::new(&mdbook).arg("--version").output().unwrap().stdout).trim().to_string();
            rows.push((format!("{version} build"), started.elapsed().as_secs_f64(), String::new()));
        }
        None => rows.push(("mdbook build".into(), f64::NAN, "not installed: cargo install mdbook --locked".into())),
    }
    println!("{n} articles, {} cores", std::thread::available_parallelism().map(|p| p.get()).unwrap_or(1));
    for (name, secs, summary) in rows {
        println!("{name:<36} {secs:>7.2} s  {summary}");
    }
    println!("peak memory of the kbforge process: {:.0} MB", peak_rss_mb());
}
