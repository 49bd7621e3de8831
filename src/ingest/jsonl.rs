//! Generic JSONL: one ticket per line.
//!
//! `{"id", "subject", "status", "created_at", "updated_at", "channel", "language", "tags", "rating",
//!   "customer", "messages": [{"author": "customer"|"staff"|"system", "internal", "body", "created_at"}]}`.
//! A desk exported as question–answer pairs gives `"question"` and `"answer"` instead of
//! `"messages"`: the ticket is the customer's question and the staff's answer.
//! `customer` (the customer's e-mail or id, optional) is kept only as a hash, for erasure.
//! `created_at` may be left out (a list of questions and answers often has no dates); one that is
//! given must be a date.
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
    /// Required; `ticket_id` is read where `id` is absent.
    #[serde(default)]
    id: Option<IdValue>,
    #[serde(default)]
    ticket_id: Option<serde_json::Value>,
    #[serde(default)]
    subject: String,
    #[serde(default = "closed")]
    status: String,
    /// Optional: a question–answer list often has no dates. A ticket without one (nor an
    /// `updated_at`) has no month in the report's trend; a date that is there must parse.
    #[serde(default)]
    created_at: Option<String>,
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
    /// The customer's e-mail or id; `customer_email` and `requester` are read where it is absent
    /// and they are text (Zendesk's `requester` object is not).
    #[serde(default)]
    customer: Option<serde_json::Value>,
    #[serde(default)]
    customer_email: Option<serde_json::Value>,
    #[serde(default)]
    requester: Option<serde_json::Value>,
    #[serde(default)]
    messages: Option<Vec<LineMessage>>,
    /// A question–answer export's customer question, in place of `messages`.
    #[serde(default)]
    question: Option<String>,
    /// …and the staff's answer to it (optional: an unanswered question is still a ticket).
    #[serde(default)]
    answer: Option<String>,
    /// Other exports' names, read where the canonical field is absent and the value is text:
    /// `query` for `question`, `response` or `reply` for `answer`.
    #[serde(default)]
    query: Option<serde_json::Value>,
    #[serde(default)]
    response: Option<serde_json::Value>,
    #[serde(default)]
    reply: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum IdValue {
    Text(String),
    Number(i64),
}

/// A message; `role` or `from`, `text` or `content`, and `is_internal` or `private` are read where
/// `author`, `body` and `internal` are absent and their value is text (a flag for `internal`), as
/// other exports name them; an object or a list there is ignored.
#[derive(Debug, Default, Deserialize)]
struct LineMessage {
    #[serde(default)]
    id: Option<IdValue>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    internal: Option<bool>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    role: Option<serde_json::Value>,
    #[serde(default)]
    from: Option<serde_json::Value>,
    #[serde(default)]
    text: Option<serde_json::Value>,
    #[serde(default)]
    content: Option<serde_json::Value>,
    #[serde(default)]
    is_internal: Option<serde_json::Value>,
    #[serde(default)]
    private: Option<serde_json::Value>,
}

