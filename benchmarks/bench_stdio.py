"""Sections 1-3: cold start, round trips and memory over stdio, against `mcp-server-time`."""

from __future__ import annotations

import contextlib
import itertools
import subprocess
import sys
import time
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from mcp import Client, MCPError, StdioServerParameters

from ._util import Row, baseline_command, children, memory_kb, offline_env, our_command, pct, row

DIAG_TEXT = (
    "Error code: 404 - {'error': {'message': 'The model `gpt-4-32k` does not exist or you do not have access "
    "to it.', 'type': 'invalid_request_error', 'param': None, 'code': 'model_not_found'}}"
)
# The first call of a text is diagnosed; the server remembers the answer to a short text, so the
# same text again is answered from memory. Both are measured: DIAG_TEXT (the same each call) and
# DIAG_TEXT with a fresh request id each call.
UNIQUE = "diagnose_error, unique text"
UNIQUE_TAIL = "\nx-request-id: req_"
OURS = "model-access-mcp"
BASE = "mcp-server-time"


def _params(command: str) -> StdioServerParameters:
    return StdioServerParameters(command=command, env=offline_env(TZ="UTC"))


def _client(command: str, mode: str = "auto") -> Client:
    return Client(_params(command), cache=None, mode=mode)  # type: ignore[arg-type]


# ---------------------------------------------------------------- 1. cold start


async def _cold_once(command: str) -> float:
    start = time.perf_counter()
    async with _client(command) as client:
        await client.list_tools()
        elapsed = time.perf_counter() - start
    return elapsed


def cold_start(repeats: int) -> list[Row]:
    ours_cmd, base_cmd = our_command(), baseline_command()
    ours: list[float] = []
    base: list[float] = []

    async def main() -> None:
        await _cold_once(ours_cmd)  # warm the OS page cache and .pyc files of both
        await _cold_once(base_cmd)
        for _ in range(repeats):  # interleaved: A, B, A, B…
            ours.append(await _cold_once(ours_cmd))
            base.append(await _cold_once(base_cmd))

    anyio.run(main)
    pair = [a / b for a, b in zip(ours, base, strict=True)]
    return [
        row("1 cold start", f"{OURS} spawn→tools/list", "s", ours, BASE, base, "ratio ≤ 1.0", 1.0),
        row("1 cold start", f"{BASE} spawn→tools/list", "s", base),
        row("1 cold start", "per-pair ratio (A/B)", "×", pair, note="min/median/max of the interleaved pairs"),
    ]


def import_time(top: int = 8) -> list[dict[str, Any]]:
    """`python -X importtime -c "import model_access.mcp_server"`: the largest cumulative entries."""
    code = "import model_access.mcp_server"
    subprocess.run([sys.executable, "-c", code], check=True)  # .pyc warm
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True)
    entries: list[dict[str, Any]] = []
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative, name = (part.strip() for part in line.split(":", 1)[1].split("|"))
        entries.append({"module": name, "self_ms": int(self_us) / 1000, "cumulative_ms": int(cumulative) / 1000})
    entries.sort(key=lambda e: e["cumulative_ms"], reverse=True)
    return entries[:top]


# ---------------------------------------------------------------- 2. round trips


