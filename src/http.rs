//! The HTTP client every helpdesk connector shares: Basic auth, a rate limit the API's own headers
//! steer, and retries with exponential backoff on rate-limited and server errors.
//!
//! Pacing: requests are spread evenly over the minute at the configured rate until a response
//! says the account's real limit (Omnidesk's `rate_limit_per_minute`, Zendesk's `X-Rate-Limit`);
//! from then on that limit sets the pace, capped by [`HttpClient::at_most`] where other clients
//! share the account's limit. When a response says no calls are left (`api_calls_left`
//! or `X-Rate-Limit-Remaining` at 0), the next request waits for `retry_after` / `Retry-After`, or
//! a minute. A rate-limited answer (429, or a 403 whose body says the limit was exceeded, as older
//! Omnidesk accounts answer) and 5xx answers are retried after the wait they ask for, else with
//! exponential backoff.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::Mutex;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    Config(String),
    #[error("{0} is not set: the API key comes only from the environment")]
    MissingKey(&'static str),
    #[error("GET {url}: HTTP {status} after {attempts} attempts: {body}")]
    Http { url: String, status: u16, attempts: u32, body: String },
    #[error("GET {url}: {detail}")]
    Network { url: String, detail: String },
    #[error("GET {url}: the response is not valid JSON: {detail}")]
    Malformed { url: String, detail: String, body: String },
}

impl ApiError {
    /// The HTTP status of a refused request, if it was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// A record that is gone or out of reach (deleted or merged between listing and fetching):
    /// 404, 403 or 410. The run counts it and goes on.
    pub fn is_gone(&self) -> bool {
        matches!(self.status(), Some(403 | 404 | 410))
    }
}

/// What the API's headers said of the account's limit.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RateHeaders {
    /// Requests a minute the account may send.
    pub per_minute: Option<u32>,
    /// Requests left in the current interval.
    pub left: Option<u32>,
    /// Seconds to wait before the next request.
    pub retry_after: Option<Duration>,
}

impl RateHeaders {
    /// Reads Omnidesk's (`rate_limit_per_minute`, `api_calls_left`, `retry_after`) and the common
    /// (`X-Rate-Limit`, `X-Rate-Limit-Remaining`, `Retry-After`) names; values that are not
    /// numbers are ignored.
    pub fn read(headers: &reqwest::header::HeaderMap) -> RateHeaders {
        let number = |names: &[&str]| {
            names.iter().find_map(|n| headers.get(*n)).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<f64>().ok()).filter(|v| v.is_finite() && *v >= 0.0)
        };
        RateHeaders {
            per_minute: number(&["rate_limit_per_minute", "x-rate-limit"]).map(|v| v as u32).filter(|&v| v > 0),
            left: number(&["api_calls_left", "x-rate-limit-remaining"]).map(|v| v as u32),
            retry_after: number(&["retry_after", "retry-after"]).map(|s| Duration::from_secs_f64(s.min(3600.0))),
        }
    }
}

/// The pacing state shared by all requests of one client.
#[derive(Debug)]
struct Pace {
    interval: Duration,
    last: Option<Instant>,
    /// No request before this instant (the API said no calls are left).
    hold_until: Option<Instant>,
}

/// A throttled, retrying JSON client for one API base URL.
pub struct HttpClient {
    http: reqwest::Client,
    base: String,
    auth: (String, String),
    pace: Mutex<Pace>,
    max_retries: u32,
    backoff: Duration,
    requests: AtomicU64,
    /// The limit the API last announced (0 = none yet).
    announced: AtomicU64,
    /// The most requests a minute this client sends, whatever the API announces.
    ceiling: Option<u32>,
}

impl HttpClient {
    /// `auth` is the Basic user and password; `per_minute` the rate used until the API's headers
    /// announce its own.
    pub fn new(base: String, auth: (String, String), per_minute: u32, max_retries: u32, backoff_ms: u64) -> Result<HttpClient, ApiError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("kbforge/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| ApiError::Config(e.to_string()))?;
        Ok(HttpClient {
            http,
            base: base.trim_end_matches('/').to_string(),
            auth,
            pace: Mutex::new(Pace { interval: interval(per_minute), last: None, hold_until: None }),
            max_retries,
            backoff: Duration::from_millis(backoff_ms),
            requests: AtomicU64::new(0),
            announced: AtomicU64::new(0),
            ceiling: None,
        })
    }

    /// Never more than `per_minute`, even when the API announces a higher limit: for an account
    /// whose limit other clients share.
    pub fn at_most(mut self, per_minute: u32) -> HttpClient {
        self.ceiling = Some(per_minute.max(1));
        self
    }

