//! The HTTP client every helpdesk connector shares: Basic auth, a client-side rate limit, and
//! retries with exponential backoff on 429 and 5xx that honour `Retry-After`.

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

/// A throttled, retrying JSON client for one API base URL.
pub struct HttpClient {
    http: reqwest::Client,
    base: String,
    auth: (String, String),
    min_interval: Duration,
    last_request: Mutex<Option<Instant>>,
    max_retries: u32,
    backoff: Duration,
    requests: AtomicU64,
}

impl HttpClient {
    /// `auth` is the Basic user and password; `per_hour` the client-side request limit.
    pub fn new(base: String, auth: (String, String), per_hour: u32, max_retries: u32, backoff_ms: u64) -> Result<HttpClient, ApiError> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("kbforge/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| ApiError::Config(e.to_string()))?;
        Ok(HttpClient {
            http,
            base: base.trim_end_matches('/').to_string(),
            auth,
            min_interval: Duration::from_secs_f64(3600.0 / f64::from(per_hour.max(1))),
            last_request: Mutex::new(None),
            max_retries,
            backoff: Duration::from_millis(backoff_ms),
            requests: AtomicU64::new(0),
        })
    }

    /// Requests sent so far, retries included.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Waits until the next request is allowed by the client-side rate limit.
    async fn throttle(&self) {
        let mut last = self.last_request.lock().await;
        if let Some(at) = *last {
            let next = at + self.min_interval;
            let now = Instant::now();
            if next > now {
                tokio::time::sleep(next - now).await;
            }
        }
        *last = Some(Instant::now());
    }

    /// GET `path` (relative to the base, or a full URL the API handed out) as JSON, retrying 429
    /// and 5xx.
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
                Ok(resp) if resp.status().is_success() => {
                    let body = resp.text().await.map_err(|e| ApiError::Network { url: shown.clone(), detail: e.to_string() })?;
                    return serde_json::from_str(&body).map_err(|e| ApiError::Malformed {
                        url: shown.clone(),
                        detail: e.to_string(),
                        body: body.chars().take(2000).collect(),
                    });
                }
                Ok(resp) => {
                    let status = resp.status();
                    let retry_after = retry_after(&resp);
                    let body: String = resp.text().await.unwrap_or_default().chars().take(500).collect();
                    let error = ApiError::Http { url: shown.clone(), status: status.as_u16(), attempts: attempt, body };
                    if !transient(status) {
                        return Err(error);
                    }
                    (retry_after, error)
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

/// The wait an answer asks for in its `Retry-After` header (seconds), if any.
pub fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// Whether an error status is worth another try: too many requests (429) or a server error.
pub fn transient(status: reqwest::StatusCode) -> bool {
    status.as_u16() == 429 || status.is_server_error()
}
