//! Redaction of personal data. Placeholders: `[EMAIL]`, `[PHONE]`, `[CARD]`, `[CODE]`, `[PIN]`,
//! `[ORDER]`, `[INVOICE]`, `[PASSPORT]`, `[INN]`, `[SNILS]`, `[IP]`, `[URL]`, `[NAME]` (see [`Kind`]).
//!
//! Entry points: [`Redactor::redact_spans`] returns the byte ranges of the input it replaces, with their
//! kinds; [`Redactor::redact`] builds the redacted text on it. [`redact`] and [`redact_spans`] use the
//! built-in patterns only.
//!
//! Order of the passes (each later pass sees the placeholders of the earlier ones, never their digits;
//! a later pass whose match swallows a placeholder absorbs that earlier span):
//! 1. URLs carrying a token, code or personal data in their query or path -> `[URL]`;
//! 2. e-mails;
//! 3. IP addresses (IPv4 with octets up to 255, not after "версия"/"version"; full or `::` IPv6);
//! 4. passports (after `паспорт`/`passport`, or `серия .. номер ..`), SNILS (`123-456-789 01`, or 11
//!    digits after `СНИЛС`), INN (10 or 12 digits after `ИНН`/`INN`);
//! 5. card numbers written in groups (13–19 digits: 4-4-4-1..4(-1..3), 4-6-5);
//! 6. certificate codes: 3–5 groups of 4 Latin letters/digits split by `-` or spaces (upper or lower
//!    case, at least one digit), partial codes of two upper-case groups (`8UPZ-XVD5`), ungrouped
//!    12–24-character upper-case codes mixing letters and digits, and the `[clean] code-patterns`;
//! 7. phones: Russian with `+7`/`8`/`7` in every common layout, Russian mobiles without a prefix,
//!    international `+CC ...` (8–15 digits);
//! 8. ungrouped card numbers (13–19 digits) that pass the Luhn check;
//! 9. keyword-led values, the keyword kept: PIN (`PIN 4821` -> `PIN [PIN]`), invoices
//!    (`счёт № 1425` -> `счёт № [INVOICE]`), order numbers (`заказ № 4587123` -> `заказ № [ORDER]`),
//!    certificate/card numbers and codes (`сертификат № 12345678`, `код: 4821` -> `[CODE]`);
//! 10. any other standalone number of 7+ digits (order, transaction, account) -> `[ORDER]`;
//!     a number followed by a currency or unit stays;
//! 11. personal names by context only (`names`): after `Меня зовут`/`My name is`, in a greeting
//!     addressed to a person, in a sign-off line and the line after it.
//!
//! The patterns live by family, each file a few passes: `urls.rs` (1, 3), `contacts.rs` (2, 7,
//! profiles), `documents.rs` (4, dates of birth), `payment.rs` (5, 6, 8–10), `addresses.rs`; names
//! in `clean/names/`; `scan.rs` is the matching they share. The order above is [`Redactor`]'s.
//!
//! Not redacted: prices ("5000 рублей", "3 000 ₽"), dates, times, percents, years, short numbers,
//! versions ("версия 1.2.3.4"), ordinary capitalised words.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::{names, CleanConfig, Cleaned, RedactionCounts};

mod addresses;
mod contacts;
mod documents;
mod payment;
mod scan;
mod urls;

use addresses::*;
use contacts::*;
use documents::*;
use payment::*;
use scan::*;
use urls::*;

/// A kind of personal data; its placeholder is `[` + [`Kind::as_str`] + `]`. Everything about a
/// kind (its name, its placeholder, how the clean stage's summary calls it) is in [`Kind::TABLE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Kind {
    Email,
    Phone,
    Card,
    Code,
    Pin,
    Order,
    Invoice,
    Passport,
    Inn,
    Snils,
    Ip,
    Url,
    Name,
    /// A messenger or social-network profile: `@handle`, `t.me/…`, `vk.com/…`, WhatsApp links.
    Profile,
    /// A postal address: street, house, flat, postcode.
    Address,
    /// A birth date, next to "дата рождения" or "д.р.".
    Birthdate,
    /// A driver's licence number.
    Licence,
    /// The Kazakh IIN or BIN (12 digits with a check digit).
    Iin,
    /// The Belarusian personal (identification) number: 14 characters.
    PersonalNo,
}

