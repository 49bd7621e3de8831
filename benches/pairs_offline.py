#!/usr/bin/env python3
"""The pairs clustering of `kbforge eval desk`, reproduced in numpy on a desk's vector dump, for
trying another similarity before writing it in Rust (docs/BENCHMARKS.md, issue 19).

    KBFORGE_EVAL_DUMP=/tmp/vm.jsonl kbforge eval desk examples/voltmarket/tickets.jsonl --labels examples/voltmarket/labels.jsonl
    python3 benches/pairs_offline.py plain      /tmp/vm.jsonl examples/voltmarket/labels.jsonl
    python3 benches/pairs_offline.py sentences  /tmp/vm.jsonl examples/voltmarket/labels.jsonl <model_dir>
    python3 benches/pairs_offline.py templates  /tmp/vm.jsonl examples/voltmarket/labels.jsonl
    python3 benches/pairs_offline.py tfidf      /tmp/vm.jsonl examples/voltmarket/labels.jsonl
    python3 benches/pairs_offline.py tokens     /tmp/vm.jsonl examples/voltmarket/labels.jsonl <model_dir> [most tokens, 64]
    python3 benches/pairs_offline.py halves     /tmp/vm.jsonl examples/voltmarket/labels.jsonl <model_dir>
    python3 benches/pairs_offline.py leftovers  /tmp/vm.jsonl examples/voltmarket/labels.jsonl <model_dir>
    python3 benches/pairs_offline.py polish     /tmp/vm.jsonl examples/voltmarket/labels.jsonl <model_dir>
    python3 benches/pairs_offline.py articles   /tmp/vm.jsonl examples/voltmarket/labels.jsonl <model_dir>
    python3 benches/pairs_offline.py tree       /tmp/vm.jsonl examples/voltmarket/labels.jsonl <model_dir>
    python3 benches/pairs_offline.py refusals   /tmp/vm.jsonl examples/voltmarket/labels.jsonl <model_dir>
    python3 benches/pairs_offline.py stability  /tmp/demo.jsonl examples/labels.jsonl <model_dir>

Every variant prints purity / coverage / duplicates at thresholds 0.2-0.5. `plain` is the product's
own similarity and gives `eval desk`'s numbers to the draft at every threshold. What it reproduces:
- the tickets clustered are every pair not classified empty (`cluster/assign.rs`);
- questions centred on their mean and re-normalised, answers likewise (`cluster/pairs.rs`); two
  answered pairs are alike by the mean of both cosines, two unanswered ones by the question, one
  of each by the question cosine over sqrt 2;
- average linkage from single tickets, the best mean first, cut at the threshold (the product
  restricts the candidates to 15 neighbours, which on the labelled desks changes nothing);
- a draft is a cluster of 3+ whose members are mostly flat; purity is ticket-weighted, coverage
  counts the labelled flat intents with 3+ tickets that are the sole majority of a draft (a tie
  covers nothing), duplicates are second drafts of a sole majority (`eval/desk.rs`).

Needs numpy; `sentences` and `tokens` also onnxruntime and tokenizers, `tfidf` snowballstemmer (all on PyPI).
"""
import collections
import json
import math
import os
import re
import sys

import numpy as np

THRESHOLDS = [round(0.2 + 0.025 * i, 3) for i in range(13)]


def unit(m):
    n = np.linalg.norm(m, axis=1, keepdims=True)
    n[n == 0] = 1
    return m / n


def centre(m):
    return unit(m - m.mean(0))


def load(dump, labels):
    rows = [json.loads(line) for line in open(dump, encoding="utf-8")]
    lab = {}
    for line in open(labels, encoding="utf-8"):
        if line.strip():
            x = json.loads(line)
            lab[str(x.get("id", x.get("case_id")))] = x
    return [r for r in rows if r["kind"] != "empty"], lab


def similarity(rows, answer_sim=None, question=None, question_sim=None):
    """The pair similarity matrix; `answer_sim(answered_rows)` replaces the answer cosine,
    `question` the centred question vectors, `question_sim(rows)` the question cosine."""
    q = question if question is not None else centre(np.array([r["vector"] for r in rows], np.float32))
    has = np.array([bool(r.get("answer_vector")) for r in rows])
    sa = np.zeros((len(rows), len(rows)), np.float32)
    idx = np.flatnonzero(has)
    if answer_sim is None:
        a = centre(np.array([rows[i]["answer_vector"] for i in idx], np.float32))
        sa[np.ix_(idx, idx)] = a @ a.T
    else:
        sa[np.ix_(idx, idx)] = answer_sim([rows[i] for i in idx])
    sq = q @ q.T if question_sim is None else question_sim(rows)
    both, none = np.outer(has, has), np.outer(~has, ~has)
    return np.where(both, 0.5 * (sq + sa), np.where(none, sq, sq / math.sqrt(2)))


