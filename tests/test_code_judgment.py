"""Scan and fix name the judgment's replacement: the call's endpoint decides the family, the chain
ends at an active model, a legacy completions call is never "fixed" into a broken one, and a
provider prefix the library needs is kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from mcp import Client

from model_access.code import fix_sync, scan_sync
from model_access.mcp_server import create_server
from model_access.suggest import first_replacement

from .code_fixtures import make_state


def write(tmp_path: Path, name: str, text: str) -> Path:
    project = tmp_path / "proj"
    project.mkdir(exist_ok=True)
    (project / name).write_text(text, encoding="utf-8")
    return project


def refs_by_model(state, project: Path) -> dict[str, object]:
    _raw, result, _ = scan_sync(state, str(project))
    return {r.model: r for r in result.references}


def test_a_deprecated_chat_model_on_embeddings_is_replaced_by_an_embedding_model(tmp_path: Path) -> None:
    project = write(tmp_path, "emb.py", 'v = client.embeddings.create(model="gpt-4o", input="x")\n')
    state = make_state(tmp_path)
    ref = refs_by_model(state, project)["gpt-4o"]
    assert ref.suggestion is not None and ref.suggestion.startswith("text-embedding-")  # type: ignore[attr-defined]


def test_a_legacy_completions_call_is_not_fixed_into_a_chat_model(tmp_path: Path) -> None:
    project = write(
        tmp_path, "legacy.py", 'r = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="x")\n'
    )
    state = make_state(tmp_path)
    result = fix_sync(state, str(project))
    assert result.edits == []
    assert any("needs the call moved to responses" in n for n in result.not_editable)


def test_scan_and_fix_name_the_same_replacement_as_suggest_replacement(tmp_path: Path) -> None:
    project = write(
        tmp_path, "app.py", 'MODEL = "gpt-4-32k"\nr = client.chat.completions.create(model="o1-mini", messages=[])\n'
    )
    state = make_state(tmp_path)
    result = fix_sync(state, str(project))
    edits = {e.old: e.new for e in result.edits}
    first = first_replacement(state.catalog, "gpt-4-32k")
    assert first is not None and edits["gpt-4-32k"] == first.id == "gpt-6-luna"
    on_chat = first_replacement(state.catalog, "o1-mini", "chat.completions")
    assert on_chat is not None and edits["o1-mini"] == on_chat.id


def test_a_provider_prefix_the_library_needs_is_kept(tmp_path: Path) -> None:
    text = (
        "from langchain_openai import ChatOpenAI\n"
        'llm = ChatOpenAI(base_url="https://openrouter.ai/api/v1", model="openai/gpt-4o-mini")\n'
        "from litellm import completion\n"
        'r = completion(model="azure/gpt-4-32k", messages=[])\n'
    )
    project = write(tmp_path, "routed.py", text)
    state = make_state(tmp_path)
    refs = refs_by_model(state, project)
    assert refs["gpt-4o-mini"].problem == "deprecated"  # type: ignore[attr-defined]
    assert refs["gpt-4-32k"].problem == "retired"  # type: ignore[attr-defined]
    fixed = fix_sync(state, str(project), apply=False)
    assert '+llm = ChatOpenAI(base_url="https://openrouter.ai/api/v1", model="openai/gpt-6-luna")' in fixed.diff
    assert '+r = completion(model="azure/gpt-6-luna", messages=[])' in fixed.diff


@pytest.mark.anyio
async def test_scan_through_mcp_agrees_with_diagnose_and_suggest(tmp_path: Path, anyio_backend: str) -> None:
    project = write(tmp_path, "app.py", 'MODEL = "gpt-4-32k"\n')
    state = make_state(tmp_path)
    async with Client(create_server(state.config)) as client:
        scan = await client.call_tool("scan_model_references", {"path": str(project)})
        suggestion = await client.call_tool("suggest_replacement", {"model": "gpt-4-32k"})
        diagnosis = await client.call_tool(
            "diagnose_error",
            {"error": "Error code: 404 - The model `gpt-4-32k` does not exist or you do not have access to it."},
        )
    assert scan.structured_content is not None and suggestion.structured_content is not None
    assert diagnosis.structured_content is not None
    refs = [r for r in scan.structured_content["references"] if r["model"] == "gpt-4-32k"]
    first = suggestion.structured_content["suggestions"][0]["id"]
    assert refs and refs[0]["suggestion"] == first == diagnosis.structured_content["suggested_models"][0]


def test_with_the_keys_listing_at_hand_the_fixer_never_writes_a_model_it_does_not_list(tmp_path: Path) -> None:
    project = write(tmp_path, "app.py", 'r = client.chat.completions.create(model="gpt-4-32k", messages=[])\n')
    state = make_state(tmp_path)
    listed = {"gpt-5.4-mini", "text-embedding-3-small"}  # an allow-list project's listing
    _raw, result, _ = scan_sync(state, str(project), listed=listed)
    ref = next(r for r in result.references if r.model == "gpt-4-32k")
    assert ref.suggestion in listed  # not gpt-6-luna, which this key cannot call
    offline = first_replacement(state.catalog, "gpt-4-32k", "chat.completions")
    assert offline is not None and offline.id == "gpt-6-luna" and ref.suggestion != offline.id
