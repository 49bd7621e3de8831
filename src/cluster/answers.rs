//! Staff answers as an intent signal: support teams answer one question with one template, so two
//! clusters answered with the same text ask the same thing, whatever words the customers used.

use std::collections::HashSet;

use crate::kind::Kind;

/// Lowercased words of three letters or more.
pub fn words(text: &str) -> HashSet<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 2)
        .map(str::to_string)
        .collect()
}

pub fn jaccard(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let inter = a.intersection(b).count() as f64;
    let union = a.union(b).count() as f64;
    if union == 0.0 {
        0.0
    } else {
        inter / union
    }
}

/// How alike a cluster's staff answers are: the mean Jaccard overlap of their words over all pairs
/// (the first 60 non-empty answers). Near-identical templated answers (≥ 0.5) say the question has a
/// generic answer, i.e. it is flat; answers that differ every time say staff handled each case.
pub fn consistency(answers: &[&str]) -> f64 {
    let sets: Vec<HashSet<String>> = answers.iter().filter(|a| !a.trim().is_empty()).take(60).map(|a| words(a)).collect();
    if sets.len() < 2 {
        return 0.0;
    }
    let mut sum = 0.0;
    let mut pairs = 0usize;
    for i in 0..sets.len() {
        for j in i + 1..sets.len() {
            sum += jaccard(&sets[i], &sets[j]);
            pairs += 1;
        }
    }
    sum / pairs as f64
}

/// Index of the set most like the others (highest mean Jaccard); ties go to the lowest index.
pub fn most_central(sets: &[HashSet<String>]) -> Option<usize> {
    most_central_by(sets, |_| 0.0)
}

/// Index of the set with the highest mean Jaccard to the others plus `bonus(index)`; ties go to the
/// lowest index.
///
/// Linear in the cluster's size: each set is compared with an evenly spaced sample of at most
/// [`CENTRALITY_SAMPLE`] sets (all of them in a smaller cluster, where the result is exact), and
/// identical sets, which templated answers make common, are scored once.
pub fn most_central_by(sets: &[HashSet<String>], bonus: impl Fn(usize) -> f64) -> Option<usize> {
    let step = sets.len().div_ceil(CENTRALITY_SAMPLE).max(1);
    let sample: Vec<usize> = (0..sets.len()).step_by(step).collect();
    let mut scored: std::collections::HashMap<Vec<&str>, f64> = std::collections::HashMap::new();
    let mut score = |i: usize| {
        let mut key: Vec<&str> = sets[i].iter().map(String::as_str).collect();
        key.sort_unstable();
        let mean = *scored.entry(key).or_insert_with(|| {
            let others: Vec<usize> = sample.iter().copied().filter(|&j| j != i).collect();
            others.iter().map(|&j| jaccard(&sets[i], &sets[j])).sum::<f64>() / others.len().max(1) as f64
        });
        mean + bonus(i)
    };
    (0..sets.len()).fold(None, |best: Option<(usize, f64)>, i| {
        let s = score(i);
        match best {
            Some((_, bs)) if bs >= s => best,
            _ => Some((i, s)),
        }
    }).map(|(i, _)| i)
}

/// Sets a set is compared with to find the most central one.
pub const CENTRALITY_SAMPLE: usize = 256;

