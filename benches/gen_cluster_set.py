#!/usr/bin/env python3
"""Writes a large labelled question set for the clustering scale benchmark, from ../shared/data.

    python3 benches/gen_cluster_set.py 100000 /tmp/questions-100k.jsonl

Sources: banking77 (en, 13,083), the DSTC11 intent-clustering turns (en, 2,450) and the Russian
autointent sets (1,455), with intents prefixed by their set so they never collide. The first 17k lines
are the real texts; after them come variants the way customers really write: typos (a dropped,
doubled or swapped letter), a greeting or a "please" added, lower case, no final punctuation.
Deterministic, and every prefix of the output is a valid set: the first 10,000 lines of the 100k
file are the 10k set, so embeddings cached for the large set serve the smaller ones.
"""
import json
import random
import sys
from pathlib import Path

n = int(sys.argv[1])
out = Path(sys.argv[2])
data = Path(__file__).resolve().parent.parent.parent / "shared" / "data"

rows = []
for line in open(data / "banking77_en" / "data.jsonl", encoding="utf-8"):
    v = json.loads(line)
    rows.append((v["text"], "b77:" + v["intent"]))
for line in open(data / "dstc11_intent_clustering_en" / "data.jsonl", encoding="utf-8"):
    v = json.loads(line)
    rows.append((v["text"], "dstc11:" + v["domain"] + ":" + v["intent"]))
for line in open(data / "autointent_ru_fewshot" / "data.jsonl", encoding="utf-8"):
    v = json.loads(line)
    rows.append((v["text"], "ru:" + v["subset"] + ":" + str(v["intent"])))

rng = random.Random(42)
rng.shuffle(rows)

EN_PRE = ["Hi, ", "Hello! ", "Hey, ", "Good morning. ", "Hi there, ", "Excuse me, "]
EN_POST = [" please", " Thanks!", " thank you", " asap", " Please help.", ""]
RU_PRE = ["Здравствуйте! ", "Добрый день, ", "Привет, ", "Подскажите, ", "Здравствуйте, "]
RU_POST = [" пожалуйста", " Спасибо!", " срочно", " Заранее спасибо.", ""]


def typo(text):
    words = text.split()
    if not words:
        return text
    i = rng.randrange(len(words))
    w = words[i]
    if len(w) > 3:
        j = rng.randrange(1, len(w) - 1)
        kind = rng.randrange(3)
        if kind == 0:
            w = w[:j] + w[j + 1:]
        elif kind == 1:
            w = w[:j] + w[j] + w[j:]
        else:
            w = w[:j - 1] + w[j] + w[j - 1] + w[j + 1:]
    words[i] = w
    return " ".join(words)


def variant(text):
    cyr = any("\u0400" <= c <= "\u04ff" for c in text)
    t = text
    for _ in range(rng.randrange(1, 3)):
        t = typo(t)
    if rng.random() < 0.5:
        t = rng.choice(RU_PRE if cyr else EN_PRE) + t[:1].lower() + t[1:]
    if rng.random() < 0.4:
        t = t.rstrip(".?!") + rng.choice(RU_POST if cyr else EN_POST)
    if rng.random() < 0.3:
        t = t.lower()
    return t


with out.open("w", encoding="utf-8") as f:
    for k in range(n):
        text, intent = rows[k] if k < len(rows) else rows[rng.randrange(len(rows))]
        if k >= len(rows):
            text = variant(text)
        f.write(json.dumps({"text": text, "intent": intent}, ensure_ascii=False) + "\n")
print(f"{n} questions -> {out}")
