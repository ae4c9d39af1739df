"""Diagnoses per second, in-process, over typical one-screen corpus errors (not run in CI)."""

from __future__ import annotations

import json
import statistics
import time
from datetime import date
from pathlib import Path

from model_access.catalog import load_catalog
from model_access.diagnosis import diagnose_offline

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "diagnosis_corpus.jsonl"


def run(n: int = 20000) -> dict[str, float]:
    catalog = load_catalog(date(2026, 11, 23))
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [r["text"] for r in rows if len(r["text"]) <= 2000]
    for text in texts:  # warm caches and lazy imports
        diagnose_offline(catalog, text)
    rates = []
    for _ in range(5):
        start = time.perf_counter()
        for i in range(n):
            diagnose_offline(catalog, texts[i % len(texts)])
        rates.append(n / (time.perf_counter() - start))
    return {"n": n, "texts": len(texts), "min": min(rates), "median": statistics.median(rates), "max": max(rates)}


if __name__ == "__main__":
    print(json.dumps({k: round(v, 1) for k, v in run().items()}, indent=2))
