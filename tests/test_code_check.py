"""`model-access check`: exit codes, --within-days, --fail-on and the four output formats."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import anyio

from model_access.code import CheckOptions, check_for_cli

from .code_fixtures import make_state


def _check(tmp_path: Path, folder: Path, **kw: Any) -> tuple[int, str]:
    out = io.StringIO()
    code = anyio.run(check_for_cli, make_state(tmp_path), CheckOptions(path=str(folder), **kw), out)
    return code, out.getvalue()


def _project(tmp_path: Path, body: str) -> Path:
    proj = tmp_path / "p"
    proj.mkdir(exist_ok=True)
    (proj / "a.py").write_text(body, encoding="utf-8")
    return proj


def test_clean_project_passes(tmp_path: Path) -> None:
    proj = _project(tmp_path, 'M = "gpt-6-luna"\n# gpt-4-32k in a comment does not fail\n')
    code, out = _check(tmp_path, proj)
    assert code == 0 and out.startswith("ok: 0 failing")


def test_retired_and_unknown_fail(tmp_path: Path) -> None:
    proj = _project(tmp_path, 'A = "gpt-4-32k"\nB = "gpt4o"\n')
    code, out = _check(tmp_path, proj)
    assert code == 1
    assert "a.py:1:6: error [retired] gpt-4-32k has shut down (since 2025-06-06); use gpt-6-luna" in out
    assert (
        "a.py:2:6: error [unknown] gpt4o is not an OpenAI model id; use gpt-6-luna" in out
    )  # gpt-4o, meant, shuts down within 90 days


def test_within_days_and_fail_on(tmp_path: Path) -> None:
    # gpt-5 shuts down 2026-12-11: 18 days after "today" (2026-11-23); gpt-4o on 2027-01-14 (52 days)
    proj = _project(tmp_path, 'A = "gpt-5"\nB = "gpt-4o"\n')
    code, out = _check(tmp_path, proj, within_days=30)
    assert code == 1 and "a.py:1:6: error [deprecated]" in out and "a.py:2:6: note [deprecated]" in out
    assert _check(tmp_path, proj, within_days=10)[0] == 0
    assert _check(tmp_path, proj, fail_on="unknown,retired")[0] == 0
    assert _check(tmp_path, proj, fail_on="nonsense")[0] == 2
    assert _check(tmp_path, proj, within_days=-1)[0] == 2
    assert _check(tmp_path, tmp_path / "missing")[0] == 2


def test_json_sarif_github(tmp_path: Path, monkeypatch: object) -> None:
    proj = _project(tmp_path, 'A = "gpt-4-32k"\n')
    code, out = _check(tmp_path, proj, format="json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False and data["failures"][0]["model"] == "gpt-4-32k"
    code, out = _check(tmp_path, proj, format="sarif")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {"model-access/retired", "model-access/unknown"}
    result = run["results"][0]
    assert result["ruleId"] == "model-access/retired" and result["level"] == "error"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (1, 6, 15)
    code, out = _check(tmp_path, proj, format="github")
    first = out.splitlines()[0]
    assert first.startswith("::error file=") and ",line=1,col=6,title=model-access retired::" in first
    assert first.endswith("::gpt-4-32k has shut down (since 2025-06-06); use gpt-6-luna")
    assert first.split("file=")[1].split(",")[0].endswith("a.py")
