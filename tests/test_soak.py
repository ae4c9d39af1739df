"""Soak: the stdio server, as an editor launches it, answers every call while the API misbehaves.

A bounded run mixes every tool, the resources and the tool list, while the OpenAI emulator
injects faults (500, 503, an HTML 502, a half JSON body, a dropped connection, a 2 s stall
against the 1 s timeout, 429 with Retry-After). Every call must answer (a result or an
isError naming the fault) within a deadline, the server process must stay up, and its RSS
must not grow more than 20 % between call 100 and the end.

    SOAK_CALLS=2000 .venv/bin/python -m pytest -q -s tests/test_soak.py   # the long run
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, MCPError, StdioServerParameters

from .emulator import Emulator
from .helpers import console_script, offline_env

pytestmark = pytest.mark.anyio

CALLS = int(os.environ.get("SOAK_CALLS", "400"))
FAULT_EVERY = 9  # one call in nine meets an injected fault
CALL_DEADLINE = 15.0  # seconds; the slowest legitimate call is a 2 s stall plus one retry wait
# (fault kind, requests it spoils, seconds): two spoiled requests beat the one retry.
FAULTS: tuple[tuple[str, int, float | None], ...] = (
    ("server_error", 2, None),
    ("bad_gateway", 2, None),
    ("malformed_json", 1, None),
    ("drop_connection", 1, None),
    ("unavailable", 2, None),
    ("rate_limit", 2, 0.2),
    ("server_error", 2, None),
    ("malformed_json", 1, None),
    ("drop_connection", 1, None),
    ("stall", 1, 2.0),
)
NAMED = re.compile(r"timed out|HTTP 5\d\d|malformed|could not connect|rate limited", re.I)


def child_pid(name: str) -> int:
    """The server process: a child of this test process whose command line names `name`."""
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == me and name in cmdline:
            return int(entry.name)
    raise AssertionError(f"no child process running {name}")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def text_of(result: Any) -> str:
    return json.dumps(result.model_dump(mode="json"), ensure_ascii=False)


def make_project(root: Path) -> Path:
    project = root / "project"
    project.mkdir()
    (project / "app.py").write_text(
        "from openai import OpenAI\nclient = OpenAI()\n"
        'client.chat.completions.create(model="gpt-4-32k", messages=[])\n'
        'client.embeddings.create(model="text-embedding-ada-002", input="x")\n'
    )
    (project / "settings.yaml").write_text("model: gpt4o\nfallback: gpt-4o-mini\n")
    (project / "README.md").write_text("We call `o1-preview` and `gpt-4.1`.\n")
    return project


def plain_call(i: int, project: Path) -> tuple[str, str, dict[str, Any]]:
    """The i-th call of the mix: (kind, name, arguments)."""
    mix: list[tuple[str, str, dict[str, Any]]] = [
        ("tool", "list_accessible_models", {}),
        ("tool", "check_model_access", {"model": "gpt-4o"}),
        ("tool", "diagnose_error", {"error": "Error code: 404 - The model `gpt-4-32k` does not exist"}),
        ("tool", "suggest_replacement", {"model": "gpt4o", "endpoint": "chat.completions"}),
        ("tool", "check_endpoint_for_model", {"model": "o3-pro", "endpoint": "chat.completions"}),
        ("tool", "scan_model_references", {"path": str(project)}),
        ("tool", "fix_model_references", {"path": str(project)}),
        ("tool", "get_project_model_permissions", {"project_id": "proj_abc123"}),
        ("resource", "catalog://models/gpt-4o", {}),
        ("resource", "catalog://shutdowns", {}),
        ("tool", "list_accessible_models", {"endpoint": "embeddings", "refresh": True}),
        ("tool", "check_model_access", {"model": "o3", "endpoint": "responses"}),
        ("tool", "diagnose_error", {"error": "429 Rate limit reached for gpt-4o in organization org-x", "live": False}),
        ("list", "tools", {}),
    ]
    if i % 97 == 0:
        return ("resource", "catalog://models", {})
    return mix[i % len(mix)]


async def run_one(client: Client, kind: str, name: str, args: dict[str, Any]) -> tuple[bool, str]:
    """(is_error, text) of one call; a JSON-RPC error counts as an answer."""
    with anyio.fail_after(CALL_DEADLINE):
        try:
            if kind == "tool":
                result = await client.call_tool(name, args)
                return bool(result.is_error), text_of(result)
            if kind == "resource":
                return False, text_of(await client.read_resource(name))
            return False, text_of(await client.list_tools())
        except MCPError as exc:
            return True, exc.error.message


async def test_soak_over_stdio_with_injected_faults(tmp_path):
    project = make_project(tmp_path)
    before = {p: p.read_bytes() for p in project.rglob("*")}
    injected = survived = named = crashes = 0
    rss_at_100: float | None = None
    with Emulator() as emu:
        env = offline_env(
            OPENAI_API_KEY=emu.key("alpha"),
            OPENAI_BASE_URL=emu.base_url,
            MODEL_ACCESS_TIMEOUT="1",
            MODEL_ACCESS_MAX_RETRIES="1",
            MODEL_ACCESS_CACHE_TTL="0",
            MODEL_ACCESS_ROOTS=str(tmp_path),
        )
        params = StdioServerParameters(command=console_script("model-access-mcp"), env=env)
        async with Client(params) as client:
            pid = child_pid("model-access-mcp")
            for i in range(1, CALLS + 1):
                if i % FAULT_EVERY == 0:
                    fault, count, seconds = FAULTS[(i // FAULT_EVERY) % len(FAULTS)]
                    emu.inject(fault, count=count, seconds=seconds, path_prefix="/v1/models")
                    injected += 1
                    seen = len(emu.requests)
                    name = "list_accessible_models" if (i // FAULT_EVERY) % 2 else "check_model_access"
                    args = {"refresh": True} if name == "list_accessible_models" else {"model": "gpt-6-luna"}
                    is_error, text = await run_one(client, "tool", name, args)
                    emu.clear_faults()
                    assert any(r.fault == fault for r in emu.requests[seen:]), f"{fault} was not met"
                    # A fault that outlived the retry is reported by name (isError, or evidence).
                    if is_error or "failed" in text or "timed out" in text:
                        assert NAMED.search(text), f"call {i} ({fault}) did not name the fault: {text[:600]}"
                        named += 1
                    if alive(pid):
                        survived += 1
                else:
                    kind, name, args = plain_call(i, project)
                    is_error, text = await run_one(client, kind, name, args)
                    if is_error:
                        assert name == "get_project_model_permissions", f"call {i} {name}: {text[:600]}"
                        assert "OPENAI_ADMIN_KEY" in text or "admin" in text.lower(), text
                if not alive(pid):
                    crashes += 1
                    break
                if i == min(100, CALLS):
                    rss_at_100 = rss_mib(pid)
            rss_end = rss_mib(pid)
            assert alive(pid)
            # Still fully usable after the storm.
            final = await client.call_tool("list_accessible_models", {"refresh": True})
            assert not final.is_error and final.structured_content["source"] == "live"
    assert {p: p.read_bytes() for p in project.rglob("*")} == before, "fix without apply wrote something"
    assert rss_at_100 is not None
    line = (
        f"soak: {CALLS} calls, {injected} faults injected, {survived} survived ({named} reported by name), "
        f"{crashes} crashes, RSS {rss_at_100:.1f}→{rss_end:.1f} MiB"
    )
    print("\n" + line)
    assert crashes == 0 and survived == injected
    assert rss_end <= rss_at_100 * 1.20, line
