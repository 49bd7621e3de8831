//! Clustering quality against gold labels: BCubed precision/recall/F1, NMI and ARI.
//! Outliers (predicted label `None`) count as singletons.

use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ClusterScores {
    pub nmi: f64,
    pub ari: f64,
    pub bcubed_precision: f64,
    pub bcubed_recall: f64,
    pub bcubed_f1: f64,
}

/// Turns optional labels into plain ones, giving every outlier its own singleton cluster.
pub fn with_singletons(predicted: &[Option<usize>]) -> Vec<usize> {
    let mut next = predicted.iter().flatten().max().map_or(0, |m| m + 1);
    predicted
        .iter()
        .map(|p| {
            p.unwrap_or_else(|| {
                next += 1;
                next - 1
            })
        })
        .collect()
}

pub fn score(gold: &[usize], predicted: &[usize]) -> ClusterScores {
    let n = gold.len();
    assert_eq!(n, predicted.len());
    if n == 0 {
        return ClusterScores { nmi: 0.0, ari: 0.0, bcubed_precision: 0.0, bcubed_recall: 0.0, bcubed_f1: 0.0 };
    }
    let mut joint: HashMap<(usize, usize), usize> = HashMap::new();
    let mut gsize: HashMap<usize, usize> = HashMap::new();
    let mut psize: HashMap<usize, usize> = HashMap::new();
    for (&g, &p) in gold.iter().zip(predicted) {
        *joint.entry((g, p)).or_default() += 1;
        *gsize.entry(g).or_default() += 1;
        *psize.entry(p).or_default() += 1;
    }
    // BCubed: for each item, precision = |same gold in its cluster| / |cluster|, recall = … / |gold class|.
    let (mut bp, mut br) = (0.0, 0.0);
    for (&(g, p), &c) in &joint {
        let c = c as f64;
        bp += c * c / psize[&p] as f64;
        br += c * c / gsize[&g] as f64;
    }
    bp /= n as f64;
    br /= n as f64;
    let bf = if bp + br > 0.0 { 2.0 * bp * br / (bp + br) } else { 0.0 };

    let nf = n as f64;
    let entropy = |sizes: &HashMap<usize, usize>| -> f64 {
        sizes.values().map(|&s| {
            let p = s as f64 / nf;
            -p * p.ln()
        }).sum()
    };
    let mi: f64 = joint
        .iter()
        .map(|(&(g, p), &c)| {
            let pxy = c as f64 / nf;
            pxy * (pxy / ((gsize[&g] as f64 / nf) * (psize[&p] as f64 / nf))).ln()
        })
        .sum();
    let (hg, hp) = (entropy(&gsize), entropy(&psize));
    let nmi = if hg + hp > 0.0 { 2.0 * mi / (hg + hp) } else { 1.0 };

    let comb2 = |x: usize| (x as f64) * (x as f64 - 1.0) / 2.0;
    let index: f64 = joint.values().map(|&c| comb2(c)).sum();
    let sum_g: f64 = gsize.values().map(|&c| comb2(c)).sum();
    let sum_p: f64 = psize.values().map(|&c| comb2(c)).sum();
    let expected = sum_g * sum_p / comb2(n).max(1.0);
    let max_index = (sum_g + sum_p) / 2.0;
    let ari = if (max_index - expected).abs() < f64::EPSILON { 1.0 } else { (index - expected) / (max_index - expected) };
    ClusterScores { nmi, ari, bcubed_precision: bp, bcubed_recall: br, bcubed_f1: bf }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_degenerate() {
        let s = score(&[0, 0, 1, 1], &[5, 5, 7, 7]);
        assert!((s.bcubed_f1 - 1.0).abs() < 1e-9 && (s.nmi - 1.0).abs() < 1e-9 && (s.ari - 1.0).abs() < 1e-9);
        let all_one = score(&[0, 0, 1, 1], &[0, 0, 0, 0]);
        assert!((all_one.bcubed_precision - 0.5).abs() < 1e-9);
        assert!((all_one.bcubed_recall - 1.0).abs() < 1e-9);
        assert!(all_one.ari.abs() < 1e-9);
    }

    #[test]
    fn known_values() {
        // Gold {a,b,c},{d,e}; predicted {a,b},{c,d,e}.
        let s = score(&[0, 0, 0, 1, 1], &[0, 0, 1, 1, 1]);
        // BCubed precision: a,b: 1; c: 1/3; d,e: 2/3 → (1+1+1/3+2/3+2/3)/5 = 11/15.
        assert!((s.bcubed_precision - 11.0 / 15.0).abs() < 1e-9, "{s:?}");
        // BCubed recall: a,b: 2/3; c: 1/3; d,e: 1 → (2/3+2/3+1/3+1+1)/5 = 11/15.
        assert!((s.bcubed_recall - 11.0 / 15.0).abs() < 1e-9, "{s:?}");
    }

    #[test]
    fn outliers_are_singletons() {
        assert_eq!(with_singletons(&[Some(0), None, Some(1), None]), vec![0, 2, 1, 3]);
    }
}
