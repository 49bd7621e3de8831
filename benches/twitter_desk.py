#!/usr/bin/env python3
"""Turns ../shared/data/twitter_cdp_en (real customer-care threads on Twitter, each labelled with the
help article the agent linked; Apache-2.0, see its SOURCE.md) into a labelled desk for
`kbforge eval desk`: tickets.jsonl in kbforge's generic JSONL export and labels.jsonl.

Links are taken out of every message, as in the data set's own baseline: the agent's reply carries
the article's URL, which would name the label outright. @handles stay (the cleaner deals with them).

Conversations whose link names no article are left out (289 of 1,025): a contact or new-request form, a
category index, or a site's or help center's home page. The agent sent them there because the answer
was not an article, so the link says nothing about which article the question belongs to, and one such
link stands for dozens of unrelated questions (the Rockstar category index alone for 85). Kept, they
would score a merge of unrelated questions as pure and count every split of them as a duplicate.
`--all-links` keeps them, for the numbers measured before this rule.

The label is the linked page, not the data set's document id: six pages carry two ids each (the same
YouTube TV article under ids 1185 and 1829, with and without `?hl=en&ref_topic=…`), and one page is one
article. A page is its address without the Wayback Machine's prefix, the scheme, `www.`, the query
string and the fragment.

    python3 benches/twitter_desk.py ../shared/data/twitter_cdp_en/data.jsonl /tmp/twitter
"""

import json
import re
import sys
from pathlib import Path

URL = re.compile(r"https?\s*:\s*//\S+|\b\S+\.(com|org|net|ly|co|gl|io|me)/\S*")
# A link that names no article: forms, contact pages, category indexes, home pages.
NO_ARTICLE = re.compile(r"requests/new|contact|/categories(/|\?|$)|GetSupport|/support(\.html)?$|^https?://[^/]+/?$|/hc/[a-z-]+/?$", re.I)


def names_an_article(url):
    """The linked page, behind the Wayback Machine's prefix where there is one, is an article."""
    live = re.sub(r"^https?://web\.archive\.org/web/\d+/", "", url)
    return not NO_ARTICLE.search(live)


def page(url):
    """The linked page, the same for every way of writing its address."""
    live = re.sub(r"^https?://web\.archive\.org/web/\d+/", "", url)
    live = re.sub(r"[?#].*$", "", live)
    return re.sub(r"^https?://(www\.)?", "", live).rstrip("/").lower()


def main():
    args = [a for a in sys.argv[1:] if a != "--all-links"]
    all_links = "--all-links" in sys.argv
    src, out = Path(args[0]), Path(args[1])
    out.mkdir(parents=True, exist_ok=True)
    tickets, labels, ids = [], [], {}
    for line in src.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if not all_links and not names_an_article(row["url"]):
            continue
        messages = []
        first = next((t["created_at"] for t in row["turns"] if t["created_at"]), "2020-01-01T00:00:00Z")
        for turn in row["turns"]:
            body = URL.sub("", turn["body"]).strip()
            messages.append({"author": turn["author"], "internal": False, "body": body or "…", "created_at": turn["created_at"] or first})
        tid = "tw-" + row["id"]
        tickets.append({"id": tid, "subject": "", "status": "closed", "created_at": first, "updated_at": row["turns"][-1]["created_at"] or first,
                        "channel": "twitter", "language": "en", "tags": [row["company"]], "rating": None, "messages": messages})
        # The first document id seen for a page names it, so the labels read as before.
        doc = ids.setdefault(page(row["url"]), row["intent"])
        labels.append({"id": tid, "intent": row["company"] + "/" + doc, "kind": "flat"})
    (out / "tickets.jsonl").write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tickets), encoding="utf-8")
    (out / "labels.jsonl").write_text("".join(json.dumps(l, ensure_ascii=False) + "\n" for l in labels), encoding="utf-8")
    print("%d tickets, %d intents -> %s" % (len(tickets), len({l["intent"] for l in labels}), out))


if __name__ == "__main__":
    main()
