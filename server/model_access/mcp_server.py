"""The MCP front end: nine tools, three resources, one prompt — thin adapters over the services.

`create_server(config)` builds the server; `main()` reads the environment once and serves
stdio. Nothing heavy is imported here: the `openai` SDK, rapidfuzz and the catalog file are
loaded by the first tool call that needs them. Every result passes one redaction boundary
(`_Boundary`) on its way out, which also answers an unknown tool name with JSON-RPC -32602
as the specification asks (mcp 2.3.0 would answer with an isError result).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any, Literal

from mcp.server import MCPServer
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import Context, Elicit, ElicitationResult, Resolve
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.shared.exceptions import MCPError
from mcp.types import INTERNAL_ERROR, INVALID_PARAMS, Completion, ToolAnnotations
from pydantic import BaseModel, Field

from . import access, endpoints, suggest, work
from .config import Config, ConfigError, load_config
from .errors import ModelAccessError
from .live.permissions import Approval
from .redact import clip, install_log_redaction, redact, redact_obj
from .results import (
    AccessCheck,
    AccessibleModels,
    Diagnosis,
    EndpointAdvice,
    FixResult,
    PermissionsChange,
    ProjectPermissions,
    ReplacementAdvice,
    ScanResult,
)
from .state import AppState

logger = logging.getLogger("model_access")

SERVER_NAME = "model-access"

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
READ_LIVE = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True)
WRITES_FILES = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False)
WRITES_REMOTE = ToolAnnotations(
    read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=True
)

ModelArg = Annotated[
    str,
    Field(
        description="An OpenAI model id as written in code or an error, e.g. 'gpt-4o', 'openai/gpt-4.1', 'gpt4o'.",
        max_length=200,
    ),
]
EndpointArg = Annotated[
    str,
    Field(
        description=(
            "Endpoint in any spelling: 'chat.completions', '/v1/chat/completions', "
            "'client.responses.create', 'openai.ChatCompletion.create', 'embeddings', 'images.generate'…"
        ),
        max_length=200,
    ),
]

INSTRUCTIONS = """\
Resolves OpenAI "model_not_found" and neighbouring errors. Typical flow for a failing call:
1. diagnose_error with the pasted error text → the cause, evidence and fixes.
2. check_model_access (or list_accessible_models) → confirm against the caller's real key.
3. suggest_replacement / check_endpoint_for_model → the right id and SDK call.
4. scan_model_references then fix_model_references → fix every id in the code (diff first).
With an admin key, get_project_model_permissions / update_project_model_permissions read and,
only on confirmation, change the project's model allow/deny list.
Without OPENAI_API_KEY the answers come from the bundled catalog and say so."""


def _version() -> str:
    try:
        return version("model-access-mcp")
    except PackageNotFoundError:  # running from a source tree
        return "0.0.0+source"


class _Boundary:
    """Middleware: redact every outgoing result and error text; refuse unknown tools with -32602."""

    def __init__(self, server: MCPServer[Any]) -> None:
        self._server = server

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if ctx.method == "tools/call" and isinstance(ctx.params, dict):
            name = ctx.params.get("name")
            if isinstance(name, str) and self._server._tool_manager.get_tool(name) is None:
                # Window, then redact, then truncate: redaction costs at most the window, and a cut
                # key is no longer recognised, so the final cut happens after redaction.
                shown = clip(work.window(name, 1024), 100)
                raise MCPError(code=INVALID_PARAMS, message=f"Unknown tool: {shown}")
        try:
            result = await call_next(ctx)
        except MCPError as exc:
            error = exc.error
            message = redact(work.window(error.message, ERROR_WINDOW))
            data = redact_obj(_window_strings(error.data))  # the SDK puts the refused URI here
            raise MCPError(code=error.code, message=message, data=data) from None
        # A large result (a long diff, a big scan) is redacted off the loop; a small one inline, so
        # that it never queues behind heavy work for a worker thread.
        if _larger_than(result, INLINE_REDACT):
            try:
                redacted: HandlerResult = await work.run(_redact_result, result, what="Redacting the result")
            except ModelAccessError as exc:  # over budget or busy: say so, never send it unredacted
                raise MCPError(code=INTERNAL_ERROR, message=str(exc)) from None
            return redacted
        inline: HandlerResult = _redact_result(result)
        return inline


ERROR_WINDOW = 4 * 1024  # an error message is never longer than this on the wire
LIVE_AFTER_AT_MOST = 0.2  # an offline pass slower than this is not repeated on the loop for live facts


INLINE_REDACT = 32 * 1024  # characters of text below which a result is redacted on the loop


def _window_strings(value: Any) -> Any:
    if isinstance(value, str):
        return work.window(value, ERROR_WINDOW)
    if isinstance(value, dict):
        return {k: _window_strings(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_window_strings(v) for v in value]
    return value


def _larger_than(value: Any, limit: int) -> bool:
    """Whether the strings inside a result add up to more than `limit` (stops counting early)."""
    budget = [limit]

    def walk(item: Any) -> bool:
        if isinstance(item, str):
            budget[0] -= len(item)
        elif isinstance(item, BaseModel):
            return any(walk(getattr(item, name)) for name in type(item).model_fields)
        elif isinstance(item, dict):
            return any(walk(k) or walk(v) for k, v in item.items())
        elif isinstance(item, (list, tuple)):
            return any(walk(v) for v in item)
        return budget[0] < 0

    return walk(value)


def _redact_result(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, BaseModel):
        updates: dict[str, Any] = {}
        for name in type(value).model_fields:
            current = getattr(value, name)
            new = _redact_result(current)
            if new is not current:
                updates[name] = new
        return value.model_copy(update=updates) if updates else value
    if isinstance(value, list):
        items = [_redact_result(v) for v in value]
        return items if any(a is not b for a, b in zip(items, value, strict=True)) else value
    if isinstance(value, dict):
        changed = {k: _redact_result(v) for k, v in value.items()}
        return changed if any(changed[k] is not value[k] for k in value) else value
    return value


def _state(ctx: Context[Any, Any]) -> AppState:
    state = ctx.request_context.lifespan_context
    assert isinstance(state, AppState)
    return state


def _tool_error(exc: Exception) -> ToolError:
    # A service may quote the argument it refuses: window before redacting (redaction is linear,
    # but a megabyte of it on the loop is still a stall).
    return ToolError(redact(work.window(str(exc), ERROR_WINDOW)))


def create_server(config: Config) -> MCPServer[AppState]:
    # One state per server: resources, completions and every connection share the catalog and caches.
    shared = AppState(config)

    @asynccontextmanager
    async def lifespan(_: MCPServer[AppState]) -> AsyncIterator[AppState]:
        state = shared
        try:
            yield state
        finally:
            await state.aclose()

    app: MCPServer[AppState] = MCPServer(
        SERVER_NAME,
        title="Model access for OpenAI",
        version=_version(),
        instructions=INSTRUCTIONS,
        lifespan=lifespan,
    )
    app._lowlevel_server.middleware.append(_Boundary(app))

    # ------------------------------------------------------------------ tools

    @app.tool(
        title="List the models this key can call",
        annotations=READ_LIVE,
        description=(
            "List the models the configured OpenAI key/project can really call (live GET /v1/models through "
            "the openai SDK, cached 5 minutes), each with lifecycle, shutdown date and endpoints. Without a key "
            "it returns the bundled catalog with source='catalog' and a warning. Use it to confirm what is "
            "callable before choosing a replacement; filter with `endpoint`. Next: suggest_replacement or "
            "check_model_access for one model."
        ),
    )
    async def list_accessible_models(
        ctx: Context[Any, Any],
        endpoint: Annotated[EndpointArg | None, Field(description="Only models that serve this endpoint.")] = None,
        refresh: Annotated[bool, Field(description="Bypass the 5-minute cache.")] = False,
        provider: Annotated[
            Literal["auto", "openai", "azure", "compatible", "catalog"],
            Field(description="'auto' uses the configured provider; 'catalog' forces the offline catalog."),
        ] = "auto",
    ) -> AccessibleModels:
        try:
            return await access.list_accessible_models(_state(ctx), endpoint, refresh, provider)
        except (ModelAccessError, ValueError) as exc:
            raise _tool_error(exc) from None

    @app.tool(
        title="Check access to one model",
        annotations=READ_LIVE,
        description=(
            "Can the configured key call this model? Resolves the id tolerantly, then checks "
            "models.retrieve, the key's model list, the catalog and (with OPENAI_ADMIN_KEY) the project's "
            "allow/deny list. Verdict: accessible, not_listed, project_denied, retired, unknown_model, "
            "wrong_endpoint or unverifiable, with evidence and next steps. probe=true sends one minimal real "
            "request (smallest output limit) on the right endpoint — it may cost a fraction of a cent. "
            "Use after diagnose_error; next: suggest_replacement or update_project_model_permissions."
        ),
    )
    async def check_model_access(
        ctx: Context[Any, Any],
        model: ModelArg,
        endpoint: Annotated[EndpointArg | None, Field(description="The endpoint the call uses.")] = None,
        probe: Annotated[
            bool, Field(description="Send one minimal real request (may cost a fraction of a cent).")
        ] = False,
    ) -> AccessCheck:
        state = _state(ctx)
        try:
            return await state.live.check_access(model, endpoint, probe=probe)
        except (ModelAccessError, ValueError) as exc:
            raise _tool_error(exc) from None

    @app.tool(
        title="Diagnose an OpenAI error",
        annotations=READ_LIVE,
        description=(
            "Start here when an OpenAI call fails. Paste the error text exactly as seen — an SDK traceback, a "
            "JSON body, curl output, a LangChain/LiteLLM/Azure message, in any language. Returns one cause "
            "(category) with confidence, the facts parsed (status, code, model, project id, request id, "
            "endpoint), the evidence, ordered fixes (console page, code change, replacement model) and "
            "alternatives. API keys in the text are never echoed. With a key configured and live=true it "
            "checks the model against the key's real access. Next: check_model_access, suggest_replacement, "
            "or scan_model_references to find the id in code."
        ),
    )
    async def diagnose_error(
        ctx: Context[Any, Any],
        error: Annotated[str, Field(description="The error text as pasted (up to 5 MB; the end is what matters).")],
        model: Annotated[
            str | None, Field(description="The model id, if known and not in the text.", max_length=200)
        ] = None,
        endpoint: Annotated[EndpointArg | None, Field(description="The endpoint called, if known.")] = None,
        live: Annotated[bool, Field(description="Use the configured key's live facts when available.")] = True,
    ) -> Diagnosis:
        from .diagnosis import diagnose

        state = _state(ctx)
        try:
            # The offline analysis runs off the loop within a budget (in a child process for large
            # texts, where a regex could hold the interpreter lock); see _diagnose_off_loop.
            first, seconds = await _diagnose_off_loop(state, error, model, endpoint, ctx)
            if not live or not state.config.has_key:
                return first
            if seconds > LIVE_AFTER_AT_MOST:
                first.evidence.append(
                    f"Live facts were not checked: analysing this {len(error):,}-character text took "
                    f"{seconds:.1f} s; paste only the error's last lines to have it checked against your key."
                )
                return first
            return await diagnose(state, error, model=model, endpoint=endpoint, live=live)
        except (ModelAccessError, ValueError) as exc:
            raise _tool_error(exc) from None

    @app.tool(
        title="Suggest a replacement model",
        annotations=READ_ONLY,
        description=(
            "Ranked replacements for a model id: the intended id for a typo ('gpt4o' → 'gpt-4o'), the official "
            "replacement for a retired or deprecated model, or a same-tier model that serves the endpoint you "
            "need. Never suggests the input itself or a shut-down model. Each suggestion says why, its "
            "lifecycle, and (with live facts) whether your key can call it. Next: check_endpoint_for_model for "
            "the SDK call, then fix_model_references to change the code."
        ),
    )
    async def suggest_replacement(
        ctx: Context[Any, Any],
        model: ModelArg,
        endpoint: Annotated[EndpointArg | None, Field(description="Only suggest models that serve this.")] = None,
        limit: Annotated[int, Field(description="How many suggestions.", ge=1, le=50)] = 5,
    ) -> ReplacementAdvice:
        state = _state(ctx)
        try:
            canonical = endpoints.parse_endpoint(endpoint) if endpoint else None
            accessible, unavailable = await _accessibility(state)
            advice = await work.run(
                suggest.suggest_replacement,
                state.catalog,
                model,
                canonical,
                limit,
                accessible,
                session=_session(ctx),
                budget=state.config.work_budget,
            )
            if unavailable:
                advice.reason += f" (live facts unavailable: {unavailable})"
            return advice
        except (ModelAccessError, ValueError) as exc:
            raise _tool_error(exc) from None

    @app.tool(
        title="Check which endpoint a model needs",
        annotations=READ_ONLY,
        description=(
            "Does this model serve this endpoint? Returns the endpoints it serves, the recommended one and the "
            "exact openai-python call (e.g. embeddings → client.embeddings.create). Use for 'This is not a chat "
            "model', 'only supported in v1/responses' and similar errors. Next: fix the call in code, or "
            "suggest_replacement for a model that serves your endpoint."
        ),
    )
    def check_endpoint_for_model(ctx: Context[Any, Any], model: ModelArg, endpoint: EndpointArg) -> EndpointAdvice:
        try:
            return endpoints.check_endpoint_for_model(_state(ctx).catalog, model, endpoint)
        except (ModelAccessError, ValueError) as exc:
            raise _tool_error(exc) from None

    @app.tool(
        title="Find model ids in code",
        annotations=READ_ONLY,
        description=(
            "Find every OpenAI model id in a file or folder (Python, JS/TS, notebooks, .env, YAML, JSON, TOML, "
            "Markdown) with exact line/column, the SDK call it flows into, its lifecycle and the problem "
            "(unknown, retired, deprecated, wrong_endpoint, not_accessible) with a suggested id. Respects "
            ".gitignore and skips virtualenvs, node_modules, binaries. Only inside the server's allowed roots. "
            "Next: fix_model_references to get a diff."
        ),
    )
    async def scan_model_references(
        ctx: Context[Any, Any],
        path: Annotated[str, Field(description="Absolute path of a file or folder to scan.", max_length=4096)],
        include: Annotated[
            list[str] | None,
            Field(description="Glob patterns to include, e.g. ['src/**/*.py'].", max_length=100),
        ] = None,
        exclude: Annotated[
            list[str] | None,
            Field(description="Glob patterns to exclude, e.g. ['tests/**'].", max_length=100),
        ] = None,
    ) -> ScanResult:
        from .code import scan_for_tool

        try:
            return await work.within(
                SCAN_FACTOR * _state(ctx).config.work_budget, scan_for_tool, _state(ctx), path, include, exclude, ctx
            )
        except (ModelAccessError, ValueError) as exc:
            raise _tool_error(exc) from None

    @app.tool(
        title="Fix model ids in code",
        annotations=WRITES_FILES,
        description=(
            "Plan edits that replace problem model ids (retired → official replacement, typo → intended id) or "
            "apply an explicit {old: new} mapping, and return a unified diff. Writes nothing unless apply=true; "
            "then writes atomically, keeps encoding and line endings, stays inside `path`, and refuses a file "
            "that changed since it was planned. Show the diff to the user before applying."
        ),
    )
    async def fix_model_references(
        ctx: Context[Any, Any],
        path: Annotated[str, Field(description="Absolute path of a file or folder.", max_length=4096)],
        replacements: Annotated[
            dict[str, str] | None,
            Field(description="Explicit mapping {old_id: new_id}; default: the scan's suggestions."),
        ] = None,
        apply: Annotated[bool, Field(description="Write the changes (default: only show the diff).")] = False,
    ) -> FixResult:
        from .code import fix_for_tool

        try:
            # Planning only is bounded; once writing has begun it is left to finish atomically.
            if apply:
                return await fix_for_tool(_state(ctx), path, replacements, apply)
            return await work.within(
                SCAN_FACTOR * _state(ctx).config.work_budget, fix_for_tool, _state(ctx), path, replacements, apply
            )
        except (ModelAccessError, ValueError) as exc:
            raise _tool_error(exc) from None
        except OSError as exc:
            # A failed write (disk full, quota, I/O error) used to surface as the SDK's opaque
            # "Error executing tool fix_model_references". Each file is replaced atomically, so
            # none is half-written; name the cause so the user can act on it.
            where = f" ({exc.filename})" if exc.filename else ""
            raise ToolError(
                redact(
                    f"Could not write the changes: {exc.strerror or exc}{where}. Files are replaced "
                    "atomically, so none is half-written; free the space (or fix the cause) and run "
                    "fix_model_references again to see what remains."
                )
            ) from None

    @app.tool(
        title="Read a project's model allow/deny list",
        annotations=READ_LIVE,
        description=(
            "Read a project's model permissions (the console's Project → Limits → Model usage): mode "
            "allow_list, deny_list or none, and the model ids. Needs OPENAI_ADMIN_KEY. Use when an error says "
            "'Project proj_… does not have access to model …'. Next: update_project_model_permissions."
        ),
    )
    async def get_project_model_permissions(
        ctx: Context[Any, Any],
        project_id: Annotated[
            str | None, Field(description="proj_…; default OPENAI_PROJECT_ID.", max_length=100)
        ] = None,
    ) -> ProjectPermissions:
        try:
            return await _state(ctx).live.get_permissions(project_id)
        except (ModelAccessError, ValueError) as exc:
            raise _tool_error(exc) from None

    @app.tool(
        title="Change a project's model allow/deny list",
        annotations=WRITES_REMOTE,
        description=(
            "Change a project's model permissions with an admin key: add models to an allow list (`allow`), "
            "remove them from a deny list (`unblock`), or delete the policy (`remove_restriction`). Computes "
            "the new policy from the current one, never drops ids it was not asked to change, and shows "
            "before/after. It writes only after the user confirms (an elicitation prompt where the client "
            "supports it, else only with confirm=true), then reads the policy back."
        ),
    )
    async def update_project_model_permissions(
        ctx: Context[Any, Any],
        project_id: Annotated[str, Field(description="The project, proj_….", min_length=1, max_length=100)],
        decision: Annotated[ElicitationResult[Approval], Resolve(_ask_before_writing)],
        allow: Annotated[
            list[str] | None, Field(description="Model ids to add to the allow list.", max_length=100)
        ] = None,
        unblock: Annotated[
            list[str] | None, Field(description="Model ids to remove from the deny list.", max_length=100)
        ] = None,
        remove_restriction: Annotated[bool, Field(description="Delete the policy entirely.")] = False,
        confirm: Annotated[bool, Field(description="Apply without asking (when the client cannot ask).")] = False,
    ) -> PermissionsChange:
        from .live.permissions import approval_from, update_with_confirmation

        try:
            return await update_with_confirmation(
                _state(ctx),
                ctx,
                project_id,
                allow or [],
                unblock or [],
                remove_restriction,
                confirm,
                approval=approval_from(decision),
            )
        except (ModelAccessError, ValueError) as exc:
            raise _tool_error(exc) from None

    # ------------------------------------------------------------------ resources

    @app.resource(
        "catalog://models",
        name="catalog-models",
        title="OpenAI model catalog",
        description="Every known OpenAI model id with family, endpoints, lifecycle, replacement and sources.",
        mime_type="application/json",
    )
    def catalog_models() -> str:
        catalog = shared.catalog
        return json.dumps(
            {
                "as_of": catalog.as_of.isoformat(),
                "today": catalog.today.isoformat(),
                "models": [_record_json(catalog, r) for r in sorted(catalog.records.values(), key=lambda r: r.id)],
            },
            indent=1,
        )

    @app.resource(
        "catalog://models/{model_id}",
        name="catalog-model",
        title="One catalog model",
        description="One model's catalog entry (tolerant id match).",
        mime_type="application/json",
    )
    def catalog_model(model_id: str) -> str:
        catalog = shared.catalog
        # A model id is short: a huge one is not resolved, only its windowed head is echoed.
        record = catalog.resolve(model_id).record if len(model_id) <= 1024 else None
        if record is None:
            raise ResourceNotFoundError(
                f"{clip(work.window(model_id, 1024), 100)!r} is not in the catalog; call suggest_replacement "
                "for the closest ids"
            )
        return json.dumps(_record_json(catalog, record), indent=1)

    @app.resource(
        "catalog://shutdowns",
        name="catalog-shutdowns",
        title="Upcoming model shutdowns",
        description="Models with an announced shutdown date after today, soonest first, with replacements.",
        mime_type="application/json",
    )
    def catalog_shutdowns() -> str:
        catalog = shared.catalog
        return json.dumps(
            {
                "today": catalog.today.isoformat(),
                "shutdowns": [_record_json(catalog, r) for r in catalog.upcoming_shutdowns()],
            },
            indent=1,
        )

    # ------------------------------------------------------------------ prompt and completion

    @app.prompt(
        name="troubleshoot_model_error",
        title="Troubleshoot a failing OpenAI call",
        description="Walk through a failing call: diagnose → confirm against the live key → fix the code.",
    )
    def troubleshoot_model_error(error: str, path: str | None = None) -> str:
        where = f" The code is in {redact(work.window(path, 4096))}." if path else ""
        return (
            "An OpenAI API call fails with the error below." + where + "\n"
            "1. Call diagnose_error with the full error text. Report the category, the evidence and the first fix.\n"
            "2. If a model is involved, call check_model_access for it (and list_accessible_models if useful) "
            "to confirm against the real key; say whether live facts were available.\n"
            "3. Call suggest_replacement (with the endpoint) and check_endpoint_for_model to pick the right id "
            "and SDK call.\n"
            "4. If the fix is in code, call scan_model_references on the project, then fix_model_references "
            "without apply; show the diff and apply only when the user agrees.\n"
            "5. If the project's allow/deny list blocks the model and an admin key is configured, show "
            "get_project_model_permissions and offer update_project_model_permissions (it asks before writing).\n"
            "Never print API keys.\n\nError:\n" + redact(work.window(error, PROMPT_WINDOW))
        )

    @app.completion()  # type: ignore[no-untyped-call, untyped-decorator]
    async def complete(ref: Any, argument: Any, context: Any) -> Completion | None:
        if argument.name not in ("model_id", "model"):
            return None
        catalog = shared.catalog
        prefix = str(argument.value).lower()
        values = [m for m in sorted(catalog.records) if m.startswith(prefix)]
        return Completion(values=values[:100], total=len(values), has_more=len(values) > 100)

    return app


async def _ask_before_writing(
    project_id: str,
    ctx: Context[Any, Any],
    allow: list[str] | None = None,
    unblock: list[str] | None = None,
    remove_restriction: bool = False,
    confirm: bool = False,
) -> Any:
    """Ask the user to approve the planned change, where the client can be asked (both protocol eras).

    Returns None when there is nothing to ask (confirm=true, no elicitation support, or the plan
    cannot be made — the tool body then reports why).
    """
    if confirm:
        return None
    capabilities = ctx.client_capabilities
    if capabilities is None or capabilities.elicitation is None:
        return None
    from .live.permissions import describe, plan_change

    try:
        state = _state(ctx)
        before = await state.live.get_permissions(project_id)
        after = plan_change(before, allow or [], unblock or [], remove_restriction)
    except ModelAccessError:
        return None
    if after.mode == before.mode and after.model_ids == before.model_ids:
        return None
    return Elicit(redact(describe(before, after)) + ". Apply this change?", Approval)


async def _accessibility(state: AppState) -> tuple[Any, str | None]:
    """A `model id → bool` look-up from the live list when a key is configured, and why not when the
    list is not at hand. Offline tools never wait on the network: only a list already fetched (or
    arriving within a fraction of a second) is used."""
    if not state.config.has_key:
        return None, None
    try:
        listed, reason = await state.live.cached_ids()
    except ModelAccessError as exc:
        return None, str(exc)
    if listed is None:
        return None, reason
    return (lambda model_id: model_id in listed), None


def _session(ctx: Context[Any, Any]) -> Any:
    """The client connection a request came on (for per-session limits)."""
    try:
        return ctx.request_context.session
    except (AttributeError, ValueError):
        return None


SCAN_FACTOR = 4  # a scan or fix plan may take this many work budgets (a large tree on a slow disk)
PROMPT_WINDOW = 8 * 1024  # the prompt quotes at most this much of the error text (its end matters)


async def _diagnose_off_loop(
    state: AppState, error: str, model: str | None, endpoint: str | None, ctx: Context[Any, Any]
) -> tuple[Diagnosis, float]:
    """The offline diagnosis and how long it took. Large texts go to a child process that is killed
    on overrun (a backtracking regex holds the interpreter lock, so a thread would not help);
    short ones to a worker thread."""
    import time

    from .diagnosis import diagnose_offline

    start = time.monotonic()
    result: Diagnosis
    if len(error) > work.ISOLATE_ABOVE:
        today = state.catalog.today.isoformat()
        result = await work.run_isolated(
            work.diagnose_in_child,
            today,
            error,
            model,
            endpoint,
            budget=state.config.work_budget,
            what="Analysing this error text",
        )
    else:
        result = await work.run(
            diagnose_offline,
            state.catalog,
            error,
            model=model,
            endpoint=endpoint,
            budget=state.config.work_budget,
            session=_session(ctx),
            what="Analysing this error text",
        )
    return result, time.monotonic() - start


def _record_json(catalog: Any, record: Any) -> dict[str, Any]:
    return {
        "id": record.id,
        "family": record.family,
        "tier": record.tier,
        "lifecycle": catalog.lifecycle(record),
        "shutdown_date": record.shutdown_date.isoformat() if record.shutdown_date else None,
        "endpoints": list(record.endpoints),
        "replacements": list(record.replacements),
        "replacement_note": record.replacement_note,
        "gates": list(record.gates),
        "snapshot_of": record.snapshot_of,
        "alias_of": record.alias_of,
        "notes": list(record.notes),
        "sources": {k: list(v) for k, v in record.sources.items()},
        "origin": record.origin,
    }


def main(argv: list[str] | None = None) -> None:
    """Console script `model-access-mcp`: serve MCP over stdio."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="model-access-mcp",
        description="MCP server (stdio) that resolves OpenAI model_not_found errors. "
        "Configure with OPENAI_API_KEY, OPENAI_PROJECT_ID, OPENAI_ADMIN_KEY, OPENAI_BASE_URL, "
        "AZURE_OPENAI_ENDPOINT/AZURE_OPENAI_API_KEY; MODEL_ACCESS_ROOTS limits the folders it may read/write.",
    )
    parser.add_argument("--root", action="append", default=[], help="allowed folder for scan/fix (repeatable)")
    parser.add_argument("--version", action="version", version=_version())
    args = parser.parse_args(argv)
    serve_stdio(tuple(args.root))


def serve_stdio(roots: tuple[str, ...] = ()) -> None:
    install_log_redaction()
    try:
        config = load_config(roots=roots)
    except ConfigError as exc:
        print(f"model-access-mcp: {redact(str(exc))}", file=sys.stderr)
        raise SystemExit(2) from None
    create_server(config).run()
