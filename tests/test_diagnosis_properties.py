"""Property tests: any text gives a typed Diagnosis quickly, and keys never leak."""

from __future__ import annotations

import json
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model_access.catalog import Catalog
from model_access.diagnosis import diagnose_offline
from model_access.results import Diagnosis

_SETTINGS = settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_SETTINGS
@given(st.text(min_size=1, max_size=2000).filter(lambda s: s.strip() != ""))
def test_any_unicode_text_gives_a_typed_diagnosis(catalog: Catalog, text: str) -> None:
    result = diagnose_offline(catalog, text)
    assert isinstance(result, Diagnosis)
    assert 0 <= result.confidence <= 1


@settings(deadline=None, max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=1, max_size=5000))
def test_binary_looking_text_gives_a_typed_diagnosis(catalog: Catalog, data: bytes) -> None:
    text = data.decode("latin-1")
    if not text.strip():
        return
    assert isinstance(diagnose_offline(catalog, text), Diagnosis)


@settings(deadline=None, max_examples=5, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=1, max_value=20000))
def test_deeply_nested_json_is_handled(catalog: Catalog, depth: int) -> None:
    text = '{"error": ' * depth + '"The model `gpt-4` does not exist"' + "}" * depth
    assert isinstance(diagnose_offline(catalog, text), Diagnosis)


def test_five_megabytes_finish_quickly(catalog: Catalog) -> None:
    filler = "INFO something happened in the app; nothing to see here\n" * 90_000
    text = (
        filler
        + "openai.NotFoundError: Error code: 404 - {'error': {'message': 'The model `gpt-4-turbo` does not exist or you do not have access to it.', 'code': 'model_not_found'}}"
    )
    assert len(text) >= 5_000_000
    start = time.perf_counter()
    result = diagnose_offline(catalog, text)
    assert time.perf_counter() - start < 3
    assert result.category == "model_retired"


_KEY_CHARS = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=20, max_size=60
)
_KEYS = st.one_of(
    _KEY_CHARS.map(lambda s: "sk-" + s),
    _KEY_CHARS.map(lambda s: "sk-proj-" + s),
    _KEY_CHARS.map(lambda s: "sk-svcacct-" + s),
    _KEY_CHARS.map(lambda s: "sk-admin-" + s),
    _KEY_CHARS.map(lambda s: "sk-" + s[:3] + "*" * 20 + s[-4:]),
)
_TEMPLATES = (
    "401 Incorrect API key provided: {k}. You can find your API key at https://platform.openai.com/account/api-keys.",
    "curl https://api.openai.com/v1/responses -H 'Authorization: Bearer {k}' -d '{{\"model\": \"gpt-6-luna\"}}'",
    "OPENAI_API_KEY={k}\nError code: 404 - {{'error': {{'message': 'The model `{k}` does not exist'}}}}",
    '{{"apiKey": "{k}", "model": "gpt-4o"}}\n403 Project `proj_abc` does not have access to model `{k}`',
)


@_SETTINGS
@given(_KEYS, st.sampled_from(_TEMPLATES), st.text(max_size=200))
def test_generated_keys_never_appear_in_the_output(catalog: Catalog, key: str, template: str, noise: str) -> None:
    text = noise + "\n" + template.format(k=key) + "\n" + noise
    out = json.dumps(diagnose_offline(catalog, text).model_dump())
    assert key not in out
    assert key[:14] not in out
