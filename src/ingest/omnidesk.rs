//! Omnidesk-shaped JSON: a folder of recorded API responses.
//!
//! Layout (what `GET /api/cases.json` and `GET /api/cases/{id}/messages.json` return, page by page):
//! `cases*.json` pages of `{"0": {"case": {…}}, …, "total_count": N}`, `messages/<case_id>.json`, and
//! optionally `labels.json` (`{"0": {"label": {"label_id", "label_title"}}}`) to name label ids.
//! Staff messages have `user_id` 0, customer messages `staff_id` 0, and `note: true` marks an internal
//! note. A message sent by an automation rule (`sent_via_rule: true`, or neither a staff nor a user
//! id) is the system's: neither the question nor the answer. `content` may be empty with the text in
//! `content_html`. Dates look like `Mon, 05 May 2014 00:15:17 +0300`; `"-"` means none.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::ticket::{customer_key, detect_language, Author, Message, Ticket};
use super::encoding::Encoding;
use super::{IngestError, Record};
use crate::store::Rejected;

const SOURCE: &str = "omnidesk";

/// Reads every case page in `dir` with its messages.
pub fn read_export(dir: &Path, encoding: Encoding) -> Result<Vec<Record>, IngestError> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| IngestError::Read { path: dir.to_path_buf(), source })?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("cases") && n.ends_with(".json"))
        })
        .collect();
    if pages.is_empty() {
        return Err(IngestError::NoCases(dir.to_path_buf()));
    }
    pages.sort_by_key(|p| natural_key(p));
    let labels = read_labels(&dir.join("labels.json"), encoding)?;
    let mut records = Vec::new();
    for page in pages {
        let display = page.display().to_string();
        let text = read_text(&page, encoding)?;
        let value: Value = match serde_json::from_str(text.trim_start_matches('\u{feff}')) {
            Ok(v) => v,
            Err(e) => {
                records.push(Record::Rejected(reject(&display, format!("line {}", e.line()), "-", e.to_string(), "")));
                continue;
            }
        };
        let Some(object) = value.as_object() else {
            records.push(Record::Rejected(reject(&display, "top level".into(), "-", "expected a JSON object of cases".into(), "")));
            continue;
        };
        for (key, entry) in entries(object) {
            let location = format!("entry \"{key}\"");
            let Some(case) = entry.get("case").and_then(Value::as_object) else {
                records.push(Record::Rejected(reject(&display, location, "case", "missing `case` object".into(), &entry.to_string())));
                continue;
            };
            records.push(read_case(&display, &location, case, &labels, |id| read_messages_file(dir, id, case, encoding)));
        }
    }
    Ok(records)
}

/// The numbered entries of an Omnidesk list response, in order, without `total_count`.
pub fn entries(object: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut list: Vec<(&String, &Value)> = object.iter().filter(|(k, _)| k.as_str() != "total_count").collect();
    list.sort_by_key(|(k, _)| k.parse::<u64>().unwrap_or(u64::MAX));
    list
}

fn natural_key(p: &Path) -> (u64, String) {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let digits: String = name.chars().filter(char::is_ascii_digit).collect();
    (digits.parse().unwrap_or(0), name.to_string())
}

/// `messages/<case_id>.json` of an export folder.
fn read_messages_file(dir: &Path, case_id: i64, case: &Map<String, Value>, encoding: Encoding) -> Result<(String, Value), Rejected> {
    let path = dir.join("messages").join(format!("{case_id}.json"));
    let file = path.display().to_string();
    let text = read_text(&path, encoding).map_err(|e| {
        reject(&file, format!("case {case_id}"), "messages", format!("cannot read the case's messages: {e}"), &Value::Object(case.clone()).to_string())
    })?;
    let value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| reject(&file, format!("line {}", e.line()), "-", e.to_string(), ""))?;
    Ok((file, value))
}

/// Label titles by id from a `labels.json` response.
pub fn labels_from_value(value: &Value) -> HashMap<i64, String> {
    let mut map = HashMap::new();
    if let Some(object) = value.as_object() {
        for (_, entry) in entries(object) {
            let label = entry.get("label").unwrap_or(entry);
            if let (Some(id), Some(title)) = (as_int(label.get("label_id")), label.get("label_title").and_then(Value::as_str)) {
                map.insert(id, title.to_string());
            }
        }
    }
    map
}

