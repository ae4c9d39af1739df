from __future__ import annotations

import pytest

from model_access.redact import REDACTED, redact, redact_obj

KEYS = [
    "sk-" + "a1B2" * 12,
    "sk-proj-" + "Zx9_" * 20,
    "sk-svcacct-" + "Qw3e" * 16,
    "sk-admin-" + "Rt5y" * 12,
    "sk-abc***xyz",
    "sk-proj-****abcd",
    "sess-" + "Ab12" * 10,
]


@pytest.mark.parametrize("key", KEYS)
def test_openai_key_shapes_are_redacted(key):
    text = f"openai.AuthenticationError: Error code: 401 - Incorrect API key provided: {key}. See docs."
    out = redact(text)
    assert key not in out and REDACTED in out and "Error code: 401" in out


def test_bearer_and_azure_keys_are_redacted():
    azure = "0123456789abcdef0123456789abcdef"
    out = redact(f"Authorization: Bearer eyJhbGciOi.x\napi-key: {azure}\nAZURE key is {azure}")
    assert azure not in out and "eyJhbGciOi" not in out


def test_ordinary_text_is_untouched():
    text = "The model `gpt-4o` does not exist or you do not have access to it. Project `proj_abc123` req_1234"
    assert redact(text) == text


def test_nested_data_is_redacted():
    data = {"a": ["x sk-proj-abcdefgh123", {"b": ("sk-abc***xyz",)}], "n": 3}
    out = redact_obj(data)
    assert "sk-" not in repr(out) and out["n"] == 3
