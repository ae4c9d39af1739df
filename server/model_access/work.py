"""Off-loop work: CPU-bound steps of a request run away from the event loop, within a time budget.

One slow request must never stall the others. Two ways out of the loop:

- `run()` — a worker thread. Enough for Python-level work (scanning, planning, redacting a
  large result): the interpreter switches threads every few milliseconds, so the loop keeps
  answering. A thread cannot be killed: on overrun the caller gets `WorkTimeout` at once and
  the thread is abandoned (counted, and new work is refused while too many are still running).
- `run_isolated()` — a child process (forked from a preloaded fork server). Needed where one C
  call holds the interpreter lock for as long as it likes — a regular expression backtracking
  over a megabyte of input — because then no other thread runs at all. On overrun the child
  is killed, so the work is truly bounded. Costs ~10-20 ms per call, so callers use it only
  for large inputs (`ISOLATE_ABOVE`).

Concurrency is bounded per server (threads and processes) and per session (`session=`, any
object identifying the client connection). Budgets are per call; the error names the budget
and the next step. Must never hold the loop itself, and never leak a child process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from .errors import Busy, ModelAccessError, WorkTimeout
from .redact import window as _window

T = TypeVar("T")

DEFAULT_BUDGET = 30.0  # seconds of work one request step may take
SERVER_THREADS = 4  # worker threads shared by every session of one server
SESSION_THREADS = 2  # at most this many steps of one session run at once; more wait their turn
# Isolated children at once: leave a core to the server's own loop.
SERVER_PROCESSES = max(1, (os.cpu_count() or 2) - 1)
CHILD_NICENESS = 10  # children yield the CPU to the server (and to everything interactive)
MAX_ABANDONED = 8  # overrun threads still running; beyond this new work is refused
ISOLATE_ABOVE = 16 * 1024  # characters of input above which regex-heavy work runs in a child
# Characters of input up to which linear-time analysis runs on the loop: the worst 4 KB error text
# (tests/test_diagnosis_adversarial.py's inputs, cut to 4 KB) is diagnosed in under 3 ms, less than
# a thread hop costs a short text. benchmarks/bench_diagnosis.py measures both.
INLINE_UP_TO = 4 * 1024


class _LoopLimits:
    """The limiters of one event loop."""

    def __init__(self) -> None:
        self.threads = anyio.CapacityLimiter(SERVER_THREADS)
        self.processes = anyio.CapacityLimiter(SERVER_PROCESSES)
        self.sessions: weakref.WeakKeyDictionary[Any, anyio.CapacityLimiter] = weakref.WeakKeyDictionary()
        self.by_id: dict[int, anyio.CapacityLimiter] = {}

    def session(self, session: Any) -> anyio.CapacityLimiter | None:
        if session is None:
            return None
        try:
            limiter = self.sessions.get(session)
            if limiter is None:
                limiter = self.sessions[session] = anyio.CapacityLimiter(SESSION_THREADS)
        except TypeError:  # not weak-referenceable: fall back to its id (bounded below)
            if len(self.by_id) > 1024:
                self.by_id.clear()
            limiter = self.by_id.setdefault(id(session), anyio.CapacityLimiter(SESSION_THREADS))
        return limiter


class _Limits:
    """Limiters are bound to one event loop: created lazily, re-created when the loop changes."""

    def __init__(self) -> None:
        self._loop: object = None
        self._current: _LoopLimits | None = None

    def current(self) -> _LoopLimits:
        import asyncio

        loop = asyncio.get_running_loop()
        if loop is not self._loop or self._current is None:
            self._loop = loop
            self._current = _LoopLimits()
        return self._current


_limits = _Limits()
_abandoned_lock = threading.Lock()
_abandoned = 0


def abandoned() -> int:
    """Overrun worker threads that are still running (for tests and `doctor`)."""
    return _abandoned


def _overrun(what: str, budget: float) -> WorkTimeout:
    return WorkTimeout(
        f"{what} needed more than {budget:g} s and was stopped; the server is still serving other "
        "requests. Send a smaller input (the relevant part of the text, a narrower path or fewer "
        "glob patterns) and try again."
    )


class _Job:
    """One thread's work, knowing whether its caller gave up on it."""

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.lock = threading.Lock()
        self.finished = False
        self.given_up = False

    def __call__(self) -> Any:
        global _abandoned
        try:
            return self.fn(*self.args, **self.kwargs)
        finally:
            with self.lock:
                self.finished = True
                if self.given_up:
                    with _abandoned_lock:
                        _abandoned -= 1

    def give_up(self) -> None:
        global _abandoned
        with self.lock:
            if not self.finished and not self.given_up:
                self.given_up = True
                with _abandoned_lock:
                    _abandoned += 1


async def run(
    fn: Callable[..., T],
    *args: Any,
    budget: float = DEFAULT_BUDGET,
    session: Any = None,
    what: str = "This request",
    **kwargs: Any,
) -> T:
    """`fn(*args, **kwargs)` in a worker thread; WorkTimeout after `budget` seconds (waiting included)."""
    if _abandoned >= MAX_ABANDONED:
        raise Busy(
            f"The server is still finishing {_abandoned} earlier requests that overran their budget; "
            "try again in a moment, with a smaller input."
        )
    limits = _limits.current()
    per_session = limits.session(session)
    job = _Job(fn, args, kwargs)
    try:
        with anyio.fail_after(budget):
            async with per_session if per_session is not None else contextlib.nullcontext():
                result: T = await anyio.to_thread.run_sync(job, abandon_on_cancel=True, limiter=limits.threads)
                return result
    except TimeoutError:
        job.give_up()
        raise _overrun(what, budget) from None
    except BaseException:
        job.give_up()  # cancelled by the client: the thread runs on, counted
        raise


