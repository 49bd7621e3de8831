//! Redaction of personal data. Placeholders: `[email]`, `[phone]`, `[card]`, `[code]`, `[pin]`,
//! `[order]`, `[url]`.
//!
//! Order of the passes (each later pass sees the placeholders of the earlier ones, never their digits):
//! 1. URLs carrying a token, code or personal data in their query or path -> `[url]`;
//! 2. e-mails;
//! 3. card numbers written in groups (13–19 digits: 4-4-4-1..4(-1..3), 4-6-5);
//! 4. certificate codes: 3–5 groups of 4 Latin letters/digits split by `-` or spaces (upper or lower
//!    case, at least one digit), partial codes of two upper-case groups (`8UPZ-XVD5`), and ungrouped
//!    12–24-character upper-case codes mixing letters and digits;
//! 5. phones: Russian with `+7`/`8`/`7` in every common layout, Russian mobiles without a prefix,
//!    international `+CC ...` (8–15 digits);
//! 6. ungrouped card numbers (13–19 digits) that pass the Luhn check;
//! 7. keyword-led values, the keyword kept: PIN (`PIN 4821` -> `PIN [pin]`), order numbers
//!    (`заказ № 4587123` -> `заказ № [order]`), certificate/card numbers and codes
//!    (`сертификат № 12345678`, `код: 4821` -> `[code]`);
//! 8. any other standalone number of 7+ digits (order, transaction, INN, account) -> `[order]`;
//!    a number followed by a currency or unit stays.
//!
//! Not redacted: prices ("5000 рублей", "3 000 ₽"), dates, times, percents, years, short numbers.

use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::{Cleaned, RedactionCounts};

static URL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b(?:https?://|www\.)[^\s<>"'«»\[\]{}|\\^`]+"#).expect("valid url regex")
});

static EMAIL_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[\w.+%\-]+@[\w\-]+(?:\.[\w\-]+)*\.\p{L}{2,}").expect("valid email regex")
});

static GROUPED_CARD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b[0-9]{4}(?:[ \-][0-9]{4}){2}[ \-][0-9]{1,4}(?:[ \-][0-9]{1,3})?\b|\b[0-9]{4}[ \-][0-9]{6}[ \-][0-9]{5}\b",
    )
    .expect("valid grouped card regex")
});

static GROUPED_CODE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[A-Za-z0-9]{4}(?:[ \-][A-Za-z0-9]{4}){2,4}\b").expect("valid code regex")
});

static PLAIN_CODE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:[A-Z0-9]{12,24}|[a-z0-9]{16})\b").expect("valid plain code regex")
});

static RU_PHONE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:\+[ ]?7|\b[78])[ \-]?(?:\([ ]?[0-9]{3,5}[ ]?\)|[0-9]{3})[ \-]?[0-9]{1,3}[ \-]?[0-9]{2}[ \-]?[0-9]{2}\b",
    )
    .expect("valid ru phone regex")
});

static RU_LOCAL_PHONE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:\([0-9]{3}\)[ \-]?|\b9[0-9]{2}[ \-]?)(?:[0-9]{3}[ \-]?[0-9]{2}[ \-]?[0-9]{2}|[0-9]{3}[ \-]?[0-9]{4})\b",
    )
    .expect("valid local phone regex")
});

static INTL_PHONE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\+[ ]?[1-9][0-9]{0,3}(?:[ \-]?\(?[0-9]{1,5}\)?){1,6}")
        .expect("valid intl phone regex")
});

static TWO_GROUP_CODE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b").expect("valid two-group code regex")
});

static BARE_NUMBER_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[0-9]{7,24}\b").expect("valid bare number regex"));

/// Words before a 10-digit number that make it a tax or bank identifier, not a phone.
static ID_KEYWORD_BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:инн|кпп|огрн|огрнип|бик|окпо|снилс|rrn|счет|счёт|счета|счёта|р/с|к/с|операции|транзакции|платежа|платёжа|inn|account)[ \t:№#]*$")
        .expect("valid id keyword regex")
});

static LONG_DIGITS_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[0-9]{13,19}\b").expect("valid long digits regex"));

static PIN_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(\b(?:пин[ \t\-]?код[а-я]*|пин|pin[ \t\-]?code|pincode|pin)(?:[ \t:=#№\-–—]{1,6})(?:(?:is|это)[ \t:\-]{1,3})?)([0-9]{3,8})\b",
    )
    .expect("valid pin regex")
});

