//! Cluster ids that survive new tickets and re-clustering.
//!
//! - Incremental assignment ([`assign_new`]): tickets clustered before keep their cluster; a new
//!   question joins the most similar existing cluster when it is as close to its centroid as the
//!   cluster's own members are (the cluster's radius, never below a floor); the rest are clustered
//!   among themselves into new clusters.
//! - Full re-clustering ([`map_ids`]): new clusters take the old ids by membership overlap, largest
//!   overlap first, each old id at most once, and only when the overlap is a majority of the new or
//!   the old cluster; any other cluster gets a fresh id.

use std::collections::{HashMap, HashSet};

use crate::vector::dot;

/// The lowest similarity at which a new question may join an existing cluster.
#[derive(Debug, Clone, Copy)]
pub struct Join {
    /// Floor for every cluster.
    pub floor: f32,
    /// Quantile of the members' similarities to the centroid that a newcomer must reach (0.1: as
    /// close as the 10% least typical members).
    pub quantile: f32,
}

/// For each new vector, the index of the existing cluster it joins, or `None`.
/// `centroids` are unit vectors; `member_sims[c]` the similarities of cluster c's members to it.
pub fn assign_new(new: &[&[f32]], centroids: &[Vec<f32>], member_sims: &[Vec<f32>], join: Join) -> Vec<Option<usize>> {
    let radius: Vec<f32> = member_sims
        .iter()
        .map(|sims| {
            if sims.len() < 3 {
                // Too few members to know the spread: a little stricter than the floor.
                return (join.floor + 0.02).min(1.0);
            }
            let mut s = sims.clone();
            s.sort_by(f32::total_cmp);
            let at = ((s.len() - 1) as f32 * join.quantile).round() as usize;
            s[at].max(join.floor)
        })
        .collect();
    new.iter()
        .map(|v| {
            let (best, sim) = centroids
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.is_empty())
                .map(|(c, centroid)| (c, dot(v, centroid)))
                .fold((usize::MAX, f32::MIN), |acc, x| if x.1 > acc.1 { x } else { acc });
            (best != usize::MAX && sim >= radius[best]).then_some(best)
        })
        .collect()
}

/// Ids for the clusters of a full re-clustering. `new_members[c]` are the keys (ticket ids) of new
/// cluster c; `old` maps a key to its previous cluster id; `anchored` are old ids an article is
/// linked to: each goes first, to the new cluster holding most of its members, majority or not, so
/// an article keeps its cluster. `fresh(c)` proposes an id for a cluster that inherits none (made
/// unique here).
pub fn map_ids(
    new_members: &[Vec<&str>],
    old: &HashMap<String, String>,
    anchored: &HashSet<String>,
    fresh: impl Fn(usize) -> String,
) -> Vec<String> {
    let mut old_sizes: HashMap<&str, usize> = HashMap::new();
    for id in old.values() {
        *old_sizes.entry(id.as_str()).or_default() += 1;
    }
    let mut pairs: Vec<(usize, usize, &str)> = Vec::new();
    for (c, keys) in new_members.iter().enumerate() {
        let mut overlap: HashMap<&str, usize> = HashMap::new();
        for k in keys {
            if let Some(id) = old.get(*k) {
                *overlap.entry(id.as_str()).or_default() += 1;
            }
        }
        pairs.extend(overlap.into_iter().map(|(id, n)| (n, c, id)));
    }
    // Largest overlap first; ties by new cluster, then old id, so the mapping is deterministic.
    pairs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(b.2)));
    let mut ids: Vec<Option<String>> = vec![None; new_members.len()];
    let mut taken: HashSet<String> = HashSet::new();
    for first in [true, false] {
        for &(n, c, id) in &pairs {
            if ids[c].is_some() || taken.contains(id) || anchored.contains(id) != first {
                continue;
            }
            if first || 2 * n > new_members[c].len() || 2 * n > old_sizes[id] {
                ids[c] = Some(id.to_string());
                taken.insert(id.to_string());
            }
        }
    }
    let mut out = Vec::with_capacity(ids.len());
    for (c, id) in ids.into_iter().enumerate() {
        let id = id.unwrap_or_else(|| {
            let base = fresh(c);
            let mut candidate = base.clone();
            let mut n = 1;
            while taken.contains(&candidate) || old_sizes.contains_key(candidate.as_str()) {
                n += 1;
                candidate = format!("{base}-{n}");
            }
            candidate
        });
        taken.insert(id.clone());
        out.push(id);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_clusters_inherit_ids_by_overlap() {
        let old: HashMap<String, String> = [("t1", "A"), ("t2", "A"), ("t3", "A"), ("t4", "B"), ("t5", "B"), ("t6", "C")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        // A split in two (the larger part keeps A), B grew, C's only member moved into B's cluster,
        // and one cluster is all new.
        let new = vec![vec!["t1", "t2"], vec!["t3"], vec!["t4", "t5", "t6", "t7"], vec!["t8", "t9"]];
        let none = HashSet::new();
        let ids = map_ids(&new, &old, &none, |c| format!("fresh{c}"));
        assert_eq!(ids, vec!["A", "fresh1", "B", "fresh3"]);
        // An id proposed for a new cluster that an old cluster still holds is made unique.
        let ids = map_ids(&[vec!["x"], vec!["t1", "t2", "t3"]], &old, &none, |_| "A".to_string());
        assert_eq!(ids, vec!["A-2", "A"]);
        // C has an article: it follows its only member, though that is no majority of B's cluster.
        let anchored = HashSet::from(["C".to_string()]);
        let ids = map_ids(&new, &old, &anchored, |c| format!("fresh{c}"));
        assert_eq!(ids, vec!["A", "fresh1", "C", "fresh3"]);
    }

    #[test]
    fn newcomers_join_only_within_the_radius() {
        let centroids = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
        let sims = vec![vec![0.99, 0.97, 0.95, 0.93], vec![0.99, 0.98, 0.97]];
        let near = [0.96f32, 0.28];
        let far = [0.80f32, 0.6];
        let got = assign_new(&[&near, &far], &centroids, &sims, Join { floor: 0.85, quantile: 0.1 });
        assert_eq!(got, vec![Some(0), None]);
    }
}
