//! Quoted replies and forwards: cut from the first marker line to the end (the text above is kept), and
//! drop `>`-prefixed lines anywhere.
//!
//! Markers: attribution lines of Gmail (RU/EN, also wrapped over two or three lines), Apple Mail, Yandex,
//! Mail.ru, Thunderbird; Outlook `-----Original Message-----` / `-----Исходное сообщение-----`; header
//! blocks `От:/Отправлено:/Кому:/Тема:` and `From:/Sent:/To:/Subject:`; forward banners; helpdesk
//! "reply above this line" separators.

use std::sync::LazyLock;

use regex::Regex;

/// Lines longer than this (in bytes) are content, never a marker.
const MAX_MARKER_LEN: usize = 600;

static BANNER_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?i)^[\s\-=_*>]*(?:original message|исходное сообщение|forwarded message|пересылаемое сообщение|пересланное сообщение|переадресованное сообщение|начало пересылаемого сообщения|начало переадресованного сообщения|начало пересланного сообщения|begin forwarded message|reply message|ответное сообщение)[\s\-=_*:]*$",
    )
    .expect("valid banner regex")
});

static REPLY_ABOVE_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?i)(?:выше\s+этой\s+(?:строки|линии|черты)|above\s+this\s+line|ниже\s+этой\s+(?:строки|линии|черты)\s+не\s+пишите)",
    )
    .expect("valid reply-above regex")
});

static ON_START_RE: LazyLock<Regex> =
    LazyLock::new(|| crate::clean::compile(r"(?i)^on\s").expect("valid on regex"));

static VERB_END_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?i)(?:wrote|writes|написал|написала|написали|написал\s*\(\s*а\s*\)|пишет|писал|писала)\s*:$",
    )
    .expect("valid verb regex")
});

static DATE_START_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?i)^(?:\d|(?:понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|пн|вт|ср|чт|пт|сб|вс|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\b)",
    )
    .expect("valid date start regex")
});

static TIME_RE: LazyLock<Regex> =
    LazyLock::new(|| crate::clean::compile(r"\b\d{1,2}:\d{2}\b").expect("valid time regex"));

static YEAR_RE: LazyLock<Regex> =
    LazyLock::new(|| crate::clean::compile(r"\b(?:19|20)\d{2}\b").expect("valid year regex"));

static ANGLE_EMAIL_RE: LazyLock<Regex> =
    LazyLock::new(|| crate::clean::compile(r"<\s*[^<>\s]+@[^<>\s]+\s*>").expect("valid angle email regex"));

static EMAIL_START_RE: LazyLock<Regex> =
    LazyLock::new(|| crate::clean::compile(r"^[^\s@]+@[^\s@]+\.\w+").expect("valid email start regex"));

static HEADER_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?i)^[*\s]*(от кого|от|from|отправлено|отправлен|дата|date|sent|кому|to|тема|subject|копия|cc|reply-to)[*\s]*:",
    )
    .expect("valid header regex")
});

/// Cuts quoted replies/forwards and drops `>`-prefixed lines.
pub(crate) fn strip_quotes(text: &str) -> String {
    let lines = drop_gt_lines(text.split('\n').collect());
    let cut = find_quote_start(&lines);
    let mut kept = &lines[..cut];
    while let Some((last, rest)) = kept.split_last() {
        if is_separator_or_blank(last) {
            kept = rest;
        } else {
            break;
        }
    }
    kept.join("\n")
}

/// Drops lines quoted with `>` (a run of two or more, or a single one written like a quote: `>` followed
/// by a space, another `>`, or nothing).
fn drop_gt_lines(lines: Vec<&str>) -> Vec<&str> {
    let is_gt = |l: &str| l.trim_start().starts_with('>');
    let looks_quoted = |l: &str| {
        let rest = &l.trim_start()[1..];
        rest.is_empty() || rest.starts_with(' ') || rest.starts_with('>')
    };
    let mut keep = vec![true; lines.len()];
    let mut i = 0;
    while i < lines.len() {
        if is_gt(lines[i]) {
            let start = i;
            while i < lines.len() && is_gt(lines[i]) {
                i += 1;
            }
            let run = &lines[start..i];
            if run.len() >= 2 || looks_quoted(run[0]) {
                keep[start..i].iter_mut().for_each(|k| *k = false);
            }
        } else {
            i += 1;
        }
    }
    lines
        .into_iter()
        .zip(keep)
        .filter_map(|(l, k)| k.then_some(l))
        .collect()
}

