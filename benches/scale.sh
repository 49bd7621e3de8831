#!/usr/bin/env bash
# A full run on a generated desk, then the next night's run with the new tickets only.
#
#   python3 benches/gen_desk.py 100000 /tmp/desk-100k.jsonl
#   python3 benches/gen_desk.py 1000 /tmp/desk-new-1k.jsonl --start 100000
#   benches/scale.sh /tmp/desk-100k.jsonl /tmp/desk-new-1k.jsonl [postgres://…]
#
# Every stage from ingest to publish index (SQLite and the embedded Qdrant unless a store URL is
# given). Prints each run's stages (time, counts, peak memory) and the process's wall time and peak.
set -euo pipefail
cd "$(dirname "$0")/.."
full="$1"
new="$2"
store="${3:-}"
bin="$PWD/target/release/kbforge"
export KBFORGE_MODEL_DIR="${KBFORGE_MODEL_DIR:-$(cd .. && pwd)/shared/models/multilingual-e5-small-q4}"
ws="$(mktemp -d)"
mkdir -p "$ws/pipelines" "$ws/desk"
{
    [ -n "$store" ] && printf '[store]\nurl = "%s"\n' "$store"
    printf '[site]\nlanguage = "ru"\n'
} >"$ws/kbforge.toml"
cat >"$ws/pipelines/full.toml" <<'TOML'
[pipeline]
name = "full"
stages = ["ingest", "clean", "extract", "classify", "embed", "cluster", "draft", "report", "publish-site", "publish-index"]

[ingest]
sources = [{ format = "jsonl", path = "desk/current.jsonl" }]
TOML
cd "$ws"
for export in "$full" "$new"; do
    ln -sfn "$export" desk/current.jsonl
    /usr/bin/time -f "wall %e s, peak %M KB" "$bin" run pipelines/full.toml --auto-approve >/dev/null
    "$bin" runs show
    echo
done
echo "workspace: $ws"
