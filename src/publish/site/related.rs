//! "Related articles" under each help-center article: the articles that share the most telling
//! words with it, as a help center's related links are (Zendesk's, Intercom's), then its category's
//! other articles.
//!
//! Words are Snowball stems of the title, the "also asked" phrasings and the text
//! ([`crate::lexical::stems`]), weighted by TF-IDF. Two kinds of word say nothing about which
//! articles belong together and are left out, so no cut on the score is needed: a word in more than
//! half the articles (on a gift-card desk, «сертификат») and a word in one article only. An article
//! sharing no other word with any gets its category's articles alone, as before.

use std::collections::HashMap;

use crate::kb::Article;

/// How many (article, word) entries one article's scoring may visit, its rarest words first. A cost
/// bound, not a setting: a site of a few hundred articles never reaches it, and at 10,000 it keeps
/// the words shared by thousands of articles (the weakest links) from costing n² work.
const VISITS: usize = 4_000;

/// For each of `articles`, up to `limit` others (indices into `articles`), best first: by shared
/// words, then the rest of its category (`category[i]`) in the order given.
pub(super) fn related(articles: &[&Article], category: &[String], limit: usize) -> Vec<Vec<usize>> {
    let n = articles.len();
    let mut vocab: HashMap<String, usize> = HashMap::new();
    let docs: Vec<HashMap<usize, f64>> = articles
        .iter()
        .map(|a| {
            let text = std::iter::once(a.front.title.as_str()).chain(a.front.also_asked.iter().map(String::as_str)).chain([a.body.as_str()]).collect::<Vec<_>>().join("\n");
            let mut counts = HashMap::new();
            for stem in crate::lexical::stems(&text) {
                let next = vocab.len();
                *counts.entry(*vocab.entry(stem).or_insert(next)).or_insert(0.0) += 1.0;
            }
            counts
        })
        .collect();
    let mut df = vec![0usize; vocab.len()];
    docs.iter().flat_map(HashMap::keys).for_each(|&t| df[t] += 1);
    let telling = |t: usize| df[t] >= 2 && 2 * df[t] <= n;
    // Unit TF-IDF vectors over the telling words, and who has each word.
    let vectors: Vec<Vec<(usize, f32)>> = docs
        .iter()
        .map(|counts| {
            // Summed in term order, so the same articles always give the same scores (and pages).
            let mut v: Vec<(usize, f64)> = counts.iter().filter(|(t, _)| telling(**t)).map(|(&t, &c)| (t, c * (n as f64 / df[t] as f64).ln())).collect();
            v.sort_by_key(|&(t, _)| t);
            let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt().max(f64::MIN_POSITIVE);
            v.into_iter().map(|(t, w)| (t, (w / norm) as f32)).collect()
        })
        .collect();
    let mut postings: Vec<Vec<(usize, f32)>> = vec![Vec::new(); vocab.len()];
    for (i, v) in vectors.iter().enumerate() {
        v.iter().for_each(|&(t, w)| postings[t].push((i, w)));
    }
    let mut by_category: HashMap<&str, Vec<usize>> = HashMap::new();
    category.iter().enumerate().for_each(|(i, c)| by_category.entry(c.as_str()).or_default().push(i));
    let mut scores = vec![0f32; n];
    let mut touched = Vec::new();
    (0..n)
        .map(|i| {
            let mut query = vectors[i].clone();
            query.sort_by_key(|&(t, _)| (df[t], t));
            let mut visits = 0;
            for (t, w) in query {
                visits += postings[t].len();
                if visits > VISITS {
                    break;
                }
                for &(j, wj) in &postings[t] {
                    if j != i {
                        if scores[j] == 0.0 {
                            touched.push(j);
                        }
                        scores[j] += w * wj;
                    }
                }
            }
            let mut near: Vec<usize> = std::mem::take(&mut touched);
            near.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
            near.iter().for_each(|&j| scores[j] = 0.0);
            near.truncate(limit);
            let siblings = by_category[category[i].as_str()].iter().copied().filter(|&j| j != i && !near.contains(&j));
            let fill: Vec<usize> = siblings.take(limit.saturating_sub(near.len())).collect();
            near.extend(fill);
            near
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn article(id: &str, title: &str, body: &str) -> Article {
        Article::parse(Path::new(&format!("{id}.md")), &format!("---\nid: {id}\ntitle: \"{title}\"\nstatus: approved\n---\n\n{body}\n")).unwrap()
    }

    #[test]
    fn related_articles_share_telling_words_and_fall_back_to_the_category() {
        let articles = [
            article("balans", "Как проверить баланс сертификата?", "Баланс сертификата виден в личном кабинете."),
            article("ostatok", "Что делать с остатком на сертификате?", "Остаток баланса можно потратить в любом магазине бренда."),
            article("srok", "Какой срок действия сертификата?", "Сертификат действует год с даты покупки."),
            article("prodlit", "Можно ли продлить срок действия?", "Продлить срок можно один раз, до окончания срока действия."),
            article("dizain", "Можно ли выбрать открытку?", "Открытку выбирают при покупке сертификата."),
        ];
        let refs: Vec<&Article> = articles.iter().collect();
        let category: Vec<String> = ["баланс", "баланс", "срок", "срок", "открытка"].iter().map(|c| c.to_string()).collect();
        let related = related(&refs, &category, 2);
        let ids = |i: usize| related[i].iter().map(|&j| articles[j].front.id.as_str()).collect::<Vec<_>>();
        // «баланс» is in two articles of five: telling. «сертификат» is in four: not.
        assert_eq!(ids(0)[0], "ostatok", "{:?}", ids(0));
        assert_eq!(ids(2)[0], "prodlit", "{:?}", ids(2));
        assert_eq!(ids(3)[0], "srok", "{:?}", ids(3));
        // The card's article shares «покупк» with the validity one only.
        assert_eq!(ids(4), ["srok"], "{:?}", ids(4));
        assert!(related.iter().enumerate().all(|(i, r)| !r.contains(&i) && r.len() <= 2));
    }

    #[test]
    fn an_article_sharing_no_telling_word_gets_its_category() {
        let articles = [
            article("a", "Оплата картой", "Картой МИР."),
            article("b", "Оплата долями", "Сервис Долями."),
            article("c", "Доставка", "Курьером."),
        ];
        let refs: Vec<&Article> = articles.iter().collect();
        let category: Vec<String> = ["оплата", "оплата", "доставка"].iter().map(|c| c.to_string()).collect();
        let related = related(&refs, &category, 5);
        assert_eq!(related, vec![vec![1], vec![0], vec![]]);
    }
}
