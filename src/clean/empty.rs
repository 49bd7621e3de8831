//! Detection of messages that hold no real question: empty, only greetings, thanks, "помогите",
//! "у меня вопрос", "?", emoji, sticker placeholders, redaction placeholders.

use std::sync::LazyLock;

use regex::Regex;

static PLACEHOLDER_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(&super::placeholder_pattern()).expect("valid placeholder regex")
});

/// Phrases that carry no question by themselves, lowercase, `ё` written as `е`, words split by one space.
const FILLERS: &[&str] = &[
    // greetings
    "здравствуйте",
    "здраствуйте",
    "здравствуй",
    "здрасьте",
    "здрасте",
    "добрый день",
    "добрый вечер",
    "доброе утро",
    "доброй ночи",
    "доброго дня",
    "доброго времени суток",
    "доброго утра",
    "добрый",
    "привет",
    "приветствую",
    "приветики",
    "хай",
    "салют",
    "алло",
    "ало",
    "hello",
    "hallo",
    "hi",
    "hey",
    "hiya",
    "good morning",
    "good afternoon",
    "good evening",
    "greetings",
    "всем",
    "there",
    "уважаемые",
    "уважаемая",
    "уважаемый",
    "служба поддержки",
    "поддержка",
    "support",
    "dear",
    // thanks and closings
    "спасибо",
    "спасибо большое",
    "большое спасибо",
    "заранее спасибо",
    "спасибо заранее",
    "спс",
    "благодарю",
    "спасибо за ответ",
    "спасибо за помощь",
    "спасибо за информацию",
    "спасибо за разъяснение",
    "спасибо вам",
    "thanks for your help",
    "thank you for your help",
    "thanks for the help",
    "thanks",
    "thank you",
    "thx",
    "с уважением",
    "всего доброго",
    "regards",
    // fillers
    "помогите",
    "помогите пожалуйста",
    "помогите разобраться",
    "нужна помощь",
    "вопрос по сертификату",
    "вопрос по заказу",
    "прив",
    "уже не актуально",
    "не актуально",
    "вопрос снят",
    "пожалуйста",
    "плиз",
    "подскажите",
    "подскажите пожалуйста",
    "скажите",
    "у меня вопрос",
    "у меня есть вопрос",
    "у меня к вам вопрос",
    "есть вопрос",
    "вопрос",
    "можно вопрос",
    "можно задать вопрос",
    "хочу задать вопрос",
    "хочу спросить",
    "можно спросить",
    "нужна помощь",
    "нужна ваша помощь",
    "требуется помощь",
    "помощь",
    "нужна консультация",
    "у меня проблема",
    "у меня проблема с сертификатом",
    "у меня проблема с заказом",
    "есть проблема",
    "проблема",
    "уже не надо",
    "уже не нужно",
    "не надо",
    "разобралась",
    "разобрался",
    "уже разобралась",
    "уже разобрался",
    "вопрос снят",
    "вопрос решён",
    "вопрос решен",
    "ой не туда",
    "ой не туда написала",
    "ой не туда написал",
    "never mind",
    "nevermind",
    "консультация",
    "help",
    "хелп",
    "хэлп",
    "help me",
    "please",
    "i have a question",
    "i have a question for you",
    "question",
    "need help",
    "i need help",
    "can you help",
    "can you help me",
    "can i ask",
    "can i ask a question",
    // asking for advice without saying about what
    "any advice",
    "any ideas",
    "any suggestions",
    "any help",
    "need some help",
    "i need some help",
    "please help",
    "help please",
    "can someone help",
    "can anyone help",
    "someone help",
    "guys",
    "boys",
    "folks",
    "оператор",
    "оператора",
    "позовите оператора",
    "соедините с оператором",
    "живой человек",
    "человек",
    "менеджер",
    "operator",
    "agent",
    "human",
    "вы тут",
    "вы здесь",
    "есть кто",
    "есть кто нибудь",
    "есть кто живой",
    "кто нибудь",
    "ау",
    "эй",
    "ок",
    "ok",
    "okay",
    "хорошо",
    "ладно",
    "понятно",
    "ясно",
    "да",
    "нет",
    "yes",
    "no",
    "тест",
    "test",
    "проверка",
    "хм",
    "ммм",
    "hmm",
    "и",
    "а",
    "мне",
    "вам",
    "вас",
    "вы",
    "тут",
    "снова",
    "опять",
    "еще раз",
    // closing a solved case: no question left
    "все получилось",
    "получилось",
    "все работает",
    "заработало",
    "разобрался",
    "разобралась",
    "вопрос решен",
    "вопрос снят",
    "пришло",
    "все пришло",
    "дошло",
    "получил",
    "получила",
    "нашел",
    "нашла",
    "нашлось",
    "все нашел",
    "все нашла",
    "получили",
    "все ок",
    "все хорошо",
    "все понятно",
    "все ясно",
    "вопросов нет",
    "больше вопросов нет",
    "it works",
    "solved",
    "got it",
];

