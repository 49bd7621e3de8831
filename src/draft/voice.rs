//! A reply's conversation around its answer, left out of the article.
//!
//! An agent writes to one person: "Sorry to hear about the trouble!", «Очень жаль, что так
//! получилось.», "Thanks for reaching out!" before the answer; "Hope this helps.", "Let us know if
//! we can help with anything else", "-Mike" after it; «Да, …» answering the one way this customer
//! asked. An article answers every phrasing of its cluster for everyone, and a help center does not
//! apologise or sign its pages. The clean stage already cut greetings, thanks and sign-offs; what is
//! left here is the courtesy agents wrap the answer in, which the clustering keeps (it is a desk's
//! house style, evidence of the same team and topic: see docs/BENCHMARKS.md) and the article does
//! not.
//!
//! Only whole sentences at the ends of the reply go, and only while some of the answer is left; a
//! courtesy that carries the answer ("Sorry, but you can not do that.", «К сожалению, вернуть
//! нельзя.») stays.

use std::sync::LazyLock;

use regex::Regex;

/// Courtesy a reply opens with, as whole sentences: sympathy and apologies, thanks for writing,
/// offers to help, an interjection, a brand introducing itself.
const OPENING: &str = concat!(
    r"(?:(?:oh\s+no|oh\s+dear|yikes|uh[\s-]oh|hmm+|ah)\b[!,.]*\s*)?(?:",
    // An interjection alone.
    r"(?:oh\s+no|oh\s+dear|yikes|uh[\s-]oh|hmm+)\b|",
    // Sympathy and apologies.
    r"(?:we(?:'re|’re|\s+are)|i(?:'m|’m|\s+am))\s+(?:so\s+|very\s+|really\s+|truly\s+)?sorry\s+(?:to\s+(?:hear|see|read|learn)|for\s+the|about\s+the|you(?:'re|’re|\s+are)|that\s+you)[^.!?\n]{0,100}",
    r"|sorry\s+(?:to\s+(?:hear|see|read)|about\s+the|for\s+the)[^.!?\n]{0,80}",
    r"|(?:our|my)\s+(?:sincere\s+)?apologies\s+for[^.!?\n]{0,80}",
    r"|we\s+apologi[sz]e\s+for[^.!?\n]{0,80}",
    r"|that(?:'s|’s|\s+is)\s+(?:not\s+(?:good|great|ideal|the\s+experience[^.!?\n]{0,60})|odd|strange|weird|frustrating|no\s+fun)",
    r"|this\s+is\s+(?:never|not)\s+(?:the\s+(?:way|experience)\s+we\s+want)[^.!?\n]{0,80}",
    r"|we\s+hear\s+you",
    r"|(?:мне\s+|нам\s+)?(?:очень\s+|искренне\s+|так\s+)?жаль,?\s+(?:что|слышать)[^.!?\n]{0,100}",
    r"|(?:мы\s+)?(?:очень\s+|искренне\s+)?сожалеем[^.!?\n]{0,100}",
    r"|(?:мы\s+)?приносим\s+(?:свои\s+|наши\s+)?(?:искренние\s+)?извинения[^.!?\n]{0,100}",
    r"|(?:извините|простите)\s+(?:нас\s+|пожалуйста\s+)?за\s+[^.!?\n]{0,80}",
    r"|(?:мы\s+)?(?:прекрасно\s+|хорошо\s+)?понимаем\s+(?:ваше\s+(?:беспокойство|недовольство|разочарование|негодование)|вас|как\s+это\s+неприятно)[^.!?\n]{0,60}",
    r"|(?:ох|ой)\b[^.!?\n]{0,40}",
    // Thanks for writing, for the details, for the patience.
    r"|thanks?(?:\s+you)?(?:\s+so\s+much)?\s+(?:for|to)\s+(?:reaching|tweeting|contacting|getting\s+in\s+touch|the\s+tag|tagging|letting\s+us\s+know|your\s+(?:patience|message|tweet|feedback|concern|question|note|interest))[^.!?\n,–—:;]{0,60}",
    r"|we\s+(?:really\s+)?appreciate\s+(?:your|you)[^.!?\n,–—:;]{0,40}",
    r"|(?:спасибо|благодарим|благодарю)(?:\s+вам)?,?\s+(?:что\s+(?:написали|обратились|сообщили|рассказали|дождались|связались)|за\s+(?:ваше\s+|ваш\s+|ваши\s+)?(?:обращение|вопрос|ожидание|терпение|интерес|доверие|обратную\s+связь|сообщение|подробности|уточнение|понимание))[^.!?\n,–—:;]{0,60}",
    // Offers to help.
    r"|(?:glad|happy|here)\s+to\s+(?:help|assist)",
    r"|(?:i|we)(?:'d|’d|\s+would)\s+(?:love|like|be\s+(?:glad|happy))\s+to\s+(?:help|assist)[^.!?\n,:;]{0,40}",
    r"|(?:sure|absolutely|of\s+course),?\s+(?:we|i)\s+can\s+(?:help|assist)[^.!?\n,:;]{0,40}",
    r"|not\s+to\s+worry[^.!?\n]{0,60}|no\s+worries",
    r"|(?:this|that)\s+(?:sounds\s+like|is)\s+a\s+(?:great|good|cool|fantastic)\s+(?:suggestion|idea|question)",
    r"|(?:great|good)\s+question",
    r"|(?:с\s+)?(?:радостью|удовольствием)\s+(?:помо[гж]\w*|подскаж\w*|расскаж\w*|объясн\w*|отвеч\w*)[^.!?\n]{0,40}",
    r"|(?:мы\s+)?(?:всегда\s+)?рады?\s+(?:вам\s+)?(?:помочь|подсказать|ответить)",
    r"|(?:хороший|отличный|интересный)\s+вопрос",
    r"|(?:сейчас|давайте)\s+(?:всё\s+|все\s+)?(?:расскажу|объясню|разберёмся|разберемся|подскажу)",
    r")"
);

