//! Signatures: cut from the marker line to the end.
//!
//! Strong markers (cut wherever they stand): `С уважением`, `Всего доброго`, `Best regards`, `Regards`,
//! ... alone or followed by a name; the `--` delimiter; mobile and app footers (`Отправлено с iPhone`,
//! `Sent from my Android`, `Отправлено из мобильной Почты Mail.ru`, `Get Outlook for iOS`, ...).
//! Weak markers (`Спасибо,`, `Thanks,`, `Cheers,`) cut only near the end: when every line after them is
//! a name or a contact line.

use std::sync::LazyLock;

use regex::Regex;

use super::vocabulary::{name_like, THANKS};

static SIGNOFF_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?i)^(?:с\s+уважением(?:\s+и\s+благодарностью)?|с\s+наилучшими\s+пожеланиями|всего\s+(?:доброго|хорошего|наилучшего)|(?:best|kind|warm|warmest|kindest)\s+regards|regards|best\s+wishes|(?:yours\s+)?sincerely|yours\s+faithfully|respectfully)",
    )
    .expect("valid signoff regex")
});

static MOBILE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?i)^(?:отправлено|послано|sent|отправлено\s+через)\s+(?:с|со|из|from|via|через|using|with)\s+(.{1,80})$",
    )
    .expect("valid mobile regex")
});

static DEVICE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?i)(?:iphone|ipad|ipod|android|samsung|galaxy|xiaomi|redmi|huawei|honor|pixel|nokia|mobile|мобильн|почт|mail|outlook|яндекс|yandex|gmail|телефона|смартфона|устройства|device|планшета|windows|mac|blackberry|^моего|^my\s|spark|bluemail|aquamail|myoffice|yahoo|proton|tutanota|приложения|app\b)",
    )
    .expect("valid device regex")
});

static OUTLOOK_APP_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?i)^(?:get|download|скачайте|загрузите|получить|получите)\s+outlook\s+(?:for|для)\s+\S+",
    )
    .expect("valid outlook regex")
});

static WEAK_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(&format!(
        r"(?i)^(?:{THANKS}|best|cheers|всех\s+благ)(?P<tail>.*)$"
    ))
    .expect("valid weak signoff regex")
});

/// An agent's sign-off at the very end of a reply, as social-media care teams sign:
/// - initials touching a mark after a space ("…here: *SR", "…a tweet away /TF"); a mark and a space
///   are a list's bullet ("\n* PDF"), and "EUR / USD" a pair of values;
/// - after the end of a sentence, initials or a name with a caret or tilde ("…questions.
///   ^JorgeGarcia", "…community.~ Olivia"), or the mark alone;
/// - after a full stop or "!", initials with a dash ("…help. -AB", "- AB") or a name touching it
///   ("…guidance. -Mike"), or the dash alone; after "?" or ":" only initials touching the dash
///   ("…article: -TC"), since "…? — Нет", "Нужен ли паспорт? - ДА" and "Статус: - ОК" answer;
/// - after a colon, a caret with initials or a name ("…this guide: ^Lisi");
/// - initials touching a dash right after a word ("…in this article -FR"), and a name after a link.
///
/// A dash sign-off stays on its line, so a list's last item ("\n- Наличные") is no signature; after
/// a word only initials count, so a flag or a model ("-Force", "-Xmx", "iphone -Pro", "Galaxy S23
/// -XL", "E-AB") stays. The sign-off is the first group that matched; what precedes it stays.
static SIGN_OFF_RE: LazyLock<Regex> = LazyLock::new(|| {
    const INITIALS: &str = r"\p{Lu}{2,3}";
    const NAME: &str = r"\p{Lu}\p{Ll}{1,11}(?:\p{Lu}\p{Ll}{1,11})?";
    crate::clean::compile(&format!(
        r"(?:\s([\^*/~]{INITIALS})|[.!…)][ \t]*([-–—][ \t]?{INITIALS})|[?:][ \t]*([-–—]{INITIALS})|[.!…)][ \t]*([-–—]{NAME}|[-–—])|[.!?…)]\s*([~^][ \t]?(?:{INITIALS}|{NAME})|[~^])|:\s*(\^(?:{INITIALS}|{NAME}))|(?:\p{{Ll}}|https?://\S+)[ \t]+([-~^]{INITIALS})|https?://\S+[ \t]+([-~^]{NAME}))[ \t]*$"
    ))
    .expect("valid sign-off regex")
});

