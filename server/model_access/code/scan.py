"""Scanning a file or folder: walk, pre-filter bytes, extract, then judge each id against the catalog.

Cost model: the walk and one `lstat` per file are unavoidable; a file whose size and mtime match the
result cache is not opened; a file is read once and dropped unless the byte pre-filter (one RE2
pattern built from the same id stems as the extractors) finds a candidate; only then is it decoded
and parsed. Files over MAX_BYTES are streamed through the pre-filter in chunks and only chunks with a
candidate are read as text; past MAX_STREAM_BYTES a file is skipped, and says so. Every skipped file
is listed with its reason.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..catalog import Catalog
from ..errors import InvalidInput
from ..vocab import PROBLEMS
from .cache import ResultCache, cache_dir, code_fingerprint
from .extract import Found, extract, file_type
from .ids import Accepted, has_candidate
from .walk import MAX_BYTES, MAX_STREAM_BYTES, WalkResult, check_globs, resolve_inside_roots, unchanged, walk

if TYPE_CHECKING:  # imported where results are built: the CLI reads and extracts before pydantic is loaded
    from ..results import Reference, ScanResult

KINDS = ("code", "config", "comment", "prose")
_CHUNK = 1024 * 1024
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def display(rel: str) -> str:
    """A path fit for JSON: bytes that are not UTF-8 (surrogate escapes) shown as \\xNN."""
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return rel


@dataclass
class FileScan:
    path: str  # absolute; str, not Path: thousands are made per scan
    rel: str
    digest: str
    text: str | None  # None when the findings came from the result cache (fix re-reads the file)
    bom: bytes
    strict_ok: bool  # decodes and re-encodes to exactly the same bytes: safe to edit
    found: list[Found]
    encoding: str = "utf-8"

    @property
    def shown(self) -> str:
        return display(self.rel)


@dataclass
class ScanStats:
    files_walked: int = 0  # files of a scanned type that the walk listed
    prefiltered_away: int = 0  # read, no candidate: never decoded or parsed
    parsed: int = 0  # decoded and parsed
    cache_hits: int = 0  # answered from the result cache without opening the file
    streamed: int = 0  # larger than MAX_BYTES: read in chunks through the pre-filter

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class RawScan:
    root: Path
    files: list[FileScan] = field(default_factory=list)
    files_scanned: int = 0
    skipped: list[str] = field(default_factory=list)
    stats: ScanStats = field(default_factory=ScanStats)
    walk: WalkResult | None = None  # the file list this scan read (with each file's lstat)


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes) -> tuple[str, bytes, str, bool]:
    """(text, BOM as found, encoding, round-trips exactly). UTF-8, UTF-16 with a BOM, else Latin-1."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                return body.decode(encoding), bom, encoding, True
            except UnicodeDecodeError:
                return body.decode(encoding, errors="replace"), bom, encoding, False
    try:
        return data.decode("utf-8"), b"", "utf-8", True
    except UnicodeDecodeError:
        # Not UTF-8: a legacy 8-bit file. Latin-1 maps every byte to one character and back, so the
        # ASCII ids in it can be found, located and replaced without touching any other byte.
        return data.decode("latin-1"), b"", "latin-1", True


def encode(text: str, bom: bytes, encoding: str = "utf-8") -> bytes:
    return bom + text.encode(encoding)


def _pack(found: list[Found]) -> list[tuple[Any, ...]]:
    return [
        (f.start, f.ident, f.accepted.prefix, f.kind, f.call, f.endpoints, f.fixable, f.line, f.column, f.cell)
        for f in found
    ]


def _unpack(rows: list[tuple[Any, ...]], catalog: Catalog, resolved: dict[str, Any]) -> list[Found]:
    out = []
    for start, ident, prefix, kind, call, endpoints, fixable, line, column, cell in rows:
        res = resolved.get(ident)
        if res is None:
            res = resolved[ident] = catalog.resolve(ident)
        accepted = Accepted(prefix, ident, res)
        out.append(Found(start, ident, accepted, kind, call, tuple(endpoints), fixable, line, column, cell))
    return out


