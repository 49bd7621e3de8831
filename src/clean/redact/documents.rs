//! Identity documents and dates of birth: RU/BY/KZ passports in their local forms, driver's
//! licences, SNILS, INN, the Kazakh IIN and the Belarusian personal number.

use std::sync::LazyLock;

use regex::Regex;

use super::scan::*;

pub(super) static PASSPORT_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(&format!(
        r"(?i)(\b(?:паспорт[а-я]*|загранпаспорт[а-я]*|загран\p{{L}}*|passport|удостоверени[еяю][ \t]+личности|уд(?:ост\p{{L}}*)?\.?[ \t]*личности|id[ \t\-]?карт[аыу]|id[ \t\-]?card|серия[ \t]+(?:и[ \t]+)?номер)(?:[ \t]+(?:рф|рб|рк|kz|by|ru|гражданина(?:[ \t]+(?:рф|рб|рк|республики[ \t]+(?:беларусь|казахстан)|российской[ \t]+федерации))?|республики[ \t]+(?:беларусь|казахстан)|беларуси|казахстана|россии|of[ \t]+(?:belarus|kazakhstan|russia)))?{GAP}[ \t:№#\-–—]{{0,6}}(?:серия[ \t:]*)?)(?P<value>(?-i:[0-9]{{2}}[ ]?[0-9]{{2}}[ ]?(?:(?:№|номер)[ \t]*)?[0-9]{{6}}|[0-9]{{2}}[ ]?[0-9]{{7}}|[A-ZА-ЯЁ]{{2}}[ ]?[0-9]{{7}}|N[ ]?[0-9]{{8}}|[A-Z]{{0,2}}[0-9]{{7,9}}))\b",
    ))
    .expect("valid passport regex")
});

pub(super) static PASSPORT_SERIES_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i)(\bсерия[ \t:]*)([0-9]{2}[ ]?[0-9]{2}[ \t,]*(?:номер|№)[ \t:№]*[0-9]{6})\b")
        .expect("valid passport series regex")
});

pub(super) static SNILS_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"\b[0-9]{3}-[0-9]{3}-[0-9]{3}[ \-][0-9]{2}\b").expect("valid snils regex")
});

pub(super) static SNILS_KEYWORD_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i)(\b(?:снилс|snils)[ \t:№#\-–—]*)([0-9]{11}|[0-9]{3} [0-9]{3} [0-9]{3} [0-9]{2})\b")
        .expect("valid snils keyword regex")
});

pub(super) static INN_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i)(\b(?:инн|inn)(?:[ \t]+(?:организации|компании|получателя|плательщика))?[ \t:№#\-–—]*)([0-9]{12}|[0-9]{10})\b")
        .expect("valid inn regex")
});

/// The Belarusian identification number: 7 digits, a region letter, 3 digits, 2 letters, a digit.
pub(super) static PERSONAL_NO_RE: LazyLock<Regex> =
    LazyLock::new(|| crate::clean::compile(r"(?i)\b[0-9]{7}[A-Z][0-9]{3}[A-Z]{2}[0-9]\b").expect("valid personal number regex"));

/// A driver's licence number after its keyword: `99 12 345678`, `77 АВ 123456`, `5AB 123456`,
/// `AB 123456`, 10 digits in a row.
pub(super) static LICENCE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(&format!(
        r"(?i)(\b(?:водительск\p{{L}}*[ \t]+удостоверени\p{{L}}*|вод\.?[ \t]*удостоверени\p{{L}}*|водительск\p{{L}}*|ву|(?:номер[ \t]+)?прав(?:а|ах)?|driver'?s?[ \t]+licen[cs]e|driving[ \t]+licen[cs]e)(?:[ \t]+(?:рф|рб|рк|россии|беларуси|казахстана))?{GAP}[ \t:№#\-–—?]{{0,6}})(?P<value>(?-i:[0-9]{{2}}[ ]?[0-9]{{2}}[ ]?[0-9]{{6}}|[0-9]{{2}}[ ]?[A-ZА-ЯЁ]{{2}}[ ]?[0-9]{{6}}|[0-9][A-ZА-ЯЁ]{{2}}[ ]?[0-9]{{6}}|[A-ZА-ЯЁ]{{2}}[ ]?[0-9]{{6,7}}))\b",
    ))
    .expect("valid licence regex")
});

