//! Optional drafting through a large language model behind an OpenAI-compatible endpoint
//! (`POST {url}/chat/completions`: OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp server, …).
//!
//! Off by default: nothing is sent unless `[draft.llm] enabled = true` names a `url` and a `model`.
//! The model sees only redacted text: the stored questions and answers are already redacted by the
//! clean stage, and every text is redacted once more right before it leaves, as is the reply before
//! it becomes a draft body. The API key comes from the environment variable named by `api-key-env`.

use std::collections::HashMap;
use std::time::Duration;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::Member;
use crate::kb::Article;
use crate::queue::{self, Job, QueueConfig};
use crate::store::Store;

/// `[draft.llm]`
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct LlmConfig {
    /// Send drafts to the model. Default: false.
    pub enabled: bool,
    /// Base URL of the OpenAI-compatible API, e.g. `https://api.openai.com/v1`. Default: empty.
    pub url: String,
    /// Model name. Default: empty.
    pub model: String,
    /// Environment variable holding the API key (sent as a bearer token if set).
    /// Default: `KBFORGE_LLM_API_KEY`.
    pub api_key_env: String,
    /// Seconds to wait for one answer. Default: 60.
    pub timeout_secs: u64,
    /// How many staff answers the model sees. Default: 5.
    pub max_answers: usize,
    /// Default: 0.2.
    pub temperature: f32,
    /// Requests in flight at once: from the stage, and from each `kbforge worker`. Default: 4.
    pub concurrency: usize,
    /// Retries of a request the endpoint refused for the moment (429, 5xx) or that did not reach
    /// it, after 1 s, 2 s, … or the `Retry-After` it asked for (at most 30 s). Default: 2.
    pub retries: u32,
}

impl Default for LlmConfig {
    fn default() -> Self {
        LlmConfig {
            enabled: false,
            url: String::new(),
            model: String::new(),
            api_key_env: "KBFORGE_LLM_API_KEY".into(),
            timeout_secs: 60,
            max_answers: 5,
            temperature: 0.2,
            concurrency: 4,
            retries: 2,
        }
    }
}

const SYSTEM: &str = "You write help center articles for a customer support team. From the customers' question and \
the staff's answers, write one article in Markdown that answers the question for every customer: generic, \
accurate, no greeting, no signature, no names, no personal data, no placeholders in square brackets, nothing the \
answers do not support. Write in the language of the question. The first line is `# ` and the article's title: \
the question as a help center words it, short, in the house style (\"Как проверить баланс сертификата?\", \
\"Сертификат не принимают на кассе: что делать?\", \"How do I check my balance?\"), without greetings, politeness \
or urgency words, and without one customer's amounts, dates, order numbers or brand names. Then a blank line and \
the article body. Reply with the article only.";

/// A reply split into its title (the first line, when it is a `# ` heading) and its body.
pub fn split_title(reply: &str) -> (Option<String>, String) {
    let trimmed = reply.trim_start();
    match trimmed.split_once('\n') {
        Some((first, rest)) if first.starts_with("# ") => (Some(first[2..].trim().to_string()), rest.trim_start_matches(['\n', '\r']).to_string()),
        None if trimmed.starts_with("# ") => (Some(trimmed[2..].trim().to_string()), String::new()),
        _ => (None, reply.to_string()),
    }
}

/// Whether a model's title may replace the extractive one: one line of a few words, and nothing the
/// extractive titles take out (greetings, fillers, one ticket's values) is in it.
pub fn acceptable_title(title: &str) -> bool {
    let words = title.split_whitespace().count();
    (2..=16).contains(&words)
        && title.chars().count() <= 120
        && crate::draft::title::strip(title) == title.trim_end_matches(['.', '!'])
        && !title.chars().any(|c| c.is_ascii_digit() || c == '[')
}

/// One chat completion request, and the hash that names it in the `llm_drafts` cache.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Request {
    pub hash: String,
    pub body: serde_json::Value,
}

impl Request {
    fn new(body: serde_json::Value) -> Request {
        Request { hash: crate::hash::text_hash(&body.to_string()), body }
    }

    pub fn model(&self) -> &str {
        self.body.get("model").and_then(|m| m.as_str()).unwrap_or("")
    }
}