def average_linkage(s, t, question=None, min_size=3, merges=None):
    """Average linkage cut at `t`. With `question` (each two tickets' question part of their
    similarity, [`question_part`]), two clusters of `min_size` or more (two drafts already) merge
    only when one part alone, the questions' mean part or the answers' (the mean less it), reaches
    the threshold: one side is enough to call them one article, not two weak agreements adding
    up. A refused pair stays refused, and its clusters' refusals pass to what they merge into.
    With `merges` (a list), each merge is appended to it as `(i, j, mean)`: cluster `j` joined
    cluster `i` (ids are a member's index), in order."""
    n = len(s)
    sums = [s.astype(np.float64).copy()] + ([] if question is None else [question.astype(np.float64).copy()])
    for w in sums:
        np.fill_diagonal(w, 0)
    w = sums[0]
    size, active, label = np.ones(n), np.ones(n, bool), np.arange(n)
    refused = np.zeros((n, n), bool)
    while True:
        mean = w / np.outer(size, size)
        mean[~active, :] = -9
        mean[:, ~active] = -9
        np.fill_diagonal(mean, -9)
        mean[refused] = -9
        i, j = divmod(int(np.argmax(mean)), n)
        if mean[i, j] < t:
            return label
        if question is not None and size[i] >= min_size and size[j] >= min_size:
            q = sums[1][i, j] / (size[i] * size[j])
            if max(q, mean[i, j] - q) < t:
                refused[i, j] = refused[j, i] = True
                continue
        if merges is not None:
            merges.append((i, j, mean[i, j]))
        for m in sums:
            m[i, :] += m[j, :]
            m[:, i] += m[:, j]
            m[i, i] = 0
            m[j, :] = 0
            m[:, j] = 0
        refused[i, :] |= refused[j, :]
        refused[:, i] |= refused[:, j]
        refused[j, :] = False
        refused[:, j] = False
        size[i] += size[j]
        active[j] = False
        label[label == j] = i


def score(rows, lab, label, min_size=3):
    groups = collections.defaultdict(list)
    for r, c in zip(rows, label):
        groups[c].append(r)
    eligible = {i for i, n in collections.Counter(x["intent"] for x in lab.values() if x["kind"] == "flat").items() if n >= min_size}
    pure = total = duplicates = drafts = 0
    covered = set()
    for g in groups.values():
        if len(g) < min_size or sum(r["kind"] == "flat" for r in g) * 2 <= len(g):
            continue
        drafts += 1
        counts = collections.Counter(r["intent"] for r in g)
        n = max(counts.values())
        leaders = [i for i, c in counts.items() if c == n]
        pure += n
        total += len(g)
        if len(leaders) == 1:
            duplicates += leaders[0] in covered
            covered.add(leaders[0])
    return pure / max(total, 1), len(covered & eligible) / max(len(eligible), 1), duplicates, drafts


def report(name, rows, lab, s):
    cells = []
    for t in THRESHOLDS:
        p, c, d, n = score(rows, lab, average_linkage(s, t))
        cells.append(f"{t}: {p:.3f}/{c:.3f}/{d} of {n}")
    print(f"{name}\n  " + "\n  ".join(cells), flush=True)


def sentences_of(text):
    parts = [p.strip() for p in re.split(r"(?<=[.!?…])\s+|\n+", text) if p and p.strip()]
    return [p for p in parts if sum(ch.isalpha() for ch in p) >= 3] or [text]


