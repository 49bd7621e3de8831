//! Names by their words: a first-name lexicon and the shapes of patronymics, surnames and initials,
//! for the names no context announces ("передайте Сергею Павловичу", "водитель Павел Жук",
//! "Климович Вера Степановна", "Петрова А.С.", "Emily Clark will call you").
//!
//! The lexicon (`first-names.txt`, made by `make_first_names.py`, sources in `SOURCE.md`) holds every
//! inflected form of the Russian first names of OpenCorpora, the common English first names and the
//! Russian ones written in Latin letters. A form that is also an ordinary word ("вера", "роман",
//! "марта", "will") is *ambiguous*: alone it is a name only where [`super`]'s context rules say so.
//!
//! On a run of capitalised words (spaces between, no punctuation):
//! 1. an unambiguous first name, or a patronymic or initials beside another word, makes the run a
//!    name;
//! 2. so does an ambiguous first name beside a patronymic, initials or a surname, or, in Russian,
//!    standing where no sentence starts (capitalised mid-sentence: "передайте Вере"), unless a
//!    number comes right before it ("8 Марта");
//! 3. so does a capitalised word before a Russian-shaped surname ("Ержан Толеуов");
//! 4. the name is the run's name-like words, plus one capitalised word right after a first name
//!    (the surname: "Павел Жук"), never a word of organisations or roles;
//! 5. in lower case (chat), a first name counts after an introduction or a greeting ("меня зовут
//!    ирина", "привет оля") or beside a lower-case patronymic.
//!
//! A run right after a street or a dedication ("ул. Александра Невского", "имени Горького"), an
//! opening quote or a company's legal form («Алма Подарки», ТОО Мария) names a place or a company,
//! not a person.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

/// The lexicon: each lower-case form with its marks.
/// Hashed with rustc's Fx hash: every word of every message is looked up, and the standard
/// library's SipHash was 3% of the redaction's time.
static LEXICON: LazyLock<rustc_hash::FxHashMap<&'static str, Marks>> = LazyLock::new(|| {
    include_str!("first-names.txt")
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let word = l.trim_start_matches(['?', '~', '=']);
            let marks = &l[..l.len() - word.len()];
            (word, Marks { ambiguous: marks.contains('?'), place: marks.contains('~'), surname: marks.contains('=') })
        })
        .collect()
});

/// What the lexicon says of a form: `?` also an ordinary word, `~` also a place, `=` an English
/// surname (and no first name).
#[derive(Debug, Clone, Copy, Default)]
struct Marks {
    ambiguous: bool,
    place: bool,
    surname: bool,
}

/// Prepositions before a place ("в Астане", "из Владимира").
const PLACE_PREPOSITIONS: &[&str] = &["в", "во", "из", "до", "под", "над", "около", "возле", "через", "по"];

/// What the lexicon and the word's shape say of one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// A first name that is no ordinary word.
    First,
    /// A first name that is also an ordinary word.
    AmbiguousFirst,
    Patronymic,
    /// One or two initials: `А.`, `А.С.`, `А. С.`
    Initials,
    /// A capitalised word shaped like a surname.
    Surname,
    /// Any other capitalised word.
    Capitalised,
    /// Anything else (lower case, digits, not a word).
    Other,
}

/// A word of the text: its byte range, its shape, and whether it is capitalised.
#[derive(Debug, Clone)]
struct Word<'a> {
    range: Range<usize>,
    shape: Shape,
    /// The word in lower case: borrowed from the text when it is lower case already, as most are.
    lower: std::borrow::Cow<'a, str>,
    capitalised: bool,
    /// Only spaces (no punctuation, no line break) between this word and the one before it.
    joined: bool,
    /// The first word of the text, of a line or of a sentence.
    starts_sentence: bool,
    /// A digit right before it ("8 Марта").
    after_number: bool,
    /// An opening quote or a company's legal form right before it.
    after_company: bool,
    /// The lexicon has the form as a place too ("Лене", "Владимира").
    place: bool,
}