/// A configured client. [`Client::from_config`] gives `None` while drafting through a model is off.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    endpoint: String,
    key: Option<String>,
    config: LlmConfig,
}

impl Client {
    pub fn from_config(config: &LlmConfig) -> anyhow::Result<Option<Client>> {
        if !config.enabled {
            return Ok(None);
        }
        if config.url.trim().is_empty() || config.model.trim().is_empty() {
            anyhow::bail!("kbforge.toml [draft.llm]: `enabled = true` needs `url` and `model`");
        }
        Client::endpoint(config).map(Some)
    }

    /// A client for a worker: it sends the requests in its jobs (which name their model) to the
    /// endpoint of its own `[draft.llm] url`, with its own key.
    pub fn endpoint(config: &LlmConfig) -> anyhow::Result<Client> {
        if config.url.trim().is_empty() {
            anyhow::bail!("kbforge.toml [draft.llm] has no `url`: this worker cannot send drafting requests");
        }
        let http = reqwest::Client::builder().timeout(Duration::from_secs(config.timeout_secs.max(1))).build()?;
        Ok(Client {
            http,
            endpoint: format!("{}/chat/completions", config.url.trim_end_matches('/')),
            key: std::env::var(&config.api_key_env).ok().filter(|k| !k.is_empty()),
            config: config.clone(),
        })
    }

    /// The request's user message: the question, its phrasings and the best answers, all redacted,
    /// and what the publish guard still finds in them masked (the endpoint may be a third party's).
    pub fn prompt(&self, article: &Article, members: &[Member]) -> String {
        let guard = crate::guard::Guard::default();
        let safe = |t: &str| guard.mask(&crate::clean::redact(t).text).0;
        let mut prompt = format!("Question: {}\n", safe(&article.front.title));
        if !article.front.also_asked.is_empty() {
            prompt.push_str("Also asked as:\n");
            for q in &article.front.also_asked {
                prompt.push_str(&format!("- {}\n", safe(q)));
            }
        }
        prompt.push_str("Staff answers:\n");
        let mut answers: Vec<&Member> = members.iter().filter(|m| !m.answer.trim().is_empty()).collect();
        answers.sort_by(|a, b| (b.rating == "high").cmp(&(a.rating == "high")).then(b.similarity.total_cmp(&a.similarity)));
        let mut seen = std::collections::HashSet::new();
        for m in answers.into_iter().filter(|m| seen.insert(m.answer.trim().to_string())).take(self.config.max_answers) {
            prompt.push_str(&format!("---\n{}\n", safe(m.answer.trim())));
        }
        prompt
    }

    /// The chat completion request for an article body.
    pub fn request(&self, article: &Article, members: &[Member]) -> Request {
        Request::new(json!({
            "model": self.config.model,
            "temperature": self.config.temperature,
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": self.prompt(article, members)},
            ],
        }))
    }

    /// Sends one request, retrying what the endpoint refused for the moment; returns the reply's
    /// body, redacted.
    pub async fn send(&self, body: &serde_json::Value) -> anyhow::Result<String> {
        let mut attempt = 0;
        loop {
            match self.send_once(body).await {
                Ok(content) => return Ok(content),
                Err(Failure::Transient(e, wait)) if attempt < self.config.retries => {
                    let wait = wait.unwrap_or(Duration::from_secs(1 << attempt)).min(Duration::from_secs(30));
                    tracing::debug!("{e:#}; retrying in {} s", wait.as_secs_f32());
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err(Failure::Transient(e, _) | Failure::Final(e)) => return Err(e),
            }
        }
    }

    async fn send_once(&self, body: &serde_json::Value) -> Result<String, Failure> {
        let mut request = self.http.post(&self.endpoint).json(body);
        if let Some(key) = &self.key {
            request = request.bearer_auth(key);
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("cannot reach {}", self.endpoint))
            .map_err(|e| Failure::Transient(e, None))?;
        let status = response.status();
        if !status.is_success() {
            let retry_after = crate::http::retry_after(&response);
            let text: String = response.text().await.unwrap_or_default().chars().take(300).collect();
            let e = anyhow::anyhow!("{} answered {status}: {text}", self.endpoint);
            return Err(if crate::http::transient(status) { Failure::Transient(e, retry_after) } else { Failure::Final(e) });
        }
        let reply: serde_json::Value = response.json().await.context("the answer is not JSON").map_err(Failure::Final)?;
        let content = reply
            .pointer("/choices/0/message/content")
            .and_then(|c| c.as_str())
            .ok_or_else(|| Failure::Final(anyhow::anyhow!("the answer has no choices[0].message.content")))?;
        let content = content.trim();
        let content = content
            .strip_prefix("```markdown")
            .or_else(|| content.strip_prefix("```md"))
            .or_else(|| content.strip_prefix("```"))
            .map(|c| c.trim_end().trim_end_matches("```"))
            .unwrap_or(content)
            .trim();
        if content.is_empty() {
            return Err(Failure::Final(anyhow::anyhow!("the model returned an empty body")));
        }
        // The model may invent a phone number or an address: the reply is redacted too.
        Ok(crate::clean::redact(content).text)
    }
}

