"""Walking a folder with ripgrep's rules, and never leaving the allowed roots.

The rules are ripgrep's because developers already know them: `.gitignore` (nested, with negations;
only inside a git repository, as rg), `.ignore`, `.git/info/exclude`, and the parent folders' ignore
files; hidden files and folders are skipped unless `hidden=True`; nothing is skipped by name (a `dist/`
or `build/` folder is code unless an ignore file says otherwise). The walk itself is `ignore-python`, the
Python binding of the Rust `ignore` crate that ripgrep uses, so the semantics are rg's own and every
glob is matched by a linear-time automaton. One deliberate addition: `.env` files (`.env`, `.env.*`,
`*.env`) are scanned although hidden, unless an ignore file excludes them — that is where model ids are
configured. `.git` is never entered, even with `hidden=True`. Symlinks are not followed (rg's default).

include/exclude are rg's `-g` globs: an include glob keeps only files that match it, `!glob` /
exclude drops matches; as in rg, an include glob wins over ignore files. They are validated here
first so that the error names the mistake.
"""

# os.path on purpose: the walk is hot and works on str paths.
# ruff: noqa: PTH100, PTH116, PTH118, PTH120
from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import GlobError, InvalidInput, PathRefused

# Files larger than this are streamed through the pre-filter; past MAX_STREAM_BYTES they are skipped.
MAX_BYTES = 2 * 1024 * 1024
MAX_STREAM_BYTES = 256 * 1024 * 1024


def validate_glob(pattern: str, name: str) -> str:
    """`pattern` unchanged, or GlobError naming what is wrong. Linear in the pattern's length."""
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                raise GlobError(f"{name}: glob {pattern!r} ends with a lone backslash")
            i += 2
            continue
        if c == "[":
            j = i + 1
            if j < n and pattern[j] in "!^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1  # a leading ']' is a literal member
            members: list[str] = []
            while j < n and pattern[j] != "]":
                if pattern[j] == "\\" and j + 1 < n:
                    j += 1
                members.append(pattern[j])
                j += 1
            if j >= n:
                raise GlobError(f"{name}: glob {pattern!r} has an unclosed '[' character class")
            body = "".join(members)
            for k in range(1, len(body) - 1):
                if body[k] == "-" and body[k - 1] > body[k + 1]:
                    raise GlobError(
                        f"{name}: glob {pattern!r} has the reversed range [{body[k - 1]}-{body[k + 1]}]; "
                        f"write [{body[k + 1]}-{body[k - 1]}]"
                    )
            i = j + 1
            continue
        i += 1
    return pattern


def check_globs(patterns: object, name: str) -> list[str] | None:
    if patterns is None:
        return None
    if isinstance(patterns, str):
        patterns = [patterns]
    if not isinstance(patterns, (list, tuple)) or not all(isinstance(p, str) for p in patterns):
        raise InvalidInput(f"{name} must be a list of glob patterns such as ['src/**/*.py']")
    if len(patterns) > 100 or any(len(p) > 500 for p in patterns):
        raise InvalidInput(f"{name}: at most 100 patterns of at most 500 characters")
    return [validate_glob(p.strip(), name) for p in patterns if p and p.strip()]


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
    # (absolute path, '/'-separated path relative to the scanned folder, lstat result)
    files: list[tuple[str, str, os.stat_result]]
    skipped: list[str]
    # Everything the file list depends on: each folder walked, each ignore file, the ignore files and
    # `.git` of the parent folders. While none of these changed, the same walk gives the same list.
    watch: list[tuple[str, int, int, int]] = field(default_factory=list)


_IGNORE_NAMES = frozenset({".gitignore", ".ignore"})


def _mark(path: str) -> tuple[str, int, int, int]:
    try:
        st = os.lstat(path)
    except OSError:
        return (path, -1, -1, -1)
    return (path, st.st_mtime_ns, st.st_ctime_ns, st.st_size if stat.S_ISREG(st.st_mode) else -1)


def unchanged(watch: Sequence[tuple[str, int, int, int]]) -> bool:
    """Whether every folder and ignore file a walk depended on is as it was (one lstat each)."""
    return all(_mark(entry[0]) == tuple(entry) for entry in watch)


def _context_marks(root: str) -> list[tuple[str, int, int, int]]:
    marks = [_mark(root), _mark(os.path.join(root, ".git", "info", "exclude"))]
    folder = root
    while True:
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
        for name in (".gitignore", ".ignore", ".git"):
            marks.append(_mark(os.path.join(folder, name)))
        marks.append(_mark(os.path.join(folder, ".git", "info", "exclude")))
    return marks