static ORDER_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)((?:\bномер[ \t]+заказа|№[ \t]*заказа|\bзаказ(?:а|у|ом|е|ы|ов)?|\border(?:[ \t]+(?:number|no\.?|num|id))?|\binvoice)(?:[ \t:=#№\-–—]{1,6})(?:(?:номер|number|no\.?|n)[ \t:#№.]{1,4})?)([A-Za-z]{0,4}-?[0-9]{4,14})\b",
    )
    .expect("valid order regex")
});

static CERT_NUMBER_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)((?:\bсертификат(?:а|у|ом|е|ы|ов)?|\bcertificate|\bcert|\bкарт(?:а|ы|у|е|ой|очк[аиу])|\bcard)(?:[ \t]+(?:номер|number|no\.?))?(?:[ \t:=#№\-–—]{1,6}))([0-9]{6,19})\b",
    )
    .expect("valid certificate number regex")
});

static CODE_KEYWORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(\b(?:код(?:а|ом|у)?(?:[ \t]+(?:активации|подтверждения|сертификата|карты|доступа|из[ \t]+(?:смс|sms)|смс|sms))?|(?:смс|sms)-?код|activation[ \t]+code|code)(?:[ \t:=#№\-–—]{1,6}))([A-Za-z0-9]{4,20})\b",
    )
    .expect("valid code keyword regex")
});

/// Units, currencies and years after a number: the number is then a price, a quantity or a date.
static UNIT_AFTER_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^[ \t]*(?:руб|р\.|р\b|₽|rub|\$|usd|eur|€|%|тыс|млн|шт|г\.|г\b|год|лет|мин|час|сек|дн|day|year|pcs)",
    )
    .expect("valid unit regex")
});

/// Only redaction.
pub fn redact(text: &str) -> Cleaned {
    let mut c = RedactionCounts::default();
    let t = redact_urls(text, &mut c);
    let t = scan_replace(&t, &EMAIL_RE, |_, caps| {
        let m = caps.get(0)?;
        c.emails += 1;
        Some((m.start(), m.end(), "[email]".into()))
    });
    let t = redact_grouped_cards(&t, &mut c);
    let t = redact_codes(&t, &mut c);
    let t = redact_phones(&t, &mut c);
    let t = scan_replace(&t, &LONG_DIGITS_RE, |_, caps| {
        let m = caps.get(0)?;
        luhn_ok(m.as_str()).then(|| {
            c.cards += 1;
            (m.start(), m.end(), "[card]".to_string())
        })
    });
    let t = redact_keyword(&t, &PIN_RE, "[pin]", &mut c.pins);
    let t = redact_keyword(&t, &ORDER_RE, "[order]", &mut c.orders);
    let t = redact_keyword(&t, &CERT_NUMBER_RE, "[code]", &mut c.codes);
    let t = scan_replace(&t, &CODE_KEYWORD_RE, |text, caps| {
        let (kw, val) = (caps.get(1)?, caps.get(2)?);
        let v = val.as_str();
        let digits = v.chars().filter(char::is_ascii_digit).count();
        let letters = v.chars().filter(char::is_ascii_alphabetic).count();
        let ok = digits >= 4 || (digits >= 2 && letters >= 2 && v.len() >= 6);
        (ok && !UNIT_AFTER_RE.is_match(&text[val.end()..])).then(|| {
            c.codes += 1;
            (kw.end(), val.end(), "[code]".to_string())
        })
    });
    // Any other long number (7+ digits) is an identifier: an order, a transaction, an account.
    let t = scan_replace(&t, &BARE_NUMBER_RE, |text, caps| {
        let m = caps.get(0)?;
        if UNIT_AFTER_RE.is_match(&text[m.end()..]) || char_before(text, m.start()) == Some('+') {
            return None;
        }
        c.orders += 1;
        Some((m.start(), m.end(), "[order]".to_string()))
    });
    Cleaned {
        text: t,
        redactions: c,
    }
}

