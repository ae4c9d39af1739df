"""Off-loop work: a step that overruns its budget is stopped with a typed error, and the event
loop keeps serving meanwhile — in a thread for Python-level work, in a killed child process for
a C-level regex that holds the interpreter lock (which no thread could get around)."""

from __future__ import annotations

import re
import time

import anyio
import pytest

from model_access import work
from model_access.errors import ModelAccessError, WorkTimeout

pytestmark = pytest.mark.anyio

# A frozen loop would show a gap as long as the budget (or, for the regex, far longer); the
# margin below that covers two shared cores busy with other processes.
LOOP_GAP = 0.3


def spin(seconds: float) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:  # Python-level work: the interpreter switches threads
        pass
    return "done"


def runaway_regex(n: int) -> bool:
    # Exponential backtracking inside one C call: holds the GIL until it returns.
    return re.match(r"(a|aa)+$", "a" * n + "b") is not None


async def measure_loop(body) -> tuple[float, object]:
    """Run `body()` while a ticker measures the longest gap in the event loop's service."""
    gaps: list[float] = []
    done = anyio.Event()

    async def ticker() -> None:
        while not done.is_set():
            start = time.perf_counter()
            await anyio.sleep(0.01)
            gaps.append(time.perf_counter() - start - 0.01)

    outcome: object = None
    async with anyio.create_task_group() as tg:
        tg.start_soon(ticker)
        try:
            outcome = await body()
        except Exception as exc:
            outcome = exc
        done.set()
    return max(gaps), outcome


async def test_a_thread_step_that_overruns_is_answered_with_a_typed_error_at_its_budget():
    start = time.perf_counter()
    worst, outcome = await measure_loop(lambda: work.run(spin, 1.5, budget=0.5, what="Spinning"))
    elapsed = time.perf_counter() - start
    assert isinstance(outcome, WorkTimeout) and "Spinning needed more than 0.5 s" in str(outcome)
    assert elapsed < 1.5  # answered at the budget, not when the thread finally ends
    assert worst < LOOP_GAP  # the loop kept serving
    assert work.abandoned() >= 1  # the thread runs on, counted, until it ends


async def test_a_runaway_regex_in_a_child_is_killed_at_its_budget_and_the_loop_keeps_serving():
    start = time.perf_counter()
    worst, outcome = await measure_loop(lambda: work.run_isolated(runaway_regex, 60, budget=1.0))
    elapsed = time.perf_counter() - start
    assert isinstance(outcome, WorkTimeout)
    assert elapsed < 3.0
    assert worst < LOOP_GAP


async def test_a_child_returns_results_and_service_errors():
    assert await work.run_isolated(runaway_regex, 5, budget=10) is False
    with pytest.raises(ModelAccessError, match="nope"):
        await work.run_isolated(_raise_service_error, budget=10)


def _raise_service_error() -> None:
    from model_access.errors import InvalidInput

    raise InvalidInput("nope")


async def test_work_of_one_session_is_bounded_and_the_rest_waits_its_turn():
    session = type("Session", (), {})()
    running = 0
    peak = 0

    def step() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        time.sleep(0.1)
        running -= 1

    async with anyio.create_task_group() as tg:
        for _ in range(6):
            tg.start_soon(lambda: work.run(step, session=session))
    assert peak <= work.SESSION_THREADS


def test_a_window_never_cuts_a_key_in_two():
    key = "0123456789abcdef0123456789abcdef"  # an Azure key: 32 hex characters
    text = "x " * 20_000 + f"api-key {key} " + "y " * 40_000
    for limit in range(16_000, 16_100, 7):
        shown = work.window(text, limit)
        assert len(shown) < len(text)
        assert key in shown or key[:8] not in shown  # whole, or not at all
