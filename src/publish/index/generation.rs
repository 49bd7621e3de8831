//! Generations of an embedded shard: `publish index` never writes the shard a server is reading.
//!
//! A collection's folder (`.kbforge/index/public`) holds generation folders (`g-0000000007`), each a
//! whole Qdrant edge shard, and `CURRENT`, the name of the live one. A sync copies the live
//! generation into the next one, updates the copy, and renames a new `CURRENT` into place: readers
//! see the old index or the new one, never half of a sync. Readers ([`super::search::Searcher`])
//! check `CURRENT` on every query and open the new generation when it moved, without a restart.
//! The previous generation is kept (a reader may still be on it); older ones and half-made ones a
//! killed sync left are removed by the next sync. A folder that is itself a shard (kbforge before
//! generations) is the live one until the first sync moves it into `g-0000000001`.
//!
//! Qdrant locks a shard's write-ahead log for the process that opened it, so a second process
//! (`kbforge search` while `kbforge serve` runs) reads a private copy ([`open_for_reading`]).

use std::path::{Path, PathBuf};

use qdrant_edge::EdgeShard;

use super::IndexError;

const CURRENT: &str = "CURRENT";
const PREFIX: &str = "g-";
/// What a shard folder holds (a collection folder holding these is a shard of the old layout).
const SHARD_ENTRIES: [&str; 3] = ["edge_config.json", "segments", "wal"];

fn err(path: &Path, e: impl std::fmt::Display) -> IndexError {
    IndexError::Shard { path: path.to_path_buf(), detail: e.to_string() }
}

/// The live shard of a collection folder: the generation `CURRENT` names, else the folder itself
/// when it is a shard of the old layout, else none.
pub fn live(dir: &Path) -> Option<PathBuf> {
    if let Ok(name) = std::fs::read_to_string(dir.join(CURRENT)) {
        let path = dir.join(name.trim());
        if path.join("edge_config.json").exists() {
            return Some(path);
        }
    }
    dir.join("edge_config.json").exists().then(|| dir.to_path_buf())
}

/// What `CURRENT` says now (for a reader to notice a switch): its text, or the old layout's mark.
pub fn marker(dir: &Path) -> Option<String> {
    match std::fs::read_to_string(dir.join(CURRENT)) {
        Ok(name) => Some(name.trim().to_string()),
        Err(_) => dir.join("edge_config.json").exists().then(|| ".".to_string()),
    }
}

fn number(name: &str) -> Option<u64> {
    name.strip_prefix(PREFIX)?.parse().ok()
}

fn generations(dir: &Path) -> Vec<(u64, PathBuf)> {
    let mut out: Vec<(u64, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| Some((number(e.file_name().to_str()?)?, e.path())))
        .collect();
    out.sort();
    out
}

/// Makes the next generation: a copy of the live shard (or an empty folder), after removing the
/// generations a killed sync left half made. Returns its folder.
pub fn next(dir: &Path) -> Result<PathBuf, IndexError> {
    std::fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
    let live = live(dir);
    for (_, path) in generations(dir) {
        if Some(&path) != live.as_ref() && is_newer(&path, live.as_deref()) {
            std::fs::remove_dir_all(&path).map_err(|e| err(&path, e))?;
        }
    }
    let n = generations(dir).last().map_or(0, |(n, _)| *n) + 1;
    let path = dir.join(format!("{PREFIX}{n:010}"));
    match &live {
        Some(from) if from == dir => {
            std::fs::create_dir_all(&path).map_err(|e| err(&path, e))?;
            for entry in SHARD_ENTRIES {
                let src = dir.join(entry);
                if src.exists() {
                    copy_tree(&src, &path.join(entry)).map_err(|e| err(&src, e))?;
                }
            }
        }
        Some(from) => copy_tree(from, &path).map_err(|e| err(from, e))?,
        None => std::fs::create_dir_all(&path).map_err(|e| err(&path, e))?,
    }
    Ok(path)
}

/// Whether `path` is a generation after the live one (made by a sync that did not finish).
fn is_newer(path: &Path, live: Option<&Path>) -> bool {
    let n = path.file_name().and_then(|n| n.to_str()).and_then(number);
    let l = live.and_then(|l| l.file_name()).and_then(|n| n.to_str()).and_then(number).unwrap_or(0);
    n.is_some_and(|n| n > l)
}

