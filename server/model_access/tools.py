"""The nine MCP tools: thin adapters from arguments to the services, one function each.

Each tool reads the shared `AppState` from its context, calls one service and returns its typed
result. Anticipated failures (`ModelAccessError`, see errors.py) are mapped to an MCP tool error in
one place, `_answers`, which `register` wraps around every tool; anything else is a bug that the SDK
reports without its text. `register` adds the tools through the SDK's public `add_tool`, leaving out
the admin tools where no admin key may be used.
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from mcp.server import MCPServer
from mcp.server.mcpserver import Context, Elicit, ElicitationResult, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import BaseModel, Field

from . import access, endpoints, mcp_shape, work
from .boundary import error_text
from .config import Config
from .errors import MAX_MODEL_ID, ModelAccessError
from .live.permissions import Approval
from .redact import redact
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

Ctx = Context[AppState, Any]

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
READ_LIVE = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True)
WRITES_FILES = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False)
WRITES_REMOTE = ToolAnnotations(
    read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=True
)

LIVE_AFTER_AT_MOST = 0.2  # an offline pass slower than this is not repeated on the loop for live facts
SCAN_FACTOR = 4  # a scan or fix plan may take this many work budgets (a large tree on a slow disk)

ModelArg = Annotated[str, Field(description="As written, e.g. 'openai/gpt-4.1'.", max_length=MAX_MODEL_ID)]
EndpointArg = Annotated[str, Field(description="Any spelling, e.g. '/v1/responses'.", max_length=200)]
PathArg = Annotated[str, Field(description="File or folder (relative: in the first allowed folder).", max_length=4096)]


def state_of(ctx: Ctx) -> AppState:
    return ctx.request_context.lifespan_context


def _session(ctx: Ctx) -> object | None:
    """The client connection a request came on (for per-session limits)."""
    try:
        session: object = ctx.request_context.session
    except (AttributeError, ValueError):
        return None
    return session


# ------------------------------------------------------------------ the tools


async def list_accessible_models(
    ctx: Ctx,
    endpoint: Annotated[EndpointArg | None, Field()] = None,
    refresh: bool = False,
    provider: Annotated[
        Literal["auto", "openai", "azure", "compatible", "catalog"],
        Field(description="'catalog' forces the offline catalog."),
    ] = "auto",
    search: Annotated[
        str | None, Field(description="Part of an id, e.g. 'gpt-5', 'embedding'.", max_length=200)
    ] = None,
    lifecycle: Annotated[access.LifecycleChoice, Field()] = "any",
    limit: Annotated[int, Field(ge=1, le=1000)] = access.DEFAULT_LIMIT,
) -> AccessibleModels:
    return await access.list_accessible_models(state_of(ctx), endpoint, refresh, provider, search, lifecycle, limit)


async def check_model_access(
    ctx: Ctx,
    model: ModelArg,
    endpoint: Annotated[EndpointArg | None, Field()] = None,
    probe: Annotated[bool, Field(description="Send one tiny real request.")] = False,
) -> AccessCheck:
    return await state_of(ctx).live.check_access(model, endpoint, probe=probe)


async def diagnose_error(
    ctx: Ctx,
    error: Annotated[str, Field(description="The error text as pasted.")],
    model: Annotated[str | None, Field(description="The model, if not in the text.", max_length=MAX_MODEL_ID)] = None,
    endpoint: Annotated[EndpointArg | None, Field()] = None,
    live: bool = True,
) -> Diagnosis:
    from .diagnosis import diagnose

    state = state_of(ctx)
    # The offline analysis; long texts off the loop within a budget (see _diagnose_off_loop).
    first, seconds = await _diagnose_off_loop(state, error, model, endpoint, ctx)
    if not live or not state.config.has_key:
        return first
    if seconds > LIVE_AFTER_AT_MOST:
        note = (
            f"Live facts were not checked: analysing this {len(error):,}-character text took "
            f"{seconds:.1f} s; paste only the error's last lines to have it checked against your key."
        )
        return first.model_copy(update={"evidence": [*first.evidence, note]})  # `first` may be shared
    return await diagnose(state, error, model=model, endpoint=endpoint, live=live)


async def suggest_replacement(
    ctx: Ctx,
    model: ModelArg,
    endpoint: Annotated[EndpointArg | None, Field()] = None,
    limit: Annotated[int, Field(ge=1, le=50)] = 5,
) -> ReplacementAdvice:
    from .judgment import advice_for, gather_offline

    state = state_of(ctx)
    canonical = endpoints.parse_endpoint(endpoint) if endpoint else None
    facts, unavailable = await gather_offline(state, model, canonical)
    advice = await work.run(
        advice_for, state.catalog, facts, limit, session=_session(ctx), budget=state.config.work_budget
    )
    if unavailable:
        advice.reason += f" (live facts unavailable: {unavailable})"
    return advice


def check_endpoint_for_model(ctx: Ctx, model: ModelArg, endpoint: EndpointArg) -> EndpointAdvice:
    return endpoints.check_endpoint_for_model(state_of(ctx).catalog, model, endpoint)


async def scan_model_references(
    ctx: Ctx,
    path: PathArg,
    include: Annotated[list[str] | None, Field(description="e.g. ['src/**/*.py']", max_length=100)] = None,
    exclude: Annotated[list[str] | None, Field(description="e.g. ['tests/**']", max_length=100)] = None,
    limit: Annotated[int, Field(description="References shown (the summary counts all).", ge=1, le=2000)] = 100,
    problems_only: bool = False,
    cursor: Annotated[str | None, Field(description="The last page's summary.next_cursor.", max_length=200)] = None,
) -> ScanResult:
    from .code import scan_for_tool

    state = state_of(ctx)
    where = mcp_shape.resolve_relative(path, state.config.roots)
    return await work.within(
        SCAN_FACTOR * state.config.work_budget,
        scan_for_tool,
        state,
        where,
        include,
        exclude,
        ctx,
        limit,
        problems_only,
        cursor,
    )


async def fix_model_references(
    ctx: Ctx,
    path: Annotated[str, Field(description="File or folder, as for scan.", max_length=4096)],
    replacements: Annotated[dict[str, str] | None, Field(description="Default: the scan's suggestions.")] = None,
    apply: bool = False,
    digest: Annotated[
        str | None, Field(description="With apply=true: the shown diff's digest.", max_length=100)
    ] = None,
) -> FixResult:
    from .code import fix_for_tool

    state = state_of(ctx)
    where = mcp_shape.resolve_relative(path, state.config.roots)
    if apply:  # planning only is bounded; once writing has begun it is left to finish atomically
        return await fix_for_tool(state, where, replacements, apply, digest)
    return await work.within(
        SCAN_FACTOR * state.config.work_budget, fix_for_tool, state, where, replacements, apply, digest
    )


async def get_project_model_permissions(
    ctx: Ctx,
    project_id: Annotated[str | None, Field(description="Default: OPENAI_PROJECT_ID.", max_length=100)] = None,
) -> ProjectPermissions:
    return await state_of(ctx).live.get_permissions(project_id)


class ShownPlan(BaseModel):
    """The plan a user is asked to approve, and its digest."""

    digest: str
    question: str


async def _plan_to_show(
    project_id: str,
    ctx: Ctx,
    allow: list[str] | None = None,
    unblock: list[str] | None = None,
    remove_restriction: bool = False,
) -> ShownPlan | None:
    """The plan the user is asked about (None when it cannot be made: the tool body then says why)."""
    from .live.permissions import plan_for

    try:
        plan = await plan_for(state_of(ctx), project_id, allow or [], unblock or [], remove_restriction)
    except ModelAccessError:
        return None
    if not plan.changes:
        return None
    return ShownPlan(digest=plan.digest, question=plan.question())


async def _ask_before_writing(ctx: Ctx, shown: Annotated[ShownPlan | None, Resolve(_plan_to_show)]) -> Any:
    """Ask the user to approve exactly this plan, whenever the client can be asked (both protocol eras).

    confirm=true never skips the question: it only stands in for clients that cannot ask. The
    digest is part of the question, so an answer given to one plan never approves another.
    """
    capabilities = ctx.client_capabilities
    if shown is None or capabilities is None or capabilities.elicitation is None:
        return None
    return Elicit(redact(shown.question), Approval)


async def update_project_model_permissions(
    ctx: Ctx,
    project_id: Annotated[str, Field(description="proj_…", min_length=1, max_length=100)],
    shown: Annotated[ShownPlan | None, Resolve(_plan_to_show)],
    decision: Annotated[ElicitationResult[Approval], Resolve(_ask_before_writing)],
    allow: Annotated[list[str] | None, Field(max_length=100)] = None,
    unblock: Annotated[list[str] | None, Field(max_length=100)] = None,
    remove_restriction: bool = False,
    confirm: Annotated[bool, Field(description="Only if the client cannot ask.")] = False,
    plan_digest: Annotated[str | None, Field(description="The approved plan's digest.", max_length=64)] = None,
) -> PermissionsChange:
    from .live.permissions import approval_from, update_with_confirmation

    return await update_with_confirmation(
        state_of(ctx),
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


async def _diagnose_off_loop(
    state: AppState, error: str, model: str | None, endpoint: str | None, ctx: Ctx
) -> tuple[Diagnosis, float]:
    """The offline diagnosis and how long it took. A short text (a pasted error, nearly always) is
    analysed on the loop: every pattern is linear, and the worst 4 KB input takes under 3 ms, less
    than handing it to a thread and back. Longer texts go to a worker thread within the budget, and
    large ones to a child process that is killed on overrun."""
    from .diagnosis import diagnose_offline
    from .diagnosis.engine import diagnose_remembered

    start = time.monotonic()
    result: Diagnosis
    if len(error) <= work.INLINE_UP_TO:  # a text asked about before is answered from memory
        result = diagnose_remembered(state.catalog, error, model=model, endpoint=endpoint)
    elif len(error) > work.ISOLATE_ABOVE:
        result = await work.run_isolated(
            work.diagnose_in_child,
            state.catalog.today.isoformat(),
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


# ------------------------------------------------------------------ registration


@dataclass(frozen=True)
class ToolSpec:
    """How one tool is offered: its function, title, hints and the description the model reads."""

    fn: Callable[..., Any]
    title: str
    annotations: ToolAnnotations | Literal["live"]  # "live": reads the API when a key is set
    description: str

    @property
    def name(self) -> str:
        return self.fn.__name__


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(
        list_accessible_models,
        "List callable models",
        "live",
        "Models this key can call (live) with lifecycle, shutdown date and endpoints; without a key, "
        "the bundled catalog (source='catalog'). Next: check_model_access.",
    ),
    ToolSpec(
        check_model_access,
        "Check access to one model",
        "live",
        "Can the configured key call this model? Verdict (accessible, not_listed, project_denied, "
        "retired, unknown_model, wrong_endpoint, unverifiable) with evidence and next steps.",
    ),
    ToolSpec(
        diagnose_error,
        "Diagnose an OpenAI error",
        "live",
        "Start here when an OpenAI call fails: pass the error text. Returns the cause (category, "
        "confidence), parsed facts, evidence, ordered fixes. Next: the first fix or check_model_access.",
    ),
    ToolSpec(
        suggest_replacement,
        "Suggest a replacement model",
        "live",
        "Ranked replacements for a model id: the intended id for a typo, the successor of a retired or "
        "deprecated model, or one serving your endpoint. Next: fix_model_references.",
    ),
    ToolSpec(
        check_endpoint_for_model,
        "Check a model's endpoint",
        READ_ONLY,
        "Does this model serve this endpoint? The endpoints it serves, the recommended one and its "
        "openai-python call. For 'not a chat model' or 'only supported in v1/responses'.",
    ),
    ToolSpec(
        scan_model_references,
        "Find model ids in code",
        "live",
        "Find OpenAI model ids in a file or folder: location, SDK call, lifecycle, problem (unknown, "
        "retired, deprecated, wrong_endpoint, not_accessible), suggestion; a summary, then up to `limit` "
        "references. Next: fix_model_references.",
    ),
    ToolSpec(
        fix_model_references,
        "Fix model ids in code",
        WRITES_FILES,
        "Replace problem model ids (retired → successor, typo → intended id) or by {old: new}; returns a "
        "unified diff and its `digest`. Show the diff to the user: writes only with apply=true and that "
        "digest, refusing if anything changed.",
    ),
    ToolSpec(
        get_project_model_permissions,
        "Read project model permissions",
        READ_LIVE,
        "Read a project's model allow/deny list (console: Project → Limits) with the admin key, for "
        "'Project proj_… does not have access to model …'. Next: update_project_model_permissions.",
    ),
    ToolSpec(
        update_project_model_permissions,
        "Change project model permissions",
        WRITES_REMOTE,
        "Change a project's model allow/deny list (admin key): `allow` adds, `unblock` removes from a deny "
        "list, `remove_restriction` deletes it. Returns the plan and `plan_digest`; writes only what the user "
        "approves (the client asks, or confirm=true with plan_digest).",
    ),
)

_F = TypeVar("_F", bound=Callable[..., Any])


def _answers(fn: _F, roots: Sequence[Path]) -> _F:
    """`fn` with every anticipated failure turned into a tool error the model can read.

    The message is windowed and redacted; a relative `path` that was read inside the first allowed
    folder is named as such, so "not found" explains itself.
    """

    def refused(exc: Exception, arguments: Mapping[str, Any]) -> ToolError:
        message = str(exc)
        path = arguments.get("path")
        if isinstance(path, str):
            message = mcp_shape.explain_relative(path, mcp_shape.resolve_relative(path, roots), message)
        if isinstance(exc, OSError):
            # A failed read or write (disk full, quota, too many open files): name the cause so the
            # user can act on it. Only the fix tool writes, and it replaces each file atomically.
            where = f" ({exc.filename})" if exc.filename else ""
            message = f"Could not complete {fn.__name__}: {exc.strerror or exc}{where}."
            if fn.__name__ == "fix_model_references":
                message += " Files are replaced atomically, so none is half-written; fix the cause and run it "
                message += "again to see what remains."
        return ToolError(error_text(message))

    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def answer_async(*args: Any, **kwargs: Any) -> Any:
            try:
                return await fn(*args, **kwargs)
            except (ModelAccessError, OSError) as exc:
                if isinstance(exc, OSError) and exc.errno is None:  # a stray TimeoutError & co: a bug
                    raise
                raise refused(exc, kwargs) from None

        return answer_async  # type: ignore[return-value]

    @functools.wraps(fn)
    def answer(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (ModelAccessError, OSError) as exc:
            if isinstance(exc, OSError) and exc.errno is None:  # a stray TimeoutError & co: a bug
                raise
            raise refused(exc, kwargs) from None

    return answer  # type: ignore[return-value]


def offered(config: Config) -> tuple[ToolSpec, ...]:
    """The tools this configuration offers: without a usable admin key the admin tools are left out."""
    if config.admin_unavailable is None:
        return TOOLS
    return tuple(spec for spec in TOOLS if spec.name not in mcp_shape.ADMIN_TOOLS)


def register(app: MCPServer[AppState], config: Config) -> dict[str, Callable[..., Any]]:
    """Add the offered tools to `app`; returns them by name (the boundary validates arguments with them)."""
    live = READ_LIVE if config.has_key else READ_ONLY  # without a key they read only the catalog
    added: dict[str, Callable[..., Any]] = {}
    for spec in offered(config):
        fn = _answers(spec.fn, config.roots)
        annotations = live if spec.annotations == "live" else spec.annotations
        app.add_tool(fn, name=spec.name, title=spec.title, description=spec.description, annotations=annotations)
        added[spec.name] = spec.fn
    return added
