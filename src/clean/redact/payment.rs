//! Payment and order identifiers: card numbers (grouped, or ungrouped with a valid Luhn digit),
//! certificate codes, PINs, invoices, orders and any other long number.

use std::sync::LazyLock;

use regex::Regex;

use super::scan::*;
use super::{Kind, Rep};

pub(super) static GROUPED_CARD_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"\b[0-9]{4}(?:[ \-][0-9]{4}){2}[ \-][0-9]{1,4}(?:[ \-][0-9]{1,3})?\b|\b[0-9]{4}[ \-][0-9]{6}[ \-][0-9]{5}\b",
    )
    .expect("valid grouped card regex")
});

pub(super) static GROUPED_CODE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"\b[A-Za-z0-9]{4}(?:[ \-][A-Za-z0-9]{4}){2,4}\b").expect("valid code regex")
});

pub(super) static PLAIN_CODE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"\b(?:[A-Z0-9]{12,24}|[a-z0-9]{16})\b").expect("valid plain code regex")
});

pub(super) static TWO_GROUP_CODE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b").expect("valid two-group code regex")
});

pub(super) static BARE_NUMBER_RE: LazyLock<Regex> =
    LazyLock::new(|| crate::clean::compile(r"\b[0-9]{7,24}\b").expect("valid bare number regex"));

/// Codes of a company or a bank, public by design, not of a person: `КПП 770701001`, `БИК 044525225`.
pub(super) static PUBLIC_CODE_BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i)(?:кпп|бик|bic|swift|окпо|октмо|оквэд)[ \t:№#]*$").expect("valid public code regex")
});

pub(super) static LONG_DIGITS_RE: LazyLock<Regex> =
    LazyLock::new(|| crate::clean::compile(r"\b[0-9]{13,19}\b").expect("valid long digits regex"));

pub(super) static PIN_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?i)(\b(?:пин[ \t\-]?код[а-я]*|пин|pin[ \t\-]?code|pincode|pin)(?:[ \t:=#№\-–—]{1,6})(?:(?:is|это)[ \t:\-]{1,3})?)([0-9]{3,8})\b",
    )
    .expect("valid pin regex")
});

pub(super) static ORDER_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?i)((?:\bномер[ \t]+заказа|№[ \t]*заказа|\bзаказ(?:а|у|ом|е|ы|ов)?|\bзаявк(?:а|и|у|е|ой)|\bквитанци(?:я|и|ю|ей)|\bброн(?:ь|и|ю)|\border(?:[ \t]+(?:number|no\.?|num|id))?)(?:[ \t:=#№\-–—]{1,6})(?:(?:номер|number|no\.?|n)[ \t:#№.]{1,4})?)((?:[A-Za-z]{0,4}-?[0-9]{4,14}|[0-9]{2,4}-[0-9]{3,10})(?:-[0-9]{2,10}){0,2})\b",
    )
    .expect("valid order regex")
});

pub(super) static CERT_NUMBER_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?i)((?:\bсертификат(?:а|у|ом|е|ы|ов)?|\bcertificate|\bcert|\bкарт(?:а|ы|у|е|ой|очк[аиу])|\bcard)(?:[ \t]+(?:номер|number|no\.?))?(?:[ \t:=#№\-–—]{1,6}))([0-9]{6,19})\b",
    )
    .expect("valid certificate number regex")
});

/// An error's code ("error code #1006", "Error code: 0x80070005"): a message of the product, which
/// customers search for, not a code of theirs.
pub(super) static ERROR_BEFORE_RE: LazyLock<Regex> =
    LazyLock::new(|| crate::clean::compile(r"(?i)\b(?:error|err\.?)[ \t]*$").expect("valid error regex"));

pub(super) static CODE_KEYWORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?i)(\b(?:код(?:а|ом|у)?(?:[ \t]+(?:активации|подтверждения|сертификата|карты|доступа|из[ \t]+(?:смс|sms)|смс|sms))?|(?:смс|sms)-?код|activation[ \t]+code|code)(?:[ \t:=#№\-–—]{1,6}))([A-Za-z0-9]{4,20})\b",
    )
    .expect("valid code keyword regex")
});

pub(super) static INVOICE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?i)((?:\bсч[её]т(?:а|у|ом|е)?(?:[ \t\-]+(?:фактур[аеуыой]*|оферт[аеуыой]*|на[ \t]+оплату))?|\binvoice(?:[ \t]+(?:number|no\.?|num))?|\bинвойс[а-я]*)(?:[ \t:=#№\-–—]{1,6})(?:(?:номер|number|no\.?|n)[ \t:#№.]{1,4})?)((?:[A-Za-zА-ЯЁа-яё]{1,4}-?)?[0-9]{2,}(?:[\-/][0-9]{1,10}){0,3})\b",
    )
    .expect("valid invoice regex")
});

pub(super) fn redact_grouped_cards(text: &str) -> Vec<Rep> {
    scan(text, &GROUPED_CARD_RE, |text, caps| {
        let m = caps.get(0)?;
        let digits = digit_count(m.as_str());
        let ok = (13..=19).contains(&digits)
            && !dash_continues_after(text, m.end())
            && !dash_continues_before(text, m.start())
            && char_before(text, m.start()) != Some('+');
        ok.then(|| (m.start(), m.end(), Kind::Card))
    })
}

pub(super) fn redact_grouped_codes(text: &str) -> Vec<Rep> {
    scan(text, &GROUPED_CODE_RE, |text, caps| {
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
                    return Some((m.start(), end, Kind::Card));
                }
                return Some((m.start(), end, Kind::Code));
            }
        }
        None
    })
}

/// A partial code "8UPZ-XVD5": two upper-case groups mixing letters and digits.
pub(super) fn redact_two_group_codes(text: &str) -> Vec<Rep> {
    scan(text, &TWO_GROUP_CODE_RE, |text, caps| {
        let m = caps.get(0)?;
        let s = m.as_str();
        let ok = digit_count(s) >= 1
            && s.chars().any(|c| c.is_ascii_uppercase())
            && !dash_continues_after(text, m.end())
            && !dash_continues_before(text, m.start());
        ok.then(|| (m.start(), m.end(), Kind::Code))
    })
}

pub(super) fn redact_plain_codes(text: &str) -> Vec<Rep> {
    scan(text, &PLAIN_CODE_RE, |_, caps| {
        let m = caps.get(0)?;
        let s = m.as_str();
        let digits = digit_count(s);
        let letters = s.chars().filter(char::is_ascii_alphabetic).count();
        let ok = if s.len() == 16 && s.chars().all(|c| !c.is_ascii_uppercase()) {
            digits >= 4 && letters >= 4
        } else {
            digits >= 3 && letters >= 2
        };
        ok.then(|| (m.start(), m.end(), Kind::Code))
    })
}

/// A certificate code: at least one digit, one letter case throughout; groups split by spaces need a
/// group mixing letters and digits (upper case: any digit), all-digit codes split by spaces need 4+
/// groups, so "from 2024 with love" or "2023 2024 2025" stay.
pub(super) fn code_groups_valid(groups: &[&str], seps: &[char]) -> bool {
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

/// The Luhn check of a string of ASCII digits.
pub(super) fn luhn_ok(digits: &str) -> bool {
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
