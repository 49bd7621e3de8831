//! Cluster labels and representatives.
//!
//! A label is the top terms of the cluster by class-based TF-IDF (c-TF-IDF, as in BERTopic): the
//! questions of a cluster are one document; a term weighs `tf(t, c) · ln(1 + A / f(t))`, where
//! `tf` is its share of the cluster's terms, `A` the average number of terms per cluster and `f(t)`
//! its count over all clusters. Terms are Snowball stems (Russian or English by the word's script),
//! stop words and redaction placeholders left out; each stem is shown as its most frequent word
//! form in the cluster. Representatives are the distinct questions closest to the centroid.

use std::collections::HashMap;

use crate::lexical::terms;
#[cfg(test)]
use crate::lexical::stem;

/// Terms in a label.
pub const LABEL_TERMS: usize = 4;
/// Representative questions kept per cluster.
pub const REPRESENTATIVES: usize = 3;

/// One label per cluster, from the texts of its members (`members[c]` = texts of cluster `c`).
pub fn labels(members: &[Vec<&str>]) -> Vec<String> {
    let per_cluster: Vec<Vec<(String, String)>> =
        members.iter().map(|texts| texts.iter().flat_map(|t| terms(t)).collect()).collect();
    let mut freq: HashMap<&str, f64> = HashMap::new();
    for terms in &per_cluster {
        for (s, _) in terms {
            *freq.entry(s.as_str()).or_default() += 1.0;
        }
    }
    let total: usize = per_cluster.iter().map(Vec::len).sum();
    let avg = total as f64 / per_cluster.len().max(1) as f64;
    per_cluster
        .iter()
        .map(|terms| {
            let mut tf: HashMap<&str, f64> = HashMap::new();
            let mut forms: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
            for (s, w) in terms {
                *tf.entry(s.as_str()).or_default() += 1.0;
                *forms.entry(s.as_str()).or_default().entry(w.as_str()).or_default() += 1;
            }
            let n = terms.len().max(1) as f64;
            let mut scored: Vec<(&str, f64)> =
                tf.iter().map(|(s, c)| (*s, c / n * (1.0 + avg / freq[s]).ln())).collect();
            // Highest weight first; ties by stem, so labels are stable across runs.
            scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
            scored
                .iter()
                .take(LABEL_TERMS)
                .map(|(s, _)| {
                    let f = &forms[s];
                    let best = f.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map(|(w, _)| *w).unwrap_or(s);
                    best.to_string()
                })
                .collect::<Vec<_>>()
                .join(" · ")
        })
        .collect()
}

/// Indexes of up to [`REPRESENTATIVES`] members with distinct texts, closest to the centroid first.
pub fn representatives(texts: &[&str], similarity: &[f32]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..texts.len()).collect();
    order.sort_by(|&a, &b| similarity[b].total_cmp(&similarity[a]).then(a.cmp(&b)));
    let mut seen = std::collections::HashSet::new();
    order.into_iter().filter(|&i| seen.insert(texts[i].trim().to_lowercase())).take(REPRESENTATIVES).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_inflections_share_a_stem() {
        assert_eq!(stem("сертификата"), stem("сертификат"));
        assert_eq!(stem("сертификатом"), stem("сертификаты"));
        assert_eq!(stem("refunds"), stem("refund"));
    }

    #[test]
    fn labels_name_what_sets_a_cluster_apart() {
        let balance = vec![
            "Как проверить баланс сертификата?",
            "Где посмотреть баланс сертификата",
            "сколько осталось на балансе сертификата",
        ];
        let refund = vec!["Как вернуть деньги за сертификат?", "Хочу вернуть сертификат, верните деньги"];
        let got = labels(&[balance, refund]);
        assert!(got[0].starts_with("баланс") || got[0].starts_with("балансе"), "{got:?}");
        assert!(got[1].contains("деньги") || got[1].contains("вернуть"), "{got:?}");
        assert!(!got[0].contains("как") && !got[1].contains("хочу"), "stop words: {got:?}");
    }

    #[test]
    fn representatives_skip_repeated_texts() {
        let texts = ["a", "b", "A ", "c"];
        assert_eq!(representatives(&texts, &[0.9, 0.5, 0.95, 0.7]), vec![2, 3, 1]);
    }
}
