//! Links and network addresses: URLs that carry a token, a code or personal data in their query or
//! path, and IP addresses (not version numbers).

use std::sync::LazyLock;

use regex::Regex;

use super::scan::*;
use super::{Kind, Rep};

pub(super) static URL_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r#"(?i)\b(?:https?://|www\.)[^\s<>"'«»\[\]{}|\\^`]+"#).expect("valid url regex")
});

pub(super) static IPV4_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"\b(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\b")
        .expect("valid ipv4 regex")
});

pub(super) static IPV6_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i)\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4}\b")
        .expect("valid ipv6 regex")
});

/// A version number looks like an IPv4 address: "версия 1.2.3.4", "v10.0.0.1".
pub(super) static VERSION_BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i)(?:верси[яиюейё]|версии|version|ver\.?|вер\.|v\.?|сборк[аиу])(?:[ \t]+\p{L}+){0,2}[ \t:]*$").expect("valid version regex")
});

/// URLs are matched without overlap: a URL without a token is skipped whole (linear time).
pub(super) fn redact_urls(text: &str) -> Vec<Rep> {
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
pub(super) fn redact_ips(text: &str) -> Vec<Rep> {
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

pub(super) const TOKEN_KEYS: &[&str] = &[
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
pub(super) fn url_has_token(url: &str) -> bool {
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
pub(super) fn looks_random(s: &str) -> bool {
    let alnum = s.chars().filter(char::is_ascii_alphanumeric).count();
    let digits = digit_count(s);
    let letters = s.chars().filter(char::is_ascii_alphabetic).count();
    alnum >= 12
        && digits >= 3
        && letters >= 2
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '='))
}
