"""Diagnosis speed and safety (not run in CI).

    python -m benchmarks.bench_diagnosis [--quick]

1. diagnoses/s in-process over the corpus (one-screen texts, cycled — the existing figure), and
   over the same texts made unique (a distinct request id each), which defeats every cache;
2. the 1 MB adversarial inputs of tests/test_diagnosis_adversarial.py: diagnose_offline and
   redact, seconds each;
3. through an in-process MCP session: the diagnose_error round trip against a trivial tool's
   (check_endpoint_for_model), over the corpus cycled (each text diagnosed: the server remembers
   128 answers, the corpus has 201 texts) and for one text asked again (answered from memory),
   and suggest_replacement's latency while a 1 MB adversarial diagnose_error runs concurrently.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from model_access.catalog import load_catalog
from model_access.diagnosis import diagnose_offline

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "diagnosis_corpus.jsonl"
REAL = ROOT / "tests" / "data" / "diagnosis_real.jsonl"
TODAY = date(2026, 11, 23)


def _texts(path: Path) -> list[str]:
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["text"] for r in rows if len(r["text"]) <= 2000]


def run(n: int = 20000) -> dict[str, float]:
    """Diagnoses per second over the corpus, cycled (the figure `python -m benchmarks` reports)."""
    catalog = load_catalog(TODAY)
    texts = _texts(CORPUS)
    for text in texts:  # warm caches and lazy imports
        diagnose_offline(catalog, text)
    rates = []
    for _ in range(5):
        start = time.perf_counter()
        for i in range(n):
            diagnose_offline(catalog, texts[i % len(texts)])
        rates.append(n / (time.perf_counter() - start))
    return {"n": n, "texts": len(texts), "min": min(rates), "median": statistics.median(rates), "max": max(rates)}


def unique_rate(path: Path, n: int) -> dict[str, float]:
    """Every text made unique (so no cache helps), n diagnoses, 5 rounds."""
    catalog = load_catalog(TODAY)
    texts = _texts(path)
    if not texts:
        return {}
    for text in texts:
        diagnose_offline(catalog, text)
    rates = []
    for round_ in range(5):
        batch = [f"{texts[i % len(texts)]}\nrequest id req_{round_:02d}{i:012d}" for i in range(n)]
        start = time.perf_counter()
        for text in batch:
            diagnose_offline(catalog, text)
        rates.append(n / (time.perf_counter() - start))
    return {"n": n, "texts": len(texts), "min": min(rates), "median": statistics.median(rates), "max": max(rates)}


def adversarial() -> dict[str, dict[str, float]]:
    sys.path.insert(0, str(ROOT))
    from tests.test_diagnosis_adversarial import ADVERSARIAL, TAIL

    from model_access.redact import redact

    catalog = load_catalog(TODAY)
    out: dict[str, dict[str, float]] = {}
    for name, body in ADVERSARIAL.items():
        text = body + TAIL
        start = time.perf_counter()
        diagnose_offline(catalog, text)
        mid = time.perf_counter()
        redact(text)
        out[name] = {"diagnose_s": round(mid - start, 3), "redact_s": round(time.perf_counter() - mid, 3)}
    return out


async def _mcp(rounds: int) -> dict[str, Any]:
    import anyio
    from mcp import Client

    from model_access.config import load_config
    from model_access.mcp_server import create_server

    sys.path.insert(0, str(ROOT))
    from tests.test_diagnosis_adversarial import ADVERSARIAL, TAIL

    texts = _texts(CORPUS)
    config = load_config({"MODEL_ACCESS_TODAY": TODAY.isoformat()})
    async with Client(create_server(config)) as client:
        await client.call_tool("diagnose_error", {"error": texts[0], "live": False})
        await client.call_tool("check_endpoint_for_model", {"model": "gpt-4o", "endpoint": "chat.completions"})
        diag: list[float] = []
        repeated: list[float] = []
        trivial: list[float] = []
        for i in range(rounds):  # interleaved, so drift hits both alike
            start = time.perf_counter()
            # The corpus cycled: more texts than the server remembers answers for, so each is diagnosed.
            await client.call_tool("diagnose_error", {"error": texts[i % len(texts)], "live": False})
            diag.append(time.perf_counter() - start)
            start = time.perf_counter()
            await client.call_tool("diagnose_error", {"error": texts[0], "live": False})  # remembered
            repeated.append(time.perf_counter() - start)
            start = time.perf_counter()
            await client.call_tool("check_endpoint_for_model", {"model": "gpt-4o", "endpoint": "chat.completions"})
            trivial.append(time.perf_counter() - start)

        concurrent: dict[str, dict[str, float]] = {}
        for name in ("backslashes", "repeated api_key=", "token=x pairs", "braces"):
            text = ADVERSARIAL[name] + TAIL
            latencies: list[float] = []
            took: list[float] = []

            async def big(payload: str = text, sink: list[float] = took) -> None:
                start = time.perf_counter()
                await client.call_tool("diagnose_error", {"error": payload, "live": False})
                sink.append(time.perf_counter() - start)

            async def small(sink: list[float] = latencies, done: list[float] = took) -> None:
                while not done:
                    start = time.perf_counter()
                    await client.call_tool("suggest_replacement", {"model": "gpt4o"})
                    sink.append(time.perf_counter() - start)
                    await anyio.sleep(0.005)

            async with anyio.create_task_group() as group:
                group.start_soon(big)
                group.start_soon(small)
            concurrent[name] = {
                "diagnose_error_s": round(took[0], 3),
                "suggest_max_ms": round(max(latencies) * 1000, 1),
                "suggest_median_ms": round(statistics.median(latencies) * 1000, 1),
                "suggest_calls": len(latencies),
            }
    d, t, r = statistics.median(diag), statistics.median(trivial), statistics.median(repeated)
    return {
        "diagnose_error_ms": round(d * 1000, 3),
        "trivial_tool_ms": round(t * 1000, 3),
        "ratio": round(d / t, 3),
        "diagnose_error_same_text_ms": round(r * 1000, 3),
        "ratio_same_text": round(r / t, 3),
        "rounds": rounds,
        "concurrent_1mb": concurrent,
    }


def mcp(rounds: int) -> dict[str, Any]:
    import anyio

    result: dict[str, Any] = anyio.run(_mcp, rounds)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_diagnosis", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    n = 4000 if args.quick else 20000
    report: dict[str, Any] = {
        "corpus_cycled": run(n),
        "corpus_unique": unique_rate(CORPUS, n),
        "real_unique": unique_rate(REAL, n),
        "adversarial_1mb": adversarial(),
        "mcp": mcp(100 if args.quick else 400),
    }

    def _round(value: Any) -> Any:
        if isinstance(value, float):
            return round(value, 1) if abs(value) >= 100 else round(value, 4)
        if isinstance(value, dict):
            return {k: _round(v) for k, v in value.items()}
        return value

    print(json.dumps(_round(report), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
