//! Titles a help center would use, built from the cluster's own questions without a model.
//!
//! Entry point: [`title`]. Every flat member's question is cleaned as for embedding (quotes,
//! signatures, greetings and personal data gone), split into sentences, and each sentence becomes a
//! candidate once the words a help center never puts in a title are taken out ([`strip`]):
//! greetings and addresses ("Девушка, здравствуйте"), politeness and urgency ("подскажите,
//! пожалуйста", "срочно", "помогите"; "please", "could you tell me"), and the clauses that carry one
//! ticket's values ("47 рублей", a date, an order number, a redaction placeholder). The title is
//! the candidate that is most central to the cluster (the member's similarity to the centroid), in
//! question form, short and complete: [`score`] adds nothing else, so a desk's own most typical
//! wording wins.

use std::sync::LazyLock;

use regex::Regex;

use super::Member;

/// Questions looked at, most central first.
const LOOKED_AT: usize = 200;

static LEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(
            а|и|ну|так|вот|ещё|еще|кстати|слушайте|
            здравствуйте|здрасте|привет|добрый\s+(день|вечер)|доброе\s+утро|доброй\s+ночи|девушка|молодой\s+человек|
            извините|простите|пожалуйста|пожайлуста|пожалуста|пожалста|пжлст|пжл|пж|плиз|плз|срочно|помогите(\s+пожалуйста)?|
            (подскажите|скажите|уточните|объясните|поясните)(\s+пожалуйста)?|
            (не\s+)?(могли|можете)\s+(бы\s+)?(вы\s+)?(подсказать|сказать|объяснить|уточнить)(\s+пожалуйста)?|
            (я\s+)?(хотел[аи]?|хочу)\s+(бы\s+)?(узнать|спросить|уточнить)|
            (у\s+меня\s+)?(такой\s+)?вопрос|интересует|
            hi|hello|hey|dear\s+\w+|please|quick\s+question|
            (could|can|would)\s+(you|u)\s+(please\s+|pls\s+)?(tell|explain|help)(\s+me)?|
            i\s+(would\s+like|wanted|want)\s+to\s+(know|ask)
        )\b[\s,:;!.\-—–]*",
    )
    .expect("static regex")
});

/// A greeting set off by a comma or an exclamation mark after a short word or two ("for Hello, we
/// applied…", "ok hi, my account…", «ой, здравствуйте, …»): it opens the message, so what comes
/// before it is a leftover of the address, not of the question. A longer word makes the greeting
/// part of the question («Передайте привет, пожалуйста, курьеру?»).
static GREETING_AFTER_STRAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:\p{L}{1,4}[\s,]+){1,2}?(?:здравствуйте|здрасте|привет|добрый\s+(?:день|вечер)|доброе\s+утро|hello|hi|hey)\s*[,!]+\s*")
        .expect("static regex")
});

/// "Помогите / подскажите, как" + an infinitive (`ru`), or "(can you / anyone at X want to) help
/// me (to)" + a word (`en`):
/// the thing to do starts at the group.
static HELP_DOING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            (?:помогите|подскажите,?\s+как)(?:\s+пожалуйста)?,?\s+(?P<ru>\w+(?:ть|ти|чь)(?:ся)?\b)
            |
            (?:
                (?:could|can|would)\s+(?:you|u|anyone|anybody|someone|somebody)\s+(?:please\s+|pls\s+)?
                |
                (?:anyone|anybody|someone|somebody)(?:\s+(?:at|from)\s+\w+)?\s+(?:want\s+to\s+|wanna\s+|(?:can|could)\s+)?
            )?help\s+me\s+(?:to\s+)?(?P<en>[a-z]\w*\b)
        )",
    )
    .expect("static regex")
});

/// Words after "help me" that do not start a thing to do ("help me with my account").
const NOT_A_VERB: [&str; 10] = ["with", "on", "about", "out", "in", "for", "here", "please", "pls", "asap"];