/// Where an agent's sign-off at the end of `text` begins ([`SIGN_OFF_RE`]), if it has one. The
/// draft stage asks again after it has cut a closing courtesy, so the policy is this one.
pub(crate) fn sign_off_start(text: &str) -> Option<usize> {
    SIGN_OFF_RE.captures(text).and_then(|c| (1..=8).find_map(|i| c.get(i)).map(|m| m.start()))
}

/// Cuts the signature, if any, from its first line to the end.
pub(crate) fn strip_signature(text: &str) -> String {
    let text = strip_initials(text);
    let text = text.as_str();
    let lines: Vec<&str> = text.split('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        let l = line.trim();
        if l.is_empty() || l.len() > 300 {
            continue;
        }
        if is_strong_marker(l) || is_weak_marker(l, &lines[i + 1..]) {
            return lines[..i].join("\n");
        }
    }
    match trailing_block_start(&lines) {
        Some(start) => lines[..start].join("\n"),
        None => text.to_string(),
    }
}

/// The text without an agent's closing sign-off ([`SIGN_OFF_RE`]); the sentence's own punctuation
/// stays.
fn strip_initials(text: &str) -> String {
    match sign_off_start(text) {
        Some(start) => text[..start].trim_end().to_string(),
        None => text.to_string(),
    }
}

fn is_strong_marker(l: &str) -> bool {
    if l == "--" {
        return true;
    }
    if let Some(caps) = MOBILE_RE.captures(l) {
        let tail = &caps[1];
        if !tail.contains('?') && DEVICE_RE.is_match(tail) {
            return true;
        }
    }
    if OUTLOOK_APP_RE.is_match(l) {
        return true;
    }
    if let Some(m) = SIGNOFF_RE.find(l) {
        return signoff_tail_ok(&l[m.end()..]);
    }
    false
}

/// After a sign-off phrase: nothing, punctuation and then nothing or a name, or a space and a name.
fn signoff_tail_ok(rest: &str) -> bool {
    let Some(first) = rest.chars().next() else {
        return true;
    };
    if first.is_alphanumeric() {
        return false;
    }
    let stripped = rest.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | '.' | '!' | ':' | ';' | '—' | '–' | '-')
    });
    if stripped.is_empty() {
        return true;
    }
    name_like(stripped) || staff_signoff(stripped)
}

/// Words that say what a signer does or where ("специалист поддержки", "служба поддержки
/// ВольтМаркет", "оператор", "customer care team"): a sign-off's name may come with them, before or
/// after it.
const ROLE_WORDS: &[&str] = &[
    "специалист", "специалистка", "оператор", "менеджер", "консультант", "сотрудник", "сотрудница", "старший",
    "ведущий", "ведущая", "главный", "главная", "руководитель", "администратор", "служба", "отдел", "команда",
    "группа", "поддержки", "поддержка", "клиентской", "клиентов", "работы", "с", "по", "заботы", "о", "клиентах",
    "контакт-центр", "контакт-центра", "центр", "центра", "support", "agent", "specialist", "manager", "team",
    "customer", "care", "service", "services", "representative", "of", "the", "at", "from", "lead", "senior",
];

/// A sign-off's tail made of names and roles, comma-separated: "Мария Кравцова, служба поддержки
/// ВольтМаркет", "специалист поддержки Мария Кравцова", "Support Team".
fn staff_signoff(tail: &str) -> bool {
    let parts: Vec<&str> = tail.split([',', '|', '/']).map(str::trim).filter(|p| !p.is_empty()).collect();
    !parts.is_empty() && parts.len() <= 4 && !tail.contains('?') && parts.iter().all(|p| name_like(p) || role_line(p))
}