enum Failure {
    /// Worth another try: the endpoint was unreachable, busy (429) or failing (5xx); it may have
    /// said when to come back.
    Transient(anyhow::Error, Option<Duration>),
    Final(anyhow::Error),
}

/// The cached bodies of `hashes`.
pub async fn cached(store: &Store, hashes: &[String]) -> Result<HashMap<String, String>, sqlx::Error> {
    let mut found = HashMap::new();
    for chunk in hashes.chunks(500) {
        let sql = format!("SELECT request_hash, body FROM llm_drafts WHERE request_hash IN ({})", crate::store::placeholders(1, chunk.len()));
        let mut q = sqlx::query_as::<_, (String, String)>(&sql);
        for h in chunk {
            q = q.bind(h);
        }
        found.extend(q.fetch_all(store.pool()).await?);
    }
    Ok(found)
}

async fn save<'c, E: sqlx::Executor<'c, Database = sqlx::Any>>(executor: E, request: &Request, body: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO llm_drafts (request_hash, model, body, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (request_hash) DO UPDATE SET body = excluded.body, created_at = excluded.created_at",
    )
    .bind(&request.hash)
    .bind(request.model())
    .bind(body)
    .bind(crate::store::now())
    .execute(executor)
    .await?;
    Ok(())
}

/// Cached bodies older than this are deleted (a cluster that changed since asks again anyway).
const KEEP: chrono::TimeDelta = chrono::TimeDelta::days(90);

/// What [`fetch`] did.
#[derive(Debug, Default)]
pub struct Fetched {
    /// The body of every request that has one (cached before, or answered now), by request hash.
    pub bodies: HashMap<String, String>,
    /// Requests answered now.
    pub asked: usize,
    /// Requests that failed (the extractive draft stays for those).
    pub failed: usize,
    /// With the queue: who did the jobs.
    pub workers: String,
}

