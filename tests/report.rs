//! `kbforge report` on the demo desk: the terminal report and the self-contained HTML page.

use crate::common;

use common::{copy_dir, fixture, kbforge, ok};

#[test]
fn report_gives_the_verdict_the_gaps_and_a_self_contained_page() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path();
    copy_dir(&fixture("demo-small"), &ws.join("desk"));
    std::fs::write(ws.join("kbforge.toml"), "[site]\ntitle = \"Центр помощи\"\nlanguage = \"ru\"\n").unwrap();
    std::fs::create_dir_all(ws.join("pipelines")).unwrap();
    std::fs::write(
        ws.join("pipelines/demo.toml"),
        "[pipeline]\nname = \"demo\"\nstages = [\"ingest\", \"clean\", \"extract\", \"classify\", \"embed\", \"cluster\", \"draft\"]\n\n[ingest]\nsources = [{ format = \"omnidesk-export\", path = \"desk/omnidesk\" }]\n",
    )
    .unwrap();
    ok(kbforge(ws, &["run", "pipelines/demo.toml"]));

    // Needs-action clusters are scenario candidates, empty requests get a clarifying question.
    let jsonl = std::fs::read_to_string(ws.join("exports/scenarios.jsonl")).unwrap();
    let scenarios: Vec<serde_json::Value> = jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!scenarios.is_empty(), "no scenario candidates");
    let resend: Vec<&serde_json::Value> = scenarios
        .iter()
        .filter(|s| s["actions"].as_array().unwrap().iter().any(|a| a["action"].as_str().unwrap().contains("повторно")))
        .collect();
    let resent: u64 = resend.iter().map(|s| s["tickets"].as_u64().unwrap()).sum();
    assert!(resent >= 3, "resend scenarios cover {resent} tickets: {jsonl}");
    for s in &resend {
        assert!(!s["intent"].as_str().unwrap().is_empty() && !s["examples"].as_array().unwrap().is_empty(), "{s}");
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(ws.join("exports/scenarios.yaml")).unwrap()).unwrap();
    assert_eq!(yaml.as_sequence().unwrap().len(), scenarios.len());
    let clarifying: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(ws.join("exports/clarifying.yaml")).unwrap()).unwrap();
    let ru = clarifying.as_sequence().unwrap().iter().find(|c| c["language"] == "ru").expect("a Russian clarifying question");
    assert!(ru["template"].as_str().unwrap().contains('?') || ru["template"].as_str().unwrap().to_lowercase().contains("уточните"), "{ru:?}");
    // Exports are redacted: the fixture's known e-mail never shows.
    for name in ["scenarios.jsonl", "scenarios.yaml", "clarifying.yaml"] {
        let text = std::fs::read_to_string(ws.join("exports").join(name)).unwrap();
        let email = regex::Regex::new(r"[\w.+-]+@[\w-]+\.[\w.]+").unwrap();
        let personal = email.find_iter(&text).map(|m| m.as_str()).find(|m| !kbforge::guard::role_mailbox(m));
        assert!(personal.is_none(), "{name} holds an e-mail: {personal:?}");
    }

    let out = ok(kbforge(ws, &["report", "--html", "report.html"]));
    assert!(out.contains("verdict:") && out.contains("threshold 20%"), "{out}");
    assert!(out.contains("a RAG bot on the help center will pay off"), "the demo desk is mostly flat: {out}");
    assert!(out.contains("gaps:"), "{out}");
    // Nothing is approved yet: every flat cluster is a gap with a draft awaiting review.
    assert!(out.contains("awaits review"), "{out}");
    assert!(out.contains("coverage: 0 of"), "{out}");

    let page = std::fs::read_to_string(ws.join("report.html")).unwrap();
    assert!(page.starts_with("<!doctype html>"));
    assert!(page.contains("<svg") && page.contains("<polyline"), "no trend chart");
    assert!(page.contains("Доля «плоских» вопросов") && page.contains("окупится"), "not in Russian");
    // Self-contained: no script, no external resource.
    for forbidden in ["<script", "src=\"http", "href=\"http", "<link"] {
        assert!(!page.contains(forbidden), "the page holds `{forbidden}`");
    }

    let json = ok(kbforge(ws, &["report", "--json"]));
    let r: serde_json::Value = serde_json::from_str(&json).unwrap();
    let total = r["overall"]["tickets"].as_u64().unwrap();
    let parts: u64 = ["flat", "needs_action", "empty", "other"].iter().map(|k| r["overall"][k].as_u64().unwrap()).sum();
    assert_eq!(total, parts);
    assert!(r["gaps"].as_array().unwrap().len() >= 3, "{json}");
}

/// A desk exported as a list of questions and answers, with no dates: every line is read (none
/// quarantined for a missing `created_at`), the shares count every ticket, and the report leaves
/// out the monthly trend rather than drawing a month with no name.
#[test]
fn a_question_answer_list_without_dates_is_read_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path();
    let lines = [
        (1, "Как проверить баланс сертификата?", "Баланс виден на странице сертификата: введите код на сайте."),
        (2, "Сколько действует подарочный сертификат?", "Сертификат действует три года с даты покупки."),
        (3, "How do I check my gift card balance?", "Enter the card code on the balance page of our site."),
        (4, "Можно ли вернуть сертификат?", "Да, неактивированный сертификат можно вернуть в течение 14 дней."),
        (5, "Здравствуйте", ""),
    ];
    let jsonl: String = lines
        .iter()
        .map(|(id, q, a)| serde_json::json!({"id": id, "question": q, "answer": a}).to_string() + "\n")
        .collect();
    std::fs::write(ws.join("desk.jsonl"), jsonl).unwrap();
    ok(kbforge(ws, &["init"]));
    std::fs::write(
        ws.join("pipelines/qa.toml"),
        "[pipeline]\nname = \"qa\"\nstages = [\"ingest\", \"clean\", \"extract\", \"classify\"]\n\n[ingest]\nsources = [{ format = \"jsonl\", path = \"desk.jsonl\" }]\n",
    )
    .unwrap();
    let out = ok(kbforge(ws, &["run", "pipelines/qa.toml"]));
    assert!(out.contains("5 records read: 5 stored") && out.contains("0 quarantined"), "{out}");

    let r: serde_json::Value = serde_json::from_str(&ok(kbforge(ws, &["report", "--json"]))).unwrap();
    assert_eq!(r["overall"]["tickets"].as_u64(), Some(5), "{r}");
    assert_eq!(r["months"].as_array().map(Vec::len), Some(0), "{r}");
    let terminal = ok(kbforge(ws, &["report"]));
    assert!(terminal.contains("of all 5 tickets (undated)"), "{terminal}");
    ok(kbforge(ws, &["report", "--html", "report.html"]));
    let page = std::fs::read_to_string(ws.join("report.html")).unwrap();
    assert!(page.contains("Доля «плоских» вопросов") && !page.contains("<polyline"), "{page}");
    assert!(page.contains("из всех 5 обращений (в выгрузке нет дат)") && !page.contains("(с )"), "{page}");
}
