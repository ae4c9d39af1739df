"""Each kind of occurrence the scanner used to miss, on a small fixture, and the look-alikes it must not take."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from model_access.code import scan_sync
from model_access.code.ids import ID_FULL, TOKEN, has_candidate, iter_tokens

from .code_fixtures import make_state


def _scan(tmp_path: Path, name: str, text: str) -> list[tuple[int, int, str]]:
    root = tmp_path / "r"
    root.mkdir(exist_ok=True)
    (root / name).write_text(text, encoding="utf-8")
    _, result, _ = scan_sync(make_state(tmp_path), str(root / name))
    return [(r.line, r.column, r.model) for r in result.references]


def test_decorator_arguments(tmp_path: Path) -> None:
    text = 'import pytest\n\n@pytest.mark.parametrize("model", ["gpt-4o-mini", "o3"])\ndef test_x(model):\n    pass\n'
    assert _scan(tmp_path, "test_a.py", text) == [(3, 37, "gpt-4o-mini"), (3, 52, "o3")]


def test_multi_line_string_with_one_id_per_line(tmp_path: Path) -> None:
    text = 'OPENAI_MODELS = """\ngpt-4-32k\ngpt-4o\ngpt-4o-mega\n"""\n'
    assert _scan(tmp_path, "m.py", text) == [(2, 1, "gpt-4-32k"), (3, 1, "gpt-4o"), (4, 1, "gpt-4o-mega")]


def test_ids_inside_longer_strings(tmp_path: Path) -> None:
    text = "parser.add_argument('--model', help=\"model, e.g. 'openai/gpt-4' or github/gpt-4o\")\n"
    assert _scan(tmp_path, "cli.py", text) == [(1, 58, "gpt-4"), (1, 75, "gpt-4o")]
    ts = 'const help = "Pick a model such as gpt-4.1-mini";\n'
    assert _scan(tmp_path, "h.ts", ts) == [(1, 36, "gpt-4.1-mini")]


def test_unquoted_js_object_keys(tmp_path: Path) -> None:
    text = 'import OpenAI from "openai";\nconst PRICES = { o3: 2, o1: 15, gpt4: 1, davinci: 3, model: x };\n'
    assert _scan(tmp_path, "p.ts", text) == [(2, 18, "o3"), (2, 25, "o1")]


def test_any_provider_prefix(tmp_path: Path) -> None:
    text = 'ROUTES = ["azure_openai/gpt-4o", "github/gpt-4.1", "litellm/o3", "bedrock/openai/gpt-4o-mini"]\n'
    found = _scan(tmp_path, "r.py", text)
    assert [m for _, _, m in found] == ["gpt-4o", "gpt-4.1", "o3", "gpt-4o-mini"]
    assert found[0][1] == 25  # the column points at the id, after the prefix


def test_daybreak_rosalind_and_a_bare_ada_in_a_list(tmp_path: Path) -> None:
    text = 'DAY = "gpt-daybreak-blue-latest"\nmodels = ["ada", "gpt-rosalind-research"]\n'
    assert [m for _, _, m in _scan(tmp_path, "d.py", text)] == [
        "gpt-daybreak-blue-latest",
        "ada",
        "gpt-rosalind-research",
    ]


def test_look_alikes_stay_out(tmp_path: Path) -> None:
    text = (
        'if name.startswith("gpt-4"):\n    pass\n'
        'flag = "--o1-mini"\n'
        'enc = tiktoken.get_encoding("o200k_base")\n'
        'tok = AutoTokenizer.from_pretrained("Xenova/gpt-4o")\n'
        'hf = "openai-community/gpt2"\n'
        'adapter = "adapter"\n'
        'words = ["ada", "lovelace"]\n'
        'az = "gpt-35-turbo"\n'
        'family = "gpt-3.5"\n'
    )
    assert _scan(tmp_path, "x.py", text) == []


def test_the_prefilter_never_drops_what_the_extractors_accept() -> None:
    samples = [
        "ada", "o1", "o3-mini", "gpt-4o", "GPT-4O", "gpt4o", "chatgpt-4o-latest", "gpt-daybreak-blue-latest",
        "gpt-rosalind-research", "text-embedding-3-small", "ft:gpt-4o-mini:acme:x:1", "dall-e-3", "tts-1-hd",
        "whisper-1", "davinci-002", "openai/gpt-4.1", "azure_openai/gpt-4o", "openrouter/openai/o3:free",
        "codex-mini-latest", "computer-use-preview", "sora-2", "chat-latest", "omni-moderation-latest",
    ]  # fmt: skip
    for sample in samples:
        for text in (sample, f'"{sample}"', f"x {sample}.", f"({sample})", f"{sample}\n"):
            assert TOKEN.search(text) or ID_FULL.fullmatch(text), text
            assert has_candidate(text.encode()), text
    assert not has_candidate(b"adapter adaptive curiosity davincis o10x")


_PIECES = [
    "gpt-4o",
    "o3",
    "ada",
    "openai/",
    "azure_openai/",
    "x.com/",
    " ",
    "/",
    ":",
    "-",
    "é",
    "_",
    "gpt-4",
    ".",
    "~openai/",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), max_size=12))
def test_the_fast_token_finder_finds_what_token_finds(parts: list[str]) -> None:
    text = "".join(parts)
    assert [m.span() for m in iter_tokens(text)] == [m.span() for m in TOKEN.finditer(text)]
