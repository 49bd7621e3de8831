//! The desk's spelling, for titles made of customers' words: a customer's slip («воскрисенье»)
//! spelled as the staff spell the word, and chat spellings written out ([`written_out`]). Used by
//! [`super::title`] through the draft stage.

use super::Member;

/// Chat spellings a help center writes out («щас», «скока», "u", "ur"): (the customer's, the
/// written word). A title is read by every customer, and an editor would spell it so.
const COLLOQUIAL: [(&str, &str); 22] = [
    ("щас", "сейчас"),
    ("щя", "сейчас"),
    ("скока", "сколько"),
    ("скоко", "сколько"),
    ("чё", "что"),
    ("чо", "что"),
    ("шо", "что"),
    ("токо", "только"),
    ("тока", "только"),
    ("можна", "можно"),
    ("нада", "надо"),
    ("када", "когда"),
    ("седня", "сегодня"),
    ("сёдня", "сегодня"),
    ("u", "you"),
    ("ur", "your"),
    ("ppl", "people"),
    ("cuz", "because"),
    ("coz", "because"),
    ("thru", "through"),
    ("yall", "y'all"),
    ("wanna", "want to"),
];

static COLLOQUIAL_WORD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    let words: Vec<&str> = COLLOQUIAL.iter().map(|(w, _)| *w).collect();
    regex::Regex::new(&format!(r"(?i)\b({})\b", words.join("|"))).expect("static regex")
});

/// `text` with [`COLLOQUIAL`] spellings written out, the first letter's case kept.
pub fn written_out(text: &str) -> String {
    COLLOQUIAL_WORD
        .replace_all(text, |c: &regex::Captures| {
            let found = &c[1];
            let lower = found.to_lowercase();
            // "Wii U", "UR": a capital one- or two-letter word is a name, not chat.
            if found.len() <= 2 && found != lower {
                return found.to_string();
            }
            cased(found, COLLOQUIAL.iter().find(|(w, _)| *w == lower).map_or(found, |(_, written)| *written))
        })
        .into_owned()
}

/// `word` with the first letter's case of `like`, the word it replaces.
fn cased(like: &str, word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) if like.chars().next().is_some_and(char::is_uppercase) => first.to_uppercase().chain(chars).collect(),
        _ => word.to_string(),
    }
}

/// The desk's spelling, to correct a customer's slip in a title («Во сколько вы открываетесь в
/// воскрисенье?»): the word forms the staff write in their answers, and in how many questions each
/// stem occurs. Agents spell with care; a customer's slip is one customer's.
pub struct Spelling<'a> {
    staff: std::collections::HashSet<String>,
    staff_stems: std::collections::HashSet<String>,
    asked: std::collections::HashMap<String, usize>,
    /// In how many questions each word form occurs.
    written: std::collections::HashMap<String, usize>,
    /// The distinct staff answers and the questions: where a slip with two readings finds which
    /// one the desk writes beside the slip's neighbours.
    texts: Vec<&'a str>,
    /// The embedding model's vocabulary, when there is one: a word it holds whole is no slip.
    vocabulary: Option<crate::embed::Vocabulary<'a>>,
}

