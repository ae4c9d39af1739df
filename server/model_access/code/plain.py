"""The CLI's scan output built from plain tuples: the same bytes as ScanResult's, without 10k models.

`model-access scan` prints every reference. Building a pydantic `Reference` per reference, redacting
each one and serializing the models cost about a tenth of a cold scan of a large tree; here each
reference is a tuple (its verdict computed once per distinct id, endpoint and kind by the Judge) and
the text or JSON is written directly. The MCP tools and `check` keep using `to_result`; a test holds
both renderings byte for byte equal (tests/test_code_plain.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ..vocab import PROBLEMS
from .scan import KINDS

if TYPE_CHECKING:
    from .scan import Judge, RawScan

# (file, line, column, model, kind, call, lifecycle, problem, shutdown_date, suggestion): Reference's fields
Row = tuple[Any, ...]
FIELDS = ("file", "line", "column", "model", "kind", "call", "lifecycle", "problem", "shutdown_date", "suggestion")
_FILE, _KIND, _PROBLEM = 0, 4, 7
_TEXT_FIELDS = (0, 3, 5, 8, 9)  # the string fields redaction applies to (as report.redact_scan)


@dataclass
class PlainScan:
    """What `to_result(raw, judge)` holds, as tuples and dicts, before redaction."""

    rows: list[Row]
    counts: dict[str, int]
    top_files: list[tuple[str, int, int]]
    files_scanned: int
    skipped: list[str]
    stats: dict[str, int]


def plain_scan(raw: RawScan, judge: Judge) -> PlainScan:
    """Every reference, sorted and counted exactly as to_result does with no view."""
    row = judge.row
    rows = [row(fs.shown, f) for fs in raw.files for f in fs.found]
    rows.sort(key=itemgetter(0, 1, 2))  # stable, on the same key as to_result
    counts: dict[str, int] = {"references": len(rows), **dict.fromkeys(KINDS, 0), **dict.fromkeys(PROBLEMS, 0), "ok": 0}
    per_file: dict[str, list[int]] = {}
    for r in rows:
        counts[r[_KIND]] += 1
        problem = r[_PROBLEM]
        counts[problem or "ok"] += 1
        tally = per_file.get(r[_FILE])
        if tally is None:
            tally = per_file[r[_FILE]] = [0, 0]
        tally[0] += 1
        tally[1] += problem is not None
    top = sorted(per_file.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))[:10]
    return PlainScan(
        rows, counts, [(f, n, p) for f, (n, p) in top], raw.files_scanned, list(raw.skipped), raw.stats.as_dict()
    )


class _Once:
    """The redaction policy applied to each distinct string once (as report.redact_scan)."""

    def __init__(self, redact: Callable[[str], str]) -> None:
        self.redact = redact
        self.seen: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        out = self.seen.get(text)
        if out is None:
            out = self.seen[text] = self.redact(text)
        return out


def _redacted_rows(scan: PlainScan, once: _Once) -> list[tuple[Any, ...]]:
    out = []
    for r in scan.rows:
        row = list(r)
        for i in _TEXT_FIELDS:
            value = row[i]
            if value is not None:
                row[i] = once(value)
        out.append(tuple(row))
    return out


def scan_json(scan: PlainScan, redact: Callable[[str], str], stats: dict[str, int] | None = None) -> str:
    """ScanResult.model_dump_json(indent=2) of the redacted result, plus a newline; `stats` replaces scan.stats."""
    return _json_body(scan, redact) + _json_stats(scan.stats if stats is None else stats)


def _json_body(scan: PlainScan, redact: Callable[[str], str]) -> str:
    """Everything before the `stats` field (the last one).

    Written directly: json.dumps with an indent runs the pure-Python encoder, slower than the models."""
    once = _Once(redact)
    problems = {p: scan.counts[p] for p in PROBLEMS if scan.counts[p]}
    summary = {
        "references": len(scan.rows),
        "problems": problems,
        "top_files": [{"file": once(f), "references": n, "problems": p} for f, n, p in scan.top_files],
        "shown": len(scan.rows),
        "next_cursor": None,
    }
    parts = [
        f'{{\n  "summary": {_pretty(summary, 1)},\n  "references": {_references(scan.rows, once)},\n',
        f'  "files_scanned": {scan.files_scanned},\n  "counts": {_pretty(scan.counts, 1)},\n',
        f'  "skipped": {_pretty([once(s) for s in scan.skipped], 1)},\n',
    ]
    return "".join(parts)


def _json_stats(stats: dict[str, int]) -> str:
    return f'  "stats": {_pretty(stats, 1)}\n}}\n'


def rendered(scan: PlainScan, redact: Callable[[str], str], as_json: bool, again: dict[str, int]) -> tuple[str, str]:
    """(the output, the same output with `again` as its stats): the body is rendered once for both."""
    if as_json:
        body = _json_body(scan, redact)
        return body + _json_stats(scan.stats), body + _json_stats(again)
    body = _text_body(scan, redact)
    return body + _text_stats(scan.stats, redact), body + _text_stats(again, redact)


_encode = json.encoder.encode_basestring  # the C encoder of a str, non-ASCII kept (ensure_ascii=False)


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return str(_encode(value))
    return json.dumps(value)


def _pretty(value: object, level: int) -> str:
    """json.dumps(value, indent=2, ensure_ascii=False) nested `level` deep, for small values."""
    if isinstance(value, dict):
        items = [f"{_encode(str(k))}: {_pretty(v, level + 1)}" for k, v in value.items()]
        return _block("{", items, "}", level)
    if isinstance(value, list):
        return _block("[", [_pretty(v, level + 1) for v in value], "]", level)
    return _scalar(value)


def _block(opening: str, items: list[str], closing: str, level: int) -> str:
    if not items:
        return opening + closing
    pad = "\n" + "  " * (level + 1)
    return opening + pad + ("," + pad).join(items) + "\n" + "  " * level + closing


# One reference at nesting level 2, as the models print it; {0}…{9}: the JSON text of each field.
_REFERENCE = "{{\n" + ",\n".join(f'      "{name}": {{{i}}}' for i, name in enumerate(FIELDS)) + "\n    }}"


def _references(rows: list[Row], once: _Once) -> str:
    """The references list at nesting level 1: each distinct string redacted and encoded once."""
    if not rows:
        return "[]"
    encoded: dict[object, str] = {None: "null"}

    def text(value: str | None) -> str:
        out = encoded.get(value)
        if out is None:
            out = encoded[value] = str(_encode(once(value))) if value is not None else "null"
        return out

    template = _REFERENCE.format
    items = [
        template(text(f), line, column, text(m), text(k), text(c), text(lc), text(p), text(sd), text(sg))
        for f, line, column, m, k, c, lc, p, sd, sg in rows
    ]
    return "[\n    " + ",\n    ".join(items) + "\n  ]"


def scan_text(scan: PlainScan, redact: Callable[[str], str], stats: dict[str, int] | None = None) -> str:
    """The CLI's text rendering (cli._scan_text) of the redacted result; `stats` replaces scan.stats."""
    return _text_body(scan, redact) + _text_stats(scan.stats if stats is None else stats, redact)


def _text_body(scan: PlainScan, redact: Callable[[str], str]) -> str:
    """Every line before the stats line (the last one)."""
    once = _Once(redact)
    lines = []
    for file, line, column, model, _, _, _, problem, _, suggestion in scan.rows:
        shown = f"  [{problem}]" if problem else ""
        hint = f" → {once(suggestion)}" if suggestion else ""
        lines.append(f"{once(file)}:{line}:{column}: {once(model)}{shown}{hint}\n")
    skipped = [once(s) for s in scan.skipped]
    tail = [f"{scan.files_scanned} files scanned, {len(scan.rows)} references, counts: {scan.counts}"]
    if skipped:
        listed = ", ".join(skipped[:5])
        tail.append(f"skipped: {len(skipped)} ({listed}{' …' if len(skipped) > 5 else ''})")
    return "".join(lines) + "".join(redact(line) + "\n" for line in tail)


def _text_stats(stats: dict[str, int], redact: Callable[[str], str]) -> str:
    if not stats:
        return ""
    return redact("stats: " + ", ".join(f"{k} {v}" for k, v in stats.items())) + "\n"
