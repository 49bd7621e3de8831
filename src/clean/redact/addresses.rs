//! Street addresses with a house number (Russian and English) and postcodes beside a city.

use std::sync::LazyLock;

use regex::Regex;

use super::scan::*;
use super::{Kind, Rep};

pub(super) const STREET_TYPE: &str = r"(?:ул|улица|пр-т|пр|просп|проспект|пер|переулок|б-р|бул|бульвар|ш|шоссе|наб|набережная|пл|площадь|мкр|микрорайон|проезд|пр-д|тупик|аллея|тракт|квартал|кв-л)";

/// A street address: the street's type and name, the house (with building and flat).
pub(super) static ADDRESS_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(&format!(
        r"(?i:\b{STREET_TYPE})(?:\.[ \t]*|[ \t]+)(?:[\p{{L}}0-9][\p{{L}}0-9\-]*\.?[ \t]+){{0,3}}?[\p{{L}}][\p{{L}}0-9\-]*,?[ \t]*(?i:(?:д|дом)\.?[ \t]*)?[0-9]{{1,4}}(?:[/к][0-9]{{1,4}})?[а-яА-Яa-zA-Z]?(?:-[0-9]{{1,4}})?(?:[ \t]*,?[ \t]*(?i:корп|корпус|к|стр|строение|кв|квартира|оф|офис)\.?[ \t]*[0-9]{{1,4}}[а-яА-Яa-zA-Z]?)*"
    ))
    .expect("valid address regex")
});

/// A house and a flat without the street: `д. 5, кв. 12`.
pub(super) static HOUSE_FLAT_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i:\b(?:д|дом))\.?[ \t]*[0-9]{1,4}(?:[/к][0-9]{1,4})?[а-яА-Яa-zA-Z]?[ \t]*,?[ \t]*(?i:кв|квартира)\.?[ \t]*[0-9]{1,4}")
        .expect("valid house regex")
});

/// An English street address: `12 Baker Street, flat 3`.
pub(super) static ADDRESS_EN_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"\b[0-9]{1,5}[A-Za-z]?[ \t]+(?:\p{Lu}\p{Ll}+[ \t]+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr|Square|Sq)\b\.?(?:,?[ \t]*(?i:apt|apartment|flat|suite|unit)\.?[ \t]*#?[0-9]{1,5}[A-Za-z]?)?")
        .expect("valid english address regex")
});

/// A postcode: 6 digits (Russia, Belarus, old Kazakh) or the Kazakh `A15E3C5`, after `индекс`.
pub(super) static POSTCODE_KEYWORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i)(\b(?:почтовый[ \t]+)?(?:индекс|postcode|post[ \t]+code|zip(?:[ \t]+code)?)[ \t:№]*)((?-i:[0-9]{6}|[A-Z][0-9]{2}[ ]?[A-Z][0-9][A-Z][0-9]))\b")
        .expect("valid postcode regex")
});

/// A postcode by itself: 6 digits, or the Kazakh `A15E3C5`.
pub(super) static POSTCODE_RE: LazyLock<Regex> =
    LazyLock::new(|| crate::clean::compile(r"\b(?:[0-9]{6}|[A-Z][0-9]{2}[ ]?[A-Z][0-9][A-Z][0-9])\b").expect("valid postcode regex"));

/// Words that open an address, just before a postcode.
pub(super) static ADDRESS_WORD_BEFORE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i)(?:адрес\p{L}*|доставк\p{L}*|address)[ \t:,\-–—]*(?:\p{L}+[ \t]*){0,3}[ \t:,]*$").expect("valid address word regex")
});

/// A postcode opening an address: `119021, г. Москва`, `Z10 F8M1, ул. …`.
pub(super) static POSTCODE_LEADING_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(&format!(r"\b(?:[0-9]{{6}}|[A-Z][0-9]{{2}}[ ]?[A-Z][0-9][A-Z][0-9])[ \t]*,?[ \t]+(?:г\.|город|(?i:{STREET_TYPE})\.?[ \t]|\p{{Lu}})"))
        .expect("valid leading postcode regex")
});

/// Street addresses (Russian and English), house-and-flat pairs and postcodes.
pub(super) fn redact_addresses(text: &str) -> Vec<Rep> {
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
