//! The classify stage: is a ticket **flat** (the answer is generic text that can live in a help
//! center), **needs-action** (staff did something by hand in the admin panel or CRM), **empty** (no
//! real question; staff asked what was needed) or **other**?
//!
//! Entry points: [`classify`] (pure, one pair) and [`run`] (the stage over the store). Signals, in
//! order: an empty opening message; action phrases in the staff reply (configurable, Russian and
//! English); ticket-specific identifiers in the reply together with an internal note; no staff reply;
//! an acknowledgement of feedback; a reply that only sends the customer to a private channel or asks
//! for their details ([`private`]); a sentence reporting what staff did.

mod private;

use std::time::Instant;

use regex::Regex;
use serde::Deserialize;

use crate::stage::count;
use crate::stage::StageReport;
use crate::store::Store;

pub use crate::kind::Kind;

/// `[classify]`
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ClassifyConfig {
    /// Regular expressions (case-insensitive) that mark a staff reply as reporting a manual action.
    /// Default: resend, refund, reissue, extend, change, cancel, block phrasings in Russian and English.
    pub action_phrases: Vec<String>,
    /// Regular expressions (case-insensitive) that mark a staff reply as acknowledging feedback,
    /// thanks, an offer or a job request rather than answering a question: such tickets are `other`.
    /// Default: Russian and English acknowledgements.
    pub other_phrases: Vec<String>,
    /// Regular expressions (case-insensitive) that mark a sentence of a staff reply as moving the
    /// case to a private channel or asking for the customer's details ("please create a support
    /// ticket", «пришлите номер заказа»): a reply of such sentences and courtesy alone answers
    /// nothing, and the ticket is `needs-action`. Default: Russian and English phrasings.
    pub private_phrases: Vec<String>,
}

impl Default for ClassifyConfig {
    fn default() -> Self {
        let phrases = [
            r"отправил[аи]?\b[^.!?\n]{0,80}(ещё раз|еще раз|повторно)",
            r"повторно\s+(отправил|выслал|направил)",
            r"переотправил|продублировал|выслал[аи]?\s+(ещё раз|еще раз|повторно)|отправили\s+на\s+новый",
            r"оформил[аи]?\s+возврат|возврат\b[^.!?\n]{0,60}(оформлен|выполнен|произвед)|вернул[аи]?\s+(деньги|средства|оплату)",
            r"перевыпустил|выпустил[аи]?\s+новы|выпущен[аоы]?\s+нов|заменил[аи]?\s+(код|сертификат)",
            r"продлил[аи]?\b|продл[её]н\s+до\s+\d",
            r"изменил[аи]?\s+(адрес|почту|e-?mail|получател|имя|данные|номер|дату)|исправил[аи]?\s+(адрес|почту|имя|данные)|обновил[аи]?\s+(адрес|почту|номер|данные|получател)|теперь\s+указан",
            r"отменил[аи]?\s+(ваш\s+)?заказ|заказ\b[^.!?\n]{0,30}отмен[её]н|аннулировал|аннулирован|отменил[аи]?\s+авторизаци",
            r"заблокировал|разблокировал|восстановил[аи]?\s+(доступ|сертификат|код)",
            r"зачислил[аи]?|активировал[аи]?\s+(ваш\s+)?сертификат\s+вручную",
            r"сформировал[аи]?\s+(и\s+отправил|счёт|счет|документ|акт|упд)|выставил[аи]?\s+сч[её]т",
            r"проверил[аи]?\s+(ваш\s+)?(заказ|платёж|платеж|оплату)\s+(№\s*)?\[ORDER\]",
            r"\b(re-?sent|resent|have\s+refunded|issued\s+a\s+refund|refund\s+has\s+been|reissued|have\s+extended|has\s+been\s+extended|we('ve|\s+have)\s+(changed|updated|cancell?ed|blocked|restored|sent))\b",
        ];
        let other = [
            r"^\W*(спасибо|благодарим|благодарю)\s*(вам\s*)?(большое\s*)?(за|,\s*что)\s+(ваш\w*\s+)?(отзыв|обратн|предложени|иде|т[её]пл|интерес|пожелани|сообщили|написали|доверие)",
            r"^\W*(очень\s+)?рады,?\s+что",
            r"^\W*(нам\s+)?(очень\s+|так\s+|как\s+)?приятно\b",
            r"передал[аи]?\s+(его|её|ее|их|ваш\w*\s+\w+)?\s*(в\s+)?(отдел|разработчик|команд|руководств)",
            r"(резюме|вакансии)\b[^.!?]{0,80}(направьте|опубликованы|отправьте)",
            r"^\W*thank\s+you\s+for\s+(your\s+)?(interest|feedback|offer|kind\s+words|suggestion)",
        ];
        ClassifyConfig {
            action_phrases: phrases.iter().map(|s| s.to_string()).collect(),
            other_phrases: other.iter().map(|s| s.to_string()).collect(),
            private_phrases: private::PHRASES.iter().map(|s| s.to_string()).collect(),
        }
    }
}

