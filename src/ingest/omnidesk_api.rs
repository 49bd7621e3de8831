//! The Omnidesk API connector: `kbforge ingest omnidesk`, and `format = "omnidesk-api"` sources.
//!
//! Entry point: [`ingest_api`]. Steps:
//! 1. read the watermark (the `updated_at` up to which every case is already in the store) from the
//!    store's state; a first run starts at `[ingest.omnidesk] start`;
//! 2. walk from the watermark to now in windows of `window-days`; for each window and status, fetch
//!    `GET /api/cases.json?page=…&limit=100&status=…&from_updated_time=…&to_updated_time=…`. One query
//!    reaches at most 500 pages of 100 cases, so a window whose `total_count` is over 50,000 is split
//!    in halves until each part fits;
//! 3. for each case kept (closed, not deleted, not spam) fetch `GET /api/cases/{id}/messages.json`,
//!    convert it with the export reader's own code ([`super::omnidesk::read_case`]) and store it;
//! 4. after a window is complete, move the watermark to its end. An interrupted run resumes at the
//!    last complete window; cases it fetches twice are unchanged in the store and counted as such.
//!
//! Requests are throttled on the client side to `requests-per-hour` (Omnidesk allows 500 an hour per
//! active staff member) and retried with exponential backoff on 429 and 5xx, honouring `Retry-After`.
//! A page or a thread that is not valid JSON is quarantined and the run goes on. Authentication is
//! HTTP Basic with the staff e-mail and the API key from `OMNIDESK_API_KEY`.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::omnidesk::{self, entries};
use super::http::{ApiError, HttpClient};
use super::{store_ticket, IngestCounts, Record};
use crate::store::{Rejected, Store};

/// Cases per page: the API's maximum.
pub const PAGE_LIMIT: u64 = 100;
/// Pages one query can reach.
pub const MAX_PAGES: u64 = 500;
const WATERMARK_KEY: &str = "omnidesk:watermark";

/// `[ingest.omnidesk]`
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct OmnideskConfig {
    /// The account's subdomain: `https://<subdomain>.omnidesk.ru`. Default: empty.
    pub subdomain: String,
    /// A full base URL instead of the subdomain (a proxy, a test server). Default: empty.
    pub base_url: String,
    /// The staff e-mail the API key belongs to. The key itself comes only from `OMNIDESK_API_KEY`.
    /// Default: empty.
    pub staff_email: String,
    /// Case statuses to fetch. Default: `["closed"]`.
    pub statuses: Vec<String>,
    /// Client-side limit: Omnidesk allows 500 requests an hour per active staff member. Default: 500.
    pub requests_per_hour: u32,
    /// Days per fetch window; the watermark advances window by window. Default: 7.
    pub window_days: u32,
    /// Where the first run starts (RFC 3339). Default: `2010-01-01T00:00:00Z`.
    pub start: String,
    /// Retries of one request on 429 and 5xx. Default: 6.
    pub max_retries: u32,
    /// First backoff in milliseconds, doubled on each retry; `Retry-After` wins. Default: 2000.
    pub backoff_ms: u64,
}

impl Default for OmnideskConfig {
    fn default() -> Self {
        OmnideskConfig {
            subdomain: String::new(),
            base_url: String::new(),
            staff_email: String::new(),
            statuses: vec!["closed".into()],
            requests_per_hour: 500,
            window_days: 7,
            start: "2010-01-01T00:00:00Z".into(),
            max_retries: 6,
            backoff_ms: 2000,
        }
    }
}

impl OmnideskConfig {
    pub fn base(&self) -> Result<String, ApiError> {
        if !self.base_url.is_empty() {
            return Ok(self.base_url.trim_end_matches('/').to_string());
        }
        if self.subdomain.is_empty() {
            return Err(ApiError::Config("[ingest.omnidesk] needs `subdomain` (or `base-url`)".into()));
        }
        Ok(format!("https://{}.omnidesk.ru", self.subdomain))
    }
}


/// An HTTP client for one Omnidesk account, throttled and retrying.
pub struct OmnideskClient {
    http: HttpClient,
}

impl OmnideskClient {
    pub fn new(config: &OmnideskConfig, api_key: &str) -> Result<OmnideskClient, ApiError> {
        if api_key.is_empty() {
            return Err(ApiError::MissingKey("OMNIDESK_API_KEY"));
        }
        let http = HttpClient::new(
            config.base()?,
            (config.staff_email.clone(), api_key.to_string()),
            config.requests_per_hour,
            config.max_retries,
            config.backoff_ms,
        )?;
        Ok(OmnideskClient { http })
    }

    pub fn requests(&self) -> u64 {
        self.http.requests()
    }

