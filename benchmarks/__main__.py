"""`python -m benchmarks [--quick] [--json PATH]`: run every section, print a table, write JSON."""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from ._util import HERE, Row, baseline_command, baseline_version, machine


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 10000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def table(rows: list[Row]) -> str:
    head = ["section", "figure", "unit", "min", "median", "max", "n", "baseline (median)", "ratio", "target", "met"]
    lines = [head]
    for r in rows:
        base = f"{r.baseline} ({_fmt(r.baseline_median)})" if r.baseline else ""
        met = "" if r.met is None else ("yes" if r.met else "NO")
        lines.append(
            [
                r.section,
                r.name,
                r.unit,
                _fmt(r.min),
                _fmt(r.median),
                _fmt(r.max),
                str(r.n),
                base,
                _fmt(r.ratio) if r.ratio is not None else "",
                r.target,
                met,
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for i, line in enumerate(lines):
        out.append(" | ".join(cell.ljust(widths[j]) for j, cell in enumerate(line)).rstrip())
        if i == 0:
            out.append("-+-".join("-" * w for w in widths))
    notes = [f"  {r.section} / {r.name}: {r.note}" for r in rows if r.note]
    return "\n".join([*out, "", "notes:", *notes])


def _external(module: str, *args: Any, quick: bool) -> dict[str, Any]:
    """Call benchmarks.<module>.run(...), written by other engineers; skip with a note if absent/failing."""
    try:
        mod = importlib.import_module(f"benchmarks.{module}")
        run = mod.run
        params = inspect.signature(run).parameters
        kwargs: dict[str, Any] = {"quick": quick} if "quick" in params else {}
        if quick and "quick" not in params and "n" in params:
            kwargs["n"] = 2000  # bench_diagnosis.run(n=20000) by default: 5 × n diagnoses
        return {"status": "ok", "result": run(*args, **kwargs)}
    except ModuleNotFoundError as exc:
        return {"status": "skipped", "note": f"benchmarks/{module}.py not present ({exc})"}
    except Exception as exc:  # another engineer's module must not stop the run
        return {"status": "skipped", "note": f"{module}.run failed: {exc!r}", "trace": traceback.format_exc()[-2000:]}


def _external_rows(section: str, outcome: dict[str, Any]) -> list[Row]:
    if outcome["status"] != "ok":
        return [Row(section, "skipped", "", note=outcome["note"])]
    result = outcome["result"]
    rows: list[Row] = []
    if isinstance(result, dict) and {"min", "median", "max"} <= result.keys():
        n = int(result.get("n", 0) or 0)
        return [Row(section, "rate", "/s", result["min"], result["median"], result["max"], n, note=str(result)[:200])]
    if isinstance(result, dict):
        for key, value in result.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                rows.append(Row(section, str(key), "", median=float(value), n=1))
    return rows or [Row(section, "result", "", note=json.dumps(result, default=str)[:300])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats (about 2 minutes)")
    parser.add_argument("--json", type=Path, default=HERE / "results" / "latest.json", help="where to write results")
    args = parser.parse_args(argv)
    q = args.quick
    started = time.perf_counter()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f}s] {msg}", file=sys.stderr, flush=True)

    from . import bench_inproc, bench_live, bench_stdio

    baseline_command(log)
    rows: list[Row] = []
    extra: dict[str, Any] = {"machine": machine(), "quick": q, "baseline_versions": baseline_version()}

    log("1 cold start")
    rows += bench_stdio.cold_start(3 if q else 10)
    extra["importtime_top8"] = bench_stdio.import_time()
    log("2 round trips")
    rt_rows, extra["round_trips"] = bench_stdio.round_trips(60 if q else 300)
    rows += rt_rows
    log("3 memory")
    mem_rows, extra["memory_runs"] = bench_stdio.memory(1 if q else 3)
    rows += mem_rows
    log("4 throughput")
    extra["diagnosis"] = _external("bench_diagnosis", quick=q)
    rows += _external_rows("4 throughput: diagnoses", extra["diagnosis"])
    tp_rows, extra["throughput"] = bench_inproc.throughput(3 if q else 7)
    rows += tp_rows
    log("5 scan")
    import site

    tree = Path(next(p for p in site.getsitepackages() if p.endswith("site-packages")))
    extra["scan"] = _external("bench_scan", str(tree), quick=q)
    extra["scan_tree"] = str(tree)
    rows += _external_rows("5 scan", extra["scan"])
    log("6 live")
    live_rows, extra["live"] = bench_live.live(2 if q else 5)
    rows += live_rows

    print(table(rows))
    print("\nimporttime, top 8 cumulative (ms):")
    for e in extra["importtime_top8"]:
        print(f"  {e['cumulative_ms']:8.1f}  (self {e['self_ms']:6.1f})  {e['module']}")
    m = extra["machine"]
    print(
        f"\n{m['date']} · nproc {m['nproc']} · {m['cpu']} · Python {m['python']} · baseline {extra['baseline_versions']}"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"rows": [r.to_json() for r in rows], **extra}, indent=2, default=str))
    log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