/// Finds candidates of `re` from left to right; `decide` returns the byte range to replace (inside the
/// match) and the replacement, or `None` to reject. A rejected candidate is retried one character later,
/// so a valid value inside or after an invalid candidate is still found.
fn scan_replace<F>(text: &str, re: &Regex, mut decide: F) -> String
where
    F: FnMut(&str, &Captures<'_>) -> Option<(usize, usize, String)>,
{
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut pos = 0;
    while pos <= text.len() {
        let Some(caps) = re.captures_at(text, pos) else {
            break;
        };
        let Some(m) = caps.get(0) else {
            break;
        };
        let accepted = decide(text, &caps).filter(|(s, e, _)| {
            *s >= last
                && *s >= m.start()
                && s <= e
                && *e <= m.end()
                && text.is_char_boundary(*s)
                && text.is_char_boundary(*e)
        });
        match accepted {
            Some((s, e, rep)) => {
                out.push_str(&text[last..s]);
                out.push_str(&rep);
                last = e;
                pos = if e > m.start() {
                    e
                } else {
                    next_boundary(text, m.start())
                };
            }
            None => pos = next_boundary(text, m.start()),
        }
    }
    out.push_str(&text[last..]);
    out
}

/// The byte index of the character after the one at `i` (or `len + 1` at the end).
fn next_boundary(text: &str, i: usize) -> usize {
    match text[i..].chars().next() {
        Some(c) => i + c.len_utf8(),
        None => text.len() + 1,
    }
}

fn char_before(text: &str, i: usize) -> Option<char> {
    text[..i].chars().next_back()
}

fn char_after(text: &str, i: usize) -> Option<char> {
    text[i..].chars().next()
}

fn digit_count(s: &str) -> usize {
    s.chars().filter(char::is_ascii_digit).count()
}

/// Keyword-led value: keep group 1 (the keyword and separator), replace group 2 unless a unit follows.
fn redact_keyword(text: &str, re: &Regex, placeholder: &str, count: &mut usize) -> String {
    scan_replace(text, re, |text, caps| {
        let (kw, val) = (caps.get(1)?, caps.get(2)?);
        if UNIT_AFTER_RE.is_match(&text[val.end()..]) {
            return None;
        }
        *count += 1;
        Some((kw.end(), val.end(), placeholder.to_string()))
    })
}

/// URLs are matched without overlap: a URL without a token is skipped whole (linear time).
fn redact_urls(text: &str, c: &mut RedactionCounts) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in URL_RE.find_iter(text) {
        let url = m
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', '"', '»']);
        if url_has_token(url) {
            out.push_str(&text[last..m.start()]);
            out.push_str("[url]");
            last = m.start() + url.len();
            c.urls_with_tokens += 1;
        }
    }
    out.push_str(&text[last..]);
    out
}

const TOKEN_KEYS: &[&str] = &[
    "token",
    "access_token",
    "auth",
    "key",
    "apikey",
    "api_key",
    "code",
    "sig",
    "signature",
    "hash",
    "session",
    "sessionid",
    "sid",
    "secret",
    "pin",
    "cert",
    "certificate",
    "email",
    "mail",
    "phone",
    "tel",
    "order",
    "order_id",
    "orderid",
    "uid",
    "user",
    "user_id",
    "login",
    "password",
    "pass",
    "otp",
    "ticket",
    "t",
    "k",
];

/// True when the URL carries a token, a code or personal data: a sensitive query key, a long random
/// query value or path segment, an e-mail, or a segment with 7+ digits.
fn url_has_token(url: &str) -> bool {
    let without_scheme = url.split_once("://").map_or(url, |(_, r)| r);
    let (path, query) = match without_scheme.split_once(['?', '#']) {
        Some((p, q)) => (p, q),
        None => (without_scheme, ""),
    };
    // path segments after the host
    for seg in path.split('/').skip(1) {
        if looks_random(seg) || digit_count(seg) >= 7 || seg.contains('@') {
            return true;
        }
    }
    for pair in query.split(['&', ';', '#', '?']).filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or(("", pair));
        let k = k.to_ascii_lowercase();
        if !v.is_empty() && TOKEN_KEYS.contains(&k.as_str()) {
            return true;
        }
        if looks_random(v) || v.contains('@') || v.to_ascii_lowercase().contains("%40") {
            return true;
        }
        if v.len() >= 6 && v.chars().all(|c| c.is_ascii_digit()) {
            return true;
        }
    }
    false
}

