//! Which cluster each question goes to, and with which id: incrementally (old tickets keep their
//! cluster, new ones join by the method's own rule) or by a full re-clustering mapped onto the old
//! ids, with editors' pins kept either way ([`super::edit`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::*;

/// The cluster id of every question, and how it was decided.
pub struct Plan {
    pub ids: Vec<String>,
    pub incremental: bool,
    /// The method used (`auto` resolved).
    pub method: Method,
    /// Questions not clustered before.
    pub new: usize,
    /// New questions that joined an existing cluster.
    pub joined: usize,
    /// Clusters before the answer-template regrouping (full runs of the question methods).
    pub by_question: usize,
    /// Clusters whose id existed before.
    pub kept: usize,
}

/// The questions to cluster, one entry per question in every slice.
pub struct Questions<'a> {
    /// Ticket ids.
    pub keys: &'a [&'a str],
    pub vectors: &'a [Vec<f32>],
    /// Vectors of the staff answers that take part (`None` elsewhere), or none at all.
    pub answer_vectors: &'a [Option<Vec<f32>>],
    /// Cleaned question texts, for the lexical signal.
    pub texts: &'a [&'a str],
    /// The questions' token states for the graph method's token matching, or none.
    pub states: Vec<TokenStates>,
    /// The answers' token states for the pairs method's, or none.
    pub answer_states: Option<matching::AnswerStates>,
    /// Staff answers, for the answer templates.
    pub answers: &'a [String],
    pub kinds: &'a [Kind],
    /// The cluster an editor pinned each ticket to (`kbforge clusters split|move|merge`), or none
    /// at all: tickets pinned to one id stay together under it, tickets pinned to different ids
    /// stay apart.
    pub pins: &'a [Option<String>],
}

