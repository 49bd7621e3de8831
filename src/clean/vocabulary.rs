//! The words messages open and close with, shared by the greeting and the signature steps: thanks
//! and polite closings, and the shape of a person's or a company's name.

/// Thanks and polite closings (used case-insensitively): the end of a
/// customer's message and the line before an agent's signature.
pub(crate) const THANKS: &str = r"(?:(?:(?:заранее|большое|огромное|очень|ещё\s+раз|еще\s+раз)\s+)*(?:спасибо|спасибки|спс|пасиб[оа]?|благодарю|благодарим|мерси|сенкс)(?:\s+(?:вам|заранее|большое|огромное|преогромное|ещё\s+раз|еще\s+раз))*(?:\s+за\s+(?:ваш[уеи]?\s+|быстр\w*\s+|оперативн\w*\s+|скор\w*\s+)?(?:обращение|помощь|ответ|ответы|понимание|внимание|оперативность|содействие|информацию|терпение|разъяснени[ея]|консультацию|решение|поддержку))?|(?:буду\s+)?(?:очень\s+)?(?:заранее\s+)?(?:благодар(?:ен|на|ны)|признател(?:ен|ьна|ьны))(?:\s+за\s+(?:ваш\s+|быстрый\s+|скорый\s+|оперативный\s+)?(?:ответ|помощь))?|(?:с\s+нетерпением\s+)?жду\s+(?:вашего\s+|скорого\s+|вашего\s+скорого\s+)?ответа|хорошего\s+(?:дня|вечера|вам\s+дня)|(?:many\s+)?thanks?(?:\s+(?:you|a\s+lot|so\s+much|very\s+much|in\s+advance|again))*(?:\s+for\s+(?:your\s+)?(?:help|reply|answer|time|assistance|support|understanding|attention))?|thx|ty|have\s+a\s+(?:nice|good|great)\s+day|looking\s+forward\s+to\s+(?:your\s+)?(?:reply|response|hearing\s+from\s+you))";

/// Words that start a sentence, never a name.
const NOT_NAMES: &[&str] = &[
    "я",
    "мне",
    "меня",
    "мы",
    "нам",
    "у",
    "в",
    "во",
    "на",
    "не",
    "нет",
    "да",
    "как",
    "где",
    "что",
    "почему",
    "когда",
    "можно",
    "это",
    "если",
    "по",
    "а",
    "и",
    "но",
    "или",
    "пожалуйста",
    "спасибо",
    "вопрос",
    "код",
    "сертификат",
    "заказ",
    "хочу",
    "прошу",
    "помогите",
    "подскажите",
    "скажите",
    "жду",
    "i",
    "my",
    "we",
    "it",
    "the",
    "please",
    "can",
    "how",
    "where",
    "what",
    "why",
    "when",
    "thanks",
    "thank",
    "is",
    "do",
    "does",
    "not",
    "no",
    "yes",
    "hi",
    "hello",
    "вы",
    "ваш",
    "ваша",
];

/// Lowercase words allowed inside a company name or signature line.
const NAME_FILLERS: &[&str] = &[
    "команда",
    "служба",
    "поддержки",
    "отдел",
    "team",
    "support",
    "of",
    "the",
    "and",
    "и",
    "из",
    "from",
    "de",
    "van",
    "von",
    "оглы",
    "кызы",
];

/// A person's or company's name: 1–4 words, each capitalised (or a filler like "команда"), no question.
pub(crate) fn name_like(s: &str) -> bool {
    let mut s = s.trim().trim_end_matches([',', '!', ')']);
    // a final dot ends the line unless it belongs to an initial ("Анна С.")
    if let Some(body) = s.strip_suffix('.') {
        let last = body.rsplit(' ').next().unwrap_or("");
        if last.chars().count() > 1 {
            s = body;
        }
    }
    if s.is_empty() || s.len() > 80 || s.contains('?') {
        return false;
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty() || words.len() > 4 {
        return false;
    }
    let first_lower = words[0]
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    if NOT_NAMES.contains(&first_lower.as_str()) {
        return false;
    }
    words.iter().all(|w| {
        let lower = w.to_lowercase();
        if NAME_FILLERS.contains(&lower.as_str()) {
            return true;
        }
        let core = w.trim_start_matches(['«', '"', '\'', '(']);
        let mut chars = core.chars();
        let Some(first) = chars.next() else {
            return false;
        };
        if !first.is_uppercase() {
            return false;
        }
        let letters_ok = core
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '.' | '\'' | '»' | '"' | ')' | ','));
        // a lone capital letter is an initial only with a dot: "И."
        let len = core.chars().filter(|c| c.is_alphabetic()).count();
        letters_ok && (len > 1 || core.contains('.'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_like_table() {
        for s in [
            "Иван",
            "Иван Петров",
            "John Smith",
            "Анна С.",
            "ООО «Ромашка»",
            "команда Podarok",
        ] {
            assert!(name_like(s), "{s:?}");
        }
        for s in [
            "прошу вернуть",
            "Я купил",
            "Где код?",
            "В Москве сегодня холодно и сыро",
            "а",
        ] {
            assert!(!name_like(s), "{s:?}");
        }
    }
}