/// Makes `generation` live: a new `CURRENT` renamed into place; then removes all but it and the
/// previous one (and the old layout's files, once moved into a generation).
pub fn switch(dir: &Path, generation: &Path) -> Result<(), IndexError> {
    let previous = live(dir);
    let name = generation.file_name().and_then(|n| n.to_str()).ok_or_else(|| err(generation, "not a generation folder"))?;
    crate::atomic::write(&dir.join(CURRENT), format!("{name}\n").as_bytes()).map_err(|e| err(dir, e))?;
    for (_, path) in generations(dir) {
        if path != generation && Some(&path) != previous.as_ref() {
            std::fs::remove_dir_all(&path).map_err(|e| err(&path, e))?;
        }
    }
    if previous.as_deref() == Some(dir) {
        for entry in SHARD_ENTRIES {
            let p = dir.join(entry);
            let _ = if p.is_dir() { std::fs::remove_dir_all(&p) } else { std::fs::remove_file(&p) };
        }
    }
    Ok(())
}

/// Throws away a generation that was made and not needed (a sync with nothing to change).
pub fn discard(generation: &Path) {
    let _ = std::fs::remove_dir_all(generation);
}

/// A shard opened for reading, and the private copy it was opened from, if any.
pub struct Reading {
    pub shard: EdgeShard,
    _copy: Option<tempfile::TempDir>,
}

/// Opens a shard for reading: in place, or, when another process holds it, from a private copy
/// (removed when the returned value is dropped).
pub fn open_for_reading(path: &Path) -> Result<Reading, IndexError> {
    match EdgeShard::load(path, None) {
        Ok(shard) => Ok(Reading { shard, _copy: None }),
        Err(e) if e.to_string().contains("WouldBlock") || e.to_string().contains("lock") => {
            let parent = path.parent().unwrap_or(path);
            let copy = tempfile::Builder::new().prefix(".reader-").tempdir_in(parent).map_err(|e| err(parent, e))?;
            copy_tree(path, copy.path()).map_err(|e| err(path, e))?;
            let _ = std::fs::remove_file(copy.path().join("wal").join(".lock"));
            let shard = EdgeShard::load(copy.path(), None).map_err(|e| err(copy.path(), e))?;
            Ok(Reading { shard, _copy: Some(copy) })
        }
        Err(e) => Err(err(path, e)),
    }
}

/// Copies a folder tree (files and folders; a shard has nothing else).
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    if from.is_file() {
        std::fs::copy(from, to)?;
        return Ok(());
    }
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generation_goes_live_and_the_old_layout_moves_in() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("public");
        assert_eq!(live(&c), None);
        // The old layout: the folder is the shard.
        std::fs::create_dir_all(c.join("segments")).unwrap();
        std::fs::write(c.join("edge_config.json"), "{}").unwrap();
        assert_eq!(live(&c), Some(c.clone()));
        let g1 = next(&c).unwrap();
        assert!(g1.join("edge_config.json").exists() && g1.join("segments").is_dir());
        assert_eq!(live(&c), Some(c.clone()), "not live until switched");
        switch(&c, &g1).unwrap();
        assert_eq!(live(&c), Some(g1.clone()));
        assert!(!c.join("edge_config.json").exists() && !c.join("segments").exists());
        // A sync killed after copying: its generation is removed by the next one.
        let half = next(&c).unwrap();
        std::fs::remove_file(half.join("edge_config.json")).unwrap();
        std::fs::write(half.join("stray"), "").unwrap();
        let g3 = next(&c).unwrap();
        assert!(!g3.join("stray").exists() && g3.join("edge_config.json").exists(), "made anew from the live one");
        switch(&c, &g3).unwrap();
        let g4 = next(&c).unwrap();
        switch(&c, &g4).unwrap();
        // Live and previous are kept.
        assert_eq!(generations(&c).into_iter().map(|(_, p)| p).collect::<Vec<_>>(), vec![g3, g4.clone()]);
        assert_eq!(marker(&c).as_deref(), g4.file_name().and_then(|n| n.to_str()));
    }
}
