//! Fuzzing for a bounded time: the front-matter parser, each ingest reader (JSONL, CSV in its
//! encodings, an Omnidesk export, HTML to text), the dates they read, the redactor and the publish
//! guard. Inputs are seed files of the project mutated by proptest (flips, inserts, deletions,
//! tokens of the format, chunks repeated thousands of times to find quadratic paths, splices of two
//! seeds); proptest shrinks what fails.
//!
//! A case fails when it panics, breaks the target's property, or takes longer than
//! `KBFORGE_FUZZ_CASE_SECS` (default 2 s; inputs are at most 256 KiB, which a linear parser reads
//! in milliseconds). A watchdog ends the process when one case runs for 10 s, writing the input to
//! `target/fuzz-failures/`, as every failure is. Inputs that once failed live in
//! `tests/fixtures/fuzz/crashes/<target>/` (gzipped when large) and are replayed by `crashes_replay`.
//!
//! `KBFORGE_FUZZ_SECS` (default 15) is the time per target; `KBFORGE_FUZZ_SEED` picks the run.
//! The ten-minute runs in BENCHMARKS: `KBFORGE_FUZZ_SECS=600 cargo test --release --test suite --
//! --nocapture --test-threads 1 fuzz::<target>`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use kbforge::clean::{html_to_text, redact, redact_spans};
use kbforge::ingest::encoding::Encoding;
use kbforge::ingest::{csv, jsonl, omnidesk, Record};
use kbforge::kb::Article;
use kbforge::publish::guard::Guard;

const MAX_LEN: usize = 256 * 1024;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn env_secs(key: &str, default: f64) -> Duration {
    Duration::from_secs_f64(std::env::var(key).ok().and_then(|v| v.parse().ok()).unwrap_or(default))
}

/// One thing to fuzz: where its seeds are, the tokens of its format, and the property it keeps.
struct Target {
    name: &'static str,
    seeds: Vec<Vec<u8>>,
    tokens: &'static [&'static str],
    check: fn(&[u8]) -> Result<(), String>,
}

fn read_seeds(paths: &[&str]) -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for p in paths {
        let path = root().join(p);
        if path.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&path).unwrap().filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()).collect();
            files.sort();
            seeds.extend(files.iter().map(|f| std::fs::read(f).unwrap()));
        } else {
            seeds.push(std::fs::read(&path).unwrap_or_else(|e| panic!("seed {}: {e}", path.display())));
        }
    }
    assert!(!seeds.is_empty(), "no seeds in {paths:?}");
    seeds
}

/// Every line of a file as a seed of its own (JSONL corpora: one record a seed).
fn line_seeds(path: &str, limit: usize) -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    text.lines().filter(|l| !l.trim().is_empty()).take(limit).map(|l| l.as_bytes().to_vec()).collect()
}

fn text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

// ---- the targets ----------------------------------------------------------------------------

fn article_parse(bytes: &[u8]) -> Result<(), String> {
    let path = Path::new("kb/fuzzed.md");
    let text = text(bytes);
    match Article::parse(path, &text) {
        Ok(article) => {
            let rendered = article.render();
            if kbforge::kb::split_front_matter(&rendered).0.is_some_and(|f| f.len() > kbforge::kb::MAX_FRONT_MATTER) {
                return Ok(()); // aliases written out grew it past the size an article may have
            }
            let again = Article::parse(path, &rendered).map_err(|e| format!("a parsed article does not parse back after render: {e}"))?;
            if again.front.id != article.front.id || again.front.status != article.front.status || again.front.title != article.front.title {
                return Err(format!("render changed the front matter: {:?} -> {:?}", article.front, again.front));
            }
            Ok(())
        }
        Err(e) if e.to_string().contains("kb/fuzzed.md") => Ok(()),
        Err(e) => Err(format!("an error that does not name the file: {e}")),
    }
}