/// One row of [`Kind::TABLE`].
pub struct KindInfo {
    pub kind: Kind,
    /// The upper-case name, inside the placeholder's brackets.
    pub name: &'static str,
    /// The placeholder, `[` + name + `]`.
    pub placeholder: &'static str,
    /// How the clean stage's summary counts it ("e-mails").
    pub plural: &'static str,
}

macro_rules! kinds {
    ($($kind:ident $name:literal $plural:literal,)*) => {
        impl Kind {
            /// Every kind, with its name, placeholder and summary word.
            pub const TABLE: &'static [KindInfo] = &[$(KindInfo { kind: Kind::$kind, name: $name, placeholder: concat!("[", $name, "]"), plural: $plural },)*];
        }
    };
}

kinds! {
    Email "EMAIL" "e-mails",
    Phone "PHONE" "phones",
    Card "CARD" "card numbers",
    Code "CODE" "certificate codes",
    Pin "PIN" "PINs",
    Order "ORDER" "order numbers",
    Invoice "INVOICE" "invoice numbers",
    Passport "PASSPORT" "passports",
    Inn "INN" "INNs",
    Snils "SNILS" "SNILS numbers",
    Ip "IP" "IP addresses",
    Url "URL" "links with tokens",
    Name "NAME" "names",
    Profile "PROFILE" "profiles",
    Address "ADDRESS" "addresses",
    Birthdate "BIRTHDATE" "birth dates",
    Licence "LICENCE" "driver's licences",
    Iin "IIN" "IINs",
    PersonalNo "PERSONAL_NO" "personal numbers",
}

impl Kind {
    /// Every kind, in the table's order.
    pub fn all() -> impl Iterator<Item = Kind> {
        Kind::TABLE.iter().map(|i| i.kind)
    }

    fn info(self) -> &'static KindInfo {
        Kind::TABLE.iter().find(|i| i.kind == self).expect("every kind has a row")
    }

    /// The upper-case name: `EMAIL`, `PHONE`, ...
    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    /// The placeholder written in place of a value: `[EMAIL]`, `[PHONE]`, ...
    pub fn placeholder(self) -> &'static str {
        self.info().placeholder
    }

    /// How the clean stage's summary counts this kind.
    pub fn plural(self) -> &'static str {
        self.info().plural
    }

    /// Parses `EMAIL`, `PHONE`, ... (case-insensitive).
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::all().find(|k| k.as_str().eq_ignore_ascii_case(s))
    }

    /// A regular expression alternation of every placeholder's name (`EMAIL|PHONE|…`), for
    /// patterns that find placeholders in text.
    pub fn names_alternation() -> String {
        Kind::TABLE.iter().map(|i| i.name).collect::<Vec<_>>().join("|")
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A `[clean] code-patterns` entry that does not compile.
#[derive(Debug, thiserror::Error)]
#[error("[clean] code-patterns: `{pattern}` is not a valid regular expression: {detail}")]
pub struct ConfigError {
    pub pattern: String,
    pub detail: String,
}

/// The redaction passes, built once from the `[clean]` config (extra certificate-code patterns).
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    extra_codes: Vec<Regex>,
    /// `[clean] public-profiles`, as [`profile_key`]s.
    public_profiles: Vec<String>,
    /// `[clean] not-names`, as one case-insensitive alternation of whole words.
    not_names: Option<Regex>,
}

static DEFAULT_REDACTOR: LazyLock<Redactor> = LazyLock::new(Redactor::default);

/// Redaction with the built-in patterns only.
pub fn redact(text: &str) -> Cleaned {
    DEFAULT_REDACTOR.redact(text)
}

