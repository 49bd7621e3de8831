//! The Zendesk connector: `kbforge ingest zendesk`, and `format = "zendesk-api"` sources.
//!
//! Entry point: [`ingest_zendesk`]. Steps:
//! 1. start from the cursor kept in the store (`zendesk:cursor`), or, on a first run, from
//!    `[ingest.zendesk] start` with `GET /api/v2/incremental/tickets/cursor.json?start_time=…`;
//! 2. for each ticket of a page that is solved or closed, fetch its comments, public and private,
//!    with their authors (`GET /api/v2/tickets/{id}/comments.json?include=users`, following
//!    `next_page`), convert and store it; unsolved tickets are skipped and counted; a deleted ticket
//!    the store holds, or one whose comments answer 403/404 (deleted or merged since), is marked to
//!    forget ([`crate::forget`]) and the run goes on;
//! 3. after each page, keep its `after_cursor`, as given, as the new watermark; stop at
//!    `end_of_stream`.
//!
//! The incremental export is for admins only (an agent's token gets 403) and allows 10 requests a
//! minute, so it has its own throttled client; comments go through a second one
//! (`comment-requests-per-minute`, 150 by default: Zendesk's smallest plan allows 200 a minute for
//! the whole account, the export's 10 included). Both retry 429 and 5xx, honouring `Retry-After`,
//! and hold when `X-Rate-Limit-Remaining` reaches 0. A private comment is an internal note. A
//! comment's author is staff when the side-loaded user is an agent or an admin, the customer when
//! an end user (the requester, or someone CC'd: their words are never an answer). When an agent
//! opened the ticket for a customer (`submitter_id` is an agent), the first public comment is the
//! customer's request in the agent's words. Authentication is `<email>/token` with the API token
//! from `ZENDESK_API_TOKEN`.

use serde::Deserialize;
use serde_json::Value;

use crate::http::{ApiError, HttpClient};
use super::ticket::{detect_language, Author, Message, Ticket};
use super::{store_ticket, IngestCounts};
use crate::store::{forget, Rejected, Store};

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
    /// The e-mail of the admin the API token belongs to (the incremental export is for admins
    /// only); the token comes only from `ZENDESK_API_TOKEN`. Default: empty.
    pub email: String,
    /// Where the first run starts (RFC 3339). Default: `2010-01-01T00:00:00Z`.
    pub start: String,
    /// Tickets per export page (Zendesk allows up to 1000). Default: 1000.
    pub page_size: u32,
    /// The incremental export's limit. Default: 10.
    pub export_requests_per_minute: u32,
    /// Limit for the comments endpoint: the most this client sends, even when the account allows
    /// more (other integrations share the account's limit). Default: 150 (the smallest plan allows
    /// 200 a minute, the export's 10 included).
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
            comment_requests_per_minute: 150,
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
    /// Stored tickets now deleted or gone: marked to forget.
    pub forgotten: usize,
}

