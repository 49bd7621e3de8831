//! The Omnidesk API connector: `kbforge ingest omnidesk`, and `format = "omnidesk-api"` sources.
//!
//! Entry point: [`ingest_api`]. Steps:
//! 1. read the watermark (the `updated_at` up to which every case is already in the store) from the
//!    store's state; a first run starts at `[ingest.omnidesk] start`;
//! 2. walk from the watermark to the run's start in windows that adapt to the desk: the first asks
//!    for the whole span; one that holds more than a query can reach (`total_count` over 500 pages of
//!    100) is halved and asked again; after one that held under half the reach the next is twice as
//!    long (so it is expected to fit), else as long. An empty history costs a request, not one per
//!    week since 2010;
//! 3. list each window's cases first, page by page in a fixed order (`sort=created_at_asc`: a case
//!    updated during the read leaves the window, but no case moves within it). Every page carries
//!    `total_count`; if it changed while the window was read, cases shifted between pages, so the
//!    window is listed again and the two lists are joined (the case that moved out was updated after
//!    the run started and is read by the next run);
//! 4. for each listed case: a deleted or spam case the store holds is forgotten ([`crate::store::forget`]);
//!    a closed case whose `updated_at` the store already has is unchanged without a request; any
//!    other closed case gets its thread (`GET /api/cases/{id}/messages.json`, every page), converted
//!    by the export reader's own code ([`super::omnidesk::read_case`]). A thread answered 403, 404 or
//!    410 (the case was deleted or merged after it was listed) is counted as gone, and forgotten if
//!    stored; the run goes on;
//! 5. after a window is complete, move the watermark to its end, never past a case not read.
//!
//! Time parameters are Unix seconds (`from_updated_time`/`to_updated_time` are typed "string/int":
//! a date string or a timestamp; client libraries send both). Whether the API counts the edges in or
//! out is not documented, so every window is asked from one second before its start: consecutive
//! windows overlap by a second, and a case updated exactly on an edge is listed whatever the API
//! does with edges (twice at most; the second time it is unchanged and costs nothing).
//!
//! Requests are paced by the account's own limit once a response announces it
//! (`rate_limit_per_minute`, `api_calls_left`, `retry_after`: Omnidesk's per-minute limits since
//! 12.06.2024), by `requests-per-minute` until then; 429 (and the older 403 "rate limit exceeded")
//! and 5xx are retried ([`super::http`]). A page or a thread that is not valid JSON is quarantined and
//! the run goes on. Authentication is HTTP Basic with the staff e-mail and the API key from
//! `OMNIDESK_API_KEY`.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::http::{ApiError, HttpClient};
use super::omnidesk::{self, entries};
use super::{store_ticket, IngestCounts, Record};
use crate::store::{forget, Rejected, Store};

/// Cases per page: the API's maximum.
pub const PAGE_LIMIT: u64 = 100;
/// Pages one query can reach.
pub const MAX_PAGES: u64 = 500;
/// Cases one query can reach.
pub const REACH: u64 = PAGE_LIMIT * MAX_PAGES;
const WATERMARK_KEY: &str = "omnidesk:watermark";
/// How often a window whose `total_count` moved during the read is listed again.
const RELISTS: usize = 3;

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
    /// Requests a minute until a response announces the account's limit (`rate_limit_per_minute`),
    /// which then sets the pace. Omnidesk allows 5 a minute per active agent and no fewer than 20.
    /// Default: 20.
    pub requests_per_minute: u32,
    /// Where the first run starts (RFC 3339). Default: `2010-01-01T00:00:00Z`.
    pub start: String,
    /// Retries of one request on 429 and 5xx. Default: 6.
    pub max_retries: u32,
    /// First backoff in milliseconds, doubled on each retry; `retry_after` wins. Default: 2000.
    pub backoff_ms: u64,
}