/// Gets a body for every request: from the cache, else through the job queue when it is on
/// (workers and this process share the requests), else `concurrency` requests at a time from
/// here. Every answer is saved as it arrives, so a killed run does not ask again.
pub async fn fetch(store: &Store, client: &Client, requests: &[Request], queue: &QueueConfig) -> anyhow::Result<Fetched> {
    let cutoff = (chrono::Utc::now() - KEEP).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    sqlx::query("DELETE FROM llm_drafts WHERE created_at < $1").bind(cutoff).execute(store.pool()).await?;
    let hashes: Vec<String> = requests.iter().map(|r| r.hash.clone()).collect();
    let mut fetched = Fetched { bodies: cached(store, &hashes).await?, ..Fetched::default() };
    let mut seen = std::collections::HashSet::new();
    let missing: Vec<&Request> = requests.iter().filter(|r| !fetched.bodies.contains_key(&r.hash) && seen.insert(r.hash.as_str())).collect();
    if missing.is_empty() {
        return Ok(fetched);
    }
    if queue.enabled {
        queue::check(store, queue)?;
        let payloads: Vec<String> = missing.iter().map(serde_json::to_string).collect::<Result<_, _>>()?;
        let me = queue::worker_name();
        let me = me.as_str();
        let outcome =
            queue::drive(store, "draft", &payloads, queue, client.config.concurrency, |job| async move { work(store, client, &job, me).await }).await?;
        // The workers wrote the answers to the cache.
        fetched.bodies.extend(cached(store, &missing.iter().map(|r| r.hash.clone()).collect::<Vec<_>>()).await?);
        fetched.asked = outcome.state.done as usize;
        fetched.failed = outcome.state.failed as usize;
        fetched.workers = outcome.workers_summary();
        return Ok(fetched);
    }
    let mut queued = missing.into_iter();
    let mut running = tokio::task::JoinSet::new();
    let spawn = |running: &mut tokio::task::JoinSet<_>, request: &Request| {
        let client = client.clone();
        let request = request.clone();
        running.spawn(async move {
            let result = client.send(&request.body).await;
            (request, result)
        });
    };
    for request in queued.by_ref().take(client.config.concurrency.max(1)) {
        spawn(&mut running, request);
    }
    while let Some(joined) = running.join_next().await {
        let (request, result) = joined?;
        match result {
            Ok(body) => {
                save(store.pool(), &request, &body).await?;
                fetched.bodies.insert(request.hash, body);
                fetched.asked += 1;
            }
            Err(e) => {
                tracing::warn!("LLM drafting failed, the extractive draft stays: {e:#}");
                fetched.failed += 1;
            }
        }
        if let Some(next) = queued.next() {
            spawn(&mut running, next);
        }
    }
    Ok(fetched)
}