/// Where a sentence ends: its punctuation, or an emoticon (":)").
const END: &str = r"(?:[.!?…]+|\s*[:;]-?[)D])";

static OPENING_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(&format!(r"(?i)^\s*{OPENING}{END}[\s\p{{Extended_Pictographic}}\u{{FE0F}}]*")).expect("static regex"));

/// A brand introducing itself ("Hulu here!"): one or two capitalised words, case-sensitive.
static INTRODUCTION_RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*\p{Lu}[\p{L}&]*(?:\s\p{Lu}[\p{L}&]*)?\s+here!\s*").expect("static regex"));

/// The yes a reply opens its answer with, for the one way its customer asked ("Да, доставляем…",
/// "Yes, you can…"): the article answers every phrasing, «Сколько ждать доставку?» too.
static PARTICLE_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^\s*(?:да|yes|yep|sure|конечно)\s*,\s+([\p{L}\p{N}])").expect("static regex"));

/// Courtesy a reply closes with, as its last sentence.
const CLOSING: &str = concat!(
    r"(?:",
    r"(?:i\s+|we\s+)?hope\s+(?:this|that|it|these|the\s+above)\s+(?:helps?|info\w*|clarifies|gets\s+(?:resolved|sorted|fixed))[^.!?\n]{0,40}",
    r"|keep\s+us\s+(?:posted|updated)",
    r"|let\s+us\s+know(?:\s+(?:if|how|whether|when)\b[^.!?\n]{0,100})?",
    r"|give\s+us\s+a\s+(?:shout|call|holler)[^.!?\n]{0,100}",
    r"|(?:we(?:'re|’re|\s+are)\s+)?(?:always\s+)?here\s+(?:to\s+help|for\s+you|if\s+you\s+need\s+us)[^.!?\n]{0,40}",
    r"|thanks?\s+(?:so\s+much|again|a\s+lot)",
    r"|have\s+a\s+(?:great|good|nice|wonderful)\s+(?:day|one|weekend|evening)",
    r"|we(?:'ll|’ll|\s+will)\s+keep\s+an\s+eye\s+out\s+for\s+your\s+(?:reply|response|dm|message)",
    r"|(?:happy|glad)\s+to\s+help|cheers|take\s+care|stay\s+safe",
    r"|надеюсь,?\s+(?:это\s+|мы\s+|я\s+)?(?:помог\w*|поможет|был\w*\s+полез\w*)[^.!?\n]{0,40}",
    r"|(?:будем\s+|всегда\s+)?рады\s+(?:были\s+)?(?:вам\s+)?помочь[^.!?\n]{0,40}",
    r"|(?:берегите\s+себя|хорошего\s+(?:дня|вечера|настроения))",
    r")"
);

static CLOSING_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)(^|[.!?…:)]|\n|https?://\S+)[ \t]*{CLOSING}[\s!.,…)(:;*^~\p{{Extended_Pictographic}}\p{{So}}\u{{FE0F}}]*$"
    ))
    .expect("static regex")
});

/// An emoji closing the reply ("😊"); an agent's name or initials there are the cleaner's sign-off
/// rule ([`crate::clean::sign_off_start`]), asked again once a closing courtesy has gone.
static EMOJI_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s+[\p{Extended_Pictographic}\u{FE0F}\u{200D}]+\s*$").expect("static regex")
});

/// Least of the answer that must be left after the frame goes, in letters: a reply that is only
/// courtesy keeps it.
const LEFT: usize = 12;