/// "Оператор Дмитрий", "специалист поддержки Мария Кравцова", "служба поддержки ВольтМаркет":
/// at least one role word, every other word a role word or capitalised, at most six words.
pub(crate) fn role_line(s: &str) -> bool {
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.is_empty() || words.len() > 6 || s.contains('?') {
        return false;
    }
    let role = |w: &str| ROLE_WORDS.contains(&w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-').to_lowercase().as_str());
    role(words[0])
        && words.iter().all(|w| role(w) || w.chars().next().is_some_and(char::is_uppercase) || w.starts_with('«') || w.starts_with('"'))
}

fn is_weak_marker(l: &str, following: &[&str]) -> bool {
    let Some(caps) = WEAK_RE.captures(l) else {
        return false;
    };
    let tail = caps.name("tail").map_or("", |m| m.as_str());
    if let Some(first) = tail.chars().next() {
        if first.is_alphanumeric() {
            return false;
        }
    }
    let tail = tail.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | '.' | '!' | ':' | ';' | '—' | '–' | '-' | ')')
    });
    if !tail.is_empty() && !name_like(tail) {
        return false;
    }
    let rest: Vec<&str> = following
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .take(5)
        .collect();
    if rest.is_empty() {
        // Only a trailing "Спасибо, Иван" is a signature; a bare "Спасибо!" is left to the thanks step.
        return !tail.is_empty();
    }
    rest.len() <= 4 && rest.iter().all(|s| name_like(s) || contact_like(s))
}

/// Labels that may stand before a contact in a signature ("Тел.: +7 ...", "e-mail: ...").
const CONTACT_LABELS: &[&str] = &[
    "тел",
    "телефон",
    "моб",
    "мобильный",
    "сот",
    "whatsapp",
    "telegram",
    "телеграм",
    "tel",
    "phone",
    "mobile",
    "mob",
    "cell",
    "email",
    "e-mail",
    "mail",
    "почта",
    "эл",
    "эл.почта",
    "site",
    "сайт",
];

/// A contact line of a signature: only an e-mail, a site, a phone (or their placeholders), optionally
/// after a short label.
fn contact_like(s: &str) -> bool {
    let s = s.trim();
    let mut rest = s;
    if let Some((label, after)) = s.split_once(':') {
        if label.split_whitespace().count() <= 2 {
            rest = after.trim();
        }
    } else if let Some((first, after)) = s.split_once(' ') {
        let first = first.trim_end_matches('.').to_lowercase();
        if CONTACT_LABELS.contains(&first.as_str()) {
            rest = after.trim();
        }
    }
    if rest.is_empty() || rest.contains('?') {
        return false;
    }
    if matches!(rest, "[PHONE]" | "[EMAIL]" | "[URL]") {
        return true;
    }
    if !rest.contains(' ')
        && (rest.contains('@') || rest.starts_with("http") || rest.starts_with("www."))
    {
        return true;
    }
    let digits = rest.chars().filter(|c| c.is_ascii_digit()).count();
    (7..=16).contains(&digits)
        && rest
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '(' | ')' | '-' | ' ' | '.'))
}

