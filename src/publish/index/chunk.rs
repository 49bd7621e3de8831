//! Splitting an article into chunks sized in the embedding model's tokens, each with its heading path.

use text_splitter::{ChunkConfig, MarkdownSplitter};

use crate::kb::Article;

/// One piece of an article as the bot index stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    pub article_id: String,
    pub index: usize,
    /// Headings above the chunk, outermost first (the article title first).
    pub heading_path: Vec<String>,
    pub text: String,
}

/// Splits with text-splitter's Markdown splitter; sized by `tokenizer` when given, else by characters
/// (four characters to a token).
pub fn split_into_chunks(article: &Article, tokenizer: Option<&tokenizers::Tokenizer>, max_tokens: usize) -> Vec<Chunk> {
    let body = article.body.as_str();
    let pieces: Vec<(usize, &str)> = match tokenizer {
        Some(tok) => {
            let config = ChunkConfig::new(max_tokens / 2..max_tokens).with_sizer(tok);
            MarkdownSplitter::new(config).chunk_indices(body).collect()
        }
        None => {
            let chars = max_tokens * 4;
            MarkdownSplitter::new(ChunkConfig::new(chars / 2..chars)).chunk_indices(body).collect()
        }
    };
    pieces
        .into_iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .enumerate()
        .map(|(index, (offset, text))| Chunk {
            article_id: article.front.id.clone(),
            index,
            heading_path: heading_path(&article.front.title, body, offset),
            text: text.trim().to_string(),
        })
        .collect()
}

/// The title, then each ATX heading in force at byte `offset` of `body`.
fn heading_path(title: &str, body: &str, offset: usize) -> Vec<String> {
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut pos = 0;
    for line in body.split_inclusive('\n') {
        if pos > offset {
            break;
        }
        let trimmed = line.trim_end();
        let level = trimmed.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&level) && trimmed[level..].starts_with(' ') && pos < offset + 1 {
            while stack.last().is_some_and(|(l, _)| *l >= level) {
                stack.pop();
            }
            stack.push((level, trimmed[level..].trim().to_string()));
        }
        pos += line.len();
    }
    std::iter::once(title.to_string()).chain(stack.into_iter().map(|(_, h)| h)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::Article;
    use std::path::Path;

    #[test]
    fn chunks_carry_heading_paths() {
        let text = format!(
            "---\nid: a\ntitle: Возврат\n---\n\n## Сроки\n\n{}\n\n## Как оформить\n\n{}\n",
            "Деньги возвращаются в течение десяти рабочих дней. ".repeat(20),
            "Напишите нам номер заказа и причину возврата. ".repeat(20)
        );
        let article = Article::parse(Path::new("a.md"), &text).unwrap();
        let chunks = split_into_chunks(&article, None, 128);
        assert!(chunks.len() >= 2, "{chunks:?}");
        assert_eq!(chunks[0].heading_path, vec!["Возврат", "Сроки"]);
        let last = chunks.last().unwrap();
        assert_eq!(last.heading_path, vec!["Возврат", "Как оформить"]);
        assert!(chunks.iter().all(|c| c.text.chars().count() <= 128 * 4));
    }
}
