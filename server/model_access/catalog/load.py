"""Loading the catalog: the bundled snapshot merged with the ids the installed `openai` SDK knows."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Literal, TypeVar

from .ids import family_of
from .model import Catalog, ModelRecord, Origin

_SNAPSHOT = "snapshot.json"
_lock = threading.Lock()
_cache: dict[tuple[str, str | None], Catalog] = {}


def snapshot_data() -> dict[str, object]:
    text = resources.files(__package__).joinpath(_SNAPSHOT).read_text(encoding="utf-8")
    data: dict[str, object] = json.loads(text)
    return data


_T = TypeVar("_T")


def _expect(value: object, kind: type[_T], what: str) -> _T:
    """`value` if it is a `kind`; a snapshot of another shape is a packaging bug, said plainly."""
    if not isinstance(value, kind):
        raise TypeError(f"catalog snapshot: {what!r} is a {type(value).__name__}, expected a {kind.__name__}")
    return value


def record_from_json(item: dict[str, object], origin: Origin = "snapshot") -> ModelRecord:
    def tup(key: str) -> tuple[str, ...]:
        return tuple(str(v) for v in _expect(item.get(key) or [], list, key))

    def opt(key: str) -> str | None:
        value = item.get(key)
        return None if value is None else str(value)

    shutdown = opt("shutdown_date")
    raw_sources = _expect(item.get("sources") or {}, dict, "sources")
    return ModelRecord(
        id=str(item["id"]),
        family=str(item.get("family") or "other"),
        endpoints=tup("endpoints"),
        shutdown_date=date.fromisoformat(shutdown) if shutdown else None,
        replacements=tup("replacements"),
        replacement_note=opt("replacement_note"),
        replacement_source=opt("replacement_source"),
        gates=tup("gates"),
        tier=opt("tier"),
        snapshot_of=opt("snapshot_of"),
        alias_of=opt("alias_of"),
        successor=opt("successor"),
        notes=tup("notes"),
        sources={str(k): tuple(str(x) for x in v) for k, v in raw_sources.items()},
        origin=origin,
    )


def system_today() -> date:
    """The clock a long-running server reads at each lifecycle decision (one stable function, so
    that the catalog is cached once for it).

    `date.today()` itself, answered from the last reading while the clock stays inside that local day:
    a scan asks ~10k times (each candidate of each replacement), and one comparison of `time.time()`
    is a fraction of the cost of building a date. Past local midnight (or if the clock goes back) the
    date is read again, so a server running for days moves on exactly as before."""
    global _day
    now = time.time()
    day, since, until = _day
    if since <= now < until:
        return day
    day = date.fromtimestamp(now)
    since = datetime.combine(day, datetime.min.time()).timestamp()
    until = datetime.combine(day + timedelta(days=1), datetime.min.time()).timestamp()
    if not since <= now < until:  # a time zone this arithmetic does not fit: no caching, as before
        since = until = now
    _day = (day, since, until)
    return day


# (day, first second of it, first second of the next), in local time: one tuple, replaced whole.
_day: tuple[date, float, float] = (date.min, 0.0, 0.0)


def load_catalog(
    today: date | Callable[[], date] | None = None, sdk_dir: Path | Literal[False] | None = None
) -> Catalog:
    """The bundled snapshot merged with the installed SDK's ids (cached per day and SDK folder).

    `sdk_dir=None` finds the installed `openai` package; `False` skips the merge. `today` may be a
    callable (the clock), read at each lifecycle decision: the file is parsed once, not daily.
    """
    from . import sdk

    when: date | Callable[[], date] = today or system_today()
    folder: Path | None
    if sdk_dir is False:
        folder = None
    elif sdk_dir is None:
        folder = sdk.find_sdk_dir()
    else:
        folder = sdk_dir
    key = (when.isoformat() if isinstance(when, date) else f"clock:{id(when)}", str(folder) if folder else None)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached
        data = snapshot_data()
        items = _expect(data["models"], list, "models")
        records = {r.id: r for r in (record_from_json(item) for item in items)}
        not_api = dict(data.get("not_api_ids") or {})  # type: ignore[call-overload]
        installed_version = None
        if folder is not None:
            installed_version = sdk.sdk_version(folder)
            for model_id, fact in sdk.read_sdk_models(folder).items():
                if model_id in records or model_id in not_api:
                    continue
                if fact.not_a_model:
                    not_api[model_id] = fact.note or "Not a supported model id."
                    continue
                records[model_id] = ModelRecord(
                    id=model_id,
                    family=family_of(model_id),
                    endpoints=tuple(sorted(fact.endpoints)),
                    shutdown_date=fact.shutdown_date,
                    snapshot_of=None,
                    sources={"id": tuple(f"sdk:{f}" for f in sorted(fact.files))},
                    origin="sdk",
                )
        catalog = Catalog(
            records.values(),
            as_of=date.fromisoformat(str(data["as_of"])),
            built_with_openai=str(data.get("built_with_openai") or "") or None,
            not_api_ids=not_api,
            sources=dict(data.get("sources") or {}),  # type: ignore[call-overload]
            today=when,
            sdk_version=installed_version,
            azure=dict(data.get("azure") or {}),  # type: ignore[call-overload]
        )
        _cache[key] = catalog
        return catalog
