//! `kill -9` in the middle of `kbforge publish index`, at several points, and the next run converges
//! to what an uninterrupted run builds: the same points, with the same content, in both collections.

use crate::common;

use std::path::Path;
use std::time::Duration;

use common::{copy_dir, fixture, kbforge, model_dir, ok};

const CONFIG: &str = "[site]\ntitle = \"Центр помощи\"\nlanguage = \"ru\"\n";
const PIPELINE: &str = r#"
[pipeline]
name = "prepare"
stages = ["ingest", "clean", "extract", "classify", "embed", "cluster", "draft", "publish-site"]

[ingest]
sources = [{ format = "omnidesk-export", path = "desk/omnidesk" }]
regulations = ["desk/regulations"]
"#;

/// Every point of both collections, as (article, content hash), sorted. A killed run may leave a
/// collection half made (`strict` off): it reads as empty, and the next run rebuilds it.
fn points_of(ws: &Path, strict: bool) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = ["public", "internal"]
        .iter()
        .filter(|c| strict || kbforge::publish::index::generation::live(&ws.join(".kbforge/index").join(c)).is_some())
        .flat_map(|c| {
            let read = kbforge::publish::index::payloads(&ws.join(".kbforge/index").join(c));
            if strict { read.unwrap() } else { read.unwrap_or_default() }
        })
        .map(|p| (p["article_id"].as_str().unwrap().to_string(), p["content_hash"].as_str().unwrap().to_string()))
        .collect();
    out.sort();
    out
}

fn points(ws: &Path) -> Vec<(String, String)> {
    points_of(ws, true)
}

#[test]
fn killed_index_runs_converge() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    copy_dir(&fixture("demo-small"), &ws.join("desk"));
    std::fs::write(ws.join("kbforge.toml"), CONFIG).unwrap();
    std::fs::create_dir_all(ws.join("pipelines")).unwrap();
    std::fs::write(ws.join("pipelines/prepare.toml"), PIPELINE).unwrap();
    ok(kbforge(&ws, &["run", "pipelines/prepare.toml", "--auto-approve"]));

    // The reference: an uninterrupted run on a copy.
    let reference = tmp.path().join("reference");
    copy_dir(&ws, &reference);
    ok(kbforge(&reference, &["publish", "index"]));
    let expected = points(&reference);
    assert!(expected.len() > 30, "too few points to test with: {}", expected.len());

    // Killed at several points of its run: opening the model, embedding, writing.
    let mut killed = 0;
    for delay_ms in [400u64, 1200, 2000, 2600] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kbforge"))
            .args(["publish", "index"])
            .current_dir(&ws)
            .env("KBFORGE_MODEL_DIR", model_dir())
            .env_remove("DATABASE_URL")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed += 1;
        }
        child.wait().unwrap();
        // An interrupted run leaves only points a full run makes.
        let partial = points_of(&ws, false);
        assert!(partial.iter().all(|p| expected.contains(p)), "a killed run left a point no full run makes");
    }
    assert!(killed >= 2, "the index run finished before any kill: make the delays shorter");
    let out = ok(kbforge(&ws, &["publish", "index"]));
    assert_eq!(points(&ws), expected, "after kills the index differs from an uninterrupted run:\n{out}");
    // And a further run has nothing to do.
    let out = ok(kbforge(&ws, &["publish", "index"]));
    assert!(out.contains("public: ") && out.matches(" 0 upserted").count() == 2 && out.matches(" 0 deleted").count() == 2, "{out}");
}
