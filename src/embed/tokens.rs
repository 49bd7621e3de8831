//! The content tokens' states of texts, from the same inference as their pooled vectors: what
//! token matching (`cluster::tokens`) compares word by word. The cache keeps them beside the
//! vectors ([`super::token_states_cached`]).

use fastembed::OutputKey;

use super::{by_length, in_order, EmbedError, Embedder};
use crate::vector::{normalize, TokenStates};

/// Most content tokens kept per text: the start of a question says what it asks.
pub const MAX_STATE_TOKENS: usize = 64;

/// Most distinct staff answers whose token states are kept for the pairs method's token matching
/// (`cluster::matching`). Each is about 49 KB (64 tokens × 384 dimensions in f16), so 10,000 are
/// 0.5 GB; clustering 10,000 tickets of distinct answers with them took 6.1 s on two cores, peak
/// 0.7 GB (`cargo bench --bench cluster -- distinct-answers`). The cluster stage of a 100k-ticket
/// desk takes 37 s and 1.6 GB with a templated desk's few answers, so this many more keeps it
/// within its 60 s and 3 GB; past it the answer half is the answers' cosine alone. Desks answer
/// with templates and paraphrases of few policies: «ВольтМаркет» has 517 distinct answers,
/// Twitter 1,019, the generated 100k desk 96 (docs/BENCHMARKS.md).
pub const MAX_ANSWER_STATES: usize = 10_000;

impl Embedder {
    /// Embeds texts as given (prefixes already applied) and keeps, besides each pooled vector, its
    /// content tokens' states ([`TokenStates`]) from the same inference: the model runs once.
    pub fn embed_tokens(&self, texts: &[String], progress: &indicatif::ProgressBar) -> Result<Vec<(Vec<f32>, TokenStates)>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let (order, sorted) = by_length(texts);
        self.count_truncated(&sorted);
        let mut slot = self.model.lock().unwrap_or_else(|e| e.into_inner());
        let model = self.session(&mut slot)?;
        let skip = 1 + self.prefix_tokens(&model.tokenizer);
        let batch = self.config.batch_size.max(1);
        let infer = |e: fastembed::Error| EmbedError::Infer(format!("{e:#}"));
        let mut got: Vec<(Vec<f32>, TokenStates)> = Vec::with_capacity(texts.len());
        for part in sorted.chunks(batch) {
            let encodings = model.tokenizer.encode_batch(part.to_vec(), true).map_err(|e| EmbedError::Infer(format!("tokenizing: {e}")))?;
            let output = model.transform(part, Some(batch)).map_err(infer)?;
            for single in output.into_raw() {
                let keys: &[OutputKey] = &[OutputKey::ByName("last_hidden_state"), OutputKey::OnlyOne, OutputKey::ByOrder(0)];
                let hidden = single.select_output(&keys).map_err(infer)?;
                let shape = hidden.shape().to_vec();
                let hidden = match hidden.into_dimensionality::<ndarray::Ix3>() {
                    Ok(h) if shape[0] == part.len() => h,
                    _ => {
                        return Err(EmbedError::Infer(format!(
                            "token states need the model's last hidden state [batch, tokens, dimension]; it gave shape {shape:?}"
                        )))
                    }
                };
                let (width, d) = (shape[1], shape[2]);
                for (row, encoding) in encodings.iter().enumerate() {
                    let ids = encoding.get_ids();
                    let len = encoding.get_attention_mask().iter().take(width).filter(|&&m| m == 1).count();
                    let state = |t: usize| hidden.index_axis(ndarray::Axis(0), row).index_axis(ndarray::Axis(0), t).to_vec();
                    let mut pooled = vec![0f32; d];
                    for t in 0..len {
                        pooled.iter_mut().zip(state(t)).for_each(|(p, x)| *p += x);
                    }
                    // Content tokens: after <s> and the prefix, before </s>.
                    let content = if len > skip + 1 { skip..(len - 1).min(skip + MAX_STATE_TOKENS) } else { 0..0 };
                    let states = TokenStates {
                        ids: ids[content.clone()].to_vec(),
                        states: content.flat_map(state).map(half::f16::from_f32).collect(),
                    };
                    got.push((normalize(pooled), states));
                }
            }
            progress.inc(part.len() as u64);
        }
        Ok(in_order(got, &order))
    }

    /// Tokens the query prefix adds after `<s>` (0 without a prefix).
    fn prefix_tokens(&self, tokenizer: &tokenizers::Tokenizer) -> usize {
        let prefix = self.prefixes.query.trim_end();
        if prefix.is_empty() {
            return 0;
        }
        tokenizer.encode(prefix, false).map(|e| e.get_ids().len()).unwrap_or(0)
    }
}