    /// Requests sent so far, retries included.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The per-minute limit the API announced, if it did.
    pub fn announced_limit(&self) -> Option<u32> {
        Some(self.announced.load(Ordering::Relaxed) as u32).filter(|&l| l > 0)
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Waits until the next request is allowed.
    async fn throttle(&self) {
        let mut pace = self.pace.lock().await;
        let now = Instant::now();
        let mut next = pace.last.map_or(now, |at| at + pace.interval);
        if let Some(hold) = pace.hold_until.take() {
            next = next.max(hold);
        }
        if next > now {
            tokio::time::sleep(next - now).await;
        }
        pace.last = Some(Instant::now());
    }

    /// Takes in what a response's headers say: the pace from the announced limit, a hold when no
    /// calls are left.
    async fn observe(&self, rate: RateHeaders) {
        let mut pace = self.pace.lock().await;
        if let Some(limit) = rate.per_minute {
            self.announced.store(u64::from(limit), Ordering::Relaxed);
            pace.interval = interval(self.ceiling.map_or(limit, |c| c.min(limit)));
        }
        if rate.left == Some(0) {
            let wait = rate.retry_after.unwrap_or(Duration::from_secs(60));
            pace.hold_until = Some(Instant::now() + wait);
        }
    }

    /// GET `path` (relative to the base, or a full URL the API handed out) as JSON, retrying
    /// rate-limited and server errors.
    pub async fn get_json(&self, path: &str, query: &[(&str, String)]) -> Result<Value, ApiError> {
        let url = if path.starts_with("http://") || path.starts_with("https://") { path.to_string() } else { format!("{}{}", self.base, path) };
        let shown = if query.is_empty() {
            url.clone()
        } else {
            format!("{url}?{}", query.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"))
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.throttle().await;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let sent = self.http.get(&url).query(query).basic_auth(&self.auth.0, Some(&self.auth.1)).send().await;
            let (retry_after, failure) = match sent {
                Ok(resp) => {
                    let rate = RateHeaders::read(resp.headers());
                    self.observe(rate).await;
                    let status = resp.status();
                    if status.is_success() {
                        let body = resp.text().await.map_err(|e| ApiError::Network { url: shown.clone(), detail: e.to_string() })?;
                        return serde_json::from_str(&body).map_err(|e| ApiError::Malformed {
                            url: shown.clone(),
                            detail: e.to_string(),
                            body: body.chars().take(2000).collect(),
                        });
                    }
                    let body: String = resp.text().await.unwrap_or_default().chars().take(500).collect();
                    let limited = rate_limited(status, &body);
                    let error = ApiError::Http { url: shown.clone(), status: status.as_u16(), attempts: attempt, body };
                    if !limited && !status.is_server_error() {
                        return Err(error);
                    }
                    (rate.retry_after.filter(|_| limited), error)
                }
                Err(e) => (None, ApiError::Network { url: shown.clone(), detail: e.to_string() }),
            };
            if attempt > self.max_retries {
                return Err(failure);
            }
            let wait = retry_after.unwrap_or(self.backoff * 2u32.saturating_pow(attempt - 1));
            tracing::warn!(url = %shown, attempt, wait_ms = wait.as_millis() as u64, "request failed, retrying: {failure}");
            tokio::time::sleep(wait).await;
        }
    }
}

/// The wait an answer asks for in its `Retry-After` (or Omnidesk's `retry_after`) header, if any.
pub fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    RateHeaders::read(response.headers()).retry_after
}

/// Whether an error status is worth another try: too many requests (429) or a server error.
pub fn transient(status: reqwest::StatusCode) -> bool {
    status.as_u16() == 429 || status.is_server_error()
}

/// The pause between requests that spreads `per_minute` of them over a minute.
fn interval(per_minute: u32) -> Duration {
    Duration::from_secs_f64(60.0 / f64::from(per_minute.max(1)))
}

/// Whether an answer says the rate limit was hit: 429 (Omnidesk and Zendesk today), or a 403
/// whose body says so (Omnidesk's older answer, which clients still handle).
pub fn rate_limited(status: reqwest::StatusCode, body: &str) -> bool {
    let body = body.to_lowercase();
    status.as_u16() == 429 || (status.as_u16() == 403 && (body.contains("rate limit") || body.contains("limit exceeded") || body.contains("too many")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    #[test]
    fn reads_omnidesk_and_common_rate_headers() {
        let mut h = HeaderMap::new();
        h.insert("rate_limit_per_minute", HeaderValue::from_static("150"));
        h.insert("api_calls_left", HeaderValue::from_static("0"));
        h.insert("retry_after", HeaderValue::from_static("17"));
        assert_eq!(RateHeaders::read(&h), RateHeaders { per_minute: Some(150), left: Some(0), retry_after: Some(Duration::from_secs(17)) });
        let mut z = HeaderMap::new();
        z.insert("x-rate-limit", HeaderValue::from_static("700"));
        z.insert("x-rate-limit-remaining", HeaderValue::from_static("699"));
        z.insert("retry-after", HeaderValue::from_static("not a number"));
        assert_eq!(RateHeaders::read(&z), RateHeaders { per_minute: Some(700), left: Some(699), retry_after: None });
        assert_eq!(RateHeaders::read(&HeaderMap::new()), RateHeaders::default());
    }

    #[test]
    fn which_answers_are_rate_limits() {
        use reqwest::StatusCode;
        assert!(rate_limited(StatusCode::TOO_MANY_REQUESTS, ""));
        assert!(rate_limited(StatusCode::FORBIDDEN, r#"{"error":"Rate limit exceeded"}"#));
        assert!(!rate_limited(StatusCode::FORBIDDEN, r#"{"error":"access denied"}"#));
        assert!(!rate_limited(StatusCode::NOT_FOUND, ""));
    }
}