/// Masculine patronymic stems and their case endings (`Павлович-а`), feminine ones and theirs
/// (`Павловн-ой`), and the Kazakh `-улы` / `-кызы` written as one word with the father's name.
const PATRONYMIC_MALE: &[&str] = &["ович", "евич", "ьич"];
const PATRONYMIC_MALE_CASES: &[&str] = &["", "а", "у", "ем", "ом", "е"];
const PATRONYMIC_FEMALE: &[&str] = &["овн", "евн", "ичн"];
const PATRONYMIC_FEMALE_CASES: &[&str] = &["а", "ы", "е", "у", "ой", "ою"];
const PATRONYMIC_KAZAKH: &[&str] = &["улы", "ұлы", "кызы", "қызы"];

fn is_patronymic(lower: &str) -> bool {
    let ends = |stems: &[&str], cases: &[&str]| ends_with_stem_and_case(lower, stems, cases);
    lower.chars().count() >= 7
        && (ends(PATRONYMIC_MALE, PATRONYMIC_MALE_CASES) || ends(PATRONYMIC_FEMALE, PATRONYMIC_FEMALE_CASES) || ends(PATRONYMIC_KAZAKH, &[""]))
}

/// Russian, Ukrainian, Belarusian, Armenian and Georgian surname endings: `-ов`/`-ин` stems with
/// their case endings (`Иванов-ой`), adjectival `-ский`/`-цкий` in their cases, and the endings that
/// do not inflect for gender (`-енко`, `-ук`, `-вич`, `-ян`, `-дзе`, `-швили`).
const SURNAME_STEMS: &[&str] = &["ов", "ев", "ёв", "ин", "ын"];
const SURNAME_STEM_CASES: &[&str] = &["", "а", "у", "ым", "ом", "е", "ой", "ы", "ых", "ыми"];
const SURNAME_ENDINGS: &[&str] = &[
    "ский", "ская", "ского", "ской", "скому", "ским", "скую", "цкий", "цкая", "цкого", "цкой", "цкому", "цким",
    "цкую", "енко", "ук", "юк", "вич", "ян", "янц", "дзе", "швили",
];

/// The same endings in Latin letters, as passports and e-mail signatures spell them.
const SURNAME_ENDINGS_LATIN: &[&str] = &[
    "ov", "ova", "ev", "eva", "in", "ina", "sky", "skiy", "skii", "skaya", "enko", "uk", "yuk", "vich", "yan",
    "dze", "shvili",
];

/// A Russian-shaped surname in Cyrillic, by the endings that are only surnames' (not the
/// adjectival `-ский`, which ordinary adjectives share: "Центральный Детский").
fn is_plain_russian_surname(lower: &str) -> bool {
    is_russian_surname(lower) && !["ский", "ская", "ского", "ской", "скому", "ским", "скую", "цкий", "цкая", "цкого", "цкой", "цкому", "цким", "цкую"].iter().any(|e| lower.ends_with(e))
        && !COMMON_SURNAME_SHAPED.iter().any(|w| lower.starts_with(w))
}

/// Everyday words of a support desk that end like a surname ("в Kaspi Магазине").
const COMMON_SURNAME_SHAPED: &[&str] = &["магазин", "бензин", "витамин", "каталог", "кабинет"];

/// A Russian-shaped surname in Cyrillic.
fn is_russian_surname(lower: &str) -> bool {
    lower.chars().count() >= 4
        && (SURNAME_ENDINGS.iter().any(|e| lower.ends_with(e))
            || ends_with_stem_and_case(lower, SURNAME_STEMS, SURNAME_STEM_CASES))
}

/// Whether `lower` ends with one of `stems` followed by one of `cases` (without building the
/// joined endings: this runs for every word of every message).
fn ends_with_stem_and_case(lower: &str, stems: &[&str], cases: &[&str]) -> bool {
    cases.iter().any(|c| lower.strip_suffix(c).is_some_and(|rest| stems.iter().any(|s| rest.ends_with(s))))
}

