//! The publish guard: a second detector of personal data, run on every string that leaves the store
//! (help center pages, the bot index's payloads, reports, exports, LLM prompts, `/api/search`).
//!
//! It is defence in depth behind the clean stage: it knows nothing of the clean stage's placeholders
//! or patterns, and it is tuned for recall, not precision. A false alarm costs an editor a look; a
//! miss puts a customer's e-mail on a public page. So it flags, with no keyword needed:
//! - e-mail addresses;
//! - numbers of 7+ digits in a row, or 9+ digits in groups split by spaces, dashes or brackets
//!   (phones, cards, passports, INN, SNILS, IIN, orders), unless a currency or unit follows; Russian
//!   toll-free `8 800` numbers, which only companies have, stay;
//! - document numbers: two Latin capitals and 7 digits (Belarusian passports), a letter and 8
//!   digits (Kazakh passports), the Belarusian personal number (`3120585A001PB1`);
//! - messenger and social profiles: `@handle`, `t.me/…`, `vk.com/…`, `ok.ru/…`, `instagram.com/…`,
//!   WhatsApp links;
//! - street addresses with a house number (`ул. Ленина, д. 5`, `12 Baker Street`);
//! - a date after a birth-date word (`дата рождения`, `д.р.`, `DOB`);
//! - IPv4 addresses not after a version word, links with a token or a code in their query;
//! - a capitalised word after a sign-off (`С уважением, …`, also with a job title between) or an
//!   introduction (`меня зовут …`, `my name is …`).
//!
//! Values the organisation publishes on purpose (its own hotline, its support address, its channel)
//! go into `[guard] allow`. Entry points: [`Guard::scan`] (the findings of one string), [`Guard::mask`]
//! (a string with every finding replaced, for outputs that are not articles), [`mask_value`].

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// `[guard]`
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct GuardConfig {
    /// Values published on purpose that the guard lets through, compared without spaces, dashes and
    /// brackets and without case: the company's hotline, support e-mail, Telegram channel.
    /// Default: none.
    pub allow: Vec<String>,
}

/// One value the guard found: what it looks like, where, and the value masked for a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// `email`, `number`, `document`, `profile`, `address`, `birthdate`, `ip`, `link`, `name`.
    pub kind: String,
    /// Which string it was in: `title`, `body`, `also_asked[2]`, `payload.text`, ...
    pub field: String,
    /// The value with most of its letters and digits replaced: `i***@m***.ru`, `+7 9** *** **89`.
    pub masked: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} in {}", self.kind, self.masked, self.field)
    }
}

/// The second detector, with the configured allow list.
#[derive(Debug, Clone, Default)]
pub struct Guard {
    allow: Vec<String>,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid guard regex")
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| re(r#"[^\s@<>()\[\]{},;:"'«»]+@[^\s@<>()\[\]{},;:"'«»]+\.\p{L}{2,}"#));
static DIGITS: LazyLock<Regex> = LazyLock::new(|| re(r"\+?\(?[0-9][0-9 \-()\u{a0}]*[0-9]"));
static UNIT_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^[ \t\u{a0}]*(?:руб|р\.|р\b|₽|rub|\$|usd|eur|€|%|тыс|млн|шт|г\.|г\b|год|лет|мин|час|сек|дн|байт|мб|гб|kb|mb|gb)")
});
static DOCUMENT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i:\b[0-9]{7}[A-Z][0-9]{3}[A-Z]{2}[0-9]\b)|\b[A-Z]{2}[ ]?[0-9]{7}\b|\b[A-ZА-Я][0-9]{8}\b"));
static PROFILE_LINK: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)\b(?:t\.me|telegram\.me|vk\.com|vk\.ru|m\.vk\.com|ok\.ru|instagram\.com|wa\.me|whatsapp\.com|facebook\.com|fb\.com|tiktok\.com|twitter\.com|x\.com)/[^\s<>'\x22«»)\]]+")
});
static HANDLE: LazyLock<Regex> = LazyLock::new(|| re(r"(?:^\.?|[^\w@.\-/]|\s\.)(@[A-Za-z][A-Za-z0-9_.]{2,31})"));
/// An account's name or id after the words that introduce one ("my online id is iamfunny100",
/// "username: john_doe", "PSN: xXShadowXx", «логин ivan_petrov85»): a game or service account is
/// one person's as much as an `@handle`. The value must look like an account name, not a word of
/// the sentence ("my id is not working"): [`looks_like_account`].
static ACCOUNT_RE: LazyLock<Regex> = LazyLock::new(|| {
    // Not `\b` before the words: a Unicode `\b` keeps the regex engine's fast automaton off
    // Cyrillic text (the clean stage runs this on every message).
    re(r"(?i)(?:^|[^\p{L}\p{N}_])((?:user[ \t]?name|login|gamer[ \t]?tag|psn(?:[ \t]+id)?|online[ \t]+id|epic(?:[ \t]+games)?[ \t]+id|account[ \t]+(?:id|name)|my[ \t]+id|логин|айди)(?:[ \t]+(?:is|was))?[ \t]*[:=—–\-]?[ \t]*)([A-Za-z][A-Za-z0-9_.\-]{2,31})")
});