/// Compiled classifier.
#[derive(Debug)]
pub struct Classifier {
    actions: Vec<Regex>,
    others: Vec<Regex>,
    private: private::Private,
    ticket_ids: Regex,
    order_ids: Regex,
    done: Regex,
}

#[derive(Debug, thiserror::Error)]
#[error("[classify] {key}: `{phrase}` is not a valid regular expression: {detail}")]
pub struct ConfigError {
    key: &'static str,
    phrase: String,
    detail: String,
}

impl Classifier {
    pub fn new(config: &ClassifyConfig) -> Result<Classifier, ConfigError> {
        let compile = |key: &'static str, list: &[String]| -> Result<Vec<Regex>, ConfigError> {
            list.iter()
                .map(|p| Regex::new(&format!("(?i){p}")).map_err(|e| ConfigError { key, phrase: p.clone(), detail: e.to_string() }))
                .collect()
        };
        let actions = compile("action-phrases", &config.action_phrases)?;
        let others = compile("other-phrases", &config.other_phrases)?;
        let private = private::Private::new(compile("private-phrases", &config.private_phrases)?);
        // Placeholders the cleaner leaves for values specific to one ticket.
        let ticket_ids = Regex::new(r"\[(ORDER|INVOICE|CODE|CARD|PIN)\]").expect("static regex");
        // A reply that names the customer's order dealt with that order.
        let order_ids = Regex::new(r"\[ORDER\]").expect("static regex");
        // A sentence that opens with a verb in the past plural and no subject ("Перенесли
        // доставку…", "Оформили заявку…", "Готово: сняли бронь…"), or with "мы" and one, reports
        // what staff did for this customer, whatever the verb; an answer that explains says "вы
        // оплатили", "можно", "нужно". Checked after the acknowledgements of feedback ("Передали
        // ваше предложение команде"), which read the same.
        // A sentence that opens with "Готово" or "Сделано" reports the same whatever follows
        // ("Готово: доставку перенесли на 14.06", "Готово, аккаунты объединены").
        let done = Regex::new(r"(?i)(^|[.!?]\s+|\n|готово[:,!]?\s+|\bмы\s+(уже\s+)?)[а-яё]{2,}(или|али|яли|ели|ыли|ули|ёли|оли|зли|сли|кли|гли)\b|(^|[.!?]\s+|\n)(готово|сделано)\s*[:,!.—–-]")
            .expect("static regex");
        Ok(Classifier { actions, others, private, ticket_ids, order_ids, done })
    }

    /// The manual actions a staff reply reports ("отправили повторно", "оформили возврат"), as
    /// matched, lower case.
    pub fn actions_in(&self, answer: &str) -> Vec<String> {
        self.actions
            .iter()
            .filter_map(|re| re.find(answer))
            .map(|m| m.as_str().trim().to_lowercase().split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    }

    /// Which of the action phrasings (by position in `action-phrases`) a reply reports first: resend,
    /// refund, reissue, extend, change, cancel, block, …
    pub fn action_kind(&self, answer: &str) -> Option<usize> {
        self.actions.iter().position(|re| re.is_match(answer))
    }

    /// Classifies one question/answer pair; returns the kind and the signal that decided it.
    pub fn classify(&self, question: &str, answer: &str, has_note: bool) -> (Kind, String) {
        if crate::clean::is_empty_request(question) {
            // Thanks or "never mind" answered with an acknowledgement is not a request at all.
            if self.others.iter().any(|re| re.is_match(answer)) {
                return (Kind::Other, "no question, and the reply acknowledges it".into());
            }
            return (Kind::Empty, "no question in the opening message".into());
        }
        if let Some(re) = self.actions.iter().find(|re| re.is_match(answer)) {
            let phrase = re.find(answer).map(|m| m.as_str().to_string()).unwrap_or_default();
            return (Kind::NeedsAction, format!("action in the reply: \"{phrase}\""));
        }
        if self.order_ids.is_match(answer) || (has_note && self.ticket_ids.is_match(answer)) {
            return (Kind::NeedsAction, "values of this ticket (order, code) in the reply".into());
        }
        if answer.trim().is_empty() {
            return (Kind::Other, "no staff reply".into());
        }
        if let Some(re) = self.others.iter().find(|re| re.is_match(answer)) {
            let phrase = re.find(answer).map(|m| m.as_str().to_string()).unwrap_or_default();
            return (Kind::Other, format!("the reply acknowledges feedback or an offer: \"{phrase}\""));
        }
        if let Some(sentence) = self.private.only_redirects(question, answer) {
            return (Kind::NeedsAction, format!("the reply only asks for a private request or the customer's details: \"{sentence}\""));
        }
        if let Some(m) = self.done.find(answer) {
            let verb = m.as_str().trim_start_matches(|c: char| !c.is_alphabetic()).trim();
            return (Kind::NeedsAction, format!("the reply reports what staff did: \"{verb}\""));
        }
        (Kind::Flat, "informational reply".into())
    }
}

