#!/usr/bin/env python3
"""Token vectors for token matching (src/cluster/tokens.rs), next to vector dumps of `kbforge eval cluster`:

    pip install onnxruntime tokenizers numpy
    python3 benches/token_vectors.py <model_dir> /tmp/banking.jsonl /tmp/b77.jsonl …   # writes /tmp/banking.tokens …
    KBFORGE_TOKEN_MATCH=0.5 KBFORGE_GRAPH='lexical = 0.3' cargo bench --bench cluster_quality -- /tmp/banking.jsonl …

Each dump's texts (as embedded, with their `query: ` prefix) go through the same ONNX model with the
same tokenizer.json. Of each text's last hidden states it keeps the content tokens (not <s>, the
prefix or </s>), centred on the set's mean content token and L2-normalised, each weighted by
ln(N / df) of its token id over the set. The sidecar format is the one `Tokens::read` documents.
The pooled vectors these states give are checked against the dump's (cosine ≥ 0.999).
"""
import json
import struct
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer


def hidden_states(session, tokenizer, texts, batch=64):
    """(ids, last hidden state) of every text, batched by length."""
    out = [None] * len(texts)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for s in range(0, len(order), batch):
        idx = order[s : s + batch]
        enc = tokenizer.encode_batch([texts[i] for i in idx])
        width = min(512, max(len(e.ids) for e in enc))
        ids = np.zeros((len(idx), width), np.int64)
        mask = np.zeros_like(ids)
        for r, e in enumerate(enc):
            m = min(width, len(e.ids))
            ids[r, :m] = e.ids[:m]
            mask[r, :m] = 1
        h = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        for r, i in enumerate(idx):
            m = int(mask[r].sum())
            out[i] = (ids[r, :m].copy(), h[r, :m].copy())
    return out


def prefix_tokens(tokenizer, text):
    """<s> and the tokens of a `query: ` or `passage: ` prefix."""
    for prefix in ("query:", "passage:"):
        if text.startswith(prefix + " "):
            return len(tokenizer.encode(prefix).ids) - 1
    return 1


def main():
    model = Path(sys.argv[1])
    tokenizer = Tokenizer.from_file(str(model / "tokenizer.json"))
    session = ort.InferenceSession(str(model / "model.onnx"))
    for dump in map(Path, sys.argv[2:]):
        rows = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines() if line.strip()]
        states = hidden_states(session, tokenizer, [r["text"] for r in rows])
        pooled = np.array([h.mean(0) for _, h in states])
        pooled /= np.linalg.norm(pooled, axis=1, keepdims=True)
        agreement = (pooled * np.array([r["vector"] for r in rows])).sum(1).min()
        if agreement < 0.999:
            sys.exit(f"{dump}: the model's pooled vectors differ from the dump's (least cosine {agreement:.4f})")
        df = Counter()
        for ids, _ in states:
            df.update(set(ids.tolist()))
        n = len(states)
        kept = []
        for r, (ids, h) in zip(rows, states):
            skip = prefix_tokens(tokenizer, r["text"])
            if len(ids) > skip + 1:
                ids, h = ids[skip:-1], h[skip:-1]
            kept.append((np.array([np.log(n / df[t]) for t in ids.tolist()], np.float32), h))
        mean = np.concatenate([h for _, h in kept]).mean(0)
        out = dump.with_suffix(".tokens")
        with out.open("wb") as f:
            f.write(struct.pack("<II", n, len(mean)))
            for weights, h in kept:
                h = h - mean
                h /= np.linalg.norm(h, axis=1, keepdims=True)
                f.write(struct.pack("<I", len(weights)))
                f.write(weights.astype("<f4").tobytes())
                f.write(h.astype("<f4").tobytes())
        print(f"{out}: {n} questions, {sum(len(w) for w, _ in kept)} tokens, pooled cosine ≥ {agreement:.5f}")


if __name__ == "__main__":
    main()
