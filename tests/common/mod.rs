//! Helpers shared by the integration tests: the real model, the real databases, the real binary.
#![allow(dead_code)]

pub mod webdriver;

use std::path::{Path, PathBuf};
use std::process::Output;

/// The embedding model folder: `KBFORGE_MODEL_DIR`, else the shared copy beside the repository.
pub fn model_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("KBFORGE_MODEL_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/models/multilingual-e5-small-q4");
    assert!(
        shared.join("model.onnx").is_file(),
        "no embedding model: set KBFORGE_MODEL_DIR to a folder with model.onnx and tokenizer.json"
    );
    shared
}

/// Postgres for the store suite: `KBFORGE_TEST_DATABASE_URL`, else the local test database.
pub fn postgres_url() -> Option<String> {
    if std::env::var("KBFORGE_TEST_SKIP_POSTGRES").is_ok_and(|v| v == "1") {
        return None;
    }
    Some(std::env::var("KBFORGE_TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into()))
}

pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(path)
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Runs the real `kbforge` binary in `dir` with the test model.
pub fn kbforge(dir: &Path, args: &[&str]) -> Output {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kbforge"))
        .args(args)
        .current_dir(dir)
        .env("KBFORGE_MODEL_DIR", model_dir())
        .env_remove("DATABASE_URL")
        .env("KBFORGE_LOG", "kbforge=warn")
        .output()
        .expect("run kbforge");
    out
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asserts success and returns stdout.
pub fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "kbforge failed ({}):\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
}