/// The byte ranges of `text` that [`redact`] replaces, with their kinds (sorted, never overlapping).
pub fn redact_spans(text: &str) -> Vec<(Range<usize>, Kind)> {
    DEFAULT_REDACTOR.redact_spans(text)
}

/// One replacement found by a pass, in the coordinates of the text that pass saw.
type Rep = (usize, usize, Kind);

/// A piece of the current (partly redacted) text and the range of the input it stands for.
struct Seg {
    cur: Range<usize>,
    orig: Range<usize>,
    placeholder: bool,
}

/// The spans found so far over the input; the text each pass sees is rendered from them.
struct Spans<'a> {
    input: &'a str,
    spans: Vec<(Range<usize>, Kind)>,
}

impl<'a> Spans<'a> {
    fn render(&self) -> (String, Vec<Seg>) {
        let mut text = String::with_capacity(self.input.len());
        let mut segs = Vec::with_capacity(self.spans.len() * 2 + 1);
        let mut last = 0;
        for (r, kind) in &self.spans {
            if r.start > last {
                let cur = text.len();
                text.push_str(&self.input[last..r.start]);
                segs.push(Seg { cur: cur..text.len(), orig: last..r.start, placeholder: false });
            }
            let cur = text.len();
            text.push_str(kind.placeholder());
            segs.push(Seg { cur: cur..text.len(), orig: r.clone(), placeholder: true });
            last = r.end;
        }
        if last < self.input.len() {
            let cur = text.len();
            text.push_str(&self.input[last..]);
            segs.push(Seg { cur: cur..text.len(), orig: last..self.input.len(), placeholder: false });
        }
        (text, segs)
    }

    /// Runs one pass over the current text and records its replacements as input ranges. A start or
    /// end inside a placeholder snaps outward, so the earlier span is absorbed whole.
    fn pass(&mut self, find: impl FnOnce(&str) -> Vec<Rep>) {
        // Before the first replacement the text is the input itself: no need to render it.
        let (text, segs) = if self.spans.is_empty() {
            let all = 0..self.input.len();
            (std::borrow::Cow::Borrowed(self.input), vec![Seg { cur: all.clone(), orig: all, placeholder: false }])
        } else {
            let (text, segs) = self.render();
            (std::borrow::Cow::Owned(text), segs)
        };
        let reps = find(&text);
        if reps.is_empty() {
            return;
        }
        let map_start = |s: usize| -> usize {
            let i = segs.partition_point(|g| g.cur.end <= s);
            match segs.get(i) {
                Some(g) if g.placeholder => g.orig.start,
                Some(g) => g.orig.start + (s - g.cur.start),
                None => self.input.len(),
            }
        };
        let map_end = |e: usize| -> usize {
            let i = segs.partition_point(|g| g.cur.end < e);
            match segs.get(i) {
                Some(g) if g.placeholder => g.orig.end,
                Some(g) => g.orig.start + (e - g.cur.start).min(g.cur.len()),
                None => self.input.len(),
            }
        };
        let mut found: Vec<(Range<usize>, Kind)> = reps
            .into_iter()
            .filter(|&(s, e, _)| s < e && e <= text.len())
            .map(|(s, e, kind)| (map_start(s)..map_end(e), kind))
            .filter(|(r, _)| r.start < r.end && self.input.is_char_boundary(r.start) && self.input.is_char_boundary(r.end))
            .collect();
        // Outer spans first where two start together; then one merge with the spans so far (a pass
        // can find thousands: inserting each into the list was quadratic).
        found.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
        self.spans = merge_spans(std::mem::take(&mut self.spans), found);
    }
}

