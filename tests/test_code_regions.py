"""Python files read region by region find exactly what a whole-file parse finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model_access.code import python_regions, python_source
from model_access.code.extract import Lines, extract
from model_access.code.ids import TOKEN, iter_tokens
from model_access.code.python_regions import Regions, logical_lines

from .code_fixtures import APP_PY, make_state

# Each one is a trap for a reader that cuts statements by line: code-looking lines inside strings and
# brackets, decorators, `else` clauses, continuation lines, a constant that flows into a call.
TRICKY = [
    APP_PY,
    '"""Docs.\nclient.chat.completions.create(model="gpt-4o")\n"""\nx = 1\n',
    'CONFIG = dict(\nmodel="gpt-4o",\nother=2,\n)\nMODELS = [\n"gpt-4",\n"o3",\n]\n',
    "import pytest\n\n@pytest.mark.parametrize('m', ['gpt-4o-mini'])\n@other\ndef test_x(m):\n    pass\n",
    'if a:\n    x = 1\nelif model == "gpt-4":\n    pass\nelse:\n    y = "o3"\n',
    'try:\n    pass\nexcept ValueError:\n    m = "gpt-4o"\nfinally:\n    n = "o1"\n',
    'x = 1 + \\\n"gpt-4o"\ns = "a\\\nb = \'gpt-4\'"\n',
    'class A:\n    """Use gpt-4o."""\n    MODEL = "gpt-4o"\n\n    def f(self, m="o3"):\n        # about gpt-4\n        return c.chat.completions.create(model=self.MODEL)\n',
    'MODEL = "gpt-4o"\n\ndef f():\n    return client.embeddings.create(model=MODEL, input="x")\n',
    'MODEL = "gpt-4o"\nclient.embeddings.create(model=MODEL)\n\ndef f():\n    client.chat.completions.create(model=MODEL)\n',
    'M = "gpt-4o"\nif x:\n    def g():\n        client.images.generate(model=M)\nclient.chat.completions.create(model=M)\n',
    'joined = ("gpt-" +\n    "4o")\nfs = f"gpt-{v}"\nlabel = """\ngpt-4o\no3\n"""\n',
    "def f(\n    model: str = 'gpt-4o',\n) -> None:\n    if model.startswith('gpt-4'):\n        pass\n",
    'x = {\n"gpt-4": 1,\n"o3": [\n(1, "o1")\n]}\n# gpt-4o at the end\n',
]


def _findings(text: str, min_file: int, monkeypatch: pytest.MonkeyPatch, catalog: object) -> list[tuple[object, ...]]:
    monkeypatch.setattr(python_source, "MIN_REGION_FILE", min_file)
    found = extract(text, "python", catalog)  # type: ignore[arg-type]
    return [(f.start, f.ident, f.kind, f.call, f.endpoints, f.fixable, f.line, f.column) for f in found]


@pytest.mark.parametrize("source", TRICKY)
def test_regions_find_what_a_whole_parse_finds(source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    catalog = make_state(tmp_path).catalog
    # Padded so that the regions cover little of the file (else the whole file is parsed anyway).
    text = source + "\n" + "".join(f"def filler_{i}(a, b):\n    return (a, b, {i})\n\n" for i in range(400))
    lines = Lines(text)
    wanted = python_source.wanted_lines(text, lines, list(iter_tokens(text)))
    assert Regions(text, lines.starts).tree(lines.starts[n - 1] for n in wanted) is not None  # read by regions
    whole = _findings(text, 10**9, monkeypatch, catalog)
    assert whole, "every fixture holds at least one reference"
    assert _findings(text, 0, monkeypatch, catalog) == whole


def test_logical_lines_skip_strings_brackets_and_continuations() -> None:
    text = 'x = """a\nb = 1\n"""\ny = (1,\n2)\nz = 3 + \\\n4\nif x:\n    w = 3\n'
    ll = logical_lines(text)
    assert ll is not None
    starts = [text[s : text.index("\n", s)] for s in ll.starts]
    assert starts == ['x = """a', "y = (1,", "z = 3 + \\", "if x:", "    w = 3"]
    assert ll.indents == [0, 0, 0, 0, 4]


@pytest.mark.parametrize("text", ["x = (1,\n", "x = 1)\n", "if x:\n\ty = 1\n", "a = 1\rb = 2\r"])
def test_what_the_lexer_cannot_vouch_for_is_parsed_whole(text: str) -> None:
    assert logical_lines(text) is None