fn is_separator_or_blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty()
        || t.chars()
            .all(|c| matches!(c, '-' | '_' | '=' | '*' | '~' | '—' | '–'))
}

/// Index of the first line of the quoted part, or `lines.len()` when there is none.
fn find_quote_start(lines: &[&str]) -> usize {
    let n = lines.len();
    for i in 0..n {
        let l = lines[i].trim();
        if l.is_empty() || l.len() > MAX_MARKER_LEN {
            continue;
        }
        if is_marker_line(l) || is_header_block_start(lines, i) {
            return i;
        }
        // An attribution line wrapped over two or three lines: line i must start like one.
        if could_start_attribution(l) {
            let mut joined = l.to_string();
            for next in lines.iter().take((i + 3).min(n)).skip(i + 1) {
                let next = next.trim();
                if next.is_empty() || next.len() > MAX_MARKER_LEN {
                    break;
                }
                // When the next line is a marker by itself, line i is content, unless it plainly
                // breaks off inside the attribution ("On ... Name", "... Name <").
                if is_marker_line(next) && !ON_START_RE.is_match(l) && !has_unclosed_angle(&joined)
                {
                    break;
                }
                joined.push(' ');
                joined.push_str(next);
                if is_attribution(&joined) {
                    return i;
                }
            }
        }
    }
    n
}

fn has_unclosed_angle(s: &str) -> bool {
    s.rfind('<').is_some_and(|p| !s[p..].contains('>'))
}

fn is_marker_line(l: &str) -> bool {
    BANNER_RE.is_match(l) || REPLY_ABOVE_RE.is_match(l) || is_attribution(l)
}

fn could_start_attribution(l: &str) -> bool {
    ON_START_RE.is_match(l)
        || (DATE_START_RE.is_match(l) && (TIME_RE.is_match(l) || YEAR_RE.is_match(l)))
}

/// "On ... wrote:", "пн, 5 мая 2025 г. в 10:00, Name <a@b.ru>:", "05.05.2025, 10:00, "Name" <a@b.ru>:",
/// "Понедельник, 5 мая 2025, 10:00 +03:00 от Name <a@b.ru>:", "05.05.2025 10:00, Name пишет:",
/// "Name <a@b.ru> написал(а):".
fn is_attribution(l: &str) -> bool {
    let l = l.trim();
    if !l.ends_with(':') {
        return false;
    }
    let verb = VERB_END_RE.is_match(l);
    if ON_START_RE.is_match(l) && verb {
        return true;
    }
    if DATE_START_RE.is_match(l) {
        let year = YEAR_RE.is_match(l);
        let time = TIME_RE.is_match(l);
        if (year || time) && ANGLE_EMAIL_RE.is_match(l) {
            return true;
        }
        if year && verb {
            return true;
        }
    }
    verb && (ANGLE_EMAIL_RE.is_match(l) || EMAIL_START_RE.is_match(l))
}

