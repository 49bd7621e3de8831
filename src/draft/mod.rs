//! The draft stage: one Markdown article per flat cluster, written into the knowledge base folder.
//!
//! Entry points: [`build_draft`] (pure: a cluster's questions and answers in, an [`Article`] out) and
//! [`run`] (the stage). Steps: pick flat clusters of at least `min-cluster-size` questions → match each
//! to the article it already has (same cluster id, or the article whose sources overlap it most) →
//! build the draft → write it unless an editor has touched the file.
//!
//! An editor's work is never overwritten: kbforge remembers the hash of every file it wrote, and
//! rewrites a file only while it is still a `draft` byte for byte as kbforge left it.

pub mod generalize;
pub mod llm;
pub mod scenarios;
pub mod spelling;
pub mod title;
pub mod voice;
mod stage;

pub use stage::{run, Exports};

use std::collections::HashSet;
use std::path::PathBuf;

use serde::Deserialize;

use crate::kind::Kind;
use crate::cluster::answers;
use crate::kb::{Article, Audience, FrontMatter, Status};
pub use crate::kb::slug::slugify;

/// `[draft]`
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct DraftConfig {
    /// Smallest flat cluster that becomes an article. Default: 3.
    pub min_cluster_size: usize,
    /// How many other phrasings go into `also_asked`. Default: 8.
    pub max_also_asked: usize,
    /// How many source ticket ids the front matter lists. Default: 50.
    pub max_sources: usize,
    /// Where scenario candidates (needs-action) and clarifying questions (empty requests) are
    /// written, relative to the workspace. Default: `exports`.
    pub exports_dir: PathBuf,
    /// A cluster without an article whose centred centroid is at least this similar (cosine) to the
    /// cluster of an approved or published article proposes an update to that article (its
    /// phrasings and sources) instead of a duplicate draft. Default: 0.55.
    pub update_threshold: f32,
    /// `[draft.llm]`: optional drafting through an OpenAI-compatible endpoint. Off by default.
    pub llm: llm::LlmConfig,
}

impl Default for DraftConfig {
    fn default() -> Self {
        DraftConfig {
            min_cluster_size: 3,
            max_also_asked: 8,
            max_sources: 50,
            exports_dir: PathBuf::from("exports"),
            update_threshold: 0.55,
            llm: llm::LlmConfig::default(),
        }
    }
}

/// One member of a cluster, as the drafter sees it.
#[derive(Debug, Clone)]
pub struct Member {
    pub ticket_id: String,
    pub question: String,
    pub answer: String,
    pub rating: String,
    pub kind: Kind,
    /// Similarity to the cluster centroid.
    pub similarity: f64,
}

/// Builds the article for a cluster (pure). `id` is the article id to use.
pub fn build_draft(id: &str, cluster_id: &str, topic: &str, members: &[Member], config: &DraftConfig) -> Option<Article> {
    let flat: Vec<&Member> = members.iter().filter(|m| m.kind == Kind::Flat).collect();
    let title_source = flat
        .iter()
        .max_by(|a, b| title_score(a).total_cmp(&title_score(b)).then_with(|| b.ticket_id.cmp(&a.ticket_id)))?;
    let (title, asked) = title::titled(&flat).unwrap_or_else(|| (canonical_question(&title_source.question), title_source));
    let answer = best_answer(&flat, asked)?;
    let mut by_similarity: Vec<&Member> = flat.clone();
    by_similarity.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then_with(|| a.ticket_id.cmp(&b.ticket_id)));
    let mut seen: HashSet<String> = HashSet::from([normalize_question(&title)]);
    // Phrasings feed search and the bot: keep the clean, self-contained ones, without the
    // greetings and fillers the titles drop, so that one wording with and without "подскажите,
    // пожалуйста" does not take two places.
    let also_asked: Vec<String> = by_similarity
        .iter()
        .map(|m| crate::clean::for_embedding(&m.question))
        // A question asked after the customer's story and pointing back to it («…Доставка была
        // 299 р. Её вычтут из суммы возврата?») names its subject only beside the story.
        .filter(|q| !title::leans_on_story(q))
        .map(|q| question_sentence(&q))
        .map(|q| {
            let stripped = title::strip(&q);
            if stripped.split_whitespace().count() >= 2 { question_sentence(&stripped) } else { q }
        })
        // Two content words at least, as a title needs: «Как это сделать?», «Вернуть можно?» and
        // "Can you help?" say what they are about only beside the message they came in, and in
        // the bot's index they would match every such follow-up word for word. No profanity: the
        // help center shows them.
        .filter(|q| !q.contains('[') && (12..=160).contains(&q.chars().count()) && crate::lexical::stems(q).len() >= 2 && !title::profane(q) && !crate::clean::is_empty_request(q))
        .filter(|q| seen.insert(normalize_question(q)))
        .take(config.max_also_asked)
        .collect();
    let mut sources: Vec<String> = members.iter().map(|m| m.ticket_id.clone()).collect();
    sources.sort();
    sources.truncate(config.max_sources);
    Some(Article {
        path: PathBuf::from(format!("{id}.md")),
        front: FrontMatter {
            id: id.to_string(),
            title,
            status: Status::Draft,
            topic: topic.to_string(),
            audience: Audience::Public,
            cluster: Some(cluster_id.to_string()),
            sources,
            tickets: Some(members.len() as u64),
            also_asked,
            extra: Default::default(),
        },
        body: to_markdown(&answer),
    })
}

