"""The walk: ripgrep's own file list, hidden files, .env files, globs that cannot freeze the server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from model_access.code import scan_sync
from model_access.code.walk import walk
from model_access.errors import GlobError, InvalidInput

from .code_fixtures import make_state
from .helpers import console_script, offline_env


def _rg() -> str | None:
    here = Path(sys.executable).parent / "rg"
    return str(here) if here.exists() else shutil.which("rg")


def _tree(root: Path) -> Path:
    files = {
        "src/app.py": "x",
        "src/gen/out.py": "x",
        "src/gen/keep.py": "x",
        "dist/bundle.js": "x",  # no folder is skipped by its name
        "build/lib.py": "x",
        "node_modules/pkg/index.js": "x",
        "vendor/lib.js": "x",
        "docs/a.md": "x",
        "docs/private/b.md": "x",
        "logs/run.log": "x",
        "logs/keep.log": "x",
        ".hidden/h.py": "x",
        "src/.secret.py": "x",
        "src/.cache/c.py": "x",
        "local.txt": "x",
        "sub/repo/x.py": "x",
        "a[1].py": "x",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / ".git" / "info").mkdir(parents=True)
    (root / ".git" / "info" / "exclude").write_text("local.txt\n")
    (root / ".gitignore").write_text("node_modules/\n*.log\n!keep.log\n/build\n")
    (root / "src" / ".gitignore").write_text("gen/*\n!gen/keep.py\n")
    (root / ".ignore").write_text("vendor/\n")
    (root / "docs" / ".ignore").write_text("private/\n")
    return root


def test_file_list_is_ripgreps(tmp_path: Path) -> None:
    rg = _rg()
    if rg is None:
        pytest.skip("ripgrep is not installed (the [test] extra pins the `ripgrep` wheel that ships it)")
    root = _tree(tmp_path / "t")
    ours = sorted(rel for _, rel, _ in walk(root.resolve()).files)
    out = subprocess.run([rg, "--files"], cwd=root, capture_output=True, text=True, check=True)
    theirs = sorted(line.removeprefix("./") for line in out.stdout.splitlines())
    assert ours == theirs
    assert "dist/bundle.js" in ours and "logs/keep.log" in ours and "src/gen/keep.py" in ours
    out = subprocess.run([rg, "--files", "--hidden", "-g", "!.git"], cwd=root, capture_output=True, text=True)
    hidden = sorted(rel for _, rel, _ in walk(root.resolve(), hidden=True).files)
    assert hidden == sorted(out.stdout.splitlines())


def test_include_and_exclude_are_rg_globs(tmp_path: Path) -> None:
    rg = _rg()
    if rg is None:
        pytest.skip("ripgrep is not installed")
    root = _tree(tmp_path / "t").resolve()
    for include, exclude, args in (
        (["*.py"], None, ["-g", "*.py"]),  # as in rg, an include glob wins over .gitignore
        (None, ["src/**"], ["-g", "!src/**"]),
    ):
        ours = sorted(rel for _, rel, _ in walk(root, include=include, exclude=exclude).files)
        out = subprocess.run([rg, "--files", *args], cwd=root, capture_output=True, text=True, check=True)
        assert ours == sorted(out.stdout.splitlines()), (include, exclude)


def test_env_files_are_scanned_although_hidden(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    (proj / "app").mkdir(parents=True)
    (proj / ".env").write_text("OPENAI_MODEL=gpt-4-32k\n")
    (proj / "app" / ".env.local").write_text("OPENAI_MODEL=gpt-4o\n")
    (proj / ".hidden.py").write_text('M = "gpt-4o"\n')
    _, result, _ = scan_sync(make_state(tmp_path), str(proj))
    assert {r.file for r in result.references} == {".env", "app/.env.local"}


@pytest.mark.parametrize("bad", ["[z-a]", "src/[b-a]*.py", "[abc", "x\\"])
def test_a_malformed_glob_is_a_clear_error(tmp_path: Path, bad: str) -> None:
    (tmp_path / "a.py").write_text('M = "gpt-4o"\n')
    with pytest.raises(GlobError) as info:
        scan_sync(make_state(tmp_path), str(tmp_path), include=[bad])
    assert isinstance(info.value, InvalidInput) and bad in str(info.value)


def test_a_glob_that_is_not_utf8_is_a_clear_error_everywhere(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('M = "gpt-4-32k"\n')
    with pytest.raises(GlobError, match="not valid UTF-8"):
        scan_sync(make_state(tmp_path), str(tmp_path), include=["*\udcff"])
    with pytest.raises(GlobError, match="not valid UTF-8"):
        scan_sync(make_state(tmp_path), str(tmp_path), exclude=["\ud800"])
    # A non-UTF-8 byte on the command line: `check` answers "bad input" (2), not "problems found" (1).
    done = subprocess.run(
        [console_script("model-access"), "check", str(tmp_path), "--exclude", os.fsdecode(b"\xff")],
        capture_output=True,
        text=True,
        env=offline_env(),
    )
    assert done.returncode == 2 and "not valid UTF-8" in done.stderr and "Traceback" not in done.stderr


def test_a_backtracking_glob_answers_in_bounded_time(tmp_path: Path) -> None:
    evil = "*a" * 30 + "*b"
    root = tmp_path / "r"
    (root / ".git").mkdir(parents=True)
    (root / ".gitignore").write_text(evil + "\n")  # from a scanned repository…
    for i in range(50):
        (root / ("a" * 60 + f"{i}.py")).write_text('M = "gpt-4o"\n')
    state = make_state(tmp_path)
    start = time.monotonic()
    _, result, _ = scan_sync(state, str(root), include=[evil], exclude=[evil])  # …and from the arguments
    assert time.monotonic() - start < 10  # an exponential matcher takes hours here
    assert result.files_scanned == 0
    _, result, _ = scan_sync(state, str(root))
    assert result.files_scanned == 50


def test_non_utf8_file_name_is_scanned_and_shown(tmp_path: Path) -> None:
    root = tmp_path / "r"
    root.mkdir()
    name = os.fsdecode(b"caf\xe9.py")
    (root / name).write_text('M = "gpt-4-32k"\n')
    _, result, _ = scan_sync(make_state(tmp_path), str(root))
    assert [r.file for r in result.references] == ["caf\\xe9.py"]
    result.model_dump_json()  # serialisable: no surrogate reaches the wire


def test_cli_hidden_and_no_ignore_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from model_access.cli import main

    root = tmp_path / "r"
    (root / ".git").mkdir(parents=True)
    (root / ".tools").mkdir()
    (root / ".tools" / "a.py").write_text('M = "gpt-4-32k"\n')
    (root / "gen").mkdir()
    (root / "gen" / "b.py").write_text('M = "gpt-4-32k"\n')
    (root / ".gitignore").write_text("gen/\n")
    for flags, expected in (([], set()), (["--hidden"], {".tools/a.py"}), (["--no-ignore"], {"gen/b.py"})):
        assert main(["scan", str(root), "--json", *flags]) == 0
        assert {r["file"] for r in json.loads(capsys.readouterr().out)["references"]} == expected, flags