# ---------------------------------------------------------------------- isolated children

_context_lock = threading.Lock()
_context: Any = None


def _mp_context() -> Any:
    """A fork server preloaded with the heavy modules: children start in milliseconds, and are
    forked from a clean single-threaded process rather than from this threaded server."""
    global _context
    with _context_lock:
        if _context is None:
            methods = multiprocessing.get_all_start_methods()
            ctx: Any
            if "forkserver" in methods:
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(
                    ["__main__", "model_access.work", "model_access.diagnosis", "model_access.catalog"]
                )
            else:  # Windows: spawn is the only method
                ctx = multiprocessing.get_context("spawn")
            _context = ctx
        return _context


def _child_main(
    conn: Any, budget: float, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    # stdout belongs to the MCP stdio transport of the parent: nothing may be printed there.
    sys.stdout = sys.stderr
    _die_with_parent(budget)
    with contextlib.suppress(AttributeError, OSError):  # no os.nice on Windows
        os.nice(CHILD_NICENESS)
    try:
        value = fn(*args, **kwargs)
        payload: tuple[bool, Any] = (True, value)
    except ModelAccessError as exc:
        payload = (False, exc)
    except Exception as exc:  # a bug: its text stays in the child, the parent gets a typed failure
        payload = (False, ModelAccessError(f"the analysis failed ({type(exc).__name__})"))
    try:
        conn.send(payload)
    except Exception:  # an unpicklable result: report that instead
        conn.send((False, ModelAccessError("the analysis produced a result that could not be returned")))
    finally:
        conn.close()


async def run_isolated(
    fn: Callable[..., T],
    *args: Any,
    budget: float = DEFAULT_BUDGET,
    what: str = "This request",
    **kwargs: Any,
) -> T:
    """`fn(*args, **kwargs)` in a child process (fn, args and result picklable); the child is killed
    after `budget` seconds and WorkTimeout raised. Exceptions of the service layer are re-raised."""
    limits = _limits.current()
    ctx = _mp_context()
    try:
        with anyio.fail_after(budget):
            async with limits.processes:
                receiver, sender = ctx.Pipe(duplex=False)
                process = ctx.Process(target=_child_main, args=(sender, budget, fn, args, kwargs), daemon=True)
                try:
                    await anyio.to_thread.run_sync(process.start)
                    sender.close()
                    ok, value = await anyio.to_thread.run_sync(_receive, receiver, abandon_on_cancel=True)
                finally:
                    # Killing the child also ends a receiving thread that was abandoned (EOF).
                    with contextlib.suppress(Exception):
                        if process.is_alive():
                            process.kill()
                    with contextlib.suppress(Exception):
                        sender.close()
                    with anyio.CancelScope(shield=True):  # reap even when the budget ran out
                        await anyio.to_thread.run_sync(_reap, process, receiver)
    except TimeoutError:
        raise _overrun(what, budget) from None
    if ok:
        result: T = value
        return result
    raise value


def diagnose_in_child(today: str, error: str, model: str | None, endpoint: str | None) -> Any:
    """In a child process: the offline diagnosis with the catalog as of `today`. Lives here, not
    in the MCP front end, so that a child never imports the MCP SDK to unpickle it."""
    from datetime import date

    from .catalog import load_catalog
    from .diagnosis import diagnose_offline

    return diagnose_offline(load_catalog(date.fromisoformat(today)), error, model=model, endpoint=endpoint)


def _die_with_parent(budget: float) -> None:
    """A child must never outlive its budget, even if the server dies before it could kill the
    child: SIGALRM with no handler terminates the process even in the middle of a C call, two
    seconds after the budget. (On Linux the child is also killed if the fork server goes away,
    but the fork server lives as long as any child does, so the alarm is the real bound.)"""
    import signal

    with contextlib.suppress(AttributeError, ValueError, OSError):  # not on Windows
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(int(budget) + 2)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, signal.SIGKILL)


def _receive(conn: Any) -> tuple[bool, Any]:
    try:
        received: tuple[bool, Any] = conn.recv()
        return received
    except (EOFError, OSError):
        return False, ModelAccessError("the analysis stopped before answering")


def _reap(process: Any, conn: Any) -> None:
    with contextlib.suppress(Exception):
        process.join(timeout=5)
    with contextlib.suppress(Exception):
        conn.close()


async def within(budget: float, fn: Callable[..., Awaitable[T]], *args: Any, what: str = "This request") -> T:
    """Await `fn(*args)` (a coroutine function) for at most `budget` seconds.

    For service code that already runs its CPU part in a thread it does not let go of (a cancel
    would wait for the thread): the coroutine runs as its own task, and on overrun the caller gets
    WorkTimeout at once while the task is cancelled and left to finish in the background."""
    import asyncio

    task = asyncio.ensure_future(fn(*args))
    try:
        done, _ = await asyncio.wait({task}, timeout=budget)
    except BaseException:
        task.cancel()
        raise
    if not done:
        task.cancel()
        task.add_done_callback(_consume)
        raise _overrun(what, budget)
    result: T = task.result()
    return result


def _consume(task: Any) -> None:
    with contextlib.suppress(BaseException):
        task.exception()


# Kept here for the callers that think of it as part of off-loop work; it lives with redaction.
window = _window
