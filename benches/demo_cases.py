"""The demo desk's closed cases with their threads, for the generators of benches/."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "examples" / "omnidesk"


def closed_cases():
    """Every closed, not deleted, not spam case of examples/omnidesk as (case, thread), thread in order."""
    cases = []
    for page in sorted(ROOT.glob("cases.page*.json")):
        data = json.loads(page.read_text(encoding="utf-8"))
        for key, entry in data.items():
            if key == "total_count":
                continue
            case = entry["case"]
            if case["status"] != "closed" or case["deleted"] or case["spam"]:
                continue
            msgs = json.loads((ROOT / "messages" / f"{case['case_id']}.json").read_text(encoding="utf-8"))
            thread = [msgs[k]["message"] for k in sorted((k for k in msgs if k != "total_count"), key=int)]
            cases.append((case, thread))
    return cases