/// A staff reply as Markdown: the dash, bullet and numbered lines operators type become list items
/// (with the blank line Markdown needs before a list, and the one after it, without which the next
/// line would join the last item), and bare links become links.
pub fn to_markdown(answer: &str) -> String {
    static URL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(^|[\s(«])(https?://[^\s<>()«»"]*[^\s<>()«»".,;:!?])"#).expect("static regex")
    });
    let answer = URL.replace_all(answer, "$1<$2>");
    let mut out: Vec<String> = Vec::new();
    let mut in_list = false;
    for line in answer.lines() {
        let t = line.trim_start();
        let bullet = ["— ", "– ", "• ", "* ", "- "].iter().find_map(|m| t.strip_prefix(m)).map(|rest| format!("- {}", rest.trim()));
        // "1. Принесите товар…", "2) …": kept as numbered.
        let number = t.find(['.', ')']).filter(|&i| (1..=2).contains(&i) && t[..i].bytes().all(|b| b.is_ascii_digit()) && t[i + 1..].starts_with(' '));
        let item = bullet.or_else(|| number.map(|i| format!("{}. {}", &t[..i], t[i + 1..].trim())));
        match item {
            Some(item) => {
                if !in_list && out.last().is_some_and(|l| !l.is_empty()) {
                    out.push(String::new());
                }
                out.push(item);
                in_list = true;
            }
            None => {
                if in_list && !t.is_empty() {
                    out.push(String::new());
                }
                in_list = false;
                out.push(line.trim_end().to_string());
            }
        }
    }
    out.join("\n")
}

/// A good title is central to the cluster, a self-contained question of moderate length, and carries
/// no redaction placeholder.
fn title_score(m: &Member) -> f64 {
    let q = canonical_question(&m.question);
    let len = q.chars().count() as f64;
    let mut score = m.similarity - 0.002 * (len - 80.0).max(0.0) - 0.004 * (30.0 - len).max(0.0);
    if q.contains('[') {
        score -= 0.1;
    }
    if q.ends_with('?') {
        score += 0.02;
    }
    score
}

/// The question as a title: [`question_sentence`], and a longer one than 160 characters cut after a
/// whole word, saying so.
pub fn canonical_question(q: &str) -> String {
    crate::lexical::shorten(&question_sentence(q), 160)
}

