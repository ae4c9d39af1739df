"""Confidence by kind of evidence (issue 13's calibration): kinds whose confident answers were
often wrong on first sight (each corpus batch diagnosed by the engine as it was before the batch
landed: tests/data/first_sight.py) answer below 0.8 and keep the plausible causes as alternatives;
kinds that were reliable stay confident. Every text here is written for the test (the shapes
real reports have), one per rule, each with a counter-case that must stay confident."""

from __future__ import annotations

import pytest

from model_access.catalog import Catalog
from model_access.diagnosis import diagnose_offline

SURE = 0.8


def _alternatives(result: object) -> set[str]:
    return {a.category for a in result.alternatives}  # type: ignore[attr-defined]


# An id in OpenAI's family form that the catalog does not know, refused in OpenAI's own words: a
# typo, a model newer than the catalog, or another host's model under an OpenAI-style name.
@pytest.mark.parametrize(
    "text",
    [
        "Transcription failed: Error code: 404 - {'error': {'message': 'The model `whisper-large-v3-turbo` does "
        "not exist or you do not have access to it.', 'type': 'invalid_request_error', 'code': 'model_not_found'}}",
        'HTTP 404 {"error": {"message": "The model `text-embedding-4-large` does not exist or you do not have '
        'access to it.", "type": "invalid_request_error", "param": null, "code": "model_not_found"}}',
        "The model `gpt-4o-realtime-mini-hd` does not exist or you do not have access to it.",
        # "unknown model" is any client's or wrapper's word, not a server's verdict on its list
        '{"error":{"message":"unknown model \'gpt-5.9\'","code":"invalid_prompt"}}',
    ],
)
def test_an_id_the_catalog_does_not_know_is_likely_unknown_not_surely(catalog: Catalog, text: str) -> None:
    result = diagnose_offline(catalog, text)
    assert result.category == "unknown_model_name"
    assert result.confidence < SURE
    assert {"account_access_denied", "model_retired"} <= _alternatives(result)


@pytest.mark.parametrize(
    "text",
    [
        # the id differs from a catalog id only in case: the catalog knows what was meant
        'Error code: 404 - {"error": {"message": "The model `GPT-4O` does not exist or you do not have access to '
        'it.", "type": "invalid_request_error", "code": "model_not_found"}}',
        # a server that serves exactly the names it lists says it does not have this one
        'ollama: Error: model "gpt-7-mega" not found, try pulling it first',
        # a server states the id is not a valid one
        'Error: 400 {"error": "Invalid model identifier \\"gpt-9-turbo\\". Please specify a valid downloaded model."}',
    ],
)
def test_a_not_found_that_the_id_or_the_server_decides_stays_sure(catalog: Catalog, text: str) -> None:
    result = diagnose_offline(catalog, text)
    assert result.category == "unknown_model_name"
    assert result.confidence >= SURE


# OpenAI's lifecycle of an OpenAI id, when the text names a host that serves its own models.
GROQ_RETIRED = (
    "I set the base URL to my Groq endpoint and now every call fails: Error code: 404 - {'error': {'message': "
    "'The model `gpt-4-0613` does not exist or you do not have access to it.', 'type': 'invalid_request_error', "
    "'code': 'model_not_found'}}"
)


def test_openai_lifecycle_at_a_host_with_its_own_models_is_not_sure(catalog: Catalog) -> None:
    result = diagnose_offline(catalog, GROQ_RETIRED)
    assert result.category == "model_retired"
    assert result.confidence < SURE
    assert "unknown_model_name" in _alternatives(result)
    current = diagnose_offline(catalog, GROQ_RETIRED.replace("gpt-4-0613", "gpt-4o"))
    assert current.confidence < SURE
    assert "unknown_model_name" in _alternatives(current)


@pytest.mark.parametrize(
    "text",
    [
        GROQ_RETIRED.replace("my Groq endpoint", "the default endpoint"),
        # a proxy that forwards to OpenAI: OpenAI answered, its lifecycle applies
        "litellm.NotFoundError: OpenAIException - Error code: 404 - {'error': {'message': 'The model `gpt-4-0613` "
        "does not exist or you do not have access to it.', 'type': 'invalid_request_error', 'code': "
        "'model_not_found'}}",
    ],
)
def test_openai_lifecycle_when_openai_answered_stays_sure(catalog: Catalog, text: str) -> None:
    result = diagnose_offline(catalog, text)
    assert result.category == "model_retired"
    assert result.confidence >= SURE


def test_a_shut_down_id_not_found_in_a_servers_own_words_is_not_sure(catalog: Catalog) -> None:
    # Codex-style "Model not found <id>" from a server: that server's list may lack the id.
    text = "unexpected status 404 Not Found: Model not found gpt-4-0613, url: https://relay.example/v1/responses"
    result = diagnose_offline(catalog, text)
    assert result.category == "model_retired"
    assert result.confidence < SURE
    assert "unknown_model_name" in _alternatives(result)
    said = diagnose_offline(catalog, "Error: The model `gpt-4-0613` has been deprecated")
    assert said.category == "model_retired"
    assert said.confidence >= SURE


# A web server's own 404 page that names the missing path: when the path is an API operation, the
# host may not serve that operation (wrong endpoint) as much as the base URL may be wrong.
SPRING_404 = (
    "litellm.NotFoundError: OpenAIException - Error code: 404 - {'timestamp': '2025-02-01T10:00:00.000+00:00', "
    "'status': 404, 'error': 'Not Found', 'path': '/api/paas/v4/embeddings'}"
)


def test_a_404_page_naming_an_operation_path_is_base_url_or_endpoint(catalog: Catalog) -> None:
    result = diagnose_offline(catalog, SPRING_404)
    assert result.category == "client_misconfigured"
    assert result.confidence < SURE
    assert "wrong_endpoint" in _alternatives(result)


@pytest.mark.parametrize(
    "text",
    [
        SPRING_404.replace("/api/paas/v4/embeddings", "/api/paas/v4"),
        "openai.NotFoundError: Error code: 404 - <html><head><title>404 Not Found</title></head><body><center>"
        "<h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>",
    ],
)
def test_a_404_page_with_no_operation_named_stays_a_base_url_error(catalog: Catalog, text: str) -> None:
    result = diagnose_offline(catalog, text)
    assert result.category == "client_misconfigured"
    assert result.confidence >= SURE
