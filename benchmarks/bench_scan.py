"""Time `scan_path` against ripgrep with the same model-id pre-filter regex over one tree.

Not part of CI. Usage: python benchmarks/bench_scan.py [TREE]  (default: the venv's site-packages)
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from typing import Any

import anyio

from model_access.code import scan_path
from model_access.code.ids import PREFILTER_TEXT
from model_access.config import load_config
from model_access.state import AppState

RG = shutil.which("rg") or "/usr/bin/rg"


def _times(fn: Any, runs: int = 3) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def run(tree: str) -> dict[str, Any]:
    state = AppState(load_config({"MODEL_ACCESS_ROOTS": tree}))
    _ = state.catalog  # load once, outside the timing
    result: dict[str, Any] = {}

    def scan() -> None:
        result["scan"] = anyio.run(scan_path, state, tree, None, None)

    scan_t = _times(scan)
    rg_pattern = PREFILTER_TEXT.replace('\\"', '"')
    rg_t = _times(lambda: subprocess.run([RG, "-i", "-c", "-e", rg_pattern, tree], capture_output=True, check=False))
    report = {
        "tree": tree,
        "files_scanned": result["scan"].files_scanned,
        "references": len(result["scan"].references),
        "scan_s": {"min": min(scan_t), "median": statistics.median(scan_t), "max": max(scan_t)},
        "rg_s": {"min": min(rg_t), "median": statistics.median(rg_t), "max": max(rg_t)},
    }
    report["ratio_median"] = report["scan_s"]["median"] / max(report["rg_s"]["median"], 1e-9)
    print(
        f"{tree}: scan_path {report['scan_s']['median']:.2f}s (min {min(scan_t):.2f}, max {max(scan_t):.2f}), "
        f"rg {report['rg_s']['median']:.2f}s (min {min(rg_t):.2f}, max {max(rg_t):.2f}), "
        f"ratio {report['ratio_median']:.1f}x; {report['files_scanned']} files, {report['references']} references"
    )
    return report


if __name__ == "__main__":
    run(sys.argv[1] if len(sys.argv) > 1 else sysconfig.get_paths()["purelib"])