/// Belarusian passport series (Latin or their Cyrillic look-alikes) and Kazakh passports, without
/// a keyword: `MP1234567`, `N12345678`.
pub(super) static PASSPORT_BARE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"\b(?:AB|BM|HB|KH|MP|MC|KB|PP|SP|DP|АВ|ВМ|НВ|КН|МР|МС|КВ|РР)[ ]?[0-9]{7}\b|\bN[0-9]{8}\b").expect("valid bare passport regex")
});

/// The Kazakh IIN or BIN after its keyword.
pub(super) static IIN_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(r"(?i)(\b(?:иин|бин|iin|bin)(?:[ \t]+(?:получателя|покупателя|плательщика|организации|компании))?[ \t:№#\-–—?]*(?:вот[ \t:]*)?)([0-9]{12})\b")
        .expect("valid iin regex")
});

pub(super) static TWELVE_DIGITS_RE: LazyLock<Regex> = LazyLock::new(|| crate::clean::compile(r"\b[0-9]{12}\b").expect("valid 12 digits regex"));

pub(super) const MONTHS: &str = r"(?:январ|феврал|март|апрел|ма[яй]|июн|июл|август|сентябр|октябр|ноябр|декабр|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\p{L}*\.?";

/// A date after a birth-date keyword. A day and month without the year (`short`: «12 марта»,
/// "March 12th", «12.03») counts only in the keyword's clause (no comma between); after the
/// spoken «день рождения» (`spoken`) only with [`BIRTHDAY_GAP`]'s words between: «у меня день
/// рождения 12 марта», not «бонусы на день рождения действуют до 12 марта».
pub(super) static BIRTHDATE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(&format!(
        r"(?i)(\b(?:дат[аыуе][ \t]+рождения|д\.[ \t]?р\.|д/р|др|родил(?:ся|ась)|date[ \t]+of[ \t]+birth|dob|d\.o\.b\.|born(?:[ \t]+on)?|birthday|(?P<spoken>(?:день|дня|дню|днём|днем)[ \t]+рождения)){GAP}[ \t:,\-–—]*)(?P<value>[0-9]{{1,2}}[./\-][0-9]{{1,2}}[./\-](?:[0-9]{{4}}|[0-9]{{2}})|[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}|[0-9]{{1,2}}[ \t]+{MONTHS}[ \t]+[0-9]{{4}}|{MONTHS}[ \t]+[0-9]{{1,2}},?[ \t]+[0-9]{{4}}|(?P<short>[0-9]{{1,2}}[ \t]+{MONTHS}|{MONTHS}[ \t]+[0-9]{{1,2}}(?:st|nd|rd|th)?|[0-9]{{1,2}}[./][0-9]{{1,2}}))(?:\b|$)"
    ))
    .expect("valid birthdate regex")
});

/// The words that may stand between the spoken «день рождения» and its date: whose it is («у
/// меня», «мой», "is").
pub(super) const BIRTHDAY_GAP: &[&str] = &["у", "меня", "мой", "моя", "is", "on", "was", "mine"];

/// The Kazakh IIN/BIN check digit (weights 1..11, then 3..11,1,2 when the first sum gives 10).
pub(super) fn iin_ok(digits: &str) -> bool {
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
pub(super) fn plausible_iin(digits: &str) -> bool {
    let b = digits.as_bytes();
    let two = |i: usize| (b[i] - b'0') as u32 * 10 + (b[i + 1] - b'0') as u32;
    let month_ok = (1..=12).contains(&two(2));
    iin_ok(digits) && month_ok
}
