//! Token states from the real model: what the embedding stage keeps for token matching, how they
//! go through the cache on both backends, and that matching word by word tells apart what pooling
//! blurs.

use crate::common;

use kbforge::cluster::tokens::Tokens;
use kbforge::draft::spelling::Spelling;
use kbforge::draft::Member;
use kbforge::embed::{dot, token_states_cached, EmbedConfig, Embedder, TokenStates};
use kbforge::store::Store;

fn embedder() -> Embedder {
    let config = EmbedConfig { model_dir: Some(common::model_dir()), ..EmbedConfig::default() };
    Embedder::load(&config, std::path::Path::new(".")).expect("the test model loads")
}

fn texts(embedder: &Embedder, questions: &[&str]) -> Vec<String> {
    questions.iter().map(|q| embedder.question_text(q)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn states_match_the_pooled_vector_and_skip_prefix_and_special_tokens() {
    let embedder = embedder();
    let texts = texts(&embedder, &["Как вернуть деньги за сертификат?", "How do I get a disposable virtual card?", ""]);
    let got = embedder.embed_tokens(&texts, &indicatif::ProgressBar::hidden()).unwrap();
    let pooled = embedder.embed(&texts).unwrap();
    let tokenizer = embedder.tokenizer().expect("a folder model has its tokenizer");
    for ((vector, states), (text, expected)) in got.iter().zip(texts.iter().zip(&pooled)) {
        // The same inference gives the pooled vector `embed` gives.
        assert!(dot(vector, expected) > 0.9999, "{text}: {}", dot(vector, expected));
        // Content tokens: all but <s>, the prefix (`▁que` `ry` `:`) and </s>.
        let all = tokenizer.encode(text.as_str(), true).unwrap().get_ids().to_vec();
        assert_eq!(states.ids, all[4..all.len() - 1], "{text}");
        assert_eq!(states.states.len(), states.ids.len() * 384, "{text}");
        assert!(states.states.iter().all(|x| x.to_f32().is_finite()));
    }
    assert_eq!(tokenizer.id_to_token(got[0].1.ids[0]).as_deref(), Some("▁Как"));
    // An empty question has no content tokens but the word separator `▁` after the prefix.
    assert!(got[2].1.ids.iter().all(|&id| tokenizer.id_to_token(id).as_deref() == Some("▁")), "{:?}", got[2].1.ids);
}

async fn cache_suite(store: &Store) {
    let embedder = embedder();
    let texts = texts(&embedder, &["Где посмотреть баланс карты?", "Where is my card balance?"]);
    let (first, embedded) = token_states_cached(store, &embedder, &texts).await.unwrap();
    assert_eq!(embedded, 2);
    let (again, embedded) = token_states_cached(store, &embedder, &texts).await.unwrap();
    assert_eq!((again.as_slice(), embedded), (first.as_slice(), 0));
    // The vectors came from the same inference and are cached too.
    let (_, stats) = kbforge::embed::embed_cached(store, &embedder, &texts).await.unwrap();
    assert_eq!((stats.cached, stats.computed), (2, 0));
    assert_eq!(store.count("token_states").await.unwrap(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}", dir.path().join("kb.sqlite").display())).await.unwrap();
    cache_suite(&store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_on_postgres() {
    let Some((url, admin, schema)) = common::postgres_schema("kbforge_tokens").await else {
        eprintln!("KBFORGE_TEST_SKIP_POSTGRES=1: Postgres suite not run");
        return;
    };
    let store = Store::open(&url).await.unwrap();
    cache_suite(&store).await;
    store.close().await;
    common::drop_postgres_schema(&admin, &schema).await;
}

#[test]
fn matching_words_keeps_the_word_that_differs() {
    let embedder = embedder();
    let questions = [
        "How do I get a virtual card?",
        "How can I get a virtual card?",
        "How do I get a disposable virtual card?",
        "Как получить виртуальную карту?",
        "Как получить виртуальную карту, пожалуйста?",
        "Какой курс обмена валюты?",
    ];
    let got = embedder.embed_tokens(&texts(&embedder, &questions), &indicatif::ProgressBar::hidden()).unwrap();
    let states: Vec<TokenStates> = got.into_iter().map(|(_, s)| s).collect();
    let tokens = Tokens::build(states.clone(), 0);
    assert_eq!(tokens.len(), questions.len());
    assert!((tokens.score(0, 0) - 1.0).abs() < 1e-3);
    assert!((tokens.score(0, 2) - tokens.score(2, 0)).abs() < 1e-6);
    // A reworded question matches better than one with a word that changes the intent.
    assert!(tokens.score(0, 1) > tokens.score(0, 2), "{} vs {}", tokens.score(0, 1), tokens.score(0, 2));
    // In Russian: a polite word added matches better than another question.
    assert!(tokens.score(3, 4) > tokens.score(3, 5), "{} vs {}", tokens.score(3, 4), tokens.score(3, 5));
    // Projected onto fewer directions, the order holds.
    let projected = Tokens::build(states, 4);
    assert_eq!(projected.d, 4);
    assert!(projected.score(3, 4) > projected.score(3, 5));
}

#[test]
fn a_clipped_text_is_what_the_model_reads_and_is_not_reported_as_truncated() {
    let embedder = embedder();
    let paragraph = "Сертификат можно продлить один раз на три месяца, если срок действия ещё не истёк. ";
    let long = format!("passage: Продление сертификата\n{}", paragraph.repeat(60));
    let clipped = embedder.clip(&long);
    let tokenizer = embedder.tokenizer().unwrap();
    let tokens = |t: &str| tokenizer.encode(t, true).unwrap().get_ids().len();
    assert!(tokens(&long) > 512 && tokens(clipped) <= 512 && tokens(clipped) > 500, "{} → {}", tokens(&long), tokens(clipped));
    assert!(long.starts_with(clipped));
    // The model reads the clipped text as it read the long one: the same vector.
    let vectors = embedder.embed(&[long.clone(), clipped.to_string()]).unwrap();
    assert!(dot(&vectors[0], &vectors[1]) > 0.999, "{}", dot(&vectors[0], &vectors[1]));
    assert_eq!(embedder.truncated(), 1, "only the long text was cut by the model");
    // Short texts are left alone.
    assert_eq!(embedder.clip(paragraph), paragraph);
}

#[test]
fn the_models_vocabulary_keeps_the_speller_from_correcting_a_word_people_write() {
    let embedder = embedder();
    let vocabulary = embedder.vocabulary().expect("the test model has a tokenizer");
    // Words people write are one piece of the model's vocabulary; slips are split.
    for word in ["пройти", "прийти", "проходит", "воскресенье", "сертификат", "пожалуйста"] {
        assert!(vocabulary.holds_whole(word), "{word}");
    }
    for slip in ["праходит", "воскрисенье", "сертефикат", "пожалуста"] {
        assert!(!vocabulary.holds_whole(slip), "{slip}");
    }
    // «пройти» is one question's word and one letter from the staff's «прийти»: without the
    // vocabulary the speller took it for a slip (a published title, «ВольтМаркет» desk).
    let member = |q: &str, a: &str| Member {
        ticket_id: q.into(),
        question: q.into(),
        answer: a.into(),
        rating: String::new(),
        kind: kbforge::kind::Kind::Flat,
        similarity: 0.9,
    };
    let members = [
        member("Где можно пройти регистрацию карты?", "Чтобы зарегистрировать карту, нужно прийти в магазин с паспортом."),
        member("Во сколько вы открываетесь в воскрисенье?", "В воскресенье магазины работают с 10 до 22."),
    ];
    let title = "Где можно пройти регистрацию карты?";
    assert_eq!(Spelling::of(&members).correct(title), "Где можно прийти регистрацию карты?", "the old reading");
    let spelling = Spelling::of(&members).knowing(Some(vocabulary));
    assert_eq!(spelling.correct(title), title);
    // A slip is still spelled as the staff spell it.
    assert_eq!(spelling.correct("Во сколько вы открываетесь в воскрисенье?"), "Во сколько вы открываетесь в воскресенье?");
}
