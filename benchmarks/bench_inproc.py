"""Section 4: in-process throughput of catalog look-ups and suggestion ranking."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from ._util import Row, row


def _spellings(ids: list[str]) -> list[str]:
    """Every id, plus tolerant spellings: case, provider prefix, dots, missing hyphens."""
    out: list[str] = []
    for model_id in ids:
        out += [model_id, model_id.upper(), f"openai/{model_id}", model_id.replace("-", ""), model_id.replace("-", ".")]
    return out


def _rate(fn: Any, items: list[str]) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return len(items) / (time.perf_counter() - start)


def throughput(repeats: int) -> tuple[list[Row], dict[str, Any]]:
    from model_access.catalog import load_catalog
    from model_access.suggest import suggest_replacement

    catalog = load_catalog(date(2026, 11, 23))
    ids = catalog.ids()
    spellings = _spellings(ids)
    typos = [
        "gpt4o",
        "gpt-4-32k",
        "text-davinci-003",
        "gpt35-turbo",
        "o1-preview",
        "gtp-4o-mini",
        "gpt-4.5-preview",
        "davinci",
        "gpt-4-vision-preview",
        "claude-3-opus",
        "gpt4-turbo",
        "o3mini",
    ]
    typos = [t for t in typos]
    exact, tolerant, ranked = [], [], []
    suggest_replacement(catalog, "gpt4o")  # warm rapidfuzz
    for _ in range(repeats):  # interleaved: exact dict get (baseline), resolve, suggest
        exact.append(_rate(catalog.records.get, spellings))
        tolerant.append(_rate(catalog.resolve, spellings))
        ranked.append(_rate(lambda m: suggest_replacement(catalog, m), typos * 5))
    sec = "4 throughput"
    rows = [
        row(
            sec,
            f"catalog.resolve ({len(spellings)} spellings of {len(ids)} ids)",
            "/s",
            tolerant,
            "dict.get",
            exact,
            note="ratio = resolve rate / plain dict lookup rate",
        ),
        row(sec, f"suggest_replacement ({len(typos)} typos/retired ids)", "/s", ranked),
    ]
    return rows, {"ids": len(ids), "spellings": len(spellings)}
