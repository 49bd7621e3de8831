//! The extract stage: one question/answer pair per ticket.
//!
//! The question is the customer's first turn that asks something (the opening message, or the
//! parts a chat customer sent before staff replied); the answer is the staff reply that resolved the
//! ticket, the last public staff turn (one message, or the parts a chat agent sent in a row) that
//! replies to something the customer wrote (not the closing after their thanks), before the
//! customer thanks for a reply and asks something else. An internal note
//! never becomes an answer. Both come from the cleaned, redacted bodies, so raw text never leaves
//! the store through here.

use std::time::Instant;

use crate::stage::count;
use crate::stage::StageReport;
use crate::store::{now, Store};

/// One message as the extractor sees it.
#[derive(Debug, Clone)]
pub struct ThreadMessage {
    pub author: String,
    pub internal: bool,
    pub text: String,
}

/// A ticket reduced to what an article needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QaPair {
    pub question: String,
    pub answer: String,
    pub has_note: bool,
}

/// Picks the question and the answer from a cleaned thread (pure), turn by turn (see [`turns`]).
///
/// The question is the customer's first turn that asks something, without the parts that say
/// nothing ("Здравствуйте", "??"): a chat customer writes the story and the question in messages of
/// their own. When the first turn holds no question and the customer asked it after staff replied
/// ("Слушаю вас"), that turn is the question.
///
/// The answer is the last staff turn that replies to a customer turn saying something. A question
/// followed by a nudge ("??", "алло") is still a question. A closing after the customer's thanks
/// cleans to nothing when the cleaner knows its words ("Пожалуйста, хорошего вечера", "Рады
/// помочь!"); one it does not know ("Обращайтесь, всегда рады помочь!") replies to a turn that says
/// nothing, and is never the answer while an earlier reply is there.
pub fn extract_pair(thread: &[ThreadMessage]) -> Option<QaPair> {
    let opening = thread.iter().find(|m| m.author == "customer" && !m.internal)?;
    let turns = turns(thread);
    let asking = turns.iter().enumerate().filter(|(_, t)| t.customer).find_map(|(i, t)| asked(t.parts.iter().copied()).map(|q| (i, q)));
    let (first, question) = asking.unwrap_or_else(|| (0, opening.text.clone()));
    // A customer who thanks for a reply and asks something else has had this question answered:
    // what follows answers the new one.
    let end = (first + 2..turns.len())
        .find(|&i| turns[i].customer && !turns[i - 1].customer && asks_again(&turns[i - 1], &turns[i]))
        .unwrap_or(turns.len());
    let mut replies = Vec::new();
    let mut after_content = false;
    for t in &turns[..end] {
        if t.customer {
            after_content = t.parts.iter().any(|p| says_something(p));
        } else {
            replies.push((after_content, t.parts.join("\n\n")));
        }
    }
    let answer = replies
        .iter()
        .rev()
        .find(|(after_content, _)| *after_content)
        .or(replies.last())
        .map(|(_, text)| text.clone())
        .unwrap_or_default();
    let has_note = thread.iter().any(|m| m.internal);
    Some(QaPair { question, answer, has_note })
}

/// What a customer's turn asks: its parts that say more than a greeting or a nudge, joined by
/// line breaks; `None` when none does. The bot reads a chat customer's turn the same way
/// (`/api/search` with `messages`, [`crate::publish::index::search::turn_query`]).
pub fn asked<'a>(parts: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let asked: Vec<&str> = parts.into_iter().map(str::trim).filter(|p| !crate::clean::is_empty_request(p)).collect();
    (!asked.is_empty()).then(|| asked.join("\n"))
}

/// Consecutive public messages of one side: what a chat customer or agent sends in parts is one
/// turn. A staff message cleaned to nothing (the greeting sent alone, "Минутку, уточню", the rating
/// request, the auto-close) is no part and does not end the customer's turn; neither does a system
/// message.
struct Turn<'a> {
    customer: bool,
    parts: Vec<&'a str>,
}