static FILLER_WORDS: LazyLock<Vec<Vec<&'static str>>> = LazyLock::new(|| {
    let mut v: Vec<Vec<&str>> = FILLERS.iter().map(|p| p.split(' ').collect()).collect();
    // longest phrases first, so "добрый день" wins over "добрый"
    v.sort_by_key(|p| std::cmp::Reverse(p.len()));
    v
});

/// Longer texts are never only fillers in practice; a cap keeps the check cheap on huge inputs.
const MAX_WORDS: usize = 60;

/// Filler-only messages are short; anything longer holds content (and the check stays cheap).
const MAX_BYTES: usize = 4000;

pub(crate) fn is_empty_request(cleaned: &str) -> bool {
    if cleaned.len() > MAX_BYTES {
        return false;
    }
    let text = super::normalize::normalize_chars(cleaned);
    let text = super::normalize::remove_artefacts(&text);
    let text = PLACEHOLDER_RE.replace_all(&text, " ");
    let text = super::greeting::strip_greeting(&text);
    let lower = text.to_lowercase().replace('ё', "е");
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return true;
    }
    if words.len() > MAX_WORDS {
        return false;
    }
    covered_by_fillers(&words)
}

/// True when the words split wholly into filler phrases (dynamic programming over positions).
fn covered_by_fillers(words: &[&str]) -> bool {
    let n = words.len();
    let mut reach = vec![false; n + 1];
    reach[0] = true;
    for i in 0..n {
        if !reach[i] {
            continue;
        }
        for phrase in FILLER_WORDS.iter() {
            let end = i + phrase.len();
            if end <= n && words[i..end] == phrase[..] {
                reach[end] = true;
            }
        }
    }
    reach[n]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_true_table() {
        let texts: &[&str] = &[
            "",
            "   \n ",
            "Здравствуйте",
            "Здравствуйте!",
            "Добрый день!",
            "добрый вечер.",
            "Доброе утро!!!",
            "hello",
            "Hi!",
            "Hi there",
            "Good morning",
            "Здравствуйте, Анна!",
            "помогите",
            "Помогите, пожалуйста!",
            "Здравствуйте, помогите",
            "у меня вопрос",
            "Добрый день, у меня вопрос",
            "Добрый день! У меня есть вопрос.",
            "Есть вопрос",
            "?",
            "???",
            "...",
            "👍",
            "🙏🙏🙏",
            "[Стикер]",
            "[Sticker]",
            "<media omitted>",
            "[Фото]",
            "Спасибо!",
            "Спасибо большое",
            "Thank you",
            "Ok",
            "ок",
            "Оператор",
            "Позовите оператора",
            "Вы тут?",
            "Алло",
            "I have a question",
            "Can you help me?",
            "Need help",
            "[PHONE]",
            "Здравствуйте! [EMAIL]",
            "Здравствуйте.\n\nПодскажите, пожалуйста",
            "\u{200B}\u{FEFF}",
            "Any advice?",
            "I need some help boys",
            "Can anyone help?",
            "Спасибо, всё получилось!",
            "Спасибо, разобралась",
            "Спасибо, пришло 👍",
            "всё ок, вопрос снят",
        ];
        for t in texts {
            assert!(is_empty_request(t), "{t:?}");
        }
    }

    #[test]
    fn empty_false_table() {
        let texts: &[&str] = &[
            "Как активировать сертификат?",
            "Any advice on resetting my router?",
            "Сертификат не работает, что делать?",
            "Здравствуйте, как активировать сертификат?",
            "Не пришёл код",
            "баланс",
            "Сертификат",
            "Где мой заказ?",
            "заказ [ORDER]",
            "помогите вернуть деньги",
            "у меня вопрос по сертификату",
            "Hello, my code does not work",
            "How do I check the balance?",
            "Спасибо, а где проверить баланс?",
            "Здравствуйте, Анна! Код не работает",
            "证书无法使用",
            "5000",
        ];
        for t in texts {
            assert!(!is_empty_request(t), "{t:?}");
        }
    }
}
