//! Optional drafting through a large language model behind an OpenAI-compatible endpoint
//! (`POST {url}/chat/completions`: OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp server, …).
//!
//! Off by default: nothing is sent unless `[draft.llm] enabled = true` names a `url` and a `model`.
//! The model sees only redacted text: the stored questions and answers are already redacted by the
//! clean stage, and every text is redacted once more right before it leaves, as is the reply before
//! it becomes a draft body. The API key comes from the environment variable named by `api-key-env`.

use std::time::Duration;

use anyhow::Context as _;
use serde::Deserialize;
use serde_json::json;

use super::Member;
use crate::kb::Article;

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
        }
    }
}

const SYSTEM: &str = "You write help center articles for a customer support team. From the customers' question and \
the staff's answers, write one article body in Markdown that answers the question for every customer: generic, \
accurate, no greeting, no signature, no names, no personal data, no placeholders in square brackets, nothing the \
answers do not support. Write in the language of the question. Reply with the article body only.";

/// A configured client. [`Client::from_config`] gives `None` while drafting through a model is off.
pub struct Client {
    http: reqwest::Client,
    endpoint: String,
    model: String,
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
        let http = reqwest::Client::builder().timeout(Duration::from_secs(config.timeout_secs.max(1))).build()?;
        Ok(Some(Client {
            http,
            endpoint: format!("{}/chat/completions", config.url.trim_end_matches('/')),
            model: config.model.clone(),
            key: std::env::var(&config.api_key_env).ok().filter(|k| !k.is_empty()),
            config: config.clone(),
        }))
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    /// The request's user message: the question, its phrasings and the best answers, all redacted.
    pub fn prompt(&self, article: &Article, members: &[Member]) -> String {
        let safe = |t: &str| crate::clean::redact(t).text;
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

    /// Asks the model for an article body.
    pub async fn draft(&self, article: &Article, members: &[Member]) -> anyhow::Result<String> {
        let body = json!({
            "model": self.model,
            "temperature": self.config.temperature,
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": self.prompt(article, members)},
            ],
        });
        let mut request = self.http.post(&self.endpoint).json(&body);
        if let Some(key) = &self.key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.with_context(|| format!("cannot reach {}", self.endpoint))?;
        let status = response.status();
        if !status.is_success() {
            let text: String = response.text().await.unwrap_or_default().chars().take(300).collect();
            anyhow::bail!("{} answered {status}: {text}", self.endpoint);
        }
        let reply: serde_json::Value = response.json().await.context("the answer is not JSON")?;
        let content = reply
            .pointer("/choices/0/message/content")
            .and_then(|c| c.as_str())
            .ok_or_else(|| anyhow::anyhow!("the answer has no choices[0].message.content"))?;
        let content = content.trim();
        let content = content
            .strip_prefix("```markdown")
            .or_else(|| content.strip_prefix("```md"))
            .or_else(|| content.strip_prefix("```"))
            .map(|c| c.trim_end().trim_end_matches("```"))
            .unwrap_or(content)
            .trim();
        if content.is_empty() {
            anyhow::bail!("the model returned an empty body");
        }
        // The model may invent a phone number or an address: the reply is redacted too.
        Ok(crate::clean::redact(content).text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Kind;
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
        let body = client.draft(&article(), &members).await.unwrap();
        assert!(body.starts_with("Откройте podarokplus.ru/balance."), "{body}");
        assert!(!body.contains("345-67-89") && body.contains("[PHONE]"), "{body}");
        let requests = server.received_requests().await.unwrap();
        let sent = String::from_utf8_lossy(&requests[0].body).to_string();
        assert!(sent.contains("test-model") && sent.contains("Как проверить баланс?") && sent.contains("где остаток на карте"));
        assert!(!sent.contains("anna.petrova@mail.ru"), "{sent}");
        assert!(sent.contains("[EMAIL]"), "{sent}");
    }
}