fn write_temp(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// Every quarantined record names its file and where in it; every ticket has a date the store can sort.
fn check_records(records: &[Record], file: &Path) -> Result<(), String> {
    let file = file.display().to_string();
    for r in records {
        match r {
            Record::Rejected(rej) => {
                if !rej.source.contains(&file) && !rej.location.contains(&file) {
                    return Err(format!("a rejected record that does not name its file: {rej}"));
                }
                if rej.location.is_empty() || rej.reason.is_empty() {
                    return Err(format!("a rejected record without a location or a reason: {rej}"));
                }
            }
            Record::Ticket(t) => check_date(&t.created_at)?,
            Record::Skipped { .. } => {}
        }
    }
    Ok(())
}

/// A ticket's date is RFC 3339 with a four-digit year, or empty: an export without dates (a list
/// of questions and answers) is read undated.
fn check_date(d: &str) -> Result<(), String> {
    if d.is_empty() {
        return Ok(());
    }
    let parsed = chrono::DateTime::parse_from_rfc3339(d).map_err(|e| format!("date `{d}` is not RFC 3339: {e}"))?;
    let year = chrono::Datelike::year(&parsed);
    if !(1000..=9999).contains(&year) || !d.as_bytes()[0].is_ascii_digit() {
        return Err(format!("date `{d}` has no four-digit year"));
    }
    Ok(())
}

fn jsonl_reader(bytes: &[u8]) -> Result<(), String> {
    let (_dir, path) = write_temp("tickets.jsonl", bytes);
    match jsonl::read_file(&path, Encoding::Auto) {
        Ok(records) => check_records(&records, &path),
        Err(e) if e.to_string().contains("tickets.jsonl") => Ok(()),
        Err(e) => Err(format!("an error that does not name the file: {e}")),
    }
}

fn csv_reader(bytes: &[u8]) -> Result<(), String> {
    let (_dir, path) = write_temp("export.csv", bytes);
    match csv::read_file(&path, Encoding::Auto, &csv::CsvColumns::default()) {
        Ok(records) => check_records(&records, &path),
        Err(e) if e.to_string().contains("export.csv") => Ok(()),
        Err(e) => Err(format!("an error that does not name the file: {e}")),
    }
}

/// The fuzzed bytes are the first case page; the fixture's labels and message files stay beside it,
/// so a fuzzed case id can point at a real messages file.
fn omnidesk_reader(bytes: &[u8]) -> Result<(), String> {
    let fixture = root().join("tests/fixtures/ingest/bad-records/omnidesk");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("messages")).unwrap();
    for entry in std::fs::read_dir(fixture.join("messages")).unwrap().filter_map(Result::ok) {
        std::fs::copy(entry.path(), dir.path().join("messages").join(entry.file_name())).unwrap();
    }
    std::fs::copy(fixture.join("labels.json"), dir.path().join("labels.json")).unwrap();
    let page = dir.path().join("cases.page1.json");
    std::fs::write(&page, bytes).unwrap();
    match omnidesk::read_export(dir.path(), Encoding::Auto) {
        Ok(records) => {
            for r in &records {
                match r {
                    Record::Rejected(rej) if rej.location.is_empty() || rej.reason.is_empty() => {
                        return Err(format!("a rejected record without a location or a reason: {rej}"))
                    }
                    Record::Ticket(t) => check_date(&t.created_at)?,
                    _ => {}
                }
            }
            Ok(())
        }
        Err(e) if e.to_string().contains(&dir.path().display().to_string()) => Ok(()),
        Err(e) => Err(format!("an error that does not name the folder: {e}")),
    }
}

fn html(bytes: &[u8]) -> Result<(), String> {
    let input = text(bytes);
    let out = html_to_text(&input);
    if out.contains("\n\n\n") {
        return Err("three newlines in a row survive".into());
    }
    if out.len() > input.len() * 3 + 16 {
        return Err(format!("{} bytes of text from {} bytes of HTML", out.len(), input.len()));
    }
    Ok(())
}

