//! Leading greetings and trailing thanks.
//!
//! A greeting is removed at the start of the text only, with the name or address that follows it
//! ("Здравствуйте, Анна!", "Hi John,", "Уважаемая служба поддержки!"); when it is a leading clause
//! ("Здравствуйте, подскажите ...") only the clause goes and the first letter of the rest is capitalised.
//! Thanks are removed at the end only when they form the whole last sentence ("Заранее спасибо!",
//! "Спасибо за обращение!", "Thank you"); "Спасибо, а где проверить баланс?" is kept.

use std::sync::LazyLock;

use regex::Regex;

use super::vocabulary::{name_like, THANKS};

/// Closing lines agents end an answer with ("Если останутся вопросы — пишите!", "Обращайтесь!",
/// "Рады были помочь", "Hope this helps"): removed at the end like thanks, as whole sentences.
const CLOSINGS: &str = r"(?:если\s+(?:у\s+вас\s+)?(?:остались|останутся|возникнут|появятся|будут)\s+(?:ещё\s+|еще\s+)?(?:какие-(?:то|либо)\s+|другие\s+)?вопросы[^.!?\n]{0,80}|(?:обращайтесь|пишите)(?:\s+(?:если\s+что|в\s+любое\s+время|ещё|еще))?|(?:мы\s+)?(?:всегда\s+|будем\s+)?рады\s+(?:были\s+)?(?:вам\s+)?помочь|всего\s+(?:доброго|хорошего)|хорошего\s+(?:дня|вечера|настроения|вам\s+дня)|пожалуйста|hope\s+(?:this|that)\s+helps|(?:let\s+us\s+know|feel\s+free\s+to\s+(?:reach\s+out|ask|contact\s+us))[^.!?\n]{0,60}|happy\s+to\s+help|you(?:'re|\s+are)\s+welcome)";

/// What an agent says about the ticket rather than the question, as whole closing sentences: the
/// auto-close after a customer went quiet ("Так как мы не получили ответа, закрываем обращение.
/// Если вопрос остался — просто напишите нам."), the rating request ("Оцените, пожалуйста,
/// качество нашей работы", "Please rate our support"). Removed at the end like thanks; a message
/// made only of them cleans to nothing and is no reply.
const PROCEDURAL: &str = r"(?:(?:так\s+как|поскольку)\s+(?:мы\s+)?не\s+получили\s+(?:от\s+вас\s+)?ответа[^.!?\n]{0,80}|(?:мы\s+)?закрываем\s+(?:это\s+|ваше\s+)?обращение[^.!?\n]{0,60}|(?:ваше\s+|это\s+)?обращение\s+(?:закрыто|будет\s+закрыто|закрывается)[^.!?\n]{0,60}|если\s+(?:у\s+вас\s+)?вопрос\s+(?:остался|останется|не\s+реш[её]н|(?:ещё\s+|еще\s+)?актуален)[^.!?\n]{0,80}|(?:пожалуйста,?\s+)?оцените(?:,?\s*пожалуйста,?)?\s+(?:качество|уровень|нашу|мою|работу|наш|ответ|консультацию|обслуживание|общение|поддержку|диалог|чат)[^.!\n]{0,80}|(?:please\s+)?rate\s+(?:our|your|the|this|my)\s+(?:support|service|experience|conversation|chat|interaction|answer)[^.!\n]{0,80}|how\s+did\s+(?:we|i)\s+do\??|how\s+would\s+you\s+rate[^.!\n]{0,80}|(?:since|as)\s+we\s+(?:have(?:n't|\s+not)|did(?:n't|\s+not))\s+(?:hear|heard|receive|received)[^.!?\n]{0,80}|(?:we(?:'re|\s+are|'ll\s+be|\s+will\s+be)|i(?:'m|\s+am|'ll\s+be|\s+will\s+be))\s+closing\s+this\s+(?:ticket|conversation|chat|request|case)[^.!?\n]{0,60}|this\s+(?:ticket|conversation|request|case)\s+(?:has\s+been|is|will\s+be)\s+closed[^.!?\n]{0,60})";

