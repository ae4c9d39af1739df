"""The diagnosis on real error texts it was not written against.

tests/data/diagnosis_real.jsonl holds error texts from public reports, each with its source; the
texts are split by source group into a development part (rules were written against it) and a
test part (only ever measured), by a seeded hash fixed before any rule was written
(tests/data/split.py). These tests hold the test part to the bars of issue 13.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from model_access.catalog import Catalog

DATA = Path(__file__).parent / "data"
sys.path.insert(0, str(DATA))

import evaluate  # noqa: E402
import split  # noqa: E402


@pytest.fixture(scope="module")
def test_part(catalog: Catalog) -> evaluate.Report:
    return evaluate.evaluate("test", catalog)


def _rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in split.CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_corpus_is_real_varied_and_sourced() -> None:
    rows = _rows()
    assert len(rows) >= 500
    assert len({r["id"] for r in rows}) == len(rows)
    assert all(r["source"] and r["source_group"] and r["text"].strip() for r in rows)
    assert len({r["stack"] for r in rows}) >= 40
    assert sum(r["language"] != "en" for r in rows) >= 50


def test_the_stored_split_is_the_seeded_split_of_every_source_group() -> None:
    stored = json.loads(split.SPLIT.read_text(encoding="utf-8"))
    assert stored == split.build(), "run: python tests/data/split.py"
    assert not set(stored["dev"]) & set(stored["test"])
    counts = Counter(split.part_of(r["source_group"]) for r in _rows())
    assert 0.2 <= counts["test"] / (counts["test"] + counts["dev"]) <= 0.4


@pytest.mark.xfail(
    strict=False,
    reason="bar not met: 0.938 (301/321) on the test part after issue 13h, a STUDIED figure (the owner retired "
    "this test part as studied and 13h worked on its misses; it was 0.891 before); 0.963 (236/245) on its "
    "older texts; development part 0.954 (849/890); a new held-out set decides; the bar stays 0.95",
)
def test_test_part_accuracy_is_at_least_095(test_part: evaluate.Report) -> None:
    assert test_part.accuracy >= 0.95, test_part.table()


@pytest.mark.xfail(
    strict=False,
    reason="bar not met at 321 test texts after 13h (studied figures): client_misconfigured 0.89 (24/27), "
    "invalid_request 0.85 (22/26), account_access_denied 0.86 (12/14); every other category with 10 or more "
    "test texts is at or above 0.90; the bar stays 0.90",
)
def test_every_category_with_ten_test_texts_is_at_least_090(test_part: evaluate.Report) -> None:
    low = {c: g / t for c, (g, t) in test_part.per_category.items() if t >= 10 and g / t < 0.90}
    assert not low, test_part.table()


@pytest.mark.xfail(
    strict=False,
    reason="bar not met: 0.923 (132/143) on the test part after 13h, a studied figure (0.909 before); 0.929 "
    "(92/99) on its older texts; development part 0.948 (313/330); the bar stays 0.98",
)
def test_model_ids_are_read_exactly_as_written(test_part: evaluate.Report) -> None:
    assert test_part.model_accuracy >= 0.98, test_part.table()


def test_confident_answers_are_right_at_least_97_percent_of_the_time(test_part: evaluate.Report) -> None:
    good, total = test_part.confident(0.8)
    assert total and good / total >= 0.97, test_part.table()


def test_no_key_fragment_is_echoed(catalog: Catalog) -> None:
    for part in ("dev", "test"):
        report = evaluate.evaluate(part, catalog)
        assert not report.leaks, report.leaks
