//! Personal names, found by context only, never by a dictionary of names: a capitalised word is a name
//! only where a name is expected. Entry point: [`name_spans`].
//!
//! Contexts (Russian and English):
//! 1. an introduction: `Меня зовут Анна`, `моё имя ...`, `на связи Анна`, `вас приветствует ...`,
//!    `My name is John Smith`;
//! 2. a greeting addressed to a person, at a line or sentence start: `Здравствуйте, Анна!`,
//!    `Добрый день, Анна Сергеевна.`, `Hi John,`, `Dear Mr. Smith`, and `Анна, добрый день!`;
//! 3. a sign-off: `С уважением, Иван Петров`, `Regards, John Smith`, and the line after a sign-off
//!    line (`С уважением,\nИван Петров`, `Thanks,\nJohn`).
//!
//! A name is 1–3 capitalised words (a trailing initial `П.` allowed) followed by punctuation or the end
//! of the line, so "Здравствуйте, Сертификат не работает" keeps its words. Words of organisations and
//! roles (`Служба`, `Команда`, `Support`, `Team`, ...), Russian imperatives (`Подскажите`) and a few
//! ordinary replies (`Хорошо`, `Понятно`) are never names.
//!
//! Names no context announces are found by their words ([`lexicon`]: a first-name lexicon, the
//! shapes of patronymics, surnames and initials), and a word found in a name is a name wherever it
//! comes again in the same text.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

mod lexicon;

/// 1–3 capitalised words; the last may be an initial.
const NAME: &str = r"(\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?(?:[ ](?:\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?|\p{Lu}\.)){0,2})";

/// What may follow a name: punctuation, a dash, or the end of the line.
/// A dash counts only after a space, so "Москва-Сити" is one word, not a name and a dash.
const AFTER: &str = r"(?:[ \t]*(?:[!,.:;?)(|]|$)|[ \t]+[—–\-])";

/// Where a word may start: the start of a line or a character that is no letter, digit or `_`.
/// It stands for `\b` before a keyword: a Unicode `\b` keeps the regex engine's fast automaton
/// off Cyrillic text, so every message was scanned by the slowest engine (the character it
/// consumes is outside the name group).
const WORD_START: &str = r"(?:^|[^\p{L}\p{N}_])";

static INTRO_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(&format!(
        r"(?m){WORD_START}(?i:меня[ \t]+зовут|зовут[ \t]+меня|мо[её][ \t]+имя|имя(?:[ \t]+(?:получателя|покупателя|клиента))?|фио(?:[ \t]+(?:получателя|покупателя|клиента))?|получател[ьяю]|(?:привет|здравствуйте|добрый[ \t]+день)[ \t,!]+это|name|на[ \t]+связи|вас[ \t]+приветствует|my[ \t]+name[ \t]+is|my[ \t]+name's|full[ \t]+name)[ \t:,\-–—]*{NAME}(?:[ \t]+\p{{Ll}}|{AFTER})"
    ))
    .expect("valid intro regex")
});

static GREETING_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(&format!(
        r"(?m)(?:^|[.!?][ \t]+)[ \t]*(?i:здравствуйте|здравствуй|добрый[ \t]+(?:день|вечер)|доброе[ \t]+утро|доброй[ \t]+ночи|приветствую|привет|уважаем(?:ый|ая|ые)|hi|hello|hey|dear|good[ \t]+(?:morning|afternoon|evening))(?:[ \t]*,)?[ \t]+(?:(?i:уважаем(?:ый|ая)|mr\.?|mrs\.?|ms\.?|miss)[ \t]+)?{NAME}{AFTER}"
    ))
    .expect("valid greeting regex")
});

static NAME_THEN_GREETING_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(&format!(
        r"(?m)^[ \t]*{NAME},[ \t]*(?i:здравствуйте|добрый[ \t]+(?:день|вечер)|доброе[ \t]+утро|привет|hello|hi|good[ \t]+(?:morning|afternoon|evening))\b"
    ))
    .expect("valid name-greeting regex")
});