/// A whole file as text, in the given encoding or a detected one.
pub fn read_text(path: &Path, encoding: Encoding) -> Result<String, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Read { path: path.to_path_buf(), source })?;
    Ok(super::encoding::decode(&bytes, encoding).0)
}

fn read_labels(path: &Path, encoding: Encoding) -> Result<HashMap<i64, String>, IngestError> {
    let mut map = HashMap::new();
    if !path.exists() {
        return Ok(map);
    }
    let text = read_text(path, encoding)?;
    let value: Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| IngestError::Parse { path: path.to_path_buf(), line: e.line(), detail: e.to_string() })?;
    map.extend(labels_from_value(&value));
    Ok(map)
}

/// Why a case is left out on purpose (deleted, spam, not closed), if it is.
pub fn skip_reason(case: &Map<String, Value>) -> Option<&'static str> {
    if case.get("deleted").and_then(Value::as_bool).unwrap_or(false) {
        Some("deleted")
    } else if case.get("spam").and_then(Value::as_bool).unwrap_or(false) {
        Some("spam")
    } else if case.get("status").and_then(Value::as_str) != Some("closed") {
        Some("not closed")
    } else {
        None
    }
}

/// The id of a case entry, if it has a usable one.
pub fn case_id(case: &Map<String, Value>) -> Option<i64> {
    as_int(case.get("case_id"))
}

/// A case's `updated_at` as the store keeps it (RFC 3339), if it has one.
pub fn updated_at(case: &Map<String, Value>) -> Option<String> {
    date_field(case, "updated_at").ok()
}

