"""Scan results an assistant can take in one go, the result cache, and files too big to read whole."""

from __future__ import annotations

import json
import os
from pathlib import Path

import anyio
import pytest

from model_access.code import scan_for_tool, scan_sync
from model_access.code.cache import cache_dir
from model_access.errors import InvalidInput

from .code_fixtures import make_state


def _project(root: Path, files: int) -> Path:
    root.mkdir()
    for i in range(files):
        (root / f"svc_{i:03d}.py").write_text(
            "from openai import OpenAI\nclient = OpenAI()\n"
            f'r = client.chat.completions.create(model="gpt-4-32k", messages=[])  # was gpt-4o, ticket {i}\n',
            encoding="utf-8",
        )
    return root


def _tokens(result: object) -> int:
    return len(result.model_dump_json()) // 4  # type: ignore[attr-defined]


def test_a_400_file_scan_fits_one_assistant_result(tmp_path: Path) -> None:
    proj = _project(tmp_path / "p", 400)
    state = make_state(tmp_path)
    result = anyio.run(scan_for_tool, state, str(proj), None, None, None)
    assert _tokens(result) < 10_000
    summary = result.summary
    assert summary is not None and summary.references == 800 and summary.problems == {"retired": 400, "deprecated": 400}
    assert result.counts["references"] == 800 and result.files_scanned == 400
    assert summary.top_files[0].problems == 2 and summary.shown == len(result.references) == 100
    # Page through the rest with the cursor: every reference exactly once.
    seen = [(r.file, r.line, r.column) for r in result.references]
    cursor = summary.next_cursor
    while cursor:
        page = anyio.run(scan_for_tool, state, str(proj), None, None, None, 100, False, cursor)
        assert _tokens(page) < 10_000
        seen += [(r.file, r.line, r.column) for r in page.references]
        cursor = page.summary.next_cursor if page.summary else None
    assert len(seen) == len(set(seen)) == 800
    # The CLI's path (no view) keeps everything.
    _, everything, _ = scan_sync(state, str(proj))
    assert len(everything.references) == 800