fn turns(thread: &[ThreadMessage]) -> Vec<Turn<'_>> {
    let mut out: Vec<Turn> = Vec::new();
    for m in thread.iter().filter(|m| !m.internal) {
        let customer = match m.author.as_str() {
            "customer" => true,
            "staff" if !m.text.trim().is_empty() => false,
            _ => continue,
        };
        match out.last_mut() {
            Some(turn) if turn.customer == customer => turn.parts.push(m.text.trim()),
            _ => out.push(Turn { customer, parts: vec![m.text.trim()] }),
        }
    }
    out
}

/// Whether the customer's turn `next`, after the staff reply `reply`, thanks and goes on to ask
/// something else («Спасибо! А бонусы за этот заказ начислятся?», "Thanks. BTW, do you have any
/// tips…?"): the thanks says the reply answered the question before. Not when the reply asked
/// the customer something (it ends with a question) or the turn gives details staff asked for: then
/// the question is still open.
fn asks_again(reply: &Turn, next: &Turn) -> bool {
    static THANKS_THEN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?is)^\s*(спасибо|благодарю|спс|thanks|thank you|thx|cheers)\b[^.!?\n]{0,40}?[.!?,\n]+\s*(?P<rest>.+)$").expect("static regex")
    });
    let text = next.parts.join("\n");
    let Some(rest) = THANKS_THEN.captures(&text).map(|c| c["rest"].to_string()) else { return false };
    rest.contains('?') && !DETAILS.is_match(&text) && !reply.parts.last().is_some_and(|p| p.trim_end().ends_with('?'))
}

/// A customer message staff can answer: not only greetings and thanks, or details staff asked for
/// (a phone or an order number, a placeholder once redacted, where the words around it are none).
fn says_something(text: &str) -> bool {
    !crate::clean::is_empty_request(text) || DETAILS.is_match(text)
}

/// Details staff asked for, once redacted: a placeholder.
static DETAILS: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(&crate::clean::placeholder_pattern()).expect("valid placeholder regex"));

/// Bumped when what the extraction makes of a thread changes, so every ticket is read again once
/// (its pairs are rewritten only where they come out different).
const EXTRACT_VERSION: &str = "extract-4";