/// The reply without the courtesy it opens and closes with ([`OPENING`], [`CLOSING`], a brand's
/// self-introduction, a signature left after the answer) and without the yes it opens its answer
/// with. Pure; the text comes back unchanged when too little would be left.
pub fn unframe(reply: &str) -> String {
    let mut text = reply.trim().to_string();
    loop {
        let before = text.clone();
        for re in [&*OPENING_RE, &*INTRODUCTION_RE] {
            if let Some(m) = re.find(&text) {
                let rest = &text[m.end()..];
                if letters(rest) >= LEFT {
                    text = rest.to_string();
                }
            }
        }
        let cut = CLOSING_RE
            .captures(&text)
            .and_then(|c| c.get(1).map(|kept| kept.end()))
            .or_else(|| crate::clean::sign_off_start(&text))
            .or_else(|| EMOJI_RE.find(&text).map(|m| m.start()));
        if let Some(end) = cut {
            if letters(&text[..end]) >= LEFT {
                text = text[..end].trim_end().to_string();
            }
        }
        if text == before {
            break;
        }
    }
    if let Some(c) = PARTICLE_RE.captures(&text) {
        let (start, first) = c.get(1).map(|m| (m.start(), m.as_str())).expect("group 1 always matches");
        if letters(&text[start..]) >= LEFT {
            text = format!("{}{}", first.to_uppercase(), &text[start + first.len()..]);
        }
    }
    text
}

fn letters(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphabetic()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_courtesy_around_an_answer_goes() {
        for (reply, article) in [
            ("We're sorry to hear you're having trouble connecting. Please try the troubleshooting steps here.", "Please try the troubleshooting steps here."),
            ("Sorry to hear about the trouble! This is typically a connection-related error.", "This is typically a connection-related error."),
            ("We're so sorry to hear this! That’s not the experience we want you to have. Which carrier was assigned the delivery?", "Which carrier was assigned the delivery?"),
            ("Thanks for reaching out! We are reviewing and removing such listings.", "We are reviewing and removing such listings."),
            ("I’d love to help :) There is no driver for this printer.", "There is no driver for this printer."),
            ("Hulu here! Check out our popular section.", "Check out our popular section."),
            ("Hmm, that's odd. Is this happening across devices?", "Is this happening across devices?"),
            ("Try these tips to get the code. Hope this helps.", "Try these tips to get the code."),
            ("You can update your name after 30 days: https://example.com/name I hope this helps!", "You can update your name after 30 days: https://example.com/name"),
            ("Check out the steps under “Another account is using my email address”. Give us a shout if you have any other questions", "Check out the steps under “Another account is using my email address”."),
            ("We will continue to follow all public health guidance. -Mike", "We will continue to follow all public health guidance."),
            ("All recovery options are explained in this article -FR", "All recovery options are explained in this article"),
            ("We are removing items that profit from the crisis. ~", "We are removing items that profit from the crisis."),
            ("We will continue to follow all public health guidance. -", "We will continue to follow all public health guidance."),
            ("Glad to assist. What issue are you having with the purchase?", "What issue are you having with the purchase?"),
            ("This is never the way we want you to feel. Please visit the travel page.", "Please visit the travel page."),
            ("Do you have 2-Step Verification enabled? Try these tips. Keep us posted.", "Do you have 2-Step Verification enabled? Try these tips."),
            ("Check out our popular section. We'll keep an eye out for your reply. 😊", "Check out our popular section."),
            ("Очень жаль, что так получилось. Пришлите адрес магазина, дату и время — передадим информацию бренду.", "Пришлите адрес магазина, дату и время — передадим информацию бренду."),
            ("Спасибо, что написали! Сертификат действует три года.", "Сертификат действует три года."),
            ("Приносим извинения за задержку. Заказ передан в доставку.", "Заказ передан в доставку."),
            ("С радостью подскажем! Баланс виден на странице сертификата. Надеюсь, помогли!", "Баланс виден на странице сертификата."),
            ("Да, доставляем не только в города с нашими магазинами.", "Доставляем не только в города с нашими магазинами."),
            ("Да, 500 бонусов за регистрацию можно потратить на первый заказ.", "500 бонусов за регистрацию можно потратить на первый заказ."),
            ("Yes, you can combine the accounts by sharing the files.", "You can combine the accounts by sharing the files."),
        ] {
            assert_eq!(unframe(reply), article, "{reply}");
        }
    }

    #[test]
    fn courtesy_that_carries_the_answer_stays() {
        for reply in [
            "Sorry, but you can not do that. Please see this article.",
            "I'm sorry, but we're unable to make exceptions to the 30 day wait for username changes.",
            "Thanks for your screenshot – this doesn't look like a copyright strike, just a Content ID claim.",
            "Thanks for reaching out, what you see is a normal part of how views are verified.",
            "К сожалению, вернуть деньги на другую карту нельзя.",
            "Нет, продлить сертификат второй раз нельзя.",
            "Да.",
            "Sorry to hear that!",
            "Можно. Впишите данные получателя при оформлении заказа.",
            "Check the list at voltmarket.ru/service. Let the courier know in advance.",
            "This case is made for the Galaxy S23 -XL",
        ] {
            let kept = unframe(reply);
            assert_eq!(kept, reply);
        }
        // An answer that ends on a name is not a signature: only a dash, tilde or caret before it is.
        assert_eq!(unframe("Подробнее о программе — на сайте ВольтМаркет"), "Подробнее о программе — на сайте ВольтМаркет");
    }
}