    async fn get_json(&self, path: &str, query: &[(&str, String)]) -> Result<Value, ApiError> {
        self.http.get_json(path, query).await
    }

    /// One page of `cases.json`.
    pub async fn cases_page(&self, page: u64, status: &str, window: (i64, i64)) -> Result<Value, ApiError> {
        self.get_json(
            "/api/cases.json",
            &[
                ("page", page.to_string()),
                ("limit", PAGE_LIMIT.to_string()),
                ("status", status.to_string()),
                ("from_updated_time", window.0.to_string()),
                ("to_updated_time", window.1.to_string()),
            ],
        )
        .await
    }

    /// Every message of a case, all pages merged into one `messages.json`-shaped object.
    pub async fn messages(&self, case_id: i64) -> Result<Value, ApiError> {
        let path = format!("/api/cases/{case_id}/messages.json");
        let mut merged = serde_json::Map::new();
        let mut page = 1;
        loop {
            let value = self.get_json(&path, &[("page", page.to_string()), ("limit", PAGE_LIMIT.to_string())]).await?;
            let total = value.get("total_count").and_then(Value::as_u64).unwrap_or(0);
            if let Some(object) = value.as_object() {
                for (_, entry) in entries(object) {
                    merged.insert(merged.len().to_string(), entry.clone());
                }
            }
            if page * PAGE_LIMIT >= total || page >= MAX_PAGES {
                merged.insert("total_count".into(), Value::from(total));
                return Ok(Value::Object(merged));
            }
            page += 1;
        }
    }

    /// Label titles by id; an account without labels, or without access to them, has none.
    pub async fn labels(&self) -> HashMap<i64, String> {
        match self.get_json("/api/labels.json", &[("limit", PAGE_LIMIT.to_string())]).await {
            Ok(v) => omnidesk::labels_from_value(&v),
            Err(e) => {
                tracing::warn!("labels not fetched, cases keep label ids: {e}");
                HashMap::new()
            }
        }
    }
}

/// Fetch windows from `from` to `to` (unix seconds), `window` seconds each.
pub fn plan_windows(from: i64, to: i64, window: i64) -> Vec<(i64, i64)> {
    let window = window.max(1);
    let mut out = Vec::new();
    let mut start = from;
    while start < to {
        let end = (start + window).min(to);
        out.push((start, end));
        start = end;
    }
    out
}

/// Halves of a window whose cases do not fit one query, or `None` when it cannot be split further.
pub fn split_window(window: (i64, i64)) -> Option<[(i64, i64); 2]> {
    let (from, to) = window;
    (to - from >= 2).then(|| {
        let mid = from + (to - from) / 2;
        [(from, mid), (mid, to)]
    })
}

/// What one API ingest did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ApiCounts {
    pub counts: IngestCounts,
    pub requests: u64,
    pub windows: usize,
}

/// The watermark in the store, if any (unix seconds).
pub async fn watermark(store: &Store) -> anyhow::Result<Option<i64>> {
    Ok(store.state_get(WATERMARK_KEY).await?.and_then(|v| v.parse().ok()))
}

/// Fetches every case updated since the watermark up to `now` (unix seconds) into the store.
pub async fn ingest_api(store: &Store, config: &OmnideskConfig, api_key: &str, now: i64) -> anyhow::Result<ApiCounts> {
    let client = OmnideskClient::new(config, api_key)?;
    let start = match watermark(store).await? {
        Some(w) => w,
        None => chrono::DateTime::parse_from_rfc3339(&config.start)
            .map_err(|e| anyhow::anyhow!("[ingest.omnidesk] start = \"{}\": {e}", config.start))?
            .timestamp(),
    };
    let labels = client.labels().await;
    let mut counts = IngestCounts::default();
    let windows = plan_windows(start, now, i64::from(config.window_days.max(1)) * 86_400);
    for &window in &windows {
        for status in &config.statuses {
            fetch_window(store, &client, &labels, status, window, &mut counts).await?;
        }
        store.state_set(WATERMARK_KEY, &window.1.to_string()).await?;
    }
    Ok(ApiCounts { counts, requests: client.requests(), windows: windows.len() })
}

