"""Planning edits from a scan, rendering them as a unified diff, and applying exactly that plan.

A plan carries a `digest`: SHA-256 over every file's content hash and every edit (file, line, column,
old, new). Applying with a digest re-plans from the files as they are now and writes only if the new
plan has the same digest, so what is written is byte for byte the diff that was shown; anything else
(a file edited since, a different catalog answer) is refused with nothing written.

Writes: every file is checked first (still the same bytes, writable, re-encodes exactly), then each is
written atomically through a descriptor of its folder opened from the scan root one component at a
time with O_NOFOLLOW — a folder swapped for a symlink mid-apply makes the open fail instead of
redirecting the write outside the root.
"""

# os-level calls keep the atomic write explicit (dir fds, O_NOFOLLOW, fsync, fchmod, replace).
from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import secrets
import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..catalog import Catalog
from ..errors import InvalidInput, PathRefused
from ..results import Edit, FixResult
from .replacement import call_move_for, replacement_for
from .scan import FileScan, Judge, RawScan, decode, display, encode

__all__ = ["replacement_for"]  # re-exported: the one place replacements come from

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
    not_editable: list[str] = field(default_factory=list)  # files with problem ids that cannot be edited safely

    @property
    def edits(self) -> list[Edit]:
        return [e for fp in self.files for e in fp.edits]

    @property
    def digest(self) -> str:
        payload = [
            [display(fp.scan.rel), fp.scan.digest, [[e.line, e.column, e.old, e.new] for e in fp.edits]]
            for fp in self.files
        ]
        return hashlib.sha256(json.dumps(payload, separators=(",", ":")).encode()).hexdigest()


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
        if fs.rel.endswith(".ipynb"):
            continue
        if fs.text is None and not _load_text(fs):
            continue
        if not fs.strict_ok:
            if any(f.kind in FIXABLE_KINDS for f in fs.found):
                plan.not_editable.append(f"{fs.shown}: does not decode and re-encode to the same bytes")
            continue
        pending: list[tuple[int, str, str, int, int]] = []
        for f in fs.found:
            if f.kind not in FIXABLE_KINDS or not f.fixable or f.cell is not None:
                continue
            if fs.text is None or fs.text[f.start : f.start + len(f.ident)] != f.ident:
                continue
            if mapping is not None:
                new = mapping.get(f.ident)
            else:
                if f.ident.startswith("ft:"):
                    continue  # a fine-tune must be retrained, not renamed
                ref = judge.reference(fs.shown, f)
                new = ref.suggestion if ref.problem in DEFAULT_PROBLEMS else None
                endpoint = f.endpoints[0] if f.endpoints else None
                listed = frozenset(judge.listed) if judge.listed is not None else None
                move = call_move_for(judge.catalog, f.ident, endpoint, listed) if new else None
                if new and move:
                    # Writing the id alone would break the call: the endpoint itself must change.
                    plan.not_editable.append(
                        f"{fs.shown}:{f.line}: {f.ident} → {new} needs the call moved to {move} "
                        f"(no current model serves {endpoint}); change the call by hand"
                    )
                    continue
            if new and new != f.ident:
                pending.append((f.start, f.ident, new, f.line, f.column))
        if not pending:
            continue
        text = fs.text or ""
        parts: list[str] = []
        last = 0
        edits: list[Edit] = []
        for start, old, new, line, column in sorted(pending):
            if start < last:
                continue
            parts.append(text[last:start])
            parts.append(new)
            last = start + len(old)
            edits.append(Edit(file=fs.shown, line=line, column=column, old=old, new=new))
        parts.append(text[last:])
        new_text = "".join(parts)
        try:
            new_bytes = encode(new_text, fs.bom, fs.encoding)
        except UnicodeEncodeError:
            plan.not_editable.append(f"{fs.shown}: the new id cannot be written in {fs.encoding}")
            continue
        plan.files.append(FilePlan(fs, edits, new_bytes))
        diffs.append(unified_diff(fs.shown, text, new_text))
    plan.diff = "".join(diffs)
    return plan


def unified_diff(rel: str, old: str, new: str) -> str:
    def lines(text: str) -> list[str]:
        out = text.splitlines(keepends=True)
        if out and not out[-1].endswith(("\n", "\r")):
            out[-1] += "\n\\ No newline at end of file\n"
        return out

    return "".join(difflib.unified_diff(lines(old), lines(new), fromfile=f"a/{rel}", tofile=f"b/{rel}"))