/// Decides the cluster id of each question: incrementally when at most `full-recluster-share` of
/// the questions are new, else by a full re-clustering mapped onto the old ids (`previous`: ticket
/// id → cluster id), those with an article (`anchored`) first.
pub fn assign(q: Questions<'_>, previous: &HashMap<String, String>, anchored: &HashSet<String>, config: &ClusterConfig) -> Plan {
    let Questions { keys, vectors, answer_vectors, texts, mut states, answer_states, answers, kinds, pins } = q;
    let pins = if pins.len() == keys.len() { pins } else { &[] };
    // An editor's pin is where the ticket was last put: it overrides the stored membership, so an
    // incremental run keeps it even if the store's clusters were not rewritten after the edit.
    let mut pinned_previous;
    let previous = if pins.iter().any(Option::is_some) {
        pinned_previous = previous.clone();
        for (key, pin) in keys.iter().zip(pins) {
            if let Some(pin) = pin {
                pinned_previous.insert(key.to_string(), pin.clone());
            }
        }
        &pinned_previous
    } else {
        previous
    };
    let answered = answer_vectors.len() == keys.len() && answer_vectors.iter().any(Option::is_some);
    let method = resolve(config.method, answered);
    let known: Vec<usize> = (0..keys.len()).filter(|&i| previous.contains_key(keys[i])).collect();
    let (incremental, fresh) = split_fresh(keys, previous, config);
    let fresh_id = |idx: &[usize]| {
        let centroid = normalize(mean(idx.iter().map(|&i| vectors[i].as_slice())));
        let medoid = idx.iter().copied().max_by(|&a, &b| dot(&vectors[a], &centroid).total_cmp(&dot(&vectors[b], &centroid)).then(b.cmp(&a)));
        format!("c-{}", &crate::hash::text_hash(keys[medoid.unwrap_or(0)])[..10])
    };
    let old_ids: HashSet<&str> = known.iter().map(|&i| previous[keys[i]].as_str()).collect();
    let mut ids: Vec<String> = vec![String::new(); keys.len()];
    if incremental {
        // Old clusters as they stand now (tickets that left the store are gone from them).
        let mut names: Vec<&str> = old_ids.iter().copied().collect();
        names.sort_unstable();
        let index: HashMap<&str, usize> = names.iter().enumerate().map(|(c, n)| (*n, c)).collect();
        let mut groups: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
        for &i in &known {
            groups[index[previous[keys[i]].as_str()]].push(i);
            ids[i] = previous[keys[i]].clone();
        }
        // The new tickets' answer states, for those that join no old cluster: copied before the
        // join takes them all (a desk's new tickets are a small share of it).
        let pairs_states = answer_states.filter(|a| method == Method::Pairs && a.text_of.len() == keys.len());
        let fresh_states = pairs_states.as_ref().map(|a| a.restrict(&fresh));
        let joined_to = if method == Method::Pairs {
            // The clustering's own rule: a new ticket joins the cluster it is on average as alike
            // as two tickets of one article are.
            pairs::assign_new(vectors, answer_vectors, pairs_states, &groups, &fresh, &config.pairs)
        } else {
            let cents: Vec<Vec<f32>> = groups.iter().map(|g| normalize(mean(g.iter().map(|&i| vectors[i].as_slice())))).collect();
            let sims: Vec<Vec<f32>> = groups.iter().zip(&cents).map(|(g, c)| g.iter().map(|&i| dot(&vectors[i], c)).collect()).collect();
            let new_vectors: Vec<&[f32]> = fresh.iter().map(|&i| vectors[i].as_slice()).collect();
            let join = stable::Join { floor: config.join_floor, quantile: 0.1 };
            stable::assign_new(&new_vectors, &cents, &sims, join)
        };
        let mut rest = Vec::new();
        // Where each of `rest` is in `fresh`.
        let mut rest_at = Vec::new();
        let mut joined = 0;
        for (at, (&i, to)) in fresh.iter().zip(&joined_to).enumerate() {
            match to {
                Some(c) => {
                    ids[i] = names[*c].to_string();
                    joined += 1;
                }
                None => {
                    rest.push(i);
                    rest_at.push(at);
                }
            }
        }
        // The rest cluster among themselves into new clusters.
        let rest_vectors: Vec<Vec<f32>> = rest.iter().map(|&i| vectors[i].clone()).collect();
        let rest_texts: Vec<&str> = rest.iter().map(|&i| texts[i]).collect();
        let rest_answers: Vec<Option<Vec<f32>>> = if answered { rest.iter().map(|&i| answer_vectors[i].clone()).collect() } else { Vec::new() };
        let labels = if method == Method::Pairs {
            let rest_states = fresh_states.map(|a| a.restrict(&rest_at));
            pairs::cluster_pinned(&rest_vectors, &rest_answers, rest_states, &[], &config.pairs)
        } else {
            let rest_states: Vec<TokenStates> =
                if states.len() == keys.len() { rest.iter().map(|&i| std::mem::take(&mut states[i])).collect() } else { Vec::new() };
            cluster_pairs(&rest_vectors, &rest_answers, &rest_texts, rest_states, &ClusterConfig { method, ..config.clone() })
        };
        let k = labels.iter().copied().max().map_or(0, |m| m + 1);
        let mut new_groups: Vec<Vec<usize>> = vec![Vec::new(); k];
        for (j, &l) in labels.iter().enumerate() {
            new_groups[l].push(rest[j]);
        }
        let new_keys: Vec<Vec<&str>> = new_groups.iter().map(|g| g.iter().map(|&i| keys[i]).collect()).collect();
        let new_ids = stable::map_ids(&new_keys, &HashMap::new(), &HashSet::new(), |c| fresh_id(&new_groups[c]));
        // A fresh id never takes over an old cluster's.
        let new_ids: Vec<String> = new_ids
            .into_iter()
            .map(|id| if old_ids.contains(id.as_str()) { format!("{id}-n") } else { id })
            .collect();
        for (g, id) in new_groups.iter().zip(new_ids) {
            for &i in g {
                ids[i] = id.clone();
            }
        }
        let kept = ids.iter().filter(|id| old_ids.contains(id.as_str())).collect::<HashSet<_>>().len();
        return Plan { ids, incremental, method, new: fresh.len(), joined, by_question: 0, kept };
    }
    // Editors' groups as numbers, in order of first appearance.
    let pin_names: Vec<&str> = {
        let mut seen = HashSet::new();
        pins.iter().flatten().map(String::as_str).filter(|p| seen.insert(*p)).collect()
    };
    let pin_index: HashMap<&str, usize> = pin_names.iter().enumerate().map(|(g, p)| (*p, g)).collect();
    let groups_of: Vec<Option<usize>> = pins.iter().map(|p| p.as_deref().map(|p| pin_index[p])).collect();
    let mut labels = if method == Method::Pairs {
        pairs::cluster_pinned(vectors, if answered { answer_vectors } else { &[] }, answer_states, &groups_of, &config.pairs)
    } else {
        cluster_pairs(vectors, answer_vectors, texts, states, config)
    };
    // Answer templates regroup question clusters; with answers in the similarity itself they only
    // fuse intents whose staff share a reply (docs/BENCHMARKS.md), so the pairs method skips them.
    let by_question = if method == Method::Pairs {
        0
    } else {
        let by_question = answers::refine_by_answer(&mut labels, answers, kinds, config.answer_merge).0;
        apply_pins(&mut labels, &groups_of);
        by_question
    };
    let k = labels.iter().copied().max().map_or(0, |m| m + 1);
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (i, &l) in labels.iter().enumerate() {
        groups[l].push(i);
    }
    let group_keys: Vec<Vec<&str>> = groups.iter().map(|g| g.iter().map(|&i| keys[i]).collect()).collect();
    // A group an editor pinned takes the pin's id; the others share out the remaining old ids.
    let pinned_id = |g: &[usize]| g.iter().find_map(|&i| groups_of.get(i).copied().flatten()).map(|p| pin_names[p].to_string());
    let unpinned_previous: HashMap<String, String> = if pin_names.is_empty() {
        HashMap::new()
    } else {
        previous.iter().filter(|(_, id)| !pin_index.contains_key(id.as_str())).map(|(t, id)| (t.clone(), id.clone())).collect()
    };
    let group_ids = stable::map_ids(&group_keys, if pin_names.is_empty() { previous } else { &unpinned_previous }, anchored, |c| {
        let mut id = fresh_id(&groups[c]);
        while pin_index.contains_key(id.as_str()) {
            id.push_str("-n");
        }
        id
    });
    let group_ids: Vec<String> = groups.iter().zip(group_ids).map(|(g, id)| pinned_id(g).unwrap_or(id)).collect();
    for (g, id) in groups.iter().zip(&group_ids) {
        for &i in g {
            ids[i] = id.clone();
        }
    }
    let kept = group_ids.iter().filter(|id| old_ids.contains(id.as_str())).count();
    Plan { ids, incremental, method, new: fresh.len(), joined: 0, by_question, kept }
}

