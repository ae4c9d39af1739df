"""Replacement ranking on a held-out set of real bad ids: top-1 and top-3 by kind (not run in CI).

`tests/data/bad_ids.jsonl` was gathered from public reports and labelled from the project
reference alone. It is split by source (a seeded hash, fixed before any figure was looked at):
rules may be tuned against the `dev` half only, and the `test` half is the figure to report.
`python -m benchmarks.bench_ranking [dev|test]` prints the figures (and, for dev only, the misses).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from model_access.catalog import load_catalog
from model_access.suggest import suggest_replacement

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "bad_ids.jsonl"


def part_of(source: str) -> str:
    digest = hashlib.sha256(("bad-ids-split-2026:" + source).encode()).hexdigest()
    return "dev" if int(digest, 16) % 2 == 0 else "test"


def run(part: str = "test") -> dict[str, Any]:
    catalog = load_catalog(date(2026, 11, 23))
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if part_of(str(r["source"])) == part]
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    misses: list[str] = []
    for row in rows:
        advice = suggest_replacement(catalog, row["written"], row.get("endpoint"), limit=3)
        got = [s.id for s in advice.suggestions]
        expected = row["expected"]
        top1 = bool(got) and got[0] in expected  # any answer the reference accepts
        top3 = any(g in expected for g in got[:3])
        strict = bool(got) and got[0] == expected[0]  # the labeller's first choice
        stats = per[row["kind"]]
        stats[0] += top1
        stats[1] += top3
        stats[2] += 1
        stats[3] += strict
        if not top1:
            misses.append(f"{row['id']} {row['written']!r} @{row.get('endpoint')}: got {got} want {expected}")
    total = sum(s[2] for s in per.values())
    return {
        "n": total,
        "top1": sum(s[0] for s in per.values()) / total,
        "top3": sum(s[1] for s in per.values()) / total,
        "top1_strict": sum(s[3] for s in per.values()) / total,
        "by_kind": {
            k: {"n": s[2], "top1": round(s[0] / s[2], 3), "top3": round(s[1] / s[2], 3)} for k, s in sorted(per.items())
        },
        "misses": misses,
    }


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "test"
    result = run(which)
    misses = result.pop("misses")
    print(json.dumps({"part": which, **result}, indent=2))
    if which == "dev":  # the test half's misses stay unseen: it measures, it does not teach
        print("\n".join(["misses:", *misses]))
