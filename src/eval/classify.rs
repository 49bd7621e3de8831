//! `kbforge eval classify <labelled.jsonl>`: the classifier against tickets labelled by hand.
//!
//! Input: generic JSONL tickets (the `jsonl` source format) with one more field, `kind` (`flat`,
//! `needs-action`, `empty`, `other`), e.g. `tests/fixtures/classify/labelled.jsonl`. Each ticket goes
//! through the pipeline's own clean, extract and classify steps in memory; the command prints the
//! accuracy, precision and recall per class and the confusion matrix.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context as _;
use serde::Serialize;

use crate::classify::Classifier;
use crate::kind::Kind;
use crate::clean::Redactor;
use crate::extract::{extract_pair, ThreadMessage};
use crate::ingest::{jsonl, Record, Ticket};

/// The classes in the order of the matrix.
pub const KINDS: [Kind; 4] = [Kind::Flat, Kind::NeedsAction, Kind::Empty, Kind::Other];

/// Precision and recall of one class.
#[derive(Debug, Clone, Serialize)]
pub struct ClassScore {
    pub kind: &'static str,
    pub precision: f64,
    pub recall: f64,
    pub support: usize,
}

/// The result of `kbforge eval classify`.
#[derive(Debug, Clone, Serialize)]
pub struct ClassifyEval {
    pub tickets: usize,
    pub accuracy: f64,
    pub classes: Vec<ClassScore>,
    /// `confusion[gold][predicted]`, both in the order of [`KINDS`].
    pub confusion: Vec<Vec<usize>>,
    /// (ticket id, gold, predicted, the signal that decided, the question) of every miss.
    #[serde(skip)]
    pub errors: Vec<(String, Kind, Kind, String, String)>,
}

/// Reads labelled tickets; a line without a known label, or that is no valid ticket, is an error
/// naming the file and line.
pub fn read_labelled(path: &Path, field: &str) -> anyhow::Result<Vec<(Ticket, Kind)>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let mut labels: HashMap<String, Kind> = HashMap::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("`{}` line {}: not JSON", path.display(), i + 1))?;
        let id = match &v["id"] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let label = v[field].as_str().and_then(Kind::parse).with_context(|| {
            format!("`{}` line {}: field `{field}` must be flat, needs-action, empty or other", path.display(), i + 1)
        })?;
        labels.insert(format!("jsonl:{id}"), label);
    }
    let mut out = Vec::new();
    for record in jsonl::read_file(path, Default::default())? {
        match record {
            Record::Ticket(t) => {
                let kind = labels[&t.id];
                out.push((t, kind));
            }
            Record::Rejected(r) => {
                anyhow::bail!("`{}` {}: field `{}`: {}", r.source, r.location, r.field, r.reason)
            }
            Record::Skipped { .. } => {}
        }
    }
    Ok(out)
}

/// Cleans, extracts and classifies each ticket, and scores against the labels.
pub fn eval_classify(classifier: &Classifier, redactor: &Redactor, items: &[(Ticket, Kind)]) -> ClassifyEval {
    let index = |k: Kind| KINDS.iter().position(|x| *x == k).unwrap_or(3);
    let mut confusion = vec![vec![0usize; 4]; 4];
    let mut errors = Vec::new();
    for (ticket, gold) in items {
        let thread: Vec<ThreadMessage> = ticket
            .messages
            .iter()
            .map(|m| ThreadMessage {
                author: m.author.as_str().to_string(),
                internal: m.internal,
                text: redactor.redact(&crate::clean::strip_noise(&m.body)).text,
            })
            .collect();
        let (predicted, reason, question) = match extract_pair(&thread) {
            Some(pair) => {
                let (k, r) = classifier.classify(&pair.question, &pair.answer, pair.has_note);
                (k, r, pair.question)
            }
            None => (Kind::Other, "no customer message".to_string(), String::new()),
        };
        confusion[index(*gold)][index(predicted)] += 1;
        if predicted != *gold {
            errors.push((ticket.external_id.clone(), *gold, predicted, reason, question));
        }
    }
    let total = items.len();
    let correct: usize = (0..4).map(|i| confusion[i][i]).sum();
    let classes = KINDS
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let predicted: usize = (0..4).map(|g| confusion[g][i]).sum();
            let support: usize = confusion[i].iter().sum();
            ClassScore {
                kind: k.as_str(),
                precision: if predicted == 0 { 1.0 } else { confusion[i][i] as f64 / predicted as f64 },
                recall: if support == 0 { 1.0 } else { confusion[i][i] as f64 / support as f64 },
                support,
            }
        })
        .collect();
    ClassifyEval { tickets: total, accuracy: correct as f64 / total.max(1) as f64, classes, confusion, errors }
}

/// The terminal report: accuracy, per-class scores, the confusion matrix.
pub fn format_table(r: &ClassifyEval) -> String {
    let mut out = format!("{} tickets, accuracy {:.3}\n\n", r.tickets, r.accuracy);
    out.push_str(&format!("{:<14} {:>9} {:>7} {:>8}\n", "class", "precision", "recall", "tickets"));
    for c in &r.classes {
        out.push_str(&format!("{:<14} {:>9.3} {:>7.3} {:>8}\n", c.kind, c.precision, c.recall, c.support));
    }
    out.push_str(&format!("\nconfusion (rows: labelled, columns: predicted)\n{:<14}", ""));
    for k in KINDS {
        out.push_str(&format!("{:>13}", k.as_str()));
    }
    out.push('\n');
    for (i, k) in KINDS.iter().enumerate() {
        out.push_str(&format!("{:<14}", k.as_str()));
        for n in &r.confusion[i] {
            out.push_str(&format!("{n:>13}"));
        }
        out.push('\n');
    }
    out
}
