//! CSV exports: one message per row, the columns named in the source's `columns` table.
//!
//! ```toml
//! sources = [{ format = "csv", path = "export.csv", encoding = "windows-1251",
//!              columns = { ticket-id = "Номер", body = "Текст", author = "Автор", created-at = "Дата" } }]
//! ```
//! Rows are grouped into tickets by `ticket-id`, in the order the file gives them. The delimiter
//! (`,`, `;` or tab) is detected from the header unless set. A row that cannot be read is
//! quarantined with its line number and column; the other rows of its ticket still count.
//!
//! A table of questions and answers, one pair a row, names its `question` and `answer` columns
//! instead: `columns = { question = "Вопрос", answer = "Ответ" }`. Each row is a ticket of the
//! customer's question and the staff's answer, its id the `ticket-id` column's (or an `id`
//! column's) where the file has one, else made of the file's name and a hash of the row's text; the date is optional there, as it is anywhere `created-at = ""` says the
//! file has none (messages then keep the file's order).

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use super::encoding::Encoding;
use super::ticket::{detect_language, Author, Message, Ticket};
use super::{IngestError, Record};
use crate::store::Rejected;

const SOURCE: &str = "csv";

/// `columns` of a CSV source: the header of each field. An empty name means the file has no such
/// column.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct CsvColumns {
    /// Default: `ticket_id`. Required.
    pub ticket_id: String,
    /// Default: `body`. Required.
    pub body: String,
    /// Default: `author`. Required.
    pub author: String,
    /// Default: `created_at`. Required for a file of messages unless set to `""` (no dates);
    /// optional for a table of questions and answers.
    pub created_at: String,
    /// Default: `subject`.
    pub subject: String,
    /// Default: `status`; without it every ticket counts as closed.
    pub status: String,
    /// Default: `internal`: `true`, `1`, `yes`, `да` mark an internal note.
    pub internal: String,
    /// Default: `tags`, separated by `,` or `;`.
    pub tags: String,
    /// Default: `rating`.
    pub rating: String,
    /// Default: `channel`.
    pub channel: String,
    /// The column of a question–answer table's questions; empty (the default) for a file of
    /// messages.
    pub question: String,
    /// The column of a question–answer table's answers (default `answer`, read only with
    /// `question`).
    pub answer: String,
    /// One character; empty detects `,`, `;` or tab from the header. Default: empty.
    pub delimiter: String,
    /// Values of the author column that mean the customer (case-insensitive); anything else is
    /// staff. Default: customer, client, user, end-user, requester, клиент, покупатель.
    pub customer_values: Vec<String>,
}

impl Default for CsvColumns {
    fn default() -> Self {
        CsvColumns {
            ticket_id: "ticket_id".into(),
            body: "body".into(),
            author: "author".into(),
            created_at: "created_at".into(),
            subject: "subject".into(),
            status: "status".into(),
            internal: "internal".into(),
            tags: "tags".into(),
            rating: "rating".into(),
            channel: "channel".into(),
            question: String::new(),
            answer: "answer".into(),
            delimiter: String::new(),
            customer_values: ["customer", "client", "user", "end-user", "requester", "клиент", "покупатель"].map(String::from).to_vec(),
        }
    }
}