impl Default for OmnideskConfig {
    fn default() -> Self {
        OmnideskConfig {
            subdomain: String::new(),
            base_url: String::new(),
            staff_email: String::new(),
            statuses: vec!["closed".into()],
            requests_per_minute: 20,
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
            config.requests_per_minute,
            config.max_retries,
            config.backoff_ms,
        )?;
        Ok(OmnideskClient { http })
    }

    pub fn requests(&self) -> u64 {
        self.http.requests()
    }

    /// The per-minute limit the account announced, if a response did.
    pub fn announced_limit(&self) -> Option<u32> {
        self.http.announced_limit()
    }

    async fn get_json(&self, path: &str, query: &[(&str, String)]) -> Result<Value, ApiError> {
        self.http.get_json(path, query).await
    }

    /// One page of `cases.json`, oldest created first.
    pub async fn cases_page(&self, page: u64, status: &str, window: (i64, i64)) -> Result<Value, ApiError> {
        self.get_json(
            "/api/cases.json",
            &[
                ("page", page.to_string()),
                ("limit", PAGE_LIMIT.to_string()),
                ("status", status.to_string()),
                ("sort", "created_at_asc".to_string()),
                // One second early: see the module's note on edges.
                ("from_updated_time", (window.0 - 1).to_string()),
                ("to_updated_time", window.1.to_string()),
            ],
        )
        .await
    }

    /// Every entry of a paged list (`labels.json`, a case's `messages.json`), merged into one
    /// object of that shape. Stops at `total_count`, at an empty page, or at the last page a query
    /// can reach.
    pub async fn all_pages(&self, path: &str) -> Result<Value, ApiError> {
        let mut merged = Map::new();
        let mut page = 1;
        loop {
            let value = self.get_json(path, &[("page", page.to_string()), ("limit", PAGE_LIMIT.to_string())]).await?;
            let total = omnidesk::total_count(&value).unwrap_or(0);
            let mut got = 0;
            if let Some(object) = value.as_object() {
                for (_, entry) in entries(object) {
                    merged.insert(merged.len().to_string(), entry.clone());
                    got += 1;
                }
            }
            if got == 0 || page * PAGE_LIMIT >= total || page >= MAX_PAGES {
                merged.insert("total_count".into(), Value::from(total.max(merged.len() as u64)));
                return Ok(Value::Object(merged));
            }
            page += 1;
        }
    }

    /// Every message of a case.
    pub async fn messages(&self, case_id: i64) -> Result<Value, ApiError> {
        self.all_pages(&format!("/api/cases/{case_id}/messages.json")).await
    }

    /// Label titles by id, every page; an account without labels, or without access to them, has
    /// none.
    pub async fn labels(&self) -> HashMap<i64, String> {
        match self.all_pages("/api/labels.json").await {
            Ok(v) => omnidesk::labels_from_value(&v),
            Err(e) => {
                tracing::warn!("labels not fetched, cases keep label ids: {e}");
                HashMap::new()
            }
        }
    }

    /// The ids of the users with this e-mail (`users.json?user_email=^email^`, an exact match).
    pub async fn user_ids(&self, email: &str) -> Result<Vec<i64>, ApiError> {
        let value = self.get_json("/api/users.json", &[("user_email", format!("^{email}^")), ("limit", PAGE_LIMIT.to_string())]).await?;
        let mut ids = Vec::new();
        if let Some(object) = value.as_object() {
            for (_, entry) in entries(object) {
                let user = entry.get("user").unwrap_or(entry);
                let same = user.get("user_email").and_then(Value::as_str).is_some_and(|e| e.trim().eq_ignore_ascii_case(email.trim()));
                if let (true, Some(id)) = (same, user.get("user_id").and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))) {
                    ids.push(id);
                }
            }
        }
        Ok(ids)
    }
}

