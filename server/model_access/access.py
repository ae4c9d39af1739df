"""Which models can be called: the live list when a key is configured, else the catalog.

Catalog mode is a supported, clearly labelled answer ("what OpenAI offers"), never passed
off as what the caller's key can call.
"""

from __future__ import annotations

import re
from typing import Literal

from .catalog import Catalog
from .endpoints import parse_endpoint
from .results import AccessibleModels, ModelEntry
from .state import AppState

ProviderChoice = Literal["auto", "openai", "azure", "compatible", "catalog"]
LifecycleChoice = Literal["any", "active", "deprecated", "shutdown"]
DEFAULT_LIMIT = 50

NO_KEY_WARNING = (
    "No API key is configured, so this is the bundled catalog of OpenAI models (as of {as_of}), "
    "not the list your key can call. Set OPENAI_API_KEY (and OPENAI_PROJECT_ID for a project key; "
    "AZURE_OPENAI_ENDPOINT + AZURE_OPENAI_API_KEY for Azure) in the server's environment for a live list."
)


def catalog_models(catalog: Catalog, endpoint: str | None) -> list[ModelEntry]:
    entries = []
    for record in sorted(catalog.records.values(), key=lambda r: r.id):
        lifecycle = catalog.lifecycle(record)
        if lifecycle == "shutdown":
            continue
        if endpoint is not None and endpoint not in record.endpoints:
            continue
        entries.append(
            ModelEntry(
                id=record.id,
                owned_by=None,
                lifecycle=lifecycle,
                shutdown_date=record.shutdown_date.isoformat() if record.shutdown_date else None,
                endpoints=list(record.endpoints),
                in_catalog=True,
            )
        )
    return entries


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def narrow(
    result: AccessibleModels, search: str | None, lifecycle: LifecycleChoice, limit: int | None
) -> AccessibleModels:
    """Keep the models matching `search` (tolerant substring) and `lifecycle`, at most `limit` of them.

    `total` is how many matched before the limit; when some are left out a warning says how to see them.
    """
    models = result.models
    if search:
        wanted = _squash(search.split("/")[-1])
        models = [m for m in models if wanted in _squash(m.id)]
    if lifecycle != "any":
        models = [m for m in models if m.lifecycle == lifecycle]
    total = len(models)
    shown = models if limit is None else models[:limit]
    warnings = list(result.warnings)
    if total > len(shown):
        narrower = "" if search else " or search='gpt-5'"
        warnings.append(f"{total - len(shown)} more models match: call again with limit={total}{narrower} to see them.")
    return result.model_copy(update={"models": shown, "count": len(shown), "total": total, "warnings": warnings})


async def list_accessible_models(
    state: AppState,
    endpoint: str | None = None,
    refresh: bool = False,
    provider: ProviderChoice = "auto",
    search: str | None = None,
    lifecycle: LifecycleChoice = "any",
    limit: int | None = None,
) -> AccessibleModels:
    result = await _list_all(state, endpoint, refresh, provider)
    if search is None and lifecycle == "any" and limit is None:
        return result
    return narrow(result, search, lifecycle, limit)


async def _list_all(state: AppState, endpoint: str | None, refresh: bool, provider: ProviderChoice) -> AccessibleModels:
    canonical = parse_endpoint(endpoint) if endpoint else None
    config = state.config
    if provider != "catalog" and config.has_key:
        return await state.live.list_models(canonical, refresh=refresh, provider=provider)
    catalog = state.catalog
    models = catalog_models(catalog, canonical)
    warnings = []
    if provider == "catalog" and config.has_key:
        warnings.append("provider='catalog' was asked for: this is the bundled catalog, not the live list of your key.")
    else:
        warnings.append(NO_KEY_WARNING.format(as_of=catalog.as_of.isoformat()))
    return AccessibleModels(
        source="catalog",
        provider="catalog",
        base_url=None,
        organization=config.organization,
        project=config.project,
        fetched_at=catalog.as_of.isoformat(),
        models=models,
        count=len(models),
        warnings=warnings,
    )
