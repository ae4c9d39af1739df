"""Model ids in source and config files: scan, plan edits, diff, apply.

Public entry points (called by mcp_server, cli and doctor): `scan_path`, `scan_for_tool`,
`fix_for_tool`, `scan_for_cli`, `fix_for_cli`, `check_for_cli`. The synchronous building blocks
(`scan_sync`, `plan_fix_sync`, `apply_plan`) are importable for tests and scripts.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio

from ..errors import ModelAccessError
from ..results import FixResult, ScanResult
from .fix import Plan, apply_plan, check_mapping, fix_result, plan_fix
from .report import failing, parse_fail_on, render
from .scan import Judge, RawScan, raw_scan, to_result

OFFLINE_WAIT = 0.1  # a scan is offline work: it uses the live list only if it is at hand this quickly

__all__ = [
    "Plan",
    "apply_plan",
    "check_for_cli",
    "fix_for_cli",
    "fix_for_tool",
    "fix_sync",
    "plan_fix_sync",
    "scan_for_cli",
    "scan_for_tool",
    "scan_path",
    "scan_sync",
]


async def _listed(state: Any) -> set[str] | None:
    if not state.config.has_key:
        return None
    try:
        listed: set[str] | None = await state.live.listed_ids(wait=OFFLINE_WAIT)  # never wait on the network
    except ModelAccessError:
        return None
    except Exception:
        return None
    return listed


def scan_sync(
    state: Any,
    path: str,
    include: Any = None,
    exclude: Any = None,
    listed: set[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[RawScan, ScanResult, Judge]:
    catalog = state.catalog
    raw = raw_scan(state.config.roots, path, include, exclude, catalog, progress)
    judge = Judge(catalog, listed)
    return raw, to_result(raw, judge), judge


async def scan_path(state: Any, path: str, include: Any, exclude: Any) -> ScanResult:
    listed = await _listed(state)
    _, result, _ = await anyio.to_thread.run_sync(lambda: scan_sync(state, path, include, exclude, listed))
    return result


async def scan_for_tool(state: Any, path: str, include: Any, exclude: Any, ctx: Any) -> ScanResult:
    listed = await _listed(state)
    token = anyio.lowlevel.current_token()

    async def report(done: int, total: int) -> None:
        with contextlib.suppress(Exception):  # progress must never break the scan
            await ctx.report_progress(done, total, f"scanned {done} of {total} files")

    def progress(done: int, total: int) -> None:
        if ctx is None:
            return
        with contextlib.suppress(Exception):
            anyio.from_thread.run(report, done, total, token=token)

    _, result, _ = await anyio.to_thread.run_sync(lambda: scan_sync(state, path, include, exclude, listed, progress))
    return result


def plan_fix_sync(state: Any, path: str, replacements: Any = None, listed: set[str] | None = None) -> Plan:
    mapping = check_mapping(state.catalog, replacements)
    raw, _, judge = scan_sync(state, path, None, None, listed)
    return plan_fix(raw, judge, mapping)


def fix_sync(state: Any, path: str, replacements: Any = None, apply: bool = False) -> FixResult:
    plan = plan_fix_sync(state, path, replacements)
    if not apply or not plan.files:
        return fix_result(plan, False, [])
    changed = apply_plan(plan, state.config.roots)
    return fix_result(plan, True, changed)


async def fix_for_tool(state: Any, path: str, replacements: Any, apply: bool) -> FixResult:
    result: FixResult = await anyio.to_thread.run_sync(lambda: fix_sync(state, path, replacements, bool(apply)))
    return result


async def scan_for_cli(state: Any, path: str, include: Any, exclude: Any) -> ScanResult:
    return await scan_path(state, path, include, exclude)


async def fix_for_cli(state: Any, path: str, replacements: Any, apply: bool) -> FixResult:
    return await fix_for_tool(state, path, replacements, apply)


async def check_for_cli(state: Any, args: Any, out: Any) -> int:
    """Exit 1 when code/config uses failing ids, 0 otherwise, 2 on bad input."""
    try:
        fail_on = parse_fail_on(getattr(args, "fail_on", "unknown,retired,deprecated"))
        within = int(getattr(args, "within_days", 90))
        if within < 0:
            raise ValueError("--within-days must be 0 or more")
        fmt = getattr(args, "format", "text") or "text"
        if fmt not in ("text", "json", "sarif", "github"):
            raise ValueError(f"--format must be text, json, sarif or github; got {fmt!r}")
        raw, scan, _ = await anyio.to_thread.run_sync(
            lambda: scan_sync(state, args.path, getattr(args, "include", None), getattr(args, "exclude", None))
        )
    except (ModelAccessError, ValueError) as exc:
        print(f"model-access check: {exc}", file=sys.stderr)
        return 2
    fails = failing(scan, fail_on, within, state.catalog.today)
    out.write(render(fmt, scan, fails, Path(raw.root), within, fail_on))
    return 1 if fails else 0