/// 12+ characters of letters, digits, `-`, `_`, with 3+ digits and 2+ letters: a token or a code.
fn looks_random(s: &str) -> bool {
    let alnum = s.chars().filter(char::is_ascii_alphanumeric).count();
    let digits = digit_count(s);
    let letters = s.chars().filter(char::is_ascii_alphabetic).count();
    alnum >= 12
        && digits >= 3
        && letters >= 2
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '='))
}

/// True when the text at `i` continues a dash-joined code: `-` followed by a letter or digit.
fn dash_continues_after(text: &str, i: usize) -> bool {
    let mut it = text[i..].chars();
    it.next() == Some('-') && it.next().is_some_and(|c| c.is_ascii_alphanumeric())
}

fn dash_continues_before(text: &str, i: usize) -> bool {
    let mut it = text[..i].chars().rev();
    it.next() == Some('-') && it.next().is_some_and(|c| c.is_ascii_alphanumeric())
}

fn redact_grouped_cards(text: &str, c: &mut RedactionCounts) -> String {
    scan_replace(text, &GROUPED_CARD_RE, |text, caps| {
        let m = caps.get(0)?;
        let digits = digit_count(m.as_str());
        let ok = (13..=19).contains(&digits)
            && !dash_continues_after(text, m.end())
            && !dash_continues_before(text, m.start())
            && char_before(text, m.start()) != Some('+');
        ok.then(|| {
            c.cards += 1;
            (m.start(), m.end(), "[card]".to_string())
        })
    })
}

fn redact_codes(text: &str, c: &mut RedactionCounts) -> String {
    let t = scan_replace(text, &GROUPED_CODE_RE, |text, caps| {
        let m = caps.get(0)?;
        let s = m.as_str();
        // groups are 4 ASCII characters, separators one ASCII character
        let groups: Vec<&str> = s.split([' ', '-']).collect();
        let seps: Vec<char> = s.chars().filter(|c| *c == ' ' || *c == '-').collect();
        if groups.len() != seps.len() + 1 || groups.iter().any(|g| g.len() != 4) {
            return None;
        }
        for k in (3..=groups.len()).rev() {
            if code_groups_valid(&groups[..k], &seps[..k - 1]) {
                let end = m.start() + k * 5 - 1;
                if k == groups.len() && dash_continues_after(text, end) {
                    return None;
                }
                let digits = groups[..k].iter().map(|g| digit_count(g)).sum::<usize>();
                let all_digit = digits == k * 4;
                if all_digit && (13..=19).contains(&digits) {
                    c.cards += 1;
                    return Some((m.start(), end, "[card]".to_string()));
                }
                c.codes += 1;
                return Some((m.start(), end, "[code]".to_string()));
            }
        }
        None
    });
    // a partial code "8UPZ-XVD5": two upper-case groups mixing letters and digits
    let t = scan_replace(&t, &TWO_GROUP_CODE_RE, |text, caps| {
        let m = caps.get(0)?;
        let s = m.as_str();
        let ok = digit_count(s) >= 1
            && s.chars().any(|c| c.is_ascii_uppercase())
            && !dash_continues_after(text, m.end())
            && !dash_continues_before(text, m.start());
        ok.then(|| {
            c.codes += 1;
            (m.start(), m.end(), "[code]".to_string())
        })
    });
    scan_replace(&t, &PLAIN_CODE_RE, |_, caps| {
        let m = caps.get(0)?;
        let s = m.as_str();
        let digits = digit_count(s);
        let letters = s.chars().filter(char::is_ascii_alphabetic).count();
        let ok = if s.len() == 16 && s.chars().all(|c| !c.is_ascii_uppercase()) {
            digits >= 4 && letters >= 4
        } else {
            digits >= 3 && letters >= 2
        };
        ok.then(|| {
            c.codes += 1;
            (m.start(), m.end(), "[code]".to_string())
        })
    })
}

/// A certificate code: at least one digit, one letter case throughout; groups split by spaces need a
/// group mixing letters and digits (upper case: any digit), all-digit codes split by spaces need 4+
/// groups, so "from 2024 with love" or "2023 2024 2025" stay.
fn code_groups_valid(groups: &[&str], seps: &[char]) -> bool {
    let joined: String = groups.concat();
    let digits = digit_count(&joined);
    let any_space = seps.contains(&' ');
    if digits == 0 {
        return false;
    }
    if digits == joined.len() {
        return !any_space || groups.len() >= 4;
    }
    let upper = joined.chars().all(|c| !c.is_ascii_lowercase());
    let lower = joined.chars().all(|c| !c.is_ascii_uppercase());
    if !upper && !lower {
        return false;
    }
    if any_space && lower {
        return groups.iter().any(|g| {
            g.chars().any(|c| c.is_ascii_digit()) && g.chars().any(|c| c.is_ascii_alphabetic())
        });
    }
    true
}