/// A date as CSV exports write it: RFC 3339 / 2822, `2025-05-05 10:00[:00]` or `05.05.2025 10:00[:00]`
/// (times without an offset are taken as UTC).
pub fn parse_date(raw: &str) -> Option<String> {
    let raw = raw.trim();
    super::omnidesk::parse_date(raw).or_else(|| {
        ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%Y-%m-%d", "%d.%m.%Y"]
            .iter()
            .find_map(|f| {
                chrono::NaiveDateTime::parse_from_str(raw, f)
                    .ok()
                    .or_else(|| chrono::NaiveDate::parse_from_str(raw, f).ok().and_then(|d| d.and_hms_opt(0, 0, 0)))
            })
            .filter(|d| super::omnidesk::four_digit_year(*d))
            .map(|d| d.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    })
}

fn detect_delimiter(header: &str) -> u8 {
    [b';', b'\t', b',']
        .into_iter()
        .max_by_key(|&d| (header.bytes().filter(|&b| b == d).count(), d == b','))
        .unwrap_or(b',')
}

pub fn read_file(path: &Path, encoding: Encoding, columns: &CsvColumns) -> Result<Vec<Record>, IngestError> {
    let text = super::omnidesk::read_text(path, encoding)?;
    let text = text.trim_start_matches('\u{feff}');
    let display = path.display().to_string();
    let delimiter = match columns.delimiter.as_bytes() {
        [d] => *d,
        _ => detect_delimiter(text.lines().next().unwrap_or_default()),
    };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| IngestError::Parse { path: path.to_path_buf(), line: 1, detail: e.to_string() })?
        .clone();
    let index = |name: &str| (!name.is_empty()).then(|| headers.iter().position(|h| h.trim() == name)).flatten();
    let required = |key: &str, name: &str| {
        index(name).ok_or_else(|| IngestError::Parse {
            path: path.to_path_buf(),
            line: 1,
            detail: format!("no column `{name}` (columns.{key}); the header has: {}", headers.iter().collect::<Vec<_>>().join(", ")),
        })
    };
    // A file with a `question` column and no messages' `body` is a question–answer table even
    // when the source does not say so (`kbforge ingest faq.csv`, `eval desk faq.csv`).
    let question = match columns.question.as_str() {
        "" if columns.body == CsvColumns::default().body && index(&columns.body).is_none() && index("question").is_some() => "question",
        name => name,
    };
    if !question.is_empty() {
        // A missing answer column is said, not read as a table of unanswered questions (for
        // which `answer = ""`).
        let answer_col = match columns.answer.as_str() {
            "" => None,
            name => Some(required("answer", name)?),
        };
        let question_col = required("question", question)?;
        let at = PairColumns {
            file: path.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned()),
            question: question_col,
            question_name: question.to_string(),
            answer: answer_col,
            id: index(&columns.ticket_id).or_else(|| index("id")),
            date: index(&columns.created_at),
            ticket: TicketColumns::find(columns, index),
        };
        return Ok(read_pairs(&mut reader, text, &display, delimiter, &at, columns));
    }
    let (id_col, body_col, author_col) =
        (required("ticket-id", &columns.ticket_id)?, required("body", &columns.body)?, required("author", &columns.author)?);
    let date_col = match columns.created_at.as_str() {
        "" => None,
        name => Some(required("created-at", name)?),
    };
    let (at, internal_col) = (TicketColumns::find(columns, index), index(&columns.internal));
    let customers: Vec<String> = columns.customer_values.iter().map(|v| v.to_lowercase()).collect();
    let mut order: Vec<String> = Vec::new();
    let mut tickets: HashMap<String, Ticket> = HashMap::new();
    let mut records = Vec::new();
    each_row(&mut reader, text, &display, delimiter, &mut records, |line, row, raw, records| {
        let reject = |field: &str, reason: String, raw: String| rejected(&display, line, field, reason, raw);
        let get = |col: Option<usize>| col.and_then(|c| row.get(c)).map(str::trim).unwrap_or_default();
        let id = get(Some(id_col));
        if id.is_empty() {
            records.push(reject(&columns.ticket_id, "empty ticket id".into(), raw));
            return;
        }
        let body = get(Some(body_col));
        if body.is_empty() {
            records.push(reject(&columns.body, "empty message".into(), raw));
            return;
        }
        let created_at = match date_col {
            None => String::new(),
            Some(col) => match parse_date(get(Some(col))) {
                Some(date) => date,
                None => {
                    records.push(reject(&columns.created_at, format!("`{}` is not a date", get(Some(col))), raw));
                    return;
                }
            },
        };
        let author = if customers.contains(&get(Some(author_col)).to_lowercase()) { Author::Customer } else { Author::Staff };
        let internal = matches!(get(internal_col).to_lowercase().as_str(), "true" | "1" | "yes" | "да" | "y");
        let ticket = tickets.entry(id.to_string()).or_insert_with(|| {
            order.push(id.to_string());
            Ticket {
                id: format!("{SOURCE}:{id}"),
                source: SOURCE.into(),
                external_id: id.to_string(),
                subject: String::new(),
                status: "closed".into(),
                channel: String::new(),
                language: String::new(),
                labels: Vec::new(),
                rating: String::new(),
                created_at: created_at.clone(),
                updated_at: created_at.clone(),
                customer: String::new(),
                messages: Vec::new(),
            }
        });
        let set = |target: &mut String, value: &str| {
            if !value.is_empty() {
                *target = value.to_string();
            }
        };
        set(&mut ticket.subject, get(at.subject));
        set(&mut ticket.status, &get(at.status).to_lowercase());
        set(&mut ticket.rating, get(at.rating));
        set(&mut ticket.channel, get(at.channel));
        for tag in tags(get(at.tags)) {
            if !ticket.labels.iter().any(|l| l == tag) {
                ticket.labels.push(tag.to_string());
            }
        }
        ticket.updated_at = ticket.updated_at.clone().max(created_at.clone());
        ticket.messages.push(Message {
            external_id: (ticket.messages.len() + 1).to_string(),
            author,
            internal,
            body: body.to_string(),
            created_at,
        });
    });
    for id in order {
        let mut t = tickets.remove(&id).expect("grouped");
        if !resolved(&t.status) {
            records.push(Record::Skipped { reason: "not closed" });
            continue;
        }
        t.status = "closed".into();
        // A stable sort: undated messages keep the file's order.
        t.messages.sort_by(|a, b| a.created_at.cmp(&b.created_at));
        if !t.messages.iter().any(|m| m.author == Author::Customer && !m.internal) {
            records.push(Record::Rejected(Rejected {
                stage: "ingest".into(),
                source: display.clone(),
                location: format!("ticket {id}"),
                field: columns.author.clone(),
                reason: "no customer message".into(),
                raw: String::new(),
            }));
            continue;
        }
        t.language = detect_language(&format!("{} {}", t.subject, t.messages[0].body)).to_string();
        records.push(Record::Ticket(t));
    }
    Ok(records)
}