/// A list response's `total_count`, a number or a string of digits.
pub fn total_count(value: &Value) -> Option<u64> {
    match value.get("total_count")? {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Turns one case of a `cases.json` page into a record. `messages` yields the case's
/// `messages.json` response (with where it came from) and is called only for cases that are kept.
pub fn read_case(
    file: &str,
    location: &str,
    case: &Map<String, Value>,
    labels: &HashMap<i64, String>,
    messages: impl FnOnce(i64) -> Result<(String, Value), Rejected>,
) -> Record {
    let raw = || Value::Object(case.clone()).to_string();
    let Some(case_id) = as_int(case.get("case_id")) else {
        return Record::Rejected(reject(file, location.to_string(), "case_id", "missing or not a number".into(), &raw()));
    };
    let location = format!("case {case_id}");
    if let Some(reason) = skip_reason(case) {
        return Record::Skipped { reason };
    }
    let status = str_field(case, "status").unwrap_or_default();
    let created_at = match date_field(case, "created_at") {
        Ok(d) => d,
        Err(reason) => return Record::Rejected(reject(file, location, "created_at", reason, &raw())),
    };
    let updated_at = date_field(case, "updated_at").unwrap_or_else(|_| created_at.clone());
    let customer = as_int(case.get("user_id")).filter(|&id| id != 0).map(|id| customer_key(&format!("omnidesk-user:{id}"))).unwrap_or_default();
    let label_titles: Vec<String> = case
        .get("labels")
        .and_then(Value::as_array)
        .map(|ids| {
            ids.iter()
                .filter_map(|id| as_int(Some(id)))
                .map(|id| labels.get(&id).cloned().unwrap_or_else(|| format!("label-{id}")))
                .collect()
        })
        .unwrap_or_default();

    let (messages_file, value) = match messages(case_id) {
        Ok(m) => m,
        Err(r) => return Record::Rejected(r),
    };
    let Some(object) = value.as_object() else {
        return Record::Rejected(reject(&messages_file, location, "-", "expected a JSON object of messages".into(), ""));
    };
    let mut messages = Vec::new();
    for (key, entry) in entries(object) {
        let Some(m) = entry.get("message").and_then(Value::as_object) else {
            return Record::Rejected(reject(&messages_file, format!("entry \"{key}\""), "message", "missing `message` object".into(), &entry.to_string()));
        };
        match read_message(m, &created_at) {
            Ok(msg) => messages.push(msg),
            Err((field, reason)) => {
                return Record::Rejected(reject(&messages_file, format!("entry \"{key}\""), field, reason, &Value::Object(m.clone()).to_string()))
            }
        }
    }
    if !messages.iter().any(|m| m.author == Author::Customer && !m.internal) {
        return Record::Rejected(reject(&messages_file, location, "messages", "no customer message".into(), ""));
    }
    let subject = str_field(case, "subject").unwrap_or_default();
    let language = match as_int(case.get("language_id")) {
        Some(2) => "en".to_string(),
        Some(1) => "ru".to_string(),
        _ => detect_language(&format!("{subject} {}", messages[0].body)).to_string(),
    };
    Record::Ticket(Ticket {
        id: format!("{SOURCE}:{case_id}"),
        source: SOURCE.to_string(),
        external_id: case_id.to_string(),
        subject,
        status,
        channel: str_field(case, "channel").unwrap_or_default(),
        language,
        labels: label_titles,
        rating: str_field(case, "rating").unwrap_or_default(),
        created_at,
        updated_at,
        customer,
        messages,
    })
}

/// One message; `case_created` stands in for a date the message lacks (`"-"`).
fn read_message(m: &Map<String, Value>, case_created: &str) -> Result<Message, (&'static str, String)> {
    let id = as_int(m.get("message_id")).ok_or(("message_id", "missing or not a number".to_string()))?;
    let staff_id = as_int(m.get("staff_id")).unwrap_or(0);
    let user_id = as_int(m.get("user_id")).unwrap_or(0);
    let by_rule = m.get("sent_via_rule").and_then(Value::as_bool).unwrap_or(false);
    let author = if by_rule || (staff_id == 0 && user_id == 0) {
        Author::System
    } else if staff_id != 0 && user_id == 0 {
        Author::Staff
    } else {
        Author::Customer
    };
    let mut body = str_field(m, "content").unwrap_or_default();
    if body.trim().is_empty() {
        if let Some(html) = str_field(m, "content_html").filter(|h| !h.trim().is_empty()) {
            body = crate::clean::html_to_text(&html);
        }
    }
    let created_at = match m.get("created_at").and_then(Value::as_str).map(str::trim) {
        Some("-") => case_created.to_string(),
        _ => date_field(m, "created_at").map_err(|r| ("created_at", r))?,
    };
    Ok(Message {
        external_id: id.to_string(),
        author,
        internal: m.get("note").and_then(Value::as_bool).unwrap_or(false),
        body,
        created_at,
    })
}

pub(crate) fn reject(source: &str, location: String, field: &str, reason: String, raw: &str) -> Rejected {
    Rejected {
        stage: "ingest".into(),
        source: source.into(),
        location,
        field: field.into(),
        reason,
        raw: raw.into(),
    }
}

fn as_int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn str_field(m: &Map<String, Value>, key: &str) -> Option<String> {
    match m.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn date_field(m: &Map<String, Value>, key: &str) -> Result<String, String> {
    let raw = m.get(key).and_then(Value::as_str).ok_or_else(|| "missing date".to_string())?;
    parse_date(raw).ok_or_else(|| format!("`{raw}` is not a date like `Mon, 05 May 2014 00:15:17 +0300`"))
}

/// Parses Omnidesk's `Mon, 05 May 2014 00:15:17 +0300` (or RFC 3339) into RFC 3339.
pub fn parse_date(raw: &str) -> Option<String> {
    let raw = raw.trim();
    chrono::DateTime::parse_from_rfc2822(raw)
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(raw))
        .ok()
        .filter(|d| four_digit_year(d.naive_utc()))
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// chrono reads `+20025` and `-12025` as years; a ticket's date has four digits, or sorting and
/// every later reader of the RFC 3339 text break.
pub(crate) fn four_digit_year(d: chrono::NaiveDateTime) -> bool {
    (1000..=9999).contains(&chrono::Datelike::year(&d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_omnidesk_dates() {
        assert_eq!(parse_date("Mon, 05 May 2014 00:15:17 +0300").as_deref(), Some("2014-05-05T00:15:17+03:00"));
        assert_eq!(parse_date("2025-06-01T10:00:00+03:00").as_deref(), Some("2025-06-01T10:00:00+03:00"));
        assert_eq!(parse_date("вчера"), None);
        assert_eq!(parse_date("+20025-06-01T10:00:00+03:00"), None);
        assert_eq!(parse_date("-12025-06-01T10:00:00Z"), None);
    }
}
