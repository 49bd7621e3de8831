#!/usr/bin/env bash
# The bot's routing held out: a labelled desk split in two (alternate tickets), a workspace built
# from each half (`kbforge run … --auto-approve`: drafts approved, site and index published), and
# the other half's opening turns asked of it (`kbforge eval route`). Prints each fold and the two
# together. `eval route` on the desk's own tickets is a training score: the articles were written
# from the very tickets it asks.
#
#   benches/route_halves.sh tests/fixtures/classify/labelled.jsonl [kbforge binary]
#
# A ticket line needs `kind` (flat / needs-action / empty / other); for «ВольтМаркет» join its
# labels (by `id`) first:
#   python3 -c 'import json,sys; L={json.loads(l)["id"]: json.loads(l)["kind"] for l in open("examples/voltmarket/labels.jsonl")}
#   [print(json.dumps(dict(t, kind=L[t["id"]]), ensure_ascii=False)) for t in map(json.loads, open("examples/voltmarket/tickets.jsonl")) if t["id"] in L]' > /tmp/vm-kinds.jsonl
set -euo pipefail
labelled=$(realpath "$1")
kbforge=$(realpath "${2:-target/release/kbforge}")
work=$(mktemp -d /tmp/route-halves.XXXXXX)
awk -v w="$work" 'NR % 2 == 1 { print > (w "/A.jsonl") } NR % 2 == 0 { print > (w "/B.jsonl") }' "$labelled"
for half in A B; do
    mkdir -p "$work/ws-$half/pipelines"
    (
        cd "$work/ws-$half"
        "$kbforge" init . >/dev/null
        {
            echo '[pipeline]'
            echo 'name = "half"'
            echo 'stages = ["ingest", "clean", "extract", "classify", "embed", "cluster", "draft", "publish-site", "publish-index"]'
            echo '[ingest]'
            echo "sources = [{ format = \"jsonl\", path = \"$work/$half.jsonl\" }]"
        } > pipelines/half.toml
        "$kbforge" run pipelines/half.toml --auto-approve 2>/dev/null | tail -1
    )
done
(cd "$work/ws-A" && "$kbforge" eval route "$work/B.jsonl" --json 2>/dev/null) > "$work/A-asked-B.json"
(cd "$work/ws-B" && "$kbforge" eval route "$work/A.jsonl" --json 2>/dev/null) > "$work/B-asked-A.json"
python3 - "$work/A-asked-B.json" "$work/B-asked-A.json" <<'EOF'
import json, sys
total = {}
for path in sys.argv[1:]:
    r = json.load(open(path))
    share = lambda x: "n/a" if x is None else f"{x:.3f}"
    print(f"{path.rsplit('/', 1)[1]}: answer precision {share(r['answer_precision'])}, recall {share(r['answer_recall'])}, "
          f"needs-action kept {share(r['needs_action_kept_from_bot'])}")
    for label, routes in r["routes"].items():
        for route, n in routes.items():
            total.setdefault(label, {}).setdefault(route, 0)
            total[label][route] += n
n = lambda label=None, route=None: sum(c for l, rs in total.items() if label in (None, l) for r, c in rs.items() if route in (None, r))
answered, flat_answered = n(route="answer"), n("flat", "answer")
kept = f"{1 - n('needs-action', 'answer') / n('needs-action'):.3f}" if n("needs-action") else "n/a (none labelled)"
print(f"both folds, {n()} tickets: answer precision {flat_answered / max(answered, 1):.3f}, "
      f"recall {flat_answered / max(n('flat'), 1):.3f} (of flat), needs-action kept from the bot {kept}")
for label in sorted(total):
    print(f"  {label:<13} " + ", ".join(f"{r} {c}" for r, c in sorted(total[label].items())))
EOF
rm -rf "$work"