/// Groups answers into templates: each answer joins the first template whose seed answer it overlaps
/// by at least `min_overlap`. Answers with fewer than 8 words are no template. Returns a template id
/// per answer (or `None`).
///
/// Seeds are found through prefix filtering, the standard trick of set-similarity joins: with words
/// ordered rarest first, two sets with Jaccard ≥ t share a word among the first `|s| − ⌈t·|s|⌉ + 1`
/// of each. Only seeds sharing such a word are compared, so the result is the linear scan's, in
/// near-linear time on 100k answers.
pub fn templates(answers: &[Option<HashSet<String>>], min_overlap: f64) -> Vec<Option<usize>> {
    let mut df: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for set in answers.iter().flatten() {
        for w in set {
            *df.entry(w.as_str()).or_default() += 1;
        }
    }
    fn prefix<'a>(set: &'a HashSet<String>, df: &std::collections::HashMap<&str, usize>, t: f64) -> Vec<&'a str> {
        let mut words: Vec<&str> = set.iter().map(String::as_str).collect();
        words.sort_by(|a, b| df.get(a).cmp(&df.get(b)).then(a.cmp(b)));
        let keep = set.len() - (t.max(0.0) * set.len() as f64).ceil() as usize + 1;
        words.truncate(keep.min(set.len()));
        words
    }
    let mut seeds: Vec<&HashSet<String>> = Vec::new();
    let mut index: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
    answers
        .iter()
        .map(|a| {
            let set = a.as_ref().filter(|s| s.len() >= 8)?;
            let words = prefix(set, &df, min_overlap);
            let mut candidates: Vec<usize> = words.iter().filter_map(|w| index.get(w)).flatten().copied().collect();
            candidates.sort_unstable();
            candidates.dedup();
            match candidates.into_iter().find(|&t| jaccard(seeds[t], set) >= min_overlap) {
                Some(t) => Some(t),
                None => {
                    seeds.push(set);
                    for w in words {
                        index.entry(w).or_default().push(seeds.len() - 1);
                    }
                    Some(seeds.len() - 1)
                }
            }
        })
        .collect()
}

