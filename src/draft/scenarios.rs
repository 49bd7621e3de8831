//! What is not an article: needs-action clusters become scenario candidates for an NLU or scenario
//! bot, and empty requests get a ready clarifying question.
//!
//! Written next to the knowledge base, in `[draft] exports-dir` (default `exports/`):
//! - `scenarios.jsonl` and `scenarios.yaml`: per needs-action cluster, an intent name, the cluster's
//!   id, size and label, example phrasings (redacted), the typical staff actions with counts, and
//!   the most typical staff reply;
//! - `clarifying.yaml`: per language, the clarifying question staff most typically sent in reply to
//!   an empty request, with examples of such requests.
//!
//! Files are rewritten only when their content changes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use crate::classify::{Classifier, ClassifyConfig};
use crate::cluster::answers::{most_central, words};
use crate::store::Store;

/// Example phrasings kept per scenario.
const EXAMPLES: usize = 10;

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Scenario {
    /// A stable, readable intent name (from the most typical question).
    pub intent: String,
    pub cluster: String,
    pub tickets: usize,
    pub label: String,
    pub topic: String,
    pub examples: Vec<String>,
    /// Staff actions seen in the replies, most frequent first, with how often.
    pub actions: Vec<Action>,
    /// The most typical staff reply, redacted.
    pub typical_reply: String,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Action {
    pub action: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Clarifying {
    pub language: String,
    /// The reply to send to an empty request.
    pub template: String,
    /// Empty requests this was learned from.
    pub tickets: usize,
    pub examples: Vec<String>,
}

/// Counts of one export.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Exported {
    pub scenarios: usize,
    pub clarifying: usize,
    pub files_written: usize,
}

/// Builds both exports from the store and writes the files that changed.
pub async fn export(store: &Store, classify: &ClassifyConfig, guard: &crate::guard::Guard, dir: &Path) -> anyhow::Result<Exported> {
    let classifier = Classifier::new(classify)?;
    let rows: Vec<(String, i64, String, String, String)> = sqlx::query_as(
        "SELECT id, size, label, topic, medoid FROM clusters WHERE kind = 'needs-action' ORDER BY size DESC, id",
    )
    .fetch_all(store.pool())
    .await?;
    let members: Vec<(String, String, String, String, f64)> = sqlx::query_as(
        "SELECT m.cluster_id, q.ticket_id, q.question, q.answer, m.similarity FROM cluster_members m
         JOIN qa_pairs q ON q.ticket_id = m.ticket_id JOIN clusters c ON c.id = m.cluster_id AND c.kind = 'needs-action'
         ORDER BY m.cluster_id, m.similarity DESC, q.ticket_id",
    )
    .fetch_all(store.pool())
    .await?;
    let mut by_cluster: HashMap<&str, Vec<(&str, &str, &str)>> = HashMap::new();
    for (c, t, q, a, _) in &members {
        by_cluster.entry(c.as_str()).or_default().push((t.as_str(), q.as_str(), a.as_str()));
    }
    let mut taken: HashSet<String> = HashSet::new();
    let mut scenarios = Vec::new();
    for (id, _size, label, topic, medoid) in &rows {
        let Some(all) = by_cluster.get(id.as_str()) else { continue };
        // Customers word "resend it" and "refund it" alike; the staff's action tells them apart, so a
        // cluster gives one scenario per action its replies report (tickets with none follow the
        // cluster's most frequent action).
        let mut by_action: BTreeMap<Option<usize>, Vec<(&str, &str, &str)>> = BTreeMap::new();
        for m in all {
            by_action.entry(classifier.action_kind(m.2)).or_default().push(*m);
        }
        let dominant = by_action.iter().filter(|(k, _)| k.is_some()).max_by_key(|(k, v)| (v.len(), std::cmp::Reverse(**k))).map(|(k, _)| *k);
        if let (Some(d), Some(none)) = (dominant, by_action.remove(&None)) {
            by_action.entry(d).or_default().extend(none);
        }
        for ms in by_action.values() {
        if ms.len() < 2 {
            continue;
        }
        let size = ms.len();
        let title = ms.iter().find(|m| m.0 == medoid).unwrap_or(&ms[0]).1;
        let intent = unique(intent_id(title), &mut taken);
        let mut seen = HashSet::new();
        let examples: Vec<String> = ms
            .iter()
            .map(|m| crate::draft::canonical_question(&crate::clean::for_embedding(m.1)))
            .filter(|q| !q.is_empty() && seen.insert(q.to_lowercase()))
            .take(EXAMPLES)
            .collect();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for m in ms {
            // One action per reply however often it repeats; the phrase with its values masked.
            let phrases: HashSet<String> = classifier.actions_in(m.2).iter().map(|a| action_phrase(a)).collect();
            for a in phrases {
                *counts.entry(a).or_default() += 1;
            }
        }
        let mut actions: Vec<Action> = counts.into_iter().map(|(action, count)| Action { action, count }).collect();
        actions.sort_by(|a, b| b.count.cmp(&a.count).then(a.action.cmp(&b.action)));
        actions.truncate(5);
        let answers: Vec<&str> = ms.iter().map(|m| m.2).filter(|a| !a.trim().is_empty()).collect();
        let sets: Vec<HashSet<String>> = answers.iter().map(|a| words(a)).collect();
        let typical_reply = most_central(&sets).map(|i| answers[i].to_string()).unwrap_or_default();
        scenarios.push(Scenario {
            intent,
            cluster: id.clone(),
            tickets: size,
            label: label.clone(),
            topic: topic.clone(),
            examples,
            actions,
            typical_reply,
        });
        }
    }
    scenarios.sort_by(|a, b| b.tickets.cmp(&a.tickets).then(a.intent.cmp(&b.intent)));

    // Clarifying questions: the most typical reply to empty requests, per language.
    let empty: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT q.language, q.question, q.answer FROM qa_pairs q WHERE q.kind = 'empty' ORDER BY q.ticket_id",
    )
    .fetch_all(store.pool())
    .await?;
    let mut by_lang: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for (lang, q, a) in &empty {
        if !a.trim().is_empty() {
            by_lang.entry(lang.as_str()).or_default().push((q.as_str(), a.as_str()));
        }
    }
    let mut clarifying = Vec::new();
    for (lang, items) in by_lang {
        let sets: Vec<HashSet<String>> = items.iter().map(|(_, a)| words(a)).collect();
        let Some(i) = most_central(&sets) else { continue };
        let mut seen = HashSet::new();
        let examples: Vec<String> = items
            .iter()
            .map(|(q, _)| q.trim().to_string())
            .filter(|q| !q.is_empty() && seen.insert(q.to_lowercase()))
            .take(EXAMPLES)
            .collect();
        clarifying.push(Clarifying { language: lang.to_string(), template: items[i].1.to_string(), tickets: items.len(), examples });
    }

    std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("cannot create `{}`: {e}", dir.display()))?;
    // The exports go to the bot's builders: what the publish guard finds in them is masked.
    let (scenarios, a) = guard.mask_value(scenarios)?;
    let (clarifying, b) = guard.mask_value(clarifying)?;
    if a + b > 0 {
        tracing::warn!("scenario exports: the publish guard masked {} values", a + b);
    }
    let jsonl: String = scenarios.iter().map(|s| serde_json::to_string(s).map(|l| l + "\n")).collect::<Result<_, _>>()?;
    let mut written = 0;
    for (name, text) in [
        ("scenarios.jsonl", jsonl),
        ("scenarios.yaml", serde_yaml::to_string(&scenarios)?),
        ("clarifying.yaml", serde_yaml::to_string(&clarifying)?),
    ] {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            crate::kb::write_atomic(&path, &text)?;
            written += 1;
        }
    }
    Ok(Exported { scenarios: scenarios.len(), clarifying: clarifying.len(), files_written: written })
}