def _load_text(fs: FileScan) -> bool:
    """Read a file whose findings came from the result cache; False if it changed since."""
    try:
        with open(fs.path, "rb") as fh:
            data = fh.read()
    except OSError:
        return False
    if hashlib.sha256(data).hexdigest() != fs.digest:
        return False
    fs.text, fs.bom, fs.encoding, fs.strict_ok = decode(data)
    fs.strict_ok = fs.strict_ok and encode(fs.text, fs.bom, fs.encoding) == data
    return True


_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_FILE_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)


def _open_folder(root: Path, rel: str) -> tuple[int, str]:
    """(descriptor of the folder holding `rel`, its file name), walked from `root` without following links."""
    parts = rel.split("/")
    fd = os.open(root, _DIR_FLAGS)
    try:
        for part in parts[:-1]:
            if part in ("", ".", ".."):
                raise PathRefused(f"{display(rel)} is not a plain path inside {root}; nothing was written")
            nxt = os.open(part, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = nxt
    except OSError as exc:
        os.close(fd)
        raise PathRefused(
            f"{display(rel)}: a folder on its path is a symlink or has gone ({exc.strerror}); nothing more was written"
        ) from None
    except BaseException:
        os.close(fd)
        raise
    return fd, parts[-1]


def _read_at(folder: int, name: str) -> tuple[bytes, os.stat_result]:
    fd = os.open(name, _FILE_FLAGS, dir_fd=folder)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(0, "not a regular file")
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks), st
    finally:
        os.close(fd)


def _check(root: Path, fp: FilePlan) -> None:
    rel = fp.scan.rel
    try:
        folder, name = _open_folder(root, rel)
    except PathRefused:
        raise PathRefused(
            f"{fp.scan.shown} is not inside {root} (a symlink on its path); nothing was written"
        ) from None
    try:
        try:
            data, _ = _read_at(folder, name)
        except OSError as exc:
            raise PathRefused(
                f"{fp.scan.shown} is a symlink or unreadable ({exc.strerror}); nothing was written"
            ) from None
        if hashlib.sha256(data).hexdigest() != fp.scan.digest:
            raise InvalidInput(
                f"{fp.scan.shown} changed since the plan was made; nothing was written. Run the fix again."
            )
        if not os.access(name, os.W_OK, dir_fd=folder) or not os.access(".", os.W_OK | os.X_OK, dir_fd=folder):
            raise InvalidInput(
                f"{fp.scan.shown} is read-only (or its folder is); nothing was written. "
                "Make it writable, or apply the diff yourself."
            )
    finally:
        os.close(folder)


def apply_plan(
    plan: Plan,
    roots: Sequence[Path],
    before_write: Callable[[Path], None] | None = None,
) -> list[str]:
    """Write every planned file atomically; refuse (and write nothing) if any is read-only or changed.

    `before_write(path)` runs after the checks and just before each file's final re-check (tests use it).
    """
    root = plan.root
    if not any(root == r or root.is_relative_to(r) for r in roots):
        raise PathRefused(f"{root} is outside the allowed folders; nothing was written")
    for fp in plan.files:
        _check(root, fp)
    changed: list[str] = []
    for fp in plan.files:
        if before_write is not None:
            before_write(Path(fp.scan.path))
        done = f" (already written: {', '.join(changed)})" if changed else ""
        try:
            folder, name = _open_folder(root, fp.scan.rel)
        except PathRefused as exc:
            raise PathRefused(f"{exc}{done}") from None
        try:
            try:
                data, st = _read_at(folder, name)
            except OSError as exc:
                raise PathRefused(
                    f"{fp.scan.shown} is a symlink or unreadable ({exc.strerror}); not written{done}"
                ) from None
            if hashlib.sha256(data).hexdigest() != fp.scan.digest:
                raise InvalidInput(f"{fp.scan.shown} changed since the plan was made; it was not written{done}.")
            _atomic_write_at(folder, name, fp.new_bytes, stat.S_IMODE(st.st_mode))
        finally:
            os.close(folder)
        changed.append(fp.scan.shown)
    return changed


def _atomic_write_at(folder: int, name: str, data: bytes, mode: int) -> None:
    tmp = f".{name}.{secrets.token_hex(4)}.model-access.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(tmp, flags, 0o600, dir_fd=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=folder)
        raise


def fix_result(plan: Plan, applied: bool, changed: list[str]) -> FixResult:
    return FixResult(
        diff=plan.diff,
        edits=plan.edits,
        applied=applied,
        files_changed=changed if applied else [fp.scan.shown for fp in plan.files],
        digest=plan.digest,
        not_editable=plan.not_editable,
    )
