"""The one function that picks a replacement id for scan suggestions and fix edits.

Every replacement decision in code/ goes through `replacement_for`, which asks the judgment's
first replacement — the same one diagnose_error, suggest_replacement and check_model_access name.
Kept apart from fix.py so that a scan does not load the write path.
"""

from __future__ import annotations

from ..catalog import Catalog


def replacement_for(
    catalog: Catalog, model_id: str, endpoint: str | None = None, listed: frozenset[str] | None = None
) -> str | None:
    """THE replacement for `model_id` used on `endpoint` — every scan suggestion and fix edit asks here.

    The chain ends at an active model that serves the call's endpoint; a misspelt id gets the id it
    most likely means. With the key's listing at hand, a model it does not list is never written.
    """
    found = _first(catalog, model_id, endpoint, listed)
    return found[0] if found is not None else None


def call_move_for(
    catalog: Catalog, model_id: str, endpoint: str | None = None, listed: frozenset[str] | None = None
) -> str | None:
    """The endpoint the call must move to for the replacement, when no current model serves this one."""
    found = _first(catalog, model_id, endpoint, listed)
    return found[1] if found is not None else None


def _first(
    catalog: Catalog, model_id: str, endpoint: str | None, listed: frozenset[str] | None = None
) -> tuple[str, str | None] | None:
    """(id, endpoint) of the judgment's first replacement (suggest.first_replacement, without pydantic)."""
    from ..errors import ModelAccessError
    from ..suggest import first_replacement_id

    try:
        accessible = (lambda m: m in listed) if listed is not None else None
        return first_replacement_id(catalog, model_id, endpoint, accessible)
    except ModelAccessError:  # an id the model-id check refuses has no replacement
        return None
