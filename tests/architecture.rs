//! The floor plan of `src/` (ARCHITECTURE.md, "Rooms and who may import whom"), checked from the
//! `crate::…` paths each file names outside its tests and comments:
//!
//! - the floor (hashing, vectors, the stage report, the pair's class, words, HTTP, the guard, the
//!   kb) imports only the floor; the store and the queue stand on the floor;
//! - a stage never imports the runner (`pipeline`, `workspace`) or what sits above it (`eval`,
//!   `serve`, `cmd`, `cli`);
//! - rooms import each other without a circle, and so do the files of one room;
//! - no file is longer than 600 lines unless its header says why it reads better whole.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;

const FLOOR: &[&str] = &[
    "atomic", "guard", "hash", "http", "kb", "kind", "lexical", "stage", "vector",
];
const BASE: &[&str] = &["store", "queue"];
const STAGES: &[&str] = &[
    "ingest", "clean", "extract", "classify", "embed", "cluster", "draft", "review", "publish",
    "forget", "feedback", "report", "routing",
];
const ABOVE_STAGES: &[&str] = &["pipeline", "workspace", "eval", "serve", "cmd", "cli"];
/// Longest file without a reason in its header.
const MAX_LINES: usize = 600;
/// The header words that give the reason.
const WHOLE: &str = "reads better whole";

struct File {
    path: PathBuf,
    room: String,
    /// The module path inside its room: `""` for the room's root, `graph`, `index/search`.
    module: String,
    /// Code outside `#[cfg(test)]` and comments.
    code: String,
    lines: usize,
    header: String,
}