/// Bumped when what the classifier makes of a pair changes, so every pair is classified again once
/// (a unit test ties it to the classes of the labelled fixture).
const CLASSIFIER_VERSION: &str = "classify-3";

pub async fn run(store: &Store, config: &ClassifyConfig) -> anyhow::Result<StageReport> {
    let started = Instant::now();
    let classifier = Classifier::new(config)?;
    // Pairs keep their class until extract rewrites them (which clears it) or the settings change:
    // then only the unclassified are read.
    let settings = format!("{}:{CLASSIFIER_VERSION}:{config:?}", env!("CARGO_PKG_VERSION"));
    let settings = crate::hash::text_hash(&settings);
    let same_settings = store.state_get("classify.settings").await?.as_deref() == Some(settings.as_str());
    let filter = if same_settings { "WHERE kind = ''" } else { "" };
    let rows: Vec<(String, String, String, i64, String, String)> = sqlx::query_as(&format!(
        "SELECT ticket_id, question, answer, has_note, kind, kind_reason FROM qa_pairs {filter} ORDER BY ticket_id"
    ))
    .fetch_all(store.pool())
    .await?;
    let mut tally = std::collections::BTreeMap::<Kind, usize>::new();
    let mut written = 0usize;
    let mut tx = store.pool().begin().await?;
    for (id, q, a, note, old_kind, old_reason) in &rows {
        let (kind, reason) = classifier.classify(q, a, *note != 0);
        *tally.entry(kind).or_default() += 1;
        if old_kind == kind.as_str() && *old_reason == reason {
            continue;
        }
        sqlx::query("UPDATE qa_pairs SET kind = $1, kind_reason = $2 WHERE ticket_id = $3")
            .bind(kind.as_str())
            .bind(&reason)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        written += 1;
    }
    tx.commit().await?;
    store.state_set("classify.settings", &settings).await?;
    // The shares are of every pair, classified now or before.
    if same_settings {
        tally.clear();
        let counts: Vec<(String, i64)> =
            sqlx::query_as("SELECT kind, COUNT(*) FROM qa_pairs GROUP BY kind").fetch_all(store.pool()).await?;
        for (kind, n) in counts {
            if let Some(k) = Kind::parse(&kind) {
                *tally.entry(k).or_default() += n as usize;
            }
        }
    }
    let rows_total: usize = tally.values().sum();
    let total = rows_total.max(1);
    let share = |k: Kind| tally.get(&k).copied().unwrap_or(0);
    let mut report = StageReport::new("classify", started);
    report.processed = rows_total;
    report.written = written;
    report.unchanged = rows_total.saturating_sub(written);
    report.summary = format!(
        "{} tickets: {} flat ({:.0}%), {} needs-action, {} empty, {} other",
        count(rows_total),
        count(share(Kind::Flat)),
        100.0 * share(Kind::Flat) as f64 / total as f64,
        count(share(Kind::NeedsAction)),
        count(share(Kind::Empty)),
        count(share(Kind::Other))
    );
    Ok(report.finish(started))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(q: &str, a: &str, note: bool) -> Kind {
        Classifier::new(&ClassifyConfig::default()).unwrap().classify(q, a, note).0
    }

    #[test]
    fn kinds() {
        assert_eq!(classify("Здравствуйте", "Уточните, пожалуйста, ваш вопрос", false), Kind::Empty);
        assert_eq!(
            classify("Не пришёл сертификат на почту", "Отправили сертификат повторно на вашу почту.", true),
            Kind::NeedsAction
        );
        assert_eq!(
            classify("Хочу вернуть деньги за сертификат", "Оформили возврат, деньги поступят в течение 10 дней.", false),
            Kind::NeedsAction
        );
        assert_eq!(
            classify("Как проверить баланс сертификата?", "Баланс можно проверить на странице сертификата по коду.", false),
            Kind::Flat
        );
        assert_eq!(classify("I never got my gift card email", "We have resent it to your address.", false), Kind::NeedsAction);
        assert_eq!(classify("Где можно потратить сертификат?", "", false), Kind::Other);
        assert_eq!(classify("Спасибо, всё пришло!", "Спасибо за отзыв! Будем рады видеть вас снова.", false), Kind::Other);
        assert_eq!(classify("Добавьте Wildberries", "Спасибо за пожелание! Передали его отделу партнёрств.", false), Kind::Other);
        // Praise answered with pleasure, once the cleaner took the reply's "Спасибо, что написали!".
        assert_eq!(classify("Просто хотела поблагодарить — купила сертификат за 2 минуты", "Нам очень приятно 😊", false), Kind::Other);
        assert_eq!(classify("Как узнать баланс?", "Приятной покупки! Баланс виден на странице сертификата.", false), Kind::Flat);
        // Any verb in the past plural that opens a sentence reports a manual action.
        assert_eq!(classify("Перенесите доставку на субботу", "Перенесли доставку заказа на 05.04, интервал 17:00–21:00.", false), Kind::NeedsAction);
        assert_eq!(classify("Бонусы не пришли", "Проверили покупку. Привязали её к аккаунту и начислили бонусы.", false), Kind::NeedsAction);
        assert_eq!(classify("Отмените бронь", "Готово: сняли бронь в магазине.", false), Kind::NeedsAction);
        assert_eq!(classify("Перенесите доставку", "Готово: доставку заказа перенесли на 14.06 в интервале 9:00–13:00.", false), Kind::NeedsAction);
        assert_eq!(classify("Объедините аккаунты", "Готово, аккаунты объединены. Бонусы теперь на основном.", false), Kind::NeedsAction);
        // An explanation that says what the customer did is no action of staff.
        assert_eq!(classify("Вернут ли деньги?", "Если вы оплатили картой, деньги вернутся на неё. Если заплатили наличными — в магазине.", false), Kind::Flat);
    }

    #[test]
    fn bad_phrase_is_a_config_error() {
        let config = ClassifyConfig { action_phrases: vec!["(unclosed".into()], ..ClassifyConfig::default() };
        let err = Classifier::new(&config).unwrap_err().to_string();
        assert!(err.contains("(unclosed"), "{err}");
    }

    /// A workspace classifies a pair again only when its settings or `CLASSIFIER_VERSION` change, so
    /// a change to what the classifier makes of real pairs must bump the version. When this fails
    /// after a change meant to classify differently: bump `CLASSIFIER_VERSION` and record the new
    /// digest here; when it was not meant to, the change has a side effect.
    #[test]
    fn the_classifier_version_moves_with_its_classes() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/classify/labelled.jsonl");
        let classifier = Classifier::new(&ClassifyConfig::default()).unwrap();
        let mut out = Vec::new();
        for line in std::fs::read_to_string(path).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let messages = v["messages"].as_array().unwrap();
            let body = |m: &serde_json::Value| crate::clean::clean_message(m["body"].as_str().unwrap_or_default()).text;
            let public = |m: &&serde_json::Value| !m["internal"].as_bool().unwrap_or(false);
            let question = messages.iter().filter(public).find(|m| m["author"] == "customer").map(body).unwrap_or_default();
            let answer = messages.iter().filter(public).filter(|m| m["author"] == "staff").last().map(body).unwrap_or_default();
            let note = messages.iter().any(|m| m["internal"].as_bool().unwrap_or(false));
            out.push(classifier.classify(&question, &answer, note).1);
        }
        assert!(out.len() > 400, "{}", out.len());
        let digest = &crate::hash::text_hash(&out.join("\u{1}"))[..16];
        assert_eq!((CLASSIFIER_VERSION, digest), ("classify-3", "77369e49f278c217"), "the classifier's decisions changed");
    }
}