/// The account names [`ACCOUNT_RE`] finds in `text` that [`looks_like_account`]: the clean stage
/// replaces them with `[PROFILE]`, and the guard looks for them in what is published.
pub fn account_names(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    ACCOUNT_RE.captures_iter(text).filter_map(|caps| {
        let v = caps.get(2)?;
        let value = v.as_str().trim_end_matches(['.', '_', '-']);
        looks_like_account(value).then(|| v.start()..v.start() + value.len())
    })
}

/// Whether `value` is spelled as an account name rather than a word: it has a digit, an underscore
/// or a capital after a small letter ("iamfunny100", "john_doe", "xXShadowXx").
fn looks_like_account(value: &str) -> bool {
    value.chars().any(|c| c.is_ascii_digit() || c == '_') || value.chars().zip(value.chars().skip(1)).any(|(a, b)| a.is_lowercase() && b.is_uppercase())
}

static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i:\b(?:ул|улица|пр|пр-т|просп|проспект|пер|переулок|бул|бульвар|б-р|ш|шоссе|наб|набережная|пл|площадь|мкр|микрорайон|проезд|тупик|аллея)\.?[ \t]+[^,\n;]{2,40}?,?[ \t]*(?:д\.?|дом|№)?[ \t]*[0-9]+[а-яa-z]?\b)|(?:\b[0-9]+[A-Za-z]?[ \t]+(?:\p{Lu}\p{Ll}+[ \t]+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr)\b)")
});
static BIRTHDATE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)(?:дат[аыуе][ \t]+рождения|д\.[ \t]?р\.|\bд/р|\bродил(?:ся|ась)|date[ \t]+of[ \t]+birth|\bdob\b|\bborn(?:[ \t]+on)?)[ \t:,\-–—]*([0-9]{1,4}[./\- ][0-9а-яa-z]{1,9}[./\- ][0-9]{2,4})")
});
static IPV4: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?:[0-9]{1,3}\.){3}[0-9]{1,3}\b"));
static VERSION_BEFORE: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)(?:верси\p{L}*|version|ver\.?|v\.?)[ \t:]*$"));
static URL: LazyLock<Regex> = LazyLock::new(|| re(r#"(?i)\bhttps?://[^\s<>"'«»]+"#));
static SIGNOFF_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?m)(?i:с[ \t]+уважением|с[ \t]+наилучшими[ \t]+пожеланиями|всего[ \t]+доброго|(?:best|kind|warm)[ \t]+regards|regards|sincerely|меня[ \t]+зовут|на[ \t]+связи|вас[ \t]+приветствует|my[ \t]+name[ \t]+is)[ \t]*[,:.!\-–—]?[ \t]*\n?[ \t]*(?:[\p{Ll}][\p{Ll}\- ]{0,80}?[ \t])?(\p{Lu}\p{Ll}+(?:[ \t]+\p{Lu}\p{Ll}+){0,2})")
});

/// Capitalised words after a sign-off that are not a person (lower case).
const NOT_PERSON: &[&str] = &[
    "служба", "команда", "поддержка", "поддержки", "отдел", "компания", "магазин", "сервис", "ваш", "ваша", "ваши",
    "администрация", "support", "team", "the", "customer", "service", "care", "your", "спасибо", "thanks",
];

