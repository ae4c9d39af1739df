"""What the assistant reads: a lean tool list, instructions for the configuration in effect, and results
led by one line that states the answer and the next action.

Everything here shapes what the MCP front end sends; nothing decides an answer. The structured
content of a result keeps every value except nulls (a field that may be null is optional in the
output schema, and absent means null); the text block beside it — what most clients hand the model —
is rewritten: compact JSON without nulls, lists cut to a bounded view, one leading line. Schemas lose
pydantic's automatic `title`s and `anyOf[X, null]` wrappers in ways every JSON Schema validator (and
the Inspector's `--strict`) still accepts.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mcp.types import CallToolResult, TextContent
from pydantic import ValidationError

from .config import Config
from .errors import InvalidInput
from .redact import clip, redact

ADMIN_TOOLS = ("get_project_model_permissions", "update_project_model_permissions")
# Longest list shown in a result's text block; the structured content keeps every item.
TEXT_LIST_LIMIT = 100
DIFF_TEXT_LIMIT = 12_000  # characters of unified diff in a result's text: about 4k tokens
EDIT_TEXT_LIMIT = 50
PAGE_SIZE = 25  # catalog models per resource page: about 3k tokens

# ------------------------------------------------------------------ schemas

_SCHEMA_MAPS = ("properties", "$defs", "definitions", "patternProperties")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_ONE = ("items", "additionalProperties", "not", "contains")
# Output schemas describe what the server sends; these only restate it (every field is always present;
# the prose and the verdict/problem vocabularies live in the tool descriptions, and each value is read
# in the result itself) and cost tokens in every tools/list. What remains still validates every result.
_OUTPUT_NOISE = ("default", "description", "minimum", "maximum", "required", "enum")
# Size caps stay enforced by the server (an over-long argument gets a one-line error naming it).
_INPUT_NOISE = ("maxLength", "maxItems")


def slim_schema(schema: dict[str, Any], *, output: bool, field: bool = False) -> dict[str, Any]:
    """A copy without automatic titles and null-unions.

    Input schemas: an optional argument `anyOf[X, null]` with default null becomes plain X (not
    required; the tool still accepts an explicit null). Output schemas lose what only restates the
    content (see _OUTPUT_NOISE), and an object property that may be null becomes its plain type, not
    required: the boundary leaves null values out of the structured content (drop_null_fields), so an
    absent field means null. `field` is true for the schema of an object property.
    """
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title":
            continue
        if key in (_OUTPUT_NOISE if output else _INPUT_NOISE):
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            prop = key == "properties"
            out[key] = {
                k: slim_schema(v, output=output, field=prop) if isinstance(v, dict) else v for k, v in value.items()
            }
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [slim_schema(v, output=output) if isinstance(v, dict) else v for v in value]
        elif key in _SCHEMA_ONE and isinstance(value, dict):
            out[key] = slim_schema(value, output=output)
        else:
            out[key] = value
    return _lead_keywords(_unwrap_nullable(out, output=output, field=field))


# Keyword order means nothing to a validator, but `{"description":…,"type":"string"` and `{"type":"array",
# "items":…` tokenize shorter than pydantic's order (type last): about 50 tokens over the 9-tool list.
_LEADING = ("description", "type")


def _lead_keywords(schema: dict[str, Any]) -> dict[str, Any]:
    first = {k: schema[k] for k in _LEADING if k in schema}
    return {**first, **{k: v for k, v in schema.items() if k not in first}}


def _unwrap_nullable(schema: dict[str, Any], *, output: bool, field: bool) -> dict[str, Any]:
    options = schema.get("anyOf")
    if not isinstance(options, list) or len(options) != 2 or {"type": "null"} not in options:
        return schema
    other = next(o for o in options if o != {"type": "null"})
    rest = {k: v for k, v in schema.items() if k != "anyOf"}
    if not output:
        if rest.get("default") is None:
            rest.pop("default", None)
            return {**other, **rest}
        return schema
    # Only an object property can be absent; a null inside a list or a map value keeps its anyOf (none
    # of today's results has one; tests/test_mcp_shape.py checks that no null branch is left).
    # Plain `{"type": T}` is valid in every dialect, including single-type ones such as Gemini's
    # OpenAPI subset, which rejects `type: [T, "null"]`; `{}` would say nothing.
    return {**other, **rest} if field else schema


def inline_single_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Put a `$defs` entry referenced exactly once in place of its `$ref` (same meaning, fewer tokens)."""
    defs = schema.get("$defs")
    if not isinstance(defs, dict):
        return schema
    text = json.dumps(schema)
    once = {name for name in defs if text.count(f'"#/$defs/{name}"') == 1}
    once = {name for name in once if "#/$defs/" not in json.dumps(defs[name])}  # no nested references

    def visit(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/") and ref[8:] in once and len(node) == 1:
                return visit(defs[ref[8:]])
            return {k: visit(v) for k, v in node.items()}
        if isinstance(node, list):
            return [visit(v) for v in node]
        return node

    out: dict[str, Any] = visit({k: v for k, v in schema.items() if k != "$defs"})
    rest = {name: visit(value) for name, value in defs.items() if name not in once}
    if not rest:
        return out
    shaped = {"$defs": rest, **out}
    # An entry that referenced another one is inlined in the next round, once its reference is gone.
    return shaped if shaped == schema else inline_single_refs(shaped)


def slim_tool_schemas(
    input_schema: dict[str, Any], output_schema: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A listed tool's schemas as published: slim, with single-use references inlined."""
    slim_output = None if output_schema is None else slim_schema(inline_single_refs(output_schema), output=True)
    return slim_schema(input_schema, output=False), slim_output


def admin_key_missing(name: str, why: str | None = None) -> CallToolResult:
    return _error_result(
        f"{name} is off: {why}"
        if why
        else f"{name} needs an OpenAI admin key: set OPENAI_ADMIN_KEY in the server's environment and restart "
        "it; until then, change the project's model list in the console (Settings → Project → Limits)."
    )


def instructions(config: Config) -> str:
    """Server instructions for the configuration in effect: what works now and what is missing."""
    provider = config.provider
    if provider == "none":
        key = (
            "No API key is configured: answers come from the bundled catalog and say so; "
            "set OPENAI_API_KEY in the server's environment for live answers about your key."
        )
    elif provider == "compatible":
        profile = config.profile
        key = (
            f"Provider: {profile.label} at {config.shown_base_url}; model ids look like {profile.id_example}, "
            "and its own model list decides (OpenAI catalog facts apply only to OpenAI models behind it)."
        )
    elif provider == "azure":
        key = "Provider: Azure OpenAI (model names are deployment names); answers use the live deployment list."
    else:
        project = f" for project {config.project}" if config.project else ""
        key = f"Provider: OpenAI, with an API key{project}: answers use the key's live model list."
    if config.admin_key and config.admin_unavailable is not None:
        admin = "The admin key is set but unused: " + config.admin_unavailable
    elif config.admin_key:
        admin = (
            "An admin key is set: get_project_model_permissions reads a project's allow/deny list and "
            "update_project_model_permissions changes it, only after the user confirms."
        )
    else:
        admin = "No admin key: project allow/deny lists can be changed only in the console (Project → Limits)."
    roots = ", ".join(str(r) for r in config.roots) or "(none)"
    return (
        "Resolves OpenAI model_not_found and neighbouring errors. For a failing call: diagnose_error with the "
        "pasted error → check_model_access (or list_accessible_models) to confirm → suggest_replacement / "
        "check_endpoint_for_model → scan_model_references then fix_model_references (diff first, apply on "
        f"agreement). {key} {admin} scan/fix read and write only inside: {roots} (a relative path starts "
        "at the first). Each result's first line is the answer and the next step."
    )


# ------------------------------------------------------------------ arguments


def argument_error(tool: Any, name: str, arguments: dict[str, Any]) -> CallToolResult | None:
    """One plain sentence naming each bad argument, instead of pydantic's multi-line report."""
    try:
        tool.fn_metadata.validate_arguments(arguments)
    except ValidationError as exc:
        problems = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p) for p in err["loc"]) or "arguments"
            if err["type"] == "missing":
                problems.append(f"`{where}` is required")
            elif err["type"] == "extra_forbidden":
                problems.append(f"`{where}` is not an argument of {name}")
            else:
                problems.append(f"`{where}`: {str(err['msg'])[:1].lower()}{str(err['msg'])[1:]}")
        return _error_result(f"Invalid arguments for {name}: {'; '.join(problems)} — correct and call it again.")
    return None