def _dotenv(name: str) -> bool:
    return name == ".env" or name.startswith(".env.") or name.endswith(".env")


def overrides_for(include: Sequence[str] | None, exclude: Sequence[str] | None, hidden: bool) -> list[str]:
    out = list(include or [])
    out += [p if p.startswith("!") else f"!{p}" for p in exclude or []]
    # Hidden folders are pruned by glob (cheap, in Rust); hidden files are filtered after, so that
    # `.env` files can be kept. `.git` is never a place for model ids.
    out.append("!.git/" if hidden else "!.*/")
    return out


def walk(
    root: Path,
    include: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    hidden: bool = False,
    no_ignore: bool = False,
    wanted: Callable[[str], bool] | None = None,
    on_files: Callable[[list[tuple[str, str, os.stat_result]]], None] | None = None,
    every: int = 512,
) -> WalkResult:
    """Regular files under `root` (already resolved), as `rg --files` lists them (plus `.env` files).

    `wanted(name)` filters by file name before any system call (the scan's file types).
    `on_files(files)` is called with the list so far each time it grows by `every` files.
    """
    import ignore  # ignore-python: a compiled extension, imported when a walk happens, not at start-up
    from ignore.overrides import OverrideBuilder

    skipped: list[str] = []
    files: list[tuple[str, str, os.stat_result]] = []
    if root.is_file():
        return WalkResult([(str(root), root.name, os.stat(root))], skipped)
    root_str = str(root)
    cut = len(root_str) + 1
    watch = _context_marks(root_str)
    globs = OverrideBuilder(root)
    try:
        for glob in overrides_for(include, exclude, hidden):
            globs.add(glob)
        overrides = globs.build()
    except ignore.Error as exc:  # validate_glob caught the common mistakes; this is the crate's word
        raise GlobError(f"include/exclude: {exc}") from None
    except UnicodeEncodeError:  # a lone surrogate (a non-UTF-8 byte from the command line)
        raise GlobError("include/exclude: a glob is not valid UTF-8; pass it as text") from None
    walker = (
        ignore.WalkBuilder(root)
        .hidden(False)  # hidden folders are pruned by an override glob, hidden files filtered below
        .ignore(not no_ignore)
        .parents(not no_ignore)
        .git_ignore(not no_ignore)
        .git_exclude(not no_ignore)
        .git_global(False)  # the user's global excludes file is machine-specific
        .require_git(True)  # rg: .gitignore rules apply only inside a git repository
        .overrides(overrides)
        .follow_links(False)
        .build()
    )
    entries = iter(walker)
    while True:
        try:
            entry = next(entries)
        except StopIteration:
            break
        except (ignore.Error, ignore.IOError, OSError) as exc:
            skipped.append(f"unreadable entry ({exc})")
            continue
        # str once, then plain string work (a name that is not UTF-8 arrives surrogate-escaped).
        path = str(entry.path())
        if len(path) < cut:
            continue  # the root itself
        rel = path[cut:]
        name = rel.rsplit("/", 1)[-1]
        keep = wanted is None or wanted(name)
        try:
            st = os.lstat(path)  # one system call: kind, size and mtime (the result cache's key)
        except OSError as exc:
            skipped.append(f"{rel}: {exc.strerror or 'unreadable'}")
            continue
        if stat.S_ISDIR(st.st_mode):
            watch.append((path, st.st_mtime_ns, st.st_ctime_ns, -1))
            continue
        if name in _IGNORE_NAMES:
            watch.append((path, st.st_mtime_ns, st.st_ctime_ns, st.st_size))
        if not hidden and not include and name[:1] == "." and not _dotenv(name):
            continue  # (with include globs every file listed matched one: rg lists it even if hidden)
        if stat.S_ISLNK(st.st_mode):
            if not keep and "." in name:
                continue  # a link to a file type we do not scan: nothing to say
            target = os.path.realpath(path)
            inside = target == root_str or target.startswith(root_str + os.sep)
            skipped.append(f"{rel}: symlink, not followed" + ("" if inside else " (it leaves the scanned folder)"))
            continue
        if not keep or not stat.S_ISREG(st.st_mode):
            continue  # a folder (its files follow), a socket, a FIFO
        files.append((path, rel, st))
        if on_files is not None and len(files) % every == 0:
            on_files(files)
    return WalkResult(files, skipped, watch)