impl<'a> Spelling<'a> {
    /// From the members of the clusters being drafted: their questions and staff answers.
    pub fn of(members: impl IntoIterator<Item = &'a Member>) -> Spelling<'a> {
        let mut out = Spelling {
            staff: Default::default(),
            staff_stems: Default::default(),
            asked: Default::default(),
            written: Default::default(),
            texts: Vec::new(),
            vocabulary: None,
        };
        // Each distinct answer read once: most are a few templates.
        let mut answers: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for m in members {
            answers.insert(m.answer.as_str());
            out.texts.push(m.question.as_str());
            let terms = crate::lexical::terms(&m.question.to_lowercase());
            let stems: std::collections::HashSet<String> = terms.iter().map(|(s, _)| s.clone()).collect();
            for s in stems {
                *out.asked.entry(s).or_insert(0) += 1;
            }
            let forms: std::collections::HashSet<String> = terms.into_iter().map(|(_, w)| w.replace('ё', "е")).collect();
            for w in forms {
                *out.written.entry(w).or_insert(0) += 1;
            }
        }
        out.texts.extend(answers.iter().copied());
        for answer in answers {
            for (stem, word) in crate::lexical::terms(&answer.to_lowercase()) {
                out.staff.insert(word.replace('ё', "е"));
                out.staff_stems.insert(stem);
            }
        }
        out
    }

    /// With the embedding model's vocabulary ([`crate::embed::Vocabulary`]), learned from a large
    /// corpus: a word it holds as one piece is a word people write, not a slip, however near a
    /// staff word it is («пройти» beside the staff's «прийти»). Slips split into pieces
    /// («воскрисенье», «праходит»).
    pub fn knowing(mut self, vocabulary: Option<crate::embed::Vocabulary<'a>>) -> Spelling<'a> {
        self.vocabulary = vocabulary;
        self
    }

    /// `text` with each slip spelled as the staff spell it. A slip is a content word of six
    /// letters or more whose stem no staff answer has and no other question asks, one letter away
    /// (changed, added, dropped, or two swapped) from a word the staff write, which replaces it,
    /// its first letter's case kept. A word other customers write too is theirs («робота», a
    /// robot vacuum, beside the staff's «работа»), inflections share a stem, and «ё» and «е» are
    /// one letter. A form of a staff word is a slip only where it has a doubled letter written
    /// once or a letter doubled («подменый» for «подменный»): no inflection differs so. A slip two
    /// staff words are near («Оплата не праходит»: «проходит» or «приходит») takes the one more of
    /// the desk's texts write beside the other words of `text` («оплата», «проходит»); with no such
    /// difference it is left as the customer wrote it.
    pub fn correct(&self, text: &str) -> String {
        let context: std::collections::HashSet<String> = crate::lexical::stems(text).into_iter().collect();
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            out.push_str(&self.fix(word, &context).unwrap_or_else(|| word.clone()));
            word.clear();
        };
        for c in text.chars() {
            if c.is_alphabetic() {
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                out.push(c);
            }
        }
        flush(&mut word, &mut out);
        out
    }

    fn fix(&self, word: &str, context: &std::collections::HashSet<String>) -> Option<String> {
        // «ё» written as «е» is the same word; a stop word is no slip.
        let lower = word.to_lowercase().replace('ё', "е");
        let terms = crate::lexical::terms(&lower);
        let [(stem, _)] = &terms[..] else { return None };
        if lower.chars().count() < 6 || self.staff.contains(&lower) {
            return None;
        }
        let best = if self.staff_stems.contains(stem) || self.asked.get(stem).is_some_and(|&n| n > 1) {
            // A form of a word the desk writes. No inflection differs from another by a doubled
            // letter alone, so one written single or twice («подменый») is a slip, unless other
            // questions write it so too.
            if self.written.get(&lower).is_some_and(|&n| n > 1) {
                return None;
            }
            let near: Vec<&String> = self.staff.iter().filter(|form| doubling_apart(&lower, form)).collect();
            let [one] = near[..] else { return None };
            one
        } else {
            let near: Vec<&String> = self.staff.iter().filter(|form| one_edit_apart(&lower, form)).collect();
            match near[..] {
                [] => return None,
                [one] => one,
                _ => self.in_context(&near, stem, context)?,
            }
        };
        if self.vocabulary.is_some_and(|v| v.holds_whole(&word.to_lowercase())) {
            tracing::debug!(word, near = %best, "the model's vocabulary holds the word whole: no slip");
            return None;
        }
        tracing::debug!(slip = word, spelled = %best, "spelled as the staff spell it");
        Some(cased(word, best))
    }

    /// Of a slip's readings, the one more of the desk's texts write together with another word
    /// of the corrected text (`context`, the slip's own `stem` aside); `None` on a tie.
    fn in_context<'f>(&self, readings: &[&'f String], stem: &str, context: &std::collections::HashSet<String>) -> Option<&'f String> {
        let mut counts = vec![0usize; readings.len()];
        for text in &self.texts {
            let lower = text.to_lowercase().replace('ё', "е");
            let words: std::collections::HashSet<&str> = lower.split(|c: char| !c.is_alphabetic()).collect();
            let found: Vec<usize> = (0..readings.len()).filter(|&i| words.contains(readings[i].as_str())).collect();
            if found.is_empty() || !crate::lexical::stems(&lower).iter().any(|s| s != stem && context.contains(s)) {
                continue;
            }
            found.into_iter().for_each(|i| counts[i] += 1);
        }
        let top = *counts.iter().max()?;
        let mut best = (0..readings.len()).filter(|&i| counts[i] == top);
        match (best.next(), best.next()) {
            (Some(i), None) if top > 0 => Some(readings[i]),
            _ => None,
        }
    }
}

/// Whether two words are one edit apart: one letter changed, added or dropped, or two
/// neighbouring letters swapped.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() { (&a, &b) } else { (&b, &a) };
    if long.len() - short.len() > 1 || a == b {
        return false;
    }
    let start = short.iter().zip(long.iter()).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        let end = short.len() - short.iter().rev().zip(long.iter().rev()).take_while(|(x, y)| x == y).count();
        // One changed letter, or two neighbours swapped.
        end <= start + 1 || (end == start + 2 && short[start] == long[start + 1] && short[start + 1] == long[start])
    } else {
        short[start..] == long[start + 1..]
    }
}

