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
//! Not redacted: prices ("5000 рублей", "3 000 ₽"), dates, times, percents, years, short numbers,
//! versions ("версия 1.2.3.4"), ordinary capitalised words.

use std::ops::Range;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use super::{names, CleanConfig, Cleaned, RedactionCounts};

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
            .map(|p| Regex::new(p).map_err(|e| ConfigError { pattern: p.clone(), detail: e.to_string() }))
            .collect::<Result<Vec<_>, _>>()?;
        let public_profiles = config.public_profiles.iter().map(|p| profile_key(p)).filter(|p| !p.is_empty()).collect();
        let words: Vec<String> = config.not_names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()).map(regex::escape).collect();
        let not_names = (!words.is_empty())
            .then(|| Regex::new(&format!(r"(?i)\b(?:{})\b", words.join("|"))))
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
        // Until nothing new is found (at most eight rounds, so a long chain of glued values stays
        // linear): a value next to a placeholder can match only once its neighbour is replaced
        // (`2200308-917-555-44-33` is an order number, then a phone), and what leaves this
        // function must have nothing left to redact.
        for _ in 0..8 {
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
            self.public_profiles.iter().any(|p| *p == key || key.ends_with(&format!("/{p}")))
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
        s.pass(|t| redact_whole(t, &EMAIL_RE, Kind::Email));
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
                if caps.name("gap").is_some_and(|g| OTHER_KEYWORD_RE.is_match(g.as_str())) {
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
                let ok = digits >= 4 || (digits >= 2 && letters >= 2 && v.len() >= 6);
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

/// Codes of a company or a bank, public by design, not of a person: `КПП 770701001`, `БИК 044525225`.
static PUBLIC_CODE_BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:кпп|бик|bic|swift|окпо|октмо|оквэд)[ \t:№#]*$").expect("valid public code regex")
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
        r"(?i)((?:\bномер[ \t]+заказа|№[ \t]*заказа|\bзаказ(?:а|у|ом|е|ы|ов)?|\bзаявк(?:а|и|у|е|ой)|\bквитанци(?:я|и|ю|ей)|\bброн(?:ь|и|ю)|\border(?:[ \t]+(?:number|no\.?|num|id))?)(?:[ \t:=#№\-–—]{1,6})(?:(?:номер|number|no\.?|n)[ \t:#№.]{1,4})?)((?:[A-Za-z]{0,4}-?[0-9]{4,14}|[0-9]{2,4}-[0-9]{3,10})(?:-[0-9]{2,10}){0,2})\b",
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


static IPV4_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\b")
        .expect("valid ipv4 regex")
});

static IPV6_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4}\b")
        .expect("valid ipv6 regex")
});

/// A version number looks like an IPv4 address: "версия 1.2.3.4", "v10.0.0.1".
static VERSION_BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:верси[яиюейё]|версии|version|ver\.?|вер\.|v\.?|сборк[аиу])(?:[ \t]+\p{L}+){0,2}[ \t:]*$").expect("valid version regex")
});

/// Up to four words between a document's keyword and its value ("дата рождения, правильно
/// 20.09.1970", "права, номер AB 068249", "паспорт гражданина РБ номер MP1234567"); named `gap`,
/// so that a gap holding another value's keyword ("паспорт пришлю позже, телефон ...") is refused.
const GAP: &str = r"(?P<gap>(?:[ \t]*[,:;?!]?[ \t]+\p{L}[\p{L}.\-/]*){0,4}?)";

/// Keywords of other values: a document's keyword with one of these between it and a number is not
/// that number's keyword.
static OTHER_KEYWORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:тел\.?|телефон\p{L}*|phone|mobile|моб\p{L}*|заказ\p{L}*|order|карт\p{L}*|card|инн|снилс|почт\p{L}*|e-?mail|код\p{L}*|code|сч[её]т\p{L}*|invoice|иин|бин|индекс\p{L}*)\b")
        .expect("valid other keyword regex")
});

static PASSPORT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(\b(?:паспорт[а-я]*|загранпаспорт[а-я]*|загран\p{{L}}*|passport|удостоверени[еяю][ \t]+личности|уд(?:ост\p{{L}}*)?\.?[ \t]*личности|id[ \t\-]?карт[аыу]|id[ \t\-]?card|серия[ \t]+(?:и[ \t]+)?номер)(?:[ \t]+(?:рф|рб|рк|kz|by|ru|гражданина(?:[ \t]+(?:рф|рб|рк|республики[ \t]+(?:беларусь|казахстан)|российской[ \t]+федерации))?|республики[ \t]+(?:беларусь|казахстан)|беларуси|казахстана|россии|of[ \t]+(?:belarus|kazakhstan|russia)))?{GAP}[ \t:№#\-–—]{{0,6}}(?:серия[ \t:]*)?)(?P<value>(?-i:[0-9]{{2}}[ ]?[0-9]{{2}}[ ]?(?:(?:№|номер)[ \t]*)?[0-9]{{6}}|[0-9]{{2}}[ ]?[0-9]{{7}}|[A-ZА-ЯЁ]{{2}}[ ]?[0-9]{{7}}|N[ ]?[0-9]{{8}}|[A-Z]{{0,2}}[0-9]{{7,9}}))\b",
    ))
    .expect("valid passport regex")
});