def test_an_unterminated_string_does_not_slow_the_lexer() -> None:
    import time

    text = ('"""' + "x\\" * 50_000) * 4 + "'" * 10_000
    began = time.monotonic()
    logical_lines(text)
    assert time.monotonic() - began < 5  # linear: milliseconds; a backtracking pattern: never ends


_PIECES = [
    "gpt-4o",
    "o3",
    "openai/",
    "azure_openai/",
    "x.com/",
    " ",
    "/",
    ":",
    "-",
    "é",
    "_",
    ".",
    "~openai/",
    "ada",
    "\n",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=40), st.integers(1, 80), st.data())
def test_the_fast_token_finder_matches_token_on_long_spans(parts: list[str], times: int, data: st.DataObject) -> None:
    # Long enough for the RE2 path (ASCII from 96 characters, any text from 2 KB), on sub-spans too.
    text = "".join(parts) * times
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    for lo, hi in ((0, len(text)), (start, end)):
        assert [m.span() for m in iter_tokens(text, lo, hi)] == [m.span() for m in TOKEN.finditer(text, lo, hi)]


def test_regions_match_whole_parses_on_the_openai_sdk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Real code with thousands of ids (the SDK is a dependency): forced to regions wherever the lexer
    # vouches for the text, every finding must equal the whole-file parse's, field by field.
    import importlib.util

    spec = importlib.util.find_spec("openai")
    assert spec is not None and spec.submodule_search_locations
    files = sorted(Path(next(iter(spec.submodule_search_locations))).rglob("*.py"), key=lambda p: -p.stat().st_size)
    texts = [t for t in (p.read_text(encoding="utf-8") for p in files[:400]) if "gpt" in t][:120]
    assert len(texts) > 50
    catalog = make_state(tmp_path).catalog
    monkeypatch.setattr(python_regions, "MAX_SHARE", 2.0)
    monkeypatch.setattr(python_regions, "MAX_REGIONS", 10**9)
    by_regions = 0
    for text in texts:
        assert _findings(text, 0, monkeypatch, catalog) == _findings(text, 10**12, monkeypatch, catalog)
        lines = Lines(text)
        wanted = python_source.wanted_lines(text, lines, list(iter_tokens(text)))
        by_regions += Regions(text, lines.starts).tree(lines.starts[n - 1] for n in wanted) is not None
    assert by_regions > len(texts) // 2  # the comparison really exercised the region reader


def test_a_span_that_ends_inside_a_word_finds_what_re_finds() -> None:
    # RE2 looked past the span's end for the closing word boundary; `re` treats the end as the text's end.
    text = "gpt-4o;gpt-4ogpt-4oo3" * 5
    for end in (96, 97, 100):
        assert [m.span() for m in iter_tokens(text, 0, end)] == [m.span() for m in TOKEN.finditer(text, 0, end)]
    assert [m.group() for m in iter_tokens(text, 0, 96)][-1] == "gpt-4"


_WIDE = ["gpt-4o", "é", "日本", "🙂", "ada", " ", "\n", "x", "o3", "/", "-", "ſ"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(_WIDE), min_size=1, max_size=30), st.integers(1, 600), st.data())
def test_candidate_starts_in_a_non_ascii_text_are_re2s_own(parts: list[str], times: int, data: st.DataObject) -> None:
    """find_starts searches a non-ASCII text's UTF-8 bytes once and maps offsets back itself: the same
    starts as RE2's wrapper gives for the str (which re-encodes it per call), on any sub-span."""
    import re2

    from model_access.code.ids import PREFILTER_TEXT, find_starts

    options = re2.Options()
    options.case_sensitive = False
    reference = re2.compile(PREFILTER_TEXT, options)
    text = "".join(parts) * times
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    for lo, hi in ((0, len(text)), (start, end), (start, len(text))):
        clipped = text[:hi] if hi < len(text) and (text[hi].isalnum() or text[hi] == "_") else text
        assert list(find_starts(text, lo, hi)) == [m.start() for m in reference.finditer(clipped, lo, hi)]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(["OpenAI", "GPT", "aZuRe", "opena", "x", " ", "İ", "K", "é", "gpt"]), max_size=20),
    st.integers(1, 900),
)
def test_a_files_mentions_are_those_of_its_lowered_text(parts: list[str], times: int) -> None:
    """mentions() (a case-insensitive search, no lowered copy of a big file) answers `word in text.lower()`."""
    from model_access.code.ids import mentions

    text = "".join(parts) * times
    words = ("openai", "gpt", "azure")
    assert mentions(text, words) == [word in text.lower() for word in words]
