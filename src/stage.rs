//! What a stage returns: counts, rejections and time, printed as one summary line. Every stage
//! builds one; the runner ([`crate::pipeline`]) prints and records them.

use std::time::{Duration, Instant};

/// The outcome of one stage run.
#[derive(Debug, Clone, Default)]
pub struct StageReport {
    pub stage: &'static str,
    /// Records the stage looked at.
    pub processed: usize,
    /// Records it wrote or changed.
    pub written: usize,
    /// Records already up to date.
    pub unchanged: usize,
    /// Records set aside in the quarantine.
    pub rejected: usize,
    /// One human line, without the stage name or time.
    pub summary: String,
    pub elapsed: Duration,
}

impl StageReport {
    pub fn new(stage: &'static str, _started: Instant) -> StageReport {
        StageReport { stage, ..StageReport::default() }
    }

    pub fn finish(mut self, started: Instant) -> StageReport {
        self.elapsed = started.elapsed();
        self
    }

    /// `-> ingest: 437 tickets read, 430 stored (1.2 s)`
    pub fn line(&self) -> String {
        format!("-> {:<13} {} ({})", format!("{}:", self.stage), self.summary, format_duration(self.elapsed))
    }
}

pub fn format_duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{} ms", d.as_millis())
    } else if s < 60.0 {
        format!("{s:.1} s")
    } else {
        format!("{}m {:02}s", d.as_secs() / 60, d.as_secs() % 60)
    }
}

/// Formats a count with thin thousands separators: 12,345.
pub fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_durations() {
        assert_eq!(count(0), "0");
        assert_eq!(count(1240), "1,240");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(format_duration(Duration::from_millis(250)), "250 ms");
        assert_eq!(format_duration(Duration::from_millis(2100)), "2.1 s");
        assert_eq!(format_duration(Duration::from_secs(75)), "1m 15s");
    }
}