def _read(
    path: str,
    rel: str,
    ftype: str,
    catalog: Catalog,
    stats: ScanStats,
    data: bytes | None = None,
    size: int = -1,
) -> FileScan | str:
    if data is None and 0 <= size <= MAX_BYTES:
        # The common case, without a buffered file object: os.open/os.read cost a third as much per file.
        try:
            fd = os.open(path, _READ_FLAGS)
            try:
                data = os.read(fd, size + 1)
                if len(data) > size:  # grew since the walk: read the rest the careful way
                    data = None
            finally:
                os.close(fd)
        except OSError as exc:
            return f"{display(rel)}: unreadable ({exc.strerror})"
    if data is None:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
                if len(data) > MAX_BYTES:
                    return _stream(fh, path, rel, ftype, catalog, stats, data)
        except OSError as exc:
            return f"{display(rel)}: unreadable ({exc.strerror})"
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and data.find(b"\0", 0, 8192) >= 0:
        return f"{display(rel)}: binary (a NUL byte in the first 8 KB)"
    if not utf16 and not has_candidate(data):
        stats.prefiltered_away += 1
        return FileScan(path, rel, "", "", b"", True, [])  # no hash: nothing here will ever be edited
    digest = hashlib.sha256(data).hexdigest()
    text, bom, encoding, ok = decode(data)
    if utf16 and not has_candidate(text.encode("utf-8", "replace")):
        stats.prefiltered_away += 1
        return FileScan(path, rel, digest, text, bom, ok, [], encoding)
    stats.parsed += 1
    found = extract(text, ftype, catalog)
    return FileScan(path, rel, digest, text, bom, ok, found, encoding)


# Below this many bytes to read, a second process costs more (fork, marshal) than it saves.
PARALLEL_MIN_BYTES = 4_000_000

# What a file read in the forked child sends back: a skip reason, or (digest, packed findings).
Outcome = str | tuple[str, list[tuple[Any, ...]]]
Todo = tuple[int, str, str, str, os.stat_result]  # (slot, path, rel, file type, stat) of a file to read
Slot = tuple[str, os.stat_result, "FileScan | str | None", bool]  # (rel, stat, outcome, from the cache)
WalkedFile = tuple[str, str, os.stat_result]
Walker = Callable[[Callable[[list[WalkedFile]], None] | None], tuple[WalkResult, bool]]


_TASK = 2  # bytes per chunk number in the task pipe (reads this small are atomic between readers)
# The helper's walk is sent, and read, in chunks of at most this many files or about this many bytes
# (whichever comes first): small enough that the parent starts early and the two end together.
WALK_CHUNK = 256
WALK_CHUNK_BYTES = 512 * 1024
_WALK_EVERY = 16  # files between two looks at the walk so far
_CHUNK_FRAME, _END_FRAME = b"C", b"E"


def _cores() -> int:
    """The CPUs this process may run on (its affinity where the OS says, else all of them)."""
    affinity = getattr(os, "sched_getaffinity", None)
    if affinity is not None:
        try:
            return len(affinity(0))
        except OSError:
            pass
    return os.cpu_count() or 1


def _next_task(queue: int) -> int | None:
    try:
        got = os.read(queue, _TASK)
    except OSError:
        return None
    return int.from_bytes(got, "big") if len(got) == _TASK else None


@dataclass
class _Helper:
    """A forked helper (the CLI only): it walks, streams the walk, then reads a share of the files."""

    pid: int
    walk_end: int  # the walk's frames (chunks of files, then the end), then EOF
    results_end: int  # what it read, then EOF
    queue: int  # chunk numbers, each written after its chunk's frame; EOF once the walk is sent


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    try:
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
    except OSError:
        chunks = []
    finally:
        os.close(fd)
    return b"".join(chunks)


def _frame(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "big") + payload


def _chunk_payload(files: list[WalkedFile]) -> bytes:
    import marshal

    return marshal.dumps(
        [
            (path, rel, (*st, st.st_atime, st.st_mtime, st.st_ctime, st.st_atime_ns, st.st_mtime_ns, st.st_ctime_ns))
            for path, rel, st in files
        ]
    )


def _walk_payload(walked: WalkResult, from_cache: bool) -> bytes:
    """The end of the walk: what is known only then (its files went before, in chunks)."""
    import marshal

    return marshal.dumps((len(walked.files), walked.skipped, [tuple(w) for w in walked.watch], from_cache))