static ANYWHERE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[,\s]*\b(пожалуйста|пожайлуста|пожалуста|пожалста|пжлст|пжл|пж|плиз|плз|срочно|очень\s+срочно|вообще-то|вообще|ваще|блин|короче|тогда|please|pls|plz|asap|urgently|btw)\b[,!]*").expect("static regex")
});

/// A closing request for help ("…my account, can you guys help?", «…, можете помочь?»): what
/// comes before it is the customer's statement, not a question.
static ASKING_FOR_HELP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)[\s,;:!\-—–]*\b(
            (can|could|would|will)\s+(you|u|someone|somebody|anyone|anybody|y'?all)(\s+guys|\s+all)?\s+(please\s+|pls\s+)?help(\s+me|\s+us)?(\s+out)?|
            (вы\s+)?(можете|сможете|не\s+могли\s+бы|могли\s+бы)(\s+вы)?\s+помочь
        )\b[\s!.)]*$",
    )
    .expect("static regex")
});

static TRAILING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[\s,;:!\-—–]*\b(помогите(\s+разобраться)?|подскажите|заранее\s+спасибо|спасибо|thanks(\s+in\s+advance)?|thank\s+you|help(\s+me)?)\b[\s!.)]*$")
        .expect("static regex")
});

/// One ticket's values: digits, a redaction placeholder, an amount. A word that mixes letters and
/// digits is a name when two questions of the cluster write it ("PS4", "Win10": [`Vocabulary::has_values`]).
static VALUES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d|\[[A-Z_]+\]|₽|\$|€").expect("static regex"));

/// The words of a text: runs of letters and digits.
static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[\p{L}\p{N}]+").expect("static regex"));

/// The words of `text` that mix letters and digits, lower case: "PS4", "Win10", "5G", the "P5" of
/// "NB-P5".
fn named_with_digits(text: &str) -> impl Iterator<Item = String> + '_ {
    WORD.find_iter(text)
        .map(|m| m.as_str())
        .filter(|w| w.chars().any(char::is_numeric) && w.chars().any(char::is_alphabetic))
        .map(str::to_lowercase)
}

/// Capitalised Russian words inside a sentence: after a word, a digit or a comma, not the
/// sentence's first word nor a quoted label («Получить код»). Russian capitalises only names
/// there: towns, streets, shops, people («в Калуге», «на Ленинском»). English capitalises titles
/// and products too, so it is not read so.
fn proper_names(text: &str) -> impl Iterator<Item = &str> {
    static PROPER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"[\p{L}\p{N},;:)][ \t]+([А-ЯЁ][а-яё]+)\b").expect("static regex"));
    PROPER.captures_iter(text).filter_map(|c| c.get(1)).map(|m| m.as_str())
}

static QUESTION_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(как|где|что|почему|зачем|когда|сколько|куда|откуда|какие|какой|какая|каким|каких|чем|кто|можно|нужно|надо|есть\s+ли|будет|будут|могу|могут|how|what|where|when|why|which|who|can|could|do|does|did|is|are|will|should)\b|\bли\b",
    )
    .expect("static regex")
});

static FIRST_PERSON: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\b(я|мне|меня|мой|моя|моё|мое|мои|моего|моей|i|my|me)\b").expect("static regex"));

/// What a candidate title does of what a title must ([`title`]), most important first.
type Checks = (bool, bool, bool, bool, bool);

/// The title of a cluster: its best candidate ([`score`]) among those that name what the cluster
/// is about (one of the words most of its questions share), ask a question, carry no one ticket's
/// values or profanity, stand alone (no pronoun pointing to an earlier sentence, two content
/// words at least) and open their message (a question asked after the customer's story leans on
/// it: «Вчера мой iPad оценили… Сумма не поменяется?»); where none does all five, the one that
/// does the most, in that order. `None` when nothing is left to make a title of.
pub fn title(members: &[&Member]) -> Option<String> {
    titled(members).map(|(title, _)| title)
}

