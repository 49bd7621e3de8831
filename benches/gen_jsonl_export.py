#!/usr/bin/env python3
"""Writes a large generic JSONL export for ingest benchmarks, made from the demo desk.

    python3 benches/gen_jsonl_export.py 100000 /tmp/export-100k.jsonl

Each ticket copies a closed demo case (thread, quotes, signatures, personal data included) under a new
id and a shifted date, so cleaning meets the same realistic text at any scale. Deterministic.
"""
import json
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent / "examples" / "omnidesk"
n = int(sys.argv[1])
out = Path(sys.argv[2])

cases = []
for page in sorted(root.glob("cases.page*.json")):
    data = json.loads(page.read_text(encoding="utf-8"))
    for key, entry in data.items():
        if key == "total_count":
            continue
        case = entry["case"]
        if case["status"] != "closed" or case["deleted"] or case["spam"]:
            continue
        msgs = json.loads((root / "messages" / f"{case['case_id']}.json").read_text(encoding="utf-8"))
        thread = [msgs[k]["message"] for k in sorted((k for k in msgs if k != "total_count"), key=int)]
        cases.append((case, thread))

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