static PASSPORT_SERIES_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\bсерия[ \t:]*)([0-9]{2}[ ]?[0-9]{2}[ \t,]*(?:номер|№)[ \t:№]*[0-9]{6})\b")
        .expect("valid passport series regex")
});

static SNILS_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[0-9]{3}-[0-9]{3}-[0-9]{3}[ \-][0-9]{2}\b").expect("valid snils regex")
});

static SNILS_KEYWORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\b(?:снилс|snils)[ \t:№#\-–—]*)([0-9]{11}|[0-9]{3} [0-9]{3} [0-9]{3} [0-9]{2})\b")
        .expect("valid snils keyword regex")
});

static INN_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\b(?:инн|inn)(?:[ \t]+(?:организации|компании|получателя|плательщика))?[ \t:№#\-–—]*)([0-9]{12}|[0-9]{10})\b")
        .expect("valid inn regex")
});

static INVOICE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)((?:\bсч[её]т(?:а|у|ом|е)?(?:[ \t\-]+(?:фактур[аеуыой]*|оферт[аеуыой]*|на[ \t]+оплату))?|\binvoice(?:[ \t]+(?:number|no\.?|num))?|\bинвойс[а-я]*)(?:[ \t:=#№\-–—]{1,6})(?:(?:номер|number|no\.?|n)[ \t:#№.]{1,4})?)((?:[A-Za-zА-ЯЁа-яё]{1,4}-?)?[0-9]{2,}(?:[\-/][0-9]{1,10}){0,3})\b",
    )
    .expect("valid invoice regex")
});
/// Social and messenger profile links: a person's page, never a group's or a channel's path kind.
static PROFILE_LINK_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?:\bhttps?://)?(?:\bwww\.|\bm\.)?\b(?:t\.me|telegram\.me|vk\.com|vk\.ru|ok\.ru|instagram\.com|wa\.me|api\.whatsapp\.com|whatsapp\.com|facebook\.com|fb\.com|tiktok\.com)/[^\s<>"'«»)\]]+"#)
        .expect("valid profile link regex")
});

/// Paths of those sites that are not a person: groups, public pages, apps.
static GROUP_PATH_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)/(?:club|public|group|groups|wall|topic|app|market|joinchat|addstickers|share)").expect("valid group path regex")
});

/// `@handle`, not inside an e-mail or a path.
static HANDLE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\w@.\-/])(@[A-Za-z0-9_][A-Za-z0-9_.]{2,31})").expect("valid handle regex")
});

/// A handle right where another ended.
static GLUED_HANDLE_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^@[A-Za-z0-9_][A-Za-z0-9_.]{2,31}").expect("valid glued handle regex"));

/// A bare nick after "ник в инсте", "ник в тг".
static NICK_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\bник(?:нейм)?(?:[ \t]+в[ \t]+(?:инст\p{L}*|телеграм\p{L}*|тг|вк|тикток\p{L}*))?[ \t:—–\-]*)([A-Za-z][A-Za-z0-9_.]{2,31})")
        .expect("valid nick regex")
});

/// The Belarusian identification number: 7 digits, a region letter, 3 digits, 2 letters, a digit.
static PERSONAL_NO_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b[0-9]{7}[A-Z][0-9]{3}[A-Z]{2}[0-9]\b").expect("valid personal number regex"));

/// A driver's licence number after its keyword: `99 12 345678`, `77 АВ 123456`, `5AB 123456`,
/// `AB 123456`, 10 digits in a row.
static LICENCE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(\b(?:водительск\p{{L}}*[ \t]+удостоверени\p{{L}}*|вод\.?[ \t]*удостоверени\p{{L}}*|водительск\p{{L}}*|ву|(?:номер[ \t]+)?прав(?:а|ах)?|driver'?s?[ \t]+licen[cs]e|driving[ \t]+licen[cs]e)(?:[ \t]+(?:рф|рб|рк|россии|беларуси|казахстана))?{GAP}[ \t:№#\-–—?]{{0,6}})(?P<value>(?-i:[0-9]{{2}}[ ]?[0-9]{{2}}[ ]?[0-9]{{6}}|[0-9]{{2}}[ ]?[A-ZА-ЯЁ]{{2}}[ ]?[0-9]{{6}}|[0-9][A-ZА-ЯЁ]{{2}}[ ]?[0-9]{{6}}|[A-ZА-ЯЁ]{{2}}[ ]?[0-9]{{6,7}}))\b",
    ))
    .expect("valid licence regex")
});

/// Belarusian passport series (Latin or their Cyrillic look-alikes) and Kazakh passports, without
/// a keyword: `MP1234567`, `N12345678`.
static PASSPORT_BARE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:AB|BM|HB|KH|MP|MC|KB|PP|SP|DP|АВ|ВМ|НВ|КН|МР|МС|КВ|РР)[ ]?[0-9]{7}\b|\bN[0-9]{8}\b").expect("valid bare passport regex")
});

