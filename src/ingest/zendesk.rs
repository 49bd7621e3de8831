//! The Zendesk connector: `kbforge ingest zendesk`, and `format = "zendesk-api"` sources.
//!
//! Entry point: [`ingest_zendesk`]. Steps:
//! 1. start from the cursor kept in the store (`zendesk:cursor`), or, on a first run, from
//!    `[ingest.zendesk] start` with `GET /api/v2/incremental/tickets/cursor.json?start_time=…`;
//! 2. for each ticket of a page that is solved or closed, fetch its comments, public and private
//!    (`GET /api/v2/tickets/{id}/comments.json`, following `next_page`), convert and store it;
//!    deleted and unsolved tickets are skipped and counted;
//! 3. after each page, keep its `after_cursor` as the new watermark; stop at `end_of_stream`.
//!
//! The incremental export allows 10 requests a minute, so it has its own throttled client; comments
//! go through a second one (`comment-requests-per-minute`). Both retry 429 and 5xx, honouring
//! `Retry-After`. A private comment is an internal note. A comment's author is the customer when it
//! is the ticket's requester, staff otherwise. Authentication is `<email>/token` with the API token
//! from `ZENDESK_API_TOKEN`.

use serde::Deserialize;
use serde_json::Value;

use super::http::{ApiError, HttpClient};
use super::ticket::{detect_language, Author, Message, Ticket};
use super::{store_ticket, IngestCounts};
use crate::store::{Rejected, Store};

const CURSOR_KEY: &str = "zendesk:cursor";
const SOURCE: &str = "zendesk";

/// `[ingest.zendesk]`
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ZendeskConfig {
    /// `https://<subdomain>.zendesk.com`. Default: empty.
    pub subdomain: String,
    /// A full base URL instead of the subdomain (a proxy, a test server). Default: empty.
    pub base_url: String,
    /// The agent e-mail the API token belongs to; the token comes only from `ZENDESK_API_TOKEN`.
    /// Default: empty.
    pub email: String,
    /// Where the first run starts (RFC 3339). Default: `2010-01-01T00:00:00Z`.
    pub start: String,
    /// Tickets per export page (Zendesk allows up to 1000). Default: 1000.
    pub page_size: u32,
    /// The incremental export's limit. Default: 10.
    pub export_requests_per_minute: u32,
    /// Limit for the comments endpoint. Default: 300.
    pub comment_requests_per_minute: u32,
    /// Retries of one request on 429 and 5xx. Default: 6.
    pub max_retries: u32,
    /// First backoff in milliseconds, doubled on each retry; `Retry-After` wins. Default: 2000.
    pub backoff_ms: u64,
}

impl Default for ZendeskConfig {
    fn default() -> Self {
        ZendeskConfig {
            subdomain: String::new(),
            base_url: String::new(),
            email: String::new(),
            start: "2010-01-01T00:00:00Z".into(),
            page_size: 1000,
            export_requests_per_minute: 10,
            comment_requests_per_minute: 300,
            max_retries: 6,
            backoff_ms: 2000,
        }
    }
}

impl ZendeskConfig {
    pub fn base(&self) -> Result<String, ApiError> {
        if !self.base_url.is_empty() {
            return Ok(self.base_url.trim_end_matches('/').to_string());
        }
        if self.subdomain.is_empty() {
            return Err(ApiError::Config("[ingest.zendesk] needs `subdomain` (or `base-url`)".into()));
        }
        Ok(format!("https://{}.zendesk.com", self.subdomain))
    }
}

/// What one Zendesk ingest did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ZendeskCounts {
    pub counts: IngestCounts,
    pub requests: u64,
    pub pages: usize,
}

