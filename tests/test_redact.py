from __future__ import annotations

import pytest

from model_access.redact import REDACTED, forget_secrets, redact, redact_obj, register_secret

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


def test_a_secret_configured_after_a_text_was_seen_is_redacted_in_it_too():
    # A short text is remembered once redacted; configuring a key must not leave the remembered,
    # unredacted answer in use (a compatible provider's key has no shape the patterns know).
    key = "zq9_Q7fZp2LmV9xKc4RtY8wB3nHd"
    text = f"provider said: invalid key {key} for model gpt-4o"
    try:
        assert key in redact(text)
        register_secret(key)
        assert key not in redact(text) and REDACTED in redact(text)
    finally:
        forget_secrets()
    assert key in redact(text)


def test_a_configured_key_is_redacted_from_a_short_text_without_trigger_words():
    # No pattern knows a compatible provider's key shape; its literal value is still removed, even
    # from a short text that holds none of the words that wake the patterns.
    key = "zq9_Q7fZp2LmV9xKc4RtY8wB3nHd"
    try:
        register_secret(key)
        assert redact(f"model {key}") == f"model {REDACTED}"
        assert key not in redact(key)
    finally:
        forget_secrets()


@pytest.mark.anyio
async def test_a_configured_key_passed_as_an_argument_never_reaches_a_result(anyio_backend: str) -> None:
    from mcp import Client

    from model_access.config import load_config
    from model_access.mcp_server import create_server

    key = "zq9_Q7fZp2LmV9xKc4RtY8wB3nHd"
    config = load_config({"OPENAI_API_KEY": key, "OPENAI_BASE_URL": "http://127.0.0.1:9/openai/v1"})
    try:
        async with Client(create_server(config)) as client:
            for name, args in (
                ("check_endpoint_for_model", {"model": key, "endpoint": "responses"}),
                ("diagnose_error", {"error": f"The model {key} does not exist", "live": False}),
            ):
                result = await client.call_tool(name, args)
                assert key not in str(result.content) + str(result.structured_content), name
    finally:
        forget_secrets()


def test_other_providers_keys_pasted_in_an_error_are_redacted_without_being_configured() -> None:
    keys = [
        "gsk_" + "Ab1Cd2Ef3Gh4" * 4 + "Ij5K",  # Groq
        "AIzaSyA" + "1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p",  # Google AI
        "xai-" + "Q7fZp2LmV9xKc4Rt" * 5,  # xAI
        "pplx-" + "a1B2c3D4e5F6" * 4,  # Perplexity
        "hf_" + "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF",  # Hugging Face
        "nvapi-" + "x9Y8z7W6v5U4" * 5,  # NVIDIA
        "r8_" + "Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe9Dc",  # Replicate
    ]
    for key in keys:
        for text in (f"API Key 为空 {key}", f"rpc error: code = Unavailable desc = {key}", f"/v1/chat?key={key}"):
            out = redact(text)
            assert key[:12] not in out and REDACTED in out, text
    # what only looks like one stays: a package name, a masked echo, a model id
    for text in ("hf_transfer is not installed", "Incorrect API key provided: gsk_****abcd", "model xai-grok-3"):
        assert redact(text) == text