async def _timed(fn: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = await fn()
    return time.perf_counter() - start, result


def round_trips(calls: int) -> tuple[list[Row], dict[str, Any]]:
    ours_cmd, base_cmd = our_command(), baseline_command()
    samples: dict[str, list[float]] = {}
    info: dict[str, Any] = {}

    async def unknown_tool(client: Client) -> None:
        with contextlib.suppress(MCPError):
            await client.call_tool("no_such_tool", {})

    async def main() -> None:
        async with _client(ours_cmd) as ours, _client(base_cmd) as base, _client(ours_cmd, "legacy") as legacy:
            unique = itertools.count(1)
            ops: dict[str, Callable[[], Awaitable[Any]]] = {
                "diagnose_error": lambda: ours.call_tool("diagnose_error", {"error": DIAG_TEXT}),
                # The same error with a request id never sent before: no remembered answer helps.
                UNIQUE: lambda: ours.call_tool(
                    "diagnose_error", {"error": f"{DIAG_TEXT}{UNIQUE_TAIL}{next(unique):032x}"}
                ),
                "suggest_replacement(gpt4o)": lambda: ours.call_tool("suggest_replacement", {"model": "gpt4o"}),
                "check_endpoint_for_model": lambda: ours.call_tool(
                    "check_endpoint_for_model", {"model": "gpt-5-pro", "endpoint": "chat.completions"}
                ),
                "in-session trivial (unknown tool → -32602)": lambda: unknown_tool(ours),
                "legacy-session ping": legacy.send_ping,
                "legacy-session diagnose_error": lambda: legacy.call_tool("diagnose_error", {"error": DIAG_TEXT}),
                f"{BASE} get_current_time": lambda: base.call_tool("get_current_time", {"timezone": "UTC"}),
            }
            for name, fn in ops.items():  # warm-up: lazy imports, catalog load
                _, result = await _timed(fn)
                if result is not None and getattr(result, "is_error", False):
                    info.setdefault("errors", {})[name] = str(result.content)[:300]
                samples[name] = []
            for _ in range(calls):  # interleaved round robin
                for name, fn in ops.items():
                    seconds, _ = await _timed(fn)
                    samples[name].append(seconds * 1000)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ping is deprecated in the 2026-07-28 protocol
        anyio.run(main)
    base = samples[f"{BASE} get_current_time"]
    trivial = samples["in-session trivial (unknown tool → -32602)"]
    ping = samples["legacy-session ping"]
    rows: list[Row] = []
    for name, values in samples.items():
        p50, p95 = pct(values, 50), pct(values, 95)
        info[name] = {"p50_ms": p50, "p95_ms": p95, "min_ms": min(values), "max_ms": max(values), "n": len(values)}
        if name == f"{BASE} get_current_time":
            r = row("2 round trip", f"{name} p50", "ms", values)
        elif name.startswith("legacy"):
            r = row("2 round trip", f"{name} p50", "ms", values, "legacy ping", ping)
            if name == "legacy-session diagnose_error":
                r.target, r.met = "≤ 1.2× ping", (r.ratio or 0) <= 1.2
        else:
            r = row("2 round trip", f"{name} p50", "ms", values, "get_current_time", base)
            r.note = f"{pct(values, 50) / pct(trivial, 50):.2f}× in-session trivial"
            if name in ("diagnose_error", UNIQUE):
                r.target, r.met = "≤ 1.2× trivial", (r.ratio or 0) <= 1.2
                check = pct(samples["check_endpoint_for_model"], 50)
                r.note = f"{r.note}; {pct(values, 50) / check:.2f}× check_endpoint_for_model"
        r.note = (f"p95 {p95:.2f} ms; " + r.note).rstrip("; ")
        rows.append(r)
    return rows, info


# ---------------------------------------------------------------- 3. memory


async def _memory_once(command: str, calls: list[tuple[str, dict[str, Any]]]) -> dict[str, float]:
    before = children()
    async with _client(command) as client:
        await client.list_tools()
        new = sorted(children() - before)
        if not new:
            raise RuntimeError("could not find the stdio server's PID")
        pid = new[-1]
        await anyio.sleep(0.3)
        idle = memory_kb(pid)
        for name, args in calls[:30]:
            await client.call_tool(name, args)
        warm = memory_kb(pid)
        for name, args in calls:
            await client.call_tool(name, args)
        after = memory_kb(pid)
    return {
        "idle_rss_kb": idle["VmRSS"],
        "idle_hwm_kb": idle["VmHWM"],
        "warm_rss_kb": warm["VmRSS"],
        "after_rss_kb": after["VmRSS"],
        "after_hwm_kb": after["VmHWM"],
    }


def memory(repeats: int, n_calls: int = 1000) -> tuple[list[Row], list[dict[str, Any]]]:
    ours_cmd, base_cmd = our_command(), baseline_command()
    typos = ["gpt4o", "gpt-4-32k", "text-davinci-003", "gpt-4o-mini", "gpt35-turbo", "o1-preview", "gpt-5-pro"]
    mix: list[tuple[str, dict[str, Any]]] = []
    for i in range(n_calls):
        model = typos[i % len(typos)]
        kind = i % 3
        if kind == 0:
            mix.append(("suggest_replacement", {"model": model}))
        elif kind == 1:
            mix.append(("check_endpoint_for_model", {"model": model, "endpoint": "chat.completions"}))
        else:
            mix.append(("diagnose_error", {"error": DIAG_TEXT.replace("gpt-4-32k", model)}))
    base_calls = [("get_current_time", {"timezone": "UTC"})] * n_calls
    runs: list[dict[str, Any]] = []

    async def main() -> None:
        for _ in range(repeats):
            runs.append({"server": OURS, **await _memory_once(ours_cmd, mix)})
            runs.append({"server": BASE, **await _memory_once(base_cmd, base_calls)})

    anyio.run(main)
    o = [r for r in runs if r["server"] == OURS]
    b = [r for r in runs if r["server"] == BASE]

    def mb(rs: list[dict[str, Any]], key: str) -> list[float]:
        return [r[key] / 1024 for r in rs]

    def growth(rs: list[dict[str, Any]], start: str) -> list[float]:
        return [100 * (r["after_rss_kb"] - r[start]) / r[start] for r in rs]

    sec = "3 memory"
    rows = [
        row(sec, f"{OURS} idle VmRSS", "MB", mb(o, "idle_rss_kb"), BASE, mb(b, "idle_rss_kb"), "≤ 1.2×", 1.2),
        row(
            sec,
            f"{OURS} VmHWM after {n_calls} calls",
            "MB",
            mb(o, "after_hwm_kb"),
            BASE,
            mb(b, "after_hwm_kb"),
            "≤ 1.2×",
            1.2,
        ),
        row(sec, f"{BASE} idle VmRSS", "MB", mb(b, "idle_rss_kb")),
        row(sec, f"{BASE} VmHWM after {n_calls} calls", "MB", mb(b, "after_hwm_kb")),
        row(
            sec,
            f"{OURS} RSS growth warm→+{n_calls} calls",
            "%",
            growth(o, "warm_rss_kb"),
            target="≤ 5 %",
            note="after 30 warm-up calls (leak check)",
        ),
        row(
            sec,
            f"{OURS} RSS growth idle→+{n_calls} calls",
            "%",
            growth(o, "idle_rss_kb"),
            target="≤ 5 %",
            note="includes the one-time lazy load of catalog/rapidfuzz",
        ),
        row(sec, f"{BASE} RSS growth idle→+{n_calls} calls", "%", growth(b, "idle_rss_kb")),
    ]
    for r in rows:
        if r.unit == "%" and r.target:
            r.met = (r.median or 0) <= 5.0
    return rows, runs