/// Does one claimed `draft` job: sends its request, then saves the body and marks the job done in
/// one transaction. When the model fails the attempt is recorded as failed; after three the stage
/// keeps the extractive draft.
pub async fn work(store: &Store, client: &Client, job: &Job, worker: &str) -> anyhow::Result<()> {
    let result = async {
        let request: Request = serde_json::from_str(&job.payload).with_context(|| format!("job #{} is not a drafting request", job.id))?;
        let body = client.send(&request.body).await?;
        let mut tx = store.pool().begin().await?;
        save(&mut *tx, &request, &body).await?;
        if queue::complete(&mut tx, job.id, worker, &body.chars().count().to_string()).await? {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
            tracing::warn!(job = job.id, "the job's lease ran out and another worker took it; this result is dropped");
        }
        anyhow::Ok(())
    }
    .await;
    if let Err(e) = &result {
        tracing::warn!(job = job.id, "drafting job failed: {e:#}");
        queue::fail(store, job.id, worker, &format!("{e:#}")).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_models_title_comes_off_the_top() {
        let (title, body) = split_title("# Сертификат не принимают на кассе: что делать?\n\nПокажите код кассиру.");
        assert_eq!(title.as_deref(), Some("Сертификат не принимают на кассе: что делать?"));
        assert_eq!(body, "Покажите код кассиру.");
        assert_eq!(split_title("Просто текст.\nЕщё строка."), (None, "Просто текст.\nЕщё строка.".to_string()));
        assert!(acceptable_title("Сертификат не принимают на кассе: что делать?"));
        assert!(!acceptable_title("Подскажите, пожалуйста, как проверить баланс?"));
        assert!(!acceptable_title("Возврат 1500 рублей за заказ"));
        assert!(!acceptable_title("Баланс"));
    }
    use crate::kind::Kind;
    use wiremock::matchers::{header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    fn member(answer: &str) -> Member {
        Member {
            ticket_id: "t:1".into(),
            question: "как проверить баланс?".into(),
            answer: answer.into(),
            rating: "high".into(),
            kind: Kind::Flat,
            similarity: 0.9,
        }
    }

    fn article() -> Article {
        Article::parse(std::path::Path::new("a.md"), "---\nid: a\ntitle: Как проверить баланс?\nalso_asked: [\"где остаток на карте\"]\n---\nБаланс на сайте.\n").unwrap()
    }

    #[test]
    fn prompts_carry_no_value_the_guard_finds() {
        let client = Client::endpoint(&LlmConfig { url: "http://127.0.0.1:9".into(), model: "m".into(), ..LlmConfig::default() }).unwrap();
        // Formats a clean stage of an older version let through, straight from the store.
        let a = Article::parse(std::path::Path::new("a.md"), "---\nid: a\ntitle: Баланс, мой тг @anna_k85\nalso_asked: [\"паспорт РБ MP1234567\"]\n---\nБаланс.\n").unwrap();
        let prompt = client.prompt(&a, &[member("Пишите на vk.com/id58120934 или anna.petrova@mail.ru")]);
        for v in ["@anna_k85", "MP1234567", "vk.com/id58120934", "anna.petrova@mail.ru"] {
            assert!(!prompt.contains(v), "{v} in {prompt}");
        }
        assert!(prompt.contains("Staff answers:"), "{prompt}");
    }

    #[test]
    fn off_by_default() {
        assert!(Client::from_config(&LlmConfig::default()).unwrap().is_none());
        let half = LlmConfig { enabled: true, ..LlmConfig::default() };
        assert!(Client::from_config(&half).err().unwrap().to_string().contains("needs `url` and `model`"));
    }

    #[tokio::test]
    async fn sends_only_redacted_text_and_redacts_the_reply() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .and(header("authorization", "Bearer test-key"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "choices": [{"message": {"role": "assistant", "content": "```markdown\nОткройте podarokplus.ru/balance. Вопросы: +7 912 345-67-89\n```"}}]
            })))
            .expect(1)
            .mount(&server)
            .await;
        std::env::set_var("KBFORGE_TEST_LLM_KEY", "test-key");
        let config = LlmConfig {
            enabled: true,
            url: format!("{}/v1", server.uri()),
            model: "test-model".into(),
            api_key_env: "KBFORGE_TEST_LLM_KEY".into(),
            ..LlmConfig::default()
        };
        let client = Client::from_config(&config).unwrap().unwrap();
        // An address the clean stage would have caught, slipped in to prove the second redaction.
        let members = [member("Баланс виден на podarokplus.ru/balance. Пишите на anna.petrova@mail.ru")];
        let body = client.send(&client.request(&article(), &members).body).await.unwrap();
        assert!(body.starts_with("Откройте podarokplus.ru/balance."), "{body}");
        assert!(!body.contains("345-67-89") && body.contains("[PHONE]"), "{body}");
        let requests = server.received_requests().await.unwrap();
        let sent = String::from_utf8_lossy(&requests[0].body).to_string();
        assert!(sent.contains("test-model") && sent.contains("Как проверить баланс?") && sent.contains("где остаток на карте"));
        assert!(!sent.contains("anna.petrova@mail.ru"), "{sent}");
        assert!(sent.contains("[EMAIL]"), "{sent}");
    }

    #[tokio::test]
    async fn retries_what_the_endpoint_refused_for_the_moment() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0").set_body_string("slow down"))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"choices": [{"message": {"content": "Баланс виден в личном кабинете."}}]})))
            .mount(&server)
            .await;
        let config = LlmConfig { enabled: true, url: server.uri(), model: "m".into(), ..LlmConfig::default() };
        let client = Client::from_config(&config).unwrap().unwrap();
        let request = client.request(&article(), &[member("Баланс на сайте.")]);
        assert_eq!(client.send(&request.body).await.unwrap(), "Баланс виден в личном кабинете.");
        assert_eq!(server.received_requests().await.unwrap().len(), 2);
        // The same request has the same hash: the cache key.
        assert_eq!(request.hash, client.request(&article(), &[member("Баланс на сайте.")]).hash);
        assert_ne!(request.hash, client.request(&article(), &[member("Баланс в приложении.")]).hash);
    }

    #[tokio::test]
    async fn a_refused_request_is_not_repeated() {
        let server = MockServer::start().await;
        Mock::given(method("POST")).respond_with(ResponseTemplate::new(400).set_body_string("bad model")).expect(1).mount(&server).await;
        let config = LlmConfig { enabled: true, url: server.uri(), model: "m".into(), ..LlmConfig::default() };
        let client = Client::from_config(&config).unwrap().unwrap();
        let e = client.send(&client.request(&article(), &[member("Баланс на сайте.")]).body).await.unwrap_err().to_string();
        assert!(e.contains("400") && e.contains("bad model"), "{e}");
    }
}
