"""Split the real-error corpus into a development part and a test part, by source group.

Every text from one source group (one repository or forum) lands in the same part, so rules
written against the development part cannot have seen a sibling of a test text. A group's part
is decided by a seeded hash of its name alone — not by the texts, not by the order of the
file — so the split was fixed before any rule was written, and a group added later keeps the
part it would always have had. The result is stored next to the corpus and checked by the
tests (`diagnosis_real.split.json`); run `python tests/data/split.py` after adding texts.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "diagnosis_real.jsonl"
SPLIT = HERE / "diagnosis_real.split.json"
SEED = "model-access-diagnosis-split-2026-12-03"
TEST_SHARE = 30  # percent of source groups


def part_of(source_group: str) -> str:
    digest = hashlib.sha256(f"{SEED}\n{source_group.strip().lower()}".encode()).digest()
    return "test" if int.from_bytes(digest[:8], "big") % 100 < TEST_SHARE else "dev"


def rows(path: Path = CORPUS) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build(path: Path = CORPUS) -> dict[str, object]:
    groups = sorted({str(r["source_group"]) for r in rows(path)}, key=str.lower)
    parts: dict[str, list[str]] = {"dev": [], "test": []}
    for group in groups:
        parts[part_of(group)].append(group)
    return {"seed": SEED, "test_share_percent": TEST_SHARE, "rule": "sha256(seed + group) % 100 < share", **parts}


def main() -> int:
    split = build()
    SPLIT.write_text(json.dumps(split, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    counts = {"dev": 0, "test": 0}
    for r in rows():
        counts[part_of(str(r["source_group"]))] += 1
    print(f"groups dev={len(split['dev'])} test={len(split['test'])}; texts {counts}", file=sys.stderr)  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