def load_model(model_dir):
    """benches/embed_python.py's model: the product's tokenizer, truncation and pooling."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from embed_python import Model

    return Model(model_dir)


def embed(model_dir, texts):
    return np.array(load_model(model_dir).embed_all(texts), np.float32)


def sentences(rows, lab, model_dir):
    """The answer as its sentences: their mean vector, or the symmetric Chamfer similarity."""
    owner, texts = [], []
    for i, r in enumerate(rows):
        if r.get("answer_vector"):
            for s in sentences_of(r["answer"]):
                owner.append(i)
                texts.append("query: " + s)
    vectors = embed(model_dir, texts)
    by_row = collections.defaultdict(list)
    for k, i in enumerate(owner):
        by_row[i].append(k)
    answered = [i for i, r in enumerate(rows) if r.get("answer_vector")]

    def mean_of_sentences(_):
        a = centre(np.array([vectors[by_row[i]].mean(0) for i in answered]))
        return a @ a.T

    def chamfer(_):
        c = centre(vectors)
        m = c @ c.T
        out = np.zeros((len(answered), len(answered)), np.float32)
        for x, i in enumerate(answered):
            rows_i = m[by_row[i]]
            for y, j in enumerate(answered):
                block = rows_i[:, by_row[j]]
                out[x, y] = 0.5 * (block.max(1).mean() + block.max(0).mean())
        return out

    report("mean of sentence vectors", rows, lab, similarity(rows, mean_of_sentences))
    report("Chamfer over sentences", rows, lab, similarity(rows, chamfer))


def ledoit_wolf(x):
    n, p = x.shape
    s = x.T @ x / n
    mu = np.trace(s) / p
    delta = ((s - mu * np.eye(p)) ** 2).sum() / p
    beta = sum(((np.einsum("ni,nj->nij", x[i : i + 256], x[i : i + 256]) - s) ** 2).sum() for i in range(0, n, 256))
    return min(beta / p / n / n, delta) / delta


def templates(rows, lab):
    """Questions whitened by their scatter within groups of tickets answered with the same text."""
    raw = np.array([r["vector"] for r in rows], np.float64)
    qc = raw - raw.mean(0)
    groups = collections.defaultdict(list)
    for i, r in enumerate(rows):
        if r.get("answer_vector"):
            groups[r["answer"]].append(i)
    groups = [g for g in groups.values() if len(g) >= 2]
    x = np.concatenate([qc[g] - qc[g].mean(0) for g in groups])
    scatter = x.T @ x / len(x)
    lw = ledoit_wolf(x)
    print(f"{len(groups)} groups of 2+ identical answers, {len(x)} tickets; Ledoit-Wolf shrinkage {lw:.2f}")
    d = scatter.shape[0]
    for shrink in sorted({0.9, 0.5, 0.3, round(lw, 2)}, reverse=True):
        w, u = np.linalg.eigh((1 - shrink) * scatter + shrink * np.trace(scatter) / d * np.eye(d))
        q = unit(qc @ (u @ np.diag(w**-0.5) @ u.T)).astype(np.float32)
        report(f"questions whitened within template groups, shrinkage {shrink}", rows, lab, similarity(rows, question=q))


def tfidf(rows, lab):
    """Stemmed TF-IDF of the answers blended into the answer half."""
    import snowballstemmer

    ru, en = snowballstemmer.stemmer("russian"), snowballstemmer.stemmer("english")

    def stems(text):
        words = re.findall(r"[^\W\d_]{3,}", text.lower())
        return [ru.stemWord(w) if re.search("[а-яё]", w) else en.stemWord(w) for w in words]

    def blend(weight, centred):
        def answer_sim(answered):
            docs = [collections.Counter(stems(r["answer"])) for r in answered]
            df = collections.Counter(w for doc in docs for w in doc)
            vocab = {w: i for i, w in enumerate(df)}
            m = np.zeros((len(docs), len(vocab)), np.float32)
            for k, doc in enumerate(docs):
                for w, n in doc.items():
                    m[k, vocab[w]] = (1 + math.log(n)) * math.log(len(docs) / df[w])
            m = centre(m) if centred else unit(m)
            a = centre(np.array([r["answer_vector"] for r in answered], np.float32))
            return (1 - weight) * (a @ a.T) + weight * (m @ m.T)

        return answer_sim

    for weight in (0.3, 0.5):
        for centred in (True, False):
            report(f"answer TF-IDF at weight {weight}, {'centred' if centred else 'not centred'}", rows, lab, similarity(rows, blend(weight, centred)))


def token_match(states):
    """Symmetric BERTScore of every two texts (`cluster::tokens` as the graph method runs it): token
    states centred on the set's mean token and normalised, each token weighted by ln(N / df) of
    its id; per side the weighted mean of each token's best cosine with the other's tokens. Then
    centred on its mean over every two different texts, so unrelated texts sit at 0 as centred
    cosines do."""
    n = len(states)
    df = collections.Counter(int(t) for ids, _ in states for t in set(ids.tolist()))
    mean = np.concatenate([s for _, s in states if len(s)]).mean(0)
    seg = np.cumsum([0] + [len(ids) for ids, _ in states])
    tok = unit(np.concatenate([s - mean for _, s in states]).astype(np.float32))
    w = np.array([math.log(n / df[int(t)]) for ids, _ in states for t in ids], np.float32)
    some = seg[1:] > seg[:-1]
    starts = seg[:-1][some]
    out = np.zeros((n, n), np.float32)
    for i in np.flatnonzero(some):
        block = tok[seg[i] : seg[i + 1]] @ tok.T
        wi = w[seg[i] : seg[i + 1]]
        side_i = wi @ np.maximum.reduceat(block, starts, axis=1) / wi.sum()
        side_j = np.add.reduceat(block.max(0) * w, starts) / np.add.reduceat(w, starts)
        out[i, some] = 0.5 * (side_i + side_j)
    off = ~np.eye(n, dtype=bool)
    return out - out[off].mean()


def tokens(rows, lab, model_dir, most):
    """Token matching blended at half weight (the graph method's `token-match`) into the answer
    half, the question half, or both; each text's first `most` content tokens (the embed stage
    keeps a question's first 64)."""
    model = load_model(model_dir)
    answered = [i for i, r in enumerate(rows) if r.get("answer_vector")]
    tq = token_match(model.token_states([r["question"] for r in rows], most=most))
    ta = token_match(model.token_states([rows[i]["answer"] for i in answered], most=most))

    def answer_sim(_):
        a = centre(np.array([rows[i]["answer_vector"] for i in answered], np.float32))
        return 0.5 * (a @ a.T) + 0.5 * ta

    def question_sim(_):
        q = centre(np.array([r["vector"] for r in rows], np.float32))
        return 0.5 * (q @ q.T) + 0.5 * tq

    report("token matching in the answer half", rows, lab, similarity(rows, answer_sim))
    report("token matching in the question half", rows, lab, similarity(rows, question_sim=question_sim))
    report("token matching in both halves", rows, lab, similarity(rows, answer_sim, question_sim=question_sim))


def halves(rows, lab, model_dir):
    """Why the two halves weigh the same: over every two answered tickets, each half's spread over
    the pairs of different intents (the noise an unrelated pair shows), its mean over the pairs of
    one intent, and how well it alone ranks same-intent pairs above the others (the pairs' AUC).
    Halves of equal noise add on one scale; then the product's similarity (token matching in the
    answer half) clusters with the answer at half and at two thirds of the weight."""
    model = load_model(model_dir)
    answered = [i for i, r in enumerate(rows) if r.get("answer_vector")]
    ta = token_match(model.token_states([rows[i]["answer"] for i in answered], most=64))
    a = centre(np.array([rows[i]["answer_vector"] for i in answered], np.float32))
    q = centre(np.array([rows[i]["vector"] for i in answered], np.float32))
    intent = np.array([rows[i]["intent"] for i in answered])
    upper = np.triu_indices(len(answered), 1)
    same = (intent[:, None] == intent[None, :])[upper]

    def auc(x):
        ranks = np.empty(len(x))
        ranks[np.argsort(x)] = np.arange(len(x))
        pos = same.sum()
        return (ranks[same].sum() - pos * (pos - 1) / 2) / (pos * (len(x) - pos))

    sq, sa = (q @ q.T)[upper], (0.5 * (a @ a.T) + 0.5 * ta)[upper]
    for name, x in [("question half", sq), ("answer half", sa), ("their mean", 0.5 * (sq + sa))]:
        print(f"{name:14s} noise {x[~same].std():.3f}  same-intent mean {x[same].mean():.3f}  AUC {auc(x):.4f}")
    full = np.zeros((len(rows), len(rows)), np.float32)
    full[np.ix_(answered, answered)] = 0.5 * (a @ a.T) + 0.5 * ta
    qa = centre(np.array([r["vector"] for r in rows], np.float32))
    has = np.array([bool(r.get("answer_vector")) for r in rows])
    both, none = np.outer(has, has), np.outer(~has, ~has)
    for w in [0.5, 2 / 3]:
        s = np.where(both, (1 - w) * (qa @ qa.T) + w * full, np.where(none, qa @ qa.T, (qa @ qa.T) / math.sqrt(2)))
        report(f"the answer at {w:.2f} of the similarity", rows, lab, s)


def product_similarity(rows, model_dir):
    """The product's similarity matrix: token matching (first 64 tokens) beside the centred cosine
    in the answer half, as `cluster::pairs` blends them."""
    model = load_model(model_dir)
    answered = [i for i, r in enumerate(rows) if r.get("answer_vector")]
    ta = token_match(model.token_states([rows[i]["answer"] for i in answered], most=64))
    a = centre(np.array([rows[i]["answer_vector"] for i in answered], np.float32))
    return similarity(rows, lambda _: 0.5 * (a @ a.T) + 0.5 * ta)


def join_leftovers(s, label, t, min_size=3):
    """Tickets that average linkage left in clusters smaller than `min_size` join by single linkage
    at the same threshold, among themselves only: the strongest links first, two leftover groups
    becoming one when any two of their tickets reach `t`."""
    size = collections.Counter(label.tolist())
    left = [i for i in range(len(label)) if size[label[i]] < min_size]
    parent = {int(label[i]): int(label[i]) for i in left}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    links = sorted(((s[i, j], i, j) for x, i in enumerate(left) for j in left[x + 1 :] if label[i] != label[j]), reverse=True)
    for v, i, j in links:
        if v < t:
            break
        parent[find(int(label[j]))] = find(int(label[i]))
    out = label.copy()
    for i in left:
        out[i] = find(int(label[i]))
    return out


def leftovers(rows, lab, model_dir):
    """The product's similarity (token matching in the answer half), average linkage, then the
    leftovers joined by single linkage at the same threshold ([`join_leftovers`])."""
    s = product_similarity(rows, model_dir)
    for t in THRESHOLDS[2:7]:
        base = average_linkage(s, t)
        for name, label in [("average linkage", base), ("and the leftovers joined", join_leftovers(s, base, t))]:
            p, c, d, n = score(rows, lab, label)
            print(f"{t}: {name:25s} {p:.3f}/{c:.3f}/{d} of {n}  purity x coverage {p * c:.3f}", flush=True)


def reassign(s, label, t, rounds=10):
    """Each ticket moved to the cluster it is on average most alike (average linkage's own rule,
    applied again at the end), when that mean reaches `t` and beats its own cluster's without it;
    every move of a round decided on the round's start, until nothing moves."""
    label = label.copy()
    n = len(s)
    for _ in range(rounds):
        ids = sorted(set(label.tolist()))
        col = {c: k for k, c in enumerate(ids)}
        member = np.zeros((n, len(ids)))
        member[np.arange(n), [col[c] for c in label]] = 1
        sums, sizes = s @ member, member.sum(0)
        new = label.copy()
        for i in range(n):
            own = col[label[i]]
            total, size = sums[i].copy(), sizes.copy()
            total[own] -= s[i, i]
            size[own] -= 1
            mean = np.where(size > 0, total / np.maximum(size, 1), -9)
            best = int(np.argmax(mean))
            if best != own and mean[best] >= t and (size[own] == 0 or mean[best] > mean[own]):
                new[i] = ids[best]
        if (new == label).all():
            break
        label = new
    return label


def join_singletons(s, label, t):
    """A ticket left alone joins a group of two when its nearest ticket is in that group and their
    similarity reaches `t`: a group of two the linkage agreed on, completed to three."""
    size = collections.Counter(label.tolist())
    near = s.copy()
    np.fill_diagonal(near, -9)
    out = label.copy()
    for i in range(len(label)):
        j = int(np.argmax(near[i]))
        if size[label[i]] == 1 and size[label[j]] == 2 and near[i, j] >= t:
            out[i] = label[j]
    return out


def polish(rows, lab, model_dir):
    """The product's similarity (token matching in the answer half), average linkage, then three
    passes after it: every ticket reassigned to the cluster it is most alike on average; a lone
    ticket completing its nearest ticket's group of two; both."""
    s = product_similarity(rows, model_dir)
    for t in THRESHOLDS[1:7]:
        base = average_linkage(s, t)
        passes = [("average linkage", base), ("reassigned", reassign(s, base, t)), ("lone joins a two", join_singletons(s, base, t))]
        passes.append(("both", reassign(s, passes[2][1], t)))
        for name, label in passes:
            p, c, d, n = score(rows, lab, label)
            print(f"{t}: {name:17s} {p:.3f}/{c:.3f}/{d} of {n}  purity x coverage {p * c:.3f}", flush=True)


def articles(rows, lab, model_dir):
    """The product's similarity and average linkage, against the same with two drafts merging only
    when one part alone reaches the threshold ([`average_linkage`] with the question parts)."""
    s = product_similarity(rows, model_dir)
    q = centre(np.array([r["vector"] for r in rows], np.float32))
    for t in THRESHOLDS[1:7]:
        for name, label in [("average linkage", average_linkage(s, t)), ("one half alone", average_linkage(s, t, question=question_part(rows, q)))]:
            p, c, d, n = score(rows, lab, label)
            print(f"{t}: {name:16s} {p:.3f}/{c:.3f}/{d} of {n}  purity x coverage {p * c:.3f}", flush=True)


def merge_tree(s, t):
    """Plain average linkage cut at `t`, recording its merges ([`average_linkage`]'s `merges`)."""
    merges = []
    average_linkage(s, t, merges=merges)
    return merges


def question_part(rows, q):
    """Each two tickets' question part of their similarity: the dot product of their pair vectors'
    question halves (half the cosine for two answered, the cosine for two unanswered, the cosine
    over sqrt 2 for one of each); the rest of the similarity is the answers' part."""
    has = np.array([bool(r.get("answer_vector")) for r in rows])
    sq = q @ q.T
    both, none = np.outer(has, has), np.outer(~has, ~has)
    return np.where(both, 0.5 * sq, np.where(none, sq, sq / math.sqrt(2)))


def split_drafts(s, qp, merges, t, min_size=3, stragglers=True):
    """The linkage's final clusters, each split where two drafts met on two weak agreements: top
    down from a cluster's last merge, a merge of two sides of `min_size` or more tickets whose
    question part and answer part of the mean similarity are both under `t` is undone, and each
    side is looked at in turn. With `stragglers`, a merge of a draft and fewer tickets is looked
    through: the draft's side decides, and the few go with the piece they are most alike."""
    n = len(s)
    members = {i: [i] for i in range(n)}
    node = {i: ("leaf", i) for i in range(n)}
    for i, j, m in merges:
        a, b = members[i], members[j]
        qm = qp[np.ix_(a, b)].mean()
        node[i] = ("merge", node[i], node[j], m, qm, len(a), len(b))
        members[i] = a + b
        del members[j], node[j]

    def leaves(x):
        if x[0] == "leaf":
            return [x[1]]
        return leaves(x[1]) + leaves(x[2])

    def split(x):
        if x[0] == "leaf":
            return [[x[1]]]
        _, l, r, m, qm, nl, nr = x
        if nl >= min_size and nr >= min_size:
            if max(qm, m - qm) < t:
                return split(l) + split(r)
            return [leaves(x)]
        if not stragglers:
            return [leaves(x)]
        big, few = (l, r) if nl >= nr else (r, l)
        pieces = split(big)
        if len(pieces) == 1:
            return [leaves(x)]
        few = leaves(few)
        best = max(range(len(pieces)), key=lambda k: s[np.ix_(few, pieces[k])].mean())
        pieces[best] = pieces[best] + few
        return pieces

    label = np.arange(n)
    for root in node.values():
        for piece in split(root):
            label[piece] = piece[0]
    return label


def tree(rows, lab, model_dir):
    """The product's similarity and plain average linkage, then its final clusters split where two
    drafts met on two weak agreements ([`split_drafts`]), decided on the finished tree rather than
    during the merging, so the result is a function of plain linkage's clusters."""
    s = product_similarity(rows, model_dir)
    q = centre(np.array([r["vector"] for r in rows], np.float32))
    qp = question_part(rows, q)
    for t in THRESHOLDS[1:7]:
        merges = merge_tree(s, t)
        plain = split_drafts(s, qp, merges, -9)
        for name, label in [("average linkage", plain), ("split at the root", split_drafts(s, qp, merges, t, stragglers=False)), ("split through stragglers", split_drafts(s, qp, merges, t))]:
            p, c, d, n = score(rows, lab, label)
            print(f"{t}: {name:24s} {p:.3f}/{c:.3f}/{d} of {n}  purity x coverage {p * c:.3f}", flush=True)


def refusals(rows, lab, model_dir, t=0.275):
    """Every merge of plain average linkage at `t` that the one-part rule would refuse (two sides
    of 3+ tickets, both parts of their mean similarity under `t`), with whether the two sides'
    majority intents are the same: how well the rule tells two articles from one."""
    s = product_similarity(rows, model_dir)
    qp = question_part(rows, centre(np.array([r["vector"] for r in rows], np.float32)))
    members = {i: [i] for i in range(len(rows))}
    right = wrong = 0
    for i, j, m in merge_tree(s, t):
        a, b = members[i], members[j]
        if len(a) >= 3 and len(b) >= 3:
            qm = qp[np.ix_(a, b)].mean()
            if max(qm, m - qm) < t:
                ia, ib = (collections.Counter(rows[x]["intent"] for x in side).most_common(1)[0][0] for side in (a, b))
                right += ia != ib
                wrong += ia == ib
                print(f"{'two intents' if ia != ib else 'one intent '} mean {m:.3f} question part {qm:.3f} answer part {m - qm:.3f}  {len(a)} + {len(b)}  {ia} | {ib}")
        members[i] = a + b
        del members[j]
    print(f"refused {right + wrong}: {right} between two intents, {wrong} inside one")


def stability(rows, lab, model_dir, t=0.275):
    """Each way of clustering on the desk and on the desk without every tenth ticket (numeric id
    ending in 3, as tests/cluster_stability.rs holds back; else every tenth row): the drafts of
    both, and how many of the smaller desk's drafts fall into a full-desk cluster another of its
    drafts already fell into (an article that a full re-clustering would leave without a cluster)."""
    def num(r):
        tail = re.sub(r"\D", "", str(r["ticket"]).rsplit(":", 1)[-1])
        return int(tail) if tail else None

    part = [r for k, r in enumerate(rows) if (num(r) if num(r) is not None else k) % 10 != 3]

    def ways(rs):
        s = product_similarity(rs, model_dir)
        qp = question_part(rs, centre(np.array([r["vector"] for r in rs], np.float32)))
        merges = merge_tree(s, t)
        return {
            "average linkage": split_drafts(s, qp, merges, -9),
            "one part, while merging": average_linkage(s, t, question=qp),
            "split at the root": split_drafts(s, qp, merges, t, stragglers=False),
            "split through stragglers": split_drafts(s, qp, merges, t),
        }

    full, small = ways(rows), ways(part)
    where = {r["ticket"]: k for k, r in enumerate(rows)}
    for name in full:
        groups = collections.defaultdict(list)
        for r, c in zip(part, small[name]):
            groups[c].append(where[r["ticket"]])
        landed = collections.Counter(
            collections.Counter(full[name][i] for i in g).most_common(1)[0][0] for g in groups.values() if len(g) >= 3
        )
        lost = sum(v - 1 for v in landed.values())
        p, c, d, n = score(rows, lab, full[name])
        ps, cs, ds, ns = score(part, lab, small[name])
        print(f"{t}: {name:24s} desk {n} drafts ({d} duplicates), without a tenth {ns} ({ds}); drafts merged by the full desk: {lost}")


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    what, dump, labels = sys.argv[1:4]
    rows, lab = load(dump, labels)
    if what == "plain":
        report("the product's similarity", rows, lab, similarity(rows))
    elif what == "sentences":
        sentences(rows, lab, sys.argv[4])
    elif what == "templates":
        templates(rows, lab)
    elif what == "tfidf":
        tfidf(rows, lab)
    elif what == "leftovers":
        leftovers(rows, lab, sys.argv[4])
    elif what == "articles":
        articles(rows, lab, sys.argv[4])
    elif what == "refusals":
        refusals(rows, lab, sys.argv[4])
    elif what == "stability":
        stability(rows, lab, sys.argv[4])
    elif what == "tree":
        tree(rows, lab, sys.argv[4])
    elif what == "polish":
        polish(rows, lab, sys.argv[4])
    elif what == "halves":
        halves(rows, lab, sys.argv[4])
    elif what == "tokens":
        tokens(rows, lab, sys.argv[4], int(sys.argv[5]) if len(sys.argv) > 5 else 64)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
