#!/usr/bin/env python3
"""Turn a labelled desk's staff replies into chat messages sent in parts, as chat agents write them.

    python3 benches/chat_desk.py examples/voltmarket/tickets.jsonl /tmp/vm-chat

Every public staff reply becomes several messages in a row: the greeting alone ("Наталья,
здравствуйте!"), sometimes a holding message first ("Минутку, уточню информацию."), the answer
split at a sentence boundary into two parts when it has two sentences or more, and after the last
reply of a ticket sometimes a rating request. The customer's opening message is split the same way
(the greeting alone, the story, the question). Which ticket gets what is decided by a hash of its id,
so the output is the same on every run. Labels are copied unchanged (`labels.jsonl` beside the
input, written as `<out>/labels.jsonl`), so `kbforge eval desk` scores the chat desk against the
same intents as the original: what the split costs the clustering is the difference.
"""

import hashlib
import json
import pathlib
import re
import sys

GREETING = re.compile(r"^((?:[А-ЯЁA-Z][а-яёa-z]+(?: [А-ЯЁA-Z][а-яёa-z]+)?, )?(?:здравствуйте|добрый день|добрый вечер|доброе утро)(?:, [А-ЯЁA-Z][а-яёa-z]+)?[!.])\s*", re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[А-ЯЁA-Z«—\d])")
HOLDING = ["Минутку, уточню информацию.", "Одну секунду, проверяю.", "Сейчас посмотрю и вернусь с ответом.", "Проверяю, ожидайте."]
RATING = ["Оцените, пожалуйста, качество нашей работы по шкале от 1 до 5.", "Пожалуйста, оцените нашу консультацию — это займёт пару секунд."]


def draw(ticket_id: str, salt: str) -> int:
    return int(hashlib.sha256(f"{salt}:{ticket_id}".encode()).hexdigest()[:8], 16)


def parts(body: str) -> list[str]:
    out = []
    m = GREETING.match(body)
    if m and body[m.end():].strip():
        out.append(m.group(1))
        body = body[m.end():]
    body = body.strip()
    # Cut at the middle sentence boundary, the text on each side left as written (lines, the
    # signature's layout).
    cuts = list(SENTENCE_END.finditer(body))
    if cuts:
        cut = cuts[len(cuts) // 2]
        out.append(body[: cut.start()])
        out.append(body[cut.end():])
    else:
        out.append(body)
    return out


def main() -> None:
    src, out_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    split = asked = 0
    with open(src) as f, open(out_dir / "tickets.jsonl", "w") as out:
        for line in f:
            ticket = json.loads(line)
            tid = ticket["id"]
            messages = ticket["messages"]
            public_staff = [i for i, m in enumerate(messages) if m["author"] == "staff" and not m["internal"]]
            new = []
            opening = next(i for i, m in enumerate(messages) if m["author"] == "customer")
            for i, m in enumerate(messages):
                if i == opening and "\n>" not in m["body"]:
                    # The customer writes the greeting, the story and the question in parts too (an
                    # e-mail quoting the helpdesk's acknowledgement stays whole: no chat has it).
                    pieces = parts(m["body"])
                    asked += len(pieces) > 1
                    new.extend({**m, "body": p} for p in pieces)
                    continue
                if m["author"] != "staff" or m["internal"]:
                    new.append(m)
                    continue
                pieces = parts(m["body"])
                if draw(tid, f"hold{i}") % 10 < 3:
                    pieces.insert(1 if len(pieces) > 2 else 0, HOLDING[draw(tid, f"h{i}") % len(HOLDING)])
                if i == public_staff[-1] and draw(tid, "rate") % 10 < 3:
                    pieces.append(RATING[draw(tid, "r") % len(RATING)])
                split += len(pieces) > 1
                new.extend({**m, "body": p} for p in pieces)
            ticket["messages"] = new
            out.write(json.dumps(ticket, ensure_ascii=False) + "\n")
    labels = src.parent / "labels.jsonl"
    if labels.is_file():
        (out_dir / "labels.jsonl").write_text(labels.read_text())
    print(f"{split} staff replies and {asked} opening messages sent in parts -> {out_dir}")


if __name__ == "__main__":
    main()