/// A holding message, as a whole sentence at the start: "Минутку, уточню информацию.", "Одну
/// секунду, пожалуйста", "Проверяю, ожидайте", "One moment please, let me check.", and the
/// helpdesk's acknowledgement ("Ваше обращение зарегистрировано под номером 901-900001. Мы ответим
/// в ближайшее время."). It says the answer is coming, not what it is, so it goes even when nothing
/// follows: the answer is the part the agent sends next.
static HOLDING_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i)^(?:(?:(?:одну\s+)?(?:минут(?:у|ку|очку)|секунд(?:у|очку))(?:,?\s*пожалуйста)?(?:,?\s*(?:(?:сейчас|я)\s+)?(?:уточню|проверю|посмотрю|узнаю)(?:\s+(?:информацию|данные|у\s+коллег|для\s+вас))?)?)|(?:сейчас\s+|я\s+)?(?:уточню|проверю|посмотрю)(?:\s+(?:информацию|данные|у\s+коллег))?(?:\s+и\s+вернусь(?:\s+с\s+ответом)?)?|(?:проверяю|уточняю)(?:\s+(?:информацию|данные))?(?:,?\s*(?:ожидайте|подождите)(?:,?\s*пожалуйста)?)?|(?:ожидайте|подождите)(?:,?\s*пожалуйста)?(?:,?\s+ответа(?:\s+специалиста)?)?|(?:ваше\s+)?(?:обращение|заявка|запрос|письмо)(?:\s+№?\s*[^\s.!?]+)?\s+(?:принят[оа]?|зарегистрирован[оа]?|получен[оа]?)(?:\s+под\s+номером\s+[^\s.!?]+|\s+и\s+(?:передан[оа]?|будет\s+рассмотрен[оа]?)[^.!?\n]{0,60})?|номер\s+(?:вашего\s+)?(?:обращения|заявки|запроса)[^.!?\n]{0,40}|мы\s+(?:получили\s+ваше\s+(?:обращение|письмо|сообщение|заявку)|(?:обязательно\s+)?ответим\s+(?:вам\s+)?(?:в\s+ближайшее\s+время|в\s+течение|как\s+можно\s+скорее))[^.!?\n]{0,80}|we(?:'ve|\s+have)\s+received\s+your\s+(?:request|message|email|ticket)[^.!?\n]{0,80}|your\s+(?:request|ticket|message)(?:\s+#?[^\s.!?]+)?\s+has\s+been\s+received[^.!?\n]{0,80}|we(?:'ll|\s+will)\s+(?:get\s+back\s+to\s+you|reply|respond)\s+(?:within|as\s+soon\s+as|shortly|soon)[^.!?\n]{0,80}|(?:just\s+)?(?:one|a)\s+(?:moment|sec(?:ond)?|minute)(?:,?\s*please)?(?:,?\s*(?:while\s+)?(?:let\s+me|i(?:'ll|\s+will))\s+(?:check|look\s+into\s+(?:this|that|it))(?:\s+for\s+you)?)?|give\s+me\s+a\s+(?:moment|sec(?:ond)?|minute)(?:,?\s*please)?|let\s+me\s+(?:check|look\s+into\s+(?:this|that|it))(?:\s+for\s+you)?)[ \t]*(?:[.!…]+\s*|\n\s*|$)")
        .expect("valid holding regex")
});

static GREETING_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?i)^(?:здравствуйте|здраствуйте|здравствуй|здрасьте|здрасте|добрый\s+день|добрый\s+вечер|доброе\s+утро|доброй\s+ночи|доброго\s+времени\s+суток|доброго\s+дня|доброго\s+утра|доброго\s+вечера|приветствую|приветики|привет|салют|хай|алло|ало|hello|hallo|hiya|hi|hey|good\s+morning|good\s+afternoon|good\s+evening|greetings)(?:\s+(?:всем|вам|there|all|everyone|team))?\b",
    )
    .expect("valid greeting regex")
});

/// "Уважаемая служба поддержки!", "Уважаемые,", "Dear Support Team,".
static ADDRESS_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i)^(?:уважаем(?:ая|ый|ые|ое)|dear)(?:[ \t]+[^\n!?.,:;]{1,50})?[ \t]*[!,.:;]")
        .expect("valid address regex")
});