fn dates(bytes: &[u8]) -> Result<(), String> {
    let raw = text(bytes);
    for parsed in [omnidesk::parse_date(&raw), csv::parse_date(&raw)].into_iter().flatten() {
        if parsed.is_empty() {
            return Err(format!("`{raw}` read as an empty date"));
        }
        check_date(&parsed).map_err(|e| format!("`{raw}` read as {e}"))?;
    }
    Ok(())
}

/// Spans sorted, apart and on character boundaries; what redaction leaves has nothing left to find;
/// the guard reads the same text without panicking.
fn redactor(bytes: &[u8]) -> Result<(), String> {
    let input = text(bytes);
    let spans = redact_spans(&input);
    let mut last = 0;
    for (r, _) in &spans {
        if r.start < last || r.start >= r.end || !input.is_char_boundary(r.start) || !input.is_char_boundary(r.end) {
            return Err(format!("bad span {r:?} after {last}"));
        }
        last = r.end;
    }
    let once = redact(&input).text;
    let twice = redact(&once);
    if twice.text != once {
        let at = once.bytes().zip(twice.text.bytes()).position(|(a, b)| a != b).unwrap_or(0);
        let from = once.floor_char_boundary(at.saturating_sub(40));
        let to = once.ceil_char_boundary((at + 40).min(once.len()));
        return Err(format!("redacted text still has something to redact: …{}…", &once[from..to]));
    }
    let _ = Guard::default().scan("body", &input);
    Ok(())
}

// ---- the mutator ----------------------------------------------------------------------------

/// One edit of a seed. Positions and lengths are taken modulo the current length.
#[derive(Debug, Clone)]
enum Op {
    Flip(u32, u8),
    Byte(u32, u8),
    Token(u32, u16),
    Delete(u32, u16),
    /// Repeat the chunk at (pos, len) this many times in place.
    Repeat(u32, u16, u16),
    /// Repeat a token this many times.
    TokenRun(u32, u16, u16),
    Splice(u32, u16, u32, u16),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (any::<u32>(), any::<u8>()).prop_map(|(a, b)| Op::Flip(a, b)),
        1 => (any::<u32>(), any::<u8>()).prop_map(|(a, b)| Op::Byte(a, b)),
        4 => (any::<u32>(), any::<u16>()).prop_map(|(a, b)| Op::Token(a, b)),
        1 => (any::<u32>(), 1..64u16).prop_map(|(a, b)| Op::Delete(a, b)),
        2 => (any::<u32>(), 1..128u16, 1..4096u16).prop_map(|(a, b, c)| Op::Repeat(a, b, c)),
        2 => (any::<u32>(), any::<u16>(), 1..4096u16).prop_map(|(a, b, c)| Op::TokenRun(a, b, c)),
        1 => (any::<u32>(), any::<u16>(), any::<u32>(), 1..512u16).prop_map(|(a, b, c, d)| Op::Splice(a, b, c, d)),
    ]
}

fn at(pos: u32, len: usize) -> usize {
    if len == 0 {
        0
    } else {
        pos as usize % (len + 1)
    }
}

fn mutate(t: &Target, seed: usize, ops: &[Op]) -> Vec<u8> {
    let mut data = t.seeds[seed % t.seeds.len()].clone();
    let insert = |data: &mut Vec<u8>, p: usize, piece: &[u8]| {
        let room = MAX_LEN.saturating_sub(data.len());
        let piece = &piece[..piece.len().min(room)];
        data.splice(p..p, piece.iter().copied());
    };
    for op in ops {
        let len = data.len();
        match *op {
            Op::Flip(p, b) if len > 0 => data[p as usize % len] ^= 1 << (b % 8),
            Op::Flip(..) => {}
            Op::Byte(p, b) => insert(&mut data, at(p, len), &[b]),
            Op::Token(p, k) => insert(&mut data, at(p, len), t.tokens[k as usize % t.tokens.len()].as_bytes()),
            Op::Delete(p, n) => {
                let s = at(p, len);
                let e = (s + n as usize).min(len);
                data.drain(s..e);
            }
            Op::Repeat(p, n, times) => {
                let s = at(p, len);
                let e = (s + n as usize).min(len);
                let chunk = data[s..e].to_vec();
                if !chunk.is_empty() {
                    let run: Vec<u8> = chunk.iter().copied().cycle().take(chunk.len() * times as usize).collect();
                    insert(&mut data, s, &run);
                }
            }
            Op::TokenRun(p, k, times) => {
                let token = t.tokens[k as usize % t.tokens.len()].as_bytes();
                let run: Vec<u8> = token.iter().copied().cycle().take(token.len() * times as usize).collect();
                insert(&mut data, at(p, len), &run);
            }
            Op::Splice(p, other, from, n) => {
                let o = &t.seeds[other as usize % t.seeds.len()];
                let s = at(from, o.len());
                let e = (s + n as usize).min(o.len());
                let piece = o[s..e].to_vec();
                insert(&mut data, at(p, len), &piece);
            }
        }
    }
    data
}

