//! Clean stage, pure core: turns one raw ticket message body into text that is safe and useful for the
//! help center and the bot index. Text in, text out, no I/O, no panics on any input.
//!
//! Entry points:
//! - [`clean_message`]: the whole cleaning of one body (structure first, then redaction).
//! - [`strip_noise`]: only the structural part (no redaction).
//! - [`redact`]: only the redaction of personal data.
//! - [`html_to_text`]: an e-mail `content_html` body to plain text (run it before `clean_message`).
//! - [`is_empty_request`]: true when a cleaned text holds no real question.
//!
//! Steps of [`strip_noise`], in order:
//! 1. normalise characters (`normalize`): CRLF to LF, zero-width and control characters dropped, NBSP and
//!    other Unicode spaces to a space, NFC;
//! 2. cut quoted replies and forwards from the first marker line to the end, drop `>`-prefixed lines
//!    (`quotes`);
//! 3. cut signatures from the marker line to the end (`signature`);
//! 4. drop messenger artefacts (`[Стикер]`, `<media omitted>`, ...) and collapse whitespace;
//! 5. drop leading greetings and trailing thanks, only as whole sentences or leading clauses (`greeting`);
//! 6. collapse whitespace again: runs of spaces to one, 3+ newlines to 2, trim.
//!
//! [`redact`] writes the placeholders `[EMAIL]`, `[PHONE]`, `[CARD]`, `[CODE]`, `[PIN]`, `[ORDER]`,
//! `[INVOICE]`, `[PASSPORT]`, `[INN]`, `[SNILS]`, `[IP]`, `[URL]` (an URL carrying a token, a code or
//! personal data in its path or query) and `[NAME]`; [`redact_spans`] says which input ranges they
//! replace. A [`Redactor`] built from the `[clean]` section ([`CleanConfig`]) adds the desk's own
//! certificate-code patterns to the built-in ones.

mod empty;
mod greeting;
mod html;
mod normalize;
mod quotes;
mod names;
mod redact;
mod signature;
pub(crate) use signature::sign_off_start;
/// The clean stage over the store (I/O lives there, not in this pure core).
pub mod stage;
mod vocabulary;

/// Compiles one of the cleaner's patterns. The `regex` crate's lazy DFA, its fast engine, gives
/// up on a search when its cache (2 MB by default) keeps filling, and the PikeVM, about 5× slower,
/// searches instead. The cleaner's patterns fill it: case-insensitive Russian and English phrase
/// lists, Unicode letter classes and counted repeats (`[^.!?\n]{0,80}`), anchored at the text's
/// end. With 16 MB a thread the trailing-thanks pattern runs 4.5× faster on the demo's messages
/// (docs/BENCHMARKS.md); the cache grows only as far as a pattern needs.
pub(crate) fn compile(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(pattern).dfa_size_limit(16 << 20).build()
}

pub use html::html_to_text;
pub use redact::{redact, redact_spans, ConfigError, Kind, Redactor};
pub use stage::run;

/// The `[clean]` section of `kbforge.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct CleanConfig {
    /// Extra certificate-code formats (regular expressions); a match becomes `[CODE]`. Default: empty,
    /// the built-in formats (grouped `ABCD-1234-EFGH-5678`, ungrouped upper-case 12–24 characters,
    /// keyword-led `код: ...`) always apply. Example: `["\\bGC-[0-9]{6}\\b"]`.
    pub code_patterns: Vec<String>,
    /// The organisation's own profiles, which stay in the text: `@handle`s, links, e-mail addresses
    /// and mail domains, such as `["@podarok_help", "vk.com/podarok", "podarokplus.ru"]` (every
    /// address at that domain stays). Every other `@handle` and profile link becomes `[PROFILE]`,
    /// every other e-mail `[EMAIL]`, except role mailboxes (`help@`, `noreply@`, `b2b@`), which name
    /// a function, not a person. Default: none.
    pub public_profiles: Vec<String>,
    /// Brands and places whose names are people's names, which stay in the text: `["Глория
    /// Джинс", "Ив Роше"]`. Names are found by context and by a first-name lexicon, so "Глория
    /// Джинс" would otherwise read as a person. Default: none.
    pub not_names: Vec<String>,
}

/// The result of cleaning or redacting: the text and how many items of each kind were redacted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cleaned {
    pub text: String,
    pub redactions: RedactionCounts,
}

/// How many items of each kind of personal data were replaced by a placeholder.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RedactionCounts {
    counts: std::collections::BTreeMap<Kind, usize>,
}