/// Whether two words differ by one doubled letter written once («подменый», «подменный»).
fn doubling_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() < b.len() { (&a, &b) } else { (&b, &a) };
    if long.len() != short.len() + 1 {
        return false;
    }
    let at = short.iter().zip(long.iter()).take_while(|(x, y)| x == y).count();
    short[at..] == long[at + 1..] && at > 0 && long[at] == long[at - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A flat member asking `q`, answered `a`.
    fn m(q: &str, a: &str) -> Member {
        Member { ticket_id: q.into(), question: q.into(), answer: a.into(), rating: String::new(), kind: crate::kind::Kind::Flat, similarity: 0.9 }
    }

    #[test]
    fn a_customers_slip_is_spelled_as_the_staff_spell_it() {
        for (a, b) in [("воскрисенье", "воскресенье"), ("позно", "поздно"), ("сгарают", "сгорают"), ("recieve", "receive"), ("paswrod", "pasword")] {
            assert!(one_edit_apart(a, b) && one_edit_apart(b, a), "{a} {b}");
        }
        for (a, b) in [("бонусы", "бонусов"), ("заказ", "заказ"), ("карта", "карточка")] {
            assert!(!one_edit_apart(a, b), "{a} {b}");
        }
        let members = [
            m("Во сколько вы открываетесь в воскрисенье?", "В воскресенье магазины работают с 10 до 22."),
            m("Оплата не праходит, карта рабочая", "Если оплата не проходит, попробуйте другую карту."),
            m("Где купить робота-пылесоса?", "Наша работа — помочь с выбором."),
            m("Какого робота выбрать?", "Посмотрите подборку на сайте."),
            m("Статус заказа не меняется", "Заказ собирается."),
            m("Сколько стоит подъем на этаж?", "Подъем стоит столько, сколько указано."),
        ];
        let spelling = Spelling::of(&members);
        assert_eq!(spelling.correct("Во сколько вы открываетесь в воскрисенье?"), "Во сколько вы открываетесь в воскресенье?");
        assert_eq!(spelling.correct("Оплата не праходит, карта рабочая"), "Оплата не проходит, карта рабочая");
        assert_eq!(spelling.correct("Праходит?"), "Проходит?");
        // «ё» is kept; a stop word is not a slip of a staff word («только», «столько»).
        assert_eq!(spelling.correct("Подъём на этаж, только сколько?"), "Подъём на этаж, только сколько?");
        // Two customers write «робота»: a word, not a slip; an inflection is not one either.
        assert_eq!(spelling.correct("Какого робота выбрать?"), "Какого робота выбрать?");
        assert_eq!(spelling.correct("Статус заказов не меняется"), "Статус заказов не меняется");
        // Two readings: the one the desk writes beside the title's other words, and none where
        // nothing tells them apart.
        let members = [
            m("Оплата не праходит", "Если оплата картой не проходит, попробуйте СБП."),
            m("Письмо не приходит", "Письмо с заказом приходит в течение часа."),
            m("СМС-код не приходит", "Код приходит в течение минуты."),
        ];
        let spelling = Spelling::of(&members);
        assert_eq!(spelling.correct("Оплата не праходит"), "Оплата не проходит");
        assert_eq!(spelling.correct("Почему картой не праходит?"), "Почему картой не проходит?");
        assert_eq!(spelling.correct("Письмо так и не праходит"), "Письмо так и не приходит");
        assert_eq!(spelling.correct("Почему не праходит?"), "Почему не праходит?");
        let members = [m("Оплата не праходит", "Оплата проходит."), m("Оплата не пришла", "Оплата приходит.")];
        assert_eq!(Spelling::of(&members).correct("Оплата не праходит"), "Оплата не праходит");
    }

    #[test]
    fn a_doubled_letter_written_once_is_a_slip_of_the_staffs_word() {
        for (a, b) in [("подменый", "подменный"), ("адрес", "адресс"), ("recomend", "recommend")] {
            assert!(doubling_apart(a, b) && doubling_apart(b, a), "{a} {b}");
        }
        // An ending, a changed letter, the same word.
        for (a, b) in [("подменные", "подменный"), ("заказа", "заказ"), ("товар", "товара"), ("ванна", "ванна")] {
            assert!(!doubling_apart(a, b) && !doubling_apart(b, a), "{a} {b}");
        }
        let members = [
            m("Положен ли подменый телефон пока мой в ремонте?", "Подменный телефон выдаём на время ремонта."),
            m("Дадут подменный аппарат?", "Да, подменный аппарат выдаём."),
        ];
        let spelling = Spelling::of(&members);
        // The stem is the staff's, and so is the word: only its «нн» was written once.
        assert_eq!(spelling.correct("Положен ли подменый телефон?"), "Положен ли подменный телефон?");
        // An inflection the staff did not happen to write is no slip.
        assert_eq!(spelling.correct("Подменные телефоны есть?"), "Подменные телефоны есть?");
        // Written so by two customers, it is theirs.
        let members = [m("Подменый телефон дадут?", "Подменный телефон выдаём."), m("А подменый ноутбук?", "Подменный ноутбук тоже.")];
        assert_eq!(Spelling::of(&members).correct("Подменый телефон дадут?"), "Подменый телефон дадут?");
    }
}
