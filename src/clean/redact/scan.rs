//! The scanning every pass shares: the gate that rules a pattern out cheaply, the match loop with
//! its decision, whole and keyword-led values, and the look-arounds (units, other keywords, dashes).

use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::{Kind, Rep};

/// Units, currencies and years after a number: the number is then a price, a quantity or a date.
pub(super) static UNIT_AFTER_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?i)^[ \t]*(?:руб|р\.|р\b|₽|rub|\$|usd|eur|€|%|тыс|млн|шт|г\.|г\b|год|лет|мин|час|сек|дн|day|year|pcs)",
    )
    .expect("valid unit regex")
});

/// Up to four words between a document's keyword and its value ("дата рождения, правильно
/// 20.09.1970", "права, номер AB 068249", "паспорт гражданина РБ номер MP1234567"); named `gap`,
/// so that a gap holding another value's keyword ("паспорт пришлю позже, телефон ...") is refused.
pub(super) const GAP: &str = r"(?P<gap>(?:[ \t]*[,:;?!]?[ \t]+\p{L}[\p{L}.\-/]*){0,4}?)";

/// Keywords of other values: a document's keyword with one of these between it and a number is not
/// that number's keyword.
pub(super) static OTHER_KEYWORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i)\b(?:тел\.?|телефон\p{L}*|phone|mobile|моб\p{L}*|заказ\p{L}*|order|карт\p{L}*|card|инн|снилс|почт\p{L}*|e-?mail|код\p{L}*|code|сч[её]т\p{L}*|invoice|иин|бин|индекс\p{L}*)\b")
        .expect("valid other keyword regex")
});

/// Finds candidates of `re` from left to right; `decide` returns the byte range to replace (inside the
/// match) and its kind, or `None` to reject. A rejected candidate is retried one character later, so a
/// valid value inside or after an invalid candidate is still found.
pub(super) fn scan<F>(text: &str, re: &Regex, mut decide: F) -> Vec<Rep>
where
    F: FnMut(&str, &Captures<'_>) -> Option<Rep>,
{
    let mut out = Vec::new();
    if !might_match(re, text) {
        return out;
    }
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
            Some((s, e, kind)) => {
                out.push((s, e, kind));
                last = e;
                pos = if e > m.start() { e } else { next_boundary(text, m.start()) };
            }
            None => pos = next_boundary(text, m.start()),
        }
    }
    out
}

/// A cheap test that rules a regex out before the exact search: the same pattern without its word
/// boundaries (`\b`, `\B`) matches a superset, and without them the fast lazy DFA can run. A Unicode
/// `\b` forces the slow engines on non-ASCII text, and nearly every message is Russian, while most
/// passes find nothing in most messages. The gates are compiled once per thread and found by
/// their pattern without copying it (a copy and a SipHash of every pattern at every pass were 5% of
/// the redaction's time).
pub(super) fn might_match(re: &Regex, text: &str) -> bool {
    thread_local! {
        static GATES: std::cell::RefCell<rustc_hash::FxHashMap<String, Option<Regex>>> =
            std::cell::RefCell::new(rustc_hash::FxHashMap::default());
    }
    GATES.with(|gates| {
        let mut gates = gates.borrow_mut();
        if !gates.contains_key(re.as_str()) {
            let pattern = without_word_boundaries(re.as_str());
            let gate = (pattern != re.as_str()).then(|| crate::clean::compile(&pattern).ok()).flatten();
            gates.insert(re.as_str().to_string(), gate);
        }
        match &gates[re.as_str()] {
            Some(g) => g.is_match(text),
            None => re.is_match(text),
        }
    })
}

/// `pattern` with every `\b` and `\B` left out (an escaped backslash stays as it is).
pub(super) fn without_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b' | 'B') => {}
            Some(n) => {
                out.push(c);
                out.push(n);
            }
            None => out.push(c),
        }
    }
    out
}

/// The byte index of the character after the one at `i` (or `len + 1` at the end).
pub(super) fn next_boundary(text: &str, i: usize) -> usize {
    match text[i..].chars().next() {
        Some(c) => i + c.len_utf8(),
        None => text.len() + 1,
    }
}

/// At most the last `max` bytes of `text[..end]`, so a look-behind check stays linear.
pub(super) fn tail(text: &str, end: usize, max: usize) -> &str {
    let mut start = end.saturating_sub(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..end]
}

pub(super) fn char_before(text: &str, i: usize) -> Option<char> {
    text[..i].chars().next_back()
}

pub(super) fn char_after(text: &str, i: usize) -> Option<char> {
    text[i..].chars().next()
}

pub(super) fn digit_count(s: &str) -> usize {
    s.chars().filter(char::is_ascii_digit).count()
}

/// Every match of `re` is a value of `kind`, whole.
pub(super) fn redact_whole(text: &str, re: &Regex, kind: Kind) -> Vec<Rep> {
    scan(text, re, |_, caps| {
        let m = caps.get(0)?;
        Some((m.start(), m.end(), kind))
    })
}

/// Keyword-led value: keep group 1 (the keyword and separator), replace group 2 unless a unit follows.
pub(super) fn redact_keyword(text: &str, re: &Regex, kind: Kind) -> Vec<Rep> {
    scan(text, re, |text, caps| {
        let (kw, val) = (caps.get(1)?, caps.name("value").or_else(|| caps.get(2))?);
        if UNIT_AFTER_RE.is_match(&text[val.end()..]) || caps.name("gap").is_some_and(|g| OTHER_KEYWORD_RE.is_match(g.as_str())) {
            return None;
        }
        Some((kw.end(), val.end(), kind))
    })
}

/// True when the text at `i` continues a dash-joined code: `-` followed by a letter or digit.
pub(super) fn dash_continues_after(text: &str, i: usize) -> bool {
    let mut it = text[i..].chars();
    it.next() == Some('-') && it.next().is_some_and(|c| c.is_ascii_alphanumeric())
}

pub(super) fn dash_continues_before(text: &str, i: usize) -> bool {
    let mut it = text[..i].chars().rev();
    it.next() == Some('-') && it.next().is_some_and(|c| c.is_ascii_alphanumeric())
}
