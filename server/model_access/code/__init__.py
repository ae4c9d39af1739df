"""Model ids in source and config files: scan, plan edits, diff, apply.

Public entry points (called by mcp_server, cli and doctor): `scan_path`, `scan_for_tool`,
`fix_for_tool`, `scan_for_cli`, `fix_for_cli`, `check_for_cli`. The synchronous building blocks
(`scan_sync`, `plan_fix_sync`, `apply_plan`) are importable for tests and scripts.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import InvalidInput, ModelAccessError
from ..redact import redact

# anyio, pydantic (results) and the scanner load on first call, not on import: the CLI imports this
# package to answer a re-scan of an unchanged tree from its stored answer (answer.py) without them.
if TYPE_CHECKING:
    from ..results import FixResult, ScanResult
    from ..state import AppState
    from .fix import Plan, apply_plan
    from .plain import PlainScan
    from .scan import Judge, RawScan, View


def __getattr__(name: str) -> Any:
    # fix.py (difflib, the write path) loads only when a fix is planned: `scan` starts faster.
    if name in ("Plan", "apply_plan"):
        from . import fix

        return getattr(fix, name)
    raise AttributeError(name)


Globs = Sequence[str] | None  # include/exclude patterns, e.g. ["src/**/*.py"]

# One MCP result stays under ~10k tokens by default (about 60 tokens per reference).
DEFAULT_LIMIT = 100

OFFLINE_WAIT = 0.1  # a scan is offline work: it uses the live list only if it is at hand this quickly

__all__ = [
    "CheckOptions",
    "Plan",
    "apply_plan",
    "check_for_cli",
    "fix_for_cli",
    "fix_for_tool",
    "fix_sync",
    "plain_scan_for_cli_sync",
    "plan_fix_sync",
    "scan_for_cli",
    "scan_for_cli_sync",
    "scan_for_tool",
    "scan_path",
    "scan_sync",
]


async def _listed(state: AppState) -> set[str] | None:
    if not state.config.has_key:
        return None
    try:
        return await state.live.listed_ids(wait=OFFLINE_WAIT)  # never wait on the network
    except ModelAccessError:  # no listing at hand: the scan answers from the catalog
        return None


def scan_sync(
    state: AppState,
    path: str,
    include: Globs = None,
    exclude: Globs = None,
    listed: set[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    view: View | None = None,
    use_cache: bool = True,
    hidden: bool = False,
    no_ignore: bool = False,
    parallel: bool = False,
) -> tuple[RawScan, ScanResult, Judge]:
    """`hidden`/`no_ignore`: rg's --hidden and --no-ignore (the CLI's flags of the same names);
    `parallel`: extraction may fork a second process (the CLI only, see scan._extract_all)."""
    from .scan import Judge, raw_scan, to_result

    catalog = state.catalog
    raw = raw_scan(
        state.config.roots, path, include, exclude, catalog, progress, use_cache=use_cache, hidden=hidden,
        no_ignore=no_ignore, parallel=parallel,
    )  # fmt: skip
    if raw.walk is not None:
        state.last_walk = raw.walk  # for the CLI's stored answer (answer.py)
    judge = Judge(catalog, listed)
    return raw, to_result(raw, judge, view), judge


async def scan_path(state: AppState, path: str, include: Globs, exclude: Globs) -> ScanResult:
    import anyio

    listed = await _listed(state)
    _, result, _ = await anyio.to_thread.run_sync(lambda: scan_sync(state, path, include, exclude, listed))
    return result


async def scan_for_tool(
    state: AppState,
    path: str,
    include: Globs,
    exclude: Globs,
    ctx: Any,
    limit: int | None = DEFAULT_LIMIT,
    problems_only: bool = False,
    cursor: str | None = None,
) -> ScanResult:
    """The MCP tool's scan: a summary, then one page of references (see View)."""
    import anyio

    from .scan import View

    view = View.make(path, include, exclude, limit, problems_only, cursor)
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

    _, result, _ = await anyio.to_thread.run_sync(
        lambda: scan_sync(state, path, include, exclude, listed, progress, view)
    )
    return result


def plan_fix_sync(
    state: AppState, path: str, replacements: Mapping[str, str] | None = None, listed: set[str] | None = None
) -> Plan:
    from .fix import check_mapping, plan_fix

    mapping = check_mapping(state.catalog, replacements)
    raw, _, judge = scan_sync(state, path, None, None, listed)
    return plan_fix(raw, judge, mapping)


