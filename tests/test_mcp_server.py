"""The server through a real MCP client: in-process, and over stdio as an editor launches it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from mcp import Client, MCPError, StdioServerParameters

from .helpers import console_script, offline_env

pytestmark = pytest.mark.anyio

TOOLS = {
    "list_accessible_models",
    "check_model_access",
    "diagnose_error",
    "suggest_replacement",
    "check_endpoint_for_model",
    "scan_model_references",
    "fix_model_references",
    "get_project_model_permissions",
    "update_project_model_permissions",
}
HINTS = ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")


ADMIN_TOOLS = {"get_project_model_permissions", "update_project_model_permissions"}


async def test_tools_list_shows_seven_tools_without_an_admin_key_with_schemas_and_all_annotations(client):
    listed = (await client.list_tools()).tools
    assert {t.name for t in listed} == TOOLS - ADMIN_TOOLS
    for tool in listed:
        dumped = tool.model_dump(by_alias=True, exclude_none=True)
        assert dumped["outputSchema"]["type"] == "object", tool.name
        assert set(HINTS) <= set(dumped["annotations"]), tool.name
        assert len(tool.description or "") > 100, tool.name
    writers = {t.name for t in listed if not t.annotations.read_only_hint}
    assert writers == {"fix_model_references"}


async def test_suggest_replacement_puts_gpt_4o_first_for_gpt4o(client):
    result = await client.call_tool("suggest_replacement", {"model": "gpt4o"})
    assert not result.is_error
    first, second = result.structured_content["suggestions"][:2]
    assert (first["id"], second["id"]) == ("gpt-6-luna", "gpt-4o")  # gpt-4o shuts down within 90 days
    assert first.get("accessible") is None  # absent = null: not checked


async def test_retired_model_gets_the_reference_replacement(client):
    result = await client.call_tool("suggest_replacement", {"model": "gpt-4-32k"})
    content = result.structured_content
    assert content["status"] == "retired"
    # gpt-4o is the reference's replacement, but it shuts down itself: the chain ends at an active model.
    first = content["suggestions"][0]
    assert first["id"] == "gpt-6-luna" and first["lifecycle"] == "active"
    assert "gpt-4o (deprecated, shuts down 2027-01-14)" in first["reason"]
    assert content["catalog"]["as_of"] == "2026-11-23"


async def test_embedding_model_on_chat_is_unsupported_and_points_to_embeddings(client):
    result = await client.call_tool(
        "check_endpoint_for_model", {"model": "text-embedding-3-large", "endpoint": "chat.completions"}
    )
    content = result.structured_content
    assert content["supported"] is False
    assert content["recommended_endpoint"] == "embeddings"
    assert content["sdk_call"].startswith("client.embeddings.create")


async def test_responses_only_model_on_chat_recommends_responses(client):
    result = await client.call_tool("check_endpoint_for_model", {"model": "o3-pro", "endpoint": "chat.completions"})
    assert result.structured_content["recommended_endpoint"] == "responses"


async def test_without_a_key_the_list_is_the_labelled_catalog(client):
    result = await client.call_tool("list_accessible_models", {"endpoint": "embeddings"})
    content = result.structured_content
    assert content["source"] == "catalog"
    assert "OPENAI_API_KEY" in content["warnings"][0]
    assert {m["id"] for m in content["models"]} >= {"text-embedding-3-large", "text-embedding-3-small"}
    assert all("embeddings" in m["endpoints"] for m in content["models"])
    assert content["count"] == len(content["models"])


@pytest.mark.parametrize(
    ("tool", "arguments", "expected"),
    [
        ("suggest_replacement", {"model": ""}, "model is empty"),
        ("suggest_replacement", {"model": "x" * 1_000_000}, "at most 200"),
        ("check_endpoint_for_model", {"model": "gpt-4o", "endpoint": "chat.foo"}, "Use one of: responses"),
        ("list_accessible_models", {"endpoint": "nope"}, "Use one of"),
    ],
)
async def test_bad_input_gets_a_clear_tool_error(client, tool, arguments, expected):
    result = await client.call_tool(tool, arguments)
    assert result.is_error
    assert expected in result.content[0].text
    # ...and the server keeps serving.
    again = await client.call_tool("suggest_replacement", {"model": "gpt-4o"})
    assert not again.is_error


async def test_unknown_tool_is_a_json_rpc_invalid_params_error(client):
    with pytest.raises(MCPError) as info:
        await client.call_tool("no_such_tool", {})
    assert info.value.error.code == -32602


async def test_keys_in_arguments_never_come_back(client):
    key = "sk-proj-" + "A1b2C3d4" * 6
    result = await client.call_tool("suggest_replacement", {"model": key})
    assert key not in json.dumps(result.model_dump(mode="json"))
    prompt = await client.get_prompt("troubleshoot_model_error", {"error": f"401 Incorrect API key {key}"})
    assert key not in json.dumps(prompt.model_dump(mode="json"))


async def test_catalog_resources(client):
    listed = {str(r.uri) for r in (await client.list_resources()).resources}
    assert {"catalog://models", "catalog://shutdowns"} <= listed
    one = json.loads((await client.read_resource("catalog://models/gpt4o")).contents[0].text)
    assert one["id"] == "gpt-4o" and one["lifecycle"] == "deprecated"
    soon = json.loads((await client.read_resource("catalog://shutdowns")).contents[0].text)
    dates = [m["shutdown_date"] for m in soon["shutdowns"]]
    assert dates == sorted(dates) and all(d > "2026-11-23" for d in dates)
    with pytest.raises(MCPError):
        await client.read_resource("catalog://models/not-a-model-at-all")


async def test_stdio_session_as_an_editor_launches_it():
    params = StdioServerParameters(command=console_script("model-access-mcp"), env=offline_env())
    async with Client(params) as session:
        tools = (await session.list_tools()).tools
        assert len(tools) == 7  # the two admin tools appear with OPENAI_ADMIN_KEY
        result = await session.call_tool("suggest_replacement", {"model": "gpt4o"})
        assert [s["id"] for s in result.structured_content["suggestions"][:2]] == ["gpt-6-luna", "gpt-4o"]
        bad = await session.call_tool("check_endpoint_for_model", {"model": "gpt-4o", "endpoint": "x.y"})
        assert bad.is_error
        good = await session.call_tool(
            "check_endpoint_for_model", {"model": "gpt-5-pro", "endpoint": "chat.completions"}
        )
        assert good.structured_content["recommended_endpoint"] == "responses"


async def test_legacy_handshake_era_client_works_too(offline_config):
    from model_access.mcp_server import create_server

    async with Client(create_server(offline_config), mode="legacy") as session:
        result = await session.call_tool("suggest_replacement", {"model": "gpt4o"})
        assert [s["id"] for s in result.structured_content["suggestions"][:2]] == ["gpt-6-luna", "gpt-4o"]


def test_start_up_imports_neither_the_openai_sdk_nor_the_catalog():
    code = (
        "import sys\n"
        "from model_access.config import load_config\n"
        "from model_access.mcp_server import create_server\n"
        "create_server(load_config({}))\n"
        "heavy = [m for m in ('openai', 'rapidfuzz', 'httpx') if m in sys.modules]\n"
        "import model_access.catalog.load as c\n"
        "print(heavy, len(c._cache))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=offline_env())
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[] 0"