/// A status that means the ticket is resolved (no status column: every ticket is).
fn resolved(status: &str) -> bool {
    matches!(status, "closed" | "solved" | "resolved" | "закрыт" | "закрыто" | "решен" | "решён" | "решено")
}

/// A row quarantined with its file, line and column.
fn rejected(display: &str, line: usize, field: &str, reason: String, raw: String) -> Record {
    Record::Rejected(Rejected { stage: "ingest".into(), source: display.to_string(), location: format!("line {line}"), field: field.into(), reason, raw })
}

/// Hands `read` each row that parses, with its line number and its text as the file has it; a row
/// that does not parse is quarantined.
fn each_row(
    reader: &mut csv::Reader<&[u8]>,
    text: &str,
    display: &str,
    delimiter: u8,
    records: &mut Vec<Record>,
    mut read: impl FnMut(usize, &csv::StringRecord, String, &mut Vec<Record>),
) {
    // Line ends counted so far: up to which byte, and how many lines that made.
    let (mut counted, mut lines) = (0usize, 1usize);
    let bytes = text.as_bytes();
    for (i, row) in reader.records().enumerate() {
        // The line the row starts on, which a quoted cell running over several lines moves on. The
        // reader's position is where it stopped, before the line ends (a CRLF's `\n`, blank lines)
        // it skips on the way to the row; a lone `\r` ends a line too. Counted on from the last
        // row, so a file is read once.
        let mut line = |at: Option<&csv::Position>| {
            at.map_or(i + 2, |p| {
                let mut upto = (p.byte() as usize).min(bytes.len());
                while upto < bytes.len() && matches!(bytes[upto], b'\r' | b'\n') {
                    upto += 1;
                }
                for at in counted..upto {
                    if bytes[at] == b'\n' || (bytes[at] == b'\r' && bytes.get(at + 1) != Some(&b'\n')) {
                        lines += 1;
                    }
                }
                counted = counted.max(upto);
                lines
            })
        };
        match row {
            Ok(row) => {
                let raw = row.iter().collect::<Vec<_>>().join(&(delimiter as char).to_string());
                read(line(row.position()), &row, raw, records);
            }
            Err(e) => records.push(rejected(display, line(e.position()), "-", e.to_string(), String::new())),
        }
    }
}

/// Where a question–answer table's fields are: column indexes.
struct PairColumns {
    /// The file's name without its extension, for ids made from a row's text.
    file: String,
    question: usize,
    question_name: String,
    answer: Option<usize>,
    id: Option<usize>,
    date: Option<usize>,
    ticket: TicketColumns,
}

/// The columns that describe a ticket rather than a message, read alike in both kinds of file.
struct TicketColumns {
    subject: Option<usize>,
    status: Option<usize>,
    tags: Option<usize>,
    rating: Option<usize>,
    channel: Option<usize>,
}

impl TicketColumns {
    fn find(columns: &CsvColumns, index: impl Fn(&str) -> Option<usize>) -> Self {
        TicketColumns {
            subject: index(&columns.subject),
            status: index(&columns.status),
            tags: index(&columns.tags),
            rating: index(&columns.rating),
            channel: index(&columns.channel),
        }
    }
}

/// A tags cell's tags, separated by `,` or `;`.
fn tags(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([',', ';']).map(str::trim).filter(|t| !t.is_empty())
}