/// The first of `values` that is text.
fn text_of<const N: usize>(values: [Option<serde_json::Value>; N]) -> Option<String> {
    values.into_iter().flatten().find_map(|v| v.as_str().map(str::to_string))
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
        Some(IdValue::Text(s)) => s,
        Some(IdValue::Number(n)) => n.to_string(),
        None => match l.ticket_id {
            Some(serde_json::Value::String(s)) => s,
            Some(serde_json::Value::Number(n)) => n.to_string(),
            _ => return Err(("id", "missing".into())),
        },
    };
    if id.trim().is_empty() {
        return Err(("id", "empty".into()));
    }
    let dated = |d: &Option<String>| d.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_string);
    let date = dated(&l.created_at).map(|d| ("created_at", d)).or_else(|| dated(&l.updated_at).map(|d| ("updated_at", d)));
    let created_at = match date {
        Some((field, date)) => super::omnidesk::parse_date(&date).ok_or((field, format!("`{date}` is not an RFC 3339 or RFC 2822 date")))?,
        None => String::new(),
    };
    let updated_at = l.updated_at.as_deref().and_then(super::omnidesk::parse_date).unwrap_or_else(|| created_at.clone());
    let question = l.question.or_else(|| text_of([l.query]));
    let answer = l.answer.or_else(|| text_of([l.response, l.reply]));
    let thread = match (l.messages, question) {
        (Some(_), Some(_)) => return Err(("question", "give either `messages` or `question` and `answer`, not both".into())),
        (Some(messages), None) => messages,
        (None, Some(question)) if question.trim().is_empty() => return Err(("question", "empty".into())),
        (None, Some(question)) => [("customer", question), ("staff", answer.unwrap_or_default())]
            .into_iter()
            .filter(|(_, body)| !body.trim().is_empty())
            .map(|(author, body)| LineMessage { author: Some(author.into()), body: Some(body), ..Default::default() })
            .collect(),
        (None, None) if answer.is_some() => return Err(("question", "an `answer` without a `question`".into())),
        (None, None) => return Err(("messages", "missing: give `messages`, or `question` and `answer`".into())),
    };
    let mut messages = Vec::new();
    for (i, m) in thread.into_iter().enumerate() {
        let Some(author) = m.author.or_else(|| text_of([m.role, m.from])) else {
            return Err(("messages.author", format!("missing in message {}", i + 1)));
        };
        let Some(body) = m.body.or_else(|| text_of([m.text, m.content])) else {
            return Err(("messages.body", format!("missing in message {}", i + 1)));
        };
        let internal = m.internal.or_else(|| [m.is_internal, m.private].into_iter().flatten().find_map(|v| v.as_bool())).unwrap_or(false);
        let author = match author.trim().to_lowercase().as_str() {
            "customer" | "user" | "end-user" | "end_user" | "client" | "requester" | "клиент" | "покупатель" => Author::Customer,
            "staff" | "agent" | "operator" | "support" | "admin" | "manager" | "оператор" | "сотрудник" | "поддержка" => Author::Staff,
            "system" | "bot" | "rule" | "automation" | "система" => Author::System,
            other => return Err(("messages.author", format!("unknown author `{other}` in message {}: give `customer`, `staff` or `system`", i + 1))),
        };
        let external_id = match m.id {
            Some(IdValue::Text(s)) => s,
            Some(IdValue::Number(n)) => n.to_string(),
            None => (i + 1).to_string(),
        };
        let created = m.created_at.as_deref().and_then(super::omnidesk::parse_date).unwrap_or_else(|| created_at.clone());
        messages.push(Message { external_id, author, internal, body, created_at: created });
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
        customer: text_of([l.customer, l.customer_email, l.requester])
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(super::ticket::customer_key)
            .unwrap_or_default(),
        messages,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Record {
        let mut out = None;
        parse_line("desk.jsonl", 3, line, &mut |r| {
            out = Some(r);
            true
        });
        out.unwrap()
    }

    #[test]
    fn a_question_answer_export_is_a_ticket_of_two_messages() {
        let Record::Ticket(t) = parse(r#"{"id": 7, "created_at": "2025-06-01T10:00:00+03:00", "question": "Как вернуть товар без чека?", "answer": "Подойдёт номер заказа или выписка из банка."}"#) else {
            panic!("not a ticket")
        };
        assert_eq!(t.id, "jsonl:7");
        let thread: Vec<(Author, &str)> = t.messages.iter().map(|m| (m.author, m.body.as_str())).collect();
        assert_eq!(thread, [(Author::Customer, "Как вернуть товар без чека?"), (Author::Staff, "Подойдёт номер заказа или выписка из банка.")]);
        assert_eq!(t.language, "ru");
        // An unanswered question is still a ticket, with the customer's message alone.
        let Record::Ticket(t) = parse(r#"{"id": "8", "created_at": "2025-06-01T10:00:00Z", "question": "Where is my order?", "answer": ""}"#) else {
            panic!("not a ticket")
        };
        assert_eq!(t.messages.len(), 1);
        // A list of questions and answers without dates is read; the ticket is undated.
        let Record::Ticket(t) = parse(r#"{"id": 9, "question": "Можно ли вернуть сертификат?", "answer": "Да, в течение 14 дней."}"#) else {
            panic!("not a ticket")
        };
        assert_eq!((t.created_at.as_str(), t.messages.len()), ("", 2));
    }

    #[test]
    fn other_exports_field_names_and_roles_are_read() {
        let Record::Ticket(t) = parse(
            r#"{"ticket_id": "c-1", "messages": [{"role": "Client", "text": "Где мой заказ?"}, {"from": "оператор", "content": "Заказ у курьера.", "is_internal": false}, {"role": "agent", "text": "проверил в CRM", "private": true}]}"#,
        ) else {
            panic!("not a ticket")
        };
        let thread: Vec<(Author, bool, &str)> = t.messages.iter().map(|m| (m.author, m.internal, m.body.as_str())).collect();
        assert_eq!(t.id, "jsonl:c-1");
        assert_eq!(thread, [(Author::Customer, false, "Где мой заказ?"), (Author::Staff, false, "Заказ у курьера."), (Author::Staff, true, "проверил в CRM")]);
        let Record::Ticket(t) = parse(r#"{"id": 2, "query": "How long is the card valid?", "response": "Three years."}"#) else {
            panic!("not a ticket")
        };
        assert_eq!(t.messages.len(), 2);
        // Where both names are there the canonical one counts, and a value of another shape under
        // another name (Front's `from` object, a chat's list of content parts) is no error.
        let Record::Ticket(t) = parse(
            r#"{"id": 3, "ticket_id": 99, "updated_at": "2025-06-01T10:00:00Z", "messages": [{"author": "customer", "from": {"name": "Анна"}, "body": "Где заказ?", "text": "Где заказ?", "content": [{"type": "text"}]}]}"#,
        ) else {
            panic!("not a ticket")
        };
        assert_eq!((t.id.as_str(), t.messages[0].body.as_str(), t.created_at.as_str()), ("jsonl:3", "Где заказ?", "2025-06-01T10:00:00Z"));
        let field = |line: &str| match parse(line) {
            Record::Rejected(r) => r.field,
            _ => panic!("accepted: {line}"),
        };
        assert_eq!(field(r#"{"id": 4, "messages": [{"from": {"name": "Анна"}, "body": "?"}]}"#), "messages.author");
        assert_eq!(field(r#"{"id": 5, "messages": [{"author": "customer", "content": [{"type": "text"}]}]}"#), "messages.body");
        assert_eq!(field(r#"{"question": "Q?"}"#), "id");
        assert_eq!(field(r#"{"id": 6, "updated_at": "вчера", "question": "Q?"}"#), "updated_at");
        // A customer under another name is kept (as a hash); an object there is no error.
        let Record::Ticket(t) = parse(r#"{"id": 7, "customer_email": "a@b.ru", "requester": {"id": 5}, "question": "Q?"}"#) else { panic!("not a ticket") };
        assert!(!t.customer.is_empty());
        // An author no one would guess is still named.
        assert!(matches!(parse(r#"{"id": 1, "messages": [{"author": "robot", "body": "?"}]}"#), Record::Rejected(r) if r.field == "messages.author"));
    }

    #[test]
    fn a_line_with_both_shapes_or_neither_is_quarantined_by_its_field() {
        let field = |line: &str| match parse(line) {
            Record::Rejected(r) => (r.field, r.location),
            _ => panic!("accepted: {line}"),
        };
        let date = r#""id": 1, "created_at": "2025-06-01T10:00:00Z""#;
        assert_eq!(field(&format!(r#"{{{date}, "question": "Q?", "messages": [{{"author": "customer", "body": "Q?"}}]}}"#)), ("question".into(), "line 3".into()));
        assert_eq!(field(&format!(r#"{{{date}, "answer": "A."}}"#)).0, "question");
        assert_eq!(field(&format!(r#"{{{date}, "question": " ", "answer": "A."}}"#)).0, "question");
        assert_eq!(field(&format!("{{{date}}}")).0, "messages");
        // A date that is there must be one.
        assert_eq!(field(r#"{"id": 2, "created_at": "вчера", "question": "Q?", "answer": "A."}"#), ("created_at".into(), "line 3".into()));
    }

    #[test]
    fn names_the_missing_field() {
        assert_eq!(field_of("missing field `messages` at line 1 column 80"), "messages");
        assert_eq!(field_of("expected value at line 1 column 1"), "-");
    }
}