/// The Kazakh IIN or BIN after its keyword.
static IIN_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\b(?:иин|бин|iin|bin)(?:[ \t]+(?:получателя|покупателя|плательщика|организации|компании))?[ \t:№#\-–—?]*(?:вот[ \t:]*)?)([0-9]{12})\b")
        .expect("valid iin regex")
});

static TWELVE_DIGITS_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b[0-9]{12}\b").expect("valid 12 digits regex"));

const MONTHS: &str = r"(?:январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\p{L}*\.?";

/// A date after a birth-date keyword.
static BIRTHDATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(\b(?:дат[аыуе][ \t]+рождения|д\.[ \t]?р\.|д/р|др|родил(?:ся|ась)|date[ \t]+of[ \t]+birth|dob|d\.o\.b\.|born(?:[ \t]+on)?|birthday){GAP}[ \t:,\-–—]*)(?P<value>[0-9]{{1,2}}[./\-][0-9]{{1,2}}[./\-](?:[0-9]{{4}}|[0-9]{{2}})|[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}|[0-9]{{1,2}}[ \t]+{MONTHS}[ \t]+[0-9]{{4}}|{MONTHS}[ \t]+[0-9]{{1,2}},?[ \t]+[0-9]{{4}})(?:\b|$)"
    ))
    .expect("valid birthdate regex")
});

const STREET_TYPE: &str = r"(?:ул|улица|пр-т|пр|просп|проспект|пер|переулок|б-р|бул|бульвар|ш|шоссе|наб|набережная|пл|площадь|мкр|микрорайон|проезд|пр-д|тупик|аллея|тракт|квартал|кв-л)";

/// A street address: the street's type and name, the house (with building and flat).
static ADDRESS_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i:\b{STREET_TYPE})(?:\.[ \t]*|[ \t]+)(?:[\p{{L}}0-9][\p{{L}}0-9\-]*\.?[ \t]+){{0,3}}?[\p{{L}}][\p{{L}}0-9\-]*,?[ \t]*(?i:(?:д|дом)\.?[ \t]*)?[0-9]{{1,4}}(?:[/к][0-9]{{1,4}})?[а-яА-Яa-zA-Z]?(?:-[0-9]{{1,4}})?(?:[ \t]*,?[ \t]*(?i:корп|корпус|к|стр|строение|кв|квартира|оф|офис)\.?[ \t]*[0-9]{{1,4}}[а-яА-Яa-zA-Z]?)*"
    ))
    .expect("valid address regex")
});

/// A house and a flat without the street: `д. 5, кв. 12`.
static HOUSE_FLAT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i:\b(?:д|дом))\.?[ \t]*[0-9]{1,4}(?:[/к][0-9]{1,4})?[а-яА-Яa-zA-Z]?[ \t]*,?[ \t]*(?i:кв|квартира)\.?[ \t]*[0-9]{1,4}")
        .expect("valid house regex")
});

/// An English street address: `12 Baker Street, flat 3`.
static ADDRESS_EN_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b[0-9]{1,5}[A-Za-z]?[ \t]+(?:\p{Lu}\p{Ll}+[ \t]+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr|Square|Sq)\b\.?(?:,?[ \t]*(?i:apt|apartment|flat|suite|unit)\.?[ \t]*#?[0-9]{1,5}[A-Za-z]?)?")
        .expect("valid english address regex")
});

/// A postcode: 6 digits (Russia, Belarus, old Kazakh) or the Kazakh `A15E3C5`, after `индекс`.
static POSTCODE_KEYWORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\b(?:почтовый[ \t]+)?(?:индекс|postcode|post[ \t]+code|zip(?:[ \t]+code)?)[ \t:№]*)((?-i:[0-9]{6}|[A-Z][0-9]{2}[ ]?[A-Z][0-9][A-Z][0-9]))\b")
        .expect("valid postcode regex")
});

/// A postcode by itself: 6 digits, or the Kazakh `A15E3C5`.
static POSTCODE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:[0-9]{6}|[A-Z][0-9]{2}[ ]?[A-Z][0-9][A-Z][0-9])\b").expect("valid postcode regex"));

/// Words that open an address, just before a postcode.
static ADDRESS_WORD_BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:адрес\p{L}*|доставк\p{L}*|address)[ \t:,\-–—]*(?:\p{L}+[ \t]*){0,3}[ \t:,]*$").expect("valid address word regex")
});

/// A postcode opening an address: `119021, г. Москва`, `Z10 F8M1, ул. …`.
static POSTCODE_LEADING_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"\b(?:[0-9]{{6}}|[A-Z][0-9]{{2}}[ ]?[A-Z][0-9][A-Z][0-9])[ \t]*,?[ \t]+(?:г\.|город|(?i:{STREET_TYPE})\.?[ \t]|\p{{Lu}})"))
        .expect("valid leading postcode regex")
});

