"""scan_model_references: exact locations, kinds, calls, problems, precision and the walk rules."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest

from model_access.code import scan_path, scan_sync
from model_access.errors import PathRefused

from .code_fixtures import make_state, write_project


@pytest.fixture
def scanned(tmp_path: Path):  # type: ignore[no-untyped-def]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text('M = "gpt-4-32k"\n', encoding="utf-8")
    proj = write_project(tmp_path, outside)
    state = make_state(tmp_path)
    _, result, _ = scan_sync(state, str(proj))
    index = {(r.file, r.line, r.column): r for r in result.references}
    return result, index


def test_python_locations_calls_and_problems(scanned) -> None:  # type: ignore[no-untyped-def]
    _, idx = scanned
    r = idx[("src/app.py", 6, 10)]
    assert (r.model, r.kind, r.call, r.problem, r.suggestion) == (
        "gpt-4-32k", "code", "client.responses.create", "retired", "gpt-6-luna"
    )  # fmt: skip
    r = idx[("src/app.py", 8, 46)]
    assert (r.model, r.call, r.problem, r.shutdown_date) == (
        "gpt-4o-mini", "client.chat.completions.create", "deprecated", "2027-01-14"
    )  # fmt: skip
    r = idx[("src/app.py", 10, 39)]
    assert (r.model, r.call, r.problem) == ("gpt-4o", "client.embeddings.create", "wrong_endpoint")
    r = idx[("src/app.py", 11, 44)]
    assert (r.model, r.call, r.problem) == ("text-davinci-003", "openai.ChatCompletion.create", "retired")
    assert idx[("src/app.py", 12, 25)].call == "ChatOpenAI"
    r = idx[("src/app.py", 13, 29)]
    assert (r.model, r.call, r.problem, r.lifecycle) == ("text-embedding-3-small", "OpenAIEmbeddings", None, "active")
    assert idx[("src/app.py", 1, 18)].kind == "comment"  # docstring


def test_unknown_typos_and_fine_tunes(scanned) -> None:  # type: ignore[no-untyped-def]
    _, idx = scanned
    r = idx[("src/app.py", 23, 46)]
    assert (r.model, r.problem, r.suggestion, r.lifecycle) == (
        "gpt4o",
        "unknown",
        "gpt-6-luna",
        None,
    )  # past gpt-4o, which shuts down soon
    r = idx[("src/app.py", 24, 45)]
    assert (r.model, r.problem) == ("gpt-4o-mega", "unknown")
    r = idx[("src/app.py", 25, 44)]
    assert r.model == "ft:gpt-4o-mini-2024-07-18:acme:demo:abc123"
    assert (r.problem, r.shutdown_date) == ("deprecated", "2027-01-14")


def test_pieces_prefixes_tables_and_unicode_columns(scanned) -> None:  # type: ignore[no-untyped-def]
    _, idx = scanned
    assert idx[("src/app.py", 26, 11)].model == "gpt-4o"  # "gpt-" + "4o"
    assert idx[("src/app.py", 27, 8)].model == "gpt-4o"  # f"gpt-{'4o'}"
    assert idx[("src/app.py", 28, 12)].model == "gpt-6-luna"  # pricing table key
    assert idx[("src/app.py", 28, 31)].model == "o3"
    r = idx[("src/app.py", 29, 29)]  # after "openrouter/openai/"
    assert (r.model, r.problem) == ("gpt-4.1", "deprecated")
    assert idx[("src/app.py", 30, 15)].model == "gpt-5.6-sol"  # an exact id inside a longer string counts
    assert idx[("src/app.py", 31, 18)].model == "gpt-5.6-sol"  # columns count code points (é is one)


def test_precision_cases(scanned) -> None:  # type: ignore[no-untyped-def]
    result, _ = scanned
    app = [(r.line, r.model) for r in result.references if r.file == "src/app.py"]
    lines = {line for line, _ in app}
    for line in (14, 15, 16, 17, 18, 20, 22):  # gpt2, claude, --o1-mini, o200k_base, startswith, in, azure
        assert line not in lines, [x for x in app if x[0] == line]
    assert not any("gpt2" in m or "claude" in m or "o200k" in m for _, m in app)


def test_typescript(scanned) -> None:  # type: ignore[no-untyped-def]
    result, idx = scanned
    ts = [(r.line, r.column, r.model, r.kind, r.call) for r in result.references if r.file == "web/chat.ts"]
    assert ts == [
        (3, 19, "gpt-4o", "comment", None),
        (6, 58, "gpt-4-32k", "code", "client.chat.completions.create"),
        (7, 19, "gpt-4o-mini", "code", "openai"),
        (8, 29, "text-embedding-3-small", "code", "openai.embedding"),
    ]
    assert idx[("web/chat.ts", 6, 58)].problem == "retired"


def test_notebook_config_prose(scanned) -> None:  # type: ignore[no-untyped-def]
    _, idx = scanned
    assert idx[("nb.ipynb#cell1", 1, 13)].kind == "prose"
    r = idx[("nb.ipynb#cell2", 3, 12)]
    assert (r.model, r.kind, r.call, r.problem) == ("o1-mini", "code", "client.chat.completions.create", "retired")
    r = idx[(".env", 1, 14)]
    assert (r.model, r.kind, r.problem) == ("gpt-3.5-turbo-16k", "config", "retired")
    assert idx[(".env", 2, 12)].kind == "comment"
    assert idx[("config.yaml", 2, 11)].model == "o1-preview"
    assert ("config.yaml", 3, 9) not in idx  # "gpt-4o-based" is not an id
    assert idx[("pyproject.toml", 2, 10)].kind == "config"
    assert idx[("README.md", 2, 8)].kind == "prose"
    assert ("README.md", 2, 19) not in idx  # "GPT-4" in prose is a name, not an id
    assert idx[("crlf.py", 1, 10)].model == "gpt-4-32k"  # BOM is not a column


def test_walk_rules(scanned) -> None:  # type: ignore[no-untyped-def]
    result, _ = scanned
    files = {r.file for r in result.references}
    assert "keep.log.py" in files
    assert "dist/bundle.js" in files  # no folder is skipped by its name
    assert not any(f.startswith(("ignored/", "node_modules/", ".venv/", "escape/")) for f in files)
    skipped = "\n".join(result.skipped)
    assert "escape: symlink, not followed (it leaves the scanned folder)" in skipped
    assert "blob.bin.json: binary" in skipped
    assert result.counts["references"] == len(result.references)


def test_include_exclude_and_single_file(tmp_path: Path) -> None:
    proj = write_project(tmp_path)
    state = make_state(tmp_path)
    _, only_py, _ = scan_sync(state, str(proj), include=["src/**/*.py"])
    assert {r.file for r in only_py.references} == {"src/app.py"}
    _, no_src, _ = scan_sync(state, str(proj), exclude=["src"])
    assert "src/app.py" not in {r.file for r in no_src.references}
    _, single, _ = scan_sync(state, str(proj / "web" / "chat.ts"))
    assert {r.file for r in single.references} == {"chat.ts"}


def test_refusals(tmp_path: Path) -> None:
    inside = tmp_path / "inside"
    inside.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (inside / "link").symlink_to(outside)
    state = make_state(inside)
    with pytest.raises(PathRefused, match="MODEL_ACCESS_ROOTS"):
        scan_sync(state, str(outside))
    with pytest.raises(PathRefused, match="through a symlink"):
        scan_sync(state, str(inside / "link"))
    with pytest.raises(PathRefused, match="does not exist"):
        scan_sync(state, str(inside / "missing"))


def test_symlink_cycle_and_async_progress(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    (proj / "loop").symlink_to(proj)
    for i in range(120):
        (proj / f"m{i}.py").write_text(f'M{i} = "gpt-4o"\n', encoding="utf-8")
    state = make_state(tmp_path)
    calls: list[tuple[float, float]] = []

    class Ctx:
        async def report_progress(self, done: float, total: float, message: str) -> None:
            calls.append((done, total))
            raise RuntimeError("client went away")  # progress must never break the scan

    from model_access.code import scan_for_tool

    result = anyio.run(scan_for_tool, state, str(proj), None, None, Ctx(), 500)
    assert result.files_scanned == 120 and len(result.references) == 120
    assert calls and calls[0] == (50, 120)
    result2 = anyio.run(scan_path, state, str(proj), None, None)
    assert result2.references == result.references
