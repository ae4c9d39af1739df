"""The catalog as MCP resources, the troubleshooting prompt and model-id completion.

Each resource renders the shared catalog; `register` adds them (and the prompt and completion) to
a server through the SDK's public decorators and returns a function giving the fixed resources'
sizes (for `resources/list`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from mcp.types import Completion, CompletionArgument, PromptReference, ResourceTemplateReference
from pydantic import Field

from . import mcp_shape, work
from .catalog import Catalog, ModelRecord
from .errors import InvalidInput
from .redact import clip, redact, redact_window
from .state import AppState


def record_json(catalog: Catalog, record: ModelRecord) -> dict[str, Any]:
    """One catalog entry as published."""
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


def _records(catalog: Catalog) -> list[dict[str, Any]]:
    return [record_json(catalog, r) for r in sorted(catalog.records.values(), key=lambda r: r.id)]


def catalog_models(catalog: Catalog) -> str:
    return mcp_shape.render(
        {"as_of": catalog.as_of.isoformat(), "today": catalog.today.isoformat(), "models": _records(catalog)}
    )


def catalog_models_page(catalog: Catalog, page: str) -> str:
    try:
        return mcp_shape.catalog_page(_records(catalog), catalog.as_of.isoformat(), page)
    except InvalidInput as exc:
        raise ResourceNotFoundError(str(exc)) from None


def catalog_model(catalog: Catalog, model_id: str) -> str:
    # A model id is short: a huge one is not resolved, only its windowed head is echoed.
    record = catalog.resolve(model_id).record if len(model_id) <= 1024 else None
    if record is None:
        raise ResourceNotFoundError(
            f"{clip(work.window(model_id, 1024), 100)!r} is not in the catalog; call suggest_replacement "
            "for the closest ids"
        )
    return mcp_shape.render(record_json(catalog, record))


def catalog_shutdowns(catalog: Catalog) -> str:
    return mcp_shape.render(
        {
            "today": catalog.today.isoformat(),
            "shutdowns": [record_json(catalog, r) for r in catalog.upcoming_shutdowns()],
        }
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


def complete_model_id(catalog: Catalog, argument: CompletionArgument) -> Completion | None:
    if argument.name not in ("model_id", "model"):
        return None
    prefix = str(argument.value).lower()
    values = [m for m in sorted(catalog.records) if m.startswith(prefix)]
    return Completion(values=values[:100], total=len(values), has_more=len(values) > 100)


def register(app: MCPServer[AppState], state: AppState) -> Callable[[], dict[str, int]]:
    """Add the resources, the prompt and completion to `app`; return the fixed resources' sizes."""

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
    def models() -> str:
        return catalog_models(state.catalog)

    @app.resource(
        "catalog://models/page/{page}",
        name="catalog-models-page",
        title="OpenAI model catalog, one page",
        description=f"{mcp_shape.PAGE_SIZE} catalog models per page, from page 1; each page names the next.",
        mime_type="application/json",
    )
    def models_page(page: str) -> str:
        return catalog_models_page(state.catalog, page)

    @app.resource(
        "catalog://models/{model_id}",
        name="catalog-model",
        title="One catalog model",
        description="One model's catalog entry (tolerant id match).",
        mime_type="application/json",
    )
    def model(model_id: str) -> str:
        return catalog_model(state.catalog, model_id)

    @app.resource(
        "catalog://shutdowns",
        name="catalog-shutdowns",
        title="Upcoming model shutdowns",
        description="Models with an announced shutdown date after today, soonest first, with replacements.",
        mime_type="application/json",
    )
    def shutdowns() -> str:
        return catalog_shutdowns(state.catalog)

    app.prompt(
        name="troubleshoot_model_error",
        title="Troubleshoot a failing OpenAI call",
        description="Walk through a failing call: diagnose → confirm against the live key → fix the code.",
    )(troubleshoot_model_error)

    @app.completion()  # type: ignore[no-untyped-call, untyped-decorator]
    async def complete(
        ref: PromptReference | ResourceTemplateReference, argument: CompletionArgument, context: Any
    ) -> Completion | None:
        return complete_model_id(state.catalog, argument)

    def sizes() -> dict[str, int]:
        return {
            "catalog://models": len(catalog_models(state.catalog).encode()),
            "catalog://shutdowns": len(catalog_shutdowns(state.catalog).encode()),
        }

    return sizes
