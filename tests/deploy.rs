//! The deployment examples of `examples/deploy/` are real: the Kubernetes manifest parses as YAML and
//! its command line as kbforge's; the crontab's schedules are valid and its reindex line runs, as
//! cron would run it (`/bin/sh`, a bare environment), against a workspace; the systemd units pass
//! `systemd-analyze verify` (where systemd is installed) and declare exit codes 3 and 4 successes.

use crate::common;

use std::path::{Path, PathBuf};

use clap::Parser as _;
use common::{copy_dir, model_dir};

fn deploy(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/deploy").join(file)
}

/// Parses a kbforge command line (without the program name) as the binary would.
fn parses_as_kbforge(args: &[String]) -> kbforge::cli::Cli {
    let mut argv = vec!["kbforge".to_string()];
    argv.extend(args.iter().cloned());
    kbforge::cli::Cli::try_parse_from(&argv).unwrap_or_else(|e| panic!("`{}` is not a kbforge command line: {e}", argv.join(" ")))
}

/// One cron schedule field: `*`, numbers, ranges, lists and steps within `lo..=hi`.
fn valid_cron_field(field: &str, lo: u32, hi: u32) -> bool {
    field.split(',').all(|part| {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (part, None),
        };
        let step_ok = step.is_none_or(|s| s.parse::<u32>().is_ok_and(|s| s >= 1 && s <= hi));
        let range_ok = range == "*"
            || match range.split_once('-') {
                Some((a, b)) => matches!((a.parse::<u32>(), b.parse::<u32>()), (Ok(a), Ok(b)) if lo <= a && a <= b && b <= hi),
                None => range.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n)),
            };
        step_ok && range_ok
    })
}

fn valid_schedule(fields: &[&str]) -> bool {
    let limits = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
    fields.len() == 5 && fields.iter().zip(limits).all(|(f, (lo, hi))| valid_cron_field(f, lo, hi))
}

/// Splits a shell command line into words (double and single quotes; no expansions needed here).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote = None;
    for c in line.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            (_, c) => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The kbforge arguments of a command line that calls `/usr/local/bin/kbforge`, up to a redirection.
fn kbforge_args(command: &str) -> Vec<String> {
    words(command)
        .into_iter()
        .skip_while(|w| !w.ends_with("/bin/kbforge"))
        .skip(1)
        .take_while(|w| !w.starts_with(">>") && !w.starts_with("2>") && w != "&&")
        .collect()
}

/// A workspace like the repository's: its settings, pipelines and reviewed articles.
fn workspace(dir: &Path) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(repo.join("kbforge.toml"), dir.join("kbforge.toml")).unwrap();
    copy_dir(&repo.join("pipelines"), &dir.join("pipelines"));
    copy_dir(&repo.join("kb"), &dir.join("kb"));
}

#[test]
fn kubernetes_manifest_parses_and_runs_kbforge_commands() {
    let text = std::fs::read_to_string(deploy("kubernetes-cronjob.yaml")).unwrap();
    let docs: Vec<serde_yaml::Value> = serde_yaml::Deserializer::from_str(&text)
        .map(|d| serde::Deserialize::deserialize(d).expect("valid YAML"))
        .collect();
    let kinds: Vec<&str> = docs.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["CronJob", "Deployment"]);
    let cron = &docs[0];
    assert_eq!(cron["apiVersion"], "batch/v1");
    let schedule: Vec<&str> = cron["spec"]["schedule"].as_str().unwrap().split_whitespace().collect();
    assert!(valid_schedule(&schedule), "{schedule:?}");
    assert_eq!(cron["spec"]["concurrencyPolicy"], "Forbid");
    let job = &cron["spec"]["jobTemplate"]["spec"];
    assert_eq!(job["template"]["spec"]["restartPolicy"], "Never");
    let ignored = &job["podFailurePolicy"]["rules"][0];
    assert_eq!(ignored["action"], "Ignore");
    assert_eq!(ignored["onExitCodes"]["values"][0], 4, "exit code 4 (lock held) is not a failure");
    for doc in &docs {
        let spec = if doc["kind"] == "CronJob" { &doc["spec"]["jobTemplate"]["spec"]["template"]["spec"] } else { &doc["spec"]["template"]["spec"] };
        let container = &spec["containers"][0];
        let args: Vec<String> = container["args"].as_sequence().unwrap().iter().map(|a| a.as_str().unwrap().to_string()).collect();
        parses_as_kbforge(&args);
        let env: Vec<&str> = container["env"].as_sequence().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
        assert!(env.contains(&"DATABASE_URL") && env.contains(&"KBFORGE_MODEL_DIR"), "{env:?}");
        // Every mounted volume is declared.
        let volumes: Vec<&str> = spec["volumes"].as_sequence().unwrap().iter().map(|v| v["name"].as_str().unwrap()).collect();
        for m in container["volumeMounts"].as_sequence().unwrap() {
            assert!(volumes.contains(&m["name"].as_str().unwrap()));
        }
        if doc["kind"] == "CronJob" {
            assert_eq!(args[..2], ["run", "pipelines/nightly.toml"]);
            assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join(&args[1]).is_file());
        }
    }
}