fn redact_phones(text: &str, c: &mut RedactionCounts) -> String {
    let t = scan_replace(text, &RU_PHONE_RE, |text, caps| {
        let m = caps.get(0)?;
        let ok = digit_count(m.as_str()) == 11 && !before_blocks_phone(text, m.start());
        ok.then(|| {
            c.phones += 1;
            (m.start(), m.end(), "[phone]".to_string())
        })
    });
    let t = scan_replace(&t, &INTL_PHONE_RE, |text, caps| {
        let m = caps.get(0)?;
        let s = m.as_str().trim_end_matches([' ', '-', '(']);
        let digits = digit_count(s);
        let ok = (8..=15).contains(&digits)
            && !char_after(text, m.start() + s.len()).is_some_and(|c| c.is_alphanumeric())
            && !char_before(text, m.start()).is_some_and(|c| c.is_alphanumeric());
        ok.then(|| {
            c.phones += 1;
            (m.start(), m.start() + s.len(), "[phone]".to_string())
        })
    });
    scan_replace(&t, &RU_LOCAL_PHONE_RE, |text, caps| {
        let m = caps.get(0)?;
        let ok = digit_count(m.as_str()) == 10
            && !before_blocks_phone(text, m.start())
            && !ID_KEYWORD_BEFORE_RE.is_match(&text[..m.start()]);
        ok.then(|| {
            c.phones += 1;
            (m.start(), m.end(), "[phone]".to_string())
        })
    })
}

