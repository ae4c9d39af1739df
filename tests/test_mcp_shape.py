"""What the assistant reads: lean schemas, config-aware tools and instructions, results led by one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from mcp import Client

from model_access.config import load_config
from model_access.mcp_server import create_server
from model_access.mcp_shape import drop_null_fields, slim_schema

from .emulator import Emulator
from .emulator.fixtures import PROJ_ACME_ALLOW
from .helpers import TODAY, text_of

pytestmark = pytest.mark.anyio

ADMIN_TOOLS = {"get_project_model_permissions", "update_project_model_permissions"}
LIVE_TOOLS = {"list_accessible_models", "check_model_access", "diagnose_error", "suggest_replacement"}


def _server(tmp_path: Path, **env: str) -> Any:
    return create_server(
        load_config({"MODEL_ACCESS_TODAY": TODAY.isoformat(), "MODEL_ACCESS_ROOTS": str(tmp_path), **env})
    )


def _schema_keywords(schema: Any, found: set[str]) -> None:
    """Collect JSON Schema keywords, not property names."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in ("properties", "$defs"):
                for sub in value.values():
                    _schema_keywords(sub, found)
            else:
                found.add(key)
                _schema_keywords(value, found)
    elif isinstance(schema, list):
        for item in schema:
            _schema_keywords(item, found)


def _body(text: str) -> tuple[str, Any]:
    lead, _, body = text.partition("\n")
    return lead, json.loads(body)