/// [`title`] and the member whose question it was made of.
pub fn titled<'a>(members: &[&'a Member]) -> Option<(String, &'a Member)> {
    let mut by_centrality: Vec<&'a Member> = members.to_vec();
    by_centrality.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then_with(|| a.ticket_id.cmp(&b.ticket_id)));
    by_centrality.truncate(LOOKED_AT);
    let questions: Vec<String> = by_centrality.iter().map(|m| crate::clean::for_embedding(&m.question)).collect();
    let words = Vocabulary::of(&questions);
    let scored: Vec<(f64, bool, String, &'a Member)> = by_centrality
        .iter()
        .zip(&questions)
        .flat_map(|(m, q)| placed(q).into_iter().map(|(c, opens)| (score(&c, m.similarity, &words), opens, c, *m)))
        .collect();
    // What a title must do, most important first: say what the cluster is about, ask, carry no
    // one ticket's values or profanity, and stand alone. The candidate that does the most of it, in that order,
    // wins; its score decides between equals. Of "Could you?" and "Do you have a fix for the
    // crash?" only the second says what about; and "Промокод не применяется, пишет
    // «недействителен»" tells a customer more than the question beside it, «Что не так?».
    // Last, a question that opens its message over one asked after the customer's story
    // («Вчера мой iPad оценили в 12 000… Сумма не поменяется?»), which leans on the story.
    let checks = |c: &str, opens: bool| (words.names_the_subject(c), c.ends_with('?'), !words.has_values(c) && !PROFANITY.is_match(c), stands_alone(c), opens);
    // Ties go to the more central member: the first seen.
    scored
        .into_iter()
        .map(|(s, opens, c, m)| (checks(&c, opens), s, c, m))
        .fold(None, |best: Option<(Checks, f64, String, &'a Member)>, (k, s, c, m)| match &best {
            Some((bk, bs, _, _)) if (*bk, *bs) >= (k, s) => best,
            _ => Some((k, s, c, m)),
        })
        .map(|(_, _, c, m)| (c, m))
}

/// Whether `text` has words a help center never shows ([`PROFANITY`]).
pub(super) fn profane(text: &str) -> bool {
    PROFANITY.is_match(text)
}

/// Whether a candidate says what it is about without the sentences around it: no pronoun pointing
/// back ("Где его найти?"), two content words at least («Вернуть можно?», «Подойдёт или нет?»
/// leave the thing out), and not cut short ([`CUT_SHORT`]).
fn stands_alone(candidate: &str) -> bool {
    !crate::lexical::points_back(candidate)
        && crate::lexical::stems(candidate).len() >= 2
        && !CUT_SHORT.is_match(candidate)
        && !(STATEMENT_CUT_SHORT.is_match(candidate) && !candidate.ends_with('?'))
        && !candidate.starts_with(['’', '\''])
}

/// A statement (it does not ask) that ends on an English preposition lost its object with a
/// removed @mention ("…sites detected so far all hosted by", from "hosted by @GoDaddy"); a question
/// may end on one ("Who do I talk to?"). A sentence that opens with a possessive ending ("’s
/// streaming service sucks", from "@hulu’s…") lost its subject the same way.
static STATEMENT_CUT_SHORT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(by|to|with|on|in|at|from|for|of|about|into)[\s.!,:;—-]*$").expect("static regex"));

/// A sentence that ends on a word no sentence ends with (an article, a possessive, a conjunction,
/// a Russian preposition) was cut short: the hashtag or the @mention it ended with went ("…you are
/// contributing to the #ToiletPaperPanic", "…hosted on your @GoDaddy"), or a chat customer pressed
/// Enter mid-sentence («Хочу узнать про» / «доставку в Казань»). English prepositions are not on
/// the list: "Who do I talk to?" is whole.
static CUT_SHORT: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!(r"(?i)\b({NO_LAST_WORD})[\s?.!,:;—-]*$")).expect("static regex"));