/// Where the next window ends, after one of `span` seconds held `total` cases: twice as long when
/// it held under half of what a query can reach, as long otherwise.
pub fn next_span(span: i64, total: u64) -> i64 {
    if total < REACH / 2 {
        span.saturating_mul(2)
    } else {
        span
    }
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
    /// Every request sent, retries included.
    pub requests: u64,
    /// Windows read to the end (a halved window counts once, when read).
    pub windows: usize,
    /// Listing requests (`cases.json` pages), thread requests (`messages.json` pages and
    /// `labels.json` included in `requests` only).
    pub list_requests: u64,
    /// Cases whose thread was not fetched because the store has them as they are.
    pub unchanged_without_request: usize,
    /// Stored cases now deleted, marked spam or gone from the API: marked to forget (the pipeline
    /// forgets them right after ingest, [`crate::forget`]).
    pub forgotten: usize,
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
    let mut out = ApiCounts::default();
    let mut from = start;
    let mut span = (now - start).max(1);
    while from < now {
        let to = from.saturating_add(span).min(now);
        let mut listed: BTreeMap<i64, Map<String, Value>> = BTreeMap::new();
        let mut largest = 0;
        let mut too_many = false;
        for status in &config.statuses {
            match list_window(store, &client, status, (from, to), &mut out).await? {
                Listed::Cases { cases, total } => {
                    largest = largest.max(total);
                    listed.extend(cases);
                }
                Listed::TooMany(total) => {
                    tracing::info!(total, from, to, "window over {REACH} cases, halving");
                    too_many = true;
                    break;
                }
            }
        }
        if too_many {
            match split_window((from, to)) {
                Some([first, _]) => {
                    span = first.1 - first.0;
                    continue;
                }
                None => anyhow::bail!("more than {REACH} cases updated within one second: cannot page through them"),
            }
        }
        read_cases(store, &client, &labels, listed, &mut out).await?;
        store.state_set(WATERMARK_KEY, &to.to_string()).await?;
        out.windows += 1;
        span = next_span(to - from, largest);
        from = to;
    }
    out.requests = client.requests();
    Ok(out)
}

/// The cases of one window and status, or that there are too many for one query.
enum Listed {
    Cases { cases: BTreeMap<i64, Map<String, Value>>, total: u64 },
    TooMany(u64),
}