/// A block of mail headers: `From:`/`От:` plus at least two more headers, or plus one more when the
/// From line holds an e-mail address. Blank lines inside the block are allowed.
fn is_header_block_start(lines: &[&str], i: usize) -> bool {
    if HEADER_RE.captures(lines[i].trim()).is_none() {
        return false;
    }
    let mut headers = 0;
    let mut from_line: Option<&str> = None;
    let mut has_meta = false;
    for line in lines.iter().skip(i).take(8) {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let Some(caps) = HEADER_RE.captures(t) else {
            break;
        };
        headers += 1;
        let key = caps[1].to_lowercase();
        match key.as_str() {
            "от" | "от кого" | "from" if from_line.is_none() => from_line = Some(t),
            "отправлено" | "отправлен" | "дата" | "date" | "sent" | "тема" | "subject" => {
                has_meta = true
            }
            _ => {}
        }
    }
    match from_line {
        Some(f) => (headers >= 3 && has_meta) || (headers >= 2 && f.contains('@')),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ABOVE: &str = "Код не приходит, что делать?";

    /// Each quoted part is appended to ABOVE; only ABOVE must remain.
    #[test]
    fn quote_formats_table() {
        let quotes: &[&str] = &[
            // Gmail RU
            "пн, 5 мая 2025 г. в 10:00, Служба поддержки <help@x.ru>:\n> Добрый день!\n> Чем помочь?",
            // Gmail RU wrapped over two lines
            "пн, 5 мая 2025 г. в 10:00, Служба поддержки <\nhelp@x.ru>:\n> Добрый день!",
            "пн, 5 мая 2025 г. в 10:00, Служба поддержки\n<help@x.ru>:\n\n> Добрый день!",
            // Gmail RU newer style
            "пт, 16 авг. 2019 г., 12:05 Служба поддержки <help@x.ru>:\nтекст",
            // Gmail EN, also wrapped
            "On Mon, May 5, 2025 at 10:00 AM Support <a@b.com> wrote:\n> Hello",
            "On Mon, May 5, 2025 at 10:00 AM Support Team <\na@b.com> wrote:\n> Hello",
            "On Mon, May 5, 2025 at 10:00 AM Support Team\n<a@b.com>\nwrote:\n> Hello",
            // Outlook
            "-----Original Message-----\nFrom: a@b.com\nSent: Monday\nold text",
            "-----Исходное сообщение-----\nОт: Поддержка\nold",
            "----- Original Message -----\nold",
            // Outlook header blocks
            "________________________________\nОт: Служба поддержки <help@x.ru>\nОтправлено: 5 мая 2025 г. 10:00\nКому: Иван\nТема: Re: Сертификат\n\nСтарый текст",
            "From: Support <help@x.ru>\nSent: Monday, May 5, 2025 10:00 AM\nTo: Ivan\nSubject: RE: Gift card\n\nOld text",
            "*From:* Support\n*Sent:* Monday, May 5, 2025 10:00 AM\n*To:* Ivan\n*Subject:* RE: card",
            "From: Support\nDate: 05.05.2025\nSubject: test\nold",
            // Yandex
            "05.05.2025, 10:00, \"Служба поддержки\" <help@x.ru>:\nстарое",
            "5 мая 2025 г., 10:00 Служба поддержки <help@x.ru>:\nстарое",
            // Mail.ru
            "Понедельник, 5 мая 2025, 10:00 +03:00 от Служба поддержки <help@x.ru>:\nстарое",
            // Apple Mail
            "On 5 May 2025, at 10:00, Support <a@b.ru> wrote:\n\nold",
            "5 мая 2025 г., в 10:00, Служба поддержки <help@x.ru> написал(а):\n\nстарое",
            // Thunderbird
            "05.05.2025 10:00, Служба поддержки пишет:\n> старое",
            "On 05/05/2025 10:00, Support wrote:\n> old",
            // bare attribution
            "Служба поддержки <help@x.ru> написал(а):\nстарое",
            // forwards
            "---------- Forwarded message ---------\nFrom: A <a@b.com>\nDate: Mon\nSubject: x\nTo: b",
            "---------- Пересылаемое сообщение ----------\nОт: a\nстарое",
            "-------- Пересылаемое сообщение --------\n05.05.2025, 10:00, \"A\" <a@b.ru>:",
            "Begin forwarded message:\n\nFrom: a@b.ru",
            "Начало пересылаемого сообщения:\nстарое",
            // helpdesk separator
            "## Пожалуйста, пишите ответ выше этой строки ##\nСтарое сообщение",
            "-- Please type your reply above this line --\nold",
        ];
        for q in quotes {
            let input = format!("{ABOVE}\n\n{q}");
            assert_eq!(strip_quotes(&input), ABOVE, "quote: {q:?}");
        }
    }

    #[test]
    fn gt_lines_dropped_anywhere() {
        let cases: &[(&str, &str)] = &[
            ("> старое\n> ещё\nновое", "новое"),
            (
                "новое\n>старое\n>>ещё старое\nещё новое",
                "новое\nещё новое",
            ),
            ("> one quoted line\nanswer", "answer"),
            (">\nanswer", "answer"),
            // a lone `>` glued to a word is not treated as a quote
            (">5000 рублей списали", ">5000 рублей списали"),
        ];
        for (input, want) in cases {
            assert_eq!(strip_quotes(input), *want, "{input:?}");
        }
    }

    #[test]
    fn not_quotes_table() {
        let texts: &[&str] = &[
            "Купил сертификат 05.05.2025 в 10:00, код не пришёл.",
            "5 мая в 10:00 я написал:\n1. номер заказа\n2. сумму",
            "Письмо пришло от: магазина\nи всё",
            "Кому: Анна\nОт: Иван\nТекст поздравления: С днём рождения!",
            "On Monday I bought a gift card.",
            "Вот что я вам писал раньше, ответа нет.",
            "Оплатил 2025 рублей в 10:00",
        ];
        for t in texts {
            assert_eq!(strip_quotes(t), *t, "{t:?}");
        }
    }

    #[test]
    fn marker_first_line_gives_empty() {
        assert_eq!(
            strip_quotes("-----Original Message-----\nFrom: a@b.com\nold"),
            ""
        );
    }
}