/// The Kazakh IIN/BIN check digit (weights 1..11, then 3..11,1,2 when the first sum gives 10).
fn iin_ok(digits: &str) -> bool {
    let d: Vec<u32> = digits.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 12 {
        return false;
    }
    let sum = |w: &dyn Fn(usize) -> u32| (0..11).map(|i| d[i] * w(i)).sum::<u32>() % 11;
    let mut check = sum(&|i| i as u32 + 1);
    if check == 10 {
        check = sum(&|i| ((i + 2) % 11) as u32 + 1);
    }
    check != 10 && check == d[11]
}

/// A 12-digit IIN: a real birth date (or a BIN's year and month) and a valid check digit.
fn plausible_iin(digits: &str) -> bool {
    let b = digits.as_bytes();
    let two = |i: usize| (b[i] - b'0') as u32 * 10 + (b[i + 1] - b'0') as u32;
    let month_ok = (1..=12).contains(&two(2));
    iin_ok(digits) && month_ok
}

/// A profile as compared with `[clean] public-profiles`: lower case, no scheme, `www.`, `@` or
/// trailing slash.
fn profile_key(s: &str) -> String {
    let s = s.trim().to_lowercase();
    let s = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")).unwrap_or(&s).to_string();
    let s = s.strip_prefix("www.").unwrap_or(&s);
    s.trim_start_matches('@').trim_end_matches('/').to_string()
}

/// Street addresses (Russian and English), house-and-flat pairs and postcodes.
fn redact_addresses(text: &str) -> Vec<Rep> {
    let mut out: Vec<Rep> = Vec::new();
    for re in [&*ADDRESS_RE, &*HOUSE_FLAT_RE, &*ADDRESS_EN_RE] {
        out.extend(scan(text, re, |_, caps| {
            let m = caps.get(0)?;
            let v = m.as_str().trim_end_matches([' ', ',', '\t']);
            Some((m.start(), m.start() + v.len(), Kind::Address))
        }));
    }
    // A six-digit number beside a street address, or just after "адрес", is its postcode.
    let streets = out.clone();
    out.extend(scan(text, &POSTCODE_RE, |text, caps| {
        let m = caps.get(0)?;
        let near = streets.iter().any(|(s, e, _)| (m.start() >= *e && m.start() - *e <= 80) || (*s >= m.end() && *s - m.end() <= 80));
        let after_keyword = ADDRESS_WORD_BEFORE_RE.is_match(tail(text, m.start(), 64));
        (near || after_keyword).then(|| (m.start(), m.end(), Kind::Address))
    }));
    out.extend(scan(text, &POSTCODE_KEYWORD_RE, |_, caps| {
        let (kw, v) = (caps.get(1)?, caps.get(2)?);
        Some((kw.end(), v.end(), Kind::Address))
    }));
    out.extend(scan(text, &POSTCODE_LEADING_RE, |text, caps| {
        let m = caps.get(0)?;
        let end = m.start() + text[m.start()..].find(',')?;
        let v = text[m.start()..end].trim_end();
        Some((m.start(), m.start() + v.len(), Kind::Address))
    }));
    // Keep the longest of overlapping hits.
    out.sort_by_key(|r| (r.0, std::cmp::Reverse(r.1)));
    let mut kept: Vec<Rep> = Vec::new();
    for r in out {
        if kept.last().is_none_or(|k| r.0 >= k.1) {
            kept.push(r);
        }
    }
    kept
}

