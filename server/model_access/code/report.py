"""`model-access check`: which references fail the gate, and the text/json/sarif/github renderings."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import InvalidInput
from ..results import Reference, ScanResult
from ..vocab import PROBLEMS

GATED_KINDS = ("code", "config")
RULES: dict[str, str] = {
    "unknown": "The model id is not an OpenAI model id (a typo or an id that never existed).",
    "retired": "The model has shut down: calls fail with model_not_found.",
    "deprecated": "The model is deprecated and shuts down soon.",
    "wrong_endpoint": "The model does not serve the endpoint this call uses.",
    "not_accessible": "The configured key cannot call this model.",
}
HELP_URI = "https://platform.openai.com/docs/deprecations"


def parse_fail_on(text: str) -> set[str]:
    items = {p.strip() for p in (text or "").split(",") if p.strip()}
    bad = items - set(PROBLEMS)
    if bad or not items:
        raise InvalidInput(f"--fail-on takes a comma-separated list of {', '.join(PROBLEMS)}; got {text!r}")
    return items


def failing(scan: ScanResult, fail_on: set[str], within_days: int, today: date) -> list[Reference]:
    out = []
    for ref in scan.references:
        if ref.kind not in GATED_KINDS or ref.problem is None or ref.problem not in fail_on:
            continue
        if ref.problem == "deprecated":
            if ref.shutdown_date is None:
                continue
            if (date.fromisoformat(ref.shutdown_date) - today).days > within_days:
                continue
        out.append(ref)
    return out


def message(ref: Reference) -> str:
    text = {
        "unknown": f"{ref.model} is not an OpenAI model id",
        "retired": f"{ref.model} has shut down" + (f" (since {ref.shutdown_date})" if ref.shutdown_date else ""),
        "deprecated": f"{ref.model} is deprecated and shuts down on {ref.shutdown_date}",
        "wrong_endpoint": f"{ref.model} does not serve the endpoint of {ref.call or 'this call'}",
        "not_accessible": f"{ref.model} is not available to the configured key",
    }.get(ref.problem or "", ref.model)
    if ref.suggestion:
        text += f"; use {ref.suggestion}"
    return text


def _display_path(root: Path, file: str) -> str:
    """Path for CI annotations: relative to the working folder when the file is under it."""
    name = file.partition("#")[0]
    full = root / name
    try:
        rel = os.path.relpath(full, Path.cwd())
    except ValueError:
        return name
    return name if rel.startswith("..") else rel.replace(os.sep, "/")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(fmt: str, scan: ScanResult, fails: list[Reference], root: Path, within_days: int, fail_on: set[str]) -> str:
    failed_ids = {id(r) for r in fails}
    notes = [r for r in scan.references if r.problem and id(r) not in failed_ids and r.kind in GATED_KINDS]
    if fmt == "json":
        payload: dict[str, Any] = {
            "ok": not fails,
            "failures": [r.model_dump() for r in fails],
            "warnings": [r.model_dump() for r in notes],
            "files_scanned": scan.files_scanned,
            "counts": scan.counts,
            "fail_on": sorted(fail_on),
            "within_days": within_days,
        }
        return json.dumps(payload, indent=2) + "\n"
    if fmt == "sarif":
        return json.dumps(_sarif(fails, notes, root), indent=2) + "\n"
    lines: list[str] = []
    if fmt == "github":
        for level, refs in (("error", fails), ("warning", notes)):
            for r in refs:
                path = _display_path(root, r.file)
                cell = f" ({r.file.partition('#')[2]})" if "#" in r.file else ""
                lines.append(
                    f"::{level} file={_escape_prop(path)},line={r.line},col={r.column},"
                    f"title={_escape_prop('model-access ' + (r.problem or ''))}::{_escape_data(message(r) + cell)}"
                )
    else:
        for r in fails:
            lines.append(f"{r.file}:{r.line}:{r.column}: error [{r.problem}] {message(r)}")
        for r in notes:
            lines.append(f"{r.file}:{r.line}:{r.column}: note [{r.problem}] {message(r)}")
    verdict = "FAIL" if fails else "ok"
    summary = (
        f"{verdict}: {len(fails)} failing, {len(notes)} other problems, "
        f"{len(scan.references)} references in {scan.files_scanned} files"
    )
    lines.append(summary if fmt == "text" else f"::notice::{_escape_data(summary)}")
    return "\n".join(lines) + "\n"


def _sarif(fails: list[Reference], notes: list[Reference], root: Path) -> dict[str, Any]:
    from .. import package_version

    version = package_version()

    rules = [
        {
            "id": f"model-access/{name}",
            "name": name,
            "shortDescription": {"text": text},
            "helpUri": HELP_URI,
            "defaultConfiguration": {"level": "error" if name in ("unknown", "retired") else "warning"},
        }
        for name, text in RULES.items()
    ]
    index = {name: i for i, name in enumerate(RULES)}
    results = []
    for level, refs in (("error", fails), ("warning", notes)):
        for r in refs:
            problem = r.problem or "unknown"
            results.append(
                {
                    "ruleId": f"model-access/{problem}",
                    "ruleIndex": index[problem],
                    "level": level,
                    "message": {"text": message(r) + (f" ({r.file.partition('#')[2]})" if "#" in r.file else "")},
                    "locations": [
                        {
                            "physicalLocation": {
                                "artifactLocation": {"uri": _display_path(root, r.file)},
                                "region": {
                                    "startLine": r.line,
                                    "startColumn": r.column,
                                    "endColumn": r.column + len(r.model),
                                },
                            }
                        }
                    ],
                    "properties": {"model": r.model, "suggestion": r.suggestion, "shutdown_date": r.shutdown_date},
                }
            )
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "model-access",
                        "version": str(version),
                        "informationUri": "https://github.com/openai/openai-python",
                        "rules": rules,
                    }
                },
                "results": results,
                "columnKind": "unicodeCodePoints",
            }
        ],
    }


def redact_scan(scan: ScanResult, redact: Any) -> ScanResult:
    """Apply the redaction policy to every string of a scan, each distinct string once.

    A site-packages scan has ~10k references but a few hundred distinct strings; redacting the
    2.5 MB JSON text as a whole took 0.4 s of a CLI run, this takes milliseconds.
    """
    seen: dict[str, str] = {}

    def once(text: str | None) -> str | None:
        if text is None:
            return None
        out = seen.get(text)
        if out is None:
            out = seen[text] = redact(text)
        return out

    for ref in scan.references:
        ref.file = once(ref.file) or ref.file
        ref.model = once(ref.model) or ref.model
        ref.call = once(ref.call)
        ref.suggestion = once(ref.suggestion)
        ref.shutdown_date = once(ref.shutdown_date)
    scan.skipped = [once(s) or s for s in scan.skipped]
    if scan.summary is not None:
        for top in scan.summary.top_files:
            top.file = once(top.file) or top.file
        scan.summary.next_cursor = once(scan.summary.next_cursor)
    return scan