fn files() -> Vec<File> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    let comment = Regex::new(r"//[^\n]*").unwrap();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path.strip_prefix(&root).unwrap().with_extension("");
            let parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            let room = parts[0].clone();
            let mut inner: Vec<String> = parts[1..].to_vec();
            if inner.last().is_some_and(|l| l == "mod") {
                inner.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let header: String = text
                .lines()
                .take_while(|l| l.starts_with("//!"))
                .collect::<Vec<_>>()
                .join("\n");
            let body = text.split("#[cfg(test)]").next().unwrap_or("");
            out.push(File {
                lines: text.lines().count(),
                header,
                code: comment.replace_all(body, "").into_owned(),
                path: path
                    .strip_prefix(root.parent().unwrap())
                    .unwrap()
                    .to_path_buf(),
                room,
                module: inner.join("/"),
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Rooms named by `crate::room` paths, including inside `use crate::{a::…, b::…}`.
fn rooms_imported(code: &str) -> BTreeSet<String> {
    let direct = Regex::new(r"crate::([a-z_]+)").unwrap();
    let group = Regex::new(r"crate::\{([^;]*)\}").unwrap();
    let head = Regex::new(r"(?:^|[,{\s])([a-z_]+)::").unwrap();
    let mut out: BTreeSet<String> = direct
        .captures_iter(code)
        .map(|c| c[1].to_string())
        .collect();
    for g in group.captures_iter(code) {
        out.extend(head.captures_iter(&g[1]).map(|c| c[1].to_string()));
    }
    out
}

/// The first circle in a graph, if any.
fn circle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        v: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(v.to_string(), 1);
        path.push(v.to_string());
        for w in edges.get(v).into_iter().flatten() {
            match state.get(w.as_str()).copied().unwrap_or(0) {
                1 => {
                    let at = path.iter().position(|p| p == w).unwrap();
                    let mut found = path[at..].to_vec();
                    found.push(w.clone());
                    return Some(found);
                }
                0 => {
                    if let Some(found) = visit(w, edges, state, path) {
                        return Some(found);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(v.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for v in edges.keys() {
        if state.get(v.as_str()).copied().unwrap_or(0) == 0 {
            if let Some(found) = visit(v, edges, &mut state, &mut Vec::new()) {
                return Some(found);
            }
        }
    }
    None
}

#[test]
fn every_room_is_on_the_plan() {
    let known: BTreeSet<&str> = FLOOR
        .iter()
        .chain(BASE)
        .chain(STAGES)
        .chain(ABOVE_STAGES)
        .copied()
        .chain(["lib", "main"])
        .collect();
    for f in files() {
        assert!(
            known.contains(f.room.as_str()),
            "{}: the room `{}` is not on the floor plan of tests/architecture.rs",
            f.path.display(),
            f.room
        );
    }
}

#[test]
fn floors_import_downwards_only() {
    let mut wrong = Vec::new();
    for f in files() {
        let imported = rooms_imported(&f.code);
        let allowed: Vec<&str> = if FLOOR.contains(&f.room.as_str()) {
            FLOOR.to_vec()
        } else if f.room == "store" {
            FLOOR.to_vec()
        } else if f.room == "queue" {
            FLOOR.iter().copied().chain(["store"]).collect()
        } else if STAGES.contains(&f.room.as_str()) {
            FLOOR.iter().chain(BASE).chain(STAGES).copied().collect()
        } else {
            continue;
        };
        for room in imported
            .iter()
            .filter(|r| **r != f.room && !allowed.contains(&r.as_str()))
        {
            wrong.push(format!(
                "{} ({}) imports crate::{room}",
                f.path.display(),
                f.room
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "a room imports one above it (ARCHITECTURE.md has the plan):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn rooms_import_each_other_without_a_circle() {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files() {
        let imported = rooms_imported(&f.code);
        edges
            .entry(f.room.clone())
            .or_default()
            .extend(imported.into_iter().filter(|r| *r != f.room));
    }
    if let Some(found) = circle(&edges) {
        panic!(
            "rooms import each other in a circle: {}",
            found.join(" -> ")
        );
    }
}

#[test]
fn files_of_a_room_import_each_other_without_a_circle() {
    let all = files();
    let modules: BTreeSet<(String, String)> = all
        .iter()
        .map(|f| (f.room.clone(), f.module.clone()))
        .collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let sibling = Regex::new(r"\bsuper::([a-z_]+)").unwrap();
    let group = Regex::new(r"use super::\{([^;]*)\}").unwrap();
    let head = Regex::new(r"(?:^|[,{\s])([a-z_]+)::").unwrap();
    for f in &all {
        let own = format!("{}:{}", f.room, f.module);
        edges.entry(own.clone()).or_default();
        // The parent module of a file, from which `super::x` names a sibling.
        let is_root = f.path.file_name().is_some_and(|n| n == "mod.rs");
        let parent: Vec<&str> = if is_root {
            f.module
                .split('/')
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .split_last()
                .map_or(Vec::new(), |(_, p)| p.to_vec())
        } else {
            let mut p: Vec<&str> = f.module.split('/').filter(|s| !s.is_empty()).collect();
            p.pop();
            p
        };
        let mut named: BTreeSet<String> = BTreeSet::new();
        named.extend(sibling.captures_iter(&f.code).map(|c| c[1].to_string()));
        for g in group.captures_iter(&f.code) {
            named.extend(head.captures_iter(&g[1]).map(|c| c[1].to_string()));
        }
        for name in named {
            let module = parent
                .iter()
                .copied()
                .chain([name.as_str()])
                .collect::<Vec<_>>()
                .join("/");
            if module != f.module && modules.contains(&(f.room.clone(), module.clone())) {
                edges
                    .get_mut(&own)
                    .unwrap()
                    .insert(format!("{}:{module}", f.room));
            }
        }
        let inside = Regex::new(&format!(r"crate::{}::([a-z_]+)", regex::escape(&f.room))).unwrap();
        for c in inside.captures_iter(&f.code) {
            let module = c[1].to_string();
            if module != f.module && modules.contains(&(f.room.clone(), module.clone())) {
                edges
                    .get_mut(&own)
                    .unwrap()
                    .insert(format!("{}:{module}", f.room));
            }
        }
    }
    if let Some(found) = circle(&edges) {
        panic!(
            "files of one room import each other in a circle: {}",
            found.join(" -> ")
        );
    }
}

#[test]
fn long_files_say_why_they_are_whole() {
    let long: Vec<String> = files()
        .into_iter()
        .filter(|f| f.lines > MAX_LINES && !f.header.contains(WHOLE))
        .map(|f| format!("{} ({} lines)", f.path.display(), f.lines))
        .collect();
    assert!(
        long.is_empty(),
        "split these by concern, or say in the header why each {WHOLE}:\n{}",
        long.join("\n")
    );
}

/// `autotests = false`: a file of `tests/` runs only as a module of `tests/suite.rs`.
#[test]
fn every_test_file_is_in_the_suite() {
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let suite = std::fs::read_to_string(tests.join("suite.rs")).unwrap();
    let modules: BTreeSet<&str> = suite.lines().filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';')).collect();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&tests).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(module) = name.strip_suffix(".rs").filter(|m| *m != "suite") {
            if !modules.contains(module) {
                missing.push(name);
            }
        }
    }
    assert!(missing.is_empty(), "add `mod …;` to tests/suite.rs for: {}", missing.join(", "));
    assert!(modules.contains("architecture") && modules.contains("common"), "{modules:?}");
}

#[test]
fn the_checks_see_what_they_check() {
    // The import reader finds both forms, and the circle finder finds a circle.
    let code =
        "use crate::{store::Store, kb::{self, Article}};\nfn f() { crate::vector::dot(&[], &[]); }";
    let found = rooms_imported(code);
    assert_eq!(
        found,
        ["kb", "store", "vector"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
    let edges: BTreeMap<String, BTreeSet<String>> = [("a", "b"), ("b", "c"), ("c", "a")]
        .iter()
        .map(|(x, y)| (x.to_string(), [y.to_string()].into_iter().collect()))
        .collect();
    assert_eq!(circle(&edges).unwrap().len(), 4);
    assert!(files()
        .iter()
        .any(|f| f.room == "cluster" && f.module == "graph"));
}