/// A question–answer table: each row is a ticket of the customer's question and, when the row has
/// one, the staff's answer. An empty question, or a date that is there but is none, quarantines
/// the row.
fn read_pairs(reader: &mut csv::Reader<&[u8]>, text: &str, display: &str, delimiter: u8, at: &PairColumns, columns: &CsvColumns) -> Vec<Record> {
    let mut records = Vec::new();
    let mut copies: HashMap<String, usize> = HashMap::new();
    each_row(reader, text, display, delimiter, &mut records, |line, row, raw, records| {
        let reject = |field: &str, reason: String, raw: String| rejected(display, line, field, reason, raw);
        let get = |col: Option<usize>| col.and_then(|c| row.get(c)).map(str::trim).unwrap_or_default();
        let question = get(Some(at.question));
        if question.is_empty() {
            records.push(reject(&at.question_name, "empty question".into(), raw));
            return;
        }
        // An empty status cell says nothing, as a file without the column.
        let status = get(at.ticket.status);
        if !status.is_empty() && !resolved(&status.to_lowercase()) {
            records.push(Record::Skipped { reason: "not closed" });
            return;
        }
        let created_at = match get(at.date) {
            "" => String::new(),
            date => match parse_date(date) {
                Some(date) => date,
                None => {
                    records.push(reject(&columns.created_at, format!("`{date}` is not a date"), raw));
                    return;
                }
            },
        };
        // Without an id column, the row's own text with the file's name: an id that keeps when rows
        // are added or moved, and differs between two files.
        // The same question with the same answer twice (a template) is two tickets: the second
        // copy is numbered.
        let id = match get(at.id) {
            "" => {
                let base = format!("{}-{}", at.file, &crate::hash::text_hash(&format!("{question}\u{1}{}", get(at.answer)))[..12]);
                let seen = copies.entry(base.clone()).or_insert(0);
                *seen += 1;
                if *seen == 1 { base } else { format!("{base}-{seen}") }
            }
            id => id.to_string(),
        };
        let message = |author, body: &str| Message { external_id: String::new(), author, internal: false, body: body.to_string(), created_at: created_at.clone() };
        let mut messages = vec![message(Author::Customer, question)];
        if !get(at.answer).is_empty() {
            messages.push(message(Author::Staff, get(at.answer)));
        }
        for (n, m) in messages.iter_mut().enumerate() {
            m.external_id = (n + 1).to_string();
        }
        records.push(Record::Ticket(Ticket {
            id: format!("{SOURCE}:{id}"),
            source: SOURCE.into(),
            external_id: id,
            subject: get(at.ticket.subject).to_string(),
            status: "closed".into(),
            channel: get(at.ticket.channel).to_string(),
            language: detect_language(&format!("{} {question}", get(at.ticket.subject))).to_string(),
            labels: tags(get(at.ticket.tags)).map(str::to_string).collect(),
            rating: get(at.ticket.rating).to_string(),
            created_at: created_at.clone(),
            updated_at: created_at.clone(),
            customer: String::new(),
            messages,
        }));
    });
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_of_spreadsheets() {
        assert_eq!(parse_date("2025-05-05 10:00").as_deref(), Some("2025-05-05T10:00:00Z"));
        assert_eq!(parse_date("05.05.2025 10:00:30").as_deref(), Some("2025-05-05T10:00:30Z"));
        assert_eq!(parse_date("2025-05-05T10:00:00+03:00").as_deref(), Some("2025-05-05T10:00:00+03:00"));
        assert_eq!(parse_date("вчера"), None);
    }

    fn table(csv: &str, columns: &str) -> Vec<Record> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("faq.csv");
        std::fs::write(&path, csv).unwrap();
        read_file(&path, Encoding::Auto, &toml::from_str(columns).unwrap()).unwrap()
    }

    #[test]
    fn a_table_of_questions_and_answers_is_a_ticket_a_row() {
        let records = table(
            "Вопрос;Ответ\nКак проверить баланс?;Введите код на странице баланса.\n;Ответ без вопроса\nСколько действует сертификат?;\n",
            "question = \"Вопрос\"\nanswer = \"Ответ\"",
        );
        let tickets: Vec<(String, usize, String)> = records
            .iter()
            .filter_map(|r| match r {
                Record::Ticket(t) => Some((t.id.clone(), t.messages.len(), t.created_at.clone())),
                _ => None,
            })
            .collect();
        // Ids from the row's text where the file has no id column; an unanswered question is a ticket.
        assert_eq!(tickets.iter().map(|t| (t.1, t.2.as_str())).collect::<Vec<_>>(), [(2, ""), (1, "")]);
        assert!(tickets.iter().all(|t| t.0.starts_with("csv:faq-") && t.0.len() == "csv:faq-".len() + 12), "{tickets:?}");
        // The ids keep when a row is added above.
        let again = table(
            "Вопрос;Ответ\nНовый вопрос?;Новый ответ.\nКак проверить баланс?;Введите код на странице баланса.\n",
            "question = \"Вопрос\"\nanswer = \"Ответ\"",
        );
        assert!(matches!(&again[1], Record::Ticket(t) if t.id == tickets[0].0), "{again:?}");
        let Some(Record::Rejected(r)) = records.iter().find(|r| matches!(r, Record::Rejected(_))) else { panic!("{records:?}") };
        assert_eq!((r.location.as_str(), r.field.as_str()), ("line 3", "Вопрос"));
        // Known by its `question` column; with an id and a date column, and a date that is no date
        // quarantines its row.
        let records = table("id,question,answer,created_at\n6,,An answer alone\n7,Where is my order?,It ships in 2 days.,2025-05-05\n8,Can I return it?,Yes.,yesterday\n", "\n");
        assert!(matches!(&records[0], Record::Rejected(r) if r.field == "question"), "{records:?}");
        let Record::Ticket(t) = &records[1] else { panic!("{records:?}") };
        assert_eq!((t.id.as_str(), t.created_at.as_str(), t.messages[1].author), ("csv:7", "2025-05-05T00:00:00Z", Author::Staff));
        assert!(matches!(&records[2], Record::Rejected(r) if r.field == "created_at"), "{records:?}");
    }

    #[test]
    fn a_question_answer_table_reads_its_other_columns_and_names_a_missing_answer_column() {
        let records = table("question,answer,status,tags\nWhere is my order?,On its way.,closed,delivery\nCan I pay later?,No.,open,\nCan I pay later?,No.,,\nCan I pay later?,No.,,\n", "");
        assert!(matches!(&records[0], Record::Ticket(t) if t.labels == ["delivery"]), "{records:?}");
        assert!(matches!(&records[1], Record::Skipped { .. }), "{records:?}");
        // An empty status is no status; the same row twice is two tickets.
        let ids: Vec<&str> = records[2..].iter().filter_map(|r| if let Record::Ticket(t) = r { Some(t.id.as_str()) } else { None }).collect();
        assert!(ids.len() == 2 && ids[1] == format!("{}-2", ids[0]), "{records:?}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("faq.csv");
        std::fs::write(&path, "Вопрос;Ответы\nГде заказ?;В пути.\n").unwrap();
        let columns = toml::from_str("question = \"Вопрос\"\nanswer = \"Ответ\"").unwrap();
        let err = read_file(&path, Encoding::Auto, &columns).unwrap_err().to_string();
        assert!(err.contains("no column `Ответ` (columns.answer)") && err.contains("Ответы"), "{err}");
        let columns = toml::from_str("question = \"Вопрос\"\nanswer = \"\"").unwrap();
        assert!(matches!(&read_file(&path, Encoding::Auto, &columns).unwrap()[0], Record::Ticket(t) if t.messages.len() == 1));
    }

    #[test]
    fn a_rejected_row_is_found_by_the_line_it_starts_on() {
        for eol in ["\n", "\r\n", "\r"] {
            let csv = format!("question,answer,created_at{eol}\"Где{eol}заказ?\",\"В пути,{eol}скоро будет.\",{eol}Можно вернуть?,Да.,вчера{eol}");
            let records = table(&csv, "");
            assert!(matches!(&records[1], Record::Rejected(r) if r.location == "line 5"), "{eol:?}: {records:?}");
            // Blank lines before a row are skipped by the reader and still counted.
            let csv = format!("question,answer,created_at{eol}Где заказ?,В пути.,{eol}{eol}{eol}Можно вернуть?,Да.,вчера{eol}");
            let records = table(&csv, "");
            assert!(matches!(&records[1], Record::Rejected(r) if r.location == "line 5"), "{eol:?}: {records:?}");
        }
    }

    #[test]
    fn a_file_of_messages_without_dates_keeps_their_order() {
        let records = table("ticket_id,author,body\n1,customer,Где мой заказ?\n1,staff,Заказ передан в доставку.\n", "created-at = \"\"");
        let Record::Ticket(t) = &records[0] else { panic!("{records:?}") };
        let thread: Vec<Author> = t.messages.iter().map(|m| m.author).collect();
        assert_eq!(thread, [Author::Customer, Author::Staff]);
    }

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("Номер;Текст;Автор;Дата"), b';');
        assert_eq!(detect_delimiter("id,body,author"), b',');
        assert_eq!(detect_delimiter("id\tbody\tauthor"), b'\t');
    }
}
