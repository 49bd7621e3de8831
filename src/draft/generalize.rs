//! A staff reply written for one customer, turned into text for everyone.
//!
//! The clean stage has already cut greetings and signatures and replaced personal data by
//! placeholders (`[EMAIL]`, `[ORDER]`, `[NAME]`, …). Here the drafter first prefers replies with few
//! ticket-specific values ([`specifics`]), then rewrites the placeholders that remain into generic
//! words ("на [EMAIL]" → "на ваш адрес электронной почты", "заказа №[ORDER]" → "заказа"), so a
//! draft never shows a placeholder or one customer's date to everyone.

use std::sync::LazyLock;

use regex::Regex;

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[[A-Z]{2,10}\]").expect("static regex"));
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b\d{1,2}\.\d{1,2}\.\d{2,4}\b|\b\d{1,2} (января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря|january|february|march|april|may|june|july|august|september|october|november|december)\b")
        .expect("static regex")
});

/// How many values in a reply belong to one ticket: placeholders and concrete dates.
pub fn specifics(text: &str) -> usize {
    PLACEHOLDER.find_iter(text).count() + DATE.find_iter(text).count()
}

/// Rules in order: (pattern, Russian replacement, English replacement).
static RULES: LazyLock<Vec<(Regex, &'static str, &'static str)>> = LazyLock::new(|| {
    let rules: &[(&str, &str, &str)] = &[
        // Addressing the customer by name.
        (r"(?i)(уважаем\w+|dear)\s+\[NAME\]\s*[,!]?\s*", "", ""),
        (r"(^|[.!?]\s+|\n)\[NAME\]\s*[,!]\s*(\p{L})", "$1$2", "$1$2"),
        (r",?\s*\[NAME\]", "", ""),
        // Addressing the customer by a handle ("[PROFILE] Thanks for reaching out").
        (r"(^|[.!?]\s+|\n)\[PROFILE\]\s*[,:]?\s*(\p{L})", "$1$2", "$1$2"),
        // A noun followed by its value: the noun alone says it.
        (r"(?i)(заказ\w*|order)\s*(№|#|no\.?)?\s*\[ORDER\]", "$1", "$1"),
        (r"(?i)(сертификат\w*|certificate)\s*(№|#)?\s*\[CODE\]", "$1", "$1"),
        (r"(?i)(почт\w*|e-?mail|адрес\w*)\s*\[EMAIL\]", "$1", "$1"),
        (r"(?i)(номер\w*|телефон\w*|phone|number)\s*\[PHONE\]", "$1", "$1"),
        (r"(?i)(ссылк\w*|link)\s*\[URL\]", "$1 из письма", "$1 in the e-mail"),
        (r"(?i)(сч[её]т\w*|invoice)\s*(№|#)?\s*\[INVOICE\]", "$1", "$1"),
        // A value alone.
        (r"\[EMAIL\]", "ваш адрес электронной почты", "your e-mail address"),
        (r"\[PHONE\]", "ваш номер телефона", "your phone number"),
        (r"\[ORDER\]", "номер заказа", "your order number"),
        (r"\[CODE\]", "код сертификата", "the certificate code"),
        (r"\[CARD\]", "номер карты", "your card number"),
        (r"\[INVOICE\]", "номер счёта", "the invoice number"),
        (r"\[URL\]", "ссылка из письма", "the link in the e-mail"),
        (r"\[(PIN|PASSPORT|SNILS|INN|IP|PROFILE|ADDRESS|BIRTHDATE|LICENCE|IIN|PERSONAL_NO)\]", "эти данные", "these details"),
    ];
    rules.iter().map(|(p, ru, en)| (Regex::new(p).expect("static regex"), *ru, *en)).collect()
});

/// The reply with its placeholders rewritten into generic words, in the reply's language.
pub fn generalize(text: &str) -> String {
    if !text.contains('[') {
        return text.to_string();
    }
    let russian = text.chars().filter(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(*c))).count() * 2 > text.chars().filter(|c| c.is_alphabetic()).count();
    let mut out = text.to_string();
    for (re, ru, en) in RULES.iter() {
        out = re.replace_all(&out, if russian { *ru } else { *en }).into_owned();
    }
    // A sentence that now starts in lower case after a cut name. A sentence ends at a stop followed
    // by a space, so the dots of `podarokplus.ru/business` end none.
    let mut fixed = String::with_capacity(out.len());
    let mut capital = true;
    let mut stop = false;
    for c in out.chars() {
        if capital && c.is_alphabetic() {
            fixed.extend(c.to_uppercase());
            capital = false;
        } else {
            fixed.push(c);
            if c == '\n' || (stop && c.is_whitespace()) {
                capital = true;
            } else if !c.is_whitespace() {
                capital = false;
            }
        }
        stop = matches!(c, '.' | '!' | '?');
    }
    fixed.lines().map(|l| l.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_placeholders_become_words() {
        assert_eq!(
            generalize("[NAME], мы отправили сертификат [CODE] повторно на почту [EMAIL]."),
            "Мы отправили сертификат повторно на почту."
        );
        assert_eq!(generalize("Статус заказа №[ORDER] виден в личном кабинете."), "Статус заказа виден в личном кабинете.");
        assert_eq!(generalize("Письмо придёт на [EMAIL] в течение часа."), "Письмо придёт на ваш адрес электронной почты в течение часа.");
        assert_eq!(generalize("Уважаемая [NAME]! Баланс виден на сайте."), "Баланс виден на сайте.");
        assert_eq!(
            generalize("[NAME], заявка на podarokplus.ru/business или письмо на b2b@podarokplus.ru."),
            "Заявка на podarokplus.ru/business или письмо на b2b@podarokplus.ru."
        );
    }

    #[test]
    fn english_placeholders_become_words() {
        assert_eq!(generalize("Dear [NAME], we sent it to [EMAIL]."), "We sent it to your e-mail address.");
        assert_eq!(generalize("Your order #[ORDER] ships today."), "Your order ships today.");
        assert_eq!(generalize("[PROFILE] Try these steps to get back in."), "Try these steps to get back in.");
    }

    #[test]
    fn counts_specific_values() {
        assert_eq!(specifics("Продлили до 15.03.2025, код [CODE]."), 2);
        assert_eq!(specifics("Продлили до 15 марта."), 1);
        assert_eq!(specifics("Баланс виден на сайте."), 0);
    }
}
