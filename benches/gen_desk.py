#!/usr/bin/env python3
"""Writes a realistic generated help desk as a JSONL ticket export, for the scheduled-run benchmarks.

    python3 benches/gen_desk.py 100000 /tmp/desk-100k.jsonl            # tickets 1..100000
    python3 benches/gen_desk.py 1000 /tmp/desk-new-1k.jsonl --start 100000   # the next 1,000

Each ticket takes a closed case of the demo desk (its thread: greeting, quotes, signature, e-mails,
phones, codes, the staff's answers, internal notes) and puts a different customer question in its
opening message: the texts of ../shared/data (banking77, DSTC11, the Russian autointent sets) and,
past their 17k, variants with typos, greetings and lower case (benches/gen_cluster_set.py's recipe).
So the desk has as many distinct questions as tickets, and cleaning meets the demo's noise. Ticket
ids and dates follow the index, so `--start` appends new tickets to an earlier desk. Deterministic.
"""
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from demo_cases import closed_cases

here = Path(__file__).resolve().parent
args = sys.argv[1:]
start = 0
if "--start" in args:
    i = args.index("--start")
    start = int(args[i + 1])
    del args[i:i + 2]
n = int(args[0])
out = Path(args[1])

# The question pool, in the order gen_cluster_set.py writes it (prefix-stable).
with tempfile.TemporaryDirectory() as tmp:
    pool_file = Path(tmp) / "questions.jsonl"
    subprocess.run([sys.executable, str(here / "gen_cluster_set.py"), str(start + n), str(pool_file)], check=True,
                   stdout=subprocess.DEVNULL)
    pool = [json.loads(line)["text"] for line in pool_file.open(encoding="utf-8")]

# Threads that open with the customer, so the question goes first.
cases = [(case, thread) for case, thread in closed_cases() if thread and not thread[0]["staff_id"]]

RU_GREET = ["Здравствуйте!", "Добрый день!", "Здравствуйте.", "Добрый вечер,", ""]
EN_GREET = ["Hello,", "Hi!", "Good afternoon,", ""]
RU_SIGN = ["\n\nС уважением, {name}\nТел.: +7 9{p1:02d} {p2:03d}-{p3:02d}-{p4:02d}", "\n\nСпасибо!", "\n\n{name}\n{mail}", ""]
EN_SIGN = ["\n\nBest regards,\n{name}", "\n\nThanks, {name}\n{mail}", ""]
NAMES = ["Оксана Егорова", "Ирина Смирнова", "Дмитрий Козлов", "Anna Petrova", "Sergey Volkov", "Мария Кузнецова"]

with out.open("w", encoding="utf-8") as f:
    for k in range(start, start + n):
        rng = random.Random(k)
        case, thread = cases[k % len(cases)]
        question = pool[k]
        cyr = any("\u0400" <= c <= "\u04ff" for c in question)
        name = rng.choice(NAMES)
        sign = rng.choice(RU_SIGN if cyr else EN_SIGN).format(
            name=name, mail=f"user{k}@example.ru", p1=rng.randrange(100), p2=rng.randrange(1000),
            p3=rng.randrange(100), p4=rng.randrange(100))
        opening = (rng.choice(RU_GREET if cyr else EN_GREET) + "\n" + question + sign).strip()
        day = k // 1000
        created = f"2025-{1 + (day // 28) % 12:02d}-{1 + day % 28:02d}T{8 + k % 12:02d}:{k % 60:02d}:00+03:00"
        messages = [{"author": "customer", "internal": False, "body": opening, "created_at": created}]
        for j, m in enumerate(thread[1:], start=1):
            messages.append({
                "author": "staff" if m["staff_id"] else "customer",
                "internal": m["note"],
                "body": m["content"],
                "created_at": created[:14] + f"{(k + j) % 60:02d}:30+03:00",
            })
        f.write(json.dumps({
            "id": str(500000 + k),
            "subject": case["subject"] or "",
            "status": "closed",
            "created_at": created,
            "updated_at": created,
            "channel": case["channel"] or "email",
            "language": "ru" if cyr else "en",
            "tags": [str(x) for x in case["labels"]],
            "rating": case["rating"] or None,
            "messages": messages,
        }, ensure_ascii=False) + "\n")
print(f"{n} tickets ({start}..{start + n}) -> {out}")
