from __future__ import annotations

import pytest

from model_access.endpoints import check_endpoint_for_model, parse_endpoint
from model_access.errors import UnknownEndpointError


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("/v1/chat/completions", "chat.completions"),
        ("chat.completions", "chat.completions"),
        ("client.chat.completions.create", "chat.completions"),
        ("await client.chat.completions.create()", "chat.completions"),
        ("client.beta.chat.completions.parse", "chat.completions"),
        ("openai.ChatCompletion.create", "chat.completions"),
        ("openai.chat.completions.create", "chat.completions"),
        ("POST https://api.openai.com/v1/chat/completions", "chat.completions"),
        ("responses", "responses"),
        ("client.responses.create", "responses"),
        ("/v1/responses", "responses"),
        ("completions", "completions"),
        ("openai.Completion.create", "completions"),
        ("v1/completions", "completions"),
        ("embeddings", "embeddings"),
        ("openai.Embedding.create", "embeddings"),
        ("images.generate", "images.generate"),
        ("/v1/images/generations", "images.generate"),
        ("openai.Image.create", "images.generate"),
        ("client.images.edit", "images.edit"),
        ("audio.transcriptions", "audio.transcriptions"),
        ("openai.Audio.transcribe", "audio.transcriptions"),
        ("audio.speech", "audio.speech"),
        ("client.audio.speech.create", "audio.speech"),
        ("moderations", "moderations"),
        ("openai.Moderation.create", "moderations"),
        ("realtime", "realtime"),
        ("client.realtime.connect", "realtime"),
        ("/openai/deployments/my-gpt4/chat/completions?api-version=2024-10-21", "chat.completions"),
    ],
)
def test_every_common_spelling_names_its_endpoint(spelling, canonical):
    assert parse_endpoint(spelling) == canonical


@pytest.mark.parametrize("spelling", ["", "foo", "chat.foo", "x" * 5000])
def test_an_unknown_spelling_lists_the_valid_names(spelling):
    with pytest.raises(UnknownEndpointError) as info:
        parse_endpoint(spelling)
    assert "chat.completions" in str(info.value) and "embeddings" in str(info.value)


def test_embedding_model_on_chat_recommends_embeddings(catalog):
    advice = check_endpoint_for_model(catalog, "text-embedding-3-large", "chat.completions")
    assert advice.supported is False
    assert advice.recommended_endpoint == "embeddings"
    assert advice.sdk_call is not None and advice.sdk_call.startswith("client.embeddings.create")


def test_responses_only_model_on_chat_recommends_responses(catalog):
    advice = check_endpoint_for_model(catalog, "gpt-5-pro", "/v1/chat/completions")
    assert advice.supported is False
    assert advice.supported_endpoints == ["responses"]
    assert advice.recommended_endpoint == "responses"
    assert advice.sdk_call is not None and advice.sdk_call.startswith("client.responses.create")


def test_supported_pair_keeps_the_asked_endpoint(catalog):
    advice = check_endpoint_for_model(catalog, "gpt-6-luna", "client.chat.completions.create")
    assert advice.supported is True and advice.recommended_endpoint == "chat.completions"


def test_unknown_model_has_unknown_support(catalog):
    advice = check_endpoint_for_model(catalog, "claude-3-opus", "chat.completions")
    assert advice.supported is None and advice.recommended_endpoint is None