// ---- the runner -----------------------------------------------------------------------------

fn failure_dir() -> PathBuf {
    let dir = root().join("target/fuzz-failures");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn save_failure(name: &str, what: &str, input: &[u8]) -> PathBuf {
    let hash = input.iter().fold(0xcbf29ce484222325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x100000001b3));
    let path = failure_dir().join(format!("{name}-{what}-{hash:016x}.bin"));
    std::fs::write(&path, input).unwrap();
    path
}

fn preview(input: &[u8]) -> String {
    let t = text(&input[..input.len().min(300)]).escape_debug().to_string();
    format!("{t}{} ({} bytes)", if input.len() > 300 { "…" } else { "" }, input.len())
}

/// The case in flight, for the watchdog.
type InFlight = Arc<Mutex<Option<(Instant, Vec<u8>)>>>;

fn start_watchdog(name: &'static str, in_flight: InFlight) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(200));
        let guard = in_flight.lock().unwrap();
        if let Some((started, input)) = guard.as_ref() {
            if started.elapsed() > Duration::from_secs(10) {
                let path = save_failure(name, "hang", input);
                eprintln!("fuzz {name}: a case has run for 10 s, a hang: {}\nsaved to {}", preview(input), path.display());
                std::process::exit(101);
            }
        }
    });
}

/// Runs one case with the time limit and the watchdog armed.
fn run_case(t: &Target, input: &[u8], limit: Duration, in_flight: &InFlight) -> Result<(), String> {
    *in_flight.lock().unwrap() = Some((Instant::now(), input.to_vec()));
    let started = Instant::now();
    let result = std::panic::catch_unwind(|| (t.check)(input));
    let took = started.elapsed();
    *in_flight.lock().unwrap() = None;
    match result {
        Err(panic) => {
            let msg = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
            Err(format!("panicked: {msg}"))
        }
        Ok(Err(e)) => Err(e),
        Ok(Ok(())) if took > limit => Err(format!("slow: {took:.2?} (limit {limit:?})")),
        Ok(Ok(())) => Ok(()),
    }
}

