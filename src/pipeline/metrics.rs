//! The last runs in the Prometheus text format (version 0.0.4), computed from the run history: for
//! `kbforge serve`'s `/metrics` and for the file `kbforge run --metrics-file` writes (node_exporter's
//! textfile collector reads such files).
//!
//! Alert on `kbforge_last_run_success == 0`, or on
//! `time() - kbforge_last_success_timestamp_seconds > 26 * 3600` for a nightly job that stopped running.

use std::fmt::Write;

use super::history::{Latest, Run};

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn timestamp(rfc3339: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(rfc3339).ok().map(|t| t.timestamp())
}

struct Family<'a> {
    out: &'a mut String,
}

impl Family<'_> {
    fn header(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.out, "# HELP {name} {help}");
        let _ = writeln!(self.out, "# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: impl std::fmt::Display) {
        let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{}\"", escape(v))).collect();
        let _ = writeln!(self.out, "{name}{{{}}} {value}", labels.join(","));
    }
}

/// Renders the metrics of the runs in `latest`; `only` keeps one pipeline.
pub fn render(latest: &Latest, only: Option<&str>) -> String {
    let keep = |p: &str| only.is_none_or(|o| o == p);
    let runs: Vec<&Run> = latest.last.iter().filter(|r| keep(&r.pipeline)).collect();
    let mut out = String::new();
    let mut f = Family { out: &mut out };

    f.header("kbforge_last_run_success", "gauge", "1 if the last finished run of the pipeline succeeded (quarantined records allowed), else 0.");
    for r in &runs {
        let ok = matches!(r.status.as_str(), "succeeded" | "completed-with-rejects");
        f.sample("kbforge_last_run_success", &[("pipeline", &r.pipeline)], u8::from(ok));
    }
    f.header("kbforge_last_run_info", "gauge", "The status of the last finished run, as a label (value always 1).");
    for r in &runs {
        f.sample("kbforge_last_run_info", &[("pipeline", &r.pipeline), ("status", &r.status), ("run", &r.id.to_string())], 1);
    }
    f.header("kbforge_last_run_start_timestamp_seconds", "gauge", "When the last finished run started (Unix time).");
    for r in &runs {
        if let Some(t) = timestamp(&r.started_at) {
            f.sample("kbforge_last_run_start_timestamp_seconds", &[("pipeline", &r.pipeline)], t);
        }
    }
    f.header("kbforge_last_run_end_timestamp_seconds", "gauge", "When the last finished run ended (Unix time).");
    for r in &runs {
        if let Some(t) = timestamp(&r.finished_at) {
            f.sample("kbforge_last_run_end_timestamp_seconds", &[("pipeline", &r.pipeline)], t);
        }
    }
    f.header("kbforge_last_run_duration_seconds", "gauge", "Wall time of the last finished run.");
    for r in &runs {
        if let Some(s) = r.seconds {
            f.sample("kbforge_last_run_duration_seconds", &[("pipeline", &r.pipeline)], s);
        }
    }
    f.header("kbforge_last_success_timestamp_seconds", "gauge", "When the newest successful run ended (Unix time).");
    for (p, at) in latest.last_success.iter().filter(|(p, _)| keep(p)) {
        if let Some(t) = timestamp(at) {
            f.sample("kbforge_last_success_timestamp_seconds", &[("pipeline", p)], t);
        }
    }
    f.header("kbforge_run_in_progress", "gauge", "1 while a run of the pipeline is recorded as running (a killed run stays so until the next run marks it interrupted).");
    let mut pipelines: Vec<&str> = runs.iter().map(|r| r.pipeline.as_str()).collect();
    pipelines.extend(latest.running.iter().map(String::as_str).filter(|p| keep(p)));
    pipelines.sort_unstable();
    pipelines.dedup();
    for p in &pipelines {
        f.sample("kbforge_run_in_progress", &[("pipeline", p)], u8::from(latest.running.iter().any(|r| r == p)));
    }
    f.header("kbforge_last_run_stage_duration_seconds", "gauge", "Wall time of each stage of the last finished run.");
    for r in &runs {
        for s in &r.stages {
            f.sample("kbforge_last_run_stage_duration_seconds", &[("pipeline", &r.pipeline), ("stage", &s.stage)], s.seconds);
        }
    }
    f.header(
        "kbforge_last_run_stage_records",
        "gauge",
        "Records of each stage of the last finished run: looked at (processed), written, unchanged, quarantined (rejected).",
    );
    for r in &runs {
        for s in &r.stages {
            for (outcome, n) in [("processed", s.processed), ("written", s.written), ("unchanged", s.unchanged), ("rejected", s.rejected)] {
                f.sample(
                    "kbforge_last_run_stage_records",
                    &[("pipeline", &r.pipeline), ("stage", &s.stage), ("outcome", outcome)],
                    n,
                );
            }
        }
    }
    f.header("kbforge_last_run_stage_peak_memory_bytes", "gauge", "The run's peak resident memory when each stage of the last finished run ended.");
    for r in &runs {
        for s in r.stages.iter().filter(|s| s.peak_rss_mb > 0.0) {
            f.sample(
                "kbforge_last_run_stage_peak_memory_bytes",
                &[("pipeline", &r.pipeline), ("stage", &s.stage)],
                (s.peak_rss_mb * 1024.0 * 1024.0).round(),
            );
        }
    }
    f.header("kbforge_last_run_stage_success", "gauge", "1 if the stage of the last finished run completed, else 0.");
    for r in &runs {
        for s in &r.stages {
            f.sample("kbforge_last_run_stage_success", &[("pipeline", &r.pipeline), ("stage", &s.stage)], u8::from(s.status == "done"));
        }
    }
    f.header("kbforge_runs_total", "counter", "Runs recorded in the store, by pipeline and how they ended.");
    for (p, status, n) in latest.totals.iter().filter(|(p, _, _)| keep(p)) {
        f.sample("kbforge_runs_total", &[("pipeline", p), ("status", status)], n);
    }
    if only.is_none() && !latest.queue.is_empty() {
        f.header(
            "kbforge_queue_jobs",
            "gauge",
            "Jobs in the queue that `kbforge worker` processes share, by kind and state (finished ones are kept a week). Pending jobs that do not go down mean no worker is taking them.",
        );
        for (kind, state, n) in &latest.queue {
            f.sample("kbforge_queue_jobs", &[("kind", kind), ("state", state)], n);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::history::StageRecord;
    use super::*;

    #[test]
    fn renders_the_last_run_in_text_format() {
        let stage = StageRecord {
            stage: "embed".into(),
            status: "done".into(),
            started_at: "2026-11-24T03:00:00Z".into(),
            seconds: 1.5,
            processed: 10,
            written: 2,
            unchanged: 8,
            rejected: 0,
            peak_rss_mb: 0.0,
            summary: String::new(),
            error: String::new(),
        };
        let run = Run {
            id: 7,
            pipeline: "night\"ly".into(),
            status: "failed".into(),
            started_at: "2026-11-24T03:00:00Z".into(),
            finished_at: "2026-11-24T03:00:04Z".into(),
            seconds: Some(4.0),
            host: "h".into(),
            pid: 1,
            error: "boom".into(),
            stages: vec![stage],
        };
        let latest = Latest {
            last: vec![run],
            last_success: vec![("night\"ly".into(), "2026-11-23T03:00:04Z".into())],
            running: vec![],
            totals: vec![("night\"ly".into(), "failed".into(), 1)],
            queue: vec![("draft".into(), "pending".into(), 3)],
        };
        let text = render(&latest, None);
        assert!(text.contains("kbforge_last_run_success{pipeline=\"night\\\"ly\"} 0\n"), "{text}");
        assert!(text.contains("kbforge_last_run_duration_seconds{pipeline=\"night\\\"ly\"} 4\n"));
        assert!(text.contains("kbforge_last_run_end_timestamp_seconds{pipeline=\"night\\\"ly\"} 1795489204\n"));
        assert!(text.contains("kbforge_last_run_stage_records{pipeline=\"night\\\"ly\",stage=\"embed\",outcome=\"written\"} 2\n"));
        assert!(text.contains("kbforge_run_in_progress{pipeline=\"night\\\"ly\"} 0\n"));
        assert!(text.contains("# TYPE kbforge_runs_total counter\n"));
        assert!(text.contains("kbforge_queue_jobs{kind=\"draft\",state=\"pending\"} 3\n"), "{text}");
        // Every sample line is `name{labels} value`, every family has HELP and TYPE.
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (_, value) = line.rsplit_once(' ').unwrap();
            value.parse::<f64>().unwrap_or_else(|_| panic!("bad value in {line}"));
        }
        assert!(render(&latest, Some("other")).lines().all(|l| l.starts_with('#')));
    }
}
