"""Live look-ups fail fast and share; offline answers never wait; the probe is sent once; "today"
moves on. Against the OpenAI emulator on 127.0.0.1, through a real MCP client session.

    .venv/bin/python -m pytest -q -s tests/test_reliability_faults.py   # prints the figures
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import anyio
import pytest
from mcp import Client

from model_access.catalog import load_catalog, system_today
from model_access.config import load_config
from model_access.mcp_server import create_server

from .emulator import Emulator
from .helpers import TODAY, text_of

pytestmark = pytest.mark.anyio

TIMEOUT = 1.0  # MODEL_ACCESS_TIMEOUT of these servers
CALLS = 20


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


def server_for(emu: Emulator, folder: Path, **extra: str) -> Client:
    env = {
        "MODEL_ACCESS_TODAY": TODAY.isoformat(),
        "OPENAI_BASE_URL": emu.base_url,
        "MODEL_ACCESS_PROVIDER": "openai",  # the emulator stands in for api.openai.com
        "OPENAI_API_KEY": emu.key("allow"),
        "MODEL_ACCESS_TIMEOUT": str(TIMEOUT),
        "MODEL_ACCESS_MAX_RETRIES": "2",
        "MODEL_ACCESS_ROOTS": str(folder),
        **extra,
    }
    return Client(create_server(load_config(env)))


def model_gets(emu: Emulator) -> int:
    return sum(1 for r in emu.requests if r.method == "GET" and r.path.startswith("/v1/models"))


async def test_a_stalled_upstream_answers_20_concurrent_calls_in_about_one_timeout(emu, tmp_path):
    (tmp_path / "app.py").write_text('client.chat.completions.create(model="gpt-4")\n')
    emu.inject("stall", count=1000, seconds=30, path_prefix="/v1/models")
    live_times: list[float] = []
    offline_times: list[float] = []
    async with server_for(emu, tmp_path) as session:

        async def live_call(i: int) -> None:
            start = time.perf_counter()
            if i % 2:
                result = await session.call_tool("list_accessible_models", {})
                assert result.is_error and "timed out" in text_of(result)
            else:
                result = await session.call_tool("check_model_access", {"model": "gpt-4o-mini"})
                assert result.structured_content is not None
                assert result.structured_content["verdict"] == "unverifiable"
                assert any("timed out" in e for e in result.structured_content["evidence"])
            live_times.append(time.perf_counter() - start)

        async def offline_calls() -> None:
            await anyio.sleep(0.2)  # the live calls are now waiting on the stalled upstream
            for _ in range(5):
                start = time.perf_counter()
                advice = await session.call_tool("suggest_replacement", {"model": "gpt4o"})
                offline_times.append(time.perf_counter() - start)
                assert advice.structured_content is not None and advice.structured_content["suggestions"]
                assert "live facts unavailable" in advice.structured_content["reason"]
                start = time.perf_counter()
                scan = await session.call_tool("scan_model_references", {"path": str(tmp_path)})
                offline_times.append(time.perf_counter() - start)
                assert scan.structured_content is not None and scan.structured_content["references"]

        start = time.perf_counter()
        with anyio.fail_after(10 * TIMEOUT):
            async with anyio.create_task_group() as tg:
                for i in range(CALLS):
                    tg.start_soon(live_call, i)
                tg.start_soon(offline_calls)
        total = time.perf_counter() - start
    print(
        f"\nstalled upstream: {CALLS} concurrent live calls done in {total:.2f} s (timeout {TIMEOUT:g} s); "
        f"{len(offline_times)} offline calls meanwhile, max {max(offline_times) * 1000:.0f} ms"
    )
    # One shared GET /models (a timeout is not retried) plus the retrieves that check_model_access
    # sends in parallel: all finished in about one timeout, not N of them.
    assert total < 2.5 * TIMEOUT
    assert max(offline_times) < 0.25
    # At most one GET /models for all of them (it may not even arrive before the client gives up
    # when the emulator's accept queue is full of the parallel retrieves).
    assert sum(1 for r in emu.requests if r.path == "/v1/models") <= 1


async def test_concurrent_listings_share_one_request(emu, tmp_path):
    emu.inject("latency", count=1000, seconds=0.3, path_prefix="/v1/models")
    async with server_for(emu, tmp_path) as session:
        async with anyio.create_task_group() as tg:
            for _ in range(CALLS):
                tg.start_soon(session.call_tool, "list_accessible_models", {"refresh": True})
        assert sum(1 for r in emu.requests if r.path == "/v1/models") == 1


async def test_a_failed_listing_is_remembered_briefly_and_a_refresh_asks_again(emu, tmp_path):
    emu.inject("server_error", count=3, path_prefix="/v1/models")  # outlives both retries
    async with server_for(emu, tmp_path) as session:
        first = await session.call_tool("list_accessible_models", {})
        assert first.is_error and "HTTP 500" in text_of(first)
        sent = model_gets(emu)
        again = await session.call_tool("list_accessible_models", {})
        assert again.is_error and "HTTP 500" in text_of(again)
        assert model_gets(emu) == sent  # answered from the remembered failure, no new request
        fresh = await session.call_tool("list_accessible_models", {"refresh": True})
        assert not fresh.is_error and model_gets(emu) == sent + 1


async def test_the_probe_is_sent_once_even_when_the_api_answers_5xx(emu, tmp_path):
    emu.inject("server_error", count=5, path_prefix="/v1/chat/completions")
    async with server_for(emu, tmp_path) as session:
        result = await session.call_tool(
            "check_model_access", {"model": "gpt-4o-mini", "endpoint": "chat.completions", "probe": True}
        )
        assert result.structured_content is not None
        assert any("probe" in e.lower() and "HTTP 500" in e for e in result.structured_content["evidence"])
    posts = [r for r in emu.requests if r.method == "POST" and r.path == "/v1/chat/completions"]
    assert len(posts) == 1


def test_lifecycle_follows_the_clock_without_reloading_the_catalog():
    now = [date(2026, 11, 30)]
    catalog = load_catalog(lambda: now[0])
    record = catalog.get("chatgpt-image-latest")
    assert record is not None and record.shutdown_date == date(2026, 12, 1)
    assert catalog.lifecycle(record) == "deprecated"
    now[0] += timedelta(days=2)  # the server has been running for two days
    assert catalog.lifecycle(record) == "shutdown"
    assert catalog.today == date(2026, 12, 2)
    assert all(r.id != "chatgpt-image-latest" for r in catalog.upcoming_shutdowns())


def test_the_server_reads_the_clock_per_request_unless_today_is_pinned():
    from model_access.state import AppState

    pinned = AppState(load_config({"MODEL_ACCESS_TODAY": TODAY.isoformat()}))
    assert pinned.catalog.today == TODAY
    running = AppState(load_config({}))
    assert running.catalog.today == date.today()
    assert running.catalog is load_catalog(system_today)  # parsed once, for the clock itself
