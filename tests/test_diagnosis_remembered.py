"""A text diagnosed before is answered from memory, and that memory never serves a stale answer:
the catalog's day, a newly configured secret and the hints are part of what it keeps the answer by.
Also: the direct RE2 path for ASCII texts finds exactly what the binding finds."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from model_access.catalog import load_catalog
from model_access.config import load_config
from model_access.diagnosis import diagnose_offline, engine
from model_access.diagnosis import parse as parse_module
from model_access.diagnosis.engine import ANSWERS_MAX, diagnose_remembered, forget_answers
from model_access.mcp_server import create_server
from model_access.redact import REDACTED, forget_secrets, redact_obj, redact_obj_within, register_secret

from .helpers import TODAY

DATA = Path(__file__).parent / "data"
NOT_FOUND = (
    "Error code: 404 - {'error': {'message': 'The model `gpt-5-pro` does not exist or you do not have access "
    "to it.', 'type': 'invalid_request_error', 'param': None, 'code': 'model_not_found'}}"
)


@pytest.fixture(autouse=True)
def _fresh_memory() -> Any:
    forget_answers()
    yield
    forget_answers()


def _texts() -> list[str]:
    out = []
    for name in ("diagnosis_real.jsonl", "diagnosis_corpus.jsonl"):
        lines = (DATA / name).read_text(encoding="utf-8").splitlines()
        out += [json.loads(line)["text"] for line in lines if line.strip()]
    return out


def test_a_remembered_answer_is_the_answer_computed_afresh() -> None:
    catalog = load_catalog(TODAY)
    texts = [t for t in _texts() if len(t) <= engine.ANSWER_TEXT_MAX][::7]
    for text in texts:
        first = diagnose_remembered(catalog, text).model_dump_json()
        again = diagnose_remembered(catalog, text).model_dump_json()
        assert first == again == diagnose_offline(catalog, text).model_dump_json()


def test_the_catalog_day_moving_on_changes_the_answer() -> None:
    # A long-running server's catalog reads the clock: gpt-5-pro shuts down on 2026-12-11.
    day = [date(2026, 11, 23)]
    catalog = load_catalog(lambda: day[0])
    assert diagnose_remembered(catalog, NOT_FOUND).category == "account_access_denied"
    day[0] = date(2026, 12, 12)
    after = diagnose_remembered(catalog, NOT_FOUND)
    assert after.category == "model_retired"
    assert after.model_dump_json() == diagnose_offline(catalog, NOT_FOUND).model_dump_json()


def test_a_secret_configured_after_an_answer_was_remembered_is_not_echoed() -> None:
    secret = "zq9_Q7fZp2LmV9xKc4RtY8wB3nHd"
    text = f"The model `{secret}` does not exist"
    catalog = load_catalog(TODAY)
    try:
        assert secret in diagnose_remembered(catalog, text).model_dump_json()
        register_secret(secret)
        answer = diagnose_remembered(catalog, text).model_dump_json()
        assert secret not in answer and REDACTED in answer
    finally:
        forget_secrets()


def test_the_hints_are_part_of_what_an_answer_is_remembered_by() -> None:
    catalog = load_catalog(TODAY)
    text = "Error code: 404 - The requested resource was not found."
    plain = diagnose_remembered(catalog, text)
    hinted = diagnose_remembered(catalog, text, model="gpt-4-32k", endpoint="chat.completions")
    assert plain.facts.model is None
    assert hinted.facts.model == "gpt-4-32k" and hinted.facts.endpoint == "chat.completions"


def test_the_memory_is_bounded() -> None:
    catalog = load_catalog(TODAY)
    for i in range(ANSWERS_MAX + 40):
        diagnose_remembered(catalog, f"{NOT_FOUND} (request id req_{i:016x})")
    assert len(engine._answers) == ANSWERS_MAX


def test_a_long_text_is_not_kept() -> None:
    catalog = load_catalog(TODAY)
    long_text = NOT_FOUND + "\n" + "x" * engine.ANSWER_TEXT_MAX
    diagnose_remembered(catalog, long_text)
    assert len(engine._answers) == 0


@pytest.mark.anyio
async def test_asking_about_the_same_error_again_gets_the_same_result(tmp_path: Path) -> None:
    config = load_config({"MODEL_ACCESS_TODAY": TODAY.isoformat(), "MODEL_ACCESS_ROOTS": str(tmp_path)})
    async with Client(create_server(config)) as client:
        results = [await client.call_tool("diagnose_error", {"error": NOT_FOUND, "live": False}) for _ in range(3)]
    shown = [(json.dumps(r.structured_content, sort_keys=True), r.content[0].text) for r in results]  # type: ignore[union-attr]
    assert shown[0] == shown[1] == shown[2]
    assert results[0].structured_content is not None
    assert results[0].structured_content["category"] == "account_access_denied"


# ------------------------------------------------------------------ redaction in one walk


def test_redacting_a_clean_result_again_copies_nothing() -> None:
    data = {"summary": "gpt-4o is current", "fixes": [{"title": "Use gpt-4o", "url": None}], "n": 3}
    assert redact_obj(data) is data
    assert redact_obj(json.loads(json.dumps(data))) == data  # strings seen before: equal copies pass too
    same = json.loads(json.dumps(data))
    assert redact_obj(same) is same


def test_a_result_over_the_inline_size_is_left_for_the_caller() -> None:
    key = "sk-proj-" + "Zx9_" * 20
    small = {"a": [f"key {key}"], "b": "ok"}
    fits, clean = redact_obj_within(small, 1000)
    assert fits and key not in json.dumps(clean)
    big = {"a": ["x" * 600, "y" * 600], "b": f"key {key}"}
    fits, same = redact_obj_within(big, 1000)
    assert not fits and same is big


# ------------------------------------------------------------------ the direct RE2 path


def _linear_patterns() -> list[Any]:
    from model_access.diagnosis import classify

    found = []
    for module in (parse_module, classify):
        for value in vars(module).values():
            items = value if isinstance(value, list | tuple) else (value,)
            for item in items:
                for candidate in item if isinstance(item, tuple) else (item,):
                    if isinstance(candidate, parse_module._RE2Pattern):
                        found.append(candidate)
    return found


def _spans(matches: Any, groups: int) -> list[tuple[Any, ...]]:
    return [tuple((m.span(g), m.group(g)) for g in range(groups + 1)) for m in matches]


@pytest.mark.skipif(getattr(parse_module, "_re2", None) is None, reason="google-re2 not installed")
def test_the_direct_re2_path_finds_what_the_binding_finds() -> None:
    patterns = _linear_patterns()
    assert len(patterns) > 20
    texts = [parse_module.scrub(parse_module.window(t)) for t in _texts()]
    texts = [*[t for t in texts if t.isascii()][::3], "", "a", "model model model", "x" * 50]
    for pattern in patterns:
        binding = pattern._compiled
        groups = binding.groups
        for text in texts:
            for pos, endpos in ((0, None), (3, None), (0, len(text) // 2), (len(text) // 3, len(text) - 2)):
                expected = _spans(binding.finditer(text, pos, endpos), groups)
                assert _spans(pattern.finditer(text, pos, endpos), groups) == expected, (pattern.pattern, text)
                first = pattern.search(text, pos, endpos)
                assert (_spans([first], groups) if first else []) == expected[:1]
