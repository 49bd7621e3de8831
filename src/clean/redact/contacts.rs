//! Contacts: e-mails, phones (Russian in every common layout, local mobiles, international; not a
//! company's toll-free line, [`crate::guard::toll_free`]) and
//! messenger and social profiles (`@handle`, `t.me/…`, `vk.com/…`, WhatsApp links, a nick after
//! «ник»). A game or service account after "my id is", "username:", «логин» is found by
//! [`crate::guard::account_names`], which the publish guard shares.

use std::sync::LazyLock;

use regex::Regex;

use super::scan::*;
use super::{Kind, Rep};

pub(super) static EMAIL_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"[\w.+%\-]+@[\w\-]+(?:\.[\w\-]+)*\.\p{L}{2,}").expect("valid email regex")
});

pub(super) static RU_PHONE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?:\+[ ]?7|\b[78])[ \-]?(?:\([ ]?[0-9]{3,5}[ ]?\)|[0-9]{3})[ \-]?[0-9]{1,3}[ \-]?[0-9]{2}[ \-]?[0-9]{2}\b",
    )
    .expect("valid ru phone regex")
});

pub(super) static RU_LOCAL_PHONE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?:\([0-9]{3}\)[ \-]?|\b9[0-9]{2}[ \-]?)(?:[0-9]{3}[ \-]?[0-9]{2}[ \-]?[0-9]{2}|[0-9]{3}[ \-]?[0-9]{4})\b",
    )
    .expect("valid local phone regex")
});

pub(super) static INTL_PHONE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"\+[ ]?[1-9][0-9]{0,3}(?:[ \-]?\(?[0-9]{1,5}\)?){1,6}")
        .expect("valid intl phone regex")
});

/// Words before a 10-digit number that make it a tax or bank identifier, not a phone.
pub(super) static ID_KEYWORD_BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i)(?:инн|кпп|огрн|огрнип|бик|окпо|снилс|rrn|счет|счёт|счета|счёта|р/с|к/с|операции|транзакции|платежа|платёжа|inn|account)[ \t:№#]*$")
        .expect("valid id keyword regex")
});

/// Social and messenger profile links: a person's page, never a group's or a channel's path kind.
pub(super) static PROFILE_LINK_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r#"(?i)(?:\bhttps?://)?(?:\bwww\.|\bm\.)?\b(?:t\.me|telegram\.me|vk\.com|vk\.ru|ok\.ru|instagram\.com|wa\.me|api\.whatsapp\.com|whatsapp\.com|facebook\.com|fb\.com|tiktok\.com)/[^\s<>"'«»)\]]+"#)
        .expect("valid profile link regex")
});

/// Paths of those sites that are not a person: groups, public pages, apps.
pub(super) static GROUP_PATH_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i)/(?:club|public|group|groups|wall|topic|app|market|joinchat|addstickers|share)").expect("valid group path regex")
});

/// `@handle`, not inside an e-mail or a path.
pub(super) static HANDLE_RE: LazyLock<Regex> = LazyLock::new(|| {
    // ".@hulu fix the app": the dot Twitter users put before a mention so everyone sees it.
    crate::clean::compile(r"(?:^\.?|[^\w@.\-/]|\s\.)(@[A-Za-z0-9_][A-Za-z0-9_.]{2,31})").expect("valid handle regex")
});

/// A handle right where another ended.
pub(super) static GLUED_HANDLE_RE: LazyLock<Regex> = LazyLock::new(|| crate::clean::compile(r"^@[A-Za-z0-9_][A-Za-z0-9_.]{2,31}").expect("valid glued handle regex"));

/// A bare nick after "ник в инсте", "ник в тг".
pub(super) static NICK_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i)(\bник(?:нейм)?(?:[ \t]+в[ \t]+(?:инст\p{L}*|телеграм\p{L}*|тг|вк|тикток\p{L}*))?[ \t:—–\-]*)([A-Za-z][A-Za-z0-9_.]{2,31})")
        .expect("valid nick regex")
});

/// A profile as compared with `[clean] public-profiles`: lower case, no scheme, `www.`, `@` or
/// trailing slash.
pub(super) fn profile_key(s: &str) -> String {
    let s = s.trim().to_lowercase();
    let s = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")).unwrap_or(&s).to_string();
    let s = s.strip_prefix("www.").unwrap_or(&s);
    s.trim_start_matches('@').trim_end_matches('/').to_string()
}

pub(super) fn redact_ru_phones(text: &str) -> Vec<Rep> {
    scan(text, &RU_PHONE_RE, |text, caps| {
        let m = caps.get(0)?;
        let ok = digit_count(m.as_str()) == 11 && !before_blocks_phone(text, m.start()) && !crate::guard::toll_free(m.as_str());
        ok.then(|| (m.start(), m.end(), Kind::Phone))
    })
}

pub(super) fn redact_intl_phones(text: &str) -> Vec<Rep> {
    scan(text, &INTL_PHONE_RE, |text, caps| {
        let m = caps.get(0)?;
        let s = m.as_str().trim_end_matches([' ', '-', '(']);
        let digits = digit_count(s);
        let ok = (8..=15).contains(&digits)
            && !crate::guard::toll_free(s)
            && !char_after(text, m.start() + s.len()).is_some_and(|c| c.is_alphanumeric())
            && !char_before(text, m.start()).is_some_and(|c| c.is_alphanumeric());
        ok.then(|| (m.start(), m.start() + s.len(), Kind::Phone))
    })
}

pub(super) fn redact_local_phones(text: &str) -> Vec<Rep> {
    scan(text, &RU_LOCAL_PHONE_RE, |text, caps| {
        let m = caps.get(0)?;
        let ok = digit_count(m.as_str()) == 10
            && !crate::guard::toll_free(m.as_str())
            && !before_blocks_phone(text, m.start())
            && !ID_KEYWORD_BEFORE_RE.is_match(tail(text, m.start(), 48));
        ok.then(|| (m.start(), m.end(), Kind::Phone))
    })
}

/// A phone does not start right after a letter, a digit, `+` or `_`, nor after `.`, `-`, `/`, `:`
/// that follow a digit (that would make it part of a longer number, a date or a time).
pub(super) fn before_blocks_phone(text: &str, start: usize) -> bool {
    let mut it = text[..start].chars().rev();
    match it.next() {
        Some(c) if c.is_alphanumeric() || matches!(c, '+' | '_') => true,
        Some('.' | '-' | '/' | ':') => it.next().is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    }
}
