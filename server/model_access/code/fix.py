"""Planning edits from a scan, rendering them as a unified diff, and applying them atomically."""

# os-level calls keep the atomic write explicit (mkstemp fd, fsync, chmod, replace).
# ruff: noqa: PTH101, PTH105, PTH108, PTH116
from __future__ import annotations

import contextlib
import difflib
import hashlib
import os
import stat
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import Catalog
from ..errors import InvalidInput, PathRefused
from ..results import Edit, FixResult
from .scan import FileScan, Judge, RawScan, encode

FIXABLE_KINDS = ("code", "config")
DEFAULT_PROBLEMS = ("retired", "unknown", "deprecated")


@dataclass
class FilePlan:
    scan: FileScan
    edits: list[Edit]
    new_bytes: bytes


@dataclass
class Plan:
    root: Path
    files: list[FilePlan] = field(default_factory=list)
    diff: str = ""

    @property
    def edits(self) -> list[Edit]:
        return [e for fp in self.files for e in fp.edits]


def check_mapping(catalog: Catalog, replacements: object) -> dict[str, str] | None:
    if replacements is None:
        return None
    if not isinstance(replacements, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in replacements.items()
    ):
        raise InvalidInput("replacements must be an object {old_id: new_id}, e.g. {'gpt-4-32k': 'gpt-4o'}")
    if len(replacements) > 200:
        raise InvalidInput("replacements: at most 200 pairs")
    out: dict[str, str] = {}
    for old, new in replacements.items():
        old, new = old.strip(), new.strip()
        if not old or not new:
            raise InvalidInput("replacements: ids must not be empty")
        if old == new:
            continue
        res = catalog.resolve(new)
        if res.match == "fine_tune":
            if res.record is not None and catalog.lifecycle(res.record) == "shutdown":
                raise InvalidInput(f"replacement {new!r} is a fine-tune of {res.record.id}, which has shut down")
        elif res.record is None or res.match != "exact":
            hint = f" (did you mean {res.record.id!r}?)" if res.record is not None else ""
            raise InvalidInput(f"replacement {new!r} is not a known OpenAI model id{hint}; nothing was planned")
        elif catalog.lifecycle(res.record) == "shutdown":
            chain = catalog.replacement_chain(res.record)
            hint = f"; its replacement is {chain[0].id!r}" if chain else ""
            raise InvalidInput(f"replacement {new!r} has shut down{hint}; nothing was planned")
        out[old] = new
    return out


def plan_fix(raw: RawScan, judge: Judge, mapping: dict[str, str] | None) -> Plan:
    plan = Plan(raw.root)
    diffs: list[str] = []
    for fs in raw.files:
        if not fs.strict_ok or fs.rel.endswith(".ipynb"):
            continue
        pending: list[tuple[int, str, str, int, int]] = []
        for f in fs.found:
            if f.kind not in FIXABLE_KINDS or not f.fixable or f.cell is not None:
                continue
            if fs.text[f.start : f.start + len(f.ident)] != f.ident:
                continue
            if mapping is not None:
                new = mapping.get(f.ident)
            else:
                if f.ident.startswith("ft:"):
                    continue  # a fine-tune must be retrained, not renamed
                ref = judge.reference(fs.rel, f)
                new = ref.suggestion if ref.problem in DEFAULT_PROBLEMS else None
            if new and new != f.ident:
                pending.append((f.start, f.ident, new, f.line, f.column))
        if not pending:
            continue
        text = fs.text
        parts: list[str] = []
        last = 0
        edits: list[Edit] = []
        for start, old, new, line, column in sorted(pending):
            if start < last:
                continue
            parts.append(text[last:start])
            parts.append(new)
            last = start + len(old)
            edits.append(Edit(file=fs.rel, line=line, column=column, old=old, new=new))
        parts.append(text[last:])
        new_text = "".join(parts)
        plan.files.append(FilePlan(fs, edits, encode(new_text, fs.bom)))
        diffs.append(unified_diff(fs.rel, text, new_text))
    plan.diff = "".join(diffs)
    return plan


def unified_diff(rel: str, old: str, new: str) -> str:
    def lines(text: str) -> list[str]:
        out = text.splitlines(keepends=True)
        if out and not out[-1].endswith(("\n", "\r")):
            out[-1] += "\n\\ No newline at end of file\n"
        return out

    return "".join(difflib.unified_diff(lines(old), lines(new), fromfile=f"a/{rel}", tofile=f"b/{rel}"))


def _digest(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def apply_plan(
    plan: Plan,
    roots: Sequence[Path],
    before_write: Callable[[Path], None] | None = None,
) -> list[str]:
    """Write every planned file atomically; refuse (and write nothing) if any is read-only or changed.

    `before_write(path)` runs after the checks and just before each file's final re-check (tests use it).
    """
    root = plan.root
    for fp in plan.files:
        path = fp.scan.path
        real = Path(os.path.realpath(path))
        if path.is_symlink() or not (real == root or real.is_relative_to(root)):
            raise PathRefused(f"{fp.scan.rel} is not inside {root}; nothing was written")
        if not any(real.is_relative_to(r) for r in roots):
            raise PathRefused(f"{fp.scan.rel} is outside the allowed folders; nothing was written")
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK | os.X_OK):
            raise InvalidInput(
                f"{fp.scan.rel} is read-only (or its folder is); nothing was written. "
                "Make it writable, or apply the diff yourself."
            )
        if _digest(path) != fp.scan.digest:
            raise InvalidInput(
                f"{fp.scan.rel} changed since the plan was made; nothing was written. Run the fix again."
            )
    changed: list[str] = []
    for fp in plan.files:
        path = fp.scan.path
        if before_write is not None:
            before_write(path)
        if _digest(path) != fp.scan.digest:
            done = f" (already written: {', '.join(changed)})" if changed else ""
            raise InvalidInput(f"{fp.scan.rel} changed since the plan was made; it was not written{done}.")
        _atomic_write(path, fp.new_bytes)
        changed.append(fp.scan.rel)
    return changed


def _atomic_write(path: Path, data: bytes) -> None:
    mode = stat.S_IMODE(os.stat(path).st_mode)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".model-access.tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def fix_result(plan: Plan, applied: bool, changed: list[str]) -> FixResult:
    return FixResult(
        diff=plan.diff,
        edits=plan.edits,
        applied=applied,
        files_changed=changed if applied else [fp.scan.rel for fp in plan.files],
    )