/// The stage. Only tickets with a message not extracted since it was ingested or cleaned are read
/// (`messages.extracted = 0`), 500 at a time, each batch committed with its messages marked: a run
/// with few new tickets reads few, and a killed run resumes where it stopped. When
/// [`EXTRACT_VERSION`] differs from the store's, every ticket is read once more.
pub async fn run(store: &Store) -> anyhow::Result<StageReport> {
    let started = Instant::now();
    let stale = store.state_get("extract.version").await?.as_deref() != Some(EXTRACT_VERSION);
    if stale {
        sqlx::query("UPDATE messages SET extracted = 0 WHERE clean_body IS NOT NULL").execute(store.pool()).await?;
    }
    let dirty: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT ticket_id FROM messages WHERE extracted = 0 ORDER BY ticket_id")
        .fetch_all(store.pool())
        .await?;
    let (mut written, mut uncleaned) = (0usize, 0usize);
    for chunk in dirty.chunks(500) {
        let ids: Vec<&str> = chunk.iter().map(|(id,)| id.as_str()).collect();
        let list = crate::store::placeholders(1, ids.len());
        macro_rules! bind_all {
            ($sql:expr) => {{
                let mut q = sqlx::query_as($sql);
                for id in &ids {
                    q = q.bind(*id);
                }
                q
            }};
        }
        let sql_tickets = format!("SELECT id, labels, language, rating FROM tickets WHERE id IN ({list}) ORDER BY id");
        let sql_messages =
            format!("SELECT ticket_id, author, internal, clean_body FROM messages WHERE ticket_id IN ({list}) ORDER BY ticket_id, position");
        let sql_pairs = format!("SELECT ticket_id, question, answer, has_note FROM qa_pairs WHERE ticket_id IN ({list})");
        let sql_mark = format!("UPDATE messages SET extracted = 1 WHERE ticket_id IN ({list}) AND extracted = 0 AND clean_body IS NOT NULL");
        let tickets: Vec<(String, String, String, String)> = bind_all!(&sql_tickets).fetch_all(store.pool()).await?;
        let messages: Vec<(String, String, i64, Option<String>)> = bind_all!(&sql_messages).fetch_all(store.pool()).await?;
        let existing: Vec<(String, String, String, i64)> = bind_all!(&sql_pairs).fetch_all(store.pool()).await?;
        let mut by_ticket: std::collections::HashMap<String, Vec<ThreadMessage>> = std::collections::HashMap::new();
        for (ticket_id, author, internal, clean) in messages {
            let Some(text) = clean else {
                uncleaned += 1;
                continue;
            };
            by_ticket.entry(ticket_id).or_default().push(ThreadMessage { author, internal: internal != 0, text });
        }
        let existing: std::collections::HashMap<String, (String, String, i64)> =
            existing.into_iter().map(|(id, q, a, n)| (id, (q, a, n))).collect();
        let mut tx = store.pool().begin().await?;
        for (id, labels, language, rating) in &tickets {
            let Some(pair) = by_ticket.get(id).and_then(|t| extract_pair(t)) else { continue };
            if existing.get(id).is_some_and(|(q, a, n)| *q == pair.question && *a == pair.answer && (*n != 0) == pair.has_note) {
                continue;
            }
            let topic = serde_json::from_str::<Vec<String>>(labels).ok().and_then(|l| l.into_iter().next()).unwrap_or_default();
            sqlx::query(
                "INSERT INTO qa_pairs (ticket_id, question, answer, topic, language, rating, has_note, kind, kind_reason, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, '', '', $8)
                 ON CONFLICT (ticket_id) DO UPDATE SET question = excluded.question, answer = excluded.answer,
                   topic = excluded.topic, language = excluded.language, rating = excluded.rating,
                   has_note = excluded.has_note, kind = '', kind_reason = '', updated_at = excluded.updated_at",
            )
            .bind(id)
            .bind(&pair.question)
            .bind(&pair.answer)
            .bind(topic)
            .bind(language)
            .bind(rating)
            .bind(pair.has_note as i64)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            written += 1;
        }
        // A message not cleaned yet keeps its ticket for the next run.
        let mut mark = sqlx::query(&sql_mark);
        for id in &ids {
            mark = mark.bind(*id);
        }
        mark.execute(&mut *tx).await?;
        tx.commit().await?;
    }
    if stale {
        store.state_set("extract.version", EXTRACT_VERSION).await?;
    }
    let (tickets,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tickets").fetch_one(store.pool()).await?;
    let (without_question,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM qa_pairs q WHERE q.ticket_id = t.id)")
            .fetch_one(store.pool())
            .await?;
    let tickets = tickets as usize;
    let without_question = without_question as usize;
    let unchanged = tickets.saturating_sub(written + without_question);
    let mut report = StageReport::new("extract", started);
    report.processed = tickets;
    report.written = written;
    report.unchanged = unchanged;
    report.summary = format!(
        "{} tickets ({} with new or cleaned messages): {} question/answer pairs written, {} unchanged, {} without a customer question{}",
        count(tickets),
        count(dirty.len()),
        count(written),
        count(unchanged),
        count(without_question),
        if uncleaned > 0 { format!(", {uncleaned} messages not cleaned yet (run clean first)") } else { String::new() }
    );
    Ok(report.finish(started))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_new_extraction_reads_every_ticket_again_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&format!("sqlite://{}", dir.path().join("s.sqlite").display())).await.unwrap();
        sqlx::query("INSERT INTO tickets (id, source, external_id, subject, status, channel, language, labels, rating, created_at, updated_at, content_hash) VALUES ('t:1', 't', '1', '', 'closed', 'email', 'ru', '[]', '', '', '', '')")
            .execute(store.pool())
            .await
            .unwrap();
        for (i, author, text) in [(0, "customer", "Как проверить баланс сертификата?"), (1, "staff", "Баланс виден на странице сертификата.")] {
            sqlx::query("INSERT INTO messages (id, ticket_id, position, author, internal, body, created_at, clean_body) VALUES ($1, 't:1', $2, $3, 0, $4, '', $4)")
                .bind(format!("t:1:{i}"))
                .bind(i)
                .bind(author)
                .bind(text)
                .execute(store.pool())
                .await
                .unwrap();
        }
        run(&store).await.unwrap();
        let answer = || async { sqlx::query_as::<_, (String,)>("SELECT answer FROM qa_pairs").fetch_one(store.pool()).await.unwrap().0 };
        assert_eq!(answer().await, "Баланс виден на странице сертификата.");
        // What an older build made of the thread stays until the extraction changes…
        sqlx::query("UPDATE qa_pairs SET answer = 'старое'").execute(store.pool()).await.unwrap();
        run(&store).await.unwrap();
        assert_eq!(answer().await, "старое");
        // …and then every ticket is read again.
        store.state_set("extract.version", "extract-1").await.unwrap();
        run(&store).await.unwrap();
        assert_eq!(answer().await, "Баланс виден на странице сертификата.");
        assert_eq!(store.state_get("extract.version").await.unwrap().as_deref(), Some(EXTRACT_VERSION));
    }

    fn m(author: &str, internal: bool, text: &str) -> ThreadMessage {
        ThreadMessage { author: author.into(), internal, text: text.into() }
    }

    /// A public message as the clean stage leaves it.
    fn cleaned(author: &str, raw: &str) -> ThreadMessage {
        m(author, false, &crate::clean::clean_message(raw).text)
    }

    #[test]
    fn internal_note_is_never_the_answer() {
        let thread = vec![
            m("customer", false, "Как проверить баланс?"),
            m("staff", false, "Баланс виден на странице сертификата."),
            m("staff", true, "Партнёр: комиссия 7%"),
        ];
        let pair = extract_pair(&thread).unwrap();
        assert_eq!(pair.question, "Как проверить баланс?");
        assert_eq!(pair.answer, "Баланс виден на странице сертификата.");
        assert!(pair.has_note);
    }

    #[test]
    fn last_public_staff_reply_resolves() {
        let thread = vec![
            m("customer", false, "Здравствуйте"),
            m("staff", false, "Уточните вопрос"),
            m("customer", false, "Где потратить?"),
            m("staff", false, "В магазинах партнёров."),
        ];
        let pair = extract_pair(&thread).unwrap();
        assert_eq!(pair.question, "Где потратить?");
        assert_eq!(pair.answer, "В магазинах партнёров.");
    }

    #[test]
    fn a_closing_after_the_customers_thanks_is_not_the_answer() {
        let thread = vec![
            cleaned("customer", "Сколько стоит доставка?"),
            cleaned("staff", "Здравствуйте, Анна! Доставка стоит 299 ₽, от 3 000 ₽ бесплатно."),
            cleaned("customer", "Спасибо!"),
            cleaned("staff", "Пожалуйста! Хорошего вечера."),
        ];
        assert_eq!(extract_pair(&thread).unwrap().answer, "Доставка стоит 299 ₽, от 3 000 ₽ бесплатно.");
        // Giving the details staff asked for: the reply after it is the answer.
        let thread = vec![
            cleaned("customer", "Случайно удалила письмо с сертификатом, пришлите ещё раз"),
            cleaned("staff", "Подскажите номер заказа"),
            cleaned("customer", "5307321"),
            cleaned("staff", "Отправили сертификат повторно."),
            cleaned("customer", "спс"),
        ];
        assert_eq!(extract_pair(&thread).unwrap().answer, "Отправили сертификат повторно.");
        // A closing the cleaner has no words for: it replies to the customer's thanks, not to
        // the question.
        let thread = vec![
            cleaned("customer", "Уже минут десять жму «Получить код» — и ничего. Другие смски приходят"),
            cleaned("staff", "Здравствуйте! Код обычно приходит в течение минуты, повторно запросить его можно через 60 секунд."),
            cleaned("customer", "Понятно, спасибо за ответ"),
            cleaned("staff", "Обращайтесь, всегда рады помочь!"),
        ];
        assert_eq!(extract_pair(&thread).unwrap().answer, "Код обычно приходит в течение минуты, повторно запросить его можно через 60 секунд.");
        // Details staff asked for are something to reply to, redacted or not.
        let thread = vec![
            cleaned("customer", "Как удалить личный кабинет? Больше не пользуюсь вашим магазином"),
            cleaned("staff", "Уточните, пожалуйста, номер телефона или e-mail аккаунта, который нужно удалить."),
            cleaned("customer", "+7 916 123-45-67"),
            cleaned("staff", "Готово, аккаунт удалён вместе с историей заказов."),
            cleaned("customer", "Спасибо"),
            cleaned("staff", "Обращайтесь, всегда рады помочь!"),
        ];
        assert_eq!(extract_pair(&thread).unwrap().answer, "Готово, аккаунт удалён вместе с историей заказов.");
        // A nudge after the question ("??", "алло") does not make the reply to both a reply to
        // nothing: the reply answers the customer's whole turn.
        for nudge in ["??", "алло", "ау"] {
            let thread = vec![
                cleaned("customer", "Заказ будет готов в пятницу, а приехать смогу только в четверг. Сколько он пролежит?"),
                cleaned("customer", nudge),
                cleaned("staff", "Добрый день, Виктор! В магазине заказ хранится 7 дней, в постамате — 3 дня."),
                cleaned("customer", "Ок, спасибо"),
                cleaned("staff", "Обращайтесь, всегда рады помочь!"),
            ];
            assert_eq!(extract_pair(&thread).unwrap().answer, "В магазине заказ хранится 7 дней, в постамате — 3 дня.", "{nudge}");
        }
        // The only reply stays the answer, whatever it follows.
        let thread = vec![cleaned("customer", "Здравствуйте"), cleaned("staff", "Слушаю вас, чем помочь?")];
        assert_eq!(extract_pair(&thread).unwrap().answer, "Слушаю вас, чем помочь?");
    }

    #[test]
    fn a_second_question_after_thanks_keeps_the_first_answer() {
        let thread = vec![
            cleaned("customer", "Сколько хранится заказ в пункте выдачи?"),
            cleaned("staff", "Здравствуйте! Заказ хранится в пункте выдачи 7 дней."),
            cleaned("customer", "Спасибо! А бонусы за этот заказ когда начислятся?"),
            cleaned("staff", "Бонусы начисляются через 14 дней после получения."),
        ];
        let pair = extract_pair(&thread).unwrap();
        assert_eq!((pair.question.as_str(), pair.answer.as_str()), ("Сколько хранится заказ в пункте выдачи?", "Заказ хранится в пункте выдачи 7 дней."));
        let thread = vec![
            cleaned("customer", "How do I point my domain to my hosting?"),
            cleaned("staff", "You can update the nameservers under Domain Settings."),
            cleaned("customer", "Thanks. BTW, do you have any tips for monetizing my site?"),
            cleaned("staff", "We have a guide on that in our blog."),
        ];
        assert_eq!(extract_pair(&thread).unwrap().answer, "You can update the nameservers under Domain Settings.");
        // The question is still open when staff asked something, or the thanks comes with the
        // details they asked for, or the customer asks nothing new.
        let open = [
            ("Вы пробовали выйти из приложения и войти снова?", "Спасибо, пробовала. Что ещё можно сделать?"),
            ("Уточните, пожалуйста, номер заказа.", "Спасибо, номер 5307321. Когда доставят?"),
            ("Заказ передан в доставку.", "Спасибо!"),
        ];
        for (reply, next) in open {
            let thread = vec![
                cleaned("customer", "Где мой заказ?"),
                cleaned("staff", reply),
                cleaned("customer", next),
                cleaned("staff", "Курьер привезёт заказ завтра до 18:00."),
            ];
            let want = if next.contains('?') { "Курьер привезёт заказ завтра до 18:00." } else { reply };
            assert_eq!(extract_pair(&thread).unwrap().answer, want, "{next}");
        }
    }

    #[test]
    fn a_reply_sent_in_parts_is_one_answer() {
        // A chat agent greets, holds, answers in two parts and asks for a rating: the answer is
        // the two parts.
        let thread = vec![
            cleaned("customer", "Как вернуть деньги за сертификат?"),
            cleaned("staff", "Здравствуйте, Ольга!"),
            cleaned("staff", "Минутку, уточню информацию."),
            cleaned("staff", "Вернуть деньги можно в течение 14 дней с покупки."),
            cleaned("staff", "Для этого пришлите заявление с номером заказа на почту."),
            cleaned("staff", "Оцените, пожалуйста, качество нашей работы по шкале от 1 до 5."),
        ];
        assert_eq!(
            extract_pair(&thread).unwrap().answer,
            "Вернуть деньги можно в течение 14 дней с покупки.\n\nДля этого пришлите заявление с номером заказа на почту."
        );
        let thread = vec![
            cleaned("customer", "How do I check my balance?"),
            cleaned("staff", "Hi Tom!"),
            cleaned("staff", "One moment please, let me check."),
            cleaned("staff", "You can see the balance on the certificate page."),
            cleaned("staff", "Please rate our support: how did we do?"),
        ];
        assert_eq!(extract_pair(&thread).unwrap().answer, "You can see the balance on the certificate page.");
        // The auto-close after a clarifying question the customer never answered is not the
        // answer: the question is.
        let thread = vec![
            cleaned("customer", "Не пришёл сертификат на почту"),
            cleaned("staff", "Здравствуйте! Подскажите, пожалуйста, номер заказа."),
            cleaned("staff", "Так как мы не получили ответа, закрываем обращение. Если вопрос остался — просто напишите нам."),
        ];
        assert_eq!(extract_pair(&thread).unwrap().answer, "Подскажите, пожалуйста, номер заказа.");
        // A customer's message between two staff messages ends the staff's turn.
        let thread = vec![
            cleaned("customer", "Где потратить сертификат?"),
            cleaned("staff", "Уточните, какой у вас сертификат."),
            cleaned("customer", "Л'Этуаль"),
            cleaned("staff", "В любом магазине Л'Этуаль и на сайте."),
        ];
        assert_eq!(extract_pair(&thread).unwrap().answer, "В любом магазине Л'Этуаль и на сайте.");
    }

    #[test]
    fn a_question_sent_in_parts_is_one_question() {
        // The story and the question in two messages, a greeting and a nudge around them.
        let thread = vec![
            cleaned("customer", "Добрый день."),
            cleaned("customer", "Купила кофемашину, через три месяца она перестала греть воду."),
            cleaned("customer", "Мне самой искать сервис или можно принести к вам в магазин?"),
            cleaned("customer", "??"),
            cleaned("staff", "Можно принести в любой наш магазин: мы сами отправим её в сервис."),
            cleaned("customer", "А чек нужен?"),
            cleaned("staff", "Да, возьмите чек или номер заказа."),
        ];
        let pair = extract_pair(&thread).unwrap();
        assert_eq!(
            pair.question,
            "Купила кофемашину, через три месяца она перестала греть воду.\nМне самой искать сервис или можно принести к вам в магазин?"
        );
        // The first turn says nothing: the question is the turn after staff asked for it.
        let thread = vec![
            cleaned("customer", "Здравствуйте"),
            cleaned("customer", "у меня вопрос"),
            cleaned("staff", "Слушаю вас, чем помочь?"),
            cleaned("customer", "Где потратить сертификат?"),
            cleaned("customer", "Он на 3000"),
            cleaned("staff", "В магазинах партнёров."),
        ];
        assert_eq!(extract_pair(&thread).unwrap().question, "Где потратить сертификат?\nОн на 3000");
        // Nothing but greetings: the opening message, which classification reads as empty.
        let thread = vec![cleaned("customer", "Здравствуйте"), cleaned("staff", "Слушаю вас, чем помочь?")];
        assert_eq!(extract_pair(&thread).unwrap().question, "");
    }

    #[test]
    fn no_customer_message_no_pair() {
        assert!(extract_pair(&[m("staff", false, "Добрый день")]).is_none());
    }
}
