#!/usr/bin/env bash
# Drafting through a language model: the stage alone (N requests in flight) against 1 and 2
# `kbforge worker` processes (N requests in flight each) sharing the requests through the Postgres
# job queue.
#
#   cargo build --release
#   benches/llm_workers.sh [TICKETS] [SECONDS]   # default 3000 tickets, 1.0 s per answer
#
# The model is benches/fake_llm.py, answering after SECONDS. One Postgres schema is prepared once
# (ingest → cluster on benches/gen_desk.py's desk); before each setup the drafts, the kb folder and
# the cache of answers are cleared, then `kbforge stage draft` is timed.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-3000}"
delay="${2:-1.0}"
bin="$PWD/target/release/kbforge"
model="${KBFORGE_MODEL_DIR:-$(cd .. && pwd)/shared/models/multilingual-e5-small-q4}"
base="${KBFORGE_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
desk="/tmp/kbforge-bench-desk-$n.jsonl"
[ -f "$desk" ] || python3 benches/gen_desk.py "$n" "$desk" >/dev/null
port=18931
python3 benches/fake_llm.py "$port" "$delay" &
llm=$!
schema="bench_llm_workers"
url="$base?options=-c%20search_path%3D$schema"
ws="$(mktemp -d)"
trap 'kill $llm 2>/dev/null || true; rm -rf "$ws"' EXIT
PGOPTIONS="-c client_min_messages=warning" psql -q "$base" -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema;" >/dev/null

config() { # queue-enabled concurrency
    cat >"$ws/kbforge.toml" <<TOML
[store]
url = "$url"
[queue]
enabled = $1
work-in-runner = false
[draft.llm]
enabled = true
url = "http://127.0.0.1:$port/v1"
model = "bench"
concurrency = $2
TOML
}

config false 1
(cd "$ws" && export KBFORGE_MODEL_DIR="$model" KBFORGE_LOG=warn && "$bin" ingest "$desk" >/dev/null &&
    for s in clean extract classify embed cluster; do "$bin" stage "$s" >/dev/null; done)

run() { # label queue concurrency workers
    local label="$1" workers="$4"
    config "$2" "$3"
    psql -q "$url" -c "DELETE FROM drafts; DELETE FROM llm_drafts;" >/dev/null
    rm -rf "$ws/kb"
    local pids=()
    for i in $(seq 1 "$workers"); do
        (cd "$ws" && KBFORGE_LOG=warn exec "$bin" worker --name "w$i" >/dev/null) &
        pids+=($!)
    done
    local start end summary
    start=$(date +%s.%N)
    summary=$(cd "$ws" && KBFORGE_LOG=warn "$bin" stage draft)
    end=$(date +%s.%N)
    [ "${#pids[@]}" -eq 0 ] || { kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; }
    local asked
    asked=$(echo "$summary" | sed -n 's/.*(\([0-9,]*\) asked now.*/\1/p' | tr -d ,)
    printf "%-28s %6.1f s, %s requests, %5.2f requests/s  %s\n" "$label" "$(echo "$end - $start" | bc)" "$asked" \
        "$(echo "$asked / ($end - $start)" | bc -l)" "$(echo "$summary" | sed -n 's/.*\(jobs done by [^)]*\).*/[\1]/p')"
}

echo "$n tickets, $(nproc) cores, ${delay} s per answer"
run "stage alone, 1 in flight" false 1 0
run "stage alone, 4 in flight" false 4 0
run "1 worker, 1 in flight" true 1 1
run "2 workers, 1 in flight each" true 1 2
run "1 worker, 4 in flight" true 4 1
run "2 workers, 4 in flight each" true 4 2
PGOPTIONS="-c client_min_messages=warning" psql -q "$base" -c "DROP SCHEMA $schema CASCADE;" >/dev/null