/// A phone does not start right after a letter, a digit, `+` or `_`, nor after `.`, `-`, `/`, `:`
/// that follow a digit (that would make it part of a longer number, a date or a time).
fn before_blocks_phone(text: &str, start: usize) -> bool {
    let mut it = text[..start].chars().rev();
    match it.next() {
        Some(c) if c.is_alphanumeric() || matches!(c, '+' | '_') => true,
        Some('.' | '-' | '/' | ':') => it.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// The Luhn check of a string of ASCII digits.
fn luhn_ok(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.bytes().rev().enumerate() {
        if !d.is_ascii_digit() {
            return false;
        }
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> String {
        redact(s).text
    }

    #[test]
    fn luhn() {
        assert!(luhn_ok("4111111111111111"));
        assert!(luhn_ok("5500000000000004"));
        assert!(luhn_ok("79927398713"));
        assert!(!luhn_ok("4111111111111112"));
        assert!(!luhn_ok(""));
    }

    #[test]
    fn emails_table() {
        let cases: &[(&str, &str)] = &[
            ("пишите на ivan.petrov@mail.ru", "пишите на [email]"),
            ("<help@x.ru>", "<[email]>"),
            ("a_b+tag@sub.example.co.uk, ok", "[email], ok"),
            ("почта: иван@почта.рф.", "почта: [email]."),
            ("MAIL: IVAN@YANDEX.RU", "MAIL: [email]"),
        ];
        for (input, want) in cases {
            assert_eq!(r(input), *want, "{input:?}");
        }
        assert_eq!(redact("a@b.ru и c@d.com").redactions.emails, 2);
    }

    #[test]
    fn phones_table() {
        let cases: &[(&str, &str)] = &[
            ("+7 (912) 345-67-89", "[phone]"),
            ("8 912 345 67 89", "[phone]"),
            ("89123456789", "[phone]"),
            ("+79123456789", "[phone]"),
            ("8-800-555-35-35", "[phone]"),
            ("+7 912 3456789", "[phone]"),
            ("+7(912)345-67-89", "[phone]"),
            ("+7-912-345-67-89", "[phone]"),
            ("7 912 345 67 89", "[phone]"),
            ("8 (3452) 12-34-56", "[phone]"),
            ("8 (912) 345-67-89.", "[phone]."),
            ("(912) 345-67-89", "[phone]"),
            ("912 345-67-89", "[phone]"),
            ("9123456789", "[phone]"),
            ("+44 20 7946 0958", "[phone]"),
            ("+1 (555) 123-4567", "[phone]"),
            ("+380 50 123 4567", "[phone]"),
            ("+375291234567", "[phone]"),
            (
                "мой номер: 8 912 345 67 89, звоните",
                "мой номер: [phone], звоните",
            ),
            ("тел.89123456789", "тел.[phone]"),
        ];
        for (input, want) in cases {
            assert_eq!(r(input), *want, "{input:?}");
            assert_eq!(redact(input).redactions.phones, 1, "{input:?}");
        }
    }

    #[test]
    fn cards_table() {
        let cases: &[(&str, &str)] = &[
            ("4111 1111 1111 1111", "[card]"),
            ("4111-1111-1111-1111", "[card]"),
            ("4111111111111111", "[card]"),
            ("5500 0000 0000 0004", "[card]"),
            (
                "карта 4276 3800 1234 5678 не проходит",
                "карта [card] не проходит",
            ),
            ("4111 1111 1111 1111 111", "[card]"),
            ("3782 822463 10005", "[card]"),
            ("4222222222222", "[card]"),
        ];
        for (input, want) in cases {
            assert_eq!(r(input), *want, "{input:?}");
            assert_eq!(redact(input).redactions.cards, 1, "{input:?}");
        }
        // ungrouped, Luhn fails: not a card but an identifier (order, tracking number)
        let c = redact("номер 4111111111111112 в системе");
        assert_eq!(c.text, "номер [order] в системе");
        assert_eq!((c.redactions.cards, c.redactions.orders), (0, 1));
    }

    #[test]
    fn codes_table() {
        let cases: &[(&str, &str)] = &[
            ("ABCD-1234-EFGH-5678", "[code]"),
            (
                "код ABCD-1234-EFGH-5678, не работает",
                "код [code], не работает",
            ),
            ("abcd-1234-efgh-5678", "[code]"),
            ("AB12 CD34 EF56 GH78", "[code]"),
            ("ab12 cd34 ef56 gh78", "[code]"),
            ("A1B2-C3D4-E5F6", "[code]"),
            ("A1B2-C3D4-E5F6-G7H8-J9K0", "[code]"),
            ("WXYZ-ABCD-QWER-1234", "[code]"),
            ("1234-5678-9012", "[code]"),
            ("1234-5678-9012-3456-7890", "[code]"),
            ("ABCD1234EFGH5678", "[code]"),
            ("abcd1234efgh5678", "[code]"),
            ("сертификат (A1B2-C3D4-E5F6-G7H8)", "сертификат ([code])"),
            ("with code ABCD-1234-EFGH-5678", "with code [code]"),
            ("ABCD-1234-EFGH-5678 with love", "[code] with love"),
            (
                "видно только начало: 8UPZ-XVD5.",
                "видно только начало: [code].",
            ),
            ("LN3T-MYCC", "[code]"),
        ];
        for (input, want) in cases {
            assert_eq!(r(input), *want, "{input:?}");
            assert_eq!(redact(input).redactions.codes, 1, "{input:?}");
        }
    }

    #[test]
    fn keyword_values_table() {
        let cases: &[(&str, &str)] = &[
            ("PIN 4821", "PIN [pin]"),
            ("PIN: 4821", "PIN: [pin]"),
            ("пин-код 4821", "пин-код [pin]"),
            ("пин 4821", "пин [pin]"),
            ("ПИН-код: 4821.", "ПИН-код: [pin]."),
            ("пинкод 123456", "пинкод [pin]"),
            ("pin code is 4821", "pin code is [pin]"),
            ("заказ № 4587123", "заказ № [order]"),
            ("заказ 4587123", "заказ [order]"),
            ("номер заказа 4587123", "номер заказа [order]"),
            ("order #4587123", "order #[order]"),
            ("Order no. 4587123", "Order no. [order]"),
            (
                "по заказу №4587123 не пришло",
                "по заказу №[order] не пришло",
            ),
            ("Заказ: ORD-4587123", "Заказ: [order]"),
            ("сертификат № 12345678", "сертификат № [code]"),
            ("номер сертификата: 123456789", "номер сертификата: [code]"),
            ("код: 4821", "код: [code]"),
            ("код активации 48213", "код активации [code]"),
            ("смс-код 123456", "смс-код [code]"),
            ("activation code X7K9P2", "activation code [code]"),
        ];
        for (input, want) in cases {
            let c = redact(input);
            assert_eq!(c.text, *want, "{input:?}");
            assert_eq!(c.redactions.total(), 1, "{input:?}");
        }
    }

    #[test]
    fn bare_long_numbers_table() {
        let cases: &[(&str, &str)] = &[
            ("Заказы [order] и 4702886", "Заказы [order] и [order]"),
            ("получателю? 4592730", "получателю? [order]"),
            (
                "Номер операции в банке 558552009421",
                "Номер операции в банке [order]",
            ),
            ("ИНН 9715451399", "ИНН [order]"),
            ("ИНН: 7765451399", "ИНН: [order]"),
            ("платёж RRN 763520607859", "платёж RRN [order]"),
            ("4978116 / 1972", "[order] / 1972"),
        ];
        for (input, want) in cases {
            assert_eq!(r(input), *want, "{input:?}");
        }
        for keep in [
            "1000000 рублей",
            "карта *5172",
            "последние цифры карты 2040",
            "УПД № 3671",
            "счёт № ПП-2025-1425",
        ] {
            assert_eq!(r(keep), keep);
        }
    }

    #[test]
    fn urls_table() {
        let cases: &[(&str, &str)] = &[
            (
                "ссылка https://shop.ru/activate?token=abc123def456",
                "ссылка [url]",
            ),
            ("https://x.ru/c/A1b2C3d4E5f6G7h8.", "[url]."),
            ("https://x.ru/cert?code=1234", "[url]"),
            ("http://x.ru/u?email=ivan%40mail.ru", "[url]"),
            ("www.x.ru/order/45871234567", "[url]"),
            (
                "https://admin.shop.local/orders/4882847: оплачен",
                "[url]: оплачен",
            ),
        ];
        for (input, want) in cases {
            let c = redact(input);
            assert_eq!(c.text, *want, "{input:?}");
            assert_eq!(c.redactions.urls_with_tokens, 1, "{input:?}");
        }
        for keep in [
            "https://shop.ru/balance",
            "https://shop.ru/help/faq?lang=ru",
            "см. www.podarok.ru/rules.",
        ] {
            assert_eq!(r(keep), keep);
        }
    }

    #[test]
    fn must_not_redact_table() {
        let texts: &[&str] = &[
            "Сертификат на 5000 рублей",
            "стоимость 3 000 ₽",
            "стоимость 3000 руб.",
            "оплатил 15 000 р.",
            "перевёл 1 000 000 рублей",
            "купил 05.05.2025 в 10:00",
            "с 01.01.2024 по 31.12.2025",
            "2025-05-05 10:00:00",
            "скидка 15%",
            "в 2024 году",
            "в 2023 2024 2025 годах",
            "осталось 3 дня, 12 часов",
            "номер 123",
            "заказ 2025 года",
            "заказ 5000 рублей",
            "сертификат 100000 рублей",
            "карты 150000 руб",
            "код ошибки 500",
            "промокод SALE",
            "Приходите 8 марта",
            "from 2024 with love",
            "This code does work",
            "iPhone 15 Pro Max 256GB",
            "ИНН нет",
            "+5 000 руб",
            "+ 10%",
            "версия 1.2.3.4",
            "время 10:00-12:00",
            "8 800 рублей",
            "В 2025 г. заказ 12 шт",
            "[email] [phone] [card] [code] [pin] [order] [url]",
        ];
        for t in texts {
            let c = redact(t);
            assert_eq!(c.text, *t, "{t:?}");
            assert_eq!(c.redactions.total(), 0, "{t:?}");
        }
    }

    #[test]
    fn mixed_message() {
        let c = redact(
            "Мой e-mail ivan@mail.ru, телефон +7 912 345-67-89, заказ № 4587123, код ABCD-1234-EFGH-5678, PIN 4821, карта 4111 1111 1111 1111. Сумма 5000 руб.",
        );
        assert_eq!(
            c.text,
            "Мой e-mail [email], телефон [phone], заказ № [order], код [code], PIN [pin], карта [card]. Сумма 5000 руб."
        );
        assert_eq!(
            c.redactions,
            RedactionCounts {
                emails: 1,
                phones: 1,
                cards: 1,
                codes: 1,
                pins: 1,
                orders: 1,
                urls_with_tokens: 0
            }
        );
    }
}