def _restore_nulls(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> Any:
    """The structured content with every published property that is absent set to null."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return _restore_nulls(value, root["$defs"][ref.rsplit("/", 1)[1]], root)
    if isinstance(value, dict) and "properties" in schema:
        props = schema["properties"]
        return {k: _restore_nulls(value[k], props[k], root) if k in value else None for k in props}
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_restore_nulls(v, schema["items"], root) for v in value]
    return value


def _has_null(value: Any) -> bool:
    if isinstance(value, dict):
        return any(v is None or _has_null(v) for v in value.values())
    if isinstance(value, list):
        return any(v is None or _has_null(v) for v in value)
    return False


async def test_schemas_have_no_automatic_titles_or_null_unions_and_stay_valid(tmp_path):
    async with Client(_server(tmp_path, OPENAI_ADMIN_KEY="sk-admin-test0000000000")) as client:
        tools = (await client.list_tools()).tools
    assert {t.name for t in tools} >= ADMIN_TOOLS
    for tool in tools:
        for schema in (tool.input_schema, tool.output_schema):
            Draft202012Validator.check_schema(schema)
            keywords: set[str] = set()
            _schema_keywords(schema, keywords)
            assert "title" not in keywords, tool.name
        assert '{"type": "null"}' not in json.dumps(tool.input_schema), tool.name
        # A field that may be null is published as its plain type and optional (a null is left out of
        # the structured content): no null branch, and never a type array, which single-type dialects reject.
        assert '{"type": "null"}' not in json.dumps(tool.output_schema), tool.name
        assert '"type": [' not in json.dumps(tool.output_schema), tool.name
    # A $defs entry stays only where it is used more than once (a permission change's before/after).
    assert {t.name for t in tools if "$defs" in (t.output_schema or {})} == {"update_project_model_permissions"}


async def test_the_tool_list_with_every_tool_stays_within_its_token_budget(tmp_path):
    """≤ 3,000 o200k tokens with the admin key (issue 15). Tokens are measured by benchmarks/bench_tokens.py
    (its tokenizer is not a dependency); here the proxy is characters of the compact JSON, ~4.1 per token
    for this list (2,936 tokens = 12,257 characters when this was written)."""
    async with Client(_server(tmp_path, OPENAI_ADMIN_KEY="sk-admin-test0000000000")) as client:
        tools = (await client.list_tools()).tools
    dumped = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]
    assert len(dumped) == 9
    assert len(json.dumps(dumped, separators=(",", ":"), ensure_ascii=False)) <= 12_300


def test_only_an_object_property_that_may_be_null_becomes_optional():
    nullable = {"anyOf": [{"type": "string"}, {"type": "null"}]}
    schema = {
        "type": "object",
        "required": ["name", "tags", "notes"],
        "properties": {
            "name": nullable,
            "tags": {"type": "array", "items": nullable},
            "notes": {"type": "object", "additionalProperties": nullable},
        },
    }
    slim = slim_schema(schema, output=True)
    # absent means null only for a property; a null inside a list or a map must stay expressible
    assert slim["properties"] == {
        "name": {"type": "string"},
        "tags": {"type": "array", "items": nullable},
        "notes": {"type": "object", "additionalProperties": nullable},
    }
    assert "required" not in slim
    shaped = drop_null_fields({"name": None, "tags": ["a", None], "notes": {}})
    assert shaped == {"tags": ["a", None], "notes": {}}  # a list item is never dropped
    Draft202012Validator(slim).validate(shaped)


async def test_admin_tools_are_hidden_without_an_admin_key_and_answer_one_clear_line(tmp_path):
    async with Client(_server(tmp_path)) as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert not names & ADMIN_TOOLS
        result = await client.call_tool("get_project_model_permissions", {})
    assert result.is_error
    text = text_of(result)
    assert "OPENAI_ADMIN_KEY" in text and "\n" not in text


async def test_instructions_follow_the_configuration(tmp_path):
    plain = _server(tmp_path)
    assert "No API key" in plain.instructions and "No admin key" in plain.instructions
    assert str(tmp_path.resolve()) in plain.instructions
    keyed = _server(tmp_path, OPENAI_API_KEY="sk-test-000000000000000000", OPENAI_ADMIN_KEY="sk-admin-000000000000")
    assert "live model list" in keyed.instructions and "update_project_model_permissions" in keyed.instructions
    other = _server(tmp_path, OPENAI_API_KEY="sk-x-00000000000000000000", OPENAI_BASE_URL="http://127.0.0.1:1/v1")
    assert "OpenAI-compatible server at http://127.0.0.1:1/v1" in other.instructions


async def test_open_world_hint_is_true_only_where_a_key_makes_the_tool_call_the_api(tmp_path):
    async with Client(_server(tmp_path)) as client:
        offline = {t.name: t.annotations and t.annotations.open_world_hint for t in (await client.list_tools()).tools}
    async with Client(_server(tmp_path, OPENAI_API_KEY="sk-test-000000000000000000")) as client:
        keyed = {t.name: t.annotations and t.annotations.open_world_hint for t in (await client.list_tools()).tools}
    assert not any(offline.values())
    assert {name for name, hint in keyed.items() if hint} == LIVE_TOOLS | {"scan_model_references"}


async def test_result_text_is_one_lead_line_then_compact_json_without_nulls(client):
    result = await client.call_tool("check_endpoint_for_model", {"model": "text-embedding-3-large", "endpoint": "chat"})
    lead, body = _body(text_of(result))
    assert lead.startswith("text-embedding-3-large does not serve chat.completions. Use embeddings")
    assert not _has_null(body) and "\n" not in text_of(result).partition("\n")[2]
    # structured content keeps every field except the null ones (absent means null)
    assert "sdk_call" in result.structured_content and result.structured_content["model"]
    assert not _has_null(result.structured_content)


async def test_structured_content_still_matches_the_slimmed_output_schemas(tmp_path):
    (tmp_path / "app.py").write_text("client.chat.completions.create(model='gpt-4-32k')\n")
    server = _server(tmp_path)
    async with Client(server) as client:
        await _absent_means_null(
            server,
            client,
            [
                ("list_accessible_models", {"limit": 3}),
                ("check_model_access", {"model": "gpt4o"}),
                ("diagnose_error", {"error": "404 The model `gpt-4-32k` does not exist"}),
                ("suggest_replacement", {"model": "zz-nothing"}),
                ("check_endpoint_for_model", {"model": "zz-nothing", "endpoint": "responses"}),
                ("scan_model_references", {"path": str(tmp_path)}),
                ("fix_model_references", {"path": str(tmp_path)}),
            ],
        )


async def test_live_and_admin_results_also_leave_out_only_nulls(tmp_path):
    with Emulator() as emu:
        env = {
            "MODEL_ACCESS_PROVIDER": "openai",
            "OPENAI_BASE_URL": emu.base_url,
            "MODEL_ACCESS_ADMIN_BASE_URL": emu.base_url,
            "OPENAI_API_KEY": emu.key("allow"),
            "OPENAI_PROJECT_ID": PROJ_ACME_ALLOW,
            "OPENAI_ADMIN_KEY": emu.key("admin"),
            "MODEL_ACCESS_MAX_RETRIES": "0",
        }
        server = _server(tmp_path, **env)
        async with Client(server) as client:
            await _absent_means_null(
                server,
                client,
                [
                    ("list_accessible_models", {"limit": 3}),
                    ("check_model_access", {"model": "gpt-6.1-sol"}),
                    ("diagnose_error", {"error": f"403 Project `{PROJ_ACME_ALLOW}` does not have access to model `x`"}),
                    ("suggest_replacement", {"model": "gpt4o"}),
                    ("get_project_model_permissions", {}),
                    ("update_project_model_permissions", {"project_id": PROJ_ACME_ALLOW, "allow": ["gpt-4.1"]}),
                ],
            )


async def _absent_means_null(server: Any, client: Any, calls: list[tuple[str, dict[str, Any]]]) -> None:
    tools = {t.name: t for t in (await client.list_tools()).tools}
    models = {t.name: t.fn_metadata.output_model for t in server._tool_manager.list_tools()}
    left_out = 0
    for name, args in calls:
        result = await client.call_tool(name, args)
        assert not result.is_error, (name, result.content)
        schema = tools[name].output_schema
        Draft202012Validator(schema).validate(result.structured_content)
        assert not _has_null(result.structured_content), name
        # Absent means null: putting null back in every published field that is missing gives exactly
        # the result model the tool returned (so nothing but nulls was left out, and nothing renamed).
        restored = _restore_nulls(result.structured_content, schema, schema)
        assert models[name].model_validate(restored).model_dump(mode="json", by_alias=True) == restored, name
        left_out += restored != result.structured_content
    assert left_out >= len(calls) // 2  # most of these results have a null field to leave out


async def test_list_filters_limit_and_say_how_to_see_the_rest(client):
    default = (await client.call_tool("list_accessible_models", {})).structured_content
    assert default["count"] == len(default["models"]) == 50 < default["total"]
    assert any(f"{default['total'] - 50} more models match" in w for w in default["warnings"])
    found = await client.call_tool("list_accessible_models", {"search": "GPT4o mini", "lifecycle": "deprecated"})
    ids = [m["id"] for m in found.structured_content["models"]]
    assert "gpt-4o-mini" in ids and all("4o-mini" in i for i in ids)
    assert all(m["lifecycle"] == "deprecated" for m in found.structured_content["models"])
    small = await client.call_tool("list_accessible_models", {"limit": 2})
    lead, _ = _body(text_of(small))
    assert "NOT checked against a key" in lead and "more not shown" in lead


async def test_an_unknown_id_always_gets_a_next_step(client):
    result = await client.call_tool("suggest_replacement", {"model": "zz-not-a-model"})
    assert result.structured_content["suggestions"] == []
    assert "list_accessible_models" in text_of(result).partition("\n")[0]
    assert "suggestions" not in _body(text_of(result))[1]  # an empty list costs nothing in the text
    empty = await client.call_tool("list_accessible_models", {"search": "zz-not-a-model"})
    assert empty.structured_content["models"] == []
    assert "suggest_replacement" in text_of(empty).partition("\n")[0]
    endpoint = await client.call_tool("check_endpoint_for_model", {"model": "zz-not-a-model", "endpoint": "responses"})
    assert "suggest_replacement" in text_of(endpoint).partition("\n")[0]


@pytest.mark.parametrize(
    ("args", "named"),
    [({"model": "gpt4o", "limit": 500}, "`limit`"), ({}, "`model` is required"), ({"model": 5}, "`model`")],
)
async def test_invalid_arguments_get_one_plain_sentence_naming_the_argument(client, args, named):
    result = await client.call_tool("suggest_replacement", args)
    text = text_of(result)
    assert result.is_error and named in text
    assert "\n" not in text and "pydantic" not in text and "validation error" not in text


async def test_a_relative_path_starts_at_the_first_allowed_folder(client, tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("MODEL = 'gpt-4-32k'\n")
    here = await client.call_tool("scan_model_references", {"path": "."})
    assert not here.is_error and here.structured_content["references"][0]["file"] == "src/a.py"
    sub = await client.call_tool("scan_model_references", {"path": "src"})
    assert sub.structured_content["references"][0]["file"] == "a.py"
    refused = await client.call_tool("scan_model_references", {"path": ".."})
    text = text_of(refused)
    assert refused.is_error and f"was read as {tmp_path.parent}" in text and "outside the allowed folders" in text


async def test_a_large_scan_text_is_bounded_with_problems_first(client, tmp_path):
    for i in range(130):
        (tmp_path / f"m{i}.py").write_text("A = 'gpt-4o'\n" if i else "B = 'gpt-4-32k'\n")
    result = await client.call_tool("scan_model_references", {"path": str(tmp_path), "limit": 130})
    assert len(result.structured_content["references"]) == 130
    lead, body = _body(text_of(result))
    assert lead.startswith("130 model ids in 130 files; problems: 129 deprecated, 1 retired.")
    assert "Showing 100 of 130 (problems first)" in lead
    assert len(body["references"]) == 100 and body["references"][0]["model"] == "gpt-4-32k"
    paged = await client.call_tool("scan_model_references", {"path": str(tmp_path)})
    lead, _ = _body(text_of(paged))
    assert lead.startswith("130 model ids in 130 files") and "call again with cursor=" in lead


async def test_catalog_resources_have_sizes_and_pages(client):
    listed = {str(r.uri): r.size for r in (await client.list_resources()).resources}
    full = (await client.read_resource("catalog://models")).contents[0].text
    assert listed["catalog://models"] == len(full.encode())
    ids, uri = [], "catalog://models/page/1"
    while uri:
        page = json.loads((await client.read_resource(uri)).contents[0].text)
        ids += [m["id"] for m in page["models"]]
        uri = page.get("next")
    assert ids == [m["id"] for m in json.loads(full)["models"]]


async def test_every_prompt_argument_is_described(client):
    for prompt in (await client.list_prompts()).prompts:
        assert all(arg.description for arg in prompt.arguments or []), prompt.name


async def test_a_large_fix_plan_text_is_bounded_at_file_boundaries(client, tmp_path):
    for i in range(120):
        (tmp_path / f"m{i:03}.py").write_text(f"A = 'gpt-4-32k'  # {'x' * 200}\n")
    result = await client.call_tool("fix_model_references", {"path": str(tmp_path)})
    full = result.structured_content
    assert len(full["edits"]) == 120 and full["diff"].count("--- a/") == 120
    lead, body = _body(text_of(result))
    assert "Showing the diff of" in lead and "of 120 files and 50 of 120 edits" in lead
    assert len(body["diff"]) <= 12_000 and body["diff"].endswith("\n") and len(body["edits"]) == 50
    assert full["diff"].startswith(body["diff"])  # whole files, in order