/// The digit count of a string.
fn digits(s: &str) -> usize {
    s.chars().filter(char::is_ascii_digit).count()
}

/// A value compared with the allow list: letters and digits only, lower case.
fn normalized(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric() || *c == '@' || *c == '.' || *c == '/' || *c == '_').flat_map(char::to_lowercase).collect()
}

/// `value` with most letters and digits replaced by `*`: the first character of each run and the
/// last two digits of a number stay, so an editor can find it without the report repeating it.
pub fn mask_value(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let alnum = chars.iter().filter(|c| c.is_alphanumeric()).count();
    let mut seen = 0;
    let mut out = String::with_capacity(value.len());
    let mut run_start = true;
    for &c in &chars {
        if c.is_alphanumeric() {
            seen += 1;
            let keep = (run_start && seen == 1 && alnum > 4) || (alnum > 6 && seen > alnum - 2 && c.is_ascii_digit());
            out.push(if keep { c } else { '*' });
            run_start = false;
        } else {
            out.push(c);
            run_start = true;
        }
    }
    out
}

/// An organisation's role mailbox (`help@`, `noreply@`, `b2b@`): the address of a function, not of a
/// person, so not personal data. Staff give them in their answers ("write to b2b@…", "the receipt
/// comes from noreply@ofd.ru"), and the help center must keep them; redacted, the drafter could
/// only guess whose address it was. The names are RFC 2142's and the ones helpdesks commonly use;
/// a name with digits or a person's name in it (`anna.help@`) is not one.
pub fn role_mailbox(address: &str) -> bool {
    const ROLES: &[&str] = &[
        // RFC 2142
        "info", "marketing", "sales", "support", "abuse", "noc", "security", "postmaster", "hostmaster", "webmaster", "www",
        // common on helpdesks and shops
        "help", "helpdesk", "hello", "contact", "contacts", "feedback", "service", "care", "customercare", "customerservice",
        "office", "mail", "billing", "orders", "order", "shop", "store", "partners", "partner", "b2b", "corp", "corporate",
        "press", "pr", "media", "legal", "privacy", "dpo", "jobs", "careers", "returns", "delivery", "team", "admin",
        "noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply", "notifications", "news",
        "podderzhka", "pomosh", "zakaz", "zakazy", "otdel", "kontakt",
    ];
    let Some((local, domain)) = address.trim().rsplit_once('@') else {
        return false;
    };
    domain.contains('.') && ROLES.contains(&local.to_lowercase().as_str())
}

impl Guard {
    pub fn new(config: &GuardConfig) -> Guard {
        Guard { allow: config.allow.iter().map(|a| normalized(a)).filter(|a| !a.is_empty()).collect() }
    }

    fn allowed(&self, value: &str) -> bool {
        let v = normalized(value);
        !v.is_empty() && self.allow.iter().any(|a| *a == v || (v.len() >= 6 && a.contains(&v)) || (a.len() >= 6 && v.contains(a.as_str())))
    }

