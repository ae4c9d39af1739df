"""The model catalog: what is known about every OpenAI model id without a network.

A bundled snapshot (`snapshot.json`, built by `python -m model_access.catalog.build` from
the `openai` SDK's generated types plus the hand-kept `overlay.json`) is loaded on first
use, then ids that only the user's installed `openai` SDK knows are merged in, so a newer
SDK teaches the server new models. Lifecycle depends on "today", which is injected.
Never import this module's data at server start-up: loading happens on the first tool call.
"""

from __future__ import annotations

from ..vocab import Lifecycle
from .ids import PROVIDER_PREFIXES, compact_key, dated_base, family_of, generation_of, strip_provider
from .load import load_catalog, record_from_json, snapshot_data, system_today
from .model import Catalog, ModelRecord, Origin, Resolution

__all__ = [
    "PROVIDER_PREFIXES",
    "Catalog",
    "Lifecycle",
    "ModelRecord",
    "Origin",
    "Resolution",
    "compact_key",
    "dated_base",
    "family_of",
    "generation_of",
    "load_catalog",
    "record_from_json",
    "snapshot_data",
    "strip_provider",
    "system_today",
]
