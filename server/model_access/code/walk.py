"""Walking a folder as developers expect: .gitignore, no virtualenvs or build output, no escapes."""

# os.scandir/os.path on purpose: the walk is hot and works on str paths.
# ruff: noqa: PTH100, PTH110, PTH112, PTH113, PTH116, PTH118
from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InvalidInput, PathRefused

MAX_BYTES = 2 * 1024 * 1024
SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", "__pycache__", "dist", "build", ".tox", ".nox", ".mypy_cache",
     ".pytest_cache", ".ruff_cache", ".venv", "venv", ".eggs", ".next", ".cache", "site-packages"}
)  # fmt: skip
_QUIET_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"})


def glob_to_regex(pattern: str) -> tuple[re.Pattern[str], bool]:
    """A gitignore-style pattern → (regex over a '/'-separated relative path, directory-only)."""
    dir_only = pattern.endswith("/")
    pattern = pattern.rstrip("/")
    anchored = "/" in pattern
    pattern = pattern.lstrip("/")
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append("/.*")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            close = pattern.find("]", i + 1)
            if close < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : close].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = close + 1
                continue
        elif c == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        else:
            out.append(re.escape(c))
        i += 1
    body = "".join(out)
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(f"^{prefix}{body}$"), dir_only


@dataclass
class IgnoreRules:
    base: str  # '/'-separated path of the .gitignore's folder, relative to the walk root ("" = root)
    rules: list[tuple[re.Pattern[str], bool, bool]] = field(default_factory=list)  # (regex, negate, dir_only)

    @classmethod
    def parse(cls, base: str, text: str) -> IgnoreRules:
        rules = []
        for raw in text.splitlines():
            line = raw.rstrip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            if negate or line.startswith("\\"):
                line = line[1:]
            if not line:
                continue
            regex, dir_only = glob_to_regex(line)
            rules.append((regex, negate, dir_only))
        return cls(base, rules)

    def decide(self, rel: str, is_dir: bool) -> bool | None:
        """True ignored, False re-included, None no rule matched."""
        if self.base:
            if not rel.startswith(self.base + "/"):
                return None
            rel = rel[len(self.base) + 1 :]
        result = None
        for regex, negate, dir_only in self.rules:
            if dir_only and not is_dir:
                continue
            if regex.match(rel):
                result = not negate
        return result


def _ignored(stack: Sequence[IgnoreRules], rel: str, is_dir: bool) -> bool:
    result = False
    for rules in stack:
        decision = rules.decide(rel, is_dir)
        if decision is not None:
            result = decision
    return result


class Globs:
    def __init__(self, patterns: Sequence[str] | None) -> None:
        self.compiled = [glob_to_regex(p.strip()) for p in (patterns or []) if p and p.strip()]

    def __bool__(self) -> bool:
        return bool(self.compiled)

    def match(self, rel: str, is_dir: bool = False) -> bool:
        return any(regex.match(rel) and (is_dir or not dir_only) for regex, dir_only in self.compiled)


def check_globs(patterns: object, name: str) -> list[str] | None:
    if patterns is None:
        return None
    if isinstance(patterns, str):
        patterns = [patterns]
    if not isinstance(patterns, (list, tuple)) or not all(isinstance(p, str) for p in patterns):
        raise InvalidInput(f"{name} must be a list of glob patterns such as ['src/**/*.py']")
    if len(patterns) > 100 or any(len(p) > 500 for p in patterns):
        raise InvalidInput(f"{name}: at most 100 patterns of at most 500 characters")
    return list(patterns)


def resolve_inside_roots(path: str, roots: Sequence[Path]) -> Path:
    """The real path of `path`, refused when missing or outside the allowed roots."""
    if not isinstance(path, str) or not path.strip():
        raise InvalidInput("path is empty: pass the absolute path of a file or folder")
    if "\0" in path:
        raise InvalidInput("path contains a NUL character")
    given = Path(path).expanduser()
    if not given.is_absolute():
        given = Path.cwd() / given
    if not os.path.lexists(given):
        raise PathRefused(f"{path} does not exist")
    try:
        real = given.resolve(strict=True)
    except (OSError, RuntimeError):
        raise PathRefused(f"{path} cannot be resolved (a broken symlink or a symlink loop)") from None
    if not any(real == root or real.is_relative_to(root) for root in roots):
        names = ", ".join(str(r) for r in roots) or "(none)"
        via = f" (it resolves to {real} through a symlink)" if real != Path(os.path.abspath(given)) else ""
        raise PathRefused(
            f"{path} is outside the allowed folders{via}. Allowed: {names}. Add a folder with "
            "MODEL_ACCESS_ROOTS (os.pathsep-separated) or `model-access serve --root DIR`."
        )
    return real