/// Merges the spans a pass found into the earlier ones, both sorted by start. A new span swallows the
/// earlier spans it covers whole; one that would cut an earlier span (or one found before it in the
/// same pass) is dropped: spans are never split.
fn merge_spans(old: Vec<(Range<usize>, Kind)>, found: Vec<(Range<usize>, Kind)>) -> Vec<(Range<usize>, Kind)> {
    let mut out: Vec<(Range<usize>, Kind)> = Vec::with_capacity(old.len() + found.len());
    let mut i = 0;
    for (r, kind) in found {
        while i < old.len() && old[i].0.end <= r.start {
            out.push(old[i].clone());
            i += 1;
        }
        if out.last().is_some_and(|(o, _)| o.end > r.start) {
            continue; // cuts a span kept already
        }
        // Earlier spans inside `r` go; one that starts before `r` or runs past its end keeps `r` out.
        let mut j = i;
        while j < old.len() && old[j].0.start < r.end && old[j].0.start >= r.start && old[j].0.end <= r.end {
            j += 1;
        }
        if j < old.len() && old[j].0.start < r.end {
            continue;
        }
        i = j;
        out.push((r, kind));
    }
    out.extend_from_slice(&old[i..]);
    out
}

impl Redactor {
    /// Compiles the extra certificate-code patterns of `[clean] code-patterns`.
    pub fn new(config: &CleanConfig) -> Result<Redactor, ConfigError> {
        let extra_codes = config
            .code_patterns
            .iter()
            .map(|p| crate::clean::compile(p).map_err(|e| ConfigError { pattern: p.clone(), detail: e.to_string() }))
            .collect::<Result<Vec<_>, _>>()?;
        let public_profiles = config.public_profiles.iter().map(|p| profile_key(p)).filter(|p| !p.is_empty()).collect();
        let words: Vec<String> = config.not_names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).map(regex::escape).collect();
        let not_names = (!words.is_empty())
            .then(|| crate::clean::compile(&format!(r"(?i)\b(?:{})\b", words.join("|"))))
            .transpose()
            .map_err(|e| ConfigError { pattern: config.not_names.join(", "), detail: e.to_string() })?;
        Ok(Redactor { extra_codes, public_profiles, not_names })
    }

    /// The redacted text and how many values of each kind were replaced.
    pub fn redact(&self, text: &str) -> Cleaned {
        let spans = self.redact_spans(text);
        let mut out = String::with_capacity(text.len());
        let mut redactions = RedactionCounts::default();
        let mut last = 0;
        for (r, kind) in &spans {
            out.push_str(&text[last..r.start]);
            out.push_str(kind.placeholder());
            last = r.end;
            redactions.count(*kind);
        }
        out.push_str(&text[last..]);
        Cleaned { text: out, redactions }
    }

    /// The byte ranges of `text` to replace, with their kinds: sorted, never overlapping, on character
    /// boundaries.
    pub fn redact_spans(&self, text: &str) -> Vec<(Range<usize>, Kind)> {
        let mut s = Spans { input: text, spans: Vec::new() };
        let digits = scan::DigitlessText::new(text);
        // Until nothing new is found (at most eight rounds, so a long chain of glued values stays
        // linear): a value next to a placeholder can match only once its neighbour is replaced
        // (`2200308-917-555-44-33` is an order number, then a phone), and what leaves this
        // function must have nothing left to redact.
        for round in 0..8 {
            if round > 0 {
                // The values replaced so far may have held the text's last digits.
                let mut last = 0;
                let mut left = String::new();
                for (r, _) in &s.spans {
                    left.push_str(&text[last..r.start]);
                    last = r.end;
                }
                left.push_str(&text[last..]);
                digits.update(&left);
            }
            let before = s.spans.clone();
            self.passes(&mut s);
            if s.spans == before {
                break;
            }
        }
        s.spans
    }

    /// Every pass once, in order; a later pass sees the placeholders of the earlier ones.
    fn passes(&self, s: &mut Spans<'_>) {
        let public = |v: &str| {
            let key = profile_key(v);
            self.public_profiles.iter().any(|p| *p == key || key.ends_with(&format!("/{p}")) || key.ends_with(&format!("@{p}")))
        };
        // Profile links first: a WhatsApp link carries a phone, a VK link an id, both are a person.
        s.pass(|t| {
            scan(t, &PROFILE_LINK_RE, |_, caps| {
                let m = caps.get(0)?;
                let v = m.as_str().trim_end_matches(['.', ',', ';', ':', '!', '?']);
                let ok = !GROUP_PATH_RE.is_match(v) && !public(v);
                ok.then(|| (m.start(), m.start() + v.len(), Kind::Profile))
            })
        });
        s.pass(redact_urls);
        // Whole addresses, never retried inside a kept one (`2b@…` of `b2b@…`).
        s.pass(|t| {
            EMAIL_RE
                .find_iter(t)
                .filter(|m| !crate::guard::role_mailbox(m.as_str()) && !public(m.as_str()))
                .map(|m| (m.start(), m.end(), Kind::Email))
                .collect()
        });
        s.pass(|t| {
            let mut out = scan(t, &HANDLE_RE, |_, caps| {
                let m = caps.get(1)?;
                let v = m.as_str().trim_end_matches(['.', '_']);
                (v.len() > 3 && !public(v)).then(|| (m.start(), m.start() + v.len(), Kind::Profile))
            });
            // Handles glued to the one before ("@anna@oleg"): the second '@' follows a word
            // character, which HANDLE_RE refuses (it would be an e-mail's), so they are chained here.
            let mut glued = Vec::new();
            for &(_, end, _) in &out {
                let mut at = end;
                while let Some(m) = GLUED_HANDLE_RE.find(&t[at..]) {
                    let v = m.as_str().trim_end_matches(['.', '_']);
                    if v.len() <= 3 || public(v) {
                        break;
                    }
                    glued.push((at, at + v.len(), Kind::Profile));
                    at += v.len();
                }
            }
            out.extend(glued);
            out.sort_by_key(|r| r.0);
            out
        });
        s.pass(|t| {
            scan(t, &NICK_RE, |_, caps| {
                let (kw, v) = (caps.get(1)?, caps.get(2)?);
                let value = v.as_str().trim_end_matches(['.', '_']);
                (!public(value)).then(|| (kw.end(), v.start() + value.len(), Kind::Profile))
            })
        });
        s.pass(|t| crate::guard::account_names(t).filter(|r| !public(&t[r.clone()])).map(|r| (r.start, r.end, Kind::Profile)).collect());
        s.pass(redact_ips);
        // Before the certificate codes: the personal number is 14 upper-case letters and digits.
        s.pass(|t| redact_whole(t, &PERSONAL_NO_RE, Kind::PersonalNo));
        s.pass(|t| redact_keyword(t, &LICENCE_RE, Kind::Licence));
        s.pass(|t| redact_keyword(t, &PASSPORT_RE, Kind::Passport));
        s.pass(|t| redact_keyword(t, &PASSPORT_SERIES_RE, Kind::Passport));
        s.pass(|t| redact_whole(t, &PASSPORT_BARE_RE, Kind::Passport));
        s.pass(|t| redact_keyword(t, &IIN_RE, Kind::Iin));
        s.pass(|t| {
            scan(t, &BIRTHDATE_RE, |_, caps| {
                let (kw, val) = (caps.get(1)?, caps.name("value")?);
                let gap = caps.name("gap").map_or("", |g| g.as_str());
                if OTHER_KEYWORD_RE.is_match(gap) {
                    return None;
                }
                // A day and month alone, or after the spoken «день рождения», only in the same
                // clause («на день рождения, 8 Марта, 23 Февраля» lists holidays); after the
                // spoken one, only with words that say whose it is between.
                let (short, spoken) = (caps.name("short").is_some(), caps.name("spoken").is_some());
                let close = || gap.split(|c: char| !c.is_alphabetic()).filter(|w| !w.is_empty()).all(|w| BIRTHDAY_GAP.contains(&w.to_lowercase().as_str()));
                if ((short || spoken) && kw.as_str().contains(',')) || (spoken && !close()) {
                    return None;
                }
                Some((kw.end(), val.end(), Kind::Birthdate))
            })
        });
        s.pass(redact_addresses);
        s.pass(|t| {
            scan(t, &SNILS_RE, |text, caps| {
                let m = caps.get(0)?;
                let free = !char_after(text, m.end()).is_some_and(|c| c == '-' || c.is_alphanumeric())
                    && !char_before(text, m.start()).is_some_and(|c| c == '-' || c == '+' || c.is_alphanumeric());
                free.then(|| (m.start(), m.end(), Kind::Snils))
            })
        });
        s.pass(|t| redact_keyword(t, &SNILS_KEYWORD_RE, Kind::Snils));
        s.pass(|t| redact_keyword(t, &INN_RE, Kind::Inn));
        // A bare 12-digit number with an IIN's month and check digit is one (else an order number).
        s.pass(|t| {
            scan(t, &TWELVE_DIGITS_RE, |_, caps| {
                let m = caps.get(0)?;
                plausible_iin(m.as_str()).then(|| (m.start(), m.end(), Kind::Iin))
            })
        });
        s.pass(redact_grouped_cards);
        s.pass(redact_grouped_codes);
        s.pass(redact_two_group_codes);
        s.pass(redact_plain_codes);
        for re in &self.extra_codes {
            s.pass(|t| redact_whole(t, re, Kind::Code));
        }
        s.pass(redact_ru_phones);
        s.pass(redact_intl_phones);
        s.pass(redact_local_phones);
        s.pass(|t| {
            scan(t, &LONG_DIGITS_RE, |_, caps| {
                let m = caps.get(0)?;
                luhn_ok(m.as_str()).then(|| (m.start(), m.end(), Kind::Card))
            })
        });
        s.pass(|t| redact_keyword(t, &PIN_RE, Kind::Pin));
        s.pass(|t| {
            scan(t, &INVOICE_RE, |text, caps| {
                let (kw, val) = (caps.get(1)?, caps.get(2)?);
                let ok = digit_count(val.as_str()) >= 4 && !UNIT_AFTER_RE.is_match(&text[val.end()..]);
                ok.then(|| (kw.end(), val.end(), Kind::Invoice))
            })
        });
        s.pass(|t| redact_keyword(t, &ORDER_RE, Kind::Order));
        s.pass(|t| redact_keyword(t, &CERT_NUMBER_RE, Kind::Code));
        s.pass(|t| {
            scan(t, &CODE_KEYWORD_RE, |text, caps| {
                let (kw, val) = (caps.get(1)?, caps.get(2)?);
                let v = val.as_str();
                let digits = digit_count(v);
                let letters = v.chars().filter(char::is_ascii_alphabetic).count();
                let ok = (digits >= 4 || (digits >= 2 && letters >= 2 && v.len() >= 6)) && !ERROR_BEFORE_RE.is_match(tail(text, kw.start(), 16));
                (ok && !UNIT_AFTER_RE.is_match(&text[val.end()..])).then(|| (kw.end(), val.end(), Kind::Code))
            })
        });
        // Any other long number (7+ digits) is an identifier: an order, a transaction, an account.
        s.pass(|t| {
            scan(t, &BARE_NUMBER_RE, |text, caps| {
                let m = caps.get(0)?;
                if UNIT_AFTER_RE.is_match(&text[m.end()..])
                    || char_before(text, m.start()) == Some('+')
                    || PUBLIC_CODE_BEFORE_RE.is_match(tail(text, m.start(), 24))
                {
                    return None;
                }
                Some((m.start(), m.end(), Kind::Order))
            })
        });
        s.pass(|t| {
            let kept: Vec<Range<usize>> = self.not_names.iter().flat_map(|re| re.find_iter(t).map(|m| m.range())).collect();
            names::name_spans(t)
                .into_iter()
                .filter(|r| !kept.iter().any(|k| k.start < r.end && r.start < k.end))
                .map(|r| (r.start, r.end, Kind::Name))
                .collect()
        });
    }
}

#[cfg(test)]
mod tests;
