#!/usr/bin/env bash
# Embedding through the Postgres job queue: 1 worker against 2, on the same generated desk.
#
#   cargo build --release
#   benches/workers.sh [TICKETS]            # default 3000; prints one line per setup
#
# Each setup gets a fresh Postgres schema, ingests the same desk (benches/gen_desk.py), then times
# `kbforge stage embed` while W `kbforge worker` processes, each with T ONNX Runtime threads, do all
# the embedding (the stage only enqueues and waits: work-in-runner = false).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-3000}"
bin="$PWD/target/release/kbforge"
model="${KBFORGE_MODEL_DIR:-$(cd .. && pwd)/shared/models/multilingual-e5-small-q4}"
base="${KBFORGE_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
desk="/tmp/kbforge-bench-desk-$n.jsonl"
[ -f "$desk" ] || python3 benches/gen_desk.py "$n" "$desk" >/dev/null

run() {
    local workers="$1" threads="$2"
    local schema="bench_workers_${workers}_${threads}"
    PGOPTIONS="-c client_min_messages=warning" psql -q "$base" -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema;" >/dev/null
    local url="$base?options=-c%20search_path%3D$schema"
    local ws
    ws="$(mktemp -d)"
    cat >"$ws/kbforge.toml" <<EOF
[store]
url = "$url"
[embed]
threads = $threads
[queue]
enabled = true
work-in-runner = false
EOF
    (cd "$ws" && KBFORGE_LOG=warn "$bin" ingest "$desk" >/dev/null && "$bin" stage clean >/dev/null && "$bin" stage extract >/dev/null)
    local pids=()
    for i in $(seq 1 "$workers"); do
        (cd "$ws" && KBFORGE_MODEL_DIR="$model" KBFORGE_LOG=warn exec "$bin" worker --name "w$i" >/dev/null) &
        pids+=($!)
    done
    sleep 3 # the workers load the model
    local start end
    start=$(date +%s.%N)
    local summary
    summary=$(cd "$ws" && KBFORGE_MODEL_DIR="$model" KBFORGE_LOG=warn "$bin" stage embed)
    end=$(date +%s.%N)
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    local texts
    texts=$(echo "$summary" | sed -n 's/.*: \([0-9,]*\) embedded.*/\1/p' | tr -d ,)
    printf "%d worker(s) x %d thread(s): %6.1f s, %s texts, %6.1f texts/s  [%s]\n" "$workers" "$threads" \
        "$(echo "$end - $start" | bc)" "$texts" "$(echo "$texts / ($end - $start)" | bc -l)" \
        "$(echo "$summary" | sed -n 's/.*jobs done by //p')"
    PGOPTIONS="-c client_min_messages=warning" psql -q "$base" -c "DROP SCHEMA $schema CASCADE;" >/dev/null
    rm -rf "$ws"
}

echo "$n tickets, $(nproc) cores"
run 1 2
run 2 1
run 2 2