/// Finds candidates of `re` from left to right; `decide` returns the byte range to replace (inside the
/// match) and its kind, or `None` to reject. A rejected candidate is retried one character later, so a
/// valid value inside or after an invalid candidate is still found.
fn scan<F>(text: &str, re: &Regex, mut decide: F) -> Vec<Rep>
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
/// passes find nothing in most messages. The gates are compiled once per thread.
fn might_match(re: &Regex, text: &str) -> bool {
    thread_local! {
        static GATES: std::cell::RefCell<std::collections::HashMap<String, Option<Regex>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    GATES.with(|gates| {
        let mut gates = gates.borrow_mut();
        let gate = gates.entry(re.as_str().to_string()).or_insert_with(|| {
            let pattern = without_word_boundaries(re.as_str());
            (pattern != re.as_str()).then(|| Regex::new(&pattern).ok()).flatten()
        });
        match gate {
            Some(g) => g.is_match(text),
            None => re.is_match(text),
        }
    })
}

/// `pattern` with every `\b` and `\B` left out (an escaped backslash stays as it is).
fn without_word_boundaries(pattern: &str) -> String {
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
fn next_boundary(text: &str, i: usize) -> usize {
    match text[i..].chars().next() {
        Some(c) => i + c.len_utf8(),
        None => text.len() + 1,
    }
}

/// At most the last `max` bytes of `text[..end]`, so a look-behind check stays linear.
fn tail(text: &str, end: usize, max: usize) -> &str {
    let mut start = end.saturating_sub(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..end]
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

/// Every match of `re` is a value of `kind`, whole.
fn redact_whole(text: &str, re: &Regex, kind: Kind) -> Vec<Rep> {
    scan(text, re, |_, caps| {
        let m = caps.get(0)?;
        Some((m.start(), m.end(), kind))
    })
}

/// Keyword-led value: keep group 1 (the keyword and separator), replace group 2 unless a unit follows.
fn redact_keyword(text: &str, re: &Regex, kind: Kind) -> Vec<Rep> {
    scan(text, re, |text, caps| {
        let (kw, val) = (caps.get(1)?, caps.name("value").or_else(|| caps.get(2))?);
        if UNIT_AFTER_RE.is_match(&text[val.end()..]) || caps.name("gap").is_some_and(|g| OTHER_KEYWORD_RE.is_match(g.as_str())) {
            return None;
        }
        Some((kw.end(), val.end(), kind))
    })
}

/// URLs are matched without overlap: a URL without a token is skipped whole (linear time).
fn redact_urls(text: &str) -> Vec<Rep> {
    let mut out = Vec::new();
    for m in URL_RE.find_iter(text) {
        let url = m
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '\'', '"', '»']);
        if url_has_token(url) {
            out.push((m.start(), m.start() + url.len(), Kind::Url));
        }
    }
    out
}

/// IPv4 not part of a longer dotted number nor a version; IPv6 with a hex letter or `::`.
fn redact_ips(text: &str) -> Vec<Rep> {
    let mut out = scan(text, &IPV4_RE, |text, caps| {
        let m = caps.get(0)?;
        let dotted_before = {
            let mut it = text[..m.start()].chars().rev();
            it.next() == Some('.') && it.next().is_some_and(|c| c.is_ascii_digit())
        };
        let dotted_after = {
            let mut it = text[m.end()..].chars();
            it.next() == Some('.') && it.next().is_some_and(|c| c.is_ascii_digit())
        };
        let ok = !dotted_before && !dotted_after && !VERSION_BEFORE_RE.is_match(tail(text, m.start(), 48));
        ok.then(|| (m.start(), m.end(), Kind::Ip))
    });
    let v6 = scan(text, &IPV6_RE, |text, caps| {
        let m = caps.get(0)?;
        let s = m.as_str();
        let ok = (s.contains("::") || s.split(':').count() == 8)
            && s.chars().any(|c| c.is_ascii_alphabetic() || c == ':')
            && s.split(':').filter(|g| !g.is_empty()).count() >= 3
            && !char_after(text, m.end()).is_some_and(|c| c == ':' || c.is_alphanumeric());
        ok.then(|| (m.start(), m.end(), Kind::Ip))
    });
    // keep IPv6 hits that do not overlap an IPv4 hit
    for r in v6 {
        if !out.iter().any(|(s, e, _)| *s < r.1 && r.0 < *e) {
            out.push(r);
        }
    }
    out.sort_by_key(|r| r.0);
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

fn redact_grouped_cards(text: &str) -> Vec<Rep> {
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

fn redact_grouped_codes(text: &str) -> Vec<Rep> {
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
fn redact_two_group_codes(text: &str) -> Vec<Rep> {
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

fn redact_plain_codes(text: &str) -> Vec<Rep> {
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

fn redact_ru_phones(text: &str) -> Vec<Rep> {
    scan(text, &RU_PHONE_RE, |text, caps| {
        let m = caps.get(0)?;
        let ok = digit_count(m.as_str()) == 11 && !before_blocks_phone(text, m.start());
        ok.then(|| (m.start(), m.end(), Kind::Phone))
    })
}

fn redact_intl_phones(text: &str) -> Vec<Rep> {
    scan(text, &INTL_PHONE_RE, |text, caps| {
        let m = caps.get(0)?;
        let s = m.as_str().trim_end_matches([' ', '-', '(']);
        let digits = digit_count(s);
        let ok = (8..=15).contains(&digits)
            && !char_after(text, m.start() + s.len()).is_some_and(|c| c.is_alphanumeric())
            && !char_before(text, m.start()).is_some_and(|c| c.is_alphanumeric());
        ok.then(|| (m.start(), m.start() + s.len(), Kind::Phone))
    })
}

fn redact_local_phones(text: &str) -> Vec<Rep> {
    scan(text, &RU_LOCAL_PHONE_RE, |text, caps| {
        let m = caps.get(0)?;
        let ok = digit_count(m.as_str()) == 10
            && !before_blocks_phone(text, m.start())
            && !ID_KEYWORD_BEFORE_RE.is_match(tail(text, m.start(), 48));
        ok.then(|| (m.start(), m.end(), Kind::Phone))
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

    #[test]
    fn gates_drop_only_word_boundaries() {
        assert_eq!(without_word_boundaries(r"\b[0-9]{7}\b"), "[0-9]{7}");
        assert_eq!(without_word_boundaries(r"a\\b\Bc\d"), r"a\\bc\d");
    }

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
            ("пишите на ivan.petrov@mail.ru", "пишите на [EMAIL]"),
            ("<help@x.ru>", "<[EMAIL]>"),
            ("a_b+tag@sub.example.co.uk, ok", "[EMAIL], ok"),
            ("почта: иван@почта.рф.", "почта: [EMAIL]."),
            ("MAIL: IVAN@YANDEX.RU", "MAIL: [EMAIL]"),
        ];
        for (input, want) in cases {
            assert_eq!(r(input), *want, "{input:?}");
        }
        assert_eq!(redact("a@b.ru и c@d.com").redactions.get(Kind::Email), 2);
    }

    #[test]
    fn phones_table() {
        let cases: &[(&str, &str)] = &[
            ("+7 (912) 345-67-89", "[PHONE]"),
            ("8 912 345 67 89", "[PHONE]"),
            ("89123456789", "[PHONE]"),
            ("+79123456789", "[PHONE]"),
            ("8-800-555-35-35", "[PHONE]"),
            ("+7 912 3456789", "[PHONE]"),
            ("+7(912)345-67-89", "[PHONE]"),
            ("+7-912-345-67-89", "[PHONE]"),
            ("7 912 345 67 89", "[PHONE]"),
            ("8 (3452) 12-34-56", "[PHONE]"),
            ("8 (912) 345-67-89.", "[PHONE]."),
            ("(912) 345-67-89", "[PHONE]"),
            ("912 345-67-89", "[PHONE]"),
            ("9123456789", "[PHONE]"),
            ("+44 20 7946 0958", "[PHONE]"),
            ("+1 (555) 123-4567", "[PHONE]"),
            ("+380 50 123 4567", "[PHONE]"),
            ("+375291234567", "[PHONE]"),
            (
                "мой номер: 8 912 345 67 89, звоните",
                "мой номер: [PHONE], звоните",
            ),
            ("тел.89123456789", "тел.[PHONE]"),
        ];
        for (input, want) in cases {
            assert_eq!(r(input), *want, "{input:?}");
            assert_eq!(redact(input).redactions.get(Kind::Phone), 1, "{input:?}");
        }
    }

    #[test]
    fn cards_table() {
        let cases: &[(&str, &str)] = &[
            ("4111 1111 1111 1111", "[CARD]"),
            ("4111-1111-1111-1111", "[CARD]"),
            ("4111111111111111", "[CARD]"),
            ("5500 0000 0000 0004", "[CARD]"),
            (
                "карта 4276 3800 1234 5678 не проходит",
                "карта [CARD] не проходит",
            ),
            ("4111 1111 1111 1111 111", "[CARD]"),
            ("3782 822463 10005", "[CARD]"),
            ("4222222222222", "[CARD]"),
        ];
        for (input, want) in cases {
            assert_eq!(r(input), *want, "{input:?}");
            assert_eq!(redact(input).redactions.get(Kind::Card), 1, "{input:?}");
        }
        // ungrouped, Luhn fails: not a card but an identifier (order, tracking number)
        let c = redact("номер 4111111111111112 в системе");
        assert_eq!(c.text, "номер [ORDER] в системе");
        assert_eq!((c.redactions.get(Kind::Card), c.redactions.get(Kind::Order)), (0, 1));
    }

    #[test]
    fn codes_table() {
        let cases: &[(&str, &str)] = &[
            ("ABCD-1234-EFGH-5678", "[CODE]"),
            (
                "код ABCD-1234-EFGH-5678, не работает",
                "код [CODE], не работает",
            ),
            ("abcd-1234-efgh-5678", "[CODE]"),
            ("AB12 CD34 EF56 GH78", "[CODE]"),
            ("ab12 cd34 ef56 gh78", "[CODE]"),
            ("A1B2-C3D4-E5F6", "[CODE]"),
            ("A1B2-C3D4-E5F6-G7H8-J9K0", "[CODE]"),
            ("WXYZ-ABCD-QWER-1234", "[CODE]"),
            ("1234-5678-9012", "[CODE]"),
            ("1234-5678-9012-3456-7890", "[CODE]"),
            ("ABCD1234EFGH5678", "[CODE]"),
            ("abcd1234efgh5678", "[CODE]"),
            ("сертификат (A1B2-C3D4-E5F6-G7H8)", "сертификат ([CODE])"),
            ("with code ABCD-1234-EFGH-5678", "with code [CODE]"),
            ("ABCD-1234-EFGH-5678 with love", "[CODE] with love"),
            (
                "видно только начало: 8UPZ-XVD5.",
                "видно только начало: [CODE].",
            ),
            ("LN3T-MYCC", "[CODE]"),
        ];
        for (input, want) in cases {
            assert_eq!(r(input), *want, "{input:?}");
            assert_eq!(redact(input).redactions.get(Kind::Code), 1, "{input:?}");
        }
    }

    #[test]
    fn keyword_values_table() {
        let cases: &[(&str, &str)] = &[
            ("PIN 4821", "PIN [PIN]"),
            ("PIN: 4821", "PIN: [PIN]"),
            ("пин-код 4821", "пин-код [PIN]"),
            ("пин 4821", "пин [PIN]"),
            ("ПИН-код: 4821.", "ПИН-код: [PIN]."),
            ("пинкод 123456", "пинкод [PIN]"),
            ("pin code is 4821", "pin code is [PIN]"),
            ("заказ № 4587123", "заказ № [ORDER]"),
            ("По заказу 79-0115 нашли", "По заказу [ORDER] нашли"),
            ("Оформили заявку R-796930 на замену", "Оформили заявку [ORDER] на замену"),
            ("по квитанции R-220695", "по квитанции [ORDER]"),
            ("Отменили бронь VM-168453", "Отменили бронь [ORDER]"),
            ("заказ 4587123", "заказ [ORDER]"),
            ("номер заказа 4587123", "номер заказа [ORDER]"),
            ("order #4587123", "order #[ORDER]"),
            ("Order no. 4587123", "Order no. [ORDER]"),
            (
                "по заказу №4587123 не пришло",
                "по заказу №[ORDER] не пришло",
            ),
            ("Заказ: ORD-4587123", "Заказ: [ORDER]"),
            ("сертификат № 12345678", "сертификат № [CODE]"),
            ("номер сертификата: 123456789", "номер сертификата: [CODE]"),
            ("код: 4821", "код: [CODE]"),
            ("код активации 48213", "код активации [CODE]"),
            ("смс-код 123456", "смс-код [CODE]"),
            ("activation code X7K9P2", "activation code [CODE]"),
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
            ("Заказы [ORDER] и 4702886", "Заказы [ORDER] и [ORDER]"),
            ("получателю? 4592730", "получателю? [ORDER]"),
            (
                "Номер операции в банке 558552009421",
                "Номер операции в банке [ORDER]",
            ),
            ("ИНН 9715451399", "ИНН [INN]"),
            ("ИНН: 7765451399", "ИНН: [INN]"),
            ("платёж RRN 763520607859", "платёж RRN [ORDER]"),
            ("4978116 / 1972", "[ORDER] / 1972"),
        ];
        for (input, want) in cases {
            assert_eq!(r(input), *want, "{input:?}");
        }
        for keep in [
            "1000000 рублей",
            "карта *5172",
            "последние цифры карты 2040",
            "УПД № 3671",
        ] {
            assert_eq!(r(keep), keep);
        }
    }

    #[test]
    fn urls_table() {
        let cases: &[(&str, &str)] = &[
            (
                "ссылка https://shop.ru/activate?token=abc123def456",
                "ссылка [URL]",
            ),
            ("https://x.ru/c/A1b2C3d4E5f6G7h8.", "[URL]."),
            ("https://x.ru/cert?code=1234", "[URL]"),
            ("http://x.ru/u?email=ivan%40mail.ru", "[URL]"),
            ("www.x.ru/order/45871234567", "[URL]"),
            (
                "https://admin.shop.local/orders/4882847: оплачен",
                "[URL]: оплачен",
            ),
        ];
        for (input, want) in cases {
            let c = redact(input);
            assert_eq!(c.text, *want, "{input:?}");
            assert_eq!(c.redactions.get(Kind::Url), 1, "{input:?}");
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
            "[EMAIL] [PHONE] [CARD] [CODE] [PIN] [ORDER] [URL]",
        ];
        for t in texts {
            let c = redact(t);
            assert_eq!(c.text, *t, "{t:?}");
            assert_eq!(c.redactions.total(), 0, "{t:?}");
        }
    }

    #[test]
    fn identity_documents_ips_and_invoices_table() {
        let cases: &[(&str, &str, Kind)] = &[
            ("паспорт 45 08 123456, выдан", "паспорт [PASSPORT], выдан", Kind::Passport),
            ("паспорт серия 4508 123456", "паспорт серия [PASSPORT]", Kind::Passport),
            ("серия 4508 номер 123456", "серия [PASSPORT]", Kind::Passport),
            ("СНИЛС 112-233-445 95", "СНИЛС [SNILS]", Kind::Snils),
            ("снилс 11223344595", "снилс [SNILS]", Kind::Snils),
            ("ИНН 500100732259", "ИНН [INN]", Kind::Inn),
            ("с IP 192.168.1.15 не пускает", "с IP [IP] не пускает", Kind::Ip),
            ("адрес 2a02:6b8::2:242", "адрес [IP]", Kind::Ip),
            ("счёт № ПП-2025-1425", "счёт № [INVOICE]", Kind::Invoice),
            ("invoice #INV-2025-0042", "invoice #[INVOICE]", Kind::Invoice),
        ];
        for (input, want, kind) in cases {
            let spans = redact_spans(input);
            assert_eq!(r(input), *want, "{input:?}");
            assert_eq!(spans.len(), 1, "{input:?}");
            assert_eq!(spans[0].1, *kind, "{input:?}");
        }
        for keep in ["версия приложения 1.2.3.4", "КПП 770701001", "счёт 2025 года", "время 10:00:00"] {
            assert_eq!(r(keep), keep);
        }
    }

    #[test]
    fn spans_point_into_the_input() {
        let text = "Меня зовут Анна, почта anna@mail.ru, заказ № 4587123";
        let spans = redact_spans(text);
        let values: Vec<(&str, Kind)> = spans.iter().map(|(r, k)| (&text[r.clone()], *k)).collect();
        assert_eq!(values, [("Анна", Kind::Name), ("anna@mail.ru", Kind::Email), ("4587123", Kind::Order)]);
        // a later pass that swallows an earlier placeholder absorbs its span
        assert_eq!(redact_spans("www.x.ru/order/45871234567").len(), 1);
    }

    #[test]
    fn documents_profiles_addresses_of_the_three_countries() {
        let cases: &[(&str, &str)] = &[
            ("паспорт РБ MP1234567, выдан РУВД", "паспорт РБ [PASSPORT], выдан РУВД"),
            ("удостоверение личности РК 012345678", "удостоверение личности РК [PASSPORT]"),
            ("личный номер 3120585A001PB9", "личный номер [PERSONAL_NO]"),
            ("ИИН 880814300126", "ИИН [IIN]"),
            ("водительское удостоверение 77 АВ 123456", "водительское удостоверение [LICENCE]"),
            ("пишите в тг @anna_k85 или https://vk.com/id123456.", "пишите в тг [PROFILE] или [PROFILE]."),
            ("WhatsApp: wa.me/79161234567", "WhatsApp: [PROFILE]"),
            ("адрес: 220030, г. Минск, ул. Ленина, д. 5, кв. 12", "адрес: [ADDRESS], г. Минск, [ADDRESS]"),
            ("дата рождения 12.03.1985, д.р. 1 марта 1980", "дата рождения [BIRTHDATE], д.р. [BIRTHDATE]"),
            ("С уважением, специалист поддержки Анна Петрова", "С уважением, специалист поддержки [NAME]"),
        ];
        for (input, want) in cases {
            assert_eq!(r(input), *want, "{input:?}");
        }
        for keep in ["Права потребителя нарушены", "Магазин на улице Тверской", "Пишите нам во ВКонтакте", "Специалист поддержки свяжется с вами", "Поставьте @ перед ником"] {
            assert_eq!(r(keep), keep);
        }
    }

    #[test]
    fn the_organisations_own_profiles_stay() {
        let config = CleanConfig { public_profiles: vec!["@podarok_help".into(), "https://vk.com/podarok".into()], ..CleanConfig::default() };
        let redactor = Redactor::new(&config).unwrap();
        let out = redactor.redact("Наш канал @podarok_help и группа vk.com/podarok, а клиент @anna_k85").text;
        assert_eq!(out, "Наш канал @podarok_help и группа vk.com/podarok, а клиент [PROFILE]");
    }

    #[test]
    fn glued_handles_are_each_a_profile() {
        assert_eq!(r("пишите в тг @zhanna_s@zhanna_s@zhanna_s@zhanna_s"), "пишите в тг [PROFILE][PROFILE][PROFILE][PROFILE]");
    }

    #[test]
    fn brands_named_like_people_stay_when_listed() {
        let text = "В Глория Джинс сертификат не приняли, кассир Анна сказала ждать";
        assert_eq!(r(text), "В [NAME] сертификат не приняли, кассир [NAME] сказала ждать");
        let config = CleanConfig { not_names: vec!["глория джинс".into()], ..CleanConfig::default() };
        let out = Redactor::new(&config).unwrap().redact(text).text;
        assert_eq!(out, "В Глория Джинс сертификат не приняли, кассир [NAME] сказала ждать");
    }

    #[test]
    fn configured_code_patterns() {
        let config = CleanConfig { code_patterns: vec![r"\bGC[0-9]{6}\b".into()], ..CleanConfig::default() };
        let redactor = Redactor::new(&config).expect("valid pattern");
        assert_eq!(redactor.redact("сертификат GC123456 не работает").text, "сертификат [CODE] не работает");
        assert_eq!(r("сертификат GC123456 не работает"), "сертификат GC123456 не работает");
        let bad = CleanConfig { code_patterns: vec!["(".into()], ..CleanConfig::default() };
        assert!(Redactor::new(&bad).unwrap_err().to_string().contains("code-patterns"));
    }

    #[test]
    fn mixed_message() {
        let c = redact(
            "Мой e-mail ivan@mail.ru, телефон +7 912 345-67-89, заказ № 4587123, код ABCD-1234-EFGH-5678, PIN 4821, карта 4111 1111 1111 1111. Сумма 5000 руб.",
        );
        assert_eq!(
            c.text,
            "Мой e-mail [EMAIL], телефон [PHONE], заказ № [ORDER], код [CODE], PIN [PIN], карта [CARD]. Сумма 5000 руб."
        );
        let mut want = RedactionCounts::default();
        [Kind::Email, Kind::Phone, Kind::Card, Kind::Code, Kind::Pin, Kind::Order].into_iter().for_each(|k| want.count(k));
        assert_eq!(c.redactions, want);
    }
}
