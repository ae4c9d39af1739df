"""Measure the diagnosis on the real-error corpus: per-category accuracy, model-id extraction,
confidence calibration and key fragments echoed, on one part of the stored split.

    python tests/data/evaluate.py --part test          # the honest figures (the held-out set)
    python tests/data/evaluate.py --part dev --misses  # what to work on (development part only)
    python tests/data/evaluate.py --batch fresh.jsonl  # a batch of new texts, before they join the corpus
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "diagnosis_real.jsonl"
SPLIT = HERE / "diagnosis_real.split.json"
TODAY = date(2026, 11, 23)
BUCKETS = ((0.0, 0.5), (0.5, 0.65), (0.65, 0.8), (0.8, 0.9), (0.9, 1.01))
_KEYISH = re.compile(r"(?:sk-|kod-)[\w\-*.…]{6,}|[\w\-]{2,}\*{3,}[\w*]*|Bearer [\w\-.]{8,}")


@dataclass
class Report:
    part: str
    per_category: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    models_ok: int = 0
    models_total: int = 0
    buckets: dict[tuple[float, float], list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    leaks: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    model_misses: list[str] = field(default_factory=list)
    # Texts whose report is not also a source of the older corpus the first rules were written on.
    fresh: list[int] = field(default_factory=lambda: [0, 0])
    # Right/total and confident-right/confident per held-out set ("second", "third"), for the test part.
    by_set: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))

    @property
    def total(self) -> int:
        return sum(t for _, t in self.per_category.values())

    @property
    def accuracy(self) -> float:
        return sum(g for g, _ in self.per_category.values()) / max(1, self.total)

    @property
    def model_accuracy(self) -> float:
        return self.models_ok / max(1, self.models_total)

    def confident(self, threshold: float = 0.8) -> tuple[int, int]:
        good = sum(v[0] for k, v in self.buckets.items() if k[0] >= threshold)
        total = sum(v[1] for k, v in self.buckets.items() if k[0] >= threshold)
        return good, total

    def table(self) -> str:
        lines = [
            f"part={self.part} texts={self.total} accuracy={self.accuracy:.3f} "
            f"model_ids={self.models_ok}/{self.models_total} ({self.model_accuracy:.3f}) leaks={len(self.leaks)}",
            "",
            "| category | right | texts | accuracy |",
            "|---|---|---|---|",
        ]
        for category, (good, total) in sorted(self.per_category.items(), key=lambda kv: -kv[1][1]):
            lines.append(f"| {category} | {good} | {total} | {good / total:.2f} |")
        good, total = self.fresh
        lines += [
            "",
            f"texts whose report is not a source of diagnosis_corpus.jsonl: {good}/{total} "
            f"({(good / total if total else 0):.3f})",
        ]
        for name, (good, total, sure_good, sure_total) in sorted(self.by_set.items()):
            lines.append(
                f"held-out set {name}: {good}/{total} ({good / total:.3f}); "
                f"confidence >= 0.8 right {sure_good}/{sure_total}"
            )
        lines += ["", "| confidence | right | answers | accuracy |", "|---|---|---|---|"]
        for bucket in BUCKETS:
            good, total = self.buckets.get(bucket, [0, 0])
            label = f"{bucket[0]:.2f}–{min(bucket[1], 1.0):.2f}"
            lines.append(f"| {label} | {good} | {total} | {(good / total if total else 0):.3f} |")
        good, total = self.confident()
        lines.append(f"| ≥ 0.80 | {good} | {total} | {(good / total if total else 0):.3f} |")
        return "\n".join(lines)


def load(part: str) -> list[dict[str, Any]]:
    """The rows of one part, as the stored split file records each source group's part
    (split.py builds it; the tests check that the stored file is the one the rule gives)."""
    sys.path.insert(0, str(HERE))
    from split import part_of, stored_parts

    parts = stored_parts()
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if part_of(str(r["source_group"]), parts) == part]


def exact_model(catalog: Any, text: str) -> str | None:
    """The model id as the diagnosis reads it from the text, before any display tidying."""
    from model_access.diagnosis.parse import context_model, parse, scrub, window

    parsed = parse(scrub(window(text)))
    if parsed.model is None:
        parsed.model = context_model(parsed.text, parsed.flat, lambda s: s if s in catalog else None)
    return parsed.model


def load_batch(path: Path) -> list[dict[str, Any]]:
    """Every row of a JSONL batch in the corpus's format (a fresh batch measured before any rule
    sees it; rows need id, text, category and model)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(part: str, catalog: Any = None, rows: list[dict[str, Any]] | None = None) -> Report:
    from model_access.catalog import load_catalog
    from model_access.diagnosis import diagnose_offline

    catalog = catalog or load_catalog(TODAY)
    report = Report(part)
    old_sources = {
        json.loads(line).get("source")
        for line in (HERE / "diagnosis_corpus.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    }
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    from split import held_out_set

    for row in load(part) if rows is None else rows:
        result = diagnose_offline(catalog, row["text"])
        expected = row["category"]
        ok = result.category == expected
        report.per_category[expected][0] += ok
        report.per_category[expected][1] += 1
        if row.get("source") not in old_sources:
            report.fresh[0] += ok
            report.fresh[1] += 1
        for bucket in BUCKETS:
            if bucket[0] <= result.confidence < bucket[1]:
                report.buckets[bucket][0] += ok
                report.buckets[bucket][1] += 1
        drawn = held_out_set(row)
        if drawn is not None and part == "test":
            counts = report.by_set[drawn]
            counts[0] += ok
            counts[1] += 1
            if result.confidence >= 0.8:
                counts[2] += ok
                counts[3] += 1
        if not ok:
            report.misses.append(f"{row['id']}: got {result.category} {result.confidence:.2f}, want {expected}")
        if row.get("model"):
            report.models_total += 1
            got = exact_model(catalog, row["text"])
            if got == row["model"]:
                report.models_ok += 1
            else:
                report.model_misses.append(f"{row['id']}: got {got!r}, want {row['model']!r}")
        out = result.model_dump_json()
        for fragment in _KEYISH.findall(row["text"]):
            if fragment[:10] in out:
                report.leaks.append(f"{row['id']}: {fragment[:6]}…")
    return report


def _in_test_part(batch: list[dict[str, Any]]) -> bool:
    """Whether a batch holds a text of the corpus's test part (its misses must stay unread)."""
    from split import _key, stored_parts

    test_rows = load("test")
    texts = {" ".join(str(row["text"]).split()) for row in test_rows}
    ids = {str(row["id"]) for row in test_rows}
    test_groups = {group for group, part in stored_parts().items() if part == "test"}
    return any(
        " ".join(str(row.get("text", "")).split()) in texts
        or str(row.get("id")) in ids
        or _key(str(row.get("source_group", ""))) in test_groups
        for row in batch
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=("dev", "test"), default="dev")
    parser.add_argument("--misses", action="store_true", help="list misses (development part only)")
    parser.add_argument("--batch", type=Path, help="measure a JSONL batch of new texts instead of a part")
    args = parser.parse_args()
    if args.batch:
        batch = load_batch(args.batch)
        if args.misses and _in_test_part(batch):
            print("misses are not listed for rows of the test part", file=sys.stderr)
            return 2
        report = evaluate(args.batch.name, rows=batch)
        print(report.table())
        if args.misses:
            print("", *report.misses, "", *report.model_misses, *report.leaks, sep="\n")
        return 0
    report = evaluate(args.part)
    print(report.table())
    if args.misses:
        if args.part != "dev":
            print("misses are listed for the development part only", file=sys.stderr)
            return 2
        print("", *report.misses, "", *report.model_misses, *report.leaks, sep="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
