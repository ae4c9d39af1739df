"""The CLI's stored answer: a re-scan of an unchanged tree printed before anything heavy is imported.

After a `scan` or `check` run the CLI stores its exact output with everything that output depended
on: the command's arguments and the scanned folder (the file name), the environment variables the
configuration reads, the date and the interpreter (a digest), the stat of this package's and the
installed SDK's files (the scanner and the catalog), the walk's watched folders and ignore files, and
each walked file's size, mtime and ctime. The next identical command checks all of that with one
lstat per entry and, when nothing moved, prints the stored output: no pydantic, anyio, catalog or
result cache is loaded. Anything different, missing or corrupt means a normal scan (which refreshes
the answer). Only runs without an API key are stored: with a key the answer can depend on the live
model list. The stored file holds no environment value, only a digest of them. Stdlib imports only.
"""

# os-level calls on purpose (str paths, one lstat each); marshal reads only our own checksummed file.
# ruff: noqa: PTH100, PTH103, PTH105, PTH108, PTH111, PTH118, PTH120, S302
from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import sys
import time
from collections.abc import Callable, Mapping
from typing import IO, TYPE_CHECKING

from .cache import cache_dir

if TYPE_CHECKING:
    from ..state import AppState

_MAGIC = b"MASanswer1\n"
_ENV = ("OPENAI", "AZURE", "MODEL_ACCESS", "XDG_CACHE_HOME", "HOME", "NO_COLOR")
_MAX_FILE = 256 * 1024 * 1024
_RACY_NS = 2_000_000_000


def _question(command: Mapping[str, object]) -> tuple[str, str] | None:
    """(answer file, digest of the context) for this command, or None when there is no cache.

    `command`: the command's parameters by name (the CLI passes its parsed arguments)."""
    folder = cache_dir()
    path = command.get("path")
    if folder is None or not isinstance(path, str):
        return None
    params = sorted((k, v) for k, v in command.items() if not callable(v))
    real = os.path.realpath(os.path.expanduser(path))
    question = json.dumps([params, real], default=str)
    name = hashlib.sha256(question.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    env = sorted((k, v) for k, v in os.environ.items() if k.startswith(_ENV))
    here = os.path.dirname(os.path.abspath(__file__))  # which copy of the package answers
    context = json.dumps([env, time.strftime("%Y-%m-%d"), sys.prefix, sys.version, here])
    digest = hashlib.sha256(context.encode("utf-8", "surrogateescape")).hexdigest()
    return os.path.join(folder, f"answer-{name}.bin"), digest


def _sdk_dir() -> str:
    import importlib.util

    try:
        spec = importlib.util.find_spec("openai")
    except (ImportError, ValueError):
        return ""
    if spec is None or not spec.submodule_search_locations:
        return ""
    return str(next(iter(spec.submodule_search_locations)))


def _stat(path: str) -> tuple[int, int, int]:
    try:
        st = os.lstat(path)
    except OSError:
        return (-1, -1, -1)
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def stored_answer(command: Mapping[str, object], out: IO[str]) -> int | None:
    """Print the stored output and return its exit code when nothing it depended on changed."""
    try:
        question = _question(command)
        if question is None:
            return None
        file, context = question
        with open(file, "rb") as fh:
            blob = fh.read(_MAX_FILE + 1)
        head = len(_MAGIC) + 32
        if len(blob) > _MAX_FILE or not blob.startswith(_MAGIC) or len(blob) < head:
            return None
        payload = blob[head:]
        if hashlib.sha256(payload).digest() != blob[len(_MAGIC) : head]:
            return None
        data = marshal.loads(payload)
        stored_context, sdk, deps, watch, files, code, text = data
        if stored_context != context or sdk != _sdk_dir():
            return None
        lstat = os.lstat
        for path, size, mtime, ctime in deps:
            if _stat(path) != (size, mtime, ctime):
                return None
        for path, mtime, ctime, size in watch:
            try:
                st = lstat(path)
            except OSError:
                if mtime != -1:
                    return None
                continue
            if st.st_mtime_ns != mtime or st.st_ctime_ns != ctime or (size != -1 and st.st_size != size):
                return None
        for path, size, mtime, ctime in files:
            st = lstat(path)
            if st.st_size != size or st.st_mtime_ns != mtime or st.st_ctime_ns != ctime:
                return None
    except (OSError, ValueError, EOFError, TypeError):
        return None
    out.write(text)
    return int(code)


def _dependencies() -> tuple[str, list[tuple[str, int, int, int]]]:
    """This package's source and data files, and the SDK files the catalog reads."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths: list[str] = []
    for folder, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        paths.extend(os.path.join(folder, n) for n in sorted(names) if n.endswith((".py", ".json")))
    sdk = _sdk_dir()
    if sdk:
        from ..catalog.sdk import SDK_MODEL_SOURCES

        paths.append(os.path.join(sdk, "_version.py"))
        paths.extend(os.path.join(sdk, rel) for rel, _ in SDK_MODEL_SOURCES)
    return sdk, [(p, *_stat(p)) for p in paths]


def remember(state: AppState, command: Mapping[str, object], text: str | Callable[[], str], code: int) -> None:
    """Store this run's output for the next identical command (never with an API key configured).

    `text` may be a function: it is called only when the answer is stored."""
    walk = state.last_walk
    if walk is None or state.config.has_key:
        return
    question = _question(command)
    if question is None:
        return
    file, context = question
    # "Racy" entries, as git calls them: a file or folder changed within the clock's granularity of
    # this scan could change again with the same size and mtime. Then no answer is stored.
    recent = time.time_ns() - _RACY_NS
    if any(st.st_mtime_ns > recent for _, _, st in walk.files) or any(w[1] > recent for w in walk.watch):
        return
    try:
        sdk, deps = _dependencies()
        files = [(path, st.st_size, st.st_mtime_ns, st.st_ctime_ns) for path, _, st in walk.files]
        if callable(text):
            text = text()
        payload = marshal.dumps((context, sdk, deps, [tuple(w) for w in walk.watch], files, code, text))
    except (OSError, ValueError):
        return
    blob = _MAGIC + hashlib.sha256(payload).digest() + payload
    import tempfile

    folder = os.path.dirname(file)
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".answer-", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, file)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
