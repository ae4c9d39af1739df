"""A megabyte built to make regular expressions backtrack gets a bounded answer on every path that
reads pasted text: the diagnosis core, the redaction policy, the diagnose_error tool, the prompt
that echoes the error and an unknown tool name, through a real MCP client session.

The limit is generous on purpose (a slow CI machine must pass); quadratic behaviour needs
minutes on these inputs, so the test still tells linear from not. Speed figures live in
benchmarks/bench_diagnosis.py.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from mcp import Client, MCPError

from model_access.catalog import Catalog
from model_access.diagnosis import diagnose_offline
from model_access.redact import clip, redact, redact_window

MB = 1_000_000
LIMIT_S = 5.0
KEY = "sk-proj-" + "Q7w8E9r0" * 6

# Each is one megabyte of a shape that made an earlier pattern quadratic or slow, with a real
# error and a real key at the end so that the answer is not trivially "empty".
ADVERSARIAL = {
    "backslashes": "\\" * MB,
    "escaped quotes": '\\"' * (MB // 2),
    "quotes": "\"'" * (MB // 2),
    "newlines": "x" + "\n" * MB,
    "braces": "{" * (MB // 2) + "}" * (MB // 2),
    "key=value pairs": "key=value " * (MB // 10),
    "token=x pairs": "token=x " * (MB // 8),
    "repeated partial keys": "sk-" * (MB // 3),
    "repeated api_key=": "api_key=" * (MB // 8),
    "stars": "a*" * (MB // 2),
    "the model quote": "The model `" * (MB // 11),
}
TAIL = f"\nError code: 404 - {{'error': {{'message': 'The model `gpt-4-turbo` does not exist', 'code': 'model_not_found'}}}} {KEY}"


def _bounded(started: float, what: str) -> None:
    took = time.perf_counter() - started
    assert took < LIMIT_S, f"{what} took {took:.1f} s"


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_a_megabyte_of_adversarial_text_is_diagnosed_and_redacted_in_bounded_time(catalog: Catalog, name: str) -> None:
    text = ADVERSARIAL[name] + TAIL
    started = time.perf_counter()
    result = diagnose_offline(catalog, text)
    _bounded(started, f"diagnose_offline({name})")
    assert KEY not in result.model_dump_json()
    started = time.perf_counter()
    out = redact(text)
    _bounded(started, f"redact({name})")
    assert KEY not in out
    started = time.perf_counter()
    assert KEY not in clip(KEY + text, 200) and KEY not in redact_window(text)
    _bounded(started, f"clip/redact_window({name})")


def test_the_end_of_a_long_adversarial_paste_still_decides(catalog: Catalog) -> None:
    result = diagnose_offline(catalog, ADVERSARIAL["backslashes"] + TAIL)
    assert result.category == "model_retired"
    assert result.facts.model == "gpt-4-turbo"


@pytest.mark.anyio
async def test_every_text_path_of_the_server_answers_adversarial_input_in_bounded_time(client: Client) -> None:
    for name in ("backslashes", "repeated api_key=", "token=x pairs", "newlines", "braces"):
        text = ADVERSARIAL[name] + TAIL
        started = time.perf_counter()
        result = await client.call_tool("diagnose_error", {"error": text, "live": False})
        _bounded(started, f"diagnose_error({name})")
        assert result.structured_content is not None
        assert KEY not in json.dumps(result.structured_content)
        started = time.perf_counter()
        prompt = await client.get_prompt("troubleshoot_model_error", {"error": text})
        _bounded(started, f"prompt({name})")
        assert KEY not in json.dumps(prompt.model_dump(mode="json"))
        started = time.perf_counter()
        with pytest.raises(MCPError) as info:
            await client.call_tool(KEY + text[:200_000], {})
        _bounded(started, f"unknown tool name({name})")
        assert KEY not in info.value.error.message


_DEFAULTS = {"model": "gpt-4o", "endpoint": "chat.completions", "project_id": "proj_abc", "error": "x"}


@pytest.mark.anyio
async def test_every_text_argument_of_every_tool_answers_a_megabyte_in_bounded_time(
    client: Client, tmp_path: Path
) -> None:
    payload = ADVERSARIAL["repeated api_key="] + TAIL
    tools = (await client.list_tools()).tools
    tried = 0
    for tool in tools:
        schema = tool.input_schema
        properties: dict[str, dict[str, object]] = schema.get("properties", {})
        required = set(schema.get("required", []))
        for name, prop in properties.items():
            branches = prop.get("anyOf", [])
            assert isinstance(branches, list)
            kinds = {str(prop.get("type"))} | {str(o.get("type")) for o in branches if isinstance(o, dict)}
            if "string" not in kinds and "array" not in kinds:
                continue
            arguments: dict[str, object] = {
                other: (str(tmp_path) if other == "path" else _DEFAULTS.get(other, "x")) for other in required
            }
            arguments[name] = [payload] if "string" not in kinds else payload
            started = time.perf_counter()
            try:
                result = await client.call_tool(tool.name, arguments)
                shown = json.dumps(result.model_dump(mode="json"))
            except MCPError as exc:
                shown = exc.error.message
            _bounded(started, f"{tool.name}({name}=1 MB)")
            assert KEY not in shown, (tool.name, name)
            tried += 1
    assert tried >= 10
