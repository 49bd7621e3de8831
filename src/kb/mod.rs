//! The knowledge base folder: Markdown articles with YAML front matter, the editors' workspace.
//!
//! Generated drafts and hand-written articles share one format and are treated alike. Entry points:
//! [`load_all`] reads every `*.md` under the folder; [`Article::parse`] and [`Article::render`] convert
//! one file; [`set_front_matter_fields`] edits a few keys in place without touching anything else an
//! editor wrote.

pub mod slug;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Where an article is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    #[default]
    Draft,
    Approved,
    Rejected,
    Published,
    Archived,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
            Status::Published => "published",
            Status::Archived => "archived",
        }
    }

    /// Approved and published articles are the ones customers and the bot may see.
    pub fn is_live(self) -> bool {
        matches!(self, Status::Approved | Status::Published)
    }
}

impl std::str::FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        serde_yaml::from_str(s).map_err(|_| format!("unknown status `{s}`: expected draft, approved, rejected, published or archived"))
    }
}

/// Who may read an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    #[default]
    Public,
    Internal,
}

/// The front matter of an article. Keys kbforge does not know are kept as they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrontMatter {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub audience: Audience,
    /// The cluster the draft came from; absent for hand-written articles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// Ticket ids the draft was built from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// How many tickets asked this question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tickets: Option<u64>,
    /// Other phrasings of the question: for search and the bot index, not shown publicly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_asked: Vec<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_yaml::Value>,
}

/// One Markdown file of the knowledge base.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// Path relative to the kb folder.
    pub path: PathBuf,
    pub front: FrontMatter,
    /// Markdown body after the front matter.
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum KbError {
    #[error("cannot read `{path}`")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{path}`: no front matter (the file must start with a `---` line)")]
    NoFrontMatter { path: PathBuf },
    #[error("`{path}` line {line}: front matter: {detail}")]
    FrontMatter { path: PathBuf, line: usize, detail: String },
    #[error("cannot write `{path}`")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no article with id `{0}` in the knowledge base")]
    NotFound(String),
}

/// An article id: `[a-z0-9][a-z0-9._-]*`. It becomes a file name on the site and in the kb, so it
/// can never be a path (`../x`) or anything a URL has to escape.
pub fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
}

/// The most front matter an article may have. Real ones are a few KiB (a thousand source ids fit);
/// the YAML parser's time grows faster than linearly on some shapes, so a size is refused before it.
pub const MAX_FRONT_MATTER: usize = 256 * 1024;

/// How deep `[` and `{` may nest in front matter; the parser recurses on each level.
const MAX_FLOW_DEPTH: usize = 32;

