//! The ticket as every source hands it over, before it is stored.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Author {
    Customer,
    Staff,
    /// An automation: a message a rule or a bot sent. Neither the question nor the answer.
    System,
}

impl Author {
    pub fn as_str(self) -> &'static str {
        match self {
            Author::Customer => "customer",
            Author::Staff => "staff",
            Author::System => "system",
        }
    }
}

/// The key a ticket's customer is found by for erasure (`kbforge forget --customer`): a SHA-256 of
/// the lower-cased e-mail, or of a helpdesk's user id (`omnidesk-user:123`), so the store keeps no
/// address.
pub fn customer_key(identity: &str) -> String {
    hex::encode(Sha256::digest(identity.trim().to_lowercase().as_bytes()))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    pub external_id: String,
    pub author: Author,
    /// An internal note: visible to staff only, never an answer, never published.
    pub internal: bool,
    pub body: String,
    pub created_at: String,
}

/// One resolved support request with its thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ticket {
    /// `<source>:<external id>`, unique in the store.
    pub id: String,
    pub source: String,
    pub external_id: String,
    pub subject: String,
    pub status: String,
    pub channel: String,
    /// `ru`, `en`, … (detected from the text when the source does not say).
    pub language: String,
    pub labels: Vec<String>,
    /// `high`, `middle`, `low`, or empty.
    pub rating: String,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
    /// [`customer_key`] of who asked, or empty when the source does not say.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub customer: String,
    pub messages: Vec<Message>,
}

impl Ticket {
    /// Hash of everything ingested, so a re-ingest of the same export changes nothing.
    pub fn content_hash(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(Sha256::digest(&json))
    }
}

/// `ru` when most letters are Cyrillic, otherwise `en`.
pub fn detect_language(text: &str) -> &'static str {
    let (mut cyr, mut lat) = (0usize, 0usize);
    for c in text.chars() {
        if ('\u{0400}'..='\u{04FF}').contains(&c) {
            cyr += 1;
        } else if c.is_ascii_alphabetic() {
            lat += 1;
        }
    }
    if cyr >= lat {
        "ru"
    } else {
        "en"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_language() {
        assert_eq!(detect_language("Как активировать сертификат?"), "ru");
        assert_eq!(detect_language("How do I redeem my gift card?"), "en");
        assert_eq!(detect_language("Код K7QF-2MX9 не работает"), "ru");
    }
}