/// The words [`CUT_SHORT`] looks for.
const NO_LAST_WORD: &str = "a|an|the|my|your|our|their|and|or|but|because|than|в|во|на|с|со|к|ко|по|о|об|обо|от|до|из|у|за|для|без|про|через|при|над|под|перед|между|и|или|но|чтобы|если|потому";

/// A hashtag the sentence ends on after such a word is the sentence's last word, not a tag
/// addressed to the desk: «…contributing to the #ToiletPaperPanic» keeps "ToiletPaperPanic".
static TAG_AS_LAST_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)\b({NO_LAST_WORD})\s+#(\w+)(?:[\s,;]*[@#]\w+)*$")).expect("static regex"));

/// The words of a cluster's questions: in how many questions each stem occurs.
pub struct Vocabulary {
    questions: usize,
    counts: std::collections::HashMap<String, usize>,
    /// In how many questions each word that mixes letters and digits occurs ([`named_with_digits`]).
    names: std::collections::HashMap<String, usize>,
}

impl Vocabulary {
    pub fn of(questions: &[String]) -> Vocabulary {
        let mut counts = std::collections::HashMap::new();
        let mut names = std::collections::HashMap::new();
        for q in questions {
            let stems: std::collections::HashSet<String> = crate::lexical::stems(q).into_iter().collect();
            for s in stems {
                *counts.entry(s).or_insert(0) += 1;
            }
            for name in named_with_digits(q).collect::<std::collections::HashSet<_>>() {
                *names.entry(name).or_insert(0) += 1;
            }
        }
        Vocabulary { questions: questions.len(), counts, names }
    }

    /// Whether `candidate` carries one ticket's values ([`VALUES`]). A word that mixes letters and
    /// digits is a name when two of the cluster's questions write it ("PS4" in a cluster about
    /// moving a game to a PS4); one customer's model ("NB-P5", "LaserJet 1150") stays a value.
    /// So is a Russian proper name ([`proper_names`]: a town, a street, a shop) that no other
    /// question of the cluster writes: «Есть ли у вас магазин в Калуге?» is one customer's town in
    /// a cluster about where the shops are.
    pub fn has_values(&self, candidate: &str) -> bool {
        let ones_own = |w: &str| self.counts.get(&crate::lexical::stem(&w.to_lowercase())).is_none_or(|&n| n < 2);
        if proper_names(candidate).any(ones_own) {
            return true;
        }
        if !VALUES.is_match(candidate) {
            return false;
        }
        // `names` holds only words that mix letters and digits.
        let shared = |w: &str| self.names.get(&w.to_lowercase()).is_some_and(|&n| n >= 2);
        let masked = WORD.replace_all(candidate, |c: &regex::Captures| if shared(&c[0]) { String::new() } else { c[0].to_string() });
        VALUES.is_match(&masked)
    }

    /// Whether `candidate` holds one of the cluster's subject words: a stem in two of its
    /// questions at least and at least half as many as its most frequent stem. A word a few
    /// questions happen to share is theirs, not the cluster's: «Когда можно будет оформить?»
    /// shares «оформить» with one other question of five, «предзаказ» is in all five; and in a
    /// cluster of three, «Что мне теперь делать?» names nothing the others ask about.
    pub fn names_the_subject(&self, candidate: &str) -> bool {
        let top = self.counts.values().copied().max().unwrap_or(0);
        let needed = top.min(top.div_ceil(2).max(2)).max(1);
        crate::lexical::stems(candidate).iter().any(|s| self.counts.get(s).is_some_and(|&n| n >= needed))
    }

    /// The candidate's words no other question of the cluster has: one ticket's specifics (a
    /// product, a brand, a place), when the cluster has three questions or more.
    pub fn specifics(&self, candidate: &str) -> usize {
        if self.questions < 3 {
            return 0;
        }
        crate::lexical::stems(candidate).iter().filter(|s| self.counts.get(*s).is_none_or(|&n| n < 2)).count()
    }
}

/// The sentences of a question, each stripped ([`strip`]) and finished as a title; the
/// question sentences first, the others only when there is none.
pub fn candidates(question: &str) -> Vec<String> {
    placed(question).into_iter().map(|(c, _)| c).collect()
}

