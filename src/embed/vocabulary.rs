//! The model's vocabulary: the word pieces its tokenizer learned from a large multilingual corpus.
//! A word the corpus wrote often is one piece; a slip of the keyboard is not
//! («воскресенье» is one piece, «воскрисенье» four). The title speller (`draft::spelling`) asks it
//! before it corrects a word, and the chunker sizes passages with the same tokenizer.

use std::path::{Path, PathBuf};

use super::EmbedConfig;

/// The model's `tokenizer.json`: in the model folder when one is set, else in the copy fastembed
/// downloaded from the model hub (`models--<org>--<name>/snapshots/<revision>/`), if it did.
pub fn tokenizer_file(config: &EmbedConfig, root: &Path) -> Option<PathBuf> {
    if let Some(dir) = config.resolved_model_dir(root) {
        return Some(dir.join("tokenizer.json"));
    }
    let snapshots = super::runtime::cache_dir().join("models").join(super::HUB_REPO_DIR).join("snapshots");
    std::fs::read_dir(snapshots).ok()?.flatten().map(|e| e.path().join("tokenizer.json")).find(|p| p.is_file())
}

/// The model's vocabulary, read through its tokenizer ([`super::Embedder::vocabulary`]).
#[derive(Clone, Copy)]
pub struct Vocabulary<'a>(pub &'a tokenizers::Tokenizer);

impl Vocabulary<'_> {
    /// Whether the tokenizer holds `word` whole, as one piece: a word its corpus wrote often
    /// enough to learn, so an existing word and no slip. Case matters to the pieces: pass the
    /// word in lower case.
    pub fn holds_whole(&self, word: &str) -> bool {
        self.0.encode(word, false).is_ok_and(|e| e.get_ids().len() == 1)
    }
}
