//! Replies that answer nothing in public: the agent moves the case to a private channel ("Please
//! create a support ticket so we may assist you one-on-one", «Напишите нам на почту, разберёмся»)
//! or asks for the customer's details («Подскажите номер заказа, который нужно отменить») and the
//! customer never wrote again. Such a ticket needed someone to look at one customer's account: a
//! scenario for the bot (ask for the details, hand over), not an article, whose text would be the
//! redirect. On Twitter's customer care one brand answered some 80 unrelated requests so; taken as
//! flat, they made drafts titled by whichever question was most central, with "Please submit a
//! request" as the article.
//!
//! Entry point: [`Private::only_redirects`]. A reply is a redirect when every sentence either moves
//! the case ([`ClassifyConfig::private_phrases`](super::ClassifyConfig)) or is courtesy alone
//! ("We can help with that.", «Будем рады помочь!»), and one sentence at least moves it. A question
//! that asks how to reach the desk («Как с вами связаться?») is answered by the channel, so it is
//! left alone.

use regex::Regex;

/// Default `private-phrases`: a sentence that sends the customer to a private channel or asks for
/// their details, Russian and English.
pub(super) const PHRASES: &[&str] = &[
    // «Подскажите номер заказа», «Пришлите фото»: a verb that only asks the customer for something.
    r"\b(подскажите|пришлите|присылайте|вышлите|назовите|продублируйте|перешлите)\b",
    // «Напишите нам на почту», «Уточните номер заказа», «Оставьте заявку через форму», «Позвоните на
    // горячую линию»: a verb that may also explain how to do something, then a channel or the
    // customer's details.
    r"\b(напиши(те)?|пишите|уточните|сообщите|обратитесь|позвоните|звоните|свяжитесь|направьте|отправьте|оставьте)\b[^.!?\n]{0,60}(\bнам\b|\bна\s+(почту|e-?mail|имейл|электронн)|\bв\s+(личн|директ|лс\b|чат|поддержк|службу\s+поддержки|whatsapp|telegram|телеграм|вотсап)|\bна\s+(горяч|линию)|\bпо\s+(телефону|почте)|заявк|обращени|\bформ|\bномер|e-?mail|\bпочт|\bтелефон|\bфото|скриншот|\bчек|\bИНН\b|\bданные|\bкод\s+сертификата|\[(ORDER|CODE|EMAIL|PHONE)\])",
    // "Please create a support ticket", "submit your account info in a private request"
    r"\b(submit|create|open|file|raise|start|make|put in)\b[^.!?\n]{0,40}\b(ticket|request|case)\b",
    // "send us a DM", "send us your order number"
    r"\bsend\s+(us|me)\b[^.!?\n]{0,30}\b(dm|direct message|private message|pm|message|e-?mail|note|details|info|information|number|id)\b",
    // "DM us", "contact our support team", "get in touch with our customer support"
    r"\b(dm|pm|direct message|private message|message|e-?mail|call|contact|reach out to|get in touch with|ping)\s+(us|our\s+(support|team|customer|care|specialists?|agents?))\b",
    // "Shoot us a DM", "drop us a line", "Send a DM our way"
    r"\b(shoot|drop)\s+us\s+(a|an)\s+(dm|message|line|note|e-?mail)\b|\ba\s+dm\s+our\s+way\b",
    // "Please include your PSN ID", "Remember to attach your Transaction ID"
    r"\b(remember to\s+|be sure to\s+|make sure to\s+)?(include|attach|provide|share)\s+(your|the|us|a|an|some|more)\b",
    // "For technical help, please visit our Help site"
    r"\bfor\s+(technical\s+)?(help|support|assistance),?\s+(please\s+)?(visit|go to|head to)\b",
];

/// What may come before a private phrase in a sentence that is a redirect and nothing else:
/// politeness ("Please", «Пожалуйста»), "also", "feel free to", an offer to help once the customer
/// has written ("We can look into this further for you if you…", «Чтобы мы могли проверить,»). A
/// phrase later in a sentence follows something said ("You can check the steps here: … Send us a
/// DM if you have questions"), and the sentence is an answer.
const LEAD: &str = r"(?i)^\W*((please|pls|kindly|also|just|simply|then|feel free to|you can( also)?|you may|could you( please)?|can you( please)?|would you( please)?|we ask that you|use (this|the following|our) (link|form|page) to|we can (help|assist|look into (this|that|it))( further)?( for you)?( if you| once you| when you)?|we('d| would) (be happy|love|like) to (help|assist|look into (this|that|it))( further)?( for you)?( if you)?|пожалуйста|просто|также|тогда|будьте добры|если не сложно|для проверки|для этого|чтобы (мы )?(могли )?(проверить|разобраться|помочь|уточнить)[а-яё]*|если вопрос по заказу|если не получится)[\s,—–-]*)*";