/// Whether the question a message asks comes after the customer's story and points back to it
/// («Возвращаю кофемолку, не подошла. Доставка была 299 р. Её вычтут из суммы возврата?»): it
/// says what it is about only beside that story. A pronoun in a question that opens its message
/// points inside it («Как купить сертификат и отправить его подруге?»).
pub fn leans_on_story(question: &str) -> bool {
    placed(question).first().is_some_and(|(c, opens)| !opens && crate::lexical::points_back(c))
}

/// [`candidates`], each with whether it opens its message: no sentence before it says anything.
fn placed(question: &str) -> Vec<(String, bool)> {
    // A sentence that asks for nothing in particular ("Any advice?", "Can anyone help?") is no
    // title, however central its message.
    let finished: Vec<(bool, String)> = sentences(question)
        .into_iter()
        .filter_map(|s| finish(&strip(s)).filter(|c| !crate::clean::is_empty_request(c)).map(|c| (s.ends_with('?'), c)))
        .collect();
    let any_asked = finished.iter().any(|(asked, _)| *asked);
    finished.into_iter().enumerate().filter(|(_, (asked, _))| *asked || !any_asked).map(|(k, (_, c))| (c, k == 0)).collect()
}

/// Sentences end at `.`, `!`, `?` or a line break (a `?` stays with its sentence), but not inside
/// quotation marks: a quoted error message («Ошибка. Повторите позже», "…unavailable right now.
/// please return…") is part of the sentence that quotes it.
pub(super) fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    // Open quotation marks: «» and “” nest, a straight `"` toggles.
    let (mut open, mut straight) = (0usize, false);
    for (k, &(i, c)) in chars.iter().enumerate() {
        match c {
            '«' | '“' => open += 1,
            '»' | '”' => open = open.saturating_sub(1),
            '"' => straight = !straight,
            // A quote left open ends with its line.
            '\n' => (open, straight) = (0, false),
            _ => {}
        }
        let quoted = open > 0 || straight;
        let next_is_space = chars.get(k + 1).is_none_or(|&(_, n)| n.is_whitespace());
        if c == '\n' || (!quoted && matches!(c, '.' | '!' | '?') && next_is_space) {
            let end = if c == '?' { i + 1 } else { i };
            let s = text[start..end].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = i + c.len_utf8();
        }
    }
    let rest = text[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// @mentions and #hashtags at either end of a sentence ("@HP why is my laptop…", "…not
/// working #help"): addressed to the desk, not part of the question.
static TAGS_AT_ENDS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:[@#]\w+[\s,:;]*)+|(?:[\s,;]*[@#]\w+)+$").expect("static regex"));

/// Words a help center never puts in a title, however its customers write.
static PROFANITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(fuck\w*|f\*+k\w*|fker\w*|shit\w*|damn\w*|crap\w*|wtf|wth|bullshit|hell|бля\w*|хуй\w*|хуе\w*|пизд\w*|еба\w*|ёба\w*|ебу\w*|нахер|нахрен|хрен\w*|дерьм\w*|жоп\w*)\b").expect("static regex")
});

