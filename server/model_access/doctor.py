"""`model-access doctor`: one-shot health check — configuration, key, catalog, shutdowns, ids in code."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from .errors import ModelAccessError
from .state import AppState


class DoctorSection(BaseModel):
    title: str
    lines: list[str]


class DoctorReport(BaseModel):
    status: Literal["ok", "warning", "error"]
    sections: list[DoctorSection]


async def doctor(state: AppState, path: str | None = None, live: bool = True) -> DoctorReport:
    config = state.config
    catalog = state.catalog
    status: Literal["ok", "warning", "error"] = "ok"
    sections: list[DoctorSection] = []

    described = config.describe()
    conf = [f"{k}: {v if v is not None else '-'}" for k, v in described.items()]
    if not config.has_key:
        conf.append("no API key: answers come from the bundled catalog (set OPENAI_API_KEY for live answers)")
    conf.append(f"allowed roots for scan/fix: {', '.join(str(r) for r in config.roots)}")
    sections.append(DoctorSection(title="configuration", lines=conf))

    age = (catalog.today - catalog.as_of).days
    counts = catalog.counts()
    cat = [
        f"catalog as of {catalog.as_of} ({age} days old), built with openai {catalog.built_with_openai}",
        f"installed openai SDK: {catalog.sdk_version or 'not found'}",
        f"{len(catalog)} model ids: {counts['active']} active, {counts['deprecated']} deprecated, "
        f"{counts['shutdown']} shut down",
    ]
    merged = sum(1 for r in catalog.records.values() if r.origin == "sdk")
    if merged:
        cat.append(f"{merged} ids merged from the installed SDK (newer than the snapshot)")
    if age > 120:
        status = "warning"
        cat.append("the catalog is over 120 days old: upgrade model-access-mcp for current shutdown dates")
    sections.append(DoctorSection(title="catalog", lines=cat))

    soon = catalog.upcoming_shutdowns(within_days=90)
    shut = [f"{r.shutdown_date}  {r.id}" + (f"  → {r.replacements[0]}" if r.replacements else "") for r in soon] or [
        "none in the next 90 days"
    ]
    sections.append(DoctorSection(title="shutdowns in the next 90 days", lines=shut))

    if live and config.has_key:
        try:
            listing = await state.live.list_models(None)
            sections.append(
                DoctorSection(
                    title="live key",
                    lines=[
                        f"{listing.provider} at {listing.base_url}: {listing.count} models listed",
                        *listing.warnings,
                    ],
                )
            )
        except ModelAccessError as exc:
            status = "error"
            sections.append(DoctorSection(title="live key", lines=[f"lookup failed: {exc}"]))

    folder = Path(path) if path else Path.cwd()
    try:
        from .code import scan_path

        scan = await scan_path(state, str(folder), None, None)
        problems = [r for r in scan.references if r.problem]
        code_lines = [f"{scan.files_scanned} files scanned in {folder}, {len(scan.references)} model ids"]
        for ref in problems[:20]:
            hint = f" → {ref.suggestion}" if ref.suggestion else ""
            code_lines.append(f"{ref.file}:{ref.line}:{ref.column}: {ref.model} [{ref.problem}]{hint}")
        if problems and status == "ok":
            status = "warning"
    except (ImportError, ModelAccessError) as exc:
        code_lines = [f"not checked: {exc}"]
    sections.append(DoctorSection(title="model ids in code", lines=code_lines))
    return DoctorReport(status=status, sections=sections)