#[test]
fn crontab_lines_are_valid_and_the_reindex_line_runs_as_cron_would() {
    let text = std::fs::read_to_string(deploy("crontab")).unwrap();
    let jobs: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#') && !l.contains('=')).collect();
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("srv/kbforge");
    workspace(&ws);
    for line in &jobs {
        let fields: Vec<&str> = line.split_whitespace().take(5).collect();
        assert!(valid_schedule(&fields), "bad schedule in {line}");
        let command = line.splitn(6, char::is_whitespace).nth(5).unwrap();
        let args = kbforge_args(command);
        assert!(matches!(parses_as_kbforge(&args).command, kbforge::cli::Command::Run(_)));
        assert!(ws.join(&args[1]).is_file(), "{} is not a shipped pipeline", args[1]);
    }

    // The reindex line as cron runs it: /bin/sh -c, a bare environment plus the crontab's variables,
    // with the paths of a real machine moved into the test folder.
    let reindex = jobs.iter().find(|l| l.contains("reindex.toml")).unwrap();
    let command = reindex.splitn(6, char::is_whitespace).nth(5).unwrap();
    let command = command
        .replace("/usr/local/bin/kbforge", env!("CARGO_BIN_EXE_kbforge"))
        .replace("/srv/kbforge", &ws.display().to_string())
        .replace("/var/lib/node_exporter/textfile", &tmp.path().join("textfile").display().to_string())
        .replace("/var/log/kbforge", &tmp.path().join("log").display().to_string());
    std::fs::create_dir_all(tmp.path().join("log")).unwrap();
    let status = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(&command)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", tmp.path())
        .env("SHELL", "/bin/sh")
        .env("KBFORGE_MODEL_DIR", model_dir())
        .env("KBFORGE_CACHE_DIR", kbforge_cache_dir())
        .status()
        .unwrap();
    let log = std::fs::read_to_string(tmp.path().join("log/reindex.log")).unwrap_or_default();
    assert!(status.success(), "the crontab line failed ({status}):\n{log}");
    assert!(log.contains("-> publish site") && log.contains("-> publish index"), "{log}");
    assert!(ws.join("site/index.html").is_file());
    let prom = std::fs::read_to_string(tmp.path().join("textfile/kbforge-reindex.prom")).unwrap();
    assert!(prom.contains("kbforge_last_run_success{pipeline=\"reindex\"} 1"), "{prom}");
}

/// Where ONNX Runtime was fetched to: the test environment's, so the bare cron environment does not
/// fetch it again.
fn kbforge_cache_dir() -> PathBuf {
    kbforge::embed::runtime::cache_dir()
}

#[test]
fn systemd_units_verify_and_their_command_line_is_kbforges() {
    let service = std::fs::read_to_string(deploy("kbforge-nightly.service")).unwrap();
    let timer = std::fs::read_to_string(deploy("kbforge-nightly.timer")).unwrap();
    let value = |text: &str, key: &str| {
        text.lines().find_map(|l| l.strip_prefix(&format!("{key}="))).unwrap_or_else(|| panic!("no {key}=")).to_string()
    };
    assert_eq!(value(&service, "Type"), "oneshot");
    assert_eq!(value(&service, "SuccessExitStatus"), "3 4");
    assert_eq!(value(&timer, "Persistent"), "true");
    assert_eq!(value(&timer, "OnCalendar"), "*-*-* 02:30:00");
    let exec = value(&service, "ExecStart");
    let args = kbforge_args(&exec);
    assert!(matches!(parses_as_kbforge(&args).command, kbforge::cli::Command::Run(_)));

    let Ok(analyze) = which("systemd-analyze") else {
        eprintln!("systemd-analyze is not installed: unit verification skipped");
        return;
    };
    // Verify copies whose ExecStart names the built binary (verify checks that it exists).
    let tmp = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_kbforge");
    std::fs::write(tmp.path().join("kbforge-nightly.service"), service.replace("/usr/local/bin/kbforge", bin)).unwrap();
    std::fs::write(tmp.path().join("kbforge-nightly.timer"), &timer).unwrap();
    let out = std::process::Command::new(analyze)
        .args(["verify", "--man=no"])
        .arg(tmp.path().join("kbforge-nightly.service"))
        .arg(tmp.path().join("kbforge-nightly.timer"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    // Only complaints about this machine (no kbforge user, no /srv) are acceptable.
    let problems: Vec<&str> = err.lines().filter(|l| l.contains("kbforge-nightly") && !l.contains("/srv/kbforge") && !l.contains("User")).collect();
    assert!(out.status.success() && problems.is_empty(), "systemd-analyze verify:\n{err}");

    // And the command line checks its pipeline: the nightly plan, as a dry run in a workspace.
    let ws = tmp.path().join("ws");
    workspace(&ws);
    let mut dry = args.clone();
    dry.push("--dry-run".into());
    let out = std::process::Command::new(bin).args(&dry).current_dir(&ws).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("pipeline `nightly`"));
}

fn which(program: &str) -> Result<PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|d| d.join(program)).find(|p| p.is_file()))
        .ok_or(())
}
