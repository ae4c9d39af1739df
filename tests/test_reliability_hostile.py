"""No request holds the server: hostile inputs against a live server, over stdio and over HTTP.

Each hostile input (a megabyte of backslashes, newlines, quotes, braces, key=value pairs or glob
stars, plus the inputs that once froze diagnosis and scanning) goes into every text argument of
every tool, the tool name, the prompt's arguments and a resource URI. Every call must be
answered (a result or an error) within its budget, while a trivial call made all along on the
same server keeps answering in under 100 ms.

    .venv/bin/python -m pytest -q -s tests/test_reliability_hostile.py   # prints the figures
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, MCPError, StdioServerParameters

from .helpers import console_script, offline_env
from .servers import http_server as serve_http

pytestmark = pytest.mark.anyio

BUDGET = 3.0  # MODEL_ACCESS_WORK_BUDGET for these servers: one step of a request
SCAN_BUDGET = 4 * BUDGET  # scan and fix plans get four budgets (mcp_server.SCAN_FACTOR)
SLACK = 6.0  # transport, JSON of a megabyte, a worker process starting
TRIVIAL_LIMIT = 0.100  # seconds: the bound for a concurrent trivial call
TRIVIAL_OUTLIER = 0.300  # seconds: no single trivial call may take longer
PARALLEL = 4  # hostile calls in flight at once over HTTP


def hostile(size: int) -> dict[str, str]:
    """Each input about `size` characters."""
    return {
        "backslashes": "\\" * size,
        "newlines": "\n" * size,
        "quotes": '"' * size,
        "braces": "{" * (size // 2) + "}" * (size // 2),
        "key=value": "key=value " * (size // 10),
        "query pairs": "token=x&" * (size // 8),
        "glob stars": "*" * size,
        # From the diagnosis and scanning issues: a JSON error body nested deep, a model_not_found
        # text with a long tail of backticks, and an alternation of stars and slashes.
        "deep json": '{"error": ' * (size // 20) + "1" + "}" * (size // 20),
        "backticks": "The model `" + "`" * size + "` does not exist (model_not_found)",
        "star slash": "*/" * (size // 2),
    }


def calls(value: str, folder: str) -> list[tuple[str, str, dict[str, Any], float]]:
    """(what, kind, arguments, budget) for every slot the value can go into."""
    small = {"model": "gpt-4o", "endpoint": "chat.completions"}
    out: list[tuple[str, str, dict[str, Any], float]] = [
        ("diagnose_error.error", "diagnose_error", {"error": value}, BUDGET),
        ("diagnose_error.model", "diagnose_error", {"error": "404 model_not_found", "model": value}, BUDGET),
        ("diagnose_error.endpoint", "diagnose_error", {"error": "404", "endpoint": value}, BUDGET),
        ("suggest_replacement.model", "suggest_replacement", {"model": value}, BUDGET),
        ("suggest_replacement.endpoint", "suggest_replacement", {"model": "gpt-4o", "endpoint": value}, BUDGET),
        ("check_endpoint_for_model.model", "check_endpoint_for_model", {**small, "model": value}, BUDGET),
        ("check_endpoint_for_model.endpoint", "check_endpoint_for_model", {**small, "endpoint": value}, BUDGET),
        ("check_model_access.model", "check_model_access", {"model": value}, BUDGET),
        ("check_model_access.endpoint", "check_model_access", {"model": "gpt-4o", "endpoint": value}, BUDGET),
        ("list_accessible_models.endpoint", "list_accessible_models", {"endpoint": value}, BUDGET),
        ("scan_model_references.path", "scan_model_references", {"path": value}, SCAN_BUDGET),
        ("scan_model_references.include", "scan_model_references", {"path": folder, "include": [value]}, SCAN_BUDGET),
        ("scan_model_references.exclude", "scan_model_references", {"path": folder, "exclude": [value]}, SCAN_BUDGET),
        ("fix_model_references.path", "fix_model_references", {"path": value}, SCAN_BUDGET),
        (
            "fix_model_references.replacements",
            "fix_model_references",
            {"path": folder, "replacements": {value: "gpt-4o", "gpt-4": value}},
            SCAN_BUDGET,
        ),
        ("get_project_model_permissions.project_id", "get_project_model_permissions", {"project_id": value}, BUDGET),
        (
            "update_project_model_permissions.allow",
            "update_project_model_permissions",
            {"project_id": value, "allow": [value]},
            BUDGET,
        ),
        ("tool name", "tool-name", {}, BUDGET),
        ("prompt.error", "prompt", {"error": value, "path": value}, BUDGET),
        ("resource URI", "resource", {}, BUDGET),
    ]
    return out


async def one(session: Client, kind: str, arguments: dict[str, Any], value: str) -> str:
    """Make one call; return 'result', 'isError' or 'error' (a JSON-RPC error)."""
    try:
        if kind == "tool-name":
            result = await session.call_tool(value, {})
        elif kind == "prompt":
            await session.get_prompt("troubleshoot_model_error", arguments)
            return "result"
        elif kind == "resource":
            await session.read_resource("catalog://models/" + value)
            return "result"
        else:
            result = await session.call_tool(kind, arguments)
    except MCPError:
        return "error"
    return "isError" if result.is_error else "result"


async def run_harness(
    session: Client,
    size: int,
    folder: str,
    label: str,
    parallel: int,
    url: str | None = None,
) -> None:
    jobs = [
        (name, what, kind, arguments, budget, value)
        for name, value in hostile(size).items()
        for what, kind, arguments, budget in calls(value, folder)
    ]
    trivial: list[float] = []
    slow: list[str] = []
    answered = 0
    done = threading.Event()
    limiter = anyio.CapacityLimiter(parallel)
    flight: set[str] = set()
    outcomes: list[str] = []
    started = time.perf_counter()

    async def ticker(probe: Client) -> None:
        while not done.is_set():
            start = time.perf_counter()
            result = await probe.call_tool("check_endpoint_for_model", {"model": "gpt-4o", "endpoint": "embeddings"})
            trivial.append(time.perf_counter() - start)
            if os.environ.get("HOSTILE_DEBUG") and trivial[-1] > 0.05:
                print(
                    f"  slow trivial at {start - started:.2f} s: {trivial[-1] * 1000:.0f} ms; in flight: {sorted(flight)}"
                )
            assert result.structured_content is not None and result.structured_content["supported"] is False
            await anyio.sleep(0.05)

    async def hostile_call(name: str, what: str, kind: str, arguments: dict[str, Any], budget: float, value: str):
        nonlocal answered
        async with limiter:
            flight.add(f"{name} as {what}")
            start = time.perf_counter()
            with anyio.fail_after(budget + SLACK + 30):  # a hang fails the test instead of stalling it
                if url is not None and kind in ("tool-name", "resource"):
                    outcomes.append(await in_headers(url, kind, arguments, value))
                else:
                    outcomes.append(await one(session, kind, arguments, value))
            elapsed = time.perf_counter() - start
            flight.discard(f"{name} as {what}")
            answered += 1
            if elapsed > budget + SLACK:
                slow.append(f"{name} as {what}: {elapsed:.1f} s (budget {budget:g} s)")

    # Warm up: the first call of each tool imports its modules (a one-time cost on the loop, about
    # 0.1 s) and the first large diagnosis starts the fork server.
    await session.call_tool("diagnose_error", {"error": "x" * 20_000 + " model_not_found"})
    await session.call_tool("scan_model_references", {"path": folder})
    await session.call_tool("suggest_replacement", {"model": "gpt-4"})

    def own_loop() -> None:
        # Over HTTP the trivial calls come from another connection, on their own thread and event
        # loop: what is measured is the server, not this process's loop encoding megabytes.
        async def main() -> None:
            async with Client(url or "") as other:
                await ticker(other)

        anyio.run(main)

    async with anyio.create_task_group() as outer:
        if url is None:
            outer.start_soon(ticker, session)
        else:
            outer.start_soon(anyio.to_thread.run_sync, own_loop)
        async with anyio.create_task_group() as tg:
            for job in jobs:
                tg.start_soon(hostile_call, *job)
        done.set()
    total = time.perf_counter() - started
    trivial.sort()
    print(
        f"\nhostile ({label}): {len(jobs)} calls of {size:,}-character inputs answered in {total:.1f} s; "
        f"{len(trivial)} trivial calls meanwhile, median {trivial[len(trivial) // 2] * 1000:.0f} ms, "
        f"95th percentile {trivial[int(len(trivial) * 0.95)] * 1000:.0f} ms, max {trivial[-1] * 1000:.0f} ms; outcomes: "
        + ", ".join(f"{outcomes.count(o)} {o}" for o in sorted(set(outcomes)))
    )
    assert answered == len(jobs)
    assert not slow, slow
    # The bound, for 95 % of the trivial calls; on two shared cores (this process, the
    # server and its analysis child) the scheduler adds the odd outlier, bounded more loosely.
    p95 = trivial[int(len(trivial) * 0.95)]
    assert p95 < TRIVIAL_LIMIT, f"95 % of trivial calls took up to {p95 * 1000:.0f} ms"
    assert trivial[-1] < TRIVIAL_OUTLIER, f"a trivial call took {trivial[-1] * 1000:.0f} ms"
    # Still fully usable afterwards.
    result = await session.call_tool("suggest_replacement", {"model": "gpt4o"})
    assert result.structured_content is not None and result.structured_content["suggestions"]


async def in_headers(url: str, kind: str, arguments: dict[str, Any], value: str) -> str:
    """Over HTTP the SDK's client also copies the tool name and resource URI into request headers,
    where a huge or multi-line one is refused by the HTTP layer (400) before the server sees it.
    To reach the server's own handling, these go as plain JSON-RPC POSTs (handshake era)."""
    if kind == "tool-name":
        request = {"method": "tools/call", "params": {"name": value, "arguments": {}}}
    else:
        request = {"method": "resources/read", "params": {"uri": "catalog://models/" + value}}
    return await anyio.to_thread.run_sync(raw_post, url, request)


