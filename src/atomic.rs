//! Files written whole or not at all: through a temporary file beside the target and a rename, so a
//! reader (the site's visitors, a metrics scraper, the kb loader) never sees half a file and a
//! process killed mid-write leaves only a temporary file, which [`sweep`] removes on the next run.

use std::path::{Path, PathBuf};

/// What every temporary file's name ends with.
const SUFFIX: &str = ".tmp-kbforge";

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}{SUFFIX}", std::process::id()));
    path.with_file_name(name)
}

/// Writes `content` to `path` atomically, creating its folder.
pub fn write(path: &Path, content: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = temp_path(path);
    std::fs::write(&tmp, content)?;
    std::fs::rename(&tmp, path)
}

/// `dir` joined with `rel`, refused when `rel` could lead outside `dir` (absolute, or with a `..`
/// step): an article id or a category slug is never a way out of the site.
pub fn within(dir: &Path, rel: &Path) -> std::io::Result<PathBuf> {
    use std::path::Component;
    if rel.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir)) {
        Ok(dir.join(rel))
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("`{}` would be written outside `{}`: refused", rel.display(), dir.display()),
        ))
    }
}

/// Removes the temporary files under `dir` that killed writes left; returns how many.
pub fn sweep(dir: &Path) -> std::io::Result<usize> {
    let mut removed = 0;
    for entry in walkdir::WalkDir::new(dir).into_iter().filter_map(Result::ok) {
        if entry.file_type().is_file() && entry.file_name().to_string_lossy().ends_with(SUFFIX) {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    #[test]
    fn writes_whole_files_and_sweeps_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/page.html");
        super::write(&path, b"one").unwrap();
        super::write(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        std::fs::write(super::temp_path(&path), b"half").unwrap();
        assert_eq!(super::sweep(dir.path()).unwrap(), 1);
        assert_eq!(std::fs::read_dir(dir.path().join("a/b")).unwrap().count(), 1);
    }

    #[test]
    fn paths_stay_within_their_folder() {
        let dir = std::path::Path::new("/srv/site");
        assert_eq!(super::within(dir, "articles/x.html".as_ref()).unwrap(), dir.join("articles/x.html"));
        for evil in ["articles/../../x.html", "../x.html", "/etc/x.html"] {
            let err = super::within(dir, evil.as_ref()).unwrap_err().to_string();
            assert!(err.contains(evil) && err.contains("outside"), "{err}");
        }
    }
}
