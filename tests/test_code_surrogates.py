"""Text that reaches the id finder with lone surrogates (a stray non-UTF-8 byte decoded with
surrogateescape, or a notebook's "\\ud83d" escape) is scanned, never a crash."""

from __future__ import annotations

from pathlib import Path

from model_access.code.extract import extract

from .code_fixtures import make_state


def test_a_long_file_with_a_lone_surrogate_is_scanned(tmp_path: Path) -> None:
    state = make_state(tmp_path)
    filler = "// " + "x" * 3000 + "\n"  # long enough for the RE2 path
    text = filler + 'const r = await client.chat.completions.create({ model: "gpt-4-32k" }); // \udcff\n'
    found = extract(text, "js", state.catalog)
    assert [f.ident for f in found] == ["gpt-4-32k"]