/// Refuses front matter the YAML parser would take too long on, with the line (counting the opening
/// `---`) and why.
fn front_matter_limits(yaml: &str) -> Option<(usize, String)> {
    if yaml.len() > MAX_FRONT_MATTER {
        return Some((2, format!("front matter is {} KiB, more than the {} KiB an article may have", yaml.len() / 1024, MAX_FRONT_MATTER / 1024)));
    }
    let (mut depth, mut line) = (0usize, 2usize);
    for b in yaml.bytes() {
        match b {
            b'\n' => line += 1,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some((line, format!("`[` and `{{` nest more than {MAX_FLOW_DEPTH} deep")));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Splits `---\n<yaml>\n---\n<body>` into its parts. Without front matter the whole text is the body.
pub fn split_front_matter(text: &str) -> (Option<&str>, &str) {
    let text = text.trim_start_matches('\u{feff}');
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return (None, text);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let body = &rest[offset + line.len()..];
            return (Some(&rest[..offset]), body);
        }
        offset += line.len();
    }
    (None, text)
}

impl Article {
    pub fn parse(path: &Path, text: &str) -> Result<Article, KbError> {
        let (front, body) = split_front_matter(text);
        let front = front.ok_or_else(|| KbError::NoFrontMatter { path: path.to_path_buf() })?;
        if let Some((line, detail)) = front_matter_limits(front) {
            return Err(KbError::FrontMatter { path: path.to_path_buf(), line, detail });
        }
        let front: FrontMatter = serde_yaml::from_str(front).map_err(|e| KbError::FrontMatter {
            path: path.to_path_buf(),
            // +1 for the opening `---` line.
            line: e.location().map(|l| l.line() + 1).unwrap_or(1),
            detail: e.to_string(),
        })?;
        if !valid_id(&front.id) {
            let line = text.lines().position(|l| l.trim_start().starts_with("id:")).map_or(2, |i| i + 1);
            return Err(KbError::FrontMatter {
                path: path.to_path_buf(),
                line,
                detail: format!(
                    "id `{}`: an id is lower-case Latin letters, digits, `.`, `_` and `-`, starting with a letter or a digit (it names the page `articles/<id>.html`)",
                    front.id.escape_debug()
                ),
            });
        }
        Ok(Article { path: path.to_path_buf(), front, body: body.trim_start_matches(['\n', '\r']).to_string() })
    }

    /// The file text: front matter, a blank line, the body.
    pub fn render(&self) -> String {
        let yaml = serde_yaml::to_string(&self.front).unwrap_or_default();
        format!("---\n{}---\n\n{}\n", yaml, self.body.trim_end())
    }

    /// Public articles that an editor approved (or that are already published).
    pub fn is_public_live(&self) -> bool {
        self.front.audience == Audience::Public && self.front.status.is_live()
    }

    /// The article's language: `language` in its front matter, else detected ([`detect_language`])
    /// from its title, the customer's question, when it has a few words' worth of letters, else from
    /// the title and the body (links, brand names and codes in a body are Latin in any language).
    pub fn language(&self) -> String {
        match self.front.extra.get("language").and_then(|v| v.as_str()).map(str::trim) {
            Some(l) if !l.is_empty() => l.to_lowercase(),
            _ if self.front.title.chars().filter(|c| c.is_alphabetic()).count() >= 8 => detect_language(&self.front.title).to_string(),
            _ => detect_language(&format!("{} {}", self.front.title, self.body)).to_string(),
        }
    }

    /// What ties the article to its translations: `translation_of` in its front matter (the id of
    /// the article it translates, or any key the translations share), else its own id.
    pub fn translation_key(&self) -> String {
        self.front.extra.get("translation_of").and_then(|v| v.as_str()).map(str::trim).filter(|k| !k.is_empty()).unwrap_or(&self.front.id).to_string()
    }
}

/// The language of a text: Russian when at least half its letters are Cyrillic, else English.
pub fn detect_language(text: &str) -> &'static str {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let cyrillic = text.chars().filter(|c| ('\u{400}'..='\u{4ff}').contains(c)).count();
    if cyrillic * 2 >= letters.max(1) {
        "ru"
    } else {
        "en"
    }
}

/// Every article under `dir`, sorted by path, and the files that could not be read as articles.
pub fn load_all(dir: &Path) -> (Vec<Article>, Vec<KbError>) {
    let mut articles = Vec::new();
    let mut errors = Vec::new();
    if !dir.is_dir() {
        return (articles, errors);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name.eq_ignore_ascii_case("README.md") || name.starts_with('_') {
            continue;
        }
        let rel = path.strip_prefix(dir).unwrap_or(path).to_path_buf();
        match std::fs::read_to_string(path) {
            Ok(text) => match Article::parse(&rel, &text) {
                Ok(a) => articles.push(a),
                Err(e) => errors.push(e),
            },
            Err(source) => errors.push(KbError::Read { path: path.to_path_buf(), source }),
        }
    }
    (articles, errors)
}

/// Finds one article by id.
pub fn find(dir: &Path, id: &str) -> Result<Article, KbError> {
    load_all(dir).0.into_iter().find(|a| a.front.id == id).ok_or_else(|| KbError::NotFound(id.to_string()))
}

