"""`model-access scan` as a whole CLI process vs ripgrep with a model-id regex, on the same trees.

Not part of CI. Usage:
    python -m benchmarks.bench_scan [TREE ...] [--runs N] [--json OUT] [--baseline OLD/server] [--bytecode]
Default trees: the venv's site-packages and a corpus of real packages (a few PyPI wheels/sdists and
npm tarballs that mention OpenAI model ids, downloaded once with pip/npm into the user cache folder).

Each round runs, interleaved: with --baseline, the older checkout cold, `rg`, and its re-scan; then our
scan with an empty result cache ("cold"), `rg`, our scan again with the cache of the previous run
("re-scan": the stored answer of an unchanged tree), `rg` again. Ratios are median ÷ rg median; a second
line gives the minimums, their ratios, the CPU seconds (user + system, helper processes included) of the
cold scans and of rg, and the load average, since wall times on a busy machine say little alone; with
--baseline, the median of each round's difference (ours minus the baseline's cold run in that round). The
scan's own `stats` (files pre-filtered away, cache hits) come from its `--json` output when it reports them.
`--bytecode` first writes both checkouts' bytecode (an installed package has it; an editable checkout run
with PYTHONDONTWRITEBYTECODE=1 compiles its modules in every process).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

# Fixed across versions so "rg" is the same work in every run: the model-id pre-filter pattern of the
# original scanner (a word-ish alternation of every id stem), matched case-insensitively.
RG_PATTERN = (
    r"gpt-?[0-9]|gpt-(?:image|audio|realtime|live|transcribe)|o[1-9]|text-(?:embedding|davinci|curie|babbage|ada"
    r"|moderation|search|similarity)|omni-moderation|dall-e|tts-1|whisper-1|davinci|babbage|curie|['\"]ada['\"]"
    r"|code-cushman|codex-mini|computer-use|sora-2|chat-latest|ft:"
)
PYPI = [
    "openai==1.109.1",
    "litellm==1.77.7",
    "langchain-openai==0.3.33",
    "llama-index-llms-openai==0.3.38",
    "instructor==1.11.3",
    "dspy==3.0.3",
    "openai-agents==0.3.3",
    "tiktoken==0.11.0",
]
NPM = ["openai@5.23.0", "@ai-sdk/openai@2.0.42", "@langchain/openai@0.6.14", "ai@5.0.59"]


def _rg() -> str:
    here = Path(sys.executable).parent / "rg"
    return str(here) if here.exists() else (shutil.which("rg") or "rg")


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "model-access-bench"


def corpus(log: Any = print) -> Path:
    """The real-package corpus, built on first use (pip download / npm pack, then extracted)."""
    root = _cache_root() / "corpus"
    done = root / ".complete"
    if done.exists():
        return root / "src"
    dl = root / "dl"
    src = root / "src"
    shutil.rmtree(root, ignore_errors=True)
    dl.mkdir(parents=True)
    src.mkdir()
    log(f"building the scan corpus in {root} (first run only)…")
    for spec in PYPI:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(dl), spec],
            check=False,
            capture_output=True,
        )
    if shutil.which("npm"):
        for spec in NPM:
            subprocess.run(["npm", "pack", "--silent", spec], cwd=dl, check=False, capture_output=True)
    for archive in sorted(dl.iterdir()):
        target = src / archive.name.split(".tar")[0].removesuffix(".whl").removesuffix(".tgz")
        if archive.suffix == ".whl":
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(target)
        elif archive.name.endswith((".tar.gz", ".tgz")):
            with tarfile.open(archive) as tf:
                tf.extractall(target, filter="data")
    done.write_text("ok")
    return src


def _ours(tree: str, cache_home: str, source: str | None = None) -> tuple[float, dict[str, Any]]:
    """One `model-access scan TREE --json` process; `source`: run another checkout's server/ instead."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "AZURE_OPENAI", "MODEL_ACCESS"))}
    env["XDG_CACHE_HOME"] = cache_home
    env["MODEL_ACCESS_ROOTS"] = tree
    cli = [str(Path(sys.executable).parent / "model-access")]
    if source:
        env["PYTHONPATH"] = source
        cli = [sys.executable, "-m", "model_access.cli"]
    start = time.perf_counter()
    out = subprocess.run([*cli, "scan", tree, "--json"], capture_output=True, env=env, check=False)
    seconds = time.perf_counter() - start
    try:
        data = json.loads(out.stdout)
    except ValueError:
        data = {"error": out.stderr.decode(errors="replace")[-500:]}
    return seconds, data


