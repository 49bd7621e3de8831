#!/usr/bin/env bash
# kbforge's embedding against plain Python onnxruntime: same model, same texts, same machine, one run.
#
#     benches/embed_vs_python.sh [texts.jsonl] [limit]
#
# Defaults: the 2,450 DSTC11 customer turns of ../shared/data. The Python side runs in a virtualenv
# under target/ with onnxruntime 1.32.0 (the version kbforge loads), numpy and tokenizers from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
texts="${1:-../shared/data/dstc11_intent_clustering_en/data.jsonl}"
limit="${2:-100000}"
model="${KBFORGE_MODEL_DIR:-$(cd .. && pwd)/shared/models/multilingual-e5-small-q4}"

venv=target/bench-venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet onnxruntime==1.32.0 numpy tokenizers
fi

rust_all=$(KBFORGE_MODEL_DIR="$model" cargo bench --quiet --bench embed -- "$texts" "$limit" 2>/dev/null)
rust=$(echo "$rust_all" | tail -1)
python=$("$venv/bin/python" benches/embed_python.py "$model" "$texts" "$limit")
echo "$rust_all"
echo "$python"
python3 - "$rust" "$python" <<'PY'
import json, math, sys
r, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
cos = sum(a * b for a, b in zip(r["first"], p["first"])) / math.sqrt(sum(a * a for a in r["first"]) * sum(b * b for b in p["first"]))
print(f'kbforge {r["per_second"]:.1f} texts/s, python {p["per_second"]:.1f} texts/s: ratio {r["per_second"] / p["per_second"]:.2f} '
      f'({r["texts"]} texts; first vector agrees at cosine {cos:.4f} over its first dimensions)')
PY
