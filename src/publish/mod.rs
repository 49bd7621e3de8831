//! Publishing: what customers and the bot see. Both outputs read only live, public articles.
//!
//! - [`site`]: the static help center (`kbforge publish site`);
//! - [`index`]: the bot's vector index in Qdrant (`kbforge publish index`), and `kbforge search`;
//! - [`guard`]: the second detector of personal data both run on every string before it goes out.

pub use crate::guard;
pub mod index;
pub mod site;
