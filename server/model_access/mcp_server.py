"""The MCP front end: nine tools, three resources, one prompt — thin adapters over the services.

`create_server(config)` builds the server; `main()` reads the environment once and serves
stdio. Nothing heavy is imported here: the `openai` SDK, rapidfuzz and the catalog file are
loaded by the first tool call that needs them. Every result passes one redaction boundary
(`_Boundary`) on its way out, which also answers an unknown tool name with JSON-RPC -32602
as the specification asks (mcp 2.3.0 would answer with an isError result).
"""

from __future__ import annotations

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

from . import access, endpoints, mcp_shape, work
from .config import Config, ConfigError, load_config
from .errors import ModelAccessError
from .live.permissions import Approval
from .redact import clip, install_log_redaction, redact, redact_obj, redact_window
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
        description="As written, e.g. 'openai/gpt-4.1'.",
        max_length=200,
    ),
]
EndpointArg = Annotated[
    str,
    Field(
        description="Any spelling, e.g. '/v1/responses'.",
        max_length=200,
    ),
]


def _version() -> str:
    try:
        return version("model-access-mcp")
    except PackageNotFoundError:  # running from a source tree
        return "0.0.0+source"


class _Boundary:
    """Middleware: redact every outgoing result and error text; refuse unknown tools with -32602."""

    def __init__(self, server: MCPServer[Any]) -> None:
        self._server = server
        self.resource_sizes: Any = None  # set by create_server: {uri: bytes} of the fixed resources
        self.why_no_admin: str | None = None  # set by create_server: why the admin tools are hidden

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if ctx.method == "tools/call" and isinstance(ctx.params, dict):
            name = ctx.params.get("name")
            tool = self._server._tool_manager.get_tool(name) if isinstance(name, str) else None
            if isinstance(name, str) and tool is None:
                if name in mcp_shape.ADMIN_TOOLS:  # hidden without an admin key: say so in one line
                    return mcp_shape.admin_key_missing(name, self.why_no_admin)
                # Window, then redact, then truncate: redaction costs at most the window, and a cut
                # key is no longer recognised, so the final cut happens after redaction.
                shown = clip(work.window(name, 1024), 100)
                raise MCPError(code=INVALID_PARAMS, message=f"Unknown tool: {shown}")
            arguments = ctx.params.get("arguments")
            if tool is not None and isinstance(arguments, dict | None):
                refused = mcp_shape.argument_error(tool, str(name), arguments or {})
                if refused is not None:
                    return refused
        try:
            result = await call_next(ctx)
        except MCPError as exc:
            error = exc.error
            message = redact(work.window(error.message, ERROR_WINDOW))
            data = redact_obj(_window_strings(error.data))  # the SDK puts the refused URI here
            raise MCPError(code=error.code, message=message, data=data) from None
        if ctx.method == "tools/call" and isinstance(ctx.params, dict):
            result = mcp_shape.shape_result(str(ctx.params.get("name")), result)
        elif ctx.method == "resources/list" and self.resource_sizes is not None:
            result = mcp_shape.with_sizes(result, self.resource_sizes)
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
        instructions=mcp_shape.instructions(config),
        lifespan=lifespan,
    )
    boundary = _Boundary(app)
    boundary.why_no_admin = config.admin_unavailable
    app._lowlevel_server.middleware.append(boundary)
    # Tools that call the API when a key is set say so (openWorldHint); without a key they read only the catalog.
    live = READ_LIVE if config.has_key else READ_ONLY

    # ------------------------------------------------------------------ tools

    @app.tool(
        title="List callable models",
        annotations=live,
        description=(
            "Models this key can call (live) with lifecycle, shutdown date and endpoints; without a key, "
            "the bundled catalog (source='catalog'). Next: check_model_access."
        ),
    )
    async def list_accessible_models(
        ctx: Context[Any, Any],
        endpoint: Annotated[EndpointArg | None, Field()] = None,
        refresh: bool = False,
        provider: Annotated[
            Literal["auto", "openai", "azure", "compatible", "catalog"],
            Field(description="'catalog' forces the offline catalog."),
        ] = "auto",
        search: Annotated[
            str | None, Field(description="Part of an id, e.g. 'gpt-5', 'embedding'.", max_length=200)
        ] = None,
        lifecycle: Annotated[Literal["any", "active", "deprecated", "shutdown"], Field()] = "any",
        limit: Annotated[int, Field(ge=1, le=1000)] = access.DEFAULT_LIMIT,
    ) -> AccessibleModels:
        try:
            return await access.list_accessible_models(
                _state(ctx), endpoint, refresh, provider, search, lifecycle, limit
            )
        except (ModelAccessError, ValueError) as exc:
            raise _tool_error(exc) from None

    @app.tool(
        title="Check access to one model",
        annotations=live,
        description=(
            "Can the configured key call this model? Verdict (accessible, not_listed, project_denied, "
            "retired, unknown_model, wrong_endpoint, unverifiable) with evidence and next steps."
        ),
    )
    async def check_model_access(
        ctx: Context[Any, Any],
        model: ModelArg,
        endpoint: Annotated[EndpointArg | None, Field()] = None,
        probe: Annotated[bool, Field(description="Send one tiny real request.")] = False,
    ) -> AccessCheck:
        state = _state(ctx)
        try:
            return await state.live.check_access(model, endpoint, probe=probe)
        except (ModelAccessError, ValueError) as exc:
            raise _tool_error(exc) from None

    @app.tool(
        title="Diagnose an OpenAI error",
        annotations=live,
        description=(
            "Start here when an OpenAI call fails: pass the error text. Returns the cause (category, "
            "confidence), parsed facts, evidence, ordered fixes. Next: the first fix or check_model_access."
        ),
    )
    async def diagnose_error(
        ctx: Context[Any, Any],
        error: Annotated[str, Field(description="The error text as pasted.")],
        model: Annotated[str | None, Field(description="The model, if not in the text.", max_length=200)] = None,
        endpoint: Annotated[EndpointArg | None, Field()] = None,
        live: bool = True,
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
        annotations=live,
        description=(
            "Ranked replacements for a model id: the intended id for a typo, the successor of a retired or "
            "deprecated model, or one serving your endpoint. Next: fix_model_references."
        ),
    )
    async def suggest_replacement(
        ctx: Context[Any, Any],
        model: ModelArg,
        endpoint: Annotated[EndpointArg | None, Field()] = None,
        limit: Annotated[int, Field(ge=1, le=50)] = 5,
    ) -> ReplacementAdvice:
        state = _state(ctx)
        try:
            canonical = endpoints.parse_endpoint(endpoint) if endpoint else None
            from .judgment import advice_for, gather_offline

            facts, unavailable = await gather_offline(state, model, canonical)
            advice = await work.run(
                advice_for, state.catalog, facts, limit, session=_session(ctx), budget=state.config.work_budget
            )
            if unavailable:
                advice.reason += f" (live facts unavailable: {unavailable})"
            return advice
        except (ModelAccessError, ValueError) as exc:
            raise _tool_error(exc) from None

    @app.tool(
        title="Check a model's endpoint",
        annotations=READ_ONLY,
        description=(
            "Does this model serve this endpoint? The endpoints it serves, the recommended one and its "
            "openai-python call. For 'not a chat model' or 'only supported in v1/responses'."
        ),
    )
    def check_endpoint_for_model(ctx: Context[Any, Any], model: ModelArg, endpoint: EndpointArg) -> EndpointAdvice:
        try:
            return endpoints.check_endpoint_for_model(_state(ctx).catalog, model, endpoint)
        except (ModelAccessError, ValueError) as exc:
            raise _tool_error(exc) from None

    @app.tool(
        title="Find model ids in code",
        annotations=live,
        description=(
            "Find OpenAI model ids in a file or folder: location, SDK call, lifecycle, problem (unknown, "
            "retired, deprecated, wrong_endpoint, not_accessible), suggestion; a summary, then up to `limit` "
            "references. Next: fix_model_references."
        ),
    )
    async def scan_model_references(
        ctx: Context[Any, Any],
        path: Annotated[
            str, Field(description="File or folder (relative: in the first allowed folder).", max_length=4096)
        ],
        include: Annotated[
            list[str] | None,
            Field(description="e.g. ['src/**/*.py']", max_length=100),
        ] = None,
        exclude: Annotated[
            list[str] | None,
            Field(description="e.g. ['tests/**']", max_length=100),
        ] = None,
        limit: Annotated[int, Field(description="References shown (the summary counts all).", ge=1, le=2000)] = 100,
        problems_only: bool = False,
        cursor: Annotated[str | None, Field(description="The last page's summary.next_cursor.", max_length=200)] = None,
    ) -> ScanResult:
        from .code import scan_for_tool

        where = mcp_shape.resolve_relative(path, config.roots)
        try:
            return await work.within(
                SCAN_FACTOR * _state(ctx).config.work_budget,
                scan_for_tool,
                _state(ctx),
                where,
                include,
                exclude,
                ctx,
                limit,
                problems_only,
                cursor,
            )
        except (ModelAccessError, ValueError) as exc:
            raise ToolError(redact_window(mcp_shape.explain_relative(path, where, str(exc)), 2048, 512)) from None

    @app.tool(
        title="Fix model ids in code",
        annotations=WRITES_FILES,
        description=(
            "Replace problem model ids (retired → successor, typo → intended id) or by {old: new}; returns a "
            "unified diff and its `digest`. Show the diff to the user: writes only with apply=true and that "
            "digest, refusing if anything changed."
        ),
    )
    async def fix_model_references(
        ctx: Context[Any, Any],
        path: Annotated[str, Field(description="File or folder, as for scan.", max_length=4096)],
        replacements: Annotated[
            dict[str, str] | None,
            Field(description="Default: the scan's suggestions."),
        ] = None,
        apply: bool = False,
        digest: Annotated[
            str | None, Field(description="With apply=true: the shown diff's digest.", max_length=100)
        ] = None,
    ) -> FixResult:
        from .code import fix_for_tool

        where = mcp_shape.resolve_relative(path, config.roots)
        try:
            # Planning only is bounded; once writing has begun it is left to finish atomically.
            if apply:
                return await fix_for_tool(_state(ctx), where, replacements, apply, digest)
            return await work.within(
                SCAN_FACTOR * _state(ctx).config.work_budget,
                fix_for_tool,
                _state(ctx),
                where,
                replacements,
                apply,
                digest,
            )
        except (ModelAccessError, ValueError) as exc:
            raise ToolError(redact_window(mcp_shape.explain_relative(path, where, str(exc)), 2048, 512)) from None
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
        title="Read project model permissions",
        annotations=READ_LIVE,
        description=(
            "Read a project's model allow/deny list (console: Project → Limits) with the admin key, for "
            "'Project proj_… does not have access to model …'. Next: update_project_model_permissions."
        ),
    )
    async def get_project_model_permissions(
        ctx: Context[Any, Any],
        project_id: Annotated[str | None, Field(description="Default: OPENAI_PROJECT_ID.", max_length=100)] = None,
    ) -> ProjectPermissions:
        try:
            return await _state(ctx).live.get_permissions(project_id)
        except (ModelAccessError, ValueError) as exc:
            raise _tool_error(exc) from None

    @app.tool(
        title="Change project model permissions",
        annotations=WRITES_REMOTE,
        description=(
            "Change a project's model allow/deny list (admin key): `allow` adds, `unblock` removes from a deny "
            "list, `remove_restriction` deletes it. Returns the plan and `plan_digest`; writes only what the user "
            "approves (the client asks, or confirm=true with plan_digest)."
        ),
    )
    async def update_project_model_permissions(
        ctx: Context[Any, Any],
        project_id: Annotated[str, Field(description="proj_…", min_length=1, max_length=100)],
        shown: Annotated[_ShownPlan | None, Resolve(_plan_to_show)],
        decision: Annotated[ElicitationResult[Approval], Resolve(_ask_before_writing)],
        allow: Annotated[list[str] | None, Field(max_length=100)] = None,
        unblock: Annotated[list[str] | None, Field(max_length=100)] = None,
        remove_restriction: bool = False,
        confirm: Annotated[bool, Field(description="Only if the client cannot ask.")] = False,
        plan_digest: Annotated[str | None, Field(description="The approved plan's digest.", max_length=64)] = None,
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
                asked_digest=shown.digest if shown is not None else None,
                plan_digest_arg=plan_digest,
            )
        except (ModelAccessError, ValueError) as exc:
            raise _tool_error(exc) from None

    mcp_shape.shape_tools(app, config)

    # ------------------------------------------------------------------ resources

    @app.resource(
        "catalog://models",
        name="catalog-models",
        title="OpenAI model catalog",
        description=(
            "Every known OpenAI model id with family, endpoints, lifecycle, replacement and sources (large: "
            "see size; catalog://models/page/1 reads it in pages)."
        ),
        mime_type="application/json",
    )
    def catalog_models() -> str:
        catalog = shared.catalog
        return mcp_shape.render(
            {
                "as_of": catalog.as_of.isoformat(),
                "today": catalog.today.isoformat(),
                "models": [_record_json(catalog, r) for r in sorted(catalog.records.values(), key=lambda r: r.id)],
            }
        )

    @app.resource(
        "catalog://models/page/{page}",
        name="catalog-models-page",
        title="OpenAI model catalog, one page",
        description=f"{mcp_shape.PAGE_SIZE} catalog models per page, from page 1; each page names the next.",
        mime_type="application/json",
    )
    def catalog_models_page(page: str) -> str:
        catalog = shared.catalog
        records = [_record_json(catalog, r) for r in sorted(catalog.records.values(), key=lambda r: r.id)]
        try:
            return mcp_shape.catalog_page(records, catalog.as_of.isoformat(), page)
        except ValueError as exc:
            raise ResourceNotFoundError(str(exc)) from None

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
        return mcp_shape.render(_record_json(catalog, record))

    @app.resource(
        "catalog://shutdowns",
        name="catalog-shutdowns",
        title="Upcoming model shutdowns",
        description="Models with an announced shutdown date after today, soonest first, with replacements.",
        mime_type="application/json",
    )
    def catalog_shutdowns() -> str:
        catalog = shared.catalog
        return mcp_shape.render(
            {
                "today": catalog.today.isoformat(),
                "shutdowns": [_record_json(catalog, r) for r in catalog.upcoming_shutdowns()],
            }
        )

    boundary.resource_sizes = lambda: {
        "catalog://models": len(catalog_models().encode()),
        "catalog://shutdowns": len(catalog_shutdowns().encode()),
    }

    # ------------------------------------------------------------------ prompt and completion

    @app.prompt(
        name="troubleshoot_model_error",
        title="Troubleshoot a failing OpenAI call",
        description="Walk through a failing call: diagnose → confirm against the live key → fix the code.",
    )
    def troubleshoot_model_error(
        error: Annotated[str, Field(description="The failing call's error text, exactly as seen.")],
        path: Annotated[
            str | None, Field(description="Optional: the project folder with the code that makes the call.")
        ] = None,
    ) -> str:
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
            "Never print API keys.\n\nError:\n" + redact_window(error)
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


class _ShownPlan(BaseModel):
    digest: str
    question: str


async def _plan_to_show(
    project_id: str,
    ctx: Context[Any, Any],
    allow: list[str] | None = None,
    unblock: list[str] | None = None,
    remove_restriction: bool = False,
) -> _ShownPlan | None:
    """The plan the user is asked about (None when it cannot be made: the tool body then says why)."""
    from .live.permissions import plan_for

    try:
        plan = await plan_for(_state(ctx), project_id, allow or [], unblock or [], remove_restriction)
    except ModelAccessError:
        return None
    if not plan.changes:
        return None
    return _ShownPlan(digest=plan.digest, question=plan.question())


async def _ask_before_writing(
    ctx: Context[Any, Any], shown: Annotated[_ShownPlan | None, Resolve(_plan_to_show)]
) -> Any:
    """Ask the user to approve exactly this plan, whenever the client can be asked (both protocol eras).

    confirm=true never skips the question: it only stands in for clients that cannot ask. The
    digest is part of the question, so an answer given to one plan never approves another.
    """
    capabilities = ctx.client_capabilities
    if shown is None or capabilities is None or capabilities.elicitation is None:
        return None
    return Elicit(redact(shown.question), Approval)


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