@dataclass
class WalkResult:
    files: list[tuple[Path, str]]  # (real path, '/'-separated path relative to the scanned folder)
    skipped: list[str]


def _parent_ignores(root: Path, roots: Sequence[Path]) -> list[IgnoreRules]:
    """.gitignore files of the enclosing repository (up to its .git folder, inside the allowed roots)."""
    found: list[IgnoreRules] = []
    folder = root
    while True:
        parent = folder.parent
        if parent == folder or not any(parent == r or parent.is_relative_to(r) for r in roots):
            break
        if (folder / ".git").exists():
            break
        folder = parent
        ignore = folder / ".gitignore"
        if ignore.is_file():
            try:
                text = ignore.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            # Keep only rules that can apply below `root`: rebase them as unanchored-if-possible.
            rel_root = root.relative_to(folder).as_posix()
            rules = IgnoreRules.parse("", text)
            found.insert(0, _Rebased(rules, rel_root))  # type: ignore[arg-type]
    return found


class _Rebased:
    def __init__(self, rules: IgnoreRules, prefix: str) -> None:
        self.rules = rules
        self.prefix = prefix

    def decide(self, rel: str, is_dir: bool) -> bool | None:
        return self.rules.decide(f"{self.prefix}/{rel}", is_dir)


def walk(root: Path, roots: Sequence[Path], include: Globs, exclude: Globs) -> WalkResult:
    """Regular files under `root` (already resolved), pruned like a developer expects."""
    skipped: list[str] = []
    files: list[tuple[Path, str]] = []
    if root.is_file():
        return WalkResult([(root, root.name)], skipped)
    stack: list[IgnoreRules] = _parent_ignores(root, roots)
    visited: set[tuple[int, int]] = set()
    root_str = str(root)

    def inside(target: str) -> bool:
        return target == root_str or target.startswith(root_str.rstrip(os.sep) + os.sep)

    def visit(folder: str, rel: str, depth: int) -> Iterator[None]:
        try:
            st = os.stat(folder)
        except OSError:
            return
        if (st.st_dev, st.st_ino) in visited or depth > 200:
            return
        visited.add((st.st_dev, st.st_ino))
        pushed = False
        ignore_file = os.path.join(folder, ".gitignore")
        if os.path.isfile(ignore_file):
            try:
                with open(ignore_file, encoding="utf-8", errors="replace") as fh:
                    stack.append(IgnoreRules.parse(rel, fh.read()))
                    pushed = True
            except OSError:
                pass
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            skipped.append(f"{rel or '.'}/: unreadable ({exc.strerror})")
            entries = []
        for entry in entries:
            child = f"{rel}/{entry.name}" if rel else entry.name
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if not inside(target):
                        skipped.append(f"{child}: symlink leaves the scanned folder")
                    elif os.path.isdir(target):
                        skipped.append(f"{child}: symlink to a folder inside the tree (scanned there)")
                    continue
                is_dir = entry.is_dir(follow_symlinks=False)
                if is_dir:
                    venv = os.path.exists(os.path.join(entry.path, "pyvenv.cfg"))
                    if venv or entry.name in SKIP_DIRS:
                        if entry.name not in _QUIET_DIRS:
                            why = "virtualenv" if venv or entry.name in ("venv", ".venv") else "dependency/build folder"
                            skipped.append(f"{child}/: {why}")
                        continue
                    if _ignored(stack, child, True) or exclude.match(child, True):
                        continue
                    yield from visit(entry.path, child, depth + 1)
                    continue
                if not entry.is_file(follow_symlinks=False):
                    skipped.append(f"{child}: not a regular file")
                    continue
                if _ignored(stack, child, False) or exclude.match(child):
                    continue
                if include and not include.match(child):
                    continue
                files.append((Path(entry.path), child))
            except OSError as exc:
                skipped.append(f"{child}: {exc.strerror or 'unreadable'}")
        if pushed:
            stack.pop()
        yield None

    for _ in visit(root_str, "", 0):
        pass
    return WalkResult(files, skipped)