/// A name or address after a greeting, on the same line, up to a terminator.
static NAME_AFTER_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"^[ \t]*,?[ \t]*([^\n!?.,:;]{1,60}?)[ \t]*(?:[!.,:;]+|\n|$)")
        .expect("valid name regex")
});

/// "Анна, здравствуйте!", "Иван Сергеевич, добрый день.": the agent's greeting with the name first.
static NAME_FIRST_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i)^([^\n!?.,:;]{1,40}),[ \t]*(?:здравствуйте|добрый\s+(?:день|вечер)|доброе\s+утро|доброго\s+дня|приветствую|hello|hi|good\s+(?:morning|afternoon|evening))(?:[ \t]*[!.,]|[ \t]*$)")
        .expect("valid name-first greeting regex")
});

/// A courtesy sentence agents open with before the answer ("Спасибо за обращение.", "Спасибо, что
/// написали нам!", "Благодарим за ваш вопрос."): it says nothing about the question, and left in,
/// it reads like an acknowledgement of feedback. Removed only when more text follows.
static COURTESY_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i)^(?:спасибо|благодарим|благодарю|thanks?(?:\s+you)?)(?:\s+вам)?(?:\s+за\s+(?:ваше\s+|ваш\s+)?(?:обращение|вопрос|ожидание|терпение|интерес\s+к\s+нам)|,\s*что\s+(?:написали|обратились|связались\s+с\s+нами)(?:\s+(?:к\s+нам|нам|в\s+поддержку))?|\s+for\s+(?:contacting|reaching\s+out\s+to)\s+us)[ \t]*[!.]+\s+")
        .expect("valid courtesy regex")
});

/// The @handles a reply opens with on Twitter, Telegram and the like ("@d46392152 Hi there.",
/// "@AppleSupport my AirPods…"): whom it is addressed to, like the name after a greeting. Removed
/// only when more text follows, so a greeting after them goes too. A handle that is part of the
/// sentence ("@hulu’s app keeps crashing") is its subject, not an address, and stays: stripped, it
/// left "’s app keeps crashing".
static MENTIONS_RE: LazyLock<Regex> =
    LazyLock::new(|| crate::clean::compile(r"^(?:@[A-Za-z0-9_][A-Za-z0-9_.]*(?:[\s,:;]+|$))+").expect("valid mentions regex"));

/// The counter a reply split over several messages opens with ("1/2 Hmm, that's odd.", "(2/2)
/// Also, …"), which messengers and Twitter limits make agents write: which part it is, not text.
/// Removed only when more text follows.
static PART_RE: LazyLock<Regex> = LazyLock::new(|| crate::clean::compile(&format!(r"^{PART}[ \t]+")).expect("valid part counter regex"));

/// The same counter closing a message, after the end of its last sentence ("…resolve your
/// issue.\n1/2").
static PART_AT_END_RE: LazyLock<Regex> = LazyLock::new(|| crate::clean::compile(&format!(r"([.!?…:)]\s+|\n\s*){PART}\s*$")).expect("valid part counter regex"));

/// A part counter: "1/2" or "(1/2)".
const PART: &str = r"(?:\(\d/\d\)|\d/\d)";

static LEAD_PUNCT_RE: LazyLock<Regex> =
    LazyLock::new(|| crate::clean::compile(r"^[\s!.,:;…)\-—–]*").expect("valid punct regex"));

static TRAILING_THANKS_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(&format!(
        r"(?i)(^|[.!?…)]|\n)[ \t]*(?:{THANKS}|{CLOSINGS}|{PROCEDURAL})[\s!.,…)(:;*^\p{{Extended_Pictographic}}\p{{So}}\u{{FE0F}}]*$"
    ))
    .expect("valid trailing thanks regex")
});

/// Lowercase words that may follow a greeting as an address ("Добрый день, коллеги!").
const ADDRESS_WORDS: &[&str] = &[
    "коллеги",
    "друзья",
    "поддержка",
    "служба поддержки",
    "команда",
    "уважаемые",
    "team",
    "support",
    "support team",
    "all",
    "everyone",
    "guys",
    "there",
];