/// A staff member named by the job title before the name, wherever it stands: "специалист
/// поддержки Анна Петрова", "руководителем группы Даниялом Ахметовым", "Support agent Emily Clark".
/// Up to six lower-case words may stand between title and name.
static JOB_TITLE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(&format!(
        r"(?m){WORD_START}(?i:(?:специалист|менеджер|оператор|консультант|сотрудни(?:к|ц)|агент|руководител|администратор|координатор|куратор|эксперт|начальник|директор|бухгалтер|юрист|логист)\p{{L}}*|(?:agent|manager|specialist|representative|operator|consultant|advisor|adviser|officer|lead))(?:[ \t]+\p{{Ll}}[\p{{Ll}}\-]*){{0,6}}[ \t]+{NAME}(?:[ \t]+\p{{Ll}}|{AFTER})"
    ))
    .expect("valid job title regex")
});

/// Sign-off phrases at a line start; with `, Name` on the same line or a name on the next line.
const SIGNOFF: &str = r"(?i:с[ \t]+уважением(?:[ \t]+и[ \t]+благодарностью)?|с[ \t]+наилучшими[ \t]+пожеланиями|всего[ \t]+(?:доброго|хорошего|наилучшего)|хорошего[ \t]+дня|спасибо|благодарю|(?:best|kind|warm|warmest|kindest)[ \t]+regards|regards|best[ \t]+wishes|(?:yours[ \t]+)?sincerely|cheers|thanks|thank[ \t]+you)";

static SIGNOFF_SAME_LINE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(&format!(r"(?m)(?:^|[.!?][ \t]+)[ \t]*{SIGNOFF}[ \t]*,[ \t]*{NAME}[ \t]*(?:[!.,|—–\-]|$)"))
        .expect("valid signoff regex")
});

static SIGNOFF_NEXT_LINE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(&format!(r"(?m)(?:^|[.!?][ \t]+)[ \t]*{SIGNOFF}[ \t]*[,.!]?[ \t]*\n[ \t]*{NAME}{AFTER}"))
        .expect("valid signoff next-line regex")
});

/// Capitalised words that are never a person's name here (lower case).
const NOT_NAMES: &[&str] = &[
    "служба", "команда", "поддержка", "поддержки", "отдел", "менеджер", "оператор", "администрация",
    "администратор", "магазин", "компания", "клиент", "покупатель", "коллеги", "друзья", "все", "всем",
    "всё", "сертификат", "сертификаты", "код", "заказ", "карта", "подарок", "хорошо", "понятно",
    "отлично", "ок", "окей", "да", "нет", "спасибо", "пожалуйста", "извините", "простите", "вопрос",
    "жду", "ждём", "ждем", "благодарю", "здравствуйте", "привет", "уважением", "день", "вечер", "утро",
    "support", "team", "customer", "customers", "client", "service", "services", "care", "help", "desk",
    "all", "everyone", "there", "sir", "madam", "friend", "friends", "colleagues", "thanks", "thank",
    "regards", "hello", "hi", "ok", "okay", "yes", "no", "please", "sorry", "order", "gift", "card",
    "the", "i", "we", "my", "your", "corp", "inc", "ltd", "llc", "gmbh", "company", "shop", "store",
    "pay", "bank", "банк", "ооо", "ип", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье", "today",
    "tomorrow", "сегодня", "завтра", "ник",
];

/// [`NOT_NAMES`] hashed: every capitalised word of every message is looked up.
static NOT_NAME_SET: LazyLock<rustc_hash::FxHashSet<&'static str>> = LazyLock::new(|| NOT_NAMES.iter().copied().collect());

