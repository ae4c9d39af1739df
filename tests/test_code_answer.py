"""The CLI's stored answer: a re-scan of an unchanged tree prints what a full scan prints, and any
change to a file, a folder, the arguments or the configuration is seen."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from model_access.cli import main

from .helpers import TODAY

OLD = time.time() - 3600  # older than the clock's granularity: the answer may be stored


def _age(root: Path) -> None:
    for folder, _, names in os.walk(root):
        for name in names:
            os.utime(os.path.join(folder, name), (OLD, OLD))
        os.utime(folder, (OLD, OLD))


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith(("OPENAI", "AZURE")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("MODEL_ACCESS_TODAY", TODAY.isoformat())
    monkeypatch.setenv("MODEL_ACCESS_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "a.py").write_text('M = "gpt-4-32k"\n')
    (root / "b.js").write_text('const m = "gpt-4o";\n')
    (root / "notes.py").write_text("x = 1\n")
    _age(root)
    return root


def _scan(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def _answers(tmp_path: Path) -> list[str]:
    return sorted(p.name for p in (tmp_path / "cache").glob("answer-*"))


def test_a_rescan_prints_what_a_full_rescan_prints(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for flags in (["--json"], []):
        first = _scan(capsys, "scan", str(tree), *flags)
        with monkeypatch.context() as m:
            m.setattr("model_access.cli.run_command", None)  # nothing scans: the stored answer prints
            stored = _scan(capsys, "scan", str(tree), *flags)
        with monkeypatch.context() as m:
            m.setattr("model_access.code.answer.stored_answer", lambda *a: None)
            full = _scan(capsys, "scan", str(tree), *flags)  # a real re-scan (result cache only)
        assert stored == full, flags
        if flags:
            assert first[1] != full[1]  # the first run's stats say what it parsed
    data = json.loads(_scan(capsys, "scan", str(tree), "--json")[1])
    assert {r["model"]: r["problem"] for r in data["references"]} == {"gpt-4-32k": "retired", "gpt-4o": "deprecated"}
    assert data["stats"]["cache_hits"] == data["stats"]["files_walked"] == 3
    assert len(_answers(tmp_path)) == 2  # one per question (json and text)
    monkeypatch.setenv("MODEL_ACCESS_TODAY", "2023-01-01")  # another configuration: gpt-4-32k not yet shut down
    data = json.loads(_scan(capsys, "scan", str(tree), "--json")[1])
    assert {r["model"]: r["problem"] for r in data["references"]}["gpt-4-32k"] == "deprecated"


def test_every_change_is_seen(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def models(*flags: str) -> set[str]:
        code, out = _scan(capsys, "scan", str(tree), "--json", *flags)
        assert code == 0
        return {r["model"] for r in json.loads(out)["references"]}

    assert models() == {"gpt-4-32k", "gpt-4o"}
    (tree / "pkg" / "a.py").write_text('M = "gpt-4-0613"\n')  # same size, a new mtime
    assert models() == {"gpt-4-0613", "gpt-4o"}
    _age(tree)
    assert models() == {"gpt-4-0613", "gpt-4o"}
    (tree / "pkg" / "c.py").write_text('M = "o1-mini"\n')  # a new file: its folder changed
    _age(tree)
    assert models() == {"gpt-4-0613", "gpt-4o", "o1-mini"}
    (tree / ".ignore").write_text("pkg/\n")  # new ignore rules
    _age(tree)
    assert models() == {"gpt-4o"}
    assert models("--include", "*.py") == set()  # other arguments: another question
    (tree / "b.js").unlink()
    os.utime(tree, (OLD, OLD))
    assert models() == set()


def test_check_answers_with_its_exit_code(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = _scan(capsys, "check", str(tree))
    again = _scan(capsys, "check", str(tree))
    assert first == again and first[0] == 1 and "gpt-4-32k" in first[1]


def test_no_answer_is_stored_with_a_key_or_a_fresh_file(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tree / "new.py").write_text('M = "gpt-4o"\n')  # changed just now: could change again unseen
    os.utime(tree, (OLD, OLD))
    _scan(capsys, "scan", str(tree), "--json")
    assert _answers(tmp_path) == []
    _age(tree)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-" + "x" * 40)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # never reached: a scan stays offline
    _scan(capsys, "scan", str(tree), "--json")
    assert _answers(tmp_path) == []


def test_a_corrupted_answer_is_ignored(tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = _scan(capsys, "scan", str(tree), "--json")
    (answer,) = (tmp_path / "cache").glob("answer-*")
    blob = bytearray(answer.read_bytes())
    blob[-10] ^= 0xFF
    answer.write_bytes(bytes(blob))
    again = json.loads(_scan(capsys, "scan", str(tree), "--json")[1])
    assert again["references"] == json.loads(first[1])["references"]


def _many(root: Path) -> Path:
    from .code_fixtures import write_project

    proj = write_project(root)
    for i in range(40):
        (proj / f"m{i}.py").write_text(f'A{i} = "gpt-4-32k"\n# gpt-4o in a comment\nx = {i}\n' * (i % 3 + 1))
    (proj / "skip.py").write_bytes(b"\0binary gpt-4o")
    return proj


def _scan_both(tmp_path: Path, proj: Path) -> tuple[str, str]:
    from model_access.code import scan_sync

    from .code_fixtures import make_state

    serial = scan_sync(make_state(tmp_path), str(proj), use_cache=False)[1]
    parallel = scan_sync(make_state(tmp_path), str(proj), use_cache=False, parallel=True)[1]
    assert parallel.stats["parsed"] > 40
    return serial.model_dump_json(), parallel.model_dump_json()


def test_two_processes_find_what_one_finds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from model_access.code import scan as scan_module

    monkeypatch.setattr(scan_module, "PARALLEL_MIN_BYTES", 0)  # the forked helper reads its share
    monkeypatch.setattr(scan_module, "_cores", lambda: 2)
    forks = []
    real_fork = os.fork

    def counted_fork() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counted_fork)
    serial, parallel = _scan_both(tmp_path, _many(tmp_path))
    assert forks and serial == parallel


def test_a_failing_helper_process_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from model_access.code import scan as scan_module

    monkeypatch.setattr(scan_module, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(scan_module, "_cores", lambda: 2)
    parent = os.getpid()
    real_pack = scan_module._pack

    def pack_fails_in_the_child(found: list[object]) -> object:
        if os.getpid() != parent:
            raise RuntimeError("the helper dies")
        return real_pack(found)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module, "_pack", pack_fails_in_the_child)
    serial, parallel = _scan_both(tmp_path, _many(tmp_path))
    assert serial == parallel


def _walks_by(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """Record which process walks (a file, since the helper's memory is its own)."""
    from model_access.code import scan as scan_module

    real_walk = scan_module.walk  # type: ignore[attr-defined]

    def logged_walk(*args: object, **kwargs: object) -> object:
        with log.open("a") as fh:
            fh.write(f"{os.getpid()}\n")
        return real_walk(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module, "walk", logged_walk)


def test_the_helper_walks_while_the_parent_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from model_access.code import scan as scan_module
    from model_access.code import scan_sync

    from .code_fixtures import make_state

    monkeypatch.setattr(scan_module, "_cores", lambda: 2)
    proj = _many(tmp_path)
    serial = scan_sync(make_state(tmp_path), str(proj), use_cache=False)[1].model_dump_json()
    log = tmp_path / "walks.log"
    _walks_by(monkeypatch, log)
    parallel = scan_sync(make_state(tmp_path), str(proj), use_cache=False, parallel=True)[1].model_dump_json()
    assert parallel == serial  # a tree too small to share the reading: the parent reads, from the helper's walk
    assert log.read_text().split() != [str(os.getpid())] and len(log.read_text().split()) == 1


def test_a_helper_that_fails_before_sending_the_walk_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from model_access.code import scan as scan_module

    monkeypatch.setattr(scan_module, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(scan_module, "_cores", lambda: 2)
    parent = os.getpid()
    real_payload = scan_module._walk_payload

    def payload_fails_in_the_child(*args: object) -> bytes:
        if os.getpid() != parent:
            raise RuntimeError("the helper dies")
        return real_payload(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module, "_walk_payload", payload_fails_in_the_child)
    log = tmp_path / "walks.log"
    proj = _many(tmp_path)
    _walks_by(monkeypatch, log)
    serial, parallel = _scan_both(tmp_path, proj)
    assert serial == parallel
    assert log.read_text().split().count(str(parent)) == 2  # the serial scan's walk, and the parent's own again


def _in_small_chunks(monkeypatch: pytest.MonkeyPatch, scan_module: Any) -> None:
    """Two processes on any tree, the walk sent three files at a time."""
    monkeypatch.setattr(scan_module, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(scan_module, "_cores", lambda: 2)
    monkeypatch.setattr(scan_module, "WALK_CHUNK", 3)
    monkeypatch.setattr(scan_module, "_WALK_EVERY", 2)


def test_a_walk_streamed_in_many_chunks_is_read_as_it_comes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The helper sends its walk a few files at a time; the two processes share the chunks, nobody walks again."""
    from model_access.code import scan as scan_module

    _in_small_chunks(monkeypatch, scan_module)
    proj = _many(tmp_path)
    (proj / os.fsdecode(b"caf\xe9.py")).write_text('M = "gpt-4-32k"\n')  # a name that is not UTF-8
    log = tmp_path / "walks.log"
    _walks_by(monkeypatch, log)
    for _ in range(3):  # the order in which the two take chunks varies from run to run
        log.write_text("")
        serial, parallel = _scan_both(tmp_path, proj)
        assert serial == parallel and "caf\\\\xe9.py" in parallel
        assert log.read_text().split().count(str(os.getpid())) == 1  # the serial scan's walk only


@pytest.mark.parametrize("dies_at", [1, 3])
def test_a_helper_that_dies_in_the_middle_of_its_walk_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dies_at: int
) -> None:
    from model_access.code import scan as scan_module

    _in_small_chunks(monkeypatch, scan_module)
    parent = os.getpid()
    real_chunk = scan_module._chunk_payload
    sent: list[int] = []

    def chunk_fails_in_the_child(files: list[object]) -> bytes:
        if os.getpid() != parent:
            sent.append(1)  # the child's own copy of the list
            if len(sent) > dies_at:
                os._exit(1)  # a crash, after `dies_at` chunks were sent (and maybe read here)
        return real_chunk(files)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module, "_chunk_payload", chunk_fails_in_the_child)
    log = tmp_path / "walks.log"
    proj = _many(tmp_path)
    _walks_by(monkeypatch, log)
    serial, parallel = _scan_both(tmp_path, proj)
    assert serial == parallel
    assert log.read_text().split().count(str(parent)) == 2  # the serial scan's walk, and the parent's own again


def test_a_helper_that_sends_garbage_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from model_access.code import scan as scan_module

    _in_small_chunks(monkeypatch, scan_module)
    parent = os.getpid()
    real_frame = scan_module._frame

    def garbled_in_the_child(kind: bytes, payload: bytes) -> bytes:
        if os.getpid() != parent and kind == scan_module._CHUNK_FRAME:
            payload = payload[:-1]  # a frame that does not decode
        return real_frame(kind, payload)

    monkeypatch.setattr(scan_module, "_frame", garbled_in_the_child)
    serial, parallel = _scan_both(tmp_path, _many(tmp_path))
    assert serial == parallel


def test_a_scan_that_fails_here_leaves_no_helper_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An error in this process mid-walk reaches the caller, and the helper is reaped, not left a zombie."""
    from model_access.code import scan as scan_module
    from model_access.code import scan_sync

    from .code_fixtures import make_state

    _in_small_chunks(monkeypatch, scan_module)
    parent = os.getpid()
    real_read = scan_module._read
    calls: list[int] = []

    def read_fails_here(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() == parent:
            calls.append(1)
            if len(calls) == 5:
                raise RuntimeError("this process fails mid-scan")
        return real_read(*args, **kwargs)

    monkeypatch.setattr(scan_module, "_read", read_fails_here)
    real_fork = scan_module._fork_helper
    helpers: list[int] = []

    def fork_noted(*args: Any) -> Any:
        helper = real_fork(*args)
        if helper is not None:
            helpers.append(helper.pid)
        return helper

    monkeypatch.setattr(scan_module, "_fork_helper", fork_noted)
    proj = _many(tmp_path)
    with pytest.raises(RuntimeError, match="mid-scan"):
        scan_sync(make_state(tmp_path), str(proj), use_cache=False, parallel=True)
    assert len(helpers) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(helpers[0], os.WNOHANG)  # the helper is gone: neither running nor left unreaped