/// "Анастасия Киселёва, +7 912 ..." or "Иван Петров +79123456789": a name and contacts on one line.
fn name_with_contact(s: &str) -> bool {
    let parts: Vec<&str> = s
        .split([',', ';', '|'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() >= 2 {
        return parts.iter().all(|p| name_like(p) || contact_like(p))
            && parts.iter().any(|p| contact_like(p));
    }
    // no separator: the name is the leading capitalised words, the contact the rest
    let words: Vec<&str> = s.split_whitespace().collect();
    (1..words.len().min(4))
        .any(|k| name_like(&words[..k].join(" ")) && contact_like(&words[k..].join(" ")))
}

/// "Иван Петров", "Анна С.": two or three capitalised words, no digits.
fn full_name(s: &str) -> bool {
    let n = s.split_whitespace().count();
    (2..=3).contains(&n) && !s.chars().any(|c| c.is_ascii_digit()) && name_like(s)
}

/// Start of a bare signature block at the end, without a sign-off phrase: up to four lines of names
/// and contacts, holding a contact, or a full name set off from the text above by a blank line.
fn trailing_block_start(lines: &[&str]) -> Option<usize> {
    let mut end = lines.len();
    while end > 0 && lines[end - 1].trim().is_empty() {
        end -= 1;
    }
    let mut start = end;
    let (mut has_contact, mut has_full_name) = (false, false);
    while start > 0 {
        let l = lines[start - 1].trim();
        if l.is_empty() || l.len() > 120 {
            break;
        }
        let contact = contact_like(l) || name_with_contact(l);
        let role = role_line(l) || staff_signoff(l) && l.contains(',');
        if !contact && !role && !name_like(l) {
            break;
        }
        has_contact |= contact;
        has_full_name |= full_name(l) || role;
        start -= 1;
        if end - start > 4 {
            return None;
        }
    }
    if start == end {
        return None;
    }
    let above = lines[..start].iter().any(|l| !l.trim().is_empty());
    let separated = start > 0 && lines[start - 1].trim().is_empty();
    // A role line ("Оператор Дмитрий") ends an answer even without a blank line before it.
    let role_last = role_line(lines[end - 1].trim());
    // With nothing above it the block is the message itself: the details a customer sends when
    // staff ask for them ("почта …, телефон …"), not a signature under one.
    (above && (has_contact || ((separated || role_last) && has_full_name))).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = "Не могу активировать сертификат.\nПишет ошибка.";

    #[test]
    fn an_agents_initials_at_the_end_go() {
        for (text, want) in [
            ("Please try the troubleshooting here: *SR", "Please try the troubleshooting here:"),
            ("If you need anything else, we're just a tweet away /TF", "If you need anything else, we're just a tweet away"),
            ("We appreciate you looking out for the rest of the community.~", "We appreciate you looking out for the rest of the community."),
            ("Send us a DM. ^JK", "Send us a DM."),
            ("Send us a DM if you have any questions. ^JorgeGarcia", "Send us a DM if you have any questions."),
            ("We're here to help! ^Ana", "We're here to help!"),
            ("Мы проверим заказ. -АП", "Мы проверим заказ."),
            ("We will continue to follow all public health guidance. -Mike", "We will continue to follow all public health guidance."),
            ("All recovery options are explained in this article -FR", "All recovery options are explained in this article"),
            ("We will continue to follow all public health guidance. -", "We will continue to follow all public health guidance."),
            ("Заказ передан в доставку. ~Ольга", "Заказ передан в доставку."),
            ("We appreciate you looking out for the rest of the community.~ Olivia", "We appreciate you looking out for the rest of the community."),
            ("Please refer to the following help article: -TC", "Please refer to the following help article:"),
            ("Follow the steps in this guide to cancel it: ^Lisi", "Follow the steps in this guide to cancel it:"),
            ("For additional information, please visit: https://example.com/covid -Shannon", "For additional information, please visit: https://example.com/covid"),
        ] {
            assert_eq!(strip_signature(text), want, "{text}");
        }
        for text in [
            "Подойдёт ли чехол для Galaxy S23 -XL",
            "The case fits the Pixel 8 -XL",
            "Price is 5 ~",
            "Код ошибки E-AB",
            "Press Shift+^Home to select",
            "Поставьте галочку - Да",
            "Поставьте галочку: - Да",
            "Способы оплаты:\n- Картой онлайн (Visa, МИР)\n- Наличные",
            "Нужны документы:\n- Паспорт.\n- Чек",
            "Можно ли вернуть товар? — Нет",
            "Set Mode to: ~Auto",
            "Run the command with -Force",
            "Start java with -Xmx",
            "I bought the iphone -Pro",
            "Поставьте галочку: - ДА",
            "Статус: - ОК",
            "Какой размер брать? — XL",
            "Нужен ли паспорт? - ДА",
            "Форматы:\n* PDF\n* DOC",
            "Prices are in EUR / USD",
            "Is it possible? -No",
        ] {
            assert_eq!(strip_signature(text), text);
        }
    }

    #[test]
    fn a_message_of_contact_details_alone_is_kept() {
        for details in ["почта maksim.morozov@inbox.ru, телефон +7 927 949-78-22", "+7 916 123-45-67", "Иван Петров\n+7 912 345-67-89"] {
            assert_eq!(strip_signature(details), details);
        }
        // Under a message they are still its signature.
        assert_eq!(strip_signature(&format!("{BODY}\n\nИван Петров\n+7 912 345-67-89")), format!("{BODY}\n"));
    }

    #[test]
    fn signature_styles_table() {
        let sigs: &[&str] = &[
            "С уважением,\nИван Петров",
            "С уважением, Иван Петров\n+7 912 345-67-89",
            "С уважением\nАнна",
            "С уважением.",
            "С уважением и благодарностью, Анна",
            "Всего доброго!",
            "Всего доброго,\nМария",
            "Best regards,\nJohn Smith\nAcme Inc.",
            "Kind regards,\nJohn",
            "Regards,\nJohn",
            "Thanks,\nJohn",
            "Thanks,\nJohn Smith\njohn@example.com",
            "Спасибо,\nИван",
            "Спасибо!\nАнна Сергеевна\n8 912 345 67 89",
            "Спасибо, Иван",
            "Cheers,\nBob",
            "-- \nИван Петров\nООО Ромашка",
            "--\nJohn",
            "Отправлено с iPhone",
            "Отправлено с моего iPhone",
            "Sent from my iPhone",
            "Sent from my Android",
            "Sent from my Samsung Galaxy smartphone.",
            "Sent from Mail for Windows",
            "Отправлено из мобильной Почты Mail.ru",
            "Отправлено из приложения Яндекс Почта",
            "Отправлено из Яндекс.Почты для Android",
            "Get Outlook for iOS",
            "Get Outlook for Android<https://aka.ms/ghei36>",
            "Sincerely,\nJane",
            "С уважением, Мария Кравцова, служба поддержки ВольтМаркет",
            "С уважением,\nспециалист поддержки Мария Кравцова",
            "С уважением, специалист поддержки Мария Кравцова",
            "Хорошего дня!\nМария Кравцова, ВольтМаркет",
            "Оператор Дмитрий",
            "Best regards,\nCustomer Care Team",
            // bare signature blocks: a name and contacts, no sign-off phrase
            "Артём Николаев\n+79039543232",
            "Анастасия Киселёва\n+7 912 495-19-43",
            "Светлана Герасимова\n8 905 266 56 11",
            "Илья Гарипов",
            "Анастасия Киселёва, +7 912 495-19-43",
            "Иван Петров +79123456789",
            "Тел.: +7 912 345-67-89",
            "ivan@mail.ru",
            "Анна\nТелефон: 8 912 345 67 89\nivan@mail.ru",
        ];
        for sig in sigs {
            let input = format!("{BODY}\n\n{sig}");
            assert_eq!(strip_signature(&input).trim_end(), BODY, "sig: {sig:?}");
        }
    }

    #[test]
    fn not_signatures_table() {
        let texts: &[&str] = &[
            "С уважением отношусь к вашей компании, но код не работает",
            "С уважением, прошу вернуть деньги за сертификат",
            "Всего доброго хотел пожелать, но код не работает",
            "Спасибо, а где проверить баланс?",
            "Спасибо!\nА где проверить баланс?",
            "Спасибо!\nКод не работает",
            "Спасибо за ответ, но код всё равно не работает",
            "Отправлено с карты Сбербанка 5000 рублей",
            "Sent from the shop to my address",
            "Текст\n---\nещё текст",
            "Regardless of that, code fails",
            "Thanks for the reply. The code still fails.",
            "Какие магазины принимают?\nДетский Мир",
            "Письмо не пришло на ivan@mail.ru",
            "Ок",
            "Сертификат не работает\n\nПомогите",
            "Иван Петров",
            "Код не работает.\n\nЖду ответа",
            "С уважением, прошу вернуть деньги, служба доставки опоздала",
            "Оператор сказал, что код придёт",
        ];
        for t in texts {
            assert_eq!(strip_signature(t), *t, "{t:?}");
        }
    }

}
