//! TEMPORARY STUB: replaced by the real cleaner.
pub mod stage;
pub use stage::run;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RedactionCounts { pub emails: usize, pub phones: usize, pub cards: usize, pub codes: usize, pub pins: usize, pub orders: usize, pub urls_with_tokens: usize }
impl RedactionCounts {
    pub fn total(&self) -> usize { self.emails + self.phones + self.cards + self.codes + self.pins + self.orders + self.urls_with_tokens }
    pub fn add(&mut self, o: &RedactionCounts) { self.emails += o.emails; self.phones += o.phones; self.cards += o.cards; self.codes += o.codes; self.pins += o.pins; self.orders += o.orders; self.urls_with_tokens += o.urls_with_tokens; }
}
pub struct Cleaned { pub text: String, pub redactions: RedactionCounts }
pub fn clean_message(raw: &str) -> Cleaned { Cleaned { text: raw.trim().to_string(), redactions: RedactionCounts::default() } }
pub fn strip_noise(raw: &str) -> String { raw.trim().to_string() }
pub fn redact(text: &str) -> Cleaned { Cleaned { text: text.to_string(), redactions: RedactionCounts::default() } }
pub fn html_to_text(html: &str) -> String { html.to_string() }
pub fn is_empty_request(cleaned: &str) -> bool { cleaned.trim().len() < 12 }