/// Removes leading greetings (up to three in a row), the name or address that follows them, and
/// the @handles and part counter a reply opens with.
pub(crate) fn strip_greeting(text: &str) -> String {
    let mut rest = text.trim_start();
    let mut removed = false;
    for _ in 0..3 {
        let after = if let Some(caps) = NAME_FIRST_RE.captures(rest).filter(|c| name_like(c[1].trim()) && !looks_like_verb(c[1].trim())) {
            &rest[caps.get(0).map_or(0, |m| m.end())..]
        } else if let Some(m) = MENTIONS_RE.find(rest).filter(|m| !rest[m.end()..].trim().is_empty()) {
            &rest[m.end()..]
        } else if let Some(m) = PART_RE.find(rest).filter(|m| !rest[m.end()..].trim().is_empty()) {
            &rest[m.end()..]
        } else if let Some(m) = HOLDING_RE.find(rest) {
            &rest[m.end()..]
        } else if let Some(m) = COURTESY_RE.find(rest).filter(|m| m.end() < rest.len()) {
            &rest[m.end()..]
        } else if let Some(m) = GREETING_RE.find(rest) {
            let mut after = &rest[m.end()..];
            if let Some(caps) = NAME_AFTER_RE.captures(after) {
                let name = caps[1].trim();
                let lower = name.to_lowercase();
                if (name_like(name) && !looks_like_verb(name))
                    || ADDRESS_WORDS.contains(&lower.as_str())
                {
                    after = &after[caps.get(0).map_or(0, |m| m.end())..];
                }
            }
            after
        } else if let Some(m) = ADDRESS_RE.find(rest) {
            &rest[m.end()..]
        } else {
            break;
        };
        let punct = LEAD_PUNCT_RE.find(after).map_or(0, |m| m.end());
        rest = &after[punct..];
        removed = true;
    }
    if removed {
        capitalize_first(rest)
    } else {
        text.to_string()
    }
}

/// Imperative verbs ("Подскажите", "Помогите", "Проверьте") end in -те; names do not.
fn looks_like_verb(name: &str) -> bool {
    name.split_whitespace().any(|w| {
        let w = w.to_lowercase();
        w.ends_with("те") || w.ends_with("ть") || w.ends_with("сь")
    })
}

/// Uppercases the first letter when the first word is all lowercase ("подскажите" but not "iPhone").
fn capitalize_first(s: &str) -> String {
    let first_word = s.split_whitespace().next().unwrap_or("");
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_lowercase() && !first_word.chars().any(char::is_uppercase) => {
            c.to_uppercase().chain(chars).collect()
        }
        _ => s.to_string(),
    }
}

