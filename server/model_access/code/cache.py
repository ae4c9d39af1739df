"""Per-file scan results kept between runs, so a re-scan of an unchanged tree costs one stat per file.

One file per scanned folder under the user cache folder ($MODEL_ACCESS_CACHE_DIR, else
$XDG_CACHE_HOME/model-access, else ~/.cache/model-access). An entry is reused when the file's size and
mtime are unchanged; when only the mtime moved, the content hash decides. The file is `marshal`
data (plain tuples and strings: fast to load, no code) behind a SHA-256 of itself, so a truncated or
corrupted cache is detected and ignored, never trusted; it is written atomically (temp file + rename).
The key includes a fingerprint of the catalog and of this package's extractors: a new catalog or a
new version of the scanner never reads an old answer. MODEL_ACCESS_CACHE=0 turns it off.
"""

# os-level calls on purpose (str paths, atomic replace); marshal reads only our own checksummed file.
# ruff: noqa: PTH100, PTH105, PTH108, PTH111, PTH116, PTH118, PTH120, PTH208, S302
from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

_MAGIC = b"MAScache2\n"
_MAX_FILE = 512 * 1024 * 1024

# (size, mtime_ns, sha256 hex or "", payload) — payload is whatever scan.py stores (marshal-able).
Entry = tuple[int, int, str, Any]


def cache_dir() -> Path | None:
    if os.environ.get("MODEL_ACCESS_CACHE", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    explicit = os.environ.get("MODEL_ACCESS_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "model-access"


def code_fingerprint() -> str:
    """Changes whenever a scanner source file changes (size or mtime): editable installs stay honest."""
    here = os.path.dirname(os.path.abspath(__file__))
    parts: list[str] = []
    for name in sorted(os.listdir(here)):
        if name.endswith(".py"):
            st = os.stat(os.path.join(here, name))
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


class ResultCache:
    def __init__(self, root: str, fingerprint: str, folder: Path | None) -> None:
        self.entries: dict[str, Entry] = {}
        self.changed = False
        self.path: Path | None = None
        self.hits = 0
        if folder is None:
            return
        key = hashlib.sha256(f"{root}\0{fingerprint}".encode("utf-8", "surrogateescape")).hexdigest()[:32]
        self.path = folder / f"scan-{key}.bin"
        self._load(self.path)

    def _load(self, path: Path) -> None:
        try:
            with open(path, "rb") as fh:
                blob = fh.read(_MAX_FILE + 1)
        except OSError:
            return
        head = len(_MAGIC) + 32
        if len(blob) > _MAX_FILE or not blob.startswith(_MAGIC) or len(blob) < head:
            return
        payload = blob[head:]
        if hashlib.sha256(payload).digest() != blob[len(_MAGIC) : head]:
            return  # truncated or corrupted: start afresh
        try:
            data = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return
        if isinstance(data, dict):
            self.entries = data

    def get(self, rel: str, size: int, mtime_ns: int) -> Entry | None:
        entry = self.entries.get(rel)
        if entry is not None and entry[0] == size and entry[1] == mtime_ns:
            self.hits += 1
            return entry
        return None

    def put(self, rel: str, entry: Entry) -> None:
        self.entries[rel] = entry
        self.changed = True

    def listing(self, key: str) -> Any:
        return self.entries.get("\0walk:" + key)

    def put_listing(self, key: str, listing: Any) -> None:
        self.entries["\0walk:" + key] = listing
        self.changed = True

    def retain(self, rels: set[str]) -> None:
        """Forget files that are gone (keeps the cache the size of the tree)."""
        gone = [r for r in self.entries if r not in rels and not r.startswith("\0walk:")]
        for rel in gone:
            del self.entries[rel]
        self.changed = self.changed or bool(gone)

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        try:
            payload = marshal.dumps(self.entries)
        except ValueError:
            return
        blob = _MAGIC + hashlib.sha256(payload).digest() + payload
        import tempfile

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".scan-", suffix=".tmp")
        except OSError:
            return  # a read-only home: scanning still works, only slower next time
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
            os.replace(tmp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        _forget_old(self.path.parent)


def _forget_old(folder: Path, days: int = 30) -> None:
    """Drop caches of folders not scanned for a month: one file per scanned folder adds up."""
    import time

    limit = time.time() - days * 86400
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.startswith(("scan-", "answer-")) and entry.stat().st_mtime < limit:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