fn fuzz(t: Target) {
    let budget = env_secs("KBFORGE_FUZZ_SECS", 15.0);
    let limit = env_secs("KBFORGE_FUZZ_CASE_SECS", 2.0);
    let seed: u64 = std::env::var("KBFORGE_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    let in_flight: InFlight = Arc::new(Mutex::new(None));
    start_watchdog(t.name, in_flight.clone());
    // Every seed as it is first.
    for (i, s) in t.seeds.iter().enumerate() {
        if let Err(e) = run_case(&t, s, limit, &in_flight) {
            panic!("fuzz {}: seed {i} fails: {e}\n{}", t.name, preview(s));
        }
    }
    let strategy = (0..t.seeds.len(), prop::collection::vec(op(), 0..10));
    let started = Instant::now();
    let (cases, bytes) = (std::cell::Cell::new(0u64), std::cell::Cell::new(0u64));
    let mut round = 0u64;
    while started.elapsed() < budget {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        key[8..16].copy_from_slice(&round.to_le_bytes());
        key[16..].copy_from_slice(&t.name.as_bytes().iter().copied().chain(std::iter::repeat(0)).take(16).collect::<Vec<_>>());
        let config = Config { cases: 128, failure_persistence: None, max_shrink_iters: 256, max_shrink_time: 60_000, ..Config::default() };
        let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &key));
        let result = runner.run(&strategy, |(seed, ops)| {
            let input = mutate(&t, seed, &ops);
            cases.set(cases.get() + 1);
            bytes.set(bytes.get() + input.len() as u64);
            run_case(&t, &input, limit, &in_flight).map_err(TestCaseError::fail)
        });
        if let Err(e) = result {
            let detail = match e {
                TestError::Fail(why, (seed, ops)) => {
                    let input = mutate(&t, seed, &ops);
                    let path = save_failure(t.name, "fail", &input);
                    format!("{why}\ninput: {}\nsaved to {}", preview(&input), path.display())
                }
                TestError::Abort(why) => why.to_string(),
            };
            panic!("fuzz {}: {detail}", t.name);
        }
        round += 1;
    }
    eprintln!(
        "fuzz {}: {} cases ({:.1} MB) in {:.1?} from {} seeds, 0 failures",
        t.name,
        cases.get(),
        bytes.get() as f64 / 1e6,
        started.elapsed(),
        t.seeds.len()
    );
}

// ---- the targets' seeds and tokens ----------------------------------------------------------

const YAML_TOKENS: &[&str] = &[
    "---\n", "\n", ": ", "- ", "  ", "[", "]", "{", "}", ",", "'", "\"", "&a ", "*a", "<<: *a\n", "!!str ", "|\n  ", ">\n  ",
    "id: ", "title: ", "status: approved\n", "also_asked:\n  - ", "#", "\t", "\r\n", "\u{feff}", "..", "/", "%YAML 1.2\n", "? ",
];

const JSON_TOKENS: &[&str] = &[
    "{", "}", "[", "]", "\"", ":", ",", "\\", "\\u0000", "\\ud800", "null", "true", "-1", "1e999", "9223372036854775808", "\n",
    "\"messages\":", "\"author\":\"staff\"", "\"body\":", "\"created_at\":", "\"id\":", "\u{feff}", "\r\n", "\u{0}",
];

const CSV_TOKENS: &[&str] = &[
    ",", ";", "\t", "\"", "\"\"", "\n", "\r\n", "\r", "ticket_id", "body", "author", "created_at", "staff", "customer", "да", "\u{feff}",
    "\u{fffe}", "\u{0}", "05.05.2025 10:00", "2025-05-05", "\u{0451}", "\u{00ff}", "=",
];

const HTML_TOKENS: &[&str] = &[
    "<", ">", "</", "/>", "<p>", "</p>", "<br>", "<pre>", "</pre>", "<li>", "<div class=\"gmail_quote\">", "</div>", "<blockquote>",
    "</blockquote>", "<script>", "</script>", "<style>", "<!--", "-->", "<![CDATA[", "]]>", "<!DOCTYPE html>", "&amp;", "&#", "&#x",
    ";", "&nbsp;", "\"", "'", "=", " ", "\n", "<td>", "<head>", "<title>", "\u{a0}",
];

const DATE_TOKENS: &[&str] = &[
    "-", "+", ":", " ", "T", "Z", "0", "1", "2", "9", "2025", "12025", "+0300", "Mon, ", "05 May ", "31.12.", "24:00", "60", "\u{0}",
];

const REDACT_TOKENS: &[&str] = &[
    "@", ".", "-", " ", "+7", "8 (", ")", "+375 ", "+7 7", "4276", "1234", "0000", "ул. ", "д. ", "кв. ", "паспорт РБ ", "MP", "AB",
    "ИИН ", "дата рождения ", "vk.com/id", "t.me/", "https://", "?token=", "С уважением, специалист поддержки ", "Иван ", "Петров",
    "\n", ",", ":", "№", "0", "7", "9", "г.", "220030", "192.168.", "_", "/", "\u{0}", "ё",
];