def _rg_time(tree: str) -> float:
    start = time.perf_counter()
    subprocess.run([_rg(), "-i", "-c", "-e", RG_PATTERN, tree], capture_output=True, check=False)
    return time.perf_counter() - start


def _child_cpu() -> float:
    """CPU seconds (user + system) of every finished child process so far, their own children included."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _with_cpu(fn: Any, *args: Any) -> tuple[Any, float]:
    before = _child_cpu()
    result = fn(*args)
    return result, _child_cpu() - before


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def _rg_files(tree: str) -> int:
    out = subprocess.run([_rg(), "--files", tree], capture_output=True, check=False)
    return out.stdout.count(b"\n")


def _summary(values: list[float]) -> dict[str, float]:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def run(
    tree: str | None = None, quick: bool = False, runs: int | None = None, baseline: str | None = None
) -> dict[str, Any]:
    """`baseline`: the server/ folder of an older checkout, timed in the same rounds (cold only)."""
    trees = [tree] if tree else [sysconfig.get_paths()["purelib"], str(corpus())]
    n = runs or (3 if quick else 7)
    report: dict[str, Any] = {}
    for t in trees:
        cold: list[float] = []
        warm: list[float] = []
        rg: list[float] = []
        last: dict[str, Any] = {}
        _ours(t, tempfile.mkdtemp(prefix="ma-bench-"))  # page cache warm for both, like rg's runs
        _rg_time(t)
        cold_stats: Any = None
        base: list[float] = []
        base_warm: list[float] = []
        cold_cpu: list[float] = []
        base_cpu: list[float] = []
        rg_cpu: list[float] = []
        load_before = _load()
        for _ in range(n):
            if baseline:
                base_home = tempfile.mkdtemp(prefix="ma-bench-")
                (seconds, _), cpu = _with_cpu(_ours, t, base_home, baseline)
                base.append(seconds)
                base_cpu.append(cpu)
                rg.append(_rg_time(t))
                base_warm.append(_ours(t, base_home, baseline)[0])
                shutil.rmtree(base_home, ignore_errors=True)
            home = tempfile.mkdtemp(prefix="ma-bench-")
            (seconds, cold_data), cpu = _with_cpu(_ours, t, home)
            cold_stats = cold_data.get("stats")
            cold.append(seconds)
            cold_cpu.append(cpu)
            seconds, cpu = _with_cpu(_rg_time, t)
            rg.append(seconds)
            rg_cpu.append(cpu)
            seconds, last = _ours(t, home)
            warm.append(seconds)
            rg.append(_rg_time(t))
            shutil.rmtree(home, ignore_errors=True)
        rg_median = statistics.median(rg)
        name = "site-packages" if t == sysconfig.get_paths()["purelib"] else Path(t).name
        entry = {
            "tree": t,
            "rg_files": _rg_files(t),
            "files_scanned": last.get("files_scanned"),
            "references": len(last.get("references", [])) if "references" in last else last.get("summary"),
            "cold_stats": cold_stats,
            "rescan_stats": last.get("stats"),
            "error": last.get("error"),
            "cold_s": _summary(cold),
            "rescan_s": _summary(warm),
            "rg_s": _summary(rg),
            "cold_ratio": statistics.median(cold) / rg_median,
            "rescan_ratio": statistics.median(warm) / rg_median,
            "cold_ratio_of_minimums": min(cold) / min(rg),
            "rescan_ratio_of_minimums": min(warm) / min(rg),
            "cold_cpu_s": _summary(cold_cpu),
            "rg_cpu_s": _summary(rg_cpu),
            "load_average": [load_before, _load()],
        }
        if base:
            entry["baseline_s"] = _summary(base)
            entry["baseline_ratio"] = statistics.median(base) / rg_median
            entry["baseline_rescan_s"] = _summary(base_warm)
            entry["baseline_rescan_ratio"] = statistics.median(base_warm) / rg_median
            entry["baseline_cpu_s"] = _summary(base_cpu)
            # Each round's cold run against the baseline's in the same round: steadier than either median
            # when other work comes and goes on the machine.
            entry["paired_cold_difference_s"] = _summary([ours - old for ours, old in zip(cold, base, strict=True)])
            entry["cold_samples_s"] = cold
            entry["baseline_samples_s"] = base
        report[name] = entry
        print(
            f"{name}: cold {entry['cold_s']['median']:.3f}s  re-scan {entry['rescan_s']['median']:.3f}s  "
            f"rg {rg_median:.3f}s  → cold {entry['cold_ratio']:.1f}x (target ≤5x), re-scan "
            f"{entry['rescan_ratio']:.1f}x (target ≤2x); rg --files {entry['rg_files']}, scanned "
            f"{entry['files_scanned']}, references {entry['references']}, cold stats {entry['cold_stats']}"
            + (f"  ERROR {entry['error']}" if entry["error"] else ""),
            flush=True,
        )
        print(
            f"  minimums: cold {min(cold):.3f}s  re-scan {min(warm):.3f}s  rg {min(rg):.3f}s → cold "
            f"{entry['cold_ratio_of_minimums']:.1f}x, re-scan {entry['rescan_ratio_of_minimums']:.1f}x; CPU medians: "
            f"cold {statistics.median(cold_cpu):.3f}s, rg {statistics.median(rg_cpu):.3f}s; "
            f"load average {load_before} → {_load()}",
            flush=True,
        )
        if base:
            print(
                f"  baseline ({baseline}): cold {statistics.median(base):.3f}s (min {min(base):.3f}) → "
                f"{entry['baseline_ratio']:.1f}x rg, re-scan {statistics.median(base_warm):.3f}s "
                f"(min {min(base_warm):.3f}) → {entry['baseline_rescan_ratio']:.1f}x rg; cold CPU median "
                f"{statistics.median(base_cpu):.3f}s; ours minus baseline, same round: median "
                f"{entry['paired_cold_difference_s']['median']:+.3f}s (min {entry['paired_cold_difference_s']['min']:+.3f}, "
                f"max {entry['paired_cold_difference_s']['max']:+.3f})"
            )
    return report


def compile_sources(baseline: str | None) -> list[str]:
    """Write the bytecode of our package (and the baseline's) next to its sources, as `pip install` does.

    Without it, a process started with PYTHONDONTWRITEBYTECODE=1 compiles every module of an editable
    checkout from source on every run (≈50 ms of a cold scan here); Python reads bytecode that exists
    whatever that variable says."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("model_access")
    folders = list(spec.submodule_search_locations or []) if spec else []
    if baseline:
        folders.append(str(Path(baseline) / "model_access"))
    for folder in folders:
        compileall.compile_dir(folder, quiet=1)
    return folders


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_scan", description=__doc__)
    parser.add_argument("trees", nargs="*")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--baseline", default=None, help="server/ folder of an older checkout to time alongside")
    parser.add_argument(
        "--bytecode",
        action="store_true",
        help="compile both checkouts' modules first, as an installed package has them",
    )
    args = parser.parse_args(argv)
    report: dict[str, Any] = {}
    if args.bytecode:
        print(f"bytecode written for {', '.join(compile_sources(args.baseline))}", flush=True)
    elif os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("note: PYTHONDONTWRITEBYTECODE is set: modules without bytecode are compiled on every run", flush=True)
    for t in args.trees or [None]:
        report.update(run(t, runs=args.runs, baseline=args.baseline))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