fn is_surname(lower: &str) -> bool {
    is_russian_surname(lower)
        || (lower.len() >= 5 && lower.is_ascii() && SURNAME_ENDINGS_LATIN.iter().any(|e| lower.ends_with(e)))
        || LEXICON.get(lower).is_some_and(|m| m.surname)
}

/// Capitalised in English whatever they mean: never a name alone.
const CALENDAR: &[&str] = &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
];

/// Legal forms before a company's name.
const COMPANY_FORMS: &[&str] = &["ооо", "тоо", "ип", "ао", "оао", "зао", "пао", "нко", "llc", "ltd", "inc", "llp"];

/// Words right before a place's name ("ул. Ленина") or a dedication ("имени Горького").
const PLACE_WORDS: &[&str] = &[
    "ул", "улица", "улице", "улицу", "улицы", "пр", "пр-т", "просп", "проспект", "проспекте", "пер", "переулок",
    "переулке", "пл", "площадь", "площади", "б-р", "бульвар", "бульваре", "ш", "шоссе", "наб", "набережная",
    "набережной", "им", "имени", "метро", "м", "станция", "станции", "мкр", "тц", "трц", "street", "st",
    "avenue", "ave", "road", "rd",
];

/// Words before a brand, a shop or a company, as a gift-certificate desk writes them ("сертификат
/// Рив Гош", "в магазине Снежная Королева", "on the Snow Queen website"): a run of capitals right
/// after one is no person (prefixes: the words inflect).
const COMMERCE_PREFIXES: &[&str] = &[
    "сертификат", "серт", "магазин", "бренд", "партнер", "партнёр", "компани", "сеть", "сети", "маркетплейс",
    "карт", "the", "store", "shop", "brand", "certificate", "voucher",
];

/// English words before a thing or a place, never before a person: a determiner ("my Mac", "a
/// Catalina update") or "in" ("in Georgia"). People are not "my Mary" or "in John". Not "its":
/// chat writes it for "it's" ("hi its Zarina").
const BEFORE_A_THING: &[&str] = &["my", "your", "our", "his", "their", "this", "that", "a", "an", "the", "in"];

fn commerce(word: &str) -> bool {
    COMMERCE_PREFIXES.iter().any(|p| if p.is_ascii() { word == *p } else { word.starts_with(p) })
        // "в Рив Гош"; not "на": certificates are made out "на Ольгу Петрову" as often as
        // exchanged "на Gloria Jeans", and a missed name costs more than a masked brand.
        || ["в", "во"].contains(&word)
}

/// Words before a lower-case first name that introduce or greet a person.
const LOWER_CUES: &[&str] = &[
    "зовут", "имя", "фио", "это", "связи", "уважением", "привет", "здравствуйте", "здравствуй", "день",
    "вечер", "утро", "name", "is", "regards", "hi", "hello", "dear", "thanks",
];

/// `char::is_alphabetic`, answered without Unicode's tables for ASCII and the Russian alphabet
/// (the table lookup was 6% of the redaction's time).
fn is_letter(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | 'А'..='я' | 'ё' | 'Ё' => true,
        _ if c.is_ascii() => false,
        _ => c.is_alphabetic(),
    }
}

/// `char::is_uppercase`, likewise.
fn is_upper(c: char) -> bool {
    match c {
        'A'..='Z' | 'А'..='Я' | 'Ё' => true,
        _ if c.is_ascii() || ('а'..='я').contains(&c) || c == 'ё' => false,
        _ => c.is_uppercase(),
    }
}

/// `char::is_lowercase`, likewise.
fn is_lower(c: char) -> bool {
    match c {
        'a'..='z' | 'а'..='я' | 'ё' => true,
        _ if c.is_ascii() || ('А'..='Я').contains(&c) || c == 'Ё' => false,
        _ => c.is_lowercase(),
    }
}