#[test]
fn article_parse_fuzz() {
    fuzz(Target { name: "article_parse", seeds: read_seeds(&["kb", "tests/fixtures/fuzz/seeds/article_parse"]), tokens: YAML_TOKENS, check: article_parse });
}

#[test]
fn jsonl_reader_fuzz() {
    let mut seeds = read_seeds(&["tests/fixtures/ingest/bad-records/tickets.jsonl", "tests/fixtures/ingest/encodings/tickets-utf16.jsonl", "examples/tickets-malformed.jsonl"]);
    seeds.extend(line_seeds("examples/tickets.jsonl", 40));
    fuzz(Target { name: "jsonl_reader", seeds, tokens: JSON_TOKENS, check: jsonl_reader });
}

#[test]
fn csv_reader_fuzz() {
    fuzz(Target { name: "csv_reader", seeds: read_seeds(&["tests/fixtures/ingest/encodings/export-1251.csv", "tests/fixtures/fuzz/seeds/csv_reader"]), tokens: CSV_TOKENS, check: csv_reader });
}

#[test]
fn omnidesk_reader_fuzz() {
    fuzz(Target { name: "omnidesk_reader", seeds: read_seeds(&["tests/fixtures/ingest/bad-records/omnidesk/cases.page1.json", "tests/fixtures/fuzz/seeds/omnidesk_reader"]), tokens: JSON_TOKENS, check: omnidesk_reader });
}

#[test]
fn html_to_text_fuzz() {
    fuzz(Target { name: "html_to_text", seeds: read_seeds(&["tests/fixtures/xss/payloads.txt", "tests/fixtures/fuzz/seeds/html_to_text"]), tokens: HTML_TOKENS, check: html });
}

#[test]
fn dates_fuzz() {
    fuzz(Target { name: "dates", seeds: read_seeds(&["tests/fixtures/fuzz/seeds/dates"]), tokens: DATE_TOKENS, check: dates });
}

#[test]
fn redactor_fuzz() {
    let mut seeds: Vec<Vec<u8>> = line_seeds("tests/fixtures/redact/labelled.jsonl", 10_000)
        .iter()
        .filter_map(|l| serde_json::from_slice::<serde_json::Value>(l).ok()?.get("text")?.as_str().map(|s| s.as_bytes().to_vec()))
        .collect();
    seeds.extend(read_seeds(&["tests/fixtures/fuzz/seeds/redactor"]));
    fuzz(Target { name: "redactor", seeds, tokens: REDACT_TOKENS, check: redactor });
}

/// Inputs that once failed (most were slow: quadratic paths) stay fixed.
#[test]
fn crashes_replay() {
    let checks: [(&str, fn(&[u8]) -> Result<(), String>); 7] = [
        ("article_parse", article_parse),
        ("jsonl_reader", jsonl_reader),
        ("csv_reader", csv_reader),
        ("omnidesk_reader", omnidesk_reader),
        ("html_to_text", html),
        ("dates", dates),
        ("redactor", redactor),
    ];
    let limit = env_secs("KBFORGE_FUZZ_CASE_SECS", 2.0);
    let mut replayed = 0;
    for (name, check) in checks {
        let dir = root().join("tests/fixtures/fuzz/crashes").join(name);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let t = Target { name: "replay", seeds: vec![Vec::new()], tokens: &[""], check };
        let in_flight: InFlight = Arc::new(Mutex::new(None));
        for entry in entries.filter_map(Result::ok) {
            let mut input = std::fs::read(entry.path()).unwrap();
            if entry.path().extension().is_some_and(|e| e == "gz") {
                let mut plain = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&input[..]), &mut plain).unwrap();
                input = plain;
            }
            if let Err(e) = run_case(&t, &input, limit, &in_flight) {
                panic!("{}: {e}", entry.path().display());
            }
            replayed += 1;
        }
    }
    assert!(replayed >= 5, "only {replayed} known inputs replayed");
}
