"""Split the real-error corpus into a development part and a test part, by source group.

Every text from one source group (one repository or forum) lands in the same part, so rules
written against the development part cannot have seen a sibling of a test text. The corpus has
had two draws of its test part, in this order:

1. **The first split** (before any rule was written): a seeded hash of each group's name alone
   put 30% of the groups in the test part (`first_part`). Five passes wrote rules against the
   rest and measured the test part once each. When fixing kinds from fresh batches stopped
   moving it, that test part was retired as *studied*: its misses were worked on like the
   development part's.
2. **The second held-out set** (rows `r1400`–`r1593`, sha256 of the frozen file `ad5fa9fc…`): collected and labelled from public reports
   by someone who never ran the engine on it, while the rules were being written, then frozen and
   measured once. Its groups that occur in no earlier (studied) row form part of today's test part;
   its texts from groups with studied siblings are development texts, like every earlier row.
3. **The third held-out set** (rows `r1600`–`r1730`, sha256 `102cb331…`): drawn the same way with a
   query list aimed at client stacks and runtimes (Java, Go, Rust, .NET, PHP, agents, gateways,
   compatible servers) rather than at error kinds, frozen, then joined the test part by the same
   rule: its groups with no studied sibling are test, the rest development.

The result is stored next to the corpus and checked by the tests
(`diagnosis_real.split.json`); run `python tests/data/split.py` after adding texts. Rows added
after the held-out sets belong to the development part until a new held-out set is drawn.
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
TEST_SHARE = 30  # percent of source groups, in the first split
# The held-out sets, each a frozen file collected by someone who never ran the engine on it:
# its row numbers and the sha256 of the file as frozen.
HELD_OUT_SETS: dict[str, tuple[range, str]] = {
    "second": (range(1400, 1594), "ad5fa9fccf82c5ece434b45cacc0b0dda3026e11bbe63e52d6ce0cd2a548f831"),
    "third": (range(1600, 1731), "102cb3316e5c7cd49f0144beb84c06aa091ec5ea48456f9e4d2f175e7e92b40e"),
}
HELD_OUT = frozenset(n for numbers, _sha in HELD_OUT_SETS.values() for n in numbers)
RULE = (
    "test = source groups whose every row is in a held-out set (r1400-r1593, r1600-r1730); "
    "dev = every other group (the first split's dev part, its studied test part, later rows)"
)


def _key(group: str) -> str:
    return group.strip().lower()


def first_part(source_group: str) -> str:
    """The group's part in the first split (kept for the record; that test part is studied now)."""
    digest = hashlib.sha256(f"{SEED}\n{_key(source_group)}".encode()).digest()
    return "test" if int.from_bytes(digest[:8], "big") % 100 < TEST_SHARE else "dev"


def row_number(row: dict[str, object]) -> int:
    return int(str(row["id"]).lstrip("r"))


def held_out_set(row: dict[str, object]) -> str | None:
    """The name of the held-out set a row was drawn in, or None for a development-era row."""
    number = row_number(row)
    return next((name for name, (numbers, _sha) in HELD_OUT_SETS.items() if number in numbers), None)


def rows(path: Path = CORPUS) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def build(path: Path = CORPUS) -> dict[str, object]:
    return build_from(rows(path))


def build_from(all_rows: list[dict[str, object]]) -> dict[str, object]:
    outside = {_key(str(r["source_group"])) for r in all_rows if row_number(r) not in HELD_OUT}
    groups = sorted({str(r["source_group"]) for r in all_rows}, key=str.lower)
    parts: dict[str, list[str]] = {"dev": [], "test": []}
    for group in groups:
        parts["dev" if _key(group) in outside else "test"].append(group)
    first = {
        "dev": [g for g in groups if first_part(g) == "dev"],
        "test": [g for g in groups if first_part(g) == "test"],
    }
    return {
        "rule": RULE,
        "first_split": {"seed": SEED, "test_share_percent": TEST_SHARE, "status": "studied", **first},
        **parts,
    }


def stored_parts(path: Path = SPLIT) -> dict[str, str]:
    """Each group's part (by its lower-cased name) as the stored split file records it."""
    stored = json.loads(path.read_text(encoding="utf-8"))
    return {_key(g): part for part in ("dev", "test") for g in stored[part]}


def part_of(source_group: str, parts: dict[str, str] | None = None) -> str:
    """The group's part in today's split (from the stored file; an unknown group is development)."""
    return (parts if parts is not None else stored_parts()).get(_key(source_group), "dev")


def leaving_test_groups(split: dict[str, object], stored: dict[str, str]) -> list[str]:
    """The groups the stored split has in its test part that a new split would not."""
    kept = {_key(g) for g in split["test"]}  # type: ignore[attr-defined]
    return sorted(g for g, part in stored.items() if part == "test" and g not in kept)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    split = build()
    # A row added later to a test group would move the whole group to development, and its misses
    # would become readable: a test group leaves the test part only when retired on purpose.
    leaving = leaving_test_groups(split, stored_parts())
    if leaving and "--retire" not in args:
        print(
            f"{len(leaving)} test group(s) would move to development (a row outside the held-out sets joined "
            "them); remove that row, or retire them on purpose with --retire",
            file=sys.stderr,
        )
        return 2
    SPLIT.write_text(json.dumps(split, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    parts = stored_parts()
    counts = {"dev": 0, "test": 0}
    for r in rows():
        counts[part_of(str(r["source_group"]), parts)] += 1
    print(f"groups dev={len(split['dev'])} test={len(split['test'])}; texts {counts}", file=sys.stderr)  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
