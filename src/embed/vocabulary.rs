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

/// The tokenizer of the model the workspace embeds with.
pub struct Vocabulary(tokenizers::Tokenizer);

impl Vocabulary {
    /// The workspace's model's tokenizer; `None` (with a debug line) when there is none to read,
    /// as before the hub model's first download.
    pub fn load(config: &EmbedConfig, root: &Path) -> Option<Vocabulary> {
        let path = tokenizer_file(config, root)?;
        match tokenizers::Tokenizer::from_file(&path) {
            Ok(t) => Some(Vocabulary(t)),
            Err(e) => {
                tracing::debug!(path = %path.display(), error = %e, "no vocabulary: the tokenizer did not load");
                None
            }
        }
    }

    pub fn tokenizer(&self) -> &tokenizers::Tokenizer {
        &self.0
    }

    /// Whether the tokenizer holds `word` whole, as one piece: a word its corpus wrote often
    /// enough to learn, so an existing word and no slip. Case matters to the pieces: pass the
    /// word in lower case.
    pub fn holds_whole(&self, word: &str) -> bool {
        self.0.encode(word, false).is_ok_and(|e| e.get_ids().len() == 1)
    }
}
