use super::*;

#[test]
fn a_question_after_the_story_that_points_back_leans_on_it() {
    assert!(leans_on_story("Возвращаю кофемолку, просто не подошла. Доставка была 299 р. Её вычтут из суммы возврата?"));
    assert!(leans_on_story("My order came broken. Can I return it?"));
    // It opens the message: the pronoun points inside it.
    assert!(!leans_on_story("Как купить сертификат и отправить его подруге на почту?"));
    // After the story, but naming its subject.
    assert!(!leans_on_story("Купила чайник в подарок. Можно ли вернуть подарок без чека?"));
    assert!(!leans_on_story("Доставка была 299 р."));
}

#[test]
fn a_quoted_message_stays_in_its_sentence() {
    assert_eq!(
        sentences("Пишет «Ошибка. Повторите попытку позже». Что делать?"),
        ["Пишет «Ошибка. Повторите попытку позже»", "Что делать?"]
    );
    assert_eq!(sentences(r#"why do i keep getting "services are unavailable. please try again later." ?"#).len(), 1);
    // An unclosed quote ends at the line.
    assert_eq!(sentences("Пишет «ошибка\nНе работает. Что делать?"), ["Пишет «ошибка", "Не работает", "Что делать?"]);
}

#[test]
fn fillers_greetings_and_values_go() {
    for (question, want) in [
        ("Подскажите пожалуйста где посмотреть остаток по подарочному сертификату?", "Где посмотреть остаток по подарочному сертификату?"),
        ("Стою на кассе, не проходит сертификат, помогите срочно", "Стою на кассе, не проходит сертификат"),
        ("На сертификате осталась маленькая сумма, 47 рублей, что с ней делать?", "На сертификате осталась маленькая сумма, что с ней делать?"),
        ("Девушка, здравствуйте! А можно доплатить картой, если товар дороже?", "Можно доплатить картой, если товар дороже?"),
        ("Hi! Could you please tell me how to redeem the certificate?", "How to redeem the certificate?"),
        ("Подскажите пж где посмотреть остаток по подарочному сертификату?", "Где посмотреть остаток по подарочному сертификату?"),
        ("Подскажите пожайлуста можно ли узнать баланс без пин кода", "Можно ли узнать баланс без пин кода?"),
        ("pls how do I check the balance?", "How do I check the balance?"),
        ("Can u help me transfer my character to another console please", "How to transfer my character to another console?"),
        ("Здравствуйте, помогите восстановить пароль от личного кабинета", "Как восстановить пароль от личного кабинета?"),
        ("Добрый день. Хотела бы узнать, сколько действует сертификат? Заранее спасибо", "Сколько действует сертификат?"),
        // Chat spellings written out, words that only fill left out.
        ("Как узнать где щас мой заказ?", "Как узнать где сейчас мой заказ?"),
        ("Куда тогда вернутся деньги за возврат?", "Куда вернутся деньги за возврат?"),
        ("Его вообще будут завозить?", "Его будут завозить?"),
        ("При получении можна вскрыть упаковку?", "При получении можно вскрыть упаковку?"),
        ("Скока ждать доставку?", "Сколько ждать доставку?"),
        ("Why did u take views off of my new video?", "Why did you take views off of my new video?"),
        ("Is the Wii U still supported?", "Is the Wii U still supported?"),
        // A greeting after a stray word or two opens the message all the same.
        ("for Hello, we applied on the same day, but my channel was not approved", "We applied on the same day, but my channel was not approved"),
        ("Ой, здравствуйте, а сертификат можно вернуть?", "Сертификат можно вернуть?"),
        ("Should I say hi to the courier?", "Should I say hi to the courier?"),
        ("Передайте привет, это можно?", "Передайте привет, это можно?"),
    ] {
        assert_eq!(candidates(question), [want], "{question}");
    }
    // Mentions and hashtags at the ends go, and so does a bracket left open.
    assert_eq!(candidates("@HP why is my laptop possessed?"), ["Why is my laptop possessed?"]);
    assert_eq!(candidates("#phishing lots of phishing sites detected so far"), ["Lots of phishing sites detected so far"]);
    assert_eq!(candidates("[my printer show OFFLINE but I can print from another computer?"), ["My printer show OFFLINE but I can print from another computer?"]);
    // A statement whose subject was a removed @mention does not ask.
    assert_eq!(candidates("is allowing people to sell toilet paper at ridiculous prices #COVID19 #Gouging"), ["Is allowing people to sell toilet paper at ridiculous prices"]);
    assert_eq!(candidates("is not stopping price gougers"), ["Is not stopping price gougers"]);
    assert_eq!(candidates("Can’t take risk due to husbands health"), ["Can’t take risk due to husbands health"]);
    // A hashtag that is the sentence's last word stays, as a word.
    assert_eq!(
        candidates("Please can you ban people from selling toilet rolls - you are contributing to the #ToiletPaperPanic #covid"),
        ["Can you ban people from selling toilet rolls - you are contributing to the ToiletPaperPanic?"]
    );
    assert_eq!(candidates("is currently allowing sellers to gouge"), ["Is currently allowing sellers to gouge"]);
    assert_eq!(candidates("is it working again"), ["Is it working again?"]);
    assert_eq!(candidates("is gmail down"), ["Is gmail down?"]);
    // A closing request for help leaves the customer's statement, which does not ask.
    assert_eq!(candidates("I'm trying to recover my long lost account, can you help?"), ["I'm trying to recover my long lost account"]);
    assert_eq!(candidates("I couldn't recover my gmail account. Could you guys help ?"), ["I couldn't recover my gmail account"]);
    assert_eq!(candidates("Заказ не приходит уже неделю, можете помочь?"), ["Заказ не приходит уже неделю"]);
    assert_eq!(candidates("Anyone at Google want to help me recover my gmail and youtube please?"), ["How to recover my gmail and youtube?"]);
    // A sentence asking for nothing in particular is no candidate.
    assert_eq!(candidates("Rockstar social club is unavailable. Any advice?"), ["Rockstar social club is unavailable"]);
    // "help me with" names no thing to do.
    assert!(!candidates("Can you help me with my account?")[0].starts_with("How to"));
}

/// The title of a cluster of `members`.
fn title_of(members: &[Member]) -> Option<String> {
    title(&members.iter().collect::<Vec<_>>())
}

/// A flat member with no answer, `sim` to its cluster's centroid.
fn member(id: &str, q: &str, sim: f64) -> Member {
    Member { ticket_id: id.into(), question: q.into(), answer: String::new(), rating: String::new(), kind: crate::kind::Kind::Flat, similarity: sim }
}

#[test]
fn the_central_question_wins_among_comparable_ones() {
    let members = [
        member("1", "Стою на кассе, сертификат на 3000 рублей не проходит, помогите срочно!!!", 0.95),
        member("2", "Здравствуйте, почему на кассе не принимают сертификат?", 0.93),
        member("3", "сертификат", 0.97),
    ];
    assert_eq!(title_of(&members).as_deref(), Some("Почему на кассе не принимают сертификат?"));

    // A word of one question alone is not the cluster's subject, even in a cluster of three:
    // the most central member's «Что мне теперь делать?» names nothing the others ask about.
    let members = [
        member("1", "Сервисный центр отказал в гарантии на смартфон, пишут «следы попадания влаги». Что мне теперь делать?", 0.95),
        member("2", "Мне не приняли по гарантии посудомойку: мастер сказал, что её неправильно подключили. Как быть?", 0.93),
        member("3", "Не согласен с отказом по гарантии, можно независимую экспертизу?", 0.90),
    ];
    assert_eq!(title_of(&members).as_deref(), Some("Не согласен с отказом по гарантии, можно независимую экспертизу?"));

    // «Оформить» is in two questions of five, «предзаказ» in all of them.
    let members = [
        member("1", "будет ли предзаказ на новый айфон? когда можно будет оформить?", 0.95),
        member("2", "Оформила предзаказ на приставку. Когда её привезут — в день старта продаж или позже?", 0.94),
        member("3", "Когда откроется предзаказ на новый флагман и будут ли подарки за предзаказ?", 0.93),
        member("4", "Как у вас работает предзаказ? надо сразу платить всю сумму или можно при получении", 0.92),
        member("5", "Хочу сделать предзаказ на складной смартфон, но боюсь, что передумаю. Его можно отменить?", 0.91),
    ];
    let got = title_of(&members).unwrap();
    assert!(got.to_lowercase().contains("предзаказ"), "{got}");
}

#[test]
fn a_name_with_digits_is_the_clusters_and_a_model_is_one_tickets() {
    // "PS4" is in every question: a name, which the title may keep.
    let members = [
        member("1", "How do I move my GTA character from Xbox One to PS4?", 0.95),
        member("2", "can i transfer my gta online progress from xbox to ps4", 0.93),
        member("3", "Switched to PS4, is there a way to take my character with me?", 0.90),
    ];
    assert_eq!(title_of(&members).as_deref(), Some("How do I move my GTA character from Xbox One to PS4?"));
    // "NB-P5" is one customer's bracket: a value, so the question without it wins.
    let members = [
        member("1", "Подойдёт ли North Bayou NB-P5?", 0.95),
        member("2", "Как проверить, подойдёт ли аксессуар к моему телевизору?", 0.93),
        member("3", "Подойдёт ли этот кронштейн к моему телевизору?", 0.90),
    ];
    assert!(!title_of(&members).unwrap().contains("P5"));
    let words = Vocabulary::of(&["PS4 не видит диск".to_string(), "ps4 не включается".to_string()]);
    assert!(!words.has_values("Почему PS4 не видит диск?") && words.has_values("Почему PS5 не видит диск?"));
    assert!(words.has_values("Диск за 2990 ₽ не читается"));
    // One customer's town is a value; a town two questions name is the cluster's.
    let members = [
        member("1", "Есть ли у вас магазин в Калуге?", 0.95),
        member("2", "Скиньте адреса всех магазинов в Казани", 0.93),
        member("3", "Переехала в Тюмень, магазина не нашла. Где посмотреть список магазинов?", 0.90),
    ];
    assert_eq!(title_of(&members).as_deref(), Some("Где посмотреть список магазинов?"));
    let words = Vocabulary::of(&["Доставка в Казань долго".to_string(), "Сколько ехать заказу до Казани?".to_string()]);
    assert!(!words.has_values("Сколько идёт доставка в Казань?") && words.has_values("Сколько идёт доставка в Тулу?"));
    // Not a sentence's first word, nor a quoted label.
    assert!(!words.has_values("Жму «Получить код», а кода нет"));
}

#[test]
fn a_question_asked_after_the_customers_story_leans_on_it() {
    // The most central member's «Сумма не поменяется?» says which sum only after its story;
    // a question that opens its message says it itself.
    let members = [
        member("1", "Вчера мой iPad оценили в трейд-ин онлайн, но доехать до магазина я смогу только через неделю. Сумма не поменяется?", 0.95),
        member("2", "От чего зависит сумма по трейд-ину?", 0.90),
        member("3", "Какую сумму дадут в трейд-ин за старый ноутбук?", 0.88),
    ];
    assert_eq!(title_of(&members).as_deref(), Some("От чего зависит сумма по трейд-ину?"));
    // Where every question follows a story, the most central still wins.
    let members = [
        member("1", "Вчера мой iPad оценили в трейд-ин онлайн. Сумма по трейд-ину не поменяется?", 0.95),
        member("2", "Сдаю ноутбук через неделю. От чего зависит сумма по трейд-ину?", 0.90),
    ];
    assert_eq!(title_of(&members).as_deref(), Some("Сумма по трейд-ину не поменяется?"));
}

#[test]
fn a_pronoun_after_a_preposition_points_back_too() {
    for s in ["Как ещё можно узнать, сколько на ней осталось?", "Что с ним делать?", "Можно ли к нему подключить колонку?"] {
        assert!(crate::lexical::points_back(s), "{s}");
    }
    assert!(!crate::lexical::points_back("Как узнать, сколько денег осталось на подарочной карте?"));
    // Nor does a title with one content word say what it is about.
    for s in ["Вернуть можно?", "Подойдёт или нет?", "Что мне делать?", "Где его найти?", "Can you do it?"] {
        assert!(!stands_alone(s), "{s}");
    }
    for s in ["Смарт часы считаются технически сложным товаром?", "Как потратить бонусы?", "How to redeem gift card?"] {
        assert!(stands_alone(s), "{s}");
    }
    // A sentence cut short by a tag that went, or by a chat customer's Enter, does not either;
    // one that ends on an English preposition is whole.
    for s in ["Can you ban people from selling toilet rolls - you are contributing to the?", "Why are phishing sites hosted on your?", "Хочу узнать стоимость доставки в", "Можно оплатить картой или?"] {
        assert!(!stands_alone(s), "{s}");
    }
    for s in ["Who do I talk to about my refund?", "Which plan is the storage for?", "Бонусы сгорают через год или как?", "Заказ можно забрать в пункте А?"] {
        assert!(stands_alone(s), "{s}");
    }
    // A statement that ends on one lost its object with a removed @mention, and one opening
    // with a possessive ending lost its subject.
    for s in ["Lots of phishing sites detected so far all hosted by", "’s streaming service sucks", "'s app crashes on login"] {
        assert!(!stands_alone(s), "{s}");
    }
    assert!(stands_alone("My order was delivered to the wrong address"));
    for s in ["Which fker tried to sign into my account?", "What the hell am I paying for?", "Какого хрена не работает?"] {
        assert!(PROFANITY.is_match(s), "{s}");
    }
    assert!(!PROFANITY.is_match("Hello, my shell script fails"));
}
