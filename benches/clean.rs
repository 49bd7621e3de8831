//! Throughput of the pure cleaning core (no store): every message of the demo desk, cleaned and
//! redacted again and again on one thread.
//!
//!     cargo bench --bench clean
//!
//! The clean stage runs this core on all cores; docs/BENCHMARKS.md has the whole-stage numbers.

use std::time::Instant;

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/omnidesk/messages");
    let mut bodies = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the demo desk's messages") {
        let text = std::fs::read_to_string(entry.expect("a directory entry").path()).expect("a messages file");
        let page: serde_json::Value = serde_json::from_str(&text).expect("a messages page");
        for (key, item) in page.as_object().expect("an object") {
            if key != "total_count" {
                bodies.push(item["message"]["content"].as_str().unwrap_or_default().to_string());
            }
        }
    }
    let rounds = 20;
    let bytes: usize = bodies.iter().map(String::len).sum();
    // One warm-up round builds the lazily compiled regexes.
    bodies.iter().for_each(|b| drop(kbforge::clean::clean_message(b)));
    for (name, step) in [
        ("strip_noise", &(|b: &str| drop(kbforge::clean::strip_noise(b))) as &dyn Fn(&str)),
        ("redact", &|b: &str| drop(kbforge::clean::redact(b))),
        ("clean_message", &|b: &str| drop(kbforge::clean::clean_message(b))),
    ] {
        let started = Instant::now();
        for _ in 0..rounds {
            bodies.iter().for_each(|b| step(b));
        }
        let secs = started.elapsed().as_secs_f64();
        let n = (bodies.len() * rounds) as f64;
        println!(
            "{name:<14} {:>9.0} messages/s  {:>6.1} MB/s  ({} messages × {rounds} rounds, one thread)",
            n / secs,
            (bytes * rounds) as f64 / secs / 1e6,
            bodies.len()
        );
    }
}