fn is_name(words: &str) -> bool {
    words.split([' ', '-']).filter(|w| !w.is_empty()).all(|w| {
        let lower = lexicon::to_lower(w.trim_end_matches('.'));
        // Russian imperatives ("Подскажите", "Проверьте") are not names.
        let imperative = lower.chars().count() > 4 && (lower.ends_with("ите") || lower.ends_with("йте") || lower.ends_with("ьте"));
        !NOT_NAME_SET.contains(lower.as_str()) && !imperative
    })
}

/// The byte ranges of personal names in `text`, sorted and never overlapping.
pub fn name_spans(text: &str) -> Vec<Range<usize>> {
    let mut out = context_spans(text);
    out.extend(lexicon::lexicon_spans(text, |w| !is_name(w)));
    let mut out = merge(out);
    let again = lexicon::repeats(text, &out);
    out.extend(again);
    merge(out)
}

/// Sorts ranges and joins the overlapping ones.
fn merge(mut spans: Vec<Range<usize>>) -> Vec<Range<usize>> {
    spans.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(spans.len());
    for r in spans {
        match out.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Names where the context announces one (the module's contexts 1–3 and job titles).
fn context_spans(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for re in [&*INTRO_RE, &*GREETING_RE, &*NAME_THEN_GREETING_RE, &*SIGNOFF_SAME_LINE_RE, &*SIGNOFF_NEXT_LINE_RE, &*JOB_TITLE_RE] {
        let mut pos = 0;
        while pos < text.len() {
            let Some(caps) = re.captures_at(text, pos) else { break };
            let (Some(m), Some(name)) = (caps.get(0), caps.get(1)) else { break };
            // An initial keeps its dot inside the name; a sentence-ending dot stays outside.
            let value = name.as_str();
            if is_name(value) && !out.iter().any(|r| r.start < name.end() && name.start() < r.end) {
                out.push(name.range());
            }
            // Retry from inside the match: a sign-off line may also be the greeting of the next.
            pos = if name.end() > m.start() { name.end() } else { m.end().max(pos + 1) };
            while pos < text.len() && !text.is_char_boundary(pos) {
                pos += 1;
            }
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&str> {
        name_spans(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn names_by_context() {
        let cases: &[(&str, &[&str])] = &[
            ("Меня зовут Анна, я купила сертификат", &["Анна"]),
            ("меня зовут Иван Петров и у меня вопрос", &["Иван Петров"]),
            ("Здравствуйте, Анна!", &["Анна"]),
            ("Добрый день, Анна Сергеевна. Проверили заказ", &["Анна Сергеевна"]),
            ("С уважением, Иван Петров", &["Иван Петров"]),
            ("Спасибо!\n\nС уважением,\nМария Иванова\n+7 912", &["Мария Иванова"]),
            ("My name is John Smith, I bought a card", &["John Smith"]),
            ("Regards, John Smith", &["John Smith"]),
            ("Hi John,\nthe code works", &["John"]),
            ("Dear Mr. Brown,", &["Brown"]),
            ("Ольга, добрый день! Код отправили.", &["Ольга"]),
            ("Thanks,\nJohn", &["John"]),
            ("С уважением,\nАнна, служба поддержки", &["Анна"]),
            ("Best regards,\nEmily R.", &["Emily R."]),
        ];
        for (text, want) in cases {
            assert_eq!(names(text), *want, "{text:?}");
        }
    }

    #[test]
    fn ordinary_words_stay() {
        for text in [
            "Здравствуйте, Сертификат не работает",
            "Добрый день, Подскажите, пожалуйста, где код",
            "С уважением,\nКоманда Подарочкин",
            "Hi Team,",
            "Hello Support!",
            "Спасибо, Хорошо!",
            "Здравствуйте! Купил сертификат в Москве",
            "Привет, всё понятно",
            "С уважением,\nСлужба поддержки",
            "Добрый день, Москва-Сити отделение не принимает",
            "Best regards,\nAcme Corp",
        ] {
            assert!(names(text).is_empty(), "{text:?}: {:?}", names(text));
        }
    }
}