/// A sentence without greetings, politeness, urgency, the mentions and hashtags at its ends, a
/// bracket left open, and the comma-separated clauses that carry one ticket's values (when what is
/// left still says something).
pub fn strip(sentence: &str) -> String {
    let mut question = sentence.trim_end().ends_with('?');
    let mut s = sentence.trim().trim_end_matches(['?', '.', '!']).to_string();
    loop {
        let before = s.clone();
        s = TAG_AS_LAST_WORD.replace(&s, "$1 $2").into_owned();
        s = TAGS_AT_ENDS.replace_all(&s, "").into_owned();
        for (open, close) in [('[', ']'), ('(', ')')] {
            if s.starts_with(open) && !s.contains(close) {
                s = s[open.len_utf8()..].to_string();
            }
        }
        // A request for help doing something asks how to do it: "помогите восстановить пароль" →
        // "как восстановить пароль?", "can u help me transfer my character" → "how to transfer…?".
        let doing = HELP_DOING.captures(&s).and_then(|c| match (c.name("ru"), c.name("en")) {
            (Some(v), _) => Some(("как", v.start())),
            (_, Some(v)) if !NOT_A_VERB.contains(&v.as_str().to_lowercase().as_str()) => Some(("how to", v.start())),
            _ => None,
        });
        if let Some((how, start)) = doing {
            s = format!("{how} {}", &s[start..]);
            question = true;
        }
        s = LEADING.replace(&s, "").into_owned();
        s = GREETING_AFTER_STRAY.replace(&s, "").into_owned();
        s = ANYWHERE.replace_all(&s, "").into_owned();
        let request = ASKING_FOR_HELP.replace(&s, "").into_owned();
        if request != s {
            s = request;
            question = false;
        }
        s = TRAILING.replace(&s, "").into_owned();
        if s == before {
            break;
        }
    }
    if VALUES.is_match(&s) {
        let kept: Vec<&str> = s.split(',').filter(|clause| !VALUES.is_match(clause)).collect();
        let joined = kept.join(",");
        if joined.split_whitespace().count() >= 3 {
            s = joined;
        }
    }
    let s = super::spelling::written_out(&s).split_whitespace().collect::<Vec<_>>().join(" ");
    let s = s.trim_matches(|c: char| c == ',' || c == '-' || c == '—' || c == ':' || c.is_whitespace()).to_string();
    if question {
        format!("{s}?")
    } else {
        s
    }
}

/// Capitalised, one space between words, a question mark where it asks; `None` when too little is
/// left to be a title.
fn finish(s: &str) -> Option<String> {
    let s = s.trim();
    if s.trim_end_matches('?').split_whitespace().count() < 2 {
        return None;
    }
    // "is allowing people to sell…" is a statement whose subject (a removed @mention) is gone, not
    // a question: "is" or "are" before a verb in -ing does not ask, nor with "not" or an adverb
    // between them ("is not stopping price gougers", "is currently allowing…").
    static DROPPED_SUBJECT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)^(is|are|was|were)(n't|\s+not)?(\s+\w+ly)?\s+\w+ing\b").expect("static regex"));
    // "Can’t take risk…" states: the regex's word boundary falls before the apostrophe.
    let cannot = ["can't", "can’t"].iter().any(|p| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)));
    let asks = s.ends_with('?') || (QUESTION_WORD.is_match(s) && !DROPPED_SUBJECT.is_match(s) && !cannot);
    let body = s.trim_end_matches(['?', '.', '!', ' ']);
    let mut chars = body.chars();
    let first = chars.next()?;
    let capitalised: String = first.to_uppercase().chain(chars).collect();
    Some(if asks { format!("{capitalised}?") } else { capitalised })
}

/// How good a title `candidate` makes, from a member `similarity` to the cluster's centroid: its
/// centrality, plus small preferences a help center's editor has (each smaller than the spread of
/// centrality inside a cluster, so they decide between comparable phrasings, not against the
/// cluster's typical one): a question, 3 to 10 words, no one ticket's values or specifics (words
/// no other question of the cluster uses), no first person.
pub fn score(candidate: &str, similarity: f64, vocabulary: &Vocabulary) -> f64 {
    let words = candidate.split_whitespace().count() as f64;
    let mut s = similarity;
    if candidate.ends_with('?') {
        s += 0.02;
    }
    s -= 0.01 * (words - 10.0).max(0.0) + 0.02 * (3.0 - words).max(0.0);
    if vocabulary.has_values(candidate) || PROFANITY.is_match(candidate) {
        s -= 0.1;
    }
    if FIRST_PERSON.is_match(candidate) {
        s -= 0.01;
    }
    s - 0.02 * vocabulary.specifics(candidate).min(3) as f64
}

#[cfg(test)]
#[path = "title_tests.rs"]
mod tests;