/// A sentence of courtesy alone: a greeting, thanks, an apology, a wish, or willingness to help
/// with nothing said about how ("We would be happy to look into that.", «Обязательно разберёмся!»).
const COURTESY: &str = r"(?i)^\W*(hi|hey|hello|thanks|thank you|sorry|so sorry|apologies|we apologi[sz]e|i'?m sorry|we'?re sorry|we are sorry|oh no|no worries|happy to help|we('re| are) (here|happy|glad|sorry)|we('d| would) (be happy|love|like) to|we can (help|look|assist)|we('ll| will) (help|look|be happy|gladly)|let us know|hope|здравствуйте|добрый|спасибо|(нам\s+)?(очень\s+)?жаль|благодарим|извините|приносим|сожалеем|будем рады|рады помочь|поможем|разбер[её]мся|проверим|посмотрим|обязательно|хорошего|всего доброго)\b[^.!?\n]{0,50}[.!?…)]*\W*$";

/// A request addressed to someone else than the desk: what the customer tells the courier or the
/// cashier is a step of an answer («Назовите курьеру код из SMS»).
const THIRD_PARTY: &str = r"(?i)^\W*[\p{L}-]+\W+((пожалуйста|please)\W+)?(курьеру|продавцу|кассиру|мастеру|сотруднику|консультанту|водителю|оператору|банку|в\s+магазине|на\s+кассе|the\s+(courier|cashier|driver|store|bank))\b";

/// A question about how to reach the desk: the channel is its answer.
const ASKS_FOR_CONTACT: &str = r"(?i)\b(как|куда|где|каким образом)\b[^?.!\n]{0,40}(связаться|позвонить|написать|обратиться|дозвониться|телефон|почт|контакт)|\bhow\s+(do|can|should)\s+i\s+(contact|reach|call|e-?mail|get in touch|talk to|speak to)|\b(phone number|email address|contact (details|info))\b";

/// Compiled [`PHRASES`] (or the configured ones) and the fixed patterns around them.
#[derive(Debug)]
pub(super) struct Private {
    phrases: Vec<Regex>,
    lead: Regex,
    third_party: Regex,
    courtesy: Regex,
    asks_for_contact: Regex,
}

impl Private {
    pub(super) fn new(phrases: Vec<Regex>) -> Private {
        Private {
            phrases,
            lead: Regex::new(LEAD).expect("static regex"),
            third_party: Regex::new(THIRD_PARTY).expect("static regex"),
            courtesy: Regex::new(COURTESY).expect("static regex"),
            asks_for_contact: Regex::new(ASKS_FOR_CONTACT).expect("static regex"),
        }
    }

    /// The first sentence of `answer` that moves the case to a private channel, when the reply
    /// does nothing else (see the module) and `question` does not ask how to reach the desk.
    pub(super) fn only_redirects<'a>(&self, question: &str, answer: &'a str) -> Option<&'a str> {
        if self.asks_for_contact.is_match(question) {
            return None;
        }
        let mut redirect = None;
        for sentence in sentences(answer) {
            let rest = &sentence[self.lead.find(sentence).map_or(0, |m| m.end())..];
            let moves = !self.third_party.is_match(rest) && self.phrases.iter().any(|re| re.find(rest).is_some_and(|m| m.start() == 0));
            if moves {
                redirect = redirect.or(Some(sentence));
            } else if !self.courtesy.is_match(sentence) && !is_sign_off(sentence) {
                return None;
            }
        }
        redirect
    }
}

/// An agent's name or title under a reply, which the cleaner keeps when it is not on a line of its
/// own («Оператор [NAME]», "[NAME], ВольтМаркет"): three words at most, each capitalised or a
/// placeholder, and no full stop.
fn is_sign_off(sentence: &str) -> bool {
    let words: Vec<&str> = sentence.split_whitespace().collect();
    !sentence.ends_with(['.', '!', '?', '…'])
        && words.len() <= 3
        && words.iter().all(|w| w.starts_with('[') || w.chars().find(|c| c.is_alphabetic()).is_none_or(char::is_uppercase))
}

