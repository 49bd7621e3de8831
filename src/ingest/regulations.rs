//! Internal regulations: a folder of Markdown or text files. They are internal by nature: they feed
//! the editors and the internal bot collection, never the public help center.

use std::path::Path;

use super::IngestError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Regulation {
    /// Path relative to the folder, with `/` separators.
    pub id: String,
    pub title: String,
    /// Markdown body without front matter.
    pub body: String,
}

pub fn read_folder(dir: &Path) -> Result<Vec<Regulation>, IngestError> {
    if !dir.is_dir() {
        return Err(IngestError::Read {
            path: dir.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "not a folder"),
        });
    }
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| IngestError::Read { path: dir.to_path_buf(), source: e.into() })?;
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
        if !entry.file_type().is_file() || !matches!(ext, "md" | "markdown" | "txt") {
            continue;
        }
        let text = std::fs::read_to_string(path).map_err(|source| IngestError::Read { path: path.to_path_buf(), source })?;
        let id = path.strip_prefix(dir).unwrap_or(path).to_string_lossy().replace('\\', "/");
        out.push(parse(&id, &text));
    }
    Ok(out)
}

/// Title from front matter `title:`, else the first `# ` heading, else the file name.
pub fn parse(id: &str, text: &str) -> Regulation {
    let text = text.trim_start_matches('\u{feff}');
    let (front, body) = crate::kb::split_front_matter(text);
    let title = front
        .and_then(|f| f.lines().find_map(|l| l.strip_prefix("title:")).map(|t| t.trim().trim_matches('"').to_string()))
        .or_else(|| body.lines().find_map(|l| l.strip_prefix("# ")).map(|t| t.trim().to_string()))
        .unwrap_or_else(|| id.rsplit('/').next().unwrap_or(id).to_string());
    Regulation { id: id.to_string(), title, body: body.trim().to_string() }
}
