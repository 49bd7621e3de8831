//! Character normalisation, messenger artefacts and whitespace collapsing.

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// CRLF/CR to LF, zero-width and control characters dropped (except `\n`), tab and Unicode spaces
/// (NBSP, thin spaces, ideographic space) to a plain space, Unicode line separators to `\n`, then NFC.
pub(crate) fn normalize_chars(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' | '\u{000B}' | '\u{000C}' | '\u{0085}' | '\u{2028}' | '\u{2029}' => out.push('\n'),
            '\t' => out.push(' '),
            '\u{00A0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}' => out.push(' '),
            '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFC}' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    if out.is_ascii() || unicode_normalization::is_nfc_quick(out.chars()) == unicode_normalization::IsNormalized::Yes {
        return out;
    }
    out.nfc().collect()
}

/// Messenger artefacts: `[Стикер]`, `[Sticker]`, `[Фото]`, `[Голосовое сообщение]`, `<media omitted>`,
/// WhatsApp's `image omitted`, `<attached: ...>`.
static ARTEFACT_RE: LazyLock<Regex> = LazyLock::new(|| {
    crate::clean::compile(
        r"(?i)\[(?:стикер|sticker|фото|фотография|photo|изображение|image|картинка|picture|видео|video|видеосообщение|video message|голосовое сообщение|голосовое|аудио|аудиосообщение|audio|voice message|voice|файл|file|документ|document|gif|анимация|animation|геопозиция|местоположение|location|контакт|contact|опрос|poll|эмодзи|emoji|вложение|attachment|медиа|media)(?:[:\s][^\]\n]{0,200})?\]|<(?:media omitted|медиа отсутствуют|без медиафайлов|медиафайл пропущен|файл пропущен|attached:[^>\n]{0,200}|прикреплено:[^>\n]{0,200})>|\b(?:image|video|audio|sticker|document|gif|photo) omitted\b",
    )
    .expect("valid artefact regex")
});

pub(crate) fn remove_artefacts(s: &str) -> String {
    // Every artefact holds `[`, `<` or "omitted"; the regex (case-insensitive, with a Unicode word
    // boundary) is slow on Cyrillic text, so most messages skip it.
    let maybe = s.contains(['[', '<']) || s.as_bytes().windows(7).any(|w| w.eq_ignore_ascii_case(b"omitted"));
    if !maybe {
        return s.to_string();
    }
    ARTEFACT_RE.replace_all(s, " ").into_owned()
}

/// Per line: runs of spaces to one, trimmed; blank lines between paragraphs kept as one; whole text
/// trimmed. So 3+ newlines become 2.
pub(crate) fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_blank = false;
    for line in s.split('\n') {
        let mut collapsed = String::with_capacity(line.len());
        for word in line.split([' ', '\t']).filter(|w| !w.is_empty()) {
            if !collapsed.is_empty() {
                collapsed.push(' ');
            }
            collapsed.push_str(word);
        }
        if collapsed.is_empty() {
            pending_blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if pending_blank { "\n\n" } else { "\n" });
        }
        pending_blank = false;
        out.push_str(&collapsed);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_table() {
        let cases: &[(&str, &str)] = &[
            ("a\r\nb\rc", "a\nb\nc"),
            ("a\u{200B}b\u{200C}c\u{200D}d\u{FEFF}e\u{00AD}f", "abcdef"),
            ("a\u{00A0}b\u{202F}c\u{3000}d", "a b c d"),
            ("a\u{0000}b\u{0007}c\u{001B}d\u{007F}e", "abcde"),
            ("a\tb", "a b"),
            ("line\u{2028}next", "line\nnext"),
            // NFC: e + combining acute -> é; и + combining breve -> й
            ("e\u{0301}", "\u{00E9}"),
            ("и\u{0306}", "й"),
            ("\u{202E}reversed\u{202C}", "reversed"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize_chars(input), *want, "{input:?}");
        }
    }

    #[test]
    fn artefacts_table() {
        let cases: &[(&str, &str)] = &[
            ("[Стикер]", ""),
            ("[Sticker] привет", "привет"),
            ("смотрите [Фото] вот", "смотрите вот"),
            ("[Голосовое сообщение]", ""),
            ("<media omitted>", ""),
            ("<Медиа отсутствуют>", ""),
            ("image omitted", ""),
            ("[Фото: IMG_001.jpg] чек", "чек"),
            ("[Voice message]", ""),
            ("<attached: 00000012-PHOTO.jpg>", ""),
            // not artefacts
            ("[EMAIL] и [важно]", "[EMAIL] и [важно]"),
        ];
        for (input, want) in cases {
            assert_eq!(
                collapse_whitespace(&remove_artefacts(input)),
                *want,
                "{input:?}"
            );
        }
    }

    #[test]
    fn collapse_table() {
        let cases: &[(&str, &str)] = &[
            ("  a   b  ", "a b"),
            ("a\n\n\n\nb", "a\n\nb"),
            ("a\n \n  \nb", "a\n\nb"),
            ("a\nb", "a\nb"),
            ("\n\n a \n\n", "a"),
            ("", ""),
            ("   \n\t\n", ""),
        ];
        for (input, want) in cases {
            assert_eq!(collapse_whitespace(input), *want, "{input:?}");
        }
    }
}