/// Fetches every ticket changed since the stored cursor into the store.
pub async fn ingest_zendesk(store: &Store, config: &ZendeskConfig, api_token: &str) -> anyhow::Result<ZendeskCounts> {
    if api_token.is_empty() {
        return Err(ApiError::MissingKey("ZENDESK_API_TOKEN").into());
    }
    let auth = (format!("{}/token", config.email), api_token.to_string());
    let per_hour = |per_minute: u32| per_minute.saturating_mul(60);
    let export = HttpClient::new(config.base()?, auth.clone(), per_hour(config.export_requests_per_minute), config.max_retries, config.backoff_ms)?;
    let comments = HttpClient::new(config.base()?, auth, per_hour(config.comment_requests_per_minute), config.max_retries, config.backoff_ms)?;
    let mut counts = IngestCounts::default();
    let mut pages = 0;
    let mut cursor = store.state_get(CURSOR_KEY).await?.filter(|c| !c.is_empty());
    loop {
        let mut query = vec![("per_page", config.page_size.to_string())];
        match &cursor {
            Some(c) => query.push(("cursor", c.clone())),
            None => {
                let start = chrono::DateTime::parse_from_rfc3339(&config.start)
                    .map_err(|e| anyhow::anyhow!("[ingest.zendesk] start = \"{}\": {e}", config.start))?;
                query.push(("start_time", start.timestamp().to_string()));
            }
        }
        let page = match export.get_json("/api/v2/incremental/tickets/cursor.json", &query).await {
            Ok(p) => p,
            Err(ApiError::Malformed { url, detail, body }) => {
                // The next cursor is inside the broken page: the run cannot go on past it.
                store.quarantine(&reject(&url, "export page".into(), "-", format!("not valid JSON: {detail}"), &body)).await?;
                anyhow::bail!("GET {url}: the export page is not valid JSON; it is quarantined and the next run starts here again");
            }
            Err(e) => return Err(e.into()),
        };
        pages += 1;
        for ticket in page.get("tickets").and_then(Value::as_array).into_iter().flatten() {
            counts.read += 1;
            match keep(ticket) {
                Err(reason) => {
                    tracing::debug!(reason, "ticket skipped");
                    counts.skipped += 1;
                }
                Ok(id) => {
                    let thread = match fetch_comments(&comments, id).await {
                        Ok(t) => t,
                        Err(ApiError::Malformed { url, detail, body }) => {
                            store.quarantine(&reject(&url, format!("ticket {id}"), "-", format!("not valid JSON: {detail}"), &body)).await?;
                            counts.quarantined += 1;
                            continue;
                        }
                        Err(e) => return Err(e.into()),
                    };
                    match convert(ticket, &thread) {
                        Ok(t) => {
                            if store_ticket(store, &t).await? {
                                counts.stored += 1;
                            } else {
                                counts.unchanged += 1;
                            }
                        }
                        Err((field, reason)) => {
                            store.quarantine(&reject("zendesk API /api/v2/incremental/tickets/cursor.json", format!("ticket {id}"), field, reason, &ticket.to_string())).await?;
                            counts.quarantined += 1;
                        }
                    }
                }
            }
        }
        if let Some(next) = page.get("after_cursor").and_then(Value::as_str).filter(|c| !c.is_empty()) {
            cursor = Some(next.to_string());
            store.state_set(CURSOR_KEY, next).await?;
        }
        if page.get("end_of_stream").and_then(Value::as_bool).unwrap_or(true) {
            break;
        }
    }
    Ok(ZendeskCounts { counts, requests: export.requests() + comments.requests(), pages })
}

/// The id of a ticket worth fetching, or why it is skipped.
fn keep(ticket: &Value) -> Result<i64, &'static str> {
    let id = ticket.get("id").and_then(Value::as_i64).ok_or("no id")?;
    match ticket.get("status").and_then(Value::as_str) {
        Some("solved" | "closed") => Ok(id),
        Some("deleted") => Err("deleted"),
        _ => Err("not solved"),
    }
}

/// Every comment of a ticket, following `next_page`.
async fn fetch_comments(client: &HttpClient, id: i64) -> Result<Vec<Value>, ApiError> {
    let mut out = Vec::new();
    let mut next = Some(format!("/api/v2/tickets/{id}/comments.json"));
    while let Some(url) = next.take() {
        let page = client.get_json(&url, &[]).await?;
        out.extend(page.get("comments").and_then(Value::as_array).cloned().unwrap_or_default());
        next = page.get("next_page").and_then(Value::as_str).map(str::to_string);
    }
    Ok(out)
}

fn reject(source: &str, location: String, field: &str, reason: String, raw: &str) -> Rejected {
    Rejected { stage: "ingest".into(), source: source.into(), location, field: field.into(), reason, raw: raw.into() }
}