def resolve_relative(path: str, roots: Sequence[Path]) -> str:
    """A relative path means a path inside the first allowed folder, never the server's working folder."""
    if not path.strip() or not roots or Path(path).expanduser().is_absolute():
        return path
    return os.path.normpath(roots[0] / Path(path).expanduser())


def explain_relative(path: str, resolved: str, message: str) -> str:
    if resolved == path:
        return message
    return f"{path!r} is relative, so it was read as {resolved} (inside the first allowed folder): {message}"


# ------------------------------------------------------------------ results


def _error_result(text: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=redact(text))], is_error=True)


def drop_null_fields(value: Any) -> Any:
    """Structured content without null-valued fields: the output schemas publish those as optional.

    A list keeps its null items (their schema keeps the null branch). A map value that may be null would
    be dropped too, so its key would vanish: no result has one, and tests/test_mcp_shape.py fails if an
    output schema ever keeps a null branch.
    """
    if isinstance(value, dict):
        return {k: v if type(v) in _LEAVES else drop_null_fields(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [v if type(v) in _LEAVES else drop_null_fields(v) for v in value]
    return value


_LEAVES = frozenset({str, int, float, bool})  # returned as they are, without a call per value


def drop_nulls(value: Any) -> Any:
    """Without nulls and empty lists: in the text an absent key reads the same and costs nothing."""
    if isinstance(value, dict):
        return {k: v if type(v) in _LEAVES else drop_nulls(v) for k, v in value.items() if v is not None and v != []}
    if isinstance(value, list):
        return [v if type(v) in _LEAVES else drop_nulls(v) for v in value]
    return value


def structured_of(result: Any) -> dict[str, Any] | None:
    """A tool result's structured content, in its wire form (a dict) or as a `CallToolResult`."""
    if isinstance(result, CallToolResult):
        data = result.structured_content
    elif isinstance(result, dict):
        data = result.get("structuredContent")
    else:
        return None
    return data if isinstance(data, dict) else None


def shape_result(name: str, result: Any, data: dict[str, Any]) -> Any:
    """A successful tool result with structured content `data`: its text becomes a lead line, then
    compact JSON without nulls; its structured content loses null-valued fields (see slim_schema).

    `result` arrives in its wire form (a dict) or as a `CallToolResult`; its content is replaced.
    """
    text = result_text(name, data)
    structured = drop_null_fields(data)
    if isinstance(result, CallToolResult):
        return result.model_copy(
            update={"content": [TextContent(type="text", text=text)], "structured_content": structured}
        )
    return {**result, "content": [{"type": "text", "text": text}], "structuredContent": structured}


# What `json.dumps(value, separators=(",", ":"), ensure_ascii=False)` builds on every call, built once.
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def result_text(name: str, data: dict[str, Any]) -> str:
    lead = _LEADS.get(name, _no_lead)
    try:
        line, view = lead(data)
    except (KeyError, TypeError, ValueError, IndexError):  # a lead must never cost the answer
        line, view = "", data
    body = _COMPACT.encode(drop_nulls(view))
    return f"{line}\n{body}" if line else body


def _no_lead(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "", data


def _first_sentence(text: str, limit: int = 240) -> str:
    text = " ".join(str(text).split())
    end = text.find(". ")
    return clip(text[: end + 1] if 0 < end < limit else text, limit)


def _models(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    count, total = data["count"], data.get("total") or data["count"]
    if total == 0:
        return (
            "No model matches these filters. Next: call again without search/lifecycle/endpoint, or "
            "suggest_replacement for the id you meant.",
            data,
        )
    if data["source"] == "live":
        what = f"{count} models this key can call ({data['provider']}, live {data['fetched_at']})"
    else:
        what = f"{count} models from the bundled catalog (as of {data['fetched_at']}) — NOT checked against a key"
    more = f"; {total - count} more not shown — call again with a larger limit or a search" if total > count else ""
    return f"{what}{more}. Next: check_model_access or suggest_replacement for one model.", data


def _access(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    steps = data.get("next_steps") or []
    after = f" Next: {steps[0]}" if steps else ""
    return f"{data['model']}: {data['verdict']}.{after}", data


def _sentence(text: str) -> str:
    text = _first_sentence(text)
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def _diagnosis(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    fixes = data.get("fixes") or []
    after = f" Next: {fixes[0]['title']}." if fixes else ""
    line = f"{data['category']} ({data['confidence']:.0%}): {_sentence(data['summary'])}{after}"
    facts = data.get("facts") or {}
    # Evidence that only restates a parsed fact ("status 404") is already in `facts`.
    restated = {f"status {facts.get('status')}", f"code {facts.get('error_code')}"}
    # A quote of the pasted error is cut short: the assistant has the whole text already.
    evidence = [clip(e, 80) for e in data.get("evidence") or [] if e not in restated]
    view = {k: v for k, v in data.items() if k not in ("category", "confidence", "summary")}
    # error_type ("invalid_request_error" for most) says less than error_code beside it.
    view["facts"] = {k: v for k, v in facts.items() if k != "error_type"}
    view["evidence"] = evidence
    view["alternatives"] = [a for a in data.get("alternatives") or [] if a.get("confidence", 0) >= 0.3]
    view["suggested_models"] = (data.get("suggested_models") or [])[:3]
    return line, view


def _suggest(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    suggestions = data.get("suggestions") or []
    catalog = data.get("catalog") or {}
    view = {k: v for k, v in data.items() if k not in ("model", "catalog", "suggestions")}
    # Ranked best first, so the score adds nothing an assistant acts on.
    view["suggestions"] = [{k: v for k, v in item.items() if k != "score"} for item in suggestions]
    view["catalog_as_of"] = catalog.get("as_of")
    if suggestions:
        best = suggestions[0]
        return (
            f"Use {best['id']} instead of {data['model']} ({_first_sentence(best['reason'], 160)}). "
            "Next: check_endpoint_for_model for the SDK call, then fix_model_references.",
            view,
        )
    return (
        f"{_sentence(data['reason'])} No close id: call list_accessible_models (with search=…) to see "
        "what your key can call.",
        view,
    )


def _endpoint(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    supported = data.get("supported")
    if supported is None:
        return (
            f"{data['model']} is not in the catalog: {_first_sentence(data['explanation'])} "
            "Next: suggest_replacement for the intended id.",
            data,
        )
    call = data.get("sdk_call")
    verdict = "serves" if supported else "does not serve"
    use = f" Use {data.get('recommended_endpoint')}: {call}." if call else ""
    return f"{data['model']} {verdict} {data['endpoint']}.{use}", data


def _scan(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    refs = data.get("references") or []
    problems = [r for r in refs if r.get("problem")]
    page = data.get("summary") or {}
    kinds: dict[str, int] = dict(page.get("problems") or {})
    if not page:  # no summary: count this page
        for ref in problems:
            kinds[ref["problem"]] = kinds.get(ref["problem"], 0) + 1
    total = int(page.get("references", len(refs)))
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()) if n) or "none"
    line = f"{total} model ids in {data['files_scanned']} files; problems: {summary}." + (
        " Next: fix_model_references (same path) for a diff." if kinds and any(kinds.values()) else ""
    )
    if page.get("next_cursor"):
        line += f" This page has {len(refs)}: call again with cursor={page['next_cursor']!r} for more."
    view = data
    if len(refs) > TEXT_LIST_LIMIT:
        shown = (problems + [r for r in refs if not r.get("problem")])[:TEXT_LIST_LIMIT]
        line += (
            f" Showing {len(shown)} of {len(refs)} (problems first); narrow with include/exclude or scan a "
            "sub-folder for the rest."
        )
        view = {**data, "references": shown}
    return line, view


def _cut_diff(diff: str, limit: int) -> tuple[str, int, int]:
    """The diff's first whole files within `limit` characters: (text, files shown, files in all)."""
    starts = [m.start() for m in re.finditer(r"^--- ", diff, re.MULTILINE)]
    total = len(starts)
    if len(diff) <= limit or total <= 1:
        return diff, total, total
    shown = [i for i in starts[1:] if i <= limit]
    end = shown[-1] if shown else starts[1]
    return diff[:end], len(shown) or 1, total


def _fix(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    edits = data.get("edits") or []
    files = {e["file"] for e in edits}
    if not edits:
        return "Nothing to change: no problem ids found (or the mapping matched nothing).", data
    if data.get("applied"):
        line = f"Applied {len(edits)} edits in {len(files)} files. Next: run the code or tests."
    else:
        line = (
            f"Planned {len(edits)} edits in {len(files)} files, nothing written. Next: show the diff to the user, "
            "then call again with apply=true if they agree."
        )
    diff, shown, total = _cut_diff(str(data.get("diff") or ""), DIFF_TEXT_LIMIT)
    if shown < total or len(edits) > EDIT_TEXT_LIMIT:
        line += (
            f" Showing the diff of {shown} of {total} files and {min(len(edits), EDIT_TEXT_LIMIT)} of {len(edits)} "
            "edits (the structured content has all); a sub-folder path gives a smaller plan."
        )
        changed = data.get("files_changed") or []
        return line, {
            **data,
            "diff": diff,
            "edits": edits[:EDIT_TEXT_LIMIT],
            "files_changed": changed[:TEXT_LIST_LIMIT],
        }
    return line, data


def _permissions(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    ids = data.get("model_ids") or []
    return (
        f"Project {data['project_id']}: {data['mode']} ({len(ids)} ids, {data['source']}). "
        "Next: update_project_model_permissions to add or unblock a model.",
        data,
    )


def _change(data: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return _first_sentence(data["message"], 300), data


_LEADS: dict[str, Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]] = {
    "list_accessible_models": _models,
    "check_model_access": _access,
    "diagnose_error": _diagnosis,
    "suggest_replacement": _suggest,
    "check_endpoint_for_model": _endpoint,
    "scan_model_references": _scan,
    "fix_model_references": _fix,
    "get_project_model_permissions": _permissions,
    "update_project_model_permissions": _change,
}


# ------------------------------------------------------------------ resources


def render(value: Any) -> str:
    return _COMPACT.encode(drop_nulls(value))


def catalog_page(records: list[dict[str, Any]], as_of: str, page: str) -> str:
    pages = max(1, -(-len(records) // PAGE_SIZE))
    if not page.isdigit() or not 1 <= int(page) <= pages:
        raise InvalidInput(f"page {clip(page, 20)!r} does not exist: the catalog has pages 1 to {pages}")
    number = int(page)
    body: dict[str, Any] = {
        "as_of": as_of,
        "page": number,
        "pages": pages,
        "total": len(records),
        "models": records[(number - 1) * PAGE_SIZE : number * PAGE_SIZE],
    }
    if number < pages:
        body["next"] = f"catalog://models/page/{number + 1}"
    return render(body)


def with_sizes(result: Any, sizes: Callable[[], dict[str, int]]) -> Any:
    """resources/list with each fixed resource's size in bytes, so a client can decide before reading."""
    if not isinstance(result, dict) or not isinstance(result.get("resources"), list):
        return result
    known = sizes()
    resources = [
        {**r, "size": known[r["uri"]]} if isinstance(r, dict) and r.get("uri") in known else r
        for r in result["resources"]
    ]
    return {**result, "resources": resources}
