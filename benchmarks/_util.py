"""Shared helpers: statistics, result rows, the baseline venv and /proc readings."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BASELINE_VENV = HERE / ".venv-baseline"
TODAY = "2026-11-23"


@dataclass
class Row:
    section: str
    name: str
    unit: str
    min: float | None = None
    median: float | None = None
    max: float | None = None
    n: int = 0
    baseline: str = ""
    baseline_median: float | None = None
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def row(
    section: str,
    name: str,
    unit: str,
    values: list[float],
    baseline: str = "",
    base_values: list[float] | None = None,
    target: str = "",
    limit: float | None = None,
    note: str = "",
    higher_is_better: bool = False,
) -> Row:
    r = Row(section, name, unit, min(values), statistics.median(values), max(values), len(values), baseline)
    if base_values:
        r.baseline_median = statistics.median(base_values)
        if r.baseline_median:
            r.ratio = r.median / r.baseline_median if r.median is not None else None
    r.target = target
    if limit is not None and r.ratio is not None:
        r.met = r.ratio >= limit if higher_is_better else r.ratio <= limit
    r.note = note
    return r


def offline_env(**extra: str) -> dict[str, str]:
    """A server environment without any key of the developer's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "AZURE_OPENAI", "MODEL_ACCESS"))}
    env["MODEL_ACCESS_TODAY"] = TODAY
    env.update(extra)
    return env


def our_command() -> str:
    script = Path(sys.executable).parent / "model-access-mcp"
    return str(script) if script.exists() else "model-access-mcp"


def baseline_command(log: Callable[[str], object] = print) -> str:
    """`mcp-server-time` from PyPI, installed on first use into benchmarks/.venv-baseline/."""
    script = BASELINE_VENV / "bin" / "mcp-server-time"
    if not script.exists():
        log(f"creating {BASELINE_VENV} and installing mcp-server-time (first run only)…")
        subprocess.run(["python3", "-m", "venv", str(BASELINE_VENV)], check=True)
        subprocess.run(
            [str(BASELINE_VENV / "bin" / "pip"), "install", "-q", "mcp-server-time"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return str(script)


def baseline_version() -> str:
    out = subprocess.run(
        [
            str(BASELINE_VENV / "bin" / "python"),
            "-c",
            "import importlib.metadata as m; print(m.version('mcp-server-time'), m.version('mcp'))",
        ],
        capture_output=True,
        text=True,
    )
    return out.stdout.strip()


def children(pid: int | None = None) -> set[int]:
    """PIDs whose parent is `pid` (default: this process), from /proc."""
    pid = os.getpid() if pid is None else pid
    found: set[int] = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.add(int(entry))
    return found


def memory_kb(pid: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out[key] = int(value.split()[0])
    return out


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": sys.version.split()[0],
    }
