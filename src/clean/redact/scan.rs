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

/// A cheap test that rules a regex out before the exact search, in two steps:
/// 1. A pattern that cannot match without an ASCII digit (most of the values redacted here: phones,
///    codes, documents, addresses; [`needs_digit`]) is ruled out while the text being redacted has
///    none, which half the messages of a desk are ([`DigitlessText`]): no walk of the pattern's
///    automaton over the text, pass after pass.
/// 2. The same pattern without its word boundaries (`\b`, `\B`) matches a superset, and without
///    them the fast lazy DFA can run. A Unicode `\b` forces the slow engines on non-ASCII text,
///    and nearly every message is Russian, while most passes find nothing in most messages.
///
/// Both are worked out once per pattern and thread, and found by the address of the pattern's text
/// (checked against the text itself): a copy and a hash of every pattern at every pass were 5% of
/// the redaction's time.
pub(super) fn might_match(re: &Regex, text: &str) -> bool {
    struct Gate {
        pattern: String,
        without_boundaries: Option<Regex>,
        needs_digit: bool,
    }
    thread_local! {
        static GATES: std::cell::RefCell<rustc_hash::FxHashMap<(usize, usize), Gate>> =
            std::cell::RefCell::new(rustc_hash::FxHashMap::default());
    }
    let pattern = re.as_str();
    let key = (pattern.as_ptr() as usize, pattern.len());
    GATES.with(|gates| {
        let mut gates = gates.borrow_mut();
        if gates.get(&key).is_none_or(|g| g.pattern != pattern) {
            let plain = without_word_boundaries(pattern);
            let without_boundaries = (plain != pattern).then(|| crate::clean::compile(&plain).ok()).flatten();
            let needs_digit = regex_syntax::parse(pattern).is_ok_and(|hir| needs_digit(&hir));
            gates.insert(key, Gate { pattern: pattern.to_string(), without_boundaries, needs_digit });
        }
        let gate = &gates[&key];
        if gate.needs_digit && DIGITLESS.get() {
            return false;
        }
        match &gate.without_boundaries {
            Some(g) => g.is_match(text),
            None => re.is_match(text),
        }
    })
}

thread_local! {
    static DIGITLESS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// While alive, tells [`might_match`] whether the text being redacted has no ASCII digit. Every
/// text a pass sees is the input with some values replaced by placeholders, which hold no digits,
/// so the input decides for all of them, and a round's text for the rounds after it. Dropping it
/// (or a panic) forgets it.
pub(super) struct DigitlessText;

impl DigitlessText {
    pub(super) fn new(input: &str) -> DigitlessText {
        let gate = DigitlessText;
        gate.update(input);
        gate
    }

    /// Tells it again from the text as it now stands (the placeholders may have taken every digit).
    pub(super) fn update(&self, text: &str) {
        DIGITLESS.set(!text.bytes().any(|b| b.is_ascii_digit()));
    }
}

impl Drop for DigitlessText {
    fn drop(&mut self) {
        DIGITLESS.set(false);
    }
}

/// Whether every match of a pattern holds an ASCII digit: a literal with one, a class of digits
/// only, a repetition of such at least once, a sequence with one such part, alternatives that all
/// are. Anything else (a look-around, `\d`, which takes other scripts' digits too) says no, so
/// the answer errs only towards searching.
pub(super) fn needs_digit(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => false,
        HirKind::Literal(lit) => lit.0.iter().any(u8::is_ascii_digit),
        HirKind::Class(Class::Unicode(c)) => c.ranges().iter().all(|r| ('0'..='9').contains(&r.start()) && ('0'..='9').contains(&r.end())),
        HirKind::Class(Class::Bytes(c)) => c.ranges().iter().all(|r| r.start().is_ascii_digit() && r.end().is_ascii_digit()),
        HirKind::Repetition(r) => r.min >= 1 && needs_digit(&r.sub),
        HirKind::Capture(c) => needs_digit(&c.sub),
        HirKind::Concat(parts) => parts.iter().any(needs_digit),
        HirKind::Alternation(parts) => parts.iter().all(needs_digit),
    }
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