    /// The byte ranges of `text` that look like personal data, with their kinds (sorted, merged).
    pub fn spans(&self, text: &str) -> Vec<(Range<usize>, &'static str)> {
        let mut out: Vec<(Range<usize>, &'static str)> = Vec::new();
        let mut push = |r: Range<usize>, kind: &'static str| {
            if !self.allowed(&text[r.clone()]) {
                out.push((r, kind));
            }
        };
        for m in EMAIL.find_iter(text).filter(|m| !role_mailbox(m.as_str())) {
            push(m.range(), "email");
        }
        for m in DIGITS.find_iter(text) {
            let s = m.as_str().trim_end_matches([' ', '-', '(', '\u{a0}']);
            let r = m.start()..m.start() + s.len();
            let n = digits(s);
            let longest_run = s.split(|c: char| !c.is_ascii_digit()).map(str::len).max().unwrap_or(0);
            // Digits glued to letters are a hash or an id of the tool's own (`c-3f0912345678ab`).
            let glued = text[..r.start].chars().next_back().is_some_and(char::is_alphanumeric)
                || text[r.end..].chars().next().is_some_and(char::is_alphanumeric);
            if (n >= 9 || longest_run >= 7) && !glued && !UNIT_AFTER.is_match(&text[r.end..]) && !toll_free(s) {
                push(r, "number");
            }
        }
        for m in DOCUMENT.find_iter(text) {
            push(m.range(), "document");
        }
        for m in PROFILE_LINK.find_iter(text) {
            let s = m.as_str().trim_end_matches(['.', ',', ';', ':', '!', '?']);
            push(m.start()..m.start() + s.len(), "profile");
        }
        for c in HANDLE.captures_iter(text) {
            let m = c.get(1).expect("group");
            let s = m.as_str().trim_end_matches(['.', '_']);
            push(m.start()..m.start() + s.len(), "profile");
        }
        // "my online id is iamfunny100": the clean stage's own rule.
        for r in account_names(text) {
            push(r, "profile");
        }
        for m in ADDRESS.find_iter(text) {
            push(m.range(), "address");
        }
        for c in BIRTHDATE.captures_iter(text) {
            push(c.get(1).expect("group").range(), "birthdate");
        }
        for m in IPV4.find_iter(text) {
            let ok_octets = m.as_str().split('.').all(|o| o.parse::<u16>().is_ok_and(|v| v <= 255));
            let dotted = text[m.end()..].starts_with('.') && text[m.end() + 1..].starts_with(|c: char| c.is_ascii_digit());
            if ok_octets && !dotted && !VERSION_BEFORE.is_match(&text[..m.start()]) {
                push(m.range(), "ip");
            }
        }
        for m in URL.find_iter(text) {
            let url = m.as_str().trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
            if link_has_token(url) {
                push(m.start()..m.start() + url.len(), "link");
            }
        }
        for c in SIGNOFF_NAME.captures_iter(text) {
            let m = c.get(1).expect("group");
            let person = m.as_str().split_whitespace().all(|w| !NOT_PERSON.contains(&w.to_lowercase().as_str()));
            if person {
                push(m.range(), "name");
            }
        }
        out.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
        let mut merged: Vec<(Range<usize>, &'static str)> = Vec::new();
        for (r, k) in out {
            match merged.last_mut() {
                Some((last, _)) if r.start < last.end => last.end = last.end.max(r.end),
                _ => merged.push((r, k)),
            }
        }
        merged
    }

    /// The findings in one string, named by `field`.
    pub fn scan(&self, field: &str, text: &str) -> Vec<Finding> {
        self.spans(text)
            .into_iter()
            .map(|(r, kind)| Finding { kind: kind.to_string(), field: field.to_string(), masked: mask_value(&text[r]) })
            .collect()
    }

    /// `text` with every finding replaced by `[kind]`, and how many there were: for outputs that are
    /// not articles (reports, exports, prompts, search responses), where holding back is not an option.
    pub fn mask(&self, text: &str) -> (String, usize) {
        let spans = self.spans(text);
        if spans.is_empty() {
            return (text.to_string(), 0);
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (r, kind) in &spans {
            out.push_str(&text[last..r.start]);
            out.push('[');
            out.push_str(&kind.to_uppercase());
            out.push(']');
            last = r.end;
        }
        out.push_str(&text[last..]);
        (out, spans.len())
    }

    /// Every string of a JSON value, its path as the field name (`payload.also_asked[1]`).
    pub fn scan_json(&self, field: &str, value: &serde_json::Value, out: &mut Vec<Finding>) {
        match value {
            serde_json::Value::String(s) => out.extend(self.scan(field, s)),
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.scan_json(&format!("{field}[{i}]"), v, out);
                }
            }
            serde_json::Value::Object(map) => {
                for (k, v) in map.iter().filter(|(k, _)| !own_id(k)) {
                    self.scan_json(&format!("{field}.{k}"), v, out);
                }
            }
            _ => {}
        }
    }

    /// `value` with every string of it masked (through its JSON form), and how many values were
    /// masked: for typed outputs such as the report and the exports.
    pub fn mask_value<T: Serialize + serde::de::DeserializeOwned>(&self, value: T) -> serde_json::Result<(T, usize)> {
        let mut json = serde_json::to_value(&value)?;
        let n = self.mask_json(&mut json);
        Ok(if n == 0 { (value, 0) } else { (serde_json::from_value(json)?, n) })
    }

