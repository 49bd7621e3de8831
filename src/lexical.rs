//! The words of a text: Snowball stems (Russian or English by the word's script), stop words, and
//! TF-IDF over them. Cluster labels, the bot index's BM25 and the review app's related articles all
//! read words this way.
//!
//! The words of a question, as a second opinion on its neighbours: customers asking the same thing
//! tend to use the same key words ("top up", "exchange rate", "продлить"), which sentence embeddings
//! sometimes blur. TF-IDF over Snowball stems, stop words and number words left out, unit length.

use std::collections::HashMap;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

/// Spelled-out numbers: transcripts read codes aloud ("zero six six nine"), which would make
/// unrelated questions look alike.
const NUMBER_WORDS: &str = "zero oh one two three four five six seven eight nine ten eleven twelve thirteen fourteen
fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand
million ноль один одна одно одну одного одной одному одним два две двух двум двумя три трёх трех трём трем тремя
четыре четырёх четырех пять пяти шесть шести семь семи восемь восьми девять девяти десять десяти сто ста тысяча тысячи
тысяч";

/// Fragments of English contractions once the apostrophe splits them.
const FRAGMENTS: &str = "s t m d ll ve re don doesn didn isn aren wasn weren hasn haven hadn won wouldn shouldn couldn mustn can will just";

static SKIP: LazyLock<std::collections::HashSet<&'static str>> =
    LazyLock::new(|| NUMBER_WORDS.split_whitespace().chain(FRAGMENTS.split_whitespace()).collect());

static RU: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::Russian));
static EN: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Russian and English stop words: function words, pronouns, greetings and politeness, and the
/// filler of support requests ("подскажите", "please", "hello").
const STOP_WORDS: &str = "
и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее её мне было
вот от меня еще ещё нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него до вас
нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем
была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем
ним здесь этом один почти мой тем чтобы нее неё сейчас были куда зачем всех никогда можно при наконец
два об другой хоть после над больше тот через эти нас про всего них какая много разве три эту моя
впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между
это мои моё мое мою моего моей свой своё своего свои наш наша наши ваш ваша ваше ваши вашего вашей
здравствуйте добрый день вечер утро доброе привет подскажите пожалуйста спасибо благодарю помогите
скажите хочу хотел хотела хотим нужно нужен нужна можете могу ли либо очень просто также ещё вопрос
the a an and or but if then of to in on at for from by with about as is are was were be been being
am do does did have has had i me my we our you your he she it its they them their this that these
those what which who whom how why when where there here can could would should will shall may might
must not no yes so too very just also please hi hello hey thanks thank regards dear help want need
get got like im i'm i've i'd dont don't cant can't
";

static STOP: LazyLock<std::collections::HashSet<&'static str>> =
    LazyLock::new(|| STOP_WORDS.split_whitespace().collect());

/// `text` in at most `max` characters: whole when it fits, else cut after the last whole word that
/// fits, without the punctuation it ended on, and "…" to say so (the ellipsis is the `max`-th
/// character at most).
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max).collect();
    let cut = head.rfind(char::is_whitespace).filter(|&i| i > 0).unwrap_or_else(|| head.char_indices().last().map_or(0, |(i, _)| i));
    format!("{}…", head[..cut].trim_end_matches([',', ';', ':', ' ', '-', '—', '–', '(']))
}

/// `text` on one line (every run of whitespace one space) in at most `max` characters, cut at a
/// word as [`shorten`] cuts: a question quoted in a terminal listing or a report.
pub fn one_line(text: &str, max: usize) -> String {
    shorten(&text.split_whitespace().collect::<Vec<_>>().join(" "), max)
}

/// The stem of a lower-case word, by its script.
pub fn stem(word: &str) -> String {
    if word.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)) {
        RU.stem(word).into_owned()
    } else {
        EN.stem(word).into_owned()
    }
}

/// (stem, word form) of every content word: letters only, two characters or more, no stop word,
/// no placeholder (`[EMAIL]`).
pub fn terms(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for raw in text.split(|c: char| !c.is_alphanumeric() && c != '[' && c != ']') {
        if raw.starts_with('[') || raw.chars().count() < 2 || !raw.chars().all(char::is_alphabetic) {
            continue;
        }
        let word = raw.to_lowercase().replace('ё', "е");
        if STOP.contains(word.as_str()) {
            continue;
        }
        out.push((stem(&word), word));
    }
    out
}

/// Sparse unit vectors: (term id, weight), sorted by term id.
pub type Sparse = Vec<(u32, f32)>;

/// Stems of the content words of a text.
pub fn stems(text: &str) -> Vec<String> {
    let text = text.strip_prefix("query: ").or_else(|| text.strip_prefix("passage: ")).unwrap_or(text);
    terms(&text.to_lowercase())
        .into_iter()
        .filter(|(_, word)| !SKIP.contains(word.as_str()))
        .map(|(stem, _)| stem)
        .collect()
}