/// A Zendesk ticket and its comments as a [`Ticket`] (pure).
pub fn convert(ticket: &Value, comments: &[Value]) -> Result<Ticket, (&'static str, String)> {
    let id = ticket.get("id").and_then(Value::as_i64).ok_or(("id", "missing or not a number".to_string()))?;
    let date = |v: Option<&Value>, field: &'static str| {
        let raw = v.and_then(Value::as_str).ok_or((field, "missing date".to_string()))?;
        super::omnidesk::parse_date(raw).ok_or((field, format!("`{raw}` is not an ISO 8601 date")))
    };
    let created_at = date(ticket.get("created_at"), "created_at")?;
    let updated_at = date(ticket.get("updated_at"), "updated_at").unwrap_or_else(|_| created_at.clone());
    let requester = ticket.get("requester_id").and_then(Value::as_i64);
    let mut messages = Vec::new();
    for (i, c) in comments.iter().enumerate() {
        let body = c
            .get("plain_body")
            .or_else(|| c.get("body"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| c.get("html_body").and_then(Value::as_str).map(crate::clean::html_to_text))
            .ok_or(("comments.body", format!("comment {} has no body", i + 1)))?;
        let author = if c.get("author_id").and_then(Value::as_i64) == requester { Author::Customer } else { Author::Staff };
        messages.push(Message {
            external_id: c.get("id").map(|v| v.to_string()).unwrap_or_else(|| (i + 1).to_string()),
            author,
            internal: !c.get("public").and_then(Value::as_bool).unwrap_or(true),
            body,
            created_at: date(c.get("created_at"), "comments.created_at").unwrap_or_else(|_| created_at.clone()),
        });
    }
    if !messages.iter().any(|m| m.author == Author::Customer && !m.internal) {
        return Err(("comments", "no public comment by the requester".into()));
    }
    let subject = ticket.get("subject").and_then(Value::as_str).unwrap_or_default().to_string();
    let rating = match ticket.pointer("/satisfaction_rating/score").and_then(Value::as_str) {
        Some("good") => "high",
        Some("bad") => "low",
        _ => "",
    };
    Ok(Ticket {
        id: format!("{SOURCE}:{id}"),
        source: SOURCE.into(),
        external_id: id.to_string(),
        language: detect_language(&format!("{subject} {}", messages[0].body)).to_string(),
        subject,
        status: "closed".into(),
        channel: ticket.pointer("/via/channel").and_then(Value::as_str).unwrap_or_default().to_string(),
        labels: ticket.get("tags").and_then(Value::as_array).map(|t| t.iter().filter_map(|x| x.as_str().map(str::to_string)).collect()).unwrap_or_default(),
        rating: rating.into(),
        created_at,
        updated_at,
        messages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn private_comments_are_notes_and_the_requester_is_the_customer() {
        let ticket = json!({"id": 7, "subject": "Gift card", "status": "solved", "requester_id": 1, "created_at": "2025-05-05T10:00:00Z",
            "updated_at": "2025-05-05T11:00:00Z", "tags": ["balance"], "satisfaction_rating": {"score": "good"}, "via": {"channel": "email"}});
        let comments = vec![
            json!({"id": 1, "author_id": 1, "public": true, "plain_body": "How do I check the balance?", "created_at": "2025-05-05T10:00:00Z"}),
            json!({"id": 2, "author_id": 9, "public": false, "plain_body": "internal: VIP", "created_at": "2025-05-05T10:10:00Z"}),
            json!({"id": 3, "author_id": 9, "public": true, "plain_body": "On the certificate page.", "created_at": "2025-05-05T10:20:00Z"}),
        ];
        let t = convert(&ticket, &comments).unwrap();
        assert_eq!(t.id, "zendesk:7");
        assert_eq!(t.rating, "high");
        assert_eq!(t.language, "en");
        assert_eq!(t.messages[0].author, Author::Customer);
        assert!(t.messages[1].internal);
        assert_eq!(t.messages[2].author, Author::Staff);
        assert!(convert(&ticket, &comments[1..]).is_err());
        assert_eq!(keep(&json!({"id": 1, "status": "deleted"})), Err("deleted"));
        assert_eq!(keep(&json!({"id": 1, "status": "open"})), Err("not solved"));
    }
}
