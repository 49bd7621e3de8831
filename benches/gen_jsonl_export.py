#!/usr/bin/env python3
"""Writes a large generic JSONL export for ingest benchmarks, made from the demo desk.

    python3 benches/gen_jsonl_export.py 100000 /tmp/export-100k.jsonl

Each ticket copies a closed demo case (thread, quotes, signatures, personal data included) under a new
id and a shifted date, so cleaning meets the same realistic text at any scale. Deterministic.
"""
import json
import sys
from pathlib import Path

from demo_cases import closed_cases

n = int(sys.argv[1])
out = Path(sys.argv[2])

cases = closed_cases()

with out.open("w", encoding="utf-8") as f:
    for i in range(n):
        case, thread = cases[i % len(cases)]
        day = 1 + (i // len(cases)) % 28
        f.write(json.dumps({
            "id": str(1_000_000 + i),
            "subject": case["subject"],
            "status": "closed",
            "created_at": f"2025-03-{day:02d}T10:00:00+03:00",
            "channel": case["channel"],
            "tags": [str(x) for x in case["labels"]],
            "rating": case["rating"] or None,
            "messages": [
                {"author": "staff" if m["staff_id"] else "customer", "internal": m["note"], "body": m["content"],
                 "created_at": f"2025-03-{day:02d}T10:{j:02d}:00+03:00"}
                for j, m in enumerate(thread)
            ],
        }, ensure_ascii=False) + "\n")
print(f"{n} tickets -> {out}")