/// The first question sentence if there is one, else the whole text without trailing dots;
/// capitalised. Uncut: an "also asked" phrasing too long for the index is left out, not cut.
fn question_sentence(q: &str) -> String {
    let q = q.split_whitespace().collect::<Vec<_>>().join(" ");
    // The first sentence that asks; a `?` inside quotation marks («Нажимаю «Забыли пароль?», а
    // письмо не приходит») belongs to the sentence that quotes it.
    let candidate = match title::sentences(&q).into_iter().find(|s| s.ends_with('?')) {
        Some(asked) => asked.to_string(),
        None => q.trim_end_matches(['.', '!', ' ', ',']).to_string(),
    };
    let candidate = if candidate.chars().count() < 8 { q.clone() } else { candidate };
    let mut chars = candidate.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn normalize_question(q: &str) -> String {
    q.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The best staff answer to `asked`, the question the title was made of: among the answers like
/// the one it got, the most central (a templated answer wins), highly rated ones preferred,
/// answers full of one ticket's values (placeholders, dates) avoided; then generalized
/// ([`generalize::generalize`]) and without the courtesy it was wrapped in ([`voice::unframe`]).
fn best_answer(members: &[&Member], asked: &Member) -> Option<String> {
    let answered: Vec<&Member> = members.iter().copied().filter(|m| !m.answer.trim().is_empty()).take(200).collect();
    let sets: Vec<_> = answered.iter().map(|m| answers::words(&m.answer)).collect();
    // The body answers the title's question: the staff's answer to it or one like it (at least as
    // like it as the cluster's answers are on average, its copies included), the most central of
    // those. Where a cluster holds one intent answered with one template, that is its template;
    // where it holds two, the title's.
    let like: Vec<bool> = if asked.answer.trim().is_empty() {
        vec![true; sets.len()]
    } else {
        let own = answers::words(&asked.answer);
        let overlap: Vec<f64> = sets.iter().map(|s| answers::jaccard(s, &own)).collect();
        let mean = overlap.iter().sum::<f64>() / overlap.len().max(1) as f64;
        overlap.iter().map(|&o| o >= mean).collect()
    };
    let best = answers::most_central_by(&sets, |i| {
        let rating = match answered[i].rating.as_str() {
            "high" => 0.05,
            "low" => -0.1,
            _ => 0.0,
        };
        let unlike = if like[i] { 0.0 } else { f64::NEG_INFINITY };
        rating - 0.04 * generalize::specifics(&answered[i].answer).min(5) as f64 + unlike
    })?;
    Some(voice::unframe(&generalize::generalize(answered[best].answer.trim())))
}

pub(super) fn unique_id(base: &str, taken: &mut HashSet<String>) -> String {
    let base = if base.is_empty() { "article" } else { base };
    let mut id = base.to_string();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, q: &str, a: &str, sim: f64) -> Member {
        Member { ticket_id: id.into(), question: q.into(), answer: a.into(), rating: "high".into(), kind: Kind::Flat, similarity: sim }
    }

    #[test]
    fn drafts_a_cluster() {
        let ms = vec![
            member("t:1", "как проверить баланс сертификата?", "Баланс виден на странице сертификата: введите код на podarokplus.ru/balance.", 0.95),
            member("t:2", "Подскажите где посмотреть остаток на сертификате", "Баланс виден на странице сертификата: введите код на сайте.", 0.93),
            member("t:3", "сколько денег осталось на карте подарочной", "Остаток показан на странице сертификата.", 0.9),
        ];
        let a = build_draft("balance", "c-1", "баланс", &ms, &DraftConfig::default()).unwrap();
        assert_eq!(a.front.title, "Как проверить баланс сертификата?");
        assert!(a.body.starts_with("Баланс виден на странице сертификата"));
        assert_eq!(a.front.also_asked, ["Где посмотреть остаток на сертификате", "Сколько денег осталось на карте подарочной"]);
        assert_eq!(a.front.sources, vec!["t:1", "t:2", "t:3"]);
        assert_eq!(a.front.status, Status::Draft);
    }

    #[test]
    fn the_body_answers_the_titles_question() {
        let methods = "Принимаем карты Visa, Mastercard и Мир, оплату через СБП и SberPay, а также наличными курьеру.";
        let declined = "Если карта не проходит, проверьте лимит на интернет-платежи и повторите оплату из личного кабинета.";
        let ms = vec![
            member("t:1", "Какие способы оплаты есть?", methods, 0.95),
            member("t:2", "Чем можно оплатить заказ?", methods, 0.94),
            member("t:3", "Можно оплатить через СБП?", methods, 0.93),
            member("t:4", "Почему не проходит оплата картой?", declined, 0.90),
            member("t:5", "Карта не проходит при оплате, что делать?", &declined.replace("повторите", "попробуйте ещё раз"), 0.88),
        ];
        let flat: Vec<&Member> = ms.iter().collect();
        // Asked about the methods, the methods; asked why the card is declined, not the methods.
        assert_eq!(best_answer(&flat, &ms[0]).as_deref(), Some(methods));
        assert_eq!(best_answer(&flat, &ms[3]).as_deref(), Some(declined));
        // A question with no answer of its own leaves the cluster's most central answer.
        let unanswered = member("t:6", "Почему не проходит оплата?", "", 0.9);
        assert_eq!(best_answer(&flat, &unanswered).as_deref(), Some(methods));
    }

    #[test]
    fn one_wording_with_and_without_fillers_takes_one_place() {
        let a = "Проверить баланс можно на странице сертификата.";
        let ms = vec![
            member("t:1", "Где посмотреть остаток по подарочному сертификату?", a, 0.97),
            member("t:2", "Подскажите пожалуйста где посмотреть остаток по подарочному сертификату?", a, 0.96),
            member("t:3", "Подскажите пж где посмотреть остаток по подарочному сертификату? Код мой", a, 0.95),
            member("t:4", "Как узнать сколько денег осталось на сертификате?", a, 0.9),
        ];
        let a = build_draft("balance", "c-1", "баланс", &ms, &DraftConfig::default()).unwrap();
        assert_eq!(a.front.title, "Где посмотреть остаток по подарочному сертификату?");
        assert_eq!(a.front.also_asked, ["Как узнать сколько денег осталось на сертификате?"]);
    }

    #[test]
    fn canonical_questions() {
        assert_eq!(canonical_question("Добрый день. как активировать сертификат? Спасибо"), "Как активировать сертификат?");
        assert_eq!(canonical_question("не пришел сертификат на почту..."), "Не пришел сертификат на почту");
        assert_eq!(canonical_question("Пришло письмо от ofd.ru, это не мошенники?"), "Пришло письмо от ofd.ru, это не мошенники?");
        let long = canonical_question(&format!("{} How do I get credit for future travel on Delta", "My flight was cancelled and".repeat(5)));
        assert!(long.ends_with("credit for…") && long.chars().count() <= 160, "{long}");
        // An "also asked" phrasing is never cut: one too long is left out by its length.
        assert!(question_sentence(&"My flight was cancelled and".repeat(7)).chars().count() > 160);
        // A quoted button's question mark does not end the question.
        assert_eq!(
            canonical_question("Нажимаю «Забыли пароль?», а письмо так и не приходит. Что ещё можно сделать?"),
            "Что ещё можно сделать?"
        );
    }

    #[test]
    fn follow_ups_that_name_nothing_are_not_phrasings() {
        let a = "Продлённую гарантию можно купить в течение 14 дней после покупки.";
        let ms = vec![
            member("t:1", "Можно купить продлённую гарантию потом, а не сразу?", a, 0.97),
            member("t:2", "Купил телевизор неделю назад. Как это сделать?", a, 0.96),
            member("t:3", "Гарантию продлить ещё можно? Вернуть можно?", a, 0.95),
            member("t:4", "Can you help, please?", a, 0.94),
            member("t:6", "WTF, can I extend the damn warranty or not?", a, 0.93),
            member("t:7", "Гарантия закончилась. Что мне теперь делать?", a, 0.92),
            member("t:5", "Продлённую гарантию можно оформить после покупки?", a, 0.9),
        ];
        let a = build_draft("extended", "c-1", "гарантия", &ms, &DraftConfig::default()).unwrap();
        assert_eq!(a.front.also_asked, ["Гарантию продлить ещё можно?", "Продлённую гарантию можно оформить после покупки?"]);
    }

    #[test]
    fn a_question_leaning_on_the_story_before_it_is_no_phrasing() {
        let a = "Доставку возвращаем только при возврате из-за брака или нашей ошибки.";
        let ms = vec![
            member("t:1", "Вернут ли деньги за доставку, если я сдам товар?", a, 0.97),
            member("t:2", "Возвращаю кофемолку, просто не подошла. Доставка была 299 р. Её вычтут из суммы возврата?", a, 0.96),
            member("t:3", "I returned the kettle. How do I get it refunded?", a, 0.95),
            // A pronoun in a question that opens its message points inside it.
            member("t:4", "Можно сдать товар и получить за него стоимость доставки?", a, 0.94),
            member("t:5", "Стоимость доставки тоже вернёте при возврате?", a, 0.93),
        ];
        let a = build_draft("delivery-refund", "c-1", "возврат", &ms, &DraftConfig::default()).unwrap();
        let mut asked: Vec<&str> = a.front.also_asked.iter().map(String::as_str).chain([a.front.title.as_str()]).collect();
        asked.sort();
        assert_eq!(
            asked,
            ["Вернут ли деньги за доставку, если я сдам товар?", "Можно сдать товар и получить за него стоимость доставки?", "Стоимость доставки тоже вернёте при возврате?"]
        );
    }

    #[test]
    fn dashes_become_a_list() {
        assert_eq!(
            to_markdown("Мы принимаем:\n— карты МИР;\n— СБП.\nКомиссии нет."),
            "Мы принимаем:\n\n- карты МИР;\n- СБП.\n\nКомиссии нет."
        );
        assert_eq!(to_markdown("Все способы: https://podarokplus.ru/help/payment."), "Все способы: <https://podarokplus.ru/help/payment>.");
        // A numbered list, and the line after it, which Markdown would otherwise join to item 2.
        assert_eq!(
            to_markdown("Порядок такой:\n1. Принесите товар в магазин.\n2) Назовите номер заказа.\nСрок ремонта — до 45 дней."),
            "Порядок такой:\n\n1. Принесите товар в магазин.\n2. Назовите номер заказа.\n\nСрок ремонта — до 45 дней."
        );
        // Not a list: a year, a price, a time.
        for line in ["2024. Год был трудным.", "10.5 кг — предел.", "1.Без пробела"] {
            assert_eq!(to_markdown(&format!("Итак:\n{line}")), format!("Итак:\n{line}"));
        }
    }

    #[test]
    fn ids_are_unique() {
        let mut taken = HashSet::from(["balans".to_string()]);
        assert_eq!(unique_id("balans", &mut taken), "balans-2");
        assert_eq!(unique_id("srok", &mut taken), "srok");
    }
}