/// `str::to_lowercase`, without Unicode's tables for ASCII and the Russian alphabet (the table
/// lookup was 4% of the clean stage's time); any other letter takes the standard library's way.
pub(super) fn to_lower(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            'А'..='Я' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
            'Ё' => out.push('ё'),
            _ if c.is_ascii() || ('а'..='я').contains(&c) || c == 'ё' => out.push(c),
            _ => return word.to_lowercase(),
        }
    }
    out
}

fn words(text: &str) -> Vec<Word<'_>> {
    let mut out: Vec<Word<'_>> = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut gap_start = 0;
    while let Some((i, c)) = chars.next() {
        if !is_letter(c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        // A word: letters, with inner hyphens or apostrophes between letters.
        while let Some(&(j, d)) = chars.peek() {
            if is_letter(d) {
                end = j + d.len_utf8();
                chars.next();
            } else if (d == '-' || d == '\'') && text[j + 1..].chars().next().is_some_and(is_letter) {
                chars.next();
            } else {
                break;
            }
        }
        let gap = &text[gap_start..i];
        let joined = !out.is_empty() && !gap.is_empty() && gap.chars().all(|c| c == ' ' || c == '\t' || c == '\u{a0}');
        let starts_sentence = out.is_empty() || gap.contains(['.', '!', '?', '…', '\n']);
        let after_number = text[..i].trim_end().ends_with(|c: char| c.is_ascii_digit());
        let after_company = gap.trim_end().ends_with(['«', '"', '„', '“', '\''])
            || (gap.chars().all(char::is_whitespace) && out.last().is_some_and(|w: &Word| COMPANY_FORMS.contains(&w.lower.as_ref())));
        let word = &text[i..end];
        let lower: std::borrow::Cow<'_, str> =
            if word.chars().any(|c| !is_lower(c)) { std::borrow::Cow::Owned(to_lower(word)) } else { std::borrow::Cow::Borrowed(word) };
        let mut letters = word.chars();
        let first_upper = letters.next().is_some_and(is_upper);
        let rest_lower = word.chars().skip(1).all(|c| !is_upper(c));
        let capitalised = first_upper && rest_lower;
        // An initial: one capital letter and a dot.
        let mut range = i..end;
        let mut shape = Shape::Other;
        let mut place = false;
        // An initial: one capital and a dot, not glued to a word after it ("М.Видео" is a brand;
        // "А.С." are two initials).
        let glued = text[end..].strip_prefix('.').is_some_and(|r| {
            let mut next = r.chars();
            next.next().is_some_and(is_letter) && next.next().is_some_and(is_letter)
        });
        if first_upper && word.chars().count() == 1 && text[end..].starts_with('.') && !glued {
            range = i..end + 1;
            shape = Shape::Initials;
        } else if capitalised || (word.chars().all(is_lower)) {
            let marks = LEXICON.get(&*lower).copied().filter(|m| !m.surname);
            // "в Алматы и Астану": a preposition up to three words back, over places and "и"
            // (looked for only when the form is also a place).
            let after_preposition = || {
                out.iter()
                    .rev()
                    .take(3)
                    .take_while(|w: &&Word| !w.starts_sentence || PLACE_PREPOSITIONS.contains(&w.lower.as_ref()))
                    .find(|w| PLACE_PREPOSITIONS.contains(&w.lower.as_ref()) || !(w.capitalised || w.lower == "и" || w.lower == "или"))
                    .is_some_and(|w| PLACE_PREPOSITIONS.contains(&w.lower.as_ref()))
            };
            place = marks.is_some_and(|m| m.place);
            shape = if marks.is_some_and(|m| m.place) && after_preposition() {
                Shape::Capitalised
            } else if marks.is_some_and(|m| !m.ambiguous) {
                Shape::First
            } else if marks.is_some() {
                Shape::AmbiguousFirst
            } else if is_patronymic(&lower) {
                Shape::Patronymic
            } else if capitalised && is_surname(&lower) {
                Shape::Surname
            } else if capitalised {
                Shape::Capitalised
            } else {
                Shape::Other
            };
        }
        gap_start = range.end;
        // Two initials in a row are one: "А.С." / "А. С."
        if shape == Shape::Initials {
            if let Some(last) = out.last_mut() {
                let between = &text[last.range.end..range.start];
                if last.shape == Shape::Initials && between.chars().all(|c| c == ' ') && between.len() <= 1 {
                    last.range.end = range.end;
                    continue;
                }
            }
        }
        out.push(Word {
            range,
            shape,
            lower,
            capitalised: capitalised || shape == Shape::Initials,
            joined,
            starts_sentence,
            after_number,
            after_company,
            place,
        });
    }
    out
}

