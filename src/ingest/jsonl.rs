//! Generic JSONL: one ticket per line.
//!
//! `{"id", "subject", "status", "created_at", "updated_at", "channel", "language", "tags", "rating",
//!   "customer", "messages": [{"author": "customer"|"staff"|"system", "internal", "body", "created_at"}]}`.
//! `customer` (the customer's e-mail or id, optional) is kept only as a hash, for erasure.
//! A line that does not parse is quarantined with its line number and the field at fault.

use std::io::BufRead as _;
use std::path::Path;

use serde::Deserialize;

use super::ticket::{detect_language, Author, Message, Ticket};
use super::encoding::Encoding;
use super::{IngestError, Record};
use crate::store::Rejected;

const SOURCE: &str = "jsonl";

#[derive(Debug, Deserialize)]
struct Line {
    id: IdValue,
    #[serde(default)]
    subject: String,
    #[serde(default = "closed")]
    status: String,
    created_at: String,
    #[serde(default)]
    updated_at: Option<String>,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    language: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    rating: Option<String>,
    /// The customer's e-mail or id; `customer_email` and `requester` are read too.
    #[serde(default, alias = "customer_email", alias = "requester")]
    customer: Option<String>,
    messages: Vec<LineMessage>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum IdValue {
    Text(String),
    Number(i64),
}

#[derive(Debug, Deserialize)]
struct LineMessage {
    #[serde(default)]
    id: Option<IdValue>,
    author: String,
    #[serde(default)]
    internal: bool,
    body: String,
    #[serde(default)]
    created_at: Option<String>,
}

fn closed() -> String {
    "closed".to_string()
}

/// Reads a whole file into records (tests and small files; [`stream_file`] is what ingest uses).
pub fn read_file(path: &Path, encoding: Encoding) -> Result<Vec<Record>, IngestError> {
    let mut records = Vec::new();
    stream_file(path, encoding, |r| {
        records.push(r);
        true
    })?;
    Ok(records)
}

/// Reads the file line by line and hands each record to `sink` as soon as it is parsed, so memory
/// stays flat whatever the size of the export. `sink` returns false to stop early.
///
/// UTF-8 and Windows-1251 are decoded line by line (with `auto`, a line that is not valid UTF-8 is
/// read as Windows-1251); UTF-16, which is rare in JSONL, is decoded whole first.
pub fn stream_file(path: &Path, encoding: Encoding, mut sink: impl FnMut(Record) -> bool) -> Result<(), IngestError> {
    let display = path.display().to_string();
    let read_err = |source| IngestError::Read { path: path.to_path_buf(), source };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let mut reader = std::io::BufReader::with_capacity(1 << 20, file);
    let head = reader.fill_buf().map_err(read_err)?;
    let utf16 = match encoding {
        Encoding::Utf16 => true,
        Encoding::Auto => {
            matches!(encoding_rs::Encoding::for_bom(head), Some((e, _)) if e != encoding_rs::UTF_8)
                || super::encoding::looks_utf16(head)
        }
        _ => false,
    };
    if utf16 {
        let text = super::omnidesk::read_text(path, encoding)?;
        for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
            if !parse_line(&display, i + 1, line, &mut sink) {
                break;
            }
        }
        return Ok(());
    }
    let mut raw = Vec::with_capacity(64 * 1024);
    let mut lineno = 0;
    loop {
        raw.clear();
        if reader.read_until(b'\n', &mut raw).map_err(read_err)? == 0 {
            return Ok(());
        }
        lineno += 1;
        let bytes = if lineno == 1 { raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&raw) } else { &raw[..] };
        let line = super::encoding::decode_line(bytes, encoding);
        if !parse_line(&display, lineno, line.trim_end_matches(['\n', '\r']), &mut sink) {
            return Ok(());
        }
    }
}

/// Parses one line into a record for `sink`; false when `sink` asks to stop.
fn parse_line(display: &str, lineno: usize, line: &str, sink: &mut impl FnMut(Record) -> bool) -> bool {
    if line.trim().is_empty() {
        return true;
    }
    let reject = |field: String, reason: String| {
        Record::Rejected(Rejected {
            stage: "ingest".into(),
            source: display.to_string(),
            location: format!("line {lineno}"),
            field,
            reason,
            raw: line.to_string(),
        })
    };
    let record = match serde_json::from_str::<Line>(line) {
        Ok(parsed) => match convert(parsed) {
            Ok(Some(t)) => Record::Ticket(t),
            Ok(None) => Record::Skipped { reason: "not closed" },
            Err((field, reason)) => reject(field.to_string(), reason),
        },
        Err(e) => {
            let msg = e.to_string();
            reject(field_of(&msg), msg)
        }
    };
    sink(record)
}

/// The field a serde error names (`missing field `messages``), or `-`.
fn field_of(msg: &str) -> String {
    msg.split('`').nth(1).filter(|_| msg.contains("field")).unwrap_or("-").to_string()
}

fn convert(l: Line) -> Result<Option<Ticket>, (&'static str, String)> {
    if !matches!(l.status.as_str(), "closed" | "solved" | "resolved") {
        return Ok(None);
    }
    let id = match l.id {
        IdValue::Text(s) => s,
        IdValue::Number(n) => n.to_string(),
    };
    if id.trim().is_empty() {
        return Err(("id", "empty".into()));
    }
    let created_at = super::omnidesk::parse_date(&l.created_at)
        .ok_or(("created_at", format!("`{}` is not an RFC 3339 or RFC 2822 date", l.created_at)))?;
    let updated_at = l.updated_at.as_deref().and_then(super::omnidesk::parse_date).unwrap_or_else(|| created_at.clone());
    let mut messages = Vec::new();
    for (i, m) in l.messages.into_iter().enumerate() {
        let author = match m.author.as_str() {
            "customer" | "user" | "end-user" => Author::Customer,
            "staff" | "agent" | "operator" => Author::Staff,
            "system" | "bot" | "rule" | "automation" => Author::System,
            other => return Err(("messages.author", format!("unknown author `{other}` in message {}", i + 1))),
        };
        let external_id = match m.id {
            Some(IdValue::Text(s)) => s,
            Some(IdValue::Number(n)) => n.to_string(),
            None => (i + 1).to_string(),
        };
        let created = m.created_at.as_deref().and_then(super::omnidesk::parse_date).unwrap_or_else(|| created_at.clone());
        messages.push(Message { external_id, author, internal: m.internal, body: m.body, created_at: created });
    }
    if !messages.iter().any(|m| m.author == Author::Customer && !m.internal) {
        return Err(("messages", "no customer message".into()));
    }
    let language = l.language.unwrap_or_else(|| detect_language(&format!("{} {}", l.subject, messages[0].body)).to_string());
    Ok(Some(Ticket {
        id: format!("{SOURCE}:{id}"),
        source: SOURCE.to_string(),
        external_id: id,
        subject: l.subject,
        status: "closed".into(),
        channel: l.channel,
        language,
        labels: l.tags,
        rating: l.rating.unwrap_or_default(),
        created_at,
        updated_at,
        customer: l.customer.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(super::ticket::customer_key).unwrap_or_default(),
        messages,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_missing_field() {
        assert_eq!(field_of("missing field `messages` at line 1 column 80"), "messages");
        assert_eq!(field_of("expected value at line 1 column 1"), "-");
    }
}
