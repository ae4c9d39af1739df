"""The diagnosis on real error texts it was not written against.

tests/data/diagnosis_real.jsonl holds error texts from public reports, each with its source; the
texts are split by source group into a development part (rules were written against it) and a
test part (only ever measured). The test part is drawn from two held-out sets: texts collected and
labelled by someone who never ran the engine on them, from sources no studied text came from,
measured on finished rules only (tests/data/split.py tells the history of the first split, whose
test part was studied). These tests hold the test part to the bars of issue 13.
"""

from __future__ import annotations

import json
import sys
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


def test_the_stored_split_is_the_rule_applied_to_every_source_group() -> None:
    stored = json.loads(split.SPLIT.read_text(encoding="utf-8"))
    assert stored == split.build(), "run: python tests/data/split.py"
    assert not set(stored["dev"]) & set(stored["test"])
    parts = split.stored_parts()
    test_rows = [r for r in _rows() if split.part_of(r["source_group"], parts) == "test"]
    assert len(test_rows) >= 50
    # only the held-out draw measures, and none of its test groups has a studied sibling
    assert all(split.row_number(r) in split.HELD_OUT for r in test_rows)


@pytest.mark.xfail(
    strict=False,
    reason="bar not met: 0.725 (95/131) on the test part (second held-out set 0.787, 63/80; third, drawn "
    "around client stacks, 0.627, 32/51; 0.702 before passes 13v/13aa); an independent reader labelling the "
    "same texts from the text alone agreed with their labels on 0.847 (111/131), and on those 111 the "
    "engine is right on 94 (0.847); the bar stays 0.95",
)
def test_test_part_accuracy_is_at_least_095(test_part: evaluate.Report) -> None:
    assert test_part.accuracy >= 0.95, test_part.table()


@pytest.mark.xfail(
    strict=False,
    reason="bar not met on the test part (131 texts): client_misconfigured 0.58 (15/26), invalid_api_key "
    "0.79 (15/19), insufficient_quota 0.77 (10/13), unsupported_parameter 0.40 (4/10); the bar stays 0.90",
)
def test_every_category_with_ten_test_texts_is_at_least_090(test_part: evaluate.Report) -> None:
    low = {c: g / t for c, (g, t) in test_part.per_category.items() if t >= 10 and g / t < 0.90}
    assert not low, test_part.table()


@pytest.mark.xfail(
    strict=False,
    reason="bar not met: 0.842 (16/19) on the test part (second set 12/13, third set 4/6); the bar stays 0.98",
)
def test_model_ids_are_read_exactly_as_written(test_part: evaluate.Report) -> None:
    assert test_part.model_accuracy >= 0.98, test_part.table()


@pytest.mark.xfail(
    strict=False,
    reason="bar not met: 0.913 (63/69) right at confidence >= 0.8 on the test part (second set 43/45, "
    "third set 20/24; 58/63 before this session's passes); on the texts an independent reader labelled as the "
    "corpus does 62/63, and five of the six misses are texts the two read differently; the development "
    "part reads 0.998 (827/829); the bar stays 0.97",
)
def test_confident_answers_are_right_at_least_97_percent_of_the_time(test_part: evaluate.Report) -> None:
    good, total = test_part.confident(0.8)
    assert total and good / total >= 0.97, test_part.table()


def test_no_key_fragment_is_echoed(catalog: Catalog) -> None:
    for part in ("dev", "test"):
        report = evaluate.evaluate(part, catalog)
        assert not report.leaks, report.leaks


def test_the_second_reading_and_its_adjudication_name_corpus_rows_and_design_categories() -> None:
    from model_access.vocab import CATEGORIES

    ids = {r["id"] for r in _rows()}
    readings = [json.loads(line) for line in (DATA / "second_reader.jsonl").read_text(encoding="utf-8").splitlines()]
    verdicts = [json.loads(line) for line in (DATA / "adjudication.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len({r["id"] for r in readings}) == len(readings) >= 300
    assert all(r["id"] in ids and r["category"] in CATEGORIES for r in readings)
    assert all(r["decidable"] in {"sure", "likely", "cannot_tell"} for r in readings)
    # only texts the two readings name differently were adjudicated
    labels = {r["id"]: r["category"] for r in _rows()}
    second = {r["id"]: r["category"] for r in readings}
    assert {v["id"] for v in verdicts} == {i for i, c in second.items() if c != labels[i]}
    assert all(
        v["category"] in CATEGORIES and v["sides_with"] in {"corpus", "second_reader", "neither"} for v in verdicts
    )


def test_a_row_joining_a_test_group_from_outside_the_held_out_sets_is_caught() -> None:
    rows = _rows()
    test_row = next(r for r in rows if split.part_of(r["source_group"], split.stored_parts()) == "test")
    late = dict(test_row, id="r9999", text="a later text from the same source")
    grown = split.build_from([*rows, late])
    assert split.leaving_test_groups(grown, split.stored_parts()) == [split._key(test_row["source_group"])]
    assert split.leaving_test_groups(split.build(), split.stored_parts()) == []