/// The name in a run of capitalised words, by rules 1–4 of the module.
fn run_name(run: &[Word], not_names: &impl Fn(&str) -> bool) -> Option<Range<usize>> {
    // An English first name after a capitalised word that is no name is a product's or a
    // title's word ("iPhone 15 Pro Max", "Gift Card Grace Period").
    // So is one after a determiner that opens the sentence ("My Mac").
    let product = |run: &[Word], k: usize| {
        run[k].shape == Shape::First
            && run[k].lower.is_ascii()
            && (run[k - 1].shape == Shape::Capitalised || BEFORE_A_THING.contains(&run[k - 1].lower.as_ref()))
    };
    let mut run = std::borrow::Cow::Borrowed(run);
    for k in 1..run.len() {
        if product(&run, k) {
            run.to_mut()[k].shape = Shape::Capitalised;
        }
    }
    let run = &run[..];
    let ok = |w: &Word| !not_names(&w.lower);
    let has = |s: Shape| run.iter().any(|w| w.shape == s && ok(w));
    let pair = run.len() > 1;
    let partner = has(Shape::First) || has(Shape::AmbiguousFirst) || has(Shape::Surname) || has(Shape::Capitalised);
    // Mid-sentence capitals tell a name in Russian; English capitalises titles and products too.
    let lone_ambiguous = |w: &Word| {
        w.shape == Shape::AmbiguousFirst
            && !w.lower.is_ascii()
            && !w.place
            && !w.starts_sentence
            && !w.after_number
            && !CALENDAR.contains(&w.lower.as_ref())
    };
    // Rule 3 mid-sentence only: at a sentence's start the first word may be any word ("Сертификат
    // Ростова").
    let russian_pair = run
        .windows(2)
        .any(|p| p[0].shape == Shape::Capitalised && !p[0].lower.is_ascii() && !p[0].starts_sentence && ok(&p[0]) && is_plain_russian_surname(&p[1].lower));
    let strong = has(Shape::First)
        || (pair && (has(Shape::Patronymic) || (has(Shape::Initials) && partner)))
        || (has(Shape::AmbiguousFirst) && (has(Shape::Patronymic) || has(Shape::Initials) || has(Shape::Surname)))
        || run.iter().any(|w| lone_ambiguous(w) && ok(w))
        || russian_pair;
    if !strong {
        return None;
    }
    // Keep the name-like words; a plain capitalised word only right after a first name, beside
    // initials or before a Russian surname.
    let mut keep: Vec<Range<usize>> = Vec::new();
    for (k, w) in run.iter().enumerate() {
        let kept_before = k > 0 && keep.last().is_some_and(|r| r.end == run[k - 1].range.end);
        let after_first = kept_before && matches!(run[k - 1].shape, Shape::First | Shape::AmbiguousFirst | Shape::Initials);
        let next = run.get(k + 1);
        let before_initials = next.is_some_and(|n| n.shape == Shape::Initials);
        let before_surname = !w.lower.is_ascii() && next.is_some_and(|n| is_plain_russian_surname(&n.lower));
        let name_like = match w.shape {
            Shape::First | Shape::Patronymic => true,
            Shape::AmbiguousFirst => pair || lone_ambiguous(w),
            Shape::Initials | Shape::Surname => pair,
            Shape::Capitalised => after_first || before_initials || before_surname,
            Shape::Other => false,
        };
        if name_like && ok(w) {
            keep.push(w.range.clone());
        } else if !keep.is_empty() {
            break; // a name is one stretch of words
        }
    }
    Some(keep.first()?.start..keep.last()?.end)
}

