"""fix_model_references: the plan, the diff, byte-exact atomic apply, and every refusal."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import anyio
import pytest

from model_access.code import apply_plan, fix_for_tool, fix_sync, plan_fix_sync, scan_sync
from model_access.errors import InvalidInput, PathRefused

from .code_fixtures import make_state, write_project


def test_plan_diff_and_edits(tmp_path: Path) -> None:
    proj = write_project(tmp_path)
    state = make_state(tmp_path)
    before = (proj / "src" / "app.py").read_bytes()
    result = fix_sync(state, str(proj))
    assert not result.applied
    assert (proj / "src" / "app.py").read_bytes() == before  # nothing written without apply
    assert "--- a/src/app.py\n+++ b/src/app.py\n" in result.diff
    assert '-MODEL = "gpt-4-32k"\n+MODEL = "gpt-6-luna"\n' in result.diff
    assert '-typo = client.chat.completions.create(model="gpt4o", messages=[])\n' in result.diff
    assert '+typo = client.chat.completions.create(model="gpt-6-luna", messages=[])\n' in result.diff
    edits = {(e.file, e.line, e.column): (e.old, e.new) for e in result.edits}
    assert edits[("src/app.py", 6, 10)] == ("gpt-4-32k", "gpt-6-luna")
    assert edits[(".env", 1, 14)] == ("gpt-3.5-turbo-16k", "gpt-5.6-terra")
    assert edits[("web/chat.ts", 6, 58)] == ("gpt-4-32k", "gpt-6-luna")
    # not edited: comments, prose, notebooks, fine-tunes, concatenated pieces, wrong-endpoint calls
    assert not any(f in ("README.md",) or f.startswith("nb.ipynb") for f, _, _ in edits)
    assert ("src/app.py", 1, 18) not in edits and ("src/app.py", 25, 44) not in edits
    assert ("src/app.py", 26, 11) not in edits and ("src/app.py", 10, 39) not in edits
    assert set(result.files_changed) == {f for f, _, _ in edits}


def test_apply_is_byte_exact_and_rescan_is_clean(tmp_path: Path) -> None:
    proj = write_project(tmp_path)
    state = make_state(tmp_path)
    crlf = proj / "crlf.py"
    os.chmod(crlf, 0o640)
    result = fix_sync(state, str(proj), apply=True)
    assert result.applied and "crlf.py" in result.files_changed
    assert crlf.read_bytes() == b'\xef\xbb\xbfMODEL = "gpt-6-luna"\r\nx = 1  # keep\r\n'
    assert stat.S_IMODE(os.stat(crlf).st_mode) == 0o640
    assert (proj / "web" / "chat.ts").read_text(encoding="utf-8").splitlines()[6] == 'const m = openai("gpt-6-luna");'
    fixed = {(e.file, e.line, e.column): e for e in result.edits}
    _, again, _ = scan_sync(state, str(proj))
    for ref in again.references:
        edit = fixed.get((ref.file, ref.line, ref.column))
        if edit is not None:
            # typo → the intended id (which may itself be deprecated: a second run replaces it)
            assert ref.problem in ((None, "deprecated") if edit.old in ("gpt4o", "gpt-4o-mega") else (None,)), ref
    assert not [p for p in proj.rglob("*.model-access.tmp")]


def test_explicit_mapping_and_validation(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    (proj / "a.py").write_text('A = "gpt-4o"\nB = "gpt-4o-mini"\n', encoding="utf-8")
    state = make_state(tmp_path)
    result = fix_sync(state, str(proj), {"gpt-4o": "gpt-5.6-sol"})
    assert [(e.line, e.old, e.new) for e in result.edits] == [(1, "gpt-4o", "gpt-5.6-sol")]
    assert result.diff == (
        '--- a/a.py\n+++ b/a.py\n@@ -1,2 +1,2 @@\n-A = "gpt-4o"\n+A = "gpt-5.6-sol"\n B = "gpt-4o-mini"\n'
    )
    with pytest.raises(InvalidInput, match="shut down"):
        fix_sync(state, str(proj), {"gpt-4o": "gpt-4-32k"})
    with pytest.raises(InvalidInput, match="not a known"):
        fix_sync(state, str(proj), {"gpt-4o": "gpt-4oo"})


def test_refuses_file_changed_between_plan_and_apply(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    target = proj / "a.py"
    target.write_text('A = "gpt-4-32k"\n', encoding="utf-8")
    state = make_state(tmp_path)
    plan = plan_fix_sync(state, str(proj))
    assert plan.edits

    def meddle(path: Path) -> None:
        path.write_text('A = "gpt-4-32k"  # edited meanwhile\n', encoding="utf-8")

    with pytest.raises(InvalidInput, match="changed since the plan"):
        apply_plan(plan, state.config.roots, before_write=meddle)
    assert target.read_text(encoding="utf-8") == 'A = "gpt-4-32k"  # edited meanwhile\n'
    # changed before apply starts: refused too
    plan = plan_fix_sync(state, str(proj))
    target.write_text('A = "gpt-4-32k"\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="changed since the plan"):
        apply_plan(plan, state.config.roots)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_file_writes_nothing(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    (proj / "a.py").write_text('A = "gpt-4-32k"\n', encoding="utf-8")
    (proj / "b.py").write_text('B = "gpt-4-32k"\n', encoding="utf-8")
    os.chmod(proj / "b.py", 0o444)
    state = make_state(tmp_path)
    with pytest.raises(InvalidInput, match="read-only"):
        fix_sync(state, str(proj), apply=True)
    assert (proj / "a.py").read_text(encoding="utf-8") == 'A = "gpt-4-32k"\n'


def test_read_only_check_without_permissions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    (proj / "a.py").write_text('A = "gpt-4-32k"\n', encoding="utf-8")
    state = make_state(tmp_path)
    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    with pytest.raises(InvalidInput, match="read-only"):
        fix_sync(state, str(proj), apply=True)
    assert (proj / "a.py").read_text(encoding="utf-8") == 'A = "gpt-4-32k"\n'


def test_latin1_file_is_fixed_byte_for_byte(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    raw = b'A = "gpt-4-32k"  # caf\xe9\n'
    (proj / "a.py").write_bytes(raw)
    state = make_state(tmp_path)
    _, scan, _ = scan_sync(state, str(proj))
    assert [r.model for r in scan.references] == ["gpt-4-32k"]
    result = fix_sync(state, str(proj), apply=True)
    new = result.edits[0].new
    assert result.applied and (proj / "a.py").read_bytes() == raw.replace(b"gpt-4-32k", new.encode())


def test_outside_root_refused(tmp_path: Path) -> None:
    inside = tmp_path / "in"
    inside.mkdir()
    outside = tmp_path / "out"
    outside.mkdir()
    (outside / "a.py").write_text('A = "gpt-4-32k"\n', encoding="utf-8")
    state = make_state(inside)
    with pytest.raises(PathRefused, match="outside the allowed folders"):
        anyio.run(fix_for_tool, state, str(outside), None, True)
    assert (outside / "a.py").read_text(encoding="utf-8") == 'A = "gpt-4-32k"\n'


def test_apply_writes_exactly_the_plan_with_that_digest(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    (proj / "a.py").write_text('A = "gpt-4-32k"\n', encoding="utf-8")
    (proj / "b.py").write_text('B = "gpt-4-32k"\n', encoding="utf-8")
    state = make_state(tmp_path)
    shown = fix_sync(state, str(proj), {"gpt-4-32k": "gpt-4o"})
    assert shown.digest and not shown.applied
    # A new file with a problem id appears after the user saw the diff: its edit was never approved.
    (proj / "c.py").write_text('C = "gpt-4-32k"\n', encoding="utf-8")
    with pytest.raises(InvalidInput, match="plan changed since it was shown"):
        fix_sync(state, str(proj), {"gpt-4-32k": "gpt-4o"}, apply=True, digest=shown.digest)
    assert all("gpt-4-32k" in (proj / n).read_text() for n in ("a.py", "b.py", "c.py"))
    (proj / "c.py").unlink()
    done = fix_sync(state, str(proj), {"gpt-4-32k": "gpt-4o"}, apply=True, digest=shown.digest)
    assert done.applied and sorted(done.files_changed) == ["a.py", "b.py"] and done.diff == shown.diff
    assert (proj / "a.py").read_text() == 'A = "gpt-4o"\n'


def test_the_mcp_tool_requires_the_shown_digest(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    (proj / "a.py").write_text('A = "gpt-4-32k"\n', encoding="utf-8")
    state = make_state(tmp_path)
    with pytest.raises(InvalidInput, match="needs the digest of the plan the user saw"):
        anyio.run(fix_for_tool, state, str(proj), None, True)
    assert (proj / "a.py").read_text() == 'A = "gpt-4-32k"\n'
    shown = anyio.run(fix_for_tool, state, str(proj), None, False)
    assert shown.digest is not None and shown.digest not in str(shown.edits)
    done = anyio.run(fix_for_tool, state, str(proj), None, True, shown.digest)
    assert done.applied and "gpt-4-32k" not in (proj / "a.py").read_text()


def test_non_utf8_name_and_utf16_file_are_fixed(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    proj.mkdir()
    odd = proj / os.fsdecode(b"caf\xe9.py")
    odd.write_bytes(b'A = "gpt-4-32k"\n')
    wide = proj / "w.py"
    wide.write_bytes(b"\xff\xfe" + 'B = "gpt-4-32k"  # é\r\n'.encode("utf-16-le"))
    state = make_state(tmp_path)
    _, scan, _ = scan_sync(state, str(proj))
    assert sorted((r.file, r.column) for r in scan.references) == [("caf\\xe9.py", 6), ("w.py", 6)]
    shown = fix_sync(state, str(proj), {"gpt-4-32k": "gpt-4o"})
    done = fix_sync(state, str(proj), {"gpt-4-32k": "gpt-4o"}, apply=True, digest=shown.digest)
    assert sorted(done.files_changed) == ["caf\\xe9.py", "w.py"]
    done.model_dump_json()
    assert odd.read_bytes() == b'A = "gpt-4o"\n'
    assert wide.read_bytes() == b"\xff\xfe" + 'B = "gpt-4o"  # é\r\n'.encode("utf-16-le")


def test_one_bad_file_means_nothing_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    proj = tmp_path / "p"
    (proj / "sub").mkdir(parents=True)
    (proj / "a.py").write_text('A = "gpt-4-32k"\n', encoding="utf-8")
    (proj / "sub" / "z.py").write_text('Z = "gpt-4-32k"\n', encoding="utf-8")
    state = make_state(tmp_path)
    plan = plan_fix_sync(state, str(proj), {"gpt-4-32k": "gpt-4o"})
    (proj / "sub" / "z.py").write_text('Z = "gpt-4-32k"  # edited\n', encoding="utf-8")  # the last file changes
    with pytest.raises(InvalidInput, match="nothing was written"):
        apply_plan(plan, state.config.roots)
    assert (proj / "a.py").read_text() == 'A = "gpt-4-32k"\n'  # checked before anything was written


def test_a_folder_swapped_for_a_symlink_mid_apply_is_not_written_through(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    (proj / "src").mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (proj / "src" / "a.py").write_text('A = "gpt-4-32k"\n', encoding="utf-8")
    (outside / "a.py").write_text('A = "gpt-4-32k"\n', encoding="utf-8")
    state = make_state(proj)
    plan = plan_fix_sync(state, str(proj), {"gpt-4-32k": "gpt-4o"})

    def swap(path: Path) -> None:
        (proj / "src").rename(proj / "src-moved")
        (proj / "src").symlink_to(outside, target_is_directory=True)

    with pytest.raises(PathRefused, match="symlink"):
        apply_plan(plan, [proj], before_write=swap)
    assert (outside / "a.py").read_text() == 'A = "gpt-4-32k"\n'
