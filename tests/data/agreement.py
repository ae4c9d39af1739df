"""How far the pasted text alone decides the corpus's labels: a second, independent reading.

A second reader, who never ran the engine and never saw the corpus's labels, named the cause of
385 texts from the text alone (`second_reader.jsonl`: the second held-out set's 194 texts, the third
set's 131 and a seeded sample of 60 older development texts). The labels themselves follow what each
report's thread showed. Where the two readings differ, a third reader who saw the thread but not
which reading was whose said which was right and whether the text alone shows the cause
(`adjudication.jsonl`). Neither saw the engine's answers.

    python tests/data/agreement.py    # per part: reader vs labels, engine vs labels, on agreed texts

It prints counts only, never a text or a row id, so it can run on the test part.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECOND = HERE / "second_reader.jsonl"
ADJUDICATION = HERE / "adjudication.jsonl"


_LATER = [
    "reader agrees with the label",
    "engine agrees with the label",
    "engine right where the readers agree",
    "engine answers at >= 0.8",
    "  right",
    "  on texts the readers agree on",
    "  wrong on texts the readers agree on",
    "disputed texts adjudicated",
    "  the adjudicator sides with the label",
    "  the text alone shows the cause",
]


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    sys.path.insert(0, str(HERE))
    import split
    from evaluate import TODAY

    from model_access.catalog import load_catalog
    from model_access.diagnosis import diagnose_offline

    catalog = load_catalog(TODAY)
    parts = split.stored_parts()
    rows = {str(r["id"]): r for r in split.rows()}
    verdicts = {str(v["id"]): v for v in _jsonl(ADJUDICATION)}
    counts: dict[str, Counter[str]] = {}
    for reading in _jsonl(SECOND):
        row = rows[str(reading["id"])]
        drawn = split.held_out_set(row) or "older"
        key = f"{split.part_of(str(row['source_group']), parts)} ({drawn} set)"
        c = counts.setdefault(key, Counter())
        result = diagnose_offline(catalog, str(row["text"]))
        label, reader, engine = row["category"], reading["category"], result.category
        agreed = reader == label
        c["texts"] += 1
        c["reader agrees with the label"] += agreed
        c["engine agrees with the label"] += engine == label
        c[f"reader '{reading['decidable']}'"] += 1
        if agreed:
            c["engine right where the readers agree"] += engine == label
        if result.confidence >= 0.8:
            c["engine answers at >= 0.8"] += 1
            c["  right"] += engine == label
            c["  on texts the readers agree on"] += agreed
            c["  wrong on texts the readers agree on"] += agreed and engine != label
        verdict = verdicts.get(str(row["id"]))
        if verdict is not None:
            c["disputed texts adjudicated"] += 1
            c["  the adjudicator sides with the label"] += verdict["sides_with"] == "corpus"
            c["  the text alone shows the cause"] += bool(verdict["text_decides"])
    order = ["texts", "reader 'sure'", "reader 'likely'", "reader 'cannot_tell'"]
    for key in sorted(counts):
        print(key)
        names = order + sorted(set(counts[key]) - set(order), key=_LATER.index)
        for name in names:
            print(f"  {name}: {counts[key][name]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