impl RedactionCounts {
    /// All redactions together.
    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }

    /// How many of `kind`.
    pub fn get(&self, kind: Kind) -> usize {
        self.counts.get(&kind).copied().unwrap_or(0)
    }

    /// Counts one redaction of `kind`.
    pub fn count(&mut self, kind: Kind) {
        *self.counts.entry(kind).or_default() += 1;
    }

    /// Adds `other` to `self`, kind by kind.
    pub fn add(&mut self, other: &RedactionCounts) {
        for (kind, n) in &other.counts {
            *self.counts.entry(*kind).or_default() += n;
        }
    }

    /// "21 e-mails, 89 phones, …": the kinds redacted, in the table's order (e-mails, phones, card
    /// numbers and certificate codes always, the rest when there were any).
    pub fn summary(&self) -> String {
        let always = [Kind::Email, Kind::Phone, Kind::Card, Kind::Code];
        let parts: Vec<String> =
            Kind::all().filter(|k| always.contains(k) || self.get(*k) > 0).map(|k| format!("{} {}", self.get(k), k.plural())).collect();
        parts.join(", ")
    }
}

/// `\[(EMAIL|PHONE|…)\]`: any placeholder, for patterns built on it.
pub fn placeholder_pattern() -> String {
    format!(r"\[(?:{})\]", Kind::names_alternation())
}

/// Whole cleaning of one message body: normalise, strip quoted replies/forwards, strip signatures, strip
/// leading greetings and trailing thanks, collapse whitespace, then redact.
pub fn clean_message(raw: &str) -> Cleaned {
    redact(&strip_noise(raw))
}

/// Only the structural part (no redaction): quotes, signatures, greetings, whitespace.
pub fn strip_noise(raw: &str) -> String {
    // Plain bodies escaped as HTML text ("&amp;", "&lt;", "&#39;": Twitter's API, some exports)
    // read as written; an HTML body was decoded by `html_to_text` already.
    let text = normalize::normalize_chars(&html::decode_entities(raw));
    let text = quotes::strip_quotes(&text);
    let text = signature::strip_signature(&text);
    let text = normalize::remove_artefacts(&text);
    let text = normalize::collapse_whitespace(&text);
    let text = greeting::strip_greeting(&text);
    let text = greeting::strip_trailing_thanks(&text);
    normalize::collapse_whitespace(&text)
}

/// The text as the embedding model should see it: redaction placeholders say nothing about the
/// question, yet shared placeholders ("заказ [ORDER], телефон [PHONE]") make unrelated questions look
/// alike. They are dropped, and so are lines left with nothing but a label ("Телефон:").
pub fn for_embedding(cleaned: &str) -> String {
    static PLACEHOLDER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        crate::clean::compile(&format!(r"\s*(№\s*)?{}", placeholder_pattern())).expect("static regex")
    });
    let total = cleaned.lines().filter(|l| !l.trim().is_empty()).count();
    let lines: Vec<String> = cleaned
        .lines()
        .filter_map(|line| {
            let had = PLACEHOLDER.is_match(line);
            let kept = PLACEHOLDER.replace_all(line, "");
            let kept = kept.split_whitespace().collect::<Vec<_>>().join(" ");
            let words = kept.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count();
            // A line that was little more than a label for a value ("Телефон: [PHONE]", "мой номер
            // [PHONE]") says nothing about the question.
            let label_only = had && words <= 4 && total > 1;
            (words > 0 && !label_only).then_some(kept)
        })
        .collect();
    let text = lines.join("\n").trim_end_matches([',', ' ', ':']).to_string();
    if text.is_empty() { cleaned.to_string() } else { text }
}

/// True when the cleaned text holds no real question: empty, only a greeting ("Здравствуйте",
/// "Добрый день!", "hello"), "помогите", "у меня вопрос", "?", emoji/sticker placeholders, etc.
pub fn is_empty_request(cleaned: &str) -> bool {
    empty::is_empty_request(cleaned)
}

#[cfg(test)]
mod escaped_text_tests {
    #[test]
    fn a_plain_body_escaped_as_html_reads_as_written() {
        assert_eq!(super::strip_noise("Frank Iero &amp; My Chemical Romance isn&#39;t on Spotify &lt;3"), "Frank Iero & My Chemical Romance isn't on Spotify <3");
        assert_eq!(super::strip_noise("AT&T and R&D; stay"), "AT&T and R&D; stay");
    }
}

#[cfg(test)]
mod embedding_text_tests {
    use super::for_embedding;