/// The byte ranges of names found by their words (sorted, not overlapping).
pub(super) fn lexicon_spans(text: &str, not_names: impl Fn(&str) -> bool) -> Vec<Range<usize>> {
    let words = words(text);
    let place = |i: usize| i > 0 && PLACE_WORDS.contains(&words[i - 1].lower.as_ref());
    let after_commerce = |i: usize| i > 0 && commerce(&words[i - 1].lower);
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        // A run of capitalised words joined by spaces (at most four).
        if !words[i].capitalised || place(i) || words[i].after_company {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < words.len() && j - i < 4 && words[j].capitalised && words[j].joined {
            j += 1;
        }
        // After "сертификат", "магазин", "в", "the"…: a brand or a shop ("сертификат Рив Гош",
        // "on the Snow Queen website"), unless one first name alone ("сертификат Лене"); in
        // English, after a determiner or "in", a thing or a place even so ("my Mac", "in Georgia").
        let thing = i > 0 && words[i].lower.is_ascii() && BEFORE_A_THING.contains(&words[i - 1].lower.as_ref());
        if thing || (after_commerce(i) && !(j - i == 1 && words[i].shape == Shape::First)) {
            i = j;
            continue;
        }
        if let Some(name) = run_name(&words[i..j], &not_names) {
            out.push(name);
        }
        i = j;
    }
    // Lower case: a first name after a cue, or beside a patronymic.
    for (k, w) in words.iter().enumerate() {
        if w.capitalised || !matches!(w.shape, Shape::First) || not_names(&w.lower) {
            continue;
        }
        let cue = k > 0 && LOWER_CUES.contains(&words[k - 1].lower.as_ref());
        let patronymic_next = words.get(k + 1).is_some_and(|n| n.shape == Shape::Patronymic && n.joined);
        if cue || patronymic_next {
            let mut end = w.range.end;
            if patronymic_next {
                end = words[k + 1].range.end;
            }
            // A lower-case surname before the first name ("иванова ирина петровна").
            let start = if k > 0 && words[k - 1].shape == Shape::Other && w.joined && is_surname(&words[k - 1].lower) {
                words[k - 1].range.start
            } else {
                w.range.start
            };
            out.push(start..end);
        }
    }
    out.sort_by_key(|r| r.start);
    out
}

