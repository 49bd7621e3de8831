//! `kbforge eval redact <labelled.jsonl>`: precision and recall of the redaction, by kind and overall.
//! Entry points: [`read_redact_labelled`], then [`eval_redact`].
//!
//! Input: one JSON object a line, `{"text": "...", "spans": [{"start": 3, "end": 9, "kind": "EMAIL"}]}`,
//! offsets in characters (Unicode scalar values), end exclusive.
//!
//! Matching rule (overlap-based): the redactor's spans come from [`crate::clean::Redactor::redact_spans`]
//! and are turned into character ranges.
//! - Recall: a gold span is found when the predicted spans of its kind that overlap it cover every one
//!   of its characters, i.e. its text is gone from the output and a placeholder of its kind stands there.
//! - Precision: a predicted span is correct when it overlaps a gold span of the same kind; each
//!   placeholder the redactor writes is one prediction.
//!
//! A kind's precision with no prediction, or recall with no gold span, is 1.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use anyhow::Context as _;

use crate::clean::{Kind, Redactor};

/// One labelled snippet.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct LabelledText {
    pub text: String,
    #[serde(default)]
    pub spans: Vec<GoldSpan>,
}

/// A personal value in a labelled snippet, in character offsets.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct GoldSpan {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

/// Counts and scores of one kind (or of all kinds together).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct KindScore {
    pub gold: usize,
    pub found: usize,
    pub predicted: usize,
    pub correct: usize,
    /// Gold values gone from the output under any placeholder (a phone taken for an order number
    /// still does not leak): `1 - hidden / gold` of the values would reach the output.
    pub hidden: usize,
    pub precision: f64,
    pub recall: f64,
}

impl KindScore {
    fn finish(&mut self) {
        self.precision = if self.predicted == 0 { 1.0 } else { self.correct as f64 / self.predicted as f64 };
        self.recall = if self.gold == 0 { 1.0 } else { self.found as f64 / self.gold as f64 };
    }
}

/// The result of `kbforge eval redact`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RedactEval {
    pub texts: usize,
    pub by_kind: BTreeMap<Kind, KindScore>,
    pub overall: KindScore,
    /// Misses and false alarms, for reading: `(kind, "missed"|"extra", value, text)`.
    #[serde(skip)]
    pub errors: Vec<(Kind, &'static str, String, String)>,
}

/// Reads the labelled snippets; a span outside its text is an error that names the line.
pub fn read_redact_labelled(path: &Path) -> anyhow::Result<Vec<LabelledText>> {
    let content = std::fs::read_to_string(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let item: LabelledText =
            serde_json::from_str(line).with_context(|| format!("`{}` line {}: not a labelled snippet", path.display(), i + 1))?;
        let chars = item.text.chars().count();
        if let Some(s) = item.spans.iter().find(|s| s.start >= s.end || s.end > chars) {
            anyhow::bail!("`{}` line {}: span {}..{} is outside the text ({chars} characters)", path.display(), i + 1, s.start, s.end);
        }
        out.push(item);
    }
    Ok(out)
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Runs `redactor` over every snippet and scores it against the gold spans.
pub fn eval_redact(redactor: &Redactor, items: &[LabelledText]) -> RedactEval {
    let mut by_kind: BTreeMap<Kind, KindScore> = BTreeMap::new();
    let mut errors = Vec::new();
    for item in items {
        let text = &item.text;
        // byte offset -> char offset
        let char_at = |byte: usize| text[..byte].chars().count();
        let predicted: Vec<(Range<usize>, Kind)> =
            redactor.redact_spans(text).into_iter().map(|(r, k)| (char_at(r.start)..char_at(r.end), k)).collect();
        let value = |r: &Range<usize>| text.chars().skip(r.start).take(r.end - r.start).collect::<String>();
        for g in &item.spans {
            let gr = g.start..g.end;
            let score = by_kind.entry(g.kind).or_default();
            score.gold += 1;
            let covered = gr.clone().all(|c| predicted.iter().any(|(p, k)| *k == g.kind && p.contains(&c)));
            if gr.clone().all(|c| predicted.iter().any(|(p, _)| p.contains(&c))) {
                score.hidden += 1;
            }
            if covered {
                score.found += 1;
            } else {
                errors.push((g.kind, "missed", value(&gr), text.clone()));
            }
        }
        for (p, k) in &predicted {
            let score = by_kind.entry(*k).or_default();
            score.predicted += 1;
            if item.spans.iter().any(|g| g.kind == *k && overlaps(&(g.start..g.end), p)) {
                score.correct += 1;
            } else {
                errors.push((*k, "extra", value(p), text.clone()));
            }
        }
    }
    let mut overall = KindScore::default();
    for s in by_kind.values_mut() {
        overall.gold += s.gold;
        overall.found += s.found;
        overall.predicted += s.predicted;
        overall.correct += s.correct;
        overall.hidden += s.hidden;
        s.finish();
    }
    overall.finish();
    RedactEval { texts: items.len(), by_kind, overall, errors }
}

/// The table `kbforge eval redact` prints.
pub fn format_table(r: &RedactEval) -> String {
    let mut out = format!(
        "{} texts\n{:<11} {:>5} {:>5} {:>5} {:>9} {:>7} {:>6}\n",
        r.texts, "kind", "gold", "found", "pred", "precision", "recall", "leaked"
    );
    let row = |name: &str, s: &KindScore| {
        format!(
            "{:<11} {:>5} {:>5} {:>5} {:>9.3} {:>7.3} {:>6}\n",
            name, s.gold, s.found, s.predicted, s.precision, s.recall, s.gold - s.hidden
        )
    };
    for (k, s) in &r.by_kind {
        out.push_str(&row(k.as_str(), s));
    }
    out.push_str(&row("overall", &r.overall));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_found_missed_and_extra() {
        let items = vec![
            LabelledText {
                text: "Почта ivan@mail.ru, Ержан".into(),
                // a name no context announces and the lexicon does not hold: missed
                spans: vec![GoldSpan { start: 6, end: 18, kind: Kind::Email }, GoldSpan { start: 20, end: 25, kind: Kind::Name }],
            },
            LabelledText { text: "заказ № 4587123".into(), spans: vec![] },
        ];
        let r = eval_redact(&Redactor::default(), &items);
        assert_eq!(r.by_kind[&Kind::Email].found, 1);
        assert_eq!(r.by_kind[&Kind::Name].found, 0);
        assert_eq!(r.by_kind[&Kind::Order].predicted, 1);
        assert_eq!(r.by_kind[&Kind::Order].correct, 0);
        assert_eq!((r.overall.gold, r.overall.found, r.overall.predicted, r.overall.correct), (2, 1, 2, 1));
    }
}