    /// Every string of a JSON value masked in place; returns how many values were masked.
    pub fn mask_json(&self, value: &mut serde_json::Value) -> usize {
        match value {
            serde_json::Value::String(s) => {
                let (masked, n) = self.mask(s);
                if n > 0 {
                    *s = masked;
                }
                n
            }
            serde_json::Value::Array(items) => items.iter_mut().map(|v| self.mask_json(v)).sum(),
            // The tool's own identifiers (cluster, article and point ids, hashes) are not text.
            serde_json::Value::Object(map) => map.iter_mut().filter(|(k, _)| !own_id(k)).map(|(_, v)| self.mask_json(v)).sum(),
            _ => 0,
        }
    }
}

/// The articles the publish guard held back, each with what it found.
pub type Held = Vec<(String, Vec<Finding>)>;

/// Counts the held-back articles as the stage's rejected records, names them in its summary line
/// and logs each one's findings (masked).
pub fn report_held(report: &mut crate::stage::StageReport, held: &Held) {
    if held.is_empty() {
        return;
    }
    report.rejected = held.len();
    let ids: Vec<&str> = held.iter().map(|(id, _)| id.as_str()).collect();
    report.summary.push_str(&format!("; {} held back by the publish guard (kbforge review show {})", held.len(), ids.join(", ")));
    for (id, findings) in held {
        let why: Vec<String> = findings.iter().map(Finding::to_string).collect();
        tracing::warn!("{}: held back {id}: {}", report.stage, why.join("; "));
    }
}

/// JSON keys whose values are the tool's own identifiers and timestamps, never personal data.
fn own_id(key: &str) -> bool {
    matches!(key, "id" | "cluster" | "content_hash" | "text_hash" | "updated_at") || key.ends_with("_id")
}

/// A toll-free number belongs to a company, never to a person: the caller does not pay, the
/// company that rents it does. Staff give their hotline in answers («позвоните 8 800 …»), and
/// redacted, the drafter could only guess whose number it was. Russia's `8 800` and `8 804`
/// (`+7 800`, `+7 804`), North America's `1 800`, `888`, `877`, `866`, `855`, `844`, `833`, and the
/// UK's `0800` and `0808` (`+44 800`, `+44 808`).
pub fn toll_free(s: &str) -> bool {
    let d: String = s.chars().filter(char::is_ascii_digit).collect();
    let ru = |n: &str| n.len() == 10 && (n.starts_with("800") || n.starts_with("804"));
    let nanp = |n: &str| n.len() == 10 && ["800", "888", "877", "866", "855", "844", "833"].iter().any(|p| n.starts_with(p));
    let uk = |n: &str| (9..=10).contains(&n.len()) && (n.starts_with("800") || n.starts_with("808"));
    match d.as_bytes().first() {
        Some(b'8') | Some(b'7') if d.len() == 11 => ru(&d[1..]),
        Some(b'1') if d.len() == 11 => nanp(&d[1..]),
        Some(b'0') => uk(&d[1..]),
        _ if d.starts_with("44") => uk(&d[2..]),
        // "(800) 555-35-35", the trunk prefix left out; written as a phone is, not as a run of
        // ten digits, which may as well be an order's number.
        _ => s.trim().contains([' ', '-', '(']) && (ru(&d) || nanp(&d)),
    }
}

/// A link that carries a token, a code or personal data: a query value of 8+ characters mixing
/// letters and digits, a value of 6+ digits, an `@`, or a key such as `token`, `code`, `email`.
fn link_has_token(url: &str) -> bool {
    const KEYS: &[&str] = &["token", "access_token", "code", "key", "sig", "signature", "session", "sid", "email", "phone", "pin", "otp", "password", "auth", "hash"];
    let Some((path, query)) = url.split_once('?') else {
        return url.split('/').skip(3).any(|seg| random_like(seg) || digits(seg) >= 7 || seg.contains('@'));
    };
    if path.split('/').skip(3).any(|seg| random_like(seg) || digits(seg) >= 7) {
        return true;
    }
    query.split(['&', ';', '#']).any(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or(("", pair));
        (!v.is_empty() && KEYS.contains(&k.to_ascii_lowercase().as_str()))
            || random_like(v)
            || v.contains('@')
            || v.to_ascii_lowercase().contains("%40")
            || (v.len() >= 6 && v.chars().all(|c| c.is_ascii_digit()))
    })
}