/// Lists a window's cases, page by page, again while its `total_count` moves during the read (see
/// the module's step 3). Pages that are not JSON are quarantined.
async fn list_window(store: &Store, client: &OmnideskClient, status: &str, window: (i64, i64), out: &mut ApiCounts) -> anyhow::Result<Listed> {
    let mut cases: BTreeMap<i64, Map<String, Value>> = BTreeMap::new();
    let mut total = 0;
    for attempt in 0..RELISTS {
        let mut first_total: Option<u64> = None;
        let mut moved = false;
        let mut page = 1;
        loop {
            out.list_requests += 1;
            let value = match client.cases_page(page, status, window).await {
                Ok(v) => v,
                Err(ApiError::Malformed { url, detail, body }) => {
                    quarantine_page(store, &url, page, &detail, &body, &mut out.counts).await?;
                    if first_total.is_none() {
                        // Without a first page the window's size is unknown: nothing more to ask.
                        break;
                    }
                    page += 1;
                    if page > first_total.unwrap_or(0).div_ceil(PAGE_LIMIT) {
                        break;
                    }
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            let page_total = omnidesk::total_count(&value).unwrap_or(0);
            match first_total {
                None => {
                    if page_total > REACH {
                        return Ok(Listed::TooMany(page_total));
                    }
                    first_total = Some(page_total);
                }
                Some(t) if t != page_total => moved = true,
                Some(_) => {}
            }
            let mut got = 0;
            if let Some(object) = value.as_object() {
                for (key, entry) in entries(object) {
                    got += 1;
                    match entry.get("case").and_then(Value::as_object) {
                        Some(case) => match omnidesk::case_id(case) {
                            Some(id) => {
                                cases.insert(id, case.clone());
                            }
                            None => reject_entry(store, page, key, entry, "case_id", "missing or not a number", out).await?,
                        },
                        None => reject_entry(store, page, key, entry, "case", "missing `case` object", out).await?,
                    }
                }
            }
            let pages = first_total.unwrap_or(0).div_ceil(PAGE_LIMIT);
            if got == 0 || page >= pages || page >= MAX_PAGES {
                break;
            }
            page += 1;
        }
        total = first_total.unwrap_or(0);
        if !moved {
            break;
        }
        tracing::info!(from = window.0, to = window.1, attempt, "cases changed while the window was listed: listing it again");
    }
    Ok(Listed::Cases { cases, total })
}

async fn reject_entry(store: &Store, page: u64, key: &str, entry: &Value, field: &str, reason: &str, out: &mut ApiCounts) -> anyhow::Result<()> {
    out.counts.read += 1;
    out.counts.quarantined += 1;
    let r = omnidesk::reject("omnidesk API /api/cases.json", format!("page {page} entry \"{key}\""), field, reason.into(), &entry.to_string());
    store.quarantine(&r).await?;
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

/// Reads the listed cases of a window into the store (the module's step 4).
async fn read_cases(
    store: &Store,
    client: &OmnideskClient,
    labels: &HashMap<i64, String>,
    cases: BTreeMap<i64, Map<String, Value>>,
    out: &mut ApiCounts,
) -> anyhow::Result<()> {
    let ids: Vec<String> = cases.keys().map(|id| format!("omnidesk:{id}")).collect();
    let stored = forget::stored_updated_at(store, &ids).await?;
    let source = "omnidesk API /api/cases.json";
    let mut gone: Vec<(String, &'static str)> = Vec::new();
    for (id, case) in &cases {
        out.counts.read += 1;
        let ticket_id = format!("omnidesk:{id}");
        let known = stored.get(&ticket_id);
        match omnidesk::skip_reason(case) {
            Some(reason @ ("deleted" | "spam")) => {
                out.counts.skipped += 1;
                if known.is_some() {
                    tracing::info!(case = id, reason, "a stored case is now {reason}: forgetting it");
                    gone.push((ticket_id, if reason == "spam" { forget::SPAM } else { forget::DELETED }));
                }
                continue;
            }
            Some(_) => {
                out.counts.skipped += 1;
                continue;
            }
            None => {}
        }
        let updated = omnidesk::updated_at(case);
        if known.is_some_and(|k| Some(k) == updated.as_ref()) {
            out.counts.unchanged += 1;
            out.unchanged_without_request += 1;
            continue;
        }
        let fetched = match client.messages(*id).await {
            Ok(v) => Ok((format!("omnidesk API /api/cases/{id}/messages.json"), v)),
            Err(e) if e.is_gone() => {
                tracing::warn!(case = id, "the case's thread is gone (deleted or merged since it was listed): {e}");
                out.counts.skipped += 1;
                if known.is_some() {
                    gone.push((ticket_id, forget::GONE));
                }
                continue;
            }
            Err(ApiError::Malformed { url, detail, body }) => Err(omnidesk::reject(&url, format!("case {id}"), "-", format!("not valid JSON: {detail}"), &body)),
            Err(e) => return Err(e.into()),
        };
        let record = omnidesk::read_case(source, &format!("case {id}"), case, labels, |_| fetched);
        match record {
            Record::Skipped { .. } => out.counts.skipped += 1,
            Record::Rejected(r) => super::set_aside(store, &r, &mut out.counts).await?,
            Record::Ticket(t) => {
                if store_ticket(store, &t).await? {
                    out.counts.stored += 1;
                } else {
                    out.counts.unchanged += 1;
                }
            }
        }
    }
    for (id, reason) in gone {
        out.forgotten += forget::mark(store, &[id], reason).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_halve_and_grow() {
        assert_eq!(split_window((0, 10)), Some([(0, 5), (5, 10)]));
        assert_eq!(split_window((0, 1)), None);
        assert_eq!(next_span(86_400, 0), 2 * 86_400);
        assert_eq!(next_span(86_400, REACH / 2 - 1), 2 * 86_400);
        assert_eq!(next_span(86_400, REACH / 2), 86_400);
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