/// Fetches every ticket changed since the stored cursor into the store.
pub async fn ingest_zendesk(store: &Store, config: &ZendeskConfig, api_token: &str) -> anyhow::Result<ZendeskCounts> {
    if api_token.is_empty() {
        return Err(ApiError::MissingKey("ZENDESK_API_TOKEN").into());
    }
    let auth = (format!("{}/token", config.email), api_token.to_string());
    let export = HttpClient::new(config.base()?, auth.clone(), config.export_requests_per_minute, config.max_retries, config.backoff_ms)?.at_most(config.export_requests_per_minute);
    let comments = HttpClient::new(config.base()?, auth, config.comment_requests_per_minute, config.max_retries, config.backoff_ms)?.at_most(config.comment_requests_per_minute);
    let mut counts = IngestCounts::default();
    let mut pages = 0;
    let mut forgotten = 0;
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
            Err(e) if e.status() == Some(403) => {
                anyhow::bail!(
                    "{e}\nZendesk's incremental export is for admins only: set [ingest.zendesk] email to an admin's e-mail and ZENDESK_API_TOKEN to a token of that account"
                )
            }
            Err(e) => return Err(e.into()),
        };
        pages += 1;
        let tickets: Vec<Value> = page.get("tickets").and_then(Value::as_array).cloned().unwrap_or_default();
        let ids: Vec<String> = tickets.iter().filter_map(|t| t.get("id").and_then(as_i64)).map(|id| format!("{SOURCE}:{id}")).collect();
        let stored = forget::stored_updated_at(store, &ids).await?;
        for ticket in &tickets {
            counts.read += 1;
            let ticket_id = ticket.get("id").and_then(as_i64).map(|id| format!("{SOURCE}:{id}"));
            let held = ticket_id.as_ref().is_some_and(|id| stored.contains_key(id));
            match keep(ticket) {
                Err(reason) => {
                    tracing::debug!(reason, "ticket skipped");
                    counts.skipped += 1;
                    if reason == "deleted" && held {
                        forgotten += forget::mark(store, &[ticket_id.clone().unwrap_or_default()], forget::DELETED).await?;
                    }
                }
                Ok(id) => {
                    let thread = match fetch_comments(&comments, id).await {
                        Ok(t) => t,
                        Err(e) if e.is_gone() => {
                            tracing::warn!(ticket = id, "the ticket's comments are gone (deleted or merged since it was exported): {e}");
                            counts.skipped += 1;
                            if held {
                                forgotten += forget::mark(store, &[format!("{SOURCE}:{id}")], forget::GONE).await?;
                            }
                            continue;
                        }
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
    Ok(ZendeskCounts { counts, requests: export.requests() + comments.requests(), pages, forgotten })
}

/// The id of a ticket worth fetching, or why it is skipped.
fn keep(ticket: &Value) -> Result<i64, &'static str> {
    let id = ticket.get("id").and_then(as_i64).ok_or("no id")?;
    match ticket.get("status").and_then(Value::as_str) {
        Some("solved" | "closed") => Ok(id),
        Some("deleted") => Err("deleted"),
        _ => Err("not solved"),
    }
}

/// A ticket's comments with the users they name (side-loaded), every page.
#[derive(Debug, Default, Clone)]
pub struct Thread {
    pub comments: Vec<Value>,
    pub users: Vec<Value>,
}

/// Every comment of a ticket with its authors, following `next_page`.
async fn fetch_comments(client: &HttpClient, id: i64) -> Result<Thread, ApiError> {
    let mut out = Thread::default();
    let mut next = Some(format!("/api/v2/tickets/{id}/comments.json?include=users"));
    while let Some(url) = next.take() {
        let page = client.get_json(&url, &[]).await?;
        out.comments.extend(page.get("comments").and_then(Value::as_array).cloned().unwrap_or_default());
        out.users.extend(page.get("users").and_then(Value::as_array).cloned().unwrap_or_default());
        next = page.get("next_page").and_then(Value::as_str).filter(|n| !n.is_empty()).map(str::to_string);
    }
    Ok(out)
}

/// A number Zendesk may send as a number or a string of digits.
fn as_i64(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str()?.trim().parse().ok())
}

fn reject(source: &str, location: String, field: &str, reason: String, raw: &str) -> Rejected {
    Rejected { stage: "ingest".into(), source: source.into(), location, field: field.into(), reason, raw: raw.into() }
}

/// A Zendesk ticket and its comments as a [`Ticket`] (pure). Authors by their side-loaded role
/// (see the module's header).
pub fn convert(ticket: &Value, thread: &Thread) -> Result<Ticket, (&'static str, String)> {
    let id = ticket.get("id").and_then(as_i64).ok_or(("id", "missing or not a number".to_string()))?;
    let date = |v: Option<&Value>, field: &'static str| {
        let raw = v.and_then(Value::as_str).ok_or((field, "missing date".to_string()))?;
        super::omnidesk::parse_date(raw).ok_or((field, format!("`{raw}` is not an ISO 8601 date")))
    };
    let created_at = date(ticket.get("created_at"), "created_at")?;
    let updated_at = date(ticket.get("updated_at"), "updated_at").unwrap_or_else(|_| created_at.clone());
    let requester = ticket.get("requester_id").and_then(as_i64);
    let submitter = ticket.get("submitter_id").and_then(as_i64);
    let user = |uid: Option<i64>| thread.users.iter().find(|u| u.get("id").and_then(as_i64) == uid && uid.is_some());
    let role = |uid: Option<i64>| user(uid).and_then(|u| u.get("role")).and_then(Value::as_str).map(str::to_string);
    let is_staff = |uid: Option<i64>| match role(uid).as_deref() {
        Some("agent" | "admin") => true,
        Some(_) => false,
        // Not side-loaded: only the requester is known to be a customer.
        None => uid != requester,
    };
    // An agent opened the ticket for the customer: its first public comment is the request.
    let opened_for_customer = submitter.is_some() && submitter != requester && is_staff(submitter);
    let mut messages = Vec::new();
    let mut first_public = true;
    for (i, c) in thread.comments.iter().enumerate() {
        let body = c
            .get("plain_body")
            .or_else(|| c.get("body"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| c.get("html_body").and_then(Value::as_str).map(crate::clean::html_to_text))
            .ok_or(("comments.body", format!("comment {} has no body", i + 1)))?;
        let author_id = c.get("author_id").and_then(as_i64);
        let public = c.get("public").and_then(Value::as_bool).unwrap_or(true);
        let author = if public && first_public && opened_for_customer && author_id == submitter {
            Author::Customer
        } else if is_staff(author_id) {
            Author::Staff
        } else {
            Author::Customer
        };
        first_public &= !public;
        messages.push(Message {
            external_id: c.get("id").map(|v| v.to_string()).unwrap_or_else(|| (i + 1).to_string()),
            author,
            internal: !public,
            body,
            created_at: date(c.get("created_at"), "comments.created_at").unwrap_or_else(|_| created_at.clone()),
        });
    }
    if !messages.iter().any(|m| m.author == Author::Customer && !m.internal) {
        return Err(("comments", "no public comment by the customer".into()));
    }
    let subject = ticket.get("subject").and_then(Value::as_str).unwrap_or_default().to_string();
    let rating = match ticket.pointer("/satisfaction_rating/score").and_then(Value::as_str) {
        Some("good") => "high",
        Some("bad") => "low",
        _ => "",
    };
    let customer = match user(requester).and_then(|u| u.get("email")).and_then(Value::as_str).filter(|e| e.contains('@')) {
        Some(email) => super::ticket::customer_key(email),
        None => requester.map(|r| super::ticket::customer_key(&format!("zendesk-user:{r}"))).unwrap_or_default(),
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
        customer,
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
        let users = vec![json!({"id": 1, "role": "end-user", "email": "ann@example.com"}), json!({"id": 9, "role": "agent"})];
        let thread = Thread { comments: comments.clone(), users: users.clone() };
        let t = convert(&ticket, &thread).unwrap();
        assert_eq!(t.id, "zendesk:7");
        assert_eq!(t.rating, "high");
        assert_eq!(t.language, "en");
        assert_eq!(t.messages[0].author, Author::Customer);
        assert!(t.messages[1].internal);
        assert_eq!(t.messages[2].author, Author::Staff);
        assert_eq!(t.customer, crate::ingest::ticket::customer_key("ann@example.com"));
        assert!(convert(&ticket, &Thread { comments: comments[1..].to_vec(), users }).is_err());
        assert_eq!(keep(&json!({"id": 1, "status": "deleted"})), Err("deleted"));
        assert_eq!(keep(&json!({"id": 1, "status": "open"})), Err("not solved"));
    }
}