/// Sentences end at `.`, `!`, `?`, `…` or a line break; what is between holds a letter.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let ends = c == '\n' || (matches!(c, '.' | '!' | '?' | '…') && chars.peek().is_none_or(|(_, next)| next.is_whitespace()));
        if ends {
            out.push(&text[start..i + c.len_utf8()]);
            start = i + c.len_utf8();
        }
    }
    out.push(&text[start..]);
    out.into_iter().map(str::trim).filter(|s| s.chars().any(char::is_alphabetic))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn private() -> Private {
        Private::new(PHRASES.iter().map(|p| Regex::new(&format!("(?i){p}")).unwrap()).collect())
    }

    #[test]
    fn redirects_alone_answer_nothing() {
        let p = private();
        for (q, a) in [
            ("I won the car at the casino but never got it", "Please create a support ticket so we may assist you one-on-one."),
            ("My bonus never arrived", "We would be happy to look into that. Please submit a ticket here and we will help:"),
            ("I can't log in to GTA online", "We can look into this further for you if you submit your account info in a private request."),
            ("Is the sale on?", "I'm sorry you're having trouble! Please send us an email at [EMAIL] and we will assist. Remember to attach your Transaction ID."),
            ("My phone has no signal", "Oh no! Send us a DM and we'll take a look."),
            ("Не пришёл сертификат", "Напишите, пожалуйста, нам на почту [EMAIL] — разберёмся."),
            ("Отмените заказ, пожалуйста", "Подскажите, пожалуйста, номер заказа, который нужно отменить."),
            ("Где мой заказ?", "Назовите, пожалуйста, номер заказа или телефон, на который он оформлен, — проверим."),
            ("Is GTA online down?", "You can submit a ticket at: Please include your PSN ID, Gamertag or email address associated with your account."),
            ("I can't log in", "We can look into this further for you if you submit your account info in a private request here:"),
            ("Lost my car", "We can help with that. Please use this link to make a ticket:"),
            ("Need help", "You can submit a ticket at: Please include your, Gamertag or email address associated with your account."),
            ("Не оплачен заказ", "Пришлите, пожалуйста, номер заказа и последние 4 цифры карты.  Оператор [NAME]"),
            ("Перенесите доставку", "Подскажите, пожалуйста, номер заказа и на какой день перенести доставку.  [NAME], ВольтМаркет"),
            ("Бонусы не начислились", "Для проверки пришлите, пожалуйста, номер заказа и телефон, на который оформлена карта."),
            ("Не могу оплатить", "Извините за неудобства! Оставьте, пожалуйста, заявку через форму на сайте, специалист свяжется с вами."),
        ] {
            assert!(p.only_redirects(q, a).is_some(), "{a}");
        }
    }

    #[test]
    fn an_answer_with_a_redirect_is_still_an_answer() {
        let p = private();
        for (q, a) in [
            ("When do I get my shark card bonus?", "This type of bonus can take up to 72 hours from the time of purchase to be applied. DM us if it does not arrive."),
            ("Where do I see my credits?", "You may not see those credits until your next invoice. Feel free to DM us for further questions."),
            ("Как оплатить?", "Заплатить можно курьеру картой или наличными — укажите «При получении» при оформлении заказа."),
            ("Когда доставят?", "Доставка занимает 2–3 дня. Если будут вопросы — напишите нам."),
            // A one-word answer is an answer, not a sign-off.
            ("Можно вернуть уценку?", "Нет. Напишите нам, если остались вопросы."),
            ("Как получить заказ?", "Назовите курьеру код из SMS и покажите паспорт."),
            ("Куда нести по гарантии?", "Сдайте товар в любой наш магазин или обратитесь в авторизованный сервисный центр."),
            // How to reach the desk is answered by the channel.
            ("Как с вами связаться?", "Напишите нам на почту [EMAIL] или позвоните на горячую линию."),
            ("How do I contact support?", "Please create a ticket on our help site."),
            ("Спасибо!", "Спасибо, что написали!"),
            // A private phrase after something said: the link or the steps were the answer.
            ("When do stores open?", "You can stay updated on the stores that are open by checking out: https://example.com/stores Please send us a DM anytime for support."),
            ("PC wakes up at night", "Also, you can check steps on this link to improve the PC's performance: Should you have other concerns, please send us a direct message."),
            ("Is this site legit?", "If you feel this site is violating our terms you can report it to the following URL: You can also email our team: Hope this helps!"),
        ] {
            assert_eq!(p.only_redirects(q, a), None, "{a}");
        }
    }

    #[test]
    fn sentences_split_at_their_ends() {
        let s: Vec<_> = sentences("Hi there. Please DM us!\nThanks… ^JR").collect();
        assert_eq!(s, ["Hi there.", "Please DM us!", "Thanks…", "^JR"]);
    }
}
