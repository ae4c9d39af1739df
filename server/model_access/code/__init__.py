"""Model ids in source and config files: scan, plan edits, diff, apply (issue 5 builds it out)."""

from __future__ import annotations

from typing import Any

from ..errors import NotAvailable
from ..results import FixResult, ScanResult


async def scan_for_tool(state: Any, path: str, include: Any, exclude: Any, ctx: Any) -> ScanResult:
    raise NotAvailable("scan_model_references is not available yet in this version of model-access-mcp.")


async def fix_for_tool(state: Any, path: str, replacements: Any, apply: bool) -> FixResult:
    raise NotAvailable("fix_model_references is not available yet in this version of model-access-mcp.")


async def scan_path(state: Any, path: str, include: Any, exclude: Any) -> ScanResult:
    raise NotAvailable("scanning code is not available yet in this version of model-access-mcp.")


async def scan_for_cli(state: Any, path: str, include: Any, exclude: Any) -> ScanResult:
    return await scan_path(state, path, include, exclude)


async def fix_for_cli(state: Any, path: str, replacements: Any, apply: bool) -> FixResult:
    return await fix_for_tool(state, path, replacements, apply)


async def check_for_cli(state: Any, args: Any, out: Any) -> int:
    raise NotAvailable("model-access check is not available yet in this version of model-access-mcp.")
