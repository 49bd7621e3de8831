#!/usr/bin/env python3
"""Turns ../shared/data/twitter_cdp_en (real customer-care threads on Twitter, each labelled with the
help article the agent linked; Apache-2.0, see its SOURCE.md) into a labelled desk for
`kbforge eval desk`: tickets.jsonl in kbforge's generic JSONL export and labels.jsonl.

Links are taken out of every message, as in the data set's own baseline: the agent's reply carries
the article's URL, which would name the label outright. @handles stay (the cleaner deals with them).

    python3 benches/twitter_desk.py ../shared/data/twitter_cdp_en/data.jsonl /tmp/twitter
"""

import json
import re
import sys
from pathlib import Path

URL = re.compile(r"https?\s*:\s*//\S+|\b\S+\.(com|org|net|ly|co|gl|io|me)/\S*")


def main():
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    tickets, labels = [], []
    for line in src.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        messages = []
        first = next((t["created_at"] for t in row["turns"] if t["created_at"]), "2020-01-01T00:00:00Z")
        for turn in row["turns"]:
            body = URL.sub("", turn["body"]).strip()
            messages.append({"author": turn["author"], "internal": False, "body": body or "…", "created_at": turn["created_at"] or first})
        tid = "tw-" + row["id"]
        tickets.append({"id": tid, "subject": "", "status": "closed", "created_at": first, "updated_at": row["turns"][-1]["created_at"] or first,
                        "channel": "twitter", "language": "en", "tags": [row["company"]], "rating": None, "messages": messages})
        labels.append({"id": tid, "intent": row["company"] + "/" + row["intent"], "kind": "flat"})
    (out / "tickets.jsonl").write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tickets), encoding="utf-8")
    (out / "labels.jsonl").write_text("".join(json.dumps(l, ensure_ascii=False) + "\n" for l in labels), encoding="utf-8")
    print("%d tickets, %d intents -> %s" % (len(tickets), len({l["intent"] for l in labels}), out))


if __name__ == "__main__":
    main()