def fix_sync(
    state: AppState,
    path: str,
    replacements: Mapping[str, str] | None = None,
    apply: bool = False,
    digest: str | None = None,
    require_digest: bool = False,
) -> FixResult:
    """Plan; with apply, write exactly the plan whose digest is `digest` (required when require_digest).

    The CLI's `fix --apply` may omit the digest: it prints the plan it applies in the same run.
    """
    from .fix import apply_plan, fix_result

    plan = plan_fix_sync(state, path, replacements)
    if not apply:
        return fix_result(plan, False, [])
    if digest is None and require_digest:
        raise InvalidPlan(
            "apply=true needs the digest of the plan the user saw: call fix_model_references without apply, "
            "show the diff to the user, then call it again with apply=true and that result's digest; nothing was written"
        )
    if digest is not None and digest.strip().lower() != plan.digest:
        raise InvalidPlan(
            "the plan changed since it was shown (a file was edited, or the suggested ids changed); nothing was "
            "written. Plan again without apply, show the new diff, and apply with its digest."
        )
    if not plan.files:
        return fix_result(plan, False, [])
    changed = apply_plan(plan, state.config.roots)
    return fix_result(plan, True, changed)


class InvalidPlan(InvalidInput):
    """apply=true without the digest of the shown plan, or with one that no longer matches."""


async def fix_for_tool(
    state: AppState,
    path: str,
    replacements: Mapping[str, str] | None,
    apply: bool,
    digest: str | None = None,
    require_digest: bool = True,
) -> FixResult:
    import anyio

    result: FixResult = await anyio.to_thread.run_sync(
        lambda: fix_sync(state, path, replacements, bool(apply), digest, require_digest)
    )
    return result


async def scan_for_cli(
    state: AppState, path: str, include: Globs, exclude: Globs, hidden: bool = False, no_ignore: bool = False
) -> ScanResult:
    import anyio

    listed = await _listed(state)
    _, result, _ = await anyio.to_thread.run_sync(
        lambda: scan_sync(state, path, include, exclude, listed, hidden=hidden, no_ignore=no_ignore, parallel=True)
    )
    return result


def scan_for_cli_sync(
    state: AppState, path: str, include: Globs, exclude: Globs, hidden: bool = False, no_ignore: bool = False
) -> ScanResult:
    """scan_for_cli without a key: no live listing to wait for, so no event loop is needed."""
    _, result, _ = scan_sync(state, path, include, exclude, None, hidden=hidden, no_ignore=no_ignore, parallel=True)
    return result


def plain_scan_for_cli_sync(
    state: AppState, path: str, include: Globs, exclude: Globs, hidden: bool = False, no_ignore: bool = False
) -> PlainScan:
    """scan_for_cli_sync as plain rows (code/plain.py): what `model-access scan` prints, without models."""
    from .plain import plain_scan
    from .scan import Judge, raw_scan

    raw = raw_scan(
        state.config.roots, path, include, exclude, state.catalog, use_cache=True, hidden=hidden,
        no_ignore=no_ignore, parallel=True,
    )  # fmt: skip
    if raw.walk is not None:
        state.last_walk = raw.walk  # for the CLI's stored answer (answer.py)
    return plain_scan(raw, Judge(state.catalog, None))


async def fix_for_cli(
    state: AppState, path: str, replacements: Mapping[str, str] | None, apply: bool, digest: str | None = None
) -> FixResult:
    return await fix_for_tool(state, path, replacements, apply, digest, require_digest=False)


@dataclass(frozen=True)
class CheckOptions:
    """What `model-access check` gates on, and how it reports."""

    path: str
    include: Globs = None
    exclude: Globs = None
    hidden: bool = False
    no_ignore: bool = False
    fail_on: str = "unknown,retired,deprecated"
    within_days: int = 90
    format: str = "text"


async def check_for_cli(state: AppState, options: CheckOptions, out: TextIO) -> int:
    """Exit 1 when code/config uses failing ids, 0 otherwise, 2 on bad input."""
    import anyio

    from .report import failing, parse_fail_on, render

    try:
        fail_on = parse_fail_on(options.fail_on)
        within = options.within_days
        if within < 0:
            raise InvalidInput("--within-days must be 0 or more")
        fmt = options.format or "text"
        if fmt not in ("text", "json", "sarif", "github"):
            raise InvalidInput(f"--format must be text, json, sarif or github; got {fmt!r}")
        raw, scan, _ = await anyio.to_thread.run_sync(
            lambda: scan_sync(
                state,
                options.path,
                options.include,
                options.exclude,
                hidden=options.hidden,
                no_ignore=options.no_ignore,
                parallel=True,
            )
        )
    except ModelAccessError as exc:
        print(f"model-access check: {redact(str(exc))}", file=sys.stderr)
        return 2
    fails = failing(scan, fail_on, within, state.catalog.today)
    out.write(render(fmt, scan, fails, Path(raw.root), within, fail_on))
    return 1 if fails else 0
