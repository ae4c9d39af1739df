"""The one function that picks a replacement id for scan suggestions and fix edits.

Every replacement decision in code/ goes through `replacement_for`; the judgment module (design.md)
can take it over by changing this one function. Kept apart from fix.py so that a scan does not load
the write path.
"""

from __future__ import annotations

from ..catalog import Catalog


def replacement_for(catalog: Catalog, model_id: str, endpoint: str | None = None) -> str | None:
    """THE replacement for `model_id` used on `endpoint` — every scan suggestion and fix edit asks here.

    An id the catalog knows exactly gets the first active suggestion (the chain ends at an active model);
    a misspelt or unknown id gets the id it most likely means.
    """
    from ..suggest import suggest_replacement

    try:
        intended = catalog.resolve(model_id).match != "exact"
        advice = suggest_replacement(catalog, model_id, endpoint, limit=5)
    except Exception:
        return None
    active = [s for s in advice.suggestions if s.lifecycle == "active"]
    best = advice.suggestions[:1] if intended else (active or advice.suggestions)[:1]
    return best[0].id if best else None