/// Every other whole-word occurrence (any case) of a word already found in a name: a customer
/// greeted by name is the same person where the name comes again.
pub(super) fn repeats(text: &str, found: &[Range<usize>]) -> Vec<Range<usize>> {
    // Most messages name nobody: nothing to repeat, and no second pass over their words.
    if found.is_empty() {
        return Vec::new();
    }
    let words = words(text);
    // `found` is sorted and does not overlap: the span that could hold a range is the last one
    // starting at or before it (a binary search, so a text of many names stays linear-ish).
    let holder = |r: &Range<usize>| {
        let at = found.partition_point(|f| f.start <= r.start);
        (at > 0).then(|| &found[at - 1])
    };
    let inside = |w: &Word| holder(&w.range).is_some_and(|f| w.range.end <= f.end);
    let touches = |w: &Word| {
        holder(&w.range).is_some_and(|f| w.range.start < f.end) || {
            let next = found.partition_point(|f| f.start < w.range.start);
            found.get(next).is_some_and(|f| f.start < w.range.end)
        }
    };
    // Only words that are names by themselves: a first name, a surname or a patronymic (an
    // ambiguous first name found once does not make every "вера" in the text a name).
    let named: HashSet<&str> = words
        .iter()
        .filter(|w| matches!(w.shape, Shape::First | Shape::Surname | Shape::Patronymic) && inside(w))
        .map(|w| w.lower.as_ref())
        .collect();
    words
        .iter()
        .filter(|w| named.contains(w.lower.as_ref()) && (w.capitalised || w.shape == Shape::First) && !touches(w))
        .map(|w| w.range.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&str> {
        lexicon_spans(text, |_| false).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn the_fast_letter_tests_agree_with_the_standard_library_on_every_char() {
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_upper(c), c.is_uppercase(), "{c:?}");
            assert_eq!(is_lower(c), c.is_lowercase(), "{c:?}");
        }
    }

    #[test]
    fn the_fast_lower_case_agrees_with_the_standard_library() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let word = format!("{c}a{c}Я");
            assert_eq!(to_lower(&word), word.to_lowercase(), "{c:?}");
        }
        for word in ["ΟΔΟΣ", "Ёлка", "İstanbul", "ПАВЕЛ", "John-Paul", "straße"] {
            assert_eq!(to_lower(word), word.to_lowercase(), "{word}");
        }
    }

    #[test]
    fn shapes() {
        for p in ["степановна", "павловичу", "ильичом", "сергеевной", "нурланулы", "петровича"] {
            assert!(is_patronymic(p), "{p}");
        }
        for s in ["иванова", "петровой", "высоцкая", "шевченко", "ковальчук", "смирнову", "климович"] {
            assert!(is_surname(s), "{s}");
        }
        for w in ["сертификат", "здравствуйте", "москва", "ранее"] {
            assert!(!is_patronymic(w) && !is_surname(w), "{w}");
        }
    }

    #[test]
    fn names_by_their_words() {
        let cases: &[(&str, &[&str])] = &[
            ("передайте Сергею Павловичу, что код готов", &["Сергею Павловичу"]),
            ("водитель Павел Жук привёз не тот заказ", &["Павел Жук"]),
            ("ФИО Климович Вера Степановна", &["Климович Вера Степановна"]),
            ("ответственный Петрова А.С., тел. в письме", &["Петрова А.С."]),
            ("Emily Clark will call you back", &["Emily Clark"]),
            ("меня зовут ирина, код не приходит", &["ирина"]),
            ("получатель иванова ирина петровна", &["иванова ирина петровна"]),
            ("Гульнара пишет: сертификат не пришёл", &["Гульнара"]),
            ("ответственный Ержан Толеуов, 87716692071", &["Ержан Толеуов"]),
            ("Cardholder: John Miller", &["John Miller"]),
            ("Customer Care Manager, Maria Volkova", &["Maria Volkova"]),
            ("отправила сертификат Лене на номер", &["Лене"]),
            ("передайте Вере, что код готов", &["Вере"]),
        ];
        for (text, want) in cases {
            assert_eq!(names(text), *want, "{text:?}");
        }
    }

    #[test]
    fn places_brands_and_words_stay() {
        for text in [
            "магазин на ул. Александра Невского, вход со двора",
            "Вера в лучшее: сертификат действует год",
            "Скидки к 8 Марта на всё",
            "Ив Роше принимает сертификаты",
            "Will the card work in June?",
            "Роман Толстого в подарок",
            "Сертификат Ростова не принимают",
            "ТОО «Алма Подарки», оплата по счёту",
            "Доставляете в Алматы и Астану? Курьер из Владимира. В Астане есть офис?",
            "В Kaspi Магазине тоже есть. Центральный Детский магазин",
            "Купила сертификат Рив Гош, а хотела в магазине Снежная Королева",
            "Обменяла в Gloria Jeans. I tried to pay on the Snow Queen website",
            "Возврат проведён. Партнёру М.Видео комиссию не возвращают",
            "Вера в лучшее. Надежда есть",
            "My Mac will not boot after the Catalina update, and a Mac mini too",
            "Do you deliver in Georgia? The Alexa app says no",
        ] {
            assert!(names(text).is_empty(), "{text:?}: {:?}", names(text));
        }
    }

    #[test]
    fn a_name_found_once_is_found_again() {
        let text = "Здравствуйте, Ольга! ... ольга, код отправлен";
        let at = text.find("Ольга").unwrap();
        let found = vec![at..at + "Ольга".len()];
        assert_eq!(repeats(text, &found).into_iter().map(|r| &text[r]).collect::<Vec<_>>(), vec!["ольга"]);
    }
}