/// A pronoun or adverb that points back to something said before ("Нужен чек. Где его найти?",
/// "Is it a bug?").
static POINTING_BACK: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(его|её|ее|их|им|ему|ей|него|неё|нее|них|ней|нею|ним|ними|нему|нём|нем|он|она|оно|они|это|этот|эта|эти|этого|этой|там|туда|тогда|it|its|this|that|these|those|them|they|there|then)\b")
        .expect("static regex")
});

/// Whether `text` points back to something said before it: the thing it is about is named
/// elsewhere.
pub fn points_back(text: &str) -> bool {
    POINTING_BACK.is_match(text)
}

/// Whether a message names nothing an article could answer on its own: no content word («Что
/// делать?», "Can you help?"), or one beside a word pointing back to an earlier message («Как это
/// сделать?», «Где его найти?», "Is it a bug?"). Such a message, asked alone, is a follow-up whose
/// subject was in a message before it.
pub fn names_nothing(text: &str) -> bool {
    match stems(text).len() {
        0 => true,
        1 => points_back(text),
        _ => false,
    }
}

/// TF-IDF vectors of the texts: raw term counts, idf = ln((1 + N) / (1 + df)) + 1, unit length.
pub fn tfidf(texts: &[&str]) -> Vec<Sparse> {
    let mut vocab: HashMap<String, u32> = HashMap::new();
    let docs: Vec<Vec<u32>> = texts
        .iter()
        .map(|t| {
            stems(t)
                .into_iter()
                .map(|s| {
                    let next = vocab.len() as u32;
                    *vocab.entry(s).or_insert(next)
                })
                .collect()
        })
        .collect();
    let mut df = vec![0usize; vocab.len()];
    for doc in &docs {
        let mut seen: Vec<u32> = doc.clone();
        seen.sort_unstable();
        seen.dedup();
        seen.iter().for_each(|&t| df[t as usize] += 1);
    }
    let n = texts.len() as f64;
    docs.into_iter()
        .map(|doc| {
            let mut counts: std::collections::BTreeMap<u32, f64> = std::collections::BTreeMap::new();
            for t in doc {
                *counts.entry(t).or_default() += 1.0;
            }
            let mut v: Vec<(u32, f64)> =
                counts.into_iter().map(|(t, c)| (t, c * (((1.0 + n) / (1.0 + df[t as usize] as f64)).ln() + 1.0))).collect();
            let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            if norm > 0.0 {
                v.iter_mut().for_each(|(_, w)| *w /= norm);
            }
            v.into_iter().map(|(t, w)| (t, w as f32)).collect()
        })
        .collect()
}

/// Dot product of two sparse vectors sorted by term id.
pub fn dot(a: &Sparse, b: &Sparse) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shortened_at_a_word() {
        assert_eq!(shorten("Как вернуть товар", 160), "Как вернуть товар");
        let s = shorten("Если товар не подошёл, его можно вернуть в течение 14 дней, сохранив чек и упаковку", 40);
        assert_eq!(s, "Если товар не подошёл, его можно…");
        assert!(s.chars().count() <= 40);
        // One word longer than the room is cut inside it, still saying so.
        assert_eq!(shorten("Сверхдлинноесловобезпробелов", 10), "Сверхдлин…");
    }

    #[test]
    fn a_quoted_message_is_one_line_cut_at_a_word() {
        let quoted = one_line("Здравствуйте!\n\nКак вернуть   товар,\r\nкупленный в магазине?", 30);
        assert_eq!(quoted, "Здравствуйте! Как вернуть…");
        assert_eq!(one_line("  Где мой\tзаказ? ", 30), "Где мой заказ?");
    }

    #[test]
    fn shared_key_words_score_and_number_words_do_not() {
        let v = tfidf(&[
            "How do I top up my card?",
            "Top up by bank transfer",
            "My code is zero six six nine",
            "zero six six nine is what I see",
            "Как продлить сертификат?",
            "Можно продлить сертификаты?",
            "Ошибочно купила два сертификата, верните деньги за один",
            "Можно оплатить одну покупку двумя сертификатами?",
        ]);
        assert!(dot(&v[0], &v[1]) > 0.3, "top up");
        assert!(dot(&v[2], &v[3]) < 0.5, "number words");
        assert!(dot(&v[4], &v[5]) > 0.5, "Russian inflections share stems");
        let shared: Vec<u32> = v[6].iter().filter(|(t, _)| v[7].iter().any(|(u, _)| u == t)).map(|(t, _)| *t).collect();
        assert_eq!(shared.len(), 1, "only \"сертификат\" is shared, not the inflected number words");
        assert_eq!(dot(&v[0], &v[4]), 0.0);
        let norm: f32 = v[0].iter().map(|(_, w)| w * w).sum();
        assert!((norm - 1.0).abs() < 1e-5);
    }
}
