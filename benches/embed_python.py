#!/usr/bin/env python3
"""Embedding throughput of plain Python onnxruntime on the same model and texts as benches/embed.rs:
the same tokenizer.json, batches of 64 sorted by length, mean pooling, L2 normalisation, all cores.

    python3 benches/embed_python.py <model_dir> <texts.jsonl> [limit]

`Model` is also what benches/pairs_offline.py embeds with.
"""
import json
import os
import sys
import time

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer


class Model:
    """The model of `model_dir` as kbforge runs it: truncation at 512 tokens, mean pooling, unit vectors."""

    def __init__(self, model_dir):
        self.tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
        self.tok.enable_truncation(512)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = os.cpu_count()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.sess = ort.InferenceSession(os.path.join(model_dir, "model.onnx"), opts, providers=["CPUExecutionProvider"])
        self.names = {i.name for i in self.sess.get_inputs()}

    def hidden(self, batch_texts):
        """The last hidden states of a batch, its attention mask and its token ids."""
        enc = self.tok.encode_batch(batch_texts)
        width = max(len(e.ids) for e in enc)
        ids = np.full((len(enc), width), 1, dtype=np.int64)
        mask = np.zeros((len(enc), width), dtype=np.int64)
        for i, e in enumerate(enc):
            ids[i, : len(e.ids)] = e.ids
            mask[i, : len(e.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.names:
            feed["token_type_ids"] = np.zeros_like(ids)
        return self.sess.run(None, feed)[0], mask, ids

    def embed(self, batch_texts):
        hidden, mask, _ = self.hidden(batch_texts)
        summed = (hidden * mask[:, :, None]).sum(axis=1)
        vec = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        return vec / np.linalg.norm(vec, axis=1, keepdims=True)

    def token_states(self, texts, prefix="query: ", most=64, batch=32):
        """Each text's content tokens as kbforge keeps them (src/embed/tokens.rs): the ids and
        states after `<s>` and the prefix, before `</s>`, at most `most` of them."""
        skip = 1 + len(self.tok.encode(prefix.strip(), add_special_tokens=False).ids)
        out = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), batch):
            idx = order[start : start + batch]
            hidden, mask, ids = self.hidden([prefix + texts[i] for i in idx])
            for k, i in enumerate(idx):
                n = int(mask[k].sum())
                content = list(range(skip, min(n - 1, skip + most))) if n > skip + 1 else []
                out[i] = (ids[k, content], hidden[k, content].astype(np.float32))
        return out

    def embed_all(self, all_texts, batch=64):
        order = sorted(range(len(all_texts)), key=lambda i: len(all_texts[i]))
        out = [None] * len(all_texts)
        for start in range(0, len(order), batch):
            idx = order[start : start + batch]
            for i, v in zip(idx, self.embed([all_texts[i] for i in idx])):
                out[i] = v
        return out


def main():
    model_dir, path = sys.argv[1], sys.argv[2]
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else None
    texts = ["query: " + json.loads(l)["text"] for l in open(path, encoding="utf-8") if l.strip()][:limit]
    model = Model(model_dir)
    model.embed_all(texts[:64])  # warm-up, as on the Rust side
    started = time.perf_counter()
    vectors = model.embed_all(texts)
    seconds = time.perf_counter() - started
    print(json.dumps({
        "engine": "python onnxruntime " + ort.__version__,
        "texts": len(texts),
        "seconds": seconds,
        "per_second": len(texts) / seconds,
        "first": [float(x) for x in vectors[0][:6]],
    }))


if __name__ == "__main__":
    main()
