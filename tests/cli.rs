//! The command line as a user meets it: init, errors that name the file, the README in step with --help.

use crate::common;

use common::{kbforge, ok};

#[test]
fn init_scaffolds_a_workspace_that_checks_out() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(kbforge(tmp.path(), &["init"]));
    assert!(out.contains("created"), "{out}");
    for f in ["kbforge.toml", "pipelines/main.toml", "kb/README.md"] {
        assert!(tmp.path().join(f).is_file(), "init did not create {f}");
    }
    // A second init changes nothing.
    let before = std::fs::read_to_string(tmp.path().join("kbforge.toml")).unwrap();
    let out = ok(kbforge(tmp.path(), &["init"]));
    assert!(out.contains("nothing changed"), "{out}");
    assert_eq!(before, std::fs::read_to_string(tmp.path().join("kbforge.toml")).unwrap());
    let out = ok(kbforge(tmp.path(), &["review", "list"]));
    assert!(out.contains("0 articles"), "{out}");
    let out = ok(kbforge(tmp.path(), &["check"]));
    for part in ["config", "store", "onnxruntime", "model", "index"] {
        assert!(out.lines().any(|l| l.starts_with("ok") && l.contains(part)), "check did not pass `{part}`:\n{out}");
    }
}

#[test]
fn config_errors_name_file_line_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    ok(kbforge(tmp.path(), &["init"]));
    std::fs::write(tmp.path().join("pipelines/bad.toml"), "[pipeline]\nstages = [\"ingest\", \"bake\"]\n").unwrap();
    let out = kbforge(tmp.path(), &["run", "pipelines/bad.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("pipelines/bad.toml") && err.contains("bake"), "{err}");

    std::fs::write(tmp.path().join("kbforge.toml"), "[cluster]\nthreshold = \"high\"\n").unwrap();
    let out = kbforge(tmp.path(), &["review", "list"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("kbforge.toml") && err.contains("threshold"), "{err}");
}

#[test]
fn no_workspace_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = kbforge(tmp.path(), &["review", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("kbforge init"));
}

#[test]
fn readme_lists_every_subcommand() {
    let tmp = tempfile::tempdir().unwrap();
    let help = ok(kbforge(tmp.path(), &["--help"]));
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 8, "{help}");
    for c in commands {
        assert!(readme.contains(&format!("`kbforge {c}")), "README does not document `kbforge {c}`");
    }
}

#[test]
fn shipped_pipelines_validate_and_print_their_plan() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (file, stages) in [("pipelines/nightly.toml", 8), ("pipelines/reindex.toml", 2), ("pipelines/demo.toml", 10)] {
        let out = ok(kbforge(root, &["run", file, "--dry-run"]));
        assert!(out.contains(&format!("({stages} stages)")), "{file}: {out}");
        assert!(out.contains("dry run: nothing was read or written"), "{out}");
    }
    let nightly = ok(kbforge(root, &["run", "pipelines/nightly.toml", "--dry-run"]));
    assert!(nightly.contains(" 8. report"), "{nightly}");
    // A bad stage name stops the run before anything starts, naming file, line and field.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("kbforge.toml"), "").unwrap();
    std::fs::write(tmp.path().join("bad.toml"), "[pipeline]\nstages = [\"ingest\", \"reprt\"]\n").unwrap();
    let out = kbforge(tmp.path(), &["run", "bad.toml", "--dry-run"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml` line 2") && err.contains("stages[1]") && err.contains("unknown variant `reprt`"), "{err}");
}
