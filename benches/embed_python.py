#!/usr/bin/env python3
"""Embedding throughput of plain Python onnxruntime on the same model and texts as benches/embed.rs:
the same tokenizer.json, batches of 64 sorted by length, mean pooling, L2 normalisation, all cores.

    python3 benches/embed_python.py <model_dir> <texts.jsonl> [limit]
"""
import json
import os
import sys
import time

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

model_dir, path = sys.argv[1], sys.argv[2]
limit = int(sys.argv[3]) if len(sys.argv) > 3 else None
texts = ["query: " + json.loads(l)["text"] for l in open(path, encoding="utf-8") if l.strip()][:limit]

tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
tok.enable_truncation(512)
opts = ort.SessionOptions()
opts.intra_op_num_threads = os.cpu_count()
opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
sess = ort.InferenceSession(os.path.join(model_dir, "model.onnx"), opts, providers=["CPUExecutionProvider"])
names = {i.name for i in sess.get_inputs()}


def embed(batch_texts):
    enc = tok.encode_batch(batch_texts)
    width = max(len(e.ids) for e in enc)
    ids = np.full((len(enc), width), 1, dtype=np.int64)
    mask = np.zeros((len(enc), width), dtype=np.int64)
    for i, e in enumerate(enc):
        ids[i, : len(e.ids)] = e.ids
        mask[i, : len(e.ids)] = 1
    feed = {"input_ids": ids, "attention_mask": mask}
    if "token_type_ids" in names:
        feed["token_type_ids"] = np.zeros_like(ids)
    hidden = sess.run(None, feed)[0]
    summed = (hidden * mask[:, :, None]).sum(axis=1)
    vec = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
    return vec / np.linalg.norm(vec, axis=1, keepdims=True)


def embed_all(all_texts, batch=64):
    order = sorted(range(len(all_texts)), key=lambda i: len(all_texts[i]))
    out = [None] * len(all_texts)
    for start in range(0, len(order), batch):
        idx = order[start : start + batch]
        for i, v in zip(idx, embed([all_texts[i] for i in idx])):
            out[i] = v
    return out


embed_all(texts[:64])  # warm-up, as on the Rust side
started = time.perf_counter()
vectors = embed_all(texts)
seconds = time.perf_counter() - started
print(json.dumps({
    "engine": "python onnxruntime " + ort.__version__,
    "texts": len(texts),
    "seconds": seconds,
    "per_second": len(texts) / seconds,
    "first": [float(x) for x in vectors[0][:6]],
}))
