"""Bad input never crashes the server and never loses a byte.

Each case feeds something hostile — a 10 MB error text, binary, invalid UTF-8, deeply nested
JSON, /proc and device files, symlink loops, missing and foreign paths, a read-only file, a
full disk, a file edited between plan and apply, garbage JSON-RPC on stdin — and asserts a
clear, typed answer within a bounded time, and that every file of the tmp tree is
byte-identical afterwards (unless a write was asked for and allowed).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client

from model_access.code import apply_plan, plan_fix_sync
from model_access.config import load_config
from model_access.diagnosis import diagnose_offline
from model_access.errors import ModelAccessError
from model_access.mcp_server import create_server
from model_access.state import AppState

from .helpers import TODAY, console_script, offline_env, summary_line

pytestmark = pytest.mark.anyio

STATS = {"tried": 0, "handled": 0, "bytes_lost": 0}
DEADLINE = 20.0


def tree(root: Path) -> dict[str, str]:
    """sha256 of every regular file under root (symlinks are recorded by their target)."""
    out: dict[str, str] = {}
    for p in sorted(root.rglob("*")):
        if p.is_symlink():
            out[str(p)] = "-> " + os.readlink(p)
        elif p.is_file():
            out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def unchanged(before: dict[str, str], root: Path) -> bool:
    after = tree(root)
    lost = sum(1 for k, v in before.items() if after.get(k) != v)
    STATS["bytes_lost"] += lost
    return after == before


def config_for(*roots: Path | str) -> Any:
    return load_config(
        {"MODEL_ACCESS_TODAY": TODAY.isoformat(), "MODEL_ACCESS_ROOTS": os.pathsep.join(str(r) for r in roots)}
    )


async def call(client: Client, name: str, args: dict[str, Any]) -> tuple[bool, str, Any]:
    STATS["tried"] += 1
    with anyio.fail_after(DEADLINE):
        result = await client.call_tool(name, args)
    text = "\n".join(getattr(c, "text", "") for c in result.content)
    STATS["handled"] += 1
    return bool(result.is_error), text, result.structured_content


async def shown_plan(client: Client, path: str, replacements: dict[str, str]) -> dict[str, Any]:
    """Arguments that apply the plan just shown: fix without apply first, then apply with its digest."""
    result = await client.call_tool("fix_model_references", {"path": path, "replacements": replacements})
    digest = (result.structured_content or {}).get("digest")
    return {"path": path, "replacements": replacements, "apply": True, "digest": digest}


def project(root: Path) -> Path:
    p = root / "proj"
    p.mkdir()
    (p / "app.py").write_text('import openai\nopenai.OpenAI().chat.completions.create(model="gpt-4-32k")\n')
    (p / "cfg.yaml").write_text("model: gpt-4-32k\n")
    return p


# --------------------------------------------------------------------------- error texts


async def test_a_10_mb_error_text_gets_a_clear_answer_quickly(client):
    text = ("INFO retrying request\n" * 476_000) + "Error code: 404 - The model `gpt-4-32k` does not exist"
    assert len(text) > 10_000_000
    started = time.monotonic()
    is_error, message, content = await call(client, "diagnose_error", {"error": text, "live": False})
    assert time.monotonic() - started < 10
    if is_error:  # refused as too large, saying so
        assert "MB" in message or "large" in message, message
    else:  # or diagnosed from its end, where the final error is
        assert content["category"] == "model_retired", content


@pytest.mark.parametrize(
    "text",
    [
        bytes(range(256)).decode("latin-1") * 64,
        "\x00" * 10_000,
        "\ud800\udfff lone surrogates \udc80",
        "\ufffd" * 5000 + "model_not_found",
        "[" * 100_000 + "]" * 100_000,
        '{"error": ' * 50_000 + "1" + "}" * 50_000,
        json.dumps({"error": {"message": "x" * 1_000_000, "code": "model_not_found"}}),
        "\n" * 1_000_000,
        "`" * 200_000 + "gpt-4o" + "'" * 200_000,
    ],
    ids=[
        "binary",
        "nuls",
        "surrogates",
        "replacement-chars",
        "nested-lists",
        "nested-objects",
        "1MB-msg",
        "newlines",
        "quotes",
    ],
)
async def test_hostile_error_texts_get_a_typed_answer(client, catalog, text):
    started = time.monotonic()
    is_error, message, content = await call(client, "diagnose_error", {"error": text, "live": False})
    assert time.monotonic() - started < 10
    assert is_error or content["category"] in {"unknown", "unknown_model_name", "model_retired", "invalid_request"}
    if is_error:
        assert message and "Traceback" not in message
    STATS["tried"] += 1
    try:
        diagnose_offline(catalog, text)  # the pure core raises nothing but its typed InvalidInput
    except ModelAccessError as exc:
        assert "empty" in str(exc)
    STATS["handled"] += 1


# --------------------------------------------------------------------------- scanned folders


async def test_non_utf8_files_are_fixed_byte_for_byte_and_binaries_never(tmp_path):
    p = project(tmp_path)
    (p / "latin1.py").write_bytes(b'# caf\xe9\nclient.chat.completions.create(model="gpt-4-32k")\n')
    (p / "broken.yaml").write_bytes(b"model: gpt-4-32k\nname: \xff\xfe\xc3\x28\n")
    (p / "blob.json").write_bytes(b'{"model": "gpt-4-32k", "x": "\x00\x01\x02"}')
    raw = {name: (p / name).read_bytes() for name in ("latin1.py", "broken.yaml")}
    before = tree(tmp_path)
    async with Client(create_server(config_for(tmp_path))) as client:
        is_error, message, scan = await call(client, "scan_model_references", {"path": str(p)})
        assert not is_error, message
        assert any(r["file"] == "latin1.py" for r in scan["references"])
        is_error, message, fix = await call(
            client, "fix_model_references", await shown_plan(client, str(p), {"gpt-4-32k": "gpt-4o"})
        )
        assert not is_error, message
    # Files that are not UTF-8 are read as Latin-1: only the id's bytes change, every other byte stays.
    assert set(fix["files_changed"]) == {"app.py", "cfg.yaml", "latin1.py", "broken.yaml"}, fix
    after = tree(tmp_path)
    for name in ("latin1.py", "broken.yaml"):
        assert (p / name).read_bytes() == raw[name].replace(b"gpt-4-32k", b"gpt-4o"), name
    assert after[str(p / "blob.json")] == before[str(p / "blob.json")]  # binary: never touched


async def test_proc_and_device_files_are_refused_outside_the_roots(client, tmp_path):
    for path in ("/proc/self", "/proc/self/environ", "/dev/null", "/dev/zero"):
        is_error, message, _ = await call(client, "scan_model_references", {"path": path})
        assert is_error and "outside the allowed folders" in message, message


@pytest.mark.parametrize(("root", "path"), [("/proc", "/proc/self"), ("/dev", "/dev/null"), ("/dev", "/dev/zero")])
async def test_proc_and_device_files_inside_the_roots_are_skipped_without_hanging(root, path):
    async with Client(create_server(config_for(root))) as client:
        started = time.monotonic()
        is_error, message, scan = await call(client, "scan_model_references", {"path": path})
        assert time.monotonic() - started < DEADLINE
    if is_error:
        assert path in message or "not" in message, message
    else:
        assert scan["references"] == [] or all(r["model"] for r in scan["references"])


async def test_symlink_loops_are_skipped(tmp_path):
    p = project(tmp_path)
    (p / "a.py").symlink_to(p / "b.py")
    (p / "b.py").symlink_to(p / "a.py")
    (p / "sub").mkdir()
    (p / "sub" / "up").symlink_to(p)
    (p / "sub" / "self").symlink_to(p / "sub" / "self")
    before = tree(tmp_path)
    async with Client(create_server(config_for(tmp_path))) as client:
        is_error, message, scan = await call(client, "scan_model_references", {"path": str(p)})
        assert not is_error, message
        assert {r["file"] for r in scan["references"]} == {"app.py", "cfg.yaml"}
        for loop in (p / "a.py", p / "sub" / "self"):
            is_error, message, _ = await call(client, "scan_model_references", {"path": str(loop)})
            assert is_error and "symlink loop" in message, message
        is_error, message, _ = await call(client, "fix_model_references", {"path": str(p), "apply": False})
        assert not is_error, message
    assert unchanged(before, tmp_path)


async def test_missing_and_foreign_paths_are_refused(tmp_path):
    inside = tmp_path / "inside"
    inside.mkdir()
    (tmp_path.parent / f"{tmp_path.name}-outside").mkdir()
    outside = project(tmp_path.parent / f"{tmp_path.name}-outside")
    (tmp_path / "inside" / "escape").symlink_to(outside)
    before = tree(outside)
    async with Client(create_server(config_for(inside))) as client:
        cases: list[tuple[str, dict[str, Any], str]] = [
            ("scan_model_references", {"path": str(inside / "nope")}, "does not exist"),
            ("fix_model_references", {"path": str(inside / "nope"), "apply": True}, "does not exist"),
            ("fix_model_references", {"path": str(outside), "apply": True}, "outside the allowed folders"),
            ("fix_model_references", {"path": str(inside / "escape"), "apply": True}, "outside the allowed folders"),
            ("fix_model_references", {"path": "", "apply": True}, "empty"),
            ("fix_model_references", {"path": "relative/../../etc", "apply": True}, ""),
            ("scan_model_references", {"path": str(inside) + "/\0x"}, "NUL"),
        ]
        for name, args, expected in cases:
            is_error, message, _ = await call(client, name, args)
            assert is_error and expected in message, (args, message)
    assert unchanged(before, outside)


async def test_a_read_only_file_is_not_written(tmp_path, monkeypatch):
    p = project(tmp_path)
    (p / "app.py").chmod(0o444)
    if os.geteuid() == 0:  # root ignores permission bits: answer os.access as a normal user would
        real = os.access
        monkeypatch.setattr(
            os, "access", lambda path, mode, **kw: False if str(path).endswith("app.py") else real(path, mode, **kw)
        )
    before = tree(tmp_path)
    async with Client(create_server(config_for(tmp_path))) as client:
        is_error, message, _ = await call(
            client, "fix_model_references", await shown_plan(client, str(p), {"gpt-4-32k": "gpt-4o"})
        )
    assert is_error and "read-only" in message and "nothing was written" in message, message
    assert unchanged(before, tmp_path)


@pytest.mark.parametrize("where", ["replace", "fsync", "write"])
async def test_a_full_disk_loses_nothing_and_leaves_no_temp_file(tmp_path, monkeypatch, where):
    p = project(tmp_path)
    (p / "app.py").unlink()  # one file: the failure happens on the first (only) write
    before = tree(tmp_path)

    def full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if where == "replace":
        monkeypatch.setattr(os, "replace", full)
    elif where == "fsync":
        monkeypatch.setattr(os, "fsync", full)
    else:
        real_fdopen = os.fdopen

        class Full:
            def __init__(self, fh: Any) -> None:
                self.fh = fh

            def __enter__(self) -> Full:
                return self

            def __exit__(self, *exc: Any) -> None:
                self.fh.close()

            def write(self, data: bytes) -> int:
                self.fh.write(data[: len(data) // 2])
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: Full(real_fdopen(fd, *a, **k)))
    async with Client(create_server(config_for(tmp_path))) as client:
        is_error, message, _ = await call(
            client, "fix_model_references", await shown_plan(client, str(p), {"gpt-4-32k": "gpt-4o"})
        )
    assert is_error and "No space left on device" in message, message
    assert unchanged(before, tmp_path)
    assert not [f for f in tmp_path.rglob("*") if f.name.endswith(".model-access.tmp")]


def test_a_file_changed_between_plan_and_apply_is_not_overwritten(tmp_path):
    p = project(tmp_path)
    state = AppState(config_for(tmp_path))
    plan = plan_fix_sync(state, str(p), {"gpt-4-32k": "gpt-4o"})
    assert len(plan.files) == 2
    edited = b"model: gpt-4-32k  # edited by the user meanwhile\n"

    def meanwhile(path: Path) -> None:
        if path.name == "cfg.yaml":
            path.write_bytes(edited)

    STATS["tried"] += 1
    with pytest.raises(Exception, match="changed since the plan was made") as info:
        apply_plan(plan, state.config.roots, before_write=meanwhile)
    STATS["handled"] += 1
    assert type(info.value).__name__ == "InvalidInput"
    assert (p / "cfg.yaml").read_bytes() == edited  # the user's edit survives
    # Files are written in plan order; the one before the edited file is reported as written.
    assert "already written" in str(info.value) or (p / "app.py").read_text().count("gpt-4-32k") == 1


# --------------------------------------------------------------------------- JSON-RPC over stdio


class Lines:
    def __init__(self, stream: Any) -> None:
        self.q: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream: Any) -> None:
        for line in stream:
            self.q.put(line)

    def get(self, timeout: float) -> dict[str, Any] | None:
        try:
            return json.loads(self.q.get(timeout=timeout))
        except queue.Empty:
            return None


def test_malformed_json_rpc_over_stdio_is_answered_or_ignored():
    proc = subprocess.Popen(
        [console_script("model-access-mcp")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=offline_env(),
    )
    assert proc.stdin is not None and proc.stdout is not None
    lines = Lines(proc.stdout)

    def send(raw: str) -> None:
        proc.stdin.write(raw + "\n")  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]

    try:
        garbage = [
            "this is not json",
            "{",
            "[1, 2, 3]",
            '"a string"',
            "42",
            "null",
            '{"jsonrpc": "2.0"}',
            '{"jsonrpc": "1.0", "id": 7, "method": "ping"}',
            '{"jsonrpc": "2.0", "id": 8, "method": "no/such/method"}',
            '{"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": "not an object"}',
            "\x00\x01\x02",
            "{" * 10_000 + "}" * 10_000,
        ]
        for raw in garbage:
            STATS["tried"] += 1
            send(raw)
            reply = lines.get(timeout=0.3)
            if reply is not None:  # answered: it must be a JSON-RPC error, never a result
                assert "error" in reply and isinstance(reply["error"].get("code"), int), reply
            assert proc.poll() is None, f"the server exited on {raw[:40]!r}"
            STATS["handled"] += 1
        send(
            json.dumps(
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "initialize",
                    "params": {
                        "protocolVersion": "2025-06-18",
                        "capabilities": {},
                        "clientInfo": {"name": "raw", "version": "0"},
                    },
                }
            )
        )
        reply = None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            reply = lines.get(timeout=1.0)
            if reply is not None and reply.get("id") == 1:
                break
        assert reply is not None and reply["result"]["protocolVersion"] == "2025-06-18", reply
        send(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        send(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}))
        while True:
            reply = lines.get(timeout=10.0)
            assert reply is not None, "no answer to tools/list"
            if reply.get("id") == 2:
                break
        assert len(reply["result"]["tools"]) == 7  # no admin key: the two admin tools are hidden
    finally:
        proc.kill()
        proc.wait(timeout=5)


@summary_line
def _bad_input_tally() -> str | None:
    if not STATS["tried"]:
        return None
    return (
        f"bad input: {STATS['tried']} inputs tried, {STATS['handled']} handled, {STATS['bytes_lost']} files lost bytes"
    )