/// Sets top-level front matter keys in the file at `path`, editing only those lines: the rest of the
/// file, comments and key order included, stays exactly as the editor left it. Missing keys are
/// appended at the end of the front matter. Values are written as YAML scalars.
pub fn set_front_matter_fields(path: &Path, fields: &[(&str, &str)]) -> Result<(), KbError> {
    let text = std::fs::read_to_string(path).map_err(|source| KbError::Read { path: path.to_path_buf(), source })?;
    let updated = set_fields_in_text(&text, fields).ok_or_else(|| KbError::NoFrontMatter { path: path.to_path_buf() })?;
    if updated != text {
        write_atomic(path, &updated)?;
    }
    Ok(())
}

/// The pure part of [`set_front_matter_fields`].
pub fn set_fields_in_text(text: &str, fields: &[(&str, &str)]) -> Option<String> {
    let (front, body) = split_front_matter(text);
    let front = front?;
    let mut lines: Vec<String> = front.lines().map(str::to_string).collect();
    for (key, value) in fields {
        let rendered = format!("{key}: {}", yaml_scalar(value));
        let prefix = format!("{key}:");
        match lines.iter().position(|l| l.starts_with(&prefix)) {
            Some(i) => lines[i] = rendered,
            None => lines.push(rendered),
        }
    }
    Some(format!("---\n{}\n---\n{}", lines.join("\n"), body))
}

fn yaml_scalar(value: &str) -> String {
    serde_yaml::to_string(value).unwrap_or_default().trim_end().to_string()
}

/// Writes through a temporary file and a rename, so a crash never leaves half an article.
pub fn write_atomic(path: &Path, text: &str) -> Result<(), KbError> {
    crate::atomic::write(path, text.as_bytes()).map_err(|source| KbError::Write { path: path.to_path_buf(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "---\nid: balance\ntitle: \"Как проверить баланс?\"\nstatus: draft\n# editor's comment\ntopic: баланс\nowner: maria\n---\n\nОткройте страницу сертификата.\n";

    #[test]
    fn parses_and_keeps_unknown_keys() {
        let a = Article::parse(Path::new("balance.md"), SAMPLE).unwrap();
        assert_eq!(a.front.id, "balance");
        assert_eq!(a.front.status, Status::Draft);
        assert_eq!(a.front.audience, Audience::Public);
        assert_eq!(a.front.extra.get("owner").and_then(|v| v.as_str()), Some("maria"));
        assert_eq!(a.body, "Откройте страницу сертификата.\n");
        let again = Article::parse(Path::new("balance.md"), &a.render()).unwrap();
        assert_eq!(again.front, a.front);
    }

    #[test]
    fn edits_only_the_named_keys() {
        let out = set_fields_in_text(SAMPLE, &[("status", "approved"), ("reviewed_by", "anna")]).unwrap();
        assert!(out.contains("status: approved\n# editor's comment\n"));
        assert!(out.contains("reviewed_by: anna\n---\n"));
        assert!(out.ends_with("\nОткройте страницу сертификата.\n"));
    }

    #[test]
    fn an_id_that_could_be_a_path_is_refused_with_its_file_and_line() {
        for bad in ["../../x", "a/b", "Баланс", "", ".hidden", "UPPER"] {
            let text = format!("---\ntitle: t\nid: \"{bad}\"\nstatus: approved\n---\n\nBody\n");
            let err = Article::parse(Path::new("kb/evil.md"), &text).unwrap_err().to_string();
            assert!(err.contains("kb/evil.md") && err.contains("line 3") && err.contains("id `"), "{bad}: {err}");
        }
        for good in ["balance", "kak-proverit-balans", "faq.v2", "0-start", "a_b"] {
            assert!(valid_id(good), "{good}");
        }
    }

    #[test]
    fn front_matter_errors_name_the_line() {
        let bad = "---\nid: x\ntitle: [unclosed\n---\nbody";
        match Article::parse(Path::new("x.md"), bad) {
            Err(KbError::FrontMatter { line, .. }) => assert!(line >= 3, "line {line}"),
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(Article::parse(Path::new("y.md"), "no front matter"), Err(KbError::NoFrontMatter { .. })));
    }

    #[test]
    fn statuses_parse() {
        assert_eq!("approved".parse::<Status>().unwrap(), Status::Approved);
        assert!("done".parse::<Status>().is_err());
    }
}
