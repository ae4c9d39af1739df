"""Every provider speaks its own ids: each profile through a real MCP session against that provider's sibling emulator."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from mcp import Client

from model_access.config import load_config
from model_access.mcp_server import create_server
from model_access.providers import PROFILES, detect

from .emulator.providers import ProviderEmulator
from .helpers import TODAY

pytestmark = pytest.mark.anyio


def env_for(emu: ProviderEmulator, name: str) -> dict[str, str]:
    base = {"MODEL_ACCESS_TODAY": TODAY.isoformat(), "MODEL_ACCESS_TIMEOUT": "2", "MODEL_ACCESS_MAX_RETRIES": "0"}
    if name == "azure":
        return {
            **base,
            "AZURE_OPENAI_ENDPOINT": emu.origin,
            "AZURE_OPENAI_API_KEY": emu.spec.key,
            "OPENAI_API_VERSION": "2024-10-21",
        }
    # Every sibling listens on 127.0.0.1: say which provider it is, as a user would for a proxy.
    return {**base, "OPENAI_BASE_URL": emu.base_url, "OPENAI_API_KEY": emu.spec.key, "MODEL_ACCESS_PROVIDER": name}


@asynccontextmanager
async def provider_session(name: str) -> AsyncIterator[tuple[Client, ProviderEmulator]]:
    with ProviderEmulator(name) as emu:
        async with Client(create_server(load_config(env_for(emu, name)))) as client:
            yield client, emu


async def call(client: Client, tool: str, **args: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, args)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


def no_openai_console(result: dict[str, Any]) -> None:
    text = json.dumps(result)
    assert "platform.openai.com" not in text and "api.openai.com" not in text, text


# ---------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("base_url", "azure", "expected"),
    [
        ("https://openrouter.ai/api/v1", False, "openrouter"),
        ("http://localhost:11434/v1", False, "ollama"),
        ("http://127.0.0.1:1234/v1", False, "lmstudio"),
        ("http://localhost:8000/v1", False, "vllm"),
        ("http://0.0.0.0:4000", False, "litellm"),
        ("https://api.groq.com/openai/v1", False, "groq"),
        ("https://api.openai.com/v1", False, "openai"),
        ("https://my-resource.openai.azure.com", True, "azure"),
        ("https://llm.internal.example/v1", False, "compatible"),
    ],
)
def test_the_profile_is_chosen_from_the_configuration(base_url: str, azure: bool, expected: str) -> None:
    assert detect(base_url, azure).name == expected


def test_every_profile_says_where_to_fix_a_missing_model() -> None:
    for profile in PROFILES.values():
        assert profile.fix and profile.not_found and profile.id_example
        assert "{model}" in profile.fix or profile.name in ("openai", "groq", "together", "compatible")


# ---------------------------------------------------------------------- OpenRouter


async def test_openrouter_prefixed_ids_are_right_and_bare_ids_are_the_error() -> None:
    async with provider_session("openrouter") as (client, _):
        listed = await call(client, "list_accessible_models")
        prefixed = await call(client, "check_model_access", model="openai/gpt-6-luna")
        pro = await call(client, "check_model_access", model="openai/gpt-5.6-sol-pro")
        bare = await call(client, "check_model_access", model="gpt-6-luna")
        unknown = await call(client, "check_model_access", model="openai/gpt-9-nova")
        probed = await call(client, "check_model_access", model="openai/gpt-6-luna", probe=True)
        suggestion = await call(client, "suggest_replacement", model="gpt-6.1-sol")
        diagnosis = await call(
            client, "diagnose_error", error='{"error":{"message":"gpt-6-luna is not a valid model ID","code":400}}'
        )
    assert listed["provider"] == "openrouter" and "openai/gpt-6-luna" in {m["id"] for m in listed["models"]}
    # OpenRouter's list is public: it shows the model is served, not that the key works.
    assert prefixed["verdict"] == "unverifiable" and prefixed["rule"] == "listed_public"
    assert pro["rule"] == "listed_public" and any("probe=true" in e for e in pro["evidence"])
    assert bare["verdict"] == "unknown_model" and bare["suggested_models"][0] == "openai/gpt-6-luna"
    assert unknown["verdict"] == "unknown_model"
    assert probed["verdict"] == "accessible" and probed["rule"] == "call_succeeded"  # the probe sends the id as written
    assert suggestion["suggestions"][0]["id"] == "openai/gpt-6.1-sol"
    assert diagnosis["category"] == "unknown_model_name" and diagnosis["suggested_models"][0] == "openai/gpt-6-luna"
    for result in (bare, unknown, diagnosis):
        no_openai_console(result)


# ---------------------------------------------------------------------- LiteLLM


async def test_litellm_uses_the_proxys_model_names() -> None:
    async with provider_session("litellm") as (client, _):
        listed = await call(client, "check_model_access", model="azure/gpt-4o")
        bare = await call(client, "check_model_access", model="gpt-4o")
        error = (
            "litellm.BadRequestError: OpenAIException - Error code: 400 - {'error': {'message': \"{'error': "
            "'/chat/completions: Invalid model name passed in model=gpt-6-luna. Call `/v1/models` to view available "
            "models for your key.'}\", 'type': 'None', 'param': 'None', 'code': '400'}}"
        )
        diagnosis = await call(client, "diagnose_error", error=error)
        suggestion = await call(client, "suggest_replacement", model="gpt-6-luna")
    assert listed["verdict"] == "accessible"
    assert bare["verdict"] == "unknown_model" and bare["suggested_models"][0] == "azure/gpt-4o"
    assert diagnosis["category"] == "unknown_model_name" and diagnosis["facts"]["model"] == "gpt-6-luna"
    assert diagnosis["suggested_models"][0] == "openai/gpt-6-luna"
    assert any("model_list" in f["detail"] for f in diagnosis["fixes"])
    assert suggestion["suggestions"][0]["id"] == "openai/gpt-6-luna"
    no_openai_console(diagnosis)


# ---------------------------------------------------------------------- local servers


async def test_ollama_lists_local_tags_and_sends_you_to_ollama_pull() -> None:
    async with provider_session("ollama") as (client, _):
        chat = await call(client, "list_accessible_models", endpoint="chat.completions")
        listed = await call(client, "check_model_access", model="llama3.1:8b")
        missing = await call(client, "check_model_access", model="gpt-4o")
        prefixed = await call(client, "check_model_access", model="ollama/llama3.1:8b")
        error = 'Error code: 404 - {"error":{"message":"model \\"gpt-4o\\" not found, try pulling it first","type":"api_error"}}'
        diagnosis = await call(client, "diagnose_error", error=error)
        suggestion = await call(client, "suggest_replacement", model="llama3.1")
    assert chat["count"] == 2  # every listed model serves chat on a local server
    assert listed["verdict"] == "accessible"
    assert missing["verdict"] == "unknown_model"
    assert any("ollama pull gpt-4o" in step for step in missing["next_steps"])
    assert prefixed["verdict"] == "unknown_model" and prefixed["suggested_models"][0] == "llama3.1:8b"
    assert diagnosis["category"] == "unknown_model_name"
    assert any("ollama pull" in f["detail"] for f in diagnosis["fixes"])
    assert suggestion["suggestions"][0]["id"] == "llama3.1:8b"
    for result in (missing, diagnosis):
        no_openai_console(result)


async def test_vllm_listing_is_the_truth() -> None:
    async with provider_session("vllm") as (client, _):
        listed = await call(client, "check_model_access", model="meta-llama/Llama-3.1-8B-Instruct")
        missing = await call(client, "check_model_access", model="gpt-4o")
        error = '{"object":"error","message":"The model `gpt-4o` does not exist.","type":"NotFoundError","param":null,"code":404}'
        diagnosis = await call(client, "diagnose_error", error=error)
    assert listed["verdict"] == "accessible"
    assert missing["verdict"] == "unknown_model" and any("served-model-name" in s for s in missing["next_steps"])
    assert diagnosis["category"] == "unknown_model_name" and diagnosis["facts"]["model"] == "gpt-4o"
    assert diagnosis["suggested_models"] == ["meta-llama/Llama-3.1-8B-Instruct"]  # the one model it serves
    no_openai_console(diagnosis)


async def test_lm_studio_model_keys() -> None:
    async with provider_session("lmstudio") as (client, _):
        listed = await call(client, "check_model_access", model="qwen2.5-7b-instruct")
        typo = await call(client, "check_model_access", model="qwen2.5-7b")
        error = 'Error: 404 {"error":{"message":"Invalid model identifier \\"qwen2.5-7b\\". Please specify a valid downloaded model."}}'
        diagnosis = await call(client, "diagnose_error", error=error)
    assert listed["verdict"] == "accessible"
    assert typo["verdict"] == "unknown_model" and typo["suggested_models"][0] == "qwen2.5-7b-instruct"
    assert diagnosis["category"] == "unknown_model_name"
    assert diagnosis["suggested_models"][0] == "qwen2.5-7b-instruct"
    no_openai_console(diagnosis)


async def test_groq_ids() -> None:
    async with provider_session("groq") as (client, _):
        listed = await call(client, "check_model_access", model="llama-3.3-70b-versatile")
        gpt = await call(client, "check_model_access", model="gpt-oss-120b")
        error = (
            "groq.NotFoundError: Error code: 404 - {'error': {'message': 'The model `llama3-70b-8192` does not exist "
            "or you do not have access to it.', 'type': 'invalid_request_error', 'code': 'model_not_found'}}"
        )
        diagnosis = await call(client, "diagnose_error", error=error)
    assert listed["verdict"] == "accessible"
    assert gpt["verdict"] == "unknown_model" and gpt["suggested_models"][0] == "openai/gpt-oss-120b"
    assert diagnosis["category"] == "unknown_model_name"
    assert diagnosis["suggested_models"][0] == "llama-3.3-70b-versatile"
    no_openai_console(diagnosis)


# ---------------------------------------------------------------------- Azure


async def test_azure_model_is_a_deployment_name() -> None:
    async with provider_session("azure") as (client, _):
        listed = await call(client, "list_accessible_models")
        deployed = await call(client, "check_model_access", model="my-gpt4o")
        model_id = await call(client, "check_model_access", model="gpt-4o")
        probed = await call(client, "check_model_access", model="no-such-deployment", probe=True)
        legacy = await call(client, "check_model_access", model="chat35")
        error = (
            "openai.NotFoundError: Error code: 404 - {'error': {'code': 'DeploymentNotFound', 'message': 'The API "
            "deployment for this resource does not exist. If you created the deployment within the last 5 minutes, "
            "please wait a moment and try again.'}}"
        )
        diagnosis = await call(client, "diagnose_error", error=error, model="gpt-4o")
        ambiguous = await call(
            client,
            "diagnose_error",
            error="Error code: 404 - The model `gpt-4o` does not exist or you do not have access to it.",
        )
    assert {m["id"] for m in listed["models"]} == {"my-gpt4o", "chat35"}
    assert deployed["verdict"] == "accessible"
    assert any("Azure retires gpt-4o 2024-08-06 on 2027-04-14" in e for e in deployed["evidence"])
    assert model_id["verdict"] == "unknown_model" and model_id["category"] == "azure_deployment_not_found"
    assert model_id["suggested_models"][0] == "my-gpt4o"
    assert probed["verdict"] == "unknown_model" and probed["category"] == "azure_deployment_not_found"
    assert legacy["verdict"] == "accessible"  # gpt-35-turbo: Azure's date is not known, OpenAI's does not apply
    assert any("not known to the catalog" in e for e in legacy["evidence"])
    assert diagnosis["category"] == "azure_deployment_not_found"
    assert ambiguous["category"] == "azure_deployment_not_found"
    assert ambiguous["suggested_models"][0] == "my-gpt4o"
    for result in (diagnosis, ambiguous):
        no_openai_console(result)
