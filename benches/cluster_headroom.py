#!/usr/bin/env python3
"""Where a clustering loses, before anyone tunes it: precision or recall, and how good the similarity is.

    KBFORGE_CLUSTER_LABELS=/tmp/labels cargo bench --bench cluster_quality -- /tmp/b77.jsonl …
    python3 benches/cluster_headroom.py /tmp/labels/b77.labels.jsonl [/tmp/b77.jsonl]

From the labels that `cluster_quality` writes, it prints B³ P/R/F1 as clustered, then two oracles:
- oracle merge: every cluster of 2+ renamed to its majority intent, so fragments of one intent join
  (the most that merging alone could give);
- oracle split: every cluster cut along its intents (the most that splitting alone could give).
With the vector dump as well (`KBFORGE_EVAL_DUMP`, numpy needed), it prints the kNN@15 purity of
the vectors as the graph method sees them (centred, strongest direction removed; embeddings only):
the share of each question's 15 nearest that have its intent.

Singletons count as their own clusters, as in `kbforge eval cluster`.
"""

import collections
import json
import sys


def bcubed(gold, pred):
    n = len(gold)
    in_gold, in_pred = collections.Counter(gold), collections.Counter(pred)
    both = collections.Counter(zip(gold, pred))
    p = sum(both[(g, c)] / in_pred[c] for g, c in zip(gold, pred)) / n
    r = sum(both[(g, c)] / in_gold[g] for g, c in zip(gold, pred)) / n
    return p, r, 2 * p * r / (p + r)


def knn_purity(dump, k=15):
    import numpy as np

    rows = [json.loads(line) for line in open(dump, encoding="utf-8")]
    v = np.array([r["vector"] for r in rows], dtype=np.float64)
    gold = np.array([r["intent"] for r in rows])
    v -= v.mean(0)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    top = np.linalg.eigh(v.T @ v)[1][:, -1]
    v -= np.outer(v @ top, top)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    hits = 0.0
    for start in range(0, len(v), 2048):
        s = v[start : start + 2048] @ v.T
        s[np.arange(len(s)), np.arange(start, start + len(s))] = -np.inf
        near = np.argpartition(-s, k, axis=1)[:, :k]
        hits += (gold[near] == gold[start : start + len(s), None]).sum()
    return hits / (len(v) * k)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
    gold = [r["gold"] for r in rows]
    size = collections.Counter(r["label"] for r in rows)
    pred = [r["label"] if size[r["label"]] > 1 else f"alone-{i}" for i, r in enumerate(rows)]
    members = collections.defaultdict(list)
    for g, c in zip(gold, pred):
        members[c].append(g)
    majority = {c: collections.Counter(gs).most_common(1)[0][0] for c, gs in members.items()}
    merged = [c if isinstance(c, str) and c.startswith("alone-") else majority[c] for c in pred]
    split = list(zip(pred, gold))
    for name, labels in (("as clustered", pred), ("oracle merge", merged), ("oracle split", split)):
        p, r, f = bcubed(gold, labels)
        print(f"{name:<14} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    if len(sys.argv) == 3:
        print(f"kNN@15 purity  {knn_purity(sys.argv[2]):.3f}")


if __name__ == "__main__":
    main()
