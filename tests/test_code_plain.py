"""The CLI's scan output from plain rows (code/plain.py) is byte for byte the models' output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model_access.cli import _scan_text
from model_access.code import plain_scan_for_cli_sync, scan_for_cli_sync
from model_access.code.plain import rendered, scan_json, scan_text
from model_access.code.report import redact_scan
from model_access.redact import redact

from .code_fixtures import make_state, write_project

KEY = "sk-proj-" + "A1b2C3d4" * 5  # a key-shaped string in a file name and a skip reason: redacted


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MODEL_ACCESS_CACHE", "0")  # each rendering scans for itself
    root = write_project(tmp_path)
    (root / "unicodé ✓.py").write_text('MODEL = "gpt-4o"  # naïve\ncall(model="gpt-4-32k")\n', encoding="utf-8")
    (root / f"{KEY}.py").write_text('M = "text-davinci-003"\n', encoding="utf-8")
    (root / b"latin\xe9.py".decode("utf-8", "surrogateescape")).write_bytes(b'M = "gpt-4o-mini"\n')
    (root / 'tab\t"quote".md').write_text("We use gpt-4o.\n", encoding="utf-8")
    (root / f"{KEY}.json").write_bytes(b'{"m": "gpt-4o"}\x00')  # skipped as binary, its name redacted
    (root / "empty").mkdir()
    return root


def _models(tmp_path: Path, root: Path, as_json: bool, again: dict[str, int] | None) -> str:
    state = make_state(tmp_path)
    result = redact_scan(scan_for_cli_sync(state, str(root), None, None), redact)
    if again is not None:
        result = result.model_copy(update={"stats": again})
    return _scan_text(result, as_json)


def _plain(tmp_path: Path, root: Path, as_json: bool, again: dict[str, int] | None) -> str:
    scan = plain_scan_for_cli_sync(make_state(tmp_path), str(root), None, None)
    return (scan_json if as_json else scan_text)(scan, redact, again)


@pytest.mark.parametrize("as_json", [True, False])
def test_plain_output_is_the_models_output(tmp_path: Path, proj: Path, as_json: bool) -> None:
    again = {"files_walked": 3, "prefiltered_away": 0, "parsed": 0, "cache_hits": 3, "streamed": 0}
    for stats in (None, again):
        expected = _models(tmp_path, proj, as_json, stats)
        assert _plain(tmp_path, proj, as_json, stats) == expected
    if as_json:
        data = json.loads(expected)
        problems = {r["problem"] for r in data["references"]}
        assert {"retired", "deprecated", "unknown"} <= problems  # verdicts and suggestions were exercised
        assert any("#cell" in r["file"] for r in data["references"])
        assert any(r["suggestion"] for r in data["references"])
    assert KEY not in expected and "[REDACTED]" in expected
    assert "unicodé ✓.py" in expected


@pytest.mark.parametrize("as_json", [True, False])
def test_plain_output_of_a_tree_with_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, as_json: bool) -> None:
    monkeypatch.setenv("MODEL_ACCESS_CACHE", "0")
    root = tmp_path / "proj"
    root.mkdir()
    (root / "a.py").write_text("x = 1\n")
    assert _plain(tmp_path, root, as_json, None) == _models(tmp_path, root, as_json, None)


@pytest.mark.parametrize("as_json", [True, False])
def test_output_and_stored_answer_rendered_together(tmp_path: Path, proj: Path, as_json: bool) -> None:
    again = {"files_walked": 9, "prefiltered_away": 0, "parsed": 0, "cache_hits": 9, "streamed": 0}
    scan = plain_scan_for_cli_sync(make_state(tmp_path), str(proj), None, None)
    text, stored = rendered(scan, redact, as_json, again)
    assert text == _models(tmp_path, proj, as_json, None)
    assert stored == _models(tmp_path, proj, as_json, again)