class _Frames:
    """The helper's walk as it arrives: chunks of files, then the end; None at EOF or on garbage.

    The pipe is drained whenever `pump` is called (between files), so that the helper never waits
    for room in it while this process reads: only this process holds its reading end."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buf = bytearray()  # appended to, never copied whole: the backlog can be the whole walk
        self.pos = 0
        self.eof = False
        os.set_blocking(fd, False)

    def pump(self, wait: bool = False) -> None:
        """Take what the pipe holds (with `wait`, at least something, or EOF)."""
        got: list[bytes] = []
        while not self.eof:
            try:
                more = os.read(self.fd, 1 << 20)
            except BlockingIOError:
                if got or not wait:
                    break
                os.set_blocking(self.fd, True)
                try:
                    more = os.read(self.fd, 1 << 20)
                except OSError:
                    more = b""
                finally:
                    os.set_blocking(self.fd, False)
            except OSError:
                more = b""
            if not more:
                self.eof = True
                break
            got.append(more)
        if got:
            if self.pos > len(self.buf) // 2:  # drop what was read, at most once per doubling
                del self.buf[: self.pos]
                self.pos = 0
            for piece in got:
                self.buf += piece

    def _fill(self, need: int) -> bool:
        while len(self.buf) - self.pos < need:
            if self.eof:
                return False
            self.pump(wait=True)
        return True

    def next(self) -> tuple[bytes, Any] | None:
        import marshal

        if not self._fill(5):
            return None
        kind = bytes(self.buf[self.pos : self.pos + 1])
        size = int.from_bytes(self.buf[self.pos + 1 : self.pos + 5], "big")
        if not self._fill(5 + size):
            return None
        payload = bytes(self.buf[self.pos + 5 : self.pos + 5 + size])
        self.pos += 5 + size
        try:
            got = marshal.loads(payload)  # noqa: S302 - our own child's output
            if kind == _CHUNK_FRAME:
                return kind, [(path, rel, os.stat_result(st)) for path, rel, st in got]
            if kind == _END_FRAME:
                count, skipped, watch, from_cache = got
                return kind, (int(count), list(skipped), [tuple(w) for w in watch], bool(from_cache))
        except (ValueError, EOFError, TypeError):
            pass
        return None


def _fork_helper(walker: Walker, planner: Callable[[WalkResult], list[Todo]], catalog: Catalog) -> _Helper | None:
    """Fork a helper before the walk, so that the walk overlaps the parent's imports; None when it cannot be.

    The helper walks and streams the walk: a frame per WALK_CHUNK files, each followed by its chunk
    number on the task queue, then an end frame. Whoever takes a chunk's number reads that chunk's
    files: the parent takes each number as its frame arrives while the walk goes on; after the walk,
    both take numbers until none is left. Whatever the helper fails to send, the parent does itself:
    the walk (which then raises the walk's own errors here) or the chunks it took."""
    import warnings

    pipes: list[int] = []
    try:
        for _ in range(3):
            pipes.extend(os.pipe())
        _widen(pipes[1])
        with warnings.catch_warnings():
            # Python 3.12+ warns about forking with other threads alive: the event loop's thread
            # waits in epoll and holds no lock the child could need.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        for fd in pipes:
            os.close(fd)
        return None
    walk_end, walk_feed, results_end, results_feed, queue, queue_feed = pipes
    if pid == 0:
        code = 1
        try:
            for fd in (walk_end, results_end):
                os.close(fd)
            _helper_main(walker, planner, catalog, (walk_feed, queue, queue_feed, results_feed))
            code = 0
        finally:
            os._exit(code)
    for fd in (walk_feed, results_feed, queue_feed):
        os.close(fd)
    return _Helper(pid, walk_end, results_end, queue)


def _widen(fd: int) -> None:
    """Room in the walk's pipe for most walks (Linux), so that the helper seldom waits for the reader."""
    try:
        import fcntl

        size = getattr(fcntl, "F_SETPIPE_SZ", None)
        if size is not None:
            fcntl.fcntl(fd, size, 1 << 20)
    except (ImportError, OSError):
        pass  # the default size works too: the reader drains it between files


def _helper_main(
    walker: Walker,
    planner: Callable[[WalkResult], list[Todo]],
    catalog: Catalog,
    fds: tuple[int, int, int, int],
) -> None:
    """The forked helper's whole life: walk and stream the walk, plan, read a share of the chunks."""
    import marshal

    walk_feed, queue, queue_feed, results_feed = fds
    starts: list[int] = []  # where each chunk starts in the walk
    sent = 0  # files sent so far
    end = size = 0  # the next chunk so far: files[sent:end], of `size` bytes (each file added once)

    def send(files: list[WalkedFile], last: bool = False) -> None:
        """Send the next whole chunks of the walk so far (with `last`, everything left)."""
        nonlocal sent, end, size
        while sent < len(files):
            while end < len(files) and end - sent < WALK_CHUNK and size < WALK_CHUNK_BYTES:
                size += files[end][2].st_size
                end += 1
            if end - sent < WALK_CHUNK and size < WALK_CHUNK_BYTES and not last:
                return  # not a whole chunk yet
            _write_all(walk_feed, _frame(_CHUNK_FRAME, _chunk_payload(files[sent:end])))
            _write_all(queue_feed, len(starts).to_bytes(_TASK, "big"))
            starts.append(sent)
            sent, size = end, 0

    walked, from_cache = walker(send)
    send(walked.files, last=True)
    _write_all(walk_feed, _frame(_END_FRAME, _walk_payload(walked, from_cache)))
    os.close(walk_feed)
    os.close(queue_feed)
    stats = ScanStats()
    out: dict[int, Outcome] = {}
    _load_extractors()
    todo = planner(walked)
    if sum(item[4].st_size for item in todo) >= PARALLEL_MIN_BYTES:
        by_chunk = _by_chunk(todo, starts)
        while (task := _next_task(queue)) is not None:
            for slot, path, rel, ftype, st in by_chunk.get(task, ()):
                got = _read(path, rel, ftype, catalog, stats, size=st.st_size)
                out[slot] = got if isinstance(got, str) else (got.digest, _pack(got.found))
    _write_all(results_feed, marshal.dumps((stats.prefiltered_away, stats.parsed, stats.streamed, out)))


def _by_chunk(todo: list[Todo], starts: list[int]) -> dict[int, list[Todo]]:
    """The files to read, by the walk chunk they came in (a slot is the file's place in the walk)."""
    import bisect

    out: dict[int, list[Todo]] = {}
    for item in todo:
        out.setdefault(bisect.bisect_right(starts, item[0]) - 1, []).append(item)
    return out


def _load_extractors() -> None:
    """Import the extractors (extract() loads them on first use): each process after its own start-up work."""
    from . import js_source, python_source, text_source  # noqa: F401


def _load_result_modules() -> None:
    """Import what judging needs (the replacement chain; pydantic only where a model is built)."""
    from rapidfuzz import fuzz, process  # noqa: F401 - what suggest loads for the first unknown id

    from .. import suggest  # noqa: F401
    from . import replacement  # noqa: F401


def _child_results(helper: _Helper) -> tuple[int, int, int, dict[int, Outcome]] | None:
    import marshal

    data = _read_all(helper.results_end)
    try:
        _, status = os.waitpid(helper.pid, 0)
    except ChildProcessError:
        status = 1
    if status != 0 or not data:
        return None
    try:
        sent = marshal.loads(data)  # noqa: S302 - our own child's output, through a pipe
    except (ValueError, EOFError, TypeError):
        return None
    return sent if isinstance(sent, tuple) and len(sent) == 4 else None


def _stream(
    fh: Any, path: str, rel: str, ftype: str, catalog: Catalog, stats: ScanStats, head: bytes
) -> FileScan | str:
    """A big file, chunk by chunk (whole lines): only chunks with a candidate are decoded and read."""
    size = os.fstat(fh.fileno()).st_size
    if size > MAX_STREAM_BYTES:
        return f"{display(rel)}: larger than {MAX_STREAM_BYTES // (1024 * 1024)} MB ({size // (1024 * 1024)} MB)"
    if b"\0" in head[:8192]:
        return f"{display(rel)}: binary (a NUL byte in the first 8 KB)"
    stats.streamed += 1
    # Region extraction: config keeps its line rules; everything else is read as running text.
    region_type = {"config": "config", "prose": "prose", "notebook": "prose"}.get(ftype, "generic")
    sha = hashlib.sha256()
    found: list[Found] = []
    lines_before = 0
    pending = head
    while True:
        more = fh.read(_CHUNK)
        block = pending + more
        if more:
            cut = block.rfind(b"\n") + 1
            if cut == 0:
                cut = len(block)  # one very long line: cut anywhere, an id split here is a rare loss
            chunk, pending = block[:cut], block[cut:]
        else:
            chunk, pending = block, b""
        sha.update(chunk)
        if has_candidate(chunk):
            text = chunk.decode("utf-8", errors="replace")
            for f in extract(text, region_type, catalog):
                f.line += lines_before
                f.fixable = False  # edits to a file this size are left to the developer
                found.append(f)
        lines_before += chunk.count(b"\n")
        if not more:
            break
    if not found:
        stats.prefiltered_away += 1
    return FileScan(path, rel, sha.hexdigest(), None, b"", False, found)


def _fingerprint(catalog: Catalog) -> str:
    return f"{catalog.as_of}|{catalog.sdk_version}|{len(catalog.ids())}|{code_fingerprint()}"


def _listing_key(include: list[str] | None, exclude: list[str] | None, hidden: bool, no_ignore: bool) -> str:
    return json.dumps([include, exclude, hidden, no_ignore])


def _cached_walk(
    cache: ResultCache,
    root: Path,
    include: list[str] | None,
    exclude: list[str] | None,
    hidden: bool,
    wanted: Callable[[str], bool],
    no_ignore: bool = False,
    on_files: Callable[[list[WalkedFile]], None] | None = None,
) -> tuple[WalkResult, bool]:
    """(the walk of the last scan, True) when no folder or ignore file it depended on changed, else (a new walk, False).

    `on_files` sees a new walk's files as they come (see walk)."""
    previous = cache.listing(_listing_key(include, exclude, hidden, no_ignore))
    if previous is not None and root.is_dir():
        watch, listed, skipped = previous
        if unchanged(watch):
            files = []
            for path, rel in listed:
                try:
                    files.append((path, rel, os.lstat(path)))
                except OSError:
                    break  # gone after all: walk again
            else:
                return WalkResult(files, list(skipped), watch), True
    walked = walk(
        root, include, exclude, hidden=hidden, no_ignore=no_ignore, wanted=wanted, on_files=on_files, every=_WALK_EVERY
    )
    return walked, False


def _plan(
    walked: WalkResult,
    cache: ResultCache,
    catalog: Catalog,
    stats: ScanStats,
    resolved: dict[str, Any],
    types: dict[str, str | None],
) -> tuple[list[Slot], list[Todo]]:
    """One slot per walked file, in walk order (filled from the result cache where it answers), and the files to read."""
    slots: list[Slot] = []
    return slots, _plan_into(walked.files, slots, cache, catalog, stats, resolved, types)


def _plan_into(
    files: list[WalkedFile],
    slots: list[Slot],
    cache: ResultCache,
    catalog: Catalog,
    stats: ScanStats,
    resolved: dict[str, Any],
    types: dict[str, str | None],
) -> list[Todo]:
    """`_plan` for the next files of a walk: their slots are appended to `slots`."""
    todo: list[Todo] = []
    for file_path, rel, st in files:
        hit = cache.get(rel, st.st_size, st.st_mtime_ns)
        if hit is not None:
            stats.cache_hits += 1
            rows = hit[3]
            found = _unpack(rows, catalog, resolved) if rows and not isinstance(rows, str) else []
            entry = rows if isinstance(rows, str) else FileScan(file_path, rel, hit[2], None, b"", True, found)
            slots.append((rel, st, entry, True))
            continue
        name = rel.rsplit("/", 1)[-1]
        ftype = types.get(name) or file_type(name)
        if ftype is None:  # the walk yields only files of a known type
            raise RuntimeError(f"no file type for {rel!r}")
        todo.append((len(slots), file_path, rel, ftype, st))
        slots.append((rel, st, None, False))
    return todo


def _read_alone(
    todo: list[Todo], slots: list[Slot], catalog: Catalog, stats: ScanStats, progress: Callable[[int, int], None] | None
) -> None:
    total = len(slots)
    for pos, (slot, file_path, rel, ftype, st) in enumerate(todo):
        slots[slot] = (rel, st, _read(file_path, rel, ftype, catalog, stats, size=st.st_size), False)
        if progress is not None and total > 100 and pos % 50 == 49:
            progress(stats.cache_hits + pos + 1, total)


def _read_with_helper(
    helper: _Helper,
    walker: Walker,
    cache: ResultCache,
    catalog: Catalog,
    stats: ScanStats,
    resolved: dict[str, Any],
    types: dict[str, str | None],
) -> tuple[WalkResult, bool, list[Slot]]:
    """The walk as the helper streams it, reading the chunks whose numbers this process takes.

    If the helper's walk stops short or makes no sense, the walk is done here again and whatever was
    read here is kept (by path, size and mtime); if its results are missing, its chunks are read here."""
    frames = _Frames(helper.walk_end)
    files: list[WalkedFile] = []
    slots: list[Slot] = []
    chunks: dict[int, list[Todo]] = {}
    end: tuple[int, list[str], list[tuple[Any, ...]], bool] | None = None
    mine: set[int] = set()  # chunk numbers read here

    def take_frame() -> bool:
        nonlocal end
        got = frames.next()
        if got is None or end is not None:
            return False
        if got[0] == _CHUNK_FRAME:
            chunks[len(chunks)] = _plan_into(got[1], slots, cache, catalog, stats, resolved, types)
            files.extend(got[1])
        else:
            end = got[1]
        return True

    def read_chunk(number: int) -> None:
        mine.add(number)
        for n, (slot, file_path, rel, ftype, st) in enumerate(chunks[number]):
            if n % 8 == 0:
                frames.pump()
            slots[slot] = (rel, st, _read(file_path, rel, ftype, catalog, stats, size=st.st_size), False)

    broken = False
    try:
        while not broken:
            if end is None:  # during the walk: a frame, then (at most) one number, in step with the helper
                if not take_frame():
                    broken = True
                    break
                if end is not None:
                    continue
            task = _next_task(helper.queue)
            if task is None:
                while end is None and take_frame():  # the queue ends only after the walk was sent
                    pass
                broken = end is None
                break
            while task not in chunks and not broken:
                broken = end is not None or not take_frame()
            if not broken:
                read_chunk(task)
    except BaseException:  # this process failed: let the helper see its pipes close, and reap it
        for fd in (helper.queue, helper.walk_end):
            with contextlib.suppress(OSError):
                os.close(fd)
        _child_results(helper)
        raise
    os.close(helper.queue)
    if end is not None and (end[0] != len(files) or frames.next() is not None):
        broken = True
    os.close(helper.walk_end)
    sent = _child_results(helper)
    if broken or end is None:
        return _read_after_a_broken_walk(walker, slots, cache, catalog, stats, resolved, types)
    if sent is not None:
        stats.prefiltered_away += sent[0]
        stats.parsed += sent[1]
        stats.streamed += sent[2]
    for number, todo in chunks.items():
        if number in mine:
            continue
        for slot, file_path, rel, ftype, st in todo:
            got = sent[3].get(slot) if sent is not None else None
            outcome: FileScan | str
            if got is None:  # the helper failed: read it here
                outcome = _read(file_path, rel, ftype, catalog, stats, size=st.st_size)
            elif isinstance(got, str):
                outcome = got
            else:
                outcome = FileScan(file_path, rel, got[0], None, b"", True, _unpack(got[1], catalog, resolved))
            slots[slot] = (rel, st, outcome, False)
    _, skipped, watch, from_cache = end
    return WalkResult(files, skipped, watch), from_cache, slots


def _read_after_a_broken_walk(
    walker: Walker,
    done: list[Slot],
    cache: ResultCache,
    catalog: Catalog,
    stats: ScanStats,
    resolved: dict[str, Any],
    types: dict[str, str | None],
) -> tuple[WalkResult, bool, list[Slot]]:
    """The walk done here (raising its own errors), keeping what was already read here."""
    kept = {rel: (st, outcome) for rel, st, outcome, cached in done if outcome is not None and not cached}
    walked, from_cache = walker(None)
    stats.cache_hits = 0
    slots, todo = _plan(walked, cache, catalog, stats, resolved, types)
    for slot, file_path, rel, ftype, st in todo:
        had = kept.get(rel)
        if had is not None and (had[0].st_size, had[0].st_mtime_ns) == (st.st_size, st.st_mtime_ns):
            slots[slot] = (rel, st, had[1], False)
        else:
            slots[slot] = (rel, st, _read(file_path, rel, ftype, catalog, stats, size=st.st_size), False)
    return walked, from_cache, slots


def _collect(slots: list[Slot], result: RawScan, cache: ResultCache) -> None:
    """Skips, scanned files and findings in walk order; what was read goes into the result cache."""
    for rel, st, done, cached in slots:
        if done is None:  # every slot is filled, by the cache, the helper or a read here
            raise RuntimeError(f"{rel!r} was never read")
        if isinstance(done, str):
            result.skipped.append(done)
            if not cached:
                cache.put(rel, (st.st_size, st.st_mtime_ns, "", done))
            continue
        result.files_scanned += 1
        if done.found:
            result.files.append(done)
        if not cached:
            cache.put(rel, (st.st_size, st.st_mtime_ns, done.digest, _pack(done.found)))


def _may_fork(parallel: bool) -> bool:
    return parallel and hasattr(os, "fork") and _cores() >= 2


def raw_scan(
    roots: Sequence[Path],
    path: str,
    include: object,
    exclude: object,
    catalog: Catalog,
    progress: Callable[[int, int], None] | None = None,
    use_cache: bool = True,
    hidden: bool = False,
    no_ignore: bool = False,
    parallel: bool = False,
) -> RawScan:
    """`parallel`: a forked helper may walk and read a share of the files (see _fork_helper); the CLI asks for it."""
    root = resolve_inside_roots(path, roots)
    inc = check_globs(include, "include")
    exc = check_globs(exclude, "exclude")
    types: dict[str, str | None] = {}

    def wanted(name: str) -> bool:
        ftype = types.get(name, "")
        if ftype == "":
            ftype = types[name] = file_type(name)
        return ftype is not None

    cache = ResultCache(str(root), _fingerprint(catalog), cache_dir() if use_cache else None)

    def walker(on_files: Callable[[list[WalkedFile]], None] | None = None) -> tuple[WalkResult, bool]:
        return _cached_walk(cache, root, inc, exc, hidden, wanted, no_ignore, on_files)

    def planner(walked: WalkResult) -> list[Todo]:
        return _plan(walked, cache, catalog, ScanStats(), {}, types)[1]

    helper = _fork_helper(walker, planner, catalog) if _may_fork(parallel) and root.is_dir() else None
    stats = ScanStats()
    resolved: dict[str, Any] = {}
    if helper is not None:
        _load_result_modules()  # while the helper walks
        _load_extractors()
        walked, from_cache, slots = _read_with_helper(helper, walker, cache, catalog, stats, resolved, types)
    else:
        walked, from_cache = walker()
    if not from_cache and root.is_dir():
        cache.put_listing(
            _listing_key(inc, exc, hidden, no_ignore),
            (walked.watch, [(p, r) for p, r, _ in walked.files], walked.skipped),
        )
    result = RawScan(root if root.is_dir() else root.parent, skipped=list(walked.skipped), walk=walked)
    result.stats = stats
    result.stats.files_walked = len(walked.files)
    if helper is None:
        slots, todo = _plan(walked, cache, catalog, result.stats, resolved, types)
        _read_alone(todo, slots, catalog, result.stats, progress)
    _collect(slots, result, cache)
    if use_cache:
        cache.retain({rel for _, rel, _ in walked.files})
        cache.save()
    return result


class Judge:
    """Lifecycle, problem and suggestion of each reference (suggestions cached per id and endpoint)."""

    def __init__(self, catalog: Catalog, listed: set[str] | None) -> None:
        self.catalog = catalog
        self.listed = listed
        self._cache: dict[tuple[str, str | None], str | None] = {}
        self._verdicts: dict[tuple[Any, ...], tuple[Any, Any, str | None, str | None]] = {}

    def suggestion(self, model: str, endpoint: str | None = None) -> str | None:
        """The replacement, from the one place that decides it (replacement.replacement_for), cached per id/endpoint."""
        key = (model, endpoint)
        if key not in self._cache:
            from .replacement import replacement_for

            listed = frozenset(self.listed) if self.listed is not None else None
            self._cache[key] = replacement_for(self.catalog, model, endpoint, listed)
        return self._cache[key]

    def verdict(self, f: Found) -> tuple[Any, Any, str | None, str | None]:
        """(lifecycle, problem, shutdown date, suggestion) of a finding.

        It depends on the id, its resolution, the call's endpoints and the kind only: computed once per
        distinct combination (a big tree repeats a few hundred ids thousands of times)."""
        res = f.accepted.resolution
        key = (f.ident, res.match, res.record.id if res.record is not None else None, f.endpoints, f.kind)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = self._verdict(f)
        return verdict

    def row(self, file: str, f: Found) -> tuple[Any, ...]:
        """A Reference's fields as a tuple, in field order (the CLI's output path, code/plain.py)."""
        lifecycle, problem, shutdown, suggestion = self.verdict(f)
        shown = f"{file}#cell{f.cell}" if f.cell is not None else file
        return (shown, f.line, f.column, f.ident, f.kind, f.call, lifecycle, problem, shutdown, suggestion)

    def reference(self, file: str, f: Found) -> Reference:
        lifecycle, problem, shutdown, suggestion = self.verdict(f)
        from ..results import Reference  # here, not in __init__: the CLI's plain rows never load pydantic

        # model_construct: every value was made here, from typed sources; no need to validate 10k times.
        return Reference.model_construct(
            file=f"{file}#cell{f.cell}" if f.cell is not None else file,
            line=f.line,
            column=f.column,
            model=f.ident,
            kind=f.kind,
            call=f.call,
            lifecycle=lifecycle,
            problem=problem,
            shutdown_date=shutdown,
            suggestion=suggestion,
        )

    def _verdict(self, f: Found) -> tuple[Any, Any, str | None, str | None]:
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
            suggestion = self.suggestion(f.ident)
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
        return lifecycle, problem, shutdown, suggestion


def to_result(raw: RawScan, judge: Judge, view: View | None = None) -> ScanResult:
    """Every reference, counted; then the page `view` asks for (all of them when view is None)."""
    from ..results import FileCount, ScanResult, ScanSummary

    refs = [judge.reference(fs.shown, f) for fs in raw.files for f in fs.found]
    refs.sort(key=lambda r: (r.file, r.line, r.column))
    counts: dict[str, int] = {"references": len(refs), **dict.fromkeys(KINDS, 0), **dict.fromkeys(PROBLEMS, 0), "ok": 0}
    per_file: dict[str, list[int]] = {}
    for r in refs:
        counts[r.kind] += 1
        counts[r.problem or "ok"] += 1
        tally = per_file.setdefault(r.file, [0, 0])
        tally[0] += 1
        tally[1] += r.problem is not None
    top = sorted(per_file.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))[:10]
    shown = refs
    next_cursor = None
    max_skipped = 500
    if view is not None:
        if view.problems_only:
            shown = [r for r in shown if r.problem is not None]
        start = view.offset()
        end = start + view.limit if view.limit is not None else len(shown)
        if end < len(shown):
            next_cursor = view.cursor_for(end)
        shown = shown[start:end]
        max_skipped = view.max_skipped
    summary = ScanSummary(
        references=len(refs),
        problems={p: counts[p] for p in PROBLEMS if counts[p]},
        top_files=[FileCount(file=f, references=n, problems=p) for f, (n, p) in top],
        shown=len(shown),
        next_cursor=next_cursor,
    )
    skipped = raw.skipped
    if len(skipped) > max_skipped:
        skipped = [*skipped[:max_skipped], f"… and {len(raw.skipped) - max_skipped} more"]
    return ScanResult(
        summary=summary,
        references=shown,
        files_scanned=raw.files_scanned,
        counts=counts,
        skipped=skipped,
        stats=raw.stats.as_dict(),
    )


@dataclass
class View:
    """One page of a scan for an assistant: `limit` references from `cursor`, optionally problems only.

    The cursor is stateless: the offset plus a hash of the question (path, globs, problems_only), so a
    cursor from another scan is refused instead of silently paging through a different list.
    """

    key: str
    limit: int | None = 100
    problems_only: bool = False
    cursor: str | None = None
    max_skipped: int = 20

    def cursor_for(self, offset: int) -> str:
        return f"{offset}.{self.key}"

    def offset(self) -> int:
        if not self.cursor:
            return 0
        head, _, key = self.cursor.partition(".")
        if key != self.key or not head.isdigit():
            raise InvalidInput("cursor does not belong to this scan (same path, include, exclude, problems_only)")
        return int(head)

    @classmethod
    def make(
        cls, path: str, include: object, exclude: object, limit: int | None, problems_only: bool, cursor: str | None
    ) -> View:
        question = json.dumps([path, include, exclude, bool(problems_only)], default=str)
        key = hashlib.sha256(question.encode("utf-8", "surrogateescape")).hexdigest()[:12]
        return cls(key, limit, bool(problems_only), cursor)