def raw_post(url: str, request: dict[str, Any]) -> str:
    parsed = urllib.parse.urlsplit(url)
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    connection = http.client.HTTPConnection(parsed.hostname or "", parsed.port, timeout=60)
    try:
        init = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "1"},
            },
        }
        connection.request("POST", parsed.path, json.dumps(init), headers)
        response = connection.getresponse()
        response.read()
        session = response.getheader("mcp-session-id") or ""
        headers |= {"mcp-session-id": session, "mcp-protocol-version": "2025-06-18"}
        connection.request("POST", parsed.path, json.dumps({"jsonrpc": "2.0", "id": 2, **request}), headers)
        response = connection.getresponse()
        body = response.read().decode(errors="replace")
    finally:
        connection.close()
    if '"error"' in body:
        return "error"
    return "isError" if '"isError":true' in body.replace(" ", "") else "result"


def server_env(folder: Path) -> dict[str, str]:
    return offline_env(MODEL_ACCESS_ROOTS=str(folder), MODEL_ACCESS_WORK_BUDGET=str(BUDGET))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text('client.chat.completions.create(model="gpt-4")\n' * 20)
    (tmp_path / "config.yaml").write_text("model: gpt-3.5-turbo-0301\n")
    return tmp_path


async def test_hostile_inputs_over_stdio_never_hold_the_server(project: Path) -> None:
    params = StdioServerParameters(command=console_script("model-access-mcp"), env=server_env(project))
    async with Client(params) as session:
        # One pipe carries every message: a trivial request queues behind the megabytes written
        # before it, so hostile calls go one at a time here (the HTTP test runs them in parallel).
        await run_harness(session, 1024 * 1024, str(project), "stdio", parallel=1)


@pytest.fixture
def http_server(project: Path) -> Iterator[str]:
    with serve_http(server_env(project)) as port:
        yield f"http://127.0.0.1:{port}/mcp"


async def test_hostile_inputs_over_http_never_hold_the_server(http_server: str, project: Path) -> None:
    # HTTP bodies are capped at 1 MiB: inputs of 400,000 characters fit after JSON escaping (a
    # backslash or quote doubles), so they reach the tools instead of being refused with 413.
    async with Client(http_server) as session:
        await run_harness(session, 400_000, str(project), "HTTP", parallel=PARALLEL, url=http_server)


@pytest.fixture(autouse=True)
def _no_proxy() -> Iterator[None]:
    saved = {k: os.environ.pop(k) for k in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy") if k in os.environ}
    yield
    os.environ.update(saved)
