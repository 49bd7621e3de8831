#!/usr/bin/env bash
# Runs the demo pipeline on a copy of this checkout and writes what it produced, with timestamps
# masked, to one directory: the kb's articles, the help center's files and the bot index's answers
# to the demo desk's own questions. Two digests compare with `diff -r`: a refactor that keeps
# behaviour leaves them identical.
#
#     scripts/demo-digest.sh target/release/kbforge /tmp/digest-before
#     … change the code, build …
#     scripts/demo-digest.sh target/release/kbforge /tmp/digest-after
#     diff -r /tmp/digest-before /tmp/digest-after && echo identical
set -euo pipefail
bin=$(realpath "$1")
out=$(realpath -m "$2")
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The tracked files as they are in the working tree, without the kb's committed drafts: the run
# writes them anew.
(cd "$repo" && git ls-files -z | grep -zv '^kb/' | xargs -0 cp --parents -t "$work")
cp "$repo/kb/README.md" "$work/kb/" 2>/dev/null || mkdir -p "$work/kb"
export KBFORGE_MODEL_DIR="${KBFORGE_MODEL_DIR:-$repo/../shared/models/multilingual-e5-small-q4}"
(cd "$work" && "$bin" run pipelines/demo.toml --auto-approve >/dev/null)

# Dates and times (ISO 8601, with or without a time and zone) and durations in ms become fixed
# marks; everything else is compared as written.
mask() {
    sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?/<time>/g' \
        -e 's/"(took_ms|elapsed_ms|duration_ms)": *[0-9.]+/"\1": <ms>/g'
}
# Search scores to five decimals: the engine's float sums differ in the seventh from one process
# to the next.
rounded() {
    python3 -c 'import json,sys
def r(v):
    if isinstance(v, float): return round(v, 5)
    if isinstance(v, list): return [r(x) for x in v]
    if isinstance(v, dict): return {k: r(x) for k, x in v.items()}
    return v
print(json.dumps(r(json.load(sys.stdin)), ensure_ascii=False, indent=2))'
}
rm -rf "$out"
mkdir -p "$out/kb" "$out/site" "$out/index"
for f in "$work"/kb/*.md; do mask <"$f" >"$out/kb/$(basename "$f")"; done
(cd "$work/site" && find . -type f ! -path './pagefind/*' | sort) | while read -r f; do
    mkdir -p "$out/site/$(dirname "$f")"
    case "$f" in
        *.html | *.xml | *.json | *.txt | *.css | *.js | *.md) mask <"$work/site/$f" >"$out/site/$f" ;;
        *) sha256sum <"$work/site/$f" >"$out/site/$f.sha256" ;;
    esac
done
# The bot index: the first 80 questions of the demo desk's labelled retrieval set, both audiences,
# each in its own process (about a second each).
queries="$repo/tests/fixtures/retrieve/demo/queries.jsonl"
for audience in public internal; do
    python3 -c 'import json,sys; [print(json.loads(l)["question"]) for l in open(sys.argv[1]) if l.strip()]' "$queries" | head -80 |
        while IFS= read -r q; do
            (cd "$work" && "$bin" search --json --audience "$audience" -- "$q") | rounded | mask
        done >"$out/index/$audience.jsonl"
done
echo "digest in $out: $(find "$out" -type f | wc -l) files"