/// An action as staff phrase it, with one ticket's values masked, so that "продлён до 12.05",
/// "продлён до 3 июня" and the "продлён до 1" a pattern stops at are one action: a date after
/// до / с / по / от is `<дата>`, a number before a currency `<сумма>`, any other number `<номер>`,
/// a name in quotes (a brand: "отправили сертификат «Перекрёсток» повторно") `<название>`.
pub fn action_phrase(phrase: &str) -> String {
    static DATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\b(до|с|по|от|until|till|to)\s+\d[\d./:\-]*(\s+(январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр)\w*)?(\s+\d{4})?(\s*(года|г\.?))?")
            .expect("static regex")
    });
    static AMOUNT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\d[\d\s.,]*\s*(₽|руб\w*|р\.|rub|usd|\$|€)").expect("static regex")
    });
    static NUMBER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| regex::Regex::new(r"[#№]?\d[\d\-/.:]*").expect("static regex"));
    static NAME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| regex::Regex::new(r#"«[^»]*»|"[^"]*""#).expect("static regex"));
    let masked = NAME.replace_all(phrase, "<название>");
    let masked = DATE.replace_all(&masked, "$1 <дата>");
    let masked = AMOUNT.replace_all(&masked, "<сумма>");
    let masked = NUMBER.replace_all(&masked, "<номер>");
    masked.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A scenario's id from its typical question: the question's slug without its values (dates,
/// amounts and their units), at most 48 characters. "НЕ ПРИШЁЛ СЕРТИФИКАТ. Оплачено 28.03.2025,
/// 2500 р." is `ne-prishel-sertifikat-oplacheno`: the request, not one customer's payment, which
/// would also make the id change from run to run and trip the publish guard.
fn intent_id(question: &str) -> String {
    let slug = crate::kb::slug::slugify(&crate::draft::canonical_question(&crate::clean::for_embedding(question)));
    // Units that follow a value (transliterated): рубли, тысячи, штуки, годы, часы, гигабайты.
    const UNITS: [&str; 19] = ["r", "rub", "kop", "tys", "mln", "sht", "kg", "g", "gg", "gb", "mb", "tb", "ch", "min", "dn", "usd", "eur", "pcs", "k"];
    let mut words: Vec<&str> = Vec::new();
    let mut after_value = false;
    for word in slug.split('-') {
        let value = word.chars().any(|c| c.is_ascii_digit());
        if !value && !(after_value && UNITS.contains(&word)) {
            words.push(word);
        }
        after_value = value;
    }
    crate::kb::slug::join(words, 48)
}

fn unique(base: String, taken: &mut HashSet<String>) -> String {
    let base = if base.is_empty() { "intent".to_string() } else { base };
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_id_names_the_request_without_its_values() {
        assert_eq!(intent_id("НЕ ПРИШЁЛ СЕРТИФИКАТ. Оплачено 28.03.2025, 2500 р."), "ne-prishel-sertifikat-oplacheno");
        assert_eq!(intent_id("Please refund order 4417 of 30 USD, I was charged twice"), "please-refund-order-of-i-was-charged-twice");
        assert_eq!(intent_id("Продлите сертификат"), "prodlite-sertifikat");
        assert!(intent_id(&"продлите срок действия сертификата ".repeat(4)).len() <= 48);
        // Nothing but values: `unique` names it.
        assert_eq!(intent_id("12.05.2025"), "");
        let mut taken = HashSet::new();
        assert_eq!(unique(intent_id("12.05.2025"), &mut taken), "intent");
    }

    #[test]
    fn an_action_is_one_phrase_whatever_the_values() {
        for (raw, want) in [
            ("продлён до 1", "продлён до <дата>"),
            ("продлён до 0", "продлён до <дата>"),
            ("продлён до 2", "продлён до <дата>"),
            ("продлён до 12.05.2025", "продлён до <дата>"),
            ("продлён до 3 июня 2025 года", "продлён до <дата>"),
            ("вернули 1 500 ₽", "вернули <сумма>"),
            ("отправили повторно заказ 48213", "отправили повторно заказ <номер>"),
            ("отправили повторно", "отправили повторно"),
            ("отправили сертификат «золотое яблоко» повторно", "отправили сертификат <название> повторно"),
            ("возврат 2 000 ₽ оформлен", "возврат <сумма> оформлен"),
        ] {
            assert_eq!(action_phrase(raw), want, "{raw}");
        }
    }
}
