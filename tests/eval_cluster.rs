//! `kbforge eval cluster` on the three DSTC11 intent-clustering domains, with the pipeline's own
//! cleaning, embedding and clustering defaults: the floors pin the quality measured in
//! docs/BENCHMARKS.md, so a change that makes clustering worse fails here.

use crate::common;

use common::{kbforge, ok};

/// (domain, B³-F1 floor, fewest clusters, most clusters).
const FLOORS: &[(&str, f64, u64, u64)] = &[("banking", 0.78, 15, 45), ("finance", 0.77, 40, 120), ("insurance", 0.80, 15, 45)];

#[test]
fn dstc11_domains_stay_above_their_floors() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/dstc11_intent_clustering_en/data.jsonl");
    assert!(data.is_file(), "no DSTC11 data at {}", data.display());
    let tmp = tempfile::tempdir().unwrap();
    ok(kbforge(tmp.path(), &["init"]));
    let mut report = Vec::new();
    for &(domain, floor, fewest, most) in FLOORS {
        let out = ok(kbforge(
            tmp.path(),
            &["eval", "cluster", data.to_str().unwrap(), "--only", &format!("domain={domain}"), "--json"],
        ));
        let r: serde_json::Value = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"));
        for key in ["nmi", "ari", "bcubed_precision", "bcubed_recall", "bcubed_f1", "clusters", "unclustered", "seconds"] {
            assert!(r.get(key).is_some(), "no `{key}` in {out}");
        }
        let f1 = r["bcubed_f1"].as_f64().unwrap();
        let clusters = r["clusters"].as_u64().unwrap();
        report.push(format!("{domain}: B³-F1 {f1:.3}, {clusters} clusters, {:.1}% unclustered", r["unclustered"].as_f64().unwrap() * 100.0));
        assert!(f1 >= floor, "{domain}: B³-F1 {f1:.3} below the floor {floor}: {out}");
        assert!((fewest..=most).contains(&clusters), "{domain}: {clusters} clusters: {out}");
        assert!(r["unclustered"].as_f64().unwrap() < 0.10, "{domain}: too many unclustered: {out}");
    }
    eprintln!("{}", report.join("\n"));

    // Other field names: the same texts under `utterance` and `label`.
    let renamed: String = std::fs::read_to_string(&data)
        .unwrap()
        .lines()
        .filter(|l| l.contains("\"domain\": \"banking\""))
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            serde_json::json!({"utterance": v["text"], "label": v["intent"]}).to_string() + "\n"
        })
        .collect();
    std::fs::write(tmp.path().join("renamed.jsonl"), renamed).unwrap();
    let out = ok(kbforge(tmp.path(), &["eval", "cluster", "renamed.jsonl", "--field", "utterance", "label", "--json"]));
    let r: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(r["items"], 407, "{out}");
}
