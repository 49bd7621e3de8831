//! Labelled desks: which intent (article) and class each ticket belongs to, read from a JSONL file,
//! for `kbforge eval desk` and the editor it plays (`--edits`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::Context as _;

/// One labelled ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub intent: String,
    /// `flat`, `needs-action`, `empty` or `other`; flat when the file does not say.
    pub kind: String,
    /// The intent's reference title, where the file gives one.
    pub title: Option<String>,
}

/// Reads `{"id" | "case_id" | "ticket_id": …, "intent": …, "kind"?: …}` lines, keyed by the ticket's
/// own id (without a source prefix such as `jsonl:` or `omnidesk:`).
pub fn read_labels(path: &Path) -> anyhow::Result<HashMap<String, Label>> {
    let content = std::fs::read_to_string(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let mut out = HashMap::new();
    for (i, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = || format!("`{}` line {}", path.display(), i + 1);
        let v: serde_json::Value = serde_json::from_str(line).with_context(|| format!("{}: not JSON", at()))?;
        let id = ["id", "case_id", "ticket_id"]
            .iter()
            .find_map(|k| match v.get(*k) {
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                Some(serde_json::Value::Number(n)) => Some(n.to_string()),
                _ => None,
            })
            .with_context(|| format!("{}: no field `id` (or `case_id`, `ticket_id`)", at()))?;
        let intent = v.get("intent").and_then(|x| x.as_str()).with_context(|| format!("{}: no string field `intent`", at()))?;
        let kind = v.get("kind").and_then(|x| x.as_str()).unwrap_or("flat");
        let title = v.get("title").and_then(|x| x.as_str()).map(str::to_string);
        out.insert(local_id(&id).to_string(), Label { intent: intent.to_string(), kind: kind.to_string(), title });
    }
    Ok(out)
}

/// A ticket id without its source prefix: `omnidesk:10042` → `10042`.
pub fn local_id(id: &str) -> &str {
    id.rsplit_once(':').map_or(id, |(_, rest)| rest)
}

/// The most frequent item and its count; ties go to the smallest.
pub fn majority<'a>(items: &[&'a str]) -> (&'a str, usize) {
    let (leaders, n) = leaders(items);
    (leaders.first().copied().unwrap_or(""), n)
}

/// The items that are most frequent (more than one on a tie, smallest first) and their count. A
/// draft whose tickets are split evenly between intents has no majority intent: scored by the first
/// of a tie, it would count as covering whichever intent sorts first.
pub fn leaders<'a>(items: &[&'a str]) -> (Vec<&'a str>, usize) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    items.iter().for_each(|i| *counts.entry(i).or_default() += 1);
    let n = counts.values().copied().max().unwrap_or(0);
    (counts.into_iter().filter(|&(_, c)| c == n).map(|(i, _)| i).collect(), n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_by_local_id() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("labels.jsonl");
        std::fs::write(&path, "{\"case_id\": 10042, \"intent\": \"balance\", \"kind\": \"flat\"}\n{\"id\": \"vm-1\", \"intent\": \"cancel\"}\n").unwrap();
        let labels = read_labels(&path).unwrap();
        assert_eq!(labels["10042"], Label { intent: "balance".into(), kind: "flat".into(), title: None });
        assert_eq!(labels["vm-1"].kind, "flat");
        assert_eq!(local_id("omnidesk:10042"), "10042");
        std::fs::write(&path, "{\"id\": \"vm-1\"}\n").unwrap();
        let err = read_labels(&path).unwrap_err().to_string();
        assert!(err.contains("line 1") && err.contains("intent"), "{err}");
    }

    #[test]
    fn majority_of_a_draft() {
        assert_eq!(majority(&["a", "b", "b"]), ("b", 2));
        assert_eq!(majority(&["b", "a"]), ("a", 1));
        assert_eq!(leaders(&["a", "b", "b"]), (vec!["b"], 2));
        assert_eq!(leaders(&["b", "c", "a", "c", "b"]), (vec!["b", "c"], 2), "a tie names every leader");
        assert_eq!(leaders(&[]), (vec![], 0));
    }
}