/// Refines question clusters with the staff's answer templates (flat tickets only):
/// - flat tickets answered with the same template (shared by two or more) are one intent, whichever
///   question cluster they fell into, so a question split by wording comes together and a cluster
///   that mixed two intents comes apart;
/// - every other ticket follows the template of its question cluster when the cluster's templated
///   tickets all share one, or stays in it.
///
/// `labels` are rewritten in place; returns the number of clusters before and after.
pub fn refine_by_answer(labels: &mut [usize], answers: &[String], kinds: &[Kind], min_overlap: f64) -> (usize, usize) {
    let before = labels.iter().copied().collect::<HashSet<_>>().len();
    if min_overlap <= 0.0 || labels.is_empty() {
        return (before, before);
    }
    let sets: Vec<Option<HashSet<String>>> = answers
        .iter()
        .zip(kinds)
        .map(|(a, k)| (*k == Kind::Flat && !a.trim().is_empty()).then(|| words(a)))
        .collect();
    let template = templates(&sets, min_overlap);
    let mut template_size = std::collections::HashMap::<usize, usize>::new();
    for t in template.iter().flatten() {
        *template_size.entry(*t).or_default() += 1;
    }
    let shared = |t: &Option<usize>| t.filter(|t| template_size[t] >= 2);
    // The dominant shared template of each question cluster.
    let mut votes = std::collections::HashMap::<usize, std::collections::BTreeMap<usize, usize>>::new();
    for (i, &l) in labels.iter().enumerate() {
        if let Some(t) = shared(&template[i]) {
            *votes.entry(l).or_default().entry(t).or_default() += 1;
        }
    }
    // Only a cluster whose templated tickets all share one template hands it on: in a cluster that
    // mixed two intents, the rest (needs-action tickets above all) cannot tell which is theirs, and
    // following the larger would carry them into a flat intent's cluster and out of the scenarios.
    let dominant: std::collections::HashMap<usize, usize> =
        votes.into_iter().filter(|(_, v)| v.len() == 1).filter_map(|(l, v)| v.into_keys().next().map(|t| (l, t))).collect();
    #[derive(PartialEq, Eq, Hash, Clone, Copy)]
    enum Intent {
        Template(usize),
        Question(usize),
    }
    let intents: Vec<Intent> = labels
        .iter()
        .enumerate()
        .map(|(i, &l)| match shared(&template[i]) {
            Some(t) => Intent::Template(t),
            None => dominant.get(&l).map_or(Intent::Question(l), |&t| Intent::Template(t)),
        })
        .collect();
    let renumbered = super::renumber(intents);
    let after = renumbered.iter().copied().collect::<HashSet<_>>().len();
    labels.copy_from_slice(&renumbered);
    (before, after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templated_answers_are_consistent() {
        let template = "Баланс сертификата виден на странице podarokplus.ru/balance: введите код сертификата и нажмите «Проверить».";
        let same = [template, template, "Баланс сертификата виден на странице podarokplus.ru/balance: введите код и нажмите «Проверить»."];
        assert!(consistency(&same) > 0.8, "{}", consistency(&same));
        let varied = ["Отправили сертификат повторно на вашу почту.", "Оформили возврат, деньги придут за 3 дня.", "Продлили срок действия до конца месяца."];
        assert!(consistency(&varied) < 0.2, "{}", consistency(&varied));
        assert_eq!(consistency(&["одна"]), 0.0);
    }

    #[test]
    fn prefix_filtering_finds_what_a_linear_scan_finds() {
        let linear = |answers: &[Option<HashSet<String>>], t: f64| -> Vec<Option<usize>> {
            let mut seeds: Vec<&HashSet<String>> = Vec::new();
            answers
                .iter()
                .map(|a| {
                    let set = a.as_ref().filter(|s| s.len() >= 8)?;
                    Some(seeds.iter().position(|seed| jaccard(seed, set) >= t).unwrap_or_else(|| {
                        seeds.push(set);
                        seeds.len() - 1
                    }))
                })
                .collect()
        };
        let vocab: Vec<String> = (0..40).map(|i| format!("слово{i}")).collect();
        let mut seq = crate::hash::Sequence::new(9);
        let answers: Vec<Option<HashSet<String>>> = (0..400)
            .map(|_| {
                let state = seq.next_state();
                let base = (state >> 40) as usize % 5 * 6;
                let len = 6 + (state >> 20) as usize % 8;
                Some((0..len).map(|j| vocab[(base + j + ((state >> (j * 3)) as usize & 3)) % 40].clone()).collect())
            })
            .collect();
        for t in [0.3, 0.4, 0.6] {
            assert_eq!(templates(&answers, t), linear(&answers, t), "threshold {t}");
        }
    }

    const TEMPLATE: &str = "Проверить баланс можно на странице сертификата: введите код и PIN из письма, и вы увидите остаток и срок действия.";

    const OTHER: &str = "На сайте бренда на шаге оплаты выберите подарочный сертификат и введите код и PIN из письма без пробелов.";

    #[test]
    fn one_template_one_intent() {
        // Question clusters: {0,1} balance, {2} balance worded apart, {3,4} a mix of balance and payment.
        let mut labels = vec![0, 0, 1, 2, 2, 2];
        let answers = vec![
            TEMPLATE.to_string(),
            TEMPLATE.to_string(),
            format!("{TEMPLATE} Хорошего дня!"),
            TEMPLATE.to_string(),
            OTHER.to_string(),
            format!("{OTHER} Спасибо"),
        ];
        let kinds = vec![Kind::Flat; 6];
        refine_by_answer(&mut labels, &answers, &kinds, 0.6);
        assert_eq!(labels, vec![0, 0, 0, 0, 1, 1]);
    }

    #[test]
    fn action_tickets_follow_their_cluster() {
        let mut labels = vec![0, 0, 0, 1];
        let answers = vec![TEMPLATE.to_string(), TEMPLATE.to_string(), "Отправили повторно".to_string(), "Вернули деньги".to_string()];
        let kinds = vec![Kind::Flat, Kind::Flat, Kind::NeedsAction, Kind::NeedsAction];
        refine_by_answer(&mut labels, &answers, &kinds, 0.6);
        assert_eq!(labels, vec![0, 0, 0, 1]);
    }

    #[test]
    fn action_tickets_of_a_mixed_cluster_stay_together() {
        // One question cluster with two flat intents (two templates) and two action tickets: the
        // flat tickets go to their templates, the action tickets stay a cluster of their own.
        let mut labels = vec![0, 0, 0, 0, 0, 0];
        let answers = vec![
            TEMPLATE.to_string(),
            TEMPLATE.to_string(),
            OTHER.to_string(),
            format!("{OTHER} Спасибо"),
            "Отправили повторно".to_string(),
            "Вернули деньги".to_string(),
        ];
        let kinds = vec![Kind::Flat, Kind::Flat, Kind::Flat, Kind::Flat, Kind::NeedsAction, Kind::NeedsAction];
        refine_by_answer(&mut labels, &answers, &kinds, 0.6);
        assert_eq!(labels, vec![0, 0, 1, 1, 2, 2]);
    }
}