/// Editors' groups over a clustering that cannot take them itself (the question methods): a pinned
/// ticket goes to its group, and an unpinned one follows the group most of its cluster's pinned
/// tickets are in (ties to the first group), or stays where it is when its cluster has none.
fn apply_pins(labels: &mut [usize], pins: &[Option<usize>]) {
    if pins.len() != labels.len() || pins.iter().all(Option::is_none) {
        return;
    }
    let k = labels.iter().copied().max().map_or(0, |m| m + 1);
    let mut votes: Vec<BTreeMap<usize, usize>> = vec![BTreeMap::new(); k];
    for (&l, pin) in labels.iter().zip(pins) {
        if let Some(g) = pin {
            *votes[l].entry(*g).or_default() += 1;
        }
    }
    let follow: Vec<Option<usize>> = votes
        .iter()
        .map(|v| v.iter().fold(None, |best: Option<(usize, usize)>, (&g, &n)| match best {
            Some((_, bn)) if bn >= n => best,
            _ => Some((g, n)),
        }).map(|(g, _)| g))
        .collect();
    let relabelled: Vec<usize> = labels
        .iter()
        .zip(pins)
        .map(|(&l, pin)| match pin.or(follow[l]) {
            Some(g) => k + g,
            None => l,
        })
        .collect();
    labels.copy_from_slice(&renumber(relabelled));
}

/// Whether a run is incremental (at most `full-recluster-share` of the questions are new, and
/// `incremental` is on), and the questions not clustered before.
pub(super) fn split_fresh(keys: &[&str], previous: &HashMap<String, String>, config: &ClusterConfig) -> (bool, Vec<usize>) {
    let fresh: Vec<usize> = (0..keys.len()).filter(|&i| !previous.contains_key(keys[i])).collect();
    let known = keys.len() - fresh.len();
    let incremental = config.incremental && known > 0 && fresh.len() as f64 <= config.full_recluster_share * known as f64;
    (incremental, fresh)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_override_a_question_method_and_the_rest_follow_their_cluster() {
        // Clusters 0 = {0, 1, 2, 3}, 1 = {4, 5}; an editor split 2 and 3 off into group 1 and
        // pinned 0 to group 0; 4 and 5 have no pins and stay.
        let mut labels = vec![0, 0, 0, 0, 1, 1];
        apply_pins(&mut labels, &[Some(0), None, Some(1), Some(1), None, None]);
        assert_eq!(labels[2], labels[3]);
        assert_ne!(labels[0], labels[2]);
        assert_eq!(labels[4], labels[5]);
        assert!(labels[4] != labels[0] && labels[4] != labels[2]);
        // 1's cluster has one ticket in group 0 and two in group 1: it follows group 1.
        assert_eq!(labels[1], labels[2], "{labels:?}");
        // No pins: nothing moves.
        let mut same = vec![0, 1, 1, 2];
        apply_pins(&mut same, &[None; 4]);
        assert_eq!(same, vec![0, 1, 1, 2]);
    }
}
