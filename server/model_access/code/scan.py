"""Scanning a file or folder: walk, read, pre-filter, extract, then judge each id against the catalog."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import Catalog
from ..results import Reference, ScanResult
from .extract import Found, extract, file_type
from .ids import has_candidate
from .walk import MAX_BYTES, Globs, check_globs, resolve_inside_roots, walk

PROBLEMS = ("unknown", "retired", "deprecated", "wrong_endpoint", "not_accessible")
KINDS = ("code", "config", "comment", "prose")


@dataclass
class FileScan:
    path: Path
    rel: str
    digest: str
    text: str
    bom: bool
    strict_ok: bool  # decodes as UTF-8 and re-encodes to the same bytes
    found: list[Found]


@dataclass
class RawScan:
    root: Path
    files: list[FileScan] = field(default_factory=list)
    files_scanned: int = 0
    skipped: list[str] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, bool, bool]:
    """(text, had a UTF-8 BOM, round-trips exactly)."""
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("utf-8", errors="replace"), bom, False
    return text, bom, True


def encode(text: str, bom: bool) -> bytes:
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def read_and_extract(path: Path, rel: str, catalog: Catalog, data: bytes | None = None) -> FileScan | str | None:
    """A FileScan, a skip reason, or None (not a scanned file type / no candidate)."""
    ftype = file_type(path.name)
    if ftype is None:
        return None
    if data is None:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except OSError as exc:
            return f"{rel}: unreadable ({exc.strerror})"
    if len(data) > MAX_BYTES:
        return f"{rel}: larger than 2 MB"
    if b"\0" in data[:8192]:
        return f"{rel}: binary"
    if not has_candidate(data):
        return FileScan(path, rel, "", "", False, True, [])
    text, bom, ok = decode(data)
    found = extract(text, ftype, catalog)
    return FileScan(path, rel, hashlib.sha256(data).hexdigest(), text, bom, ok, found)


def raw_scan(
    roots: Sequence[Path],
    path: str,
    include: object,
    exclude: object,
    catalog: Catalog,
    progress: Callable[[int, int], None] | None = None,
) -> RawScan:
    root = resolve_inside_roots(path, roots)
    inc = Globs(check_globs(include, "include"))
    exc = Globs(check_globs(exclude, "exclude"))
    walked = walk(root, roots, inc, exc)
    result = RawScan(root if root.is_dir() else root.parent, skipped=list(walked.skipped))
    total = len(walked.files)
    for index, (file_path, rel) in enumerate(walked.files, 1):
        outcome = read_and_extract(file_path, rel, catalog)
        if isinstance(outcome, str):
            result.skipped.append(outcome)
        elif outcome is not None:
            result.files_scanned += 1
            if outcome.found:
                result.files.append(outcome)
        if progress is not None and total > 100 and index % 50 == 0:
            progress(index, total)
    return result


class Judge:
    """Lifecycle, problem and suggestion of each reference (suggestions cached per id and endpoint)."""

    def __init__(self, catalog: Catalog, listed: set[str] | None) -> None:
        self.catalog = catalog
        self.listed = listed
        self._cache: dict[tuple[str, str | None], str | None] = {}

    def suggestion(self, model: str, endpoint: str | None = None, intended: bool = False) -> str | None:
        """The top suggestion; for a lifecycle problem the first one that is not itself deprecated."""
        key = (model, endpoint) if not intended else (model, "\0intended")
        if key not in self._cache:
            from ..suggest import suggest_replacement

            try:
                advice = suggest_replacement(self.catalog, model, endpoint, limit=5)
                active = [s for s in advice.suggestions if s.lifecycle == "active"]
                best = advice.suggestions[:1] if intended else (active or advice.suggestions)[:1]
                self._cache[key] = best[0].id if best else None
            except Exception:
                self._cache[key] = None
        return self._cache[key]

    def reference(self, file: str, f: Found) -> Reference:
        res = f.accepted.resolution
        record = res.record
        catalog = self.catalog
        lifecycle = catalog.lifecycle(record) if record is not None else None
        shutdown = record.shutdown_date.isoformat() if record is not None and record.shutdown_date else None
        problem: str | None = None
        suggestion: str | None = None
        if res.match == "fine_tune":
            if lifecycle == "shutdown":
                problem = "retired"
            elif lifecycle == "deprecated":
                problem = "deprecated"
            if problem and record is not None:
                suggestion = self.suggestion(record.id)
        elif record is None or res.match in ("case", "tolerant"):
            problem, lifecycle, shutdown = "unknown", None, None
            suggestion = self.suggestion(f.ident, intended=True)
        else:
            endpoint_ok = not f.endpoints or any(e in record.endpoints for e in f.endpoints)
            if lifecycle == "shutdown":
                problem = "retired"
                suggestion = self.suggestion(record.id, f.endpoints[0] if f.endpoints else None)
            elif not endpoint_ok:
                problem = "wrong_endpoint"
                suggestion = self.suggestion(record.id, f.endpoints[0])
            elif lifecycle == "deprecated":
                problem = "deprecated"
                suggestion = self.suggestion(record.id, f.endpoints[0] if f.endpoints else None)
            elif self.listed is not None and record.id not in self.listed and f.kind in ("code", "config"):
                problem = "not_accessible"
            if lifecycle == "active":
                shutdown = None
        if suggestion == f.ident:
            suggestion = None
        return Reference(
            file=f"{file}#cell{f.cell}" if f.cell is not None else file,
            line=f.line,
            column=f.column,
            model=f.ident,
            kind=f.kind,
            call=f.call,
            lifecycle=lifecycle,
            problem=problem,  # type: ignore[arg-type]
            shutdown_date=shutdown,
            suggestion=suggestion,
        )


def to_result(raw: RawScan, judge: Judge) -> ScanResult:
    refs = [judge.reference(fs.rel, f) for fs in raw.files for f in fs.found]
    refs.sort(key=lambda r: (r.file, r.line, r.column))
    counts = {"references": len(refs)}
    counts.update({k: sum(r.kind == k for r in refs) for k in KINDS})
    counts.update({p: sum(r.problem == p for r in refs) for p in PROBLEMS})
    counts["ok"] = sum(r.problem is None for r in refs)
    skipped = raw.skipped
    if len(skipped) > 500:
        skipped = [*skipped[:500], f"… and {len(raw.skipped) - 500} more"]
    return ScanResult(references=refs, files_scanned=raw.files_scanned, counts=counts, skipped=skipped)