/// One window: all its pages, split in halves while it holds more than one query can reach.
async fn fetch_window(
    store: &Store,
    client: &OmnideskClient,
    labels: &HashMap<i64, String>,
    status: &str,
    window: (i64, i64),
    counts: &mut IngestCounts,
) -> anyhow::Result<()> {
    let mut pending = vec![window];
    while let Some(window) = pending.pop() {
        let first = match client.cases_page(1, status, window).await {
            Ok(v) => v,
            Err(ApiError::Malformed { url, detail, body }) => {
                quarantine_page(store, &url, 1, &detail, &body, counts).await?;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let total = first.get("total_count").and_then(Value::as_u64).unwrap_or(0);
        if total > PAGE_LIMIT * MAX_PAGES {
            match split_window(window) {
                Some(halves) => {
                    tracing::info!(total, from = window.0, to = window.1, "window over 50,000 cases, splitting");
                    pending.extend(halves.into_iter().rev());
                    continue;
                }
                None => anyhow::bail!("more than {} cases updated within one second: cannot page through them", PAGE_LIMIT * MAX_PAGES),
            }
        }
        let pages = total.div_ceil(PAGE_LIMIT).max(1);
        let mut page_value = Some(first);
        for page in 1..=pages {
            let value = match page_value.take() {
                Some(v) => v,
                None => match client.cases_page(page, status, window).await {
                    Ok(v) => v,
                    Err(ApiError::Malformed { url, detail, body }) => {
                        quarantine_page(store, &url, page, &detail, &body, counts).await?;
                        continue;
                    }
                    Err(e) => return Err(e.into()),
                },
            };
            store_page(store, client, labels, &value, page, counts).await?;
        }
    }
    Ok(())
}

async fn quarantine_page(store: &Store, url: &str, page: u64, detail: &str, body: &str, counts: &mut IngestCounts) -> anyhow::Result<()> {
    tracing::warn!(url, page, "cases page is not valid JSON: quarantined");
    counts.read += 1;
    counts.quarantined += 1;
    store
        .quarantine(&Rejected {
            stage: "ingest".into(),
            source: url.to_string(),
            location: format!("page {page}"),
            field: "-".into(),
            reason: format!("not valid JSON: {detail}"),
            raw: body.to_string(),
        })
        .await?;
    Ok(())
}

async fn store_page(
    store: &Store,
    client: &OmnideskClient,
    labels: &HashMap<i64, String>,
    value: &Value,
    page: u64,
    counts: &mut IngestCounts,
) -> anyhow::Result<()> {
    let Some(object) = value.as_object() else { return Ok(()) };
    let source = "omnidesk API /api/cases.json";
    for (key, entry) in entries(object) {
        counts.read += 1;
        let location = format!("page {page} entry \"{key}\"");
        let case = match entry.get("case").and_then(Value::as_object) {
            Some(c) => c,
            None => {
                let r = omnidesk::reject(source, location, "case", "missing `case` object".into(), &entry.to_string());
                store.quarantine(&r).await?;
                counts.quarantined += 1;
                continue;
            }
        };
        // Fetch the thread only for cases that are kept: it costs a request.
        let fetched = match (omnidesk::skip_reason(case), omnidesk::case_id(case)) {
            (None, Some(id)) => Some(client.messages(id).await.map(|v| (format!("omnidesk API /api/cases/{id}/messages.json"), v))),
            _ => None,
        };
        let fetched = match fetched {
            Some(Err(ApiError::Malformed { url, detail, body })) => {
                Some(Err(omnidesk::reject(&url, format!("case {}", omnidesk::case_id(case).unwrap_or(0)), "-", format!("not valid JSON: {detail}"), &body)))
            }
            Some(Err(e)) => return Err(e.into()),
            Some(Ok(v)) => Some(Ok(v)),
            None => None,
        };
        let record = omnidesk::read_case(source, &location, case, labels, |_| {
            fetched.unwrap_or_else(|| Err(omnidesk::reject(source, "-".into(), "-", "unreachable: skipped case".into(), "")))
        });
        match record {
            Record::Skipped { .. } => counts.skipped += 1,
            Record::Rejected(r) => super::set_aside(store, &r, counts).await?,
            Record::Ticket(t) => {
                if store_ticket(store, &t).await? {
                    counts.stored += 1;
                } else {
                    counts.unchanged += 1;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_cover_the_range_once() {
        assert_eq!(plan_windows(0, 10, 4), vec![(0, 4), (4, 8), (8, 10)]);
        assert_eq!(plan_windows(5, 5, 4), vec![]);
        assert_eq!(split_window((0, 10)), Some([(0, 5), (5, 10)]));
        assert_eq!(split_window((0, 1)), None);
    }

    #[test]
    fn base_url_from_subdomain() {
        let c = OmnideskConfig { subdomain: "podarokplus".into(), ..OmnideskConfig::default() };
        assert_eq!(c.base().unwrap(), "https://podarokplus.omnidesk.ru");
        let c = OmnideskConfig { base_url: "http://127.0.0.1:9/".into(), ..OmnideskConfig::default() };
        assert_eq!(c.base().unwrap(), "http://127.0.0.1:9");
        assert!(OmnideskConfig::default().base().is_err());
    }
}