/// Removes thanks that form the whole last sentence (up to three in a row).
pub(crate) fn strip_trailing_thanks(text: &str) -> String {
    let mut out = PART_AT_END_RE.replace(text.trim_end(), "$1").trim_end().to_string();
    for _ in 0..3 {
        let Some(caps) = TRAILING_THANKS_RE.captures(&out) else {
            break;
        };
        let (Some(m), Some(keep)) = (caps.get(0), caps.get(1)) else {
            break;
        };
        let cut = m.start() + keep.as_str().len();
        out.truncate(cut);
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greeting_table() {
        let cases: &[(&str, &str)] = &[
            ("Здравствуйте!", ""),
            ("Здравствуйте", ""),
            (
                "Здравствуйте!\nКак активировать сертификат?",
                "Как активировать сертификат?",
            ),
            ("Здравствуйте, Анна!", ""),
            ("Здравствуйте, Анна! Где мой код?", "Где мой код?"),
            ("Здравствуйте, Анна Петровна. Где мой код?", "Где мой код?"),
            (
                "Здравствуйте, подскажите как активировать сертификат?",
                "Подскажите как активировать сертификат?",
            ),
            (
                "Здравствуйте подскажите как активировать?",
                "Подскажите как активировать?",
            ),
            (
                "Здравствуйте, Подскажите пожалуйста.",
                "Подскажите пожалуйста.",
            ),
            ("Здравствуйте, Помогите!", "Помогите!"),
            ("Здравствуйте, Я купил сертификат.", "Я купил сертификат."),
            (
                "Здравствуйте, Сертификат не работает.",
                "Сертификат не работает.",
            ),
            (
                "Здравствуйте\nСертификат\nне работает",
                "Сертификат\nне работает",
            ),
            ("Добрый день. У меня вопрос", "У меня вопрос"),
            ("Добрый день, коллеги! Вопрос", "Вопрос"),
            ("Доброе утро", ""),
            ("Доброго времени суток! Код?", "Код?"),
            ("Привет", ""),
            ("@d46392152 Hi there. These steps may help you", "These steps may help you"),
            ("@gmail Hello ! for the past few days I get recovery emails", "For the past few days I get recovery emails"),
            ("@AppleSupport @Apple my airpods keep disconnecting", "My airpods keep disconnecting"),
            ("@Google", "@Google"),
            ("@hulu’s streaming service keeps buffering", "@hulu’s streaming service keeps buffering"),
            ("@Hulu_Support @hulu's app crashes", "@hulu's app crashes"),
            ("@systeemtoezicht 1/2 Hmm, that's odd. Is this happening across devices?", "Hmm, that's odd. Is this happening across devices?"),
            ("@SaiphNocturnal (4/4) For now, reset the app", "For now, reset the app"),
            ("2/2 Also, you can check steps on this link", "Also, you can check steps on this link"),
            ("напишите мне в тг @anna_k85", "напишите мне в тг @anna_k85"),
            ("Привет, где баланс", "Где баланс"),
            ("Приветствую! Где баланс", "Где баланс"),
            ("Здравствуйте! Добрый день! Вопрос", "Вопрос"),
            (
                "Hello,\nI can't activate my card",
                "I can't activate my card",
            ),
            ("Hi John, I can't activate", "I can't activate"),
            ("Hi, I Need Help.", "I Need Help."),
            ("Hi there! Code?", "Code?"),
            ("hello", ""),
            ("Уважаемая служба поддержки! Где код?", "Где код?"),
            ("Уважаемые, подскажите", "Подскажите"),
            ("Dear Support Team,\nwhere is my code?", "Where is my code?"),
            ("Наталья, здравствуйте! По гарантии есть два пути.", "По гарантии есть два пути."),
            ("Иван Сергеевич, добрый день.\nЗаказ отменили.", "Заказ отменили."),
            ("Здравствуйте!\nСпасибо за обращение.\nДоставка стоит 299 ₽.", "Доставка стоит 299 ₽."),
            ("Спасибо, что написали нам! Доставка стоит 299 ₽.", "Доставка стоит 299 ₽."),
            ("Thanks for contacting us. Your order is on its way.", "Your order is on its way."),
            ("Спасибо за обращение!", "Спасибо за обращение!"),
            ("Минутку, уточню информацию.", ""),
            ("Одну секунду, пожалуйста", ""),
            ("Проверяю, ожидайте. Сертификат активен до 1 марта.", "Сертификат активен до 1 марта."),
            ("Минутку, уточню информацию по заказу: он уже у курьера.", "Минутку, уточню информацию по заказу: он уже у курьера."),
            ("Минуту назад пришёл код, но он не подходит", "Минуту назад пришёл код, но он не подходит"),
            ("Hi Tom! One moment please, let me check.", ""),
            ("Спасибо за обращение! Номер вашего обращения 919149. Мы ответим в ближайшее время.", ""),
            ("Ваше обращение зарегистрировано под номером 901-900001. Ожидайте ответа специалиста.", ""),
            ("We've received your request #48213. We'll get back to you within 24 hours.", ""),
            ("Мы ответим в течение часа. Сертификат уже продлён.", "Сертификат уже продлён."),
            ("Письмо получено, но код в нём не работает", "Письмо получено, но код в нём не работает"),
            ("Номер обращения 12345, почему никто не отвечает?", "Номер обращения 12345, почему никто не отвечает?"),
            ("Let me check. The balance is on the certificate page.", "The balance is on the certificate page."),
            ("Let me check the order history first", "Let me check the order history first"),
            ("Подскажите, здравствуйте, где код?", "Подскажите, здравствуйте, где код?"),
            (
                "Добрый день, iPhone не открывает ссылку",
                "iPhone не открывает ссылку",
            ),
            // not greetings
            (
                "Приветственный бонус не начислен",
                "Приветственный бонус не начислен",
            ),
            ("Хайп вокруг сертификатов", "Хайп вокруг сертификатов"),
            ("History of my order", "History of my order"),
            (
                "Как активировать? Здравствуйте",
                "Как активировать? Здравствуйте",
            ),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(strip_greeting(input), *want, "{input:?}");
        }
    }

    #[test]
    fn trailing_thanks_table() {
        let cases: &[(&str, &str)] = &[
            ("Где код? Спасибо!", "Где код?"),
            ("Где код?\nСпасибо!", "Где код?"),
            ("Use the link to resolve your issue.\nLink:\n\n1/2", "Use the link to resolve your issue.\nLink:"),
            ("Let me know how it goes. (2/2)", "Let me know how it goes."),
            ("Делится в долях 1/2", "Делится в долях 1/2"),
            ("Где код?\n\nЗаранее спасибо", "Где код?"),
            ("Где код? Спасибо большое за помощь!!!", "Где код?"),
            ("Где код? Спасибо вам большое 🙏", "Где код?"),
            (
                "Код не пришёл. Заранее благодарю за ответ.",
                "Код не пришёл.",
            ),
            ("Код не пришёл. Буду благодарна за ответ!", "Код не пришёл."),
            ("Код не пришёл. Жду ответа.", "Код не пришёл."),
            ("Код не пришёл. Спасибо! Хорошего дня!", "Код не пришёл."),
            (
                "Ваш код отправлен. Спасибо за обращение!",
                "Ваш код отправлен.",
            ),
            ("Where is my code? Thank you", "Where is my code?"),
            ("Where is my code? Thanks in advance!", "Where is my code?"),
            (
                "Where is my code?\nThank you very much for your help.",
                "Where is my code?",
            ),
            ("Спасибо!", ""),
            ("Thank you", ""),
            ("Доставка стоит 299 ₽.\nЕсли останутся вопросы — пишите, будем рады помочь.", "Доставка стоит 299 ₽."),
            ("Доставка стоит 299 ₽. Обращайтесь!", "Доставка стоит 299 ₽."),
            ("Доставка стоит 299 ₽.\nЕсли будут вопросы — пишите)", "Доставка стоит 299 ₽."),
            ("Рады были помочь! Хорошего дня.", ""),
            ("Пожалуйста!", ""),
            ("You can appeal here. Hope this helps!", "You can appeal here."),
            ("Так как мы не получили ответа, закрываем обращение. Если вопрос остался — просто напишите нам.", ""),
            ("Для этого пришлите заявление. Оцените, пожалуйста, качество нашей работы по шкале от 1 до 5.", "Для этого пришлите заявление."),
            ("Open the link from the email. Please rate our support: how did we do?", "Open the link from the email."),
            ("Reset the router first. Since we haven't heard back, we're closing this ticket.", "Reset the router first."),
            // a customer's own words stay
            ("Я писал вам неделю назад, и мы не получили ответа", "Я писал вам неделю назад, и мы не получили ответа"),
            // must keep
            ("Если вопросы по заказу, пришлите номер.", "Если вопросы по заказу, пришлите номер."),
            ("Напишите, пожалуйста, номер заказа", "Напишите, пожалуйста, номер заказа"),
            (
                "Спасибо, а где проверить баланс?",
                "Спасибо, а где проверить баланс?",
            ),
            (
                "Спасибо за ответ, но код не работает",
                "Спасибо за ответ, но код не работает",
            ),
            (
                "Как сказать спасибо курьеру?",
                "Как сказать спасибо курьеру?",
            ),
            ("Я написал спасибо", "Я написал спасибо"),
            ("Thanks, but the code fails", "Thanks, but the code fails"),
            ("Где код? Спасибо, Анна", "Где код? Спасибо, Анна"),
        ];
        for (input, want) in cases {
            assert_eq!(strip_trailing_thanks(input), *want, "{input:?}");
        }
    }
}
