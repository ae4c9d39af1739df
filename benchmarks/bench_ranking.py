"""Replacement ranking on a held-out set of real bad ids: top-1 and top-3 by kind (not run in CI).

`tests/data/bad_ids.jsonl` was gathered from public reports and labelled from the project
reference alone, before any ranking rule was looked at against it; it is never used to tune.
`python -m benchmarks.bench_ranking` prints the figures and the misses.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from pathlib import Path

from model_access.catalog import load_catalog
from model_access.suggest import suggest_replacement

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "bad_ids.jsonl"


def run() -> dict[str, object]:
    catalog = load_catalog(date(2026, 11, 23))
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
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
    result = run()
    misses = result.pop("misses")
    print(json.dumps(result, indent=2))
    print("\n".join(["misses:", *misses]))  # type: ignore[list-item]