    #[test]
    fn placeholders_do_not_reach_the_model() {
        assert_eq!(for_embedding("Списали деньги 2 раза!!! верните\n\nЕсли что, мой номер [PHONE]"), "Списали деньги 2 раза!!! верните");
        assert_eq!(for_embedding("Отмените заказ № [ORDER], пожалуйста"), "Отмените заказ, пожалуйста");
        assert_eq!(for_embedding("[CODE]"), "[CODE]");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_total_and_add() {
        let mut a = RedactionCounts::default();
        [Kind::Email, Kind::Phone, Kind::Phone].into_iter().for_each(|k| a.count(k));
        let mut b = RedactionCounts::default();
        [Kind::Card, Kind::Code, Kind::Pin, Kind::Order, Kind::Url, Kind::Email, Kind::Name].into_iter().for_each(|k| b.count(k));
        assert_eq!(a.total(), 3);
        a.add(&b);
        assert_eq!(a.total(), 10);
        assert_eq!(a.get(Kind::Email), 2);
        assert_eq!(a.summary(), "2 e-mails, 2 phones, 1 card numbers, 1 certificate codes, 1 PINs, 1 order numbers, 1 links with tokens, 1 names");
        assert_eq!(RedactionCounts::default().total(), 0);
    }

    #[test]
    fn full_pipeline_email_reply() {
        let raw = "Здравствуйте!\r\n\r\nПодскажите, как активировать сертификат ABCD-1234-EFGH-5678? \
                   Мой телефон +7 (912) 345-67-89, почта ivan.petrov@mail.ru.\r\n\r\nЗаранее спасибо!\r\n\r\n\
                   С уважением,\r\nИван Петров\r\n\r\nпн, 5 мая 2025 г. в 10:00, Служба поддержки <help@x.ru>:\r\n\
                   > Добрый день! Чем можем помочь?\r\n";
        let c = clean_message(raw);
        assert_eq!(
            c.text,
            "Подскажите, как активировать сертификат [CODE]? Мой телефон [PHONE], почта [EMAIL]."
        );
        assert_eq!(c.redactions.get(Kind::Code), 1);
        assert_eq!(c.redactions.get(Kind::Phone), 1);
        assert_eq!(c.redactions.get(Kind::Email), 1);
        assert_eq!(c.redactions.total(), 3);
    }

    #[test]
    fn full_pipeline_chat_message() {
        let raw = "Добрый день\u{00A0}\u{200B}! [Стикер]\nзаказ № 4587123 не пришёл код\n\nОтправлено с iPhone";
        let c = clean_message(raw);
        assert_eq!(c.text, "Заказ № [ORDER] не пришёл код");
        assert_eq!(c.redactions.get(Kind::Order), 1);
    }

    #[test]
    fn full_pipeline_html() {
        let html = "<div>Здравствуйте!</div><div>Где проверить баланс карты?</div><div><br></div>\
                    <div class=\"gmail_quote\"><div class=\"gmail_attr\">пн, 5 мая 2025 г. в 10:00, Поддержка &lt;help@x.ru&gt;:</div>\
                    <blockquote>Старый текст</blockquote></div>";
        let text = html_to_text(html);
        assert_eq!(clean_message(&text).text, "Где проверить баланс карты?");
    }

    #[test]
    fn full_pipeline_outlook_html() {
        let html = "<html><head><style>p{margin:0}</style></head><body><p>Добрый день!</p>\
                    <p>Сертификат на 5000&nbsp;рублей не принимают на кассе, тел. 8&nbsp;912&nbsp;345&nbsp;67&nbsp;89</p>\
                    <p>С уважением,<br>Мария</p><hr><div id=\"divRplyFwdMsg\"><b>От:</b> Поддержка &lt;help@x.ru&gt;<br>\
                    <b>Отправлено:</b> 5 мая 2025 г. 10:00<br><b>Кому:</b> Мария<br><b>Тема:</b> Re: сертификат</div>\
                    <div>Старое письмо</div></body></html>";
        let c = clean_message(&html_to_text(html));
        assert_eq!(
            c.text,
            "Сертификат на 5000 рублей не принимают на кассе, тел. [PHONE]"
        );
        assert_eq!(c.redactions.total(), 1);
    }

    #[test]
    fn signature_and_quote_in_english() {
        let raw = "Hi team,\n\nMy gift card code does not work at checkout.\n\nThanks,\nJohn\n\n\
                   On Mon, May 5, 2025 at 10:00 AM Support <help@x.com> wrote:\n> Hello John";
        assert_eq!(
            strip_noise(raw),
            "My gift card code does not work at checkout."
        );
    }

    #[test]
    fn strip_noise_keeps_content_and_does_not_redact() {
        assert_eq!(
            strip_noise(
                "Здравствуйте, подскажите как активировать сертификат? Мой номер 89123456789"
            ),
            "Подскажите как активировать сертификат? Мой номер 89123456789"
        );
        assert_eq!(
            strip_noise("Спасибо, а где проверить баланс?"),
            "Спасибо, а где проверить баланс?"
        );
    }

    #[test]
    fn empty_request_after_cleaning() {
        for raw in [
            "Здравствуйте!",
            "Добрый день!\n\nС уважением,\nАнна",
            "[Стикер]",
            "Hello\n\nSent from my iPhone",
            "?",
            "",
        ] {
            assert!(is_empty_request(&strip_noise(raw)), "{raw:?}");
        }
        assert!(!is_empty_request(&strip_noise(
            "Здравствуйте! Не приходит код сертификата"
        )));
    }
    /// Pieces that hit the interesting paths: markers, digits, separators, tags, entities.
    const PIECES: &[&str] = &[
        "Здравствуйте",
        "Спасибо",
        "С уважением,",
        "--",
        "> ",
        ">",
        "-----Original Message-----",
        "От:",
        "From:",
        "Sent:",
        "Тема:",
        "On ",
        " wrote:",
        "написал(а):",
        "пн, 5 мая 2025 г. в 10:00",
        "<a@b.ru>",
        "@",
        "+7",
        "8",
        "9",
        "(",
        ")",
        "-",
        " ",
        "\n",
        "\r\n",
        "\n\n\n",
        "4111",
        "ABCD",
        "-1234",
        "PIN ",
        "пин-код ",
        "заказ № ",
        "код: ",
        "https://x.ru/?token=",
        "&amp;",
        "&#",
        ";",
        "<",
        ">",
        "<p>",
        "</p>",
        "<blockquote>",
        "</div>",
        "<br>",
        "<script>",
        "<!--",
        "\u{200B}",
        "\u{00A0}",
        "\u{FEFF}",
        "\u{0301}",
        "\u{1F600}",
        "\u{0000}",
        "ё",
        "É",
        "[Стикер]",
        "?",
        "!",
        ".",
        ",",
        ":",
        "Привет",
        "Hi",
        "Thanks,",
        "Иван",
        "5000 рублей",
        "₽",
    ];

    fn random_string(rng: &mut crate::hash::Sequence) -> String {
        let len = rng.below(40);
        let mut s = String::new();
        for _ in 0..len {
            match rng.below(4) {
                0 => {
                    // any Unicode scalar value
                    let c = loop {
                        let v = ((rng.next_state() >> 33) % 0x11_0000) as u32;
                        if let Some(c) = char::from_u32(v) {
                            break c;
                        }
                    };
                    s.push(c);
                }
                1 => s.push(char::from(b' ' + rng.below(95) as u8)),
                _ => s.push_str(PIECES[rng.below(PIECES.len())]),
            }
        }
        s
    }

    #[test]
    fn randomized_never_panics() {
        let mut rng = crate::hash::Sequence::new(0x5eed_cafe);
        for _ in 0..3000 {
            let s = random_string(&mut rng);
            let cleaned = clean_message(&s);
            let _ = strip_noise(&s);
            let _ = is_empty_request(&s);
            let _ = is_empty_request(&cleaned.text);
            let html = html_to_text(&s);
            let _ = clean_message(&html);
            // redaction is idempotent on its own output
            let again = redact(&cleaned.text);
            assert_eq!(again.text, cleaned.text, "input {s:?}");
        }
    }

    #[test]
    fn huge_input_is_fast_and_safe() {
        let unit =
            "Здравствуйте! Код ABCD-1234-EFGH-5678, тел. +7 912 345-67-89, 5000 рублей.\n> quote\n";
        let big = unit.repeat(5_000); // ~0.5 MB
        let start = std::time::Instant::now();
        let c = clean_message(&big);
        let _ = html_to_text(&format!("<div>{big}</div>"));
        assert_eq!(c.redactions.get(Kind::Code), 5_000);
        assert_eq!(c.redactions.get(Kind::Phone), 5_000);
        assert!(start.elapsed().as_secs() < 30, "took {:?}", start.elapsed());
        let one_line = "a".repeat(1_000_000);
        assert_eq!(clean_message(&one_line).text, one_line);
        let digits = "1".repeat(100_000);
        assert_eq!(clean_message(&digits).text, digits);
        let words = "abcd ".repeat(100_000);
        assert_eq!(redact(&words).redactions.total(), 0);
    }
}