fn random_like(s: &str) -> bool {
    let letters = s.chars().filter(char::is_ascii_alphabetic).count();
    let d = digits(s);
    s.len() >= 8 && d >= 2 && letters >= 2 && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '='))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(&'static str, String)> {
        Guard::default().spans(text).into_iter().map(|(r, k)| (k, text[r].to_string())).collect()
    }

    #[test]
    fn finds_values_the_clean_stage_would_have_replaced() {
        let cases: &[(&str, &str, &str)] = &[
            ("Пишите на ivan.petrov@mail.ru", "email", "ivan.petrov@mail.ru"),
            ("Телефон +7 (912) 345-67-89", "number", "+7 (912) 345-67-89"),
            ("карта 4276 1234 5678 9012", "number", "4276 1234 5678 9012"),
            ("заказ 4587123 оплачен", "number", "4587123"),
            ("паспорт РБ MP1234567", "document", "MP1234567"),
            ("личный номер 3120585A001PB1", "document", "3120585A001PB1"),
            ("мой тг @anna_k85, пишите", "profile", "@anna_k85"),
            (".@anna_k85 fix the app", "profile", "@anna_k85"),
            ("страница vk.com/id123456789.", "profile", "vk.com/id123456789"),
            ("ps4 my online id is iamfunny100", "profile", "iamfunny100"),
            ("доставка: ул. Ленина, д. 5, кв. 12", "address", "ул. Ленина, д. 5"),
            ("дата рождения 12.03.1985", "birthdate", "12.03.1985"),
            ("Заходил с 85.143.22.7", "ip", "85.143.22.7"),
            ("https://shop.ru/activate?token=8f3a9c2b7d1e", "link", "https://shop.ru/activate?token=8f3a9c2b7d1e"),
            ("С уважением, специалист поддержки Анна Петрова", "name", "Анна Петрова"),
            ("Best regards,\nEmily Clark", "name", "Emily Clark"),
        ];
        for (text, kind, value) in cases {
            let found = kinds(text);
            assert!(found.iter().any(|(k, v)| k == kind && v.starts_with(value)), "{text:?}: {found:?}");
        }
    }

    #[test]
    fn leaves_prices_dates_placeholders_and_company_contacts() {
        for text in [
            "Сертификат на 10 000 000 рублей",
            "Действует с 01.01.2025 по 31.12.2025, в 10:00",
            "Звоните 8 800 555-35-35 с 9 до 21",
            "Ваш код [CODE], заказ № [ORDER], почта [EMAIL]",
            "С уважением, служба поддержки",
            "версия 1.2.3.4",
            "Правила: https://podarok-shop.ru/help/faq?lang=ru",
            "Магазин на улице Тверской принимает сертификаты",
            "Номинал от 500 до 50 000 ₽",
            "cluster: c-3f0912345678ab",
            "Оптовые заказы: b2b@podarokplus.ru, чек придёт от noreply@ofd.ru",
        ] {
            assert!(kinds(text).is_empty(), "{text:?}: {:?}", kinds(text));
        }
    }

    #[test]
    fn the_allow_list_lets_the_company_contacts_through() {
        let guard = Guard::new(&GuardConfig { allow: vec!["support@podarok.ru".into(), "+7 (495) 123-45-67".into(), "@podarok_help".into()] });
        assert!(guard.spans("Пишите support@podarok.ru или +7 495 123-45-67, канал @podarok_help").is_empty());
        assert_eq!(guard.spans("или anna@mail.ru").len(), 1);
    }

    #[test]
    fn masks_keep_a_hint_only() {
        assert_eq!(mask_value("ivan.petrov@mail.ru"), "i***.******@****.**");
        let m = mask_value("+7 912 345-67-89");
        assert!(m.ends_with("89") && !m.contains("912"), "{m}");
        let (text, n) = Guard::default().mask("почта anna@mail.ru, тел. 89121234567");
        assert_eq!((text.as_str(), n), ("почта [EMAIL], тел. [NUMBER]", 2));
    }
}