def test_problems_only_and_a_foreign_cursor(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    (proj / "a.py").write_text('A = "gpt-4-32k"\nB = "gpt-6-luna"\n', encoding="utf-8")
    state = make_state(tmp_path)
    result = anyio.run(scan_for_tool, state, str(proj), None, None, None, 100, True)
    assert [r.model for r in result.references] == ["gpt-4-32k"] and result.summary.references == 2  # type: ignore[union-attr]
    with pytest.raises(InvalidInput, match="cursor"):
        anyio.run(scan_for_tool, state, str(proj), None, None, None, 1, False, "1.0123456789ab")


def test_a_rescan_of_an_unchanged_tree_reads_no_file(tmp_path: Path) -> None:
    proj = _project(tmp_path / "p", 30)
    (proj / "plain.py").write_text("x = 1\n", encoding="utf-8")
    state = make_state(tmp_path)
    _, first, _ = scan_sync(state, str(proj))
    assert first.stats["prefiltered_away"] == 1 and first.stats["parsed"] == 30
    _, again, _ = scan_sync(state, str(proj))
    assert again.stats["cache_hits"] == 31 and again.stats["parsed"] == 0
    assert again.references == first.references
    # An edit is seen (size or mtime change), and a corrupted cache file is ignored, not trusted.
    (proj / "svc_000.py").write_text('M = "gpt-4o-mini"\n', encoding="utf-8")
    folder = cache_dir()
    assert folder is not None
    for f in folder.glob("scan-*.bin"):
        f.write_bytes(f.read_bytes()[:-10] + b"garbage!!!")
    _, third, _ = scan_sync(state, str(proj))
    assert third.stats["cache_hits"] == 0
    assert [r.model for r in third.references if r.file == "svc_000.py"] == ["gpt-4o-mini"]


def test_big_files_are_streamed_and_a_huge_one_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    filler = "".join(f"user: message number {i} about nothing in particular\n" for i in range(80_000))
    (proj / "chat.txt").write_text(filler + "assistant: rerun with --model gpt-4o-mini\n" + filler, encoding="utf-8")
    state = make_state(tmp_path)
    _, result, _ = scan_sync(state, str(proj))
    assert os.path.getsize(proj / "chat.txt") > 4 * 1024 * 1024
    assert [(r.line, r.column, r.model) for r in result.references] == [(80_001, 31, "gpt-4o-mini")]
    assert result.stats["streamed"] == 1
    from model_access.code import scan as scan_module

    monkeypatch.setattr(scan_module, "MAX_STREAM_BYTES", 1024 * 1024)
    monkeypatch.setenv("MODEL_ACCESS_CACHE", "0")
    _, result, _ = scan_sync(state, str(proj))
    assert result.references == [] and any("chat.txt: larger than 1 MB" in s for s in result.skipped)
    json.loads(result.model_dump_json())


def test_a_rescan_sees_new_files_and_changed_ignore_rules(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    (proj / ".git").mkdir(parents=True)
    (proj / "a.py").write_text('A = "gpt-4-32k"\n', encoding="utf-8")
    (proj / ".gitignore").write_text("# nothing yet\n", encoding="utf-8")
    state = make_state(tmp_path)

    def files() -> list[str]:
        return sorted({r.file for r in scan_sync(state, str(proj))[1].references})

    assert files() == ["a.py"]
    (proj / "deep" / "er").mkdir(parents=True)
    (proj / "deep" / "er" / "b.py").write_text('B = "gpt-4-32k"\n', encoding="utf-8")
    assert files() == ["a.py", "deep/er/b.py"]
    with open(proj / ".gitignore", "a", encoding="utf-8") as fh:  # edited in place: the folder's mtime stays
        fh.write("deep/\n")
    assert files() == ["a.py"]


def test_a_minified_bundle_is_read_at_its_candidates(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    noise = "".join(f"function f{i}(a,b){{return a+b*{i}}};" for i in range(6000))  # one 200 KB line
    call = 'const r=await client.chat.completions.create({model:"gpt-4-32k",messages:m});'
    (proj / "bundle.min.js").write_text(noise + call + noise + "\n", encoding="utf-8")
    _, result, _ = scan_sync(make_state(tmp_path), str(proj))
    # Found in place (no call: a minified line is not tokenized), and nothing else in the noise.
    assert [(r.model, r.kind, r.column) for r in result.references] == [
        ("gpt-4-32k", "code", len(noise) + call.index("gpt") + 1)
    ]


@pytest.mark.anyio
async def test_the_mcp_tool_pages_and_filters(tmp_path: Path) -> None:
    from mcp import Client

    from model_access.config import load_config
    from model_access.mcp_server import create_server

    proj = _project(tmp_path / "p", 3)
    config = load_config({"MODEL_ACCESS_TODAY": "2026-11-23", "MODEL_ACCESS_ROOTS": str(tmp_path)})
    async with Client(create_server(config)) as client:
        first = await client.call_tool("scan_model_references", {"path": str(proj), "limit": 2})
        data = first.structured_content or {}
        assert not first.is_error and len(data["references"]) == 2 and data["summary"]["references"] == 6
        rest = await client.call_tool(
            "scan_model_references", {"path": str(proj), "limit": 2, "cursor": data["summary"]["next_cursor"]}
        )
        assert [r["line"] for r in (rest.structured_content or {})["references"]] == [3, 3]
        only = await client.call_tool("scan_model_references", {"path": str(proj), "problems_only": True})
        assert {r["problem"] for r in (only.structured_content or {})["references"]} == {"retired", "deprecated"}


def test_a_big_readable_js_file_keeps_call_context(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    filler = "".join(f"function helper{i}(a, b) {{\n  return `${{a}}-{i}` + b;\n}}\n" for i in range(800))
    call = 'export async function ask(client) {\n  return client.chat.completions.create({\n    model: "gpt-4-32k",\n  });\n}\n'
    text = filler + call + filler
    assert len(text) > 64_000
    (proj / "big.js").write_text(text, encoding="utf-8")
    _, result, _ = scan_sync(make_state(tmp_path), str(proj))
    assert [(r.model, r.call, r.line) for r in result.references] == [
        ("gpt-4-32k", "client.chat.completions.create", filler.count("\n") + 3)
    ]
